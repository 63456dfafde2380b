# Lantern's two commands are `make demo` and `make test`; `make help` lists the rest.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
DEMO_DIR ?= demo-data
DEMO_SEED ?= 7
DEMO_CHILDREN ?= 3000
DEMO_PORT ?= 8000

.PHONY: help demo test test-all lint typecheck lock bench clean install install-dev assets

help: ## List the targets with a line of help each
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(VENV)/bin/python:
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11 (apt-get install python3.11 python3.11-venv) or run make PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check uv==0.13.8

$(VENV)/.base: requirements/base.lock pyproject.toml | $(VENV)/bin/python
	$(UV) pip sync -q --python $(PY) requirements/base.lock
	$(UV) pip install -q --python $(PY) --no-deps -e .
	@rm -f $(VENV)/.dev; touch $@

$(VENV)/.dev: requirements/dev.lock pyproject.toml | $(VENV)/bin/python
	$(UV) pip sync -q --python $(PY) requirements/dev.lock
	$(UV) pip install -q --python $(PY) --no-deps -e .
	@touch $(VENV)/.base $@

install: $(VENV)/.base assets ## Create .venv with Lantern and its runtime dependencies

install-dev: $(VENV)/.dev assets ## Create .venv with the test and lint tools too

assets: ## Build the web app's front-end assets from npm into the package (no CDN)
	@bash scripts/build-assets.sh

demo: install ## Build a synthetic county, run the pipeline and serve the app on :8000 (DEMO_PORT)
	@bash scripts/demo.sh "$(PY)" "$(DEMO_DIR)" "$(DEMO_SEED)" "$(DEMO_CHILDREN)" "$(DEMO_PORT)"

test: install-dev ## Install what the tests need (PostgreSQL, chromium) and run the suite
	@bash scripts/run-tests.sh "$(PY)" -m "not slow"

test-all: install-dev ## The whole suite, slow tests (Spark, the large county) included
	$(UV) pip install -q --python $(PY) -r requirements/all.lock
	@LANTERN_REQUIRE_SPARK=1 bash scripts/run-tests.sh "$(PY)"

lint: install-dev ## Ruff lint and format check, mypy, and the layers contract (import-linter)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

lock: ## Re-pin every dependency from pyproject.toml into requirements/*.lock
	$(UV) pip compile -q --python-version 3.11 pyproject.toml -o requirements/base.lock
	$(UV) pip compile -q --python-version 3.11 pyproject.toml --extra dev -o requirements/dev.lock
	$(UV) pip compile -q --python-version 3.11 pyproject.toml --extra dev --extra spark -o requirements/all.lock

bench: install-dev ## Run the benchmarks in bench/ (figures go to bench/RESULTS.md)
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean: ## Remove the environment, demo data and caches
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .ruff_cache .mypy_cache lantern.duckdb lantern-app.db
