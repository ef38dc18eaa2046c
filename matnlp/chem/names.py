"""Chemical names to formulas: trivial names (``alumina``) and systematic salt names (``iron(III) nitrate nonahydrate``)."""

from __future__ import annotations

import math
import re
from functools import lru_cache

from .elements import ELEMENT_NAMES, ELEMENT_SET
from .formula import ELEMENT_TOKEN, FormulaError

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
    "yttrium iron garnet": "Y3Fe5O12", "spinel": "MgAl2O4", "gadolinia": "Gd2O3", "scandia": "Sc2O3",
    "samaria": "Sm2O3", "calcia": "CaO", "lanthana": "La2O3", "baria": "BaO", "strontia": "SrO",
    "barium zirconate": "BaZrO3", "barium cerate": "BaCeO3", "strontium cerate": "SrCeO3",
    "strontium zirconate": "SrZrO3", "lanthanum gallate": "LaGaO3", "yttrium vanadate": "YVO4",
    "lanthanum manganite": "LaMnO3",
    "lanthanum cobaltite": "LaCoO3", "lanthanum ferrite": "LaFeO3", "lanthanum chromite": "LaCrO3",
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
VALENCE_NAMES: dict[str, tuple[str, int]] = {
    "ferric": ("Fe", 3), "ferrous": ("Fe", 2), "cupric": ("Cu", 2), "cuprous": ("Cu", 1), "stannic": ("Sn", 4),
    "stannous": ("Sn", 2), "manganous": ("Mn", 2), "cobaltous": ("Co", 2), "cobaltic": ("Co", 3),
    "chromic": ("Cr", 3), "ceric": ("Ce", 4), "cerous": ("Ce", 3), "plumbous": ("Pb", 2), "mercuric": ("Hg", 2),
    "nickelous": ("Ni", 2), "titanic": ("Ti", 4),
}
POLYATOMIC_CATIONS: dict[str, tuple[str, int]] = {"ammonium": ("NH4", 1)}
#: Anion name → (formula, charge).
ANIONS: dict[str, tuple[str, int]] = {
    "oxide": ("O", -2), "hydroxide": ("OH", -1), "peroxide": ("O2", -2), "fluoride": ("F", -1),
    "chloride": ("Cl", -1), "bromide": ("Br", -1), "iodide": ("I", -1), "sulfide": ("S", -2), "sulphide": ("S", -2),
    "selenide": ("Se", -2), "telluride": ("Te", -2), "nitride": ("N", -3), "phosphide": ("P", -3),
    "arsenide": ("As", -3), "hydride": ("H", -1), "nitrate": ("NO3", -1), "nitrite": ("NO2", -1),
    "carbonate": ("CO3", -2), "sulfate": ("SO4", -2), "sulphate": ("SO4", -2), "phosphate": ("PO4", -3),
    "acetate": ("C2H3O2", -1), "oxalate": ("C2O4", -2), "perchlorate": ("ClO4", -1), "chlorate": ("ClO3", -1),
    "isopropoxide": ("C3H7O", -1), "ethoxide": ("C2H5O", -1), "methoxide": ("CH3O", -1), "cyanide": ("CN", -1),
    "fluorosilicate": ("SiF6", -2), "citrate": ("C6H5O7", -3), "acetylacetonate": ("C5H7O2", -1),
    "butoxide": ("C4H9O", -1), "propoxide": ("C3H7O", -1), "tartrate": ("C4H4O6", -2), "formate": ("CHO2", -1),
    "molybdate": ("MoO4", -2), "tungstate": ("WO4", -2),
}
PREFIXES = {"mono": 1, "di": 2, "tri": 3, "tetra": 4, "tetr": 4, "penta": 5, "pent": 5, "hexa": 6, "hex": 6,
             "hepta": 7, "octa": 8, "nona": 9, "deca": 10}
_SYMBOLS = {symbol.lower(): symbol for symbol in ELEMENT_SET}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7}
_HYDRATE = re.compile(r"(?:(mono|di|tri|tetra|penta|hexa|hepta|octa|nona|deca)?hydrate)$")
_NAME = re.compile(r"(?P<cation>[a-z]+)\s*(?:\(\s*(?P<roman>[ivx]+)\s*\))?\s+(?P<anion>[a-z]+)(?:\s+(?P<hydrate>[a-z]+))?")


def _cation(word: str, roman: str | None) -> tuple[str, int | None]:
    if word in VALENCE_NAMES and roman is None:
        return VALENCE_NAMES[word]
    if word in POLYATOMIC_CATIONS:
        return POLYATOMIC_CATIONS[word]
    symbol = ELEMENT_NAMES.get(word) or (roman and _SYMBOLS.get(word))  # "Ti (IV) isopropoxide"
    if symbol is None:
        raise FormulaError(word, f"unknown cation {word!r}")
    return symbol, _ROMAN[roman] if roman else _COMMON_STATES.get(symbol)


def _anion(word: str) -> tuple[str, int, int | None]:
    """Anion formula, charge and the count a Greek prefix gives (``dioxide`` → ``O``, -2, 2)."""
    if word in ANIONS:
        return (*ANIONS[word], None)
    for prefix, count in sorted(PREFIXES.items(), key=lambda p: -len(p[0])):
        if word.startswith(prefix) and word[len(prefix) :] in ANIONS:
            return (*ANIONS[word[len(prefix) :]], count)
        if word.startswith(prefix) and "o" + word[len(prefix) :] in ANIONS:  # pentoxide, tetroxide
            return (*ANIONS["o" + word[len(prefix) :]], count)
    raise FormulaError(word, f"unknown anion {word!r}")


def _group(formula: str, count: int) -> str:
    if count == 1:
        return formula
    return f"({formula}){count}" if len(ELEMENT_TOKEN.findall(formula)) > 1 or any(c.isdigit() for c in formula) else (
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
    count = PREFIXES[match.group(1)]
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
