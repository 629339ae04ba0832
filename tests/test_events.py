"""The event coder on sentences of our own, one or more per CAMEO root: exact codes and actors."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from communique.config import Config
from communique.model import Document, Event
from communique.ontology import load_ontology
from communique.pipeline import Resources, code_document, user_coder_resources
from communique.user_dictionaries import load_user_dictionaries, with_user_actors

PUBLISHED = date(2024, 3, 15)  # a Friday


def _code(text: str, resources: Resources) -> list[Event]:
    doc = Document(doc_id="t", content=text, kind="text", published=PUBLISHED)
    return list(code_document(doc, resources).events)


def _summary(events: list[Event]) -> list[tuple[str, str, str | None]]:
    return [(e.cameo, e.source.code, e.target.code if e.target else None) for e in events]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # 02 appeal, one event per conjoined target
        (
            "Egypt called on Israel and Hamas to agree to a ceasefire.",
            [("020", "EGY", "ISR"), ("020", "EGY", "PSEREBHMS")],
        ),
        # 03 intent: "agreed to hold talks" is the intent to meet, for both sides
        (
            "India and Pakistan agreed to hold talks on water sharing.",
            [("036", "IND", "PAK"), ("036", "PAK", "IND")],
        ),
        (
            "Germany pledged 50 million euros in humanitarian aid to Sudan.",
            [("0331", "DEU", "SDN")],
        ),
        # 04 consult
        ("The Chinese president visited Moscow on Monday.", [("042", "CHNGOV", "RUS")]),
        # 05 diplomatic cooperation: conjoined actors sign with each other
        (
            "Serbia and Kosovo signed an agreement in Brussels.",
            [("057", "SRB", "KSV"), ("057", "KSV", "SRB")],
        ),
        # 06 material cooperation
        ("The Pentagon deployed troops to Poland.", [("062", "USAMIL", "POL")]),
        # 08 yield
        ("Venezuela released three American prisoners.", [("0841", "VEN", "USA")]),
        # 11 disapprove
        (
            "Japan's foreign minister criticised China over its military drills near Taiwan.",
            [("111", "JPNGOV", "CHN")],
        ),
        ("Syria accused Turkey of violating its sovereignty.", [("112", "SYR", "TUR")]),
        # 12 reject
        ("Israel's prime minister rejected the proposal.", [("120", "ISRGOV", None)]),
        # 12 reject: refusals and plainly negated cooperation
        ("Iran refused to meet with Saudi Arabia.", [("125", "IRN", "SAU")]),
        ("Syria says it will not accept any more refugees.", [("122", "SYR", "REF")]),
        # obligations in reported speech are requests from the speaker to the obliged
        (
            "Russia said on Tuesday that Sudan must return the captured helicopter.",
            [("1053", "RUS", "SDN")],
        ),
        # complement clause subject as target
        (
            "China demanded that the United States cancel the arms sale.",
            [("100", "CHN", "USA")],
        ),
        # 13 threaten
        (
            "Turkey's president threatened to launch a military operation against Kurdish "
            "militants in Syria.",
            [("130", "TURGOV", "SYRUAF")],
        ),
        # 14 protest, the sector actor localised by the place of the clause
        (
            "Thousands of protesters demonstrated against the Kenyan government in Nairobi.",
            [("141", "KENOPP", "KENGOV")],
        ),
        # noun events under light verbs
        ("Opposition activists in Turkey staged a hunger strike.", [("142", "TUROPP", None)]),
        ("Israel mounted an invasion of Lebanon.", [("192", "ISR", "LBN")]),
        (
            "Israel and Lebanon renewed negotiations on Monday.",
            [("046", "ISR", "LBN"), ("046", "LBN", "ISR")],
        ),
        # 16 reduce relations
        ("France expelled two Russian diplomats.", [("161", "FRA", "RUSGOV")]),
        # 17 coerce
        ("The United States imposed new sanctions on North Korea.", [("163", "USA", "PRK")]),
        ("Police in Nairobi arrested dozens of protesters.", [("173", "KENCOP", "KENOPP")]),
        # 14 obstruct passage: blocking roads is a protest; other blocking keeps its code
        ("Farmers in France blocked roads to Paris on Monday.", [("144", "FRAAGR", "FRA")]),
        ("Hungary blocked the EU sanctions package.", [("170", "HUN", "IGOEUREEC")]),
        # an act announced with an "unless" condition is a threat
        (
            "Turkey will attack Kurdish militants in Syria unless they withdraw.",
            [("138", "TUR", "SYRUAF")],
        ),
        (
            "Nigeria said it will withdraw its peacekeepers from Chad unless the rebels agree "
            "to a ceasefire.",
            [("136", "NGA", "TCD")],
        ),
        # the condition of an ultimatum is no event of its own
        (
            "The opposition party in Kenya said it will boycott the elections unless the "
            "president resigns.",
            [("133", "KENOPP", None)],
        ),
        # 08 yield: accepting demands; 15 mobilize: strengthening forces
        (
            "The Kenyan government accepted the demands of the protesters.",
            [("080", "KENGOV", None)],
        ),
        ("Israel has strengthened its troops on the border.", [("154", "ISR", None)]),
        # relative clauses: "who" is the noun the clause modifies; a passive without agent
        # has an unknown source
        (
            "The Kenyan protesters who attacked the police were arrested.",
            [("190", "KENOPP", "COP"), ("173", "---", "KENOPP")],
        ),
        # 19 fight, active and passive
        ("Russian forces shelled the Ukrainian city of Kharkiv.", [("190", "RUSMIL", "UKR")]),
        ("Ukraine was attacked by Russia.", [("190", "RUS", "UKR")]),
    ],
)
def test_codes(
    sentence: str, expected: list[tuple[str, str, str | None]], resources: Resources
) -> None:
    assert _summary(_code(sentence, resources)) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Iran did not meet with Saudi Arabia.",  # negation
        "Will China attack Taiwan?",  # question
        "If Russia attacks Finland, NATO would respond.",  # hypothetical
        "Israel denied attacking the convoy.",  # denial of an act: neither is an event
        "Iran did not meet with Saudi Arabia on Monday.",  # a past non-event
    ],
)
def test_not_events(sentence: str, resources: Resources) -> None:
    assert _code(sentence, resources) == []


def test_event_fields(resources: Resources) -> None:
    [event] = _code("Russian forces shelled the Ukrainian city of Kharkiv on Tuesday.", resources)
    assert (event.cameo_name, event.goldstein, event.quad_class) == (
        "Use conventional military force",
        -10.0,
        4,
    )
    assert (event.plover_type, event.plover_mode) == ("ASSAULT", None)
    assert (event.date, event.date_source, event.date_precision) == (
        date(2024, 3, 12),
        "sentence",
        "day",
    )
    assert event.offsets.source is not None and event.offsets.target is not None
    text = event.sentence
    assert text[event.offsets.source.start : event.offsets.source.end] == "Russian forces"
    assert text[event.offsets.verb.start : event.offsets.verb.end] == "shelled"
    assert event.rule == "verb GUNFIRE:shell"
    assert event.confidence == pytest.approx(0.7)


def test_intent_and_future(resources: Resources) -> None:
    [event] = _code("China will strengthen military cooperation with Pakistan.", resources)
    assert (
        event.cameo,
        event.plover_type,
        event.source.code,
        event.target and event.target.code,
    ) == (
        "0312",
        "AGREE",
        "CHN",
        "PAK",
    )
    assert event.rule.endswith("+intent")


def test_reported_speech_source(resources: Resources) -> None:
    [event] = _code("Wang said China is willing to deepen cooperation with Iran.", resources)
    assert (event.cameo, event.source.code, event.target and event.target.code) == (
        "032",
        "CHN",
        "IRN",
    )


def test_unknown_source_passive(resources: Resources) -> None:
    """ "Three soldiers were killed in ...": an attack with an unknown source ("---")."""
    [event] = _code("Three Afghan soldiers were killed in an ambush in Kandahar.", resources)
    assert (event.cameo, event.source.code, event.source.country) == ("190", "---", None)
    assert event.target is not None and event.target.code == "AFGMIL"
    assert event.offsets.source is None and event.offsets.target is not None
    text = event.sentence
    assert text[event.offsets.target.start : event.offsets.target.end] == "Afghan soldiers"
    assert text[event.offsets.verb.start : event.offsets.verb.end] == "killed"
    assert event.confidence == pytest.approx(0.45)


def test_unknown_source_needs_material_conflict(resources: Resources) -> None:
    """A non-actor subject of a cooperative verb gives no event; of a killing, an unknown one."""
    assert _code("The report praised the Kenyan police.", resources) == []
    assert _summary(_code("A roadside bomb killed two Iraqi policemen.", resources)) == [
        ("183", "---", "IRQCOP")
    ]


def test_pronoun_sources(resources: Resources) -> None:
    """ "he"/"they" take the nearest compatible actor; reported speech keeps its speaker."""
    text = "Iran's foreign minister criticised Israel. He also accused the United States."
    assert _summary(_code(text, resources)) == [("111", "IRNGOV", "ISR"), ("112", "IRNGOV", "USA")]
    text = "The Kenyan protesters marched on Monday. They attacked the police."
    [event] = [e for e in _code(text, resources) if e.cameo == "190"]
    assert (event.cameo, event.source.code, event.target and event.target.code) == (
        "190",
        "KENOPP",
        "COP",
    )
    assert event.offsets.source is not None
    assert text[event.offsets.source.start : event.offsets.source.end] == "They"


def _titled(title: str, body: str, resources: Resources) -> list[tuple[str, str, str | None]]:
    doc = Document(doc_id="t", content=body, title=title, kind="text", published=PUBLISHED)
    return _summary(list(code_document(doc, resources).events))


def test_headline_restated_by_the_lead_is_counted_once(resources: Resources) -> None:
    """The headline ends its own sentence (no full stop needed) and its event, restated by the
    lead (same root, source and target country), is not counted twice."""
    body = "Russian forces shelled the Ukrainian city of Kharkiv on Tuesday."
    assert _titled("Russia attacks Ukraine", body, resources) == [("190", "RUSMIL", "UKR")]


def test_headline_event_of_its_own_is_kept(resources: Resources) -> None:
    body = "Protesters marched in Cairo."
    assert _titled("Egypt urges Israel to halt strikes", body, resources) == [
        ("020", "EGY", "ISR"),
        ("140", "EGYOPP", None),
    ]


def test_resignation_is_plover_retreat(resources: Resources) -> None:
    """The PLOVER manual codes resignations as RETREAT (mode resign), not CAMEO 083's CONCEDE."""
    [event] = _code("Georgian President Eduard Shevardnadze resigned on Sunday.", resources)
    assert (event.cameo, event.plover_type, event.plover_mode) == ("083", "RETREAT", "resign")
    assert event.source.code == "GEOGOV"


