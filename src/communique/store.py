"""The event store: one DuckDB file, one transaction per document, idempotent ingest.

Tables: ``articles`` (content hash, URL, source domain, language, ``duplicate_of``),
``mentions``, ``events`` (one row per report), ``event_clusters`` and ``cluster_events`` (reports
of one event across articles and outlets, see :mod:`communique.clusters`), ``meta``; the view
``locations`` lists the places events happened at.

Schema versions (``meta.schema_version``); an older file is migrated in place when opened:

1. ``articles``, ``mentions``, ``events``.
2. ``articles.source_domain`` and ``articles.duplicate_of``; ``event_clusters``,
   ``cluster_events``, ``cluster_dirty``; the ``locations`` view.
3. ``events.location_admin1`` (the place's first-level admin area, by name) and
   ``events.location_feature_class`` (GeoNames class: "P" city, "A" admin area or country),
   filled for stored events from the shipped gazetteer by ``geonameid``; the ``locations``
   view shows both.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb

from communique.clusters import SOURCE_KEY, TARGET_KEY, ClusterConfig, rebuild_clusters
from communique.geo import load_gazetteer
from communique.model import Actor, Article, Event, Mention
from communique.pipeline import Result

__all__ = [
    "EVENT_COLUMNS",
    "HAVERSINE_SQL",
    "LATER_EVENT_COLUMNS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "EventFilter",
    "Near",
    "Store",
    "StoreLockedError",
    "check_not_locked",
    "content_hash",
    "event_rows",
    "filter_sql",
    "open_store",
    "source_domain",
]

SCHEMA_VERSION = 3

# Version 1, exactly as communique 0.1.0 created it; newer versions are migrations on top.
_SCHEMA_V1 = """
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

_MIGRATION_2 = f"""
ALTER TABLE articles ADD COLUMN source_domain VARCHAR;
ALTER TABLE articles ADD COLUMN duplicate_of VARCHAR;
CREATE TABLE event_clusters (
    cluster_id VARCHAR NOT NULL, source_key VARCHAR NOT NULL, target_key VARCHAR,
    event_type VARCHAR NOT NULL, cameo_root VARCHAR, plover_type VARCHAR,
    first_seen DATE, last_seen DATE, num_mentions INTEGER, num_articles INTEGER,
    num_sources INTEGER, representative VARCHAR NOT NULL
);
CREATE TABLE cluster_events (cluster_id VARCHAR NOT NULL, event_id VARCHAR NOT NULL);
CREATE TABLE cluster_dirty (source_key VARCHAR NOT NULL, target_key VARCHAR NOT NULL);
INSERT INTO cluster_dirty SELECT DISTINCT {SOURCE_KEY}, {TARGET_KEY} FROM events;
CREATE VIEW locations AS
    SELECT geonameid, location_name AS name, location_country AS country, lat, lon,
           location_feature AS feature, count(*) AS events
    FROM events WHERE location_name IS NOT NULL GROUP BY ALL;
"""  # noqa: S608 - constant key expressions


