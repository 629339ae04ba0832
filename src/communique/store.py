"""The event store: one DuckDB file, one transaction per document, idempotent by content hash."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from communique.model import Actor, Event, Mention
from communique.pipeline import Result

__all__ = ["EventFilter", "Store", "open_store"]

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS articles (
    doc_id VARCHAR PRIMARY KEY, content_hash VARCHAR NOT NULL, url VARCHAR, title VARCHAR,
    published DATE, section VARCHAR, caption VARCHAR, author VARCHAR, language VARCHAR,
    text VARCHAR NOT NULL, body_start INTEGER NOT NULL, ingested_at TIMESTAMP DEFAULT now()
);
CREATE TABLE IF NOT EXISTS mentions (
    doc_id VARCHAR NOT NULL, start_char INTEGER NOT NULL, end_char INTEGER NOT NULL,
    text VARCHAR, sentence INTEGER, antecedent VARCHAR, country VARCHAR, agent VARCHAR,
    code VARCHAR, entity_id VARCHAR, name VARCHAR
);
CREATE TABLE IF NOT EXISTS events (
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
"""

_EVENT_COLUMNS = [
    "event_id",
    "doc_id",
    "sentence",
    "sentence_start",
    "sentence_end",
    "cameo",
    "cameo_name",
    "goldstein",
    "quad_class",
    "plover_type",
    "plover_mode",
    "source_text",
    "source_country",
    "source_agent",
    "source_code",
    "source_entity",
    "source_name",
    "target_text",
    "target_country",
    "target_agent",
    "target_code",
    "target_entity",
    "target_name",
    "event_date",
    "date_source",
    "date_precision",
    "location_name",
    "location_country",
    "lat",
    "lon",
    "geonameid",
    "location_feature",
    "confidence",
    "source_start",
    "source_end",
    "verb_start",
    "verb_end",
    "target_start",
    "target_end",
    "rule",
]


