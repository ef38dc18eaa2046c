"""A tiny BERT trained on real Matscholar sentences: learns, round-trips, tags raw text with exact offsets."""

import json
import os
import shutil
from pathlib import Path
import logging

import numpy as np
import pytest
import torch

from matnlp.cli import main
from matnlp.errors import ConfigError, ModelError
from matnlp.ner import load
from matnlp.ner.bases import resolve_base
from matnlp.ner.crf import CRF
from matnlp.ner.data import read_conll
from matnlp.ner.evaluate import evaluate, score
from matnlp.ner.labels import spans
from matnlp.ner.modeldir import META_FILE
from matnlp.ner.predict import Tagger
from matnlp.ner.train import TrainSettings, train
from matnlp.ner.training import prepare_labels
from matnlp.runtime import resolve_precision

RAW = [
    "LiFePO4 was annealed at 700 °C for 5 h under Ar.",
    "The electron paramagnetic resonance spectra of NiZn ferrite/SiO2 nanocomposites show a large magnetic moment.",
    "",
    "   ",
    "Thin films of ZnO were grown by pulsed laser deposition for use in solar cells. " * 3,
]


def tiny_model(labels, crf=False):
    from transformers import AutoModelForTokenClassification, AutoTokenizer, BertConfig

    tokenizer = AutoTokenizer.from_pretrained(resolve_base(None), local_files_only=True)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=64, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=128, max_position_embeddings=128, num_labels=len(labels),
        id2label=dict(enumerate(labels)), label2id={lab: i for i, lab in enumerate(labels)},
    )
    return tokenizer, AutoModelForTokenClassification.from_config(config)


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Tiny matrices: one thread is faster, and robust on a shared 2-core machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def matscholar(data):
    examples = read_conll(data / "matscholar_ner" / "train.txt")
    return examples[:200], examples[200:260], read_conll(data / "matscholar_ner" / "test.txt")[:120]


def _train(tmp_path_factory, matscholar, crf, epochs, processing="mat2vec"):
    train_ex, dev_ex, _ = matscholar
    settings = TrainSettings(
        epochs=epochs, lr=3e-3, batch_size=8, crf=crf, processing=processing, progress=False, patience=0,
        device="cpu", max_length=64, head_lr_mult=10.0 if crf else 1.0,
    )
    tokenizer, model = tiny_model(prepare_labels(train_ex, settings), crf)
    out = tmp_path_factory.mktemp("crf" if crf else "softmax")
    metrics = train(train_ex, dev_ex, out, settings, model=model, tokenizer=tokenizer)
    return out, model, tokenizer, metrics


@pytest.fixture(scope="module")
def trained(tmp_path_factory, matscholar):
    logging.getLogger("matnlp").setLevel(logging.WARNING)
    return _train(tmp_path_factory, matscholar, crf=False, epochs=12)


def test_beats_all_o_baseline(trained, matscholar):
    out, _, _, metrics = trained
    _, _, test = matscholar
    report = evaluate(load(out, device="cpu"), test)
    baseline = score([e.tags for e in test], [["O"] * len(e.tags) for e in test])
    assert baseline["micro"]["f1"] == 0.0
    assert report["micro"]["f1"] > 0.25, report["micro"]
    assert set(json.loads((out / "metrics.json").read_text())) >= {"dev", "train_seconds", "dev_history"}
    meta = json.loads((out / META_FILE).read_text())
    assert meta["processing"] == "mat2vec" and meta["labels"][0] == "O"


def test_save_load_round_trip(trained, matscholar):
    out, model, tokenizer, _ = trained
    meta = json.loads((out / META_FILE).read_text())
    words = [e.words for e in matscholar[2][:40]]
    before = Tagger(model, tokenizer, meta).tag_words(words)
    after = load(out, device="cpu").tag_words(words)
    assert [t for t, _ in before] == [t for t, _ in after]
    assert all(np.allclose(p, q, atol=1e-5) for (_, p), (_, q) in zip(before, after))


def test_padding_widths_to_a_step_changes_no_output(trained, matscholar, monkeypatch):
    """Batches are padded to a multiple of ``WIDTH_STEP`` word pieces (few input shapes, a small kernel cache):
    the padded positions are masked, so tags and scores equal those of exact-width batches."""
    import matnlp.ner.predict as predict

    tagger = load(trained[0], device="cpu", precision="fp32")
    words = [e.words for e in matscholar[2][:60]]
    padded = tagger.tag_words(words, batch_size=7)
    monkeypatch.setattr(predict, "WIDTH_STEP", 1)
    exact = tagger.tag_words(words, batch_size=7)
    assert [t for t, _ in padded] == [t for t, _ in exact]
    assert all(np.allclose(p, q, atol=1e-4) for (_, p), (_, q) in zip(padded, exact))


