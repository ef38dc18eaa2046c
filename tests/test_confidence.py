"""Confidence on every record part: entity calibration (fit, file, checker, tagger), part confidences from models
or measured paths, and ``--min-confidence`` in the API, the runner and the manifest; all on real data."""

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from matnlp.cli import main
from matnlp.confidence import (
    PATH_FILE,
    RECORD_FILTER_FILE,
    RECORD_FILTER_NAME,
    SpanIndex,
    annotate,
    drop_below,
    evidence_features,
    path_precision,
    record_features,
    record_filter,
    record_filter_file,
)
from matnlp.datasets.mspt import split_docs
from matnlp.datasets.mulms import documents
from matnlp.errors import ConfigError, ModelError
from matnlp.extractors.properties import PROPERTY_LABELS, extract_properties
from matnlp.ner.calibrate import POOLED, Calibration, calibrate, expected_calibration_error, fit_curve, reliability
from matnlp.ner.modeldir import CALIBRATION_FILE, check_model_dir, read_calibration
from matnlp.pipeline import Pipeline
from matnlp.records import validate
from matnlp.report import iter_jsonl
from matnlp.types import Entity

PARTS = ("materials", "properties", "synthesis")
ROOT = Path(__file__).parents[1]
AUDIT = ROOT / "corpora" / "audit" / "properties.jsonl.gz"


def audit_record(source: str, index: int) -> dict:
    """One hand-audited record of ``corpora/audit`` (``source`` under ``sofc_exp_texts/texts/`` or ``mulms/texts/``)."""
    return next(r for r in iter_jsonl(AUDIT) if r["source"].endswith(source) and r["index"] == index)


def extracted(row: dict) -> tuple[dict, str]:
    """The model-free extractor's record of an audit row, read from its sentence as the only text."""
    text = row["sentence"]
    props = [p.to_dict() for p in extract_properties(text)]
    return next(p for p in props if p["property"] == row["property"] and p["value"] is not None
                and math.isclose(p["value"], row["value"], rel_tol=1e-9)), text


@pytest.fixture(scope="module")
def calibrated(tiny_ner_dir, data, tmp_path_factory) -> Path:
    """A copy of the tiny real-data model, calibrated on 150 real Matscholar dev sentences (reported on test)."""
    from matnlp.ner import load
    from matnlp.ner.data import load_examples

    out = tmp_path_factory.mktemp("calibrated") / "model"
    shutil.copytree(tiny_ner_dir, out)
    dev = load_examples(str(data / "matscholar_ner" / "dev.txt"))[:150]
    test = load_examples(str(data / "matscholar_ner" / "test.txt"))[:150]
    calibrate(load(out, device="cpu"), dev, test).save(out / CALIBRATION_FILE)
    return out


def test_calibration_of_a_real_model_on_real_dev_data(calibrated):
    cal = read_calibration(check_model_dir(calibrated))
    dev, test = cal.report["dev"], cal.report["test"]
    assert dev["entities"] > 50 and test["entities"] > 50
    assert dev["calibrated"]["ece"] < dev["raw"]["ece"]  # fitted on dev: the map must close the gap there
    for curve in cal.curves.values():
        assert np.all(np.diff(curve.x) >= 0) and np.all(np.diff(curve.y) >= 0)
        assert 0 < min(curve.y) and max(curve.y) < 1  # smoothed: never certain either way
    assert sum(b["count"] for b in test["calibrated"]["bins"]) == test["entities"]


def test_tagger_gives_each_entity_its_calibrated_confidence(calibrated, data):
    from matnlp.ner import load

    tagger = load(calibrated, device="cpu")
    text = (data / "mspt" / "data" / sorted(p.name for p in (data / "mspt" / "data").glob("*.txt"))[0]).read_text()
    entities = tagger(text[:2000])
    assert entities
    for e in entities:
        assert e.confidence == tagger.calibration(e.label, e.score)
        assert 0 < e.confidence < 1


