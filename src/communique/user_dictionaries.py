"""Dictionaries users bring: their actors, agents and verbs, merged over the packaged ones.

File formats (chosen by the file name's suffix):

* actors: ``.yaml``/``.yml`` or ``.csv`` of ours (``name`` or ``names``, ``code``, optional
  ``start``, ``end`` ISO dates and ``kind``; rows with the same first name are one actor with
  several roles), any other suffix a TABARI/PETRARCH actor dictionary as it is.
* agents: ``.yaml``/``.yml`` or ``.csv`` with ``phrase`` and ``code``, any other suffix a
  TABARI/PETRARCH agents file.
* verbs: a PETRARCH verb dictionary. Its blocks are named ``FILE:BLOCK`` and its patterns
  ``FILE:LINE`` (the ``rule`` of an event says which line fired). Codes that are not CAMEO codes
  (WEIS ``223``, ``1717``, ``174K``: 2-4 digits and an optional letter) are the user's own:
  events get them as written, named ``"user code"``, without a Goldstein score or a PLOVER
  type (see :meth:`communique.ontology.Ontology.describe`); each is reported once as a note.

A file that cannot be read raises :class:`~communique.dictionaries.DictionaryError` naming the
file and the line. What was adapted on the way (several codes of which the first is kept, a
code replaced by its parent) comes back as notes, ``"FILE:LINE: what"``, for the caller to show.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from types import MappingProxyType

import yaml

from communique.actors import (
    ActorResources,
    country_names,
    load_actor_resources,
    person_index,
)
from communique.config import Config
from communique.dictionaries import (
    ActorEntry,
    DictionaryError,
    Role,
    VerbDictionary,
    VerbEntry,
    agent_codes,
    empty_actor_kb,
    empty_agents,
    empty_verb_dictionary,
    merge_actor_kb,
    merge_agents,
    merge_verb_dictionary,
)
from communique.events import CodingRules
from communique.ontology import is_user_code
from communique.tabari import (
    Note,
    TabariBlock,
    TabariVerbs,
    actor_entries,
    actor_id,
    actor_kind,
    agent_phrases,
    agent_words,
    entry_names,
    parse_tabari_actors,
    parse_tabari_agents,
    parse_tabari_verbs,
)

__all__ = [
    "UserDictionaries",
    "co_actors",
    "load_user_dictionaries",
    "read_user_actors",
    "read_user_agents",
    "read_user_verbs",
    "user_actor_resources",
    "with_user_actors",
    "with_user_rules",
    "with_user_verbs",
]

_OURS = frozenset({".yaml", ".yml", ".csv"})
_ACTOR_KEYS = ("name", "names", "code", "start", "end", "kind")
_AGENT_KEYS = ("phrase", "code")
_KINDS = MappingProxyType(
    {"country": "country", "person": "person", "organisation": "organisation"}
    | {"organization": "organisation"}
)
_CODE = re.compile(r"(?:[A-Z0-9]{3})+")

Value = str | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Row:
    """One record of a YAML or CSV file: its line and its fields (names, values as text)."""

    line: int
    fields: Mapping[str, Value]


def _notes_text(path: Path, notes: Sequence[Note]) -> list[str]:
    return [f"{path}:{n.line}: {n.detail}" for n in notes if n.severity == "warning"]


# --------------------------------------------------------------------------- YAML and CSV rows


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise DictionaryError(path, None, "not UTF-8 text") from None
    except OSError as exc:
        raise DictionaryError(path, None, f"cannot read: {exc.strerror or exc}") from None


def _scalar(path: Path, node: yaml.Node) -> Value:
    if isinstance(node, yaml.ScalarNode):
        return str(node.value)
    if isinstance(node, yaml.SequenceNode) and all(
        isinstance(n, yaml.ScalarNode) for n in node.value
    ):
        return tuple(str(n.value) for n in node.value)
    raise DictionaryError(path, node.start_mark.line + 1, "a value must be text or a list")


def _yaml_row(path: Path, node: yaml.Node) -> _Row:
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.MappingNode):
        raise DictionaryError(path, line, "each entry must be a mapping such as 'name: ...'")
    fields = {str(key.value): _scalar(path, value) for key, value in node.value if _given(value)}
    return _Row(line, fields)


def _given(node: yaml.Node) -> bool:
    """A value that is there: not ``null``, ``~`` or empty."""
    if not isinstance(node, yaml.ScalarNode):
        return True
    return node.tag != "tag:yaml.org,2002:null" and node.value != ""


def _yaml_rows(path: Path, text: str, section: str) -> list[_Row]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise DictionaryError(path, line, f"not YAML: {exc.problem}") from None
    if root is None:
        return []
    if isinstance(root, yaml.MappingNode) and len(root.value) == 1:
        key, root = root.value[0]  # {actors: [...]} or {agents: [...]}
        if key.value != section:
            raise DictionaryError(path, key.start_mark.line + 1, f"expected '{section}:'")
    if not isinstance(root, yaml.SequenceNode):
        raise DictionaryError(path, root.start_mark.line + 1, "expected a list of entries")
    return [_yaml_row(path, node) for node in root.value]


def _csv_rows(path: Path, text: str) -> list[_Row]:
    reader = csv.DictReader(io.StringIO(text))
    rows: list[_Row] = []
    try:
        for record in reader:
            if None in record:
                raise DictionaryError(path, reader.line_num, "more cells than header columns")
            fields = {k.strip(): v.strip() for k, v in record.items() if v and v.strip()}
            if fields:
                rows.append(_Row(reader.line_num, fields))
    except csv.Error as exc:
        raise DictionaryError(path, reader.line_num, f"not CSV: {exc}") from None
    return rows


def _rows(path: Path, keys: Sequence[str], section: str) -> list[_Row]:
    text = _read_text(path)
    is_csv = path.suffix.lower() == ".csv"
    rows = _csv_rows(path, text) if is_csv else _yaml_rows(path, text, section)
    for row in rows:
        unknown = sorted(set(row.fields) - set(keys))
        if unknown:
            known = ", ".join(keys)
            raise DictionaryError(path, row.line, f"unknown field {unknown[0]!r} (known: {known})")
    return rows


def _text(path: Path, row: _Row, key: str) -> str | None:
    value = row.fields.get(key)
    if isinstance(value, tuple):
        raise DictionaryError(path, row.line, f"{key!r} must be a single value")
    return value


def _code(path: Path, row: _Row) -> str:
    code = (_text(path, row, "code") or "").replace("~", "").strip().upper()
    if not code:
        raise DictionaryError(path, row.line, "no 'code'")
    if not _CODE.fullmatch(code):
        reason = f"{code!r} is not a code of 3-letter parts (e.g. ZRG, ZRGGOV, GOVMIL)"
        raise DictionaryError(path, row.line, reason)
    return code


# --------------------------------------------------------------------------- actors


@dataclass(frozen=True, slots=True)
class _ActorRow:
    names: tuple[str, ...]
    role: Role
    kind: str | None


def _day(path: Path, row: _Row, key: str) -> date | None:
    value = _text(path, row, key)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        reason = f"{key} {value!r} is not a date (YYYY-MM-DD)"
        raise DictionaryError(path, row.line, reason) from None


def _names(path: Path, row: _Row) -> tuple[str, ...]:
    raw: list[str] = []
    for key in ("name", "names"):
        value = row.fields.get(key, ())
        raw.extend(value if isinstance(value, tuple) else re.split(r"[;|]", value))
    names = entry_names(n for n in raw if n.strip())
    if not names:
        raise DictionaryError(path, row.line, "no 'name' (or 'names')")
    return names


def _actor_row(path: Path, row: _Row) -> _ActorRow:
    names, code = _names(path, row), _code(path, row)
    start, end = _day(path, row, "start"), _day(path, row, "end")
    if start and end and start > end:
        raise DictionaryError(path, row.line, f"start {start} is after end {end}")
    kind = _text(path, row, "kind")
    if kind is not None and kind.lower() not in _KINDS:
        raise DictionaryError(path, row.line, f"kind {kind!r}: use country, person or organisation")
    return _ActorRow(names, Role(code, start, end), _KINDS[kind.lower()] if kind else None)


def _our_actors(path: Path) -> list[ActorEntry]:
    """Rows sharing their first name are one actor: their names and roles together."""
    groups: dict[str, list[_ActorRow]] = {}
    for row in _rows(path, _ACTOR_KEYS, "actors"):
        parsed = _actor_row(path, row)
        groups.setdefault(parsed.names[0], []).append(parsed)
    entries: list[ActorEntry] = []
    for first, rows in groups.items():
        names = tuple(dict.fromkeys(n for r in rows for n in r.names))
        roles = tuple(r.role for r in rows)
        kind = next((r.kind for r in rows if r.kind), None) or actor_kind(roles)
        entries.append(ActorEntry(actor_id(first), kind, names, roles, path.name))
    return entries


def read_user_actors(path: Path) -> tuple[list[ActorEntry], list[str]]:
    """A user actor file (YAML, CSV or TABARI/PETRARCH) as entries, with its notes."""
    if path.suffix.lower() in _OURS:
        return _our_actors(path), []
    parsed = parse_tabari_actors(path)
    return actor_entries(parsed), _notes_text(path, parsed.notes)


# --------------------------------------------------------------------------- agents


def _our_agents(path: Path) -> dict[str, str]:
    phrases: dict[str, str] = {}
    for row in _rows(path, _AGENT_KEYS, "agents"):
        words = agent_words(_text(path, row, "phrase") or "")
        if not words:
            raise DictionaryError(path, row.line, "no 'phrase'")
        phrases[" ".join(words)] = _code(path, row)
    return phrases


def read_user_agents(path: Path) -> tuple[dict[str, str], list[str]]:
    """A user agents file (YAML, CSV or TABARI/PETRARCH) as phrase -> code, with its notes."""
    if path.suffix.lower() in _OURS:
        return _our_agents(path), []
    parsed = parse_tabari_agents(path)
    return agent_phrases(parsed.agents), _notes_text(path, parsed.notes)


# --------------------------------------------------------------------------- verbs


@dataclass
class _CodeCheck:
    """Checks a user file's codes, noting once per code each one that is not CAMEO."""

    path: Path
    known: Container[str]
    notes: list[str]
    seen: set[str] = field(default_factory=set)

    def __call__(self, code: str | None, line: int, what: str) -> str | None:
        if code is None or code in self.known:
            return code
        if not is_user_code(code):
            self.notes.append(f"{self.path}:{line}: {what} code {code} is no event code; ignored")
            return None
        if code not in self.seen:
            self.seen.add(code)
            text = f"{what} code {code} is not a CAMEO code; events get it as written"
            self.notes.append(f"{self.path}:{line}: {text} (no Goldstein score, no PLOVER type)")
        return code


