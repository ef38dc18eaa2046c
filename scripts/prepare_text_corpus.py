#!/usr/bin/env python
"""Gather the running text of ../shared/data into one JSONL file, one paper per line ``{"id", "title", "text"}``.

``matnlp ingest papers.jsonl -o corpus/`` then builds the real embedding corpus (about 1.6M tokens). The sources
and how each is read: :mod:`matnlp.datasets.papers`. ``--no-matscholar`` leaves out the MatScholar sentences
(already mat2vec-processed; processing is idempotent, so they pass through ingest unchanged).

    python scripts/prepare_text_corpus.py -o build/papers.jsonl
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import Counter
from pathlib import Path

from matnlp.config import data_dir
from matnlp.datasets.papers import papers

log = logging.getLogger("prepare_text_corpus")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", type=Path, required=True, help="JSONL file to write")
    parser.add_argument("--data", type=Path, default=data_dir(), help="shared data folder (default: MATNLP_DATA)")
    parser.add_argument("--no-matscholar", action="store_true", help="leave out the pre-processed MatScholar text")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    papers_n, tokens = Counter(), Counter()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.output.with_suffix(args.output.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        for name, paper in papers(args.data, not args.no_matscholar):
            out.write(json.dumps(paper, ensure_ascii=False) + "\n")
            papers_n[name] += 1
            tokens[name] += len(paper["title"].split()) + len(paper["text"].split())
    tmp.replace(args.output)
    for name in papers_n:
        log.info("%-10s %6d papers %9d whitespace tokens", name, papers_n[name], tokens[name])
    log.info("total      %6d papers %9d whitespace tokens -> %s", sum(papers_n.values()), sum(tokens.values()),
             args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
