"""Reaction balancing: precursors → target plus open species, solved exactly in rationals (Kononova et al. 2019).

:func:`balance` fixes the target coefficient at 1 and solves the element (and charge) balance for the precursor
coefficients and the smallest set of open species (``O2``, ``CO2``, ``H2O``, ``NH3`` and the ions ``[OH-]``,
``[NO3-]``, ``[CH3COO-]`` the Kononova reactions use; ``NO2``, ``N2``, ``H2``, ``CO``, ``SO2``, ``HCl`` only when
those fail) that makes the solution unique with every kept precursor on the left. A species with a positive
coefficient is a reactant, a negative one a product. Candidate sets are screened in floating point (numpy rank and
least squares), then solved exactly in fractions. When no such solution exists :class:`BalanceError` says why,
so no wrong equation is ever written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

import numpy as np

from .formula import Composition, FormulaError, parse_formula

#: Open species in the order they are tried (subsets of the first group before any of the second). The ions and
#: NH3 only when a precursor holds the group they stand for, and then first as required species (Kononova's
#: nitrate and acetate exchange: ``M(NO3)2 + 2 [OH-] == MO + H2O + 2 [NO3-]``).
OPEN_SPECIES = ("[OH-]", "[NO3-]", "[CH3COO-]", "O2", "H2O", "CO2", "NH3")
EXTRA_SPECIES = ("NO2", "N2", "H2", "CO", "SO2", "HCl")
_MAX_DENOMINATOR = 10**6
#: A Greek letter offsetting the final oxygen amount (``O3−α``): oxygen nonstoichiometry like ``δ``, dropped from
#: the target (a Latin ``x`` may be a composition variable and is left for the parser to refuse).
_OXYGEN_OFFSET = re.compile(r"(O\d*(?:\.\d+)?)\s*[−–+-]\s*[αβγε]$")
_GROUP_SPECIES = {
    "[OH-]": re.compile(r"NO3|CH3COO|C2H3O2|C4H6O4|OAc"),
    "[NO3-]": re.compile(r"NO3"),
    "[CH3COO-]": re.compile(r"CH3COO|C2H3O2|C4H6O4|OAc"),
    "NH3": re.compile(r"NH4|NH3"),
}
#: Elements a precursor may lose to the open species. A precursor is left out of the reaction, as Kononova does,
#: when it has other elements missing from the target (a dopant source, a flux) or none of the target's other
#: elements (citric acid, ammonia, a solvent).
VOLATILE = frozenset("CHON") | {"Cl", "S"}


class BalanceError(ValueError):
    """No balanced reaction: ``reason`` says why (unparsable formula, element without a source, no unique
    solution)."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True, slots=True)
class Reaction:
    """A balanced reaction: ``(coefficient, formula)`` on each side, the target first on the right."""

    left: tuple[tuple[Fraction, str], ...]
    right: tuple[tuple[Fraction, str], ...]

    def coefficients(self) -> dict[str, float]:
        """Formula → coefficient (reactants and products alike, as in a Kononova ``reaction``)."""
        return {f: float(c) for c, f in (*self.left, *self.right)}

    def __str__(self) -> str:
        side = lambda terms: " + ".join(f"{_number(c)} {f}" for c, f in terms)  # noqa: E731
        return f"{side(self.left)} == {side(self.right)}"


def balance(precursors: Sequence[str], target: str, open_species: Sequence[str] = OPEN_SPECIES,
            extra_species: Sequence[str] = EXTRA_SPECIES) -> Reaction:
    """The balanced reaction of ``precursors`` (formulas) into one mole of ``target``; raises
    :class:`BalanceError`."""
    target = _OXYGEN_OFFSET.sub(r"\1", target)
    tgt = species_composition(target)
    comps = {p: species_composition(p) for p in dict.fromkeys(precursors) if p != target}
    core = set(tgt) - VOLATILE or set(tgt)
    kept = {p: c for p, c in comps.items() if set(c) - VOLATILE <= core and set(c) & core}
    missing = core - {el for c in kept.values() for el in c}
    if missing:
        raise BalanceError(f"no precursor supplies {', '.join(sorted(missing))}")
    if _solve(kept, Composition({}), sorted({el for c in kept.values() for el in c})) is None:
        # dependent precursors (two sources of one element): no set of open species makes the amounts unique
        raise BalanceError("no unique solution: the precursors' amounts are not independent")
    triggered = [s for s in open_species if s in _GROUP_SPECIES and any(map(_GROUP_SPECIES[s].search, kept))]
    plain = [s for s in open_species if s not in _GROUP_SPECIES]
    for required, pool in ((triggered, plain), ((), [*triggered, *plain]), ((), [*triggered, *plain, *extra_species])):
        x = _smallest_solution(kept, tgt, [*required], pool)
        if x is not None:
            left = tuple((c, s) for s, c in x.items() if c > 0)
            products = tuple((-c, s) for s, c in x.items() if c < 0)
            return Reaction(left, ((Fraction(1), target), *products))
    raise BalanceError("no unique solution with positive precursor amounts")


