"""A smoke run of bench/store_bench.py on 1,000 synthetic events (the real run is 1,000,000)."""

from __future__ import annotations

from pathlib import Path

from bench.store_bench import run


def test_store_bench_smoke(tmp_path: Path) -> None:
    figures = run(1000, 1, tmp_path / "bench.duckdb")
    assert (figures["loaded"], figures["articles"]) == (1000, 334)
    assert 0 < figures["clusters"] < 1000  # re-told stories cluster
    assert figures["queries"]["top 10 actors"]["rows"] == 10
    assert figures["queries"]["dyad timeline CHN->IRN by month"]["rows"] > 0
    assert figures["size_bytes"] > 0
