"""GPU check, one short run on a machine with a CUDA device: fine-tune a quick Matscholar NER model on the GPU, tag
the same papers on the GPU and on the CPU, extract records on the GPU, and print the figures.

    .venv/bin/python scripts/gpu_check.py [--out gpu.json] [--epochs 2] [--papers 50]

``--device cpu --epochs 0.02 --papers 3`` runs the same steps on a machine without a GPU (a dry run of the script).

Figures (JSON at ``--out``): training seconds and test micro-F1 of the model (``metrics.json`` of ``ner train``),
sentences/s of the tagger on the GPU (fp32 and bf16) and on the CPU over the sentences of ``--papers`` SOFC-Exp and
MuLMS texts, with the share of documents whose entities agree across devices, and the wall time of ``matnlp
extract --device cuda`` on those papers.
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

from matnlp.config import data_dir
from matnlp.eval.bench import machine, write_json
from matnlp.ingest import read_file

log = logging.getLogger("gpu_check")


def papers(data: Path, n: int) -> list[Path]:
    """The first ``n`` of the SOFC-Exp texts followed by the MuLMS texts."""
    found = sorted((data / "sofc_exp_texts" / "texts").glob("*.txt")) + sorted((data / "mulms" / "texts").glob("*.txt"))
    return found[:n]


def train(data: Path, out: Path, epochs: float, device: str) -> dict:
    """``matnlp ner train`` of the quick recipe's MiniLM member on ``device``; its metrics.json."""
    ner = data / "matscholar_ner"
    cmd = [sys.executable, "-m", "matnlp", "ner", "train", "--train", str(ner / "train.txt"), "--dev",
           str(ner / "dev.txt"), "--test", str(ner / "test.txt"), "-o", str(out), "--crf", "--head-lr-mult", "20",
           "--lr", "2e-4", "--warmup", "0.06", "--epochs", str(epochs), "--patience", "0", "--device", device,
           "--no-progress"]
    subprocess.run(cmd, check=True)
    return json.loads((out / "metrics.json").read_text())


def throughput(model: Path, paths: list[Path], device: str, precision: str) -> tuple[dict, list]:
    """Sentences/s of tagging every sentence of ``paths`` (model loaded and warmed up first) and the entities."""
    from matnlp.ner import load

    docs = [d for p in paths for d in read_file(p) if not isinstance(d, Exception)]
    tagger = load(model, device=device, precision=precision)
    tagger.tag_sentences([docs[0].text], [docs[0].sentences[:8]])
    if device == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    entities = tagger.tag_sentences([d.text for d in docs], [d.sentences for d in docs])
    if device == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    n = sum(len(d.sentences) for d in docs)
    found = [{(e.start, e.end, e.label) for e in es} for es in entities]
    return {"device": device, "precision": precision, "sentences": n, "seconds": round(seconds, 2),
            "sentences_per_s": round(n / seconds, 1)}, found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=data_dir())
    ap.add_argument("--out", type=Path, default=Path("bench/gpu.json"))
    ap.add_argument("--epochs", type=float, default=2.0)
    ap.add_argument("--papers", type=int, default=50)
    ap.add_argument("--device", choices=("cuda", "cpu"), default="cuda")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    if args.device == "cuda" and not torch.cuda.is_available():
        sys.exit("gpu_check: no CUDA device (torch.cuda.is_available() is False)")
    result = {"machine": machine(), "gpu": torch.cuda.get_device_name(0) if args.device == "cuda" else None}
    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "ner-gpu"
        metrics = train(args.data, model, args.epochs, args.device)
        result["train"] = {"epochs": args.epochs, "seconds": metrics.get("train_seconds"),
                           "test": metrics.get("test"), "dev": metrics.get("dev")}
        paths = papers(args.data, args.papers)
        runs, found = [], {}
        for device, precision in dict.fromkeys(((args.device, "fp32"), (args.device, "bf16"), ("cpu", "fp32"))):
            run, found[device, precision] = throughput(model, paths, device, precision)
            runs.append(run)
            log.info("%s", run)
        same = sum(a == b for a, b in zip(found[args.device, "fp32"], found["cpu", "fp32"]))
        result["tagging"] = runs
        result["documents_agreeing_with_cpu"] = round(same / max(len(found["cpu", "fp32"]), 1), 4)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "matnlp", "extract", *map(str, paths), "-o", str(Path(tmp) / "out"),
                        "--ner", str(model), "--device", args.device, "--workers", "1"], check=True)
        manifest = json.loads((Path(tmp) / "out" / "manifest.json").read_text())
        result["extract"] = {"papers": len(paths), "records": manifest["records"], "errors": manifest["errors"],
                             "seconds": round(time.perf_counter() - start, 1)}
    print(json.dumps(result, indent=1))
    write_json(args.out, result, indent=1)


if __name__ == "__main__":
    main()