def test_raw_text_offsets_slice_original(trained):
    tagger = load(trained[0], device="cpu")
    results = tagger.pipe(RAW, batch_size=2)
    assert results[2] == [] and results[3] == []
    assert any(results)
    for text, entities in zip(RAW, results):
        for e in entities:
            assert text[e.start : e.end] == e.text and e.text.strip() == e.text and 0 < e.score <= 1
    assert tagger(RAW[0]) == results[0]


@pytest.mark.parametrize("precision", ["int8", "bf16"])
def test_long_text_and_reduced_precision(trained, precision):
    tagger = load(trained[0], device="cpu", precision=precision)
    text = " ".join(["The LiCoO2 cathode was calcined at 900 °C and"] * 120) + " " + "x" * 3000 + " ."
    entities = tagger(text)
    assert all(text[e.start : e.end] == e.text for e in entities)
    assert max(e.end for e in entities) > len(text) // 2  # windows reach the end


def test_int8_spares_the_narrowing_layers(trained):
    """Feed-forward down-projections and the classifier stay in float; the rest is quantized."""
    from matnlp.ner.predict import int8_layers

    model = trained[1]
    chosen = int8_layers(model)
    assert {"bert.encoder.layer.0.attention.self.query", "bert.encoder.layer.1.intermediate.dense"} <= chosen
    assert not chosen & {"bert.encoder.layer.0.output.dense", "classifier"}
    quantized = load(trained[0], device="cpu", precision="int8").models[0]
    dynamic = {n for n, m in quantized.named_modules() if isinstance(m, torch.ao.nn.quantized.dynamic.Linear)}
    assert dynamic == chosen


def test_bad_inputs(trained, tmp_path):
    out = trained[0]
    tagger = load(out, device="cpu")
    with pytest.raises(ConfigError, match="must be str"):
        tagger.pipe(["ok", 42])
    with pytest.raises(ModelError, match="not found"):
        load(tmp_path / "nope")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text((out / "config.json").read_text())
    with pytest.raises(ModelError, match=r"missing .*matnlp_ner.json.*model.safetensors"):
        load(broken)
    bad = tmp_path / "bad.conll"
    bad.write_text("LiCoO2 B-ZZZ\n", encoding="utf-8")
    from matnlp.ner.data import read_conll as rc

    with pytest.raises(ConfigError, match="B-ZZZ"):
        evaluate(tagger, rc(bad))


def _gold_entities(examples, model_dir: Path) -> int:
    """Gold entity spans of the types the model at ``model_dir`` knows: what its dev scoring must have counted."""
    types = {label[2:] for label in json.loads((model_dir / META_FILE).read_text())["labels"] if label != "O"}
    return sum(kind in types for e in examples for _, _, kind in spans(e.tags))


def test_cli_eval_and_predict(trained, data, tmp_path, capsys):
    out = str(trained[0])
    sample = tmp_path / "sample.txt"
    lines = (data / "matscholar_ner" / "test.txt").read_text(encoding="utf-8").split("\n\n\n")[:20]
    sample.write_text("\n\n\n".join(lines), encoding="utf-8")
    report = tmp_path / "r.json"
    assert main(["ner", "eval", out, "--data", str(sample), "--json", str(report), "--device", "cpu"]) == 0
    assert {"micro", "macro", "labels", "confusion"} <= set(json.loads(report.read_text()))
    capsys.readouterr()
    assert main(["ner", "predict", out, RAW[0], "--device", "cpu"]) == 0
    record = json.loads(capsys.readouterr().out.splitlines()[0])
    expected = [(e.start, e.end, e.label) for e in load(out, device="cpu")(RAW[0])]
    assert record["text"] == RAW[0]
    assert [(e["start"], e["end"], e["label"]) for e in record["entities"]] == expected
    assert all(RAW[0][e["start"]:e["end"]] == e["text"] for e in record["entities"])
    assert main(["ner", "eval", str(tmp_path), "--data", str(sample)]) == 2


def test_crf_head_trains_and_round_trips(tmp_path_factory, matscholar):
    out, model, tokenizer, metrics = _train(tmp_path_factory, matscholar, crf=True, epochs=2, processing="none")
    assert (out / "crf.safetensors").is_file()
    meta = json.loads((out / META_FILE).read_text())
    words = [e.words for e in matscholar[2][:20]]
    before = Tagger(model, tokenizer, meta, crf=model.crf).tag_words(words)
    after = load(out, device="cpu").tag_words(words)
    assert [t for t, _ in before] == [t for t, _ in after]


