"""Numerical failures inside a run become one located error naming the suspect parameter (numerics.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cnyx_sim.numerics import numerical_guard
from cnyx_sim.pipeline import prepare_scenario, run_tables
from cnyx_sim.scenario.errors import ScenarioError

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.yaml"


@pytest.fixture
def prepared(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(f"extends: {BASELINE}\nname: mine\nyears: {{start: 2021, end: 2023}}\n"
                    "budget:\n  interest_rate: 0.05\ntransfer:\n  mean_size: 3.0\n", encoding="utf-8")
    return prepare_scenario(path)


def test_a_failure_in_a_submodel_names_that_submodels_parameter_the_file_writes(prepared, monkeypatch):
    from cnyx_sim.mechanisms import transfer

    monkeypatch.setattr(transfer, "signed_sizes", lambda normal, mean, sd, cap: np.exp(np.asarray(mean) * 1e6))
    with pytest.raises(ScenarioError) as info:
        with numerical_guard(prepared.loaded):
            run_tables(prepared, 0)
    error = info.value
    assert error.key_path == ("transfer", "mean_size") and error.file.endswith("mine.yaml") and error.line == 7
    # the base-year cohort (projects signed in 2021, building from 2022) draws its sizes at construction
    assert "failed numerically in 2021" in error.expected and "overflow" in error.expected
    assert "transfer parameters" in error.expected


def test_a_failure_in_the_schedule_itself_names_the_first_parameter_the_file_writes(prepared, monkeypatch):
    from cnyx_sim.core import model

    def broken(*args, **kwargs):
        return np.divide(0.0, np.zeros(2))  # invalid: 0/0

    monkeypatch.setattr(model.production, "value_added", broken)
    with pytest.raises(ScenarioError) as info:
        with numerical_guard(prepared.loaded):
            run_tables(prepared, 0)
    assert info.value.key_path == ("budget", "interest_rate")  # the file's first parameter (line 5)
    assert "model.py" in info.value.expected and "check the parameters changed" in info.value.expected


def test_other_errors_pass_through_and_underflow_is_not_an_error(prepared):
    with pytest.raises(KeyError):
        with numerical_guard(prepared.loaded):
            raise KeyError("not numerical")
    with numerical_guard(prepared.loaded):
        assert np.exp(np.array([-1000.0]))[0] == 0.0
    with pytest.raises(ScenarioError, match="lam value too large"):
        with numerical_guard(prepared.loaded):
            np.random.default_rng(0).poisson(1e30)
