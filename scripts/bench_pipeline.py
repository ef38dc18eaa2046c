"""Benchmark: end-to-end ``matnlp extract`` throughput and peak memory; local vs Dask engines, 1 vs 2 workers; the
shipped models against baseline models (``--baseline-ner``, ``--baseline-synthesis-model``) in the same run.

Each configuration runs ``matnlp extract`` as a subprocess on the same inputs (default: SOFC-Exp + MSPT + MuLMS
texts); peak memory is the largest summed RSS of its process tree, sampled every 0.2 s. Records of every run are
compared with the first run (ignoring the provenance timestamp); the baseline's records with the models' run of the
same configuration: entity micro-F1 of one against the other, and the materials, properties and steps of each.

    python scripts/bench_pipeline.py --ner models/ner-matscholar --synthesis-model models/ner-mspt \\
        --baseline-ner models/ner-matscholar-teacher --baseline-synthesis-model models/ner-mspt-teacher \\
        --json bench/pipeline.json
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import psutil

from matnlp.config import data_dir
from matnlp.eval.bench import machine, write_json
from matnlp.runtime import PRECISIONS

log = logging.getLogger("bench_pipeline")


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def measure(cmd: list[str]) -> dict:
    """Wall time and peak process-tree RSS of one command."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd)
    watched = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss(watched))
        time.sleep(0.2)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)} exited with {proc.returncode}")
    return {"seconds": round(seconds, 2), "peak_rss_mib": round(peak / 2**20, 1)}


def records(out: Path) -> list[dict]:
    result = []
    for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        record["provenance"].pop("created")
        result.append(record)
    return sorted(result, key=lambda r: (r["source"]["path"], r["source"]["record"] or 0))


def agreement(got: list[dict], reference: list[dict]) -> dict:
    """Entity micro-F1 of ``got`` against ``reference`` (same document, offsets and label), and the number of
    entities, materials, properties and steps of each."""
    def entities(records):
        return {(r["source"]["path"], r["source"]["record"], e["start"], e["end"], e["label"])
                for r in records for e in r["entities"]}

    a, b = entities(got), entities(reference)
    both = len(a & b)
    counts = {part: [sum(len(r[part]) for r in rs) for rs in (got, reference)]
              for part in ("entities", "materials", "properties", "synthesis")}
    return {"entity_f1": round(2 * both / (len(a) + len(b)), 4) if a or b else 1.0, "counts": counts}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    d = data_dir()
    parser.add_argument("--inputs", nargs="+", type=Path,
                        default=[d / "sofc_exp_texts" / "texts", d / "mspt" / "data", d / "mulms" / "texts"])
    parser.add_argument("--ner", type=Path, help="Matscholar NER model dir")
    parser.add_argument("--synthesis-model", type=Path, help="MSPT NER model dir")
    parser.add_argument("--precision", choices=PRECISIONS, default="auto")
    parser.add_argument("--shard-size", type=int, default=8)
    parser.add_argument("--configs", default="local:1,local:2,dask:1,dask:2",
                        help="engine:workers pairs to run, comma-separated")
    parser.add_argument("--baseline-ner", type=Path, help="Matscholar NER model dir of the baseline")
    parser.add_argument("--baseline-synthesis-model", type=Path, help="MSPT NER model dir of the baseline")
    parser.add_argument("--baseline-configs", default="local:1",
                        help="engine:workers pairs the baseline runs, comma-separated")
    parser.add_argument("--json", type=Path, default=Path("bench/pipeline.json"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    def command(ner: Path | None, synthesis: Path | None) -> list[str]:
        cmd = [sys.executable, "-m", "matnlp", "-q", "extract", *map(str, args.inputs), "--include", "*.txt",
               "--exclude", "*.ann", "--shard-size", str(args.shard_size), "--precision", args.precision]
        for flag, value in (("--ner", ner), ("--synthesis-model", synthesis)):
            if value:
                cmd += [flag, str(value)]
        return cmd

    runs = [("", c, command(args.ner, args.synthesis_model)) for c in args.configs.split(",")]
    if args.baseline_ner or args.baseline_synthesis_model:
        runs += [("baseline ", c, command(args.baseline_ner, args.baseline_synthesis_model))
                 for c in args.baseline_configs.split(",")]
    results: dict[str, dict] = {}
    outputs: dict[str, list[dict]] = {}
    first: dict[str, list[dict]] = {}  # the first run of each model set
    with tempfile.TemporaryDirectory() as tmp:
        for models, config, cmd in runs:
            engine, workers = config.split(":")
            name = models + config
            out = Path(tmp) / name.replace(":", "-").replace(" ", "-")
            figures = measure([*cmd, "-o", str(out), "--engine", engine, "--workers", workers])
            manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
            got = outputs[name] = records(out)
            figures.update(documents=manifest["inputs"], records=manifest["records"], errors=manifest["errors"],
                           docs_per_s=round(manifest["inputs"] / figures["seconds"], 3),
                           identical_to_first=got == first.setdefault(models, got))
            if models and config in outputs:
                figures["agreement"] = agreement(outputs[config], got)
            results[name] = figures
            log.info("%-17s %s", name, figures)

    def speedup(a: str, b: str) -> float | None:
        return round(results[a]["seconds"] / results[b]["seconds"], 3) if a in results and b in results else None

    report = {
        "benchmark": "pipeline",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "inputs": [str(p) for p in args.inputs],
        "models": {"ner": str(args.ner) if args.ner else None,
                   "synthesis": str(args.synthesis_model) if args.synthesis_model else None, "precision": args.precision,
                   "baseline_ner": str(args.baseline_ner) if args.baseline_ner else None,
                   "baseline_synthesis": str(args.baseline_synthesis_model) if args.baseline_synthesis_model else None},
        "results": results,
        "speedup_vs_baseline": {c: speedup(f"baseline {c}", c) for c in args.baseline_configs.split(",")
                                if f"baseline {c}" in results},
        "speedup_local_2_vs_1": speedup("local:1", "local:2"),
        "speedup_dask_2_vs_1": speedup("dask:1", "dask:2"),
        "target": {"speedup_dask_2_vs_1": 1.7, "speedup_vs_baseline": 3.0, "peak_rss_mib_local_2": 3072},
    }
    log.info("speed-up local 2/1: %s, dask 2/1: %s", report["speedup_local_2_vs_1"], report["speedup_dask_2_vs_1"])
    write_json(args.json, report, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
