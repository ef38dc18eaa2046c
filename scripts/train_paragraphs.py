"""Train the synthesis-paragraph classifier (``matnlp/extractors/data/paragraph_classifier.{json,npy}``).

    .venv/bin/python scripts/train_paragraphs.py [--out matnlp/extractors/data/paragraph_classifier.json]

Stage 1: silver examples from the shared data (:mod:`matnlp.datasets.paragraphs`; every hand-labelled paper left
out) → a multinomial logistic regression over :func:`matnlp.extractors.paragraphs.features`. Stage 2: the
hand-labelled ``train`` and ``dev`` paragraphs → a binary logistic regression over
:func:`matnlp.extractors.paragraphs.context_features` of the stage-1 scores. Chosen by leave-one-paper-out
cross-validation over the train and dev papers (pooled synthesis F1): the stage-1 C, the stage-2 C and a bias on
the synthesis logit. Logged for the record: dev F1 of the chosen setting with stage 2 fitted on train alone. The
final stage 2 is fitted on train and dev; the softmax temperature of the types is the one with the lowest log loss
of the gold types of their procedures. The test split is never read here.
"""

from __future__ import annotations

import argparse
import logging
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from matnlp.datasets.paragraphs import Example, training_examples
from matnlp.eval.paragraphs import LabelledPaper, binary_scores, labelled_papers
from matnlp.extractors.paragraphs import (
    CONTEXT_FEATURES, LABELS, MODEL_PATH, NONE, ParagraphModel, combine, decide, features, softmax,
)

log = logging.getLogger("train_paragraphs")

C_GRID = (0.3, 1.0, 3.0)
CONTEXT_C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
BIAS_GRID = tuple(np.round(np.arange(-1.5, 1.51, 0.25), 2))
TEMPERATURE_GRID = tuple(np.round(np.exp(np.linspace(math.log(0.3), math.log(5.0), 40)), 4))


@dataclass
class PaperInputs:
    """One hand-labelled paper as stage 2 sees it: stage-1 probabilities, context features, gold labels."""

    name: str
    own: np.ndarray
    x: np.ndarray
    gold: list[str]

    @property
    def target(self) -> np.ndarray:
        return np.array([g != NONE for g in self.gold], dtype=int)


@dataclass
class ContextFit:
    """Stage-2 weights in the units of the raw features (standardisation folded in)."""

    coef: np.ndarray
    intercept: float

    def logit(self, x: np.ndarray) -> np.ndarray:
        return x @ self.coef + self.intercept


def vocabulary(examples: list[Example], min_df: int, max_features: int) -> tuple[dict[str, int], np.ndarray]:
    """Features kept (document frequency ≥ ``min_df``, the ``max_features`` most frequent) and their idf."""
    df = Counter(f for e in examples for f in features(e.text))
    kept = sorted((f for f, n in df.items() if n >= min_df), key=lambda f: (-df[f], f))[:max_features]
    n = len(examples)
    return {f: i for i, f in enumerate(kept)}, np.array([math.log((1 + n) / (1 + df[f])) + 1 for f in kept])


def matrix(model: ParagraphModel, examples: list[Example]) -> sparse.csr_matrix:
    rows, cols, vals = [], [], []
    for r, e in enumerate(examples):
        idx, val = model.vector(e.text)
        rows += [r] * len(idx)
        cols += idx.tolist()
        vals += val.tolist()
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(examples), len(model.vocabulary)))


def paper_inputs(model: ParagraphModel, papers: list[LabelledPaper]) -> list[PaperInputs]:
    out = []
    for p in papers:
        own, x = model.context_inputs(p.texts)
        out.append(PaperInputs(p.doc.source.path.split("/")[-1], own, x, p.gold))
    return out


def fit_context(papers: list[PaperInputs], c: float) -> ContextFit:
    """Logistic regression of synthesis vs not on standardised context features."""
    x = np.vstack([p.x for p in papers])
    y = np.concatenate([p.target for p in papers])
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-9
    clf = LogisticRegression(C=c, max_iter=5000).fit((x - mean) / std, y)
    coef = clf.coef_[0] / std
    return ContextFit(coef, float(clf.intercept_[0] - coef @ mean))


