"""Build ``matnlp/extractors/data/doping.json`` (:class:`matnlp.extractors.doping.DopingModel`) from the NERRE doping
train split (its relevant sentences with a doping cue): a logistic-regression token tagger (host / dopant / other) over
:func:`matnlp.extractors.doping.token_features` and a logistic-regression pair scorer over
:func:`matnlp.extractors.doping.pair_features` of the gold mentions. Gold strings are located in the sentence and
mapped to the tokens they overlap. The tagger's outside weight and regularization and the link threshold are chosen by
5-fold cross-validation on train (folds of abstracts); the shipped model is then fitted on all of train. Test is not
read.

    .venv/bin/python scripts/train_doping.py [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

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
OUTSIDE_WEIGHTS = (1.0, 0.7, 0.5, 0.35)
C_TAGGER = (0.3, 1.0, 3.0)
C_LINKER = 1.0


class Example:
    """A cue sentence's tokens, kinds, gold token labels and gold (dopant, host) string pairs."""

    def __init__(self, s: DopingSentence):
        self.spans = tokens(s.text)
        self.words = [s.text[a:b] for a, b in self.spans]
        self.kinds = [kind(w) for w in self.words]
        self.labels = token_labels(s, self.spans)
        self.pairs = {(s.dopants[d].strip(), s.hosts[h].strip()) for d, hs in s.links.items() for h in hs
                      if d in s.dopants and h in s.hosts}
        self.mentions = mentions(s.text, self.spans, self.labels)
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


def _fit(x: list[dict], y: list, c: float, classes_out: list[str] | None = None) -> dict:
    vec = DictVectorizer()
    clf = LogisticRegression(C=c, max_iter=3000).fit(vec.fit_transform(x), y)
    classes = [str(k) for k in clf.classes_] if classes_out is None else classes_out
    weights = {f: [round(float(w), 4) for w in clf.coef_[:, j]] for j, f in enumerate(vec.feature_names_)
               if max(abs(clf.coef_[:, j])) > 0.01}
    return {"classes": classes, "bias": [round(float(b), 4) for b in clf.intercept_], "weights": weights}


def build(examples: list[Example], c_tag: float, c_link: float, threshold: float, outside_weight: float) -> dict:
    x = [token_features(e.words, e.kinds, i, e.labels) for e in examples for i in range(len(e.words))]
    y = [label for e in examples for label in e.labels]
    tagger = _fit(x, y, c_tag)
    assert set(tagger["classes"]) <= set(LABELS), tagger["classes"]
    px, py = _pair_data(examples)
    linker = _fit(px, py, c_link, ["linked"])
    return {"format": "matnlp.doping/1", "source": "NERRE doping train.json", "tagger": tagger, "linker": linker,
            "threshold": threshold, "outside_weight": outside_weight}


def cross_validate(train: list[DopingSentence], c_tag: float, folds: int = 5) -> dict[tuple[float, float], dict]:
    """Link-triplet scores of ``folds``-fold cross-validation over train's abstracts (every ``folds``-th abstract
    held out, predictions of all folds pooled) for each (outside weight, link threshold) of the grid."""
    dois = list(dict.fromkeys(s.doi for s in train))
    sentences, predictions = [], {(w, t): [] for w in OUTSIDE_WEIGHTS for t in THRESHOLDS}
    for k in range(folds):
        held = set(dois[k::folds])
        model = build([Example(s) for s in train if s.doi not in held and s.relevant and CUE.search(s.text)],
                      c_tag, C_LINKER, 0.5, 1.0)
        part = [s for s in train if s.doi in held and s.relevant]
        sentences += part
        for w, t in predictions:
            dopings = DopingModel(model | {"threshold": t, "outside_weight": w})
            predictions[w, t] += [model_pairs(s, dopings) for s in part]
    return {setting: score(sentences, pairs)["link triplets"] for setting, pairs in predictions.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=data_dir() / "nerre_doping")
    parser.add_argument("--out", type=Path, default=DOPING_PATH)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    train = doping_sentences("train", args.data)
    best = None
    for c_tag in C_TAGGER:
        for (outside_weight, threshold), cv in cross_validate(train, c_tag).items():
            log.info("C %.1f, outside weight %.2f, link threshold %.1f: CV link %s", c_tag, outside_weight, threshold,
                     cv)
            if best is None or cv["f1"] > best[0]["f1"]:
                best = (cv, c_tag, outside_weight, threshold)
    cv, c_tag, outside_weight, threshold = best
    log.info("selected C %.1f, outside weight %.2f, link threshold %.1f: 5-fold CV on train %s", c_tag, outside_weight,
             threshold, cv)
    model = build([Example(s) for s in train if s.relevant and CUE.search(s.text)], c_tag, C_LINKER, threshold,
                  outside_weight)
    model["selection"] = {"cv_link": cv, "c_tagger": c_tag}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":"), sort_keys=True))
    log.info("wrote %s (%d kB)", args.out, args.out.stat().st_size // 1024)


if __name__ == "__main__":
    main()
