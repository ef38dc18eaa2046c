"""MuLMS corpus reader (UIMA CAS XMI as plain XML): text, sentences, entities and property–value gold triples.

Gold triple: a ``propertyValue`` relation from a ``PROPERTY`` entity to a ``VALUE`` entity; its units are the texts
of the ``UNIT`` entities inside the VALUE span (none for a bare number). The material is the ``MAT``
linked to the property's ``MEASUREMENT`` by ``conditionSampleFeatures`` (``measuresProperty`` chain), if any.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from matnlp.extract.properties import Property
from matnlp.extract.quantities import parse_unit
from matnlp.types import Entity

_NS = {"custom": "http:///webanno/custom.ecore", "cas": "http:///uima/cas.ecore",
       "type5": "http:///de/tudarmstadt/ukp/dkpro/core/api/segmentation/type.ecore"}
_ID = "{http://www.omg.org/XMI}id"


@dataclass(slots=True)
class GoldTriple:
    """A gold PROPERTY –propertyValue→ VALUE pair, the UNIT texts inside the value and the measured materials."""

    prop: Entity
    value: Entity
    units: list[str]
    materials: list[Entity] = field(default_factory=list)


@dataclass(slots=True)
class MulmsDoc:
    name: str
    text: str
    sentences: list[tuple[int, int]]
    entities: list[Entity]
    triples: list[GoldTriple]


def splits(folder: Path) -> dict[str, str]:
    """Document name -> split (train1–train5, dev, test) from the corpus metadata."""
    with open(folder / "MuLMS_Corpus_Metadata.csv", encoding="utf-8") as f:
        return {row["name"]: row["set"] for row in csv.DictReader(f)}


def documents(folder: Path, split: str = "test") -> list[MulmsDoc]:
    """The MuLMS documents of one split (``split`` is a prefix: ``train`` selects train1–train5)."""
    names = sorted(n for n, s in splits(folder).items() if s.startswith(split))
    return [read_xmi(folder / "xmi" / f"{n}.xmi") for n in names]


def _entity(el, text: str) -> Entity:
    a, b = int(el.get("begin")), int(el.get("end"))
    return Entity(a, b, el.get("value"), text[a:b])


def read_xmi(path: Path) -> MulmsDoc:
    """Read one MuLMS XMI file."""
    root = etree.parse(str(path))
    text = root.find(".//cas:Sofa", _NS).get("sofaString")
    sents = [(int(s.get("begin")), int(s.get("end"))) for s in root.iterfind(".//type5:Sentence", _NS)]
    by_id = {el.get(_ID): _entity(el, text) for el in root.iterfind(".//custom:MatSci_Entity", _NS)}
    rels: dict[str, list[tuple[Entity, Entity]]] = defaultdict(list)
    for r in root.iterfind(".//custom:MatSci_Relations", _NS):
        gov, dep = by_id.get(r.get("Governor")), by_id.get(r.get("Dependent"))
        if gov is not None and dep is not None:
            rels[r.get("RelationType")].append((gov, dep))
    entities = sorted(by_id.values(), key=lambda e: (e.start, -e.end))
    return MulmsDoc(path.stem, text, sorted(sents), entities, _triples(entities, rels))


def _triples(entities: list[Entity], rels: dict[str, list[tuple[Entity, Entity]]]) -> list[GoldTriple]:
    units = [e for e in entities if e.label == "UNIT"]
    measured: dict[int, list[int]] = defaultdict(list)  # id(property) -> id(measurement)
    for meas, prop in rels["measuresProperty"]:
        measured[id(prop)].append(id(meas))
    samples: dict[int, list[Entity]] = defaultdict(list)
    for meas, mat in rels["conditionSampleFeatures"]:
        if mat.label == "MAT":
            samples[id(meas)].append(mat)
    out = []
    for prop, value in rels["propertyValue"]:
        if prop.label != "PROPERTY" or value.label != "VALUE":
            continue
        inside = [u.text for u in units if value.start <= u.start and u.end <= value.end]
        mats = [m for meas in measured[id(prop)] for m in samples[meas]]
        out.append(GoldTriple(prop, value, inside, mats))
    return out


# ---------------------------------------------------------------------------------------------------- scoring


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


def score(doc: MulmsDoc, props: list[Property]) -> Counts:
    """Match predicted properties with values against the gold triples of ``doc`` (span overlap, see README of
    the bench: property span overlaps, value span overlaps the gold VALUE, unit equal after normalization)."""
    gold = list({(t.prop.start, t.prop.end, t.value.start, t.value.end): t for t in doc.triples}.values())
    preds = [p for p in props if p.value is not None]
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
