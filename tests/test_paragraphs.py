"""Synthesis-paragraph classifier: API, shipped model, hand labels and behaviour on real paragraphs."""

import json
import subprocess
import sys

import pytest

from matnlp.datasets.paragraphs import (
    hand_labelled_papers, hand_labels, procedure_type, section_states, sofc_examples,
)
from matnlp.eval.paragraphs import binary_scores, heuristic_predictions, labelled_papers, model_predictions
from matnlp.extractors.paragraphs import (
    LABELS, MODEL_PATH, ParagraphClass, classify_paragraphs, default_model, paragraph_spans, synthesis_paragraphs,
)
from matnlp.ingest import read_file
from matnlp.types import Document, Source


def plain(text: str) -> Document:
    return Document("t", text, Source("t.txt", "text"))


def test_one_sentence_procedure_is_synthesis():
    found = synthesis_paragraphs(plain("LiFePO4 was annealed at 700 °C for 5 h."))
    assert len(found) == 1 and found[0].is_synthesis and (found[0].start, found[0].end) == (0, 39)
    assert 0.0 < found[0].confidence <= 1.0


def test_lines_are_the_units_without_paragraphs():
    text = ("Solid oxide fuel cells convert chemical energy into electricity [1].\n"
            "The powders were ball-milled in ethanol for 24 h, pressed into pellets and sintered at 1400 °C for 5 h.")
    classes = classify_paragraphs(text, paragraph_spans(plain(text)))
    assert [c.label for c in classes][0] == "none" and classes[1].is_synthesis
    assert text[classes[1].start:classes[1].end].startswith("The powders")
    assert ParagraphClass(**classes[1].to_dict()) == classes[1]


def test_long_block_is_cut_into_sentence_runs(data):
    doc = read_file(data / "mulms" / "texts" / "oastm_03.txt")[0]
    assert len(doc.paragraphs) == 1  # the MuLMS texts have no line breaks
    spans = paragraph_spans(doc)
    assert len(spans) > 30 and all(b - a <= 1500 for a, b in spans)
    assert all(a < b <= c for (a, b), (c, _) in zip(spans, spans[1:]))


def test_sections_from_headings_run_into_the_lines(data):
    doc = read_file(data / "sofc_exp_texts" / "texts" / "PMC6427619.txt")[0]
    texts = [doc.text[a:b] for a, b in paragraph_spans(doc)]
    states = section_states(texts)
    first = {state: next(t for t, s in zip(texts, states) if s == state) for state in set(states) - {None}}
    assert first["introduction"].startswith("Introduction Fuel cells have many merits")
    assert first["experimental"].startswith("Materials and Methods BaCe0.9Yb0.1O3−α was prepared")
    assert first["results"].startswith("Results and Discussion TGA-DSC plots")
    assert section_states(["The results were compared with the methods of ref. 3."]) == [None]


def test_shipped_model_matches_its_files_and_needs_no_sklearn():
    meta = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    model = default_model()
    assert tuple(meta["labels"]) == LABELS == model.labels
    assert model.coef.shape == (len(LABELS), len(meta["vocabulary"])) == (len(LABELS), len(model.idf))
    code = ("import sys; from matnlp.extractors.paragraphs import classify_paragraphs as c; "
            "c('The gel was dried at 120 °C.', [(0, 28)]); print('sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_hand_labels_are_split_by_paper_and_match_the_text():
    dev, test = hand_labels("dev"), hand_labels("test")
    assert len(dev) + len(test) >= 300
    assert not {h.source for h in dev} & {h.source for h in test}
    assert {h.label for h in dev + test} <= set(LABELS)
    assert sum(h.label != "none" for h in dev) >= 30 and sum(h.label != "none" for h in test) >= 30
    assert labelled_papers("dev") and labelled_papers("test")  # raise when a span no longer slices its text


def test_hand_labelled_papers_stay_out_of_training():
    held = hand_labelled_papers()
    assert {"PMC6073263", "oastm_01"} <= held
    assert not {e.paper for e in sofc_examples(held)} & held


@pytest.mark.parametrize(("text", "label"), [
    ("The mixture was sealed in a Teflon-lined autoclave and kept at 180 °C for 24 h.", "hydrothermal"),
    ("Citric acid was added and the solution was heated to form a gel.", "sol-gel"),
    ("The precursors were ground in an agate mortar and calcined at 900 °C.", "solid-state"),
    ("Films were spin-coated on glass.", "other"),
])
def test_silver_procedure_types(text, label):
    assert procedure_type(text) == label


def test_classifier_beats_the_heuristic_on_dev_paragraphs():
    """Dev is where the model was selected: this guards the shipped model and the reading of the texts."""
    papers = labelled_papers("dev")
    gold = [g for p in papers for g in p.gold]
    pred, probs = model_predictions(default_model(), papers)
    scores = binary_scores(gold, pred)
    assert scores["f1"] >= 0.7 and scores["recall"] >= 0.75
    assert scores["f1"] >= binary_scores(gold, heuristic_predictions(papers))["f1"] + 0.15
    assert probs.shape == (scores["n"], len(LABELS))
