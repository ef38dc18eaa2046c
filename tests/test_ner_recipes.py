"""NER recipes: the shipped ones say what `make ner` trained before they existed, wrong ones fail before any training,
and `matnlp ner build` on real-data slices trains each member as `ner train` / `ner train-lstm` would."""

import json
from pathlib import Path

import pytest
import torch

from matnlp.cli import main
from matnlp.config import data_dir
from matnlp.errors import ConfigError
from matnlp.ner import load
from matnlp.ner.data import read_conll
from matnlp.ner.modeldir import MEMBERS, META_FILE
from matnlp.ner.recipe import available, load_recipe

# What `make ner` ran before the recipes, for PROFILE=quick and PROFILE=full: every BERT run with --crf --lr 2e-4
# --head-lr-mult 20 --warmup 0.06 --seed 1, then its profile's options, then its own --lr and --seed (the last wins).
BERT_COMMON = {"crf": True, "head_lr_mult": 20.0, "warmup": 0.06}
EXPECTED = {
    "matscholar-quick": ("matscholar_ner/train.txt", 1, [
        ("minilm-s1", dict(BERT_COMMON, base="minilm", lr=2e-4, seed=1, epochs=2.0, patience=0)),
        ("lstm-s1", dict(embeddings="models/w2v", lr=1e-3, seed=1, epochs=10, patience=0)),
    ]),
    "mspt-quick": ("mspt/splits/ner-train-fnames.txt", 20, [
        ("minilm-s1", dict(BERT_COMMON, base="minilm", lr=2e-4, seed=1, epochs=4.0, patience=0)),
        ("lstm-s1", dict(embeddings="models/w2v", lr=1e-3, seed=1, epochs=10, patience=0)),
    ]),
    "matscholar-full": ("matscholar_ner/train.txt", 1, [
        ("mpnet-s42", dict(BERT_COMMON, base="mpnet", lr=1e-4, seed=42, epochs=12.0, patience=4)),
        *[(f"lstm-s{s}", dict(embeddings="models/w2v", lr=1e-3, seed=s, epochs=40, patience=8)) for s in (1, 2)],
    ]),
    "mspt-full": ("mspt/splits/ner-train-fnames.txt", 20, [
        *[(f"mpnet-s{s}", dict(BERT_COMMON, base="mpnet", lr=1e-4, seed=s, epochs=12.0, patience=0, warmup=0.1))
          for s in (1, 2, 3)],
        *[(f"lstm-s{s}", dict(embeddings="models/w2v", lr=1e-3, seed=s, epochs=40, patience=8)) for s in (1, 2, 3)],
    ]),
}


def test_shipped_recipes_are_the_make_profiles():
    assert available() == sorted([*EXPECTED, *STUDENTS, "mulms-quick"])
    for name, (train, min_count, members) in EXPECTED.items():
        recipe = load_recipe(name)
        assert recipe.ensemble and recipe.data.train == (str(data_dir() / train),)
        assert recipe.data.dev.endswith(("dev.txt", "ner-dev-fnames.txt")) and recipe.data.processing == "auto"
        assert [m.name for m in recipe.members] == [n for n, _ in members]
        for member, (_, settings) in zip(recipe.members, members):
            got = vars(member.settings)
            assert {k: got[k] for k in settings} == settings, (name, member.name)
            assert got["min_count"] == min_count and got["device"] == "auto" and got["processing"] == "none"
            assert all(type(got[k]) is type(v) for k, v in settings.items())  # epochs 2.0, not 2: training_args.json
            if member.kind == "bert":
                assert (got["batch_size"], got["max_length"], got["precision"]) == (32, 128, "auto")
            else:
                assert (got["hidden"], got["batch_size"]) == (256, 16)


# The shipped models of `make ner`: one BiLSTM-CRF distilled from the profile's ensemble, built by the Makefile into
# models/ner-NAME-teacher; the MSPT student learns from synthesis paragraphs, where the pipeline runs it.
STUDENTS = {"matscholar-student": ("matscholar-quick", 6, False), "mspt-student": ("mspt-quick", 8, True)}


