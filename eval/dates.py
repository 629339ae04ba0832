"""Event-date accuracy on eval/data/dates_gold.jsonl (see eval/data/README.md).

Each gold record is a dev sentence (from ../shared/data/dev/event_location, whose record ids
carry the publication date: ``APW_ENG_19980908...``), an event verb and the date that verb's
event happened, as read by a person: a date and its precision (day/week/month/year) from the
sentence, or "publication" when the sentence gives the verb no date. The sentence is parsed on
its own and ``communique.dates.event_date`` dates the verb; a record is right when

- ``accuracy`` (headline): the predicted date falls in the gold period (the same day, ISO week,
  month or year, at the gold's precision) and, for "publication" golds, the prediction is
  the publication date flagged as such;
- ``exact``: date, precision and source all equal.

Splits: ``dev`` (83 records; their errors were looked at while developing ``dates.py``) and
``heldout`` (29 records annotated afterwards and not used for any change).

Usage: python eval/dates.py [--json] [--errors]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from spacy.language import Language

from communique.config import Config
from communique.dates import ResolvedDate, event_date
from communique.nlp import load_nlp

GOLD = Path(__file__).resolve().parent / "data" / "dates_gold.jsonl"


def load_gold() -> list[dict[str, Any]]:
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    return [r for r in map(json.loads, lines) if "gold" in r]


def _same_period(got: date, want: date, precision: str) -> bool:
    if precision == "year":
        return got.year == want.year
    if precision == "month":
        return (got.year, got.month) == (want.year, want.month)
    if precision == "week":
        return got.isocalendar()[:2] == want.isocalendar()[:2]
    return got == want


@dataclass(frozen=True, slots=True)
class Outcome:
    record: dict[str, Any]
    got: ResolvedDate | None

    @property
    def right(self) -> bool:
        gold = self.record["gold"]
        if self.got is None:
            return False
        if gold["source"] == "publication":
            return self.got.source == "publication"
        want = date.fromisoformat(gold["date"])
        return self.got.source == "sentence" and _same_period(self.got.day, want, gold["precision"])

    @property
    def exact(self) -> bool:
        gold = self.record["gold"]
        if self.got is None:
            return False
        got = (self.got.day.isoformat(), self.got.precision, self.got.source)
        return got == (gold["date"], gold["precision"], gold["source"])


def predict(records: list[dict[str, Any]], nlp: Language) -> Iterator[Outcome]:
    for rec, doc in zip(records, nlp.pipe(r["text"] for r in records), strict=True):
        start, end = rec["verb"]
        span = doc.char_span(start, end, alignment_mode="expand")
        published = date.fromisoformat(rec["published"])
        got = None if span is None else event_date(span.root, published=published)
        yield Outcome(rec, got)


def summarise(outcomes: list[Outcome]) -> dict[str, float]:
    n = max(len(outcomes), 1)
    dated = [o for o in outcomes if o.record["gold"]["source"] == "sentence"]
    return {
        "records": len(outcomes),
        "dated_in_sentence": len(dated),
        "accuracy": round(sum(o.right for o in outcomes) / n, 4),
        "exact": round(sum(o.exact for o in outcomes) / n, 4),
        "accuracy_dated": round(sum(o.right for o in dated) / max(len(dated), 1), 4),
    }


def by_split(outcomes: list[Outcome]) -> dict[str, dict[str, float]]:
    out = {"all": summarise(outcomes)}
    for split in ("dev", "heldout"):
        out[split] = summarise([o for o in outcomes if o.record["split"] == split])
    return out


def evaluate(nlp: Language) -> dict[str, dict[str, float]]:
    return by_split(list(predict(load_gold(), nlp)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON only")
    parser.add_argument("--errors", action="store_true", help="list the misses")
    args = parser.parse_args()
    outcomes = list(predict(load_gold(), load_nlp(Config())))
    if args.errors:
        for o in outcomes:
            if not o.right:
                got = o.got and (o.got.day.isoformat(), o.got.precision, o.got.source, o.got.text)
                start, end = o.record["verb"]
                verb = o.record["text"][start:end]
                sys.stdout.write(f"- [{verb}] gold={o.record['gold']} got={got}\n")
                sys.stdout.write(f"  {o.record['text'].strip()[:200]}\n")
    metrics = by_split(outcomes)
    if args.json:
        sys.stdout.write(json.dumps(metrics) + "\n")
        return
    for split, figures in metrics.items():
        sys.stdout.write(f"{split}: {json.dumps(figures)}\n")


if __name__ == "__main__":
    main()
