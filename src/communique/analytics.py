"""Analytics over a store: dyad timelines, top actors and event types, the Goldstein matrix,
radius and text search, and the event clusters (reports of one event across outlets).

Every aggregate row carries ``filter``, an :class:`~communique.store.EventFilter` selecting
exactly the reports behind it: ``drill_down(store, row)`` returns them with their evidence
sentences. Counts are of reports (rows of ``events``); :func:`clusters` counts events
reported by several articles and outlets. All SQL is built from constant fragments; every value
is a bound parameter.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Literal, Protocol

from communique.ontology import load_ontology
from communique.store import EVENT_COLUMNS, HAVERSINE_SQL, EventFilter, Near, Store, filter_sql

__all__ = [
    "PERIODS",
    "ActorLevel",
    "ActorRole",
    "ArticleView",
    "Cluster",
    "EventPage",
    "MatrixCell",
    "PageKey",
    "Period",
    "PlaceCount",
    "Ranked",
    "TimelineBucket",
    "TypeLevel",
    "article_view",
    "clusters",
    "drill_down",
    "dyad_timeline",
    "event_places",
    "events_near",
    "events_page",
    "goldstein_matrix",
    "period_end",
    "search_evidence",
    "top_actors",
    "top_event_types",
]

Period = Literal["day", "week", "month", "year"]
ActorRole = Literal["source", "target", "either"]
ActorLevel = Literal["country", "code"]
TypeLevel = Literal["root", "code", "plover"]
PERIODS: tuple[Period, ...] = ("day", "week", "month", "year")


class Drillable(Protocol):
    @property
    def filter(self) -> EventFilter: ...


@dataclass(frozen=True, slots=True)
class TimelineBucket:
    """One period of a dyad timeline; QuadClass counts are 1 verbal cooperation,
    2 material cooperation, 3 verbal conflict, 4 material conflict."""

    period: date  # the first day of the period (weeks start on Monday)
    end: date  # its last day
    events: int
    quad1: int
    quad2: int
    quad3: int
    quad4: int
    goldstein_mean: float | None  # None: only user codes (no Goldstein score) in the period
    goldstein_sum: float | None
    filter: EventFilter


@dataclass(frozen=True, slots=True)
class Ranked:
    """One row of a top-N list: an actor or an event type, with its report count."""

    key: str
    name: str | None
    events: int
    goldstein_mean: float | None  # None: only user codes (no Goldstein score)
    filter: EventFilter


@dataclass(frozen=True, slots=True)
class MatrixCell:
    source: str
    target: str
    events: int
    goldstein_mean: float | None
    filter: EventFilter


@dataclass(frozen=True, slots=True)
class Cluster:
    """One event as reported across articles and outlets."""

    cluster_id: str
    source: str
    target: str | None
    event_type: str
    cameo_root: str | None
    plover_type: str | None
    first_seen: date | None
    last_seen: date | None
    num_mentions: int
    num_articles: int
    num_sources: int
    representative: dict[str, Any]
    filter: EventFilter


def drill_down(store: Store, row: Drillable, *, limit: int | None = None) -> list[dict[str, Any]]:
    """The reports behind one aggregate row, with their evidence sentences."""
    return store.events(replace(row.filter, limit=limit))


def _where(where: EventFilter) -> tuple[str, list[Any]]:
    clauses, params = filter_sql(where)
    return (" WHERE " + " AND ".join(clauses) if clauses else " WHERE TRUE"), params


def period_end(start: date, by: Period) -> date:
    """The last day of the period that begins on ``start``."""
    if by == "day":
        return start
    if by == "week":
        return start + timedelta(days=6)
    if by == "month":
        return start.replace(day=calendar.monthrange(start.year, start.month)[1])
    return start.replace(month=12, day=31)


def _clip(bucket: EventFilter, start: date, end: date) -> EventFilter:
    since = max(start, bucket.since) if bucket.since else start
    until = min(end, bucket.until) if bucket.until else end
    return replace(bucket, since=since, until=until, limit=None)


def dyad_timeline(
    store: Store,
    source: str,
    target: str,
    *,
    by: Period = "month",
    undirected: bool = False,
    where: EventFilter | None = None,
) -> list[TimelineBucket]:
    """Reports of ``source`` acting on ``target`` (or either way), per period, oldest first."""
    if by not in PERIODS:
        raise ValueError(f"period {by!r}: choose one of {', '.join(PERIODS)}")
    dyad = replace(where or EventFilter(), source=source, target=target, undirected=undirected)
    sql_where, params = _where(dyad)
    sql = (
        "SELECT date_trunc(?, event_date)::DATE AS period, count(*),"  # noqa: S608
        " count(*) FILTER (WHERE quad_class = 1), count(*) FILTER (WHERE quad_class = 2),"
        " count(*) FILTER (WHERE quad_class = 3), count(*) FILTER (WHERE quad_class = 4),"
        " avg(goldstein), sum(goldstein)"
        f" FROM events{sql_where} AND event_date IS NOT NULL GROUP BY period ORDER BY period"
    )
    rows = store.connection.execute(sql, [by, *params]).fetchall()
    return [_bucket(row, by, dyad) for row in rows]


def _optional_float(value: Any) -> float | None:
    """A SQL aggregate of Goldstein scores: NULL when every event has a user code."""
    return None if value is None else float(value)


def _bucket(row: tuple[Any, ...], by: Period, dyad: EventFilter) -> TimelineBucket:
    start: date = row[0]
    end = period_end(start, by)
    return TimelineBucket(
        period=start,
        end=end,
        events=int(row[1]),
        quad1=int(row[2]),
        quad2=int(row[3]),
        quad3=int(row[4]),
        quad4=int(row[5]),
        goldstein_mean=_optional_float(row[6]),
        goldstein_sum=_optional_float(row[7]),
        filter=_clip(dyad, start, end),
    )


_ACTOR_COLUMNS: dict[tuple[str, str], str] = {
    ("source", "country"): "source_country",
    ("source", "code"): "source_code",
    ("target", "country"): "target_country",
    ("target", "code"): "target_code",
}


def _actor_query(role: ActorRole, level: ActorLevel, sql_where: str) -> tuple[str, int]:
    """The inner query of actor keys and scores, and how many times it repeats the filter."""
    if role != "either":
        column = _ACTOR_COLUMNS[(role, level)]
        return f"SELECT {column} AS actor, goldstein FROM events{sql_where}", 1  # noqa: S608
    src, tgt = _ACTOR_COLUMNS[("source", level)], _ACTOR_COLUMNS[("target", level)]
    query = (
        f"SELECT {src} AS actor, goldstein FROM events{sql_where}"  # noqa: S608
        f" UNION ALL SELECT {tgt}, goldstein FROM events{sql_where}"
        f" AND {tgt} IS DISTINCT FROM {src}"
    )
    return query, 2


def top_actors(
    store: Store,
    *,
    role: ActorRole = "either",
    level: ActorLevel = "country",
    where: EventFilter | None = None,
    limit: int = 10,
) -> list[Ranked]:
    """The actors in most reports, as source, target or either (an event counts once)."""
    if role not in ("source", "target", "either") or level not in ("country", "code"):
        raise ValueError(
            f"role {role!r}, level {level!r}: role is source, target or either;"
            " level is country or code"
        )
    base = replace(where or EventFilter(), limit=None)
    sql_where, params = _where(base)
    inner, repeats = _actor_query(role, level, sql_where)
    sql = (
        f"SELECT actor, count(*) AS n, avg(goldstein) FROM ({inner})"  # noqa: S608
        " WHERE actor IS NOT NULL GROUP BY actor ORDER BY n DESC, actor LIMIT ?"
    )
    rows = store.connection.execute(sql, params * repeats + [limit]).fetchall()
    exact = level == "code"
    ranked = []
    for key, n, mean in rows:
        side = {"source": key} if role != "target" else {"target": key}
        drill = replace(base, **side, undirected=role == "either", actor_exact=exact)
        ranked.append(Ranked(str(key), None, int(n), _optional_float(mean), drill))
    return ranked


_TYPE_KEYS: dict[str, str] = {"root": "left(cameo, 2)", "code": "cameo", "plover": "plover_type"}


def _type_filter(base: EventFilter, level: TypeLevel, key: str) -> EventFilter:
    if level == "plover":
        return replace(base, plover_type=key)
    return replace(base, cameo=key, cameo_exact=level == "code")


def top_event_types(
    store: Store, *, level: TypeLevel = "root", where: EventFilter | None = None, limit: int = 10
) -> list[Ranked]:
    """The CAMEO roots, CAMEO codes or PLOVER types with most reports."""
    if level not in _TYPE_KEYS:
        raise ValueError(f"level {level!r}: choose one of {', '.join(_TYPE_KEYS)}")
    base = replace(where or EventFilter(), limit=None)
    sql_where, params = _where(base)
    key_sql = _TYPE_KEYS[level]
    sql = (
        f"SELECT {key_sql} AS k, count(*) AS n, avg(goldstein) FROM events{sql_where}"  # noqa: S608
        " AND k IS NOT NULL GROUP BY k ORDER BY n DESC, k LIMIT ?"
    )
    names = {code: entry.name for code, entry in load_ontology().codes.items()}
    rows = store.connection.execute(sql, [*params, limit]).fetchall()
    return [
        Ranked(str(k), names.get(str(k)) if level != "plover" else None, int(n),
               _optional_float(mean), _type_filter(base, level, str(k)))
        for k, n, mean in rows
    ]  # fmt: skip


def goldstein_matrix(
    store: Store,
    *,
    where: EventFilter | None = None,
    countries: list[str] | None = None,
    min_events: int = 1,
) -> list[MatrixCell]:
    """Mean Goldstein score of every directed country pair (source country -> target country)
    over the filter's period; ``countries`` restricts both sides."""
    base = replace(where or EventFilter(), limit=None)
    sql_where, params = _where(base)
    sql = (
        "SELECT source_country, target_country, count(*) AS n, avg(goldstein)"  # noqa: S608
        f" FROM events{sql_where} AND source_country IS NOT NULL AND target_country IS NOT NULL"
    )
    if countries is not None:
        sql += " AND list_contains(?, source_country) AND list_contains(?, target_country)"
        upper = [c.upper() for c in countries]
        params += [upper, upper]
    sql += " GROUP BY ALL HAVING count(*) >= ? ORDER BY 1, 2"
    rows = store.connection.execute(sql, [*params, min_events]).fetchall()
    return [
        MatrixCell(str(s), str(t), int(n), _optional_float(mean), replace(base, source=s, target=t))
        for s, t, n, mean in rows
    ]


