"""Train communique's learned event-location choice (``communique.geo.LocationModel``).

A conditional (multinomial) logistic regression: for each event verb, a choice among its
candidate places (``communique.geo.event_candidates``) and "no place" (score 0), each
candidate scored by binary features (dependency path from the verb, governing preposition,
the rules' tier, entity source, GeoNames feature and population, modifier of an actor noun,
...). The labelled choice is any candidate overlapping a labelled location span, or "no
place" when the record has none; records whose labelled span no candidate overlaps are left
out of the fit. One model per choice: ``any`` candidate, or only ``resolved`` toponyms.

Split discipline (``eval/event_location.py``): the weights are fitted ONLY on the ``tune``
split of ``../shared/data/dev/event_location`` (CRC32-even non-RELABEL records); the L2
strength, the feature-count floor and the "no place" thresholds (the best candidate must
score above them, one for any toponym and one for resolved ones) are chosen on ``heldout``
(CRC32-odd); the 494 RELABEL gold-standard records (``test``) are never read here.

Writes ``src/communique/data/event_location_model.json``: version, weights (feature ->
weight), thresholds, provenance and the MIT attribution of the training data. Deterministic
for a given spaCy model and gazetteer.

Final refit (``--final``, what ships): the same fit with the settings the tune-only run chose
on heldout (``CHOSEN``, not selected again; its thresholds since by CV, below) on ``tune`` +
``heldout`` (every non-RELABEL record); heldout is then training data, so its figures come
from the tune-only run.

Label noise by source (``NONE_WEIGHTS``): "no place" records of the research assistants'
sources (``source`` ending in ``_RA``) that measurably leave places unlabelled weigh less in
the fit (Masdar_RA 0, AFP_RA and APW_RA 0.5); the gold standard (``RELABEL``) is a Prodigy
relabelling of such sentences, so the CV figure that chose them is the one of the Prodigy
records (``SUBSETS``). ``--missed SRC=M,...`` (CV only, not adopted: about equal) reads such
labels as "no place, or any candidate with chance M" instead.

Cross-validation (``--cv K``, writes nothing): K folds over tune + heldout by CRC32 of the
record id mod K; each record is scored by the model fitted on the other folds with the
``CHOSEN`` L2 and feature-count floor; printed per choice: the overlap accuracy at the "no
place" threshold best on the pooled out-of-fold scores (and that threshold), at the
``CHOSEN`` threshold, and the standard deviation across folds. ``--grid``: one CV per
(min_count, L2) of ``GRID``; ``--drop P1,P2 ...``: one CV per list of feature-name prefixes
left out (ablations); ``--none-weight SRC=W,... ...``: one CV per weighting (``""``: none);
figures also for the Prodigy-labelled, Prodigy news (AP, Xinhua) and RA records. Changes
are kept only when they raise the CV figure; the gold standard is read once, after the final
refit.

Usage: python scripts/train_event_location.py [--shared ../shared] [--out PATH] [--cache DIR]
                                              [--final [--thresholds any=X,resolved=Y]]
                                              [--none-weight SRC=W,...]
                                              [--cv K [--grid] [--drop P ...]
                                               [--none-weight SPEC ...] [--missed SPEC ...]]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import spacy
from eval.event_location import Record, load_records
from scipy import optimize, sparse
from spacy.language import Language
from spacy.tokens import Doc, DocBin

from communique.config import Config
from communique.events import load_coder_resources
from communique.geo import (
    GAZETTEER_VERSION,
    LOCATION_MODEL_VERSION,
    event_candidates,
    load_gazetteer,
    toponyms,
)
from communique.model import Span
from communique.nlp import load_nlp

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src" / "communique" / "data" / "event_location_model.json"
# (feature-count floor, L2): chosen on heldout. A pointwise logistic regression (each
# candidate on its own, one threshold) was tried on an earlier feature set: 0.769 / 0.660
# heldout overlap (any / resolved) against the choice model's 0.784 / 0.670 on the same set.
GRID = tuple((min_count, l2) for min_count in (2, 5) for l2 in (0.3, 1.0, 3.0))
# The final refit's settings. L2 and feature-count floor: what the tune-only run (without
# --final) chose on heldout. Thresholds: the best on the pooled out-of-fold scores of the
# Prodigy-labelled records (``--cv 5 --none-weight ...``, subset "prodigy") with
# ``NONE_WEIGHTS`` (before them, the tune-only run's heldout choice: -0.2667 / -0.0283).
# 5-fold CV of the "prodigy" records, any / resolved: 0.8251 / 0.6295 without
# ``NONE_WEIGHTS``, 0.8422 / 0.6399 with them (all records: 0.7961 / 0.6714 -> 0.7847 / 0.6551).
CHOSEN: dict[str, dict[str, float]] = {
    "any": {"min_count": 5, "l2": 1.0, "threshold": 0.0305},
    "resolved": {"min_count": 2, "l2": 1.0, "threshold": 0.137},
}
# Weight in the fit of a record labelled "no place", by the record's source (default 1). The
# research assistants' "no place" labels leave places out: where a toponym hangs on the verb
# by in/at/near..., the records of the Prodigy sources name a place 0.89-1.00 of the time
# (pooled 0.97), Xinhua_RA 0.92, APW_RA 0.84, AFP_RA 0.75, Masdar_RA 0.38 ("killed ... in the
# city of Raqqa": no place). The gold standard (source RELABEL) is those RA sentences labelled
# again, in Prodigy. Chosen by CV on the Prodigy records among 0 / 0.25 / 0.5 / 1.
NONE_WEIGHTS: dict[str, float] = {"Masdar_RA": 0.0, "AFP_RA": 0.5, "APW_RA": 0.5}
# By source: the chance that a record labelled "no place" does name the event's place (its
# annotator missed it); the fit reads such a label as "no place, or any candidate" with it.
MISSED: dict[str, float] = {}
# Records by who labelled them (the ``source`` field): "_RA" sources were labelled by research
# assistants; the others, like the gold standard (source RELABEL), in Prodigy.
SUBSETS: dict[str, Callable[[str], bool]] = {
    "prodigy": lambda source: not source.endswith("_RA"),
    "prodigy_news": lambda source: source in {"AP", "Xinhua", "Masdar"},
    "ra": lambda source: source.endswith("_RA"),
}
# Feature groups (name prefixes) left out of one choice's fit, where cross-validation says so.
DROPPED: dict[str, tuple[str, ...]] = {}
ATTRIBUTION = (
    "Trained on the non-gold records ({splits}) of ahalterman/event_location "
    '("Geolocating Political Events in Text"), labeled_text.jsonl: MIT License, '
    "Copyright (c) 2019 Andy Halterman."
)


@dataclass(frozen=True, slots=True)
class Group:
    """One record in one mode: its candidates' features and whether each overlaps the gold."""

    features: list[tuple[str, ...]]
    labels: list[bool]
    no_gold: bool
    source: str = ""  # the record's ``source`` (who labelled it)


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def parse(nlp: Language, records: list[Record], cache: Path | None, name: str) -> list[Doc]:
    if cache is not None and (cache / f"{name}.spacy").exists():
        return list(DocBin().from_disk(cache / f"{name}.spacy").get_docs(nlp.vocab))
    docs = list(nlp.pipe(r.text for r in records))
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        DocBin(docs=docs).to_disk(cache / f"{name}.spacy")
    return docs


