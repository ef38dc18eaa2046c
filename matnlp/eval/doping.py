"""Host–dopant scoring on the NERRE doping split, with the metric of Dagdelen et al. 2024 (``doping/step3_score.py``
of lbnlp/NERRE): over the *relevant* sentences, every linked (host, dopant) pair is expanded into word triplets
``"host_word dopant_word"`` (both strings split at spaces); precision = gold triplets found / predicted triplets,
recall = gold triplets found / gold triplets (duplicates count), F1 their harmonic mean. Host and dopant word
scores count each gold word found among the predicted words of its type (and the reverse for false positives).
Predictions are unique (dopant, host) string pairs per sentence, as a model emitting JSON lists them.

The baseline links each rule-found dopant (an element before ``-doped``/``doped``, after ``doped with``, or after
``:``) to the nearest material the model-free finder sees in the sentence.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from ..datasets.nerre import DopingSentence, doping_sentences
from ..extractors.doping import CUE, DopingModel, default_model, sentence_dopings
from ..extractors.materials import extract_materials

Pairs = list[tuple[str, str]]  # (dopant, host) strings of one sentence
_ELEMENT = r"(?:[A-Z][a-z]?(?:\d?[+−-])?|[a-z]{4,}ium|boron|carbon|nitrogen|fluorine|sulfur|phosphorus|iron|copper|" \
           r"zinc|tin|silver|gold|lead)"
_RULES = [re.compile(p) for p in (
    rf"(?P<d>{_ELEMENT})(?:[-‐ ](?:co-?)?doped|\s+doping)",
    rf"doped\s+with\s+(?:\d+(?:\.\d+)?\s*(?:mol|at|wt)?\s*%\s*)?(?P<d>{_ELEMENT})\b",
    rf"\S:\s*(?P<d>{_ELEMENT})(?![a-z])",
)]


def gold_pairs(s: DopingSentence) -> Pairs:
    return [(s.dopants[d], s.hosts[h]) for d, hosts in s.links.items() for h in hosts if d in s.dopants
            and h in s.hosts]


def _triplets(pairs: Iterable[tuple[str, str]]) -> list[str]:
    return [f"{h} {d}" for dopant, host in pairs for h in host.split() for d in dopant.split()]


def _words(strings: Iterable[str]) -> list[str]:
    return [w for s in strings for w in s.split()]


def score(sentences: Sequence[DopingSentence], predictions: Sequence[Pairs]) -> dict:
    """The paper's link-triplet and entity-word precision, recall and F1 over the relevant sentences."""
    counts = {"link triplets": [0, 0, 0], "basemats": [0, 0, 0], "dopants": [0, 0, 0]}  # found, predicted, gold
    for s, pairs in zip(sentences, predictions):
        if not s.relevant:
            continue
        gold, test = _triplets(gold_pairs(s)), _triplets(pairs)
        _add(counts["link triplets"], sum(t in test for t in gold), len(test), len(gold))
        for name, gold_strings, test_strings in (("basemats", s.hosts.values(), {h for _, h in pairs}),
                                                 ("dopants", s.dopants.values(), {d for d, _ in pairs})):
            g, t = _words(gold_strings), _words(test_strings)
            tp = sum(w in t for w in g)
            _add(counts[name], tp, tp + sum(w not in g for w in t), len(g))
    return {name: _prf(*c) for name, c in counts.items()} | {"gold_triplets": counts["link triplets"][2]}


def _add(total: list[int], found: int, predicted: int, gold: int) -> None:
    total[0] += found
    total[1] += predicted
    total[2] += gold


def _prf(found: int, predicted: int, gold: int) -> dict:
    p, r = found / max(1, predicted), found / max(1, gold)
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / max(1e-9, p + r), 4)}


def model_pairs(s: DopingSentence, model: DopingModel | None = None) -> Pairs:
    """The extractor's unique (dopant, host) pairs of one sentence (none without a doping cue, as in a document)."""
    if not CUE.search(s.text):
        return []
    found = sentence_dopings(s.text, 0, len(s.text), model or default_model())
    return list(dict.fromkeys((d.dopant, d.host) for d in found))


def nearest_material_pairs(s: DopingSentence) -> Pairs:
    """Baseline: rule-found dopants, each linked to the nearest other material of the model-free finder."""
    text = s.text
    dopants = {m.span("d"): m["d"] for rule in _RULES for m in rule.finditer(text)}
    hosts = [(a, b) for m in extract_materials(text) for a, b in m.mentions
             if not any(a <= c < b for c, _ in dopants)]
    pairs = []
    for (c, e), dopant in sorted(dopants.items()):
        if hosts:
            a, b = min(hosts, key=lambda h: min(abs(h[0] - e), abs(c - h[1])))
            pairs.append((dopant, text[a:b]))
    return list(dict.fromkeys(pairs))


def nerre_doping(split: str = "test", folder: str | Path | None = None,
                 systems: dict[str, Callable[[DopingSentence], Pairs]] | None = None) -> dict:
    """Scores of each system (default: the learned model and the nearest-material baseline) on ``split``."""
    sentences = doping_sentences(split, folder)
    systems = systems or {"model": model_pairs, "nearest_material_baseline": nearest_material_pairs}
    results = {"split": split, "sentences": len(sentences), "relevant": sum(s.relevant for s in sentences)}
    for name, system in systems.items():
        started = time.perf_counter()
        predictions = [system(s) if s.relevant else [] for s in sentences]
        results[name] = score(sentences, predictions) | {"seconds": round(time.perf_counter() - started, 2)}
    return results
