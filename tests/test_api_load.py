"""A smoke run of bench/api_load.py: 1,000 events, `communique serve` in a subprocess, a few
requests per endpoint (the real run is 1,000,000 events)."""

from __future__ import annotations

from pathlib import Path

from bench.api_load import run


def test_api_load_smoke(tmp_path: Path) -> None:
    figures = run(tmp_path / "load.duckdb", events=1000, requests=20, threads=2, seconds=60)
    assert figures["events"] == 1000
    for key in ("events_endpoint", "timeline_endpoint"):
        assert (figures[key]["requests"], figures[key]["errors"]) == (20, 0), key
        assert 0 < figures[key]["p95_ms"] <= figures[key]["max_ms"]
