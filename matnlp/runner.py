"""Batch runs: papers in, records.jsonl / errors.jsonl / manifest.json out. Shards of papers go to local worker
processes or a Dask cluster with the same per-document function; finished shards are kept as part files, so a run
resumes where it stopped."""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from tqdm import tqdm

from .confidence import Dropped, check_confidence, drop_below
from .corpus import WARM_UP_TEXT, warm_up
from .errors import ConfigError, IngestError, SchemaError
from .ingest import DOCUMENT_TIMEOUT, Parsed, build_document, deadline, iter_inputs, parse_file
from .io import (MANIFEST, atomic_open, check_output_dir, check_positive, error_entry, output_lock,
                 write_json_atomic)
from .pipeline import ModelPaths, Pipeline
from .records import Provenance, RecordWriter, check_offsets, document_entry, validate
from .types import Source

log = logging.getLogger(__name__)

PARTS = "parts"


# ------------------------------------------------------------------------------------------ shards and workers


@lru_cache(maxsize=2)
def _worker_pipeline(paths: ModelPaths, threads: int | None) -> Pipeline:
    """The pipeline of this worker process, loaded once and warmed up outside any per-document deadline."""
    if threads:
        import torch

        torch.set_num_threads(threads)
    warm_up()
    nlp = Pipeline(ner=paths.ner, synthesis=paths.synthesis, device=paths.device, precision=paths.precision,
                   properties=paths.properties,
                   timeout=None)  # the run's own deadline covers each document (extract_shard)
    nlp(WARM_UP_TEXT)
    return nlp


Item = tuple[Parsed, Source] | dict[str, Any]
"""A shard item: a reader's paper with its source, or the error entry of an input that could not be read."""


def extract_shard(items: list[Item], paths: ModelPaths, timeout: float | None = DOCUMENT_TIMEOUT,
                  threads: int | None = None) -> list[dict[str, Any]]:
    """Extract one shard; returns one ``{"record": …}`` or ``{"error": …}`` line per item. Never raises for bad
    content: a failing document becomes an error entry naming its stage."""
    nlp = _worker_pipeline(paths, threads)
    return [_extract_item(nlp, item, timeout) for item in items]


def _extract_item(nlp: Pipeline, item: Item, timeout: float | None) -> dict[str, Any]:
    if isinstance(item, dict):
        return {"error": item}
    parsed, source = item
    ident = f"{source.path}#{source.record}" if source.record is not None else source.path
    stage = "ingest"
    try:
        with deadline(timeout, ident):
            doc = build_document(item)
            if isinstance(doc, IngestError):
                return {"error": error_entry(doc, record=source.record)}
            stage, ident = "extract", doc.id
            record = nlp.record(doc)
            stage = "validate"
            d = record.to_dict()
            validate(d)
            check_offsets(record, doc.text)
        return {"record": d, "document": document_entry(doc)}
    except Exception as exc:  # noqa: BLE001 - one bad paper must not end the run
        log.debug("%s failed at %s", ident, stage, exc_info=True)
        kind = "SchemaError" if isinstance(exc, SchemaError) else type(exc).__name__
        return {"error": {"id": ident, "source": source.path, "stage": stage, "error": kind, "message": str(exc)}}


def _shards(files: list[Path], shard_docs: int, counts: dict[str, int] | None = None) -> Iterator[list[Item]]:
    """Shards of ``shard_docs`` items of the files in order; ``counts["files"]`` counts the files begun."""
    counts = {} if counts is None else counts
    shard: list[Item] = []
    for path in files:
        counts["files"] = counts.get("files", 0) + 1
        for item in parse_file(path):
            shard.append(error_entry(item) if isinstance(item, IngestError) else item)
            if len(shard) >= shard_docs:
                yield shard
                shard = []
    if shard:
        yield shard


# ----------------------------------------------------------------------------------------------- engines


