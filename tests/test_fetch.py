"""Fetching URLs, feeds and URL lists against an HTTP server on 127.0.0.1 started here."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from communique.cli import app
from communique.fetch import FetchConfig, Fetcher, FetchError, default_cache_dir
from communique.ingest import InputError, iter_documents
from communique.model import Document

Answer = tuple[int, str, bytes]  # status, content type, body
HTML = "text/html; charset=utf-8"
ARTICLE = (
    "<html><head><title>{0}</title></head><body><article><h1>{0}</h1><p>Kenyan police fired"
    " tear gas at protesters in Nairobi on Tuesday, witnesses said.</p></article></body></html>"
)
ROBOTS = b"User-agent: *\nDisallow: /private/\n"
RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>World</title><link>{base}/</link>
<item><title>One</title><link>{base}/news/1</link>
<pubDate>Tue, 25 Jul 2023 09:00:00 GMT</pubDate></item>
<item><title>Two</title><link>/news/2</link></item>
<item><title>One again</title><link>{base}/news/1</link></item>
</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>World</title>
<entry><title>One</title><link href="{base}/news/1"/><updated>2023-07-26T10:00:00Z</updated>
</entry></feed>"""


@dataclass
class Site:
    """What the test server answers, path by path, and what it was asked."""

    base: str = ""
    routes: dict[str, list[Answer]] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    agents: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def page(self, path: str, *answers: Answer) -> str:
        self.routes[path] = list(answers)
        return self.base + path

    def answer(self, path: str, agent: str) -> Answer:
        with self.lock:
            self.hits[path] += 1
            self.agents.append(agent)
            answers = self.routes.get(path)
            if not answers:
                return 404, "text/plain", b"not found"
            return answers.pop(0) if len(answers) > 1 else answers[0]


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, kind, body = site.answer(self.path, self.headers.get("User-Agent", ""))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def site() -> Iterator[Site]:
    state = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    state.page("/robots.txt", (200, "text/plain", ROBOTS))
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _config(tmp_path: Path | None = None, **options: float) -> FetchConfig:
    settings: dict[str, float] = {"backoff": 0.01, "host_delay": 0.0, "timeout": 5.0}
    settings.update(options)
    return FetchConfig(cache_dir=tmp_path, **settings)  # type: ignore[arg-type]


def _article(title: str) -> Answer:
    return 200, HTML, ARTICLE.format(title).encode()


# --- the fetcher ------------------------------------------------------------------------


def test_page_is_fetched_with_a_clear_user_agent(site: Site) -> None:
    url = site.page("/news/1", _article("One"))
    with Fetcher(_config()) as fetcher:
        page = fetcher.fetch(url)
    assert (page.status, page.media_type, page.charset, page.from_cache) == (
        200,
        "text/html",
        "utf-8",
        False,
    )
    assert b"Kenyan police" in page.body
    assert all(a.startswith("communique/") and "(+https://" in a for a in site.agents)


def test_robots_disallow_is_honoured(site: Site) -> None:
    private = site.page("/private/memo", _article("Secret"))
    public = site.page("/news/1", _article("One"))
    with Fetcher(_config()) as fetcher:
        with pytest.raises(FetchError, match=r"disallowed by robots\.txt"):
            fetcher.fetch(private)
        fetcher.fetch(public)
    assert site.hits["/private/memo"] == 0
    assert site.hits["/robots.txt"] == 1  # asked once per site


def test_server_errors_are_retried_then_succeed(site: Site) -> None:
    unavailable: Answer = (503, "text/plain", b"busy")
    url = site.page("/flaky", unavailable, (500, "text/plain", b"oops"), _article("Flaky"))
    with Fetcher(_config()) as fetcher:
        assert b"Flaky" in fetcher.fetch(url).body
    assert site.hits["/flaky"] == 3
    down = site.page("/down", unavailable)
    with Fetcher(_config(retries=1)) as fetcher, pytest.raises(FetchError) as failure:
        fetcher.fetch(down)
    assert failure.value.reason == "HTTP 503 (after 2 attempts)"


def test_connection_errors_are_retried_and_reported() -> None:
    with socket.socket() as probe:  # a port with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with Fetcher(_config(retries=1)) as fetcher, pytest.raises(FetchError) as failure:
        fetcher.fetch(f"http://127.0.0.1:{port}/x")
    assert "ConnectError" in failure.value.reason and "after 2 attempts" in failure.value.reason


def test_cache_hit_fetches_nothing_twice(site: Site, tmp_path: Path) -> None:
    url = site.page("/news/1", _article("One"))
    missing = site.page("/news/404")
    with Fetcher(_config(tmp_path)) as first:
        assert not first.fetch(url).from_cache
        with pytest.raises(FetchError, match="HTTP 404"):
            first.fetch(missing)
    before = sum(site.hits.values())
    with Fetcher(_config(tmp_path)) as second:  # a re-run: a new fetcher, the same cache
        again = second.fetch(url)
        with pytest.raises(FetchError, match=r"HTTP 404 \(cached\)"):
            second.fetch(missing)
    assert again.from_cache and b"Kenyan police" in again.body
    assert sum(site.hits.values()) == before and second.requests == 0