def _user_verb(
    entry: VerbEntry, name: str, block: TabariBlock, line: int, check: _CodeCheck
) -> VerbEntry:
    """The verb in its renamed block; a code it takes from its block is checked there."""
    reverse = check(entry.reverse, line, "verb")
    if entry.code == block.code:
        return replace(entry, block=name, user=True, reverse=reverse)
    code = check(entry.code, line, "verb")
    return replace(entry, block=name, code=code, user=True, reverse=reverse)


def _user_block(block: TabariBlock, check: _CodeCheck) -> TabariBlock:
    name = f"{check.path.name}:{block.name}"
    code = check(block.code, block.line, f"block {block.name}")
    verbs = tuple(
        replace(v, entry=_user_verb(v.entry, name, block, v.line, check)) for v in block.verbs
    )
    patterns = []
    for p in block.patterns:
        pcode = check(p.pattern.code, p.line, "pattern")
        if pcode is not None:
            pid = f"{check.path.name}:{p.line}"
            reverse = check(p.pattern.reverse, p.line, "pattern")
            pattern = replace(p.pattern, block=name, id=pid, code=pcode, user=True, reverse=reverse)
            patterns.append(replace(p, pattern=pattern))
    return replace(block, name=name, code_raw=code or "---", verbs=verbs, patterns=tuple(patterns))


