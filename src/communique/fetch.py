"""Fetching URL inputs over HTTP(S): polite, retried and cached on disk.

A :class:`Fetcher` is built from an explicit :class:`FetchConfig` (nothing is read from
globals) and used as a context manager. For each URL it

1. answers from the on-disk cache when it can (a directory keyed by the SHA-256 of the URL;
   final answers are kept: 2xx pages and 4xx errors other than 429), so a re-run fetches
   nothing twice and does not even ask for ``robots.txt`` again (``refresh=True`` asks the
   network anyway and updates the cache: feeds are read that way);
2. asks the site's ``robots.txt`` (once per site and run, :mod:`urllib.robotparser`) whether
   its User-Agent may fetch the URL; a ``Crawl-delay`` raises the site's rate limit;
3. waits for the host's turn (at most one request per ``host_delay`` seconds per host);
4. sends the request with timeouts, following redirects, and retries connection errors,
   timeouts, 429 and 5xx answers with exponential backoff (``backoff * 2**attempt`` seconds,
   or the server's ``Retry-After`` when that is longer, capped at ``max_wait``);
5. reads at most ``max_bytes`` of body.

Every failure raises :class:`FetchError` naming the URL and the reason. Nothing here prints.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

__all__ = [
    "PROJECT_URL",
    "FetchConfig",
    "FetchError",
    "Fetched",
    "Fetcher",
    "default_cache_dir",
    "default_user_agent",
]

PROJECT_URL = "https://github.com/communique/communique"
MAX_BYTES = 20 * 1024 * 1024
CACHE_ENV = "COMMUNIQUE_CACHE_DIR"
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def default_user_agent() -> str:
    """``communique/<version> (+<project URL>)``."""
    try:
        version = metadata.version("communique")
    except metadata.PackageNotFoundError:
        version = "0"
    return f"communique/{version} (+{PROJECT_URL})"


def default_cache_dir(environ: Mapping[str, str]) -> Path:
    """``$COMMUNIQUE_CACHE_DIR``, else ``$XDG_CACHE_HOME/communique/http``, else
    ``~/.cache/communique/http``; ``environ`` is passed in (usually ``os.environ``)."""
    if environ.get(CACHE_ENV):
        return Path(environ[CACHE_ENV]).expanduser()
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "communique" / "http"


@dataclass(frozen=True, slots=True)
class FetchConfig:
    """How to fetch. ``cache_dir=None`` turns the on-disk cache off."""

    user_agent: str = field(default_factory=default_user_agent)
    timeout: float = 20.0  # seconds, for connecting and for each read
    retries: int = 3  # further attempts after the first
    backoff: float = 1.0  # seconds before the first retry; doubled for each next one
    host_delay: float = 1.0  # seconds between two requests to the same host
    max_wait: float = 60.0  # cap on any single wait (Retry-After, Crawl-delay)
    max_bytes: int = MAX_BYTES
    cache_dir: Path | None = None


@dataclass(frozen=True, slots=True)
class Fetched:
    """A successful (2xx) answer."""

    url: str  # as asked for
    final_url: str  # after redirects
    status: int
    content_type: str | None
    body: bytes
    from_cache: bool = False

    @property
    def media_type(self) -> str:
        return (self.content_type or "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in (self.content_type or "").split(";")[1:]:
            name, _, value = part.partition("=")
            if name.strip().lower() == "charset" and value.strip(" \"'"):
                return value.strip(" \"'")
        return None


class FetchError(Exception):
    """A URL that could not be fetched, and why."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class _Retry(Exception):
    """Internal: an attempt that failed in a way worth retrying."""

    def __init__(self, reason: str, *, wait: float = 0.0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


class Fetcher:
    """Fetches URLs as :class:`FetchConfig` says; one instance per run (it keeps the
    connection pool, the per-host clocks and the robots.txt answers of the run)."""

    def __init__(
        self, config: FetchConfig, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.config = config
        self.requests = 0  # requests sent over the network (robots.txt included)
        self._client = httpx.Client(
            headers={"User-Agent": config.user_agent},
            timeout=httpx.Timeout(config.timeout),
            follow_redirects=True,
            transport=transport,
        )
        self._next_slot: dict[str, float] = {}
        self._robots: dict[str, RobotFileParser] = {}

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(self, url: str, *, refresh: bool = False) -> Fetched:
        """The page at ``url``, from the cache when it is there unless ``refresh`` (for feeds,
        which change); raises :class:`FetchError`."""
        _check_url(url)
        cached = None if refresh else self._from_cache(url)
        if cached is not None:
            return _successful(cached)
        if not self._allowed(url):
            raise FetchError(url, "disallowed by robots.txt")
        answer = self._with_retries(url)
        self._to_cache(answer)
        return _successful(answer)

    # --- robots.txt --------------------------------------------------------------------

    def _allowed(self, url: str) -> bool:
        robots = self._robots_for(url)
        return robots.can_fetch(self.config.user_agent, url)

    def _robots_for(self, url: str) -> RobotFileParser:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = self._read_robots(f"{origin}/robots.txt")
        return self._robots[origin]

    def _read_robots(self, robots_url: str) -> RobotFileParser:
        """The site's rules: none (allow all) when it has no robots.txt or cannot be reached,
        everything disallowed when robots.txt answers 401 or 403 (as urllib does)."""
        parser = RobotFileParser(robots_url)
        try:
            answer = self._attempt(robots_url)
        except (_Retry, FetchError):
            parser.parse([])
            return parser
        if answer.status in (401, 403):
            parser.parse(["User-agent: *", "Disallow: /"])
        elif 200 <= answer.status < 300:
            parser.parse(answer.body.decode("utf-8", errors="replace").splitlines())
        else:
            parser.parse([])
        return parser

    # --- requests ----------------------------------------------------------------------

    def _with_retries(self, url: str) -> Fetched:
        attempts = self.config.retries + 1
        for attempt in range(attempts):
            try:
                return self._attempt(url)
            except _Retry as retry:
                if attempt + 1 == attempts:
                    raise FetchError(url, f"{retry.reason} (after {attempts} attempts)") from None
                time.sleep(self._backoff(attempt, retry.wait))
        raise FetchError(url, "no attempt was made")  # only when retries < 0

    def _backoff(self, attempt: int, wait: float) -> float:
        return min(max(self.config.backoff * 2.0**attempt, wait), self.config.max_wait)

    def _attempt(self, url: str) -> Fetched:
        """One request; raises :class:`_Retry` on what is worth another try."""
        self._wait_turn(url)
        self.requests += 1
        try:
            with self._client.stream("GET", url) as response:
                return self._answer(url, response)
        except httpx.TransportError as exc:
            raise _Retry(f"{type(exc).__name__}: {_one_line(exc)}") from None
        except httpx.HTTPError as exc:
            raise FetchError(url, f"{type(exc).__name__}: {_one_line(exc)}") from None

    def _answer(self, url: str, response: httpx.Response) -> Fetched:
        if response.status_code in _RETRY_STATUSES:
            raise _Retry(f"HTTP {response.status_code}", wait=_retry_after(response))
        return Fetched(
            url=url,
            final_url=str(response.url),
            status=response.status_code,
            content_type=response.headers.get("Content-Type"),
            body=_read_limited(url, response, self.config.max_bytes),
        )

    def _wait_turn(self, url: str) -> None:
        """Sleep until the host may be asked again; book its next turn."""
        host = urlsplit(url).netloc.lower()
        now = time.monotonic()
        slot = self._next_slot.get(host, now)
        if slot > now:
            time.sleep(slot - now)
        self._next_slot[host] = max(slot, now) + self._host_delay(url)

    def _host_delay(self, url: str) -> float:
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        robots = self._robots.get(origin)
        crawl_delay = robots.crawl_delay(self.config.user_agent) if robots else None
        delay = max(self.config.host_delay, float(crawl_delay or 0))
        return min(delay, self.config.max_wait)

    # --- cache -------------------------------------------------------------------------

    def _cache_paths(self, url: str) -> tuple[Path, Path] | None:
        if self.config.cache_dir is None:
            return None
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()
        folder = self.config.cache_dir / key[:2]
        return folder / f"{key}.json", folder / f"{key}.body"

    def _from_cache(self, url: str) -> Fetched | None:
        paths = self._cache_paths(url)
        if paths is None or not paths[0].is_file():
            return None
        try:
            meta: dict[str, Any] = json.loads(paths[0].read_text(encoding="utf-8"))
            body = paths[1].read_bytes()
        except (OSError, ValueError):
            return None  # a damaged entry is fetched again
        if meta.get("url") != url:
            return None
        return Fetched(
            url=url,
            final_url=str(meta["final_url"]),
            status=int(meta["status"]),
            content_type=meta.get("content_type"),
            body=body,
            from_cache=True,
        )

    def _to_cache(self, answer: Fetched) -> None:
        paths = self._cache_paths(answer.url)
        if paths is None:
            return
        meta = {
            "url": answer.url,
            "final_url": answer.final_url,
            "status": answer.status,
            "content_type": answer.content_type,
            "fetched": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        try:
            paths[0].parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(paths[1], answer.body)  # the body first: the .json marks it whole
            _write_atomically(paths[0], json.dumps(meta).encode("utf-8"))
        except OSError as exc:
            raise FetchError(answer.url, f"cannot write the cache: {_one_line(exc)}") from None


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FetchError(url, "not an http(s) URL")


def _successful(answer: Fetched) -> Fetched:
    if not 200 <= answer.status < 300:
        cached = " (cached)" if answer.from_cache else ""
        raise FetchError(answer.url, f"HTTP {answer.status}{cached}")
    return answer


def _retry_after(response: httpx.Response) -> float:
    value = response.headers.get("Retry-After", "")
    return float(value) if value.strip().isdigit() else 0.0


def _read_limited(url: str, response: httpx.Response, limit: int) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchError(url, f"response larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise FetchError(url, f"response larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    temporary.replace(path)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__
