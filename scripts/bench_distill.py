"""Benchmark: each distilled student against its teacher ensemble, on the test data of the student's recipe: micro-F1
and sentences/s of tagging (the same sentences, threads and precision, after a warm-up pass).

    python scripts/bench_distill.py --pair matscholar-student:models/ner-matscholar-teacher:models/ner-matscholar \\
        --pair mspt-student:models/ner-mspt-teacher:models/ner-mspt --json bench/distill.json

Targets (the throughput issue): the student within 0.5 point of micro-F1 of its teacher, at 4x its sentences/s or
more.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from datetime import datetime, timezone

import torch

from matnlp.eval.bench import machine, write_json
from matnlp.ner import load
from matnlp.ner.data import load_examples
from matnlp.ner.evaluate import evaluate
from matnlp.ner.recipe import load_recipe

log = logging.getLogger("bench_distill")


def measure(model_dir: str, examples, repeats: int, precision: str) -> dict:
    """Test micro-F1 and the best of ``repeats`` timed passes over the test sentences."""
    tagger = load(model_dir, device="cpu", precision=precision)
    f1 = evaluate(tagger, examples)["micro"]["f1"]
    words = [e.words for e in examples]
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        tagger.tag_words(words)
        best = min(best, time.perf_counter() - start)
    return {"micro_f1": round(f1, 4), "sentences_per_s": round(len(words) / best, 1), "seconds": round(best, 3)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pair", action="append", required=True, metavar="RECIPE:TEACHER:STUDENT",
                   help="the student's recipe (its test data) and the two model dirs")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--precision", default="auto")
    p.add_argument("--json", default="bench/distill.json")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    results = {}
    for pair in args.pair:
        recipe_name, teacher, student = pair.split(":")
        data = load_recipe(recipe_name).data
        test = load_examples(data.test, data.brat_dir)
        got = {"teacher": measure(teacher, test, args.repeats, args.precision),
               "student": measure(student, test, args.repeats, args.precision)}
        got["f1_points_behind"] = round(100 * (got["teacher"]["micro_f1"] - got["student"]["micro_f1"]), 2)
        got["speedup"] = round(got["student"]["sentences_per_s"] / got["teacher"]["sentences_per_s"], 2)
        got["sentences"] = len(test)
        results[recipe_name] = got
        log.info("%s: %s", recipe_name, got)
    write_json(args.json, {"benchmark": "distill", "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                           "machine": machine(), "threads": torch.get_num_threads(), "results": results,
                           "target": {"f1_points_behind": 0.5, "speedup": 4.0}}, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
