"""CPU seconds of our analysis stages on whole bench articles, and their output for comparison.

The first ``--articles`` articles of the ``bench/ingest_bench.py`` corpus are extracted and
parsed once; then actors (``resolve_mentions``), events (``code_events``) and the whole
``pipeline.analyse`` (actors, events, dates, places) run over them ``--passes`` times, timed
with ``time.process_time`` (CPU seconds of this process: steadier than wall time on a shared
machine), and the fastest pass of each is printed. ``--dump PATH`` pickles every article's
mentions, events and toponyms, so two versions of the code can be checked for identical
output (run each with ``--dump``, then ``--compare A B``).

    .venv/bin/python -m bench.stage_costs [--shared ../shared] [--articles 120] [--passes 3]
    .venv/bin/python -m bench.stage_costs --dump before.pkl   # on the old code
    .venv/bin/python -m bench.stage_costs --dump after.pkl    # on the new code
    .venv/bin/python -m bench.stage_costs --compare before.pkl after.pkl
"""

from __future__ import annotations

import argparse
import itertools
import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.ingest_bench import build_corpus
from communique.actors import resolve_mentions
from communique.config import Config
from communique.events import code_events
from communique.ingest import InputError, iter_documents
from communique.model import Article
from communique.pipeline import _to_article, analyse, load_resources


def articles(shared: Path, n: int, config: Config) -> list[Article]:
    """The first ``n`` corpus articles, extracted as ingest extracts them."""
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "corpus.jsonl"
        build_corpus(shared, n, corpus)
        items = itertools.islice(iter_documents([str(corpus)]), n)
        found = [_to_article(d, None, config) for d in items if not isinstance(d, InputError)]
    return [a for a in found if isinstance(a, Article)]


def best(run: Callable[[], object], passes: int) -> float:
    """The fewest CPU seconds of ``passes`` runs."""
    times = []
    for _ in range(passes):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times)


def measure(shared: Path, n: int, passes: int, dump: Path | None) -> dict[str, Any]:
    res = load_resources(Config())
    arts = articles(shared, n, res.config)
    docs = list(res.nlp.pipe([a.text for a in arts], batch_size=res.config.batch_size))
    pairs = list(zip(arts, docs, strict=True))
    mentions = [resolve_mentions(d, res.actors, day=a.published) for a, d in pairs]
    actors_s = best(
        lambda: [resolve_mentions(d, res.actors, day=a.published) for a, d in pairs], passes
    )
    events_s = best(
        lambda: [
            code_events(a, d, m, res.coder, include_title=res.config.code_title)
            for (a, d), m in zip(pairs, mentions, strict=True)
        ],
        passes,
    )
    results = [analyse(a, d, res) for a, d in pairs]
    analyse_s = best(lambda: [analyse(a, d, res) for a, d in pairs], passes)
    if dump is not None:
        dump.write_bytes(pickle.dumps([(r.mentions, r.events, r.toponyms) for r in results]))
    return {
        "articles": len(pairs),
        "sentences": sum(1 for d in docs for _ in d.sents),
        "actors_cpu_s": round(actors_s, 3),
        "events_cpu_s": round(events_s, 3),
        "analyse_cpu_s": round(analyse_s, 3),
        "events": sum(len(r.events) for r in results),
        "mentions": sum(len(r.mentions) for r in results),
    }


def compare(first: Path, second: Path) -> int:
    """0 when two dumps hold equal results, else 1 (the first differing article is named)."""
    a, b = (pickle.loads(p.read_bytes()) for p in (first, second))  # noqa: S301 - our own dumps
    for k, (x, y) in enumerate(zip(a, b, strict=True)):
        if x != y:
            sys.stdout.write(f"article {k} differs\n")
            return 1
    sys.stdout.write(f"identical: {len(a)} articles\n")
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared"
    )
    parser.add_argument("--articles", type=int, default=120)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--dump", type=Path, default=None)
    parser.add_argument("--compare", type=Path, nargs=2, default=None)
    args = parser.parse_args()
    if args.compare:
        sys.exit(compare(*args.compare))
    figures = measure(args.shared, args.articles, args.passes, args.dump)
    for key, value in figures.items():
        sys.stdout.write(f"{key:>14}: {value}\n")


if __name__ == "__main__":
    main()
