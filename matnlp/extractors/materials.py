"""Materials of a document: spans from NER ``MAT`` entities or the model-free formula and name finder, read into
:class:`~matnlp.chem.Material` objects with variables valued from the text, abbreviations resolved and mentions merged."""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..chem.elements import DIATOMIC, ELEMENT_NAMES, ELEMENT_SET, SYNTHETIC, element_from_name
from ..chem.formula import OPEN, ROMAN_VALENCE, VARIABLES, FormulaError
from ..chem.mixture import mixtures
from ..chem.material import GRADE, Material, parse_material, read_material
from ..chem.names import ANIONS, POLYATOMIC_CATIONS, PREFIXES, TRIVIAL_NAMES, VALENCE_NAMES
from .quantities import parse_unit

#: Entity labels that mark materials (Matscholar ``MAT``, MSPT ``Material``).
MATERIAL_LABELS = frozenset({"MAT", "Material"})
_GASES = frozenset("hydrogen helium nitrogen oxygen fluorine chlorine neon argon krypton xenon radon".split())
_NUM = r"\d*\.?\d+"
_ASSIGNMENT = re.compile(rf"\b([xyzδ])\s*=\s*({_NUM}(?:\s*(?:,|and|or|&)\s*{_NUM})*)(?!\s*[-–−~]\s*\d)(?![\d.])")
_RANGE = re.compile(
    rf"{_NUM}\s*[≤<⩽]=?\s*([xyzδ])\s*[≤<⩽]=?\s*{_NUM}|\b([xyzδ])\s*=\s*{_NUM}\s*[-–−~]\s*{_NUM}|\b([xyzδ])\s*[≤<⩽]\s*{_NUM}"
)
#: ``long form (ABBR)``, also after a spaced non-stoichiometry the finder leaves out (``La0.6Sr0.4CoO3 − δ (LSC)``).
_ABBREVIATION = re.compile(r"(?:\s*[-−–+]\s*[δx])?\s*\(\s*([A-Z][A-Za-z0-9\-]*[A-Z][A-Za-z0-9\-]*)\s*\)")
#: The whitespace-, comma- and semicolon-delimited chunks that can hold a formula: those starting with an uppercase
#: letter or a bracket (stripping a chunk removes only brackets at its start, and a formula starts uppercase).
# A phase or polymorph prefix before a formula ("α-Fe2O3", "m-ZrO2", "nano-AgInS2") is part of the material.
PHASE_PREFIX = r"(?:[αβγδεζηθικλμ]|[mtcohr]|nano)-"
_FORMULA_CHUNK = re.compile(rf"(?<![^\s,;])(?:{PHASE_PREFIX})?[(\[{{A-Z][^\s,;]*")
_FORMULA_START = re.compile(rf"(?:{PHASE_PREFIX})?[(\[]?[A-Z]")
# Water of a hydrate written apart from its salt: "Ce(NO3)3 · 6H2O", "C6H5Li3O7 4H2O"
_HYDRATE_AFTER = re.compile(r"\s*[·•⋅∙]\s*\d*\s*H2O\b|\s\d+H2O\b")
_NEXT_WORD = re.compile(r"\s+[a-z]{4,}\b")
_NO_DOPANT = re.compile(r"(?i)(?:of|and|or|the|a|an|in|on|with|for|as|by|to|un|non|self|highly|heavily|lightly)\s")
#: ``Y-doped ZrO2``, ``yttria stabilized zirconia``, ``Er/Yb-codoped``; not ``Pt/yttria-stabilized`` (an electrode on
#: an electrolyte): a ``/`` joins element dopants only.
_DOPED_SPAN = re.compile(
    r"(?:\d+(?:\.\d+)?\s*(?:mol|at|wt)\s*\.?\s*%\s*)?(?:(?:[A-Z][a-z]?\d?\+?/)+[A-Z][a-z]?\d?\+?|[^\s(),;/]+?)"
    r"[-\s](?:co-?)?"
    r"(?:doped|substituted|stabilized|stabilised)"
    r"\s+[^\s,;]*[^\s,;.)]",
    re.IGNORECASE,
)


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_NAMES = re.compile(
    rf"\b(?:{_alternation(TRIVIAL_NAMES)}"
    rf"|(?:{_alternation([*ELEMENT_NAMES, *VALENCE_NAMES, *POLYATOMIC_CATIONS])})\s*(?:\(\s*[IVXivx]+\s*\))?\s+"
    rf"(?:{_alternation(PREFIXES)})?o?(?:{_alternation(ANIONS)})(?:\s+[a-z]*hydrate)?"
    rf"|{_alternation(set(ELEMENT_NAMES) - _GASES)})\b",
    re.IGNORECASE,
)


# Compounds joined by adduct dots, perhaps with water: "4MgCO3 · Mg(OH)2 · 5H2O", "3CaO·Al2O3"
_ADDUCT = re.compile(r"(?<![\w.·⋅•)-])(?<!\w\()(?:\d+)?[A-Z][A-Za-z\d()]*(?:\s?[·⋅•]\s?\d*[A-Z(][A-Za-z\d()]*)+")
_WATER = re.compile(r"\d*H2O")


def _not_the_element(text: str, match: re.Match) -> bool:
    """Whether a one-word name (an element, a mineral) is part of a compound's or a class's name
    (:data:`_COMPOUND_AFTER`: "nickel ferrite", "spinel compounds"), an adjective ("cobalt-free",
    "cobalt-containing", "sulfur-tolerant") or, for "lead", the verb ("may lead to"): the metal is "lead (Pb)" or
    "lead powder"."""
    return bool(_COMPOUND_AFTER.match(text, match.end()) or _ADJECTIVE_AFTER.match(text, match.end())
                or match.group().lower() == "lead" and not _LEAD_METAL.match(text, match.end()))


_ADJECTIVE_AFTER = re.compile(r"[-‐](?:containing|free|rich|poor|deficient|bearing|tolerant|resistant)\b",
                              re.IGNORECASE)
_LEAD_METAL = re.compile(r"\s*\(\s*Pb\b|\s+(?:metal|powders?|foils?|shots?|ingots?|granules|sheets?)\b",
                         re.IGNORECASE)
