"""Material strings as written in papers (formulas with variables, doped hosts, ratios, names) read into
:class:`Material` objects with compositions."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from .elements import ELEMENT_SET
from .formula import NONSTOICHIOMETRY, Composition, FormulaError, Stoichiometry, accumulate, parse_stoichiometry
from .names import formula_from_name

# --- material strings -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reading:
    """How one material string was read: its (possibly symbolic) stoichiometry, the formula it stands for,
    dopants kept apart from the host and a note on assumptions."""

    stoichiometry: Stoichiometry
    formula: str
    dopants: tuple[str, ...] = ()
    note: str | None = None


_SPACED_SIGN = re.compile(r"(?<=[\dxyzδ)])\s*([-+−])\s*(?=[\dxyzδ(.])")
# An adduct dot written with spaces: "4MgCO3 · Mg(OH)2 · 5H2O"
_SPACED_DOT = re.compile(r"(?<=[\w)])\s+([·⋅•∙])\s*(?=[\dA-Z(])|(?<=[\w)])([·⋅•∙])\s+(?=[\dA-Z(])")
_DOPED = re.compile(
    r"(?:(?P<amount>\d+(?:\.\d+)?)\s*(?P<unit>mol|at|wt)\s*\.?\s*%\s*)?(?P<dopant>\S+?)[-‐ ](?:co-?)?"
    r"(?:doped|substituted|stabilized|stabilised)\s+(?P<host>.+)",
    re.IGNORECASE,
)
_DOPANT_ITEM = re.compile(r"(?P<amount>\d*\.?\d*[xyz]?)(?P<element>[A-Z][a-z]?)(?P<charge>\d?\+)?")
_NAME_WORD = re.compile(r"[a-z]{3,}")
#: Polytype (``2H-``, ``4H-``, ``1T'-``) and phase (``α-``, ``γ-``, ``t-``, ``m-``, ``h-``, ``c-``, ``a-``) prefixes.
_PREFIX = re.compile(r"(?P<prefix>\d{1,2}[HRTCMO]['′]?|[αβγδεζηθκλστφχω]|alpha|beta|gamma|delta|[tmhcoa])[-‐‑](?=[A-Z(\[])")
#: A size or texture word before the material: ``nano-TiO2``, ``nano-sized ZnO``, ``nanocrystalline CeO2``.
_MORPHOLOGY = re.compile(r"(?P<morphology>(?:nano|micro|meso)(?:[-‐]?(?:sized|crystalline|porous|structured))?)"
                         r"[-‐‑ ](?=[A-Z(\[])", re.IGNORECASE)
#: ``CuSO4.5H2O``: a full stop before a water count is a hydrate dot, not a decimal point.
_HYDRATE_DOT = re.compile(r"(?:(?<=[A-Za-z)\]][1-9])|(?<=[A-Za-z)\]]))\.(?=\d{0,2}H2O$)"
                          r"|\s*[·•⋅∙]\s*(?=\d{0,2}H2O$)|\s+(?=\d{1,2}H2O$)")  # "Ce(NO3)3 · 6H2O", "C6H5Li3O7 4H2O"
#: A purity written after the material: ``Co3O4 (99.99%)``, ``Li2CO3, 99.9%``.
_PURITY = re.compile(
    r"\s*(?:\((?P<before>[^()]*?,\s*)?|,\s*)(?:purity\s*(?:of\s*)?)?[≥>~]?\s*(?P<purity>\d{2}(?:\.\d+)?\s*(?:wt\s*)?%)"
    r"(?:\s*(?:purity|pure))?(?P<after>\s*,[^()]*)?\s*\)?$"
)
#: A cation written apart from its bracketed anion group: ``Ni (NO3)2·6H2O``, ``Ti (OC4H9)4`` (not a valence:
#: ``Ti (IV)``).
_SPACED_GROUP = re.compile(r"^([A-Z][a-z]?\d*)\s+\((?![IVX]+\))")
#: A reagent grade in brackets after a formula: ``Al(OH)3(A.R)``, ``H3BO3 (AR)``, ``CaCO3 (analytical grade)``.
GRADE = re.compile(r"\s*\(\s*(?P<grade>A\.\s?R\.?|AR|G\.\s?R\.?|GR|analytical(?:\s+(?:reagent|grade))?|reagent\s+grade)"
                    r"\s*\)$", re.IGNORECASE)
#: All-capital strings (and their plurals) are acronyms (``SOFC``, ``BSCF``, ``CNTs``), not formulas ...
_ACRONYM = re.compile(r"[A-Z]{3,}s?|[A-Z]{2,}s")
#: ... except these molecules, written in capitals.
CAPITAL_FORMULAS = frozenset({"KOH", "HCN", "KCN", "HNO3", "NaOH"})
#: Organic cations of hybrid perovskites, written as abbreviations (``MAPbI3``, ``FA0.85MA0.15PbI3``).
ORGANIC_CATIONS = {"MA": "CH3NH3", "FA": "CH(NH2)2", "EA": "CH3CH2NH3", "GA": "C(NH2)3", "BA": "C4H9NH3",
                   "PEA": "C6H5C2H4NH3"}
_ORGANIC = re.compile(r"(?<![A-Za-z])(PEA|MA|FA|EA|GA|BA)(?=[A-Z(\[\d])")


def _read_formula(text: str) -> Reading:
    plain = _SPACED_DOT.sub(lambda m: m.group(1) or m.group(2), _SPACED_SIGN.sub(r"\1", text))
    cations = dict.fromkeys(_ORGANIC.findall(plain))
    if not cations:
        return Reading(parse_stoichiometry(plain), plain)
    expanded = _ORGANIC.sub(lambda m: f"({ORGANIC_CATIONS[m[1]]})", plain)
    note = ", ".join(f"{c} = {ORGANIC_CATIONS[c]}" for c in cations)
    return Reading(parse_stoichiometry(expanded), expanded, note=note)


def _with_note(reading: Reading, note: str | None) -> Reading:
    if not note:
        return reading
    return replace(reading, note="; ".join(n for n in (note, reading.note) if n))


def _read_name(text: str) -> Reading:
    formula = formula_from_name(text)
    return Reading(parse_stoichiometry(formula), formula)


def _dopant(item: str) -> str:
    """A dopant as an element symbol (``Eu3+``, ``Y``, ``yttrium``) or a formula (``Y2O3``, ``yttria``)."""
    item = item.strip("() ")
    match = _DOPANT_ITEM.fullmatch(item)
    if match and not match.group("amount") and match.group("element") in ELEMENT_SET:
        return match.group("element")
    return read_material(item).formula


def _read_doped(text: str) -> Reading:
    """``Y-doped ZrO2``, ``5 mol% Y2O3-stabilized ZrO2``; a mol% of a compound dopant makes a mixture."""
    match = _DOPED.fullmatch(text)
    if match is None:
        raise FormulaError(text, "not a doping notation")
    host = read_material(match.group("host"))
    dopants = tuple(_dopant(d) for d in re.split(r"[,/&]", match.group("dopant")) if d.strip("() "))
    amount, unit = match.group("amount"), (match.group("unit") or "").lower()
    if amount and unit == "mol" and len(dopants) == 1:
        fraction = float(amount) / 100
        stoichiometry = parse_stoichiometry(f"{1 - fraction:g}{host.formula}-{fraction:g}{dopants[0]}")
        return Reading(stoichiometry, host.formula, dopants, f"{amount} mol% {dopants[0]} in {host.formula}")
    note = f"{amount} {unit}% dopant not in the composition" if amount else "dopant amount not given"
    return Reading(host.stoichiometry, host.formula, dopants, note)


def _dopant_items(side: str) -> list[re.Match] | None:
    items = [_DOPANT_ITEM.fullmatch(item.strip()) for item in re.split(r"[,/]", side)]
    if all(m and m.group("element") in ELEMENT_SET for m in items):
        return items
    return None


def _read_colon(text: str) -> Reading:
    """``Y2O3:Eu``, ``Eu3+:Y2O3``, ``Sr3Lu1-x(PO4)3:xDy3+``: explicit dopant amounts join the composition."""
    left, _, right = text.partition(":")
    items, host_text = _dopant_items(right), left
    if items is None:
        items, host_text = _dopant_items(left), right
    if items is None:
        raise FormulaError(text, "no element dopant on either side of ':'")
    if _dopant_items(host_text) is not None and not any(m.group("amount") for m in items):
        raise FormulaError(text, "a ratio of elements, not a material")
    host = read_material(host_text)
    amounts = dict(host.stoichiometry.amounts)
    dosed = [m for m in items if m.group("amount")]
    for m in dosed:
        accumulate(amounts, parse_stoichiometry(m.group("amount") + m.group("element")).amounts)
    stoichiometry = Stoichiometry(text, amounts, host.stoichiometry.charge)
    note = None if len(dosed) == len(items) else "dopant amount not given"
    return Reading(stoichiometry, host.formula, tuple(m.group("element") for m in items), note)


@lru_cache(maxsize=65536)
def read_material(text: str) -> Reading:
    """Read a material string: a formula (variables kept symbolic), a chemical name, or a doping notation
    (``Eu3+:Y2O3``, ``Y-doped ZrO2``). A purity (``(99.99%)``, ``(Alfa Aesar, ≥99%)``) or grade (``(A.R)``), a size
    word (``nano-``) and a polytype or phase prefix (``2H-``, ``α-``) are kept in the note, out of the formula; a
    cation written apart from its anion group reads as one formula (``Ni (NO3)2·6H2O``); ``CuSO4.5H2O`` and
    ``Ce(NO3)3 · 6H2O`` are hydrates; acronyms (``SOFC``, ``BSCF``) and element ratios (``Sr:Cr``) are not materials. Raises :class:`FormulaError` with the reason; never guesses."""
    text = " ".join(text.split())
    notes = []
    if purity := _PURITY.search(text):
        extra = [x.strip(" ,") for x in (purity["before"], purity["after"]) if x and x.strip(" ,")]
        text, notes = text[: purity.start()], [f"purity {purity['purity'].replace(' ', '')}", *extra]
    elif grade := GRADE.search(text):
        text, notes = text[: grade.start()], [f"grade {grade['grade']}"]
    if morphology := _MORPHOLOGY.match(text):
        text = text[morphology.end():]
        notes.append(morphology["morphology"])
    if prefix := _PREFIX.match(text):
        text = text[prefix.end():]
        notes.append(f"{prefix['prefix']} {'polytype' if prefix['prefix'][0].isdigit() else 'phase'}")
    text = _HYDRATE_DOT.sub("·", _SPACED_GROUP.sub(r"\1(", text))
    if _ACRONYM.fullmatch(text) and text not in CAPITAL_FORMULAS:
        raise FormulaError(text, "an acronym, not a formula")
    return _with_note(_read_plain(text), "; ".join(notes))


def _read_plain(text: str) -> Reading:
    if ":" in text:
        return _read_colon(text)
    if _DOPED.fullmatch(text):
        return _read_doped(text)
    try:
        return _read_formula(text)
    except FormulaError as error:
        if not _NAME_WORD.search(text):
            raise
        formula_error = error
    try:
        return _read_name(text)
    except FormulaError as error:
        raise error if " " in text or text.islower() else formula_error from None


# --- materials in text --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Dopant:
    """A dopant found with its host in a sentence: the dopant mention (``element``: its symbol when it names one
    element), the host mention it was linked to, and the link's probability."""

    text: str
    element: str | None
    start: int
    end: int
    host: str
    host_start: int
    host_end: int
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "element": self.element, "start": self.start, "end": self.end,
                "host": self.host, "host_start": self.host_start, "host_end": self.host_end, "score": self.score}


