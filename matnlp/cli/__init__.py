"""``matnlp`` command line: one sub-module per command group, each with ``register(subparsers)``.

Heavy imports (torch, gensim) happen inside the command functions so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from .. import __version__
from ..config import PRECISIONS
from ..errors import MatnlpError

COMMAND_MODULES = ("ingest", "embeddings", "ner", "extract")

log = logging.getLogger("matnlp")

PRECISION_HELP = "auto: bf16 autocast on GPUs and AMX CPUs, else fp32; int8: dynamic quantization (CPU only)"


def add_input_options(p: argparse.ArgumentParser, output: str) -> None:
    """The options every paper-reading command shares: inputs, output directory, workers, name filters."""
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files or directories (walked recursively)")
    p.add_argument("-o", "--output", required=True, metavar=output, help="directory to write")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="parallel processes (default: all cores)")
    p.add_argument("--include", action="append", metavar="GLOB",
                   help="only files whose name matches (repeatable; default: all)")
    p.add_argument("--exclude", action="append", metavar="GLOB", default=[],
                   help="skip files whose name matches (repeatable)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="matnlp",
        description="Text mining for materials science: ingest papers into a normalized corpus, train mat2vec-style "
        "embeddings and BERT NER models, and extract structured records.",
    )
    parser.add_argument("--version", action="version", version=f"matnlp {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            continue
        module.register(sub)
    return parser


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING if quiet else (logging.DEBUG if verbose > 1 else logging.INFO)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt="%H:%M:%S")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``matnlp`` console script; returns the process exit code."""
    args = build_parser().parse_args(argv)
    _setup_logging(args.verbose, args.quiet)
    try:
        return int(args.func(args) or 0)
    except MatnlpError as exc:
        log.error("%s", exc)
        return 2
    except OSError as exc:  # unwritable output, full disk: the files written so far are left consistent
        log.error("%s", exc)
        return 1
    except KeyboardInterrupt:
        log.error("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
