"""RSS/Atom feeds (feedparser) and URL lists: where the articles to fetch are.

- :func:`looks_like_feed` tells a feed from other XML or HTML by its root element
  (``<rss>``, ``<feed>``, ``<rdf:RDF>``).
- :func:`parse_feed` gives the feed's items: link (made absolute against the feed's own URL,
  else the site link the feed names), title and publication date. A document that is not a
  feed, or a feed without any item link, raises :class:`FeedError`.
- :func:`read_url_list` reads a ``.urls`` file: one ``http(s)://`` URL a line; blank lines and
  lines starting with ``#`` are skipped; anything else is reported with its line number.

Nothing here fetches or prints; :mod:`communique.ingest` fetches the links.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

__all__ = ["FeedError", "FeedItem", "looks_like_feed", "parse_feed", "read_url_list"]

_FEED_ROOT = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<\?[^>]*>\s*|<!DOCTYPE[^>]*>\s*)*"
    rb"<(?:[\w-]+:)?(?:rss|feed|RDF)\b",
    re.DOTALL | re.IGNORECASE,
)


class FeedError(ValueError):
    """A feed that cannot be used, and why."""


@dataclass(frozen=True, slots=True)
class FeedItem:
    link: str
    title: str | None = None
    published: date | None = None


def looks_like_feed(data: bytes) -> bool:
    """Whether the document's root element is an RSS, Atom or RSS 1.0 (RDF) one."""
    return bool(_FEED_ROOT.match(data[:4096]))


def parse_feed(data: bytes, *, base_url: str | None = None) -> tuple[FeedItem, ...]:
    """The feed's items that have a link, in feed order, without repeated links."""
    if not looks_like_feed(data):
        raise FeedError("not an RSS/Atom feed")
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=False)
    entries: list[Any] = list(parsed.get("entries", []))
    if not entries and parsed.get("bozo"):
        raise FeedError(f"malformed feed: {_one_line(parsed.get('bozo_exception'))}")
    base = base_url or str(parsed.get("feed", {}).get("link") or "") or None
    items = _unique(_item(entry, base) for entry in entries)
    if not items:
        raise FeedError("the feed has no item with a link")
    return items


def _item(entry: Any, base_url: str | None) -> FeedItem | None:
    link = str(entry.get("link") or "").strip()
    if not link:
        return None
    absolute = urljoin(base_url, link) if base_url else link
    if urlsplit(absolute).scheme not in ("http", "https"):
        return None
    title = str(entry.get("title") or "").strip() or None
    return FeedItem(link=absolute, title=title, published=_entry_day(entry))


def _entry_day(entry: Any) -> date | None:
    for key in ("published_parsed", "updated_parsed"):
        stamp = entry.get(key)
        if isinstance(stamp, time.struct_time):
            return date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday)
    return None


def _unique(items: Iterator[FeedItem | None]) -> tuple[FeedItem, ...]:
    seen: dict[str, FeedItem] = {}
    for item in items:
        if item is not None and item.link not in seen:
            seen[item.link] = item
    return tuple(seen.values())


def read_url_list(text: str) -> Iterator[tuple[int, str | None, str]]:
    """``(line number, URL or None, the line)`` for every line that is not blank or a
    comment; the URL is None when the line is not an http(s) URL."""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = urlsplit(line)
        valid = parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in line
        yield number, (line if valid else None), line


def _one_line(value: object) -> str:
    return " ".join(str(value).split())[:200] or "unknown error"
