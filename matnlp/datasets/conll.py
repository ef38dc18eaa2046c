"""CoNLL NER files (Matscholar ``train.txt``/``dev.txt``/``test.txt``): ``TOKEN LABEL`` lines, blank lines between
sentences."""

from __future__ import annotations

from pathlib import Path

from ..config import data_dir
from ..errors import ConfigError
from ..ner.labels import OUTSIDE, check_tag
from .examples import Example


def read_conll(path: str | Path) -> list[Example]:
    """Read ``TOKEN LABEL`` lines with blank lines between sentences (Matscholar quirks handled).

    The label is the field after the **last** whitespace, so tokens may contain spaces or be empty; a missing label
    (line ends in whitespace) means ``O``; ``-DOCSTART-`` lines start a new document (without them the file is one
    document: Matscholar's sentences run in abstract order). Malformed lines raise :class:`ConfigError` with the file
    and line number.
    """
    path = Path(path)
    examples: list[Example] = []
    words: list[str] = []
    tags: list[str] = []
    doc = path.name
    with path.open(encoding="utf-8") as handle:
        for lineno, raw in enumerate(handle, 1):
            line = raw.rstrip("\r\n")
            if not line.strip():
                if words:
                    examples.append(Example(words, tags, id=f"{path.name}:{lineno - len(words)}", doc=doc))
                    words, tags = [], []
                continue
            cut = max(line.rfind(" "), line.rfind("\t"))
            if cut < 0:
                raise ConfigError(f"{path}:{lineno}: expected 'TOKEN LABEL', got {line!r}")
            word, tag = line[:cut].strip(), line[cut + 1 :].strip() or OUTSIDE
            if word == "-DOCSTART-":
                doc = f"{path.name}:{lineno}"
                continue
            try:
                tags.append(check_tag(tag))
            except ValueError as exc:
                raise ConfigError(f"{path}:{lineno}: {exc}") from None
            words.append(word)
    if words:
        examples.append(Example(words, tags, id=f"{path.name}:end", doc=doc))
    return examples


def matscholar(split: str, root: str | Path | None = None) -> list[Example]:
    """One split (``train``, ``dev``, ``test``) of the Matscholar NER corpus (default root: ``DATA/matscholar_ner``)."""
    return read_conll(Path(root or data_dir() / "matscholar_ner") / f"{split}.txt")
