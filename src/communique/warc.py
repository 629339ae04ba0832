"""WARC and WARC.gz archives: the HTML pages of their response records (warcio).

:func:`iter_warc_pages` streams an archive record by record and yields a :class:`WarcPage`
for every ``response`` (or ``resource``) record whose payload is HTML with a 2xx status; other
records (requests, metadata, revisits, images, redirects) are passed over. A record that cannot
be used yields a :class:`WarcRecordError`. warcio reads a truncated archive without complaint,
so the reader checks it: a record whose payload is shorter than its ``Content-Length``, bytes
left after the last whole record, or a gzip member that never ends raise :class:`WarcError`
after the records read so far have been yielded. Nothing here prints.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

__all__ = ["MAX_PAGE_BYTES", "WarcError", "WarcPage", "WarcRecordError", "iter_warc_pages"]

MAX_PAGE_BYTES = 20 * 1024 * 1024
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_PAGE_RECORDS = frozenset({"response", "resource"})
_GZIP_MAGIC = b"\x1f\x8b"
_TAIL = 64  # bytes of the stream kept to check what follows the last record


class WarcError(ValueError):
    """The archive is truncated or corrupt; the records before the damage were yielded."""


@dataclass(frozen=True, slots=True)
class WarcPage:
    """The HTML payload of one record and what the record says about it."""

    record_id: str
    target_uri: str | None
    warc_date: date | None
    charset: str | None  # from the HTTP Content-Type header
    payload: bytes

    @property
    def doc_id(self) -> str:
        return self.target_uri or self.record_id


@dataclass(frozen=True, slots=True)
class WarcRecordError:
    """One record that holds HTML but could not be used (too large, empty)."""

    record: str  # its target URI, else its record id
    reason: str


class _Watched:
    """A read-only stream that counts what was read, keeps its last bytes and follows its
    gzip members to their ends (the decompressed output is dropped: only framing matters)."""

    def __init__(self, raw: BinaryIO, *, gzipped: bool) -> None:
        self.raw = raw
        self.read_bytes = 0
        self.tail = b""
        self.member: Any = zlib.decompressobj(31) if gzipped else None
        self.broken = False

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.read_bytes += len(data)
        self.tail = (self.tail + data)[-_TAIL:]
        if self.member is not None and not self.broken:
            self._follow(data)
        return data

    def tell(self) -> int:
        return self.read_bytes

    def _follow(self, data: bytes) -> None:
        while data:
            if self.member.eof:
                data = data.lstrip()  # whitespace between or after members is harmless
                if not data:
                    return
                self.member = zlib.decompressobj(31)
            try:
                self.member.decompress(data)
            except zlib.error:
                self.broken = True
                return
            data = self.member.unused_data if self.member.eof else b""

    def drain(self) -> int:
        """Read to the end of the stream; the number of bytes the iterator had left."""
        rest = 0
        while chunk := self.read(1 << 16):
            rest += len(chunk)
        return rest

    @property
    def gzip_ended(self) -> bool:
        return self.member is None or (self.member.eof and not self.broken)

    def blank_tail(self, size: int) -> bool:
        """Whether the last ``size`` bytes read are whitespace."""
        return size <= len(self.tail) and not self.tail[len(self.tail) - size :].strip()


def iter_warc_pages(
    stream: BinaryIO, *, max_bytes: int = MAX_PAGE_BYTES
) -> Iterator[WarcPage | WarcRecordError]:
    """The HTML pages of an archive, in order; raises :class:`WarcError` where it is damaged."""
    watched = _Watched(stream, gzipped=_starts_gzipped(stream))
    records = ArchiveIterator(watched)
    count, end = 0, 0
    try:
        for record in records:
            page = _page(record, max_bytes=max_bytes)
            _check_complete(record, count)
            end = records.get_record_offset() + records.get_record_length()
            count += 1
            if page is not None:
                yield page
    except WarcError:
        raise
    except (ArchiveLoadFailed, EOFError, OSError, zlib.error, ValueError, AttributeError) as exc:
        raise WarcError(f"corrupt WARC after {count} records: {_one_line(exc)}") from None
    _check_ending(watched, count=count, end=end)


def _starts_gzipped(stream: BinaryIO) -> bool:
    """Whether the stream starts with gzip's magic bytes (it is rewound when seekable)."""
    if not stream.seekable():
        return False
    start = stream.tell()
    head = stream.read(2)
    stream.seek(start)
    return head == _GZIP_MAGIC


def _page(record: Any, *, max_bytes: int) -> WarcPage | WarcRecordError | None:
    """The record as a page; None when it is not an HTML page at all."""
    if record.rec_type not in _PAGE_RECORDS or not _is_html_ok(record):
        return None
    headers = record.rec_headers
    uri = headers.get_header("WARC-Target-URI")
    record_id = headers.get_header("WARC-Record-ID") or "(no record id)"
    payload = record.content_stream().read(max_bytes + 1)
    if len(payload) > max_bytes:
        return WarcRecordError(uri or record_id, f"payload larger than {max_bytes} bytes")
    return WarcPage(
        record_id=record_id,
        target_uri=uri,
        warc_date=_warc_day(headers.get_header("WARC-Date")),
        charset=_charset(_content_type(record)),
        payload=payload,
    )


def _is_html_ok(record: Any) -> bool:
    """A 2xx HTTP response (or a resource record) whose content type is HTML."""
    status = record.http_headers.get_statuscode() if record.http_headers else "200"
    media = (_content_type(record) or "").split(";")[0].strip().lower()
    return str(status).startswith("2") and media in _HTML_TYPES


def _content_type(record: Any) -> str | None:
    if record.http_headers:
        value = record.http_headers.get_header("Content-Type")
    else:
        value = record.rec_headers.get_header("Content-Type")
    return str(value) if value else None


def _charset(content_type: str | None) -> str | None:
    for part in (content_type or "").split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset" and value.strip(" \"'"):
            return value.strip(" \"'")
    return None


def _warc_day(value: str | None) -> date | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date() if value else None
    except ValueError:
        return None


def _check_complete(record: Any, count: int) -> None:
    """Read the rest of the record; a payload shorter than announced means truncation."""
    while record.raw_stream.read(1 << 16):
        pass
    if record.raw_stream.limit > 0:
        raise WarcError(f"truncated WARC: record {count + 1} ends early")


def _check_ending(watched: _Watched, *, count: int, end: int) -> None:
    """Damage after the last whole record: an unfinished gzip member or stray bytes."""
    leftover = watched.drain()
    if not watched.gzip_ended:
        raise WarcError(f"truncated WARC.gz after {count} records (a gzip member never ends)")
    stray = watched.read_bytes - end if watched.member is None else 0
    if stray and not watched.blank_tail(stray):
        raise WarcError(f"truncated WARC after {count} records (an incomplete record follows)")
    del leftover


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__
