"""No run is merged into another's output (issue 18): an output folder is locked while a run writes it (a second run
is refused, naming the holder; a lock left by a killed run is taken over), and a non-empty folder is refused
unless ``--resume`` continues its run or ``--overwrite`` replaces it. Arguments are checked before any output."""

import errno
import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from matnlp.cli import main
from matnlp.corpus import Corpus, ingest
from matnlp.errors import ConfigError
from matnlp.eval import reliability
from matnlp.io import LOCK, check_output_dir, output_lock
from matnlp.runner import run

HOLD = """
import sys, time
from matnlp.io import output_lock
with output_lock(sys.argv[1]):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _holder(out: Path, seconds: float = 60) -> subprocess.Popen:
    """Another process holding the lock of ``out``."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(out), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


@pytest.fixture(scope="module")
def papers(tmp_path_factory):
    return reliability.make_papers(tmp_path_factory.mktemp("papers"), n=3)


# --- the lock ------------------------------------------------------------------------------------------------


def test_a_second_holder_is_refused_naming_the_first(tmp_path):
    out = tmp_path / "out"
    with output_lock(out) as lock:
        holder = json.loads(lock.read_text())
        assert holder["pid"] == os.getpid() and holder["host"] and holder["started"]
        with pytest.raises(ConfigError, match=rf"in use by pid {os.getpid()} on "):
            with output_lock(out):
                pass
        assert lock.exists()
    assert not (out / LOCK).exists()
    with output_lock(out):  # free again
        pass


def test_a_lock_held_by_another_process_refuses_runs(tmp_path, papers):
    out = tmp_path / "out"
    proc = _holder(out)
    try:
        with pytest.raises(ConfigError, match=f"in use by pid {proc.pid}"):
            run([papers], out, progress=False)
        with pytest.raises(ConfigError, match=f"in use by pid {proc.pid}"):
            run([papers], out, resume=True, progress=False)
        with pytest.raises(ConfigError, match=f"in use by pid {proc.pid}"):
            ingest([papers], out, overwrite=True, progress=False)
        with pytest.raises(ConfigError, match=f"in use by pid {proc.pid}"):
            run([papers], out, engine="dask", workers=1, progress=False)  # refused before a cluster starts
        assert sorted(p.name for p in out.iterdir()) == [LOCK]  # nothing written, nothing removed
    finally:
        proc.kill()
        proc.wait()


def test_the_lock_of_a_killed_run_is_taken_over(tmp_path, papers):
    out = tmp_path / "out"
    proc = _holder(out)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert json.loads((out / LOCK).read_text())["pid"] == proc.pid  # left behind
    assert run([papers], out, progress=False)["inputs"] == 3 + 3 + 2
    assert not (out / LOCK).exists()


def test_without_flock_a_lock_file_of_a_dead_process_is_stale(tmp_path, monkeypatch):
    def no_flock(fd, op):
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_flock)
    out = tmp_path / "out"
    proc = _holder(tmp_path / "elsewhere", 0)  # a pid that ran here and is gone
    proc.wait()
    out.mkdir()
    host = __import__("socket").gethostname()
    (out / LOCK).write_text(json.dumps({"pid": proc.pid, "host": host, "started": "earlier"}))
    with output_lock(out):
        assert json.loads((out / LOCK).read_text())["pid"] == os.getpid()
        with pytest.raises(ConfigError, match=f"in use by pid {os.getpid()}"):
            with output_lock(out):
                pass
    (out / LOCK).write_text(json.dumps({"pid": os.getpid(), "host": "another-host", "started": "now"}))
    with pytest.raises(ConfigError, match="on another-host"):  # another host's lock is never taken over
        with output_lock(out):
            pass


# --- non-empty output folders --------------------------------------------------------------------------------


def test_check_output_dir(tmp_path):
    out = tmp_path / "out"
    check_output_dir(out)  # new
    out.mkdir()
    (out / LOCK).write_text("{}")
    check_output_dir(out)  # only a lock
    for name in ("records.jsonl", "manifest.json", "errors.jsonl", "entities.parquet", "mine.txt"):
        (out / name).write_text("x")
    (out / "parts").mkdir()
    (out / "parts" / "part-00000.jsonl").write_text("x")
    with pytest.raises(ConfigError, match="is not empty .*--overwrite"):
        check_output_dir(out)
    check_output_dir(out, resume=True)
    check_output_dir(out, overwrite=True)
    assert sorted(p.name for p in out.iterdir()) == [LOCK, "mine.txt"]  # the user's own file stays
    (tmp_path / "file").write_text("x")
    for path in (tmp_path / "file", tmp_path / "file" / "below"):
        with pytest.raises(ConfigError, match="is not a directory"):
            check_output_dir(path)
        with pytest.raises(ConfigError, match="is not a directory"):
            with output_lock(path):
                pass


