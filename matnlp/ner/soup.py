"""Weight averaging ("model soup", Wortsman et al. 2022) of NER models fine-tuned from the same base.

Fine-tunes of one pretrained encoder with different seeds land in one loss basin, so the element-wise mean of their
weights is itself a good model, often better than each ingredient, at the inference cost of one model.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Sequence
from pathlib import Path

from ..errors import ConfigError, ModelError
from .predict import check_model_dir
from .train import CRF_FILE, META_FILE

log = logging.getLogger(__name__)

WEIGHTS = "model.safetensors"
SAME = ("labels", "processing", "crf", "max_length", "stride")
"""Metadata the ingredients must share: a soup of models with different heads or inputs is meaningless."""


def _meta(path: Path) -> dict:
    try:
        return json.loads((path / META_FILE).read_text())
    except ValueError as exc:
        raise ModelError(f"{path / META_FILE}: unreadable model metadata ({exc})") from None


def _mean(files: Sequence[Path]) -> dict:
    """Element-wise mean of the tensors of several safetensors files with identical keys and shapes."""
    from safetensors.torch import load_file

    first = load_file(str(files[0]))
    total = {k: v.double() for k, v in first.items()}
    for file in files[1:]:
        tensors = load_file(str(file))
        if tensors.keys() != total.keys() or any(tensors[k].shape != total[k].shape for k in total):
            raise ModelError(f"{file}: tensors differ from {files[0]} (models from different bases?)")
        for k, v in tensors.items():
            total[k] += v.double()
    return {k: (v / len(files)).to(first[k].dtype).contiguous() for k, v in total.items()}


def average(model_dirs: Sequence[str | Path], out_dir: str | Path) -> Path:
    """Write the weight average of ``model_dirs`` (same labels, processing, head and base) to ``out_dir``."""
    from safetensors.torch import save_file

    dirs = [check_model_dir(p) for p in model_dirs]
    if len(dirs) < 2:
        raise ConfigError("averaging needs at least two model directories")
    metas = [_meta(d) for d in dirs]
    for d, meta in zip(dirs[1:], metas[1:]):
        differ = [k for k in SAME if meta.get(k) != metas[0].get(k)]
        if differ:
            raise ModelError(f"{d}: {', '.join(differ)} differ from {dirs[0]}; only models of one scheme average")
    out = Path(out_dir)
    if out.resolve() in {d.resolve() for d in dirs}:
        raise ConfigError(f"{out}: the output must not be one of the averaged models")
    out.mkdir(parents=True, exist_ok=True)
    (out / META_FILE).unlink(missing_ok=True)  # written last, so an interrupted average is not loadable
    for name in (WEIGHTS, CRF_FILE) if metas[0].get("crf") else (WEIGHTS,):
        save_file(_mean([d / name for d in dirs]), str(out / name))
    for item in dirs[0].iterdir():
        if item.is_file() and item.name not in (WEIGHTS, CRF_FILE, META_FILE, "metrics.json"):
            shutil.copy2(item, out / item.name)
    meta = dict(metas[0], averaged_from=[str(d) for d in dirs])
    (out / META_FILE).write_text(json.dumps(meta, indent=2))
    log.info("averaged %d models -> %s", len(dirs), out)
    return out
