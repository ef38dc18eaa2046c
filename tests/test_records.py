import json

import pandas as pd
import pytest

from matnlp.chem import Material
from matnlp.extractors.materials import extract_materials
from matnlp.errors import SchemaError
from matnlp.extractors.properties import extract_properties
from matnlp.records import (
    ERRORS,
    RECORDS,
    Provenance,
    Record,
    RecordWriter,
    build_record,
    check_offsets,
    model_hash,
    validate,
)
from matnlp.datasets.mspt import read_doc as read_brat
from matnlp.extractors.synthesis import extract_steps
from matnlp.types import Document, Entity, Meta, Source

MSPT_DOC = "101002aenm201300174"


@pytest.fixture(scope="module")
def mspt(data):
    path = data / "mspt" / "data" / f"{MSPT_DOC}.txt"
    brat = read_brat(path)
    doc = Document(MSPT_DOC, brat.text, Source(str(path), "brat-txt", "0" * 64), Meta(doi="10.1002/aenm.201300174"))
    ents = [Entity(e.start, e.end, e.label, e.text) for e in brat.entities.values() if ";" not in e.text]
    return doc, ents


@pytest.fixture(scope="module")
def record(mspt):
    doc, ents = mspt
    mats = extract_materials(doc.text) + [Material("the as-pressed pellets", None, None, [(0, 3)], "not a formula")]
    return build_record(doc, Provenance.now(), ents, mats, extract_properties(doc.text), extract_steps(doc.text))


def test_record_from_real_text_validates(record, mspt):
    doc, _ = mspt
    d = record.to_dict()
    validate(d)
    check_offsets(record, doc.text)
    assert d["schema"] == "matnlp.record/1" and d["id"] == MSPT_DOC
    assert d["synthesis"] and d["properties"] and d["materials"] and d["entities"]
    assert any(p["value"] is not None and p["unit"] for p in d["properties"])
    assert {"temperature", "time", "heating_rate", "medium", "device", "other"} <= set(d["synthesis"][0]["conditions"])
    assert d["provenance"]["matnlp"] and d["provenance"]["created"].endswith("+00:00")


def test_json_round_trip_exact(record):
    line = json.dumps(record.to_dict(), ensure_ascii=False)
    again = Record.from_dict(json.loads(line))
    assert json.dumps(again.to_dict(), ensure_ascii=False) == line
    assert again == record


def broken(record, change):
    d = json.loads(json.dumps(record.to_dict()))
    change(d)
    return d


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["properties"][0].update(value="3.2"), "properties/0/value"),
        (lambda d: d["materials"][0].update(formula=None), "materials/0"),  # null formula needs a reason
        (lambda d: d["synthesis"][0]["conditions"]["time"].append({"value": 5, "unit": 3}), "synthesis/0"),
        (lambda d: d.update(schema="matnlp.record/0"), "schema"),
        (lambda d: d["entities"][0].update(start=-1), "entities/0/start"),
        (lambda d: d.pop("provenance"), "(record)"),
    ],
)
def test_schema_errors_name_the_place(record, change, where):
    with pytest.raises(SchemaError, match=where):
        validate(broken(record, change))


def test_broken_offsets(record, mspt):
    doc, _ = mspt
    bad = Record.from_dict(broken(record, lambda d: d["properties"][0].update(start=d["properties"][0]["start"] + 1)))
    validate(bad.to_dict())  # the schema cannot see it; the offset check does
    with pytest.raises(SchemaError, match=r"properties/0: text\["):
        check_offsets(bad, doc.text)
    far = Record.from_dict(broken(record, lambda d: d["materials"][0]["mentions"].append([10, 10**7])))
    with pytest.raises(SchemaError, match="outside the text"):
        check_offsets(far, doc.text)


