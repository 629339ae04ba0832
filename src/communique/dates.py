"""When: the date of an event, from date expressions attached to its verb, else publication.

News conventions: a bare weekday ("on Monday") is the latest such day on or before the
publication date (so "Monday" in an article published on a Monday is that day); other
expressions are resolved by dateparser with the publication date as the base, preferring the
past.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateparser.date import DateDataParser
from spacy.tokens import Span, Token

__all__ = ["ResolvedDate", "event_date", "resolve_date_text"]

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RELATIVE_DAYS = {"today": 0, "yesterday": -1, "tomorrow": 1, "tonight": 0}
_DATE_DEPS = frozenset({"npadvmod", "tmod", "obl", "advmod"})


@dataclass(frozen=True, slots=True)
class ResolvedDate:
    day: date
    precision: str  # "day" | "month" | "year"
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


def resolve_date_text(text: str, *, published: date) -> ResolvedDate | None:
    """Resolve a date expression against the publication date; None when it is not a date."""
    words = [w.strip(".,").lower() for w in text.split()]
    simple = _relative_day(words, published) or _weekday(words, published)
    if simple is not None:
        return ResolvedDate(simple, "day", "sentence", text)
    return _dateparser(text, published)


def _dateparser(text: str, published: date) -> ResolvedDate | None:
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
    return ResolvedDate(day, precision, "sentence", text)


def _attached_dates(verb: Token) -> list[Span]:
    """DATE entities whose root hangs off the verb directly or through one preposition."""
    found = []
    for ent in verb.doc.ents:
        if ent.label_ != "DATE" or not (verb.sent.start <= ent.start < verb.sent.end):
            continue
        root = ent.root
        direct = root.head.i == verb.i and root.dep_ in _DATE_DEPS | {"pobj", "dobj"}
        via_prep = root.dep_ == "pobj" and root.head.dep_ == "prep" and root.head.head.i == verb.i
        if direct or via_prep:
            found.append(ent)
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
