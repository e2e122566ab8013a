"""The three scenarios of the plan's other levers end to end (issue 10): they validate, run from the CLI,
write the new variables for every region and year, keep the accounting identities (ecological compensation
conserved), and move what each lever should move against the baseline of the same seed and run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cnyx_sim
from cnyx_sim.checks import check_accounting
from cnyx_sim.pipeline import prepare_scenario, run_tables

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
LEVERS = ("public_service_integration", "green_priority", "open_corridors")
NEW_VARIABLES = ("market_access_index", "energy_use", "co2_emissions", "eco_compensation_paid",
                 "eco_compensation_received", "migration_in", "migration_out", "migration_in_external",
                 "migration_out_external")


@pytest.fixture(scope="module")
def tables() -> dict[str, dict[str, pd.DataFrame]]:
    return {name: run_tables(prepare_scenario(SCENARIOS / f"{name}.yaml"), 0) for name in ("baseline",) + LEVERS}


def region(traj: pd.DataFrame, variable: str, name: str = "cnyx") -> pd.Series:
    rows = traj[(traj["variable"] == variable) & (traj["region"] == name)]
    return rows.set_index("year")["value"]


def test_the_three_scenarios_validate_from_the_cli():
    paths = [str(SCENARIOS / f"{name}.yaml") for name in LEVERS]
    done = subprocess.run([sys.executable, "-m", "cnyx_sim.cli", "validate", *paths], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert all(f"scenario '{name}'" in done.stdout for name in LEVERS)


def test_a_lever_scenario_runs_from_the_cli_and_its_folder_reads_back(tmp_path):
    out = tmp_path / "green"
    done = subprocess.run([sys.executable, "-m", "cnyx_sim.cli", "run", str(SCENARIOS / "green_priority.yaml"),
                           "--out", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    loaded = cnyx_sim.load(out)
    check_accounting(loaded)
    assert set(NEW_VARIABLES) <= set(loaded["trajectories"]["variable"])


@pytest.mark.parametrize("name", ("baseline",) + LEVERS)
def test_new_variables_cover_every_region_and_year_and_the_identities_hold(tables, name):
    traj = tables[name]["trajectories"]
    check_accounting(tables[name])
    for variable in NEW_VARIABLES:
        rows = traj[traj["variable"] == variable]
        assert len(rows) == 11 * 15 and rows["value"].notna().all(), variable
    np.testing.assert_allclose(region(traj, "eco_compensation_paid"), region(traj, "eco_compensation_received"))
    net = region(traj, "migration_in") - region(traj, "migration_out")
    np.testing.assert_allclose(net, region(traj, "net_migration"), atol=1e-9)


def test_public_service_integration_keeps_more_people_from_2024_only(tables):
    base, lever = tables["baseline"]["trajectories"], tables["public_service_integration"]["trajectories"]
    pop_base, pop_lever = region(base, "population"), region(lever, "population")
    assert (pop_lever.loc[:2023] == pop_base.loc[:2023]).all()
    assert pop_lever.loc[2035] > pop_base.loc[2035]
    assert region(lever, "migration_out_external").loc[2024] < region(base, "migration_out_external").loc[2024]


def test_green_priority_compensates_more_boundaries_from_2024(tables):
    base, lever = tables["baseline"]["trajectories"], tables["green_priority"]["trajectories"]
    assert region(lever, "eco_compensation_paid").loc[2023] == pytest.approx(region(base, "eco_compensation_paid")
                                                                             .loc[2023])
    assert region(lever, "eco_compensation_paid").loc[2024] > region(base, "eco_compensation_paid").loc[2024]
    assert region(lever, "eco_compensation_received", "luzhou").loc[2024:].sum() > 0


def test_open_corridors_raise_market_access_of_the_served_units_only(tables):
    base, lever = tables["baseline"]["trajectories"], tables["open_corridors"]["trajectories"]
    luzhou = region(lever, "market_access_index", "luzhou") / region(base, "market_access_index", "luzhou")
    assert (luzhou.loc[:2024] == 1.0).all() and luzhou.loc[2027] > 1.0
    tongliang = region(lever, "market_access_index", "tongliang") / region(base, "market_access_index", "tongliang")
    np.testing.assert_allclose(tongliang, 1.0)
