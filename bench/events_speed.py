"""Speed of the event stage alone (``code_events``), best of several passes.

The 773 GSR + ConfliBERT sentences of ``bench/coder_speed.py`` are parsed and their actors
resolved once; ``code_events`` then runs over all of them ``--passes`` times and the fastest
pass is reported, which steadies the figure on a busy machine (compare two versions of the
code by running this script for each, alternated, in one session).
Usage: python -m bench.events_speed [--shared ../shared] [--passes 7]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bench.coder_speed import sentences
from communique.actors import resolve_mentions
from communique.config import Config
from communique.events import code_events
from communique.model import Article
from communique.pipeline import load_resources


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared"
    )
    parser.add_argument("--passes", type=int, default=7)
    args = parser.parse_args()
    res = load_resources(Config())
    texts = sentences(args.shared)
    docs = list(res.nlp.pipe(texts, batch_size=64))
    articles = [
        Article(doc_id=str(i), title=None, text=t, body_start=0, published=None)
        for i, t in enumerate(texts)
    ]
    mentions = [resolve_mentions(d, res.actors, day=None) for d in docs]
    best = float("inf")
    for _ in range(args.passes):
        start = time.perf_counter()
        for a, d, m in zip(articles, docs, mentions, strict=True):
            code_events(a, d, m, res.coder)
        best = min(best, time.perf_counter() - start)
    sys.stdout.write(f"sentences: {len(texts)}\nevents_per_s_best: {len(texts) / best:.0f}\n")


if __name__ == "__main__":
    main()
