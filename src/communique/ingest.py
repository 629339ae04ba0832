"""Ingest: files, directories, JSONL, gzip, stdin, WARC, feeds and URLs in; documents out.

Bad input never raises: each problem becomes an :class:`InputError` naming the file (and the
line, for JSONL) and the run goes on with the rest. Nothing here prints.

- ``.html``/``.htm`` -> kind ``"html"``; ``.txt`` -> kind ``"text"``; ``.jsonl`` -> one document
  per line (``id``, ``text`` or ``html``, optional ``published``, ``url``, ``title``); the
  ``.gz`` forms of these are decompressed transparently.
- Directories are walked recursively in sorted path order; hidden files and folders are
  skipped, and so are files of other types (naming such a file explicitly is an error).
- ``-`` reads ``stdin``: HTML when it looks like HTML, else text.
- A path that does not exist but holds glob characters (``"pages/*.html"``, ``"crawl/**/*.txt"``,
  quoted so the shell passes it on) is expanded: its matches in sorted order, as a folder's files.
- ``.warc``/``.warc.gz`` -> one HTML document per 2xx HTML ``response`` record
  (:mod:`communique.warc`): ``doc_id`` and ``url`` are the record's ``WARC-Target-URI`` (else its
  record id), and the ``WARC-Date`` is kept as ``Document.crawled``, a publication date of last
  resort. A truncated archive keeps the records read before the damage and ends with an error.
- ``http://``/``https://`` arguments are fetched (:mod:`communique.fetch`, which needs the
  ``fetcher`` argument); a fetched RSS/Atom feed has its items' links fetched in turn.
- ``.rss``/``.atom`` files are feeds, and so are ``.xml`` files whose root is ``<rss>``,
  ``<feed>`` or ``<rdf:RDF>`` (other ``.xml`` files are passed over in directories); their items'
  links are fetched, dated by the item's publication date.
- ``.urls`` files list URLs to fetch, one a line (``#`` comments and blank lines skipped).
- Bytes are decoded by BOM (UTF-8, UTF-16, UTF-32), else by the HTTP charset (fetched pages,
  WARC records), else as UTF-8, else by the HTML meta charset, else by charset_normalizer's
  best guess (cp1252 when that is one of its readings), else cp1252.
"""

from __future__ import annotations

import codecs
import glob
import gzip
import io
import json
import os
import re
import sys
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from charset_normalizer import from_bytes

from communique.feeds import FeedError, FeedItem, looks_like_feed, parse_feed, read_url_list
from communique.fetch import Fetched, Fetcher, FetchError
from communique.model import Document
from communique.warc import WarcError, WarcPage, WarcRecordError, iter_warc_pages

__all__ = ["InputError", "decode_bytes", "input_files", "iter_documents", "looks_like_html"]

