"""Store benchmark: load N synthetic events (default 1,000,000) and time the analytics.

    .venv/bin/python bench/store_bench.py                 # 1M events, 5 runs per query
    .venv/bin/python bench/store_bench.py --events 100000 --runs 3 --json figures.json

The events are generated deterministically in DuckDB SQL (hash-based draws, no random state)
with skewed, GDELT-like distributions: source and target countries by a Zipf-like weight list,
CAMEO codes by root frequency, agents, dates over ten years with growth, 40% located at one of
40 cities, about three events per article from 300 outlets of Zipf-like size, one evidence
sentence per event. They are loaded through ``Store.load_staged`` (the import path), clustered
with ``Store.recluster``; then each query runs ``--runs`` times and the median is reported.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from communique import analytics
from communique.ontology import load_ontology
from communique.store import EventFilter, Store, open_store

# (ISO3, name, weight): the biggest news actors first.
COUNTRIES = [
    ("USA", "the United States", 120), ("CHN", "China", 45), ("RUS", "Russia", 45),
    ("GBR", "Britain", 25), ("UKR", "Ukraine", 25), ("ISR", "Israel", 22), ("IRN", "Iran", 20),
    ("IND", "India", 20), ("FRA", "France", 15), ("DEU", "Germany", 14), ("TUR", "Turkey", 12),
    ("SYR", "Syria", 12), ("PAK", "Pakistan", 10), ("JPN", "Japan", 10), ("PRK", "North Korea", 8),
    ("KOR", "South Korea", 8), ("SAU", "Saudi Arabia", 8), ("AFG", "Afghanistan", 8),
    ("IRQ", "Iraq", 8), ("EGY", "Egypt", 6), ("NGA", "Nigeria", 6), ("AUS", "Australia", 6),
    ("CAN", "Canada", 6), ("BRA", "Brazil", 5), ("MEX", "Mexico", 5), ("ZAF", "South Africa", 5),
    ("PSE", "Palestine", 6), ("LBN", "Lebanon", 4), ("YEM", "Yemen", 4), ("VEN", "Venezuela", 3),
    ("ITA", "Italy", 4), ("ESP", "Spain", 3), ("POL", "Poland", 3), ("QAT", "Qatar", 3),
    ("ARE", "the UAE", 3), ("ETH", "Ethiopia", 3), ("SDN", "Sudan", 3), ("KEN", "Kenya", 2),
    ("MMR", "Myanmar", 2), ("PHL", "the Philippines", 2), ("IDN", "Indonesia", 2),
    ("VNM", "Vietnam", 2), ("TWN", "Taiwan", 3), ("BLR", "Belarus", 2), ("LBY", "Libya", 2),
    ("MLI", "Mali", 1), ("SOM", "Somalia", 2), ("COL", "Colombia", 1), ("ARG", "Argentina", 1),
    ("CUB", "Cuba", 1),
]  # fmt: skip

# CAMEO root -> share of events (percent), roughly GDELT's mix.
ROOT_WEIGHTS = {
    "01": 8, "02": 5, "03": 8, "04": 22, "05": 9, "06": 3, "07": 2, "08": 3, "09": 2, "10": 2,
    "11": 6, "12": 2, "13": 3, "14": 3, "15": 1, "16": 2, "17": 6, "18": 5, "19": 7, "20": 1,
}  # fmt: skip

AGENTS = [("", 50), ("GOV", 25), ("MIL", 10), ("COP", 5), ("REB", 3), ("OPP", 3), ("BUS", 2),
          ("MED", 2)]  # fmt: skip

CITIES = [
    ("Kyiv", "UKR", 50.45466, 30.5238, 703448), ("Moscow", "RUS", 55.75222, 37.61556, 524901),
    ("Beijing", "CHN", 39.9075, 116.39723, 1816670), ("Tehran", "IRN", 35.69439, 51.42151, 112931),
    ("Washington", "USA", 38.89511, -77.03637, 4140963),
    ("London", "GBR", 51.50853, -0.12574, 2643743), ("Paris", "FRA", 48.85341, 2.3488, 2988507),
    ("Berlin", "DEU", 52.52437, 13.41053, 2950159), ("Gaza", "PSE", 31.50161, 34.46672, 281133),
    ("Jerusalem", "ISR", 31.76904, 35.21633, 281184),
    ("Damascus", "SYR", 33.5102, 36.29128, 170654), ("Baghdad", "IRQ", 33.34058, 44.40088, 98182),
    ("Kabul", "AFG", 34.52813, 69.17233, 1138958),
    ("Islamabad", "PAK", 33.72148, 73.04329, 1176615),
    ("New Delhi", "IND", 28.63576, 77.22445, 1261481),
    ("Tokyo", "JPN", 35.6895, 139.69171, 1850147), ("Seoul", "KOR", 37.566, 126.9784, 1835848),
    ("Pyongyang", "PRK", 39.03385, 125.75432, 1871859),
    ("Riyadh", "SAU", 24.68773, 46.72185, 108410), ("Cairo", "EGY", 30.06263, 31.24967, 360630),
    ("Ankara", "TUR", 39.91987, 32.85427, 323786), ("Istanbul", "TUR", 41.01384, 28.94966, 745044),
    ("Beirut", "LBN", 33.89332, 35.50157, 276781), ("Sanaa", "YEM", 15.35472, 44.20667, 71137),
    ("Kharkiv", "UKR", 49.98081, 36.25272, 706483), ("Odesa", "UKR", 46.47747, 30.73262, 698740),
    ("Abuja", "NGA", 9.05785, 7.49508, 2352778), ("Nairobi", "KEN", -1.28333, 36.81667, 184745),
    ("Addis Ababa", "ETH", 9.02497, 38.74689, 344979),
    ("Khartoum", "SDN", 15.55177, 32.53241, 379252),
    ("Caracas", "VEN", 10.48801, -66.87919, 3646738),
    ("Havana", "CUB", 23.13302, -82.38304, 3553478),
    ("Taipei", "TWN", 25.04776, 121.53185, 1668341), ("Manila", "PHL", 14.6042, 120.9822, 1701668),
    ("Jakarta", "IDN", -6.21462, 106.84513, 1642911), ("Doha", "QAT", 25.28545, 51.53096, 290030),
    ("Tripoli", "LBY", 32.88743, 13.18733, 2210247),
    ("Mogadishu", "SOM", 2.03711, 45.34375, 53654), ("Minsk", "BLR", 53.9, 27.56667, 625144),
    ("Warsaw", "POL", 52.22977, 21.01178, 756135),
]  # fmt: skip

START, DAYS = date(2015, 1, 1), 3653


def _pool(pairs: list[tuple[Any, int]], size: int = 1000) -> list[Any]:
    """A list of ``size`` items, each repeated in proportion to its weight."""
    total = sum(w for _, w in pairs)
    pool: list[Any] = []
    for item, weight in pairs:
        pool += [item] * max(1, round(size * weight / total))
    return pool


def _code_pool() -> list[str]:
    codes = sorted(load_ontology().codes.values(), key=lambda c: c.code)
    weighted = []
    for root, share in ROOT_WEIGHTS.items():
        members = [c.code for c in codes if c.root == root and len(c.code) >= 3]
        weighted += [(code, share * 100 // len(members) or 1) for code in members]
    return _pool(weighted, 4000)


def _outlets() -> list[tuple[str, int]]:
    return [(f"outlet{i:03d}.example.com", max(1, 300 // (i + 1))) for i in range(300)]


# Hash-based uniform draws in [0, 1): deterministic whatever the thread count. A report's
# story is itself, or (35%) an earlier report that it re-tells from another outlet, a day or
# two later at most; what happened is drawn from the story, who tells it from the report.
def _u(salt: int, key: str = "i") -> str:
    return f"(hash({key}, {salt}) % 1000003) / 1000003.0"


def _pick(param: int, salt: int, key: str = "story") -> str:
    return f"${param}[1 + CAST(floor({_u(salt, key)} * len(${param})) AS BIGINT)]"


_GENERATE = f"""
CREATE OR REPLACE TEMP TABLE gen AS
WITH r AS (
    SELECT i, CASE WHEN {_u(12)} < 0.35 THEN greatest(0, i - 1 - hash(i, 13) % 200) ELSE i END
              AS story
    FROM range($6) t(i)
)
SELECT i,
    {_pick(1, 1)} AS src, {_pick(1, 2)} AS tgt0, {_pick(2, 3)} AS sagent, {_pick(2, 4)} AS tagent,
    {_pick(3, 5)} AS cameo, {_u(6, "story")} AS u_target, {_u(7, "story")} AS u_loc,
    least({DAYS - 1}, CAST(floor(sqrt({_u(8, "story")}) * {DAYS}) AS INTEGER)
          + CAST(i <> story AS INTEGER) * CAST(hash(i, 14) % 2 AS INTEGER)) AS day_n,
    1 + CAST(floor({_u(9, "story")} * len($4)) AS BIGINT) AS city_n,
    {_pick(5, 10, "i")} AS outlet, 0.3 + 0.7 * {_u(11)} AS confidence
