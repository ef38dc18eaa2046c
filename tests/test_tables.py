import pytest

from matnlp.extractors.tables import column_property, extract_table_properties, table_properties
from matnlp.pipeline import Pipeline, file_documents
from matnlp.records import offset_problems, validate
from matnlp.types import Table


def _doc(fixtures, name):
    (doc,) = file_documents(fixtures / "ingest" / "markup" / name)
    return doc


def _rows(props):
    return [(p.name, p.value.value, p.unit, p.material, p.row_label) for p in props]


def test_publisher_tables_give_property_records(fixtures):
    # RSC HTML: "Catalyst | Eg (eV) | k (min−1)"; the row label is the material, a composite too
    props = extract_table_properties(_doc(fixtures, "rsc_article.html").tables)
    assert _rows(props) == [
        ("band gap", 3.2, "eV", "TiO2", "TiO2"), ("band gap", 2.6, "eV", "Fe3O4/TiO2", "Fe3O4/TiO2"),
        ("rate constant", 0.004, "min-1", "TiO2", "TiO2"),
        ("rate constant", 0.061, "min-1", "Fe3O4/TiO2", "Fe3O4/TiO2")]
    # ACS HTML: unit with an en dash minus ("mAh g–1"); "LMO-700" names a sample, not a material
    props = extract_table_properties(_doc(fixtures, "acs_article.html").tables)
    assert ("capacity", 231.0, "mAh g-1", None, "LMO-700") in _rows(props)
    assert ("lattice parameter", 4.928, "Å", None, "LMO-700") in _rows(props)


def test_header_conditions_and_sample_labels(fixtures):
    # Springer: "σ (S cm−1)" spanning "500 °C" | "600 °C"; rows F1, F2 are samples (F2 is not fluorine)
    props = extract_table_properties(_doc(fixtures, "springer_api.xml").tables)
    sigma = [p for p in props if p.name == "conductivity"]
    assert [(p.value.value, p.unit, [(c.kind, c.value, c.unit) for c in p.conditions]) for p in sigma] == [
        (4.1e-4, "S cm-1", [("temperature", 500.0, "°C")]), (2.0e-4, "S cm-1", [("temperature", 500.0, "°C")]),
        (1.2e-3, "S cm-1", [("temperature", 600.0, "°C")]), (7.5e-4, "S cm-1", [("temperature", 600.0, "°C")])]
    assert {p.material for p in props} == {None} and {p.row_label for p in props} == {"F1", "F2"}
    # Elsevier: "Conductivity at 600 °C" spans σg and Ea; only σg is measured at 600 °C
    props = extract_table_properties(_doc(fixtures, "elsevier_article.xml").tables)
    ea = [p for p in props if p.name == "activation energy"]
    assert [(p.value.value, p.material, p.conditions) for p in ea] == [(0.71, None, []), (0.72, "CuO", [])]
    (sg,) = [p for p in props if p.name == "conductivity" and p.material == "CuO"]
    assert [c.text for c in sg.conditions] == ["600 °C"] and sg.row_label == "2 mol% CuO"


def test_records_carry_table_properties(fixtures):
    doc = _doc(fixtures, "springer_api.xml")
    record = Pipeline().record(doc)
    d = record.to_dict()
    validate(d)
    assert offset_problems(record, doc.text) == []
    tabled = [p for p in d["properties"] if "table" in p]
    assert len(tabled) == 8
    (t,) = doc.tables
    for p in tabled:  # the evidence is the caption, in the running text
        assert doc.text[p["evidence"]["start"] : p["evidence"]["end"]] == t.caption
        where = p["table"]
        assert where["label"] == "Table 1" and t.rows[where["row"]][where["column"]] == where["cell"]


@pytest.mark.parametrize(
    ("header", "unit", "name"),
    [("σ", "S cm−1", "conductivity"), ("ρ", "g cm−3", "density"), ("ρ", "Ω cm", "resistivity"),
     ("V", "V", "voltage"), ("Eg", "K", None), ("Sample", None, None), ("Thermal conductivity", "W/mK",
                                                                          "thermal conductivity")],
)
def test_column_property_needs_a_fitting_unit(header, unit, name):
    assert column_property(header, unit) == name


def test_tables_without_caption_span_or_numbers():
    t = Table(label="Table 9", caption="x", columns=["Sample", "Eg"], units=[None, "eV"],
              rows=[["TiO2", "n.a."], ["ZnO", "–"]], caption_start=0, caption_end=1)
    assert table_properties(t) == []
    t.rows = [["TiO2", "3.2"]]
    assert _rows(table_properties(t)) == [("band gap", 3.2, "eV", "TiO2", "TiO2")]
    t.caption_start = t.caption_end = None  # nothing in the text to point at
    assert table_properties(t) == []
