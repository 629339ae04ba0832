"""The founding example, coded end to end: the values the foundation issue asks for, exactly."""

from __future__ import annotations

import math
from datetime import date

import pytest

from communique.ingest import iter_documents
from communique.model import Document, Event
from communique.pipeline import Resources, Result, code_document
from tests.conftest import SEED

BOILERPLATE = (
    "facebook",
    "News > World",
    "ASEAN Adheres to United and Independent Development",
    "Post with no comments",
    "Audio Only",
)


@pytest.fixture(scope="module")
def seed(resources: Resources) -> Result:
    doc = next(iter_documents([str(SEED)]))
    assert isinstance(doc, Document)
    return code_document(doc, resources)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(a))


def _by_code(result: Result, prefix: str) -> list[Event]:
    return [e for e in result.events if e.cameo.startswith(prefix)]


def test_article(seed: Result) -> None:
    article = seed.article
    assert article.title == "China and Iran Pledge to Deepen Cooperation"
    assert article.published == date(2023, 7, 24)
    assert article.section == "World"
    assert article.caption is not None and "China is willing to help Iran" in article.caption
    assert article.caption not in article.body
    for junk in BOILERPLATE:
        assert junk not in article.text


def test_actors_resolved_and_linked(seed: Result) -> None:
    by_text = {m.text: m for m in seed.mentions}
    wang = by_text["Wang Yi"].actor
    assert (wang.country, wang.agent, wang.name) == ("CHN", "GOV", "Wang Yi")
    ahmadian = by_text["Iran's Supreme National Security Council Secretary Ali Akbar Ahmadian"]
    assert (ahmadian.actor.country, ahmadian.actor.agent) == ("IRN", "GOV")
    assert ahmadian.actor.name == "Ali Akbar Ahmadian"
    assert by_text["Wang"].actor == wang
    assert by_text["Wang"].antecedent == "Wang Yi"
    assert by_text["The Chinese diplomat"].actor == wang
    assert by_text["Ahmadian"].actor == ahmadian.actor
    assert by_text["the Iranian side"].actor.country == "IRN"


def test_meeting_in_johannesburg(seed: Result) -> None:
    [meeting] = _by_code(seed, "04")
    assert (meeting.cameo, meeting.plover_type, meeting.plover_mode) == (
        "044",
        "CONSULT",
        "third-party",
    )
    assert (meeting.source.code, meeting.target and meeting.target.code) == ("CHNGOV", "IRNGOV")
    assert (meeting.date, meeting.date_source) == (date(2023, 7, 24), "sentence")
    loc = meeting.location
    assert loc is not None and (loc.name, loc.country, loc.geonameid) == (
        "Johannesburg",
        "ZAF",
        993800,
    )
    assert _km(loc.lat, loc.lon, -26.2041, 28.0473) < 25
    text = seed.article.text
    assert meeting.offsets.source is not None and meeting.offsets.target is not None
    assert text[meeting.offsets.source.start : meeting.offsets.source.end] == "Wang Yi"
    assert text[meeting.offsets.verb.start : meeting.offsets.verb.end] == "met"
    target = text[meeting.offsets.target.start : meeting.offsets.target.end]
    assert target.endswith("Ali Akbar Ahmadian")
    assert meeting.goldstein == 2.5 and meeting.quad_class == 1
    assert 0.0 < meeting.confidence <= 1.0


def test_willingness_to_cooperate(seed: Result) -> None:
    intents = [e for e in _by_code(seed, "03") if e.source.country == "CHN"]
    assert intents, "China's stated willingness to cooperate with Iran"
    for event in intents:
        assert event.plover_type == "AGREE"
        assert event.target is not None and event.target.country == "IRN"
    strengthen = [e for e in intents if "strengthen communication" in e.sentence]
    assert [e.cameo for e in strengthen] == ["032"]


def test_appreciation_of_china(seed: Result) -> None:
    praise = [e for e in _by_code(seed, "051") if "appreciates" in e.sentence]
    assert len(praise) >= 1
    event = praise[0]
    assert (event.source.country, event.target and event.target.country) == ("IRN", "CHN")
    assert event.plover_type == "SUPPORT"
    verb = seed.article.text[event.offsets.verb.start : event.offsets.verb.end]
    assert verb in {"appreciates", "welcomes"}


def test_opposition_to_interference(seed: Result) -> None:
    [oppose] = [e for e in seed.events if "opposes" in e.sentence and e.cameo[:2] in {"11", "12"}]
    assert (oppose.cameo, oppose.plover_type) == ("110", "ACCUSE")
    assert (oppose.source.country, oppose.target and oppose.target.country) == ("CHN", "IRN")


def test_no_event_from_boilerplate(seed: Result) -> None:
    body = seed.article.body
    for event in seed.events:
        assert event.sentence in body
        assert event.sentence_span.start >= seed.article.body_start
        for junk in BOILERPLATE:
            assert junk not in event.sentence


def test_offsets_point_into_the_sentence(seed: Result) -> None:
    for event in seed.events:
        sent = event.sentence_span
        spans = [event.offsets.verb, event.offsets.source, event.offsets.target]
        for span in (s for s in spans if s is not None):
            assert sent.start <= span.start < span.end <= sent.end
