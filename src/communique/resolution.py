"""Resolving many actor phrases at once (``communique actors resolve --jsonl``).

Each request is one JSON object: ``text`` (the phrase), optional ``context`` (a sentence the text
occurs in) and ``date`` (YYYY-MM-DD, for date-ranged roles). Without context the phrase is
resolved on its own (:func:`communique.actors.resolve_text`); with context the context is parsed,
its mentions resolved (:func:`communique.actors.resolve_mentions`, so that "the ministry" or a
surname can link back to an earlier mention), and the mention at the text's place completes the
text's own resolution (:func:`resolve_in_context`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from spacy.language import Language
from spacy.tokens import Span

from communique.actors import (
    ActorResources,
    complete_actor,
    context_countries,
    is_city_place,
    resolve_mentions,
    resolve_text,
)
from communique.model import Actor, Mention

__all__ = ["ResolveRequest", "parse_request", "resolution_dict", "resolve", "resolve_in_context"]


@dataclass(frozen=True, slots=True)
class ResolveRequest:
    text: str
    context: str | None = None
    day: date | None = None


def _optional_text(record: Mapping[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"'{key}' must be a string")
    return value


def parse_request(line: str) -> ResolveRequest:
    """One JSON line -> a request; ``ValueError`` saying what is wrong with it."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc.msg}") from None
    if not isinstance(record, dict):
        raise ValueError("expected a JSON object")
    text = _optional_text(record, "text")
    if not text or not text.strip():
        raise ValueError("no 'text'")
    raw_day = _optional_text(record, "date")
    try:
        day = date.fromisoformat(raw_day) if raw_day else None
    except ValueError:
        raise ValueError(f"date {raw_day!r} is not YYYY-MM-DD") from None
    return ResolveRequest(text, _optional_text(record, "context"), day)


def _occurrences(text: str, context: str) -> list[tuple[int, int]]:
    """Whole-word occurrences of ``text`` (case-sensitive ones, else any case)."""
    pattern = rf"(?<!\w){re.escape(text.strip())}(?!\w)"
    for flags in (0, re.IGNORECASE):
        found = [(m.start(), m.end()) for m in re.finditer(pattern, context, flags=flags)]
        if found:
            return found
    raise ValueError("'text' does not occur in 'context'")


_MODIFIER_DEPS = frozenset(
    {"amod", "compound", "poss", "nmod", "conj", "nummod", "npadvmod", "appos"}
)


def _own_mention(span: Span, mentions: Mapping[int, Mention]) -> Mention | None:
    """The mention of the text's own head, else of the noun the text modifies ("Hungarian" in
    "Senior Hungarian and Romanian officials" -> "officials") or is in apposition to ("the
    opposition newspaper La Prensa" -> "newspaper")."""
    tok = span.root
    while tok.i not in mentions and tok.dep_ in _MODIFIER_DEPS and tok.head.i != tok.i:
        tok = tok.head
    return mentions.get(tok.i)


def _fit(mention: Mention, start: int, end: int) -> tuple[bool, int, int]:
    """Exact span first, then the largest overlap, then the closest length."""
    span = mention.span
    overlap = min(end, span.end) - max(start, span.start)
    exact = (span.start, span.end) == (start, end)
    return exact, overlap, -abs((span.end - span.start) - (end - start))


def _overlapping(spans: list[tuple[int, int]], mentions: list[Mention]) -> Mention | None:
    """Of the mentions overlapping an occurrence, one spanning it exactly, else the largest
    overlap with the first occurrence that has one."""
    scored = [
        (_fit(m, start, end), -rank, m)
        for rank, (start, end) in enumerate(spans)
        for m in mentions
        if _fit(m, start, end)[1] > 0
    ]
    if not scored:
        return None
    return max(scored, key=lambda item: (item[0][0], item[1], item[0][1:]))[2]


