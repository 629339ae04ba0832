"""Ingest: files, directories, JSONL, gzip and stdin in; :class:`Document` objects out.

Bad input never raises: each problem becomes an :class:`InputError` naming the file (and the
line, for JSONL) and the run goes on with the rest. Nothing here prints.

- ``.html``/``.htm`` -> kind ``"html"``; ``.txt`` -> kind ``"text"``; ``.jsonl`` -> one document
  per line (``id``, ``text`` or ``html``, optional ``published``, ``url``, ``title``); the
  ``.gz`` forms of these are decompressed transparently.
- Directories are walked recursively in sorted path order; hidden files and folders are
  skipped, and so are files of other types (naming such a file explicitly is an error).
- ``-`` reads ``stdin``: HTML when it looks like HTML, else text.
- Bytes are decoded by BOM (UTF-8, UTF-16, UTF-32), else as UTF-8, else by the HTML meta
  charset, else by charset_normalizer's best guess (cp1252 when that is one of its readings),
  else cp1252.
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
import re
import sys
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

from charset_normalizer import from_bytes

from communique.model import Document

__all__ = ["InputError", "decode_bytes", "iter_documents", "looks_like_html"]

_KINDS = {".html": "html", ".htm": "html", ".txt": "text", ".jsonl": "jsonl"}
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


def iter_documents(
    paths: Sequence[str], *, published: date | None = None, stdin: TextIO | None = None
) -> Iterator[Document | InputError]:
    """Yield a Document (or an InputError) for every input found under ``paths``, in order.

    ``published`` is the publication date given to documents whose record carries none.
    ``stdin`` is read for the path ``-`` (``sys.stdin`` when not given).
    """
    for path in paths:
        if path == "-":
            yield _from_stdin(stdin if stdin is not None else sys.stdin, published)
        else:
            yield from _from_path(path, published)


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


def _from_path(path: str, published: date | None) -> Iterator[Document | InputError]:
    target = Path(path)
    if target.is_dir():
        for child in _walk(target):
            yield from _from_file(str(child), published)
    elif target.exists():
        yield from _from_file(path, published)
    else:
        yield InputError(path, "no such file or directory")


def _walk(root: Path) -> list[Path]:
    """Supported files under ``root``, recursively, in sorted order, hidden ones skipped."""
    found: list[Path] = []
    for folder, folders, files in os.walk(root):
        folders[:] = [name for name in folders if not name.startswith(".")]
        found.extend(Path(folder, name) for name in files if _wanted(name))
    return sorted(found, key=lambda path: path.parts)


def _wanted(name: str) -> bool:
    return not name.startswith(".") and _kind_of(name) is not None


def _kind_of(name: str) -> str | None:
    lowered = name.lower().removesuffix(".gz")
    return _KINDS.get(Path(lowered).suffix)


def _from_file(path: str, published: date | None) -> Iterator[Document | InputError]:
    kind = _kind_of(path)
    if kind is None:
        yield InputError(path, f"unsupported file type {Path(path).suffix or '(none)'!r}")
        return
    try:
        text = decode_bytes(_read_bytes(path), html=kind == "html")
    except _BadInput as exc:
        yield InputError(path, str(exc))
        return
    if kind == "jsonl":
        yield from _jsonl_documents(path, text, published)
    else:
        yield _checked_document(path, text, kind=kind, published=published)


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


def decode_bytes(data: bytes, *, html: bool = False) -> str:
    """Decode a document's bytes; raises ``ValueError`` for binary content (NUL bytes)."""
    text = _decode_bom(data)
    if text is None:
        if b"\x00" in data:
            raise _BadInput("binary content (NUL bytes), not a text document")
        text = _decode_utf8(data) or _decode_meta(data, html=html) or _decode_guess(data)
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


def _decode_utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
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


def _jsonl_documents(
    path: str, text: str, published: date | None
) -> Iterator[Document | InputError]:
    count = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        count += 1
        where = f"{path}:{number}"
        try:
            yield _jsonl_document(where, line, published)
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


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
