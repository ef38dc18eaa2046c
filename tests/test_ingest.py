"""Ingest: real corpora (SOFC-Exp texts, MSPT procedures), every reader on hand-written fixtures, bad input."""

from pathlib import Path

import pytest

from matnlp.errors import IngestError
from matnlp.ingest import iter_inputs, read_file, sniff
from matnlp.types import Document


def read_all(paths, **filters) -> list:
    return [item for path in iter_inputs(paths, **filters) for item in read_file(path)]


def only_doc(path) -> Document:
    (item,) = read_file(path)
    assert isinstance(item, Document), item
    return item


def only_error(path) -> IngestError:
    (item,) = read_file(path)
    assert isinstance(item, IngestError), item
    assert item.path == str(path)
    return item


def assert_offsets(doc: Document) -> None:
    n = len(doc.text)
    assert doc.sentences
    for sentence in doc.sentences:
        assert 0 <= sentence.start < sentence.end <= n
        for token in sentence.tokens:
            assert doc.text[token.start : token.end] == token.text
            assert sentence.start <= token.start < token.end <= sentence.end
    for section in doc.sections:
        assert 0 <= section.start < section.end <= n


def section_titles(doc: Document) -> list[str]:
    return [s.title for s in doc.sections]


def section_text(doc: Document, title: str) -> str:
    (section,) = [s for s in doc.sections if s.title == title]
    return doc.text[section.start : section.end]


# --- real data ---------------------------------------------------------------------------------------------


def test_sofc_exp_texts(data):
    results = read_all([data / "sofc_exp_texts" / "texts"], include=["PMC*.txt"])
    docs = [r for r in results if isinstance(r, Document)]
    assert len(results) == 45 and len(docs) == 45
    assert len({d.id for d in docs}) == 45 and all(d.id.startswith("PMC") for d in docs)
    assert all(d.source.format == "text" and len(d.source.sha256) == 64 for d in docs)
    for doc in docs:
        assert_offsets(doc)


def test_mspt_procedures(data):
    folder = data / "mspt" / "data"
    results = read_all([folder])  # the .ann files are skipped by the walk
    docs = {r.id: r for r in results if isinstance(r, Document)}
    assert len(results) == 230 and len(docs) == 230
    doc = docs["10.1002/adma.200903953"]
    assert doc.meta.doi == "10.1002/adma.200903953"
    assert doc.meta.title.startswith("High-Performance Oxygen-Permeable Membranes with an Asymmetric Structure")
    assert doc.source.format == "brat-txt" and doc.meta.extra["ann"] == "101002adma200903953.ann"
    assert doc.text.startswith(doc.meta.title + "\n\nA porous BLF support")
    titled = 0
    for doc in docs.values():
        lines = Path(doc.source.path).read_text(encoding="utf-8").split("\n")
        assert doc.meta.doi == lines[0].strip()
        if lines[1].strip():
            assert doc.meta.title == lines[1].strip() and section_titles(doc)[0] == "Title"
        titled += doc.meta.title is not None
        assert_offsets(doc)
    assert titled == 227  # three files have a blank line 2 and no short title line


# --- plain text, brat, JSON ------------------------------------------------------------------------------


def test_plain_text_title_and_paragraphs(fixtures):
    doc = only_doc(fixtures / "ingest" / "perovskite_note.txt")
    assert doc.id == "perovskite_note"
    assert doc.meta.title == "Notes on a CsPbBr3 nanocrystal synthesis"
    assert doc.text.count("\n\n") == 2 and doc.meta.extra == {}
    assert_offsets(doc)


def test_encoding_fallbacks(fixtures):
    cp1252 = only_doc(fixtures / "ingest" / "cp1252_note.txt")
    assert cp1252.meta.extra["encoding"] == "cp1252"
    assert "800 °C" in cp1252.text and "–" in cp1252.text
    utf16 = only_doc(fixtures / "ingest" / "utf16_note.txt")
    assert utf16.meta.extra["encoding"] == "utf-16" and "1400 °C" in utf16.text


def test_brat_fixture(fixtures):
    doc = only_doc(fixtures / "ingest" / "109999matnlp2022042.txt")
    assert doc.id == doc.meta.doi == "10.9999/matnlp.2022.042"
    assert doc.meta.title == "Solid-state synthesis of Li7La3Zr2O12 garnet doped with Al"
    assert doc.meta.extra == {"ann": "109999matnlp2022042.ann"}


