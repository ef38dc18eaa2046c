"""Benchmark: reading quality and speed on publisher fixtures and two-column PDFs; ingest speed and peak memory on the
SOFC-Exp texts, against ChemDataExtractor.

**Reading** (``results["reading"]``), on the real-markup fixtures (Springer Nature API JATS, RSC, ACS, Elsevier,
plain text; ``tests/fixtures/ingest``) and the typeset two-column PDFs (``tests/fixtures/ingest/pdf``), each with
its expected text: character agreement of the running text with the expected one (difflib ratio, whitespace
squashed; target ≥ 0.98), run-together word pairs (two adjacent expected words glued into one, target 0), duplicated
blocks (target 0), titles right (target 100 %), every ``bad_*`` input one error entry, and speed against
ChemDataExtractor's bare ``Document.from_file`` reading (its readers, no segmentation) of the same good files
(target ≥ 0.8×). The PDF engines are compared too: PyMuPDF and pdfminer lines through the same layout step, and the
earlier path (ChemDataExtractor's PdfReader paragraphs), by agreement and time.

**Segmentation** (``results``), each contender in its own fresh process (so peak RSS is its own) over the same
SOFC-Exp texts, in the same run:

- ``cde_segmentation``: chemdataextractor ``Document(text)`` → sentences → tokens (no normalization, no metadata);
- ``matnlp_read``: our ``read_file`` (sniff + read + normalize + tokenize), one process;
- ``matnlp_corpus``: the whole ``matnlp ingest`` (also mat2vec processing, dedup, shard/sentences writing), one
  process and ``--workers 2``.

The figure is the ratio of documents/s to the bare segmentation (target ≥ 0.8 for ``matnlp_read``).
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import io
import json
import logging
import re
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from matnlp.config import data_dir
from matnlp.eval.bench import machine, write_json

log = logging.getLogger("bench_ingest")


def _cde(files: list[Path]) -> tuple[int, int]:
    from chemdataextractor import Document

    tokens = 0
    for path in files:
        doc = Document(path.read_text(encoding="utf-8"))
        tokens += sum(len(s.tokens) for s in doc.sentences)
    return len(files), tokens


def _matnlp_read(files: list[Path]) -> tuple[int, int]:
    from matnlp.ingest import read_file

    docs = tokens = 0
    for path in files:
        for doc in read_file(path):
            docs += 1
            tokens += sum(len(s.tokens) for s in doc.sentences)
    return docs, tokens


def _matnlp_corpus(files: list[Path], workers: int) -> tuple[int, int]:
    from matnlp.corpus import ingest

    with tempfile.TemporaryDirectory() as out:
        manifest = ingest(files, out, workers=workers, progress=False)
    return manifest["documents"], manifest["tokens"]


def _child(name: str, files: list[Path], workers: int, queue: mp.Queue) -> None:
    start = time.perf_counter()
    if name == "cde_segmentation":
        docs, tokens = _cde(files)
    elif name == "matnlp_read":
        docs, tokens = _matnlp_read(files)
    else:
        docs, tokens = _matnlp_corpus(files, workers)
    seconds = time.perf_counter() - start
    peak_kib = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    queue.put({"documents": docs, "tokens": tokens, "seconds": round(seconds, 3),
               "docs_per_s": round(docs / seconds, 3), "tokens_per_s": round(tokens / seconds, 1),
               "peak_rss_mib": round(peak_kib / 1024, 1), "workers": workers})


def measure(name: str, files: list[Path], workers: int = 1) -> dict:
    """Run one contender in a fresh process and return its figures."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(name, files, workers, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "ingest"


def _squash(text: str) -> str:
    return " ".join(text.split())


def _agreement(expected: str, got: str) -> float:
    return round(difflib.SequenceMatcher(None, _squash(expected), _squash(got), autojunk=False).ratio(), 4)


def _run_together(expected: str, got: str) -> list[str]:
    """Words of ``got`` that are two adjacent words of ``expected`` glued together ("Fe3O4nanoparticles")."""
    words = re.findall(r"\w+", expected)
    known = set(words)
    glued = {a + b for a, b in zip(words, words[1:]) if a + b not in known}
    return sorted({w for w in re.findall(r"\w+", got) if w in glued})


def _duplicates(doc) -> int:
    keys = ["".join(doc.text[p.start:p.end].split()).casefold() for p in doc.paragraphs]
    keys = [k for k in keys if len(k) >= 30]
    return len(keys) - len(set(keys))


