"""Synthesis paragraphs: every paragraph of a paper labelled as a procedure of one type or as none.

The first stage of a recipe pipeline (Kononova et al.): steps and recipes are read only from paragraphs that
describe how something was made. Three parts, numpy only at inference:

1. a linear model over word uni/bigrams and character n-grams (sublinear tf × idf, L2-normalised), trained on
   silver examples, scores each paragraph on its own for the :data:`LABELS`;
2. a logistic "context" model, trained on hand-labelled paragraphs, decides synthesis vs not from that score and
   what a paragraph's own text cannot say: its neighbours' scores, the section it sits in (headings run into the
   text, :func:`section_states`), cues of characterization, testing, prior work, common practice
   (:data:`GENERIC`), figures and process conditions, of this work making something (:func:`makes`) against
   measuring (:data:`MEASURING`), and how many of its neighbours make something (:func:`context_features`).
   Silver positives are clean recipe snippets; real methods sections mix fabrication (of cells and electrodes
   too) with characterization and test set-up, which is what this stage learns to tell apart;
3. a "unit" model, a logistic regression over the word uni/bigrams of the hand-labelled paragraphs themselves
   (their wording of process parameters, of cell fabrication and of set-up), whose synthesis logit is added to the
   context stage's at a fitted weight.

The type of a synthesis paragraph is the stage-1 argmax over the procedure labels (softmax at a fitted
temperature). Weights ship as ``data/paragraph_classifier.json`` (format :data:`FORMAT`: labels, vocabularies,
idf, context and unit weights) and ``data/paragraph_classifier.npy`` (stage-1 coefficients), built by
``scripts/train_paragraphs.py``.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..text.tokenize import sentences as split_sentences
from ..types import Document

#: Procedure types, then ``other`` (a fabrication procedure of another kind) and ``none`` (not a procedure).
LABELS: tuple[str, ...] = ("solid-state", "sol-gel", "hydrothermal", "precipitation", "other", "none")
NONE = "none"
#: Paragraph kinds of a Document that can hold a procedure.
TEXT_KINDS = ("paragraph", "abstract")
#: A block longer than this (a text without line breaks) is classified in runs of sentences of about
#: :data:`UNIT_CHARS` characters.
MAX_UNIT_CHARS = 1500
UNIT_CHARS = 500
MODEL_PATH = Path(__file__).with_name("data") / "paragraph_classifier.json"
#: Version of the model files; :meth:`ParagraphModel.load` refuses others.
FORMAT = 2

_WORD = re.compile(r"\[\d[\d,–\- ]*\]|[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+(?:[.,]\d+)?|°C|%")
_CHAR_NGRAMS = (3, 5)

# A section heading run into the start of a line or sentence ("Methods Fuel cell fabrication The tubular …",
# "… were investigated. 2. Experimental details All chemicals …", "… (figure 1). 2.Experimental details The …",
# "Experimental 2.1. Materials …"), as flattened texts print them.
_SECTION_HEADING = re.compile(
    r"(?:^|(?<=[.!?] )|(?<=[.!?]\s\d\. )|(?<=[.!?]\s\d\.))(?:\d(?:\.\d)*\.?\s*)?(?P<title>Experimental(?: "
    r"[Ss]ection| [Dd]etails| [Pp]rocedures?)?|Materials and [Mm]ethods|Methods|Experiments?|Results(?: and "
    r"[Dd]iscussions?)?|Discussions?|Conclusions?|Introduction)(?= [A-Z(]| \d(?:\.\d)*\.|\s*$)")
_SECTION_OF = {"introduction": "introduction", "results": "results", "discussion": "results",
               "discussions": "results", "conclusion": "results", "conclusions": "results"}
_TITLE_STATES = (
    ("introduction", re.compile(r"(?i)\bintroduction\b")),
    ("results", re.compile(r"(?i)\b(?:results?|discussions?|conclusions?)\b")),
    ("experimental", re.compile(r"(?i)\b(?:experiment\w*|methods?|methodology|materials|preparation|synthesis|"
                                r"fabrication)\b")),
)
#: Sections of :func:`section_states` that are context features (a results section can hold the fabrication
#: too: leaving it out scored better in cross-validation).
SECTIONS = ("introduction", "experimental")

#: A fabrication verb (the silver SOFC labels and a context cue).
FABRICATION = re.compile(
    r"\b(?:prepared|synthesi[sz]ed|fabricated|deposited|sintered|calcined|mixed(?! (?:ionic|conduct|electronic|"
    r"potential))|coated|pressed|milled|dissolved|annealed|heated|dried|cast|screen[- ]printed|infiltrated|"
    r"impregnated|sputtered|stirred|ground|added|fired|pelletized|spin[- ]coated|dip[- ]coated|obtained by|washed|"
    r"filtered)\b", re.IGNORECASE)
#: A characterization cue: an instrument, a measurement, a figure.
CHARACTERIZATION = re.compile(
    r"\b(?:measured|measurements?|characteri[sz]ed|characteri[sz]ation|XRD|SEM|TEM|XPS|analy[sz]ed|analysis|"
    r"diffract\w*|spectr\w*|microscop\w*|impedance|recorded|tested|observed|shown|shows?|Fig(?:ure)?\.?)",
    re.IGNORECASE)
#: Measuring or testing as the main predicate ("was measured", "were recorded", "were carried out using").
MEASURING = re.compile(
    r"\b(?:is|are|was|were|been) (?:\w+ly )?(?:measured|recorded|characteri[sz]ed|analy[sz]ed|tested|examined|"
    r"observed|monitored|evaluated|investigated|determined|calculated|performed|conducted|carried out|obtained "
    r"from|taken|collected|acquired|used to (?:measure|determine|characteri[sz]e|analy[sz]e|evaluate))",
    re.IGNORECASE)
#: Prior work: "et al" or a bracketed citation.
PRIOR_WORK = re.compile(r"\bet al\b|\[\d")
#: Common practice rather than this work ("membranes are typically fabricated on Si wafers", "conventional
#: SOFCs are sintered above 1300 °C"): introductions describe the usual route in the words of a procedure.
GENERIC = re.compile(r"\b(?:typically|usually|generally|commonly|often|conventional(?:ly)?|traditional(?:ly)?|"
                     r"widely)\b", re.IGNORECASE)
#: A passive or past verb of making of this work ("were deposited", "was screen printed", "we fabricated"):
#: cells and electrodes are made this way, rarely described by the silver recipes. Bare process nouns
#: ("sputtered films", "paste") are no cue: results and test set-up name them as often.
MAKING = re.compile(
    r"\b(?:(?:is|are|was|were|been|be)\s+(?:\w+ly\s+|then\s+|also\s+|first\s+|further\s+|finally\s+)*|"
    r"we\s+(?:\w+ly\s+|then\s+|also\s+|first\s+)*)"
    r"(?:screen[- ]?|stencil[- ]|spin[- ]|dip[- ]|spray[- ]|tape[- ]|co-?|uniaxially\s+|isostatically\s+|magnetron\s+)?"
    r"(?:deposited|printed|sintered|infiltrated|impregnated|assembled|prepared|fabricated|coated|sputtered|cast|"
    r"pressed|fired|laminated|grown|annealed|calcined|synthesi[sz]ed|manufactured|produced|formed|applied|painted|"
    r"brushed|sprayed|spun|milled|ball[- ]milled|mixed|dried|pelleti[sz]ed|heat[- ]treated)\b", re.IGNORECASE)
#: Making for a measurement, not of the material: a specimen prepared for one (polished, cut, coated with gold or
#: carbon, "for SEM", "for electrical property measurements") or the test set-up (wires, current collectors,
#: sealing, the test device).
FOR_MEASUREMENT = re.compile(
    r"\bfor (?:the |further )?(?:\w+[- ]){0,3}(?:SEM|TEM|XRD|XPS|EDX|EDS|FIB|imaging|observations?|microscopy|"
    r"characteri[sz]ation|measurements?|analysis|analyses|testing|tests?)\b|\bpolish\w*|\bcut\b|"
    r"\b(?:gold|Au|carbon)[- ](?:sputter[- ])?coat\w*|\bcoated with (?:a thin (?:layer|film) of )?(?:gold|Au|carbon)\b|"
    r"\bcurrent collectors?\b|\bwires?\b|\btest(?:ing)? (?:device|rig|set-?up|station)|\bsealed\b", re.IGNORECASE)
#: A sentence reporting results ("the infiltrated cathode exhibits", "Fig. 3 shows"); a figure reference in
#: parentheses alone is no report (methods sentences point to their process schemes).
REPORTING = re.compile(r"\b(?:shows?|showed|shown|exhibit\w*|observed|compared|illustrated)\b", re.IGNORECASE)
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


def makes(text: str) -> bool:
    """Whether a sentence of ``text`` makes something of this work: a :data:`MAKING` verb, neither
    :data:`FOR_MEASUREMENT` nor :data:`REPORTING`."""
    return any(MAKING.search(s) and not FOR_MEASUREMENT.search(s) and not REPORTING.search(s)
               for s in _SENTENCE_BREAK.split(text))


_CUES: tuple[tuple[str, Callable[[str], object]], ...] = (
    ("fabrication", FABRICATION.search),
    ("characterization", CHARACTERIZATION.search),
    ("prior_work", PRIOR_WORK.search),
    ("generic", GENERIC.search),
    ("test", re.compile(r"\b(?:test(?:s|ed|ing)?|fed|flow rate|sealed|current collectors?|power densit\w*|"
                        r"open circuit|OCV|performance|operat\w+|wires?|mesh(?:es)?|potentiostat|galvanostat\w*|"
                        r"probes?|contacted|mounted)\b", re.IGNORECASE).search),
    ("result", re.compile(r"\b(?:show(?:s|ed|n)?|indicat\w+|suggest\w*|reveal\w*|confirm\w*|attributed|due to|"
                          r"compared|higher|lower|increase[sd]?|decrease[sd]?|found)\b", re.IGNORECASE).search),
    ("making", makes),
    ("measuring", MEASURING.search),
    ("condition", re.compile(r"\d\s*°C|\d\s*(?:h|min|hours?)\b|\d\s*(?:rpm|MPa|mTorr|Pa|sccm|W)\b").search),
    ("amount", re.compile(r"\d\s*(?:wt\.?\s*%|mol\.?\s*%|mol\b|mmol|g\b|mg\b|mL|ml\b|M\b)|stoichiometric").search),
    ("this_work", re.compile(r"\b(?:this (?:work|study|paper)|present (?:work|study)|we|our)\b", re.IGNORECASE).search),
)
#: Cues whose share among a paragraph's neighbours is a context feature: a block of short lines that make
#: something.
WINDOW_CUES = ("making",)
#: Names of the columns of :func:`context_features`.
CONTEXT_FEATURES: tuple[str, ...] = (
    ("own", "previous", "next", "window", *(f"section:{s}" for s in SECTIONS), "heading",
     *(f"cue:{name}" for name, _ in _CUES), *(f"window:{name}" for name in WINDOW_CUES), "log_chars"))
_CUE_NAMES = tuple(name for name, _ in _CUES)
#: Weights of the neighbours one and two paragraphs away in the ``window`` feature.
NEIGHBOUR_WEIGHTS = (1.0, 0.5)


@dataclass(slots=True)
class ParagraphClass:
    """A paragraph span of the document text with its label and the calibrated probability of that label."""

    start: int
    end: int
    label: str
    confidence: float

    @property
    def is_synthesis(self) -> bool:
        return self.label != NONE

    def to_dict(self) -> dict:
        return asdict(self)


def features(text: str, chars: bool = True) -> Counter:
    """Feature counts of a paragraph: words (numbers as ``0``, citations "[12]" as ``<cite>``), word bigrams and
    (``chars``) character 3–5-grams of words."""
    words = ["<cite>" if w[0] == "[" else "0" if w[0].isdigit() else w.lower() for w in _WORD.findall(text)]
    counts = Counter(f"w:{w}" for w in words)
    counts.update(f"b:{a} {b}" for a, b in zip(words, words[1:]))
    for w in set(words) if chars else ():
        if len(w) > 3 and w != "<cite>":
            padded = f"<{w}>"
            counts.update(f"c:{padded[i:i + n]}" for n in range(_CHAR_NGRAMS[0], _CHAR_NGRAMS[1] + 1)
                          for i in range(len(padded) - n + 1))
    return counts


def section_states(texts: Sequence[str], outer: Sequence[str | None] | None = None) -> list[str | None]:
    """The section each of consecutive lines or sentences ends in (``experimental``, ``results``,
    ``introduction`` or None before any heading), from headings run into the text; the last heading carries on.
    ``outer``: where the document's structure is known, the state of the section each text lies in (from
    :func:`title_state` of its heading), which a heading run into the text still overrides."""
    states, state = [], None
    for i, text in enumerate(texts):
        if outer is not None:
            state = outer[i]
        for m in _SECTION_HEADING.finditer(text):
            state = _SECTION_OF.get(m.group("title").split()[0].lower(), "experimental")
        states.append(state)
    return states


def title_state(title: str | None) -> str | None:
    """The :func:`section_states` state of a section heading (``2. Experimental`` → ``experimental``)."""
    return next((state for state, pattern in _TITLE_STATES if title and pattern.search(title)), None)


def _neighbour_links(n: int, sections: Sequence[str | None] | None) -> list[np.ndarray]:
    """For each distance of :data:`NEIGHBOUR_WEIGHTS`, whether paragraph i and i + distance are neighbours (in the
    same top-level section where the sections are known)."""
    return [np.ones(max(n - d, 0)) if sections is None else
            np.array([a == b for a, b in zip(sections[:-d], sections[d:])], dtype=np.float64)
            for d in range(1, len(NEIGHBOUR_WEIGHTS) + 1)]


def _window(values: np.ndarray, links: list[np.ndarray]) -> np.ndarray:
    """Mean of ``values`` over each paragraph's neighbours, weighted by :data:`NEIGHBOUR_WEIGHTS`."""
    total, weight = np.zeros(len(values)), np.zeros(len(values))
    for d, (w, same) in enumerate(zip(NEIGHBOUR_WEIGHTS, links), 1):
        if d < len(values):
            total[d:] += w * same * values[:-d]
            total[:-d] += w * same * values[d:]
            weight[d:] += w * same
            weight[:-d] += w * same
    return np.divide(total, weight, out=np.zeros(len(values)), where=weight > 0)


