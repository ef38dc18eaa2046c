"""Reliability and security: fuzzing (a small budget of :mod:`matnlp.eval.fuzz`), crashes found by it, hostile
files, faults (SIGKILL and resume, full disk, unwritable output, a Dask worker killed) and memory while streaming.

The longer runs: ``scripts/fuzz.py`` and ``scripts/bench_reliability.py``.
"""

import builtins
import errno
import io
import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from matnlp import corpus, ingest as ingest_pkg
from matnlp.corpus import Corpus, ingest
from matnlp.errors import IngestError, ModelError, SchemaError
from matnlp.eval import fuzz, reliability
from matnlp.ingest import read_file
from matnlp.runner import run

REPO = Path(__file__).resolve().parent.parent

FUZZ_BUDGET = {"reader": 60, "records": 3}


# --- fuzzing -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", sorted(fuzz.TARGETS))
def test_fuzz_target_holds_its_contract(target):
    result = fuzz.fuzz(target, FUZZ_BUDGET.get(target, 80), hang=30, seed=0)
    assert result["inputs"] and not result["failures"], result["failures"]


@pytest.mark.parametrize(("target", "case"), fuzz.REGRESSIONS, ids=[f"{t}-{i}" for i, (t, _) in
                                                                   enumerate(fuzz.REGRESSIONS)])
def test_crashes_found_by_fuzzing_stay_fixed(target, case):
    fuzz.TARGETS[target][0](case)


def test_deeply_nested_json_line_loses_no_later_record(tmp_path):
    ok = json.dumps({"id": "a", "text": "TiO2 is white."})
    deep = '{"id": "d", "text": ' + "[" * 100_000 + '"x"' + "]" * 100_000 + "}"
    (tmp_path / "p.jsonl").write_text("\n".join([ok, deep, ok.replace('"a"', '"b"')]) + "\n")
    items = read_file(tmp_path / "p.jsonl")
    assert [getattr(i, "id", None) for i in items] == ["a", None, "b"]
    assert "line 2: JSON nested too deeply" in items[1].reason


def test_lone_surrogates_reach_no_output(tmp_path):
    (tmp_path / "s.jsonl").write_text('{"id": "a\\udfff", "title": "T \\ud800", "text": "LiFePO4 \\ud800 at 700 C."}\n')
    assert ingest([tmp_path / "s.jsonl"], tmp_path / "corpus", progress=False)["documents"] == 1
    assert run([tmp_path / "s.jsonl"], tmp_path / "out", progress=False)["records"] == 1
    record = json.loads((tmp_path / "out" / "records.jsonl").read_text(encoding="utf-8"))
    assert record["id"] == "a\ufffd" and record["meta"]["title"] == "T \ufffd"


def test_validate_refuses_non_strict_json():
    from matnlp.pipeline import Pipeline
    from matnlp.records import validate

    record = Pipeline()("The band gap of TiO2 is 3.2 eV.").to_dict()
    record["properties"][0]["value"] = float("inf")
    with pytest.raises(SchemaError, match="not strict UTF-8 JSON"):
        validate(record)


# --- hostile files -------------------------------------------------------------------------------------------


def test_hostile_files_are_neutralized(tmp_path, monkeypatch):
    from matnlp.ingest import walk

    monkeypatch.setattr(walk, "MAX_INPUT_BYTES", 1 << 20)
    results = reliability.hostile_trials(tmp_path, bomb_mib=64, pdf_timeout=1)
    unsafe = {name: r for name, r in results.items() if not r["neutralized"]}
    assert not unsafe
    for name in ("billion_laughs.xml", "quadratic_blowup.xml"):  # libxml2's amplification limit refuses them
        assert results[name]["outcome"].startswith("error: malformed XML: Maximum entity amplification")
    assert results["scripts.html"]["outcome"].startswith("document")  # parsed; scripts neither run nor kept
    # pdfminer took minutes on this PDF (the reader deadline stopped it); PyMuPDF reads it at once and refuses it
    slow = results["slow.pdf"]["outcome"]
    assert slow.startswith("error:") and "scattered characters" in slow
    assert "decompressed size exceeds limit" in results["gzip_bomb.txt.gz"]["outcome"]


def test_ids_that_look_like_paths_stay_inside_json(tmp_path):
    result = reliability.id_trials(tmp_path)
    assert result["files_outside_output"] == [] and result["unexpected_names"] == []
    assert result["records_with_exact_id"] == result["ids"]


