# Instructor tooling for the autograded attention labs. `make help` lists the targets.
# On a fresh clone: `make` (creates .venv, builds data, models and every lab), then `make test`.
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
RAW_MIRROR ?=
LABS ?=
LAB ?= lab2-6
SUBMISSIONS ?=
WORKERS ?= 2
JOBS ?= 2

.DEFAULT_GOAL := all
.PHONY: help install all data models labs check test bench figures student-repo grade answers grade-bench clean
.PHONY: publish-check colab-env

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(INSTALLED): requirements.txt requirements-dev.txt constraints.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -c constraints.txt -r requirements.txt -r requirements-dev.txt
	touch $@

install: ## (re)install .venv with the pinned requirements (CPU-only torch); `make` does it when .venv is missing
	rm -f $(INSTALLED)
	$(MAKE) $(INSTALLED)

all: data models ## build every lab: labs/, tests/ and dist/<lab>/<lab>-autograder.zip (LABS="a b" for some)
	$(PY) -m labkit build $(LABS)

data: $(INSTALLED) ## each lab's processed data in data/build/<lab>/ (RAW_MIRROR=dir: raw texts from a folder)
	$(PY) -m labkit data $(LABS) $(if $(RAW_MIRROR),--raw-mirror $(RAW_MIRROR))

models: data ## train each lab's models into data/build/<lab>/ (skipped when up to date)
	$(PY) -m labkit models $(LABS)

labs: $(INSTALLED) ## every lab: questions, points, artifacts and whether they are built and fresh
	$(PY) -m labkit labs $(LABS)

check: data models ## grade solution (100%) and blank (0) notebooks, scan for leaks, fail on stale labs/ tests/
	$(PY) -m labkit check $(LABS) --jobs $(JOBS)

test: check ## make check (before rebuilding, so stale labs/ tests/ fail), then make, then the pytest suite
	$(PY) -m labkit build $(LABS)
	$(PY) -m pytest labkit/tests --durations=10

bench: data models ## median time of running each solution notebook and of grading it, then each recipe's bench
	$(PY) -m labkit bench $(LABS)

figures: data models ## run the solution notebooks, save their tagged plots in build/<lab>/figures/
	$(PY) -m labkit figures $(LABS)

student-repo: data models ## a lab's public repository for students in dist/student/LAB (LAB=lab2-6; needs org)
	$(PY) -m labkit.publish repo $(LAB)

publish-check: $(INSTALLED) ## HEAD-request every URL LAB's setup cell and Colab badge use; report what is missing
	$(PY) -m labkit.publish check $(LAB)

colab-env: $(INSTALLED) ## build/colab/: Colab's package list in a venv + the setup cell's wheels (downloads once)
	$(PY) -m labkit.colab env

grade: $(INSTALLED) ## grade every notebook/zip in SUBMISSIONS=dir for LAB into a gradebook CSV and report.html
	$(PY) -m labkit grade $(LAB) $(SUBMISSIONS) --workers $(WORKERS)

answers: $(INSTALLED) ## written answers of SUBMISSIONS=dir, one HTML page per question + a scores CSV (ANONYMISE=1)
	$(PY) -m labkit answers $(LAB) $(SUBMISSIONS) $(if $(ANONYMISE),--anonymise)

grade-bench: $(INSTALLED) ## submissions per minute when grading copies of LAB's solution with WORKERS workers
	$(PY) -m labkit grade-bench $(LAB) --workers $(WORKERS)

clean: ## remove build/, dist/ and data/build/ (raw text cache and committed files stay)
	rm -rf build dist data/build
