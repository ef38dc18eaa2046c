"""Output files shared by the corpus and the records writers: atomic writes, the manifest and errors file names,
and the errors.jsonl entry of a failed input."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from .errors import IngestError

MANIFEST = "manifest.json"
ERRORS = "errors.jsonl"


def atomic_path(path: Path) -> Path:
    """Temporary sibling of ``path`` to write to before renaming into place."""
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


@contextlib.contextmanager
def atomic_open(path: Path) -> Iterator[TextIO]:
    """A text file for writing ``path``: a temporary sibling, renamed into place on success, removed on failure
    (a full disk or a crash never leaves a partial ``path``)."""
    tmp = atomic_path(path)
    try:
        with tmp.open("w", encoding="utf-8") as handle:
            yield handle
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON to ``path`` via a temporary file and an atomic rename."""
    with atomic_open(path) as handle:
        handle.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def error_entry(err: IngestError, stage: str = "ingest", record: int | None = None) -> dict[str, Any]:
    """The errors.jsonl line for a failed input."""
    ident = err.path if record is None else f"{err.path}#{record}"
    return {"id": ident, "source": err.path, "stage": stage, "error": type(err).__name__, "message": err.reason}