def test_model_parts_take_their_entities_confidence(calibrated, data):
    doc = documents(data / "mulms", "dev")[0]
    record = Pipeline(ner=calibrated, device="cpu").text(doc.text[:6000])
    d = record.to_dict()
    validate(d)
    mats = [e for e in record.entities if e.label == "MAT"]
    for m in d["materials"]:
        hits = [e.confidence for e in mats for a, b in m["mentions"] if e.start < b and a < e.end]
        expected = max(hits) if hits else path_precision()["material/finder"].precision
        assert m["confidence"] == expected


def test_pooled_map_recovers_a_known_accuracy_curve():
    """Synthetic check of the maths (the real-data checks are above): accuracy = score², learnt within 0.05."""
    rng = np.random.default_rng(1)
    scores = rng.uniform(0, 1, 5000)
    correct = rng.uniform(0, 1, 5000) < scores**2
    curve = fit_curve(scores, correct)
    assert max(abs(curve(s) - s**2) for s in np.linspace(0.1, 0.9, 9)) < 0.05
    raw, fitted = reliability(scores, correct), reliability([curve(s) for s in scores], correct)
    assert expected_calibration_error(fitted) < 0.02 < expected_calibration_error(raw)


@pytest.mark.parametrize("change, message", [
    (lambda d: d["curves"].pop(POOLED), "no pooled map"),
    (lambda d: d["curves"][POOLED].update(y=[0.9, 0.1]), "non-decreasing"),
    (lambda d: d["curves"].update(XYZ=d["curves"][POOLED]), "labels the model lacks"),
])
def test_a_broken_calibration_is_refused(tmp_path, change, message):
    (tmp_path / "matnlp_ner.json").write_text(json.dumps({"labels": ["O", "B-MAT", "I-MAT"]}))
    good = {"curves": {POOLED: {"x": [0.2, 0.8], "y": [0.3, 0.9], "n": 60}}}
    (tmp_path / CALIBRATION_FILE).write_text(json.dumps(good))
    assert read_calibration(tmp_path)("MAT", 0.5) == pytest.approx(0.6)
    change(good)
    (tmp_path / CALIBRATION_FILE).write_text(json.dumps(good))
    with pytest.raises(ModelError, match=message):
        read_calibration(tmp_path)


def test_model_free_parts_take_the_measured_path_precision(data):
    table = path_precision()
    assert {"material/finder", "property/name", "property/value-unit", "step/lexicon"} <= table.keys()
    assert json.loads(PATH_FILE.read_text())["paths"]["step/lexicon"]["data"] == "MSPT ner-dev"
    doc = split_docs("ner-dev", data / "mspt")[0]
    d = Pipeline().text(doc.text).to_dict()
    validate(d)
    assert d["materials"] and d["synthesis"]
    assert {m["confidence"] for m in d["materials"]} == {table["material/finder"].precision}
    assert {s["confidence"] for s in d["synthesis"]} == {table["step/lexicon"].precision}


def test_a_model_named_property_combines_entity_and_value_path():
    text = "The band gap of TiO2 is 3.2 eV."
    prop = {"property": "band gap", "start": 4, "end": 12, "value": 3.2, "unit": "eV", "evidence": {}}
    step = {"operation": "x", "start": 0, "end": 3}
    annotate([Entity(4, 12, "PRO", text[4:12], 0.4, 0.7)], [], [], [prop], [step])
    assert prop["confidence"] == round(0.7 * path_precision()["property/value-unit"].given_name, 4)
    assert step["confidence"] == path_precision()["step/lexicon"].precision


def test_min_confidence_in_the_api(data):
    text = split_docs("ner-dev", data / "mspt")[1].text
    full, kept = Pipeline().text(text), Pipeline(min_confidence=0.6).text(text)
    for kind in PARTS:
        expected = [p for p in getattr(full, kind) if p["confidence"] >= 0.6]
        assert getattr(kept, kind) == expected
    assert len(kept.materials) < len(full.materials)  # the finder path (MuLMS dev precision ~0.5) is below 0.6
    with pytest.raises(ConfigError):
        Pipeline(min_confidence=1.5)


