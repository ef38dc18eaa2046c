from matnlp.text.tokenize import sentences, word_tokens


def words(text):
    return [t.text for t in word_tokens(text)]


def test_formulas_stay_one_token():
    assert "Li(Ni0.8Co0.1Mn0.1)O2" in words("Li(Ni0.8Co0.1Mn0.1)O2 cathodes were made.")
    assert "MgCl2·6H2O" in words("MgCl2·6H2O was dissolved.")
    assert "Li1+xAl0.3Ti1.7(PO4)3" in words("Li1+xAl0.3Ti1.7(PO4)3 powder")


def test_number_unit_split():
    assert words("at 700°C for 5 h") == ["at", "700", "°C", "for", "5", "h"]
    assert words("5mg and 1000K and 3.5wt%") == ["5", "mg", "and", "1000", "K", "and", "3.5", "wt", "%"]


def test_offsets_and_paragraphs():
    text = "LiFePO4 was annealed at 700 °C. It was cooled.\n\nA heading\n\nNext paragraph 5mg."
    sents = sentences(text)
    assert [text[s.start : s.end] for s in sents] == [
        "LiFePO4 was annealed at 700 °C.",
        "It was cooled.",
        "A heading",
        "Next paragraph 5mg.",
    ]
    for s in sents:
        for t in s.tokens:
            assert text[t.start : t.end] == t.text


def test_a_megabyte_block_without_breaks_is_split_within_punkts_time_limit(data, monkeypatch):
    """A PDF text with no blank lines and no line breaks is one block; Punkt runs a match under NLTK's regex time
    limit, so a block is cut into pieces of at most ``_MAX_BLOCK`` characters before Punkt sees it (checked on the
    pieces Punkt gets, not by a clock)."""
    from matnlp.text import tokenize

    paper = (data / "sofc_exp_texts" / "texts" / "PMC3564701.txt").read_text(encoding="utf-8")
    text = " ".join(paper.split())
    text = " ".join([text] * (1_000_000 // len(text) + 1))
    seen: list[int] = []
    punkt = tokenize._SENTENCES.span_tokenize
    monkeypatch.setattr(tokenize._SENTENCES, "span_tokenize", lambda block: seen.append(len(block)) or punkt(block))
    sents = sentences(text)
    assert len(seen) > 90 and max(seen) <= tokenize._MAX_BLOCK
    assert sents[-1].end == len(text.rstrip()) and all(s.end - s.start < 20_000 for s in sents)
    assert sum(text[s.start : s.end].endswith(".") for s in sents) > 0.9 * len(sents)
    middle = text[sents[len(sents) // 2].start : sents[len(sents) // 2 + 2].end]
    assert [text[s.start : s.end] for s in sents[len(sents) // 2 : len(sents) // 2 + 3]] == [
        middle[s.start : s.end] for s in sentences(middle)]


def test_chunks_split_as_the_chemistry_tokenizer_splits_the_sentence():
    """Chunks are tokenized once per distinct text, end of sentence and ``NMR`` after it (``5.1H NMR`` splits at
    the dot, a last ``LiCoO2.`` loses its full stop): the spans are ChemDataExtractor's for the whole sentence."""
    from chemdataextractor.nlp.tokenize import ChemWordTokenizer

    text = "The 5.1H NMR signal of LiCoO2, (Ni0.5Mn0.5)O2 and Y-doped BaZrO3 at 25°C was 3.5ppm. The 5.1H LiCoO2."
    expected = ChemWordTokenizer().span_tokenize(text)
    assert [(t.start, t.end) for t in word_tokens(text)] == expected
    assert [(t.start, t.end) for t in word_tokens(text, 10)] == [(a + 10, b + 10) for a, b in expected]
