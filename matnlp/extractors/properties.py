"""Property–value–unit extraction: property mentions linked to quantities and to the material they describe.

Property mentions are ``PRO``/``PROPERTY`` entities from a tagger, or, without entities, matches of a lexicon of
common property names (:data:`LEXICON`). Numbers, ranges, errors and units come from :mod:`matnlp.extractors.quantities`.
Each property takes the best quantity of its sentence: near it (after it, or just before it as in ``a 365 µm
thick film``), with a unit whose dimension fits the property (band gap ↔ energy, conductivity ↔ S/cm, read from
the head word of the property name); a quantity after ``at``/``under``/``for`` … is a measurement condition
(``0.03 S/cm at 800 °C``) and is attached as such. The material is the one named by a cue (``band gap of TiO2``,
``TiO2 (band gap 3.2 eV)``, ``TiO2's``), else the nearest material mention of the sentence: ``MAT`` entities, or
formula tokens (:func:`matnlp.chem.is_formula`) when there are none.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache

from ..text.tokenize import sentences as split_sentences
from ..types import Entity, Sentence
from .materials import MATERIAL_LABELS, extract_materials
from .quantities import Quantity, parse_quantities, parse_unit

PROPERTY_LABELS = frozenset({"PRO", "PROPERTY"})

# Property head terms -> example units (their dimensions are the ones accepted); "1" means dimensionless.
LEXICON: dict[str, str] = {
    "band gap": "eV", "bandgap": "eV", "band-gap": "eV", "energy gap": "eV", "work function": "eV",
    "activation energy": "eV|kJ/mol", "binding energy": "eV", "formation energy": "eV|kJ/mol", "energy": "eV|J",
    "conductivity": "S/cm", "thermal conductivity": "W m-1 K-1", "resistivity": "Ω cm", "resistance": "Ω",
    "area specific resistance": "Ω cm2", "seebeck coefficient": "µV/K|V/K", "thermopower": "µV/K|V/K",
    "power factor": "µW cm-1 K-2|W m-1 K-2", "ZT": "1", "figure of merit": "1",
    "capacity": "mAh/g|mAh", "capacitance": "F/g|F/cm2|F/cm3|F", "energy density": "Wh/kg|Wh/L|Wh/cm2",
    "power density": "W/kg|W/cm2|W/L", "current density": "mA/cm2|A/g", "density": "g/cm3",
    "dislocation density": "cm-2", "defect density": "cm-2|cm-3", "carrier concentration": "cm-3",
    "carrier density": "cm-3", "mobility": "cm2 V-1 s-1", "porosity": "%", "relative density": "%",
    "lattice parameter": "Å", "lattice parameters": "Å", "lattice constant": "Å", "lattice constants": "Å",
    "thickness": "nm", "thick": "nm", "diameter": "nm", "size": "nm", "length": "nm", "width": "nm",
    "radius": "nm", "wavelength": "nm", "roughness": "nm", "surface area": "m2/g|m2|cm2", "area": "cm2",
    "hardness": "GPa|1", "modulus": "GPa", "strength": "MPa", "stress": "MPa", "strain": "%|1",
    "elongation": "%", "melting point": "K", "temperature": "K", "Tg": "K", "Tc": "K", "time": "s",
    "duration": "s", "pressure": "Pa", "voltage": "V", "potential": "V", "overpotential": "V", "current": "A",
    "power": "W", "frequency": "Hz", "scan rate": "mV/s", "heating rate": "K/min", "flow rate": "sccm|mL/min",
    "strain rate": "s-1", "efficiency": "%|1", "yield": "%", "transmittance": "%", "relative humidity": "%",
    "humidity": "%", "RH": "%", "loading": "mg/cm2|wt%", "content": "wt%", "concentration": "M|%",
    "mass activity": "A/mg|A/g", "weight loss": "%", "mass loss": "%", "viscosity": "Pa s",
    "molecular weight": "g/mol", "thermal expansion coefficient": "K-1",
    "coefficient of thermal expansion": "K-1", "specific heat": "J g-1 K-1", "tafel slope": "mV",
    "dielectric constant": "1", "permittivity": "1", "refractive index": "1", "fill factor": "%|1",
}
# Words that extend a lexicon match to the left ("optical band gap", "specific discharge capacity").
_MODIFIERS = (
    "optical direct indirect ionic electrical electronic proton protonic thermal lattice specific discharge charge "
    "reversible initial average mean total relative maximum minimum theoretical areal volumetric gravimetric "
    "particle grain crystallite pore film layer sintering annealing calcination reaction transition Curie glass "
    "open-circuit short-circuit onset saturation tensile yield compressive flexural elastic Young's bulk shear "
    "Vickers surface sheet carrier electron hole operating measured"
).split()
_CONDITION_CUE = re.compile(r"\b(?:at|under|after|for|during|upon|over|in|with)\s+(?:a|an|the|about|ca\.)?\s*$")
# Linking score = characters between property and value + these penalties (tuned on the MuLMS train split).
PENALTY = {"before": 5, "unitless": 15, "condition": 15}
_AFTER_CUE_MAX = 150  # characters between a property and a following value
MAX_SENTENCE = 3000  # longer "sentences" are linked in pieces of this many characters
_BEFORE_MAX = 40  # characters a value may lie before its property ("365 µm thick")
_BEFORE_CUE = re.compile(r"^[\s-]*(?:\w+[\s-]+)?$")  # at most one word between: "365 µm thick", "3.2 eV band gap"
_LIST_SEP = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)\s*")
_MAT_AFTER = re.compile(r"\s*(?:of|for|in)\s+(?:(?:the|pure|bulk|as-\w+|undoped|doped|our)\s+){0,2}$")
_MAT_BEFORE = re.compile(r"(?:'s|’s)?\s*(?:\(\s*(?:with\s+)?(?:a|an|the)?\s*)?$")
_BRACKETED = re.compile(r"\[[^\[\]]*$")
_NAME_PART = re.compile(r"(?:[,′']\d+[′']?)*[′']?[-‐][A-Za-z(]")  # "3-hexyl", "2,5-dimethyl", "4′-(…"
_REFERENCE = re.compile(
    r"\b(?:Figs?|Figures?|Tables?|Eqs?|Equations?|Refs?|Sections?|Schemes?|Steps?)\.?\s*(?:S|\d+\w?,\s*)*$", re.I
)


@dataclass(slots=True)
class Evidence:
    """Where a property was read: the span from property mention to value, and its sentence."""

    start: int
    end: int
    sentence_start: int
    sentence_end: int


@dataclass(slots=True)
class Property:
    """A property with its value (a :class:`~matnlp.extractors.quantities.Quantity`, possibly a range or ``± error``),
    canonical unit, the material it describes and the measurement conditions given with it."""

    name: str
    value: Quantity | None
    unit: str | None
    material: Entity | None
    evidence: Evidence
    mention: Entity
    conditions: list[Quantity] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Flat JSON form (the ``properties`` part of a record)."""
        q, m = self.value, self.material
        return {
            "property": self.name, "text": self.mention.text, "start": self.mention.start, "end": self.mention.end,
            "value": q.value if q else None, "low": q.low if q else None, "high": q.high if q else None,
            "error": q.error if q else None, "unit": self.unit,
            "value_start": q.start if q else None, "value_end": q.end if q else None,
            "material": m.text if m else None, "material_start": m.start if m else None,
            "material_end": m.end if m else None,
            "conditions": [c.to_dict() for c in self.conditions],
            "evidence": {"start": self.evidence.start, "end": self.evidence.end,
                         "sentence_start": self.evidence.sentence_start, "sentence_end": self.evidence.sentence_end},
        }


