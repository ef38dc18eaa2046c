"""Readers of the annotated corpora used for training, tests and benchmarks; each returns dataclasses and takes
paths, with the default root under :func:`matnlp.config.data_dir`.

- :mod:`~matnlp.datasets.brat`: brat standoff ``.txt`` + ``.ann`` (entities, relations, events, attributes);
- :mod:`~matnlp.datasets.examples`: the NER :class:`~matnlp.datasets.examples.Example` sentence and span tagging;
- :mod:`~matnlp.datasets.conll`: CoNLL NER files (Matscholar);
- :mod:`~matnlp.datasets.ner`: NER data sets in any format (brat directory, split list, JSONL, CoNLL);
- :mod:`~matnlp.datasets.mspt`: MSPT synthesis procedures (:class:`~matnlp.datasets.mspt.BratDoc`, gold roles,
  split lists);
- :mod:`~matnlp.datasets.mulms`: MuLMS XMI documents and property–value gold triples;
- :mod:`~matnlp.datasets.kononova`: Kononova synthesis recipes, the held-out DOI fifth;
- :mod:`~matnlp.datasets.nerre`: NERRE annotated abstracts;
- :mod:`~matnlp.datasets.papers`: the running text of every source, as papers for the embedding corpus.

Modules are imported on use (``from matnlp.datasets.mulms import documents``): some need lxml or read large files.
"""
