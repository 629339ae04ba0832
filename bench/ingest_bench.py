"""Ingest throughput: bare spaCy parse vs the full ``communique ingest``, 1 and 2 workers.

    .venv/bin/python bench/ingest_bench.py                      # 2,000 articles, 1 worker
    .venv/bin/python bench/ingest_bench.py --articles 200 --workers 1 2 --json figures.json
    .venv/bin/python bench/ingest_bench.py --corpus-only corpus.jsonl  # just write the corpus

Corpus (built once, deterministically, in a temporary folder; ``--corpus-only`` writes it): the
bodies of the 181 HTML pages of ``../shared/data/dev/extraction_aeb`` and of the documents in
``samples/`` are extracted once with :func:`communique.extract.extract_article` (the 186 "base"
articles of 40 words or more). The news sentences of the event and actor dev sets (the
``event_location`` wire sentences, the PLOVER GSR examples, the ConfliBERT CAMEO sentences;
about 9,400 distinct, in file order) form a pool. Article ``k`` is base article ``k mod B`` with
its paragraphs (or, for a one-paragraph article, its sentences) shuffled by
``random.Random(k)``, plus two paragraphs of two pool sentences each - sentences ``4k`` to
``4k + 3`` of the pool, so no sentence repeats below about 2,300 articles - put at random places.
No two texts are alike, every article carries wire sentences with events in them, and the
near-duplicate index and the store do real work. Each is written as a small HTML page (title,
``<p>`` paragraphs, a publication date) in one JSONL file, so ingest extracts it again.

Reported, in one run:

- (a) ``parse_s``: bare spaCy ``nlp.pipe`` (the components communique loads, batch 32) over the
  texts ingest parses (title + body), in this process; with 2 workers, ``nlp.pipe(n_process=2)``;
- (b) ``ingest_s``: the whole ``communique ingest corpus.jsonl --db NEW --workers N --quiet``
  command (start-up, model loading, extraction, parse, actors, events, where/when, store,
  clustering) in a child process, wall time;
- (c) ``ratio``: b / a (wall time), ``cpu_ratio`` the same in CPU seconds (user + system, of
  the bench process and of its waited-for children: less moved by other work on the machine);
  and ``peak_rss_mb`` of the ingest's main process and the largest of its
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
import zipfile
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


def news_sentences(shared: Path) -> list[str]:
    """The distinct news sentences of the event and actor dev sets, in file order."""
    dev = shared / "data" / "dev"
    with zipfile.ZipFile(dev / "event_location" / "labeled_text.jsonl.zip") as archive:
        records = json.loads(archive.read("labeled_text.jsonl"))
    texts = [str(r["text"]) for r in records]
    gsr = json.loads((dev / "plover_gsr" / "PLOVER_GSR_CAMEO.txt").read_text(encoding="utf-8"))
    texts += [str(r["text"]) for r in gsr if r.get("text")]
    tsv = (dev / "conflibert" / "cameo_class_test.tsv").read_text(encoding="utf-8")
    texts += [line.split("\t")[0] for line in tsv.splitlines() if line.strip()]
    cleaned = (" ".join(t.split()) for t in texts)
    return list(dict.fromkeys(t for t in cleaned if len(t.split()) >= 6))


def variant(article: Article, k: int, pool: list[str] | None = None) -> tuple[str, list[str]]:
    """Title and paragraphs of article variant ``k``: paragraphs (or sentences) shuffled, and
    two paragraphs of pool sentences ``4k``..``4k + 3`` (wrapping round) put in."""
    rng = random.Random(k)  # noqa: S311 - a deterministic shuffle, not cryptography
    paragraphs = [p for p in article.body.split("\n") if p.strip()]
    if len(paragraphs) == 1:
        paragraphs = _SENTENCE.split(paragraphs[0])
    rng.shuffle(paragraphs)
    if pool:
        drawn = [pool[(4 * k + i) % len(pool)] for i in range(4)]
        for extra in (" ".join(drawn[:2]), " ".join(drawn[2:])):
            paragraphs.insert(rng.randrange(len(paragraphs) + 1), extra)
    return (article.title or f"Report {k}"), paragraphs


def page(title: str, paragraphs: list[str], day: date) -> str:
    body = "".join(f"<p>{escape(p)}</p>\n" for p in paragraphs)
    return (
        f'<html><head><title>{escape(title)}</title><meta property="article:published_time" '
        f'content="{day.isoformat()}"></head><body><article><h1>{escape(title)}</h1>\n'
        f"{body}</article></body></html>"
    )


def build_corpus(shared: Path, n: int, out: Path) -> tuple[int, int]:
    """Write ``n`` articles to ``out``; returns the numbers of base articles and of pool
    sentences."""
    bases, pool = base_articles(shared), news_sentences(shared)
    start = date(2024, 1, 1)
    with out.open("w", encoding="utf-8") as stream:
        for k in range(n):
            title, paragraphs = variant(bases[k % len(bases)], k, pool)
            day = start + timedelta(days=k % 365)
            record = {"id": f"bench-{k:06d}", "html": page(title, paragraphs, day)}
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    return len(bases), len(pool)


def parsed_texts(corpus: Path) -> list[str]:
    """The texts ingest parses: title + body of every extracted corpus page."""
    texts: list[str] = []
    for item in iter_documents([str(corpus)]):
        if not isinstance(item, InputError):
            texts.append(extract_article(item).text)
    return texts


def _cpu_s() -> float:
    """CPU seconds (user + system) of this process and of its children waited for so far:
    unlike wall time, barely moved by other programs sharing the machine."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bare_parse(texts: list[str], workers: int) -> tuple[float, float]:
    """(a): the pipeline ingest loads (same components), the same batch size, no model load;
    wall and CPU seconds."""
    config = Config()
    nlp = load_nlp(config)
    start, cpu = time.perf_counter(), _cpu_s()
    for _ in nlp.pipe(texts, batch_size=config.batch_size, n_process=workers):
        pass
    return time.perf_counter() - start, _cpu_s() - cpu


