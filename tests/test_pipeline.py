"""End-to-end extraction: the Pipeline API, local/Dask engines, resumable runs, errors that lose nothing."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from matnlp.pipeline import ModelPaths, Pipeline
from matnlp.runner import run
from matnlp.records import validate

SAMPLE = "LiFePO4 was annealed at 700 °C for 5 h under Ar. The band gap of TiO2 is 3.2 eV."


def records_without_timestamps(out):
    records = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines()]
    for r in records:
        r["provenance"].pop("created")
    return records


@pytest.fixture(scope="module")
def papers(tmp_path_factory, data):
    """12 real MSPT procedures, 2 SOFC papers, the bundled sample JSONL and two bad files."""
    root = tmp_path_factory.mktemp("papers")
    for path in sorted((data / "mspt" / "data").glob("*.txt"))[:12]:
        shutil.copy(path, root / path.name)
    for path in sorted((data / "sofc_exp_texts" / "texts").glob("*.txt"))[:2]:
        shutil.copy(path, root / path.name)
    shutil.copy(os.path.join(os.path.dirname(__file__), "..", "corpora", "sample", "abstracts.jsonl"), root)
    (root / "empty.txt").write_text("")
    (root / "broken.xml").write_text("<article><front><article-meta><title-group>")
    return root


@pytest.fixture(scope="module")
def serial_run(tmp_path_factory, papers):
    out = tmp_path_factory.mktemp("serial")
    manifest = run([papers], out, workers=1, shard_docs=4, progress=False)
    return out, manifest


def test_every_input_is_one_record_or_one_error(serial_run):
    out, manifest = serial_run
    assert manifest["inputs"] == manifest["records"] + manifest["errors"] == 12 + 2 + 3 + 2
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert sorted(os.path.basename(e["source"]) for e in errors) == ["broken.xml", "empty.txt"]
    assert all(e["stage"] == "ingest" and e["message"] for e in errors)


def test_records_validate_and_offsets_slice_the_documents(serial_run, data):
    out, _ = serial_run
    records = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines()]
    mspt = [r for r in records if r["source"]["format"] == "brat-txt"]
    assert len(mspt) == 12
    for r in records:
        validate(r)
    steps = [s for r in mspt for s in r["synthesis"]]
    assert len(steps) > 50
    assert {"HeatingOperation", "MixingOperation"} <= {s["type"] for s in steps}
    assert any(s["conditions"]["temperature"] for s in steps)
    assert sum(len(r["materials"]) for r in mspt) > 30


def test_parallel_and_resumed_runs_equal_the_serial_run(serial_run, papers, tmp_path):
    parallel = tmp_path / "parallel"
    run([papers], parallel, workers=2, shard_docs=4, progress=False)
    assert records_without_timestamps(parallel) == records_without_timestamps(serial_run[0])
    for part in sorted((parallel / "parts").glob("part-*.jsonl"))[1::2]:
        part.unlink()
    manifest = run([papers], parallel, workers=1, shard_docs=4, resume=True, progress=False)
    assert manifest["inputs"] == serial_run[1]["inputs"]
    assert records_without_timestamps(parallel) == records_without_timestamps(serial_run[0])


def test_killed_run_resumes_to_the_same_records(serial_run, papers, tmp_path):
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "matnlp", "-q", "extract", str(papers), "-o", str(out), "--workers", "1",
           "--shard-size", "1"]
    proc = subprocess.Popen(cmd, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and len(list((out / "parts").glob("part-*.jsonl"))) < 3:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (out / "records.jsonl").exists()
    assert subprocess.run([*cmd, "--resume"], check=False).returncode == 0
    assert records_without_timestamps(out) == records_without_timestamps(serial_run[0])


def test_dask_local_cluster_equals_local_engine(serial_run, papers, tmp_path):
    out = tmp_path / "dask"
    manifest = run([papers], out, engine="dask", workers=2, shard_docs=4, progress=False)
    assert manifest["records"] == serial_run[1]["records"]
    assert records_without_timestamps(out) == records_without_timestamps(serial_run[0])


def test_timeout_turns_a_document_into_an_error(papers, tmp_path):
    manifest = run([papers / "abstracts.jsonl"], tmp_path, timeout=1e-4, progress=False)
    assert manifest["records"] == 0 and manifest["errors"] == 3
    entry = json.loads((tmp_path / "errors.jsonl").read_text().splitlines()[0])
    assert entry["error"] == "TimeoutError" and "gave up" in entry["message"]


def test_resume_refuses_other_settings(serial_run, papers, tmp_path):
    from matnlp.errors import ConfigError

    run([papers / "abstracts.jsonl"], tmp_path, progress=False)
    with pytest.raises(ConfigError, match="other inputs or settings"):
        run([papers / "abstracts.jsonl"], tmp_path, shard_docs=7, resume=True, progress=False)


def test_pipeline_api_on_text_keeps_callers_offsets(tiny_ner_dir):
    nlp = Pipeline(ner=tiny_ner_dir)
    record = nlp(SAMPLE)
    validate(record.to_dict())
    assert record.entities, "the trained tiny model tags something in a materials sentence"
    for e in record.entities:
        assert SAMPLE[e.start : e.end] == e.text
    formulas = {m["formula"] for m in record.materials}
    assert {"LiFePO4", "TiO2"} <= formulas
    band_gap = [p for p in record.properties if p["property"] == "band gap"]
    assert band_gap and band_gap[0]["value"] == 3.2 and band_gap[0]["unit"] == "eV"
    assert record.provenance.models["ner"]["sha256"]
    streamed = list(nlp.pipe([SAMPLE, "No chemistry here."], batch_size=2))
    assert streamed[0].to_dict()["entities"] == record.to_dict()["entities"]
    assert len(streamed) == 2


def test_model_run_in_worker_processes(tiny_ner_dir, papers, tmp_path):
    models = ModelPaths(ner=str(tiny_ner_dir))
    manifest = run([papers / "abstracts.jsonl"], tmp_path, models, workers=2, shard_docs=1, progress=False)
    assert manifest["records"] == 3
    records = [json.loads(line) for line in (tmp_path / "records.jsonl").read_text().splitlines()]
    assert any(r["entities"] for r in records)
    assert manifest["provenance"]["models"]["ner"]["path"] == str(tiny_ner_dir)