def test_capital_as_subject_is_its_government(resources: Resources) -> None:
    """ "Tehran said": metonymy for the government; "visited Moscow" stays the country."""
    assert _summary(_code("Tehran said it would retaliate against Israel.", resources)) == [
        ("138", "IRNGOV", "ISR")
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # PLOVER by the manual: sanctions are SANCTION, an eased curfew is CONCEDE
        ("Italy announced sanctions against Iran.", [("163", "ITA", "IRN", "SANCTION")]),
        (
            "Sudan's government shortened the curfew in Khartoum.",
            [("0813", "SDNGOV", "SDN", "CONCEDE")],
        ),
        # a temporal clause is background: the announcement is the one event coded
        (
            "Italy announced a suspension of flights to Serbia one day after a Serbian jet shot "
            "down a helicopter.",
            [("160", "ITA", "SRB", "SANCTION")],
        ),
        # a meeting held to complain is the complaint, aimed at the one summoned
        (
            "The French foreign minister summoned the Iranian ambassador to complain about the "
            "treatment of French citizens.",
            [("110", "FRAGOV", "IRNGOV", "ACCUSE")],
        ),
        # people sent to investigate: the investigation
        (
            "The United Nations sent inspectors to Iraq to investigate the attack.",
            [("090", "IGOUNO", None, "ACCUSE")],
        ),
        # an act done "to protest" is the protest
        ("Kenyan traders shunned their shops.", [("170", "KENBUS", None, "COERCE")]),
        (
            "Kenyan students shunned classes on Monday to protest against the government.",
            [("140", "KENEDU", "GOV", "PROTEST")],
        ),
        # the clause on a statement noun is the statement's content, from its author
        (
            "The Iranian parliament adopted a resolution demanding that the United States "
            "withdraw its forces.",
            [("100", "IRNLEG", "USA", "REQUEST")],
        ),
        # "ordered" an act: the act, by the one who ordered it
        (
            "The Kenyan government ordered an investigation into the killings.",
            [("091", "KENGOV", None, "ACCUSE")],
        ),
        (
            "The Kenyan government ordered patrols in Nairobi.",
            [("150", "KENGOV", None, "MOBILIZE")],
        ),
        # an obligation in reported speech whose act the dictionary does not know
        (
            "Germany said on Monday that Russia must drop its claims.",
            [("100", "DEU", "RUS", "REQUEST")],
        ),
        # the actor inside a subject phrase (inhabitants: civilians, issue 4's sector nouns)
        (
            "Inhabitants of the Syrian Golan Heights staged a hunger strike.",
            [("142", "SYRCVL", None, "PROTEST")],
        ),
        # "sworn to": intent, so a threat
        (
            "Kurdish rebels have sworn to fight the Turkish army.",
            [("138", "REB", "TURMIL", "THREATEN")],
        ),
        # "decided to": the decided act
        (
            "Kenya's Supreme Court decided to release the opposition leader.",
            [("084", "KENJUD", "OPP", "RETREAT")],
        ),
        # a time phrase is no pattern preposition ("telephoned ... on": not "call on")
        (
            "The US president telephoned the Russian president on Tuesday.",
            [("041", "USAGOV", "RUSGOV", "CONSULT")],
        ),
        # an event noun as the subject of a verb of occurrence
        (
            "Palestinian riots against Israeli forces are continuing.",
            [("145", "PSE", None, "PROTEST")],
        ),
        # a conjunct of a passive shares its subject, not its agent
        (
            "The Serbian president was indicted by the court and resigned.",
            [("173", "JUD", "SRBGOV", "COERCE"), ("083", "SRBGOV", None, "RETREAT")],
        ),
        # verb extensions
        (
            "Turkish police prevented a demonstration in Ankara.",
            [("1721", "TURCOP", None, "COERCE")],
        ),
        ("A Saudi businessman sued the United States.", [("115", "SAUBUS", "USA", "ACCUSE")]),
        ("Egypt eased restrictions on Gaza.", [("081", "EGY", "PSEGZA", "CONCEDE")]),
        (
            "Israeli soldiers beat up Palestinian detainees.",
            [("182", "ISRMIL", "PSEOPP", "ASSAULT")],
        ),
        ("Russia sent weapons to Syria.", [("072", "RUS", "SYR", "AID")]),
        ("The United States cut aid to Egypt.", [("162", "USA", "EGY", "SANCTION")]),
        (
            "Hundreds of Ugandan rebels surrendered on Sunday.",
            [("0874", "UGAREB", None, "RETREAT")],
        ),
        ("NATO tightened its blockade of Libya.", [("191", "IGOWSTNAT", "LBY", "COERCE")]),
        (
            "Rebels in Ivory Coast blocked transport into Abidjan.",
            [("144", "CIVREB", "CIV", "PROTEST")],
        ),
    ],
)
def test_plover_gsr_rules(
    sentence: str, expected: list[tuple[str, str, str | None, str]], resources: Resources
) -> None:
    events = _code(sentence, resources)
    assert [(*s, e.plover_type) for s, e in zip(_summary(events), events, strict=True)] == expected


