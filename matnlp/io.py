"""Output files shared by the corpus and the records writers: atomic writes, the manifest and errors file names,
the errors.jsonl entry of a failed input, and the output folder's guard (:func:`output_lock`, one run at a time;
:func:`check_output_dir`, no run merged into another's output)."""

from __future__ import annotations

import contextlib
import errno
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
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _holder(path: Path) -> dict[str, Any] | None:
    try:
        holder = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return holder if isinstance(holder, dict) else None


def _locked(out: Path, path: Path, holder: dict[str, Any] | None) -> ConfigError:
    who = (f"pid {holder.get('pid')} on {holder.get('host')} (started {holder.get('started')})" if holder
           else "another run")
    return ConfigError(f"{out} is in use by {who}: lock file {path}. Wait for that run to finish or use another "
                       f"output folder; remove the lock file only if that process is gone")


def _stale(holder: dict[str, Any] | None, host: str) -> bool:
    """Whether a lock file's holder is a process of this host that no longer runs."""
    try:
        return bool(holder) and holder.get("host") == host and not _alive(int(holder.get("pid", 0)))
    except (TypeError, ValueError):
        return False


def _flock(path: Path, out: Path) -> int | None:
    """An open descriptor of ``path`` holding an exclusive ``flock`` (released by the kernel when the process ends,
    even on SIGKILL), or None where the file system has no ``flock``. A lock held elsewhere is a ConfigError."""
    import fcntl

    for _ in range(20):
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise _locked(out, path, _holder(path)) from None
            return None  # ENOLCK, EOPNOTSUPP, …: no flock here
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(path))
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)  # the holder removed the file between our open and our lock: lock the new one
    raise ConfigError(f"{out}: could not take the lock {path}")


def _exclusive_create(path: Path, out: Path, host: str) -> int:
    """Without ``flock``: create the lock file exclusively; a lock of a process of this host that is gone is stale
    and taken over."""
    for _ in range(3):
        try:
            return os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            holder = _holder(path)
            if not _stale(holder, host):
                raise _locked(out, path, holder) from None
            log.warning("%s: removing the stale lock of pid %s (not running)", out, holder.get("pid"))
            path.unlink(missing_ok=True)
    raise ConfigError(f"{out}: could not take the lock {path}")


@contextlib.contextmanager
def output_lock(out: str | Path) -> Iterator[Path]:
    """Hold the output folder ``out`` exclusively while a run writes it.

    The lock file :data:`LOCK` in ``out`` is locked with ``flock`` (the kernel releases it when the process ends,
    even when killed) and names its holder: pid, host and start time. A second run is refused with a
    :class:`ConfigError` naming the holder. A lock file left by a killed run is stale and taken over. Where the file
    system has no ``flock``, the lock file is created exclusively instead, and one naming a process of this host
    that no longer runs is stale."""
    out = Path(out)
    check_output_path(out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / LOCK
    host = socket.gethostname()
    me = {"pid": os.getpid(), "host": host, "started": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    fd = _flock(path, out)
    if fd is not None:
        previous = _holder(path)
        if previous and previous.get("pid") != me["pid"]:
            log.info("%s: taking over the lock left by pid %s on %s (not running)", out, previous.get("pid"),
                     previous.get("host"))
        os.ftruncate(fd, 0)
    else:
        fd = _exclusive_create(path, out, host)
    try:
        os.write(fd, (json.dumps(me) + "\n").encode("utf-8"))
        yield path
    finally:
        try:
            if os.path.samestat(os.fstat(fd), os.stat(path)):
                path.unlink()  # while still locked: a waiting run then locks a new file (see _flock)
        except FileNotFoundError:
            pass
        finally:
            os.close(fd)


#: The files and folders ``matnlp ingest`` and ``matnlp extract`` write, which ``--overwrite`` removes (those of
#: both: a corpus replaced by records leaves no shard behind). The manifest comes first: removed first, an
#: interrupted ``--overwrite`` never leaves a manifest beside partial files.
OUTPUTS = (MANIFEST, "records.jsonl", "documents.jsonl.gz", ERRORS, "*.parquet", "parts", "docs-*.jsonl.gz",
           "sentences.txt", ".*.tmp-*")


def check_output_path(out: Path) -> None:
    """Raise :class:`ConfigError` when ``out``, or the nearest of its parents that exists, is not a directory."""
    for path in (out, *out.parents):
        if path.exists() or path.is_symlink():
            if not path.is_dir():
                what = "exists" if path == out else f"lies under {path}, which exists"
                raise ConfigError(f"{out} {what} and is not a directory; give an output folder")
            return


def check_output_dir(out: str | Path, resume: bool = False, overwrite: bool = False,
                     outputs: tuple[str, ...] = OUTPUTS, resumable: bool = False) -> None:
    """Refuse to write into a folder that already holds files (other than the lock) unless ``resume`` continues that
    run or ``overwrite`` replaces it: two runs are never merged into one folder. With ``overwrite`` the outputs
    named by the ``outputs`` globs are removed (other files are left alone). ``resumable``: the refusal mentions
    ``--resume``. Call it holding :func:`output_lock`."""
    out = Path(out)
    check_output_path(out)
    present = sorted(p.name for p in out.iterdir() if p.name != LOCK) if out.is_dir() else []
    if not present or resume:
        return
    if not overwrite:
        shown = ", ".join(present[:5]) + (", …" if len(present) > 5 else "")
        raise ConfigError(f"{out} is not empty ({shown}); use --overwrite to replace its outputs"
                          f"{', --resume to continue that run' if resumable else ''}, or another "
                          f"output folder")
    for pattern in outputs:
        for path in sorted(out.glob(pattern)):
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()


def check_positive(**values: float | None) -> None:
    """Raise :class:`ConfigError` for a run setting that is not a positive number (``None`` is allowed: no limit or
    the default), before any output is written: ``check_positive(workers=0)`` names ``workers``."""
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            raise ConfigError(f"{name} must be a positive number, not {value!r}")


def umask() -> int:
    """The process's file-creation mask (read by setting it and back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def share_files(root: Path) -> None:
    """Give every file under ``root`` (or ``root`` itself) the mode a plain ``open`` would: ``0o666 & ~umask``.
    Some writers (safetensors, temporary files renamed into place) create files ``0o600``, which hides model weights
    from the other users of a shared folder even when the umask would let them read it."""
    root = Path(root)
    mode = 0o666 & ~umask()
    for path in [root] if root.is_file() else root.rglob("*"):
        if path.is_file() and not path.is_symlink() and path.stat().st_mode & 0o777 != mode:
            path.chmod(mode)