def test_document_context_model(tmp_path, matscholar):
    """A model trained with document context records it, uses the neighbours at predict time, and keeps offsets."""
    train_ex, dev_ex, test = matscholar
    settings = TrainSettings(epochs=2, lr=3e-3, batch_size=8, progress=False, patience=0, device="cpu",
                             max_length=96, context=16, processing="none")
    tokenizer, model = tiny_model(prepare_labels(train_ex, settings))
    metrics = train(train_ex[:80], dev_ex[:20], tmp_path, settings, model=model, tokenizer=tokenizer)
    assert metrics["dev"]["micro"]["support"] == _gold_entities(dev_ex[:20], tmp_path)
    tagger = load(tmp_path, device="cpu", precision="fp32")
    assert tagger.context == 16 and json.loads((tmp_path / META_FILE).read_text())["context"] == 16
    words = [e.words for e in test[:12]]
    alone = tagger.tag_words(words)
    together = tagger.tag_words(words, docs=[0] * len(words))
    assert not all(np.allclose(p, q) for (_, p), (_, q) in zip(alone, together))
    assert [t for t, _ in alone[:1]] == [t for t, _ in tagger.tag_words(words[:1])]
    text = " ".join(RAW[:2])
    for ent in tagger(text):
        assert text[ent.start : ent.end] == ent.text


def test_train_without_dev_keeps_the_last_epoch(tmp_path, matscholar):
    """A final model on train+dev: no dev split, every epoch runs, the last weights are saved, test scored once."""
    train_ex, dev_ex, test = matscholar
    settings = TrainSettings(epochs=2, lr=3e-3, batch_size=8, progress=False, patience=3, device="cpu",
                             max_length=64, processing="mat2vec")
    tokenizer, model = tiny_model(prepare_labels(train_ex + dev_ex, settings))
    metrics = train(train_ex[:60] + dev_ex[:20], [], tmp_path, settings, model=model, tokenizer=tokenizer,
                    test_examples=test[:30])
    assert set(metrics) == {"train_seconds", "test"} and not (tmp_path / "checkpoints").exists()
    meta = json.loads((tmp_path / META_FILE).read_text())
    words = [e.words for e in test[:30]]
    in_memory = Tagger(model, tokenizer, meta, precision=resolve_precision("auto", "cpu")).tag_words(words)
    assert [t for t, _ in load(tmp_path, device="cpu").tag_words(words)] == [t for t, _ in in_memory]
    with pytest.raises(ConfigError, match="training data"):
        train([], dev_ex, tmp_path / "none", settings, model=model, tokenizer=tokenizer)


def test_precision_choice(trained, matscholar, monkeypatch):
    assert resolve_precision("fp32", "cpu") == "fp32" and resolve_precision("int8", "cpu") == "int8"
    for amx in (True, False):
        monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda amx=amx: amx)
        assert resolve_precision("auto", "cpu") == ("bf16" if amx else "fp32")
    with pytest.raises(ConfigError, match="CPU only"):
        resolve_precision("int8", "cuda")
    with pytest.raises(ConfigError, match="precision must be one of"):
        resolve_precision("fp16", "cpu")
    with pytest.raises(ConfigError, match="inference precision"):
        train(matscholar[0][:5], matscholar[1][:5], trained[0], TrainSettings(precision="int8"))


def test_torchrun_trains_data_parallel_with_a_crf(data, tmp_path):
    """The README's multi-GPU command, on 2 CPU processes (gloo): DDP must cope with the CRF used only in the loss."""
    import subprocess
    import sys

    tokenizer, model = tiny_model(["O", "B-MAT", "I-MAT"])
    base = tmp_path / "tiny-base"
    model.save_pretrained(base)
    tokenizer.save_pretrained(base)
    train_file = data / "matscholar_ner" / "train.txt"
    torchrun = Path(sys.executable).with_name("torchrun")
    cmd = [str(torchrun), "--nproc_per_node", "2", "-m", "matnlp", "-q", "ner", "train", "--train", str(train_file),
           "--dev", str(data / "matscholar_ner" / "dev.txt"), "-o", str(tmp_path / "ddp"), "--base", str(base),
           "--crf", "--limit", "64", "--epochs", "1", "--batch-size", "8", "--device", "cpu", "--max-length", "64"]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert run.returncode == 0, run.stderr[-3000:]
    metrics = json.loads((tmp_path / "ddp" / "metrics.json").read_text())
    dev = read_conll(data / "matscholar_ner" / "dev.txt")
    # the whole dev file was scored (seqeval's strict IOB2 may read a stray I- tag apart from our span reader)
    assert metrics["dev"]["micro"]["support"] == pytest.approx(_gold_entities(dev, tmp_path / "ddp"), rel=1e-3)
    assert (tmp_path / "ddp" / "crf.safetensors").is_file()


