"""Property–value–unit extraction: property mentions linked to quantities and to the material they describe.

Property mentions are ``PRO``/``PROPERTY`` entities from a tagger, or, without entities, the spans of the learned
property tagger of :mod:`.relations` plus matches of a lexicon of common property names (:data:`LEXICON`).
Numbers, ranges, errors and units come from :mod:`matnlp.extractors.quantities`.
Property → value and property → material links are chosen in each sentence by the learned pair scorers of
:mod:`.relations` (trained on MuLMS relations): pairs above the value threshold, best first, one property per
quantity, lists extended; the material is the most probable material mention of the sentence (``MAT`` entities,
or the materials finder when there are none). The ``heuristic`` linker (the fallback without models) takes the
nearest quantity with a unit whose dimension fits the property (band gap ↔ energy, read from the head word of the
name) and the material named by a cue (``band gap of TiO2``, ``TiO2 (band gap 3.2 eV)``, ``TiO2's``), else the
nearest. Whichever linker, a value must fit the property (:func:`compatible`): a unit of the right dimension, or a
bare number only for a dimensionless property (:data:`DIMENSIONLESS`) or a symbol (``Kt = 1.75``); heading,
citation, figure/table/sample, list, year and model numbers are never values (:func:`_not_a_value`). Conditions
(:class:`Condition`, with kind and span) attach to the valued property they qualify: quantities after ``at``/
``under``/``for`` … (``0.03 S/cm at 800 °C``, ``at a current density of 0.5 A cm−2``) and atmospheres (``in H2``),
never of the value's own kind; a ``respectively`` list of conditions is shared out over a list of values of the same
length. Settings of a measurement or protocol (scan rate, CuKα λ, gas flow rate, :func:`is_setting`) get no value,
a property of unknown dimension takes no temperature or time, and a value after ``<``, ``above``, ``up to`` … is a
bound (:func:`~matnlp.extractors.quantities.bounded`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache

from ..text.tokenize import sentences as split_sentences
from ..types import Entity, Sentence
from ..chem.elements import ELEMENT_SET, ELEMENTS
from ..chem.formula import is_formula
from .materials import EQUIPMENT, MATERIAL_LABELS, extract_materials
from .quantities import (
    APPROX, CELL, CHANGE_VERB, TABLE_ID, Quantity, bounded, list_head, parse_quantities, parse_unit,
)
from .relations import Scorers, default_scorers, default_tagger, material_features, value_features
from .settings import default_model as default_setting_model

PROPERTY_LABELS = frozenset({"PRO", "PROPERTY"})

# Property head terms -> example units (their dimensions are the ones accepted); "1" means dimensionless.
LEXICON: dict[str, str] = {
    "band gap": "eV", "bandgap": "eV", "band-gap": "eV", "energy gap": "eV", "work function": "eV",
    "activation energy": "eV|kJ/mol", "binding energy": "eV", "formation energy": "eV|kJ/mol", "energy": "eV|J",
    "conductivity": "S/cm", "thermal conductivity": "W m-1 K-1", "resistivity": "Ω cm", "resistance": "Ω|Ω cm2",
    "area specific resistance": "Ω cm2", "ASR": "Ω cm2", "seebeck coefficient": "µV/K|V/K", "thermopower": "µV/K|V/K",
    "power factor": "µW cm-1 K-2|W m-1 K-2", "ZT": "1", "figure of merit": "1",
    "capacity": "mAh/g|mAh", "capacitance": "F/g|F/cm2|F/cm3|F", "energy density": "Wh/kg|Wh/L|Wh/cm2",
    "power density": "W/kg|W/cm2|W/L", "current density": "mA/cm2|A/g", "density": "g/cm3|cm-3|cm-2|cm-2 eV-1",
    "dislocation density": "cm-2", "defect density": "cm-2|cm-3", "carrier concentration": "cm-3",
    "carrier density": "cm-3", "mobility": "cm2 V-1 s-1", "porosity": "%|1", "relative density": "%|1",
    "lattice parameter": "Å", "lattice parameters": "Å", "lattice constant": "Å", "lattice constants": "Å",
    "thickness": "nm", "thick": "nm", "diameter": "nm", "size": "nm", "length": "nm", "width": "nm",
    "radius": "nm", "wavelength": "nm", "roughness": "nm", "surface area": "m2/g|m2|cm2", "area": "cm2",
    "hardness": "GPa|1", "modulus": "GPa", "strength": "MPa", "stress": "MPa", "strain": "%|1",
    "elongation": "%", "melting point": "K", "temperature": "K", "Tg": "K", "Tc": "K", "time": "s",
    "duration": "s", "lifetime": "s|1", "pressure": "Pa", "voltage": "V", "potential": "V", "overpotential": "V",
    "current": "A|A/cm2",
    "power": "W", "frequency": "Hz", "scan rate": "mV/s", "heating rate": "K/min", "flow rate": "sccm|mL/min",
    "strain rate": "s-1", "efficiency": "%|1", "yield": "%", "transmittance": "%", "relative humidity": "%",
    "humidity": "%", "RH": "%", "loading": "mg/cm2|wt%", "content": "wt%", "concentration": "M|%",
    "mass activity": "A/mg|A/g", "weight loss": "%", "mass loss": "%", "viscosity": "Pa s",
    "molecular weight": "g/mol", "thermal expansion coefficient": "K-1",
    "coefficient of thermal expansion": "K-1", "specific heat": "J g-1 K-1", "tafel slope": "mV",
    "dielectric constant": "1", "permittivity": "1", "refractive index": "1", "fill factor": "%|1",
    "fatigue life": "1", "magnetic field": "T|A/m", "electric field": "V/m", "field": "T|A/m|V/m",
    "aspect ratio": "1",
    "magnetization": "emu/g|A/m|µB", "remanence": "emu/g|A/m|µB", "coercivity": "Oe|T|A/m",
    "magnetic moment": "µB|emu", "magnetic susceptibility": "1|emu g-1 Oe-1",
    "fracture toughness": "MPa m1/2|J/m2", "toughness": "MPa m1/2|J/m2|MJ/m3", "fracture energy": "J/m2",
    "piezoelectric coefficient": "pC/N|pm/V",
}
# Properties known to be dimensionless (a bare number is a value of them), as words of a property name; a property
# outside the lexicon that names none of these (and is no symbol such as ``Kt``, ``P/P0``) needs a unit.
DIMENSIONLESS = (
    "ratio", "ratios", "factor", "factors", "number", "numbers", "index", "indices", "ZT", "figure of merit",
    "efficiency", "yield", "fraction", "coefficient", "statistic", "degrees of freedom", "error", "errors",
    "difference", "differences", "deviation", "threshold", "points", "cycles", "count", "order", "x",
    "pH", "selectivity", "stoichiometry", "valence", "permittivity", "dielectric constant", "refractive index",
    "transference number", "coordination number", "Poisson's ratio", "fill factor", "p-value", "exponent", "parameter",
    "tangent", "tan δ",
)
_DIMENSIONLESS_WORD = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, DIMENSIONLESS)) + r")s?(?!\w)", re.I)
_DIMENSIONLESS_RE = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, DIMENSIONLESS)) + r")s?$", re.I)
# What may follow the head noun of a property name: trailing symbols ("Kt", "(CETs)", "α", "r0"), an "of …" tail.
_SYMBOL_TAIL_ONE = re.compile(r"\s+\(?(?=[^\s()]*[A-Z\dα-ωΑ-Ω])[^\s()]{1,8}\)?$")
# "potential values" is a potential, "short circuit current peak" a current
_GENERIC_TAIL = re.compile(r"\s+(?:values?|levels?|data|peaks?|maxim(?:um|a)|minim(?:um|a))$", re.I)
_OF_TAIL = re.compile(r"\s+(?:of|in|for|between)(?:\s.*)?$", re.S)
_SYMBOL = re.compile(r"[^\W\d_]{1,2}[\w/,]{0,4}")  # "t", "Kt", "T0", "P/P0", "Ntot": assigned with "="
# "(Δl/l0)Stage A=", "(Δl/l0)Stage B, eff=": a bracketed symbol with its subscripts, written out on one line
_SUBSCRIPT_HEAD = r"\([^()\s]{1,12}\)[^\W_]{1,8}(?:\s[A-Z\d]{1,3},)?\s"
_SUBSCRIPTED = re.compile(rf"(?<!\S){_SUBSCRIPT_HEAD}$")
_SUBSCRIPTED_SYMBOL = re.compile(rf"{_SUBSCRIPT_HEAD}[^\s=]{{1,4}}")
_DASH_SYMBOL = re.compile(r"[A-Za-z]{1,3}[−–-][A-Za-z\d]{1,5}")
_DASH_SUBSCRIPTED = re.compile(r"(?<![\w−–-])[A-Za-z]{1,3}[−–-]$")  # "Nd−" of "Nd−EPI2="
_WORD = re.compile(r"[^\W\d_][^\W\d_A-Z]{4,}")  # "defect", "Domain": a word of five letters or more, not a symbol
# Words that extend a lexicon match to the left ("optical band gap", "specific discharge capacity").
_MODIFIERS = (
    "optical direct indirect ionic electrical electronic proton protonic thermal lattice specific discharge charge "
    "reversible initial average mean total relative maximum minimum theoretical areal volumetric gravimetric "
    "particle grain crystallite pore film layer sintering annealing calcination reaction transition Curie glass "
    "open-circuit short-circuit onset saturation tensile yield compressive flexural elastic Young's bulk shear "
    "Vickers surface sheet carrier electron hole operating measured remanent coercive Néel Neel"
).split()
_CONDITION_CUE = re.compile(
    r"\b(?:at|under|after|for|during|upon|over|in|with)\s+(?:(?:a|an|the|about|ca\.|approximately|around|~)\s*)?"
    r"(?:(?:constant|fixed|applied|cell|current|operating|measurement|testing|bias|temperature|voltage|potential|"
    r"density|pressure|rate|scan|flow|frequency|load)\s+){0,3}(?:of\s+|=\s*)?(?:about\s+|~\s*)?$", re.I
)
_NAMED_CUE = re.compile(r"\b(current|temperature|voltage|potential|density|pressure|rate|frequency|load)\s+(?:of|=)",
                        re.I)
# An atmosphere named after "in"/"under"/"with" ("in H2", "under flowing humidified 3% H2O–H2", "with wet H2").
_GAS = (r"(?:\d+(?:\.\d+)?\s*(?:vol\.?\s*)?%\s*)?(?:synthetic air|air|H2O|H2|O2|N2|Ar|He|CO2|CO|CH4|NH3|H2S|"
        r"argon|nitrogen|oxygen|hydrogen|helium|vacuum)(?![\w-])")
_ATMOSPHERE = re.compile(
    rf"\b(?:in|under|with)\s+(?:(?:a|an|flowing|dry|wet|humidified|humid|pure|static|ambient|stagnant)\s+)*"
    rf"(?P<gas>{_GAS}(?:\s*(?:[/–+-]|and)\s*{_GAS})*)(?:\s+(?:atmosphere|flow|gas|fuel))?"
)
# Linking score = characters between property and value + these penalties (tuned on the MuLMS train split).
PENALTY = {"before": 5, "unitless": 15, "condition": 15}
_AFTER_CUE_MAX = 150  # characters between a property and a following value
_CONDITION_MAX = 150  # characters between a value and a condition it gets
MAX_SENTENCE = 3000  # longer "sentences" are linked in pieces of this many characters
_BEFORE_MAX = 40  # characters a value may lie before its property ("365 µm thick")
#: Candidate windows (characters before, after a property) of the learned linker.
LEARNED_WINDOW = (80, 250)
#: Linkers of :func:`extract_properties`: the pair scorers of :mod:`.relations`, or the hand-weighted score.
LINKERS = ("learned", "heuristic")
_BEFORE_CUE = re.compile(r"^[\s-]*(?:\w+[\s-]+)?$")  # at most one word between: "365 µm thick", "3.2 eV band gap"
_LIST_SEP = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)\s*")
_MAT_AFTER = re.compile(r"\s*(?:of|for|in)\s+(?:(?:the|pure|bulk|as-\w+|undoped|doped|our)\s+){0,2}$")
_MAT_BEFORE = re.compile(r"(?:'s|’s)?\s*(?:\(\s*(?:with\s+)?(?:a|an|the)?\s*)?$")
_BRACKETED = re.compile(r"\[[^\[\]]*$")
# Steps of a process whose temperature, time, pressure or atmosphere is chosen, not measured ("sintering temperature",
# "maximum annealing temperature", "operating temperatures").
_PROCESS = (r"(?:sintering|annealing|calcination|calcining|firing|deposition|growth|synthesis|drying|ag(?:e?ing)|"
            r"canister|line|bubbler|precursor|stage|substrate|chamber|bath|furnace|reactor|oven|evaporation|ambient|"
            r"processing|fabrication|operating|operation|working|testing|test|measurement|measuring|curing|tempering|austeniti[sz]ing|"
            r"hot[- ]pressing|heat[- ]treatment|pyrolysis|carboni[sz]ation|mo(?:u)?ld|melt|holding|dwell|pre-?heat(?:ing)?|"
            r"injection|central|etching|sputtering|milling|grinding|stirring|mixing|(?:ultra)?sonication|soaking|immersion|"
            r"quenching|hydrothermal|solvothermal|(?:electro)?spinning|coating|plating|heating|cooling|reflux(?:ing)?|washing)")
# Settings of a measurement or protocol (issue: audit class 6), never material properties.
_SETTING_NAME = re.compile(
    r"(?i)\b(?:(?:scan|sweep|scanning|flow|heating|cooling|ramp|feed|spin|rotation|rotating|stirring|shear)(?:\s+|-)"
    r"(?:rates?|speeds?)|(?:upper|lower|vertex|cut-?off|switching)\s+(?:potentials?|voltages?|limits?)|"
    r"potential\s+(?:windows?|ranges?)|voltage\s+(?:windows?|ranges?)|frequency\s+ranges?|(?<!time\s)step\s+sizes?|"
    r"pixel\s+sizes?|spot\s+diameters?|(?:dwell|hold|holding|dwelling|acquisition|exposure|counting|collection)\s+times?|"
    r"(?:coherent\s+|neutron\s+)?scattering\s+lengths?|(?-i:hν)|"
    r"accelerat(?:ing|ion)\s+voltages?|beam\s+(?:energy|current)|spot\s+sizes?|magnifications?|p\s*/\s*p0|"
    r"relative\s+pressures?|kα|(?:ac|signal|voltage|perturbation)\s+amplitudes?|(?:gas\s+|weight\s+)?(?:hourly\s+)?space\s+"
    r"velocit(?:y|ies)|[gw]hsv|(?:modulation|perturbation|excitation)"
    r"\s+(?:potentials?|voltages?|signals?)|hubbard(?:\s+u)?|u[-_ ]?eff|(?-i:U(?!V\b)[A-Z][a-z]?)|(?:plane-?wave\s+)?cut-?off\s+"
    r"energ(?:y|ies)|smearing|k-?points?|vacuum\s+(?:regions?|layers?|thickness)|(?:fuel|oxygen|air|steam)\s+"
    r"utili[sz]ations?|(?:ac|applied|excitation|test(?:ing)?|measurement|modulation)\s+frequenc(?:y|ies)|"
    r"(?:cross-?head|displacement|loading|strain|extension|deformation)\s+(?:rates?|speeds?)|ga[u]?ge\s+lengths?|"
    r"tube\s+(?:currents?|voltages?)|instrument\w*\s+(?:\w+\s+)?resolutions?|(?:survival|failure)\s+"
    r"probabilit(?:y|ies)|probabilit(?:y|ies)\s+of\s+(?:survival|failure)|confidence\s+(?:levels?|intervals?)|"
    r"photon?\s+energ(?:y|ies)|(?:neutron|x-ray|incident)\s+(?:wavelengths?|energ(?:y|ies))|"
    r"(?<!coercive\s)(?<!critical\s)(?<!anisotropy\s)(?<!exchange\s)(?<!internal\s)magnetic\s+fields?|"
    r"(?:constant|applied)\s+(?:current|voltage|potential|bias|load|stress|strain|field|pressure)"
    r"(?:\s+densit(?:y|ies))?|ramping\s+rates?|bias(?:\s+(?:voltages?|potentials?))?|"
    r"(?:target|source|working|nozzle|tip|t-s)[\w-]*(?:\s+\([^()]*\))?\s+distances?|(?:nominal|spatial|lateral|energy|depth)\s+resolutions?|"
    r"(?:mass|gas)\s+flows?|(?:scanning|scan|analy[sz]ed|analysis|probed)\s+areas?|(?:energy|voltage|potential|angular)\s+"
    r"steps?|(?:ar|argon|gas|working|base|background|deposition|sputtering|chamber|total)\s+pressures?|"
    r"(?:ac|dc)\s+(?:potentials?|voltages?)|(?:laser\s+)?fluences?|repetition\s+rates?|amplitudes?|"
    r"(?:withdraw(?:al)?|pulling|dipping|coating|printing|writing)\s+speeds?|load\s+cells?|(?<!life\s)spans?|"
    r"(?:sample|specimen)-to-(?:detector|source)\s+distances?|(?:compression|clamping|contact)\s+pressures?|"
    r"dew\s+points?|o2\s+pressures?|(?:illumination|irradiation|exposure|flash|pulse)\s+(?:times?|durations?|widths?)|"
    r"(?:maximum\s+|peak\s+)?indentation\s+loads?|filter\s+wavelengths?|(?:output|input|band-?pass)\s+filters?|"
    r"λ\s*(?:in|out|ex)\b|(?:active|effective|electrode|cell)\s+(?:electrode\s+)?areas?|(?-i:Uf)|"
    r"clamping\s+forces?|(?:laser|rf|microwave|plasma|sputtering|deposition|irradiation)\s+powers?|"
    r"take-?off\s+angles?|"
    r"(?:light|illumination|irradiation|incident\s+light)\s+intensit(?:y|ies)|spectral\s+resolutions?|"
    r"stress\s+concentrations?(?:\s+factors?)?|(?-i:K[tT])|(?-i:T(?:a|ann|sub|dep|sint|cal))|notch\s+factors?|relative\s+humidit(?:y|ies)|(?-i:RH)|"
    r"(?-i:p\s*\(?O2\)?)|(?<!equilibrium\s)oxygen\s+partial\s+pressures?|"
    rf"{_PROCESS}\s+(?:temperatures?|times?|durations?|pressures?|atmospheres?|velocit(?:y|ies)|speeds?))\b"
    r"|^p\s*/\s*p0$"
)
# The light a sample was exposed to ("under light irradiation (λ > 300 nm)"), not "irradiation hardening".
_SOURCE_NAME = re.compile(r"(?i)(?:\b(?:light|uv|visible|laser)\s+)?(?:irradiation|illumination)$|excitation\s+wavelengths?$")
# The generic name of a condition ("temperatures", "pO2", "frequencies"): its range ("at high temperatures (700–1000
# °C)", "pO2 from 10−20 to 1 atm") is one a measurement was run over, not a value found.
_CONDITION_NAME = re.compile(
    r"(?i)(?:(?:high|higher|low|lower|intermediate|elevated|moderate|room|oxygen|partial|measuring|measurement|measured|"
    r"relative)\s+)*(?:temperatures?|pressures?|p\s*O2|frequenc(?:y|ies)|potentials?|voltages?|current\s+densit(?:y|ies)|"
    r"times?|humidit(?:y|ies)|RH|durations?|powers?)")
# Head nouns that name a quality, an observation, a plot or a class of material, not a quantity: "electrochemical
# performance", "chemical stability", "GCD curve", "oxygen-ion conductors" take no value unless a lexicon term heads
# them.
_QUALITIES = frozenset(
    "performance performances stability stabilities compatibility behaviour behavior behaviours behaviors property "
    "properties characteristic characteristics structure structures morphology morphologies ordering vacancy "
    "vacancies limitation limitations curve curves plot plots spectrum spectra pattern patterns image images test "
    "tests feature features mechanism mechanisms process processes phenomenon phenomena effect effects dependence "
    "influence evolution trend trends response responses conductor conductors electrolytes electrodes cathodes "
    "anodes catalysts materials samples specimens devices composites region regions surface surfaces microstructure "
    "microstructures composition compositions module modules cell cells scan scans".split())
# Words a tagger or the lexicon may read as a property that name none: "in the range of 100 to 2000 mS cm−1", "mean
# value of 14 samples", "Tafel fitting were 0.43 mA/cm2", "constituent elements of Pt (78.9%)".
_NO_NAMES = frozenset("range ranges mean means average averages factor factors fitting fittings fit fits unit units "
                      "element elements order orders magnitude value values data testing test cell cells phase phases "
                      "cycle cycles electrolyte condition conditions reaction reactions surface surfaces double maximum maxima minimum "
                      "minima bar bars scale peak peaks direction directions resource resources nature "
                      "voltammogram voltammograms configuration configurations electrode half quarter "
                      "portion peaking tan sin cos log ln exp fatigue".split()) | {"room temperature"}
# Statistics of a fit (Rietveld R factors, χ2, goodness of fit, a network's MSE; not a test's t, p and degrees of
# freedom, which MuLMS annotates as properties), the uncertainty of a measurement, physical constants (Avogadro's
# number, the electron charge) and characterization methods ("XRD = 2" from "XRD of 2"): they describe the
# analysis, not the material.
_ANALYSIS_NAME = re.compile(
    r"(?i)(?:\(?[a-h]\)\s*)?(?:r[-_ ]?(?:wp|p|exp|bragg|f|i|b)(?:\s*\([^()]*\)?)?|χ\s*2|chi[- ]?squared?|chi2|gof|"
    r"r?mse|mae|(?:root\s+)?mean\s+(?:squared?|absolute)\s+errors?|(?:measurement\s+)?uncertaint(?:y|ies)|"
    r"epochs?|coefficients?\s+of\s+determination|"
    r"goodness[- ]of[- ]fit|(?:reliability|agreement|r)[- ]factors?|avogadro(?:'s)?\s+(?:number|constant)|"
    r"(?:electron|elementary)\s+charge|faraday(?:'s)?\s+constant|(?:ideal\s+|universal\s+)?gas\s+constant|"
    r"boltzmann(?:'s)?\s+constant|planck(?:'s)?\s+constant|xrd|pxrd|xps|sem|tem|hrtem|stem|eds|edx|ftir|bet|tga|dsc|nmr|eels|saed|afm)")
_SHARE_UNITS = frozenset({"at%", "wt%", "mol%"})
_COMPOSITION_VARIABLES = frozenset("x y z".split())  # "x = 0.10": which composition, not a property
_METHOD_NAME = re.compile(r"(?i)(?:metry|scopy|graphy)$")  # "determined by … surface profilometry … was 165 nm"
# "dense = 60 µm" is a thickness, "Tensile specimens which were 1 mm in thickness" a specimen size
_ADJECTIVE = re.compile(r"[a-z-]+(?:ous|ive|ic|able|ible|ile|al)|dense|porous")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9-]+s?")
# "C, N, O, and " before "F contents", or "C, N, O, and F " before "contents"
_COORDINATED_BEFORE = re.compile(r"(?<![\w-])((?!(?:the|a|an|both|and|or)\s)[A-Za-z][\w-]*)\s+and\s+$")
_COORDINATED_AFTER = re.compile(r"\s+and\s+([a-z][\w-]*)\b")
_ELIDED_BEFORE = re.compile(r"(?<![\w-])([A-Za-z]\w{0,5})-\s+and\s+$")  # "D- and " of "D- and G-bands"
_HYPHENED = re.compile(r"[A-Za-z]\w{0,5}-(\w+)")
_MEMBERS = re.compile(r"((?:[\w+−-]{1,12},\s*)+)(?:and|or)\s+(?:([\w+−-]{1,12})\s+)?$")
_MEASURE = (r"(?:distance|spacing|separation|size|length|width|thickness|fraction|density|number|concentration|"
            r"ratio|content|percentage|proportion|activation energie|activation energy)s?")
_MEASURE_BEFORE = re.compile(rf"\b(?:(?:average|mean|total|relative|neck)\s+)?{_MEASURE}\s+(?:of|between)\s+"
                             r"(?:(?:the|an?)\s+)?$", re.I)
_MEASURE_AFTER = re.compile(rf"[ -]{_MEASURE}\b", re.I)
_KIND_BEFORE = {"current": re.compile(r"(?i)\b(?:exchange|limiting)\s+$"), "circuit": re.compile(r"(?i)\bopen[- ]?$"),
                "number": re.compile(r"(?i)\b(?:transference|(?:electron\s+)?transfer|coordination|avogadro(?:'s)?)\s+$"),
                "half": re.compile(r"(?i)\bfull\s+width\s+at\s+$")}
# "the highest energy barrier", "an energy cut-off of 520 eV": the noun after "energy" that makes it another property
_ENERGY_KIND_AFTER = re.compile(r"(?i)[ -](?:barriers?|cut-?offs?)\b")
_DETERMINERS = frozenset("the a an its their this these those our his her".split())
_OWNER = re.compile(r"(?:the\s+)?(\S+?)['’]s\s+(?=\w)")
_DEFINED = 6  # words before "(ABBR)" tried as its long form
_WAVELENGTH = re.compile(r"(?i)λ|wavelengths?|energ(?:y|ies)|radiation")  # of a source named in the sentence
_XRAY_SOURCE = re.compile(r"(?i)\bK\s*[αβ]|K-alpha|\bradiation\b|\bneutron|\bNPD\b|diffractometer|synchrotron|beamline|"
                          r"\blasers?\b|\blamps?\b|excitation\s+source")
_RESPECTIVELY = re.compile(r"\brespectively\b", re.I)
# Never-values among bare numbers (issue #16): a heading number ("3.4 Porosity", "3.1.1.The" at a line or
# sentence start or after a layout gap), a superscript-style citation list ("cells 12,13"), an enumerator
# ("(1) the", "; 2) the"), a year, an instrument model number after a capitalized name ("Dimension 3100"), a
# member of a ratio.
_LINE_START = re.compile(r"(?:\n[ \t]*|[ \t]{3})$")  # a new line, or a layout gap of PDF text
_HEADING_AFTER = re.compile(r"(?:\.\d+)*\.?[ \t]*[A-Z][a-z]")
_NUMBERED_AFTER = re.compile(r"\)\s*\(\d{1,2}\)")  # equation numbers in a run: "(3) (4) (5)"
_NUMBERED_BEFORE = re.compile(r"\(\d{1,2}\)\s*\($")
_PAGE_OF = re.compile(r" of \d+\b(?! ?[%°])")  # a page footer: "4 of 10"
_SECTION_NUMBER = re.compile(r"(?:\.\d+)+\.?(?![\d.,])")  # "Porosity 3.4.5." in a list of contents
_CITE_LIST = re.compile(r"(?:,\d{1,3})+(?:[–-]\d{1,3})?(?![\d.])")
_ENUM_BEFORE = re.compile(r"[:;]\s*\(?$")
_ENUM_AFTER = re.compile(r"\)\s+[A-Z][a-z]")  # "Graded Composition and Porosity (1) Anode functional layer"
# A bare number an arithmetic operator joins to a symbol or bracket: a term of an equation ("t i , av = 1 − R O",
# "μ=1+(1-Vf)Vmax")
_OPERATOR_AFTER = re.compile(r"\s?[+−×*/^-]\s?(?:[^\W\d_]|\()")
_EQUATION_WHERE = re.compile(r"\)\s*,?\s*where\b")  # "DXRD = 0.89λ/bcos θ (1) where λ is …"
# "JEOL-2100F": a model number glued to its maker, with a letter a unit could be read from
_MODEL_GLUED = re.compile(r"[A-Za-z]{2,}-$")
# "log (σT) ~ 1000 T−1", "1000/T (K−1)": the axis of an Arrhenius plot
_ARRHENIUS_UNITS = frozenset({"T-1", "K-1"})
_MODEL_BEFORE = re.compile(r"\b[A-Z][\w/]*-?\s$")
_YEARS = range(1900, 2040)
_GLUED_MODEL = re.compile(r"\d{3,}[A-Z]")
_PRODUCT_AFTER = re.compile(r"\s[A-Z][a-z]{3,}")
_MAKER_BEFORE = re.compile(r"\(\s*[A-Z][A-Za-z&.-]+(?:\s+[A-Z][\w-]*)?\s$")  # "(Agilent 34001A)"
# The number of a labelled thing: "Defect 1 and Defect 2", "sample 3", "test 2", "Route 1"
_LABEL_BEFORE = re.compile(r"(?<![\w-])(?:[A-Z][a-z]{2,}|(?:sample|specimen|test|run|type|case|cell|route|model|method|"
                           r"stage|region|batch|group|series|device|mode|condition|zone|site|defect|scenario|"
                           r"design|configuration|experiment|trial|membrane|electrode|catalyst)s?)\s$")
_PAGES = re.compile(r"\d+(?:\s?[–-]\s?\d+)?")
_PAGES_BEFORE = re.compile(r"(?<![\w-])pp?\.?\s?$")  # "J Mater Res, 29, p 2973–2981"
# A member of a ratio ("4:1:1", "La:Sr ratio of 0.85:0.15") is not a value on its own.
_RATIO_PART, _RATIO_PART_BEFORE = re.compile(r"\s?:\s?\d"), re.compile(r"\d\s?:\s?$")
# "3.5-fold", "3 times higher", "increased 3.5 times": a factor of change, not a value
_FACTOR_AFTER = re.compile(r"\s*-?\s*fold\b|\s*times\s+(?:higher|larger|greater|more|lower|smaller|less|faster|"
                           r"slower|as|than)\b", re.I)
_CHANGED_TIMES = re.compile(rf"\b{CHANGE_VERB}\s+(?:by\s+)?{APPROX}$", re.I)
_TIMES_AFTER = re.compile(r"\s*times\b", re.I)
# A factor of a product with a symbol ("EA = × CA × 1 2", "PA = 3600 × EA"); not "Ntot = 400 ×400"
_TERM_AFTER = re.compile(r"\s?[×*]\s?\d*[A-Za-z(∆Δ]")
_TERM_BEFORE = re.compile(r"[×*]\s?[A-Za-z(∆Δ][^=;,]{0,10}$")
# A bare number before a symbol or formula is a factor or a coefficient: "Cdiff = 50 CTL", "2 H2O"
_SYMBOL_AFTER = re.compile(r" [A-Z][A-Za-z\d]*[A-Z\d](?![\w-])")
_NAME_PART = re.compile(r"(?:[,′']\d+[′']?)*[′']?[-‐][A-Za-z(]")  # "3-hexyl", "2,5-dimethyl", "4′-(…"
# What a number of a figure, table or equation follows ("Fig. 4A,B": the panel letter no unit); with citations,
# sections, samples and other numbered things, what a bare number that is no value follows.
_FIGURE_WORDS = r"Figs?|Figures?|Tables?|Eqs?|Equations?"
# "Fig. 3", "Figs. 3, 4", "Eqs. (1) and (4)", "schemes no. 4 and 5": the numbers after a figure word or a label
_NUMBERED = r"\s*\(?(?:S|(?:\(\d+\w?\)|\d+\w?)(?:,\s*(?:and\s+)?|\s+and\s+))*\(?$"
_FIGURE_REF = re.compile(rf"\b(?:{_FIGURE_WORDS})\.?{_NUMBERED}", re.I)
_REFERENCE = re.compile(
    rf"(?:\b(?:{_FIGURE_WORDS}|Refs?|References?|Sections?|Schemes?|Steps?|Samples?|"
    rf"Specimens?|Entry|Entries|Runs?|Batch(?:es)?|Chapters?|Appendix|Cells?|Devices?|Stages?|Cases?|Types?|Groups?|"
    rf"Series)\.?|\b(?:Nos?|Vols?|pp?)\.|#){_NUMBERED}", re.I
)


@dataclass(slots=True)
class Evidence:
    """Where a property was read: the span from property mention to value, and its sentence."""

    start: int
    end: int
    sentence_start: int
    sentence_end: int


@dataclass(slots=True)
class Condition:
    """A measurement condition given with a property value: a quantity (``800 °C``, ``0.7 V``, ``0.5 A cm−2``)
    or an atmosphere (``in H2``), with its kind (the quantity's kind, e.g. ``temperature``, ``voltage``,
    ``current_density``; ``atmosphere``) and its span, ``text == document.text[start:end]`` (no span for one read
    from a table header, which is not in the text)."""

    kind: str
    text: str
    start: int | None
    end: int | None
    quantity: Quantity | None = None

    @property
    def value(self) -> float | None:
        return self.quantity.value if self.quantity else None

    @property
    def unit(self) -> str | None:
        return self.quantity.unit if self.quantity else None

    def to_dict(self) -> dict:
        q = self.quantity.to_dict() if self.quantity else {"value": None, "unit": None}
        return {"kind": self.kind, "text": self.text, **q, "start": self.start, "end": self.end}


@dataclass(slots=True)
class Property:
    """A property with its value (a :class:`~matnlp.extractors.quantities.Quantity`, possibly a range or ``± error``),
    canonical unit, the material it describes and the measurement conditions given with it."""

    name: str
    value: Quantity | None
    unit: str | None
    material: Entity | None
    evidence: Evidence
    mention: Entity
    conditions: list[Condition] = field(default_factory=list)
    #: A value chosen for the experiment, not measured on the material: a named measurement setting (scan rate,
    #: AC frequency) or one the text says was set, used or kept ("mold temperature was set to 40 °C").
    setting: bool = False

    def to_dict(self) -> dict:
        """Flat JSON form (the ``properties`` part of a record)."""
        q, m = self.value, self.material
        return {
            "property": self.name, "text": self.mention.text, "start": self.mention.start, "end": self.mention.end,
            "value": q.value if q else None, "low": q.low if q else None, "high": q.high if q else None,
            "error": q.error if q else None, "unit": self.unit,
            "value_start": q.start if q else None, "value_end": q.end if q else None,
            "material": m.text if m else None, "material_start": m.start if m else None,
            "material_end": m.end if m else None,
            "conditions": [c.to_dict() for c in self.conditions], "setting": self.setting,
            "evidence": {"start": self.evidence.start, "end": self.evidence.end,
                         "sentence_start": self.evidence.sentence_start, "sentence_end": self.evidence.sentence_end},
        }


# ------------------------------------------------------------------------------------------------- lexicon


def _term(t: str) -> str:
    """Regex for a lexicon term; terms with capitals (``ZT``, ``Tg``, ``RH``) match case-sensitively, spaces match
    any whitespace."""
    body = re.escape(t).replace(r"\ ", r"\s+")
    return f"(?-i:{body})" if any(c.isupper() for c in t) else body


def _plural(t: str) -> str:
    """The plural of a lexicon term (``mobilities``, ``thicknesses``, ``band gaps``); acronyms and adjectives
    (``ZT``, ``thick``) have none."""
    if any(c.isupper() for c in t) or t in _NO_PLURAL:
        return t
    if t.endswith("y") and t[-2:-1] not in "aeiou":
        return t[:-1] + "ies"
    return t + ("es" if t.endswith(("s", "x", "ch", "sh")) else "s")


_NO_PLURAL = frozenset({"thick", "humidity", "porosity", "hardness", "elongation", "conductivity", "resistivity"})
_TERMS = "|".join(_term(t) for t in sorted(LEXICON, key=len, reverse=True))
_FORMS = "|".join(_term(t) for t in sorted({f for t in LEXICON for f in (t, _plural(t))}, key=len, reverse=True))
_MODS = "|".join(re.escape(m) for m in _MODIFIERS)
_HEAD_RE = re.compile(rf"(?<![\w-])(?:{_TERMS})(?![\w-])", re.IGNORECASE)
_MENTION_RE = re.compile(rf"(?<![\w-])(?:(?:{_MODS})[\s-]+){{0,2}}(?:{_FORMS})(?![\w-])", re.IGNORECASE)
_KEYS = {t.lower(): t for t in LEXICON}


#: Lower-cased words of the lexicon terms (a feature of the property tagger).
LEXICON_WORDS = frozenset(w for t in LEXICON for w in t.lower().split() if w != "of")


def find_property_mentions(text: str, learned: bool = True) -> list[Entity]:
    """Property mentions of ``text`` as ``PRO`` entities (used when no NER entities are given): the lexicon
    matches (score 1) and the spans of the learned property tagger of :mod:`.relations` that overlap none of them
    (scored by their mean inside probability); only the lexicon matches without a tagger model or with
    ``learned=False``."""
    lexicon = [(m.start(), m.end()) for m in _MENTION_RE.finditer(text)]
    lexicon = sorted(lexicon + _abbreviation_uses(text, lexicon))
    tagger = default_tagger() if learned else None
    spans = tagger.mentions(text, LEXICON_WORDS, lexicon) if tagger is not None else [(a, b, 1.0) for a, b in lexicon]
    return [Entity(a, b, "PRO", text[a:b], score) for a, b, score in _joined(text, spans)]


# "Faradaic efficiency (FE)", "capacitance equivalent thicknesses (CETs)": an abbreviation right after a name.
_DEFINING = re.compile(r"\s*\(\s*([A-Z][A-Za-z\d/−–-]{0,7}?)(s?)\s*[);,]")


def _abbreviation_uses(text: str, names: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of the abbreviations ``text`` defines right after a lexicon name (two characters at least, so that
    ``temperature (T)`` defines nothing), wherever they recur outside their definition (also as plurals)."""
    out = []
    for a, b in names:
        m = _DEFINING.match(text, b)
        if m is None or len(m.group(1)) < 2:
            continue
        uses = re.finditer(rf"(?<![\w-]){re.escape(m.group(1))}s?(?![\w-])", text)
        out += [(u.start(), u.end()) for u in uses if not m.start(1) <= u.start() < m.end(2)]
    return sorted(set(out) - set(names))


