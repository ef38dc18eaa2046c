"""Publisher-grade reading: real publisher markup (Springer Nature API JATS, RSC and ACS HTML, Elsevier full-text
XML), typed plain text and two-column PDFs read with their structure, tables and offsets; each fixture's malformed
variant ends as one error."""

import json
import re
from pathlib import Path

import pytest

from matnlp.errors import IngestError
from matnlp.ingest import read_file
from matnlp.ingest.base import split_heading
from matnlp.ingest.markup import html_encoding, repair_title
from matnlp.ingest.tables import split_unit
from matnlp.types import Document

MARKUP = Path(__file__).parent / "fixtures" / "ingest" / "markup"
INGEST = MARKUP.parent
PDF = INGEST / "pdf"


def only_doc(path) -> Document:
    (item,) = read_file(path)
    assert isinstance(item, Document), item
    return item


def check_spans(doc: Document) -> None:
    """Every structural span slices ``doc.text``; paragraphs tile the text with blank lines between them."""
    n = len(doc.text)
    for span in [*doc.sections, *doc.paragraphs, *doc.captions]:
        assert 0 <= span.start < span.end <= n
    assert "\n\n".join(doc.text[p.start:p.end] for p in doc.paragraphs) == doc.text
    for table in doc.tables:
        if table.caption:
            assert doc.text[table.caption_start:table.caption_end] == table.caption
    for sentence in doc.sentences:
        for token in sentence.tokens:
            assert doc.text[token.start:token.end] == token.text


def matter(doc: Document, kind: str) -> list[str]:
    return [m.text for m in doc.front_matter + doc.back_matter if m.kind == kind]


def headings(doc: Document) -> list[tuple[str, str | None, int]]:
    return [(s.title, s.number, s.level) for s in doc.sections if s.title not in ("Title", "Abstract")]


def run_together(text: str) -> list[str]:
    """Formula glued to the next word, the defect seen in RSC HTML: "Fe3O4nanoparticles"."""
    return re.findall(r"\b(?:[A-Z][a-z]?\d+){2,}[a-z]{4,}\b|\b[A-Z][a-z]?\d[A-Z][a-z]?\d?[a-z]{5,}\b", text)


# --- Springer Nature API JATS --------------------------------------------------------------------------------


def test_springer_api_response_is_read():
    doc = only_doc(MARKUP / "springer_api.xml")
    assert doc.meta.extra["reader"] == "springer-api"
    assert doc.id == doc.meta.doi == "10.9999/s99999-021-00042-x"
    assert doc.meta.title == "Proton conduction in BaZr0.8Y0.2O3−δ thin films grown on Fe3O4 buffers"
    assert doc.meta.authors == ["Maja Lindqvist", "Chinedu Okoye"] and doc.meta.year == 2021
    assert headings(doc) == [("Introduction", None, 1), ("Experimental", None, 1), ("Film growth", None, 2),
                             ("Results and discussion", None, 1)]
    assert "on Fe3O4 buffer layers" in doc.text and "TiO2 nanowires" in doc.text
    assert "fuel cells. Grain" in doc.text  # superscript citation markers dropped, bracketed ones kept
    assert "block protons [2]" in doc.text
    for apart in ("Kreuer", "Imaginary Research Council", "Uppsala", "Publisher's Note", "neutral", "Springer US",
                  "apiKey", "Open Access", "Keywords"):
        assert apart not in doc.text, apart
    assert matter(doc, "keywords") == ["Proton conductor; Thin film; Barium zirconate"]
    assert len(matter(doc, "references")) == 2 and matter(doc, "acknowledgements")
    assert matter(doc, "affiliations")[0] == "Department of Materials Imaginary Institute of Technology Uppsala Sweden"
    check_spans(doc)


