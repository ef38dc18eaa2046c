"""Tables from markup: the cell grid (HTML/JATS ``<table>`` and CALS ``tgroup``, spans expanded), column names and
the units parsed from the header cells.

The grid is read from an lxml element with a caller-given ``cell_text(element) -> str`` (the readers' inline text,
so ``S cm<sup>−1</sup>`` reads ``S cm−1``). Units: a bracketed group (``σ (S cm−1)``, ``T [K]``, ``T (°C)``) or a
slash form (``T/K``, ``Ea/eV``) whose every word is a unit (SI prefixes, powers and ``%`` forms allowed); anything
else (``Conductivity (total)``, ``Li/Na``) keeps the whole header as the name and no unit.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .base import RawTable

MAX_SPAN = 200  # colspan/rowspan values above this are treated as 1 (hostile or broken markup)
MAX_CELLS = 200_000

_BASE_UNITS = {
    "m", "g", "s", "A", "K", "mol", "cd", "L", "l", "Hz", "N", "Pa", "J", "W", "C", "V", "F", "Ω", "S", "Wb", "T",
    "H", "eV", "bar", "atm", "Torr", "torr", "h", "hr", "hrs", "min", "d", "Å", "°C", "°F", "°", "%", "M", "Da",
    "emu", "Oe", "rpm", "dB", "ppm", "ppb", "wt%", "at%", "vol%", "mol%", "wt.%", "at.%", "a.u.", "au", "deg",
    "rad", "sccm", "cycles", "cycle", "Ah", "Wh", "mAh", "μAh", "kWh", "ohm", "ohms", "cal", "kcal", "lm", "lx",
    "Gy", "Bq", "Sv", "u", "mmHg", "psi", "G", "eq", "equiv", "cP", "P", "St", "dyn", "erg", "esu", "Ci", "gf",
    "f.u.", "fu", "nm", "cm", "mm", "μm", "um", "km", "pm", "fm", "mg", "kg", "μg", "ng", "ms", "μs", "ns", "ps",
    "fs", "mA", "μA", "nA", "kV", "mV", "μV", "MPa", "GPa", "kPa", "mPa", "hPa", "kJ", "MJ", "mJ", "μJ", "mW",
    "kW", "MW", "μW", "mS", "μS", "kΩ", "MΩ", "mΩ", "mF", "μF", "nF", "pF", "mL", "μL", "ml", "μl", "kHz", "MHz",
    "GHz", "THz", "mM", "μM", "nM", "mmol", "μmol", "nmol", "kmol", "meV", "keV", "MeV", "mbar", "mTorr", "K−1",
    "ppmv", "Mg", "kA", "kN", "MN", "mN", "μN", "kT", "mT", "μT", "nT", "kOe", "mHz", "μΩ",
}
_PREFIXES = "yzafpnμumcdhkMGTPE"
_POWER = re.compile(r"(?:\^?[-−–]?\d+(?:\.\d+)?|[⁻¹²³⁴⁵⁶⁷⁸⁹⁰]+)$")
_UNIT_SPLIT = re.compile(r"[\s·⋅×*/]+")
_BRACKETED = re.compile(r"[(\[]([^()\[\]]{1,40})[)\]]")
_SLASH = re.compile(r"^(?P<name>.*?\S)\s*/\s*(?P<unit>[^/\s][^/]{0,30})$")


def _is_unit_word(word: str) -> bool:
    word = word.strip("()[]{}")
    if not word:
        return True
    if word in _BASE_UNITS:
        return True
    bare = _POWER.sub("", word)
    if bare != word and bare in _BASE_UNITS:
        return True
    if bare and bare[0] in _PREFIXES and bare[1:] in _BASE_UNITS and len(bare) > 1:
        return True
    return bool(re.fullmatch(r"10\^?[-−]?\d+|[-−–]?\d+", word))  # "10−3 S cm−1", a bare power factor


def is_unit(text: str) -> bool:
    """Whether ``text`` is a unit expression: every word a (prefixed, powered) unit, at least one a letter unit."""
    text = text.strip()
    if not text or len(text) > 40:
        return False
    words = [w for w in _UNIT_SPLIT.split(text) if w]
    return bool(words) and all(_is_unit_word(w) for w in words) and any(
        not re.fullmatch(r"[-−–^\d.]+", w) for w in words)


def split_unit(header: str) -> tuple[str, str | None]:
    """``(name, unit)`` of a header cell: ``"σ (S cm−1)"`` → ``("σ", "S cm−1")``, ``"T [K]"`` → ``("T", "K")``,
    ``"T/K"`` → ``("T", "K")``; no unit → ``(header, None)``."""
    header = " ".join(header.split())
    for match in reversed(list(_BRACKETED.finditer(header))):
        if is_unit(match.group(1)):
            name = (header[:match.start()] + header[match.end():]).strip(" ,;")
            return " ".join(name.split()), match.group(1).strip()
    match = _SLASH.match(header)
    if match and is_unit(match.group("unit")) and (not is_unit(match.group("name")) or re.fullmatch(
            r"[^\W\d_]", match.group("name").strip())):  # "T/K": a one-letter quantity symbol may look like a unit
        return match.group("name").strip(), match.group("unit").strip()
    return header, None


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1].split(":")[-1].lower() if isinstance(tag, str) else ""


def _span(value, default: int = 1) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return default
    return number if 1 <= number <= MAX_SPAN else default


def _children(element, *names: str) -> list:
    return [child for child in element if _local(child.tag) in names]


def read_table(element, cell_text: Callable) -> RawTable | None:
    """The grid of an HTML/JATS ``<table>`` or a CALS table (``tgroup``) under ``element``; None when it has no
    cells. Header rows: ``thead`` rows, else the leading rows made only of ``th`` cells."""
    tgroups = [el for el in element.iter() if _local(el.tag) == "tgroup"]
    if tgroups:
        return _cals(tgroups, cell_text)
    tables = [element] if _local(element.tag) == "table" else [
        el for el in element.iter() if _local(el.tag) == "table"]
    if not tables:
        return None
    table = tables[0]
    rows: list[tuple[bool, list]] = []  # (in thead, cells)
    for part in [table, *_children(table, "thead", "tbody", "tfoot")]:
        in_head = _local(part.tag) == "thead"
        if _local(part.tag) == "tfoot":
            continue
        for tr in _children(part, "tr"):
            rows.append((in_head, _children(tr, "td", "th")))
    # cells, with (rowspan, colspan)
    grid = _expand([[(cell_text(c), _span(c.get("rowspan")), _span(c.get("colspan"))) for c in cells]
                    for _, cells in rows])
    if grid is None:
        return None
    head = sum(1 for in_head, _ in rows if in_head)
    if head == 0:  # leading rows of th cells only
        for _, cells in rows:
            if cells and all(_local(c.tag) == "th" for c in cells):
                head += 1
            else:
                break
    if head >= len(grid):
        head = min(1, len(grid) - 1) if len(grid) > 1 else 0
    foot = [cell_text(el) for part in _children(table, "tfoot") for el in part.iter() if _local(el.tag) in ("td", "th")]
    return RawTable(grid[:head], grid[head:], [f for f in foot if f.strip()])


def _expand(rows: list[list[tuple[str, int, int]]]) -> list[list[str]] | None:
    """Rows of (text, rowspan, colspan) as a rectangular grid of strings, spanned cells repeated."""
    pending: dict[int, tuple[str, int]] = {}  # column -> (text, rows still covered)
    grid: list[list[str]] = []
    cells = 0
    for row in rows:
        out: list[str] = []
        col = 0
        queue = list(row)
        while queue or any(c >= col for c in pending):
            if col in pending:
                text, left = pending[col]
                out.append(text)
                if left <= 1:
                    del pending[col]
                else:
                    pending[col] = (text, left - 1)
                col += 1
                continue
            if not queue:
                break
            text, rowspan, colspan = queue.pop(0)
            for _ in range(colspan):
                out.append(text)
                if rowspan > 1:
                    pending[col] = (text, rowspan - 1)
                col += 1
        cells += len(out)
        if cells > MAX_CELLS:
            break
        grid.append(out)
    grid = [row for row in grid if any(cell.strip() for cell in row)]
    if not grid:
        return None
    width = max(len(row) for row in grid)
    return [row + [""] * (width - len(row)) for row in grid]


def _cals(tgroups: list, cell_text: Callable) -> RawTable | None:
    header: list[list[str]] = []
    body: list[list[str]] = []
    for tgroup in tgroups[:1]:
        names = [spec.get("colname") for spec in _children(tgroup, "colspec")]
        index = {name: i for i, name in enumerate(names) if name}
        for part in _children(tgroup, "thead", "tbody"):
            rows = []
            for row in _children(part, "row"):
                cells = []
                col = 0
                for entry in _children(row, "entry"):
                    start = index.get(entry.get("namest") or entry.get("colname"), col)
                    end = index.get(entry.get("nameend"), start)
                    colspan = max(1, min(end - start + 1, MAX_SPAN))
                    if start > col:  # skipped columns are empty
                        cells.extend(("", 1, 1) for _ in range(start - col))
                    more = str(entry.get("morerows") or "0").strip()
                    cells.append((cell_text(entry), _span(int(more) + 1) if more.isdigit() else 1, colspan))
                    col = max(col, start) + colspan
                rows.append(cells)
            grid = _expand(rows) or []
            (header if _local(part.tag) == "thead" else body).extend(grid)
    if not header and not body:
        return None
    width = max(len(r) for r in header + body)
    pad = lambda rows: [r + [""] * (width - len(r)) for r in rows]  # noqa: E731
    return RawTable(pad(header), pad(body))


def columns_and_units(header: list[list[str]], width: int) -> tuple[list[str], list[str | None]]:
    """Per column: the name (header rows joined top to bottom, repeats of a spanning cell once, unit removed) and
    the unit found in any of its header cells."""
    names: list[str] = []
    units: list[str | None] = []
    for col in range(width):
        parts: list[str] = []
        for row in header:
            cell = row[col].strip() if col < len(row) else ""
            if cell and (not parts or parts[-1] != cell):
                parts.append(cell)
        unit = None
        kept = []
        for part in parts:
            name, found = split_unit(part)
            if found and unit is None:
                unit = found
            if name:
                kept.append(name)
        names.append(" ".join(kept))
        units.append(unit)
    return names, units
