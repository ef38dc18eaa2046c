"""Build ``matnlp/extractors/data/doping.json`` (:class:`matnlp.extractors.doping.DopingModel`) from the NERRE doping
train split (its relevant sentences with a doping cue): a linear-chain CRF token tagger (host / dopant / other) over
:func:`matnlp.extractors.doping.token_features`, fitted by L-BFGS (scipy, training only) with vectorised
forward-backward, and a logistic-regression pair scorer over
:func:`matnlp.extractors.doping.pair_features` of the gold mentions. Gold strings are located in the sentence and
mapped to the tokens they overlap (separators that a decoded mention cannot hold are outside). The tagger's label
weights, pair bonus and L2 penalty and the link threshold are chosen by 5-fold cross-validation on train (folds of
abstracts); the shipped model is then fitted on all of train. Test is not read.

    .venv/bin/python scripts/train_doping.py [--data DIR]
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from matnlp.config import data_dir
from matnlp.datasets.nerre import DopingSentence, doping_sentences, token_labels
from matnlp.eval.doping import model_pairs, score
from matnlp.extractors.doping import (
    CUE,
    DOPING_PATH,
    LABELS,
    DopingModel,
    Mention,
    kind,
    mentions,
    pair_features,
    token_features,
    tokens,
)

log = logging.getLogger("train_doping")
THRESHOLDS = (0.3, 0.5)
HOST_WEIGHTS = (1.4, 2.0, 2.9)
DOPANT_WEIGHTS = (1.4, 2.0, 2.9)
PAIR_BONUSES = (0.0, 1.0, 2.0)
#: Decoding settings that leave the tagger's and the linker's scores as they are.
NEUTRAL = {"label_weights": {"HOST": 1.0, "DOPANT": 1.0}, "pair_bonus": 0.0, "threshold": 0.5}
L2_TAGGER = (1.0, 2.0)
C_LINKER = 1.0


class Example:
    """A cue sentence's tokens, kinds, gold token labels and gold (dopant, host) string pairs."""

    def __init__(self, s: DopingSentence):
        self.spans = tokens(s.text)
        self.words = [s.text[a:b] for a, b in self.spans]
        self.kinds = [kind(w) for w in self.words]
        self.mentions = mentions(s.text, self.spans, token_labels(s, self.spans))
        self.labels = ["O"] * len(self.spans)  # separators a mention cannot hold are outside, as when decoding
        for m in self.mentions:
            self.labels[m.first:m.last + 1] = [m.label] * (m.last - m.first + 1)
        self.pairs = {(s.dopants[d].strip(), s.hosts[h].strip()) for d, hs in s.links.items() for h in hs
                      if d in s.dopants and h in s.hosts}
        self.text = s.text


def _pair_data(examples: list[Example]) -> tuple[list[dict], list[bool]]:
    x, y = [], []
    for e in examples:
        for d in (m for m in e.mentions if m.label == "DOPANT"):
            for h in (m for m in e.mentions if m.label == "HOST"):
                x.append(pair_features(e.words, e.kinds, e.mentions, d, h))
                y.append((_text(e, d), _text(e, h)) in e.pairs)
    return x, y


def _text(e: Example, m: Mention) -> str:
    return e.text[m.start:m.end]


def _fit_linker(x: list[dict], y: list[bool], c: float) -> dict:
    """A logistic-regression pair scorer (weights of features above 0.01 in magnitude)."""
    vec = DictVectorizer()
    clf = LogisticRegression(C=c, max_iter=3000).fit(vec.fit_transform(x), y)
    weights = {f: [round(float(w), 4)] for f, w in zip(vec.feature_names_, clf.coef_[0]) if abs(w) > 0.01}
    return {"classes": ["linked"], "bias": [round(float(clf.intercept_[0]), 4)], "weights": weights}


