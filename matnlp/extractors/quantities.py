"""Numbers, ranges, errors and units in text, with character offsets, canonical units and SI conversion.

Regex based and dependency free. Handles ``700 °C``, ``700–900 °C``, ``1.2 ± 0.1 eV``, ``10−3 S cm−1`` (a
flattened superscript: ``10−3`` is 10^-3), ``2.1 × 10−3 S/cm``, ``mW cm^-2``, ``5 °C min−1``, ``cm⁻¹``, ``wt%``.
Compound denominators read as one group (``W/(m K)``, ``W/mK``, ``cm2/Vs``); ``0.1 C`` after a charge/discharge
cue is a ``C-rate``; PDF artefacts (``◦C``, ``cm(cid:0) 2``, ``80%RH``) and citation superscripts
after a full stop (``787 °C.5``) do not break a unit; superscripts flattened with spaces read as exponents
(``cm 2 V −1 s −1``, ``mV dec− 1``); ``d`` is days only in a time context (not ``4d orbitals``). Canonical units are atoms joined by spaces with integer exponents:
``"S cm-1"``, ``"mW cm-2"``, ``"°C min-1"``.
Unknown units are not guessed: a number followed by an unknown word has ``unit=None``; :func:`parse_unit` keeps
the raw string of a unit it cannot read.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

# Base dimensions: length, mass, time, temperature, current, amount of substance.
_BASE = ("m", "kg", "s", "K", "A", "mol")


def _dims(m=0, kg=0, s=0, K=0, A=0, mol=0) -> tuple[int, ...]:
    return (m, kg, s, K, A, mol)


_LEN, _MASS, _TIME, _TEMP = _dims(m=1), _dims(kg=1), _dims(s=1), _dims(K=1)
_CURRENT, _AMOUNT, _NONE = _dims(A=1), _dims(mol=1), _dims()
_ENERGY, _PRESSURE, _POWER = _dims(m=2, kg=1, s=-2), _dims(m=-1, kg=1, s=-2), _dims(m=2, kg=1, s=-3)
_CHARGE, _VOLT = _dims(s=1, A=1), _dims(m=2, kg=1, s=-3, A=-1)
_SIEMENS, _OHM = _dims(m=-2, kg=-1, s=3, A=2), _dims(m=2, kg=1, s=-3, A=-2)
_VOLUME, _MOLAR = _dims(m=3), _dims(m=-3, mol=1)
_CAPACITANCE, _FORCE = _dims(m=-2, kg=-1, s=4, A=2), _dims(m=1, kg=1, s=-2)
_MOMENT, _FIELD = _dims(m=2, A=1), _dims(m=-1, A=1)
_HALF_METRE = _dims(m=0.5)  # the metre's square root of a fracture toughness
C_RATE = "C-rate"


@dataclass(frozen=True, slots=True)
class _Atom:
    factor: float  # to SI
    dims: tuple[int, ...]
    offset: float = 0.0  # SI = value * factor + offset (temperatures only)


ATOMS: dict[str, _Atom] = {
    "K": _Atom(1, _TEMP), "°C": _Atom(1, _TEMP, 273.15), "°F": _Atom(5 / 9, _TEMP, 273.15 - 32 * 5 / 9),
    "s": _Atom(1, _TIME), "ms": _Atom(1e-3, _TIME), "µs": _Atom(1e-6, _TIME), "ns": _Atom(1e-9, _TIME),
    "ps": _Atom(1e-12, _TIME), "fs": _Atom(1e-15, _TIME),
    "min": _Atom(60, _TIME), "h": _Atom(3600, _TIME), "kh": _Atom(3.6e6, _TIME), "d": _Atom(86400, _TIME),
    "week": _Atom(604800, _TIME),
    "Pa": _Atom(1, _PRESSURE), "mPa": _Atom(1e-3, _PRESSURE), "kPa": _Atom(1e3, _PRESSURE),
    "MPa": _Atom(1e6, _PRESSURE),
    "GPa": _Atom(1e9, _PRESSURE), "bar": _Atom(1e5, _PRESSURE), "mbar": _Atom(100, _PRESSURE),
    "atm": _Atom(101325, _PRESSURE), "Torr": _Atom(101325 / 760, _PRESSURE),
    "mTorr": _Atom(101325 / 760e3, _PRESSURE), "psi": _Atom(6894.757, _PRESSURE),
    "eV": _Atom(1.602176634e-19, _ENERGY), "meV": _Atom(1.602176634e-22, _ENERGY),
    "keV": _Atom(1.602176634e-16, _ENERGY), "J": _Atom(1, _ENERGY), "mJ": _Atom(1e-3, _ENERGY),
    "kJ": _Atom(1e3, _ENERGY), "MJ": _Atom(1e6, _ENERGY), "cal": _Atom(4.184, _ENERGY),
    "kcal": _Atom(4184, _ENERGY), "Wh": _Atom(3600, _ENERGY), "kWh": _Atom(3.6e6, _ENERGY),
    "m": _Atom(1, _LEN), "km": _Atom(1e3, _LEN), "cm": _Atom(1e-2, _LEN), "mm": _Atom(1e-3, _LEN),
    "µm": _Atom(1e-6, _LEN), "nm": _Atom(1e-9, _LEN), "Å": _Atom(1e-10, _LEN), "pm": _Atom(1e-12, _LEN), "fm": _Atom(1e-15, _LEN),
    "g": _Atom(1e-3, _MASS), "kg": _Atom(1, _MASS), "mg": _Atom(1e-6, _MASS), "µg": _Atom(1e-9, _MASS),
    "L": _Atom(1e-3, _VOLUME), "mL": _Atom(1e-6, _VOLUME), "µL": _Atom(1e-9, _VOLUME),
    "mol": _Atom(1, _AMOUNT), "mmol": _Atom(1e-3, _AMOUNT), "µmol": _Atom(1e-6, _AMOUNT),
    "meq": _Atom(1e-3, _AMOUNT),  # milliequivalents: ion exchange capacity "1.43 meq g−1"
    "M": _Atom(1e3, _MOLAR), "mM": _Atom(1, _MOLAR), "µM": _Atom(1e-3, _MOLAR),
    "S": _Atom(1, _SIEMENS), "mS": _Atom(1e-3, _SIEMENS), "µS": _Atom(1e-6, _SIEMENS),
    "Ω": _Atom(1, _OHM), "mΩ": _Atom(1e-3, _OHM), "kΩ": _Atom(1e3, _OHM), "MΩ": _Atom(1e6, _OHM),
    "V": _Atom(1, _VOLT), "mV": _Atom(1e-3, _VOLT), "kV": _Atom(1e3, _VOLT), "µV": _Atom(1e-6, _VOLT),
    "MV": _Atom(1e6, _VOLT),
    "nV": _Atom(1e-9, _VOLT),
    "A": _Atom(1, _CURRENT), "mA": _Atom(1e-3, _CURRENT), "µA": _Atom(1e-6, _CURRENT),
    "nA": _Atom(1e-9, _CURRENT), "Ah": _Atom(3600, _CHARGE), "mAh": _Atom(3.6, _CHARGE),
    "W": _Atom(1, _POWER), "mW": _Atom(1e-3, _POWER), "µW": _Atom(1e-6, _POWER), "kW": _Atom(1e3, _POWER),
    "MW": _Atom(1e6, _POWER), "nW": _Atom(1e-9, _POWER),
    "mHz": _Atom(1e-3, _dims(s=-1)), "Hz": _Atom(1, _dims(s=-1)), "kHz": _Atom(1e3, _dims(s=-1)),
    "MHz": _Atom(1e6, _dims(s=-1)),
    "GHz": _Atom(1e9, _dims(s=-1)), "rpm": _Atom(1 / 60, _dims(s=-1)),
    "T": _Atom(1, _dims(kg=1, s=-2, A=-1)), "mT": _Atom(1e-3, _dims(kg=1, s=-2, A=-1)),
    "F": _Atom(1, _CAPACITANCE), "mF": _Atom(1e-3, _CAPACITANCE), "µF": _Atom(1e-6, _CAPACITANCE),
    "nF": _Atom(1e-9, _CAPACITANCE), "pF": _Atom(1e-12, _CAPACITANCE),
    # C-rate: a charge/discharge current that empties the nominal capacity in 1 h (per hour); only read as such
    # after a charge/discharge/rate cue (see _c_rate_at), never from "C" alone (coulomb, carbon, °C).
    C_RATE: _Atom(1 / 3600, _dims(s=-1)),
    "%": _Atom(1e-2, _NONE), "wt%": _Atom(1e-2, _NONE), "at%": _Atom(1e-2, _NONE),
    "vol%": _Atom(1e-2, _NONE), "mol%": _Atom(1e-2, _NONE), "ppm": _Atom(1e-6, _NONE),
    "mN": _Atom(1e-3, _FORCE), "kN": _Atom(1e3, _FORCE),  # no bare "N": "100 sccm N2" is nitrogen
    "sccm": _Atom(1e-6 / 60, _dims(m=3, s=-1)), "°": _Atom(math.pi / 180, _NONE),
    "arcsec": _Atom(math.pi / 648000, _NONE), "arcmin": _Atom(math.pi / 10800, _NONE),  # rocking-curve widths
    "dec": _Atom(1, _NONE),  # a decade of current, only as a denominator: "mV/dec" (Tafel slopes)
    # Hardness scales (Vickers, Rockwell C/B, Brinell): numbers on a scale, "266 HV10", "21.4 HRC"; see
    # HARDNESS_SCALES
    "HV": _Atom(1, _NONE), "HRC": _Atom(1, _NONE), "HRB": _Atom(1, _NONE), "HBW": _Atom(1, _NONE),
    "µC": _Atom(1e-6, _CHARGE), "mC": _Atom(1e-3, _CHARGE), "nC": _Atom(1e-9, _CHARGE), "pC": _Atom(1e-12, _CHARGE),
    "µΩ": _Atom(1e-6, _OHM), "erg": _Atom(1e-7, _ENERGY), "cP": _Atom(1e-3, _dims(m=-1, kg=1, s=-1)),
    "N": _Atom(1, _FORCE),  # only as a denominator (_DENOMINATOR_ONLY): "pC/N"; "100 sccm N2" is nitrogen
    "Gy": _Atom(1, _dims(m=2, s=-2)), "kGy": _Atom(1e3, _dims(m=2, s=-2)), "MGy": _Atom(1e6, _dims(m=2, s=-2)),
    "m1/2": _Atom(1, _HALF_METRE),  # fracture toughness "MPa m1/2", "MPa·m^0.5", "MPa√m"
    # Magnetism in the CGS units papers use: moment (emu, Bohr magnetons), field (oersted)
    "emu": _Atom(1e-3, _MOMENT), "µB": _Atom(9.2740100783e-24, _MOMENT),
    "Oe": _Atom(1e3 / (4 * math.pi), _FIELD), "kOe": _Atom(1e6 / (4 * math.pi), _FIELD),
}
#: Units that are hardness scales: dimensionless numbers that convert to nothing else and measure only hardness.
HARDNESS_SCALES = frozenset({"HV", "HRC", "HRB", "HBW"})

# Degradation rates per thousand hours ("8 mV/1000 h", "2%/kh"): the kilohour only under a "/".
_KILOHOURS = ("1000 h", "1000h", "1,000 h", "1000 hours", "1000 hrs", "kh")
# Spelling variants -> canonical atom (µ and μ, degree signs, long names).
_ALIASES = {
    "℃": "°C", "ºC": "°C", "˚C": "°C", "° C": "°C", "oC": "°C", "degC": "°C", "deg C": "°C", "K": "K",
    "◦C": "°C", "◦ C": "°C", "◦": "°",  # U+25E6 for the degree sign: a common PDF-extraction artefact
    "℉": "°F", "sec": "s", "secs": "s", "second": "s", "seconds": "s", "mins": "min", "minute": "min",
    "minutes": "min", "hr": "h", "hrs": "h", "hour": "h", "hours": "h", "day": "d", "days": "d",
    "weeks": "week", "kPag": "kPa", "torr": "Torr", "mtorr": "mTorr", "ml": "mL", "l": "L", "Ohm": "Ω", "ohm": "Ω",
    # gas volumes at standard or normal conditions: "40 sl/h", "2 NL/min", "50 Nml/min"
    "sl": "L", "Sl": "L", "SL": "L", "NL": "L", "Nl": "L", "Nml": "mL", "NmL": "mL", "sml": "mL",
    "wt.%": "wt%", "wt %": "wt%", "wt. %": "wt%", "at.%": "at%", "at %": "at%", "at. %": "at%",
    "vol.%": "vol%", "vol %": "vol%", "vol. %": "vol%", "mol.%": "mol%", "mol %": "mol%", "deg": "°",
    "arc sec": "arcsec", "arc-sec": "arcsec", "arc min": "arcmin", "mA h": "mAh", "A h": "Ah", "W h": "Wh", "kW h": "kWh",
    **{k: "kh" for k in _KILOHOURS},
    "mOhm": "mΩ", "kOhm": "kΩ", "MOhm": "MΩ", "mohm": "mΩ", "kohm": "kΩ",
    "KHz": "kHz", "KHZ": "kHz", "kHZ": "kHz", "khz": "kHz", "MHZ": "MHz", "Mhz": "MHz", "GHZ": "GHz",
    **{f"HV{load}": "HV" for load in ("0.1", "0.5", "1", "5", "10", "20", "30", "50")},
    **{f"m{half}": "m1/2" for half in ("^1/2", "^(1/2)", "^0.5", "0.5", "½")}, "√m": "m1/2",
}
# Mass of a catalyst metal or of catalyst written into the unit ("m2 gPt−1", "mA mgPt−1", "mgIr cm−2"): the mass.
_ALIASES.update({f"{spelling}{of}": mass for spelling, mass in (("g", "g"), ("mg", "mg"), ("µg", "µg"), ("μg", "µg"))
                 for of in ("Pt", "pt", "Ir", "Ru", "Pd", "Rh", "Au", "Ag", "cat", "PGM")})
for _sym in list(ATOMS):
    if "µ" in _sym:
        _ALIASES[_sym.replace("µ", "μ")] = _sym
        _ALIASES[_sym.replace("µ", "u")] = _sym
_ALIASES.update({s: s for s in ATOMS})
# Two atoms whose space extraction lost ("175 Scm−1"): the exponent is the second's.
_GLUED = {"Scm": ("S", "cm"), "mScm": ("mS", "cm"), "MPa√m": ("MPa", "m1/2"), "MPam1/2": ("MPa", "m1/2")}
_ALIASES.update({s: s for s in _GLUED})

# Unit words that only count as units right after a number, never inside a compound (too ambiguous alone).
_LONE_ONLY = frozenset({"d", "l", "deg", "°", "◦", "oC"})
_DENOMINATOR_ONLY = frozenset({"dec", "N", *_KILOHOURS})
# "d" is days only with a time cue before the number or a space before it, never before orbital/electron words
# ("4d orbitals", "3d transition metals", "Mo 4d states").
_ORBITAL_AFTER = re.compile(r"[\s-]*(?:\d*/\d|[-–]?(?:orbitals?|electrons?|states?|bands?|shells?|levels?|"
                            r"transition|metals?|elements?|ions?|cations?|peaks?|spectr|signal|core|valence|"
                            r"(?:and|or)\s+\d\w?\s))", re.I)
_TIME_CUE = re.compile(r"(?i)\b(?:for|after|over|within|during|aged|stored|kept|immersed|period|up to|"
                       r"days?|weeks?|storage|duration)\b[^.;]{0,30}$")
# Bounds: "< 100 cm−1", "> 90%", "above 600 °C", "up to 1.2 W cm−2", "less than 5 nm" (a low or high bound only).
_ROUGHLY = r"(?:[~∼≈]|about|approximately|around|roughly|nearly|ca\.)?"
_LOW_BOUND = re.compile(r"(?i)(?:[>≥⩾]|\b(?:above|beyond|exceed(?:s|ed|ing)?|(?:more|over) th(?:an|en|at)|greater than|higher than|larger than|"
                        rf"at least(?: to)?|in excess of))\s*{_ROUGHLY}\s*$")
# "high operational temperatures (over 700 °C)", "a specific surface area of over 210 m2 g–1": over a value is above it
# ("over 100 h" is a duration, "averaged over 10 μm" a span)
_OVER_BEFORE = re.compile(r"(?i)(?<!averaged\s)(?<!integrated\s)(?<!summed\s)(?<!spread\s)(?<!distributed\s)"
                          rf"(?<!extends\s)(?<!extending\s)\bover\s*{_ROUGHLY}\s*$")
# "0.1 A cm−2 or more", "3% or less": the bound after the number
_LOW_AFTER = re.compile(r"\s*(?:or|and)\s+(?:even\s+)?(?:more|higher|above|greater|larger|over)\b", re.I)
_HIGH_AFTER = re.compile(r"\s*(?:or|and)\s+(?:even\s+)?(?:less|lower|below|smaller|fewer|under)\b", re.I)
_HIGH_BOUND = re.compile(r"(?i)(?:[<≤⩽]|\b(?:bel?low|up ?to|less than|lower than|smaller than|at most|within))"
                         rf"\s*{_ROUGHLY}\s*$")
# A negated bound turns over: "does not exceed 0.005 Ω cm2", "not more than 5%" (high); "not less than 90%" (low)
_NEGATED = r"(?i)(?:\bnot|\bnever|n't)\s+(?:\w+ly\s+)?"
_NOT_LOW = re.compile(_NEGATED + rf"(?:exceed(?:s|ed|ing)?|(?:more|greater|higher|larger) than|above|over)\s*{_ROUGHLY}\s*$")
_NOT_HIGH = re.compile(_NEGATED + rf"(?:(?:less|lower|smaller|fewer) than|below|under)\s*{_ROUGHLY}\s*$")
# the member before a number in a list: "0.005 and " of "0.005 and 0.002 Ω cm2", "0.02 μW and " of "0.02 μW and 25 μW"
_LIST_BEFORE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?:\s*[^\s\d,;()]{1,6}){0,2}\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)$")

# "the activation energy … was 1.02 eV, lower than 1.31 eV in air": a second value compared, "can reach up to 1.72 W
# cm−2": the value reached; no bounds
_NO_BOUND = re.compile(r"(?i)\d[^\s,;]*(?:\s+[^\s\d,;]+){0,2},\s*(?:much\s+|far\s+|slightly\s+|significantly\s+)?"
                       r"(?:lower|higher|smaller|larger|greater|less|more)\s+than\s*$"
                       r"|\b(?:reach(?:es|ed|ing)?|rais(?:es|ed|ing)|ris(?:es|ing)|rose|climb(?:s|ed|ing)?|"
                       r"increas(?:es|ed|ing)|improv(?:es|ed|ing)|enhanc(?:es|ed|ing)|gr[eo]w(?:s|ing)?)\s+(?:\w+\s+)?"
                       rf"up\s+to\s*{_ROUGHLY}\s*$")
_SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_MINUS = "-−–⁻"
_SPELLINGS = sorted(_ALIASES, key=len, reverse=True)
# An atom is not followed by a word character or ".5x"; ".5 " and ".56,57 " after it are citation superscripts
# flattened after a full stop ("787 °C.5 As", "30–180 nm.56,57 For").
_ATOM_RE = re.compile(
    "(" + "|".join(re.escape(s) for s in _SPELLINGS) + ")"
    r"(?:\^?(?P<exp>[-−–⁻] ?[1-4]|[1-4])|(?P<sup>⁻?[¹²³⁴])|\(cid:0\) ?(?P<cid>[1-4])"
    r"| (?P<spaced>[-−⁻][1-4]|[2-4](?= {1,2}[A-Za-zµμ]{1,3} [-−⁻][1-4]))"  # flattened PDF superscripts: "cm 2 V −1"
    r"| (?P<lost>1)(?! ?[-−–] ?\d))?"  # a superscript −1 whose minus the PDF lost: "m2 g 1" (see _match_unit)
    # "80%RH": "%" glued to a word; "1580cm-1and": an exponent glued to "and" ends the unit
    r"(?!(?!(?<=[1-4¹²³⁴])(?:and|or)\b)(?<!%)[\wµμΩ%°]|(?<=%)[\d_%]|[.,]\d(?![\d,–-]*(?:\s|$)))"
)
# A degree Celsius with the digits of a flattened citation superscript glued on ("at 400 °C10 and", "°C4,5."):
# a temperature never has an exponent.
_CITED_DEGREE_RE = re.compile(r"(°C|℃|ºC|˚C|◦C)(?=\d{1,3}(?:[,–-]\d{1,3})*(?:[\s.,;)]|$))")
_SEP_RE = re.compile(r"\s*(/|·|⋅|∙|•|\*|\bper\b)\s*| {1,2}(?=\S)")
_NUM = r"[-+−]?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
_NUM_RE = re.compile(rf"(?<![\w.,/)\]·∙•])(?<!cid:){_NUM}(?:[eE][-+−]?\d+)?")
_CARET, _SUPERS = r"\^\s*(?P<e1>[-+−]?\d{1,3})", r"(?P<e2>[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
# After "× 10" an en dash is a minus too ("14.1 × 10–6 K–1").
_BRACKET_TIMES10_RE = re.compile(rf"\s*\)\s*[×xX*]\s*10(?:{_CARET}|{_SUPERS}|\s?(?P<e3>[-−⁻–]\d{{1,2}}|[1-9]\d?)(?![\d.]))")
_TIMES10_RE = re.compile(rf"\s*[×xX*·⋅]\s*10(?:{_CARET}|{_SUPERS}|\s?(?P<e3>[-−⁻–]\d{{1,2}}|[1-9]\d?)(?![\d.]))")
_POW10_RE = re.compile(rf"{_CARET}|{_SUPERS}|(?P<sign>[-−⁻–])(?P<e3>\d{{1,2}})(?![\d.])")
_SU_RE = re.compile(r" ?\((\d{1,3})\)")  # crystallographic standard uncertainty: "3.87158 (8) Å"
_ERROR_RE = re.compile(rf"\s*(?:±|\+/-|\+-)\s*({_NUM})|\+({_NUM})(?=\s?[^\W\d]|%)")  # "3.4+0.1cm2/Vs": a ± lost
_RANGE_RE = re.compile(r"\s*(?:[–—~∼〜]|-|−|to)\s*|\s+and\s+|\s+up\s+to\s+")  # "0.6∼0.8 V": a tilde operator between numbers
_LIST_RE = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or|to)\s+|[–-])\s*")
#: A verb of change ("increased", "drops"): the numbers after it are a value before and one after, or a difference.
CHANGE_VERB = (r"(?:increas|decreas|chang|rise|rose|drop|fell|fall|grew|grow|reduc|improv|enhanc|lower|rais|shift|"
               r"went|jump)\w*")
#: "About", "ca.", "~" before a number.
APPROX = r"(?:about\s+|approximately\s+|ca\.\s*|[~∼≈]\s*)?"
# "increased by almost 5 times from", "decrease during the first 500 h of utilization from", "an increase of the
# high frequency peak (corresponding to …) from": words of the clause may come between, no "ranging"
_CHANGE_FROM = re.compile(rf"(?i)\b{CHANGE_VERB}(?:\s+by\s+[^.;]{{0,25}}?|(?:\s+(?!rang|between|vary|varie)[^\s.;:]+){{1,14}}?)?"
                          rf"\s+from\s+{APPROX}$")
#: A table flattened into text: the id the PMC texts open a table with, and a bare number as its cells print it
#: (a list item ends with a comma: "1.076, 1.051 and 0.979 V").
TABLE_ID = r"-t\d{3}_Table\b"
CELL = r"[(\[]?[−-]?\d[\d.·]*[)\]]?%?"
_FROM_BEFORE = re.compile(r"\bfrom\s+$", re.IGNORECASE)
_BETWEEN_RE = re.compile(r"\bbetween\s+$", re.IGNORECASE)
_APPROX_RE = re.compile(r"[~∼≈]?\s*")
# Two-atom denominators written without exponents: "W/mK", "W/m K", "cm2/Vs", "cm2/V s".
_COMPACT_DENOM_RE = re.compile(r"(m|cm|mm|V)[ ·⋅∙•]?(K|s)(?![\wµμΩ%°])")
# "0.1 C" is a C-rate only with a charge/discharge/cycling/current-rate cue before it or "rate" after it.
_C_RATE_RE = re.compile(r"[ \u00a0\u2009\u202f]?C(?![\w°-]|\.\w)(?:[\s-]rates?\b)?")
_C_RATE_CUE = re.compile(r"(?i)\b(?:dis)?charg|\bcycl|(?<!heating )(?<!cooling )\brates?\b|\bcurrent")
_C_RATE_MAX = 50  # larger "C" numbers are temperatures written without the degree sign
_C_RATE_MIN = 1e-3  # smaller ones are charges in coulomb ("an electron charge of 1.6 × 10−19 C")


@dataclass(frozen=True, slots=True)
class Unit:
    """A compound unit as ``(atom, exponent)`` pairs; ``raw`` holds an unknown unit string verbatim."""

    atoms: tuple[tuple[str, int], ...] = ()
    raw: str | None = None

    @property
    def text(self) -> str:
        """Canonical string, e.g. ``"S cm-1"``; the raw string for an unknown unit."""
        if self.raw is not None:
            return self.raw
        return " ".join(a if e == 1 else f"{a}{e}" for a, e in self.atoms)

    @property
    def known(self) -> bool:
        return self.raw is None and bool(self.atoms)

    @property
    def dims(self) -> tuple[int, ...]:
        total = [0] * len(_BASE)
        for a, e in self.atoms:
            for i, d in enumerate(ATOMS[a].dims):
                total[i] += d * e
        return tuple(total)

    @property
    def factor(self) -> float:
        return math.prod(ATOMS[a].factor ** e for a, e in self.atoms)

    @property
    def offset(self) -> float:
        """Zero point shift; only a lone temperature atom (``°C``, not ``°C min-1``) has one."""
        if len(self.atoms) == 1 and self.atoms[0][1] == 1:
            return ATOMS[self.atoms[0][0]].offset
        return 0.0

    @property
    def kind(self) -> str | None:
        """Physical quantity name (``temperature``, ``time``, ``heating_rate``, …) or ``None``."""
        if self.atoms == ((C_RATE, 1),):
            return "c_rate"
        if any(a in HARDNESS_SCALES for a, _ in self.atoms):
            return "hardness"
        return KINDS.get(self.dims) if self.known else None


KINDS: dict[tuple[int, ...], str] = {
    _TEMP: "temperature", _TIME: "time", _PRESSURE: "pressure", _ENERGY: "energy",
    _dims(K=1, s=-1): "heating_rate", _dims(m=-3, kg=-1, s=3, A=2): "conductivity", _dims(m=-1): "wavenumber",
    _dims(A=1, m=-2): "current_density", _dims(kg=1, s=-3): "power_density", _LEN: "length", _MASS: "mass",
    _VOLUME: "volume", _AMOUNT: "amount", _MOLAR: "concentration", _dims(s=-1): "frequency",
    _dims(m=3, s=-1): "flow_rate", _CHARGE: "charge", _dims(s=1, A=1, kg=-1): "specific_capacity",
    _dims(m=2, kg=-1): "surface_area", _VOLT: "voltage", _SIEMENS: "conductance", _OHM: "resistance",
    _POWER: "power", _CURRENT: "current", _NONE: "fraction", _CAPACITANCE: "capacitance",
    _dims(m=2, kg=1, s=-3, A=-1, K=-1): "seebeck_coefficient", _dims(m=1, kg=1, s=-3, K=-1): "thermal_conductivity",
    _dims(kg=-1, s=2, A=1): "mobility", _dims(m=2, kg=1, s=-4, A=-1): "scan_rate", _dims(m=-3): "number_density",
    _dims(m=-2): "areal_density", _dims(m=-3, kg=1): "density", _dims(m=2, kg=1, s=-2, mol=-1): "molar_energy",
}

# Preferred SI spelling per dimension (else composed from base units).
_SI_NAMES = {
    _TEMP: "K", _TIME: "s", _PRESSURE: "Pa", _ENERGY: "J", _POWER: "W", _dims(K=1, s=-1): "K s-1",
    _dims(m=-3, kg=-1, s=3, A=2): "S m-1", _dims(A=1, m=-2): "A m-2", _dims(kg=1, s=-3): "W m-2",
    _VOLT: "V", _SIEMENS: "S", _OHM: "Ω", _dims(s=-1): "Hz", _CHARGE: "C",
}


@dataclass(slots=True)
class Quantity:
    """A number (or range, or value ± error) with an optional unit; ``text[start:end]`` is the whole mention.

    For a range ``value`` is the midpoint and ``low``/``high`` the ends.
    """

    value: float
    unit: str | None
    start: int
    end: int
    low: float | None = None
    high: float | None = None
    error: float | None = None
    _unit: Unit | None = field(default=None, repr=False, compare=False)

    @property
    def kind(self) -> str | None:
        return self._unit.kind if self._unit else None

    def to(self, unit: str) -> Quantity:
        """The same quantity in ``unit`` (``ValueError`` if the dimensions differ or a unit is unknown)."""
        src, dst = self._unit, parse_unit(unit)
        if (src is None or not src.known or not dst.known or src.dims != dst.dims
                or (src.kind == "hardness" or dst.kind == "hardness") and src.text != dst.text):
            raise ValueError(f"cannot convert {self.unit!r} to {unit!r}")

        def conv(v: float | None) -> float | None:
            return None if v is None else _round((v * src.factor + src.offset - dst.offset) / dst.factor)

        err = None if self.error is None else _round(self.error * src.factor / dst.factor)
        return Quantity(conv(self.value), dst.text, self.start, self.end, conv(self.low), conv(self.high), err, dst)

    def si(self) -> Quantity:
        """The quantity in SI units (``°C`` -> ``K``, ``S/cm`` -> ``S m-1``, ``h`` -> ``s``)."""
        if self._unit is None or not self._unit.known:
            raise ValueError(f"no SI form for unit {self.unit!r}")
        return self.to(si_unit(self._unit.dims))

    def to_dict(self) -> dict:
        d = {"value": self.value, "unit": self.unit, "start": self.start, "end": self.end}
        d.update({k: getattr(self, k) for k in ("low", "high", "error") if getattr(self, k) is not None})
        return d


def _round(x: float) -> float:
    """Drop floating-point noise from unit conversion (12 significant digits)."""
    return float(f"{x:.12g}")


def si_unit(dims: tuple[int, ...]) -> str:
    """SI unit string for a dimension vector."""
    if dims in _SI_NAMES:
        return _SI_NAMES[dims]
    return " ".join(b if e == 1 else f"{b}{e}" for b, e in zip(_BASE, dims, strict=True) if e) or "%"


def parse_unit(text: str) -> Unit:
    """Parse a unit string (``"mW cm^-2"``, ``"°C/min"``, ``"S cm−1"``, ``"Ω cm"``: a whole string is all unit, so
    a space always joins atoms); unknown strings keep ``raw``."""
    s = text.strip()
    for form in (s, re.sub(r"(?<=[^\s/])\s+(?=[^\s/])", "·", s)):
        atoms, end = _match_unit(form, 0, lone=True)
        if atoms and end == len(form):
            return Unit(atoms)
    return Unit(raw=s or None)


_DOTS = frozenset("·⋅∙•")


def _match_unit(text: str, pos: int, lone: bool) -> tuple[tuple[tuple[str, int], ...], int]:
    """Longest unit at ``pos``: atoms with exponents joined by ``/``, ``·`` or a space (space only before an
    atom that carries an exponent, so ``°C for`` and ``h in air`` stop at the unit)."""
    atoms: list[tuple[str, int]] = []
    end, sign, spaced = pos, 1, False
    while True:
        group = _denominator_at(text, pos) if sign < 0 else None
        if group:
            atoms.extend((a, -e) for a, e in group[0])
            end = group[1]
        else:
            m = _ATOM_RE.match(text, pos)
            if not m and not atoms and (cited := _CITED_DEGREE_RE.match(text, pos)):
                return (("°C", 1),), cited.end()
            if not m or (m.group(1) in _LONE_ONLY and (atoms or not lone)):
                break
            exp = _exponent(m.group("exp") or m.group("sup") or m.group("spaced")
                            or (m.group("cid") and "-" + m.group("cid")) or (m.group("lost") and "-1"))
            atom_end = m.end()
            if m.group("lost") and not (atoms and spaced):  # only a later, space-joined atom: "m2 g 1", not "5 h 1"
                exp, atom_end = None, m.start("lost") - 1
            if (spaced and exp is None and not _spaced_atom_ok(text, m.end())
                    and not _spaced_pair(atoms[-1][0], _ALIASES[m.group(1)])) or (
                    exp is not None and m.group(1) in _LONE_ONLY) or (  # "Sr 3d3/2" is no days cubed
                    m.group(1) in _DENOMINATOR_ONLY and (not atoms or sign * (exp or 1) > 0)):
                break
            atom = _ALIASES[m.group(1)]
            if atom in _GLUED:
                atoms.append((_GLUED[atom][0], sign))
                atom = _GLUED[atom][1]
            atoms.append((atom, sign * (exp or 1)))
            end = atom_end
        sep = _SEP_RE.match(text, end)
        if not sep:
            break
        # "mm3/N·m", "J/g·K": a dot after a slash joins the denominator
        sign = -1 if sep.group(1) in ("/", "per") or (sign < 0 and sep.group(1) in _DOTS) else 1
        spaced = sep.group(1) is None
        pos = sep.end()
    return _merge(atoms), end


def _denominator_at(text: str, pos: int) -> tuple[tuple[tuple[str, int], ...], int] | None:
    """A product that follows ``/`` as one group: ``(m K)``, ``(m·K)``, ``mK``, ``m K``, ``Vs``, ``V s``, so that
    ``W/(m K)`` and ``W/mK`` read W m-1 K-1 and ``cm2/Vs`` cm2 V-1 s-1. Returns the atoms and the end."""
    m = _COMPACT_DENOM_RE.match(text, pos)
    if m:
        return ((m.group(1), 1), (m.group(2), 1)), m.end()
    if not text.startswith("(", pos):
        return None
    close = text.find(")", pos, pos + 24)
    if close < 0:
        return None
    inner = re.sub(r"\s*([·⋅∙•*])\s*", r"\1", text[pos + 1 : close].strip())  # "(mol ·K)" as "(mol·K)"
    m = _COMPACT_DENOM_RE.fullmatch(inner)
    if m:
        return ((m.group(1), 1), (m.group(2), 1)), close + 1
    atoms, end = _match_unit(inner.replace(" ", "·"), 0, lone=False)
    return (atoms, close + 1) if atoms and end == len(inner) else None


def _spaced_atom_ok(text: str, pos: int) -> bool:
    """A space-joined atom without exponent counts only when another atom with an exponent follows (``mA h g-1``)."""
    sep = _SEP_RE.match(text, pos)
    if not sep:
        return False
    m = _ATOM_RE.match(text, sep.end())
    return bool(m and (m.group("exp") or m.group("sup") or m.group("spaced") or m.group("cid") or m.group("lost")
                       or sep.group(1) == "/"))


def _spaced_pair(first: str, second: str) -> bool:
    """Units written as two space-joined atoms without exponents: resistivities ("Ω cm", "mΩ m"), viscosities
    ("mPa s") and fracture toughnesses ("MPa m1/2")."""
    a, b = ATOMS.get(first), ATOMS.get(second)
    return bool(a and b) and ((a.dims == _OHM and b.dims == _LEN)
                              or (a.dims == _PRESSURE and second in ("s", "m1/2")))


def _exponent(s: str | None) -> int | None:
    if not s:
        return None
    return int(s.translate(_SUPER).replace("−", "-").replace("–", "-").replace(" ", ""))


def _merge(atoms: list[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    out: dict[str, int] = {}
    for a, e in atoms:
        out[a] = out.get(a, 0) + e
    return tuple((a, e) for a, e in out.items() if e)


def _float(s: str) -> float:
    return float(s.replace(",", "").replace("−", "-"))


def _number_at(text: str, m: re.Match) -> tuple[float, int]:
    """Value and end of the number matched by ``_NUM_RE``, extended by ``× 10−3``, ``10^5`` or ``10−3``."""
    value, end = _float(m.group()), m.end()
    t = _TIMES10_RE.match(text, end)
    if t and not _glued_count(text, t, value):
        return _round(value * _pow10(t.group("e1") or t.group("e2") or t.group("e3"))), t.end()
    if m.group() == "10":
        p = _POW10_RE.match(text, end)
        if p and (p.group("e1") or p.group("e2") or _flattened_power(p)):
            return _pow10(p.group("e1") or p.group("e2") or "-" + p.group("e3")), p.end()
    return value, end


def _glued_count(text: str, t: re.Match, value: float) -> bool:
    """Whether ``× 1024`` after ``value`` is a second count ("1280 × 1024 pixel") rather than a flattened power of
    ten ("1.2 × 1024 cm−3", "7–10×10 20 cm−3"): unsigned digits glued to the 10, after a number of 10 or more."""
    e3 = t.group("e3")
    return bool(e3) and e3[0].isdigit() and not text[t.start("e3") - 1].isspace() and abs(value) >= 10


def _pow10(exponent: str) -> float:
    """10 to the power written in ``exponent``; inf past the float range."""
    try:
        return 10.0 ** _exponent(exponent)
    except (OverflowError, ValueError):  # ValueError: more digits than int() accepts
        return math.inf


def _flattened_power(p: re.Match) -> bool:
    """``10−3`` / ``10⁻3`` is a power of ten; ``10-3``, ``10–2`` and ``10–10`` (an en dash for the minus) only when
    they cannot be an ascending range (``10-20``, ``10–15 wt%``)."""
    return p.group("sign") in "−⁻" or int(p.group("e3")) <= 10


def _unit_at(text: str, pos: int) -> tuple[Unit | None, int]:
    i = pos
    while i < len(text) and text[i] in " \u00a0\u2009\u202f" and i - pos < 2:
        i += 1
    atoms, end = _match_unit(text, i, lone=True)
    if atoms == (("d", 1),) and not _days(text, pos, i, end):
        return None, pos
    return (Unit(atoms), end) if atoms else (None, pos)


def _days(text: str, num_end: int, unit_start: int, unit_end: int) -> bool:
    """Whether the ``d`` after a number is days: not before orbital words, and spaced or after a time cue."""
    if _ORBITAL_AFTER.match(text, unit_end):
        return False
    return unit_start > num_end or bool(_TIME_CUE.search(text, max(0, num_end - 60), num_end))


_DECADE = re.compile(r"(?:1[89]|20)\d0s")
_DECADE_BEFORE = re.compile(r"(?i)\b(?:in|the|since|early|late|mid|until|by|and)[\s-]+$")


def parse_quantities(text: str) -> list[Quantity]:
    """All quantities in ``text`` in order; offsets slice ``text``. Lists (``80, 100 and 120 °C``) share the unit."""
    text, moved = _spaced_minus(_colon_decimals(text))
    out: list[Quantity] = []
    pos = 0
    while (m := _NUM_RE.search(text, pos)) is not None:
        q = _quantity_at(text, m)
        q = _bracket_scaled(text, q) or q
        # "in the 1970s" is a decade, not 1970 seconds; a number past the float range (1e999, 10^510) no measurement
        decade = _DECADE.fullmatch(text, q.start, q.end) and _DECADE_BEFORE.search(text, max(0, q.start - 12), q.start)
        if not decade and all(math.isfinite(v) for v in (q.value, q.low or 0, q.high or 0, q.error or 0)):
            out.append(q)
        pos = max(q.end, m.end())
    out = [replace(q, start=q.start - 1) if q.start in moved else q for q in out]
    _share_list_units(text, out)
    return _products(text, out)


def _colon_decimals(text: str) -> str:
    """``text`` with the decimal points that some PDF extractions turn into colons restored ("1:6 × 10−19 C",
    "0:76 V vs: RHE"): a colon between one digit and at most three, with a unit or "× 10" after it. A ratio
    ("1:2 molar ratio", "1:20:3") has no unit after it; the text keeps its length, so offsets stay valid."""
    if ":" not in text:
        return text
    chars = list(text)
    for m in _COLON_DECIMAL_RE.finditer(text):
        if _TIMES10_RE.match(text, m.end()) or _unit_at(text, m.end())[0] is not None:
            chars[m.start(1)] = "."
    return "".join(chars)


_COLON_DECIMAL_RE = re.compile(r"(?<![\d:.,])\d(:)\d{1,3}(?![\d:])")
# "from 0 to − 0.7 V", "a current density of − 5 mA cm− 2": a minus the PDF text set apart from its number (after a
# word or bracket that a number follows, never after a number or symbol it would subtract from)
_SPACED_MINUS_RE = re.compile(r"(?:\b(?:to|of|and|or|at|from|was|were|is|are|by)\s|[(=≈]\s?)(−) (?=\d)")


def _spaced_minus(text: str) -> tuple[str, set[int]]:
    """``text`` with each set-apart minus (:data:`_SPACED_MINUS_RE`) moved onto its number (``− 0.7`` → `` −0.7``,
    the same length, so offsets stay valid), and the places the minus moved to (a value starting there starts one
    earlier, at the minus as written)."""
    if "− " not in text:
        return text, set()
    chars, moved = list(text), set()
    for m in _SPACED_MINUS_RE.finditer(text):
        chars[m.start(1)], chars[m.start(1) + 1] = " ", "−"
        moved.add(m.start(1) + 1)
    return "".join(chars), moved
_FLAT_POWER_HIGH = re.compile(r"10[1-9]\d?")
_FLAT_TWO_DIGIT_POWER = re.compile(r"10\d{2}")  # "1017" of "1017-19cm-3"


def _products(text: str, qs: list[Quantity]) -> list[Quantity]:
    """Quantities with the sides of an area or a volume multiplied out: ``10 × 10 mm2`` is 100 mm2, ``3 × 3 × 10
    mm3`` 90 mm3; sides whose count does not match the unit's power of length (``φ10 mm×80 mm``) stay apart."""
    out: list[Quantity] = []
    i = 0
    while i < len(qs):
        j = i
        while j + 1 < len(qs) and qs[j].unit is None and _TIMES_RE.fullmatch(text, qs[j].end, qs[j + 1].start):
            j += 1
        last = qs[j]
        if j > i and last._unit is not None and last._unit.known and last._unit.dims == _dims(m=j - i + 1):
            value = math.prod(q.value for q in qs[i : j + 1])
            out.append(_make(_round(value), last._unit, qs[i].start, last.end))
        else:
            out.extend(qs[i : j + 1])
        i = j + 1
    return out


