"""When: the date of an event, from date expressions attached to its verb, else publication.

News conventions: a bare weekday ("on Monday") is the latest such day on or before the
publication date (so "Monday" in an article published on a Monday is that day); "earlier this
month" is this month (month precision); "last week" is the Monday of the week before
(week precision); other expressions are resolved by dateparser with the publication date as
the base, preferring the past.

Which expression dates an event: a DATE/TIME entity attached to the event's verb (directly or
through one preposition), else one attached to a word of the verb's own clause ("launched an
attack on Monday"), else one on a verb coordinated with it that shares its subject ("were
killed and wounded on Sunday"); never one of another clause. None: the publication date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from dateparser.date import DateDataParser
from spacy.tokens import Span, Token

__all__ = ["ResolvedDate", "event_date", "resolve_date_text"]

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RELATIVE_DAYS = {"today": 0, "yesterday": -1, "tomorrow": 1, "tonight": 0}
_DATE_DEPS = frozenset({"npadvmod", "tmod", "obl", "advmod"})
_DATE_LABELS = frozenset({"DATE", "TIME"})
_POSSESSIVE = re.compile("['\u2019]s?$")
# Words that narrow an expression without changing its period: "earlier this month".
_QUALIFIERS = frozenset({"earlier", "later", "early", "late", "on", "in", "during", "since"})
_OTHER_CLAUSES = frozenset(
    {"ccomp", "advcl", "relcl", "conj", "xcomp", "acl", "parataxis", "csubj", "pcomp"}
)
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})
_SIMULTANEOUS = frozenset({"when", "as", "while"})
_UNITS = frozenset(
    {"day", "days", "week", "weeks", "month", "months", "year", "years", "hours", "decades"}
)
_ANCHORS = frozenset({"ago", "last", "this", "next", "earlier", "later", "past", "previous"})


@dataclass(frozen=True, slots=True)
class ResolvedDate:
    day: date
    precision: str  # "day" | "week" | "month" | "year"
    source: str  # "sentence" | "publication"
    text: str | None = None


def _weekday(words: list[str], published: date) -> date | None:
    names = [w for w in words if w in _WEEKDAYS]
    if len(names) != 1:
        return None
    back = (published.weekday() - _WEEKDAYS.index(names[0])) % 7
    if "next" in words:
        return published + timedelta(days=(7 - back) % 7 or 7)
    if "last" in words and back == 0:
        back = 7
    return published - timedelta(days=back)


def _relative_day(words: list[str], published: date) -> date | None:
    offsets = [_RELATIVE_DAYS[w] for w in words if w in _RELATIVE_DAYS]
    return published + timedelta(days=offsets[0]) if len(offsets) == 1 else None


def _week(words: list[str], published: date) -> date | None:
    """The Monday of "this week" / "last week" / "the past week" / "next week"."""
    if "week" not in words or len(words) > 3:
        return None
    monday = published - timedelta(days=published.weekday())
    if "last" in words or "past" in words or "previous" in words:
        return monday - timedelta(days=7)
    if "next" in words:
        return monday + timedelta(days=7)
    return monday if "this" in words else None


def resolve_date_text(text: str, *, published: date) -> ResolvedDate | None:
    """Resolve a date expression against the publication date; None when it is not a date."""
    words = [_POSSESSIVE.sub("", w.strip(".,")).lower() for w in text.split()]
    words = [w for w in words if w]
    week = _week(words, published)
    if week is not None:
        return ResolvedDate(week, "week", "sentence", text)
    simple = _relative_day(words, published) or _weekday(words, published)
    if simple is not None:
        return ResolvedDate(simple, "day", "sentence", text)
    plain = " ".join(w for w in words if w not in _QUALIFIERS)
    return _dateparser(plain, published, text) if plain else None


@lru_cache(maxsize=2048)  # a pure function of its arguments: the events of one sentence share
def _dateparser(text: str, published: date, original: str) -> ResolvedDate | None:
    base = datetime(published.year, published.month, published.day, 12)
    settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past", "REQUIRE_PARTS": []}
    parser = DateDataParser(languages=["en"], settings=settings)
    data = parser.get_date_data(text)
    if data.date_obj is None:
        return None
    precision = data.period if data.period in {"day", "month", "year"} else "day"
    day = data.date_obj.date()
    if precision == "month":
        day = day.replace(day=1)
    elif precision == "year":
        day = day.replace(month=1, day=1)
    return ResolvedDate(day, precision, "sentence", original)


def _hangs_off(ent: Span, head: Token) -> bool:
    """The entity's root depends on ``head`` directly or through one preposition."""
    root = ent.root
    direct = root.head.i == head.i and root.dep_ in _DATE_DEPS | {"pobj", "dobj"}
    via_prep = root.dep_ == "pobj" and root.head.dep_ == "prep" and root.head.head.i == head.i
    return root.i != head.i and (direct or via_prep)


