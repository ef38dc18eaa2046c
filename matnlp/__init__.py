"""matnlp: a text-mining pipeline for materials science."""

__version__ = "0.1.0"
