"""Format sniffing (content first, file suffix second) and the one registry of readers.

A reader is ``reader(data: bytes, path) -> Iterable[Parsed | IngestError]``: one item per paper (several for
multi-record formats, where a bad record is yielded as an IngestError); it raises IngestError when the whole file
is unusable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import PurePath

from ..errors import IngestError
from .base import Parsed, match_doi
from .brat import read_brat
from .jsonl import read_json
from .markup import read_html, read_pdf, read_xml
from .text import read_text

Reader = Callable[[bytes, PurePath], Iterable[Parsed | IngestError]]

REGISTRY: dict[str, Reader] = {
    "text": read_text,
    "jsonl": read_json,
    "brat-txt": read_brat,
    "html": read_html,
    "xml": read_xml,
    "pdf": read_pdf,
}
#: Formats whose files hold several papers; their documents carry ``Source.record``.
MULTI_RECORD = frozenset({"jsonl"})

JSON_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson"})
SUFFIX_FORMATS = {".html": "html", ".htm": "html", ".xhtml": "html", ".xml": "xml", ".nxml": "xml", ".pdf": "pdf"}
_LEADING = b"\xef\xbb\xbf \t\r\n"
_PROLOG = re.compile(rb"^(?:\s*(?:<\?[^>]*\?>|<!--.*?-->))*\s*", re.DOTALL)


def sniff(data: bytes, name: str) -> str:
    """Format of ``data`` (a key of :data:`REGISTRY`); ``name`` (the inner file name) breaks ties."""
    head = data[:4096].lstrip(_LEADING)
    suffix = PurePath(name).suffix.lower()
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head[:1] == b"<":
        # XHTML (RSC pages) opens with an XML declaration, comments or processing instructions before <!DOCTYPE html>
        markup = _PROLOG.sub(b"", head).lower()
        return "html" if re.match(rb"<(!doctype\s+html|html[\s>])", markup) else SUFFIX_FORMATS.get(suffix, "xml")
    if head[:1] == b"{" or suffix in JSON_SUFFIXES:
        return "jsonl"
    if suffix in SUFFIX_FORMATS:
        return SUFFIX_FORMATS[suffix]
    first_line = head.split(b"\n", 1)[0].decode("utf-8", "replace")
    if match_doi(first_line):
        return "brat-txt"
    return "text"
