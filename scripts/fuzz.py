"""Fuzzing of every stage, the command line: runs each target of :mod:`matnlp.eval.fuzz` (readers, normalizer,
tokenizer, formula/material parsers, quantities, properties, synthesis, ``runner.run``) for a budget of generated
inputs and reports every distinct failure. ``tests/test_reliability.py`` runs every target with a small budget.

    python scripts/fuzz.py --examples 2000 --json bench/fuzz.json
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from matnlp.eval.fuzz import TARGETS, fuzz

log = logging.getLogger("fuzz")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=500, help="inputs per target (records: a tenth)")
    parser.add_argument("--targets", nargs="+", choices=sorted(TARGETS), default=list(TARGETS))
    parser.add_argument("--hang", type=float, default=60.0, help="seconds before an input counts as a hang")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("matnlp").setLevel(logging.ERROR)
    results = {}
    for name in args.targets:
        n = max(1, args.examples // 10) if name == "records" else args.examples
        results[name] = fuzz(name, n, args.hang)
        log.info("%-11s %6d inputs  %3d failures  %7.1f s", name, results[name]["inputs"],
                 len(results[name]["failures"]), results[name]["seconds"])
        for failure in results[name]["failures"]:
            log.info("  %s\n    input: %s", failure["error"], failure["input"][:200])
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    return 1 if any(r["failures"] for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
