"""Corpus store: a directory of gzipped JSONL document shards, a manifest, an error log and ``sentences.txt``.

Layout of a corpus directory::

    docs-00000.jsonl.gz …   one Document per line (Document.to_dict)
    sentences.txt           one mat2vec-processed sentence per line (input of gensim's corpus_file training)
    errors.jsonl            one line per input that failed: {"id", "source", "stage", "error", "message"}
    manifest.json           counts (inputs == documents + errors + duplicates), config, versions

Every file is written under a temporary name and renamed into place, so a killed run never leaves a corrupt file
that looks finished.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import logging
import os
import platform
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any

from tqdm import tqdm

from . import __version__
from .errors import ConfigError, IngestError
from .ingest import DOCUMENT_TIMEOUT, Block, Parsed, build_document, deadline, iter_inputs, parse_file
from .io import (ERRORS, MANIFEST, atomic_path, check_output_dir, check_positive, error_entry,
                 output_lock, write_json_atomic)
from .types import Document, Source

log = logging.getLogger(__name__)

SENTENCES = "sentences.txt"
SHARD_PATTERN = "docs-{:05d}.jsonl.gz"


def dedup_key(doc: Document) -> str:
    """DOI when known (case-insensitive), else a hash of the normalized text."""
    if doc.meta.doi:
        return "doi:" + doc.meta.doi.strip().lower()
    return "sha256:" + hashlib.sha256(doc.text.encode("utf-8")).hexdigest()


def processed_lines(doc: Document) -> list[str]:
    """The mat2vec-processed sentences of a document, one string per sentence."""
    from .text.processing import process_sentence

    lines = []
    for sentence in doc.sentences:
        words = [t.text for t in process_sentence(doc.text, sentence)]
        if words:
            lines.append(" ".join(words))
    return lines


Built = tuple[Document, list[str]] | dict[str, Any]
"""A built document with its processed sentences, or an error entry."""


def _build(item: tuple[Parsed, Source] | IngestError, timeout: float | None) -> Built:
    """Assemble, tokenize and process one reader item within ``timeout`` seconds; never raises."""
    if isinstance(item, IngestError):
        return error_entry(item)
    try:
        with deadline(timeout, item[1].path):
            doc = build_document(item)
            if isinstance(doc, IngestError):
                return error_entry(doc, record=item[1].record)
            return doc, processed_lines(doc)
    except Exception as exc:  # noqa: BLE001 - one bad paper must not end the run
        log.debug("building %s failed", item[1].path, exc_info=True)
        err = IngestError(item[1].path, f"processing failed: {type(exc).__name__}: {exc}")
        return error_entry(err, stage="process", record=item[1].record)


WARM_UP_TEXT = "LiFePO4 was annealed at 700 °C for 5 h under Ar."


@cache
def warm_up() -> None:
    """Build one small document, so that the libraries the stages import lazily (nltk, pymatgen, …) load before
    any per-document deadline: a deadline expiring inside an import leaves a half-initialized module that fails
    every later document of the process."""
    processed_lines(build_document((Parsed([Block("paragraph", WARM_UP_TEXT)]), Source("<warm-up>", "text"))))


def _build_batch(items: list[tuple[Parsed, Source] | IngestError], timeout: float | None) -> list[Built]:
    warm_up()
    return [_build(item, timeout) for item in items]


class CorpusWriter:
    """Streams documents into shards; keeps only dedup keys in memory."""

    def __init__(self, out_dir: Path, shard_size: int = 500):
        if shard_size < 1:
            raise ConfigError("shard_size must be at least 1")
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        (self.out_dir / MANIFEST).unlink(missing_ok=True)  # first: a killed rerun must not look finished
        for stale in self.out_dir.glob("docs-*.jsonl.gz"):
            stale.unlink()
        self.shard_size = shard_size
        self.counts = {"files": 0, "inputs": 0, "documents": 0, "errors": 0, "duplicates": 0,
                       "sentences": 0, "tokens": 0}
        self.shards: list[str] = []
        self._seen: set[str] = set()
        self._shard = None
        self._shard_docs = 0
        self._sentences = atomic_path(self.out_dir / SENTENCES).open("w", encoding="utf-8")
        self._errors = atomic_path(self.out_dir / ERRORS).open("w", encoding="utf-8")

    def add(self, built: Built) -> None:
        """Record one built document or error entry."""
        self.counts["inputs"] += 1
        if isinstance(built, dict):
            self.counts["errors"] += 1
            self._errors.write(json.dumps(built, ensure_ascii=False) + "\n")
            return
        doc, lines = built
        key = dedup_key(doc)
        if key in self._seen:
            self.counts["duplicates"] += 1
            return
        self._seen.add(key)
        self._write_document(doc, lines)

    def _write_document(self, doc: Document, lines: list[str]) -> None:
        if self._shard is None:
            self._open_shard()
        self._shard.write(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n")
        self._shard_docs += 1
        self.counts["documents"] += 1
        self.counts["sentences"] += len(doc.sentences)
        self.counts["tokens"] += sum(len(s.tokens) for s in doc.sentences)
        for line in lines:
            self._sentences.write(line + "\n")
        if self._shard_docs >= self.shard_size:
            self._close_shard()

    def _open_shard(self) -> None:
        name = SHARD_PATTERN.format(len(self.shards))
        self.shards.append(name)
        self._shard_final = self.out_dir / name
        self._shard = gzip.open(atomic_path(self._shard_final), "wt", encoding="utf-8")
        self._shard_docs = 0

    def _close_shard(self) -> None:
        self._shard.close()
        os.replace(atomic_path(self._shard_final), self._shard_final)
        self._shard = None

    def abort(self) -> None:
        """Close and remove the temporary files (a failed run leaves no partial file behind)."""
        for handle in (self._shard, self._sentences, self._errors):
            if handle is not None:
                with contextlib.suppress(OSError):  # flushing may fail again (full disk)
                    handle.close()
        for tmp in self.out_dir.glob(atomic_path(Path("*")).name):
            tmp.unlink()

    def close(self, config: dict[str, Any]) -> dict[str, Any]:
        """Finish all files and write the manifest; returns it."""
        if self._shard is not None:
            self._close_shard()
        for handle, name in ((self._sentences, SENTENCES), (self._errors, ERRORS)):
            handle.close()
            os.replace(handle.name, self.out_dir / name)
        manifest = {
            "format": "matnlp.corpus/1",
            **self.counts,
            "shards": self.shards,
            "config": config,
            "versions": _versions(),
        }
        write_json_atomic(self.out_dir / MANIFEST, manifest)
        return manifest


def _versions() -> dict[str, str]:
    from importlib.metadata import version

    return {
        "matnlp": __version__,
        "python": platform.python_version(),
        "chemdataextractor-lite": version("chemdataextractor-lite"),
    }


def _batches(files: list[Path], batch_chars: int, counts: dict[str, int]) -> Iterator[list]:
    """Reader items of all files, grouped into batches of about ``batch_chars`` characters of raw text."""
    batch: list = []
    size = 0
    for path in files:
        counts["files"] += 1
        for item in parse_file(path):
            batch.append(item)
            size += 0 if isinstance(item, IngestError) else sum(len(b.text) for b in item[0].blocks)
            if size >= batch_chars:
                yield batch
                batch, size = [], 0
    if batch:
        yield batch


def _built(batches: Iterator[list], workers: int, timeout: float | None) -> Iterator[Built]:
    """Build batches in order, in ``workers`` processes with a bounded number of batches in flight."""
    if workers <= 1:
        for batch in batches:
            yield from _build_batch(batch, timeout)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: deque = deque()
        for batch in batches:
            pending.append(pool.submit(_build_batch, batch, timeout))
            if len(pending) >= 2 * workers:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def ingest(
    inputs: Iterable[str | Path],
    out_dir: str | Path,
    workers: int = 1,
    include: tuple[str, ...] = ("*",),
    exclude: tuple[str, ...] = (),
    shard_size: int = 500,
    progress: bool = True,
    batch_chars: int = 200_000,
    timeout: float | None = DOCUMENT_TIMEOUT,
    overwrite: bool = False,
) -> dict[str, Any]:
    """Turn papers (files and directories) into a corpus directory; returns the manifest. A document that takes
    longer than ``timeout`` seconds to build becomes an error entry.

    The settings and inputs are checked before ``out_dir`` is touched; the folder is then locked for the run
    (:func:`matnlp.io.output_lock`: a second run into it is refused) and must be empty unless ``overwrite`` replaces
    the corpus it holds."""
    check_positive(workers=workers, shard_size=shard_size, batch_chars=batch_chars, timeout=timeout)
    inputs = list(inputs)
    files = list(iter_inputs([Path(p) for p in inputs], include=include, exclude=exclude))
    if not files:
        raise ConfigError(f"no input files found in {', '.join(map(str, inputs))} (include={include}, exclude={exclude})")
    config = {"inputs": [str(p) for p in inputs], "include": list(include), "exclude": list(exclude),
              "workers": workers, "shard_size": shard_size, "timeout": timeout}
    out = Path(out_dir)
    with output_lock(out):
        check_output_dir(out, overwrite=overwrite)
        return _ingest(files, out, config, workers, shard_size, progress, batch_chars, timeout)


def _ingest(files: list[Path], out: Path, config: dict[str, Any], workers: int, shard_size: int, progress: bool,
            batch_chars: int, timeout: float | None) -> dict[str, Any]:
    writer = CorpusWriter(out, shard_size=shard_size)
    try:
        with tqdm(total=len(files), unit="file", desc="ingest", disable=not progress) as bar:
            for built in _built(_batches(files, batch_chars, writer.counts), workers, timeout):
                writer.add(built)
                bar.n = writer.counts["files"]
                bar.set_postfix(docs=writer.counts["documents"], errors=writer.counts["errors"], refresh=False)
                bar.update(0)
        return writer.close(config)
    except BaseException:
        writer.abort()
        raise


class Corpus:
    """A corpus directory; iterating yields its Documents, again on every ``iter()`` (restartable)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        manifest = self.path / MANIFEST
        if not manifest.is_file():
            raise ConfigError(f"{self.path} is not a matnlp corpus (no {MANIFEST}); build one with `matnlp ingest`")
        self.manifest: dict[str, Any] = json.loads(manifest.read_text(encoding="utf-8"))

    @property
    def sentences_path(self) -> Path:
        return self.path / SENTENCES

    def __len__(self) -> int:
        return int(self.manifest["documents"])

    def __iter__(self) -> Iterator[Document]:
        for name in self.manifest["shards"]:
            with gzip.open(self.path / name, "rt", encoding="utf-8") as handle:
                for line in handle:
                    yield Document.from_dict(json.loads(line))

    def errors(self) -> list[dict[str, Any]]:
        """The error entries of the ingest run."""
        path = self.path / ERRORS
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
