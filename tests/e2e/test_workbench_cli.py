"""The economist's entry points: the API's mapping, bundled scenarios by name, --version, python -m cnyx_sim,
scenarios, init, --set, and a run summary that reads well (Chinese unit names, percentages, <= 100 columns)."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pandas as pd
import pytest

import cnyx_sim
from cnyx_sim import __version__, cli
from cnyx_sim.summary import MAX_WIDTH, display_width


def _main(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        code = cli.main(argv)
    except SystemExit as exc:  # argparse's --version / errors
        code = exc.code
    finally:
        sys.stdout, sys.stderr = saved
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def short_run():
    return cnyx_sim.run("baseline", runs=3, write=False, overrides={"years.end": 2035})


def test_run_returns_a_mapping_like_load(short_run, tmp_path):
    assert isinstance(short_run["trajectories"], pd.DataFrame)
    assert short_run["trajectories"] is short_run.trajectories
    assert short_run["projects"] is short_run.projects
    assert short_run["manifest"]["scenario"] == "baseline"
    written = cnyx_sim.run("baseline", runs=1, out=tmp_path / "b", overrides={"years.end": 2023})
    loaded = cnyx_sim.load(tmp_path / "b")
    assert set(written) == set(loaded)                     # the same keys as a loaded folder
    pd.testing.assert_frame_equal(written["trajectories"], loaded["trajectories"])


def test_version_flag_and_python_dash_m(tmp_path):
    code, out, _ = _main(["--version"])
    assert code == 0 and out.startswith(f"cnyx-sim {__version__}")
    proc = subprocess.run([sys.executable, "-m", "cnyx_sim", "--version"], capture_output=True, text=True,
                          cwd=tmp_path)
    assert proc.returncode == 0 and __version__ in proc.stdout


def test_scenarios_verb_lists_every_bundled_scenario_with_its_description(repo_root):
    code, out, _ = _main(["scenarios"])
    assert code == 0
    for path in (repo_root / "scenarios").glob("*.yaml"):
        assert f"  {path.stem}\n" in out
    assert "growth_uncertainty" in out
    assert max(display_width(line) for line in out.splitlines() if not line.startswith("Bundled scenarios (")) <= 100


def test_run_by_bundled_name_from_another_folder_with_set_overrides(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = _main(["run", "baseline", "--set", "years.end=2025", "--set", "macro.deflator_growth=0.02",
                            "--set", "macro.deflator_shock_sd=0"])  # no price shock: the path is exact
    assert code == 0, err
    assert (tmp_path / "results" / "baseline" / "trajectories.parquet").is_file()
    traj = pd.read_parquet(tmp_path / "results" / "baseline" / "trajectories.parquet")
    assert traj["year"].max() == 2025
    price = traj.query("region == 'cnyx' and variable == 'price_index' and year == 2025")["value"].iloc[0]
    assert price == pytest.approx(1.02 ** 4)


@pytest.mark.parametrize("argv, fragment", [
    (["run", "basline"], "not a bundled scenario"),
    (["run", "baseline", "--set", "years.end"], "expected KEY=VALUE"),
    (["run", "baseline", "--set", "production.tfp_long_run_growth=9"], "override production.tfp_long_run_growth"),
])
def test_bad_names_and_overrides_exit_2_with_one_line(tmp_path, monkeypatch, argv, fragment):
    monkeypatch.chdir(tmp_path)
    code, _, err = _main(argv)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and fragment in err
    assert not (tmp_path / "results").exists()


def test_init_then_run_the_copy(tmp_path):
    code, out, _ = _main(["init", str(tmp_path / "w")])
    assert code == 0 and "baseline.yaml" in out
    code, _, err = _main(["init", str(tmp_path / "w")])
    assert code == 2 and "not empty" in err
    code, _, err = _main(["run", str(tmp_path / "w" / "scenarios" / "transfer_surge.yaml"), "--set", "years.end=2024",
                          "--out", str(tmp_path / "r")])
    assert code == 0, err


def test_summary_has_chinese_unit_names_percentages_units_and_no_line_over_100_columns(short_run, repo_root):
    text = cli.format_summary(short_run)
    lines = text.splitlines()
    too_wide = [line for line in lines if display_width(line) > MAX_WIDTH]
    assert not too_wide, too_wide
    names = pd.read_csv(repo_root / "calibration" / "regions.csv")["name_zh"]
    for name in names:
        assert name in text, name
    assert re.search(r"MISSED 0/3  industry_va_real_growth_2021_2025 \(2025\): [+-]\d+\.\d%/yr vs at least "
                     r"\+10\.0%/yr", text)
    assert re.search(r"population_attraction_2035 \(2035\): \d+\.\d% of 2021", text)
    assert "亿元" in text and "万人" in text
    assert "0.07" not in text  # no raw fractions for rates


def test_display_width_counts_wide_characters_twice():
    assert display_width("宜宾市 12") == 9
