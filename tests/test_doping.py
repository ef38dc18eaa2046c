"""Host–dopant relations: tokens, the paper's metric, the shipped model on NERRE doping test, records."""

import itertools

import numpy as np
import pytest

from matnlp.chem import Material
from matnlp.datasets.nerre import doping_sentences, token_labels
from matnlp.eval.doping import gold_pairs, model_pairs, nearest_material_pairs, score
from matnlp.extractors.doping import _Chain, attach_dopings, extract_dopings, kind, mentions, tokens
from matnlp.extractors.materials import extract_materials


@pytest.fixture(scope="module")
def test_split():
    return doping_sentences("test")


@pytest.fixture(scope="module")
def train_split():
    return doping_sentences("train")


def _sentence(sentences, fragment):
    return next(s for s in sentences if fragment in s.text)


def test_tokens_split_doping_notation(test_split):
    s = _sentence(test_split, "(YVO4:Eu3+)")
    words = [s.text[a:b] for a, b in tokens(s.text)]
    assert words[words.index("YVO4") - 1 : words.index("YVO4") + 4] == ["(", "YVO4", ":", "Eu3+", ")"]
    s = _sentence(test_split, "In-, Al- and Ga-doped ZnO")
    words = [s.text[a:b] for a, b in tokens(s.text)]
    assert words[words.index("Ga") : words.index("Ga") + 4] == ["Ga", "-", "doped", "ZnO"]


def _words(text):
    return [text[a:b] for a, b in tokens(text)]


def test_tokens_split_appositives_and_element_lists_not_systems(train_split):
    words = _words(_sentence(train_split, "Lanthanum (La) doped Ceria (CeO2)").text)
    assert words[:8] == ["Lanthanum", "(", "La", ")", "doped", "Ceria", "(", "CeO2"]
    words = _words(_sentence(train_split, "N–B–F-tri-doped").text)
    i = words.index("N")
    assert words[i : i + 6] == ["N", "–", "B", "–", "F", "-"] and "TiO2" in words
    assert "Cu-In-Se" in _words(_sentence(train_split, "Cu-In-Se thin films").text)
    words = _words(_sentence(train_split, "Ca-, Sr-, and Ba-doped LaErO3").text)
    i = words.index("Ca")
    assert words[i : i + 4] == ["Ca", "-", ",", "Sr"]  # a hyphen before a comma is split off the element


def test_tokens_keep_doping_prefixes_and_bracketed_commas(train_split):
    """``co-doped`` and ``single-doped`` are one cue token, so a dopant never takes in ``co`` (``N co``) or ``single``
    (``Tb3+ single``); a comma inside a formula's brackets stays in the formula."""
    words = _words(_sentence(train_split, "Nb and N co-doped SnO2 nanotubes").text)
    assert words[words.index("N") : words.index("N") + 3] == ["N", "co-doped", "SnO2"]
    words = _words(_sentence(train_split, "Eu3+ or Tb3+ single-doped BiOI").text)
    assert words[words.index("Tb3+") + 1] == "single-doped"
    assert "(Ba,Sr)TiO3thin" in _words(_sentence(train_split, "Nd-doped (Ba,Sr)TiO3thin films").text)
    assert "Cu(Cr,M)O2" in _words(_sentence(train_split, "M-substituted, p-type inorganic Cu(Cr,M)O2").text)


def test_mentions_leave_out_separators(train_split):
    """Gold ``Mg B2O4 (B=Al, Ga)`` labels the brackets and comma too; a mention is never a lone separator."""
    s = _sentence(train_split, "Mn-doped Mg B2O4 (B=Al, Ga) phosphors")
    spans = tokens(s.text)
    found = [s.text[m.start : m.end] for m in mentions(s.text, spans, token_labels(s, spans))]
    assert "Mg B2O4" in found and "Mn" in found
    assert not {"(", ")", ","} & set(found)


def _path_score(chain, emissions, labels):
    ys = [chain.classes.index(y) for y in labels]
    return (chain.start[ys[0]] + chain.end[ys[-1]] + sum(emissions[i, y] for i, y in enumerate(ys))
            + sum(chain.transitions[a, b] for a, b in itertools.pairwise(ys)))


def test_decoding_finds_the_best_sequence_with_its_pair_bonus():
    """Viterbi over (label, labels seen) states equals brute force, with the bonus only on sequences that hold both
    a host and a dopant."""
    rng = np.random.default_rng(7)
    chain = _Chain({"classes": ["O", "HOST", "DOPANT"], "weights": {}, "transitions": rng.normal(size=(3, 3)).tolist(),
                    "start": rng.normal(size=3).tolist(), "end": rng.normal(size=3).tolist()})
    changed = 0
    for _ in range(30):
        emissions = rng.normal(size=(5, 3)) + [2.0, 0, 0]
        for bonus in (0.0, 3.0):
            def total(labels):
                return _path_score(chain, emissions, labels) + bonus * ({"HOST", "DOPANT"} <= set(labels))
            best = max(itertools.product(chain.classes, repeat=5), key=total)
            assert chain.decode(emissions, bonus) == list(best)
        changed += chain.decode(emissions, 3.0) != chain.decode(emissions)
    assert changed  # the bonus turns some host-only or dopant-only sequences into pairs