def _cases() -> list[tuple[Path, dict]]:
    """(input file, expected {"title", "text"}) for every fixture with an expected text."""
    from matnlp.text.normalize import normalize

    cases = []
    for path in sorted((FIXTURES / "expected").glob("*.json")):
        expected = json.loads(path.read_text(encoding="utf-8"))
        cases.append((FIXTURES / expected["file"], expected))
    for path in sorted((FIXTURES / "pdf").glob("PMC*.expected.json")):
        expected = json.loads(path.read_text(encoding="utf-8"))
        text = normalize("\n\n".join([expected["title"], *expected["paragraphs"]]))
        cases.append((path.with_name(path.name.replace(".expected.json", ".pdf")), {"title": expected["title"],
                                                                                    "text": text}))
    return cases


def _time(function, files: list[Path], repeat: int) -> float:
    function(files[:1])  # imports and caches outside the timing
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function(files)
        best = min(best, time.perf_counter() - start)
    return best


def _cde_read(files: list[Path]) -> int:
    from chemdataextractor import Document

    elements = 0
    for path in files:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(Exception), path.open("rb") as handle:
            elements += len(Document.from_file(handle, fname=path.name).elements)
    return elements


def _matnlp_read_all(files: list[Path]) -> int:
    from matnlp.ingest import read_file

    return sum(len(read_file(path)) for path in files)


def _pdf_engines(cases: list[tuple[Path, dict]], repeat: int) -> dict:
    from matnlp.ingest.pdf import layout, pdfminer_lines, pymupdf_lines
    from matnlp.text.normalize import normalize

    def lines_engine(source):
        def read(path: Path) -> str:
            lines, _ = source(path.read_bytes(), path)
            return normalize("\n\n".join(b.text for b in layout(lines) if b.kind in ("title", "paragraph", "heading")))
        return read

    def cde(path: Path) -> str:
        from chemdataextractor.doc.text import Paragraph
        from chemdataextractor.reader import PdfReader

        with contextlib.redirect_stdout(io.StringIO()):
            document = PdfReader().readstring(path.read_bytes())
        return normalize("\n\n".join(el.text for el in document.elements if isinstance(el, Paragraph)))

    engines = {"pymupdf+layout": lines_engine(pymupdf_lines), "pdfminer+layout": lines_engine(pdfminer_lines),
               "cde_pdfreader": cde}
    pdfs = [(path, expected) for path, expected in cases if path.suffix == ".pdf"]
    results = {}
    for name, read in engines.items():
        read(pdfs[0][0])
        agreement, seconds = [], 0.0
        for path, expected in pdfs:
            best = float("inf")
            for _ in range(repeat):
                start = time.perf_counter()
                text = read(path)
                best = min(best, time.perf_counter() - start)
            seconds += best
            agreement.append(_agreement(expected["text"], text))
        results[name] = {"agreement_min": min(agreement), "agreement_mean": round(sum(agreement) / len(agreement), 4),
                         "seconds": round(seconds, 3)}
    return results


