"""Benchmark: ingest speed and peak memory on the SOFC-Exp texts, against ChemDataExtractor's bare segmentation.

Each contender runs in its own fresh process (so peak RSS is its own) over the same files, in the same run:

- ``cde_segmentation``: chemdataextractor ``Document(text)`` → sentences → tokens (no normalization, no metadata);
- ``matnlp_read``: our ``read_file`` (sniff + read + normalize + tokenize), one process;
- ``matnlp_corpus``: the whole ``matnlp ingest`` (also mat2vec processing, dedup, shard/sentences writing), one
  process and ``--workers 2``.

The figure is the ratio of documents/s to the bare segmentation (target ≥ 0.8 for ``matnlp_read``).
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from matnlp.config import data_dir
from matnlp.eval.bench import machine, write_json

log = logging.getLogger("bench_ingest")


def _cde(files: list[Path]) -> tuple[int, int]:
    from chemdataextractor import Document

    tokens = 0
    for path in files:
        doc = Document(path.read_text(encoding="utf-8"))
        tokens += sum(len(s.tokens) for s in doc.sentences)
    return len(files), tokens


def _matnlp_read(files: list[Path]) -> tuple[int, int]:
    from matnlp.ingest import read_file

    docs = tokens = 0
    for path in files:
        for doc in read_file(path):
            docs += 1
            tokens += sum(len(s.tokens) for s in doc.sentences)
    return docs, tokens


def _matnlp_corpus(files: list[Path], workers: int) -> tuple[int, int]:
    from matnlp.corpus import ingest

    with tempfile.TemporaryDirectory() as out:
        manifest = ingest(files, out, workers=workers, progress=False)
    return manifest["documents"], manifest["tokens"]


def _child(name: str, files: list[Path], workers: int, queue: mp.Queue) -> None:
    start = time.perf_counter()
    if name == "cde_segmentation":
        docs, tokens = _cde(files)
    elif name == "matnlp_read":
        docs, tokens = _matnlp_read(files)
    else:
        docs, tokens = _matnlp_corpus(files, workers)
    seconds = time.perf_counter() - start
    peak_kib = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    queue.put({"documents": docs, "tokens": tokens, "seconds": round(seconds, 3),
               "docs_per_s": round(docs / seconds, 3), "tokens_per_s": round(tokens / seconds, 1),
               "peak_rss_mib": round(peak_kib / 1024, 1), "workers": workers})


def measure(name: str, files: list[Path], workers: int = 1) -> dict:
    """Run one contender in a fresh process and return its figures."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(name, files, workers, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=Path, default=data_dir() / "sofc_exp_texts" / "texts")
    parser.add_argument("--json", type=Path, default=Path("bench/ingest.json"))
    parser.add_argument("--repeat", type=int, default=1, help="repeat the contenders and keep the best time")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    files = sorted(args.inputs.glob("*.txt"))
    if not files:
        log.error("no .txt files in %s", args.inputs)
        return 2
    contenders = [("cde_segmentation", 1), ("matnlp_read", 1), ("matnlp_corpus", 1), ("matnlp_corpus", 2)]
    results = {}
    for name, workers in contenders:
        key = name if workers == 1 else f"{name}_workers{workers}"
        runs = [measure(name, files, workers) for _ in range(args.repeat)]
        results[key] = min(runs, key=lambda r: r["seconds"])
        log.info("%-28s %s", key, results[key])
    base = results["cde_segmentation"]["docs_per_s"]
    ratios = {k: round(v["docs_per_s"] / base, 3) for k, v in results.items() if k != "cde_segmentation"}
    report = {
        "benchmark": "ingest",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "inputs": str(args.inputs),
        "files": len(files),
        "results": results,
        "ratio_vs_cde_segmentation": ratios,
        "target": {"matnlp_read": 0.8},
    }
    for key, ratio in ratios.items():
        log.info("ratio %-28s %.3f× bare segmentation", key, ratio)
    write_json(args.json, report, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
