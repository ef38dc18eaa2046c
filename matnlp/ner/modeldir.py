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

Trained models also keep ``training_args.json`` (their settings) and ``metrics.json`` (dev and test scores). Any
kind may hold ``calibration.json`` (:data:`CALIBRATION_FILE`, :mod:`matnlp.ner.calibrate`): the per-label map from
raw entity score to confidence, fitted on the dev set by ``matnlp ner build`` or ``matnlp ner calibrate``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

from ..errors import ModelError
from ..io import share_files
from .calibrate import POOLED, Calibration

META_FILE = "matnlp_ner.json"
CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.safetensors"
CRF_FILE = "crf.safetensors"
VOCAB_FILE = "vocab.json"
TRAINING_ARGS_FILE = "training_args.json"
METRICS_FILE = "metrics.json"
CALIBRATION_FILE = "calibration.json"
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
    """Write the metadata: the last file of a save, which makes the dir loadable. Every file of the dir then gets
    the mode the umask gives (safetensors writes weights ``0o600``; :func:`matnlp.io.share_files`)."""
    (path / META_FILE).write_text(json.dumps(meta, indent=2))
    share_files(path)


def is_ensemble_dir(path: Path) -> bool:
    """Whether a model dir is an ensemble (it has a ``members/`` subdirectory)."""
    return (path / MEMBERS).is_dir()


def is_lstm_dir(path: Path) -> bool:
    """Whether a model dir holds a word-level BiLSTM-CRF (its config names :data:`BILSTM_CRF`)."""
    try:
        return json.loads((path / CONFIG_FILE).read_text()).get("model_type") == BILSTM_CRF
    except (OSError, ValueError, AttributeError):
        return False


def read_calibration(path: Path) -> Calibration | None:
    """The calibration of a model dir (``None`` when it has none); :class:`ModelError` when the file is broken or
    maps a label the model lacks."""
    file = path / CALIBRATION_FILE
    if not file.is_file():
        return None
    calibration = Calibration.read(file)
    types = {lab[2:] for lab in read_meta(path)["labels"] if lab.startswith("B-")}
    unknown = set(calibration.curves) - {POOLED, *types}
    if unknown:
        raise ModelError(f"{file}: maps labels the model lacks ({', '.join(sorted(unknown))})")
    return calibration


def member_dirs(path: Path, meta: dict) -> list[Path]:
    """The checked model dirs an ensemble's metadata lists, or ``[path]`` for a single model."""
    return [check_model_dir(path / MEMBERS / name) for name in meta.get("members") or []] or [path]


def check_model_dir(path: str | Path) -> Path:
    """Raise :class:`ModelError` naming what is wrong with a model directory, before anything is loaded from it:
    a missing file, an empty or unreadable JSON file, a safetensors file that is truncated or corrupt (header
    unreadable, a tensor's bytes beyond the end of the file or of another size than its shape), labels that are
    not an IOB2 list or not as many as the config's label head, a broken ``calibration.json``, and (for an
    ensemble) the same in every member."""
    path = Path(path)
    if not path.is_dir():
        raise ModelError(f"{path}: model directory not found" if not path.exists() else
                         f"{path}: not a model directory (a file)")
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
    meta = read_meta(path)
    labels = _check_labels(path / META_FILE, meta["labels"])
    read_calibration(path)
    if is_ensemble_dir(path):
        if not meta.get("members"):
            raise ModelError(f"{path / META_FILE}: an ensemble dir that lists no members")
        for name in meta["members"]:
            member = check_model_dir(path / MEMBERS / str(name))
            if read_meta(member)["labels"] != labels:
                raise ModelError(f"{member / META_FILE}: labels differ from the ensemble's ({path / META_FILE})")
        return path
    config = _read_json(path / CONFIG_FILE)
    if not is_lstm_dir(path):
        _check_label_map(path / CONFIG_FILE, config, labels)
        for name in ("tokenizer.json", "tokenizer_config.json"):
            if (path / name).is_file():
                _read_json(path / name)
    else:
        vocab = _read_json(path / VOCAB_FILE)
        if not isinstance(vocab, dict) or not {"words", "chars"} <= vocab.keys():
            raise ModelError(f"{path / VOCAB_FILE}: not a BiLSTM-CRF vocabulary (no 'words' and 'chars')")
    check_safetensors(path / WEIGHTS_FILE)
    if meta.get("crf"):
        if not (path / CRF_FILE).is_file():
            raise ModelError(f"{path}: the model uses a CRF but {CRF_FILE} is missing")
        check_safetensors(path / CRF_FILE)
    return path


