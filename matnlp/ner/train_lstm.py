"""Train the word-level BiLSTM-CRF of :mod:`matnlp.ner.lstm`: vocabulary and initial vectors from Word2vec
embeddings, Adam on the CRF loss, the epoch with the best dev micro-F1 kept."""

from __future__ import annotations

import copy
import json
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ..errors import ConfigError
from ..runtime import DEVICE_HELP, DEVICES, resolve_device
from ..text.processing import process_word
from .data import Example
from .distill import Silver
from .evaluate import evaluate
from .labels import check_known
from .lstm import PAD, UNK, Vocab, WordLSTM
from .modeldir import BILSTM_CRF, METRICS_FILE, PROCESSING, TRAINING_ARGS_FILE, scheme_meta
from .predict import Tagger
from .training import check_processing, final_scores, prepare_labels, restrict_examples

log = logging.getLogger(__name__)


@dataclass
class LSTMSettings:
    """Hyper-parameters of a BiLSTM-CRF (stored with the model as ``training_args.json``)."""

    embeddings: str | None = field(default=None, metadata={
        "help": "matnlp embeddings dir (`matnlp embeddings train`) for the word vectors; without it they start random"})
    epochs: int = field(default=40, metadata={"help": "most epochs (the best on dev is kept)"})
    lr: float = field(default=1e-3, metadata={"help": "Adam learning rate"})
    batch_size: int = field(default=16, metadata={"help": "sentences per batch"})
    hidden: int = field(default=256, metadata={"help": "LSTM units per direction"})
    char_dim: int = field(default=32, metadata={"help": "size of the character embeddings"})
    char_filters: int = field(default=64, metadata={"help": "character-CNN filters (word features)"})
    max_word_chars: int = field(default=30, metadata={"help": "characters of a word the character CNN reads"})
    dropout: float = field(default=0.5, metadata={"help": "dropout on the LSTM input and output"})
    word_dropout: float = field(default=0.05, metadata={
        "help": "share of training words replaced by the unknown word"})
    patience: int = field(default=8, metadata={"help": "early-stopping patience in epochs (0: off)"})
    distill_weight: float = field(default=0.5, metadata={
        "help": "with silver data: the share of a silver sentence's loss that matches the teacher's emissions (the "
                "rest is the CRF loss of the teacher's tags)"})
    seed: int = field(default=42, metadata={"help": "random seed"})
    processing: str = field(default="none", metadata={
        "help": "text processing the model expects at predict time", "choices": PROCESSING})
    min_count: int = field(default=1, metadata={"help": "keep entity types with at least this many mentions"})
    types: list[str] | None = field(default=None, metadata={
        "help": "entity types to learn (default: those of the training data, see --min-count)"})
    device: str = field(default="auto", metadata={"help": DEVICE_HELP, "choices": DEVICES})
    progress: bool = field(default=True, metadata={"help": "progress bar"})


def build_vocab(examples: Sequence[Example], vectors=None) -> tuple[Vocab, np.ndarray | None]:
    """The vocabulary (embedding words first, then training words they lack) and the initial word vectors:
    the embeddings' rows, and random rows of the same scale for the other words (``None`` without embeddings)."""
    keys = dict.fromkeys(process_word(w) for e in examples for w in e.words)
    chars = dict.fromkeys(c for e in examples for w in e.words for c in w)
    known = list(vectors.index_to_key) if vectors is not None else []
    words = [PAD, UNK] + known + [k for k in keys if vectors is None or k not in vectors.key_to_index]
    vocab = Vocab(words, [PAD, UNK] + list(chars))
    if vectors is None:
        return vocab, None
    table = np.asarray(vectors.vectors, dtype=np.float32)
    scale = float(table.std())
    rng = np.random.default_rng(0)
    init = rng.normal(0.0, scale, (len(words), table.shape[1])).astype(np.float32)
    init[0] = 0.0
    init[2 : 2 + len(table)] = table
    log.info("vocabulary: %d embedding words, %d training-only words", len(known), len(words) - 2 - len(known))
    return vocab, init


