"""Schema checks of communique's own data files (extensions and rule tables)."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from typing import Any

import pytest

from communique.actors import load_actor_rules
from communique.dictionaries import load_actor_kb, load_agents, load_verb_dictionary
from communique.events import load_coding_rules
from communique.ontology import load_ontology

DATA = resources.files("communique.data")


def _jsonl(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in DATA.joinpath(name).read_text().splitlines() if line]


@pytest.fixture(scope="module")
def cameo_codes() -> set[str]:
    return set(load_ontology().codes)


def test_verb_extensions(cameo_codes: set[str]) -> None:
    records = _jsonl("verbs_communique.jsonl")
    blocks = {r["block"] for r in records if r["type"] == "block"}
    for rec in records:
        assert rec["type"] in {"block", "verb", "pattern"}
        assert rec["block"] in blocks and rec["block"].startswith("COMMUNIQUE_")
        if rec.get("code") is not None:
            assert rec["code"] in cameo_codes, rec
        if rec["type"] == "pattern":
            assert all(isinstance(alt, str) for slot in rec["post"] for alt in slot)
    verbs = load_verb_dictionary()
    assert verbs.verbs_by_lemma["urge"][0].block == "COMMUNIQUE_URGE"
    assert verbs.verbs_by_lemma["agree"][0].code == "030"  # ours first: intent, not 050


def test_event_nouns(cameo_codes: set[str]) -> None:
    records = _jsonl("event_nouns.jsonl")
    phrases = [" ".join(r["words"]) for r in records]
    assert len(phrases) == len(set(phrases)), "duplicate event nouns"
    for rec in records:
        assert rec["code"] in cameo_codes and all(w == w.lower() for w in rec["words"])
    assert load_coding_rules().event_nouns["hunger strike"] == "142"


def test_coding_rules_codes_exist(cameo_codes: set[str]) -> None:
    rules = load_coding_rules()
    for table in (rules.intent_codes, rules.negation_codes, rules.request_codes):
        assert set(table.values()) <= cameo_codes
        assert all(key.isdigit() and len(key) in {2, 3, 4} for key in table)
    assert rules.third_location_code == "044"
    assert {"will", "would"} <= rules.intent_aux
    assert 0.0 <= rules.confidence["base"] <= 1.0
    assert set(rules.conditional_threat_codes.values()) <= cameo_codes
    plover = {t for r in _jsonl("cameo.jsonl") if (t := r.get("plover_type"))}
    for key, (ptype, _mode) in rules.plover_by_lemma.items():
        root, lemma = key.split(":")
        assert root in cameo_codes and lemma.isalpha() and lemma == lemma.lower()
        assert ptype in plover


def test_actor_extensions_and_rules() -> None:
    for rec in _jsonl("actors_communique.jsonl"):
        assert rec["source"] == "communique"
        assert rec["kind"] in {"country", "organisation", "person"}
        for role in rec["roles"]:  # dated as in actors.jsonl; a person's roles start in order
            assert set(role) == {"code", "start", "end"} and role["code"].isupper()
            assert all(role[k] is None or date.fromisoformat(role[k]) for k in ("start", "end"))
        assert rec["names"] == sorted(rec["names"]) and all(n == n.lower() for n in rec["names"])
    kb = load_actor_kb()
    assert kb.by_name["iraqis"][0].code_on(None) == "IRQ"
    assert kb.by_name["prc"][0].code_on(None) == "CHN"
    assert kb.by_name["european union"][0].code_on(None) == "IGOEUREEC"
    rules = load_actor_rules()
    assert "IGO" in rules.transnational_prefixes and "thousands" in rules.quantity_heads


def test_capitals_schema() -> None:
    """data/capitals.json: versioned; lowercase names -> the country codes the KB gives."""
    raw = json.loads(resources.files("communique.data").joinpath("capitals.json").read_text())
    assert set(raw) == {"version", "source", "capitals", "cities"} and raw["version"] == 1
    table = raw["capitals"]
    assert len(table) >= 200 and list(table) == sorted(table)
    cities = raw["cities"]  # other cities the KB names a country by: none is a capital
    assert len(cities) >= 500 and list(cities) == sorted(cities) and not set(cities) & set(table)
    assert (cities["tel aviv"], cities["abidjan"]) == ("ISR", "CIV")
    assert load_actor_rules().cities["aleppo"] == "SYR"
    assert all(name == " ".join(name.lower().split()) for name in table)
    kb = load_actor_kb()
    kb_countries = {
        (e.code_on(None) or "")[:3] for es in kb.by_name.values() for e in es if e.kind == "country"
    }
    assert set(table.values()) <= kb_countries  # what the actor coder compares with
    assert (table["tehran"], table["pretoria"], table["pristina"]) == ("IRN", "ZAF", "KSV")
    assert load_actor_rules().capitals["tehran"] == "IRN"


def test_agent_extensions() -> None:
    for rec in _jsonl("agents_communique.jsonl"):
        assert set(rec) == {"words", "plural", "code"}
        assert len(rec["code"]) % 3 == 0 and rec["code"].isupper()
    agents = load_agents()
    assert (agents.by_phrase["forces"], agents.by_phrase["officials"]) == ("MIL", "GOV")
