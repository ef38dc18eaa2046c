"""PDF: the text layer read into blocks, with Title/Author from the document's information dictionary.

Text lines come from PyMuPDF (``page.get_text("dict")``), chosen over pdfminer (ChemDataExtractor's ``PdfReader``,
the earlier path) by measured character agreement and speed on two-column test papers (``scripts/bench_ingest.py``;
:func:`pdfminer_lines` is kept for that comparison). The layout step is the same for any line source:

- running headers and footers (a line in the top or bottom band whose text, digits aside, repeats on other pages)
  and page numbers are dropped (kept as ``navigation``);
- two-column pages are read column by column (lines spanning the page first, e.g. the title);
- lines join into paragraphs (a new one at a larger gap, an indented first line or a change of font size); a word
  hyphenated at a line end is joined (``syn-``/``thesis`` → ``synthesis``) unless the hyphenated form is the one
  the paper uses elsewhere (``thin-``/``film`` → ``thin-film``);
- the first page's largest lines are the title; a short numbered or ALL-CAPS paragraph is a heading.

Ligatures (ﬁ, ﬂ) and other compatibility characters are folded by :mod:`matnlp.text.normalize` like every path.
A damaged PDF (one MuPDF has to repair, e.g. truncated), an encrypted one or one without a text layer is refused.
"""

from __future__ import annotations

import io
import re
import statistics
from collections import Counter
from dataclasses import dataclass

from ..errors import IngestError
from ..types import Meta
from .base import Block, Parsed
from .text import _heading


@dataclass(slots=True)
class Line:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    size: float
    width: float  # page width
    height: float  # page height


def read_pdf_paper(data: bytes, path) -> Parsed:
    """One paper from a PDF (PyMuPDF lines, then :func:`layout`)."""
    lines, info = pymupdf_lines(data, path)
    if len(lines) >= 200 and sum(len(line.text.strip()) for line in lines) < 3 * len(lines):
        raise IngestError(path, "PDF text layer is scattered characters, not running text")
    blocks = layout(lines)
    if not any(b.kind in ("paragraph", "title", "heading") for b in blocks):
        raise IngestError(path, "PDF has no text layer (scanned images only?)")
    return Parsed(blocks, _info_meta(info, blocks, "pymupdf"))


def pymupdf_lines(data: bytes, path) -> tuple[list[Line], dict[str, str]]:
    import pymupdf

    try:
        document = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # noqa: BLE001 - MuPDF raises its own types for unreadable files
        raise IngestError(path, f"unreadable PDF: {exc}") from None
    with document:
        if document.is_repaired:
            raise IngestError(path, "damaged PDF (truncated or corrupt; MuPDF had to repair it)")
        if document.needs_pass:
            raise IngestError(path, "encrypted PDF")
        lines: list[Line] = []
        for number, page in enumerate(document):
            width, height = page.rect.width, page.rect.height
            for block in page.get_text("dict")["blocks"]:
                for line in block.get("lines", []):
                    spans = [s for s in line["spans"] if s["text"]]
                    text = "".join(s["text"] for s in spans)
                    if not text.strip():
                        continue
                    x0, y0, x1, y1 = line["bbox"]
                    size = max(s["size"] for s in spans)
                    lines.append(Line(number, x0, y0, x1, y1, text, round(size, 1), width, height))
        info = {k: v for k, v in (document.metadata or {}).items() if isinstance(v, str)}
    return lines, info


