"""Property scoring on MuLMS: property–value–unit triple precision/recall/F1.

Gold: every ``propertyValue`` relation PROPERTY → VALUE of the MuLMS XMI, with the UNIT spans inside the VALUE
(duplicates of the same property/value span pair counted once). A predicted property with a value matches a gold
triple when its property span overlaps the gold PROPERTY span, its value span overlaps the gold VALUE span and
its canonical unit equals one gold UNIT span read by ``quantities.parse_unit`` (no unit when the gold has none).
``pair`` scores the same without the unit. Precision counts predictions matching some gold triple; recall counts
gold triples matched by some prediction (items of a list value split into several properties all count).
``material_accuracy``: among found gold pairs whose property is measured on a MAT (MEASUREMENT –measuresProperty→
PROPERTY and –conditionSampleFeatures→ MAT), the share whose predicted material overlaps it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..datasets.mulms import MulmsDoc
from ..extractors.materials import MATERIAL_LABELS
from ..extractors.properties import Property, extract_properties
from ..extractors.quantities import parse_unit
from ..types import Entity

#: Gold entity labels given to the extractor in the ``gold_properties`` setting.
GOLD_LABELS = MATERIAL_LABELS | {"PROPERTY"}


def _overlap(a, b) -> bool:
    return a.start < b.end and b.start < a.end


def _unit_ok(pred: str | None, gold: list[str]) -> bool:
    """Predicted canonical unit equals one of the gold UNIT spans read by :func:`parse_unit` (none for none)."""
    return pred is None if not gold else pred in {parse_unit(u).text for u in gold}


@dataclass(slots=True)
class Counts:
    """Triple matching counts; a prediction is correct when it matches any gold triple, a gold triple is found when
    any prediction matches it (so the items of a split list value all count as correct)."""

    pred: int = 0
    gold: int = 0
    pair_pred_ok: int = 0
    pair_gold_found: int = 0
    triple_pred_ok: int = 0
    triple_gold_found: int = 0
    material_gold: int = 0
    material_ok: int = 0

    def add(self, other: Counts) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def score(doc: MulmsDoc, props: list[Property], measurement_only: bool = False) -> Counts:
    """Match predicted properties with values against the gold triples of ``doc`` (see the module docstring),
    with ``measurement_only`` those whose value lies in a MEASUREMENT sentence."""
    gold = list({(t.prop.start, t.prop.end, t.value.start, t.value.end): t for t in doc.triples}.values())
    preds = [p for p in props if p.value is not None]
    if measurement_only:
        gold = [g for g in gold if doc.in_measurement(g.value.start)]
        preds = [p for p in preds if doc.in_measurement(p.value.start)]
    c = Counts(pred=len(preds), gold=len(gold))
    pairs = [[_overlap(p.mention, g.prop) and _overlap(p.value, g.value) for g in gold] for p in preds]
    triples = [[ok and _unit_ok(p.unit, g.units) for ok, g in zip(row, gold)] for p, row in zip(preds, pairs)]
    c.pair_pred_ok = sum(any(row) for row in pairs)
    c.triple_pred_ok = sum(any(row) for row in triples)
    c.pair_gold_found = sum(any(col) for col in zip(*pairs)) if preds else 0
    c.triple_gold_found = sum(any(col) for col in zip(*triples)) if preds else 0
    for j, g in enumerate(gold):
        matched = [p for p, row in zip(preds, pairs) if row[j]]
        if g.materials and matched:
            c.material_gold += 1
            c.material_ok += any(p.material and any(_overlap(p.material, m) for m in g.materials) for p in matched)
    return c


def prf(ok_pred: int, n_pred: int, found: int, n_gold: int) -> dict:
    """Precision ``ok_pred / n_pred``, recall ``found / n_gold`` and F1, rounded to 4 places."""
    p = ok_pred / n_pred if n_pred else 0.0
    r = found / n_gold if n_gold else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4)}


def metrics(c: Counts) -> dict:
    """Pair (property–value) and triple (property–value–unit) P/R/F1 and material accuracy from counts."""
    return {
        "triple": prf(c.triple_pred_ok, c.pred, c.triple_gold_found, c.gold),
        "pair": prf(c.pair_pred_ok, c.pred, c.pair_gold_found, c.gold),
        "material_accuracy": round(c.material_ok / c.material_gold, 4) if c.material_gold else None,
        "counts": {name: getattr(c, name) for name in c.__slots__},
    }


def gold_entities(doc: MulmsDoc) -> list[Entity]:
    """The gold PROPERTY and material spans of ``doc`` (the ``gold_properties`` setting)."""
    return [e for e in doc.entities if e.label in GOLD_LABELS]


def score_documents(docs: Iterable[MulmsDoc], entities: Callable[[MulmsDoc], list[Entity]] | None = None,
                    linker: str = "learned") -> dict:
    """:func:`metrics` over ``docs`` with properties extracted from ``entities(doc)`` (``None``: the lexicon
    finder) with ``linker`` (see :func:`extract_properties`), in all sentences and, under
    ``measurement_sentences``, in the MEASUREMENT sentences; plus the seconds taken and each document's triple
    scores (all sentences)."""
    total, measured = Counts(), Counts()
    t0 = time.perf_counter()
    per_doc = {}
    for doc in docs:
        props = extract_properties(doc.text, entities(doc) if entities else None, linker=linker)
        c = score(doc, props)
        per_doc[doc.name] = metrics(c)["triple"]
        total.add(c)
        measured.add(score(doc, props, measurement_only=True))
    return {**metrics(total), "measurement_sentences": metrics(measured), "seconds": round(time.perf_counter() - t0, 2),
            "per_document_triple": per_doc}