def test_unknown_obligated_act_is_a_request(resources: Resources) -> None:
    (event,) = _code("Germany said on Monday that Russia must drop its claims.", resources)
    assert (event.rule, event.confidence) == ("unknown act +obligation", 0.5)


def test_background_clause_is_less_confident(resources: Resources) -> None:
    events = _code(
        "Hungary said it will support the resolution that imposes a blockade on Serbia.",
        resources,
    )
    assert [(e.cameo, e.confidence) for e in events] == [("032", 0.45), ("191", 0.25)]


# ---------------------------------------------------------------- PETRARCH user dictionaries

USER_ACTORS = """\
ARNOR [ARN]
GONDOR [GON]
BREE [BRE]
THE_SHIRE [FRO/BIL/SAM]
LORIEN [ELR/GAL]
"""
USER_VERBS = """\
&NEGAUX
+DID N'T
+WILL NOT

&TIETYPES
+MILITARY
+ECONOMIC

--- RESTORE [064] ---
RESTORE

--- ABANDON [345] ---
ABANDON
- * NEW_&TIETYPES_RELATIONS [903]
- * EFFORT [987]

--- DEPART [032:033] ---
DEPART

--- CLASH [223] ---
CLASH
- &NEGAUX * OVER [904]

--- SNUB [121] ---
SNUB

--- ALLOW [080] ---
ALLOW
- * REALLY_PLEASANT [024]

--- CRITICIZE [121] ---
CRITICIZE

--- CELEBRATE [181] ---
CELEBRATE
- * EID AT ^ WITH + [043]

--- CORDON [1721] ---
CORDON_OFF {CORDONED_OFF CORDONS_OFF}

--- WARN [160] ---
WARN
- * THEIR ^ ABOUT + [162]

--- DELAY [120] ---
DELAY
- % HAVE * [191]

--- MEET [031:031] ---
MEET

--- MET [031:032] ---
MET

--- SAID [023] ---
SAID

--- MARCH [181] ---
MARCH

--- AGREE [081] ---
AGREE
- * WITH % [031]

--- BURN [222] ---
BURN

--- FREE [066] ---
FREE
- + * FROM $ [075]
"""
EID = str(USER_VERBS.splitlines().index("- * EID AT ^ WITH + [043]") + 1)
DELAYED = str(USER_VERBS.splitlines().index("- % HAVE * [191]") + 1)
FREED = str(USER_VERBS.splitlines().index("- + * FROM $ [075]") + 1)
ABOUT = str(USER_VERBS.splitlines().index("- * THEIR ^ ABOUT + [162]") + 1)
CLASH = str(USER_VERBS.splitlines().index("- &NEGAUX * OVER [904]") + 1)
WITH = str(USER_VERBS.splitlines().index("- * WITH % [031]") + 1)
EFFORT = str(USER_VERBS.splitlines().index("- * EFFORT [987]") + 1)
PLEASANT = str(USER_VERBS.splitlines().index("- * REALLY_PLEASANT [024]") + 1)


