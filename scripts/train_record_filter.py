"""Train the record filter: the probability that a valued property record is right, learnt from the hand-audited
records of whole papers (``corpora/audit/properties.jsonl``, rounds 3–12).

    OMP_NUM_THREADS=1 .venv/bin/python scripts/train_record_filter.py [--ner models/ner-matscholar] \\
        # writes matnlp/extractors/data/record_filter.json

A logistic regression over :func:`matnlp.confidence.record_features` (standardized). Records with verdict
``setting`` (a flagged setting, read right) are left out, as the README leaves them out of the precision: the flag
alone tells them apart, so they would teach nothing about measured values. The name and value are located in the
stored sentence (the name as a string, the value among the parsed quantities, nearest the name), as the pipeline
knows them by offset.

Evaluation is leave-one-paper-out (grouped by ``source``), the regularization C chosen inside each fold by an inner
leave-one-paper-out over the other papers (nested), so the figures are out of sample: log-loss, Brier, AUC, ECE and
the reliability table, and the share and precision of the records kept at confidence thresholds; against the path
precision of ``path_precision.json`` (the confidence of a model-free record) and the base rate of the other papers,
on the same records. With ``--ner``, the NER model tags the stored sentences and the entity confidence at the
name is compared too: as the current confidence (entity × value path), as a factor of the filter's probability,
and as a filter feature (the shipped report has it: neither beats the filter alone on log-loss, so it is not used).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import re
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from matnlp.confidence import RECORD_FILTER_FILE, RECORD_FILTER_FORMAT, SpanIndex, path_precision, record_features
from matnlp.extractors.properties import PROPERTY_LABELS
from matnlp.extractors.quantities import parse_quantities
from matnlp.extractors.relations import PairScorer
from matnlp.ner.calibrate import summary

log = logging.getLogger("train_record_filter")
AUDIT = Path(__file__).parents[1] / "corpora" / "audit" / "properties.jsonl"
C_GRID = (0.003, 0.01, 0.03, 0.1, 0.3)
THRESHOLDS = (0.5, 0.7)


def audit_records(path: Path = AUDIT) -> list[dict]:
    """The audited records judged right or wrong (``setting`` verdicts left out)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [r for r in rows if r["verdict"] != "setting"]


def _is_value(q, value: float) -> bool:
    return any(v is not None and math.isclose(v, value, rel_tol=1e-6, abs_tol=1e-9) for v in (q.value, q.low, q.high))


def locate(r: dict) -> tuple[int | None, int | None]:
    """Offsets of the record's name and value in its sentence: the closest pair of a name match and a quantity
    of that value (``None`` for what is not found)."""
    s = r["sentence"]
    names = [m.start() for m in re.finditer(re.escape(r["property"]), s, re.I)]
    values = [q.start for q in parse_quantities(s) if _is_value(q, r["value"])]
    if not names or not values:
        return (names[0] if names else None), None
    return min(((a, b) for a in names for b in values), key=lambda ab: abs(ab[0] - ab[1]))


def features(r: dict) -> dict[str, float]:
    """The run-time features of an audit record (the record as the pipeline's JSON, its sentence)."""
    return record_features(r, r["sentence"], *locate(r))


def fit(rows: np.ndarray, y: np.ndarray, c: float) -> PairScorer:
    """Logistic regression with inverse regularization ``c`` over the standardized feature dicts ``rows``."""
    names = tuple(sorted({n for f in rows for n in f}))
    x = np.array([[f.get(n, 0.0) for n in names] for f in rows])
    mean, scale = x.mean(0), x.std(0)
    scale[scale == 0] = 1.0
    lr = LogisticRegression(C=c, max_iter=5000).fit((x - mean) / scale, y)
    return PairScorer(names, mean, scale, lr.coef_[0], float(lr.intercept_[0]), 0.5)


def held_out(rows, y, groups, c) -> np.ndarray:
    """Leave-one-paper-out predictions with a fixed C."""
    p = np.zeros(len(y))
    for g in np.unique(groups):
        test = groups == g
        p[test] = fit(rows[~test], y[~test], c).probabilities(list(rows[test]))
    return p


