"""Skip-gram negative-sampling updates with negatives shared across a window (the ``batched`` training engine).

gensim's kernel draws fresh negatives for every (centre, context) pair, so each pair fetches 15 random output rows
from memory. Here, as in Intel's pWord2Vec (Ji et al., 2016, arXiv:1604.04661) and Amazon's BlazingText, all
context words of a centre word share one set of negatives: the output rows are fetched once per window and stay in
cache, which is where the speed comes from. The objective is still skip-gram with negative sampling; vocabulary,
sub-sampling, the unigram^0.75 table, window shrinking, linear learning-rate decay and initial weights are gensim's
(the model is built with ``Word2Vec.build_vocab``), so the result is an ordinary gensim model.

The kernel is compiled with numba and releases the GIL; worker threads update the shared matrices Hogwild-style.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from numba import njit

MAX_EXP = 6.0
CHUNK_WORDS = 20_000
"""Sentences are handed to threads in chunks of about this many words; the learning rate decays per chunk."""
MAX_SENTENCE = 10_000
"""Words of a sentence beyond this are not trained (gensim's ``MAX_WORDS_IN_BATCH`` does the same)."""


def encode(corpus: Path, key_to_index: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Word ids of a one-sentence-per-line file (out-of-vocabulary words dropped) and sentence start offsets."""
    ids, starts = array("i"), array("q", [0])  # 4 and 8 bytes an item: a 50M-token corpus stays small
    get = key_to_index.get
    with open(corpus, encoding="utf-8") as handle:
        for line in handle:
            before = len(ids)
            ids.extend(i for i in map(get, line.split()) if i is not None)
            if len(ids) > before:
                starts.append(len(ids))
    return np.frombuffer(ids, dtype=np.int32), np.frombuffer(starts, dtype=np.int64)


@njit(cache=True)
def _next(state: np.uint64) -> np.uint64:
    return state * np.uint64(25214903917) + np.uint64(11)


@njit(nogil=True, fastmath=True, cache=True)
def _train_chunk(ids, starts, first, last, syn0, syn1, cum_table, sample_int, window, negative,
                 alpha_from, alpha_to, seed):  # pragma: no cover - compiled
    """Train sentences ``first..last-1``; returns their summed loss. Target 0 is the centre word, the rest negatives."""
    dim = syn0.shape[1]
    targets = np.empty(negative + 1, dtype=np.int32)
    grad_out = np.zeros((negative + 1, dim), dtype=np.float32)
    grad_in = np.zeros(dim, dtype=np.float32)
    sent = np.empty(MAX_SENTENCE, dtype=np.int32)
    state = np.uint64(seed)
    table_max = np.uint64(cum_table[-1])
    loss = 0.0
    span = max(last - first, 1)
    for s in range(first, last):
        alpha = np.float32(alpha_from + (alpha_to - alpha_from) * (s - first) / span)
        n = 0
        for p in range(starts[s], starts[s + 1]):
            state = _next(state)
            if n < MAX_SENTENCE and sample_int[ids[p]] >= np.uint32((state >> np.uint64(16)) & np.uint64(0xFFFFFFFF)):
                sent[n] = ids[p]
                n += 1
        for i in range(n):
            state = _next(state)
            reduced = int(state % np.uint64(window))
            lo, hi = max(0, i - window + reduced), min(n, i + window + 1 - reduced)
            if hi - lo <= 1:
                continue
            targets[0] = sent[i]
            k = 1
            for _ in range(negative):
                state = _next(state)
                draw = (state >> np.uint64(16)) % table_max
                t = np.searchsorted(cum_table, draw)
                if t != sent[i]:
                    targets[k] = t
                    k += 1
            grad_out[:k] = 0.0
            for j in range(lo, hi):
                if j == i:
                    continue
                h = syn0[sent[j]]
                grad_in[:] = 0.0
                for t in range(k):
                    row = syn1[targets[t]]
                    f = np.float32(0.0)
                    for d in range(dim):
                        f += h[d] * row[d]
                    if f > MAX_EXP:
                        f = MAX_EXP
                    elif f < -MAX_EXP:
                        f = -MAX_EXP
                    sig = 1.0 / (1.0 + math.exp(-f))
                    loss -= math.log(sig if t == 0 else 1.0 - sig)
                    g = np.float32(((1.0 if t == 0 else 0.0) - sig) * alpha)
                    for d in range(dim):
                        grad_in[d] += g * row[d]
                        grad_out[t, d] += g * h[d]
                for d in range(dim):
                    h[d] += grad_in[d]
            for t in range(k):
                row = syn1[targets[t]]
                for d in range(dim):
                    row[d] += grad_out[t, d]
    return loss


def chunks(starts: np.ndarray, words: int = CHUNK_WORDS) -> list[tuple[int, int]]:
    """Consecutive sentence ranges of about ``words`` words each."""
    bounds = np.searchsorted(starts, np.arange(0, starts[-1], words), side="right") - 1
    edges = sorted(set(bounds.tolist()) | {len(starts) - 1})
    return list(zip(edges[:-1], edges[1:]))


def train(model, ids: np.ndarray, starts: np.ndarray, epochs: int, workers: int, seed: int,
          callbacks: Sequence = ()) -> None:
    """Train a gensim ``Word2Vec`` (vocabulary and weights already built) in place.

    ``callbacks`` are gensim ``CallbackAny2Vec`` objects; ``model.get_latest_training_loss()`` is the running loss.
    """
    syn0, syn1 = model.wv.vectors, model.syn1neg
    cum_table = model.cum_table.astype(np.int64)
    sample_int = model.wv.expandos["sample_int"].astype(np.uint32)
    parts = chunks(starts)
    total = epochs * len(parts)
    alpha, min_alpha = model.alpha, model.min_alpha

    def rate(step: int) -> float:
        return alpha - (alpha - min_alpha) * step / total

    with ThreadPoolExecutor(max(1, workers)) as pool:
        for epoch in range(epochs):
            for callback in callbacks:
                callback.on_epoch_begin(model)
            jobs = [
                pool.submit(_train_chunk, ids, starts, a, b, syn0, syn1, cum_table, sample_int, model.window,
                            model.negative, rate(epoch * len(parts) + c), rate(epoch * len(parts) + c + 1),
                            (seed + 1) * 1_000_003 + epoch * len(parts) + c)
                for c, (a, b) in enumerate(parts)
            ]
            model.running_training_loss += sum(job.result() for job in jobs)
            for callback in callbacks:
                callback.on_epoch_end(model)
    model.wv.norms = None
    for callback in callbacks:
        callback.on_train_end(model)