@pytest.fixture(scope="module")
def petr(resources: Resources, tmp_path_factory: pytest.TempPathFactory) -> Resources:
    """The session's resources with a PETRARCH actor and verb file instead of the packaged."""
    folder = tmp_path_factory.mktemp("petr")
    (folder / "a.txt").write_text(USER_ACTORS, encoding="utf-8")
    (folder / "v.txt").write_text(USER_VERBS, encoding="utf-8")
    config = Config(
        actor_files=(folder / "a.txt",), verb_files=(folder / "v.txt",), packaged_dictionaries=False
    )
    user = load_user_dictionaries(config, known_codes=load_ontology().codes)
    actors = with_user_actors(resources.actors, user)
    return replace(resources, actors=actors, coder=user_coder_resources(user))


def _triples(text: str, res: Resources) -> list[tuple[str, str | None, str, str]]:
    return [
        (e.source.code, e.target.code if e.target else None, e.cameo, e.rule.split(":")[-1])
        for e in _code(text, res)
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a user code (WEIS 903) as written; "_" joins words that must be consecutive
        ("Arnor abandoned new economic relations with Gondor.", [("ARN", "GON", "903", "14")]),
        ("Arnor abandoned new global economic relations with Gondor.",
         [("ARN", "GON", "345", "abandon")]),
        # a user code is not rewritten by modality: "will restore" stays 064
        ("Arnor will restore ties with Gondor.", [("ARN", "GON", "064", "restore")]),
        # a paired code [032:033]: the target's event back to the source
        ("Arnor departed for Gondor.",
         [("ARN", "GON", "032", "depart"), ("GON", "ARN", "033", "depart +reverse")]),
        # a pattern that matches the negation codes the negated verb; a bare negation is no event
        ("Arnor didn't clash over Gondor.", [("ARN", "GON", "904", CLASH)]),
        ("Arnor did not snub Gondor.", []),
        # no other target: an actor in a location phrase
        ("Arnor criticized the closure of guest houses in Bree.",
         [("ARN", "BRE", "121", "criticize")]),
        # the pattern's "+" names the target: the actor after "with", not the place after "at"
        ("Arnor celebrated Eid at Bree with Gondor.", [("ARN", "GON", "043", EID)]),
        # the phrase, not the country inside it
        ("Arnor restored ties with the Gondor government.", [("ARN", "GONGOV", "064", "restore")]),
        # "%": coded between the members of the compound
        ("Arnor and Gondor have delayed their meeting.",
         [("ARN", "GON", "191", DELAYED), ("GON", "ARN", "191", DELAYED)]),
        # a block headed by an inflected form is matched as written: "met" is MET, not MEET
        ("Arnor met Gondor.",
         [("ARN", "GON", "031", "met"), ("GON", "ARN", "032", "met +reverse")]),
        ("Arnor will meet Gondor.",
         [("ARN", "GON", "031", "meet"), ("GON", "ARN", "031", "meet +reverse")]),
        # a reporting verb yields to the event it reports, whatever its user code
        ("Arnor criticized Gondor, officials said.", [("ARN", "GON", "121", "criticize")]),
        # a passive without an agent: the subject is the source
        ("Gondor was criticized over its dispute with Bree.",
         [("GON", "BRE", "121", "criticize")]),
        # an adverbial clause of a coded verb phrase is coded with it, not on its own
        ("Arnor is about to restore ties with Gondor after Bree crowds burned flags.",
         [("ARN", "GON", "064", "restore")]),
        ("Arnor is about to improve ties with Gondor after Bree crowds burned flags.",
         [("BRE", None, "222", "burn")]),
        # a user pattern the phrase-level context misses reads the words of the verb phrase
        ("Arnor warned their populations about Gondor.", [("ARN", "GON", "162", ABOUT)]),
        ("Arnor allowed that Gondor is a really pleasant place.",
         [("ARN", "GON", "024", PLEASANT)]),
        # "* WITH %": the source towards each member of the compound after "with"
        ("Arnor agrees with Gondor and Bree that talks should resume.",
         [("ARN", "GON", "031", WITH), ("ARN", "BRE", "031", WITH)]),
        # a user verb's event needs a source actor (no unknown source "---", as for CAMEO)
        ("Crowds burned Gondor.", []),
        # user pattern words match as written: "efforts" is no EFFORT
        ("Arnor abandoned its effort with Gondor.", [("ARN", "GON", "987", EFFORT)]),
        ("Arnor abandoned its efforts with Gondor.", [("ARN", "GON", "345", "abandon")]),
        # no other target: the first actor after the verb in its phrase
        ("Arnor marched close to the border with Gondor.", [("ARN", "GON", "181", "march")]),
        # "$" names the source, "+" before the verb the target: the subject
        ("Gondor was freed from Arnor.", [("ARN", "GON", "075", FREED)]),
    ],
)  # fmt: skip
def test_petrarch_semantics(
    sentence: str, expected: list[tuple[str, str | None, str, str]], petr: Resources
) -> None:
    assert _triples(sentence, petr) == expected


