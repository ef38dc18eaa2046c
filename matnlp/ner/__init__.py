"""BERT-family named-entity recognition: data readers, training, evaluation and a tagger for raw text.

``matnlp.ner.load(model_dir)`` returns a :class:`~matnlp.ner.predict.Tagger`; torch and transformers are only
imported when it is first used.
"""

from __future__ import annotations


def load(path, device: str = "auto", precision: str = "auto", batch_size: int = 32):
    """Restore a tagger from a saved model directory (see :func:`matnlp.ner.predict.load`)."""
    from .predict import load as _load

    return _load(path, device=device, precision=precision, batch_size=batch_size)


__all__ = ["load"]
