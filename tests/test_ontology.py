"""Exact values of the CAMEO ontology and its PLOVER mapping."""

from __future__ import annotations

import pytest

from communique.ontology import CameoCode, Ontology, load_ontology


@pytest.fixture(scope="module")
def onto() -> Ontology:
    return load_ontology()


def test_all_codes_loaded(onto: Ontology) -> None:
    assert len(onto.codes) == 312
    assert all(isinstance(v, CameoCode) and k == v.code for k, v in onto.codes.items())


def test_meet_at_third_location(onto: Ontology) -> None:
    meet = onto.get("044")
    assert meet.name == "Meet at a 'third' location"
    assert meet.goldstein == 2.5
    assert (meet.root, meet.quad_class) == ("04", 1)
    assert (meet.plover_type, meet.plover_mode, meet.plover_context) == (
        "CONSULT",
        "third-party",
        (),
    )
    assert meet.description is not None and meet.description.startswith("Meet, come together")


def test_praise_is_support(onto: Ontology) -> None:
    praise = onto.get("051")
    assert (praise.plover_type, praise.plover_mode, praise.plover_context) == (
        "SUPPORT",
        None,
        ("diplomatic",),
    )
    assert praise.goldstein == 3.4


@pytest.mark.parametrize(
    ("code", "quad", "goldstein"),
    [("010", 1, 0.0), ("011", 1, -0.1), ("061", 2, 6.4), ("112", 3, -2.0), ("190", 4, -10.0)],
)
def test_quad_class_and_goldstein(onto: Ontology, code: str, quad: int, goldstein: float) -> None:
    entry = onto.get(code)
    assert (entry.quad_class, entry.goldstein) == (quad, goldstein)


def test_statements_have_no_plover_type(onto: Ontology) -> None:
    for code, entry in onto.codes.items():
        if code.startswith("01"):
            assert (entry.plover_type, entry.plover_mode, entry.plover_context) == (None, None, ())


def test_appeals_are_requests_with_the_modes_of_demands(onto: Ontology) -> None:
    assert onto.get("020").plover_type == "REQUEST"
    economic = onto.get("0211")
    assert (economic.plover_type, economic.plover_mode, economic.plover_context) == (
        "REQUEST",
        "assist",
        ("economic",),
    )
    assert onto.get("026").plover_mode == "meet"
    for code, entry in onto.codes.items():
        if code.startswith("02"):
            demand = onto.get("10" + code[2:])
            assert (entry.plover_mode, entry.plover_context) == (
                demand.plover_mode,
                demand.plover_context,
            )


def test_yield_is_split_into_concede_and_retreat(onto: Ontology) -> None:
    assert onto.get("081").plover_type == "CONCEDE"
    assert onto.get("083").plover_type == "CONCEDE"
    assert onto.get("084").plover_type == "RETREAT"
    assert onto.get("0813").plover_type == "CONCEDE"  # the manual, over the table
    assert onto.get("163").plover_type == "SANCTION"  # the manual, over the table
    assert onto.get("0874").plover_mode == "disarm"


def test_table_oddities_are_keyed_by_code(onto: Ontology) -> None:
    repression = onto.get("175")  # listed under 18 in the table; its context sat in the mode column
    assert (repression.plover_type, repression.plover_mode) == ("ASSAULT", None)
    assert repression.plover_context == ("pro_autocracy", "military")
    assert onto.get("191").plover_type == "COERCE"  # listed under 17
    assert onto.get("201").plover_mode == "cleansing"  # listed under 18
    assert onto.get("1382").plover_mode == "territory"  # a THREATEN mode, kept
    assert onto.get("2042").plover_context == ("cbrn",)


def test_unknown_code(onto: Ontology) -> None:
    assert "044" in onto
    assert "999" not in onto
    assert 44 not in onto
    with pytest.raises(KeyError, match="'999'"):
        onto.get("999")


def test_each_call_reads_afresh() -> None:
    first, second = load_ontology(), load_ontology()
    assert first is not second
    assert first.codes == second.codes


@pytest.mark.parametrize(
    ("code", "quad"), [("903", None), ("223", None), ("1717", 4), ("174K", 4), ("095", 2)]
)
def test_user_codes_are_described_as_written(onto: Ontology, code: str, quad: int | None) -> None:
    info = onto.describe(code)
    assert (info.code, info.name, info.goldstein, info.quad_class) == (
        code,
        "user code",
        None,
        quad,
    )
    assert (info.plover_type, info.plover_mode, info.cameo) == (None, None, False)


def test_cameo_codes_are_described_from_the_ontology(onto: Ontology) -> None:
    info = onto.describe("042")
    assert (info.name, info.goldstein, info.quad_class, info.cameo) == (
        "Make a visit",
        1.9,
        1,
        True,
    )
    with pytest.raises(KeyError, match="'ZZ9'"):
        onto.describe("ZZ9")
