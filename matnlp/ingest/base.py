"""Reader-side data model, size limits and helpers shared by the readers."""

from __future__ import annotations

import contextlib
import re
import signal
import threading
import time
from dataclasses import dataclass, field

from ..errors import IngestError
from ..types import Meta

#: Largest normalized text one document may have (characters); larger inputs become an IngestError.
MAX_TEXT_CHARS = 20_000_000
#: Largest input file, and largest decompressed ``.gz`` payload, read into memory (bytes).
MAX_INPUT_BYTES = 200 * 1024 * 1024
#: Largest PDF handed to the PDF parser (bytes); PDF layout analysis is slow and memory hungry.
MAX_PDF_BYTES = 50 * 1024 * 1024

#: A line longer than this is body text, not a title.
MAX_TITLE_CHARS = 300
DOI_RE = re.compile(r"^\s*(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)\s*$", re.IGNORECASE)
# Share of control characters (other than tab/newline/CR/FF) above which decoded bytes are treated as binary.
_MAX_CONTROL_RATIO = 0.05
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


@dataclass(slots=True)
class Block:
    """One structural piece of a paper as the reader found it (raw, before normalization)."""

    kind: str
    text: str


@dataclass(slots=True)
class Parsed:
    """What a reader returns per paper: raw blocks, metadata and the source's own id (JSON id, DOI, PMC id)."""

    blocks: list[Block]
    meta: Meta = field(default_factory=Meta)
    id: str | None = None


def match_doi(text: str) -> str | None:
    """The bare DOI if ``text`` is a DOI (optionally ``doi:`` or doi.org-prefixed), else None."""
    match = DOI_RE.match(text)
    return match.group(1) if match else None


def decode_text(data: bytes, path) -> tuple[str, str]:
    """Text and encoding of ``data``: BOM, then UTF-8, then cp1252/latin-1; binary content raises IngestError."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _check_text(data.decode(encoding), path), encoding
            except UnicodeDecodeError as exc:
                raise IngestError(path, f"undecodable {encoding} text: {exc.reason}") from None
    if b"\x00" in data:
        raise IngestError(path, "binary content, not text")
    for encoding in ("utf-8", "cp1252"):
        try:
            return _check_text(data.decode(encoding), path), encoding
        except UnicodeDecodeError:
            continue
    return _check_text(data.decode("latin-1"), path), "latin-1"


def _check_text(text: str, path) -> str:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f" or 0x7F <= ord(ch) < 0xA0)
    if text and controls / len(text) > _MAX_CONTROL_RATIO:
        raise IngestError(path, "binary content, not text")
    return text


def split_paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs; when the text has no blank lines, each non-empty line is one."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    chunks = re.split(r"\n[ \t]*\n", text) if re.search(r"\n[ \t]*\n", text) else text.split("\n")
    return [chunk.strip() for chunk in chunks if chunk.strip()]


@contextlib.contextmanager
def deadline(seconds: float | None, what: str):
    """Raise TimeoutError after ``seconds`` (SIGALRM; only in a process's main thread, else no limit), and again
    every second until the block ends: an exception raised where Python ignores it (a ``__del__`` or gc callback)
    does not lose the limit.

    Nests: inside an earlier-expiring deadline it does nothing, else it re-arms the enclosing one on exit.
    """
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return
    outer, outer_interval = signal.getitimer(signal.ITIMER_REAL)
    if outer and outer <= seconds:
        yield
        return

    def expire(signum, frame):
        raise TimeoutError(f"{what}: gave up after {seconds:g} s")

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 1e-6), outer_interval)
