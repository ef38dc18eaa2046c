"""``matnlp extract``: papers in, structured JSON records (materials, properties, synthesis steps) out."""

from __future__ import annotations

import argparse
import logging

from . import add_device_options, add_input_options, positive_int

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "extract",
        help="extract records (entities, materials, properties, synthesis steps) from papers",
        description="Read papers and write OUT/records.jsonl (one record per paper, schema matnlp.record/1), "
        "OUT/errors.jsonl and OUT/manifest.json. Every input ends as one record or one error line. Shards are "
        "saved as they finish, so --resume continues a killed run without duplicates.",
    )
    add_input_options(p, "OUT_DIR")
    p.add_argument("--ner", metavar="MODEL_DIR", help="Matscholar NER model (materials, properties, …)")
    p.add_argument("--synthesis-model", metavar="MODEL_DIR", help="MSPT NER model (synthesis operations)")
    p.add_argument("--property-model", metavar="MODEL_DIR",
                   help="MuLMS NER model (models/ner-mulms): its PROPERTY/MAT spans are the property mentions")
    p.add_argument("--format", choices=("jsonl", "parquet"), default="jsonl",
                   help="parquet: also write flat tables per record part")
    p.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="local processes, or a Dask cluster (default: local)")
    p.add_argument("--scheduler", metavar="ADDR", help="Dask scheduler address (default: a LocalCluster)")
    p.add_argument("--resume", action="store_true",
                   help="continue the run in OUT_DIR: skip its finished shards (same inputs and settings)")
    p.add_argument("--shard-size", type=positive_int, default=32, help="documents per shard (default: 32)")
    p.add_argument("--min-confidence", type=float, metavar="X",
                   help="drop entities, materials, properties and steps whose confidence is below X (0-1); the "
                   "manifest counts them (parts of unknown confidence are kept)")
    add_device_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..pipeline import ModelPaths
    from ..runner import run as run_pipeline

    models = ModelPaths(args.ner, args.synthesis_model, args.device, args.precision, args.property_model)
    manifest = run_pipeline(
        args.inputs, args.output, models, engine=args.engine, workers=args.workers, scheduler=args.scheduler,
        resume=args.resume, overwrite=args.overwrite, parquet=args.format == "parquet", shard_docs=args.shard_size,
        timeout=args.timeout,
        include=tuple(args.include or ("*",)), exclude=tuple(args.exclude), progress=not args.quiet,
        min_confidence=args.min_confidence,
    )
    log.info("%d inputs: %d records, %d errors -> %s", manifest["inputs"], manifest["records"],
             manifest["errors"], args.output)
    if manifest["errors"]:
        log.warning("%d inputs failed (by stage: %s); see %s/errors.jsonl", manifest["errors"],
                    manifest["errors_by_stage"], args.output)
    return 0 if manifest["records"] else 1
