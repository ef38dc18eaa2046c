"""End-to-end extraction: the Pipeline API, local/Dask engines, resumable runs, errors that lose nothing."""

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from matnlp.extractors.properties import find_property_mentions
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


def test_every_offset_is_checkable_against_documents_jsonl(serial_run):
    """documents.jsonl.gz holds, per record, the text its offsets slice and the sections each part names."""
    out, _ = serial_run
    records = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines()]
    with gzip.open(out / "documents.jsonl.gz", "rt", encoding="utf-8") as handle:
        documents = {d["id"]: d for d in map(json.loads, handle)}
    assert set(documents) == {r["id"] for r in records}

    for r in records:
        text = documents[r["id"]]["text"]
        titles = {f"{s['number']} {s['title']}" if s.get("number") else s["title"] for s in r.get("sections", [])}
        for e in r["entities"]:
            assert text[e["start"]:e["end"]] == e["text"]
        for part in r["entities"] + r["properties"] + r["synthesis"]:
            assert part["section"] is None or part["section"] in titles
        for s in r["synthesis"]:
            assert text[s["start"]:s["end"]] == s["operation"]
        for p in r["properties"]:
            assert text[p["evidence"]["start"]:p["evidence"]["end"]]
        for m in r["materials"]:
            assert all(text[a:b] for a, b in m["mentions"])


def test_parts_name_their_numbered_section(tmp_path):
    """A plain-text paper with numbered headings: steps and properties name "2.1 Slurry preparation", …"""
    paper = Path(__file__).parent / "fixtures" / "ingest" / "plain_paper.txt"
    manifest = run([paper], tmp_path / "out", progress=False)
    assert manifest["records"] == 1
    (record,) = [json.loads(line) for line in (tmp_path / "out" / "records.jsonl").read_text().splitlines()]
    with gzip.open(tmp_path / "out" / "documents.jsonl.gz", "rt", encoding="utf-8") as handle:
        (document,) = map(json.loads, handle)
    text = document["text"]
    assert "2.4" not in text  # heading numbers stay out of the running text
    sections = {s["title"]: s for s in record["sections"]}
    assert sections["Porosity"]["number"] == "2.4" and sections["Slurry preparation"]["number"] == "2.1"
    slurry = sections["Slurry preparation"]
    steps = [s for s in record["synthesis"] if slurry["start"] <= s["start"] < slurry["end"]]
    assert steps and {s["section"] for s in steps} == {"2.1 Slurry preparation"}
    assert {p["section"] for p in record["properties"] if p["property"].lower() == "porosity"} >= {"Abstract"}


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


def test_property_model_gives_the_property_mentions(tiny_ner_dir, papers, tmp_path):
    from matnlp.ner import load

    tagged = {(e.start, e.end) for e in load(tiny_ner_dir)(SAMPLE) if e.label == "PRO"}
    record = Pipeline(properties=tiny_ner_dir)(SAMPLE)
    assert not record.entities  # no NER model: the property model's spans are not the record's entities
    mentions = {(p["start"], p["end"]) for p in record.properties}
    # the model's spans, completed with the model-free mentions that overlap none of them
    lexicon = {(m.start, m.end) for m in find_property_mentions(SAMPLE)}
    assert mentions & tagged and mentions <= tagged | lexicon
    assert not [(a, b) for a, b in mentions - tagged for c, d in tagged if a < d and c < b]
    assert set(record.provenance.models) == {"properties"}
    manifest = run([papers / "abstracts.jsonl"], tmp_path, ModelPaths(properties=str(tiny_ner_dir)), workers=1,
                   progress=False)
    assert manifest["records"] == 3 and manifest["provenance"]["models"]["properties"]["path"] == str(tiny_ner_dir)


def test_model_run_in_worker_processes(tiny_ner_dir, papers, tmp_path):
    models = ModelPaths(ner=str(tiny_ner_dir))
    manifest = run([papers / "abstracts.jsonl"], tmp_path, models, workers=2, shard_docs=1, progress=False)
    assert manifest["records"] == 3
    records = [json.loads(line) for line in (tmp_path / "records.jsonl").read_text().splitlines()]
    assert any(r["entities"] for r in records)
    assert manifest["provenance"]["models"]["ner"]["path"] == str(tiny_ner_dir)


# --- explicit text and file API, limits (issue 18) -----------------------------------------------------------


