"""The run report: ``out/REPORT.md`` and its PNG figures from the artefacts of a pipeline run (``matnlp report``).

Reads (each optional; a missing or unreadable artefact becomes a line saying so): the corpus manifest, the word2vec
model, the NER model directories' ``metrics.json`` and ``calibration.json`` and an extraction output directory
(``manifest.json``, ``records.jsonl``, ``errors.jsonl``). Figures: a 2-D PCA projection of element/material
embeddings, per-label F1 bars and a reliability diagram (raw scores and calibrated confidences against the share
of entities right) for each NER model, entity counts by label.

    matnlp report --corpus corpus --w2v models/w2v --ner models/ner-matscholar \
        --synthesis-ner models/ner-mspt --records out/records -o out/REPORT.md
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import platform
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from . import __version__
from .errors import MatnlpError

log = logging.getLogger(__name__)

PROBES = ("LiCoO2", "thermoelectric", "band gap")


# ----------------------------------------------------------------------------------------------- helpers


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines + [""]


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value).replace("|", "\\|")


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def iter_jsonl(path: Path) -> Iterable[dict]:
    """The JSON objects of a JSON-lines file, gzipped when its name ends in ``.gz``."""
    with (gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else path.open(encoding="utf-8")) as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def pyplot():
    """``matplotlib.pyplot`` on the non-interactive Agg backend (figures are only written to files)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save(fig, path: Path) -> str:
    """Save and close a figure; returns the Markdown image line (path relative to the report)."""
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    pyplot().close(fig)
    return f"![{path.stem}]({path.name})"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# ----------------------------------------------------------------------------------------------- sections


def corpus_section(path: Path, figures: Path) -> list[str]:
    manifest = read_json(path / "manifest.json")
    keys = ("inputs", "documents", "errors", "duplicates", "sentences", "tokens")
    return table(["corpus", *keys], [[str(path), *(manifest.get(k, "–") for k in keys)]])


def embeddings_section(path: Path, figures: Path) -> list[str]:
    from .embeddings import Embeddings, OOVError

    emb = Embeddings.load(path)
    settings, timings = emb.config.get("settings", {}), emb.config.get("timings", {})
    lines = table(["vocabulary", "dimensions", "epochs", "corpus tokens", "train s", "words/s"],
                  [[len(emb), emb.wv.vector_size, settings.get("epochs", "–"),
                    emb.config.get("corpus", {}).get("tokens", "–"), timings.get("total_s", "–"),
                    timings.get("train_words_per_s", "–")]])
    for probe in PROBES:
        try:
            near = ", ".join(f"{w} ({s:.2f})" for w, s in emb.similar(probe, 5))
        except OOVError:
            near = "(not in vocabulary)"
        lines.append(f"- nearest to **{probe}**: {near}")
    lines.append("")
    return lines + [plot_materials(emb, figures / "report-embeddings.png"), ""]


def plot_materials(emb, path: Path, per_kind: int = 30) -> str:
    """PCA of the most frequent element symbols and compound formulas, labelled."""
    from .chem import ELEMENT_SET

    words = emb.materials()
    elements = [w for w in words if w in ELEMENT_SET][:per_kind]
    compounds = [w for w in words if w not in ELEMENT_SET][:per_kind]
    chosen = elements + compounds
    if len(chosen) < 3:
        return "_Too few materials in the vocabulary for a projection._"
    xy = pca_2d(np.asarray([emb.wv[w] for w in chosen], dtype=np.float64))
    fig, ax = pyplot().subplots(figsize=(9, 7))
    for kind, group, color in (("elements", elements, "tab:blue"), ("compounds", compounds, "tab:orange")):
        pts = xy[[chosen.index(w) for w in group]]
        ax.scatter(pts[:, 0], pts[:, 1], s=14, c=color, label=kind)
        for word, (x, y) in zip(group, pts):
            ax.annotate(word, (x, y), fontsize=7, xytext=(2, 2), textcoords="offset points")
    ax.set(title="Element and material embeddings (PCA of unit vectors)", xlabel="PC 1", ylabel="PC 2")
    ax.legend()
    return save(fig, path)


def pca_2d(vectors: np.ndarray) -> np.ndarray:
    """First two principal components of the row-normalized, centred vectors (numpy SVD)."""
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    centred = unit - unit.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    return centred @ vt[:2].T


