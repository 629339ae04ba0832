"""Analytics on a small hand-built store: exact counts, scores and drill-downs."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from communique import analytics as an
from communique.store import EventFilter, Store, open_store
from tests import factories as f


def _events() -> list[tuple[str, str | None, list[f.Event]]]:
    e = f.event
    return [
        ("https://www.bbc.co.uk/a1", "a1", [
            e("a1", "CHN", "IRN", "042", date(2024, 1, 5), place=f.TEHRAN,
              sentence="Chinese Foreign Minister Wang Yi visited Tehran on Friday."),
            e("a1", "IRN", "CHN", "051", date(2024, 1, 5), at=100,
              sentence="Iran praised China's support for the talks."),
        ]),
        ("https://reuters.com/a2", "a2", [
            e("a2", "CHN", "IRN", "112", date(2024, 2, 10),
              sentence="China accused Iran of violating the U.S.-brokered deal."),
            e("a2", "USA", "IRN", "163", date(2024, 2, 12), at=100,
              sentence="The United States imposed new sanctions on Iran."),
        ]),
        ("https://apnews.com/a3", "a3", [
            e("a3", "CHNGOV", "IRN", "061", date(2024, 2, 20), place=f.ISFAHAN,
              sentence="Chinese officials signed an economic cooperation deal in Isfahan."),
            e("a3", "RUS", "UKR", "190", date(2024, 3, 1), at=100,
              sentence="Russian forces shelled Kharkiv."),
        ]),
        (None, "a4", [
            e("a4", "IRN", "USA", "111", date(2023, 12, 31),
              sentence="Iran denounced the sanctions as economic terrorism."),
            e("a4", "CHN", "IRN", "0311", date(2024, 1, 6), at=100,
              sentence="China pledged economic cooperation with Iran."),
        ]),
        ("https://www.aljazeera.com/a5", "a5", [
            e("a5", "CHN", "IRN", "043", date(2024, 1, 6),
              sentence="China hosted an Iranian delegation a day after the visit."),
        ]),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path: Path = tmp_path_factory.mktemp("analytics") / "a.duckdb"
    with open_store(path) as opened:
        for url, doc_id, events in _events():
            opened.save(f.result(doc_id, events, url=url))
        opened.recluster()
        yield opened


def _docs(rows: list[dict[str, object]]) -> list[tuple[object, object]]:
    return [(r["doc_id"], r["cameo"]) for r in rows]


def test_dyad_timeline_directed_by_month(store: Store) -> None:
    jan, feb = an.dyad_timeline(store, "CHN", "IRN", by="month")
    assert (jan.period, jan.end, jan.events, jan.quad1, jan.quad2, jan.quad3, jan.quad4) == (
        date(2024, 1, 1), date(2024, 1, 31), 3, 3, 0, 0, 0,
    )  # fmt: skip
    assert (jan.goldstein_sum, jan.goldstein_mean) == pytest.approx((9.9, 3.3))
    assert (feb.events, feb.quad2, feb.quad3) == (2, 1, 1)
    assert (feb.goldstein_sum, feb.goldstein_mean) == pytest.approx((4.4, 2.2))
    assert _docs(an.drill_down(store, jan)) == [("a1", "042"), ("a4", "0311"), ("a5", "043")]
    assert [r["sentence"] for r in an.drill_down(store, feb, limit=1)] == [
        "China accused Iran of violating the U.S.-brokered deal."
    ]


def test_dyad_timeline_undirected_weeks_and_years(store: Store) -> None:
    jan = an.dyad_timeline(store, "chn", "irn", by="month", undirected=True)[0]
    assert (jan.events, jan.goldstein_sum) == (4, pytest.approx(13.3))
    assert ("a1", "051") in _docs(an.drill_down(store, jan))
    weeks = an.dyad_timeline(store, "CHN", "IRN", by="week")
    assert [(w.period, w.end, w.events) for w in weeks] == [
        (date(2024, 1, 1), date(2024, 1, 7), 3),
        (date(2024, 2, 5), date(2024, 2, 11), 1),
        (date(2024, 2, 19), date(2024, 2, 25), 1),
    ]
    [year] = an.dyad_timeline(store, "CHN", "IRN", by="year")
    assert (year.period, year.end, year.events) == (date(2024, 1, 1), date(2024, 12, 31), 5)
    days = an.dyad_timeline(
        store, "CHN", "IRN", by="day", where=EventFilter(since=date(2024, 2, 1))
    )
    assert [(d.period, d.events) for d in days] == [(date(2024, 2, 10), 1), (date(2024, 2, 20), 1)]
    with pytest.raises(ValueError, match="period"):
        an.dyad_timeline(store, "CHN", "IRN", by="decade")  # type: ignore[arg-type]


def test_top_actors(store: Store) -> None:
    either = an.top_actors(store)
    assert [(r.key, r.events) for r in either] == [
        ("IRN", 8), ("CHN", 6), ("USA", 2), ("RUS", 1), ("UKR", 1),
    ]  # fmt: skip
    assert len(an.drill_down(store, either[1])) == 6
    sources = an.top_actors(store, role="source", level="code", limit=3)
    assert [(r.key, r.events) for r in sources] == [("CHN", 4), ("IRN", 2), ("CHNGOV", 1)]
    assert {r["source_code"] for r in an.drill_down(store, sources[0])} == {"CHN"}
    targets = an.top_actors(store, role="target", where=EventFilter(since=date(2024, 2, 1)))
    assert [(r.key, r.events) for r in targets] == [("IRN", 3), ("UKR", 1)]
    assert targets[0].goldstein_mean == pytest.approx((-2.0 - 8.0 + 6.4) / 3)


def test_top_event_types(store: Store) -> None:
    roots = an.top_event_types(store, limit=3)
    assert [(r.key, r.name, r.events) for r in roots] == [
        ("04", "CONSULT", 2), ("11", "DISAPPROVE", 2), ("03", "EXPRESS INTENT TO COOPERATE", 1),
    ]  # fmt: skip
    assert _docs(an.drill_down(store, roots[0])) == [("a1", "042"), ("a5", "043")]
    codes = an.top_event_types(store, level="code", where=EventFilter(source="CHN"), limit=10)
    intent = next(r for r in codes if r.key == "0311")
    assert (intent.name, intent.events) == ("Express intent to cooperate economically", 1)
    assert _docs(an.drill_down(store, intent)) == [("a4", "0311")]
    plover = an.top_event_types(store, level="plover", limit=2)
    assert [(r.key, r.events) for r in plover] == [("ACCUSE", 2), ("CONSULT", 2)]
    assert _docs(an.drill_down(store, plover[0])) == [("a4", "111"), ("a2", "112")]


def test_goldstein_matrix(store: Store) -> None:
    cells = an.goldstein_matrix(store, where=EventFilter(since=date(2024, 1, 1)))
    assert [(c.source, c.target, c.events) for c in cells] == [
        ("CHN", "IRN", 5), ("IRN", "CHN", 1), ("RUS", "UKR", 1), ("USA", "IRN", 1),
    ]  # fmt: skip
    assert cells[0].goldstein_mean == pytest.approx(14.3 / 5)
    assert len(an.drill_down(store, cells[0])) == 5
    pair = an.goldstein_matrix(store, countries=["chn", "irn"], min_events=2)
    assert [(c.source, c.target, c.events) for c in pair] == [("CHN", "IRN", 5)]


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def test_events_near(store: Store) -> None:
    near = an.events_near(store, f.TEHRAN.lat, f.TEHRAN.lon, 50)
    assert [(r["doc_id"], r["location_name"], r["distance_km"]) for r in near] == [
        ("a1", "Tehran", 0.0)
    ]
    wide = an.events_near(store, 35.7, 51.4, 400)
    assert [r["location_name"] for r in wide] == ["Tehran", "Isfahan"]
    expected = _haversine(35.7, 51.4, f.ISFAHAN.lat, f.ISFAHAN.lon)
    assert wide[1]["distance_km"] == pytest.approx(expected, abs=1e-6)
    assert 330 < expected < 350
    assert (
        an.events_near(store, 35.7, 51.4, 400, where=EventFilter(source="CHNGOV"))[0]["doc_id"]
        == "a3"
    )
    assert an.events_near(store, 0.0, 0.0, 1000) == []


def test_search_evidence(store: Store) -> None:
    assert _docs(an.search_evidence(store, "sanctions")) == [("a4", "111"), ("a2", "163")]
    assert an.search_evidence(store, "sanction") == []  # whole words only
    both = an.search_evidence(store, "ECONOMIC cooperation")
    assert _docs(both) == [("a4", "0311"), ("a3", "061")]
    assert _docs(an.search_evidence(store, '"cooperation deal"')) == [("a3", "061")]
    assert _docs(an.search_evidence(store, "U.S.")) == [("a2", "112")]
    assert _docs(an.search_evidence(store, "sanctions", where=EventFilter(source="USA"))) == [
        ("a2", "163")
    ]
    with pytest.raises(ValueError, match="empty"):
        an.search_evidence(store, "  ")


def test_clusters_reported_by_several_outlets(store: Store) -> None:
    [visit] = an.clusters(store, min_sources=2)
    assert (visit.source, visit.target, visit.event_type, visit.num_sources) == (
        "CHN", "IRN", "04", 2,
    )  # fmt: skip
    assert (visit.first_seen, visit.last_seen, visit.num_mentions, visit.num_articles) == (
        date(2024, 1, 5), date(2024, 1, 6), 2, 2,
    )  # fmt: skip
    assert visit.representative["doc_id"] == "a1"  # same confidence: the earlier report
    assert _docs(an.drill_down(store, visit)) == [("a1", "042"), ("a5", "043")]
    assert len(an.clusters(store, limit=None)) == 8  # 9 reports, two of one event
    assert [c.source for c in an.clusters(store, where=EventFilter(source="RUS"))] == ["RUS"]


def test_events_near_across_the_antimeridian(tmp_path: Path) -> None:
    fiji = f.Location("Labasa", "FJI", -16.5, 179.95, geonameid=2204582, feature="city")
    with open_store(tmp_path / "n.duckdb") as st:
        st.save(f.result("n1", [f.event("n1", "FJI", None, "010", date(2024, 1, 1), place=fiji)]))
        [row] = an.events_near(st, -16.5, -179.95, 50)
        assert row["distance_km"] == pytest.approx(_haversine(-16.5, -179.95, -16.5, 179.95))
        assert an.events_near(st, -16.5, 179.0, 50) == []


@pytest.mark.parametrize("size", [1, 2, 3, 9, 20])
def test_events_page_walks_the_store_order(store: Store, size: int) -> None:
    undated = f.result("a6", [f.event("a6", "CHN", "IRN", "042", None, sentence="Undated.")])
    store.save(undated)  # an undated report sorts last, and pages past the dated ones
    pages, after = [], None
    while True:
        page = an.events_page(store, EventFilter(), size=size, after=after)
        assert len(page.rows) <= size
        pages.append([r["event_id"] for r in page.rows])
        if page.next_key is None:
            break
        after = page.next_key
    walked = [event_id for ids in pages for event_id in ids]
    assert walked == [r["event_id"] for r in store.events(EventFilter())]
    assert len(walked) == 10 and len(pages) == -(-10 // size)


def test_events_page_filters_and_places_and_article_view(store: Store) -> None:
    page = an.events_page(store, EventFilter(source="CHN", place="irn"), size=5)
    assert [(r["doc_id"], r["location_name"]) for r in page.rows] == [
        ("a1", "Tehran"),
        ("a3", "Isfahan"),
    ]
    places = an.event_places(store)
    assert [(p.name, p.events) for p in places] == [("Isfahan", 1), ("Tehran", 1)]
    assert an.drill_down(store, places[1]) == store.events(EventFilter(place="Tehran"))
    view = an.article_view(store, "a2")
    assert view is not None and an.article_view(store, "nope") is None
    assert [e["cameo"] for e in view.events] == ["112", "163"]
    text = view.article["text"]
    spans = [text[e["verb_start"] : e["verb_end"]] for e in view.events]
    assert spans == [text[4:7], text[104:107]]