def ingest(corpus: Path, db: Path, workers: int, report: Path) -> tuple[float, float]:
    """Run the ingest command in a child process (wall and CPU seconds); its peak memory goes
    to ``report``."""
    import subprocess

    args = [sys.executable, __file__, "--child", str(report), "ingest", str(corpus),
            "--db", str(db), "--workers", str(workers), "--quiet"]  # fmt: skip
    start, cpu = time.perf_counter(), _cpu_s()
    subprocess.run(args, check=True)  # noqa: S603
    return time.perf_counter() - start, _cpu_s() - cpu


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
    bases, pool = build_corpus(shared, n, corpus)
    texts = parsed_texts(corpus)
    words = sum(len(t.split()) for t in texts)
    figures: dict[str, Any] = {
        "articles": len(texts),
        "base_articles": bases,
        "pool_sentences": pool,
        "words": words,
        "batch_size": Config().batch_size,
        "components": list(load_nlp(Config()).pipe_names),
    }
    for w in workers:
        parse_s, parse_cpu = bare_parse(texts, w)
        report = folder / f"rss-{w}.json"
        ingest_s, ingest_cpu = ingest(corpus, folder / f"bench-{w}.duckdb", w, report)
        figures[f"workers_{w}"] = {
            "parse_s": round(parse_s, 1),
            "ingest_s": round(ingest_s, 1),
            "ratio": round(ingest_s / parse_s, 2),
            "parse_cpu_s": round(parse_cpu, 1),
            "ingest_cpu_s": round(ingest_cpu, 1),
            "cpu_ratio": round(ingest_cpu / parse_cpu, 2),
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
    parser.add_argument("--workers", type=int, nargs="+", default=[1])
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--corpus-only", type=Path, default=None, help="write the corpus, stop")
    args = parser.parse_args()
    if args.corpus_only:
        build_corpus(args.shared, args.articles, args.corpus_only)
        return
    with tempfile.TemporaryDirectory() as folder:
        figures = run(args.shared, args.articles, args.workers, Path(folder))
    text = json.dumps(figures, indent=2)
    sys.stdout.write(text + "\n")
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