# A salt named by its cation's symbol and valence: "Ti (IV) isopropoxide", "Fe(III) nitrate nonahydrate"
_SYMBOL_VALENCE_NAME = re.compile(
    rf"(?<![\w(-])[A-Z][a-z]?\s*\(\s*[IVX]+\s*\)\s+(?:{_alternation(PREFIXES)})?o?(?:{_alternation(ANIONS)})"
    rf"(?:\s+[a-z]*hydrate)?\b")


def _trie(words: set[str]) -> str:
    """A regex for what starts with one of ``words``, as nested groups per character (where one word starts
    another, the shorter one)."""
    if "" in words:
        return ""
    firsts = sorted({w[0] for w in words})
    return f"(?:{'|'.join(re.escape(c) + _trie({w[1:] for w in words if w[0] == c}) for c in firsts)})"


#: Where a match of ``_NAMES`` can start: every alternative starts with one of these words after ``\b``.
_NAME_START = re.compile(
    rf"\b(?={_trie({w[:4] for w in (*TRIVIAL_NAMES, *ELEMENT_NAMES, *VALENCE_NAMES, *POLYATOMIC_CATIONS)})})",
    re.IGNORECASE,
)


def _names(text: str) -> Iterator[re.Match]:
    """The matches of ``_NAMES.finditer(text)``, tried only where ``_NAME_START`` matches: a regex that starts with
    ``\\b`` and a long alternation tries every alternative at every position of the text."""
    end = 0
    for word in _NAME_START.finditer(text):
        if word.start() >= end and (match := _NAMES.match(text, word.start())):
            end = match.end()
            yield match


@dataclass(frozen=True, slots=True)
class _Definition:
    """A variable defined in the text: values (``x = 0.1, 0.2``) or, for a range (``0 ≤ x ≤ 0.2``), none."""

    variable: str
    start: int
    values: tuple[float, ...]
    text: str


def _definitions(text: str) -> list[_Definition]:
    found = [
        _Definition(m.group(1), m.start(), tuple(dict.fromkeys(v for n in re.findall(_NUM, m.group(2))
                                                            if math.isfinite(v := float(n)))),
                    m.group())
        for m in _ASSIGNMENT.finditer(text)
    ]
    found += [_Definition(next(g for g in m.groups() if g), m.start(), (), m.group()) for m in _RANGE.finditer(text)]
    return found


class _Definitions:
    """The definitions of a text indexed per variable (sorted by start), so that choosing the definitions of a
    mention looks at those of its sentence only, not at every definition of the text."""

    def __init__(self, definitions: list[_Definition]):
        self.by_variable: dict[str, tuple[list[int], list[tuple[int, _Definition]]]] = {}
        for variable in VARIABLES:
            own = sorted(((d.start, i), d) for i, d in enumerate(definitions) if d.variable == variable)
            self.by_variable[variable] = ([k[0] for k, _ in own], [(k[1], d) for k, d in own])
        self.valued = {v: [d for _, d in sorted(pairs) if d.values] for v, (_, pairs) in self.by_variable.items()}


def _choose(definitions: _Definitions, start: int, sentence: tuple[int, int]) -> dict[str, _Definition]:
    """Per variable, the definition nearest the mention in its sentence (the first in the text's definition order
    on a tie), else the only valued one in the text."""
    chosen: dict[str, _Definition] = {}
    for variable in VARIABLES:
        starts, pairs = definitions.by_variable[variable]
        local = pairs[bisect_left(starts, sentence[0]) : bisect_left(starts, sentence[1])]
        valued = definitions.valued[variable]
        if local:
            chosen[variable] = min(local, key=lambda p: (abs(p[1].start - start), p[0]))[1]
        elif len(valued) == 1:
            chosen[variable] = valued[0]
    return chosen


def _strip_chunk(text: str, start: int) -> tuple[str, int]:
    """Trim sentence punctuation, unbalanced brackets and one pair enclosing the whole chunk (``(YVO4:Eu3+)``)
    around a whitespace-delimited chunk."""
    while text:
        if text[0] in OPEN and text[-1] == OPEN[text[0]] and _closes_at_end(text):
            text, start = text[1:-1], start + 1
            continue
        if text[-1] in ".:" or (text[-1] in ")]}" and text.count(text[-1]) > text.count(_closing_to_open(text[-1]))):
            text = text[:-1]
        elif text[0] in "([{" and text.count(text[0]) > text.count(OPEN[text[0]]):
            text, start = text[1:], start + 1
        else:
            return text, start
    return text, start


def _closes_at_end(text: str) -> bool:
    """Whether the bracket opening ``text`` closes at its last character."""
    depth = 0
    for i, char in enumerate(text):
        depth += (char in OPEN) - (char in ")]}")
        if depth == 0:
            return i == len(text) - 1
    return False


def _closing_to_open(char: str) -> str:
    return {v: k for k, v in OPEN.items()}[char]


@lru_cache(maxsize=1 << 16)
def _looks_like_formula(chunk: str) -> bool:
    """A chunk the formula finder takes as a material: it reads, has two elements (or is a diatomic gas), no
    charge, a digit or lowercase letter, is not a bond or pair of bare symbols (``Si-O``, ``Pt-Ru``), not a
    group or radical (``CF3``, ``SO3H``: :attr:`~matnlp.chem.formula.Stoichiometry.radical`) and no code with a
    number of four digits or more (``SP2017/116``)."""
    if chunk in DIATOMIC:
        return True
    if not _FORMULA_START.match(chunk) or not any(c.isdigit() or c.islower() for c in chunk) or (
            ROMAN_VALENCE.search(chunk)):
        return False
    try:
        reading = read_material(chunk)
    except FormulaError:
        return False
    amounts = reading.stoichiometry.amounts
    bare_pair = all(p in ELEMENT_SET for p in re.split(r"[-–−]", chunk))
    coded = re.search(r"(?<![.\d])\d{4,}", chunk) is not None  # "SP2017/116", "P21009-N20": codes, no subscripts
    return (len(amounts) >= 2 and not reading.stoichiometry.charge and not bare_pair and SYNTHETIC.isdisjoint(amounts)
            and not reading.stoichiometry.radical and not coded)


