"""Embedding evaluation: word2vec analogy sections and mat2vec's thermoelectric ranking."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
from gensim.models import KeyedVectors

from ..errors import ConfigError
from .model import Embeddings


# --------------------------------------------------------------------------------------------------- evaluation

def read_analogies(path: str | Path) -> list[tuple[str, list[tuple[str, str, str, str]]]]:
    """Sections of a word2vec ``questions-words`` file: ``[(name, [(a, b, c, d), ...]), ...]``."""
    sections: list[tuple[str, list]] = []
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.startswith(":"):
                    sections.append((line[1:].strip(), []))
                elif line.strip():
                    words = line.split()
                    if len(words) != 4 or not sections:
                        raise ConfigError(f"{path}: bad analogy line {line.strip()!r}")
                    sections[-1][1].append(tuple(words))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read analogies ({exc})") from exc
    return sections


def evaluate_analogies(wv: KeyedVectors, path: str | Path, restrict_vocab: int = 300_000,
                       batch: int = 512) -> dict[str, Any]:
    """Analogy accuracy (3CosAdd, case-sensitive) per section, for materials/grammar sections and overall.

    Like gensim's ``evaluate_word_analogies``: only questions whose four words are among the ``restrict_vocab``
    most frequent words count (``covered``); ``accuracy = correct / covered``; ``coverage = covered / questions``.
    """
    keys = wv.index_to_key[:restrict_vocab]
    index = {w: i for i, w in enumerate(keys)}
    normed = np.asarray(wv.get_normed_vectors()[: len(keys)], dtype=np.float32)
    rows = []
    for name, questions in read_analogies(path):
        ids = np.array([[index[w] for w in q] for q in questions if all(w in index for w in q)], dtype=np.int64)
        correct = _count_correct(normed, ids.reshape(-1, 4), batch)
        rows.append(_score({"section": name, "questions": len(questions)}, len(ids), correct))
    groups = {"materials": [r for r in rows if not r["section"].startswith("gram")],
              "grammar": [r for r in rows if r["section"].startswith("gram")], "overall": rows}
    summary = {g: _score({"questions": sum(r["questions"] for r in rs)}, sum(r["covered"] for r in rs),
                         sum(r["correct"] for r in rs)) for g, rs in groups.items()}
    return {"file": str(path), "restrict_vocab": restrict_vocab, "vocab": len(wv), **summary, "sections": rows}


def _count_correct(normed: np.ndarray, ids: np.ndarray, batch: int) -> int:
    correct = 0
    for start in range(0, len(ids), batch):
        q = ids[start:start + batch]
        target = normed[q[:, 1]] - normed[q[:, 0]] + normed[q[:, 2]]
        sims = target @ normed.T
        rows = np.arange(len(q))[:, None]
        sims[rows, q[:, :3]] = -np.inf
        correct += int((sims.argmax(axis=1) == q[:, 3]).sum())
    return correct


def _score(row: dict, covered: int, correct: int) -> dict:
    return {**row, "covered": covered, "correct": correct,
            "accuracy": round(correct / covered, 4) if covered else None,
            "coverage": round(covered / row["questions"], 4) if row["questions"] else None}


def evaluate_thermoelectric(emb: Embeddings, path: str | Path, word: str = "thermoelectric", pf_index: int = 0,
                            top: int = 20) -> dict[str, Any]:
    """Rank mat2vec's thermoelectric-table formulas by cosine similarity to ``word``; Spearman with power factors.

    Table entries are ``formula: [{surface form: count}, known_thermoelectric, [power factors] | null]``;
    ``pf_index`` picks the computed power factor (0: PF at T<=600 K, c<=1e20 cm^-3, the paper's choice).
    """
    from scipy.stats import spearmanr

    try:
        table = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: cannot read the thermoelectric table ({exc})") from exc
    target = emb.wv[emb.resolve(word)[0]]
    target = target / np.linalg.norm(target)
    covered = [(f, entry) for f, entry in table.items() if f in emb]
    sims = _cosines(emb, [f for f, _ in covered], target)
    ranked = sorted(zip(sims, covered), key=lambda x: -x[0])
    with_pf = [(s, e[2][pf_index]) for s, (f, e) in ranked if e[2] and e[2][pf_index] is not None]
    rho, p = spearmanr([s for s, _ in with_pf], [v for _, v in with_pf]) if len(with_pf) > 2 else (math.nan, math.nan)
    known = [bool(e[1]) for _, (_, e) in ranked]
    return {"file": str(path), "word": word, "pf_index": pf_index, "formulas": len(table), "covered": len(covered),
            "covered_with_pf": len(with_pf), "spearman": _finite(rho), "p_value": _finite(p),
            "known_te_in_top": sum(known[:top]), "known_te_covered": sum(known), "top": top,
            "ranking": [{"formula": f, "similarity": round(float(s), 4), "known": bool(e[1]),
                         "pf": e[2][pf_index] if e[2] else None} for s, (f, e) in ranked[:top]]}


def _cosines(emb: Embeddings, words: list[str], target: np.ndarray) -> list[float]:
    if not words:
        return []
    vectors = np.asarray(emb.wv[words], dtype=np.float32)
    return list(vectors @ target / np.linalg.norm(vectors, axis=1))


def _finite(value: float) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), 4)
