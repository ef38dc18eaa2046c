"""Property records from table cells (``Document.tables``): the material from the row label, the property from the
column header, the value from the cell read with the header's unit.

A column is a property column when its header names a property: a lexicon term (``Conductivity at 600 °C``,
read by :func:`~matnlp.extractors.properties.head_term`) or a symbol of :data:`SYMBOLS` (``σ``, ``Ea``, ``Eg``),
and its unit fits the property (:func:`~matnlp.extractors.properties.compatible`: ``T`` in K is a temperature,
``a`` in Å a lattice parameter). Quantities in the header (``σ 500 °C``) are conditions of its values. The row
label is the first cell of the row when its column is no property column; it gives the material when it reads as
one (``TiO2``, ``2 mol% CuO``), else it only names the row (``F1``, ``LMO-700``). The cells are not in the running
text, so a record's evidence is the table caption's span and the record names the table, row and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..chem.formula import is_formula
from ..types import Table
from .materials import extract_materials
from .properties import Condition, canonical_name, compatible, head_term
from .quantities import Quantity, parse_quantities, parse_unit

# Column-header symbols -> property names, alternatives by unit (a symbol counts only when the header's unit fits).
SYMBOLS: dict[str, str] = {
    "σ": "conductivity", "σg": "conductivity", "σb": "conductivity", "σt": "conductivity", "σtot": "conductivity",
    "κ": "thermal conductivity", "Ea": "activation energy", "Eg": "band gap", "Ef": "formation energy",
    "a": "lattice parameter", "b": "lattice parameter", "c": "lattice parameter", "V": "voltage|volume",
    "T": "temperature",
    "Tc": "Tc", "Tg": "Tg", "Tm": "melting point", "ρ": "density|resistivity", "S": "seebeck coefficient",
    "α": "seebeck coefficient",
    "PF": "power factor", "ZT": "ZT", "ASR": "area specific resistance", "Rp": "polarization resistance",
    "Rs": "ohmic resistance", "Rohm": "ohmic resistance", "OCV": "open-circuit voltage", "Voc": "open-circuit voltage",
    "VOC": "open-circuit voltage", "Jsc": "short-circuit current density", "JSC": "short-circuit current density",
    "FF": "fill factor", "PCE": "efficiency", "η": "efficiency", "Pmax": "power density", "SBET": "surface area",
    "BET": "surface area", "D": "crystallite size", "d": "size", "k": "rate constant", "μ": "mobility",
    "µ": "mobility", "n": "carrier concentration", "p": "carrier concentration", "E": "modulus|potential|energy",
    "HV": "hardness",
}
_WORD = re.compile(r"[^\W\d_][\w]*")
_COMPOSITE = re.compile(r"\s*[/@|]\s*")  # "Fe3O4/TiO2", "Pt@C"
_SAMPLE = re.compile(r"([A-Za-z]{1,3})[-_ ]?\d{1,2}[a-z]?")


@dataclass(slots=True)
class TableProperty:
    """One property value read from a table cell, with where it was read: ``table`` (label), ``row`` and
    ``column`` (0-based body row and column), ``header`` and ``row_label``; ``evidence`` is the caption span."""

    name: str
    value: Quantity
    material: str | None
    table: str | None
    row: int
    column: int
    header: str
    row_label: str | None
    cell: str
    evidence: tuple[int, int]
    conditions: list[Condition] = field(default_factory=list)

    @property
    def unit(self) -> str | None:
        return self.value.unit

    def to_dict(self) -> dict:
        """The record's ``properties`` form; the cell is not in the text, so no value or mention offsets."""
        q = self.value
        return {
            "property": self.name, "text": self.header, "value": q.value, "low": q.low, "high": q.high,
            "error": q.error, "unit": q.unit, "material": self.material,
            "conditions": [c.to_dict() for c in self.conditions], "setting": False,
            "evidence": {"start": self.evidence[0], "end": self.evidence[1]},
            "table": {"label": self.table, "row": self.row, "column": self.column, "row_label": self.row_label,
                      "cell": self.cell},
        }


