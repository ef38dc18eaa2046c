"""Train the synthesis-paragraph classifier (``matnlp/extractors/data/paragraph_classifier.{json,npy}``).

    .venv/bin/python scripts/train_paragraphs.py [--out matnlp/extractors/data/paragraph_classifier.json]

Stage 1: silver examples from the shared data (:mod:`matnlp.datasets.paragraphs`; every hand-labelled paper left
out) → a multinomial logistic regression over :func:`matnlp.extractors.paragraphs.features`. Stage 2: the
hand-labelled ``train`` and ``dev`` paragraphs → a binary logistic regression over
:func:`matnlp.extractors.paragraphs.context_features` of the stage-1 scores, and the unit model, a binary logistic
regression over the word uni/bigrams of those paragraphs, whose logit is added at a weight. Chosen by
leave-one-paper-out cross-validation over the train and dev papers (pooled synthesis F1; in each fold neither the
context stage nor the unit model sees the held-out paper, and stage 1 never sees any): the stage-1 C, the
stage-2 C, the unit-model C, the unit weight and a bias on the synthesis logit. Logged for the record: dev F1 of
the chosen setting with stage 2 fitted on train alone. The final stage 2 is fitted on train and dev; the softmax
temperature of the types is the one with the lowest log loss of the gold types of their procedures. The test
split is never read here.
"""

from __future__ import annotations

import argparse
import logging
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from matnlp.datasets.paragraphs import training_examples
from matnlp.eval.paragraphs import LabelledPaper, binary_scores, labelled_papers
from matnlp.extractors.paragraphs import (
    CONTEXT_FEATURES, LABELS, MODEL_PATH, NONE, LinearScorer, ParagraphModel, combine, decide, features, softmax,
)

log = logging.getLogger("train_paragraphs")

C_GRID = (0.3, 1.0, 3.0)
CONTEXT_C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
UNIT_C_GRID = (1.0, 3.0, 10.0, 30.0)
UNIT_WEIGHT_GRID = tuple(np.round(np.arange(0.0, 3.01, 0.25), 2))
BIAS_GRID = tuple(np.round(np.arange(-3.0, 3.01, 0.25), 2))
TEMPERATURE_GRID = tuple(np.round(np.exp(np.linspace(math.log(0.3), math.log(5.0), 40)), 4))
#: Document frequency a word or bigram of the hand-labelled paragraphs needs to enter the unit model.
UNIT_MIN_DF = 2


@dataclass
class PaperInputs:
    """One hand-labelled paper as stage 2 sees it: its texts, stage-1 probabilities, context features, gold
    labels."""

    name: str
    texts: list[str]
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


def vocabulary(texts: Sequence[str], min_df: int, max_features: int, chars: bool = True
               ) -> tuple[dict[str, int], np.ndarray]:
    """Features kept (document frequency ≥ ``min_df``, the ``max_features`` most frequent) and their idf."""
    df = Counter(f for text in texts for f in features(text, chars))
    kept = sorted((f for f, n in df.items() if n >= min_df), key=lambda f: (-df[f], f))[:max_features]
    n = len(texts)
    return {f: i for i, f in enumerate(kept)}, np.array([math.log((1 + n) / (1 + df[f])) + 1 for f in kept])


def matrix(scorer: LinearScorer, texts: Sequence[str]) -> sparse.csr_matrix:
    rows, cols, vals = [], [], []
    for r, text in enumerate(texts):
        idx, val = scorer.vector(text)
        rows += [r] * len(idx)
        cols += idx.tolist()
        vals += val.tolist()
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(texts), len(scorer.vocabulary)))


def paper_inputs(model: ParagraphModel, papers: list[LabelledPaper]) -> list[PaperInputs]:
    out = []
    for p in papers:
        own, x = model.context_inputs(p.texts)
        out.append(PaperInputs(p.doc.source.path.split("/")[-1], p.texts, own, x, p.gold))
    return out


