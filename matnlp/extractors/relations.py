"""Learned models for properties: a property-span tagger, and pair scorers for property → value and
property → material links within one sentence.

The tagger (``data/relations_tagger.json``) is a logistic regression over sparse features of each token and its
window (words, shapes, affixes, lexicon membership, a number ahead or behind, cue words before a number, a symbol
assigned a value as in ``Kt = 1.75``, the head of the long form of an abbreviation the text defines, so that a later
``FE`` reads as ``Faradaic efficiency (FE)``) that says whether the token is inside a property name; runs of inside
tokens are spans. Words hyphenated at a line break (``measure- ment``) are read whole. It is trained on MuLMS train
PROPERTY spans.

Each candidate pair is described by a small dense vector of surface features (order, distance in characters and
words, punctuation, cue words and verbs between, other candidates between, distance rank, parentheses, unit, known
property dimensions, the mention's score, a value right before the name as in ``1726 MPa ultimate tensile
strength``); a logistic regression trained on the MuLMS ``propertyValue`` and
``measuresProperty`` → ``conditionSampleFeatures`` relations scores it. Both models are built by
``scripts/train_relations.py`` and applied with numpy, so inference needs no sklearn. Without their files
:func:`default_scorers` / :func:`default_tagger` return ``None`` and the caller keeps its heuristics.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np

from ..types import Entity
from .quantities import Quantity

MODEL_PATH = Path(__file__).parent / "data" / "relations.json"
TAGGER_PATH = Path(__file__).parent / "data" / "relations_tagger.json"
FORMAT = "matnlp.relations/1"
TAGGER_FORMAT = "matnlp.property_tagger/1"

_WORD = re.compile(r"\w+")
_VERB = re.compile(r"\b\w{3,}ed\b|\b(?:is|are|was|were|be|been|has|have|had|shows?|reach(?:es)?|gives?)\b", re.I)
_CUES = ("of", "was", "is", "were", "are", "=", "at", "with", "for", "to", "from", "between", "in", "by", "and",
         "about", "than", "respectively", "(", ")", ",", ";", ":", "~", "ca")
_CONDITION_WORDS = frozenset("at under after for during upon over in with".split())
# A value right before its property, at most one word between: "1726 MPa ultimate tensile strength", "31 degrees"
_CLOSE_BEFORE = re.compile(r"\s*(?:[\w-]+\s+)?")


def _cue_features(prefix: str, gap: str) -> dict[str, float]:
    low = gap.lower()
    words = set(_WORD.findall(low))
    return {f"{prefix}cue={c}": float(c in words if c.isalnum() else c in low) for c in _CUES}


def _between(items: Sequence, a: int, b: int) -> int:
    """How many of ``items`` (with ``start``/``end``) lie inside ``[a, b)``."""
    return sum(1 for x in items if a <= x.start and x.end <= b)


def _rank(target, items: Sequence, anchor) -> int:
    """Rank of ``target`` among ``items`` by character distance to ``anchor`` (0: the nearest)."""

    def dist(x) -> int:
        return max(x.start - anchor.end, anchor.start - x.end, 0)

    d = dist(target)
    return sum(1 for x in items if x is not target and dist(x) < d)


def _gap(text: str, a, b) -> tuple[bool, str]:
    """Whether ``b`` lies after ``a``, and the text between them."""
    return (True, text[a.end : b.start]) if b.start >= a.end else (False, text[b.end : a.start])


def _parenthesized(text: str, x, width: int = 200) -> bool:
    """Whether ``x`` lies inside parentheses opened at most ``width`` characters before it."""
    lo = max(0, x.start - width)
    return text.rfind("(", lo, x.start) > text.rfind(")", lo, x.start) and text.find(")", x.end, x.end + width) >= 0


def _common(text: str, a, b) -> dict[str, float]:
    after, gap = _gap(text, a, b)
    words = _WORD.findall(gap)
    side = "after_" if after else "before_"
    f = {"after": float(after), side + "chars": float(np.log1p(len(gap))), side + "words": float(min(len(words), 30)),
         "adjacent": float(not gap.strip()), "verb": float(bool(_VERB.search(gap))),
         "commas": float(min(gap.count(","), 5)), "paren_b": float(_parenthesized(text, b)),
         "paren_a": float(_parenthesized(text, a))}
    f.update(_cue_features(side, gap))
    return f


def value_features(text: str, p: Entity, q: Quantity, props: Sequence[Entity], qs: Sequence[Quantity], *,
                   dims_known: bool, sent_start: int) -> dict[str, float]:
    """Features of the pair property ``p`` → quantity ``q`` (its unit fits ``p``) among the sentence's ``props``
    and ``qs``; ``dims_known``: the property's unit dimensions are known (so the fit means something)."""
    lo, hi = min(p.end, q.end), max(p.start, q.start)
    prev = _WORD.findall(text[max(sent_start, q.start - 20) : q.start].lower())[-1:]
    f = _common(text, p, q)
    close_before = q.end <= p.start and _CLOSE_BEFORE.fullmatch(text, q.end, p.start) is not None
    f.update({
        "close_before": float(close_before), "close_before_unit": float(close_before and q.unit is not None),
        "quantities_between": float(min(_between(qs, lo, hi), 5)), "props_between": float(min(_between(props, lo, hi), 5)),
        "q_rank": float(min(_rank(q, qs, p), 5)), "p_rank": float(min(_rank(p, props, q), 5)),
        "unit": float(q.unit is not None), "dims_known": float(dims_known),
        "unitless_known": float(dims_known and q.unit is None), "range": float(q.low is not None),
        "error": float(q.error is not None), "condition_word": float(bool(prev) and prev[0] in _CONDITION_WORDS),
        "short_name": float(len(p.text) <= 3), "mention_score": p.score, "bias_after_unit": float(q.start >= p.end and q.unit is not None),
    })
    return f


