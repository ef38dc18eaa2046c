"""Plain text: paragraphs by blank lines (or lines), with the structure a typed paper shows.

- **title**: the first line when it looks like one (short, no sentence end, more text follows); PMC-style exports
  that print the title twice in a row at the start (``"T T authors …"``) give ``T`` as the title (the running text
  keeps the line as it is);
- **DOI**: a short line near the top that is a DOI (``doi:10.…``, ``DOI 10.…``, ``https://doi.org/10.…``), kept
  out of the running text;
- **headings**: numbered lines (``"2.4 Porosity"``, ``"3. Results"``) and ALL-CAPS lines (``"EXPERIMENTAL
  SECTION"``), with the number kept apart; a heading line at the head of a paragraph is split from it. What a
  heading opens (abstract, references, acknowledgements, …) is routed by :func:`.base.structure`;
- **reference runs**: flattened exports (PMC plain text) run the reference list, without a heading, into the last
  paragraph ("Acknowledgment … 1 WagnerC Adsorbed atomic species … Advances in Catalysis 1970 21 323"). A stretch
  dense in reference cues (author surname + initials, years, DOIs, journal abbreviations) is cut out of its
  paragraph and kept as ``references`` blocks, one per reference; the text around it stays in place.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..types import Meta
from .base import MAX_TITLE_CHARS, Block, Parsed, decode_text, match_doi, split_heading, split_paragraphs

_DOI_LINE = re.compile(r"^\s*(?:doi\s*:?\s*|https?://(?:dx\.)?doi\.org/)(10\.\d{4,9}/\S+?)[.,;]?\s*$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.;:,!?]$")
_CAPS_WORD = re.compile(r"[A-Z][A-Z&'’\-]*")
_MAX_HEADING_WORDS = 12


def read_text(data: bytes, path) -> Iterator[Parsed]:
    """One paper from plain text in any common encoding (a non-UTF-8 fallback is recorded in ``meta.extra``)."""
    text, encoding = decode_text(data, path)
    paragraphs = split_paragraphs(text)
    extra = {} if encoding in ("utf-8", "utf-8-sig") else {"encoding": encoding}
    doi = None
    blocks: list[Block] = []
    body: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        if doi is None and index < 10 and "\n" not in paragraph and len(paragraph) < 120:
            match = _DOI_LINE.match(paragraph)
            if match:
                doi = match_doi(match.group(1))
                blocks.append(Block("doi", paragraph))
                continue
        body.append(paragraph)
    for kind, piece in split_reference_runs(body):
        blocks.extend(_paragraph_blocks(piece) if kind == "paragraph" else [Block(kind, piece)])
    title = _repeated_title(text)
    first = next((i for i, b in enumerate(blocks) if b.kind != "doi"), None)
    if first is not None:
        block = blocks[first]
        if len(blocks) > first + 1 and _looks_like_title(block.text) and block.kind == "paragraph" and (
                title is None or " ".join(block.text.split()) == title):
            block.kind = "title"
    yield Parsed(blocks, Meta(doi=doi, title=title, extra=extra), id=doi)


def _looks_like_title(text: str) -> bool:
    return "\n" not in text and len(text) <= MAX_TITLE_CHARS and len(text.split()) <= 40


def _paragraph_blocks(paragraph: str) -> list[Block]:
    """A paragraph as blocks: a heading line at its head (or the whole paragraph) becomes a heading block."""
    first, _, rest = paragraph.partition("\n")
    heading = _heading(first)
    if heading is None:
        return [Block("paragraph", paragraph)]
    blocks = [heading]
    if rest.strip():
        blocks.extend(_paragraph_blocks(rest.strip()))
    return blocks


def _heading(line: str) -> Block | None:
    """A heading block when ``line`` is a numbered heading or an ALL-CAPS heading, else None."""
    line = line.strip()
    if not line or len(line) > 100 or _SENTENCE_END.search(line) and not re.search(r"\d\.$", line):
        return None
    number, title = split_heading(line)
    words = title.split()
    if not words or len(words) > _MAX_HEADING_WORDS or "=" in title:
        return None
    if number is not None:
        if _SENTENCE_END.search(title) or not title[:1].isupper() or re.fullmatch(r"[\d.,\s%]+", title):
            return None
        return Block("heading", title, number=number.rstrip("."), level=number.count(".") + 1)
    letters = [c for c in title if c.isalpha()]
    if len(letters) >= 6 and all(c.isupper() for c in letters) and all(
            _CAPS_WORD.fullmatch(w) or not any(c.isalpha() for c in w) for w in words):
        return Block("heading", title)
    return None


def _repeated_title(text: str) -> str | None:
    """The title of a PMC-style export whose first line starts with the title printed twice (``"T T …"``)."""
    words = text[:3000].split()[:120]
    for n in range(3, len(words) // 2 + 1):
        if words[:n] == words[n:2 * n]:
            title = " ".join(words[:n])
            return title if len(title) <= MAX_TITLE_CHARS else None
    return None


# Reference cues. Authors: "WagnerC", "VayenasCG", "O’HayreR", "Bieberle-HütterA", "StarrD.;", "FrandsenH.L." (PMC
# styles that glue the initials to the surname), "G. Yang ,", "Steele, B. C. H." (spaced styles).
_LOWER = r"[^\W\d_A-Z]"
_SURNAME = rf"(?:[A-Z][’'])?[A-Z]{_LOWER}{{2,}}(?:[-‐ ][A-Z]{_LOWER}+)?"
_CREDIT = r"(?!Conceptuali[sz]ation|Methodology|Software|Validation|Investigation|Resources|Supervision|Visuali[sz]ation|" \
          r"Writing|Funding|Project|Formal|Data|Review|Editing)"
_AUTHOR = re.compile(
    rf"\b{_SURNAME}(?:[A-Z]\.?[-‐]?){{1,3}}(?=[\s,;.&]|[A-Z]{_LOWER}|\d|$)|\b[A-Z][a-z][A-Z]\.(?=[\s,;A-Z])"
    rf"|\b[A-Z]\.(?:\s?[A-Z]\.){{0,2}}\s{_SURNAME}\s?,"
    rf"|\b{_CREDIT}{_SURNAME},\s[A-Z]\.(?:\s?[A-Z]\.){{0,2}}\s?[,;&]")
_YEAR = re.compile(r"(?<![\d.,])(?:19[5-9]\d|20[0-2]\d)(?![.,]\d|\s?(?:°|K\b|nm|mm|µm|μm|h\b|min|rpm|cycles|ppm))")
_DOI = re.compile(r"\b10\.\d{4,9}/\S+|\b2-s2\.0-\d+")
_JOURNAL = re.compile(r"\b(?:J|Chem|Phys|Mater|Soc|Sci|Electrochem|Lett|Acta|Appl|Rev|Res|Commun|Ceram|Catal|Funct|"
                      r"Interfaces|Ionics|Sources|Nat|Proc|Trans|Eng|Adv)\b\.?")
#: Cue weights; a run needs this much weight per 100 characters, and at least this many authors and years.
_WEIGHTS = {"author": 2.0, "year": 1.0, "doi": 2.0, "journal": 0.5}
_MIN_DENSITY = 1.5
_MIN_AUTHORS = 3
_MIN_YEARS = 3
_MAX_GAP = 250  # characters between two cues of one run (a long title)
_MAX_MERGE_GAP = 1000  # two runs this close, with a year between them, are one run
_MAX_TRAILING = 400  # a stretch this short after the last run, with a year, is a reference
# Where a list run into other back matter ends: a figure caption, or the heading of another back-matter part.
_BOUNDARY = re.compile(r"\b(?:Figure|Fig\.|Table|Scheme)\s?\d+[.:]?\s+[A-Z(]|\b(?:Authors?[’']? [Cc]ontributions?|"
                       r"Competing (?:[Ff]inancial )?[Ii]nterests?|Conflicts? of [Ii]nterests?|Additional [Ii]nformation|"
                       r"Acknowledge?ments?|Supplementary (?:Information|Material))\b")
# The rest of a reference after its last cue: volume, issue, pages, year in brackets, DOI, PMID.
_REFERENCE_TAIL = re.compile(r"(?:[\s,;:]*(?:\(\d{4}\)|\)|10\.\d{4,9}/\S+|[A-Z]?\d+(?:[–-][A-Z]?\d+)?)\.?)*\.?")
_NUMBERED = re.compile(r"(?:(?<=\s)|^)(\d{1,3})\.?\s+(?=\S)")
_REFERENCES_WORD = re.compile(r"\b(?:References?|Bibliography)\s*:?\s*$")


def split_reference_runs(paragraphs: list[str]) -> list[tuple[str, str]]:
    """``paragraphs`` as ``(kind, text)`` pieces in order: ``paragraph`` pieces of genuine text and one
    ``references`` piece per reference of every reference run found in them. A run may lie inside one paragraph
    (a list run into the last one) or span many (a list printed a line or a few words at a time)."""
    joined = "\n".join(paragraphs)
    runs = _reference_runs(joined)
    if not runs:
        return [("paragraph", p) for p in paragraphs]
    pieces: list[tuple[str, str]] = []
    pos = 0
    for start, end in runs + [(len(joined), len(joined))]:
        for part in joined[pos:start].split("\n"):
            part = _REFERENCES_WORD.sub("", part).strip() if start < len(joined) else part.strip()
            if any(c.isalnum() for c in part):
                pieces.append(("paragraph", part))
        pieces.extend(("references", item) for item in _references(" ".join(joined[start:end].split())))
        pos = end
    return pieces


def _cues(text: str) -> list[tuple[int, int, str]]:
    found = [(m.start(), m.end(), kind) for kind, pattern in
             (("author", _AUTHOR), ("year", _YEAR), ("doi", _DOI), ("journal", _JOURNAL))
             for m in pattern.finditer(text)]
    return sorted(found)


def _reference_runs(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` dense in reference cues: from the first author of the run (with its item number) to the
    end of the last reference's volume, pages or DOI. Runs split by a reference the cues missed are joined, and a
    short reference left at the end of the text is added to the last run."""
    runs: list[tuple[int, int]] = []
    cluster: list[tuple[int, int, str]] = []
    for cue in _cues(text) + [(len(text) + _MAX_GAP + 1, 0, "")]:
        if cluster and cue[0] - max(c[1] for c in cluster) > _MAX_GAP:
            span = _run_span(text, cluster)
            if span and runs and span[0] - runs[-1][1] <= _MAX_MERGE_GAP and _is_reference(text[runs[-1][1]:span[0]]):
                runs[-1] = (runs[-1][0], span[1])
            elif span:
                runs.append(span)
            cluster = []
        cluster.append(cue)
    if runs and len(text) - runs[-1][1] <= _MAX_TRAILING and _is_reference(text[runs[-1][1]:]):
        runs[-1] = (runs[-1][0], len(text))
    return runs


