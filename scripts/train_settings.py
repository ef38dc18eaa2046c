"""Train the setting model (:mod:`matnlp.extractors.settings`): the probability that a property value was set, not
found, learnt from the values of the audit corpus (``corpora/audit/properties.jsonl.gz``) whose ``kind`` is
``setting`` or ``measured`` and from MuLMS's measurement frames (all splits: a value of a property a measurement
takes as its condition is a setting, one of a property it measures is not; :attr:`GoldTriple.setting`).

    OMP_NUM_THREADS=1 .venv/bin/python scripts/train_settings.py   # matnlp/extractors/data/settings.json

Evaluation is leave-one-paper-out (grouped by ``source``; a MuLMS paper's frames and its audit records are one
group), C chosen inside each fold by an inner grouped 5-fold CV, so the figures are out of sample: AUC on the audit
records and on the MuLMS frames, and at each threshold the share of settings found and the share of flagged
values that are settings. The effect on the audit precision is measured the same way, round by round: a measured
property that the model flags becomes wrong, an unflagged setting it flags leaves the precision as a flagged
setting. The threshold shipped is the highest whose out-of-sample audit precision is within :data:`TOLERANCE` of the
best.
"""

from __future__ import annotations

import argparse
import json
import logging
from collections import defaultdict
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold

from matnlp.datasets.mulms import documents
from matnlp.extractors.quantities import parse_quantities
from matnlp.extractors.settings import FORMAT, MODEL_FILE, SettingModel, features
from matnlp.report import iter_jsonl
from train_record_filter import AUDIT, locate

log = logging.getLogger("train_settings")
C_GRID = (0.03, 0.1, 0.3, 1.0)
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)
# The shipped threshold is the highest within this of the best out-of-sample precision: on a fresh round (17) the
# flags between 0.6 and 0.8 were measured values more often than cross-validation said, and on rounds 3–25 the
# threshold 0.8 (0.634 against 0.622 at 0.9) flagged plain findings ("The relaxation frequency of the arc was 20 Hz").
TOLERANCE = 0.015


def rows(path: Path = AUDIT) -> tuple[list[dict], list[list[str]]]:
    """The audit records whose value was located in its sentence, with their features."""
    out, feats = [], []
    for r in iter_jsonl(path):
        name_at, value_at = locate(r)
        q = next((q for q in parse_quantities(r["sentence"]) if q.start == value_at), None)
        if q is None:
            continue
        out.append(r)
        feats.append(features(r["sentence"], r["property"], name_at, q, 0))
    return out, feats


def mulms_rows() -> tuple[list[dict], list[list[str]]]:
    """The MuLMS property values whose frame says whether they were set (``kind`` ``setting``) or measured, with
    their features (the gold property span as the name, the quantity the parser reads at the gold value)."""
    out, feats = [], []
    for doc in documents(split=""):
        for t in doc.triples:
            sent = next(((a, b) for a, b in doc.sentences if a <= t.value.start < b), None)
            if t.setting is None or sent is None:
                continue
            sentence = doc.text[sent[0]:sent[1]]
            start, end = t.value.start - sent[0], t.value.end - sent[0]
            q = next((q for q in parse_quantities(sentence) if q.start < end and start < q.end), None)
            if q is not None:
                out.append({"source": f"mulms/texts/{doc.name}.txt", "kind": "setting" if t.setting else "measured"})
                feats.append(features(sentence, t.prop.text, t.prop.start - sent[0], q, 0))
    return out, feats


def fit(feats: list[list[str]], y: np.ndarray, c: float) -> SettingModel:
    vec = DictVectorizer()
    x = vec.fit_transform([dict.fromkeys(f, 1.0) for f in feats])
    lr = LogisticRegression(C=c, max_iter=5000).fit(x, y)
    return SettingModel(dict(zip(vec.get_feature_names_out(), lr.coef_[0].tolist())), float(lr.intercept_[0]), 0.5)


def predict(model: SettingModel, feats: list[list[str]]) -> np.ndarray:
    return np.array([model.probability(f) for f in feats])


def best_c(feats: list[list[str]], y: np.ndarray, groups: np.ndarray) -> float:
    """The C of the best inner grouped-CV log-loss."""
    def loss(c: float) -> float:
        p = np.zeros(len(y))
        for tr, te in GroupKFold(5).split(feats, y, groups):
            p[te] = predict(fit([feats[i] for i in tr], y[tr], c), [feats[i] for i in te])
        p = np.clip(p, 1e-6, 1 - 1e-6)
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    return min(C_GRID, key=loss)


