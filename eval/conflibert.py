"""Event-class and actor-span accuracy on the ConfliBERT CAMEO test sets (evaluation only).

``cameo_class_test.tsv`` (451 news sentences, label 0..4: statement, verbal cooperation,
material cooperation, verbal conflict, material conflict): each sentence is coded on its own;
the label derived from our events is the *PentaClass* of the most confident event's CAMEO root,
the five-way scheme of the Phoenix/ConfliBERT CAMEO data: 0 = 01-02 (statements and appeals),
1 = 03-05, 2 = 06-08, 3 = 09-13 and 16, 4 = 14-15 and 17-20; a sentence without events is 0.
(Earlier versions derived the label from the QuadClass, with only root 01 as "statement"; the
gold labels put every appeal (02) in class 0 and every protest (14) in class 4, which is the
PentaClass scheme; the QuadClass-derived figures are still reported as ``quadclass_*``.)
Reports accuracy, macro-F1 and the confusion matrix.

``cameo_ner_test.txt`` (the same kind of sentences, BIO tags for source S and target T): the
tokens are joined with single spaces, coded, and the source/target spans of the most confident
event are compared with the gold spans (exact token spans; precision, recall, F1 per role).

The data are GPL-3 and used for evaluation only; nothing here is trained on them.

Usage: python eval/conflibert.py [--shared ../shared] [--json] [--embedding-fallback]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from communique.config import Config
from communique.model import Document, Event, Span
from communique.pipeline import Resources, code_document, load_resources

LABELS = ("statement", "verbal coop", "material coop", "verbal conflict", "material conflict")


def _best(text: str, res: Resources) -> Event | None:
    doc = Document(doc_id="s", content=text, kind="text")
    try:
        events = code_document(doc, res).events
    except ValueError:
        return None
    return max(events, key=lambda e: e.confidence, default=None)


PENTA_CLASS = {
    **dict.fromkeys(("01", "02"), 0),
    **dict.fromkeys(("03", "04", "05"), 1),
    **dict.fromkeys(("06", "07", "08"), 2),
    **dict.fromkeys(("09", "10", "11", "12", "13", "16"), 3),
    **dict.fromkeys(("14", "15", "17", "18", "19", "20"), 4),
}


def label_of(event: Event | None) -> int:
    """The PentaClass of the event's CAMEO root (0 without an event)."""
    return 0 if event is None else PENTA_CLASS[event.cameo[:2]]


def quad_label_of(event: Event | None) -> int:
    """The earlier derivation: the QuadClass, with root 01 and no event as 0."""
    if event is None or event.cameo.startswith("01"):
        return 0
    return event.quad_class or 0  # 0 also for a user code outside the CAMEO roots


def _macro_f1(confusion: Counter[tuple[int, int]]) -> float:
    scores = []
    for k in range(len(LABELS)):
        tp = confusion[(k, k)]
        fp = sum(v for (g, p), v in confusion.items() if p == k and g != k)
        fn = sum(v for (g, p), v in confusion.items() if g == k and p != k)
        denom = 2 * tp + fp + fn
        scores.append(2 * tp / denom if denom else 0.0)
    return sum(scores) / len(scores)


def evaluate_classes(shared: Path, res: Resources) -> dict[str, Any]:
    path = shared / "data" / "dev" / "conflibert" / "cameo_class_test.tsv"
    confusion: Counter[tuple[int, int]] = Counter()
    quad: Counter[tuple[int, int]] = Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        text, _, gold = line.rpartition("\t")
        if text and gold.strip().isdigit():
            event = _best(text, res)
            confusion[(int(gold), label_of(event))] += 1
            quad[(int(gold), quad_label_of(event))] += 1
    total = sum(confusion.values())
    matrix = [[confusion[(g, p)] for p in range(len(LABELS))] for g in range(len(LABELS))]
    return {"sentences": total, "accuracy": _accuracy(confusion),
            "macro_f1": round(_macro_f1(confusion), 4), "confusion": matrix,
            "quadclass_accuracy": _accuracy(quad),
            "quadclass_macro_f1": round(_macro_f1(quad), 4)}  # fmt: skip


def _accuracy(confusion: Counter[tuple[int, int]]) -> float:
    correct = sum(v for (g, p), v in confusion.items() if g == p)
    return round(correct / sum(confusion.values()), 4)


def _ner_sentences(path: Path) -> Iterator[list[tuple[str, str]]]:
    sentence: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.rsplit(" ", 1)
        if len(parts) == 2:
            sentence.append((parts[0], parts[1]))
        elif sentence:
            yield sentence
            sentence = []
    if sentence:
        yield sentence


def _gold_spans(tagged: list[tuple[str, str]], role: str) -> set[tuple[int, int]]:
    spans, start = set(), None
    for i, (_, tag) in enumerate([*tagged, ("", "O")]):
        if start is not None and tag != f"I-{role}":
            spans.add((start, i))
            start = None
        if tag == f"B-{role}":
            start = i
    return spans


def _token_span(span: Span | None, starts: list[int]) -> set[tuple[int, int]]:
    if span is None:
        return set()
    first = max(i for i, s in enumerate(starts) if s <= span.start)
    last = max(i for i, s in enumerate(starts) if s < span.end)
    return {(first, last + 1)}


def evaluate_spans(shared: Path, res: Resources) -> dict[str, float]:
    path = shared / "data" / "dev" / "conflibert" / "cameo_ner_test.txt"
    counts: Counter[str] = Counter()
    for tagged in _ner_sentences(path):
        words = [w for w, _ in tagged]
        starts = [sum(len(w) + 1 for w in words[:i]) for i in range(len(words))]
        event = _best(" ".join(words), res)
        for role, name in (("S", "source"), ("T", "target")):
            gold = _gold_spans(tagged, role)
            span = getattr(event.offsets, name) if event else None
            pred = _token_span(span, starts)
            counts[f"{name}_tp"] += len(gold & pred)
            counts[f"{name}_pred"] += len(pred)
            counts[f"{name}_gold"] += len(gold)
    return {
        f"{n}_{m}": round(v, 4) for n in ("source", "target") for m, v in _prf(counts, n).items()
    }


def _prf(counts: Counter[str], name: str) -> dict[str, float]:
    tp, pred, gold = counts[f"{name}_tp"], counts[f"{name}_pred"], counts[f"{name}_gold"]
    p = tp / pred if pred else 0.0
    r = tp / gold if gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[1].parent / "shared"
    parser.add_argument("--shared", type=Path, default=default)
    parser.add_argument("--json", action="store_true", help="print JSON only")
    parser.add_argument("--embedding-fallback", action="store_true", help="needs [embed]")
    args = parser.parse_args()
    res = load_resources(Config(embedding_fallback=args.embedding_fallback))
    metrics = {
        "classes": evaluate_classes(args.shared, res),
        "spans": evaluate_spans(args.shared, res),
    }
    if args.json:
        sys.stdout.write(json.dumps(metrics) + "\n")
        return
    classes = metrics["classes"]
    for key in ("sentences", "accuracy", "macro_f1", "quadclass_accuracy", "quadclass_macro_f1"):
        sys.stdout.write(f"{key:>18}: {classes[key]}\n")
    sys.stdout.write("confusion (rows gold, columns predicted): " + ", ".join(LABELS) + "\n")
    for label, row in zip(LABELS, classes["confusion"], strict=True):
        sys.stdout.write(f"{label:>18}: {row}\n")
    for key, value in metrics["spans"].items():
        sys.stdout.write(f"{key:>18}: {value}\n")


if __name__ == "__main__":
    main()
