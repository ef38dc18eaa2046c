import gzip
import json
import shutil

import pytest

from matnlp.cli import main
from matnlp.corpus import Corpus, ingest
from matnlp.errors import ConfigError


@pytest.fixture(scope="module")
def mixed_inputs(tmp_path_factory, data):
    """Real papers plus a duplicate (same DOI, other file name), an empty file and binary garbage."""
    root = tmp_path_factory.mktemp("inputs")
    mspt = sorted((data / "mspt" / "data").glob("*.txt"))[:6]
    for path in mspt:
        shutil.copy(path, root / path.name)
    shutil.copy(mspt[0], root / "copy_of_first.txt")
    for path in sorted((data / "sofc_exp_texts" / "texts").glob("*.txt"))[:2]:
        shutil.copy(path, root / path.name)
    (root / "empty.txt").write_text("")
    (root / "garbage.txt").write_bytes(bytes(range(256)) * 8)
    return root


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory, mixed_inputs):
    out = tmp_path_factory.mktemp("corpus")
    ingest([mixed_inputs], out, workers=2, shard_size=3, progress=False)
    return out


def test_every_input_is_counted_once(corpus_dir):
    manifest = json.loads((corpus_dir / "manifest.json").read_text())
    assert manifest["files"] == 11
    assert manifest["inputs"] == manifest["documents"] + manifest["errors"] + manifest["duplicates"] == 11
    assert (manifest["documents"], manifest["errors"], manifest["duplicates"]) == (8, 2, 1)
    assert manifest["shards"] == ["docs-00000.jsonl.gz", "docs-00001.jsonl.gz", "docs-00002.jsonl.gz"]
    assert not list(corpus_dir.glob(".*tmp*"))


def test_errors_name_file_and_reason(corpus_dir):
    errors = Corpus(corpus_dir).errors()
    assert sorted(e["source"].rsplit("/", 1)[-1] for e in errors) == ["empty.txt", "garbage.txt"]
    for entry in errors:
        assert set(entry) == {"id", "source", "stage", "error", "message"}
        assert entry["message"]


def test_documents_round_trip_and_iteration_restarts(corpus_dir):
    corpus = Corpus(corpus_dir)
    first = list(corpus)
    second = list(corpus)
    assert len(first) == len(corpus) == 8
    assert [d.id for d in first] == [d.id for d in second]
    for doc in first:
        assert doc.sentences
        for sentence in doc.sentences:
            for token in sentence.tokens:
                assert doc.text[token.start : token.end] == token.text
    with gzip.open(corpus_dir / "docs-00000.jsonl.gz", "rt") as handle:
        assert json.loads(handle.readline())["text"] == first[0].text


def test_sentences_txt_is_processed(corpus_dir):
    lines = (corpus_dir / "sentences.txt").read_text().splitlines()
    manifest = Corpus(corpus_dir).manifest
    assert 0 < len(lines) <= manifest["sentences"]
    words = " ".join(lines).split()
    assert "<nUm>" in words
    digits = [w for w in words if w.isdigit()]  # only Miller-index-like "( 1 )" survive
    assert len(digits) < 0.01 * len(words)
    assert all(line == line.strip() and "  " not in line for line in lines)


def test_cli_ingest(tmp_path, data, capsys):
    src = data / "mspt" / "data"
    out = tmp_path / "c"
    code = main(["-q", "ingest", str(src), "-o", str(out), "--include", "101002a*.txt", "--workers", "1"])
    assert code == 0
    manifest = Corpus(out).manifest
    expected = len(list(src.glob("101002a*.txt")))
    assert manifest["documents"] == expected > 0


def test_no_inputs_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="no input files"):
        ingest([tmp_path], tmp_path / "out", progress=False)
    assert main(["-q", "ingest", str(tmp_path), "-o", str(tmp_path / "out")]) == 2


def test_not_a_corpus(tmp_path):
    with pytest.raises(ConfigError, match="not a matnlp corpus"):
        Corpus(tmp_path)


def test_parallel_run_equals_serial_run(tmp_path, data):
    """Records of one multi-record file are spread over processes in small batches; output is identical."""
    papers = tmp_path / "papers.jsonl"
    lines = (data / "nerre_general_mof" / "general_materials_information_annotations.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines[:40]]
    papers.write_text("\n".join(json.dumps({"id": f"r{i}", "text": r["prompt"]}) for i, r in enumerate(records)))
    ingest([papers], tmp_path / "serial", workers=1, progress=False)
    ingest([papers], tmp_path / "parallel", workers=2, batch_chars=2_000, progress=False)
    for name in ("sentences.txt", "errors.jsonl"):
        assert (tmp_path / "serial" / name).read_bytes() == (tmp_path / "parallel" / name).read_bytes()
    serial, parallel = list(Corpus(tmp_path / "serial")), list(Corpus(tmp_path / "parallel"))
    assert len(serial) == 40 and serial == parallel


def test_broken_links_and_fifos_are_error_lines_not_skipped(tmp_path):
    """Every input ends as one document/record or one error line (issue 18: these were skipped without a word)."""
    import os
    import threading

    from matnlp.runner import run

    papers = tmp_path / "papers"
    papers.mkdir()
    (papers / "a.txt").write_text("LiFePO4 was annealed at 700 °C for 5 h.")
    (papers / "gone.txt").symlink_to(tmp_path / "deleted.txt")
    os.mkfifo(papers / "pipe.txt")
    finished = threading.Event()

    def unblock():  # a reader opening the fifo for reading would wait for a writer: give it none unless it hangs
        if not finished.wait(60):
            with open(papers / "pipe.txt", "w"):
                pass

    threading.Thread(target=unblock, daemon=True).start()
    try:
        manifest = ingest([papers], tmp_path / "corpus", progress=False)
        records = run([papers], tmp_path / "records", progress=False)
    finally:
        finished.set()
    assert (manifest["inputs"], manifest["documents"], manifest["errors"]) == (3, 1, 2)
    assert (records["inputs"], records["records"], records["errors"]) == (3, 1, 2)
    for errors in (Corpus(tmp_path / "corpus").errors(),
                   [json.loads(line) for line in (tmp_path / "records" / "errors.jsonl").read_text().splitlines()]):
        messages = {e["source"].rsplit("/", 1)[-1]: e["message"] for e in errors}
        assert "broken symbolic link" in messages["gone.txt"] and "deleted.txt" in messages["gone.txt"]
        assert "not a regular file (a fifo)" in messages["pipe.txt"]