def pdfminer_lines(data: bytes, path) -> tuple[list[Line], dict[str, str]]:
    """Text lines from pdfminer's layout analysis (the engine behind ChemDataExtractor's PdfReader)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTTextContainer, LTTextLine

    lines: list[Line] = []
    try:
        for number, page in enumerate(extract_pages(io.BytesIO(data))):
            width, height = page.width, page.height
            for element in page:
                if not isinstance(element, LTTextContainer):
                    continue
                for line in element:
                    if not isinstance(line, LTTextLine):
                        continue
                    text = line.get_text().rstrip("\n")
                    if not text.strip():
                        continue
                    sizes = [c.size for c in line if isinstance(c, LTChar)]
                    # pdfminer's y axis points up; flip it to match PyMuPDF's
                    lines.append(Line(number, line.x0, height - line.y1, line.x1, height - line.y0, text,
                                      round(max(sizes) if sizes else 0.0, 1), width, height))
    except Exception as exc:  # noqa: BLE001
        raise IngestError(path, f"unreadable PDF: {exc}") from None
    return lines, {}


# ------------------------------------------------------------------------------------------------ layout

_BAND = 0.08  # top and bottom share of the page where running headers and footers live
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\s*$", re.IGNORECASE)


def _furniture(lines: list[Line]) -> set[int]:
    """Indexes of running headers, footers and page numbers."""
    pages = len({line.page for line in lines}) or 1
    def key(line: Line) -> str:
        return re.sub(r"\d+", "#", " ".join(line.text.split())).lower()
    banded = [i for i, line in enumerate(lines) if line.y1 < line.height * _BAND or line.y0 > line.height * (1 - _BAND)]
    counts = Counter(key(lines[i]) for i in banded)
    drop = set()
    for i in banded:
        line = lines[i]
        if _PAGE_NUMBER.match(line.text) or (pages > 1 and counts[key(line)] >= max(2, pages // 2)):
            drop.add(i)
    return drop


def _ordered(lines: list[Line]) -> list[Line]:
    """Reading order: per page, lines spanning the page above the columns, then the left column, then the right
    column, then spanning lines below; a page without a right column is read top to bottom."""
    out: list[Line] = []
    pages: dict[int, list[Line]] = {}
    for line in lines:
        pages.setdefault(line.page, []).append(line)
    for page in sorted(pages):
        on_page = pages[page]
        width = on_page[0].width
        middle = width / 2
        right = [line for line in on_page if line.x0 >= middle - 0.02 * width and line.x1 - line.x0 < 0.55 * width]
        crossing = [line for line in on_page if line.x0 < middle - 0.02 * width and line.x1 > middle + 0.02 * width]
        if not right or len(crossing) > 0.3 * len(on_page):  # one column
            out.extend(sorted(on_page, key=lambda line: (round(line.y0), line.x0)))
            continue
        spanning = [line for line in on_page if line.x0 < middle - 0.02 * width and line.x1 > middle + 0.02 * width]
        spanning_ids = {id(line) for line in spanning}
        columns = [line for line in on_page if id(line) not in spanning_ids]
        top = min((line.y0 for line in columns), default=0.0)
        above = [line for line in spanning if line.y0 < top]
        below = [line for line in spanning if line.y0 >= top]
        left = [line for line in columns if line.x0 < middle - 0.02 * width]
        rightcol = [line for line in columns if line.x0 >= middle - 0.02 * width]
        for group in (above, left, rightcol, below):
            out.extend(sorted(group, key=lambda line: (round(line.y0), line.x0)))
    return out


def layout(lines: list[Line]) -> list[Block]:
    """Blocks of a PDF's lines: furniture dropped, columns ordered, lines joined into paragraphs."""
    drop = _furniture(lines)
    furniture = [Block("navigation", lines[i].text) for i in sorted(drop)]
    kept = _ordered([line for i, line in enumerate(lines) if i not in drop])
    if not kept:
        return furniture
    body_size = Counter(line.size for line in kept).most_common(1)[0][0]
    gaps = [b.y0 - a.y0 for a, b in zip(kept, kept[1:]) if a.page == b.page and 0 < b.y0 - a.y0 < 3 * body_size]
    step = statistics.median(gaps) if gaps else body_size * 1.2
    lefts = _column_lefts(kept)
    indents = [line.x0 > lefts[_column_key(line)] + 0.8 * line.size for line in kept]
    uses_indent = sum(indents) >= 3  # paragraphs start with an indented line: a break alone ends none
    paragraphs: list[list[Line]] = []
    for line, indented in zip(kept, indents):
        previous = paragraphs[-1][-1] if paragraphs else None
        if previous is None or abs(line.size - previous.size) > 0.6:
            new = True
        elif line.page != previous.page or line.y0 < previous.y0 - step:  # next page or column
            new = indented if uses_indent else not _continues(previous, line)
        else:
            new = line.y0 - previous.y0 > step * 1.25 * line.size / body_size or indented
        if new:
            paragraphs.append([line])
        else:
            paragraphs[-1].append(line)
    words = _words(kept)
    blocks: list[Block] = []
    title_size = max((line.size for line in kept if line.page == 0), default=body_size)
    for paragraph in paragraphs:
        text = _join(paragraph, words)
        first = paragraph[0]
        if not blocks and first.page == 0 and first.size >= body_size + 2 and first.size == title_size:
            blocks.append(Block("title", text))
            continue
        heading = _heading(text) if len(paragraph) <= 2 and len(text) <= 100 else None
        blocks.append(heading if heading is not None else Block("paragraph", text))
    return blocks + furniture


def _column_key(line: Line) -> tuple[int, int]:
    return line.page, 0 if line.x0 < line.width / 2 - 0.02 * line.width else 1


def _column_lefts(lines: list[Line]) -> dict[tuple[int, int], float]:
    """The left edge of each page column: a low percentile of its lines' x0 (indented first lines aside)."""
    starts: dict[tuple[int, int], list[float]] = {}
    for line in lines:
        starts.setdefault(_column_key(line), []).append(line.x0)
    return {key: sorted(xs)[len(xs) // 10] for key, xs in starts.items()}


def _continues(previous: Line, line: Line) -> bool:
    """A paragraph running on to the next page or column: the previous line filled its column (no sentence end)."""
    return not re.search(r"[.!?:]\s*$", previous.text)


def _words(lines: list[Line]) -> set[str]:
    return {w.strip(".,;:()[]").lower() for line in lines for w in line.text.split()}


def _join(paragraph: list[Line], words: set[str]) -> str:
    text = ""
    for line in paragraph:
        piece = " ".join(line.text.split())
        if not text:
            text = piece
            continue
        match = re.search(r"(\w+)-$", text)
        nxt = re.match(r"\w+", piece)
        if match and nxt:
            head, tail = match.group(1), nxt.group()
            both_lower = head[-1].islower() and tail[0].islower()
            keep_hyphen = not both_lower or (f"{head}-{tail}".lower() in words and f"{head}{tail}".lower() not in words)
            text = text[:-1] + ("-" if keep_hyphen else "") + piece
        elif text.endswith(("-", "/")) and piece[:1].isalnum():
            text += piece
        else:
            text += " " + piece
    return text


def _info_meta(info: dict[str, str], blocks: list[Block], reader: str) -> Meta:
    title = (info.get("title") or info.get("Title") or "").strip() or None
    if title is None or len(title) < 8 or title.lower().endswith((".doc", ".docx", ".pdf", ".tex", ".dvi")):
        title = next((b.text for b in blocks if b.kind == "title"), None)
    author = info.get("author") or info.get("Author") or ""
    authors = [a.strip() for a in author.split(";" if ";" in author else ",") if a.strip()]
    return Meta(title=title, authors=authors, extra={"reader": reader})
