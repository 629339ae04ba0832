"""The corpus of bench/ingest_bench.py (cheap), and a slow opt-in smoke run of the bench."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from bench.ingest_bench import page, run, variant

from communique.extract import extract_article
from communique.ingest import iter_documents
from communique.model import Document
from tests.conftest import REPO

SHARED = REPO.parent / "shared"


def _article() -> Document:
    documents = list(iter_documents([str(REPO / "samples" / "001_kharkiv_shelling.html")]))
    assert isinstance(documents[0], Document)
    return documents[0]


def test_variants_are_deterministic_and_differ() -> None:
    article = extract_article(_article())
    first, again, other = variant(article, 7), variant(article, 7), variant(article, 8)
    assert first == again
    assert first != other
    assert sorted(first[1]) == sorted(other[1])  # the same paragraphs, shuffled


def test_variants_take_their_own_pool_sentences() -> None:
    article = extract_article(_article())
    pool = [f"Pool sentence number {i} of the wire." for i in range(10)]
    _, paragraphs = variant(article, 2, pool)
    plain = variant(article, 2)[1]
    extra = [p for p in paragraphs if p not in plain]
    assert sorted(extra) == [f"{pool[0]} {pool[1]}", f"{pool[8]} {pool[9]}"]  # 8-11: wrapped
    assert len(paragraphs) == len(plain) + 2


def test_variant_pages_extract_back() -> None:
    title, paragraphs = variant(extract_article(_article()), 3)
    html = page(title, paragraphs, date(2024, 5, 1))
    article = extract_article(Document(doc_id="v3", content=html, kind="html"))
    assert paragraphs[0][:40] in article.text


@pytest.mark.slow
@pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared/data/dev")
def test_bench_smoke(tmp_path: Path) -> None:
    figures = run(SHARED, 20, [1], tmp_path)
    assert figures["articles"] == 20
    assert figures["workers_1"]["ratio"] > 0
    assert figures["workers_1"]["cpu_ratio"] > 0
