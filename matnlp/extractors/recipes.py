"""Recipes: per synthesis paragraph, the Kononova et al. (2019) record shape.

:func:`build_recipes` groups a :class:`~matnlp.extractors.synthesis.Synthesis` reading by paragraph: the target
material(s), the precursors with their amounts, the solvents and media, the ordered steps inside the paragraph
(as indices into the steps) and, per target, the reaction balanced by :func:`matnlp.chem.reaction.balance` (or why it cannot be). Roles come
from the learned role model of :mod:`matnlp.extractors.synthesis`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..chem import FormulaError, parse_formula, read_material
from ..chem.mixture import components
from ..chem.reaction import BalanceError, balance
from .synthesis import Condition, StepMaterial, Synthesis, formula_kind


@dataclass(slots=True)
class RecipeMaterial:
    """A material of a recipe: its first mention, the formula it reads as (``None`` when it does not), the
    amounts given for it and every mention span."""

    text: str
    formula: str | None
    amounts: list[Condition] = field(default_factory=list)
    mentions: list[tuple[int, int]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"text": self.text, "formula": self.formula, "amounts": [a.to_dict() for a in self.amounts],
                "mentions": [list(m) for m in self.mentions]}


@dataclass(slots=True)
class RecipeReaction:
    """The balanced reaction of one target, or the reason there is none (``equation`` is then ``None``)."""

    target: str
    equation: str | None
    problem: str | None = None

    def to_dict(self) -> dict:
        return {"target": self.target, "equation": self.equation, "problem": self.problem}


@dataclass(slots=True)
class Recipe:
    """One synthesis paragraph ``[start, end)`` of type ``type`` (solid-state, sol-gel, …) read as a recipe;
    ``steps`` are indices into the step list it was built from (the record's ``synthesis``), in order."""

    start: int
    end: int
    type: str
    targets: list[RecipeMaterial] = field(default_factory=list)
    precursors: list[RecipeMaterial] = field(default_factory=list)
    media: list[RecipeMaterial] = field(default_factory=list)
    steps: list[int] = field(default_factory=list)
    reactions: list[RecipeReaction] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "start": self.start, "end": self.end, "type": self.type,
            "targets": [m.to_dict() for m in self.targets],
            "precursors": [m.to_dict() for m in self.precursors],
            "media": [m.to_dict() for m in self.media],
            "steps": list(self.steps),
            "reactions": [r.to_dict() for r in self.reactions],
        }


#: Role of a step material -> the recipe list it goes to (participants are left out).
_PART = {"target": "targets", "precursor": "precursors", "solvent": "media", "atmosphere": "media"}


def build_recipes(synthesis: Synthesis, paragraphs: Sequence[tuple[int, int, str]],
                  formulas: Mapping[tuple[int, int], str] | None = None, *, need_step: bool = True) -> list[Recipe]:
    """One :class:`Recipe` per run of ``(start, end, type)`` paragraphs (consecutive paragraphs of one type, with
    only white space between them, are one procedure) that holds a step (unless ``need_step`` is off: text known
    to be a synthesis but cut, like the Kononova snippets) and a target or precursor (milling media and vessels are
    neither). ``formulas`` gives the formula of a material mention span where the document knows it (an
    abbreviation resolved from its definition); other mentions are read by :func:`matnlp.chem.read_material`."""
    formulas = formulas or {}
    recipes = []
    for a, b, kind in _runs(synthesis.text, paragraphs):
        recipe = Recipe(a, b, kind, steps=[i for i, s in enumerate(synthesis.steps) if a <= s.start < b])
        for m in synthesis.materials:
            if a <= m.start < b and m.role in _PART and not _MEDIA_AFTER.match(synthesis.text, m.end):
                _merge(getattr(recipe, _PART[m.role]), m, formulas.get((m.start, m.end)) or _formula(m.text))
        _add_components(recipe, synthesis.text)
        _solvents_and_agents(recipe)
        if (recipe.steps or not need_step) and (recipe.targets or recipe.precursors):
            recipe.reactions = [_reaction(t, recipe.precursors) for t in recipe.targets if t.formula]
            recipes.append(recipe)
    return recipes


# "ZrO2 balls", "agate jar": milling media and vessels, neither made nor consumed.
_MEDIA_AFTER = re.compile(r"\s*(?:\([^)]*\)\s*)?(?:grinding |milling )?(?:balls?|beads?|media|jars?|vials?|crucibles?)\b",
                          re.I)


def _runs(text: str, paragraphs: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Paragraphs joined where one follows the other with the same type and only white space between."""
    runs: list[tuple[int, int, str]] = []
    for a, b, kind in sorted(paragraphs):
        if runs and runs[-1][2] == kind and not text[runs[-1][1] : a].strip():
            runs[-1] = (runs[-1][0], b, kind)
        else:
            runs.append((a, b, kind))
    return runs


def _merge(part: list[RecipeMaterial], m: StepMaterial, formula: str | None) -> None:
    """Add a mention to the recipe material of the same formula (or text), else as a new material."""
    key = formula or m.text.lower()
    same = next((r for r in part if (r.formula or r.text.lower()) == key), None)
    if same is None:
        part.append(same := RecipeMaterial(m.text, formula))
    same.mentions.append((m.start, m.end))
    same.amounts += m.amounts


def _add_components(recipe: Recipe, text: str) -> None:
    """The components of a target written as a mixture (``(Na2S)x(GeS2)100−x`` glasses, ``(Ta2O5)1−x(TiO2)x``
    powders) as precursors, where they are binary compounds (a glass batch or pseudo-binary ceramic is weighed from
    its oxides, sulfides and halides; ``BiScO3`` of ``0.365BiScO3–0.635PbTiO3`` is an end member, made from its
    own precursors) and no precursor of the recipe brings their cation."""
    brought = {e for p in recipe.precursors for e in _elements(p.formula)}
    for target in list(recipe.targets):
        for a, b in target.mentions:
            for c in components(text[a:b]):
                cation = _CATION.match(c.formula).group(1)
                if len(c.composition) == 2 and cation not in brought:
                    _merge(recipe.precursors, StepMaterial(c.formula, a + c.start, a + c.end, "precursor"), c.formula)


_CATION = re.compile(r"(?:[αβγδ]-)?([A-Z][a-z]?)")


def _solvents_and_agents(recipe: Recipe) -> None:
    """Targets and precursors whose formula is a solvent's or a chelating agent's, written as a formula or an
    abbreviation the paper defines (``C2H5OH``, ``EG``, ``C6H8O7·H2O``, ``CA``): solvents go to the media and agents
    out of the recipe, as :mod:`.synthesis` places them when they are written as names (:func:`formula_kind`)."""
    for part in (recipe.targets, recipe.precursors):
        for m in list(part):
            kind = formula_kind(m.formula)
            if kind:
                part.remove(m)
            if kind == "solvent":
                recipe.media.append(m)


def _elements(formula: str | None) -> set[str]:
    try:
        return set(parse_formula(formula)) if formula else set()
    except FormulaError:
        return set()


def _formula(text: str) -> str | None:
    try:
        return read_material(text).formula
    except FormulaError:
        return None


def _reaction(target: RecipeMaterial, precursors: Sequence[RecipeMaterial]) -> RecipeReaction:
    try:
        return RecipeReaction(target.text, str(balance([p.formula for p in precursors if p.formula], target.formula)))
    except BalanceError as exc:
        return RecipeReaction(target.text, None, exc.reason)
