"""Plain text: paragraphs by blank lines (or lines), with the structure a typed paper shows.

- **title**: the first line when it looks like one (short, no sentence end, more text follows); PMC-style exports
  that print the title twice in a row at the start (``"T T authors …"``) give ``T`` as the title (the running text
  keeps the line as it is);
- **DOI**: a short line near the top that is a DOI (``doi:10.…``, ``DOI 10.…``, ``https://doi.org/10.…``), kept
  out of the running text;
- **headings**: numbered lines (``"2.4 Porosity"``, ``"3. Results"``) and ALL-CAPS lines (``"EXPERIMENTAL
  SECTION"``), with the number kept apart; a heading line at the head of a paragraph is split from it. What a
  heading opens (abstract, references, acknowledgements, …) is routed by :func:`.base.structure`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..types import Meta
from .base import MAX_TITLE_CHARS, Block, Parsed, decode_text, match_doi, split_heading, split_paragraphs

_DOI_LINE = re.compile(r"^\s*(?:doi\s*:?\s*|https?://(?:dx\.)?doi\.org/)(10\.\d{4,9}/\S+?)[.,;]?\s*$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.;:,!?]$")
_CAPS_WORD = re.compile(r"[A-Z][A-Z&'’\-]*")
_MAX_HEADING_WORDS = 12


def read_text(data: bytes, path) -> Iterator[Parsed]:
    """One paper from plain text in any common encoding (a non-UTF-8 fallback is recorded in ``meta.extra``)."""
    text, encoding = decode_text(data, path)
    paragraphs = split_paragraphs(text)
    extra = {} if encoding in ("utf-8", "utf-8-sig") else {"encoding": encoding}
    doi = None
    blocks: list[Block] = []
    for index, paragraph in enumerate(paragraphs):
        if doi is None and index < 10 and "\n" not in paragraph and len(paragraph) < 120:
            match = _DOI_LINE.match(paragraph)
            if match:
                doi = match_doi(match.group(1))
                blocks.append(Block("doi", paragraph))
                continue
        blocks.extend(_paragraph_blocks(paragraph))
    title = _repeated_title(text)
    first = next((i for i, b in enumerate(blocks) if b.kind != "doi"), None)
    if first is not None:
        block = blocks[first]
        if len(blocks) > first + 1 and _looks_like_title(block.text) and block.kind == "paragraph" and (
                title is None or " ".join(block.text.split()) == title):
            block.kind = "title"
    yield Parsed(blocks, Meta(doi=doi, title=title, extra=extra), id=doi)


def _looks_like_title(text: str) -> bool:
    return "\n" not in text and len(text) <= MAX_TITLE_CHARS and len(text.split()) <= 40


def _paragraph_blocks(paragraph: str) -> list[Block]:
    """A paragraph as blocks: a heading line at its head (or the whole paragraph) becomes a heading block."""
    first, _, rest = paragraph.partition("\n")
    heading = _heading(first)
    if heading is None:
        return [Block("paragraph", paragraph)]
    blocks = [heading]
    if rest.strip():
        blocks.extend(_paragraph_blocks(rest.strip()))
    return blocks


def _heading(line: str) -> Block | None:
    """A heading block when ``line`` is a numbered heading or an ALL-CAPS heading, else None."""
    line = line.strip()
    if not line or len(line) > 100 or _SENTENCE_END.search(line) and not re.search(r"\d\.$", line):
        return None
    number, title = split_heading(line)
    words = title.split()
    if not words or len(words) > _MAX_HEADING_WORDS or "=" in title:
        return None
    if number is not None:
        if _SENTENCE_END.search(title) or not title[:1].isupper() or re.fullmatch(r"[\d.,\s%]+", title):
            return None
        return Block("heading", title, number=number.rstrip("."), level=number.count(".") + 1)
    letters = [c for c in title if c.isalpha()]
    if len(letters) >= 6 and all(c.isupper() for c in letters) and all(
            _CAPS_WORD.fullmatch(w) or not any(c.isalpha() for c in w) for w in words):
        return Block("heading", title)
    return None


def _repeated_title(text: str) -> str | None:
    """The title of a PMC-style export whose first line starts with the title printed twice (``"T T …"``)."""
    words = text[:3000].split()[:120]
    for n in range(3, len(words) // 2 + 1):
        if words[:n] == words[n:2 * n]:
            title = " ".join(words[:n])
            return title if len(title) <= MAX_TITLE_CHARS else None
    return None