def test_springer_api_table_with_units():
    doc = only_doc(MARKUP / "springer_api.xml")
    (table,) = doc.tables
    assert table.label == "Table 1" and table.caption == "Growth conditions and proton conductivity of the films"
    assert table.header[0] == ["Sample", "T [K]", "σ (S cm−1)", "σ (S cm−1)", "Ea/eV"]
    assert table.rows == [["F1", "1073", "4.1 × 10−4", "1.2 × 10−3", "0.42"],
                          ["F2", "973", "2.0 × 10−4", "7.5 × 10−4", "0.47"]]
    assert table.columns == ["Sample", "T", "σ 500 °C", "σ 600 °C", "Ea"]
    assert table.units == [None, "K", "S cm−1", "S cm−1", "eV"]
    assert table.footnotes == ["Measured in wet Ar (3 % H2O)"]
    assert "4.1 × 10−4" not in doc.text  # cells are not running text; the caption is
    assert [(c.kind, c.label) for c in doc.captions] == [("table", "Table 1"), ("figure", "Fig. 1")]


@pytest.mark.parametrize(("name", "reason"), [
    ("bad_springer_api_truncated.xml", "malformed XML"),
    ("bad_springer_api_used_entity.xml", "declares entities"),  # a parameter entity that is used: refused
    ("bad_xxe.xml", "declares entities"),
    ("bad_billion_laughs.xml", ""),
])
def test_entities_stay_refused(name, reason):
    (item,) = read_file(MARKUP / name)
    assert isinstance(item, IngestError) and reason in item.reason


# --- RSC HTML ----------------------------------------------------------------------------------------------


def test_rsc_words_title_authors_furniture():
    doc = only_doc(MARKUP / "rsc_article.html")
    assert doc.meta.extra["reader"] == "rsc"
    assert doc.meta.title == "Magnetite Fe3O4 nanoparticles on TiO2 nanowires for photo-Fenton degradation"
    assert doc.meta.authors == ["Zhang, Wei", "Dubois, Amélie"]  # citation_author only, not DC.Creator again
    assert "Fe3O4 nanoparticles" in doc.text and "TiO2 nanowires" in doc.text
    assert run_together(doc.text) == []
    assert "annealed at 1073 K for 12 h" in doc.text  # RSC's thin-space images read as spaces
    assert "Fe2+/Fe3+ cycling. Magnetite" in doc.text  # citation and footnote markers dropped
    for furniture in ("Show Compounds", "First published", "Received", "Previous Article", "CrossRef",
                      "Imaginary University", "Journal of Imaginary Chemistry A, 2019", "c9xx01234a-f1",
                      "conflicts to declare", "Imaginary Science Foundation", "C. Writer"):
        assert furniture not in doc.text, furniture
    assert headings(doc) == [("Introduction", "1", 1), ("Experimental", "2", 1), ("Synthesis", "2.1", 2),
                             ("Results and discussion", "3", 1)]
    assert matter(doc, "references")[:2] == ["A. Author and B. Author, J. Imag. Chem., 2015, 3, 100",
                                             "C. Writer, Fict. Mater., 2017, 9, 55"]
    assert "Show Compounds" in matter(doc, "navigation")
    assert any("First published" in h for h in matter(doc, "history"))
    assert any("Imaginary University" in a for a in matter(doc, "affiliations"))
    assert any(link.endswith("c9xx01234a-f1_hi-res.gif") for link in matter(doc, "figure_link"))
    check_spans(doc)


def test_rsc_table_and_figure():
    doc = only_doc(MARKUP / "rsc_article.html")
    (table,) = doc.tables
    assert (table.label, table.caption) == ("Table 1", "Optical and catalytic properties of the catalysts")
    assert table.header == [["Catalyst", "Eg (eV)", "k (min−1)"]]
    assert table.rows == [["TiO2", "3.2", "0.004"], ["Fe3O4/TiO2", "2.6", "0.061"]]
    assert table.units == [None, "eV", "min−1"]
    figure = next(c for c in doc.captions if c.kind == "figure")
    assert figure.label == "Fig. 1" and doc.text[figure.start:figure.end] == "XRD patterns of Fe3O4/TiO2 composites."


def test_search_results_page_is_not_a_paper():
    (item,) = read_file(MARKUP / "rsc_search.html")
    assert isinstance(item, IngestError) and item.reason.startswith("not a paper: search results page")


# --- ACS HTML -------------------------------------------------------------------------------------------------


