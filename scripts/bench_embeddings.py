#!/usr/bin/env python
"""Embeddings benchmark: training speed against plain gensim, cost on a large repeated corpus, and quality.

Every measured run happens in its own child process, so each reports its own peak memory (max RSS).

1. ``ours``: ``matnlp.embeddings.train`` on ``CORPUS/sentences.txt`` (phrases + the default ``batched`` engine,
   one worker per core); ``ours_gensim_engine``: the same with ``engine="gensim"`` (gensim's corpus_file mode).
2. ``gensim``: plain ``Word2Vec(sentences=LineSentence(sentences.txt))`` with the same settings and workers.
3. ``large``: ``train`` on the real sentences repeated up to ``--large-tokens`` tokens.
4. ``quality``: analogy accuracy / coverage and the thermoelectric ranking of ``ours`` and ``ours_gensim_engine``,
   against the same training on the unprocessed, lower-cased tokens of the same corpus documents (evaluated on
   lower-cased analogies).

    python scripts/bench_embeddings.py --corpus corpus --json bench/embeddings.json
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing as mp
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from matnlp.config import data_dir
from matnlp.eval.bench import machine, peak_rss_mib, write_json

log = logging.getLogger("bench_embeddings")


def _run_ours(sentences: str, out: str, settings: dict) -> dict:
    from matnlp.embeddings import TrainConfig, train

    emb = train(sentences, out, TrainConfig(**settings))
    corpus, timings = emb.config["corpus"], emb.config["timings"]
    return {"tokens": corpus["tokens"], "vocab": corpus["vocab"], **timings, "peak_rss_mb": peak_rss_mib()}


def _run_gensim(sentences: str, settings: dict) -> dict:
    from gensim.models import Word2Vec
    from gensim.models.word2vec import LineSentence

    keys = ("vector_size", "window", "min_count", "negative", "sample", "alpha", "min_alpha", "epochs", "workers",
            "seed")
    model = Word2Vec(sg=1, **{k: settings[k] for k in keys})
    t0 = time.perf_counter()
    model.build_vocab(corpus_iterable=LineSentence(sentences))
    t1 = time.perf_counter()
    model.train(corpus_iterable=LineSentence(sentences), total_examples=model.corpus_count,
                total_words=model.corpus_total_words, epochs=settings["epochs"])
    t2 = time.perf_counter()
    return {"tokens": model.corpus_total_words, "vocab": len(model.wv), "vocab_s": round(t1 - t0, 3),
            "train_s": round(t2 - t1, 3), "total_s": round(t2 - t0, 3),
            "train_words_per_s": round(model.corpus_total_words * settings["epochs"] / (t2 - t1)),
            "peak_rss_mb": peak_rss_mib()}


def _run_eval(model_dir: str, analogies: str, te_table: str | None) -> dict:
    from matnlp.embeddings import Embeddings, evaluate_analogies, evaluate_thermoelectric

    emb = Embeddings.load(model_dir)
    result = evaluate_analogies(emb.wv, analogies)
    out = {"analogies": {k: result[k] for k in ("restrict_vocab", "vocab", "materials", "grammar", "overall")},
           "sections": {r["section"]: {k: r[k] for k in ("covered", "coverage", "accuracy")}
                        for r in result["sections"]}}
    if te_table:
        te = evaluate_thermoelectric(emb, te_table)
        out["thermoelectric"] = {k: te[k] for k in ("covered", "covered_with_pf", "spearman", "p_value",
                                                    "known_te_in_top", "top")}
    return out


def in_child(func, *args):
    """Run ``func(*args)`` in a fresh process (own peak memory); returns its result."""
    with ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as pool:
        return pool.submit(func, *args).result()


def repeat_to(src: Path, dst: Path, tokens: int) -> int:
    """Write ``src`` repeated until ``dst`` holds at least ``tokens`` tokens; returns the token count."""
    text = src.read_text(encoding="utf-8")
    per_copy = len(text.split())
    copies = max(1, -(-tokens // per_copy))
    with open(dst, "w", encoding="utf-8") as out:
        for _ in range(copies):
            out.write(text)
    return per_copy * copies


def write_lowercased(corpus_dir: Path, dst: Path) -> int:
    """The unprocessed, lower-cased tokens of every corpus sentence, one sentence a line; returns sentences."""
    from matnlp.corpus import Corpus

    count = 0
    with open(dst, "w", encoding="utf-8") as out:
        for doc in Corpus(corpus_dir):
            for sent in doc.sentences:
                words = ["".join(t.text.lower().split()) for t in sent.tokens]
                if any(words):
                    out.write(" ".join(w for w in words if w) + "\n")
                    count += 1
    return count


def lowercase_file(src: Path, dst: Path) -> Path:
    dst.write_text(src.read_text(encoding="utf-8").lower(), encoding="utf-8")
    return dst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("corpus"), help="corpus directory from `matnlp ingest`")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--epochs", type=int, default=30, help="epochs for the real-corpus runs (mat2vec: 30)")
    parser.add_argument("--vector-size", type=int, default=200)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--large-tokens", type=int, default=50_000_000, help="size of the repeated corpus; 0 skips")
    parser.add_argument("--large-epochs", type=int, default=1)
    parser.add_argument("--analogies", type=Path, default=data_dir() / "mat2vec" / "analogies.txt")
    parser.add_argument("--thermoelectric", type=Path, default=data_dir() / "mat2vec" / "TE_data_used_in_paper.json")
    parser.add_argument("--no-quality", action="store_true", help="skip the unprocessed-text comparison")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", datefmt="%H:%M:%S")
    sentences = args.corpus / "sentences.txt"
    if not sentences.is_file():
        parser.error(f"{sentences} missing: build the corpus first (python scripts/prepare_text_corpus.py -o "
                     "build/papers.jsonl && matnlp ingest build/papers.jsonl -o corpus)")
    settings = {"vector_size": args.vector_size, "window": 8, "min_count": 5, "negative": 15, "sample": 1e-4,
                "alpha": 0.01, "min_alpha": 0.0001, "epochs": args.epochs, "workers": args.workers, "seed": 1}
    results: dict = {"machine": machine(), "settings": settings, "corpus": str(args.corpus)}
    te = str(args.thermoelectric) if args.thermoelectric.is_file() else None
    with tempfile.TemporaryDirectory(prefix="bench_w2v_") as tmp:
        tmp = Path(tmp)
        log.info("ours: train on %s", sentences)
        results["ours"] = in_child(_run_ours, str(sentences), str(tmp / "ours"), settings)
        log.info("ours with engine=gensim (corpus_file)")
        results["ours_gensim_engine"] = in_child(_run_ours, str(sentences), str(tmp / "ours_gensim"),
                                                 dict(settings, engine="gensim"))
        log.info("gensim iterable baseline")
        results["gensim_iterable"] = in_child(_run_gensim, str(sentences), settings)
        ours, base = results["ours"], results["gensim_iterable"]
        results["speedup_train"] = round(ours["train_words_per_s"] / base["train_words_per_s"], 2)
        results["speedup_end_to_end"] = round(base["total_s"] / ours["total_s"], 2)
        results["speedup_train_gensim_engine"] = round(
            results["ours_gensim_engine"]["train_words_per_s"] / base["train_words_per_s"], 2)
        if args.large_tokens:
            big = tmp / "large.txt"
            tokens = repeat_to(sentences, big, args.large_tokens)
            log.info("large: %d tokens, %d epoch(s)", tokens, args.large_epochs)
            results["large"] = in_child(_run_ours, str(big), str(tmp / "large"),
                                        dict(settings, epochs=args.large_epochs))
            big.unlink()
        if args.analogies.is_file():
            results["quality"] = {
                "processed": in_child(_run_eval, str(tmp / "ours"), str(args.analogies), te),
                "processed_gensim_engine": in_child(_run_eval, str(tmp / "ours_gensim"), str(args.analogies), te),
            }
            if not args.no_quality:
                raw = tmp / "lowercased.txt"
                results["quality"]["lowercased_sentences"] = write_lowercased(args.corpus, raw)
                log.info("lower-cased unprocessed text: train")
                results["lowercased_run"] = in_child(_run_ours, str(raw), str(tmp / "lower"), settings)
                questions = lowercase_file(args.analogies, tmp / "analogies_lower.txt")
                results["quality"]["lowercased"] = in_child(_run_eval, str(tmp / "lower"), str(questions), te)
    print(json.dumps(results, indent=1))
    if args.json:
        write_json(args.json, results, indent=1)
    _summary(results)
    return 0


def _summary(r: dict) -> None:
    o, g = r["ours"], r["gensim_iterable"]
    lines = [f"train words/s: ours {o['train_words_per_s']:,} vs gensim iterable {g['train_words_per_s']:,} "
             f"-> {r['speedup_train']}x (end to end incl. phrases/vocab: {r['speedup_end_to_end']}x; "
             f"engine=gensim {r['speedup_train_gensim_engine']}x); "
             f"peak RSS {o['peak_rss_mb']} vs {g['peak_rss_mb']} MB"]
    if "large" in r:
        lg = r["large"]
        lines.append(f"large: {lg['tokens']:,} tokens: {lg['train_words_per_s']:,} words/s, phrases {lg['phrases_s']}s,"
                     f" train {lg['train_s']}s, peak RSS {lg['peak_rss_mb']} MB")
    for name, q in r.get("quality", {}).items():
        if isinstance(q, dict):
            a = q["analogies"]
            lines.append(f"{name}: materials acc {a['materials']['accuracy']} cov {a['materials']['coverage']}; "
                         f"grammar acc {a['grammar']['accuracy']} cov {a['grammar']['coverage']}; overall acc "
                         f"{a['overall']['accuracy']} cov {a['overall']['coverage']}; TE {q.get('thermoelectric')}")
    print("\n".join(lines), file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
