"""Ingest throughput: bare spaCy parse vs the full ``communique ingest``, 1 and 2 workers.

    .venv/bin/python bench/ingest_bench.py                      # 2,000 articles, workers 1 and 2
    .venv/bin/python bench/ingest_bench.py --articles 200 --workers 1 --json figures.json

Corpus (built once, deterministically, in a temporary folder): the bodies of the 181 HTML pages
of ``../shared/data/dev/extraction_aeb`` and of the documents in ``samples/`` are extracted once
with :func:`communique.extract.extract_article`. Article ``k`` is base article ``k mod B``
(``B`` bases) with its paragraphs shuffled by ``random.Random(k)`` (the first paragraph of a
one-paragraph article has its sentences shuffled instead), so that no two texts are equal and the
near-duplicate index and the store do real work. Each is written as a small HTML page (title,
``<p>`` paragraphs, a publication date) in one JSONL file, so ingest extracts it again.

Reported, in one run:

- (a) ``parse_s``: bare spaCy ``nlp.pipe`` (the components communique loads, batch 32) over the
  texts ingest parses (title + body), in this process; with 2 workers, ``nlp.pipe(n_process=2)``;
- (b) ``ingest_s``: the whole ``communique ingest corpus.jsonl --db NEW --workers N --quiet``
  command (start-up, model loading, extraction, parse, actors, events, where/when, store,
  clustering) in a child process, wall time;
- (c) ``ratio``: b / a; and ``peak_rss_mb`` of the ingest's main process and the largest of its
  worker processes (``resource.getrusage`` max RSS, self and children).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from html import escape
from pathlib import Path
from typing import Any

from communique.config import Config
from communique.extract import extract_article
from communique.ingest import InputError, iter_documents
from communique.model import Article, Document
from communique.nlp import load_nlp

REPO = Path(__file__).resolve().parents[1]
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")


def base_articles(shared: Path) -> list[Article]:
    """The extracted articles of the dev HTML pages and of the samples."""
    pages = sorted((shared / "data" / "dev" / "extraction_aeb" / "html").glob("*.html.gz"))
    documents: list[Document] = [
        Document(doc_id=p.name, content=gzip.decompress(p.read_bytes()).decode("utf-8", "replace"),
                 kind="html")
        for p in pages
    ]  # fmt: skip
    documents += [d for d in iter_documents([str(REPO / "samples")]) if isinstance(d, Document)]
    articles = [extract_article(d) for d in documents]
    return [a for a in articles if len(a.body.split()) >= 40]


def variant(article: Article, k: int) -> tuple[str, list[str]]:
    """Title and paragraphs of article variant ``k`` (paragraphs, or sentences, shuffled)."""
    rng = random.Random(k)  # noqa: S311 - a deterministic shuffle, not cryptography
    paragraphs = [p for p in article.body.split("\n") if p.strip()]
    if len(paragraphs) == 1:
        paragraphs = _SENTENCE.split(paragraphs[0])
    rng.shuffle(paragraphs)
    return (article.title or f"Report {k}"), paragraphs


def page(title: str, paragraphs: list[str], day: date) -> str:
    body = "".join(f"<p>{escape(p)}</p>\n" for p in paragraphs)
    return (
        f'<html><head><title>{escape(title)}</title><meta property="article:published_time" '
        f'content="{day.isoformat()}"></head><body><article><h1>{escape(title)}</h1>\n'
        f"{body}</article></body></html>"
    )


def build_corpus(shared: Path, n: int, out: Path) -> int:
    bases = base_articles(shared)
    start = date(2024, 1, 1)
    with out.open("w", encoding="utf-8") as stream:
        for k in range(n):
            title, paragraphs = variant(bases[k % len(bases)], k)
            day = start + timedelta(days=k % 365)
            record = {"id": f"bench-{k:06d}", "html": page(title, paragraphs, day)}
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    return len(bases)


def parsed_texts(corpus: Path) -> list[str]:
    """The texts ingest parses: title + body of every extracted corpus page."""
    texts: list[str] = []
    for item in iter_documents([str(corpus)]):
        if not isinstance(item, InputError):
            texts.append(extract_article(item).text)
    return texts


def bare_parse(texts: list[str], workers: int) -> float:
    nlp = load_nlp(Config())
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=32, n_process=workers):
        pass
    return time.perf_counter() - start


def ingest(corpus: Path, db: Path, workers: int, report: Path) -> float:
    """Run the ingest command in a child process; its peak memory goes to ``report``."""
    import subprocess

    args = [sys.executable, __file__, "--child", str(report), "ingest", str(corpus),
            "--db", str(db), "--workers", str(workers), "--quiet"]  # fmt: skip
    start = time.perf_counter()
    subprocess.run(args, check=True)  # noqa: S603
    return time.perf_counter() - start


def child(report: Path, argv: list[str]) -> None:
    """Run the CLI in this process and write its and its workers' peak memory (MB; a worker's
    ``ru_maxrss`` is an upper bound: it starts from this process's size when it was started)."""
    from communique.cli import app

    try:
        app(argv, standalone_mode=False)
    finally:
        rss = {
            "main": _own_peak_mb(),
            "largest_worker": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        }
        report.write_text(json.dumps(rss), encoding="utf-8")


def _own_peak_mb() -> float:
    """This process's peak RSS since its exec (``VmHWM``; ``ru_maxrss`` would count the
    memory of the parent it was forked from)."""
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(shared: Path, n: int, workers: list[int], folder: Path) -> dict[str, Any]:
    corpus = folder / "corpus.jsonl"
    bases = build_corpus(shared, n, corpus)
    texts = parsed_texts(corpus)
    words = sum(len(t.split()) for t in texts)
    figures: dict[str, Any] = {"articles": len(texts), "base_articles": bases, "words": words}
    for w in workers:
        parse_s = bare_parse(texts, w)
        report = folder / f"rss-{w}.json"
        ingest_s = ingest(corpus, folder / f"bench-{w}.duckdb", w, report)
        figures[f"workers_{w}"] = {
            "parse_s": round(parse_s, 1),
            "ingest_s": round(ingest_s, 1),
            "ratio": round(ingest_s / parse_s, 2),
            "articles_per_s": round(len(texts) / ingest_s, 1),
            "peak_rss_mb": json.loads(report.read_text(encoding="utf-8")),
        }
    return figures


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]), sys.argv[3:])
        return
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        figures = run(args.shared, args.articles, args.workers, Path(folder))
    text = json.dumps(figures, indent=2)
    sys.stdout.write(text + "\n")
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
