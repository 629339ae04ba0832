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
- pages per second of each extractor (one core, this machine).

Usage: python eval/extraction_aeb.py [--shared ../shared] [--limit N] [--shingles N] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import trafilatura

from communique.extract import extract_article
from communique.ingest import decode_bytes
from communique.model import Document

_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Page:
    key: str
    url: str
    html: str
    gold: str


@dataclass(frozen=True, slots=True)
class Extracted:
    body: str
    dated: bool


@dataclass(frozen=True, slots=True)
class Scores:
    extractor: str
    pages: int
    precision: float
    recall: float
    f1: float
    date_found: float
    pages_per_second: float


def load_pages(shared: Path, *, limit: int | None = None) -> list[Page]:
    """The benchmark's pages in key order (the first ``limit`` of them when given)."""
    root = shared / "data" / "dev" / "extraction_aeb"
    gold = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(gold)[:limit]
    return [_page(root, key, gold[key]) for key in keys]


def _page(root: Path, key: str, record: dict[str, str]) -> Page:
    raw = gzip.decompress((root / "html" / f"{key}.html.gz").read_bytes())
    html = decode_bytes(raw, html=True)
    return Page(key=key, url=record.get("url", ""), html=html, gold=record["articleBody"])


def communique_extractor(page: Page) -> Extracted:
    doc = Document(doc_id=page.key, content=page.html, kind="html", url=page.url or None)
    article = extract_article(doc)
    return Extracted(body=article.body, dated=article.published is not None)


def trafilatura_extractor(page: Page) -> Extracted:
    result = trafilatura.bare_extraction(page.html, url=page.url or None, with_metadata=True)
    if result is None:
        return Extracted(body="", dated=False)
    body = getattr(result, "text", None) or ""
    return Extracted(body=body, dated=bool(getattr(result, "date", None)))


EXTRACTORS: dict[str, Callable[[Page], Extracted]] = {
    "communique": communique_extractor,
    "trafilatura (defaults)": trafilatura_extractor,
}


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
    start = time.perf_counter()
    found = [extractor(page) for page in pages]
    seconds = time.perf_counter() - start
    counts = [page_counts(p.gold, f.body, size=size) for p, f in zip(pages, found, strict=True)]
    precision, recall, f1 = prf(counts)
    return Scores(
        extractor=name,
        pages=len(pages),
        precision=round(precision, 4),
        recall=round(recall, 4),
        f1=round(f1, 4),
        date_found=round(sum(f.dated for f in found) / len(pages), 4),
        pages_per_second=round(len(pages) / seconds, 1) if seconds else 0.0,
    )


def evaluate(
    shared: Path,
    *,
    limit: int | None = None,
    size: int = 1,
    names: Sequence[str] = tuple(EXTRACTORS),
) -> list[Scores]:
    """The scores of each extractor named (all by default) on the same pages."""
    pages = load_pages(shared, limit=limit)
    return [score(name, pages, size=size) for name in names]


def table(rows: Sequence[Scores], *, size: int) -> str:
    unit = "tokens" if size == 1 else f"{size}-token shingles"
    lines = [
        f"AEB body extraction ({rows[0].pages} pages, {unit})",
        f"{'extractor':<24} {'precision':>9} {'recall':>7} {'F1':>7}"
        f" {'date found':>10} {'pages/s':>8}",
    ]
    lines += [
        f"{r.extractor:<24} {r.precision:>9.3f} {r.recall:>7.3f} {r.f1:>7.3f}"
        f" {r.date_found:>10.1%} {r.pages_per_second:>8.1f}"
        for r in rows
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared"
    )
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages")
    parser.add_argument("--shingles", type=int, default=1, help="n-gram size (1: tokens)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    rows = evaluate(args.shared, limit=args.limit, size=args.shingles)
    if args.json:
        sys.stdout.write(json.dumps([asdict(r) for r in rows], indent=2) + "\n")
    else:
        sys.stdout.write(table(rows, size=args.shingles) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