def test_per_host_rate_limit(site: Site) -> None:
    urls = [site.page(f"/news/{n}", _article(str(n))) for n in range(3)]
    start = time.monotonic()
    with Fetcher(_config(host_delay=0.1)) as fetcher:
        for url in urls:
            fetcher.fetch(url)
    elapsed = time.monotonic() - start
    assert fetcher.requests == 4  # robots.txt and three pages: three waits between them
    assert 0.3 <= elapsed < 3.0


def test_too_large_and_bad_urls(site: Site) -> None:
    url = site.page("/big", (200, HTML, b"<p>" + b"x" * 5000 + b"</p>"))
    with Fetcher(_config(max_bytes=1000)) as fetcher:
        with pytest.raises(FetchError, match="larger than 1000 bytes"):
            fetcher.fetch(url)
        with pytest.raises(FetchError, match="not an http"):
            fetcher.fetch("ftp://example.org/file")


def test_default_cache_dir_follows_the_environment(tmp_path: Path) -> None:
    assert default_cache_dir({"COMMUNIQUE_CACHE_DIR": str(tmp_path)}) == tmp_path
    xdg = default_cache_dir({"XDG_CACHE_HOME": str(tmp_path)})
    assert xdg == tmp_path / "communique" / "http"
    assert default_cache_dir({}).parts[-3:] == (".cache", "communique", "http")


# --- URLs, feeds and URL lists through ingest -------------------------------------------


def _documents(paths: list[str], fetcher: Fetcher | None) -> list[Document | InputError]:
    return list(iter_documents(paths, fetcher=fetcher))


def test_url_argument_becomes_a_document(site: Site) -> None:
    url = site.page("/news/1", _article("One"))
    with Fetcher(_config()) as fetcher:
        [doc] = _documents([url], fetcher)
    assert isinstance(doc, Document)
    assert (doc.doc_id, doc.url, doc.kind) == (url, url, "html")
    assert "Kenyan police" in doc.content


def test_feed_url_items_are_fetched(site: Site, tmp_path: Path) -> None:
    site.page("/news/1", _article("One"))
    site.page("/news/2", _article("Two"))
    feed = site.page("/feed", (200, "application/rss+xml", RSS.format(base=site.base).encode()))
    with Fetcher(_config(tmp_path)) as fetcher:
        docs = _documents([feed], fetcher)
    assert all(isinstance(d, Document) for d in docs), docs
    assert [d.doc_id for d in docs] == [site.base + "/news/1", site.base + "/news/2"]
    first, second = (d for d in docs if isinstance(d, Document))
    assert (first.published, second.published) == (date(2023, 7, 25), None)
    assert site.hits["/news/1"] == 1  # a repeated link is fetched once
    with Fetcher(_config(tmp_path)) as rerun:
        again = _documents([feed], rerun)
    assert [d.doc_id for d in again] == [d.doc_id for d in docs]
    assert (site.hits["/feed"], site.hits["/news/1"]) == (2, 1)  # the feed is read afresh


def test_feed_files_and_url_lists(site: Site, tmp_path: Path) -> None:
    site.page("/news/1", _article("One"))
    (tmp_path / "world.atom").write_text(ATOM.format(base=site.base))
    (tmp_path / "feed.xml").write_text(RSS.format(base=site.base).replace("/news/2", "/gone"))
    (tmp_path / "sitemap.xml").write_text("<urlset><url>x</url></urlset>")
    listing = f"# today\n{site.base}/news/1\n\nnot a url\n{site.base}/private/x\n"
    (tmp_path / "today.urls").write_text(listing)
    with Fetcher(_config()) as fetcher:
        atom = _documents([str(tmp_path / "world.atom")], fetcher)
        rss = _documents([str(tmp_path / "feed.xml")], fetcher)
        listed = _documents([str(tmp_path / "today.urls")], fetcher)
        walked = _documents([str(tmp_path)], fetcher)
    assert [(d.doc_id, d.published) for d in atom if isinstance(d, Document)] == [
        (site.base + "/news/1", date(2023, 7, 26))
    ]
    gone = rss[1]
    assert isinstance(gone, InputError) and gone.reason == "HTTP 404 (an item of {})".format(
        tmp_path / "feed.xml"
    )
    assert [type(i).__name__ for i in listed] == ["Document", "InputError", "InputError"]
    assert listed[1].path == f"{tmp_path / 'today.urls'}:4"  # type: ignore[union-attr]
    assert "robots.txt" in listed[2].reason  # type: ignore[union-attr]
    assert len(walked) == len(atom) + len(rss) + len(listed)  # sitemap.xml is passed over


def test_url_inputs_without_a_fetcher_or_with_a_bad_feed(tmp_path: Path) -> None:
    [error] = _documents(["https://example.org/a"], None)
    assert isinstance(error, InputError) and "need a fetcher" in error.reason
    (tmp_path / "broken.rss").write_text("<html><body>not a feed</body></html>")
    [bad] = _documents([str(tmp_path / "broken.rss")], None)
    assert isinstance(bad, InputError) and bad.reason == "not an RSS/Atom feed"


def test_cli_extract_fetches_through_the_cache(site: Site, tmp_path: Path) -> None:
    url = site.page("/news/1", _article("One"))
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(app, ["extract", url, "--cache-dir", str(tmp_path)])
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["doc_id"] == url
    assert site.hits["/news/1"] == 1 and list(tmp_path.glob("*/*.json"))
