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
from functools import lru_cache

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
_CHUNK = re.compile(r"\S+")  # ChemWordTokenizer splits at whitespace first
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_MAX_BLOCK = 10_000  # well inside the 5 s NLTK allows one Punkt regex match, also on a busy machine
_CUTS = (re.compile(r"\n"), re.compile(r"[.!?]\s"), re.compile(r"\s"))


def _number_unit_spans(text: str, start: int) -> tuple[tuple[int, int], ...]:
    """``text`` (at ``start``) as one span, or two when it is a number joined to a unit."""
    match = _NUMBER_UNIT.match(text)
    if match and match.group(2) in UNITS:
        cut = start + match.end(1)
        return (start, cut), (cut, start + len(text))
    return ((start, start + len(text)),)


@lru_cache(maxsize=1 << 17)
def _chunk_spans(chunk: str, follower: str) -> tuple[tuple[int, int], ...]:
    """Word spans of a whitespace-free ``chunk`` relative to it. ChemWordTokenizer splits a chunk by its text
    alone, except that it looks whether a next chunk exists (``follower`` is ``""`` when none) and whether it
    is ``NMR``, so the spans are cached per chunk and :func:`_follower`."""
    spans = _WORDS.span_tokenize(f"{chunk} {follower}" if follower else chunk)
    return tuple(s for a, b in spans if b <= len(chunk) for s in _number_unit_spans(chunk[a:b], a))


def _follower(chunk: str | None) -> str:
    """What of the next chunk the word tokenizer depends on: none (``""``), ``NMR`` or another chunk (``"-"``)."""
    return "" if chunk is None else "NMR" if chunk == "NMR" else "-"


def word_tokens(text: str, offset: int = 0) -> list[Token]:
    """Chemistry-aware word tokens of ``text``; offsets are shifted by ``offset``."""
    chunks = [(m.start(), m.group()) for m in _CHUNK.finditer(text)]
    followers = [c for _, c in chunks[1:]] + [None]
    return [
        Token(chunk[a:b], offset + start + a, offset + start + b)
        for (start, chunk), follower in zip(chunks, followers)
        for a, b in _chunk_spans(chunk, _follower(follower))
    ]


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
