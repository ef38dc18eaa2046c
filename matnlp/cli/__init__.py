"""``matnlp`` command line: one sub-module per command group, each with ``register(subparsers)``.

Heavy imports (torch, gensim) happen inside the command functions so ``--help`` stays fast; options derived from a
settings dataclass in a heavy module (:func:`add_settings_options`) are added only when their command is parsed.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import importlib
import logging
import os
import sys
import types
import typing
from collections.abc import Callable, Iterator

from .. import __version__
from ..config import DOCUMENT_TIMEOUT
from ..errors import MatnlpError
from ..runtime import DEVICE_HELP, DEVICES, PRECISION_HELP, PRECISIONS

COMMAND_MODULES = ("ingest", "embeddings", "ner", "extract", "report")

log = logging.getLogger("matnlp")


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` that adds deferred options (:func:`add_settings_options`) when it first parses or
    prints help, so building the whole command tree imports no heavy module. Sub-parsers are of this class too."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.deferred: list[Callable[[], None]] = []

    def _add_deferred(self) -> None:
        while self.deferred:
            self.deferred.pop(0)()

    def parse_known_args(self, args=None, namespace=None):
        self._add_deferred()
        return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        self._add_deferred()
        return super().format_usage()

    def format_help(self) -> str:
        self._add_deferred()
        return super().format_help()


def add_settings_options(parser: Parser, settings: str, **overrides: dict) -> None:
    """One ``--field-name`` option per field of a settings dataclass, added when ``parser`` first parses or prints
    help (``settings`` is ``"module:Class"``; the module is imported then, not before).

    Type, default, help and ``choices`` come from the field (``field(default=..., metadata={"help": ...})``); a
    bool is a flag (``--name`` sets a false default, ``--no-name`` clears a true one), a list takes one or more
    values. ``overrides`` replaces ``add_argument`` keywords of a field (``processing={"default": "auto"}``).
    :func:`settings_from_args` reads the options back.
    """
    def add() -> None:
        module, _, name = settings.partition(":")
        cls = getattr(importlib.import_module(module), name)
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            _add_field(parser, f, hints[f.name], overrides.get(f.name, {}))

    parser.deferred.append(add)


def _add_field(parser: argparse.ArgumentParser, f: dataclasses.Field, kind, override: dict) -> None:
    flag = "--" + f.name.replace("_", "-")
    default = None if f.default is dataclasses.MISSING else f.default  # a default_factory runs in the dataclass
    kw: dict = {"dest": f.name, "default": default, "help": f.metadata.get("help")}
    if "choices" in f.metadata:
        kw["choices"] = f.metadata["choices"]
    if isinstance(kind, types.UnionType):  # X | None
        kind = next(a for a in typing.get_args(kind) if a is not type(None))
    if kind is bool:
        if default:
            flag, kw["help"] = "--no-" + f.name.replace("_", "-"), f"turn off: {kw['help']}"
        kw["action"] = "store_false" if default else "store_true"
    elif typing.get_origin(kind) is list:
        kw.update(type=typing.get_args(kind)[0], nargs="+")
    else:
        kw["type"] = kind
    kw.update(override)
    if kw["help"] and kw["default"] is not None and not isinstance(kw["default"], bool):
        kw["help"] += " (default: %(default)s)"
    parser.add_argument(flag, **kw)


def settings_from_args(cls: type, args: argparse.Namespace, **values):
    """The settings dataclass ``cls`` from the options :func:`add_settings_options` added (an option left at
    ``None`` keeps the field's default) and ``values``."""
    given = {f.name: getattr(args, f.name) for f in dataclasses.fields(cls) if getattr(args, f.name, None) is not None}
    return cls(**{**given, **values})


def positive_int(value: str) -> int:
    """An argparse type: an integer of at least 1 (``--workers 0`` is a usage error, exit 2)."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def positive_float(value: str) -> float:
    """An argparse type: a finite number above 0 (``--timeout -5`` is a usage error, exit 2)."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not 0 < number < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number, not {value}")
    return number


def add_device_options(p: argparse.ArgumentParser, precision: bool = True) -> None:
    """``--device`` and (for inference) ``--precision``."""
    p.add_argument("--device", choices=DEVICES, default="auto", help=DEVICE_HELP)
    if precision:
        p.add_argument("--precision", choices=PRECISIONS, default="auto", help=PRECISION_HELP)


def add_input_options(p: argparse.ArgumentParser, output: str) -> None:
    """The options every paper-reading command shares: inputs, output directory, workers, name filters."""
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files or directories (walked recursively)")
    p.add_argument("-o", "--output", required=True, metavar=output,
                   help="directory to write: new or empty (see --overwrite); locked while the run writes it")
    p.add_argument("--overwrite", action="store_true",
                   help="replace the outputs of an earlier run in the output directory (default: a non-empty one "
                   "is refused)")
    p.add_argument("--workers", type=positive_int, default=os.cpu_count() or 1,
                   help="parallel processes (default: all cores)")
    p.add_argument("--include", action="append", metavar="GLOB",
                   help="only files whose name matches (repeatable; default: all)")
    p.add_argument("--exclude", action="append", metavar="GLOB", default=[],
                   help="skip files whose name matches (repeatable)")
    p.add_argument("--timeout", type=positive_float, default=DOCUMENT_TIMEOUT,
                   help=f"seconds per document before it is an error (default: {DOCUMENT_TIMEOUT:g})")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
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


def setup_logging(level: int) -> None:
    """Log lines of the command line (and of the worker processes it starts) at ``level``."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt="%H:%M:%S")


PROGRESS_ENV = "HF_HUB_DISABLE_PROGRESS_BARS"


@contextlib.contextmanager
def quiet_progress(quiet: bool) -> Iterator[None]:
    """With ``quiet``, no progress bars of Hugging Face libraries (transformers' "Loading weights"): the
    environment variable they read at import (inherited by worker processes) is set, and
    ``transformers.utils.logging.disable_progress_bar()`` called where transformers is already imported; both are
    restored afterwards."""
    if not quiet:
        yield
        return
    previous = os.environ.get(PROGRESS_ENV)
    os.environ[PROGRESS_ENV] = "1"
    hf = sys.modules.get("transformers.utils.logging")
    enabled = hf.is_progress_bar_enabled() if hf is not None else previous is None  # what to restore
    if hf is not None:
        hf.disable_progress_bar()
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(PROGRESS_ENV, None)
        else:
            os.environ[PROGRESS_ENV] = previous
        hf = sys.modules.get("transformers.utils.logging")
        if hf is not None and enabled:
            hf.enable_progress_bar()


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``matnlp`` console script; returns the process exit code."""
    args = build_parser().parse_args(argv)
    setup_logging(logging.WARNING if args.quiet else (logging.DEBUG if args.verbose > 1 else logging.INFO))
    try:
        with quiet_progress(args.quiet):
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
