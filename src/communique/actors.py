"""Actor resolution: noun phrases of a parse -> coded actors, with in-document coreference.

A mention is anchored on the head token of a noun phrase. Its *phrase* is the head with its
modifiers (compounds, adjectives, possessives, appositives and ``of/in/from`` attachments), which
is scanned left to right against the actor knowledge base (countries, people, organisations) and
the agent dictionary (sectors such as GOV, MIL, COP). People not in the knowledge base get country
and sector from their context ("Iran's ... Secretary Ali Akbar Ahmadian"); later mentions are
linked back ("Ahmadian", "the Chinese diplomat").
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import resources
from types import MappingProxyType

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from communique.dictionaries import (
    ActorEntry,
    ActorKB,
    AgentDictionary,
    agent_codes,
    load_actor_kb,
    load_agents,
)
from communique.model import Actor, Mention
from communique.model import Span as CharSpan

__all__ = [
    "ActorResources",
    "CountryNames",
    "PersonIndex",
    "complete_actor",
    "context_countries",
    "country_names",
    "is_city_place",
    "load_actor_resources",
    "person_index",
    "place_countries",
    "resolve_mentions",
    "resolve_phrase",
    "resolve_text",
]

_PHRASE_DEPS = frozenset(
    {"compound", "amod", "poss", "nmod", "appos", "det", "case", "flat", "pobj", "nummod"}
)
_CORE_DEPS = frozenset({"compound", "amod", "poss", "nmod", "det", "case", "flat"})
_HEAD_POS = frozenset({"NOUN", "PROPN"})
_NON_HEAD_DEPS = frozenset({"compound", "flat"})


@dataclass(frozen=True)
class PersonIndex:
    """The people of a knowledge base by surname, for titled surnames and misspelt names."""

    by_surname: Mapping[str, tuple[ActorEntry, ...]]
    by_given: Mapping[str, tuple[tuple[ActorEntry, tuple[str, ...]], ...]]  # -> (person, surnames)


@dataclass(frozen=True)
class CountryNames:
    """One-word country names and demonyms by shape, for misspellings ("Ghanians")."""

    by_deletion: Mapping[str, tuple[tuple[str, str], ...]]  # name, or less a letter -> names


@dataclass(frozen=True)
class ActorResources:
    """Everything actor resolution reads; load once and pass in."""

    kb: ActorKB
    agents: AgentDictionary
    agent_codes: frozenset[str]  # every three-letter agent code of the agent dictionary
    rules: ActorRules
    people: PersonIndex = field(
        default_factory=lambda: PersonIndex(MappingProxyType({}), MappingProxyType({}))
    )
    countries: CountryNames = field(default_factory=lambda: CountryNames(MappingProxyType({})))


@dataclass(frozen=True)
class ActorRules:
    """Rule tables from ``data/actor_rules.json``."""

    transnational_prefixes: frozenset[str]  # code prefixes that are not countries (IGO, NGO...)
    quantity_heads: frozenset[str]  # "thousands (of protesters)"
    institution_nouns: frozenset[str]  # not people: "the Iranian side", "the ministry"
    person_agents: frozenset[str]  # agents whose bare nouns can name a person seen before
    phrase_preps: frozenset[str]  # attachments that describe the head ("of", "in", "from")
    generic_agents: frozenset[str]  # roles a title in the text overrides ("ELI")
    people_agent: str  # the sector of a plural demonym on its own ("Nigerians": CVL)
    person_pronouns: frozenset[str]  # "he", "she": the nearest person
    group_pronouns: frozenset[str]  # "it": the nearest country or organisation
    plural_pronouns: frozenset[str]  # "they": the nearest plural actor ("protesters")
    expletive_verbs: frozenset[str]  # "it is", "it seems": "it" names nothing
    capital_agent: str  # "Tehran said": a capital alone is its government (GOV)
    capitals: Mapping[str, str]  # capital name (lowercase) -> ISO3, from data/capitals.json
    cities: Mapping[str, str]  # other cities the KB names a country by ("tel aviv"), same file
    name_particles: frozenset[str]  # "al", "dos": not surnames, compared apart
    name_suffixes: frozenset[str]  # "ii", "jr": no surname
    stance_prefixes: frozenset[str]  # "pro-Iranian", "anti-Syria": not the actor's country
    ethnic_markers: frozenset[str]  # "ethnic Albanians": a people, not a country's citizens
    modifier_agents: frozenset[str]  # "Kurd refugees": CVL and religions yield to the head
    former_markers: frozenset[str]  # "former President": ELI
    former_agent: str  # ELI
    place_preps: frozenset[str] = frozenset()  # "in Abidjan": a city as a place, its people
    place_verbs: frozenset[str] = frozenset()  # "shelled Juba": a capital object as a place


def load_actor_rules() -> ActorRules:
    raw = json.loads(resources.files("communique.data").joinpath("actor_rules.json").read_text())
    data = resources.files("communique.data")
    places = json.loads(data.joinpath("capitals.json").read_text(encoding="utf-8"))
    capitals, cities = places["capitals"], places["cities"]
    special = {"people_agent", "capital_agent", "capitals", "cities", "former_agent"}
    sets = {k: frozenset(raw[k]) for k in ActorRules.__dataclass_fields__ if k not in special}
    return ActorRules(
        people_agent=str(raw["people_agent"]),
        capital_agent=str(raw["capital_agent"]),
        former_agent=str(raw["former_agent"]),
        capitals=MappingProxyType({str(k): str(v) for k, v in capitals.items()}),
        cities=MappingProxyType({str(k): str(v) for k, v in cities.items()}),
        **sets,
    )


def load_actor_resources() -> ActorResources:
    agents, kb, rules = load_agents(), load_actor_kb(), load_actor_rules()
    return ActorResources(
        kb=kb,
        agents=agents,
        agent_codes=agent_codes(agents),
        rules=rules,
        people=person_index(kb, rules),
        countries=country_names(kb),
    )


def country_names(kb: ActorKB) -> CountryNames:
    """The one-word names of the knowledge base's countries (7 letters or more) with their
    undated code, under the name and each spelling of it less one letter."""
    found: dict[str, dict[str, str]] = {}
    for entry in kb.entries:
        code = entry.code_on(None)
        if entry.kind != "country" or not code:
            continue
        for name in entry.names:
            if len(name) >= 7 and name.isalpha():
                for key in {name} | _deletions(name):
                    found.setdefault(key, {}).setdefault(name, code)
    return CountryNames(
        MappingProxyType({k: tuple(sorted(v.items())) for k, v in sorted(found.items())})
    )


def _deletions(word: str) -> set[str]:
    return {word[:k] + word[k + 1 :] for k in range(len(word))}


def _name_words(name: str) -> list[str]:
    return name.replace("-", " ").replace(".", " ").split()


def _surname(words: Sequence[str], rules: ActorRules) -> str | None:
    core = [w for w in words if w not in rules.name_particles]
    while core and core[-1] in rules.name_suffixes:
        core.pop()
    return core[-1] if len(core) >= 2 and len(core[-1]) >= 3 else None


def person_index(kb: ActorKB, rules: ActorRules) -> PersonIndex:
    """The people of ``kb`` by surname (the last word that is no particle or suffix, of a name
    of two words or more) and by first given name."""
    found: dict[str, list[ActorEntry]] = {}
    given: dict[str, list[tuple[ActorEntry, tuple[str, ...]]]] = {}
    for entry in kb.entries:
        if entry.kind != "person":
            continue
        names = [_name_words(name) for name in entry.names]
        surnames = tuple(sorted({k for k in (_surname(w, rules) for w in names) if k}))
        for key in surnames:
            found.setdefault(key, []).append(entry)
        firsts = {w[0] for w in names if len(w) >= 2 and w[0] not in rules.name_particles}
        for key in sorted(firsts):
            given.setdefault(key, []).append((entry, surnames))
    return PersonIndex(
        by_surname=MappingProxyType({k: tuple(v) for k, v in found.items()}),
        by_given=MappingProxyType({k: tuple(v) for k, v in given.items()}),
    )


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    kind: str  # "country" | "entity" | "agent"
    code: str
    entity_id: str | None
    title: tuple[str, ...] = ()  # agents of a title inside a KB name ("president bill clinton")
    person: bool = False  # a person of the knowledge base
    after: str | None = None  # the phrase preposition before it: "(King Hassan) of Morocco"


@dataclass(frozen=True, slots=True)
class _Code:
    country: str | None
    agents: tuple[str, ...]


@dataclass
class _Tracker:
    """People seen so far in one article, for linking later mentions (per-article, not global)."""

    people: list[tuple[tuple[str, ...], Mention]] = field(default_factory=list)
    by_agent: dict[str, Mention] = field(default_factory=dict)  # latest with a country, by sector
    by_head: dict[str, Mention] = field(default_factory=dict)  # latest with a country, by noun
    persons: list[Mention] = field(default_factory=list)  # for "he"/"she", in text order
    groups: list[Mention] = field(default_factory=list)  # for "it", in text order
    plurals: list[Mention] = field(default_factory=list)  # for "they", in text order

    def nearest(self, pronoun: str, sent_index: int, rules: ActorRules) -> Mention | None:
        """The nearest compatible actor in this or the previous sentence."""
        pool = self.groups
        if pronoun in rules.person_pronouns:
            pool = self.persons
        elif pronoun in rules.plural_pronouns:
            pool = self.plurals
        latest = pool[-1] if pool else None
        return latest if latest is not None and sent_index - latest.sentence <= 1 else None

    def by_name_part(self, word: str) -> Mention | None:
        found = [m for parts, m in self.people if word in parts]
        names = {m.actor.name for m in found}
        return found[-1] if len(names) == 1 else None

    def by_role(self, country: str, agent: str | None) -> Mention | None:
        for _, mention in reversed(self.people):
            actor = mention.actor
            if actor.country == country and (agent is None or actor.agent == agent):
                return mention
        return None


def split_code(code: str, res: ActorResources) -> _Code:
    """Split a CAMEO actor code ("IRNGOVMIL", "IGOUNO", "GOV") into country and agents."""
    if code[:3] in res.rules.transnational_prefixes:
        return _transnational(code, res)
    if len(code) >= 3 and code[:3].isalpha() and code[:3] not in res.agent_codes:
        return _Code(country=code[:3], agents=_chunks(code[3:]))
    return _Code(country=None, agents=_chunks(code))


def _transnational(code: str, res: ActorResources) -> _Code:
    """ "IGOUNOLABILO" is one organisation; trailing sector codes ("IGOUNOMIL") are agents."""
    chunks = list(_chunks(code))
    agents: list[str] = []
    while len(chunks) > 2 and chunks[-1] in res.agent_codes:
        agents.insert(0, chunks.pop())
    return _Code(country="".join(chunks), agents=tuple(agents))


def _chunks(rest: str) -> tuple[str, ...]:
    return tuple(rest[i : i + 3] for i in range(0, len(rest) - 2, 3))


def _words(tokens: Sequence[Token]) -> list[str]:
    """Lower-cased words; a PETRARCH connector written in the text ("Dol_Amroth") joins the
    words of one name, as in the dictionaries."""
    return [t.lower_.replace("_", " ") for t in tokens]


def _name_keys(tokens: Sequence[Token]) -> list[str]:
    """The KB keys a token sequence may spell: its words joined by spaces, the text as written
    ("people's", "al-bashir"), and that with hyphens as spaces ("al bashir")."""
    spaced = " ".join(_words(tokens))
    if all(t.text.isalnum() for t in tokens):
        return [spaced]
    glued = "".join(
        t.lower_ + (t.whitespace_ if k + 1 < len(tokens) and tokens[k + 1].i == t.i + 1 else " ")
        for k, t in enumerate(tokens)
    ).strip()
    dashless = " ".join(glued.replace("-", " ").split())
    plain = dashless.replace("'", "")  # "people's republic" = "peoples republic"
    return list(dict.fromkeys((spaced, glued, dashless, plain)))


def _kb_hit(
    tokens: Sequence[Token], i: int, n: int, res: ActorResources, day: date | None
) -> _Hit | None:
    lead = tokens[i].lower_ == "the" or tokens[i].lower_ in res.rules.name_particles
    named = tokens[i + 1] if n > 1 and lead else tokens[i]  # "the Shire", "al-Qaeda"
    if not named.text[:1].isupper():
        return None  # proper names are capitalised ("the Shire" too); "us" is not the USA
    for name in _name_keys(tokens[i : i + n]):
        for entry in res.kb.by_name.get(name, ()):
            if name in entry.acronyms and not all(t.text.isupper() for t in tokens[i : i + n]):
                continue  # "Ana Ruiz" is no ANA (Albanian National Army)
            code = _entry_code(entry, day, res)
            if code:
                kind = "country" if entry.kind == "country" else "entity"
                title = _title_within(tokens, i, n, res) if kind == "entity" else ()
                person = entry.kind == "person"
                return _Hit(i, i + n, kind, code, entry.id, title, person=person)
    return None


def _entry_code(entry: ActorEntry, day: date | None, res: ActorResources) -> str | None:
    """The entry's code on ``day``; a person's role without a country ("ELI": Kofi Annan after
    2006) takes the country of the person's last dated role that has one (IGOUNO)."""
    code = entry.code_on(day)
    if not code or entry.kind != "person" or split_code(code, res).country is not None:
        return code
    dated = [r for r in entry.roles if r.dated and split_code(r.code, res).country]
    if not dated:
        return code
    last = max(dated, key=lambda r: (r.end or date.max, r.start or date.min))
    return str(split_code(last.code, res).country) + code