def events_near(
    store: Store,
    lat: float,
    lon: float,
    km: float,
    *,
    where: EventFilter | None = None,
    limit: int | None = 100,
) -> list[dict[str, Any]]:
    """Located reports within ``km`` of (lat, lon), nearest first, each with ``distance_km``."""
    base = replace(where or EventFilter(), near=Near(lat, lon, km), limit=None)
    sql_where, params = _where(base)
    sql = (
        f"SELECT {', '.join(EVENT_COLUMNS)}, {HAVERSINE_SQL} AS distance_km"  # noqa: S608
        f" FROM events{sql_where} ORDER BY distance_km, event_id"
    )
    params = [lat, lat, lon, *params]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    names = (*EVENT_COLUMNS, "distance_km")
    rows = store.connection.execute(sql, params).fetchall()
    return [dict(zip(names, row, strict=True)) for row in rows]


def search_evidence(
    store: Store, query: str, *, where: EventFilter | None = None, limit: int | None = 100
) -> list[dict[str, Any]]:
    """Reports whose evidence sentence holds every word and "quoted phrase" of ``query``
    (case-insensitive, whole words), oldest first. DuckDB's ``fts`` extension is not bundled
    and cannot be downloaded offline, so this is a scan (substring test, then a regex)."""
    if not query.strip():
        raise ValueError("empty search query")
    return store.events(replace(where or EventFilter(), text=query, limit=limit))


