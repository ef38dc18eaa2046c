"""mat2vec-style Word2vec embeddings on gensim 4: phrases, skip-gram training, queries, evaluation and export.

Training builds a gensim ``Word2Vec`` (vocabulary, sub-sampling, negative table, initial weights) and updates it with
the ``batched`` engine (:mod:`matnlp.sgns`: negatives shared per window, about 2x gensim's speed at equal analogy
accuracy in ``scripts/bench_embeddings.py``) or, with ``engine="gensim"``, gensim's own corpus_file training.

Model directory written by :func:`train`::

    config.json            format tag, training settings, corpus stats, per-epoch history, timings
    vocab.tsv              word <TAB> count, in vector order
    model.kv               gensim KeyedVectors (pickle; for ``KeyedVectors.load(path, mmap="r")``)
    model.kv.vectors.npy   the vector matrix (plain ``.npy``, memory-mapped by :meth:`Embeddings.load`)
    phrases.json           the phrase model: connector words and the phrasegrams of every pass, with scores

Safety: ``.kv`` files are pickles, and unpickling runs code. :meth:`Embeddings.load` and :func:`load` never
unpickle: a model directory is read from ``vocab.tsv`` + ``model.kv.vectors.npy`` (``allow_pickle=False``), and
foreign files are read from word2vec text/binary, ``.npy`` + ``vocab.tsv`` or Parquet/CSV. A bare ``.kv`` file is
only loaded with ``trust_pickle=True`` (CLI ``--trust-pickle``).
"""

from __future__ import annotations

import difflib
import json
import logging
import math
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from gensim.models import KeyedVectors, Word2Vec
from gensim.models.callbacks import CallbackAny2Vec
from gensim.models.phrases import ENGLISH_CONNECTOR_WORDS, Phrases
from tqdm import tqdm

from .errors import ConfigError, ModelError

log = logging.getLogger(__name__)

FORMAT = "matnlp.w2v/1"
NUM = "<nUm>"
DELIMITER = "_"
#: Words allowed inside a phrase but never at its ends (gensim 4's ``connector_words``, mat2vec's ``common_terms``).
CONNECTOR_WORDS = ENGLISH_CONNECTOR_WORDS | frozenset("as into than over under 's ’s".split())
CONFIG, VOCAB, KV, PHRASES = "config.json", "vocab.tsv", "model.kv", "phrases.json"
VECTORS = KV + ".vectors.npy"
EXPORT_FORMATS = ("kv", "word2vec-txt", "word2vec-bin", "npy", "parquet")
ENGINES = ("batched", "gensim")
"""``batched``: shared-negative skip-gram kernel (:mod:`matnlp.sgns`); ``gensim``: gensim's corpus_file training."""


class OOVError(ModelError):
    """A query word is not in the vocabulary; ``suggestions`` holds close vocabulary words."""

    def __init__(self, words: list[str], suggestions: dict[str, list[str]]):
        self.words, self.suggestions = words, suggestions
        hints = "; ".join(f"{w!r}: did you mean {', '.join(s)}?" if s else f"{w!r}: no close match"
                          for w, s in suggestions.items())
        super().__init__(f"not in the vocabulary: {', '.join(map(repr, words))} ({hints})")


# --------------------------------------------------------------------------------------------------- phrases

def is_barrier(token: str) -> bool:
    """True for tokens a phrase never spans: punctuation and the number placeholder."""
    return token == NUM or not any(ch.isalnum() for ch in token)


def _segments(tokens: list[str]) -> Iterator[list[str]]:
    """The runs of ``tokens`` between barriers."""
    run: list[str] = []
    for token in tokens:
        if is_barrier(token):
            if run:
                yield run
            run = []
        else:
            run.append(token)
    if run:
        yield run


