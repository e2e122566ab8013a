# Quick start (README): `make run` sets up and runs the baseline; `make test` sets up and runs the tests.
# PYTHON picks the interpreter (>= 3.11); VENV the virtual environment it is installed in.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: setup run test validate clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("cnyx_sim needs Python >= 3.11, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $@

run: setup
	$(BIN)/cnyx-sim run scenarios/baseline.yaml

validate: setup
	$(BIN)/cnyx-sim validate scenarios/*.yaml

test: setup
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) .venv-* .pytest_cache .hypothesis results/*/
