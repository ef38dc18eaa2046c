"""NER benchmark: the Matscholar and MSPT models ``make ner PROFILE=full`` ships (test F1 once, after dev selection)
and inference throughput.

Each model is an ensemble of runs: BERT fine-tunes and word-level BiLSTM-CRFs over the Word2vec vectors
(``--embeddings``); every member and the ensemble are reported.

    python scripts/bench_ner.py --json bench/ner.json --embeddings models/w2v        # everything (long)
    python scripts/bench_ner.py --only throughput --model bench/models/ner-matscholar-runs/mpnet-s42

Throughput compares ``matnlp.ner`` tagging (each precision) with ``transformers.pipeline("token-classification")``
on the same model and the same Matscholar test sentences (each mode in a fresh process, so peak RSS is per mode).
``matnlp`` is the default (``precision="auto"``: bf16 autocast on AMX CPUs and GPUs); ``pipeline_bf16`` runs the HF
pipeline in bf16 too, so the gain from the precision alone is visible.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from matnlp.config import data_dir
from matnlp.eval.bench import machine, peak_rss_mib, write_json

log = logging.getLogger("bench_ner")

MODES = ("pipeline", "pipeline_batched", "pipeline_bf16", "matnlp_fp32", "matnlp", "matnlp_bf16", "matnlp_int8")


def train_task(name: str, train_spec, dev_spec, test_spec, out: Path, args, **overrides) -> dict:
    """Fine-tune on ``train_spec``, select on dev, score test once; returns the metrics summary."""
    from matnlp.ner.data import load_examples
    from matnlp.ner.train import TrainSettings, train

    train_ex = load_examples(train_spec)[: args.limit]
    dev_ex, test_ex = load_examples(dev_spec), load_examples(test_spec)
    settings = TrainSettings(**{
        **dict(base=args.base, epochs=args.epochs, lr=args.lr, batch_size=args.batch_size, crf=args.crf,
               head_lr_mult=args.head_lr_mult, label_smoothing=args.label_smoothing, patience=args.patience,
               warmup=args.warmup, seed=args.seed, device=args.device, **_window(args.context)),
        **overrides,
    })
    return _summary(name, out, settings, train_ex, train(train_ex, dev_ex, out, settings, test_examples=test_ex))


def _summary(name: str, out: Path, settings, train_ex: list, metrics: dict) -> dict:
    return {
        "task": name,
        "model_dir": str(out),
        "settings": {k: v for k, v in vars(settings).items() if k != "progress"},
        "train_sentences": len(train_ex),
        "train_seconds": metrics["train_seconds"],
        "epochs_run": len(metrics["dev_history"]),
        **_scores(metrics),
    }


def lstm_task(name: str, train_spec, dev_spec, test_spec, out: Path, args, **overrides) -> dict:
    """Train a word-level BiLSTM-CRF over ``args.embeddings``, select on dev, score test once."""
    from matnlp.ner.data import load_examples
    from matnlp.ner.train_lstm import LSTMSettings, train_lstm

    train_ex = load_examples(train_spec)[: args.limit]
    dev_ex, test_ex = load_examples(dev_spec), load_examples(test_spec)
    settings = LSTMSettings(**{**dict(embeddings=args.embeddings, device=args.device), **overrides})
    return _summary(name, out, settings, train_ex, train_lstm(train_ex, dev_ex, out, settings, test_examples=test_ex))


def _window(context: int) -> dict:
    """Settings for ``context`` pieces of document context per side around a 128-piece sentence window."""
    return {"context": context, "max_length": 128 + 2 * context}


def _scores(metrics: dict) -> dict:
    """The dev micro-F1 and test figures of a model's metrics."""
    return {
        "dev_micro_f1": metrics["dev"]["micro"]["f1"],
        "test": {k: metrics["test"][k] for k in ("micro", "macro", "confusion")},
        "test_per_label_f1": {k: round(v["f1"], 4) for k, v in metrics["test"]["labels"].items()},
    }


