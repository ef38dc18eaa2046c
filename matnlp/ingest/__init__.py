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
from ..types import Document, Section, Source
from ..config import DOCUMENT_TIMEOUT
from .base import MAX_INPUT_BYTES, MAX_PDF_BYTES, MAX_TEXT_CHARS, Block, Parsed, deadline
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
            yield item if isinstance(item, IngestError) else (
                item, replace(source, record=index if fmt in MULTI_RECORD else None))
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
    """Normalized, sectioned, tokenized Document from a reader's blocks.

    Blocks are normalized one by one and joined with blank lines; title, abstract and headings become Sections.
    The id is the DOI if known, else the source's id, else the file stem (``stem#record`` in multi-record files).
    """
    spans: list[tuple[str, str, int, int]] = []
    pos = 0
    for block in parsed.blocks:
        text = normalize(block.text).strip()
        if text:
            pos += 2 if spans else 0
            spans.append((block.kind, text, pos, pos + len(text)))
            pos += len(text)
    text = "\n\n".join(span[1] for span in spans)
    if not text:
        raise IngestError(source.path, "no text content")
    if len(text) > MAX_TEXT_CHARS:
        raise IngestError(source.path, f"document text exceeds limit of {MAX_TEXT_CHARS} characters")
    meta = replace(parsed.meta, extra=dict(parsed.meta.extra))
    if meta.title is None:
        meta.title = next((t for kind, t, _, _ in spans if kind == "title"), None)
    doc = Document(_doc_id(parsed, source), text, source, meta, _sections(spans))
    return tokenize_document(doc)


def _doc_id(parsed: Parsed, source: Source) -> str:
    if parsed.meta.doi or parsed.id:
        return parsed.meta.doi or parsed.id
    stem = Path(inner_name(Path(source.path))).stem
    return stem if source.record is None else f"{stem}#{source.record}"


def _sections(spans: list[tuple[str, str, int, int]]) -> list[Section]:
    """Title and (merged consecutive) abstract blocks, and each heading up to the next structural block."""
    sections: list[Section] = []
    heading: Section | None = None
    previous = None
    for kind, text, start, end in spans:
        if kind == "abstract" and previous == "abstract":
            sections[-1].end = end
        elif kind in ("title", "abstract"):
            sections.append(Section(kind.capitalize(), start, end))
            heading = None
        elif kind == "heading":
            heading = Section(text, start, end)
            sections.append(heading)
        elif heading is not None:
            heading.end = end
        previous = kind
    return sections