_TIMES_RE = re.compile(r"\s*[×xX*]\s*")



def _bracket_scaled(text: str, q: Quantity) -> Quantity | None:
    """``q`` scaled by the power of ten after its closing bracket, with the unit that follows it:
    ``(0.58±0.13)×10-10m``, ``(0.04-0.10)×10-10m``; ``None`` when ``q`` is no bracketed mantissa."""
    bracket = text.rfind("(", max(0, q.start - 2), q.start)
    if q.unit is not None or bracket < 0 or text[bracket + 1 : q.start].strip():
        return None
    t = _BRACKET_TIMES10_RE.match(text, q.end)
    if not t:
        return None
    factor = _pow10(t.group("e1") or t.group("e2") or t.group("e3"))
    unit, uend = _unit_at(text, t.end())
    scaled = {k: None if v is None else _round(v * factor) for k, v in (("low", q.low), ("high", q.high),
                                                                       ("error", q.error))}
    return _make(_round(q.value * factor), unit, bracket, uend if unit else t.end(), **scaled)


def bounded(text: str, q: Quantity) -> Quantity:
    """``q`` (a quantity of ``text``) as a high or low bound when a bound qualifier precedes a single number
    (``< 100 cm−1``, ``> 90%``, ``above 600 °C``, ``up to 1.2 W cm−2``) or follows it (``0.1 A cm−2 or more``, ``3%
    or less``); ``value`` stays the number."""
    if q.low is not None or q.high is not None or q.error is not None:
        return q
    side = _bound_before(text, q.start) or ("low" if _LOW_AFTER.match(text, q.end) else None) or (
        "high" if _HIGH_AFTER.match(text, q.end) else None) or (
        "low" if q.unit is not None and q.kind != "time" and _OVER_BEFORE.search(text, max(0, q.start - 24), q.start)
        else None)
    return replace(q, **{side: q.value}) if side else q