def read_user_verbs(path: Path, *, known_codes: Container[str]) -> tuple[VerbDictionary, list[str]]:
    """A PETRARCH verb dictionary (its non-CAMEO codes kept; see module doc), with its notes."""
    parsed = parse_tabari_verbs(path)
    check = _CodeCheck(path, known_codes, _notes_text(path, parsed.notes))
    blocks = tuple(_user_block(b, check) for b in parsed.blocks)
    user = TabariVerbs(path, blocks, parsed.synsets, parsed.notes)
    return user.dictionary(), check.notes


# --------------------------------------------------------------------------- all of them


@dataclass(frozen=True)
class UserDictionaries:
    """The user files of a run, read and checked, one item per file in the order given."""

    actors: tuple[tuple[ActorEntry, ...], ...] = ()
    agents: tuple[Mapping[str, str], ...] = ()
    verbs: tuple[VerbDictionary, ...] = ()
    notes: tuple[str, ...] = ()
    keep_packaged: bool = True  # False: the user files of a kind replace the packaged ones


def load_user_dictionaries(config: Config, *, known_codes: Container[str]) -> UserDictionaries:
    """Read every user dictionary of ``config``; raises DictionaryError on the first bad line."""
    notes: list[str] = []
    actors: list[tuple[ActorEntry, ...]] = []
    for path in config.actor_files:
        entries, found = read_user_actors(path)
        actors.append(tuple(entries))
        notes.extend(found)
    agents: list[Mapping[str, str]] = []
    for path in config.agent_files:
        phrases, found = read_user_agents(path)
        agents.append(phrases)
        notes.extend(found)
    verbs: list[VerbDictionary] = []
    for path in config.verb_files:
        dictionary, found = read_user_verbs(path, known_codes=known_codes)
        verbs.append(dictionary)
        notes.extend(found)
    keep = config.packaged_dictionaries
    return UserDictionaries(tuple(actors), tuple(agents), tuple(verbs), tuple(notes), keep)


