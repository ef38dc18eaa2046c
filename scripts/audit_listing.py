"""Listings for a hand audit round: what ``matnlp extract`` wrote for whole papers, laid out for an auditor.

    .venv/bin/matnlp extract PAPER... -o out/audit --ner models/ner-matscholar --synthesis-model models/ner-mspt
    .venv/bin/python scripts/audit_listing.py out/audit --round 20 -o out/audit/listing

For each paper, ``NAME.md`` numbers every property record with a value (name, value or range with its unit,
material, conditions, the ``setting`` flag, the sentence) and every synthesis step (type, verb, conditions,
materials, the sentence), and ``rows.jsonl`` holds the property records in the format of
``corpora/audit/properties.jsonl.gz`` with ``verdict`` and ``kind`` left empty for the auditor (README "Hand audit on
whole papers", rules in ``corpora/audit/README.md``).
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from matnlp.config import data_dir
from matnlp.ingest import read_file
from matnlp.types import Document

log = logging.getLogger("audit_listing")
SENTENCE_CHARS = 600  # evidence kept per record, as in the audit corpus


def value_text(p: dict) -> str:
    """A record's value as a user reads it: ``0.12 Ω cm2``, ``2–5 μm``, ``< 3 V``, ``1.2 ± 0.1``."""
    if p["low"] is not None and p["high"] is not None and p["low"] != p["high"]:
        number = f"{p['low']:g}–{p['high']:g}"
    elif p["low"] is None and p["high"] is not None and p["high"] == p["value"]:
        number = f"≤ {p['high']:g}"
    elif p["high"] is None and p["low"] is not None and p["low"] == p["value"]:
        number = f"≥ {p['low']:g}"
    else:
        number = f"{p['value']:g}"
    if p.get("error") is not None:
        number += f" ± {p['error']:g}"
    return f"{number} {p['unit']}" if p["unit"] else number


def conditions_text(conditions) -> str:
    """Conditions as printed in the audit corpus: ``kind=text`` joined by ``; ``."""
    if isinstance(conditions, dict):  # a step's conditions: kind -> list
        conditions = [{"kind": k, **c} for k, cs in conditions.items() for c in cs]
    return "; ".join(f"{c['kind']}={c['text']}" for c in conditions)


def sentence(text: str, p: dict) -> str:
    e = p["evidence"]
    return " ".join(text[e["sentence_start"]:e["sentence_end"]].split())[:SENTENCE_CHARS]


def step_sentence(doc: Document, s: dict) -> str:
    """The sentence of the document that holds a step's verb."""
    sent = next((x for x in doc.sentences if x.start <= s["start"] < x.end), None)
    start, end = (sent.start, sent.end) if sent else (s["start"], s["end"])
    return " ".join(doc.text[start:end].split())[:SENTENCE_CHARS]


def listing(record: dict, doc: Document, source: str, round_no: int) -> tuple[str, list[dict]]:
    """The markdown listing of one paper and its property rows."""
    text = doc.text
    props = [p for p in record["properties"] if p["value"] is not None]
    lines = [f"# {source}", "", f"## Property records with a value ({len(props)})", ""]
    rows = []
    for i, p in enumerate(props, 1):
        cond = conditions_text(p["conditions"])
        lines.append(f"{i}. **{p['property']}** = {value_text(p)}; material: {p['material']}; conditions: "
                     f"{cond or '-'}; setting: {str(p['setting']).lower()}\n   > {sentence(text, p)}")
        rows.append({"round": round_no, "source": source, "index": i, "property": p["property"],
                     "value": p["value"], "unit": p["unit"], "material": p["material"], "conditions": cond,
                     "setting": p["setting"], "sentence": sentence(text, p), "verdict": None, "kind": None})
    steps = record["synthesis"]
    lines += ["", f"## Synthesis steps ({len(steps)})", ""]
    for i, s in enumerate(steps, 1):
        mats = ", ".join(f"{m['text']} ({m['role']})" for m in s.get("materials", [])) or "-"
        lines.append(f"{i}. **{s['type']}** ({s['operation']}); conditions: {conditions_text(s['conditions']) or '-'}; "
                     f"materials: {mats}\n   > {step_sentence(doc, s)}")
    return "\n".join(lines) + "\n", rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("records", type=Path, help="output directory of matnlp extract (records.jsonl)")
    ap.add_argument("--round", type=int, required=True, help="audit round number written into the rows")
    ap.add_argument("-o", "--out", type=Path, required=True)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args.out.mkdir(parents=True, exist_ok=True)
    rows: list[dict] = []
    data = data_dir().resolve()
    for line in (args.records / "records.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        path = Path(record["source"]["path"])
        doc = read_file(path)[record["source"].get("record") or 0]
        source = str(path.resolve().relative_to(data)) if path.resolve().is_relative_to(data) else str(path)
        md, paper_rows = listing(record, doc, source, args.round)
        (args.out / f"{path.stem}.md").write_text(md, encoding="utf-8")
        rows += paper_rows
        log.info("%s: %d property records, %d steps", source, len(paper_rows), len(record["synthesis"]))
    with open(args.out / "rows.jsonl", "w", encoding="utf-8") as f:
        f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


if __name__ == "__main__":
    main()
