# Quick start (README): `make run` sets up and runs the baseline; `make test` sets up and runs the tests.
# PYTHON picks the interpreter (>= 3.11); VENV the virtual environment it is installed in.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: setup run test validate clean mutation

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

# Mutation testing (docs/mutation-method.md): a fresh mutmut run over MUTATE (mutant name patterns; empty = all
# of [tool.mutmut] only_mutate, the batch store included), then docs/mutation.md. Not part of `make test` or CI.
MUTATION_STAMP := $(VENV)/.mutation-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
MUTATE ?= cnyx_sim.mechanisms.* cnyx_sim.checks.* cnyx_sim.targets.* cnyx_sim.core.*

$(MUTATION_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,mutation]"
	touch $@

mutation: setup $(MUTATION_STAMP)
	rm -rf mutants
	start=$$(date +%s); \
	$(BIN)/mutmut run --max-children 2 $(foreach m,$(MUTATE),"$(m)") > mutants.log 2>&1 || { tail -30 mutants.log; exit 1; }; \
	$(BIN)/python tools/mutation_report.py --wall-time $$(( $$(date +%s) - start )) --command "make mutation MUTATE='$(MUTATE)'"

clean:
	rm -rf $(VENV) .venv-* .pytest_cache .hypothesis results/*/ mutants mutants.log