@lru_cache(maxsize=8)
def defined_names(text: str) -> dict[str, str]:
    """The abbreviations ``text`` defines right after a lexicon name, each with that name: ``{"Ph": "power
    density"}`` from "the highest power density (Ph)". Cached per text: every sentence of a paper asks."""
    out: dict[str, str] = {}
    for m in _MENTION_RE.finditer(text):
        d = _DEFINING.match(text, m.end())
        if d is not None and len(d.group(1)) >= 2:
            out.setdefault(d.group(1), m.group())
    return out


def _joined(text: str, spans: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """Sorted spans with the ones only a space apart joined into one name (``capacitance`` + ``equivalent`` +
    ``thicknesses``: one thickness), scored by their lowest score."""
    out: list[tuple[int, int, float]] = []
    for a, b, score in spans:
        if out and text[out[-1][1] : a] == " ":
            out[-1] = (out[-1][0], b, min(out[-1][2], score))
        else:
            out.append((a, b, score))
    return out


def with_lexicon(text: str, entities: list[Entity]) -> list[Entity]:
    """Tagger ``entities`` plus the model-free property mentions (:func:`find_property_mentions`) that overlap no
    tagged property: a tagger trained on abstracts misses names the lexicon knows, and on MuLMS dev the union
    scores higher than either alone."""
    props = [e for e in entities if e.label in PROPERTY_LABELS]
    return entities + [m for m in find_property_mentions(text) if not any(m.start < p.end and p.start < m.end
                                                                           for p in props)]


def head_term(name: str) -> str | None:
    """The lexicon term heading a property name: its last (longest) lexicon match, e.g. ``thermal conductivity``
    in ``in-plane thermal conductivity``."""
    found = list(_HEAD_RE.finditer(name))
    return _KEYS[found[-1].group().lower()] if found else None


@cache
def expected_dims(name: str) -> frozenset[tuple[int, ...]] | None:
    """Unit dimensions a property accepts (``()`` marks dimensionless), or ``None`` when unknown. They are read
    from the head of the name (:func:`_head_forms`); a lexicon term that does not end it (``temperature
    gradient``; ``threshold voltages`` is a voltage, not the dimensionless ``threshold``) says nothing."""
    forms = list(_head_forms(name))
    if _SHARE_HEAD.search(forms[0]):
        return frozenset({()})  # "ratio of the current density": a ratio, whatever it divides
    for form in forms:
        head = head_term(form)
        if head is not None and form.lower().endswith(head.lower()):
            return frozenset(() if u == "1" else _dims_of(parse_unit(u).dims) for u in LEXICON[head].split("|"))
    for form in forms:
        if m := _CELL_HEAD.search(form):
            return frozenset({_dims_of(parse_unit("Å3" if m.group(1) else "Å").dims)})
    return frozenset({()}) if any(_DIMENSIONLESS_RE.search(f) for f in forms) else None


_SHARE_HEAD = re.compile(r"(?i)\b(?:ratio|fraction)s?$")
# "unit-cell parameters", "cell volume": a length and a volume (not lexicon terms: "cell" would tag every cell)
_CELL_HEAD = re.compile(r"(?i)\bcell[\s-]+(?:parameter|(volume))$")


def _without_symbols(name: str) -> str:
    """The name less its trailing symbols (``Young's modulus E``, ``total ASR ASRtot``), keeping a lexicon acronym
    that heads it (``total ASR``, ``figure of merit ZT``)."""
    while (m := _SYMBOL_TAIL_ONE.search(name)) and m.start() > 0 and m.group().strip(" ()").lower() not in _KEYS:
        name = name[:m.start()]
    return name.strip()


def _head_forms(name: str) -> Iterator[str]:
    """The name less trailing symbols (``Young's modulus E``, ``factor Kt``) and ``values``, first also less an
    ``of``/``in`` … tail (``ratio of H2 to O2``; ``degrees of freedom`` whole), each also in the singular."""
    bare = _GENERIC_TAIL.sub("", _without_symbols(name))
    for phrase in (_OF_TAIL.sub("", bare).strip(), bare):
        yield phrase
        for plural, singular in (("ies", "y"), ("es", ""), ("s", "")):
            if phrase.endswith(plural):
                yield phrase[: -len(plural)] + singular


def canonical_name(text: str) -> str:
    """Whitespace-normalized, lower-cased unless it looks like a symbol or acronym (``ZT``, ``Tg``, ``ECSA``)."""
    name = " ".join(text.replace("- ", "-").split())
    return name if any(c.isupper() for c in name[1:]) or len(name) <= 2 else name.lower()


# ------------------------------------------------------------------------------------------------- linking


def _dims_of(dims: tuple[int, ...]) -> tuple[int, ...]:
    """``()`` for dimensionless (``%``, ``ppm``), else the dimension vector."""
    return dims if any(dims) else ()


def _dims(q: Quantity) -> tuple[int, ...] | None:
    """Dimensions of a quantity's unit; ``()`` for a bare number or percent-like, ``None`` for an unknown unit."""
    if q.unit is None:
        return ()
    unit = parse_unit(q.unit)
    return _dims_of(unit.dims) if unit.known else None


@cache
def _takes_bare(name: str) -> bool:
    """Whether a bare number can be a value of ``name``: it is or ends with a symbol (``Kt``, ``stress concentration
    Kt``), names a dimensionless word (``ratio of proton concentration``) or a lexicon term of unit ``1`` heads it;
    a term measured in percent (``content``, ``transmittance``) needs its unit."""
    forms = list(_head_forms(name))
    if _is_symbol(name) or _without_symbols(name) != name.strip() or any(_DIMENSIONLESS_RE.search(f) for f in forms):
        return True
    heads = [(f, head_term(f)) for f in forms]
    return any(h is not None and f.lower().endswith(h.lower()) and "1" in LEXICON[h].split("|") for f, h in heads)


def compatible(name: str, q: Quantity) -> bool:
    """Whether quantity ``q`` can be a value of property ``name``: its unit dimension is one the property accepts
    (a bare number only for dimensionless properties, :data:`DIMENSIONLESS`); a property of unknown dimension
    takes any quantity with a unit, and a bare number only when it is a symbol (``Kt = 1.75``)."""
    want, got = expected_dims(name), _dims(q)
    if q.kind == "hardness":  # "Heat A (31.1 ± 1.0 HRC)", "the NACE limit (23 HRC)": only a hardness has one
        return bool(_HARDNESS_NAME.search(name))
    if q.unit in _PERCENTS and _HARDNESS_NAME.search(name):
        return False  # "The Vickers hardness of steel of 1 wt% C": a hardness is no share
    if q.unit in _ANGLES and not (_ANGLE_NAME.search(name) or _is_symbol(name)):
        return False  # "contents in the range of 2θ: from 20° to 80°": an angle is a value only of an angle
    if want is None:
        if got in _SETTING_DIMS and not (_TEMPERATURE_NAME if got == _KELVIN else _TIME_NAME).search(name):
            return False  # "thermal ellipsoids … 200 °C", "TPU service life … from 146 K": a condition, not this value
        if got == _PASCAL and not (_PRESSURE_NAME.search(name) or _is_symbol(name)):
            return False  # "I–V hysteresis decreased as the BPs increased from 0 to 50 kPag": the pressures set
        if got == _HEATING_RATE and "rate" not in name.lower():
            return False  # "… heated at 3 K min−1": a heating rate is a rate
        if q.unit is not None and "Hz" in q.unit and not (_FREQUENCY_NAME.search(name) or _is_symbol(name)):
            return False  # "impedance … between 1 MHz and 0.01 Hz": the frequencies it was measured at
        if got in _AMOUNT_DIMS and not _AMOUNT_NAME.search(name):
            return False  # "Oxygen Deficiency … 1 g of powder": how much sample was used
        if got == _MOLARITY and not _MOLARITY_NAME.search(name):
            return False  # "hydrogen evolution activity … in aqueous 0.5 M H2SO4": the electrolyte's concentration
        return q.unit is not None or _is_symbol(name)
    return got is None or got in want


def _is_symbol(name: str) -> bool:
    """Whether a name is a symbol (``Kt``, ``T0``, ``P/P0``, ``Ntot``), which may take a bare number, rather than a
    word (``defect`` of "Defect 2", ``domain`` of "a domain of 4900 elements")."""
    name = name.strip()
    return (_SYMBOL.fullmatch(name) is not None and _WORD.fullmatch(name) is None
            or _SUBSCRIPTED_SYMBOL.fullmatch(name) is not None or _DASH_SYMBOL.fullmatch(name) is not None)


# (not in a clause of its own: "the activation energy … was 1.02 eV, indicating an advantage if this material is used")
_CHOSEN_AFTER = re.compile(r"(?:(?!\b(?:if|when|whether|because|since|although|while|whereas|indicating|suggesting|showing|"
                           r"meaning|implying)\b)(?:[^.;]|\.(?=\d))){0,140}?\b(?:is|are|was|were)\s+(?:then\s+|also\s+)?(?:used|set|kept|fixed|chosen|varied|"
                           r"applied|selected|maintained|adopted|employed|assumed|taken\s+(?:to\s+be|as))\b(?!\s+to\s+(?:calculate|estimate|"
                           r"obtain|determine|derive))")
_CHOSEN_BEFORE = re.compile(r"\b(?:parameters?|conditions?|settings?)\s+(?:are|were|was|is)\s+(?:kept|set|fixed|held|"
                            r"maintained|chosen)\s+(?:at|to|as)\b[^.;]*$", re.I)
# "reduce cell efficiencies by as much as 4%", "efficiency reductions of up to 4%", "affects the prediction by less
# than 5%": the size of a change, not a value
_BY_HOW_MUCH = (r"(?:\s+(?:up\s+to|as\s+(?:much|little|high|low)\s+as|(?:more|less|fewer)\s+than|at\s+(?:least|most)|"
                r"nearly|almost|around|roughly|only|over|some))?")
_CHANGE_BEFORE = re.compile(rf"\b(?:(?:{CHANGE_VERB}|affect\w*)(?:\s+[^.;]{{0,60}}?)?\s+\(?by{_BY_HOW_MUCH}"
                            rf"(?:\s+a\s+factor\s+of)?|(?:enhancement|improvement|increase|decrease|reduction|gain|rise|"
                            rf"decline|variation|change|fluctuation)s?\s+of{_BY_HOW_MUCH}|(?:increased|decreased|rose|"
                            rf"dropped|fell|grew|shifted|changed|improved|reduced)(?:\s+only)?)\s+{APPROX}$", re.I)
# "at least 160% larger than", "a 3% improvement", "up to 25% variation", "5-7% uncertainty": a change or a spread,
# not a value
_CHANGE_AFTER = re.compile(r"\s*(?:larger|smaller|higher|lower|greater|less|more|bigger|improvement|increase|decrease|"
                           r"reduction|enhancement|gain|drop|variations?|variability|uncertaint(?:y|ies)|losses|loss|"
                           r"fluctuations?|deviations?|differences?|discrepanc(?:y|ies))\b", re.I)
_EQUALS_AFTER = re.compile(r"\s*[=≈]\s*")
# "Rp = 3.07%": a value assigned to a symbol
_ASSIGNED = re.compile(r"(?<![\w)])([^\s=(),;:]{1,10})\s*[=≈]\s*$")
_HELD_BEFORE = re.compile(r"\b(?:constant|applied|fixed)\s+$", re.I)
_HELD_AT = re.compile(r"\b(?:[Aa]t|[Uu]nder)\s+(?:(?:a|an|the|\w+ly|very|high|higher|low|lower|constant|fixed|"
                      r"given|moderate|large|larger|small|smaller)\s+){0,3}$")
# "energy step of 0.4eV", "the duration for CVD deposition": a step of a scan, the time or temperature of a process
_STEP_AFTER = re.compile(r"\s+(?:steps?|increments?)\b")
# "heated up to a target temperature of 333 K", "the aim current density of 0.8 A/cm2", "the usual target value of
# Ohmic ASR": a value aimed at; "fatigue tests of 450 MPa": the load of a test the property names
_TARGET_BEFORE = re.compile(r"\b(?:target|desired|aim(?:ed)?|required|intended|set-?point)\s+(?:values?\s+(?:of|for)\s+"
                            r"(?:the\s+)?)?(?:[\w-]+\s+){0,2}$", re.I)
_TEST_AFTER = re.compile(r"\s+(?:tests?|testing)\b", re.I)
# "a nitrate solution having different weight percentages of Fe (0, 3, 7, and 12 wt%)", "varying the stacking number
# (10, 20, and 30)": the levels a study chose for its variable
_VARIED_BEFORE = re.compile(r"(?:\b(?:with|of|having|possessing|at|using|in|for)\s+(?:the\s+)?(?:\w+\s+)?(?:different|"
                            r"various|varying|several)|\bvary(?:ing)?(?:\s+the)?)\s+(?:[\w%-]+\s+){0,2}$", re.I)
# "frequency range: 1 MHz–0.1 Hz", "in the potential region from 0 to − 0.7 V": the span a measurement swept (only
# after the generic name of a condition: "the particle size ranges from 10 to 50 nm" is a finding)
_SWEEP_AFTER = re.compile(r"\s+(?:ranges?|regions?|windows?|intervals?)\b")
_FOR_PROCESS_AFTER = re.compile(rf"\s+(?:for|of)\s+(?:the\s+)?(?:[\w-]+\s+)?{_PROCESS}s?\b", re.I)
_SWEPT = re.compile(r"\bby\s+(?:chang|sweep|vary|varying|scann|ramp|stepp)\w*\b[^.;]*$", re.I)
_RATIO_HELD = re.compile(r"\b(?:[Aa]t|with|keeping|using)\s+(?:(?:a|an|the)\s+)?\(?$")
_ANGLES = frozenset({"°", "arcsec", "arcmin"})
_ANGLE_NAME = re.compile(r"(?i)angle|2?[θΘ]|tilt|orient|rotat|twist|misorient|mosaic|fwhm|width|half[- ]maximum|"
                         r"rocking|peak|position|reflection|diffraction|slope|off-?cut|cut-?off|miscut|phase|steps?\b|scan|angular")
_HARDNESS_NAME = re.compile(r"(?i)hardness|^H(?:V|RC|RB|BW?)\d*$")
# Dimensions (temperature, time) a property of unknown dimension never takes, unless its name says it does.
_KELVIN, _HEATING_RATE = _dims_of(parse_unit("K").dims), _dims_of(parse_unit("K min-1").dims)
_SETTING_DIMS = frozenset({_KELVIN, _dims_of(parse_unit("s").dims)})
_PASCAL = _dims_of(parse_unit("Pa").dims)
_PRESSURE_NAME = re.compile(r"(?i)stress|strength|modul|pressure|hardness|tensile|compress|load|fatigue|tests?\b|"
                            r"\bpoints?\b|limit|resistance|\bbp\b|\buts\b|\bys\b|ultimate|yield")
# Dimensions (mass, volume, amount of substance) of sample portions, taken only by a name that says so.
_AMOUNT_DIMS = frozenset(_dims_of(parse_unit(u).dims) for u in ("g", "L", "mol"))
_MOLARITY = _dims_of(parse_unit("M").dims)
_MOLARITY_NAME = re.compile(r"(?i)concentration|molarity|solubility|content|densit|level|^[cn]\w{0,4}$|solution|"
                            r"electrolyte|^\[")
_AMOUNT_NAME = re.compile(r"(?i)mass|weight|amount|volume|loading|uptake|dos(?:e|age)|quantit|consumption|mw\b|^m$")
_TEMPERATURE_NAME = re.compile(r"(?i:\b(?:points?|transitions?|onset|temperatures?|isotherm\w*)\b)"
                               r"|^T(?:[A-Z\d]\w{0,2}|[a-z]{1,5})?$")
_FREQUENCY_NAME = re.compile(r"(?i)fre-?\s*quenc|resonan|bandwidth|cut-?off|rate|speed|^(?:f|ν|ω)\w{0,3}$")
_TIME_NAME = re.compile(r"(?i:\b(?:onset|life(?:time)?|times?|durations?|periods?|durability|stability|ag(?:e?ing))"
                        r"\b)|^t(?:[A-Z\d]\w{0,2}|[a-z]{1,5})?$")


def _window(sent_start: int, pos: int, width: int = 60) -> int:
    """Start of the look-behind window before ``pos`` (cue regexes never scan a whole long sentence)."""
    return max(sent_start, pos - width)


def _is_condition(text: str, q: Quantity | Entity, sent_start: int) -> bool:
    """Whether a quantity (or a property mention) follows a condition cue: ``at 800 °C``, ``under 0.7 V``, ``at a
    current density of 0.5 A cm−2``."""
    return bool(_CONDITION_CUE.search(text, _window(sent_start, q.start), q.start))


def _pair_score(text: str, p: Entity, q: Quantity, sent_start: int) -> float | None:
    """Lower is better; ``None`` when ``q`` cannot be the value of ``p``."""
    name = p.text
    if not compatible(name, q):
        return None
    if q.start >= p.end:
        gap = text[p.end : q.start]
        if len(gap) > _AFTER_CUE_MAX or ";" in gap:
            return None
        score = len(gap)
    elif q.end <= p.start:
        gap = text[q.end : p.start]
        if not _BEFORE_CUE.match(gap):
            return None
        score = PENALTY["before"] + len(gap)
    else:
        return None
    if q.unit is None:
        score += PENALTY["unitless"]
    if expected_dims(name) is None and _is_condition(text, q, sent_start):
        score += PENALTY["condition"]
    return score


def _sentence_quantities(text: str, sent: Sentence, blocked: Sequence[Entity]) -> list[Quantity]:
    """Quantities of one sentence with document offsets, leaving out numbers inside mentions or ``[12]`` and the
    cells of a flattened table (:data:`_CELL_BEFORE`)."""
    base = sent.start
    out = []
    for q in parse_quantities(text[sent.start : sent.end]):
        q = replace(q, start=q.start + base, end=q.end + base)
        if any(e.start < q.end and q.start < e.end for e in blocked):
            continue
        if (_not_a_value(text, q, sent.start) if q.unit is None
                else _FIGURE_REF.search(text, _window(sent.start, q.start), q.start)):
            continue  # a bare number that is no value, or a panel of a figure read as a unit ("Fig. 4A")
        if _LATER_AFTER.match(text, q.end):
            continue  # "a second measurement was made more than 24h later": a delay, not a value
        if _SCALE_BAR_AFTER.match(text, q.end) or _SCALE_BAR_BEFORE.search(text, _window(sent.start, q.start), q.start):
            continue  # "(200 nm scale bar)", "scale bar in (c) is 2 μm"
        if (_MODEL_GLUED.search(text, max(sent.start, q.start - 8), q.start) and not any(c.isspace() for c in
                                                                                         text[q.start : q.end])
                or q.value == 1000 and q.unit in _ARRHENIUS_UNITS):
            continue
        if _GLUED_MODEL.fullmatch(text, q.start, q.end) and (
                _PRODUCT_AFTER.match(text, q.end) or _MAKER_BEFORE.search(text, max(sent.start, q.start - 30), q.start)):
            continue  # "2182A Nanovoltmeter", "(Agilent 34001A)": a model number
        if _CELL_BEFORE.search(text, max(sent.start, q.start - 16), q.start) or _CELL_AFTER.match(text, q.end, sent.end):
            continue  # a cell of a flattened table
        out.append(q)
    return out


def _not_a_value(text: str, q: Quantity, sent_start: int) -> bool:
    """A bare number that is a citation (``[12]``, ``ref. 12``, ``cells 12,13``), a figure/table/equation/sample
    number or a label's (``Defect 2``, ``sample 3``), a heading, list, page (``4 of 10``, ``p 2973–2981``) or
    equation (``(3) (4) (5)``) number or a term of an equation (``= 1 − R``), a year, a model number, a member of
    a ratio (``4:1:1``) or a product (``3600 × EA``, ``50 CTL``), part of a word or name (``3D``, ``PC70BM``,
    ``poly(3-hexylthiophene)``), or the value of a composition variable (``for x = 0, 0.1 and 0.2``)."""
    win = _window(sent_start, q.start)
    raw = text[q.start : q.end]
    integer = raw.isdigit()
    first = q.start - sent_start <= 8 and not text[sent_start : q.start].strip(" \t\n(")  # opens the sentence
    return bool(
        _BRACKETED.search(text, win, q.start)
        or _REFERENCE.search(text, win, q.start)
        or (q.end < len(text) and text[q.end].isalpha())
        or (q.start > 0 and text[q.start - 1].isalpha())
        or _NAME_PART.match(text, q.end)
        or ((first or _LINE_START.search(text, win, q.start)) and _HEADING_AFTER.match(text, q.end))
        or _SECTION_NUMBER.match(text, q.end)
        or (_DECIMAL.fullmatch(raw) and _GLUED_HEADING.match(text, q.end))
        or _cited(text, q, win)
        or _HARDNESS_SCALE_BEFORE.search(text, win, q.start)
        or _CODE_PART_BEFORE.search(text, win, q.start)
        or _miller(text, q, raw)
        or _SIZE_FACTOR_AFTER.match(text, q.end)
        or (integer and _EQUATION_NUMBER.search(text, win, q.start) and text.startswith(")", q.end))
        or (integer and _CITE_LIST.match(text, q.end))
        or (integer and _PAGE_OF.match(text, q.end))
        or (integer and (_NUMBERED_AFTER.match(text, q.end) or _NUMBERED_BEFORE.search(text, win, q.start)))
        or (integer and text.startswith(")", q.end) and (first or _ENUM_BEFORE.search(text, win, q.start)
                                                         or _EQUATION_WHERE.match(text, q.end)
                                                         or (text[q.start - 1:q.start] == "("
                                                             and _ENUM_AFTER.match(text, q.end))))
        or _OPERATOR_AFTER.match(text, q.end)
        or (integer and len(raw) == 4 and int(raw) in _YEARS)
        or (integer and len(raw) <= 2 and _LABEL_BEFORE.search(text, win, q.start)
            and not _EQUALS_AFTER.match(text, q.end))
        or (_PAGES.fullmatch(raw) and _PAGES_BEFORE.search(text, win, q.start))
        or (integer and len(raw) >= 3 and _MODEL_BEFORE.search(text, win, q.start))
        or _RATIO_PART.match(text, q.end) or _RATIO_PART_BEFORE.search(text, win, q.start)
        or _TERM_AFTER.match(text, q.end) or _TERM_BEFORE.search(text, win, q.start)
        or _SYMBOL_AFTER.match(text, q.end)
        or _FACTOR_AFTER.match(text, q.end)
        or (_TIMES_AFTER.match(text, q.end) and _CHANGED_TIMES.search(text, win, q.start))
        or (q.unit is None and _COMPOSITION_VALUE_BEFORE.search(text, win, q.start))
        or _chained(text, q)
    )


def _cited(text: str, q: Quantity, win: int) -> bool:
    """Whether ``q`` is a citation number set in the prose: glued after a sentence's full stop ("high
    efficiency.1, 2, 3 Furthermore", "efficiency.137–139 Some"), or set off by a comma after a word and before the
    sentence goes on ("act as a quantum-well, 8 the generation")."""
    for m in _CITE_AFTER_STOP.finditer(text, win, min(len(text), q.end + 40)):
        if m.start() <= q.start and q.end <= m.end():
            return True
    return _CITE_AFTER_COMMA.search(text, win, q.start) is not None and _CITE_GOES_ON.match(text, q.end) is not None


# "efficiency.1, 2, 3 Furthermore": numbers glued to a full stop, up to the next sentence
_CITE_AFTER_STOP = re.compile(r"(?<=[a-z)]\.)\d{1,3}(?:\s*[,–-]\s*\d{1,3})*(?=\s+[A-Z]|\s*$)")
_CITE_AFTER_COMMA = re.compile(r"[a-z],\s$")
_CITE_GOES_ON = re.compile(r"\s+(?:the|a|an|this|these|which|it|its|and|in|to|we)\s")


def _miller(text: str, q: Quantity, raw: str) -> bool:
    """Whether ``q`` is a Miller index in brackets: "(002)", "d(110)", "the (111) plane"."""
    if not (len(raw) == 3 and raw.isdigit() and text[q.start - 1:q.start] in "([" and text[q.end:q.end + 1] in ")]"):
        return False
    return (raw[0] == "0" or text[q.start - 2:q.start - 1].isalpha()
            or _LATTICE_PLANE_AFTER.match(text, q.end + 1) is not None)


_LATTICE_PLANE_AFTER = re.compile(r"\s*(?:planes?|peaks?|reflections?|facets?|surfaces?|orientations?|diffraction)\b")
# "RMS values of 20 × 20 μm 2 AFM scans": one side of a size, not a value of the name
_SIZE_FACTOR_AFTER = re.compile(r"\s?[×x]\s?\d+(?:\.\d+)?\s?(?:[nµμ]m|mm|cm|m)\b")
# "the stiffness-temperature model (2)", "Eq. (3)" spelled out: the number of an equation
_EQUATION_NUMBER = re.compile(r"\b(?:model|equations?|relations?|laws?|expressions?|formulas?|functions?|criterion)\s\($",
                              re.I)
_DECIMAL = re.compile(r"\d+\.\d+")
_LATER_AFTER = re.compile(r"\s+(?:later|earlier|ago|afterwards)\b")
_GLUED_HEADING = re.compile(r"\.[A-Z][a-z]")  # "Results 3.1.Web Distribution and Hardness Evolution"
_HARDNESS_SCALE_BEFORE = re.compile(r"(?<!\w)HV\s?$")  # "the HV 0.3 hardness": the test load of a Vickers scale
_CODE_PART_BEFORE = re.compile(r"(?<!\S)\S*[A-Za-z]\S*[-‐]$")  # "18CrNiMo7-6 gear steel": the end of a grade's name


def _chained(text: str, q: Quantity) -> bool:
    """Whether the number lies in a chain of three or more numbers joined by hyphens (a model "2-268-3", a card
    "34-0394" after "PDF", a date "2019-12-03"): a code, no value."""
    for m in _NUMBER_CHAIN.finditer(text, max(0, q.start - 40), min(len(text), q.end + 40)):
        if m.start() <= q.start < m.end() and (m.group().count("-") + m.group().count("–") >= 2
                                                or _CARD_BEFORE.search(text, max(0, m.start() - 14), m.start())):
            return True
    return False


_NUMBER_CHAIN = re.compile(r"(?<!\w)(?<!\d\.)\d+(?:[-–]\d+)+(?!\w|\.\d)")
_CARD_BEFORE = re.compile(r"\b(?:PDF|JCPDS|ICDD|ICSD|card)\s*(?:#|no\.?|number)?\s*[:=]?\s*$", re.I)
# "obtained for x = 0, 0.1 and 0.2 are 3.9760(3), 3.9739(4) and 3.9654(2) Å": values of a composition variable
_COMPOSITION_VALUE_BEFORE = re.compile(r"(?<!\w)[xyz]\s*=\s*(?:[−-]?\d+(?:\.\d+)?\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+|"
                                       r"\s*[-–]\s*))*$")


def value_pairs(text: str, props: list[Entity], qs: list[Quantity], sent: Sentence) -> list[tuple[int, int, dict]]:
    """Candidate (property index, quantity index, features) pairs of a sentence for the learned value linker: the
    quantities within :data:`LEARNED_WINDOW` that are :func:`compatible` with the property."""
    starts = [q.start for q in qs]
    before, after = LEARNED_WINDOW
    out = []
    for i, p in enumerate(props):
        for j in range(bisect_left(starts, p.start - before), bisect_right(starts, p.end + after)):
            q = qs[j]
            if q.start < p.end and p.start < q.end or not compatible(p.text, q):
                continue
            feats = value_features(text, p, q, props, qs, dims_known=expected_dims(p.text) is not None,
                                   sent_start=sent.start)
            out.append((i, j, feats))
    return out


def _link_values(text: str, props: list[Entity], qs: list[Quantity], sent: Sentence, scorers: Scorers | None
                 ) -> dict[int, list[Quantity]]:
    """Property index -> its values: best pairs first (learned probability, or the heuristic score without
    ``scorers``), one property per quantity, lists extended."""
    if scorers is not None:
        cands = value_pairs(text, props, qs, sent)
        probs = scorers.value.probabilities([f for _, _, f in cands])
        pairs = [(-pr, i, j) for pr, (i, j, _) in zip(probs, cands) if pr >= scorers.value.threshold]
    else:
        pairs = _heuristic_pairs(text, props, qs, sent)
    taken_p: dict[int, list[Quantity]] = {}
    taken_q: set[int] = set()
    for _, i, j in sorted(pairs):
        if i in taken_p or j in taken_q:
            continue
        taken_p[i], taken_q = [qs[j]], taken_q | {j}
        k = j + 1
        while k < len(qs) and k not in taken_q and qs[j].start > props[i].start and _continues(text, qs[k - 1], qs[k]):
            taken_p[i].append(qs[k])
            taken_q.add(k)
            k += 1
    _more_values(props, qs, taken_p, taken_q)
    return taken_p


_NAME_AFTER_VALUE = re.compile(r"\s*\(\s*$|\s+in\s+$")  # "30 mm (length)", "7 μm in diameter"


def _named_after_value(text: str, props: list[Entity], qs: list[Quantity], links: dict[int, list[Quantity]]
                     ) -> dict[int, list[Quantity]]:
    """A name in brackets or after "in" right after a value names that value ("30 mm (length)×6 mm (width)×1.5 mm
    (thickness)", "7 μm in diameter and 1-6 mm long"): it takes that value alone, and no other name keeps it."""
    ends = {q.end: q for q in qs}
    named = {}
    for i, p in enumerate(props):
        cue = _NAME_AFTER_VALUE.search(text, max(0, p.start - 5), p.start)
        if cue and (cue.group().strip() == "in" or text[p.end:p.end + 2].lstrip().startswith(")")):
            q = ends.get(cue.start())
            if q is not None:
                named[i] = q
    if not named:
        return links
    taken = {id(q) for q in named.values()}
    out = {i: [q for q in vs if id(q) not in taken] for i, vs in links.items() if i not in named}
    return {i: vs for i, vs in out.items() if vs} | {i: [q] for i, q in named.items()}


def _heuristic_pairs(text: str, props: list[Entity], qs: list[Quantity], sent: Sentence
                     ) -> list[tuple[float, int, int]]:
    """(score, property index, quantity index) of the pairs :func:`_pair_score` accepts."""
    starts = [q.start for q in qs]
    pairs = []
    for i, p in enumerate(props):
        for j in range(bisect_left(starts, p.start - _BEFORE_MAX), bisect_right(starts, p.end + _AFTER_CUE_MAX)):
            score = _pair_score(text, p, qs[j], sent.start)
            if score is not None:
                pairs.append((score, i, j))
    return pairs


def _more_values(props: list[Entity], qs: list[Quantity], taken_p: dict[int, list[Quantity]], taken_q: set[int]
                 ) -> None:
    """Give a left-over quantity with a unit to a property that already has values of the same unit dimension, with
    no other property mention between: after its last value (``varied between 182 and 322 mV … where it was
    610 mV``), or between the mention and its last value (``capacitance … are 0.629, 0.547 mF/cm2 …, and of the
    value for DLWT are 7.45, 6.89 mF/cm2``, where the linker's best pair is the second list)."""
    for j, q in enumerate(qs):
        if j in taken_q or q.unit is None:
            continue
        i = _value_owner(props, q, taken_p)
        if i is not None:
            taken_p[i].append(q)
            taken_p[i].sort(key=lambda v: v.start)
            taken_q.add(j)


def _value_owner(props: list[Entity], q: Quantity, taken_p: dict[int, list[Quantity]]) -> int | None:
    """The property of :func:`_more_values` for the left-over quantity ``q``, if any."""
    def free(a: int, b: int) -> bool:
        return not any(a <= p.start < b for p in props)

    after = [i for i, vs in taken_p.items() if 0 <= q.start - vs[-1].end <= _AFTER_CUE_MAX]
    if after:
        i = max(after, key=lambda i: taken_p[i][-1].end)
        last = taken_p[i][-1]
        if _dims(last) == _dims(q) and free(last.end, q.start):
            return i
    for i, vs in taken_p.items():
        p = props[i]
        if p.end <= q.start and q.end <= vs[-1].start and _dims(vs[0]) == _dims(q) and free(p.end, q.start):
            return i
    return None


def _continues(text: str, a: Quantity, b: Quantity) -> bool:
    """``b`` is the next item of a list starting with ``a`` (same unit, only a list separator between)."""
    return a.unit == b.unit and bool(_LIST_SEP.fullmatch(text, a.end, b.start))


def material_pairs(text: str, props: list[Entity], mats: list[Entity]) -> list[tuple[int, int, dict]]:
    """Candidate (property index, material index, features) pairs of a sentence for the learned material linker."""
    return [(i, k, material_features(text, p, m, props, mats))
            for i, p in enumerate(props) for k, m in enumerate(mats) if m.end <= p.start or p.end <= m.start]


def _learned_materials(text: str, props: list[Entity], mats: list[Entity], scorers: Scorers) -> dict[int, Entity]:
    """Property index -> its most probable material of the sentence."""
    cands = material_pairs(text, props, mats)
    best: dict[int, tuple[float, Entity]] = {}
    for pr, (i, k, _) in zip(scorers.material.probabilities([f for _, _, f in cands]), cands):
        if i not in best or pr > best[i][0]:
            best[i] = (pr, mats[k])
    return {i: m for i, (_, m) in best.items()}


def _material_for(text: str, p: Entity, mats: Sequence[Entity]) -> Entity | None:
    """Heuristic linker: the material named by a cue (``band gap of TiO2``, ``TiO2 (band gap``, ``TiO2's``), else
    the nearest."""
    for m in mats:
        if m.start >= p.end and _MAT_AFTER.fullmatch(text, p.end, m.start):
            return m
        if m.end <= p.start and p.start - m.end < 40 and _MAT_BEFORE.fullmatch(text, m.end, p.start):
            return m
    if not mats:
        return None
    return min(mats, key=lambda m: (m.start - p.end) if m.start >= p.end else (p.start - m.end) * 0.8)


def material_mentions(text: str, sentences: Sequence[Sentence],
                      spans: Iterable[tuple[int, int]] | None = None) -> list[Entity]:
    """Material mention ``spans`` (default: those :func:`matnlp.extractors.materials.extract_materials` finds) as
    ``MAT`` entities."""
    if spans is None:
        spans = (span for m in extract_materials(text, sentences=sentences) for span in m.mentions)
    return [Entity(a, b, "MAT", text[a:b]) for a, b in sorted(set(spans))]


def _sentence_properties(text: str, sent: Sentence, props: list[Entity], mats: list[Entity],
                         scorers: Scorers | None) -> list[Property]:
    sentence = text[sent.start : sent.end]
    qs = [] if _NOT_PROSE.search(sentence) or _numeric_run(sentence) else _sentence_quantities(text, sent, props + mats)
    inside = {i for i, p in enumerate(props) if _inside_material(p, mats)}
    valued = [i for i, p in enumerate(props) if i not in inside and not takes_no_value(text, p)]
    named = [props[i] for i in valued]
    links = _named_after_value(text, named, qs, _link_values(text, named, qs, sent, scorers))
    values = {valued[k]: v for k, v in _respectively(links, text, named).items()}
    owners = _not_atmospheres(text, sent, mats)
    learned = _learned_materials(text, props, owners, scorers) if scorers is not None else {}
    out = []
    for i, p in enumerate(props):
        if i in inside:
            continue
        material = learned.get(i) if scorers is not None else _material_for(text, p, owners)
        vals = _admissible(text, p, values.get(i, []))
        names = (_member_names(text, p, len(vals)) or _coordinated_names(text, p, len(vals))
                 or [_core_level_name(p.text) or canonical_name(p.text)] * len(vals))
        setting = (is_setting(p.text, sentence) or is_setting(_with_modifiers(text, p, sent), sentence)
                   or _chosen(text, p))
        respective = _respective_materials(text, vals, owners, sent)
        out.extend(_property(p, q, respective.get(q.start, material), sent, name,
                             setting or _set_value(text, q, sent, p) or _said_set(sentence, name, p, q, sent))
                   for q, name in zip(vals, names))
        if not vals:
            out.append(_property(p, None, material, sent, setting=setting))
    _attach_conditions(text, sent, qs, out)
    for prop in out:
        if prop.value is not None:
            prop.value = bounded(text, prop.value)
    return out


def _said_set(sentence: str, name: str, p: Entity, q: Quantity, sent: Sentence) -> bool:
    """Whether the setting model (:mod:`.settings`) reads the value as set in words the rules do not list."""
    model = default_setting_model()
    if _TRANSITION_NAME.fullmatch(p.text) or _MATERIAL_TEMPERATURE.search(
            sentence, max(0, p.start - sent.start - 30), p.end - sent.start):
        return False  # "Ac1 temperatures … were around 620 ± 10 °C", "Curie temperature": the material's, found
    if _IMAGED.search(sentence):
        return False  # "SEM showed a 0.8 mm thick porous metal support": a size seen on the result, found
    return model is not None and model.is_setting(sentence, name, p.start, q, sent.start)


_IMAGED = re.compile(r"\b(?:SEM|TEM|AFM|micrographs?|images?|cross-sections?|tomograph\w*)\s+(?:\w+\s+)?"
                     r"(?:show(?:s|ed|n)?|reveal(?:s|ed)?|indicat(?:es|ed)|display(?:s|ed)|confirm(?:s|ed))\b", re.I)


_SCALE_BAR_AFTER = re.compile(r"\s*scale\s+bars?\b", re.I)
_SCALE_BAR_BEFORE = re.compile(r"\b(?:(?:scale|data)[\s-]+)?bars?\b[^.;]{0,20}?(?:is|are|=|:|of|,|corresponds?\s+to|"
                               r"represents?|indicates?)\s*$", re.I)
# A reference entry holds a DOI, and a table the PMC text flattens opens with its id ("materials-09-00858-t001_Table
# 1 Table 1 …"), and the keywords line ("Keywords: …; stress intensity factor 1."): their numbers are no values.
_NOT_PROSE = re.compile(rf"\b10\.\d{{4,9}}/\S+|{TABLE_ID}|^\s*(?i:key\s*words?)\s*:")
# A bare number next to a value is a cell of a table flattened into text ("0.75 M CGO 4.6 250 38 2.3", "SD = 0.27
# 630 MPa 1.1·10 6").
_CELL_BEFORE, _CELL_AFTER = re.compile(rf"(?:^|\s){CELL}\s+$"), re.compile(rf"\s+{CELL}(?=\s|$)")


def _numeric_run(sentence: str) -> bool:
    """Whether a "sentence" is a table flattened without its id: at least 15 numbers making up over a third of its
    words ("x = 0.05 x = 0.1 a (Å) 3.85477(4) 3.85929(6) c (Å) 7.7420(1) …")."""
    words = sentence.split()
    numbers = sum(1 for w in words if _NUMERIC_WORD.match(w))
    return numbers >= 15 and numbers * 3 > len(words)


_NUMERIC_WORD = re.compile(r"[(\[]?[−-]?\d")


_COORDINATED = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?:the\s+)?")