@dataclass(slots=True)
class Material:
    """A material of a document: its formula and composition (``None`` with a ``reason`` when they cannot be
    known), the variable values used, dopants read from the notation (``dopants``) or linked in the text
    (``dopings``), and every mention as a ``[start, end)`` span of the text."""

    text: str
    formula: str | None
    composition: Composition | None
    mentions: list[tuple[int, int]] = field(default_factory=list)
    reason: str | None = None
    variables: dict[str, float] | None = None
    dopants: list[str] | None = None
    note: str | None = None
    dopings: list[Dopant] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON form as in the record schema; optional fields only when set."""
        d: dict[str, Any] = {
            "text": self.text,
            "formula": self.formula,
            "composition": None if self.composition is None else self.composition.amounts,
            "mentions": [list(m) for m in self.mentions],
        }
        optional = {"reason": self.reason, "variables": self.variables, "dopants": self.dopants, "note": self.note}
        optional["dopings"] = [x.to_dict() for x in self.dopings]
        return d | {k: v for k, v in optional.items() if v}


_MAX_VARIANTS = 16


def parse_material(text: str, values: Mapping[str, Sequence[float]] | None = None) -> list[Material]:
    """Materials for one material string: one per combination of the given variable values (δ is 0 unless
    given), or one with ``composition=None`` and a reason when a variable has no value or the string cannot
    be read."""
    try:
        reading = read_material(text)
    except FormulaError as error:
        return [Material(text, None, None, reason=error.reason)]
    stoichiometry, dopants = reading.stoichiometry, list(reading.dopants) or None
    variables = sorted(stoichiometry.variables)
    given = {v: list((values or {}).get(v) or ([0.0] if v in NONSTOICHIOMETRY else [])) for v in variables}
    missing = [v for v in variables if not given[v]]
    if missing:
        reason = f"variable {', '.join(missing)} has no value"
        return [Material(text, reading.formula, None, reason=reason, dopants=dopants, note=reading.note)]
    materials = []
    for combination in itertools.islice(itertools.product(*(given[v] for v in variables)), _MAX_VARIANTS):
        assignment = dict(zip(variables, combination))
        notes = [reading.note] + [f"{v} (oxygen non-stoichiometry) taken as 0" for v in NONSTOICHIOMETRY
                                  if assignment.get(v) == 0 and v not in (values or {})]
        try:
            composition = stoichiometry.composition(assignment)
        except FormulaError as error:
            materials.append(Material(text, reading.formula, None, reason=error.reason, variables=assignment))
            continue
        formula = stoichiometry.formula(assignment) if assignment else reading.formula
        materials.append(Material(text, formula, composition, variables=assignment or None, dopants=dopants,
                                  note="; ".join(n for n in notes if n) or None))
    return materials
