"""Synthesis-paragraph benchmark: the classifier against the ``synthesis_spans`` heuristic on the hand-labelled
paragraphs (``corpora/paragraphs``), type accuracy on Kononova held-out snippets, and reference lists left in
the running text of the SOFC-Exp plain texts.

    .venv/bin/python scripts/bench_paragraphs.py [--json bench/paragraphs.json] [--splits dev test]

Scorers: :mod:`matnlp.eval.paragraphs`. The context stage was fitted on ``train`` and ``dev`` and the model
selected by cross-validation over their papers (so ``dev`` is not held out); ``test`` is reported as measured.
Kononova type accuracy is stage 1's, each snippet on its own.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path

import numpy as np

from matnlp.config import data_dir
from matnlp.eval.bench import machine, write_json
from matnlp.eval.paragraphs import (
    heuristic_predictions, kononova_type_accuracy, labelled_papers, model_predictions, reference_report, score,
)
from matnlp.extractors.paragraphs import decide, default_model, softmax

log = logging.getLogger("bench_paragraphs")


def expected_calibration_error(probs: np.ndarray, gold: list[str], labels: tuple[str, ...], bins: int = 10) -> float:
    """Mean |accuracy − confidence| of the predicted label (:func:`.decide`) over equal-width confidence bins,
    weighted by size."""
    pred = decide(probs)
    conf = probs[np.arange(len(pred)), pred]
    correct = np.array([labels[k] == g for k, g in zip(pred, gold)])
    edges = np.minimum((conf * bins).astype(int), bins - 1)
    return round(float(sum(abs(correct[edges == b].mean() - conf[edges == b].mean()) * (edges == b).sum()
                           for b in range(bins) if (edges == b).any()) / len(conf)), 4)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path, help="write the results here")
    ap.add_argument("--splits", nargs="+", default=["dev", "test"])
    ap.add_argument("--kononova", type=int, default=1000, help="held-out snippets per style")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    model = default_model()
    t0 = time.perf_counter()
    results: dict = {"machine": machine(), "hand_labelled": {}}
    for split in args.splits:
        papers = labelled_papers(split)
        gold = [g for p in papers for g in p.gold]
        pred, probs = model_predictions(model, papers)
        results["hand_labelled"][split] = {
            "papers": [p.doc.source.path.split("/data/")[-1] for p in papers],
            "classifier": {**score(gold, pred), "ece": expected_calibration_error(probs, gold, model.labels)},
            "baseline_synthesis_spans": score(gold, heuristic_predictions(papers)),
        }
    results["kononova_heldout"] = kononova_type_accuracy(
        lambda texts: [model.labels[k] for k in softmax(model.text.scores(texts), model.temperature).argmax(axis=1)],
        per_style=args.kononova)
    results["references_in_text"] = reference_report(sorted((data_dir() / "sofc_exp_texts" / "texts").glob("*.txt")))
    results["seconds"] = round(time.perf_counter() - t0, 1)
    log.info(json.dumps(results, indent=1))
    for split, r in results["hand_labelled"].items():
        c, b = r["classifier"]["synthesis"], r["baseline_synthesis_spans"]["synthesis"]
        log.info("%s: classifier P %.3f R %.3f F1 %.3f | synthesis_spans P %.3f R %.3f F1 %.3f", split,
                 c["precision"], c["recall"], c["f1"], b["precision"], b["recall"], b["f1"])
    if args.json:
        write_json(args.json, results, indent=1)
    return results


if __name__ == "__main__":
    main()