def with_user_actors(res: ActorResources, user: UserDictionaries) -> ActorResources:
    """Actor resources with the user's actors and agents over (or instead of) the packaged ones.

    A later file overrides an earlier one for the names both give.
    """
    if not user.actors and not user.agents:
        return res
    kb = res.kb if user.keep_packaged or not user.actors else empty_actor_kb()
    for entries in user.actors:
        kb = merge_actor_kb(kb, entries)
    agents = res.agents if user.keep_packaged or not user.agents else empty_agents()
    for phrases in user.agents:
        agents = merge_agents(agents, phrases)
    people, countries = person_index(kb, res.rules), country_names(kb)
    return replace(
        res, kb=kb, agents=agents, agent_codes=agent_codes(agents), people=people,
        countries=countries,
    )  # fmt: skip


def with_user_verbs(verbs: VerbDictionary, user: UserDictionaries) -> VerbDictionary:
    """The verb dictionary with the user's verbs first (a later file before an earlier one)."""
    if not user.verbs:
        return verbs
    merged = verbs if user.keep_packaged else empty_verb_dictionary()
    for extra in user.verbs:
        merged = merge_verb_dictionary(merged, extra)
    return merged


def with_user_rules(rules: CodingRules, user: UserDictionaries) -> CodingRules:
    """The coding rules; user verb files that replace the packaged verbs replace the packaged
    event nouns too ("staged a *hunger strike*"): the user's verb dictionary alone codes."""
    if not user.verbs or user.keep_packaged:
        return rules
    return replace(rules, event_nouns=MappingProxyType({}))


def co_actors(user: UserDictionaries) -> dict[tuple[str, str], tuple[str, ...]]:
    """(name, code) -> the other codes of the user's several-code roles (``[FRO/BIL/SAM]``)."""
    return {
        (name, role.code): role.also
        for entries in user.actors
        for entry in entries
        for role in entry.roles
        if role.also
        for name in entry.names
    }


def user_actor_resources(config: Config) -> tuple[ActorResources, tuple[str, ...]]:
    """The packaged actor resources with ``config``'s actor and agent files applied, and notes."""
    user = load_user_dictionaries(replace(config, verb_files=()), known_codes=())
    return with_user_actors(load_actor_resources(), user), user.notes
