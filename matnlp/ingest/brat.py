"""MSPT-style brat text: line 1 the DOI, line 2 the title, the rest the body (annotations live in a sibling .ann).

Some MSPT files put a blank line after the DOI: the title is then line 3, and when lines 2–3 hold no short line
the file has no title.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..errors import IngestError
from ..types import Meta
from .base import MAX_TITLE_CHARS, Block, Parsed, decode_text, match_doi, split_paragraphs


def read_brat(data: bytes, path) -> Iterator[Parsed]:
    """One paper; the sibling ``.ann`` file name, when present, is kept in ``meta.extra["ann"]``."""
    text, _ = decode_text(data, path)
    lines = text.replace("\r\n", "\n").split("\n")
    doi = match_doi(lines[0])
    if doi is None:
        raise IngestError(path, "first line is not a DOI")
    title_at = next((i for i in (1, 2) if i < len(lines) and lines[i].strip()), None)
    if title_at is not None and len(lines[title_at]) > MAX_TITLE_CHARS:
        title_at = None
    title = lines[title_at].strip() if title_at is not None else None
    body = "\n".join(lines[(title_at or 0) + 1 :])
    blocks = [Block("title", title)] if title else []
    blocks += [Block("paragraph", p) for p in split_paragraphs(body)]
    ann = Path(path).with_suffix(".ann")
    extra = {"ann": ann.name} if ann.is_file() else {}
    yield Parsed(blocks, Meta(doi=doi, title=title, extra=extra), id=doi)
