"""matnlp.ner touches no process state: importing it leaves ``os.environ`` alone (no ``HF_HUB_OFFLINE``), and models
still load with the Hub left online, since every ``from_pretrained`` reads local files only."""

import subprocess
import sys

from matnlp.ner.bases import resolve_base
from matnlp.ner.train import TrainSettings, save_model

MODULES = ("matnlp.ner", "matnlp.ner.predict", "matnlp.ner.train", "matnlp.ner.train_lstm", "matnlp.ner.pretrain",
           "matnlp.ner.ensemble", "matnlp.ner.recipe", "matnlp.cli.ner")


def test_importing_ner_modules_leaves_the_environment_alone(tmp_path):
    from transformers import AutoModelForTokenClassification, AutoTokenizer, BertConfig

    labels = ["O", "B-MAT", "I-MAT"]
    tokenizer = AutoTokenizer.from_pretrained(resolve_base(None), local_files_only=True)
    model = AutoModelForTokenClassification.from_config(BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=32, num_labels=len(labels)))
    save_model(tmp_path / "model", model, tokenizer, labels, TrainSettings(processing="none"))
    code = (
        "import importlib, os\n"
        "before = dict(os.environ)\n"
        f"for name in {MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "assert dict(os.environ) == before, set(os.environ.items()) ^ set(before.items())\n"
        "import huggingface_hub.constants as hub\n"
        "import matnlp.ner\n"
        f"tagger = matnlp.ner.load({str(tmp_path / 'model')!r}, device='cpu')\n"
        "assert isinstance(tagger('LiFePO4 was annealed at 700 C.'), list)\n"
        "assert not hub.HF_HUB_OFFLINE and 'HF_HUB_OFFLINE' not in os.environ\n"
    )
    env = {"PATH": "/usr/bin:/bin", "HF_ENDPOINT": "http://127.0.0.1:9", "HOME": str(tmp_path)}  # no Hub to reach
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
