"""mat2vec-style Word2vec embeddings on gensim 4: phrases, skip-gram training, queries, evaluation and export.

Training builds a gensim ``Word2Vec`` (vocabulary, sub-sampling, negative table, initial weights) and updates it with
the ``batched`` engine (:mod:`matnlp.embeddings.sgns`: negatives shared per window, about 2x gensim's speed at equal analogy
accuracy in ``scripts/bench_embeddings.py``) or, with ``engine="gensim"``, gensim's own corpus_file training.

Model directory written by :func:`train`::

    config.json            format tag, training settings, corpus stats, per-epoch history, timings
    vocab.tsv              word <TAB> count, in vector order
    model.kv               gensim KeyedVectors (pickle; for ``KeyedVectors.load(path, mmap="r")``)
    model.kv.vectors.npy   the vector matrix (plain ``.npy``, memory-mapped by :meth:`Embeddings.load`)
    phrases.json           the phrase model: connector words and the phrasegrams of every pass, with scores

Exports (:func:`export`: kv, word2vec text or binary, npy + vocab.tsv, a Parquet table of every word with an
``is_material`` column) keep the phrase model beside the vectors, in ``FILE.phrases.json`` (``phrases.json`` in an
npy folder): :func:`load` reads it back, so ``band gap`` resolves to ``band_gap`` as with the model directory.
Other tools: apply the phrase model, or join the words of a known phrase with ``_``. A word2vec file's format (text
or binary) is read from its content, whatever its name.

Safety: ``.kv`` files are pickles, and unpickling runs code. :meth:`Embeddings.load` and :func:`load` never
unpickle: a model directory is read from ``vocab.tsv`` + ``model.kv.vectors.npy`` (``allow_pickle=False``), and
foreign files are read from word2vec text/binary, ``.npy`` + ``vocab.tsv`` or Parquet/CSV. A bare ``.kv`` file is
only loaded with ``trust_pickle=True`` (CLI ``--trust-pickle``).
"""

from .evaluate import evaluate_analogies, evaluate_thermoelectric, read_analogies
from .model import EXPORT_FORMATS, Embeddings, OOVError, export, load
from .phrases import PhraseModel
from .train import ENGINES, TrainConfig, train

__all__ = [
    "ENGINES", "EXPORT_FORMATS", "Embeddings", "OOVError", "PhraseModel", "TrainConfig", "evaluate_analogies",
    "evaluate_thermoelectric", "export", "load", "read_analogies", "train",
]
