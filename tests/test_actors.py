"""Actor resolution: knowledge base, agents, role from context and in-document coreference."""

from __future__ import annotations

from datetime import date

import pytest
from spacy.language import Language

from communique.actors import ActorResources, resolve_mentions, resolve_text
from communique.pipeline import Resources
from communique.resolution import resolve_in_context


@pytest.fixture(scope="module")
def res(resources: Resources) -> ActorResources:
    return resources.actors


@pytest.mark.parametrize(
    ("text", "country", "agent", "code"),
    [
        ("Kenyan police", "KEN", "COP", "KENCOP"),
        ("Syrian rebels", "SYR", "REB", "SYRREB"),
        ("the Iranian side", "IRN", None, "IRN"),
        ("Tehran", "IRN", "GOV", "IRNGOV"),  # a capital alone is its government (metonymy)
        ("Pristina", "KSV", "GOV", "KSVGOV"),  # the KB's code for Kosovo, not GeoNames' XKX
        ("protesters in Nairobi", "KEN", "OPP", "KENOPP"),  # not when it is only a place
        ("the White House", "USA", "GOV", "USAGOV"),
        ("the Kremlin", "RUS", "GOV", "RUSGOV"),
        ("the United Nations", "IGOUNO", None, "IGOUNO"),
        ("protesters in Lagos", "NGA", "OPP", "NGAOPP"),
        ("Japan's foreign minister", "JPN", "GOV", "JPNGOV"),
        (
            "Iran's Supreme National Security Council Secretary Ali Akbar Ahmadian",
            "IRN",
            "GOV",
            "IRNGOV",
        ),
        # a title inside a knowledge-base name beats the person's generic role (ELI)
        ("President Bill Clinton", "USA", "GOV", "USAGOV"),
        ("Bush administration", "USA", "GOV", "USAGOV"),
        # Phoenix's East Timor code recoded to ISO3
        ("East Timor", "TLS", None, "TLS"),
        # a plural demonym names the people (CVL); a country's own plural name does not
        ("Nigerians", "NGA", "CVL", "NGACVL"),
        ("Americans", "USA", "CVL", "USACVL"),
        ("the Philippines", "PHL", None, "PHL"),
        # IGO with a sector noun; military hardware
        ("UN peacekeepers", "IGOUNO", "MIL", "IGOUNOMIL"),
        ("Russian aircraft", "RUS", "MIL", "RUSMIL"),
    ],
)
def test_resolve_text(
    text: str, country: str, agent: str | None, code: str, nlp: Language, res: ActorResources
) -> None:
    actor = resolve_text(text, nlp, res, day=date(2023, 7, 24))
    assert actor is not None
    assert (actor.country, actor.agent, actor.code) == (country, agent, code)


def test_roles_by_date(nlp: Language, res: ActorResources) -> None:
    def code_on(day: date) -> str | None:
        actor = resolve_text("Abdelaziz Bouteflika", nlp, res, day=day)
        return actor.code if actor else None

    assert (code_on(date(1980, 1, 1)), code_on(date(2005, 1, 1))) == ("DZAELI", "DZAGOV")


def test_not_an_actor(nlp: Language, res: ActorResources) -> None:
    assert resolve_text("the weather", nlp, res, day=None) is None
    assert resolve_text("us", nlp, res, day=None) is None  # pronoun, not the USA


def test_acronyms_match_only_in_capitals(nlp: Language, res: ActorResources) -> None:
    # "(ana)" in Phoenix's "albanian national army (ana)": an acronym, not the name Ana
    judge = resolve_text("Judge Ana Ruiz", nlp, res, day=None)
    assert judge is not None and (judge.code, judge.entity_id) == ("JUD", None)
    rebels = resolve_text("ANA rebels", nlp, res, day=None)
    assert rebels is not None and rebels.code == "MKDREB"
    assert rebels.entity_id == "COMMUNIQUE_SHORT_ALBANIAN_NATIONAL_ARMY_(ANA)"
    assert resolve_text("the Ltte", nlp, res, day=None) is None
    tigers = resolve_text("the LTTE", nlp, res, day=None)
    assert tigers is not None and tigers.code == "LKAREB"


