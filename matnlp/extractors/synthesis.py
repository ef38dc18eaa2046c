"""Synthesis steps: operations, their Kononova operation types, attached conditions and materials with roles.

:func:`extract_steps` takes a synthesis text and MSPT-labelled entity spans (``Operation``, ``Material``,
``Number``, ``Condition-Unit``, ``Condition-Misc``, ``Synthesis-Apparatus``, … from the NER model or gold) and returns
ordered :class:`SynthesisStep` objects. Without entities, operations come from the Kononova operation vocabulary and
conditions from :mod:`matnlp.extractors.quantities` plus small atmosphere/medium/device lexicons.

Operation typing uses ``data/operation_types.json`` (built by ``scripts/train_synthesis.py``): type counts per
(token, mixing medium present, recipe style); the style (solid-state or sol-gel label conventions of the Kononova
datasets) is predicted from all operation tokens of the text; an unseen token takes the type of its stem's forms
("aging" as "aged"), else ``OtherOperation``.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_left, bisect_right, insort
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from itertools import accumulate
from pathlib import Path

from ..chem import FormulaError, element_from_name, parse_formula, read_material
from ..chem.material import GRADE
from ..chem.mixture import components
from ..chem.elements import ELEMENT_SET
from ..text.tokenize import sentences as split_sentences
from ..types import Entity, Sentence
from .materials import VENDOR, VOLATILE, equation_species
from .quantities import CELL, TABLE_ID, Quantity, parse_quantities

TYPER_PATH = Path(__file__).parent / "data" / "operation_types.json"
ROLES_PATH = Path(__file__).parent / "data" / "material_roles.json"
MIXING_TYPES = frozenset({"MixingOperation", "LiquidGrinding", "SolutionMixing"})
#: The type of an operation no class, table or stem knows ("transferred", "irradiated"): a guess from its letters
#: was right for 2 of 24 such tokens of the held-out Kononova recipes, so none is made.
OTHER_OPERATION = "OtherOperation"
CONDITION_KINDS = ("temperature", "time", "atmosphere", "pressure", "heating_rate", "medium", "device", "other")
ROLES = ("target", "precursor", "solvent", "atmosphere", "participant")
#: The role model's class for a material that is no operation's argument (read as a participant).
NO_ROLE = "none"


# ---------------------------------------------------------------------------------------------------- dataclasses


@dataclass(slots=True)
class Condition:
    """One condition mention; ``quantity`` is set for numeric ones (``700 °C``), ``None`` for words (``air``)."""

    text: str
    start: int
    end: int
    quantity: Quantity | None = None

    def to_dict(self) -> dict:
        q = self.quantity
        d = {"value": q.value if q else None, "unit": q.unit if q else None, "text": self.text}
        if q is not None and q.low is not None:
            d.update(low=q.low, high=q.high)
        d.update(start=self.start, end=self.end)
        return d


@dataclass(slots=True)
class Conditions:
    """Conditions of one step, by kind."""

    temperature: list[Condition] = field(default_factory=list)
    time: list[Condition] = field(default_factory=list)
    atmosphere: list[Condition] = field(default_factory=list)
    pressure: list[Condition] = field(default_factory=list)
    heating_rate: list[Condition] = field(default_factory=list)
    medium: list[Condition] = field(default_factory=list)
    device: list[Condition] = field(default_factory=list)
    other: list[Condition] = field(default_factory=list)

    def add(self, kind: str, cond: Condition) -> None:
        """Add ``cond`` under ``kind`` unless that span is already there (a lexicon word also read as a material)."""
        conds = getattr(self, kind)
        if not any((c.start, c.end) == (cond.start, cond.end) for c in conds):
            conds.append(cond)

    def to_dict(self) -> dict[str, list[dict]]:
        return {k: [c.to_dict() for c in getattr(self, k)] for k in CONDITION_KINDS}


@dataclass(slots=True)
class StepMaterial:
    """A material mention taking part in a step, with its recipe role (one of :data:`ROLES`) and the amounts
    that quantify it (``2 g of``, ``0.5 M``, ``(5 mmol)``)."""

    text: str
    start: int
    end: int
    role: str
    amounts: list[Condition] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"text": self.text, "role": self.role, "start": self.start, "end": self.end,
                "amounts": [a.to_dict() for a in self.amounts]}


@dataclass(slots=True)
class SynthesisStep:
    """One operation with its Kononova type, conditions and materials; offsets slice the document text."""

    operation: str
    type: str
    start: int
    end: int
    conditions: Conditions = field(default_factory=Conditions)
    materials: list[StepMaterial] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "operation": self.operation,
            "type": self.type,
            "start": self.start,
            "end": self.end,
            "conditions": self.conditions.to_dict(),
            "materials": [m.to_dict() for m in self.materials],
        }


# -------------------------------------------------------------------------------------------------- typing


class OperationTyper:
    """Operation token -> Kononova operation type (see the module docstring)."""

    def __init__(self, model: dict):
        self.tables = model["tables"]
        self.style_model = model["style"]
        #: Operation tokens seen in the Kononova training data.
        self.vocabulary = frozenset(self.tables["token"])
        #: Words :func:`find_operations` marks: the vocabulary filtered and extended on MSPT train documents.
        self.lexicon = frozenset(model["lexicon"])

    @classmethod
    def load(cls, path: Path = TYPER_PATH) -> OperationTyper:
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    def style(self, tokens: Iterable[str]) -> str:
        """Recipe style (``solid-state`` or ``sol-gel``) from the bag of operation tokens of one text."""
        m = self.style_model
        score = m["bias"] + sum(m["weights"].get(t.lower(), 0.0) for t in tokens)
        return m["positive"] if score > 0 else m["negative"]

    def type(self, token: str, medium: bool = False, style: str | None = None) -> str:
        """The type of ``token``'s operation class (:data:`OPERATION_CLASSES`), else its most frequent type in the
        most specific table that knows it or its stem, else :data:`OTHER_OPERATION`."""
        token = _GENERIC_TAIL.sub("", token.strip())  # "sintering process": the sintering
        known = operation_class(token)
        if known:
            return known
        for key in _lookup_keys(token):
            for table, k in (("style", f"{key}|{int(medium)}|{style}"), ("medium", f"{key}|{int(medium)}"),
                             ("token", key)):
                counts = self.tables[table].get(k)
                if counts:
                    return max(counts.items(), key=lambda kv: kv[1])[0]
        for form in dict.fromkeys([token, _PREFIX.sub("", token)]):  # "recalcinated": calcinated
            counts = self.stems.get(_stem(form))
            if counts:
                return max(counts.items(), key=lambda kv: kv[1])[0]
        return OTHER_OPERATION

    @cached_property
    def stems(self) -> dict[str, Counter]:
        """Type counts by crude word stem, so that another form of a known token ("aging", "re-grindings",
        "boils") is typed as the token is."""
        out: dict[str, Counter] = defaultdict(Counter)
        for token, counts in self.tables["token"].items():
            out[_stem(token)].update(counts)
        return out

#: Operation classes whose type the Kononova tables get wrong or lack: stirring is mixing whatever the style
#: (the solid-state data call it LiquidGrinding), infiltrating a solution into a backbone mixing (as the tables type
#: "impregnated"), film forming, deposition, printing and patterning are shaping, washing, rinsing, filtering,
#: centrifuging, etching and removing separate a product (typed MixingOperation there, a type it does not have),
#: "was made by mixing" starts a synthesis as "prepared" does; the metallurgist's heat treatments (tempering,
#: austenitizing, solution treatment) are heating, freeze-drying, degassing and evacuating drying, and working
#: (rolling, extrusion, machining, welding) and electrochemical film forming shaping; moving a sample ("placed in
#: a furnace", "transferred into an autoclave") is none of the types (the tables call placing heating).
OPERATION_CLASSES = (
    (re.compile(r"(?:magnetically[- ])?stirr?(?:ed|ing)?|(?:ultra)?sonicat\w*|infiltrat\w*|impregnat\w*|soak(?:ed|ing)?|"
                r"immers(?:ed|ing|ion)"),
     "MixingOperation"),
    (re.compile(r"(?:spin|dip|drop|spray|blade)[- ]?(?:coat|cast)\w*|coat(?:ed|ing)|cast(?:ed|ing)?|tape[- ]cast\w*|forg(?:ed|ing)|"
                r"(?:screen|transfer|inkjet|stencil)?[- ]?print(?:ed|ing)|(?:sputter(?:ed)?[- ])?deposit(?:ed|ion|ing)?|sputter(?:ed|ing)|"
                r"co-?evaporat\w*|(?:thermal|vacuum|e-?beam|electron[- ](?:beam|gun))[- ]evaporat\w*|pre-?sputter\w*|"
                r"spray(?:ed|ing)|pipett?(?:ed|ing)|die[- ]cut|micro-?structured|patterned|detached"), "ShapingOperation"),
    (re.compile(r"(?:pre-?)?wash(?:ed|ing)?|rins(?:ed|ing)|(?:ultrasonically[- ])?clean(?:ed|ing)|filt(?:er|rat)\w*|centrifug\w*|"
                r"decant\w*|separated|"
                r"collected|remov(?:ed|al|ing)|etch(?:ed|ing)"), "SeparationOperation"),
    (re.compile(r"made"), "StartingSynthesis"),
    (re.compile(r"(?:pre-?)?chlorinat\w*|pyroly[sz]\w*|carboni[sz](?:ed|ation)|temper(?:ed|ing)|austeniti[sz]\w*|"
                r"solution(?:i[sz]ed|[- ](?:heat[- ])?(?:treated|annealed))|(?:heat|thermally)[- ]treated"),
     "HeatingOperation"),
    (re.compile(r"freeze[- ]dri\w*|lyophili[sz]\w*|degass\w*|evacuat\w*"), "DryingOperation"),
    (re.compile(r"placed|put|transferred|inserted|positioned"), OTHER_OPERATION),
    (re.compile(r"(?:hot|cold|warm)?[- ]?roll(?:ed|ing)|extrud\w*|machin(?:ed|ing)|weld(?:ed|ing)|electro-?deposit\w*|"
                r"electro-?plat\w*|anodi[sz]\w*"), "ShapingOperation"),
    (re.compile(r"(?:brush[- ])?paint\w*|past(?:ed|ing)|applied|electro-?spinn?\w*|electrospun|spun|hot[- ]press\w*|"
                r"assembled|attached|polish\w*|punch\w*|peel\w*|cut|sliced|mounted|laminat\w*"), "ShapingOperation"),
)
#: Words that report results, use, purchase or cell testing, not synthesis steps ("was measured", "was found",
#: "increased", "its calcined form", "H2 was fed to the anode", "purchased from"): the lexicon finder skips them
#: (an MSPT tagger's operations are kept as tagged: its guidelines mark them, and conditions attach to them).
NON_OPERATIONS = re.compile(
    r"used|using|measured|measuring|found|increased|increasing|decreased|decreasing|observed|shown|showed|"
    r"characteri[sz]ed|analy[sz]ed|determined|calculated|recorded|tested|investigated|studied|reduction|forms?|"
    r"home-made|fed|contacted|fixed|repeated|purchased|received|supplied|bought|detected"
)
# A base-form verb after "to" states a purpose ("to obtain the powder", "in order to form"), not a step.
_PURPOSE = re.compile(r"\b[Tt]o\s+$")
_BASE_FORM = re.compile(r"(?:ed|ing|tion|sion|ment|ure)$")
# "obtained" is a step only as "was obtained by/from/after/via ..." (a synthesis), not "the obtained powder", nor
# "obtained from Qingdao" or "from Sigma-Aldrich" (a place or a supplier: a name that is no element).
_OBTAINED_STEP = re.compile(r"\s+(?:by|from|after|via|through|upon|on)\b")
_FROM_PLACE = re.compile(r"\s+from\s+(?:the\s+)?([A-Z][a-z]+)\b(?![\d(])")


#: Operations never emitted as steps, wherever they stand: use, purchase, results, choices and tests.
NOT_STEPS = re.compile(
    NON_OPERATIONS.pattern + r"|employed|utili[sz]ed|resulted|resulting|confirmed|chosen|selected|varied|changed|"
    r"evaluated|inspected|identified|examined|verified|obtain|get|yield|"
    r"scratched|mimicking|kept|keeping|set|controlled|(?:slurry )?viscosity|shrinkage|reuse|operated|moved|exposed|"
    r"checked|stable|remained|followed|reached|elicited|switched|sampled|composed|designed|use|uses|adjusted|"
    r"uniaxial|uniaxially|isostatically|"
    r"revolved|rotated|transformed|wetted|covered|stopped|changing|delivered|[a-z]+ous|adjusting|"
    r"decided|chose|aimed|planned|attempted|tried|intended"  # "we decided to produce a thin GDC layer by sputtering"
)
#: Participles that name a step only when they say how ("was obtained by", "formed from", "kept at 80 °C").
_HOW_ONLY = re.compile(r"obtained|formed|produced|resulted")
_BY_SUPPLIER = re.compile(r"\s+(?:kindly\s+)?by\s+(?:the\s+)?[A-Z]|\s+in\s+(?:the\s+)?(?:Fig|Table|Supp)")
_RESULT_NOUN_BEFORE = re.compile(r"\b(?:results?|data|values?|spectr(?:a|um)|patterns?|images?|curves?|parameters?|"
                                 r"information|findings?|insights?|estimates?)\s+(?:\w+ly\s+)?$", re.I)
_NEGATED = re.compile(r"\b(?:not|n't|never|no longer|without|neither|nor)\s+(?:\w+\s+){0,2}$", re.I)
# "concen- tration", "deter- mined": the tail of a word broken at a line end.
_BROKEN_BEFORE = re.compile(r"([A-Za-z]+)-\s+$")
# A sentence that prepares a sample for characterization or sets up a cell test, not a material.
_TEST_SENTENCE = re.compile(
    r"\b(?:for|prior to|before|during|in order to \w+)\s+(?:the\s+)?(?!further\b)(?:[\w-]+\s+){0,3}(?:XRD|TEM|SEM|BET|XPS|NPD|DLS|"
    r"TGA|EDX|EDS|Raman|FTIR|NMR|ICP|(?:N2 )?(?:ad)?sorption|(?:in[- ]situ\s+)?(?:measurements?|analys[ie]s|characteri[sz]ations?|"
    r"observations?|experiments?|(?:electrochemical|cell|fuel cell|performance)\s+tests?|testing|imaging))\b|"
    r"\b(?:diffractometer|dilatometer|spectrometer|potentiostat|test(?:ing)? (?:station|rig|set-?up)|"
    r"(?:TEM|SEM) (?:grids?|samples?|specimens?)|operating temperature|(?:anode|cathode) chamber|"
    r"test cells?|current collectors?|(?:Ag|Au|Pt|silver|gold|platinum) (?:wires?|mesh)|fuel streams?|"
    r"cells? (?:was|were) (?:then )?(?:sealed|operated|mounted|attached|connected)|"
    r"(?:data|spectra|patterns|images|diffractograms|micrographs)(?:\s+of\s+[\w\s-]{1,40}?)?\s+(?:was|were)\s+"
    r"(?:\w+\s+)?(?:collected|acquired|"
    r"recorded|obtained|taken)|vacuum\s+(?:regions?|layers?|slabs?|space)|supercells?|k-points?|plane[- ]waves?|"
    r"(?:silver|Ag|gold|Au|platinum|Pt)\s+(?:paste|ink)|"
    r"and\s+(?:then\s+)?(?:analy[sz]ed|characteri[sz]ed|examined)\s+by)\b", re.I)


# A measurement run that heats, loads or exposes a sample ("TGA was performed by heating …", "The conductivity was
# measured on heating from 300 to 800 °C", "Tensile tests were performed at …", "The dilatometry samples were
# heated to 1200 °C"): its operations are the protocol of a test, not synthesis.
_MEASUREMENT_RUN = re.compile(
    r"\b(?:analys[ie]s|measurements?|tests?|runs?|experiments?|scans?|TGA|TG|DSC|DTA|thermogravimetr\w*|"
    r"dilatometr\w*|calorimetr\w*)\s+(?:[\w-]+\s+){0,3}?(?:was|were)\s+(?:then\s+|also\s+)?"
    r"(?:performed|carried\s+out|conducted|done|made|run|recorded|measured)\b|"
    r"\b(?:was|were)\s+(?:measured|determined|recorded|monitored|evaluated|followed)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:by|while|upon|during|on|in)\s+(?:heating|cooling)\b|"
    r"\b(?:TGA|DSC|DTA|thermogravimetric|dilatometr\w*|tensile|compression|bending|hardness|creep|fatigue|"
    r"impedance|permeation|conductivity)\s+(?:samples?|specimens?|tests?|measurements?|analys[ie]s|runs?)\s+"
    r"(?:was|were)\b", re.I)
# What is usually done or could be done, not what this paper did: a sentence on convention or earlier work
# ("Conventionally, such electrolytes are sintered above 1400 °C", "In previous studies, … calcined at 1000 °C") or
# an operation under a modal or a habitual adverb ("can be calcined", "were usually prepared", "has been sintered").
_BACKGROUND = re.compile(r"\b(?:conventionally|traditionally|in\s+previous\s+(?:studies|works?|reports|papers)|"
                         r"in\s+the\s+literature)\b|"
                         # "As described in the experimental section, the inks were coated …": told again
                         r"\b[Aa]s\s+(?:described|mentioned|detailed|outlined|explained|stated)\s+(?:in|above|before|"
                         r"earlier|previously)\b", re.I)
# A caption retells the procedure: "Figure 1. … layers were manufactured using …"
_CAPTION = re.compile(r"\s*(?:Figure|Fig\.|Scheme)\s*S?\d+[a-z]?[.:]")
_BACKGROUND_BEFORE = re.compile(
    r"\b(?:usually|generally|conventionally|commonly|traditionally|often|(?:have|has)\s+been|"
    r"(?:can|could|may|might|should|must|would)\s+(?:also\s+|then\s+|easily\s+|further\s+)?be)\s+(?:\w+ly\s+)?$",
    re.I)


def is_step(text: str, step: SynthesisStep, sentence: tuple[int, int]) -> bool:
    """Whether an operation (found or tagged) is a synthesis step to emit: :func:`_is_step` with the wider
    :data:`NOT_STEPS`, not negated ("could not be transferred"), not the tail of a hyphen-broken word that is no
    operation ("concen- tration") and not in a sentence that prepares a characterization sample or sets up a cell
    test. Such operations still take conditions, so none bleed onward."""
    word, a = step.operation.lower(), step.start
    if not _WORDLIKE.fullmatch(step.operation) or _HEADING_BEFORE.search(text, max(0, a - 12), a):
        return False  # "K.", "BET." from a footnote; "4.1. Synthesis of Cathode Materials", a heading
    broken = _BROKEN_BEFORE.search(text, max(0, a - 30), a)
    if broken:
        word = broken.group(1).lower() + word
        if not any(k in default_typer().lexicon for k in _lookup_keys(word)):
            return False
    if not _is_step(text, step.end, word, NOT_STEPS):
        return False
    if _ANNOUNCED.match(text, step.end):
        return False  # "was prepared by the following two steps", "synthesized as follows": the steps come next
    if word in _HOLD_WORDS and not (step.conditions.temperature or step.conditions.time):
        return False  # "the distance … was kept at 80 mm", "substrates held on a platen": no dwell
    if _HEATED_DEVICE.search(text, max(0, a - 40), a):
        return False  # "the AALD manifold (heated to 40°C)": the apparatus is heated, not a material
    if word == "addition" and _IN_ADDITION.search(text, max(0, a - 4), a) and text.startswith(" to", step.end):
        return False  # "in addition to the organic material Urea"
    if _DONE.fullmatch(word) and not any(getattr(step.conditions, k) for k in CONDITION_KINDS if k != "other"):
        return False  # "the same set of experiments was performed": a step only with what it was done under
    if word.endswith("ing") and _ADJECTIVE_GERUND.match(text, step.end) and _ARTICLE_BEFORE.search(
            text, max(0, a - 6), a):
        return False  # "onto a spinning anode pellet"
    if _PURPOSE_AND.search(text, max(0, a - 30), a) and not _BASE_FORM.search(word):
        return False  # "heated up to 900 °C to decompose and remove organic residue"
    if _NOMINAL_END.search(word) and _FOR_BEFORE.search(text, max(0, a - 40), a):
        return False  # "added for chelation", "Targets for preparation of …", "prior to polymerization"
    if _TABLE_TEXT.search(text, *sentence) or len(_TABLE_CELLS.findall(text, *sentence)) >= 4:
        return False  # a table flattened into the text
    if _NOMINAL_END.search(word.removesuffix("s")) and (_RESULT_BEFORE.search(text, max(0, a - 30), a)
                                      or _DONE_BY_AFTER.match(text, step.end)):
        return False  # "heated until gelation", "led to the formation of", "Densifications were performed by pressing"
    if step.operation[0].isupper() and _RUN_IN_HEADING.match(text, step.end):
        return False  # "Preparation of electrospinning solutions: Polymer solutions were …", "Electrospinning: The …"
    if _PURPOSE_CLAUSE.search(text, sentence[0], a) or _NOT_DONE_AFTER.match(text, step.end):
        return False  # "In order to ensure degassing and homogenization, …"; "the addition of catalyst was not necessary"
    if (word == "left" and _LEFT_TO.match(text, step.end)) or _ION_MILLED.search(word):
        return False  # "left to cure at 80 °C": the curing is the step; "FIB milling" cuts a specimen for microscopy
    if _CHARACTERIZATION_HEAD.match(text, sentence[0]):
        return False  # "X-ray diffraction (XRD): Samples were prepared by grinding …": a sample for a measurement
    if step.operation[0].isupper() and (_HEADING_WORD_BEFORE.search(text, max(0, a - 30), a)
                                        or (_HEADING_NOUN.search(word) and _SENTENCE_AFTER.match(text, step.end))):
        return False  # "Methods Synthesis of oxides …", "Synthesis The … precursor was made": a heading in the text
    return not (_NEGATED.search(text, max(0, a - 40), a) or _TEST_SENTENCE.search(text, *sentence)
                or _MEASUREMENT_RUN.search(text, *sentence) or _BACKGROUND.search(text, *sentence)
                or _CAPTION.match(text, sentence[0])
                or _BACKGROUND_BEFORE.search(text, max(0, a - 40), a)
            or (word == "made" and _MADE_OF.match(text, step.end) is not None))


_MADE_OF = re.compile(r"\s+(?:(?:entirely|mainly|mostly|wholly)\s+)?(?:of|from\s+a\s+single)\b")  # "the window was made of a 55 mm thick glass": what it is


_PURPOSE_CLAUSE = re.compile(r"\b[Ii]n\s+order\s+to\b[^,;]*$")
_HOLD_WORDS = frozenset("kept keeping held holding".split())
# Parts of an apparatus heated for the process, not a material: "the AALD manifold (heated to 40°C)", "the transfer
# lines were heated to 150 °C" (a substrate heater or platen heats the sample, and stays a step)
_HEATED_DEVICE = re.compile(r"\b(?:manifolds?|lines?|nozzles?|bubblers?|canisters?|walls?|valves?|tubing|inlets?|"
                            r"outlets?)\s*(?:\(|was\s+|were\s+)?$", re.I)
_NOT_DONE_AFTER = re.compile(r"(?:\s+of\s+[\w\s-]{1,40}?)?\s+(?:was|were|is|are)\s+(?:not|never)\s+(?:necessary|needed|"
                             r"required|performed|done|applied|used)\b")
_LEFT_TO = re.compile(r"\s+to\s+[a-z]")
_ION_MILLED = re.compile(r"\b(?:fib|ion|focused\s+ion\s+beam)[- ]?mill")  # not "ion-exchanged"
_INTO_MOLD = re.compile(r"\s+(?:\w+\s+)?into\s+(?:a|an|the)?\s*(?:[\w-]+\s+|\([^()]{0,60}\)\s+){0,4}"
                        r"(?:molds?|moulds?|dies?)\b", re.I)
_WORDLIKE = re.compile(r"[A-Za-z][A-Za-z -]*[a-z][A-Za-z -]*")
_ANNOUNCED = re.compile(r"\s+(?:(?:by|via|through|in|using|with|according\s+to)\s+(?:the\s+)?following|as\s+follows)\b",
                        re.I)
_IN_ADDITION = re.compile(r"\b[Ii]n\s+$")
_HEADING_BEFORE = re.compile(r"(?:^|\s)\d+(?:\.\d+)*\.?\s*$")
_DONE = re.compile(r"performed|conducted|carried|done")
_ARTICLE_BEFORE = re.compile(r"\b(?:a|an|the)\s+$", re.I)
# A gerund before a noun is an adjective; before these words it is the operation ("the stirring was continued").
_ADJECTIVE_GERUND = re.compile(r"\s+(?!(?:of|at|in|for|with|and|or|was|were|is|are|to|on|under|from|by|process|"
                               r"procedure|steps?|stages?)\b)[a-z]{3,}\b")
_PURPOSE_AND = re.compile(r"\bto\s+[a-z]+\s+(?:and|or)\s+$")
_NOMINAL_END = re.compile(r"(?:tion|sion|ment|ing|removal)$")
_FOR_BEFORE = re.compile(r"\b(?:[Ff]or|[Pp]rior to)\s+(?:the\s+)?(?:(?:complete|full|further|better|faster|easier|"
                         r"rapid|efficient)\s+)?$"
                         # "to facilitate the solvents evaporation", "to prevent mixing between …": a purpose's object
                         r"|\bto\s+(?:prevent|facilitate|avoid|ensure|enable|allow|promote|accelerate|aid|assist|"
                         r"minimi[sz]e|induce|achieve)\s+(?:the\s+|any\s+)?(?:[\w-]+\s+){0,2}$")
_TABLE_TEXT = re.compile(TABLE_ID)
_RESULT_BEFORE = re.compile(r"\b(?:until|till|(?:led|leads?|leading|resulted|results?|resulting)\s+(?:to|in))\s+"
                            r"(?:the\s+|complete\s+|full\s+)*$", re.I)
_DONE_BY_AFTER = re.compile(rf"s?\s+(?:was|were)\s+(?:then\s+)?(?:{_DONE.pattern}|achieved|made)(?:\s+out)?\s+"
                            r"(?:by|via|through|using|with)\b")
_SENTENCE_AFTER = re.compile(r"\s+(?:The|A|An|All|In|For|To|Our)\s")
_HEADING_NOUN = re.compile(r"(?:tion|sion|ment|sis)$")
_RUN_IN_HEADING = re.compile(r"(?:\s+(?:of|for)\s+[^.:;]{1,60})?\s*:\s")
_CHARACTERIZATION_HEAD = re.compile(
    r"\W*(?:[\w-]+\s+){0,3}(?:diffraction|microscopy|spectroscopy|XRD|SEM|TEM|XPS|FTIR|Raman|BET|TGA|DSC|EDX|EDS|"
    r"characteri[sz]ation|analysis|measurements?)(?:\s*\([^()]{1,12}\))?\s*:", re.I)
_HEADING_WORD_BEFORE = re.compile(r"\b(?:Methods?|Experimental(?:\s+[Ss]ection|\s+[Dd]etails)?|Materials)\s+$")
_TABLE_CELLS = re.compile(rf"(?<!\S){CELL}(?= {CELL}(?:\s|$))")  # a cell with a cell after it


# "was mixed with … using a wet mixing": the way a step just told was done, named again.
_METHOD_BEFORE = re.compile(r"\b(?:using|via|by)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+)?$")
# "Before the deposition, …", "After the deposition of BZY … by PLD": a step already told, named again as a time.
_TIME_REFERENCE = re.compile(r"\b(?:[Bb]efore|[Aa]fter|[Dd]uring|[Uu]pon|[Pp]rior to|[Ff]ollowing)\s+(?:the\s+)?"
                             r"(?:[\w-]+\s+){0,2}$")


def _told_steps(text: str, steps: list[SynthesisStep]) -> list[SynthesisStep]:
    """Steps less those that only name a step told shortly before: a noun after before/after/during, before
    "stages"/"process" or after using/via/by ("after coating, …", "After being milled, …", "The mixing stages were
    performed …", "mixed … using a wet mixing", then only without materials of its own), without conditions of its own (a
    device aside), with the stem of a step in the :data:`_TOLD_WITHIN` characters before ("After stirring for 2 h
    at 80 °C" says more and stays)."""
    out: list[SynthesisStep] = []
    for step in steps:
        a, word = step.start, step.operation.lower()
        named = (_TIME_REFERENCE.search(text, max(0, a - 40), a) or _STAGES_AFTER.match(text, step.end)
                 or (_METHOD_BEFORE.search(text, max(0, a - 30), a) and not step.materials))
        if (named and (not word.endswith("ed") or _BEING_BEFORE.search(text, max(0, a - 14), a))
                and not any(getattr(step.conditions, kind) for kind in CONDITION_KINDS if kind != "device")
                and any(_same_stem(s.operation, word) for s in out if a - s.start <= _TOLD_WITHIN)):
            continue
        out.append(step)
    return out


def _done_folded(text: str, steps: list[SynthesisStep]) -> list[SynthesisStep]:
    """Steps with "performed", "carried out" … folded into the operation they report ("Hot pressing was performed at
    140 °C for 2 min": one hot-pressing step at 140 °C for 2 min, not a second step "performed")."""
    out: list[SynthesisStep] = []
    for step in steps:
        prev = out[-1] if out else None
        if prev is not None and _DONE.fullmatch(step.operation.lower()) and _WAS_BEFORE.fullmatch(
                text, prev.end, step.start):
            for kind in CONDITION_KINDS:
                for cond in getattr(step.conditions, kind):
                    prev.conditions.add(kind, cond)
            prev.materials.extend(m for m in step.materials if m not in prev.materials)
            continue
        out.append(step)
    return out


def _reported_type(text: str, step: SynthesisStep, tabled: str) -> str:
    """The type of a "performed"/"carried out" step that no found operation precedes: that of the noun it reports
    ("the depositions were performed under 0.04 mbar O2": a deposition, shaping), else the ``tabled`` type (the
    Kononova tables', mostly heating) where a temperature says it was a heat treatment, else
    :data:`OTHER_OPERATION`."""
    subject = _DONE_SUBJECT.search(text, max(0, step.start - 60), step.start)
    noun = subject.group(1).lower() if subject else ""
    typer = default_typer()
    if noun and (operation_class(noun) or any(k in typer.lexicon for k in _lookup_keys(noun))):
        return typer.type(noun)
    return tabled if step.conditions.temperature else OTHER_OPERATION


_DONE_SUBJECT = re.compile(r"\b([a-z][a-z-]{3,}?)s?\s+(?:was|were)\s+(?:then\s+|also\s+|subsequently\s+|first\s+)?$")


def _made_again(text: str, steps: list[SynthesisStep]) -> list[SynthesisStep]:
    """Steps less a making verb ("prepared", "manufactured" …) without conditions whose subject names a thing an
    earlier making step already made ("The catalyst inks were prepared by mixing …" … "A total of 6 types of catalyst
    inks were prepared", "two inks were prepared independently …, from which MEAs were prepared"): the paper counts
    or retells what it made."""
    out: list[SynthesisStep] = []
    made: set[str] = set()
    for step in steps:
        subject = _MADE_SUBJECT.search(text, max(0, step.start - 80), step.start)
        if not _MAKING.fullmatch(step.operation.lower()) or subject is None:
            out.append(step)
            continue
        nouns = {w.lower().removesuffix("s") for w in subject.group(1).split() if _NOUN.fullmatch(w)} - _NOT_MADE
        if nouns & made and not any(getattr(step.conditions, kind) for kind in CONDITION_KINDS if kind != "device"):
            continue
        made |= nouns
        out.append(step)
    return out


_MAKING = re.compile(r"prepared|fabricated|manufactured|synthesi[sz]ed|made|produced")
# the subject of "… were prepared": the words since the clause began ("A total of 6 types of catalyst inks")
_MADE_SUBJECT = re.compile(r"(?:^|[.;:,]\s+|\bwhich\s+|\bthat\s+)((?:[^.;:,\s]+\s+){1,8}?)(?:was|were|is|are)\s+"
                           r"(?:\w+ly\s+|then\s+|also\s+|first\s+|further\s+)?$")
_NOUN = re.compile(r"[a-z][a-z-]{2,}|[A-Z][a-z]{2,}|[A-Z]{2,}s?")  # words and acronyms ("MEAs"), not formulas
_NOT_MADE = frozenset("all the total type sample specimen two three four five six each both these those then first "
                      "accordingly".split())


# " was ", " of the resultant ash was then ": between an operation and the "carried out" reporting it
_WAS_BEFORE = re.compile(r"\s+(?:of\s+[^.;]{1,60}?\s+)?(?:was|were)\s+(?:then\s+|also\s+|subsequently\s+)?")
_TOLD_WITHIN = 600
# "The mixing stages", "the grinding/pellet pressing/heating step was repeated"
_STAGES_AFTER = re.compile(r"(?:\s*/\s*[\w-]+(?:\s+[\w-]+)?)*\s+(?:stages?|steps?|process(?:es)?|procedures?)\b")
_BEING_BEFORE = re.compile(r"\b(?:being|having\s+been)\s+$")  # "After being milled, the powder was dried"
_SUFFIX = re.compile(r"(?:ation|ition|ion|ated|ing|ied|ed|ment|s)$")
_PREFIX = re.compile(r"^(?:re|pre|post|co)-?", re.I)


def _stem(word: str) -> str:
    """Crude stem of an operation word, British or American: "grindings" -> "grind", "calcinated" -> "calcin",
    "pelletised" -> "pelletiz", "dried" -> "dry"."""
    w = word.lower().strip().removesuffix("s")  # a plural first: "grindings" -> "grinding"
    w = _SUFFIX.sub(lambda m: "y" if m.group() == "ied" else "", w)
    return re.sub(r"is$", "iz", w.rstrip("e"))


def _same_stem(a: str, b: str) -> bool:
    """Whether two words are forms of one operation: coated/coating, dried/drying, deposition/deposited (one crude
    stem a prefix of the other)."""
    x, y = (_stem(w)[:7] for w in (a, b))
    return min(len(x), len(y)) >= 3 and (x.startswith(y) or y.startswith(x))


# "kept at 80 °C", "kept in air for 2 h": holding, a step; "kept constant" is not.
_HELD_AT = re.compile(r"\s+(?:(?:\w+ly|there)\s+)?(?:at|in|under|for|over|overnight)\b")
# "allowed to stand", "left to cool": a step, not a purpose.
_LET_TO = re.compile(r"\b(?:allowed|left|let|continued|began)\s+to\s+$")


def operation_class(token: str) -> str | None:
    """Type of ``token``'s operation class in :data:`OPERATION_CLASSES`, if it or its head word (``pulsed laser
    deposition``) is in one."""
    t = token.lower().strip()
    return next((kind for key in dict.fromkeys([t, t.split()[-1] if t else t]) for rx, kind in OPERATION_CLASSES
                 if rx.fullmatch(key)), None)


#: A generic noun after an operation ("sintering process", "a coating step"), which names no operation itself.
_GENERIC_TAIL = re.compile(r"(?<=\w)\s+(?:process(?:es)?|procedures?|steps?|routes?|techniques?|methods?)$", re.I)


def _lookup_keys(token: str) -> list[str]:
    """``"Ball-milled"`` -> ``["ball-milled", "ballmilled", "milled"]``: the token, unhyphenated, its last part."""
    t = token.lower().strip()
    parts = re.split(r"[\s-]+", t)
    return list(dict.fromkeys([t, "".join(parts), parts[-1]]))


@cache
def default_typer() -> OperationTyper:
    return OperationTyper.load()


# ------------------------------------------------------------------------------------------------- lexicons

_ATMOSPHERE_RE = re.compile(
    r"(?<![\w-])(?:\d+(?:\.\d+)?\s*%\s*H2\s*/\s*(?:Ar|N2)|H2\s*/\s*(?:Ar|N2)|(?:Ar|N2)\s*/\s*H2|forming gas|"
    r"air|argon|nitrogen|oxygen|hydrogen|ammonia|vacuum|inert atmosphere|Ar|N2|O2|H2|NH3|CO2|CO|H2S)(?![\w-])"
)
_MEDIUM_RE = re.compile(
    r"(?<![\w-])(?:(?:de-?ionized|distilled|deionised|DI|ultrapure|Milli-Q)\s+water|water|ethanol|acetone|"
    r"alcohol|iso-?propanol|2-propanol|isopropyl alcohol|methanol|ethylene glycol|2-methoxyethanol|toluene|"
    r"hexane|cyclohexane|butanol|benzene|chloroform|DMF|N,N-dimethylformamide|NMP|THF|H2O)(?![\w-])",
    re.IGNORECASE,
)
_DEVICE_RE = re.compile(
    r"(?<![\w-])(?:(?:planetary |high-energy )?ball[- ]mill(?:er)?|(?:agate |alumina )?mortar(?: and pestle)?|"
    r"pestle|(?:Teflon-lined )?(?:stainless[- ]steel )?autoclave|(?:tube|tubular|muffle|box|electric) furnace|"
    r"furnace|oven|crucible|(?:alumina|zirconia|agate) (?:jar|vial|balls?)|magnetic stirrer|hot plate|"
    r"ultrasonic bath|sonicator|centrifuge|spark plasma sintering|SPS|hot press)(?![\w-])",
    re.IGNORECASE,
)
_MISC_KINDS = (
    (re.compile(r"room temperature|ambient temperature|\bRT\b", re.I), "temperature"),
    (re.compile(r"overnight|a day|several (?:hours|days)|(?:few|several) minutes", re.I), "time"),
    (re.compile(r"vacuum|ambient atmosphere|\bair\b", re.I), "atmosphere"),
)
_LEXICON_KINDS = (("atmosphere", _ATMOSPHERE_RE), ("medium", _MEDIUM_RE), ("device", _DEVICE_RE))
_QUANTITY_KINDS = {"temperature", "time", "pressure", "heating_rate"}
#: Quantity kinds that say how much of a material (a bare ``%`` is more often a purity, so it is left out).
AMOUNT_KINDS = frozenset({"mass", "volume", "concentration", "amount", "fraction"})
# Between an amount and the material it quantifies: "2 g of citric acid", "0.5 M LiNO3", "1 M solution of
# Na2CO3", "35 mL DI water" / "LiNO3 (0.5 M)", "Li2CO3 (Alfa, 99%, 0.37 g)".
_AMOUNT_BEFORE = re.compile(
    r"\s*(?:(?:aqueous\s+)?solution\s+of\s+|of\s+(?:the\s+)?)?(?:(?:DI|de-?ioni[sz]ed|distilled|dry|anhydrous)\s+)?")
_AMOUNT_AFTER = re.compile(r"\s*(?:[(\[](?:[^()\[\].;]{0,40},\s*)?)?")
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z-]*[A-Za-z]")
_TOKEN_RE = re.compile(r"\w+|[^\w\s]")
# "heating rate", "sintering temperature": an operation word naming a parameter, not a step.
_NOMINAL_RE = re.compile(
    r"\s+(?:rates?|temperatures?|times?|duration|conditions?|process|steps?|procedure|plate|stage|element)\b")