def _respectively(values: dict[int, list[Quantity]], text: str, props: list[Entity]) -> dict[int, list[Quantity]]:
    """``values`` (mention index -> linked values) with coordinated mentions given their values in order when the
    sentence says ``respectively``: "the thickness and diameter were 2 mm and 13 mm, respectively" (the linker
    gives both to the nearer name)."""
    i = 0
    while i < len(props):
        j = i
        while j + 1 < len(props) and _COORDINATED.fullmatch(text, props[j].end, props[j + 1].start):
            j += 1
        if j > i and _RESPECTIVELY.search(text, props[j].end, props[j].end + 200):
            found = {q.start: q for k in range(i, j + 1) for q in values.get(k, []) if q.start > props[j].end}
            if len(found) == j - i + 1:
                for k, start in zip(range(i, j + 1), sorted(found)):
                    values[k] = [found[start]]
        i = j + 1
    return values


def _respective_materials(text: str, vals: list[Quantity], mats: list[Entity], sent: Sentence) -> dict[int, Entity]:
    """The material of each value (by value start) of a "respectively" list whose materials are listed in the same
    order and number: "0.826, 0.853, 0.938, and 1.834 W cm−2 for PBMCo, PBMCo-3-Fe, PBMCo-7-Fe, and PBMCo-12-Fe,
    respectively" gives each value its own material, not the first one; the list lies between the values and
    "respectively", or before the values (empty when the sentence pairs none)."""
    if len(vals) < 2:
        return {}
    starts = sorted(q.start for q in vals)
    last = max(q.end for q in vals)
    respectively = _RESPECTIVELY.search(text, last, sent.end)
    if not respectively:
        return {}
    runs = [r for r in _coordinated_runs(text, mats) if len(r) == len(vals)]
    after = [r for r in runs if r[0].start >= last and r[-1].end <= respectively.start()]
    before = [r for r in runs if r[-1].end <= starts[0]]
    run = after[0] if after else before[-1] if before else None
    return dict(zip(starts, run)) if run else {}


