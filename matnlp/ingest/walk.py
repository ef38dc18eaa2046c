"""Input discovery (files, directories, globs) and size-bounded reading with transparent ``.gz`` decompression."""

from __future__ import annotations

import errno
import glob
import gzip
import os
import stat
import zlib
from collections.abc import Iterable, Iterator
from fnmatch import fnmatch
from pathlib import Path

from ..errors import IngestError
from .base import MAX_INPUT_BYTES

#: File name patterns a directory walk skips: brat annotation files are not papers (their ``.txt`` sibling is).
NOT_PAPERS = ("*.ann", "*.ann.gz")


def iter_inputs(paths: Iterable, include: Iterable[str] = ("*",), exclude: Iterable[str] = ()) -> Iterator[Path]:
    """Input files, each once, in a deterministic order.

    Directories are walked recursively (sorted; hidden entries and :data:`NOT_PAPERS` skipped); a path that does
    not exist is expanded as a glob, or yielded as is so that reading it reports the missing file. Every entry of a
    walk that is not a directory is yielded, a broken symbolic link or a fifo too: reading it reports what it is
    (every input ends as a document or an error, none is skipped unseen). ``include`` and ``exclude`` are glob
    patterns on file names (not paths).
    """
    include, exclude = tuple(include), tuple(exclude)
    seen: set[Path] = set()
    for path in map(Path, paths):
        for found in _expand(path):
            if found not in seen and _wanted(found.name, include, exclude):
                seen.add(found)
                yield found


def _expand(path: Path) -> Iterator[Path]:
    if path.is_dir():
        for found in sorted(path.rglob("*")):
            hidden = any(part.startswith(".") for part in found.relative_to(path).parts)
            if not found.is_dir() and not hidden and not any(fnmatch(found.name, p) for p in NOT_PAPERS):
                yield found  # also a broken link, a fifo or a socket: load_bytes names it
    elif not path.exists() and glob.has_magic(str(path)):
        for match in sorted(glob.glob(str(path), recursive=True)):
            yield from _expand(Path(match))
    else:
        yield path


def _wanted(name: str, include: tuple[str, ...], exclude: tuple[str, ...]) -> bool:
    return any(fnmatch(name, p) for p in include) and not any(fnmatch(name, p) for p in exclude)


def inner_name(path: Path) -> str:
    """File name that drives sniffing: ``paper.xml.gz`` → ``paper.xml``."""
    return path.name[:-3] if path.name.lower().endswith(".gz") else path.name


def load_bytes(path: Path) -> bytes:
    """Content of ``path`` (decompressed when it is gzip), at most :data:`MAX_INPUT_BYTES`; raises IngestError,
    also for a broken symbolic link and for what is not a regular file (a fifo would block the read forever)."""
    try:
        with _open_regular(path) as fh:
            magic = fh.read(2)
            fh.seek(0)
            if magic == b"\x1f\x8b":
                return _bounded(gzip.GzipFile(fileobj=fh), path, "decompressed size")
            return _bounded(fh, path, "file size")
    except FileNotFoundError:
        raise IngestError(path, "no such file") from None
    except IsADirectoryError:
        raise IngestError(path, "is a directory") from None
    except (OSError, EOFError, zlib.error) as exc:
        raise IngestError(path, f"unreadable: {exc}") from None


def _open_regular(path: Path):
    """``path`` opened for binary reading if it is a regular file (opened without blocking, then checked: a fifo
    swapped in after a check could not block either); IngestError naming what it is otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        if os.path.islink(path):
            raise IngestError(path, f"broken symbolic link (to {os.readlink(path)}, which does not exist)") from None
        raise
    kind = os.fstat(fd).st_mode
    if not stat.S_ISREG(kind):
        os.close(fd)
        if stat.S_ISDIR(kind):
            raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
        what = "a fifo" if stat.S_ISFIFO(kind) else "a socket" if stat.S_ISSOCK(kind) else "a device"
        raise IngestError(path, f"not a regular file ({what})")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def _bounded(stream, path: Path, what: str) -> bytes:
    """The stream's bytes, read in 1 MiB chunks (``read(MAX_INPUT_BYTES + 1)`` would allocate the whole limit
    for every small file)."""
    chunks, size = [], 0
    while chunk := stream.read(1 << 20):
        size += len(chunk)
        if size > MAX_INPUT_BYTES:
            raise IngestError(path, f"{what} exceeds limit of {MAX_INPUT_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
