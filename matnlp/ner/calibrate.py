"""Calibrated entity confidence: per label, a monotone map from a tagger's raw entity score to the probability that
the entity is exactly right (same words and type as a gold entity).

The raw score (:func:`span_score`, the mean probability of the entity's word tags) is not a confidence: on
Matscholar test, entities scored 0.1–0.5 are about 80% correct. The map is fitted on the model's dev set
(:func:`calibrate`), kept as ``calibration.json`` in the model directory (:data:`matnlp.ner.modeldir.CALIBRATION_FILE`)
and applied by the tagger to set :attr:`matnlp.types.Entity.confidence`.

Fitting one label: its dev entities sorted by score are cut into bins of equal count (at least :data:`MIN_BIN`);
each bin gives its mean score and its smoothed accuracy ``(correct + 1) / (n + 2)``; pool-adjacent-violators makes
the accuracies non-decreasing; between bin means the map is linear, beyond them flat. Labels with fewer than
:data:`MIN_LABEL` dev entities use the map fitted on all labels (``"*"``). The file also keeps the expected
calibration error and reliability table of the raw and calibrated scores on dev and test (:func:`reliability`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ..errors import ModelError
from .labels import spans

log = logging.getLogger(__name__)

POOLED = "*"
"""Key of the map fitted on the entities of every label, used for labels with too few dev entities."""
MIN_BIN = 30
MIN_LABEL = 100
BINS = 10
"""Equal-width bins of the reliability tables and the expected calibration error."""


def span_score(probs: np.ndarray, start: int, end: int) -> float:
    """The raw score of the entity on words ``start:end``: the mean probability of its chosen tags."""
    return round(float(np.mean(probs[start:end])), 4)


@dataclass(frozen=True, slots=True)
class Outcome:
    """One predicted entity: its label, raw score and whether a gold entity has the same words and label."""

    label: str
    score: float
    correct: bool


@dataclass(slots=True)
class Curve:
    """A monotone map from raw score to confidence: points ``(x, y)``, fitted on ``n`` dev entities."""

    x: list[float]
    y: list[float]
    n: int

    def __call__(self, score: float) -> float:
        return round(float(np.interp(score, self.x, self.y)), 4)


@dataclass(frozen=True, slots=True)
class Bin:
    """One row of a reliability table: scores in ``[low, high)``, their mean and the share correct."""

    low: float
    high: float
    count: int
    confidence: float
    accuracy: float


@dataclass(slots=True)
class Calibration:
    """Per-label :class:`Curve` maps (``"*"``: all labels) and the report of how well they calibrate."""

    curves: dict[str, Curve]
    report: dict = field(default_factory=dict)

    def __call__(self, label: str, score: float) -> float:
        """The confidence of an entity of ``label`` with raw ``score``."""
        return self.curves.get(label, self.curves[POOLED])(score)

    def to_dict(self) -> dict:
        return {"format": 1, "curves": {k: asdict(c) for k, c in self.curves.items()}, "report": self.report}

    @classmethod
    def from_dict(cls, d: dict, where: str = "calibration") -> Calibration:
        """The calibration of a ``calibration.json`` object; :class:`ModelError` when it is not one."""
        try:
            curves = {str(k): Curve([float(v) for v in c["x"]], [float(v) for v in c["y"]], int(c["n"]))
                      for k, c in d["curves"].items()}
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ModelError(f"{where}: not a calibration ({exc!r})") from None
        if POOLED not in curves:
            raise ModelError(f"{where}: no pooled map {POOLED!r}")
        for label, c in curves.items():
            if not c.x or len(c.x) != len(c.y) or np.any(np.diff(c.x) < 0) or np.any(np.diff(c.y) < 0) \
                    or not all(0.0 <= y <= 1.0 for y in c.y):
                raise ModelError(f"{where}: the map of {label!r} is not a non-decreasing curve into [0, 1]")
        return cls(curves, d.get("report", {}))

    def save(self, file: Path) -> None:
        file.write_text(json.dumps(self.to_dict(), indent=1))

    @classmethod
    def read(cls, file: Path) -> Calibration:
        try:
            d = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"{file}: unreadable ({exc})") from None
        return cls.from_dict(d, str(file))


def entity_outcomes(tagger, examples: Sequence) -> list[Outcome]:
    """Tag the examples' words (``tagger.tag_words``) and judge every predicted entity against the gold tags;
    gold labels the model lacks count as ``O``, as in :func:`matnlp.ner.evaluate.evaluate` with ``ignore``."""
    known = set(tagger.labels)
    tagged = tagger.tag_words([e.words for e in examples], None, [e.doc for e in examples])
    out = []
    for example, (tags, probs) in zip(examples, tagged):
        gold = set(spans([t if t in known else "O" for t in example.tags]))
        out += [Outcome(t, span_score(probs, a, b), (a, b, t) in gold) for a, b, t in spans(tags)]
    return out


def fit_curve(scores: np.ndarray, correct: np.ndarray) -> Curve:
    """The binned, smoothed, monotone map of one set of dev entities (module docstring)."""
    order = np.argsort(scores, kind="stable")
    scores, correct = scores[order], correct[order].astype(float)
    parts = max(1, min(BINS, len(scores) // MIN_BIN))
    bins = [b for b in np.array_split(np.arange(len(scores)), parts) if len(b)]
    x = [float(scores[b].mean()) for b in bins]
    y = [(correct[b].sum() + 1) / (len(b) + 2) for b in bins]
    return Curve([round(v, 4) for v in x], [round(float(v), 4) for v in _pool_adjacent(y, [len(b) for b in bins])],
                 len(scores))


def _pool_adjacent(values: list[float], weights: list[int]) -> list[float]:
    """Weighted least-squares non-decreasing fit of ``values`` (pool-adjacent-violators)."""
    blocks: list[list[float]] = []  # [mean, weight, size]
    for v, w in zip(values, weights):
        blocks.append([v, w, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            (v2, w2, n2), (v1, w1, n1) = blocks.pop(), blocks.pop()
            blocks.append([(v1 * w1 + v2 * w2) / (w1 + w2), w1 + w2, n1 + n2])
    return [v for v, _, n in blocks for _ in range(n)]


def fit(outcomes: Sequence[Outcome]) -> dict[str, Curve]:
    """A :class:`Curve` per label with at least :data:`MIN_LABEL` entities, and the pooled one."""
    if not outcomes:
        raise ModelError("cannot calibrate: the model predicts no entity on the dev data")
    scores = np.array([o.score for o in outcomes])
    correct = np.array([o.correct for o in outcomes])
    labels = np.array([o.label for o in outcomes])
    curves = {POOLED: fit_curve(scores, correct)}
    for label in sorted(set(labels.tolist())):
        mask = labels == label
        if mask.sum() >= MIN_LABEL:
            curves[label] = fit_curve(scores[mask], correct[mask])
    return curves


def reliability(confidence: Sequence[float], correct: Sequence[bool], bins: int = BINS) -> list[Bin]:
    """The reliability table: the non-empty ones of ``bins`` equal-width confidence bins."""
    conf, ok = np.asarray(confidence, dtype=float), np.asarray(correct, dtype=float)
    index = np.minimum((conf * bins).astype(int), bins - 1)
    return [Bin(round(k / bins, 4), round((k + 1) / bins, 4), int(m.sum()), round(float(conf[m].mean()), 4),
                round(float(ok[m].mean()), 4))
            for k in range(bins) if (m := index == k).any()]


def expected_calibration_error(table: Sequence[Bin]) -> float:
    """ECE: the count-weighted mean gap between confidence and accuracy over the bins of a reliability table."""
    total = sum(b.count for b in table)
    return round(sum(b.count * abs(b.accuracy - b.confidence) for b in table) / total, 4) if total else 0.0


def summary(confidence: Sequence[float], correct: Sequence[bool]) -> dict:
    """ECE and reliability table of one set of confidences."""
    table = reliability(confidence, correct)
    return {"ece": expected_calibration_error(table), "bins": [asdict(b) for b in table]}


def split_report(calibration: Calibration, outcomes: Sequence[Outcome]) -> dict:
    """Entities, accuracy, and the raw scores' and the confidences' :func:`summary` on one data split."""
    correct = [o.correct for o in outcomes]
    return {
        "entities": len(outcomes),
        "accuracy": round(float(np.mean(correct)), 4) if outcomes else None,
        "raw": summary([o.score for o in outcomes], correct),
        "calibrated": summary([calibration(o.label, o.score) for o in outcomes], correct),
    }


def calibrate(tagger, dev: Sequence, test: Sequence | None = None) -> Calibration:
    """Fit the calibration of ``tagger`` on the ``dev`` examples and report it on dev and (once) on ``test``."""
    dev_outcomes = entity_outcomes(tagger, dev)
    calibration = Calibration(fit(dev_outcomes))
    calibration.report["dev"] = split_report(calibration, dev_outcomes)
    if test:
        calibration.report["test"] = split_report(calibration, entity_outcomes(tagger, test))
    for split, r in calibration.report.items():
        log.info("calibration on %s: %d entities, ECE raw %.4f -> calibrated %.4f", split, r["entities"],
                 r["raw"]["ece"], r["calibrated"]["ece"])
    return calibration
