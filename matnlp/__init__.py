"""matnlp: a text-mining pipeline for materials science.

``nlp = matnlp.load(ner="models/ner-matscholar")``; ``record = nlp("text")``; ``nlp.file(path)``;
``matnlp.extract(text)``; ``matnlp.extract_file(path)``.
The public names are imported on first use, so ``import matnlp`` (and the CLI) stays fast.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "extract": "pipeline",
    "extract_file": "pipeline",
    "load": "pipeline",
    "Pipeline": "pipeline",
    "Document": "types",
    "Entity": "types",
    "Record": "records",
}

__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str) -> object:
    """Import a public name from its module on first access (PEP 562), then cache it here."""
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
