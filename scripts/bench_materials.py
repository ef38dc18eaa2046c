"""Materials benchmark: Kononova formula parsing and NERRE materials recall/precision.

(a) Kononova solid-state + sol-gel ``material_string`` → gold ``composition``: the share we read to the same
composition, over unique strings. Gold amounts are expressions (``1-x``, ``0.1-0.1*x``, ``3 - del_O``); both sides
are compared at two test points of the variables (δ and ``del_O`` are 0), with tolerance 2e-3 (the gold rounds
1/3 to 0.333). A *plain formula* is a string of formula characters only (letters, digits, ``.`` and ``/`` between digits,
balanced brackets, hydrate dots) whose every letter run splits into element symbols (so not ``Y2O3powders``,
``RuO2(s)``, ``WO3(99``), and whose gold has no variables and no element variables. Also reported: all strings, and per category and failure reason.

(b) NERRE general materials abstracts: gold records' ``formula``/``name``/``acronym`` against the materials we
extract from the abstract (no NER unless ``--ner``). A gold record is found when one of its strings equals a
mention (normalized: lowercase, no spaces) or reads to the composition of an extracted material; an extracted
material is correct when it matches a gold record of the same abstract the same way.

Usage: ``python scripts/bench_materials.py [--data DIR] [--out results.json] [--limit N] [--ner MODEL_DIR]``

The scorers are :mod:`matnlp.eval.materials`.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from matnlp.config import data_dir
from matnlp.eval.bench import write_json
from matnlp.eval.materials import hard_cases, kononova_strings, nerre_materials

log = logging.getLogger("bench_materials")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=data_dir())
    parser.add_argument("--out", type=Path, default=Path("results/bench_materials.json"))
    parser.add_argument("--limit", type=int, default=None, help="first N strings / abstracts")
    parser.add_argument("--ner", type=Path, default=None, help="NER model directory (MAT entities)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    tagger = None
    if args.ner:
        from matnlp.ner import load

        tagger = load(args.ner)
    results = {
        "kononova": kononova_strings(args.data / "synthesis_recipes", args.limit),
        "hard_cases": hard_cases(),
        "nerre_general": nerre_materials(
            args.data / "nerre_general_mof" / "general_materials_information_annotations.jsonl", args.limit, tagger
        ),
        "ner_model": str(args.ner) if args.ner else None,
    }
    write_json(args.out, results, indent=1)
    log.info("%s", json.dumps({k: v for k, v in results["kononova"].items() if k != "failure_examples"}, indent=1,
                              ensure_ascii=False))
    log.info("hard cases: %d/%d", results["hard_cases"]["correct"], results["hard_cases"]["n"])
    log.info("nerre general: %s", json.dumps(results["nerre_general"]))


if __name__ == "__main__":
    main()
