"""Confidence of every record part (material, property, synthesis step): the probability that it is right, so that
users can rank parts or drop the doubtful ones (``matnlp extract --min-confidence``).

- A part named by model entities takes their calibrated confidence (:mod:`matnlp.ner.calibrate`): a material the
  highest among the material entities at its mentions, a step that of the operation entity at its span, a property
  that of the entity at its name times the share of right values among right names of its value path (below).
- A model-free part (formula and name finder, property lexicon, operation lexicon), or one whose entities carry no
  calibrated confidence, takes the precision measured for its path on held-out data, :data:`PATH_FILE`, written by
  ``scripts/measure_path_precision.py`` (MuLMS dev for materials and properties, MSPT dev for steps).

Paths: ``material/finder``; ``property/name`` (a property without a value: its name is right),
``property/value-unit`` and ``property/value-no-unit`` (name and value right, for values with or without a unit);
``step/lexicon``. A step counts as right when its operation is a gold operation: its type and conditions are not
judged.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .extractors.materials import MATERIAL_LABELS
from .extractors.properties import PROPERTY_LABELS
from .types import Entity

PATH_FILE = Path(__file__).parent / "extractors" / "data" / "path_precision.json"
PART_KINDS = ("entities", "materials", "properties", "synthesis")
"""The record parts that carry a confidence (and that ``--min-confidence`` filters)."""


@dataclass(frozen=True, slots=True)
class PathPrecision:
    """Measured on held-out data: the share of a path's parts that are right (``precision``, of ``n`` parts) and,
    for property value paths, the share of right values among the parts whose name is right (``given_name``)."""

    precision: float
    n: int
    data: str
    given_name: float | None = None


@cache
def path_precision(file: Path = PATH_FILE) -> dict[str, PathPrecision]:
    """The measured path precisions (empty when the table has not been measured)."""
    if not file.is_file():
        return {}
    return {path: PathPrecision(**entry) for path, entry in json.loads(file.read_text())["paths"].items()}


class SpanIndex:
    """The confidences of non-overlapping entities (one tagger's), looked up by overlap with a span."""

    def __init__(self, entities: Iterable[Entity]):
        found = sorted((e.start, e.end, e.confidence) for e in entities if e.confidence is not None)
        self.starts = [a for a, _, _ in found]
        self.ends = [b for _, b, _ in found]
        self.values = [c for _, _, c in found]

    def best(self, start: int, end: int) -> float | None:
        """The highest confidence among the entities overlapping ``[start, end)``."""
        i = bisect_right(self.ends, start)
        hits = []
        while i < len(self.starts) and self.starts[i] < end:
            hits.append(self.values[i])
            i += 1
        return max(hits, default=None)


def _path(name: str) -> float | None:
    entry = path_precision().get(name)
    return entry.precision if entry else None


def material_confidence(material: dict[str, Any], index: SpanIndex) -> float | None:
    found = [c for a, b in material["mentions"] if (c := index.best(a, b)) is not None]
    return max(found) if found else _path("material/finder")


def property_confidence(prop: dict[str, Any], index: SpanIndex) -> float | None:
    path = "property/name" if prop["value"] is None else \
        "property/value-unit" if prop["unit"] else "property/value-no-unit"
    named = index.best(prop["start"], prop["end"]) if prop.get("start") is not None else None
    if named is None:
        return _path(path)
    entry = path_precision().get(path)
    given = entry.given_name if entry and entry.given_name is not None else 1.0
    return round(named * given, 4)


def step_confidence(step: dict[str, Any], index: SpanIndex) -> float | None:
    found = index.best(step["start"], step["end"])
    return found if found is not None else _path("step/lexicon")


def annotate(entities: Sequence[Entity], operations: Sequence[Entity], materials: list[dict[str, Any]],
             properties: list[dict[str, Any]], steps: list[dict[str, Any]]) -> None:
    """Set ``confidence`` on the JSON form of every material, property and step (in place); ``entities`` are the
    NER model's, ``operations`` the synthesis model's."""
    mats = SpanIndex(e for e in entities if e.label in MATERIAL_LABELS)
    names = SpanIndex(e for e in entities if e.label in PROPERTY_LABELS)
    ops = SpanIndex(operations)
    for m in materials:
        m["confidence"] = material_confidence(m, mats)
    for p in properties:
        p["confidence"] = property_confidence(p, names)
    for s in steps:
        s["confidence"] = step_confidence(s, ops)


@dataclass(slots=True)
class Dropped:
    """How many parts of each kind :func:`drop_below` removed."""

    entities: int = 0
    materials: int = 0
    properties: int = 0
    synthesis: int = 0

    def add(self, other: Dropped) -> None:
        for kind in PART_KINDS:
            setattr(self, kind, getattr(self, kind) + getattr(other, kind))


def check_confidence(threshold: float | None) -> None:
    """Raise :class:`ConfigError` unless ``threshold`` is ``None`` or a number in [0, 1]."""
    if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, int | float)
                                  or not 0.0 <= threshold <= 1.0):
        raise ConfigError(f"min_confidence must be a number in [0, 1], not {threshold!r}")


def _confidence(part: Entity | dict[str, Any]) -> float | None:
    return part.confidence if isinstance(part, Entity) else part.get("confidence")


def drop_below(record, threshold: float) -> Dropped:
    """Remove from a :class:`~matnlp.records.Record` or its JSON form (in place) every part whose confidence is
    below ``threshold``; a part of unknown confidence (``None``) is kept."""
    dropped = Dropped()
    for kind in PART_KINDS:
        parts = record[kind] if isinstance(record, dict) else getattr(record, kind)
        kept = [p for p in parts if (c := _confidence(p)) is None or c >= threshold]
        setattr(dropped, kind, len(parts) - len(kept))
        if isinstance(record, dict):
            record[kind] = kept
        else:
            setattr(record, kind, kept)
    return dropped
