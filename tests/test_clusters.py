"""Cross-article event clusters: exact memberships and counts on hand-built reports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from communique.clusters import ClusterConfig, assign_clusters, cluster_id
from communique.pipeline import Result
from communique.store import Store, open_store
from tests import factories as f

D = date(2024, 1, 1)


def _day(n: int) -> date:
    return date(2024, 1, n)


def test_sweep_window_place_and_undated() -> None:
    key = ("CHN", "IRN", "04")
    rows = [
        (*key, 1, None, "e1"),
        (*key, 2, "Tehran", "e2"),  # joins e1's cluster, which takes the place
        (*key, 2, "Beijing", "e3"),  # another place: a cluster of its own
        (*key, 3, None, "e4"),  # 2 days after e1: still in the first open cluster
        (*key, 4, None, "e5"),  # 3 days after e1: e3's cluster (2 days after it)
        (*key, 5, "Tehran", "e6"),  # e1's closed, e3's is Beijing: new
        (*key, None, None, "e7"),  # undated: alone
        ("IRN", "CHN", "04", 1, None, "e8"),  # the other direction: another group
    ]
    got = dict(assign_clusters(rows, window_days=2))
    first, beijing = cluster_id(key, "e1"), cluster_id(key, "e3")
    assert got == {
        "e1": first,
        "e2": first,
        "e3": beijing,
        "e4": first,
        "e5": beijing,
        "e6": cluster_id(key, "e6"),
        "e7": cluster_id(key, "e7"),
        "e8": cluster_id(("IRN", "CHN", "04"), "e8"),
    }
    wide = dict(assign_clusters(rows, window_days=4))
    assert wide["e6"] == first and wide["e5"] == first


def test_config_is_checked() -> None:
    with pytest.raises(ValueError, match="cluster key"):
        ClusterConfig(by="verb")
    with pytest.raises(ValueError, match="window"):
        ClusterConfig(window_days=-1)


def _reports() -> list[Result]:
    return [
        f.result(
            "a1",
            [
                f.event("a1", "CHN", "IRN", "042", _day(1)),
                f.event("a1", "USA", "PRK", "163", D, at=40),
            ],
            url="https://www.bbc.co.uk/1",
        ),
        f.result(
            "a2",
            [f.event("a2", "CHNGOV", "IRN", "040", _day(2), confidence=0.9)],
            url="https://www.reuters.com/2",
        ),
        f.result("a3", [f.event("a3", "CHN", "IRN", "043", _day(4))], url="https://reuters.com/3"),
        f.result("a4", [f.event("a4", "CHN", "IRN", "046", _day(2), place=f.TEHRAN)]),
        f.result("a5", [f.event("a5", "CHN", "IRN", "042", _day(3), place=f.BEIJING)]),
        f.result("a6", [f.event("a6", "IRN", "CHN", "042", _day(1))], url="https://irna.ir/6"),
    ]


def _table(store: Store) -> list[tuple[object, ...]]:
    return store.connection.execute(
        "SELECT c.source_key, c.target_key, c.event_type, c.first_seen, c.last_seen,"
        " c.num_mentions, c.num_articles, c.num_sources, e.doc_id,"
        " (SELECT list(x.doc_id ORDER BY x.doc_id) FROM cluster_events l"
        "  JOIN events x USING (event_id) WHERE l.cluster_id = c.cluster_id)"
        " FROM event_clusters c JOIN events e ON e.event_id = c.representative"
        " ORDER BY c.source_key, c.target_key, c.first_seen, e.doc_id"
    ).fetchall()


EXPECTED = [
    ("CHN", "IRN", "04", _day(1), _day(2), 3, 3, 2, "a2", ["a1", "a2", "a4"]),
    ("CHN", "IRN", "04", _day(3), _day(4), 2, 2, 1, "a5", ["a3", "a5"]),
    ("IRN", "CHN", "04", _day(1), _day(1), 1, 1, 1, "a6", ["a6"]),
    ("USA", "PRK", "16", D, D, 1, 1, 1, "a1", ["a1"]),
]


def test_clusters_exact(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        for res in _reports():
            store.save(res)
        assert store.clusters_stale() is True
        assert store.recluster() == 7
        assert store.clusters_stale() is False
        assert _table(store) == EXPECTED
        assert store.recluster() == 0  # nothing changed: nothing recomputed


def test_clusters_do_not_depend_on_save_order(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        for res in reversed(_reports()):
            store.save(res)
            store.recluster()  # incremental after every article
        assert _table(store) == EXPECTED


def test_incremental_recluster_touches_only_changed_dyads(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        for res in _reports():
            store.save(res)
        store.recluster()
        late = f.result("a7", [f.event("a7", "USA", "PRK", "160", _day(2))], url="https://x.com/7")
        store.save(late)
        assert store.recluster() == 2  # the two USA->PRK reports, nothing else
        usa = [row for row in _table(store) if row[0] == "USA"]
        assert usa == [("USA", "PRK", "16", D, _day(2), 2, 2, 2, "a1", ["a1", "a7"])]
        assert _table(store)[:3] == EXPECTED[:3]


def test_window_and_key_are_configurable(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        for res in _reports():
            store.save(res)
        store.recluster(ClusterConfig(window_days=3))  # a config change recomputes everything
        chn = [row[5:] for row in _table(store) if row[0] == "CHN"]
        assert chn == [(4, 4, 2, "a2", ["a1", "a2", "a3", "a4"]), (1, 1, 0, "a5", ["a5"])]
        store.recluster(ClusterConfig(by="plover"))
        assert {row[2] for row in _table(store)} == {"CONSULT", "SANCTION"}


def test_replaced_article_leaves_its_clusters(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        for res in _reports():
            store.save(res)
        store.recluster()
        gone = f.result("a2", [f.event("a2", "USA", "PRK", "163", D)], text="rewritten")
        store.save(gone)
        store.recluster()
        first = _table(store)[0]
        assert first[5:] == (2, 2, 1, "a1", ["a1", "a4"])
        linked = store.connection.execute(
            "SELECT count(*) FROM cluster_events LEFT JOIN events USING (event_id)"
            " WHERE events.event_id IS NULL"
        ).fetchone()
        assert linked == (0,)
