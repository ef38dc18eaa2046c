"""The spaCy component ``matnlp_ner``: real sentences, offsets equal to the tagger's, nlp.pipe, entry point."""

import json
import subprocess
import sys

import pytest
import spacy

import matnlp.ner
from matnlp.spacy import CONFIDENCE, SCORE

SENTENCES = [
    "LiFePO4 was annealed at 700 °C for 5 h under Ar to obtain the olivine phase.",
    "The band gap of anatase TiO2 thin films was measured by UV-vis spectroscopy.",
    "Thermoelectric Bi2Te3 nanowires were grown by electrodeposition for cooling applications.",
]


@pytest.fixture(scope="module")
def nlp(tiny_ner_dir):
    nlp = spacy.blank("en")
    nlp.add_pipe("matnlp_ner", config={"model": str(tiny_ner_dir), "device": "cpu", "batch_size": 8})
    return nlp


@pytest.fixture(scope="module")
def tagger(tiny_ner_dir):
    return matnlp.ner.load(tiny_ner_dir, device="cpu")


def spans(doc):
    return [(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents]


def test_entities_match_the_tagger_offsets(nlp, tagger):
    docs = [nlp(text) for text in SENTENCES]
    assert any(doc.ents for doc in docs), "the trained tiny model tags something in materials sentences"
    for doc, text in zip(docs, SENTENCES):
        expected = [(e.start, e.end, e.label, e.text) for e in tagger(text)]
        assert spans(doc) == expected  # whole-word entities: spaCy token boundaries change nothing here
        assert [e._.get(CONFIDENCE) for e in doc.ents] == [e.confidence for e in tagger(text)]
        for ent in doc.ents:
            assert text[ent.start_char : ent.end_char] == ent.text
            assert 0.0 < ent._.get(SCORE) <= 1.0
    assert {e.label_ for doc in docs for e in doc.ents} <= set(nlp.get_pipe("matnlp_ner").labels)


def test_pipe_equals_one_at_a_time(nlp):
    one_by_one = [spans(nlp(text)) for text in SENTENCES]
    assert [spans(doc) for doc in nlp.pipe(SENTENCES, batch_size=2)] == one_by_one


def test_saved_pipeline_loads_with_the_component(nlp, tmp_path):
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.pipe_names == ["matnlp_ner"]
    assert spans(loaded(SENTENCES[1])) == spans(nlp(SENTENCES[1]))


def test_overlapping_spans_after_expansion_are_dropped(nlp):
    from matnlp.spacy import set_entities
    from matnlp.types import Entity

    doc = spacy.blank("en")("Pure LiCoO2 powder")
    set_entities(doc, [Entity(5, 7, "MAT", "Li"), Entity(7, 11, "MAT", "CoO2"), Entity(12, 18, "DSC", "powder")])
    assert spans(doc) == [(5, 11, "MAT", "LiCoO2"), (12, 18, "DSC", "powder")]


def test_spans_carry_the_raw_score_and_the_calibrated_confidence(nlp):
    from matnlp.spacy import set_entities
    from matnlp.types import Entity

    doc = spacy.blank("en")("Pure LiCoO2 powder")
    set_entities(doc, [Entity(5, 11, "MAT", "LiCoO2", 0.42, 0.81), Entity(12, 18, "DSC", "powder", 0.9, None)])
    assert [(e._.get(SCORE), e._.get(CONFIDENCE)) for e in doc.ents] == [(0.42, 0.81), (0.9, None)]


def test_factory_found_through_the_entry_point(tiny_ner_dir):
    """A fresh interpreter that never imports matnlp.spacy: spaCy loads it from the installed entry point."""
    code = (
        "import json, sys, spacy\n"
        "nlp = spacy.blank('en')\n"
        "assert 'matnlp.spacy' in sys.modules\n"  # imported by spacy.blank via the spacy_factories entry point
        f"nlp.add_pipe('matnlp_ner', config={{'model': {str(tiny_ner_dir)!r}, 'device': 'cpu'}})\n"
        f"doc = nlp({SENTENCES[0]!r})\n"
        "print(json.dumps([[e.start_char, e.end_char, e.label_] for e in doc.ents]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip(), out.stderr
    local = spacy.blank("en")
    local.add_pipe("matnlp_ner", config={"model": str(tiny_ner_dir), "device": "cpu"})
    assert json.loads(out.stdout) == [[e.start_char, e.end_char, e.label_] for e in local(SENTENCES[0]).ents]


def test_saved_pipeline_is_portable(tiny_ner_dir, tmp_path, monkeypatch):
    """The saved pipeline holds the model (issue 18: it held only the path, so spacy.load failed elsewhere)."""
    import shutil

    model = tmp_path / "models" / "ner"
    shutil.copytree(tiny_ner_dir, model)
    monkeypatch.chdir(tmp_path)
    original = spacy.blank("en")
    original.add_pipe("matnlp_ner", config={"model": "models/ner", "device": "cpu"})  # a relative path
    expected = [spans(original(text)) for text in SENTENCES]
    original.to_disk(tmp_path / "saved")
    shutil.rmtree(model)  # the model is gone from where the config points
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    shutil.move(tmp_path / "saved", elsewhere / "moved")
    loaded = spacy.load("moved")
    assert [spans(loaded(text)) for text in SENTENCES] == expected
    assert (elsewhere / "moved" / "matnlp_ner" / "model" / "matnlp_ner.json").is_file()
    loaded.to_disk(elsewhere / "again")  # saving a loaded pipeline copies its model along again
    assert [spans(doc) for doc in spacy.load(elsewhere / "again").pipe(SENTENCES)] == expected


def test_a_missing_model_is_named(tmp_path):
    from matnlp.errors import ModelError

    nlp = spacy.blank("en")
    nlp.add_pipe("matnlp_ner", config={"model": str(tmp_path / "nope")})
    with pytest.raises(ModelError, match="nope: model directory not found"):
        nlp("LiFePO4")