def test_student_recipes_distill_the_profile_ensembles():
    makefile = (Path(__file__).parents[1] / "Makefile").read_text()
    for name, (teacher, epochs, synthesis) in STUDENTS.items():
        recipe, ensemble = load_recipe(name), load_recipe(teacher)
        assert not recipe.ensemble and [m.name for m in recipe.members] == ["lstm-s1"]
        assert recipe.data == ensemble.data
        got = vars(recipe.members[0].settings)
        assert (got["epochs"], got["distill_weight"], got["embeddings"]) == (epochs, 0.5, "models/w2v")
        assert got["min_count"] == ensemble.members[0].settings.min_count
        distill = recipe.distill
        assert (distill.teacher, distill.corpus) == (f"models/ner-{name.split('-')[0]}-teacher", "corpus")
        assert (distill.sentences, distill.synthesis) == (20000, synthesis)
        assert "-o models/ner-$*-teacher" in makefile and "ner build $*-student -o models/ner-$*" in makefile
    assert all(load_recipe(name).distill is None for name in EXPECTED)


def test_mulms_recipe_names_mulms_splits_not_paths():
    recipe = load_recipe("mulms-quick")
    assert (recipe.data.train, recipe.data.dev, recipe.data.test) == (("mulms:train",), "mulms:dev", "mulms:test")
    assert not recipe.ensemble and [m.name for m in recipe.members] == ["minilm-s1"]
    got = vars(recipe.members[0].settings)
    assert {k: got[k] for k in ("crf", "epochs", "lr", "types")} == {"crf": True, "epochs": 4.0, "lr": 2e-4,
                                                                       "types": None}


def test_overrides_keep_the_member_names():
    recipe = load_recipe("mspt-full", base="models/minilm-dapt", embeddings="w2v-other", device="cpu")
    assert [m.name for m in recipe.members][:3] == ["mpnet-s1", "mpnet-s2", "mpnet-s3"]
    assert {m.settings.base for m in recipe.members if m.kind == "bert"} == {"models/minilm-dapt"}
    assert {m.settings.embeddings for m in recipe.members if m.kind == "lstm"} == {"w2v-other"}
    assert {m.settings.device for m in recipe.members} == {"cpu"}


