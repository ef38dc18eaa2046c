"""Learn the operation-token -> Kononova operation type model from the text-mined synthesis datasets.

Writes ``matnlp/data/operation_types.json`` (see :class:`matnlp.synthesis.OperationTyper`): a frequency table
keyed by (token, has mixing medium, recipe style), a recipe-style logistic regression over the recipe's operation
tokens (solid-state vs sol-gel label conventions), and a character n-gram naive Bayes fallback for unseen tokens.
Only DOIs outside the held-out fifth (:func:`matnlp.synthesis.held_out_doi`) are used, so
``scripts/bench_synthesis.py`` measures the shipped model on unseen papers.

    .venv/bin/python scripts/train_operation_types.py [--data DIR] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import logging
import math
from collections import Counter, defaultdict
from pathlib import Path

from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from matnlp.config import REPO_ROOT, data_dir
from matnlp.synthesis import TYPER_PATH, held_out_doi, kononova_recipes, ngrams

log = logging.getLogger("train_operation_types")
MIN_COUNT = 2  # a (token, ...) key seen fewer times is left to the fallbacks
NB_ALPHA = 0.1


def frequency_tables(recipes) -> dict[str, dict[str, dict[str, int]]]:
    """Type counts keyed by ``token``, ``token|medium`` and ``token|medium|style``."""
    tables: dict[str, defaultdict] = {k: defaultdict(Counter) for k in ("token", "medium", "style")}
    for r in recipes:
        for op in r.operations:
            tables["token"][op.token][op.type] += 1
            tables["medium"][f"{op.token}|{int(op.medium)}"][op.type] += 1
            tables["style"][f"{op.token}|{int(op.medium)}|{r.style}"][op.type] += 1
    return {
        name: {k: dict(c) for k, c in table.items() if sum(c.values()) >= MIN_COUNT} for name, table in tables.items()
    }


def style_model(recipes) -> dict:
    """Logistic regression P(sol-gel | bag of operation tokens), exported as weights."""
    vec = DictVectorizer()
    x = vec.fit_transform([Counter(op.token for op in r.operations) for r in recipes])
    y = [r.style == "sol-gel" for r in recipes]
    clf = LogisticRegression(C=1.0, max_iter=2000).fit(x, y)
    weights = {f: round(float(w), 4) for f, w in zip(vec.feature_names_, clf.coef_[0], strict=True) if abs(w) > 1e-3}
    return {"positive": "sol-gel", "negative": "solid-state", "bias": float(clf.intercept_[0]), "weights": weights}


def ngram_model(token_table: dict[str, dict[str, int]]) -> dict:
    """Multinomial naive Bayes over character n-grams of the distinct tokens (each token weighted by log count)."""
    counts: dict[str, Counter] = defaultdict(Counter)
    prior: Counter = Counter()
    for token, types in token_table.items():
        label, n = max(types.items(), key=lambda kv: kv[1])
        w = 1.0 + math.log(n)
        prior[label] += w
        for g in ngrams(token):
            counts[label][g] += w
    vocab = sorted({g for c in counts.values() for g in c})
    labels = sorted(counts)
    log_prob = {}
    for label in labels:
        total = sum(counts[label].values()) + NB_ALPHA * len(vocab)
        log_prob[label] = {g: round(math.log((counts[label][g] + NB_ALPHA) / total), 3) for g in counts[label]}
        log_prob[label][""] = round(math.log(NB_ALPHA / total), 3)
    z = sum(prior.values())
    return {"labels": labels, "log_prior": {k: math.log(prior[k] / z) for k in labels}, "log_prob": log_prob}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=data_dir())
    ap.add_argument("--out", type=Path, default=TYPER_PATH)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    recipes = [r for r in kononova_recipes(args.data / "synthesis_recipes") if not held_out_doi(r.doi)]
    log.info("training on %d recipes, %d operations", len(recipes), sum(len(r.operations) for r in recipes))
    tables = frequency_tables(recipes)
    model = {
        "format": "matnlp.operation_types/1",
        "source": "Kononova et al. 2019 solid-state (2019-12-03) and sol-gel (2020-07-13) datasets, train DOIs",
        "tables": tables,
        "style": style_model(recipes),
        "ngram": ngram_model(tables["token"]),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":"), sort_keys=True))
    log.info("wrote %s (%d kB)", args.out.relative_to(REPO_ROOT), args.out.stat().st_size // 1024)


if __name__ == "__main__":
    main()