def _bound_before(text: str, start: int) -> str | None:
    """"high" or "low" when a bound qualifier ends just before ``start``, or before the first member of the list the
    number at ``start`` closes."""
    for at in dict.fromkeys((start, list_head(text, start))):
        if _NO_BOUND.search(text, max(0, at - 48), at):
            return None
        before = text[max(0, at - 24) : at]
        if _NOT_LOW.search(before) or _HIGH_BOUND.search(before) and not _NOT_HIGH.search(before):
            return "high"
        if _NOT_HIGH.search(before) or _LOW_BOUND.search(before):
            return "low"
    return None


def list_head(text: str, start: int, members: int = 8) -> int:
    """Where the first number of the list whose later member starts at ``start`` begins ("decreases of 4.9%, 8.6%,
    and 13.2%" from 13.2: at 4.9), or ``start`` when no list leads to it; a cue before a list holds for each member."""
    while members and (member := _LIST_BEFORE.search(text, max(0, start - 40), start)):
        start, members = member.start(), members - 1
    return start


def _quantity_at(text: str, m: re.Match) -> Quantity:
    value, end = _number_at(text, m)
    su = _SU_RE.match(text, end) if "." in m.group() and end == m.end() else None
    if su:  # "a = 3.9159(5) Å": the standard uncertainty in the last digits, then the unit
        unit, uend = _unit_at(text, su.end())
        if unit is not None:
            decimals = len(m.group().rpartition(".")[2])
            return _make(value, unit, m.start(), uend, error=_round(int(su.group(1)) * 10.0 ** -decimals))
        if su.group().startswith("("):  # "3.9760(3), 3.9739(4) and 3.9654(2) Å": the unit comes with the list's last
            decimals = len(m.group().rpartition(".")[2])
            return _make(value, None, m.start(), su.end(), error=_round(int(su.group(1)) * 10.0 ** -decimals))
    unit, uend = _unit_at(text, end)
    if unit is None:
        unit, uend = _c_rate_at(text, m.start(), end, value)
    err = _ERROR_RE.match(text, uend if unit else end)
    if err and err.group(1) is None and (unit is not None or _float(err.group(2)) >= abs(value)):
        err = None  # "2+3 h", "0.5+1.5": a sum, not a value with its error
    if err:
        unit2, end2 = _unit_at(text, err.end())
        unit = unit2 or unit
        return _make(value, unit, m.start(), end2 if unit2 else err.end(), error=_float(err.group(1) or err.group(2)))
    rng = _range_at(text, m, value, unit, uend if unit else end)
    if rng:
        return rng
    return _make(value, unit, m.start(), uend if unit else end)


