"""The typed data model shared by every stage: frozen dataclasses only.

Offsets are character offsets into ``Article.text`` (the cleaned body, with the title
prepended as its first paragraph; see :func:`communique.extract.extract_article`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class Document:
    """A raw input document, before extraction."""

    doc_id: str
    content: str
    kind: str  # "html" | "text"
    url: str | None = None
    title: str | None = None
    published: date | None = None
    crawled: date | None = None  # when it was archived (WARC-Date): a last-resort publication date


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned article. ``text`` is title + body; ``body_start`` is where the body begins."""

    doc_id: str
    title: str | None
    text: str
    body_start: int
    published: date | None
    section: str | None = None
    caption: str | None = None
    author: str | None = None
    language: str | None = None
    url: str | None = None
    removed: tuple[str, ...] = ()  # boilerplate lines that were dropped, for inspection

    @property
    def body(self) -> str:
        return self.text[self.body_start :]


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character span ``[start, end)`` into ``Article.text``."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class SentenceSpan:
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Actor:
    """A resolved actor. ``country`` is ISO3 or an IGO/special CAMEO code (e.g. ``IGOUNO``)."""

    text: str
    country: str | None
    agent: str | None
    code: str
    entity_id: str | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    """A mention of an actor in the article text, with its resolution."""

    span: Span
    text: str
    actor: Actor
    sentence: int  # index of the sentence in the article
    antecedent: str | None = None  # the text of the mention it corefers with, if linked


@dataclass(frozen=True, slots=True)
class Location:
    name: str
    country: str | None  # ISO3
    lat: float
    lon: float
    geonameid: int | None = None
    feature: str | None = None  # the precision: "city" | "admin1" | "country"
    span: Span | None = None
    admin1: str | None = None  # name of the first-level admin area (state, province)
    feature_class: str | None = None  # GeoNames feature class: "P" (city) | "A" (area)


@dataclass(frozen=True, slots=True)
class Offsets:
    """Character offsets into ``Article.text`` of the three parts of an event."""

    source: Span | None
    verb: Span
    target: Span | None


@dataclass(frozen=True, slots=True)
class Event:
    doc_id: str
    sentence: str
    sentence_span: Span
    cameo: str
    cameo_name: str  # "user code" for a user verb dictionary's non-CAMEO code
    goldstein: float | None  # None for a user code
    quad_class: int | None  # None for a user code outside the CAMEO roots
    plover_type: str | None
    plover_mode: str | None
    source: Actor
    target: Actor | None
    date: date | None
    date_source: str  # "sentence" | "publication" | "none"
    date_precision: str | None  # "day" | "week" | "month" | "year"
    location: Location | None
    confidence: float
    offsets: Offsets
    rule: str  # the dictionary pattern / rule that fired
    negated: bool = False
    extras: tuple[tuple[str, str], ...] = field(default=())
