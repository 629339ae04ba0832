"""Property-based tests: the extractor, the date resolver and the coder never crash, offsets
always point inside their sentence, and every code is a valid CAMEO code with its PLOVER type."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from communique.dates import resolve_date_text
from communique.extract import extract_article
from communique.model import Document
from communique.pipeline import Resources, process_documents

WORDS = [
    "Russia", "China", "Iran", "the", "police", "protesters", "said", "met", "with", "attacked",
    "in", "Johannesburg", "on", "Monday", "will", "not", "sanctions", "imposed", "urged", "talks",
    "and", "to", "refused", "Kenyan", "government", "Syria", "accused", "of", ".", ",", "?",
]  # fmt: skip
PLOVER = {
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
}  # fmt: skip

sentences = st.lists(st.sampled_from(WORDS), min_size=1, max_size=40).map(" ".join)
published = st.dates(min_value=date(1950, 1, 1), max_value=date(2050, 12, 31))
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(text=st.text(max_size=400), kind=st.sampled_from(["text", "html"]))
def test_extractor_never_crashes(text: str, kind: str) -> None:
    article = extract_article(Document(doc_id="p", content=text, kind=kind))
    assert article.text[article.body_start :] == article.body


@SETTINGS
@given(text=st.text(max_size=60), day=published)
def test_date_resolver_never_crashes(text: str, day: date) -> None:
    resolved = resolve_date_text(text, published=day)
    assert resolved is None or resolved.precision in {"day", "month", "year"}


@SETTINGS
@given(text=sentences, day=published)
def test_coder_offsets_and_codes(text: str, day: date, resources: Resources) -> None:
    doc = Document(doc_id="p", content=text, kind="text", published=day)
    for result in process_documents([doc], resources):
        for event in getattr(result, "events", ()):
            assert event.cameo in resources.coder.ontology
            assert event.plover_type is None or event.plover_type in PLOVER
            assert 0.0 <= event.confidence <= 1.0 and 1 <= event.quad_class <= 4
            sent = event.sentence_span
            for span in (event.offsets.source, event.offsets.verb, event.offsets.target):
                assert span is None or sent.start <= span.start < span.end <= sent.end
