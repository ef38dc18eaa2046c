# matnlp — every step is a target with real file dependencies; re-running skips what is up to date.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MATNLP := $(VENV)/bin/matnlp
export MATNLP_DATA ?= $(abspath ../shared/data)
PROFILE ?= quick
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
# Where NER models train and run: auto (CUDA when torch sees a GPU), cpu or cuda.
DEVICE ?= auto
TEXT_SOURCES := $(wildcard matnlp/ingest/*.py matnlp/text/*.py matnlp/chem/*.py) matnlp/corpus.py
NER_SOURCES := $(wildcard matnlp/ner/*.py matnlp/text/*.py) matnlp/runtime.py

PRETRAIN_ARGS ?= --epochs 1
ifeq ($(PROFILE),full)
W2V_ARGS :=
else
W2V_ARGS := --epochs 10
endif
# NER models are built from the recipes matnlp/ner/recipes/{matscholar,mspt}-{quick,full}.toml (members, their
# settings and seeds, data); NER_BASE replaces the base of every BERT member.
NER_PROFILE := $(if $(filter full,$(PROFILE)),full,quick)
NER_BUILD_ARGS := --device $(DEVICE) $(if $(NER_BASE),--base $(NER_BASE))

# Pipeline input: the running text of the shared real data when present, else the bundled sample corpus.
# Records are extracted from the full papers: SOFC-Exp texts, MSPT procedures and MuLMS texts.
# Without the data no NER model can be trained: records then come from the model-free finders.
ifneq ($(wildcard $(MATNLP_DATA)/sofc_exp_texts/texts),)
PAPERS := build/papers.jsonl
EXTRACT_INPUTS := $(MATNLP_DATA)/sofc_exp_texts/texts $(MATNLP_DATA)/mspt/data $(MATNLP_DATA)/mulms/texts
NER_MODELS := models/ner-matscholar/metrics.json models/ner-mspt/metrics.json models/ner-matscholar/record_filter.json
EXTRACT_MODELS := --ner models/ner-matscholar --synthesis-model models/ner-mspt
else
PAPERS := corpora/sample
EXTRACT_INPUTS := corpora/sample
NER_MODELS :=
EXTRACT_MODELS :=
W2V_ARGS += --min-count 1
endif

.PHONY: venv pipeline corpus w2v ner ner-pretrain records test bench bench-ingest bench-embeddings bench-synthesis bench-ner bench-properties bench-properties-mulms ner-mulms bench-materials bench-extract bench-pipeline bench-kernels bench-reliability bench-paragraphs bench-doping bench-calibration fuzz train-synthesis clean

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
	$(MATNLP) ingest $(PAPERS) -o corpus --workers $(WORKERS) --overwrite

corpus: corpus/manifest.json

models/w2v/config.json: corpus/manifest.json $(wildcard matnlp/embeddings/*.py)
	$(MATNLP) embeddings train corpus -o models/w2v --seed 1 $(W2V_ARGS)

w2v: models/w2v/config.json

# Each model: first its recipe's ensemble, the teacher (models/ner-NAME-teacher: the members of
# matnlp/ner/recipes/NAME-{quick,full}.toml trained into models/ner-NAME-teacher-runs/, BERT fine-tunes and BiLSTM-CRFs
# over models/w2v); then the shipped model models/ner-NAME, one BiLSTM-CRF distilled from the teacher on corpus
# sentences (recipe NAME-student: it learns the teacher's emissions beside the gold tags).
models/ner-%-teacher/metrics.json: $(VENV)/.installed $(NER_SOURCES) matnlp/ner/recipes/%-$(NER_PROFILE).toml \
		models/w2v/config.json
	$(MATNLP) ner build $*-$(NER_PROFILE) -o models/ner-$*-teacher $(NER_BUILD_ARGS)

models/ner-%/metrics.json: models/ner-%-teacher/metrics.json matnlp/ner/recipes/%-student.toml corpus/manifest.json
	$(MATNLP) ner build $*-student -o models/ner-$* $(NER_BUILD_ARGS)

# The record filter of the NER model: the confidence of a valued property, reading the model's entity confidence
# (scripts/train_record_filter.py; `--quick`: fit only, the README gives its cross-validated figures).
models/ner-matscholar/record_filter.json: models/ner-matscholar/metrics.json corpora/audit/properties.jsonl.gz \
		scripts/train_record_filter.py matnlp/confidence.py
	$(PY) scripts/train_record_filter.py --ner models/ner-matscholar --quick

ner: models/ner-matscholar-teacher/metrics.json models/ner-mspt-teacher/metrics.json $(NER_MODELS)

# Optional MuLMS PROPERTY/MAT tagger (`matnlp extract --property-model models/ner-mulms`; not the default: the
# property lexicon scores higher end to end, see README "Property records").
models/ner-mulms/metrics.json: $(VENV)/.installed $(NER_SOURCES) matnlp/ner/recipes/mulms-quick.toml
	$(MATNLP) ner build mulms-quick -o models/ner-mulms $(NER_BUILD_ARGS)

ner-mulms: models/ner-mulms/metrics.json

# Optional domain-adaptive masked-LM pretraining of the base encoder on the corpus; fine-tune from it with
# `make ner NER_BASE=models/minilm-dapt`.
models/minilm-dapt/config.json: corpus/manifest.json $(VENV)/.installed matnlp/ner/pretrain.py matnlp/ner/training.py
	$(MATNLP) ner pretrain corpus -o models/minilm-dapt $(PRETRAIN_ARGS)

ner-pretrain: models/minilm-dapt/config.json

out/records/manifest.json: $(NER_MODELS) $(wildcard matnlp/*.py matnlp/*/*.py)
	$(MATNLP) extract $(EXTRACT_INPUTS) -o out/records $(EXTRACT_MODELS) --device $(DEVICE) --workers $(WORKERS) --format parquet --overwrite

