"""Offset-safe normalization: each step, the raw-index map, real mojibake and speed-relevant fast paths."""

import csv

import ftfy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matnlp.text.normalize import normalize, normalize_with_map


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("plain ascii text.", "plain ascii text."),
        ("syn-\nthesis", "synthesis"),
        ("syn- \n  thesis", "synthesis"),
        ("Y-\ndoped ZrO2", "Y-doped ZrO2"),
        ("20-\nnm", "20-\nnm"),
        ("silicon -\nbased", "silicon -\nbased"),
        ("Y\u00ad\nDoped", "Y-Doped"),
        ("soft\u00adhyphen, zero\u200bwidth, bidi\u202etext\ufeff", "softhyphen, zerowidth, biditext"),
        ("ctrl\x00\x07chars", "ctrlchars"),
        ("ﬁlm ﬂow eﬀect oﬃce baﬄe", "film flow effect office baffle"),
        ("Li₂O and Ca₁₀(PO₄)₆", "Li2O and Ca10(PO4)6"),
        ("100 mA cm⁻² and Fe³⁺", "100 mA cm−2 and Fe3+"),
        ("5 µm vs 5 μm", "5 μm vs 5 μm"),
        ("3 \u212b and 3 Å and A\u030a", "3 Å and 3 Å and Å"),
        ("700 ℃, 700 ºC, 700 ˚C, 700 °C", "700 °C, 700 °C, 700 °C, 700 °C"),
        ("Ｆｅ２Ｏ３", "Fe2O3"),
        ("Y\u2010doped and Y\u2011doped", "Y-doped and Y-doped"),
        ("a\u00a0b\u2009c\u202fd", "a b c d"),
        ("1073\u2009K for 12\u202fh at 5\u00a0°C", "1073 K for 12 h at 5 °C"),
        ("1000 \u25e6C, 25\u25e6F and 300\u2218C", "1000 °C, 25°F and 300°C"),
        ("list \u25e6 item, \u25e6 Cathode, \u25e6Ca2+", "list \u25e6 item, \u25e6 Cathode, \u25e6Ca2+"),
        ("  many   spaces\tand tabs  ", "many spaces and tabs"),
        ("line one \n  line two", "line one\nline two"),
        ("para one\n\n\n\npara two\r\n\r\npara three", "para one\n\npara two\n\npara three"),
        ("page\x0cbreak", "page\nbreak"),
        ("a \u2212 b – c — d", "a \u2212 b – c — d"),
        ("\n\n  \n", ""),
        ("", ""),
    ],
)
def test_normalize_examples(raw, clean):
    assert normalize(raw) == clean
    text, index = normalize_with_map(raw)
    assert text == clean and len(index) == len(text)


def test_map_points_to_the_raw_characters():
    raw = "ﬁne syn-\nthesis  of Li₂O at 700Â°C"
    text, index = normalize_with_map(raw)
    assert text == "fine synthesis of Li2O at 700°C"
    assert [raw[i] for i in index] == list("ﬁﬁne synthesis of Li₂O at 700°C")
    start = text.index("Li2O")
    assert raw[index[start] : index[start + 3] + 1] == "Li₂O"


MOJIBAKE = [
    ("UVâ\x80\x93Vis spectroscopy", "UV–Vis spectroscopy"),
    ("(204 Â± 22 eV)", "(204 ± 22 eV)"),
    ("at 700Â°C for", "at 700°C for"),
    ("Î¼m sized", "μm sized"),
    ("2.0Â Î¼m emission under 808Â nm", "2.0 μm emission under 808 nm"),
]


@pytest.mark.parametrize(("raw", "clean"), MOJIBAKE)
def test_mojibake_repair(raw, clean):
    text, index = normalize_with_map(raw)
    assert text == clean
    assert index == sorted(index)


def _glass_abstracts(data):
    with (data / "glass_abstracts" / "train.csv").open(encoding="utf-8") as f:
        return [row["Abstract"] for row in csv.DictReader(f)]