def _migrate_to_2(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(_MIGRATION_2)
    rows = con.execute("SELECT doc_id, url FROM articles WHERE url IS NOT NULL").fetchall()
    for doc_id, url in rows:
        domain = source_domain(str(url))
        if domain:
            con.execute("UPDATE articles SET source_domain = ? WHERE doc_id = ?", [domain, doc_id])


_MIGRATION_3 = """
ALTER TABLE events ADD COLUMN location_admin1 VARCHAR;
ALTER TABLE events ADD COLUMN location_feature_class VARCHAR;
CREATE OR REPLACE VIEW locations AS
    SELECT geonameid, location_name AS name, location_country AS country, lat, lon,
           location_feature AS feature, location_admin1 AS admin1,
           location_feature_class AS feature_class, count(*) AS events
    FROM events WHERE location_name IS NOT NULL GROUP BY ALL;
"""


def _migrate_to_3(con: duckdb.DuckDBPyConnection) -> None:
    """Add the two location columns; fill them for stored events from the gazetteer."""
    con.execute(_MIGRATION_3)
    row = con.execute("SELECT count(*) FROM events WHERE geonameid IS NOT NULL").fetchone()
    if not row or not row[0]:
        return
    known = {
        p.geonameid: (p.admin1, p.feature_class)
        for places in load_gazetteer().by_name.values()
        for p in places
        if p.geonameid is not None
    }
    stored = con.execute("SELECT DISTINCT geonameid FROM events WHERE geonameid IS NOT NULL")
    values = [[*known[gid], gid] for (gid,) in stored.fetchall() if gid in known]
    con.executemany(
        "UPDATE events SET location_admin1 = ?, location_feature_class = ? WHERE geonameid = ?",
        values,
    )


# (version reached, step): each step upgrades the schema from the version before it.
MIGRATIONS: tuple[tuple[int, Callable[[duckdb.DuckDBPyConnection], None]], ...] = (
    (2, _migrate_to_2),
    (3, _migrate_to_3),
)

EVENT_COLUMNS = (
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
    "location_admin1",
    "location_feature_class",
)

# Event columns added after schema 2: a staged table (an older export) may lack them.
LATER_EVENT_COLUMNS = frozenset({"location_admin1", "location_feature_class"})
_ARTICLE_COLUMNS = (
    "doc_id, content_hash, url, source_domain, title, published, section, caption, author,"
    " language, text, body_start, duplicate_of"
)
_TABLES = frozenset(
    {"articles", "events", "mentions", "event_clusters", "cluster_events", "cluster_dirty"}
)
EARTH_RADIUS_KM = 6371.0088
# Great-circle distance in km from (lat, lon) columns to three bound parameters: lat, lat, lon.
HAVERSINE_SQL = (
    f"2 * {EARTH_RADIUS_KM} * asin(sqrt(pow(sin(radians(lat - ?) / 2), 2)"
    " + cos(radians(?)) * cos(radians(lat)) * pow(sin(radians(lon - ?) / 2), 2)))"
)


@dataclass(frozen=True, slots=True)
class Near:
    """A circle on the earth: events within ``km`` of (``lat``, ``lon``)."""

    lat: float
    lon: float
    km: float


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Filters of ``communique events``.

    ``source``/``target`` match a country ("CHN") or a full actor code ("IRNGOV"), only the
    full code when ``actor_exact``; ``undirected`` lets them match either way round (with only
    ``source`` given: events where it is the source or the target). ``cameo`` is a code prefix
    ("04" matches 040-046), the whole code when ``cameo_exact``. ``text`` keeps events whose
    evidence sentence holds every word or "quoted phrase" (case-insensitive, whole words).
    ``near`` keeps located events within a radius; ``cluster_id`` the reports of one event;
    ``place`` events located in a country (ISO3 code) or at a place of that name (any case).
    """

    source: str | None = None
    target: str | None = None
    cameo: str | None = None
    since: date | None = None
    until: date | None = None
    limit: int | None = None
    undirected: bool = False
    actor_exact: bool = False
    cameo_exact: bool = False
    quad_class: int | None = None
    plover_type: str | None = None
    text: str | None = None
    near: Near | None = None
    cluster_id: str | None = None
    place: str | None = None  # the event location's country code ("UKR") or name ("Kharkiv")


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def source_domain(url: str | None) -> str | None:
    """The outlet of a URL: its lower-cased host without a leading ``www.`` (None if none)."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host.removeprefix("www.") or None


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
        loc.admin1 if loc else None,
        loc.feature_class if loc else None,
    ]


_DYAD_COLUMNS = tuple(
    EVENT_COLUMNS.index(c)
    for c in ("source_country", "source_code", "target_country", "target_code")
)


def _dyad_key(row: Sequence[Any]) -> tuple[str, str]:
    """An event row's (source key, target key): ``clusters.SOURCE_KEY`` and ``TARGET_KEY``
    (coalesce(source_country, source_code), coalesce(target_country, target_code, ''))."""
    source_country, source_code, target_country, target_code = (row[i] for i in _DYAD_COLUMNS)
    source = source_country if source_country is not None else source_code
    target = next((v for v in (target_country, target_code) if v is not None), "")
    return str(source), str(target)


def event_rows(result: Result) -> list[list[Any]]:
    """The ``events`` table rows (``EVENT_COLUMNS``) of a coded article, one per event id."""
    rows = {r[0]: r for r in (_event_row(e) for e in result.events)}
    return list(rows.values())


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


@dataclass(frozen=True, slots=True)
class _Plan:
    """What saving one article does: the stored articles it replaces, whose duplicate it is."""

    replaces: tuple[str, ...]
    duplicate_of: str | None
    stored: tuple[str, ...] = ()  # those of ``replaces`` that are in the store now


