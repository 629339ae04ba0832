from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pytest

from communique.clusters import SOURCE_KEY, TARGET_KEY
from communique.model import Document
from communique.pipeline import Resources, Result, code_document
from communique.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    EventFilter,
    open_store,
    source_domain,
)
from tests import factories as f

D1 = date(2024, 1, 1)
URL1 = "https://www.bbc.co.uk/news/1"
URL2 = "https://www.reuters.com/world/2"
URL3 = "https://apnews.com/3"
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


# --- schema v2: URL, source domain, duplicates, migrations, resume (no spaCy needed) ---


def _columns(path: Path, table: str) -> list[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?"
            " ORDER BY ordinal_position",
            [table],
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def test_source_domain() -> None:
    assert source_domain("https://www.Reuters.com/world/a?b=1") == "reuters.com"
    assert source_domain("http://news.bbc.co.uk:8080/x") == "news.bbc.co.uk"
    assert source_domain("samples/000.txt") is None
    assert source_domain(None) is None


def test_article_columns(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with open_store(path) as store:
        store.save(f.result("a1", [f.event("a1", "CHN", "IRN", "042", D1)], url=URL1))
        row = store.connection.execute(
            "SELECT url, source_domain, language, duplicate_of FROM articles"
        ).fetchone()
    assert row == (URL1, "bbc.co.uk", "en", None)
    assert {"source_domain", "duplicate_of", "content_hash"} <= set(_columns(path, "articles"))


def test_same_url_under_another_doc_id(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        first = f.result("a1", [f.event("a1", "CHN", "IRN", "042", D1)], url=URL1, text="T one")
        assert store.save(first) is True
        again = f.result("b1", [f.event("b1", "CHN", "IRN", "042", D1)], url=URL1, text="T one")
        assert store.is_stored(again.article) is True
        assert store.save(again) is False  # same URL, same text: nothing
        changed = f.result("b1", [f.event("b1", "USA", "PRK", "163", D1)], url=URL1, text="T two")
        assert store.save(changed) is True  # same URL, new text: replaces the old article
        assert store.connection.execute("SELECT doc_id FROM articles").fetchall() == [("b1",)]
        assert [r["source_code"] for r in store.events(EventFilter())] == ["USA"]


def test_same_text_is_a_duplicate_or_nothing(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        store.save(f.result("a1", [f.event("a1", "CHN", "IRN", "042", D1)], url=URL1, text="T"))
        no_url = f.result("a2", [f.event("a2", "CHN", "IRN", "042", D1)], text="T")
        assert store.save(no_url) is False  # the same text again, from nowhere new
        copy = f.result("a3", [f.event("a3", "CHN", "IRN", "042", D1)], url=URL2, text="T")
        assert store.save(copy) is True  # the same text from another outlet: a duplicate
        assert store.save(copy) is False
        rows = store.connection.execute(
            "SELECT doc_id, duplicate_of, source_domain FROM articles ORDER BY doc_id"
        ).fetchall()
        assert rows == [("a1", None, "bbc.co.uk"), ("a3", "a1", "reuters.com")]
        assert store.count("events") == 1  # a duplicate brings no events of its own


def test_duplicate_of_keyword(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        store.save(f.result("a1", [f.event("a1", "CHN", "IRN", "042", D1)], url=URL1))
        near = f.result("a2", [f.event("a2", "CHN", "IRN", "042", D1)], url=URL2, text="x")
        assert store.save(near, duplicate_of="a1") is True
        orphan = f.result("a3", [f.event("a3", "CHN", "IRN", "042", D1)], url=URL3, text="y")
        assert store.save(orphan, duplicate_of="missing") is True  # unknown original: kept
        rows = store.connection.execute(
            "SELECT doc_id, duplicate_of FROM articles ORDER BY doc_id"
        ).fetchall()
        assert rows == [("a1", None), ("a2", "a1"), ("a3", None)]
        assert sorted(r["doc_id"] for r in store.events(EventFilter())) == ["a1", "a3"]
        store.recluster()
        counts = store.connection.execute(
            "SELECT num_mentions, num_articles, num_sources FROM event_clusters"
        ).fetchall()
        assert counts == [(3, 3, 3)]  # a1 and a3 report it; a2 copies a1


def test_rerun_skips_stored_articles(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        res = f.result("a1", [f.event("a1", "CHN", "IRN", "042", D1)])
        assert store.is_stored(res.article) is False
        store.save(res)
        assert store.is_stored(res.article) is True
        edited = replace(res.article, text=res.article.text + " More.")
        assert store.is_stored(edited) is False


_V1_DDL = """
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE articles (
    doc_id VARCHAR PRIMARY KEY, content_hash VARCHAR NOT NULL, url VARCHAR, title VARCHAR,
    published DATE, section VARCHAR, caption VARCHAR, author VARCHAR, language VARCHAR,
    text VARCHAR NOT NULL, body_start INTEGER NOT NULL, ingested_at TIMESTAMP DEFAULT now()
);
CREATE TABLE mentions (
    doc_id VARCHAR NOT NULL, start_char INTEGER NOT NULL, end_char INTEGER NOT NULL,
    text VARCHAR, sentence INTEGER, antecedent VARCHAR, country VARCHAR, agent VARCHAR,
    code VARCHAR, entity_id VARCHAR, name VARCHAR
);
CREATE TABLE events (
    event_id VARCHAR PRIMARY KEY, doc_id VARCHAR NOT NULL, sentence VARCHAR,
    sentence_start INTEGER, sentence_end INTEGER, cameo VARCHAR NOT NULL, cameo_name VARCHAR,
    goldstein DOUBLE, quad_class INTEGER, plover_type VARCHAR, plover_mode VARCHAR,
    source_text VARCHAR, source_country VARCHAR, source_agent VARCHAR, source_code VARCHAR,
    source_entity VARCHAR, source_name VARCHAR,
    target_text VARCHAR, target_country VARCHAR, target_agent VARCHAR, target_code VARCHAR,
    target_entity VARCHAR, target_name VARCHAR,
    event_date DATE, date_source VARCHAR, date_precision VARCHAR,
    location_name VARCHAR, location_country VARCHAR, lat DOUBLE, lon DOUBLE, geonameid BIGINT,
    location_feature VARCHAR, confidence DOUBLE,
    source_start INTEGER, source_end INTEGER, verb_start INTEGER, verb_end INTEGER,
    target_start INTEGER, target_end INTEGER, rule VARCHAR
);
INSERT INTO meta VALUES ('schema_version', '1');
INSERT INTO articles (doc_id, content_hash, url, text, body_start)
    VALUES ('old', 'h', 'https://www.aljazeera.com/news/1', 'China met Iran.', 0);
INSERT INTO events (event_id, doc_id, cameo, goldstein, quad_class, source_country,
                    source_code, target_country, target_code, event_date, confidence)
    VALUES ('e1', 'old', '040', 1.0, 1, 'CHN', 'CHN', 'IRN', 'IRN', DATE '2023-07-24', 0.7);
"""


def _v1_store(path: Path) -> None:
    """A store exactly as communique 0.1.0 (schema 1) wrote it."""
    con = duckdb.connect(str(path))
    con.execute(_V1_DDL)
    con.close()


@pytest.mark.parametrize("read_only", [False, True])
def test_v1_store_is_migrated_in_place(tmp_path: Path, *, read_only: bool) -> None:
    path = tmp_path / "v1.duckdb"
    _v1_store(path)
    with open_store(path, read_only=read_only) as store:
        domain = store.connection.execute("SELECT source_domain FROM articles").fetchone()
        version = store.connection.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'"
        ).fetchone()
        assert (domain, version) == (("aljazeera.com",), (str(SCHEMA_VERSION),))
        assert store.count("event_clusters") == 1 and store.count("cluster_events") == 1
        assert [r["event_id"] for r in store.events(EventFilter(source="CHN"))] == ["e1"]
    with open_store(path) as store:  # reopening a migrated store changes nothing
        assert store.count("event_clusters") == 1
        store.save(f.result("new", [f.event("new", "CHN", "IRN", "042", date(2023, 7, 25))]))
        store.recluster()
        assert store.connection.execute("SELECT num_mentions FROM event_clusters").fetchall() == [
            (2,)
        ]


def test_schema_steps_reach_the_current_version() -> None:
    assert [v for v, _ in MIGRATIONS] == list(range(2, SCHEMA_VERSION + 1))


def test_read_only_store_cannot_recluster(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    open_store(path).close()
    with open_store(path, read_only=True) as store, pytest.raises(RuntimeError, match="read-only"):
        store.recluster()


# --- schema v3: the location's admin1 and GeoNames feature class ---


def _v2_store(path: Path) -> None:
    """A schema-2 store (0.1.0's schema and the step to 2) with an event in Johannesburg."""
    _v1_store(path)
    con = duckdb.connect(str(path))
    [(reached, step), *_] = MIGRATIONS
    assert reached == 2
    step(con)
    con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    con.execute(
        "UPDATE events SET location_name = 'Johannesburg', location_country = 'ZAF',"
        " lat = -26.20227, lon = 28.04363, geonameid = 993800, location_feature = 'city'"
    )
    con.close()


def test_v2_store_gains_admin1_and_feature_class(tmp_path: Path) -> None:
    path = tmp_path / "v2.duckdb"
    _v2_store(path)
    before = _columns(path, "events")
    with open_store(path) as store:
        [row] = store.events(EventFilter())
        view = store.connection.execute(
            "SELECT name, admin1, feature_class, events FROM locations"
        ).fetchall()
    assert _columns(path, "events") == [*before, "location_admin1", "location_feature_class"]
    assert (row["event_id"], row["location_admin1"], row["location_feature_class"]) == (
        "e1",
        "Gauteng",
        "P",
    )
    assert view == [("Johannesburg", "Gauteng", "P", 1)]


def test_saved_event_keeps_admin1_and_feature_class(tmp_path: Path) -> None:
    place = replace(f.TEHRAN, admin1="Tehran", feature_class="P")
    with open_store(tmp_path / "s.duckdb") as store:
        store.save(
            f.result("d", [f.event("d", "IRN", "CHN", "040", date(2024, 1, 2), place=place)])
        )
        [row] = store.events(EventFilter())
    assert (row["location_admin1"], row["location_feature_class"]) == ("Tehran", "P")


def test_saved_events_mark_their_dyads_dirty(tmp_path: Path) -> None:
    # the keys come from the rows' values, as clusters.SOURCE_KEY / TARGET_KEY compute them
    sector_only = replace(f.actor("CHNGOV"), country=None, code="GOV")
    events = [
        f.event("k1", "CHNGOV", "IRNGOV", "036", D1),
        f.event("k1", "IRNGOV", None, "010", D1, at=40),
        replace(f.event("k1", "CHNGOV", "IRN", "040", D1, at=80), source=sector_only),
        f.event("k1", "CHNGOV", "IRNGOV", "036", D1, at=120),
    ]
    with open_store(tmp_path / "s.duckdb") as store:
        store.save(f.result("k1", events))
        con = store.connection
        dirty = con.execute("SELECT * FROM cluster_dirty ORDER BY ALL").fetchall()
        expected = con.execute(
            f"SELECT DISTINCT {SOURCE_KEY}, {TARGET_KEY} FROM events ORDER BY ALL"  # noqa: S608
        ).fetchall()
    assert dirty == expected == [("CHN", "IRN"), ("GOV", "IRN"), ("IRN", "")]