# --------------------------------------------------------------------------- people by surname


def _name_run(tokens: Sequence[Token], i: int, rules: ActorRules) -> int:
    """How many tokens from ``i`` form a personal name: capitalised words, with particles
    ("al", "dos") and hyphens inside, ending on a capitalised word."""
    n = 0
    while i + n < len(tokens):
        tok = tokens[i + n]
        inner = n > 0 and (tok.text == "-" or tok.lower_ in rules.name_particles)
        if not (inner or (tok.text[:1].isupper() and tok.text.replace("-", "").isalpha())):
            break
        n += 1
    while n and not tokens[i + n - 1].text[:1].isupper():
        n -= 1
    return n


def _person_hit(
    tokens: Sequence[Token], i: int, n: int, res: ActorResources, day: date | None,
    title: tuple[str, ...],
) -> _Hit | None:  # fmt: skip
    """A KB person named by a title and surname ("President Mugabe"), a shorter or misspelt
    full name ("Carlos Menem", "Francois Mitterand"): the one person whose names contain the
    given names (and particles) of the text, its surname exact, else within a small edit
    distance; among several, the one whose roles fit the title."""
    rules = res.rules
    words = _name_words(" ".join(t.lower_ for t in tokens[i : i + n]))
    core = [w for w in words if w not in rules.name_particles]
    while core and core[-1] in rules.name_suffixes:
        core.pop()
    if not core or (len(core) < 2 and not title):
        return None
    surname, given = core[-1], core[:-1]
    particles = {_al(w) for w in words if w in rules.name_particles}
    levels = [res.people.by_surname.get(surname, ())]
    if not levels[0]:
        levels = _near_surnames(surname, given, res.people, rules)
    fits: list[ActorEntry] = []
    for entries in levels:  # the nearest surnames with a fitting person
        fits = [e for e in entries if _names_fit(e, given, particles, rules)]
        if fits:
            break
    if len(fits) > 1 and title:
        fits = [e for e in fits if any(title[0] in _chunks(r.code[3:]) for r in e.roles)] or fits
    codes = {_entry_code(e, day, res) for e in fits}
    if not fits or len(codes) != 1:
        return None
    code = codes.pop()
    if not code:
        return None
    within = _title_within(tokens, i, n, res)  # "Russian President Boris Yeltsin"
    return _Hit(i, i + n, "entity", code, fits[0].id, within, person=True)