def test_jsonl_records(fixtures):
    docs = read_file(fixtures / "ingest" / "papers.jsonl")
    assert [type(d) for d in docs] == [Document] * 3
    lfp, ncm, tio2 = docs
    assert lfp.id == lfp.meta.doi == "10.9999/matnlp.lfp.2021.001"
    assert lfp.meta.authors == ["A. Moreau", "K. Tanaka"] and lfp.meta.year == 2021
    assert lfp.meta.journal == "Journal of Imaginary Batteries"
    assert section_titles(lfp) == ["Title", "Abstract"]
    assert section_text(lfp, "Abstract").startswith("Olivine LiFePO4")
    assert ncm.id == "ncm-002" and "Sintering for 15 h" in ncm.text and "Cation mixing" in ncm.text
    assert tio2.id == "papers#2" and tio2.source.record == 2
    for doc in docs:
        assert_offsets(doc)


def test_json_object_with_list(fixtures):
    (doc,) = read_file(fixtures / "ingest" / "papers.json")
    assert doc.id == "10.9999/matnlp.sno2.2020.7" and doc.meta.year == 2020
    assert doc.meta.title == "SnO2 quantum dots"


def test_jsonl_bad_records_do_not_stop_the_others(fixtures):
    path = fixtures / "ingest" / "papers_bad_line.jsonl"
    results = read_file(path)
    assert [d.id for d in results if isinstance(d, Document)] == ["good-1", "good-2"]
    errors = [e for e in results if isinstance(e, IngestError)]
    assert [e.path for e in errors] == [str(path)] * 2
    assert "line 2" in errors[0].reason and "line 4" in errors[1].reason
    results = read_file(fixtures / "ingest" / "bad_utf8.jsonl")
    assert isinstance(results[0], Document)
    assert isinstance(results[1], IngestError) and "line 2: invalid UTF-8" in results[1].reason


def test_gzip_input(fixtures):
    plain = only_doc(fixtures / "ingest" / "perovskite_note.txt")
    packed = only_doc(fixtures / "ingest" / "compressed_note.txt.gz")
    assert packed.text == plain.text and packed.id == "compressed_note"


# --- bad input and walking ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty.txt", "empty file"),
        ("whitespace.txt", "empty file"),
        ("random_bytes.bin", "binary content, not text"),
        ("truncated.txt.gz", "unreadable"),
        ("109999matnlp2022042.ann", "not a paper"),
        ("missing.txt", "no such file"),
    ],
)
def test_bad_input_is_one_error(fixtures, name, reason):
    assert reason in only_error(fixtures / "ingest" / name).reason


def test_size_limits(tmp_path, monkeypatch):
    import gzip

    from matnlp.ingest import walk

    bomb = tmp_path / "bomb.txt.gz"
    bomb.write_bytes(gzip.compress(b"Al2O3 " * 100_000))
    monkeypatch.setattr(walk, "MAX_INPUT_BYTES", 10_000)
    assert "decompressed size exceeds limit" in only_error(bomb).reason


def test_iter_inputs_filters_and_order(fixtures, tmp_path):
    folder = fixtures / "ingest"
    found = list(iter_inputs([folder, folder / "papers.jsonl"], include=["*.jsonl", "*.txt"], exclude=["bad*"]))
    assert found == sorted(found) and len(found) == len(set(found))
    assert folder / "papers.jsonl" in found and not any(p.suffix == ".ann" for p in found)
    assert not any(p.name.startswith("bad") for p in found)
    assert list(iter_inputs([str(folder / "papers*.json*")])) == [folder / "papers.json", folder / "papers.jsonl",
                                                                 folder / "papers_bad_line.jsonl"]


def test_sniff_content_before_suffix():
    assert sniff(b'{"text": "x"}', "paper.txt") == "jsonl"
    assert sniff(b"10.1021/ja000001\nTitle\nBody", "x.txt") == "brat-txt"
    assert sniff(b"Just words.", "x.json") == "jsonl"
    assert sniff(b"Just words.", "x.dat") == "text"


# --- publisher markup and PDF ---------------------------------------------------------------------------------

