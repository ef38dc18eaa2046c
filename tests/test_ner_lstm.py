"""The word-level BiLSTM-CRF on real Matscholar sentences: Word2vec rows in place, learns, round-trips, ensembles
with a BERT member word by word, and trains on train+dev without a dev split."""

import json
import logging

import numpy as np
import pytest
import torch

from matnlp.cli import main
from matnlp.errors import ModelError
from matnlp.ner import load
from matnlp.ner.crf import CRF
from matnlp.ner.data import read_conll
from matnlp.ner.evaluate import evaluate, score
from matnlp.ner.lstm import PAD, UNK, WordLSTM
from matnlp.ner.modeldir import MEMBERS, META_FILE, VOCAB_FILE
from matnlp.ner.train import TrainSettings, save_model
from matnlp.ner.train_lstm import LSTMSettings, build_vocab, train_lstm
from matnlp.text.processing import process_word

from test_ner_model import RAW, one_thread, tiny_model  # noqa: F401 (one_thread: autouse fixture)


@pytest.fixture(scope="module")
def matscholar(data):
    examples = read_conll(data / "matscholar_ner" / "train.txt")
    return examples[:400], examples[400:460], read_conll(data / "matscholar_ner" / "test.txt")[:150]


@pytest.fixture(scope="module")
def w2v(tmp_path_factory, data):
    """Skip-gram vectors trained in the test on 3,000 real Matscholar training sentences."""
    from matnlp.embeddings import TrainConfig
    from matnlp.embeddings import train as train_embeddings

    root = tmp_path_factory.mktemp("w2v")
    sents = read_conll(data / "matscholar_ner" / "train.txt")[:3000]
    (root / "sentences.txt").write_text("\n".join(" ".join(e.words) for e in sents) + "\n")
    config = TrainConfig(vector_size=32, epochs=3, min_count=2, workers=1, phrases=False, deterministic=True)
    train_embeddings(root / "sentences.txt", root / "model", config)
    return root / "model"


@pytest.fixture(scope="module")
def lstm(tmp_path_factory, matscholar, w2v):
    logging.getLogger("matnlp").setLevel(logging.WARNING)
    train_ex, dev_ex, _ = matscholar
    settings = LSTMSettings(embeddings=str(w2v), epochs=15, lr=3e-3, hidden=48, char_dim=16, char_filters=16, patience=0,
                            processing="mat2vec", progress=False, device="cpu", seed=1)
    out = tmp_path_factory.mktemp("lstm")
    return out, train_lstm(train_ex, dev_ex, out, settings)


def test_process_word_gives_embedding_keys():
    assert [process_word(w) for w in ("SiO2", "10mL", "1,000", "The", "XRD", "iron", "annealed")] == [
        "O2Si", "<nUm>", "<nUm>", "the", "XRD", "iron", "annealed"]


def test_vocab_places_the_word2vec_rows(matscholar, w2v):
    from matnlp.embeddings import load as load_embeddings

    wv = load_embeddings(w2v).wv
    vocab, init = build_vocab(matscholar[0], wv)
    assert vocab.words[:2] == [PAD, UNK] and not init[0].any()
    for word in ("<nUm>", "the", "films"):
        assert np.array_equal(init[vocab.word_index[word]], wv[word])
    unseen = vocab.words[2 + len(wv):]
    assert unseen and all(k not in wv.key_to_index for k in unseen)
    assert vocab.word_ids(["ZnO", "Annealing", "qqqzzz"])[2] == 1


def test_lstm_learns_and_beats_all_o(lstm, matscholar):
    out, metrics = lstm
    test = matscholar[2]
    report = evaluate(load(out, device="cpu"), test)
    assert score([e.tags for e in test], [["O"] * len(e.tags) for e in test])["micro"]["f1"] == 0.0
    assert report["micro"]["f1"] > 0.3, report["micro"]
    history = metrics["dev_history"]
    assert len(history) == 15 and history[-1]["loss"] < history[0]["loss"] / 2
    assert metrics["dev"]["micro"]["f1"] == pytest.approx(max(h["eval_f1"] for h in history))
    meta = json.loads((out / META_FILE).read_text())
    assert meta["kind"] == "matnlp-bilstm-crf" and meta["processing"] == "mat2vec" and meta["crf"]


