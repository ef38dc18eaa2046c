"""Text stage: offset-safe normalization, chemistry-aware sentence and word tokenization, and the mat2vec token
processing used for the embeddings view (never an edit of the document text)."""
