"""MuLMS as NER data: the XMI documents of a split tagged for a tagger, read by ``mulms:SPLIT`` specs."""

import pytest

from matnlp.datasets.mulms import documents, ner_examples, splits
from matnlp.errors import ConfigError
from matnlp.ner.data import load_examples
from matnlp.ner.labels import spans


@pytest.fixture(scope="module")
def dev(data):
    return ner_examples(data / "mulms", "dev")


def test_examples_slice_the_text_and_tag_the_gold_spans(data, dev):
    docs = {d.name: d for d in documents(data / "mulms", "dev")}
    assert {e.doc for e in dev} == set(docs) == {n for n, s in splits(data / "mulms").items() if s == "dev"}
    found = {"MAT": 0, "PROPERTY": 0}
    for ex in dev:
        text = docs[ex.doc].text
        assert [text[a:b] for a, b in ex.offsets] == ex.words
        assert {t[2:] for t in ex.tags if t != "O"} <= set(found)
        gold = {(e.start, e.end, e.label) for e in docs[ex.doc].entities if e.label in found}
        for i, j, label in spans(ex.tags):
            a, b = ex.offsets[i][0], ex.offsets[j - 1][1]
            assert any(ga < b and a < gb and gl == label for ga, gb, gl in gold), (ex.doc, text[a:b])
            found[label] += 1
    assert found["MAT"] > 1500 and found["PROPERTY"] > 450  # dev has 1968 MAT (some nested) and 493 PROPERTY


def test_a_real_property_sentence(dev):
    ex = next(e for e in dev if e.doc == "electrolysis_04" and e.words[:3] == ["The", "structure", "evolution"])
    tagged = [(w, t) for w, t in zip(ex.words, ex.tags) if t != "O"]
    assert tagged == [("structure", "B-PROPERTY"), ("evolution", "I-PROPERTY"), ("hydroxide", "B-MAT"),
                      ("phosphide", "B-MAT")]
    starts = [e.offsets[0][0] for e in dev if e.doc == ex.doc]
    assert starts == sorted(starts)  # a document's sentences in order: each other's context


def test_specs_choose_split_and_labels(data, dev):
    assert [e.words for e in load_examples("mulms:dev")] == [e.words for e in dev]
    units = load_examples("mulms:dev:UNIT,VALUE")
    assert {t[2:] for e in units for t in e.tags if t != "O"} == {"UNIT", "VALUE"}
    train = {e.doc for e in load_examples("mulms:train1")}
    assert train and all(splits(data / "mulms")[d] == "train1" for d in train)
    with pytest.raises(ConfigError, match="no MuLMS split 'valid'"):
        load_examples("mulms:valid")


def test_tagged_properties_replace_the_lexicon_mentions_they_overlap(data):
    from matnlp.extractors.properties import with_lexicon
    from matnlp.types import Entity

    text = (data / "mulms" / "texts" / "electrolysis_01.txt").read_text(encoding="utf-8")[:3000]
    lexicon = with_lexicon(text, [])
    first = lexicon[0]
    wider = Entity(max(0, first.start - 2), first.end, "PROPERTY", text[max(0, first.start - 2) : first.end])
    mat = Entity(0, 4, "MAT", text[:4])
    merged = with_lexicon(text, [wider, mat])
    assert merged[:2] == [wider, mat] and first not in merged
    assert merged[2:] == [m for m in lexicon if m.start >= wider.end or m.end <= wider.start]
