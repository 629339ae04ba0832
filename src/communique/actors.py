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
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from types import MappingProxyType

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from communique.dictionaries import (
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
    "load_actor_resources",
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
class ActorResources:
    """Everything actor resolution reads; load once and pass in."""

    kb: ActorKB
    agents: AgentDictionary
    agent_codes: frozenset[str]  # every three-letter agent code of the agent dictionary
    rules: ActorRules


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


def load_actor_rules() -> ActorRules:
    raw = json.loads(resources.files("communique.data").joinpath("actor_rules.json").read_text())
    data = resources.files("communique.data")
    capitals = json.loads(data.joinpath("capitals.json").read_text(encoding="utf-8"))["capitals"]
    special = {"people_agent", "capital_agent", "capitals"}
    sets = {k: frozenset(raw[k]) for k in ActorRules.__dataclass_fields__ if k not in special}
    return ActorRules(
        people_agent=str(raw["people_agent"]),
        capital_agent=str(raw["capital_agent"]),
        capitals=MappingProxyType({str(k): str(v) for k, v in capitals.items()}),
        **sets,
    )


def load_actor_resources() -> ActorResources:
    agents = load_agents()
    return ActorResources(
        kb=load_actor_kb(), agents=agents, agent_codes=agent_codes(agents), rules=load_actor_rules()
    )


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    kind: str  # "country" | "entity" | "agent"
    code: str
    entity_id: str | None
    title: tuple[str, ...] = ()  # agents of a title inside a KB name ("president bill clinton")


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


def _kb_hit(
    tokens: Sequence[Token], i: int, n: int, res: ActorResources, day: date | None
) -> _Hit | None:
    named = tokens[i + 1] if n > 1 and tokens[i].lower_ == "the" else tokens[i]
    if not named.text[:1].isupper():
        return None  # proper names are capitalised ("the Shire" too); "us" is not the USA
    name = " ".join(_words(tokens[i : i + n]))
    for entry in res.kb.by_name.get(name, ()):
        code = entry.code_on(day)
        if code:
            kind = "country" if entry.kind == "country" else "entity"
            title = _title_within(tokens, i, n, res) if kind == "entity" else ()
            return _Hit(i, i + n, kind, code, entry.id, title)
    return None


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
    words = _words(tokens[i : i + n])
    phrases = (" ".join(words), " ".join([*words[:-1], tokens[i + n - 1].lemma_.lower()]))
    for phrase in phrases:
        code = res.agents.by_phrase.get(phrase)
        if code:
            return _Hit(i, i + n, "agent", code, None)
    return None


def find_hits(tokens: Sequence[Token], res: ActorResources, *, day: date | None) -> list[_Hit]:
    """Longest-first left-to-right matches of knowledge-base names and agent phrases."""
    hits: list[_Hit] = []
    i = 0
    longest = max(res.kb.max_name_tokens, res.agents.max_tokens)
    while i < len(tokens):
        hit = _longest_hit(tokens, i, longest, res, day)
        if hit is None:
            i += 1
            continue
        hits.append(hit)
        i = hit.end
    return hits


def _longest_hit(
    tokens: Sequence[Token], i: int, longest: int, res: ActorResources, day: date | None
) -> _Hit | None:
    for n in range(min(longest, len(tokens) - i), 0, -1):
        hit = _kb_hit(tokens, i, n, res, day) or _agent_hit(tokens, i, n, res)
        if hit is not None:
            return hit
    return None


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
    agent_hit = next((h for h in hits if h.kind == "agent"), None)
    titled = split_code(agent_hit.code, res).agents if agent_hit else ()
    if not titled and entity is not None:  # "President Bill Clinton" is one KB name
        titled = tuple(a for a in entity.title if a not in entity.code[3:])
    agents = base.agents
    if not agents or (titled and agents[0] in res.rules.generic_agents):
        agents = titled or agents  # "President Boris Yeltsin": the title beats a generic role
    return _Code(country, agents), entity.entity_id if entity else None


def make_actor(text: str, code: _Code, *, entity_id: str | None, name: str | None) -> Actor:
    agent = code.agents[0] if code.agents else None
    full = (code.country or "") + "".join(code.agents)
    return Actor(
        text=text, country=code.country, agent=agent, code=full, entity_id=entity_id, name=name
    )


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
    tokens = phrase_tokens(head, res.rules)
    hits = find_hits(tokens, res, day=day)
    if not hits or not _anchored(head, tokens, hits, res):
        return None
    code, entity_id = _combine(hits, res)
    if code.country is None and not code.agents:
        return None
    if not code.agents and _is_people(head, tokens, hits, res):
        code = _Code(code.country, (res.rules.people_agent,))
    elif not code.agents and _is_capital(tokens, hits, code, res):
        code = _Code(code.country, (res.rules.capital_agent,))
    span = core_span(head)
    own = _own_entity(head, tokens, hits)
    person = _entity_of(head) if _is_person(head) else None
    name = person.text if person is not None else own
    return make_actor(span.text, code, entity_id=entity_id if own else None, name=name)


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
    if head.tag_ not in {"NNS", "NNPS"} or not any(w in res.kb.by_name for w in singular):
        return False
    entries = res.kb.by_name.get(head.lower_, ())
    if any(e.names[0] == head.lower_ and e.source != "communique" for e in entries):
        return False  # "Philippines", "Maldives": a country's own (primary) name, no demonym
    if any(e.names[0] == w for w in singular for e in res.kb.by_name.get(w, ())):
        return False  # "the Rohans", "the two Koreas": the country's name in the plural
    return any(h.kind == "country" and tokens[h.end - 1].i == head.i for h in hits)


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
    return mentions


def _depth(tok: Token) -> int:
    return sum(1 for _ in tok.ancestors)


def resolve_text(
    text: str, nlp: Language, res: ActorResources, *, day: date | None
) -> Actor | None:
    """Resolve a free-standing actor phrase ("Kenyan police") by its top-most noun."""
    doc = nlp(text)
    heads = [t for t in doc if t.pos_ in _HEAD_POS and not _is_inner(t)]
    actor = resolve_phrase(min(heads, key=_depth), res, day=day) if heads else None
    if actor is not None:
        return actor
    # A bare name or adjective ("Denmark", "Hungarian") parses badly alone: match it whole.
    code, entity_id = _combine(find_hits(list(doc), res, day=day), res)
    if code.country is None and not code.agents:
        return None
    return make_actor(doc.text, code, entity_id=entity_id, name=None)
