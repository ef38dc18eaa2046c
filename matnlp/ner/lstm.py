"""A word-level BiLSTM-CRF tagger over Word2vec vectors and character-CNN features.

This is the architecture of Lample et al. (2016) that Weston et al. (2019) trained with mat2vec embeddings for the
Matscholar NER. It reads whole words (its vocabulary keys are their mat2vec-processed forms, the forms our
embeddings are trained on; :func:`matnlp.text.processing.process_word`), so its errors differ from those of a
fine-tuned word-piece encoder: it is meant as another ensemble member (:mod:`matnlp.ner.ensemble`).

A model is a directory like the encoders': ``config.json`` (``model_type: matnlp-bilstm-crf`` and the sizes),
``model.safetensors``, ``crf.safetensors``, ``vocab.json`` (words and characters), ``matnlp_ner.json``,
``training_args.json`` and ``metrics.json``.
"""

from __future__ import annotations

import copy
import json
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from ..errors import ConfigError, ModelError
from ..text.processing import process_word
from .crf import CRF
from .data import Example
from .labels import check_known
from .train import (
    CRF_FILE, META_FILE, PROCESSING, final_scores, prepare_labels, resolve_device, restrict_examples, scheme_meta,
)

log = logging.getLogger(__name__)

MODEL_TYPE = "matnlp-bilstm-crf"
VOCAB_FILE = "vocab.json"
PAD, UNK = "<pad>", "<unk>"


@dataclass
class LSTMSettings:
    """Hyper-parameters of a BiLSTM-CRF (stored with the model as ``training_args.json``)."""

    embeddings: str | None = None
    epochs: int = 40
    lr: float = 1e-3
    batch_size: int = 16
    hidden: int = 256
    char_dim: int = 32
    char_filters: int = 64
    max_word_chars: int = 30
    dropout: float = 0.5
    word_dropout: float = 0.05
    patience: int = 8
    seed: int = 42
    processing: str = "none"
    min_count: int = 1
    types: list[str] | None = None
    device: str = "auto"
    progress: bool = True


@dataclass
class Vocab:
    """Word keys and characters, each mapped to a row of the model's embedding tables (0: padding, 1: unknown)."""

    words: list[str]
    chars: list[str]

    def __post_init__(self):
        self.word_index = {w: i for i, w in enumerate(self.words)}
        self.char_index = {c: i for i, c in enumerate(self.chars)}

    def word_ids(self, words: Sequence[str]) -> list[int]:
        return [self.word_index.get(process_word(w), 1) for w in words]

    def char_ids(self, words: Sequence[str], max_chars: int) -> list[list[int]]:
        return [[self.char_index.get(c, 1) for c in w[:max_chars]] or [1] for w in words]