def context_features(texts: Sequence[str], own: np.ndarray, sections: Sequence[str | None] | None = None
                     ) -> np.ndarray:
    """Context-stage inputs of consecutive paragraphs (texts × :data:`CONTEXT_FEATURES`): the stage-1 synthesis
    log-odds ``own`` of each, of the previous and next one and their weighted mean over :data:`NEIGHBOUR_WEIGHTS`;
    the section it ends in and whether a methods heading starts in it; which :data:`_CUES` it holds, and the
    share of its neighbours that make something (a fabrication block of short lines); its log length.
    ``sections``: where the document's structure is known, the top-level section heading of each paragraph;
    paragraphs of different sections are then no neighbours (an introduction says nothing about the "Slurry
    preparation" paragraph after it)."""
    n = len(texts)
    own = np.clip(np.asarray(own, dtype=np.float64), -10.0, 10.0)
    links = _neighbour_links(n, sections)
    states = section_states(texts, None if sections is None else [title_state(t) for t in sections])
    cues = np.array([[bool(cue(text)) for _, cue in _CUES] for text in texts], dtype=np.float64
                    ).reshape(n, len(_CUES))
    out = np.zeros((n, len(CONTEXT_FEATURES)))
    out[:, 0] = own
    if n > 1:
        out[1:, 1], out[:-1, 2] = links[0] * own[:-1], links[0] * own[1:]
    out[:, 3] = _window(own, links)
    column = 4
    out[:, column:column + len(SECTIONS)] = [[state == s for s in SECTIONS] for state in states]
    column += len(SECTIONS)
    out[:, column] = [any(_SECTION_OF.get(m.group("title").split()[0].lower()) is None
                          for m in _SECTION_HEADING.finditer(text)) for text in texts]
    column += 1
    out[:, column:column + len(_CUES)] = cues
    column += len(_CUES)
    for name in WINDOW_CUES:
        out[:, column] = _window(cues[:, _CUE_NAMES.index(name)], links)
        column += 1
    out[:, column] = [math.log1p(len(text)) / 5.0 for text in texts]
    return out


