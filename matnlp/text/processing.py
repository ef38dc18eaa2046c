"""mat2vec-style token view for word embeddings and Matscholar-trained NER (Tshitoyan et al. 2019).

A separate view of a sentence's tokens, never an edit of ``Document.text``: every :class:`ProcessedToken` keeps
the character span of the original token (or of the part of it, when a token is split) it came from.

Rules, in mat2vec's order:

1. **Numbers** → ``<nUm>`` (``1,000``, ``-0.5``, ``1.5(2)``), except a number alone in brackets, a crystal
   direction or plane: ``( 111 )``, ``[ 100 ]``, ``〈 110 〉``, ``{ 100 }`` keep their digits.
2. **Number–unit pairs** left joined by the tokenizer are split (``5V`` → ``<nUm>`` ``V``); an element or element
   name with a roman valence is split too (``Fe(II)`` → ``Fe`` ``(II)``).
3. **Element names** (``iron``, ``Aluminium``) are lowercased and recorded in ``ProcessedToken.element``.
4. **Formulas** (:func:`matnlp.chem.is_formula`) are written as :attr:`Composition.mat2vec_formula`, alphabetical
   with integer amounts (``SiO2`` → ``O2Si``, ``LiNi0.6Co0.2Mn0.2O2`` → ``CoLi5MnNi3O10``), as the Matscholar
   and mat2vec corpora are (a diatomic gas reduces too: ``O2`` → ``O``, as in those corpora).
5. **Selective lowercasing**: a one-letter token or a capitalized word (``The``, ``Thermoelectric``, ``X-ray``) is
   lowercased unless it is an element symbol, a unit or an element with a crystal direction (``Fe(110)``).
   Acronyms (``XRD``, ``ZT``) and mixed case stay. As in mat2vec (and so in the Matscholar data), a
   sentence-initial ``In``/``As``/``At`` is an element symbol and stays capitalized.
6. **Accents** are removed from tokens longer than one character (``Néel`` → ``Neel``), except ``Å``/``å``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ..chem import ELEMENT_NAMES, ELEMENT_SET, element_from_name, is_formula, parse_formula
from ..types import Sentence, Token
from .normalize import normalize
from .tokenize import UNITS, sentences

NUMBER = "<nUm>"

#: Units split from a number they are glued to, and kept capitalized when they stand alone.
SPLIT_UNITS = UNITS | frozenset(
    """days day weeks week hours hour minutes minute seconds months month years year cycles ions mass wt. at. mol.
    vol. h. Oe kOe emu psi mTorr kbar Gy kGy MGy mGy Da kDa sccm mK mJ GJ ng mN kN MN cd mcd HV rad Mrad dpa
    cm-1 cm−1 cm-2 cm−2 cm-3 cm−3 m-2 m−2 m-3 m−3 s-1 s−1 cm2 cm3 m2 m3 mAcm−2 mWcm−2 Scm−1 Acm−2 gcm−3 mAhg−1
    Ag−1 mAg−1 Wm−1K−1 Wkg−1 kJmol−1 gL−1 molL−1 mgL−1 Jcm−2 Vcm−1 mVs−1 cm2V−1s−1 ºC ˚C A˚""".split()
)
_BRACKETS = {"(": ")", "[": "]", "〈": "〉", "{": "}", "<": ">"}
_NUMBER = re.compile(r"[+\-−±]?\d*\.?\d+(?:\(\d+\))?")
_NUMBER_UNIT = re.compile(r"([+\-−]?\d*\.?\d+)(\D.*)")
_VALENCE = re.compile(r"([A-Za-z]+)(\((?:IV|V?I{1,3}|V)\))")
_ELEMENT_DIRECTION = re.compile(r"([A-Z][a-z]?)\(\d{3,4}\)")
_KEEP_ACCENTED = frozenset("Åå")


@dataclass(slots=True)
class ProcessedToken:
    """One token of the processed view and the span of the original text it came from."""

    text: str
    start: int
    end: int
    element: str | None = None


Piece = tuple[str, int, int, str | None]  # processed text, start and end relative to the token, element


def is_number(word: str) -> bool:
    """Whether a token is a plain number (thousands commas allowed, an uncertainty in brackets allowed)."""
    return _NUMBER.fullmatch(word.replace(",", "")) is not None


def _remove_accents(word: str) -> str:
    if len(word) < 2 or word.isascii():
        return word
    return "".join(c if c in _KEEP_ACCENTED else _strip_marks(c) for c in word)


@lru_cache(maxsize=1024)
def _strip_marks(char: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))


def _process_word(word: str) -> tuple[str, str | None]:
    """Processed form of a word that is not a number, and the element it names (if any)."""
    element = element_from_name(word)
    if element is not None:
        return word.lower(), element
    if is_formula(word):
        return parse_formula(word).mat2vec_formula, None
    capitalized = word[:1].isupper() and word[1:].islower()
    if (
        (len(word) == 1 or capitalized)
        and word not in ELEMENT_SET
        and word not in SPLIT_UNITS
        and not _ELEMENT_DIRECTION.match(word)
    ):
        word = word.lower()
    return _remove_accents(word), None


@lru_cache(maxsize=131072)
def _split(word: str) -> tuple[Piece, ...]:
    """The pieces of a token that is not a bracketed number: number+unit and element+valence are split."""
    if is_number(word):
        return ((NUMBER, 0, len(word), None),)
    match = _NUMBER_UNIT.fullmatch(word)
    if match and match.group(2) in SPLIT_UNITS:
        cut = match.end(1)
        return ((NUMBER, 0, cut, None), (match.group(2), cut, len(word), None))
    match = _VALENCE.fullmatch(word)
    if match and (match.group(1) in ELEMENT_SET or match.group(1).lower() in ELEMENT_NAMES):
        cut = match.end(1)
        head, element = _process_word(match.group(1))
        return ((head, 0, cut, element), (match.group(2), cut, len(word), None))
    processed, element = _process_word(word)
    return ((processed, 0, len(word), element),)


def _is_direction(words: list[str], i: int) -> bool:
    """Whether ``words[i]`` is a number alone in matching brackets, like ``( 111 )``."""
    return 0 < i < len(words) - 1 and _BRACKETS.get(words[i - 1]) == words[i + 1] and words[i].isdigit()


def _placeholder_at(words: list[str], tokens: list[Token], i: int) -> bool:
    """An already-processed ``<nUm>`` that the tokenizer split into ``<``, ``nUm``, ``>``."""
    return words[i : i + 3] == ["<", "nUm", ">"] and tokens[i + 2].start - tokens[i].end == 3


def process_tokens(text: str, tokens: list[Token]) -> list[ProcessedToken]:
    """mat2vec-style view of ``tokens`` (one sentence), whose offsets point into ``text``.

    Idempotent: already-processed text (``<nUm>``, canonical formulas, lower case) comes out unchanged.
    """
    words = [text[t.start : t.end] for t in tokens]
    result: list[ProcessedToken] = []
    i = 0
    while i < len(tokens):
        token, word = tokens[i], words[i]
        if _placeholder_at(words, tokens, i):
            result.append(ProcessedToken(NUMBER, token.start, tokens[i + 2].end))
            i += 3
            continue
        if _is_direction(words, i):
            result.append(ProcessedToken(word, token.start, token.end))
        else:
            for processed, a, b, element in _split(word):
                result.append(ProcessedToken(processed, token.start + a, token.start + b, element))
        i += 1
    return result


def process_word(word: str) -> str:
    """Processed form of a lone word (its first piece if it splits, ``10mL`` -> ``<nUm>``): the key under which
    mat2vec-style embeddings store it."""
    return _split(word)[0][0]


def process_sentence(text: str, sentence: Sentence) -> list[ProcessedToken]:
    """mat2vec-style view of one sentence of ``text``."""
    return process_tokens(text, sentence.tokens)


def process_text(text: str) -> list[str]:
    """Normalize, tokenize and process a free text (e.g. an embedding query) into processed token strings."""
    clean = normalize(text)
    return [p.text for sentence in sentences(clean) for p in process_sentence(clean, sentence)]
