"""Non-English articles are stored and marked with their language, never coded as English."""

from __future__ import annotations

from pathlib import Path

import duckdb

from communique.model import Document
from communique.pipeline import Resources, Result, process_documents
from communique.store import open_store

FRENCH = """\
La Chine et l'Iran s'engagent à renforcer leur coopération
Le ministre chinois des Affaires étrangères, Wang Yi, a rencontré lundi à Johannesburg le
secrétaire du Conseil suprême de sécurité nationale iranien. Les deux pays ont promis de
renforcer leur coopération et la Chine s'oppose aux sanctions contre l'Iran, a déclaré le
ministère dans un communiqué publié après la réunion.
"""
CHINESE = """\
中国与伊朗承诺深化合作
中国外交部长王毅周一在约翰内斯堡会见了伊朗最高国家安全委员会秘书艾哈迈迪安。双方表示将加强两国在各领域的合作\uff0c
中方反对对伊朗实施单边制裁。伊朗方面感谢中国的支持\uff0c并欢迎中国在地区事务中发挥更大作用。
"""
ENGLISH = "China and Iran pledged on Monday to strengthen cooperation, officials in Beijing said."


def _results(resources: Resources) -> dict[str, Result]:
    docs = [
        Document(doc_id=name, content=text, kind="text")
        for name, text in (("fr", FRENCH), ("zh", CHINESE), ("en", ENGLISH))
    ]
    results = [r for r in process_documents(docs, resources) if isinstance(r, Result)]
    return {r.article.doc_id: r for r in results}


def test_french_and_chinese_are_marked_and_not_coded(resources: Resources) -> None:
    results = _results(resources)
    assert list(results) == ["fr", "zh", "en"]  # input order is kept
    for name in ("fr", "zh"):
        result = results[name]
        assert result.article.language == name
        assert (result.mentions, result.events) == ((), ())
        assert result.article.body  # the text itself is kept
    assert results["en"].article.language == "en" and results["en"].events


def test_non_english_articles_are_stored_with_their_language(
    resources: Resources, tmp_path: Path
) -> None:
    db = tmp_path / "lang.duckdb"
    with open_store(db) as store:
        for result in _results(resources).values():
            store.save(result)
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT doc_id, language FROM articles ORDER BY doc_id").fetchall()
        coded = con.execute("SELECT DISTINCT doc_id FROM events").fetchall()
    assert rows == [("en", "en"), ("fr", "fr"), ("zh", "zh")]
    assert coded == [("en",)]
