"""Domain-adaptive masked-LM pretraining: a tiny BERT adapts to real materials text and fine-tunes from the result."""

import json

import pytest
import torch

from matnlp.cli import main
from matnlp.errors import ConfigError, ModelError
from matnlp.ner.bases import resolve_base
from matnlp.ner.data import read_conll
from matnlp.ner.pretrain import PRETRAIN_FILE, PretrainSettings, corpus_lines, pack, pretrain
from matnlp.ner.train import load_base


def test_pack_keeps_order_and_budget():
    lines = [[1, 2, 3], [4, 5], list(range(10, 19)), [], [7]]
    chunks = pack(lines, 5)
    assert all(0 < len(c) <= 5 for c in chunks)
    assert [p for c in chunks for p in c] == [p for line in lines for p in line]
    assert chunks[0] == [1, 2, 3, 4, 5]


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory):
    """A 2-layer BERT encoder *without* a masked-LM head, like the offline MiniLM package."""
    from transformers import AutoTokenizer, BertConfig, BertModel

    tokenizer = AutoTokenizer.from_pretrained(resolve_base(None), local_files_only=True)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=64, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=128, max_position_embeddings=128)
    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("tiny-base")
    BertModel(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def test_pretrain_lowers_heldout_loss_and_feeds_fine_tuning(tiny_base, data, tmp_path):
    text = tmp_path / "matscholar.txt"
    sentences = read_conll(data / "matscholar_ner" / "train.txt")[:600]
    text.write_text("\n".join(" ".join(e.words) for e in sentences) + "\n", encoding="utf-8")
    out = tmp_path / "adapted"
    settings = PretrainSettings(base=str(tiny_base), max_steps=60, lr=2e-3, batch_size=16, max_length=64,
                                eval_chunks=40, device="cpu", precision="fp32", progress=False)
    report = pretrain(text, out, settings)
    assert report["lines"] == 600 and report["steps"] == 60
    assert report["heldout_mlm_loss_after"] < report["heldout_mlm_loss_before"] - 1.0, report
    assert json.loads((out / PRETRAIN_FILE).read_text())["settings"]["base"] == str(tiny_base)
    _, ner_model = load_base(str(out), ["O", "B-MAT", "I-MAT"])
    from safetensors.torch import load_file

    saved = load_file(str(out / "model.safetensors"))
    key = next(k for k in saved if k.endswith("embeddings.word_embeddings.weight"))
    assert torch.equal(ner_model.bert.embeddings.word_embeddings.weight, saved[key])
    original = load_file(str(tiny_base / "model.safetensors"))
    okey = next(k for k in original if k.endswith("embeddings.word_embeddings.weight"))
    assert not torch.equal(original[okey], saved[key])


def test_corpus_text_and_bad_input(data, tmp_path, tiny_base):
    from matnlp.corpus import ingest

    names = sorted((data / "mspt" / "data").glob("*.txt"))[:4]
    ingest(names, tmp_path / "corpus", progress=False)
    processed = list(corpus_lines(tmp_path / "corpus", "processed"))
    raw = list(corpus_lines(tmp_path / "corpus", "raw"))
    assert len(processed) == len(raw) > 10
    assert any("<nUm>" in line for line in processed) and not any("<nUm>" in line for line in raw)
    with pytest.raises(ConfigError, match="text must be"):
        list(corpus_lines(tmp_path / "corpus", "lemmas"))
    with pytest.raises(ConfigError, match="not a matnlp corpus"):
        list(corpus_lines(tmp_path, "processed"))
    one = tmp_path / "one.txt"
    one.write_text("LiFePO4\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="too little text"):
        pretrain(one, tmp_path / "x", PretrainSettings(base=str(tiny_base), device="cpu", progress=False))
    with pytest.raises(ModelError, match="no config.json"):
        pretrain(one, tmp_path / "x", PretrainSettings(base=str(tmp_path), device="cpu", progress=False))
    assert main(["ner", "pretrain", str(one), "-o", str(tmp_path / "y"), "--base", str(tmp_path)]) == 2
