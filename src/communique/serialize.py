"""Events, actors and articles as plain JSON-ready dictionaries (the CLI/API contract)."""

from __future__ import annotations

from typing import Any

from communique.geo import Toponym
from communique.model import Actor, Article, Event, Location, Mention, Span

__all__ = [
    "actor_dict",
    "article_dict",
    "event_dict",
    "mention_dict",
    "stored_event_dict",
    "toponym_dict",
]


def _span(span: Span | None) -> list[int] | None:
    return [span.start, span.end] if span else None


def actor_dict(actor: Actor | None) -> dict[str, Any] | None:
    if actor is None:
        return None
    return {
        "text": actor.text,
        "country": actor.country,
        "agent": actor.agent,
        "code": actor.code,
        "entity_id": actor.entity_id,
        "name": actor.name,
    }


def location_dict(loc: Location | None) -> dict[str, Any] | None:
    if loc is None:
        return None
    return {
        "name": loc.name,
        "country": loc.country,
        "lat": loc.lat,
        "lon": loc.lon,
        "geonameid": loc.geonameid,
        "feature": loc.feature,
        "admin1": loc.admin1,
        "feature_class": loc.feature_class,
        "precision": loc.feature,
    }


def toponym_dict(doc_id: str, top: Toponym) -> dict[str, Any]:
    """One place-name mention and its resolution (``communique places``); resolution fields
    are null when the gazetteer does not know the name."""
    place = top.place
    return {
        "doc_id": doc_id,
        "text": top.text,
        "start": top.span.start,
        "end": top.span.end,
        "source": top.source,
        "name": place.name if place else None,
        "geonameid": place.geonameid if place else None,
        "feature_class": place.feature_class if place else None,
        "admin1": place.admin1 if place else None,
        "country": place.country if place else None,
        "lat": place.lat if place else None,
        "lon": place.lon if place else None,
        "precision": place.feature if place else None,
    }


def event_dict(event: Event) -> dict[str, Any]:
    return {
        "doc_id": event.doc_id,
        "sentence": event.sentence,
        "cameo": event.cameo,
        "cameo_name": event.cameo_name,
        "goldstein": event.goldstein,
        "quad_class": event.quad_class,
        "plover_type": event.plover_type,
        "plover_mode": event.plover_mode,
        "source": actor_dict(event.source),
        "target": actor_dict(event.target),
        "date": event.date.isoformat() if event.date else None,
        "date_source": event.date_source,
        "date_precision": event.date_precision,
        "location": location_dict(event.location),
        "confidence": event.confidence,
        "offsets": {
            "sentence": _span(event.sentence_span),
            "source": _span(event.offsets.source),
            "verb": _span(event.offsets.verb),
            "target": _span(event.offsets.target),
        },
        "rule": event.rule,
    }


def mention_dict(mention: Mention) -> dict[str, Any]:
    return {
        "text": mention.text,
        "span": _span(mention.span),
        "sentence": mention.sentence,
        "antecedent": mention.antecedent,
        "actor": actor_dict(mention.actor),
    }


def article_dict(article: Article) -> dict[str, Any]:
    return {
        "doc_id": article.doc_id,
        "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "section": article.section,
        "caption": article.caption,
        "author": article.author,
        "language": article.language,
        "url": article.url,
        "text": article.body,
    }


_STORED_PLAIN = (
    "event_id",
    "doc_id",
    "sentence",
    "cameo",
    "cameo_name",
    "goldstein",
    "quad_class",
    "plover_type",
    "plover_mode",
    "date_source",
    "date_precision",
    "confidence",
    "rule",
)


def _stored_actor(row: dict[str, Any], prefix: str) -> dict[str, Any] | None:
    if row[f"{prefix}_code"] is None:
        return None
    keys = ("text", "country", "agent", "code", "entity", "name")
    return {("entity_id" if k == "entity" else k): row[f"{prefix}_{k}"] for k in keys}


def _stored_span(row: dict[str, Any], name: str) -> list[int] | None:
    start = row[f"{name}_start"]
    return None if start is None else [start, row[f"{name}_end"]]


def stored_event_dict(row: dict[str, Any]) -> dict[str, Any]:
    """A store row (``Store.events``) in the shape ``communique code`` prints, with its
    ``event_id``; offsets are into the stored article's text (title + body)."""
    loc = None
    if row["location_name"] is not None:
        loc = {
            "name": row["location_name"],
            "country": row["location_country"],
            "lat": row["lat"],
            "lon": row["lon"],
            "geonameid": row["geonameid"],
            "feature": row["location_feature"],
            "admin1": row.get("location_admin1"),
            "feature_class": row.get("location_feature_class"),
            "precision": row["location_feature"],
        }
    event = {k: row[k] for k in _STORED_PLAIN}
    day = row["event_date"]
    event.update(
        source=_stored_actor(row, "source"),
        target=_stored_actor(row, "target"),
        location=loc,
        offsets={n: _stored_span(row, n) for n in ("sentence", "source", "verb", "target")},
        date=day.isoformat() if day else None,
    )
    return event
