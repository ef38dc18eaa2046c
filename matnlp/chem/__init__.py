"""Chemistry domain objects: elements, formulas parsed once into :class:`Composition`, chemical names, and
material strings read into :class:`Material` (pymatgen's way: parse once, compare by value)."""

from .elements import DIATOMIC, ELEMENT_NAMES, ELEMENT_SET, ELEMENTS, element_from_name
from .formula import (
    NONSTOICHIOMETRY,
    VARIABLES,
    Amount,
    Composition,
    FormulaError,
    Stoichiometry,
    is_formula,
    parse_formula,
    parse_stoichiometry,
)
from .material import Material, Reading, parse_material, read_material
from .names import formula_from_name

__all__ = [
    "Amount", "DIATOMIC", "ELEMENTS", "ELEMENT_NAMES", "ELEMENT_SET", "NONSTOICHIOMETRY", "VARIABLES", "Composition",
    "FormulaError", "Material", "Reading", "Stoichiometry", "element_from_name", "formula_from_name",
    "is_formula", "parse_formula", "parse_material", "parse_stoichiometry", "read_material",
]