def test_coreference(nlp: Language, res: ActorResources) -> None:
    text = (
        "Abdelaziz Bouteflika met the Moroccan king. Bouteflika later praised Morocco. "
        "The Algerian president also visited Paris."
    )
    mentions = resolve_mentions(nlp(text), res, day=date(2005, 1, 1))
    by_text = {m.text: m for m in mentions.values()}
    full = by_text["Abdelaziz Bouteflika"].actor
    assert (full.code, full.name, full.entity_id) == (
        "DZAGOV",
        "Abdelaziz Bouteflika",
        "ABDELAZIZ_BOUTEFLIKA",
    )
    assert by_text["Bouteflika"].actor == full
    assert by_text["Bouteflika"].antecedent == "Abdelaziz Bouteflika"
    assert by_text["The Algerian president"].actor == full


def test_mention_offsets(nlp: Language, res: ActorResources) -> None:
    text = "Yesterday the Kenyan police arrested protesters."
    [mention] = [
        m for m in resolve_mentions(nlp(text), res, day=None).values() if m.actor.agent == "COP"
    ]
    assert text[mention.span.start : mention.span.end] == "the Kenyan police"


def test_definite_institution_links_to_the_one_seen(nlp: Language, res: ActorResources) -> None:
    text = "The Kenyan government raised taxes. Protesters marched. The government refused to talk."
    mentions = resolve_mentions(nlp(text), res, day=None)
    [later] = [m for m in mentions.values() if m.text == "The government"]
    assert (later.actor.code, later.antecedent) == ("KENGOV", "The Kenyan government")


def test_pronouns_link_to_the_nearest_compatible_actor(nlp: Language, res: ActorResources) -> None:
    text = (
        "Abdelaziz Bouteflika arrived in Rabat. He met the Moroccan king. "
        "Thousands of protesters gathered in Nairobi. They attacked the police. "
        "China condemned the vote. It recalled its envoy. It is unclear why."
    )
    mentions = resolve_mentions(nlp(text), res, day=date(2005, 1, 1))
    linked = [(m.text, m.actor.code, m.antecedent, m.span.start) for m in mentions.values()]
    pronouns = [row for row in linked if row[0] in {"He", "They", "It"}]
    assert pronouns == [
        ("He", "DZAGOV", "Abdelaziz Bouteflika", 39),
        ("They", "OPP", "protesters", 110),
        ("It", "CHN", "China", 162),  # not the expletive "It is unclear"
    ]


def test_the_ministry_links_to_the_last_ministry(nlp: Language, res: ActorResources) -> None:
    """A definite institution noun prefers the last mention with the same noun over the last
    actor of its sector ("the British ambassador" is GOV too)."""
    text = (
        "Iran's foreign ministry summoned the British ambassador. "
        "The ministry said the remarks were unacceptable."
    )
    mentions = resolve_mentions(nlp(text), res, day=date(2024, 1, 1))
    [later] = [m for m in mentions.values() if m.text == "The ministry"]
    assert (later.actor.code, later.antecedent) == ("IRNGOV", "Iran's foreign ministry")
    assert text[later.span.start : later.span.end] == "The ministry"


