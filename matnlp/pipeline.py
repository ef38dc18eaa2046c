"""The in-memory API: :class:`Pipeline` holds the loaded models and the per-document function
(:meth:`Pipeline.record`); :func:`load` builds one, :func:`extract` uses the default one. Batch runs over files are
in :mod:`matnlp.runner`."""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

from .confidence import check_confidence, drop_below, record_filter_file
from .config import DOCUMENT_TIMEOUT
from .errors import ConfigError, IngestError
from .extractors.doping import attach_dopings, extract_dopings
from .extractors.materials import MATERIAL_LABELS, extract_materials
from .extractors.properties import extract_properties, with_lexicon
from .extractors.paragraphs import ParagraphClass, synthesis_paragraphs
from .extractors.recipes import build_recipes
from .extractors.synthesis import read_synthesis
from .extractors.tables import extract_table_properties
from .ingest import MAX_TEXT_CHARS, build_document, deadline, parse_file
from .io import check_positive
from .records import Provenance, Record, build_record
from .text.tokenize import tokenize_document
from .types import Document, Entity, Source

log = logging.getLogger(__name__)



@dataclass(frozen=True, slots=True)
class ModelPaths:
    """Which models a pipeline uses (hashable, so each worker loads them once): ``ner`` (entities), ``synthesis``
    (operations) and ``properties`` (PROPERTY/MAT spans for the property extractor, e.g. ``models/ner-mulms``)."""

    ner: str | None = None
    synthesis: str | None = None
    device: str = "auto"
    precision: str = "auto"
    properties: str | None = None

    def roles(self) -> dict[str, str]:
        """Role -> model directory of the models given (the provenance's ``models``)."""
        return {role: path for role, path in
                (("ner", self.ner), ("synthesis", self.synthesis), ("properties", self.properties)) if path}

    def check(self) -> ModelPaths:
        """Raise :class:`~matnlp.errors.ModelError` naming a model directory that is missing or broken (files,
        sizes, weights header, labels; :func:`matnlp.ner.modeldir.check_model_dir`), before any work starts."""
        from .ner.modeldir import check_model_dir

        for path in self.roles().values():
            check_model_dir(path)
        return self


