# matnlp — every step is a target with real file dependencies; re-running skips what is up to date.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MATNLP := $(VENV)/bin/matnlp
export MATNLP_DATA ?= $(abspath ../shared/data)
PROFILE ?= quick
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
TEXT_SOURCES := $(wildcard matnlp/ingest/*.py matnlp/text/*.py matnlp/chem/*.py) matnlp/corpus.py
NER_SOURCES := $(wildcard matnlp/ner/*.py matnlp/text/*.py)

NER_COMMON := --crf --lr 2e-4 --head-lr-mult 20 --warmup 0.06 --seed 1
PRETRAIN_ARGS ?= --epochs 1
ifeq ($(PROFILE),full)
W2V_ARGS :=
NER_MATSCHOLAR_ARGS := --epochs 12 --patience 4
NER_MATSCHOLAR_RUNS := mpnet:1e-4:42 lstm:1e-3:1 lstm:1e-3:2
NER_MSPT_ARGS := --epochs 12 --patience 0 --warmup 0.1
NER_MSPT_RUNS := mpnet:1e-4:1 mpnet:1e-4:2 mpnet:1e-4:3 lstm:1e-3:1 lstm:1e-3:2 lstm:1e-3:3
NER_LSTM_ARGS :=
else
W2V_ARGS := --epochs 10
NER_MATSCHOLAR_ARGS := --epochs 2 --patience 0
NER_MATSCHOLAR_RUNS := minilm:2e-4:1 lstm:1e-3:1
NER_MSPT_ARGS := --epochs 4 --patience 0
NER_MSPT_RUNS := minilm:2e-4:1 lstm:1e-3:1
NER_LSTM_ARGS := --epochs 10 --patience 0
endif
MATSCHOLAR := $(MATNLP_DATA)/matscholar_ner
MSPT_SPLITS := $(MATNLP_DATA)/mspt/splits

# Pipeline input: the running text of the shared real data when present, else the bundled sample corpus.
# Records are extracted from the full papers: SOFC-Exp texts, MSPT procedures and MuLMS texts.
# Without the data no NER model can be trained: records then come from the model-free finders.
ifneq ($(wildcard $(MATNLP_DATA)/sofc_exp_texts/texts),)
PAPERS := build/papers.jsonl
EXTRACT_INPUTS := $(MATNLP_DATA)/sofc_exp_texts/texts $(MATNLP_DATA)/mspt/data $(MATNLP_DATA)/mulms/texts
NER_MODELS := models/ner-matscholar/metrics.json models/ner-mspt/metrics.json
EXTRACT_MODELS := --ner models/ner-matscholar --synthesis-model models/ner-mspt
else
PAPERS := corpora/sample
EXTRACT_INPUTS := corpora/sample
NER_MODELS :=
EXTRACT_MODELS :=
W2V_ARGS += --min-count 1
endif

.PHONY: venv pipeline corpus w2v ner ner-pretrain records test bench bench-ingest bench-embeddings bench-synthesis bench-ner bench-properties bench-materials bench-extract bench-pipeline bench-reliability fuzz train-synthesis clean

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q --no-deps -e .
	touch $@

build/papers.jsonl: scripts/prepare_text_corpus.py $(VENV)/.installed
	$(PY) scripts/prepare_text_corpus.py -o $@

corpus/manifest.json: $(PAPERS) $(VENV)/.installed $(TEXT_SOURCES)
	$(MATNLP) ingest $(PAPERS) -o corpus --workers $(WORKERS)

corpus: corpus/manifest.json

models/w2v/config.json: corpus/manifest.json $(wildcard matnlp/embeddings/*.py)
	$(MATNLP) embeddings train corpus -o models/w2v --seed 1 $(W2V_ARGS)

w2v: models/w2v/config.json

# $(call ner_runs,OUT,DATA,DEV,TEST,BERT_ARGS,RUNS): one model per BASE:LR:SEED run, a BERT fine-tune from BASE
# or, for base `lstm`, a word-level BiLSTM-CRF over models/w2v; with several runs OUT is their ensemble.
# NER_BASE replaces the base of every BERT run.
define ner_runs
	rm -rf $(1)-runs
	for run in $(6); do \
		IFS=: read base lr seed <<< "$$run"; out=$(1)-runs/$$base-s$$seed; \
		if [ $$base = lstm ]; then \
			$(MATNLP) ner train-lstm $(2) -o $$out --embeddings models/w2v $(NER_LSTM_ARGS) --lr $$lr --seed $$seed \
				|| exit 1; \
		else \
			$(MATNLP) ner train $(2) -o $$out $(5) --base $(or $(NER_BASE),$$base) --lr $$lr --seed $$seed || exit 1; \
		fi; \
	done
	rm -rf $(1)
	if [ $(words $(6)) -gt 1 ]; then $(MATNLP) ner ensemble $(1)-runs/* -o $(1) --dev $(3) --test $(4); \
	else mv $(1)-runs/* $(1); fi
	rm -rf $(1)-runs
endef

MATSCHOLAR_DATA := --train $(MATSCHOLAR)/train.txt --dev $(MATSCHOLAR)/dev.txt --test $(MATSCHOLAR)/test.txt
models/ner-matscholar/metrics.json: $(VENV)/.installed $(NER_SOURCES) models/w2v/config.json
	$(call ner_runs,models/ner-matscholar,$(MATSCHOLAR_DATA),$(MATSCHOLAR)/dev.txt,$(MATSCHOLAR)/test.txt,\
		$(NER_COMMON) $(NER_MATSCHOLAR_ARGS),$(NER_MATSCHOLAR_RUNS))

MSPT_DATA := --train $(MSPT_SPLITS)/ner-train-fnames.txt --dev $(MSPT_SPLITS)/ner-dev-fnames.txt \
	--test $(MSPT_SPLITS)/ner-test-fnames.txt --min-count 20
models/ner-mspt/metrics.json: $(VENV)/.installed $(NER_SOURCES) models/w2v/config.json
	$(call ner_runs,models/ner-mspt,$(MSPT_DATA),$(MSPT_SPLITS)/ner-dev-fnames.txt,\
		$(MSPT_SPLITS)/ner-test-fnames.txt,$(NER_COMMON) $(NER_MSPT_ARGS),$(NER_MSPT_RUNS))

ner: models/ner-matscholar/metrics.json models/ner-mspt/metrics.json

# Optional domain-adaptive masked-LM pretraining of the base encoder on the corpus; fine-tune from it with
# `make ner NER_BASE=models/minilm-dapt`.
models/minilm-dapt/config.json: corpus/manifest.json $(VENV)/.installed matnlp/ner/pretrain.py
	$(MATNLP) ner pretrain corpus -o models/minilm-dapt $(PRETRAIN_ARGS)

ner-pretrain: models/minilm-dapt/config.json

out/records/manifest.json: $(NER_MODELS) $(wildcard matnlp/*.py)
	$(MATNLP) extract $(EXTRACT_INPUTS) -o out/records $(EXTRACT_MODELS) --workers $(WORKERS) --format parquet

records: out/records/manifest.json

out/REPORT.md: out/records/manifest.json models/w2v/config.json scripts/report.py
	$(PY) scripts/report.py --corpus corpus --w2v models/w2v --ner models/ner-matscholar \
		--synthesis-ner models/ner-mspt --records out/records -o $@

pipeline: out/REPORT.md

test: venv
	$(PY) -m pytest -q

bench: bench-ingest bench-embeddings bench-ner bench-extract bench-pipeline bench-reliability

bench-reliability: venv
	$(PY) scripts/bench_reliability.py --examples 1000 --trials 6 --json bench/reliability.json

fuzz: venv
	$(PY) scripts/fuzz.py --examples 5000 --json bench/fuzz.json

bench-extract: bench-synthesis bench-properties bench-materials

bench-pipeline: models/ner-matscholar/metrics.json models/ner-mspt/metrics.json
	$(PY) scripts/bench_pipeline.py --ner models/ner-matscholar --synthesis-model models/ner-mspt \
		--json bench/pipeline.json

bench-properties: venv
	$(PY) scripts/bench_properties.py --json bench/properties.json

bench-materials: venv
	$(PY) scripts/bench_materials.py --out bench/materials.json

bench-ingest: venv
	$(PY) scripts/bench_ingest.py --json bench/ingest.json

bench-embeddings: corpus/manifest.json
	$(PY) scripts/bench_embeddings.py --corpus corpus --json bench/embeddings.json

bench-ner: venv models/w2v/config.json
	$(PY) scripts/bench_ner.py --json bench/ner.json --out bench/models --embeddings models/w2v

bench-synthesis: venv
	$(PY) scripts/bench_synthesis.py --json bench/synthesis.json

train-synthesis: venv
	$(PY) scripts/train_synthesis.py

clean:
	rm -rf build corpus models out bench