# Built from the constant column list only; all values are bound parameters.
_INSERT_EVENT = "INSERT INTO events VALUES (" + ", ".join("?" * len(_EVENT_COLUMNS)) + ")"  # noqa: S608


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Filters of ``communique events``; ``cameo`` is a code prefix ("04" matches 040-046)."""

    source: str | None = None
    target: str | None = None
    cameo: str | None = None
    since: date | None = None
    until: date | None = None
    limit: int | None = None


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _actor_values(actor: Actor | None) -> list[Any]:
    if actor is None:
        return [None] * 6
    return [actor.text, actor.country, actor.agent, actor.code, actor.entity_id, actor.name]


def _event_id(event: Event) -> str:
    target = event.target.code if event.target else ""
    key = f"{event.doc_id}|{event.offsets.verb.start}|{event.cameo}|{event.source.code}|{target}"
    key += f"|{event.offsets.source}|{event.offsets.target}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _event_row(event: Event) -> list[Any]:
    loc = event.location
    off = event.offsets
    return [
        _event_id(event),
        event.doc_id,
        event.sentence,
        event.sentence_span.start,
        event.sentence_span.end,
        event.cameo,
        event.cameo_name,
        event.goldstein,
        event.quad_class,
        event.plover_type,
        event.plover_mode,
        *_actor_values(event.source),
        *_actor_values(event.target),
        event.date,
        event.date_source,
        event.date_precision,
        loc.name if loc else None,
        loc.country if loc else None,
        loc.lat if loc else None,
        loc.lon if loc else None,
        loc.geonameid if loc else None,
        loc.feature if loc else None,
        event.confidence,
        off.source.start if off.source else None,
        off.source.end if off.source else None,
        off.verb.start,
        off.verb.end,
        off.target.start if off.target else None,
        off.target.end if off.target else None,
        event.rule,
    ]


def _mention_row(doc_id: str, m: Mention) -> list[Any]:
    a = m.actor
    return [
        doc_id,
        m.span.start,
        m.span.end,
        m.text,
        m.sentence,
        m.antecedent,
        a.country,
        a.agent,
        a.code,
        a.entity_id,
        a.name,
    ]


class Store:
    """A DuckDB event store. Use as a context manager; writes are one transaction per document."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._con.close()

    def stored_hash(self, doc_id: str) -> str | None:
        row = self._con.execute(
            "SELECT content_hash FROM articles WHERE doc_id = ?", [doc_id]
        ).fetchone()
        return str(row[0]) if row else None

    def save(self, result: Result) -> bool:
        """Store one article with its mentions and events; False when already stored unchanged."""
        article = result.article
        digest = content_hash(article.text)
        if self.stored_hash(article.doc_id) == digest:
            return False
        con = self._con
        con.begin()
        try:
            self._replace(result, digest)
            con.commit()
        except BaseException:
            con.rollback()
            raise
        return True

    def _replace(self, result: Result, digest: str) -> None:
        a = result.article
        con = self._con
        for table in ("events", "mentions", "articles"):
            con.execute(f"DELETE FROM {table} WHERE doc_id = ?", [a.doc_id])  # noqa: S608
        con.execute(
            "INSERT INTO articles (doc_id, content_hash, url, title, published, section, caption,"
            " author, language, text, body_start) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                a.doc_id,
                digest,
                a.url,
                a.title,
                a.published,
                a.section,
                a.caption,
                a.author,
                a.language,
                a.text,
                a.body_start,
            ],
        )
        if result.mentions:
            con.executemany(
                "INSERT INTO mentions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_mention_row(a.doc_id, m) for m in result.mentions],
            )
        rows = {r[0]: r for r in (_event_row(e) for e in result.events)}
        if rows:
            con.executemany(_INSERT_EVENT, list(rows.values()))

    def events(self, where: EventFilter) -> list[dict[str, Any]]:
        """Events matching the filter, oldest first, as column dictionaries."""
        clauses, params = _filter_sql(where)
        # Only constant column names are formatted in; every value is a bound parameter.
        sql = f"SELECT {', '.join(_EVENT_COLUMNS)} FROM events"  # noqa: S608
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY event_date NULLS LAST, doc_id, verb_start, event_id"
        if where.limit is not None:
            sql += " LIMIT ?"
            params.append(where.limit)
        cursor = self._con.execute(sql, params)
        return [dict(zip(_EVENT_COLUMNS, row, strict=True)) for row in cursor.fetchall()]

    def count(self, table: str) -> int:
        if table not in {"articles", "events", "mentions"}:
            raise ValueError(f"unknown table {table!r}")
        row = self._con.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
        return int(row[0]) if row else 0


def _filter_sql(where: EventFilter) -> tuple[list[str], list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    pairs: Sequence[tuple[str, Any]] = (
        ("(source_country = ? OR source_code = ?)", where.source),
        ("(target_country = ? OR target_code = ?)", where.target),
    )
    for clause, value in pairs:
        if value:
            clauses.append(clause)
            params.extend([value.upper(), value.upper()])
    if where.cameo:
        clauses.append("starts_with(cameo, ?)")
        params.append(where.cameo)
    if where.since:
        clauses.append("event_date >= ?")
        params.append(where.since)
    if where.until:
        clauses.append("event_date <= ?")
        params.append(where.until)
    return clauses, params


def open_store(path: str | Path, *, read_only: bool = False) -> Store:
    """Open (creating if needed) a store; a store from a newer communique is refused."""
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise RuntimeError(f"{path}: cannot open the store: {exc}") from exc
    if not read_only:
        con.execute(_SCHEMA)
        con.execute(
            "INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT DO NOTHING",
            [str(SCHEMA_VERSION)],
        )
    _check_version(con, path)
    return Store(con)


def _check_version(con: duckdb.DuckDBPyConnection, path: str | Path) -> None:
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    version = int(row[0]) if row else 0
    if version > SCHEMA_VERSION:
        con.close()
        msg = f"{path}: store schema {version} is newer than this communique ({SCHEMA_VERSION})"
        raise RuntimeError(msg)
