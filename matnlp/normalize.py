"""Offset-safe text cleanup (interim: NFKC only; the full normalizer is being written)."""

import unicodedata


def normalize(text: str) -> str:
    """Normalized text of one block."""
    return unicodedata.normalize("NFKC", text)
