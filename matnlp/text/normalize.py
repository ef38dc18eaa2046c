"""Offset-safe text cleanup for one block of a paper.

``normalize_with_map`` returns the clean text and, for every clean character, the index of the raw character it
came from, so raw offsets can always be recovered. Steps, in order:

1. **Mojibake** (UTF-8 read as cp1252/latin-1, e.g. ``Î¼m`` → ``μm``, ``700Â°C`` → ``700°C``): ftfy, only on blocks
   it flags as bad, with quote uncurling, width folding, ligature folding and its own normalization switched off.
2. **Line-end hyphenation**: ``syn-\\nthesis`` → ``synthesis`` when both neighbours are lowercase letters;
   otherwise (``Y-\\ndoped``) the hyphen stays and only the line break goes (``Y-doped``).
3. **Characters**: NFKC per character (ligatures ``ﬁ`` → ``fi``, full-width forms, ``℃`` → ``°C``, ``Å`` (U+212B)
   → ``Å``, micro sign ``µ`` → Greek ``μ``, no-break and thin spaces → space) with chemistry-aware exceptions:
   ordinal/ring signs used as degrees (``º``, ``˚``) → ``°``, and a white bullet or ring operator before C or F
   (``1000 ◦C``, ``25∘F``, as PDF-to-text and some XML give it) → ``°``; non-breaking hyphens → ``-``. Unicode sub- and
   superscript digits are folded too, deliberately: ``Li₂O`` → ``Li2O`` (a formula the tokenizer and parser know)
   and ``cm⁻²`` → ``cm−2`` (superscript minus becomes U+2212, the form mat2vec's unit list uses). Format characters
   (soft hyphen, zero-width spaces/joiners, bidi controls, BOM) and control characters are removed; the "¼" or
   "1⁄4" Elsevier PDFs print for "=" becomes "=" when spaces stand around it (``IEC ¼ 1.43``); ``\\r\\n``
   and ``\\r`` become ``\\n``; a combining mark is composed with its base (``A`` + ring → ``Å``).
4. **Whitespace**: runs of spaces/tabs → one space; spaces around line breaks dropped; single ``\\n`` kept (the
   SOFC-Exp texts put one sentence per line, which helps sentence splitting); two or more line breaks → ``\\n\\n``
   (a paragraph break for the tokenizer); the block is stripped.
5. **In-line hyphenation** (PDF-to-text with the line breaks gone): ``concen- tration`` → ``concentration``; only
   the space goes in a compound (``well- defined``, ``B- site``, ``carbon- based``, a pair the block also writes
   hyphenated); a suspended hyphen (``solid- and liquid-phase``) and a charge (``OH- around``) stay.

ASCII text with nothing to fix passes through with a few regex scans and no per-character Python work.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

import ftfy

Edit = tuple[int, int, str]  # replace text[start:end] with the string

_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_character_width=False,
    fix_latin_ligatures=False,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)
_INVISIBLE = r"[\u00ad\u200b-\u200f\u2060\ufeff]*"  # removed later, so they must not block a join
_BLANK = r"[ \t\u00ad\u200b-\u200f\u2060\ufeff]*"
_HYPHENATION = re.compile(rf"(?<=[^\W\d_]){_INVISIBLE}[-\u00ad\u2010]{_BLANK}\r?\n{_BLANK}(?=[^\W\d_])")
#: A line-break hyphen PDF-to-text left inside a line: ``concen- tration``.
_SPACED_HYPHEN = re.compile(r"\b([^\W\d_]+)- (?=([a-z]+)\b)")
#: Second parts that mark a suspended hyphen (``solid- and liquid-phase``), kept as they are.
_SUSPENDED = frozenset("and or to nor as but versus vs via with und".split())
#: Anions and the electron written with a trailing charge sign (``OH- around``, ``e- transfer``), kept as they are.
_CHARGED = frozenset("OH Cl F Br I H e".split())
#: Words that form hyphenated compounds (``well- defined``, ``carbon- based``): the hyphen stays, the space goes.
_COMPOUND_FIRST = frozenset(
    "self well high low non cross long short half full semi quasi one two three four five six seven eight nine ten "
    "first second third single double triple room open closed anion cation proton electron inner outer medium "
    "polymer".split()
)
_COMPOUND_SECOND = frozenset(
    "based type site induced doped free rich poor like sized scale dependent temperature defined sectional centered "
    "centred prepared assisted derived coated loaded supported containing related shaped state phase layer order "
    "step time term range level made treated modified mediated driven limited controlled deficient stabilized "
    "stabilised substituted resistant sensitive specific independent selective cathode anode electrode oxide "
    "conducting conductive situ exchange electrolyte voltage potential sphere".split()
)
# UTF-8 read as cp1252/latin-1 always shows a lead byte (Â…ô) before a continuation byte (U+0080–U+00BF or its
# cp1252 glyph, or a space where a no-break space was lost: "Â "); text without such a pair is left to the fast path and never reaches ftfy's slower check.
_MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
    "\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]|[\u00c2\u00c3] "
)
_WORD = re.compile(r"\S+\s*|\s+")
_SPECIAL_CHAR = re.compile(r"[^\t\n\x20-\x7e]")
_COMBINING_RUN = re.compile(r"[^\W\d_][\u0300-\u036f]+")
# A white bullet (U+25E6) or ring operator (U+2218) used as a degree sign: before C/F, not before a word.
_RING_DEGREE = re.compile(r"[\u25e6\u2218](?= ?[CF](?![^\W\d_]))")
# Elsevier PDFs print "=" as "¼" (or "1⁄4"): "IEC ¼ 1.43 meq g−1", "SPt 1⁄4 S(e)Pt"; only between spaces and not
# before a word ("¼ of the cells" is a quarter).
_QUARTER_EQUALS = re.compile("(?<= )(?:\u00bc|1\u20444)(?= (?![a-z]{2,}\\b))")
_WHITESPACE = re.compile(r"^[ \t\n]+|[ \t\n]+$|[ \t]*\n[ \t\n]*|[ \t]{2,}|\t")
_REPLACEMENTS = {
    "\u00ba": "°",
    "\u02da": "°",
    "\u2010": "-",
    "\u2011": "-",
    "\r": "\n",
    "\x0b": "\n",
    "\x0c": "\n",
    "\u2028": "\n",
    "\u2029": "\n\n",
}


@lru_cache(maxsize=4096)
def _fix_char(char: str) -> str:
    """Clean form of one non-ASCII or control character (possibly empty or several characters)."""
    if char in _REPLACEMENTS:
        return _REPLACEMENTS[char]
    if unicodedata.category(char) in ("Cc", "Cf"):
        return ""
    if unicodedata.combining(char):
        return char  # composed with its base in a later step
    return unicodedata.normalize("NFKC", char)


def _mojibake_edits(text: str) -> list[Edit]:
    if text.isascii() or not _MOJIBAKE_HINT.search(text) or not ftfy.is_bad(text):
        return []
    fixed = ftfy.fix_text(text, _FTFY_CONFIG)
    raw_lines, fixed_lines = text.split("\n"), fixed.split("\n")
    if len(raw_lines) != len(fixed_lines):
        return _diff_edits(text, fixed, 0)
    edits: list[Edit] = []
    pos = 0
    for raw, new in zip(raw_lines, fixed_lines):
        if raw != new:
            edits.extend(_diff_edits(raw, new, pos))
        pos += len(raw) + 1
    return edits


def _diff_edits(raw: str, new: str, offset: int) -> list[Edit]:
    """Minimal edits turning ``raw`` into ``new``: words are aligned first, then characters inside changed words
    (ftfy's changes are short and local; a character-level diff of a long line would be slow)."""
    raw_words, new_words = _WORD.findall(raw), _WORD.findall(new)
    starts = [0]
    for word in raw_words:
        starts.append(starts[-1] + len(word))
    edits: list[Edit] = []
    words = difflib.SequenceMatcher(None, raw_words, new_words, autojunk=False)
    for op, a, b, c, d in words.get_opcodes():
        if op == "equal":
            continue
        old_part, new_part = "".join(raw_words[a:b]), "".join(new_words[c:d])
        chars = difflib.SequenceMatcher(None, old_part, new_part, autojunk=False)
        base = offset + starts[a]
        edits.extend(
            (base + i, base + j, new_part[k:m]) for tag, i, j, k, m in chars.get_opcodes() if tag != "equal"
        )
    return edits


def _hyphenation_edits(text: str) -> list[Edit]:
    edits: list[Edit] = []
    for match in _HYPHENATION.finditer(text):
        a, b = match.span()
        both_lower = text[a - 1].islower() and text[b].islower()
        edits.append((a, b, "" if both_lower else "-"))
    return edits


def _spaced_hyphen_edits(text: str) -> list[Edit]:
    edits: list[Edit] = []
    for match in _SPACED_HYPHEN.finditer(text):
        first, second = match.groups()
        if second in _SUSPENDED or (first in _CHARGED and second not in _COMPOUND_SECOND):
            continue
        compound = f"{first}{second}" not in text and (
            len(first) == 1 or not first[1:].islower() or first.lower() in _COMPOUND_FIRST
            or second in _COMPOUND_SECOND or f"{first}-{second}" in text
            or (len(first) > 5 and (first.endswith("ed") or (len(second) > 5 and second.endswith("ed")))))
        edits.append((match.end(1), match.end(), "-" if compound else ""))
    return edits


def _char_edits(text: str) -> list[Edit]:
    edits: list[Edit] = []
    for match in _SPECIAL_CHAR.finditer(text):
        char = match.group()
        fixed = "=" if char == "\u00bc" and _QUARTER_EQUALS.match(text, match.start()) else _fix_char(char)
        if fixed != char:
            edits.append((match.start(), match.end(), fixed))
    for match in _QUARTER_EQUALS.finditer(text):
        if match.group() != "\u00bc":
            edits.append((match.start(), match.end(), "="))
    for match in _RING_DEGREE.finditer(text):
        edits.append((match.start(), match.end(), "°"))
    for match in _COMBINING_RUN.finditer(text):
        composed = unicodedata.normalize("NFC", match.group())
        if composed != match.group():
            edits.append((match.start(), match.end(), composed))
    edits.sort()
    return edits


def _whitespace_edits(text: str) -> list[Edit]:
    edits: list[Edit] = []
    for match in _WHITESPACE.finditer(text):
        run, (start, end) = match.group(), match.span()
        breaks = run.count("\n")
        if start == 0 or end == len(text):
            fixed = ""
        else:
            fixed = "\n\n" if breaks > 1 else "\n" if breaks else " "
        if fixed != run:
            edits.append((start, end, fixed))
    return edits


def _apply(text: str, edits: list[Edit], index: list[int] | None) -> tuple[str, list[int] | None]:
    """Apply sorted, non-overlapping edits; carry the raw-index map along when one is given.

    A replacement of equal length keeps a one-to-one map; any other replacement maps all its characters to the
    raw index of the replaced span's first character.
    """
    if not edits:
        return text, index
    parts: list[str] = []
    new_index: list[int] = []
    pos = 0
    for start, end, repl in edits:
        if start < pos:  # overlaps a previous edit (only possible for composed runs): skip
            continue
        parts.append(text[pos:start])
        parts.append(repl)
        if index is not None:
            new_index.extend(index[pos:start])
            anchor = index[start] if start < len(index) else (index[-1] if index else 0)
            new_index.extend(index[start:end] if len(repl) == end - start else [anchor] * len(repl))
        pos = end
    parts.append(text[pos:])
    if index is not None:
        new_index.extend(index[pos:])
        return "".join(parts), new_index
    return "".join(parts), None


_STEPS = (_mojibake_edits, _hyphenation_edits, _char_edits, _whitespace_edits, _spaced_hyphen_edits)


def _run(text: str, track: bool) -> tuple[str, list[int] | None]:
    index = list(range(len(text))) if track else None
    for step in _STEPS:
        text, index = _apply(text, step(text), index)
    return text, index


def normalize(text: str) -> str:
    """Normalized text of one block (see the module docstring for what changes)."""
    return _run(text, track=False)[0]


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """Normalized text and, for each of its characters, the index of the raw character it came from."""
    clean, index = _run(text, track=True)
    assert index is not None
    return clean, index