def _smallest_solution(precursors: Mapping[str, Composition], target: Composition, required: Sequence[str],
                       pool: Sequence[str]) -> dict[str, Fraction] | None:
    """Coefficients of the solution using all ``required`` open species and the fewest from ``pool`` (tried in
    order), or ``None``. Sets of species whose amounts are not independent are remembered, and no set holding
    one is solved (adding species never makes amounts unique again)."""
    dependent: list[set[str]] = []
    comps = {s: species_composition(s) for s in (*required, *pool)}
    for k in range(len(pool) + 1):
        for more in combinations(pool, k):
            if any(d <= set(more) for d in dependent):
                continue
            extra = (*required, *more)
            species = {**precursors, **{s: comps[s] for s in extra}}
            elements = sorted({el for c in (target, *species.values()) for el in c})
            screen = _screen(species, target, elements)
            if screen is None:
                dependent.append(set(more))
            if not screen:
                continue
            x = _solve(species, target, elements)
            if x is not None and all(x[p] > 0 for p in precursors) and all(x[s] != 0 for s in extra):
                return x
    return None


def _screen(species: Mapping[str, Composition], target: Composition, elements: list[str]) -> bool | None:
    """A quick floating-point look before the exact solve: ``None`` when the species' amounts are not independent,
    else whether the system has a solution."""
    a = np.array([[species[s].get(el, 0.0) for s in species] for el in elements] + [[species[s].charge for s in species]])
    b = np.array([target.get(el, 0.0) for el in elements] + [target.charge])
    if a.shape[1] > a.shape[0] or np.linalg.matrix_rank(a) < a.shape[1]:
        return None
    x = np.linalg.lstsq(a, b, rcond=None)[0]
    return bool(np.allclose(a @ x, b, atol=1e-6))


def _solve(species: Mapping[str, Composition], target: Composition, elements: list[str]) -> dict[str, Fraction] | None:
    """Unique exact solution of Σ x_s·species_s = target over elements and charge, or ``None``."""
    names = list(species)
    rows = [[_fraction(species[s].get(el, 0.0)) for s in names] + [_fraction(target.get(el, 0.0))] for el in elements]
    rows.append([Fraction(species[s].charge) for s in names] + [Fraction(target.charge)])
    solution = _gauss(rows, len(names))
    return None if solution is None else dict(zip(names, solution, strict=True))


def _gauss(rows: list[list[Fraction]], n: int) -> list[Fraction] | None:
    """Gauss–Jordan elimination on the augmented matrix ``rows``; ``None`` unless exactly one solution."""
    pivot_row = 0
    for col in range(n):
        pivot = next((r for r in range(pivot_row, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            return None  # a free variable: not unique
        rows[pivot_row], rows[pivot] = rows[pivot], rows[pivot_row]
        head = rows[pivot_row][col]
        rows[pivot_row] = [v / head for v in rows[pivot_row]]
        for r in range(len(rows)):
            if r != pivot_row and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[pivot_row], strict=True)]
        pivot_row += 1
    if any(row[n] != 0 for row in rows[pivot_row:]):
        return None  # inconsistent
    return [rows[i][n] for i in range(n)]


def species_composition(formula: str) -> Composition:
    """Composition of a formula; a bracketed ion (``[NO3-]``) by its neutral formula with charge ±1, since the
    parser reads ``3-`` as a charge."""
    if formula.startswith("["):
        body = formula.strip("[]")
        return Composition(species_composition(body[:-1]), -1 if body.endswith("-") else 1)
    try:
        return parse_formula(formula)
    except FormulaError as exc:
        raise BalanceError(f"cannot read {formula!r}: {exc.reason}") from None


def _fraction(value: float) -> Fraction:
    """A float amount as the fraction it was written as (``0.48042``, ``0.333333333`` for 1/3)."""
    return Fraction(repr(value)).limit_denominator(_MAX_DENOMINATOR)


def _number(c: Fraction) -> str:
    return str(c.numerator) if c.denominator == 1 else f"{float(c):.4g}"