_KINDS = {
    ".html": "html",
    ".htm": "html",
    ".txt": "text",
    ".jsonl": "jsonl",
    ".warc": "warc",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",
    ".urls": "urls",
}
_URL = re.compile(r"\Ahttps?://", re.IGNORECASE)
_GLOB_MAGIC = re.compile(r"[*?[]")
_HTML_MEDIA = frozenset({"text/html", "application/xhtml+xml"})
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)
_HTML_START = re.compile(
    r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_HTML_TAGS = re.compile(r"</(?:p|div|body|html|article|span|a|li|h[1-6])\s*>", re.IGNORECASE)
_OPTIONAL_FIELDS = ("url", "title")


@dataclass(frozen=True, slots=True)
class InputError:
    """A document that could not be read: where (``path`` or ``path:line``) and why."""

    path: str
    reason: str


class _BadInput(ValueError):
    """Internal: a reason to reject one input, turned into an :class:`InputError`."""


@dataclass(frozen=True, slots=True)
class _Run:
    """What every reader of one :func:`iter_documents` call needs."""

    published: date | None
    fetcher: Fetcher | None


def iter_documents(
    paths: Sequence[str],
    *,
    published: date | None = None,
    stdin: TextIO | None = None,
    fetcher: Fetcher | None = None,
) -> Iterator[Document | InputError]:
    """Yield a Document (or an InputError) for every input found under ``paths``, in order.

    ``published`` is the publication date given to documents whose record carries none.
    ``stdin`` is read for the path ``-`` (``sys.stdin`` when not given). ``fetcher`` fetches
    URLs, feed items and ``.urls`` lists; without it they are reported as errors.
    """
    run = _Run(published=published, fetcher=fetcher)
    for path in paths:
        if path == "-":
            yield _from_stdin(stdin if stdin is not None else sys.stdin, published)
        elif _URL.match(path):
            yield from _from_url(path, run)
        else:
            yield from _from_path(path, run)


def input_files(paths: Sequence[str]) -> list[str]:
    """The files :func:`iter_documents` reads for local ``paths``, in its order: directories
    walked (a missing path or an unsupported file is kept: reading it reports the error)."""
    files: list[str] = []
    for path in paths:
        target = Path(path)
        if target.is_dir():
            files += [str(child) for child in _walk(target)]
        else:
            files.append(path)
    return files


def _from_stdin(stream: TextIO, published: date | None) -> Document | InputError:
    try:
        content = stream.read()
    except (OSError, UnicodeDecodeError) as exc:
        return InputError("-", f"cannot read standard input: {_one_line(exc)}")
    kind = "html" if looks_like_html(content) else "text"
    return _checked_document("-", content, kind=kind, published=published)


def looks_like_html(content: str) -> bool:
    """True when ``content`` starts like an HTML page or carries several closing tags."""
    return bool(_HTML_START.match(content)) or len(_HTML_TAGS.findall(content[:20000])) >= 3


def _from_path(path: str, run: _Run) -> Iterator[Document | InputError]:
    target = Path(path)
    if target.is_dir():
        for child in _walk(target):
            yield from _from_file(str(child), run)
    elif target.exists():
        yield from _from_file(path, run)
    elif _GLOB_MAGIC.search(path):
        yield from _from_glob(path, run)
    else:
        yield InputError(path, "no such file or directory")


def _from_glob(pattern: str, run: _Run) -> Iterator[Document | InputError]:
    """A quoted glob ("pages/*.html", "crawl/**/*.txt"): its matches in sorted order, folders
    walked, files of other types passed over as in a folder."""
    matches = sorted(glob.glob(pattern, recursive=True))
    if not matches:
        yield InputError(pattern, "no file matches this pattern")
    for match in matches:
        target = Path(match)
        if target.is_dir():
            yield from _from_path(match, run)
        elif _wanted(target):
            yield from _from_file(match, run)


def _walk(root: Path) -> list[Path]:
    """Supported files under ``root``, recursively, in sorted order, hidden ones skipped."""
    found: list[Path] = []
    for folder, folders, files in os.walk(root):
        folders[:] = [name for name in folders if not name.startswith(".")]
        found.extend(Path(folder, name) for name in files if _wanted(Path(folder, name)))
    return sorted(found, key=lambda path: path.parts)


def _wanted(path: Path) -> bool:
    """A supported file that is not hidden; an ``.xml`` file only when it is a feed."""
    if path.name.startswith(".") or _kind_of(path.name) is None:
        return False
    return _suffix(path.name) != ".xml" or _starts_like_feed(path)


def _suffix(name: str) -> str:
    return Path(name.lower().removesuffix(".gz")).suffix


def _starts_like_feed(path: Path) -> bool:
    try:
        with (gzip.open if path.name.lower().endswith(".gz") else open)(path, "rb") as stream:
            return looks_like_feed(stream.read(4096))
    except (OSError, EOFError, zlib.error):
        return True  # named so that the error is reported when it is read


def _kind_of(name: str) -> str | None:
    return _KINDS.get(_suffix(name))


def _from_file(path: str, run: _Run) -> Iterator[Document | InputError]:
    kind = _kind_of(path)
    if kind is None:
        yield InputError(path, f"unsupported file type {Path(path).suffix or '(none)'!r}")
    elif kind == "warc":
        yield from _warc_documents(path, run)
    elif kind == "feed":
        yield from _feed_file_documents(path, run)
    else:
        yield from _text_file_documents(path, kind, run)


def _text_file_documents(path: str, kind: str, run: _Run) -> Iterator[Document | InputError]:
    if kind == "jsonl":
        yield from _jsonl_file_documents(path, run.published)
        return
    try:
        text = decode_bytes(_read_bytes(path), html=kind == "html")
    except _BadInput as exc:
        yield InputError(path, str(exc))
        return
    if kind == "urls":
        yield from _url_list_documents(path, text, run)
    else:
        yield _checked_document(path, text, kind=kind, published=run.published)


def _read_bytes(path: str) -> bytes:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise _BadInput(f"cannot read: {exc.strerror or _one_line(exc)}") from None
    if not path.lower().endswith(".gz"):
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise _BadInput(f"not a valid gzip file: {_one_line(exc)}") from None


def decode_bytes(data: bytes, *, html: bool = False, charset: str | None = None) -> str:
    """Decode a document's bytes; raises ``ValueError`` for binary content (NUL bytes).

    ``charset`` is the encoding a transport announced (an HTTP ``Content-Type``); a BOM
    overrides it, and it is passed over when the bytes are not valid in it.
    """
    text = _decode_bom(data)
    if text is None:
        if b"\x00" in data:
            raise _BadInput("binary content (NUL bytes), not a text document")
        text = (
            _decode_strict(data, charset)
            or _decode_strict(data, "utf-8")
            or _decode_meta(data, html=html)
            or _decode_guess(data)
        )
    if "\x00" in text:
        raise _BadInput("binary content (NUL characters), not a text document")
    return text


def _decode_bom(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise _BadInput(f"invalid {encoding} text after its byte-order mark") from None
    return None


def _decode_strict(data: bytes, encoding: str | None) -> str | None:
    try:
        return data.decode(encoding) if encoding else None
    except (LookupError, UnicodeDecodeError):
        return None


def _decode_meta(data: bytes, *, html: bool) -> str | None:
    match = _META_CHARSET.search(data[:8192]) if html else None
    if match is None:
        return None
    try:
        return data.decode(match.group(1).decode("ascii"), errors="replace")
    except (LookupError, UnicodeDecodeError):
        return None


def _decode_guess(data: bytes) -> str:
    best = from_bytes(data).best()
    if best is None or "cp1252" in best.could_be_from_charset:
        return data.decode("cp1252", errors="replace")
    return str(best)


def _checked_document(
    doc_id: str, content: str, *, kind: str, published: date | None, **extra: Any
) -> Document | InputError:
    if not content.strip():
        return InputError(doc_id, "empty document (no text)")
    return Document(doc_id=doc_id, content=content, kind=kind, published=published, **extra)


def _jsonl_file_documents(path: str, published: date | None) -> Iterator[Document | InputError]:
    """A JSONL file (gzipped too) streamed line by line: memory stays flat at any file size."""
    try:
        with _open_binary(path) as stream:
            yield from _jsonl_documents(path, _jsonl_lines(stream), published)
    except _BadInput as exc:
        yield InputError(path, str(exc))
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        yield InputError(path, f"not a valid gzip file: {_one_line(exc)}")
    except OSError as exc:
        yield InputError(path, f"cannot read: {exc.strerror or _one_line(exc)}")


def _open_binary(path: str) -> gzip.GzipFile | io.BufferedReader:
    if path.lower().endswith(".gz"):
        return gzip.GzipFile(path, "rb")
    return open(path, "rb")


def _jsonl_lines(stream: gzip.GzipFile | io.BufferedReader) -> Iterator[bytes]:
    """The stream's lines; UTF-16/32 text (BOM) is decoded whole, since its lines split apart."""
    head = stream.peek(8192)[:8192]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)):
        text = decode_bytes(stream.read())
        yield from (line.encode("utf-8") for line in text.splitlines())
        return
    if b"\x00" in head:
        raise _BadInput("binary content (NUL bytes), not a text document")
    yield from stream


