"""Coded results built by hand (no spaCy), for store, analytics and export tests."""

from __future__ import annotations

from datetime import date
from functools import cache

from communique.model import Actor, Article, Event, Location, Offsets, Span
from communique.ontology import Ontology, load_ontology
from communique.pipeline import Result

TEHRAN = Location("Tehran", "IRN", 35.69439, 51.42151, geonameid=112931, feature="city")
BEIJING = Location("Beijing", "CHN", 39.9075, 116.39723, geonameid=1816670, feature="city")
ISFAHAN = Location("Isfahan", "IRN", 32.65246, 51.67462, geonameid=418863, feature="city")
IRAN = Location("Iran", "IRN", 32.0, 53.0, geonameid=130758, feature="country")


@cache
def ontology() -> Ontology:
    return load_ontology()


def actor(code: str) -> Actor:
    country = code[:6] if code.startswith("IGO") else code[:3]
    agent = code[len(country) :] or None
    return Actor(text=code.title(), country=country, agent=agent, code=code, name=None)


def event(
    doc_id: str,
    source: str,
    target: str | None,
    cameo: str,
    day: date | None,
    *,
    at: int = 0,
    place: Location | None = None,
    confidence: float = 0.6,
    sentence: str | None = None,
) -> Event:
    """One report; ``at`` is the sentence's offset (one event per sentence)."""
    entry = ontology().describe(cameo)  # a user code ("903") too
    text = sentence or f"{source} did {entry.name} to {target}."
    return Event(
        doc_id=doc_id,
        sentence=text,
        sentence_span=Span(at, at + len(text)),
        cameo=cameo,
        cameo_name=entry.name,
        goldstein=entry.goldstein,
        quad_class=entry.quad_class,
        plover_type=entry.plover_type,
        plover_mode=entry.plover_mode,
        source=actor(source),
        target=actor(target) if target else None,
        date=day,
        date_source="sentence" if day else "none",
        date_precision="day" if day else None,
        location=place,
        confidence=confidence,
        offsets=Offsets(
            source=Span(at, at + 3), verb=Span(at + 4, at + 7), target=Span(at + 8, at + 11)
        ),
        rule=f"test:{cameo}",
    )


def result(
    doc_id: str,
    events: list[Event],
    *,
    url: str | None = None,
    text: str | None = None,
    published: date | None = None,
    language: str | None = "en",
) -> Result:
    body = text if text is not None else " ".join(e.sentence for e in events) or doc_id
    article = Article(
        doc_id=doc_id,
        title=f"Title {doc_id}",
        text=body,
        body_start=0,
        published=published,
        language=language,
        url=url,
    )
    return Result(article=article, mentions=(), events=tuple(events))