# "The sintered powders", "the obtained product": a participle after a determiner describes a thing, not a step.
_DETERMINER_BEFORE = re.compile(r"\b(?:the|a|an|each|these|this|those|its|their)\s+$"
                                r"|(?<!\bwere\s)(?<!\bare\s)(?<!\bwas\s)(?<!\bhave\s)\b(?:both|all)\s+$", re.I)


# --------------------------------------------------------------------------------------------- operations


def find_operations(text: str, typer: OperationTyper | None = None) -> list[Entity]:
    """Lexicon operation finder: words of ``text`` in the operation lexicon, as ``Operation`` spans."""
    vocab = (typer or default_typer()).lexicon
    return [
        Entity(a, b, "Operation", text[a:b])
        for a, b, w in word_spans(text)
        if any(k in vocab for k in _lookup_keys(w)) and not _NOMINAL_RE.match(text, b) and _is_step(text, b, w)
    ]


def _is_step(text: str, end: int, word: str, stop: re.Pattern = NON_OPERATIONS) -> bool:
    """Whether a word ending at ``end`` names a step: not a ``stop`` word (result, use; "kept" only as "kept at"),
    a purpose ("to obtain", but "allowed to stand", "to react at 25 °C" are steps) or a participle used as an
    adjective ("the sintered pellets"); "obtained"/"formed" only when they say how (``was obtained by``)."""
    if stop.fullmatch(word) and not (word in ("kept", "keeping") and _HELD_AT.match(text, end)):
        return False
    start = end - len(word)
    if (_PURPOSE.search(text, max(0, start - 4), start) and not _BASE_FORM.search(word)
            and not _LET_TO.search(text, max(0, start - 14), start) and not _HELD_AT.match(text, end)):
        return False
    if word == "provided" and _BY_SUPPLIER.match(text, end):
        return False  # "42CrMo steel, which was provided by Baowu Steel Company", "sizes … are provided in Figure 1"
    if word.endswith("ed") and (_DETERMINER_BEFORE.search(text, max(0, start - 7), start)
                                or _opens_noun_phrase(text, start, end)):
        return False
    if not _HOW_ONLY.fullmatch(word):
        return True
    if _RESULT_NOUN_BEFORE.search(text, max(0, start - 30), start):
        return False  # "results obtained from difference dilatometry": how a finding was had, not a material
    source = _FROM_PLACE.match(text, end)
    return bool(_OBTAINED_STEP.match(text, end)) and not (source and source.group(1) not in ELEMENT_SET)


