"""Ingest: files, directories, JSONL, gzip, stdin, decoding and per-document errors."""

from __future__ import annotations

import gzip
import io
import json
from datetime import date
from pathlib import Path

import pytest

from communique.ingest import InputError, decode_bytes, iter_documents, looks_like_html
from communique.model import Document

BODY = "India and Pakistan agreed to hold talks in Geneva next month.\n"


def _all(paths: list[str], **options: object) -> list[Document | InputError]:
    return list(iter_documents(paths, **options))  # type: ignore[arg-type]


def _one(path: Path, **options: object) -> Document:
    items = _all([str(path)], **options)
    assert len(items) == 1
    assert isinstance(items[0], Document), items[0]
    return items[0]


def _error(path: Path | str) -> InputError:
    items = _all([str(path)])
    assert len(items) == 1
    assert isinstance(items[0], InputError), items[0]
    return items[0]


# --- files and directories --------------------------------------------------------------


def test_text_and_html_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "b.HTM").write_text("<p>x</p>", encoding="utf-8")
    text, html = _one(tmp_path / "a.txt"), _one(tmp_path / "b.HTM")
    assert (text.doc_id, text.kind, text.content) == (str(tmp_path / "a.txt"), "text", BODY)
    assert (html.kind, html.content, html.published, html.url) == ("html", "<p>x</p>", None, None)


def test_directory_is_walked_recursively_in_sorted_order(tmp_path: Path) -> None:
    for name in ("b.txt", "a/z.txt", "a/c.html", "a/deep/d.txt.gz", "c.htm"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(
            gzip.compress(BODY.encode()) if name.endswith(".gz") else b"x"
        )
    for skipped in (".hidden.txt", ".git/config.txt", "notes.md", "image.png"):
        (tmp_path / skipped).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / skipped).write_text("skip me", encoding="utf-8")
    ids = [item.doc_id for item in _all([str(tmp_path)]) if isinstance(item, Document)]
    expected = ["a/c.html", "a/deep/d.txt.gz", "a/z.txt", "b.txt", "c.htm"]
    assert ids == [str(tmp_path / name) for name in expected]
    assert len(_all([str(tmp_path)])) == 5


def test_paths_keep_their_given_order(tmp_path: Path) -> None:
    for name in ("1.txt", "2.txt"):
        (tmp_path / name).write_text(BODY, encoding="utf-8")
    items = _all([str(tmp_path / "2.txt"), str(tmp_path / "1.txt")])
    assert [i.doc_id for i in items if isinstance(i, Document)] == [
        str(tmp_path / "2.txt"),
        str(tmp_path / "1.txt"),
    ]


def test_unknown_extension_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text(BODY, encoding="utf-8")
    assert _error(tmp_path / "notes.md") == InputError(
        str(tmp_path / "notes.md"), "unsupported file type '.md'"
    )


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    assert _error(tmp_path / "nope.txt").reason == "no such file or directory"


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n  "])
def test_empty_file_is_an_error(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "empty.txt").write_bytes(content)
    assert _error(tmp_path / "empty.txt") == InputError(
        str(tmp_path / "empty.txt"), "empty document (no text)"
    )


def test_binary_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    error = _error(tmp_path / "photo.txt")
    assert error.reason == "binary content (NUL bytes), not a text document"


def test_errors_do_not_stop_the_run(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"\x00\x01")
    (tmp_path / "b.txt").write_text(BODY, encoding="utf-8")
    items = _all([str(tmp_path / "zzz.txt"), str(tmp_path)])
    assert [type(i).__name__ for i in items] == ["InputError", "InputError", "Document"]


# --- decoding ---------------------------------------------------------------------------


def test_cp1252_file_is_decoded(tmp_path: Path) -> None:
    text = "The minister\u2019s \u201cvisit\u201d to Bogot\u00e1 \u2014 a d\u00e9but.\n"
    (tmp_path / "w.txt").write_bytes(text.encode("cp1252"))
    assert _one(tmp_path / "w.txt").content == text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig", "utf-32"])
