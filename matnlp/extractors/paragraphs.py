"""Synthesis paragraphs: every paragraph of a paper labelled as a procedure of one type or as none.

The first stage of a recipe pipeline (Kononova et al.): steps and recipes are read only from paragraphs that
describe how something was made. A small linear model over word uni/bigrams and character n-grams (sublinear tf ×
idf, L2-normalised) scores each paragraph for the :data:`LABELS`; the temperature-calibrated probabilities of
each paragraph are mixed with its neighbours' (a one-line "RF power was set at 150 W." inside a procedure reads
as part of it). Temperature, context weight and a bias on ``none`` are chosen on hand-labelled dev paragraphs. Weights ship as
``data/paragraph_classifier.json`` (labels, vocabulary, idf, calibration) and ``data/paragraph_classifier.npy``
(coefficients), built by ``scripts/train_paragraphs.py``; inference is numpy only.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..text.tokenize import sentences as split_sentences
from ..types import Document

#: Procedure types, then ``other`` (a fabrication procedure of another kind) and ``none`` (not a procedure).
LABELS: tuple[str, ...] = ("solid-state", "sol-gel", "hydrothermal", "precipitation", "other", "none")
NONE = "none"
#: Paragraph kinds of a Document that can hold a procedure.
TEXT_KINDS = ("paragraph", "abstract")
#: A block longer than this (a text without line breaks) is classified in runs of sentences of about
#: :data:`UNIT_CHARS` characters.
MAX_UNIT_CHARS = 1500
UNIT_CHARS = 500
MODEL_PATH = Path(__file__).with_name("data") / "paragraph_classifier.json"

_WORD = re.compile(r"\[\d[\d,–\- ]*\]|[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+(?:[.,]\d+)?|°C|%")
#: Weights of the neighbours one and two paragraphs away in the context mix.
NEIGHBOUR_WEIGHTS = (1.0, 0.5)
_CHAR_NGRAMS = (3, 5)


@dataclass(slots=True)
class ParagraphClass:
    """A paragraph span of the document text with its label and the calibrated probability of that label."""

    start: int
    end: int
    label: str
    confidence: float

    @property
    def is_synthesis(self) -> bool:
        return self.label != NONE

    def to_dict(self) -> dict:
        return asdict(self)


def features(text: str) -> Counter:
    """Feature counts of a paragraph: words (numbers as ``0``, citations "[12]" as ``<cite>``), word bigrams and
    character 3–5-grams of words."""
    words = ["<cite>" if w[0] == "[" else "0" if w[0].isdigit() else w.lower() for w in _WORD.findall(text)]
    counts = Counter(f"w:{w}" for w in words)
    counts.update(f"b:{a} {b}" for a, b in zip(words, words[1:]))
    for w in set(words):
        if len(w) > 3 and w != "<cite>":
            padded = f"<{w}>"
            counts.update(f"c:{padded[i:i + n]}" for n in range(_CHAR_NGRAMS[0], _CHAR_NGRAMS[1] + 1)
                          for i in range(len(padded) - n + 1))
    return counts


@dataclass
class ParagraphModel:
    """Linear scorer over :func:`features`: ``coef`` (labels × vocabulary), ``intercept``, ``idf``; ``context``
    is the weight of the neighbours' probabilities and ``temperature`` the calibration of the softmax."""

    labels: tuple[str, ...]
    vocabulary: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    context: float = 0.0
    temperature: float = 1.0

    @classmethod
    def load(cls, path: str | Path = MODEL_PATH) -> ParagraphModel:
        path = Path(path)
        meta = json.loads(path.read_text(encoding="utf-8"))
        return cls(tuple(meta["labels"]), {f: i for i, f in enumerate(meta["vocabulary"])},
                   np.asarray(meta["idf"], dtype=np.float64), np.load(path.with_suffix(".npy")),
                   np.asarray(meta["intercept"], dtype=np.float64), meta["context"], meta["temperature"])

    def save(self, path: str | Path, **extra) -> None:
        """Write the JSON (vocabulary in index order, calibration, ``extra`` notes) and the ``.npy`` weights."""
        path = Path(path)
        vocabulary = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        meta = {"labels": list(self.labels), "vocabulary": vocabulary, "idf": [round(float(x), 5) for x in self.idf],
                "intercept": self.intercept.tolist(), "context": self.context, "temperature": self.temperature,
                **extra}
        path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        np.save(path.with_suffix(".npy"), self.coef.astype(np.float32))

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Sparse feature vector of ``text`` as (indices, values): sublinear tf × idf, L2-normalised."""
        pairs = [(self.vocabulary[f], 1.0 + math.log(c)) for f, c in features(text).items() if f in self.vocabulary]
        if not pairs:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        idx = np.fromiter((i for i, _ in pairs), dtype=np.int64, count=len(pairs))
        val = np.fromiter((v for _, v in pairs), dtype=np.float64, count=len(pairs)) * self.idf[idx]
        return idx, val / np.linalg.norm(val)

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Raw linear scores of consecutive paragraphs (texts × labels), without context or calibration."""
        out = np.tile(self.intercept, (len(texts), 1))
        for row, text in enumerate(texts):
            idx, val = self.vector(text)
            out[row] += self.coef[:, idx] @ val
        return out

    def probabilities(self, texts: Sequence[str], context: float | None = None,
                      temperature: float | None = None) -> np.ndarray:
        """Calibrated label probabilities of consecutive paragraphs (texts × labels)."""
        return calibrate(self.scores(texts), self.context if context is None else context,
                         self.temperature if temperature is None else temperature)


