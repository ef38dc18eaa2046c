"""Distillation on real text: a teacher ensemble tags a seeded sample of a real corpus's sentences (only synthesis
paragraphs when asked), the silver data round-trips, a student trained on it follows the teacher more closely than
one trained on the gold data alone, and a recipe's [distill] table makes `ner build` do all of it."""

import json
import shutil

import numpy as np
import pytest
import torch

from matnlp.cli import main
from matnlp.corpus import Corpus
from matnlp.errors import ConfigError
from matnlp.extractors.paragraphs import synthesis_paragraphs
from matnlp.ner import load
from matnlp.ner.data import read_conll
from matnlp.ner.distill import DistillSettings, Silver, label, sample_sentences
from matnlp.ner.evaluate import score
from matnlp.ner.train_lstm import LSTMSettings, train_lstm

from test_ner_model import one_thread  # noqa: F401 (autouse fixture)
from test_ner_recipes import _recipe, tiny_data  # noqa: F401 (tiny_data: fixture)


@pytest.fixture(scope="module")
def corpus(data, tmp_path_factory):
    """Two SOFC-Exp papers and four MSPT synthesis procedures, ingested."""
    texts = sorted((data / "sofc_exp_texts" / "texts").glob("*.txt"))[:2]
    texts += sorted((data / "mspt" / "data").glob("*.txt"))[:4]
    out = tmp_path_factory.mktemp("corpus") / "corpus"
    assert main(["-q", "ingest", *map(str, texts), "-o", str(out), "--workers", "1"]) == 0
    return out


TEACHER = """ensemble = true

[data]
train = ["{train}"]
dev = "{dev}"

[lstm]
epochs = 8
hidden = 32
char_dim = 8
char_filters = 16
lr = 3e-3
patience = 0
progress = false

[[members]]
kind = "lstm"
seed = 1

[[members]]
kind = "lstm"
seed = 2
"""


@pytest.fixture(scope="module")
def teacher(data, tmp_path_factory):
    """An ensemble of two BiLSTM-CRFs built from its recipe on 500 real Matscholar sentences: it finds entities."""
    root = tmp_path_factory.mktemp("teacher")
    examples = read_conll(data / "matscholar_ner" / "train.txt")
    for name, part in (("train", examples[:500]), ("dev", examples[500:560])):
        (root / f"{name}.txt").write_text("\n\n".join("\n".join(f"{w} {t}" for w, t in zip(e.words, e.tags))
                                                      for e in part) + "\n")
    recipe = root / "teacher.toml"
    recipe.write_text(TEACHER.format(train=root / "train.txt", dev=root / "dev.txt"))
    out = root / "ner-teacher"
    assert main(["-q", "ner", "build", str(recipe), "-o", str(out), "--device", "cpu"]) == 0
    return out


def test_sample_is_seeded_uniform_and_as_the_teacher_reads(teacher, corpus):
    tagger = load(teacher, device="cpu")
    docs = list(Corpus(corpus))
    every = [u.words for d in docs for u in tagger.units(0, d.text, d.sentences) if 3 <= len(u.words) <= 120]
    assert len(every) > 100 and any("<nUm>" in w for w in every)  # mat2vec processing, as the teacher reads
    one = sample_sentences(tagger, Corpus(corpus), DistillSettings(str(teacher), str(corpus), 40, seed=1))
    assert len(one) == 40 and all(w in every for w in one)
    assert one == sample_sentences(tagger, Corpus(corpus), DistillSettings(str(teacher), str(corpus), 40, seed=1))
    assert one != sample_sentences(tagger, Corpus(corpus), DistillSettings(str(teacher), str(corpus), 40, seed=2))
    everything = sample_sentences(tagger, Corpus(corpus), DistillSettings(str(teacher), str(corpus), 10**6))
    assert sorted(map(tuple, everything)) == sorted(map(tuple, every))


def test_synthesis_sample_reads_only_synthesis_paragraphs(teacher, corpus):
    tagger = load(teacher, device="cpu")
    docs = list(Corpus(corpus))
    inside, outside = set(), set()
    for d in docs:
        spans = [(p.start, p.end) for p in synthesis_paragraphs(d)]
        for s in d.sentences:
            for unit in tagger.units(0, d.text, [s]):
                (inside if any(a <= s.start < b for a, b in spans) else outside).add(tuple(unit.words))
    got = {tuple(w) for w in sample_sentences(tagger, Corpus(corpus),
                                              DistillSettings(str(teacher), str(corpus), 10**6, synthesis=True))}
    assert got and got <= inside and outside - inside  # the papers' other sentences are left out


