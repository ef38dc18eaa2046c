"""A broken model directory is named before anything loads (issue 18: a truncated ``model.safetensors`` printed a
47-line traceback and exited 1): missing or empty files, a truncated or corrupt safetensors file, labels that do not
match the config, a broken ensemble member. The command line exits 2 with one line naming the file."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from matnlp.errors import ModelError
from matnlp.ner.modeldir import META_FILE, check_model_dir, check_safetensors

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    """An untrained one-layer BERT with a CRF head, saved as ``ner train`` saves."""
    import torch
    from transformers import AutoModelForTokenClassification, AutoTokenizer, BertConfig

    from matnlp.ner.bases import resolve_base
    from matnlp.ner.crf import CRF
    from matnlp.ner.train import TrainSettings, save_model

    tokenizer = AutoTokenizer.from_pretrained(resolve_base(None), local_files_only=True)
    labels = ["O", "B-MAT", "I-MAT"]
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=16, num_hidden_layers=1, num_attention_heads=1,
                        intermediate_size=16, num_labels=3, id2label=dict(enumerate(labels)),
                        label2id={lab: i for i, lab in enumerate(labels)})
    torch.manual_seed(0)
    model = AutoModelForTokenClassification.from_config(config)
    model.crf = CRF(labels)
    path = tmp_path_factory.mktemp("model") / "ner"
    old = os.umask(0o022)
    try:
        save_model(path, model, tokenizer, labels, TrainSettings())
    finally:
        os.umask(old)
    return path


def _copy(model_dir: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(model_dir, tmp_path / "copy"))


def test_a_whole_model_dir_passes_and_its_files_are_readable_by_others(model_dir):
    assert check_model_dir(model_dir) == model_dir
    modes = {p.name: p.stat().st_mode & 0o777 for p in model_dir.iterdir()}
    assert set(modes.values()) == {0o644}, modes  # safetensors writes 0o600: fixed after the save


@pytest.mark.parametrize("keep", [0, 7, 100, -1000, -4])
def test_a_truncated_weights_file_is_named(model_dir, tmp_path, keep):
    path = _copy(model_dir, tmp_path)
    weights = path / "model.safetensors"
    data = weights.read_bytes()
    weights.write_bytes(data[:keep] if keep >= 0 else data[:keep])
    with pytest.raises(ModelError, match=r"model\.safetensors: (truncated|corrupt)"):
        check_model_dir(path)


def test_corrupt_files_are_named(model_dir, tmp_path):
    path = _copy(model_dir, tmp_path)
    crf = path / "crf.safetensors"
    crf.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00not json at all!")
    with pytest.raises(ModelError, match=r"crf\.safetensors: corrupt safetensors header"):
        check_model_dir(path)
    crf.unlink()
    with pytest.raises(ModelError, match="uses a CRF but crf.safetensors is missing"):
        check_model_dir(path)
    shutil.copy(model_dir / "crf.safetensors", crf)
    (path / "config.json").write_text("")
    with pytest.raises(ModelError, match=r"config\.json: unreadable \(empty file\)"):
        check_model_dir(path)
    shutil.copy(model_dir / "config.json", path / "config.json")
    (path / "tokenizer.json").write_text("{")
    with pytest.raises(ModelError, match=r"tokenizer\.json: unreadable"):
        check_model_dir(path)


def test_labels_must_match_the_config(model_dir, tmp_path):
    path = _copy(model_dir, tmp_path)
    meta = json.loads((path / META_FILE).read_text())
    for labels, message in ((["O", "B-MAT", "I-MAT", "B-PRO", "I-PRO"], "head of 3 labels, but 5 labels"),
                            (["O", "B-MAT"], "head of 3 labels, but 2"), (["O", "B-MAT", "B-MAT"], "repeats"),
                            (["O", "MAT", "I-MAT"], "not IOB2 tags"), ([], "non-empty list")):
        (path / META_FILE).write_text(json.dumps({**meta, "labels": labels}))
        with pytest.raises(ModelError, match=message):
            check_model_dir(path)


def test_a_broken_ensemble_member_is_named(model_dir, tmp_path):
    from matnlp.ner.ensemble import build

    ensemble = build([model_dir, model_dir], tmp_path / "ensemble")
    assert check_model_dir(ensemble) == ensemble
    member = sorted((ensemble / "members").iterdir())[1]
    weights = member / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-100])
    with pytest.raises(ModelError, match=f"{member.name}/model.safetensors: truncated"):
        check_model_dir(ensemble)


def test_check_safetensors_reads_only_the_header(model_dir, tmp_path):
    check_safetensors(model_dir / "model.safetensors")
    with pytest.raises(ModelError, match="unreadable"):
        check_safetensors(tmp_path / "missing.safetensors")


@pytest.mark.parametrize("command", ["predict", "extract"])
def test_the_cli_exits_2_with_one_line_naming_the_file(model_dir, tmp_path, command):
    path = _copy(model_dir, tmp_path)
    weights = path / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    (tmp_path / "papers").mkdir()
    (tmp_path / "papers" / "p.txt").write_text("LiFePO4 was annealed at 700 °C.")
    args = (["ner", "predict", str(path), "LiFePO4 was annealed."] if command == "predict" else
            ["extract", str(tmp_path / "papers"), "-o", str(tmp_path / "out"), "--ner", str(path)])
    done = subprocess.run([sys.executable, "-m", "matnlp", *args], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert f"{weights}: truncated" in done.stderr
    assert not (tmp_path / "out").exists()