# ------------------------------------------------------------------------------------------------- lexicon


def _term(t: str) -> str:
    """Regex for a lexicon term; terms with capitals (``ZT``, ``Tg``, ``RH``) match case-sensitively."""
    return f"(?-i:{re.escape(t)})" if any(c.isupper() for c in t) else re.escape(t)


_TERMS = "|".join(_term(t) for t in sorted(LEXICON, key=len, reverse=True))
_MODS = "|".join(re.escape(m) for m in _MODIFIERS)
_MENTION_RE = re.compile(rf"(?<![\w-])(?:(?:{_MODS})[\s-]+){{0,2}}(?:{_TERMS})(?![\w-])", re.IGNORECASE)
_HEAD_RE = re.compile(rf"(?<![\w-])(?:{_TERMS})(?![\w-])", re.IGNORECASE)
_KEYS = {t.lower(): t for t in LEXICON}


def find_property_mentions(text: str) -> list[Entity]:
    """Lexicon property mentions of ``text`` as ``PRO`` entities (used when no tagger is given)."""
    return [Entity(m.start(), m.end(), "PRO", m.group()) for m in _MENTION_RE.finditer(text)]


def head_term(name: str) -> str | None:
    """The lexicon term heading a property name: its last (longest) lexicon match, e.g. ``thermal conductivity``
    in ``in-plane thermal conductivity``."""
    found = list(_HEAD_RE.finditer(name))
    return _KEYS[found[-1].group().lower()] if found else None


