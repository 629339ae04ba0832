"""Shared fixtures: models and dictionaries are loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from communique.config import Config
from communique.nlp import load_nlp
from communique.pipeline import Resources, load_resources

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "samples" / "000_china_iran.txt"


@pytest.fixture(scope="session")
def resources() -> Resources:
    return load_resources(Config())


@pytest.fixture(scope="session")
def nlp(resources: Resources) -> Language:
    return resources.nlp


@pytest.fixture(scope="session")
def bare_nlp() -> Language:
    return load_nlp(Config())
