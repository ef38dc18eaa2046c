"""Format sniffing (content first, file suffix second) and the one registry of readers.

A reader is ``reader(data: bytes, path) -> Iterable[Parsed | IngestError]``: one item per paper (several for
multi-record formats, where a bad record is yielded as an IngestError); it raises IngestError when the whole file
is unusable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import PurePath

from ..errors import IngestError
from .base import Parsed, match_doi
from .brat import read_brat
from .jsonl import read_json
from .text import read_text

Reader = Callable[[bytes, PurePath], Iterable[Parsed | IngestError]]

REGISTRY: dict[str, Reader] = {
    "text": read_text,
    "jsonl": read_json,
    "brat-txt": read_brat,
}
#: Formats whose files hold several papers; their documents carry ``Source.record``.
MULTI_RECORD = frozenset({"jsonl"})

JSON_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson"})
_LEADING = b"\xef\xbb\xbf \t\r\n"


def sniff(data: bytes, name: str) -> str:
    """Format of ``data`` (a key of :data:`REGISTRY`); ``name`` (the inner file name) breaks ties."""
    head = data[:4096].lstrip(_LEADING)
    suffix = PurePath(name).suffix.lower()
    if head[:1] == b"{" or suffix in JSON_SUFFIXES:
        return "jsonl"
    first_line = head.split(b"\n", 1)[0].decode("utf-8", "replace")
    if match_doi(first_line):
        return "brat-txt"
    return "text"
