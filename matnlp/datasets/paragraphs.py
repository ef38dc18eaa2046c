"""Paragraph-classifier data: weak (silver) training examples from the shared data and the hand-labelled
train/dev/test paragraphs in ``corpora/paragraphs``.

Silver labels (labels of :data:`matnlp.extractors.paragraphs.LABELS`):

- Kononova snippets (head and tail of each synthesis paragraph): the solid-state file → ``solid-state``, the
  sol-gel file → ``sol-gel``; DOIs of the held-out fifth (:func:`.kononova.held_out_doi`) are left out;
- MSPT procedure paragraphs (line 3 of each text), whole and as runs of one to three sentences: a procedure,
  typed by :func:`procedure_type` (keywords);
- MuLMS sentences and runs of sentences within a section, by their argumentative zone: ``Exp_Preparation`` of
  this work is a procedure (typed by keywords), every other zone (results, background and prior work,
  characterization, captions, …) ``none``; sentences zoned only ``Experiment`` are left out;
- SOFC-Exp lines, by section and keywords (:func:`sofc_examples`);
- glass and NERRE abstracts → ``none``.

Papers named in the hand labels are never used for training.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from lxml import etree

from ..config import REPO_ROOT, data_dir
from ..extractors.paragraphs import CHARACTERIZATION, FABRICATION, PRIOR_WORK, section_states
from .kononova import held_out_doi, reactions
from .mulms import root_dir as mulms_root
from .papers import _snippet_halves, glass, nerre

HAND_DIR = REPO_ROOT / "corpora" / "paragraphs"
NONE = "none"
_TYPE_CUES = (
    ("hydrothermal", re.compile(r"hydrothermal|solvothermal|autoclave", re.IGNORECASE)),
    ("sol-gel", re.compile(r"sol[-‐ ]gel|pechini|citric acid|citrate|glycine[-‐ ]nitrate|\bgel\b", re.IGNORECASE)),
    ("precipitation", re.compile(r"precipitat", re.IGNORECASE)),
    ("solid-state", re.compile(r"solid[-‐ ]state reaction|ball[-‐ ]mill|calcin|grinding|ground|mortar", re.IGNORECASE)),
)
@dataclass(slots=True)
class Example:
    """A training text with its silver label, the corpus it came from and its paper (for grouped splits)."""

    text: str
    label: str
    source: str
    paper: str


@dataclass(slots=True)
class HandLabel:
    """A hand-labelled paragraph: ``source`` relative to the data folder, offsets into the text of the Document
    ``matnlp.ingest.read_file`` gives for it, the SHA-1 of that slice, the label and a note on hard calls."""

    source: str
    start: int
    end: int
    sha1: str
    label: str
    note: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def procedure_type(text: str) -> str:
    """The procedure type a text's keywords suggest (hydrothermal, sol-gel, precipitation, solid-state), else
    ``other``: the silver type of procedures that come without one."""
    return next((label for label, cue in _TYPE_CUES if cue.search(text)), "other")


#: Hand-labelled splits: ``train`` fits the context stage, ``dev`` joins it in the final fit, ``test`` is scored.
SPLITS = ("train", "dev", "test")


def hand_labels(split: str, folder: str | Path | None = None) -> list[HandLabel]:
    """The hand labels of ``split`` (one of :data:`SPLITS`)."""
    path = Path(folder or HAND_DIR) / f"{split}.jsonl"
    with open(path, encoding="utf-8") as f:
        return [HandLabel(**json.loads(line)) for line in f if line.strip()]


def hand_labelled_papers(folder: str | Path | None = None) -> set[str]:
    """Stems of every paper with hand labels (kept out of the silver data)."""
    return {Path(h.source).stem for split in SPLITS for h in hand_labels(split, folder)}


def kononova_examples(per_style: int = 4000, seed: int = 0, held_out: bool = False) -> list[Example]:
    """Distinct snippets of each Kononova file, ``per_style`` at most, from the training DOIs (``held_out``:
    from the held-out fifth instead, for evaluation)."""
    by_style: dict[str, dict[str, str]] = defaultdict(dict)
    for style, r in reactions():
        snippet, doi = r.get("paragraph_string") or "", r.get("doi") or ""
        if snippet and held_out_doi(doi) == held_out:
            by_style[style].setdefault(snippet, doi)
    rng = random.Random(seed)
    out = []
    for style, snippets in by_style.items():
        items = sorted(snippets.items())
        rng.shuffle(items)
        out += [Example(" ".join(_snippet_halves(s)), style, "kononova", doi)
                for s, doi in items[:per_style]]
    return out


def mspt_examples() -> list[Example]:
    """MSPT procedures, whole and as runs of one to three sentences."""
    from ..text.tokenize import sentences

    out = []
    for path in sorted((data_dir() / "mspt" / "data").glob("*.txt")):
        body = (path.read_text(encoding="utf-8").split("\n", 2) + ["", ""])[2].strip()
        if not body:
            continue
        label = procedure_type(body)
        out.append(Example(body, label, "mspt", path.stem))
        sents = [body[s.start:s.end] for s in sentences(body)]
        for size in (1, 2, 3):
            out += [Example(" ".join(sents[i:i + size]), label, "mspt", path.stem)
                    for i in range(0, len(sents), size)]
    return out


def mulms_zones(path: Path) -> tuple[str, list[tuple[int, int, set[str]]]]:
    """Text of a MuLMS XMI file and its sentences as ``(start, end, labels)`` (zones and structure labels)."""
    root = etree.parse(str(path))
    text = root.find(".//{http:///uima/cas.ecore}Sofa").get("sofaString")
    labels: dict[tuple[int, int], set[str]] = defaultdict(set)
    for el in root.iterfind(".//{http:///webanno/custom.ecore}MatSci_Sentence"):
        key = (int(el.get("begin")), int(el.get("end")))
        labels[key] |= {v for v in (el.get("ContentInformation"), el.get("StructureInformation")) if v}
    return text, [(a, b, labels[(a, b)]) for a, b in sorted(labels)]


def mulms_examples(exclude: set[str] = frozenset(), run_chars: int = 500) -> list[Example]:
    """MuLMS sentences, and runs of sentences (up to ``run_chars``) inside a section, labelled by zone; a run
    with some but less than half preparation sentences is left out."""
    out = []
    for path in sorted((mulms_root() / "xmi").glob("*.xmi")):
        if path.stem in exclude:
            continue
        text, sents = mulms_zones(path)
        runs: list[list[tuple[int, int, set[str]]]] = [[]]
        for s in sents:
            if "Heading" in s[2] or runs[-1] and s[1] - runs[-1][0][0] > run_chars:
                runs.append([])
            if "Heading" not in s[2]:
                runs[-1].append(s)
        out += [Example(text[s[0]:s[1]], _zone_label(text[s[0]:s[1]], [s]), "mulms", path.stem)
                for s in sents if s[2] - {"MEASUREMENT", "QUAL_MEASUREMENT"} != {"Experiment"}]
        for run in runs:
            prep = sum("Exp_Preparation" in s[2] for s in run)
            if len(run) > 1 and (prep == 0 or 2 * prep >= len(run)):
                chunk = text[run[0][0]:run[-1][1]]
                out.append(Example(chunk, _zone_label(chunk, run), "mulms", path.stem))
    return out


def _zone_label(text: str, sents: list[tuple[int, int, set[str]]]) -> str:
    """A procedure when a sentence is this work's preparation (not a prior work's), else ``none``."""
    prep = any("Exp_Preparation" in s[2] and "Background_PriorWork" not in s[2] for s in sents)
    return procedure_type(text) if prep else NONE


def sofc_examples(exclude: set[str] = frozenset()) -> list[Example]:
    """SOFC-Exp lines by section (:func:`section_states`): lines outside the
    experimental section without a fabrication verb → ``none``; lines of the experimental section with a
    fabrication verb, no characterization cue and no citation → a procedure (typed by keywords), with a
    characterization cue and no fabrication verb → ``none``; the rest is left out."""
    out = []
    for path in sorted((data_dir() / "sofc_exp_texts" / "texts").glob("*.txt")):
        if path.stem in exclude:
            continue
        lines = [line.strip() for line in path.read_text(encoding="utf-8").split("\n")[1:] if line.strip()]
        for line, section in zip(lines, section_states(lines)):
            made, measured = bool(FABRICATION.search(line)), bool(CHARACTERIZATION.search(line))
            if len(line) > 2000:
                continue
            if section == "experimental" and made and not measured and not PRIOR_WORK.search(line):
                out.append(Example(line, procedure_type(line), "sofc", path.stem))
            elif not made and (section != "experimental" or measured):
                out.append(Example(line, NONE, "sofc", path.stem))
    return out


def abstract_examples(limit: int = 1500) -> list[Example]:
    """Glass and NERRE abstracts (``limit`` of each): ``none``."""
    out = []
    for name, items in (("glass", glass(data_dir() / "glass_abstracts")),
                        ("nerre", nerre(data_dir() / "nerre_doping", data_dir() / "nerre_general_mof"))):
        for n, paper in enumerate(items):
            if n >= limit:
                break
            if paper["text"]:
                out.append(Example(paper["text"], NONE, name, paper["id"]))
    return out


def training_examples(exclude: set[str] | None = None) -> list[Example]:
    """All silver examples, hand-labelled papers left out."""
    exclude = hand_labelled_papers() if exclude is None else exclude
    return (kononova_examples() + mspt_examples() + mulms_examples(exclude) + sofc_examples(exclude)
            + abstract_examples())