records: out/records/manifest.json

out/REPORT.md: out/records/manifest.json models/w2v/config.json matnlp/report.py matnlp/cli/report.py
	$(MATNLP) report --corpus corpus --w2v models/w2v --ner models/ner-matscholar \
		--synthesis-ner models/ner-mspt --records out/records -o $@

pipeline: out/REPORT.md

test: venv
	$(PY) -m pytest -q

bench: bench-ingest bench-embeddings bench-ner bench-extract bench-pipeline bench-kernels bench-reliability bench-calibration

bench-reliability: venv
	$(PY) scripts/bench_reliability.py --examples 1000 --trials 6 --json bench/reliability.json

fuzz: venv
	$(PY) scripts/fuzz.py --examples 5000 --json bench/fuzz.json

bench-extract: bench-synthesis bench-properties bench-materials bench-paragraphs bench-doping

# The shipped (distilled) models against their teachers, the profile's ensembles, in the same run.
bench-pipeline: models/ner-matscholar/metrics.json models/ner-mspt/metrics.json
	$(PY) scripts/bench_pipeline.py --ner models/ner-matscholar --synthesis-model models/ner-mspt \
		--baseline-ner models/ner-matscholar-teacher --baseline-synthesis-model models/ner-mspt-teacher \
		--baseline-configs local:1,local:2 --json bench/pipeline.json

bench-kernels: models/ner-matscholar/metrics.json
	$(PY) -m pip install -q onnx==1.23.1 onnxruntime==1.32.0
	$(PY) scripts/bench_kernels.py --model models/ner-matscholar --json bench/kernels.json

bench-properties: venv
	$(PY) scripts/bench_properties.py --json bench/properties.json

bench-properties-mulms: models/ner-mulms/metrics.json
	$(PY) scripts/bench_properties.py --ner models/ner-mulms --json bench/properties-mulms.json

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

bench-paragraphs: venv
	$(PY) scripts/bench_paragraphs.py --json bench/paragraphs.json

bench-doping: venv
	$(PY) scripts/bench_doping.py --json bench/doping.json

bench-calibration: models/ner-matscholar/metrics.json models/ner-mspt/metrics.json
	$(PY) scripts/bench_calibration.py --json bench/calibration.json \
		--model models/ner-matscholar:matscholar-$(NER_PROFILE) --model models/ner-mspt:mspt-$(NER_PROFILE)