class Store:
    """A DuckDB event store. Use as a context manager; writes are one transaction per document.

    Idempotent: an article is skipped when the same text is already stored under its doc_id,
    under its URL, or (for an article without a new URL) under any doc_id. A changed article
    (same doc_id or same URL, new text) replaces the stored one with its mentions and events.
    An article whose text is already stored from another URL, or that the caller marks with
    ``duplicate_of`` (a stored doc_id), is stored without mentions and events; it counts as one
    more article (and outlet) of the original's event clusters.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        *,
        path: str | Path = ":memory:",
        read_only: bool = False,
    ) -> None:
        self._con = con
        self.path = Path(path)
        self.read_only = read_only
        self._column_types: dict[str, tuple[str, ...]] = {}  # of the tables rows are put in

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._con.close()

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection, for read queries of the library's own modules."""
        return self._con

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Commit what the block does, or roll all of it back on any error."""
        con = self._con
        con.begin()
        try:
            yield con
            con.commit()
        except BaseException:
            con.rollback()
            raise

    def stored_hash(self, doc_id: str) -> str | None:
        row = self._con.execute(
            "SELECT content_hash FROM articles WHERE doc_id = ?", [doc_id]
        ).fetchone()
        return str(row[0]) if row else None

    def _plan(self, article: Article, digest: str, duplicate_of: str | None) -> _Plan | None:
        """None when saving would add nothing, else what it replaces and marks."""
        stored_hash = self.stored_hash(article.doc_id)
        if stored_hash == digest:
            return None
        replaces = [article.doc_id]
        stored = [article.doc_id] if stored_hash is not None else []
        if article.url:
            row = self._con.execute(
                "SELECT doc_id, content_hash FROM articles WHERE url = ? AND doc_id <> ?"
                " ORDER BY doc_id LIMIT 1",
                [article.url, article.doc_id],
            ).fetchone()
            if row and row[1] == digest:
                return None
            if row:
                replaces.append(str(row[0]))
                stored.append(str(row[0]))
        same_text = self._original_with_hash(digest, article.doc_id)
        if same_text is not None and not article.url:
            return None
        original = self._original_of(duplicate_of, article.doc_id) or same_text
        if original in replaces:  # it is this very article, about to be replaced
            original = None
        return _Plan(replaces=tuple(replaces), duplicate_of=original, stored=tuple(stored))

    def _original_with_hash(self, digest: str, doc_id: str) -> str | None:
        row = self._con.execute(
            "SELECT coalesce(duplicate_of, doc_id) FROM articles"
            " WHERE content_hash = ? AND doc_id <> ? ORDER BY duplicate_of NULLS FIRST, doc_id"
            " LIMIT 1",
            [digest, doc_id],
        ).fetchone()
        return str(row[0]) if row else None

    def _original_of(self, duplicate_of: str | None, doc_id: str) -> str | None:
        if duplicate_of is None or duplicate_of == doc_id:
            return None
        row = self._con.execute(
            "SELECT coalesce(duplicate_of, doc_id) FROM articles WHERE doc_id = ?", [duplicate_of]
        ).fetchone()
        return str(row[0]) if row and row[0] != doc_id else None

    def is_stored(self, article: Article) -> bool:
        """True when saving the article would add nothing (a rerun skips it before parsing)."""
        return self._plan(article, content_hash(article.text), None) is None

    def save(self, result: Result, *, duplicate_of: str | None = None) -> bool:
        """Store one article with its mentions and events; False when nothing was added.

        ``duplicate_of`` names a stored article this one duplicates (e.g. a syndicated copy);
        it is ignored when that article is not stored.
        """
        article = result.article
        digest = content_hash(article.text)
        plan = self._plan(article, digest, duplicate_of)
        if plan is None:
            return False
        with self.transaction():
            self._replace(result, digest, plan)
        return True

    def _mark_dirty(self, doc_id: str) -> None:
        self._con.execute(
            f"INSERT INTO cluster_dirty SELECT DISTINCT {SOURCE_KEY}, {TARGET_KEY}"  # noqa: S608
            " FROM events WHERE doc_id = ?",
            [doc_id],
        )

    def _mark_rows_dirty(self, rows: Sequence[Sequence[Any]]) -> None:
        """``_mark_dirty`` for event rows about to be stored, from their values (the same keys
        as ``SOURCE_KEY`` / ``TARGET_KEY``; no scan of the events table)."""
        keys = sorted({_dyad_key(row) for row in rows})
        if keys:
            self._con.execute(
                "INSERT INTO cluster_dirty SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[])",
                [[k[0] for k in keys], [k[1] for k in keys]],
            )

    def _delete(self, doc_ids: Sequence[str]) -> None:
        """Delete stored articles (``_Plan.stored``: a new article has none) with their rows."""
        con = self._con
        for doc_id in doc_ids:
            self._mark_dirty(doc_id)
            for table in ("events", "mentions", "articles"):
                con.execute(f"DELETE FROM {table} WHERE doc_id = ?", [doc_id])  # noqa: S608

    def _replace(self, result: Result, digest: str, plan: _Plan) -> None:
        a = result.article
        con = self._con
        self._delete(plan.stored)
        for old in plan.replaces[1:]:
            con.execute(
                "UPDATE articles SET duplicate_of = ? WHERE duplicate_of = ?", [a.doc_id, old]
            )
        values: list[Any] = [
            a.doc_id,
            digest,
            a.url,
            source_domain(a.url),
            a.title,
            a.published,
            a.section,
        ]
        values += [a.caption, a.author, a.language, a.text, a.body_start, plan.duplicate_of]
        con.execute(
            f"INSERT INTO articles ({_ARTICLE_COLUMNS}) VALUES ({', '.join('?' * len(values))})",  # noqa: S608
            values,
        )
        if plan.duplicate_of is not None:
            self._mark_dirty(plan.duplicate_of)
            return
        self._insert_rows("mentions", [_mention_row(a.doc_id, m) for m in result.mentions])
        rows = event_rows(result)
        self._insert_rows("events", rows)
        self._mark_rows_dirty(rows)

    def _insert_rows(self, table: str, rows: list[list[Any]]) -> None:
        """Insert ``rows`` (in the table's column order) with one statement: a typed list per
        column, unnested in step (``executemany`` runs one statement per row, ~1 ms each)."""
        if not rows:
            return
        types = self._column_types.get(table)
        if types is None:
            found = self._con.execute(
                "SELECT data_type FROM information_schema.columns"
                " WHERE table_name = ? ORDER BY ordinal_position",
                [table],
            ).fetchall()
            types = self._column_types[table] = tuple(str(t[0]) for t in found)
        unnested = ", ".join(f"unnest(?::{t}[])" for t in types)
        columns = [list(column) for column in zip(*rows, strict=True)]
        self._con.execute(f"INSERT INTO {table} SELECT {unnested}", columns)

    def load_staged(self, staged: str) -> int:
        """Insert the events of the temporary table ``staged`` (EVENT_COLUMNS plus ``url``,
        ``source_domain``, ``title``, ``published``, ``language``), with a bare article row for
        each new doc_id; events already stored are kept. Returns the events added.
        ``LATER_EVENT_COLUMNS`` the table lacks are stored empty."""
        if not staged.isidentifier():
            raise ValueError(f"{staged!r} is not a table name")
        before = self.count("events")
        with self.transaction() as con:
            con.execute(
                f"INSERT INTO articles ({_ARTICLE_COLUMNS})"  # noqa: S608 - identifier checked
                " SELECT doc_id, 'import:' || doc_id, any_value(url), any_value(source_domain),"
                " any_value(title), any_value(published), NULL, NULL, NULL, any_value(language),"
                f" '', 0, NULL FROM {staged} GROUP BY doc_id ON CONFLICT DO NOTHING"
            )
            present = {str(row[0]) for row in con.execute(f"DESCRIBE {staged}").fetchall()}
            columns = ", ".join(
                f"NULL AS {c}" if c in LATER_EVENT_COLUMNS and c not in present else c
                for c in EVENT_COLUMNS
            )
            con.execute(
                f"INSERT INTO events SELECT {columns} FROM {staged} ON CONFLICT DO NOTHING"  # noqa: S608
            )
            con.execute(
                f"INSERT INTO cluster_dirty SELECT DISTINCT {SOURCE_KEY}, {TARGET_KEY}"  # noqa: S608
                f" FROM {staged}"
            )
        return self.count("events") - before

    def recluster(self, config: ClusterConfig | None = None, *, full: bool = False) -> int:
        """Bring the event clusters up to date (see :mod:`communique.clusters`).

        Only the dyads touched since the last run are recomputed, unless ``full`` or the config
        changed. One transaction; returns the number of reports reassigned.
        """
        if self.read_only:
            raise RuntimeError(f"{self.path}: opened read-only, cannot rebuild event clusters")
        with self.transaction() as con:
            return rebuild_clusters(con, config or ClusterConfig(), full=full)

    def clusters_stale(self) -> bool:
        """True when some saved reports are not yet in the clusters (run :meth:`recluster`)."""
        return self._con.execute("SELECT count(*) FROM cluster_dirty").fetchone() != (0,)

    def events(self, where: EventFilter) -> list[dict[str, Any]]:
        """Events matching the filter, oldest first, as column dictionaries."""
        clauses, params = filter_sql(where)
        # Only constant column names are formatted in; every value is a bound parameter.
        sql = f"SELECT {', '.join(EVENT_COLUMNS)} FROM events"  # noqa: S608
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY event_date NULLS LAST, doc_id, verb_start, event_id"
        if where.limit is not None:
            sql += " LIMIT ?"
            params.append(where.limit)
        cursor = self._con.execute(sql, params)
        return [dict(zip(EVENT_COLUMNS, row, strict=True)) for row in cursor.fetchall()]

    def count(self, table: str) -> int:
        if table not in _TABLES:
            raise ValueError(f"unknown table {table!r}")
        row = self._con.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
        return int(row[0]) if row else 0


def _side_clause(side: str, value: str, *, exact: bool) -> tuple[str, list[Any]]:
    code = value.upper()
    if exact:
        return f"{side}_code = ?", [code]
    return f"({side}_country = ? OR {side}_code = ?)", [code, code]


def _actor_sql(where: EventFilter) -> tuple[list[str], list[Any]]:
    sides = [(s, v) for s, v in (("source", where.source), ("target", where.target)) if v]
    if not sides:
        return [], []
    exact = where.actor_exact
    straight = [_side_clause(side, value, exact=exact) for side, value in sides]
    sql = " AND ".join(c for c, _ in straight)
    params = [p for _, ps in straight for p in ps]
    if not where.undirected:
        return [sql], params
    flip = {"source": "target", "target": "source"}
    swapped = [_side_clause(flip[side], value, exact=exact) for side, value in sides]
    sql = f"(({sql}) OR ({' AND '.join(c for c, _ in swapped)}))"
    return [sql], params + [p for _, ps in swapped for p in ps]


_REGEX_SPECIAL = frozenset("\\.^$|?*+()[]{}")


def _term_pattern(term: str) -> str:
    body = "".join("\\" + c if c in _REGEX_SPECIAL else c for c in term)
    body = "\\s+".join(body.split())
    start = "\\b" if term[0].isalnum() else ""
    end = "\\b" if term[-1].isalnum() else ""
    return f"(?i){start}{body}{end}"


def text_terms(query: str) -> list[str]:
    """The words and "quoted phrases" of a search query."""
    terms: list[str] = []
    for i, part in enumerate(query.split('"')):
        inside = i % 2 == 1
        terms.extend([part.strip()] if inside and part.strip() else [] if inside else part.split())
    return terms


def _text_sql(query: str) -> tuple[list[str], list[Any]]:
    terms = text_terms(query)
    clauses = ["(contains(lower(sentence), ?) AND regexp_matches(sentence, ?))" for _ in terms]
    params: list[Any] = []
    for term in terms:  # a cheap substring test first, then the whole-word pattern
        params += [term.lower().split()[0], _term_pattern(term)]
    return clauses, params


def _near_sql(near: Near) -> tuple[list[str], list[Any]]:
    """A bounding box (cheap, prunes most rows) and then the exact great-circle distance."""
    degrees = near.km / 111.0 + 0.01  # the latitude band that holds the circle
    clauses = ["lat BETWEEN ? AND ?"]
    params: list[Any] = [near.lat - degrees, near.lat + degrees]
    widest = max(abs(near.lat) + degrees, 0.0)
    if widest < 89.0:  # the longitude band, unless it reaches a pole or crosses 180 degrees
        spread = degrees / math.cos(math.radians(widest))
        if near.lon - spread >= -180.0 and near.lon + spread <= 180.0:
            clauses.append("lon BETWEEN ? AND ?")
            params += [near.lon - spread, near.lon + spread]
    clauses.append(f"{HAVERSINE_SQL} <= ?")
    return clauses, [*params, near.lat, near.lat, near.lon, near.km]


def _simple_sql(where: EventFilter) -> tuple[list[str], list[Any]]:
    pairs: Sequence[tuple[str, Any]] = (
        ("cameo = ?" if where.cameo_exact else "starts_with(cameo, ?)", where.cameo),
        ("event_date >= ?", where.since),
        ("event_date <= ?", where.until),
        ("quad_class = ?", where.quad_class),
        ("plover_type = ?", where.plover_type.upper() if where.plover_type else None),
        (
            "event_id IN (SELECT event_id FROM cluster_events WHERE cluster_id = ?)",
            where.cluster_id,
        ),
    )
    kept = [(clause, value) for clause, value in pairs if value is not None and value != ""]
    return [c for c, _ in kept], [v for _, v in kept]


def filter_sql(where: EventFilter) -> tuple[list[str], list[Any]]:
    """SQL conditions over the ``events`` columns and their bound parameters."""
    clauses: list[str] = []
    params: list[Any] = []
    parts = [_actor_sql(where), _simple_sql(where)]
    if where.text:
        parts.append(_text_sql(where.text))
    if where.near is not None:
        parts.append(_near_sql(where.near))
    if where.place:
        place = ["(location_country = ? OR lower(location_name) = ?)"]
        parts.append((place, [where.place.upper(), where.place.lower()]))
    for part_clauses, part_params in parts:
        clauses += part_clauses
        params += part_params
    return clauses, params


def _read_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The schema version, or None for a file without a store in it."""
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "meta" not in tables:
        return None
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 1


def _upgrade(con: duckdb.DuckDBPyConnection, path: str | Path, version: int) -> None:
    """Create or migrate the schema in place, in one transaction."""
    con.begin()
    try:
        con.execute(_SCHEMA_V1)
        for reached, step in MIGRATIONS:
            if reached > version:
                step(con)
        con.execute(
            "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)]
        )
        rebuild_clusters(con, ClusterConfig())
        con.commit()
    except duckdb.Error as exc:
        con.rollback()
        con.close()
        msg = f"{path}: cannot migrate the store from schema {version} to {SCHEMA_VERSION}: {exc}"
        raise RuntimeError(msg) from exc


class StoreLockedError(RuntimeError):
    """The store file is held by another process (DuckDB: one writer, and no reader beside it)."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(
            f"{path}: is being written by another communique process;"
            " wait for it or use another --db"
        )


def _connect(path: str | Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise StoreLockedError(path) from exc
        raise RuntimeError(f"{path}: cannot open the store: {exc}") from exc
    except duckdb.Error as exc:
        raise RuntimeError(f"{path}: cannot open the store: {exc}") from exc


def _check_version(con: duckdb.DuckDBPyConnection, path: str | Path, version: int) -> None:
    if version > SCHEMA_VERSION:
        con.close()
        msg = f"{path}: store schema {version} is newer than this communique ({SCHEMA_VERSION})"
        raise RuntimeError(msg)


def check_not_locked(path: str | Path) -> None:
    """Raise :class:`StoreLockedError` when another process holds the store file (cheap: a
    connection opened and closed), so that a writer fails before loading its models."""
    if Path(path).exists():
        _connect(path, read_only=False).close()


def open_store(path: str | Path, *, read_only: bool = False) -> Store:
    """Open (creating if needed) a store, migrating an older one in place.

    Raises :class:`StoreLockedError` when another process has the file open for writing.

    A store from a newer communique is refused. An older store opened ``read_only`` is first
    migrated through a short writable connection.
    """
    con = _connect(path, read_only=read_only)
    version = _read_version(con)
    _check_version(con, path, version or 0)
    if version == SCHEMA_VERSION:
        return Store(con, path=path, read_only=read_only)
    if read_only:
        con.close()
        if version is None:
            raise RuntimeError(f"{path}: not a communique store (no meta table)")
        open_store(path).close()
        return Store(_connect(path, read_only=True), path=path, read_only=True)
    _upgrade(con, path, version or 1)
    return Store(con, path=path, read_only=False)
