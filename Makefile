# Quick start (README): `make run` sets up and runs the baseline; `make test` sets up and runs the tests.
# PYTHON picks the interpreter (>= 3.11), VENV the virtual environment it is installed in:
#   make run PYTHON=python3.12          (or PYTHON=/path/to/python, or PYENV_VERSION=3.12.1 make run)
# The venv remembers which interpreter made it; when PYTHON names another one, the venv is rebuilt, so the
# choice is honoured even when a .venv already exists. Keep one venv per interpreter with VENV=.venv-3.12.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

# The interpreter's real path and version, and the packaging files' contents, as short checksums.
PY_ID := $(shell $(PYTHON) -c 'import os, sys; print(os.path.realpath(sys.executable), sys.version)' 2>/dev/null | cksum | cut -d' ' -f1)
DEPS_ID := $(shell cat pyproject.toml setup.py | cksum | cut -d' ' -f1)
PY_STAMP := $(VENV)/.python-$(PY_ID)
RUN_STAMP := $(VENV)/.installed-run-$(DEPS_ID)
DEV_STAMP := $(VENV)/.installed-dev-$(DEPS_ID)

.PHONY: setup setup-run run test validate clean mutation

# `make setup`: the venv with the development extras (tests, notebooks, plots, SALib, EMA, Dask).
setup: $(DEV_STAMP)

# `make run` installs only what running needs (no test or plotting extras).
setup-run: $(RUN_STAMP)

$(PY_STAMP):
	@$(PYTHON) -c 'import sys; sys.exit("cnyx_sim needs Python >= 3.11, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	@if [ -d "$(VENV)" ]; then echo "$(VENV) was made by another interpreter than $(PYTHON): rebuilding it"; fi
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	touch $@

$(RUN_STAMP): $(PY_STAMP)
	$(BIN)/python -m pip install --quiet -e .
	rm -f $(VENV)/.installed-run-*
	touch $@

$(DEV_STAMP): $(PY_STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-dev-* $(VENV)/.installed-run-*
	touch $@ $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/cnyx-sim run baseline

validate: $(RUN_STAMP)
	$(BIN)/cnyx-sim validate scenarios/*.yaml

test: $(DEV_STAMP)
	$(BIN)/python -m pytest -q

# Mutation testing (docs/mutation-method.md): mutmut over each module of tools/mutation_run.py's PLAN (or the
# MODULES named, e.g. MODULES="input_output checks"), each with only its tests, then docs/mutation.md from every
# module's last run. Not part of `make test` or CI.
MUTATION_STAMP := $(VENV)/.mutation-$(DEPS_ID)
MODULES ?=

$(MUTATION_STAMP): $(DEV_STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,mutation]"
	touch $@

mutation: $(MUTATION_STAMP)
	$(BIN)/python tools/mutation_run.py $(MODULES)
	$(BIN)/python tools/mutation_report.py

clean:
	rm -rf $(VENV) .venv-* .pytest_cache .hypothesis build dist results/*/ mutants mutants.log mutation-work