def _coordinated_runs(text: str, mats: list[Entity]) -> list[list[Entity]]:
    """The mentions in runs joined by commas or "and" ("PBMCo, PBMCo-3-Fe, and PBMCo-12-Fe")."""
    runs: list[list[Entity]] = []
    for m in sorted(mats, key=lambda e: e.start):
        if runs and _COORDINATED.fullmatch(text, runs[-1][-1].end, m.start):
            runs[-1].append(m)
        else:
            runs.append([m])
    return runs


def _not_atmospheres(text: str, sent: Sentence, mats: list[Entity]) -> list[Entity]:
    """The material mentions of a sentence that can own a value: not a gas named as the atmosphere ("1.2 W cm−2 at
    800 °C in H2" is no property of H2)."""
    gases = [m.span("gas") for m in _ATMOSPHERE.finditer(text, sent.start, sent.end)]
    return [m for m in mats if not any(a <= m.start and m.end <= b for a, b in gases)]


def _inside_material(p: Entity, mats: Sequence[Entity]) -> bool:
    """Whether a property mention lies inside a material mention ("Ni-YSZ (12.5 ppm K−1)" tagged as a property) or
    is made of material mentions joined by a hyphen or space ("the PBMCo-LSGM were 0.033 Ω cm2"): the
    material is what the value belongs to, not a property."""
    rest = p.text
    for m in mats:
        if m.start <= p.start and p.end <= m.end:
            return True
        if p.start <= m.start and m.end <= p.end:
            rest = rest[: m.start - p.start] + " " * (m.end - m.start) + rest[m.end - p.start :]
    return rest != p.text and not rest.strip(" -‐")  # "C/Si = 1" is a ratio