def test_mentions_join_across_a_labelled_slash(train_split):
    text = _sentence(train_split, "Fe/MgO catalyst doped with").text
    spans = tokens(text)
    words = [text[a:b] for a, b in spans]
    host = range(words.index("Fe"), words.index("catalyst") + 1)
    labels = ["HOST" if i in host else "DOPANT" if w == "B" else "O" for i, w in enumerate(words)]
    assert [(text[m.start : m.end], m.label) for m in mentions(text, spans, labels)] == [
        ("Fe/MgO catalyst", "HOST"), ("B", "DOPANT")]
    labels[words.index("MgO")] = "O"  # a slash joins only two tokens with its label
    assert [text[m.start : m.end] for m in mentions(text, spans, labels)] == ["Fe", "catalyst", "B"]


def test_kinds_read_formulas_without_digits_and_prefixed_ions(train_split):
    words = _words(_sentence(train_split, "BiOI:0.07Eu3+").text)
    assert kind("BiOI") == "formula" and words[words.index("BiOI") + 2] == "0.07Eu3+" and kind("0.07Eu3+") == "element"
    words = _words(_sentence(train_split, "upconverter β-NaYF4").text)
    assert "β-NaYF4" in words and kind("β-NaYF4") == "formula"
    assert kind("YAG") == "acronym" and kind("ZnS-phosphor") == "formula-word"


def test_metric_has_the_papers_support_and_scores_gold_perfectly(test_split):
    result = score(test_split, [gold_pairs(s) for s in test_split])
    assert result["gold_triplets"] == 114  # "links_words: 114" in the paper's scoring output
    assert result["link triplets"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    nothing = score(test_split, [[] for _ in test_split])
    assert nothing["link triplets"]["f1"] == 0.0


def test_model_beats_the_nearest_material_baseline_on_test(test_split):
    relevant = [s for s in test_split if s.relevant]
    model = score(relevant, [model_pairs(s) for s in relevant])["link triplets"]
    baseline = score(relevant, [nearest_material_pairs(s) for s in relevant])["link triplets"]
    assert model["f1"] >= 0.68 and model["f1"] > baseline["f1"] + 0.25


def test_model_links_a_dopant_after_its_host_and_no_prefix(train_split):
    """``silicon lightly doped with copper`` gets its pair (the pair bonus keeps a dopant from being tagged without
    its host), and ``N co-doped`` gives the dopant ``N``, not ``N co``."""
    s = _sentence(train_split, "A new photoluminescence band in silicon lightly doped with copper.")
    assert {(d.dopant, d.host) for d in extract_dopings(s.text)} == {("copper", "silicon")}
    s = _sentence(train_split, "Nb and N co-doped SnO2 nanotubes")
    assert ("N", "SnO2") in {(d.dopant, d.host) for d in extract_dopings(s.text)}


def test_dopings_slice_the_text_and_name_their_pair(test_split):
    s = _sentence(test_split, "europium doped yttrium vanadate (YVO4:Eu3+)")
    found = extract_dopings(s.text)
    assert ("Eu3+", "YVO4") in {(d.dopant, d.host) for d in found}
    for d in found:
        assert s.text[d.dopant_start : d.dopant_end] == d.dopant and s.text[d.host_start : d.host_end] == d.host
        assert 0 <= d.score <= 1


def test_sentences_without_a_doping_cue_give_nothing(test_split):
    quiet = [s for s in test_split if "dop" not in s.text.lower() and ":" not in s.text and "substitut" not in s.text
             and "incorporat" not in s.text and "activat" not in s.text][:20]
    assert quiet and all(extract_dopings(s.text) == [] for s in quiet)


def test_materials_carry_their_dopings(test_split):
    s = _sentence(test_split, "europium doped yttrium vanadate (YVO4:Eu3+)")
    materials = extract_materials(s.text)
    attach_dopings(materials, extract_dopings(s.text))
    host: Material = next(m for m in materials if m.formula == "YVO4")
    entry = next(d for d in host.to_dict()["dopings"] if d["text"] == "Eu3+")
    assert entry["element"] == "Eu" and s.text[entry["start"] : entry["end"]] == "Eu3+"
    assert s.text[entry["host_start"] : entry["host_end"]] == "YVO4"


def test_training_labels_gold_strings_at_token_edges(train_split):
    """A gold dopant ``La`` labels the token ``La``, not the host formula ``La2Ce2O7`` that starts with it (the
    strings are not spans; a substring match put dopant labels inside hosts)."""
    s = _sentence(train_split, "La doped CeO2 system (La2Ce2O7)")
    spans = tokens(s.text)
    labels = dict(zip((s.text[a:b] for a, b in spans), token_labels(s, spans)))
    assert labels["La"] == "DOPANT" and labels["CeO2"] == "HOST" and labels["La2Ce2O7"] == "O"
