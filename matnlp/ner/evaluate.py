"""Entity-level scores the way the papers report them: seqeval strict IOB2 P/R/F1 per label, micro, macro."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence

from ..errors import ConfigError
from .data import Example
from .labels import check_known, spans

log = logging.getLogger(__name__)


def score(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> dict:
    """Per-label, micro and macro precision/recall/F1 (strict IOB2) plus a confusion summary."""
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    if len(gold) != len(pred) or any(len(g) != len(p) for g, p in zip(gold, pred)):
        raise ConfigError("gold and predicted tag sequences differ in length")
    report = classification_report(
        [list(g) for g in gold], [list(p) for p in pred], mode="strict", scheme=IOB2, output_dict=True,
        zero_division=0,
    )
    per_label = {k: _row(v) for k, v in report.items() if not k.endswith(" avg")}
    return {
        "micro": _row(report["micro avg"]),
        "macro": _row(report["macro avg"]),
        "labels": per_label,
        "confusion": confusion(gold, pred),
        "sentences": len(gold),
    }


def _row(d: dict) -> dict:
    return {"precision": float(d["precision"]), "recall": float(d["recall"]), "f1": float(d["f1-score"]), "support": int(d["support"])}


def confusion(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> dict:
    """How gold entities were predicted: exact, wrong type, boundary error, missed; plus spurious predictions.

    ``types`` counts (gold -> predicted) type pairs for same-span entities with the wrong type.
    """
    counts: Counter = Counter()
    pairs: Counter = Counter()
    for g_tags, p_tags in zip(gold, pred):
        g_spans, p_spans = spans(g_tags), spans(p_tags)
        p_exact = {(a, b): t for a, b, t in p_spans}
        for a, b, t in g_spans:
            overlap = [(c, d, u) for c, d, u in p_spans if c < b and d > a]
            if p_exact.get((a, b)) == t:
                counts["exact"] += 1
            elif (a, b) in p_exact:
                counts["wrong_type"] += 1
                pairs[f"{t}->{p_exact[(a, b)]}"] += 1
            elif any(u == t for _, _, u in overlap):
                counts["boundary"] += 1
            elif overlap:
                counts["boundary_and_type"] += 1
            else:
                counts["missed"] += 1
        counts["spurious"] += sum(1 for c, d, _ in p_spans if not any(a < d and b > c for a, b, _ in g_spans))
    return {**{k: counts[k] for k in ("exact", "wrong_type", "boundary", "boundary_and_type", "missed", "spurious")},
            "types": dict(pairs.most_common(20))}


def evaluate(tagger, examples: Sequence[Example], unknown: str = "error", batch_size: int | None = None) -> dict:
    """Tag the examples' words with ``tagger`` and score against their tags.

    ``unknown`` = ``"error"`` raises :class:`ConfigError` for gold labels the model lacks; ``"ignore"`` maps them to
    ``O`` (scores then cover only the model's types).
    """
    if not examples:
        raise ConfigError("nothing to evaluate: empty data set")
    gold = [list(e.tags) for e in examples]
    if unknown == "error":
        check_known(gold, tagger.labels, "evaluation data")
    else:
        known = set(tagger.labels)
        gold = [[t if t in known else "O" for t in tags] for tags in gold]
    tagged = tagger.tag_words([e.words for e in examples], batch_size, [e.doc for e in examples])
    pred = [tags for tags, _ in tagged]
    return score(gold, pred)


def format_report(report: dict) -> str:
    """A plain-text table of the per-label and averaged scores and the confusion summary."""
    lines = [f"{'label':<28}{'P':>8}{'R':>8}{'F1':>8}{'n':>7}"]
    rows = [*sorted(report["labels"].items()), ("micro", report["micro"]), ("macro", report["macro"])]
    for name, s in rows:
        lines.append(f"{name:<28}{s['precision']:>8.4f}{s['recall']:>8.4f}{s['f1']:>8.4f}{s['support']:>7}")
    conf = report["confusion"]
    lines.append("gold entities: " + ", ".join(f"{k} {conf[k]}" for k in list(conf)[:5]) + f"; spurious {conf['spurious']}")
    if conf["types"]:
        lines.append("type confusions: " + ", ".join(f"{k} {v}" for k, v in conf["types"].items()))
    return "\n".join(lines)
