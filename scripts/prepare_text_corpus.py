#!/usr/bin/env python
"""Gather the running text of ../shared/data into one JSONL file, one paper per line ``{"id", "title", "text"}``.

``matnlp ingest papers.jsonl -o corpus/`` then builds the real embedding corpus (about 1.6M tokens). Sources:
SOFC-Exp full texts, MuLMS texts, glass abstracts, NERRE doping / general / MOF abstracts, synthesis-recipe
paragraph snippets (each snippet is the first and last ~50 characters of a paragraph: the two halves become two
paragraphs, without the word cut at the join), MSPT procedures, AuNP paragraphs and MatScholar sentences.

MatScholar sentences are already mat2vec-processed (lower case, canonical formulas, ``<nUm>``). They are kept as
they are: processing is idempotent, so they pass through ingest unchanged. ``--no-matscholar`` leaves them out.

    python scripts/prepare_text_corpus.py -o build/papers.jsonl
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import lzma
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from matnlp.config import data_dir  # noqa: E402

log = logging.getLogger("prepare_text_corpus")
Paper = dict[str, str]
csv.field_size_limit(sys.maxsize)


def _paper(pid: str, title: str | None, text: str) -> Paper:
    return {"id": pid, "title": (title or "").strip(), "text": text.strip()}


def full_texts(root: Path, prefix: str) -> Iterator[Paper]:
    """``texts/*.txt`` of SOFC-Exp or MuLMS (no separate title: each text already starts with it)."""
    for path in sorted((root / "texts").glob("*.txt")):
        yield _paper(f"{prefix}:{path.stem}", None, path.read_text(encoding="utf-8"))


def glass(root: Path) -> Iterator[Paper]:
    for split in ("train", "val", "test"):
        with open(root / f"{split}.csv", encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), 1):
                yield _paper(f"glass:{split}:{number}", None, row["Abstract"])


def nerre(doping: Path, general: Path) -> Iterator[Paper]:
    for number, rec in enumerate(json.loads((doping / "raw_data.json").read_text(encoding="utf-8")), 1):
        yield _paper(f"nerre-doping:{rec.get('doi') or number}", rec.get("title"), rec.get("abstract") or "")
    for name in ("general_materials_information_annotations", "mof_annotations"):
        with open(general / f"{name}.jsonl", encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                prompt = json.loads(line)["prompt"].split("\n\n###")[0]
                title, _, abstract = prompt.partition("\n")
                yield _paper(f"nerre-{name.split('_')[0]}:{number}", title, abstract)


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
    for path in sorted((root / "data").glob("*.txt")):
        lines = path.read_text(encoding="utf-8").split("\n", 2)
        doi, title, body = (lines + ["", ""])[:3]
        yield _paper(f"mspt:{doi.strip() or path.stem}", title, body)


def aunp(root: Path) -> Iterator[Paper]:
    with open(root / "aunp_2lab.json", encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            rec = json.loads(line)
            meta = rec.get("meta") or {}
            yield _paper(f"aunp:{meta.get('doi', number)}:{meta.get('par', number)}", None, rec["text"])


def matscholar(root: Path, per_record: int = 20) -> Iterator[Paper]:
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


def papers(data: Path, with_matscholar: bool = True) -> Iterator[tuple[str, Paper]]:
    """(source name, paper) for every source of ``data``."""
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", type=Path, required=True, help="JSONL file to write")
    parser.add_argument("--data", type=Path, default=data_dir(), help="shared data folder (default: MATNLP_DATA)")
    parser.add_argument("--no-matscholar", action="store_true", help="leave out the pre-processed MatScholar text")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    papers_n, tokens = Counter(), Counter()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.output.with_suffix(args.output.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        for name, paper in papers(args.data, not args.no_matscholar):
            out.write(json.dumps(paper, ensure_ascii=False) + "\n")
            papers_n[name] += 1
            tokens[name] += len(paper["title"].split()) + len(paper["text"].split())
    tmp.replace(args.output)
    for name in papers_n:
        log.info("%-10s %6d papers %9d whitespace tokens", name, papers_n[name], tokens[name])
    log.info("total      %6d papers %9d whitespace tokens -> %s", sum(papers_n.values()), sum(tokens.values()),
             args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
