"""``cnyx-sim run`` and ``cnyx-sim validate`` end to end: exit codes, summary, the three output files.

The CLI is called in process (``cli.main``) for speed; one subprocess call proves the installed entry point.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from cnyx_sim import __version__, cli

TRAJECTORY_COLUMNS = ["scenario", "run", "region", "sector", "variable", "unit", "year", "value"]
TARGET_COLUMNS = ["scenario", "run", "target", "year", "value", "threshold", "met"]
UNITS = ("zigong", "luzhou", "neijiang", "yibin", "jiangjin", "yongchuan", "qijiang", "dazu", "tongliang",
         "rongchang")
REGIONS = UNITS + ("cnyx",)
YEARS = list(range(2021, 2036))
REQUIRED_TOTAL_VARIABLES = {
    "gdp_nominal": "亿元 (current prices)",
    "gdp_real": "亿元 (2021 prices)",
    "population": "万人",
    "employment": "万人",
    "industry_va_real": "亿元 (2021 prices)",
}
REQUIRED_TARGETS = ("gdp_nominal_2025", "industry_va_real_growth_2021_2025")


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory, baseline_path):
    """``cnyx-sim run baseline.yaml --out DIR --runs 2 --seed 5``: (exit code, stdout, out dir)."""
    out = tmp_path_factory.mktemp("cli") / "out"
    capture = pytest.MonkeyPatch()  # capsys is function-scoped; this fixture runs the CLI once per module
    buffer = io.StringIO()
    capture.setattr(sys, "stdout", buffer)
    try:
        code = cli.main(["run", str(baseline_path), "--out", str(out), "--runs", "2", "--seed", "5"])
    finally:
        capture.undo()
    return code, buffer.getvalue(), out


@pytest.fixture(scope="module")
def trajectories(two_runs) -> pd.DataFrame:
    return pd.read_parquet(two_runs[2] / "trajectories.parquet")


@pytest.fixture(scope="module")
def sector_codes(repo_root) -> list[str]:
    return pd.read_csv(repo_root / "calibration" / "sectors.csv")["code"].astype(str).tolist()


def test_run_exits_zero_and_writes_the_three_files(two_runs):
    code, _, out = two_runs
    assert code == 0
    for name in ("trajectories.parquet", "targets.csv", "manifest.json"):
        assert (out / name).is_file(), name
    # atomic writing leaves no temporary files behind
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_summary_prints_gdp_for_2021_2025_2030_2035_and_target_lines(two_runs, trajectories):
    _, stdout, _ = two_runs
    lines = stdout.splitlines()
    header = next(line for line in lines if re.fullmatch(r"\s*(\d{4}\s+)+\d{4}\s*", line))
    assert [int(y) for y in header.split()] == [2021, 2025, 2030, 2035]
    gdp_line = next(line for line in lines if "GDP" in line and "current prices" in line)
    gdp = trajectories[(trajectories["region"] == "cnyx") & (trajectories["variable"] == "gdp_nominal")]
    for year in (2021, 2025, 2030, 2035):
        median = gdp.loc[gdp["year"] == year, "value"].median()
        assert f"{median:,.0f}" in gdp_line, year
    for target in REQUIRED_TARGETS:
        target_line = next(line for line in lines if target in line)
        assert re.search(r"\b(MET|MISSED|MIXED)\b", target_line)


def test_trajectories_follow_the_output_contract(trajectories, sector_codes):
    assert list(trajectories.columns) == TRAJECTORY_COLUMNS
    assert set(trajectories["scenario"]) == {"baseline"}
    assert sorted(trajectories["run"].unique()) == [0, 1]
    assert pd.api.types.is_integer_dtype(trajectories["year"])
    assert pd.api.types.is_float_dtype(trajectories["value"])
    for variable, unit in REQUIRED_TOTAL_VARIABLES.items():
        rows = trajectories[(trajectories["variable"] == variable) & (trajectories["sector"] == "total")]
        assert set(rows["unit"]) == {unit}, variable
        for run in (0, 1):
            got = rows[rows["run"] == run]
            keys = set(zip(got["region"], got["year"]))
            assert keys == {(r, y) for r in REGIONS for y in YEARS}, variable
            assert len(got) == len(REGIONS) * len(YEARS), f"{variable}: duplicate rows"
    va = trajectories[trajectories["variable"] == "va_real"]
    assert set(va["unit"]) == {"亿元 (2021 prices)"}
    assert set(va["sector"]) == set(sector_codes)
    assert len(va) == 2 * len(REGIONS) * len(YEARS) * len(sector_codes)
    assert trajectories["value"].notna().all()


def test_targets_csv_follows_the_output_contract(two_runs):
    targets = pd.read_csv(two_runs[2] / "targets.csv")
    assert list(targets.columns) == TARGET_COLUMNS
    assert set(targets["scenario"]) == {"baseline"}
    for run in (0, 1):
        assert set(REQUIRED_TARGETS) <= set(targets.loc[targets["run"] == run, "target"])
    assert set(targets["met"].astype(str)) <= {"True", "False"}


def test_manifest_records_scenario_hash_seeds_version_commit_and_timings(two_runs):
    manifest = json.loads((two_runs[2] / "manifest.json").read_text(encoding="utf-8"))
    resolved = manifest["resolved_scenario"]
    assert resolved["name"] == "baseline"
    assert resolved["runs"] == 2 and resolved["seed"] == 5  # the CLI overrides are what ran
    assert re.fullmatch(r"[0-9a-f]{64}", manifest["scenario_hash"])
    assert manifest["seed"] == 5
    assert manifest["runs"] == [0, 1]
    assert manifest["package_version"] == __version__
    assert "git_commit" in manifest
    assert manifest["git_commit"] is None or re.fullmatch(r"[0-9a-f]{40}(-dirty)?", manifest["git_commit"])
    timings = manifest["timings_seconds"]
    assert timings and all(value >= 0 for value in timings.values())


def test_seed_and_runs_overrides_change_the_manifest_hash(tmp_path, baseline_path, two_runs, capsys):
    code = cli.main(["run", str(baseline_path), "--out", str(tmp_path / "one"), "--runs", "1", "--seed", "6"])
    capsys.readouterr()
    assert code == 0
    manifest = json.loads((tmp_path / "one" / "manifest.json").read_text(encoding="utf-8"))
    first = json.loads((two_runs[2] / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["resolved_scenario"]["seed"] == 6 and manifest["runs"] == [0]
    assert manifest["scenario_hash"] != first["scenario_hash"]
    traj = pd.read_parquet(tmp_path / "one" / "trajectories.parquet")
    assert set(traj["run"]) == {0}


def test_same_seed_gives_identical_parquet_content_across_invocations(tmp_path, baseline_path, trajectories,
                                                                       capsys):
    code = cli.main(["run", str(baseline_path), "--out", str(tmp_path / "again"), "--runs", "2", "--seed", "5"])
    capsys.readouterr()
    assert code == 0
    again = pd.read_parquet(tmp_path / "again" / "trajectories.parquet")
    pd.testing.assert_frame_equal(again, trajectories, check_exact=True)


def test_other_seed_gives_different_trajectories(tmp_path, baseline_path, trajectories, capsys):
    assert cli.main(["run", str(baseline_path), "--out", str(tmp_path / "other"), "--runs", "1",
                     "--seed", "6"]) == 0
    capsys.readouterr()
    other = pd.read_parquet(tmp_path / "other" / "trajectories.parquet")
    mask = lambda f: (f["region"] == "cnyx") & (f["variable"] == "gdp_real") & (f["year"] == 2035) & (f["run"] == 0)
    assert other.loc[mask(other), "value"].item() != trajectories.loc[mask(trajectories), "value"].item()


def test_default_output_folder_is_results_scenario_name_under_the_current_directory(tmp_path, baseline_path,
                                                                                    monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["run", str(baseline_path), "--runs", "1"]) == 0
    assert "results/baseline" in capsys.readouterr().out
    folder = tmp_path / "results" / "baseline"
    assert {p.name for p in folder.iterdir()} >= {"trajectories.parquet", "targets.csv", "manifest.json"}


def test_rerun_replaces_an_existing_output_folder(tmp_path, baseline_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["run", str(baseline_path), "--out", str(out), "--runs", "1", "--seed", "1"]) == 0
    (out / "stale.txt").write_text("old", encoding="utf-8")  # inside a previous run's results folder
    assert cli.main(["run", str(baseline_path), "--out", str(out), "--runs", "1", "--seed", "2"]) == 0
    capsys.readouterr()
    assert (out / "trajectories.parquet").is_file() and not (out / "stale.txt").exists()
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["seed"] == 2


def test_validate_accepts_every_shipped_scenario(repo_root, capsys):
    files = sorted((repo_root / "scenarios").glob("*.yaml"))
    assert files, "no scenarios found"
    code = cli.main(["validate", *map(str, files)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.err == ""
    assert len([line for line in captured.out.splitlines() if line.startswith("ok:")]) == len(files)


def _console_command() -> list[str]:
    script = Path(sys.executable).with_name("cnyx-sim")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "cnyx_sim.cli"]


def test_installed_console_script_runs_the_baseline(tmp_path, baseline_path):
    out = tmp_path / "sub"
    completed = subprocess.run(
        [*_console_command(), "run", str(baseline_path), "--out", str(out), "--runs", "1", "--seed", "5"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    assert completed.returncode == 0, completed.stderr
    assert "GDP" in completed.stdout and "gdp_nominal_2025" in completed.stdout
    assert (out / "trajectories.parquet").is_file()
