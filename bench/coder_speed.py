"""Speed of the coder alone and its share of pipeline time, on real-looking sentences.

Corpus: the 322 PLOVER GSR sentences and the 451 ConfliBERT class-test sentences from
../shared/data/dev (news sentences), repeated ``--repeat`` times. Each stage is timed
separately over the same parsed documents:

- parse: spaCy ``nlp.pipe`` (en_core_web_sm, all components communique uses);
- actors: ``resolve_mentions``;
- events: ``code_events``;
- embedding (``--embedding-fallback``, needs ``communique[embed]``): ``embedding_events`` on
  the sentences ``code_events`` left uncoded;
- where/when: dates and places of the events (``pipeline.analyse`` minus the stages above).

Reports sentences/second per stage and the coder's share (actors + events [+ embedding] +
where/when) of the total. Usage: python bench/coder_speed.py [--shared ../shared] [--repeat 3]
[--embedding-fallback]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from communique.actors import resolve_mentions
from communique.config import Config
from communique.embedding import embedding_events
from communique.events import code_events
from communique.model import Article
from communique.pipeline import analyse, load_resources


def sentences(shared: Path) -> list[str]:
    dev = shared / "data" / "dev"
    gsr = json.loads((dev / "plover_gsr" / "PLOVER_GSR_CAMEO.txt").read_text(encoding="utf-8"))
    texts = [r["text"] for r in gsr if r.get("text")]
    tsv = (dev / "conflibert" / "cameo_class_test.tsv").read_text(encoding="utf-8")
    texts += [line.rpartition("\t")[0] for line in tsv.splitlines() if "\t" in line]
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--embedding-fallback", action="store_true", help="needs [embed]")
    args = parser.parse_args()
    res = load_resources(Config(embedding_fallback=args.embedding_fallback))
    texts = sentences(args.shared) * args.repeat
    start = time.perf_counter()
    docs = list(res.nlp.pipe(texts, batch_size=64))
    parse = time.perf_counter() - start
    articles = [
        Article(doc_id=str(i), title=None, text=t, body_start=0, published=None)
        for i, t in enumerate(texts)
    ]
    start = time.perf_counter()
    mentions = [resolve_mentions(d, res.actors, day=None) for d in docs]
    actors = time.perf_counter() - start
    start = time.perf_counter()
    coded = [
        code_events(a, d, m, res.coder) for a, d, m in zip(articles, docs, mentions, strict=True)
    ]
    events = time.perf_counter() - start
    start = time.perf_counter()
    if res.embedding is not None:
        for a, d, m, c in zip(articles, docs, mentions, coded, strict=True):
            embedding_events(a, d, m, c, res.coder, res.embedding)
    fallback = time.perf_counter() - start
    start = time.perf_counter()
    for a, d in zip(articles, docs, strict=True):
        analyse(a, d, res)
    full = time.perf_counter() - start
    where_when = max(full - actors - events - fallback, 0.0)
    coder = actors + events + fallback + where_when
    n = len(texts)
    rows = {"sentences": n, "parse_per_s": n / parse, "actors_per_s": n / actors,
            "events_per_s": n / events, "embedding_per_s": n / fallback if res.embedding else 0.0,
            "coder_per_s": n / coder,
            "coder_share_of_total": coder / (coder + parse)}  # fmt: skip
    for key, value in rows.items():
        sys.stdout.write(
            f"{key:>22}: {value:.3f}\n" if isinstance(value, float) else f"{key:>22}: {value}\n"
        )


if __name__ == "__main__":
    main()