def pooled_target(papers: list[PaperInputs]) -> np.ndarray:
    return np.concatenate([p.target for p in papers])


def fit_context(papers: list[PaperInputs], c: float) -> ContextFit:
    """Logistic regression of synthesis vs not on standardised context features."""
    x = np.vstack([p.x for p in papers])
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-9
    clf = LogisticRegression(C=c, max_iter=5000).fit((x - mean) / std, pooled_target(papers))
    coef = clf.coef_[0] / std
    return ContextFit(coef, float(clf.intercept_[0] - coef @ mean))


def fit_units(papers: list[PaperInputs], c: float) -> LinearScorer:
    """The unit model: logistic regression of synthesis vs not over the word uni/bigrams of the paragraphs."""
    texts = [t for p in papers for t in p.texts]
    vocab, idf = vocabulary(texts, UNIT_MIN_DF, 10 ** 6, chars=False)
    scorer = LinearScorer(vocab, idf, np.zeros((1, len(vocab))), np.zeros(1), chars=False)
    clf = LogisticRegression(C=c, max_iter=5000, class_weight="balanced", solver="liblinear")
    clf.fit(matrix(scorer, texts), pooled_target(papers))
    scorer.coef, scorer.intercept = clf.coef_.astype(np.float64), clf.intercept_.astype(np.float64)
    return scorer


def held_out(papers: list[PaperInputs], logit) -> np.ndarray:
    """Pooled leave-one-paper-out logits: ``logit(training papers, held-out paper)`` for each paper."""
    return np.concatenate([logit(papers[:i] + papers[i + 1:], p) for i, p in enumerate(papers)])


def synthesis_f1(target: np.ndarray, predicted: np.ndarray) -> float:
    tp = int((target & predicted).sum())
    return 2 * tp / (int(target.sum()) + int(predicted.sum())) if tp else 0.0


def best_blend(target: np.ndarray, context: np.ndarray, units: np.ndarray) -> tuple[float, float, float]:
    """(F1, unit weight, bias) with the best pooled F1 of ``context + weight × units + bias > 0`` (ties: the
    smallest weight, then the bias nearest 0)."""
    target = target.astype(bool)
    f1, _, _, weight, bias = max((round(synthesis_f1(target, context + w * units + b > 0), 4), -w, -abs(b), w, b)
                                 for w in UNIT_WEIGHT_GRID for b in BIAS_GRID)
    return f1, float(weight), float(bias)


def predictions(papers: list[PaperInputs], logits: list[np.ndarray]) -> list[str]:
    return [LABELS[k] for p, z in zip(papers, logits) for k in decide(combine(p.own, z))]


def fit_temperature(papers: list[PaperInputs]) -> float:
    """The temperature with the lowest log loss of the gold types among the procedure labels."""
    scores = [np.log(p.own + 1e-12) for p in papers]  # stage-1 scores up to a row constant (own at temperature 1)
    rows = [(s, LABELS.index(g)) for p, s in zip(papers, scores) for s, g in zip(s, p.gold) if g != NONE]
    x = np.array([s[:-1] for s, _ in rows])
    target = np.array([k for _, k in rows])

    def loss(t: float) -> float:
        return float(-np.mean(np.log(softmax(x, t)[np.arange(len(target)), target] + 1e-12)))

    return min(TEMPERATURE_GRID, key=loss)