def groups(records: list[Record], docs: list[Doc], *, resolved: bool) -> list[Group]:
    gaz = load_gazetteer()
    preps = load_coder_resources().rules.location_preps
    out = []
    for rec, doc in zip(records, docs, strict=True):
        found = doc.char_span(rec.verb.start, rec.verb.end, alignment_mode="expand")
        cands = (
            []
            if found is None
            else event_candidates(found.root, toponyms(doc, gaz), preps=preps, resolved=resolved)
        )
        labels = [any(_overlaps(t.span, g) for g in rec.gold) for t, _ in cands]
        out.append(Group([f for _, f in cands], labels, not rec.gold, rec.source))
    return out


def matrix(data: list[Group], vocab: dict[str, int]) -> sparse.csr_matrix:
    """One row per candidate (records in order), one column per feature of the vocabulary."""
    rows, cols = [], []
    row = 0
    for group in data:
        for feats in group.features:
            for name in set(feats):
                if name in vocab:
                    rows.append(row)
                    cols.append(vocab[name])
            row += 1
    return sparse.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(row, len(vocab)), dtype=np.float64
    )


def fit_choice(
    data: list[Group],
    x: sparse.csr_matrix,
    l2: float,
    bias: int,
    record_weights: np.ndarray | None = None,
    missed: np.ndarray | None = None,
) -> np.ndarray:
    """A choice among each record's candidates and "no place" (score 0): the log-likelihood
    of the labelled choice (any candidate overlapping the gold, or "no place" when there is
    no gold); records whose gold no candidate overlaps are left out. ``record_weights``: each
    record's weight in the log-likelihood (default 1); ``missed``: for a record labelled "no
    place", the chance its annotator left a place unlabelled (default 0), so that the label
    is read as "no place, or (with that chance) any candidate" (a noisy-label likelihood)."""
    sizes = np.array([len(g.features) for g in data])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    group_of = np.repeat(np.arange(len(data)), sizes)
    positive = np.array([lab for g in data for lab in g.labels], dtype=bool)
    none_target = np.array([g.no_gold for g in data])
    usable = none_target | np.array([any(g.labels) for g in data])
    rw = np.ones(len(data)) if record_weights is None else record_weights
    miss = np.zeros(len(data)) if missed is None else missed
    target = positive + np.where(none_target, miss, 0.0)[group_of]
    mask = np.ones(x.shape[1])
    mask[bias] = 0.0

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ w
        top = np.maximum(np.zeros(len(data)), _group_max(z, starts, sizes))
        ez = np.exp(z - top[group_of])
        e_none = np.exp(-top)
        total = e_none + np.bincount(group_of, weights=ez, minlength=len(data))
        pos = np.bincount(group_of, weights=ez * target, minlength=len(data))
        pos = pos + np.where(none_target, e_none, 0.0)
        nll = float(np.sum((rw * (np.log(total) - np.log(np.maximum(pos, 1e-300))))[usable]))
        # d/dz: p(candidate) - p(candidate | positive) on usable records
        p = ez / total[group_of]
        q = ez * target / np.maximum(pos, 1e-300)[group_of]
        grad_z = np.where(usable[group_of], (p - q) * rw[group_of], 0.0)
        grad = x.T @ grad_z + l2 * mask * w
        return nll + 0.5 * l2 * float(np.sum(mask * w * w)), grad

    res = optimize.minimize(
        loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B", options={"maxiter": 2000}
    )
    return np.asarray(res.x)


