"""Actor resolution accuracy on the actors of the PLOVER gold-standard records.

Every actor text of every gold record (sources and targets; 650 in all) is resolved on its own
with ``communique.actors.resolve_text`` (as ``communique actors resolve`` does) and compared with
the gold country code (the gold file's few non-ISO codes are mapped; gold codes international
organisations by class only, "IGO"/"NGO", which our "IGOUNO" etc. match) and, where the gold
gives one, the gold sector (its first three letters against our primary agent code).

Usage: python -m eval.plover_actors [--shared ../shared] [--json]  (from the repository root)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from communique.actors import resolve_text
from communique.pipeline import Resources
from eval.plover_gsr import GOLD_CODE_MAP, load_gold, run_cli


def gold_actors(shared: Path) -> Iterator[dict[str, Any]]:
    for record in load_gold(shared):
        for side in ("source", "target"):
            actors = record.get(side)
            if isinstance(actors, list):
                yield from (a for a in actors if isinstance(a, dict) and a.get("actorText"))


def _gold_country(actor: dict[str, Any]) -> str:
    code = str(actor.get("code", ""))[:3].upper()
    return GOLD_CODE_MAP.get(code, code)


def evaluate(shared: Path, res: Resources) -> dict[str, float]:
    counts: Counter[str] = Counter()
    for gold in gold_actors(shared):
        actor = resolve_text(str(gold["actorText"]), res.nlp, res.actors, day=None)
        country = actor.country if actor else None
        wanted = _gold_country(gold)
        counts["actors"] += 1
        counts["resolved"] += int(actor is not None)
        counts["country_ok"] += int(country is not None and wanted in {country, country[:3]})
        sector = str(gold.get("sector") or "")[:3].upper()
        if sector:
            counts["sectors"] += 1
            counts["sector_ok"] += int(actor is not None and actor.agent == sector)
    return {
        "actors": counts["actors"],
        "resolved_share": round(counts["resolved"] / counts["actors"], 4),
        "country_accuracy": round(counts["country_ok"] / counts["actors"], 4),
        "sectors": counts["sectors"],
        "sector_accuracy": round(counts["sector_ok"] / max(counts["sectors"], 1), 4),
    }


def main() -> None:
    run_cli(__doc__ or "", evaluate)


if __name__ == "__main__":
    main()
