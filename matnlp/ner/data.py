"""NER data: word-piece label alignment and sliding windows over :class:`Example` sentences.

The readers (CoNLL, brat standoff, JSONL, MSPT split lists, MuLMS splits) live in :mod:`matnlp.datasets` and are
re-exported here: each returns :class:`Example` objects (one per sentence) with IOB2 tags.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..datasets.conll import read_conll  # noqa: F401 - re-exported
from ..datasets.examples import Example
from ..datasets import mulms
from ..datasets.ner import load_examples as load_file
from ..datasets.ner import read_brat, read_jsonl, read_name_list  # noqa: F401 - re-exported
from ..errors import ConfigError

log = logging.getLogger(__name__)
IGNORE = -100


def load_examples(spec: str | Path, brat_dir: str | Path | None = None) -> list[Example]:
    """A data set named by ``spec``: ``mulms:SPLIT[:LABEL,...]`` (:func:`matnlp.datasets.mulms.load_spec`) or a
    path (:func:`matnlp.datasets.ner.load_examples`: format sniffed)."""
    if not mulms.is_spec(spec):
        return load_file(spec, brat_dir)
    examples = mulms.load_spec(str(spec))
    log.info("%s: %d sentences, %d words", spec, len(examples), sum(len(e.words) for e in examples))
    return examples


# ---------------------------------------------------------------- word pieces


def align_labels(word_ids: Sequence[int | None], tags: Sequence[str], label2id: Mapping[str, int]) -> list[int]:
    """Label ids per word piece: the first piece of each word gets its tag's id, other pieces and specials -100."""
    out, seen = [], set()
    for w in word_ids:
        if w is None or w in seen:
            out.append(IGNORE)
        else:
            seen.add(w)
            out.append(label2id[tags[w]])
    return out


def word_pieces(tokenizer, sentences_words: Sequence[Sequence[str]]) -> list[list[list[int]]]:
    """Piece ids of every word of every sentence (an empty word has no pieces)."""
    nonempty = [i for i, words in enumerate(sentences_words) if words]
    result: list[list[list[int]]] = [[] for _ in sentences_words]
    if not nonempty:
        return result
    enc = tokenizer(
        [list(sentences_words[i]) for i in nonempty], is_split_into_words=True, add_special_tokens=False, verbose=False
    )
    for row, i in enumerate(nonempty):
        pieces: list[list[int]] = [[] for _ in sentences_words[i]]
        for tok, w in zip(enc["input_ids"][row], enc.word_ids(row)):
            if w is not None:
                pieces[w].append(tok)
        result[i] = pieces
    return result


def windows(counts: Sequence[int], budget: int, stride: int) -> list[tuple[int, int]]:
    """Word ranges ``[a, b)`` covering all words, each with at most ``budget`` pieces (a longer single word stands
    alone); consecutive windows overlap by at most ``stride`` pieces of context."""
    if budget < 1:
        raise ConfigError(f"window budget must be positive, got {budget}")
    out: list[tuple[int, int]] = []
    a, n = 0, len(counts)
    while True:
        b, total = a, 0
        while b < n and (b == a or total + counts[b] <= budget):
            total += counts[b]
            b += 1
        out.append((a, b))
        if b >= n:
            return out
        c, back = b, 0
        while c - 1 > a and back + counts[c - 1] <= stride:
            c -= 1
            back += counts[c]
        a = c


