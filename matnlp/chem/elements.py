"""The periodic table: element symbols, names and the sets the formula readers check against."""

from __future__ import annotations

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
SYNTHETIC = frozenset(ELEMENTS[ELEMENTS.index("Es") :])
#: Single-element molecules that count as formulas (diatomic gases, as mat2vec).
DIATOMIC = frozenset({"H2", "N2", "O2", "F2", "Cl2"})


def element_from_name(word: str) -> str | None:
    """Symbol for an element name in lower or capitalized case (``iron``, ``Aluminum`` → ``Fe``, ``Al``)."""
    if word.islower() or word.istitle():
        return ELEMENT_NAMES.get(word.lower())
    return None
