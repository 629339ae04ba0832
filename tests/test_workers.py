"""Parallel ingest (``--workers``): the same results as one process, in input order."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from communique.cli import _worker_count, app
from communique.ingest import InputError, iter_documents
from communique.pipeline import Resources, Result, process_documents
from communique.serialize import event_dict
from communique.workers import count_documents, process_in_pool
from tests.conftest import REPO, SEED

SAMPLES = REPO / "samples"


def _events(outputs: list[Result | InputError]) -> list[tuple[str, str]]:
    return [
        (o.article.doc_id, json.dumps(event_dict(e), sort_keys=True))
        for o in outputs
        if isinstance(o, Result)
        for e in o.events
    ]


def test_two_workers_code_the_samples_like_one_process(resources: Resources) -> None:
    config = replace(resources.config, batch_size=2)  # several batches for both workers
    documents = list(iter_documents([str(SAMPLES)]))
    assert len(documents) > 4
    alone = list(process_documents(documents, replace(resources, config=config)))
    pooled = list(process_in_pool(documents, config, workers=2))
    assert [o.article.doc_id for o in pooled if isinstance(o, Result)] == [
        o.article.doc_id for o in alone if isinstance(o, Result)
    ]
    assert _events(pooled) == _events(alone)
    assert _events(alone)


def test_cli_ingest_with_workers_stores_the_same_events(tmp_path: Path) -> None:
    runner = CliRunner()
    text = SEED.read_text(encoding="utf-8")
    dbs = {n: tmp_path / f"w{n}.duckdb" for n in (1, 2)}
    for n, db in dbs.items():  # stdin: no known total, so two workers really start
        args = ["ingest", "-", "--db", str(db), "--quiet", "--workers", str(n)]
        result = runner.invoke(app, args, input=text)
        assert result.exit_code == 0, result.output
    rows = [
        runner.invoke(app, ["events", "--db", str(db), "--format", "json"]) for db in dbs.values()
    ]
    assert rows[0].exit_code == rows[1].exit_code == 0
    events = [[json.loads(line) for line in r.stdout.splitlines()] for r in rows]
    assert events[0] == events[1] != []


def test_count_documents() -> None:
    assert count_documents([str(SAMPLES)]) == 4 + sum(
        1 for line in (SAMPLES / "004_world_briefs.jsonl").open() if line.strip()
    )
    assert count_documents(["-"]) is None
    assert count_documents(["https://example.org/a"]) is None


@pytest.mark.parametrize(
    ("asked", "total", "expected"),
    [(4, None, 4), (4, 10, 1), (4, 64, 2), (4, 1000, 4), (1, 1000, 1), (4, 0, 1)],
)
def test_worker_count_is_capped_by_the_batches(
    asked: int, total: int | None, expected: int
) -> None:
    assert _worker_count(asked, total, 32) == expected
