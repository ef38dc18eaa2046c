"""The in-memory API: :class:`Pipeline` holds the loaded models and the per-document function
(:meth:`Pipeline.record`); :func:`load` builds one, :func:`extract` uses the default one. Batch runs over files are
in :mod:`matnlp.runner`."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import ConfigError, IngestError
from .extractors.materials import extract_materials
from .extractors.properties import extract_properties
from .extractors.synthesis import extract_steps, synthesis_spans
from .ingest import build_document, parse_file
from .records import Provenance, Record, build_record
from .text.tokenize import tokenize_document
from .types import Document, Entity, Source

log = logging.getLogger(__name__)



@dataclass(frozen=True, slots=True)
class ModelPaths:
    """Which models a pipeline uses (hashable, so each worker loads them once)."""

    ner: str | None = None
    synthesis: str | None = None
    device: str = "auto"
    precision: str = "auto"


class Pipeline:
    """Loaded models plus the per-document extraction. ``nlp(text_or_path)`` → :class:`Record`.

    Without an NER model, materials and properties come from the formula/name finders and the property lexicon;
    without a synthesis model, operations come from the Kononova operation lexicon.
    """

    def __init__(self, ner: str | Path | None = None, synthesis: str | Path | None = None, device: str = "auto",
                 precision: str = "auto"):
        from . import ner as ner_models

        self.paths = ModelPaths(_str(ner), _str(synthesis), device, precision)
        self.ner = ner_models.load(ner, device=device, precision=precision) if ner else None
        self.synthesis = ner_models.load(synthesis, device=device, precision=precision) if synthesis else None
        roles = {"ner": ner, "synthesis": synthesis}
        self.provenance = Provenance.now({role: path for role, path in roles.items() if path})

    def __call__(self, item: str | Path | Document) -> Record:
        """Record of one text, file path or Document (a file with several papers: its first one)."""
        return self.record(to_document(item))

    def pipe(self, items: Iterable[str | Path | Document], batch_size: int = 16) -> Iterator[Record]:
        """Records of many texts/paths/Documents, streamed; NER runs batched across ``batch_size`` documents."""
        batch: list[Document] = []
        for item in items:
            batch.append(to_document(item))
            if len(batch) >= batch_size:
                yield from self.records(batch)
                batch = []
        if batch:
            yield from self.records(batch)

    def record(self, doc: Document) -> Record:
        """Extraction of one Document."""
        return self.records([doc])[0]

    def records(self, docs: list[Document]) -> list[Record]:
        """Extraction of several Documents, NER batched across them."""
        entities = self._tag(self.ner, docs, [None] * len(docs))
        spans = [synthesis_spans(d.text, d.sentences) for d in docs]
        ops = self._tag(self.synthesis, docs, spans) if self.synthesis else [None] * len(docs)
        return [self._record(d, e if self.ner else None, s, o) for d, e, s, o in zip(docs, entities, spans, ops)]

    def _record(self, doc: Document, entities: list[Entity] | None, spans, ops: list[Entity] | None) -> Record:
        materials = extract_materials(doc.text, entities, doc.sentences)
        properties = extract_properties(doc.text, entities, doc.sentences)
        steps = extract_steps(doc.text, ops, doc.sentences, within=spans)
        return build_record(doc, self.provenance, entities or [], materials, properties, steps)

    @staticmethod
    def _tag(tagger, docs: list[Document], within: list) -> list[list[Entity]]:
        """Tagger entities per document, only on sentences inside ``within`` spans where those are given."""
        if tagger is None:
            return [[] for _ in docs]
        sents = [
            d.sentences if spans is None else [s for s in d.sentences if any(a <= s.start < b for a, b in spans)]
            for d, spans in zip(docs, within)
        ]
        return tagger.tag_sentences([d.text for d in docs], sents)


def _str(path: str | Path | None) -> str | None:
    return None if path is None else str(path)


def to_document(item: str | Path | Document) -> Document:
    """A Document from a Document, an existing file path (read and normalized like ``matnlp ingest``), or a
    text string (kept exactly as given, so entity offsets index the caller's string)."""
    if isinstance(item, Document):
        return item
    if isinstance(item, Path) or (isinstance(item, str) and "\n" not in item and len(item) < 4096
                                  and os.path.isfile(item)):
        first = next(iter(parse_file(item)))
        if isinstance(first, IngestError):
            raise first
        doc = build_document(first)
        if isinstance(doc, IngestError):
            raise doc
        return doc
    if not isinstance(item, str):
        raise ConfigError(f"expected text, a path or a Document, got {type(item).__name__}")
    digest = hashlib.sha256(item.encode("utf-8")).hexdigest()
    return tokenize_document(Document(f"text-{digest[:12]}", item, Source("<string>", "string", digest)))


def load(ner: str | Path | None = None, synthesis: str | Path | None = None, device: str = "auto",
         precision: str = "auto") -> Pipeline:
    """A :class:`Pipeline` with the given model directories (each optional)."""
    return Pipeline(ner=ner, synthesis=synthesis, device=device, precision=precision)


@lru_cache(maxsize=1)
def default_pipeline() -> Pipeline:
    """The pipeline ``matnlp.extract`` uses: ``models/ner-matscholar`` and ``models/ner-mspt`` when they exist
    under the working directory (or ``$MATNLP_MODELS``), else the model-free finders."""
    root = Path(os.environ.get("MATNLP_MODELS", "models"))
    ner, synthesis = root / "ner-matscholar", root / "ner-mspt"
    return Pipeline(ner=ner if ner.is_dir() else None, synthesis=synthesis if synthesis.is_dir() else None)


def extract(item: str | Path | Document) -> Record:
    """Record of one text, path or Document with the default pipeline (see :func:`default_pipeline`)."""
    return default_pipeline()(item)
