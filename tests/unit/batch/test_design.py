"""Experiment design: sweep files, samples, key-path writing, variant validation, Sobol estimators."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnyx_sim.batch.design import (Sweep, SweepParameter, load_sweep, morris_effects, morris_unit_points,
                                   parse_outcome, set_key_path, sobol_indices, variant_name)
from cnyx_sim.batch.plan import plan_batch
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


def test_saltelli_design_is_in_salib_order_a_ab1_abd_b_and_ab_rows_mix_one_column(tmp_path):
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
    a, ab1, ab2, b = points[0], points[1], points[2], points[3]   # SALib's order (issue 11)
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
    for j in range(n):  # make it a genuine Saltelli layout (SALib order A, AB_1..d, B): AB copies A but column i
        a, b = points[j * (d + 2)], points[j * (d + 2) + d + 1]
        for i in range(d):
            row = a.copy()
            row[i] = b[i]
            points[j * (d + 2) + 1 + i] = row
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


# ------------------------------------------------------------------------------------------ Morris screening
def morris_sweep(r: int, d: int, levels: int = 4, seed: int = 0, ranges=None) -> Sweep:
    ranges = ranges or [(0.0, 1.0)] * d
    params = tuple(SweepParameter(f"a.x{i + 1}", low=lo, high=hi) for i, (lo, hi) in enumerate(ranges))
    return Sweep("sweep.yaml", "morris", r, seed, params, (), {}, {}, levels)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=6), st.integers(min_value=1, max_value=5),
       st.sampled_from([2, 4, 6, 8]), st.integers(min_value=0, max_value=2**16))
def test_morris_trajectories_step_one_factor_by_delta_on_the_grid_inside_the_unit_cube(r, d, levels, seed):
    sweep = morris_sweep(r, d, levels, seed)
    unit = morris_unit_points(sweep)
    delta = levels / (2 * (levels - 1))
    assert unit.shape == (r * (d + 1), d)
    assert np.all((unit >= 0.0) & (unit <= 1.0))
    grid = unit * (levels - 1)
    assert np.allclose(grid, np.round(grid))  # every coordinate is one of the p levels
    steps = np.diff(unit.reshape(r, d + 1, d), axis=1)
    moved = ~np.isclose(steps, 0.0)
    assert np.all(moved.sum(axis=2) == 1)  # exactly one factor per step ...
    assert np.all(moved.sum(axis=1) == 1)  # ... and each factor once per trajectory
    assert np.allclose(np.abs(steps[moved]), delta)
    assert np.array_equal(unit, morris_unit_points(morris_sweep(r, d, levels, seed)))


def test_morris_design_scales_to_the_ranges_in_trajectory_order(tmp_path):
    sweep = load_sweep(write(tmp_path, """
sweep:
  method: morris
  samples: 3
  levels: 6
  seed: 2
  parameters:
    a.x1: {low: 1.0, high: 3.0}
    a.x2: {low: -5.0, high: 5.0}
