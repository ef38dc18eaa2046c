"""Fuzzing of every stage: each target feeds one generated input to a component and checks its contract.

Targets: the readers (``read_file`` on temporary files: random and mutated real papers, truncated markup and PDF,
deep nesting, long lines, invalid UTF-8, mixed encodings, zero-width and bidi characters, gzip), the normalizer,
the tokenizer, the formula and material parsers, the quantity parser, property and synthesis extraction, and
``pipeline.run`` (every input file ends as exactly one record or one error per paper; counts add up; records
validate). A target that raises anything but the component's documented error is a crash; one that runs longer
than its hang limit is a hang. ``tests/test_reliability.py`` runs every target with a small budget;
``scripts/fuzz.py`` is the command line for longer runs.
"""

from __future__ import annotations

import gzip
import json
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .. import chem
from ..config import REPO_ROOT
from ..extractors import quantities
from ..extractors.materials import extract_materials
from ..extractors.properties import extract_properties
from ..extractors.synthesis import extract_steps
from ..ingest import deadline, read_file
from ..text import normalize, tokenize
from ..types import Document

#: Real papers in every input format (the repository's test fixtures), mutated by :func:`mutated_seeds`.
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "ingest"
SEEDS = sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix != ".py")
#: Characters that break naive text handling: zero-width, bidi controls, soft hyphen, BOM, combining marks,
#: ligatures, NUL and other controls, a lone surrogate, sub/superscripts and chemistry punctuation.
ODD = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\u202d", "\u2066", "\u2069", "\u00ad",
       "\u0301", "\ufb01", "\x00", "\x0b", "\x1b", "\ud800", "\u2028", "\r", "\t", "₂", "⁻", "−", "·", "°", "µ", "Å"]
WORDS = ["LiFePO4", "Li(Ni0.8Co0.1Mn0.1)O2", "La1-xSrxMnO3", "x = 0.1", "Y-doped ZrO2", "Eu3+:Y2O3", "TiO2",
         "CuSO4·5H2O", "(", ")", "[", "]", "700", "°C", "5 h", "10 K/min", "3.2 eV", "band gap", "was", "annealed",
         "heated", "mixed", "in", "Ar", "at", "for", "1.5 × 10−3 S cm−1", "±", "0.2", "to", "and", "-", ".", ",",
         "/", ":", "sodium chloride", "iron(III) oxide", "δ", "x", "10^5", "1e308", "9" * 40, "..."]
SUFFIXES = [".txt", ".xml", ".html", ".pdf", ".json", ".jsonl", ".dat", ".txt.gz", ".xml.gz"]


# ----------------------------------------------------------------------------------------------- strategies

def chem_text() -> st.SearchStrategy[str]:
    """Sentences built from chemistry words, odd characters and separators."""
    piece = st.one_of(st.sampled_from(WORDS), st.sampled_from(ODD), st.text(max_size=8))
    sep = st.sampled_from([" ", "", "\n", "\n\n", "-\n", "\u00ad\n", " \u200b"])
    return st.lists(st.tuples(piece, sep), max_size=60).map(lambda parts: "".join(a + b for a, b in parts))


def texts() -> st.SearchStrategy[str]:
    return st.one_of(st.text(max_size=300), chem_text())


def _mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """Apply (kind, position, chunk) edits: 0 truncates, 1 inserts, 2 overwrites, 3 deletes a slice."""
    for kind, at, chunk in edits:
        at = at % (len(data) + 1)
        if kind == 0:
            data = data[:at]
        elif kind == 1:
            data = data[:at] + chunk + data[at:]
        elif kind == 2:
            data = data[:at] + chunk + data[at + len(chunk):]
        else:
            data = data[:at] + data[at + len(chunk):]
    return data


def mutated_seeds() -> st.SearchStrategy[bytes]:
    edit = st.tuples(st.integers(0, 3), st.integers(0, 1 << 20), st.binary(max_size=16))
    seed = st.sampled_from(SEEDS).map(lambda p: gzip.decompress(p.read_bytes()) if p.suffix == ".gz" and
                                      p.name != "truncated.txt.gz" else p.read_bytes())
    return st.builds(_mutate, seed, st.lists(edit, max_size=4))


def encoded_texts() -> st.SearchStrategy[bytes]:
    """Text in one or several encodings glued together (mixed encodings), possibly with a BOM."""
    enc = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1", "utf-32"])
    part = st.tuples(chem_text(), enc).map(lambda t: t[0].encode(t[1], "replace"))
    return st.lists(part, min_size=1, max_size=3).map(b"".join)


