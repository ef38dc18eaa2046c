"""NER data: CoNLL, brat standoff and JSONL readers, word-piece label alignment and sliding windows.

Every reader returns :class:`Example` objects (one per sentence) with IOB2 tags; brat and JSONL examples also
keep the character offsets of their words in the source text.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError
from ..text.tokenize import sentences
from .labels import OUTSIDE, check_tag

log = logging.getLogger(__name__)

IGNORE = -100


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


# ---------------------------------------------------------------- readers


def read_conll(path: str | Path) -> list[Example]:
    """Read ``TOKEN LABEL`` lines with blank lines between sentences (Matscholar quirks handled).

    The label is the field after the **last** whitespace, so tokens may contain spaces or be empty; a missing label
    (line ends in whitespace) means ``O``; ``-DOCSTART-`` lines start a new document (without them the file is one
    document: Matscholar's sentences run in abstract order). Malformed lines raise :class:`ConfigError` with the file
    and line number.
    """
    path = Path(path)
    examples: list[Example] = []
    words: list[str] = []
    tags: list[str] = []
    doc = path.name
    with path.open(encoding="utf-8") as handle:
        for lineno, raw in enumerate(handle, 1):
            line = raw.rstrip("\r\n")
            if not line.strip():
                if words:
                    examples.append(Example(words, tags, id=f"{path.name}:{lineno - len(words)}", doc=doc))
                    words, tags = [], []
                continue
            cut = max(line.rfind(" "), line.rfind("\t"))
            if cut < 0:
                raise ConfigError(f"{path}:{lineno}: expected 'TOKEN LABEL', got {line!r}")
            word, tag = line[:cut].strip(), line[cut + 1 :].strip() or OUTSIDE
            if word == "-DOCSTART-":
                doc = f"{path.name}:{lineno}"
                continue
            try:
                tags.append(check_tag(tag))
            except ValueError as exc:
                raise ConfigError(f"{path}:{lineno}: {exc}") from None
            words.append(word)
    if words:
        examples.append(Example(words, tags, id=f"{path.name}:end", doc=doc))
    return examples


def read_brat(directory: str | Path, names: Iterable[str] | None = None, skip_lines: int = 1) -> list[Example]:
    """Read brat ``NAME.txt`` + ``NAME.ann`` pairs into tokenized sentences with IOB2 tags.

    ``names`` defaults to every ``.ann`` in ``directory``. The ``.ann`` offsets index the whole ``.txt``; the
    first ``skip_lines`` lines (MSPT: the DOI) are not read, every other line is split into sentences with
    :func:`matnlp.text.tokenize.sentences`. Only text-bound (``T``) annotations are used.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise ConfigError(f"{directory}: brat directory not found")
    names = sorted(p.stem for p in directory.glob("*.ann")) if names is None else list(names)
    examples: list[Example] = []
    for name in names:
        txt, ann = directory / f"{name}.txt", directory / f"{name}.ann"
        if not txt.is_file() or not ann.is_file():
            raise ConfigError(f"{directory}: missing {name}.txt or {name}.ann")
        text = txt.read_text(encoding="utf-8")
        entities = _read_ann(ann, text)
        lines = text.split("\n")
        start = sum(len(line) + 1 for line in lines[:skip_lines])
        segments = []
        for line in lines[skip_lines:]:
            segments.append((start, start + len(line)))
            start += len(line) + 1
        examples += _label_text(text, segments, entities, name)
    return examples


def read_jsonl(path: str | Path) -> list[Example]:
    """Read ``{"text": ..., "entities": [{"start", "end", "label"} | [start, end, label], ...]}`` lines.

    ``spans`` is accepted for ``entities`` and ``id`` is optional; the text is split into tokenized sentences.
    """
    path = Path(path)
    examples: list[Example] = []
    with path.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                text = record["text"]
                raw = record.get("entities", record.get("spans", []))
                entities = [_span(e) for e in raw]
            except (ValueError, KeyError, TypeError, IndexError) as exc:
                raise ConfigError(f"{path}:{lineno}: bad NER record ({exc!r})") from None
            if not isinstance(text, str):
                raise ConfigError(f"{path}:{lineno}: 'text' must be a string")
            for a, b, label in entities:
                if not 0 <= a < b <= len(text):
                    raise ConfigError(f"{path}:{lineno}: span ({a}, {b}, {label!r}) outside the text")
            doc_id = str(record.get("id", f"{path.name}:{lineno}"))
            examples += _label_text(text, [(0, len(text))], entities, doc_id)
    return examples


def read_name_list(path: str | Path) -> list[str]:
    """Document names, one a line (MSPT ``splits/ner-*-fnames.txt``)."""
    return [line.strip() for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def load_examples(path: str | Path, brat_dir: str | Path | None = None) -> list[Example]:
    """Read a data set, format sniffed from ``path``; raises :class:`ConfigError` when it holds no sentence.

    - a directory: brat ``.txt``/``.ann`` pairs;
    - ``*.jsonl`` / ``*.json``: JSONL spans;
    - a file whose lines are single names (MSPT split list): those brat documents from ``brat_dir``
      (default: the first of ``../data``, ``data`` beside the list, or the list's own folder);
    - anything else: CoNLL.
    """
    path = Path(path)
    if path.is_dir():
        examples = read_brat(path)
    elif not path.is_file():
        raise ConfigError(f"{path}: data file not found")
    elif path.suffix in (".jsonl", ".json"):
        examples = read_jsonl(path)
    elif _is_name_list(path):
        examples = read_brat(brat_dir or _brat_dir_for(path), read_name_list(path))
    else:
        examples = read_conll(path)
    if not examples:
        raise ConfigError(f"{path}: no sentences found (empty data set)")
    log.info("%s: %d sentences, %d words", path, len(examples), sum(len(e.words) for e in examples))
    return examples


def _is_name_list(path: Path) -> bool:
    with path.open(encoding="utf-8") as handle:
        first = next((line.strip() for line in handle if line.strip()), "")
    return bool(first) and len(first.split()) == 1 and not first.startswith("-DOCSTART-")


def _brat_dir_for(path: Path) -> Path:
    for candidate in (path.parent.parent / "data", path.parent / "data", path.parent):
        if any(candidate.glob("*.ann")):
            return candidate
    raise ConfigError(f"{path}: no brat .ann files found near this name list; pass the brat directory")


def _span(entity: Mapping | Sequence) -> tuple[int, int, str]:
    if isinstance(entity, Mapping):
        return int(entity["start"]), int(entity["end"]), str(entity["label"])
    a, b, label = entity
    return int(a), int(b), str(label)


def _read_ann(path: Path, text: str) -> list[tuple[int, int, str]]:
    entities = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.startswith("T"):
            continue
        try:
            _, middle, _surface = line.split("\t", 2)
            label, offsets = middle.split(" ", 1)
            fragments = [tuple(map(int, frag.split())) for frag in offsets.split(";")]
            a, b = fragments[0][0], fragments[-1][1]
        except ValueError:
            raise ConfigError(f"{path}:{lineno}: malformed brat text-bound annotation {line!r}") from None
        if not 0 <= a < b <= len(text):
            raise ConfigError(f"{path}:{lineno}: offsets ({a}, {b}) outside the text")
        entities.append((a, b, label))
    return entities


def _label_text(
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