@cache
def expected_dims(name: str) -> frozenset[tuple[int, ...]] | None:
    """Unit dimensions a property accepts (``()`` marks dimensionless), or ``None`` when unknown."""
    head = head_term(name)
    if head is None:
        return None
    return frozenset(() if u == "1" else _dims_of(parse_unit(u).dims) for u in LEXICON[head].split("|"))


def canonical_name(text: str) -> str:
    """Whitespace-normalized, lower-cased unless it looks like a symbol or acronym (``ZT``, ``Tg``, ``ECSA``)."""
    name = " ".join(text.replace("- ", "-").split())
    return name if any(c.isupper() for c in name[1:]) or len(name) <= 2 else name.lower()


# ------------------------------------------------------------------------------------------------- linking


def _dims_of(dims: tuple[int, ...]) -> tuple[int, ...]:
    """``()`` for dimensionless (``%``, ``ppm``), else the dimension vector."""
    return dims if any(dims) else ()


def _dims(q: Quantity) -> tuple[int, ...] | None:
    """Dimensions of a quantity's unit; ``()`` for a bare number or percent-like, ``None`` for an unknown unit."""
    if q.unit is None:
        return ()
    unit = parse_unit(q.unit)
    return _dims_of(unit.dims) if unit.known else None


def compatible(name: str, q: Quantity) -> bool:
    """Whether quantity ``q`` can be a value of property ``name``: its unit dimension is one the property accepts
    (a bare number only for dimensionless properties); properties not in the lexicon take any quantity."""
    want, got = expected_dims(name), _dims(q)
    return want is None or got is None or got in want


def _window(sent_start: int, pos: int, width: int = 60) -> int:
    """Start of the look-behind window before ``pos`` (cue regexes never scan a whole long sentence)."""
    return max(sent_start, pos - width)


def _is_condition(text: str, q: Quantity, sent_start: int) -> bool:
    return bool(_CONDITION_CUE.search(text, _window(sent_start, q.start), q.start))


def _pair_score(text: str, p: Entity, q: Quantity, sent_start: int) -> float | None:
    """Lower is better; ``None`` when ``q`` cannot be the value of ``p``."""
    name = p.text
    if not compatible(name, q):
        return None
    if q.start >= p.end:
        gap = text[p.end : q.start]
        if len(gap) > _AFTER_CUE_MAX or ";" in gap:
            return None
        score = len(gap)
    elif q.end <= p.start:
        gap = text[q.end : p.start]
        if not _BEFORE_CUE.match(gap):
            return None
        score = PENALTY["before"] + len(gap)
    else:
        return None
    if q.unit is None:
        score += PENALTY["unitless"]
    if expected_dims(name) is None and _is_condition(text, q, sent_start):
        score += PENALTY["condition"]
    return score


