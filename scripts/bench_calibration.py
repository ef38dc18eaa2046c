"""Calibration benchmark: expected calibration error of the NER models' raw entity scores (the baseline) and of
their calibrated confidences, fitted on dev and reported on test.

    .venv/bin/python scripts/bench_calibration.py [--json bench/calibration.json] \
        [--model models/ner-matscholar:matscholar-quick] [--model models/ner-mspt:mspt-quick]

Each ``--model DIR:RECIPE`` is calibrated in memory on its recipe's dev data (the model dir is not written; ``matnlp
ner calibrate`` writes it) and scored on the recipe's test data: entities, share exactly right, ECE (10 bins) and
reliability tables of the raw score and of the confidence, and the share of entities with a raw score below 0.5
with their accuracy.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import numpy as np

from matnlp.eval.bench import machine, write_json
from matnlp.ner import load
from matnlp.ner.calibrate import Calibration, entity_outcomes, fit, split_report
from matnlp.ner.data import load_examples
from matnlp.ner.recipe import load_recipe

log = logging.getLogger("bench_calibration")
DEFAULT = ["models/ner-matscholar:matscholar-quick", "models/ner-mspt:mspt-quick"]


def bench(model_dir: str, recipe_name: str) -> dict:
    data = load_recipe(recipe_name).data
    tagger = load(model_dir)
    dev = entity_outcomes(tagger, load_examples(data.dev, data.brat_dir))
    test = entity_outcomes(tagger, load_examples(data.test, data.brat_dir))
    calibration = Calibration(fit(dev))
    low = [o.correct for o in test if o.score < 0.5]
    return {"model": model_dir, "recipe": recipe_name, "dev": split_report(calibration, dev),
            "test": split_report(calibration, test),
            "test_raw_below_0.5": {"share": round(len(low) / len(test), 4),
                                   "accuracy": round(float(np.mean(low)), 4) if low else None}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", action="append", help="MODEL_DIR:RECIPE (default: the two models of make ner)")
    ap.add_argument("--json", type=Path, help="write the results here")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    results = {"machine": machine(), "models": []}
    for spec in args.model or DEFAULT:
        model_dir, _, recipe = spec.rpartition(":")
        r = bench(model_dir, recipe)
        results["models"].append(r)
        t = r["test"]
        log.info("%s test: %d entities, %.3f right; ECE raw %.4f -> calibrated %.4f; raw < 0.5: %s", model_dir,
                 t["entities"], t["accuracy"], t["raw"]["ece"], t["calibrated"]["ece"], r["test_raw_below_0.5"])
    if args.json:
        write_json(args.json, results, indent=1)


if __name__ == "__main__":
    main()
