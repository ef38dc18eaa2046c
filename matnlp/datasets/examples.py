"""NER examples: one tokenized sentence with IOB2 tags, and the tagging of raw text from character spans.

Every NER reader (:mod:`~matnlp.datasets.conll`, :mod:`~matnlp.datasets.ner`) returns :class:`Example` objects;
:mod:`matnlp.ner.data` turns them into model inputs.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..ner.labels import OUTSIDE
from ..text.tokenize import sentences

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Example:
    """One sentence: words with IOB2 tags (and, for raw-text sources, the words' char offsets in that text).

    ``doc`` names the document; consecutive examples of one document are each other's context.
    """

    words: list[str]
    tags: list[str]
    offsets: list[tuple[int, int]] = field(default_factory=list)
    id: str = ""
    doc: str = ""


def span(entity: Mapping | Sequence) -> tuple[int, int, str]:
    """``(start, end, label)`` from ``{"start", "end", "label"}`` or ``[start, end, label]``."""
    if isinstance(entity, Mapping):
        return int(entity["start"]), int(entity["end"]), str(entity["label"])
    a, b, label = entity
    return int(a), int(b), str(label)


def label_text(
    text: str, segments: list[tuple[int, int]], entities: list[tuple[int, int, str]], doc_id: str
) -> list[Example]:
    """Tokenize each segment of ``text`` into sentences and tag tokens overlapping ``entities`` (IOB2)."""
    examples: list[Example] = []
    used = set()
    for seg_start, seg_end in segments:
        for sent in sentences(text[seg_start:seg_end]):
            toks = [(t.start + seg_start, t.end + seg_start) for t in sent.tokens]
            tags = [OUTSIDE] * len(toks)
            for k, (a, b, label) in enumerate(entities):
                hit = [i for i, (s, e) in enumerate(toks) if s < b and e > a and tags[i] == OUTSIDE]
                if hit:
                    used.add(k)
                    tags[hit[0]] = f"B-{label}"
                    for i in hit[1:]:
                        tags[i] = f"I-{label}"
            examples.append(Example([text[s:e] for s, e in toks], tags, toks, f"{doc_id}:{toks[0][0]}", doc_id))
    if len(used) < len(entities):
        lost = len(entities) - len(used)
        log.debug("%s: %d of %d entities share a token with another or cover none", doc_id, lost, len(entities))
    return examples
