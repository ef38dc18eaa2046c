"""Chemistry domain objects: the element table, formulas parsed once into :class:`Composition`.

A small, fast, dependency-free parser (importing pymatgen takes seconds): element symbols are read greedily as an
uppercase letter plus all following lowercase letters, as pymatgen does, so ordinary words (``Bin``, ``Sin``)
never split into elements. Supported: nested ``()``/``[]``/``{}`` groups with amounts, fractional amounts
(``Li(Ni0.8Co0.1Mn0.1)O2``), adducts and hydrates joined by ``·``, ``•``, ``⋅``, ``∙`` or ``*`` with an optional
leading count (``MgCl2·6H2O``), and a trailing ionic charge (``Fe3+``, ``SO42-``: one digit before the sign is
the charge), which is kept apart from the amounts in :attr:`Composition.charge`.

Not yet: variable stoichiometry (``Li1+xAl0.3Ti1.7(PO4)3``), dopant notation and material names. The parser
reports those as :class:`FormulaError` with a reason; amounts are read in one place (``_Parser.amount``) so
symbolic amounts can be added there.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any

ELEMENTS: tuple[str, ...] = tuple(
    """H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr Rb Sr Y Zr
    Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu Hf Ta W Re Os Ir Pt
    Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr Rf Db Sg Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv
    Ts Og""".split()
)
_NAMES = """hydrogen helium lithium beryllium boron carbon nitrogen oxygen fluorine neon sodium magnesium aluminium
    silicon phosphorus sulfur chlorine argon potassium calcium scandium titanium vanadium chromium manganese iron
    cobalt nickel copper zinc gallium germanium arsenic selenium bromine krypton rubidium strontium yttrium zirconium
    niobium molybdenum technetium ruthenium rhodium palladium silver cadmium indium tin antimony tellurium iodine
    xenon cesium barium lanthanum cerium praseodymium neodymium promethium samarium europium gadolinium terbium
    dysprosium holmium erbium thulium ytterbium lutetium hafnium tantalum tungsten rhenium osmium iridium platinum
    gold mercury thallium lead bismuth polonium astatine radon francium radium actinium thorium protactinium uranium
    neptunium plutonium americium curium berkelium californium einsteinium fermium mendelevium nobelium lawrencium
    rutherfordium dubnium seaborgium bohrium hassium meitnerium darmstadtium roentgenium copernicium nihonium
    flerovium moscovium livermorium tennessine oganesson""".split()
ELEMENT_SET = frozenset(ELEMENTS)
#: Lowercase element name → symbol, with common spelling variants.
ELEMENT_NAMES: dict[str, str] = {
    **dict(zip(_NAMES, ELEMENTS)),
    "aluminum": "Al",
    "sulphur": "S",
    "caesium": "Cs",
}
#: Elements from einsteinium on never occur in materials formulas; their symbols (``Ts``, ``Ds``, ``Es``) do
#: occur in plural acronyms (``CNTs``, ``SBDs``), so :func:`is_formula` rejects them.
_SYNTHETIC = frozenset(ELEMENTS[ELEMENTS.index("Es") :])
#: Single-element molecules that count as formulas (diatomic gases, as mat2vec).
DIATOMIC = frozenset({"H2", "N2", "O2", "F2", "Cl2"})

_ADDUCT = "·•⋅∙*"
#: Separators between the parts of an adduct or mixture (``MgCl2·6H2O``, ``CuO-CeO2``, ``(1-x)Bi2O3-xNb2O5``).
_SEPARATORS = _ADDUCT + "-"
_OPEN = {"(": ")", "[": "]", "{": "}"}
_CHARGE = re.compile(r"(\d?)([+\-])$")
_NUMBER = re.compile(r"\d+(?:\.\d+)?|\.\d+")
_DIVISOR = re.compile(r"/(\d+(?:\.\d+)?)")
_ELEMENT = re.compile(r"[A-Z][a-z]*")
_ROMAN_VALENCE = re.compile(r"II+|^IV$|^VI$|\((?:IV|V?I{0,3})\)")
_PLAIN_TOKEN = re.compile(r"[A-Z(\[{][A-Za-z0-9.()\[\]{}·•⋅∙*]*")
#: Letters read as stoichiometry variables after an amount or an element (``Li1+xCoO2``, ``SrTi1-xFexO3-δ``).
VARIABLES = frozenset("xyzwδαβγε")
#: Variables that stand for small oxygen non-stoichiometry; :func:`parse_formula` takes them as 0.
NONSTOICHIOMETRY = frozenset("δ")
#: Unicode subscripts, minus signs and dashes, division slash and ± written the plain way before parsing.
_PLAIN_CHARS = str.maketrans("₀₁₂₃₄₅₆₇₈₉−‒–—∕±", "0123456789----/+")
_PRECISION = 9  # decimals kept in amounts, so sums like 0.1 + 0.2 compare and hash equal


class Amount:
    """A stoichiometric amount: a number or a polynomial in variables (``1-x``, ``0.52-0.52y``, ``3-δ``)."""

    __slots__ = ("_terms",)

    def __init__(self, terms: Mapping[tuple[str, ...], float]):
        rounded = ((m, round(c, _PRECISION)) for m, c in terms.items())
        self._terms = {m: c for m, c in rounded if c}

    @classmethod
    def number(cls, value: float) -> Amount:
        return cls({(): value})

    @classmethod
    def variable(cls, name: str) -> Amount:
        return cls({(name,): 1.0})

    def __add__(self, other: Amount) -> Amount:
        terms = dict(self._terms)
        for monomial, c in other._terms.items():
            terms[monomial] = terms.get(monomial, 0.0) + c
        return Amount(terms)

    def __mul__(self, other: Amount | float) -> Amount:
        if not isinstance(other, Amount):
            return Amount({m: c * other for m, c in self._terms.items()})
        terms: dict[tuple[str, ...], float] = {}
        for m1, c1 in self._terms.items():
            for m2, c2 in other._terms.items():
                monomial = tuple(sorted(m1 + m2))
                terms[monomial] = terms.get(monomial, 0.0) + c1 * c2
        return Amount(terms)

    def __bool__(self) -> bool:
        return bool(self._terms)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Amount) and self._terms == other._terms

    def __hash__(self) -> int:
        return hash(frozenset(self._terms.items()))

    def __repr__(self) -> str:
        return f"Amount({str(self)!r})"

    def __str__(self) -> str:
        parts = []
        for monomial, c in sorted(self._terms.items(), key=lambda t: (len(t[0]), t[0])):
            coefficient = "" if monomial and abs(c) == 1 else _format_amount(abs(c)) or "1"
            parts.append(("-" if c < 0 else "+") + coefficient + "".join(monomial))
        return "".join(parts).lstrip("+") or "0"

    @property
    def variables(self) -> frozenset[str]:
        """The variable names this amount depends on."""
        return frozenset(v for monomial in self._terms for v in monomial)

    @property
    def finite(self) -> bool:
        """Whether every coefficient is a finite number (``Fe999…9`` past the float range is not)."""
        return all(math.isfinite(c) for c in self._terms.values())

    def value(self, values: Mapping[str, float]) -> float:
        """The number this amount takes with ``values`` for its variables (all must be given)."""
        return sum(c * math.prod(values[v] for v in monomial) for monomial, c in self._terms.items())


_ONE = Amount.number(1.0)
Amounts = dict[str, Amount]


def _accumulate(total: Amounts, part: Amounts, factor: Amount = _ONE) -> None:
    for element, amount in part.items():
        total[element] = total.get(element, Amount({})) + amount * factor


@dataclass(frozen=True, slots=True)
class Stoichiometry:
    """A parsed formula whose amounts may be symbolic; elements in order of first appearance."""

    text: str
    amounts: Mapping[str, Amount]
    charge: int = 0

    @property
    def variables(self) -> frozenset[str]:
        """Variables in the amounts (``{'x'}`` for ``La1-xSrxMnO3``)."""
        return frozenset().union(*(a.variables for a in self.amounts.values()))

    def values(self, values: Mapping[str, float] | None = None) -> dict[str, float]:
        """Element → number with ``values`` for the variables; raises :class:`FormulaError` when one is missing
        or an amount comes out negative."""
        values = values or {}
        missing = sorted(self.variables - values.keys())
        if missing:
            raise FormulaError(self.text, f"variable {', '.join(missing)} has no value")
        numbers = {el: a.value(values) for el, a in self.amounts.items()}
        negative = [el for el, n in numbers.items() if n < -10**-_PRECISION]
        if negative:
            raise FormulaError(self.text, f"negative amount of {negative[0]} with {_format_values(values)}")
        return numbers

    def composition(self, values: Mapping[str, float] | None = None) -> Composition:
        """:class:`Composition` with ``values`` for the variables (see :meth:`values`)."""
        return Composition(self.values(values), self.charge)

    def formula(self, values: Mapping[str, float] | None = None) -> str:
        """Flat formula in order of appearance, with numbers for the variables (``Li1.1Al0.3Ti1.7P3O12``)."""
        return _format(self.values(values))


def _format_values(values: Mapping[str, float]) -> str:
    return ", ".join(f"{v} = {_format_amount(n) or 1}" for v, n in values.items())


class FormulaError(ValueError):
    """A string is not a formula this parser understands; ``reason`` says why."""

    def __init__(self, formula: str, reason: str):
        self.formula = formula
        self.reason = reason
        super().__init__(f"{formula!r}: {reason}")


class Composition(Mapping[str, float]):
    """Immutable element → amount mapping (plus ionic charge) with value equality and hashing."""

    __slots__ = ("_amounts", "charge", "_key")

    def __init__(self, amounts: Mapping[str, float], charge: int = 0):
        cleaned = {el: round(float(n), _PRECISION) for el, n in amounts.items()}
        unknown = [el for el in cleaned if el not in ELEMENT_SET]
        if unknown:
            raise FormulaError("".join(cleaned), f"unknown element {unknown[0]!r}")
        if not all(map(math.isfinite, cleaned.values())):
            raise FormulaError("".join(cleaned), "amount out of range")
        self._amounts = {el: n for el, n in sorted(cleaned.items()) if n != 0}
        self.charge = charge
        self._key = (tuple(self._amounts.items()), charge)

    def __getitem__(self, element: str) -> float:
        return self._amounts[element]

    def __iter__(self) -> Iterator[str]:
        return iter(self._amounts)

    def __len__(self) -> int:
        return len(self._amounts)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Composition) and self._key == other._key

    def __hash__(self) -> int:
        return hash(self._key)

    def __repr__(self) -> str:
        charge = f", charge={self.charge}" if self.charge else ""
        return f"Composition({self._amounts!r}{charge})"

    def __add__(self, other: Composition) -> Composition:
        merged = dict(self._amounts)
        for el, n in other.items():
            merged[el] = merged.get(el, 0.0) + n
        return Composition(merged, self.charge + other.charge)

    def __mul__(self, factor: float) -> Composition:
        return Composition({el: n * factor for el, n in self._amounts.items()}, self.charge)

    @property
    def amounts(self) -> dict[str, float]:
        """Element → amount, elements in alphabetical order (a copy)."""
        return dict(self._amounts)

    @property
    def is_integer(self) -> bool:
        """Whether every amount is a whole number (within rounding)."""
        return all(abs(n - round(n)) < 1e-6 for n in self._amounts.values())

    def reduced(self) -> Composition:
        """Integer amounts divided by their greatest common divisor (``Fe4O6`` → ``Fe2O3``); else unchanged."""
        if not self._amounts or not self.is_integer:
            return self
        divisor = math.gcd(*(round(n) for n in self._amounts.values()))
        return Composition({el: round(n) // divisor for el, n in self._amounts.items()}, self.charge)

    @property
    def normalized_formula(self) -> str:
        """Alphabetical formula, integer-reduced when amounts are whole (``LiCoO2`` → ``CoLiO2``), fractional
        amounts written compactly otherwise (``Li(Ni0.8Co0.1Mn0.1)O2`` → ``Co0.1LiMn0.1Ni0.8O2``)."""
        return _format(self.reduced().amounts)

    @property
    def mat2vec_formula(self) -> str:
        """Alphabetical formula with all amounts scaled to the smallest integers (denominators up to 1000), as in
        the mat2vec and Matscholar corpora (``Li(Ni0.6Co0.2Mn0.2)O2`` → ``CoLi5MnNi3O10``)."""
        fractions = [Fraction(n).limit_denominator(1000) for n in self._amounts.values()]
        scale = math.lcm(*(f.denominator for f in fractions)) if fractions else 1
        integers = [int(f * scale) for f in fractions]
        divisor = math.gcd(*integers) or 1
        return _format({el: n // divisor for el, n in zip(self._amounts, integers)})


def _format(amounts: Mapping[str, float]) -> str:
    return "".join(el + _format_amount(n) for el, n in amounts.items())


def _format_amount(n: float) -> str:
    if n == 1:
        return ""
    if math.isfinite(n) and n == int(n):
        return str(int(n))
    return f"{n:.6f}".rstrip("0").rstrip(".")


class _Parser:
    """Recursive-descent reader of one formula string (charge removed, plain characters)."""

    def __init__(self, text: str, original: str):
        self.text = text
        self.original = original
        self.pos = 0
        self.mixture = False  # a leading count was read: '-' before a count and a capital starts a new part

    def fail(self, reason: str) -> FormulaError:
        return FormulaError(self.original, reason)

    def term(self, pos: int) -> tuple[Amount, int] | None:
        """A number, a variable, a number times a variable, either over ``/number``, or a bracketed expression with
        a variable (``(1-x)``)."""
        text = self.text
        if text.startswith("(", pos):
            inner = self.expression(pos + 1)  # only with a variable: GaAs(100) is a surface, not 100 As
            if inner and inner[0].variables and text.startswith(")", inner[1]):
                return inner[0], inner[1] + 1
            return None
        value, end = None, pos
        if match := _NUMBER.match(text, pos):
            value, end = Amount.number(float(match.group())), match.end()
        if end < len(text) and text[end] in VARIABLES:
            variable = Amount.variable(text[end])
            value, end = (variable if value is None else value * variable), end + 1
        if value is None:
            return None
        if match := _DIVISOR.match(text, end):
            if not float(match.group(1)):
                raise self.fail("division by zero")
            value, end = value * (1 / float(match.group(1))), match.end()
        return value, end

    def expression(self, pos: int) -> tuple[Amount, int] | None:
        """Terms joined by ``+`` and ``-`` (``1-x``, ``2+x-y``)."""
        first = self.term(pos)
        if first is None:
            return None
        value, end = first
        while end < len(self.text) and self.text[end] in "+-":
            following = self.term(end + 1)
            if following is None or (self.mixture and self.text[end] == "-" and self.starts_part(following[1])):
                break
            value = value + following[0] * (1.0 if self.text[end] == "+" else -1.0)
            end = following[1]
        return value, end

    def starts_part(self, pos: int) -> bool:
        return pos < len(self.text) and (self.text[pos].isupper() or self.text[pos] in _OPEN)

    def amount(self) -> Amount:
        parsed = self.expression(self.pos)
        if parsed is None:
            return _ONE
        value, self.pos = parsed
        if not value:
            raise self.fail("zero amount")
        return value

    def element(self) -> str:
        """An element symbol, read greedily as pymatgen does; a trailing variable letter is split off (``Srx``)."""
        run = _ELEMENT.match(self.text, self.pos).group()
        if run in ELEMENT_SET:
            symbol = run
        elif run[-1] in VARIABLES and run[:-1] in ELEMENT_SET:
            symbol = run[:-1]
        else:
            raise self.fail(f"unknown element {run!r}")
        self.pos += len(symbol)
        return symbol

    def sequence(self, closing: str | None) -> Amounts:
        total: Amounts = {}
        while self.pos < len(self.text):
            char = self.text[char_pos := self.pos]
            if char == closing or char in (_SEPARATORS if closing is None else _ADDUCT):
                break
            if char in _OPEN:
                self.pos += 1
                group = self.parts(_OPEN[char])
                self.pos += 1
                _accumulate(total, group, self.amount())
            elif "A" <= char <= "Z":
                _accumulate(total, {self.element(): self.amount()})
            elif char.islower() or char in "+-":
                raise self.fail(f"variable or unsupported stoichiometry at {self.text[char_pos:]!r}")
            else:
                raise self.fail(f"unexpected {char!r} at position {char_pos}")
        if closing and self.pos >= len(self.text):
            raise self.fail(f"unclosed group, expected {closing!r}")
        if not total:
            raise self.fail("empty group" if closing else "no elements")
        return total

    def parts(self, closing: str | None) -> Amounts:
        """Parts joined by separators (only adduct dots inside a group), each with an optional leading count; a
        count before the first part makes a mixture (``0.5Li2MnO3·0.5LiCoO2``, ``(1-x)Bi2O3-xNb2O5``)."""
        total: Amounts = {}
        start = self.pos
        count = self.amount()
        self.mixture = self.mixture or (closing is None and self.pos > start)
        while True:
            _accumulate(total, self.sequence(closing), count)
            if self.pos >= len(self.text) or self.text[self.pos] == closing:
                return total
            self.pos += 1
            count = self.amount()


@lru_cache(maxsize=65536)
def parse_stoichiometry(text: str) -> Stoichiometry:
    """Parse a formula whose amounts may hold variables; raises :class:`FormulaError` with the reason."""
    body = text.strip().translate(_PLAIN_CHARS)
    charge = 0
    match = _CHARGE.search(body)
    if match:
        body = body[: match.start()]
        charge = int(match.group(1) or 1) * (1 if match.group(2) == "+" else -1)
    if not body:
        raise FormulaError(text, "empty formula")
    amounts = _Parser(body, text).parts(None)
    if not all(a.finite for a in amounts.values()):
        raise FormulaError(text, "amount out of range")
    return Stoichiometry(text, amounts, charge)


def parse_formula(text: str, values: Mapping[str, float] | None = None) -> Composition:
    """Composition of a formula string, with ``values`` for its variables (δ defaults to 0); raises
    :class:`FormulaError` (a ``ValueError``) with the reason."""
    if values is None:
        return _parse_constant(text)
    stoichiometry = parse_stoichiometry(text)
    return stoichiometry.composition({**dict.fromkeys(stoichiometry.variables & NONSTOICHIOMETRY, 0.0), **values})


@lru_cache(maxsize=65536)
def _parse_constant(text: str) -> Composition:
    return parse_formula(text, {})


@lru_cache(maxsize=65536)
def is_formula(token: str) -> bool:
    """Whether a token is a chemical formula rather than a word, symbol or acronym.

    mat2vec's rule: it must contain a digit or a lowercase letter (so ``CO``, ``XRD``, ``DC``, ``COOH`` are not
    formulas), must not look like a roman-numeral valence (``II``, ``(IV)``), must parse without charge and have at
    least two elements, except the diatomic gases ``O2``, ``N2``, ``H2``, ``F2``, ``Cl2``. Single element symbols
    (``In``, ``As``, ``Co``) are elements, not formulas; plural acronyms ending in a synthetic element
    (``CNTs``) are not formulas.
    """
    if token in DIATOMIC:
        return True
    if not _PLAIN_TOKEN.fullmatch(token) or not any(c.isdigit() or c.islower() for c in token) or _ROMAN_VALENCE.search(token):
        return False
    try:
        composition = parse_formula(token)
    except FormulaError:
        return False
    return composition.charge == 0 and len(composition) >= 2 and _SYNTHETIC.isdisjoint(composition)


def element_from_name(word: str) -> str | None:
    """Symbol for an element name in lower or capitalized case (``iron``, ``Aluminum`` → ``Fe``, ``Al``)."""
    if word.islower() or word.istitle():
        return ELEMENT_NAMES.get(word.lower())
    return None


# --- material names ----------------------------------------------------------------------------------------------

#: Trivial and common names with one accepted formula (lowercase keys).
TRIVIAL_NAMES: dict[str, str] = {
    "alumina": "Al2O3", "zirconia": "ZrO2", "ceria": "CeO2", "yttria": "Y2O3", "silica": "SiO2", "titania": "TiO2",
    "magnesia": "MgO", "hafnia": "HfO2", "lime": "CaO", "corundum": "Al2O3", "sapphire": "Al2O3", "quartz": "SiO2",
    "hematite": "Fe2O3", "magnetite": "Fe3O4", "maghemite": "Fe2O3", "wustite": "FeO", "rutile": "TiO2",
    "anatase": "TiO2", "brookite": "TiO2", "cristobalite": "SiO2", "periclase": "MgO", "calcite": "CaCO3",
    "graphite": "C", "graphene": "C", "diamond": "C", "fullerene": "C60", "water": "H2O", "ammonia": "NH3",
    "hydroxyapatite": "Ca10(PO4)6(OH)2", "urea": "CH4N2O", "ethanol": "C2H6O", "methanol": "CH4O",
    "acetone": "C3H6O", "ethylene glycol": "C2H6O2", "citric acid": "C6H8O7", "oxalic acid": "C2H2O4",
    "acetic acid": "C2H4O2", "nitric acid": "HNO3", "hydrochloric acid": "HCl", "sulfuric acid": "H2SO4",
    "sulphuric acid": "H2SO4", "phosphoric acid": "H3PO4", "boric acid": "H3BO3", "hydrofluoric acid": "HF",
    "hydrogen peroxide": "H2O2", "ammonium hydroxide": "NH4OH", "tetraethyl orthosilicate": "Si(OC2H5)4",
    "lithium cobalt oxide": "LiCoO2", "lithium cobaltate": "LiCoO2", "lithium iron phosphate": "LiFePO4",
    "lithium manganese oxide": "LiMn2O4", "lithium titanate": "Li4Ti5O12", "lithium niobate": "LiNbO3",
    "strontium titanate": "SrTiO3", "barium titanate": "BaTiO3", "lead titanate": "PbTiO3",
    "calcium titanate": "CaTiO3", "bismuth ferrite": "BiFeO3", "barium ferrite": "BaFe12O19",
    "gallium arsenide": "GaAs", "gallium nitride": "GaN", "silicon carbide": "SiC", "boron nitride": "BN",
    "silicon nitride": "Si3N4", "aluminum nitride": "AlN", "aluminium nitride": "AlN", "titanium nitride": "TiN",
    "tungsten carbide": "WC", "boron carbide": "B4C", "molybdenum disulfide": "MoS2", "cadmium selenide": "CdSe",
    "cadmium sulfide": "CdS", "zinc sulfide": "ZnS", "lead sulfide": "PbS", "indium phosphide": "InP",
    "niobium pentoxide": "Nb2O5", "vanadium pentoxide": "V2O5", "tantalum pentoxide": "Ta2O5",
    "phosphorus pentoxide": "P2O5", "yttrium aluminum garnet": "Y3Al5O12", "yttrium aluminium garnet": "Y3Al5O12",
    "yttrium iron garnet": "Y3Fe5O12", "spinel": "MgAl2O4",
}
#: Cations by name with one common oxidation state; other metals need a roman numeral (``iron(III) oxide``).
_COMMON_STATES: dict[str, int] = {
    **dict.fromkeys(["H", "Li", "Na", "K", "Rb", "Cs", "Ag"], 1),
    **dict.fromkeys(["Be", "Mg", "Ca", "Sr", "Ba", "Zn", "Cd", "Ni"], 2),
    **dict.fromkeys(["B", "Al", "Ga", "In", "Sc", "Y", "La", "Nd", "Sm", "Gd", "Dy", "Ho", "Er", "Tm", "Yb", "Lu",
                     "Bi"], 3),
    **dict.fromkeys(["Si", "Zr", "Hf"], 4),
}
#: Old-style cation names that carry their oxidation state.
_VALENCE_NAMES: dict[str, tuple[str, int]] = {
    "ferric": ("Fe", 3), "ferrous": ("Fe", 2), "cupric": ("Cu", 2), "cuprous": ("Cu", 1), "stannic": ("Sn", 4),
    "stannous": ("Sn", 2), "manganous": ("Mn", 2), "cobaltous": ("Co", 2), "cobaltic": ("Co", 3),
    "chromic": ("Cr", 3), "ceric": ("Ce", 4), "cerous": ("Ce", 3), "plumbous": ("Pb", 2), "mercuric": ("Hg", 2),
    "nickelous": ("Ni", 2), "titanic": ("Ti", 4),
}
_POLYATOMIC_CATIONS: dict[str, tuple[str, int]] = {"ammonium": ("NH4", 1)}
#: Anion name → (formula, charge).
ANIONS: dict[str, tuple[str, int]] = {
    "oxide": ("O", -2), "hydroxide": ("OH", -1), "peroxide": ("O2", -2), "fluoride": ("F", -1),
    "chloride": ("Cl", -1), "bromide": ("Br", -1), "iodide": ("I", -1), "sulfide": ("S", -2), "sulphide": ("S", -2),
    "selenide": ("Se", -2), "telluride": ("Te", -2), "nitride": ("N", -3), "phosphide": ("P", -3),
    "arsenide": ("As", -3), "hydride": ("H", -1), "nitrate": ("NO3", -1), "nitrite": ("NO2", -1),
    "carbonate": ("CO3", -2), "sulfate": ("SO4", -2), "sulphate": ("SO4", -2), "phosphate": ("PO4", -3),
    "acetate": ("C2H3O2", -1), "oxalate": ("C2O4", -2), "perchlorate": ("ClO4", -1), "chlorate": ("ClO3", -1),
    "isopropoxide": ("C3H7O", -1), "ethoxide": ("C2H5O", -1), "methoxide": ("CH3O", -1), "cyanide": ("CN", -1),
    "fluorosilicate": ("SiF6", -2),
}
_PREFIXES = {"mono": 1, "di": 2, "tri": 3, "tetra": 4, "tetr": 4, "penta": 5, "pent": 5, "hexa": 6, "hex": 6,
             "hepta": 7, "octa": 8, "nona": 9, "deca": 10}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7}
_HYDRATE = re.compile(r"(?:(mono|di|tri|tetra|penta|hexa|hepta|octa|nona|deca)?hydrate)$")
_NAME = re.compile(r"(?P<cation>[a-z]+)\s*(?:\(\s*(?P<roman>[ivx]+)\s*\))?\s+(?P<anion>[a-z]+)(?:\s+(?P<hydrate>[a-z]+))?")


def _cation(word: str, roman: str | None) -> tuple[str, int | None]:
    if word in _VALENCE_NAMES and roman is None:
        return _VALENCE_NAMES[word]
    if word in _POLYATOMIC_CATIONS:
        return _POLYATOMIC_CATIONS[word]
    symbol = ELEMENT_NAMES.get(word)
    if symbol is None:
        raise FormulaError(word, f"unknown cation {word!r}")
    return symbol, _ROMAN[roman] if roman else _COMMON_STATES.get(symbol)


def _anion(word: str) -> tuple[str, int, int | None]:
    """Anion formula, charge and the count a Greek prefix gives (``dioxide`` → ``O``, -2, 2)."""
    if word in ANIONS:
        return (*ANIONS[word], None)
    for prefix, count in sorted(_PREFIXES.items(), key=lambda p: -len(p[0])):
        if word.startswith(prefix) and word[len(prefix) :] in ANIONS:
            return (*ANIONS[word[len(prefix) :]], count)
        if word.startswith(prefix) and "o" + word[len(prefix) :] in ANIONS:  # pentoxide, tetroxide
            return (*ANIONS["o" + word[len(prefix) :]], count)
    raise FormulaError(word, f"unknown anion {word!r}")


def _group(formula: str, count: int) -> str:
    if count == 1:
        return formula
    return f"({formula}){count}" if len(_ELEMENT.findall(formula)) > 1 or any(c.isdigit() for c in formula) else (
        f"{formula}{count}"
    )


def _hydrate(word: str | None) -> str:
    if word is None:
        return ""
    match = _HYDRATE.fullmatch(word)
    if match is None:
        raise FormulaError(word, f"unexpected {word!r} after the anion")
    if match.group(1) is None:
        raise FormulaError(word, "number of water molecules not given")
    count = _PREFIXES[match.group(1)]
    return f"·{count if count > 1 else ''}H2O"


@lru_cache(maxsize=8192)
def formula_from_name(name: str) -> str:
    """Formula for a chemical name: trivial names (``alumina``), element names (``iron`` → ``Fe``) and systematic
    cation–anion names, balanced by charge (``iron(III) oxide`` → ``Fe2O3``, ``zinc nitrate hexahydrate`` →
    ``Zn(NO3)2·6H2O``, ``titanium dioxide`` → ``TiO2``). Raises :class:`FormulaError` when the name does not fix
    one formula (``iron oxide``: the oxidation state of Fe is not given)."""
    key = " ".join(name.lower().replace("(", " (").split()).replace("( ", "(").replace(" )", ")")
    if key in TRIVIAL_NAMES:
        return TRIVIAL_NAMES[key]
    if key in ELEMENT_NAMES:
        return ELEMENT_NAMES[key]
    match = _NAME.fullmatch(key)
    if match is None:
        raise FormulaError(name, "not a formula or a known chemical name")
    try:
        cation, state = _cation(match.group("cation"), match.group("roman"))
        anion, charge, count = _anion(match.group("anion"))
        water = _hydrate(match.group("hydrate"))
    except FormulaError as error:
        raise FormulaError(name, error.reason) from None
    if count is not None and match.group("anion").startswith("pent") and anion == "O":
        return f"{cation}2O5"  # pentoxide: V2O5, Nb2O5, P2O5
    if count is None:
        if state is None:
            raise FormulaError(name, f"oxidation state of {cation} not given")
        common = math.lcm(state, -charge)
        return _group(cation, common // state) + _group(anion, common // -charge) + water
    return cation + _group(anion, count) + water


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
_DOPED = re.compile(
    r"(?:(?P<amount>\d+(?:\.\d+)?)\s*(?P<unit>mol|at|wt)\s*\.?\s*%\s*)?(?P<dopant>\S+?)[-‐ ](?:co-?)?"
    r"(?:doped|substituted|stabilized|stabilised)\s+(?P<host>.+)",
    re.IGNORECASE,
)
_DOPANT_ITEM = re.compile(r"(?P<amount>\d*\.?\d*[xyz]?)(?P<element>[A-Z][a-z]?)(?P<charge>\d?\+)?")
_NAME_WORD = re.compile(r"[a-z]{3,}")


def _read_formula(text: str) -> Reading:
    plain = _SPACED_SIGN.sub(r"\1", text)
    return Reading(parse_stoichiometry(plain), plain)


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
    host = read_material(host_text)
    amounts = dict(host.stoichiometry.amounts)
    dosed = [m for m in items if m.group("amount")]
    for m in dosed:
        _accumulate(amounts, parse_stoichiometry(m.group("amount") + m.group("element")).amounts)
    stoichiometry = Stoichiometry(text, amounts, host.stoichiometry.charge)
    note = None if len(dosed) == len(items) else "dopant amount not given"
    return Reading(stoichiometry, host.formula, tuple(m.group("element") for m in items), note)


@lru_cache(maxsize=65536)
def read_material(text: str) -> Reading:
    """Read a material string: a formula (variables kept symbolic), a chemical name, or a doping notation
    (``Eu3+:Y2O3``, ``Y-doped ZrO2``). Raises :class:`FormulaError` with the reason; never guesses."""
    text = " ".join(text.split())
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


@dataclass(slots=True)
class Material:
    """A material of a document: its formula and composition (``None`` with a ``reason`` when they cannot be
    known), the variable values used, dopants, and every mention as a ``[start, end)`` span of the text."""

    text: str
    formula: str | None
    composition: Composition | None
    mentions: list[tuple[int, int]] = field(default_factory=list)
    reason: str | None = None
    variables: dict[str, float] | None = None
    dopants: list[str] | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form as in the record schema; optional fields only when set."""
        d: dict[str, Any] = {
            "text": self.text,
            "formula": self.formula,
            "composition": None if self.composition is None else self.composition.amounts,
            "mentions": [list(m) for m in self.mentions],
        }
        optional = {"reason": self.reason, "variables": self.variables, "dopants": self.dopants, "note": self.note}
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