@pytest.mark.parametrize(
    ("text", "code", "entity"),
    [
        # a title and a surname name the one KB person with that surname (and the title's role)
        ("President Mugabe", "ZWEGOV", "ROBERT_MUGABE"),
        ("President Kagame", "RWAGOV", "PAUL_KAGAME"),
        # given names and particles must fit ("el" = "al"); a shorter full name is enough
        ("President Omar Hassan al-Bashir", "SDNGOV", "OMAR_HASSAN_AHMAD_AL_BASHIR"),
        ("President Omar El Bashir", "SDNGOV", "OMAR_HASSAN_AHMAD_AL_BASHIR"),
        ("Carlos Menem", "ARGELI", "CARLOS_SAUL_MENEM"),
        # small misspellings, when one person fits; the title beats the ended role (ELI)
        ("President Francois Mitterand", "FRAGOV", "FRANCOIS_MITTERRAND"),
        ("President Laurent Gbago", "CIVGOV", "LAURENT_GBAGBO"),
        # "of Morocco" names the person's country ("Hassan" alone is a Jordanian entry)
        ("King Hassan of Morocco", "MARGOV", "HASSAN"),
        # a person whose current role has no country keeps the country of the last dated role
        ("Kofi Annan", "IGOUNOELI", "KOFI_ANNAN"),
        ("pro-Iranian Hizbollah", "LBNREB", "HEZBOLLAH"),  # a stance prefix is no country
        ("rebel Kurdistan Workers' Party", "TURREB", "KURDISTAN_WORKERS'_PARTY"),
    ],
)
def test_kb_people_and_organisations(
    text: str, code: str, entity: str, nlp: Language, res: ActorResources
) -> None:
    actor = resolve_text(text, nlp, res, day=None)
    assert actor is not None
    assert (actor.code, actor.entity_id) == (code, entity)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Democratic People's Republic of Korea", "PRK"),  # not "people" (CVL) of Korea
        ("NATO-member Norway", "NOR"),  # the head noun's country beats a premodifier's
        ("Liberation Tigers of Tamil Eelam", "LKAREB"),  # a KB name without its "(LTTE)"
        ("National Union for the Total Independence of Angola", "AGOREB"),  # a "for" inside
        ("Turkish Kurd refugees", "TURREF"),  # a people modifier yields to the head's sector
        ("terror group based in Trinidad", "TTOREB"),  # the country from anywhere in the text
        ("Cairo's security chief", "EGYCOP"),
        ("Ugandan opposition candidates", "UGAOPP"),
        ("Iraqi towns", "IRQCVL"),
        ("al-Qaeda leaders", "IMGMUSALQGOV"),  # a lowercase particle may open a KB name
        ("Northern Ireland", "GBR"),  # not Ireland
    ],
)
def test_resolve_text_codes(text: str, code: str, nlp: Language, res: ActorResources) -> None:
    actor = resolve_text(text, nlp, res, day=None)
    assert actor is not None
    assert actor.code == code


def test_surnames_need_a_title_and_one_person(nlp: Language, res: ActorResources) -> None:
    assert resolve_text("Mitterand", nlp, res, day=None) is None  # no title: no misspelling
    sontas = resolve_text("President Dos Sontas", nlp, res, day=None)  # many dos Santos
    assert sontas is not None and (sontas.code, sontas.entity_id) == ("GOV", None)


@pytest.mark.parametrize(
    ("text", "context", "code"),
    [
        ("Hungarian", "Senior Hungarian and Romanian officials agreed on Wednesday.", "HUNGOV"),
        ("Romanian", "Senior Hungarian and Romanian officials agreed on Wednesday.", "ROUGOV"),
        ("Egyptian warships", "French and Egyptian warships launched war games.", "EGYMIL"),
        # an ethnic group is coded where the sentence places it (CAMEO: country of residence)
        ("ethnic Albanians", "Up to 100 ethnic Albanians demonstrated in Serbia.", "SRBCVL"),
    ],
)
def test_resolve_in_context(
    text: str, context: str, code: str, nlp: Language, res: ActorResources
) -> None:
    actor = resolve_in_context(text, context, nlp, res, day=None)
    assert actor is not None
    assert actor.code == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # CAMEO codes an ethnic group by where it lives, named after it or before a people noun
        ("Albanians of southern Serbia", "SRBCVL"),
        ("ethnic Albanians in south Serbia", "SRBCVL"),
        ("Bosnian Serbs", "BIHCVL"),
        # our corrections of Phoenix region codes for single-country groups (override entries)
        ("Islamic Salvation Front", "DZAREB"),
        ("Moro Islamic Liberation Front", "PHLREB"),
        ("Serb forces", "SRBMIL"),
    ],
)
def test_peoples_and_corrected_groups(
    text: str, code: str, nlp: Language, res: ActorResources
) -> None:
    actor = resolve_text(text, nlp, res, day=None)
    assert actor is not None
    assert actor.code == code


