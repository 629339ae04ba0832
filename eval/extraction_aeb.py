"""Body extraction accuracy on the Article Extraction Benchmark (../shared/data/dev/extraction_aeb).

The 181 gzipped HTML pages are extracted by communique (``extract_article``, the body without
the title) and by trafilatura alone with its defaults (``bare_extraction``), and each body is
scored against the benchmark's gold ``articleBody``:

- token level, the benchmark's usual metric: tokens are ``\\w+`` runs, compared as bags
  (multisets); per page, true positives, false positives and false negatives are normalised to
  sum to 1 so that each page weighs the same (as the benchmark's ``evaluate.py`` does), then
  summed over pages; precision = TP / (TP + FP), recall = TP / (TP + FN), F1 their harmonic
  mean. ``--shingles 4`` scores 4-token shingles instead, the benchmark's own headline metric;
- date found: the share of pages for which a publication date was found (the benchmark has no
  gold dates, so this is coverage, not accuracy);
- date accuracy: on the pages that state their publication date unambiguously (see
  :func:`read_page`; these dates are the page's own, not independent gold), the share whose
  extracted date is that day;
- pages per second of each extractor: pages over the CPU seconds of this single process,
  pinned to one CPU, after one warm-up page (one core, this machine).

Extractors: communique on the HTML; trafilatura's defaults; readability-lxml (optional, the
``[eval]`` extra); communique's line cleaner on a text dump of the page (every visible text
node, one per line: nav, footer and share buttons included); the raw dump itself.

Splits (``--split``): the pages are split by CRC32 of their key, even -> ``dev`` (92 pages, where
the text cleaner's rules and constants were tuned), odd -> ``test`` (89 pages, held out: report
these); ``all`` (the default) is the 181 pages.

Usage: python eval/extraction_aeb.py [--shared ../shared] [--split all|dev|test] [--limit N]
       [--shingles N] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import re
import sys
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import lxml.html  # type: ignore[import-untyped]
import trafilatura

from communique.extract import extract_article
from communique.ingest import decode_bytes
from communique.model import Document

_TOKEN = re.compile(r"\w+", re.UNICODE)
_JSONLD_DATE = re.compile(r'"datePublished"\s*:\s*"(\d{4}-\d{2}-\d{2})')
_ISO_DAY = re.compile(r"\A\s*(\d{4}-\d{2}-\d{2})")
_PUBLISHED_META = frozenset({"article:published_time", "datepublished", "og:published_time"})
_INVISIBLE = frozenset({"script", "style", "noscript", "template", "head", "svg"})


@dataclass(frozen=True, slots=True)
class Page:
    key: str
    url: str
    html: str
    gold: str
    dump: str
    gold_date: date | None


@dataclass(frozen=True, slots=True)
class Extracted:
    body: str
    dated: bool
    published: date | None = None


class _DumpReader(HTMLParser):
    """Every visible text node of a page, one per line (what a crawler's text dump holds)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self.hidden = 0
        self.meta_dates: set[date] = set()
        self.time_dates: set[date] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _INVISIBLE:
            self.hidden += 1
        values = {name: value or "" for name, value in attrs}
        if tag == "meta":
            key = values.get("property") or values.get("name") or values.get("itemprop", "")
            if key.lower() in _PUBLISHED_META:
                _add_day(self.meta_dates, values.get("content", ""))
        elif tag == "time":
            _add_day(self.time_dates, values.get("datetime", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in _INVISIBLE and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self.hidden:
            self.nodes.append(text)


def _add_day(days: set[date], value: str) -> None:
    match = _ISO_DAY.match(value)
    if match:
        try:
            days.add(date.fromisoformat(match.group(1)))
        except ValueError:
            return


def read_page(html: str) -> tuple[str, date | None]:
    """The page's text dump and the publication date it states unambiguously, if any.

    The date is taken from ``article:published_time``/``datePublished`` meta tags and JSON-LD
    ``datePublished`` when they agree on one day; failing those, from ``<time datetime>`` when
    every such element on the page gives the same day. Otherwise there is no gold date.
    """
    reader = _DumpReader()
    reader.feed(html)
    reader.close()
    stated = set(reader.meta_dates)
    for value in _JSONLD_DATE.findall(html):
        _add_day(stated, value)
    days = stated or reader.time_dates
    return "\n".join(reader.nodes), (next(iter(days)) if len(days) == 1 else None)


@dataclass(frozen=True, slots=True)
class Scores:
    extractor: str
    pages: int
    precision: float
    recall: float
    f1: float
    date_found: float
    date_pages: int
    date_accuracy: float | None
    pages_per_second: float


SPLITS = ("all", "dev", "test")


def split_of(key: str) -> str:
    """``dev`` or ``test``: the page's split, by CRC32 of its key (even: dev)."""
    return "dev" if zlib.crc32(key.encode("utf-8")) % 2 == 0 else "test"


def load_pages(shared: Path, *, limit: int | None = None, split: str = "all") -> list[Page]:
    """The benchmark's pages of ``split`` in key order (the first ``limit`` when given)."""
    root = shared / "data" / "dev" / "extraction_aeb"
    gold = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    keys = [k for k in sorted(gold) if split == "all" or split_of(k) == split][:limit]
    return [_page(root, key, gold[key]) for key in keys]


def _page(root: Path, key: str, record: dict[str, str]) -> Page:
    raw = gzip.decompress((root / "html" / f"{key}.html.gz").read_bytes())
    html = decode_bytes(raw, html=True)
    dump, gold_date = read_page(html)
    return Page(
        key=key,
        url=record.get("url", ""),
        html=html,
        gold=record["articleBody"],
        dump=dump,
        gold_date=gold_date,
    )


def communique_extractor(page: Page) -> Extracted:
    doc = Document(doc_id=page.key, content=page.html, kind="html", url=page.url or None)
    article = extract_article(doc)
    return Extracted(
        body=article.body, dated=article.published is not None, published=article.published
    )


def trafilatura_extractor(page: Page) -> Extracted:
    result = trafilatura.bare_extraction(page.html, url=page.url or None, with_metadata=True)
    if result is None:
        return Extracted(body="", dated=False)
    body = getattr(result, "text", None) or ""
    day = getattr(result, "date", None) or ""
    match = _ISO_DAY.match(day)
    published = date.fromisoformat(match.group(1)) if match else None
    return Extracted(body=body, dated=bool(day), published=published)


def readability_extractor(page: Page) -> Extracted:
    """readability-lxml's ``summary()`` (HTML of the main content), its text one block a line."""
    # optional: the [eval] extra
    from readability import Document as ReadabilityDocument  # type: ignore[import-untyped]

    summary = ReadabilityDocument(page.html, url=page.url or None).summary(html_partial=True)
    tree = lxml.html.fromstring(summary) if summary.strip() else None
    body = "\n".join(" ".join(t.split()) for t in tree.itertext()) if tree is not None else ""
    return Extracted(body=body, dated=False)


def text_dump_extractor(page: Page) -> Extracted:
    """communique's line cleaner on the page's text dump (``extract_article``, kind text)."""
    doc = Document(doc_id=page.key, content=page.dump, kind="text", url=page.url or None)
    article = extract_article(doc)
    return Extracted(
        body=article.body, dated=article.published is not None, published=article.published
    )


def raw_dump_extractor(page: Page) -> Extracted:
    """The text dump itself, uncleaned: the baseline of the text path."""
    return Extracted(body=page.dump, dated=False)


EXTRACTORS: dict[str, Callable[[Page], Extracted]] = {
    "communique": communique_extractor,
    "trafilatura (defaults)": trafilatura_extractor,
    "readability-lxml": readability_extractor,
    "communique (text dump)": text_dump_extractor,
    "raw text dump": raw_dump_extractor,
}
OPTIONAL = {"readability-lxml": "readability"}


def available(name: str) -> bool:
    """Whether the extractor's optional package is installed (``pip install -e .[eval]``)."""
    module = OPTIONAL.get(name)
    return module is None or importlib.util.find_spec(module) is not None


def grams(text: str, size: int) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    count = max(1, len(tokens) - size + 1)
    return Counter(tuple(tokens[i : i + size]) for i in range(count) if tokens[i : i + size])


def page_counts(gold: str, predicted: str, *, size: int = 1) -> tuple[float, float, float]:
    """Normalised (TP, FP, FN) of one page; all zero when both texts are empty."""
    true, pred = grams(gold, size), grams(predicted, size)
    tp = sum((true & pred).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def prf(counts: Iterable[tuple[float, float, float]]) -> tuple[float, float, float]:
    tp, fp, fn = (sum(column) for column in zip(*counts, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score(name: str, pages: Sequence[Page], *, size: int = 1) -> Scores:
    extractor = EXTRACTORS[name]
    extractor(pages[0])  # warm-up: lazy loads (rules, models) are not extraction
    start = time.process_time()  # CPU time of this one process: one core, whatever the load
    found = [extractor(page) for page in pages]
    seconds = time.process_time() - start
    counts = [page_counts(p.gold, f.body, size=size) for p, f in zip(pages, found, strict=True)]
    precision, recall, f1 = prf(counts)
    return Scores(
        extractor=name,
        pages=len(pages),
        precision=round(precision, 4),
        recall=round(recall, 4),
        f1=round(f1, 4),
        date_found=round(sum(f.dated for f in found) / len(pages), 4),
        date_pages=sum(p.gold_date is not None for p in pages),
        date_accuracy=date_accuracy(pages, found),
        pages_per_second=round(len(pages) / seconds, 1) if seconds else 0.0,
    )


def date_accuracy(pages: Sequence[Page], found: Sequence[Extracted]) -> float | None:
    """Share of pages with a stated date whose extracted date is that day (None: no dates)."""
    pairs = [(p.gold_date, f) for p, f in zip(pages, found, strict=True) if p.gold_date]
    if not pairs or not any(f.dated for _, f in pairs):
        return None
    return round(sum(f.published == day for day, f in pairs) / len(pairs), 4)


def evaluate(
    shared: Path,
    *,
    limit: int | None = None,
    size: int = 1,
    names: Sequence[str] = tuple(EXTRACTORS),
    split: str = "all",
) -> list[Scores]:
    """The scores of each extractor named (all by default) on the same pages, one process.

    Extractors whose optional package is not installed are left out (see :func:`available`).
    """
    pages = load_pages(shared, limit=limit, split=split)
    return [score(name, pages, size=size) for name in names if available(name)]


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _speed(row: Scores) -> str:
    return "-" if row.extractor == "raw text dump" else f"{row.pages_per_second:.1f}"


def table(rows: Sequence[Scores], *, size: int, split: str = "all") -> str:
    unit = "tokens" if size == 1 else f"{size}-token shingles"
    lines = [
        f"AEB body extraction ({rows[0].pages} pages of split {split}, {unit};"
        f" date accuracy on the {rows[0].date_pages} pages stating a date)",
        f"{'extractor':<24} {'precision':>9} {'recall':>7} {'F1':>7}"
        f" {'date found':>10} {'date acc.':>9} {'pages/s':>8}",
    ]
    lines += [
        f"{r.extractor:<24} {r.precision:>9.3f} {r.recall:>7.3f} {r.f1:>7.3f}"
        f" {r.date_found:>10.1%} {_percent(r.date_accuracy):>9} {_speed(r):>8}"
        for r in rows
    ]
    return "\n".join(lines)


def _one_core() -> str:
    """Pin this process to one CPU where the platform allows it, so pages/s is one core's."""
    if not hasattr(os, "sched_setaffinity"):
        return "pages/s: one process (CPU pinning not available here)"
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return f"pages/s: one process pinned to CPU {cpu}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared"
    )
    parser.add_argument("--split", choices=SPLITS, default="all", help="pages (default all)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages")
    parser.add_argument("--shingles", type=int, default=1, help="n-gram size (1: tokens)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    notes = [_one_core()]
    notes += [
        f"{name}: skipped, not installed (pip install -e '.[eval]')"
        for name in EXTRACTORS
        if not available(name)
    ]
    rows = evaluate(args.shared, limit=args.limit, size=args.shingles, split=args.split)
    if args.json:
        sys.stdout.write(json.dumps([asdict(r) for r in rows], indent=2) + "\n")
    else:
        sys.stdout.write(table(rows, size=args.shingles, split=args.split) + "\n")
    sys.stderr.write("".join(f"note: {note}\n" for note in notes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
