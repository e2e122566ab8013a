"""The baseline on the fitted growth path: it reproduces the 2021 data and reads what calibrate wrote."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cnyx_sim.api import run
from cnyx_sim.targets import above_scale_growth


@pytest.fixture(scope="module")
def baseline_runs(baseline_path):
    return run(baseline_path, runs=3, write=False)


def test_baseline_reproduces_each_units_2021_gdp_within_half_a_percent(baseline_runs, repo_root):
    base = pd.read_csv(repo_root / "calibration" / "base_year_2021.csv")
    published = base[base["variable"] == "gdp_nominal"].set_index("region")["value"]
    traj = baseline_runs.trajectories
    model = traj[(traj["variable"] == "gdp_nominal") & (traj["sector"] == "total") & (traj["year"] == 2021)
                 & (traj["region"] != "cnyx")]
    for run_rows in model.groupby("run"):
        values = run_rows[1].set_index("region")["value"]
        np.testing.assert_allclose(values[published.index], published, rtol=0.005)


def test_baseline_uses_the_fitted_tfp_capital_and_shock_parameters(baseline_runs, repo_root):
    import yaml

    fitted = yaml.safe_load((repo_root / "calibration" / "fitted_2021.yaml").read_text(encoding="utf-8"))
    s = baseline_runs.loaded.scenario
    assert s.calibration.cutoff == 2021
    assert s.production.common_shock_sd == fitted["production"]["common_shock_sd"] > 0
    # Validation resolves {unit: {group: rate}} to a rate for every unit and sector (scenario.types).
    geo = baseline_runs.prepared.calibration.base.geography
    fitted_tfp = fitted["production"]["tfp_initial_growth"]
    assert {unit: dict(row) for unit, row in s.production.tfp_initial_growth.items()} == {
        unit: {sector: fitted_tfp[unit][group] for sector, group in zip(geo.sectors.codes, geo.sector_group)}
        for unit in geo.cities.codes}
    fitted_growth = fitted["macro"]["national_real_growth"]
    assert {year: s.macro.national_real_growth[year] for year in fitted_growth} == fitted_growth
    assert s.targets.above_scale_premium == fitted["targets"]["above_scale_premium"]


def test_runs_differ_because_of_shocks_and_parameter_draws(baseline_runs):
    traj = baseline_runs.trajectories
    gdp = traj[(traj["variable"] == "gdp_real") & (traj["region"] == "cnyx") & (traj["year"] == 2025)]
    assert gdp["value"].nunique() == 3


def test_above_scale_target_maps_industry_growth_with_the_premium_hand_computed():
    industry = pd.Series([100.0, 110.0, 121.0, 127.05, 139.755], index=range(2021, 2026))
    # yearly growth 10 %, 10 %, 5 %, 10 %; with a 1-point premium: 11 %, 11 %, 6 %, 11 %
    expected = (1.11 * 1.11 * 1.06 * 1.11) ** 0.25 - 1
    assert above_scale_growth(industry, 2021, 2025, 0.01) == pytest.approx(expected, rel=1e-12)
    assert above_scale_growth(industry, 2021, 2025, 0.0) == pytest.approx((139.755 / 100) ** 0.25 - 1, rel=1e-12)


def test_the_industry_target_is_scored_like_for_like_and_the_proxy_kept(baseline_runs):
    targets = baseline_runs.targets
    names = set(targets["target"])
    assert {"above_scale_industry_va_growth_2021_2025", "industry_va_real_growth_2021_2025"} <= names
    mapped = targets[targets["target"] == "above_scale_industry_va_growth_2021_2025"]["value"].to_numpy()
    proxy = targets[targets["target"] == "industry_va_real_growth_2021_2025"]["value"].to_numpy()
    premium = baseline_runs.loaded.scenario.targets.above_scale_premium
    np.testing.assert_allclose(mapped - proxy, premium, atol=0.002)  # about the premium each year
