# matnlp — every step is a target with real file dependencies; re-running skips what is up to date.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MATNLP := $(VENV)/bin/matnlp
export MATNLP_DATA ?= $(abspath ../shared/data)
PROFILE ?= quick
WORKERS ?= 2

# Inputs for the default pipeline: the shared real data when present, else the bundled sample corpus.
ifneq ($(wildcard $(MATNLP_DATA)/sofc_exp_texts/texts),)
PIPELINE_INPUTS := $(MATNLP_DATA)/sofc_exp_texts/texts $(MATNLP_DATA)/mspt/data
else
PIPELINE_INPUTS := corpora/sample
endif

.PHONY: venv pipeline ingest test test-fast bench bench-ingest clean

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q --no-deps -e .
	touch $@

corpus/manifest.json: $(VENV)/.installed $(shell find matnlp -name '*.py')
	$(MATNLP) ingest $(PIPELINE_INPUTS) -o corpus --workers $(WORKERS) --include '*.txt' --exclude '*.ann'

ingest: corpus/manifest.json

pipeline: ingest

test: venv
	$(PY) -m pytest -q

bench: bench-ingest

bench-ingest: venv
	$(PY) scripts/bench_ingest.py --json bench/ingest.json

clean:
	rm -rf corpus models out bench
