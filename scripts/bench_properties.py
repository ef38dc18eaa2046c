"""Property benchmark on the MuLMS test documents: property–value–unit triple precision/recall/F1.

    .venv/bin/python scripts/bench_properties.py [--json bench/properties.json] [--split test] [--ner MODEL_DIR]

Scoring (:mod:`matnlp.eval.properties`): a predicted property with a value matches a gold ``propertyValue``
triple when its property span overlaps the gold PROPERTY, its value span the gold VALUE and its canonical unit
equals a gold UNIT inside the value; ``pair`` scores the same without the unit; ``material_accuracy`` is the share
of found gold pairs measured on a MAT whose predicted material overlaps it. Each is reported over all sentences and,
under ``measurement_sentences``, over the sentences MuLMS labels MEASUREMENT (the only ones whose relations it
annotates).

Settings: ``gold_properties`` (gold PROPERTY and MAT spans given: linking quality), ``lexicon`` (no NER: the
model-free property finder — learned span tagger plus lexicon — and the materials finder; end to end) and, with
``--ner``, ``ner`` (the tagger's PRO/PROPERTY/MAT spans) and ``ner_lexicon`` (those plus the model-free property
mentions that overlap no tagged property). Each setting runs with the learned linker
(``matnlp.extractors.relations``) and, as the baseline in the same run, ``heuristic`` (hand-weighted value score,
cued-or-nearest material, lexicon-only property finder).
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from pathlib import Path

from matnlp.config import data_dir
from matnlp.datasets.mulms import documents
from matnlp.eval.bench import write_json
from matnlp.eval.properties import gold_entities, score_documents
from matnlp.extractors.properties import LINKERS, with_lexicon

log = logging.getLogger("bench_properties")


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
        tagged = {doc.name: tagger(doc.text) for doc in docs}
        settings["ner"] = lambda doc: tagged[doc.name]
        settings["ner_lexicon"] = lambda doc: with_lexicon(doc.text, tagged[doc.name])
    results = {"split": args.split, "documents": [d.name for d in docs]}
    for name, entities in settings.items():
        results[name] = {linker: score_documents(docs, entities, linker) for linker in LINKERS}
        for linker, r in results[name].items():
            log.info("%s/%s: triple %s pair F1 %.4f material %s; measurement sentences: triple %s", name, linker,
                     r["triple"], r["pair"]["f1"], r["material_accuracy"], r["measurement_sentences"]["triple"])
    if args.json:
        write_json(args.json, results, indent=1)


if __name__ == "__main__":
    main()