def test_writer_counts_errors_and_atomicity(tmp_path, record, mspt):
    doc, _ = mspt
    bad_type = Record.from_dict(broken(record, lambda d: d.update(id="bad-type") or d["properties"][0].update(unit=1)))
    bad_span = Record.from_dict(broken(record, lambda d: d.update(id="bad-span") or d["entities"][0].update(end=0)))
    with RecordWriter(tmp_path, parquet=True) as w:
        assert w.write(record, doc.text)
        assert not w.write(bad_type, doc.text)
        assert not w.write(bad_span, doc.text)
        w.error("paper-3", "papers/x.pdf", "ingest", ValueError("no text layer"))
        assert not list(tmp_path.glob(RECORDS))  # nothing in place before close
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert (manifest["inputs"], manifest["records"], manifest["errors"]) == (4, 1, 3)
    assert manifest["inputs"] == manifest["records"] + manifest["errors"]
    assert manifest["errors_by_stage"] == {"validate": 2, "ingest": 1}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(manifest["files"] + ["manifest.json"])
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary files left
    lines = (tmp_path / RECORDS).read_text().splitlines()
    assert [Record.from_dict(json.loads(x)) for x in lines] == [record]
    errors = [json.loads(x) for x in (tmp_path / ERRORS).read_text().splitlines()]
    assert [e["id"] for e in errors] == ["bad-type", "bad-span", "paper-3"]
    assert all(set(e) == {"id", "source", "stage", "error", "message"} for e in errors)
    assert "properties/0/unit" in errors[0]["message"] and "entities/0" in errors[1]["message"]


def test_writer_leaves_nothing_on_failure(tmp_path, record):
    with pytest.raises(RuntimeError), RecordWriter(tmp_path, parquet=True) as w:
        w.write(record)
        raise RuntimeError("stage crashed")
    assert list(tmp_path.iterdir()) == []


def test_parquet_tables(tmp_path, record):
    other = Record.from_dict(broken(record, lambda d: d.update(id="second")))
    with RecordWriter(tmp_path, parquet=True) as w:
        w.write(record)
        w.write(other)
    d = record.to_dict()
    for name, part in (("entities", "entities"), ("materials", "materials"), ("properties", "properties"),
                       ("steps", "synthesis")):
        table = pd.read_parquet(tmp_path / f"{name}.parquet")
        assert len(table) == 2 * len(d[part])
        assert list(table["record_id"].unique()) == [record.id, "second"]
    props = pd.read_parquet(tmp_path / "properties.parquet")
    assert {"property", "value", "unit", "material", "evidence_start", "evidence_sentence_end"} <= set(props.columns)
    first = props.iloc[0]
    assert first["property"] == d["properties"][0]["property"]
    steps = pd.read_parquet(tmp_path / "steps.parquet")
    assert json.loads(steps.iloc[0]["conditions"]) == d["synthesis"][0]["conditions"]
    mats = pd.read_parquet(tmp_path / "materials.parquet")
    assert json.loads(mats.iloc[0]["composition"]) == d["materials"][0]["composition"]
    assert [list(m) for m in mats.iloc[0]["mentions"]] == d["materials"][0]["mentions"]


def test_provenance_hashes_model_dirs(tmp_path):
    model = tmp_path / "ner"
    (model / "sub").mkdir(parents=True)
    (model / "config.json").write_text("{}")
    (model / "sub" / "weights.bin").write_bytes(b"\0\1")
    prov = Provenance.now({"ner": model})
    assert prov.models["ner"] == {"path": str(model), "sha256": model_hash(model)}
    (model / "config.json").write_text('{"x": 1}')
    model_hash.cache_clear()
    assert model_hash(model) != prov.models["ner"]["sha256"]


def test_empty_document_gives_valid_record():
    doc = Document("empty", "", Source("x.txt", "txt"))
    rec = build_record(doc, Provenance.now(), properties=extract_properties(""), steps=extract_steps(""))
    validate(rec.to_dict())
    check_offsets(rec, "")