def test_slow_document_is_an_error_entry_in_ingest(tmp_path, monkeypatch):
    import time

    reliability.make_papers(tmp_path / "papers", n=2)
    real = corpus.processed_lines
    monkeypatch.setattr(corpus, "processed_lines", lambda doc: time.sleep(5) if doc.id == "paper001" else real(doc))
    manifest = ingest([tmp_path / "papers"], tmp_path / "out", timeout=0.5, progress=False)
    assert manifest["inputs"] == manifest["documents"] + manifest["errors"] == 7
    (slow,) = [e for e in Corpus(tmp_path / "out").errors() if "TimeoutError" in e["message"]]
    assert slow["source"].endswith("paper001.txt") and "gave up after 0.5 s" in slow["message"]


def _tiny_model_dir(path: Path) -> Path:
    from transformers import AutoModelForTokenClassification, AutoTokenizer, BertConfig

    from matnlp.ner.bases import resolve_base
    from matnlp.ner.train import TrainSettings, save_model

    tokenizer = AutoTokenizer.from_pretrained(resolve_base(None), local_files_only=True)
    labels = ["O", "B-MAT", "I-MAT"]
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=16, num_hidden_layers=1, num_attention_heads=1,
                        intermediate_size=16, num_labels=3, id2label=dict(enumerate(labels)),
                        label2id={lab: i for i, lab in enumerate(labels)})
    save_model(path, AutoModelForTokenClassification.from_config(config), tokenizer, labels, TrainSettings())
    return path