def _is_reference(text: str) -> bool:
    """A stretch next to a run that reads as references (one whose authors the cues missed)."""
    return bool(_YEAR.search(text) or _DOI.search(text)) and not _BOUNDARY.search(text)


def _run_span(text: str, cluster: list[tuple[int, int, str]]) -> tuple[int, int] | None:
    """The reference run a cluster of cues makes, or None. A caption or another back-matter part inside the
    cluster ("Author Contributions", "Figure 1") splits it; the part with the most years is the list."""
    start, end = cluster[0][0], max(c[1] for c in cluster)
    bounds = [start] + [m.start() for m in _BOUNDARY.finditer(text, start, end)] + [end]
    parts = [[c for c in cluster if a <= c[0] < b] for a, b in zip(bounds, bounds[1:])]
    part = max(parts, key=lambda p: sum(kind == "year" for _, _, kind in p))
    kinds = [kind for _, _, kind in part]
    first = next((i for i, kind in enumerate(kinds) if kind == "author"), None)
    if first is None or kinds.count("author") < _MIN_AUTHORS or kinds.count("year") < _MIN_YEARS:
        return None
    part = part[first:]
    start, end = part[0][0], max(c[1] for c in part)
    if sum(_WEIGHTS[kind] for _, _, kind in part) * 100 / max(end - start, 1) < _MIN_DENSITY:
        return None
    end += _REFERENCE_TAIL.match(text, end).end() - end
    boundary = _BOUNDARY.search(text, start, end)
    return _first_item(text, start), boundary.start() if boundary else end


