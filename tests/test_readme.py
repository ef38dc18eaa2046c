"""The README's Python examples run as written.

A ```python block directly after ``<!-- test -->`` (or ``<!-- test: prints "TEXT" -->``, which also checks the
printed output) is executed in a working directory laid out like a finished ``make pipeline``:
``models/ner-matscholar`` is the tiny trained test model, ``models/w2v`` small embeddings trained here on real
Matscholar sentences, ``corpora/`` the bundled sample.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from matnlp.embeddings import TrainConfig, train
from matnlp.ner.data import read_conll
from matnlp.pipeline import default_pipeline

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
MARKED = re.compile(r'<!-- test(?:: prints "(?P<expect>[^"]*)")? -->\n```python\n(?P<code>.*?)```', re.S)
EXAMPLES = [(README.count("\n", 0, m.start("code")) + 1, m["code"], m["expect"]) for m in MARKED.finditer(README)]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory, data, tiny_ner_dir) -> Path:
    root = tmp_path_factory.mktemp("readme")
    (root / "models").mkdir()
    (root / "models" / "ner-matscholar").symlink_to(tiny_ner_dir)
    (root / "corpora").symlink_to(ROOT / "corpora")
    sentences = root / "sentences.txt"
    lines = (" ".join(w.replace(" ", "") for w in e.words) for e in read_conll(data / "matscholar_ner" / "train.txt"))
    sentences.write_text("\n".join(lines) + "\n", encoding="utf-8")
    train(sentences, root / "models" / "w2v",
          TrainConfig(vector_size=24, window=4, min_count=3, negative=3, epochs=2, deterministic=True, seed=5))
    return root


def test_readme_opens_with_the_two_commands():
    first_block = README.split("```bash\n", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in first_block.splitlines()] == ["make pipeline", "make test"]
    assert README.index("```bash") < README.index("\n## ")


def test_public_api_is_imported_lazily():
    """``import matnlp`` (the CLI's first import) loads no stage module; the public names resolve on use."""
    code = ("import sys, matnlp\n"
            "assert not [m for m in sys.modules if m.startswith('matnlp.') or m in ('torch', 'spacy')], sys.modules\n"
            "from matnlp import Document, Entity, Pipeline, Record, extract, extract_file, load, __version__\n"
            "assert load.__module__ == 'matnlp.pipeline' and Record.__module__ == 'matnlp.records'\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_readme_has_runnable_examples():
    assert len(EXAMPLES) >= 6
    assert all(expect for _, _, expect in EXAMPLES), "every example says what it prints"


@pytest.mark.parametrize(("line", "code", "expect"), EXAMPLES, ids=[f"README.md:{line}" for line, _, _ in EXAMPLES])
def test_readme_example(line, code, expect, workdir, monkeypatch, capsys):
    monkeypatch.chdir(workdir)
    monkeypatch.delenv("MATNLP_MODELS", raising=False)
    default_pipeline.cache_clear()  # matnlp.extract looks for ./models afresh
    try:
        exec(compile(code, f"README.md:{line}", "exec"), {"__name__": "__readme__"})
    finally:
        default_pipeline.cache_clear()
    out = capsys.readouterr().out
    assert expect in out, out


def test_readme_names_every_label_and_the_language(data):
    """The labels of both models' training data, each named in the README, and the models' language (issue 18)."""
    matscholar = {line.split()[-1][2:] for line in (data / "matscholar_ner" / "train.txt").read_text().splitlines()
                  if line.split() and line.split()[-1].startswith("B-")}
    mspt = {line.split("\t")[1].split()[0] for ann in (data / "mspt" / "data").glob("*.ann")
            for line in ann.read_text(encoding="utf-8").splitlines() if line.startswith("T")}
    assert len(matscholar) == 7 and len(mspt) == 21
    section = README.split("## Entity labels", 1)[1].split("\n## ", 1)[0]
    assert not [label for label in matscholar | mspt if f"`{label}`" not in section]
    assert "English" in section
