"""``matnlp ner train | train-lstm | eval | predict | ensemble | pretrain | build | calibrate | label``: fine-tune,
score, apply and combine BERT NER models (and word-level BiLSTM-CRF members), adapt their base encoder to the domain,
build a shipped model from its recipe, calibrate its entity confidences on dev data, and tag corpus sentences with a
teacher model for a distilled student."""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
from dataclasses import replace
from pathlib import Path

from ..errors import ConfigError, ModelError
from ..ner.bases import BASE_HELP
from . import add_device_options, add_settings_options, positive_int, settings_from_args, setup_logging

log = logging.getLogger(__name__)

PROCESSING_OPTION = {
    "choices": ("auto", "mat2vec", "none"), "default": "auto",
    "help": "text processing the model expects at predict time (auto: mat2vec if the data has <nUm>)",
}


def register(subparsers) -> None:
    parser = subparsers.add_parser("ner", help="train, evaluate and apply BERT NER models")
    sub = parser.add_subparsers(dest="ner_command", metavar="SUBCOMMAND", required=True)
    _register_train(sub)
    _register_train_lstm(sub)
    _register_eval(sub)
    _register_predict(sub)
    _register_ensemble(sub)
    _register_pretrain(sub)
    _register_build(sub)
    _register_calibrate(sub)
    _register_label(sub)


def _data_help() -> str:
    return ("CoNLL file, JSONL spans, brat directory, an MSPT split list (names, one a line), or MuLMS documents: "
            "mulms:SPLIT[:LABEL,...] (e.g. mulms:train, mulms:dev:PROPERTY,MAT)")


def _add_data_args(p) -> None:
    p.add_argument("--train", required=True, nargs="+",
                   help=_data_help() + "; several are joined (e.g. train and dev for a final model)")
    p.add_argument("--dev", help="dev data (early stopping and best checkpoint); without it every epoch runs and "
                                 "the last is kept")
    p.add_argument("--test", help="test data, scored once at the end into metrics.json")
    p.add_argument("--brat-dir", help="brat directory for split lists (default: found beside the list)")
    p.add_argument("-o", "--out", required=True, help="output model directory")
    p.add_argument("--limit", type=positive_int, help="use only the first N training sentences")


def _register_train(sub) -> None:
    p = sub.add_parser("train", help="fine-tune a token-classification model")
    _add_data_args(p)
    add_settings_options(p, "matnlp.ner.train:TrainSettings", processing=PROCESSING_OPTION)
    p.set_defaults(func=cmd_train)


def _register_train_lstm(sub) -> None:
    p = sub.add_parser(
        "train-lstm", help="train a word-level BiLSTM-CRF over Word2vec vectors (an ensemble member for BERT models)"
    )
    _add_data_args(p)
    p.add_argument("--silver", help="a teacher's reading of corpus sentences (`matnlp ner label`): the model is its "
                                    "student, see --distill-weight")
    add_settings_options(p, "matnlp.ner.train_lstm:LSTMSettings", processing=PROCESSING_OPTION)
    p.set_defaults(func=cmd_train_lstm)


def _register_label(sub) -> None:
    from ..ner.distill import DistillSettings

    defaults = DistillSettings("", "")
    p = sub.add_parser(
        "label", help="tag a sample of corpus sentences with a teacher model: silver data for a student",
        description="Tag a seeded sample of a corpus's sentences with a teacher model (an ensemble) and write its "
        "tags and emissions (.npz) for `ner train-lstm --silver` (distillation; `ner build` does this for a "
        "recipe with a [distill] table).")
    p.add_argument("teacher", help="teacher model directory")
    p.add_argument("corpus", help="corpus directory (`matnlp ingest`)")
    p.add_argument("-o", "--out", required=True, help="silver data file (.npz)")
    p.add_argument("--sentences", type=positive_int, default=defaults.sentences, help="sentences to tag (default: "
                   "%(default)s)")
    p.add_argument("--synthesis", action="store_true", help="only sentences of synthesis paragraphs")
    p.add_argument("--seed", type=int, default=defaults.seed, help="seed of the sample (default: %(default)s)")
    add_device_options(p, precision=False)
    p.set_defaults(func=cmd_label)