def held_out(feats: list[list[str]], y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Leave-one-paper-out probabilities for all records, trained on the labelled ones (``y >= 0``) of the other
    papers, C chosen inside each fold."""
    p = np.zeros(len(groups))
    labelled = y >= 0
    for g in np.unique(groups):
        train = labelled & (groups != g)
        idx = np.flatnonzero(train)
        c = best_c([feats[i] for i in idx], y[idx], groups[idx])
        test = np.flatnonzero(groups == g)
        p[test] = predict(fit([feats[i] for i in idx], y[idx], c), [feats[i] for i in test])
    return p


def flag_scores(p: np.ndarray, y: np.ndarray) -> dict:
    out = {"auc": round(float(roc_auc_score(y, p)), 4)}
    for t in THRESHOLDS:
        flagged = p >= t
        out[str(t)] = {"flagged": int(flagged.sum()), "precision": round(float(y[flagged].mean()), 4) if flagged.any()
                       else None, "recall": round(float(flagged[y == 1].mean()), 4)}
    return out


def audit_effect(records: list[dict], p: np.ndarray, t: float) -> dict:
    """Precision of the measured properties (right / right + wrong; flagged settings left out, as in the README), per
    round and in all, with the rules' flags as audited and with the model's flags at threshold ``t`` added: a right
    record it flags becomes wrong (a measured value flagged), a wrong one it flags leaves the precision when it is a
    setting and stays wrong otherwise."""
    count = defaultdict(lambda: np.zeros(4, int))  # right, wrong before; right, wrong after
    for r, prob in zip(records, p):
        if r["setting"] or r["verdict"] == "setting":
            continue
        right, flagged = r["verdict"] == "right", prob >= t
        for c in (count[r["round"]], count["all"]):
            c[0 if right else 1] += 1
            if not flagged:
                c[2 if right else 3] += 1
            elif right or r["kind"] != "setting":
                c[3] += 1
    return {str(k): {"before": f"{a}/{a + b} = {a / (a + b):.3f}", "after": f"{c}/{c + d} = {c / (c + d):.3f}"}
            for k, (a, b, c, d) in sorted(count.items(), key=lambda kv: (kv[0] == "all", str(kv[0]).zfill(3)))}


def _after(effect: dict) -> float:
    return float(effect["all"]["after"].split("= ")[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=MODEL_FILE)
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    records, feats = rows()
    frames, frame_feats = mulms_rows()
    n = len(records)
    kinds = {"setting": 1, "measured": 0}
    y = np.array([kinds.get(r["kind"], -1) for r in records + frames])
    groups = np.array([r["source"] for r in records + frames])
    log.info("%d located records: %d settings, %d measured; %d MuLMS frame values, %d settings", n,
             (y[:n] == 1).sum(), (y[:n] == 0).sum(), len(frames), (y[n:] == 1).sum())
    feats += frame_feats
    p = held_out(feats, y, groups)
    labelled = y >= 0
    scores = flag_scores(p[:n][labelled[:n]], y[:n][labelled[:n]])
    effects = {t: audit_effect(records, p[:n], t) for t in THRESHOLDS}
    best = max(_after(e) for e in effects.values())
    threshold = max(t for t in THRESHOLDS if _after(effects[t]) >= best - TOLERANCE)
    idx = np.flatnonzero(labelled)
    c = best_c([feats[i] for i in idx], y[idx], groups[idx])
    model = fit([feats[i] for i in idx], y[idx], c)
    model = SettingModel(model.weights, model.bias, threshold)
    report = {"records": int(labelled[:n].sum()), "settings": int((y[:n] == 1).sum()), "mulms_values": len(frames),
              "mulms_settings": int((y[n:] == 1).sum()), "papers": len(set(groups)), "C": c,
              "leave_one_paper_out": scores, "leave_one_paper_out_mulms": flag_scores(p[n:], y[n:]),
              "threshold": threshold,
              "audit_precision": {str(t): e["all"] for t, e in effects.items()} | {"by_round": effects[threshold]}}
    args.out.write_text(json.dumps({"format": FORMAT, "model": model.to_dict(), "report": report}, indent=1,
                                   ensure_ascii=False) + "\n", encoding="utf-8")
    log.info("%s", json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