def _al(word: str) -> str:
    return "al" if word == "el" else word


def _names_fit(
    entry: ActorEntry, given: Sequence[str], particles: set[str], rules: ActorRules
) -> bool:
    for name in entry.names:
        words = {_al(w) for w in _name_words(name)}
        if set(given) <= words and particles <= words:
            return True
    return False


def _near_surnames(
    surname: str, given: Sequence[str], people: PersonIndex, rules: ActorRules
) -> list[tuple[ActorEntry, ...]]:
    """People with the text's first given name whose surname is within edit distance 2
    (surnames of 6 letters or more) or 1 (5 letters), grouped by distance, nearest first."""
    size = len(surname)
    limit = 2 if size >= 6 else 1 if size == 5 else 0
    if not limit or not given:
        return []
    by_distance: dict[int, list[ActorEntry]] = {}
    for entry, keys in people.by_given.get(given[0], ()):
        near = [k for k in keys if abs(len(k) - size) <= limit]
        distance = min((_edit_distance(surname, k, limit) for k in near), default=limit + 1)
        if distance <= limit:
            by_distance.setdefault(distance, []).append(entry)
    return [tuple(by_distance[d]) for d in sorted(by_distance)]


def _edit_distance(a: str, b: str, limit: int, *, swaps: bool = False) -> int:
    """Levenshtein distance of ``a`` and ``b`` (with ``swaps``, a swap of neighbours counts one
    edit), or ``limit + 1`` once it must exceed ``limit``."""
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for x, char in enumerate(a, 1):
        current = [x]
        for y, other in enumerate(b, 1):
            cost = min(previous[y] + 1, current[y - 1] + 1, previous[y - 1] + (char != other))
            if swaps and x > 1 and y > 1 and char == b[y - 2] and a[x - 2] == other:
                cost = min(cost, before[y - 2] + 1)
            current.append(cost)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


def _title_within(tokens: Sequence[Token], i: int, n: int, res: ActorResources) -> tuple[str, ...]:
    """The agents of the longest title inside a KB name ("*President* Bill Clinton",
    "Bush *administration*", "israeli *prime minister* ehud barak")."""
    for k in range(n - 1, 0, -1):
        for j in range(i, i + n - k + 1):
            hit = _agent_hit(tokens, j, k, res)
            if hit is not None:
                return split_code(hit.code, res).agents
    return ()


def _agent_hit(tokens: Sequence[Token], i: int, n: int, res: ActorResources) -> _Hit | None:
    if n == 1:  # most lookups: the word, else its lemma
        tok, by_phrase = tokens[i], res.agents.by_phrase
        code = by_phrase.get(tok.lower_.replace("_", " ")) or by_phrase.get(tok.lemma_.lower())
        return _Hit(i, i + 1, "agent", code, None) if code else None
    words = _words(tokens[i : i + n])
    phrases = (" ".join(words), " ".join([*words[:-1], tokens[i + n - 1].lemma_.lower()]))
    for phrase in phrases:
        code = res.agents.by_phrase.get(phrase)
        if code:
            return _Hit(i, i + n, "agent", code, None)
    return None


