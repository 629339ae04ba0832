"""The pipeline: document -> article -> parse -> actors -> events -> where/when.

Every resource (spaCy pipeline, dictionaries, gazetteer) is loaded once into a
:class:`Resources` object that the caller keeps and passes in.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date

from spacy.language import Language
from spacy.tokens import Doc

from communique.actors import ActorResources, load_actor_resources, resolve_mentions
from communique.config import Config
from communique.dates import event_date
from communique.events import CoderResources, code_events, load_coder_resources, refine_meeting
from communique.extract import extract_article
from communique.geo import Gazetteer, event_location, load_gazetteer
from communique.ingest import InputError
from communique.model import Actor, Article, Document, Event, Location, Mention
from communique.nlp import load_nlp

__all__ = [
    "Resources",
    "Result",
    "code_document",
    "load_resources",
    "process_articles",
    "process_documents",
]


@dataclass(frozen=True)
class Resources:
    config: Config
    nlp: Language
    actors: ActorResources
    coder: CoderResources
    gazetteer: Gazetteer


def load_resources(config: Config | None = None) -> Resources:
    """Load every model and data file once."""
    config = config or Config()
    return Resources(
        config=config,
        nlp=load_nlp(config),
        actors=load_actor_resources(),
        coder=load_coder_resources(),
        gazetteer=load_gazetteer(min_city_population=config.min_city_population),
    )


@dataclass(frozen=True, slots=True)
class Result:
    article: Article
    mentions: tuple[Mention, ...]
    events: tuple[Event, ...]


def _where_when(
    event: Event, doc: Doc, article: Article, res: Resources, context: list[str]
) -> Event:
    verb = doc.char_span(event.offsets.verb.start, event.offsets.verb.end)
    if verb is None:
        return event
    token = verb.root
    when = event_date(token, published=article.published)
    rules = res.coder.rules
    where = event_location(token, res.gazetteer, preps=rules.location_preps, context=context)
    located = replace(
        event,
        date=when.day if when else None,
        date_source=when.source if when else "none",
        date_precision=when.precision if when else None,
        location=where,
    )
    return refine_meeting(_localise(located), rules, res.coder.ontology)


def _with_country(actor: Actor, loc: Location | None) -> Actor:
    if actor.country or loc is None or loc.country is None:
        return actor
    return replace(actor, country=loc.country, code=loc.country + actor.code)


def _localise(event: Event) -> Event:
    """Actors known only by sector ("protesters") take the country of the event's place."""
    target = _with_country(event.target, event.location) if event.target else None
    return replace(event, source=_with_country(event.source, event.location), target=target)


def analyse(article: Article, doc: Doc, res: Resources) -> Result:
    """Actors, events, dates and places of one parsed article."""
    mentions = resolve_mentions(doc, res.actors, day=article.published)
    events = code_events(article, doc, mentions, res.coder, include_title=res.config.code_title)
    context = sorted({m.actor.country for m in mentions.values() if m.actor.country})
    located = [_where_when(e, doc, article, res, context) for e in events]
    kept = [e for e in located if e.confidence >= res.config.min_confidence]
    ordered = sorted(mentions.values(), key=lambda m: m.span.start)
    return Result(article=article, mentions=tuple(ordered), events=tuple(kept))


def process_articles(articles: Iterable[Article], res: Resources) -> Iterator[Result]:
    """Parse articles in batches (``nlp.pipe``) and analyse each."""
    pairs = ((a.text, a) for a in articles)
    batch = res.config.batch_size
    for doc, article in res.nlp.pipe(pairs, as_tuples=True, batch_size=batch):
        yield analyse(article, doc, res)


def _to_article(doc: Document, default_published: date | None) -> Article | InputError:
    try:
        article = extract_article(doc)
    except Exception as exc:  # a broken page must not stop the batch
        return InputError(doc.doc_id, f"extraction failed: {type(exc).__name__}: {exc}")
    if not article.body.strip():
        return InputError(doc.doc_id, "no article text found after extraction")
    if article.published is None and default_published is not None:
        return replace(article, published=default_published)
    return article


def process_documents(
    items: Iterable[Document | InputError],
    res: Resources,
    *,
    default_published: date | None = None,
) -> Iterator[Result | InputError]:
    """Extract, parse (in batches) and analyse documents; input errors pass straight through.

    ``default_published`` dates articles for which neither the input record nor the page
    itself (meta tags, a dateline) gives a publication date.
    """
    batch: list[Article] = []
    for item in items:
        converted = item if isinstance(item, InputError) else _to_article(item, default_published)
        if isinstance(converted, InputError):
            yield converted
            continue
        batch.append(converted)
        if len(batch) >= res.config.batch_size:
            yield from process_articles(batch, res)
            batch = []
    yield from process_articles(batch, res)


def code_document(document: Document, res: Resources) -> Result:
    """Code one document; raises ``ValueError`` naming the document when it has no text."""
    for item in process_documents([document], res):
        if isinstance(item, InputError):
            raise ValueError(f"{item.path}: {item.reason}")
        return item
    raise ValueError(f"{document.doc_id}: nothing was produced")