def select(model: ParagraphModel, x: sparse.csr_matrix, y: np.ndarray, hand: list[LabelledPaper]) -> dict:
    """The setting with the best cross-validated F1: the stage-1 weights (set on ``model``), the stage-2 inputs of
    ``hand`` under them, the context C, the unit C, the unit weight and the bias."""
    best: dict = {"f1": -1.0}
    unit_logits: dict[float, np.ndarray] = {}
    for c in C_GRID:
        clf = LogisticRegression(C=c, max_iter=2000, class_weight="balanced").fit(x, y)
        model.text.coef, model.text.intercept = clf.coef_, clf.intercept_.astype(np.float64)
        papers = paper_inputs(model, hand)
        target = pooled_target(papers)
        for cu in UNIT_C_GRID:
            if cu not in unit_logits:
                unit_logits[cu] = held_out(papers, lambda train, p: fit_units(train, cu).scores(p.texts)[:, 0])
        for c2 in CONTEXT_C_GRID:
            context = held_out(papers, lambda train, p: fit_context(train, c2).logit(p.x))
            for cu, units in unit_logits.items():
                f1, weight, bias = best_blend(target, context, units)
                log.info("C=%g context C=%g unit C=%g: cross-validated F1 %.4f (unit weight %.2f, bias %+.2f)",
                         c, c2, cu, f1, weight, bias)
                if f1 > best["f1"] + 1e-9:
                    best = {"f1": f1, "C": c, "context_C": c2, "unit_C": cu, "unit_weight": weight, "bias": bias,
                            "coef": clf.coef_.copy(), "intercept": model.text.intercept.copy(), "papers": papers}
    model.text.coef, model.text.intercept = best.pop("coef"), best.pop("intercept")
    return best


def blended_logits(papers: list[PaperInputs], train: list[PaperInputs], best: dict) -> list[np.ndarray]:
    """Synthesis logits of ``papers`` under the chosen setting, stage 2 fitted on ``train``."""
    context, units = fit_context(train, best["context_C"]), fit_units(train, best["unit_C"])
    return [context.logit(p.x) + best["unit_weight"] * units.scores(p.texts)[:, 0] + best["bias"] for p in papers]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--min-df", type=int, default=3)
    ap.add_argument("--max-features", type=int, default=40000)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    examples = training_examples()
    log.info("silver examples: %d %s", len(examples), dict(Counter(e.label for e in examples)))
    vocab, idf = vocabulary([e.text for e in examples], args.min_df, args.max_features)
    model = ParagraphModel(LABELS, LinearScorer(vocab, idf, np.zeros((len(LABELS), len(vocab))), np.zeros(len(LABELS))),
                           LinearScorer({}, np.zeros(0), np.zeros((1, 0)), np.zeros(1), chars=False),
                           np.zeros(len(CONTEXT_FEATURES)))
    x = matrix(model.text, [e.text for e in examples])
    y = np.array([LABELS.index(e.label) for e in examples])
    train, dev = labelled_papers("train"), labelled_papers("dev")
    best = select(model, x, y, train + dev)
    papers, f1 = best.pop("papers"), best.pop("f1")
    dev_inputs = papers[len(train):]
    dev_scores = binary_scores([g for p in dev_inputs for g in p.gold],
                               predictions(dev_inputs, blended_logits(dev_inputs, papers[:len(train)], best)))
    log.info("chosen: %s: cross-validated F1 %.4f; dev (stage 2 fitted on train) %s", best, f1, dev_scores)
    final = fit_context(papers, best["context_C"])
    model.units = fit_units(papers, best["unit_C"])
    model.context_coef, model.context_intercept = final.coef, final.intercept + best["bias"]
    model.unit_weight = best["unit_weight"]
    model.temperature = fit_temperature(papers)
    log.info("context weights: %s", dict(zip(CONTEXT_FEATURES, np.round(final.coef, 3))))
    model.save(args.out, training={"silver_examples": len(examples),
                                   "silver_by_label": dict(Counter(e.label for e in examples)),
                                   "silver_by_source": dict(Counter(e.source for e in examples)),
                                   "hand_labelled_papers": [p.name for p in papers]},
               selection={**best, "cross_validated_f1": f1, "dev_f1": dev_scores["f1"],
                          "temperature": model.temperature})
    log.info("wrote %s (+ .npy)", args.out)


if __name__ == "__main__":
    main()