def _first_item(text: str, start: int) -> int:
    """The start of a numbered list's first item, before ``start`` (the first author found): the number in front
    of it, and back item by item ("3 …", "2 …", "1 …") over items whose authors the cues missed."""
    number = re.search(r"(?:(?<=\s)|^)(\d{1,3})\.?\s+$", text[:start])
    if not number:
        return start
    start, n = number.start(), int(number.group(1))
    while n > 1:
        before = text[max(0, start - 500):start]
        item = list(re.finditer(rf"(?:(?<=\s)|^){n - 1}\.?\s+(?=\S)", before))
        if not item or _BOUNDARY.search(before, item[-1].start()):
            break
        start, n = start - len(before) + item[-1].start(), n - 1
    return start


def _references(run: str) -> list[str]:
    """One string per reference of a run: split at consecutive item numbers ("1 …", "2. …") when the run has
    them, else before an author that follows the end of a reference (a page, year or closing bracket)."""
    cuts, expected = [], None
    for m in _NUMBERED.finditer(run):
        number = int(m.group(1))
        if expected is None and m.start() == 0 or number == expected:
            cuts.append(m.start())
            expected = number + 1
    if len(cuts) < 3:
        cuts = [0] + [m.start(1) for m in re.finditer(rf"[\d)]\.?\s+({_AUTHOR.pattern})", run)]
    bounds = sorted(set(cuts) | {0}) + [len(run)]
    return [run[a:b].strip() for a, b in zip(bounds, bounds[1:]) if run[a:b].strip()]
