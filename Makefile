# Digihjelpen. `make run` sets everything up and starts the assistant; `make test` sets everything
# up and runs the whole test suite. Both work on a fresh machine with Python 3.10 available.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
BOT := $(VENV)/bin/bot
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha1sum | cut -c1-12)
SEED := data/catalogue/tools.yml
PYTEST_ARGS ?=
# Rasa would otherwise send telemetry and error reports to the internet.
export RASA_TELEMETRY_ENABLED ?= false

# Finds a Python 3.10: python3.10 on PATH, else any pyenv 3.10.x. Prints its path or fails.
define find_python310
for candidate in python3.10 $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.10*/bin/python3.10; do \
  if command -v "$$candidate" >/dev/null 2>&1 && \
     "$$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; then \
    command -v "$$candidate"; exit 0; fi; \
done; exit 1
endef

.PHONY: help install run run-cluster test test-fast lint train db catalogue bench clean

help:
	@echo "make run        set up (venv, database, seed catalogue, model) and start the assistant"
	@echo "make run-cluster  the same with 2 Rasa + 2 action servers on local PostgreSQL and Redis"
	@echo "make test       set up and run the whole test suite (slow tests included)"
	@echo "make test-fast  the tests without the slow ones (no training, no browser)"
	@echo "make lint       ruff (style and format), mypy (types) and import-linter (layers, no cycles)"
	@echo "make train      train, check against the model in service, promote if not worse"
	@echo "make bench      run the benchmarks in bench/"

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@python310=$$($(find_python310)) || { \
	  echo "error: Python 3.10 is required (Rasa 3.6 runs only on Python 3.10)." >&2; \
	  echo "Install it, for example with 'pyenv install 3.10.13', or put python3.10 on PATH." >&2; exit 1; }; \
	if ! $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; then \
	  rm -rf $(VENV) && echo "Creating $(VENV) with $$python310" && "$$python310" -m venv $(VENV); fi
	@echo "Installing the pinned packages into $(VENV) (about 3 GB; 5-15 minutes the first time) ..."
	$(PY) -m pip install --quiet --disable-pip-version-check "pip==24.0"
	set -o pipefail; $(PY) -m pip install --disable-pip-version-check -r requirements.lock \
	  | { grep --line-buffered -E '^(Collecting|Installing collected)' || true; }
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

db: install
	$(BOT) db upgrade
	$(BOT) catalogue seed $(SEED)

train: install
	$(BOT) train

# Trains (and checks and promotes) only when no model is in service or the training data changed.
run: db
	$(BOT) model ensure
	$(BOT) run

# The production topology without containers (docs/deploy.md): PostgreSQL databases created if
# missing, Redis as Rasa's lock store. Override any of these variables in the environment.
run-cluster: export BOT_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/digihjelpen
run-cluster: export BOT_TRACKER_STORE_URL ?= postgresql://postgres@127.0.0.1:5432/digihjelpen_tracker
run-cluster: export BOT_LOCK_STORE_URL ?= redis://127.0.0.1:6379/0
run-cluster: install
	$(BOT) db create
	$(BOT) db upgrade
	$(BOT) catalogue seed $(SEED)
	$(BOT) model ensure
	$(BOT) run --cluster

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: install
	$(PY) -m pytest -m "not slow" $(PYTEST_ARGS)

# The checks CI runs before the tests (.ci/run); their settings are in pyproject.toml.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

bench: install
	$(PY) bench/catalogue_quality.py
	$(PY) bench/catalogue_scale.py

clean:
	rm -rf $(VENV) var models/*.tar.gz models/*.json .pytest_cache