def material_features(text: str, p: Entity, m: Entity, props: Sequence[Entity], mats: Sequence[Entity]
                      ) -> dict[str, float]:
    """Features of the pair property ``p`` → material ``m`` among the sentence's ``props`` and ``mats``."""
    lo, hi = min(p.end, m.end), max(p.start, m.start)
    f = _common(text, p, m)
    f.update({
        "mats_between": float(min(_between(mats, lo, hi), 5)), "props_between": float(min(_between(props, lo, hi), 5)),
        "m_rank": float(min(_rank(m, mats, p), 5)), "p_rank": float(min(_rank(p, props, m), 5)),
        "first_mat": float(m is mats[0]), "last_mat": float(m is mats[-1]), "n_mats": float(min(len(mats), 8)),
        "possessive": float(text.startswith(("'s", "’s"), m.end)),
    })
    return f


@dataclass(frozen=True, slots=True)
class PairScorer:
    """Logistic regression over named features (standardized with ``mean``/``scale``); pairs with a probability
    of at least ``threshold`` are links."""

    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    bias: float
    threshold: float

    @classmethod
    def from_dict(cls, d: dict) -> PairScorer:
        return cls(tuple(d["names"]), np.asarray(d["mean"]), np.asarray(d["scale"]), np.asarray(d["coef"]),
                   float(d["bias"]), float(d["threshold"]))

    def to_dict(self) -> dict:
        return {"names": list(self.names), "mean": self.mean.round(6).tolist(), "scale": self.scale.round(6).tolist(),
                "coef": self.coef.round(6).tolist(), "bias": round(self.bias, 6), "threshold": self.threshold}

    def matrix(self, rows: Sequence[dict[str, float]]) -> np.ndarray:
        """Feature dicts as a standardized matrix in this scorer's column order (unknown names ignored)."""
        x = np.array([[r.get(n, 0.0) for n in self.names] for r in rows], dtype=float).reshape(len(rows), -1)
        return (x - self.mean) / self.scale

    def probabilities(self, rows: Sequence[dict[str, float]]) -> np.ndarray:
        if not rows:
            return np.zeros(0)
        return 1.0 / (1.0 + np.exp(-(self.matrix(rows) @ self.coef + self.bias)))


@dataclass(frozen=True, slots=True)
class Scorers:
    value: PairScorer
    material: PairScorer


