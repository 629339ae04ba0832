"""The accuracy gate: dev-set figures must not fall below the floors in eval/floors.json."""

from __future__ import annotations

import json

import pytest
from eval import conflibert, plover_actors, plover_gsr

from communique.pipeline import Resources
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