def _jsonl_documents(
    path: str, lines: Iterable[bytes], published: date | None
) -> Iterator[Document | InputError]:
    count = 0
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        count += 1
        where = f"{path}:{number}"
        try:
            yield _jsonl_document(where, decode_bytes(raw.rstrip(b"\r\n")), published)
        except _BadInput as exc:
            yield InputError(where, str(exc))
    if count == 0:
        yield InputError(path, "empty document (no JSONL records)")


def _jsonl_document(where: str, line: str, published: date | None) -> Document | InputError:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _BadInput(f"invalid JSON: {exc.msg} (column {exc.colno})") from None
    if not isinstance(record, dict):
        raise _BadInput(f"a JSONL record must be an object, not {type(record).__name__}")
    doc_id = _required_string(record, "id")
    kind, content = _content(record)
    extra = {name: _optional_string(record, name) or None for name in _OPTIONAL_FIELDS}
    day = _published(record) or published
    document = _checked_document(doc_id, content, kind=kind, published=day, **extra)
    return InputError(where, document.reason) if isinstance(document, InputError) else document


def _required_string(record: dict[str, Any], name: str) -> str:
    value = record.get(name)
    if value is None:
        raise _BadInput(f"missing required field {name!r}")
    if not isinstance(value, str) or not value.strip():
        raise _BadInput(f"field {name!r} must be a non-empty string")
    return value


def _optional_string(record: dict[str, Any], name: str) -> str | None:
    value = record.get(name)
    if value is not None and not isinstance(value, str):
        raise _BadInput(f"field {name!r} must be a string, not {type(value).__name__}")
    return value


def _content(record: dict[str, Any]) -> tuple[str, str]:
    """``("html", html)`` when the record has ``html``, else ``("text", text)``."""
    html = _optional_string(record, "html")
    text = _optional_string(record, "text")
    if html is not None:
        return "html", html
    if text is not None:
        return "text", text
    raise _BadInput("missing field 'text' or 'html'")


def _published(record: dict[str, Any]) -> date | None:
    value = record.get("published")
    if value is None:
        return None
    if not isinstance(value, str):
        raise _BadInput(f"field 'published' must be an ISO date string, not {type(value).__name__}")
    return _iso_date(value)


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value.strip()).date()
    except ValueError:
        raise _BadInput(f"field 'published' is not an ISO date: {value[:40]!r}") from None