def find_hits(tokens: Sequence[Token], res: ActorResources, *, day: date | None) -> list[_Hit]:
    """Longest-first left-to-right matches of knowledge-base names and agent phrases; a
    personal name longer than any match may name a KB person by surname (``_person_hit``)."""
    if not any(_may_hit(t, res) for t in tokens):
        return []
    hits: list[_Hit] = []
    i = 0
    longest = max(res.kb.max_name_tokens, res.agents.max_tokens)
    while i < len(tokens):
        hit = _longest_hit(tokens, i, longest, res, day)
        run = _name_run(tokens, i, res.rules)
        if run and (hit is None or hit.end - i < run):
            before = hits[-1] if hits and hits[-1].end == i else None
            title = split_code(before.code, res).agents if before and before.kind == "agent" else ()
            hit = _person_hit(tokens, i, run, res, day, title) or hit
        hit = hit or _misspelt_country(tokens[i], i, res)
        if hit is None:
            i += 1
            continue
        if hit.kind == "country" and i > 0 and tokens[i - 1].lower_ in res.rules.phrase_preps:
            hit = replace(hit, after=tokens[i - 1].lower_)
        if not (hit.kind == "country" and _stance(tokens[i], res.rules)):
            hits.append(hit)  # "pro-Iranian Hizbollah", "anti-Syria journalist": not the country
        i = hit.end
    return hits


def _may_hit(tok: Token, res: ActorResources) -> bool:
    """Whether a match may involve ``tok``: every KB name, personal name and misspelt country
    has a capitalised word, and every agent phrase starts with one of ``AgentDictionary.firsts``
    (a phrase with no such token has no hit: most noun phrases)."""
    if tok.text[:1].isupper():
        return True
    firsts = res.agents.firsts
    word = tok.lower_.replace("_", " ").split(" ")[0]
    return word in firsts or tok.lemma_.lower().split(" ")[0] in firsts


def _misspelt_country(tok: Token, i: int, res: ActorResources) -> _Hit | None:
    """A capitalised word of 7 letters or more one edit (or one swap of neighbours) from a
    country name or demonym, when all such names share one code ("Ghanians", "Chenchen")."""
    word = tok.lower_
    if (
        len(word) < 7
        or not word.isalpha()
        or not tok.text[:1].isupper()
        or tok.ent_type_ == "PERSON"
    ):
        return None
    codes = {
        code
        for key in {word} | _deletions(word)
        for name, code in res.countries.by_deletion.get(key, ())
        if _edit_distance(word, name, 1, swaps=True) <= 1
    }
    return _Hit(i, i + 1, "country", codes.pop(), None) if len(codes) == 1 else None


def _stance(tok: Token, rules: ActorRules) -> bool:
    """Whether a name is written with a stance prefix ("pro-Iranian", "anti-Syria")."""
    doc = tok.doc
    if tok.i >= 2 and doc[tok.i - 1].text == "-" and not doc[tok.i - 1].whitespace_:
        return doc[tok.i - 2].lower_ in rules.stance_prefixes
    return False


def _longest_hit(
    tokens: Sequence[Token], i: int, longest: int, res: ActorResources, day: date | None
) -> _Hit | None:
    top = _reach(tokens, i, min(longest, len(tokens) - i), res)
    for n in range(top, 0, -1):
        hit = _kb_hit(tokens, i, n, res, day) or _agent_hit(tokens, i, n, res)
        if hit is not None:
            return hit
    return None


def _reach(tokens: Sequence[Token], i: int, top: int, res: ActorResources) -> int:
    """How many tokens from ``i`` (at most ``top``) may spell one KB name or agent phrase: a
    run of plain words ends where its words stop being the first words of some name (a word
    with a hyphen, apostrophe or dot has several spellings: the first two characters decide)."""
    if top > 1 and not _may_start_phrase(tokens[i].lower_, res):
        return 1  # no name or agent phrase starts like this word: only the word itself
    if not tokens[i].text.isalnum():
        return top
    joined = ""
    for n in range(1, top):
        if not tokens[i + n].text.isalnum():
            return top  # "the United Nations '" spells "the united nations" too
        word = tokens[i + n - 1].lower_
        joined = f"{joined} {word}" if joined else word
        if joined not in res.kb.prefixes and joined not in res.agents.prefixes:
            return n
    return top


def _may_start_phrase(word: str, res: ActorResources) -> bool:
    """Whether a KB name or agent phrase of several tokens may start with ``word``: the first
    two characters of every spelling ``_name_keys`` makes of it (unknown when one is shorter)."""
    dashless = " ".join(word.replace("-", " ").split())
    for start in {word.replace("_", " "), word, dashless, dashless.replace("'", "")}:
        if len(start) < 2 or start[:2] in res.kb.starts or start[:2] in res.agents.starts:
            return True
    return False


def phrase_tokens(head: Token, rules: ActorRules) -> list[Token]:
    """The head with the modifiers that describe it (not its clauses, conjuncts or other preps)."""
    found = [head]
    stack = list(head.children)
    while stack:
        tok = stack.pop()
        if not _in_phrase(tok, rules):
            continue
        found.append(tok)
        stack.extend(tok.children)
    return sorted(found, key=lambda t: t.i)


def _in_phrase(tok: Token, rules: ActorRules) -> bool:
    if tok.dep_ == "prep":
        return tok.lower_ in rules.phrase_preps
    if tok.dep_ == "punct":
        return tok.text in {"(", ")"}
    return tok.dep_ in _PHRASE_DEPS


def core_span(head: Token) -> Span:
    """The tight span of a mention: the head with its premodifiers (no appositives, no preps)."""
    start = head.i
    for child in head.lefts:
        if child.dep_ in _CORE_DEPS:
            start = min(start, child.left_edge.i)
    doc_span = head.doc[start : head.i + 1]
    ent = _entity_of(head)
    if ent is not None and ent.label_ == "PERSON":
        return head.doc[min(start, ent.start) : max(head.i + 1, ent.end)]
    return doc_span


