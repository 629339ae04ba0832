"""HTTP API load test: GET /api/v1/events and the dyad timeline on a store of N events.

    .venv/bin/python bench/api_load.py --db /tmp/bench-1m.duckdb   # builds it once (1M events)
    .venv/bin/python bench/api_load.py --db /tmp/bench-1m.duckdb --threads 8 --requests 2000

The store is built with bench/store_bench.py's generator (deterministic, GDELT-like) unless
``--db`` names one that exists. ``communique serve --read-only`` runs in a subprocess on
127.0.0.1; client threads (one keep-alive HTTP connection each) send a bounded number of
requests (``--requests`` per endpoint, stopped after ``--seconds``) with varied filters, drawn
from a fixed seed. Reported: requests/second, median and p95 latency, errors.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from bench.store_bench import COUNTRIES, _generate
from communique.store import open_store

SERVE = "from communique.cli import main; main()"


def build(path: Path, events: int) -> None:
    """A store of ``events`` synthetic reports at ``path`` (bench/store_bench.py's)."""
    with open_store(path) as store:
        _generate(store, events)
        store.load_staged("staged")
        store.recluster()
        store.connection.execute("DROP TABLE staged; DROP TABLE gen; CHECKPOINT")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(db: Path) -> Iterator[str]:
    """``communique serve --read-only`` in a subprocess; yields its base URL once it answers."""
    port = _free_port()
    command = [sys.executable, "-c", SERVE, "serve", "--db", str(db), "--read-only"]
    command += ["--port", str(port)]
    proc = subprocess.Popen(command, stderr=subprocess.DEVNULL)  # noqa: S603 - our own CLI
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(url + "/api/v1/events?limit=1", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _event_queries(rng: random.Random, n: int) -> list[str]:
    codes = [c for c, _, _ in COUNTRIES[:20]]
    queries = []
    for _ in range(n):
        params: dict[str, str] = {"limit": "100"}
        kind = rng.randrange(4)
        if kind in (0, 1):
            params["source"] = rng.choice(codes)
        if kind == 1:
            params["cameo"] = f"{rng.randrange(1, 21):02d}"
        if kind == 2:
            year = rng.randrange(2015, 2025)
            params |= {"since": f"{year}-01-01", "until": f"{year}-12-31"}
        if kind == 3:
            params["place"] = rng.choice(["UKR", "Tehran", "Beijing", "Gaza"])
        queries.append("/api/v1/events?" + str(httpx.QueryParams(params)))
    return queries


def _timeline_queries(rng: random.Random, n: int) -> list[str]:
    codes = [c for c, _, _ in COUNTRIES[:12]]
    queries = []
    for _ in range(n):
        a, b = rng.sample(codes, 2)
        by = rng.choice(["month", "month", "week", "year"])
        queries.append(f"/api/v1/dyads/{a}/{b}/timeline?by={by}")
    return queries


def load(url: str, paths: list[str], *, threads: int, seconds: float) -> dict[str, Any]:
    """Send every path (or until ``seconds`` pass) from ``threads`` clients."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    queue = iter(paths)
    deadline = time.monotonic() + seconds

    def client() -> None:
        nonlocal errors
        with httpx.Client(base_url=url, timeout=60) as http:
            while time.monotonic() < deadline:
                with lock:
                    path = next(queue, None)
                if path is None:
                    return
                start = time.perf_counter()
                ok = http.get(path).status_code == 200
                took = time.perf_counter() - start
                with lock:
                    latencies.append(took)
                    errors += int(not ok)

    start = time.perf_counter()
    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - start
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "errors": errors,
        "seconds": elapsed,
        "rps": len(ordered) / elapsed if elapsed else 0.0,
        "median_ms": statistics.median(ordered) * 1000 if ordered else None,
        "p95_ms": ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000 if ordered else None,
        "max_ms": ordered[-1] * 1000 if ordered else None,
    }


def run(db: Path, *, events: int, requests: int, threads: int, seconds: float) -> dict[str, Any]:
    figures: dict[str, Any] = {"threads": threads}
    if not db.exists():
        start = time.perf_counter()
        build(db, events)
        figures["build_s"] = time.perf_counter() - start
    with open_store(db, read_only=True) as store:
        figures["events"] = store.count("events")
    rng = random.Random(7)  # noqa: S311 - reproducible query mix, not security
    with serve(db) as url:
        # one warm-up pass of a few requests, not counted
        load(url, _event_queries(rng, 20) + _timeline_queries(rng, 20), threads=2, seconds=60)
        figures["events_endpoint"] = load(
            url, _event_queries(rng, requests), threads=threads, seconds=seconds
        )
        figures["timeline_endpoint"] = load(
            url, _timeline_queries(rng, requests), threads=threads, seconds=seconds
        )
    return figures


def _report(figures: dict[str, Any]) -> str:
    lines = [
        f"store: {figures['events']:,} events; {figures['threads']} client threads;"
        f" {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "",
        "| endpoint | requests | errors | requests/s | median | p95 | max |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, key in (("GET /api/v1/events", "events_endpoint"),
                      ("GET /api/v1/dyads/{a}/{b}/timeline", "timeline_endpoint")):  # fmt: skip
        f = figures[key]
        lines.append(
            f"| {name} | {f['requests']:,} | {f['errors']} | {f['rps']:.1f} |"
            f" {f['median_ms']:.1f} ms | {f['p95_ms']:.1f} ms | {f['max_ms']:.1f} ms |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="size of a new store")
    parser.add_argument("--db", type=Path, help="store file, built if missing (default: temp)")
    parser.add_argument("--requests", type=int, default=1000, help="per endpoint")
    parser.add_argument("--seconds", type=float, default=60.0, help="time limit per endpoint")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "api-load.duckdb"
        figures = run(
            db,
            events=args.events,
            requests=args.requests,
            threads=args.threads,
            seconds=args.seconds,
        )
    print(_report(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
