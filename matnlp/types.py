"""Plain typed objects passed between pipeline stages.

Every span (token, sentence, section, entity) is a pair of character offsets into ``Document.text``, the
normalized text, which never changes after normalization.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class Token:
    """A word token; ``text == document.text[start:end]``."""

    text: str
    start: int
    end: int


@dataclass(slots=True)
class Sentence:
    """A sentence span with its tokens."""

    start: int
    end: int
    tokens: list[Token] = field(default_factory=list)


@dataclass(slots=True)
class Section:
    """A titled part of a document (heading, abstract, body section) as a span of ``Document.text``."""

    title: str
    start: int
    end: int


@dataclass(slots=True)
class Source:
    """Where a document came from: file path, detected format, content hash, and record index for multi-doc files."""

    path: str
    format: str
    sha256: str = ""
    record: int | None = None


@dataclass(slots=True)
class Meta:
    """Bibliographic metadata, as much as the source provides."""

    doi: str | None = None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    journal: str | None = None
    year: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Document:
    """A paper after ingest: normalized text, metadata, sections and (after tokenization) sentences."""

    id: str
    text: str
    source: Source
    meta: Meta = field(default_factory=Meta)
    sections: list[Section] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; tokens are stored compactly as ``[start, end]`` pairs (text is recoverable)."""
        d = asdict(self)
        d["sentences"] = [
            {"start": s.start, "end": s.end, "tokens": [[t.start, t.end] for t in s.tokens]} for s in self.sentences
        ]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Document:
        """Inverse of :meth:`to_dict`."""
        text = d["text"]
        sentences = [
            Sentence(s["start"], s["end"], [Token(text[a:b], a, b) for a, b in s["tokens"]]) for s in d["sentences"]
        ]
        return cls(
            id=d["id"],
            text=text,
            source=Source(**d["source"]),
            meta=Meta(**d["meta"]),
            sections=[Section(**s) for s in d["sections"]],
            sentences=sentences,
        )


@dataclass(slots=True)
class Entity:
    """A labelled span of ``Document.text`` (or of the text given to a tagger)."""

    start: int
    end: int
    label: str
    text: str
    score: float = 1.0
