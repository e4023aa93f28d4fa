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
.PHONY: help install all data models labs check gradescope-check test test-fast bench figures student-repo grade answers grade-bench setup-check clean
.PHONY: publish-check colab-env

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(INSTALLED): requirements.txt requirements-dev.txt constraints.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -c constraints.txt -r requirements.txt -r requirements-dev.txt
	@$(MAKE) --no-print-directory browser
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

gradescope-check: data models ## grade solutions and blanks as Gradescope would: 768 MB, 1/2 and 1/4 CPU, Docker's capabilities
	$(PY) -m labkit build $(LABS)
	$(PY) -m labkit.grading.gradescope $(LABS)

test: check ## make check (before rebuilding, so stale labs/ tests/ fail), then make, gradescope-check, the pytest suite
	$(MAKE) gradescope-check
	$(PY) -m pytest labkit/tests --durations=10

test-fast: $(INSTALLED) ## the unit tests marked fast (tooling, channel, recipes, test library): no grading, under 2 min
	$(PY) -m pytest labkit/tests -m fast -q

bench: data models ## median time of running each solution notebook and of grading it, then each recipe's bench
	$(PY) -m labkit bench $(LABS)

figures: data models ## run the solution notebooks, save their tagged plots in build/<lab>/figures/
	$(PY) -m labkit figures $(LABS)

student-repo: data models ## a lab's public repository for students in dist/student/LAB (LAB=lab2-6; needs org)
	$(PY) -m labkit.authoring.publish repo $(LAB)

publish-check: $(INSTALLED) ## HEAD-request every URL LAB's setup cell and Colab badge use; report what is missing
	$(PY) -m labkit.authoring.publish check $(LAB)

colab-env: $(INSTALLED) ## build/colab/: Colab's package list in a venv + the setup cell's wheels (downloads once)
	$(PY) -m labkit.grading.colab env

grade: $(INSTALLED) ## grade every notebook/zip in SUBMISSIONS=dir for LAB into a gradebook CSV and report.html
	$(PY) -m labkit grade $(LAB) $(SUBMISSIONS) --workers $(WORKERS)

answers: $(INSTALLED) ## written answers of SUBMISSIONS=dir, one HTML page per question + a scores CSV (ANONYMISE=1)
	$(PY) -m labkit answers $(LAB) $(SUBMISSIONS) $(if $(ANONYMISE),--anonymise)

.PHONY: similarity browser
similarity: $(INSTALLED) ## pairs of SUBMISSIONS=dir ranked by shared code per question and overall: similarity.html (ANONYMISE=1)
	$(PY) -m labkit similarity $(LAB) $(SUBMISSIONS) $(if $(ANONYMISE),--anonymise)

browser: ## headless Chromium for the page tests: `apt-get install chromium` when missing (as root), else says why not
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || \
	if [ "$$(id -u)" != 0 ]; then echo "browser: Chromium is missing and not installed: apt-get needs root (run: sudo apt-get install chromium)"; \
	elif ! command -v apt-get >/dev/null; then echo "browser: Chromium is missing and not installed: no apt-get here (install Chromium with this system's package manager)"; \
	else echo "browser: apt-get install chromium (headless Chromium renders the instructors' pages in make test)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "browser: apt-get install chromium failed (see above): the page tests will fail until Chromium is installed"; fi

grade-bench: $(INSTALLED) ## submissions per minute when grading copies of LAB's solution with WORKERS workers
	$(PY) -m labkit grade-bench $(LAB) --workers $(WORKERS)

setup-check: $(INSTALLED) ## LAB's zip: its setup.sh and run_autograder in a fresh Debian root (slow; root, network)
	$(MAKE) all LABS=$(LAB)
	$(PY) -m labkit.grading.setup_check $(LAB)

clean: ## remove build/, dist/ and data/build/ (raw text cache and committed files stay)
	rm -rf build dist data/build