def ensemble_task(name: str, data: tuple, out: Path, runs: list[tuple[str, float, int]], args, bert: dict,
                  **common) -> dict:
    """One model per (base, lr, seed) run (base ``lstm``: a BiLSTM-CRF), then their ensemble (the model
    ``make ner PROFILE=full`` ships), scored on test; ``bert`` adds settings of the BERT runs only."""
    from matnlp.ner.data import load_examples
    from matnlp.ner.ensemble import build, score

    members = []
    for base, lr, seed in runs:
        task = [name, *data, out / f"ner-{name}-runs" / f"{Path(base).name}-s{seed}", args]
        if base == "lstm":
            members.append(lstm_task(*task, **common, seed=seed, lr=lr, epochs=args.lstm_epochs))
        else:
            members.append(train_task(*task, **common, **bert, base=base, seed=seed, lr=lr))
    result = {"members": members}
    model = out / f"ner-{name}"
    if len(members) > 1:
        build([m["model_dir"] for m in members], model)
        metrics = score(model, load_examples(data[1]), load_examples(data[2]), args.device)
        result.update(model_dir=str(model), **_scores(metrics))
    else:
        result.update({k: members[0][k] for k in ("model_dir", "dev_micro_f1", "test", "test_per_label_f1")})
    return result


def _runs(specs: list[str], seeds: list[int]) -> list[tuple[str, float, int]]:
    """(base, lr, seed) for every ``BASE:LR`` spec and seed."""
    return [(spec.rsplit(":", 1)[0], float(spec.rsplit(":", 1)[1]), seed) for spec in specs for seed in seeds]


def _entity_f1(gold, pred) -> float:
    from matnlp.ner.evaluate import score

    return round(score(gold, pred)["micro"]["f1"], 4)


def run_mode(
    mode: str, model_dir: str, sentences: list[list[str]], docs: list[str], batch_size: int, threads: int
) -> dict:
    """Tag ``sentences`` with one inference mode; returns tags per word, seconds and peak RSS (MiB)."""
    import torch

    torch.set_num_threads(threads)
    precision = "bf16" if mode.endswith("bf16") else "fp32"
    if mode.startswith("pipeline"):
        batched = mode == "pipeline_batched"
        tags, seconds = _run_pipeline(model_dir, sentences, batch_size if batched else 1, mode.endswith("bf16"))
    else:
        from matnlp.ner import load

        precision = mode.split("_")[1] if "_" in mode else "auto"
        tagger = load(model_dir, device="cpu", precision=precision, batch_size=batch_size)
        tagger.tag_words(sentences[:8])  # warm-up
        start = time.perf_counter()
        tags = [t for t, _ in tagger.tag_words(sentences, docs=docs)]
        seconds = time.perf_counter() - start
        precision = tagger.precision
    return {"tags": tags, "seconds": seconds, "peak_rss_mib": peak_rss_mib(), "precision": precision}


def _run_pipeline(model_dir: str, sentences: list[list[str]], batch_size: int, bf16: bool):
    """HF pipeline on space-joined sentences; each word takes the label of the token starting at it (argmax)."""
    import torch
    from transformers import AutoModelForTokenClassification, AutoTokenizer, pipeline

    dtype = torch.bfloat16 if bf16 else torch.float32
    model = AutoModelForTokenClassification.from_pretrained(model_dir, dtype=dtype, local_files_only=True)
    tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    pipe = pipeline("token-classification", model=model, tokenizer=tokenizer, device="cpu", aggregation_strategy="none")
    texts, starts = [], []
    for words in sentences:
        pos, offs = 0, []
        for w in words:
            offs.append(pos)
            pos += len(w) + 1
        texts.append(" ".join(words))
        starts.append(offs)
    pipe(texts[:8], batch_size=batch_size)  # warm-up
    start = time.perf_counter()
    outputs = pipe(texts, batch_size=batch_size)
    seconds = time.perf_counter() - start
    tags = []
    for offs, out in zip(starts, outputs):
        at = {o["start"]: o["entity"] for o in out}
        tags.append([at.get(s, "O") for s in offs])
    return tags, seconds


