"""Load a saved NER model dir (:mod:`matnlp.ner.modeldir`) and tag raw text: entities with character offsets into
the original text, a raw score, and a confidence where the dir holds a calibration (:mod:`matnlp.ner.calibrate`).
Models load with ``local_files_only``: nothing is ever downloaded."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ..errors import ConfigError, ModelError
from ..runtime import resolve_device, resolve_precision
from ..text.tokenize import sentences
from ..types import Entity, Sentence
from .calibrate import Calibration, span_score
from .crf import CRF, Decoder
from .data import document_context, make_windows, special_ids, window_owners, word_pieces
from .labels import OUTSIDE, spans
from .lstm import WordLSTM
from .modeldir import CRF_FILE, check_model_dir, is_lstm_dir, member_dirs, read_calibration, read_meta

#: Batch widths (word pieces) are rounded up to a multiple of this: few distinct input shapes, so oneDNN's cache
#: of compiled kernels (one per shape) stays small and is reused instead of growing with every new length.
WIDTH_STEP = 32

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Unit:
    """One sentence to tag: the words the model sees and their char offsets in the original text."""

    text_index: int
    words: list[str]
    offsets: list[tuple[int, int]]


class Tagger:
    """Callable NER tagger: ``tagger(text) -> list[Entity]``; ``tagger.pipe(texts)`` for many texts.

    ``model`` is one token-classification model or a list of them (an ensemble: their word emissions are averaged),
    and may include word-level :class:`~matnlp.ner.lstm.WordLSTM` models. ``tokenizer`` is the models' tokenizer,
    or one per model when they come from different bases (``None`` for a WordLSTM); models that share a tokenizer
    object share its word pieces and windows. With a ``calibration``, every entity gets a confidence.
    """

    def __init__(
        self, model, tokenizer, meta: dict, device: str = "cpu", batch_size: int = 32, crf: CRF | None = None,
        precision: str = "fp32", calibration: Calibration | None = None,
    ):
        models = [m.eval() for m in (model if isinstance(model, list | tuple) else [model])]
        tokenizers = tokenizer if isinstance(tokenizer, list | tuple) else [tokenizer] * len(models)
        if len(tokenizers) != len(models):
            raise ConfigError(f"{len(models)} models but {len(tokenizers)} tokenizers")
        self.precision = precision
        self.calibration = calibration
        self.meta = meta
        self.labels: list[str] = meta["labels"]
        self.device = device
        self.batch_size = batch_size
        self.crf = crf
        self.decode = Decoder(self.labels, crf)
        self.context = int(meta.get("context", 0))
        self.process = _processor(meta.get("processing", "none"))
        groups: dict[int, list] = {}
        for m, tok in zip(models, tokenizers):
            if not isinstance(m, WordLSTM):
                groups.setdefault(id(tok), [tok, []])[1].append(m)
        windows = (int(meta.get("max_length", 128)), int(meta.get("stride", 32)), self.context)
        self.encoders = [Encoder(tok, ms, *windows) for tok, ms in groups.values()]
        if words := [m for m in models if isinstance(m, WordLSTM)]:
            self.encoders.append(WordEncoder(words))

    @property
    def models(self) -> list:
        """All member models, encoder by encoder."""
        return [m for encoder in self.encoders for m in encoder.models]

    def __call__(self, text: str) -> list[Entity]:
        return self.pipe([text])[0]

    def pipe(self, texts: Iterable[str], batch_size: int | None = None) -> list[list[Entity]]:
        """Entities of each text (offsets index that text); sentences of all texts are batched by length."""
        texts = list(texts)
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise ConfigError(f"tagger input {i} must be str, got {type(text).__name__}")
        return self.tag_sentences(texts, [sentences(text) for text in texts], batch_size)

    def tag_sentences(
        self, texts: Sequence[str], sents: Sequence[Sequence[Sentence]], batch_size: int | None = None
    ) -> list[list[Entity]]:
        """Entities of already-tokenized texts (e.g. Documents: ``doc.text``, ``doc.sentences``)."""
        units = [u for i, text in enumerate(texts) for u in self.units(i, text, sents[i])]
        tagged = self.tag_words([u.words for u in units], batch_size, [u.text_index for u in units])
        result: list[list[Entity]] = [[] for _ in texts]
        for unit, (tags, probs) in zip(units, tagged):
            text = texts[unit.text_index]
            for a, b, label in spans(tags):
                start, end = unit.offsets[a][0], unit.offsets[b - 1][1]
                score = span_score(probs, a, b)
                confidence = self.calibration(label, score) if self.calibration else None
                result[unit.text_index].append(Entity(start, end, label, text[start:end], score, confidence))
        return result

    def units(self, index: int, text: str, sents: Sequence[Sentence]) -> list[Unit]:
        """Sentences of ``text`` as model words (processed as the model expects) with original offsets."""
        out = []
        for sent in sents:
            words, offsets = self.process(text, sent.tokens)
            if words:
                out.append(Unit(index, words, offsets))
        return out

    def tag_words(
        self, sentences_words: Sequence[Sequence[str]], batch_size: int | None = None, docs: Sequence | None = None
    ) -> list[tuple[list[str], np.ndarray]]:
        """IOB2 tags and chosen-label probabilities for pre-split sentences (long ones via sliding windows).

        ``docs`` gives each sentence's document (sentences of one document consecutive); a model trained with
        document context sees the neighbouring sentences of the same document. Default: each sentence alone.
        """
        return [self.decode_sentence(*sent) for sent in self.word_logits(sentences_words, batch_size, docs)]

    def word_logits(
        self, sentences_words: Sequence[Sequence[str]], batch_size: int | None = None, docs: Sequence | None = None
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per sentence, the (words, labels) emissions (each word's first piece, averaged over the models) and a
        mask of the words that have any (a word that tokenizes to nothing has none)."""
        docs = range(len(sentences_words)) if docs is None else docs
        sums = [np.zeros((len(w), len(self.labels)), dtype=np.float32) for w in sentences_words]
        counts = [np.zeros(len(w), dtype=np.int32) for w in sentences_words]
        for encoder in self.encoders:
            found = encoder.emissions(sentences_words, docs, batch_size or self.batch_size, self.device, self.precision)
            for sm, c, (emissions, seen) in zip(sums, counts, found):
                sm += emissions
                c[seen] += len(encoder.models)
        return [(sm / np.maximum(c, 1)[:, None], c > 0) for sm, c in zip(sums, counts)]

    def decode_sentence(self, logits: np.ndarray, mask: np.ndarray) -> tuple[list[str], np.ndarray]:
        """IOB2 tags and chosen-label probabilities of one sentence's emissions (words without any are ``O``)."""
        path, probs = self.decode(logits[mask])
        tags = [OUTSIDE] * len(mask)
        full_probs = np.ones(len(mask), dtype=np.float32)
        for w, label_id, p in zip(np.flatnonzero(mask), path, probs):
            tags[w] = self.labels[label_id]
            full_probs[w] = p
        return tags, full_probs


