"""Readers for TABARI/PETRARCH dictionary files: actors, agents and verbs.

The files are read as PETRARCH2 wrote them: ``#`` comments, ``<!-- ... -->`` comments (also over
several lines), actor lines with ``+SYNONYM`` lines and tab-indented ``[CODE date-range]`` roles,
agent lines with ``{PLURALS}`` and ``!MARKER!`` substitutions, and verb files with ``&SYNSET``
lists, ``--- BLOCK [code] ---`` headers, verb lines and ``- pre * post [code]`` patterns.

Two modes:

* ``strict=True`` (the default; user dictionaries at run time): a line that cannot be read raises
  :class:`~communique.dictionaries.DictionaryError` naming the file and the line. Lossy
  adaptations (a code that is no code, a PETRARCH transformation line) are returned as
  ``warning`` notes; a role with several codes ``[FRO/BIL/SAM]`` keeps the first as the actor's
  code and the others as ``Role.also`` (its events are coded for each; an ``info`` note).
* ``strict=False`` (``scripts/build_data.py``, the packaged data): the behaviour the packaged files
  were built with. Unreadable lines are skipped and returned as ``error`` notes, which the build
  counts.

``scripts/build_data.py`` converts the packaged Phoenix dictionaries with these readers; the
conventions (names, dates, plurals, pattern slots) are documented in ``data/README.md``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import product
from math import prod
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from communique.dictionaries import (
    ActorEntry,
    DictionaryError,
    Role,
    VerbDictionary,
    VerbEntry,
    VerbPattern,
)

__all__ = [
    "Note",
    "TabariActor",
    "TabariActors",
    "TabariAgent",
    "TabariAgents",
    "TabariBlock",
    "TabariPattern",
    "TabariVerb",
    "TabariVerbs",
    "actor_entries",
    "agent_phrases",
    "parse_tabari_actors",
    "parse_tabari_agents",
    "parse_tabari_verbs",
    "pre_marker",
    "read_tabari_actors",
    "read_tabari_agents",
    "read_tabari_verbs",
    "target_marker",
]

Severity = Literal["error", "warning", "info"]
Line = tuple[int, str]  # (1-based line number, text)

# --------------------------------------------------------------------------- notes and lines


@dataclass(frozen=True, slots=True)
class Note:
    """Something the reader did with a line.

    ``error``: the line could not be read (only returned by ``strict=False``; strict reading
    raises instead). ``warning``: a lossy adaptation (strict reading only). ``info``: a counted,
    ordinary case (a ``[---]`` pattern, primary lines merged into one actor).
    """

    line: int
    kind: str
    detail: str
    severity: Severity


@dataclass
class _Notes:
    """Collects notes while one file is read (local to the read; never shared)."""

    path: Path
    strict: bool
    found: list[Note] = field(default_factory=list)

    def error(self, line: int, kind: str, detail: str) -> None:
        if self.strict:
            raise DictionaryError(self.path, line, detail)
        self.found.append(Note(line, kind, detail, "error"))

    def strict_error(self, line: int, detail: str) -> None:
        """An error that only strict reading checks (lenient reading keeps its old behaviour)."""
        if self.strict:
            raise DictionaryError(self.path, line, detail)

    def warn(self, line: int, kind: str, detail: str) -> None:
        self.found.append(Note(line, kind, detail, "warning"))

    def info(self, line: int, kind: str, detail: str) -> None:
        self.found.append(Note(line, kind, detail, "info"))


def _decode(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DictionaryError(path, line, "not UTF-8 text") from None


def read_source_lines(path: Path) -> list[Line]:
    """The file's numbered lines: UTF-8, stray Ctrl-Z bytes and ``<!-- -->`` comments removed."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DictionaryError(path, None, f"cannot read: {exc.strerror or exc}") from None
    lines = _decode(path, raw).removeprefix("\ufeff").replace("\x1a", "").splitlines()
    return list(_without_xml_comments(path, lines))


def _without_xml_comments(path: Path, lines: Sequence[str]) -> Iterator[Line]:
    """Blank out ``<!-- ... -->`` comments (one line or several) and lines starting ``<!``."""
    opened: int | None = None
    for number, line in enumerate(lines, start=1):
        text = line
        if opened is not None:
            if "-->" not in text:
                yield number, ""
                continue
            text, opened = text.split("-->", 1)[1], None
        if text.lstrip().startswith("<!"):
            text = "<!--" + text.lstrip()[2:]
        while "<!--" in text:
            before, after = text.split("<!--", 1)
            if "-->" not in after:
                text, opened = before, number
                break
            text = before + after.split("-->", 1)[1]
        yield number, text
    if opened is not None:
        raise DictionaryError(path, opened, "a '<!--' comment is never closed with '-->'")


def strip_comment(line: str) -> tuple[str, str]:
    """Split a dictionary line into its content and its ``#`` comment."""
    body, _, comment = line.partition("#")
    return body, comment.strip()