#: Entity labels that mark materials (Matscholar ``MAT``, MSPT ``Material``).
MATERIAL_LABELS = frozenset({"MAT", "Material"})
_GASES = frozenset("hydrogen helium nitrogen oxygen fluorine chlorine neon argon krypton xenon radon".split())
_NUM = r"\d*\.?\d+"
_ASSIGNMENT = re.compile(rf"\b([xyzδ])\s*=\s*({_NUM}(?:\s*(?:,|and|or|&)\s*{_NUM})*)(?!\s*[-–−~]\s*\d)(?![\d.])")
_RANGE = re.compile(
    rf"{_NUM}\s*[≤<⩽]=?\s*([xyzδ])\s*[≤<⩽]=?\s*{_NUM}|\b([xyzδ])\s*=\s*{_NUM}\s*[-–−~]\s*{_NUM}|\b([xyzδ])\s*[≤<⩽]\s*{_NUM}"
)
_ABBREVIATION = re.compile(r"\s*\(\s*([A-Z][A-Za-z0-9\-]*[A-Z][A-Za-z0-9\-]*)\s*\)")
_CHUNK = re.compile(r"[^\s,;]+")
_DOPED_SPAN = re.compile(
    r"(?:\d+(?:\.\d+)?\s*(?:mol|at|wt)\s*\.?\s*%\s*)?[^\s(),;]+?-(?:co-?)?(?:doped|substituted|stabilized|stabilised)"
    r"\s+[^\s,;]*[^\s,;.)]",
    re.IGNORECASE,
)


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_NAMES = re.compile(
    rf"\b(?:{_alternation(TRIVIAL_NAMES)}"
    rf"|(?:{_alternation([*ELEMENT_NAMES, *_VALENCE_NAMES, *_POLYATOMIC_CATIONS])})\s*(?:\(\s*[IVXivx]+\s*\))?\s+"
    rf"(?:{_alternation(_PREFIXES)})?o?(?:{_alternation(ANIONS)})(?:\s+[a-z]*hydrate)?"
    rf"|{_alternation(set(ELEMENT_NAMES) - _GASES)})\b",
    re.IGNORECASE,
)


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