class Pipeline:
    """Loaded models plus the per-document extraction: ``nlp(text)`` → :class:`Record`; ``nlp.file(path)`` for a
    file, ``nlp.text(text)`` for a string that is text whatever it looks like.

    Without an NER model, materials and properties come from the formula/name finders and the property lexicon;
    without a synthesis model, operations come from the Kononova operation lexicon. A ``properties`` model's
    PROPERTY/MAT spans (not the NER model's PRO spans) are the property mentions and their materials. Either
    model's property mentions are completed with the model-free ones they do not overlap (MuLMS dev triple F1 in
    MEASUREMENT sentences with the Matscholar quick model: PRO spans alone 0.523, with the model-free ones 0.716).

    Limits, as in ``matnlp extract``: a document may take ``timeout`` seconds (default
    :data:`matnlp.config.DOCUMENT_TIMEOUT`; ``None``: no limit; enforced in the main thread only), else
    ``TimeoutError``; a text over ``max_chars`` characters (default :data:`MAX_TEXT_CHARS`) is refused with an
    :class:`~matnlp.errors.IngestError` before any work.

    Every part gets a ``confidence`` (:mod:`matnlp.confidence`; valued properties from the NER model's own record
    filter where it has one); with ``min_confidence``, parts below it are dropped from the records
    (:func:`matnlp.confidence.drop_below`).
    """

    def __init__(self, ner: str | Path | None = None, synthesis: str | Path | None = None, device: str = "auto",
                 precision: str = "auto", timeout: float | None = DOCUMENT_TIMEOUT, max_chars: int = MAX_TEXT_CHARS,
                 min_confidence: float | None = None, properties: str | Path | None = None):
        from . import ner as ner_models

        check_positive(timeout=timeout, max_chars=max_chars)
        check_confidence(min_confidence)
        self.timeout, self.max_chars, self.min_confidence = timeout, max_chars, min_confidence
        self.paths = ModelPaths(_str(ner), _str(synthesis), device, precision, _str(properties)).check()
        self.ner, self.synthesis, self.properties = (ner_models.load(path, device=device, precision=precision)
                                                     if path else None for path in (ner, synthesis, properties))
        self.provenance = Provenance.now(self.paths.roles())
        self.record_filter = record_filter_file(self.paths.ner)

    def __call__(self, item: str | Path | Document) -> Record:
        """Record of one text, file or Document. A ``pathlib.Path`` is a file; a string is text unless it looks
        like a file path (short, no whitespace, a path separator or a file extension): then it is that file, and
        :class:`FileNotFoundError` when there is none (:meth:`text` takes any string as text)."""
        with deadline(self.timeout, _what(item)):
            return self.record(to_document(item, self.max_chars))

    def text(self, text: str) -> Record:
        """Record of ``text``, kept exactly as given (entity offsets index it), whatever it looks like."""
        if not isinstance(text, str):
            raise ConfigError(f"expected text (str), got {type(text).__name__}")
        with deadline(self.timeout, "text"):
            return self.record(text_document(text, self.max_chars))

    def file(self, path: str | Path) -> Record:
        """Record of the paper in the file ``path`` (read and normalized like ``matnlp ingest``; of a file with
        several papers, the first, with a warning: :meth:`pipe` over :func:`file_documents`, or
        :func:`matnlp.runner.run`, gives them all)."""
        with deadline(self.timeout, str(path)):
            return self.record(file_document(path, self.max_chars))

    def pipe(self, items: Iterable[str | Path | Document], batch_size: int = 16) -> Iterator[Record]:
        """Records of many texts/paths/Documents (each taken as by :meth:`__call__`), streamed; NER runs batched
        across ``batch_size`` documents, which share ``batch_size`` times the per-document deadline."""
        check_positive(batch_size=batch_size)
        batch: list[Document] = []
        for item in items:
            with deadline(self.timeout, _what(item)):
                batch.append(to_document(item, self.max_chars))
            if len(batch) >= batch_size:
                yield from self.records(batch)
                batch = []
        if batch:
            yield from self.records(batch)

    def record(self, doc: Document) -> Record:
        """Extraction of one Document."""
        return self.records([doc])[0]

    def records(self, docs: list[Document]) -> list[Record]:
        """Extraction of several Documents, NER batched across them, within ``timeout`` seconds per document."""
        for doc in docs:
            _check_size(len(doc.text), self.max_chars, doc.source.path)
        limit = self.timeout * len(docs) if self.timeout else None
        with deadline(limit, docs[0].id if len(docs) == 1 else f"{len(docs)} documents"):
            entities = self._tag(self.ner, docs, [None] * len(docs))
            spans_of = self._tag(self.properties, docs, [None] * len(docs)) if self.properties else entities
            paragraphs = [synthesis_paragraphs(d) for d in docs]
            spans = [[(p.start, p.end) for p in ps] for ps in paragraphs]
            ops = self._tag(self.synthesis, docs, spans) if self.synthesis else [None] * len(docs)
            records = [self._record(d, e if self.ner else None, m if self.ner or self.properties else None, p, o)
                       for d, e, m, p, o in zip(docs, entities, spans_of, paragraphs, ops)]
        if self.min_confidence is not None:
            for record in records:
                drop_below(record, self.min_confidence)
        return records

    def _record(self, doc: Document, entities: list[Entity] | None, property_spans: list[Entity] | None,
                paragraphs: list[ParagraphClass], ops: list[Entity] | None) -> Record:
        """The record of ``doc``: ``entities`` of the NER model, ``property_spans`` what the property extractor
        takes (the properties model's, else the same entities, plus the model-free property mentions they miss;
        ``None``: the model-free finders alone)."""
        materials = extract_materials(doc.text, entities, doc.sentences)
        attach_dopings(materials, extract_dopings(doc.text, doc.sentences))
        mentions = [span for m in materials for span in m.mentions]
        if property_spans is not None and self.properties is None:
            property_spans = kept_materials(property_spans, mentions)
        spans = with_lexicon(doc.text, property_spans) if property_spans is not None else None
        properties = (extract_properties(doc.text, spans, doc.sentences, materials=mentions if entities is None else None)
                      + extract_table_properties(doc.tables))
        # Steps and recipes only inside the synthesis paragraphs, where the synthesis tagger ran.
        synthesis = read_synthesis(doc.text, ops, doc.sentences, within=[(p.start, p.end) for p in paragraphs],
                                   materials=mentions)
        formulas = {span: m.formula for m in materials if m.formula for span in m.mentions}
        recipes = build_recipes(synthesis, [(p.start, p.end, p.label) for p in paragraphs], formulas)
        return build_record(doc, self.provenance, entities or [], materials, properties, synthesis.steps,
                            operations=ops or [], recipes=recipes, record_filter=self.record_filter)

    @staticmethod
    def _tag(tagger, docs: list[Document], within: list) -> list[list[Entity]]:
        """Tagger entities per document, only on sentences inside ``within`` spans where those are given."""
        if tagger is None:
            return [[] for _ in docs]
        sents = [d.sentences if spans is None else sentences_within(d.sentences, spans)
                 for d, spans in zip(docs, within)]
        return tagger.tag_sentences([d.text for d in docs], sents)


