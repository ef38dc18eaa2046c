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


#: Block kinds that make up the running text (``Document.text``); every other kind is kept apart from it.
TEXT_KINDS = frozenset({"title", "abstract", "heading", "paragraph", "caption"})
#: Kinds kept apart that belong to the front matter (the rest go to the back matter).
FRONT_KINDS = frozenset({"affiliations", "authors", "keywords", "author_notes", "history", "highlights", "doi"})


@dataclass(slots=True)
class RawTable:
    """A table as the reader found it: header and body rows of raw cell strings (spans already expanded)."""

    header: list[list[str]] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Block:
    """One structural piece of a paper as the reader found it (raw, before normalization).

    ``kind`` is one of :data:`TEXT_KINDS` (running text), ``table`` (``text`` is the caption, ``table`` the cells)
    or a kind kept apart (``references``, ``affiliations``, …). Headings carry their ``number`` ("2.4") apart from
    the ``text`` and a ``level`` (1 = section); captions and tables their ``label`` ("Fig. 1", "Table 2") and
    ``of`` (``figure`` or ``table``).
    """

    kind: str
    text: str
    number: str | None = None
    level: int = 1
    label: str | None = None
    of: str | None = None
    table: RawTable | None = None


@dataclass(slots=True)
class Parsed:
    """What a reader returns per paper: raw blocks, metadata and the source's own id (JSON id, DOI, PMC id);
    ``record`` numbers the papers of a file that holds several (a Springer API response)."""

    blocks: list[Block]
    meta: Meta = field(default_factory=Meta)
    id: str | None = None
    record: int | None = None


# "2.4 Porosity", "3. Results", "II. EXPERIMENTAL", "A.1 Details", "S2 Methods"; the number stays out of the text.
_HEADING_NUMBER = re.compile(
    r"^(?P<number>(?:\d{1,2}|[IVX]{1,5}|[A-Z]|S\d{1,2})(?:\.\d{1,2}){0,4})(?:\.|\)|:)?[ \t\u00a0\u2002-\u200a]+"
    r"(?P<title>\S.*)$", re.DOTALL)
_ROMAN_OR_LETTER = re.compile(r"^(?:[IVX]{1,5}|[A-Z])$")


def split_heading(text: str) -> tuple[str | None, str]:
    """``(number, title)`` of a heading as printed: ``"2.4 Porosity"`` → ``("2.4", "Porosity")``; no number →
    ``(None, text)``. A lone capital letter or Roman numeral counts only when followed by a dot
    (``"A. Samples"``, ``"IV. RESULTS"``), so ``"X-ray diffraction"`` and ``"A new route"`` stay whole."""
    stripped = text.strip()
    match = _HEADING_NUMBER.match(stripped)
    if not match or not match.group("title").strip():
        return None, stripped
    number = match.group("number")
    after = stripped[len(number):len(number) + 1]
    if _ROMAN_OR_LETTER.match(number) and after not in (".", ")"):
        return None, stripped
    if number.isdigit() and not match.group("title")[:1].isupper():  # "3 mol% YSZ" is no heading
        return None, stripped
    return number, match.group("title").strip()


def number_level(number: str | None) -> int:
    """Level of a section number: ``"2"`` → 1, ``"2.4"`` → 2, ``"2.4.1"`` → 3."""
    return number.count(".") + 1 if number else 1


# Headings that open a part kept apart from the running text (until a heading of the same or a higher level).
_APART_HEADINGS = [
    ("references", r"(?:notes and |notes & )?(?:references?|bibliography|literature cited|cited literature|"
                   r"references and notes|works cited)"),
    ("acknowledgements", r"acknowledge?ments?|acknowledge?ment of funding"),
    ("declarations", r"(?:declaration of )?(?:competing|conflicts?) of interests?|conflicts? of interest statement|"
                     r"competing interests?|declaration of competing interest|author contributions?|"
                     r"credit authorship contribution statement|funding(?: sources| information)?|"
                     r"data availability(?: statement)?|ethics declarations?|declarations"),
    ("supplementary", r"(?:electronic )?supplementary (?:information|material|data)|supporting information|"
                      r"associated content|appendix a\. supplementary (?:data|material)"),
    ("notes", r"author information|about this article|rights and permissions|additional information|"
              r"footnotes|notes|abbreviations|nomenclature"),
    ("keywords", r"key ?words|index terms"),
]
APART_HEADING = [(kind, re.compile(rf"^(?:{pattern})\s*[:.]?$", re.IGNORECASE)) for kind, pattern in _APART_HEADINGS]
ABSTRACT_HEADING = re.compile(r"^(?:abstract|summary|a b s t r a c t)\s*[:.]?$", re.IGNORECASE)


def apart_kind(heading: str) -> str | None:
    """The kind kept apart that a heading opens (``"Notes and references"`` → ``references``), else None."""
    text = " ".join(heading.split())
    return next((kind for kind, pattern in APART_HEADING if pattern.match(text)), None)


def structure(blocks: list[Block]) -> list[Block]:
    """Headings split into number and title; the parts that headings open routed by kind: an "Abstract" heading
    makes the paragraphs up to the next heading the abstract, a "References" (acknowledgements, declarations, …)
    heading moves everything up to the next heading of the same or a higher level out of the running text.
    Works on any reader's blocks (plain text, PDF, markup without explicit structure)."""
    out: list[Block] = []
    apart: tuple[str, int] | None = None  # (kind, level of the heading that opened it)
    abstract = False
    body_started = False  # a heading of the body seen: a later "Summary" is a conclusion, not the abstract
    for block in blocks:
        if block.kind == "heading":
            if block.number is None:
                block.number, block.text = split_heading(block.text)
                if block.number and block.level == 1:
                    block.level = number_level(block.number)
            if apart and block.level <= apart[1]:
                apart = None
            abstract = False
            kind = apart_kind(block.text)
            if apart is None and kind:
                apart = (kind, block.level)
                continue
            if apart is None and not body_started and ABSTRACT_HEADING.match(" ".join(block.text.split())) and not any(
                    b.kind == "abstract" for b in out):
                abstract = True
                continue
            if apart is None:
                body_started = True
        if apart is not None and block.kind in TEXT_KINDS | {"table"}:
            if block.kind == "heading":
                continue  # a subheading inside the references
            kind = apart[0]
            out.extend(Block(kind, text) for text in _items(kind, block.text))
            continue
        if abstract and block.kind == "paragraph":
            block.kind = "abstract"
        out.append(block)
    return out


def _items(kind: str, text: str) -> list[str]:
    """A references block that holds one reference per line gives one item per line."""
    if kind == "references" and "\n" in text.strip():
        return [line for line in text.split("\n") if line.strip()]
    return [text]


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