def test_extract_min_confidence_is_in_the_manifest(data, tmp_path):
    papers = tmp_path / "papers"
    papers.mkdir()
    for i, doc in enumerate(split_docs("ner-dev", data / "mspt")[:2]):
        (papers / f"paper{i}.txt").write_text(doc.text)
    assert main(["-q", "extract", str(papers), "-o", str(tmp_path / "all")]) == 0
    assert main(["-q", "extract", str(papers), "-o", str(tmp_path / "sure"), "--min-confidence", "0.6"]) == 0
    manifest = json.loads((tmp_path / "sure" / "manifest.json").read_text())
    assert manifest["config"]["min_confidence"] == 0.6
    full = [json.loads(line) for line in (tmp_path / "all" / "records.jsonl").open()]
    kept = [json.loads(line) for line in (tmp_path / "sure" / "records.jsonl").open()]
    for kind in PARTS:
        assert manifest["config"]["dropped_below_confidence"][kind] == \
            sum(len(r[kind]) for r in full) - sum(len(r[kind]) for r in kept)
        assert all(p["confidence"] >= 0.6 for r in kept for p in r[kind])
    assert manifest["config"]["dropped_below_confidence"]["materials"] > 0


def test_drop_below_keeps_parts_of_unknown_confidence():
    record = {"entities": [{"confidence": None}, {"confidence": 0.2}], "materials": [], "properties": [],
              "synthesis": [{"confidence": 0.9}]}
    dropped = drop_below(record, 0.5)
    assert record["entities"] == [{"confidence": None}] and dropped.entities == 1 and dropped.synthesis == 0


def test_a_calibration_round_trips_through_its_file(tmp_path):
    cal = Calibration({POOLED: fit_curve(np.linspace(0, 1, 90), np.arange(90) % 3 > 0)})
    cal.save(tmp_path / CALIBRATION_FILE)
    again = Calibration.read(tmp_path / CALIBRATION_FILE)
    assert again.curves == cal.curves and again("any label", 0.5) == cal(POOLED, 0.5)


def test_the_record_filter_scores_wrong_audit_records_below_right_ones():
    """Real audit sentences: a conductivity the paper measured (right) against an OCV bound of a test protocol and a
    gas-feed ratio of a CVD growth (both wrong), each as the extractor reads it today."""
    right = extracted(audit_record("PMC5793538.txt", 23))
    wrongs = [extracted(audit_record("PMC4222441.txt", 12)), extracted(audit_record("semi_06.txt", 13))]
    for prop, text in [right, *wrongs]:
        annotate([], [], [], [prop], [], text=text)
    assert right[0]["confidence"] >= 0.7
    assert all(prop["confidence"] < min(0.55, right[0]["confidence"] - 0.3) for prop, _ in wrongs)


def test_runtime_features_read_the_same_fields_as_the_audit_corpus():
    """The pipeline's JSON of a property (offsets, condition list) gives the features of its audit row (the
    printed conditions, the name and value found at the same offsets of the stored sentence)."""
    row = audit_record("PMC5793538.txt", 23)
    prop, text = extracted(row)
    assert (prop["material"], len(prop["conditions"])) == (row["material"], len(row["conditions"].split("; ")))
    assert evidence_features(prop, text) == record_features(row, row["sentence"], prop["start"], prop["value_start"])


def test_without_the_text_or_a_sentence_a_property_keeps_its_path_confidence():
    prop, text = extracted(audit_record("PMC5793538.txt", 23))
    annotate([], [], [], [prop], [])
    assert prop["confidence"] == path_precision()["property/value-unit"].precision
    cell = prop | {"evidence": {"start": 0, "end": 10}, "start": None, "value_start": None}  # a table cell's form
    annotate([], [], [], [cell], [], text=text)
    assert cell["confidence"] == path_precision()["property/value-unit"].precision


