"""The running text of the shared data folder as papers ``{"id", "title", "text"}``: the input of the embedding
corpus (``scripts/prepare_text_corpus.py`` writes them to one JSONL file for ``matnlp ingest``).

Sources: SOFC-Exp full texts, MuLMS texts, glass abstracts, NERRE doping / general / MOF abstracts, synthesis-recipe
paragraph snippets (each snippet is the first and last ~50 characters of a paragraph: the two halves become two
paragraphs, without the word cut at the join), MSPT procedures, AuNP paragraphs and MatScholar sentences.

MatScholar sentences are already mat2vec-processed (lower case, canonical formulas, ``<nUm>``). They are kept as
they are: processing is idempotent, so they pass through ingest unchanged.
"""

from __future__ import annotations

import csv
import json
import lzma
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from ..config import data_dir
from .nerre import GENERAL, MOF, doping_abstracts, read_annotations

Paper = dict[str, str]


def _paper(pid: str, title: str | None, text: str) -> Paper:
    return {"id": pid, "title": (title or "").strip(), "text": text.strip()}


def full_texts(root: Path, prefix: str) -> Iterator[Paper]:
    """``texts/*.txt`` of SOFC-Exp or MuLMS (no separate title: each text already starts with it)."""
    for path in sorted((root / "texts").glob("*.txt")):
        yield _paper(f"{prefix}:{path.stem}", None, path.read_text(encoding="utf-8"))


def glass(root: Path) -> Iterator[Paper]:
    """Glass abstracts: the ``Abstract`` column of ``train.csv``, ``val.csv`` and ``test.csv``."""
    csv.field_size_limit(sys.maxsize)
    for split in ("train", "val", "test"):
        with open(root / f"{split}.csv", encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), 1):
                yield _paper(f"glass:{split}:{number}", None, row["Abstract"])


def nerre(doping: Path, general: Path) -> Iterator[Paper]:
    """NERRE doping abstracts, then the general-materials and MOF abstracts (title line and abstract)."""
    for number, rec in enumerate(doping_abstracts(doping), 1):
        yield _paper(f"nerre-doping:{rec.get('doi') or number}", rec.get("title"), rec.get("abstract") or "")
    for name in (GENERAL, MOF):
        for number, item in enumerate(read_annotations(general / name), 1):
            yield _paper(f"nerre-{name.split('_')[0]}:{number}", item.title, item.abstract)


def _snippet_halves(snippet: str) -> list[str]:
    """The two halves of a ``head <...> tail`` snippet, without a word the cut split in two."""
    head, sep, tail = snippet.partition("<...>")
    if not sep:
        return [snippet]
    if head.endswith(" ") and tail.startswith(" "):  # sol-gel pads the marker with one space on each side
        head, tail = head[:-1], tail[1:]
    head_words, tail_words = head.split(), tail.split()
    if not head.endswith(" "):
        head_words = head_words[:-1]
    if not tail.startswith(" "):
        tail_words = tail_words[1:]
    return [" ".join(head_words), " ".join(tail_words)]


def synthesis(root: Path) -> Iterator[Paper]:
    """One paper per DOI of each Kononova dataset (files in name order): its distinct paragraph snippets."""
    for path in sorted(root.glob("*.json.xz")):
        with lzma.open(path, "rt", encoding="utf-8") as handle:
            reactions = json.load(handle)["reactions"]
        by_doi: dict[str, dict[str, None]] = defaultdict(dict)
        for rec in reactions:
            if rec.get("paragraph_string"):
                by_doi[rec.get("doi") or ""].setdefault(rec["paragraph_string"], None)
        kind = path.name.split("_")[0]
        for doi, snippets in by_doi.items():
            halves = [h for s in snippets for h in _snippet_halves(s) if h]
            yield _paper(f"synthesis-{kind}:{doi}", None, "\n\n".join(halves))


def mspt(root: Path) -> Iterator[Paper]:
    """MSPT procedures: line 1 the DOI, line 2 the title, the rest the body."""
    for path in sorted((root / "data").glob("*.txt")):
        lines = path.read_text(encoding="utf-8").split("\n", 2)
        doi, title, body = (lines + ["", ""])[:3]
        yield _paper(f"mspt:{doi.strip() or path.stem}", title, body)


def aunp(root: Path) -> Iterator[Paper]:
    """AuNP NER paragraphs (``aunp_2lab.json``, one JSON record a line)."""
    with open(root / "aunp_2lab.json", encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            rec = json.loads(line)
            meta = rec.get("meta") or {}
            yield _paper(f"aunp:{meta.get('doi', number)}:{meta.get('par', number)}", None, rec["text"])


def matscholar(root: Path, per_record: int = 20) -> Iterator[Paper]:
    """MatScholar NER sentences (tokens joined, labels dropped), ``per_record`` sentences a paper."""
    for split in ("train", "dev", "test"):
        sentences, current = [], []
        for line in (root / f"{split}.txt").read_text(encoding="utf-8").splitlines():
            fields = line.rsplit(None, 1)
            if not line.strip():
                if current:
                    sentences.append(" ".join(current))
                current = []
            elif fields and fields[0].strip():
                current.append(fields[0].replace(" ", ""))
        sentences += [" ".join(current)] if current else []
        for start in range(0, len(sentences), per_record):
            yield _paper(f"matscholar:{split}:{start // per_record + 1}", None,
                         "\n\n".join(sentences[start:start + per_record]))


def papers(data: str | Path | None = None, with_matscholar: bool = True) -> Iterator[tuple[str, Paper]]:
    """(source name, paper) for every source of ``data`` (default: :func:`matnlp.config.data_dir`); papers
    without text are left out."""
    data = Path(data) if data is not None else data_dir()
    sources = {
        "sofc": lambda: full_texts(data / "sofc_exp_texts", "sofc"),
        "mulms": lambda: full_texts(data / "mulms", "mulms"),
        "glass": lambda: glass(data / "glass_abstracts"),
        "nerre": lambda: nerre(data / "nerre_doping", data / "nerre_general_mof"),
        "synthesis": lambda: synthesis(data / "synthesis_recipes"),
        "mspt": lambda: mspt(data / "mspt"),
        "aunp": lambda: aunp(data / "aunp_ner"),
    }
    if with_matscholar:
        sources["matscholar"] = lambda: matscholar(data / "matscholar_ner")
    for name, make in sources.items():
        for paper in make():
            if paper["text"]:
                yield name, paper