def _sentence_quantities(text: str, sent: Sentence, blocked: Sequence[Entity]) -> list[Quantity]:
    """Quantities of one sentence with document offsets, leaving out numbers inside mentions or ``[12]``."""
    base = sent.start
    out = []
    for q in parse_quantities(text[sent.start : sent.end]):
        q = replace(q, start=q.start + base, end=q.end + base)
        if any(e.start < q.end and q.start < e.end for e in blocked):
            continue
        if q.unit is None and _not_a_value(text, q, sent.start):
            continue
        out.append(q)
    return out


def _not_a_value(text: str, q: Quantity, sent_start: int) -> bool:
    """A bare number that is a citation (``[12]``), a figure/table/equation number or part of a word or name
    (``3D``, ``PC70BM``, ``poly(3-hexylthiophene)``)."""
    return bool(
        _BRACKETED.search(text, _window(sent_start, q.start), q.start)
        or _REFERENCE.search(text, _window(sent_start, q.start), q.start)
        or (q.end < len(text) and text[q.end].isalpha())
        or (q.start > 0 and text[q.start - 1].isalpha())
        or _NAME_PART.match(text, q.end)
    )


def _link_values(text: str, props: list[Entity], qs: list[Quantity], sent: Sentence) -> dict[int, list[Quantity]]:
    """Property index -> its values: best pairs first, one property per quantity, lists extended."""
    starts = [q.start for q in qs]
    pairs = []
    for i, p in enumerate(props):
        for j in range(bisect_left(starts, p.start - _BEFORE_MAX), bisect_right(starts, p.end + _AFTER_CUE_MAX)):
            score = _pair_score(text, p, qs[j], sent.start)
            if score is not None:
                pairs.append((score, i, j))
    taken_p: dict[int, list[Quantity]] = {}
    taken_q: set[int] = set()
    for _, i, j in sorted(pairs):
        if i in taken_p or j in taken_q:
            continue
        taken_p[i], taken_q = [qs[j]], taken_q | {j}
        k = j + 1
        while k < len(qs) and k not in taken_q and qs[j].start > props[i].start and _continues(text, qs[k - 1], qs[k]):
            taken_p[i].append(qs[k])
            taken_q.add(k)
            k += 1
    _more_values(props, qs, taken_p, taken_q)
    return taken_p


def _more_values(props: list[Entity], qs: list[Quantity], taken_p: dict[int, list[Quantity]], taken_q: set[int]
                 ) -> None:
    """Give a left-over quantity with a unit to the property whose last value precedes it with the same unit
    dimension and no property mention between (``varied between 182 and 322 mV … where it was 610 mV``)."""
    for j, q in enumerate(qs):
        if j in taken_q or q.unit is None:
            continue
        owners = [i for i, vs in taken_p.items() if 0 <= q.start - vs[-1].end <= _AFTER_CUE_MAX]
        if not owners:
            continue
        i = max(owners, key=lambda i: taken_p[i][-1].end)
        last = taken_p[i][-1]
        if _dims(last) == _dims(q) and not any(last.end <= p.start < q.start for p in props):
            taken_p[i].append(q)
            taken_q.add(j)


def _continues(text: str, a: Quantity, b: Quantity) -> bool:
    """``b`` is the next item of a list starting with ``a`` (same unit, only a list separator between)."""
    return a.unit == b.unit and bool(_LIST_SEP.fullmatch(text, a.end, b.start))


def _material_for(text: str, p: Entity, mats: Sequence[Entity]) -> Entity | None:
    """The material named by a cue (``band gap of TiO2``, ``TiO2 (band gap``, ``TiO2's``), else the nearest."""
    for m in mats:
        if m.start >= p.end and _MAT_AFTER.fullmatch(text, p.end, m.start):
            return m
        if m.end <= p.start and p.start - m.end < 40 and _MAT_BEFORE.fullmatch(text, m.end, p.start):
            return m
    if not mats:
        return None
    return min(mats, key=lambda m: (m.start - p.end) if m.start >= p.end else (p.start - m.end) * 0.8)