_CLUSTER_COLUMNS = (
    "cluster_id", "source_key", "target_key", "event_type", "cameo_root", "plover_type",
    "first_seen", "last_seen", "num_mentions", "num_articles", "num_sources",
)  # fmt: skip


def clusters(
    store: Store,
    *,
    where: EventFilter | None = None,
    min_sources: int = 0,
    min_articles: int = 1,
    limit: int | None = 100,
) -> list[Cluster]:
    """Events as clustered across reports, most outlets first; ``where`` applies to each
    cluster's representative report. ``num_sources`` counts distinct source domains (articles
    without a URL add none). Run ``store.recluster()`` first after saving."""
    clauses, params = filter_sql(replace(where or EventFilter(), limit=None))
    chosen = "SELECT * FROM event_clusters WHERE num_sources >= ? AND num_articles >= ?"
    if clauses:  # the representative must match: a semi-join, before the top-N
        chosen += " AND representative IN (SELECT event_id FROM events WHERE "
        chosen += " AND ".join(clauses) + ")"
    order = " ORDER BY num_sources DESC, num_mentions DESC, first_seen, cluster_id"
    chosen += order
    params = [min_sources, min_articles, *params]
    if limit is not None:
        chosen += " LIMIT ?"
        params.append(limit)
    cols = ", ".join(f"c.{c}" for c in _CLUSTER_COLUMNS)
    events = ", ".join(f"e.{c}" for c in EVENT_COLUMNS)
    sql = (
        f"SELECT {cols}, {events} FROM ({chosen}) c"  # noqa: S608
        " JOIN events e ON e.event_id = c.representative"
        " ORDER BY c.num_sources DESC, c.num_mentions DESC, c.first_seen, c.cluster_id"
    )
    return [_cluster(row) for row in store.connection.execute(sql, params).fetchall()]


