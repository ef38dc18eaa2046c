"""MSPT, the materials synthesis procedures corpus (Mysore et al. 2019): brat ``data/NAME.txt`` + ``NAME.ann``
papers (line 1 the DOI) and ``splits/SPLIT-fnames.txt`` name lists (``ner-train``, ``ner-dev``, ``ner-test``,
``sfex-train``, ``sfex-test``, ...).

:func:`read_doc` reads one paper as a :class:`BratDoc` (entities, relations and operation events) for the
synthesis benchmark and model training; :func:`matnlp.datasets.ner.load_examples` reads a split list as NER
sentences. The default root is ``DATA/mspt`` (:func:`matnlp.config.data_dir`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..config import data_dir
from ..extractors.synthesis import ROLES
from ..types import Entity
from .brat import read_document
from .ner import read_name_list


@dataclass(slots=True)
class BratDoc:
    """An MSPT paper: text, text-bound entities by id, relations ``(type, arg1, arg2)`` and operation events
    ``{trigger id: [(role, argument id)]}``."""

    id: str
    text: str
    entities: dict[str, Entity]
    relations: list[tuple[str, str, str]]
    events: dict[str, list[tuple[str, str]]]


#: MSPT event argument role -> recipe role (one of :data:`matnlp.extractors.synthesis.ROLES`).
ROLE_OF = {
    "Recipe_Target": "target",
    "Recipe_Precursor": "precursor",
    "Solvent_Material": "solvent",
    "Atmospheric_Material": "atmosphere",
    "Participant_Material": "participant",
}


def root_dir(root: str | Path | None = None) -> Path:
    """``root``, or ``DATA/mspt``."""
    return Path(root) if root is not None else data_dir() / "mspt"


def read_doc(txt_path: str | Path) -> BratDoc:
    """Read ``<id>.txt`` and its ``<id>.ann`` (event ids in relations are resolved to their trigger entities).

    An entity's ``text`` is the slice of the paper text from its start to its end (a discontinuous entity's gap
    included)."""
    doc = read_document(txt_path)
    text, ann = doc.text, doc.annotations
    entities = {i: Entity(t.start, t.end, t.label, text[t.start : t.end]) for i, t in ann.entities.items()}
    triggers = {e.id: e.trigger for e in ann.events}

    def resolve(x: str) -> str:
        return triggers.get(x, x)

    events = {e.trigger: [(role, resolve(arg)) for role, arg in e.args] for e in ann.events}
    relations = [(r.type, resolve(r.arg1), resolve(r.arg2)) for r in ann.relations]
    return BratDoc(doc.name, text, entities, relations, events)


def gold_roles(doc: BratDoc) -> dict[tuple[int, int], str]:
    """Material span -> most specific gold role (order of :data:`ROLES`) among the operation events it is in."""
    rank = {r: i for i, r in enumerate(ROLES)}
    roles: dict[tuple[int, int], str] = {}
    for args in doc.events.values():
        for role, arg in args:
            e = doc.entities[arg]
            if role in ROLE_OF and e.label == "Material":
                key, new = (e.start, e.end), ROLE_OF[role]
                if key not in roles or rank[new] < rank[roles[key]]:
                    roles[key] = new
    return roles


def split_names(split: str, root: str | Path | None = None) -> list[str]:
    """Paper names of one split (``ROOT/splits/SPLIT-fnames.txt``)."""
    return read_name_list(root_dir(root) / "splits" / f"{split}-fnames.txt")


def doc_path(name: str, root: str | Path | None = None) -> Path:
    """``ROOT/data/NAME.txt``."""
    return root_dir(root) / "data" / f"{name}.txt"


def split_docs(split: str, root: str | Path | None = None) -> list[BratDoc]:
    """The papers of one split, in list order."""
    return [read_doc(doc_path(name, root)) for name in split_names(split, root)]