def _sentence_dates(verb: Token) -> list[Span]:
    """DATE/TIME entities of the verb's sentence (not a bare number: "al-Khaleefa, 47,"), and
    the year inside an EVENT ("the 1967 Mideast war")."""
    out = []
    for ent in _entities_from(verb.sent):
        if ent.label_ in _DATE_LABELS and not _bare_number(ent):
            out.append(ent)
        elif ent.label_ == "EVENT":
            out.extend(ent.doc[t.i : t.i + 1] for t in ent if _is_year(t.text))
    return out


def _entities_from(sent: Span) -> list[Span]:
    """The entities that start in ``sent`` (as ``doc.ents`` has them, one may run past its
    end), read from the IOB tags of its tokens rather than building every entity of the
    document."""
    doc = sent.doc
    found: list[Span] = []
    for start in range(sent.start, sent.end):
        tok = doc[start]
        if tok.ent_iob_ != "B" or not tok.ent_type_:
            continue
        end = start + 1
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
        found.append(Span(doc, start, end, label=tok.ent_type_, kb_id=tok.ent_kb_id_))
    return found


def _bare_number(ent: Span) -> bool:
    return len(ent) == 1 and ent.text.isdigit() and not _is_year(ent.text)


def _is_year(text: str) -> bool:
    return len(text) == 4 and text.isdigit() and text[0] in "12"


def _clause_tokens(verb: Token) -> list[Token]:
    """The verb's own clause: its dependents, not through nested clauses."""
    out: list[Token] = []
    stack = [c for c in verb.children if c.dep_ not in _OTHER_CLAUSES]
    while stack:
        tok = stack.pop(0)
        out.append(tok)
        stack.extend(c for c in tok.children if c.dep_ not in _OTHER_CLAUSES)
    return out


def _has_subject(verb: Token) -> bool:
    return any(c.dep_ in _SUBJECTS for c in verb.children)


def _is_participle(verb: Token) -> bool:
    """ "..., killing 10 people": a participle clause with no subject of its own."""
    perfect = any(c.lower_ == "having" for c in verb.children)  # "having won ...": earlier
    participle = verb.dep_ in {"advcl", "xcomp"} and verb.tag_ in {"VBG", "VBN"}
    return participle and not perfect and not _has_subject(verb)


def _is_simultaneous(verb: Token) -> bool:
    """ "... when the plane hit", "... as he walked": a clause that happens at the same time."""
    marks = {c.lower_ for c in verb.children if c.dep_ == "mark"}
    return verb.dep_ == "advcl" and bool(marks & _SIMULTANEOUS)


def _same_time_verbs(verb: Token) -> list[Token]:
    """Verbs whose date is this event's date: coordinated verbs where one of the two has no
    subject of its own ("were killed and wounded on Sunday"), participle and "when/as"
    clauses of the verb, and the verb a participle or "when/as" clause depends on."""
    out = [
        c
        for c in verb.children
        if (c.dep_ == "conj" and c.pos_ in {"VERB", "AUX"} and not _has_subject(c))
        or _is_participle(c)
        or _is_simultaneous(c)
    ]
    shares = verb.dep_ == "conj" and not _has_subject(verb)
    if shares or _is_participle(verb) or _is_simultaneous(verb):
        out.append(verb.head)
    return out


def _is_duration(ent: Span) -> bool:
    """ "for eight years", "three months": a length of time, not a date."""
    words = [t.lower_ for t in ent]
    anchored = any(w in _ANCHORS or _is_year(w) for w in words)
    return not anchored and (ent.root.head.lower_ in {"for", "during"} or words[-1] in _UNITS)


def _in_clause(ent: Span, tokens: list[Token]) -> bool:
    ids = {t.i for t in tokens}
    return ent.root.i in ids


def _attached_dates(verb: Token) -> list[Span]:
    """Date expressions of the event, nearest first: on the verb, anywhere in its own clause
    ("captured ... in the 1967 war"), then on a verb that happens at the same time."""
    ents = [e for e in _sentence_dates(verb) if not _is_duration(e)]
    if not ents:
        return []
    found = [e for e in ents if _hangs_off(e, verb)]
    clause = _clause_tokens(verb)  # once, not once per entity
    found += [e for e in ents if e not in found and _in_clause(e, clause)]
    for other in _same_time_verbs(verb):
        tokens = [other, *_clause_tokens(other)]
        found += [e for e in ents if e not in found and _in_clause(e, tokens)]
    return found


def event_date(verb: Token, *, published: date | None) -> ResolvedDate | None:
    """The event's date: a date expression attached to the verb, else the publication date."""
    if published is None:
        return None
    for ent in _attached_dates(verb):
        resolved = resolve_date_text(ent.text, published=published)
        if resolved is not None:
            return resolved
    return ResolvedDate(published, "day", "publication")