class _LocalEngine:
    """Shards in ``workers`` local processes (in this process when ``workers == 1``)."""

    def __init__(self, workers: int):
        self.workers = workers
        self.pool = None
        if workers > 1:
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(max_workers=workers)

    def map(self, jobs: Iterator[tuple[int, list[Item]]], paths: ModelPaths, timeout: float | None):
        if self.pool is None:
            for index, items in jobs:
                yield index, extract_shard(items, paths, timeout)
            return
        pending: deque = deque()
        for index, items in jobs:
            pending.append((index, self.pool.submit(extract_shard, items, paths, timeout, 1)))
            if len(pending) >= 2 * self.workers:
                index, future = pending.popleft()
                yield index, future.result()
        while pending:
            index, future = pending.popleft()
            yield index, future.result()

    def close(self):
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


class _DaskEngine:
    """Shards on a Dask cluster (a LocalCluster of ``workers`` single-threaded processes when no scheduler is
    given); a shard whose worker dies is retried elsewhere."""

    def __init__(self, workers: int, scheduler: str | None):
        from dask.distributed import Client, LocalCluster

        self.cluster = None if scheduler else LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        self.client = Client(scheduler or self.cluster)
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})) or workers)

    def map(self, jobs: Iterator[tuple[int, list[Item]]], paths: ModelPaths, timeout: float | None):
        from dask.distributed import as_completed

        window = as_completed()
        pending = 0
        for index, items in jobs:
            window.add(self.client.submit(extract_shard, items, paths, timeout, 1, key=f"matnlp-shard-{index}",
                                          retries=2, pure=False))
            pending += 1
            if pending >= 2 * self.workers:
                future = next(window)
                pending -= 1
                yield _dask_index(future), future.result()
        for future in window:
            yield _dask_index(future), future.result()

    def close(self):
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _dask_index(future) -> int:
    return int(str(future.key).rsplit("-", 1)[1])


# ------------------------------------------------------------------------------------------------------- run


def _part_path(out: Path, index: int) -> Path:
    return out / PARTS / f"part-{index:05d}.jsonl"


def _write_part(out: Path, index: int, lines: list[dict[str, Any]]) -> None:
    with atomic_open(_part_path(out, index)) as handle:
        for line in lines:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")


def _prepare_parts(out: Path, config: dict[str, Any], resume: bool) -> None:
    """Create ``parts/``; on resume check that the run's settings match, else start clean."""
    parts = out / PARTS
    stamp = parts / "config.json"
    manifest = out / MANIFEST
    if resume and manifest.is_file() and not stamp.is_file():
        raise ConfigError(f"{out} holds output that is not a resumable extract run ({MANIFEST} without "
                          f"{PARTS}/config.json); use --overwrite or another output folder")
    if resume and stamp.is_file():
        previous = json.loads(stamp.read_text(encoding="utf-8"))
        if previous != config:
            raise ConfigError(f"{out} holds a run with other inputs or settings; drop --resume or use a new -o")
        return
    shutil.rmtree(parts, ignore_errors=True)
    parts.mkdir(parents=True)
    write_json_atomic(stamp, config)


def _merge(out: Path, shards: int, parquet: bool, config: dict[str, Any], provenance: Provenance,
           min_confidence: float | None = None) -> dict[str, Any]:
    """Merge the part files, in shard order, into records.jsonl / errors.jsonl / manifest.json; with
    ``min_confidence``, parts below it are dropped from the records and the manifest's config counts them."""
    writer = RecordWriter(out, parquet=parquet)
    dropped = Dropped()
    try:
        for index in range(shards):
            with _part_path(out, index).open(encoding="utf-8") as handle:
                for line in handle:
                    entry = json.loads(line)
                    if "record" in entry:
                        if min_confidence is not None:
                            dropped.add(drop_below(entry["record"], min_confidence))
                        writer.append(entry["record"], entry.get("document"))
                    else:
                        writer.append_error(entry["error"])
    except BaseException:
        writer.abort()
        raise
    if min_confidence is not None:
        config = {**config, "min_confidence": min_confidence, "dropped_below_confidence": asdict(dropped)}
    return writer.close(config=config, provenance=provenance)