def _c_rate_at(text: str, start: int, pos: int, value: float) -> tuple[Unit | None, int]:
    """A C-rate unit after a number (``0.1 C``, ``1C``, ``2 C rate``) when a cue says so (see ``_C_RATE_RE``)."""
    c = _C_RATE_RE.match(text, pos)
    if not c or not _C_RATE_MIN <= value <= _C_RATE_MAX:
        return None, pos
    if "rate" not in c.group() and not _C_RATE_CUE.search(text, max(0, start - 80), start):
        return None, pos
    return Unit(((C_RATE, 1),)), c.end()


def _range_at(text: str, m: re.Match, low: float, unit: Unit | None, pos: int) -> Quantity | None:
    sep = _RANGE_RE.match(text, pos)
    if not sep or (sep.group().strip() == "and" and not _between_before(text, m.start())):
        return None
    if sep.group().split()[0] == "up" and not _FROM_BEFORE.search(text, max(0, m.start() - 8), m.start()):
        return None  # "from 146 K up to 527 K" is a range; "5 samples up to 10 mm" is not
    if sep.group().strip() == "to" and _CHANGE_FROM.search(text, max(0, m.start() - 120), m.start()):
        return None  # "increased from 4.58 to 7.77 m2 g−1": a value before and one after, no range
    m2 = _NUM_RE.match(text, _APPROX_RE.match(text, sep.end()).end())  # "from ∼30 to ∼300 μV·K−1"
    if not m2:
        return None
    high, end = _number_at(text, m2)
    if low != _float(m.group()) and _FLAT_POWER_HIGH.fullmatch(m2.group()) and end == m2.end():
        high = _pow10(m2.group()[2:])  # "10−2–104 Hz": the top of a range of powers, its superscript flattened
    elif _FLAT_TWO_DIGIT_POWER.fullmatch(m.group()) and m2.group().isdigit() and len(m2.group()) == 2 \
            and int(m2.group()) > int(m.group()[2:]):
        low, high = _pow10(m.group()[2:]), _pow10(m2.group())  # "1017-19cm-3": 10^17 to 10^19, flattened
    unit2, uend = _unit_at(text, end)
    if unit2 is not None and unit2.text == "Hz" and _FLAT_POWER_HIGH.fullmatch(m2.group()) and end == m2.end():
        # an impedance sweep "0.1–105 Hz", "102 Hz to 103 Hz": the superscripts of its powers flattened
        both = _FLAT_POWER_HIGH.fullmatch(m.group()) is not None and low == _float(m.group())
        if both or (low <= 1 and int(m2.group()[2:]) >= 3):
            low, high = _pow10(m.group()[2:]) if both else low, _pow10(m2.group()[2:])
    elif (unit2 is not None and unit2.text == "Hz" and _FLAT_POWER_HIGH.fullmatch(m.group()) and low == _float(m.group())
          and high <= 1 and int(m.group()[2:]) >= 3):
        low = _pow10(m.group()[2:])  # "frequency decades between 106 and 1 Hz": a sweep down from 10^6 Hz
    rescaled = unit is not None and (unit2 is None or unit2.text != unit.text)
    if rescaled:
        if not _same_dims(unit, unit2):
            return None
        high, unit2 = _round(high * unit2.factor / unit.factor), unit  # "from ~50 nm to 1 μm": both ends in nm
    if low == _float(m.group()) and _TIMES10_RE.match(text, m2.end()):  # "4–6×10^10": the power scales both ends
        low *= high / _float(m2.group())
    if high < low:
        if sep.group().strip() in ("to", "and") and not rescaled and high >= 0 and not _is_frequency(unit2):
            # "decreased from 1.01 to 0.7 V" is a change, not a range; a change keeps its unit, a span swept down
            # changes it ("from 100 kHz to 10 mHz") or is a frequency ("for 10 to 0.1 Hz": impedance sweeps are
            # written from the top); two negatives may be written from the smaller ("−0.7 to −1.0")
            return None
        low, high = high, low  # "10−5~10−6 F cm−2", "10−7–10−8": a range written from its upper end
    return _make(_round((low + high) / 2), unit2, m.start(), uend if unit2 else end, low=low, high=high)