def test_misspelt_country_and_generic_role_in_context(nlp: Language, res: ActorResources) -> None:
    ghanians = resolve_text("Ghanians", nlp, res, day=None)  # one edit from "ghanaians"
    assert ghanians is not None and ghanians.country == "GHA"
    assert resolve_text("Gondorians", nlp, res, day=None) is None  # no country this near
    context = "The US rejected calls by Kofi Annan, UN secretary-general, to adopt reforms."
    annan = resolve_in_context("Kofi Annan", context, nlp, res, day=None)
    assert annan is not None and (annan.code, annan.entity_id) == ("IGOUNOGOV", "KOFI_ANNAN")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Ousted President Askar Akayev", "KGZELI"),  # PLOVER ELI: former, ousted, exiled
        ("former Israeli prime minister", "ISRELI"),
        ("Russian Jewish immigrants", "RUSCVL"),  # a religion modifier yields to the head noun
    ],
)
def test_former_officials_and_modifiers(
    text: str, code: str, nlp: Language, res: ActorResources
) -> None:
    actor = resolve_text(text, nlp, res, day=None)
    assert actor is not None
    assert actor.code == code


@pytest.mark.parametrize(
    ("text", "context", "code"),
    [
        # an actor the text gives no country takes the sentence's: a place first, else the
        # first country named; none named, none given; international organisations are no
        # country
        (
            "Judge Maria Lopez",
            "Judge Maria Lopez charged three Peruvian officials with fraud.",
            "PERJUD",
        ),
        ("Judge Maria Lopez", "Judge Maria Lopez opened the trial on Monday.", "JUD"),
        ("Yoruba leaders", "Yoruba leaders met in Lagos on Friday.", "NGAGOV"),
        (
            "Karen guerrillas",
            "Karen guerrillas attacked a Burmese army post near the Thai border.",
            "MMRREB",
        ),
        ("rebels", "The rebels rejected the United Nations plan.", "REB"),
        # an ethnic group takes the other country the sentence names, unless it names its own
        (
            "ethnic Turks",
            "Thousands of ethnic Turks protested against Germany's new law.",
            "DEUCVL",
        ),
        (
            "ethnic Albanians in south Serbia",
            "Thousands of ethnic Albanians in south Serbia protested against Kosovo's leaders.",
            "SRBCVL",
        ),
        # a city as a place is its people; a capital as a subject or object is its government
        ("Abidjan", "The army imposed a curfew in Abidjan on Sunday.", "CIVCVL"),
        ("Tehran", "Tehran rejected the offer.", "IRNGOV"),
        ("Tehran", "Washington accused Tehran of lying.", "IRNGOV"),
        ("Kabul", "Rebels shelled Kabul overnight.", "AFGCVL"),
        ("Tehran", "Sweden opened an embassy in Tehran.", "IRNGOV"),  # a seat of government
        # a place the KB lacks takes the sentence's place
        (
            "Bismil",
            "Police imposed a curfew in the town of Bismil in southeastern Turkey.",
            "TURCVL",
        ),
        # a name in apposition takes its head's actor ("the radio station Radio Libre")
        ("Radio Libre", "Bolivia's government shut the radio station Radio Libre.", "BOLMED"),
        ("Aleppo", "Government forces surrounded Aleppo.", "SYRCVL"),
        # a title in the text beats a person's generic KB role (PTY)
        (
            "opposition leader Fazl-ur-Rehman",
            "Police stopped opposition leader Fazl-ur-Rehman at the border.",
            "PAKOPP",
        ),
    ],
)
def test_resolve_in_context_sentence_country_and_places(
    text: str, context: str, code: str, nlp: Language, res: ActorResources
) -> None:
    actor = resolve_in_context(text, context, nlp, res, day=None)
    assert actor is not None
    assert actor.code == code


