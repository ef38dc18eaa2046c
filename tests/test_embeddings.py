"""Embeddings on a real slice: MatScholar's mat2vec-processed sentences, trained in deterministic mode."""

from pathlib import Path

import numpy as np
import pytest

from matnlp.cli import main
from matnlp.errors import ConfigError, ModelError
from matnlp.embeddings import (
    Embeddings,
    OOVError,
    PhraseModel,
    TrainConfig,
    evaluate_analogies,
    evaluate_thermoelectric,
    load,
    train,
)
from matnlp.embeddings.phrases import is_barrier
from matnlp.embeddings.train import read_sentences

SMALL = dict(vector_size=50, window=5, negative=5, sample=1e-3, alpha=0.025, min_count=3, deterministic=True, seed=7)
PAIRS = [("silicon", "Si"), ("titanium", "Ti"), ("oxygen", "O"), ("copper", "Cu"), ("iron", "Fe"), ("zinc", "Zn"),
         ("gold", "Au"), ("nickel", "Ni"), ("aluminum", "Al"), ("carbon", "C"), ("nitrogen", "N"), ("silver", "Ag"),
         ("cobalt", "Co")]
QUERIES = ("silicon", "cathode", "band_gap", "annealing")
UNRELATED = ["method", "film", "temperature", "paper", "results", "increase"]


def _matscholar_sentences(path: Path) -> list[str]:
    """Sentences of a CoNLL file (``token LABEL``; the label is the last field)."""
    sentences, current = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.rsplit(None, 1)
        if not line.strip():
            if current:
                sentences.append(" ".join(current))
            current = []
        elif len(fields) == 2 and fields[0].strip():
            current.append(fields[0].replace(" ", ""))
    return sentences + ([" ".join(current)] if current else [])


