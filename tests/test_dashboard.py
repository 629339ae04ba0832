"""The dashboard in a real browser: Debian's headless Chromium driven by Playwright, against
the app under uvicorn on 127.0.0.1 (one browser and one server for the module)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from communique.api import ApiSettings, create_app
from tests.api_store import HOSTILE_ID, HOSTILE_TITLE, LiveServer, build_store

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = build_store(tmp_path_factory.mktemp("dash") / "store.duckdb")
    with LiveServer(create_app(ApiSettings(db=db, read_only=True))) as live:
        yield live.url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).is_file():
        pytest.skip(
            "Chromium is not installed (/usr/bin/chromium): `make test` installs Debian's"
            " chromium package when it runs as root; else `apt-get install -y chromium`"
        )
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(server + "/")
    page.wait_for_selector("body[data-events][data-places][data-world]")
    yield page
    assert errors == []  # no script error, no CSP violation, no failed request
    context.close()


def test_table_loads_every_event(page: Any) -> None:
    rows = page.locator("#events tbody tr")
    assert rows.count() == 9
    first = rows.nth(0).locator("td")
    assert [first.nth(i).inner_text() for i in range(5)] == [
        "2024-01-05", "CHN", "042 Make a visit\nCONSULT", "IRN", "Tehran, IRN",
    ]  # fmt: skip


def test_drill_down_highlights_actors_and_verb(page: Any) -> None:
    page.locator("#events tbody tr[data-doc-id=a3]").click()
    page.wait_for_selector("body[data-article=a3]")
    marks = page.locator("#article-text mark")
    found = [(marks.nth(i).get_attribute("class"), marks.nth(i).inner_text()) for i in range(3)]
    assert found == [("hl-source", "CHN"), ("hl-verb", "met"), ("hl-target", "IRN")]
    assert page.locator("#article-text").inner_text() == "CHN met IRN in talks on a3."


def test_timeline_chart_and_map_render(page: Any) -> None:
    page.fill("input[name=source]", "CHN")
    page.fill("input[name=target]", "IRN")
    page.click("#filters button[type=submit]")
    page.wait_for_selector("body[data-timeline='3']")  # January, February, March
    assert page.locator("#dyad-name").inner_text() == "CHN → IRN"
    counts = page.evaluate("Chart.getChart('timeline').data.datasets.map(d => d.data)")
    # CHN->IRN by QuadClass: January 042, 057 and the hostile 042 (1); February 111 (3);
    # March 190 (4); the undated 036 is in no month
    assert counts[:4] == [[3, 0, 0], [0, 0, 0], [0, 1, 0], [0, 0, 1]]
    assert counts[4] == [3.9333, -2.0, -10.0]  # mean Goldstein, (1.9 + 8.0 + 1.9) / 3 rounded
    assert page.locator("#map path.land").count() > 150  # country outlines drawn
    titles = page.evaluate(
        "[...document.querySelectorAll('#map circle.point title')].map(t => t.textContent)"
    )
    assert sorted(titles) == ["Beijing, CHN: 1 reports", "Tehran, IRN: 4 reports"]


def test_script_in_title_is_shown_not_run(page: Any) -> None:
    page.locator(f"#events tbody tr[data-doc-id={HOSTILE_ID}]").click()
    page.wait_for_selector(f"body[data-article={HOSTILE_ID}]")
    assert page.locator("#article-title").inner_text() == HOSTILE_TITLE
    assert page.locator("#article-text img, #article-text script, #article-title b").count() == 0
    assert page.evaluate("window.__pwned === undefined")
