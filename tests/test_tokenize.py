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
