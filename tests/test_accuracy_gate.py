"""The accuracy gate: dev-set figures must not fall below the floors in eval/floors.json."""

from __future__ import annotations

import json

import pytest
from eval import conflibert, extraction_aeb, petr_unit, plover_actors, plover_gsr

from communique.pipeline import Resources, load_resources
from tests.conftest import REPO

SHARED = REPO.parent / "shared"
FLOORS = json.loads((REPO / "eval" / "floors.json").read_text())


@pytest.mark.skipif(not (SHARED / "data" / "dev").is_dir(), reason="../shared dev sets absent")
def test_plover_gsr_floors(resources: Resources) -> None:
    metrics = plover_gsr.evaluate(SHARED, resources)
    assert metrics["records"] == 322
    for name, floor in FLOORS["plover_gsr"].items():
        assert metrics[name] >= floor, f"{name} fell to {metrics[name]} (floor {floor})"


@pytest.mark.skipif(not (SHARED / "data" / "dev").is_dir(), reason="../shared dev sets absent")
def test_plover_actor_floors(resources: Resources) -> None:
    metrics = plover_actors.evaluate(SHARED, resources)
    assert metrics["actors"] == 650
    for name, floor in FLOORS["plover_actors"].items():
        assert metrics[name] >= floor, f"{name} fell to {metrics[name]} (floor {floor})"


@pytest.mark.skipif(not (SHARED / "data" / "dev").is_dir(), reason="../shared dev sets absent")
def test_conflibert_class_floors(resources: Resources) -> None:
    metrics = conflibert.evaluate_classes(SHARED, resources)
    assert metrics["sentences"] == 451
    for name, floor in FLOORS["conflibert"].items():
        assert metrics[name] >= floor, f"{name} fell to {metrics[name]} (floor {floor})"


@pytest.mark.skipif(
    not (SHARED / "data" / "dev" / "extraction_aeb").is_dir(), reason="../shared AEB set absent"
)
def test_extraction_aeb_floor() -> None:
    """Token-level body F1 of communique's extractor on all 181 AEB pages (about 10 s)."""
    [scores] = extraction_aeb.evaluate(SHARED, names=("communique",))
    assert scores.pages == 181
    floor = FLOORS["extraction_aeb"]["f1"]
    assert scores.f1 >= floor, f"AEB body F1 fell to {scores.f1} (floor {floor})"


@pytest.mark.skipif(
    not (SHARED / "data" / "dev" / "extraction_aeb").is_dir(), reason="../shared AEB set absent"
)
def test_extraction_aeb_text_dump_floor() -> None:
    """The line cleaner on text dumps of the 181 AEB pages (every visible text node; ~8 s)."""
    [scores] = extraction_aeb.evaluate(SHARED, names=("communique (text dump)",))
    assert scores.pages == 181
    floor = FLOORS["extraction_aeb"]["text_dump_f1"]
    assert scores.f1 >= floor, f"AEB text-dump F1 fell to {scores.f1} (floor {floor})"


@pytest.mark.skipif(
    not (SHARED / "data" / "dev" / "petr_unit").is_dir(), reason="../shared PETR unit set absent"
)
def test_petr_unit_floors() -> None:
    """PETRARCH's unit-test records, its validation dictionaries imported (about 8 s)."""
    res = load_resources(petr_unit.unit_config(SHARED))
    metrics = petr_unit.evaluate(SHARED, res)
    assert (metrics["sentences"], metrics["expected_triples"]) == (271, 350)
    for name, floor in FLOORS["petr_unit"].items():
        assert metrics[name] >= floor, f"{name} fell to {metrics[name]} (floor {floor})"


@pytest.mark.skipif(
    not (SHARED / "data" / "dev" / "event_location").is_dir(), reason="../shared set absent"
)
def test_event_location_floors(resources: Resources) -> None:
    """Span choice on the 494 gold-standard (RELABEL) sentences of event_location (~5 s)."""
    from eval import event_location

    metrics = event_location.evaluate(
        SHARED, resources.nlp, resources.gazetteer, split="test", model=resources.location_model
    )
    assert metrics["records"] == 494
    for name, floor in FLOORS["event_location"].items():
        assert metrics[name] >= floor, f"{name} fell to {metrics[name]} (floor {floor})"


@pytest.mark.skipif(
    not (SHARED / "data" / "dev" / "extraction_aeb").is_dir(), reason="../shared AEB set absent"
)
def test_toponym_floors(resources: Resources) -> None:
    """Toponym resolution on every third article of eval/data/toponyms_gold.jsonl (~6 s)."""
    from eval import toponyms

    metrics = toponyms.evaluate(SHARED, resources, every=3)["all"]
    assert metrics["mentions"] == 58
    for name, floor in FLOORS["toponyms"].items():
        assert metrics[name] >= floor, f"{name} fell to {metrics[name]} (floor {floor})"


def test_date_floors(resources: Resources) -> None:
    """Event dates on eval/data/dates_gold.jsonl (the sentences are in the file; ~2 s)."""
    from eval import dates

    metrics = dates.evaluate(resources.nlp)["all"]
    assert metrics["records"] == 112
    for name, floor in FLOORS["dates"].items():
        assert metrics[name] >= floor, f"{name} fell to {metrics[name]} (floor {floor})"