def softmax(scores: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    z = scores / temperature
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def synthesis_log_odds(probs: np.ndarray) -> np.ndarray:
    """log P(any procedure label) − log P(``none``) of each row of label probabilities (``none`` last)."""
    return np.log(1.0 - probs[:, -1] + 1e-12) - np.log(probs[:, -1] + 1e-12)


@dataclass
class LinearScorer:
    """A linear model over :func:`features` (``chars``: with character n-grams): ``coef`` (outputs × vocabulary)
    and ``intercept`` over sublinear tf × idf vectors."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    chars: bool = True

    @classmethod
    def from_meta(cls, meta: dict, coef: np.ndarray) -> LinearScorer:
        return cls({f: i for i, f in enumerate(meta["vocabulary"])}, np.asarray(meta["idf"], dtype=np.float64),
                   np.asarray(coef, dtype=np.float64), np.asarray(meta["intercept"], dtype=np.float64), meta["chars"])

    def meta(self) -> dict:
        """JSON fields of the scorer (vocabulary in index order), its coefficients left out."""
        return {"vocabulary": sorted(self.vocabulary, key=self.vocabulary.__getitem__),
                "idf": [round(float(x), 5) for x in self.idf], "intercept": self.intercept.tolist(), "chars": self.chars}

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Sparse feature vector of ``text`` as (indices, values): sublinear tf × idf, L2-normalised."""
        pairs = [(self.vocabulary[f], 1.0 + math.log(c)) for f, c in features(text, self.chars).items()
                 if f in self.vocabulary]
        if not pairs:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        idx = np.fromiter((i for i, _ in pairs), dtype=np.int64, count=len(pairs))
        val = np.fromiter((v for _, v in pairs), dtype=np.float64, count=len(pairs)) * self.idf[idx]
        return idx, val / np.linalg.norm(val)

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Raw scores of paragraphs (texts × outputs), each on its own."""
        out = np.tile(self.intercept, (len(texts), 1))
        for row, text in enumerate(texts):
            idx, val = self.vector(text)
            out[row] += self.coef[:, idx] @ val
        return out


@dataclass
class ParagraphModel:
    """Stage 1, the :class:`LinearScorer` ``text`` over the :data:`LABELS` (its softmax ``temperature`` types the
    procedures); stage 2, the logistic context model over :func:`context_features` (``context_coef``,
    ``context_intercept``), plus ``unit_weight`` × the synthesis logit of the :class:`LinearScorer` ``units``."""

    labels: tuple[str, ...]
    text: LinearScorer
    units: LinearScorer
    context_coef: np.ndarray
    context_intercept: float = 0.0
    unit_weight: float = 0.0
    temperature: float = 1.0

    @classmethod
    def load(cls, path: str | Path = MODEL_PATH) -> ParagraphModel:
        path = Path(path)
        meta = json.loads(path.read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            raise ValueError(f"{path}: model format {meta.get('format')}, expected {FORMAT}; retrain it")
        return cls(tuple(meta["labels"]), LinearScorer.from_meta(meta["text"], np.load(path.with_suffix(".npy"))),
                   LinearScorer.from_meta(meta["units"], [meta["units"]["coef"]]), np.asarray(meta["context_coef"]),
                   meta["context_intercept"], meta["unit_weight"], meta["temperature"])

    def save(self, path: str | Path, **extra) -> None:
        """Write the JSON (vocabularies, context and unit weights, calibration, ``extra`` notes) and the ``.npy``
        stage-1 weights."""
        path = Path(path)
        units = {**self.units.meta(), "coef": [round(float(x), 6) for x in self.units.coef[0]]}
        meta = {"format": FORMAT, "labels": list(self.labels), "text": self.text.meta(), "units": units,
                "context_features": list(CONTEXT_FEATURES), "context_coef": self.context_coef.tolist(),
                "context_intercept": self.context_intercept, "unit_weight": self.unit_weight,
                "temperature": self.temperature, **extra}
        path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        np.save(path.with_suffix(".npy"), self.text.coef.astype(np.float32))

    def context_inputs(self, texts: Sequence[str], sections: Sequence[str | None] | None = None
                       ) -> tuple[np.ndarray, np.ndarray]:
        """Stage-1 label probabilities (at ``temperature``) and :func:`context_features` of consecutive
        paragraphs (``sections``: their top-level headings, where known)."""
        scores = self.text.scores(texts)
        own = synthesis_log_odds(softmax(scores))
        return softmax(scores, self.temperature), context_features(texts, own, sections)

    def probabilities(self, texts: Sequence[str], sections: Sequence[str | None] | None = None) -> np.ndarray:
        """Calibrated label probabilities of consecutive paragraphs (texts × labels): P(synthesis) from the
        context stage and the unit model, shared among the procedure types as stage 1 shares them."""
        if not len(texts):
            return np.zeros((0, len(self.labels)))
        own, x = self.context_inputs(texts, sections)
        logit = x @ self.context_coef + self.context_intercept + self.unit_weight * self.units.scores(texts)[:, 0]
        return combine(own, logit)


def combine(own: np.ndarray, synthesis_logit: np.ndarray) -> np.ndarray:
    """Label probabilities (``none`` last) from stage-1 probabilities ``own`` and the context stage's logit."""
    p = 1.0 / (1.0 + np.exp(-synthesis_logit))
    types = own[:, :-1] / own[:, :-1].sum(axis=1, keepdims=True)
    return np.hstack([p[:, None] * types, (1.0 - p)[:, None]])


def decide(probs: np.ndarray) -> np.ndarray:
    """Label index of each row of label probabilities (``none`` last): ``none`` unless P(synthesis) > 0.5, else
    the likeliest procedure type."""
    return np.where(probs[:, -1] >= 0.5, probs.shape[1] - 1, probs[:, :-1].argmax(axis=1))


@lru_cache(maxsize=1)
def default_model() -> ParagraphModel:
    """The shipped model (loaded once per process)."""
    return ParagraphModel.load()


def classify_paragraphs(text: str, spans: Sequence[tuple[int, int]], model: ParagraphModel | None = None,
                        sections: Sequence[str | None] | None = None) -> list[ParagraphClass]:
    """Label and confidence of each span of ``text``; spans are taken as consecutive paragraphs (for context),
    ``sections`` are their top-level headings where the document's structure is known."""
    if not spans:
        return []
    model = model or default_model()
    probs = model.probabilities([text[a:b] for a, b in spans], sections)
    return [ParagraphClass(a, b, model.labels[k], round(float(p[k]), 4))
            for (a, b), k, p in zip(spans, decide(probs), probs)]


def paragraph_spans(doc: Document) -> list[tuple[int, int]]:
    """The units classified in ``doc``: its paragraphs (and abstract), or its lines when it has no paragraph
    spans; a unit over :data:`MAX_UNIT_CHARS` (a text without line breaks) is cut into runs of sentences."""
    if doc.paragraphs:
        blocks = [(p.start, p.end) for p in doc.paragraphs if p.kind in TEXT_KINDS]
    else:
        blocks = [m.span() for m in re.finditer(r"[^\n]*\S[^\n]*", doc.text)]
    spans: list[tuple[int, int]] = []
    for a, b in blocks:
        spans.extend(_sentence_runs(doc, a, b) if b - a > MAX_UNIT_CHARS else [(a, b)])
    return spans


def _sentence_runs(doc: Document, start: int, end: int) -> list[tuple[int, int]]:
    sents = [(s.start, s.end) for s in doc.sentences if start <= s.start and s.end <= end]
    if not sents:
        sents = [(start + s.start, start + s.end) for s in split_sentences(doc.text[start:end])]
    runs: list[tuple[int, int]] = []
    for a, b in sents:
        if runs and b - runs[-1][0] <= UNIT_CHARS:
            runs[-1] = (runs[-1][0], b)
        else:
            runs.append((a, b))
    return runs


def top_sections(doc: Document, spans: Sequence[tuple[int, int]]) -> list[str | None] | None:
    """The title of the top-level section each span starts in (None outside any), or None when ``doc`` has no
    section structure (a flattened text)."""
    tops = [s for s in doc.sections if s.level == 1]
    if not tops:
        return None
    return [next((s.title for s in tops if s.start <= a < s.end), None) for a, _ in spans]


# A review says so in its title or abstract: "A Review of RedOx Cycling …", "This review highlights …", "In this
# article, we review …", "This minireview aims at …".
_REVIEW = re.compile(r"(?i)\b(?:this|the\s+present|our)\s+(?:\w+\s+){0,2}(?:mini-?)?review\b|\b(?:will|we)\s+review\b|"
                     r"\b(?:paper|article|work)\s+(?:will\s+)?reviews\b|\b(?:is|are)\s+(?:briefly\s+|critically\s+)?"
                     r"reviewed\b|^\W*(?:a\s+)?(?:\w+\s+)?review\b|\breview\s+(?:article|paper)\b|\bmini-?review\b")
REVIEW_HEAD = 2500  # characters of the text (title, authors, abstract) read for it


def is_review(text: str) -> bool:
    """Whether the paper is a review, by its title and abstract: what it describes was made by others."""
    return _REVIEW.search(text, 0, REVIEW_HEAD) is not None


def synthesis_paragraphs(doc: Document, model: ParagraphModel | None = None) -> list[ParagraphClass]:
    """The paragraphs of ``doc`` that describe a synthesis or fabrication procedure, in text order; none in a
    review (:func:`is_review`), whose procedures are those of the works it cites."""
    if is_review(doc.text):
        return []
    spans = paragraph_spans(doc)
    return [p for p in classify_paragraphs(doc.text, spans, model, top_sections(doc, spans)) if p.is_synthesis]
