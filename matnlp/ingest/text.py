"""Plain text: paragraphs by blank lines (or lines), a short first line taken as the title."""

from __future__ import annotations

from collections.abc import Iterator

from ..types import Meta
from .base import MAX_TITLE_CHARS, Block, Parsed, decode_text, split_paragraphs


def read_text(data: bytes, path) -> Iterator[Parsed]:
    """One paper from plain text in any common encoding (a non-UTF-8 fallback is recorded in ``meta.extra``)."""
    text, encoding = decode_text(data, path)
    paragraphs = split_paragraphs(text)
    extra = {} if encoding in ("utf-8", "utf-8-sig") else {"encoding": encoding}
    blocks = [Block("paragraph", p) for p in paragraphs]
    if len(blocks) > 1 and "\n" not in paragraphs[0] and len(paragraphs[0]) <= MAX_TITLE_CHARS:
        blocks[0].kind = "title"
    yield Parsed(blocks, Meta(extra=extra))
