"""Measure the precision of the model-free record paths (:mod:`matnlp.confidence`) and write the table the records'
confidences come from (``matnlp/extractors/data/path_precision.json``).

    .venv/bin/python scripts/measure_path_precision.py [--out FILE] [--limit N]

Records of the model-free pipeline (``matnlp.Pipeline()``) on held-out data, judged part by part:

- MuLMS dev: a material is right when at least half of its mentions overlap a gold MAT span; a property's name is
  right when it overlaps a gold PROPERTY span, and name and value when they overlap the PROPERTY and VALUE of one
  gold ``propertyValue`` pair (``matnlp.eval.properties`` scoring, units not judged);
- MSPT dev (``ner-dev``): a step is right when its operation overlaps a gold Operation span.
"""

from __future__ import annotations

import argparse
import json
import logging
from collections import Counter
from pathlib import Path

from matnlp.confidence import PATH_FILE
from matnlp.datasets.mspt import split_docs
from matnlp.datasets.mulms import documents
from matnlp.extractors.materials import MATERIAL_LABELS
from matnlp.pipeline import Pipeline

log = logging.getLogger("measure_path_precision")
MULMS = "MuLMS dev"
MSPT = "MSPT ner-dev"


def _hits(a: int, b: int, spans) -> bool:
    return any(a < e and s < b for s, e in spans)


def measure_mulms(nlp: Pipeline, limit: int | None) -> Counter:
    """Counts of judged materials and properties (by path) on the MuLMS dev documents."""
    c: Counter = Counter()
    for doc in documents(split="dev")[:limit]:
        record = nlp.text(doc.text).to_dict()
        mats = [(e.start, e.end) for e in doc.entities if e.label in MATERIAL_LABELS]
        names = [(e.start, e.end) for e in doc.entities if e.label == "PROPERTY"]
        pairs = [((t.prop.start, t.prop.end), (t.value.start, t.value.end)) for t in doc.triples]
        for m in record["materials"]:
            c["material/finder", "n"] += 1
            c["material/finder", "ok"] += 2 * sum(_hits(a, b, mats) for a, b in m["mentions"]) >= len(m["mentions"])
        for p in record["properties"]:
            path = "property/name" if p["value"] is None else \
                "property/value-unit" if p["unit"] else "property/value-no-unit"
            name_ok = _hits(p["start"], p["end"], names)
            c[path, "n"] += 1
            c[path, "name_ok"] += name_ok
            c[path, "ok"] += name_ok if p["value"] is None else any(
                _hits(p["start"], p["end"], [g]) and _hits(p["value_start"], p["value_end"], [v]) for g, v in pairs)
    return c


def measure_mspt(nlp: Pipeline, limit: int | None) -> Counter:
    """Counts of judged steps on the MSPT dev papers."""
    c: Counter = Counter()
    for doc in split_docs("ner-dev")[:limit]:
        ops = [(e.start, e.end) for e in doc.entities.values() if e.label == "Operation"]
        for s in nlp.text(doc.text).to_dict()["synthesis"]:
            c["step/lexicon", "n"] += 1
            c["step/lexicon", "ok"] += _hits(s["start"], s["end"], ops)
    return c


def table(counts: Counter) -> dict:
    paths = sorted({path for path, _ in counts})
    out = {}
    for path in paths:
        n, ok = counts[path, "n"], counts[path, "ok"]
        entry = {"precision": round(ok / n, 4) if n else 0.0, "n": n, "data": MSPT if path.startswith("step") else MULMS}
        if path.startswith("property/value"):
            named = counts[path, "name_ok"]
            entry["given_name"] = round(ok / named, 4) if named else 0.0
        out[path] = entry
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=PATH_FILE)
    ap.add_argument("--limit", type=int, help="documents per corpus (a quick check)")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    nlp = Pipeline(timeout=None)
    paths = table(measure_mulms(nlp, args.limit) + measure_mspt(nlp, args.limit))
    for path, entry in paths.items():
        log.info("%-24s %s", path, entry)
    args.out.write_text(json.dumps({"about": "precision of the model-free record paths; see matnlp/confidence.py "
                                             "and scripts/measure_path_precision.py", "paths": paths}, indent=1) + "\n")


if __name__ == "__main__":
    main()