FROM r
"""  # noqa: S608 - constant fragments

_STAGE = """
CREATE OR REPLACE TEMP TABLE staged AS
WITH g AS (
    SELECT *, CASE WHEN u_target < 0.85 THEN
                  (CASE WHEN tgt0 <> src THEN tgt0 WHEN src = 'USA' THEN 'CHN' ELSE 'USA' END)
              END AS tgt,
           DATE '2015-01-01' + day_n AS day, $1[city_n] AS city
    FROM gen
)
SELECT
    substr(sha256(CAST(i AS VARCHAR)), 1, 16) AS event_id,
    'doc' || CAST(i // 3 AS VARCHAR) AS doc_id,
    printf('%s %s %s on %s, officials said in a statement on %s.',
           sn.name, lower(c.name), coalesce(tn.name, 'its rivals'), dayname(day),
           strftime(day, '%B %d')) AS sentence,
    0 AS sentence_start, 120 AS sentence_end, g.cameo, c.name AS cameo_name,
    c.goldstein, c.quad_class, c.plover_type, c.plover_mode,
    sn.name AS source_text, src AS source_country, nullif(sagent, '') AS source_agent,
    src || sagent AS source_code, NULL AS source_entity, NULL AS source_name,
    tn.name AS target_text, tgt AS target_country,
    CASE WHEN tgt IS NOT NULL THEN nullif(tagent, '') END AS target_agent,
    tgt || tagent AS target_code, NULL AS target_entity, NULL AS target_name,
    day AS event_date, 'sentence' AS date_source, 'day' AS date_precision,
    CASE WHEN u_loc < 0.4 THEN city.name END AS location_name,
    CASE WHEN u_loc < 0.4 THEN city.country END AS location_country,
    CASE WHEN u_loc < 0.4 THEN city.lat END AS lat,
    CASE WHEN u_loc < 0.4 THEN city.lon END AS lon,
    CASE WHEN u_loc < 0.4 THEN city.geonameid END AS geonameid,
    CASE WHEN u_loc < 0.4 THEN 'city' END AS location_feature,
    round(confidence, 2) AS confidence,
    0 AS source_start, 8 AS source_end, 9 AS verb_start, 16 AS verb_end,
    17 AS target_start, 25 AS target_end, 'bench' AS rule,
    'https://' || outlet || '/' || CAST(i // 3 AS VARCHAR) AS url, outlet AS source_domain,
    NULL AS title, day AS published, 'en' AS language
FROM g JOIN cameo c ON c.code = g.cameo
JOIN country_names sn ON sn.code = g.src
LEFT JOIN country_names tn ON tn.code = g.tgt
ORDER BY i
"""


def _generate(store: Store, events: int) -> None:
    """Fill the temp table ``staged`` with ``events`` synthetic reports."""
    con = store.connection
    codes = load_ontology().codes
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cameo AS SELECT unnest($1::VARCHAR[]) AS code,"
        " unnest($2::VARCHAR[]) AS name, unnest($3::DOUBLE[]) AS goldstein,"
        " unnest($4::INTEGER[]) AS quad_class, unnest($5::VARCHAR[]) AS plover_type,"
        " unnest($6::VARCHAR[]) AS plover_mode",
        [
            list(codes),
            [c.name for c in codes.values()],
            [c.goldstein for c in codes.values()],
            [c.quad_class for c in codes.values()],
            [c.plover_type for c in codes.values()],
            [c.plover_mode for c in codes.values()],
        ],
    )
    cities = [
        {"name": n, "country": c, "lat": la, "lon": lo, "geonameid": g}
        for n, c, la, lo, g in CITIES
    ]
    country_pool = _pool([(code, w) for code, _, w in COUNTRIES])
    con.execute(
        _GENERATE,
        [country_pool, _pool(AGENTS), _code_pool(), cities, _pool(_outlets()), events],
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE country_names AS"
        " SELECT unnest($1::VARCHAR[]) AS code, unnest($2::VARCHAR[]) AS name",
        [[c for c, _, _ in COUNTRIES], [n for _, n, _ in COUNTRIES]],
    )
    con.execute(_STAGE, [cities])


def _timed(func: Callable[[], object], runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _queries(store: Store) -> dict[str, Callable[[], object]]:
    year = EventFilter(since=date(2023, 1, 1), until=date(2023, 12, 31))
    usa = EventFilter(
        source="USA", cameo="04", since=date(2023, 1, 1), until=date(2023, 12, 31), limit=1000
    )
    return {
        "dyad timeline CHN->IRN by month": lambda: analytics.dyad_timeline(store, "CHN", "IRN"),
        "dyad timeline USA<->CHN by week, undirected": lambda: analytics.dyad_timeline(
            store, "USA", "CHN", by="week", undirected=True
        ),
        "top 10 actors": lambda: analytics.top_actors(store),
        "top 10 event types (CAMEO root)": lambda: analytics.top_event_types(store),
        "Goldstein matrix, one year": lambda: analytics.goldstein_matrix(store, where=year),
        "radius search, 200 km of Kyiv (100 nearest)": lambda: analytics.events_near(
            store, 50.45, 30.52, 200
        ),
        "text search 'sanctions' (first 100)": lambda: analytics.search_evidence(
            store, "sanctions"
        ),
        "text search '\"military force\" Ukraine' (all)": lambda: analytics.search_evidence(
            store, '"military force" Ukraine', limit=None
        ),
        "filtered events USA 04x 2023 (first 1000)": lambda: store.events(usa),
        "clusters with >= 3 outlets (top 100)": lambda: analytics.clusters(store, min_sources=3),
        "drill-down of one timeline bucket": lambda: analytics.drill_down(
            store, analytics.dyad_timeline(store, "CHN", "IRN")[-1]
        ),
    }


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def run(events: int, runs: int, path: Path) -> dict[str, Any]:
    """Build the store at ``path`` and return the figures."""
    figures: dict[str, Any] = {"events": events, "runs": runs}
    with open_store(path) as store:
        start = time.perf_counter()
        _generate(store, events)
        figures["generate_s"] = time.perf_counter() - start
        start = time.perf_counter()
        figures["loaded"] = store.load_staged("staged")
        figures["load_s"] = time.perf_counter() - start
        start = time.perf_counter()
        store.recluster()
        figures["recluster_s"] = time.perf_counter() - start
        figures["clusters"] = store.count("event_clusters")
        figures["articles"] = store.count("articles")
        store.connection.execute("DROP TABLE staged; DROP TABLE gen; CHECKPOINT")
        figures["size_bytes"] = _size(path)
        figures["queries"] = {}
        for name, query in _queries(store).items():
            seconds, result = _timed(query, runs)
            rows = len(result) if isinstance(result, list) else 1
            figures["queries"][name] = {"median_s": seconds, "rows": rows}
    return figures


def _report(figures: dict[str, Any]) -> str:
    n = figures["events"]
    size_mb = figures["size_bytes"] / 1e6
    lines = [
        f"events: {figures['loaded']:,} in {figures['articles']:,} articles,"
        f" {figures['clusters']:,} clusters",
        f"generate: {figures['generate_s']:.2f} s; load: {figures['load_s']:.2f} s;"
        f" recluster (full): {figures['recluster_s']:.2f} s",
        f"file: {size_mb:.1f} MB ({size_mb * 1e6 / n:.1f} MB per million events)",
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs; Python"
        f" {platform.python_version()}, DuckDB {duckdb.__version__}; median of"
        f" {figures['runs']} runs",
        "",
        "| query | median | rows |",
        "| --- | ---: | ---: |",
    ]
    for name, q in figures["queries"].items():
        lines.append(f"| {name} | {q['median_s'] * 1000:.1f} ms | {q['rows']:,} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path, help="store file (default: a temporary one)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.duckdb"
        if path.exists():
            parser.error(f"{path}: exists; give a new file")
        figures = run(args.events, args.runs, path)
    print(_report(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
