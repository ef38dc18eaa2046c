"""``matnlp report`` on small real artefacts: corpus, word2vec, NER metrics, extraction output; missing inputs."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from matnlp.cli import main
from matnlp.corpus import ingest
from matnlp.embeddings import TrainConfig, train
from matnlp.ner import load
from matnlp.ner.calibrate import calibrate
from matnlp.ner.data import load_examples
from matnlp.ner.modeldir import CALIBRATION_FILE
from matnlp.pipeline import ModelPaths
from matnlp.report import build_report, pca_2d
from matnlp.runner import run

ROOT = Path(__file__).resolve().parent.parent
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory, data, tiny_ner_dir):
    """A run in miniature: 8 real MSPT procedures + the bundled sample → corpus, w2v, records; NER model dirs."""
    root = tmp_path_factory.mktemp("run")
    papers = root / "papers"
    papers.mkdir()
    for path in sorted((data / "mspt" / "data").glob("*.txt"))[:8]:
        shutil.copy(path, papers / path.name)
    shutil.copy(ROOT / "corpora" / "sample" / "abstracts.jsonl", papers)
    (papers / "empty.txt").write_text("")
    ingest([papers], root / "corpus", progress=False)
    repeated = root / "repeated.txt"
    repeated.write_text((root / "corpus" / "sentences.txt").read_text(encoding="utf-8") * 20, encoding="utf-8")
    train(repeated, root / "w2v", TrainConfig(vector_size=24, window=4, min_count=3, negative=3, epochs=2,
                                             deterministic=True, seed=3))
    mspt = root / "ner-mspt"  # a model dir whose metrics carry a test split too, and a calibration
    mspt.mkdir()
    metrics = json.loads((tiny_ner_dir / "metrics.json").read_text())
    (mspt / "metrics.json").write_text(json.dumps({**metrics, "test": metrics["dev"]}))
    examples = load_examples(str(data / "matscholar_ner" / "dev.txt"))
    calibrate(load(tiny_ner_dir, device="cpu"), examples[:100], examples[100:200]).save(mspt / CALIBRATION_FILE)
    run([papers], root / "records", ModelPaths(ner=str(tiny_ner_dir)), shard_docs=4, progress=False)
    return {"corpus": root / "corpus", "w2v": root / "w2v", "ner": tiny_ner_dir, "synthesis_ner": mspt,
            "records": root / "records"}


def args_for(paths: dict, out: Path) -> list[str]:
    argv = ["-q", "report", "-o", str(out)]
    for name, path in paths.items():
        argv += [f"--{name.replace('_', '-')}", str(path)]
    return argv


def test_report_from_a_small_run(artefacts, tmp_path):
    out = tmp_path / "out" / "REPORT.md"
    assert main(args_for(artefacts, out)) == 0
    text = out.read_text()
    assert "Missing" not in text and "Could not read" not in text
    corpus = json.loads((artefacts["corpus"] / "manifest.json").read_text())
    assert f"| {corpus['inputs']} | {corpus['documents']} | 1 |" in text  # the empty file is the one error
    records = json.loads((artefacts["records"] / "manifest.json").read_text())
    assert f"| {records['inputs']} | {records['records']} | 1 |" in text
    assert "| MAT |" in text and "| ingest | IngestError | 1 |" in text
    assert "nearest to **LiCoO2**: (not in vocabulary)" in text  # OOV is a line, not an error
    assert "nearest to **band gap**: " in text and "band gap**: (not in" not in text
    assert "_No test split scored for this model; per-label figures are on dev._" in text  # tiny_ner_dir: dev only
    figures = ["report-embeddings.png", "report-f1-matscholar-ner.png", "report-f1-synthesis-ner-mspt.png",
               "report-entities.png", "report-reliability-synthesis-ner-mspt.png"]
    for name in figures:
        assert f"]({name})" in text
        assert (out.parent / name).read_bytes().startswith(PNG)


def test_report_shows_the_calibration_of_the_models(artefacts, tmp_path):
    text = build_report(tmp_path / "REPORT.md", ner=artefacts["ner"], synthesis_ner=artefacts["synthesis_ner"]
                        ).read_text()
    report = json.loads((artefacts["synthesis_ner"] / CALIBRATION_FILE).read_text())["report"]
    assert "_No calibration.json: entity confidences are not calibrated" in text  # the Matscholar model has none
    test = report["test"]
    assert f"| test | {test['entities']} | {test['accuracy']:.3f} | {test['raw']['ece']:.3f} | " in text
    first = test["calibrated"]["bins"][0]
    assert f"| {first['low']:.1f}–{first['high']:.1f} | {first['count']} | {first['confidence']:.3f} |" in text


def test_projection_is_the_top_principal_plane():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(50, 8)) * [10, 5, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]
    xy = pca_2d(vectors)
    assert xy.shape == (50, 2)
    assert abs(xy.mean(axis=0)).max() < 1e-9
    assert xy[:, 0].var() >= xy[:, 1].var()


def test_missing_and_corrupt_artefacts_are_lines_not_crashes(artefacts, tmp_path):
    broken = tmp_path / "broken-ner"
    broken.mkdir()
    (broken / "metrics.json").write_text("{not json")
    paths = {"corpus": tmp_path / "nope", "w2v": tmp_path / "nope", "ner": broken,
             "synthesis_ner": tmp_path / "nope", "records": tmp_path / "nope"}
    out = tmp_path / "REPORT.md"
    assert main(args_for(paths, out)) == 0
    text = out.read_text()
    assert text.count("_Missing: ") == 4
    assert f"_Could not read {broken}: JSONDecodeError" in text
    assert not list(tmp_path.glob("*.png"))


def test_sections_not_requested(tmp_path):
    out = build_report(tmp_path / "sub" / "REPORT.md")
    text = out.read_text(encoding="utf-8")
    assert out == tmp_path / "sub" / "REPORT.md" and text.startswith("# matnlp run report\n")
    assert [line for line in text.splitlines() if line.startswith("## ")] == [
        "## Corpus", "## Word embeddings", "## Matscholar NER", "## Synthesis NER (MSPT)", "## Extraction"]
    assert text.count("_Not requested._") == 5
