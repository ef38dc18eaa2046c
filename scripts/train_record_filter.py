"""Train a record filter: the probability that a valued property record is right, learnt from the hand-audited
records of whole papers (``corpora/audit/properties.jsonl.gz``, rounds 3–27).

    OMP_NUM_THREADS=1 .venv/bin/python scripts/train_record_filter.py   # matnlp/extractors/data/record_filter.json
    OMP_NUM_THREADS=1 .venv/bin/python scripts/train_record_filter.py --ner models/ner-matscholar [--quick]
        # models/ner-matscholar/record_filter.json: the filter of that NER model

A logistic regression over :func:`matnlp.confidence.record_features` (standardized). Records with verdict
``setting`` (a flagged setting, read right) are left out, as the README leaves them out of the precision: the flag
alone tells them apart, so they would teach nothing about measured values. The name and value are located in the
stored sentence (the name as a string, the value among the parsed quantities, nearest the name), as the pipeline
knows them by offset.

Evaluation is leave-one-paper-out (grouped by ``source``), the regularization C chosen inside each fold by an inner
leave-one-paper-out over the other papers (nested), so the figures are out of sample: log-loss, Brier, AUC, ECE and
the reliability table, and the share and precision of the records kept at confidence thresholds; against the path
precision of ``path_precision.json`` (the confidence of a model-free record) and the base rate of the other papers,
on the same records.

With ``--ner MODEL``, the filter is that model's (written into its directory, where the pipeline finds it,
:func:`matnlp.confidence.record_filter_file`): the model tags the stored sentences, and the calibrated confidence of
its entity at the name is one more feature. The report compares it, in the same run and on the same folds, with the
model-free filter and with the entity confidence as a factor of the model-free filter's probability. ``--quick``
fits without the nested evaluation (for ``make ner``; the report then holds the chosen C only).
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

from matnlp.confidence import (RECORD_FILTER_FILE, RECORD_FILTER_FORMAT, RECORD_FILTER_NAME, SpanIndex, path_precision,
                               record_features)
from matnlp.extractors.properties import PROPERTY_LABELS
from matnlp.extractors.quantities import parse_quantities
from matnlp.extractors.relations import PairScorer
from matnlp.ner.calibrate import summary
from matnlp.report import iter_jsonl

log = logging.getLogger("train_record_filter")
AUDIT = Path(__file__).parents[1] / "corpora" / "audit" / "properties.jsonl.gz"
C_GRID = (0.003, 0.01, 0.03, 0.1, 0.3)
THRESHOLDS = (0.5, 0.7)


def audit_records(path: Path = AUDIT) -> list[dict]:
    """The audited records judged right or wrong (``setting`` verdicts left out)."""
    return [r for r in iter_jsonl(path) if r["verdict"] != "setting"]


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


def features(r: dict, entity: float | None = None) -> dict[str, float]:
    """The run-time features of an audit record (the record as the pipeline's JSON, its sentence, the entity
    confidence at its name)."""
    return record_features(r, r["sentence"], *locate(r), entity)


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


def model_free_report(records, rows, y, groups) -> dict:
    """Out-of-sample scores of the model-free filter against the path precision and the base rate."""
    p, chosen = nested(rows, y, groups)
    return {"C_per_fold": chosen, "cv": scores(p, y), "baseline_path_precision": scores(path_baseline(records), y),
            "baseline_base_rate": scores(base_rate(y, groups), y)}


def entity_report(rows, plain, y, groups, conf) -> dict:
    """Out-of-sample scores of the filter with the entity feature (``rows``), in the same folds as the model-free
    filter (``plain``) and the entity confidence as a factor of its probability."""
    p_plain = nested(plain, y, groups)[0]
    p, chosen = nested(rows, y, groups)
    return {"C_per_fold": chosen, "cv": scores(p, y), "baseline_model_free": scores(p_plain, y),
            "baseline_times_entity": scores(np.where(np.isnan(conf), p_plain, p_plain * np.nan_to_num(conf)), y)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ner", help="NER model dir: train its filter (entity confidence as a feature), written there")
    ap.add_argument("--out", type=Path, help=f"default: {RECORD_FILTER_FILE.name} of the package, or in --ner")
    ap.add_argument("--quick", action="store_true", help="fit only, without the nested leave-one-paper-out report")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    records = audit_records()
    y = np.array([r["verdict"] == "right" for r in records], dtype=float)
    groups = np.array([r["source"] for r in records])
    plain = np.array([features(r) for r in records])
    conf = entity_confidences(records, args.ner) if args.ner else None
    rows = plain if conf is None else np.array([features(r, None if np.isnan(c) else float(c))
                                                for r, c in zip(records, conf)])
    c = best_c(rows, y, groups)
    report = {"records": len(records), "right": int(y.sum()), "papers": len(set(groups)),
              "located": int(sum(f.get("located", 0) for f in rows)), "C": c}
    if args.ner:
        report |= {"model": args.ner, "records_with_entity": int((~np.isnan(conf)).sum())}
    if not args.quick:
        report |= entity_report(rows, plain, y, groups, conf) if args.ner else \
            model_free_report(records, rows, y, groups)
        for key in [k for k in report if k == "cv" or k.startswith("baseline")]:
            r = report[key]
            log.info("%s: log-loss %.4f, Brier %.4f, AUC %.4f, ECE %.4f, kept %s", key, r["log_loss"], r["brier"],
                     r["auc"], r["ece"], r["kept"])
    out = args.out or (Path(args.ner) / RECORD_FILTER_NAME if args.ner else RECORD_FILTER_FILE)
    out.write_text(json.dumps({"format": RECORD_FILTER_FORMAT, "about": __doc__.splitlines()[0],
                               "data": "corpora/audit/properties.jsonl.gz", "model": fit(rows, y, c).to_dict(),
                               "report": report}, indent=1, ensure_ascii=False) + "\n")
    log.info("wrote %s", out)


if __name__ == "__main__":
    main()