def column_property(header: str, unit: str | None) -> str | None:
    """The property a column header names, given the header's unit: the lexicon term in it, else a symbol of
    :data:`SYMBOLS` (its first word, ``σg`` → conductivity), kept only when the unit fits; ``None`` otherwise."""
    probe = Quantity(1.0, unit, 0, 0, _unit=parse_unit(unit)) if unit else Quantity(1.0, None, 0, 0)
    words = _WORD.findall(header)
    symbols = [SYMBOLS[w] for w in (words[-1:] + words[:1]) if w in SYMBOLS] if unit is not None else []
    for name in (n for names in symbols for n in names.split("|")):
        if compatible(name, probe):
            return name
    head = head_term(header)
    return canonical_name(head) if head is not None and compatible(head, probe) else None


def _header_conditions(table: Table, j: int, name: str) -> list[Condition]:
    """Quantities in the header cells of column ``j`` (``Conductivity at 600 °C``, ``σ`` over ``500 °C``) as
    conditions. A cell spanning neighbour columns counts only when it names this column's property, so that
    ``Ea`` under ``Conductivity at 600 °C`` gets no 600 °C."""
    out = []
    kind = parse_unit(table.units[j]).kind if table.units[j] else None
    for row in table.header:
        cell = row[j] if j < len(row) else ""
        spans = any(0 <= k < len(row) and row[k] == cell for k in (j - 1, j + 1))
        if spans and column_property(cell, table.units[j]) != name:
            continue
        out += [Condition(q.kind or "other", cell[q.start : q.end], None, None, q)
                for q in parse_quantities(cell) if q.unit is not None and q.kind != kind]
    return out


def _cell_value(cell: str, unit: str | None) -> Quantity | None:
    """The quantity of a cell: its number (range, ``± error``, ``× 10−4``) with the column's unit, or with the
    cell's own unit when the header has none; ``None`` for an empty or non-numeric cell (``–``, ``n.a.``)."""
    qs = parse_quantities(cell)
    if len(qs) != 1 or cell[: qs[0].start].strip(" ~≈<>") or cell[qs[0].end :].strip(" *†‡abcdef"):
        return None
    q = qs[0]
    if q.unit is not None:
        return q if unit is None or q.unit == unit else None
    if unit is None:
        return None
    parsed = parse_unit(unit)
    return Quantity(q.value, parsed.text, q.start, q.end, q.low, q.high, q.error, parsed)


def _material(label: str | None) -> str | None:
    """The material a row label names: the label when it is a formula or a composite of formulas
    (``Fe3O4/TiO2``), else its longest material mention, if any."""
    if not label:
        return None
    if all(is_formula(part) for part in _COMPOSITE.split(label)):
        return label
    mentions = [(a, b) for m in extract_materials(label) for a, b in m.mentions]
    if not mentions:
        return None
    a, b = max(mentions, key=lambda s: s[1] - s[0])
    return label[a:b]


def _sample_labels(labels: list[str]) -> bool:
    """Whether row labels are sample names: one letter prefix numbered (``F1``, ``F2``; ``S-1``, ``S-2``), so that
    ``F2`` is not read as fluorine."""
    found = [_SAMPLE.fullmatch(x.strip()) for x in labels if x.strip()]
    return len(found) > 1 and all(found) and len({m.group(1) for m in found}) == 1


def table_properties(table: Table) -> list[TableProperty]:
    """Property records of one table; none when its caption is not in the running text (nothing to point at)."""
    if table.caption_start is None or table.caption_end is None or not table.rows:
        return []
    names = [column_property(h, u) for h, u in zip(table.columns, table.units)]
    label_col = 0 if names and names[0] is None else None
    labels = [row[label_col] if label_col is not None and row and row[label_col].strip() else None
              for row in table.rows]
    samples = _sample_labels([x for x in labels if x])
    out = []
    for j, (name, header, unit) in enumerate(zip(names, table.columns, table.units)):
        if name is None:
            continue
        conditions = _header_conditions(table, j, name)
        for i, row in enumerate(table.rows):
            if j >= len(row):
                continue
            q = _cell_value(row[j], unit)
            if q is None:
                continue
            material = None if samples else _material(labels[i])
            out.append(TableProperty(name, q, material, table.label, i, j, header, labels[i], row[j],
                                     (table.caption_start, table.caption_end), list(conditions)))
    return out


def extract_table_properties(tables: list[Table]) -> list[TableProperty]:
    """Property records of all tables of a document, table by table."""
    return [p for t in tables for p in table_properties(t)]