def test_acs_encoding_and_abstract():
    doc = only_doc(MARKUP / "acs_article.html")
    assert doc.meta.authors == ["Javier Muñoz", "Søren Østergaard"]  # <meta charset="UTF-8"> honoured
    assert "Ã" not in repr(doc.to_dict())
    abstract = "nanoplates were prepared by a molten-salt route at 800 °C"
    assert doc.text.count(abstract) == 1  # the dc.Description copy (other spacing) is not added again
    (section,) = [s for s in doc.sections if s.title == "Abstract"]
    assert abstract in doc.text[section.start:section.end]
    assert "charged to 4.6 V" not in doc.text  # the CAS abstract of a cited paper
    assert all(len(doc.text[p.start:p.end]) > 20 for p in doc.paragraphs if p.kind == "abstract")
    for furniture in ("ACS Publications", "Log In", "Cite this", "Check for updates", "Open in Figure Viewer",
                      "PowerPoint", "Google Scholar", "Copyright ©", "Chem. Imag. Mater. 2020"):
        assert furniture not in doc.text, furniture
    assert "250 mAh g–1, (1) but" in doc.text
    (table,) = doc.tables
    assert table.columns == ["sample", "a", "capacity"] and table.units == [None, "Å", "mAh g–1"]
    assert table.footnotes == ["aAfter two activation cycles at C/20."]
    assert [(c.kind, c.label) for c in doc.captions] == [("figure", "Figure 1"), ("table", "Table 1")]
    check_spans(doc)


def test_html_encoding_rules():
    assert html_encoding(b'<meta charset="UTF-8"><p>\xc3\xb1</p>') == "utf-8"
    assert html_encoding(b'<meta charset="iso-8859-1"><p>\xc3\xb1</p>') == "utf-8"  # valid UTF-8 wins
    assert html_encoding(b'<meta charset="iso-8859-1"><p>\xf1</p>') == "iso8859-1"
    assert html_encoding(b'<?xml version="1.0" encoding="windows-1252"?><p>\x93</p>') == "cp1252"
    assert html_encoding(b"<p>\xf1</p>") == "cp1252"


# --- Elsevier full-text XML --------------------------------------------------------------------------------


def test_elsevier_structure_and_figure_links():
    doc = only_doc(MARKUP / "elsevier_article.xml")
    assert doc.meta.extra["reader"] == "elsevier"
    assert doc.meta.title == "Sintering aids for Ce0.9Gd0.1O2−δ electrolytes"
    assert doc.text.count("Sintering aids for") == 1  # the title once (coredata and ja:head)
    assert doc.text.count("Adding 2 mol% CuO lowered") == 1
    assert "from 1500 to 1100 °C" in doc.text and "0.02 S cm−1" in doc.text  # ce:hsp is a space
    assert "Co3O4 nanoparticles act as sintering aids." in doc.text
    assert "api.elsevier.com" not in doc.text and "pii:" not in doc.text
    assert any("gr1_lrg.jpg" in link for link in matter(doc, "figure_link"))
    assert headings(doc) == [("Introduction", "1", 1), ("Experimental", "2", 1), ("Powder preparation", "2.1", 2),
                             ("Conclusions", "3", 1)]
    assert matter(doc, "highlights") and matter(doc, "keywords") == ["Ceria; Sintering aid"]
    assert "Graphical abstract" not in doc.text and "Highlights" not in doc.text
    assert matter(doc, "affiliations")[0] == ("Department of Imaginary Ceramics, University of Somewhere, Via Roma 1, "
                                              "10100 Torino, Italy")
    assert [r[:3] for r in matter(doc, "references")] == ["[1]", "[2]"]
    check_spans(doc)


def test_elsevier_cals_table():
    doc = only_doc(MARKUP / "elsevier_article.xml")
    (table,) = doc.tables
    assert table.label == "Table 1" and table.caption == "Sintering temperature, density and conductivity."
    assert table.header == [["Additive", "T (°C)", "Conductivity at 600 °C", "Conductivity at 600 °C"],
                            ["Additive", "T (°C)", "σg (S cm−1)", "Ea (eV)"]]
    assert table.rows == [["None", "1500", "0.021", "0.71"], ["2 mol% CuO", "1100", "0.020", "0.72"]]
    assert table.units == [None, "°C", "S cm−1", "eV"]
    assert table.columns[2] == "Conductivity at 600 °C σg"


# --- plain text ------------------------------------------------------------------------------------------------


