"""Scorers and trials shared by the tests and the ``scripts/bench_*.py`` command-line drivers.

- :mod:`~matnlp.eval.bench`: machine description, JSON results and peak memory of a benchmark run;
- :mod:`~matnlp.eval.synthesis`: operation typing on held-out Kononova DOIs; MSPT operation spans, condition
  attachment and material roles;
- :mod:`~matnlp.eval.properties`: MuLMS property–value–unit triple scoring;
- :mod:`~matnlp.eval.materials`: Kononova formula reading, hard cases, NERRE material recall/precision;
- :mod:`~matnlp.eval.fuzz`: fuzz targets (hypothesis) of every stage and the crashes they found;
- :mod:`~matnlp.eval.reliability`: SIGKILL/resume trials, hostile files, path-like ids, ingest memory.

Modules are imported on use: some need hypothesis, lxml or the shared data.
"""