def _entity_of(tok: Token) -> Span | None:
    """The entity around ``tok``, read from the IOB tags of its neighbours (as ``doc.ents``
    reads them, without building every entity of the document for each token)."""
    if tok.ent_iob_ not in ("B", "I") or (tok.ent_iob_ == "B" and not tok.ent_type_):
        return None
    doc = tok.doc
    start = tok.i
    while doc[start].ent_iob_ == "I" and start > 0:
        start -= 1
    end = tok.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return Span(doc, start, end, label=doc[start].ent_type_)


def _combine(hits: Sequence[_Hit], res: ActorResources) -> tuple[_Code, str | None]:
    """Country and agents from the hits of one phrase.

    A known person or organisation gives both; an explicit country named before it ("Iran's
    National Security Council") overrides the country of a generic institution's entry, and a
    title in the text ("President") overrides a generic role such as ELI.
    """
    entity = next((h for h in hits if h.kind == "entity"), None)
    base = split_code(entity.code, res) if entity else _Code(None, ())
    named = next((h for h in hits if h.kind == "country"), None)
    country = base.country
    if named is not None and (country is None or (entity and named.start < entity.start)):
        country = named.code
    if entity and entity.person:  # "King Hassan of Morocco": "of" names the person's country
        of = (h.code for h in hits if h.after == "of" and h.start > entity.start)
        country = next(of, country)
    agent_hit = next((h for h in hits if h.kind == "agent"), None)
    titled = split_code(agent_hit.code, res).agents if agent_hit else ()
    for other in (h for h in hits if h.kind == "entity" and not titled):
        # "President Bill Clinton" is one KB name; "Kofi Annan, UN secretary-general" two
        titled = tuple(a for a in other.title if a not in other.code[3:])
    agents = base.agents
    if not agents or (titled and agents[0] in res.rules.generic_agents):
        agents = titled or agents  # "President Boris Yeltsin": the title beats a generic role
    return _Code(country, agents), entity.entity_id if entity else None


def make_actor(
    text: str,
    code: _Code,
    *,
    entity_id: str | None,
    name: str | None,
    sectors: frozenset[str] = frozenset(),
) -> Actor:
    """The actor of ``code``; its agent is the first agent code, else, for an organisation's
    code, the first of ``sectors`` inside it (CAMEO writes an NGO's or IGO's sector after its
    prefix: NGO*HLH*IRC, the Red Cross; IGOUNO*LAB*ILO)."""
    agent = code.agents[0] if code.agents else _org_sector(code.country, sectors)
    full = (code.country or "") + "".join(code.agents)
    return Actor(
        text=text, country=code.country, agent=agent, code=full, entity_id=entity_id, name=name
    )


def _org_sector(country: str | None, sectors: frozenset[str]) -> str | None:
    if country is None or len(country) <= 3:
        return None
    return next((c for c in _chunks(country[3:]) if c in sectors), None)


def complete_actor(
    alone: Actor | None, around: Sequence[Actor], res: ActorResources
) -> Actor | None:
    """An actor text's own resolution completed by the mentions it sits in, nearest first: the
    country and the sector it lacks ("Hungarian" in "Hungarian officials": HUN + GOV)."""
    if alone is None:
        alone = next(iter(around), None)
    if alone is None:
        return None
    code = _code_of(alone)
    entity_id = alone.entity_id
    generic = res.rules.generic_agents
    for outer in map(_code_of, around):
        agents = code.agents or outer.agents
        if code.agents and code.agents[0] in generic and outer.agents:
            agents = outer.agents  # "Kofi Annan, UN secretary-general": the title beats ELI
        code = _Code(code.country or outer.country, agents)
    if code == _code_of(alone):
        return alone
    return make_actor(
        alone.text, code, entity_id=entity_id, name=alone.name, sectors=res.agent_codes
    )


def _code_of(actor: Actor) -> _Code:
    country = actor.country or ""
    return _Code(actor.country, _chunks(actor.code[len(country) :]))


def _anchored(
    head: Token, tokens: Sequence[Token], hits: Sequence[_Hit], res: ActorResources
) -> bool:
    """Whether the phrase names an actor itself, not just mentions one in a modifier.

    "Iran's internal affairs" and "Kenyan police" do; "interference in Iran's affairs" does not
    (its actor is the nested "Iran's"), while a name or an agent noun may take its country from
    an attachment ("Wang Yi, head of ... of China", "protesters in Lagos").
    """
    core = core_span(head)
    for hit in hits:
        first, last = tokens[hit.start].i, tokens[hit.end - 1].i
        inside = core.start <= first and last < core.end
        if inside and (hit.kind != "agent" or last == head.i):
            return True
    if head.pos_ == "PROPN" or head.lower_ in res.rules.quantity_heads:
        return True
    return _agent_hit([head], 0, 1, res) is not None


def resolve_phrase(head: Token, res: ActorResources, *, day: date | None) -> Actor | None:
    """Resolve the noun phrase headed by ``head`` without document context."""
    whole = _named_subtree(head, res)
    tokens = whole or phrase_tokens(head, res.rules)
    hits = find_hits(tokens, res, day=day)
    if not hits or not _anchored(head, tokens, hits, res):
        return None
    code, entity_id = _combine(hits, res)
    code = _head_sector(head, tokens, hits, code, res)
    people = _is_people(head, tokens, hits, res)  # "Bosnian Serbs": Serbs living in Bosnia
    named = next((h for h in hits if h.kind == "country" and tokens[h.end - 1].i == head.i), None)
    if named is not None and code.country != named.code and not people:
        code, entity_id = _Code(named.code, code.agents), None  # "NATO-member Norway"
    if code.country is None and not code.agents:
        return None
    if people or any(c.lower_ in res.rules.ethnic_markers for c in head.children):
        code = _Code(_residence(head, tokens, hits) or code.country, code.agents)
    if not code.agents and people:
        code = _Code(code.country, (res.rules.people_agent,))
    elif not code.agents and _is_capital(tokens, hits, code, res):
        code = _Code(code.country, (res.rules.capital_agent,))
    span = core_span(head)
    own = (
        " ".join(t.text for t in whole) if whole and entity_id else _own_entity(head, tokens, hits)
    )
    person = _entity_of(head) if _is_person(head) else None
    name = person.text if person is not None else own
    entity_id = entity_id if own else None
    return make_actor(span.text, code, entity_id=entity_id, name=name, sectors=res.agent_codes)