MARKUP = {
    # file: (reader, doi, title, first author, journal, year, headings)
    "jats_pmc.xml": ("jats", "10.9999/jib.2021.0101", "Carbon-coated LiFePO4 from a citrate sol–gel route",
                     "Anne Moreau", "Journal of Imaginary Batteries", 2021, ["Experimental", "Results and discussion"]),
    "springer_jats.xml": ("jats", "10.9999/jpc.2019.0042",
                          "Sintering of Al-doped Li7La3Zr2O12 garnet pellets", "Chidi Okafor",
                          "Journal of Pretend Ceramics", 2019, ["Methods", "Conductivity"]),
    "elsevier.xml": ("elsevier", "10.9999/j.fakecat.2020.05.017",
                     "Hydrothermal ZnO nanorods for photocatalytic dye degradation", "Silva, Marta",
                     "Fake Catalysis Letters", 2020, ["Synthesis", "Photocatalysis"]),
    "uspto.xml": ("uspto", None, "Method for making a sodium layered oxide cathode", "Claire Dubois", None,
                  2018, ["BACKGROUND", "DETAILED DESCRIPTION"]),
    "acs.html": ("acs", "10.1021/fake.2022.0007", "Low-temperature synthesis of BaTiO3 nanocubes",
                 "Rossi, Luca", "Fake Chemistry of Materials", 2022, ["Experimental Section", "Results"]),
    "rsc.html": ("rsc", "10.1039/fake00123a", "Mechanochemical synthesis of CsPbBr3 perovskite powders",
                 "Schmidt, Jonas", "Imaginary Journal of Materials Chemistry", 2019, ["Introduction", "Experimental"]),
    "springer.html": ("springer", "10.1007/fake-2017-0099",
                      "Spray pyrolysis of SnO2:F transparent electrodes", "García, Lucía",
                      "Journal of Invented Thin Films", 2017, ["Experimental", "Results"]),
}
ABSTRACT_STARTS = {"jats_pmc.xml": "Olivine LiFePO4", "springer_jats.xml": "Cubic garnet", "elsevier.xml": "ZnO nanorods grown",
                   "uspto.xml": "A layered NaNi1/3", "acs.html": "Barium titanate", "rsc.html": "CsBr and PbBr2 were ball",
                   "springer.html": "Fluorine-doped tin oxide"}


@pytest.mark.parametrize("name", sorted(MARKUP))
def test_markup_reader_keeps_metadata_and_structure(fixtures, name):
    reader, doi, title, author, journal, year, headings = MARKUP[name]
    doc = only_doc(fixtures / "ingest" / "markup" / name)
    assert doc.meta.extra["reader"] == reader
    assert (doc.meta.doi, doc.meta.title, doc.meta.authors[0], doc.meta.journal, doc.meta.year) == (
        doi, title, author, journal, year)
    assert doc.id == (doi or Path(name).stem)
    assert section_titles(doc) == ["Title", "Abstract", *headings]
    assert section_text(doc, "Title") == title
    assert section_text(doc, "Abstract").startswith(ABSTRACT_STARTS[name])
    assert doc.text.count(ABSTRACT_STARTS[name]) == 1
    assert_offsets(doc)


def test_jats_front_matter_is_not_body_text(fixtures):
    doc = only_doc(fixtures / "ingest" / "markup" / "jats_pmc.xml")
    assert "PMC0000001" not in doc.text and "Kenji" not in doc.text
    assert section_text(doc, "Results and discussion").endswith("X-ray diffraction pattern of the calcined LiFePO4.")


def test_pdf_reader(fixtures):
    doc = only_doc(fixtures / "ingest" / "markup" / "paper.pdf")
    assert doc.source.format == "pdf" and doc.id == "paper"
    assert doc.meta.title == "Microwave synthesis of MnO2 nanosheets"
    assert doc.meta.authors == ["Ito, Haruka", "Berg, Lars"]
    assert "310 F/g" in doc.text
    assert_offsets(doc)


def test_gzipped_xml_is_sniffed_by_inner_name(fixtures):
    doc = only_doc(fixtures / "ingest" / "markup" / "uspto.xml.gz")
    assert doc.source.format == "xml" and doc.id == "uspto"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("bad_truncated_jats.xml", "malformed XML"),
        ("bad_truncated_elsevier.xml", "malformed XML"),
        ("bad_invalid_utf8.xml", "malformed XML"),
        ("bad_truncated_acs.html", "truncated HTML"),
        ("bad_truncated.pdf", "damaged PDF"),
        ("bad_corrupt.pdf", "unreadable PDF"),
        ("bad_xxe.xml", "declares entities"),
        ("bad_billion_laughs.xml", ""),
    ],
)
def test_bad_markup_is_one_error(fixtures, name, reason):
    assert reason in only_error(fixtures / "ingest" / "markup" / name).reason


def test_xxe_never_leaks_local_files(fixtures, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-HOSTNAME-42")
    xml = (fixtures / "ingest" / "markup" / "bad_xxe.xml").read_text().replace("file:///etc/hostname", secret.as_uri())
    for name in ("leak.xml", "leak.txt", "leak.html"):
        (tmp_path / name).write_text(xml)
        (item,) = read_file(tmp_path / name)
        assert "TOP-SECRET" not in repr(item) and "TOP-SECRET" not in getattr(item, "text", "")
