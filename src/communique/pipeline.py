"""The pipeline: document -> article -> parse -> actors -> events -> where/when.

Every resource (spaCy pipeline, dictionaries, gazetteer) is loaded once into a
:class:`Resources` object that the caller keeps and passes in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date

from spacy.language import Language
from spacy.tokens import Doc

from communique.actors import ActorResources, load_actor_resources, resolve_mentions
from communique.config import Config
from communique.dates import event_date
from communique.dictionaries import load_verb_dictionary
from communique.embedding import EmbeddingResources, embedding_events, load_embedding_resources
from communique.events import CoderResources, code_events, load_coder_resources, refine_meeting
from communique.extract import extract_article
from communique.geo import (
    Gazetteer,
    LocationModel,
    Toponym,
    event_location,
    load_gazetteer,
    load_location_model,
    toponyms,
)
from communique.ingest import InputError
from communique.model import Actor, Article, Document, Event, Location, Mention
from communique.nlp import load_nlp
from communique.ontology import load_ontology
from communique.user_dictionaries import (
    UserDictionaries,
    co_actors,
    load_user_dictionaries,
    with_user_actors,
    with_user_rules,
    with_user_verbs,
)

__all__ = [
    "Resources",
    "Result",
    "code_document",
    "is_codable",
    "load_resources",
    "process_articles",
    "process_documents",
    "user_coder_resources",
]


@dataclass(frozen=True)
class Resources:
    config: Config
    nlp: Language
    actors: ActorResources
    coder: CoderResources
    gazetteer: Gazetteer
    dictionary_notes: tuple[str, ...] = ()  # what was adapted in the user's dictionary files
    embedding: EmbeddingResources | None = None  # Config.embedding_fallback
    location_model: LocationModel | None = None  # the learned place choice; None: the rules


def user_coder_resources(user: UserDictionaries) -> CoderResources:
    """The coder's resources with the user's verbs, their event-noun rule and several-code
    actors (:mod:`communique.user_dictionaries`)."""
    coder = load_coder_resources(verbs=with_user_verbs(load_verb_dictionary(), user))
    return replace(coder, rules=with_user_rules(coder.rules, user), co_actors=co_actors(user))


def load_resources(config: Config | None = None) -> Resources:
    """Load every model and data file once, with the user's dictionaries (``config.*_files``).

    Raises ``DictionaryError`` naming the file and line of a user dictionary that cannot be read.
    """
    config = config or Config()
    ontology = load_ontology()
    user = load_user_dictionaries(config, known_codes=ontology.codes)  # before spaCy
    embedding = load_embedding_resources(ontology) if config.embedding_fallback else None
    return Resources(
        config=config,
        nlp=load_nlp(config),
        actors=with_user_actors(load_actor_resources(), user),
        coder=user_coder_resources(user),
        gazetteer=load_gazetteer(min_city_population=config.min_city_population),
        dictionary_notes=user.notes,
        embedding=embedding,
        location_model=load_location_model(),
    )


@dataclass(frozen=True, slots=True)
class Result:
    article: Article
    mentions: tuple[Mention, ...]
    events: tuple[Event, ...]
    toponyms: tuple[Toponym, ...] = ()  # every place name of the article, resolved


def _where_when(
    event: Event, doc: Doc, article: Article, res: Resources, places: list[Toponym]
) -> Event:
    verb = doc.char_span(event.offsets.verb.start, event.offsets.verb.end)
    if verb is None:
        return event
    token = verb.root
    when = event_date(token, published=article.published)
    rules = res.coder.rules
    where = event_location(token, places, preps=rules.location_preps, model=res.location_model)
    located = replace(
        event,
        date=when.day if when else None,
        date_source=when.source if when else "none",
        date_precision=when.precision if when else None,
        location=where,
    )
    return refine_meeting(_localise(located), rules, res.coder.ontology)


def _with_country(actor: Actor, loc: Location | None) -> Actor:
    if actor.country or actor.agent is None or loc is None or loc.country is None:
        return actor  # a known country, the unknown source ("---"), or no place to take
    return replace(actor, country=loc.country, code=loc.country + actor.code)


def _localise(event: Event) -> Event:
    """Actors known only by sector ("protesters") take the country of the event's place."""
    target = _with_country(event.target, event.location) if event.target else None
    return replace(event, source=_with_country(event.source, event.location), target=target)


def analyse(article: Article, doc: Doc, res: Resources) -> Result:
    """Actors, events, dates and places of one parsed article."""
    mentions = resolve_mentions(doc, res.actors, day=article.published)
    events = code_events(article, doc, mentions, res.coder, include_title=res.config.code_title)
    if res.embedding is not None:  # sentences the dictionary left uncoded
        events += embedding_events(
            article,
            doc,
            mentions,
            events,
            res.coder,
            res.embedding,
            include_title=res.config.code_title,
        )
    context = [m.actor.country for m in mentions.values() if m.actor.country]  # weighted
    places = toponyms(doc, res.gazetteer, context=context)
    located = [_where_when(e, doc, article, res, places) for e in events]
    kept = [e for e in located if e.confidence >= res.config.min_confidence]
    ordered = sorted(mentions.values(), key=lambda m: m.span.start)
    return Result(article, tuple(ordered), tuple(kept), toponyms=tuple(places))


def is_codable(article: Article) -> bool:
    """English, or of no detected language ("und", None): other languages are stored, not coded."""
    return article.language in (None, "en", "und")


def process_articles(articles: Iterable[Article], res: Resources) -> Iterator[Result]:
    """Parse articles in batches (``nlp.pipe``) and analyse each; an article that is not
    :func:`is_codable` gets a Result with no mentions and no events (and is not parsed)."""
    pairs = ((a.text if is_codable(a) else "", a) for a in articles)
    batch = res.config.batch_size
    for doc, article in res.nlp.pipe(pairs, as_tuples=True, batch_size=batch):
        yield analyse(article, doc, res) if is_codable(article) else Result(article, (), ())


def _too_big(size: int, limit: int) -> str | None:
    return f"{size:,} characters (the limit is {limit:,})" if size > limit else None


def _to_article(
    doc: Document, default_published: date | None, config: Config
) -> Article | InputError:
    if size := _too_big(len(doc.content), config.max_document_chars):
        return InputError(doc.doc_id, f"document too large to extract: {size}")
    try:
        article = extract_article(doc)
    except Exception as exc:  # a broken page must not stop the batch
        return InputError(doc.doc_id, f"extraction failed: {type(exc).__name__}: {exc}")
    if not article.body.strip():
        return InputError(doc.doc_id, "no article text found after extraction")
    if size := _too_big(len(article.text), config.max_article_chars):
        return InputError(doc.doc_id, f"article text too long to parse: {size}")
    if article.published is None and default_published is not None:
        return replace(article, published=default_published)
    return article


def process_documents(
    items: Iterable[Document | InputError],
    res: Resources,
    *,
    default_published: date | None = None,
    skip: Callable[[Article], bool] | None = None,
) -> Iterator[Result | InputError]:
    """Extract, parse (in batches) and analyse documents; input errors pass straight through.

    ``default_published`` dates articles for which neither the input record nor the page
    itself (meta tags, a dateline) gives a publication date. Articles for which ``skip``
    returns True (e.g. ``Store.is_stored``: a rerun resumes) are dropped before parsing.
    """
    batch: list[Article] = []
    for item in items:
        converted = (
            item
            if isinstance(item, InputError)
            else _to_article(item, default_published, res.config)
        )
        if isinstance(converted, InputError):
            yield converted
            continue
        if skip is not None and skip(converted):
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
