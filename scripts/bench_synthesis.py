"""Synthesis benchmark: on the MSPT test splits (gold .ann) the lexicon operation finder's span F1, condition and
amount attachment F1, target/precursor F1 and role accuracy; on held-out Kononova DOIs operation typing, reaction
agreement and snippet target/precursor F1; optionally steps per paper of a folder of texts (model-free, synthesis
paragraphs vs the earlier sentence-run gating) and steps and recipes per paper of an ``extract`` output.

    .venv/bin/python scripts/bench_synthesis.py [--json bench/synthesis.json] [--baseline OLD.json]
        [--texts DIR] [--records OUT_DIR] [--ner MODEL_DIR] [--splits ner-test ...]

``--baseline`` is an earlier run of this script (the code before a change); its figures are put beside the new
ones. ``--records`` is a folder written by ``matnlp extract`` (steps and recipes per paper). With ``--ner`` the
entities come from ``matnlp.ner.load(MODEL_DIR)`` instead of the gold spans (only ``ner-test`` is unseen by an NER
model trained on ``ner-train``; ``sfex-test`` lies inside ``ner-train``). The scorers are
:mod:`matnlp.eval.synthesis`.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import time
from pathlib import Path

from matnlp.config import data_dir
from matnlp.eval.bench import write_json
from matnlp.eval.synthesis import reaction_agreement, score_split, snippet_roles, typing_accuracy
from matnlp.extractors.paragraphs import synthesis_paragraphs
from matnlp.extractors.synthesis import extract_steps, synthesis_spans
from matnlp.pipeline import to_document

log = logging.getLogger("bench_synthesis")
#: Figures compared with ``--baseline``: (path in the results, label).
HEADLINE = [
    (("mspt", split, part, "f1"), f"{split} {part} F1")
    for split in ("ner-test", "sfex-test")
    for part in ("operations", "conditions", "number_chains", "amounts", "targets", "precursors")
] + [(("typing_heldout_doi", "accuracy"), "Kononova op typing accuracy")]


def per_paper(folder: Path) -> dict:
    """Steps, recipes and step types per paper of an ``extract`` output folder (``records.jsonl``)."""
    records = [json.loads(line) for line in (folder / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    steps = [len(r["synthesis"]) for r in records]
    recipes = [len(r.get("recipes", [])) for r in records]
    return {"papers": len(records), "steps_mean": round(statistics.mean(steps), 2) if steps else None,
            "steps_median": statistics.median(steps) if steps else None,
            "papers_without_steps": sum(n == 0 for n in steps),
            "recipes_mean": round(statistics.mean(recipes), 2) if recipes else None}


def steps_per_paper(folder: Path) -> dict:
    """Model-free steps per paper of the texts in ``folder``: only in synthesis paragraphs (the pipeline now) vs
    in :func:`synthesis_spans` runs of sentences (the gating before, as the baseline in the same run)."""
    counts: dict[str, list[int]] = {"paragraphs": [], "synthesis_spans": []}
    for path in sorted(folder.glob("*.txt")):
        doc = to_document(path)
        gates = {"paragraphs": [(p.start, p.end) for p in synthesis_paragraphs(doc)],
                 "synthesis_spans": synthesis_spans(doc.text, doc.sentences)}
        for name, within in gates.items():
            counts[name].append(len(extract_steps(doc.text, None, doc.sentences, within=within)))
    return {name: {"papers": len(n), "steps_mean": round(statistics.mean(n), 2), "steps_median": statistics.median(n),
                   "papers_without_steps": sum(x == 0 for x in n)} for name, n in counts.items() if n}


def _get(d: dict, path: tuple):
    for k in path:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def compare(results: dict, baseline: dict) -> dict:
    """``label: {"before", "after"}`` for the :data:`HEADLINE` figures both runs have."""
    return {label: {"before": _get(baseline, path), "after": _get(results, path)} for path, label in HEADLINE
            if _get(results, path) is not None}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=data_dir())
    ap.add_argument("--json", type=Path, help="write the results here")
    ap.add_argument("--baseline", type=Path, help="an earlier --json of this script, compared with this run")
    ap.add_argument("--records", type=Path, help="a `matnlp extract` output folder: steps and recipes per paper")
    ap.add_argument("--texts", type=Path, help="a folder of .txt papers: model-free steps per paper, both gatings")
    ap.add_argument("--ner", type=Path, help="NER model directory (matnlp.ner.load); default: gold entity spans")
    ap.add_argument("--splits", nargs="+", default=["ner-test", "sfex-test"])
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    tagger = None
    if args.ner:
        from matnlp import ner

        tagger = ner.load(args.ner)
    t0 = time.perf_counter()
    kononova = args.data / "synthesis_recipes"
    results: dict = {"entities": f"ner:{args.ner}" if args.ner else "gold", "mspt": {}}
    for split in args.splits:
        results["mspt"][split] = score_split(split, args.data / "mspt", tagger)
    results["typing_heldout_doi"] = typing_accuracy(kononova)
    results["reaction_agreement_heldout_doi"] = reaction_agreement(kononova)
    results["snippet_roles_heldout_doi"] = snippet_roles(kononova)
    if args.texts:
        results["steps_per_paper"] = {"folder": str(args.texts), **steps_per_paper(args.texts)}
    if args.records:
        results["per_paper"] = {"folder": str(args.records), **per_paper(args.records)}
    if args.baseline:
        results["baseline"] = {"file": str(args.baseline),
                               "figures": compare(results, json.loads(args.baseline.read_text(encoding="utf-8")))}
    results["seconds"] = round(time.perf_counter() - t0, 1)
    log.info(json.dumps(results, indent=1))
    if args.json:
        write_json(args.json, results, indent=1)
    return results


if __name__ == "__main__":
    main()