def structured() -> st.SearchStrategy[bytes]:
    """Deeply nested markup/JSON and long lines."""
    depth = st.integers(1, 5000)
    return st.one_of(
        depth.map(lambda n: (b"<article><body>" + b"<sec><p>LiFePO4 " * n + b"</p></sec>" * n
                             + b"</body></article>")),
        depth.map(lambda n: b'{"text": ' + b"[" * n + b'"TiO2"' + b"]" * n + b"}"),
        depth.map(lambda n: b"<html><body>" + b"<div>" * n + b"ZnO at 300 K" + b"</div>" * n + b"</body></html>"),
        st.integers(1, 200_000).map(lambda n: b"Al2O3 was sintered at 1600 \xc2\xb0C " * (n // 30 + 1)),
        st.binary(min_size=1, max_size=64).map(lambda b: b"%PDF-1.4\n" + b * 64),
    )


def files() -> st.SearchStrategy[tuple[bytes, str]]:
    """(content, file suffix) for one input file."""
    content = st.one_of(st.binary(max_size=2000), mutated_seeds(), encoded_texts(), structured())
    return st.tuples(content, st.sampled_from(SUFFIXES))


def write_input(folder: Path, name: str, data: bytes, suffix: str) -> Path:
    path = folder / f"{name}{suffix}"
    path.write_bytes(gzip.compress(data, mtime=0) if suffix.endswith(".gz") else data)
    return path


# -------------------------------------------------------------------------------------------------- checks

def strict_json(value) -> None:
    """``value`` serializes to strict UTF-8 JSON (no NaN/Infinity, no lone surrogates), as the writers need."""
    json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")


def check_spans(text: str, spans) -> None:
    for start, end in spans:
        assert 0 <= start <= end <= len(text), (start, end, len(text))


def check_document(doc: Document) -> None:
    """A Document's contract: non-empty text, spans slice it, and it serializes to UTF-8 JSON."""
    assert doc.text and doc.id
    for sentence in doc.sentences:
        check_spans(doc.text, [(sentence.start, sentence.end)])
        for token in sentence.tokens:
            assert doc.text[token.start:token.end] == token.text
    check_spans(doc.text, [(s.start, s.end) for s in doc.sections])
    strict_json(doc.to_dict())


# ------------------------------------------------------------------------------------------------- targets

def fuzz_reader(case: tuple[bytes, str]) -> None:
    """``read_file`` returns Documents and IngestErrors only, at least one item, never raises."""
    from ..errors import IngestError

    data, suffix = case
    with tempfile.TemporaryDirectory() as tmp:
        items = read_file(write_input(Path(tmp), "paper", data, suffix))
    assert items
    for item in items:
        assert isinstance(item, (Document, IngestError)), item
        if isinstance(item, Document):
            check_document(item)
        else:
            assert item.reason and item.path
            strict_json(item.reason)


def fuzz_normalize(text: str) -> None:
    clean, index = normalize.normalize_with_map(text)
    assert clean == normalize.normalize(text) and len(index) == len(clean)
    assert all(0 <= i < len(text) for i in index)


def fuzz_tokenize(text: str) -> None:
    for sentence in tokenize.sentences(text):
        check_spans(text, [(sentence.start, sentence.end)])
        for token in sentence.tokens:
            assert text[token.start:token.end] == token.text


def fuzz_chem(text: str) -> None:
    """Formula and material parsers raise only FormulaError; compositions are finite and positive."""
    for parse in (chem.parse_formula, chem.read_material, chem.parse_stoichiometry):
        try:
            parsed = parse(text)
        except chem.FormulaError:
            continue
        if parse is chem.parse_formula:
            assert all(0 < v < float("inf") for v in parsed.values()), dict(parsed)
    for material in extract_materials(text):
        for start, end in material.mentions:
            check_spans(text, [(start, end)])
        strict_json(material.to_dict())


def fuzz_quantities(text: str) -> None:
    quantities.parse_unit(text)
    for q in quantities.parse_quantities(text):
        check_spans(text, [(q.start, q.end)])
        strict_json(q.to_dict())


def fuzz_properties(text: str) -> None:
    for prop in extract_properties(text):
        d = prop.to_dict()
        check_spans(text, [(d["evidence"]["start"], d["evidence"]["end"])])
        strict_json(d)


def fuzz_synthesis(text: str) -> None:
    for step in extract_steps(text):
        d = step.to_dict()
        assert text[d["start"]:d["end"]] == d["operation"]
        strict_json(d)


def fuzz_records(cases: list[tuple[bytes, str]]) -> None:
    """``pipeline.run`` on generated files: one record or one error per paper, counts add up, records valid."""
    from ..ingest import parse_file
    from ..runner import run
    from ..records import validate

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "in").mkdir()
        for i, (data, suffix) in enumerate(cases):
            write_input(root / "in", f"p{i:03d}", data, suffix)
        papers = sum(1 for p in (root / "in").iterdir() for _ in parse_file(p))
        manifest = run([root / "in"], root / "out", shard_docs=3, timeout=30, progress=False)
        records = (root / "out" / "records.jsonl").read_text(encoding="utf-8").splitlines()
        errors = (root / "out" / "errors.jsonl").read_text(encoding="utf-8").splitlines()
    assert manifest["inputs"] == papers == manifest["records"] + manifest["errors"]
    assert (len(records), len(errors)) == (manifest["records"], manifest["errors"])
    for line in records:
        validate(json.loads(line))


TARGETS: dict[str, tuple[Callable, Callable[[], st.SearchStrategy]]] = {
    "reader": (fuzz_reader, files),
    "normalize": (fuzz_normalize, texts),
    "tokenize": (fuzz_tokenize, texts),
    "chem": (fuzz_chem, texts),
    "quantities": (fuzz_quantities, texts),
    "properties": (fuzz_properties, texts),
    "synthesis": (fuzz_synthesis, texts),
    "records": (fuzz_records, lambda: st.lists(files(), min_size=1, max_size=6)),
}

#: Inputs that crashed a target before their fix (each fixed in its own commit), replayed by the tests and bench.
REGRESSIONS: list[tuple[str, object]] = [
    ("quantities", "10^510^5₂"),  # OverflowError in 10.0 ** 510
    ("quantities", "heated at 1e999 K, 0 x 10^999 K, -1e999 to 1e999 K"),  # Infinity/NaN values
    ("quantities", "10" + "⁵" * 5000 + " Pa"),  # int() of 5000 digits
    ("synthesis", "\n10^510^5₂\n\n\u202d\n\n`£{\x81°ë0.2\xad\nLi(Ni0.8Co0.1Mn0.1)O2\n\n"),  # found by fuzzing
    ("properties", "The band gap of TiO2 is 9e999 eV."),  # Infinity in a record
    ("chem", "Fe2/0O3"),  # ZeroDivisionError
    ("chem", "Fe" + "9" * 400 + "O"),  # OverflowError formatting an infinite amount
    ("chem", "La1-xSrxMnO3 with x = " + "9" * 400),  # Infinity as a variable value
    ("reader", (b'{"id": "a\\udfff", "title": "T \\ud800", "text": "LiFePO4 \\ud800 at 700 C."}\n', ".jsonl")),
    ("records", [(b'{"id": "s", "text": "LiFePO4 was heated \\ud800 at 700 C for 5 h."}\n', ".jsonl")]),
]


# ---------------------------------------------------------------------------------------------------- runner

class Hang(Exception):
    """A target ran past its time limit."""


def guarded(target: Callable, hang: float) -> Callable:
    """``target`` under a deadline; a TimeoutError escaping it becomes :class:`Hang` (not an ordinary crash)."""
    def run(case):
        try:
            with deadline(hang, target.__name__):
                target(case)
        except TimeoutError as exc:
            raise Hang(str(exc)) from None
    return run


def fuzz(name: str, examples: int, hang: float = 60.0, seed: int | None = None) -> dict:
    """Run one target for ``examples`` inputs, collecting every distinct failure instead of stopping at the first;
    returns ``{"inputs", "failures": [{"error", "input", "trace"}], "seconds"}``."""
    target, strategy = TARGETS[name]
    run = guarded(target, hang)
    tried, failures, seen = 0, [], set()

    @settings(max_examples=examples, deadline=None, database=None, derandomize=seed is not None,
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
    @given(strategy())
    def explore(case):
        nonlocal tried
        tried += 1
        try:
            run(case)
        except Exception as exc:  # noqa: BLE001 - every failure is collected and reported
            key = (type(exc).__name__, traceback.extract_tb(exc.__traceback__)[-1][:3])
            if key not in seen:
                seen.add(key)
                failures.append({"error": f"{type(exc).__name__}: {exc}"[:500], "input": repr(case)[:500],
                                 "trace": traceback.format_exc()[-2000:]})

    start = time.perf_counter()
    explore()
    return {"inputs": tried, "failures": failures, "seconds": round(time.perf_counter() - start, 1)}