def _residence(head: Token, tokens: Sequence[Token], hits: Sequence[_Hit]) -> str | None:
    """The country a people lives in, named in an attachment ("Albanians of southern Serbia",
    "ethnic Albanians in south Serbia"): CAMEO codes an ethnic group by its country of
    residence."""
    for hit in hits:
        tok = tokens[hit.end - 1]
        if hit.kind != "country" or tok.i <= head.i:
            continue
        path = [t for t in tok.ancestors if t.i > head.i]
        if any(t.dep_ == "prep" for t in path) and head in tok.ancestors:
            return hit.code
    return None


def _head_sector(
    head: Token, tokens: Sequence[Token], hits: Sequence[_Hit], code: _Code, res: ActorResources
) -> _Code:
    """A people or religion modifier yields to the head's sector ("Kurd refugees", "civilian
    refugees", "Christian missionary"); a former official is ELI ("ousted President X")."""
    rules = res.rules
    core = core_span(head)
    official = bool(code.agents) and code.agents[0] in rules.person_agents
    if official and any(t.lower_ in rules.former_markers for t in core if t.i != head.i):
        return _Code(code.country, (rules.former_agent,))
    if not code.agents or code.agents[0] not in rules.modifier_agents:
        return code
    last = next((h for h in hits if h.kind == "agent" and tokens[h.end - 1].i == head.i), None)
    return code if last is None else _Code(code.country, split_code(last.code, res).agents)


def _named_subtree(head: Token, res: ActorResources) -> list[Token] | None:
    """The head's whole phrase when it is one knowledge-base name, attachments included
    ("National Union for the Total Independence of Angola")."""
    if head.pos_ != "PROPN" or head.right_edge.i == head.i:
        return None  # organisation names end on a proper noun's attachment
    doc = head.doc
    start = core_span(head).start
    end = head.right_edge.i + 1
    if end - start < 2 or end - start > res.kb.max_name_tokens + 4:
        return None
    tokens = list(doc[start:end])
    if tokens[0].lower_ == "the":
        tokens = tokens[1:]
    if any(name in res.kb.by_name for name in _name_keys(tokens)):
        return tokens
    return None


def _is_capital(
    tokens: Sequence[Token], hits: Sequence[_Hit], code: _Code, res: ActorResources
) -> bool:
    """ "Tehran said": the phrase is just the name of its country's capital, as a subject (or
    alone); "visited Moscow", "in Tehran" are places."""
    head = max(tokens, key=lambda t: -len(list(t.ancestors)))
    while head.dep_ == "conj":
        head = head.head
    if head.dep_ not in {"nsubj", "ROOT"} or len(hits) != 1 or hits[0].kind != "country":
        return False
    words = [t for t in tokens if t.pos_ != "DET"]
    name = " ".join(_words(words))
    return (
        len(words) == hits[0].end - hits[0].start and res.rules.capitals.get(name) == code.country
    )


def _is_people(
    head: Token, tokens: Sequence[Token], hits: Sequence[_Hit], res: ActorResources
) -> bool:
    """ "Nigerians", "Iraqi Kurds": a plural demonym (its singular a name too) heads the phrase."""
    singular = {head.lemma_.lower(), head.lower_[:-1]} - {head.lower_}
    if head.tag_ not in {"NNS", "NNPS"}:
        return False
    named = any(h.kind == "country" and tokens[h.end - 1].i == head.i for h in hits)
    if not named:
        return False
    if not any(w in res.kb.by_name for w in singular) and not _misspelt_demonym(head, res):
        return False
    entries = res.kb.by_name.get(head.lower_, ())
    if any(e.names[0] == head.lower_ and e.source != "communique" for e in entries):
        return False  # "Philippines", "Maldives": a country's own (primary) name, no demonym
    # not "the Rohans", "the two Koreas": the country's name in the plural
    return not any(
        e.names[0] == w and e.source != "communique"
        for w in singular
        for e in res.kb.by_name.get(w, ())
    )


def _misspelt_demonym(head: Token, res: ActorResources) -> bool:
    """ "Ghanians": a plural whose singular is one edit from a demonym ("ghanaian"), the word
    itself not one edit from a country's own name ("Phillipines")."""
    near = _near_country_names(head.lower_[:-1], res)
    own = _near_country_names(head.lower_, res)
    primary = {
        e.names[0]
        for n in near | own
        for e in res.kb.by_name.get(n, ())
        if e.source != "communique"
    }
    return bool(near) and not (near | own) & primary


def _near_country_names(word: str, res: ActorResources) -> set[str]:
    if len(word) < 7 or not word.isalpha():
        return set()
    return {
        name
        for key in {word} | _deletions(word)
        for name, _ in res.countries.by_deletion.get(key, ())
        if _edit_distance(word, name, 1, swaps=True) <= 1
    }


def _own_entity(head: Token, tokens: Sequence[Token], hits: Sequence[_Hit]) -> str | None:
    """The text of a knowledge-base entity that is the head's own name, not a modifier's."""
    core = core_span(head)
    for hit in hits:
        if (
            hit.kind == "entity"
            and core.start <= tokens[hit.start].i
            and tokens[hit.end - 1].i < core.end
        ):
            return " ".join(t.text for t in tokens[hit.start : hit.end])
    return None


def _is_person(head: Token) -> bool:
    ent = _entity_of(head)
    return head.pos_ == "PROPN" and ent is not None and ent.label_ == "PERSON"


def _mention(head: Token, actor: Actor, sent_index: int, antecedent: str | None) -> Mention:
    span = core_span(head)
    char = CharSpan(span.start_char, span.end_char)
    return Mention(
        span=char, text=span.text, actor=actor, sentence=sent_index, antecedent=antecedent
    )


def _linked(
    head: Token, tracker: _Tracker, res: ActorResources, day: date | None
) -> Mention | None:
    """A later mention of someone already seen: a bare name part, or "the Chinese diplomat"."""
    if head.pos_ == "PROPN" and core_span(head).text == head.text:
        return tracker.by_name_part(head.lower_)
    if head.pos_ == "NOUN" and any(c.lower_ == "the" for c in head.children):
        code, entity_id = _combine(find_hits(phrase_tokens(head, res.rules), res, day=day), res)
        personal = code.agents and code.agents[0] in res.rules.person_agents
        personal = personal and head.lemma_.lower() not in res.rules.institution_nouns
        if code.country and entity_id is None and personal:
            return tracker.by_role(code.country, None)
    return None