def _is_frequency(unit: Unit | None) -> bool:
    return unit is not None and unit.known and unit.dims == _HERTZ_DIMS


_HERTZ_DIMS = parse_unit("Hz").dims


def _same_dims(unit: Unit, other: Unit | None) -> bool:
    """Whether ``other`` is a known unit of ``unit``'s dimension with no zero shift (``nm`` and ``μm``, ``Hz`` and
    ``MHz``; not ``°C`` and ``K``), so that the two ends of a range can be written in one unit."""
    return (other is not None and unit.known and other.known and unit.dims == other.dims and any(unit.dims)
            and unit.offset == other.offset == 0 and unit.kind != "hardness")


def _between_before(text: str, pos: int) -> bool:
    """Whether ``text[:pos]`` ends with ``between`` and whitespace (``between 5 and 10``). Only the whitespace run
    before ``pos`` and the word before it are looked at: searching all of ``text[:pos]`` made every number
    followed by ``and`` cost the length of the text before it (quadratic in long documents)."""
    start = pos
    while start > 0 and text[start - 1].isspace():
        start -= 1
    return start < pos and _BETWEEN_RE.search(text, max(0, start - len("between")), pos) is not None


def _make(value, unit: Unit | None, start: int, end: int, **kw) -> Quantity:
    return Quantity(value, unit.text if unit else None, start, end, _unit=unit, **kw)