def _comment_at(line: str) -> int:
    """Where the ``#`` comment starts, a ``#`` inside ``[...]`` not counting (``[###]``)."""
    depth = 0
    for i, ch in enumerate(line):
        depth += (ch == "[") - (ch == "]")
        if ch == "#" and depth <= 0:
            return i
    return len(line)


def split_comment(line: str, *, strict: bool) -> tuple[str, str]:
    """:func:`strip_comment`; strict reading does not start a comment inside ``[...]``."""
    if not strict:
        return strip_comment(line)
    at = _comment_at(line)
    return line[:at], line[at + 1 :].strip()


_PAIRS = (("[", "]"), ("{", "}"))


def _balanced(text: str) -> bool:
    """Brackets and braces open and close in order, never nested within their own kind."""
    for left, right in _PAIRS:
        depth = 0
        for ch in text:
            if ch == left:
                depth += 1
            elif ch == right:
                depth -= 1
            if depth not in (0, 1):
                return False
        if depth:
            return False
    return True


def first_code(raw: str) -> str | None:
    """The first non-empty code of a ``[a:b]`` code: ``"036:036"`` -> ``"036"``, ``":020"`` ->
    ``"020"``, ``"080!"`` -> ``"080"``, ``"174K"`` -> ``"174K"`` (a letter after the digits is
    part of the code), ``"---"`` -> None."""
    for part in raw.split(":"):
        digits = re.match(r"\s*(\d+[A-Za-z]?)(?![A-Za-z])", part)
        if digits:
            return digits.group(1)
    return None


def second_code(raw: str) -> str | None:
    """The second code of a paired ``[a:b]`` code (TABARI: ``a`` from the source to the
    target, ``b`` from the target back to the source): ``"032:033"`` -> ``"033"``; None for a
    single code, or when either side is empty (``":020"``)."""
    parts = raw.split(":")
    if len(parts) != 2 or not all(first_code(p) for p in parts):
        return None
    return first_code(parts[1])