def _resolve_head(
    head: Token, sent_index: int, tracker: _Tracker, res: ActorResources, day: date | None
) -> Mention | None:
    if head.tag_ in {"PRP", "PRP$"}:
        return _pronoun(head, sent_index, tracker, res.rules)
    earlier = _linked(head, tracker, res, day)
    if earlier is not None:
        span = core_span(head)
        linked = Mention(
            span=CharSpan(span.start_char, span.end_char),
            text=span.text,
            actor=earlier.actor,
            sentence=sent_index,
            antecedent=earlier.text,
        )
        tracker.persons.append(linked)  # "Bouteflika ... he"
        return linked
    actor = resolve_phrase(head, res, day=day)
    if actor is None:
        return None
    antecedent = None
    if actor.country is None and actor.agent and _is_definite(head):
        # "the ministry": the last ministry with a country, else the last of that sector
        earlier = tracker.by_head.get(head.lower_) or tracker.by_agent.get(actor.agent)
        if earlier is not None and earlier.actor.country:
            actor = make_actor(actor.text, _Code(earlier.actor.country, (actor.agent,)),
                               entity_id=None, name=None)  # fmt: skip
            antecedent = earlier.text
    mention = _mention(head, actor, sent_index, antecedent)
    _remember(tracker, mention)
    if actor.country and head.pos_ in _HEAD_POS:  # "Iran's foreign ministry" (PROPN or NOUN)
        tracker.by_head[head.lower_] = mention
    if _person_like(head, actor, res.rules):
        tracker.persons.append(mention)
    elif head.tag_ in {"NNS", "NNPS"} or head.lower_ in res.rules.quantity_heads:
        tracker.plurals.append(mention)
    else:
        tracker.groups.append(mention)
    return mention


def _person_like(head: Token, actor: Actor, rules: ActorRules) -> bool:
    """A named person, or one singular person noun ("the minister"), not an institution."""
    if _is_person(head):
        return True
    personal = actor.agent in rules.person_agents and head.tag_ == "NN"
    return personal and head.lemma_.lower() not in rules.institution_nouns and not actor.name


def _pronoun(head: Token, sent_index: int, tracker: _Tracker, rules: ActorRules) -> Mention | None:
    """ "he", "she", "it", "they" (not "his"/"its": possessives name no actor of their own)."""
    word = head.lower_
    known = rules.person_pronouns | rules.group_pronouns | rules.plural_pronouns
    if head.tag_ != "PRP" or word not in known:
        return None
    if word == "it" and head.head.lemma_.lower() in rules.expletive_verbs:
        return None
    earlier = tracker.nearest(word, sent_index, rules)
    if earlier is None:
        return None
    char = CharSpan(head.idx, head.idx + len(head.text))
    return Mention(
        span=char, text=head.text, actor=earlier.actor, sentence=sent_index,
        antecedent=earlier.text,
    )  # fmt: skip


def _is_definite(head: Token) -> bool:
    return any(c.dep_ == "det" and c.lower_ == "the" for c in head.children)


def _remember(tracker: _Tracker, mention: Mention) -> None:
    actor = mention.actor
    if actor.name and actor.country:
        tracker.people.append((tuple(actor.name.lower().split()), mention))
    if actor.country and actor.agent:
        tracker.by_agent[actor.agent] = mention


def _heads(doc: Doc, res: ActorResources) -> Iterator[tuple[int, Token]]:
    for sent_index, sent in enumerate(doc.sents):
        for tok in sent:
            quantity = tok.pos_ == "NUM" and tok.lower_ in res.rules.quantity_heads
            pronoun = tok.tag_ == "PRP"
            if (tok.pos_ in _HEAD_POS or quantity or pronoun) and not _is_inner(tok):
                yield sent_index, tok


def _is_inner(tok: Token) -> bool:
    """Tokens inside a name or compound ("Wang" in "Wang Yi") are not heads of their own."""
    return tok.dep_ in _NON_HEAD_DEPS and tok.head.pos_ in _HEAD_POS and tok.head.i > tok.i


def resolve_mentions(doc: Doc, res: ActorResources, *, day: date | None) -> dict[int, Mention]:
    """Every actor mention of a parsed article, keyed by the token index of its head."""
    tracker = _Tracker()
    mentions: dict[int, Mention] = {}
    for sent_index, head in _heads(doc, res):
        mention = _resolve_head(head, sent_index, tracker, res, day)
        if mention is not None:
            mentions[head.i] = mention
    return _named_groups_placed(doc, mentions, res)


def _named_groups_placed(
    doc: Doc, mentions: dict[int, Mention], res: ActorResources
) -> dict[int, Mention]:
    """What a mention's sentence adds (``_sentence_countries``: a place first): a named group
    or person with a sector and no country ("Shona rebels", "Judge Alejandro Rivera", "Islamic
    fundamentalists") takes the sentence's country, and a marked people ("ethnic Turks") the
    first other one it names (CAMEO: the country of residence). Generic nouns ("the
    government", "officials") keep no country, and a city named as a place stays its bare
    country ("a curfew in Abidjan": CIV), as PETRARCH codes them ("---GOV"; a city's people,
    CVL, is for ``resolution.resolve_in_context``, the PLOVER reading)."""
    found = dict(mentions)
    for i, mention in mentions.items():
        actor, head = mention.actor, doc[i]
        if actor.country is None and actor.agent is not None and _named_group(head, actor, res):
            countries = _sentence_countries(head, mentions, res)
            if countries:
                placed = replace(actor, country=countries[0], code=countries[0] + actor.code)
                found[i] = replace(mention, actor=placed)
        elif actor.country is not None and _marked_people(head, res):
            countries = _sentence_countries(head, mentions, res)
            others = [c for c in countries if c != actor.country]
            if others:
                code = others[0] + actor.code[len(actor.country) :]
                found[i] = replace(mention, actor=replace(actor, country=others[0], code=code))
    return found