def test_the_training_script_reproduces_the_shipped_filter_and_its_cv_report_is_sound(tmp_path):
    """The shipped filter is what the script fits on the audit corpus with the code as it is (``--quick``: C chosen
    by leave-one-paper-out, no nested report; the full run, ten minutes on two cores, rewrites the report)."""
    out = tmp_path / "record_filter.json"
    env = os.environ | {"OMP_NUM_THREADS": "1"}
    subprocess.run([sys.executable, str(ROOT / "scripts" / "train_record_filter.py"), "--out", str(out), "--quick"],
                   check=True, env=env, cwd=ROOT, capture_output=True)
    shipped, again = json.loads(RECORD_FILTER_FILE.read_text()), json.loads(out.read_text())
    assert again["model"] == shipped["model"]
    assert again["report"] == {k: shipped["report"][k] for k in again["report"]}
    assert record_filter().names == tuple(shipped["model"]["names"])
    report = shipped["report"]
    cv, base = report["cv"], report["baseline_path_precision"]
    assert report["records"] == 4781 and report["papers"] == 91  # right or wrong; the settings left out
    assert cv["log_loss"] < report["baseline_base_rate"]["log_loss"] < base["log_loss"]
    assert cv["brier"] < base["brier"] and cv["auc"] > 0.7 > base["auc"]
    assert sum(b["count"] for b in cv["bins"]) == report["records"]
    assert cv["kept"]["0.7"]["precision"] > cv["kept"]["0.5"]["precision"] > report["right"] / report["records"]


def test_an_ner_model_gets_its_own_record_filter_and_the_pipeline_uses_it(tiny_ner_dir, tmp_path):
    """``--ner`` trains a filter that reads the model's entity confidence at the name, written into the model
    directory; a pipeline with that model scores valued properties with it, others keep the model-free filter."""
    model = shutil.copytree(tiny_ner_dir, tmp_path / "ner")
    env = os.environ | {"OMP_NUM_THREADS": "1"}
    subprocess.run([sys.executable, str(ROOT / "scripts" / "train_record_filter.py"), "--ner", str(model), "--quick"],
                   check=True, env=env, cwd=ROOT, capture_output=True)
    own = model / RECORD_FILTER_NAME
    saved = json.loads(own.read_text())
    assert saved["report"]["records"] == 4781 and saved["report"]["model"] == str(model)
    saved["model"]["bias"] += 1.0  # a filter unlike the model-free one, to see which the pipeline reads
    own.write_text(json.dumps(saved))
    assert record_filter_file(model) == own and record_filter_file(tiny_ner_dir) == RECORD_FILTER_FILE
    nlp = Pipeline(ner=model)
    assert nlp.record_filter == own and Pipeline().record_filter == RECORD_FILTER_FILE
    row = audit_record("PMC5793538.txt", 23)
    text = row["sentence"]
    record = nlp.text(text)
    names = SpanIndex(e for e in record.entities if e.label in PROPERTY_LABELS)
    valued = [p for p in record.properties if p["value"] is not None]
    assert valued
    for prop in valued:
        entity = names.best(prop["start"], prop["end"])
        features = evidence_features(prop, text, entity)
        assert prop["confidence"] == round(float(record_filter(own).probabilities([features])[0]), 4)
        assert prop["confidence"] != round(float(record_filter().probabilities([features])[0]), 4)


def test_the_entity_confidence_is_a_feature_only_a_model_filter_reads():
    row = audit_record("PMC5793538.txt", 23)
    prop, text = extracted(row)
    sure, unnamed = evidence_features(prop, text, 0.93), evidence_features(prop, text)
    assert (sure["entity_confidence"], sure["entity_found"]) == (0.93, 1.0)
    assert "entity_confidence" not in unnamed and "entity_found" not in unnamed
    assert "entity_confidence" not in record_filter().names  # the model-free filter ignores it
    assert record_filter().probabilities([sure]) == record_filter().probabilities([unnamed])