@dataclass
class PhraseModel:
    """Phrase passes (``phrasegram -> score`` per pass) applied greedily left to right, as gensim does."""

    passes: list[dict[str, float]]
    connector_words: frozenset[str] = CONNECTOR_WORDS
    min_count: int = 10
    threshold: float = 15.0

    @classmethod
    def learn(cls, corpus: Callable[[], Iterable[list[str]]], passes: int = 2, min_count: int = 10,
              threshold: float = 15.0) -> PhraseModel:
        """Learn ``passes`` layers of phrases from ``corpus()`` (a fresh iterable of token lists per call)."""
        model = cls([], min_count=min_count, threshold=threshold)
        for number in range(1, passes + 1):
            stream = (seg for sent in corpus() for seg in _segments(model.apply(sent)))
            learner = Phrases(stream, min_count=min_count, threshold=threshold, delimiter=DELIMITER,
                              connector_words=model.connector_words, progress_per=10**9)
            grams = learner.export_phrases()
            log.info("phrase pass %d: %d phrasegrams", number, len(grams))
            model.passes.append(grams)
        return model

    def apply(self, tokens: list[str]) -> list[str]:
        """``tokens`` with every learned phrase joined by ``_``."""
        for grams in self.passes:
            tokens = self._join(tokens, grams)
        return tokens

    def _join(self, tokens: list[str], grams: dict[str, float]) -> list[str]:
        out: list[str] = []
        start, between = None, []
        for word in tokens:
            if word in self.connector_words and start is not None:
                between.append(word)
                continue
            if start is not None:
                phrase = DELIMITER.join([start, *between, word])
                if phrase in grams:
                    out.append(phrase)
                    start, between = None, []
                    continue
                out.append(start)
                out.extend(between)
                start, between = None, []
            if is_barrier(word) or word in self.connector_words:
                out.append(word)
            else:
                start = word
        if start is not None:
            out.append(start)
            out.extend(between)
        return out

    def phrasegrams(self) -> dict[str, float]:
        """All phrasegrams of all passes."""
        return {g: s for grams in self.passes for g, s in grams.items()}

    def save(self, path: Path) -> None:
        data = {"delimiter": DELIMITER, "connector_words": sorted(self.connector_words), "min_count": self.min_count,
                "threshold": self.threshold, "barriers": f"punctuation and {NUM}",
                "passes": [dict(sorted(g.items(), key=lambda kv: -kv[1])) for g in self.passes]}
        Path(path).write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> PhraseModel:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            return cls([{g: float(s) for g, s in p.items()} for p in data["passes"]],
                       frozenset(data["connector_words"]), data["min_count"], data["threshold"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ModelError(f"{path}: not a readable phrase model ({exc})") from exc


# --------------------------------------------------------------------------------------------------- training

@dataclass
class TrainConfig:
    """Training settings; defaults are mat2vec's (Tshitoyan et al. 2019)."""

    vector_size: int = 200
    window: int = 8
    min_count: int = 5
    negative: int = 15
    sample: float = 1e-4
    alpha: float = 0.01
    min_alpha: float = 0.0001
    epochs: int = 30
    workers: int = field(default_factory=lambda: len(os.sched_getaffinity(0)))
    seed: int = 1
    deterministic: bool = False
    phrases: bool = True
    phrase_passes: int = 2
    phrase_min_count: int = 10
    phrase_threshold: float = 15.0
    eval_analogies: str | None = None
    restrict_vocab: int = 300_000
    keep_corpus: bool = False
    engine: str = "batched"

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

    from . import __version__
    return {"matnlp": __version__, "gensim": gensim.__version__, "numpy": np.__version__}


# --------------------------------------------------------------------------------------------------- the model

class Embeddings:
    """Word vectors plus the phrase model used for training; queries go through the training text processing."""

    def __init__(self, wv: KeyedVectors, phrases: PhraseModel | None = None, config: dict | None = None,
                 path: Path | None = None):
        self.wv, self.phrases, self.config, self.path = wv, phrases, config or {}, path

    def __len__(self) -> int:
        return len(self.wv)

    def __contains__(self, word: str) -> bool:
        return word in self.wv.key_to_index

    def __repr__(self) -> str:
        return f"Embeddings({len(self.wv)} words x {self.wv.vector_size}, path={str(self.path)!r})"

    # ---- persistence
    @classmethod
    def load(cls, path: str | Path, mmap: bool = True) -> Embeddings:
        """A model directory written by :func:`train` (never unpickles; vectors memory-mapped when ``mmap``)."""
        path = Path(path)
        try:
            config = json.loads((path / CONFIG).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ModelError(f"{path}: not a matnlp embeddings directory (no {CONFIG}); train one with "
                             "`matnlp embeddings train`") from exc
        except ValueError as exc:
            raise ModelError(f"{path / CONFIG}: corrupt ({exc})") from exc
        if config.get("format") != FORMAT:
            raise ModelError(f"{path / CONFIG}: format {config.get('format')!r}, expected {FORMAT!r}")
        wv = _from_arrays(path / VECTORS, path / VOCAB, mmap)
        phrases = PhraseModel.load(path / PHRASES) if (path / PHRASES).is_file() else None
        return cls(wv, phrases, config, path)

    def save(self, out_dir: str | Path) -> Path:
        """Write the model directory (see the module docstring)."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        (out / CONFIG).unlink(missing_ok=True)  # written last: a save killed midway leaves no loadable dir
        self.wv.save(str(out / KV), separately=["vectors"])
        _write_vocab(self.wv, out / VOCAB)
        if self.phrases is not None:
            self.phrases.save(out / PHRASES)
        (out / CONFIG).write_text(json.dumps(self.config, indent=1, default=str), encoding="utf-8")
        self.path = out
        return out

    # ---- queries
    def tokens(self, text: str) -> list[str]:
        """``text`` as training tokens: mat2vec processing, then phrases."""
        from .processing import process_text

        tokens = process_text(text)
        return self.phrases.apply(tokens) if self.phrases else tokens

    def resolve(self, query: str) -> list[str]:
        """Vocabulary words for ``query`` (itself if in vocabulary, else its processed tokens); OOVError if any miss."""
        if query in self:
            return [query]
        tokens = [t for t in self.tokens(query) if not is_barrier(t)]
        if not tokens:
            raise OOVError([query], {query: self.suggest(query)})
        missing = [t for t in tokens if t not in self]
        if missing:
            raise OOVError(missing, {w: self.suggest(w) for w in missing})
        return tokens

    def suggest(self, word: str, n: int = 5, limit: int = 100_000) -> list[str]:
        """Up to ``n`` vocabulary words spelled like ``word`` (case-insensitive matches first)."""
        vocab = self.wv.index_to_key[:limit]
        folded = [w for w in vocab if w.lower() == word.lower()]
        close = difflib.get_close_matches(word, vocab, n=n, cutoff=0.7)
        return list(dict.fromkeys(folded + close))[:n]

    def vector(self, query: str) -> np.ndarray:
        """The vector of ``query`` (the mean when it is several words)."""
        words = self.resolve(query)
        return np.mean([self.wv[w] for w in words], axis=0)

    def similar(self, query: str, n: int = 10) -> list[tuple[str, float]]:
        """The ``n`` words most cosine-similar to ``query``."""
        return self.wv.most_similar(positive=self.resolve(query), topn=n)

    def analogy(self, a: str, b: str, c: str, n: int = 10) -> list[tuple[str, float]]:
        """``a`` is to ``b`` as ``c`` is to ?: the ``n`` best answers (3CosAdd)."""
        return self.wv.most_similar(positive=self.resolve(b) + self.resolve(c), negative=self.resolve(a), topn=n)

    def materials(self, min_count: int = 0) -> list[str]:
        """Vocabulary words that are element symbols or (normalized) chemical formulas, most frequent first."""
        from .chem import ELEMENT_SET, is_formula

        counts = self.counts()
        return [w for w, c in zip(self.wv.index_to_key, counts)
                if c >= min_count and (w in ELEMENT_SET or is_formula(w))]

    def counts(self) -> np.ndarray:
        """Corpus counts in vector order (zeros when unknown)."""
        counts = self.wv.expandos.get("count")
        return np.asarray(counts, dtype=np.int64) if counts is not None else np.zeros(len(self.wv), np.int64)

    # ---- evaluation
    def evaluate_analogies(self, path: str | Path, restrict_vocab: int = 300_000) -> dict[str, Any]:
        return evaluate_analogies(self.wv, path, restrict_vocab)

    def evaluate_thermoelectric(self, path: str | Path, word: str = "thermoelectric", pf_index: int = 0,
                                top: int = 20) -> dict[str, Any]:
        return evaluate_thermoelectric(self, path, word, pf_index, top)

    # ---- export
    def export(self, fmt: str, out: str | Path) -> Path:
        """Write the vectors as ``fmt`` (one of EXPORT_FORMATS) to ``out``; returns the written path."""
        return export(self, fmt, out)


def _write_vocab(wv: KeyedVectors, path: Path) -> None:
    counts = wv.expandos.get("count")
    with open(path, "w", encoding="utf-8") as out:
        for i, word in enumerate(wv.index_to_key):
            out.write(f"{word}\t{int(counts[i]) if counts is not None else 0}\n")


def _read_vocab(path: Path) -> tuple[list[str], np.ndarray]:
    words, counts = [], []
    try:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                word, _, count = line.rstrip("\n").partition("\t")
                words.append(word)
                counts.append(int(count or 0))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path}: unreadable vocabulary ({exc})") from exc
    return words, np.asarray(counts, dtype=np.int64)


def _from_arrays(vectors_path: Path, vocab_path: Path, mmap: bool = True) -> KeyedVectors:
    """KeyedVectors from a plain ``.npy`` matrix and a ``vocab.tsv`` (no pickle, optionally memory-mapped)."""
    words, counts = _read_vocab(vocab_path)
    try:
        vectors = np.load(vectors_path, mmap_mode="r" if mmap else None, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise ModelError(f"{vectors_path}: unreadable vectors ({exc})") from exc
    if vectors.ndim != 2 or len(vectors) != len(words):
        raise ModelError(f"{vectors_path}: {vectors.shape} vectors for {len(words)} vocabulary words")
    return _keyed(words, vectors, counts)


def _keyed(words: list[str], vectors: np.ndarray, counts: np.ndarray | None = None) -> KeyedVectors:
    wv = KeyedVectors(vectors.shape[1], dtype=vectors.dtype)
    wv.index_to_key = list(words)
    wv.key_to_index = {w: i for i, w in enumerate(words)}
    wv.next_index = len(words)
    wv.vectors = vectors
    if counts is not None:
        wv.expandos["count"] = np.asarray(counts, dtype=np.int64)
    return wv


def load(path: str | Path, trust_pickle: bool = False) -> Embeddings:
    """Embeddings from a model directory or any export (word2vec txt/bin, npy + vocab.tsv, parquet/csv, kv).

    ``.kv`` files are pickles: they load only with ``trust_pickle=True``.
    """
    path = Path(path)
    if path.is_dir():
        if (path / CONFIG).is_file():
            return Embeddings.load(path)
        if (path / "vectors.npy").is_file():
            return Embeddings(_from_arrays(path / "vectors.npy", path / VOCAB), path=path)
        raise ModelError(f"{path}: neither a model directory ({CONFIG}) nor an npy export (vectors.npy + {VOCAB})")
    if not path.is_file():
        raise ModelError(f"{path}: no such model file or directory")
    suffix = path.suffix.lower()
    if suffix == ".kv":
        if not trust_pickle:
            raise ModelError(f"{path}: .kv files are Python pickles and can run code when loaded; pass "
                             "trust_pickle=True (--trust-pickle) only for files you trust, or load the model "
                             "directory / a word2vec or npy export instead")
        return Embeddings(KeyedVectors.load(str(path), mmap="r"), path=path)
    if suffix == ".npy":
        return Embeddings(_from_arrays(path, path.with_name(VOCAB)), path=path)
    if suffix in (".parquet", ".csv"):
        return Embeddings(_read_table(path), path=path)
    try:
        wv = KeyedVectors.load_word2vec_format(str(path), binary=suffix == ".bin")
    except (ValueError, EOFError, IndexError, OSError) as exc:
        raise ModelError(f"{path}: not a word2vec {'binary' if suffix == '.bin' else 'text'} file ({exc})") from exc
    return Embeddings(wv, path=path)


# --------------------------------------------------------------------------------------------------- export

def export(emb: Embeddings, fmt: str, out: str | Path) -> Path:
    """Write ``emb`` as ``fmt``: kv | word2vec-txt | word2vec-bin | npy (dir) | parquet (material table)."""
    out = Path(out)
    if fmt not in EXPORT_FORMATS:
        raise ConfigError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    if fmt == "npy":
        out.mkdir(parents=True, exist_ok=True)
        np.save(out / "vectors.npy", np.asarray(emb.wv.vectors), allow_pickle=False)
        _write_vocab(emb.wv, out / VOCAB)
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "kv":
        emb.wv.save(str(out), separately=["vectors"])
    elif fmt.startswith("word2vec"):
        emb.wv.save_word2vec_format(str(out), binary=fmt == "word2vec-bin")
    else:
        return _write_table(material_table(emb), out)
    return out


def material_table(emb: Embeddings):
    """pandas DataFrame of material vectors: ``formula``, ``count``, ``v0``..``v{d-1}``."""
    import pandas as pd

    words = emb.materials()
    index = [emb.wv.key_to_index[w] for w in words]
    counts = emb.counts()[index]
    vectors = np.asarray(emb.wv.vectors)[index]
    columns = {f"v{i}": vectors[:, i] for i in range(vectors.shape[1])}
    return pd.DataFrame({"formula": words, "count": counts, **columns})


def _write_table(frame, out: Path) -> Path:
    if out.suffix.lower() != ".csv":
        try:
            frame.to_parquet(out, index=False)
            return out
        except ImportError:
            out = out.with_suffix(".csv")
            log.warning("pyarrow not installed: writing CSV to %s", out)
    frame.to_csv(out, index=False, float_format="%.9g")
    return out


def _read_table(path: Path) -> KeyedVectors:
    import pandas as pd

    try:
        frame = pd.read_parquet(path) if path.suffix.lower() == ".parquet" else pd.read_csv(path)
    except Exception as exc:  # pandas raises many types for bad files
        raise ModelError(f"{path}: unreadable vector table ({exc})") from exc
    dims = [c for c in frame.columns if c.startswith("v") and c[1:].isdigit()]
    if "formula" not in frame or not dims:
        raise ModelError(f"{path}: expected columns formula, count, v0..vN")
    vectors = frame[sorted(dims, key=lambda c: int(c[1:]))].to_numpy(np.float32)
    counts = frame["count"].to_numpy() if "count" in frame else None
    return _keyed(frame["formula"].astype(str).tolist(), vectors, counts)


# --------------------------------------------------------------------------------------------------- evaluation

def read_analogies(path: str | Path) -> list[tuple[str, list[tuple[str, str, str, str]]]]:
    """Sections of a word2vec ``questions-words`` file: ``[(name, [(a, b, c, d), ...]), ...]``."""
    sections: list[tuple[str, list]] = []
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.startswith(":"):
                    sections.append((line[1:].strip(), []))
                elif line.strip():
                    words = line.split()
                    if len(words) != 4 or not sections:
                        raise ConfigError(f"{path}: bad analogy line {line.strip()!r}")
                    sections[-1][1].append(tuple(words))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read analogies ({exc})") from exc
    return sections


def evaluate_analogies(wv: KeyedVectors, path: str | Path, restrict_vocab: int = 300_000,
                       batch: int = 512) -> dict[str, Any]:
    """Analogy accuracy (3CosAdd, case-sensitive) per section, for materials/grammar sections and overall.

    Like gensim's ``evaluate_word_analogies``: only questions whose four words are among the ``restrict_vocab``
    most frequent words count (``covered``); ``accuracy = correct / covered``; ``coverage = covered / questions``.
    """
    keys = wv.index_to_key[:restrict_vocab]
    index = {w: i for i, w in enumerate(keys)}
    normed = np.asarray(wv.get_normed_vectors()[: len(keys)], dtype=np.float32)
    rows = []
    for name, questions in read_analogies(path):
        ids = np.array([[index[w] for w in q] for q in questions if all(w in index for w in q)], dtype=np.int64)
        correct = _count_correct(normed, ids.reshape(-1, 4), batch)
        rows.append(_score({"section": name, "questions": len(questions)}, len(ids), correct))
    groups = {"materials": [r for r in rows if not r["section"].startswith("gram")],
              "grammar": [r for r in rows if r["section"].startswith("gram")], "overall": rows}
    summary = {g: _score({"questions": sum(r["questions"] for r in rs)}, sum(r["covered"] for r in rs),
                         sum(r["correct"] for r in rs)) for g, rs in groups.items()}
    return {"file": str(path), "restrict_vocab": restrict_vocab, "vocab": len(wv), **summary, "sections": rows}


def _count_correct(normed: np.ndarray, ids: np.ndarray, batch: int) -> int:
    correct = 0
    for start in range(0, len(ids), batch):
        q = ids[start:start + batch]
        target = normed[q[:, 1]] - normed[q[:, 0]] + normed[q[:, 2]]
        sims = target @ normed.T
        rows = np.arange(len(q))[:, None]
        sims[rows, q[:, :3]] = -np.inf
        correct += int((sims.argmax(axis=1) == q[:, 3]).sum())
    return correct


def _score(row: dict, covered: int, correct: int) -> dict:
    return {**row, "covered": covered, "correct": correct,
            "accuracy": round(correct / covered, 4) if covered else None,
            "coverage": round(covered / row["questions"], 4) if row["questions"] else None}


def evaluate_thermoelectric(emb: Embeddings, path: str | Path, word: str = "thermoelectric", pf_index: int = 0,
                            top: int = 20) -> dict[str, Any]:
    """Rank mat2vec's thermoelectric-table formulas by cosine similarity to ``word``; Spearman with power factors.

    Table entries are ``formula: [{surface form: count}, known_thermoelectric, [power factors] | null]``;
    ``pf_index`` picks the computed power factor (0: PF at T<=600 K, c<=1e20 cm^-3, the paper's choice).
    """
    from scipy.stats import spearmanr

    try:
        table = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: cannot read the thermoelectric table ({exc})") from exc
    target = emb.wv[emb.resolve(word)[0]]
    target = target / np.linalg.norm(target)
    covered = [(f, entry) for f, entry in table.items() if f in emb]
    sims = _cosines(emb, [f for f, _ in covered], target)
    ranked = sorted(zip(sims, covered), key=lambda x: -x[0])
    with_pf = [(s, e[2][pf_index]) for s, (f, e) in ranked if e[2] and e[2][pf_index] is not None]
    rho, p = spearmanr([s for s, _ in with_pf], [v for _, v in with_pf]) if len(with_pf) > 2 else (math.nan, math.nan)
    known = [bool(e[1]) for _, (_, e) in ranked]
    return {"file": str(path), "word": word, "pf_index": pf_index, "formulas": len(table), "covered": len(covered),
            "covered_with_pf": len(with_pf), "spearman": _finite(rho), "p_value": _finite(p),
            "known_te_in_top": sum(known[:top]), "known_te_covered": sum(known), "top": top,
            "ranking": [{"formula": f, "similarity": round(float(s), 4), "known": bool(e[1]),
                         "pf": e[2][pf_index] if e[2] else None} for s, (f, e) in ranked[:top]]}


def _cosines(emb: Embeddings, words: list[str], target: np.ndarray) -> list[float]:
    if not words:
        return []
    vectors = np.asarray(emb.wv[words], dtype=np.float32)
    return list(vectors @ target / np.linalg.norm(vectors, axis=1))


def _finite(value: float) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), 4)