def _share_list_units(text: str, qs: list[Quantity]) -> None:
    """Give unitless numbers the unit of the next quantity when only list separators lie between them, and its
    power of ten ("10.3, 14.1 and 16.9 × 10−6 K−1")."""
    scale = 1.0  # the power of ten of the list's last number, carried down the list
    for i in range(len(qs) - 2, -1, -1):
        a, b = qs[i], qs[i + 1]
        if a.unit is None and b.unit is not None and _LIST_RE.fullmatch(text, a.end, b.start):
            a.unit, a._unit = b.unit, b._unit
            if b.low is None and (m := _NUM_RE.match(text, b.start)) and _TIMES10_RE.match(text, m.end()):
                scale = b.value / _float(m.group())
            own = _NUM_RE.match(text, a.start)
            if scale != 1.0 and not (own and _TIMES10_RE.match(text, own.end())):  # "14.1 × 10–6 and 14.5 × 10–6 K–1"
                a.value = _round(a.value * scale)
                if a.low is not None:
                    a.low, a.high = _round(a.low * scale), _round(a.high * scale)
        else:
            scale = 1.0


def parse_number(text: str) -> Quantity | None:
    """The first quantity in ``text`` (e.g. an MSPT ``Number`` span such as ``40-60`` or ``2.5 × 10−3``)."""
    qs = parse_quantities(text)
    return qs[0] if qs else None