class WordLSTM(nn.Module):
    """Word embedding + character CNN -> BiLSTM -> per-word label emissions, decoded with a CRF."""

    def __init__(self, config: dict, labels: Sequence[str], vocab: Vocab):
        super().__init__()
        self.config, self.labels, self.vocab = dict(config), list(labels), vocab
        self.words = nn.Embedding(len(vocab.words), config["word_dim"], padding_idx=0)
        self.chars = nn.Embedding(len(vocab.chars), config["char_dim"], padding_idx=0)
        self.char_cnn = nn.Conv1d(config["char_dim"], config["char_filters"], kernel_size=3, padding=1)
        self.lstm = nn.LSTM(
            config["word_dim"] + config["char_filters"], config["hidden"], batch_first=True, bidirectional=True
        )
        self.dropout = nn.Dropout(config["dropout"])
        self.classifier = nn.Linear(2 * config["hidden"], len(labels))
        self.crf = CRF(labels)

    def forward(self, word_ids: torch.Tensor, char_ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Emissions (B, W, L) of padded word ids (B, W), char ids (B, W, C) and sentence lengths (B,)."""
        batch, width, chars = char_ids.shape
        char_vecs = self.chars(char_ids.view(batch * width, chars)).transpose(1, 2)
        pad = (char_ids == 0).view(batch * width, 1, chars)
        char_feats = self.char_cnn(char_vecs).masked_fill(pad, -1e4).max(-1).values
        char_feats = char_feats.masked_fill(pad.all(-1), 0.0).view(batch, width, -1)
        x = self.dropout(torch.cat([self.words(word_ids), char_feats], -1))
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, _ = pad_packed_sequence(self.lstm(packed)[0], batch_first=True, total_length=width)
        return self.classifier(self.dropout(out))

    def batch(self, sentences_words: Sequence[Sequence[str]], word_dropout: float = 0.0):
        """Padded (word ids, char ids, lengths) tensors of a batch of sentences on the model's device."""
        device = self.classifier.weight.device
        lengths = [max(len(w), 1) for w in sentences_words]
        width, max_chars = max(lengths), self.config["max_word_chars"]
        word_ids = torch.zeros(len(lengths), width, dtype=torch.long)
        char_ids = torch.zeros(len(lengths), width, max_chars, dtype=torch.long)
        for r, words in enumerate(sentences_words):
            ids = self.vocab.word_ids(words)
            if word_dropout:
                ids = [1 if random.random() < word_dropout else i for i in ids]
            word_ids[r, : len(ids)] = torch.tensor(ids, dtype=torch.long)
            for c, cids in enumerate(self.vocab.char_ids(words, max_chars)):
                char_ids[r, c, : len(cids)] = torch.tensor(cids, dtype=torch.long)
        return word_ids.to(device), char_ids.to(device), torch.tensor(lengths)

    @torch.inference_mode()
    def emissions(self, sentences_words: Sequence[Sequence[str]], batch_size: int = 64) -> list[np.ndarray]:
        """Per sentence, its (words, labels) emissions; sentences are batched by length."""
        order = sorted(range(len(sentences_words)), key=lambda i: len(sentences_words[i]))
        out: list[np.ndarray] = [np.zeros((0, len(self.labels)), dtype=np.float32)] * len(sentences_words)
        for k in range(0, len(order), batch_size):
            idx = [i for i in order[k : k + batch_size] if sentences_words[i]]
            if not idx:
                continue
            scores = self(*self.batch([sentences_words[i] for i in idx])).float().cpu().numpy()
            for r, i in enumerate(idx):
                out[i] = scores[r, : len(sentences_words[i])]
        return out

    def save(self, out_dir: str | Path, meta: dict) -> None:
        """Write the model dir (metadata last, so a save killed midway leaves nothing loadable)."""
        from safetensors.torch import save_file

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        (out / META_FILE).unlink(missing_ok=True)
        state = {k: v.detach().cpu().contiguous() for k, v in self.state_dict().items()}
        save_file({k: v for k, v in state.items() if not k.startswith("crf.")}, str(out / "model.safetensors"))
        save_file({k[4:]: v for k, v in state.items() if k.startswith("crf.")}, str(out / CRF_FILE))
        (out / "config.json").write_text(json.dumps({"model_type": MODEL_TYPE, **self.config}, indent=2))
        (out / VOCAB_FILE).write_text(json.dumps({"words": self.vocab.words, "chars": self.vocab.chars}))
        (out / META_FILE).write_text(json.dumps(meta, indent=2))

    @classmethod
    def load(cls, path: str | Path, labels: Sequence[str], device: str = "cpu") -> WordLSTM:
        """Restore a model dir written by :meth:`save`."""
        from safetensors.torch import load_file

        path = Path(path)
        try:
            config = json.loads((path / "config.json").read_text())
            vocab = json.loads((path / VOCAB_FILE).read_text())
            model = cls(config, labels, Vocab(vocab["words"], vocab["chars"]))
            state = load_file(str(path / "model.safetensors"))
            state.update({f"crf.{k}": v for k, v in load_file(str(path / CRF_FILE)).items()})
            model.load_state_dict(state)
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            raise ModelError(f"{path}: cannot load BiLSTM-CRF model ({exc})") from None
        return model.to(device).eval()


def is_lstm_dir(path: Path) -> bool:
    """Whether a model dir holds a :class:`WordLSTM` (its config names our model type)."""
    try:
        return json.loads((path / "config.json").read_text()).get("model_type") == MODEL_TYPE
    except (OSError, ValueError, AttributeError):
        return False


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
) -> dict:
    """Train a BiLSTM-CRF, keep the epoch with the best dev micro-F1 (every epoch, the last kept, without dev),
    save the model dir and return its metrics."""
    from tqdm.auto import tqdm

    from .evaluate import evaluate
    from .predict import Tagger

    if not train_examples:
        raise ConfigError("training data must be non-empty")
    if settings.processing not in PROCESSING:
        raise ConfigError(f"processing must be one of {PROCESSING}, not {settings.processing!r}")
    random.seed(settings.seed)
    torch.manual_seed(settings.seed)
    device = resolve_device(settings.device)
    labels = prepare_labels(train_examples, settings)
    train_examples, dev_examples = restrict_examples(train_examples, labels), restrict_examples(dev_examples, labels)
    check_known((e.tags for e in train_examples), labels, "training data")
    model = _new_model(train_examples, labels, settings).to(device)
    meta = _meta(labels, settings)
    label2id = {lab: i for i, lab in enumerate(labels)}
    optimizer = torch.optim.Adam(model.parameters(), lr=settings.lr)
    history, best, best_state, stale = [], -1.0, None, 0
    started = time.perf_counter()
    for epoch in tqdm(range(1, settings.epochs + 1), desc="BiLSTM-CRF epochs", disable=not settings.progress):
        loss = _epoch(model, optimizer, train_examples, label2id, settings)
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
    (out_dir / "training_args.json").write_text(json.dumps(asdict(settings), indent=2))
    metrics = {"train_seconds": round(elapsed, 1)}
    if dev_examples:
        metrics.update(best_dev_f1=best, dev_history=history)
    metrics.update(final_scores(out_dir, dev_examples, test_examples, settings.device, "fp32"))
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2))
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
        "kind": MODEL_TYPE,
        "processing": settings.processing,
        "crf": True,
        "base": f"BiLSTM-CRF over {settings.embeddings or 'random word vectors'}",
    }


def _epoch(model: WordLSTM, optimizer, examples: list[Example], label2id: dict, settings: LSTMSettings) -> float:
    """One pass over shuffled batches of similar length; returns the mean CRF loss."""
    model.train()
    order = sorted(range(len(examples)), key=lambda i: (len(examples[i].words), random.random()))
    batches = [order[k : k + settings.batch_size] for k in range(0, len(order), settings.batch_size)]
    random.shuffle(batches)
    total = 0.0
    for idx in batches:
        batch = [examples[i] for i in idx if examples[i].words]
        if not batch:
            continue
        word_ids, char_ids, lengths = model.batch([e.words for e in batch], settings.word_dropout)
        tags = torch.zeros_like(word_ids)
        for r, e in enumerate(batch):
            tags[r, : len(e.tags)] = torch.tensor([label2id[t] for t in e.tags])
        mask = torch.arange(word_ids.shape[1]).unsqueeze(0) < lengths.unsqueeze(1)
        loss = model.crf.nll(model(word_ids, char_ids, lengths), tags, mask.to(word_ids.device))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()
        total += float(loss.detach()) * len(batch)
    return total / max(len(examples), 1)