@pytest.fixture(scope="session")
def sentences_file(data, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "sentences.txt"
    path.write_text("\n".join(_matscholar_sentences(data / "matscholar_ner" / "train.txt")) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def model_dir(sentences_file, tmp_path_factory) -> Path:
    repeated = sentences_file.with_name("repeated.txt")
    repeated.write_text(sentences_file.read_text(encoding="utf-8") * 3, encoding="utf-8")
    out = tmp_path_factory.mktemp("w2v")
    train(repeated, out, TrainConfig(epochs=10, **SMALL))
    return out


@pytest.fixture(scope="session")
def emb(model_dir) -> Embeddings:
    return Embeddings.load(model_dir)


def test_phrases_form_bigrams_but_never_across_barriers(sentences_file, tmp_path):
    phrases = PhraseModel.learn(lambda: read_sentences(sentences_file))
    grams = phrases.phrasegrams()
    assert {"band_gap", "thin_film", "room_temperature", "thermal_conductivity"} <= grams.keys()
    assert any(g.count("_") >= 2 for g in phrases.passes[1]), "the second pass builds longer phrases"
    assert not [g for g in grams if any(is_barrier(part) for part in g.split("_"))]
    assert phrases.apply("the band gap of O2Ti".split()) == ["the", "band_gap", "of", "O2Ti"]
    assert phrases.apply("band , gap <nUm> band".split()) == ["band", ",", "gap", "<nUm>", "band"]
    phrases.save(tmp_path / "phrases.json")
    assert PhraseModel.load(tmp_path / "phrases.json").passes == phrases.passes


def _symbol_gaps(emb) -> list[float]:
    """Per element: similarity to its symbol minus the median similarity to unrelated words."""
    return [
        emb.wv.similarity(name, symbol) - np.median([emb.wv.similarity(name, w) for w in UNRELATED])
        for name, symbol in PAIRS
    ]


def test_element_name_is_closer_to_its_symbol_than_to_unrelated_words(emb):
    gaps = _symbol_gaps(emb)
    assert sum(g > 0 for g in gaps) >= 0.75 * len(PAIRS), gaps
    assert np.mean(gaps) > 0.1, gaps


def test_batched_engine_learns_as_well_as_gensim(emb, sentences_file, tmp_path):
    """The shared-negative kernel (default) against gensim's own training on the same corpus and settings."""
    assert emb.config["settings"]["engine"] == "batched"
    reference = train(sentences_file.with_name("repeated.txt"), tmp_path, TrainConfig(epochs=10, engine="gensim", **SMALL))
    ours, theirs = np.mean(_symbol_gaps(emb)), np.mean(_symbol_gaps(reference))
    assert ours > 0.8 * theirs, (ours, theirs)
    neighbours = [{w for w, _ in e.wv.most_similar(q, topn=20)} for e in (emb, reference) for q in QUERIES]
    shared = [len(a & b) for a, b in zip(neighbours[: len(QUERIES)], neighbours[len(QUERIES) :])]
    assert min(shared) >= 6, shared


def test_model_directory_records_settings_and_history(emb, model_dir):
    config = emb.config
    assert config["settings"]["sg"] == 1 and config["settings"]["workers"] == 1
    assert config["corpus"]["tokens"] > 300_000 and config["corpus"]["vocab"] == len(emb)
    assert len(config["history"]) == 10 and all(h["loss"] > 0 for h in config["history"])
    assert isinstance(emb.wv.vectors, np.memmap), "vectors are memory-mapped, not unpickled"
    assert (model_dir / "phrases.json").is_file() and "band_gap" in emb


def test_training_is_deterministic_with_a_seed(sentences_file, tmp_path, data):
    analogies = data / "mat2vec" / "analogies.txt"
    small = tmp_path / "small.txt"
    small.write_text("".join(sentences_file.read_text(encoding="utf-8").splitlines(True)[:1500]), encoding="utf-8")
    config = dict(SMALL, vector_size=20, epochs=2, phrases=False)
    a = train(small, tmp_path / "a", TrainConfig(**config))
    b = train(small, tmp_path / "b", TrainConfig(**config))
    c = train(small, tmp_path / "c", TrainConfig(**dict(config, seed=8, eval_analogies=str(analogies))))
    assert np.array_equal(a.wv.vectors, b.wv.vectors)
    assert not np.array_equal(a.wv.vectors, c.wv.vectors)
    assert [set(h) for h in c.config["history"]] == [{"epoch", "loss", "seconds", "words_per_s", "analogy_accuracy"}] * 2


def test_queries_go_through_processing_and_phrases(emb):
    assert emb.resolve("LiCoO2") == ["CoLiO2"]
    assert emb.resolve("band gap") == ["band_gap"]
    assert emb.resolve("Thermoelectric") == ["thermoelectric"]
    assert np.array_equal(emb.vector("Band gap"), emb.wv["band_gap"])
    assert emb.similar("LiCoO2", n=5) == emb.wv.most_similar("CoLiO2", topn=5)
    answers = emb.analogy("silicon", "Si", "titanium", n=10)
    assert len(answers) == 10 and not {"silicon", "Si", "titanium"} & {w for w, _ in answers}


def test_out_of_vocabulary_gives_suggestions(emb):
    with pytest.raises(OOVError) as err:
        emb.similar("bandgapp")
    assert isinstance(err.value, ModelError) and "bandgap" in err.value.suggestions["bandgapp"]
    assert "did you mean" in str(err.value)


@pytest.mark.parametrize("fmt,name", [("word2vec-txt", "v.txt"), ("word2vec-bin", "v.bin"), ("npy", "npy"),
                                      ("kv", "v.kv")])
def test_exports_round_trip_to_identical_vectors(emb, tmp_path, fmt, name):
    path = emb.export(fmt, tmp_path / name)
    back = load(path, trust_pickle=fmt == "kv")
    assert back.wv.index_to_key == emb.wv.index_to_key
    assert np.array_equal(np.asarray(back.wv.vectors), np.asarray(emb.wv.vectors))


def test_vector_table_round_trips_every_word(emb, tmp_path):
    """The table holds every word, flagged ``is_material`` (issue 18: it held only the material rows, silently)."""
    import pandas as pd

    materials = emb.materials()
    assert {"O2Ti", "CoLiO2", "Si"} <= set(materials) and "band_gap" not in materials
    for name in ("m.parquet", "m.csv"):
        path = emb.export("parquet", tmp_path / name)
        back = load(path)
        assert back.wv.index_to_key == emb.wv.index_to_key
        assert np.array_equal(back.wv["O2Ti"], emb.wv["O2Ti"]) and np.array_equal(back.counts(), emb.counts())
        table = pd.read_parquet(path) if name.endswith("parquet") else pd.read_csv(path)
        assert len(table) == len(emb) and table.loc[table["is_material"], "word"].tolist() == materials


@pytest.mark.parametrize("fmt,name", [("word2vec-bin", "vectors.word2vec-bin"), ("word2vec-bin", "vectors.txt"),
                                      ("word2vec-txt", "vectors.word2vec-txt"), ("word2vec-txt", "vectors.bin"),
                                      ("word2vec-bin", "vectors")])
def test_word2vec_exports_read_back_whatever_their_name(emb, tmp_path, fmt, name):
    back = load(emb.export(fmt, tmp_path / name))
    assert back.wv.index_to_key == emb.wv.index_to_key
    assert np.allclose(np.asarray(back.wv.vectors), np.asarray(emb.wv.vectors), atol=1e-6)


@pytest.mark.parametrize("fmt,name", [("word2vec-txt", "v.txt"), ("word2vec-bin", "v.bin"), ("npy", "npy"),
                                      ("parquet", "v.parquet")])
def test_exports_keep_the_phrase_model(emb, tmp_path, fmt, name):
    """Queries of exported vectors equal the model folder's (issue 18: the phrase model was not exported)."""
    from matnlp.embeddings.model import phrases_path

    path = emb.export(fmt, tmp_path / name)
    assert phrases_path(path).is_file()
    back = load(path)
    assert back.resolve("band gap") == emb.resolve("band gap") == ["band_gap"]
    assert back.similar("band gap", n=5)[0][0] == emb.similar("band gap", n=5)[0][0]
    phrases_path(path).unlink()
    assert load(path).resolve("band gap") != ["band_gap"]  # why it must travel with the vectors


def test_saved_files_get_the_umask_mode(emb, tmp_path):
    import os

    old = os.umask(0o022)
    try:
        emb.save(tmp_path / "saved")
    finally:
        os.umask(old)
    modes = {p.name: p.stat().st_mode & 0o777 for p in (tmp_path / "saved").iterdir()}
    assert set(modes.values()) == {0o644}, modes


def test_kv_files_are_not_unpickled_unless_trusted(emb, tmp_path):
    path = emb.export("kv", tmp_path / "v.kv")
    with pytest.raises(ModelError, match="pickle"):
        load(path)


def test_analogy_evaluation_matches_gensim(emb, data):
    path = data / "mat2vec" / "analogies.txt"
    ours = evaluate_analogies(emb.wv, path, restrict_vocab=5000)
    assert ours["overall"]["questions"] == 35104 and len(ours["sections"]) == 14
    assert 0 < ours["overall"]["covered"] < 35104
    _, sections = emb.wv.evaluate_word_analogies(str(path), restrict_vocab=5000, case_insensitive=False)
    gensim_correct = {s["section"]: len(s["correct"]) for s in sections if s["section"] != "Total accuracy"}
    ours_correct = {s["section"]: s["correct"] for s in ours["sections"]}
    assert sum(ours_correct.values()) == pytest.approx(sum(gensim_correct.values()), abs=2)


def test_thermoelectric_ranking(emb, data):
    result = evaluate_thermoelectric(emb, data / "mat2vec" / "TE_data_used_in_paper.json")
    assert result["formulas"] == 35681 and 10 < result["covered"] < 1000
    assert result["covered_with_pf"] > 2 and -1 <= result["spearman"] <= 1
    sims = [r["similarity"] for r in result["ranking"]]
    assert sims == sorted(sims, reverse=True)


def test_empty_or_tiny_corpus_is_a_config_error(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="empty"):
        train(empty, tmp_path / "m", TrainConfig(deterministic=True))
    tiny = tmp_path / "tiny.txt"
    tiny.write_text("a b c\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="min-count"):
        train(tiny, tmp_path / "m", TrainConfig(deterministic=True))
    with pytest.raises(ConfigError, match="sentences"):
        train(tmp_path / "missing", tmp_path / "m")


def test_missing_or_corrupt_model_is_a_model_error(emb, tmp_path):
    with pytest.raises(ModelError, match="not a matnlp embeddings directory"):
        Embeddings.load(tmp_path)
    bad = tmp_path / "bad"
    emb.save(bad)
    (bad / "model.kv.vectors.npy").write_bytes(b"garbage")
    with pytest.raises(ModelError, match="unreadable vectors"):
        load(bad)


def test_cli(model_dir, tmp_path, capsys, data):
    assert main(["embeddings", "similar", str(model_dir), "LiCoO2", "-n", "3"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3
    assert main(["embeddings", "similar", str(model_dir), "bandgapp"]) == 2
    assert main(["embeddings", "analogy", str(model_dir), "silicon", "Si", "titanium", "-n", "2"]) == 0
    out = tmp_path / "eval.json"
    assert main(["embeddings", "eval", str(model_dir), "--restrict-vocab", "5000", "--json", str(out)]) == 0
    assert "OVERALL" in capsys.readouterr().out and out.is_file()
    assert main(["embeddings", "export", str(model_dir), "-f", "npy", "-o", str(tmp_path / "npy")]) == 0
    assert (tmp_path / "npy" / "vectors.npy").is_file() and (tmp_path / "npy" / "vocab.tsv").is_file()


def test_batched_engine_corpus_encoding_and_chunks(tmp_path):
    from matnlp.embeddings import sgns

    corpus = tmp_path / "s.txt"
    corpus.write_text("the band_gap of CoLiO2\n\nunknown words only\nCoLiO2 the\n", encoding="utf-8")
    ids, starts = sgns.encode(corpus, {"the": 0, "band_gap": 1, "of": 2, "CoLiO2": 3})
    assert ids.tolist() == [0, 1, 2, 3, 3, 0] and starts.tolist() == [0, 4, 6]  # empty and all-OOV lines dropped
    many = np.arange(0, 100_001, 10, dtype=np.int64)  # 10,000 sentences of 10 words
    parts = sgns.chunks(many, words=1_000)
    assert parts[0][0] == 0 and parts[-1][1] == len(many) - 1
    assert all(a < b and b == c for (a, b), (c, _) in zip(parts, parts[1:]))
    assert all(many[b] - many[a] <= 1_000 for a, b in parts)
