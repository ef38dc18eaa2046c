"""Output files shared by the corpus and the records writers: atomic writes, the manifest and errors file names,
and the errors.jsonl entry of a failed input."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import socket
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

from .errors import ConfigError, IngestError

log = logging.getLogger(__name__)

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


LOCK = ".matnlp.lock"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _holder(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


@contextlib.contextmanager
def output_lock(out: Path) -> Iterator[Path]:
    """Hold ``out`` exclusively while a run writes it: a lock file naming this process (pid, host, start) is created
    atomically; a second run is refused with a :class:`ConfigError` naming the holder. A lock left by a process
    that is gone (same host, pid not running) is stale and taken over."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / LOCK
    me = {"pid": os.getpid(), "host": socket.gethostname(), "started": datetime.now(timezone.utc).isoformat()}
    for _ in range(3):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            holder = _holder(path)
            if holder and holder.get("host") == me["host"] and not _alive(int(holder.get("pid", 0))):
                log.warning("%s: removing a stale lock of pid %s (not running)", out, holder.get("pid"))
                path.unlink(missing_ok=True)
                continue
            who = (f"pid {holder.get('pid')} on {holder.get('host')} since {holder.get('started')}" if holder
                   else "another run")
            raise ConfigError(f"{out} is locked by {who} (lock file {path}); wait for that run to finish, or remove "
                              f"the lock file if it is not running") from None
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(me) + "\n")
        break
    else:
        raise ConfigError(f"{out}: could not take the lock {path}")
    try:
        yield path
    finally:
        if (_holder(path) or {}).get("pid") == me["pid"]:
            path.unlink(missing_ok=True)


def check_output_dir(out: Path, resume: bool = False, overwrite: bool = False, outputs: tuple[str, ...] = ()) -> None:
    """Refuse to write into a folder that already holds files (other than the lock) unless ``resume`` continues that
    run or ``overwrite`` replaces it; with ``overwrite`` the matnlp outputs named by the ``outputs`` globs go."""
    if out.exists() and not out.is_dir():
        raise ConfigError(f"{out} exists and is not a directory")
    present = sorted(p.name for p in out.iterdir() if p.name != LOCK) if out.is_dir() else []
    if not present or resume:
        return
    if not overwrite:
        shown = ", ".join(present[:5]) + (", …" if len(present) > 5 else "")
        raise ConfigError(f"{out} is not empty ({shown}); use --resume to continue that run, --overwrite to replace "
                          f"it, or another output folder")
    for pattern in outputs:
        for path in out.glob(pattern):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