def reading(repeat: int = 3) -> dict:
    """The reading figures (see the module docstring)."""
    from matnlp.ingest import read_file
    from matnlp.types import Document

    cases = _cases()
    per_file = {}
    for path, expected in cases:
        items = read_file(path)
        doc = items[0]
        if len(items) != 1 or not isinstance(doc, Document):
            per_file[path.name] = {"error": repr(items)}
            continue
        per_file[path.name] = {
            "agreement": _agreement(expected["text"], doc.text),
            "run_together": _run_together(expected["text"], doc.text),
            "duplicated_blocks": _duplicates(doc),
            "title_ok": _squash(doc.meta.title or "") == _squash(expected["title"]),
            "tables": len(doc.tables), "sections": len(doc.sections),
            "back_matter": len(doc.back_matter), "front_matter": len(doc.front_matter),
        }
    good = [r for r in per_file.values() if "error" not in r]
    other = sorted(p for p in (FIXTURES / "markup").glob("*.*ml") if not p.name.startswith("bad_")
                   and "search" not in p.name and p not in [c[0] for c in cases])
    others = {}
    for path in other:  # the small fixtures: no expected text, but titles, duplicates and glued formulas
        (doc,) = read_file(path)
        others[path.name] = {"duplicated_blocks": _duplicates(doc), "title": doc.meta.title,
                             "glued_formulas": re.findall(r"\b(?:[A-Z][a-z]?\d+)+[a-z]{5,}\b", doc.text)}
    bad = sorted(p for p in FIXTURES.rglob("bad_*") if p.is_file()) + [FIXTURES / "markup" / "rsc_search.html"]
    bad_results = {}
    for path in bad:
        items = read_file(path)
        errors = [i for i in items if not isinstance(i, Document)]
        if path.suffix == ".jsonl":  # several papers per file: one error per bad record, the others read
            ok = errors and len(items) == len(errors) + sum(isinstance(i, Document) for i in items)
            bad_results[str(path.relative_to(FIXTURES))] = (f"{len(errors)} record error(s), "
                                                            f"{len(items) - len(errors)} document(s)" if ok else
                                                            f"NOT ONE ERROR PER BAD RECORD: {items!r}"[:200])
            continue
        bad_results[str(path.relative_to(FIXTURES))] = (
            errors[0].reason[:100] if len(items) == 1 and errors else f"NOT ONE ERROR: {items!r}"[:200])
    files = [path for path, _ in cases] + other
    cde_seconds = _time(_cde_read, files, repeat)
    matnlp_seconds = _time(_matnlp_read_all, files, repeat)
    return {
        "files": [str(p.relative_to(FIXTURES)) for p in files],
        "per_file": per_file,
        "other_fixtures": others,
        "summary": {
            "agreement_min": min(r["agreement"] for r in good),
            "agreement_mean": round(sum(r["agreement"] for r in good) / len(good), 4),
            "run_together_pairs": sum(len(r["run_together"]) for r in good) + sum(
                len(r["glued_formulas"]) for r in others.values()),
            "duplicated_blocks": sum(r["duplicated_blocks"] for r in good) + sum(
                r["duplicated_blocks"] for r in others.values()),
            "titles_right": f"{sum(r['title_ok'] for r in good)}/{len(per_file)}",
            "errors_where_expected": f"{sum(not v.startswith('NOT ONE') for v in bad_results.values())}/{len(bad)}",
            "seconds_matnlp_read_file": round(matnlp_seconds, 3),
            "seconds_cde_document_from_file": round(cde_seconds, 3),
            "speed_vs_cde": round(cde_seconds / matnlp_seconds, 2),
        },
        "bad_inputs": bad_results,
        "pdf_engines": _pdf_engines(cases, repeat),
        "target": {"agreement_min": 0.98, "run_together_pairs": 0, "duplicated_blocks": 0, "titles_right": "all",
                   "speed_vs_cde": 0.8},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=Path, default=data_dir() / "sofc_exp_texts" / "texts")
    parser.add_argument("--json", type=Path, default=Path("bench/ingest.json"))
    parser.add_argument("--repeat", type=int, default=1, help="repeat the contenders and keep the best time")
    parser.add_argument("--only", choices=("reading", "segmentation"), help="run one part only")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    read_figures = None
    if args.only != "segmentation":
        read_figures = reading(max(args.repeat, 3))
        log.info("reading: %s", json.dumps(read_figures["summary"], ensure_ascii=False))
        log.info("pdf engines: %s", json.dumps(read_figures["pdf_engines"]))
        if args.only == "reading":
            write_json(args.json, {"benchmark": "ingest", "date": datetime.now(timezone.utc).isoformat(
                timespec="seconds"), "machine": machine(), "reading": read_figures}, indent=2)
            return 0

    files = sorted(args.inputs.glob("*.txt"))
    if not files:
        log.error("no .txt files in %s", args.inputs)
        return 2
    contenders = [("cde_segmentation", 1), ("matnlp_read", 1), ("matnlp_corpus", 1), ("matnlp_corpus", 2)]
    results = {}
    for name, workers in contenders:
        key = name if workers == 1 else f"{name}_workers{workers}"
        runs = [measure(name, files, workers) for _ in range(args.repeat)]
        results[key] = min(runs, key=lambda r: r["seconds"])
        log.info("%-28s %s", key, results[key])
    base = results["cde_segmentation"]["docs_per_s"]
    ratios = {k: round(v["docs_per_s"] / base, 3) for k, v in results.items() if k != "cde_segmentation"}
    report = {
        "benchmark": "ingest",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "inputs": str(args.inputs),
        "files": len(files),
        "results": results,
        "ratio_vs_cde_segmentation": ratios,
        "target": {"matnlp_read": 0.8},
        "reading": read_figures,
    }
    for key, ratio in ratios.items():
        log.info("ratio %-28s %.3f× bare segmentation", key, ratio)
    write_json(args.json, report, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