def test_extract_refuses_a_non_empty_folder_unless_resume_or_overwrite(tmp_path, papers):
    out = tmp_path / "out"
    expected = reliability.reference("extract", papers, tmp_path / "solo")
    ingest([papers], out, progress=False)  # a corpus: never to be merged with records
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with pytest.raises(ConfigError, match="is not empty"):
        run([papers], out, shard_docs=1, progress=False)
    with pytest.raises(ConfigError, match="not a resumable extract run"):
        run([papers], out, shard_docs=1, resume=True, progress=False)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    with pytest.raises(ConfigError, match="give one"):
        run([papers], out, resume=True, overwrite=True, progress=False)
    run([papers], out, shard_docs=1, overwrite=True, progress=False)
    assert reliability.extract_snapshot(out) == expected
    assert not (out / "docs-00000.jsonl.gz").exists() and not (out / "sentences.txt").exists()
    with pytest.raises(ConfigError, match="is not empty"):
        run([papers], out, shard_docs=1, progress=False)
    run([papers], out, shard_docs=1, resume=True, progress=False)  # nothing left to do
    assert reliability.extract_snapshot(out) == expected


def test_ingest_refuses_a_non_empty_folder_unless_overwrite(tmp_path, papers):
    out = tmp_path / "out"
    expected = reliability.reference("ingest", papers, tmp_path / "solo")
    ingest([papers / "abstracts.jsonl"], out, progress=False)
    with pytest.raises(ConfigError, match="is not empty"):
        ingest([papers], out, shard_size=2, progress=False)
    assert Corpus(out).manifest["inputs"] == 3
    ingest([papers], out, shard_size=2, overwrite=True, progress=False)
    assert reliability.ingest_snapshot(out) == expected
    assert main(["-q", "ingest", str(papers), "-o", str(out)]) == 2
    assert main(["-q", "ingest", str(papers), "-o", str(out), "--overwrite", "--shard-size", "2",
                 "--workers", "1"]) == 0
    assert reliability.ingest_snapshot(out) == expected


def test_cli_refuses_a_locked_folder_with_exit_2_naming_the_holder(tmp_path, papers):
    out = tmp_path / "out"
    proc = _holder(out)
    try:
        for command in ("extract", "ingest"):
            done = subprocess.run([sys.executable, "-m", "matnlp", command, str(papers), "-o", str(out),
                                   "--overwrite"], capture_output=True, text=True)
            assert done.returncode == 2, done.stderr
            assert f"in use by pid {proc.pid}" in done.stderr and "Traceback" not in done.stderr
    finally:
        proc.kill()
        proc.wait()


# --- arguments checked before any output ---------------------------------------------------------------------


@pytest.mark.parametrize("option", [["--timeout", "-5"], ["--timeout", "0"], ["--timeout", "inf"],
                                    ["--workers", "0"], ["--workers", "-1"], ["--shard-size", "0"],
                                    ["--workers", "two"]])
@pytest.mark.parametrize("command", ["extract", "ingest"])
def test_bad_numbers_are_usage_errors(tmp_path, papers, capsys, command, option):
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as exit_:
        main([command, str(papers), "-o", str(out), *option])
    assert exit_.value.code == 2 and option[0] in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("n", ["0", "-3"])
@pytest.mark.parametrize("command", ["similar", "analogy"])
def test_embeddings_answers_must_be_positive(tmp_path, capsys, command, n):
    words = ["w"] if command == "similar" else ["a", "b", "c"]
    with pytest.raises(SystemExit) as exit_:
        main(["embeddings", command, str(tmp_path), *words, "-n", n])
    assert exit_.value.code == 2 and "-n" in capsys.readouterr().err


def test_api_settings_are_checked_before_any_output(tmp_path, papers):
    out = tmp_path / "out"
    for kwargs in ({"workers": 0}, {"timeout": -5}, {"shard_docs": 0}, {"engine": "spark"}):
        with pytest.raises(ConfigError):
            run([papers], out, progress=False, **kwargs)
    for kwargs in ({"workers": -1}, {"timeout": 0}, {"shard_size": 0}):
        with pytest.raises(ConfigError):
            ingest([papers], out, progress=False, **kwargs)
    assert not out.exists()


def test_a_wrong_model_path_is_noticed_before_the_output_folder(tmp_path, papers):
    out = tmp_path / "out"
    for option in ("--ner", "--synthesis-model"):
        done = subprocess.run([sys.executable, "-m", "matnlp", "extract", str(papers), "-o", str(out), option,
                               str(tmp_path / "no-model")], capture_output=True, text=True)
        assert done.returncode == 2 and "model directory not found" in done.stderr
        assert "Traceback" not in done.stderr and not out.exists()


def test_output_that_is_a_file_is_exit_2(tmp_path, papers):
    (tmp_path / "file").write_text("not a directory")
    for command in ("ingest", "extract"):
        for out in (tmp_path / "file", tmp_path / "file" / "below"):
            started = time.monotonic()
            assert main(["-q", command, str(papers), "-o", str(out), "--workers", "1"]) == 2
            assert time.monotonic() - started < 60
    assert (tmp_path / "file").read_text() == "not a directory"
