"""Fine-tune a token-classification encoder with the Hugging Face Trainer (CPU, CUDA, torchrun/accelerate).

Bases load with ``local_files_only``: nothing is ever downloaded (:mod:`matnlp.ner.bases`).
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import torch

from ..errors import ConfigError, ModelError
from ..runtime import DEVICE_HELP, DEVICES, TRAIN_PRECISION_HELP, TRAIN_PRECISIONS, resolve_device, resolve_precision
from .bases import BASE_HELP, resolve_base
from .crf import CRF, Decoder, crf_loss
from .data import IGNORE, Example, encode_examples
from .labels import check_known
from .modeldir import CRF_FILE, META_FILE, METRICS_FILE, PROCESSING, TRAINING_ARGS_FILE, scheme_meta, write_meta
from .training import check_processing, final_scores, prepare_labels, restrict_examples, training_arguments

log = logging.getLogger(__name__)


@dataclass
class TrainSettings:
    """Training hyper-parameters and model options (stored with the model as ``training_args.json``)."""

    base: str | None = field(default=None, metadata={"help": BASE_HELP})
    epochs: float = field(default=12.0, metadata={"help": "most epochs (the best on dev is kept)"})
    lr: float = field(default=1.5e-4, metadata={"help": "peak learning rate of the encoder"})
    head_lr_mult: float = field(default=1.0, metadata={"help": "learning-rate multiplier for classifier/CRF"})
    batch_size: int = field(default=32, metadata={"help": "training windows per batch"})
    eval_batch_size: int = field(default=64, metadata={"help": "windows per batch when scoring dev"})
    warmup: float = field(default=0.1, metadata={"help": "warm-up steps (int) or ratio (<1)"})
    weight_decay: float = field(default=0.01, metadata={"help": "AdamW weight decay (not of biases and norms)"})
    seed: int = field(default=42, metadata={"help": "random seed"})
    max_length: int = field(default=128, metadata={"help": "window length in word pieces"})
    stride: int = field(default=32, metadata={"help": "overlap between windows in word pieces"})
    context: int = field(default=0, metadata={
        "help": "word pieces of the neighbouring sentences of the same document shown on each side of a sentence "
                "(inside --max-length; e.g. --max-length 256 --context 64)"})
    crf: bool = field(default=False, metadata={"help": "train a CRF layer over the word emissions"})
    label_smoothing: float = field(default=0.0, metadata={"help": "label smoothing of the softmax loss (no CRF)"})
    patience: int = field(default=3, metadata={"help": "early-stopping patience in epochs (0: off)"})
    device: str = field(default="auto", metadata={"help": DEVICE_HELP, "choices": DEVICES})
    precision: str = field(default="auto", metadata={"help": TRAIN_PRECISION_HELP, "choices": TRAIN_PRECISIONS})
    processing: str = field(default="none", metadata={
        "help": "text processing the model expects at predict time", "choices": PROCESSING})
    min_count: int = field(default=1, metadata={"help": "keep entity types with at least this many mentions"})
    types: list[str] | None = field(default=None, metadata={
        "help": "entity types to learn (default: those of the training data, see --min-count)"})
    logging_steps: int = field(default=50, metadata={"help": "log the training loss every this many steps"})
    progress: bool = field(default=True, metadata={"help": "progress bar"})


def load_base(base: str | None, labels: Sequence[str]):
    """Tokenizer and a token-classification model with a fresh head for ``labels`` from a base name or a local
    checkpoint dir (:func:`~matnlp.ner.bases.resolve_base`)."""
    from transformers import AutoConfig, AutoModelForTokenClassification, AutoTokenizer

    path = Path(resolve_base(base))
    if not (path / "config.json").is_file():
        raise ModelError(f"{path}: not a local Hugging Face checkpoint directory (no config.json)")
    id2label = dict(enumerate(labels))
    config = AutoConfig.from_pretrained(
        path, num_labels=len(labels), id2label=id2label, label2id={v: k for k, v in id2label.items()},
        local_files_only=True,
    )
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModelForTokenClassification.from_pretrained(  # a base with another label head gets a fresh one
        path, config=config, local_files_only=True, ignore_mismatched_sizes=True
    )
    return tokenizer, model


def metrics_fn(labels: Sequence[str], model):
    """Trainer ``compute_metrics``: IOB2-constrained (or CRF) decoding of first-sub-token logits, seqeval scores."""
    from seqeval.metrics import f1_score, precision_score, recall_score
    from seqeval.scheme import IOB2

    def compute(eval_pred):
        logits, label_ids = eval_pred.predictions, eval_pred.label_ids
        decode = Decoder(labels, getattr(model, "crf", None))
        gold, pred = [], []
        for row_logits, row_labels in zip(logits, label_ids):
            keep = row_labels != IGNORE
            path, _ = decode(row_logits[keep])
            gold.append([labels[i] for i in row_labels[keep]])
            pred.append([labels[i] for i in path])
        kw = {"mode": "strict", "scheme": IOB2, "zero_division": 0}
        return {
            "f1": f1_score(gold, pred, **kw),
            "precision": precision_score(gold, pred, **kw),
            "recall": recall_score(gold, pred, **kw),
        }

    return compute


def _optimizer(model, settings: TrainSettings) -> torch.optim.Optimizer:
    """AdamW; no decay for biases/norms; the head (classifier, CRF) at ``lr * head_lr_mult``."""
    groups: dict[tuple[bool, bool], list] = {}
    for name, param in model.named_parameters():
        if not param.requires_grad:
            continue
        head = name.startswith(("classifier", "crf"))
        decay = param.ndim > 1 and "norm" not in name.lower()
        groups.setdefault((head, decay), []).append(param)
    return torch.optim.AdamW(
        [
            {
                "params": params,
                "lr": settings.lr * (settings.head_lr_mult if head else 1.0),
                "weight_decay": settings.weight_decay if decay else 0.0,
            }
            for (head, decay), params in groups.items()
        ],
        lr=settings.lr,
    )


def _selection_arguments(settings: TrainSettings) -> dict:
    """Trainer arguments that score dev every epoch and restore the best-F1 checkpoint at the end."""
    return dict(
        per_device_eval_batch_size=settings.eval_batch_size,
        eval_strategy="epoch",
        save_strategy="epoch",
        save_only_model=True,
        save_total_limit=1,
        load_best_model_at_end=True,
        metric_for_best_model="f1",
        greater_is_better=True,
    )


def train(
    train_examples: list[Example],
    dev_examples: list[Example],
    out_dir: str | Path,
    settings: TrainSettings,
    model=None,
    tokenizer=None,
    test_examples: list[Example] | None = None,
) -> dict:
    """Fine-tune, keep the best dev-F1 checkpoint, save the model dir, and return its metrics.

    With no dev examples (e.g. a final model trained on train+dev) every epoch runs and the last one is kept.
    ``model``/``tokenizer`` override ``settings.base`` (tests build tiny models); the model's labels must then
    already match :func:`prepare_labels`.
    """
    from transformers import DataCollatorForTokenClassification, EarlyStoppingCallback, Trainer

    check_processing(settings.processing)
    if not train_examples:
        raise ConfigError("training data must be non-empty")
    out_dir = Path(out_dir)
    device = resolve_device(settings.device)
    if settings.precision == "int8":
        raise ConfigError("int8 is an inference precision; train with auto, fp32 or bf16")
    precision = resolve_precision(settings.precision, device)
    labels = prepare_labels(train_examples, settings)
    train_examples, dev_examples = restrict_examples(train_examples, labels), restrict_examples(dev_examples, labels)
    if model is None or tokenizer is None:
        settings = replace(settings, base=resolve_base(settings.base))  # record which base was used
        tokenizer, model = load_base(settings.base, labels)
    if settings.crf:
        model.crf = CRF(labels)
    label2id = {lab: i for i, lab in enumerate(labels)}
    check_known((e.tags for e in train_examples), labels, "training data")
    windowing = (settings.max_length, settings.stride, settings.context)
    train_feats = encode_examples(train_examples, tokenizer, label2id, *windowing)
    dev_feats = encode_examples(dev_examples, tokenizer, label2id, *windowing) if dev_examples else None
    log.info(
        "labels %s; %d train / %d dev windows; %s %s", labels, len(train_feats), len(dev_feats or ()), device, precision
    )

    ckpt_dir = out_dir / "checkpoints"
    args = training_arguments(
        ckpt_dir, settings, device, precision,
        **(_selection_arguments(settings) if dev_feats else {"save_strategy": "no"}),
        train_sampling_strategy="group_by_length",
        label_smoothing_factor=0.0 if settings.crf else settings.label_smoothing,
        logging_steps=settings.logging_steps,
        ddp_find_unused_parameters=False,  # the CRF is used in the loss, not in forward: marking it unused breaks DDP
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=train_feats,
        eval_dataset=dev_feats,
        data_collator=DataCollatorForTokenClassification(tokenizer, pad_to_multiple_of=8 if device == "cuda" else None),
        processing_class=tokenizer,
        compute_metrics=metrics_fn(labels, model),
        compute_loss_func=crf_loss(model.crf) if settings.crf else None,
        optimizers=(_optimizer(model, settings), None),
        callbacks=[EarlyStoppingCallback(settings.patience)] if settings.patience and dev_feats else [],
    )
    started = time.perf_counter()
    trainer.train()
    elapsed = time.perf_counter() - started
    if not trainer.is_world_process_zero():
        return {}
    save_model(out_dir, trainer.model, tokenizer, labels, settings)
    shutil.rmtree(ckpt_dir, ignore_errors=True)
    metrics = {"train_seconds": round(elapsed, 1)}
    if dev_feats:
        metrics["best_dev_f1_windows"] = trainer.state.best_metric
        metrics["dev_history"] = [h for h in trainer.state.log_history if "eval_f1" in h]
    metrics.update(final_scores(out_dir, dev_examples, test_examples, settings.device, settings.precision))
    (out_dir / METRICS_FILE).write_text(json.dumps(metrics, indent=2))
    return metrics


def save_model(out_dir: Path, model, tokenizer, labels: Sequence[str], settings: TrainSettings) -> None:
    """Write the HF token-classification dir plus the CRF scores, label scheme, processing and training args."""
    from safetensors.torch import save_file

    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / META_FILE).unlink(missing_ok=True)  # written last: a save killed midway leaves no loadable dir
    crf = getattr(model, "crf", None)
    if crf is not None:
        del model.crf
        save_file({k: v.detach().cpu().contiguous() for k, v in crf.state_dict().items()}, str(out_dir / CRF_FILE))
    try:
        model.save_pretrained(out_dir)
    finally:
        if crf is not None:
            model.crf = crf
    tokenizer.save_pretrained(out_dir)
    meta = {
        **scheme_meta(labels),
        "processing": settings.processing,
        "crf": crf is not None,
        "max_length": settings.max_length,
        "stride": settings.stride,
        "context": settings.context,
        "base": settings.base or "model object",
    }
    write_meta(out_dir, meta)
    (out_dir / TRAINING_ARGS_FILE).write_text(json.dumps(asdict(settings), indent=2))
    log.info("saved model to %s", out_dir)
