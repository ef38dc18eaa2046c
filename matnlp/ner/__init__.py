"""Named-entity recognition with fine-tuned BERT-family encoders and word-level BiLSTM-CRFs, alone or ensembled.

Inference (:mod:`~matnlp.ner.predict`, :mod:`~matnlp.ner.lstm`, :mod:`~matnlp.ner.ensemble`, over the model-dir
format of :mod:`~matnlp.ner.modeldir`) never imports training (:mod:`~matnlp.ner.train`,
:mod:`~matnlp.ner.train_lstm`, :mod:`~matnlp.ner.pretrain`, :mod:`~matnlp.ner.recipe`); training imports
inference to score what it saved.

``matnlp.ner.load(model_dir)`` returns a :class:`~matnlp.ner.predict.Tagger`; torch and transformers are only
imported when it is first used.
"""

from __future__ import annotations


def load(path, device: str = "auto", precision: str = "auto", batch_size: int = 32):
    """Restore a tagger from a saved model directory (see :func:`matnlp.ner.predict.load`)."""
    from .predict import load as _load

    return _load(path, device=device, precision=precision, batch_size=batch_size)


__all__ = ["load"]
