"""Shared test fixtures. Floating-point errors raise (Tax-Calculator's practice) so that a silent inf/nan in
a mechanism fails the test that produced it."""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = REPO_ROOT / "scenarios"


def pytest_addoption(parser):
    parser.addoption(
        "--regen-golden", action="store_true", default=False,
        help="rewrite tests/regression/golden/ from the current code (explain the change in the commit)",
    )


def pytest_collection_modifyitems(config, items):
    """Under ``make mutation`` only: run the test files cheapest first (mutmut hands each mutant its tests in no
    particular order and stops at the first failure, so a cheap killing test should come first). A file keeps
    its tests together, so module-scoped fixtures are built once. Elsewhere the order is untouched."""
    stats = Path("mutmut-stats.json")  # mutmut runs the tests inside mutants/, next to its stats
    if not os.environ.get("MUTANT_UNDER_TEST") or not stats.is_file():
        return
    durations = json.loads(stats.read_text(encoding="utf-8")).get("duration_by_test", {})
    per_file: dict[str, float] = defaultdict(float)
    for item in items:
        per_file[item.nodeid.split("::")[0]] += durations.get(item.nodeid, 0.0)
    items.sort(key=lambda item: per_file[item.nodeid.split("::")[0]])  # stable: file order kept within a file


@pytest.fixture(autouse=True)
def _raise_on_float_errors():
    old = np.seterr(all="raise")
    yield
    np.seterr(**old)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def baseline_path() -> Path:
    return SCENARIOS / "baseline.yaml"