def _cluster(row: tuple[Any, ...]) -> Cluster:
    head = dict(zip(_CLUSTER_COLUMNS, row[: len(_CLUSTER_COLUMNS)], strict=True))
    rep = dict(zip(EVENT_COLUMNS, row[len(_CLUSTER_COLUMNS) :], strict=True))
    return Cluster(
        cluster_id=head["cluster_id"],
        source=head["source_key"],
        target=head["target_key"],
        event_type=head["event_type"],
        cameo_root=head["cameo_root"],
        plover_type=head["plover_type"],
        first_seen=head["first_seen"],
        last_seen=head["last_seen"],
        num_mentions=int(head["num_mentions"]),
        num_articles=int(head["num_articles"]),
        num_sources=int(head["num_sources"]),
        representative=rep,
        filter=EventFilter(cluster_id=head["cluster_id"]),
    )


# --- paging, places and articles (what the HTTP API and the dashboard show) ---


@dataclass(frozen=True, slots=True)
class PageKey:
    """Where a page of events ended: the sort key of its last row (see :func:`events_page`)."""

    event_date: date | None
    doc_id: str
    verb_start: int
    event_id: str


@dataclass(frozen=True, slots=True)
class EventPage:
    rows: list[dict[str, Any]]
    next_key: PageKey | None  # None on the last page


_PAGE_ORDER = " ORDER BY event_date NULLS LAST, doc_id, coalesce(verb_start, -1), event_id"
# Rows after a key in that order: (doc_id, verb_start, event_id) compared field by field.
_AFTER_IN_DAY = (
    "(doc_id > ? OR (doc_id = ? AND (coalesce(verb_start, -1) > ?"
    " OR (coalesce(verb_start, -1) = ? AND event_id > ?))))"
)


def _after_sql(key: PageKey) -> tuple[str, list[Any]]:
    tail = [key.doc_id, key.doc_id, key.verb_start, key.verb_start, key.event_id]
    if key.event_date is None:
        return f"(event_date IS NULL AND {_AFTER_IN_DAY})", tail
    sql = f"(event_date IS NULL OR event_date > ? OR (event_date = ? AND {_AFTER_IN_DAY}))"
    return sql, [key.event_date, key.event_date, *tail]


