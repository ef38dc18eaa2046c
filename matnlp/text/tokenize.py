"""Sentence splitting and chemistry-aware word tokenization with character offsets.

Uses ChemDataExtractor's ChemSentenceTokenizer / ChemWordTokenizer (the Matscholar and MSPT gold data were
tokenized with ChemDataExtractor), then splits the number–unit pairs it leaves joined (``1000K``, ``3.5wt``).
Paragraphs (blank-line separated blocks) never share a sentence. A block longer than ``_MAX_BLOCK`` characters (a
PDF text without blank lines) is split at a line break or sentence end first: NLTK's Punkt runs each block under a
5-second regex time limit, which a megabyte block on a busy machine exceeds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from chemdataextractor.nlp.tokenize import ChemSentenceTokenizer, ChemWordTokenizer

from ..types import Document, Sentence, Token

_SENTENCES = ChemSentenceTokenizer()
_WORDS = ChemWordTokenizer()

UNITS = frozenset(
    """K °C °F ℃ wt at mol mmol µmol μmol mg g kg µg μg h hr hrs min s ms µs μs ns ps fs nm µm μm mm cm m km
    Å mL ml µL μL L M mM µM μM V kV mV eV meV keV Pa kPa MPa GPa bar mbar Torr torr atm Hz kHz MHz GHz THz W mW kW
    MW A mA µA μA S mS Ω kΩ MΩ rpm ppm ppb T mT J kJ MJ C mAh Ah Wh kWh dB vol""".split()
)
_NUMBER_UNIT = re.compile(r"^([+-−]?\d+(?:[.,]\d+)?)(\S+)$")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_MAX_BLOCK = 10_000  # well inside the 5 s NLTK allows one Punkt regex match, also on a busy machine
_CUTS = (re.compile(r"\n"), re.compile(r"[.!?]\s"), re.compile(r"\s"))


def _split_number_unit(text: str, start: int) -> list[Token]:
    match = _NUMBER_UNIT.match(text)
    if match and match.group(2) in UNITS:
        cut = match.end(1)
        return [Token(text[:cut], start, start + cut), Token(text[cut:], start + cut, start + len(text))]
    return [Token(text, start, start + len(text))]


def word_tokens(text: str, offset: int = 0) -> list[Token]:
    """Chemistry-aware word tokens of ``text``; offsets are shifted by ``offset``."""
    tokens: list[Token] = []
    for a, b in _WORDS.span_tokenize(text):
        tokens.extend(_split_number_unit(text[a:b], offset + a))
    return tokens


def paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """Spans of the blank-line separated blocks of ``text``."""
    pos = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        if match.start() > pos:
            yield pos, match.start()
        pos = match.end()
    if pos < len(text):
        yield pos, len(text)


def _windows(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """``(start, end)`` cut into pieces of at most ``_MAX_BLOCK`` characters, each ending at a line break, a sentence
    end or a space in its second half where there is one."""
    while end - start > _MAX_BLOCK:
        cut = start + _MAX_BLOCK
        for pattern in _CUTS:
            found = [m.end() for m in pattern.finditer(text, cut - _MAX_BLOCK // 2, cut)]
            if found:
                cut = found[-1]
                break
        yield start, cut
        start = cut
    yield start, end


def sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` with their tokens; every offset slices ``text`` exactly."""
    result: list[Sentence] = []
    for p_start, p_end in (w for block in paragraphs(text) for w in _windows(text, *block)):
        block = text[p_start:p_end]
        for a, b in _SENTENCES.span_tokenize(block):
            tokens = word_tokens(block[a:b], p_start + a)
            if tokens:
                result.append(Sentence(p_start + a, p_start + b, tokens))
    return result


def tokenize_document(doc: Document) -> Document:
    """Fill ``doc.sentences`` from ``doc.text`` (in place) and return the document."""
    doc.sentences = sentences(doc.text)
    return doc