# A gas named where a value follows ("supplied as fuel gas to the anode (60 cm3 min−1)", "in both air (8–60 S cm−1)
# and hydrogen (4–8 S cm−1)"): the atmosphere the value was found in or the flow of it, not a property.
_GAS_NAME = re.compile(r"(?i)(?:hydrogen|oxygen|nitrogen|argon|helium|air|methane|steam)|H2|O2|N2|Ar|He|CO2?|CH4|H2O")
# "Ba0.5Sr0.5Co0.8Fe0.2O3−δ of ∼0.97 … W cm−2": the oxygen non-stoichiometry closing a formula, no property
_FORMULA_SUFFIX = re.compile(r"[A-Za-z0-9)\]]\s?[−-]$")
# "for Sr, Mo, Mg and O were": an element ending a list of elements (not "Tm = 280 °C and P = 4 MPa": a unit's C)
_LISTED_BEFORE = re.compile(r"(?<![\w°/.-])(?<!\d\s)([A-Z][a-z]?)\s*(?:,|,?\s+and|,?\s+or)\s+$")
_ASSIGNED_AFTER = re.compile(r"\s*[=≈]")
_MODIFIER_OF_MATERIAL = re.compile(r"\b(?:low|high)[- ]$", re.I)
_MATERIAL_NOUN = re.compile(r"(?i)^[\w -]*?\b(?:glass(?:es)?|powders?|silica|carbon|alumina|alloys?|solders?|metals?|"
                            r"polymers?|supports?)\b")


def takes_no_value(text: str, p: Entity) -> bool:
    """Whether a property mention can have no value: a name used as a modifier of a material ("low melting point
    glass"), a gas (the atmosphere a value was found in), the δ closing a formula; when no lexicon term heads it, a quality
    (:data:`_QUALITIES`), an adjective (``dense``) or an acronym the paper defines as something that is no property
    (``porous carbon prepared by DLW on PI (DLWP)``: a sample code). Settings keep their values, flagged
    (:attr:`Property.setting`)."""
    name = canonical_name(p.text)
    if _MODIFIER_OF_MATERIAL.search(text, max(0, p.start - 6), p.start) and _MATERIAL_NOUN.search(
            text[p.start : p.end + 12]):
        return True  # "low melting point glass powder", "high surface area silica"
    if _GAS_NAME.fullmatch(name) or (len(name) == 1 and _FORMULA_SUFFIX.search(text, max(0, p.start - 3), p.start)):
        return True
    if name in ELEMENT_SET and (listed := _LISTED_BEFORE.search(text, max(0, p.start - 12), p.start)) and (
            listed.group(1) in ELEMENT_SET) and not _ASSIGNED_AFTER.match(text, p.end):
        return True  # "the coherent scattering lengths for Sr, Mo, Mg and O were …": an element of a list
    if expected_dims(name) is not None:
        return False
    words = name.split()
    return (words[-1].lower() in _QUALITIES or (len(words) == 1 and _ADJECTIVE.fullmatch(name) is not None)
            or (_ACRONYM.fullmatch(name) is not None and _acronym_of_a_thing(text, name.rstrip("s"))))


@lru_cache(maxsize=512)
def _acronym_of_a_thing(text: str, acronym: str) -> bool:
    """Whether ``text`` uses ``acronym`` for a sample, material or method rather than a property: it defines it as
    ``long form (ACRONYM)`` with no property term in the long form (``electrochemical surface area (ECSA)`` has
    one), or, defined as nothing, writes it as an owner (``DLWP’s``, ``the structure of DLWT``). Cached per text
    and acronym: a paper repeats its acronyms."""
    found = re.search(rf"\(\s*{re.escape(acronym)}s?\s*\)", text)
    if found:
        before = text[max(0, found.start() - 120) : found.start()]
        long_form = " ".join(re.split(r"[()\[\]]", before)[-1].split()[-_DEFINED:])
        return bool(long_form) and head_term(long_form) is None and not _DIMENSIONLESS_WORD.search(long_form)
    for owner in re.finditer(rf"\b(?:of|for)\s+(?:the\s+)?{re.escape(acronym)}(?![\w-])|"
                             rf"\b{re.escape(acronym)}['’]s\b", text):
        if owner.group()[0] == acronym[0]:
            return True
        before = text[max(0, owner.start() - 40) : owner.start()].split()[-3:]
        if before and (head_term(" ".join(before)) or before[-1].lower() in _QUALITIES):
            return True
    return False


def _chosen(text: str, p: Entity) -> bool:
    """Whether the clause says the quantity was chosen, not measured: "the NACE-recommended temperatures—595 °C
    and 620 °C—were used", "Parameters are kept at UGS = 18 V, RG = 37.5 Ω", "under a constant cathodic current
    density of 200 mA·cm−2", "at relatively high drain current (∼1×10−6 A)", a sweep ("performed by changing the
    voltage of the cell from the OCV to 0.1 V"), a feed ratio the growth was run at ("grown with C/Si = 1",
    "keeping a Si/H2 ratio of 0.25%"), the step of a scan ("energy step of 0.4eV"), a value aimed at ("a target
    temperature of 333 K"), the load of a test the mention names ("fatigue tests of 450 MPa") or, after a condition's generic
    name, the process it belongs to or the span swept ("the duration for CVD deposition", "frequency range: …")."""
    return bool(_CHOSEN_AFTER.match(text, p.end, p.end + 160) or _CHOSEN_BEFORE.search(text, max(0, p.start - 120),
                                                                                      p.start)
                or _HELD_BEFORE.search(text, max(0, p.start - 12), p.start)
                or (_HELD_AT.search(text, max(0, p.start - 40), p.start) and not _observed_at(text, p.start))
                or _SWEPT.search(text, max(0, p.start - 120), p.start)
                or _STEP_AFTER.match(text, p.end) or _TEST_AFTER.match(text, p.end)
                or _TARGET_BEFORE.search(text, max(0, p.start - 50), p.start)
                or _VARIED_BEFORE.search(text, max(0, p.start - 60), p.start)
                or (_CONDITION_NAME.fullmatch(canonical_name(p.text)) is not None
                    and (_FOR_PROCESS_AFTER.match(text, p.end) or _SWEEP_AFTER.match(text, p.end)) is not None)
                or ("/" in p.text or "ratio" in p.text.lower()) and _RATIO_HELD.search(text, max(0, p.start - 14),
                                                                                       p.start))


def is_setting(name: str, sentence: str) -> bool:
    """Whether a property mention names a setting of a measurement or protocol rather than a material property
    (:data:`_SETTING_NAME`: scan rate, flow rate, upper potential, pixel size, bias voltage, the temperature or time
    of a process step …), the light a sample was exposed to, or the wavelength of an X-ray source ("Cu Kα radiation
    (λ = 1.5406 Å)"), or the frequency of a cyclic load. ``name`` may carry the words before the mention ("DC bias
    voltage"). Other generic names (temperature, time, current) in sentences saying how something was measured stay
    properties: on MuLMS train, refusing them too lowered triple recall by 0.03 and
    raised precision by none."""
    name = canonical_name(name)
    return bool(_SETTING_NAME.search(name) or _SOURCE_NAME.search(name)
                or (_WAVELENGTH.fullmatch(name) and _XRAY_SOURCE.search(sentence))
                or (name in ("frequency", "frequencies") and (_CYCLIC_LOAD.search(sentence) or (
                    _IMPEDANCE.search(sentence) and not _SPECTRUM_FEATURE.search(sentence))))
                or (name == "U" and _HUBBARD.search(sentence) is not None)
                or (_BEAM_NAME.fullmatch(name) is not None and _LIGHT_SOURCE.search(sentence) is not None
                    and _CELL_WORDS.search(sentence) is None)
                or (_FEED_RATIO.fullmatch(name) is not None and _GROWTH.search(sentence) is not None))


# "A Q-switched ultraviolet laser … (power density ca. 4×104 W/cm2) was used as an irradiation source", "The UV lamp
# illuminated a 5×8 mm2 area with a power density of 0.9 W·cm−2": the beam a sample was exposed to
_BEAM_NAME = re.compile(r"(?i)(?:irradiation\s+|incident\s+|laser\s+|beam\s+)?(?:power(?:\s+densit(?:y|ies))?|"
                        r"intensit(?:y|ies)|irradiances?|fluences?|spot\s+diameters?)")
_LIGHT_SOURCE = re.compile(r"(?i)\b(?:lasers?|lamps?|(?:light|irradiation|excitation)\s+sources?|LEDs?)\b")
_CELL_WORDS = re.compile(r"(?i)\b(?:cells?|fuel|electrolytes?|anodes?|cathodes?|electrodes?|batter(?:y|ies))\b")
# "layers grown with C/Si = 1 and Si/H2 = 0.30%", "(Cl or Br)/Si = 4": the feed ratios a CVD growth was run at
_FEED_RATIO = re.compile(r"(?:\(?[A-Z][a-z]?(?:\s+or\s+[A-Z][a-z]?)?\)?\s*|[A-Z][a-z]?\d?)/\s*[A-Z][a-z]?\d?(?:\s+ratios?)?")
_GROWTH = re.compile(r"(?i)\b(?:grow(?:s|n|th|ing)?|grew|CVD|epitax\w*|feed|precursors?|carrier\s+gas|chemistr(?:y|ies))\b")
_CYCLIC_LOAD = re.compile(r"(?i)\b(?:cyclic|load(?:ing)?|fatigue)\b")  # "under the cyclic load with a frequency of 10 Hz"
# "selected frequencies (10 kHz, 100 Hz, 1 Hz) shown as open circles" in an impedance plot: frequencies applied;
# where a feature of the spectrum lies ("the relaxation frequency", "an arc at 20 Hz") is found
_IMPEDANCE = re.compile(r"(?i)\b(?:impedance|EIS|Nyquist|Bode|AC)\b")
_SPECTRUM_FEATURE = re.compile(r"(?i)\b(?:arcs?|peaks?|semicircles?|relaxation|summit|maxim(?:um|a)|characteristic|"
                               r"time\s+constants?|resonan\w+)\b")
_HUBBARD = re.compile(r"(?i)\b(?:GGA|LDA|DFT|Hubbard|on-site)\b|\+\s*U\b")  # "GGA + U … effective U values of 4.0"
# "Calculation conditions: the electrode area is about 0.2m2; … the current density is 500mA/cm2": a list of settings
_CONDITIONS_HEAD = re.compile(r"\W*(?:[\w-]+\s+){0,2}conditions?\s*:", re.I)
# "All potentials were converted … by using the following equation: ERHE = E0 + …, where E0 = 0.241 V": its constants
_CONVERSION = re.compile(r"\b(?:converted|calibrated|corrected)\b[^.;]{0,80}\b(?:equation|formula|relation)\b", re.I)