def test_several_code_actors_code_for_each(petr: Resources) -> None:
    """ "The Shire" [FRO/BIL/SAM] and "Lorien" [ELR/GAL]: one event per pair."""
    found = {(s, t) for s, t, code, _ in _triples("The Shire restored ties with Lorien.", petr)}
    assert found == {(s, t) for s in ("FRO", "BIL", "SAM") for t in ("ELR", "GAL")}
    [event] = _code("Arnor departed for Gondor.", petr)[:1]  # a CAMEO code: CAMEO's facts
    cameo = load_ontology().get("032")
    assert (event.cameo_name, event.goldstein, event.quad_class) == (cameo.name, 4.5, 1)


def test_lists_share_the_sector_and_appositions_in_lists(petr: Resources) -> None:
    text = "The ambassadors of Arnor and Gondor restored ties with Bree."
    assert {(s, t) for s, t, _, _ in _triples(text, petr)} == {("ARNGOV", "BRE"), ("GONGOV", "BRE")}
    listed = "Gondor, the Shire, Arnor and Bree restored ties with Lorien."
    sources = {s for s, _, _, _ in _triples(listed, petr)}
    assert sources == {"GON", "FRO", "BIL", "SAM", "ARN", "BRE"}  # "the Shire": an apposition


def test_sectors_share_a_country_list_the_parse_splits(petr: Resources) -> None:
    """ "Lawmakers and officials in Arnor and Gondor": every sector with every country, even
    where the parse makes "Gondor" a conjunct of "Lawmakers"."""
    text = "Lawmakers and officials in Arnor and Gondor restored ties with Bree."
    found = {s for s, _, _, _ in _triples(text, petr)}
    assert found == {"ARNLEG", "GONLEG", "ARNGOV", "GONGOV"}


