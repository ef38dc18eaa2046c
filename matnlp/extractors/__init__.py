"""Extraction stage: everything that turns a document into record parts (materials, quantities, properties,
synthesis steps). Each extractor takes the document text first, then optional ``entities`` and ``sentences``."""
