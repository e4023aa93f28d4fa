# Instructor tooling for the autograded attention labs. `make help` lists the targets.
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
RAW_MIRROR ?=
LABS ?=
LAB ?= lab2-6
SUBMISSIONS ?=
WORKERS ?= 2

.DEFAULT_GOAL := all
.PHONY: help install all data models check test bench figures student-repo grade grade-bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

install: ## create .venv and install the pinned requirements (CPU-only torch)
	python3 -m venv $(VENV)
	$(PIP) install -c constraints.txt -r requirements.txt -r requirements-dev.txt

all: data models ## build every lab: labs/, tests/ and dist/<lab>/<lab>-autograder.zip (LABS=... for some)
	$(PY) -m labkit build $(LABS)

data: ## processed dataset + tokenizer in data/build (RAW_MIRROR=dir to copy raw text instead of downloading)
	$(PY) -m labkit data $(if $(RAW_MIRROR),--raw-mirror $(RAW_MIRROR))

models: ## train the language models into data/build/models (skipped when up to date)
	$(PY) -m labkit models

check: data models ## grade solution (100%) and blank (0) notebooks, scan for leaks, fail on stale labs/ tests/
	$(PY) -m labkit check $(LABS)

test: check ## make check (before rebuilding, so stale labs/ tests/ fail), then make, then the pytest suite
	$(PY) -m labkit build $(LABS)
	$(PY) -m pytest labkit/tests

bench: data models ## median time of running each solution notebook and of grading it with its zip
	$(PY) -m labkit bench $(LABS)

figures: data models ## run the solution notebooks, save their tagged plots in build/<lab>/figures/
	$(PY) -m labkit figures $(LABS)

student-repo: data models ## a lab's public repository for students in dist/student/LAB (LAB=lab2-6)
	$(PY) -m labkit student-repo $(LAB)

grade: ## grade every notebook/zip in SUBMISSIONS=dir for LAB, WORKERS at a time, into a gradebook CSV
	$(PY) -m labkit grade $(LAB) $(SUBMISSIONS) --workers $(WORKERS)

grade-bench: ## submissions per minute when grading copies of LAB's solution with WORKERS workers
	$(PY) -m labkit grade-bench $(LAB) --workers $(WORKERS)

clean: ## remove build/, dist/ and data/build/ (raw text cache and committed files stay)
	rm -rf build dist data/build