def _fit_chain(examples: list[Example], l2: float) -> dict:
    """A linear-chain CRF over :func:`token_features` fitted by L-BFGS on the L2-penalised log-likelihood of the gold
    label sequences (weights of features above 0.01 in magnitude)."""
    vec = DictVectorizer()
    x = vec.fit_transform([token_features(e.words, e.kinds, i) for e in examples for i in range(len(e.words))]).tocsr()
    classes = list(LABELS)
    y = np.array([classes.index(label) for e in examples for label in e.labels])
    chain = _ChainData([len(e.words) for e in examples], y, len(classes))
    n_features, n_labels = x.shape[1], len(classes)

    def unpack(theta: np.ndarray) -> tuple[np.ndarray, ...]:
        """Feature weights (features × labels), transitions (labels × labels), start and end scores."""
        w, transitions, start, end = np.split(theta, np.cumsum([n_features * n_labels, n_labels * n_labels, n_labels]))
        return w.reshape(n_features, n_labels), transitions.reshape(n_labels, n_labels), start, end

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, transitions, start, end = unpack(theta)
        nll, d_emissions, d_transitions, d_start, d_end = chain.negative_log_likelihood(x @ w, transitions, start, end)
        grad = np.concatenate([(x.T @ d_emissions + l2 * w).ravel(), d_transitions.ravel(), d_start, d_end])
        return nll + l2 / 2 * float((w * w).sum()), grad

    theta = np.zeros(n_features * n_labels + n_labels * (n_labels + 2))
    w, transitions, start, end = unpack(minimize(loss, theta, jac=True, method="L-BFGS-B",
                                                 options={"maxiter": 300}).x)
    weights = {f: [round(float(v), 4) for v in w[j]] for j, f in enumerate(vec.feature_names_)
               if abs(w[j]).max() > 0.01}
    return {"classes": classes, "weights": weights, "transitions": transitions.round(4).tolist(),
            "start": start.round(4).tolist(), "end": end.round(4).tolist()}


def logsumexp(a: np.ndarray, axis: int) -> np.ndarray:
    """``log(sum(exp(a)))`` along ``axis``, stably."""
    top = a.max(axis=axis, keepdims=True)
    return np.log(np.exp(a - top).sum(axis=axis)) + np.squeeze(top, axis)


class _ChainData:
    """Gold label sequences of sentences of the given lengths, padded to the longest, for vectorised
    forward-backward over all sentences at once."""

    def __init__(self, lengths: list[int], y: np.ndarray, n_labels: int):
        self.lengths = np.array(lengths)
        longest = max(lengths)
        self.mask = np.arange(longest)[None, :] < self.lengths[:, None]  # sentences × positions
        self.rows, self.cols = np.nonzero(self.mask)  # token order = row-major = example order
        self.gold = np.zeros(self.mask.shape, dtype=int)
        self.gold[self.rows, self.cols] = y
        self.y = y
        self.n_labels = n_labels

    def negative_log_likelihood(self, emissions: np.ndarray, transitions: np.ndarray, start: np.ndarray,
                                end: np.ndarray) -> tuple:
        """The summed negative log-likelihood of the gold sequences and its gradients with respect to the token
        label scores (tokens × labels), transitions, start and end scores."""
        s, n = self.mask.shape
        e = np.zeros((s, n, self.n_labels))
        e[self.rows, self.cols] = emissions
        alpha = np.zeros((s, n, self.n_labels))
        alpha[:, 0] = start + e[:, 0]
        for t in range(1, n):
            step = logsumexp(alpha[:, t - 1, :, None] + transitions, axis=1) + e[:, t]
            alpha[:, t] = np.where(self.mask[:, t, None], step, alpha[:, t - 1])
        last = self.lengths - 1
        log_z = logsumexp(alpha[np.arange(s), last] + end, axis=1)
        beta = np.zeros((s, n, self.n_labels))
        beta[np.arange(s), last] = end
        for t in range(n - 2, -1, -1):
            step = logsumexp(transitions + (e[:, t + 1] + beta[:, t + 1])[:, None, :], axis=2)
            beta[:, t] = np.where((t < last)[:, None], step, beta[:, t])
        marginals = np.exp(alpha + beta - log_z[:, None, None]) * self.mask[..., None]
        pair = np.exp(alpha[:, :-1, :, None] + transitions + (e[:, 1:] + beta[:, 1:])[:, :, None, :]
                      - log_z[:, None, None, None]) * self.mask[:, 1:, None, None]
        gold_one_hot = np.eye(self.n_labels)[self.gold] * self.mask[..., None]
        gold_pairs = gold_one_hot[:, :-1, :, None] * gold_one_hot[:, 1:, None, :]
        gold_first, gold_last = gold_one_hot[:, 0], gold_one_hot[np.arange(s), last]
        gold_score = ((e * gold_one_hot).sum() + (gold_pairs.sum((0, 1)) * transitions).sum()
                      + gold_first.sum(0) @ start + gold_last.sum(0) @ end)
        d_emissions = (marginals - gold_one_hot)[self.rows, self.cols]
        return (float(log_z.sum() - gold_score), d_emissions, pair.sum((0, 1)) - gold_pairs.sum((0, 1)),
                marginals[:, 0].sum(0) - gold_first.sum(0), marginals[np.arange(s), last].sum(0) - gold_last.sum(0))


