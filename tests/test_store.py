from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pytest

from communique.model import Document
from communique.pipeline import Resources, Result, code_document
from communique.store import SCHEMA_VERSION, EventFilter, open_store

TEXT = (
    "Russian forces shelled the Ukrainian city of Kharkiv on Tuesday.\n\n"
    "The United States imposed new sanctions on North Korea on Friday."
)


@pytest.fixture(scope="module")
def result(resources: Resources) -> Result:
    doc = Document(doc_id="a1", content=TEXT, kind="text", published=date(2024, 3, 15))
    return code_document(doc, resources)


def test_save_and_query(tmp_path: Path, result: Result) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        assert store.save(result) is True
        assert (store.count("articles"), store.count("events")) == (1, 2)
        rows = store.events(EventFilter())
        assert [(r["cameo"], r["source_code"], r["target_code"]) for r in rows] == [
            ("190", "RUSMIL", "UKR"),
            ("163", "USA", "PRK"),
        ]
        assert [r["event_date"] for r in rows] == [date(2024, 3, 12), date(2024, 3, 15)]


def test_filters(tmp_path: Path, result: Result) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        store.save(result)
        assert [r["cameo"] for r in store.events(EventFilter(source="usa"))] == ["163"]
        assert [r["cameo"] for r in store.events(EventFilter(target="UKR"))] == ["190"]
        assert [r["cameo"] for r in store.events(EventFilter(source="RUSMIL"))] == ["190"]
        assert [r["cameo"] for r in store.events(EventFilter(cameo="16"))] == ["163"]
        assert store.events(EventFilter(since=date(2024, 3, 13))) == store.events(
            EventFilter(source="USA")
        )
        assert [r["cameo"] for r in store.events(EventFilter(until=date(2024, 3, 12)))] == ["190"]
        assert len(store.events(EventFilter(limit=1))) == 1


def test_idempotent_and_replacing(tmp_path: Path, result: Result) -> None:
    path = tmp_path / "s.duckdb"
    with open_store(path) as store:
        assert store.save(result) is True
        assert store.save(result) is False  # unchanged: nothing added
        assert store.count("events") == 2
        changed = replace(result, article=replace(result.article, text=result.article.text + " "))
        changed = replace(changed, events=changed.events[:1])
        assert store.save(changed) is True  # changed: its events replace the old ones
        assert (store.count("articles"), store.count("events")) == (1, 1)


def test_failed_write_leaves_store_consistent(tmp_path: Path, result: Result) -> None:
    path = tmp_path / "s.duckdb"
    broken = replace(result, events=(*result.events, "not an event"))  # type: ignore[arg-type]
    with open_store(path) as store:
        with pytest.raises(AttributeError):
            store.save(broken)
        assert (store.count("articles"), store.count("events"), store.count("mentions")) == (
            0,
            0,
            0,
        )
        assert store.save(result) is True


def test_schema_version_and_newer_store_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    open_store(path).close()
    con = duckdb.connect(str(path))
    assert con.execute("SELECT value FROM meta").fetchone() == (str(SCHEMA_VERSION),)
    con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(RuntimeError, match="newer than this communique"):
        open_store(path)


def test_count_rejects_unknown_table(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store, pytest.raises(ValueError, match="unknown"):
        store.count("meta; DROP TABLE events")
