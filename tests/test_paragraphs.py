"""Synthesis-paragraph classifier: API, shipped model, hand labels and behaviour on real paragraphs."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from matnlp.datasets.paragraphs import (
    hand_labelled_papers, hand_labels, procedure_type, section_states, sofc_examples,
)
from matnlp.eval.paragraphs import binary_scores, heuristic_predictions, labelled_papers, model_predictions
from matnlp.extractors.paragraphs import (
    CONTEXT_FEATURES, FORMAT, LABELS, MODEL_PATH, ParagraphClass, ParagraphModel, classify_paragraphs,
    context_features, default_model, is_review, makes, paragraph_spans, synthesis_paragraphs, title_state, top_sections,
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
    assert len(classes) == 2 and classes[1].is_synthesis
    assert text[classes[1].start:classes[1].end].startswith("The powders")
    assert ParagraphClass(**classes[1].to_dict()) == classes[1]


def test_known_sections_bound_the_context():
    # a structured paper: the one-sentence "2.1 Slurry preparation" paragraph follows the introduction, which is
    # no neighbour of it once the document's sections are known
    (doc,) = read_file(Path(__file__).parent / "fixtures" / "ingest" / "plain_paper.txt")
    spans = paragraph_spans(doc)
    sections = top_sections(doc, spans)
    assert sections == ["Abstract", "Introduction", "Experimental", "Experimental", "Results and discussion"]
    labels = {doc.text[c.start:c.end].split()[0]: c.label for c in classify_paragraphs(doc.text, spans, None, sections)}
    assert labels["LSCF"] != "none"
    assert labels["Cathode"] == labels["The"] == "none"
    assert [title_state(t) for t in sections] == [None, "introduction", "experimental", "experimental", "results"]


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


@pytest.mark.parametrize(("source", "unit", "state"), [
    ("sofc_exp_texts/texts/PMC6164086.txt", "Materials Synthesis and Physical Characterizations", "experimental"),
    ("mulms/texts/semi_08.txt", "Then, the structure was cooled down", "experimental"),
    ("mulms/texts/semi_08.txt", "The surface of the layer is smooth", "results"),
])
def test_numbered_headings_without_space_or_before_a_subsection(data, source, unit, state):
    """"… 2. Experimental 2.1. Materials …" and "… (figure 1). 2.Experimental details The …" open a section."""
    doc = read_file(data / source)[0]
    texts = [doc.text[a:b] for a, b in paragraph_spans(doc)]
    states = section_states(texts)
    assert next(s for t, s in zip(texts, states) if t.startswith(unit)) == state


def test_context_features_read_neighbours_sections_and_cues(data):
    doc = read_file(data / "sofc_exp_texts" / "texts" / "PMC5456866.txt")[0]
    texts = [doc.text[a:b] for a, b in paragraph_spans(doc)]
    start = next(i for i, t in enumerate(texts) if t.startswith("Experimental SrCo0.90Nb0.10O3"))
    own = [0.0] * len(texts)
    own[start - 1:start + 5] = [-1.0, 2.0, 3.0, 4.0, 5.0, -2.0]  # last introduction line, citrate route, XRD
    column = {f: list(c[start - 1:start + 5]) for f, c in zip(CONTEXT_FEATURES, context_features(texts, own).T)}
    assert column["previous"] == [0.0, -1.0, 2.0, 3.0, 4.0, 5.0]
    assert column["next"] == [2.0, 3.0, 4.0, 5.0, -2.0, 0.0]
    assert column["section:introduction"] == [1, 0, 0, 0, 0, 0]
    assert column["section:experimental"] == [0, 1, 1, 1, 1, 1] and column["heading"][:2] == [0, 1]
    assert column["cue:characterization"][-1] == 1 and column["cue:fabrication"][2] == 1
    assert column["cue:condition"][3] == 1  # "heated in air at 900 °C for 12 h"


def test_making_and_measuring_cues_and_their_window():
    """Cell fabrication lines make something, test lines measure; a short parameter line amid a sputtering block
    has making neighbours."""
    texts = ["The anode was screen printed and co-fired at 1300 °C.", "RF power was set at 150 W.",
             "The cathode was deposited by magnetron sputtering.", "The impedance was measured at 700 °C."]
    x = context_features(texts, [0.0] * len(texts))
    column = {f: list(c) for f, c in zip(CONTEXT_FEATURES, x.T)}
    assert column["cue:making"] == [1, 0, 1, 0] and column["cue:measuring"] == [0, 0, 0, 1]
    assert column["window:making"][1] == pytest.approx(0.8) and column["window:making"][3] == pytest.approx(2 / 3)


@pytest.mark.parametrize("text, expected", [
    ("The electrolyte was deposited by atomic layer deposition.", True),
    ("In this work, we fabricated anode-supported cells by tape casting.", True),
    ("A dual-layer substrate is prepared using tape-casting (Fig. 1a) and lamination (Fig. 1b).", True),
    ("The infiltrated cathode exhibits a low polarization resistance.", False),  # results name the process
    ("Fig. 3 shows that the sputtered film was formed without cracks.", False),
    ("Silver paste was applied to both electrodes as current collectors.", False),  # test set-up
    ("The pellets were polished and coated with gold for SEM observation.", False),  # a specimen
    ("Ag paste was brushed onto both sides for electrical property measurements.", False),
    ("The sputtered GDC layer and the slurry-derived anode.", False),  # bare process nouns
])
def test_making_is_this_works_process_not_measurement_or_results(text, expected):
    assert makes(text) is expected


def test_characterization_inside_the_methods_is_not_synthesis(data):
    """The citrate route is synthesis; the XRD, neutron and thermal-analysis lines of the same section are not."""
    doc = read_file(data / "sofc_exp_texts" / "texts" / "PMC5456866.txt")[0]
    classes = classify_paragraphs(doc.text, paragraph_spans(doc))
    text = [doc.text[c.start:c.end] for c in classes]
    route = [c for c, t in zip(classes, text)
             if t.startswith(("Experimental SrCo0.90", "Stoichiometric amounts", "Once this"))]
    measured = [c for c, t in zip(classes, text)
                if t.startswith(("The initial characterization", "For the structural", "Thermal analysis was"))]
    assert len(route) == 3 and all(c.label == "sol-gel" for c in route)
    assert len(measured) == 3 and not any(c.is_synthesis for c in measured)


def test_shipped_model_matches_its_files_and_needs_no_sklearn():
    meta = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    model = default_model()
    assert tuple(meta["labels"]) == LABELS == model.labels
    assert meta["format"] == FORMAT
    assert model.text.coef.shape == (len(LABELS), len(meta["text"]["vocabulary"])) == (len(LABELS), len(model.text.idf))
    assert model.units.coef.shape == (1, len(meta["units"]["vocabulary"])) and not model.units.chars
    assert meta["context_features"] == list(CONTEXT_FEATURES) and model.context_coef.shape == (len(CONTEXT_FEATURES),)
    code = ("import sys; from matnlp.extractors.paragraphs import classify_paragraphs as c; "
            "c('The gel was dried at 120 °C.', [(0, 28)]); print('sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_hand_labels_are_split_by_paper_and_match_the_text():
    train, dev, test = hand_labels("train"), hand_labels("dev"), hand_labels("test")
    assert len(train) >= 2500 and len(dev) + len(test) >= 300
    sources = [{h.source for h in split} for split in (train, dev, test)]
    assert not sources[0] & sources[1] and not sources[0] & sources[2] and not sources[1] & sources[2]
    assert {h.label for h in train + dev + test} <= set(LABELS)
    assert all(sum(h.label != "none" for h in split) >= 30 for split in (train, dev, test))
    # raise when a span no longer slices its text
    assert labelled_papers("train") and labelled_papers("dev") and labelled_papers("test")


def test_hand_labelled_papers_stay_out_of_training():
    held = hand_labelled_papers()
    assert {"PMC6073263", "oastm_01", "PMC3564701", "semi_08"} <= held
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
    """Dev helped fit the context stage: this guards the shipped model and the reading of the texts."""
    papers = labelled_papers("dev")
    gold = [g for p in papers for g in p.gold]
    pred, probs = model_predictions(default_model(), papers)
    scores = binary_scores(gold, pred)
    assert scores["f1"] >= 0.8 and scores["recall"] >= 0.75
    assert scores["f1"] >= binary_scores(gold, heuristic_predictions(papers))["f1"] + 0.15
    assert probs.shape == (scores["n"], len(LABELS))


def test_common_practice_is_a_cue_of_its_own():
    texts = ["Free-standing membranes are typically fabricated on Si wafers.",
             "The anode was screen printed and co-fired at 1300 °C."]
    column = dict(zip(CONTEXT_FEATURES, context_features(texts, [0.0, 0.0]).T))
    assert list(column["cue:generic"]) == [1, 0] and list(column["cue:making"]) == [1, 1]


def _classified(data, source):
    doc = read_file(data / source)[0]
    return [(doc.text[c.start:c.end], c) for c in classify_paragraphs(doc.text, paragraph_spans(doc))]


def test_cell_fabrication_is_synthesis_and_its_test_set_up_is_not(data):
    """The tape-cast, infiltrated cell is made; mounting, wiring and heating it for the test are set-up."""
    units = _classified(data, "sofc_exp_texts/texts/PMC4992832.txt")
    made = [c for t, c in units if t.startswith(("Fuel Cell Fabrication and Testing The", "The SFCuN -YSZ anode was"))]
    set_up = [c for t, c in units if t.startswith(("For fuel cell performance tests", "Ag paste and Ag wire"))]
    assert len(made) == 2 and all(c.is_synthesis for c in made) and made[1].label == "other"
    assert len(set_up) == 2 and not any(c.is_synthesis for c in set_up)



def test_model_files_of_another_format_are_refused(tmp_path):
    meta = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    path = tmp_path / "old.json"
    path.write_text(json.dumps({**meta, "format": FORMAT - 1}), encoding="utf-8")
    with pytest.raises(ValueError, match="format"):
        ParagraphModel.load(path)


def test_process_parameter_lines_inside_a_sputtering_block_are_synthesis(data):
    """Short lines of the sputtering conditions hold no fabrication verb; the block around them does."""
    units = dict(_classified(data, "sofc_exp_texts/texts/PMC3564701.txt"))
    assert units["RF power was set at 150 W."].is_synthesis
    assert units["Target-to-substrate (T-S) distance was 80 mm."].is_synthesis


def test_unit_model_reads_the_wording_of_fabrication_and_of_test_set_up(data):
    """The unit model alone: the PLD conditions of this work against the test station and the EIS fitting."""
    doc = read_file(data / "sofc_exp_texts" / "texts" / "PMC4770875.txt")[0]
    texts = [doc.text[a:b] for a, b in paragraph_spans(doc)]
    made = [t for t in texts if t.startswith(("Sintered BaZr0.8Y0.2O3", "After thin film deposition, samples"))]
    tested = [t for t in texts if t.startswith(("Fuel Cell Performance Characterization", "The obtained EIS curves"))]
    logits = default_model().units.scores(made + tested)[:, 0]
    assert len(made) == len(tested) == 2
    assert min(logits[:2]) > 0 > max(logits[2:])


def test_a_review_has_no_synthesis_paragraphs(data):
    """Round 17: every step read from PMC4021905 ("A Review of RedOx Cycling …") was another group's processing,
    cited. Reviews say what they are in the title or abstract; research papers, whose introductions cite reviews,
    are not taken for one."""
    review = read_file(data / "sofc_exp_texts" / "texts" / "PMC4021905.txt")[0]
    assert is_review(review.text) and synthesis_paragraphs(review) == []
    minireview = read_file(data / "sofc_exp_texts" / "texts" / "PMC5944822.txt")[0]
    assert is_review(minireview.text)  # "This minireview aims at summarizing and reviewing …"
    for paper in ("mulms/texts/oastm_04.txt", "mulms/texts/oastm_10.txt", "sofc_exp_texts/texts/PMC3793895.txt"):
        doc = read_file(data / paper)[0]
        assert not is_review(doc.text), paper  # "this review also discusses" of a cited review, "review articles"
    assert synthesis_paragraphs(read_file(data / "sofc_exp_texts" / "texts" / "PMC3793895.txt")[0])
