"""``matnlp ingest``: papers in, a normalized, tokenized corpus directory out."""

from __future__ import annotations

import argparse
import logging

from . import add_input_options, positive_int

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ingest",
        help="turn papers (txt, jsonl, html, xml, pdf, brat, .gz; folders) into a corpus directory",
        description="Read papers, normalize and tokenize them, and write a corpus directory: document shards, "
        "sentences.txt (mat2vec-processed, for embeddings), errors.jsonl and manifest.json. Every input ends as "
        "one document or one error line; duplicates (same DOI or same text) are counted and skipped.",
    )
    add_input_options(p, "CORPUS_DIR")
    p.add_argument("--shard-size", type=positive_int, default=500, help="documents per shard (default: 500)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..corpus import ingest

    manifest = ingest(
        args.inputs,
        args.output,
        workers=args.workers,
        include=tuple(args.include or ("*",)),
        exclude=tuple(args.exclude),
        shard_size=args.shard_size,
        progress=not args.quiet,
        timeout=args.timeout,
        overwrite=args.overwrite,
    )
    log.info(
        "%d inputs from %d files: %d documents, %d errors, %d duplicates; %d sentences, %d tokens -> %s",
        manifest["inputs"], manifest["files"], manifest["documents"], manifest["errors"], manifest["duplicates"],
        manifest["sentences"], manifest["tokens"], args.output,
    )
    if manifest["errors"]:
        log.warning("%d inputs failed; see %s/errors.jsonl", manifest["errors"], args.output)
    return 0 if manifest["documents"] else 1
