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
    number: str | None = None  # the heading's number as printed ("2.4", "3", "A.1"), kept out of the text
    level: int = 1  # 1 for a top-level section, 2 for a subsection, …


@dataclass(slots=True)
class Paragraph:
    """One block of the running text as a span of ``Document.text``; ``kind`` is ``title``, ``abstract``,
    ``heading``, ``paragraph`` or ``caption``. Blocks are separated by a blank line in the text."""

    start: int
    end: int
    kind: str = "paragraph"


@dataclass(slots=True)
class Caption:
    """A figure or table caption as a span of ``Document.text``: ``kind`` ``figure`` or ``table`` (schemes and
    charts count as figures), ``label`` as printed ("Fig. 2", "Table 1") and kept out of the text."""

    start: int
    end: int
    kind: str = "figure"
    label: str | None = None


@dataclass(slots=True)
class Table:
    """A table read from the paper's markup (HTML ``<table>``, JATS ``<table-wrap>``, Elsevier ``ce:table``).

    ``header`` holds the header rows and ``rows`` the body rows, every row as wide as the table (spanned cells
    repeated). ``columns`` names each column (header rows joined, the unit removed) and ``units`` gives the unit
    parsed from its header ("σ (S cm−1)" → "S cm−1", "T [K]" → "K", "T/K" → "K") or None. All strings are
    normalized like ``Document.text``. The caption, when the paper has one, is also in the running text at
    ``caption_start:caption_end``; the cells are not.
    """

    label: str | None = None
    caption: str = ""
    header: list[list[str]] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    units: list[str | None] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    caption_start: int | None = None
    caption_end: int | None = None


@dataclass(slots=True)
class Matter:
    """A part of a paper kept apart from the running text, with its kind: front matter (``affiliations``,
    ``authors``, ``keywords``, ``author_notes``, ``history``, ``highlights``, ``doi``) or back matter
    (``references``, one per reference; ``acknowledgements``, ``footnotes``, ``declarations``, ``supplementary``,
    ``notes``, ``navigation``, ``figure_link``). Normalized like ``Document.text``."""

    kind: str
    text: str


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
    """A paper after ingest: normalized text, metadata, sections and (after tokenization) sentences.

    ``text`` is the running text only (title, abstract, headings without their numbers, paragraphs, figure and
    table captions); ``paragraphs``, ``captions`` and ``sections`` are spans of it. Table cells (``tables``) and
    everything kept apart from the running text (``front_matter``: affiliations, keywords, …; ``back_matter``:
    references, acknowledgements, navigation, figure links, …) are carried beside it.
    """

    id: str
    text: str
    source: Source
    meta: Meta = field(default_factory=Meta)
    sections: list[Section] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    captions: list[Caption] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    front_matter: list[Matter] = field(default_factory=list)
    back_matter: list[Matter] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; tokens are stored compactly as ``[start, end]`` pairs (text is recoverable)."""
        d = asdict(self)
        d["sentences"] = [
            {"start": s.start, "end": s.end, "tokens": [[t.start, t.end] for t in s.tokens]} for s in self.sentences
        ]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Document:
        """Inverse of :meth:`to_dict`; reads shards written before the structure fields existed too."""
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
            paragraphs=[Paragraph(**p) for p in d.get("paragraphs", [])],
            captions=[Caption(**c) for c in d.get("captions", [])],
            tables=[Table(**t) for t in d.get("tables", [])],
            front_matter=[Matter(**m) for m in d.get("front_matter", [])],
            back_matter=[Matter(**m) for m in d.get("back_matter", [])],
        )


@dataclass(slots=True)
class Entity:
    """A labelled span of ``Document.text`` (or of the text given to a tagger). ``score`` is the model's raw score
    (mean tag probability); ``confidence`` the calibrated probability that the entity is right, when the model has
    a calibration (:mod:`matnlp.ner.calibrate`)."""

    start: int
    end: int
    label: str
    text: str
    score: float = 1.0
    confidence: float | None = None
