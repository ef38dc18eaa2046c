"""Reliability and security figures: fuzzing, SIGKILL/resume trials, hostile files, memory while streaming.

Prints and writes JSON: inputs fuzzed per component and the failures found (:mod:`matnlp.eval.fuzz`), kill/resume
trials of ``matnlp extract`` and ``matnlp ingest`` (killed at a random moment, then resumed/rerun: identical to an
uninterrupted run?), concurrent-run trials (a second run into the folder of a running one: refused, and the first
one's output identical to a solo run?), hostile files tried and neutralized (external entities, entity expansion,
XInclude, remote DTDs/scripts, gzip bomb, slow PDF, path-like ids, pickled models), and the peak traced memory of
ingesting N vs 10 N small documents. The trials are :mod:`matnlp.eval.reliability`;
``tests/test_reliability.py`` runs them on a small budget.

    python scripts/bench_reliability.py --examples 1000 --trials 6 --json bench/reliability.json
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from pathlib import Path

from matnlp.eval.bench import write_json
from matnlp.eval.fuzz import TARGETS, fuzz
from matnlp.eval.reliability import concurrent_trials, hostile_trials, id_trials, ingest_peak, kill_trials

log = logging.getLogger("bench_reliability")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=1000, help="fuzz inputs per component (records: a tenth)")
    parser.add_argument("--trials", type=int, default=6,
                        help="SIGKILL trials and concurrent-run trials per command")
    parser.add_argument("--docs", type=int, default=200, help="memory: ingest N and 10 N documents")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("matnlp").setLevel(logging.ERROR)
    results: dict = {"fuzz": {}, "kill_resume": {}, "concurrent": {}, "hostile": {}}
    for name in TARGETS:
        n = max(1, args.examples // 10) if name == "records" else args.examples
        outcome = fuzz(name, n, hang=60)
        results["fuzz"][name] = {"inputs": outcome["inputs"], "failures": len(outcome["failures"]),
                                 "seconds": outcome["seconds"], "details": outcome["failures"]}
        log.info("fuzz %-11s %6d inputs %3d failures %7.1f s", name, outcome["inputs"], len(outcome["failures"]),
                 outcome["seconds"])
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for kind in ("extract", "ingest"):
            results["kill_resume"][kind] = kill_trials(kind, args.trials, args.seed, root / kind)
            r = results["kill_resume"][kind]
            log.info("kill %-8s %d trials, %d killed mid-run, %d identical to an uninterrupted run (run %.1f s)",
                     kind, r["trials"], r["killed"], r["identical"], r["run_seconds"])
        for kind in ("extract", "ingest"):
            results["concurrent"][kind] = concurrent_trials(kind, args.trials, args.seed, root / f"concurrent-{kind}")
            r = results["concurrent"][kind]
            log.info("concurrent %-8s %d trials (%d overlapping): second run refused %d, first run identical to a "
                     "solo run %d (run %.1f s)", kind, r["trials"], r["overlapped"], r["refused"], r["identical"],
                     r["run_seconds"])
        results["hostile"]["files"] = hostile_trials(root / "hostile")
        results["hostile"]["ids"] = id_trials(root / "idtrial")
        for name, r in results["hostile"]["files"].items():
            log.info("hostile %-24s %-11s %s", name, "neutralized" if r["neutralized"] else "NOT SAFE", r["outcome"])
        log.info("ids     %s", results["hostile"]["ids"])
        small, large = ingest_peak(root, args.docs), ingest_peak(root, 10 * args.docs)
    results["memory"] = {"docs": [args.docs, 10 * args.docs], "peak_mib": [round(small / 2**20, 2),
                                                                           round(large / 2**20, 2)]}
    log.info("memory  ingest peak %.1f MiB for %d docs, %.1f MiB for %d docs", small / 2**20, args.docs,
             large / 2**20, 10 * args.docs)
    files = results["hostile"]["files"]
    results["summary"] = {
        "inputs_fuzzed": {k: v["inputs"] for k, v in results["fuzz"].items()},
        "fuzz_failures": sum(v["failures"] for v in results["fuzz"].values()),
        "kill_trials": {k: f"{v['identical']}/{v['trials']} identical ({v['killed']} killed mid-run)"
                        for k, v in results["kill_resume"].items()},
        "concurrent_trials": {k: f"{v['refused']}/{v['trials']} second runs refused, {v['identical']}/{v['trials']} "
                                 f"first runs identical to a solo run ({v['overlapped']} overlapping)"
                              for k, v in results["concurrent"].items()},
        "hostile_files": f"{sum(r['neutralized'] for r in files.values())}/{len(files)} neutralized",
    }
    log.info("summary %s", json.dumps(results["summary"]))
    if args.json:
        write_json(args.json, results, indent=1)
    ok = (not results["summary"]["fuzz_failures"] and all(r["neutralized"] for r in files.values())
          and all(v["identical"] == v["trials"] for v in results["kill_resume"].values())
          and all(v["identical"] == v["refused"] == v["trials"] for v in results["concurrent"].values()))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