def _candidate_spans(text: str) -> list[tuple[int, int]]:
    """Material spans found without NER: species of equations, mixtures (:mod:`matnlp.chem.mixture`), doping
    phrases, chemical names, then formula-like chunks."""
    spans: list[tuple[int, int]] = []
    taken = bytearray(len(text))

    def add(start: int, end: int) -> None:
        if not any(taken[start:end]):
            spans.append((start, end))
            taken[start:end] = b"\x01" * (end - start)

    for start, end, _ in equation_species(text):
        add(start, end)
    for start, end in mixtures(text):
        add(start, end)
    for match in _DOPED_SPAN.finditer(text):
        start, end = match.span()
        if _NO_DOPANT.match(match.group()):
            continue  # "structure of doped tin oxide": no dopant named
        if (two := _NEXT_WORD.match(text, end)) and (_reads(text[start:two.end()])
                                                     or two.group().strip().lower() in ANIONS):
            end = two.end()  # a two-word host name: yttrium-doped barium zirconate, Ca co-doped cerium oxide
        elif not _reads(text[start:end]):
            continue
        add(start, end)
    for match in _names(text):
        one_word = " " not in match.group()  # "iron nitrate and ammonium molybdate": a compound name already
        if not (_EQUIPMENT_AFTER.match(text, match.end()) or one_word and _not_the_element(text, match)
                or _SOURCE_BEFORE.search(text, max(0, match.start() - 30), match.start())
                or text.endswith("soda-", 0, match.start())
                or (match.group().lower() in STRUCTURE_TYPES and _MATERIAL_AFTER.match(text, match.end()))):
            add(*match.span())
    for match in _ADDUCT.finditer(text):
        adduct, start = _strip_chunk(match.group(), match.start())
        waterless = [p for p in re.split(r"\s*[·⋅•]\s*", adduct) if not _WATER.fullmatch(p)]
        if len(waterless) >= 2 and all(_compound(p) for p in waterless) and _reads(adduct):
            add(start, start + len(adduct))
    for match in _SYMBOL_VALENCE_NAME.finditer(text):
        if _reads(match.group()):
            add(*match.span())
    for match in _SPACED_SALT.finditer(text):
        if _reads(match.group()):
            add(*match.span())
    for match in _FORMULA_CHUNK.finditer(text):
        chunk, start = _strip_chunk(match.group(), match.start())
        end = _citation_end(text, start, start + len(chunk)) if _FORMULA_START.match(chunk) else None
        if end and _looks_like_formula(text[start:end]) and not _not_a_material(text, start, end, _NO_SPANS):
            hydrate = _HYDRATE_AFTER.match(text, end)
            add(start, hydrate.end() if hydrate and _reads(text[start:hydrate.end()]) else end)
    for start, end in bare_elements(text):
        add(start, end)
    return sorted(spans)


# A cation written apart from its bracketed anion group, with its water: "Ni (NO3)2·6H2O", "Mn (CH3COO)2·4H2O".
_SPACED_SALT = re.compile(r"(?<![\w(-])[A-Z][a-z]?\d*\s\((?![IVX]+\))[A-Z][\w]*\)\d*(?:\s*[·⋅•]\s*\d*H2O|\s\d+H2O\b)?")


@lru_cache(maxsize=4)
def equation_species(text: str) -> tuple[tuple[int, int, str], ...]:
    """``(start, end, side)`` of the species of the chemical equations in ``text`` (``NiO + Fe2O3 → NiFe2O4``,
    ``3Li2CO3+V2O5 = 2Li3VO4+3CO2↑``, ``x×Lu2O3+(1-x)×Gd2O3+SiO2→Lu2xGd2-2xSiO5``): ``side`` is ``reactant`` or
    ``product``. A span leaves out the coefficient and a state or gas mark (``2Al2O3(s)`` → ``Al2O3``). An equation
    has a ``+``, and a species that reads as a neutral material on each side; other species (ions, electrons) are
    left out, so that a definition (``CSO = Ce0.9Sm0.1O2``), a transition (``4F9/2→4I15/2``) or a redox couple
    (``Eu3+ + e− → Eu2+``) is no equation. Cached for the last texts: the materials finder and the role model of
    the same document both ask."""
    found = []
    for match in _EQUATION.finditer(text):
        if "+" not in match.group(0).replace("++", ""):
            continue
        sides = [[span for span in _equation_terms(text, *match.span(group)) if span] for group in (1, 2)]
        if all(sides):
            found += [(a, b, side) for spans, side in zip(sides, ("reactant", "product")) for a, b in spans]
    return tuple(found)


def _equation_terms(text: str, start: int, end: int) -> Iterator[tuple[int, int] | None]:
    """The species span of each ``+``-joined term of one side of an equation, or ``None`` where it does not read."""
    for term in _EQUATION_TERM.finditer(text, start, end):
        a = term.start() + len(_COEFFICIENT.match(term.group()).group())
        b = term.start() + len(_STATE.sub("", term.group()))
        yield (a, b) if b > a and _FORMULA_START.match(text, a) and _neutral(text[a:b]) else None


def _neutral(chunk: str) -> bool:
    """Whether ``chunk`` reads as a material without a charge (not an ion: ``Eu3+ + e− → Eu2+``)."""
    try:
        return not read_material(chunk).stoichiometry.charge
    except FormulaError:
        return False


# A term: anything but white space, "+" (a charge's "+" stays: before the joining one, "Ca2SiO4:Eu2++MgCl2", or
# at the term's end, "→Ca8Mg(SiO4)4Cl2:Eu2+"; so does an oxygen excess, "Pr2NiO4+δ") and the arrow; a gas or
# precipitate mark may stand apart ("16NH3 ↑").
_TERM = r"(?:[^\s+=→⟶⇌⇒⟹>\-]|-(?!>)|\+(?=\+|\s|$|[.,;)]|[δxyz](?![A-Za-z\d])))+(?:\s*[↑↓])?"
_SIDE = rf"{_TERM}(?:\s*\+\s*{_TERM})*"
_EQUATION = re.compile(rf"(?<![^\s(:;,])({_SIDE})\s*(?:→|⟶|⇌|⇒|⟹|->|=>|=)\s*({_SIDE})")
_EQUATION_TERM = re.compile(_TERM)
_COEFFICIENT = re.compile(r"(?:\d+\s*[-−]\s*[\d.]*[xyzδ]|[\d.]*[xyzδ]\d*(?=[(A-Z×·*])|\d+(?:\.\d+)?(?:/\d+)?|"
                          r"\([^()A-Z]*\))?\s*[×·*]?")
