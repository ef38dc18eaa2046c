"""Paragraph-classifier scoring on the hand-labelled paragraphs: synthesis-vs-not P/R/F1, per-label confusion,
the ``synthesis_spans`` heuristic as baseline, and type accuracy on Kononova held-out snippets; and the count of
plain texts whose running text still holds a reference list (:func:`reference_report`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..config import data_dir
from ..datasets.paragraphs import HandLabel, hand_labels, kononova_examples, sha1
from ..extractors.paragraphs import LABELS, NONE, ParagraphModel, decide
from ..extractors.synthesis import synthesis_spans
from ..ingest import read_file
from ..ingest.text import split_reference_runs
from ..text.normalize import normalize
from ..types import Document


@dataclass(slots=True)
class LabelledPaper:
    """One hand-labelled paper: its Document and its labelled units in text order."""

    doc: Document
    units: list[HandLabel]

    @property
    def texts(self) -> list[str]:
        return [self.doc.text[u.start:u.end] for u in self.units]

    @property
    def gold(self) -> list[str]:
        return [u.label for u in self.units]


def labelled_papers(split: str) -> list[LabelledPaper]:
    """The papers of a hand-labelled split, read with ``read_file``; a label whose text changed raises."""
    by_source: dict[str, list[HandLabel]] = {}
    for h in hand_labels(split):
        by_source.setdefault(h.source, []).append(h)
    papers = []
    for source, units in by_source.items():
        doc = read_file(data_dir() / source)[0]
        stale = [u for u in units if sha1(doc.text[u.start:u.end]) != u.sha1]
        if stale:
            raise ValueError(f"{source}: {len(stale)} hand-labelled spans no longer match the text")
        papers.append(LabelledPaper(doc, sorted(units, key=lambda u: u.start)))
    return papers


def binary_scores(gold: Sequence[str], pred: Sequence[str]) -> dict:
    """Precision, recall and F1 of "synthesis" (any label but ``none``)."""
    tp = sum(g != NONE and p != NONE for g, p in zip(gold, pred))
    fp = sum(g == NONE and p != NONE for g, p in zip(gold, pred))
    fn = sum(g != NONE and p == NONE for g, p in zip(gold, pred))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4),
            "tp": tp, "fp": fp, "fn": fn, "n": len(gold)}


def confusion(gold: Sequence[str], pred: Sequence[str]) -> dict[str, dict[str, int]]:
    """Gold label -> predicted label -> count (labels that occur only)."""
    out: dict[str, dict[str, int]] = {}
    for g, p in zip(gold, pred):
        row = out.setdefault(g, {})
        row[p] = row.get(p, 0) + 1
    return out


def model_predictions(model: ParagraphModel, papers: Sequence[LabelledPaper]) -> tuple[list[str], np.ndarray]:
    """Predicted labels (:func:`.decide`) and their probability rows over all units of ``papers`` (each paper in
    text order)."""
    probs = np.vstack([model.probabilities(p.texts) for p in papers])
    return [model.labels[k] for k in decide(probs)], probs


def heuristic_predictions(papers: Sequence[LabelledPaper]) -> list[str]:
    """The baseline: a unit is a procedure (``other``) when it overlaps a ``synthesis_spans`` span."""
    out = []
    for paper in papers:
        spans = synthesis_spans(paper.doc.text, paper.doc.sentences)
        out += ["other" if any(a < u.end and u.start < b for a, b in spans) else NONE for u in paper.units]
    return out


def score(gold: Sequence[str], pred: Sequence[str]) -> dict:
    """Binary scores, type accuracy on the gold procedures found, and the confusion table."""
    found = [(g, p) for g, p in zip(gold, pred) if g != NONE and p != NONE]
    return {"synthesis": binary_scores(gold, pred),
            "type_accuracy_on_found": round(sum(g == p for g, p in found) / len(found), 4) if found else None,
            "confusion": confusion(gold, pred)}


def kononova_type_accuracy(classify: Callable[[Sequence[str]], list[str]], per_style: int = 1000) -> dict:
    """Type accuracy on held-out Kononova snippets (solid-state vs sol-gel files), and how many come out as
    ``none``."""
    examples = kononova_examples(per_style=per_style, held_out=True)
    pred = classify([e.text for e in examples])
    by_style = {}
    for style in ("solid-state", "sol-gel"):
        pairs = [(e.label, p) for e, p in zip(examples, pred) if e.label == style]
        by_style[style] = round(sum(g == p for g, p in pairs) / len(pairs), 4)
    return {"n": len(examples), "accuracy": round(sum(e.label == p for e, p in zip(examples, pred)) / len(pred), 4),
            "by_style": by_style, "as_none": round(sum(p == NONE for p in pred) / len(pred), 4),
            "labels": list(LABELS)}


# A reference's volume and pages after its year ("2000 135 305", "2011, 133, 18090") or before it in brackets
# ("135, 305–313 (2000)"): a cue independent of the author patterns the reader's detector uses.
_VOLUME_PAGES = re.compile(r"(?<!\d)(?:19[5-9]\d|20[0-2]\d)[,;]? \d{1,4}[,:]? [A-Z]?\d{1,5}\b|"
                           r"\b\d{1,4}, [A-Z]?\d{1,5}[–-][A-Z]?\d{1,5} \((?:19|20)\d\d\)")
#: A text holds a reference list when its running text has at least this many volume/pages cues.
MIN_REFERENCE_CUES = 5


def reference_report(paths: Sequence[Path]) -> dict:
    """Plain texts whose running text holds a reference list, before (the raw file) and after reading, the
    references moved to the back matter, and the raw text lines whose genuine text went missing."""
    before = after = moved = lost = 0
    for path in paths:
        raw = path.read_text(encoding="utf-8")
        doc = read_file(path)[0]
        before += len(_VOLUME_PAGES.findall(raw)) >= MIN_REFERENCE_CUES
        after += len(_VOLUME_PAGES.findall(doc.text)) >= MIN_REFERENCE_CUES
        moved += sum(m.kind == "references" for m in doc.back_matter)
        kept = "".join(doc.text.split())
        lines = [line.strip() for line in raw.split("\n") if line.strip()]
        pieces = [t for kind, t in split_reference_runs(lines) if kind == "paragraph"]
        lost += sum("".join(normalize(p).split()) not in kept for p in pieces)
    return {"texts": len(paths), "with_references_before": before, "with_references_after": after,
            "references_moved": moved, "genuine_lines_lost": lost}