def material_mentions(text: str, sentences: Sequence[Sentence]) -> list[Entity]:
    """Mentions of the materials found by :func:`matnlp.extractors.materials.extract_materials` as ``MAT`` entities."""
    spans = {span for m in extract_materials(text, sentences=sentences) for span in m.mentions}
    return [Entity(a, b, "MAT", text[a:b]) for a, b in sorted(spans)]


def _sentence_properties(text: str, sent: Sentence, props: list[Entity], mats: list[Entity]) -> list[Property]:
    qs = _sentence_quantities(text, sent, props + mats)
    values = _link_values(text, props, qs, sent)
    out = []
    for i, p in enumerate(props):
        material = _material_for(text, p, mats)
        out.extend(_property(p, q, material, sent) for q in values.get(i) or [None])
    linked = {id(q) for v in values.values() for q in v}
    valued = [p for p in out if p.value is not None]
    for c in qs:
        if id(c) not in linked and _is_condition(text, c, sent.start):
            before = [p for p in valued if p.value.end <= c.start]
            if before:
                max(before, key=lambda p: p.value.end).conditions.append(c)
    return out


def _property(p: Entity, q: Quantity | None, material: Entity | None, sent: Sentence) -> Property:
    start, end = (min(p.start, q.start), max(p.end, q.end)) if q else (p.start, p.end)
    return Property(canonical_name(p.text), q, q.unit if q else None, material,
                    Evidence(start, end, sent.start, sent.end), p)


def _bounded(text: str, sents: Sequence[Sentence]) -> Iterator[Sentence]:
    """Sentences, with any longer than :data:`MAX_SENTENCE` characters (a flattened table, a text without full
    stops) cut at spaces into pieces of at most that length, so linking stays linear in the text length."""
    for sent in sents:
        if sent.end - sent.start <= MAX_SENTENCE:
            yield sent
            continue
        start = sent.start
        while start < sent.end:
            end = min(sent.end, start + MAX_SENTENCE)
            cut = text.rfind(" ", start + 1, end) if end < sent.end else -1
            end = cut if cut > start else end
            yield Sentence(start, end)
            start = end


def _inside(items: list[Entity], starts: list[int], sent: Sentence) -> list[Entity]:
    """The items (sorted by start) lying inside the sentence."""
    lo, hi = bisect_left(starts, sent.start), bisect_left(starts, sent.end)
    return [e for e in items[lo:hi] if e.end <= sent.end]


def extract_properties(
    text: str, entities: Sequence[Entity] | None = None, sentences: Sequence[Sentence] | None = None
) -> list[Property]:
    """Properties of ``text`` in order. ``entities`` are tagger (or gold) spans: ``PRO``/``PROPERTY`` give the
    property mentions and ``MAT`` the materials; with ``None`` the lexicon and formula tokens are used.
    ``sentences`` default to :func:`matnlp.text.tokenize.sentences` of the text."""
    sents = sentences if sentences is not None else split_sentences(text)
    if entities is None:
        props_all, mats_all = find_property_mentions(text), []
    else:
        props_all = sorted((e for e in entities if e.label in PROPERTY_LABELS), key=lambda e: e.start)
        mats_all = sorted((e for e in entities if e.label in MATERIAL_LABELS), key=lambda e: e.start)
    mats_all = mats_all or material_mentions(text, sents)
    p_starts, m_starts = [e.start for e in props_all], [e.start for e in mats_all]
    out: list[Property] = []
    for sent in _bounded(text, sents):
        props = _inside(props_all, p_starts, sent)
        if props:
            mats = _inside(mats_all, m_starts, sent)
            out.extend(_sentence_properties(text, sent, props, mats))
    return out
