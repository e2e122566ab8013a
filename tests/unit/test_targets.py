"""Target scoring (cnyx_sim.targets) on hand-made region series: every value, threshold, window and boundary
computed by hand, and the table front-end (``score_run``) equal to the array front-end the pipeline uses."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from cnyx_sim.io.results import TARGET_COLUMNS
from cnyx_sim.pipeline import prepare_scenario, run_tables
from cnyx_sim.targets import above_scale_growth, score_region_series, score_run

INDUSTRY_GROWTH = [0.05, 0.15, 0.10, 0.12]  # 2022-2025


def section(**changes) -> SimpleNamespace:
    values = dict(ledger="official", gdp_2025_nominal=20000.0, gdp_2025_tolerance=0.05, above_scale_premium=0.01,
                  industry_growth_2021_2025=0.10)
    values.update(changes)
    return SimpleNamespace(**values)


def region_series(end: int = 2036) -> dict[str, pd.Series]:
    years = np.arange(2021, end + 1)
    growth = np.array([0.0] + INDUSTRY_GROWTH + [0.02] * (len(years) - 5))[: len(years)]
    industry = 100.0 * np.cumprod(1.0 + growth)
    gdp_real = 1000.0 * np.where(years > 2021, 1.10 * 1.06 ** (years - 2022), 1.0)  # +10 % in 2022, then +6 %/yr
    return {
        "gdp_nominal": pd.Series(np.where(years == 2025, 19000.0, 1.0), index=years),
        "gdp_credited_nominal": pd.Series(np.where(years == 2025, 18000.0, 1.0), index=years),
        "gdp_real": pd.Series(gdp_real, index=years),
        "industry_va_real": pd.Series(industry, index=years),
        "industry_va_credited_real": pd.Series(industry * 0.9 ** (years - 2021), index=years),
        "population": pd.Series(np.where(years == 2035, 500.0, 500.0 - (years - 2021)), index=years),
    }


def national(end: int = 2036) -> np.ndarray:
    years = np.arange(2021, end + 1)
    growth = np.select([years == 2021, years == 2022, years == 2035, years > 2035], [0.5, 0.10, 0.0, 0.9], 0.05)
    # 2022 and 2035, the ends of the window, differ from the rest; the base year's own rate (2021) and the years
    # after 2035 never enter it
    return growth


def scored(end: int = 2036, start: int = 2021, **changes) -> pd.DataFrame:
    return score_region_series(region_series(end), "s", 3, section(**changes), national(end), start, end)


def test_every_target_value_threshold_and_verdict_hand_computed():
    table = scored()
    assert list(table.columns) == TARGET_COLUMNS
    assert (table["scenario"] == "s").all() and (table["run"] == 3).all()
    rows = table.set_index("target")
    assert list(rows.index) == ["gdp_nominal_2025", "above_scale_industry_va_growth_2021_2025",
                                "industry_va_real_growth_2021_2025", "growth_pole_2035",
                                "population_attraction_2035", "industry_share_2035"]
    assert rows["year"].tolist() == [2025, 2025, 2025, 2035, 2035, 2035]
    # 19000 against 20000 x (1 - 5 %) = 19000: met exactly at the threshold
    assert rows.loc["gdp_nominal_2025", ["value", "threshold"]].tolist() == [19000.0, 19000.0]
    assert rows.loc["gdp_nominal_2025", "met"]
    product = np.prod(1.0 + np.array(INDUSTRY_GROWTH))
    above_scale = np.prod(1.0 + np.array(INDUSTRY_GROWTH) + 0.01) ** 0.25 - 1.0
    assert rows.loc["above_scale_industry_va_growth_2021_2025", "value"] == pytest.approx(above_scale, rel=1e-12)
    assert rows.loc["industry_va_real_growth_2021_2025", "value"] == pytest.approx(product ** 0.25 - 1, rel=1e-12)
    assert rows.loc["industry_va_real_growth_2021_2025", "threshold"] == 0.10
    assert rows.loc["above_scale_industry_va_growth_2021_2025", "met"]  # 11.5 % >= 10 %
    assert rows.loc["industry_va_real_growth_2021_2025", "met"]  # 10.4 % >= 10 %
    # growth pole: real growth 2021-2035 against the national growth of 2022-2035 (not 2021's 50 % nor 2036's 90 %)
    assert rows.loc["growth_pole_2035", "value"] == pytest.approx((1.10 * 1.06**13) ** (1 / 14) - 1, rel=1e-12)
    assert rows.loc["growth_pole_2035", "threshold"] == pytest.approx((1.10 * 1.05**12) ** (1 / 14) - 1, rel=1e-12)
    assert rows.loc["growth_pole_2035", "met"]
    # population back at its 2021 level: ratio 1, met (>=)
    assert rows.loc["population_attraction_2035", ["value", "threshold"]].tolist() == [1.0, 1.0]
    assert rows.loc["population_attraction_2035", "met"]
    share_2021 = 100.0 / 1000.0
    share_2035 = region_series()["industry_va_real"][2035] / (1000 * 1.10 * 1.06**13)
    assert rows.loc["industry_share_2035", "value"] == pytest.approx(share_2035, rel=1e-12)
    assert rows.loc["industry_share_2035", "threshold"] == pytest.approx(share_2021, rel=1e-12)
    assert not rows.loc["industry_share_2035", "met"]  # industry grows slower than GDP after 2025


def test_a_target_just_out_of_reach_is_reported_as_missed():
    growth = scored(industry_growth_2021_2025=0.105).set_index("target").loc["industry_va_real_growth_2021_2025"]
    assert growth["value"] == pytest.approx(math.prod(1 + g for g in INDUSTRY_GROWTH) ** 0.25 - 1, rel=1e-12)
    assert growth["threshold"] == 0.105 and not growth["met"]


def test_the_credited_ledger_scores_credited_gdp_and_credited_real_industry():
    rows = scored(ledger="credited").set_index("target")
    assert rows.loc["gdp_nominal_2025", "value"] == 18000.0 and not rows.loc["gdp_nominal_2025", "met"]
    official = math.prod(1 + g for g in INDUSTRY_GROWTH)
    assert rows.loc["industry_va_real_growth_2021_2025", "value"] == pytest.approx(
        (official * 0.9 ** 4) ** 0.25 - 1, rel=1e-12)


def test_targets_are_scored_only_when_the_run_covers_their_years():
    assert scored(end=2024).empty
    assert scored(start=2022).empty
    assert scored(end=2025)["target"].tolist() == ["gdp_nominal_2025", "above_scale_industry_va_growth_2021_2025",
                                                    "industry_va_real_growth_2021_2025"]
    assert len(scored(end=2035)) == 6
    assert len(scored(end=2034)) == 3


def test_a_missing_ledger_variable_is_a_clear_error():
    series = region_series()
    with pytest.raises(ValueError, match="^targets ledger 'credited' needs variable 'gdp_credited_nominal' in the "
                                         "trajectories$"):
        score_region_series({k: v for k, v in series.items() if k != "gdp_credited_nominal"}, "s", 0,
                            section(ledger="credited"), national(), 2021, 2036)
    with pytest.raises(ValueError, match="^targets ledger 'official' needs variable 'industry_va_real' in the "
                                         "trajectories$"):
        score_region_series({k: v for k, v in series.items() if k != "industry_va_real"}, "s", 0, section(),
                            national(), 2021, 2036)


def test_above_scale_growth_is_the_mean_yearly_rate_with_the_premium_added_each_year():
    series = pd.Series([100.0, 110.0, 99.0], index=[2020, 2021, 2022])
    # (1.1 + 0.02) (0.9 + 0.02) = 1.0304 over two years
    assert above_scale_growth(series, 2020, 2022, 0.02) == pytest.approx(1.0304 ** 0.5 - 1, rel=1e-12)
    assert above_scale_growth(series, 2021, 2022, 0.0) == pytest.approx(-0.1, rel=1e-12)


def test_score_run_on_a_trajectories_table_equals_the_pipelines_targets(baseline_path):
    prepared = prepare_scenario(baseline_path)
    tables = run_tables(prepared, 1)
    p = prepared.params
    from_table = score_run(tables["trajectories"], prepared.loaded.scenario.targets, p.macro.national_real_growth,
                           p.start_year, p.end_year)
    pd.testing.assert_frame_equal(from_table, tables["targets"])