# "was limited to 5 mV", "applied to the tip was −0.05 V", "operating at constant 200kPa", "deposited at a substrate
# temperature of 450°C", "increasing the chamber pressure to … 0.4 mbar"
_SET_BEFORE = re.compile(r"\b(?:applied(?!\s+(?:as|in|for)\b)|limited(?=\s+to\b)|set|adjusted|kept|maintained|held|controlled|fixed|imposed|provided|polari[sz]ed|operat(?:ed|ing)|biased|deposit(?:ed|ing)|sputtering|using(?![^.;:,]{0,40}\bas\b)(?![^.;:,]{0,50}\b(?:was|were|is|are)\b)|(?:chosen|selected|assumed)\s+values?|(?:deposition|substrate|"
                         r"chamber|carrier|base)\s+(?:temperatures?|pressures?))\b(?:[^.;:,]|\.(?=\d)){0,50}$"
                         # "Catalyst activities were evaluated at 1.55 V": the value a measurement was made at
                         r"|\b(?:evaluated|tested|measured|performed|recorded|conducted|acquired)\s+at\s+(?:an?\s+|the\s+)?"
                         r"(?:fixed\s+|constant\s+)?$"
                         # "binding energies were calibrated using the C 1s peak at 284.5 eV": a reference
                         r"|\b(?:calibrat\w*|referenced)\b[^.;]{0,60}$"
                         # "in ambient conditions (temperature of 27°C and …", "when T = 1873 K", "Considering fO = 1"
                         r"|\bconditions?\s*\([^()]*$|\b(?:at|under)\s+(?:the\s+)?conditions?\s+of\b[^.;]{0,40}$|\b(?:when|if|assuming|considering)\b[^.;]{0,30}[=≈]\s*$"
                         # "When the voltage was lower than 0.74 V, the difference of Rct was 0": a region of a result
                         r"|\b(?:when|if|once|while)\b[^.;,]{0,40}\b(?:lower|higher|less|more|greater|smaller|larger)\s+than\s*$"
                         r"|\b(?:when|if|once|while)\b[^.;,]{0,40}\b(?:below|above|exceed(?:s|ed|ing)?)\s*$"
                         # "tensile fatigue tests under 450 MPa and 500 MPa", "at an interval of 50 °C"
                         r"|\btests?\s+(?:of|under|at|with)\s+(?:(?:a|an|the|constant|tensile|compressive|cyclic)\s+)*"
                         r"(?:(?:loads?|stress(?:es)?|amplitudes?)\s+(?:of\s+)?)?(?:[\d.,]+\s*[^\s,;]+\s+(?:and|or)\s+)?$"
                         r"|\b(?:intervals?|steps?|increments?)\s+of\s+(?:about\s+|~\s*)?$|\bevery\s+$"
                         # "corrected to 700W/m2 and 25°C": the conditions data were brought to
                         r"|\b(?:corrected|normali[sz]ed|extrapolated|rescaled)\s+to\b(?:[^.;:,]|\.(?=\d)){0,40}$",
                         re.I)
_RANGE_WORD = re.compile(r"\brange\b", re.I)
# "The Tafel slopes … range between 71 and 93 mV/dec": what was found spans the range, no sweep
_RANGE_VERB = re.compile(r"(?:s|\))\s+(?:ranges?|ranged)\s+(?:between|from)\s+(?:[^.;:]{0,25}(?:and|to|-|–)\s*)?$", re.I)
# "peaks at the binding energy of 687.40 eV", "the onset … occurred at a wavelength of 360nm": where an observed
# feature lies, not the condition a measurement was held at
_OBSERVED_AT = re.compile(r"\b(?:found|observed|occurr\w*|appear\w*|located|cent(?:er|re)d|peaks?|peaked|onset|seen|"
                          r"detected|shift(?:s|ed)?|lies|lie|positioned|situated)\s+(?:\w+\s+)?at\s+(?:(?:a|an|the|"
                          r"higher|lower|about|around|approximately|~)\s+)*(?:[\w-]+\s+){0,3}(?:of\s+|between\s+)?$", re.I)


_BROUGHT_TO = re.compile(r"\b(?:heated|cooled|ramped|raised|switched|brought)\b[^.;]{0,40}?\bto\s+"
                         r"(?:about\s+|approximately\s+|~\s*)?$", re.I)
_RAMPED_TO = re.compile(r"\b(?:increased|decreased|raised|lowered|reduced)\b[^.;]{0,40}?\bto\s+(?:about\s+|~\s*)?$", re.I)
_SWEEP_BEFORE = re.compile(r"\b(?:from|between)\s+(?:(?:[^.;:]|\.(?=\d)){0,25}(?:and|to|-|–)\s*)?$", re.I)
_HELD_VALUE_BEFORE = re.compile(r"\b(?:at|under)\s+(?:a\s+|an\s+|the\s+)?$", re.I)
_HELD_NAME_BEFORE = re.compile(r"\b(?:in|under|for|at)\s+(?:a\s+|an\s+|the\s+)?$", re.I)
_WITH_VALUE_BEFORE = re.compile(r"\b(?:with|and)\s+(?:a\s+|an\s+)?$", re.I)  # "with 30 mTorr pressure and 200 W power"
_MODIFIERS = re.compile(r"(?:\b[A-Za-z][\w-]*\s+(?:\([^()\s]{1,10}\)\s+)?){1,2}$")  # "Target-to-substrate (T-S) "
_RANGE_BEFORE = re.compile(r"\b(?:range|region|window)\s*:?\s+(?:of\s+|between\s+|from\s+)?(?:[^.;:]{0,25}(?:and|to|-|–)\s*)?$", re.I)


# "Taking into account the estimated values of j0= 1 A cm−2, …, one can get Ve ≃ 5 mV", "Assuming a porosity of 30%,
# the conductivity is …": the inputs of an estimate, up to the clause that gives its result
_ASSUMING = re.compile(r"\W*(?:taking\s+(?:into\s+account|for\s+the\s+estimate)|assuming|if\s+we\s+assume)\b", re.I)
_RESULT_CLAUSE = re.compile(r",\s+(?:and\s+)?(?:one|we|the|it|this|that|for|then|a|an)\b", re.I)


def _assumed(text: str, sent: Sentence, q: Quantity) -> bool:
    """Whether ``q`` is an input the sentence's opening "taking into account …"/"assuming …" clause gives."""
    if not (m := _ASSUMING.match(text, sent.start, sent.end)):
        return False
    clause = _RESULT_CLAUSE.search(text, m.end(), sent.end)
    return q.end <= (clause.start() if clause else sent.start)


def _set_value(text: str, q: Quantity, sent: Sentence, p: Entity) -> bool:
    """Whether the value is one set for a measurement or process rather than found: the range a measurement swept
    or an end of it ("in a frequency range between 10 mHz and 1 MHz", "over a 250-3000nm wavelength range", the range
    of a condition's generic name: "temperatures (400–700 °C)", "pO2 from 10−20 to 1 atm"), a value in a list headed
    "conditions:", a value a cue says was
    applied, set, used or adjusted, the one a measurement was made at (:data:`_SET_BEFORE`), or one held before its
    name ("at 100% relative humidity")."""
    if _observed_at(text, min(p.start, q.start)):
        return False  # "the onset … is found at a temperature between 900 and 930 °C": where a feature lies
    if q.kind not in _HELD_KINDS and _STEADY_AT.search(text, max(sent.start, q.start - 50), q.start):
        return False  # "the voltage … remained nearly constant at 0.7 V": where a response settled, found
    name = canonical_name(p.text)
    # a range of a condition (not "the particle size is in the range of 10–20 nm")
    swept = (_SCANNED.fullmatch(name) or _CONDITION_NAME.fullmatch(name)) and not _RANGE_VERB.search(
        text, max(sent.start, q.start - 40), q.start)
    if swept and q.low is not None and _RANGE_WORD.search(text, max(sent.start, q.start - 40),
                                                          min(sent.end, q.end + 20)):
        return True
    if _CONDITIONS_HEAD.match(text, sent.start, sent.end) or _CONVERSION.search(text, sent.start, sent.end):
        return True
    if _assumed(text, sent, q):
        return True
    if swept and _RANGE_BEFORE.search(text, max(sent.start, q.start - 60), q.start):
        return True  # an end of "a frequency range between 10 mHz and 1 MHz"
    if _CONDITION_NAME.fullmatch(canonical_name(p.text)) and (
            q.low is not None or _SWEEP_BEFORE.search(text, max(sent.start, q.start - 40), q.start)):
        return True
    condition = _CONDITION_NAME.fullmatch(canonical_name(p.text)) is not None
    if condition and _RAMPED_TO.search(text, max(sent.start, q.start - 60), q.start):
        return True  # "The temperature was then increased at a rate of 1 °C min−1 to 500 °C"
    brought = _BROUGHT_TO.search(text, max(sent.start, q.start - 60), q.start)
    if brought and (condition or brought.start() < p.start):
        return True  # "heated … to 500 °C"; not "the polarization resistance is raised up to 0.86 Ω cm2"
    if (q.end <= p.start or condition) and _HELD_VALUE_BEFORE.search(text, max(sent.start, q.start - 12), q.start):
        return True  # "at 100% relative humidity", "high temperature (i.e. at 300°C)"
    if condition and _HELD_NAME_BEFORE.search(text, max(sent.start, p.start - 12), p.start):
        return True  # "aged in pO2 = 10−10 atm", "under an oxygen partial pressure of 0.21 atm", "for temperatures of"
    if condition and q.end <= p.start and _WITH_VALUE_BEFORE.search(text, max(sent.start, q.start - 8), q.start):
        return True
    if q.kind in _SPECIMEN_KINDS and _PREPARED.search(text, max(sent.start, q.start - 120), q.start):
        return True  # "samples were machined into a dog-bone shape … 3 mm thick": the size a specimen was made to
    if _designed_size(text, p, q, sent) or _region_bound(text, p, q, sent) or _CONVENTION_AFTER.match(text, q.end):
        return True
    if _EQUIPMENT_SIZE.match(text, q.end):
        return True  # "sealed onto a 10 mm diameter alumina tube", "a 100 mL Teflon-lined autoclave"
    return bool(_SET_BEFORE.search(text, max(sent.start, q.start - 60), q.start))


# Names of what a measurement sweeps: the range of one is a setting, as of a condition
_SCANNED = re.compile(r"(?i)(?:(?:measured|measuring|applied|scan(?:ning)?|sweep(?:ing)?|test(?:ing)?|AC|DC|bias)\s+)?"
                      r"(?:frequenc(?:y|ies)|potentials?|voltages?|binding\s+energ(?:y|ies)|BE|2\s?θ|angles?|"
                      r"wavelengths?|wavenumbers?)")


# "the voltage … remained nearly constant at 0.7 V", "the OCV and PPD were well maintained at 0.88 V and 360 mW cm−2":
# the level a response settled at in a stability test; a temperature or pressure that stays is still held
_STEADY_AT = re.compile(r"\b(?:remain(?:s|ed|ing)?|stay(?:s|ed|ing)?|stabili[sz](?:es|ed|ing)|level(?:s|ed|led)\s+off|"
                        r"saturat(?:es|ed|ing)|plateau(?:s|ed)?|(?:well|stably)\s+(?:maintained|retained|kept))\s+"
                        r"(?:\w+ly\s+)?(?:(?:constant|stable|steady|unchanged)\s+)?(?:at|around|near|about)\s+"
                        r"(?:~\s*|∼\s*|about\s+|approximately\s+)?(?:[\d.]+\s*[^\s\d,;]{0,8}\s*(?:,\s*|and\s+))*$", re.I)
_HELD_KINDS = frozenset({"temperature", "pressure"})


def _observed_at(text: str, pos: int) -> bool:
    """Whether the words before ``pos`` say where an observed feature lies (:data:`_OBSERVED_AT`)."""
    return _OBSERVED_AT.search(text, max(0, pos - 80), pos) is not None


_SPECIMEN_KINDS = frozenset({"length", "surface_area"})
_EQUIPMENT_SIZE = re.compile(r"(?i)[\s-]*(?:(?:in\s+)?(?:(?:inner|outer|internal|external)\s+)?(?:diameter|i\.\s?d\.|"
                             r"o\.\s?d\.|thick|long|wide|high|deep|capacity|volume)\s+)?(?:(?!(?:of|on|in|at|with|and|"
                             rf"for|to|the|a|an|was|were|is|are)\b)[\w-]+\s+){{0,2}}{EQUIPMENT}\b")
_PREPARED = re.compile(r"\b(?:was|were|been|being)\s+(?:then\s+|first\s+|subsequently\s+|carefully\s+)?(?:machined|cut|"
                       r"cleaved|polished|ground|coated|punched|sliced|diced|trimmed|thinned|sectioned|shaped|laser-cut|"
                       r"milled)\b(?:(?!measured|found|determined|estimated|observed|reveal|show|exhibit|display)"
                       r"(?:[^.;]|\.(?=\d))){0,110}$", re.I)


_SIZE_NAME = re.compile(r"(?i)(?:[\w-]+\s+){0,2}(?:thickness(?:es)?|thick|widths?|wide|lengths?|long|diameters?|"
                        r"heights?|high|depths?|deep|radi(?:us|i)|dimensions?|sizes?|areas?)")
# What a material is made of or holds, whose size is found by looking: a grain, a pore, a particle
_MICROSTRUCTURE = (r"(?:nano|micro)?(?:particles?|whiskers?|fib(?:er|re)s?|spheres?|crystals?)|grains?|crystallites?|"
                   r"inclusions?|pores?|cracks?|precipitates?|agglomerates?|droplets?")
# A size name that says so, or names a size of a structure, a mean or a constant ("lattice spacing", "mean size")
_FOUND_SIZE_NAME = re.compile(
    rf"(?i)\b(?:{_MICROSTRUCTURE}|domains?|laths?|colon(?:y|ies)|clusters?|dots?|islands?|columns?|scale|track|zone|"
    r"penetration|diffusion|ionic|atomic|surface|specific|bet|voids?|defects?|features?|critical|mean|average|free|"
    r"contact|projected|debye|coherence|correlation|skin|information|interaction|oxide|reaction|wave|cell|unit|"
    r"lattice|bond|pitch|period|spacing|roughness|wires?|rods?|tubes?|nano\w+|sheets?|flakes?|platelets?|needles?|"
    r"plates?|bubbles?|optimal)\b")
# What owns a size, named before it or just after, when that is no made object ("the 23 nm diameter particles", "a 2 nm
# radius of the dislocation core", "coherent scattering lengths"; a plain wire or tube is made)
_FOUND_OWNER = re.compile(rf"(?i)\b(?:{_MICROSTRUCTURE}|(?:nano|micro)(?:wires?|rods?|tubes?)|nanopores?|zones?|"
                          r"delaminations?|monolayers?|dislocations?|aggregates?|cores?|shells?|ions?|atoms?|"
                          r"scattering)\b")
# A sentence that says a size was looked at, came out of a process, or is quoted from others
_SIZE_FOUND = re.compile(r"(?i)\b(?:measured(?!\s+(?:in|on|using|with|at)\b)|measuring|determined|found|observed|"
                         r"estimated|calculated|computed|revealed|shows?|showed|shown|reveals?|SEM|TEM|FIB|micrographs?|"
                         r"images?|imaging|cross[- ]sections?|profilometr\w*|ellipsometr\w*|evaluated|obtained|ranged?|"
                         r"ranging|varied|varies|grew|grown|increas\w*|decreas\w*|reduc\w*|shr[iu]nk\w*|"
                         r"expand(?:s|ed)?|swell(?:s|ed|ing)?|after|resulting|Fig\.?|Figure|distribution|average|"
                         r"averagely|mean|typical(?:ly)?|about|approximately|around|nearly|estimate\w*|distinguish\w*|"
                         r"reported|studied|presented|literature|previous(?:ly)?|often|usually|commonly|et\s+al|"
                         r"find(?:s|ing)?|result(?:s|ed|ing)?|corresponds?|speculate\w*|critical|equivalent|"
                         r"morpholog\w*)\b|[~≈∼]\s*\d|\bca\.|\[\s*\d")
_BOUND_WORDS = (r"(?:\b(?:above|below|beyond|exceeding|under|over|(?:larger|smaller|greater|less|more|thicker|"
                r"thinner)\s+than)|[<>≤≥])")
# "Above ∼20 nm film thickness a linear relation is found", "between 20 and 100 nm film thickness", "(<1nm thickness)"
_BOUND_BEFORE_VALUE = re.compile(rf"(?i)(?:{_BOUND_WORDS}|\bbetween)\s*(?:~|∼|about\s+|approximately\s+)?$")
# "thin films with thicknesses below 20 nm": a size bounding a class of samples (not "is below": a found bound)
_BOUND_AFTER_NAME = re.compile(rf"(?i)\s*(?:of\s+)?{_BOUND_WORDS}\s*(?:~|∼|about\s+|approximately\s+)?$")
_FOUND_BEFORE_NAME = re.compile(r"(?i)\b(?:is|was|are|were|remains?|remained|be)\s+(?:\w+\s+)?$")
# "when the SiO2 thickness was about 1 nm": the value a condition of a region takes
_WHEN_WAS = re.compile(r"(?i)\b(?:when|if|once|while|whenever)\b[^.;,]{0,50}\b(?:is|was|are|were|reach(?:es|ed)?)\s+"
                       r"(?:about\s+|approximately\s+|~\s*|∼\s*)?$")
# "0.2% offset yield strength", "0.2% proof stress": the offset a strength is read at, a convention of the test (MuLMS
# annotates it as the value of "offset yield", so it stays, flagged)
_CONVENTION_AFTER = re.compile(r"\s*(?:offset|proof)\b", re.I)


def _region_bound(text: str, p: Entity, q: Quantity, sent: Sentence) -> bool:
    """Whether a size or a condition bounds the region a result holds in, rather than being found: "Above ∼20 nm film
    thickness a linear relation is found", "thin films with thicknesses below 20 nm", "when the SiO2 thickness was
    about 1 nm" (a size only: "the highest power density when the voltage is 0.64 V" is where it was found)."""
    name = canonical_name(p.text)
    if not (_SIZE_NAME.fullmatch(name) or _CONDITION_NAME.fullmatch(name)) or _FOUND_SIZE_NAME.search(name):
        return False
    if q.end <= p.start:
        return _BOUND_BEFORE_VALUE.search(text, max(sent.start, q.start - 40), q.start) is not None
    between = text[p.end:q.start]
    if _BOUND_AFTER_NAME.fullmatch(between) and not _FOUND_BEFORE_NAME.search(text, max(sent.start, p.start - 20),
                                                                               p.start):
        return True
    return (_SIZE_NAME.fullmatch(name) is not None and p.start < q.start
            and _WHEN_WAS.search(text, max(sent.start, q.start - 90), q.start) is not None)


