import importlib.util
import json
from pathlib import Path

import pytest

from matnlp.config import REPO_ROOT
from matnlp.extract.synthesis import CONDITION_KINDS, default_typer, extract_steps, find_operations, held_out_doi, kononova_recipes, read_brat
from matnlp.types import Entity

TEXT = (
    "LiFePO4 was synthesized by a solid-state reaction. Li2CO3, FeC2O4·2H2O and NH4H2PO4 were ball-milled in "
    "ethanol for 6 h. The mixture was dried at 80 °C overnight and then calcined at 700–750 °C for 10 h under "
    "5% H2/Ar with a heating rate of 5 °C min−1. The powder was pressed into pellets at 200 MPa."
)


def bench():
    spec = importlib.util.spec_from_file_location("bench_synthesis", REPO_ROOT / "scripts" / "bench_synthesis.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_lexicon_fallback_steps():
    steps = extract_steps(TEXT)
    by_op = {s.operation: s for s in steps}
    assert ["synthesized", "ball-milled", "dried", "calcined", "pressed"] == [s.operation for s in steps]
    assert by_op["synthesized"].type == "StartingSynthesis"
    assert by_op["ball-milled"].type in {"LiquidGrinding", "MixingOperation"}
    assert [c.text for c in by_op["ball-milled"].conditions.medium] == ["ethanol"]
    assert [c.quantity.value for c in by_op["ball-milled"].conditions.time] == [6]
    dried = by_op["dried"].conditions
    assert ([c.quantity.value for c in dried.temperature], [c.text for c in dried.time]) == ([80], ["overnight"])
    calcined = by_op["calcined"]
    assert calcined.type == "HeatingOperation"
    t = calcined.conditions.temperature[0].quantity
    assert (t.low, t.high, t.unit) == (700, 750, "°C")
    assert [c.text for c in calcined.conditions.atmosphere] == ["5% H2/Ar"]
    assert calcined.conditions.heating_rate[0].quantity.unit == "°C min-1"
    assert by_op["pressed"].type == "ShapingOperation"
    assert by_op["pressed"].conditions.pressure[0].quantity.to("GPa").value == 0.2
    for s in steps:
        assert TEXT[s.start : s.end] == s.operation
        for kind in CONDITION_KINDS:
            for c in getattr(s.conditions, kind):
                assert TEXT[c.start : c.end] == c.text


def test_record_shape_is_json():
    d = extract_steps(TEXT)[3].to_dict()
    assert set(d) == {"operation", "type", "start", "end", "conditions", "materials"}
    assert set(d["conditions"]) == set(CONDITION_KINDS)
    assert d["conditions"]["time"][0]["value"] == 10 and d["conditions"]["time"][0]["unit"] == "h"
    json.dumps(d)


def test_entities_given():
    text = "BaCO3 and TiO2 were mixed in water and calcined at 1000 degC in air to obtain BaTiO3."
    spans = [("BaCO3", "Material"), ("TiO2", "Material"), ("mixed", "Operation"), ("water", "Material"),
             ("calcined", "Operation"), ("1000", "Number"), ("degC", "Condition-Unit"), ("air", "Material"),
             ("BaTiO3", "Material")]
    ents = [Entity(text.index(s), text.index(s) + len(s), label, s) for s, label in spans]
    steps = extract_steps(text, ents)
    assert [s.operation for s in steps] == ["mixed", "calcined"]
    roles = {m.text: m.role for s in steps for m in s.materials}
    assert roles["water"] == "solvent" and roles["air"] == "atmosphere"
    calcined = steps[1]
    assert calcined.conditions.temperature[0].quantity.to("K").value == 1273.15
    assert [c.text for c in calcined.conditions.atmosphere] == ["air"]


def test_no_operations_and_empty_text():
    assert extract_steps("") == []
    assert extract_steps("The band gap is 1.2 eV.") == []


def test_read_brat_offsets(data):
    doc = read_brat(data / "mspt" / "data" / "101002adma200903953.txt")
    assert all(doc.text[e.start : e.end] == e.text for e in doc.entities.values() if ";" not in e.text)
    assert any(r == "Condition_Of" for r, _, _ in doc.relations)
    assert all(t in doc.entities for t in doc.events)


@pytest.fixture(scope="module")
def heldout(data):
    recipes = [r for r in kononova_recipes(data / "synthesis_recipes") if held_out_doi(r.doi)]
    return recipes[::10]  # ~800 recipes of both datasets


def test_typing_heldout_dois(heldout):
    typer = default_typer()
    pairs = [(typer.type(op.token, op.medium, typer.style(o.token for o in r.operations)), op.type)
             for r in heldout for op in r.operations]
    accuracy = sum(p == g for p, g in pairs) / len(pairs)
    assert len(pairs) > 3000
    assert accuracy >= 0.95  # full held-out set: 0.980 (scripts/bench_synthesis.py)


def test_ngram_fallback_unseen_tokens():
    typer = default_typer()
    for token, expected in (("recalcinated", "HeatingOperation"), ("repelletised", "ShapingOperation")):
        assert token not in typer.vocabulary
        assert typer.type(token) == expected


@pytest.fixture(scope="module")
def mspt_test(data):
    return bench().bench_split(data / "mspt", (data / "mspt" / "splits" / "ner-test-fnames.txt").read_text().split())


def test_mspt_attachment_and_roles(mspt_test):
    # measured on ner-test (15 docs, gold entities): conditions 0.96, number chains 0.97, roles 0.77, ops 0.77
    assert mspt_test["conditions"]["f1"] >= 0.9
    assert mspt_test["number_chains"]["f1"] >= 0.9
    assert mspt_test["devices"]["f1"] >= 0.85
    roles = mspt_test["material_roles"]
    assert roles["accuracy"] >= 0.7 and roles["accuracy"] > roles["majority_baseline"] + 0.2
    assert mspt_test["operations"]["f1"] >= 0.7


def test_lexicon_finder_spans(data):
    doc = read_brat(data / "mspt" / "data" / "101002adma200903953.txt")
    found = find_operations(doc.text)
    assert all(doc.text[e.start : e.end] == e.text for e in found)
    assert {"dried", "calcined", "sintered"} <= {e.text for e in found}
