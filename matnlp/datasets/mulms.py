"""MuLMS corpus reader (UIMA CAS XMI as plain XML): text, sentences, entities and property–value gold triples.

Gold triple: a ``propertyValue`` relation from a ``PROPERTY`` entity to a ``VALUE`` entity; its units are the texts
of the ``UNIT`` entities inside the VALUE span (none for a bare number). The material is the ``MAT``
linked to the property's ``MEASUREMENT`` by ``conditionSampleFeatures`` (``measuresProperty`` chain), if any. A
property a measurement takes as its condition (``conditionProperty``: "measured at 800 °C") and does not measure is
a setting (:attr:`GoldTriple.setting`; the labels :mod:`matnlp.extractors.settings` also learns from).
The default root is ``DATA/mulms`` (``MuLMS_Corpus_Metadata.csv``, ``xmi/NAME.xmi``, ``texts/NAME.txt``).

NER data: :func:`ner_examples` tags the documents of a split for a tagger (``matnlp ner train --train mulms:train``,
a recipe's ``train = ["mulms:train"]``; :func:`load_spec` reads such a ``mulms:SPLIT[:LABEL,...]`` spec).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..config import data_dir
from ..errors import ConfigError
from ..types import Entity
from .examples import Example, label_text

_NS = {"custom": "http:///webanno/custom.ecore", "cas": "http:///uima/cas.ecore",
       "type5": "http:///de/tudarmstadt/ukp/dkpro/core/api/segmentation/type.ecore"}
_ID = "{http://www.omg.org/XMI}id"
#: Entity labels a MuLMS tagger learns by default: what :func:`matnlp.extractors.properties.extract_properties`
#: takes (property mentions and materials; values and units come from the quantity parser).
NER_LABELS = ("PROPERTY", "MAT")
SPEC_PREFIX = "mulms:"


@dataclass(slots=True)
class GoldTriple:
    """A gold PROPERTY –propertyValue→ VALUE pair, the UNIT texts inside the value and the measured materials."""

    prop: Entity
    value: Entity
    units: list[str]
    materials: list[Entity] = field(default_factory=list)
    #: ``True`` when a measurement takes the property as its condition and none measures it, ``False`` when one
    #: measures it and none takes it as a condition, ``None`` otherwise.
    setting: bool | None = None


@dataclass(slots=True)
class MulmsDoc:
    name: str
    text: str
    sentences: list[tuple[int, int]]
    entities: list[Entity]
    triples: list[GoldTriple]
    #: (start, end) of every PROPERTY measured on a MAT -> those MATs (the material gold of the triples, for all
    #: properties, valued or not).
    property_materials: dict[tuple[int, int], list[Entity]] = field(default_factory=dict)
    #: (start, end) of the sentences labelled MEASUREMENT: MuLMS annotates relations (``propertyValue`` among them)
    #: only inside the measurement frames of these sentences.
    measurement_sentences: list[tuple[int, int]] = field(default_factory=list)

    def in_measurement(self, pos: int) -> bool:
        """Whether character ``pos`` lies in a MEASUREMENT sentence."""
        return any(a <= pos < b for a, b in self.measurement_sentences)


def root_dir(root: str | Path | None = None) -> Path:
    """``root``, or ``DATA/mulms``."""
    return Path(root) if root is not None else data_dir() / "mulms"


def splits(root: str | Path | None = None) -> dict[str, str]:
    """Document name -> split (train1–train5, dev, test) from the corpus metadata."""
    with open(root_dir(root) / "MuLMS_Corpus_Metadata.csv", encoding="utf-8") as f:
        return {row["name"]: row["set"] for row in csv.DictReader(f)}


def documents(root: str | Path | None = None, split: str = "test") -> list[MulmsDoc]:
    """The MuLMS documents of one split (``split`` is a prefix: ``train`` selects train1–train5,
    ``""`` all), by name."""
    names = sorted(n for n, s in splits(root).items() if s.startswith(split))
    return [read_xmi(root_dir(root) / "xmi" / f"{n}.xmi") for n in names]


def _entity(el, text: str) -> Entity:
    a, b = int(el.get("begin")), int(el.get("end"))
    return Entity(a, b, el.get("value"), text[a:b])


def read_xmi(path: str | Path) -> MulmsDoc:
    """Read one MuLMS XMI file."""
    path = Path(path)
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
    materials = _property_materials(rels)
    measurement = sorted({(int(s.get("begin")), int(s.get("end"))) for s in root.iterfind(".//custom:MatSci_Sentence", _NS)
                          if s.get("ContentInformation") == "MEASUREMENT"})
    return MulmsDoc(path.stem, text, sorted(sents), entities, _triples(entities, rels, materials),
                    {(p.start, p.end): ms for p, ms in materials.values()}, measurement)


def _property_materials(rels: dict[str, list[tuple[Entity, Entity]]]) -> dict[int, tuple[Entity, list[Entity]]]:
    """id(PROPERTY) -> (the property, the MATs of its measurements): MEASUREMENT –measuresProperty→ PROPERTY and
    MEASUREMENT –conditionSampleFeatures→ MAT."""
    samples: dict[int, list[Entity]] = defaultdict(list)
    for meas, mat in rels["conditionSampleFeatures"]:
        if mat.label == "MAT":
            samples[id(meas)].append(mat)
    out: dict[int, tuple[Entity, list[Entity]]] = {}
    for meas, prop in rels["measuresProperty"]:
        if prop.label == "PROPERTY" and samples[id(meas)]:
            out.setdefault(id(prop), (prop, []))[1].extend(samples[id(meas)])
    return out


def _triples(entities: list[Entity], rels: dict[str, list[tuple[Entity, Entity]]],
             materials: dict[int, tuple[Entity, list[Entity]]]) -> list[GoldTriple]:
    units = [e for e in entities if e.label == "UNIT"]
    measured = {id(p) for _, p in rels["measuresProperty"]}
    condition = {id(p) for _, p in rels["conditionProperty"]}
    out = []
    for prop, value in rels["propertyValue"]:
        if prop.label != "PROPERTY" or value.label != "VALUE":
            continue
        inside = [u.text for u in units if value.start <= u.start and u.end <= value.end]
        setting = id(prop) in condition if (id(prop) in condition) != (id(prop) in measured) else None
        out.append(GoldTriple(prop, value, inside, list(materials.get(id(prop), (prop, []))[1]), setting))
    return out


def ner_examples(root: str | Path | None = None, split: str = "train",
                 labels: tuple[str, ...] = NER_LABELS) -> list[Example]:
    """Sentences of the ``split`` documents (a prefix, as in :func:`documents`) tokenized as a tagger reads a text
    (:func:`matnlp.text.tokenize.sentences` of the whole text), IOB2-tagged with the entities of ``labels`` only
    (MuLMS spans nest: a MAT inside a SAMPLE stays a MAT)."""
    examples: list[Example] = []
    for doc in documents(root, split):
        spans = [(e.start, e.end, e.label) for e in doc.entities if e.label in labels]
        examples += label_text(doc.text, [(0, len(doc.text))], spans, doc.name)
    return examples


def is_spec(spec: str | Path) -> bool:
    """Whether a data argument names MuLMS NER data (``mulms:SPLIT[:LABEL,...]``) rather than a path."""
    return str(spec).startswith(SPEC_PREFIX)


def load_spec(spec: str, root: str | Path | None = None) -> list[Example]:
    """:func:`ner_examples` of ``mulms:SPLIT`` (default labels :data:`NER_LABELS`) or ``mulms:SPLIT:L1,L2``."""
    split, _, labels = spec.removeprefix(SPEC_PREFIX).partition(":")
    wanted = tuple(labels.split(",")) if labels else NER_LABELS
    names = set(splits(root).values())
    if not split or not any(s.startswith(split) for s in names):
        raise ConfigError(f"{spec}: no MuLMS split {split!r}; the splits are {', '.join(sorted(names))}")
    return ner_examples(root, split, wanted)
