"""Train the synthesis-paragraph classifier (``matnlp/extractors/data/paragraph_classifier.{json,npy}``).

    .venv/bin/python scripts/train_paragraphs.py [--out matnlp/extractors/data/paragraph_classifier.json]

Silver examples from the shared data (:mod:`matnlp.datasets.paragraphs`; hand-labelled papers left out) → a
multinomial logistic regression over :func:`matnlp.extractors.paragraphs.features`. Chosen on the hand-labelled
dev paragraphs only: per regularisation C the softmax temperature (lowest log loss, paragraphs on their own),
then the neighbour-context weight and a bias on ``none`` (best synthesis F1); the C with the best F1 is kept. The
test split is never read here.
"""

from __future__ import annotations

import argparse
import logging
import math
from collections import Counter
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from matnlp.datasets.paragraphs import Example, training_examples
from matnlp.eval.paragraphs import binary_scores, labelled_papers
from matnlp.extractors.paragraphs import LABELS, MODEL_PATH, ParagraphModel, calibrate, features

log = logging.getLogger("train_paragraphs")

C_GRID = (0.3, 1.0, 3.0, 10.0)
CONTEXT_GRID = (0.0, 0.1, 0.2, 0.3, 0.4)  # below 0.5: a paragraph outweighs its neighbours
BIAS_GRID = tuple(np.round(np.arange(-2.0, 2.01, 0.25), 2))
TEMPERATURE_GRID = tuple(np.round(np.exp(np.linspace(math.log(0.3), math.log(5.0), 40)), 4))


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


def dev_scores(model: ParagraphModel, papers) -> list[np.ndarray]:
    return [model.scores(p.texts) for p in papers]


def select(scores: list[np.ndarray], gold: list[str], labels: tuple[str, ...],
           temperature: float) -> tuple[float, float, float]:
    """(F1, context, none-bias) with the best dev synthesis F1 (ties: the smaller context and bias)."""
    none = labels.index("none")
    best = (-1.0, 0.0, 0.0)
    for context in CONTEXT_GRID:
        for bias in BIAS_GRID:
            pred = []
            for s in scores:
                shifted = s.copy()
                shifted[:, none] += bias
                pred += [labels[k] for k in calibrate(shifted, context, temperature).argmax(axis=1)]
            f1 = binary_scores(gold, pred)["f1"]
            if f1 > best[0] + 1e-9:
                best = (f1, context, float(bias))
    return best


def fit_temperature(model: ParagraphModel, papers, gold: list[str]) -> float:
    """The temperature with the lowest dev log loss of the gold labels (each paragraph on its own)."""
    target = np.array([model.labels.index(g) for g in gold])

    def loss(t: float) -> float:
        probs = np.vstack([model.probabilities(p.texts, context=0.0, temperature=t) for p in papers])
        return float(-np.mean(np.log(probs[np.arange(len(target)), target] + 1e-12)))

    return min(TEMPERATURE_GRID, key=loss)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--min-df", type=int, default=3)
    ap.add_argument("--max-features", type=int, default=40000)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    examples = training_examples()
    log.info("training examples: %d %s", len(examples), dict(Counter(e.label for e in examples)))
    vocab, idf = vocabulary(examples, args.min_df, args.max_features)
    model = ParagraphModel(LABELS, vocab, idf, np.zeros((len(LABELS), len(vocab))), np.zeros(len(LABELS)))
    x = matrix(model, examples)
    y = np.array([LABELS.index(e.label) for e in examples])
    dev = labelled_papers("dev")
    gold = [g for p in dev for g in p.gold]
    best = None
    for c in C_GRID:
        clf = LogisticRegression(C=c, max_iter=2000, class_weight="balanced").fit(x, y)
        model.coef, model.intercept = clf.coef_, clf.intercept_.astype(np.float64)
        temperature = fit_temperature(model, dev, gold)
        f1, context, bias = select(dev_scores(model, dev), gold, LABELS, temperature)
        log.info("C=%g: dev F1 %.4f (temperature %.3f, context %.2f, none bias %+.2f)", c, f1, temperature, context,
                 bias)
        if best is None or f1 > best[0] + 1e-9:
            best = (f1, c, temperature, context, bias, clf.coef_.copy(), clf.intercept_.copy())
    f1, c, temperature, context, bias, coef, intercept = best
    intercept = intercept.astype(np.float64)
    intercept[LABELS.index("none")] += bias
    model.coef, model.intercept, model.context, model.temperature = coef, intercept, context, temperature
    log.info("chosen: C=%g context=%.2f none bias=%+.2f temperature=%.3f (dev F1 %.4f)",
             c, context, bias, model.temperature, f1)
    model.save(args.out, training={"examples": len(examples), "by_label": dict(Counter(e.label for e in examples)),
                                   "by_source": dict(Counter(e.source for e in examples))},
               selection={"C": c, "none_bias": bias, "dev_f1": f1})
    log.info("wrote %s (+ .npy)", args.out)


if __name__ == "__main__":
    main()