def test_ensemble(trained, matscholar, tmp_path):
    from matnlp.ner.ensemble import build

    train_ex, dev_ex, test = matscholar
    twin = build([trained[0], trained[0]], tmp_path / "twin")  # identical members: exactly the single model
    single, doubled = load(trained[0], device="cpu", precision="fp32"), load(twin, device="cpu", precision="fp32")
    words = [e.words for e in test[:40]]
    assert [t for t, _ in single.tag_words(words)] == [t for t, _ in doubled.tag_words(words)]
    settings = TrainSettings(epochs=12, lr=3e-3, batch_size=8, seed=5, progress=False, patience=0, device="cpu",
                             max_length=64, processing="mat2vec")
    tokenizer, model = tiny_model(prepare_labels(train_ex, settings))
    other = tmp_path / "other"
    train(train_ex, dev_ex, other, settings, model=model, tokenizer=tokenizer)
    assert main(["ner", "ensemble", str(trained[0]), str(other), "-o", str(tmp_path / "ens"), "--dev",
                 str(_conll(tmp_path, dev_ex)), "--device", "cpu"]) == 0
    metrics = json.loads((tmp_path / "ens" / "metrics.json").read_text())
    assert len(metrics["members_dev_micro_f1"]) == 2 and metrics["dev"]["micro"]["f1"] > 0.25
    ens = load(tmp_path / "ens", device="cpu")
    assert len(ens.models) == 2 and ens.meta["member_sources"] == [str(trained[0]), str(other)]
    with pytest.raises(ConfigError, match="itself an ensemble"):
        build([twin, other], tmp_path / "nested")
    with pytest.raises(ConfigError, match="at least two"):
        build([other], tmp_path / "one")
    relabelled = tmp_path / "relabelled"
    shutil.copytree(other, relabelled)
    meta = json.loads((relabelled / META_FILE).read_text())
    (relabelled / META_FILE).write_text(json.dumps(dict(meta, labels=meta["labels"][::-1])))
    with pytest.raises(ModelError, match="labels differ"):
        build([other, relabelled], tmp_path / "bad")
    shutil.rmtree(tmp_path / "ens" / "members" / "member-1")
    with pytest.raises(ModelError, match="not found"):
        load(tmp_path / "ens")


def test_ensemble_of_different_bases(mpnet_base, matscholar, tmp_path):
    """Members with different tokenizers (MiniLM's BERT vocabulary, MPNet's) are averaged word by word."""
    from transformers import AutoTokenizer, MPNetConfig, MPNetForTokenClassification

    from matnlp.ner.ensemble import build
    from matnlp.ner.train import save_model

    labels = ["O", "B-MAT", "I-MAT", "B-PRO", "I-PRO"]
    settings = TrainSettings(processing="mat2vec", max_length=64, crf=True)
    bert_tok, bert = tiny_model(labels)
    mpnet_tok = AutoTokenizer.from_pretrained(mpnet_base, local_files_only=True)
    torch.manual_seed(3)
    mpnet = MPNetForTokenClassification(MPNetConfig(
        vocab_size=mpnet_tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=32, num_labels=len(labels), id2label=dict(enumerate(labels)),
        label2id={lab: i for i, lab in enumerate(labels)},
    ))
    for model in (bert, mpnet):
        model.crf = CRF(labels)
        torch.nn.init.normal_(model.crf.transitions)
    save_model(tmp_path / "bert", bert, bert_tok, labels, settings)
    save_model(tmp_path / "mpnet", mpnet, mpnet_tok, labels, settings)
    ens = load(build([tmp_path / "bert", tmp_path / "mpnet"], tmp_path / "ens"), device="cpu", precision="fp32")
    assert len(ens.encoders) == 2 and [len(e.models) for e in ens.encoders] == [1, 1]
    singles = [load(tmp_path / name, device="cpu", precision="fp32") for name in ("bert", "mpnet")]
    words = [e.words for e in matscholar[2][:30]]
    word = "annealed"
    assert bert_tok(word)["input_ids"] != mpnet_tok(word)["input_ids"], "two vocabularies: other piece ids"
    (a, mask_a), (b, mask_b), (both, mask) = (
        zip(*t.word_logits(words)) for t in (*singles, ens)
    )
    for x, y, z, mx, my, m in zip(a, b, both, mask_a, mask_b, mask):
        assert (m == (mx | my)).all()
        assert np.allclose(z[mx & my], (x[mx & my] + y[mx & my]) / 2, atol=1e-5)
    crf_mean = (singles[0].decode.trans + singles[1].decode.trans) / 2
    assert np.allclose(ens.decode.trans, crf_mean, atol=1e-5)
    offsets = [(ent.start, ent.end, ent.text) for ent in ens(RAW[1])]
    assert all(RAW[1][s:e] == text for s, e, text in offsets)


def _conll(tmp_path, examples) -> Path:
    """``examples`` written as a CoNLL file."""
    path = tmp_path / "dev.conll"
    path.write_text("\n\n".join("\n".join(f"{w} {t}" for w, t in zip(e.words, e.tags)) for e in examples) + "\n")
    return path