def load_scorers(path: str | Path = MODEL_PATH) -> Scorers:
    d = json.loads(Path(path).read_text(encoding="utf-8"))
    if d.get("format") != FORMAT:
        raise ValueError(f"{path}: not a {FORMAT} model")
    return Scorers(PairScorer.from_dict(d["value"]), PairScorer.from_dict(d["material"]))


@cache
def default_scorers() -> Scorers | None:
    """The shipped scorers, or ``None`` when ``data/relations.json`` is missing (heuristic linking then)."""
    return load_scorers(MODEL_PATH) if MODEL_PATH.exists() else None


# ------------------------------------------------------------------------------------------------- span tagger

_TOKEN = re.compile(r"\w+(?:(?:[-'’]|-[ \n](?!(?:and|or|to)\b)(?=[a-z]{2}))\w+)*|\S")
_NUMBER = re.compile(r"[-−–]?\d+(?:[.,]\d+)?")
_NUMBER_CUES = frozenset("of was is were are = : ( ~ about approximately around reached between from to".split())
_ABBREVIATION = re.compile(r"[A-Za-z][\w/−–-]{1,7}")  # two characters at least: "(V)", "(I)" are symbols


def tokens(text: str) -> list[re.Match]:
    """Word and punctuation tokens of ``text`` (matches, so offsets stay exact); a word a line break hyphenated
    (``measure- ment``) is one token."""
    return list(_TOKEN.finditer(text))


@lru_cache(maxsize=65536)
def _shape(w: str) -> str:
    """``X``/``x``/``d`` word shape, runs collapsed, at most 5 characters (cached: a paper repeats its words)."""
    return re.sub(r"(.)\1+", r"\1", re.sub(r"[A-Z]", "X", re.sub(r"[a-z]", "x", re.sub(r"\d", "d", w))))[:5]


def _norm(w: str) -> str:
    """Lower-cased, a line-break hyphenation undone (``measure- ment`` → ``measurement``)."""
    return re.sub(r"-[ \n]", "", w.lower())


def _singular(w: str) -> str:
    """A plural read as its singular (``densities`` → ``density``), so plurals share the lexicon's words."""
    for plural, singular in (("ies", "y"), ("sses", "ss"), ("es", "e"), ("s", "")):
        if w.endswith(plural) and len(w) > len(plural) + 2:
            return w[: -len(plural)] + singular
    return w


def _abbreviations(words: Sequence[str]) -> dict[str, str]:
    """Abbreviations the text defines as ``long form (ABBR)`` or ``long form (ABBR; …`` (with a capital; a plural
    ``s`` dropped) → the lower-cased head (last word) of the long form: a later ``FE`` names what ``Faradaic
    efficiency (FE)`` does."""
    out = {}
    for k in range(1, len(words) - 2):
        abbr = words[k + 1]
        if words[k] == "(" and words[k + 2] in ");," and _ABBREVIATION.fullmatch(abbr) and abbr.lower() != abbr:
            head = words[k - 1]
            if head[:1].isalpha() and head.lower() != abbr.lower():
                out.setdefault(_abbreviation_key(abbr), _norm(head))
    return out


def _abbreviation_key(abbr: str) -> str:
    """An abbreviation less a plural ``s`` (``CETs`` → ``CET``)."""
    return abbr[:-1] if abbr.endswith("s") and len(abbr) > 2 else abbr


def _lexical(w: str, lexicon: frozenset[str]) -> bool:
    """Whether the word or its singular is a lexicon word."""
    return w in lexicon or _singular(w) in lexicon


