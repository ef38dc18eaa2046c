"""Command-line options derived from the settings dataclasses: the dataclass defaults, the option names the
Makefile and README use, and no heavy import until a command that needs one is parsed."""

import argparse
import dataclasses
import subprocess
import sys

import pytest

from matnlp.cli import Parser, add_settings_options, build_parser, settings_from_args
from matnlp.embeddings import TrainConfig
from matnlp.ner.pretrain import PretrainSettings
from matnlp.ner.train import TrainSettings
from matnlp.ner.train_lstm import LSTMSettings

COMMANDS = {
    "ner train": (TrainSettings, ["--train", "t.txt", "-o", "out"]),
    "ner train-lstm": (LSTMSettings, ["--train", "t.txt", "-o", "out"]),
    "ner pretrain": (PretrainSettings, ["corpus", "-o", "out"]),
    "embeddings train": (TrainConfig, ["corpus", "-o", "out"]),
}
USED = {  # options the Makefile, the README and the tests pass
    "ner train": "--base --epochs --lr --head-lr-mult --batch-size --warmup --weight-decay --max-length --stride "
                 "--context --crf --label-smoothing --patience --precision --processing --min-count --seed --device "
                 "--limit --dev --test --brat-dir",
    "ner train-lstm": "--embeddings --epochs --lr --batch-size --hidden --dropout --patience --processing --min-count "
                      "--seed --device --limit",
    "ner pretrain": "--base --text --epochs --max-steps --lr --batch-size --max-length --mlm-probability --limit "
                    "--seed --device --precision",
    "embeddings train": "--vector-size --window --min-count --negative --sample --alpha --min-alpha --epochs --workers "
                        "--seed --phrase-passes --phrase-min-count --phrase-threshold --restrict-vocab "
                        "--deterministic --engine --no-phrases --eval-analogies --keep-corpus",
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_options_default_to_the_dataclass(command):
    cls, required = COMMANDS[command]
    args = build_parser().parse_args([*command.split(), *required])
    data_option = "processing" in {f.name for f in dataclasses.fields(cls)}  # ner train: auto, chosen from the data
    values = {"processing": "none"} if data_option else {}
    assert settings_from_args(cls, args, **values) == cls(**values)
    assert not data_option or args.processing == "auto"


@pytest.mark.parametrize("command", sorted(USED))
def test_options_the_makefile_and_readme_use_exist(command):
    parser = build_parser()
    parser.parse_args([*command.split(), *COMMANDS[command][1]])  # adds the deferred options
    sub = parser._subparsers._group_actions[0].choices[command.split()[0]]
    sub = sub._subparsers._group_actions[0].choices[command.split()[1]]
    assert set(USED[command].split()) <= set(sub._option_string_actions)


def test_values_types_and_flags():
    args = build_parser().parse_args(["ner", "train", "--train", "a", "b", "-o", "o", "--epochs", "2", "--crf",
                                      "--lr", "1e-4", "--lr", "2e-4", "--types", "MAT", "DSC", "--no-progress"])
    settings = settings_from_args(TrainSettings, args, processing="none")
    assert (settings.epochs, settings.lr, settings.crf, settings.types, settings.progress) == (
        2.0, 2e-4, True, ["MAT", "DSC"], False)
    assert isinstance(settings.epochs, float) and args.train == ["a", "b"]
    with pytest.raises(SystemExit):
        build_parser().parse_args(["ner", "train", "--train", "a", "-o", "o", "--precision", "int8"])
    config = settings_from_args(TrainConfig, build_parser().parse_args(
        ["embeddings", "train", "c", "-o", "o", "--no-phrases", "--deterministic", "--eval-analogies", "q.txt"]))
    assert (config.phrases, config.deterministic, config.eval_analogies) == (False, True, "q.txt")
    assert config.workers == TrainConfig().workers  # a default_factory still runs in the dataclass


@dataclasses.dataclass
class Sample:
    size: int = dataclasses.field(default=3, metadata={"help": "how many"})


def test_deferred_options_appear_in_help():
    parser = Parser(prog="x")
    add_settings_options(parser, f"{__name__}:Sample")
    assert parser.deferred and "--size" not in parser._option_string_actions
    assert "how many (default: 3)" in " ".join(parser.format_help().split())
    assert parser.parse_args(["--size", "4"]) == argparse.Namespace(size=4)


def test_building_the_parser_imports_no_heavy_module():
    code = ("import sys\nfrom matnlp.cli import build_parser\nbuild_parser().format_help()\n"
            "heavy = {'torch', 'gensim', 'transformers'} & set(sys.modules)\nassert not heavy, heavy\n")
    subprocess.run([sys.executable, "-c", code], check=True)