@pytest.mark.parametrize(
    ("text", "day", "code", "entity"),
    [
        # people, organisations and names of actor_aliases.json (dated roles as Phoenix's)
        ("Desmond Tutu", None, "ZAFELI", "COMMUNIQUE_DESMOND_TUTU"),
        ("Desmond Tutu", date(1990, 1, 1), "ZAFCHR", "COMMUNIQUE_DESMOND_TUTU"),
        ("Zoran Djindjic", date(1997, 1, 1), "SRBOPP", "COMMUNIQUE_ZORAN_DJINDJIC"),
        ("Zoran Djindjic", date(2002, 1, 1), "SRBGOV", "COMMUNIQUE_ZORAN_DJINDJIC"),
        ("Tran Xuan Gia", date(1999, 1, 1), "VNMGOV", "COMMUNIQUE_TRAN_XUAN_GIA"),
        ("Fazl-ur-Rehman", None, "PAKPTY", "COMMUNIQUE_FAZL_UR_REHMAN"),
        ("Azadliq", None, "AZEOPP", "COMMUNIQUE_AZADLIQ"),
        ("MASSOB", None, "NGAREB", "COMMUNIQUE_MASSOB"),
        ("East Jerusalem", None, "PSEGOV", None),  # a capital alone: its government
        ("in central Baghdad", None, "IRQCVL", None),  # a city as a place: its people
        ("Salaheddine Sidhoum", None, "DZAOPP", "COMMUNIQUE_SALAHEDDINE_SIDHOUM"),
        ("Turks", None, "TURCVL", None),
        ("Ghanians", None, "GHACVL", None),  # a misspelt plural demonym is a people too
        # agent phrases of agents_communique.jsonl
        ("deputy governor", None, "GOV", None),
        ("peace activists", None, "OPP", None),
        ("hostage-takers", None, "CRM", None),
        ("Alevis", None, "MUS", None),
    ],
)
def test_actor_extensions_resolve(
    text: str,
    day: date | None,
    code: str,
    entity: str | None,
    nlp: Language,
    res: ActorResources,
) -> None:
    actor = resolve_text(text, nlp, res, day=day)
    assert actor is not None
    assert (actor.code, actor.entity_id) == (code, entity)


@pytest.mark.parametrize(
    ("text", "code", "agent"),
    [
        # an organisation's sector is the agent code CAMEO writes inside its code
        ("Red Cross", "NGOHLHIRC", "HLH"),
        ("Amnesty International", "NGOHRIAMN", "HRI"),
        ("International Labour Organization", "IGOUNOLABILO", "LAB"),
        ("United Nations", "IGOUNO", None),
        ("Red Cross officials", "NGOHLHIRCGOV", "GOV"),
    ],
)
def test_organisation_sector(
    text: str, code: str, agent: str | None, nlp: Language, res: ActorResources
) -> None:
    actor = resolve_text(text, nlp, res, day=None)
    assert actor is not None
    assert (actor.code, actor.agent) == (code, agent)


@pytest.mark.parametrize(
    ("text", "mention", "code"),
    [
        # a named group or person with no country takes the sentence's (place first)
        ("Mozambique's army fought Shona rebels on Monday.", "Shona rebels", "MOZREB"),
        ("Judge Maria Lopez charged two Chilean officials.", "Judge Maria Lopez", "CHLJUD"),
        ("Islamic fundamentalists rallied in Cairo.", "Islamic fundamentalists", "EGYMUS"),
        # generic nouns keep none, as PETRARCH codes them
        ("The government rejected Kenya's offer.", "The government", "GOV"),
        # a marked people lives where the sentence says; a city as a place is its country
        (
            "Thousands of ethnic Turks protested against Germany's new law.",
            "ethnic Turks",
            "DEUCVL",
        ),
        ("Ethnic Albanians in south Serbia protested.", "Ethnic Albanians", "SRBCVL"),
        ("The army imposed a curfew in Abidjan on Sunday.", "Abidjan", "CIV"),  # PETRARCH
        ("Tehran rejected the offer.", "Tehran", "IRNGOV"),
        ("Sweden opened an embassy in Tehran.", "Tehran", "IRN"),
    ],
)
def test_mentions_completed_by_their_sentence(
    text: str, mention: str, code: str, nlp: Language, res: ActorResources
) -> None:
    found = {m.text: m.actor.code for m in resolve_mentions(nlp(text), res, day=None).values()}
    assert found[mention] == code
