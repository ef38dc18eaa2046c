"""Benchmark: CPU kernels for the NER encoder — torch fp32 / bf16 / int8 against ONNX Runtime fp32 / int8.

    .venv/bin/python scripts/bench_kernels.py [--model models/ner-matscholar] [--json bench/kernels.json]

The BERT member of a Matscholar model (the first member with a tokenizer), loaded as matnlp's own tagger (its
windows, batching by length, width padding and CRF decoding), tags the Matscholar test sentences; only the encoder's
forward pass changes between kernels: torch at each precision, or an ONNX Runtime session of the same model put in
its place. Per kernel: sentences/s (the second of two passes), strict IOB2 micro-F1, and the share of words tagged
as with torch fp32. int8 quantizes the same linear layers in both engines (:func:`matnlp.ner.predict.int8_layers`:
not those that narrow their input). ONNX export needs the ``onnx`` package (``make bench-kernels`` installs it);
ONNX Runtime runs with as many threads as torch.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import torch

from matnlp.config import data_dir
from matnlp.eval.bench import machine, write_json
from matnlp.ner import load
from matnlp.ner.data import read_conll
from matnlp.ner.evaluate import score
from matnlp.ner.modeldir import member_dirs, read_meta
from matnlp.ner.predict import int8_layers

log = logging.getLogger("bench_kernels")


def bert_member(model_dir: Path) -> Path:
    """The first member directory of ``model_dir`` (or the directory itself) that holds a tokenizer."""
    for d in member_dirs(model_dir, read_meta(model_dir)):
        if (d / "tokenizer.json").exists() or (d / "tokenizer_config.json").exists():
            return d
    raise SystemExit(f"{model_dir}: no BERT member with a tokenizer")


class OnnxEncoder(torch.nn.Module):
    """An ONNX Runtime session standing in for a token-classification model (``model(input_ids=…,
    attention_mask=…).logits``)."""

    def __init__(self, path: Path, config):
        import onnxruntime as ort

        super().__init__()
        options = ort.SessionOptions()
        options.intra_op_num_threads = torch.get_num_threads()
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.config = config

    def forward(self, input_ids, attention_mask):
        feed = {"input_ids": input_ids.numpy(), "attention_mask": attention_mask.numpy()}
        return SimpleNamespace(logits=torch.from_numpy(self.session.run(None, feed)[0]))


def export(model, path: Path, quantized: bool) -> Path:
    """``model`` as ONNX at ``path``; int8: its :func:`int8_layers` MatMuls dynamically quantized (a new file)."""
    ids = torch.ones((1, 8), dtype=torch.long)
    torch.onnx.export(model, (ids, torch.ones_like(ids)), str(path), input_names=["input_ids", "attention_mask"],
                      output_names=["logits"], opset_version=17, dynamo=False,
                      dynamic_axes={n: {0: "batch", 1: "pieces"} for n in ("input_ids", "attention_mask", "logits")})
    if not quantized:
        return path
    from onnxruntime.quantization import QuantType, quantize_dynamic

    spared = [f"/{name.replace('.', '/')}/MatMul" for name, module in model.named_modules()
              if isinstance(module, torch.nn.Linear) and name not in int8_layers(model)]
    out = path.with_name(path.stem + "-int8.onnx")
    quantize_dynamic(str(path), str(out), weight_type=QuantType.QInt8, nodes_to_exclude=spared)
    return out


def tagger_for(member: Path, kernel: str, work: Path):
    """matnlp's tagger of ``member`` running ``kernel`` (``torch-fp32|bf16|int8``, ``onnxruntime-fp32|int8``)."""
    engine, precision = kernel.split("-")
    if engine == "torch":
        return load(member, device="cpu", precision=precision)
    tagger = load(member, device="cpu", precision="fp32")
    encoder = tagger.encoders[0]
    model = encoder.models[0]
    encoder.models = [OnnxEncoder(export(model, work / "model.onnx", precision == "int8"), model.config)]
    return tagger


def measure(tagger, words: list[list[str]], batch_size: int) -> tuple[float, list[list[str]]]:
    """Seconds of the second pass (the first warms up) and its tags."""
    tagger.tag_words(words, batch_size)
    t0 = time.perf_counter()
    tagged = tagger.tag_words(words, batch_size)
    return time.perf_counter() - t0, [tags for tags, _ in tagged]


KERNELS = ("torch-fp32", "torch-bf16", "torch-int8", "onnxruntime-fp32", "onnxruntime-int8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=Path("models/ner-matscholar"))
    ap.add_argument("--data", type=Path, default=data_dir() / "matscholar_ner" / "test.txt")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--json", type=Path, default=Path("bench/kernels.json"))
    ap.add_argument("--work", type=Path, default=Path("bench/onnx"), help="where the exported ONNX files go")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    member = bert_member(args.model)
    examples = read_conll(args.data)
    words, gold = [list(e.words) for e in examples], [list(e.tags) for e in examples]
    args.work.mkdir(parents=True, exist_ok=True)
    results, reference = {}, None
    for kernel in KERNELS:
        seconds, pred = measure(tagger_for(member, kernel, args.work), words, args.batch_size)
        reference = reference or pred
        same = np.mean([p == r for ps, rs in zip(pred, reference) for p, r in zip(ps, rs)])
        results[kernel] = {"sentences_per_s": round(len(words) / seconds, 1), "seconds": round(seconds, 2),
                           "micro_f1": round(score(gold, pred)["micro"]["f1"], 4),
                           "tags_equal_to_torch_fp32": round(float(same), 4)}
        log.info("%-17s %s", kernel, results[kernel])
    fastest = max(results, key=lambda k: results[k]["sentences_per_s"])
    write_json(args.json, {"machine": machine(), "model": str(member), "sentences": len(words),
                           "threads": torch.get_num_threads(), "kernels": results, "fastest": fastest})
    log.info("fastest: %s; wrote %s", fastest, args.json)


if __name__ == "__main__":
    main()