def events_page(
    store: Store, where: EventFilter, *, size: int, after: PageKey | None = None
) -> EventPage:
    """One page of the events matching ``where`` (its ``limit`` is ignored), oldest first
    (the order of :meth:`Store.events`), starting after ``after``: keyset pagination, so a
    page costs the same however deep it is and rows saved meanwhile are not skipped.

    Two steps: the page's keys first (a top-N over four narrow columns), then its rows by
    ``event_id`` (3x faster on a million events than a top-N that carries every column)."""
    if size < 1:
        raise ValueError(f"page size {size}: must be at least 1")
    clauses, params = filter_sql(replace(where, limit=None))
    if after is not None:
        clause, more = _after_sql(after)
        clauses, params = [*clauses, clause], [*params, *more]
    sql = "SELECT event_id, event_date, doc_id, coalesce(verb_start, -1) FROM events"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += _PAGE_ORDER + " LIMIT ?"
    keys = store.connection.execute(sql, [*params, size + 1]).fetchall()
    page = keys[:size]
    if not page:
        return EventPage([], None)
    marks = ", ".join("?" * len(page))  # placeholders only; the ids are bound
    fetched = store.connection.execute(
        f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE event_id IN ({marks})",  # noqa: S608
        [key[0] for key in page],
    ).fetchall()
    by_id = {row[0]: dict(zip(EVENT_COLUMNS, row, strict=True)) for row in fetched}
    rows = [by_id[key[0]] for key in page]
    if len(keys) <= size:
        return EventPage(rows, None)
    last = page[-1]
    return EventPage(rows, PageKey(last[1], last[2], int(last[3]), last[0]))


@dataclass(frozen=True, slots=True)
class PlaceCount:
    """A place events happened at, with their count (for maps)."""

    name: str
    country: str | None
    lat: float
    lon: float
    events: int
    goldstein_mean: float
    filter: EventFilter


def event_places(
    store: Store, *, where: EventFilter | None = None, limit: int = 500
) -> list[PlaceCount]:
    """The places of the located reports matching ``where``, most reports first."""
    base = replace(where or EventFilter(), limit=None)
    sql_where, params = _where(base)
    sql = (
        "SELECT location_name, location_country, lat, lon, count(*) AS n, avg(goldstein)"  # noqa: S608
        f" FROM events{sql_where} AND location_name IS NOT NULL AND lat IS NOT NULL"
        " AND lon IS NOT NULL GROUP BY ALL ORDER BY n DESC, location_name, lat, lon LIMIT ?"
    )
    rows = store.connection.execute(sql, [*params, limit]).fetchall()
    return [
        PlaceCount(str(name), country, float(lat), float(lon), int(n), float(mean or 0.0),
                   replace(base, near=Near(float(lat), float(lon), 1.0)))
        for name, country, lat, lon, n, mean in rows
    ]  # fmt: skip


_ARTICLE_FIELDS = (
    "doc_id", "url", "source_domain", "title", "published", "language", "text", "body_start",
    "duplicate_of",
)  # fmt: skip
_MENTION_FIELDS = (
    "start_char", "end_char", "text", "sentence", "antecedent", "country", "agent", "code",
    "entity_id", "name",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ArticleView:
    """A stored article with its actor mentions and events; every offset (``start_char``,
    ``*_start``, ``*_end``) is into ``article["text"]`` (the title, then the body)."""

    article: dict[str, Any]
    mentions: list[dict[str, Any]]
    events: list[dict[str, Any]]


def article_view(store: Store, doc_id: str) -> ArticleView | None:
    """One stored article, its mentions and its events in text order; None when not stored."""
    con = store.connection
    found = con.execute(
        f"SELECT {', '.join(_ARTICLE_FIELDS)} FROM articles WHERE doc_id = ?",  # noqa: S608
        [doc_id],
    ).fetchone()
    if found is None:
        return None
    mentions = con.execute(
        f"SELECT {', '.join(_MENTION_FIELDS)} FROM mentions WHERE doc_id = ?"  # noqa: S608
        " ORDER BY start_char, end_char",
        [doc_id],
    ).fetchall()
    events = con.execute(
        f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE doc_id = ?"  # noqa: S608
        " ORDER BY coalesce(verb_start, -1), event_id",
        [doc_id],
    ).fetchall()
    return ArticleView(
        article=dict(zip(_ARTICLE_FIELDS, found, strict=True)),
        mentions=[dict(zip(_MENTION_FIELDS, m, strict=True)) for m in mentions],
        events=[dict(zip(EVENT_COLUMNS, e, strict=True)) for e in events],
    )
