"""Cross-article event de-duplication: reports of one event are clustered, GDELT style.

Two reports belong to the same event when they have the same directed dyad (source country,
else source code; target country, else target code, else none), the same CAMEO root (or PLOVER
type, with ``ClusterConfig(by="plover")``), event dates within ``window_days`` of the first
report of the cluster, and the same place whenever both places are known.

The assignment is a deterministic greedy sweep over each group in (date, event_id) order: a
report joins the earliest-opened cluster that is still open (its first date is at most
``window_days`` earlier) and whose place agrees; otherwise it opens a new cluster. A cluster
without a place takes the place of the first located report that joins it. Reports without a
date form clusters of their own. The result depends only on the reports of a dyad, never on
the order in which they were stored, so clusters are rebuilt per dyad: :func:`rebuild_clusters`
recomputes the dyads that ``Store.save`` marked dirty (``cluster_dirty``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from itertools import groupby

import duckdb

__all__ = ["SOURCE_KEY", "TARGET_KEY", "ClusterConfig", "assign_clusters", "rebuild_clusters"]

SOURCE_KEY = "coalesce(source_country, source_code)"
TARGET_KEY = "coalesce(target_country, target_code, '')"
_PLACE_KEY = "coalesce(CAST(geonameid AS VARCHAR), location_name)"
_TYPE_KEYS = {"cameo": "left(cameo, 2)", "plover": "coalesce(plover_type, left(cameo, 2))"}

# (source key, target key, event type key, day number or None, place key or None, event_id)
ClusterRow = tuple[str, str, str, int | None, str | None, str]


@dataclass(frozen=True, slots=True)
class ClusterConfig:
    """How reports are grouped: ``by`` is "cameo" (CAMEO root) or "plover" (PLOVER type)."""

    window_days: int = 2
    by: str = "cameo"

    def __post_init__(self) -> None:
        if self.by not in _TYPE_KEYS:
            raise ValueError(f"cluster key {self.by!r}: choose one of {', '.join(_TYPE_KEYS)}")
        if self.window_days < 0:
            raise ValueError(f"cluster window {self.window_days}: must be 0 days or more")


@dataclass(slots=True)
class _Open:
    """A cluster still accepting reports (local to one sweep)."""

    anchor: int
    place: str | None
    cluster_id: str


def cluster_id(key: tuple[str, str, str], first_event: str) -> str:
    """A stable id: the group key and the first report of the cluster."""
    text = "|".join((*key, first_event))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _compatible(cluster: _Open, place: str | None) -> bool:
    return cluster.place is None or place is None or cluster.place == place


def _sweep_group(
    key: tuple[str, str, str], rows: Iterable[ClusterRow], window_days: int
) -> Iterator[tuple[str, str]]:
    opened: list[_Open] = []
    for *_, day, place, event_id in rows:
        if day is None:
            yield event_id, cluster_id(key, event_id)
            continue
        opened = [c for c in opened if day - c.anchor <= window_days]
        chosen = next((c for c in opened if _compatible(c, place)), None)
        if chosen is None:
            chosen = _Open(anchor=day, place=place, cluster_id=cluster_id(key, event_id))
            opened.append(chosen)
        elif chosen.place is None:
            chosen.place = place
        yield event_id, chosen.cluster_id


def assign_clusters(rows: Iterable[ClusterRow], *, window_days: int) -> Iterator[tuple[str, str]]:
    """(event_id, cluster_id) for rows sorted by key, day (None last) and event_id."""
    for key, group in groupby(rows, key=lambda r: (r[0], r[1], r[2])):
        yield from _sweep_group(key, group, window_days)


_DIRTY_JOIN = (
    "JOIN (SELECT DISTINCT source_key, target_key FROM cluster_dirty) d"  # noqa: S608
    f" ON {SOURCE_KEY} = d.source_key AND {TARGET_KEY} = d.target_key"
)

_DELETE_DIRTY_CLUSTERS = """
DELETE FROM {table} WHERE cluster_id IN (
    SELECT c.cluster_id FROM event_clusters c JOIN cluster_dirty d
    ON c.source_key = d.source_key AND coalesce(c.target_key, '') = d.target_key)