def calibrate(scores: np.ndarray, context: float, temperature: float) -> np.ndarray:
    """Label probabilities of consecutive paragraphs: each paragraph's own softmax at ``temperature``, mixed
    with the weighted mean of its neighbours' (up to :data:`NEIGHBOUR_WEIGHTS` away) at weight ``context``
    (0–1). Mixing probabilities, not scores, keeps a paragraph with clear evidence of its own as it is."""
    z = scores / temperature
    z -= z.max(axis=1, keepdims=True)
    own = np.exp(z)
    own /= own.sum(axis=1, keepdims=True)
    n = len(own)
    if not context or n < 2:
        return own
    total = np.zeros_like(own)
    weight = np.zeros((n, 1))
    for distance, w in enumerate(NEIGHBOUR_WEIGHTS, 1):
        if distance < n:
            total[distance:] += w * own[:-distance]
            total[:-distance] += w * own[distance:]
            weight[distance:] += w
            weight[:-distance] += w
    return (1 - context) * own + context * total / weight


@lru_cache(maxsize=1)
def default_model() -> ParagraphModel:
    """The shipped model (loaded once per process)."""
    return ParagraphModel.load()


def classify_paragraphs(text: str, spans: Sequence[tuple[int, int]],
                        model: ParagraphModel | None = None) -> list[ParagraphClass]:
    """Label and confidence of each span of ``text``; spans are taken as consecutive paragraphs (for context)."""
    if not spans:
        return []
    model = model or default_model()
    probs = model.probabilities([text[a:b] for a, b in spans])
    best = probs.argmax(axis=1)
    return [ParagraphClass(a, b, model.labels[k], round(float(p[k]), 4))
            for (a, b), k, p in zip(spans, best, probs)]


def paragraph_spans(doc: Document) -> list[tuple[int, int]]:
    """The units classified in ``doc``: its paragraphs (and abstract), or its lines when it has no paragraph
    spans; a unit over :data:`MAX_UNIT_CHARS` (a text without line breaks) is cut into runs of sentences."""
    if doc.paragraphs:
        blocks = [(p.start, p.end) for p in doc.paragraphs if p.kind in TEXT_KINDS]
    else:
        blocks = [m.span() for m in re.finditer(r"[^\n]*\S[^\n]*", doc.text)]
    spans: list[tuple[int, int]] = []
    for a, b in blocks:
        spans.extend(_sentence_runs(doc, a, b) if b - a > MAX_UNIT_CHARS else [(a, b)])
    return spans


def _sentence_runs(doc: Document, start: int, end: int) -> list[tuple[int, int]]:
    sents = [(s.start, s.end) for s in doc.sentences if start <= s.start and s.end <= end]
    if not sents:
        sents = [(start + s.start, start + s.end) for s in split_sentences(doc.text[start:end])]
    runs: list[tuple[int, int]] = []
    for a, b in sents:
        if runs and b - runs[-1][0] <= UNIT_CHARS:
            runs[-1] = (runs[-1][0], b)
        else:
            runs.append((a, b))
    return runs


def synthesis_paragraphs(doc: Document, model: ParagraphModel | None = None) -> list[ParagraphClass]:
    """The paragraphs of ``doc`` that describe a synthesis or fabrication procedure, in text order."""
    return [p for p in classify_paragraphs(doc.text, paragraph_spans(doc), model) if p.is_synthesis]