def predictions(papers: list[PaperInputs], logits: list[np.ndarray], bias: float) -> list[str]:
    return [LABELS[k] for p, z in zip(papers, logits) for k in decide(combine(p.own, z + bias))]


def cross_validate(papers: list[PaperInputs], c: float) -> tuple[float, float]:
    """(F1, bias) with the best pooled leave-one-paper-out synthesis F1 (ties: the bias nearest 0)."""
    logits = [fit_context(papers[:i] + papers[i + 1:], c).logit(p.x) for i, p in enumerate(papers)]
    gold = [g for p in papers for g in p.gold]
    return max(((binary_scores(gold, predictions(papers, logits, b))["f1"], -abs(b), b) for b in BIAS_GRID))[::2]


def fit_temperature(papers: list[PaperInputs]) -> float:
    """The temperature with the lowest log loss of the gold types among the procedure labels."""
    scores = [np.log(p.own + 1e-12) for p in papers]  # stage-1 scores up to a row constant (own at temperature 1)
    rows = [(s, LABELS.index(g)) for p, s in zip(papers, scores) for s, g in zip(s, p.gold) if g != NONE]
    x = np.array([s[:-1] for s, _ in rows])
    target = np.array([k for _, k in rows])

    def loss(t: float) -> float:
        return float(-np.mean(np.log(softmax(x, t)[np.arange(len(target)), target] + 1e-12)))

    return min(TEMPERATURE_GRID, key=loss)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--min-df", type=int, default=3)
    ap.add_argument("--max-features", type=int, default=40000)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    examples = training_examples()
    log.info("silver examples: %d %s", len(examples), dict(Counter(e.label for e in examples)))
    vocab, idf = vocabulary(examples, args.min_df, args.max_features)
    model = ParagraphModel(LABELS, vocab, idf, np.zeros((len(LABELS), len(vocab))), np.zeros(len(LABELS)),
                           np.zeros(len(CONTEXT_FEATURES)))
    x = matrix(model, examples)
    y = np.array([LABELS.index(e.label) for e in examples])
    train, dev = labelled_papers("train"), labelled_papers("dev")
    best = None
    for c in C_GRID:
        clf = LogisticRegression(C=c, max_iter=2000, class_weight="balanced").fit(x, y)
        model.coef, model.intercept = clf.coef_, clf.intercept_.astype(np.float64)
        papers = paper_inputs(model, train + dev)
        for c2 in CONTEXT_C_GRID:
            f1, bias = cross_validate(papers, c2)
            log.info("C=%g context C=%g: cross-validated F1 %.4f (bias %+.2f)", c, c2, f1, bias)
            if best is None or f1 > best[0] + 1e-9:
                best = (f1, c, c2, bias, clf.coef_.copy(), model.intercept.copy(), papers)
    f1, c, c2, bias, model.coef, model.intercept, papers = best
    held_out = papers[len(train):]
    on_train = fit_context(papers[:len(train)], c2)
    dev_scores = binary_scores([g for p in held_out for g in p.gold],
                               predictions(held_out, [on_train.logit(p.x) for p in held_out], bias))
    log.info("chosen: C=%g context C=%g bias %+.2f: cross-validated F1 %.4f; dev (context stage fitted on train) %s",
             c, c2, bias, f1, dev_scores)
    final = fit_context(papers, c2)
    model.context_coef, model.context_intercept = final.coef, final.intercept + bias
    model.temperature = fit_temperature(papers)
    log.info("context weights: %s", dict(zip(CONTEXT_FEATURES, np.round(final.coef, 3))))
    model.save(args.out, training={"silver_examples": len(examples),
                                   "silver_by_label": dict(Counter(e.label for e in examples)),
                                   "silver_by_source": dict(Counter(e.source for e in examples)),
                                   "hand_labelled_papers": [p.name for p in papers]},
               selection={"C": c, "context_C": c2, "bias": bias, "cross_validated_f1": f1, "dev_f1": dev_scores["f1"],
                          "temperature": model.temperature})
    log.info("wrote %s (+ .npy)", args.out)


if __name__ == "__main__":
    main()
