"""Property benchmark on the MuLMS test documents: property–value–unit triple precision/recall/F1.

    .venv/bin/python scripts/bench_properties.py [--json bench/properties.json] [--split test] [--ner MODEL_DIR]

Gold: every ``propertyValue`` relation PROPERTY → VALUE of the MuLMS XMI, with the UNIT spans inside the VALUE
(duplicates of the same property/value span pair counted once). A predicted property with a value matches a gold
triple when its property span overlaps the gold PROPERTY span, its value span overlaps the gold VALUE span and
its canonical unit equals one gold UNIT span read by ``quantities.parse_unit`` (no unit when the gold has none).
``pair`` scores the same without the unit. Precision counts predictions matching some gold triple; recall counts
gold triples matched by some prediction (items of a list value split into several properties all count).
``material_accuracy``: among found gold pairs whose property is measured on a MAT (MEASUREMENT –measuresProperty→
PROPERTY and –conditionSampleFeatures→ MAT), the share whose predicted material overlaps it.

Settings: ``gold_properties`` (gold PROPERTY and MAT spans given: linking quality), ``lexicon`` (no NER: lexicon
property finder and formula tokens; end to end) and, with ``--ner``, ``ner`` (the tagger's PRO/PROPERTY/MAT spans).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import write_json  # noqa: E402
from mulms import Counts, documents, metrics, score  # noqa: E402

from matnlp.config import data_dir  # noqa: E402
from matnlp.extract.properties import MATERIAL_LABELS, extract_properties  # noqa: E402
from matnlp.types import Entity  # noqa: E402

log = logging.getLogger("bench_properties")
GOLD_LABELS = MATERIAL_LABELS | {"PROPERTY"}


def gold_entities(doc) -> list[Entity]:
    return [e for e in doc.entities if e.label in GOLD_LABELS]


def run(docs, entities: Callable | None) -> dict:
    total = Counts()
    t0 = time.perf_counter()
    per_doc = {}
    for doc in docs:
        props = extract_properties(doc.text, entities(doc) if entities else None)
        c = score(doc, props)
        per_doc[doc.name] = metrics(c)["triple"]
        total.add(c)
    return {**metrics(total), "seconds": round(time.perf_counter() - t0, 2), "per_document_triple": per_doc}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=data_dir())
    ap.add_argument("--json", type=Path, help="write the results here")
    ap.add_argument("--split", default="test", help="MuLMS split (test, dev, train)")
    ap.add_argument("--ner", type=Path, help="NER model directory (matnlp.ner.load)")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    docs = documents(args.data / "mulms", args.split)
    settings: dict[str, Callable | None] = {"gold_properties": gold_entities, "lexicon": None}
    if args.ner:
        from matnlp.ner import load

        tagger = load(args.ner)
        settings["ner"] = lambda doc: tagger(doc.text)
    results = {"split": args.split, "documents": [d.name for d in docs]}
    for name, entities in settings.items():
        results[name] = run(docs, entities)
        log.info("%s: triple %s pair %s material %s", name, results[name]["triple"], results[name]["pair"],
                 results[name]["material_accuracy"])
    if args.json:
        write_json(args.json, results, indent=1)


if __name__ == "__main__":
    main()