"""

# Aggregates of the new links in _links: reports, articles (with the articles stored as their
# duplicates), distinct source domains, first/last date and the representative report
# (highest confidence, then earliest date, then smallest id).
_AGGREGATE = """
INSERT INTO event_clusters
WITH members AS (
    SELECT l.cluster_id, e.* FROM _links l JOIN events e USING (event_id)
), per_doc AS (
    SELECT cluster_id, doc_id, count(*) AS n FROM members GROUP BY ALL
), with_dups AS (
    SELECT cluster_id, doc_id, n FROM per_doc
    UNION ALL
    SELECT p.cluster_id, a.doc_id, p.n FROM per_doc p JOIN articles a ON a.duplicate_of = p.doc_id
), counts AS (
    SELECT w.cluster_id, sum(w.n) AS num_mentions, count(DISTINCT w.doc_id) AS num_articles,
           count(DISTINCT a.source_domain) AS num_sources
    FROM with_dups w JOIN articles a USING (doc_id) GROUP BY ALL
), reps AS (
    SELECT cluster_id,
           first(event_id ORDER BY confidence DESC NULLS LAST, event_date NULLS LAST, event_id)
               AS representative,
           min(event_date) AS first_seen, max(event_date) AS last_seen
    FROM members GROUP BY ALL
)
SELECT r.cluster_id, {source_key} AS source_key, nullif({target_key}, '') AS target_key,
       {type_key} AS event_type, left(e.cameo, 2) AS cameo_root, e.plover_type,
       r.first_seen, r.last_seen, c.num_mentions, c.num_articles, c.num_sources,
       r.representative
FROM reps r JOIN counts c USING (cluster_id) JOIN events e ON e.event_id = r.representative
"""


def _config_changed(con: duckdb.DuckDBPyConnection, config: ClusterConfig) -> bool:
    row = con.execute("SELECT value FROM meta WHERE key = 'cluster_config'").fetchone()
    return row is None or json.loads(str(row[0])) != asdict(config)


def _mark_all_dirty(con: duckdb.DuckDBPyConnection) -> None:
    for table in ("cluster_events", "event_clusters", "cluster_dirty"):
        con.execute(f"DELETE FROM {table}")  # noqa: S608 - constant table names
    con.execute(f"INSERT INTO cluster_dirty SELECT DISTINCT {SOURCE_KEY}, {TARGET_KEY} FROM events")  # noqa: S608


def _dirty_rows(con: duckdb.DuckDBPyConnection, config: ClusterConfig) -> list[ClusterRow]:
    type_key = _TYPE_KEYS[config.by]
    sql = (
        f"SELECT {SOURCE_KEY}, {TARGET_KEY}, {type_key}, event_date - DATE '1970-01-01',"  # noqa: S608
        f" {_PLACE_KEY}, event_id FROM events {_DIRTY_JOIN}"
        " ORDER BY 1, 2, 3, 4 NULLS LAST, 6"
    )
    return con.execute(sql).fetchall()


def _write(
    con: duckdb.DuckDBPyConnection, links: list[tuple[str, str]], config: ClusterConfig
) -> None:
    for table in ("cluster_events", "event_clusters"):
        con.execute(_DELETE_DIRTY_CLUSTERS.format(table=table))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _links AS"
        " SELECT unnest(?::VARCHAR[]) AS cluster_id, unnest(?::VARCHAR[]) AS event_id",
        [[c for _, c in links], [e for e, _ in links]],
    )
    con.execute("INSERT INTO cluster_events SELECT cluster_id, event_id FROM _links")
    con.execute(
        _AGGREGATE.format(
            source_key=SOURCE_KEY, target_key=TARGET_KEY, type_key=_TYPE_KEYS[config.by]
        )
    )
    con.execute("DROP TABLE _links")
    con.execute("DELETE FROM cluster_dirty")
    con.execute(
        "INSERT OR REPLACE INTO meta VALUES ('cluster_config', ?)", [json.dumps(asdict(config))]
    )


def rebuild_clusters(
    con: duckdb.DuckDBPyConnection, config: ClusterConfig, *, full: bool = False
) -> int:
    """Recompute the clusters of dirty dyads (all of them when ``full`` or the config changed).

    Runs inside the caller's transaction; returns the number of reports reassigned.
    """
    if full or _config_changed(con, config):
        _mark_all_dirty(con)
    if con.execute("SELECT count(*) FROM cluster_dirty").fetchone() == (0,):
        return 0
    links = list(assign_clusters(_dirty_rows(con, config), window_days=config.window_days))
    _write(con, links, config)
    return len(links)