def _register_eval(sub) -> None:
    p = sub.add_parser("eval", help="entity-level P/R/F1 (seqeval strict IOB2) of a model on labelled data")
    p.add_argument("model", help="model directory")
    p.add_argument("--data", required=True, help=_data_help())
    p.add_argument("--brat-dir", help="brat directory for split lists")
    p.add_argument("--json", help="write the full report as JSON here")
    p.add_argument("--ignore-unknown", action="store_true", help="map gold labels the model lacks to O")
    p.add_argument("--batch-size", type=positive_int, default=32)
    add_device_options(p)
    p.set_defaults(func=cmd_eval)


def _register_predict(sub) -> None:
    p = sub.add_parser("predict", help="tag raw text; prints JSON entities with character offsets")
    p.add_argument("model", help="model directory")
    p.add_argument("text", nargs="*", help="texts to tag")
    p.add_argument("--input", help="text file (one text a line) or JSONL with a 'text' field")
    p.add_argument("--output", help="write JSONL here instead of stdout")
    p.add_argument("--batch-size", type=positive_int, default=32)
    add_device_options(p)
    p.set_defaults(func=cmd_predict)


def _register_ensemble(sub) -> None:
    p = sub.add_parser("ensemble", help="combine models (several seeds, bases, BiLSTM-CRFs) into one ensemble")
    p.add_argument("models", nargs="+",
                   help="model directories with the same labels, processing and head (BERT members: and windows)")
    p.add_argument("-o", "--out", required=True, help="output model directory")
    p.add_argument("--dev", help="score every member and the ensemble on this data (into metrics.json)")
    p.add_argument("--test", help="score the ensemble once on this data (into metrics.json)")
    p.add_argument("--brat-dir", help="brat directory for split lists")
    add_device_options(p, precision=False)
    p.set_defaults(func=cmd_ensemble)


def _register_pretrain(sub) -> None:
    p = sub.add_parser(
        "pretrain", help="domain-adaptive masked-LM training of a base encoder on a corpus (use with train --base)"
    )
    p.add_argument("source", help="matnlp corpus dir (from `matnlp ingest`) or a text file, one passage a line")
    p.add_argument("-o", "--out", required=True, help="output checkpoint directory (Hugging Face format)")
    add_settings_options(p, "matnlp.ner.pretrain:PretrainSettings")
    p.set_defaults(func=cmd_pretrain)


def _register_build(sub) -> None:
    from ..ner.recipe import available

    p = sub.add_parser("build", help="train every member of a recipe and assemble the model (what `make ner` runs)")
    p.add_argument("recipe", help=f"a shipped recipe ({', '.join(available())}) or a recipe .toml file")
    p.add_argument("-o", "--out", required=True,
                   help="output model directory; the members are trained into OUT-runs/, removed at the end")
    p.add_argument("--base", help="base of every BERT member instead of the recipe's: " + BASE_HELP)
    p.add_argument("--embeddings", help="Word2vec model dir of every BiLSTM-CRF member instead of the recipe's")
    add_device_options(p, precision=False)
    p.set_defaults(func=cmd_build)


def _register_calibrate(sub) -> None:
    p = sub.add_parser(
        "calibrate", help="fit the map from raw entity score to confidence on dev data (MODEL_DIR/calibration.json)",
        description="Tag the dev data, fit per label the map from raw entity score to the probability that the "
        "entity is exactly right, and write it to MODEL_DIR/calibration.json with the expected calibration error "
        "and reliability table before/after on dev and test. `ner build` does this at the end.")
    p.add_argument("model", help="model directory")
    data = p.add_mutually_exclusive_group(required=True)
    data.add_argument("--recipe", help="take --dev and --test from this recipe's [data] (the model's own recipe)")
    data.add_argument("--dev", help=_data_help())
    p.add_argument("--test", help="test data, reported once (not used for fitting)")
    p.add_argument("--brat-dir", help="brat directory for split lists")
    add_device_options(p, precision=False)
    p.set_defaults(func=cmd_calibrate)


