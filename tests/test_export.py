"""Exports (GDELT 2.0, PLOVER JSON, Parquet, CSV) and the round trip back into a store."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from communique import analytics
from communique.export import (
    GDELT_COLUMNS,
    export_events,
    fraction_date,
    import_events,
)
from communique.model import Actor
from communique.store import EventFilter, Store, open_store
from tests import factories as f


def _results() -> list[f.Result]:
    e = f.event
    lead = "China and Iran will cooperate.\n\nA second paragraph: the UN criticised the USA."
    un = e("b1", "IGOUNO", "USA", "111", date(2024, 1, 7), at=32, sentence=lead[32:])
    return [
        f.result("a1", [e("a1", "CHN", "IRN", "042", date(2024, 1, 5), place=f.TEHRAN)],
                 url="https://www.bbc.co.uk/a1"),
        f.result("a5", [e("a5", "CHN", "IRN", "043", date(2024, 1, 6))],
                 url="https://www.aljazeera.com/a5"),
        f.result("b1", [e("b1", "CHNGOV", "IRN", "061", date(2024, 1, 7),
                          sentence=lead[:30]), un], url="https://x.org/b1", text=lead),
        f.result("c1", [e("c1", "USA", None, "010", date(2023, 12, 30), place=f.IRAN),
                        e("c1", "RUS", "UKR", "190", None, at=50)]),
    ]  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "s.duckdb") as opened:
        for res in _results():
            opened.save(res)
        opened.recluster()
        yield opened


def test_gdelt_columns() -> None:
    assert len(GDELT_COLUMNS) == 61 and len(set(GDELT_COLUMNS)) == 61
    assert GDELT_COLUMNS[:5] == ("GlobalEventID", "Day", "MonthYear", "Year", "FractionDate")
    assert GDELT_COLUMNS[25:35] == (
        "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
        "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone",
    )  # fmt: skip
    assert GDELT_COLUMNS[51] == "ActionGeo_Type" and GDELT_COLUMNS[58] == "ActionGeo_FeatureID"
    assert GDELT_COLUMNS[-2:] == ("DATEADDED", "SOURCEURL")


def test_fraction_date() -> None:
    assert fraction_date(date(2015, 2, 18)) == "2015.1315"
    assert fraction_date(date(2024, 1, 1)) == "2024.0000"
    assert fraction_date(date(2024, 12, 31)) == "2024.9973"


def _gdelt(store: Store, tmp_path: Path, **kw: object) -> list[dict[str, str]]:
    out = tmp_path / "events.tsv"
    export_events(store, out, fmt="gdelt", **kw)  # type: ignore[arg-type]
    lines = out.read_text(encoding="utf-8").splitlines()
    assert all(len(line.split("\t")) == 61 for line in lines)
    return [dict(zip(GDELT_COLUMNS, line.split("\t"), strict=True)) for line in lines]


def test_gdelt_rows(store: Store, tmp_path: Path) -> None:
    rows = _gdelt(store, tmp_path)
    assert [(r["Day"], r["Actor1Code"], r["EventCode"]) for r in rows] == [
        ("20231230", "USA", "010"),
        ("20240105", "CHN", "042"),  # a1 and a5: one event, two outlets
        ("20240107", "CHNGOV", "061"),
        ("20240107", "IGOUNO", "111"),
        ("", "RUS", "190"),  # undated report: last
    ]
    visit = rows[1]
    cluster = store.connection.execute(
        "SELECT cluster_id FROM event_clusters WHERE num_articles = 2"
    ).fetchone()
    assert cluster is not None and visit["GlobalEventID"] == str(int(cluster[0][:15], 16))
    expected = {
        "MonthYear": "202401", "Year": "2024", "FractionDate": "2024.0109",
        "Actor1Name": "CHN", "Actor1CountryCode": "CHN", "Actor1Type1Code": "",
        "Actor2Code": "IRN", "Actor2CountryCode": "IRN", "IsRootEvent": "1",
        "EventBaseCode": "042", "EventRootCode": "04", "QuadClass": "1",
        "GoldsteinScale": "1.9", "NumMentions": "2", "NumSources": "2", "NumArticles": "2",
        "AvgTone": "", "Actor1Geo_Type": "", "Actor2Geo_Lat": "",
        "ActionGeo_Type": "4", "ActionGeo_Fullname": "Tehran, Iran",
        "ActionGeo_CountryCode": "IR", "ActionGeo_ADM1Code": "", "ActionGeo_Lat": "35.6944",
        "ActionGeo_Long": "51.4215", "ActionGeo_FeatureID": "112931",
        "SOURCEURL": "https://www.bbc.co.uk/a1",
    }  # fmt: skip
    assert {k: visit[k] for k in expected} == expected
    assert len(visit["DATEADDED"]) == 14 and visit["DATEADDED"].isdigit()


def test_gdelt_actor_types_lead_paragraph_and_country_places(store: Store, tmp_path: Path) -> None:
    usa, _, gov, un, rus = _gdelt(store, tmp_path)
    assert (gov["Actor1Type1Code"], gov["IsRootEvent"]) == ("GOV", "1")
    un_actor = [un[f"Actor1{k}"] for k in ("Code", "CountryCode", "KnownGroupCode", "Type1Code")]
    assert un_actor == ["IGOUNO", "", "UNO", "IGO"]
    assert un["IsRootEvent"] == "0"  # second paragraph
    assert usa["Actor2Code"] == "" and usa["GoldsteinScale"] == "0"
    place = [usa[f"ActionGeo_{k}"] for k in ("Type", "Fullname", "CountryCode", "ADM1Code")]
    assert [*place, usa["ActionGeo_FeatureID"]] == ["1", "Iran", "IR", "IR", "IR"]
    assert (usa["SOURCEURL"], usa["NumSources"]) == ("c1", "0")  # no URL: the doc_id
    assert (rus["Day"], rus["FractionDate"], rus["ActionGeo_Type"]) == ("", "", "")


def test_gdelt_header_and_filters(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "h.tsv"
    assert export_events(store, out, fmt="gdelt", header=True, where=EventFilter(source="CHN")) == 2
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == list(GDELT_COLUMNS) and len(lines) == 3
    assert len(_gdelt(store, tmp_path, where=EventFilter(limit=1))) == 1


def test_plover_record(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "events.jsonl"
    assert export_events(store, out, fmt="plover", where=EventFilter(cameo="042")) == 1
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {k: record[k] for k in ("date", "event_type", "mode", "context")} == {
        "date": "2024-01-05", "event_type": "CONSULT", "mode": "visit", "context": [],
    }  # fmt: skip
    assert record["actor"] == {
        "code": "CHN", "country": "CHN", "sector": None, "name": None, "text": "Chn",
        "entity_id": None,
    }  # fmt: skip
    assert record["recipient"]["code"] == "IRN"
    assert record["location"]["geonameid"] == 112931
    assert record["cameo"] == {"code": "042", "name": "Make a visit", "goldstein": 1.9,
                               "quad_class": 1}  # fmt: skip
    assert record["evidence"]["offsets"]["verb"] == [4, 7]
    assert record["source"]["domain"] == "bbc.co.uk"
    assert record["event_cluster"] is not None


def _snapshot(store: Store) -> tuple[object, ...]:
    articles = store.connection.execute(
        "SELECT doc_id, url, source_domain, title, published, language FROM articles"
        " ORDER BY doc_id"
    ).fetchall()
    clusters = store.connection.execute(
        "SELECT cluster_id, first_seen, num_mentions, num_articles, num_sources, representative"
        " FROM event_clusters ORDER BY cluster_id"
    ).fetchall()
    return store.events(EventFilter()), articles, clusters


@pytest.mark.parametrize(
    ("fmt", "name"), [("csv", "e.csv"), ("parquet", "pq"), ("plover", "e.jsonl")]
)
def test_round_trip(store: Store, tmp_path: Path, fmt: str, name: str) -> None:
    out = tmp_path / name
    assert export_events(store, out, fmt=fmt) == 6  # type: ignore[arg-type]
    with open_store(tmp_path / "fresh.duckdb") as fresh:
        assert import_events(fresh, out, fmt=fmt) == 6  # type: ignore[arg-type]
        assert import_events(fresh, out, fmt=fmt) == 0  # type: ignore[arg-type]
        fresh.recluster()
        assert _snapshot(fresh) == _snapshot(store)


def test_parquet_is_partitioned_by_date(store: Store, tmp_path: Path) -> None:
    export_events(store, tmp_path / "pq", fmt="parquet")
    parts = sorted(
        str(p.relative_to(tmp_path / "pq").parent) for p in (tmp_path / "pq").rglob("*.parquet")
    )
    assert parts == [
        "year=2023/month=12", "year=2024/month=1",
        "year=__HIVE_DEFAULT_PARTITION__/month=__HIVE_DEFAULT_PARTITION__",
    ]  # fmt: skip
    with pytest.raises(RuntimeError, match="pq: cannot write the parquet export"):
        export_events(store, tmp_path / "pq", fmt="parquet")  # not empty


def test_import_errors_name_the_file(store: Store, tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match=r"nothing\.csv: no such file"):
        import_events(store, tmp_path / "nothing.csv", fmt="csv")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n', encoding="utf-8")
    with pytest.raises(RuntimeError, match=r"bad\.jsonl:1: not a PLOVER event record"):
        import_events(store, bad, fmt="plover")
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match=r"other\.csv: cannot import as csv"):
        import_events(store, other, fmt="csv")


def test_unknown_actor_shapes_do_not_break_gdelt(tmp_path: Path) -> None:
    agent_only = f.event("z1", "CHN", "IRN", "042", date(2024, 5, 1))
    agent_only = agent_only.__class__(
        **{**{k: getattr(agent_only, k) for k in agent_only.__dataclass_fields__},
           "target": Actor(text="rebels", country=None, agent="REB", code="REB")}
    )  # fmt: skip
    with open_store(tmp_path / "z.duckdb") as st:
        st.save(f.result("z1", [agent_only]))
        st.recluster()
        [row] = _gdelt(st, tmp_path)
    assert [row[f"Actor2{k}"] for k in ("Code", "CountryCode", "Type1Code")] == ["REB", "", "REB"]


def test_location_admin1_and_feature_class_exported(tmp_path: Path) -> None:
    place = replace(f.TEHRAN, admin1="Tehran", feature_class="P")
    day = date(2024, 1, 5)
    with open_store(tmp_path / "s.duckdb") as located:
        located.save(f.result("t1", [f.event("t1", "CHN", "IRN", "042", day, place=place)]))
        located.recluster()
        export_events(located, tmp_path / "e.jsonl", fmt="plover")
        export_events(located, tmp_path / "e.csv", fmt="csv")
    [line] = (tmp_path / "e.jsonl").read_text(encoding="utf-8").splitlines()
    location = json.loads(line)["location"]
    assert (location["admin1"], location["feature_class"]) == ("Tehran", "P")
    with (tmp_path / "e.csv").open(encoding="utf-8", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    assert (row["location_admin1"], row["location_feature_class"]) == ("Tehran", "P")


def test_csv_from_before_schema_3_imports(store: Store, tmp_path: Path) -> None:
    export_events(store, tmp_path / "e.csv", fmt="csv")
    with (tmp_path / "e.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    old = tmp_path / "old.csv"
    with old.open("w", encoding="utf-8", newline="") as handle:
        columns = [c for c in rows[0] if c not in ("location_admin1", "location_feature_class")]
        writer = csv.DictWriter(handle, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    with open_store(tmp_path / "fresh.duckdb") as fresh:
        assert import_events(fresh, old, fmt="csv") == 6
        imported = fresh.events(EventFilter())
    assert len(imported) == 6
    assert {r["location_admin1"] for r in imported} == {None}


def test_user_codes_are_stored_exported_and_queried(tmp_path: Path) -> None:
    """A user verb dictionary's non-CAMEO codes: as written, no Goldstein, no PLOVER type."""
    day = date(2024, 2, 1)
    weis = f.event("u1", "CHN", "IRN", "903", day)  # WEIS: outside the CAMEO roots
    coerce = f.event("u1", "RUS", "UKR", "1717", day, at=40)  # under CAMEO root 17
    assert (weis.cameo_name, weis.goldstein, weis.quad_class, weis.plover_type) == (
        "user code", None, None, None,
    )  # fmt: skip
    assert (coerce.goldstein, coerce.quad_class) == (None, 4)
    with open_store(tmp_path / "u.duckdb") as st:
        st.save(f.result("u1", [weis, coerce]))
        st.recluster()
        [stored] = st.events(EventFilter(cameo="903", cameo_exact=True))
        assert (stored["cameo_name"], stored["goldstein"], stored["quad_class"]) == (
            "user code", None, None,
        )  # fmt: skip
        assert [r["cameo"] for r in st.events(EventFilter(quad_class=4))] == ["1717"]
        [bucket] = analytics.dyad_timeline(st, "CHN", "IRN", by="month")
        assert (bucket.events, bucket.goldstein_mean, bucket.goldstein_sum) == (1, None, None)
        codes = analytics.top_event_types(st, level="code")
        assert [(r.key, r.name, r.goldstein_mean) for r in codes] == [
            ("1717", None, None), ("903", None, None),
        ]  # fmt: skip
        gdelt = {r["EventCode"]: r for r in _gdelt(st, tmp_path)}
        assert [gdelt["903"][k] for k in ("EventBaseCode", "QuadClass", "GoldsteinScale")] == [
            "903", "", "",
        ]  # fmt: skip
        assert gdelt["1717"]["QuadClass"] == "4"
        export_events(st, tmp_path / "u.jsonl", fmt="plover")
        for fmt, name in (("csv", "u.csv"), ("parquet", "pq"), ("plover", "u.jsonl")):
            if fmt != "plover":
                export_events(st, tmp_path / name, fmt=fmt)  # type: ignore[arg-type]
            with open_store(tmp_path / f"{fmt}.duckdb") as fresh:
                assert import_events(fresh, tmp_path / name, fmt=fmt) == 2  # type: ignore[arg-type]
                fresh.recluster()
                assert _snapshot(fresh) == _snapshot(st)
    records = [json.loads(x) for x in (tmp_path / "u.jsonl").read_text("utf-8").splitlines()]
    record = next(r for r in records if r["cameo"]["code"] == "903")
    assert (record["event_type"], record["mode"], record["context"]) == (None, None, [])
    assert record["cameo"] == {
        "code": "903", "name": "user code", "goldstein": None, "quad_class": None,
    }  # fmt: skip
