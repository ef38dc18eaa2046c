"""Doping benchmark: host–dopant link-triplet F1 on the NERRE doping split (the metric of Dagdelen et al. 2024, see
:mod:`matnlp.eval.doping`) for the shipped model and the nearest-material baseline in the same run; prints the
figures and writes them to a JSON file."""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from matnlp.config import data_dir
from matnlp.eval.bench import write_json
from matnlp.eval.doping import nerre_doping

log = logging.getLogger("bench_doping")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=data_dir() / "nerre_doping")
    parser.add_argument("--split", default="test", choices=("train", "test"))
    parser.add_argument("--json", type=Path, default=Path("bench/doping.json"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    results = nerre_doping(args.split, args.data)
    results["reference"] = {"paper": "Dagdelen et al. 2024, fine-tuned LLaMA-2 doping-JSON", "link_triplets_f1": 0.821}
    write_json(args.json, results, indent=1)
    log.info("%s", json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
