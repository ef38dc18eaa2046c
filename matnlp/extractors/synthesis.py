"""Synthesis steps: operations, their Kononova operation types, attached conditions and materials with roles.

:func:`extract_steps` takes a synthesis text and MSPT-labelled entity spans (``Operation``, ``Material``,
``Number``, ``Condition-Unit``, ``Condition-Misc``, ``Synthesis-Apparatus``, … from the NER model or gold) and returns
ordered :class:`SynthesisStep` objects. Without entities, operations come from the Kononova operation vocabulary and
conditions from :mod:`matnlp.extractors.quantities` plus small atmosphere/medium/device lexicons.

Operation typing uses ``data/operation_types.json`` (built by ``scripts/train_synthesis.py``): type counts per
(token, mixing medium present, recipe style); the style (solid-state or sol-gel label conventions of the Kononova
datasets) is predicted from all operation tokens of the text; unseen tokens fall back to a character n-gram naive
Bayes model.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate
from pathlib import Path

from ..text.tokenize import sentences as split_sentences
from ..types import Entity, Sentence
from .quantities import Quantity, parse_quantities

TYPER_PATH = Path(__file__).parent / "data" / "operation_types.json"
ROLES_PATH = Path(__file__).parent / "data" / "material_roles.json"
MIXING_TYPES = frozenset({"MixingOperation", "LiquidGrinding", "SolutionMixing"})
CONDITION_KINDS = ("temperature", "time", "atmosphere", "pressure", "heating_rate", "medium", "device", "other")
ROLES = ("target", "precursor", "solvent", "atmosphere", "participant")


# ---------------------------------------------------------------------------------------------------- dataclasses


@dataclass(slots=True)
class Condition:
    """One condition mention; ``quantity`` is set for numeric ones (``700 °C``), ``None`` for words (``air``)."""

    text: str
    start: int
    end: int
    quantity: Quantity | None = None

    def to_dict(self) -> dict:
        q = self.quantity
        d = {"value": q.value if q else None, "unit": q.unit if q else None, "text": self.text}
        if q is not None and q.low is not None:
            d.update(low=q.low, high=q.high)
        d.update(start=self.start, end=self.end)
        return d


@dataclass(slots=True)
class Conditions:
    """Conditions of one step, by kind."""

    temperature: list[Condition] = field(default_factory=list)
    time: list[Condition] = field(default_factory=list)
    atmosphere: list[Condition] = field(default_factory=list)
    pressure: list[Condition] = field(default_factory=list)
    heating_rate: list[Condition] = field(default_factory=list)
    medium: list[Condition] = field(default_factory=list)
    device: list[Condition] = field(default_factory=list)
    other: list[Condition] = field(default_factory=list)

    def add(self, kind: str, cond: Condition) -> None:
        getattr(self, kind).append(cond)

    def to_dict(self) -> dict[str, list[dict]]:
        return {k: [c.to_dict() for c in getattr(self, k)] for k in CONDITION_KINDS}


@dataclass(slots=True)
class StepMaterial:
    """A material mention taking part in a step, with its recipe role (one of :data:`ROLES`)."""

    text: str
    start: int
    end: int
    role: str

    def to_dict(self) -> dict:
        return {"text": self.text, "role": self.role, "start": self.start, "end": self.end}


@dataclass(slots=True)
class SynthesisStep:
    """One operation with its Kononova type, conditions and materials; offsets slice the document text."""

    operation: str
    type: str
    start: int
    end: int
    conditions: Conditions = field(default_factory=Conditions)
    materials: list[StepMaterial] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "operation": self.operation,
            "type": self.type,
            "start": self.start,
            "end": self.end,
            "conditions": self.conditions.to_dict(),
            "materials": [m.to_dict() for m in self.materials],
        }


# ------------------------------------------------------------------------------------------- typer features


def ngrams(token: str) -> list[str]:
    """Character 2–5-grams of ``<token>`` (the n-gram fallback's features)."""
    s = f"<{token.lower()}>"
    return [s[i : i + n] for n in range(2, 6) for i in range(len(s) - n + 1)]


# -------------------------------------------------------------------------------------------------- typing


class OperationTyper:
    """Operation token -> Kononova operation type (see the module docstring)."""

    def __init__(self, model: dict):
        self.tables = model["tables"]
        self.style_model = model["style"]
        self.nb = model["ngram"]
        #: Operation tokens seen in the Kononova training data.
        self.vocabulary = frozenset(self.tables["token"])
        #: Words :func:`find_operations` marks: the vocabulary filtered and extended on MSPT train documents.
        self.lexicon = frozenset(model["lexicon"])

    @classmethod
    def load(cls, path: Path = TYPER_PATH) -> OperationTyper:
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    def style(self, tokens: Iterable[str]) -> str:
        """Recipe style (``solid-state`` or ``sol-gel``) from the bag of operation tokens of one text."""
        m = self.style_model
        score = m["bias"] + sum(m["weights"].get(t.lower(), 0.0) for t in tokens)
        return m["positive"] if score > 0 else m["negative"]

    def type(self, token: str, medium: bool = False, style: str | None = None) -> str:
        """Most frequent type of ``token`` in the most specific table that knows it, else the n-gram guess."""
        for key in _lookup_keys(token):
            for table, k in (("style", f"{key}|{int(medium)}|{style}"), ("medium", f"{key}|{int(medium)}"),
                             ("token", key)):
                counts = self.tables[table].get(k)
                if counts:
                    return max(counts.items(), key=lambda kv: kv[1])[0]
        return self._ngram_type(token)

    def _ngram_type(self, token: str) -> str:
        nb = self.nb
        grams = ngrams(token)

        def score(label: str) -> float:
            lp = nb["log_prob"][label]
            return nb["log_prior"][label] + sum(lp.get(g, lp[""]) for g in grams)

        return max(nb["labels"], key=score)


def _lookup_keys(token: str) -> list[str]:
    """``"Ball-milled"`` -> ``["ball-milled", "ballmilled", "milled"]``: the token, unhyphenated, its last part."""
    t = token.lower().strip()
    parts = re.split(r"[\s-]+", t)
    return list(dict.fromkeys([t, "".join(parts), parts[-1]]))


@cache
def default_typer() -> OperationTyper:
    return OperationTyper.load()


# ------------------------------------------------------------------------------------------------- lexicons

_ATMOSPHERE_RE = re.compile(
    r"(?<![\w-])(?:\d+(?:\.\d+)?\s*%\s*H2\s*/\s*(?:Ar|N2)|H2\s*/\s*(?:Ar|N2)|(?:Ar|N2)\s*/\s*H2|forming gas|"
    r"air|argon|nitrogen|oxygen|hydrogen|ammonia|vacuum|inert atmosphere|Ar|N2|O2|H2|NH3|CO2|CO|H2S)(?![\w-])"
)
_MEDIUM_RE = re.compile(
    r"(?<![\w-])(?:(?:de-?ionized|distilled|deionised|DI|ultrapure|Milli-Q)\s+water|water|ethanol|acetone|"
    r"alcohol|iso-?propanol|2-propanol|isopropyl alcohol|methanol|ethylene glycol|2-methoxyethanol|toluene|"
    r"hexane|cyclohexane|butanol|benzene|chloroform|DMF|N,N-dimethylformamide|NMP|THF|H2O)(?![\w-])",
    re.IGNORECASE,
)
_DEVICE_RE = re.compile(
    r"(?<![\w-])(?:(?:planetary |high-energy )?ball[- ]mill(?:er)?|(?:agate |alumina )?mortar(?: and pestle)?|"
    r"pestle|(?:Teflon-lined )?(?:stainless[- ]steel )?autoclave|(?:tube|tubular|muffle|box|electric) furnace|"
    r"furnace|oven|crucible|(?:alumina|zirconia|agate) (?:jar|vial|balls?)|magnetic stirrer|hot plate|"
    r"ultrasonic bath|sonicator|centrifuge|spark plasma sintering|SPS|hot press)(?![\w-])",
    re.IGNORECASE,
)
_MISC_KINDS = (
    (re.compile(r"room temperature|ambient temperature|\bRT\b", re.I), "temperature"),
    (re.compile(r"overnight|a day|several (?:hours|days)|(?:few|several) minutes", re.I), "time"),
    (re.compile(r"vacuum|ambient atmosphere|\bair\b", re.I), "atmosphere"),
)
_LEXICON_KINDS = (("atmosphere", _ATMOSPHERE_RE), ("medium", _MEDIUM_RE), ("device", _DEVICE_RE))
_QUANTITY_KINDS = {"temperature", "time", "pressure", "heating_rate"}
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z-]*[A-Za-z]")
_TOKEN_RE = re.compile(r"\w+|[^\w\s]")
# "heating rate", "sintering temperature": an operation word naming a parameter, not a step.
_NOMINAL_RE = re.compile(r"\s+(?:rates?|temperatures?|times?|duration|conditions?|process|steps?|procedure)\b")


