"""The CUDA path: an NER model trained on the GPU, and extraction with ``device="cuda"`` that agrees with the CPU.

Runs where torch sees a CUDA device; elsewhere every test here is skipped with the reason. On a GPU machine:
``make test`` (or ``pytest tests/test_gpu.py``); ``scripts/gpu_check.py`` is the longer timed check.
"""

import json
from pathlib import Path

import pytest
import torch

from matnlp.ner import load
from matnlp.ner.data import read_conll
from matnlp.ner.train import TrainSettings, train
from matnlp.pipeline import ModelPaths
from matnlp.runner import run

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(),
                                reason="no CUDA device here (torch.cuda.is_available() is False): the GPU path is "
                                       "tested only on a machine with one")


@pytest.fixture(scope="module")
def cuda_model(tmp_path_factory, data):
    """The default MiniLM base fine-tuned on the GPU for one epoch on 400 real Matscholar sentences."""
    examples = read_conll(data / "matscholar_ner" / "train.txt")
    settings = TrainSettings(epochs=1, lr=2e-4, batch_size=16, progress=False, patience=0, device="cuda")
    out = tmp_path_factory.mktemp("cuda_ner")
    train(examples[:400], examples[400:480], out, settings)
    return out


def test_model_trained_on_cuda_tags_alike_on_gpu_and_cpu(cuda_model, data):
    config = json.loads((cuda_model / "config.json").read_text())
    assert config["architectures"]  # a transformers directory, loadable anywhere
    texts = [" ".join(e.words) for e in read_conll(data / "matscholar_ner" / "dev.txt")[:40]]
    gpu, cpu = load(cuda_model, device="cuda", precision="fp32"), load(cuda_model, device="cpu", precision="fp32")
    on_gpu = [{(e.start, e.end, e.label) for e in gpu(t)} for t in texts]
    on_cpu = [{(e.start, e.end, e.label) for e in cpu(t)} for t in texts]
    assert sum(map(len, on_gpu)) > 0
    agree = sum(a == b for a, b in zip(on_gpu, on_cpu))
    assert agree >= 0.95 * len(texts)


def test_extract_runs_on_cuda(cuda_model, tmp_path):
    sample = Path(__file__).parents[1] / "corpora" / "sample" / "abstracts.jsonl"
    n = len(sample.read_text(encoding="utf-8").splitlines())
    manifest = run([sample], tmp_path, ModelPaths(ner=str(cuda_model), device="cuda"),
                   workers=1, progress=False)
    assert manifest["records"] == n and manifest["errors"] == 0
    records = [json.loads(line) for line in (tmp_path / "records.jsonl").read_text().splitlines()]
    assert any(r["entities"] for r in records)
