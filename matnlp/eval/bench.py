"""Benchmark run helpers: machine description, JSON results and peak memory."""

from __future__ import annotations

import json
import logging
import os
import platform
import resource
import sys
from pathlib import Path

log = logging.getLogger("benchlib")  # outside "matnlp": scripts quieting the package still log their outputs


def machine() -> dict:
    """Where the benchmark ran: logical CPU count, platform string and Python version."""
    return {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()}


def write_json(path: str | os.PathLike, results: dict, indent: int | None = 1) -> None:
    """Write ``results`` to ``path`` as UTF-8 JSON with a trailing newline, creating missing parent folders.

    Non-ASCII text is kept as is and values JSON cannot encode (paths, dates, ...) are written as ``str``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=indent, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    log.info("wrote %s", path)


def peak_rss_mib() -> float:
    """This process's own peak resident memory in MiB, rounded to 0.1.

    Reads ``VmHWM`` from ``/proc/self/status``: unlike ``ru_maxrss`` it is not inherited across ``exec``, so a
    benchmark run in a fresh (spawned) child process reports that child's peak only. Where ``/proc`` is
    unavailable (macOS), falls back to ``getrusage(RUSAGE_SELF).ru_maxrss``.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)  # kB
    except OSError:
        pass
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(maxrss / 2**20 if sys.platform == "darwin" else maxrss / 1024, 1)  # bytes on macOS, else KiB
