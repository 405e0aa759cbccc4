# netzwerke-kg task runner. Every target sets up what it needs; `make serve` and `make test` work
# on a fresh machine with only Python 3.11+, make and git.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: help venv test serve build validate stats bench bench-scale clean soak

# apt-get needs root; anyone else goes through sudo
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -e 's/:.*## /\t/'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	# cffconvert 2.0 pins jsonschema<4, which Frictionless and roc-validator outgrew; it runs on 4
	$(BIN)/pip install --quiet --no-deps cffconvert==2.0.0 pykwalify==1.8.0 docopt ruamel.yaml
	@touch $(STAMP)

venv: $(STAMP)  ## create .venv and install the project with its test extras

test: $(STAMP)  ## run the whole test suite (builds dist/ as the tests need it)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

serve: $(STAMP)  ## build dist/ if missing or stale, then serve on http://$(HOST):$(PORT)/ (embedded store)
	$(BIN)/netzwerke-kg serve --host $(HOST) --port $(PORT)

build: $(STAMP)  ## validate the sources and write dist/ (atomic, deterministic)
	$(BIN)/netzwerke-kg build

validate: $(STAMP)  ## validate ontology/, data/ and shapes/ and print a report
	$(BIN)/netzwerke-kg validate

stats: $(STAMP)  ## print counts per class and per network
	$(BIN)/netzwerke-kg stats

bench: $(STAMP)  ## side-by-side HTTP benchmarks with wrk (~10 min; BENCH_QUICK=1: a smoke run) → bench/results/
	@command -v wrk >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python -m bench

bench-scale: $(STAMP)  ## scale run on synthetic data at 10^3..10^6 triples (long; SIZES="1000 10000") → bench/results/scale.*
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python -m bench.scale $(if $(SIZES),--sizes $(SIZES))

soak: $(STAMP)  ## the security suites with a 5-minute, 16-client soak and 400 generated cases per hostile test
	SOAK_SECONDS=$${SOAK_SECONDS:-300} SOAK_CLIENTS=$${SOAK_CLIENTS:-16} HOSTILE_EXAMPLES=$${HOSTILE_EXAMPLES:-400} \
		$(BIN)/python -m pytest tests/security -q -s $(PYTEST_ARGS)

clean:  ## remove the virtualenv, dist/ and caches
	rm -rf $(VENV) dist .pytest_cache test-artefacts