def test_a_mistyped_path_is_an_error_not_text(monkeypatch):
    import matnlp
    from matnlp.pipeline import default_pipeline

    root = os.path.join(os.path.dirname(__file__), "..")
    monkeypatch.chdir(root)
    monkeypatch.setenv("MATNLP_MODELS", "no-models-here")
    default_pipeline.cache_clear()
    try:
        for typo in ("corpora/sample/lfp_solid_state.tx", "lfp_solid_state.txt", "corpora\\sample\\x.txt"):
            with pytest.raises(FileNotFoundError, match="no such file"):
                matnlp.extract(typo)
            with pytest.raises(FileNotFoundError):
                matnlp.extract_file(typo)
        with pytest.raises(IsADirectoryError, match="matnlp.runner.run"):
            matnlp.extract("corpora/sample")
        with pytest.raises(IsADirectoryError):
            matnlp.extract_file("corpora/sample")
        from pathlib import Path

        path = "corpora/sample/lfp_solid_state.txt"
        by_file = matnlp.extract_file(path)
        assert by_file.meta.title.startswith("Carbon-coated LiFePO4") and by_file.source.path == path
        assert matnlp.extract(Path(path)).to_dict()["materials"] == by_file.to_dict()["materials"]
        assert matnlp.extract(path).meta.title == by_file.meta.title  # an existing path string: that file
        nlp = default_pipeline()
        assert nlp.text(path).source.path == "<string>" and nlp.text(path).entities == []  # text, as asked
        assert nlp.file(Path(path)).meta.title == by_file.meta.title
        for text in ("LiFePO4", "3.2eV", "TiO2 has a band gap of 3.2 eV.", "e.g. see Fig. 2/3"):
            assert matnlp.extract(text).source.path == "<string>"
    finally:
        default_pipeline.cache_clear()


def test_the_api_has_the_cli_limits(monkeypatch):
    import time

    import matnlp.pipeline as pipeline
    from matnlp.config import DOCUMENT_TIMEOUT
    from matnlp.errors import IngestError
    from matnlp.ingest import MAX_TEXT_CHARS

    nlp = Pipeline()
    assert (nlp.timeout, nlp.max_chars) == (DOCUMENT_TIMEOUT, MAX_TEXT_CHARS)
    small = Pipeline(max_chars=1000)
    with pytest.raises(IngestError, match="exceeds the limit of 1000"):
        small("Al2O3 was sintered. " * 100)
    with pytest.raises(IngestError, match="exceeds the limit of 1000"):
        list(small.pipe([SAMPLE, "Al2O3 was sintered. " * 100]))
    real = pipeline.extract_materials
    monkeypatch.setattr(pipeline, "extract_materials", lambda *a: time.sleep(5) or real(*a))
    started = time.monotonic()
    with pytest.raises(TimeoutError, match="gave up after 0.5 s"):
        Pipeline(timeout=0.5)(SAMPLE)
    assert time.monotonic() - started < 4
    assert Pipeline(timeout=None).text(SAMPLE).materials  # no limit
    with pytest.raises(Exception, match="positive"):
        Pipeline(timeout=-1)


def test_progress_counts_papers_of_the_total_and_errors(papers, tmp_path, capsys):
    manifest = run([papers], tmp_path / "out", workers=1, shard_docs=4, progress=True)
    bar = capsys.readouterr().err.replace("\r", "\n").strip().splitlines()[-1]
    total = manifest["inputs"]
    assert f"{total}/{total}" in bar and "paper" in bar and f"errors={manifest['errors']}" in bar, bar


def test_quiet_hides_the_weight_loading_bars(tiny_ner_dir):
    command = [sys.executable, "-m", "matnlp", "ner", "predict", str(tiny_ner_dir), SAMPLE, "--device", "cpu"]
    loud = subprocess.run(command, capture_output=True, text=True, check=True)
    quiet = subprocess.run(command[:3] + ["-q"] + command[3:], capture_output=True, text=True, check=True)
    assert "Loading weights" in loud.stderr  # transformers' tqdm bar, without -q
    assert "Loading weights" not in quiet.stderr and quiet.stdout == loud.stdout


def test_an_ner_material_the_material_finder_drops_owns_no_value():
    """Audit round 20: the NER model tagged "Choi" of "Choi et al." a material, and it became the material of the
    power density; the property extractor takes the model's material spans the material finder kept, whole."""
    from matnlp.extractors.materials import extract_materials
    from matnlp.extractors.properties import extract_properties, with_lexicon
    from matnlp.pipeline import kept_materials
    from matnlp.types import Entity

    text = ("Choi et al. reported a TCO material, PrBa0.5Sr0.5Co2− xFexO5+ δ (PBSCF), which was successfully applied "
            "as SOFC cathode with a peak power density ≈2.2 W cm−2 at 600 °C.")
    entities = [Entity(0, 4, "MAT", "Choi"), Entity(37, 63, "MAT", text[37:63]), Entity(65, 70, "MAT", "PBSCF"),
                Entity(132, 145, "PRO", "power density")]
    mentions = [span for m in extract_materials(text, entities) for span in m.mentions]
    kept = kept_materials(entities, mentions)
    assert [e.text for e in kept] == [text[37:63], "PBSCF", "power density"]
    props = [p for p in extract_properties(text, with_lexicon(text, kept)) if p.value is not None]
    assert [(p.name, p.value.value, p.material.text) for p in props] == [("power density", 2.2, text[37:63])]
    long = "SrCo1−xNbxO3−δ (x = 0.05, 0.10, and 0.15)"
    assert kept_materials([Entity(0, len(long), "MAT", long)], [(0, 14)]) == [Entity(0, len(long), "MAT", long)]
