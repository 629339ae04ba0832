"""The store commands of the CLI: dyad, top, clusters, export, import (and ingest resuming)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from communique.cli import app
from communique.export import GDELT_COLUMNS
from communique.store import open_store
from tests import factories as f
from tests.conftest import SEED


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "c.duckdb"
    e = f.event
    with open_store(path) as store:
        store.save(f.result("a1", [e("a1", "CHN", "IRN", "042", date(2024, 1, 5))],
                            url="https://bbc.co.uk/1"))  # fmt: skip
        store.save(f.result("a2", [e("a2", "CHN", "IRN", "043", date(2024, 1, 6))],
                            url="https://apnews.com/2"))  # fmt: skip
        accuse = e("a3", "IRN", "CHN", "112", date(2024, 3, 2))
        store.save(f.result("a3", [accuse, e("a3", "USA", "IRN", "163", date(2024, 3, 3), at=50)]))
    return path


def _json(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_dyad(runner: CliRunner, db: Path) -> None:
    out = runner.invoke(app, ["dyad", "CHN", "IRN", "--db", str(db), "--format", "json"])
    assert out.exit_code == 0, out.stderr
    assert _json(out.stdout) == [
        {"period": "2024-01-01", "end": "2024-01-31", "events": 2, "quad1": 2, "quad2": 0,
         "quad3": 0, "quad4": 0, "goldstein_mean": 2.35, "goldstein_sum": 4.7},
    ]  # fmt: skip
    both = runner.invoke(
        app,
        ["dyad", "chn", "irn", "--db", str(db), "--undirected", "--by", "year", "--format", "csv"],
    )
    [row] = list(csv.DictReader(io.StringIO(both.stdout)))
    assert (row["period"], row["events"], row["quad3"]) == ("2024-01-01", "3", "1")
    table = runner.invoke(app, ["dyad", "CHN", "IRN", "--db", str(db), "--by", "day"])
    assert "2024-01-06" in table.stdout
    bad = runner.invoke(app, ["dyad", "CHN", "IRN", "--db", str(db), "--by", "decade"])
    assert bad.exit_code == 2


def test_top(runner: CliRunner, db: Path) -> None:
    actors = runner.invoke(app, ["top", "actors", "--db", str(db), "--format", "json"])
    assert [(r["key"], r["events"]) for r in _json(actors.stdout)] == [
        ("IRN", 4), ("CHN", 3), ("USA", 1),
    ]  # fmt: skip
    types = runner.invoke(
        app, ["top", "types", "--db", str(db), "--level", "plover", "--format", "csv"]
    )
    rows = list(csv.DictReader(io.StringIO(types.stdout)))
    assert [(r["key"], r["events"]) for r in rows] == [
        ("CONSULT", "2"), ("ACCUSE", "1"), ("SANCTION", "1"),
    ]  # fmt: skip


def test_clusters(runner: CliRunner, db: Path) -> None:
    out = runner.invoke(
        app, ["clusters", "--db", str(db), "--min-sources", "2", "--format", "json"]
    )
    assert out.exit_code == 0, out.stderr
    [cluster] = _json(out.stdout)
    assert (cluster["num_sources"], cluster["num_articles"], cluster["first_seen"]) == (
        2, 2, "2024-01-05",
    )  # fmt: skip


def test_export_and_import(runner: CliRunner, db: Path, tmp_path: Path) -> None:
    tsv = tmp_path / "e.tsv"
    out = runner.invoke(app, ["export", "--db", str(db), "--format", "gdelt", "--output", str(tsv)])
    assert out.exit_code == 0, out.stderr
    lines = tsv.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 and all(len(line.split("\t")) == len(GDELT_COLUMNS) for line in lines)
    headed = tmp_path / "h.tsv"
    args = ["export", "--db", str(db), "--format", "gdelt", "--output", str(headed), "--header"]
    runner.invoke(app, [*args, "--source", "USA"])
    assert headed.read_text(encoding="utf-8").splitlines()[0].startswith("GlobalEventID\tDay\t")
    pq = tmp_path / "pq"
    runner.invoke(app, ["export", "--db", str(db), "--format", "parquet", "--output", str(pq)])
    fresh = tmp_path / "fresh.duckdb"
    loaded = runner.invoke(app, ["import", str(pq), "--format", "parquet", "--db", str(fresh)])
    assert loaded.exit_code == 0, loaded.stderr
    assert "imported 4 new events" in loaded.stderr
    again = runner.invoke(
        app, ["export", "--db", str(db), "--format", "parquet", "--output", str(pq)]
    )
    assert again.exit_code == 1 and "cannot write the parquet export" in again.stderr
    missing = runner.invoke(app, ["import", str(tmp_path / "no.csv"), "--format", "csv"])
    assert missing.exit_code == 1 and "no.csv: no such file" in missing.stderr
    assert runner.invoke(app, ["export", "--format", "xml", "--output", "x"]).exit_code == 2


def test_store_commands_need_a_store(runner: CliRunner, tmp_path: Path) -> None:
    none = str(tmp_path / "none.duckdb")
    for args in (["dyad", "CHN", "IRN"], ["top", "actors"], ["clusters"]):
        result = runner.invoke(app, [*args, "--db", none])
        assert result.exit_code == 1 and "no such store" in result.stderr


def test_ingest_resumes_and_clusters(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "r.duckdb"
    first = runner.invoke(app, ["ingest", str(SEED), "--db", str(db), "--quiet"])
    assert first.exit_code == 0, first.stderr
    again = runner.invoke(app, ["ingest", str(SEED), "--db", str(db), "--quiet"])
    assert again.exit_code == 0
    assert "stored 0 new or changed articles (0 read, 1 already stored, 0 failed)" in again.stderr
    with open_store(db, read_only=True) as store:
        assert store.clusters_stale() is False
        assert 0 < store.count("event_clusters") <= store.count("events")