def resolve_in_context(
    text: str, context: str, nlp: Language, res: ActorResources, *, day: date | None
) -> Actor | None:
    """The actor of ``text`` as it occurs in ``context`` (or None).

    The text is resolved on its own (:func:`resolve_text`) and completed by the sentence: a
    country or sector it lacks comes from the mention at its place - the mention of its own
    head (with that mention's appositives and coreference: a surname linked back to a full
    name wins outright) or, for a modifier, of the noun it modifies ("Hungarian" in "Senior
    Hungarian and Romanian officials"), then the mention that overlaps it most. Raises
    ``ValueError`` when ``text`` does not occur in ``context``.
    """
    spans = _occurrences(text, context)
    doc = nlp(context)
    mentions = resolve_mentions(doc, res, day=day)
    own = None
    chosen = spans[0]  # the occurrence whose sentence completes the actor
    for start, end in spans:
        span = doc.char_span(start, end, alignment_mode="expand")
        own = _own_mention(span, mentions) if span is not None else None
        if own is not None:
            if own.antecedent is not None and span is not None and span.root.i in mentions:
                return own.actor  # "Quill" after "Ada Quill": the linked person
            chosen = (start, end)
            break
    near = [m.actor for m in (own, _overlapping(spans, list(mentions.values()))) if m]
    actor = complete_actor(resolve_text(text, nlp, res, day=day), near, res)
    span = doc.char_span(*chosen, alignment_mode="expand")
    if span is None:
        return actor
    countries = context_countries(span, res)
    if actor is None:
        return _unknown_place(span, countries, res)
    return _place_people(span, _resident(text, actor, countries, res), res)


_PLACE_ENTITIES = frozenset({"GPE", "LOC"})


def _unknown_place(span: Span, countries: list[str], res: ActorResources) -> Actor | None:
    """A place name the knowledge base lacks ("a curfew in the town of Cizre in southeastern
    Turkey"), named as a place, not as a subject: the sentence's country, its people (CVL)."""
    root = span.root
    named = root.pos_ == "PROPN" and root.ent_type_ in _PLACE_ENTITIES
    if not countries or not named or root.dep_ not in {"pobj", "dobj"}:
        return None
    agent = res.rules.people_agent
    country = countries[0]
    return Actor(text=span.text, country=country, agent=agent, code=country + agent)


def _resident(text: str, actor: Actor, countries: list[str], res: ActorResources) -> Actor:
    """An actor the text gives no country ("Shona rebels", "Judge Alejandro Rivera") takes the
    sentence's country (:func:`communique.actors.context_countries`: a place first, else the
    first country named); an ethnic group ("ethnic Albanians", "the Albanian population") takes
    the first other country (CAMEO codes a people by its country of residence)."""
    if actor.country is None:
        return _with_country(actor, countries[0]) if countries else actor
    words = {w.strip(".,").lower() for w in text.split()}
    if not words & res.rules.ethnic_markers or words & res.rules.phrase_preps:
        return actor  # "ethnic Albanians in south Serbia" names its own country
    others = [c for c in countries if c != actor.country]
    return _with_country(actor, others[0]) if others else actor


def _with_country(actor: Actor, country: str) -> Actor:
    own = actor.country or ""
    return replace(actor, country=country, code=country + actor.code[len(own) :])


def _place_people(span: Span, actor: Actor, res: ActorResources) -> Actor:
    """A city named as a place or an object, not as a subject ("a curfew in Abidjan", "would
    blockade Paris"), stands for its people (CVL), not for its government ("Algiers said")."""
    if actor.country is None or not is_city_place(span, res):
        return actor
    agent = res.rules.people_agent
    return replace(actor, agent=agent, code=actor.country + agent, entity_id=None, name=None)


def resolve(request: ResolveRequest, nlp: Language, res: ActorResources) -> Actor | None:
    if request.context is None:
        return resolve_text(request.text, nlp, res, day=request.day)
    return resolve_in_context(request.text, request.context, nlp, res, day=request.day)


def resolution_dict(text: str | None, actor: Actor | None) -> dict[str, Any]:
    """``{text, country, agent, code, entity}``; nulls when nothing was resolved."""
    return {
        "text": text,
        "country": actor.country if actor else None,
        "agent": actor.agent if actor else None,
        "code": actor.code if actor else None,
        "entity": actor.entity_id if actor else None,
    }
