"""Host–dopant relations in text (``Eu2+-doped SrAl2O4``, ``YVO4:Eu3+``, ``ZnO films doped with Al, Ga and In``).

Two learned linear models (weights in ``data/doping.json``, built by ``scripts/train_doping.py`` from the NERRE doping
train split, applied with numpy): a linear-chain CRF tagger (host / dopant / other, Viterbi-decoded, so that a
mention's tokens are labelled together) over chemistry-aware tokens of each sentence that has a doping cue, with
features for amounts and element lists between a dopant and its cue (``doped with 5 mol% Al, Ga and In``), and a
pair scorer over every (dopant, host) pair of tagged mentions in the sentence. Decoding weights each label and adds a
bonus to label sequences that hold both a host and a dopant (one without the other links nothing). Each dopant is
linked to its best-scoring host when that pair's probability reaches the model's threshold (these settings are
chosen by cross-validation on train).
Hosts may be generic nouns (``films``, ``samples``), as in the annotations; :func:`attach_dopings` puts the
dopings whose host is a material mention onto that material.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from ..chem.elements import ELEMENT_NAMES, ELEMENT_SET
from ..chem.formula import FormulaError
from ..chem.material import Dopant, Material, read_material

DOPING_PATH = Path(__file__).parent / "data" / "doping.json"
LABELS = ("O", "HOST", "DOPANT")
#: Sentences without one of these words or a colon have no doping relation worth tagging.
CUE = re.compile(r"dop|substitut|incorporat|activat|:", re.IGNORECASE)
#: Inside a whitespace chunk: split at ``:``, ``,``, ``;``, ``/`` (not in ``Cu1/3``), at ``-`` before a doping
#: word, a comma or the chunk's end (``Eu2+-doped``, ``In-,``, ``Co-doped``; not after a lower-case prefix:
#: ``co-doped``, ``single-doped``), and at dashes
#: between element symbols of a list before a doping word (``N–B–F-tri-doped``, not ``Cu-In-Se``).
_SPLIT = re.compile(
    r"[:,;]|(?<!\d)/|/(?!\d)|(?-i:(?<!\bco)(?<!\bbi)(?<!\btri)(?<!\bsingle)(?<!\bsingly))"
    r"[-‐–](?=(?:co|tri|bi)?-?dop|substitut|incorporat|activat|contain|based|modified|,|$)"
    r"|(?-i:(?:(?<=\b[A-Z])|(?<=\b[A-Z][a-z]))[-‐–](?=(?:[A-Z][a-z]?[-‐–])+(?i:(?:co|tri|bi)?-?dop)))",
    re.IGNORECASE,
)
_CUE_WORD = re.compile(r"(?:(?:co|bi|tri|single|singly)-?)?dop|substitut|incorporat|activat|:$", re.IGNORECASE)
_ELEMENT_ION = re.compile(r"(?P<element>[A-Z][a-z]?)(?:\d?[+\-−]|\d*\.?\d*[xyz]?)?")
#: A phase or amount before an element or formula: ``β-NaYF4``, ``0.07Eu3+``.
_PREFIX = re.compile(r"^(?:[α-ωΑ-Ω]-|\d*\.?\d+(?=[A-Z]))")
_SHAPE = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                       "X" * 26 + "x" * 26 + "9" * 10)


@dataclass(frozen=True, slots=True)
class Mention:
    """A tagged host or dopant: ``text[start:end]`` and its token range ``[first, last]``."""

    label: str
    start: int
    end: int
    first: int
    last: int


@dataclass(frozen=True, slots=True)
class Doping:
    """A dopant linked to its host in one sentence, with the pair scorer's probability."""

    dopant: str
    dopant_start: int
    dopant_end: int
    host: str
    host_start: int
    host_end: int
    score: float