# --- WARC archives ----------------------------------------------------------------------


def _warc_documents(path: str, run: _Run) -> Iterator[Document | InputError]:
    """One document per HTML response record; the damage of a truncated archive last."""
    try:
        with open(path, "rb") as stream:
            yield from _warc_records(path, stream, run)
    except OSError as exc:
        yield InputError(path, f"cannot read: {exc.strerror or _one_line(exc)}")
    except WarcError as exc:
        yield InputError(path, str(exc))


def _warc_records(path: str, stream: BinaryIO, run: _Run) -> Iterator[Document | InputError]:
    count = 0
    for page in iter_warc_pages(stream):
        count += 1
        if isinstance(page, WarcRecordError):
            yield InputError(f"{path}#{page.record}", page.reason)
        else:
            yield _warc_document(path, page, run)
    if count == 0:
        yield InputError(path, "no HTML response records in the WARC")


def _warc_document(path: str, page: WarcPage, run: _Run) -> Document | InputError:
    try:
        content = decode_bytes(page.payload, html=True, charset=page.charset)
    except _BadInput as exc:
        return InputError(f"{path}#{page.doc_id}", str(exc))
    document = _checked_document(
        page.doc_id, content, kind="html", published=run.published, url=page.target_uri
    )
    if isinstance(document, InputError):
        return InputError(f"{path}#{page.doc_id}", document.reason)
    return replace(document, crawled=page.warc_date)


# --- URLs, feeds and URL lists ----------------------------------------------------------


def _fetch(url: str, run: _Run, *, refresh: bool = False) -> Fetched:
    if run.fetcher is None:
        raise FetchError(url, "URL inputs need a fetcher (none was given)")
    return run.fetcher.fetch(url, refresh=refresh)


def _from_url(url: str, run: _Run) -> Iterator[Document | InputError]:
    """A page, or, when the URL answers with a feed, the pages its items link to (a feed is
    asked for afresh each run; its items come from the cache when they are there)."""
    try:
        fetched = _fetch(url, run)
        if fetched.from_cache and _is_feed(fetched):
            fetched = _fetch(url, run, refresh=True)
    except FetchError as exc:
        yield InputError(url, exc.reason)
        return
    if _is_feed(fetched):
        yield from _feed_documents(url, fetched.body, run, base_url=fetched.final_url)
    else:
        yield _fetched_document(fetched, published=run.published)


def _is_feed(fetched: Fetched) -> bool:
    return fetched.media_type not in _HTML_MEDIA and looks_like_feed(fetched.body)


def _fetched_document(fetched: Fetched, *, published: date | None) -> Document | InputError:
    kind = _fetched_kind(fetched)
    if kind is None:
        return InputError(fetched.url, f"unsupported content type {fetched.media_type!r}")
    try:
        content = decode_bytes(fetched.body, html=kind == "html", charset=fetched.charset)
    except _BadInput as exc:
        return InputError(fetched.url, str(exc))
    return _checked_document(
        fetched.url, content, kind=kind, published=published, url=fetched.final_url
    )


def _fetched_kind(fetched: Fetched) -> str | None:
    if fetched.media_type in _HTML_MEDIA:
        return "html"
    if fetched.media_type == "text/plain":
        return "text"
    if fetched.media_type in ("", "application/octet-stream"):
        return "html" if looks_like_html(fetched.body[:20000].decode("latin-1")) else "text"
    return None


def _feed_file_documents(path: str, run: _Run) -> Iterator[Document | InputError]:
    try:
        data = _read_bytes(path)
    except _BadInput as exc:
        yield InputError(path, str(exc))
        return
    yield from _feed_documents(path, data, run, base_url=None)


def _feed_documents(
    source: str, data: bytes, run: _Run, *, base_url: str | None
) -> Iterator[Document | InputError]:
    """The pages a feed's items link to, dated by the items' publication dates."""
    try:
        items = parse_feed(data, base_url=base_url)
    except FeedError as exc:
        yield InputError(source, str(exc))
        return
    for item in items:
        yield _feed_item_document(source, item, run)


def _feed_item_document(source: str, item: FeedItem, run: _Run) -> Document | InputError:
    try:
        fetched = _fetch(item.link, run)
    except FetchError as exc:
        return InputError(item.link, f"{exc.reason} (an item of {source})")
    return _fetched_document(fetched, published=item.published or run.published)


def _url_list_documents(path: str, text: str, run: _Run) -> Iterator[Document | InputError]:
    count = 0
    for number, url, line in read_url_list(text):
        count += 1
        if url is None:
            yield InputError(f"{path}:{number}", f"not an http(s) URL: {line[:80]!r}")
        else:
            yield from _from_url(url, run)
    if count == 0:
        yield InputError(path, "empty URL list")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