def test_bom_encodings_are_decoded(tmp_path: Path, encoding: str) -> None:
    text = "Kyiv \u2013 Z\u00fcrich \u2013 \u5317\u4eac: talks resumed.\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    (tmp_path / "u.txt").write_bytes(data)
    assert _one(tmp_path / "u.txt").content == text


def test_html_meta_charset_is_used(tmp_path: Path) -> None:
    page = '<html><head><meta charset="iso-8859-15"></head><body><p>50 \u20ac</p></body></html>'
    (tmp_path / "p.html").write_bytes(page.encode("iso-8859-15"))
    assert _one(tmp_path / "p.html").content == page


def test_decode_bytes_directly() -> None:
    assert decode_bytes("caf\u00e9".encode()) == "caf\u00e9"
    with pytest.raises(ValueError, match="binary content"):
        decode_bytes(b"abc\x00def")


# --- gzip -------------------------------------------------------------------------------


def test_gzip_files_are_decompressed(tmp_path: Path) -> None:
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress(BODY.encode("utf-8")))
    (tmp_path / "b.html.gz").write_bytes(gzip.compress(b"<p>y</p>"))
    assert (_one(tmp_path / "a.txt.gz").kind, _one(tmp_path / "a.txt.gz").content) == ("text", BODY)
    assert _one(tmp_path / "b.html.gz").kind == "html"


def test_corrupt_gzip_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "bad.txt.gz").write_bytes(b"this is not gzip")
    assert _error(tmp_path / "bad.txt.gz").reason.startswith("not a valid gzip file")


# --- JSONL ------------------------------------------------------------------------------


def _jsonl(tmp_path: Path, lines: list[str], name: str = "docs.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_jsonl_good_and_bad_lines(tmp_path: Path) -> None:
    good = {"id": "a1", "text": BODY, "published": "2024-02-10", "url": "https://x.example/a1"}
    path = _jsonl(
        tmp_path,
        [
            json.dumps(good | {"title": "Talks"}),
            json.dumps({"id": "a2", "html": "<p>Hi</p>", "published": None}),
            '{"id": "a3", "text": "unterminated',
            json.dumps({"text": BODY}),
            json.dumps({"id": 7, "text": BODY}),
            json.dumps({"id": "a6", "text": BODY, "published": "10 February 2024"}),
            json.dumps({"id": "a7", "text": 42}),
            "",
            json.dumps(["not", "an", "object"]),
            json.dumps({"id": "a10", "text": "   "}),
            json.dumps({"id": "a11", "text": BODY, "url": 3}),
            json.dumps({"id": "a12", "published": "2024-02-10"}),
            json.dumps({"id": "a13", "text": BODY, "published": "2024-02-10T08:30:00Z"}),
        ],
    )
    items = _all([str(path)])
    docs = [i for i in items if isinstance(i, Document)]
    errors = [(i.path, i.reason) for i in items if isinstance(i, InputError)]
    assert docs[0] == Document(
        doc_id="a1",
        content=BODY,
        kind="text",
        url="https://x.example/a1",
        title="Talks",
        published=date(2024, 2, 10),
    )
    assert (docs[1].doc_id, docs[1].kind, docs[1].content) == ("a2", "html", "<p>Hi</p>")
    assert (docs[2].doc_id, docs[2].published) == ("a13", date(2024, 2, 10))
    assert len(docs) == 3
    p = str(path)
    assert errors == [
        (f"{p}:3", "invalid JSON: Unterminated string starting at (column 22)"),
        (f"{p}:4", "missing required field 'id'"),
        (f"{p}:5", "field 'id' must be a non-empty string"),
        (f"{p}:6", "field 'published' is not an ISO date: '10 February 2024'"),
        (f"{p}:7", "field 'text' must be a string, not int"),
        (f"{p}:9", "a JSONL record must be an object, not list"),
        (f"{p}:10", "empty document (no text)"),
        (f"{p}:11", "field 'url' must be a string, not int"),
        (f"{p}:12", "missing field 'text' or 'html'"),
    ]


def test_jsonl_error_names_file_and_line(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, [json.dumps({"id": "x", "text": BODY})] * 2 + ["{oops"], "file.jsonl")
    errors = [i for i in _all([str(path)]) if isinstance(i, InputError)]
    assert [e.path for e in errors] == [f"{path}:3"]


def test_gzipped_jsonl(tmp_path: Path) -> None:
    line = json.dumps({"id": "g1", "text": BODY}) + "\n"
    (tmp_path / "docs.jsonl.gz").write_bytes(gzip.compress(line.encode("utf-8")))
    doc = _one(tmp_path / "docs.jsonl.gz")
    assert (doc.doc_id, doc.content, doc.kind) == ("g1", BODY, "text")


def test_empty_jsonl_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "none.jsonl").write_text("\n\n", encoding="utf-8")
    assert _error(tmp_path / "none.jsonl").reason == "empty document (no JSONL records)"
    (tmp_path / "blank.jsonl").write_text("\n \n{}\n", encoding="utf-8")
    assert _all([str(tmp_path / "blank.jsonl")]) == [
        InputError(f"{tmp_path / 'blank.jsonl'}:3", "missing required field 'id'")
    ]