"""))
    assert sweep.levels == 6 and sweep.morris_step == pytest.approx(0.6)
    points = sweep.points()
    assert points.shape == (3 * 3, 2)
    assert np.allclose(points, morris_unit_points(sweep) * [2.0, 10.0] + [1.0, -5.0])


def test_elementary_effects_of_a_hand_built_design_match_hand_computation():
    delta = 2 / 3  # p = 4
    unit = np.array([[0, 0], [2 / 3, 0], [2 / 3, 2 / 3],            # x1 up, then x2 up
                     [1 / 3, 1], [1 / 3, 1 / 3], [1, 1 / 3]])       # x2 down, then x1 up
    linear = 2 * unit[:, 0] + 0 * unit[:, 1]
    mu_star, mu, sigma = morris_effects(linear, unit, delta)
    assert mu_star == pytest.approx([2.0, 0.0]) and mu == pytest.approx([2.0, 0.0])
    assert sigma == pytest.approx([0.0, 0.0])
    # f = x1^2 - x2: EE_1 = (4/9 - 0) / (2/3) = 2/3 and (1 - 1/9) / (2/3) = 4/3; EE_2 = -1 in both
    # trajectories, also for the downward step (f(x) - f(x - Delta e_2)) / Delta.
    mu_star, mu, sigma = morris_effects(unit[:, 0] ** 2 - unit[:, 1], unit, delta)
    assert mu_star == pytest.approx([1.0, 1.0])
    assert mu == pytest.approx([1.0, -1.0])
    assert sigma == pytest.approx([np.sqrt(2) / 3, 0.0])
    assert np.isnan(morris_effects(linear[:3], unit[:3], delta)[2]).all()  # one trajectory: no spread


def test_morris_mu_star_of_a_linear_outcome_is_its_slope_in_unit_coordinates():
    # f = 2 x1 + 0 x2 in parameter units: EE_1 = 2 (high - low) per unit-cube step, EE_2 = 0.
    for (low, high), expected in [((0.0, 1.0), 2.0), ((1.0, 3.0), 4.0)]:
        sweep = morris_sweep(5, 2, seed=11, ranges=[(low, high), (0.0, 10.0)])
        x = sweep.points()
        mu_star, mu, sigma = morris_effects(2 * x[:, 0] + 0 * x[:, 1], morris_unit_points(sweep), sweep.morris_step)
        assert mu_star == pytest.approx([expected, 0.0])
        assert mu == pytest.approx([expected, 0.0])
        assert sigma == pytest.approx([0.0, 0.0], abs=1e-9)


@pytest.mark.parametrize("levels", ["3", "1", "0", "-2", "four", "true", "4.0"])
def test_invalid_morris_levels_fail_with_one_line_naming_sweep_levels(tmp_path, levels):
    body = f"sweep:\n  method: morris\n  samples: 2\n  levels: {levels}\n  parameters: {{a.b: {{low: 0, high: 1}}}}\n"
    with pytest.raises(ScenarioError) as info:
        load_sweep(write(tmp_path, body))
    message = str(info.value)
    assert "\n" not in message and "sweep.levels" in message and "sweep.yaml:4" in message


def test_levels_outside_morris_and_sensitivity_outside_saltelli_or_morris_are_rejected(tmp_path):
    with pytest.raises(ScenarioError, match=r"sweep\.levels"):
        load_sweep(write(tmp_path, "sweep:\n  method: lhs\n  samples: 2\n  levels: 4\n"
                                   "  parameters: {a.b: {low: 0, high: 1}}\n"))
    with pytest.raises(ScenarioError, match="need method: saltelli or morris"):
        load_sweep(write(tmp_path, "sweep:\n  method: sobol\n  samples: 2\n  parameters: {a.b: {low: 0, high: 1}}\n"
                                   "  sensitivity: {outcomes: [gdp_real@2023]}\n"))
    sweep = load_sweep(write(tmp_path, "sweep:\n  method: morris\n  samples: 2\n"
                                       "  parameters: {a.b: {low: 0, high: 1}}\n"
                                       "  sensitivity: {outcomes: [gdp_real@2023]}\n"))
    assert sweep.levels == 4 and sweep.outcomes == ("gdp_real@2023",)


def _saltelli_sweep(tmp_path, samples: int):
    return load_sweep(write(tmp_path, f"""
sweep:
  method: saltelli
  samples: {samples}
  seed: 3
  parameters:
    production.tfp_long_run_growth: {{low: 0.0, high: 1.0}}
    fiscal.growth_target: {{low: 0.0, high: 1.0}}
  sensitivity: {{outcomes: [gdp_nominal@2035]}}
"""))


def test_sobol_indices_of_an_additive_function_match_the_analytic_variance_shares(tmp_path):
    from cnyx_sim.batch.design import sample_points

    points = sample_points(_saltelli_sweep(tmp_path, 512))
    outcome = points[:, 0] + 2.0 * points[:, 1]           # Var: 1/12 and 4/12 -> S = 0.2, 0.8
    first, total = sobol_indices(outcome, 2)
    assert first == pytest.approx([0.2, 0.8], abs=0.05)
    assert total == pytest.approx([0.2, 0.8], abs=0.05)


def test_sobol_indices_do_not_depend_on_the_level_of_the_outcome(tmp_path):
    from cnyx_sim.batch.design import sample_points

    points = sample_points(_saltelli_sweep(tmp_path, 8))
    outcome = points[:, 0] + 2.0 * points[:, 1] ** 2
    first, total = sobol_indices(outcome, 2)
    shifted_first, shifted_total = sobol_indices(outcome + 1e4, 2)   # e.g. GDP levels
    assert shifted_first == pytest.approx(first, abs=1e-6)
    assert shifted_total == pytest.approx(total, abs=1e-6)