def regular_plural(word: str) -> str | None:
    """Regular English plural of a noun (PETRARCH's rule, with a few more endings)."""
    if not word or not word[-1].isalpha():
        return None
    if word.endswith("ss") or word.endswith(("x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("s"):
        return None  # already plural
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


# --------------------------------------------------------------------------- actors


@dataclass(frozen=True, slots=True)
class TabariActor:
    """One primary line with its ``+`` synonyms and roles, as written (names not yet cleaned)."""

    primary: str
    comment: str
    line: int
    names: tuple[str, ...]
    roles: tuple[Role, ...]
    header_code: str | None  # the first code on the primary line itself
    null_default: bool  # a ``[---]`` code: no default code


@dataclass(frozen=True)
class TabariActors:
    path: Path
    actors: tuple[TabariActor, ...]
    notes: tuple[Note, ...]


@dataclass
class _RawActor:
    primary: str
    comment: str
    line: int
    names: list[str] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    header_code: str | None = None
    null_default: bool = False

    def frozen(self) -> TabariActor:
        return TabariActor(
            primary=self.primary,
            comment=self.comment,
            line=self.line,
            names=tuple(self.names),
            roles=tuple(self.roles),
            header_code=self.header_code,
            null_default=self.null_default,
        )


def century_date(digits: str) -> date | None:
    """A TABARI date: YYYYMMDD, or YYMMDD where YY <= 30 is 20YY and otherwise 19YY."""
    if len(digits) == 10 and digits.startswith("19"):
        digits = digits[2:]  # '1920030320' is a typo for '20030320'
    if len(digits) == 7 and 1800 <= int(digits[:4]) <= 2100:
        digits = digits[:6] + "0" + digits[6:]  # '2004017' -> '20040107' (YYYYMMD)
    try:
        if len(digits) >= 8:
            return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
        if len(digits) >= 6:
            yy = int(digits[:2])
            return date(2000 + yy if yy <= 30 else 1900 + yy, int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        return None
    return None


def parse_restriction(text: str) -> tuple[date | None, date | None] | None:
    """``>D``, ``<D``, ``D-D`` or a bare ``D`` (a start) -> (start, end); None if unreadable."""
    text = text.replace(" ", "")
    if not text:
        return (None, None)
    op = text[0] if text[0] in "<>" else ""
    parts = text.lstrip("<>").split("-")
    days = [century_date(re.sub(r"\D", "", p)) for p in parts]
    if any(d is None for d in days) or len(days) > 2:
        return None
    if len(days) == 2:
        return (days[0], days[1])
    return (None, days[0]) if op == "<" else (days[0], None)


_ACTOR_CODE = re.compile(r"[A-Z0-9]+")


def _checked_code(code: str, content: str, line: int, notes: _Notes) -> str | None:
    """Strict reading: ``A/B`` keeps ``A`` (with a warning); a code that is no code is dropped."""
    first = code.split("/", 1)[0]
    if not _ACTOR_CODE.fullmatch(first):
        notes.warn(line, "actor code that is no code", f"[{content}]: {code!r} is not a code")
        return None
    if first != code:
        detail = f"[{content}]: several codes; {first} is the actor's, the others code its events"
        notes.info(line, "actor role with several codes", detail)
    return first


def other_codes(code: str) -> tuple[str, ...]:
    """``FRO/BIL/SAM`` -> ``("BIL", "SAM")``: the further actors of a several-code role."""
    return tuple(c for c in code.split("/")[1:] if _ACTOR_CODE.fullmatch(c))


def _parse_role(content: str, actor: _RawActor, line: int, notes: _Notes) -> Role | None:
    bits = content.split(None, 1)
    if not bits:
        notes.strict_error(line, "an empty code '[]'")
        return None
    code = bits[0].strip().upper()
    if code == "---":
        actor.null_default = True
        if notes.strict and len(bits) > 1:
            detail = f"[{content}]: a dated null code is read as 'no default code'; dates ignored"
            notes.warn(line, "dated null code", detail)
        return None
    checked = _checked_code(code, content, line, notes) if notes.strict else code
    if checked is None:
        return None
    span = parse_restriction(bits[1] if len(bits) > 1 else "")
    where = f"role [{content}] of {actor.primary}"
    if span is None:
        notes.error(line, "actor role with an unreadable date", f"{where}: unreadable date")
        return None
    start, end = span
    if start and end and start > end:
        notes.error(line, "actor role whose start is after its end", f"{where}: start > end")
        return None
    also = other_codes(code) if notes.strict else ()
    return Role(code=checked, start=start, end=end, also=also)


def _add_roles(text: str, actor: _RawActor, line: int, notes: _Notes) -> None:
    for m in re.finditer(r"\[([^\]]*)\]", text):
        role = _parse_role(m.group(1), actor, line, notes)
        if role:
            actor.roles.append(role)


def clean_name(raw: str) -> str | None:
    """``ABDELAZIZ_BOUTEFLIKA_`` -> ``abdelaziz bouteflika``; None for unusable names."""
    name = raw.replace("İ", "I").replace("_", " ").lower()
    if "(" in name and ")" not in name:
        name = name.split("(", 1)[0]
    name = " ".join(name.split()).strip(" ,;")
    if not name or "\ufffd" in name:
        return None
    return unicodedata.normalize("NFC", name)


def ascii_fold(name: str) -> str | None:
    """``erdoğan`` -> ``erdogan``; None when folding changes nothing or loses too much."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    folded = " ".join(folded.split())
    return folded if folded and folded != name and len(folded) >= len(name) - 3 else None


def _check_name(raw: str, line: int, notes: _Notes) -> None:
    if notes.strict and clean_name(raw) is None:
        notes.strict_error(line, f"{raw.strip()!r} is not a usable name (empty or corrupt)")


def _start_actor(text: str, comment: str, line: int, notes: _Notes) -> _RawActor:
    name_part = text.split("[", 1)[0]
    _check_name(name_part, line, notes)
    actor = _RawActor(primary=name_part.strip(), comment=comment, line=line)
    header = re.search(r"\[([^\]]*)\]", text)
    if header:
        actor.header_code = header.group(1).split()[0].upper() if header.group(1).split() else None
    _add_roles(text[len(name_part) :], actor, line, notes)
    actor.names.append(name_part)
    return actor


def _continues_group(actors: Sequence[_RawActor], *, after_blank: bool) -> bool:
    """A primary line right after a primary line without codes is one more name for it.

    The Phoenix files often list several spellings as primary lines sharing the roles below them
    (``BORIS_YELTSIN_`` / ``PRESIDENT_BORIS_YELTSIN`` / ... / ``\\t[RUSGOV ...]``).
    """
    if after_blank or not actors:
        return False
    last = actors[-1]
    return not last.roles and not last.null_default and last.header_code is None


_MERGED = "actor primary lines merged into the codeless line above (kept as names)"


def _merge_into(last: _RawActor, fresh: _RawActor, line: int, notes: _Notes) -> None:
    last.names.extend(fresh.names)
    last.roles.extend(fresh.roles)
    last.header_code = fresh.header_code
    last.null_default = fresh.null_default
    notes.info(line, _MERGED, f"{fresh.primary} merged into {last.primary}")


def _synonym(text: str, actors: list[_RawActor], line: int, notes: _Notes) -> None:
    if not actors:
        notes.strict_error(line, "a '+' synonym line before any actor")
        return
    name = text[1:].split("[", 1)[0]
    _check_name(name, line, notes)
    if notes.strict and "[" in text:
        notes.warn(line, "code on a synonym line", "codes on '+' synonym lines are ignored")
    actors[-1].names.append(name)


def _actor_line(
    text: str, comment: str, line: int, actors: list[_RawActor], notes: _Notes, *, blank: bool
) -> None:
    if text.startswith("["):
        if actors:
            _add_roles(text, actors[-1], line, notes)
        else:
            notes.strict_error(line, "a '[CODE]' line before any actor")
    elif text.startswith("+"):
        _synonym(text, actors, line, notes)
    elif _continues_group(actors, after_blank=blank):
        _merge_into(actors[-1], _start_actor(text, comment, line, notes), line, notes)
    else:
        actors.append(_start_actor(text, comment, line, notes))


def _read_actors(lines: Iterable[Line], notes: _Notes) -> list[_RawActor]:
    actors: list[_RawActor] = []
    after_blank = True
    for number, line in lines:
        body, comment = split_comment(line, strict=notes.strict)
        text = body.strip()
        if not line.strip():
            after_blank = True
        if not text:
            continue
        if not _balanced(text):
            notes.strict_error(number, "unbalanced '[...]' or '{...}'")
        _actor_line(text, comment, number, actors, notes, blank=after_blank)
        after_blank = False
    return actors


def parse_tabari_actors(path: Path, *, strict: bool = True) -> TabariActors:
    """Read a TABARI/PETRARCH actor dictionary: one record per primary line (see module doc)."""
    notes = _Notes(path, strict)
    actors = _read_actors(read_source_lines(path), notes)
    return TabariActors(path, tuple(a.frozen() for a in actors), tuple(notes.found))


def actor_id(primary: str) -> str:
    """``ABDELAZIZ_BOUTEFLIKA_`` -> ``ABDELAZIZ_BOUTEFLIKA``."""
    base = re.sub(r"[\s_]+", "_", primary.strip().upper()).strip("_")
    return base or "ACTOR"


def entry_names(raw_names: Iterable[str]) -> tuple[str, ...]:
    """Cleaned names with their ASCII-folded spellings, de-duplicated in order."""
    names: list[str] = []
    for raw in raw_names:
        name = clean_name(raw)
        if name is None:
            continue
        names.append(name)
        folded = ascii_fold(name)
        if folded:
            names.append(folded)
    return tuple(dict.fromkeys(names))


def actor_kind(roles: Sequence[Role]) -> str:
    """A generic kind: dated roles -> person; one undated 3-letter code -> country; else org."""
    if any(r.dated for r in roles):
        return "person"
    codes = {r.code for r in roles}
    if len(codes) == 1 and re.fullmatch(r"[A-Z]{3}", next(iter(codes))):
        return "country"
    return "organisation"


def actor_entries(parsed: TabariActors) -> list[ActorEntry]:
    """The records as knowledge-base entries (ids unique within the file, ``~2`` on repeats)."""
    seen: defaultdict[str, int] = defaultdict(int)
    entries: list[ActorEntry] = []
    for actor in parsed.actors:
        names = _with_split_hyphens(entry_names(actor.names))
        if not names:
            continue
        base = actor_id(actor.primary)
        seen[base] += 1
        ident = base if seen[base] == 1 else f"{base}~{seen[base]}"
        kind = actor_kind(actor.roles)
        entries.append(ActorEntry(ident, kind, names, actor.roles, parsed.path.name))
    return entries


def _with_split_hyphens(names: tuple[str, ...]) -> tuple[str, ...]:
    """``barad-dur`` also as ``barad dur``: the parser splits "Barad-dur" into words, and the
    hyphen is no word of the name's phrase."""
    split = (" ".join(n.replace("-", " ").split()) for n in names if "-" in n)
    return tuple(dict.fromkeys([*names, *split]))


def read_tabari_actors(path: Path) -> list[ActorEntry]:
    """A TABARI/PETRARCH actor file as knowledge-base entries (strict: bad lines raise)."""
    return actor_entries(parse_tabari_actors(path))


# --------------------------------------------------------------------------- agents


@dataclass(frozen=True, slots=True)
class TabariAgent:
    """One agent phrase (a ``!MARKER!`` line gives one per substitute) with its plural forms."""

    words: tuple[str, ...]
    plural: tuple[str, ...]
    code: str
    line: int


@dataclass(frozen=True)
class TabariAgents:
    path: Path
    agents: tuple[TabariAgent, ...]
    notes: tuple[Note, ...]


PREPOSITIONS = frozenset({"of", "for", "to", "in", "on", "at", "from", "with", "against"})


def plural_word(word: str) -> str | None:
    if word.endswith("man"):
        return word[:-3] + "men"
    if word.endswith("s") and not word.endswith("ss"):
        return None
    return regular_plural(word)


def agent_plural(words: Sequence[str]) -> str | None:
    """Regular plural of the head noun: the word before a preposition, else the last word.

    ``police officer`` -> ``police officers``; ``secretary of state`` -> ``secretaries of state``.
    """
    head = next((i - 1 for i, w in enumerate(words) if w in PREPOSITIONS and i > 0), len(words) - 1)
    plural = plural_word(words[head])
    return " ".join([*words[:head], plural, *words[head + 1 :]]) if plural else None


def agent_words(text: str) -> list[str]:
    return [w.strip(",;") for w in re.split(r"[\s_]+", text.lower()) if w.strip(",;")]


def expand_markers(text: str, markers: Mapping[str, Sequence[str]]) -> list[str] | None:
    """``CONGRESS!PERSON!`` -> one phrase per substitute; None for an undefined marker."""
    m = re.search(r"!([A-Z]+)!", text)
    if not m:
        return [text]
    if m.group(1) not in markers:
        return None
    return [text[: m.start()] + sub + text[m.end() :] for sub in markers[m.group(1)]]


def _agent_plurals(text: str, base: str, words: Sequence[str]) -> tuple[str, ...]:
    if "!" in base:
        return ()  # substitution markers give every form; no plurals
    if "{" in text:
        inside = agent_words(text.split("{", 1)[1].split("}", 1)[0])
        return (" ".join(inside),) if inside else ()
    regular = agent_plural(words)
    return (regular,) if regular else ()


def agent_records(
    text: str, code: str, markers: Mapping[str, Sequence[str]], line: int = 0
) -> list[TabariAgent] | None:
    """The agents of one line's phrase part (``POLICE {} ``); None for an undefined marker."""
    base = text.split("{", 1)[0]
    expanded = expand_markers(base, markers)
    if expanded is None:
        return None
    out: list[TabariAgent] = []
    for phrase in expanded:
        words = agent_words(phrase)
        if words:
            plural = _agent_plurals(text, base, words)
            out.append(TabariAgent(tuple(words), plural, code, line))
    return out


_MARKER_DEF = re.compile(r"^!([A-Z]+)!\s*=\s*(.+)$")
_AGENT_CODE = re.compile(r"\[\s*([^\]\}]*?)\s*[\]\}]")


def _agent_line(
    text: str, line: int, markers: Mapping[str, Sequence[str]], notes: _Notes
) -> list[TabariAgent]:
    if not _balanced(text):
        notes.strict_error(line, "unbalanced '[...]' or '{...}'")
    code_m = _AGENT_CODE.search(text)
    if not code_m or "Ã" in text:
        kind = "agent line without a code or with mojibake"
        notes.error(line, kind, f"agents: {text!r} has no '[CODE]' or a corrupt character")
        return []
    code = code_m.group(1).replace("~", "").strip().upper()
    if notes.strict and not _ACTOR_CODE.fullmatch(code):
        notes.strict_error(line, f"{code_m.group(0)!r} is not an agent code")
    records = agent_records(text[: code_m.start()].strip(), code, markers, line)
    if records is None:
        kind = "agent line with an undefined !MARKER!"
        notes.error(line, kind, f"agents: {text!r} uses a !MARKER! that is not defined above")
        return []
    return records


def parse_tabari_agents(path: Path, *, strict: bool = True) -> TabariAgents:
    """Read a TABARI/PETRARCH agents file: ``PHRASE {PLURAL} [~CODE]`` and ``!M! = A, B`` lines."""
    notes = _Notes(path, strict)
    markers: dict[str, list[str]] = {}
    agents: list[TabariAgent] = []
    for number, line in read_source_lines(path):
        text = split_comment(line, strict=strict)[0].strip()
        if not text:
            continue
        marker = _MARKER_DEF.match(text)
        if marker:
            markers[marker.group(1)] = [s.strip() for s in marker.group(2).split(",") if s.strip()]
        elif strict and "!" in text and "=" in text:
            notes.strict_error(number, "a substitution marker is defined as '!NAME! = A, B, C'")
        else:
            agents.extend(_agent_line(text, number, markers, notes))
    return TabariAgents(path, tuple(agents), tuple(notes.found))


def agent_phrases(agents: Iterable[TabariAgent]) -> dict[str, str]:
    """Every singular and plural phrase -> code; singulars win over plurals, later lines win."""
    singular: dict[str, str] = {}
    plural: dict[str, str] = {}
    for agent in agents:
        singular[" ".join(agent.words)] = agent.code
        for form in agent.plural:
            plural[form] = agent.code
    return {**plural, **singular}


def read_tabari_agents(path: Path) -> dict[str, str]:
    """A TABARI/PETRARCH agents file as phrase -> agent code (strict: bad lines raise)."""
    return agent_phrases(parse_tabari_agents(path).agents)


# --------------------------------------------------------------------------- verbs

MARKERS = "$+^%(){}|"


@dataclass(frozen=True, slots=True)
class TabariVerb:
    entry: VerbEntry
    line: int


@dataclass(frozen=True, slots=True)
class TabariPattern:
    pattern: VerbPattern
    code_raw: str  # the bracket's text (``036:036``)
    line: int


@dataclass(frozen=True, slots=True)
class TabariBlock:
    name: str
    code_raw: str
    line: int
    verbs: tuple[TabariVerb, ...]
    patterns: tuple[TabariPattern, ...]

    @property
    def code(self) -> str | None:
        return first_code(self.code_raw)


@dataclass(frozen=True)
class TabariVerbs:
    """A verb dictionary as read: blocks in file order, synsets (label -> members) and notes."""

    path: Path
    blocks: tuple[TabariBlock, ...]
    synsets: Mapping[str, tuple[str, ...]]
    notes: tuple[Note, ...]

    def dictionary(self) -> VerbDictionary:
        """Verbs by lemma, patterns by block and block codes (a repeated block: the last code)."""
        verbs: defaultdict[str, list[VerbEntry]] = defaultdict(list)
        patterns: defaultdict[str, list[VerbPattern]] = defaultdict(list)
        codes: dict[str, str | None] = {}
        for block in self.blocks:
            codes[block.name] = block.code
            patterns[block.name].extend(p.pattern for p in block.patterns)
            for verb in block.verbs:
                verbs[verb.entry.lemma].append(verb.entry)
        return VerbDictionary(
            verbs_by_lemma=MappingProxyType({k: tuple(v) for k, v in verbs.items()}),
            patterns_by_block=MappingProxyType({k: tuple(v) for k, v in patterns.items()}),
            block_codes=MappingProxyType(codes),
        )


@dataclass
class _Synsets:
    members: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def add(self, label: str, words: list[str]) -> None:
        self.members[label] = tuple(words)
        self.members.setdefault(label.rstrip("_"), tuple(words))

    def get(self, label: str) -> tuple[str, ...] | None:
        return self.members.get(label) or self.members.get(label.rstrip("_"))


def synset_members(label: str, raw: Iterable[str]) -> list[str]:
    """Lowercase members, with regular plurals unless the label or the member ends in ``_``."""
    out: list[str] = []
    for item in raw:
        plural_ok = not label.endswith("_") and not item.endswith("_")
        phrase = " ".join(item.replace("_", " ").lower().split())
        if not phrase:
            continue
        out.append(phrase)
        if plural_ok:
            head, _, last = phrase.rpartition(" ")
            plural = regular_plural(last)
            if plural:
                out.append(f"{head} {plural}".strip())
    return list(dict.fromkeys(out))


class _UndefinedSynsetError(ValueError):
    pass


def _split_label(label: str, synsets: _Synsets) -> list[list[str]] | None:
    """PETRARCH reads ``&GENINT_CONVENTIONS`` as the synset ``&GENINT`` then ``CONVENTIONS``."""
    parts = label.split("_")
    for k in range(len(parts) - 1, 0, -1):
        members = synsets.get("_".join(parts[:k]))
        if members is not None:
            rest = [[w.lower()] for w in parts[k:] if w]
            return [list(members), *rest]
    return None


def _synset_slots(piece: str, synsets: _Synsets, *, split: bool) -> list[list[str]]:
    label = piece.strip(MARKERS + "_")
    members = synsets.get("&" + label[1:]) if label else None
    if members is not None:
        return [list(members)]
    found = _split_label(label, synsets) if split and label else None
    if found is None:
        raise _UndefinedSynsetError(piece)
    return found


def token_slots(token: str, synsets: _Synsets, *, split: bool = False) -> list[list[str]]:
    """One pattern token -> consecutive slots (``FIGHTER_&AIRCRAFT`` gives two)."""
    slots: list[list[str]] = []
    for piece in re.split(r"_(?=&)", token):
        piece = piece.strip(MARKERS)
        if piece.startswith("&"):
            slots.extend(_synset_slots(piece, synsets, split=split))
            continue
        for word in piece.split("_"):
            alts = [a.strip(MARKERS).lower() for a in word.split("/")]
            alts = [a for a in alts if a and any(ch.isalnum() for ch in a)]
            if alts:
                slots.append(list(dict.fromkeys(alts)))
    return slots


MAX_JOINED = 256  # alternatives of one joined slot; a bigger product keeps the slots apart


def joined_slot(slots: Sequence[Sequence[str]]) -> list[list[str]]:
    """``NEW_&TIETYPES_RELATIONS``: TABARI's ``_`` connector wants its words consecutive, so
    the slots of one pattern token become one slot of multi-word alternatives ("new military
    relations", ...); a single slot, or a product over :data:`MAX_JOINED`, is left as it is."""
    if len(slots) < 2 or prod(len(slot) for slot in slots) > MAX_JOINED:
        return [list(slot) for slot in slots]
    return [[" ".join(words) for words in product(*slots)]]


def phrase_slots(
    text: str, synsets: _Synsets, *, split: bool = False, join: bool = False
) -> list[list[str]]:
    """A pattern side's slots; with ``join`` (strict reading) a ``_``-connected token is one."""
    slots: list[list[str]] = []
    for token in text.split():
        found = token_slots(token, synsets, split=split)
        slots.extend(joined_slot(found) if join else found)
    return slots


@dataclass
class _Block:
    name: str
    code_raw: str
    line: int
    verbs: list[TabariVerb] = field(default_factory=list)
    pattern_lines: list[Line] = field(default_factory=list)

    @property
    def code(self) -> str | None:
        return first_code(self.code_raw)


def _verb_words(base: str, line: int, notes: _Notes) -> list[str]:
    """``+BREAK_DOWN`` -> break, down; ``WIRE_+TAP`` -> tap (the ``+`` word is the verb)."""
    raw = [w for w in re.split(r"[_\s]+", base.lower()) if w]
    marked = next((i for i, w in enumerate(raw) if w.startswith("+")), 0)
    if marked and notes.strict:
        detail = f"{base}: the words before the verb ({' '.join(raw[:marked])}) are not matched"
        notes.warn(line, "words before a multi-word verb", detail)
    return [w for w in (w.replace("+", "") for w in raw[marked:]) if w]


def _verb_forms(text: str) -> tuple[str, ...]:
    forms_m = re.search(r"\{([^}]*)\}", text)
    if not forms_m:
        return ()
    cleaned = (f.replace("+", "").replace("_", " ").lower() for f in forms_m[1].split())
    forms = [" ".join(f.split()) for f in cleaned]
    return tuple(f for f in dict.fromkeys(forms) if f)


def _parse_verb_line(text: str, block: _Block, line: int, notes: _Notes) -> TabariVerb | None:
    code_m = re.search(r"\[([^\]]*)\]", text)
    base = re.split(r"[\[{]", text, maxsplit=1)[0].strip()
    words = _verb_words(base, line, notes) if base else []
    if not words:
        notes.strict_error(line, "a verb line without a verb")
        return None
    if code_m and notes.strict:
        _check_event_code(code_m.group(1), line, notes)
    raw = code_m.group(1) if code_m else block.code_raw
    code = first_code(raw) if code_m else block.code
    entry = VerbEntry(block.name, words[0], tuple(words), _verb_forms(text), code)
    entry = replace(entry, reverse=second_code(raw)) if notes.strict else entry
    return TabariVerb(entry, line)


def _check_event_code(raw: str, line: int, notes: _Notes) -> bool:
    """Strict reading: warn about a code without digits that is not ``---``."""
    if first_code(raw) is None and raw.strip() != "---":
        notes.warn(line, "event code that is no code", f"[{raw}] is not an event code")
        return False
    return True


_HEADER = re.compile(r"^---\s*([^\[]*?)\s*\[([^\]]*)\]")


def _header(text: str, line: int, notes: _Notes) -> _Block | None:
    m = _HEADER.match(text)
    name = "_".join(m.group(1).split()) if m else "_".join(text.strip("- ").split())
    if not name:
        notes.strict_error(line, "a verb block header without a name ('--- NAME [code] ---')")
        return None
    if notes.strict and len(re.findall(r"\[", text)) > 1:
        notes.warn(line, "block with several codes", f"{name}: only the first code is used")
    return _Block(name, m.group(2).strip() if m else "---", line)


@dataclass
class _VerbReader:
    """State of one pass over a verb file: the open synset and the blocks read so far."""

    notes: _Notes
    synsets: _Synsets = field(default_factory=_Synsets)
    blocks: list[_Block] = field(default_factory=list)
    synset: tuple[str, int] | None = None  # label and line of the synset being read
    members: list[str] = field(default_factory=list)

    def close_synset(self) -> None:
        if self.synset is None:
            return
        label, line = self.synset
        raw: list[str] = []
        for member in self.members:
            raw.extend(self._embedded(member, line))
        self.synsets.add(label, synset_members(label, raw))
        self.synset, self.members = None, []

    def _embedded(self, member: str, line: int) -> list[str]:
        """``+&TIETYPES`` inside a synset stands for that synset's members."""
        if not member.startswith("&"):
            return [member]
        found = self.synsets.get(member.split()[0])
        if found is None:
            kind = "verb synset member naming an undefined synset"
            self.notes.error(line, kind, f"synset member {member} is not defined above")
            return []
        return [f"{m}_" for m in found]  # members already carry their plurals

    def feed(self, number: int, line: str) -> None:
        text = split_comment(line, strict=self.notes.strict)[0].strip()
        if not text:
            return
        if self.synset is not None and text.startswith("+"):
            self.members.append(text[1:].strip())
            return
        self.close_synset()
        if text.startswith("&"):
            self.synset = (text.split()[0], number)
        elif text.startswith("~"):
            if self.notes.strict:
                detail = "PETRARCH transformation lines ('~ ...') are not supported; ignored"
                self.notes.warn(number, "transformation", detail)
        else:
            self._block_line(number, line, text)

    def _block_line(self, number: int, line: str, text: str) -> None:
        if not _balanced(text):
            self.notes.strict_error(number, "unbalanced '[...]' or '{...}'")
        if text.startswith("---"):
            block = _header(text, number, self.notes)
            if block is not None:
                self.blocks.append(block)
        elif not self.blocks:
            self.notes.strict_error(number, "a line before the first '--- BLOCK [code] ---'")
        elif text.startswith("-"):
            self.blocks[-1].pattern_lines.append((number, line.strip()))
        else:
            verb = _parse_verb_line(text, self.blocks[-1], number, self.notes)
            if verb:
                self.blocks[-1].verbs.append(verb)


def _pattern_code(raw: str, pid: str, line: int, notes: _Notes) -> str | None:
    code = first_code(raw)
    if code is None:
        if not notes.strict or raw == "---":
            notes.info(line, "verb pattern with null code [---]", f"{pid}: [{raw}] codes no event")
        else:
            detail = f"{pid}: [{raw}] is not an event code; pattern ignored"
            notes.warn(line, "verb pattern whose code is no code", detail)
    return code


def _parse_pattern(
    number: int, line: str, block: _Block, pid: str, reader: _VerbReader
) -> TabariPattern | None:
    notes = reader.notes
    body, comment = split_comment(line, strict=notes.strict)
    brackets = list(re.finditer(r"\[([^\]]*)\]", body))
    if not brackets:
        notes.error(number, "verb pattern without a code", f"{pid}: a pattern without '[code]'")
        return None
    raw = brackets[-1].group(1).strip()
    code = _pattern_code(raw, pid, number, notes)
    if code is None:
        return None
    text = re.sub(r"_?\*_?", " * ", body[: brackets[-1].start()].strip()[1:])
    if "*" not in text:
        notes.error(number, "verb pattern without '*'", f"{pid}: a pattern without the verb '*'")
        return None
    pre_text, _, post_text = text.partition("*")
    split = notes.strict
    try:
        pre = phrase_slots(pre_text, reader.synsets, split=split, join=split)
        post = phrase_slots(post_text, reader.synsets, split=split, join=split)
    except _UndefinedSynsetError as err:
        kind = "verb pattern using an undefined synset"
        notes.error(number, kind, f"{pid}: undefined synset {err}")
        return None
    slots = (tuple(tuple(s) for s in pre), tuple(tuple(s) for s in post))
    pattern = VerbPattern(block.name, pid, code, slots[0], slots[1], comment)
    if notes.strict:
        compound = "%" in text.split()  # "% HAVE * [191]": among the compound's members
        reverse, target = second_code(raw), target_marker(post_text)
        target = target or target_marker(post_text, symbol="%")  # "* WITH %": each member
        source = target_marker(post_text, symbol="$")  # "+ * FROM $": the source after "from"
        before = pre_marker(pre_text) if source is not None else None
        pattern = replace(pattern, reverse=reverse, target=target, compound=compound)
        pattern = replace(pattern, source=source, target_before=before)
    return TabariPattern(pattern, raw, number)


def target_marker(post: str, *, symbol: str = "+") -> tuple[str, int] | None:
    """Where a pattern's ``+`` puts the target (or its ``$`` the source): after which word
    (``""``: right after the verb), skipping how many phrases (``^``): ``"EID AT ^ WITH +"`` ->
    ``("with", 0)``, ``"AT ^ +"`` -> ``("at", 1)``; None without a marker of its own."""
    tokens = post.split()
    if symbol not in tokens:
        return None
    at = tokens.index(symbol)
    skips = 0
    while at > 0 and tokens[at - 1] == "^":
        skips, at = skips + 1, at - 1
    anchor = tokens[at - 1].strip(MARKERS).split("_")[-1].lower() if at > 0 else ""
    return anchor, skips


def pre_marker(pre: str) -> str | None:
    """Before which word a pattern's ``+`` puts the target when it comes before the verb:
    ``"+ HOSTING"`` -> ``"hosting"``, ``"+"`` -> ``""`` (before the verb); None without one."""
    tokens = pre.split()
    if "+" not in tokens:
        return None
    following = tokens[tokens.index("+") + 1 :]
    return following[0].strip(MARKERS).split("_")[0].lower() if following else ""


def _finish(block: _Block, reader: _VerbReader) -> TabariBlock:
    patterns: list[TabariPattern] = []
    for n, (number, line) in enumerate(block.pattern_lines, start=1):
        pattern = _parse_pattern(number, line, block, f"{block.name}:{n}", reader)
        if pattern is not None:
            patterns.append(pattern)
    return TabariBlock(block.name, block.code_raw, block.line, tuple(block.verbs), tuple(patterns))


def parse_tabari_verbs(path: Path, *, strict: bool = True) -> TabariVerbs:
    """Read a PETRARCH verb dictionary (synsets, blocks, verbs, patterns; see module doc).

    Synsets may be defined anywhere in the file; patterns are read once the whole file is.
    Pattern ids number each block's pattern lines from 1, counting skipped ones.
    """
    reader = _VerbReader(_Notes(path, strict))
    for number, line in read_source_lines(path):
        reader.feed(number, line)
    reader.close_synset()
    blocks = tuple(_finish(b, reader) for b in reader.blocks)
    notes = sorted(reader.notes.found, key=lambda n: n.line)
    synsets = MappingProxyType(dict(reader.synsets.members))
    return TabariVerbs(path, blocks, synsets, tuple(notes))


def read_tabari_verbs(path: Path) -> TabariVerbs:
    """A PETRARCH verb dictionary, strictly read; ``.dictionary()`` gives a VerbDictionary."""
    return parse_tabari_verbs(path)
