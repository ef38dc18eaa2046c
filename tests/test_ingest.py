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
