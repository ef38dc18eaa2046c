"""Whether a property value was set or found: a word model learnt from hand-audited whole papers.

The rules of :mod:`matnlp.extractors.properties` flag the settings they can name (scan rates, process temperatures,
the value a measurement was made at). On fresh papers most of what they miss are settings said in words the rules
do not list: a spectrometer's "resolution of 4 cm−1", "128 scans", a test rig's "backpressure of 150 kPa", a
simulation's "Tm = 280 °C", the bound of a result's region ("when the central temperature is below 125 °C"). This
model reads the words of the property name, the words just before and after the value, the sentence's words and the
value's dimension, and gives the probability that the value is a setting. It is a logistic regression trained by
``scripts/train_settings.py`` on the audit corpus (``corpora/audit``: records read as settings or as measured
values), evaluated leave-one-paper-out; weights and report are in :data:`MODEL_FILE`.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .quantities import Quantity, parse_unit

MODEL_FILE = Path(__file__).parent / "data" / "settings.json"
FORMAT = "matnlp-settings/1"
_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*|[=≈<>≤≥~∼:;(]")
_BEFORE_WORDS = 6
_AFTER_WORDS = 3
_NEAR_WORDS = 2


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _dimension(q: Quantity) -> str:
    """A readable class of the value's unit: ``none``, ``percent``, ``unknown`` or its dimension vector."""
    if q.unit is None:
        return "none"
    unit = parse_unit(q.unit)
    if not unit.known:
        return "unknown"
    return "percent" if not any(unit.dims) else ",".join(map(str, unit.dims))


def features(sentence: str, name: str, name_at: int | None, q: Quantity, at: int) -> list[str]:
    """The features of value ``q`` (offsets in the document; the sentence starts at ``at``) of the property ``name``
    (starting at ``name_at``, an offset like the value's; ``None`` when unknown)."""
    start, end = q.start - at, q.end - at
    before, after = _words(sentence[max(0, start - 80):start]), _words(sentence[end:end + 40])
    f = {f"name:{w}" for w in _words(name)} | {f"before:{w}" for w in before[-_BEFORE_WORDS:]}
    f |= {f"near:{w}" for w in before[-_NEAR_WORDS:]} | {f"after:{w}" for w in after[:_AFTER_WORDS]}
    f |= {f"sent:{w}" for w in _words(sentence)} | {f"dim:{_dimension(q)}"}
    if q.low is not None:
        f.add("range")
    if name_at is not None:
        f.add("value_before_name" if q.start < name_at else "value_after_name")
    return sorted(f)


@dataclass(frozen=True, slots=True)
class SettingModel:
    """Logistic regression over binary features: ``weights`` by feature, ``bias``; values with a probability of at
    least ``threshold`` are settings."""

    weights: dict[str, float]
    bias: float
    threshold: float

    def probability(self, feats: list[str]) -> float:
        z = self.bias + sum(self.weights.get(f, 0.0) for f in feats)
        return 1.0 / (1.0 + math.exp(-z))

    def is_setting(self, sentence: str, name: str, name_at: int | None, q: Quantity, at: int) -> bool:
        return self.probability(features(sentence, name, name_at, q, at)) >= self.threshold

    def to_dict(self) -> dict:
        return {"weights": {k: round(v, 5) for k, v in sorted(self.weights.items()) if abs(v) >= 1e-5},
                "bias": round(self.bias, 5), "threshold": self.threshold}

    @classmethod
    def from_dict(cls, d: dict) -> SettingModel:
        return cls(dict(d["weights"]), float(d["bias"]), float(d["threshold"]))


@cache
def default_model(path: Path = MODEL_FILE) -> SettingModel | None:
    """The shipped model, or ``None`` when it has not been trained (the rules alone then)."""
    if not path.is_file():
        return None
    d = json.loads(path.read_text(encoding="utf-8"))
    if d.get("format") != FORMAT:
        raise ValueError(f"{path}: not a {FORMAT} model")
    return SettingModel.from_dict(d["model"])