def run(
    inputs: Iterable[str | Path],
    out_dir: str | Path,
    models: ModelPaths = ModelPaths(),
    engine: str = "local",
    workers: int = 1,
    scheduler: str | None = None,
    resume: bool = False,
    parquet: bool = False,
    shard_docs: int = 32,
    timeout: float | None = DOCUMENT_TIMEOUT,
    include: tuple[str, ...] = ("*",),
    exclude: tuple[str, ...] = (),
    progress: bool = True,
    overwrite: bool = False,
    min_confidence: float | None = None,
) -> dict[str, Any]:
    """Extract records from papers into ``out_dir``; returns the manifest (inputs == records + errors).

    Everything is checked before the output folder is touched: the settings, the inputs and the model directories.
    The folder is then locked for the run (:func:`matnlp.io.output_lock`: a second run into it is refused) and must
    be empty, unless ``resume`` continues the run it holds or ``overwrite`` replaces its outputs. ``min_confidence``
    drops the record parts below it (:func:`matnlp.confidence.drop_below`) and says so in the manifest."""
    check_positive(workers=workers, shard_docs=shard_docs, timeout=timeout)
    check_confidence(min_confidence)
    if engine not in ("local", "dask"):
        raise ConfigError(f"engine must be 'local' or 'dask', not {engine!r}")
    if resume and overwrite:
        raise ConfigError("--resume continues the run in the output folder, --overwrite replaces it: give one")
    inputs = [Path(p) for p in inputs]
    files = list(iter_inputs(inputs, include=include, exclude=exclude))
    if not files:
        raise ConfigError(f"no input files found in {', '.join(map(str, inputs))}")
    models.check()
    out = Path(out_dir)
    with output_lock(out):
        check_output_dir(out, resume=resume, overwrite=overwrite, resumable=True)
        return _run(files, out, models, engine, workers, scheduler, resume, parquet, shard_docs, timeout, progress,
                    min_confidence)


def _run(files: list[Path], out: Path, models: ModelPaths, engine: str, workers: int, scheduler: str | None,
         resume: bool, parquet: bool, shard_docs: int, timeout: float | None, progress: bool,
         min_confidence: float | None) -> dict[str, Any]:
    config = {"inputs": [str(p) for p in files], "models": asdict(models), "shard_docs": shard_docs,
              "timeout": timeout}
    _prepare_parts(out, config, resume)
    started = time.perf_counter()
    counts = {"shards": 0, "skipped": 0, "files": 0, "papers": 0}
    bar = tqdm(total=len(files), unit="paper", desc="extract", disable=not progress)

    def jobs() -> Iterator[tuple[int, list[Item]]]:
        for index, items in enumerate(_shards(files, shard_docs, counts)):
            counts["shards"] += 1
            counts["papers"] += len(items)
            bar.total = counts["papers"] + len(files) - counts["files"]  # exact once every file is read
            if _part_path(out, index).is_file():
                counts["skipped"] += 1
                bar.update(len(items))
            else:
                yield index, items

    errors = 0
    with bar:
        backend = _DaskEngine(workers, scheduler) if engine == "dask" else _LocalEngine(workers)
        try:
            for index, lines in backend.map(jobs(), models, timeout):
                _write_part(out, index, lines)
                errors += sum("error" in line for line in lines)
                bar.set_postfix(errors=errors, refresh=False)
                bar.update(len(lines))
        finally:
            backend.close()
    if counts["skipped"]:
        log.info("resumed: %d of %d shards were already done", counts["skipped"], counts["shards"])
    provenance = Provenance.now(models.roles())
    run_config = {**config, "engine": engine, "workers": workers,
                  "seconds": round(time.perf_counter() - started, 2), "resumed_shards": counts["skipped"]}
    return _merge(out, counts["shards"], parquet, run_config, provenance, min_confidence)