def test_silver_round_trips_the_teachers_reading(teacher, corpus, tmp_path):
    silver = label(DistillSettings(str(teacher), str(corpus), 60), device="cpu")
    tagger = load(teacher, device="cpu")
    assert silver.labels == tuple(tagger.labels) and set(silver.crf) == {"transitions", "start", "end"}
    assert [tags for tags, _ in tagger.tag_words([e.words for e in silver.examples])] == [
        e.tags for e in silver.examples]
    back = Silver.load(silver.save(tmp_path / "silver.npz"))
    assert [(e.words, e.tags) for e in back.examples] == [(e.words, e.tags) for e in silver.examples]
    for a, b in zip(back.emissions, silver.emissions):
        assert a.shape == b.shape and np.allclose(a, b, atol=2e-2 * max(1.0, np.abs(b).max()))
    assert all(np.array_equal(a, b) for a, b in zip(back.masks, silver.masks))
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    with pytest.raises(ConfigError, match="bad.npz: not a silver data file"):
        Silver.load(tmp_path / "bad.npz")


def _agreement(model_dir, silver: Silver) -> float:
    """Entity micro-F1 of the model's tags against the teacher's on the silver sentences."""
    tagged = load(model_dir, device="cpu").tag_words([e.words for e in silver.examples])
    return score([e.tags for e in silver.examples], [tags for tags, _ in tagged])["micro"]["f1"]


def test_student_follows_the_teacher_closer_than_gold_alone(teacher, corpus, tiny_data, tmp_path):  # noqa: F811
    """The same BiLSTM-CRF, seed and epochs: with the teacher's emissions on corpus sentences it finds the teacher's
    entities in held-out corpus sentences far better than when it only sees the 80 gold sentences."""
    files, _ = tiny_data
    sample = label(DistillSettings(str(teacher), str(corpus), 10**6), device="cpu")
    train = Silver(sample.examples[::2], sample.emissions[::2], sample.masks[::2], sample.labels, sample.crf)
    held = Silver(sample.examples[1::2], sample.emissions[1::2], sample.masks[1::2], sample.labels, sample.crf)
    settings = LSTMSettings(epochs=8, hidden=32, char_dim=8, char_filters=16, lr=3e-3, seed=1, patience=0,
                            processing="mat2vec", progress=False, device="cpu")
    gold, dev = read_conll(files["train"]), read_conll(files["dev"])
    train_lstm(gold, dev, tmp_path / "gold", settings)
    train_lstm(gold, dev, tmp_path / "student", settings, silver=train)
    assert sum(t != "O" for e in held.examples for t in e.tags) > 0.1 * sum(len(e.tags) for e in held.examples)
    assert _agreement(tmp_path / "student", held) > _agreement(tmp_path / "gold", held) + 0.1
    bad = Silver(train.examples, train.emissions, train.masks, tuple(t for t in train.labels if t != "B-MAT"),
                 train.crf)
    with pytest.raises(ConfigError, match=r"teacher has no labels \['B-MAT'\]"):
        train_lstm(gold, dev, tmp_path / "bad", settings, silver=bad)


def test_build_distills_a_recipe_student(teacher, corpus, tiny_data, tmp_path, monkeypatch, capsys,  # noqa: F811
                                         caplog):
    files, base = tiny_data
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    monkeypatch.chdir(tmp_path)
    shutil.copytree(teacher, tmp_path / "models" / "ner-tiny-teacher")
    shutil.copytree(corpus, tmp_path / "corpus")
    recipe = _recipe(tmp_path / "student.toml", files, base, ensemble=False)
    recipe.write_text(recipe.read_text() + '\n[distill]\nteacher = "models/ner-tiny-teacher"\ncorpus = "corpus"\n'
                      'sentences = 50\n')
    assert main(["-q", "ner", "build", str(recipe), "-o", "models/ner-tiny", "--device", "cpu"]) == 0
    assert set(json.loads(capsys.readouterr().out)) == {"dev", "test"}
    assert not (tmp_path / "models" / "ner-tiny-runs").exists()
    assert json.loads((tmp_path / "models" / "ner-tiny" / "training_args.json").read_text())["distill_weight"] == 0.5
    assert set(load(tmp_path / "models" / "ner-tiny", device="cpu").labels) <= set(load(teacher, device="cpu").labels)
    recipe.write_text(recipe.read_text().replace("ner-tiny-teacher", "ner-none"))
    assert main(["-q", "ner", "build", str(recipe), "-o", "models/ner-tiny", "--device", "cpu"]) == 2
    assert "teacher 'models/ner-none' is not a directory" in caplog.text
    assert (tmp_path / "models" / "ner-tiny" / "training_args.json").is_file()  # the model built before stays


def test_label_cli_writes_silver_for_train_lstm(teacher, corpus, tiny_data, tmp_path):  # noqa: F811
    files, _ = tiny_data
    silver = tmp_path / "silver.npz"
    assert main(["-q", "ner", "label", str(teacher), str(corpus), "-o", str(silver), "--sentences", "30",
                 "--device", "cpu"]) == 0
    assert len(Silver.load(silver).examples) == 30
    threads = torch.get_num_threads()
    assert main(["-q", "ner", "train-lstm", "--train", str(files["train"]), "--dev", str(files["dev"]),
                 "--silver", str(silver), "-o", str(tmp_path / "student"), "--epochs", "1", "--hidden", "16",
                 "--char-dim", "8", "--char-filters", "8", "--no-progress", "--device", "cpu"]) == 0
    assert torch.get_num_threads() == threads
    assert (tmp_path / "student" / "metrics.json").is_file()
