"""Experiment design: sweep files, samples, key-path writing, variant validation, Sobol estimators."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnyx_sim.batch.design import load_sweep, parse_outcome, set_key_path, sobol_indices, variant_name
from cnyx_sim.batch.engine import plan_batch
from cnyx_sim.scenario.errors import ScenarioError

BASELINE = Path(__file__).resolve().parents[3] / "scenarios" / "baseline.yaml"


@pytest.fixture
def short_scenario(tmp_path: Path) -> Path:
    path = tmp_path / "short.yaml"
    path.write_text(f"extends: {BASELINE}\nname: short\nyears: {{start: 2021, end: 2023}}\n", encoding="utf-8")
    return path


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sweep.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_grid_takes_every_combination_in_order(tmp_path):
    sweep = load_sweep(write(tmp_path, """
sweep:
  method: grid
  parameters:
    production.tfp_long_run_growth: {values: [0.01, 0.02]}
    fiscal.growth_target: {values: [0.07, 0.08, 0.09]}
"""))
    points = sweep.points()
    assert points.shape == (6, 2)
    assert points[:3].tolist() == [[0.01, 0.07], [0.01, 0.08], [0.01, 0.09]]


def test_latin_hypercube_puts_one_point_in_each_stratum_and_is_reproducible(tmp_path):
    text = """
sweep:
  method: lhs
  samples: 10
  seed: 3
  parameters:
    production.tfp_long_run_growth: {low: 0.0, high: 0.05}
"""
    points = load_sweep(write(tmp_path, text)).points()[:, 0]
    strata = np.floor(points / 0.005).astype(int)
    assert sorted(strata.tolist()) == list(range(10))
    assert np.array_equal(points, load_sweep(write(tmp_path, text)).points()[:, 0])


def test_saltelli_design_has_n_times_d_plus_2_points_and_ab_rows_mix_one_column(tmp_path):
    sweep = load_sweep(write(tmp_path, """
sweep:
  method: saltelli
  samples: 4
  parameters:
    production.tfp_long_run_growth: {low: 0.0, high: 1.0}
    fiscal.growth_target: {low: 0.0, high: 1.0}
  sensitivity: {outcomes: [gdp_nominal@2035]}
"""))
    points = sweep.points()
    assert points.shape == (4 * 4, 2)
    a, b, ab1, ab2 = points[0], points[1], points[2], points[3]
    assert ab1.tolist() == [b[0], a[1]]
    assert ab2.tolist() == [a[0], b[1]]


@pytest.mark.parametrize("body, where", [
    ("sweep:\n  method: random\n  parameters: {a.b: {low: 0, high: 1}}\n", "sweep.method"),
    ("sweep:\n  method: lhs\n  samples: 0\n  parameters: {a.b: {low: 0, high: 1}}\n", "sweep.samples"),
    ("sweep:\n  method: lhs\n  samples: 2\n  parameters:\n    a.b: {low: 1, high: 0}\n", "sweep.parameters['a.b'].high"),
    ("sweep:\n  method: grid\n  parameters:\n    a.b: {low: 1, high: 2}\n", "sweep.parameters['a.b']"),
    ("sweep:\n  method: lhs\n  samples: 2\n  parameters: {a.b: {low: 0, high: 1}}\n  sensitivity: {outcomes: [x]}\n",
     "sweep.sensitivity"),
    ("sweeps: {}\n", "sweeps"),
])
def test_bad_sweep_specs_fail_with_one_located_line(tmp_path, body, where):
    with pytest.raises(ScenarioError) as info:
        load_sweep(write(tmp_path, body))
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(tmp_path / "sweep.yaml"))
    assert where in message


def test_sample_the_schema_rejects_names_sample_parameter_and_reason(tmp_path, short_scenario):
    sweep = write(tmp_path, """
sweep:
  method: grid
  parameters:
    production.tfp_long_run_growth: {values: [0.01, 7.0]}
""")
    with pytest.raises(ScenarioError) as info:
        plan_batch([short_scenario], runs=1, sweep=sweep)
    message = str(info.value)
    assert "sweep.yaml:5" in message and "sample 1" in message and "tfp_long_run_growth" in message


def test_unknown_key_path_is_rejected_by_the_normal_validation(tmp_path, short_scenario):
    sweep = write(tmp_path, "sweep:\n  method: grid\n  parameters:\n    production.tfp_lr_growth: {values: [0.01]}\n")
    with pytest.raises(ScenarioError, match="unknown key"):
        plan_batch([short_scenario], runs=1, sweep=sweep)


def test_each_sample_becomes_a_named_variant_with_the_value_set_and_the_same_seed(tmp_path, short_scenario):
    sweep = write(tmp_path, """
