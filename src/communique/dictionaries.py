"""Typed loaders for the packaged PETRARCH2/Phoenix dictionaries.

* :func:`load_verb_dictionary` - verbs and verb patterns (``data/verbs.jsonl``)
* :func:`load_actor_kb` - named actors with date-ranged roles (``data/actors.jsonl``)
* :func:`load_agents` - agent (sector) nouns (``data/agents.jsonl``)

Each loader reads its file on every call; the caller keeps the returned object. The files, their
schemas and their sources are described in ``data/README.md``.

Dictionaries users bring (``communique.user_dictionaries``) are merged into new objects by
:func:`merge_actor_kb`, :func:`merge_agents` and :func:`merge_verb_dictionary`; a file that cannot
be read raises :class:`DictionaryError`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from communique.ontology import optional_str, read_data_jsonl

_K = TypeVar("_K")
_V = TypeVar("_V")


class DictionaryError(ValueError):
    """A dictionary file that cannot be read; names the file and, where known, the line."""

    def __init__(self, path: Path | str, line: int | None, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {reason}")


# --------------------------------------------------------------------------- verbs


@dataclass(frozen=True, slots=True)
class VerbEntry:
    """A verb of a block: ``words`` is ``("meet", "with")`` for the multi-word ``meet with``."""

    block: str
    lemma: str
    words: tuple[str, ...]
    forms: tuple[str, ...]
    code: str | None
    user: bool = False  # from a user's verb dictionary: its code is coded as written
    reverse: str | None = None  # ``[032:033]``: the target's event towards the source (033)


@dataclass(frozen=True, slots=True)
class VerbPattern:
    """A block pattern: slots (tuples of alternative words) before and after the verb."""

    block: str
    id: str
    code: str
    pre: tuple[tuple[str, ...], ...]
    post: tuple[tuple[str, ...], ...]
    comment: str
    user: bool = False  # from a user's verb dictionary: its code is coded as written
    reverse: str | None = None  # ``[032:033]``: the target's event towards the source (033)
    target: tuple[str, int] | None = None  # ``WITH +``: the actor after "with" (skipping ``^``)
    compound: bool = False  # ``% HAVE *``: coded between the members of a compound actor
    source: tuple[str, int] | None = None  # ``FROM $``: the source is the actor after "from"
    target_before: str | None = None  # ``+ HOSTING * ... $``: the actor before "hosting"

    def words(self) -> frozenset[str]:
        """Every word of every slot alternative (``"did n't"`` gives ``did`` and ``n't``)."""
        slots = (*self.pre, *self.post)
        return frozenset(w for slot in slots for alt in slot for w in alt.split(" "))


@dataclass(frozen=True)
class VerbDictionary:
    verbs_by_lemma: Mapping[str, tuple[VerbEntry, ...]]  # key: lemma (first word)
    patterns_by_block: Mapping[str, tuple[VerbPattern, ...]]
    block_codes: Mapping[str, str | None]


def _frozen_groups(groups: Mapping[_K, list[_V]]) -> Mapping[_K, tuple[_V, ...]]:
    return MappingProxyType({key: tuple(values) for key, values in groups.items()})


def _slots(raw: Iterable[Iterable[Any]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(str(word) for word in slot) for slot in raw)


def _verb_entry(rec: Mapping[str, Any]) -> VerbEntry:
    return VerbEntry(
        block=str(rec["block"]),
        lemma=str(rec["lemma"]),
        words=tuple(str(w) for w in rec["words"]),
        forms=tuple(str(f) for f in rec["forms"]),
        code=optional_str(rec["code"]),
    )


def _verb_pattern(rec: Mapping[str, Any]) -> VerbPattern:
    return VerbPattern(
        block=str(rec["block"]),
        id=str(rec["id"]),
        code=str(rec["code"]),
        pre=_slots(rec["pre"]),
        post=_slots(rec["post"]),
        comment=str(rec["comment"]),
    )


# Our own extensions come first, so that they win ties against the converted PETRARCH2 entries.
VERB_FILES = ("verbs_communique.jsonl", "verbs.jsonl")


def _verb_records() -> Iterable[Mapping[str, Any]]:
    for name in VERB_FILES:
        yield from read_data_jsonl(name)


def load_verb_dictionary() -> VerbDictionary:
    """Read the verb files: verbs by lemma, patterns by block, and each block's default code."""
    verbs: defaultdict[str, list[VerbEntry]] = defaultdict(list)
    patterns: defaultdict[str, list[VerbPattern]] = defaultdict(list)
    block_codes: dict[str, str | None] = {}
    for rec in _verb_records():
        kind = rec["type"]
        if kind == "block":
            block_codes[str(rec["block"])] = optional_str(rec["code"])
        elif kind == "verb":
            entry = _verb_entry(rec)
            verbs[entry.lemma].append(entry)
        elif kind == "pattern":
            pattern = _verb_pattern(rec)
            patterns[pattern.block].append(pattern)
    return VerbDictionary(
        verbs_by_lemma=_frozen_groups(verbs),
        patterns_by_block=_frozen_groups(patterns),
        block_codes=MappingProxyType(block_codes),
    )


# --------------------------------------------------------------------------- actors


@dataclass(frozen=True, slots=True)
class Role:
    """An actor code, valid from ``start`` to ``end`` (inclusive; None = unbounded)."""

    code: str
    start: date | None
    end: date | None
    also: tuple[str, ...] = ()  # ``[FRO/BIL/SAM]``: the other actors the name stands for

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None

    def covers(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


def _recency(role: Role) -> tuple[int, int]:
    """Sort key: a later start ranks higher, then an earlier end."""
    start = role.start or date.min
    end = role.end or date.max
    return (start.toordinal(), -end.toordinal())


def _pick(roles: Sequence[Role]) -> Role:
    return max(roles, key=_recency)


def _undated(roles: Sequence[Role]) -> str | None:
    return next((r.code for r in roles if not r.dated), None)


@dataclass(frozen=True, slots=True)
class ActorEntry:
    id: str
    kind: str  # "country" | "person" | "organisation"
    names: tuple[str, ...]
    roles: tuple[Role, ...]
    source: str
    acronyms: frozenset[str] = frozenset()  # names that match only text in capitals ("ANA")

    def code_on(self, day: date | None) -> str | None:
        """The code that applies on ``day``.

        Dated roles covering the day come first (the one that started last, then the one that
        ends first); otherwise the undated default. With no day: the open-ended role that started
        last (the role current when the dictionary was made), else the undated default, else
        the dated role that ended last. None when the entry has no roles.
        """
        if day is not None:
            covering = [r for r in self.roles if r.dated and r.covers(day)]
            return _pick(covering).code if covering else _undated(self.roles)
        current = [r for r in self.roles if r.start is not None and r.end is None]
        if current:
            return _pick(current).code
        default = _undated(self.roles)
        ended = [r for r in self.roles if r.end is not None]
        if default is not None or not ended:
            return default
        return max(ended, key=lambda r: (r.end or date.min, r.start or date.min)).code


@dataclass(frozen=True)
class ActorKB:
    entries: tuple[ActorEntry, ...]
    by_name: Mapping[str, tuple[ActorEntry, ...]]  # lowercase name -> entries
    max_name_tokens: int
    starts: frozenset[str] = field(init=False)  # every name's first two characters
    prefixes: frozenset[str] = field(init=False)  # every name's first words ("united", ...)

    def __post_init__(self) -> None:
        object.__setattr__(self, "starts", name_starts(self.by_name))
        object.__setattr__(self, "prefixes", name_prefixes(self.by_name))


def name_starts(names: Iterable[str]) -> frozenset[str]:
    """The first two characters of each name: a phrase of several tokens can only spell a
    name that starts like its first token (``actors._longest_hit`` skips the rest)."""
    return frozenset(name[:2] for name in names)


def name_prefixes(names: Iterable[str]) -> frozenset[str]:
    """The proper word prefixes of each name ("united", "united states" for "united states of
    america"): a run of plain words can only begin a longer name when its words are one of
    these (``actors._reach``)."""
    found: set[str] = set()
    for name in names:
        words = name.split(" ")
        found.update(" ".join(words[:k]) for k in range(1, len(words)))
    return frozenset(found)


def _parse_day(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(str(value))


def _role(rec: Mapping[str, Any]) -> Role:
    return Role(code=str(rec["code"]), start=_parse_day(rec["start"]), end=_parse_day(rec["end"]))


def _actor_entry(rec: Mapping[str, Any]) -> ActorEntry:
    return ActorEntry(
        id=str(rec["id"]),
        kind=str(rec["kind"]),
        names=tuple(str(n) for n in rec["names"]),
        roles=tuple(_role(r) for r in rec["roles"]),
        source=str(rec["source"]),
        acronyms=frozenset(str(n) for n in rec.get("acronyms", ())),
    )


_KIND_RANK = {"country": 0, "organisation": 1, "person": 2}
_SOURCE_RANK = {
    "communique": -1,  # our corrections (scripts/actor_aliases.json "override") come first
    "Phoenix.Countries.actors.txt": 0,
    "Phoenix.International.actors.txt": 1,
    "Phoenix.MilNonState.actors.txt": 2,
}


def _entry_rank(entry: ActorEntry) -> tuple[int, int, str]:
    """Order of entries sharing a name: countries first, then by source file, then by id."""
    return (_KIND_RANK.get(entry.kind, 3), _SOURCE_RANK.get(entry.source, 3), entry.id)


# Converted Phoenix dictionaries, then our own additions (scripts/build_actor_extensions.py).
ACTOR_FILES = ("actors.jsonl", "actors_communique.jsonl")


def load_actor_kb() -> ActorKB:
    """Read ``actors.jsonl`` and index every name (entries sharing a name: countries first)."""
    records = (r for name in ACTOR_FILES for r in read_data_jsonl(name))
    entries = tuple(map(_actor_entry, records))
    groups: defaultdict[str, list[ActorEntry]] = defaultdict(list)
    for entry in sorted(entries, key=_entry_rank):
        for name in entry.names:
            groups[name].append(entry)
    longest = max((len(name.split()) for name in groups), default=0)
    return ActorKB(entries=entries, by_name=_frozen_groups(groups), max_name_tokens=longest)


# --------------------------------------------------------------------------- agents


@dataclass(frozen=True, slots=True)
class AgentEntry:
    words: tuple[str, ...]
    code: str


@dataclass(frozen=True)
class AgentDictionary:
    by_phrase: Mapping[str, str]  # "police officer" -> "COP" (plural forms included as keys)
    max_tokens: int
    starts: frozenset[str] = field(init=False)  # every phrase's first two characters
    prefixes: frozenset[str] = field(init=False)  # every phrase's first words
    firsts: frozenset[str] = field(init=False)  # every phrase's first word ("police")

    def __post_init__(self) -> None:
        object.__setattr__(self, "starts", name_starts(self.by_phrase))
        object.__setattr__(self, "prefixes", name_prefixes(self.by_phrase))
        object.__setattr__(self, "firsts", frozenset(p.split(" ")[0] for p in self.by_phrase))


# Our own additions are read last, so that they override the converted Phoenix entries.
AGENT_FILES = ("agents.jsonl", "agents_communique.jsonl")


def load_agents() -> AgentDictionary:
    """Read ``agents.jsonl``: every singular and plural phrase -> its agent code.

    When a plural form equals another record's singular phrase, the singular record wins.
    """
    singular: dict[str, str] = {}
    plural: dict[str, str] = {}
    for rec in (r for name in AGENT_FILES for r in read_data_jsonl(name)):
        entry = AgentEntry(words=tuple(str(w) for w in rec["words"]), code=str(rec["code"]))
        singular[" ".join(entry.words)] = entry.code
        for form in rec["plural"]:
            plural[str(form)] = entry.code
    by_phrase = {**plural, **singular}
    longest = max((len(phrase.split()) for phrase in by_phrase), default=0)
    return AgentDictionary(by_phrase=MappingProxyType(by_phrase), max_tokens=longest)


def agent_codes(agents: AgentDictionary) -> frozenset[str]:
    """Every three-letter code in the agent dictionary's codes (``GOVMIL`` gives GOV and MIL)."""
    return frozenset(c[i : i + 3] for c in agents.by_phrase.values() for i in range(0, len(c), 3))


# --------------------------------------------------------------------------- merging


def empty_actor_kb() -> ActorKB:
    return ActorKB(entries=(), by_name=MappingProxyType({}), max_name_tokens=0)


def empty_agents() -> AgentDictionary:
    return AgentDictionary(by_phrase=MappingProxyType({}), max_tokens=0)


def empty_verb_dictionary() -> VerbDictionary:
    empty: Mapping[str, Any] = MappingProxyType({})
    return VerbDictionary(verbs_by_lemma=empty, patterns_by_block=empty, block_codes=empty)


def merge_actor_kb(base: ActorKB, extra: Sequence[ActorEntry]) -> ActorKB:
    """A new knowledge base: ``extra`` overrides ``base`` for the names it gives, and adds names.

    A name that ``extra`` gives resolves through ``extra``'s entries only, the entry listed last
    first (PETRARCH keeps a dictionary's last definition); every other name keeps ``base``'s.
    """
    groups: defaultdict[str, list[ActorEntry]] = defaultdict(list)
    for entry in reversed(extra):
        for name in entry.names:
            groups[name].append(entry)
    by_name = {**base.by_name, **_frozen_groups(groups)}
    longest = max((len(name.split()) for name in groups), default=0)
    return ActorKB(
        entries=(*base.entries, *extra),
        by_name=MappingProxyType(by_name),
        max_name_tokens=max(base.max_name_tokens, longest),
    )


def merge_agents(base: AgentDictionary, extra: Mapping[str, str]) -> AgentDictionary:
    """A new agent dictionary: ``extra``'s phrases (lowercase, space-joined) override ``base``'s."""
    by_phrase = {**base.by_phrase, **extra}
    longest = max((len(phrase.split()) for phrase in extra), default=0)
    return AgentDictionary(
        by_phrase=MappingProxyType(by_phrase), max_tokens=max(base.max_tokens, longest)
    )


def _first_then(
    first: Mapping[_K, tuple[_V, ...]], then: Mapping[_K, tuple[_V, ...]]
) -> Mapping[_K, tuple[_V, ...]]:
    keys = dict.fromkeys([*then, *first])
    return MappingProxyType({k: first.get(k, ()) + then.get(k, ()) for k in keys})


def merge_verb_dictionary(base: VerbDictionary, extra: VerbDictionary) -> VerbDictionary:
    """A new verb dictionary: ``extra``'s verbs and patterns come first, so that they win ties
    (the matcher keeps the first of equally specific patterns and of equally long verbs), and
    ``extra``'s block codes replace ``base``'s for blocks of the same name."""
    return VerbDictionary(
        verbs_by_lemma=_first_then(extra.verbs_by_lemma, base.verbs_by_lemma),
        patterns_by_block=_first_then(extra.patterns_by_block, base.patterns_by_block),
        block_codes=MappingProxyType({**base.block_codes, **extra.block_codes}),
    )