def train_lstm(
    train_examples: list[Example],
    dev_examples: list[Example],
    out_dir: str | Path,
    settings: LSTMSettings,
    test_examples: list[Example] | None = None,
    silver: Silver | None = None,
) -> dict:
    """Train a BiLSTM-CRF, keep the epoch with the best dev micro-F1 (every epoch, the last kept, without dev),
    save the model dir and return its metrics.

    With ``silver`` (a teacher's reading of unlabelled sentences, :mod:`matnlp.ner.distill`) the model is a student:
    its CRF starts from the teacher's, and on the silver sentences it learns the teacher's emissions (mean squared
    error of the label scores, each word's centred) beside the CRF loss of the teacher's tags.
    """
    from tqdm.auto import tqdm

    if not train_examples:
        raise ConfigError("training data must be non-empty")
    check_processing(settings.processing)
    random.seed(settings.seed)
    torch.manual_seed(settings.seed)
    device = resolve_device(settings.device)
    labels = prepare_labels(train_examples, settings)
    train_examples, dev_examples = restrict_examples(train_examples, labels), restrict_examples(dev_examples, labels)
    check_known((e.tags for e in train_examples), labels, "training data")
    label2id = {lab: i for i, lab in enumerate(labels)}
    items = [_Item(e.words, [label2id[t] for t in e.tags]) for e in train_examples if e.words]
    model = _new_model(train_examples + (silver.examples if silver else []), labels, settings).to(device)
    if silver:
        items += _silver_items(silver, labels, model)
    meta = _meta(labels, settings)
    optimizer = torch.optim.Adam(model.parameters(), lr=settings.lr)
    history, best, best_state, stale = [], -1.0, None, 0
    started = time.perf_counter()
    for epoch in tqdm(range(1, settings.epochs + 1), desc="BiLSTM-CRF epochs", disable=not settings.progress):
        loss = _epoch(model, optimizer, items, settings)
        if not dev_examples:
            continue
        model.eval()
        f1 = evaluate(Tagger(model, None, meta, device, crf=model.crf), dev_examples, unknown="ignore")["micro"]["f1"]
        history.append({"epoch": epoch, "loss": round(loss, 4), "eval_f1": f1})
        log.info("epoch %d: loss %.4f, dev micro-F1 %.4f", epoch, loss, f1)
        if f1 > best:
            best, best_state, stale = f1, copy.deepcopy(model.state_dict()), 0
        elif settings.patience and (stale := stale + 1) >= settings.patience:
            break
    elapsed = time.perf_counter() - started
    if best_state is not None:
        model.load_state_dict(best_state)
    out_dir = Path(out_dir)
    model.save(out_dir, meta)
    (out_dir / TRAINING_ARGS_FILE).write_text(json.dumps(asdict(settings), indent=2))
    metrics = {"train_seconds": round(elapsed, 1)}
    if dev_examples:
        metrics.update(best_dev_f1=best, dev_history=history)
    metrics.update(final_scores(out_dir, dev_examples, test_examples, settings.device, "fp32"))
    (out_dir / METRICS_FILE).write_text(json.dumps(metrics, indent=2))
    return metrics


def _new_model(examples: list[Example], labels: list[str], settings: LSTMSettings) -> WordLSTM:
    vectors = None
    if settings.embeddings:
        from ..embeddings import load as load_embeddings

        vectors = load_embeddings(settings.embeddings).wv
    vocab, init = build_vocab(examples, vectors)
    config = {
        "word_dim": init.shape[1] if init is not None else 100,
        **{k: getattr(settings, k) for k in ("char_dim", "char_filters", "hidden", "dropout", "max_word_chars")},
    }
    model = WordLSTM(config, labels, vocab)
    if init is not None:
        with torch.no_grad():
            model.words.weight.copy_(torch.from_numpy(init))
    return model


def _meta(labels: list[str], settings: LSTMSettings) -> dict:
    return {
        **scheme_meta(labels),
        "kind": BILSTM_CRF,
        "processing": settings.processing,
        "crf": True,
        "base": f"BiLSTM-CRF over {settings.embeddings or 'random word vectors'}",
    }