def _choose(definitions: list[_Definition], start: int, sentence: tuple[int, int]) -> dict[str, _Definition]:
    """Per variable, the definition nearest the mention in its sentence, else the only valued one in the text."""
    chosen: dict[str, _Definition] = {}
    for variable in VARIABLES:
        own = [d for d in definitions if d.variable == variable]
        local = [d for d in own if sentence[0] <= d.start < sentence[1]]
        valued = [d for d in own if d.values]
        if local:
            chosen[variable] = min(local, key=lambda d: abs(d.start - start))
        elif len(valued) == 1:
            chosen[variable] = valued[0]
    return chosen


def _strip_chunk(text: str, start: int) -> tuple[str, int]:
    """Trim sentence punctuation and unbalanced brackets around a whitespace-delimited chunk."""
    while text:
        if text[-1] in ".:" or (text[-1] in ")]}" and text.count(text[-1]) > text.count(_closing_to_open(text[-1]))):
            text = text[:-1]
        elif text[0] in "([{" and text.count(text[0]) > text.count(_OPEN[text[0]]):
            text, start = text[1:], start + 1
        else:
            return text, start
    return text, start


def _closing_to_open(char: str) -> str:
    return {v: k for k, v in _OPEN.items()}[char]


def _looks_like_formula(chunk: str) -> bool:
    """A chunk the formula finder takes as a material: it reads, has two elements (or is a diatomic gas), no
    charge, a digit or lowercase letter, and is not a bond or pair of bare symbols (``Si-O``, ``Pt-Ru``)."""
    if chunk in DIATOMIC:
        return True
    if not chunk[:1].isupper() or not any(c.isdigit() or c.islower() for c in chunk) or _ROMAN_VALENCE.search(chunk):
        return False
    try:
        reading = read_material(chunk)
    except FormulaError:
        return False
    amounts = reading.stoichiometry.amounts
    bare_pair = all(p in ELEMENT_SET for p in re.split(r"[-–]", chunk))
    return len(amounts) >= 2 and not reading.stoichiometry.charge and not bare_pair and _SYNTHETIC.isdisjoint(amounts)


