"""Actor resolution accuracy on the actors of the PLOVER gold-standard records.

Every actor text of every gold record (sources and targets; 650 in all) is resolved twice:

- alone (``country_accuracy``, ``sector_accuracy``): the text on its own with
  ``communique.actors.resolve_text``, as ``communique actors resolve TEXT`` does;
- in its sentence (``context_country_accuracy``, ``context_sector_accuracy``): the record's
  ``text`` passed as context, with ``communique.resolution.resolve_in_context``, as
  ``communique actors resolve --jsonl`` does for a line with a ``context`` and as the pipeline
  resolves a mention ("Hungarian" in "Senior Hungarian and Romanian officials agreed..." is
  the Hungarian government). A gold text that does not occur in its sentence (the GSR joins
  parts with "...": "Bosnian Serbs ... forces") is resolved alone; ``context_missing`` counts
  them.

Each is compared with the gold country code and, where the gold gives one, the gold sector
(its first three letters against our primary agent code). The GSR was coded with PLOVER 0.5
and CAMEO 1.1 conventions, which are mapped to the codes communique emits (CAMEO/Phoenix
agent codes, as in ``data/agents.jsonl``) as follows:

- countries (``GOLD_CODE_MAP`` in ``eval/plover_gsr.py``, shared with that evaluation): the
  gold file's non-ISO codes and typos (JAP -> JPN, ROM -> ROU, ITL -> ITA, VTN -> VNM, ...);
  gold codes international organisations by class only, "IGO"/"NGO"/"IMG", which our specific
  codes ("IGOUNO", "NGOHRIAMN") match by their first three letters. Gold "IGO" for an NGO
  (Amnesty International, the Red Cross) is NOT relaxed: those count as errors;
- sectors (``SECTOR_MAP``): PLOVER renamed two CAMEO codes (the PLOVER manual, "Sector code
  notes" 4: "in CAMEO `MED' was media and `HLH' was medical"), so gold JRN (journalists) is
  our MED and gold MED (health) is our HLH; gold CIV is PLOVER 0.5's spelling of the manual's
  CVL (civilians); gold MOS is CAMEO 1.1's religion code for Muslims, MUS in the Phoenix agent
  dictionary;
- a gold sector "***" means "unknown" and is not counted as a sector.

Usage: python -m eval.plover_actors [--shared ../shared] [--json]  (from the repository root)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from communique.actors import resolve_text
from communique.model import Actor
from communique.pipeline import Resources
from communique.resolution import resolve_in_context
from eval.plover_gsr import GOLD_CODE_MAP, load_gold, run_cli

SECTOR_MAP = {"JRN": "MED", "MED": "HLH", "CIV": "CVL", "MOS": "MUS"}
UNKNOWN_SECTORS = frozenset({"***"})


def gold_actors(shared: Path) -> Iterator[dict[str, Any]]:
    """Every gold actor with a text, with its record's sentence under ``"context"``."""
    for record in load_gold(shared):
        for side in ("source", "target"):
            actors = record.get(side)
            if isinstance(actors, list):
                for actor in actors:
                    if isinstance(actor, dict) and actor.get("actorText"):
                        yield {**actor, "context": record["text"]}


def _gold_country(actor: dict[str, Any]) -> str:
    code = str(actor.get("code", ""))[:3].upper()
    return GOLD_CODE_MAP.get(code, code)


def gold_sector(actor: dict[str, Any]) -> str | None:
    """The gold sector in our codes, or None where the gold gives none (or "***")."""
    code = str(actor.get("sector") or "")[:3].upper()
    if not code or code in UNKNOWN_SECTORS:
        return None
    return SECTOR_MAP.get(code, code)


def _in_context(gold: dict[str, Any], res: Resources) -> tuple[Actor | None, bool]:
    """The actor of the gold text in its sentence; (alone, True) when it does not occur there."""
    text = str(gold["actorText"])
    try:
        return resolve_in_context(text, str(gold["context"]), res.nlp, res.actors, day=None), False
    except ValueError:
        return resolve_text(text, res.nlp, res.actors, day=None), True


def _score(prefix: str, gold: dict[str, Any], actor: Actor | None, counts: Counter[str]) -> None:
    country = actor.country if actor else None
    wanted = _gold_country(gold)
    counts[prefix + "resolved"] += int(actor is not None)
    counts[prefix + "country_ok"] += int(country is not None and wanted in {country, country[:3]})
    sector = gold_sector(gold)
    if sector is not None:
        counts[prefix + "sector_ok"] += int(actor is not None and actor.agent == sector)


def evaluate(shared: Path, res: Resources) -> dict[str, float]:
    counts: Counter[str] = Counter()
    for gold in gold_actors(shared):
        counts["actors"] += 1
        counts["sectors"] += int(gold_sector(gold) is not None)
        _score(
            "", gold, resolve_text(str(gold["actorText"]), res.nlp, res.actors, day=None), counts
        )
        actor, missing = _in_context(gold, res)
        counts["context_missing"] += int(missing)
        _score("context_", gold, actor, counts)
    n, sectors = counts["actors"], max(counts["sectors"], 1)
    found: dict[str, float] = {"actors": n, "sectors": counts["sectors"]}
    for prefix in ("", "context_"):
        found[prefix + "resolved_share"] = round(counts[prefix + "resolved"] / n, 4)
        found[prefix + "country_accuracy"] = round(counts[prefix + "country_ok"] / n, 4)
        found[prefix + "sector_accuracy"] = round(counts[prefix + "sector_ok"] / sectors, 4)
    found["context_missing"] = counts["context_missing"]
    return found


def main() -> None:
    run_cli(__doc__ or "", evaluate)


if __name__ == "__main__":
    main()
