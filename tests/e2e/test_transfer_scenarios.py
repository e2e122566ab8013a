"""The transfer scenarios end to end: arrivals, hosts, parks, the projects table and bad park input."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cnyx_sim.api import run
from cnyx_sim.io.results import PROJECT_COLUMNS

UNITS = {"zigong", "luzhou", "neijiang", "yibin", "jiangjin", "yongchuan", "qijiang", "dazu", "tongliang", "rongchang"}


@pytest.fixture(scope="module")
def outputs(repo_root):
    return {name: run(repo_root / "scenarios" / f"{name}.yaml", write=False)
            for name in ("baseline", "transfer_surge", "no_parks")}


def test_baseline_shows_arrivals_from_every_origin_and_hosts_are_units_or_outside(outputs):
    projects = outputs["baseline"].tables["projects"]
    assert list(projects.columns[: len(PROJECT_COLUMNS)]) == PROJECT_COLUMNS
    arrivals = projects[projects["relocated_from"].isna()]
    assert set(arrivals["origin"]) == {"chengdu", "chongqing_core", "east_coast", "abroad"}
    assert set(projects["host_region"]) <= UNITS | {"outside"}
    assert "outside" in set(projects["host_region"])
    assert (projects["park"] != "none").any()
    assert set(projects.loc[projects["host_region"] == "outside", "stage_final"]) == {"outside"}


def test_no_parks_scenario_has_no_park_projects(outputs):
    assert set(outputs["no_parks"].tables["projects"]["park"]) == {"none"}


def test_stronger_push_brings_more_projects_than_the_baseline(outputs):
    base = len(outputs["baseline"].tables["projects"])
    surge = len(outputs["transfer_surge"].tables["projects"])
    assert surge > base


def test_trajectories_hold_the_project_variables_for_units_and_region(outputs):
    traj = outputs["baseline"].trajectories
    for variable in ("projects_arrived", "project_investment", "project_va_nominal"):
        rows = traj[(traj["variable"] == variable) & (traj["year"] == 2030)]
        region = float(rows.loc[rows["region"] == "cnyx", "value"].iloc[0])
        assert region == pytest.approx(rows.loc[rows["region"] != "cnyx", "value"].sum())
        assert region > 0


def test_summary_explains_each_years_arrivals(outputs):
    from cnyx_sim.cli import format_summary

    text = format_summary(outputs["baseline"])
    assert "Industrial transfer" in text and "2030:" in text and "outside" in text and "top hosts" in text


@pytest.mark.parametrize("override, fragment", [
    ("parks:\n  - {id: bad, host: chengdu, partners: [zigong], target_sectors: [equipment]}\n", "parks[0].host"),
    ("parks:\n  - {id: bad, host: zigong, partners: [shanghai], target_sectors: [equipment]}\n", "parks[0].partners[0]"),
    ("parks:\n  - {id: bad, host: zigong, partners: [qijiang], target_sectors: [steel]}\n", "parks[0].target_sectors[0]"),
    ("transfer:\n  transfer_sectors: [steel]\n", "transfer.transfer_sectors"),
    ("incentives:\n  regime_date: 2024-13-45\n", "incentives.regime_date"),
])
def test_bad_transfer_input_gives_a_one_line_located_error_and_exit_2(tmp_path, repo_root, override, fragment):
    scenario = tmp_path / "bad.yaml"
    scenario.write_text(f"extends: {repo_root / 'scenarios' / 'baseline.yaml'}\nname: bad\n{override}",
                        encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "cnyx_sim.cli", "run", str(scenario), "--out", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0] and "bad.yaml" in lines[0]
    assert not out.exists()