def test_plain_text_title_doi_numbered_and_caps_headings():
    doc = only_doc(INGEST / "plain_paper.txt")
    assert doc.meta.title == "Porous La0.6Sr0.4Co0.2Fe0.8O3−δ cathodes by freeze casting"
    assert doc.id == doc.meta.doi == "10.9999/fake.sofc.2023.0815" and "doi:" not in doc.text
    assert headings(doc) == [("Introduction", "1", 1), ("Experimental", "2", 1), ("Slurry preparation", "2.1", 2),
                             ("Porosity", "2.4", 2), ("Results and discussion", "3", 1)]
    assert "2.4" not in doc.text and "\n\nPorosity\n\nPorosity was measured" in doc.text
    (abstract,) = [s for s in doc.sections if s.title == "Abstract"]
    assert doc.text[abstract.start:abstract.end].startswith("Freeze-cast LSCF")
    assert "sintered at 1073 K for 12 h" in doc.text and "at 700 °C" in doc.text and "at 1073 K for 12 h." in doc.text
    assert "ABSTRACT" not in doc.text and "REFERENCES" not in doc.text and "Programme" not in doc.text
    assert len(matter(doc, "references")) == 2 and matter(doc, "acknowledgements")
    experimental = next(s for s in doc.sections if s.title == "Experimental")
    assert doc.text[experimental.start:experimental.end].endswith("12 h.")  # runs over its subsections
    check_spans(doc)


def test_plain_text_malformed_variant():
    (item,) = read_file(INGEST / "bad_plain_paper_binary.txt")
    assert isinstance(item, IngestError) and "binary content" in item.reason


@pytest.mark.parametrize(("text", "expected"), [
    ("2.4 Porosity", ("2.4", "Porosity")), ("3. Results", ("3", "Results")), ("IV. RESULTS", ("IV", "RESULTS")),
    ("X-ray diffraction", (None, "X-ray diffraction")), ("3 mol% YSZ", (None, "3 mol% YSZ")),
    ("A new route", (None, "A new route")), ("A. Samples", ("A", "Samples")),
])
def test_heading_numbers(text, expected):
    assert split_heading(text) == expected


def test_sofc_titles_from_the_repeated_first_line(data):
    doc = only_doc(data / "sofc_exp_texts" / "texts" / "PMC4495617.txt")
    assert doc.meta.title == ("Flowerlike CeO2 microspheres coated with Sr2Fe1.5Mo0.5Ox nanoparticles for an "
                              "advanced fuel cell")
    assert doc.id == "PMC4495617"


# --- units, titles --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("header", "expected"), [
    ("σ (S cm−1)", ("σ", "S cm−1")), ("T [K]", ("T", "K")), ("T/K", ("T", "K")), ("Ea/eV", ("Ea", "eV")),
    ("T (°C)", ("T", "°C")), ("Capacity (mAh g−1)", ("Capacity", "mAh g−1")), ("Density (%)", ("Density", "%")),
    ("Conductivity (total)", ("Conductivity (total)", None)), ("Li/Na", ("Li/Na", None)),
    ("Sample", ("Sample", None)), ("σ (10−3 S cm−1) at 600 °C", ("σ at 600 °C", "10−3 S cm−1")),
])
def test_units_from_headers(header, expected):
    assert split_unit(header) == expected


def test_citation_title_formulas_repaired():
    assert repair_title("Magnetite Fe 3 O 4 nanoparticles on TiO 2 nanowires") == (
        "Magnetite Fe3O4 nanoparticles on TiO2 nanowires")
    assert repair_title("Ni 12 P 5 hollow spheres at 700 K") == "Ni12P5 hollow spheres at 700 K"


# --- PDF -----------------------------------------------------------------------------------------------------


