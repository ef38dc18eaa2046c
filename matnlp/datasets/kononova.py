"""The Kononova et al. text-mined synthesis recipes: solid-state (2019-12-03) and sol-gel (2020-07-13) datasets,
``*.json.xz`` files of ``{"reactions": [...]}`` (default folder ``DATA/synthesis_recipes``).

:func:`kononova_recipes` gives each recipe's operations as (token, type, mixing medium) for the operation typer;
:func:`reactions` the raw reaction records; :func:`held_out_doi` the fixed evaluation fifth of DOIs.
"""

from __future__ import annotations

import hashlib
import json
import lzma
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..config import data_dir

#: Recipe style -> file name; solid-state first.
KONONOVA_FILES = {
    "solid-state": "solid-state_dataset_2019-12-03.json.xz",
    "sol-gel": "sol-gel_dataset_20200713.json.xz",
}
# The solid-state file calls plain mixing "Mixing"; the sol-gel file "MixingOperation".
_TYPE_ALIASES = {"Mixing": "MixingOperation"}


@dataclass(slots=True)
class KononovaOperation:
    token: str  # lower-cased
    type: str
    medium: bool  # a mixing medium was recorded for it


@dataclass(slots=True)
class KononovaRecipe:
    doi: str
    style: str  # "solid-state" or "sol-gel"
    operations: list[KononovaOperation]


def folder_of(folder: str | Path | None = None) -> Path:
    """``folder``, or ``DATA/synthesis_recipes``."""
    return Path(folder) if folder is not None else data_dir() / "synthesis_recipes"


def reactions(folder: str | Path | None = None, style: str | None = None) -> Iterator[tuple[str, dict]]:
    """``(style, reaction record)`` of both datasets (solid-state first), or of the one ``style``."""
    for name_style, name in KONONOVA_FILES.items():
        if style is not None and name_style != style:
            continue
        with lzma.open(folder_of(folder) / name, "rt", encoding="utf-8") as f:
            records = json.load(f)["reactions"]
        for r in records:
            yield name_style, r


def kononova_recipes(folder: str | Path | None = None) -> Iterator[KononovaRecipe]:
    """Recipes of both Kononova datasets with their (token, type, medium) operations."""
    for style, r in reactions(folder):
        ops = [
            KononovaOperation(o["token"].lower(), _TYPE_ALIASES.get(o["type"], o["type"]), _has_medium(o))
            for o in r["operations"]
        ]
        yield KononovaRecipe(r["doi"], style, ops)


def _has_medium(op: dict) -> bool:
    return bool((op.get("conditions") or {}).get("mixing_media"))


def held_out_doi(doi: str) -> bool:
    """The fixed evaluation fifth of DOIs (hash based, so both datasets split the same paper the same way)."""
    return int(hashlib.md5(doi.encode()).hexdigest(), 16) % 5 == 0
