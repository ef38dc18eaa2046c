"""Domain-adaptive masked-LM pretraining: continue training a base encoder on our own corpus before fine-tuning.

What MatSciBERT did from SciBERT, at the scale of a local corpus: the result is an ordinary Hugging Face checkpoint
dir, so ``matnlp ner train --base DIR`` fine-tunes it with no other change. The base loads with
``local_files_only``: nothing is ever downloaded.
"""

from __future__ import annotations

import json
import logging
import math
import random
import shutil
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from itertools import islice
from pathlib import Path

from ..errors import ConfigError, ModelError
from ..runtime import DEVICE_HELP, DEVICES, TRAIN_PRECISION_HELP, TRAIN_PRECISIONS, resolve_device, resolve_precision
from .bases import BASE_HELP, resolve_base
from .data import special_ids
from .training import training_arguments

log = logging.getLogger(__name__)

PRETRAIN_FILE = "matnlp_pretrain.json"
TEXTS = ("processed", "raw")


@dataclass
class PretrainSettings:
    """Masked-LM hyper-parameters (stored with the checkpoint in ``matnlp_pretrain.json``)."""

    base: str | None = field(default=None, metadata={"help": BASE_HELP})
    text: str = field(default="processed", metadata={
        "help": "corpus text to read: mat2vec-processed sentences (for Matscholar-style models) or raw",
        "choices": TEXTS})
    max_length: int = field(default=128, metadata={"help": "pieces per packed training chunk"})
    mlm_probability: float = field(default=0.15, metadata={"help": "share of the pieces masked"})
    epochs: float = field(default=1.0, metadata={"help": "passes over the corpus"})
    max_steps: int = field(default=-1, metadata={"help": "stop after this many steps (overrides --epochs)"})
    lr: float = field(default=1e-4, metadata={"help": "peak learning rate"})
    batch_size: int = field(default=32, metadata={"help": "chunks per batch"})
    warmup: float = field(default=0.06, metadata={"help": "warm-up steps (int) or ratio (<1)"})
    weight_decay: float = field(default=0.01, metadata={"help": "AdamW weight decay"})
    eval_chunks: int = field(default=400, metadata={
        "help": "held-out chunks scored before and after (at most a tenth of the corpus)"})
    seed: int = field(default=42, metadata={"help": "random seed"})
    limit: int | None = field(default=None, metadata={"help": "read only the first N lines"})
    device: str = field(default="auto", metadata={"help": DEVICE_HELP, "choices": DEVICES})
    precision: str = field(default="auto", metadata={"help": TRAIN_PRECISION_HELP, "choices": TRAIN_PRECISIONS})
    progress: bool = field(default=True, metadata={"help": "progress bar"})


def corpus_lines(source: str | Path, text: str = "processed") -> Iterator[str]:
    """Training text, one sentence (or passage) a line, in document order.

    ``source`` is a matnlp corpus dir (``processed``: its mat2vec-processed sentences, what Matscholar-style models
    read; ``raw``: the normalized sentences, what raw-text models such as MSPT read) or a plain text file with one
    passage a line.
    """
    from ..corpus import Corpus

    source = Path(source)
    if text not in TEXTS:
        raise ConfigError(f"text must be one of {TEXTS}, not {text!r}")
    if not source.is_file() and text == "raw":
        yield from (doc.text[s.start : s.end] for doc in Corpus(source) for s in doc.sentences)
        return
    path = source if source.is_file() else Corpus(source).sentences_path
    with path.open(encoding="utf-8") as lines:
        yield from (line.rstrip("\n") for line in lines if line.strip())


def pack(lines: Sequence[list[int]], budget: int) -> list[list[int]]:
    """Consecutive lines' piece ids packed into chunks of at most ``budget`` pieces (longer lines are cut)."""
    chunks: list[list[int]] = []
    current: list[int] = []
    for ids in lines:
        for k in range(0, len(ids), budget):
            piece = ids[k : k + budget]
            if current and len(current) + len(piece) > budget:
                chunks.append(current)
                current = []
            current = current + piece
    if current:
        chunks.append(current)
    return chunks


