"""The accounting checker (cnyx_sim.checks) passes model output and catches deliberately broken tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cnyx_sim.checks import AccountingError, check_accounting
from cnyx_sim.pipeline import prepare_scenario, run_tables

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture(scope="module")
def good() -> dict[str, pd.DataFrame]:
    return run_tables(prepare_scenario(SCENARIOS / "deep_integration.yaml"), 0)


def broken(tables, variable: str, region: str, year: int, delta: float) -> dict[str, pd.DataFrame]:
    traj = tables["trajectories"].copy()
    rows = (traj["variable"] == variable) & (traj["region"] == region) & (traj["year"] == year)
    assert rows.sum() == 1
    traj.loc[rows, "value"] += delta
    return {**tables, "trajectories": traj}


def test_model_output_passes(good):
    check_accounting(good)


def test_credited_gdp_that_does_not_add_up_is_caught_with_identity_region_year_and_difference(good):
    bad = broken(broken(good, "gdp_credited_nominal", "zigong", 2030, 5.0), "gdp_credited_nominal", "cnyx", 2030, 5.0)
    with pytest.raises(AccountingError) as info:
        check_accounting(bad)
    message = str(info.value)
    assert "\n" not in message
    assert "credited GDP" in message and "cnyx" in message and "2030" in message and "difference 5" in message


def test_region_row_that_is_not_the_sum_of_units_is_caught(good):
    with pytest.raises(AccountingError, match=r"region debt = Σ units' debt for region cnyx, year 2028"):
        check_accounting(broken(good, "debt", "cnyx", 2028, 1.0))


def test_after_sharing_revenue_that_leaks_is_caught(good):
    bad = broken(broken(good, "tax_local_after_sharing", "luzhou", 2033, -0.5), "tax_local_after_sharing", "cnyx",
                 2033, -0.5)
    with pytest.raises(AccountingError, match="2033"):
        check_accounting(bad)


def test_ledger_row_without_its_counterpart_is_caught(good):
    ledger = good["sharing"]
    assert len(ledger) > 1
    with pytest.raises(AccountingError, match="sharing.parquet"):
        check_accounting({**good, "sharing": ledger.iloc[1:]})


def test_tables_without_the_fiscal_variables_are_not_checked(good):
    # A region debt row that is off by one would fail the check (test above); without the fiscal block's credited
    # GDP (tables written before it existed) the tables are not checked, so the same break passes.
    bad = broken(good, "debt", "cnyx", 2028, 1.0)["trajectories"]
    without_fiscal_block = bad[~bad["variable"].isin(["gdp_credited_nominal"])]
    assert check_accounting({"trajectories": without_fiscal_block}) is None
    with pytest.raises(AccountingError):
        check_accounting({"trajectories": bad})


def test_nothing_to_check_is_not_an_error(good):
    assert check_accounting({}) is None  # no trajectories at all
    traj = good["trajectories"]
    assert check_accounting({"trajectories": traj.iloc[:0]}) is None  # an empty table
    assert check_accounting({"trajectories": traj[traj["variable"] == "gdp_real"]}) is None  # no checked variable


def test_trajectories_without_a_ledger_are_still_checked(good):
    assert check_accounting({"trajectories": good["trajectories"]}) is None
    with pytest.raises(AccountingError, match="region debt"):
        check_accounting({"trajectories": broken(good, "debt", "cnyx", 2028, 1.0)["trajectories"]})