def features(words: Sequence[str], lexicon: frozenset[str]) -> list[list[str]]:
    """Binary features (names) of each token of ``words``; ``lexicon``: lower-cased property words."""
    low = [_norm(w) for w in words]
    numeric = [bool(_NUMBER.fullmatch(w)) for w in words]
    defined = _abbreviations(words)

    def at(k: int) -> str:
        return low[k] if 0 <= k < len(words) else "<s>"

    out = []
    for i, w in enumerate(words):
        ahead = numeric[i + 1 : i + 7]
        word = low[i]
        f = [f"w={word}", f"suf={word[-3:]}", f"pre={word[:3]}", f"shape={_shape(w)}",
             f"lex={_lexical(word, lexicon)}", f"w-1={at(i - 1)}", f"w+1={at(i + 1)}", f"w-2={at(i - 2)}",
             f"w+2={at(i + 2)}",
             f"w-1w={at(i - 1)}|{word}", f"ww+1={word}|{at(i + 1)}", f"lex-1={_lexical(at(i - 1), lexicon)}",
             f"lex+1={_lexical(at(i + 1), lexicon)}", f"num+1={ahead[:1] == [True]}", f"num3={any(ahead[:3])}",
             f"num6={any(ahead)}", f"num-1={i > 0 and numeric[i - 1]}",
             f"cue+1={at(i + 1) in _NUMBER_CUES and any(ahead[1:4])}", f"alpha={w[:1].isalpha()}",
             f"upper={w.isupper()}", f"stem={_singular(word)}", "bias"]
        if at(i + 1) in ("=", "≈") and w[:1].isalpha():  # a symbol assigned a value: "Kt = 1.75"
            f += [f"assigned={_shape(w)}", f"assigned_num={any(ahead[1:3])}"]
        head = defined.get(_abbreviation_key(w))
        if head is not None:
            f += ["abbr", f"abbr_head={head}", f"abbr_lex={_lexical(head, lexicon)}", f"abbr_suf={head[-3:]}"]
        out.append(f)
    return out


@dataclass(frozen=True, slots=True)
class PropertyTagger:
    """Inside/outside token classifier (logistic regression: feature weights and a bias); a token is inside a
    property when its probability exceeds ``threshold``."""

    weights: dict[str, float]
    bias: float
    threshold: float

    @classmethod
    def from_dict(cls, d: dict) -> PropertyTagger:
        return cls(d["weights"], float(d["bias"]), float(d["threshold"]))

    def to_dict(self) -> dict:
        return {"format": TAGGER_FORMAT, "weights": self.weights, "bias": round(self.bias, 6),
                "threshold": self.threshold}

    def probabilities(self, words: Sequence[str], lexicon: frozenset[str]) -> np.ndarray:
        """Inside probability of each word."""
        get = self.weights.get
        scores = np.array([sum(get(n, 0.0) for n in f) for f in features(words, lexicon)])
        return 1.0 / (1.0 + np.exp(-(scores + self.bias)))

    def mentions(self, text: str, lexicon: frozenset[str], extra: Sequence[tuple[int, int]] = ()
                 ) -> list[tuple[int, int, float]]:
        """Property spans of ``text`` with a score, in order: the ``extra`` spans (lexicon matches, score 1), each
        widened to the run of inside tokens that ends with it (``maximum NACE-recommended temperatures``), and the
        runs of inside tokens with a letter in them that overlap none of those (their mean inside probability)."""
        toks = tokens(text)
        inside = self.probabilities([t.group() for t in toks], lexicon)
        runs: list[list[int]] = []  # [first token, last token]
        for k in np.flatnonzero(inside > self.threshold):
            if runs and runs[-1][1] == k - 1:
                runs[-1][1] = k
            else:
                runs.append([k, k])
        out = {(a, b): 1.0 for a, b in extra}
        for first, last in runs:
            a, b = toks[first].start(), toks[last].end()
            covered = [(c, d) for c, d in extra if a < d and c < b]
            if not covered and any(c.isalpha() for c in text[a:b]):
                out[a, b] = float(inside[first : last + 1].mean())
            elif (len(covered) == 1 and covered[0][1] == b and a < covered[0][0]  # a name the lexicon heads,
                  and not (first and _NUMBER.fullmatch(toks[first - 1].group()))):  # not "5 μm width"
                del out[covered[0]]
                out[a, b] = 1.0
        return sorted((a, b, score) for (a, b), score in out.items())


@cache
def default_tagger() -> PropertyTagger | None:
    """The shipped property tagger, or ``None`` without ``data/relations_tagger.json``."""
    if not TAGGER_PATH.exists():
        return None
    d = json.loads(TAGGER_PATH.read_text(encoding="utf-8"))
    if d.get("format") != TAGGER_FORMAT:
        raise ValueError(f"{TAGGER_PATH}: not a {TAGGER_FORMAT} model")
    return PropertyTagger.from_dict(d)