# A state or gas mark, and an equation number: "Al2O3(s)", "CO2↑", "La2-xYbxMoWO9(s)(1)"
_STATE = re.compile(r"(?:\((?:s|l|g|aq|c)\))?\s*[↑↓]?(?:\(\d{1,2}\))?[.,;:]?$")


def bare_elements(text: str) -> Iterator[tuple[int, int]]:
    """Spans of element symbols written alone that a context makes materials: a purity, particle size or supplier
    in brackets after them ("Mg (purity 99.8%)", "Fe (3N purity)", "Ti (<45 μm)", "Ti (-325 mesh", "Zn (Kojundo,
    …") or a purity before them ("99% Al"), a form ("Al powder", "Cu foil"), or a list of symbols and formulas headed or followed by such a word ("elemental Mg, Ni and
    Si", "Ta, C, and Al powders", "mixing Ti, Al and TiC") or of three or more holding a compound ("MoSe2, TlSe,
    Ag, and Mo"). A symbol that is also an English word ("In", "As", "At", "Be", "He", "No") or one letter ("C",
    "B") counts only in such a list or with such a bracket."""
    for m in _ELEMENT_RUN.finditer(text):
        run = _BRACKETED.sub(lambda b: " " * len(b.group()), m.group())  # notes are no items: "(5 N, Jiahua)"
        items = _ITEM_IN_RUN.findall(run)
        symbols = list(_SYMBOL_IN_RUN.finditer(run))
        if _ANALYSIS_BEFORE.search(text, max(0, m.start() - 60), m.start()):
            continue  # "signals from C, O, N, Cu": the elements an analysis found, "O (13.7%)" a composition
        listed = len(items) >= 2 and (_ELEMENTAL_BEFORE.search(text, max(0, m.start() - 40), m.start())
                                        or _FORM_AFTER.match(text, m.end())
                                        or len(items) >= 3 and any(_compound(item) for item in items))
        for sym in symbols:
            start, end = m.start() + sym.start(), m.start() + sym.end()
            if _NUMBER_BEFORE.search(text, max(0, start - 12), start) and parse_unit(sym.group()).known:
                continue  # "319 K (50% RH)", "1.037 V (0.11% …": a unit
            purity = _PURITY_AFTER.match(text, end) or _PURITY_BEFORE.search(text, max(0, start - 12), start)
            plain = sym.group() not in _WORDLIKE_SYMBOLS and len(sym.group()) == 2
            if purity or listed or (plain and _FORM_AFTER.match(text, end)):
                yield start, end


_BRACKETED = re.compile(r"\([^()]*\)")


def _compound(item: str) -> bool:
    """Whether a list item is the formula of a compound (``MoSe2``, ``PtRu``), not a symbol or an acronym."""
    return len(re.findall(r"[A-Z][a-z]?", item)) >= 2 and not item.isupper() and _reads(item)


_SYMBOLS = "|".join(sorted(ELEMENT_SET, key=len, reverse=True))
_SYMBOL_IN_RUN = re.compile(rf"(?<![\w(-])(?:{_SYMBOLS})(?![\w-])")
_ITEM_IN_RUN = re.compile(r"(?<![\w(-])[A-Z][\w]*")
# A symbol, or a run of symbols and formulas joined by commas and "and", each perhaps with a bracket after it
# ("Cu (99.9%, 300#)", "Ti, SiC and C powders")
_RUN_ITEM = rf"(?:{_SYMBOLS}|[A-Z][a-z]?(?:[A-Z][a-z]?|\d+)+)(?![\w/·-])(?:\s*\([^()]{{0,40}}\))?"
_ELEMENT_RUN = re.compile(rf"(?<![\w°·/-]){_RUN_ITEM}(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+){_RUN_ITEM})*")
# a purity ("(purity 99.8%)", "(3N purity)"), a particle size ("(<45 μm)") or a supplier ("(Kojundo, …")
_PURITY_AFTER = re.compile(r"\s*\((?:(?:[^()]{0,30}?\b)?(?:purity[:\s]*)?(?:\d{2}(?:[.,]\s?\d+)?|"
                           r"9\d(?:[.,]\s?\d+)?\s*(?:wt|at)\.?)\s*%|\s*\dN\b|\s*[<>≤~]?\s*\d+(?:\.\d+)?\s*[µμn]m\b|"
                           r"\s*[-−+]?\d+\s*mesh\b|[A-Z][\w.&-]+(?:\s+[A-Z][\w.&-]+)*\s*[,;])")
# an analysis that names the elements it found: "signals from C, O, N", "identified the constituent elements of"
_ANALYSIS_BEFORE = re.compile(r"(?i)\b(?:signals?|peaks?|EDX|EDS|EDXS|XPS|spectr\w*|detected|constituent\s+elements?|"
                              r"elemental\s+(?:analysis|mapping|composition))\b[^.;]{0,40}$")
# a purity before the symbol: "99% Al and 99.7% C"
_PURITY_BEFORE = re.compile(r"\b9\d(?:\.\d+)?\s*%\s+$")
_FORM_AFTER = re.compile(r"\s+(?:(?:alloy|elemental|metal|fine|high-purity)\s+)?(?:metal|metals|powders?|foils?|shots?|"
                         r"granules|ingots?|wires?|chips|pieces|flakes|sheets?|plates?|lumps|pellets|rods?|sponge|"
                         r"turnings)\b|\s+with\s+(?:a\s+)?purit", re.I)