# --------------------------------------------------------------------------------------------- operations


def find_operations(text: str, typer: OperationTyper | None = None) -> list[Entity]:
    """Lexicon operation finder: words of ``text`` in the operation lexicon, as ``Operation`` spans."""
    vocab = (typer or default_typer()).lexicon
    return [
        Entity(a, b, "Operation", text[a:b])
        for a, b, w in word_spans(text)
        if any(k in vocab for k in _lookup_keys(w)) and not _NOMINAL_RE.match(text, b)
    ]


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, lower-cased word)`` for the alphabetic words of ``text`` (the lexicon finder's units)."""
    return [(m.start(), m.end(), m.group().lower()) for m in _WORD_RE.finditer(text)]


# -------------------------------------------------------------------------------------------- attachment


@dataclass(slots=True)
class _Mention:
    """A condition or material mention waiting to be attached to an operation."""

    kind: str
    start: int
    end: int
    payload: Condition | StepMaterial


def attach(mentions: Sequence[tuple[int, int]], ops: Sequence[Entity], bounds: Sequence[int]) -> list[int | None]:
    """Index into ``ops`` (sorted by start) for each mention span: the nearest operation before it in its sentence,
    else the first after it in the sentence, else the last operation of an earlier sentence; ``bounds`` are the
    sentence start offsets (sorted)."""
    starts = [o.start for o in ops]
    out: list[int | None] = []
    for a, _ in mentions:
        sent = bounds[bisect_right(bounds, a) - 1] if bounds and a >= bounds[0] else 0
        nxt = bounds[bisect_right(bounds, a)] if bisect_right(bounds, a) < len(bounds) else math.inf
        i = bisect_right(starts, a) - 1
        if i >= 0 and starts[i] >= sent:
            out.append(i)
        elif i + 1 < len(ops) and starts[i + 1] < nxt:
            out.append(i + 1)
        else:
            out.append(i if i >= 0 else None)
    return out


# ------------------------------------------------------------------------------------------ condition mentions


def _kind_of_quantity(q: Quantity) -> str:
    return q.kind if q.kind in _QUANTITY_KINDS else "other"


def _misc_kind(text: str) -> str:
    return next((kind for rx, kind in _MISC_KINDS if rx.search(text)), "other")


def conditions_from_text(text: str, skip: Sequence[tuple[int, int]] = ()) -> list[_Mention]:
    """Condition mentions found without entities: quantities by unit kind, atmosphere/medium/device lexicons and
    qualitative phrases (``room temperature``, ``overnight``), leaving out spans overlapping ``skip``."""
    found = [
        _Mention(_kind_of_quantity(q), q.start, q.end, Condition(text[q.start : q.end], q.start, q.end, q))
        for q in parse_quantities(text)
        if q.unit is not None
    ]
    lexicons = [*_LEXICON_KINDS, *((kind, rx) for rx, kind in _MISC_KINDS[:2])]
    for kind, rx in lexicons:
        found += [_Mention(kind, m.start(), m.end(), Condition(m.group(), m.start(), m.end())) for m in rx.finditer(text)]
    return _without_overlaps(found, skip)


def _without_overlaps(found: list[_Mention], skip: Sequence[tuple[int, int]]) -> list[_Mention]:
    """Keep the longest of overlapping mentions, and none overlapping a ``skip`` span.

    The spans taken so far are kept sorted by start, so a mention is checked against the few that can overlap it
    (starting at most the longest span's length before it), not against all of them."""
    taken = sorted((a, b) for a, b in skip)
    longest = max((b - a for a, b in taken), default=0)
    out = []
    for m in sorted(found, key=lambda m: (m.start - m.end, m.start)):
        i = bisect_left(taken, (m.start - longest,))
        overlaps = False
        while i < len(taken) and taken[i][0] < m.end:
            if taken[i][1] > m.start:
                overlaps = True
                break
            i += 1
        if not overlaps:
            out.append(m)
            insort(taken, (m.start, m.end))
            longest = max(longest, m.end - m.start)
    return sorted(out, key=lambda m: m.start)


def conditions_from_entities(text: str, entities: Sequence[Entity]) -> list[_Mention]:
    """Condition mentions from MSPT entities: each ``Condition-Unit`` with its adjacent ``Number`` parsed as a
    quantity, ``Condition-Misc`` by cue words, ``Synthesis-Apparatus`` as devices."""
    numbers = sorted((e for e in entities if e.label == "Number"), key=lambda e: e.start)
    out = []
    for e in entities:
        if e.label == "Condition-Unit":
            out.append(_unit_mention(text, e, numbers))
        elif e.label == "Condition-Misc":
            out.append(_Mention(_misc_kind(e.text), e.start, e.end, Condition(e.text, e.start, e.end)))
        elif e.label == "Synthesis-Apparatus":
            out.append(_Mention("device", e.start, e.end, Condition(e.text, e.start, e.end)))
    return sorted(out, key=lambda m: m.start)


def paired_number(text: str, unit: Entity, numbers: Sequence[Entity]) -> Entity | None:
    """The ``Number`` right before a unit (``700 degC``), else right after it (``pH 11``), at most 3 chars away."""
    before = [n for n in numbers if 0 <= unit.start - n.end <= 3 and not text[n.end : unit.start].strip(" (")]
    after = [n for n in numbers if 0 <= n.start - unit.end <= 3 and not text[unit.end : n.start].strip(" =of")]
    return before[-1] if before else (after[0] if after else None)


def _unit_mention(text: str, unit: Entity, numbers: Sequence[Entity]) -> _Mention:
    num = paired_number(text, unit, numbers)
    if num is None:
        return _Mention("other", unit.start, unit.end, Condition(unit.text, unit.start, unit.end))
    a, b = min(num.start, unit.start), max(num.end, unit.end)
    qs = [q for q in parse_quantities(text[a:b]) if q.unit is not None]
    q = qs[-1] if qs else None
    if q is not None:
        q = Quantity(q.value, q.unit, a + q.start, a + q.end, q.low, q.high, q.error, q._unit)
    kind = _kind_of_quantity(q) if q else "other"
    return _Mention(kind, a, b, Condition(text[a:b], a, b, q))


# -------------------------------------------------------------------------------------------------- roles

_TARGET_AFTER = re.compile(
    r"^[^.;]{0,60}?\b(?:was|were|is|are|has been|have been)\s+(?:\w+ly\s+)?"
    r"(?:prepared|synthesi[sz]ed|obtained|fabricated|produced|formed|made|grown|deposited)\b",
    re.I,
)
_TARGET_BEFORE = re.compile(
    r"\b(?:to (?:obtain|form|prepare|synthesi[sz]e|produce|yield|get|fabricate)|obtain(?:ing)?|yield(?:ing|ed)?|"
    r"result(?:ing|ed) in|preparation of|synthesis of|formation of|fabrication of)\s+(?:the\s+|a\s+|an\s+)?"
    r"(?:\S+\s+){0,3}$",
    re.I,
)
_PRECURSOR_AFTER = re.compile(
    r"^\W{0,3}(?:\([^)]*\)\s*)?(?:,[^.;]{0,80})?\s*(?:were|was)?\s*(?:used\s+)?as\s+(?:the\s+)?"
    r"(?:starting|raw|precursor|source|initial)\b|^[^.;]{0,60}?\b(?:were|was)\s+(?:\w+ly\s+)?"
    r"(?:dissolved|mixed|weighed|added|ground|ball-milled|milled|used)\b",
    re.I,
)
_PRECURSOR_BEFORE = re.compile(
    r"\b(?:starting materials?|raw materials?|precursors?|reagents?|reactants?|mixture of|mixing|mixed|"
    r"stoichiometric amounts? of|amounts? of|dissolv(?:ed|ing)|add(?:ed|ing)|from)\b[^.;]{0,80}$",
    re.I,
)
_SOLVENT_BEFORE = re.compile(r"\b(?:in|into|with|using)\s+(?:\w+\s+){0,2}$", re.I)


def material_role(text: str, m: Entity) -> str:
    """Rule-based recipe role of a material mention from cue phrases around it in its clause."""
    before, after = text[max(0, m.start - 120) : m.start], text[m.end : m.end + 120]
    if _ATMOSPHERE_RE.fullmatch(m.text) and re.search(r"\b(?:in|under|flowing|of)\s+(?:\w+\s+)?$", before):
        return "atmosphere"
    if _MEDIUM_RE.fullmatch(m.text) or (_MEDIUM_RE.search(m.text) and _SOLVENT_BEFORE.search(before)):
        return "solvent"
    if _TARGET_BEFORE.search(before) or _TARGET_AFTER.search(after):
        return "target"
    if _PRECURSOR_AFTER.search(after) or _PRECURSOR_BEFORE.search(before):
        return "precursor"
    return "participant"


def role_features(text: str, m: Entity, ops: Sequence[Entity], bounds: Sequence[int]) -> dict[str, float]:
    """Features of a material mention for the learned role model: nearby words, the operations before and after
    it in its sentence, lexicon and shape flags, sentence position and the rule-based role."""
    sent = bisect_right(bounds, m.start) - 1
    lo = bounds[sent] if sent >= 0 else 0
    hi = bounds[sent + 1] if sent + 1 < len(bounds) else len(text)
    before = [w.lower() for w in _TOKEN_RE.findall(text[max(lo, m.start - 100) : m.start])][-6:]
    after = [w.lower() for w in _TOKEN_RE.findall(text[m.end : min(hi, m.end + 100)])][:6]
    f = {f"b{i}={w}": 1.0 for i, w in enumerate(reversed(before[-3:]))}
    f.update({f"a{i}={w}": 1.0 for i, w in enumerate(after[:3])})
    f.update({f"B={w}": 1.0 for w in before} | {f"A={w}": 1.0 for w in after})
    prev = [o for o in ops if lo <= o.start < m.start]
    nxt = [o for o in ops if m.end <= o.start < hi]
    f[f"prevop={prev[-1].text.lower() if prev else '-'}"] = 1.0
    f[f"nextop={nxt[0].text.lower() if nxt else '-'}"] = 1.0
    f[f"sent={min(sent, 3)}"] = 1.0
    f[f"rule={material_role(text, m)}"] = 1.0
    f["medium"] = float(bool(_MEDIUM_RE.fullmatch(m.text)))
    f["atmosphere"] = float(bool(_ATMOSPHERE_RE.fullmatch(m.text)))
    f["formula"] = float(bool(re.search(r"[A-Z][a-z]?\d|\)\d", m.text)))
    f["lower"] = float(m.text.islower())
    f["first"] = float(text.find(m.text) == m.start)
    return f


class RoleModel:
    """Linear model over :func:`role_features` (weights in ``data/material_roles.json``)."""

    def __init__(self, model: dict):
        self.classes = model["classes"]
        self.bias = model["bias"]
        self.weights = model["weights"]

    @classmethod
    def load(cls, path: Path = ROLES_PATH) -> RoleModel:
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    def role(self, features: dict[str, float]) -> str:
        scores = list(self.bias)
        for f, v in features.items():
            for i, w in enumerate(self.weights.get(f, ())):
                scores[i] += w * v
        return self.classes[max(range(len(scores)), key=scores.__getitem__)]


@cache
def default_roles() -> RoleModel:
    return RoleModel.load()


# --------------------------------------------------------------------------------------------------- entry


def extract_steps(
    text: str,
    entities: Sequence[Entity] | None = None,
    sentences: Sequence[Sentence] | None = None,
    *,
    typer: OperationTyper | None = None,
    within: Sequence[tuple[int, int]] | None = None,
) -> list[SynthesisStep]:
    """Ordered synthesis steps of ``text``. ``entities`` are MSPT-labelled spans (tagger or gold); with ``None``
    the lexicon operation finder and the text condition finder are used instead. ``sentences`` reuses an existing
    tokenization; ``within`` restricts steps and their conditions to those spans (e.g. :func:`synthesis_spans`)."""
    typer = typer or default_typer()
    bounds = [s.start for s in (sentences if sentences is not None else split_sentences(text))]
    if entities is None:
        ops = find_operations(text, typer)
        mentions = conditions_from_text(text, skip=[(o.start, o.end) for o in ops])
    else:
        ops = sorted((e for e in entities if e.label == "Operation"), key=lambda e: e.start)
        mentions = conditions_from_entities(text, entities) + _material_mentions(text, entities, ops, bounds)
    if within is not None:
        inside = _containment(within)
        ops = [o for o in ops if inside(o.start, o.end)]
        mentions = [m for m in mentions if inside(m.start, m.end)]
    steps = [SynthesisStep(o.text, "", o.start, o.end) for o in ops]
    for m, i in zip(mentions, attach([(m.start, m.end) for m in mentions], ops, bounds), strict=True):
        if i is not None:
            _add(steps[i], m)
    style = typer.style(o.text for o in ops)
    for step in steps:
        step.type = typer.type(step.operation, bool(step.conditions.medium), style)
    return steps


def _inside(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a <= start and end <= b for a, b in spans)


def _containment(spans: Sequence[tuple[int, int]]):
    """``inside(start, end)``: whether one of ``spans`` holds the span, by bisection instead of a scan of all the
    spans (some span starting at or before ``start`` holds it iff the furthest end among those reaches ``end``)."""
    spans = sorted((a, b) for a, b in spans)
    starts = [a for a, _ in spans]
    ends = list(accumulate((b for _, b in spans), max))

    def inside(start: int, end: int) -> bool:
        i = bisect_right(starts, start) - 1
        return i >= 0 and ends[i] >= end

    return inside


_PROCESS_KINDS = frozenset({"temperature", "time", "heating_rate", "atmosphere", "pressure", "medium", "device"})


def synthesis_spans(
    text: str, sentences: Sequence[Sentence] | None = None, *, typer: OperationTyper | None = None,
    min_operations: int = 2,
) -> list[tuple[int, int]]:
    """Spans of ``text`` that read as synthesis procedures: runs of sentences (gaps of one sentence allowed) that
    each hold a lexicon operation and a process condition (temperature, time, atmosphere, medium, …), with at least
    ``min_operations`` operations in the run. Lets the pipeline skip results, discussion and references."""
    sents = list(sentences if sentences is not None else split_sentences(text))
    if not sents:
        return []
    ops = find_operations(text, typer)
    kinds = [m for m in conditions_from_text(text, skip=[(o.start, o.end) for o in ops]) if m.kind in _PROCESS_KINDS]
    starts = [s.start for s in sents]
    n_ops, has_cond = [0] * len(sents), [False] * len(sents)
    for o in ops:
        n_ops[bisect_right(starts, o.start) - 1] += 1
    for m in kinds:
        has_cond[bisect_right(starts, m.start) - 1] = True
    spans: list[tuple[int, int]] = []
    run: list[int] = []
    for i in range(len(sents)):
        if n_ops[i] and has_cond[i]:
            if run and i - run[-1] > 2:
                spans += _run_span(run, sents, n_ops, min_operations)
                run = []
            run.append(i)
    spans += _run_span(run, sents, n_ops, min_operations)
    return spans


def _run_span(run: list[int], sents: Sequence[Sentence], n_ops: list[int], min_operations: int) -> list[tuple[int, int]]:
    if not run or sum(n_ops[run[0] : run[-1] + 1]) < min_operations:
        return []
    return [(sents[run[0]].start, sents[run[-1]].end)]


def _material_mentions(
    text: str, entities: Sequence[Entity], ops: Sequence[Entity], bounds: Sequence[int]
) -> list[_Mention]:
    model = default_roles()
    mats = [e for e in entities if e.label == "Material"]
    roles = [model.role(role_features(text, e, ops, bounds)) for e in mats]
    return [
        _Mention("material", e.start, e.end, StepMaterial(e.text, e.start, e.end, role))
        for e, role in zip(mats, roles, strict=True)
    ]


def _add(step: SynthesisStep, m: _Mention) -> None:
    if isinstance(m.payload, StepMaterial):
        step.materials.append(m.payload)
        role_kind = {"solvent": "medium", "atmosphere": "atmosphere"}.get(m.payload.role)
        if role_kind:
            step.conditions.add(role_kind, Condition(m.payload.text, m.start, m.end))
    else:
        step.conditions.add(m.kind, m.payload)
