"""spaCy 3 pipeline component ``matnlp_ner``: a matnlp NER model directory as ``doc.ents``.

Registered with ``Language.factory`` when this module is imported; the ``spacy_factories`` entry point in
``pyproject.toml`` makes spaCy import it by itself, so with matnlp installed::

    nlp = spacy.blank("en")
    nlp.add_pipe("matnlp_ner", config={"model": "models/ner-matscholar"})
    doc = nlp("LiFePO4 was annealed at 700 °C.")   # doc.ents: (LiFePO4/MAT, annealed/SMT, ...)

The component replaces ``doc.ents`` with the model's entities, each expanded to whole spaCy tokens; where two
expanded spans overlap, the longer is kept. The model's confidence is ``span._.matnlp_score``.
"""

from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans, minibatch

from .types import Entity

SCORE = "matnlp_score"
DEFAULTS = {"model": "models/ner-matscholar", "device": "auto", "batch_size": 32, "precision": "auto"}


class MatnlpNER:
    """Tags ``doc.text`` with a matnlp tagger and sets ``doc.ents``; ``pipe`` tags many docs in one batch."""

    def __init__(self, name: str, model: str, device: str = "auto", batch_size: int = 32, precision: str = "auto"):
        from .ner import load

        if not Span.has_extension(SCORE):
            Span.set_extension(SCORE, default=None)
        self.name = name
        self.model = model
        self.tagger = load(model, device=device, precision=precision, batch_size=batch_size)

    @property
    def labels(self) -> tuple[str, ...]:
        """Entity labels the model predicts (without the B-/I- prefixes)."""
        return tuple(sorted({tag.split("-", 1)[1] for tag in self.tagger.labels if "-" in tag}))

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
            spans.append(span)
    doc.ents = filter_spans(spans)
    return doc


@Language.factory("matnlp_ner", default_config=DEFAULTS, assigns=["doc.ents", f"span._.{SCORE}"])
def make_matnlp_ner(
    nlp: Language, name: str, model: str, device: str, batch_size: int, precision: str
) -> MatnlpNER:
    """Factory of the ``matnlp_ner`` component (config: model dir, device, batch_size, precision)."""
    return MatnlpNER(name, model, device=device, batch_size=batch_size, precision=precision)
