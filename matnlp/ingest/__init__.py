"""Paper ingestion: sniff each input's format, read it with the registered reader, assemble Documents.

Every input file ends as at least one Document or exactly one IngestError naming the file and the reason
(multi-record files: one per record); :func:`read_file` never raises for bad content.

Limits (``base``): an input file, or a ``.gz`` file's decompressed content, over :data:`MAX_INPUT_BYTES` (200 MiB),
a PDF over :data:`MAX_PDF_BYTES` (50 MiB), a paper whose normalized text exceeds :data:`MAX_TEXT_CHARS` (20 million
characters), and a reader that spends more than ``timeout`` seconds (:data:`matnlp.config.DOCUMENT_TIMEOUT`) on one paper each end
as an IngestError naming the limit; nothing larger is ever held in memory.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from collections.abc import Iterator
from pathlib import Path

from ..errors import IngestError
from ..text.normalize import normalize
from ..text.tokenize import tokenize_document
from ..types import Caption, Document, Matter, Paragraph, Section, Source, Table
from ..config import DOCUMENT_TIMEOUT
from .base import (
    FRONT_KINDS, MAX_INPUT_BYTES, MAX_PDF_BYTES, MAX_TEXT_CHARS, TEXT_KINDS, Block, Parsed, deadline, structure,
)
from .tables import columns_and_units
from .registry import MULTI_RECORD, REGISTRY, sniff
from .walk import NOT_PAPERS, inner_name, iter_inputs, load_bytes

__all__ = [
    "MAX_INPUT_BYTES", "MAX_PDF_BYTES", "MAX_TEXT_CHARS", "NOT_PAPERS", "DOCUMENT_TIMEOUT", "REGISTRY",
    "Block", "Parsed", "assemble", "build_document", "deadline", "iter_inputs", "parse_file", "read_file", "sniff",
]

log = logging.getLogger(__name__)


def parse_file(path, timeout: float | None = DOCUMENT_TIMEOUT) -> Iterator[tuple[Parsed, Source] | IngestError]:
    """Reader output of one input file, record by record, before normalization and tokenization.

    Cheap enough for the main process of a parallel run; :func:`assemble` does the costly part. Yields at least
    one item; a failure, or a reader taking more than ``timeout`` seconds for one paper, yields an IngestError
    and ends the file. Never raises for bad content.
    """
    path = Path(path)
    produced = False
    try:
        name = inner_name(path)
        if any(path.match(pattern) for pattern in NOT_PAPERS):
            raise IngestError(path, "brat annotation file, not a paper")
        data = load_bytes(path)
        if not data.lstrip(b"\xef\xbb\xbf").strip():
            raise IngestError(path, "empty file")
        fmt = sniff(data, name)
        source = Source(str(path), fmt, hashlib.sha256(data).hexdigest())
        for index, item in enumerate(_timed(REGISTRY[fmt](data, path), timeout, "reader")):
            produced = True
            if isinstance(item, IngestError):
                yield item
            else:
                record = item.record if item.record is not None else index if fmt in MULTI_RECORD else None
                yield item, replace(source, record=record)
    except IngestError as exc:
        produced = True
        yield exc
    except Exception as exc:  # a reader bug or library failure on odd input must not stop a run
        log.debug("reader failure on %s", path, exc_info=True)
        produced = True
        yield IngestError(path, f"{type(exc).__name__}: {exc}")
    if not produced:
        yield IngestError(path, "no documents found")


def _timed(items: Iterator, seconds: float | None, what: str) -> Iterator:
    """``items``, each produced within ``seconds`` (TimeoutError otherwise)."""
    items = iter(items)
    while True:
        with deadline(seconds, what):
            item = next(items, _END)
        if item is _END:
            return
        yield item


_END = object()


def build_document(item: tuple[Parsed, Source] | IngestError) -> Document | IngestError:
    """Assemble one :func:`parse_file` item into a Document; errors pass through."""
    if isinstance(item, IngestError):
        return item
    try:
        return assemble(*item)
    except IngestError as exc:
        return exc


def read_file(path, timeout: float | None = DOCUMENT_TIMEOUT) -> list[Document | IngestError]:
    """Documents read from one input file, or its IngestErrors; never raises for bad content."""
    return [build_document(item) for item in parse_file(path, timeout)]


def assemble(parsed: Parsed, source: Source) -> Document:
    """Normalized, structured, tokenized Document from a reader's blocks.

    Headings are split into number and title and the parts they open routed (:func:`.base.structure`); a second
    copy (the same text up to spacing) of a title, abstract, caption or table is dropped. Running-text blocks (title, abstract,
    headings, paragraphs, captions) are normalized one by one and joined with blank lines into ``text``, each kept
    as a Paragraph span, captions also as Captions; title, abstract and headings become Sections (a section runs to
    the next heading of the same or a higher level). Tables, front and back matter are normalized and carried
    beside the text. The id is the DOI if known, else the source's id, else the file stem (``stem#record`` in
    multi-record files).
    """
    spans: list[tuple[Block, str, int, int]] = []
    tables: list[Table] = []
    front: list[Matter] = []
    back: list[Matter] = []
    seen: dict[str, str] = {}  # text without spacing -> kind of the first block with it
    pos = 0
    for block in structure(list(parsed.blocks)):
        text = normalize(block.text).strip()
        key = "".join(text.split()).casefold()
        if block.kind in TEXT_KINDS | {"table"}:
            if block.kind != "heading" and len(key) >= 30:
                if key in seen and {block.kind, seen[key]} & _UNIQUE_KINDS:
                    continue  # the same abstract, title or caption twice (metadata and body, a repeated float)
                seen.setdefault(key, block.kind)
            start = end = None
            if text:
                pos += 2 if spans else 0
                start, end = pos, pos + len(text)
                spans.append((block, text, start, end))
                pos = end
            if block.kind == "table":
                tables.append(_table(block, text, start, end))
        elif text:
            (front if block.kind in FRONT_KINDS else back).append(Matter(block.kind, text))
    text = "\n\n".join(span[1] for span in spans)
    if not text:
        raise IngestError(source.path, "no text content")
    if len(text) > MAX_TEXT_CHARS:
        raise IngestError(source.path, f"document text exceeds limit of {MAX_TEXT_CHARS} characters")
    meta = replace(parsed.meta, extra=dict(parsed.meta.extra), authors=[
        a for a in dict.fromkeys(normalize(a).strip() for a in parsed.meta.authors) if a])
    meta.title = normalize(meta.title).strip() or None if meta.title else None
    meta.journal = normalize(meta.journal).strip() or None if meta.journal else None
    if meta.title is None:
        meta.title = next((t for block, t, _, _ in spans if block.kind == "title"), None)
    paragraphs = [Paragraph(start, end, "caption" if block.kind == "table" else block.kind)
                  for block, _, start, end in spans]
    captions = [Caption(start, end, "table" if block.kind == "table" or block.of == "table" else "figure",
                        normalize(block.label).strip() or None if block.label else None)
                for block, _, start, end in spans if block.kind in ("caption", "table")]
    doc = Document(_doc_id(parsed, source), text, source, meta, _sections(spans), paragraphs=paragraphs,
                   captions=captions, tables=tables, front_matter=front, back_matter=back)
    return tokenize_document(doc)


#: Kinds of block that a paper has once: a second copy (up to spacing) is an extraction artefact. Two equal
#: paragraphs are left alone (a plain-text paper may repeat a sentence).
_UNIQUE_KINDS = frozenset({"title", "abstract", "caption", "table"})


def _table(block: Block, caption: str, start: int | None, end: int | None) -> Table:
    raw = block.table
    clean = lambda rows: [[" ".join(normalize(cell).split()) for cell in row] for row in rows]  # noqa: E731
    header, rows = (clean(raw.header), clean(raw.rows)) if raw else ([], [])
    width = max((len(r) for r in header + rows), default=0)
    columns, units = columns_and_units(header, width)
    footnotes = [f for f in (" ".join(normalize(f).split()) for f in (raw.footnotes if raw else [])) if f]
    label = normalize(block.label).strip() or None if block.label else None
    return Table(label, caption, header, rows, columns, units, footnotes, start, end)


def _doc_id(parsed: Parsed, source: Source) -> str:
    if parsed.meta.doi or parsed.id:
        return parsed.meta.doi or parsed.id
    stem = Path(inner_name(Path(source.path))).stem
    return stem if source.record is None else f"{stem}#{source.record}"


def _sections(spans: list[tuple[Block, str, int, int]]) -> list[Section]:
    """Title, (merged consecutive) abstract blocks, and each heading up to the next heading of the same or a
    higher level (or the next title/abstract block)."""
    sections: list[Section] = []
    open_: list[Section] = []  # headings whose section is still running
    previous = None
    for block, text, start, end in spans:
        kind = block.kind
        if kind == "abstract" and previous == "abstract":
            sections[-1].end = end
        elif kind in ("title", "abstract"):
            sections.append(Section(kind.capitalize(), start, end))
            open_ = []
        elif kind == "heading":
            open_ = [s for s in open_ if (s.level or 1) < block.level]
            heading = Section(text, start, end, block.number, block.level)
            sections.append(heading)
            open_.append(heading)
        else:
            for section in open_:
                section.end = end
        previous = kind
    return sections