def ner_section(title: str) -> Callable[[Path, Path], list[str]]:
    """Section writer for one NER model directory: averages, per-label table and F1 bars."""

    def section(path: Path, figures: Path) -> list[str]:
        metrics = read_json(path / "metrics.json")
        splits = {s: metrics[s] for s in ("dev", "test") if s in metrics}
        if not splits:
            return [f"_{path / 'metrics.json'} has no dev/test scores._", ""]
        lines = table(["split", "micro P", "micro R", "micro F1", "macro F1", "sentences"],
                      [[s, r["micro"]["precision"], r["micro"]["recall"], r["micro"]["f1"], r["macro"]["f1"],
                        r.get("sentences", "–")] for s, r in splits.items()])
        shown = "test" if "test" in splits else "dev"
        if shown == "dev":
            lines.append("_No test split scored for this model; per-label figures are on dev._\n")
        labels = splits[shown]["labels"]
        lines += table([f"label ({shown})", "P", "R", "F1", "support"],
                       [[k, v["precision"], v["recall"], v["f1"], v["support"]] for k, v in sorted(labels.items())])
        if "train_seconds" in metrics:
            lines += [f"Training time: {metrics['train_seconds']:.0f} s.", ""]
        lines += [plot_f1(splits, title, figures / f"report-f1-{slug(title)}.png"), ""]
        return lines + calibration_lines(path, title, figures)

    return section


def calibration_lines(path: Path, title: str, figures: Path) -> list[str]:
    """The calibration of a model dir (``calibration.json``): expected calibration error of the raw scores and of
    the confidences per split, the reliability table of the last split and its diagram."""
    file = path / "calibration.json"
    if not file.is_file():
        return [f"_No {file.name}: entity confidences are not calibrated (`matnlp ner calibrate {path}`)._", ""]
    report = read_json(file)["report"]
    lines = ["**Confidence calibration** (fitted on dev; expected calibration error, 10 bins):", ""]
    lines += table(["split", "entities", "share right", "ECE raw score", "ECE confidence"],
                   [[s, r["entities"], r["accuracy"], r["raw"]["ece"], r["calibrated"]["ece"]]
                    for s, r in report.items()])
    shown = "test" if "test" in report else "dev"
    lines += table([f"confidence bin ({shown})", "entities", "mean confidence", "share right"],
                   [[f"{b['low']:.1f}–{b['high']:.1f}", b["count"], b["confidence"], b["accuracy"]]
                    for b in report[shown]["calibrated"]["bins"]])
    return lines + [plot_reliability(report[shown], f"{title} ({shown})",
                                      figures / f"report-reliability-{slug(title)}.png"), ""]


def plot_reliability(split: dict, title: str, path: Path) -> str:
    """Reliability diagram: share of entities right against mean raw score and mean confidence, per bin."""
    fig, ax = pyplot().subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label="perfect calibration")
    for kind, name, color in (("raw", "raw score", "tab:red"), ("calibrated", "calibrated confidence", "tab:blue")):
        bins = split[kind]["bins"]
        ax.plot([b["confidence"] for b in bins], [b["accuracy"] for b in bins], marker="o", color=color,
                label=f"{name} (ECE {split[kind]['ece']:.3f})")
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="mean score in bin", ylabel="share of entities right",
           title=f"{title}: reliability")
    ax.legend(loc="upper left")
    return save(fig, path)


def plot_f1(splits: dict[str, dict], title: str, path: Path) -> str:
    """Grouped bars: per-label F1 for each scored split."""
    labels = sorted({k for r in splits.values() for k in r["labels"]})
    x = np.arange(len(labels))
    width = 0.8 / len(splits)
    fig, ax = pyplot().subplots(figsize=(max(6.0, 0.6 * len(labels) + 2), 4))
    for i, (split, report) in enumerate(splits.items()):
        f1 = [report["labels"].get(k, {}).get("f1", 0.0) for k in labels]
        ax.bar(x + (i - (len(splits) - 1) / 2) * width, f1, width, label=f"{split} (micro {report['micro']['f1']:.3f})")
    ax.set_xticks(x, labels, rotation=45 if len(labels) > 8 else 0, ha="right" if len(labels) > 8 else "center")
    ax.set(ylim=(0, 1), ylabel="F1", title=f"{title}: per-label F1")
    ax.legend(loc="best")
    return save(fig, path)