_ELEMENTAL_BEFORE = re.compile(r"\b(?:elementals?|pure|metallic|metals?|powders?\s+of|mixtures?\s+of|mixing|mixed|"
                               r"starting\s+materials?\s+(?:are|were|was|is)|from)\s+(?:the\s+)?(?:high[- ]purity\s+)?$",
                               re.I)
_WORDLIKE_SYMBOLS = frozenset("In As At Be He No Am Es Pa Ho Os Co Re".split())


def _sentence_spans(text: str, sentences) -> list[tuple[int, int]]:
    if sentences is None:
        from ..text.tokenize import sentences as split

        sentences = split(text)
    return [(s.start, s.end) for s in sentences] or [(0, len(text))]


class _Sentences:
    """The sentence of a position: by bisection when the spans are sorted and disjoint (as a tokenizer's are),
    else the first span holding it."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = spans
        self.starts = [a for a, _ in spans]
        self.sorted = all(a <= b for a, b in spans) and all(
            b1 <= a2 for (_, b1), (a2, _) in zip(spans, spans[1:]))

    def of(self, start: int, default: tuple[int, int]) -> tuple[int, int]:
        if not self.sorted:
            return next(((a, b) for a, b in self.spans if a <= start < b), default)
        i = bisect_right(self.starts, start) - 1
        return self.spans[i] if i >= 0 and start < self.spans[i][1] else default


VENDOR = re.compile(
    r"\b(?:Sigma[\s-]*Aldrich|Aldrich|Alfa[\s-]*Aesar|Merck|Fisher(?:\s+Scientific)?|Acros(?:\s+Organics)?|Kanto|Wako|"
    r"Strem|Thermo(?:\s+Fisher)?|Macklin|Aladdin|Sinopharm|Tokyo\s+Chemical(?:\s+Industry)?|TCI|Junsei|Daejung|"
    r"Samchun|Kojundo|Nacalai|Inframat|American\s+Elements|Johnson\s+Matthey|Avantor|VWR|Honeywell|Riedel[\s-]de[\s-]Ha[eë]n|"
    r"Solaronix|Dyesol|Greatcell|Ossila|Lumtec|Xi'?an\s+Polymer|Nanografi|Sigma|"
    # instrument makers
    r"Zahner|ZAHNER|Zennium|Gamry|Autolab|Metrohm|Bio-?[Ll]ogic|Solartron|Princeton\s+Applied(?:\s+Research)?|"
    r"CH\s+Instruments|BASi|Scribner|Rigaku|Bruker|PANalytical|JEOL|Hitachi|Zeiss|Netzsch|NETZSCH|Micromeritics|"
    r"Quantachrome|Shimadzu|Horiba|HORIBA|Renishaw|Keithley|Agilent|PerkinElmer|Telio)\b"
)
#: Equipment after a material word: ``quartz tube``, ``alumina crucible``, ``Teflon-lined autoclave``.
#: Lab vessels and tools a material is held or worked in.
EQUIPMENT = (r"(?:tubes?|furnaces?|crucibles?|autoclaves?|boats?|beakers?|reactors?|ovens?|mortars?|jars?|vials?|flasks?|"
             r"dish(?:es)?|cups?|containers?|balls?|vessels?|ampoules?|grids?|plates?|susceptors?|holders?)")
#: A structure-type, class or anion noun the name lexicon does not know makes an element name the first word of a
#: compound's name ("nickel ferrite", "strontium hexaferrite", "potassium halide", "cobalt salts", "sodium tellurite",
#: "tantalum and rhodium oxides", "lanthanum, cerium, and praseodymium carbonates", "lanthanum strontium manganite"),
#: not the element; "lime" after "soda-" is glass.
_COMPOUND_AFTER = re.compile(
    rf"(?:(?:,\s*|\s+)(?:(?:and|or)\s+)?(?:{_alternation(ELEMENT_NAMES)}))*\s+(?:(?:and|or)\s+[a-z]+\s+)?"
    r"(?:(?:hexa)?(?:ferrites?|spinels?|garnets?)|halides?|salts?|compounds?|complex(?:es)?|"
    r"[a-z]*(?:molybdate|tungstate|tellurite|selenite|manganate|manganite|ferrate|cobaltate|cobaltite|nickelate|cuprate|"
    r"titanate|zirconate|niobate|tantalate|vanadate|chromate|aluminate|silicate|germanate|borate|gallate|stannate|"
    r"cerate|acetylacetonate|alkoxide|propoxide|butoxide|ethoxide|methoxide)s?|"
    r"oxides|hydroxides|nitrates|carbonates|chlorides|acetates|sulfates)\b", re.IGNORECASE)
#: A mineral name before a formula, another name or "structure" is the structure type of a material ("spinel
#: LiMn2O4", "spinel lithium manganate", "rutile TiO2", "a cubic spinel structure"), not the mineral.
STRUCTURE_TYPES = frozenset({"spinel", "rutile", "anatase", "brookite", "corundum", "perovskite", "wurtzite"})
_MATERIAL_AFTER = re.compile(rf"[\s-]+(?:[A-Z][a-z]?[\d(A-Z]|(?i:{_alternation(ELEMENT_NAMES)}|(?:crystal\s+)?"
                             r"(?:structure|phase|type|lattice|framework)s?|structured)\b)")
#: The element a precursor brings is no material of its own: "SrCO3 as the source for strontium".
_SOURCE_BEFORE = re.compile(r"\bsources?\s+(?:of|for)\s+(?:the\s+)?$", re.IGNORECASE)
# "silica tube", "Teflon-lined autoclave", "carbon coated TEM copper grid"
_EQUIPMENT_AFTER = re.compile(rf"[\s-]*(?:lined\s+|coated\s+(?:[\w-]+\s+){{0,2}})?(?:stainless[\s-]steel\s+)?"
                              rf"{EQUIPMENT}\b", re.IGNORECASE)
#: What follows a span that is no material: a structural unit (``BO6 octahedra``), a radiation line (``Cu Kα``),
#: an author citation (``Bi et al.``, ``Gan, 2018``), a symbol's value (``Rh = 12 nm``, ``small Rh value``) or a
#: laser (``KrF excimer laser``).
_NOT_MATERIAL_AFTER = re.compile(
    r"(?<=\b[A-Z][a-z])\s+values?\b"
    r"|\s*(?:octahedr|tetrahedr|polyhedr|K[αβ]|radiation\b|et\s+al\b|(?:,\s*|\s+\()(?:19|20)\d\d\b|[=≈]\s*[-−]?\d)"
    r"|\s+(?:excimer\s+|gas\s+|pulsed\s+)?lasers?\b"  # "KrF excimer laser", "Nd:YAG laser": the light source
)
# A UK postcode: "London, SW7 2AZ"
_POSTCODE = re.compile(r"[A-Z]{1,2}\d{1,2}[A-Z]?(?=\s\d[A-Z]{2}\b)")
#: A citation, supplementary label or radiation line as a span, or a figure/table label before it (``Fig. S3``).
_NOT_MATERIAL = re.compile(
    r"al\.|.*K[αβ]|S\d+[a-z]?(?:\s*[-–−,]\s*S\d+[a-z]?)*$|[A-Z]\.(?:\s?[A-Z]\.?)+$|.*(?:ORCID|https?:|doi\.org)|s\d{5}-"
    r"|FP\d|H[VK]\d[\d.]*$|\[[A-Z][a-z]?\]$"  # an EU grant (FP7), a hardness scale (HV0.1), a concentration ([O])
)
#: A figure/table label, a citation or a quantity whose symbol the span is (``hydrodynamic radii (Rh)``) before it.
_LABEL_BEFORE = re.compile(
    r"\b(?:Fig(?:ure)?s?|Tables?|Eqs?|Schemes?|Notes?|et)\.?\s*$"
    r"|(?:radius|radii|diameters?|thickness|resistances?|constants?|coefficients?|potentials?)\s*\(\s*$",
    re.IGNORECASE,
)
#: An author in a reference list: an initial before the span and a comma after it (``G. Kim , Nat. Mater.``).
_INITIAL_BEFORE = re.compile(r"(?<![°\w])[A-Z]\.\s*$")
_COMMA_AFTER = re.compile(r"\s*,")
#: The integer run at the end of a chunk: a citation number merged into a formula (``CH420``, ``La0.7Sr0.3VO334``)
#: when the chunk without two or more of its digits is written alone elsewhere, or the run has three or more digits
#: (journal pages ``F1263``, product codes ``FB2200``); a dot before it (``H2O.19``), a list (``Ir29,30``), a
#: bracket (``Ni [38,71]``) or a δ before it (``O3−δ1``) marks a citation always.
_TRAILING_INTEGER = re.compile(r"(?<=[A-Za-z)\]])(\.?)(\d+)$")
_CITATION_END = re.compile(r"(?<=[A-Za-z)\]])\d+(?:[,–]\d+)+$|(?<=δ)\d+$|\s*\[[\d,\s–−-]+\]$")
_CONTACT = re.compile(r"\b(?:Fax|Tel|Phone|E-?mail)\b|@|\+\d{1,3}[-\s(]", re.IGNORECASE)
_TOP_LEVEL_SEPARATOR = re.compile(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")


class _SortedSpans:
    """Spans in text order, queried by bisection instead of a scan of all of them per query (a long text has
    thousands): each query gives what the scan in its docstring gives. Spans that are not sorted and disjoint
    (each ending at or before the next one's start) are scanned."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = spans
        self.starts = [c for c, _ in spans]
        self.disjoint = all(c <= d for c, d in spans) and all(d1 <= c2 for (_, d1), (c2, _) in zip(spans, spans[1:]))

    def overlaps(self, start: int, end: int) -> bool:
        """``any(c < end and start < d for c, d in spans)``"""
        if not self.disjoint:
            return any(c < end and start < d for c, d in self.spans)
        i = bisect_right(self.starts, start) - 1  # the last span starting at or before start, then the next ones
        for c, d in self.spans[max(i, 0) : i + 3]:
            if c < end and start < d:
                return True
        return False

    def containing(self, a: int, b: int) -> list[tuple[int, int]]:
        """``[(c, d) for c, d in spans if c <= a and b <= d]``"""
        if not self.disjoint:
            return [(c, d) for c, d in self.spans if c <= a and b <= d]
        i = bisect_right(self.starts, a) - 1
        k = i
        while k >= 0 and self.spans[k][1] >= b:  # ends grow with the index: those reaching b are a run
            k -= 1
        return self.spans[k + 1 : i + 1]

    def inside(self, a: int, b: int) -> list[tuple[int, int]]:
        """``[(c, d) for c, d in spans if a <= c and d <= b]``"""
        if not self.disjoint:
            return [(c, d) for c, d in self.spans if a <= c and d <= b]
        lo = hi = bisect_left(self.starts, a)
        while hi < len(self.spans) and self.spans[hi][1] <= b:
            hi += 1
        return self.spans[lo:hi]


_NO_SPANS = _SortedSpans([])


def _not_a_material(text: str, start: int, end: int, vendors: _SortedSpans) -> bool:
    """Vendors and instrument makers (``Alfa Aesar``, ``Gamry``), contact details and postcodes, equipment (``quartz
    tube``), citations, labels, radiation lines, structural units, numbered sample labels, variables and units after
    a number (``10 KHz``, ``0.5 V``) tagged as materials."""
    return (vendors.overlaps(start, end) or bool(_CONTACT.search(text, start, end))
            or _unit_of_a_number(text, start, end)
            or bool(_EQUIPMENT_AFTER.match(text, end)) or bool(_NOT_MATERIAL_AFTER.match(text, end))
            or bool(_NOT_MATERIAL.match(text, start, end)) or _numbered_label(text, text[start:end])
            or bool(_LABEL_BEFORE.search(text, max(0, start - 30), start))
            or bool(_UNIT_BEFORE.search(text, max(0, start - 20), start))
            or (postcode := _POSTCODE.match(text, start)) is not None and postcode.end() == end
            or bool(_INITIAL_BEFORE.search(text, max(0, start - 4), start) and _COMMA_AFTER.match(text, end)))


def _numbered_label(text: str, chunk: str) -> bool:
    """Whether a letters-and-number chunk is one of a numbered series of sample labels the text uses (``SF1`` …
    ``SF5``, ``IW1``, ``IW2``, ``IW3``): three or more numbers after the same letters."""
    m = _LABEL_SHAPE.fullmatch(chunk)
    return m is not None and len(_label_series(text).get(m.group(1), ())) >= 3


@lru_cache(maxsize=4)
def _label_series(text: str) -> dict[str, set[str]]:
    """Letters → the numbers written after them as words of ``text`` (``SF`` → ``{"1", "2", "5"}``), read once per
    text: asked per chunk, a scan of the text each time made long papers quadratic."""
    series: dict[str, set[str]] = defaultdict(set)
    for m in _LABEL_WORD.finditer(text):
        series[m.group(1)].add(m.group(2))
    return series


_LABEL_SHAPE = re.compile(r"([A-Z][A-Za-z]+?)(\d{1,2})")
_LABEL_WORD = re.compile(r"(?<![\w.])([A-Z][A-Za-z]+?)(\d{1,2})(?![\w.])")
_NUMBER_BEFORE = re.compile(r"(?<![\w.])\d+(?:\.\d+)?\s?$")
_UNIT_BEFORE = re.compile(r"(?i)\b(?:octahedra|octahedral|tetrahedra|tetrahedral)\s+$")  # "octahedral CoO6 vacancies"


def _unit_of_a_number(text: str, start: int, end: int) -> bool:
    """Whether the span is a unit of measure right after a number."""
    return bool(_NUMBER_BEFORE.search(text, max(0, start - 12), start)) and bool(parse_unit(text[start:end]).atoms)


def _citation_end(text: str, start: int, end: int) -> int | None:
    """The end of the span without a citation number merged into it, or None for a page or product code."""
    if cited := _CITATION_END.search(text, start, end):
        return cited.start() if cited.start() > start else None
    match = _TRAILING_INTEGER.search(text, start, end)
    if not match:
        return end
    if match.group(1):
        return match.start()
    digits = match.group(2)
    for cut in range(len(digits) - 2, -1, -1):  # a citation has two digits or more
        prefix = text[start : match.start(2) + cut]
        if prefix not in ELEMENT_SET and _written_alone(text, prefix):
            return match.start(2) + cut
    return None if len(digits) >= 3 else end


def _written_alone(text: str, word: str) -> bool:
    """Whether ``word`` occurs in ``text`` with neither a word character nor a dot on either side."""
    if len(word) > _ALONE_MAX or any(c.isspace() for c in word):
        return re.search(rf"(?<![\w.]){re.escape(word)}(?![\w.])", text) is not None
    return word in _standalone_strings(text)


_ALONE_MAX = 40


@lru_cache(maxsize=4)
def _standalone_strings(text: str) -> frozenset[str]:
    """Every whitespace-free substring of ``text`` up to :data:`_ALONE_MAX` characters with neither a word
    character nor a dot on either side, built once per document so that checking a mention is no scan of the
    whole text."""
    out: set[str] = set()
    for token in re.findall(r"\S+", text):
        out.update(_standalone_in(token))
    return frozenset(out)


@lru_cache(maxsize=1 << 16)
def _standalone_in(t: str) -> frozenset[str]:
    """The substrings of a whitespace-free token up to :data:`_ALONE_MAX` characters with neither a word character
    nor a dot on either side inside it; cached per token, as a text repeats its words."""
    starts = [0] + [i for i in range(1, len(t)) if not _word_or_dot(t[i - 1])]
    ends = {j for j in range(1, len(t)) if not _word_or_dot(t[j])} | {len(t)}
    return frozenset(t[i:j] for i in starts for j in range(i + 1, min(len(t), i + _ALONE_MAX) + 1) if j in ends)


def _word_or_dot(c: str) -> bool:
    return c == "." or c == "_" or c.isalnum()


def _reads(chunk: str) -> bool:
    try:
        read_material(chunk)
    except FormulaError:
        return False
    return True


def _list_items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The items of a tagged list (``Co (99%), Ni (99.9%)``) when every item reads as a material, else the span."""
    cuts, depth = [start], 0
    for i in range(start, end):
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(text[i], 0)
        if depth == 0 and (m := _TOP_LEVEL_SEPARATOR.match(text, i, end)):
            cuts += [i, m.end()]
    if len(cuts) == 1:
        return [(start, end)]
    items = list(zip(cuts[::2], [*cuts[1::2], end]))
    return items if all(b > a and _reads(text[a:b]) for a, b in items) else [(start, end)]


def _tagged_spans(text: str, tagged: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Tagger material spans made whole: lists split into items; vendors, contacts and equipment dropped; a span
    inside a doping phrase or formula the finder reads (``Eu2+-doped SrAl2O4``) widened to it, and a span that does
    not read narrowed to the formulas inside it (``Li1+xNi1-xO2 (x = 0.1, 0.2)``)."""
    found = _SortedSpans(_candidate_spans(text) if tagged else [])
    vendors = _SortedSpans([m.span() for m in VENDOR.finditer(text)])
    spans: set[tuple[int, int]] = set()
    for start, end in tagged:
        for a, b in _list_items(text, start, end):
            b = _citation_end(text, a, b)
            if b is None or _not_a_material(text, a, b, vendors):
                continue
            outer = [(c, d) for c, d in found.containing(a, b) if (c, d) != (a, b)]
            inner = found.inside(a, b)
            if outer:
                spans.update(outer)
            elif inner and not _reads(text[a:b]):
                spans.update(inner)
            else:
                spans.add((a, b))
    return sorted(spans)


def extract_materials(text: str, entities=None, sentences=None) -> list[Material]:
    """Materials mentioned in ``text``, from MAT entities when given (``matnlp.types.Entity``), else found by
    the formula finder and the name lexicon. Variables are valued from definitions in the same sentence
    (``x = 0.1``), else from the only definition in the text; abbreviations defined as ``long form (ABBR)``
    resolve later mentions; mentions of one material (same composition and dopants, or same abbreviation) are
    merged. Every mention slices ``text`` exactly."""
    if entities is None:
        spans = _candidate_spans(text)
    else:
        spans = _tagged_spans(text, [(e.start, e.end) for e in entities if e.label in MATERIAL_LABELS])
    sentence_spans = _Sentences(_sentence_spans(text, sentences))
    definitions = _Definitions(_definitions(text))
    merged: dict[Any, Material] = {}
    abbreviations: dict[str, list[Any]] = {}
    previous: tuple[int, list[Any]] = (-1, [])
    apposed: dict[Any, set] = defaultdict(set)
    for start, end in spans:
        keys = _add_mention(merged, text, (start, end), sentence_spans, definitions, abbreviations)
        follow = _ABBREVIATION.match(text, end)
        if follow and keys and not _looks_like_formula(follow.group(1)) and not GRADE.fullmatch(follow.group()):
            abbreviations.setdefault(follow.group(1), keys)
        for name, formula in _apposition(merged, text, previous, (start, keys)).items():
            apposed[name].add(formula)
        previous = (end, keys)
    joined = {name: next(iter(formulas)) for name, formulas in apposed.items() if len(formulas) == 1}
    for name, formula in joined.items():  # a name apposed to two formulas ("iron oxide") stays itself
        merged[formula].mentions += merged.pop(name).mentions
    abbreviations = {a: list(dict.fromkeys(joined.get(k, k) for k in ks)) for a, ks in abbreviations.items()}
    known = {key: set(material.mentions) for key, material in merged.items()}
    for abbreviation, keys in abbreviations.items():
        for match in _occurrences(text, abbreviation):
            for key in keys:
                if match.span() not in known[key]:
                    merged[key].mentions.append(match.span())
                    known[key].add(match.span())
    materials = list(merged.values())
    for material in materials:
        material.mentions.sort()
    return materials


def _apposition(merged: dict[Any, Material], text: str, before: tuple[int, list[Any]],
                mention: tuple[int, list[Any]]) -> dict[Any, Any]:
    """``{name's key: formula's key}`` for a chemical name and the formula written right after or before it
    (``yttrium nitrate (Y(NO3)3·6H2O)``, ``Lanthanum oxide La2O3``, ``CuO (copper oxide)``) that keep the same
    elements other than H, C, N and O: one material, the formula's (a name reads without its water), which then
    takes every mention of the name; else ``{}``."""
    (end, first), (start, second) = before, mention
    if len(first) != 1 or len(second) != 1 or first == second:
        return {}
    a, b = merged[first[0]], merged[second[0]]
    if (_WORD.search(a.text) is None) == (_WORD.search(b.text) is None):
        return {}
    name, formula = (b, a) if _WORD.search(b.text) else (a, b)
    gap = (_NAME_THEN_FORMULA if name is a else _FORMULA_THEN_NAME).fullmatch(text, end, start)
    if gap and _same_compound(name, formula):
        return {second[0]: first[0]} if name is b else {first[0]: second[0]}
    return {}


# A formula after its name in brackets or a space ("Lanthanum oxide La2O3"); a name after its formula only in
# brackets: "ZnO Zinc acetate" is two cells of a table row, a product and its precursor.
_NAME_THEN_FORMULA = re.compile(r"\s*[(\[]?\s*")
_FORMULA_THEN_NAME = re.compile(r"\s*[(\[]\s*")
_WORD = re.compile(r"[a-z]{3,}")  # a name has a word; a formula has none


def _same_compound(name: Material, formula: Material) -> bool:
    """Whether a formula can be what a name says: the name's composition plus water of hydration, or, for a name
    without one (``copper oxide``: CuO or Cu2O?), the same elements other than H, C, N and O."""
    if formula.composition is None:
        return False
    have = formula.composition.amounts
    if name.composition is None:
        named = {e for w in re.findall(r"[A-Za-z]+", name.text) if (e := element_from_name(w))}
        return bool(named - VOLATILE) and named - VOLATILE == set(have) - VOLATILE
    extra = {e: have.get(e, 0.0) - name.composition.amounts.get(e, 0.0) for e in {*have, *name.composition.amounts}}
    water = extra.get("O", 0.0)
    return water >= 0 and all(math.isclose(v, {"H": 2 * water, "O": water}.get(e, 0.0), abs_tol=1e-6)
                              for e, v in extra.items())


#: Elements a synthesis drives off as gases or water (the anions of carbonates, nitrates, hydroxides, acetates).
VOLATILE = frozenset({"H", "C", "N", "O"})


def _occurrences(text: str, abbreviation: str) -> Iterator[re.Match]:
    """The matches of ``\\bABBREVIATIONs?\\b`` in ``text``, as ``re.finditer`` finds them (leftmost, not
    overlapping), tried only where ``str.find`` sees the abbreviation: a regex that starts with ``\\b`` has no
    literal prefix to skip ahead with, so ``finditer`` tries every position of the text for every abbreviation."""
    pattern = re.compile(rf"\b{re.escape(abbreviation)}s?\b")
    pos = 0
    while (at := text.find(abbreviation, pos)) != -1:
        match = pattern.match(text, at)
        if match:
            yield match
        pos = match.end() if match else at + 1


def _add_mention(merged, text, span, sentence_spans, definitions, abbreviations) -> list[Any]:
    """Read one mention, merge it into ``merged`` and return the keys of the materials it names."""
    start, end = span
    mention = text[start:end]
    if mention in abbreviations:
        for key in abbreviations[mention]:
            merged[key].mentions.append(span)
        return []
    sentence = sentence_spans.of(start, span)
    chosen = _choose(definitions, start, sentence)
    keys = []
    for material in parse_material(mention, {v: d.values for v, d in chosen.items() if d.values}):
        ranges = [d.text for v, d in chosen.items() if not d.values and material.reason and v in material.reason]
        if ranges:
            material.reason += f" ({'; '.join(ranges)})"
        key = _key(material)
        if key not in merged:
            merged[key] = material
        merged[key].mentions.append(span)
        keys.append(key)
    return keys


def _key(material: Material):
    if material.composition is not None:
        return material.composition, tuple(material.dopants or ())
    return material.formula or " ".join(material.text.lower().split())
