"""Synthesis benchmark: operation typing on held-out Kononova DOIs, and on the MSPT test splits (gold .ann) the
lexicon operation finder's span F1, condition attachment F1 and material role accuracy.

    .venv/bin/python scripts/bench_synthesis.py [--json bench/synthesis.json] [--ner MODEL_DIR] [--splits ner-test ...]

With ``--ner`` the entities come from ``matnlp.ner.load(MODEL_DIR)`` instead of the gold spans (only ``ner-test``
is unseen by an NER model trained on ``ner-train``; ``sfex-test`` lies inside ``ner-train``). The scorers are
:mod:`matnlp.eval.synthesis`.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path

from matnlp.config import data_dir
from matnlp.eval.bench import write_json
from matnlp.eval.synthesis import score_split, typing_accuracy

log = logging.getLogger("bench_synthesis")


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=data_dir())
    ap.add_argument("--json", type=Path, help="write the results here")
    ap.add_argument("--ner", type=Path, help="NER model directory (matnlp.ner.load); default: gold entity spans")
    ap.add_argument("--splits", nargs="+", default=["ner-test", "sfex-test"])
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    tagger = None
    if args.ner:
        from matnlp import ner

        tagger = ner.load(args.ner)
    t0 = time.perf_counter()
    results: dict = {"entities": f"ner:{args.ner}" if args.ner else "gold", "mspt": {}}
    for split in args.splits:
        results["mspt"][split] = score_split(split, args.data / "mspt", tagger)
    results["typing_heldout_doi"] = typing_accuracy(args.data / "synthesis_recipes")
    results["seconds"] = round(time.perf_counter() - t0, 1)
    log.info(json.dumps(results, indent=1))
    if args.json:
        write_json(args.json, results, indent=1)
    return results


if __name__ == "__main__":
    main()