def _load_training_data(args):
    """(train, dev, test, processing) from the data arguments (or a recipe's data, named alike); ``auto``
    processing looks for ``<nUm>``."""
    from ..ner.data import load_examples

    train_ex = [ex for spec in args.train for ex in load_examples(spec, args.brat_dir)][: args.limit]
    dev_ex = load_examples(args.dev, args.brat_dir) if args.dev else []
    test_ex = load_examples(args.test, args.brat_dir) if args.test else None
    processing = args.processing
    if processing == "auto":
        processing = "mat2vec" if any("<nUm>" in e.words for e in train_ex) else "none"
    return train_ex, dev_ex, test_ex, processing


def _print_scores(metrics: dict) -> None:
    if metrics:
        print(json.dumps({k: metrics[k]["micro"] for k in ("dev", "test") if k in metrics}, indent=2))


def cmd_train(args: argparse.Namespace) -> int:
    from ..ner.train import TrainSettings, train

    train_ex, dev_ex, test_ex, processing = _load_training_data(args)
    settings = settings_from_args(TrainSettings, args, processing=processing)
    _print_scores(train(train_ex, dev_ex, args.out, settings, test_examples=test_ex))
    return 0


def cmd_train_lstm(args: argparse.Namespace) -> int:
    from ..ner.distill import Silver
    from ..ner.train_lstm import LSTMSettings, train_lstm

    train_ex, dev_ex, test_ex, processing = _load_training_data(args)
    settings = settings_from_args(LSTMSettings, args, processing=processing)
    silver = Silver.load(args.silver) if args.silver else None
    _print_scores(train_lstm(train_ex, dev_ex, args.out, settings, test_examples=test_ex, silver=silver))
    return 0


def cmd_label(args: argparse.Namespace) -> int:
    from ..ner.distill import DistillSettings, label

    settings = DistillSettings(args.teacher, args.corpus, args.sentences, args.synthesis, args.seed)
    silver = label(settings, args.device)
    log.info("wrote %d silver sentences to %s", len(silver.examples), silver.save(args.out))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from ..ner import load
    from ..ner.data import load_examples
    from ..ner.evaluate import evaluate, format_report

    tagger = load(args.model, device=args.device, precision=args.precision, batch_size=args.batch_size)
    report = evaluate(tagger, load_examples(args.data, args.brat_dir), "ignore" if args.ignore_unknown else "error")
    print(format_report(report))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report, indent=2))
    return 0


def cmd_ensemble(args: argparse.Namespace) -> int:
    from ..ner.data import load_examples
    from ..ner.ensemble import build, score

    out = build(args.models, args.out)
    dev, test = (load_examples(spec, args.brat_dir) if spec else None for spec in (args.dev, args.test))
    _print_scores(score(out, dev, test, args.device))
    return 0


def cmd_pretrain(args: argparse.Namespace) -> int:
    from ..ner.pretrain import PretrainSettings, pretrain

    settings = settings_from_args(PretrainSettings, args)
    report = pretrain(args.source, args.out, settings)
    if report:
        print(json.dumps({k: v for k, v in report.items() if k not in ("loss_history", "settings")}, indent=2))
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """Train the recipe's members into OUT-runs/, then move the one member or build and score the ensemble (in the
    sorted order of the member dirs) into OUT, replacing it only now."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from ..ner.data import load_examples
    from ..ner.ensemble import build, score
    from ..ner.modeldir import METRICS_FILE
    from ..ner.recipe import load_recipe

    recipe = load_recipe(args.recipe, base=args.base, embeddings=args.embeddings, device=args.device)
    out = Path(args.out)
    runs = out.with_name(out.name + "-runs")
    shutil.rmtree(runs, ignore_errors=True)
    silver = _silver(recipe.distill, runs / "silver.npz", args.device) if recipe.distill else None
    for k, member in enumerate(recipe.members, 1):
        log.info("%s: member %d/%d, %s -> %s", recipe.name, k, len(recipe.members), member.kind, runs / member.name)
        with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
            pool.submit(_train_member, member.kind, member.settings, recipe.data, str(runs / member.name),
                        logging.getLogger().level, silver).result()
    shutil.rmtree(out, ignore_errors=True)
    dev, test = (load_examples(spec, recipe.data.brat_dir) if spec else None
                 for spec in (recipe.data.dev, recipe.data.test))
    if recipe.ensemble:
        build([runs / name for name in sorted(m.name for m in recipe.members)], out)
        metrics = score(out, dev, test, args.device)
    else:
        (runs / recipe.members[0].name).rename(out)
        metrics = json.loads((out / METRICS_FILE).read_text())
    shutil.rmtree(runs)
    _print_scores(metrics)
    if dev:
        try:
            calibrate_dir(out, dev, test, args.device)
        except ModelError as exc:  # a model that finds nothing on dev keeps raw scores; it is still a model
            log.warning("%s: %s; confidences stay uncalibrated", out, exc)
    return 0


def _silver(settings, path: Path, device: str) -> str:
    """The recipe teacher's reading of corpus sentences, saved to ``path`` by a fresh process, so that the
    teacher's memory is given back before the members train."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    for what in ("teacher", "corpus"):
        if not Path(getattr(settings, what)).is_dir():
            raise ConfigError(f"[distill] {what} {getattr(settings, what)!r} is not a directory")
    log.info("distill: %d sentences of %s tagged by %s -> %s", settings.sentences, settings.corpus,
             settings.teacher, path)
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        pool.submit(_label, settings, str(path), device, logging.getLogger().level).result()
    return str(path)


