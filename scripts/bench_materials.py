"""Materials benchmark: Kononova formula parsing (plain and decorated), SOFC abbreviations and NERRE materials recall/precision, as defined in
:mod:`matnlp.eval.materials`; prints the figures and writes them to a JSON file."""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from matnlp.config import data_dir
from matnlp.eval.bench import write_json
from matnlp.eval.materials import decorated_formulas, hard_cases, kononova_strings, nerre_materials, sofc_abbreviations

log = logging.getLogger("bench_materials")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=data_dir())
    parser.add_argument("--json", "--out", dest="out", type=Path, default=Path("bench/materials.json"))
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
        "decorated_formulas": decorated_formulas(args.data / "synthesis_recipes", args.limit),
        "sofc_abbreviations": sofc_abbreviations(args.data / "sofc_exp_texts"),
        "hard_cases": hard_cases(),
        "nerre_general": nerre_materials(
            args.data / "nerre_general_mof" / "general_materials_information_annotations.jsonl", args.limit, tagger
        ),
        "ner_model": str(args.ner) if args.ner else None,
    }
    write_json(args.out, results, indent=1)
    log.info("%s", json.dumps({k: v for k, v in results["kononova"].items() if k != "failure_examples"}, indent=1,
                              ensure_ascii=False))
    log.info("decorated plain formulas: %.4f of %d", results["decorated_formulas"]["share"],
             results["decorated_formulas"]["strings"])
    log.info("SOFC abbreviations: %s", json.dumps({k: v for k, v in results["sofc_abbreviations"].items()
                                                   if k != "examples"}, ensure_ascii=False))
    log.info("hard cases: %d/%d", results["hard_cases"]["correct"], results["hard_cases"]["n"])
    log.info("nerre general: %s", json.dumps(results["nerre_general"]))


if __name__ == "__main__":
    main()