def test_real_glass_abstract_lines(data):
    abstracts = _glass_abstracts(data)
    by_start = {a[:40]: a for a in abstracts}
    qpc = normalize(by_start["The quark pair creation (QPC) model is f"])
    assert "of the δ 0 ε A J (Jeven) tadpole which dominates η → 3π decay" in qpc
    assert qpc.endswith("(204 ± 22 eV).")
    gnp = normalize(by_start["A novel electrochemical deposition metho"])
    assert "by SEM, UV–Vis spectroscopy and electrochemical methods." in gnp


def test_no_mojibake_left_in_glass_abstracts(data):
    abstracts = _glass_abstracts(data)
    bad = [a for a in abstracts if ftfy.is_bad(a)]
    assert len(bad) > 200  # the data really is damaged
    for raw in bad:
        text, index = normalize_with_map(raw)
        assert not ftfy.is_bad(text), text
        assert "Â" not in text and "â\x80" not in text
        assert len(index) == len(text) and index == sorted(index)


def test_sofc_texts_keep_lines_and_chemistry(data):
    path = data / "sofc_exp_texts" / "texts" / "PMC3564701.txt"
    raw = path.read_text(encoding="utf-8")
    text, index = normalize_with_map(raw)
    assert text.count("\n") == raw.strip().count("\n")  # one sentence per line stays so
    assert "approximately 1.07 V compared with a thin-film fuel cell" in text
    for i, char in enumerate(text):
        if char.isascii() and char != "\n":
            assert raw[index[i]] == char


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
def test_normalize_never_crashes_and_map_is_monotone(raw):
    text, index = normalize_with_map(raw)
    assert text == normalize(raw)
    assert len(index) == len(text)
    assert all(0 <= i < len(raw) for i in index)
    assert index == sorted(index)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab-\n \t°ﬁ₂\u00ad", max_size=40))
def test_normalize_is_idempotent_on_its_own_output(raw):
    once = normalize(raw)
    assert normalize(once) == once


def test_in_line_hyphenation_of_mulms_texts():
    """PDF-to-text MuLMS texts keep line-break hyphens with the line break gone; words are rejoined, compounds keep
    their hyphen, and suspended hyphens and charges stay."""
    from pathlib import Path

    texts = Path("/work/shared/data/mulms/texts")
    if not texts.exists():
        pytest.skip("MuLMS texts not available")
    pemfc = normalize((texts / "pemfc_13.txt").read_text(encoding="utf-8"))
    assert "not oxygen concentration." in pemfc and "concen- tration" not in pemfc
    electrolysis = normalize((texts / "electrolysis_04.txt").read_text(encoding="utf-8"))
    assert "above problems, as excessive OH- around the anode would thermodynamically" in electrolysis
    assert "(2) well-defined pore structures" in normalize((texts / "electrolysis_03.txt").read_text(encoding="utf-8"))
    graphene = normalize((texts / "graphene_01.txt").read_text(encoding="utf-8"))
    assert "metal-free carbon-based electrocatalysts" in graphene
    suspended = "solid- and liquid-phase, two- or three-dimensional"
    assert normalize(suspended) == suspended


def test_elsevier_quarter_for_equals(data):
    # MuLMS pemfc_07 (an Elsevier PDF): "ion exchange capacity (IEC) ¼ 1.43 ± 0.04 meq g 1", "(SPt 1⁄4 S(e)Pt…)";
    # a quarter before a word stays one
    raw = (data / "mulms" / "texts" / "pemfc_07.txt").read_text(encoding="utf-8")
    text = normalize(raw)
    assert "(IEC) = 1.43" in text and "SPt = S(e)Pt" in normalize("(SPt 1⁄4 S(e)Pt)")
    assert normalize("about ¼ of the cells") == "about 1⁄4 of the cells"
