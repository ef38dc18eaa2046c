"""NER data sets in any supported format: brat ``.txt``/``.ann`` directories, MSPT split lists, JSONL spans and
CoNLL, read into :class:`~matnlp.datasets.examples.Example` sentences with IOB2 tags.

Brat and JSONL examples also keep the character offsets of their words in the source text.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path

from ..errors import ConfigError
from .brat import read_ann
from .conll import read_conll
from .examples import Example, label_text, span

log = logging.getLogger(__name__)


def read_brat(directory: str | Path, names: Iterable[str] | None = None, skip_lines: int = 1) -> list[Example]:
    """Read brat ``NAME.txt`` + ``NAME.ann`` pairs into tokenized sentences with IOB2 tags.

    ``names`` defaults to every ``.ann`` in ``directory``. The ``.ann`` offsets index the whole ``.txt``; the
    first ``skip_lines`` lines (MSPT: the DOI) are not read, every other line is split into sentences with
    :func:`matnlp.text.tokenize.sentences`. Only text-bound (``T``) annotations are used.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise ConfigError(f"{directory}: brat directory not found")
    names = sorted(p.stem for p in directory.glob("*.ann")) if names is None else list(names)
    examples: list[Example] = []
    for name in names:
        txt, ann = directory / f"{name}.txt", directory / f"{name}.ann"
        if not txt.is_file() or not ann.is_file():
            raise ConfigError(f"{directory}: missing {name}.txt or {name}.ann")
        text = txt.read_text(encoding="utf-8")
        entities = [(e.start, e.end, e.label) for e in read_ann(ann, text).entities.values()]
        lines = text.split("\n")
        start = sum(len(line) + 1 for line in lines[:skip_lines])
        segments = []
        for line in lines[skip_lines:]:
            segments.append((start, start + len(line)))
            start += len(line) + 1
        examples += label_text(text, segments, entities, name)
    return examples


def read_jsonl(path: str | Path) -> list[Example]:
    """Read ``{"text": ..., "entities": [{"start", "end", "label"} | [start, end, label], ...]}`` lines.

    ``spans`` is accepted for ``entities`` and ``id`` is optional; the text is split into tokenized sentences.
    """
    path = Path(path)
    examples: list[Example] = []
    with path.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                text = record["text"]
                raw = record.get("entities", record.get("spans", []))
                entities = [span(e) for e in raw]
            except (ValueError, KeyError, TypeError, IndexError) as exc:
                raise ConfigError(f"{path}:{lineno}: bad NER record ({exc!r})") from None
            if not isinstance(text, str):
                raise ConfigError(f"{path}:{lineno}: 'text' must be a string")
            for a, b, label in entities:
                if not 0 <= a < b <= len(text):
                    raise ConfigError(f"{path}:{lineno}: span ({a}, {b}, {label!r}) outside the text")
            doc_id = str(record.get("id", f"{path.name}:{lineno}"))
            examples += label_text(text, [(0, len(text))], entities, doc_id)
    return examples


def read_name_list(path: str | Path) -> list[str]:
    """Document names, one a line (MSPT ``splits/ner-*-fnames.txt``)."""
    return [line.strip() for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def load_examples(path: str | Path, brat_dir: str | Path | None = None) -> list[Example]:
    """Read a data set, format sniffed from ``path``; raises :class:`ConfigError` when it holds no sentence.

    - a directory: brat ``.txt``/``.ann`` pairs;
    - ``*.jsonl`` / ``*.json``: JSONL spans;
    - a file whose lines are single names (MSPT split list): those brat documents from ``brat_dir``
      (default: the first of ``../data``, ``data`` beside the list, or the list's own folder);
    - anything else: CoNLL.
    """
    path = Path(path)
    if path.is_dir():
        examples = read_brat(path)
    elif not path.is_file():
        raise ConfigError(f"{path}: data file not found")
    elif path.suffix in (".jsonl", ".json"):
        examples = read_jsonl(path)
    elif is_name_list(path):
        examples = read_brat(brat_dir or brat_dir_for(path), read_name_list(path))
    else:
        examples = read_conll(path)
    if not examples:
        raise ConfigError(f"{path}: no sentences found (empty data set)")
    log.info("%s: %d sentences, %d words", path, len(examples), sum(len(e.words) for e in examples))
    return examples


def is_name_list(path: Path) -> bool:
    """Whether the first non-blank line of ``path`` is a single name (a split list, not CoNLL)."""
    with path.open(encoding="utf-8") as handle:
        first = next((line.strip() for line in handle if line.strip()), "")
    return bool(first) and len(first.split()) == 1 and not first.startswith("-DOCSTART-")


def brat_dir_for(path: Path) -> Path:
    """The brat directory of a split list: the first of ``../data``, ``data`` beside it, or its own folder."""
    for candidate in (path.parent.parent / "data", path.parent / "data", path.parent):
        if any(candidate.glob("*.ann")):
            return candidate
    raise ConfigError(f"{path}: no brat .ann files found near this name list; pass the brat directory")
