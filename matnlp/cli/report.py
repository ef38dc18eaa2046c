"""``matnlp report``: the Markdown run report with figures, from the artefacts of a pipeline run."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="write the run report (Markdown + PNG figures) from a pipeline run's artefacts",
        description="Write a Markdown report and its PNG figures (next to it) from the corpus manifest, the "
        "word2vec model, the NER models' metrics.json and an extraction output directory. Each is optional: a "
        "missing or unreadable artefact becomes a line saying so.",
    )
    p.add_argument("--corpus", default="corpus", help="corpus directory (manifest.json)")
    p.add_argument("--w2v", default="models/w2v", help="word2vec model directory")
    p.add_argument("--ner", default="models/ner-matscholar", help="Matscholar NER model directory")
    p.add_argument("--synthesis-ner", default="models/ner-mspt", help="MSPT synthesis NER model directory")
    p.add_argument("--records", default="out/records", help="`matnlp extract` output directory")
    p.add_argument("-o", "--output", default="out/REPORT.md", help="report path; figures go next to it")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..report import build_report

    print(build_report(args.output, corpus=args.corpus, w2v=args.w2v, ner=args.ner,
                       synthesis_ner=args.synthesis_ner, records=args.records))
    return 0
