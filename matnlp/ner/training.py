"""What the trainers share: the label set from the training data, the Hugging Face training arguments, and the
final dev/test scores of a saved model dir (:mod:`matnlp.ner.train`, :mod:`matnlp.ner.train_lstm`,
:mod:`matnlp.ner.pretrain`)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from ..errors import ConfigError
from .data import Example
from .evaluate import evaluate
from .labels import bio_labels, restrict, types_in
from .modeldir import PROCESSING
from .predict import load

log = logging.getLogger(__name__)


def check_processing(processing: str) -> None:
    """Raise :class:`ConfigError` for a text processing no model can expect."""
    if processing not in PROCESSING:
        raise ConfigError(f"processing must be one of {PROCESSING}, not {processing!r}")


def prepare_labels(train: list[Example], settings) -> list[str]:
    """The model's IOB2 labels: ``settings.types`` or the training types seen ``settings.min_count`` times."""
    types = settings.types or types_in((e.tags for e in train), settings.min_count)
    if not types:
        raise ConfigError("training data has no entities")
    return bio_labels(types)


def restrict_examples(examples: list[Example], labels: Sequence[str]) -> list[Example]:
    """Copies of ``examples`` with tags of types outside ``labels`` set to ``O``."""
    types = {lab[2:] for lab in labels if lab != "O"}
    return [Example(e.words, restrict(e.tags, types), e.offsets, e.id, e.doc) for e in examples]


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


def final_scores(out_dir: Path, dev: list[Example], test: list[Example] | None, device: str, precision: str) -> dict:
    """Reports of the saved model dir on dev and (once, for reporting) test."""
    tagger = load(out_dir, device=device, precision=precision)
    scores = {"dev": evaluate(tagger, dev, unknown="ignore")} if dev else {}
    if test:
        scores["test"] = evaluate(tagger, test, unknown="ignore")
    for split, rep in scores.items():
        log.info("%s micro-F1 %.4f macro-F1 %.4f", split, rep["micro"]["f1"], rep["macro"]["f1"])
    return scores