def kept_materials(entities: list[Entity], mentions: list[tuple[int, int]]) -> list[Entity]:
    """The entities less the material spans the material finder dropped (``Choi`` of "Choi et al.", a vendor): a
    value's material is one of the paper's materials. A kept span stays whole ("SrCo1−xNbxO3−δ (x = 0.05, 0.10)"
    holds its compositions, no values)."""
    mentions = sorted(mentions)
    starts, ends = [a for a, _ in mentions], list(accumulate((b for _, b in mentions), max))

    def kept(e: Entity) -> bool:
        i = bisect_left(starts, e.end) - 1  # the mentions starting before the entity ends ...
        return i >= 0 and ends[i] > e.start  # ... reach into it, the furthest end of them telling

    return [e for e in entities if e.label not in MATERIAL_LABELS or kept(e)]


def sentences_within(sentences: list, spans: list[tuple[int, int]]) -> list:
    """The sentences that start inside one of ``spans``: by bisection, not a scan of all the spans per sentence.
    A start lies in a span iff, among the spans starting at or before it, the furthest end lies beyond it."""
    spans = sorted(spans)
    starts = [a for a, _ in spans]
    ends = list(accumulate((b for _, b in spans), max))
    out = []
    for s in sentences:
        i = bisect_right(starts, s.start) - 1
        if i >= 0 and s.start < ends[i]:
            out.append(s)
    return out


def _str(path: str | Path | None) -> str | None:
    return None if path is None else str(path)


#: Longest string that may be a file path (PATH_MAX); a longer one is always text.
MAX_PATH_CHARS = 4096
_EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,7}$")


def looks_like_path(text: str) -> bool:
    """Whether a string reads as a file path rather than text: short, without whitespace, and with a path
    separator or a file extension (``papers/a.txt``, ``paper.xml``; not ``LiFePO4`` or ``3.2eV``)."""
    return (0 < len(text) <= MAX_PATH_CHARS and not any(c.isspace() for c in text)
            and ("/" in text or os.sep in text or bool(_EXTENSION.search(text))))


def to_document(item: str | Path | Document, max_chars: int = MAX_TEXT_CHARS) -> Document:
    """A Document from a Document, a file (a ``pathlib.Path``, or a string that :func:`looks_like_path`: read and
    normalized like ``matnlp ingest``; :class:`FileNotFoundError` when it does not exist), or a text string (kept
    exactly as given, so entity offsets index the caller's string)."""
    if isinstance(item, Document):
        return item
    if isinstance(item, Path) or (isinstance(item, str) and looks_like_path(item)):
        return file_document(item, max_chars)
    if not isinstance(item, str):
        raise ConfigError(f"expected text, a path or a Document, got {type(item).__name__}")
    return text_document(item, max_chars)