def throughput(model_dir: str, test_spec, args) -> dict:
    """Sentences/s, peak memory and micro-F1 of each inference mode on the same sentences."""
    from matnlp.ner.data import load_examples

    examples = load_examples(test_spec)[: args.throughput_limit]
    sentences, gold, docs = [e.words for e in examples], [e.tags for e in examples], [e.doc for e in examples]
    result = {"model_dir": model_dir, "sentences": len(sentences), "threads": args.threads, "modes": {}}
    for mode in MODES:
        with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
            run = pool.submit(run_mode, mode, model_dir, sentences, docs, args.infer_batch, args.threads).result()
        result["modes"][mode] = {
            "seconds": round(run["seconds"], 2),
            "sentences_per_s": round(len(sentences) / run["seconds"], 1),
            "micro_f1": _entity_f1(gold, run["tags"]),
            "peak_rss_mib": run["peak_rss_mib"],
            "precision": run["precision"],
        }
        log.info("%s: %s", mode, result["modes"][mode])
    base = result["modes"]["pipeline"]
    for mode in (m for m in MODES if m.startswith("matnlp")):
        m = result["modes"][mode]
        m["speedup_vs_pipeline"] = round(m["sentences_per_s"] / base["sentences_per_s"], 2)
        m["speedup_vs_pipeline_batched"] = round(
            m["sentences_per_s"] / result["modes"]["pipeline_batched"]["sentences_per_s"], 2
        )
        m["f1_delta_vs_fp32_points"] = round(100 * (m["micro_f1"] - result["modes"]["matnlp_fp32"]["micro_f1"]), 2)
    return result


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", choices=("matscholar", "mspt", "throughput"), action="append",
                   help="run only these parts (repeatable; default all)")
    p.add_argument("--out", default="models", help="where the trained model dirs go")
    p.add_argument("--model", help="throughput: an existing single Matscholar BERT model dir (default: the one "
                                   "trained here)")
    p.add_argument("--json", default="bench/ner.json")
    p.add_argument("--base", default="mpnet", help="Matscholar base: mpnet (default), minilm or a checkpoint dir")
    p.add_argument("--epochs", type=float, default=12)
    p.add_argument("--mspt-epochs", type=float, default=12)
    p.add_argument("--mspt-bases", nargs="+", default=["mpnet:1e-4", "lstm:1e-3"],
                   help="MSPT bases, each BASE:LR (a name or a checkpoint dir, and its learning rate; `lstm`: a "
                        "word-level BiLSTM-CRF over --embeddings)")
    p.add_argument("--embeddings", default="models/w2v", help="Word2vec model dir for the BiLSTM-CRF members")
    p.add_argument("--lstm-epochs", type=int, default=40, help="most epochs of a BiLSTM-CRF (patience 8 on dev)")
    p.add_argument("--lstm-seeds", type=int, nargs="*", default=[1],
                   help="Matscholar: BiLSTM-CRF seeds ensembled with the BERT model (none: the BERT model alone)")
    p.add_argument("--mspt-warmup", type=float, default=0.1)
    p.add_argument("--context", type=int, default=0,
                   help="Matscholar: word pieces of document context per side (the window grows to 128 + 2x)")
    p.add_argument("--mspt-context", type=int, default=0, help="MSPT: the same")
    p.add_argument("--mspt-seeds", type=int, nargs="+", default=[1, 2, 3],
                   help="one MSPT fine-tune per base and seed; with several, the reported model is their ensemble")
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--warmup", type=float, default=0.06)
    p.add_argument("--crf", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--head-lr-mult", type=float, default=20.0)
    p.add_argument("--label-smoothing", type=float, default=0.0)
    p.add_argument("--patience", type=int, default=4)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--device", default="auto")
    p.add_argument("--limit", type=int, help="first N training sentences only (smoke runs)")
    p.add_argument("--throughput-limit", type=int, help="first N test sentences for throughput")
    p.add_argument("--infer-batch", type=int, default=64)
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = p.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    parts = args.only or ["matscholar", "mspt", "throughput"]
    root, out = data_dir(), Path(args.out)
    ms, mspt = root / "matscholar_ner", root / "mspt" / "splits"
    results: dict = {"machine": machine(), "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    if "matscholar" in parts:
        runs = [(args.base, args.lr, args.seed)] + _runs(["lstm:1e-3"], args.lstm_seeds)
        results["matscholar"] = ensemble_task(
            "matscholar", (ms / "train.txt", ms / "dev.txt", ms / "test.txt"), out, runs, args, bert={},
            processing="mat2vec",
        )
    if "mspt" in parts:
        data = tuple(mspt / f"ner-{split}-fnames.txt" for split in ("train", "dev", "test"))
        bert = dict(epochs=args.mspt_epochs, warmup=args.mspt_warmup, patience=0, **_window(args.mspt_context))
        results["mspt"] = ensemble_task("mspt", data, out, _runs(args.mspt_bases, args.mspt_seeds), args, bert,
                                        processing="none", min_count=20)
        results["mspt"]["operation_f1"] = results["mspt"]["test_per_label_f1"].get("Operation")
    if "throughput" in parts:
        bert = results["matscholar"]["members"][0]["model_dir"] if "matscholar" in results else None
        results["throughput"] = throughput(args.model or bert or str(out / "ner-matscholar"), ms / "test.txt", args)
    print(json.dumps(results, indent=2))
    write_json(args.json, results, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