sweep:
  method: grid
  parameters:
    capital.investment_rate.electronics: {values: [0.2, 0.3]}
""")
    plan = plan_batch([short_scenario], runs=2, sweep=sweep)
    assert [v.name for v in plan.variants] == ["short.s0000", "short.s0001"]
    sectors = plan.variants[0].prepared.calibration.base.geography.sectors.codes
    electronics = list(sectors).index("electronics")
    rates = [v.prepared.params.capital.investment_rate[electronics] for v in plan.variants]
    assert rates == [0.2, 0.3]
    assert len({v.seed for v in plan.variants}) == 1
    assert plan.variants[0].content_hash != plan.variants[1].content_hash


def test_set_key_path_writes_nested_and_year_keys_without_touching_the_input():
    data = {"macro": {"national_real_growth": {2022: 0.05}}, "name": "x"}
    out = set_key_path(data, "macro.national_real_growth.2022", 0.04)
    assert out["macro"]["national_real_growth"] == {2022: 0.04}
    assert data["macro"]["national_real_growth"] == {2022: 0.05}
    assert set_key_path({}, "capital.investment_rate.electronics", 0.3) == {
        "capital": {"investment_rate": {"electronics": 0.3}}}
    with pytest.raises(KeyError, match="single value"):
        set_key_path({"capital": {"investment_rate": 0.2}}, "capital.investment_rate.electronics", 0.3)


def test_outcome_spec_parses_region_variable_and_year():
    assert parse_outcome("gdp_nominal@2035") == ("cnyx", "gdp_nominal", 2035)
    assert parse_outcome("yibin:population@2030") == ("yibin", "population", 2030)
    with pytest.raises(ValueError):
        parse_outcome("gdp_nominal")
    assert variant_name("policy", 12) == "policy.s0012"


def test_sobol_indices_of_an_additive_function_match_the_closed_form(tmp_path):
    # f = x1 + 2 x2 on [0,1]^2: V1 = 1/12, V2 = 4/12, so S1 = ST = (0.2, 0.8).
    sweep = load_sweep(write(tmp_path, """
sweep:
  method: saltelli
  samples: 1024
  seed: 1
  parameters:
    a.x1: {low: 0.0, high: 1.0}
    a.x2: {low: 0.0, high: 1.0}
"""))
    x = sweep.points()
    first, total = sobol_indices(x[:, 0] + 2 * x[:, 1], 2)
    assert first == pytest.approx([0.2, 0.8], abs=0.03)
    assert total == pytest.approx([0.2, 0.8], abs=0.03)


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=1, max_value=4), st.integers(min_value=0, max_value=2**16))
def test_total_index_of_a_parameter_the_outcome_ignores_is_zero(d, seed):
    rng = np.random.default_rng(seed)
    n = 16
    points = rng.random((n * (d + 2), d))
    for j in range(n):  # make it a genuine Saltelli layout: AB rows copy A except one column
        a, b = points[j * (d + 2)], points[j * (d + 2) + 1]
        for i in range(d):
            row = a.copy()
            row[i] = b[i]
            points[j * (d + 2) + 2 + i] = row
    outcome = np.sin(points[:, 0] * 3)
    first, total = sobol_indices(outcome, d)
    assert np.all(total[1:] == 0.0)
    assert np.all(first[1:] == 0.0)


def test_saltelli_batch_writes_sobol_indices_of_the_chosen_outcomes(tmp_path, short_scenario):
    from cnyx_sim.batch.engine import run_batch
    import pandas as pd

    sweep = write(tmp_path, """
sweep:
  method: saltelli
  samples: 2
  parameters:
    production.tfp_long_run_growth: {low: 0.01, high: 0.03}
    fiscal.growth_target: {low: 0.07, high: 0.09}
  sensitivity: {outcomes: [gdp_real@2023]}
""")
    run_batch([short_scenario], runs=1, out=tmp_path / "b", sweep=sweep)
    table = pd.read_csv(tmp_path / "b" / "sensitivity.csv")
    assert table["parameter"].tolist() == ["production.tfp_long_run_growth", "fiscal.growth_target"]
    assert table["total"].notna().all()
    samples = pd.read_csv(tmp_path / "b" / "samples.csv")
    assert len(samples) == 2 * (2 + 2)