def _chunks(tokenizer, lines: list[str], max_length: int) -> list[dict]:
    cls_id, sep_id = special_ids(tokenizer)
    ids = tokenizer(lines, add_special_tokens=False, verbose=False)["input_ids"]
    return [{"input_ids": [cls_id, *c, sep_id]} for c in pack(ids, max_length - 2)]


def _load_mlm(base: str):
    from transformers import AutoModelForMaskedLM, AutoTokenizer

    path = Path(base)
    if not (path / "config.json").is_file():
        raise ModelError(f"{path}: not a local Hugging Face checkpoint directory (no config.json)")
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    if tokenizer.mask_token_id is None:
        raise ModelError(f"{path}: the tokenizer has no mask token; masked-LM pretraining needs one")
    model, info = AutoModelForMaskedLM.from_pretrained(path, local_files_only=True, output_loading_info=True)
    if info.get("missing_keys"):
        log.info("%s has no masked-LM head (%d weights); a fresh one is trained", path, len(info["missing_keys"]))
    return tokenizer, model


def pretrain(source: str | Path, out_dir: str | Path, settings: PretrainSettings, model=None, tokenizer=None) -> dict:
    """Continue masked-LM training of ``settings.base`` on ``source`` and save the checkpoint to ``out_dir``.

    Returns (and writes into ``matnlp_pretrain.json``) the held-out masked-LM loss before and after, so a run shows
    whether the encoder adapted. ``model``/``tokenizer`` override the base (tests build tiny models).
    """
    from transformers import DataCollatorForLanguageModeling, Trainer

    out_dir = Path(out_dir)
    device = resolve_device(settings.device)
    if settings.precision == "int8":
        raise ConfigError("int8 is an inference precision; pretrain with auto, fp32 or bf16")
    precision = resolve_precision(settings.precision, device)
    if model is None or tokenizer is None:
        settings = replace(settings, base=resolve_base(settings.base))
        tokenizer, model = _load_mlm(settings.base)
    lines = list(islice(corpus_lines(source, settings.text), settings.limit))
    chunks = _chunks(tokenizer, lines, settings.max_length)
    if len(chunks) < 2:
        raise ConfigError(f"{source}: too little text for masked-LM pretraining ({len(lines)} lines)")
    random.Random(settings.seed).shuffle(chunks)
    n_eval = min(settings.eval_chunks, max(1, len(chunks) // 10))
    eval_set, train_set = chunks[:n_eval], chunks[n_eval:]
    log.info("%d lines -> %d train / %d held-out chunks of <= %d pieces; %s %s",
             len(lines), len(train_set), n_eval, settings.max_length, device, precision)
    args = training_arguments(
        out_dir / "checkpoints", settings, device, precision, per_device_eval_batch_size=settings.batch_size,
        max_steps=settings.max_steps, eval_strategy="no", save_strategy="no", logging_steps=50,
    )
    collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=settings.mlm_probability, seed=settings.seed)
    trainer = Trainer(model=model, args=args, train_dataset=train_set, eval_dataset=eval_set,
                      data_collator=collator, processing_class=tokenizer)
    before = trainer.evaluate()["eval_loss"]
    started = time.perf_counter()
    trainer.train()
    elapsed = time.perf_counter() - started
    after = trainer.evaluate()["eval_loss"]
    if not trainer.is_world_process_zero():
        return {}
    out_dir.mkdir(parents=True, exist_ok=True)
    trainer.model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    shutil.rmtree(out_dir / "checkpoints", ignore_errors=True)
    report = {
        "source": str(source),
        "lines": len(lines),
        "train_chunks": len(train_set),
        "heldout_chunks": n_eval,
        "steps": trainer.state.global_step,
        "train_seconds": round(elapsed, 1),
        "heldout_mlm_loss_before": round(before, 4),
        "heldout_mlm_loss_after": round(after, 4),
        "heldout_perplexity_after": round(math.exp(min(after, 50.0)), 2),
        "loss_history": [h for h in trainer.state.log_history if "loss" in h],
        "settings": {k: v for k, v in asdict(settings).items() if k != "progress"},
    }
    (out_dir / PRETRAIN_FILE).write_text(json.dumps(report, indent=2))
    log.info("held-out MLM loss %.3f -> %.3f in %.0f s; saved %s", before, after, elapsed, out_dir)
    return report
