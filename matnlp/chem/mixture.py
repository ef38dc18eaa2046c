"""Compositions written as mixtures of their components: ``(Na2S)x(GeS2)100−x``, ``xSnO2–(1−x)α-Fe2O3``,
``0.30(CuO)–(0.70)P2O5``, ``xNa2S·(100−x)P2S5``, ``3CaO·Al2O3`` (glasses, pseudo-binary ceramics, cement phases).

Such a string names one material, and its components are what a glass batch or a pseudo-binary ceramic is
weighed from. :func:`mixtures` finds them in a text and :func:`components` reads one into its components.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .formula import Composition, FormulaError, parse_formula

_NUM = r"\d+(?:\.\d+)?"
_VAR = r"[xyzϰ]"
# A fraction: "0.30", "x", "2x", "1-x", "100 - x", "30-ϰ"
_LINEAR = rf"(?:{_NUM}\s*[-−–]\s*(?:{_NUM})?{_VAR}|(?:{_NUM})?{_VAR}|{_NUM})"
_FRACTION = rf"(?:\(\s*{_LINEAR}\s*\)|{_LINEAR})"
_FORMULA = r"(?:[αβγδ]-)?(?:[A-Z][a-z]?\d*(?:\.\d+)?){2,}"
# One component with its fraction before it or, after a bracketed component, as a subscript
_TERM = (rf"(?P<before>{_FRACTION}\s*[×·*]?\s*)?(?:\(\s*(?P<bracketed>{_FORMULA})\s*\)(?P<after>(?:{_LINEAR}|"
         rf"\(\s*{_LINEAR}\s*\))(?![\w.]))?|(?P<plain>{_FORMULA}))")
_JOIN = r"(?:\s*[-−–·⋅•]\s*|(?=\())"
_UNNAMED_TERM = re.sub(r"\?P<\w+>", "?:", _TERM)
_MIXTURE = re.compile(rf"(?<![\w\[{{.)-])(?<!\w\(){_UNNAMED_TERM}(?:{_JOIN}{_UNNAMED_TERM})+(?![\w\[(])")
_TERM_RE = re.compile(_TERM)
#: Components that are not weighed in (water of a hydrate, ``Fe(NO3)3·9H2O``).
_NOT_COMPONENTS = frozenset({"H2O", "D2O"})


@dataclass(frozen=True, slots=True)
class Component:
    """A component of a mixture: its span in the mixture string and its composition."""

    start: int
    end: int
    formula: str
    composition: Composition


def components(text: str) -> list[Component]:
    """The components of a mixture string (empty when ``text`` is not one): two or more compound formulas, at
    least one with a fraction, none of them water, each after a separator or a bracketed component (``Na3V2(PO4)3``
    and ``ZnSn(OH)6`` are formulas, not mixtures)."""
    if not _MIXTURE.fullmatch(text):
        return []
    found, fractions, pos, bracketed, after = [], 0, 0, True, False
    for m in _TERM_RE.finditer(text):
        gap = text[pos : m.start()]
        if gap.strip(" -−–·⋅•") or not (gap or bracketed or m.group("before")):
            return []
        if after and gap in "-−–" and m.group("plain"):  # "(La0.75Sr0.25)1−xCr0.5Mn0.5O3" is one formula
            return []
        key = "bracketed" if m.group("bracketed") else "plain"
        try:
            composition = parse_formula(m.group(key).split("-")[-1])
        except FormulaError:
            return []
        if m.group(key) in _NOT_COMPONENTS:
            return []
        fractions += bool(m.group("before") or m.group("after"))
        found.append(Component(m.start(key), m.end(key), m.group(key), composition))
        pos, bracketed, after = m.end(), key == "bracketed", bool(m.group("after"))
    return found if len(found) >= 2 and fractions and pos == len(text) else []


def mixtures(text: str) -> Iterator[tuple[int, int]]:
    """Spans of the mixture strings of ``text``."""
    for m in _MIXTURE.finditer(text):
        if components(m.group()) and not _FIGURE_BEFORE.search(text, max(0, m.start() - 10), m.start()):
            yield m.span()


_FIGURE_BEFORE = re.compile(r"(?:Fig(?:ure)?s?\.?|Table|Eq\.?|Scheme)\s*$")  # "Figure 33 (La0.75Sr0.25)…": a number