def test_lists_the_parse_splits(petr: Resources) -> None:
    """Several subjects of one verb ("Old foes *Gondor* and Arnor"), an apposition followed by
    a conjunct ("Arnor, *the awful Bree*, and Gondor")."""
    foes = "Old foes Gondor and Arnor restored ties with Bree."
    assert {s for s, _, _, _ in _triples(foes, petr)} == {"GON", "ARN"}
    listed = "Evil Arnor, the awful Bree, and good Gondor restored ties with Lorien."
    assert {s for s, _, _, _ in _triples(listed, petr)} == {"ARN", "BRE", "GON"}


def test_forms_index_finds_verbs_the_lemmatiser_misses(petr: Resources) -> None:
    """ "cordoned" is lemmatised "cordone": the entry listing the form still codes it."""
    entries = petr.coder.forms.get("cordoned", ())
    assert [(e.lemma, e.words, e.code) for e in entries] == [("cordon", ("cordon", "off"), "1721")]
    text = "Arnor warned of Gondor."  # no other target: the object of "of"
    assert _triples(text, petr) == [("ARN", "GON", "160", "warn")]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # an act announced with a modal on an "if" condition: an offer, a refusal, a threat
        (
            "Hamas leaders said they would meet the Egyptian envoy if Israel released the "
            "prisoners.",
            [("036", "PSEREBHMS", "EGYGOV", "AGREE")],
        ),
        (
            "Turkey says it will not accept more refugees if the war spreads.",
            [("122", "TUR", "REF", "REJECT")],
        ),
        (
            "The African Union may halt its mediation efforts if the fighting continues.",
            [("135", "IGOAFRAFU", None, "THREATEN")],
        ),
        # CAMEO codebook verb patterns
        (
            "Egyptian officials ended mediation efforts between Hamas and Fatah.",
            [("165", "EGYGOV", "PSEREBHMS", "SANCTION"), ("165", "EGYGOV", "PSE", "SANCTION")],
        ),
        (
            "Iran expelled inspectors of the International Atomic Energy Agency.",
            [("1662", "IRN", "IGOUNOIAE", "SANCTION")],
        ),
        (
            "The United Nations will withdraw its observers from Syria.",
            [("136", "IGOUNO", "SYR", "THREATEN")],
        ),
        (
            "Moldova received a team of observers from the OSCE.",
            [("0862", "MDA", "IGOEUROSC", "RETREAT")],
        ),
        (
            "The rebels dismissed an appeal from the Nigerian president.",
            [("120", "REB", "NGAGOV", "REJECT")],
        ),
        (
            "Japanese doctors handed over tons of medicine to the Red Cross.",
            [("073", "JPNHLH", "NGOHLHIRC", "AID")],
        ),
        (
            "Ethiopian troops forced out thousands of villagers from the border area.",
            [("201", "ETHMIL", "CVL", "ASSAULT")],
        ),
        (
            "The Kenyan opposition agreed to postpone the demonstration.",
            [("0352", "KENOPP", None, "AGREE")],
        ),
        ("Israel rejected Turkish mediation.", [("126", "ISR", "TUR", "REJECT")]),
        # a stative passive: its subject is the source
        ("Israel is opposed to Turkish mediation.", [("126", "ISR", "TUR", "REJECT")]),
        (
            "Denmark accepted a formula for ending its fisheries dispute with Norway.",
            [("030", "DNK", "NOR", "AGREE")],
        ),
        (
            "The Indian president gave a warm welcome to the Pakistani prime minister.",
            [("043", "INDGOV", "PAKGOV", "CONSULT")],
        ),
        (
            "Chinese negotiators returned to Washington for talks on trade.",
            [("046", "CHNGOV", "USA", "CONSULT")],
        ),
        # demobilised, no agent: the passive subject (its "of" phrase) demobilises
        (
            "Hundreds of Maoist fighters have been demobilized in Nepal.",
            [("0873", "NPLUAF", None, "RETREAT")],
        ),
        # preparing to use force is a show of force
        (
            "The Serbian army prepared to resume shelling Kosovo.",
            [("150", "SRBMIL", None, "MOBILIZE")],
        ),
        # an appeal to a third party to support an actor rallies support for it
        (
            "The Arab League urged the European Union to support the Palestinians.",
            [("053", "IGOMEAARL", "PSECVL", "SUPPORT")],
        ),
        # ... only when the complement names the actor supported: else an appeal
        (
            "Sunni clerics urged Iraqi voters to support the constitution.",
            [("020", "REL", "IRQCVL", "REQUEST")],
        ),
        # joint exercises: military cooperation, between the countries
        (
            "India and Japan will hold joint military exercises next month.",
            [("0312", "IND", "JPN", "AGREE"), ("0312", "JPN", "IND", "AGREE")],
        ),
        (
            "Greece and Turkey launched war games in the Aegean Sea.",
            [("062", "GRC", "TUR", "COOPERATE"), ("062", "TUR", "GRC", "COOPERATE")],
        ),
        # an obligation on the clause a verb completes; a participle parsed as the subject
        (
            "Egypt's president said that the United States must be ready to mediate between "
            "Israel and Hamas.",
            [("108", "EGYGOV", "USA", "REQUEST")],
        ),
        (
            "The Red Cross operating in Yemen said Saudi forces must allow food to reach the "
            "needy.",
            [("105", "NGOHLHIRC", "SAUMIL", "REQUEST")],
        ),
        # light verbs and event nouns with their "of" phrase
        (
            "Israel's supreme court opened a hearing into the treatment of Palestinian detainees.",
            [("090", "ISRJUD", "PSEOPP", "ACCUSE")],
        ),
        ("Thailand declared a state of siege in the south.", [("1724", "THA", None, "COERCE")]),
        # a curfew or emergency rule is imposed on its place, also in the source's own country
        (
            "The Sri Lankan government imposed a curfew in Colombo.",
            [("1723", "LKAGOV", "LKA", "COERCE")],
        ),
        ("Kenyan protesters marched in Nairobi.", [("140", "KENOPP", None, "PROTEST")]),
        # a protest is aimed at the actor of its purpose clause
        (
            "Syrian students began a hunger strike to protest the Israeli occupation.",
            [("142", "SYREDU", "ISR", "PROTEST")],
        ),
        # ... but not at the actor of a time clause
        (
            "Kenyan students protested in Nairobi while Ugandan police watched.",
            [("140", "KENEDU", None, "PROTEST")],
        ),
        (
            "Kurdish protesters marched in Ankara as Turkish police looked on.",
            [("140", "TUROPP", None, "PROTEST")],
        ),
        (
            "Thousands of Kurds demonstrated in Kirkuk calling for independence from Iraq.",
            [("141", "IRQCVL", "IRQ", "PROTEST")],
        ),
        (
            "Protesters in Hong Kong blocked streets in defiance of Chinese authorities.",
            [("144", "HKGOPP", "CHNGOV", "PROTEST")],
        ),
        (
            "The United States speeded up the withdrawal from Panama.",
            [("0872", "USA", "PAN", "RETREAT")],
        ),
        (
            "Sri Lanka announced it will extend the curfew in Colombo.",
            [("1323", "LKA", None, "THREATEN")],
        ),
        # the subject's "of" phrase is pattern context: a deployment of peacekeepers
        (
            "The first deployment of NATO peacekeeping troops arrived in Kosovo.",
            [("074", "IGOWSTNATMIL", "KSV", "AID")],
        ),
    ],
)
def test_codebook_rules(
    sentence: str, expected: list[tuple[str, str, str | None, str]], resources: Resources
) -> None:
    events = _code(sentence, resources)
    assert [(*s, e.plover_type) for s, e in zip(_summary(events), events, strict=True)] == expected