def text_document(text: str, max_chars: int = MAX_TEXT_CHARS) -> Document:
    """The Document of a text string, kept exactly as given (offsets index it)."""
    _check_size(len(text), max_chars, "<string>")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return tokenize_document(Document(f"text-{digest[:12]}", text, Source("<string>", "string", digest)))


def file_documents(path: str | Path) -> Iterator[Document]:
    """The Documents of every paper in the file ``path``; a file that cannot be read raises its
    :class:`~matnlp.errors.IngestError` (:class:`FileNotFoundError` / :class:`IsADirectoryError` when it is not
    a file)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(errno.ENOENT, "no such file (to extract a string as text, use Pipeline.text)",
                                str(path))
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "a directory, not a paper: for folders use matnlp.runner.run (or "
                                "`matnlp extract`)", str(path))
    for item in parse_file(path):
        doc = build_document(item)
        if isinstance(doc, IngestError):
            raise doc
        yield doc


def file_document(path: str | Path, max_chars: int = MAX_TEXT_CHARS) -> Document:
    """The Document of the first paper in the file ``path`` (a warning names how to get the others)."""
    papers = file_documents(path)
    doc = next(papers)
    if next(papers, None) is not None:
        log.warning("%s holds several papers; this is the first: Pipeline.pipe(file_documents(path)) or "
                    "matnlp.runner.run give them all", path)
    _check_size(len(doc.text), max_chars, str(path))
    return doc


def _check_size(chars: int, max_chars: int | None, what: str) -> None:
    if max_chars and chars > max_chars:
        raise IngestError(what, f"text of {chars} characters exceeds the limit of {max_chars} (MAX_TEXT_CHARS); "
                                f"split it, or raise the pipeline's max_chars")


def _what(item) -> str:
    """How a deadline names an item."""
    if isinstance(item, Document):
        return item.id
    if isinstance(item, Path) or (isinstance(item, str) and looks_like_path(item)):
        return str(item)
    return "text"


def load(ner: str | Path | None = None, synthesis: str | Path | None = None, device: str = "auto",
         precision: str = "auto", timeout: float | None = DOCUMENT_TIMEOUT,
         max_chars: int = MAX_TEXT_CHARS, properties: str | Path | None = None) -> Pipeline:
    """A :class:`Pipeline` with the given model directories (each optional) and limits per document."""
    return Pipeline(ner=ner, synthesis=synthesis, device=device, precision=precision, timeout=timeout,
                    max_chars=max_chars, properties=properties)


@lru_cache(maxsize=1)
def default_pipeline() -> Pipeline:
    """The pipeline ``matnlp.extract`` uses: ``models/ner-matscholar`` and ``models/ner-mspt`` when they exist
    under the working directory (or ``$MATNLP_MODELS``), else the model-free finders."""
    root = Path(os.environ.get("MATNLP_MODELS", "models"))
    ner, synthesis = root / "ner-matscholar", root / "ner-mspt"
    return Pipeline(ner=ner if ner.is_dir() else None, synthesis=synthesis if synthesis.is_dir() else None)


def extract(item: str | Path | Document) -> Record:
    """Record of one text (or a ``pathlib.Path`` or Document) with the default pipeline (see
    :func:`default_pipeline` and :meth:`Pipeline.__call__`: a string that looks like a file path is read as that
    file, and one naming no file raises :class:`FileNotFoundError` rather than becoming text)."""
    return default_pipeline()(item)


def extract_file(path: str | Path) -> Record:
    """Record of the paper in the file ``path`` with the default pipeline (see :meth:`Pipeline.file`)."""
    return default_pipeline().file(path)
