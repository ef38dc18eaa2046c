"""Chemistry domain objects: the element table, formulas parsed once into :class:`Composition`.

A small, fast, dependency-free parser (importing pymatgen takes seconds): element symbols are read greedily as an
uppercase letter plus all following lowercase letters, as pymatgen does, so ordinary words (``Bin``, ``Sin``)
never split into elements. Supported: nested ``()``/``[]``/``{}`` groups with amounts, fractional amounts
(``Li(Ni0.8Co0.1Mn0.1)O2``), adducts and hydrates joined by ``·``, ``•``, ``⋅``, ``∙`` or ``*`` with an optional
leading count (``MgCl2·6H2O``), and a trailing ionic charge (``Fe3+``, ``SO42-``: one digit before the sign is
the charge), which is kept apart from the amounts in :attr:`Composition.charge`.

Variable stoichiometry (``Li1+xAl0.3Ti1.7(PO4)3``) is read into a symbolic :class:`Stoichiometry` whose amounts
are valued later; dopant notation and chemical names are read in :mod:`matnlp.chem.material` and
:mod:`matnlp.chem.names`. Strings that are not formulas raise :class:`FormulaError` with a reason.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from .elements import DIATOMIC, ELEMENT_SET, SYNTHETIC

_ADDUCT = "·•⋅∙*"
#: Separators between the parts of an adduct or mixture (``MgCl2·6H2O``, ``CuO-CeO2``, ``(1-x)Bi2O3-xNb2O5``).
_SEPARATORS = _ADDUCT + "-"
OPEN = {"(": ")", "[": "]", "{": "}"}
_CHARGE = re.compile(r"(\d?)([+\-])$")
_NUMBER = re.compile(r"\d+(?:\.\d+)?|\.\d+")
_DIVISOR = re.compile(r"/(\d+(?:\.\d+)?)")
ELEMENT_TOKEN = re.compile(r"[A-Z][a-z]*")
ROMAN_VALENCE = re.compile(r"II+|^IV$|^VI$|\((?:IV|V?I{0,3})\)")
_PLURAL_ACRONYM = re.compile(r"[A-Z]{2,}s")
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


def accumulate(total: Amounts, part: Amounts, factor: Amount = _ONE) -> None:
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

    @property
    def radical(self) -> bool:
        """Whether a neutral covalent formula (only C, H, N, O, S, P, halogens; carbon or hydrogen in it; whole
        amounts; no ammonium) can be no closed-shell molecule: its rings-plus-double-bonds count (2C + 2 + N + P −
        H − halogens) / 2 is negative or not whole (``CF3``, ``SO3H``, ``COOH``: groups and radicals; ``C9H23``: a
        product code). Ionic, metal-bearing, hydrated and mixed formulas (``N2H4·H2O``, ``H2–H2O``) are never
        called radical."""
        elements = self.amounts.keys()
        if (self.charge or self.variables or _NOT_ONE_MOLECULE.search(self.text) or not {"C", "H"} & elements
                or not elements <= _COVALENT):
            return False
        n = self.values()
        if any(abs(v - round(v)) > 1e-9 for v in n.values()):
            return False
        twice = 2 * n.get("C", 0) + 2 + n.get("N", 0) + n.get("P", 0) - n.get("H", 0) - sum(
            n.get(x, 0) for x in ("F", "Cl", "Br", "I"))
        return twice < 0 or round(twice) % 2 == 1


_COVALENT = frozenset({"C", "H", "N", "O", "S", "P", "F", "Cl", "Br", "I"})
_NOT_ONE_MOLECULE = re.compile(r"NH4|[·⋅•∙*/–-]")


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
        return pos < len(self.text) and (self.text[pos].isupper() or self.text[pos] in OPEN)

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
        run = ELEMENT_TOKEN.match(self.text, self.pos).group()
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
            if char in OPEN:
                self.pos += 1
                group = self.parts(OPEN[char])
                self.pos += 1
                accumulate(total, group, self.amount())
            elif "A" <= char <= "Z":
                accumulate(total, {self.element(): self.amount()})
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
            accumulate(total, self.sequence(closing), count)
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
    (``CNTs``) and other plural acronyms (``SOFCs``: S, O, F, Cs) are not formulas.
    """
    if token in DIATOMIC:
        return True
    if _PLURAL_ACRONYM.fullmatch(token):
        return False
    if not _PLAIN_TOKEN.fullmatch(token) or not any(c.isdigit() or c.islower() for c in token) or ROMAN_VALENCE.search(token):
        return False
    try:
        composition = parse_formula(token)
    except FormulaError:
        return False
    return composition.charge == 0 and len(composition) >= 2 and SYNTHETIC.isdisjoint(composition)
