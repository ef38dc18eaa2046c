"""Train the property-span tagger and the property → value / property → material pair scorers on MuLMS.

    .venv/bin/python scripts/train_relations.py [--keep-tagger]   # writes matnlp/extractors/data/relations{,_tagger}.json

Tagger (``data/relations_tagger.json``): logistic regression over :func:`matnlp.extractors.relations.features`
of every token of the MuLMS train texts, inside = the token overlaps a gold PROPERTY span (features seen < 3
times dropped). The inside threshold is selected by the lexicon-setting triple F1 pooled over 5 train folds (each
scored by the tagger fit on the others) and dev, with the pair scorers shipped at that moment (run twice from
scratch: the scorers use the tagger's scores).

Pair scorers (``data/relations.json``): candidates are the pairs
:func:`~matnlp.extractors.properties.value_pairs` / ``material_pairs`` build in each train sentence, once from the
gold PROPERTY and MAT spans and once from the model-free finders (tagger, formula finder). A value pair is positive
when a gold ``propertyValue`` triple's PROPERTY overlaps the property and its VALUE the quantity; a material pair
(properties measured on a MAT) when the MAT overlaps one of those materials. The material scorer's C and training
rows (properties with a gold value, or all) are selected on dev by link accuracy over all measured properties
(gold spans); the value scorer's C and threshold by the mean triple F1 of the gold-span and lexicon settings. The test split is
never read.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from matnlp.config import data_dir
from matnlp.datasets.mulms import MulmsDoc, documents
from matnlp.eval.properties import Counts, gold_entities, metrics, score_documents
from matnlp.extractors import relations
from matnlp.extractors.properties import (
    LEXICON_WORDS,
    _sentence_quantities,
    find_property_mentions,
    material_mentions,
    material_pairs,
    value_pairs,
)
from matnlp.text.tokenize import sentences as split_sentences

log = logging.getLogger("train_relations")
TAGGER_C = 0.1  # train CV triple F1 within 0.002 for C 0.03 and 0.3
TAGGER_THRESHOLDS = (0.1, 0.15, 0.2)
FOLDS = 5


def _overlap(a, b) -> bool:
    return a.start < b.end and b.start < a.end


@dataclass
class Examples:
    """Candidate pairs with labels. Material rows also carry their property (``group``: the rows of one property
    are its candidates) and whether that property has a gold value (``valued``)."""

    vx: list[dict] = field(default_factory=list)
    vy: list[int] = field(default_factory=list)
    mx: list[dict] = field(default_factory=list)
    my: list[int] = field(default_factory=list)
    group: list[int] = field(default_factory=list)
    valued: list[bool] = field(default_factory=list)

    def __add__(self, other: Examples) -> Examples:
        shift = max(self.group, default=-1) + 1
        return Examples(self.vx + other.vx, self.vy + other.vy, self.mx + other.mx, self.my + other.my,
                        self.group + [g + shift for g in other.group], self.valued + other.valued)


def examples(docs: list[MulmsDoc], predicted: bool) -> Examples:
    """Value and material pairs over the sentences of ``docs``, with the gold PROPERTY and MAT spans or
    (``predicted``) the model-free property and material finders."""
    ex = Examples()
    for doc in docs:
        sents = split_sentences(doc.text)
        if predicted:
            props_all, mats_all = find_property_mentions(doc.text), material_mentions(doc.text, sents)
        else:
            props_all = [e for e in doc.entities if e.label == "PROPERTY"]
            mats_all = [e for e in doc.entities if e.label == "MAT"]
        for sent in sents:
            props = sorted((e for e in props_all if sent.start <= e.start and e.end <= sent.end), key=lambda e: e.start)
            if not props:
                continue
            mats = sorted((e for e in mats_all if sent.start <= e.start and e.end <= sent.end), key=lambda e: e.start)
            qs = _sentence_quantities(doc.text, sent, props + mats)
            for i, j, f in value_pairs(doc.text, props, qs, sent):
                ex.vx.append(f)
                ex.vy.append(int(any(_overlap(t.prop, props[i]) and _overlap(t.value, qs[j]) for t in doc.triples)))
            first = max(ex.group, default=-1) + 1
            for i, k, f in material_pairs(doc.text, props, mats):
                gold = [m for (a, b), ms in doc.property_materials.items() if a < props[i].end and props[i].start < b
                        for m in ms]
                if gold:
                    ex.mx.append(f)
                    ex.my.append(int(any(_overlap(g, mats[k]) for g in gold)))
                    ex.group.append(first + i)
                    ex.valued.append(any(_overlap(t.prop, props[i]) for t in doc.triples))
    return ex


def link_accuracy(scorer: relations.PairScorer, ex: Examples) -> float:
    """Share of properties (with a gold material among their candidates) whose most probable material is gold."""
    best: dict[int, tuple[float, int]] = {}
    for pr, g, y in zip(scorer.probabilities(ex.mx), ex.group, ex.my):
        if g not in best or pr > best[g][0]:
            best[g] = (pr, y)
    has_gold = {g for g, y in zip(ex.group, ex.my) if y}
    return sum(best[g][1] for g in has_gold) / len(has_gold)


def select_material(train: Examples, dev: Examples) -> tuple[relations.PairScorer, dict]:
    """Material scorer trained on the properties with a gold value or on all measured ones, C selected by
    :func:`link_accuracy` on dev (gold spans)."""
    best = None
    for c, only_valued in itertools.product((0.03, 0.3, 3.0), (True, False)):
        keep = [k for k, v in enumerate(train.valued) if v or not only_valued]
        scorer = fit([train.mx[k] for k in keep], [train.my[k] for k in keep], c, 0.5)
        acc = link_accuracy(scorer, dev)
        log.info("material C=%g only_valued=%s: dev link accuracy %.4f", c, only_valued, acc)
        if best is None or acc > best[0]:
            best = (acc, scorer, {"C": c, "only_valued": only_valued, "dev_link_accuracy": round(acc, 4)})
    return best[1], best[2]


def tagger_data(docs: list[MulmsDoc]) -> tuple[list[dict], list[int]]:
    """Token feature dicts and inside labels (the token overlaps a gold PROPERTY span) of ``docs``."""
    x, y = [], []
    for doc in docs:
        toks = relations.tokens(doc.text)
        gold = [e for e in doc.entities if e.label == "PROPERTY"]
        for t, f in zip(toks, relations.features([t.group() for t in toks], LEXICON_WORDS)):
            y.append(int(any(e.start < t.end() and t.start() < e.end for e in gold)))
            x.append(dict.fromkeys(f, 1.0))
    return x, y


def fit_tagger(docs: list[MulmsDoc], data: dict[str, tuple[list[dict], list[int]]]) -> tuple[dict, float]:
    """Feature weights (features seen < 3 times dropped) and bias of the tagger fit on ``docs``."""
    x = [r for doc in docs for r in data[doc.name][0]]
    y = [v for doc in docs for v in data[doc.name][1]]
    vec = DictVectorizer()
    matrix = vec.fit_transform(x)
    frequent = np.flatnonzero(np.asarray(matrix.sum(0)).ravel() >= 3)
    matrix, names = matrix[:, frequent], vec.get_feature_names_out()[frequent]
    lr = LogisticRegression(C=TAGGER_C, max_iter=500).fit(matrix, y)
    return {n: round(float(w), 4) for n, w in zip(names, lr.coef_[0]) if abs(w) > 0.02}, float(lr.intercept_[0])


def learn_tagger(train: list[MulmsDoc], dev: list[MulmsDoc], path: Path) -> dict:
    """Fit the property tagger on train, select the inside threshold by the lexicon-setting triple F1 pooled over
    the train folds (each scored by the tagger fit on the other folds) and dev (the tagger fit on all of train)."""
    data = {doc.name: tagger_data([doc]) for doc in train}
    folds = [train[k::FOLDS] for k in range(FOLDS)]
    counts = {t: Counts() for t in TAGGER_THRESHOLDS}
    for k, held in enumerate(folds):
        weights, bias = fit_tagger([doc for j, fold in enumerate(folds) if j != k for doc in fold], data)
        for t in TAGGER_THRESHOLDS:
            counts[t].add(_tagger_counts(path, relations.PropertyTagger(weights, bias, t), held))
    weights, bias = fit_tagger(train, data)
    meta = {}
    for t in TAGGER_THRESHOLDS:
        dev_counts = _tagger_counts(path, relations.PropertyTagger(weights, bias, t), dev)
        meta[t] = {"train_cv_triple": metrics(counts[t])["triple"], "dev_triple": metrics(dev_counts)["triple"]}
        counts[t].add(dev_counts)
        log.info("tagger threshold %g: %s", t, meta[t])
    best = max(TAGGER_THRESHOLDS, key=lambda t: metrics(counts[t])["triple"]["f1"])
    selected = {"C": TAGGER_C, "threshold": best, **meta[best]}
    _write_tagger(path, relations.PropertyTagger(weights, bias, best),
                  {"selected": selected, "source": "MuLMS train PROPERTY spans"})
    return selected


def _tagger_counts(path: Path, tagger: relations.PropertyTagger, docs: list[MulmsDoc]) -> Counts:
    """Lexicon-setting triple counts on ``docs`` with ``tagger`` (written to ``path``, which the finder reads)."""
    _write_tagger(path, tagger, {})
    return Counts(**score_documents(docs)["counts"])


def _write_tagger(path: Path, tagger: relations.PropertyTagger, meta: dict) -> None:
    path.write_text(json.dumps({**tagger.to_dict(), **meta}, ensure_ascii=False, sort_keys=True) + "\n",
                    encoding="utf-8")
    relations.default_tagger.cache_clear()


def fit(rows: list[dict], labels: list[int], c: float, threshold: float) -> relations.PairScorer:
    names = tuple(sorted({n for r in rows for n in r}))
    x = np.array([[r.get(n, 0.0) for n in names] for r in rows])
    mean, scale = x.mean(0), x.std(0)
    scale[scale == 0] = 1.0
    lr = LogisticRegression(C=c, max_iter=2000).fit((x - mean) / scale, labels)
    return relations.PairScorer(names, mean, scale, lr.coef_[0], float(lr.intercept_[0]), threshold)


def dev_f1(dev: list[MulmsDoc]) -> tuple[float, dict]:
    """Mean dev triple F1 of the gold-span and lexicon settings with the model now in ``relations.MODEL_PATH``."""
    relations.default_scorers.cache_clear()
    gold, lex = score_documents(dev, gold_entities), score_documents(dev)
    summary = {"gold_triple_f1": gold["triple"]["f1"], "lexicon_triple_f1": lex["triple"]["f1"],
               "gold_material_accuracy": gold["material_accuracy"]}
    return (gold["triple"]["f1"] + lex["triple"]["f1"]) / 2, summary


def write(path: Path, value: relations.PairScorer, material: relations.PairScorer, meta: dict) -> None:
    payload = {"format": relations.FORMAT, "source": "MuLMS train (propertyValue, measuresProperty)", **meta,
               "value": value.to_dict(), "material": material.to_dict()}
    path.write_text(json.dumps(payload, indent=None, sort_keys=True) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=data_dir())
    ap.add_argument("--out", type=Path, default=relations.MODEL_PATH)
    ap.add_argument("--tagger", type=Path, default=relations.TAGGER_PATH)
    ap.add_argument("--keep-tagger", action="store_true", help="train only the pair scorers (shipped tagger)")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    train, dev = documents(args.data / "mulms", "train"), documents(args.data / "mulms", "dev")
    relations.TAGGER_PATH = args.tagger  # the property finder reads the tagger being written
    if not args.keep_tagger:
        log.info("selected tagger %s -> %s", learn_tagger(train, dev, args.tagger), args.tagger)
    relations.MODEL_PATH = args.out  # dev scores read the scorers being written
    ex = examples(train, False) + examples(train, True)
    log.info("value pairs %d (%d positive), material pairs %d (%d positive)", len(ex.vy), sum(ex.vy), len(ex.my),
             sum(ex.my))
    material, material_meta = select_material(ex, examples(dev, False))
    best = None
    for c, threshold in itertools.product((0.03, 0.3), (0.2, 0.25, 0.3, 0.4)):
        value = fit(ex.vx, ex.vy, c, threshold)
        write(args.out, value, material, {})
        f1, summary = dev_f1(dev)
        log.info("value C=%g threshold=%.2f: dev %s", c, threshold, summary)
        if best is None or f1 > best[0]:
            best = (f1, value, {"C": c, "threshold": threshold, "dev": summary})
    _, value, meta = best
    write(args.out, value, material, {"selected": {"value": meta, "material": material_meta},
                                      "train_pairs": {"value": len(ex.vy), "material": len(ex.my)}})
    log.info("selected value %s, material %s -> %s", meta, material_meta, args.out)


if __name__ == "__main__":
    main()
