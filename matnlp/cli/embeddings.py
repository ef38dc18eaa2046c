"""``matnlp embeddings train | similar | analogy | eval | export``: mat2vec-style Word2vec embeddings."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

from ..config import data_dir
from . import add_settings_options, positive_int, settings_from_args

log = logging.getLogger(__name__)

FORMATS = ("kv", "word2vec-txt", "word2vec-bin", "npy", "parquet")


def register(subparsers) -> None:
    parser = subparsers.add_parser("embeddings", help="train, query, evaluate and export Word2vec embeddings")
    sub = parser.add_subparsers(dest="embeddings_command", metavar="ACTION", required=True)
    _train_parser(sub)

    similar = sub.add_parser("similar", help="words most similar to WORD (typed as in papers: LiCoO2, band gap)")
    _model_args(similar)
    similar.add_argument("word")
    similar.add_argument("-n", type=positive_int, default=10, help="number of answers (default 10)")
    similar.set_defaults(func=cmd_similar)

    analogy = sub.add_parser("analogy", help="A is to B as C is to ?")
    _model_args(analogy)
    analogy.add_argument("a")
    analogy.add_argument("b")
    analogy.add_argument("c")
    analogy.add_argument("-n", type=positive_int, default=10, help="number of answers (default 10)")
    analogy.set_defaults(func=cmd_analogy)

    evaluate = sub.add_parser("eval", help="analogy accuracy and thermoelectric ranking correlation")
    _model_args(evaluate)
    evaluate.add_argument("--analogies", type=Path, default=data_dir() / "mat2vec" / "analogies.txt",
                          help="word2vec questions-words file (default: mat2vec's analogies.txt)")
    evaluate.add_argument("--thermoelectric", type=Path,
                          default=data_dir() / "mat2vec" / "TE_data_used_in_paper.json",
                          help="mat2vec thermoelectric table; '' to skip")
    evaluate.add_argument("--restrict-vocab", type=positive_int, default=300_000,
                          help="only the N most frequent words answer analogies (default 300000)")
    evaluate.add_argument("--json", type=Path, help="also write the full results as JSON here")
    evaluate.set_defaults(func=cmd_eval)

    export = sub.add_parser("export", help="write vectors as kv, word2vec txt/bin, npy + vocab.tsv or a parquet "
                                           "table of every word (with an is_material column)",
                            description="Write the vectors in another format. The phrase model goes beside them "
                            "(OUTPUT.phrases.json; phrases.json in an npy folder): `similar`, `analogy` and "
                            "matnlp.embeddings.load read it back, so 'band gap' means band_gap as with the model "
                            "folder. A word2vec file's format is read from its content, whatever its name.")
    _model_args(export)
    export.add_argument("--format", "-f", choices=FORMATS, required=True)
    export.add_argument("-o", "--output", type=Path, required=True,
                        help="output file (a directory for npy; parquet falls back to CSV without pyarrow, and a "
                             ".csv name writes CSV)")
    export.set_defaults(func=cmd_export)


def _train_parser(sub) -> None:
    train = sub.add_parser("train", help="train skip-gram embeddings on a corpus (mat2vec settings by default)")
    train.add_argument("corpus", type=Path, help="corpus directory (with sentences.txt) or a sentences file")
    train.add_argument("-o", "--output", type=Path, required=True, help="model directory to write")
    add_settings_options(train, "matnlp.embeddings.train:TrainConfig")
    train.set_defaults(func=cmd_train)


def _model_args(parser) -> None:
    parser.add_argument("model", type=Path, help="model directory or exported vectors file")
    parser.add_argument("--trust-pickle", action="store_true",
                        help="allow loading a gensim .kv file (a pickle: only for files you trust)")


def _quiet_gensim(args) -> None:
    if getattr(args, "verbose", 0) < 2:
        logging.getLogger("gensim").setLevel(logging.WARNING)


def _load(args):
    from ..embeddings import load

    _quiet_gensim(args)
    return load(args.model, trust_pickle=args.trust_pickle)


def cmd_train(args) -> int:
    from ..embeddings import TrainConfig, train

    _quiet_gensim(args)
    emb = train(args.corpus, args.output, settings_from_args(TrainConfig, args))
    t = emb.config["timings"]
    print(f"{len(emb)} words x {emb.wv.vector_size} dims -> {args.output} "
          f"({t['total_s']:.1f}s, {t['train_words_per_s']:,} words/s)")
    return 0


def _print_pairs(pairs) -> None:
    for word, score in pairs:
        print(f"{score:.4f}\t{word}")


def cmd_similar(args) -> int:
    _print_pairs(_load(args).similar(args.word, n=args.n))
    return 0


def cmd_analogy(args) -> int:
    _print_pairs(_load(args).analogy(args.a, args.b, args.c, n=args.n))
    return 0


def cmd_eval(args) -> int:
    from ..embeddings import evaluate_analogies, evaluate_thermoelectric
    from ..errors import ConfigError

    emb = _load(args)
    if not args.analogies.is_file():
        raise ConfigError(f"{args.analogies}: no analogy file (set --analogies or MATNLP_DATA)")
    result = {"analogies": evaluate_analogies(emb.wv, args.analogies, args.restrict_vocab)}
    a = result["analogies"]
    print(f"analogies (restrict_vocab={a['restrict_vocab']}, vocab={a['vocab']}):")
    print(f"  {'section':<60} {'questions':>9} {'covered':>8} {'coverage':>8} {'accuracy':>8}")
    for row in [*a["sections"], {**a["materials"], "section": "MATERIALS"}, {**a["grammar"], "section": "GRAMMAR"},
                {**a["overall"], "section": "OVERALL"}]:
        print(f"  {row['section'][:60]:<60} {row['questions']:>9} {row['covered']:>8} {_pct(row['coverage'])} "
              f"{_pct(row['accuracy'])}")
    if args.thermoelectric and str(args.thermoelectric) not in ("", "."):
        te = result["thermoelectric"] = evaluate_thermoelectric(emb, args.thermoelectric)
        print(f"thermoelectric ranking: {te['covered']}/{te['formulas']} formulas covered, {te['covered_with_pf']} "
              f"with a computed power factor; Spearman {te['spearman']} (p={te['p_value']}); "
              f"{te['known_te_in_top']} known thermoelectrics in the top {te['top']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
        print(f"wrote {args.json}", file=sys.stderr)
    return 0


def _pct(value) -> str:
    return f"{value:>8.1%}" if value is not None else f"{'-':>8}"


def cmd_export(args) -> int:
    path = _load(args).export(args.format, args.output)
    print(path)
    return 0
