"""Ensembles of NER models (different seeds, or different base encoders): word emissions and CRF scores averaged.

Fine-tunes on a few hundred documents differ by a point or more from seed to seed; averaging their word emissions
(and CRF scores) before decoding removes much of that variance (MSPT test micro-F1: three MiniLM seeds
0.774-0.788, their ensemble 0.792), at the inference cost of one forward pass per member. Members from different
bases (e.g. MiniLM and MPNet, each with its own tokenizer) are averaged per word, on each word's first piece, and
so are word-level BiLSTM-CRF members (:mod:`matnlp.ner.lstm`).

An ensemble is a model dir like any other (:mod:`matnlp.ner.modeldir`): ``matnlp_ner.json`` (with ``members``)
and the member dirs (each with its own tokenizer or vocabulary) under ``members/``; :func:`matnlp.ner.load` reads
it.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Sequence
from pathlib import Path

from ..errors import ConfigError, ModelError
from .data import Example
from .evaluate import evaluate
from .modeldir import BILSTM_CRF, MEMBERS, METRICS_FILE, check_model_dir, read_meta, write_meta
from .predict import load

log = logging.getLogger(__name__)

SAME = ("labels", "processing", "crf")
"""Metadata every member must share: the ensemble decodes them as one model."""
SAME_WINDOWS = ("max_length", "stride", "context")
"""Metadata the word-piece members must share: their windows are built with the ensemble's settings."""
DEFAULTS = {"context": 0}
"""Values of metadata keys that models saved before the key existed imply."""


def build(model_dirs: Sequence[str | Path], out_dir: str | Path) -> Path:
    """Write an ensemble of ``model_dirs`` (same labels, processing, head and windows) to ``out_dir``."""
    dirs = [check_model_dir(p) for p in model_dirs]
    if len(dirs) < 2:
        raise ConfigError("an ensemble needs at least two model directories")
    metas = [read_meta(d) for d in dirs]
    pieces = [m for m in metas if m.get("kind") != BILSTM_CRF] or metas
    ref = dirs[metas.index(pieces[0])]
    for d, meta in zip(dirs, metas):
        if meta.get("members"):
            raise ConfigError(f"{d} is itself an ensemble; list its members instead")
        keys = SAME if meta.get("kind") == BILSTM_CRF else SAME + SAME_WINDOWS
        differ = [k for k in keys if meta.get(k, DEFAULTS.get(k)) != pieces[0].get(k, DEFAULTS.get(k))]
        if differ:
            raise ModelError(f"{d}: {', '.join(differ)} differ from {ref}; members must share one scheme")
    out = Path(out_dir)
    if out.resolve() in {d.resolve() for d in dirs}:
        raise ConfigError(f"{out}: the ensemble must not be written into one of its members")
    if out.exists():
        shutil.rmtree(out)
    names = [f"member-{i}" for i in range(len(dirs))]
    for d, name in zip(dirs, names):
        shutil.copytree(d, out / MEMBERS / name)
    meta = dict(pieces[0], members=names, member_sources=[str(d) for d in dirs])
    write_meta(out, meta)  # last: an interrupted build is not loadable
    log.info("ensemble of %d models -> %s", len(dirs), out)
    return out


def score(model_dir: Path, dev: Sequence[Example] | None, test: Sequence[Example] | None,
          device: str = "auto") -> dict:
    """Write ``metrics.json`` of an ensemble dir and return it: each member's dev micro-F1 and the ensemble's dev
    and test reports (test scored once, for reporting, never for choosing)."""
    meta = read_meta(model_dir)
    metrics: dict = {"members": meta["member_sources"]}
    if dev:
        metrics["members_dev_micro_f1"] = [
            evaluate(load(model_dir / MEMBERS / name, device=device), dev, "ignore")["micro"]["f1"]
            for name in meta["members"]
        ]
    if dev or test:
        tagger = load(model_dir, device=device)
        metrics.update({split: evaluate(tagger, data, "ignore") for split, data in (("dev", dev), ("test", test))
                        if data})
    (model_dir / METRICS_FILE).write_text(json.dumps(metrics, indent=2))
    return metrics
