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

import math
import re
from collections.abc import Iterator, Mapping
from fractions import Fraction
from functools import lru_cache

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
_OPEN = {"(": ")", "[": "]", "{": "}"}
_CHARGE = re.compile(r"(\d?)([+\-−])$")
_AMOUNT = re.compile(r"\d+(?:\.\d+)?|\.\d+")
_ELEMENT = re.compile(r"[A-Z][a-z]*")
_ROMAN_VALENCE = re.compile(r"II+|^IV$|^VI$|\((?:IV|V?I{0,3})\)")
_PRECISION = 9  # decimals kept in amounts, so sums like 0.1 + 0.2 compare and hash equal


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
    if n == int(n):
        return str(int(n))
    return f"{n:.6f}".rstrip("0").rstrip(".")


class _Parser:
    """Recursive-descent reader of one formula string (no charge)."""

    def __init__(self, text: str, original: str):
        self.text = text
        self.original = original
        self.pos = 0

    def fail(self, reason: str) -> FormulaError:
        return FormulaError(self.original, reason)

    def amount(self, default: float | None = 1.0) -> float:
        match = _AMOUNT.match(self.text, self.pos)
        if match is None:
            if default is None:
                raise self.fail(f"expected a number at position {self.pos}")
            return default
        self.pos = match.end()
        value = float(match.group())
        if value == 0:
            raise self.fail("zero amount")
        return value

    def sequence(self, closing: str | None) -> Composition:
        total = Composition({})
        while self.pos < len(self.text):
            char = self.text[char_pos := self.pos]
            if char == closing:
                break
            if char in _OPEN:
                self.pos += 1
                group = self.sequence(_OPEN[char])
                self.pos += 1
                part = group * self.amount()
            elif "A" <= char <= "Z":
                symbol = _ELEMENT.match(self.text, self.pos).group()
                if symbol not in ELEMENT_SET:
                    raise self.fail(f"unknown element {symbol!r}")
                self.pos += len(symbol)
                part = Composition({symbol: self.amount()})
            elif char.islower() or char in "+-−":
                raise self.fail(f"variable or unsupported stoichiometry at {self.text[char_pos:]!r}")
            else:
                raise self.fail(f"unexpected {char!r} at position {char_pos}")
            total = total + part
        if closing and self.pos >= len(self.text):
            raise self.fail(f"unclosed group, expected {closing!r}")
        if not total:
            raise self.fail("empty group" if closing else "no elements")
        return total

    def formula(self) -> Composition:
        total = Composition({})
        for i, piece in enumerate(re.split(f"[{re.escape(_ADDUCT)}]", self.text)):
            self.text, self.pos = piece, 0
            count = self.amount() if i else 1.0
            part = self.sequence(None)
            if self.pos != len(piece):
                raise self.fail(f"unbalanced {piece[self.pos]!r}")
            total = total + part * count
        return total


@lru_cache(maxsize=65536)
def parse_formula(text: str) -> Composition:
    """Composition of a formula string; raises :class:`FormulaError` (a ``ValueError``) with the reason."""
    body = text.strip()
    charge = 0
    match = _CHARGE.search(body)
    if match:
        body = body[: match.start()]
        charge = int(match.group(1) or 1) * (1 if match.group(2) == "+" else -1)
    if not body:
        raise FormulaError(text, "empty formula")
    composition = _Parser(body, text).formula()
    return Composition(composition.amounts, charge) if charge else composition


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
    if not any(c.isdigit() or c.islower() for c in token) or _ROMAN_VALENCE.search(token):
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
