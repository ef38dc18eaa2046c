"""Benchmark: end-to-end ``matnlp extract`` throughput and peak memory; local vs Dask engines, 1 vs 2 workers.

Each configuration runs ``matnlp extract`` as a subprocess on the same inputs (default: SOFC-Exp + MSPT + MuLMS
texts); peak memory is the largest summed RSS of its process tree, sampled every 0.2 s. Records of every run are
compared with the local single-worker run (ignoring the provenance timestamp).

    python scripts/bench_pipeline.py --ner models/ner-matscholar --synthesis-model models/ner-mspt \\
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
    parser.add_argument("--json", type=Path, default=Path("bench/pipeline.json"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    base = [sys.executable, "-m", "matnlp", "-q", "extract", *map(str, args.inputs), "--include", "*.txt",
            "--exclude", "*.ann", "--shard-size", str(args.shard_size)]
    for flag, value in (("--ner", args.ner), ("--synthesis-model", args.synthesis_model)):
        if value:
            base += [flag, str(value)]
    base += ["--precision", args.precision]

    results: dict[str, dict] = {}
    reference = None
    with tempfile.TemporaryDirectory() as tmp:
        for config in args.configs.split(","):
            engine, workers = config.split(":")
            out = Path(tmp) / config.replace(":", "-")
            figures = measure([*base, "-o", str(out), "--engine", engine, "--workers", workers])
            manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
            got = records(out)
            reference = reference if reference is not None else got
            figures.update(documents=manifest["inputs"], records=manifest["records"], errors=manifest["errors"],
                           docs_per_s=round(manifest["inputs"] / figures["seconds"], 3),
                           identical_to_first=got == reference)
            results[config] = figures
            log.info("%-8s %s", config, figures)

    def speedup(a: str, b: str) -> float | None:
        return round(results[a]["seconds"] / results[b]["seconds"], 3) if a in results and b in results else None

    report = {
        "benchmark": "pipeline",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "inputs": [str(p) for p in args.inputs],
        "models": {"ner": str(args.ner) if args.ner else None,
                   "synthesis": str(args.synthesis_model) if args.synthesis_model else None, "precision": args.precision},
        "results": results,
        "speedup_local_2_vs_1": speedup("local:1", "local:2"),
        "speedup_dask_2_vs_1": speedup("dask:1", "dask:2"),
        "target": {"speedup_dask_2_vs_1": 1.7},
    }
    log.info("speed-up local 2/1: %s, dask 2/1: %s", report["speedup_local_2_vs_1"], report["speedup_dask_2_vs_1"])
    write_json(args.json, report, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