def tokens(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Token spans of ``text[start:end]``: whitespace chunks without unbalanced brackets and trailing sentence
    punctuation, split at doping notation (``ZnO:B`` → ``ZnO``, ``:``, ``B``; ``Eu2+-doped`` → ``Eu2+``, ``-``,
    ``doped``); separators are tokens of their own."""
    out: list[tuple[int, int]] = []
    for chunk in re.finditer(r"\S+", text[start:end] if end is not None else text[start:]):
        a, b = chunk.start() + start, chunk.end() + start
        pos = a
        for sep in _SPLIT.finditer(text, a, b):
            if text[sep.start()] == "," and _bracketed(text, a, sep.start(), b):
                continue
            out += _peel(text, pos, sep.start()) + [sep.span()]
            pos = sep.end()
        out += _peel(text, pos, b)
    return _join_spaced_formulas(text, out)


def _bracketed(text: str, a: int, i: int, b: int) -> bool:
    """Whether ``text[i]`` is inside brackets that open and close within the chunk ``text[a:b]`` (the comma of
    ``(Ba,Sr)TiO3`` and ``Cu(Cr,M)O2``, part of the formula)."""
    before, after = text[a:i], text[i + 1:b]
    return any(before.count(o) > before.count(c) and after.count(c) > after.count(o) for o, c in ("()", "[]"))


def _join_spaced_formulas(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join formulas written with spaces before their amounts or charge (``TiO 2``, ``Ca 3 Co 4 O 9``, ``Ti 4+``)
    into one token."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out and re.fullmatch(r"\d+(?:\.\d+)?[+\-−]?|[A-Z][a-z]?", text[a:b]):
            c, _ = out[-1]
            joined = text[c:b].replace(" ", "")
            if re.fullmatch(r"[A-Z][A-Za-z0-9.]*", text[c:out[-1][1]].replace(" ", "")) and (
                    kind(joined) == "element" or (kind(joined) == "formula" and re.search(r"\d", joined))):
                out[-1] = (c, b)
                continue
        out.append((a, b))
    return out


def _peel(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """``text[a:b]`` with unbalanced or wrapping brackets (``(CeO2)``, not ``(Ba,Sr)TiO3``) and trailing
    punctuation as tokens of their own, so that an appositive abbreviation is a mention of its own."""
    head, tail = [], []
    while a < b:
        if text[a] in "([{\"'" and _unbalanced(text[a:b], text[a]):
            head.append((a, a + 1))
            a += 1
        elif text[b - 1] in ".,;\"'" or (text[b - 1] in ")]}" and _unbalanced(text[a:b], text[b - 1])):
            tail.append((b - 1, b))
            b -= 1
        elif b - a > 2 and _wraps(text[a:b]):
            head.append((a, a + 1))
            tail.append((b - 1, b))
            a, b = a + 1, b - 1
        else:
            break
    return head + ([(a, b)] if a < b else []) + tail[::-1]


def _wraps(chunk: str) -> bool:
    """Whether the chunk's first bracket closes at its last character: ``(CeO2)``, ``([MgO]=5%)``."""
    close = {"(": ")", "[": "]", "{": "}"}.get(chunk[0])
    if close is None or chunk[-1] != close:
        return False
    depth = 0
    for i, c in enumerate(chunk):
        depth += (c == chunk[0]) - (c == close)
        if depth == 0:
            return i == len(chunk) - 1
    return False


def _unbalanced(chunk: str, bracket: str) -> bool:
    pairs = {"(": ")", "[": "]", "{": "}", ")": "(", "]": "[", "}": "{"}
    if bracket not in pairs:
        return True
    return chunk.count(bracket) > chunk.count(pairs[bracket])


def kind(word: str) -> str:
    """A coarse class of a token: element (symbol, ion or name, also with an amount: ``0.07Eu3+``), formula (also
    with a phase prefix: ``β-NaYF4``), a formula or element before a hyphenated word (``ZnS-phosphor``), acronym,
    number, punctuation, word."""
    word = _PREFIX.sub("", word.replace(" ", "")) or word
    match = _ELEMENT_ION.fullmatch(word)
    if match and match["element"] in ELEMENT_SET:
        return "element"
    if word.lower() in ELEMENT_NAMES:
        return "element-name"
    if not word[:1].isalnum():
        return "punct"
    if re.fullmatch(r"[\d.,×x−-]+", word):
        return "number"
    if _formula(word):
        return "formula"
    head, hyphen, _ = word.partition("-")
    if hyphen and head and (_formula(head) or kind(head) == "element"):
        return "formula-word"
    if re.fullmatch(r"[A-Z]{2,}s?", word):
        return "acronym"
    return "title" if word[:1].isupper() else "word"


def _formula(word: str) -> bool:
    """Whether ``word`` reads as a formula (``ZnO``, ``BiOI``, ``V2O3``; not the acronyms ``YAG``, ``DFT``)."""
    if not (word[:1].isupper() and (any(c.isdigit() for c in word) or sum(c.isupper() for c in word) > 1)):
        return False
    try:
        read_material(word)
    except FormulaError:
        return False
    return True


def token_features(words: Sequence[str], kinds: Sequence[str], i: int) -> dict[str, float]:
    """Features of token ``i`` for the tagger: the word, its kind, shape, stem and affixes, its neighbours (also paired
    with the word), whether it is in brackets, and the nearest doping cues (label sequences are the chain's business,
    not the features')."""
    word = words[i]
    lower = word.lower()
    f = {"bias": 1.0, f"w={lower}": 1.0, f"k={kinds[i]}": 1.0, f"s={word.translate(_SHAPE)[:6]}": 1.0,
         f"suf={lower[-3:]}": 1.0, f"pre={lower[:3]}": 1.0}
    for d in (-3, -2, -1, 1, 2, 3):
        j = i + d
        if 0 <= j < len(words):
            f[f"w{d}={words[j].lower()}"] = 1.0
            f[f"k{d}={kinds[j]}"] = 1.0
        else:
            f[f"w{d}=<edge>"] = 1.0
    after = words[i + 1].lower() if i + 1 < len(words) else "<edge>"
    before = words[i - 1].lower() if i else "<edge>"
    f[f"k={kinds[i]}|w+1={after}"] = f[f"k={kinds[i]}|w-1={before}"] = 1.0
    f[f"w={lower}|w+1={after}"] = f[f"w-1={before}|w={lower}"] = 1.0
    f[f"w={lower}|k-1={kinds[i - 1] if i else '<edge>'}"] = 1.0
    f[f"w={lower}|k+1={kinds[i + 1] if i + 1 < len(words) else '<edge>'}"] = 1.0
    f[f"stem={lower.removesuffix('s')}"] = 1.0
    if _in_brackets(words, i):
        f[f"bracketed|k={kinds[i]}"] = 1.0
    cues = [j - i for j in range(max(0, i - 6), min(len(words), i + 7)) if _CUE_WORD.match(words[j])]
    for d in sorted(cues, key=abs)[:2]:
        f[f"cue={d}"] = f[f"cue={d}|{words[i + d].lower()}"] = f[f"cue={d}|k={kinds[i]}"] = 1.0
    if not cues:
        f["cue=none"] = 1.0
    for side, step in (("l", -1), ("r", 1)):
        j = _skip_amounts(words, i, step)
        f[f"{side}w={words[j].lower() if j is not None else '<edge>'}"] = 1.0
        reached = _skip_list(words, kinds, i, step)
        if reached is not None and (_CUE_WORD.match(words[reached]) or (
                words[reached].lower() == "with" and reached and _CUE_WORD.match(words[reached - 1]))):
            f[f"list{side}→cue|k={kinds[i]}"] = 1.0
    return f


def _in_brackets(words: Sequence[str], i: int) -> bool:
    """Whether token ``i`` follows an opening bracket token not yet closed (``(LiMgPO4, LMP)``, ``(X = Cl, Br)``)."""
    depth = 0
    for w in words[:i]:
        depth = max(0, depth + (w in ("(", "[")) - (w in (")", "]")))
    return depth > 0


#: Amounts and joining words between a doping cue and its dopants (``doped with 5 mol% Eu``, ``Er, Yb co-doped``).
_AMOUNT = re.compile(r"[\d.,~≈<>=×x−\-–%]+|mol|at|wt|mol\.?%?|at\.?%?|wt\.?%?|ppm|of", re.IGNORECASE)
_LIST_KINDS = {"element", "element-name", "formula", "punct", "number"}
_JOINERS = {"and", "or", "co", "ion", "ions", "single", "bi", "tri"}


def _skip_amounts(words: Sequence[str], i: int, step: int) -> int | None:
    """The nearest token from ``i`` in direction ``step`` (within 5) that is not an amount."""
    for j in range(i + step, i + 6 * step, step):
        if not 0 <= j < len(words):
            return None
        if not _AMOUNT.fullmatch(words[j]):
            return j
    return None


def _skip_list(words: Sequence[str], kinds: Sequence[str], i: int, step: int) -> int | None:
    """The first token from ``i`` in direction ``step`` (within 8) past a list of elements, formulas, amounts and
    joining words (``Er3+, Yb3+ and Tm3+``); a cue there makes ``words[i]`` a listed dopant."""
    for j in range(i + step, i + 9 * step, step):
        if not 0 <= j < len(words):
            return None
        if _CUE_WORD.match(words[j]) or not (kinds[j] in _LIST_KINDS or words[j].lower() in _JOINERS
                                             or _AMOUNT.fullmatch(words[j])):
            return j
    return None


def pair_features(words: Sequence[str], kinds: Sequence[str], mentions: Sequence[Mention], d: Mention,
                  h: Mention) -> dict[str, float]:
    """Features of a (dopant, host) pair for the pair scorer: order, distance, the words between, the mentions
    between, whether the host is the nearest on its side, its distance rank among all hosts, and the kinds."""
    before = d.first < h.first
    lo, hi = (d.last + 1, h.first) if before else (h.last + 1, d.first)
    between = [w.lower() for w in words[lo:hi]]
    distance = hi - lo
    side = [m for m in mentions if m.label == "HOST" and (m.first > d.last if before else m.last < d.first)]
    nearest = min(side, key=lambda m: abs(m.first - d.first)) if side else None
    hosts_between = sum(1 for m in mentions if m.label == "HOST" and lo <= m.first < hi)
    dopants_between = sum(1 for m in mentions if m.label == "DOPANT" and lo <= m.first < hi)
    order = "d<h" if before else "h<d"
    gap = {id(m): (m.first - d.last if m.first > d.last else d.first - m.last) for m in mentions if m.label == "HOST"}
    rank = min(sorted(gap.values()).index(gap[id(h)]), 2)
    f = {"bias": 1.0, f"order={order}": 1.0, f"dist={min(distance, 8) if distance < 8 else 8 + (distance > 15)}": 1.0,
         f"hb={min(hosts_between, 2)}": 1.0, f"db={min(dopants_between, 3)}": 1.0,
         f"nearest={nearest is h}|{order}": 1.0, f"hk={kinds[h.first]}": 1.0, f"dk={kinds[d.first]}": 1.0,
         f"hosts={min(sum(m.label == 'HOST' for m in mentions), 3)}": 1.0, f"rank={rank}": 1.0,
         f"rank={rank}|{order}": 1.0}
    f.update({f"btw={w}": 1.0 for w in between})
    if distance <= 4:
        f[f"seq={order}|{' '.join(between)}"] = 1.0
    return f


class _Logistic:
    """A logistic-regression probability over sparse features; ``weights`` maps a feature to a one-element list."""

    def __init__(self, model: dict):
        self.bias: float = model["bias"][0]
        self.weights: dict[str, list[float]] = model["weights"]

    def probability(self, features: dict[str, float]) -> float:
        score = self.bias + sum(self.weights[name][0] * value for name, value in features.items()
                                if name in self.weights)
        return 1 / (1 + math.exp(-score))


#: Bits of the labels a decoded sequence has seen: a host, a dopant.
_SEEN = {"HOST": 1, "DOPANT": 2}


class _Chain:
    """A linear-chain CRF: per-token label scores from features plus label-to-label transition scores (and scores
    for the first and last label), decoded by Viterbi, so that a mention's tokens are labelled together."""

    def __init__(self, model: dict):
        self.classes: list[str] = model["classes"]
        self.weights: dict[str, list[float]] = model["weights"]
        self.transitions = np.array(model["transitions"])
        self.start = np.array(model["start"])
        self.end = np.array(model["end"])

    def emissions(self, features: Sequence[dict[str, float]]) -> np.ndarray:
        """Label scores of each token (rows) from its features."""
        out = np.zeros((len(features), len(self.classes)))
        for row, f in zip(out, features):
            for name, value in f.items():
                w = self.weights.get(name)
                if w is not None:
                    row += value * np.asarray(w)
        return out

    def decode(self, emissions: np.ndarray, pair_bonus: float = 0.0) -> list[str]:
        """The best-scoring label sequence, with ``pair_bonus`` added to the score of sequences that hold both a host
        and a dopant (a sequence with only one of them links nothing): Viterbi over (label, labels seen so far)."""
        seen = [_SEEN.get(c, 0) for c in self.classes]
        k = len(self.classes)
        score = np.full((k, 4), -np.inf)
        for y in range(k):
            score[y, seen[y]] = self.start[y] + emissions[0, y]
        back = []
        for e in emissions[1:]:
            new, pointers = np.full((k, 4), -np.inf), np.zeros((k, 4, 2), dtype=int)
            for f in range(4):
                candidates = score[:, f, None] + self.transitions
                for y, before in enumerate(candidates.argmax(0)):
                    if candidates[before, y] + e[y] > new[y, f | seen[y]]:
                        new[y, f | seen[y]] = candidates[before, y] + e[y]
                        pointers[y, f | seen[y]] = before, f
            back.append(pointers)
            score = new
        score = score + self.end[:, None]
        score[:, 3] += pair_bonus
        y, f = np.unravel_index(int(score.argmax()), score.shape)
        best = [int(y)]
        for pointers in reversed(back):
            y, f = pointers[y, f]
            best.append(int(y))
        return [self.classes[k] for k in reversed(best)]


class DopingModel:
    """The token tagger with its label weights and pair bonus, the pair scorer and the link threshold of
    ``data/doping.json``."""

    def __init__(self, model: dict):
        self.tagger = _Chain(model["tagger"])
        self.linker = _Logistic(model["linker"])
        self.threshold: float = model["threshold"]
        self.label_weights: dict[str, float] = model["label_weights"]
        self.pair_bonus: float = model["pair_bonus"]

    @classmethod
    def load(cls, path: str | Path = DOPING_PATH) -> DopingModel:
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    def tag(self, words: Sequence[str], kinds: Sequence[str]) -> list[str]:
        """The best label sequence after adding the log of each label's weight to its scores and the pair bonus to
        sequences with both a host and a dopant, which trade precision for recall."""
        if not words:
            return []
        emissions = self.tagger.emissions([token_features(words, kinds, i) for i in range(len(words))])
        for label, weight in self.label_weights.items():
            emissions[:, self.tagger.classes.index(label)] += math.log(weight)
        return self.tagger.decode(emissions, self.pair_bonus)

    def link(self, words, kinds, mentions: Sequence[Mention]) -> list[tuple[Mention, Mention, float]]:
        """Each dopant with its best host, when that pair's probability reaches the threshold."""
        hosts = [m for m in mentions if m.label == "HOST"]
        out = []
        for d in (m for m in mentions if m.label == "DOPANT"):
            scored = [(self.linker.probability(pair_features(words, kinds, mentions, d, h)), h) for h in hosts]
            if scored:
                p, h = max(scored, key=lambda t: t[0])
                if p >= self.threshold:
                    out.append((d, h, p))
        return out


@cache
def default_model() -> DopingModel:
    return DopingModel.load()


def mentions(text: str, spans: Sequence[tuple[int, int]], labels: Sequence[str]) -> list[Mention]:
    """Runs of tokens with the same non-``O`` label, joined across whitespace and across a ``/`` with that label
    between two tokens with it (``Fe/MgO catalyst``, ``Yb3+/Er3+``); other separators are never part of a mention."""
    out: list[Mention] = []
    for i, ((a, b), label) in enumerate(zip(spans, labels)):
        if label == "O" or (_separator(text[a:b]) and not (
                text[a:b] == "/" and 0 < i < len(labels) - 1 and labels[i - 1] == label == labels[i + 1])):
            continue
        last = out[-1] if out else None
        if last and last.label == label and last.last == i - 1:
            out[-1] = Mention(label, last.start, b, last.first, i)
        else:
            out.append(Mention(label, a, b, i, i))
    return out


def _separator(word: str) -> bool:
    return bool(re.fullmatch(r"[:,;/\-‐–()\[\]]", word))


def extract_dopings(text: str, sentences=None, *, model: DopingModel | None = None) -> list[Doping]:
    """Host–dopant pairs in ``text``, per sentence (``sentences``: spans with ``start``/``end``, default the
    tokenizer's); only sentences with a doping cue (:data:`CUE`) are tagged."""
    if sentences is None:
        from ..text.tokenize import sentences as split

        sentences = split(text)
    model = model or default_model()
    found = []
    for s in sentences:
        if CUE.search(text, s.start, s.end):
            found += sentence_dopings(text, s.start, s.end, model)
    return found


def sentence_dopings(text: str, start: int, end: int, model: DopingModel) -> list[Doping]:
    """The dopings of one sentence ``text[start:end]``."""
    spans = tokens(text, start, end)
    words = [text[a:b] for a, b in spans]
    kinds = [kind(w) for w in words]
    found = mentions(text, spans, model.tag(words, kinds))
    return [Doping(text[d.start:d.end], d.start, d.end, text[h.start:h.end], h.start, h.end, round(p, 4))
            for d, h, p in model.link(words, kinds, found)]


def attach_dopings(materials: Sequence[Material], dopings: Sequence[Doping]) -> None:
    """Put each doping on the material with a mention overlapping its host (``Material.dopings``)."""
    by_mention = sorted(((a, b, m) for m in materials for a, b in m.mentions), key=lambda t: (t[0], t[1]))
    for d in dopings:
        for a, b, material in by_mention:
            if a < d.host_end and d.host_start < b:
                element = _ELEMENT_ION.fullmatch(d.dopant)
                symbol = element["element"] if element and element["element"] in ELEMENT_SET else (
                    ELEMENT_NAMES.get(d.dopant.lower()))
                material.dopings.append(Dopant(d.dopant, symbol, d.dopant_start, d.dopant_end, d.host, d.host_start,
                                               d.host_end, d.score))
                break
