"""Fine-tune a token-classification encoder with the Hugging Face Trainer (CPU, CUDA, torchrun/accelerate)."""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch  # noqa: E402

from ..config import PRECISIONS  # noqa: E402
from ..errors import ConfigError, ModelError  # noqa: E402
from .bases import resolve_base  # noqa: E402
from .crf import CRF, Decoder, crf_loss  # noqa: E402
from .data import IGNORE, Example, encode_examples  # noqa: E402
from .labels import bio_labels, check_known, restrict, types_in  # noqa: E402

log = logging.getLogger(__name__)

META_FILE = "matnlp_ner.json"
CRF_FILE = "crf.safetensors"
PROCESSING = ("mat2vec", "none")


@dataclass
class TrainSettings:
    """Training hyper-parameters and model options (stored with the model as ``training_args.json``)."""

    base: str | None = None
    epochs: float = 12.0
    lr: float = 1.5e-4
    head_lr_mult: float = 1.0
    batch_size: int = 32
    eval_batch_size: int = 64
    warmup: float = 0.1
    weight_decay: float = 0.01
    seed: int = 42
    max_length: int = 128
    stride: int = 32
    context: int = 0
    crf: bool = False
    label_smoothing: float = 0.0
    patience: int = 3
    device: str = "auto"
    precision: str = "auto"
    processing: str = "none"
    min_count: int = 1
    types: list[str] | None = None
    logging_steps: int = 50
    progress: bool = True


def resolve_device(device: str) -> str:
    """``auto`` -> ``cuda`` when available else ``cpu``; ``cuda`` without a GPU is a :class:`ConfigError`."""
    if device not in ("auto", "cpu", "cuda"):
        raise ConfigError(f"device must be auto, cpu or cuda, not {device!r}")
    if device == "cuda" and not torch.cuda.is_available():
        raise ConfigError("device 'cuda' requested but no CUDA GPU is available")
    return "cuda" if device == "auto" and torch.cuda.is_available() else ("cpu" if device == "auto" else device)


def resolve_precision(precision: str, device: str) -> str:
    """``auto`` -> ``bf16`` on a bf16-capable GPU or a CPU with AMX tiles, else ``fp32``.

    On AMX CPUs bf16 autocast tags ~2x faster and trains ~1.5x faster than fp32 at the same F1 (bench_ner.py);
    without AMX, bf16 on CPU is emulated and slow, so ``auto`` keeps fp32 there.
    """
    if precision not in PRECISIONS:
        raise ConfigError(f"precision must be one of {', '.join(PRECISIONS)}, not {precision!r}")
    if precision == "int8" and device != "cpu":
        raise ConfigError("int8 quantization is CPU only; use device='cpu'")
    if precision == "bf16" and device == "cuda" and not torch.cuda.is_bf16_supported():
        raise ConfigError("precision bf16 requested but this GPU does not support bfloat16")
    if precision != "auto":
        return precision
    if device == "cuda":
        return "bf16" if torch.cuda.is_bf16_supported() else "fp32"
    amx = getattr(torch.cpu, "_is_amx_tile_supported", lambda: False)
    return "bf16" if amx() else "fp32"


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


def prepare_labels(train: list[Example], settings: TrainSettings) -> list[str]:
    """The model's IOB2 labels: ``settings.types`` or the training types seen ``min_count`` times."""
    types = settings.types or types_in((e.tags for e in train), settings.min_count)
    if not types:
        raise ConfigError("training data has no entities")
    return bio_labels(types)


def restrict_examples(examples: list[Example], labels: Sequence[str]) -> list[Example]:
    """Copies of ``examples`` with tags of types outside ``labels`` set to ``O``."""
    types = {lab[2:] for lab in labels if lab != "O"}
    return [Example(e.words, restrict(e.tags, types), e.offsets, e.id, e.doc) for e in examples]


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


def training_arguments(out_dir: Path, settings, device: str, precision: str, **extra):
    """Hugging Face ``TrainingArguments`` from our settings (batch, lr, decay, epochs, warm-up, seed, device,
    precision, progress), linear schedule, nothing reported to trackers; ``extra`` adds or overrides."""
    from transformers import TrainingArguments

    args = dict(
        output_dir=str(out_dir),
        per_device_train_batch_size=settings.batch_size,
        learning_rate=settings.lr,
        weight_decay=settings.weight_decay,
        num_train_epochs=settings.epochs,
        warmup_steps=settings.warmup,
        lr_scheduler_type="linear",
        seed=settings.seed,
        use_cpu=device == "cpu",
        bf16=precision == "bf16",
        report_to="none",
        disable_tqdm=not settings.progress,
        dataloader_num_workers=0,
    )
    return TrainingArguments(**{**args, **extra})


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

    if settings.processing not in PROCESSING:
        raise ConfigError(f"processing must be one of {PROCESSING}, not {settings.processing!r}")
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
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2))
    return metrics


def final_scores(out_dir: Path, dev: list[Example], test: list[Example] | None, device: str, precision: str) -> dict:
    """Reports of the saved model dir on dev and (once, for reporting) test."""
    from .evaluate import evaluate
    from .predict import load

    tagger = load(out_dir, device=device, precision=precision)
    scores = {"dev": evaluate(tagger, dev, unknown="ignore")} if dev else {}
    if test:
        scores["test"] = evaluate(tagger, test, unknown="ignore")
    for split, rep in scores.items():
        log.info("%s micro-F1 %.4f macro-F1 %.4f", split, rep["micro"]["f1"], rep["macro"]["f1"])
    return scores


def scheme_meta(labels: Sequence[str]) -> dict:
    """The label-scheme part of a model's ``matnlp_ner.json``, the same for every kind of model."""
    return {
        "format": 1,
        "scheme": "IOB2",
        "labels": list(labels),
        "types": [lab[2:] for lab in labels if lab.startswith("B-")],
    }


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
    (out_dir / META_FILE).write_text(json.dumps(meta, indent=2))
    (out_dir / "training_args.json").write_text(json.dumps(asdict(settings), indent=2))
    log.info("saved model to %s", out_dir)