def _opens_noun_phrase(text: str, start: int, end: int) -> bool:
    """Whether the participle at ``text[start:end]`` opens its sentence, or the object of "using"/"with"/"of", as an
    adjective before a noun ("Filtered compressed air was obtained", "Sintered BaZr0.8Y0.2O3−δ pellet target was
    ablated", "utilising filtered, compressed air carrier gas"), not as a step it heads ("Dried at 80 °C, the
    powder …")."""
    return (_NOUN_PHRASE_OPENS.search(text, max(0, start - 40), start) is not None
            and _NOUN_AFTER.match(text, end) is not None)


_NOUN_PHRASE_OPENS = re.compile(r"(?:^|[.!?]\s+|\n\s*|\b(?:using|utili[sz]ing|employing|with|of|from|by)\s+)"
                                r"(?:[\w-]+ed,?\s+)?$", re.I)
_NOUN_AFTER = re.compile(r"(?:,?\s+[\w-]+ed)?\s+(?!(?:at|in|for|with|under|by|to|from|on|onto|into|and|or|then|again|"
                         r"together|until|twice|overnight|over|through|via|as|using|was|were|is|are|it|them)\b)"
                         r"(?![\w-]*ly\b)[A-Za-z(]")


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, lower-cased word)`` for the alphabetic words of ``text`` (the lexicon finder's units)."""
    return [(m.start(), m.end(), m.group().lower()) for m in _WORD_RE.finditer(text)]


# -------------------------------------------------------------------------------------------- attachment


@dataclass(slots=True)
class _Mention:
    """A condition or material mention waiting to be attached to an operation."""

    kind: str
    start: int
    end: int
    payload: Condition | StepMaterial


def attach(mentions: Sequence[tuple[int, int]], ops: Sequence[Entity], bounds: Sequence[int]) -> list[int | None]:
    """Index into ``ops`` (sorted by start) for each mention span: the nearest operation before it in its sentence,
    else the first after it in the sentence, else the last operation of an earlier sentence; ``bounds`` are the
    sentence start offsets (sorted)."""
    starts = [o.start for o in ops]
    return [_attached(a, starts, bounds) for a, _ in mentions]


def _attached(a: int, starts: Sequence[int], bounds: Sequence[int]) -> int | None:
    """:func:`attach` for one mention starting at ``a``, given the operation starts."""
    sent = bounds[bisect_right(bounds, a) - 1] if bounds and a >= bounds[0] else 0
    nxt = bounds[bisect_right(bounds, a)] if bisect_right(bounds, a) < len(bounds) else math.inf
    i = bisect_right(starts, a) - 1
    if i >= 0 and starts[i] >= sent:
        return i
    if i + 1 < len(starts) and starts[i + 1] < nxt:
        return i + 1
    return i if i >= 0 else None


# ------------------------------------------------------------------------------------------ condition mentions


def _kind_of_quantity(q: Quantity, amounts: bool = True) -> str:
    """Condition kind of a quantity; material amounts are ``amount`` (or ``other`` where ``amounts`` is off)."""
    if q.kind in AMOUNT_KINDS and q.unit != "%":
        return "amount" if amounts else "other"
        return "amount"
    return q.kind if q.kind in _QUANTITY_KINDS else "other"


def _misc_kind(text: str) -> str:
    return next((kind for rx, kind in _MISC_KINDS if rx.search(text)), "other")


def conditions_from_text(text: str, skip: Sequence[tuple[int, int]] = ()) -> list[_Mention]:
    """Condition mentions found without entities: quantities by unit kind, atmosphere/medium/device lexicons and
    qualitative phrases (``room temperature``, ``overnight``), leaving out spans overlapping ``skip``."""
    found = [
        _Mention(_kind_of_quantity(q), q.start, q.end, Condition(text[q.start : q.end], q.start, q.end, q))
        for q in parse_quantities(text)
        if q.unit is not None
    ]
    lexicons = [*_LEXICON_KINDS, *((kind, rx) for rx, kind in _MISC_KINDS[:2])]
    for kind, rx in lexicons:
        found += [_Mention(kind, m.start(), m.end(), Condition(m.group(), m.start(), m.end())) for m in rx.finditer(text)]
    return _without_overlaps(found, skip)


def _without_overlaps(found: list[_Mention], skip: Sequence[tuple[int, int]]) -> list[_Mention]:
    """Keep the longest of overlapping mentions, and none overlapping a ``skip`` span.

    The spans taken so far are kept sorted by start, so a mention is checked against the few that can overlap it
    (starting at most the longest span's length before it), not against all of them."""
    taken = sorted((a, b) for a, b in skip)
    longest = max((b - a for a, b in taken), default=0)
    out = []
    for m in sorted(found, key=lambda m: (m.start - m.end, m.start)):
        i = bisect_left(taken, (m.start - longest,))
        overlaps = False
        while i < len(taken) and taken[i][0] < m.end:
            if taken[i][1] > m.start:
                overlaps = True
                break
            i += 1
        if not overlaps:
            out.append(m)
            insort(taken, (m.start, m.end))
            longest = max(longest, m.end - m.start)
    return sorted(out, key=lambda m: m.start)


def conditions_from_entities(text: str, entities: Sequence[Entity]) -> list[_Mention]:
    """Condition mentions from MSPT entities: each ``Condition-Unit`` with its adjacent ``Number`` parsed as a
    quantity, ``Condition-Misc`` by cue words, ``Synthesis-Apparatus`` as devices."""
    numbers = sorted((e for e in entities if e.label == "Number"), key=lambda e: e.start)
    out = []
    for e in entities:
        if e.label in ("Condition-Unit", "Amount-Unit"):
            out.append(_unit_mention(text, e, numbers, e.label == "Amount-Unit"))
        elif e.label == "Condition-Misc":
            out.append(_Mention(_misc_kind(e.text), e.start, e.end, Condition(e.text, e.start, e.end)))
        elif e.label == "Synthesis-Apparatus":
            out.append(_Mention("device", e.start, e.end, Condition(e.text, e.start, e.end)))
    return sorted(out, key=lambda m: m.start)


def paired_number(text: str, unit: Entity, numbers: Sequence[Entity]) -> Entity | None:
    """The ``Number`` right before a unit (``700 degC``), else right after it (``pH 11``), at most 3 chars away."""
    before = [n for n in numbers if 0 <= unit.start - n.end <= 3 and not text[n.end : unit.start].strip(" (")]
    after = [n for n in numbers if 0 <= n.start - unit.end <= 3 and not text[unit.end : n.start].strip(" =of")]
    return before[-1] if before else (after[0] if after else None)


def _unit_mention(text: str, unit: Entity, numbers: Sequence[Entity], amount: bool = False) -> _Mention:
    num = paired_number(text, unit, numbers)
    if num is None:
        kind = "amount" if amount else "other"
        return _Mention(kind, unit.start, unit.end, Condition(unit.text, unit.start, unit.end))
    a, b = min(num.start, unit.start), max(num.end, unit.end)
    qs = [q for q in parse_quantities(text[a:b]) if q.unit is not None]
    q = qs[-1] if qs else None
    if q is not None:
        q = Quantity(q.value, q.unit, a + q.start, a + q.end, q.low, q.high, q.error, q._unit)
    kind = "amount" if amount else (_kind_of_quantity(q, amounts=False) if q else "other")
    return _Mention(kind, a, b, Condition(text[a:b], a, b, q))


# -------------------------------------------------------------------------------------------------- roles

_TARGET_AFTER = re.compile(
    r"^[^.;]{0,60}?\b(?:was|were|is|are|has been|have been)\s+(?:\w+ly\s+)?"
    r"(?:prepared|synthesi[sz]ed|obtained|fabricated|produced|formed|made|grown|deposited)\b",
    re.I,
)
_TARGET_BEFORE = re.compile(
    r"\b(?:to (?:obtain|form|prepare|synthesi[sz]e|produce|yield|get|fabricate)|obtain(?:ing)?|yield(?:ing|ed)?|"
    r"result(?:ing|ed) in|preparation of|synthesis of|formation of|fabrication of)\s+(?:the\s+|a\s+|an\s+)?"
    r"(?:\S+\s+){0,3}$",
    re.I,
)
_PRECURSOR_AFTER = re.compile(
    r"^\W{0,3}(?:\([^)]*\)\s*)?(?:,[^.;]{0,80})?\s*(?:were|was)?\s*(?:used\s+)?as\s+(?:the\s+)?"
    r"(?:starting|raw|precursor|source|initial)\b|^[^.;]{0,60}?\b(?:were|was)\s+(?:\w+ly\s+)?"
    r"(?:dissolved|mixed|weighed|added|ground|ball-milled|milled|used)\b",
    re.I,
)
_PRECURSOR_BEFORE = re.compile(
    r"\b(?:starting materials?|raw materials?|precursors?|reagents?|reactants?|mixture of|mixing|mixed|"
    r"stoichiometric amounts? of|amounts? of|dissolv(?:ed|ing)|add(?:ed|ing)|from)\b[^.;]{0,80}$",
    re.I,
)
_SOLVENT_BEFORE = re.compile(r"\b(?:in|into|with|using)\s+(?:\w+\s+){0,2}$", re.I)


def material_role(text: str, m: Entity) -> str:
    """Rule-based recipe role of a material mention from cue phrases around it in its clause."""
    before, after = text[max(0, m.start - 120) : m.start], text[m.end : m.end + 120]
    if _ATMOSPHERE_RE.fullmatch(m.text) and re.search(r"\b(?:in|under|flowing|of)\s+(?:\w+\s+)?$", before):
        return "atmosphere"
    if _MEDIUM_RE.fullmatch(m.text) or (_MEDIUM_RE.search(m.text) and _SOLVENT_BEFORE.search(before)):
        return "solvent"
    if _TARGET_BEFORE.search(before) or _TARGET_AFTER.search(after):
        return "target"
    if _PRECURSOR_AFTER.search(after) or _PRECURSOR_BEFORE.search(before):
        return "precursor"
    return "participant"


@dataclass(frozen=True, slots=True)
class RoleContext:
    """What the role features of one text's material mentions share, computed once per text: the operations
    (sorted by start) and their starts, the sentence starts, and the starts of the first and last mention."""

    text: str
    ops: Sequence[Entity]
    bounds: Sequence[int]
    starts: list[int]
    extent: tuple[int, int]
    #: The distinct non-empty :func:`kept_elements` sets of the text's mentions.
    compositions: frozenset[frozenset[str]] = frozenset()
    #: The side of each species span of the text's chemical equations (:func:`equation_species`).
    sides: dict[tuple[int, int], str] = field(default_factory=dict)
    found: dict[str, tuple[int, int]] = field(default_factory=dict)

    def occurrences(self, mention: str) -> tuple[int, int]:
        """How often ``mention`` occurs in the text and where first (counted once per string)."""
        if mention not in self.found:
            self.found[mention] = (self.text.count(mention), self.text.find(mention))
        return self.found[mention]

    @classmethod
    def of(cls, text: str, ops: Sequence[Entity], bounds: Sequence[int], mats: Sequence[Entity]) -> RoleContext:
        starts = [e.start for e in mats]
        extent = (min(starts), max(starts)) if starts else (0, 0)
        compositions = frozenset(c for c in (kept_elements(e.text) for e in mats) if c)
        sides = {(a, b): side for a, b, side in equation_species(text)}
        return cls(text, ops, bounds, [o.start for o in ops], extent, compositions, sides)


def role_features(ctx: RoleContext, m: Entity) -> dict[str, float]:
    """Features of a material mention for the learned role model: nearby words, the operations before and after it
    in its sentence and the one it attaches to, lexicon and shape flags, an amount beside it, its sentence and its
    place among the text's mentions, the rule-based role and paper-level cues."""
    text, ops, bounds = ctx.text, ctx.ops, ctx.bounds
    sent = bisect_right(bounds, m.start) - 1
    lo = bounds[sent] if sent >= 0 else 0
    hi = bounds[sent + 1] if sent + 1 < len(bounds) else len(text)
    before = [w.lower() for w in _TOKEN_RE.findall(text[max(lo, m.start - 100) : m.start])][-6:]
    after = [w.lower() for w in _TOKEN_RE.findall(text[m.end : min(hi, m.end + 100)])][:6]
    f = {f"b{i}={w}": 1.0 for i, w in enumerate(reversed(before[-3:]))}
    f.update({f"a{i}={w}": 1.0 for i, w in enumerate(after[:3])})
    f.update({f"B={w}": 1.0 for w in before} | {f"A={w}": 1.0 for w in after})
    i, j = bisect_left(ctx.starts, m.start), bisect_left(ctx.starts, m.end)
    prev = ops[i - 1] if i > 0 and ops[i - 1].start >= lo else None
    nxt = ops[j] if j < len(ops) and ops[j].start < hi else None
    f[f"prevop={prev.text.lower() if prev else '-'}"] = 1.0
    f[f"nextop={nxt.text.lower() if nxt else '-'}"] = 1.0
    f[f"sent={min(sent, 3)}"] = 1.0
    f[f"rule={material_role(text, m)}"] = 1.0
    f["medium"] = float(bool(_MEDIUM_RE.fullmatch(m.text)))
    f["atmosphere"] = float(bool(_ATMOSPHERE_RE.fullmatch(m.text)))
    f["formula"] = float(bool(re.search(r"[A-Z][a-z]?\d|\)\d", m.text)))
    f["lower"] = float(m.text.islower())
    f["first"] = float(ctx.occurrences(m.text)[1] == m.start)
    f.update(_material_cues(ctx, m))
    f.update(_step_cues(ctx, m))
    f.update(_composition_cues(ctx, m))
    first, last = ctx.extent
    f[f"place={'first' if m.start == first else 'last' if m.start == last else 'mid'}"] = 1.0
    return f


# Precursor-like names (salts, hydrates, alkoxides, acids) and the words that follow a product ("… nanoparticles").
_PRECURSOR_CUE = re.compile(
    r"NO3|CO3|CH3COO|C2H3O2|OAc|Cl\d?|SO4|\(OH\)|·|H2O|nitrate|carbonate|acetate|chloride|hydroxide|sulfate|"
    r"oxalate|alkoxide|propoxide|butoxide|ethoxide|acetylacetonate|acid", re.I)
_PRODUCT_AFTER = re.compile(r"\s*(?:\([^)]*\)\s*)?(?:nano\w*|powders?|(?:thin )?films?|particles|crystals|"
                            r"composites?|samples?|catalysts?|electrodes?)\b", re.I)


def _material_cues(ctx: RoleContext, m: Entity) -> dict[str, float]:
    """Role cues of a mention beyond its sentence: number of elements, how often the paper names it, whether the
    title (the first two lines) names it, a precursor-like name, a product word after it."""
    text = ctx.text
    head = text[: text.find("\n", text.find("\n") + 1)] if text.count("\n", 0, 2000) >= 2 else text[:300]
    n = ctx.occurrences(m.text)[0]
    return {
        f"elements={min(len(set(re.findall(r'[A-Z][a-z]?', m.text))), 4)}": 1.0,
        f"count={'1' if n == 1 else '2-3' if n < 4 else '4+'}": 1.0,
        "in_title": float(m.text in head and m.start >= len(head)),
        "precursor_name": float(bool(_PRECURSOR_CUE.search(m.text))),
        "product_after": float(bool(_PRODUCT_AFTER.match(text, m.end))),
    }


@cache
def kept_elements(mention: str) -> frozenset[str]:
    """The elements of a material mention that stay in a product (its elements less :data:`VOLATILE`; dopants
    included); for a name :func:`matnlp.chem.read_material` cannot read (``cobalt nitrate``), the elements
    named in it; empty for an acronym or a name without an element."""
    try:
        reading = read_material(mention)
        elements = {*reading.stoichiometry.amounts, *reading.dopants}
    except FormulaError:
        elements = {e for w in re.findall(r"[A-Za-z]+", mention) if (e := element_from_name(w))}
    return frozenset(elements - VOLATILE)


def _composition_cues(ctx: RoleContext, m: Entity) -> dict[str, float]:
    """A target holds the kept elements of the precursors it is made from: how many other compositions of the text
    this mention's elements hold (``covers``), whether another holds them (``covered``), its number of kept
    elements and whether its stoichiometry is fractional or symbolic (``SrTi0.3Fe0.7O3``, a doped phase)."""
    mine = kept_elements(m.text)
    if not mine:
        return {"composition=-": 1.0}
    covers = sum(c < mine for c in ctx.compositions)
    return {
        f"covers={min(covers, 2)}": 1.0,
        "covered": float(any(mine < c for c in ctx.compositions)),
        f"kept={min(len(mine), 4)}": 1.0,
        "fractional": float(bool(_FRACTIONAL.search(m.text))),
    }


# A non-integer or symbolic subscript after an element: "Ti0.3", "Sr1-x", "O3-δ".
_FRACTIONAL = re.compile(r"[A-Za-z)]\d*\.\d|[A-Za-z)][\d.]*[-+−]?[xyzδ]\b|[A-Za-z)]\d*[-−][xyzδ]")


# An amount right before or after a mention marks a weighed-in precursor: "2 mmol X", "0.5 g of X", "X (0.37 g)".
_AMOUNT_UNIT = (r"\d(?:[\d.,]*\d)?\s*"
                r"(?:[mk]?g|[mµμu]?mol|[mµμu]?L|ml|m?M|N|(?:wt|mol|at\.?)\s?%|%|equiv|eq\.?|drops?)")
_AMOUNT_THEN = re.compile(_AMOUNT_UNIT + r"\s*(?:of\s+(?:the\s+)?|solution\s+of\s+)?(?:[\w-]+\s+){0,2}$")
_THEN_AMOUNT = re.compile(r"\s*[(\[,]?[^()\[\].;]{0,40}?" + _AMOUNT_UNIT + r"(?![A-Za-z])")


def _step_cues(ctx: RoleContext, m: Entity) -> dict[str, float]:
    """The operation the mention attaches to (as :func:`attach` places it), its Kononova type and side, and
    whether an amount stands beside the mention."""
    text, ops = ctx.text, ctx.ops
    i = _attached(m.start, ctx.starts, ctx.bounds)
    op = ops[i].text.lower() if i is not None else "-"
    side = "-" if i is None else "before" if ops[i].start < m.start else "after"
    return {
        f"op={op}": 1.0,
        f"optype={default_typer().type(op) if i is not None else '-'}": 1.0,
        f"opside={side}": 1.0,
        "amount_before": float(bool(_AMOUNT_THEN.search(text, max(0, m.start - 40), m.start))),
        "amount_after": float(bool(_THEN_AMOUNT.match(text[m.end : m.end + 60]))),
    }


class RoleModel:
    """Linear model over :func:`role_features` (weights in ``data/material_roles.json``). Besides the
    :data:`ROLES` it knows :data:`NO_ROLE`, a material that is no operation's argument (a title or
    characterization mention), which recipes leave out as they do participants."""

    def __init__(self, model: dict):
        self.classes = model["classes"]
        self.bias = model["bias"]
        self.weights = model["weights"]

    @classmethod
    def load(cls, path: Path = ROLES_PATH) -> RoleModel:
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    def role(self, features: dict[str, float], tagged: bool = True) -> str:
        """The best-scoring role. :data:`NO_ROLE` (given as ``participant``) only for ``tagged`` mentions, MSPT
        entities like those it was learnt from: the materials finder's mentions follow other conventions (an
        abbreviation stands for its definition), so for them it is the best recipe role; their features are
        read :func:`untagged`."""
        scores = list(self.bias)
        for f, v in (features if tagged else untagged(features)).items():
            for i, w in enumerate(self.weights.get(f, ())):
                scores[i] += w * v
        ranked = sorted(range(len(scores)), key=scores.__getitem__, reverse=True)
        role = next(self.classes[i] for i in ranked if tagged or self.classes[i] != NO_ROLE)
        return "participant" if role == NO_ROLE else role


def equation_role(ctx: RoleContext, m: Entity) -> str | None:
    """The role a chemical equation states for a species it holds: a reactant is a precursor, a product a target,
    unless it holds only :data:`VOLATILE` elements (``CO2``, ``H2O``: a by-product, a participant); ``None`` for a
    mention in no equation."""
    side = ctx.sides.get((m.start, m.end))
    if side is None:
        return None
    return "precursor" if side == "reactant" else "target" if kept_elements(m.text) else "participant"


def _checked(text: str, m: Entity, role: str) -> str:
    """The role model's ``role`` where the material allows it. A gas is no target, and a carrier or reducing gas
    no precursor (``Ar``, ``5% H2/Ar``, ``O2``: an atmosphere); water, ethanol and the other solvents of
    :data:`_MEDIUM_RE` are solvents. A target the text says was bought is a precursor: a
    purity, grade or supplier right after it (``BaTiO3 (99.99%, Korea)``, ``CaCO3 (A.R)``, ``Li2S
    (Sigma-Aldrich``) or "commercial(ly available)", "purchased" or "high-purity" before it (``Commercially
    available ZrB2 powder``), or it stands in a list of starting materials (:data:`_STARTING_LIST`). A chelating
    agent, fuel, binder or acid (``EDTA``, ``citric acid``, ``PVP``) is neither made nor a precursor (it brings no
    element the product keeps) but a participant, as MSPT and the Kononova records read it. A mixture
    (``xNa2S·(100−x)P2S5``) names what is made from its components, a target."""
    if (role == "target" and _ATMOSPHERE_RE.fullmatch(m.text)
            or role == "precursor" and _CARRIER_GAS.fullmatch(m.text)):
        return "atmosphere"
    if role in ("target", "precursor") and _MEDIUM_RE.fullmatch(m.text):
        return "solvent"
    if role in ("target", "precursor") and _AGENT.fullmatch(m.text):
        return "participant"
    if role == "precursor" and components(m.text):
        return "target"
    if role in ("target", "precursor") and _support(text, m):
        return "participant"
    if role != "target":
        return role
    listed = _STARTING_LIST.search(text, max(0, m.start - 150), m.start)
    return "precursor" if _bought(text, m) or listed else role


def _support(text: str, m: Entity) -> bool:
    """Whether the material is a substrate, foam or current collector the product is made on or tested with
    ("a sapphire substrate", "nickel foam", "foam nickel", "silver paste … as the current collector"), not what is
    made or consumed."""
    return bool(_SUPPORT_AFTER.match(text, m.end) or _FOAM_BEFORE.search(text, max(0, m.start - 6), m.start)
                or _NOBLE.fullmatch(m.text) and _PASTE_AFTER.match(text, m.end))


_SUPPORT_AFTER = re.compile(r"(?:\s*\([^()]{0,30}\))?[\s-]+(?:foams?|substrates?|wafers?|meshe?s?|"
                            r"current\s+collectors?)\b", re.IGNORECASE)
_FOAM_BEFORE = re.compile(r"\bfoam\s+$", re.IGNORECASE)
_NOBLE = re.compile(r"(?i)silver|gold|platinum|palladium|Ag|Au|Pt|Pd")
_PASTE_AFTER = re.compile(r"\s+(?:pastes?|inks?|wires?|gauzes?)\b", re.IGNORECASE)  # a mesh is a support


def _bought(text: str, m: Entity) -> bool:
    after = text[m.end : m.end + 60]
    bracket = _BRACKET_AFTER.match(after)
    return bool(_BOUGHT_AFTER.match(after) or _BOUGHT_BEFORE.search(text, max(0, m.start - 60), m.start)
                or bracket and VENDOR.match(after, bracket.end()) or GRADE.search(m.text))


def _bought_lists(text: str, materials: Sequence[Entity], roles: list[str]) -> list[str]:
    """``roles`` with every target of a list of materials one of which was bought (:func:`_bought`) turned
    precursor: what one item says of where the list came from holds for all ("BaF2 and ErF3 (both Merck,
    99.9%)", "reagent-grade MgO, Ho2O3, MnO, and BaSiO3")."""
    order = sorted(range(len(materials)), key=lambda i: materials[i].start)
    runs: list[list[int]] = []
    for i in order:
        if runs and _LIST_GAP.fullmatch(text, materials[runs[-1][-1]].end, materials[i].start):
            runs[-1].append(i)
        else:
            runs.append([i])
    out = list(roles)
    for run in runs:
        if len(run) > 1 and any(_bought(text, materials[i]) for i in run):
            for i in run:
                out[i] = "precursor" if out[i] == "target" else out[i]
    return out


_BOUGHT_AFTER = re.compile(r"\s*[(\[]\s*(?:[^()\[\]]{0,30}?[\s,;:])?(?:[≥>]\s*)?"
                           r"(?:\d{2}(?:\.\d+)?\s*%|[2-6]N\b|A\.\s?R\.?|AR\b)")
_BRACKET_AFTER = re.compile(r"\s*[(\[]\s*")
# What separates two items of one list: a comma, "and", perhaps a bracketed note and a grade word before the next
_LIST_GAP = re.compile(r"\s*(?:[(\[][^()\[\]]{0,60}[)\]]\s*)?(?:,\s*(?:and\s+)?|and\s+)(?:(?:high[- ]purity|"
                       r"(?:reagent|analytical)[- ]grade|commercial)\s+)?", re.IGNORECASE)
_GAS = r"(?:\d+(?:\.\d+)?\s*(?:vol\.?\s*)?%\s*)?(?:H2|Ar|N2|O2|He|air|argon|nitrogen|oxygen|hydrogen|helium)"
# A list of what a synthesis starts from, up to the mention, with no product named between: "The starting raw
# chemicals were BaTiO3, SrTiO3", "the mixed powder of LaAs, Fe2As and", "milling together LiF and", "For the
# synthesis of AgCuF3, AgF and"
_STARTING_LIST = re.compile(
    r"(?i)(?:\b(?:starting|raw|initial)\s+(?:\w+\s+)?(?:materials?|chemicals?|reagents?|powders?)\b|\bmix(?:ture|ed\s+"
    r"powders?)\s+of\b|\bmilling\s+together\b|\bfor\s+the\s+(?:synthesis|preparation)\s+of\s+\S+,)"
    r"(?:(?!obtain|form|prepar|synthes|yield|product|result|target)[^.;])*$")
_CARRIER_GAS = re.compile(rf"(?i:{_GAS}(?:\s*[/–-]\s*{_GAS})?)")
_AGENT = re.compile(r"(?i)EDTA|(?:citric|oxalic|stearic|nitric|tartaric|malic)\s+acid|glycine|urea|PV[APB]|PEG|"
                    r"polyvinyl\s+\w+|polyethylene\s+glycol|ethylene\s+glycol|acetylacetone|HNO3|NH4OH|"
                    r"ammonium\s+hydroxide|ammonia(?:\s+solution)?")


def formula_kind(formula: str | None) -> str | None:
    """``"solvent"`` or ``"agent"`` for a solvent's or a chelating agent's formula (water of hydration aside:
    ``C2H5OH``, ``C6H8O7·H2O``), the formula twins of :data:`_MEDIUM_RE` and :data:`_AGENT`; else ``None``."""
    if not formula:
        return None
    try:
        return _KIND_OF_COMPOSITION.get(parse_formula(_HYDRATE_END.sub("", formula)))
    except FormulaError:
        return None


_HYDRATE_END = re.compile(r"\s*[·⋅•∙]\s*\d*H2O$")
_KIND_OF_COMPOSITION = {
    **dict.fromkeys(map(parse_formula, ("H2O", "C2H6O", "C2H6O2", "C3H8O", "CH4O", "C3H6O", "C3H8O2", "C7H8", "C6H14",
                                        "C6H12", "C4H10O", "C6H6", "CHCl3", "C3H7NO", "C5H9NO", "C4H8O")), "solvent"),
    **dict.fromkeys(map(parse_formula, ("C6H8O7", "C10H16N2O8", "CH4N2O", "C2H5NO2", "C2H2O4", "C4H6O6", "C5H8O2",
                                        "C4H6O5")), "agent"),
}

_BOUGHT_BEFORE = re.compile(r"\b(?:commercial(?:ly\s+available)?|purchased|high[- ]purity|(?:reagent|analytical)[- ]grade|"
                            r"analytically\s+pure)\s+(?:[\w-]+\s+){0,3}$",
                            re.IGNORECASE)


def untagged(features: dict[str, float]) -> dict[str, float]:
    """The features of a materials-finder mention: each also as ``f@text``, so that the model weighs a cue in
    text read without entities (learnt from Kononova snippets) apart from the same cue of an MSPT entity."""
    return features | {f"{f}@text": v for f, v in features.items()}


@cache
def default_roles() -> RoleModel:
    return RoleModel.load()


# --------------------------------------------------------------------------------------------------- entry


@dataclass(slots=True)
class Synthesis:
    """The synthesis reading of ``text``: ordered steps, and every material mention with its role and amounts
    (also those no operation took), for :mod:`matnlp.extractors.recipes`."""

    text: str
    steps: list[SynthesisStep]
    materials: list[StepMaterial]


def extract_steps(
    text: str,
    entities: Sequence[Entity] | None = None,
    sentences: Sequence[Sentence] | None = None,
    *,
    typer: OperationTyper | None = None,
    within: Sequence[tuple[int, int]] | None = None,
    materials: Sequence[tuple[int, int]] = (),
) -> list[SynthesisStep]:
    """Ordered synthesis steps of ``text`` (see :func:`read_synthesis`)."""
    return read_synthesis(text, entities, sentences, typer=typer, within=within, materials=materials).steps


def read_synthesis(
    text: str,
    entities: Sequence[Entity] | None = None,
    sentences: Sequence[Sentence] | None = None,
    *,
    typer: OperationTyper | None = None,
    within: Sequence[tuple[int, int]] | None = None,
    materials: Sequence[tuple[int, int]] = (),
) -> Synthesis:
    """Steps and material mentions of ``text``. ``entities`` are MSPT-labelled spans (tagger or gold); with
    ``None`` the lexicon operation finder and the text condition finder are used instead, and ``materials``
    (spans, e.g. the mentions of :func:`matnlp.extractors.materials.extract_materials`) are the material mentions.
    ``sentences`` reuses an existing tokenization; ``within`` restricts everything to those spans (synthesis
    paragraphs). A heating step with several temperatures in sequence ("500 °C for 5 h followed by 780 °C for
    15 h") becomes one step per temperature, each with its own conditions."""
    typer = typer or default_typer()
    bounds = [s.start for s in (sentences if sentences is not None else split_sentences(text))]
    if entities is None:
        ops = find_operations(text, typer)
        mats = [Entity(a, b, "Material", text[a:b]) for a, b in materials]
        mentions = conditions_from_text(text, skip=[(o.start, o.end) for o in ops] + [(m.start, m.end) for m in mats])
    else:
        ops = sorted((e for e in entities if e.label == "Operation"), key=lambda e: e.start)
        mats = [e for e in entities if e.label == "Material"]
        mentions = conditions_from_entities(text, entities)
    if within is not None:
        inside = _containment(within)
        ops = [o for o in ops if inside(o.start, o.end)]
        mats = [m for m in mats if inside(m.start, m.end)]
        mentions = [m for m in mentions if inside(m.start, m.end)]
    materials_found = _material_mentions(text, mats, ops, bounds, tagged=entities is not None)
    amounts = _attach_amounts(text, [m for m in mentions if m.kind == "amount"], materials_found)
    # An amount no material took stays a step condition in text mode; MSPT amounts belong to materials only.
    left = [m for m in mentions if m not in amounts and (entities is None or m.kind != "amount")]
    mentions = sorted(left + materials_found, key=lambda m: m.start)
    steps = [SynthesisStep(o.text, "", o.start, o.end) for o in ops]
    places = attach([(m.start, m.end) for m in mentions], ops, bounds)
    for m, i in zip(mentions, _modifier_places(text, mentions, ops, places), strict=True):
        if i is not None:
            _add(steps[i], m)
    ends = [*bounds[1:], len(text)]
    steps = _made_again(text, _done_folded(text, _told_steps(text, [s for s in steps if is_step(
        text, s, _sentence_of(s.start, bounds, ends))])))
    style = typer.style(o.text for o in ops)
    for step in steps:
        step.type = typer.type(step.operation, bool(step.conditions.medium), style)
        if _DONE.fullmatch(step.operation.lower()):
            step.type = _reported_type(text, step, step.type)
        elif step.type == "DryingOperation" and _FILM_EVAPORATION.search(text, max(0, step.start - 30), step.end + 60):
            step.type = "ShapingOperation"  # "deposited by evaporation", "evaporated through a shadow mask"
        elif _INTO_MOLD.match(text, step.end):
            step.type = "ShapingOperation"  # "poured into a mold": casting, not mixing
        elif step.type == "HeatingOperation" and (_at_room_temperature(step) and not _HEATING_WORD.match(step.operation)
                                                  or _AGED.fullmatch(step.operation) and not step.conditions.temperature):
            step.type = "OtherOperation"  # "left to react overnight at room temperature", "left to be aged": no heating
        elif step.type == "DryingOperation" and _EVACUATED.fullmatch(step.operation):
            step.type = "OtherOperation"  # "the system was evacuated to ~8 × 10–5 Pa": pumped, nothing dried
    steps = [part for step in steps for part in split_sequence(text, step)]
    return Synthesis(text, steps, sorted((m.payload for m in materials_found), key=lambda m: m.start))


_AGED = re.compile(r"(?i)ag(?:ed|ing|eing)")
_EVACUATED = re.compile(r"(?i)evacuat\w*")


def _at_room_temperature(step: SynthesisStep) -> bool:
    """Whether the step's temperatures are all room temperature (in words, or at most 30 °C / 303 K)."""
    temps = step.conditions.temperature
    return bool(temps) and all(_ROOM_WORDS.search(c.text) or (c.quantity is not None and _celsius(c.quantity) <= 30)
                               for c in temps)


def _celsius(q: Quantity) -> float:
    """``q`` in °C; infinite when it is no temperature."""
    try:
        return q.to("°C").value
    except ValueError:
        return float("inf")


_ROOM_WORDS = re.compile(r"(?i)\broom[- ]temperature|\bRT\b|\bambient")
_HEATING_WORD = re.compile(r"(?i)heat|anneal|calcin|sinter|fir|bak|cur|reflux|boil|hydrotherm|solvotherm|melt|fus")


# Evaporation that lays down a film, not one that dries: "deposited by evaporation", "evaporated through a shadow
# mask", "by electron gun evaporation".
_FILM_EVAPORATION = re.compile(r"(?i)\bdeposited\s+(?:by|via|using)\s+(?:[\w-]+\s+)?(?:co-?)?evaporat|"
                               r"\bevaporated\s+(?:through|onto|on)\s+(?:an?\s+|the\s+)?(?:shadow\s+)?mask|"
                               r"\bevaporated\s+(?:onto|on\s+top)\b|(?<!rotary\s)(?<!rotatory\s)\bevaporator\b|"
                               r"\b(?:electron[- ](?:gun|beam)|e-?beam|thermal|vacuum)\s+(?:co-?)?evaporat")


# A word condition right before an operation modifies it: "vigorous (magnetic) stirring", "vacuum dried",
# "without further purification", "slowly added".
_MODIFIER_GAP = re.compile(r"\s*(?:(?!(?:and|or|then|in|at|under|with|for|to|the|was|were|is|are|by)\b)[A-Za-z-]+\s+)?")


def _modifier_places(text: str, mentions: Sequence[_Mention], ops: Sequence[Entity],
                     places: list[int | None]) -> list[int | None]:
    """``places`` with each word condition (no quantity) that directly precedes an operation moved onto it."""
    starts = {o.start: i for i, o in enumerate(ops)}
    out = list(places)
    for k, m in enumerate(mentions):
        if isinstance(m.payload, Condition) and m.payload.quantity is None:
            gap = _MODIFIER_GAP.match(text, m.end)
            if gap.end() in starts:
                out[k] = starts[gap.end()]
    return out


def _attach_amounts(text: str, amounts: Sequence[_Mention], materials: Sequence[_Mention]) -> list[_Mention]:
    """Put each amount on the material it quantifies (right after it: ``2 g of X``, ``0.5 M X``; else right
    before it: ``X (0.5 M)``); returns the amounts placed."""
    by_start = {m.start: m for m in materials}
    by_end = {m.end: m for m in materials}
    placed = []
    for a in amounts:
        after = _AMOUNT_BEFORE.match(text, a.end)
        before = next((by_end[e] for e in range(a.start, max(-1, a.start - 45), -1)
                       if e in by_end and _AMOUNT_AFTER.fullmatch(text, e, a.start)), None)
        target = by_start.get(after.end()) or before
        if target is not None:
            target.payload.amounts.append(a.payload)
            placed.append(a)
    return placed


# Between two temperatures of one heating step: a sequence, not a list of alternatives ("500, 600 and 700 °C").
_SEQUENCE_CUE = re.compile(r"\b(?:followed by|then|subsequently|afterwards?|before|after|finally|and again|"
                           r"further|next)\b", re.I)
_SPLIT_KINDS = ("temperature", "time", "heating_rate", "pressure")
_SPLIT_TYPES = frozenset({"HeatingOperation", "DryingOperation"})


def split_sequence(text: str, step: SynthesisStep) -> list[SynthesisStep]:
    """One step per temperature of a heating or drying step whose temperatures follow each other (a time or a
    sequence word between them); each keeps the times, rates and pressures up to the next temperature, and all
    share the step's atmosphere, medium and device. Otherwise ``[step]``."""
    temps = sorted(step.conditions.temperature, key=lambda c: c.start)
    if step.type not in _SPLIT_TYPES or len(temps) < 2:
        return [step]
    times = step.conditions.time
    for t1, t2 in zip(temps, temps[1:]):
        between = text[t1.end : t2.start]
        if not (_SEQUENCE_CUE.search(between) or any(t1.end <= c.start < t2.start for c in times)):
            return [step]
    starts = [t.start for t in temps]
    parts = [SynthesisStep(step.operation, step.type, step.start, step.end) for _ in temps]
    parts[0].materials = step.materials
    for kind in CONDITION_KINDS:
        for c in getattr(step.conditions, kind):
            if kind in _SPLIT_KINDS:
                parts[max(0, bisect_right(starts, c.start) - 1)].conditions.add(kind, c)
            else:
                for part in parts:
                    part.conditions.add(kind, c)
    return parts


def _sentence_of(offset: int, bounds: Sequence[int], ends: Sequence[int]) -> tuple[int, int]:
    """``(start, end)`` of the sentence holding ``offset`` (``bounds``: sentence starts, ``ends``: their ends)."""
    if not bounds:
        return 0, ends[-1]
    i = max(0, bisect_right(bounds, offset) - 1)
    return bounds[i], ends[i]


def _containment(spans: Sequence[tuple[int, int]]):
    """``inside(start, end)``: whether one of ``spans`` holds the span, by bisection instead of a scan of all the
    spans (some span starting at or before ``start`` holds it iff the furthest end among those reaches ``end``)."""
    spans = sorted((a, b) for a, b in spans)
    starts = [a for a, _ in spans]
    ends = list(accumulate((b for _, b in spans), max))

    def inside(start: int, end: int) -> bool:
        i = bisect_right(starts, start) - 1
        return i >= 0 and ends[i] >= end

    return inside


_PROCESS_KINDS = frozenset({"temperature", "time", "heating_rate", "atmosphere", "pressure", "medium", "device"})


def synthesis_spans(
    text: str, sentences: Sequence[Sentence] | None = None, *, typer: OperationTyper | None = None,
    min_operations: int = 2,
) -> list[tuple[int, int]]:
    """Spans of ``text`` that read as synthesis procedures: runs of sentences (gaps of one sentence allowed) that
    each hold a lexicon operation and a process condition (temperature, time, atmosphere, medium, …), with at least
    ``min_operations`` operations in the run or one heating sentence. Lets the pipeline skip results, discussion and references."""
    sents = list(sentences if sentences is not None else split_sentences(text))
    if not sents:
        return []
    ops = find_operations(text, typer)
    kinds = [m for m in conditions_from_text(text, skip=[(o.start, o.end) for o in ops]) if m.kind in _PROCESS_KINDS]
    starts = [s.start for s in sents]
    n_ops = [0] * len(sents)
    conds: list[set[str]] = [set() for _ in sents]
    for o in ops:
        n_ops[bisect_right(starts, o.start) - 1] += 1
    for m in kinds:
        conds[bisect_right(starts, m.start) - 1].add(m.kind)
    spans: list[tuple[int, int]] = []
    run: list[int] = []
    for i in range(len(sents)):
        if n_ops[i] and conds[i]:
            if run and i - run[-1] > 2:
                spans += _run_span(run, sents, n_ops, conds, min_operations)
                run = []
            run.append(i)
    spans += _run_span(run, sents, n_ops, conds, min_operations)
    return spans


def _run_span(run: list[int], sents: Sequence[Sentence], n_ops: list[int], conds: list[set[str]],
              min_operations: int) -> list[tuple[int, int]]:
    """The span of a run of sentences, if it has ``min_operations`` operations or one heating sentence (an
    operation with a temperature and a time: "LiFePO4 was annealed at 700 °C for 5 h.")."""
    if not run:
        return []
    heating = any({"temperature", "time"} <= conds[i] for i in run)
    if sum(n_ops[run[0] : run[-1] + 1]) < min_operations and not heating:
        return []
    return [(sents[run[0]].start, sents[run[-1]].end)]


def _material_mentions(
    text: str, materials: Sequence[Entity], ops: Sequence[Entity], bounds: Sequence[int], tagged: bool
) -> list[_Mention]:
    model = default_roles()
    ctx = RoleContext.of(text, ops, bounds, materials)
    roles = [equation_role(ctx, e) or _checked(text, e, model.role(role_features(ctx, e), tagged)) for e in materials]
    roles = _bought_lists(text, materials, roles)
    return [
        _Mention("material", e.start, e.end, StepMaterial(e.text, e.start, e.end, role))
        for e, role in zip(materials, roles, strict=True)
    ]


def _add(step: SynthesisStep, m: _Mention) -> None:
    if isinstance(m.payload, StepMaterial):
        step.materials.append(m.payload)
        role_kind = {"solvent": "medium", "atmosphere": "atmosphere"}.get(m.payload.role)
        if role_kind:
            step.conditions.add(role_kind, Condition(m.payload.text, m.start, m.end))
    else:  # an amount no material took stays a step condition
        step.conditions.add("other" if m.kind == "amount" else m.kind, m.payload)