class Encoder:
    """Word-piece models sharing one tokenizer: each sentence is split into pieces and windows once for all of them."""

    def __init__(self, tokenizer, models: list, max_length: int, stride: int = 32, context: int = 0):
        self.tokenizer = tokenizer
        self.models = models
        self.stride, self.context = stride, context
        self.cls_id, self.sep_id = special_ids(tokenizer)
        self.max_length = min(max_length, *(_model_max(m) for m in models))

    def emissions(
        self, sentences_words: Sequence[Sequence[str]], docs: Sequence, batch_size: int, device: str, precision: str
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per sentence, the (words, labels) emissions summed over the models (each word's first piece, from the
        window that owns it) and a mask of the words that have any."""
        labels = self.models[0].config.num_labels
        sums = [np.zeros((len(w), labels), dtype=np.float32) for w in sentences_words]
        seen = [np.zeros(len(w), dtype=bool) for w in sentences_words]
        for batch, logits in self._forward(self.jobs(sentences_words, docs), batch_size, device, precision):
            for (s, win, (lo, hi)), row in zip(batch, logits):
                for pos, w in enumerate(win.word_ids):
                    if w is not None and lo <= w < hi and not seen[s][w]:
                        sums[s][w] = row[pos]
                        seen[s][w] = True
        return list(zip(sums, seen))

    def jobs(self, sentences_words: Sequence[Sequence[str]], docs: Sequence) -> list:
        """``(sentence index, window, owned word range)`` for every model window of every sentence."""
        pieces = word_pieces(self.tokenizer, sentences_words)
        out = []
        for s, (sent_pieces, around) in enumerate(zip(pieces, document_context(pieces, docs, self.context))):
            wins = make_windows(
                sent_pieces, self.cls_id, self.sep_id, self.max_length, self.stride, self.context, around
            )
            out += [(s, win, owned) for win, owned in zip(wins, window_owners([w.span for w in wins]))]
        return out

    @torch.inference_mode()
    def _forward(self, jobs: list, batch_size: int, device: str, precision: str):
        """Yield (jobs, summed logits of the models) per batch; windows are sorted by length so batches pad little."""
        jobs = sorted(jobs, key=lambda j: len(j[1].input_ids))
        pad = self.tokenizer.pad_token_id or 0
        for k in range(0, len(jobs), batch_size):
            batch = jobs[k : k + batch_size]
            width = min(self.max_length, -(-len(batch[-1][1].input_ids) // WIDTH_STEP) * WIDTH_STEP)
            ids = torch.full((len(batch), width), pad, dtype=torch.long)
            mask = torch.zeros((len(batch), width), dtype=torch.long)
            for r, (_, win, _) in enumerate(batch):
                ids[r, : len(win.input_ids)] = torch.tensor(win.input_ids)
                mask[r, : len(win.input_ids)] = 1
            ids, mask = ids.to(device), mask.to(device)
            with torch.autocast(device, dtype=torch.bfloat16, enabled=precision == "bf16"):
                logits = sum(m(input_ids=ids, attention_mask=mask).logits.float() for m in self.models)
            yield batch, logits.cpu().numpy()


class WordEncoder:
    """Word-level models (:class:`~matnlp.ner.lstm.WordLSTM`): they read whole words, always in fp32."""

    def __init__(self, models: list):
        self.models = models

    def emissions(
        self, sentences_words: Sequence[Sequence[str]], docs: Sequence, batch_size: int, device: str, precision: str
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per sentence, the emissions summed over the models; every word has some."""
        sums = [sum(found) for found in zip(*(m.emissions(sentences_words, batch_size) for m in self.models))]
        return [(sm, np.ones(len(w), dtype=bool)) for sm, w in zip(sums, sentences_words)]


def _model_max(model) -> int:
    return int(getattr(model.config, "max_position_embeddings", 512) or 512)


def _processor(name: str):
    """``(text, tokens) -> (words, offsets)`` for the processing a model was trained on."""
    if name == "none":
        return lambda text, tokens: ([t.text for t in tokens], [(t.start, t.end) for t in tokens])
    if name == "mat2vec":
        try:
            from ..text.processing import process_tokens
        except ImportError as exc:
            raise ModelError(f"model expects mat2vec processing, which is unavailable ({exc})") from None

        def mat2vec(text, tokens):
            processed = [p for p in process_tokens(text, tokens) if p.text]
            return [p.text for p in processed], [(p.start, p.end) for p in processed]

        return mat2vec
    raise ModelError(f"unknown text processing {name!r} in model metadata")


def load(path: str | Path, device: str = "auto", precision: str = "auto", batch_size: int = 32) -> Tagger:
    """Restore a tagger from a model dir (:mod:`matnlp.ner.modeldir`): a fine-tuned encoder
    (:func:`matnlp.ner.train.train`), a BiLSTM-CRF (:func:`matnlp.ner.train_lstm.train_lstm`) or an ensemble of
    them (:func:`matnlp.ner.ensemble.build`).

    ``precision``: ``auto`` (bf16 autocast where the hardware runs it fast, see
    :func:`~matnlp.runtime.resolve_precision`), ``fp32``, ``bf16``, or ``int8`` (dynamic quantization of the
    linear layers that do not narrow their input, see :func:`int8_layers`; CPU only).
    """
    path = check_model_dir(path)
    meta = read_meta(path)
    labels = meta["labels"]
    device = resolve_device(device)
    precision = resolve_precision(precision, device)
    dirs = member_dirs(path, meta)
    word_level = [is_lstm_dir(d) for d in dirs]
    tokenizers = _tokenizers(dirs, word_level)
    models = [
        WordLSTM.load(d, labels, device) if words else _load_model(d, len(labels), device, precision)
        for d, words in zip(dirs, word_level)
    ]
    crf = mean_crf([_load_crf(d, labels) for d in dirs], labels) if meta.get("crf") else None
    return Tagger(models, tokenizers, meta, device, batch_size, crf, precision, read_calibration(path))


def _vocabulary(path: Path) -> dict[str, bytes]:
    """The vocabulary files of a model dir: models with equal ones split text into the same word pieces."""
    return {n: (path / n).read_bytes() for n in ("tokenizer.json", "vocab.txt") if (path / n).is_file()}


def _tokenizers(dirs: Sequence[Path], word_level: Sequence[bool]) -> list:
    """One tokenizer per model dir, loaded once per distinct vocabulary (ensemble members may differ in base);
    ``None`` for word-level models."""
    from transformers import AutoTokenizer

    loaded: dict[tuple, object] = {}
    out = []
    for d, words in zip(dirs, word_level):
        if words:
            out.append(None)
            continue
        key = tuple(sorted(_vocabulary(d).items()))
        if key not in loaded:
            try:
                loaded[key] = AutoTokenizer.from_pretrained(d, local_files_only=True)
            except (OSError, ValueError) as exc:
                raise ModelError(f"{d}: cannot load the tokenizer ({exc})") from None
        out.append(loaded[key])
    return out


def _load_model(path: Path, num_labels: int, device: str, precision: str):
    from transformers import AutoModelForTokenClassification

    try:
        model = AutoModelForTokenClassification.from_pretrained(path, local_files_only=True)
    except Exception as exc:  # noqa: BLE001 - safetensors and transformers raise their own kinds; all mean a bad dir
        raise ModelError(f"{path}: cannot load model ({type(exc).__name__}: {exc})") from None
    if model.config.num_labels != num_labels:
        raise ModelError(f"{path}: config has {model.config.num_labels} labels, metadata {num_labels}")
    model.to(device)
    if precision == "int8":
        with warnings.catch_warnings():  # eager dynamic quantization is deprecated in favour of torchao
            warnings.simplefilter("ignore")
            model = torch.ao.quantization.quantize_dynamic(model, int8_layers(model), dtype=torch.qint8)
    return model


def int8_layers(model) -> set[str]:
    """Names of the linear layers to quantize: all but those that narrow their input (the feed-forward
    down-projections and the classifier). Their inputs carry GELU outliers that per-tensor dynamic int8 cannot
    represent: quantizing them cut an MPNet Matscholar model from 0.869 to 0.672 micro-F1, sparing them gave 0.864.
    """
    return {
        name for name, module in model.named_modules()
        if isinstance(module, torch.nn.Linear) and module.in_features <= module.out_features
    }


def mean_crf(crfs: Sequence[CRF], labels: list[str]) -> CRF:
    """A CRF whose transition, start and end scores are the means of ``crfs`` (the ensemble's decoder)."""
    if len(crfs) == 1:
        return crfs[0]
    crf = CRF(labels)
    states = [c.state_dict() for c in crfs]
    crf.load_state_dict({k: torch.stack([s[k] for s in states]).mean(0) for k in states[0]})
    return crf


def _load_crf(path: Path, labels: list[str]) -> CRF:
    from safetensors.torch import load_file

    file = path / CRF_FILE
    if not file.is_file():
        raise ModelError(f"{path}: model uses a CRF but {CRF_FILE} is missing")
    crf = CRF(labels)
    try:
        crf.load_state_dict(load_file(str(file)))
    except Exception as exc:  # noqa: BLE001 - a truncated file or other shapes: a bad model dir
        raise ModelError(f"{file}: cannot load the CRF ({type(exc).__name__}: {exc})") from None
    return crf