# --- the published default --------------------------------------------------------------


def test_published_default_applies_only_where_missing(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    lines = [
        json.dumps({"id": "with", "text": BODY, "published": "2023-07-24"}),
        json.dumps({"id": "without", "text": BODY}),
    ]
    path = _jsonl(tmp_path, lines)
    default = date(2024, 1, 1)
    items = _all([str(tmp_path / "a.txt"), str(path)], published=default)
    assert [(i.doc_id, i.published) for i in items if isinstance(i, Document)] == [
        (str(tmp_path / "a.txt"), default),
        ("with", date(2023, 7, 24)),
        ("without", default),
    ]


# --- stdin ------------------------------------------------------------------------------


def test_stdin_text() -> None:
    items = _all(["-"], stdin=io.StringIO(BODY), published=date(2024, 5, 1))
    assert items == [Document(doc_id="-", content=BODY, kind="text", published=date(2024, 5, 1))]


def test_stdin_html() -> None:
    page = "<!DOCTYPE html>\n<html><body><p>Egypt called for a ceasefire.</p></body></html>"
    (doc,) = _all(["-"], stdin=io.StringIO(page))
    assert isinstance(doc, Document)
    assert doc.kind == "html"


def test_stdin_empty_is_an_error() -> None:
    assert _all(["-"], stdin=io.StringIO("\n")) == [InputError("-", "empty document (no text)")]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("<!doctype html><title>x</title>", "html"),
        ("  <html lang='en'>", "html"),
        ("<!-- saved page --><html>", "html"),
        ("<div><p>One</p><p>Two</p><p>Three</p></div>", "html"),
        ("Russia said x > y and <b> is bold.", "text"),
        (BODY, "text"),
    ],
)
def test_looks_like_html(content: str, expected: str) -> None:
    assert ("html" if looks_like_html(content) else "text") == expected


# --- globs ------------------------------------------------------------------------------


def test_a_quoted_glob_is_expanded_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "sub" / "notes.csv").write_text("x,y\n", encoding="utf-8")
    flat = _all([str(tmp_path / "*.txt")])
    assert [i.doc_id for i in flat] == [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]
    deep = _all([str(tmp_path / "**" / "*.*")])
    assert [Path(i.doc_id).name for i in deep] == ["a.txt", "b.txt", "c.txt"]


def test_a_glob_without_matches_is_an_error(tmp_path: Path) -> None:
    pattern = str(tmp_path / "*.html")
    assert _all([pattern]) == [InputError(pattern, "no file matches this pattern")]