BAD = {
    "unknown setting": ('[[members]]\nkind = "bert"\nlearning_rate = 1e-4\n', "unknown keys.*learning_rate"),
    "wrong type": ('[[members]]\nkind = "lstm"\nepochs = 2.5\n', "epochs must be int"),
    "bad choice": ('[bert]\nprecision = "int8"\n[[members]]\nkind = "bert"\n', "precision must be one of"),
    "processing per member": ('[[members]]\nkind = "lstm"\nprocessing = "none"\n', "unknown keys.*processing"),
    "kind": ('[[members]]\nkind = "crf"\n', "kind must be one of"),
    "same dir twice": ('[[members]]\nkind = "lstm"\n[[members]]\nkind = "lstm"\n', "one dir"),
    "one member ensemble": ('[[members]]\nkind = "lstm"\n', "ensemble needs two"),
    "top-level key": ('epochs = 3\n[[members]]\nkind = "lstm"\n', "unknown keys.*epochs"),
    "distill without a teacher": ('[distill]\ncorpus = "corpus"\n', r"\[distill\]: teacher must be given"),
    "distill sentences": ('[distill]\nteacher = "t"\ncorpus = "c"\nsentences = "all"\n', "sentences must be int"),
    "distill no sentences": ('[distill]\nteacher = "t"\ncorpus = "c"\nsentences = 0\n', "must be positive"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_recipes_fail_before_training(case, tmp_path):
    body, message = BAD[case]
    path = tmp_path / "bad.toml"
    path.write_text(f'ensemble = true\n[data]\ntrain = "x.txt"\n{body}')
    with pytest.raises(ConfigError, match=message):
        load_recipe(path)


def test_unknown_recipe_name_lists_the_shipped_ones():
    with pytest.raises(ConfigError, match="no recipe 'matscholar'.*matscholar-quick"):
        load_recipe("matscholar")


def _conll(path: Path, examples) -> Path:
    path.write_text("\n\n".join("\n".join(f"{w} {t}" for w, t in zip(e.words, e.tags)) for e in examples) + "\n")
    return path


@pytest.fixture(scope="module")
def tiny_data(data, tmp_path_factory):
    """Real Matscholar slices (80 training, 20 dev, 20 test sentences) and a tiny 1-layer BERT base."""
    from transformers import AutoModel, AutoTokenizer, BertConfig

    from matnlp.ner.bases import resolve_base

    root = tmp_path_factory.mktemp("recipe")
    examples = read_conll(data / "matscholar_ner" / "train.txt")
    files = {split: _conll(root / f"{split}.txt", part)
             for split, part in (("train", examples[:80]), ("dev", examples[80:100]), ("test", examples[100:120]))}
    tokenizer = AutoTokenizer.from_pretrained(resolve_base(None), local_files_only=True)
    torch.manual_seed(0)
    base = root / "tiny-base"
    AutoModel.from_config(BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                                     num_attention_heads=2, intermediate_size=64,
                                     max_position_embeddings=128)).save_pretrained(base)
    tokenizer.save_pretrained(base)
    return files, base


BERT_ARGS = ["--crf", "--epochs", "1", "--batch-size", "8", "--max-length", "64", "--lr", "3e-3", "--seed", "1",
             "--patience", "0", "--no-progress"]
LSTM_ARGS = ["--epochs", "2", "--hidden", "16", "--char-dim", "8", "--char-filters", "8", "--lr", "3e-3",
             "--seed", "1", "--no-progress"]


def _recipe(path: Path, files: dict, base: Path, ensemble: bool = True) -> Path:
    bert = f'''
[[members]]
kind = "bert"
base = "{base}"
crf = true
epochs = 1
batch_size = 8
max_length = 64
lr = 3e-3
seed = 1
patience = 0
progress = false
'''
    path.write_text(f'''ensemble = {str(ensemble).lower()}

[data]
train = ["{files["train"]}"]
dev = "{files["dev"]}"
test = "{files["test"]}"

[lstm]
epochs = 2
hidden = 16
char_dim = 8
char_filters = 8
lr = 3e-3
progress = false

[[members]]
kind = "lstm"
seed = 1
{bert if ensemble else ""}''')
    return path


def _data_args(files: dict) -> list[str]:
    return ["--train", str(files["train"]), "--dev", str(files["dev"]), "--test", str(files["test"])]


def test_build_trains_each_member_as_the_cli_would(tiny_data, tmp_path, monkeypatch, capsys):
    """Each member gets the settings, metadata and (a BiLSTM-CRF, which is seeded throughout) the weights of
    `matnlp ner train` / `train-lstm` with the same options; the ensemble replaces OUT only at the end. (A BERT
    member's new head starts from the random state of its process, so its weights differ from run to run, under
    make as before.)"""
    files, base = tiny_data
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    out = tmp_path / "models" / "ner-tiny"
    out.mkdir(parents=True)
    (out / "stale.txt").write_text("replaced")
    assert main(["-q", "ner", "build", str(_recipe(tmp_path / "tiny.toml", files, base)), "-o", str(out),
                 "--device", "cpu"]) == 0
    assert set(json.loads(capsys.readouterr().out)) == {"dev", "test"}
    assert not (out / "stale.txt").exists() and not (tmp_path / "models" / "ner-tiny-runs").exists()
    meta = json.loads((out / META_FILE).read_text())
    runs = f"{out}-runs"
    assert meta["members"] == ["member-0", "member-1"]
    assert meta["member_sources"] == [f"{runs}/lstm-s1", f"{runs}/tiny-base-s1"]  # sorted, as make globbed them
    metrics = json.loads((out / "metrics.json").read_text())
    assert len(metrics["members_dev_micro_f1"]) == 2 and {"dev", "test"} <= set(metrics)
    assert load(out, device="cpu").labels == meta["labels"]

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as in the members' processes (OMP_NUM_THREADS=1)
    try:
        assert main(["-q", "ner", "train", *_data_args(files), "-o", str(tmp_path / "bert"), "--base", str(base),
                     "--device", "cpu", *BERT_ARGS]) == 0
        assert main(["-q", "ner", "train-lstm", *_data_args(files), "-o", str(tmp_path / "lstm"), "--device", "cpu",
                     *LSTM_ARGS]) == 0
    finally:
        torch.set_num_threads(threads)
    for member, cli, names in (("member-1", "bert", ("training_args.json", META_FILE, "config.json", "tokenizer.json")),
                               ("member-0", "lstm", ("training_args.json", META_FILE, "vocab.json", "model.safetensors",
                                                     "crf.safetensors"))):
        for name in names:
            assert (out / MEMBERS / member / name).read_bytes() == (tmp_path / cli / name).read_bytes(), name


def test_build_of_one_member_moves_it(tiny_data, tmp_path, monkeypatch, capsys):
    files, base = tiny_data
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    recipe = _recipe(tmp_path / "one.toml", files, base, ensemble=False)
    assert main(["-q", "ner", "build", str(recipe), "-o", str(tmp_path / "one"), "--device", "cpu"]) == 0
    capsys.readouterr()
    assert not (tmp_path / "one-runs").exists() and not (tmp_path / "one" / MEMBERS).exists()
    assert json.loads((tmp_path / "one" / "training_args.json").read_text())["seed"] == 1
    assert set(json.loads((tmp_path / "one" / "metrics.json").read_text())) >= {"dev", "test", "dev_history"}