def _designed_size(text: str, p: Entity, q: Quantity, sent: Sentence) -> bool:
    """Whether a size is one something was made or designed to, stated as such: a specimen's, a pellet's, a film's
    or a cavity's dimensions, an electrode's area ("tensile specimens which were 1 mm in thickness, 12.5 mm in
    width", "Cavity 1 had a thickness of 0.3 mm", "films with 200 nm thickness were prepared"). Not a microstructure's
    size, the size of a particle or grain named next to it, nor one the sentence says was measured, observed, grew or
    is quoted from the literature; those are found."""
    if q.kind not in _SPECIMEN_KINDS or q.unit == "Å" or not _SIZE_NAME.fullmatch(canonical_name(p.text)):
        return False
    if _FOUND_SIZE_NAME.search(p.text) or _FOUND_OWNER.search(text, sent.start, min(sent.end, q.end + 40)):
        return False
    return _SIZE_FOUND.search(text, sent.start, sent.end) is None


def _with_modifiers(text: str, p: Entity, sent: Sentence) -> str:
    """The mention with the (at most two) words before it in its clause: "DC bias" before "voltage", "sintering"
    before "temperature" say it names a setting."""
    before = _MODIFIERS.search(text, max(sent.start, p.start - 40), p.start)
    return text[before.start() : p.end] if before else p.text


def _changed_by(text: str, q: Quantity) -> bool:
    """Whether ``q``, or the list it ends, is the size of a change (:data:`_CHANGE_BEFORE`): "decreases of 4.9%, 8.6%,
    and 13.2%"."""
    return any(_CHANGE_BEFORE.search(text, max(0, at - 90), at) for at in {q.start, list_head(text, q.start)})


def _admissible(text: str, p: Entity, values: list[Quantity]) -> list[Quantity]:
    """The linked values that may be values of ``p`` (:func:`compatible`): whichever linker paired them, a bare
    number is no value of a property that needs a unit, nor a temperature one of a band gap; a change ("increases by
    ~6%", "enhancement of 24%", "160% larger", "shifted … by about 40 K", "voltage difference") is no value, nor the
    share of a gas in a feed ("3 vol.% H2O"), nor a value assigned to another symbol ("Rp = 3.07%" after "Z = 2"),
    nor one that says it measures something else ("40 nm-thick", "7 mm in height"); an abbreviation the paper
    defines takes the values of its long name; a mention assigned a value takes that one only ("Kt = 1; Curves of
    10, 50 and 90% probability"); a tolerance ("±1%"), a material's number in a paper that numbers them, a symbol
    of an equation ("Δr/(I/2F)") and the spaced subscript of a formula ("N O 2") have none."""
    assigned = _EQUALS_AFTER.match(text, p.end)
    if _CHANGE_NAME_AFTER.match(text, p.end) or _CHANGE_NAME_BEFORE.search(text, max(0, p.start - 30), p.start):
        return []
    name = defined_names(text).get(p.text.strip(), p.text)  # "Ph" is a power density, no "60 wt%"
    if _BOND.fullmatch(p.text.strip()):
        return []  # "binding energy of C-Si (282.7eV)": the bond names the peak, not the quantity
    symbol = p.text.strip()
    element = _ELEMENT_NAME.fullmatch(symbol) is not None
    condition = _CONDITION_NAME.fullmatch(canonical_name(p.text)) is not None
    if _INDEXED.match(text, p.end):
        return []  # "E′1 is the instantaneous storage modulus": the digit after the prime indexes the symbol
    if _EQUATION_AFTER.match(text, p.end):
        return []  # "Λ = Δr/(I/2F)": a symbol of an equation, not a name with its value
    if len(symbol) == 1 and symbol.islower() and _composition_letter(text, symbol):
        return []  # "m = 4" where the paper writes "(0.8 – x)/(0.2 – y) = m": which composition, not a property
    return [q for q in values if compatible(name, q)
            and not (element and (q.unit is None or q.unit in _PERCENTS) and q.unit not in _SHARE_UNITS)
            and not (symbol in ELEMENT_SET and q.unit is None and _ONE_DIGIT.fullmatch(text, q.start, q.end))
            and not _bin_bound(text, p, q) and not _changed_by(text, q)
            and not _TOLERANCE_BEFORE.search(text, max(0, q.start - 3), q.start)
            and not (q.unit is None and not assigned and _ONE_DIGIT.fullmatch(text, q.start, q.end)
                     and _numbered_materials(text))
            and _measures(text, p, q)
            and not _CHANGE_AFTER.match(text, q.end) and not _assigned_elsewhere(text, p, q) and _bare_ok(text, p, q)
            and not (q.unit in _SHARES and (_GAS_AFTER.match(text, q.end)
                                             or _GAS_BRACKET_BEFORE.search(text, max(0, q.start - 30), q.start)))
            and not (q.unit in _PERCENTS and _SUPPORTED_AFTER.match(text, q.end) and not _CONTENT_NAME.search(name))
            and (not assigned or q.start == assigned.end()) and not _cued_after(text, p, q)
            and not _OFFSET_AFTER.fullmatch(text, p.end, q.start)
            and not (condition and _STEP_OF.search(text, max(0, q.start - 30), q.start))]


# "measured … upon cooling at an interval of 50 oC", "every 50 °C", "in 0.05 V increments": the step of a sweep, not a
# value of the condition swept
_STEP_OF = re.compile(r"(?i)\b(?:every|intervals?\s+of|increments?\s+of|steps?\s+of)\s+(?:about\s+|~\s*)?$")


_OFFSET_AFTER = re.compile(r"\s*[+]\s*")  # "T > Tg + 100K": an offset added to the named quantity, not its value


_INDEXED = re.compile(r"\s?[′']\s?\d")
_TOLERANCE_BEFORE = re.compile(r"(?:±|\+/-)\s*$")  # "force controlled with a proportional error of ±1%"
_EQUATION_AFTER = re.compile(r"\s*/\s*\d")  # "( I / 2 F )": a symbol divided in an equation
# A bare digit: a formula's subscript spaced apart ("N O 2 → NO + O") or a material's number ("aging of 2")
_ONE_DIGIT = re.compile(r"[1-9]")


@lru_cache(maxsize=64)
def _numbered_materials(text: str) -> bool:
    """Whether ``text`` names its materials by number, as chemistry journals do ("compositions 1, 2, and 3", "the
    stability of 2 was then investigated"): a bare digit there is a material, not a value ("extended aging of 2")."""
    return _NUMBERED_NAMED.search(text) is not None and len(_NUMBERED_USED.findall(text)) >= 3


_NUMBERED_NAMED = re.compile(r"\b(?:materials?|compositions?|compounds?|samples?)\s+[1-9](?:\s*(?:,|and|,\s*and)\s*[1-9])*"
                             r"\b(?![.,]?\d|\s*(?:°|%|wt|at|mol|[nµμmc]m\b|h\b|min|K\b|days?|hours?|M\b|g\b))")
_NUMBERED_USED = re.compile(r"\b(?:of|for|from|that|both|at|to)\s+[1-9]\s+(?:is|was|are|were|and|in|over|indicates|"
                            r"suggests|reveals?|persists|prepared|can|shows?|has|displays|adopts)\b")


@lru_cache(maxsize=512)
def _composition_letter(text: str, letter: str) -> bool:
    """Whether ``text`` defines ``letter`` from the composition variables ("Co/Fe ratio (0.8 – x)/(0.2 – y) = m")."""
    return re.search(rf"[xyzδ]\s*\)\s*=\s*{re.escape(letter)}\b", text) is not None


_SYMBOL_ELEMENTS = frozenset("Re Pr Ra Tc Tm Ta Tb Te Cd Cs".split())
# An element or an XPS line ("O", "Zr 3d", "O 1s") given a share or a bare number names what the share is of
# ("Zr 3d = 24.2%", "Cl (1.8at.%)", "lengths of Sr, Co, Nb, and O were 7.02, …"), not a property; a bond names a peak.
_ORBITAL = r"\s*\d[spdf](?:\d/2)?"
_ELEMENT = rf"(?:{'|'.join(sorted(ELEMENTS, key=len, reverse=True))})"
_ELEMENT_NAME = re.compile(
    rf"{_ELEMENT}{_ORBITAL}|O|"
    # a two-letter symbol alone, less those that are also the symbols of quantities (Re, Pr, Ra, Tc, Tm, Ta, Cd, Cs)
    rf"(?:{'|'.join(e for e in ELEMENTS if len(e) == 2 and e not in _SYMBOL_ELEMENTS)})")
_BOND = re.compile(rf"{_ELEMENT}\s*[-–═=≡]\s*{_ELEMENT}")
_PERCENTS = frozenset({"%", "at%", "wt%", "mol%", "vol%", "ppm"})
# "inclusions with sizes below 4 μm … reach 78.3%": the bound of a class of particles whose share the sentence
# gives, not a value
_BOUND_BEFORE = re.compile(r"\b(?:(?:less|smaller|larger|greater|more|lower|higher)\s+than|below|above|under|over|exceeding)"
                           rf"\s+{APPROX}$", re.I)
_CLASS_BEFORE = re.compile(r"\b(?:with|of)\s+(?:an?\s+|the\s+)?$", re.I)
_SHARE_CUE = re.compile(r"\b(?:account(?:s|ed|ing)?\s+for|proportions?|occup(?:y|ies|ied)|fractions?|percentages?|"
                        r"shares?|exceed(?:s|ed)?)\b", re.I)


def _bin_bound(text: str, p: Entity, q: Quantity) -> bool:
    """Whether ``q`` bounds a class of things whose share the sentence gives rather than measuring ``p``: "oxide
    inclusions with a size less than 8 μm account for more than 90%", "The Al2O3 inclusions with sizes of 2–4 μm
    occupy the largest proportion of 50.7%"."""
    if q.low is None and not _BOUND_BEFORE.search(text, max(0, q.start - 24), q.start):
        return False
    if _CLASS_BEFORE.search(text, max(0, p.start - 30), p.start) is None:
        return False
    lo, hi = max(0, p.start - 400), min(len(text), q.end + 400)  # the sentence, looked for near the pair only
    start, end = text.rfind(". ", lo, p.start), text.find(". ", q.end, hi)
    return _SHARE_CUE.search(text, lo if start < 0 else start + 1, hi if end < 0 else end) is not None


# "a voltage difference between the Cell-A and Cell-B is only 0.5 mV": a change, not a value of the voltage
_CHANGE_NAME_AFTER = re.compile(r"\s+(?:difference|shift|change|variation)s?\b", re.I)
# "The total increase of cell voltage was only 33 mV", "deviations in lattice parameters": the name of what changed
_CHANGE_NAME_BEFORE = re.compile(r"\b(?:increases?|decreases?|changes?|rises?|shifts?|deviations?|variations?|"
                                 r"differences?)\s+(?:in|of)\s+(?:the\s+)?$"
                                 r"|\bdifferences?\s+between\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$", re.I)
# "40 nm-thick", "30mm in diameter and 7mm in height": the value says what it measures
_MEASURED_AS = re.compile(r"(?:\s*-|\s+in\s+(?:[\w-]+\s+)?)(thick(?:ness)?|thin|diameter|height|high|length|long|width|wide|"
                          r"depth|deep|radius|size|amplitude)\b", re.I)
_MEASURE_STEMS = {"thick": ("thick",), "thickness": ("thick",), "thin": ("thick", "thin"), "diameter": ("diamet", "size"),
                  "height": ("height",), "high": ("height",), "length": ("length",), "long": ("length",),
                  "width": ("width",), "wide": ("width",), "depth": ("depth",), "deep": ("depth",),
                  "radius": ("radi",), "size": ("size", "diamet"), "amplitude": ("amplitude",)}


def _measures(text: str, p: Entity, q: Quantity) -> bool:
    """Whether ``q`` may measure ``p`` as far as the words after it tell: "the 40 nm-thick BEC cell" is a
    thickness, not the "reaction kinetics" nearby; "(30mm in diameter and 7mm in height)" gives no diameter of 7 mm."""
    said = _MEASURED_AS.match(text, q.end)
    return not said or any(stem in p.text.lower() for stem in _MEASURE_STEMS[said.group(1).lower()])


# "wet CH4 (3 vol.% H2O)": the share of a gas in a feed is the atmosphere, not a value of the name before it
_SHARES = frozenset({"%", "vol%", "mol%", "ppm"})
_GAS_AFTER = re.compile(rf"\s*(?:of\s+)?{_GAS}")
_GAS_BRACKET_BEFORE = re.compile(rf"{_GAS}\s?\(\s*$")  # "in H2(5%)/N2(95%)": the share of a gas in a feed
# "0.25 mg cm−2 platinum loading for the 40 wt % catalyst", "40 wt.% Pt/C": the grade of a supported catalyst, a value of no
# other property than its content
_SUPPORTED_AFTER = re.compile(r"\s*(?:(?:[A-Z][a-z]?){1,3}\s*/\s*(?:C|CNTs?|KB|XC-?72R?)|catalysts?)\b")
_CONTENT_NAME = re.compile(r"(?i)\bcontents?\b|weight\s+(?:fractions?|percent)")


def _bare_ok(text: str, p: Entity, q: Quantity) -> bool:
    """A bare number is a value of a property of known dimension only when it takes bare numbers
    (:func:`_takes_bare`) or the number is assigned to a symbol (``stress concentration of Kt = 1.2``): "the oxide
    ion content cO according to 8" names an equation. A number of counted things ("∼100 samples", "run to (a)
    5×108, (b) 1×109 and (c) 2×109 cycles") is a value only of a count ("fatigue life", "number of cycles")."""
    if q.unit is not None:
        return True
    if _COUNTED_AFTER.match(text, q.end) and not _COUNT_NAME.search(p.text):
        return False
    return expected_dims(p.text) is None or _takes_bare(p.text) or bool(_ASSIGNED.search(text, max(0, q.start - 12),
                                                                                         q.start))


_COUNTED_AFTER = re.compile(r"(?:\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*[–-]\s*)(?:\([a-z]\)\s*)?[\d.,×x]+)*\s+"
                            r"(?:cycles|times|samples|specimens|indentations|measurements|repetitions|runs|"
                            r"experiments|papers|studies|grains|particles)\b")
_COUNT_NAME = re.compile(r"(?i)\b(?:cycles?|life|number|times|counts?)\b")


def _cued_after(text: str, p: Entity, q: Quantity) -> bool:
    """Whether a condition cue naming a quantity lies between ``p`` and ``q`` ("stability of electrochemical
    activity under a current density of 200 mA·cm−2": the value of a current density, not of a stability)."""
    cue = _CONDITION_CUE.search(text, max(p.end, q.start - 60), q.start)
    named = _NAMED_CUE.search(cue.group()) if cue else None
    return named is not None and named.group(1).lower() not in p.text.lower()


def _assigned_elsewhere(text: str, p: Entity, q: Quantity) -> bool:
    """Whether ``q`` follows ``SYMBOL =`` for another symbol, with another assignment between ``p`` and it (a run
    of crystal data: "Z = 2 Refinement Rp = 3.07% Rwp = 3.98%")."""
    m = _ASSIGNED.search(text, max(0, q.start - 16), q.start)
    if not m or m.group(1) in p.text.split() or p.end > m.start(1):
        return False
    return "=" in text[p.end : m.start(1)]


def _attach_conditions(text: str, sent: Sentence, qs: list[Quantity], props: list[Property]) -> None:
    """Give each condition of the sentence to the valued property it qualifies: the nearest one before it, else
    (``At 800 °C, the power density …``) the nearest after it. Conditions are the quantities after a condition cue
    (``at 800 °C``, ``at a current density of 0.5 A cm−2``) that are no property's value, the values of condition
    properties so cued (``at a temperature of 800 °C`` keeps its own record too) and atmospheres (``in H2``)."""
    valued = [p for p in props if p.value is not None]
    if not valued:
        return
    values = {id(p.value): p for p in valued}
    conds: list[Condition] = []
    for q in qs:
        cued = _is_condition(text, values[id(q)].mention if id(q) in values else q, sent.start)
        listed = bool(conds) and conds[-1].quantity is not None and _LIST_SEP.fullmatch(text, conds[-1].end, q.start)
        if q.kind != "hardness" and (cued or (listed and id(q) not in values)):  # "at 0.7 V and 750 °C"
            conds.append(Condition(q.kind or "other", text[q.start : q.end], q.start, q.end, q))
    conds += [Condition("atmosphere", m.group("gas"), m.start("gas"), m.end("gas"))
              for m in _ATMOSPHERE.finditer(text, sent.start, sent.end)]
    owners = [p for p in valued if not _is_condition(text, p.mention, sent.start)] or valued
    runs = _runs(text, owners, lambda p: (p.value.start, p.value.end))
    if _RESPECTIVELY.search(text, sent.start, sent.end):
        conds = _distribute(text, conds, runs)
    lists = {id(p): run for run in runs for p in run}
    for c in conds:
        owner = _condition_owner(c, owners)
        if owner is None:
            continue
        shared = c.start >= owner.value.end and lists[id(owner)][-1] is owner
        for p in lists[id(owner)] if shared else [owner]:  # "7.4 and 11.5 Ω cm2 at 400 °C": both at 400 °C
            p.conditions.append(c)
    for p in valued:
        p.conditions.sort(key=lambda c: c.start)


def _runs(text: str, items: list, span) -> list[list]:
    """Maximal runs of items (in text order) whose spans (``span(item) -> (start, end)``) only list separators
    join."""
    runs: list[list] = []
    for it in sorted(items, key=lambda x: span(x)[0]):
        if runs and _LIST_SEP.fullmatch(text, span(runs[-1][-1])[1], span(it)[0]):
            runs[-1].append(it)
        else:
            runs.append([it])
    return runs


def _distribute(text: str, conds: list[Condition], runs: list[list[Property]]) -> list[Condition]:
    """``1.13, 1.86 and 3.2 Ω cm2 at 600, 550 and 500 °C, respectively``: give the i-th condition of a list to the
    i-th value of a list of the same length (``runs``: the runs of listed values); returns the conditions left to
    attach."""
    values = [r for r in runs if len(r) > 1]
    left = []
    for run in _runs(text, [c for c in conds if c.quantity is not None], lambda c: (c.start, c.end)):
        match = next((r for r in values if len(r) == len(run) and not _same_kind(run[0], r[0])), None
                     ) if len(run) > 1 else None
        if match is None:
            left += run
            continue
        for p, c in zip(match, run):
            p.conditions.append(c)
    return left + [c for c in conds if c.quantity is None]