@dataclass(frozen=True, slots=True)
class _Item:
    """A training sentence: words, label ids, and for a silver one the teacher's centred emissions (words, labels),
    NaN rows for words the teacher gave none."""

    words: list[str]
    tags: list[int]
    soft: np.ndarray | None = None


def _silver_items(silver: Silver, labels: list[str], model: WordLSTM) -> list[_Item]:
    """The silver sentences in the student's labels (the teacher's other types read as ``O``); the student's CRF
    takes the teacher's transition, start and end scores when both have the same labels."""
    missing = [lab for lab in labels if lab not in silver.labels]
    if missing:
        raise ConfigError(f"silver data: the teacher has no labels {missing}")
    cols = [silver.labels.index(lab) for lab in labels]
    if silver.crf and len(cols) == len(silver.labels):
        index = torch.tensor(cols)
        with torch.no_grad():
            model.crf.transitions.copy_(torch.from_numpy(silver.crf["transitions"])[index][:, index])
            model.crf.start.copy_(torch.from_numpy(silver.crf["start"])[index])
            model.crf.end.copy_(torch.from_numpy(silver.crf["end"])[index])
    label2id = {lab: i for i, lab in enumerate(labels)}
    items = []
    for ex, emissions, mask in zip(restrict_examples(silver.examples, labels), silver.emissions, silver.masks):
        soft = emissions[:, cols] - emissions[:, cols].mean(1, keepdims=True)
        soft[~mask] = np.nan
        items.append(_Item(ex.words, [label2id[t] for t in ex.tags], soft.astype(np.float32)))
    return items


def _epoch(model: WordLSTM, optimizer, items: list[_Item], settings: LSTMSettings) -> float:
    """One pass over shuffled batches of similar length; returns the mean loss per sentence: the CRF loss of a gold
    sentence, and of a silver one ``distill_weight`` times the emission error plus the rest times the CRF loss."""
    model.train()
    order = sorted(range(len(items)), key=lambda i: (len(items[i].words), random.random()))
    batches = [order[k : k + settings.batch_size] for k in range(0, len(order), settings.batch_size)]
    random.shuffle(batches)
    total, w = 0.0, settings.distill_weight
    for idx in batches:
        batch = [items[i] for i in idx]
        word_ids, char_ids, lengths = model.batch([e.words for e in batch], settings.word_dropout)
        tags = torch.zeros_like(word_ids)
        for r, e in enumerate(batch):
            tags[r, : len(e.tags)] = torch.tensor(e.tags)
        mask = (torch.arange(word_ids.shape[1]).unsqueeze(0) < lengths.unsqueeze(1)).to(word_ids.device)
        emissions = model(word_ids, char_ids, lengths)
        silver = torch.tensor([e.soft is not None for e in batch], device=word_ids.device)
        gold = ~silver
        loss = emissions.sum() * 0.0
        if gold.any():
            loss = loss + model.crf.nll(emissions[gold], tags[gold], mask[gold]) * gold.float().mean()
        if silver.any():
            nll = model.crf.nll(emissions[silver], tags[silver], mask[silver])
            loss = loss + ((1 - w) * nll + w * _emission_error(emissions, batch)) * silver.float().mean()
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()
        total += float(loss.detach()) * len(batch)
    return total / max(len(items), 1)


def _emission_error(emissions: torch.Tensor, batch: list[_Item]) -> torch.Tensor:
    """Mean squared error between the centred emissions of the silver sentences of ``batch`` and the teacher's."""
    target = torch.full_like(emissions, float("nan"))
    for r, e in enumerate(batch):
        if e.soft is not None:
            target[r, : len(e.soft)] = torch.from_numpy(e.soft)
    keep = ~target[..., 0].isnan()
    if not keep.any():
        return emissions.sum() * 0.0
    centred = emissions - emissions.mean(-1, keepdim=True)
    return ((centred[keep] - target[keep]) ** 2).mean()
