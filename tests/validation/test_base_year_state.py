"""The 2021 model state against the published data and the plan, and the target table against the contract.

Expected values come from ``calibration/base_year_2021.csv`` (the published unit figures) and the plan text
(2021 region GDP 1.42万亿元, year-end resident population 2019.11万人), never from model output.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cnyx_sim.core.model import CnyxModel
from cnyx_sim.io.results import REGION_TOTAL, SECTOR_TOTAL, TARGET_COLUMNS, TRAJECTORY_COLUMNS
from cnyx_sim.mechanisms import production
from cnyx_sim.pipeline import prepare_scenario, tables_from_result
from cnyx_sim.runner import run_one

PLAN_GDP_2021 = 14200.0  # 亿元: "地区生产总值1.42万亿元"
PLAN_POPULATION_2021 = 2019.11  # 万人: "2021年末常住人口2019.11万人"
PLAN_UNITS = ("zigong", "luzhou", "neijiang", "yibin", "jiangjin", "yongchuan", "qijiang", "dazu", "tongliang",
              "rongchang")
NOMINAL, REAL, PERSONS = "亿元 (current prices)", "亿元 (2021 prices)", "万人"
REQUIRED_UNITS = {"gdp_nominal": NOMINAL, "gdp_real": REAL, "industry_va_real": REAL, "va_real": REAL,
                  "population": PERSONS, "employment": PERSONS}
REQUIRED_TARGETS = {
    "gdp_nominal_2025": 2025,
    "industry_va_real_growth_2021_2025": 2025,
    "growth_pole_2035": 2035,
    "population_attraction_2035": 2035,
    "industry_share_2035": 2035,
}


@pytest.fixture(scope="module")
def published(repo_root) -> pd.DataFrame:
    return pd.read_csv(repo_root / "calibration" / "base_year_2021.csv")


@pytest.fixture(scope="module")
def published_by_unit(published) -> pd.DataFrame:
    rows = published[(published["sector"] == "total") & published["variable"].isin(["gdp_nominal", "population"])]
    return rows.pivot(index="region", columns="variable", values="value")


@pytest.fixture(scope="module")
def prepared(baseline_path):
    return prepare_scenario(baseline_path)


@pytest.fixture(scope="module")
def model(prepared) -> CnyxModel:
    return CnyxModel(prepared.calibration.base, prepared.params, seed=prepared.seed, run=0)


@pytest.fixture(scope="module")
def tables(prepared):
    result = run_one(prepared.name, prepared.calibration.base, prepared.params, prepared.seed, 0)
    return tables_from_result(prepared, result)


def region_rows(frame: pd.DataFrame, variable: str, year: int) -> pd.Series:
    rows = frame[(frame["variable"] == variable) & (frame["sector"] == SECTOR_TOTAL) & (frame["year"] == year)]
    return rows.set_index("region")["value"]


# -------------------------------------------------------------------------------------------- 2021 state
def test_model_units_are_the_plan_units(model):
    assert tuple(model.geography.cities.codes[:10]) == PLAN_UNITS
    assert [agent.code for agent in model.cities] == list(model.geography.cities.codes)


def test_model_2021_gdp_reproduces_published_unit_gdp(model, published_by_unit):
    gdp = model.state.va_real.sum(axis=1) * model.state.price_index
    expected = published_by_unit.loc[list(model.geography.cities.codes), "gdp_nominal"].to_numpy()
    # the file keeps six decimals; sector splits must add back to the published unit GDP
    np.testing.assert_allclose(gdp, expected, rtol=1e-9, atol=1e-5)


def test_model_2021_population_reproduces_published_unit_population(model, published_by_unit):
    expected = published_by_unit.loc[list(model.geography.cities.codes), "population"].to_numpy()
    np.testing.assert_array_equal(model.state.population, expected)


def test_trajectories_2021_reproduce_published_unit_figures(tables, published_by_unit):
    traj = tables["trajectories"]
    for variable in ("gdp_nominal", "gdp_real", "population"):
        values = region_rows(traj, variable, 2021)
        source = "population" if variable == "population" else "gdp_nominal"
        units = list(published_by_unit.index)
        np.testing.assert_allclose(values.loc[units], published_by_unit.loc[units, source], rtol=1e-9, atol=1e-5,
                                   err_msg=variable)


def test_region_2021_totals_match_the_plan_within_half_a_percent(tables):
    traj = tables["trajectories"]
    gdp = region_rows(traj, "gdp_nominal", 2021).loc[REGION_TOTAL]
    population = region_rows(traj, "population", 2021).loc[REGION_TOTAL]
    assert gdp == pytest.approx(PLAN_GDP_2021, rel=0.005)
    assert population == pytest.approx(PLAN_POPULATION_2021, rel=0.005)


def test_base_year_is_the_price_base_and_has_no_migration(tables):
    traj = tables["trajectories"]
    np.testing.assert_allclose(region_rows(traj, "gdp_real", 2021), region_rows(traj, "gdp_nominal", 2021),
                               rtol=1e-15)
    assert (region_rows(traj, "price_index", 2021) == 1.0).all()
    assert (region_rows(traj, "net_migration", 2021) == 0.0).all()


def test_base_year_employment_is_the_employment_rate_times_population(model, prepared):
    np.testing.assert_allclose(model.state.employment.sum(axis=1),
                               prepared.params.labour.employment_rate * model.state.population, rtol=1e-12)


def test_base_year_capital_is_the_capital_output_ratio_times_value_added(model, prepared):
    # per unit and sector (the fitted ratios of calibration/fitted_2021.yaml), or per sector for every unit
    ratio = np.broadcast_to(model.params.capital.capital_output_ratio, model.state.va_real.shape)
    np.testing.assert_allclose(model.state.capital, model.state.va_real * ratio, rtol=1e-15)


def test_base_year_tfp_calibration_reproduces_value_added_exactly(model, prepared):
    alpha = prepared.params.production.capital_share
    base = model.base_state
    # (P5) level with (P2) externalities at their base-year values (index 1) gives back the data in (P1)
    tfp = production.total_factor_productivity(
        model.tfp_base, base.employment, model.employment_base, np.ones(model.geography.n_cities),
        prepared.params.production.localisation_elasticity, prepared.params.production.public_capital_elasticity,
    )
    va = production.value_added(tfp, base.capital, base.employment, alpha)
    np.testing.assert_allclose(va, prepared.calibration.base.value_added_nominal, rtol=1e-12)


def test_base_year_public_capital_is_in_its_steady_state(model, prepared):
    f = prepared.params.fiscal
    base = model.base_state
    np.testing.assert_allclose(base.public_capital * f.public_capital_depreciation, base.public_investment,
                               rtol=1e-12)


# --------------------------------------------------------------------------------------- contract of tables
def test_trajectory_columns_and_units_follow_the_contract(tables):
    traj = tables["trajectories"]
    assert list(traj.columns[: len(TRAJECTORY_COLUMNS)]) == TRAJECTORY_COLUMNS
    for variable, unit in REQUIRED_UNITS.items():
        units = set(traj.loc[traj["variable"] == variable, "unit"])
        assert units == {unit}, variable


def test_targets_table_has_contract_columns_and_one_row_per_target(tables):
    targets = tables["targets"]
    assert list(targets.columns) == TARGET_COLUMNS
    assert set(REQUIRED_TARGETS) <= set(targets["target"])
    assert not targets.duplicated(["scenario", "run", "target"]).any()
    for target, year in REQUIRED_TARGETS.items():
        assert targets.loc[targets["target"] == target, "year"].tolist() == [year]
    assert targets["met"].dtype == bool
    assert (targets["met"] == (targets["value"] >= targets["threshold"])).all()


def test_targets_are_scored_from_the_region_trajectory_with_the_plan_thresholds(tables, prepared):
    traj, targets = tables["trajectories"], tables["targets"].set_index("target")
    scenario = prepared.loaded.scenario.targets
    series = {v: traj[(traj["region"] == REGION_TOTAL) & (traj["sector"] == SECTOR_TOTAL)
                      & (traj["variable"] == v)].set_index("year")["value"]
              for v in ("gdp_nominal", "gdp_real", "industry_va_real", "population")}

    gdp = targets.loc["gdp_nominal_2025"]
    assert gdp["value"] == pytest.approx(series["gdp_nominal"].loc[2025], rel=1e-12)
    assert gdp["threshold"] == pytest.approx(scenario.gdp_2025_nominal * (1 - scenario.gdp_2025_tolerance))

    industry = targets.loc["industry_va_real_growth_2021_2025"]
    cagr = (series["industry_va_real"].loc[2025] / series["industry_va_real"].loc[2021]) ** 0.25 - 1
    assert industry["value"] == pytest.approx(cagr, rel=1e-12)
    assert industry["threshold"] == pytest.approx(0.10)

    pole = targets.loc["growth_pole_2035"]
    national = prepared.params.macro.national_real_growth[1:]  # 2022..2035
    assert len(national) == 14
    assert pole["threshold"] == pytest.approx(math.prod(1 + national) ** (1 / 14) - 1, rel=1e-12)
    assert pole["value"] == pytest.approx((series["gdp_real"].loc[2035] / series["gdp_real"].loc[2021]) ** (1 / 14)
                                          - 1, rel=1e-12)

    attraction = targets.loc["population_attraction_2035"]
    assert attraction["threshold"] == 1.0
    assert attraction["value"] == pytest.approx(series["population"].loc[2035] / series["population"].loc[2021])

    share = targets.loc["industry_share_2035"]
    assert share["threshold"] == pytest.approx(series["industry_va_real"].loc[2021] / series["gdp_real"].loc[2021])


def test_year_paths_resolve_to_step_functions_from_the_first_simulated_year(tmp_path, baseline_path):
    path = tmp_path / "steps.yaml"
    path.write_text(
        f"extends: {baseline_path}\nname: steps\nyears: {{start: 2021, end: 2026}}\n"
        "macro:\n  national_real_growth: {2022: 0.05, 2024: 0.03, 2040: 0.01}\n  deflator_growth: 0.02\n",
        encoding="utf-8",
    )
    params = prepare_scenario(path).params
    # each value holds from its year until the next key; keys after the end year are ignored
    np.testing.assert_allclose(params.macro.national_real_growth[1:], [0.05, 0.05, 0.03, 0.03, 0.03])
    np.testing.assert_allclose(params.macro.deflator_growth[1:], [0.02] * 5)


def test_industry_share_threshold_is_the_published_2021_industry_share(tables, published, prepared):
    geo = prepared.calibration.base.geography
    industry_codes = [c for c, ind in zip(geo.sectors.codes, geo.is_industry) if ind]
    va = published[(published["variable"] == "va_nominal") & published["sector"].isin(industry_codes)]
    gdp = published[(published["variable"] == "gdp_nominal") & (published["sector"] == "total")]
    expected = va["value"].sum() / gdp["value"].sum()
    threshold = tables["targets"].set_index("target").loc["industry_share_2035", "threshold"]
    assert threshold == pytest.approx(expected, rel=1e-8)


def test_targets_beyond_the_end_year_are_not_scored(tmp_path, baseline_path):
    path = tmp_path / "short.yaml"
    path.write_text(f"extends: {baseline_path}\nname: short\nyears: {{start: 2021, end: 2030}}\n", encoding="utf-8")
    short = prepare_scenario(path)
    result = run_one(short.name, short.calibration.base, short.params, short.seed, 0)
    targets = tables_from_result(short, result)["targets"]
    assert (targets["year"] <= 2030).all()
    assert {"gdp_nominal_2025", "industry_va_real_growth_2021_2025"} <= set(targets["target"])