def log_loss(p: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def best_c(rows, y, groups) -> float:
    return min(C_GRID, key=lambda c: log_loss(held_out(rows, y, groups, c), y))


def nested(rows, y, groups) -> tuple[np.ndarray, list[float]]:
    """Out-of-sample predictions: per held-out paper, C chosen by leave-one-paper-out on the others."""
    p, chosen = np.zeros(len(y)), []
    for g in np.unique(groups):
        test = groups == g
        chosen.append(best_c(rows[~test], y[~test], groups[~test]))
        p[test] = fit(rows[~test], y[~test], chosen[-1]).probabilities(list(rows[test]))
    return p, chosen


def scores(p: np.ndarray, y: np.ndarray) -> dict:
    """Log-loss, Brier, AUC, ECE and reliability table, and the records kept at each of :data:`THRESHOLDS`."""
    kept = {}
    for t in THRESHOLDS:
        k = p >= t
        kept[str(t)] = {"share": round(float(k.mean()), 4), "n": int(k.sum()),
                        "precision": round(float(y[k].mean()), 4) if k.any() else None}
    return {"log_loss": round(log_loss(p, y), 4), "brier": round(float(np.mean((p - y) ** 2)), 4),
            "auc": round(float(roc_auc_score(y, p)), 4), **summary(p, y.astype(bool)), "kept": kept}


def _value_path(r: dict) -> str:
    return "property/value-unit" if r["unit"] else "property/value-no-unit"


def path_baseline(records: list[dict]) -> np.ndarray:
    """The path precision of each record's value path (what a model-free record gets)."""
    return np.array([path_precision()[_value_path(r)].precision for r in records])


def base_rate(y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Each record's prediction by the share of right records among the other papers' (no features at all)."""
    return np.array([y[groups != g].mean() for g in groups])


def entity_confidences(records: list[dict], ner_dir: str) -> np.ndarray:
    """The highest calibrated confidence of the NER model's property entities overlapping each record's name in
    its sentence (NaN where none does, or the name is not found)."""
    from matnlp.ner import load  # torch: only with --ner

    tagger = load(ner_dir, device="cpu")
    sentences = sorted({r["sentence"] for r in records})
    index = {s: SpanIndex(e for e in tagger(s) if e.label in PROPERTY_LABELS) for s in sentences}
    out = []
    for r in records:
        at = locate(r)[0]
        found = None if at is None else index[r["sentence"]].best(at, at + len(r["property"]))
        out.append(np.nan if found is None else found)
    return np.array(out)


def ner_report(records, rows, y, groups, p_filter, ner_dir) -> dict:
    """Entity confidence at the name: as today's confidence (entity × value path, the path precision where no
    entity), as a factor of the filter's probability, and as one more filter feature; all out of sample."""
    conf = entity_confidences(records, ner_dir)
    has, found = ~np.isnan(conf), np.nan_to_num(conf)
    given = np.array([path_precision()[_value_path(r)].given_name for r in records])
    extra = np.array([f | {"entity_confidence": c, "entity_found": float(h)} for f, c, h in zip(rows, found, has)])
    return {"model": ner_dir, "records_with_entity": int(has.sum()),
            "current": scores(np.where(has, found * given, path_baseline(records)), y),
            "filter_times_entity": scores(np.where(has, p_filter * found, p_filter), y),
            "filter_with_entity_feature": scores(nested(extra, y, groups)[0], y)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ner", help="NER model dir: also compare its entity confidence (tags the audit sentences)")
    ap.add_argument("--out", type=Path, default=RECORD_FILTER_FILE)
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    records = audit_records()
    rows = np.array([features(r) for r in records])
    y = np.array([r["verdict"] == "right" for r in records], dtype=float)
    groups = np.array([r["source"] for r in records])
    p, chosen = nested(rows, y, groups)
    c = best_c(rows, y, groups)
    report = {"records": len(records), "right": int(y.sum()), "papers": len(set(groups)),
              "located": int(sum(f.get("located", 0) for f in rows)), "C": c, "C_per_fold": chosen,
              "cv": scores(p, y), "baseline_path_precision": scores(path_baseline(records), y),
              "baseline_base_rate": scores(base_rate(y, groups), y)}
    if args.ner:
        report["ner"] = ner_report(records, rows, y, groups, p, args.ner)
    for key in ("cv", "baseline_path_precision", "baseline_base_rate"):
        r = report[key]
        log.info("%s: log-loss %.4f, Brier %.4f, AUC %.4f, ECE %.4f, kept %s", key, r["log_loss"], r["brier"],
                 r["auc"], r["ece"], r["kept"])
    args.out.write_text(json.dumps({"format": RECORD_FILTER_FORMAT, "about": __doc__.splitlines()[0],
                                    "data": "corpora/audit/properties.jsonl", "model": fit(rows, y, c).to_dict(),
                                    "report": report}, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
