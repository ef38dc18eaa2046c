"""A word-level BiLSTM-CRF tagger over Word2vec vectors and character-CNN features.

This is the architecture of Lample et al. (2016) that Weston et al. (2019) trained with mat2vec embeddings for the
Matscholar NER. It reads whole words (its vocabulary keys are their mat2vec-processed forms, the forms our
embeddings are trained on; :func:`matnlp.text.processing.process_word`), so its errors differ from those of a
fine-tuned word-piece encoder: it is meant as another ensemble member (:mod:`matnlp.ner.ensemble`).

This module is the model as inference loads it; :mod:`matnlp.ner.train_lstm` trains it. A model is a directory
like the encoders' (:mod:`matnlp.ner.modeldir`): ``config.json`` (``model_type: matnlp-bilstm-crf`` and the
sizes), ``model.safetensors``, ``crf.safetensors``, ``vocab.json`` (words and characters), ``matnlp_ner.json``,
``training_args.json`` and ``metrics.json``.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from ..errors import ModelError
from ..text.processing import process_word
from .crf import CRF
from .modeldir import BILSTM_CRF, CONFIG_FILE, CRF_FILE, META_FILE, VOCAB_FILE, WEIGHTS_FILE, write_meta

PAD, UNK = "<pad>", "<unk>"


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
        save_file({k: v for k, v in state.items() if not k.startswith("crf.")}, str(out / WEIGHTS_FILE))
        save_file({k[4:]: v for k, v in state.items() if k.startswith("crf.")}, str(out / CRF_FILE))
        (out / CONFIG_FILE).write_text(json.dumps({"model_type": BILSTM_CRF, **self.config}, indent=2))
        (out / VOCAB_FILE).write_text(json.dumps({"words": self.vocab.words, "chars": self.vocab.chars}))
        write_meta(out, meta)

    @classmethod
    def load(cls, path: str | Path, labels: Sequence[str], device: str = "cpu") -> WordLSTM:
        """Restore a model dir written by :meth:`save`."""
        from safetensors.torch import load_file

        path = Path(path)
        try:
            config = json.loads((path / CONFIG_FILE).read_text())
            vocab = json.loads((path / VOCAB_FILE).read_text())
            model = cls(config, labels, Vocab(vocab["words"], vocab["chars"]))
            state = load_file(str(path / WEIGHTS_FILE))
            state.update({f"crf.{k}": v for k, v in load_file(str(path / CRF_FILE)).items()})
            model.load_state_dict(state)
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            raise ModelError(f"{path}: cannot load BiLSTM-CRF model ({exc})") from None
        return model.to(device).eval()
