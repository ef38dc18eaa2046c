"""NERRE (Dagdelen et al. 2024) general-materials and MOF abstracts: JSONL lines of a ``prompt`` (title, newline,
abstract, then ``\\n\\n###``) and a ``completion`` (a JSON list of material records, then ``\\n\\nEND``); and the
doping abstracts (``raw_data.json``). Default folders: ``DATA/nerre_general_mof``, ``DATA/nerre_doping``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..config import data_dir

GENERAL = "general_materials_information_annotations.jsonl"
MOF = "mof_annotations.jsonl"


@dataclass(slots=True)
class NerreAbstract:
    """One annotated abstract: ``text`` is the prompt up to ``###`` (title line, then the abstract)."""

    text: str
    completion: str

    @property
    def title(self) -> str:
        return self.text.partition("\n")[0]

    @property
    def abstract(self) -> str:
        return self.text.partition("\n")[2]

    def records(self) -> list[dict]:
        """The gold material records of the completion (``formula``, ``name``, ``acronym``, ...)."""
        return json.loads(self.completion.split("\n\nEND")[0])


def general_mof_dir(folder: str | Path | None = None) -> Path:
    """``folder``, or ``DATA/nerre_general_mof``."""
    return Path(folder) if folder is not None else data_dir() / "nerre_general_mof"


def read_annotations(path: str | Path, limit: int | None = None) -> list[NerreAbstract]:
    """The first ``limit`` (default: all) abstracts of a NERRE annotation JSONL file, in file order."""
    with open(path, encoding="utf-8") as handle:
        lines = handle.readlines()[:limit]
    out = []
    for line in lines:
        item = json.loads(line)
        out.append(NerreAbstract(item["prompt"].split("\n\n###")[0], item["completion"]))
    return out


def general_abstracts(folder: str | Path | None = None, limit: int | None = None) -> list[NerreAbstract]:
    """The general-materials annotations (``general_materials_information_annotations.jsonl``)."""
    return read_annotations(general_mof_dir(folder) / GENERAL, limit)


def doping_abstracts(folder: str | Path | None = None) -> Iterator[dict]:
    """The doping abstracts' raw records (``raw_data.json``: ``doi``, ``title``, ``abstract``, ...)."""
    folder = Path(folder) if folder is not None else data_dir() / "nerre_doping"
    yield from json.loads((folder / "raw_data.json").read_text(encoding="utf-8"))


@dataclass(slots=True)
class DopingSentence:
    """One sentence of the NERRE doping split: host (``basemats``) and dopant strings by id (strings, not spans:
    located in ``text`` by the reader's user), ``links`` dopant id → host ids, and whether it is ``relevant``
    (the sentences the paper scores)."""

    doi: str
    text: str
    hosts: dict[str, str]
    dopants: dict[str, str]
    links: dict[str, list[str]]
    relevant: bool


def doping_sentences(split: str, folder: str | Path | None = None) -> list[DopingSentence]:
    """The sentences of ``split`` (``train`` or ``test``: ``DATA/nerre_doping/{split}.json``), in file order."""
    folder = Path(folder) if folder is not None else data_dir() / "nerre_doping"
    docs = json.loads((folder / f"{split}.json").read_text(encoding="utf-8"))
    return [
        DopingSentence(doc["doi"], s["sentence_text"], s["basemats"], s["dopants"], s["dopants2basemats"] or {},
                       s["relevant"])
        for doc in docs for s in doc["doping_sentences"]
    ]


def token_labels(s: DopingSentence, spans: list[tuple[int, int]]) -> list[str]:
    """``HOST``/``DOPANT``/``O`` for each token span of ``s.text``: the tokens a gold string covers (hosts first),
    located by :func:`_occurrences`."""
    labels = ["O"] * len(spans)
    for label, strings in (("HOST", s.hosts.values()), ("DOPANT", s.dopants.values())):
        for string in strings:
            for a, b in _occurrences(s.text, string.strip(), spans):
                for i, (c, e) in enumerate(spans):
                    if c < b and a < e and labels[i] == "O":
                        labels[i] = label
    return labels


def _occurrences(text: str, string: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Where a gold string is in the sentence: its occurrences that start and end at token edges (``La`` as a
    token, not inside ``Lanthanum`` or ``La2Ce2O7``); all occurrences when none does, as the strings are not spans."""
    found = [m.span() for m in re.finditer(re.escape(string), text)] if string else []
    starts, ends = {a for a, _ in spans}, {b for _, b in spans}
    return [(a, b) for a, b in found if a in starts and b in ends] or found
