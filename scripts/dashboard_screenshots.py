"""Screenshots of the dashboard for the docs (docs/dashboard-*.png).

    .venv/bin/python scripts/dashboard_screenshots.py            # writes docs/dashboard-*.png

Builds a store from samples/ (coded by the pipeline, so the article view has real
highlights) plus 20,000 synthetic events from bench/store_bench.py (for the timeline and the
map), serves it on 127.0.0.1 and drives Debian's Chromium with Playwright.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from bench.store_bench import _generate
from playwright.sync_api import Page, sync_playwright
from tests.api_store import LiveServer
from tests.test_dashboard import CHROMIUM, CHROMIUM_ARGS

from communique.api import ApiSettings, create_app
from communique.config import Config
from communique.ingest import InputError, iter_documents
from communique.pipeline import load_resources, process_documents
from communique.store import open_store

REPO = Path(__file__).resolve().parent.parent


def build(path: Path) -> None:
    res = load_resources(Config())
    with open_store(path) as store:
        os.chdir(REPO)  # doc_ids as `communique ingest samples` gives them
        docs = iter_documents(["samples"])
        for item in process_documents(docs, res):
            if not isinstance(item, InputError):
                store.save(item)
        _generate(store, 20_000)
        store.load_staged("staged")
        store.recluster()


def _search(page: Page, **fields: str) -> None:
    page.click("#filters button[type=reset]")
    for name, value in fields.items():
        page.fill(f"input[name={name}]", value)
    page.click("#filters button[type=submit]")
    page.wait_for_timeout(1500)


def shoot(url: str, out: Path) -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.goto(url + "/")
        page.wait_for_selector("body[data-events][data-places][data-world]")
        _search(page, source="CHN", target="IRN", since="2019-01-01", until="2024-12-31")
        page.screenshot(path=str(out / "dashboard-overview.png"), full_page=True)
        _search(page, text="Wang")
        page.locator("#events tbody tr").first.click()
        page.wait_for_selector("body[data-article]")
        page.wait_for_timeout(800)
        page.screenshot(path=str(out / "dashboard-article.png"), full_page=True)
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.duckdb"
        build(db)
        with LiveServer(create_app(ApiSettings(db=db, read_only=True))) as live:
            shoot(live.url, args.out)


if __name__ == "__main__":
    main()