class _Payload:
    """Unpickling this creates the file named by ``marker``."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (builtins.open, (self.marker, "w"))


def test_model_files_are_never_unpickled_or_executed(tmp_path):
    from matnlp import ner
    from matnlp.embeddings import load as load_embeddings

    marker = tmp_path / "PWNED"
    model = _tiny_model_dir(tmp_path / "model")
    (model / "pytorch_model.bin").write_bytes(pickle.dumps(_Payload(marker)))
    (model / "evil.py").write_text(f"open({str(marker)!r}, 'w')\n")
    config = json.loads((model / "config.json").read_text())
    config["auto_map"] = {"AutoModelForTokenClassification": "evil.Evil", "AutoConfig": "evil.Config"}
    (model / "config.json").write_text(json.dumps(config))
    try:
        ner.load(model, device="cpu")
    except ModelError:
        pass  # refusing the remote-code model is fine too
    (model / "model.safetensors").unlink()  # only the pickle left
    with pytest.raises(ModelError):
        ner.load(model, device="cpu")
    np_pickle = tmp_path / "vectors.npy"
    import numpy as np

    np.save(np_pickle, np.array([_Payload(marker)], dtype=object), allow_pickle=True)
    (tmp_path / "vocab.tsv").write_text("w\t1\n")
    (tmp_path / "evil.kv").write_bytes(pickle.dumps(_Payload(marker)))
    for path in (tmp_path / "evil.kv", np_pickle):
        with pytest.raises(ModelError):
            load_embeddings(path)
    assert not marker.exists()


# --- faults --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["extract", "ingest"])
def test_sigkill_at_random_moments_then_rerun_gives_the_same_output(tmp_path, kind):
    result = reliability.kill_trials(kind, trials=2, seed=7, root=tmp_path)
    assert result["identical"] == 2, result["runs"]


@pytest.mark.parametrize("kind", ["extract", "ingest"])
def test_a_second_run_into_the_folder_of_a_running_one_is_refused(tmp_path, kind):
    """Two runs into one folder used to mix and lose records, both exiting 0 (issue 18)."""
    result = reliability.concurrent_trials(kind, trials=2, seed=3, root=tmp_path)
    assert result["refused"] == result["identical"] == result["overlapped"] == 2, result["runs"]


class _FullDisk(io.RawIOBase):
    """A file under the output directory that takes ``budget`` bytes, then fails with ENOSPC."""

    def __init__(self, handle, budget: list[int]):
        self.handle, self.budget, self.name = handle, budget, handle.name

    def writable(self):
        return True

    def write(self, data):
        self.budget[0] -= len(data)
        if self.budget[0] < 0:
            raise OSError(errno.ENOSPC, "No space left on device", self.name)
        return self.handle.write(data)

    def close(self):
        self.handle.close()
        super().close()


def _fill_disk_under(monkeypatch, root: Path, budget: int):
    """Files written under ``root`` share ``budget`` free bytes."""
    real_open, free = io.open, [budget]

    def fake_open(file, mode="r", *args, **kwargs):
        if "w" in mode and str(file).startswith(str(root)):
            handle = real_open(file, "wb")
            raw = _FullDisk(handle, free)
            return raw if "b" in mode else io.TextIOWrapper(io.BufferedWriter(raw), encoding=kwargs.get("encoding"))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(io, "open", fake_open)
    monkeypatch.setattr(builtins, "open", fake_open)


@pytest.mark.parametrize("budget", [0, 900, 2500])
def test_full_disk_is_a_clear_error_and_leaves_no_partial_file(tmp_path, monkeypatch, budget):
    papers = reliability.make_papers(tmp_path / "papers", n=6)
    expected = reliability.reference("extract", papers, tmp_path / "reference")
    out = tmp_path / "out"
    for job in (lambda: ingest([papers], out / "corpus", progress=False),
                lambda: run([papers], out / "extract", shard_docs=1, progress=False)):
        with monkeypatch.context() as patch, pytest.raises(OSError, match="No space left"):
            _fill_disk_under(patch, out, budget)
            job()
    leftovers = sorted(p.name for p in out.rglob(".*tmp-*"))
    assert leftovers == [] and not (out / "corpus" / "manifest.json").exists()
    for part in (out / "extract" / "parts").glob("part-*.jsonl"):  # finished parts are whole
        assert all(json.loads(line) for line in part.read_text().splitlines())
    run([papers], out / "extract", shard_docs=1, resume=True, progress=False)
    assert reliability.extract_snapshot(out / "extract") == expected


def test_unwritable_output_is_a_one_line_error(tmp_path):
    (tmp_path / "file").write_text("not a directory")
    papers = reliability.make_papers(tmp_path / "papers", n=1)
    for command in ("ingest", "extract"):
        done = subprocess.run([sys.executable, "-m", "matnlp", command, str(papers), "-o", "/sys/matnlp-out"],
                              capture_output=True, text=True, cwd=REPO)  # sysfs refuses even root
        assert done.returncode == 1 and "not permitted" in done.stderr and "Traceback" not in done.stderr
        done = subprocess.run([sys.executable, "-m", "matnlp", command, str(papers), "-o", str(tmp_path / "file" / "o")],
                              capture_output=True, text=True, cwd=REPO)  # a bad argument: exit 2
        assert done.returncode == 2 and "not a directory" in done.stderr and "Traceback" not in done.stderr


def _die_once(flag: str) -> None:
    """Installed on every Dask worker: the first document extracted anywhere kills its worker process."""
    import os

    import matnlp.runner as runner

    original = runner._extract_item

    def extract_item(nlp, item, timeout):
        try:
            os.close(os.open(flag, os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            return original(nlp, item, timeout)
        os._exit(1)

    runner._extract_item = extract_item


def test_dask_worker_killed_mid_run_loses_and_duplicates_nothing(tmp_path):
    from dask.distributed import Client, LocalCluster

    papers = reliability.make_papers(tmp_path / "papers", n=8)
    expected = reliability.reference("extract", papers, tmp_path / "reference")
    flag = tmp_path / "killed-once"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster) as client:
            client.run(_die_once, str(flag))
            run([papers], tmp_path / "out", engine="dask", scheduler=cluster.scheduler_address, shard_docs=1,
                progress=False)
    assert flag.exists()
    assert reliability.extract_snapshot(tmp_path / "out") == expected


# --- limits --------------------------------------------------------------------------------------------------


def test_size_limits_are_documented_errors(tmp_path, monkeypatch):
    from matnlp.ingest import base

    monkeypatch.setattr(base, "MAX_TEXT_CHARS", 1000)
    monkeypatch.setattr(ingest_pkg, "MAX_TEXT_CHARS", 1000)
    (tmp_path / "long.txt").write_text("Al2O3 was sintered. " * 100)
    (item,) = read_file(tmp_path / "long.txt")
    assert isinstance(item, IngestError) and "exceeds limit of 1000 characters" in item.reason
    assert all(f"{name}" in ingest_pkg.__doc__ for name in ("MAX_INPUT_BYTES", "MAX_PDF_BYTES", "MAX_TEXT_CHARS"))


def test_ingest_memory_stays_flat_as_the_corpus_grows(tmp_path):
    small = reliability.ingest_peak(tmp_path, 60, batch_chars=2000)
    large = reliability.ingest_peak(tmp_path, 600, batch_chars=2000)
    assert large < 2 * small, (small, large)  # grows only by paths, dedup keys and bounded caches