def _group_max(z: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    out = np.full(len(sizes), -np.inf)
    nonempty = sizes > 0
    if z.size:
        out[nonempty] = np.maximum.reduceat(z, starts[nonempty])
    return out


def best_choices(data: list[Group], weights: dict[str, float]) -> tuple[np.ndarray, ...]:
    """Per record: the best candidate's score, whether it overlaps the gold, no gold."""
    best, right, none_ok = [], [], []
    for group in data:
        none_ok.append(group.no_gold)
        if not group.features:
            best.append(-np.inf)
            right.append(False)
            continue
        scores = [sum(weights.get(f, 0.0) for f in feats) for feats in group.features]
        k = int(np.argmax(scores))
        best.append(scores[k])
        right.append(group.labels[k])
    return np.array(best), np.array(right), np.array(none_ok)


def threshold(data: list[Group], weights: dict[str, float]) -> tuple[float, float]:
    """The "no place" threshold with the best overlap accuracy, and that accuracy."""
    best, right, none_ok = best_choices(data, weights)
    return _best_cut(best, right, none_ok)


def accuracy(data: list[Group], weights: dict[str, float], cut: float) -> float:
    best, right, none_ok = best_choices(data, weights)
    return round(float(np.mean(np.where(best > cut, right, none_ok))), 4)


def record_weight(group: Group, none_weights: dict[str, float]) -> float:
    """A record's weight in the fit: ``none_weights[source]`` for a "no place" label of that
    source (see ``NONE_WEIGHTS``), else 1."""
    return none_weights.get(group.source, 1.0) if group.no_gold else 1.0


def train(
    tune: list[Group],
    min_count: int,
    l2: float,
    none_weights: dict[str, float] | None = None,
    missed: dict[str, float] | None = None,
) -> dict[str, float]:
    counts = Counter(name for g in tune for feats in g.features for name in set(feats))
    names = sorted(name for name, n in counts.items() if n >= min_count)
    vocab = {name: k for k, name in enumerate(names)}
    x = matrix(tune, vocab)
    nw = NONE_WEIGHTS if none_weights is None else none_weights
    rw = np.array([record_weight(g, nw) for g in tune])
    ms = MISSED if missed is None else missed
    miss = np.array([ms.get(g.source, 0.0) for g in tune])
    w = fit_choice(tune, x, l2, vocab["bias"], rw, miss)
    return {name: round(float(v), 4) for name, v in zip(names, w, strict=True) if abs(v) >= 1e-4}


def model_modes() -> tuple[str, str]:
    return ("any", "resolved")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--cache", type=Path, default=None, help="keep parsed docs here")
    parser.add_argument(
        "--final", action="store_true", help="refit on tune + heldout with CHOSEN (what ships)"
    )
    parser.add_argument(
        "--cv", type=int, default=0, metavar="K", help="K-fold CV over tune + heldout; no output"
    )
    parser.add_argument(
        "--grid", action="store_true", help="with --cv: CV of each (min_count, l2) of GRID"
    )
    parser.add_argument(
        "--none-weight",
        nargs="*",
        default=None,
        metavar="SRC=W,...",
        help='"no place" weights by source (NONE_WEIGHTS); with --cv: one CV per list',
    )
    parser.add_argument(
        "--thresholds",
        default=None,
        metavar="any=X,resolved=Y",
        help="with --final: these 'no place' thresholds, not CHOSEN's",
    )
    parser.add_argument(
        "--missed",
        nargs="*",
        default=None,
        metavar="SRC=M,...",
        help="with --cv: one CV per list of sources' missed-place chances (MISSED)",
    )
    parser.add_argument(
        "--drop",
        nargs="*",
        default=[""],
        help="with --cv: one CV per comma-separated list of feature prefixes left out",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    records = load_records(args.shared)
    config = Config()
    nlp = load_nlp(config)
    data: dict[str, dict[str, list[Group]]] = {}
    for split in ("tune", "heldout"):
        chosen = [r for r in records if r.split == split]
        docs = parse(nlp, chosen, args.cache, split)
        data[split] = {
            "any": groups(chosen, docs, resolved=False),
            "resolved": groups(chosen, docs, resolved=True),
        }
    for mode, prefixes in DROPPED.items():
        for split in data:
            data[split][mode] = without({split: {mode: data[split][mode]}}, prefixes)[split][mode]
    prepared = time.perf_counter()
    if args.cv:
        ids = [r.rid for s in ("tune", "heldout") for r in records if r.split == s]
        for drop in args.drop:
            prefixes = tuple(p for p in drop.split(",") if p)
            for settings in GRID if args.grid else (None,):
                for spec in args.none_weight or [None]:
                    for miss in args.missed or [None]:
                        figures = cross_validate(
                            without(data, prefixes),
                            ids,
                            args.cv,
                            settings=settings,
                            none_weights=None if spec is None else _by_source(spec),
                            missed=None if miss is None else _by_source(miss),
                        )
                        row = {"drop": drop, "grid": settings, "none_weight": spec, "missed": miss}
                        sys.stdout.write(json.dumps({**row, **figures}) + "\n")
        sys.stderr.write(
            f"parse+features {prepared - started:.1f} s, {args.cv}-fold CV "
            f"{time.perf_counter() - prepared:.1f} s\n"
        )
        return
    none_weights = _by_source(args.none_weight[0]) if args.none_weight else NONE_WEIGHTS
    if args.final:
        thresholds = _by_source(args.thresholds) if args.thresholds else None
        model, figures = final_model(data, none_weights=none_weights, thresholds=thresholds)
    else:
        model, figures = selected_model(data)
    trained = time.perf_counter()
    fitted = ("tune", "heldout") if args.final else ("tune",)
    model["provenance"] = {
        "script": "scripts/train_event_location.py" + (" --final" if args.final else ""),
        **provenance(final=args.final),
        "records": {s: len(data[s]["any"]) for s in data},
        "candidates": {
            m: sum(len(g.features) for s in fitted for g in data[s][m]) for m in model_modes()
        },
        "params": {
            m: {"l2": CHOSEN[m]["l2"], "min_count": int(CHOSEN[m]["min_count"])}
            for m in model_modes()
        }
        if args.final
        else model.pop("params"),
        "spacy_model": f"{config.model} {spacy.util.get_package_version(config.model)}",
        "gazetteer_version": GAZETTEER_VERSION,
        "figures": figures,
    }
    if none_weights and args.final:
        model["provenance"]["no_place_weights"] = none_weights
    model["attribution"] = ATTRIBUTION.format(
        splits="tune and heldout splits" if args.final else "tune split"
    )
    size = sum(len(model[m]["weights"]) for m in model_modes())
    args.out.write_text(json.dumps(model, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    sys.stderr.write(
        f"parse+features {prepared - started:.1f} s, training {trained - prepared:.1f} s; "
        f"{size} weights; {json.dumps(figures)}\n"
    )


def _by_source(spec: str) -> dict[str, float]:
    """ "Masdar_RA=0,AFP_RA=0.5" -> {"Masdar_RA": 0.0, "AFP_RA": 0.5}."""
    pairs = (item.split("=") for item in spec.split(",") if item)
    return {name: float(weight) for name, weight in pairs}


def provenance(*, final: bool) -> dict[str, Any]:
    if final:
        return {
            "trained_on": "tune + heldout splits (every non-RELABEL record) of event_location: "
            "final refit",
            "selected_on": "l2, min_count: heldout split, by the tune-only run; thresholds "
            "and no-place weights by source: 5-fold CV over tune + heldout scored on the "
            "Prodigy-labelled (non-RA) records (CHOSEN and NONE_WEIGHTS in the script)",
        }
    return {
        "trained_on": "tune split (CRC32-even non-RELABEL records) of event_location",
        "selected_on": "heldout split (CRC32-odd non-RELABEL): l2, min_count, thresholds",
    }


def without(
    data: dict[str, dict[str, list[Group]]], prefixes: tuple[str, ...]
) -> dict[str, dict[str, list[Group]]]:
    """The groups with the features named by ``prefixes`` left out (an ablation)."""
    if not prefixes:
        return data
    return {
        split: {
            mode: [
                Group(
                    [tuple(f for f in feats if not f.startswith(prefixes)) for feats in g.features],
                    g.labels,
                    g.no_gold,
                    g.source,
                )
                for g in groups
            ]
            for mode, groups in modes.items()
        }
        for split, modes in data.items()
    }


def cross_validate(
    data: dict[str, dict[str, list[Group]]],
    ids: list[str],
    k: int,
    *,
    settings: tuple[int, float] | None = None,
    none_weights: dict[str, float] | None = None,
    missed: dict[str, float] | None = None,
) -> dict[str, float]:
    """K-fold cross-validation over tune + heldout (fold: CRC32 of the record id mod K) with
    the ``CHOSEN`` L2 and feature-count floor: each record is scored by the model fitted on
    the other folds; the "no place" threshold is the one best on the pooled out-of-fold
    scores (one number chosen on 9,684 records), and the figure is the overlap accuracy at it
    (also at the ``CHOSEN`` threshold)."""
    fold = np.array([zlib.crc32(rid.encode()) % k for rid in ids])
    figures: dict[str, float] = {}
    for mode in model_modes():
        both = data["tune"][mode] + data["heldout"][mode]
        params = dict(CHOSEN[mode])
        if settings is not None:
            params["min_count"], params["l2"] = settings
        best = np.full(len(both), -np.inf)
        right = np.zeros(len(both), dtype=bool)
        none_ok = np.array([g.no_gold for g in both])
        per_fold = []
        for f in range(k):
            train_idx = np.flatnonzero(fold != f)
            test_idx = np.flatnonzero(fold == f)
            weights = train(
                [both[i] for i in train_idx],
                int(params["min_count"]),
                params["l2"],
                none_weights,
                missed,
            )
            b, r, _ = best_choices([both[i] for i in test_idx], weights)
            best[test_idx], right[test_idx] = b, r
            per_fold.append(float(np.mean(np.where(b > params["threshold"], r, none_ok[test_idx]))))
        cut, acc = _best_cut(best, right, none_ok)
        figures[f"cv_{mode}_overlap"] = round(acc, 4)
        figures[f"cv_{mode}_threshold"] = cut
        at_chosen = np.mean(np.where(best > params["threshold"], right, none_ok))
        figures[f"cv_{mode}_overlap_at_chosen"] = round(float(at_chosen), 4)
        figures[f"cv_{mode}_fold_sd"] = round(float(np.std(per_fold)), 4)
        for subset, member in SUBSETS.items():
            keep = np.array([member(g.source) for g in both])
            cut, acc = _best_cut(best[keep], right[keep], none_ok[keep])
            figures[f"cv_{mode}_{subset}_overlap"] = round(acc, 4)
            figures[f"cv_{mode}_{subset}_threshold"] = cut
    return figures


def _best_cut(best: np.ndarray, right: np.ndarray, none_ok: np.ndarray) -> tuple[float, float]:
    finite = np.sort(np.unique(best[np.isfinite(best)]))
    options = [-1e9, *((finite[:-1] + finite[1:]) / 2).tolist(), float(finite[-1]) + 1.0]
    scored = [(float(np.mean(np.where(best > t, right, none_ok))), -abs(t), t) for t in options]
    acc, _, chosen = max(scored)
    return round(float(chosen), 4), acc


def final_model(
    data: dict[str, dict[str, list[Group]]],
    *,
    none_weights: dict[str, float] | None = None,
    thresholds: dict[str, float] | None = None,
) -> tuple[dict[str, Any], dict[str, float]]:
    """Refit on tune + heldout with the settings chosen on heldout (``CHOSEN``); a candidate
    (``none_weights``, ``thresholds`` in place of ``NONE_WEIGHTS`` and ``CHOSEN``'s)."""
    model: dict[str, Any] = {"version": LOCATION_MODEL_VERSION}
    figures = {}
    for mode in model_modes():
        both = data["tune"][mode] + data["heldout"][mode]
        params = CHOSEN[mode]
        weights = train(both, int(params["min_count"]), params["l2"], none_weights)
        cut = (thresholds or {}).get(mode, params["threshold"])
        figures[f"training_{mode}_overlap"] = accuracy(both, weights, cut)
        model[mode] = {"threshold": cut, "weights": dict(sorted(weights.items()))}
    return model, figures


def selected_model(
    data: dict[str, dict[str, list[Group]]],
) -> tuple[dict[str, Any], dict[str, float]]:
    """Fit on tune; choose l2, min_count and the threshold on heldout."""
    model: dict[str, Any] = {"version": LOCATION_MODEL_VERSION}
    figures, chosen_params = {}, {}
    for mode in model_modes():
        trials = []
        for min_count, l2 in GRID:
            weights = train(data["tune"][mode], min_count, l2)
            cut, acc = threshold(data["heldout"][mode], weights)
            trials.append((acc, min_count, l2, weights, cut))
            sys.stderr.write(
                f"{mode}: min_count={min_count} l2={l2}: heldout {acc:.4f} "
                f"({len(weights)} weights)\n"
            )
        # the best heldout accuracy; on a tie the smaller, smoother model
        _, min_count, l2, weights, cut = max(trials, key=lambda t: t[:3])
        chosen_params[mode] = {"l2": l2, "min_count": min_count}
        for split in ("tune", "heldout"):
            figures[f"{split}_{mode}_overlap"] = accuracy(data[split][mode], weights, cut)
        model[mode] = {"threshold": cut, "weights": dict(sorted(weights.items()))}
    model["params"] = chosen_params
    return model, figures


if __name__ == "__main__":
    main()