def _candidate_spans(text: str) -> list[tuple[int, int]]:
    """Material spans found without NER: doping phrases, chemical names, then formula-like chunks."""
    spans: list[tuple[int, int]] = []
    taken = bytearray(len(text))

    def add(start: int, end: int) -> None:
        if not any(taken[start:end]):
            spans.append((start, end))
            taken[start:end] = b"\x01" * (end - start)

    for match in _DOPED_SPAN.finditer(text):
        try:
            read_material(match.group())
        except FormulaError:
            continue
        add(*match.span())
    for match in _NAMES.finditer(text):
        add(*match.span())
    for match in _CHUNK.finditer(text):
        chunk, start = _strip_chunk(match.group(), match.start())
        if chunk and _looks_like_formula(chunk):
            add(start, start + len(chunk))
    return sorted(spans)


def _sentence_spans(text: str, sentences) -> list[tuple[int, int]]:
    if sentences is None:
        from .tokenize import sentences as split

        sentences = split(text)
    return [(s.start, s.end) for s in sentences] or [(0, len(text))]


def extract_materials(text: str, entities=None, sentences=None) -> list[Material]:
    """Materials mentioned in ``text``, from MAT entities when given (``matnlp.types.Entity``), else found by
    the formula finder and the name lexicon. Variables are valued from definitions in the same sentence
    (``x = 0.1``), else from the only definition in the text; abbreviations defined as ``long form (ABBR)``
    resolve later mentions; mentions of one material (same composition and dopants, or same abbreviation) are
    merged. Every mention slices ``text`` exactly."""
    if entities is None:
        spans = _candidate_spans(text)
    else:
        spans = [(e.start, e.end) for e in entities if e.label in MATERIAL_LABELS]
    sentence_spans = _sentence_spans(text, sentences)
    definitions = _definitions(text)
    merged: dict[Any, Material] = {}
    abbreviations: dict[str, list[Any]] = {}
    for start, end in spans:
        keys = _add_mention(merged, text, (start, end), sentence_spans, definitions, abbreviations)
        follow = _ABBREVIATION.match(text, end)
        if follow and keys and not _looks_like_formula(follow.group(1)):
            abbreviations.setdefault(follow.group(1), keys)
    for abbreviation, keys in abbreviations.items():
        for match in re.finditer(rf"\b{re.escape(abbreviation)}s?\b", text):
            for key in keys:
                if match.span() not in merged[key].mentions:
                    merged[key].mentions.append(match.span())
    materials = list(merged.values())
    for material in materials:
        material.mentions.sort()
    return materials


def _add_mention(merged, text, span, sentence_spans, definitions, abbreviations) -> list[Any]:
    """Read one mention, merge it into ``merged`` and return the keys of the materials it names."""
    start, end = span
    mention = text[start:end]
    if mention in abbreviations:
        for key in abbreviations[mention]:
            merged[key].mentions.append(span)
        return []
    sentence = next(((a, b) for a, b in sentence_spans if a <= start < b), span)
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