def window_owners(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """For overlapping windows, the word range each one decides: overlaps are split at their middle."""
    owners = []
    for k, (a, b) in enumerate(spans):
        lo = a if k == 0 else (a + spans[k - 1][1] + 1) // 2
        hi = b if k == len(spans) - 1 else (spans[k + 1][0] + b + 1) // 2
        owners.append((lo, max(lo, hi)))
    return owners


@dataclass(slots=True)
class Window:
    """One model input: piece ids with specials, the word index of each position, and the word range covered."""

    input_ids: list[int]
    word_ids: list[int | None]
    span: tuple[int, int]


@dataclass(slots=True)
class Context:
    """Pieces around a sentence from its document: the tail of the sentences before, the head of those after."""

    left: list[int] = field(default_factory=list)
    right: list[int] = field(default_factory=list)


NO_CONTEXT = Context()


def document_context(pieces: Sequence[list[list[int]]], docs: Sequence[str], size: int) -> list[Context]:
    """Per sentence, up to ``size`` pieces of the neighbouring sentences of the same document on each side.

    Sentences of one document must be consecutive in ``pieces``; ``size`` 0 gives no context (FLERT-style
    document context: Schweter & Akbik 2020).
    """
    if size <= 0:
        return [NO_CONTEXT] * len(pieces)
    flat = [[p for word in sent for p in word] for sent in pieces]
    out = []
    for i in range(len(flat)):
        left: list[int] = []
        j = i - 1
        while j >= 0 and docs[j] == docs[i] and len(left) < size:
            left = flat[j] + left
            j -= 1
        right: list[int] = []
        j = i + 1
        while j < len(flat) and docs[j] == docs[i] and len(right) < size:
            right += flat[j]
            j += 1
        out.append(Context(left[-size:], right[:size]))
    return out


def make_windows(
    pieces: list[list[int]], cls_id: int, sep_id: int, max_length: int, stride: int, context: int = 0,
    around: Context = NO_CONTEXT,
) -> list[Window]:
    """Split one sentence's word pieces into model windows of at most ``max_length`` positions.

    With ``context`` > 0 each window is wrapped in up to ``context`` pieces on either side: the sentence's own words
    outside the window, then ``around`` (its document neighbours). Context positions have word id ``None``, so
    they are neither labelled nor decoded.
    """
    budget = max_length - 2 - 2 * context
    if budget < 1:
        raise ConfigError(f"max_length {max_length} leaves {budget} pieces per window after {context} of context")
    out = []
    for a, b in windows([len(p) for p in pieces], budget, stride):
        ids, wids = [cls_id], [None]
        if context:
            left = around.left + [p for word in pieces[:a] for p in word]
            ids += left[max(0, len(left) - context) :]
        wids += [None] * (len(ids) - 1)
        for w in range(a, b):
            word = pieces[w][:budget]
            ids += word
            wids += [w] * len(word)
        if context:
            right = [p for word in pieces[b:] for p in word][:context]
            right += around.right[: context - len(right)]
            ids += right
            wids += [None] * len(right)
        out.append(Window(ids + [sep_id], wids + [None], (a, b)))
    return out


def encode_examples(
    examples: Sequence[Example], tokenizer, label2id: Mapping[str, int], max_length: int, stride: int,
    context: int = 0,
) -> list[dict]:
    """Training features (``input_ids``, ``attention_mask``, ``labels``) from labelled examples, windowed."""
    cls_id, sep_id = special_ids(tokenizer)
    features = []
    all_pieces = word_pieces(tokenizer, [e.words for e in examples])
    contexts = document_context(all_pieces, [e.doc for e in examples], context)
    for ex, pieces, around in zip(examples, all_pieces, contexts):
        for win in make_windows(pieces, cls_id, sep_id, max_length, stride, context, around):
            features.append(
                {
                    "input_ids": win.input_ids,
                    "attention_mask": [1] * len(win.input_ids),
                    "labels": align_labels(win.word_ids, ex.tags, label2id),
                }
            )
    return features


def special_ids(tokenizer) -> tuple[int, int]:
    """Ids of the sequence start/end specials (``[CLS]``/``[SEP]``, ``<s>``/``</s>``)."""
    cls_id = tokenizer.cls_token_id if tokenizer.cls_token_id is not None else tokenizer.bos_token_id
    sep_id = tokenizer.sep_token_id if tokenizer.sep_token_id is not None else tokenizer.eos_token_id
    if cls_id is None or sep_id is None:
        raise ConfigError("tokenizer has no CLS/SEP (or BOS/EOS) token")
    return cls_id, sep_id
