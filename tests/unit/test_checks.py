"""The accounting checker (cnyx_sim.checks) passes model output and catches deliberately broken tables."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from cnyx_sim.checks import AccountingError, check_accounting, check_run
from cnyx_sim.io.results import unit_level_arrays
from cnyx_sim.pipeline import prepare_scenario, run_tables
from cnyx_sim.runner import run_one

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


@pytest.fixture(scope="module")
def run_result():
    prepared = prepare_scenario(SCENARIOS / "deep_integration.yaml")
    result = run_one(prepared.name, prepared.calibration.base, prepared.params, prepared.seed, 0)
    assert len(result.sharing.amount) > 0
    return result


def test_check_run_passes_a_model_run_and_names_the_identity_year_and_run_of_a_break(run_result):
    totals = unit_level_arrays(run_result)
    assert check_run(run_result, totals) is None
    debt = totals["debt"].copy()
    debt[3, -1] += 1.0  # the region row of the fourth year
    with pytest.raises(AccountingError) as info:
        check_run(run_result, {**totals, "debt": debt})
    message = str(info.value)
    assert "region debt" in message and f"year {run_result.years[3]}" in message
    assert "scenario deep_integration, run 0" in message and "difference 1" in message


def test_check_run_checks_the_ledger_against_the_unit_flows(run_result):
    totals = unit_level_arrays(run_result)
    record = dataclasses.replace(run_result.sharing, amount=run_result.sharing.amount.copy())
    record.amount[0] += 0.5
    with pytest.raises(AccountingError, match="sharing.parquet"):
        check_run(dataclasses.replace(run_result, sharing=record), totals)


def test_check_run_without_a_ledger_still_checks_the_tables(run_result):
    totals = unit_level_arrays(run_result)
    without = dataclasses.replace(run_result, sharing=None)
    assert check_run(without, totals) is None
    debt = totals["debt"].copy()
    debt[2, -1] -= 1.0
    with pytest.raises(AccountingError, match="region debt"):
        check_run(without, {**totals, "debt": debt})


def test_ecological_compensation_that_leaves_the_region_is_caught(good):
    # a unit's receipt raised without a payer (and the region row with it, so only the conservation identity fails)
    bad = broken(broken(good, "eco_compensation_received", "yongchuan", 2030, 0.05), "eco_compensation_received",
                 "cnyx", 2030, 0.05)
    with pytest.raises(AccountingError, match=r"Σ ecological compensation paid = Σ received for region cnyx, year 2030"):
        check_accounting(bad)


def test_park_development_spending_that_no_party_paid_for_is_caught(good):
    # spending raised on a host and its region row, with no contribution behind it: only identity 9 fails
    assert good["trajectories"].query("variable == 'park_development_spending'")["value"].sum() > 0
    bad = broken(broken(good, "park_development_spending", "zigong", 2030, 0.05), "park_development_spending",
                 "cnyx", 2030, 0.05)
    with pytest.raises(AccountingError, match=r"Σ park development contributions .* for region cnyx, year 2030"):
        check_accounting(bad)


def test_a_government_led_move_without_an_origin_is_caught(good):
    # a move into a unit with no unit it left (region row raised with it: only the conservation identity fails)
    bad = broken(broken(good, "government_led_relocations_in", "luzhou", 2030, 1.0), "government_led_relocations_in",
                 "cnyx", 2030, 1.0)
    bad = broken(broken(bad, "projects_relocated_in", "luzhou", 2030, 1.0), "projects_relocated_in", "cnyx", 2030, 1.0)
    with pytest.raises(AccountingError, match=r"Σ government-led relocations out = Σ in for region cnyx, year 2030"):
        check_accounting(bad)


def test_more_government_led_moves_than_relocations_is_caught(good):
    bad = broken(broken(good, "government_led_relocations_in", "luzhou", 2030, 1.0), "government_led_relocations_out",
                 "luzhou", 2030, 1.0)
    bad = broken(broken(bad, "government_led_relocations_in", "cnyx", 2030, 1.0), "government_led_relocations_out",
                 "cnyx", 2030, 1.0)
    traj = bad["trajectories"]
    relocated = traj[(traj.variable == "projects_relocated_in") & (traj.region == "luzhou") & (traj.year == 2030)]
    moved = traj[(traj.variable == "government_led_relocations_in") & (traj.region == "luzhou") & (traj.year == 2030)]
    if float(moved["value"].iloc[0]) <= float(relocated["value"].iloc[0]):
        bad = broken(bad, "government_led_relocations_in", "luzhou", 2030,
                     float(relocated["value"].iloc[0]) - float(moved["value"].iloc[0]) + 1.0)
        bad = broken(bad, "government_led_relocations_out", "luzhou", 2030,
                     float(relocated["value"].iloc[0]) - float(moved["value"].iloc[0]) + 1.0)
        bad = broken(bad, "government_led_relocations_in", "cnyx", 2030,
                     float(relocated["value"].iloc[0]) - float(moved["value"].iloc[0]) + 1.0)
        bad = broken(bad, "government_led_relocations_out", "cnyx", 2030,
                     float(relocated["value"].iloc[0]) - float(moved["value"].iloc[0]) + 1.0)
    with pytest.raises(AccountingError, match=r"government-led relocations in <= all relocations in for region luzhou"):
        check_accounting(bad)


def test_check_run_checks_capital_accumulation_and_names_the_unit(run_result):
    totals = unit_level_arrays(run_result)
    capital = totals["capital_stock"].copy()
    capital[4, 0] += 2.0  # the first unit, fifth year
    with pytest.raises(AccountingError) as info:
        check_run(run_result, {**totals, "capital_stock": capital})
    message = str(info.value)
    assert message.startswith("accounting identity failed: capital = (1 − δ) capital last year")
    assert f"for region {run_result.geography.cities.codes[0]}, year {run_result.years[4]}" in message
