"""Confidence of every record part (material, property, synthesis step): the probability that it is right, so that
users can rank parts or drop the doubtful ones (``matnlp extract --min-confidence``).

- A part named by model entities takes their calibrated confidence (:mod:`matnlp.ner.calibrate`): a material the
  highest among the material entities at its mentions, a step that of the operation entity at its span, a property
  that of the entity at its name times the share of right values among right names of its value path (below).
- A model-free part (formula and name finder, property lexicon, operation lexicon), or one whose entities carry no
  calibrated confidence, takes the precision measured for its path on held-out data, :data:`PATH_FILE`, written by
  ``scripts/measure_path_precision.py`` (MuLMS dev for materials and properties, MSPT dev for steps).
- A property with a value read from a sentence, when :func:`annotate` is given the document text, takes instead the
  probability of a record filter: a logistic regression over :func:`record_features` (name, value, unit, material,
  conditions and cues of the evidence sentence) trained by ``scripts/train_record_filter.py`` on the hand-audited
  records of whole papers (``corpora/audit``), where it is better calibrated and ranks better than entity
  confidence times path precision (paper-grouped CV, reported in the file). The filter of the NER model that named
  the property (:data:`RECORD_FILTER_NAME` in its directory, trained for it: it also reads that model's calibrated
  confidence at the name) ranks better still; without one, the model-free :data:`RECORD_FILTER_FILE`. Table
  properties keep their path precision.

Paths: ``material/finder``; ``property/name`` (a property without a value: its name is right),
``property/value-unit`` and ``property/value-no-unit`` (name and value right, for values with or without a unit);
``step/lexicon``. A step counts as right when its operation is a gold operation: its type and conditions are not
judged.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .extractors.materials import MATERIAL_LABELS
from .extractors.properties import PROPERTY_LABELS, compatible, expected_dims, head_term
from .extractors.quantities import CELL, CHANGE_VERB, TABLE_ID, Quantity, parse_unit
from .extractors.relations import PairScorer
from .types import Entity

PATH_FILE = Path(__file__).parent / "extractors" / "data" / "path_precision.json"
RECORD_FILTER_FILE = Path(__file__).parent / "extractors" / "data" / "record_filter.json"
RECORD_FILTER_FORMAT = "matnlp-record-filter/1"
#: The record filter of an NER model, in its directory (``scripts/train_record_filter.py --ner MODEL``).
RECORD_FILTER_NAME = "record_filter.json"
#: Characters of the evidence sentence the sentence features read (the audit corpus keeps at most this many).
SENTENCE_CHARS = 600
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


_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_WORD = re.compile(r"\w+")
_TABLE = re.compile(rf"{TABLE_ID}|(?<!\S){CELL}(?:\s+{CELL}){{3,}}(?!\S)")  # an id, or four bare numbers in a row
_CHANGE = rf"\b{CHANGE_VERB}|\b(?:enhancement|improvement|reduction|gain)\b"
_CUES = {  # sentence cues, searched in the (first SENTENCE_CHARS characters of the) evidence sentence
    "cite": re.compile(r"\[\d[\d,\s–-]*\]|\bet al\b|\bRefs?\b"),
    "literature": re.compile(r"(?i)\b(?:reported|previous(?:ly)?|literature|earlier|prior|others)\b"),
    "change": re.compile(rf"(?i){_CHANGE}"),
    "respectively": re.compile(r"(?i)\brespectively\b"),
    "compare": re.compile(r"(?i)\b(?:than|compared|times)\b"),
    "range": re.compile(r"(?i)\b(?:between|range|ranging|from)\b"),
    "figure": re.compile(r"\b(?:Fig|Figure|Table)s?\b"),
    "equals": re.compile(r"[=≈]"),
    "table": _TABLE,
}
_CHANGE_BEFORE = re.compile(rf"(?i)(?:{_CHANGE})\W+(?:\w+\W+)?$")  # "increased by 24%", "enhancement of ~6%"


def _log(x: float) -> float:
    return math.log1p(abs(x))


def _name_features(name: str, value: float, unit: str | None) -> dict[str, float]:
    """What the property name says about the value: a lexicon term, known dimensions that the unit fits, a symbol."""
    dims = expected_dims(name)
    q = Quantity(value, unit, 0, 0, _unit=parse_unit(unit) if unit else None)
    return {"name_words": _log(len(name.split())), "name_lexicon": float(head_term(name) is not None),
            "name_dims_known": float(dims is not None), "unit_fits": float(dims is not None and compatible(name, q)),
            "name_symbol": float(len(name.split()) == 1 and (len(name) <= 3 or any(c.isupper() for c in name[1:]))),
            "name_digit": float(any(c.isdigit() for c in name))}


def _value_features(value: float, unit: str | None) -> dict[str, float]:
    return {"unit": float(unit is not None), "unit_percent": float(unit == "%"),
            "value_log": min(abs(math.log10(abs(value))), 6.0) if value else 6.0,
            "value_integer": float(value == round(value)), "value_negative": float(value < 0)}


def _sentence_features(sentence: str, name_at: int | None, name_end: int | None, value_at: int | None
                      ) -> dict[str, float]:
    """Cues of the evidence sentence, and where the value lies from the name (``*_at``: offsets in ``sentence``;
    ``None`` when unknown)."""
    head = sentence[:SENTENCE_CHARS]
    words, numbers = len(_WORD.findall(head)) or 1, len(_NUMBER.findall(head))
    f = {"sentence_chars": _log(len(head)), "numbers": _log(numbers), "number_share": numbers / words}
    f |= {f"cue_{cue}": float(bool(rx.search(head))) for cue, rx in _CUES.items()}
    if None not in (name_at, name_end, value_at):
        between = sentence[name_end:value_at] if value_at >= name_end else sentence[value_at:name_at]
        f |= {"located": 1.0, "value_after": float(value_at >= name_end), "gap": _log(len(between)),
              "numbers_between": _log(len(_NUMBER.findall(between))),
              "name_equals": float(sentence[name_end:name_end + 3].strip().startswith(("=", "≈"))),
              "change_before": float(bool(_CHANGE_BEFORE.search(sentence[max(0, value_at - 40):value_at])))}
    return f


def record_features(prop: dict[str, Any], sentence: str, name_at: int | None, value_at: int | None,
                    entity: float | None = None) -> dict[str, float]:
    """The record filter's features of a valued property (its JSON form: ``property``, ``value``, ``unit``,
    ``material``, ``conditions``) and its evidence sentence, the name and value at offsets ``name_at``
    and ``value_at`` of ``sentence`` (``None`` when unknown), and the calibrated confidence of the NER entity at the
    name (``None``: no entity, the features read 0; only a model's own filter reads them). ``conditions`` may be a list or the audit
    corpus's printed ``kind=text; …`` form."""
    name, value, conditions = prop["property"], prop["value"], prop["conditions"]
    n_conditions = len(conditions.split("; ") if isinstance(conditions, str) else conditions) if conditions else 0
    name_end = None if name_at is None else name_at + len(prop.get("text") or name)
    return (_name_features(name, value, prop["unit"]) | _value_features(value, prop["unit"])
            | _sentence_features(sentence, name_at, name_end, value_at)
            | {"material": float(prop["material"] is not None), "conditions": _log(min(n_conditions, 3))}
            | ({} if entity is None else {"entity_confidence": entity, "entity_found": 1.0}))


def evidence_features(prop: dict[str, Any], text: str, entity: float | None = None) -> dict[str, float] | None:
    """:func:`record_features` of a valued property of the pipeline, read from the document ``text`` at its
    evidence sentence (``entity``: the entity confidence at its name); ``None`` for one without a sentence (a table
    cell)."""
    ev = prop["evidence"]
    if prop["value"] is None or ev.get("sentence_start") is None or prop.get("value_start") is None:
        return None
    at = ev["sentence_start"]
    name_at = prop["start"] - at if prop.get("start") is not None else None
    return record_features(prop, text[at:ev["sentence_end"]], name_at, prop["value_start"] - at, entity)


def record_filter_file(ner: str | Path | None) -> Path:
    """The record filter for records named by the NER model directory ``ner``: its own, else the model-free one."""
    own = Path(ner) / RECORD_FILTER_NAME if ner else None
    return own if own is not None and own.is_file() else RECORD_FILTER_FILE


@cache
def record_filter(file: Path = RECORD_FILTER_FILE) -> PairScorer | None:
    """The record filter in ``file`` (default: the shipped model-free one), or ``None`` when it has not been
    trained."""
    if not file.is_file():
        return None
    d = json.loads(file.read_text())
    if d.get("format") != RECORD_FILTER_FORMAT:
        raise ConfigError(f"{file}: not a {RECORD_FILTER_FORMAT} model")
    return PairScorer.from_dict(d["model"])


def _path(name: str) -> float | None:
    entry = path_precision().get(name)
    return entry.precision if entry else None


def material_confidence(material: dict[str, Any], index: SpanIndex) -> float | None:
    found = [c for a, b in material["mentions"] if (c := index.best(a, b)) is not None]
    return max(found) if found else _path("material/finder")


def property_confidence(prop: dict[str, Any], index: SpanIndex, text: str | None = None,
                        filter_file: Path = RECORD_FILTER_FILE) -> float | None:
    """The probability of the record filter in ``filter_file`` for a valued property read from a sentence of
    ``text``; else the entity confidence times the value path's share of right values given a right name, or the
    path precision."""
    named = index.best(prop["start"], prop["end"]) if prop.get("start") is not None else None
    features = evidence_features(prop, text, named) if text is not None else None
    if features is not None and (scorer := record_filter(filter_file)) is not None:
        return round(float(scorer.probabilities([features])[0]), 4)
    path = "property/name" if prop["value"] is None else \
        "property/value-unit" if prop["unit"] else "property/value-no-unit"
    if named is None:
        return _path(path)
    entry = path_precision().get(path)
    given = entry.given_name if entry and entry.given_name is not None else 1.0
    return round(named * given, 4)


def step_confidence(step: dict[str, Any], index: SpanIndex) -> float | None:
    found = index.best(step["start"], step["end"])
    return found if found is not None else _path("step/lexicon")


def annotate(entities: Sequence[Entity], operations: Sequence[Entity], materials: list[dict[str, Any]],
             properties: list[dict[str, Any]], steps: list[dict[str, Any]], text: str | None = None,
             filter_file: Path = RECORD_FILTER_FILE) -> None:
    """Set ``confidence`` on the JSON form of every material, property and step (in place); ``entities`` are the
    NER model's, ``operations`` the synthesis model's, ``text`` the document's (which the record filter in
    ``filter_file`` reads the evidence sentences of; without it valued properties get the path confidence)."""
    mats = SpanIndex(e for e in entities if e.label in MATERIAL_LABELS)
    names = SpanIndex(e for e in entities if e.label in PROPERTY_LABELS)
    ops = SpanIndex(operations)
    for m in materials:
        m["confidence"] = material_confidence(m, mats)
    for p in properties:
        p["confidence"] = property_confidence(p, names, text, filter_file)
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