def build(examples: list[Example], l2: float, c_link: float) -> dict:
    """A model fitted on ``examples``, with the decoding settings of :data:`NEUTRAL` (cross-validation picks them)."""
    tagger = _fit_chain(examples, l2)
    px, py = _pair_data(examples)
    linker = _fit_linker(px, py, c_link)
    return {"format": "matnlp.doping/3", "source": "NERRE doping train.json", "tagger": tagger, "linker": linker} | (
        NEUTRAL)


def settings() -> list[dict]:
    """The grid of decoding settings: host and dopant label weights, pair bonus and link threshold."""
    return [{"label_weights": {"HOST": h, "DOPANT": d}, "pair_bonus": b, "threshold": t}
            for h, d, b, t in itertools.product(HOST_WEIGHTS, DOPANT_WEIGHTS, PAIR_BONUSES, THRESHOLDS)]


def cross_validate(train: list[DopingSentence], l2: float, folds: int = 5) -> list[tuple[dict, dict]]:
    """Link-triplet scores of ``folds``-fold cross-validation over train's abstracts (every ``folds``-th abstract
    held out, predictions of all folds pooled) for each decoding setting of the grid."""
    dois = list(dict.fromkeys(s.doi for s in train))
    grid = settings()
    sentences, predictions = [], [[] for _ in grid]
    for k in range(folds):
        held = set(dois[k::folds])
        model = build([Example(s) for s in train if s.doi not in held and s.relevant and CUE.search(s.text)],
                      l2, C_LINKER)
        part = [s for s in train if s.doi in held and s.relevant]
        sentences += part
        for setting, pairs in zip(grid, predictions):
            dopings = DopingModel(model | setting)
            pairs += [model_pairs(s, dopings) for s in part]
    return [(setting, score(sentences, pairs)["link triplets"]) for setting, pairs in zip(grid, predictions)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=data_dir() / "nerre_doping")
    parser.add_argument("--out", type=Path, default=DOPING_PATH)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    train = doping_sentences("train", args.data)
    best = None
    for l2 in L2_TAGGER:
        for setting, cv in cross_validate(train, l2):
            log.info("L2 %.2f, %s: CV link %s", l2, setting, cv)
            if best is None or cv["f1"] > best[0]["f1"]:
                best = (cv, l2, setting)
    cv, l2, setting = best
    log.info("selected L2 %.2f, %s: 5-fold CV on train %s", l2, setting, cv)
    model = build([Example(s) for s in train if s.relevant and CUE.search(s.text)], l2, C_LINKER) | setting
    model["selection"] = {"cv_link": cv, "l2_tagger": l2}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":"), sort_keys=True))
    log.info("wrote %s (%d kB)", args.out, args.out.stat().st_size // 1024)


if __name__ == "__main__":
    main()