def _read_json(file: Path):
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{file}: unreadable ({'empty file' if _empty(file) else exc})") from None


def _empty(file: Path) -> bool:
    try:
        return file.stat().st_size == 0
    except OSError:
        return False


def _check_labels(file: Path, labels) -> list[str]:
    if not isinstance(labels, list) or not labels or not all(isinstance(lab, str) for lab in labels):
        raise ModelError(f"{file}: 'labels' must be a non-empty list of tag names")
    if len(set(labels)) != len(labels):
        raise ModelError(f"{file}: 'labels' repeats a tag")
    odd = [lab for lab in labels if lab != "O" and lab[:2] not in ("B-", "I-")]
    if odd:
        raise ModelError(f"{file}: labels are not IOB2 tags ({', '.join(odd[:3])})")
    return labels


def _check_label_map(file: Path, config, labels: list[str]) -> None:
    """The config's label head (``num_labels``, ``id2label``) must have as many labels as the metadata. Their names
    and order are the metadata's: a model handed to ``train`` keeps the ``id2label`` it was built with."""
    if not isinstance(config, dict):
        raise ModelError(f"{file}: not a model config (a JSON object)")
    id2label = config.get("id2label")
    sizes = {len(id2label) if isinstance(id2label, dict) else None, config.get("num_labels")} - {None}
    if sizes and sizes != {len(labels)}:
        raise ModelError(f"{file}: a head of {' or '.join(map(str, sorted(sizes)))} labels, but {len(labels)} labels "
                         f"in {META_FILE}: the label map does not match the model")


#: Bytes per element of the safetensors dtypes.
DTYPE_BYTES = {"BOOL": 1, "U8": 1, "I8": 1, "F8_E4M3": 1, "F8_E5M2": 1, "U16": 2, "I16": 2, "F16": 2, "BF16": 2,
               "U32": 4, "I32": 4, "F32": 4, "U64": 8, "I64": 8, "F64": 8}
MAX_HEADER_BYTES = 100 * 1024 * 1024


def check_safetensors(file: Path) -> None:
    """Raise :class:`ModelError` naming ``file`` when it is not a whole safetensors file: the 8-byte header length,
    a JSON header within the file, and every tensor's byte range inside the data and as long as its shape."""
    try:
        size = file.stat().st_size
        with file.open("rb") as handle:
            head = handle.read(8)
            length = int.from_bytes(head, "little") if len(head) == 8 else -1
            if not 0 < length <= min(size - 8, MAX_HEADER_BYTES):
                raise ModelError(f"{file}: truncated or not a safetensors file ({size} bytes; header of "
                                 f"{max(length, 0)} bytes)")
            header = json.loads(handle.read(length))
    except OSError as exc:
        raise ModelError(f"{file}: unreadable ({exc})") from None
    except (ValueError, UnicodeDecodeError):
        raise ModelError(f"{file}: corrupt safetensors header (not JSON)") from None
    if not isinstance(header, dict):
        raise ModelError(f"{file}: corrupt safetensors header (not a JSON object)")
    data = size - 8 - length
    for name, info in header.items():
        if name == "__metadata__":
            continue
        try:
            begin, end = (int(x) for x in info["data_offsets"])
            count = math.prod(int(d) for d in info["shape"])
            dtype = info["dtype"]
        except (KeyError, TypeError, ValueError):
            raise ModelError(f"{file}: corrupt safetensors header (tensor {name!r})") from None
        if not 0 <= begin <= end <= data:
            raise ModelError(f"{file}: truncated: tensor {name!r} needs bytes {begin}–{end} of the data, the file "
                             f"holds {max(data, 0)}")
        if dtype in DTYPE_BYTES and end - begin != count * DTYPE_BYTES[dtype]:
            raise ModelError(f"{file}: corrupt: tensor {name!r} has {end - begin} bytes for shape {info['shape']} "
                             f"of {dtype}")