def _squash(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", ["PMC3564701", "PMC4313086", "PMC5457246"])
def test_two_column_pdf(name):
    from difflib import SequenceMatcher

    from matnlp.text.normalize import normalize

    expected = json.loads((PDF / f"{name}.expected.json").read_text(encoding="utf-8"))
    doc = only_doc(PDF / f"{name}.pdf")
    assert doc.meta.title == expected["title"] and doc.meta.extra["reader"] == "pymupdf"
    want = _squash(normalize("\n\n".join([expected["title"], *expected["paragraphs"]])))
    assert SequenceMatcher(None, want, _squash(doc.text), autojunk=False).ratio() >= 0.98
    assert "J. Imag. Fuel Cells" not in doc.text  # running header
    assert not re.search(r"\n\n\d{1,2}\n\n", doc.text)  # page numbers
    assert "\ufb01" not in doc.text and "ﬂ" not in doc.text
    assert len(doc.paragraphs) == len(expected["paragraphs"]) + 1
    check_spans(doc)


@pytest.mark.parametrize("name", ["bad_PMC3564701.pdf", "bad_PMC4313086.pdf"])
def test_truncated_pdf_is_one_error(name):
    (item,) = read_file(PDF / name)
    assert isinstance(item, IngestError) and "damaged PDF" in item.reason


# --- corpus round trip -------------------------------------------------------------------------------------


def test_structure_survives_the_corpus(tmp_path):
    from matnlp.corpus import Corpus, ingest

    ingest([MARKUP / "springer_api.xml", MARKUP / "rsc_article.html"], tmp_path / "corpus", progress=False)
    docs = {d.id: d for d in Corpus(tmp_path / "corpus")}
    springer = docs["10.9999/s99999-021-00042-x"]
    assert springer.tables[0].units == [None, "K", "S cm−1", "S cm−1", "eV"]
    assert [s.number for s in docs["10.1039/C9XX01234A"].sections][2:5] == ["1", "2", "2.1"]
    assert springer.back_matter and springer.front_matter and springer.captions and springer.paragraphs
    assert Document.from_dict(springer.to_dict()) == springer


def test_old_shards_still_load():
    d = {"id": "x", "text": "Some text.", "source": {"path": "p", "format": "text", "sha256": "", "record": None},
         "meta": {"doi": None, "title": None, "authors": [], "journal": None, "year": None, "extra": {}},
         "sections": [{"title": "Title", "start": 0, "end": 4}], "sentences": []}
    doc = Document.from_dict(d)
    assert doc.tables == [] and doc.sections[0].number is None and doc.sections[0].level == 1


# --- reference lists run into the text of flattened plain-text exports (SOFC-Exp) ------------------------------


def test_numbered_reference_run_leaves_the_last_paragraph(data):
    doc = only_doc(data / "sofc_exp_texts" / "texts" / "PMC3730159.txt")
    refs = [m.text for m in doc.back_matter if m.kind == "references"]
    assert len(refs) >= 95 and refs[0].startswith("1 WagnerC Adsorbed atomic species")
    assert "WagnerC" not in doc.text and "Advances in Catalysis 1970" not in doc.text
    assert "is gratefully acknowledged." in doc.text  # the text before the list stays
    assert "Figure 1 Catalyst structure schematic drawing." in doc.text  # and the captions after it


def test_reference_list_printed_line_by_line_leaves_the_text(data):
    doc = only_doc(data / "sofc_exp_texts" / "texts" / "PMC4495617.txt")
    refs = [m.text for m in doc.back_matter if m.kind == "references"]
    assert len(refs) >= 30 and any(r.startswith("DongX. et al. Single layer fuel cell") for r in refs)
    assert "DongX. et al." not in doc.text and "Power Sources. 249, 270–276 (2014)" not in doc.text
    assert "Prof Bin Zhu acknowledges the support" in doc.text


def test_reference_run_cut_before_author_contributions(data):
    doc = only_doc(data / "sofc_exp_texts" / "texts" / "PMC5331335.txt")
    assert "IwaharaH., EsakaT." not in doc.text
    assert "J.-H.L. advised in the interpretation of data regarding the electrochemical properties." in doc.text


def test_body_citations_are_not_a_reference_run(data):
    doc = only_doc(data / "sofc_exp_texts" / "texts" / "PMC3564701.txt")
    body = doc.text[:doc.text.index("Acknowledgments")]
    assert "Shim et al. demonstrated that a fuel cell employing a 40-nm-thick yttria-stabilized zirconia" in body
    assert not [m for m in doc.back_matter if m.kind == "references" and "Shim et al." in m.text]
    assert "O’HayreR ChaSW" not in doc.text
