"""JSON Lines and JSON: one paper per record; a bad record becomes one IngestError, the others still load."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from ..errors import IngestError
from ..types import Meta
from .base import Block, Parsed, match_doi

#: Record fields read as body text, in this order: a string, or a list of strings / ``{"text": ...}`` objects; an
#: object's ``section`` (or ``heading``/``title``) starts a heading when it changes (S2ORC-style ``body_text``).
BODY_FIELDS = ("text", "body", "full_text", "paragraphs", "body_text", "sections")
PAPER_FIELDS = frozenset(("id", "doi", "title", "abstract", *BODY_FIELDS))
# Lone surrogates (``"\ud800"`` escapes) are valid JSON but not encodable as UTF-8.
_SURROGATE = re.compile("[\ud800-\udfff]")


def read_json(data: bytes, path) -> Iterator[Parsed | IngestError]:
    """Records of a JSON document (a record, a list of records, or an object holding one) or of JSON Lines."""
    try:
        whole = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        yield from _read_lines(data, path)
        return
    records = _records(whole)
    if records is None:
        raise IngestError(path, "JSON holds no paper records (fields: " + ", ".join(sorted(PAPER_FIELDS)) + ")")
    for number, record in enumerate(records, 1):
        yield _guarded(record, path, f"record {number}")


def _read_lines(data: bytes, path) -> Iterator[Parsed | IngestError]:
    for number, line in enumerate(data.split(b"\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line.decode("utf-8-sig" if number == 1 else "utf-8"))
        except UnicodeDecodeError as exc:
            yield IngestError(path, f"line {number}: invalid UTF-8 ({exc.reason})")
            continue
        except json.JSONDecodeError as exc:
            yield IngestError(path, f"line {number}: invalid JSON ({exc.msg}, column {exc.colno})")
            continue
        except RecursionError:
            yield IngestError(path, f"line {number}: JSON nested too deeply")
            continue
        yield _guarded(record, path, f"line {number}")


def _records(value: Any) -> list | None:
    if isinstance(value, dict) and PAPER_FIELDS & value.keys():
        return [value]
    if isinstance(value, dict):
        value = next((v for v in value.values() if isinstance(v, list) and v and isinstance(v[0], dict)), None)
    return value if isinstance(value, list) else None


def _guarded(record: Any, path, where: str) -> Parsed | IngestError:
    try:
        return parse_record(_scrubbed(record), path, where)
    except IngestError as exc:
        return exc
    except RecursionError:
        return IngestError(path, f"{where}: JSON nested too deeply")


def _scrubbed(value: Any) -> Any:
    """``value`` with every lone surrogate in its strings replaced by U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_scrubbed(v) for v in value]
    if isinstance(value, dict):
        return {_scrubbed(k): _scrubbed(v) for k, v in value.items()}
    return value


def parse_record(record: Any, path, where: str) -> Parsed:
    """One paper from a JSON object; raises IngestError naming ``where`` when it is not a paper."""
    if not isinstance(record, dict):
        raise IngestError(path, f"{where}: expected a JSON object, got {type(record).__name__}")
    blocks = [Block("title", record["title"])] if _text(record.get("title")) else []
    blocks += [Block("abstract", t) for t in _texts(record.get("abstract"))]
    for name in BODY_FIELDS:
        blocks += _body(record.get(name))
    if not any(b.kind != "title" for b in blocks):
        raise IngestError(path, f"{where}: no text in any of " + ", ".join(("abstract", *BODY_FIELDS)))
    doi = match_doi(str(record.get("doi") or ""))
    meta = Meta(
        doi=doi,
        title=record.get("title") if _text(record.get("title")) else None,
        authors=_authors(record.get("authors")),
        journal=record.get("journal") if _text(record.get("journal")) else None,
        year=_year(record.get("year")),
    )
    source_id = record.get("id")
    return Parsed(blocks, meta, id=str(source_id) if source_id not in (None, "") else None)


def _body(value: Any) -> list[Block]:
    """Paragraph blocks of a body field, with a heading block wherever an item's section changes."""
    blocks: list[Block] = []
    section = None
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            heading = next((item[k] for k in ("section", "heading", "title") if _text(item.get(k))), None)
            if heading is not None and heading != section:
                section = heading
                blocks.append(Block("heading", heading))
            texts = _texts(item.get("text")) + _texts(item.get("paragraphs"))
        else:
            texts = _texts(item)
        blocks += [Block("paragraph", t) for t in texts]
    return blocks


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _texts(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    texts = [item.get("text") if isinstance(item, dict) else item for item in items]
    return [t for t in texts if _text(t)]


def _authors(value: Any) -> list[str]:
    if isinstance(value, str):
        return [a.strip() for a in value.split(";") if a.strip()]
    return [str(a) for a in value if a] if isinstance(value, list) else []


def _year(value: Any) -> int | None:
    try:
        year = int(str(value)[:4])
    except (TypeError, ValueError):
        return None
    return year if 1000 <= year <= 2999 else None
