"""Records: one JSON object per document (schema ``matnlp.record/1``, ``records_schema.json`` in this package).

A :class:`Record` holds the document's identity, metadata, entities and the JSON parts of the extraction stages
(materials, properties, synthesis steps) with provenance. :func:`validate` checks a record dict against the schema
and :func:`check_offsets` checks that every span slices the document text. :class:`RecordWriter` writes an output
directory::

    records.jsonl       one valid record per line
    errors.jsonl        one line per input that ended in an error: {"id", "source", "stage", "error", "message"}
    manifest.json       counts (inputs == records + errors), files, config, provenance
    entities.parquet …  with ``parquet=True``: a flat table per part (entities, materials, properties, steps),
                        keyed by ``record_id``

Every file is written under a temporary name and renamed into place when the writer closes.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import Any

from . import __version__
from .confidence import RECORD_FILTER_FILE, annotate
from .errors import SchemaError
from .io import ERRORS, MANIFEST, atomic_path, write_json_atomic
from .types import Document, Entity, Meta, Source

log = logging.getLogger(__name__)

SCHEMA_ID = "matnlp.record/1"
SCHEMA_PATH = Path(__file__).with_name("records_schema.json")
RECORDS = "records.jsonl"
#: The documents the record offsets slice: one JSON line per record, ``{"id", "text", "sections", "tables", …}``.
DOCUMENTS = "documents.jsonl.gz"


@dataclass(slots=True)
class Provenance:
    """What produced a record: matnlp version, model directories with content hashes, creation time (UTC)."""

    matnlp: str = __version__
    models: dict[str, dict[str, str]] = field(default_factory=dict)
    created: str = ""

    @classmethod
    def now(cls, models: dict[str, str | Path] | None = None) -> Provenance:
        """Provenance for this run; ``models`` maps a role (``ner``) to its model directory."""
        hashed = {role: {"path": str(path), "sha256": model_hash(Path(path))} for role, path in (models or {}).items()}
        return cls(__version__, hashed, datetime.now(timezone.utc).isoformat(timespec="seconds"))


@lru_cache(maxsize=32)
def model_hash(path: Path) -> str:
    """SHA-256 over the relative paths and contents of every file under a model directory (or of one file)."""
    digest = hashlib.sha256()
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for f in files:
        digest.update(f.relative_to(path).as_posix().encode() if f != path else f.name.encode())
        digest.update(b"\0")
        with f.open("rb") as handle:
            for block in iter(partial(handle.read, 1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


@dataclass(slots=True)
class Record:
    """One document's extraction. Parts other than entities are the JSON forms of the stage objects."""

    id: str
    source: Source
    meta: Meta
    entities: list[Entity] = field(default_factory=list)
    materials: list[dict[str, Any]] = field(default_factory=list)
    properties: list[dict[str, Any]] = field(default_factory=list)
    synthesis: list[dict[str, Any]] = field(default_factory=list)
    provenance: Provenance = field(default_factory=Provenance)
    schema: str = SCHEMA_ID
    sections: list[dict[str, Any]] = field(default_factory=list)
    #: Per synthesis paragraph (``extractors.recipes.Recipe``): targets, precursors, media, steps as indices
    #: into ``synthesis``, balanced reactions.
    recipes: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON form; every entity, property and step names the section its start lies in."""
        where = section_finder(self.sections)
        d = {
            "schema": self.schema, "id": self.id, "source": asdict(self.source), "meta": asdict(self.meta),
            "entities": [asdict(e) | {"section": where(e.start)} for e in self.entities], "materials": self.materials,
            "properties": self.properties, "synthesis": self.synthesis, "provenance": asdict(self.provenance),
        }
        d = d | {"sections": self.sections} if self.sections else d
        return d | {"recipes": self.recipes} if self.recipes else d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Record:
        """Inverse of :meth:`to_dict` (``to_dict(from_dict(d)) == d`` for a valid record)."""
        return cls(
            id=d["id"], source=Source(**d["source"]), meta=Meta(**d["meta"]),
            entities=[Entity(**{k: v for k, v in e.items() if k != "section"}) for e in d["entities"]],
            materials=d["materials"], properties=d["properties"], synthesis=d["synthesis"],
            provenance=Provenance(**d["provenance"]), schema=d["schema"], sections=d.get("sections", []),
            recipes=d.get("recipes", []),
        )


def document_entry(doc: Document) -> dict[str, Any]:
    """The documents.jsonl.gz line of a document: its id and everything of :meth:`Document.to_dict` except the
    tokens, so that every record offset can be checked against ``text``."""
    return {k: v for k, v in doc.to_dict().items() if k != "sentences"}


def section_finder(sections: Sequence[dict[str, Any]]):
    """``where(offset)``: the heading (with its number) of the innermost section holding ``offset``, or ``None``."""
    def where(offset: int) -> str | None:
        inside = [s for s in sections if s["start"] <= offset < s["end"]]
        if not inside:
            return None
        s = max(inside, key=lambda s: (s["start"], s.get("level", 1)))
        return f"{s['number']} {s['title']}" if s.get("number") else s["title"]
    return where


def build_record(
    doc: Document,
    provenance: Provenance,
    entities: Sequence[Entity] = (),
    materials: Iterable[Any] = (),
    properties: Iterable[Any] = (),
    steps: Iterable[Any] = (),
    operations: Sequence[Entity] = (),
    recipes: Iterable[Any] = (),
    record_filter: Path = RECORD_FILTER_FILE,
) -> Record:
    """A record from a document and the stage outputs: ``chem.Material``, ``properties.Property`` and
    ``synthesis.SynthesisStep`` and ``recipes.Recipe`` objects (anything with a ``to_dict`` giving the schema's form). Every part gets a
    ``confidence`` (:func:`matnlp.confidence.annotate`) from the NER ``entities`` and the synthesis model's
    ``operations``, or from its model-free path; valued properties from the ``record_filter`` file
    (:func:`matnlp.confidence.record_filter_file`)."""
    sections = [{"title": s.title, "number": s.number, "level": s.level, "start": s.start, "end": s.end}
                for s in doc.sections]
    where = section_finder(sections)
    record = Record(
        id=doc.id, source=doc.source, meta=doc.meta, entities=list(entities),
        materials=[m.to_dict() for m in materials],
        properties=[(d := p.to_dict()) | {"section": where(d.get("start", d["evidence"]["start"]))} for p in properties],
        synthesis=[(d := s.to_dict()) | {"section": where(d["start"])} for s in steps],
        provenance=provenance, sections=sections, recipes=[r.to_dict() for r in recipes],
    )
    annotate(record.entities, operations, record.materials, record.properties, record.synthesis, text=doc.text,
             filter_file=record_filter)
    return record


# ------------------------------------------------------------------------------------------------ validation


@cache
def _validator():
    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def validate(record: dict[str, Any]) -> None:
    """Raise :class:`SchemaError` with the most relevant validation message if ``record`` does not fit the schema,
    or is not strict UTF-8 JSON (NaN/Infinity, lone surrogates)."""
    from jsonschema.exceptions import best_match

    error = best_match(_validator().iter_errors(record))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(record)"
        raise SchemaError(f"{where}: {error.message}")
    try:
        json.dumps(record, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except ValueError as exc:  # UnicodeEncodeError is a ValueError
        raise SchemaError(f"(record): not strict UTF-8 JSON ({exc})") from None


def _span_problems(text: str, where: str, start: Any, end: Any, expected: str | None = None) -> list[str]:
    if start is None and end is None:
        return []
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text)):
        return [f"{where}: span [{start}, {end}] outside the text (length {len(text)})"]
    if expected is not None and text[start:end] != expected:
        return [f"{where}: text[{start}:{end}] is {text[start:end]!r}, not {expected!r}"]
    return []


def offset_problems(record: Record, text: str) -> list[str]:
    """Every span of the record that does not slice ``text`` (as messages; empty when all fit)."""
    out: list[str] = []
    for i, e in enumerate(record.entities):
        out += _span_problems(text, f"entities/{i}", e.start, e.end, e.text)
    for i, m in enumerate(record.materials):
        for j, (a, b) in enumerate(m["mentions"]):
            out += _span_problems(text, f"materials/{i}/mentions/{j}", a, b)
    for i, p in enumerate(record.properties):
        w = f"properties/{i}"
        out += _span_problems(text, w, p.get("start"), p.get("end"), p.get("text"))
        out += _span_problems(text, f"{w}/value", p.get("value_start"), p.get("value_end"))
        out += _span_problems(text, f"{w}/material", p.get("material_start"), p.get("material_end"), p["material"])
        ev = p["evidence"]
        out += _span_problems(text, f"{w}/evidence", ev["start"], ev["end"])
        out += _span_problems(text, f"{w}/evidence/sentence", ev.get("sentence_start"), ev.get("sentence_end"))
        for j, c in enumerate(p.get("conditions", [])):
            out += _span_problems(text, f"{w}/conditions/{j}", c["start"], c["end"])
    for i, s in enumerate(record.synthesis):
        w = f"synthesis/{i}"
        out += _span_problems(text, w, s["start"], s["end"], s["operation"])
        for kind, conds in s["conditions"].items():
            for j, c in enumerate(conds):
                out += _span_problems(text, f"{w}/conditions/{kind}/{j}", c.get("start"), c.get("end"), c.get("text"))
        for j, m in enumerate(s["materials"]):
            out += _span_problems(text, f"{w}/materials/{j}", m.get("start"), m.get("end"), m["text"])
            for k, a in enumerate(m.get("amounts", [])):
                out += _span_problems(text, f"{w}/materials/{j}/amounts/{k}", a.get("start"), a.get("end"), a.get("text"))
    for i, r in enumerate(record.recipes):
        out += _recipe_problems(text, f"recipes/{i}", r, len(record.synthesis))
    return out


def _recipe_problems(text: str, where: str, recipe: dict[str, Any], n_steps: int) -> list[str]:
    """Spans of one recipe (paragraph, material mentions, amounts) that do not slice ``text``, and step indices
    outside the record's ``synthesis``."""
    out = _span_problems(text, where, recipe["start"], recipe["end"])
    for part in ("targets", "precursors", "media"):
        for j, m in enumerate(recipe[part]):
            for k, (a, b) in enumerate(m["mentions"]):
                out += _span_problems(text, f"{where}/{part}/{j}/mentions/{k}", a, b)
            for k, c in enumerate(m["amounts"]):
                out += _span_problems(text, f"{where}/{part}/{j}/amounts/{k}", c.get("start"), c.get("end"), c.get("text"))
    out += [f"{where}/steps: index {i} outside synthesis (length {n_steps})" for i in recipe["steps"]
            if not 0 <= i < n_steps]
    return out


def check_offsets(record: Record, text: str) -> None:
    """Raise :class:`SchemaError` naming the spans of ``record`` that do not slice the document ``text``."""
    problems = offset_problems(record, text)
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise SchemaError("; ".join(problems[:3]) + more)


# ---------------------------------------------------------------------------------------------------- writing


def _parquet_schemas():
    import pyarrow as pa

    s, i, f = pa.string(), pa.int64(), pa.float64()
    key = [("record_id", s)]
    return {
        "entities": pa.schema(key + [("start", i), ("end", i), ("label", s), ("text", s), ("score", f),
                                     ("confidence", f), ("section", s)]),
        "materials": pa.schema(key + [("text", s), ("formula", s), ("composition", s),
                                      ("mentions", pa.list_(pa.list_(i))), ("reason", s), ("confidence", f)]),
        "properties": pa.schema(key + [
            ("property", s), ("text", s), ("start", i), ("end", i), ("value", f), ("low", f), ("high", f),
            ("error", f), ("unit", s), ("value_start", i), ("value_end", i), ("material", s),
            ("material_start", i), ("material_end", i), ("conditions", s), ("setting", pa.bool_()), ("evidence_start", i),
            ("evidence_end", i), ("evidence_sentence_start", i), ("evidence_sentence_end", i), ("section", s),
            ("confidence", f)]),
        "steps": pa.schema(key + [("step", i), ("operation", s), ("type", s), ("start", i), ("end", i),
                                  ("conditions", s), ("materials", s), ("section", s), ("confidence", f)]),
    }


# Nested values stored as JSON strings in the flat tables.
_JSON_COLUMNS = frozenset({"composition", "conditions", "materials"})


def flat_row(record_id: str, part: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """One table row: nested objects flattened one level (``evidence_start``), lists and mappings in
    :data:`_JSON_COLUMNS` as JSON strings."""
    row: dict[str, Any] = {"record_id": record_id, **extra}
    for k, v in part.items():
        if k in _JSON_COLUMNS:
            row[k] = None if v is None else json.dumps(v, ensure_ascii=False)
        elif isinstance(v, dict):
            row.update({f"{k}_{kk}": vv for kk, vv in v.items()})
        else:
            row[k] = v
    return row


def table_rows(d: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The flat rows of one record dict, per table."""
    rid = d["id"]
    return {
        "entities": [flat_row(rid, e) for e in d["entities"]],
        "materials": [flat_row(rid, m) for m in d["materials"]],
        "properties": [flat_row(rid, p) for p in d["properties"]],
        "steps": [flat_row(rid, s, step=i) for i, s in enumerate(d["synthesis"])],
    }


class _ParquetTables:
    """Buffered Parquet writers, one per table, each writing to a temporary file until :meth:`close`."""

    def __init__(self, out_dir: Path, flush_rows: int = 50_000):
        self.out_dir, self.flush_rows = out_dir, flush_rows
        self.schemas = _parquet_schemas()
        self.rows: dict[str, list[dict]] = {name: [] for name in self.schemas}
        self.writers: dict[str, Any] = {}

    def path(self, name: str) -> Path:
        return self.out_dir / f"{name}.parquet"

    def add(self, d: dict[str, Any]) -> None:
        for name, rows in table_rows(d).items():
            self.rows[name].extend(rows)
            if len(self.rows[name]) >= self.flush_rows:
                self._flush(name)

    def _flush(self, name: str) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if name not in self.writers:
            self.writers[name] = pq.ParquetWriter(atomic_path(self.path(name)), self.schemas[name])
        self.writers[name].write_table(pa.Table.from_pylist(self.rows[name], schema=self.schemas[name]))
        self.rows[name] = []

    def close(self) -> list[str]:
        for name in self.schemas:
            self._flush(name)
            self.writers.pop(name).close()
            os.replace(atomic_path(self.path(name)), self.path(name))
        return [self.path(name).name for name in self.schemas]

    def abort(self) -> None:
        for name, writer in self.writers.items():
            writer.close()
            atomic_path(self.path(name)).unlink(missing_ok=True)


class RecordWriter:
    """Writes records and error entries to an output directory; every record is validated (and its offsets
    checked when the text is given) first, and one that fails becomes an error entry of stage ``validate``.

    Use as a context manager or call :meth:`close`; on an exception inside ``with`` no output file is left
    behind (temporary files are removed).
    """

    def __init__(self, out_dir: str | Path, parquet: bool = False):
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.counts: Counter = Counter()
        self.error_stages: Counter = Counter()
        self._records = atomic_path(self.out_dir / RECORDS).open("w", encoding="utf-8")
        self._errors = atomic_path(self.out_dir / ERRORS).open("w", encoding="utf-8")
        self._documents = gzip.open(atomic_path(self.out_dir / DOCUMENTS), "wt", encoding="utf-8")
        self._tables = _ParquetTables(self.out_dir) if parquet else None

    def write(self, record: Record, text: str | None = None) -> bool:
        """Write ``record`` if it validates (and its spans slice ``text``); else write an error entry. Returns
        whether the record was written."""
        d = record.to_dict()
        try:
            validate(d)
            if text is not None:
                check_offsets(record, text)
        except SchemaError as exc:
            log.warning("record %s failed validation: %s", record.id, exc)
            self.error(record.id, record.source.path, "validate", exc)
            return False
        self.append(d)
        return True

    def append(self, d: dict[str, Any], document: dict[str, Any] | None = None) -> None:
        """Write a record dict that has already been validated (e.g. by a pipeline worker), and the document its
        offsets slice (:func:`document_entry`) to documents.jsonl.gz."""
        self._records.write(json.dumps(d, ensure_ascii=False) + "\n")
        if document is not None:
            self._documents.write(json.dumps(document, ensure_ascii=False) + "\n")
        if self._tables is not None:
            self._tables.add(d)
        self.counts["inputs"] += 1
        self.counts["records"] += 1

    def error(self, ident: str, source: str, stage: str, exc: BaseException) -> None:
        """Record an input that ended in an error at ``stage`` (ingest, ner, materials, …, validate)."""
        self.append_error({"id": ident, "source": source, "stage": stage, "error": type(exc).__name__,
                           "message": str(exc)})

    def append_error(self, entry: dict[str, Any]) -> None:
        """Write an error entry ``{"id", "source", "stage", "error", "message"}``."""
        self._errors.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.counts["inputs"] += 1
        self.counts["errors"] += 1
        self.error_stages[entry["stage"]] += 1

    def close(self, config: dict[str, Any] | None = None, provenance: Provenance | None = None) -> dict[str, Any]:
        """Move all files into place and write the manifest; returns it."""
        files = [RECORDS, ERRORS, DOCUMENTS]
        for handle, name in ((self._records, RECORDS), (self._errors, ERRORS), (self._documents, DOCUMENTS)):
            handle.close()
            os.replace(atomic_path(self.out_dir / name), self.out_dir / name)
        if self._tables is not None:
            files += self._tables.close()
        manifest = {
            "format": "matnlp.records/1", "schema": SCHEMA_ID,
            "inputs": self.counts["inputs"], "records": self.counts["records"], "errors": self.counts["errors"],
            "errors_by_stage": dict(self.error_stages), "files": files, "config": config or {},
            "provenance": asdict(provenance) if provenance else None,
        }
        write_json_atomic(self.out_dir / MANIFEST, manifest)
        return manifest

    def abort(self) -> None:
        """Close and remove the temporary files (nothing is moved into place)."""
        for handle, name in ((self._records, RECORDS), (self._errors, ERRORS), (self._documents, DOCUMENTS)):
            handle.close()
            atomic_path(self.out_dir / name).unlink(missing_ok=True)
        if self._tables is not None:
            self._tables.abort()

    def __enter__(self) -> RecordWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()
