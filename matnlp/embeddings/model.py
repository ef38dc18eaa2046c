"""An embeddings model directory: vectors, vocabulary and phrase model; queries, loading and export."""

from __future__ import annotations

import difflib
import json
import logging
from pathlib import Path

import numpy as np
from gensim.models import KeyedVectors

from ..errors import ConfigError, ModelError
from ..io import share_files
from .phrases import PhraseModel, is_barrier

log = logging.getLogger(__name__)

FORMAT = "matnlp.w2v/1"
CONFIG, VOCAB, KV, PHRASES = "config.json", "vocab.tsv", "model.kv", "phrases.json"
PHRASES_SUFFIX = ".phrases.json"
"""An export ``FILE`` keeps its phrase model in ``FILE.phrases.json`` (:func:`phrases_path`)."""
VECTORS = KV + ".vectors.npy"
EXPORT_FORMATS = ("kv", "word2vec-txt", "word2vec-bin", "npy", "parquet")


class OOVError(ModelError):
    """A query word is not in the vocabulary; ``suggestions`` holds close vocabulary words."""

    def __init__(self, words: list[str], suggestions: dict[str, list[str]]):
        self.words, self.suggestions = words, suggestions
        hints = "; ".join(f"{w!r}: did you mean {', '.join(s)}?" if s else f"{w!r}: no close match"
                          for w, s in suggestions.items())
        super().__init__(f"not in the vocabulary: {', '.join(map(repr, words))} ({hints})")


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
        share_files(out)  # the umask's mode for every file, whatever wrote it
        self.path = out
        return out

    # ---- queries
    def tokens(self, text: str) -> list[str]:
        """``text`` as training tokens: mat2vec processing, then phrases."""
        from ..text.processing import process_text

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
        from ..chem import ELEMENT_SET, is_formula

        counts = self.counts()
        return [w for w, c in zip(self.wv.index_to_key, counts)
                if c >= min_count and (w in ELEMENT_SET or is_formula(w))]

    def counts(self) -> np.ndarray:
        """Corpus counts in vector order (zeros when unknown)."""
        counts = self.wv.expandos.get("count")
        return np.asarray(counts, dtype=np.int64) if counts is not None else np.zeros(len(self.wv), np.int64)

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
    """Embeddings from a model directory or any export (word2vec txt/bin, npy + vocab.tsv, parquet/csv, kv), with
    the phrase model an export keeps beside its vectors (:func:`phrases_path`), so queries resolve as in the model
    directory.

    ``.kv`` files are pickles: they load only with ``trust_pickle=True``.
    """
    path = Path(path)
    emb = _load_vectors(path, trust_pickle)
    if emb.phrases is None and not (path / CONFIG).is_file() and phrases_path(path).is_file():
        emb.phrases = PhraseModel.load(phrases_path(path))
    return emb


def phrases_path(export: str | Path) -> Path:
    """Where an export keeps the phrase model of its vectors: ``FILE.phrases.json`` beside a file,
    ``phrases.json`` inside an npy folder."""
    export = Path(export)
    return export / PHRASES if export.is_dir() else export.with_name(export.name + PHRASES_SUFFIX)


def _load_vectors(path: Path, trust_pickle: bool) -> Embeddings:
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
    binary = _is_binary_word2vec(path)
    try:
        wv = KeyedVectors.load_word2vec_format(str(path), binary=binary)
    except (ValueError, EOFError, IndexError, OSError, UnicodeDecodeError) as exc:
        raise ModelError(f"{path}: not a word2vec {'binary' if binary else 'text'} file ({exc})") from exc
    return Embeddings(wv, path=path)


def _is_binary_word2vec(path: Path) -> bool:
    """Whether a word2vec file is the binary format, from its content (whatever its name): after the
    ``count dims`` header line, the text format is UTF-8 text, the binary one raw float32 bytes."""
    import codecs

    try:
        with open(path, "rb") as handle:
            handle.readline()
            chunk = handle.read(4096)
    except OSError as exc:
        raise ModelError(f"{path}: unreadable ({exc})") from exc
    if b"\x00" in chunk:
        return True
    try:
        codecs.getincrementaldecoder("utf-8")().decode(chunk, final=False)
    except UnicodeDecodeError:
        return True
    return False


# --------------------------------------------------------------------------------------------------- export

def export(emb: Embeddings, fmt: str, out: str | Path) -> Path:
    """Write ``emb`` as ``fmt``: kv | word2vec-txt | word2vec-bin | npy (dir) | parquet (a table of every word,
    :func:`vector_table`); returns the written path. The phrase model goes beside the vectors
    (:func:`phrases_path`), where :func:`load` finds it: without it ``band gap`` would be two words, not the
    ``band_gap`` the vectors were trained on."""
    out = Path(out)
    if fmt not in EXPORT_FORMATS:
        raise ConfigError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    if fmt == "npy":
        out.mkdir(parents=True, exist_ok=True)
        np.save(out / "vectors.npy", np.asarray(emb.wv.vectors), allow_pickle=False)
        _write_vocab(emb.wv, out / VOCAB)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "kv":
            emb.wv.save(str(out), separately=["vectors"])
        elif fmt.startswith("word2vec"):
            emb.wv.save_word2vec_format(str(out), binary=fmt == "word2vec-bin")
        else:
            out = _write_table(vector_table(emb), out)
    if emb.phrases is not None:
        emb.phrases.save(phrases_path(out))
    else:
        phrases_path(out).unlink(missing_ok=True)  # a stale one from an earlier export would change queries
    return out


def vector_table(emb: Embeddings):
    """pandas DataFrame of every word's vector, in vocabulary order: ``word``, ``count``, ``is_material``
    (an element symbol or a normalized formula, :meth:`Embeddings.materials`), ``v0``..``v{d-1}``."""
    import pandas as pd

    materials = set(emb.materials())
    vectors = np.asarray(emb.wv.vectors)
    columns = {f"v{i}": vectors[:, i] for i in range(vectors.shape[1])}
    words = list(emb.wv.index_to_key)
    return pd.DataFrame({"word": words, "count": emb.counts(), "is_material": [w in materials for w in words],
                         **columns})


def material_table(emb: Embeddings):
    """The material rows of :func:`vector_table` (element symbols and formulas, most frequent first)."""
    table = vector_table(emb)
    return table[table["is_material"]].reset_index(drop=True)


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
        frame = pd.read_parquet(path) if path.suffix.lower() == ".parquet" else pd.read_csv(
            path, keep_default_na=False, dtype={"word": str, "formula": str})  # the words "NA", "null" are words
    except Exception as exc:  # pandas raises many types for bad files
        raise ModelError(f"{path}: unreadable vector table ({exc})") from exc
    dims = [c for c in frame.columns if c.startswith("v") and c[1:].isdigit()]
    key = "word" if "word" in frame else "formula"  # "formula": tables of material rows only, written before
    if key not in frame or not dims:
        raise ModelError(f"{path}: expected columns word, count, is_material, v0..vN")
    vectors = frame[sorted(dims, key=lambda c: int(c[1:]))].to_numpy(np.float32)
    counts = frame["count"].to_numpy() if "count" in frame else None
    return _keyed(frame[key].astype(str).tolist(), vectors, counts)