def _sentence_countries(
    head: Token, mentions: Mapping[int, Mention], res: ActorResources
) -> list[str]:
    """The countries of the other mentions of ``head``'s sentence, those placed "in" first,
    then in text order (the mentions' own reading of ``context_countries``)."""
    sent, own = head.sent, mentions[head.i].span
    places: list[str] = []
    named: list[str] = []
    for i in sorted(mentions):
        mention, tok = mentions[i], head.doc[i]
        country = mention.actor.country
        inside = own.start < mention.span.end and mention.span.start < own.end
        if not sent.start <= i < sent.end or inside or not country:
            continue
        if country[:3] in res.rules.transnational_prefixes:
            continue
        in_place = tok.dep_ == "pobj" and tok.head.lower_ == "in"
        (places if in_place else named).append(country)
    return list(dict.fromkeys(places + named))


def _marked_people(head: Token, res: ActorResources) -> bool:
    """ "ethnic Albanians", "the Albanian population", with no place of its own attached."""
    marked = head.lower_ in res.rules.ethnic_markers
    marked = marked or any(c.lower_ in res.rules.ethnic_markers for c in head.children)
    own = any(c.dep_ == "prep" and c.lower_ in res.rules.phrase_preps for c in head.children)
    return marked and not own


def _named_group(head: Token, actor: Actor, res: ActorResources) -> bool:
    """A phrase with a proper name in it (a capitalised word after its first, or a proper
    noun first: "Shona rebels", "Judge Alejandro Rivera") or a religion among its agents
    ("Islamic fundamentalists": MUS)."""
    core = core_span(head)
    for tok in core:
        capital = tok.text[:1].isupper() and tok.pos_ in {"PROPN", "ADJ", "NOUN"}
        if capital and (tok.i > core.start or tok.pos_ == "PROPN"):
            return True
    religions = res.rules.modifier_agents - {res.rules.people_agent}
    return any(code in religions for code in _chunks(actor.code))


def _depth(tok: Token) -> int:
    return sum(1 for _ in tok.ancestors)


def place_countries(doc: Doc, res: ActorResources) -> list[str]:
    """The countries named as places in ``doc`` ("in Serbia", "in southeastern Serbia"), in
    text order: a country that is the object of "in"."""
    found: list[str] = []
    for tok in doc:
        if tok.dep_ == "pobj" and tok.head.lower_ == "in":
            hits = find_hits(list(tok.subtree), res, day=None)
            found += [h.code for h in hits if h.kind == "country"][:1]
    return found


def _as_place(actor: Actor, span: Span, res: ActorResources) -> Actor:
    """ "in central Baghdad": a city as a place stands for its people (``is_city_place``)."""
    if actor.country is None or actor.agent is not None or not is_city_place(span, res):
        return actor
    agent = res.rules.people_agent
    return replace(actor, agent=agent, code=actor.country + agent)


def context_countries(span: Span, res: ActorResources) -> list[str]:
    """The countries the sentence of ``span`` names outside it, most telling first: the places
    it puts something in ("in Serbia", "in Lagos"), then every country, person or organisation
    with a country in text order ("Nigerian President ...", "Burundi's government"). Stance
    names ("anti-Syria") and international organisations are left out."""
    sent = span.sent
    outside = [t for t in sent if not span.start <= t.i < span.end]
    places = [t for t in outside if t.dep_ == "pobj" and t.head.lower_ == "in"]
    found = [c for tok in places for c in _hit_countries(list(tok.subtree), span, res)[:1]]
    return list(dict.fromkeys(found + _hit_countries(list(sent), span, res)))


def _hit_countries(tokens: Sequence[Token], span: Span, res: ActorResources) -> list[str]:
    found = []
    for hit in find_hits(tokens, res, day=None):
        first, last = tokens[hit.start].i, tokens[hit.end - 1].i
        if hit.kind == "agent" or (span.start <= last and first < span.end):
            continue
        country = split_code(hit.code, res).country
        if country and country[:3] not in res.rules.transnational_prefixes:
            found.append(country)
    return found


def is_city_place(span: Span, res: ActorResources) -> bool:
    """Whether ``span`` is just a city's name used as a place: the object of a place
    preposition ("a curfew in Abidjan", "in central Baghdad"; not "an embassy in Tehran",
    where an institution noun makes it a seat of government), or, for a city that is not a
    capital (capitals also name governments: "accused Tehran"), a verb's object ("shelled
    Juba"). Cities are the capitals and cities of ``data/capitals.json``."""
    tokens = list(span)
    hits = find_hits(tokens, res, day=None)
    if len(hits) != 1 or hits[0].kind != "country":
        return False
    name = " ".join(_words(tokens[hits[0].start : hits[0].end]))
    capital = name in res.rules.capitals
    if not capital and name not in res.rules.cities:
        return False
    head = tokens[hits[0].end - 1]
    while head.dep_ in {"compound", "conj", "appos"} and head.head.i != head.i:
        head = head.head
    if head.pos_ != "PROPN":
        return False
    if head.dep_ == "pobj":  # "an embassy in Tehran": the seat of a government
        seat = head.head.head.lemma_.lower() in res.rules.institution_nouns
        return head.head.lower_ in res.rules.place_preps and not seat
    place_verb = head.head.lemma_.lower() in res.rules.place_verbs
    return head.dep_ == "dobj" and (place_verb or not capital)


def resolve_text(
    text: str, nlp: Language, res: ActorResources, *, day: date | None
) -> Actor | None:
    """Resolve a free-standing actor phrase ("Kenyan police") by its top-most noun; a country
    it lacks comes from anywhere in the text ("terror group based in Trinidad")."""
    doc = nlp(text)
    heads = [t for t in doc if t.pos_ in _HEAD_POS and not _is_inner(t)]
    actor = resolve_phrase(min(heads, key=_depth), res, day=day) if heads else None
    if actor is not None and actor.country is not None:
        return _as_place(actor, doc[:], res)
    # A bare name or adjective ("Denmark", "Hungarian") parses badly alone: match it whole.
    code, entity_id = _combine(find_hits(list(doc), res, day=day), res)
    if code.country is None and not code.agents:
        return actor
    whole = make_actor(doc.text, code, entity_id=entity_id, name=None, sectors=res.agent_codes)
    return whole if actor is None else complete_actor(actor, [whole], res)