def _same_kind(c: Condition, p: Property) -> bool:
    """Whether a quantity condition has the unit dimension of the property's value."""
    return c.quantity is not None and _dims(c.quantity) == _dims(p.value)


def _condition_owner(c: Condition, valued: list[Property]) -> Property | None:
    """The valued property a condition qualifies: never the property whose value it is, nor one whose value is of
    the same kind (``cell voltage … from 0.89 V … to 0.3 V``: the other end, no condition), nor one more than
    :data:`_CONDITION_MAX` characters away (a long list or flattened table row)."""
    others = [p for p in valued if not (p.value.start <= c.start < p.value.end) and not _same_kind(c, p)]
    before = [p for p in others if 0 <= c.start - p.value.end <= _CONDITION_MAX]
    if before:
        return max(before, key=lambda p: p.value.end)
    after = [p for p in others if 0 <= p.value.start - c.end <= _CONDITION_MAX]
    return min(after, key=lambda p: p.value.start) if after else None


def _property(p: Entity, q: Quantity | None, material: Entity | None, sent: Sentence, name: str | None = None,
              setting: bool = False) -> Property:
    start, end = (min(p.start, q.start), max(p.end, q.end)) if q else (p.start, p.end)
    name = name or canonical_name(p.text)
    if name in ELEMENT_SET and q is not None and q.unit in _SHARE_UNITS:
        name = f"{name} content"  # "C (77.5 at.%)", "Cl: 1.8 at%": an element's share
    return Property(name, q, q.unit if q else None, material,
                    Evidence(start, end, sent.start, sent.end), p, setting=setting)


def _member_names(text: str, p: Entity, n: int) -> list[str] | None:
    """Names for the ``n`` values of a mention that ends a list of ``n`` members sharing its head noun: ``the C,
    N, O, and F contents are 96%, 1%, 2%, and 1%`` → C contents … F contents, in order (the mention being ``F
    contents`` or ``contents``); ``None`` otherwise."""
    if n < 2:
        return None
    m = _MEMBERS.search(text, max(0, p.start - 80), p.start)
    if not m:
        return None
    last, head = (m.group(2), p.text) if m.group(2) else p.text.partition(" ")[::2]
    if not head:
        return None
    members = [w.strip() for w in m.group(1).split(",") if w.strip()] + [last]
    if len(members) != n or any(w.lower() in _DETERMINERS for w in members):  # "the same level, and the …"
        return None
    return [f"{w} {canonical_name(head)}" for w in members]


# "C 1s was found at 284.4eV", "Ca 2p at 345.5eV", "Fe 2p3/2": an XPS core level names the peak whose binding energy
# the value is
_ORBITAL = r"\d[spdf](?:\s?\d/\d)?"
_CORE_LEVEL = re.compile(rf"([A-Z][a-z]?)\s?({_ORBITAL})")
_ELEMENT_BEFORE = re.compile(r"(?<![\w-])[A-Z][a-z]?\s$")


def _core_level_name(mention: str) -> str | None:
    """``C 1s binding energy`` for a mention that is a core level (``C 1s``), else ``None``."""
    m = _CORE_LEVEL.fullmatch(mention.strip())
    return f"{m.group(1)} {m.group(2)} binding energy" if m and m.group(1) in ELEMENT_SET else None


def _with_element(text: str, e: Entity) -> Entity:
    """The mention of an orbital with the element before it (``2p`` of ``Ca 2p``)."""
    if not re.fullmatch(_ORBITAL, e.text.strip()) or not (
            m := _ELEMENT_BEFORE.search(text, max(0, e.start - 3), e.start)):
        return e
    return replace(e, start=m.start(), text=text[m.start() : e.end])


def _coordinated_names(text: str, p: Entity, n: int) -> list[str] | None:
    """Names for the two values of a mention coordinated with a word that shares its head or its modifier, the
    values given ``respectively``: ``discharge and charge capacities of 1450 and 1101 mAh g−1`` → discharge
    capacities, charge capacities; ``channel length and width … 10–100 μm and 100–160 μm`` → channel length,
    channel width; ``D- and G-bands … at ~1337cm-1 and ~1606cm-1, respectively … (~1350cm-1 and ~1580cm-1)`` →
    D-bands, G-bands for each pair. ``None`` otherwise."""
    words = canonical_name(p.text).split()
    if not n or n % 2 or not _RESPECTIVELY.search(text, p.end, p.end + 300):
        return None
    if (m := _ELIDED_BEFORE.search(text, max(0, p.start - 14), p.start)) and (h := _HYPHENED.fullmatch(p.text)):
        return [canonical_name(f"{m.group(1)}-{h.group(1)}"), canonical_name(p.text)] * (n // 2)
    if n != 2 or len(words) < 2:
        return None
    if (m := _COORDINATED_BEFORE.search(text, max(0, p.start - 40), p.start)) and not _material_word(m.group(1)):
        return [" ".join([m.group(1), *words[1:]]), " ".join(words)]
    if (m := _COORDINATED_AFTER.match(text, p.end)) and head_term(m.group(1)):
        return [" ".join(words), " ".join([*words[:-1], m.group(1)])]
    return None


def _material_word(word: str) -> bool:
    """Whether a word names a gas or a compound ("in 5% H2 and peak power densities of …"), not a quantity."""
    return _GAS_NAME.fullmatch(word) is not None or is_formula(word)


def _bounded(text: str, sents: Sequence[Sentence]) -> Iterator[Sentence]:
    """Sentences, with any longer than :data:`MAX_SENTENCE` characters (a flattened table, a text without full
    stops) cut at spaces into pieces of at most that length, so linking stays linear in the text length."""
    for sent in sents:
        if sent.end - sent.start <= MAX_SENTENCE:
            yield sent
            continue
        start = sent.start
        while start < sent.end:
            end = min(sent.end, start + MAX_SENTENCE)
            cut = text.rfind(" ", start + 1, end) if end < sent.end else -1
            end = cut if cut > start else end
            yield Sentence(start, end)
            start = end


def _after_bracket(e: Entity) -> Entity:
    """The mention less what lies before a bracket it opens: "(diameter" of "wafers (diameter = 16 mm", "electrodes
    (area" of "The electrodes (area = 0.50 cm2)"; and less the side of a bracket it closes without opening that holds
    no name: "(b) Rwp 6.96%" tagged "b) Rwp", "the apparent (uncorrected) slope" tagged ") slope", "the anode (H2)"
    tagged "h2)"; and the name before a bracket whose symbol it cuts short ("intensity ratio (ID/")."""
    cut = e.text.rfind("(")
    if cut >= 0 and ")" not in e.text[cut:] and e.text[cut + 1 :].rstrip().endswith("/") and e.text[:cut].strip():
        head = e.text[:cut].rstrip()  # "intensity ratio (ID/" of "(ID/IG)": the name before a symbol cut short
        return replace(e, end=e.start + len(head), text=head)
    if cut >= 0 and ")" not in e.text[cut:] and e.text[cut + 1 :].strip():
        rest = e.text[cut + 1 :]
        skip = cut + 1 + len(rest) - len(rest.lstrip())
        return replace(e, start=e.start + skip, text=e.text[skip:])
    close = _unopened_close(e.text)
    if close < 0:
        return e
    after = e.text[close + 1 :]
    if after.strip():
        skip = close + 1 + len(after) - len(after.lstrip())
        return replace(e, start=e.start + skip, text=e.text[skip:])
    before = e.text[:close].rstrip()
    return replace(e, end=e.start + len(before), text=before) if before else e


def _unopened_close(text: str) -> int:
    """The offset of the last ``)`` of ``text`` that no ``(`` before it opens, or -1."""
    depth, last = 0, -1
    for i, c in enumerate(text):
        if c == "(":
            depth += 1
        elif c == ")":
            if depth:
                depth -= 1
            else:
                last = i
    return last


def _not_a_name(name: str) -> bool:
    """A mention that names no property: a unit (``wt%``), a composition variable (``x``), an ion (``Zr4+`` of
    "those of Zr4+ (0.72 Å)") or a word that is no quantity (``range``, ``mean``, ``factor``, ``fitting``,
    ``elements``, ``data``)."""
    if _is_ion(name.strip(" ()")):
        return True
    name = canonical_name(name.strip(" ()"))
    return (name.lower() in _NO_NAMES or name in _COMPOSITION_VARIABLES or _METHOD_NAME.search(name) is not None
            or _header_run(name)
            or any(_ANALYSIS_NAME.fullmatch(n) for n in (name, name.rpartition(" ")[2]))
            or (parse_unit(name).known and not _SYMBOL.fullmatch(name)))


def _header_run(name: str) -> bool:
    """Whether a name runs a word into the capitalised property word of the next column head of a flattened table:
    "layer Current" of "Active functional layer Current collecting layer"."""
    m = _HEADER_RUN.fullmatch(name)
    return m is not None and m.group(1).lower() in _KEYS


_HEADER_RUN = re.compile(r"[a-z]+ ([A-Z][a-z]{3,})")
_ION = re.compile(r"((?:[A-Z][a-z]?\d*){1,4})\^?\(?\d?[+−–-]\)?")
_ION_ELEMENT = re.compile(r"[A-Z][a-z]?")


def _is_ion(name: str) -> bool:
    """Whether ``name`` is an ion's label: "Zr4+", "Ce3+", "O2−", "NH4+"."""
    ion = _ION.fullmatch(name)
    return ion is not None and all(el in ELEMENT_SET for el in _ION_ELEMENT.findall(ion.group(1)))


def _resistance_symbol(text: str, e: Entity) -> bool:
    """Whether a mention ending in ``Rp``/``Rb`` (Rietveld's R factors, :data:`_ANALYSIS_NAME`) is a resistance, an
    ohm value following it ("The cathodic Rp values of the PBMCo-LSGM were 0.033 … Ω cm2")."""
    return (_RESISTANCE_SYMBOL.fullmatch(e.text.rpartition(" ")[2]) is not None
            and not text[max(0, e.start - 2) : e.start].strip().endswith("(")  # "polarization resistance (Rp)"
            and "Ω" in text[e.end : e.end + 100].split(". ")[0])


_RESISTANCE_SYMBOL = re.compile(r"R[-_ ]?[pb]")


def _without_owner(e: Entity) -> Entity:
    """The mention less a sample or material that owns it (``DLWP’s specific capacitance``, ``LSGM's
    conductivity``): an owner with two capitals or a digit; ``Young's modulus`` and ``Poisson's ratio`` stay whole."""
    m = _OWNER.match(e.text)
    if not m or sum(c.isupper() or c.isdigit() for c in m.group(1)) < 2:
        return e
    return replace(e, start=e.start + m.end(), text=e.text[m.end():])


def _with_measure(text: str, e: Entity) -> Entity:
    """The mention with the measure that names the quantity of what it names: ``average distance between`` before
    ``grain boundaries``, ``fraction`` after ``surface isotope`` (a tagger often leaves them out), and the word that
    makes it another property (``exchange current density``, ``open circuit voltage``, ``transference number``,
    ``energy barrier``, ``energy cut-off``)."""
    kind = _KIND_BEFORE.get(e.text.split(maxsplit=1)[0].lower()) if e.text.strip() else None
    before = _MEASURE_BEFORE.search(text, max(0, e.start - 50), e.start) or (
        kind.search(text, max(0, e.start - 20), e.start) if kind else None)
    after = _MEASURE_AFTER.match(text, e.end) or (
        _ENERGY_KIND_AFTER.match(text, e.end) if e.text.lower().endswith("energy") else None)
    if not before and not after:
        return e
    start, end = before.start() if before else e.start, after.end() if after else e.end
    return replace(e, start=start, end=end, text=text[start:end])


def _with_ratio_head(text: str, e: Entity) -> Entity:
    """The mention with the numerator of the ratio it names: "Sr/Ti ratio" tagged "Ti ratio", "(Cl or Br)/Si ratio"
    tagged "/Si ratio"."""
    at = e.start + 1 if e.text.startswith("/") else e.start
    if not (m := _RATIO_HEAD.search(text, max(0, at - 16), at)):
        return e
    return replace(e, start=m.start(), text=text[m.start() : e.end])


_RATIO_HEAD = re.compile(r"(?<![\w/])(?:\([^()\s]{1,12}(?:\s+or\s+[^()\s]{1,4})?\)|[A-Z][a-z]?\d*)\s?/\s?$")


def _with_symbol(text: str, e: Entity) -> Entity:
    """The mention with the symbol of the transition a temperature names ("Ac1 temperatures for Heat A and B were
    around 620 ± 10 and 600 ± 10 °C", "the Ms temperature"): a point found on the material, no condition."""
    if not _TEMPERATURE_WORD.match(e.text) or not (m := _TRANSITION_SYMBOL.search(text, max(0, e.start - 8), e.start)):
        return e
    return replace(e, start=m.start(), text=text[m.start() : e.end])


_TEMPERATURE_WORD = re.compile(r"(?i)temperatures?\b")


# "fromλin=270 nm toλin=380 nm", "theλout=470 nm": a word the PDF text glued to the symbol after it
_GLUED_WORD = re.compile(r"(?:from|to|the|of|at|in|and|with|for|by)(?=[^\x00-\x7f])")


def _unglued(e: Entity) -> Entity:
    """The mention less a function word glued to the symbol it opens (``λin`` of ``fromλin``)."""
    m = _GLUED_WORD.match(e.text)
    return replace(e, start=e.start + m.end(), text=e.text[m.end():]) if m and e.text[m.end():].strip() else e


def _with_subscripted(text: str, e: Entity) -> Entity:
    """A subscript assigned a value (``A`` of ``(Δl/l0)Stage A=1.32×10-4``, ``EPI2`` of ``Nd−EPI2=1×1014 cm−3``) as
    the whole symbol it ends."""
    if len(e.text) > 4 or not _EQUALS_AFTER.match(text, e.end) or not (
            m := _SUBSCRIPTED.search(text, max(0, e.start - 30), e.start) or _DASH_SUBSCRIPTED.search(
                text, max(0, e.start - 5), e.start)):
        return e
    return replace(e, start=m.start(), text=text[m.start() : e.end])
_SYMBOL_OF_TRANSITION = r"(?!(?:At|In|On|To|By|Of|An|Is|It|If|Or|No|So|Up|We|Be)\s)[A-Z](?:[a-zA-Z]\d{0,2}|\d{1,2})(?![\w-])"
_TRANSITION_SYMBOL = re.compile(rf"(?<![\w°-]){_SYMBOL_OF_TRANSITION}\s+$")
_TRANSITION_NAME = re.compile(rf"{_SYMBOL_OF_TRANSITION}\s+(?i:temperatures?)")
# Temperatures a material has, never set (a "melting temperature" may be the melt's, a "crystallization temperature"
# an anneal's)
_MATERIAL_TEMPERATURE = re.compile(r"(?i)\b(?:curie|n[ée]el|debye|verwey|morin|superconducting|decomposition|"
                                   r"transition)\s+(?:transition\s+)?temperatures?\b")  # glass, phase … transition


# "Computation yields a t-statistic of 6.3 at 49 degrees of freedom": the verb, no yield
_VERB_YIELD = re.compile(r"(?i)yields?\s+(?:a|an|the)\b")


_BOND_ATOM = re.compile(r".?[A-Z][a-z]?[═≡=][A-Z][a-z]?")


def _label_token(text: str, e: Entity) -> bool:
    """A figure-panel letter (``(c) Performance … 30 ppm``, ``c)``), an equation token with combining marks
    (``v̇``) or an atom of a written bond (``O`` of ``C═O bonded carbon``): no property mention (a lone letter
    elsewhere may be a symbol: ``c = 3.9 Å``, ``modulus (E)``)."""
    name = e.text.strip()
    if any("\u0300" <= ch <= "\u036f" for ch in name) or _BOND_ATOM.fullmatch(text, max(0, e.start - 3), e.end):
        return True
    return len(name) == 1 and "a" <= name <= "h" and text[e.end : e.end + 1] == ")"


def _inside(items: list[Entity], starts: list[int], sent: Sentence) -> list[Entity]:
    """The items (sorted by start) lying inside the sentence."""
    lo, hi = bisect_left(starts, sent.start), bisect_left(starts, sent.end)
    return [e for e in items[lo:hi] if e.end <= sent.end]


def extract_properties(
    text: str, entities: Sequence[Entity] | None = None, sentences: Sequence[Sentence] | None = None, *,
    linker: str = "learned", materials: Sequence[tuple[int, int]] | None = None,
) -> list[Property]:
    """Properties of ``text`` in order. ``entities`` are tagger (or gold) spans: ``PRO``/``PROPERTY`` give the
    property mentions and ``MAT`` the materials; with ``None`` the lexicon and formula tokens are used.
    ``sentences`` default to :func:`matnlp.text.tokenize.sentences` of the text. ``linker``: ``learned`` (the
    :mod:`.relations` models: property tagger, value and material pair scorers; each falls back to the heuristic
    when its model is not shipped) or ``heuristic`` (lexicon mentions, the hand-weighted :func:`_pair_score`, the
    cued or nearest material). ``materials``: the material mention spans the caller already found in ``text``
    without NER, taken where ``entities`` give no ``MAT`` instead of finding them again."""
    if linker not in LINKERS:
        raise ValueError(f"linker must be one of {LINKERS}, not {linker!r}")
    scorers = default_scorers() if linker == "learned" else None
    sents = sentences if sentences is not None else split_sentences(text)
    if entities is None:
        props_all, mats_all = find_property_mentions(text, learned=linker == "learned"), []
    else:
        props_all = sorted((e for e in entities if e.label in PROPERTY_LABELS), key=lambda e: e.start)
        mats_all = sorted((e for e in entities if e.label in MATERIAL_LABELS), key=lambda e: e.start)
    mats_all = mats_all or material_mentions(text, sents, materials)
    props_all = [_with_ratio_head(text, _with_symbol(text, _with_measure(text, _with_subscripted(text, _without_owner(
                 _after_bracket(_with_element(text, _unglued(e))))))))
                 for e in props_all
                 if not _label_token(text, e) and not _VERB_YIELD.match(text, e.start)
                 and (not _not_a_name(e.text) or _resistance_symbol(text, e))]
    p_starts, m_starts = [e.start for e in props_all], [e.start for e in mats_all]
    out: list[Property] = []
    for sent in _bounded(text, sents):
        props = _inside(props_all, p_starts, sent)
        if props:
            mats = _inside(mats_all, m_starts, sent)
            out.extend(_sentence_properties(text, sent, props, mats, scorers))
    return out
