"""spaCy 3 pipeline component ``matnlp_ner``: a matnlp NER model directory as ``doc.ents``.

Registered with ``Language.factory`` when this module is imported; the ``spacy_factories`` entry point in
``pyproject.toml`` makes spaCy import it by itself, so with matnlp installed::

    nlp = spacy.blank("en")
    nlp.add_pipe("matnlp_ner", config={"model": "models/ner-matscholar"})
    doc = nlp("LiFePO4 was annealed at 700 °C.")   # doc.ents: (LiFePO4/MAT, annealed/SMT, ...)

The component replaces ``doc.ents`` with the model's entities, each expanded to whole spaCy tokens; where two
expanded spans overlap, the longer is kept. The model's raw score is ``span._.matnlp_score``, its calibrated
confidence (where the model directory has a ``calibration.json``) ``span._.matnlp_confidence``. ``nlp.to_disk()``
saves a copy of the model directory with the pipeline, so ``spacy.load()`` works from any folder.
"""

import json
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans, minibatch

from .types import Entity

SCORE = "matnlp_score"
CONFIDENCE = "matnlp_confidence"
MODEL_DIR = "model"
"""Where a saved pipeline keeps its copy of the model directory: ``PIPELINE/matnlp_ner/model``."""
CFG_FILE = "cfg.json"
DEFAULTS = {"model": "models/ner-matscholar", "device": "auto", "batch_size": 32, "precision": "auto"}


class MatnlpNER:
    """Tags ``doc.text`` with a matnlp tagger and sets ``doc.ents``; ``pipe`` tags many docs in one batch.

    The model is loaded on first use. ``nlp.to_disk()`` copies its directory into the pipeline's folder
    (``matnlp_ner/model``) and ``spacy.load()`` reads it from there, as spaCy components keep their weights: a saved
    pipeline does not depend on the path in its config."""

    def __init__(self, name: str, model: str, device: str = "auto", batch_size: int = 32, precision: str = "auto"):
        from .ner.modeldir import check_model_dir

        for extension in (SCORE, CONFIDENCE):
            if not Span.has_extension(extension):
                Span.set_extension(extension, default=None)
        self.name = name
        self.model = model
        self.device, self.batch_size, self.precision = device, batch_size, precision
        self.source: Path = Path(model)
        self._tagger = None
        if self.source.exists():
            check_model_dir(self.source)  # a broken model dir is an error now, not at the first doc
        # else: a saved pipeline's from_disk gives the model; without one the first use names the missing dir

    @property
    def tagger(self):
        """The matnlp tagger, loaded from :attr:`source` on first use."""
        if self._tagger is None:
            from .ner import load

            self._tagger = load(self.source, device=self.device, precision=self.precision,
                                batch_size=self.batch_size)
        return self._tagger

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Save the component: a copy of the model directory in ``path/model``."""
        from .ner.modeldir import check_model_dir

        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        target = path / MODEL_DIR
        if target.resolve() != self.source.resolve():
            check_model_dir(self.source)
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(self.source, target)
        (path / CFG_FILE).write_text(json.dumps({"model": str(self.model), "device": self.device,
                                                 "batch_size": self.batch_size, "precision": self.precision}))

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "MatnlpNER":
        """Load the component saved by :meth:`to_disk` (its copy of the model directory)."""
        from .ner.modeldir import check_model_dir

        self.source = check_model_dir(Path(path) / MODEL_DIR)
        self._tagger = None
        return self

    @property
    def labels(self) -> tuple[str, ...]:
        """Entity labels the model predicts (without the B-/I- prefixes), read from its metadata (no model load);
        none while the model is still to come from a saved pipeline (spaCy asks before :meth:`from_disk`)."""
        from .ner.modeldir import read_meta

        tags = self._tagger.labels if self._tagger is not None else (
            read_meta(self.source)["labels"] if self.source.is_dir() else [])
        return tuple(sorted({tag.split("-", 1)[1] for tag in tags if "-" in tag}))

    def __call__(self, doc: Doc) -> Doc:
        return set_entities(doc, self.tagger(doc.text))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        """Docs with entities; the sentences of ``batch_size`` docs at a time go through the model together."""
        for batch in minibatch(docs, size=batch_size):
            for doc, entities in zip(batch, self.tagger.pipe([doc.text for doc in batch])):
                yield set_entities(doc, entities)


def set_entities(doc: Doc, entities: list[Entity]) -> Doc:
    """Set ``doc.ents`` from character-offset entities (expanded to token boundaries, overlaps removed)."""
    spans = []
    for entity in entities:
        span = doc.char_span(entity.start, entity.end, label=entity.label, alignment_mode="expand")
        if span is not None:
            span._.set(SCORE, entity.score)
            span._.set(CONFIDENCE, entity.confidence)
            spans.append(span)
    doc.ents = filter_spans(spans)
    return doc


@Language.factory("matnlp_ner", default_config=DEFAULTS, assigns=["doc.ents", f"span._.{SCORE}", f"span._.{CONFIDENCE}"])
def make_matnlp_ner(
    nlp: Language, name: str, model: str, device: str, batch_size: int, precision: str
) -> MatnlpNER:
    """Factory of the ``matnlp_ner`` component (config: model dir, device, batch_size, precision)."""
    return MatnlpNER(name, model, device=device, batch_size=batch_size, precision=precision)
