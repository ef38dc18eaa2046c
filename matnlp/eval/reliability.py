"""Reliability and security trials: SIGKILL/resume and concurrent runs of ``matnlp extract`` and ``matnlp ingest``,
hostile files, path-like ids and the memory of ingest while streaming.

Kill/resume: the command is killed at a random moment, then resumed (extract) or rerun (ingest); the output must
be identical to an uninterrupted run. Concurrent runs: a second run into the folder of a running one must be
refused, and the first one's output must be identical to a solo run. Hostile files: external entities, entity
expansion, XInclude, remote DTDs/scripts, a gzip bomb and a slow PDF must be neutralized.
``tests/test_reliability.py`` runs these helpers on a small budget, ``scripts/bench_reliability.py`` on the full
one.
"""

from __future__ import annotations

import contextlib
import gzip
import http.server
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import tracemalloc
from pathlib import Path

from ..config import REPO_ROOT
from ..corpus import Corpus, ingest, warm_up
from ..errors import IngestError
from ..ingest import read_file
from ..io import LOCK
from ..runner import run

SECRET = "TOP-SECRET-7f3a9c"
#: Every file name ingest and extract write: fixed names and numbered shards, never derived from an id.
OUTPUT_NAMES = re.compile(r"extract|corpus|parts|(records|errors)\.jsonl|(manifest|config)\.json|sentences\.txt|"
                          r"part-\d{5}\.jsonl|docs-\d{5}\.jsonl\.gz|documents\.jsonl\.gz")


# ------------------------------------------------------------------------------------------------ test corpus

def make_papers(folder: Path, n: int = 24) -> Path:
    """``n`` short procedures as text files, a JSONL file of three abstracts, an empty and a broken file."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"paper{i:03d}.txt").write_text(
            f"Synthesis {i}\n\nLiFePO4 was annealed at {600 + i} °C for {i % 7 + 1} h under Ar. The band gap of "
            f"TiO2 is 3.{i % 10} eV. La1-xSrxMnO3 (x = 0.{i % 9 + 1}) was ball-milled for 2 h and sintered at "
            f"1200 °C.\n", encoding="utf-8")
    records = [{"id": f"abs{i}", "title": f"Paper {i}", "abstract": f"ZnO nanorods grown at {80 + i} °C."}
               for i in range(3)]
    (folder / "abstracts.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    (folder / "empty.txt").write_text("")
    (folder / "broken.xml").write_text("<article><body><p>cut off")
    return folder


def extract_snapshot(out: Path) -> dict:
    """What an extract run produced, without timestamps."""
    records = [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    for record in records:
        record["provenance"].pop("created")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {"records": records, "errors": (out / "errors.jsonl").read_text(encoding="utf-8"),
            "counts": [manifest[k] for k in ("inputs", "records", "errors")]}


def ingest_snapshot(out: Path) -> dict:
    """What an ingest run produced: documents, sentences, errors and counts (no timestamps to drop)."""
    corpus = Corpus(out)
    counts = {k: corpus.manifest[k] for k in ("inputs", "documents", "errors", "duplicates", "sentences")}
    return {"documents": [d.to_dict() for d in corpus], "sentences": corpus.sentences_path.read_text(),
            "errors": (out / "errors.jsonl").read_text(encoding="utf-8"), "counts": counts}


def reference(kind: str, papers: Path, out: Path) -> dict:
    """Snapshot of an uninterrupted in-process run."""
    if kind == "extract":
        run([papers], out, workers=1, shard_docs=1, progress=False)
        return extract_snapshot(out)
    ingest([papers], out, workers=1, shard_size=2, progress=False)
    return ingest_snapshot(out)


def _command(kind: str, papers: Path, out: Path, *extra: str) -> list[str]:
    sizes = ["--shard-size", "1" if kind == "extract" else "2"]
    return [sys.executable, "-m", "matnlp", "-q", kind, str(papers), "-o", str(out), "--workers", "1", *sizes,
            *extra]


def kill_trial(kind: str, papers: Path, out: Path, delay: float) -> dict:
    """Run ``matnlp KIND`` as a process group, SIGKILL it after ``delay`` seconds, then finish the job (extract:
    ``--resume``; ingest: a rerun with ``--overwrite``). An ingest goes into a directory already holding a finished
    corpus of other papers (``--overwrite``). The killed run's lock is stale and taken over by the rerun. Returns
    the snapshot of what looked finished right after the kill (None when nothing did: a manifest is written last)
    and of the finished output."""
    extra = ["--overwrite"] if kind == "ingest" else []
    if kind == "ingest":
        ingest([papers / "abstracts.jsonl"], out, workers=1, progress=False)
    snapshot = extract_snapshot if kind == "extract" else ingest_snapshot
    proc = subprocess.Popen(_command(kind, papers, out, *extra), start_new_session=True, cwd=REPO_ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        proc.wait(timeout=delay)
        finished = True
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        finished = False
    after_kill = snapshot(out) if (out / "manifest.json").is_file() else None
    resume = ["--resume"] if kind == "extract" else extra
    subprocess.run(_command(kind, papers, out, *resume), check=True, cwd=REPO_ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return {"killed": not finished, "delay": round(delay, 2), "after_kill": after_kill, "snapshot": snapshot(out)}


def _timed_reference(kind: str, papers: Path, root: Path, name: str):
    """The output of one undisturbed run (the expected snapshot) and how long a second such run takes."""
    expected = reference(kind, papers, root / f"{kind}-{name}")
    start = time.perf_counter()
    subprocess.run(_command(kind, papers, root / f"{kind}-timed"), check=True, cwd=REPO_ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return expected, time.perf_counter() - start


def kill_trials(kind: str, trials: int, seed: int, root: Path) -> dict:
    """``trials`` kills at random moments of one uninterrupted CLI run's duration; counts identical outcomes."""
    papers = make_papers(root / "papers")
    expected, duration = _timed_reference(kind, papers, root, "reference")
    rng = random.Random(seed)
    results = []
    for trial in range(trials):
        outcome = kill_trial(kind, papers, root / f"{kind}-trial{trial}", rng.uniform(0.2, duration))
        outcome["identical"] = outcome.pop("snapshot") == expected
        after_kill = outcome.pop("after_kill")
        outcome["looked_finished_after_kill"] = after_kill is not None
        outcome["identical"] &= after_kill in (None, expected)  # what looks finished must be the whole output
        results.append(outcome)
    return {"trials": trials, "killed": sum(r["killed"] for r in results),
            "identical": sum(r["identical"] for r in results), "run_seconds": round(duration, 1), "runs": results}


