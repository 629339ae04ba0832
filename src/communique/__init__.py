"""communique: raw world-news pages in, coded political events (CAMEO, PLOVER) out.

The public API is what ``__all__`` lists (pinned by ``tests/test_public_api.py``)::

    import communique
    res = communique.load_resources()
    doc = communique.Document(doc_id="a1", content=text, kind="text")
    result = communique.code_document(doc, res)
    for event in result.events: ...
"""

from communique.config import Config
from communique.extract import extract_article
from communique.ingest import InputError, iter_documents
from communique.model import Actor, Article, Document, Event, Location, Mention, Offsets, Span
from communique.pipeline import (
    Resources,
    Result,
    code_document,
    load_resources,
    process_articles,
    process_documents,
)
from communique.serialize import event_dict
from communique.store import EventFilter, Store, open_store

__version__ = "0.1.0"

__all__ = [
    "Actor",
    "Article",
    "Config",
    "Document",
    "Event",
    "EventFilter",
    "InputError",
    "Location",
    "Mention",
    "Offsets",
    "Resources",
    "Result",
    "Span",
    "Store",
    "__version__",
    "code_document",
    "event_dict",
    "extract_article",
    "iter_documents",
    "load_resources",
    "open_store",
    "process_articles",
    "process_documents",
]
