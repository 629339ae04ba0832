from datetime import date

import pytest
from spacy.language import Language

from communique.dates import event_date, resolve_date_text

MONDAY = date(2023, 7, 24)


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("Monday", date(2023, 7, 24), "day"),  # published on a Monday: that day
        ("on Friday", date(2023, 7, 21), "day"),
        ("last Monday", date(2023, 7, 17), "day"),
        ("next Tuesday", date(2023, 7, 25), "day"),
        ("yesterday", date(2023, 7, 23), "day"),
        ("today", date(2023, 7, 24), "day"),
        ("24 July", date(2023, 7, 24), "day"),
        ("July 20, 2023", date(2023, 7, 20), "day"),
        ("in 2019", date(2019, 1, 1), "year"),
        ("March 2022", date(2022, 3, 1), "month"),
        ("on 24 July", date(2023, 7, 24), "day"),
        ("on Monday", date(2023, 7, 24), "day"),
        ("Monday's", date(2023, 7, 24), "day"),
        ("last Tuesday", date(2023, 7, 18), "day"),
        ("Tuesday night", date(2023, 7, 18), "day"),
        ("earlier this month", date(2023, 7, 1), "month"),
        ("earlier this year", date(2023, 1, 1), "year"),
        ("last month", date(2023, 6, 1), "month"),
        ("in December", date(2022, 12, 1), "month"),  # the past December
        ("last week", date(2023, 7, 17), "week"),  # the Monday of the week before
        ("this week", date(2023, 7, 24), "week"),
        ("two days ago", date(2023, 7, 22), "day"),
    ],
)
def test_resolve_date_text(text: str, expected: date, precision: str) -> None:
    resolved = resolve_date_text(text, published=MONDAY)
    assert resolved is not None
    assert (resolved.day, resolved.precision, resolved.source) == (expected, precision, "sentence")


def test_not_a_date() -> None:
    assert resolve_date_text("the foreign ministry", published=MONDAY) is None


def test_event_date_from_attached_expression(bare_nlp: Language) -> None:
    doc = bare_nlp("Wang Yi met with Ali Akbar Ahmadian in Johannesburg on Monday.")
    verb = next(t for t in doc if t.lemma_ == "meet")
    resolved = event_date(verb, published=MONDAY)
    assert resolved is not None
    assert (resolved.day, resolved.source, resolved.text) == (MONDAY, "sentence", "Monday")


def test_event_date_defaults_to_publication(bare_nlp: Language) -> None:
    doc = bare_nlp("Egypt condemned the attack.")
    verb = next(t for t in doc if t.lemma_ == "condemn")
    resolved = event_date(verb, published=MONDAY)
    assert resolved is not None
    assert (resolved.day, resolved.source, resolved.precision) == (MONDAY, "publication", "day")
    assert event_date(verb, published=None) is None


def _verb_date(nlp: Language, text: str, verb: str) -> tuple[date, str, str] | None:
    doc = nlp(text)
    token = next(t for t in doc if t.text == verb)
    resolved = event_date(token, published=MONDAY)
    return None if resolved is None else (resolved.day, resolved.precision, resolved.source)


@pytest.mark.parametrize(
    ("text", "verb", "expected"),
    [
        # each clause keeps its own date
        (
            "Police arrested him on Friday and he was released yesterday.",
            "arrested",
            (date(2023, 7, 21), "day", "sentence"),
        ),
        (
            "Police arrested him on Friday and he was released yesterday.",
            "released",
            (date(2023, 7, 23), "day", "sentence"),
        ),
        # a date in a subordinate clause does not date the main verb
        (
            "The minister condemned the attack that killed ten people last Tuesday.",
            "condemned",
            (MONDAY, "day", "publication"),
        ),
        # a date on the verb's object belongs to its clause
        (
            "Rebels launched an attack on Sunday.",
            "launched",
            (date(2023, 7, 23), "day", "sentence"),
        ),
        # coordinated verbs that share a subject share the date
        (
            "Two soldiers were killed and wounded on Sunday.",
            "killed",
            (date(2023, 7, 23), "day", "sentence"),
        ),
        (
            "Officials said protesters gathered earlier this month.",
            "gathered",
            (date(2023, 7, 1), "month", "sentence"),
        ),
        (
            "The two countries signed the treaty in 2019.",
            "signed",
            (date(2019, 1, 1), "year", "sentence"),
        ),
        (
            "Troops entered the town last week.",
            "entered",
            (date(2023, 7, 17), "week", "sentence"),
        ),
    ],
)
def test_event_date_of_the_clause(
    bare_nlp: Language, text: str, verb: str, expected: tuple[date, str, str]
) -> None:
    assert _verb_date(bare_nlp, text, verb) == expected