# ------------------------------------------------------------------------------------------- concurrent runs

#: What the second run of a concurrent trial adds to its command, trial after trial: a plain run, one that would
#: replace the folder, and (extract) one that would continue it. The lock refuses all three.
SECOND_RUN_OPTIONS = {"extract": ([], ["--overwrite"], ["--resume"]), "ingest": ([], ["--overwrite"])}


def concurrent_trial(kind: str, papers: Path, out: Path, delay: float, second: list[str]) -> dict:
    """Start ``matnlp KIND`` into ``out``, and ``delay`` seconds after it has taken the folder's lock a second one
    into the same folder (with the options ``second``). The second must be refused (exit 2, naming the first's
    pid) without touching the folder; the first must finish (exit 0). Returns both exit codes, whether the second
    ran while the first was running, its message and the first's output snapshot."""
    snapshot = extract_snapshot if kind == "extract" else ingest_snapshot
    first = subprocess.Popen(_command(kind, papers, out), start_new_session=True, cwd=REPO_ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        lock = out / LOCK
        waited = time.monotonic() + 120
        while first.poll() is None and not lock.exists() and time.monotonic() < waited:
            time.sleep(0.01)
        time.sleep(delay)
        started_while_running = first.poll() is None
        done = subprocess.run(_command(kind, papers, out, *second), cwd=REPO_ROOT, capture_output=True, text=True,
                              timeout=300)
        overlapped = started_while_running and first.poll() is None
        first_stderr = first.communicate(timeout=300)[1]
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
    message = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
    return {"delay": round(delay, 2), "second_options": second, "overlapped": overlapped,
            "second_exit": done.returncode, "second_names_holder": f"pid {first.pid}" in message,
            "second_message": message[-300:], "first_exit": first.returncode, "first_stderr": first_stderr[-300:],
            "snapshot": snapshot(out) if (out / "manifest.json").is_file() else None}


def concurrent_trials(kind: str, trials: int, seed: int, root: Path) -> dict:
    """``trials`` concurrent-run trials of ``matnlp KIND`` (:func:`concurrent_trial`), the second run started at a
    random moment of the first one's run (from when it holds the lock); counts the trials where the second was
    refused and the first's output is complete and identical to a solo run's."""
    papers = make_papers(root / "papers")
    expected, duration = _timed_reference(kind, papers, root, "solo")
    rng = random.Random(seed)
    options = SECOND_RUN_OPTIONS[kind]
    results = []
    for trial in range(trials):
        outcome = concurrent_trial(kind, papers, root / f"{kind}-trial{trial}", rng.uniform(0, duration / 4),
                                   options[trial % len(options)])
        outcome["refused"] = outcome["second_exit"] == 2 and outcome["second_names_holder"]
        outcome["identical"] = outcome["first_exit"] == 0 and outcome.pop("snapshot") == expected
        results.append(outcome)
    return {"trials": trials, "overlapped": sum(r["overlapped"] for r in results),
            "refused": sum(r["refused"] for r in results), "identical": sum(r["identical"] for r in results),
            "run_seconds": round(duration, 1), "runs": results}


# --------------------------------------------------------------------------------------------- hostile files

class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(f'<!ENTITY leak "{SECRET}">{SECRET}'.encode())

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def listening():
    """A local HTTP server that records every request; yields (base URL, list of requested paths)."""
    _Recorder.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.hits
    finally:
        server.shutdown()
        server.server_close()


def slow_pdf(chars: int = 2000) -> bytes:
    """A small valid PDF whose page holds ``chars`` scattered one-letter text runs: pdfminer's layout analysis is
    superlinear in them (800: ~7 s, 2000: over a minute on one core) — a PDF that makes the parser slow."""
    ops = "\n".join(f"1 0 0 1 {i * 7 % 600} {i * 13 % 800} Tm (a) Tj" for i in range(chars))
    stream = f"BT /F1 2 Tf\n{ops}\nET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def hostile_markup(url: str, secret_file: Path) -> dict[str, bytes]:
    """Markup that tries to read a local file, reach the network or blow up memory, by file name."""
    secret = secret_file.as_uri()
    body = "<body><p>LiFePO4 was annealed at 700 °C.</p>{}</body>"
    xml = '<?xml version="1.0"?>\n{}<article>' + body + "</article>"
    files = {
        "xxe_file.xml": xml.format(f'<!DOCTYPE a [<!ENTITY x SYSTEM "{secret}">]>', "<p>&x;</p>"),
        "xxe_http.xml": xml.format(f'<!DOCTYPE a [<!ENTITY x SYSTEM "{url}/entity">]>', "<p>&x;</p>"),
        "xxe_parameter.xml": xml.format(f'<!DOCTYPE a [<!ENTITY % p SYSTEM "{url}/param"> %p;]>', "<p>&leak;</p>"),
        "external_dtd.xml": xml.format(f'<!DOCTYPE a SYSTEM "{url}/dtd">', "<p>&leak;</p>"),
        "xinclude.xml": xml.format("", f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{secret}" '
                                       f'parse="text"/><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
                                       f'href="{url}/xinclude" parse="text"/>'),
        "stylesheet.xml": xml.format(f'<?xml-stylesheet type="text/xsl" href="{url}/xsl"?>\n', ""),
        "billion_laughs.xml": xml.format(
            '<!DOCTYPE a [<!ENTITY l0 "ha">'
            + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)) + "]>", "<p>&l9;</p>"),
        "quadratic_blowup.xml": xml.format(f'<!DOCTYPE a [<!ENTITY b "{"B" * 100_000}">]>', "<p>" + "&b;" * 20_000
                                           + "</p>"),
        "xxe_as.txt": xml.format(f'<!DOCTYPE a [<!ENTITY x SYSTEM "{secret}">]>', "<p>&x;</p>"),
        "scripts.html": (f'<!DOCTYPE html SYSTEM "{url}/html-dtd"><html><head><title>T</title>'
                         f'<script>document.write("{SECRET}")</script><script src="{url}/js"></script>'
                         f'<link rel="stylesheet" href="{url}/css"></head><body><p>ZnO was grown at 90 °C.</p>'
                         f'<img src="{url}/img"><iframe src="{secret}"></iframe>'
                         f'<object data="{url}/object"></object><p>&leak;</p></body></html>'),
    }
    return {name: text.encode("utf-8") for name, text in files.items()}


