"""Toponym resolution accuracy on eval/data/toponyms_gold.jsonl (see eval/data/README.md).

Each gold record is a place-name mention in a dev article (``../shared/data/dev/extraction_aeb``
ground truth, or ``samples/``) with the GeoNames place it refers to. Each article is run
through the pipeline's analysis (actors give the country context, as in ``communique code``)
and the mention is looked up among the article's toponyms:

- ``recognised``: share of gold mentions that a toponym overlaps;
- ``accuracy_161km`` (headline) and ``median_error_km``: the resolved place of the
  overlapping toponym, or, for mentions not recognised, the resolution of the gold text with
  the same context (so this measures resolution alone); no place at all counts as wrong
  (infinite error);
- ``end_to_end_161km``: as above, but mentions not recognised count as wrong.

Splits: ``dev`` (115 mentions; their errors were looked at while developing the resolver) and
``heldout`` (50 mentions annotated afterwards and not used for any change); ``all`` is both.

Usage: python eval/toponyms.py [--shared ../shared] [--json] [--errors]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from communique.geo import Place, resolve_toponym
from communique.model import Article
from communique.pipeline import Resources, analyse, load_resources

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "eval" / "data" / "toponyms_gold.jsonl"
KM_161 = 161.0


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def load_gold() -> list[dict[str, Any]]:
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    return [r for r in map(json.loads, lines) if "gold" in r]


def _text(source: dict[str, Any], shared: Path, cache: dict[str, Any]) -> str:
    if source["corpus"] == "extraction_aeb":
        if "aeb" not in cache:
            path = shared / "data" / "dev" / "extraction_aeb" / "ground-truth.json"
            cache["aeb"] = json.loads(path.read_text(encoding="utf-8"))
        return str(cache["aeb"][source["id"]]["articleBody"])
    path = REPO / source["path"]
    if "id" not in source:
        return path.read_text(encoding="utf-8")
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record.get("id") == source["id"]:
            return str(record.get("text") or "")
    raise KeyError(source)


@dataclass(frozen=True, slots=True)
class Outcome:
    gold: dict[str, Any]
    recognised: bool
    place: Place | None

    @property
    def error_km(self) -> float:
        if self.place is None:
            return math.inf
        g = self.gold["gold"]
        return km(self.place.lat, self.place.lon, g["lat"], g["lon"])


def _doc_key(source: dict[str, Any]) -> str:
    return json.dumps(source, sort_keys=True)


def predict(
    records: list[dict[str, Any]], shared: Path, res: Resources, *, every: int = 1
) -> Iterator[Outcome]:
    """Outcomes per gold mention; ``every``: only every k-th article (sorted by key), a
    deterministic subsample for the accuracy gate."""
    cache: dict[str, Any] = {}
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for rec in records:
        by_doc.setdefault(_doc_key(rec["source"]), []).append(rec)
    for key in sorted(by_doc)[::every]:
        recs = by_doc[key]
        text = _text(recs[0]["source"], shared, cache)
        article = Article(doc_id="gold", title=None, text=text, body_start=0, published=None)
        result = analyse(article, res.nlp(text), res)
        context = [m.actor.country for m in result.mentions if m.actor.country]
        for rec in recs:
            found = [t for t in result.toponyms if t.span.start < rec["end"] > 0]
            found = [t for t in found if rec["start"] < t.span.end and t.span.start < rec["end"]]
            if found:
                yield Outcome(rec, recognised=True, place=found[0].place)
            else:
                place = resolve_toponym(rec["text"], res.gazetteer, context=context)
                yield Outcome(rec, recognised=False, place=place)


def summarise(outcomes: list[Outcome]) -> dict[str, float]:
    errors = [o.error_km for o in outcomes]
    n = max(len(outcomes), 1)
    within = [e <= KM_161 for e in errors]
    return {
        "mentions": len(outcomes),
        "recognised": round(sum(o.recognised for o in outcomes) / n, 4),
        "accuracy_161km": round(sum(within) / n, 4),
        "median_error_km": round(statistics.median(errors), 1) if errors else 0.0,
        "end_to_end_161km": round(
            sum(w and o.recognised for w, o in zip(within, outcomes, strict=True)) / n, 4
        ),
    }


def evaluate(shared: Path, res: Resources, *, every: int = 1) -> dict[str, dict[str, float]]:
    """Figures for the whole set and for each split ("dev", "heldout")."""
    outcomes = list(predict(load_gold(), shared, res, every=every))
    out = {"all": summarise(outcomes)}
    for split in ("dev", "heldout"):
        out[split] = summarise([o for o in outcomes if o.gold["split"] == split])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--json", action="store_true", help="print JSON only")
    parser.add_argument("--errors", action="store_true", help="list the misses")
    args = parser.parse_args()
    outcomes = list(predict(load_gold(), args.shared, load_resources()))
    if args.errors:
        for o in outcomes:
            if o.error_km > KM_161 or not o.recognised:
                got = o.place and (o.place.name, o.place.country, o.place.admin1)
                sys.stdout.write(
                    f"- {o.gold['text']!r} gold={o.gold['gold']['name']} "
                    f"got={got} km={o.error_km:.0f} recognised={o.recognised}\n"
                )
    metrics = {"all": summarise(outcomes)}
    for split in ("dev", "heldout"):
        metrics[split] = summarise([o for o in outcomes if o.gold["split"] == split])
    if args.json:
        sys.stdout.write(json.dumps(metrics) + "\n")
        return
    for split, figures in metrics.items():
        sys.stdout.write(f"{split}: {json.dumps(figures)}\n")


if __name__ == "__main__":
    main()
