"""Skip-gram training: gensim builds the vocabulary and tables; the ``batched`` kernel or gensim updates the weights."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from gensim.models import Word2Vec
from gensim.models.callbacks import CallbackAny2Vec
from tqdm import tqdm

from ..errors import ConfigError
from .evaluate import evaluate_analogies
from .model import FORMAT, PHRASES, Embeddings
from .phrases import PhraseModel

log = logging.getLogger(__name__)

ENGINES = ("batched", "gensim")
"""``batched``: shared-negative skip-gram kernel (:mod:`matnlp.embeddings.sgns`); ``gensim``: gensim's corpus_file training."""


# --------------------------------------------------------------------------------------------------- training

@dataclass
class TrainConfig:
    """Training settings; defaults are mat2vec's (Tshitoyan et al. 2019)."""

    vector_size: int = field(default=200, metadata={"help": "dimensions of a word vector"})
    window: int = field(default=8, metadata={"help": "context words on each side"})
    min_count: int = field(default=5, metadata={"help": "ignore words rarer than this"})
    negative: int = field(default=15, metadata={"help": "negative samples per context word"})
    sample: float = field(default=1e-4, metadata={"help": "down-sampling threshold of frequent words"})
    alpha: float = field(default=0.01, metadata={"help": "initial learning rate"})
    min_alpha: float = field(default=0.0001, metadata={"help": "final learning rate"})
    epochs: int = field(default=30, metadata={"help": "passes over the corpus"})
    workers: int = field(default_factory=lambda: len(os.sched_getaffinity(0)), metadata={
        "help": "training threads (default: the CPU cores this process may use)"})
    seed: int = field(default=1, metadata={"help": "random seed"})
    deterministic: bool = field(default=False, metadata={"help": "one worker, so runs repeat exactly"})
    phrases: bool = field(default=True, metadata={"help": "phrase detection (frequent word pairs joined)"})
    phrase_passes: int = field(default=2, metadata={"help": "phrase passes (each can join phrases further)"})
    phrase_min_count: int = field(default=10, metadata={"help": "ignore word pairs rarer than this"})
    phrase_threshold: float = field(default=15.0, metadata={"help": "score a word pair needs to become a phrase"})
    eval_analogies: str | None = field(default=None, metadata={"help": "analogy file to evaluate after every epoch"})
    restrict_vocab: int = field(default=300_000, metadata={
        "help": "only the N most frequent words answer the --eval-analogies questions"})
    keep_corpus: bool = field(default=False, metadata={"help": "keep the phrased corpus (.phrased.txt)"})
    engine: str = field(default="batched", metadata={
        "help": "batched: skip-gram kernel with negatives shared per window (about 2x faster); gensim: gensim's own "
                "corpus_file training", "choices": ENGINES})

    def check(self) -> None:
        for name in ("vector_size", "window", "min_count", "epochs", "workers"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, got {getattr(self, name)}")
        if not 0 < self.alpha <= 1 or self.negative < 1:
            raise ConfigError("alpha must be in (0, 1] and negative at least 1")
        if self.engine not in ENGINES:
            raise ConfigError(f"engine must be one of {', '.join(ENGINES)}, not {self.engine!r}")


def sentences_file(source: str | Path) -> Path:
    """``source`` itself if it is a file, else ``source/sentences.txt`` (a corpus directory)."""
    path = Path(source)
    path = path / "sentences.txt" if path.is_dir() else path
    if not path.is_file():
        raise ConfigError(f"{path}: no sentences file; pass a corpus directory from `matnlp ingest` or a text file "
                          "with one tokenized sentence per line")
    return path


def read_sentences(path: Path) -> Iterator[list[str]]:
    """Token lists of a one-sentence-per-line file (tokens separated by whitespace)."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            tokens = line.split()
            if tokens:
                yield tokens


def corpus_stats(path: Path) -> dict[str, int]:
    """Sentence, token and distinct-word counts of a sentences file."""
    sentences = tokens = 0
    words: set[str] = set()
    for sent in read_sentences(path):
        sentences += 1
        tokens += len(sent)
        words.update(sent)
    return {"sentences": sentences, "tokens": tokens, "distinct_words": len(words)}


def write_phrased(src: Path, dst: Path, phrases: PhraseModel, total: int | None = None) -> int:
    """Write ``src`` with phrases applied to ``dst`` (the corpus_file input); returns the token count."""
    tokens = 0
    with open(dst, "w", encoding="utf-8") as out:
        for sent in tqdm(read_sentences(src), total=total, desc="phrasing", unit="sent", disable=None):
            joined = phrases.apply(sent)
            tokens += len(joined)
            out.write(" ".join(joined) + "\n")
    return tokens


class _EpochCallback(CallbackAny2Vec):
    """Per-epoch progress bar, loss, words/s and optional analogy accuracy, recorded in ``history``."""

    def __init__(self, epochs: int, words: int, analogies: str | None, restrict_vocab: int):
        self.history: list[dict[str, Any]] = []
        self.bar = tqdm(total=epochs, desc="training", unit="epoch", disable=None)
        self.words, self.analogies, self.restrict_vocab = words, analogies, restrict_vocab
        self.loss = 0.0
        self.t0 = time.perf_counter()

    def on_epoch_begin(self, model):
        self.t0 = time.perf_counter()

    def on_epoch_end(self, model):
        seconds = time.perf_counter() - self.t0
        cumulative = model.get_latest_training_loss()
        loss, self.loss = (cumulative - self.loss if cumulative >= self.loss else cumulative), cumulative
        entry = {"epoch": len(self.history) + 1, "loss": round(loss, 2), "seconds": round(seconds, 3),
                 "words_per_s": round(self.words / seconds) if seconds else None}
        if self.analogies:
            entry["analogy_accuracy"] = evaluate_analogies(model.wv, self.analogies, self.restrict_vocab)["overall"][
                "accuracy"]
        self.history.append(entry)
        log.info("epoch %(epoch)d: loss %(loss).1f, %(words_per_s)s words/s", entry)
        self.bar.set_postfix(loss=f"{loss:.3g}")
        self.bar.update()

    def on_train_end(self, model):
        self.bar.close()


def train(source: str | Path, out_dir: str | Path, config: TrainConfig | None = None) -> Embeddings:
    """Train skip-gram embeddings on a sentences file (or corpus dir) and write a model directory."""
    config = config or TrainConfig()
    config.check()
    src, out = sentences_file(source), Path(out_dir)
    workers = 1 if config.deterministic else config.workers
    t_start = time.perf_counter()
    stats = corpus_stats(src)
    if stats["tokens"] == 0:
        raise ConfigError(f"{src} is empty: ingest some papers first (`matnlp ingest PAPERS -o corpus/`)")
    out.mkdir(parents=True, exist_ok=True)
    phrases, corpus, timings = None, src, {}
    if config.phrases:
        t0 = time.perf_counter()
        phrases = PhraseModel.learn(lambda: read_sentences(src), config.phrase_passes, config.phrase_min_count,
                                    config.phrase_threshold)
        phrases.save(out / PHRASES)
        corpus = out / ".phrased.txt"
        stats["phrased_tokens"] = write_phrased(src, corpus, phrases, stats["sentences"])
        timings["phrases_s"] = round(time.perf_counter() - t0, 3)
    try:
        model, callback, timings["train_s"] = _fit(corpus, config, workers, stats["tokens"])
    finally:
        if corpus != src and not config.keep_corpus:
            corpus.unlink(missing_ok=True)
    stats["vocab"] = len(model.wv)
    timings["total_s"] = round(time.perf_counter() - t_start, 3)
    timings["train_words_per_s"] = round(stats["tokens"] * config.epochs / timings["train_s"])
    settings = {**asdict(config), "workers": workers, "sg": 1}
    emb = Embeddings(model.wv, phrases, {"format": FORMAT, "settings": settings, "corpus": {"path": str(src), **stats},
                                         "history": callback.history, "timings": timings,
                                         "versions": _versions()})
    emb.save(out)
    log.info("trained %d words x %d dims in %.1fs (%s words/s) -> %s", len(model.wv), config.vector_size,
             timings["total_s"], timings["train_words_per_s"], out)
    return emb


def _fit(corpus: Path, config: TrainConfig, workers: int, words: int) -> tuple[Word2Vec, _EpochCallback, float]:
    model = Word2Vec(sg=1, vector_size=config.vector_size, window=config.window, min_count=config.min_count,
                     negative=config.negative, sample=config.sample, alpha=config.alpha, min_alpha=config.min_alpha,
                     epochs=config.epochs, workers=workers, seed=config.seed, compute_loss=True)
    model.build_vocab(corpus_file=str(corpus))
    if len(model.wv) == 0:
        raise ConfigError(f"no word occurs {config.min_count}+ times in {corpus} (vocabulary empty): lower "
                          "--min-count or train on a larger corpus")
    callback = _EpochCallback(config.epochs, words, config.eval_analogies, config.restrict_vocab)
    t0 = time.perf_counter()
    if config.engine == "batched":
        from . import sgns

        ids, starts = sgns.encode(corpus, model.wv.key_to_index)
        sgns.train(model, ids, starts, config.epochs, workers, config.seed, callbacks=[callback])
    else:
        model.train(corpus_file=str(corpus), total_examples=model.corpus_count, total_words=model.corpus_total_words,
                    epochs=config.epochs, compute_loss=True, callbacks=[callback])
    return model, callback, round(time.perf_counter() - t0, 3)


def _versions() -> dict[str, str]:
    import gensim

    from .. import __version__
    return {"matnlp": __version__, "gensim": gensim.__version__, "numpy": np.__version__}