def _neutralized(items: list, hits_before: int, hits: list) -> bool:
    shown = repr(items) + "".join(getattr(i, "text", "") for i in items)
    return SECRET not in shown and "document.write" not in shown and len(hits) == hits_before


def hostile_trials(root: Path, bomb_mib: int = 1024, pdf_timeout: float = 5.0) -> dict:
    """Every hostile file read with ``read_file``: nothing from the secret file or the network reaches the
    output, no request is made, expansion stays bounded; plus a gzip bomb of ``bomb_mib`` MiB of zeros (memory
    bounded by MAX_INPUT_BYTES) and a slow PDF under a ``pdf_timeout`` reader limit."""
    from ..ingest import walk

    root.mkdir(parents=True, exist_ok=True)
    secret_file = root / "secret.txt"
    secret_file.write_text(SECRET)
    results = {}
    with listening() as (url, hits):
        for name, data in hostile_markup(url, secret_file).items():
            (root / name).write_bytes(data)
            before, start = len(hits), time.perf_counter()
            items = read_file(root / name)
            results[name] = {"neutralized": _neutralized(items, before, hits),
                             "seconds": round(time.perf_counter() - start, 2), "outcome": _outcome(items)}
    bomb = root / "bomb.txt.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as handle:
        for _ in range(bomb_mib):
            handle.write(bytes(1 << 20))  # ~1 KiB compressed per MiB
    tracemalloc.start()
    items = read_file(bomb)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    results["gzip_bomb.txt.gz"] = {"neutralized": isinstance(items[0], IngestError) and peak < 2 * (
        walk.MAX_INPUT_BYTES + 8 * 2**20), "peak_mib": round(peak / 2**20), "outcome": _outcome(items)}
    (root / "slow.pdf").write_bytes(slow_pdf())
    start = time.perf_counter()
    items = read_file(root / "slow.pdf", timeout=pdf_timeout)
    seconds = time.perf_counter() - start
    results["slow.pdf"] = {"neutralized": isinstance(items[0], IngestError) and seconds < pdf_timeout + 10,
                                       "seconds": round(seconds, 1), "outcome": _outcome(items)}
    return results