def test_lstm_round_trip_and_offsets(lstm, matscholar):
    out, _ = lstm
    tagger = load(out, device="cpu")
    reloaded = WordLSTM.load(out, tagger.labels)
    words = [e.words for e in matscholar[2][:40]]
    for a, b in zip(tagger.models[0].emissions(words), reloaded.emissions(words)):
        assert np.allclose(a, b, atol=1e-6)
    for text in RAW:
        for ent in tagger(text):
            assert text[ent.start : ent.end] == ent.text
    assert tagger("") == [] and any(e.label == "MAT" for e in tagger(RAW[0] + " " + RAW[1]))


def test_lstm_in_an_ensemble_with_a_bert(lstm, matscholar, tmp_path):
    """A word-level member and a word-piece member: emissions averaged per word, CRFs averaged, offsets exact."""
    from matnlp.ner.ensemble import build

    out, _ = lstm
    labels = json.loads((out / META_FILE).read_text())["labels"]
    tok, bert = tiny_model(labels)
    bert.crf = CRF(labels)
    torch.nn.init.normal_(bert.crf.transitions)
    save_model(tmp_path / "bert", bert, tok, labels, TrainSettings(processing="mat2vec", max_length=64, crf=True))
    ens_dir = build([out, tmp_path / "bert"], tmp_path / "ens")
    assert json.loads((ens_dir / META_FILE).read_text())["max_length"] == 64
    ens = load(ens_dir, device="cpu", precision="fp32")
    singles = [load(d, device="cpu", precision="fp32") for d in (out, tmp_path / "bert")]
    assert len(ens.encoders) == 2
    words = [e.words for e in matscholar[2][:30]]
    (a, _), (b, mask_b), (both, mask) = (zip(*t.word_logits(words)) for t in (*singles, ens))
    for x, y, z, my, m in zip(a, b, both, mask_b, mask):
        assert m.all()
        assert np.allclose(z[my], (x[my] + y[my]) / 2, atol=1e-5) and np.allclose(z[~my], x[~my], atol=1e-5)
    assert np.allclose(ens.decode.trans, (singles[0].decode.trans + singles[1].decode.trans) / 2, atol=1e-5)
    assert all(RAW[1][e.start : e.end] == e.text for e in ens(RAW[1]))


def test_incomplete_lstm_dir(lstm, tmp_path):
    import shutil

    out, _ = lstm
    broken = tmp_path / "broken"
    shutil.copytree(out, broken)
    (broken / VOCAB_FILE).unlink()
    with pytest.raises(ModelError, match=f"missing {VOCAB_FILE}"):
        load(broken, device="cpu")
    shutil.copytree(out, tmp_path / "ens" / MEMBERS / "member-0")
    assert not (tmp_path / "ens" / META_FILE).exists()
    with pytest.raises(ModelError, match="missing"):
        load(tmp_path / "ens", device="cpu")


def test_cli_train_lstm_on_train_plus_dev(data, tmp_path, capsys):
    """Two --train sources are joined; without --dev every epoch runs, the last is kept and only test is scored."""
    mats = data / "matscholar_ner"
    train_file, dev_file = tmp_path / "a.conll", tmp_path / "b.conll"
    for path, part in ((train_file, slice(0, 120)), (dev_file, slice(120, 160))):
        examples = read_conll(mats / "train.txt")[part]
        path.write_text("\n\n".join("\n".join(f"{w} {t}" for w, t in zip(e.words, e.tags)) for e in examples) + "\n")
    out = tmp_path / "m"
    assert main(["ner", "train-lstm", "--train", str(train_file), str(dev_file), "--test", str(mats / "dev.txt"),
                 "-o", str(out), "--epochs", "2", "--hidden", "16", "--device", "cpu", "--limit", "150"]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert set(metrics) == {"train_seconds", "test"}
    assert json.loads(capsys.readouterr().out).keys() == {"test"}
    assert json.loads((out / "training_args.json").read_text())["epochs"] == 2
