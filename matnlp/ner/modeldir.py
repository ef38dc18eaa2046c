"""The NER model directory: file names, the three kinds of model, and the metadata every kind shares.

Every model dir holds ``matnlp_ner.json`` (:data:`META_FILE`: the label scheme of :func:`scheme_meta`, the text
processing the model expects, whether it decodes with a CRF, and kind-specific keys), written last so that a save
killed midway leaves nothing loadable. The three kinds:

- a Hugging Face token-classification encoder (written by :func:`matnlp.ner.train.save_model`): ``config.json``,
  ``model.safetensors``, the tokenizer files, ``crf.safetensors`` with a CRF head; its metadata also has
  ``max_length``, ``stride``, ``context`` (the word-piece windows) and ``base``;
- a word-level BiLSTM-CRF (:mod:`matnlp.ner.lstm`): ``config.json`` with ``model_type`` :data:`BILSTM_CRF`,
  ``model.safetensors``, ``crf.safetensors`` and ``vocab.json`` (words and characters); its metadata has ``kind``
  :data:`BILSTM_CRF`;
- an ensemble (:mod:`matnlp.ner.ensemble`): the member dirs under ``members/``, listed in the metadata's
  ``members`` (with ``member_sources``, where they were built from).

Trained models also keep ``training_args.json`` (their settings) and ``metrics.json`` (dev and test scores).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from ..errors import ModelError

META_FILE = "matnlp_ner.json"
CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.safetensors"
CRF_FILE = "crf.safetensors"
VOCAB_FILE = "vocab.json"
TRAINING_ARGS_FILE = "training_args.json"
METRICS_FILE = "metrics.json"
MEMBERS = "members"
"""Subdirectory of an ensemble model dir holding its member model dirs (listed in the metadata's ``members``)."""
TOKENIZER_FILES = ("tokenizer.json", "vocab.txt", "tokenizer_config.json")
REQUIRED = (CONFIG_FILE, META_FILE, WEIGHTS_FILE)
BILSTM_CRF = "matnlp-bilstm-crf"
"""``model_type`` in the ``config.json`` and ``kind`` in the metadata of a word-level BiLSTM-CRF."""
PROCESSING = ("mat2vec", "none")
"""Text processing a model expects (metadata ``processing``): mat2vec-processed words or the text's own."""


def scheme_meta(labels: Sequence[str]) -> dict:
    """The label-scheme part of a model's ``matnlp_ner.json``, the same for every kind of model."""
    return {
        "format": 1,
        "scheme": "IOB2",
        "labels": list(labels),
        "types": [lab[2:] for lab in labels if lab.startswith("B-")],
    }


def read_meta(path: Path) -> dict:
    """The metadata of a model dir; :class:`ModelError` when it is not JSON with ``labels``."""
    try:
        meta = json.loads((path / META_FILE).read_text())
        meta["labels"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"{path / META_FILE}: unreadable model metadata ({exc!r})") from None
    return meta


def write_meta(path: Path, meta: dict) -> None:
    """Write the metadata: the last file of a save, which makes the dir loadable."""
    (path / META_FILE).write_text(json.dumps(meta, indent=2))


def is_ensemble_dir(path: Path) -> bool:
    """Whether a model dir is an ensemble (it has a ``members/`` subdirectory)."""
    return (path / MEMBERS).is_dir()


def is_lstm_dir(path: Path) -> bool:
    """Whether a model dir holds a word-level BiLSTM-CRF (its config names :data:`BILSTM_CRF`)."""
    try:
        return json.loads((path / CONFIG_FILE).read_text()).get("model_type") == BILSTM_CRF
    except (OSError, ValueError, AttributeError):
        return False


def member_dirs(path: Path, meta: dict) -> list[Path]:
    """The checked model dirs an ensemble's metadata lists, or ``[path]`` for a single model."""
    return [check_model_dir(path / MEMBERS / name) for name in meta.get("members") or []] or [path]


def check_model_dir(path: str | Path) -> Path:
    """Raise :class:`ModelError` naming what is missing from a model directory (or an ensemble's top level)."""
    path = Path(path)
    if not path.is_dir():
        raise ModelError(f"{path}: model directory not found")
    if is_ensemble_dir(path):
        required, needs_tokenizer = (META_FILE,), False
    elif is_lstm_dir(path):
        required, needs_tokenizer = (*REQUIRED, VOCAB_FILE), False
    else:
        required, needs_tokenizer = REQUIRED, True
    missing = [f for f in required if not (path / f).is_file()]
    if needs_tokenizer and not any((path / f).is_file() for f in TOKENIZER_FILES):
        missing.append("tokenizer files")
    if missing:
        raise ModelError(f"{path}: incomplete model directory, missing {', '.join(missing)}")
    return path