def _outcome(items: list) -> str:
    return "; ".join(f"error: {i.reason[:80]}" if isinstance(i, IngestError) else f"document {i.id}" for i in items)


def id_trials(root: Path) -> dict:
    """Ids and DOIs that look like paths end up only inside JSON: no file appears outside the output directories."""
    ids = ["../../etc/passwd", "/etc/passwd", "..", "a\x00b", "C:\\Windows\\x", "10.1000/../../../escape", "~/x"]
    papers = root / "ids"
    papers.mkdir(parents=True)
    lines = [json.dumps({"id": i, "text": f"TiO2 sample {n} was annealed at 500 °C."}) for n, i in enumerate(ids)]
    lines.append(json.dumps({"doi": "10.1000/../../../doi-escape", "text": "ZnO was grown at 90 °C."}))
    (papers / "ids.jsonl").write_text("\n".join(lines) + "\n")
    before = _tree(root)
    run([papers], root / "extract", workers=1, progress=False)
    ingest([papers], root / "corpus", workers=1, progress=False)
    created = _tree(root) - before
    outside = sorted(str(p) for p in created if p.parts[0] not in ("extract", "corpus"))
    unexpected = sorted(p.name for p in created if not OUTPUT_NAMES.fullmatch(p.name))
    record_ids = [json.loads(line)["id"] for line in (root / "extract" / "records.jsonl").read_text().splitlines()]
    return {"ids": len(ids) + 1, "files_outside_output": outside, "unexpected_names": unexpected,
            "records_with_exact_id": sum(i in record_ids for i in [*ids, "10.1000/../../../doi-escape"])}


def _tree(root: Path) -> set[Path]:
    return {p.relative_to(root) for p in root.rglob("*")}


# ---------------------------------------------------------------------------------------------------- memory

def ingest_peak(root: Path, n: int, batch_chars: int = 20_000) -> int:
    """Peak traced memory (bytes) of ingesting ``n`` small documents from ``n`` files. Memory is bounded by the
    batches in flight (``batch_chars`` of raw text each, ~200 of these documents), not by the corpus."""
    papers = root / f"mem{n}"
    papers.mkdir(parents=True)
    for i in range(n):
        (papers / f"p{i:05d}.txt").write_text(f"Sample {i}: LiFePO4 was annealed at {i % 900} °C for 5 h. "
                                              f"The band gap of TiO2 is {i}.5 eV.\n")
    warm_up()  # lazy imports are not the corpus
    tracemalloc.start()
    ingest([papers], root / f"mem{n}-out", workers=1, shard_size=100, progress=False, batch_chars=batch_chars)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak
