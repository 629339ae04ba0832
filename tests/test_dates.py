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