def _label(settings, path: str, device: str, log_level: int) -> None:
    from ..ner.distill import label

    setup_logging(log_level)
    label(settings, device).save(path)


def calibrate_dir(model_dir: str | Path, dev, test, device: str) -> dict:
    """Calibrate the model in ``model_dir`` on ``dev`` (reported on ``test``) into its ``calibration.json``; returns
    the report."""
    from ..ner import load
    from ..ner.calibrate import calibrate
    from ..ner.modeldir import CALIBRATION_FILE

    calibration = calibrate(load(model_dir, device=device), dev, test)
    calibration.save(Path(model_dir) / CALIBRATION_FILE)
    return calibration.report


def cmd_calibrate(args: argparse.Namespace) -> int:
    from ..ner.data import load_examples
    from ..ner.recipe import load_recipe

    dev, test, brat_dir = args.dev, args.test, args.brat_dir
    if args.recipe:
        data = load_recipe(args.recipe).data
        dev, test, brat_dir = data.dev, test or data.test, brat_dir or data.brat_dir
    report = calibrate_dir(args.model, load_examples(dev, brat_dir), load_examples(test, brat_dir) if test else None,
                           args.device)
    print(json.dumps({split: {"entities": r["entities"], "accuracy": r["accuracy"], "ece_raw": r["raw"]["ece"],
                              "ece_calibrated": r["calibrated"]["ece"]} for split, r in report.items()}, indent=2))
    return 0


def _train_member(kind: str, settings, data, out: str, log_level: int, silver_path: str | None = None) -> None:
    """Train one recipe member as ``ner train`` or ``ner train-lstm`` would, in a fresh process as ``make ner`` ran
    them: no memory, GPU cache, Accelerate or random state carries over from one member to the next. With silver
    data a BiLSTM-CRF is the teacher's student and a BERT member also trains on the teacher's tags."""
    from ..ner.distill import Silver
    from ..ner.train import train
    from ..ner.train_lstm import train_lstm

    setup_logging(log_level)
    train_ex, dev_ex, test_ex, processing = _load_training_data(data)
    silver = Silver.load(silver_path) if silver_path else None
    settings = replace(settings, processing=processing)
    if kind == "lstm":
        train_lstm(train_ex, dev_ex, out, settings, test_examples=test_ex, silver=silver)
    else:
        train(train_ex + (silver.examples if silver else []), dev_ex, out, settings, test_examples=test_ex)


def _read_texts(path: str) -> list[str]:
    lines = [line for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    if not path.endswith((".jsonl", ".json")):
        return lines
    try:
        return [json.loads(line)["text"] for line in lines]
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{path}: expected JSONL records with a 'text' field ({exc!r})") from None


def cmd_predict(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from ..ner import load

    texts = list(args.text) + (_read_texts(args.input) if args.input else [])
    if not texts:
        raise ConfigError("nothing to tag: give texts or --input FILE")
    tagger = load(args.model, device=args.device, precision=args.precision, batch_size=args.batch_size)
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    try:
        for text, entities in zip(texts, tagger.pipe(texts)):
            out.write(json.dumps({"text": text, "entities": [asdict(e) for e in entities]}, ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return 0
