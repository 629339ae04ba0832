"""WARC and WARC.gz input: response records with HTML, built here with warcio's writer."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from communique.extract import extract_article
from communique.ingest import InputError, iter_documents
from communique.model import Document

PAGE = (
    "<html><head><title>{title}</title>{meta}</head><body><nav>Home | World</nav>"
    "<article><h1>{title}</h1><p>{body}</p><p>Officials from both countries said the talks"
    " would continue in Geneva next month, according to a statement.</p></article>"
    "</body></html>"
)
BODY = "India and Pakistan agreed on Tuesday to resume talks on the disputed border region."


def _page(title: str, *, meta: str = "", body: str = BODY) -> bytes:
    return PAGE.format(title=title, meta=meta, body=body).encode("utf-8")


def _record(
    writer: WARCWriter,
    uri: str | None,
    payload: bytes,
    *,
    kind: str = "response",
    content_type: str = "text/html; charset=utf-8",
    status: str = "200 OK",
) -> None:
    http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    warc_headers = {"WARC-Date": "2023-07-25T08:00:00Z"}
    record = writer.create_warc_record(
        uri or "",
        kind,
        payload=io.BytesIO(payload),
        http_headers=http if kind == "response" else None,
        warc_content_type="" if kind == "response" else content_type,
        warc_headers_dict=warc_headers,
    )
    if uri is None:
        record.rec_headers.remove_header("WARC-Target-URI")
    writer.write_record(record)


def _archive(*, gzip: bool) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzip)
    writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "test"}))
    _record(writer, "https://news.example/a", _page("Talks resume"))
    dated = '<meta property="article:published_time" content="2023-07-20">'
    _record(writer, "https://news.example/b", _page("Talks dated", meta=dated))
    _record(writer, "https://news.example/logo.png", b"\x89PNG...", content_type="image/png")
    _record(writer, "https://news.example/gone", _page("Gone"), status="404 Not Found")
    _record(writer, "https://news.example/c", _page("Third page"))
    return out.getvalue()


def _items(path: Path) -> list[Document | InputError]:
    return list(iter_documents([str(path)]))


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_html_response_records_become_documents(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(_archive(gzip=name.endswith(".gz")))
    docs = _items(path)
    assert all(isinstance(d, Document) for d in docs), docs
    assert [d.doc_id for d in docs] == [f"https://news.example/{x}" for x in "abc"]
    first = docs[0]
    assert isinstance(first, Document)
    assert (first.kind, first.url, first.published, first.crawled) == (
        "html",
        "https://news.example/a",
        None,
        date(2023, 7, 25),
    )


def test_warc_date_is_only_a_fallback_for_publication(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(_archive(gzip=True))
    undated, dated = (extract_article(d) for d in _items(path)[:2] if isinstance(d, Document))
    assert undated.published == date(2023, 7, 25)  # the page has no date: the WARC-Date
    assert dated.published == date(2023, 7, 20)  # the page's own date wins
    assert undated.url == "https://news.example/a"


def test_record_without_target_uri_is_named_by_its_record_id(tmp_path: Path) -> None:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    _record(writer, None, _page("Resource"), kind="resource", content_type="text/html")
    (tmp_path / "r.warc").write_bytes(out.getvalue())
    [doc] = _items(tmp_path / "r.warc")
    assert isinstance(doc, Document)
    assert doc.doc_id.startswith("<urn:uuid:") and doc.url is None


def test_http_charset_decodes_the_payload(tmp_path: Path) -> None:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    latin = _page("Caf\u00e9 talks", body="Le caf\u00e9 \u00e9tait ferm\u00e9.").decode()
    payload = latin.encode("cp1252")
    _record(writer, "https://x.example/", payload, content_type="text/html; charset=windows-1252")
    (tmp_path / "c.warc.gz").write_bytes(out.getvalue())
    [doc] = _items(tmp_path / "c.warc.gz")
    assert isinstance(doc, Document) and "Caf\u00e9 talks" in doc.content


@pytest.mark.parametrize("name", ["cut.warc", "cut.warc.gz"])
def test_truncated_archive_keeps_the_records_read_so_far(tmp_path: Path, name: str) -> None:
    data = _archive(gzip=name.endswith(".gz"))
    path = tmp_path / name
    path.write_bytes(data[: len(data) - 150])  # the last record loses its end
    items = _items(path)
    docs = [i for i in items if isinstance(i, Document)]
    assert [d.doc_id for d in docs] == ["https://news.example/a", "https://news.example/b"]
    assert isinstance(items[-1], InputError)
    assert items[-1].path == str(path) and "truncated" in items[-1].reason


def test_not_a_warc_and_empty_archive(tmp_path: Path) -> None:
    (tmp_path / "page.warc").write_text("<html><body>not an archive</body></html>")
    [error] = _items(tmp_path / "page.warc")
    assert isinstance(error, InputError) and "WARC" in error.reason
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    writer.write_record(writer.create_warcinfo_record("x.warc", {"software": "test"}))
    (tmp_path / "empty.warc.gz").write_bytes(out.getvalue())
    [empty] = _items(tmp_path / "empty.warc.gz")
    assert isinstance(empty, InputError) and "no HTML response records" in empty.reason


def test_warc_in_a_directory_and_the_batch_goes_on(tmp_path: Path) -> None:
    (tmp_path / "a.warc.gz").write_bytes(_archive(gzip=True)[:-40])
    (tmp_path / "b.txt").write_text(BODY)
    items = list(iter_documents([str(tmp_path)]))
    kinds = [type(i).__name__ for i in items]
    assert kinds == ["Document", "Document", "InputError", "Document"]
