"""Corpus readers of matnlp.datasets: the brat standoff parser (real MSPT files, malformed lines), NERRE and
Kononova readers."""

import pytest

from matnlp.datasets.brat import parse_ann, read_document
from matnlp.datasets.kononova import KONONOVA_FILES, reactions
from matnlp.datasets.nerre import general_abstracts
from matnlp.errors import ConfigError

ANN = """T1\tMaterial 0 6\tLiCoO2
T2\tOperation 11 19\tcalcined
T3\tNumber 23 26;27 29\t700 °C
E1\tOperation:T2 Recipe_Target:T1
R1\tCondition_Of Arg1:T3 Arg2:E1\t
A1\tStart_Recipe E1
#1\tAnnotatorNotes T1\ta note
"""
TEXT = "LiCoO2 was calcined at 700 °C."


def test_parse_ann_kinds_and_fragments():
    ann = parse_ann(ANN.splitlines(), TEXT)
    assert [(t.id, t.label, t.start, t.end) for t in ann.entities.values()] == [
        ("T1", "Material", 0, 6), ("T2", "Operation", 11, 19), ("T3", "Number", 23, 29)]
    assert ann.entities["T3"].fragments == ((23, 26), (27, 29)) and ann.entities["T1"].surface == "LiCoO2"
    (event,) = ann.events
    assert (event.id, event.type, event.trigger, event.args) == ("E1", "Operation", "T2", (("Recipe_Target", "T1"),))
    (rel,) = ann.relations
    assert (rel.type, rel.arg1, rel.arg2, ann.trigger_of(rel.arg2)) == ("Condition_Of", "T3", "E1", "T2")
    assert [(a.type, a.target, a.value) for a in ann.attributes] == [("Start_Recipe", "E1", None)]


@pytest.mark.parametrize(("line", "message"), [
    ("T1\tMaterial 0 x\tLiCoO2", r"x.ann:2: malformed brat text-bound annotation"),
    ("T1\tMaterial 0 6", r"x.ann:2: malformed brat text-bound annotation"),
    ("T1\tMaterial 0 99\tLiCoO2", r"x.ann:2: offsets \(0, 99\) outside the text"),
    ("R1\tCondition_Of Arg1", r"x.ann:2: malformed brat annotation"),
])
def test_parse_ann_errors_name_file_and_line(line, message):
    with pytest.raises(ConfigError, match=message):
        parse_ann(["T9\tMaterial 0 6\tLiCoO2", line], TEXT, "x.ann")


def test_brat_reader_on_a_real_mspt_paper(data):
    path = data / "mspt" / "data" / "101002adma200903953.txt"
    doc = read_document(path)
    lines = path.with_suffix(".ann").read_text(encoding="utf-8").splitlines()
    kinds = {k: sum(line.startswith(k) for line in lines) for k in "TREA"}
    ann = doc.annotations
    assert (len(ann.entities), len(ann.relations), len(ann.events), len(ann.attributes)) == (
        kinds["T"], kinds["R"], kinds["E"], kinds["A"])
    assert kinds["T"] > 50 and kinds["E"] > 5
    single = [t for t in ann.entities.values() if len(t.fragments) == 1]
    assert single and all(doc.text[t.start : t.end] == t.surface for t in single)


def test_nerre_general_abstracts(data):
    items = general_abstracts(data / "nerre_general_mof", limit=5)
    assert len(items) == 5
    assert all(item.text.strip() and "###" not in item.text for item in items)
    records = items[0].records()
    assert records and all(isinstance(r, dict) for r in records)
    assert any(r.get("formula") or r.get("name") for r in records)


def test_kononova_reactions_one_style(data):
    first = next(reactions(data / "synthesis_recipes", style="sol-gel"))
    assert first[0] == "sol-gel" and {"doi", "operations", "target"} <= set(first[1])
    assert set(KONONOVA_FILES) == {"solid-state", "sol-gel"}