def records_section(path: Path, figures: Path) -> list[str]:
    manifest = read_json(path / "manifest.json")
    config = manifest.get("config", {})
    seconds = config.get("seconds")
    rate = f"{manifest['inputs'] / seconds:.2f}" if seconds else "not recorded"
    lines = table(["inputs", "records", "errors", "engine", "workers", "seconds", "documents/s"],
                  [[manifest["inputs"], manifest["records"], manifest["errors"], config.get("engine", "–"),
                    config.get("workers", "–"), seconds or "–", rate]])
    counts = count_records(path / "records.jsonl")
    lines += table(["entities", "materials", "with formula", "properties", "with value", "synthesis steps"],
                   [[sum(counts["labels"].values()), counts["materials"], counts["formulas"], counts["properties"],
                     counts["values"], sum(counts["steps"].values())]])
    if counts["labels"]:
        lines += table(["entity label", "count"], counts["labels"].most_common())
        lines += [plot_counts(counts["labels"], "Entities by label", figures / "report-entities.png"), ""]
    if counts["steps"]:
        lines += table(["synthesis step type", "count"], counts["steps"].most_common(12))
    if "min_confidence" in config:
        dropped = ", ".join(f"{n} {kind}" for kind, n in config["dropped_below_confidence"].items())
        lines += [f"Parts with confidence below {config['min_confidence']} were dropped: {dropped}.", ""]
    return lines + errors_lines(path / "errors.jsonl", manifest)


def count_records(path: Path) -> dict:
    """Entity labels, materials, properties and step types over a records.jsonl file (streamed)."""
    counts = {"labels": Counter(), "steps": Counter(), "materials": 0, "formulas": 0, "properties": 0, "values": 0}
    for record in iter_jsonl(path):
        counts["labels"].update(e["label"] for e in record["entities"])
        counts["steps"].update(s["type"] for s in record["synthesis"])
        counts["materials"] += len(record["materials"])
        counts["formulas"] += sum(1 for m in record["materials"] if m.get("formula"))
        counts["properties"] += len(record["properties"])
        counts["values"] += sum(1 for p in record["properties"] if p.get("value") is not None)
    return counts


def errors_lines(path: Path, manifest: dict) -> list[str]:
    if not manifest["errors"]:
        return ["No errors.", ""]
    if not path.is_file():
        return [f"Errors by stage: {manifest.get('errors_by_stage')} ({path} missing).", ""]
    kinds = Counter((e.get("stage", "?"), e.get("error", "?")) for e in iter_jsonl(path))
    return table(["stage", "error", "count"], [[s, e, n] for (s, e), n in kinds.most_common()])


def plot_counts(counts: Counter, title: str, path: Path) -> str:
    names, values = zip(*counts.most_common())
    fig, ax = pyplot().subplots(figsize=(max(5.0, 0.5 * len(names) + 2), 3.5))
    ax.bar(names, values, color="tab:green")
    ax.set(title=title, ylabel="count")
    ax.tick_params(axis="x", rotation=45 if len(names) > 8 else 0)
    return save(fig, path)


# ----------------------------------------------------------------------------------------------------- main

SECTIONS: list[tuple[str, str, str, Callable[[Path, Path], list[str]]]] = [
    # (title, argument, the file that must exist in it, writer)
    ("Corpus", "corpus", "manifest.json", corpus_section),
    ("Word embeddings", "w2v", "config.json", embeddings_section),
    ("Matscholar NER", "ner", "metrics.json", ner_section("Matscholar NER")),
    ("Synthesis NER (MSPT)", "synthesis_ner", "metrics.json", ner_section("Synthesis NER (MSPT)")),
    ("Extraction", "records", "manifest.json", records_section),
]


def section(title: str, path: Path | None, required: str, writer, figures: Path) -> list[str]:
    """``## title`` plus the writer's lines, or a line saying what is missing or unreadable."""
    head = [f"## {title}", ""]
    if path is None:
        return head + ["_Not requested._", ""]
    if not (path / required).is_file():
        return head + [f"_Missing: {path / required} (run `make pipeline` to produce it)._", ""]
    try:
        return head + writer(path, figures)
    except (OSError, ValueError, KeyError, TypeError, MatnlpError) as exc:
        log.warning("%s: could not read %s: %s", title, path, exc)
        return head + [f"_Could not read {path}: {type(exc).__name__}: {exc}_", ""]


def build_report(
    output: str | Path,
    corpus: str | Path | None = None,
    w2v: str | Path | None = None,
    ner: str | Path | None = None,
    synthesis_ner: str | Path | None = None,
    records: str | Path | None = None,
) -> Path:
    """Write the report to ``output`` and its figures beside it; returns the report path. Each artefact directory
    is optional: ``None`` (or empty) gives a "not requested" line, a missing or unreadable one a line saying so."""
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    paths = {"corpus": corpus, "w2v": w2v, "ner": ner, "synthesis_ner": synthesis_ner, "records": records}
    lines = [
        "# matnlp run report", "",
        f"Generated {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC by matnlp {__version__} on "
        f"{platform.platform()} ({os.cpu_count()} CPUs, Python {platform.python_version()}).", "",
    ]
    for title, arg, required, writer in SECTIONS:
        value = paths[arg]
        lines += section(title, Path(value) if value else None, required, writer, out.parent)
    out.write_text("\n".join(lines), encoding="utf-8")
    return out
