"""``cnyx-sim calibrate`` end to end: reproduces the committed files, validates, refuses bad input."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
import yaml

from cnyx_sim import cli


def _copy_project_data(repo_root, tmp_path):
    shutil.copytree(repo_root / "calibration", tmp_path / "calibration")
    shutil.copytree(repo_root / "scenarios", tmp_path / "scenarios")
    return tmp_path / "calibration"


def _numbers(value, prefix=""):
    """Flatten a YAML document to {dotted key: number} (provenance strings and hashes compared apart)."""
    if isinstance(value, dict):
        out = {}
        for key, child in value.items():
            out.update(_numbers(child, f"{prefix}{key}."))
        return out
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {prefix[:-1]: float(value)}
    return {}


def test_calibrate_reproduces_the_committed_parameter_file_and_draws(repo_root, tmp_path, capsys):
    folder = _copy_project_data(repo_root, tmp_path)
    for name in ("fitted_2021.yaml", "fitted_2021_draws.csv", "fit_observations_2021.csv"):
        (folder / name).unlink()
    assert cli.main(["calibrate", "--no-validation", "--quiet", "--calibration-dir", str(folder)]) == 0
    assert "calibrated to data up to 2021" in capsys.readouterr().out
    committed = yaml.safe_load((repo_root / "calibration" / "fitted_2021.yaml").read_text(encoding="utf-8"))
    fresh = yaml.safe_load((folder / "fitted_2021.yaml").read_text(encoding="utf-8"))
    assert committed["calibration"]["provenance"]["input_sha256"] == fresh["calibration"]["provenance"]["input_sha256"]
    # The fitted values must agree; the optimiser's bookkeeping (evaluation counts, the cost's last digits)
    # may differ between numpy/scipy builds (Python 3.11 vs 3.12 here) and is compared apart.
    for document in (committed, fresh):
        document["calibration"]["provenance"].pop("optimiser")
    a, b = _numbers(committed), _numbers(fresh)
    assert a.keys() == b.keys()
    for key in a:
        assert b[key] == pytest.approx(a[key], rel=1e-4, abs=1e-5), key
    assert fresh["calibration"]["provenance"]["parameters_at_bounds"] == \
        committed["calibration"]["provenance"]["parameters_at_bounds"]
    draws_committed = pd.read_csv(repo_root / "calibration" / "fitted_2021_draws.csv")
    draws_fresh = pd.read_csv(folder / "fitted_2021_draws.csv")
    # the draws go through the covariance of the Jacobian at the optimum, which differs in the 6th decimal
    # between scipy builds: 1e-5 is a thousandth of a point of TFP growth, or 0.001 % of a ratio
    pd.testing.assert_frame_equal(draws_committed, draws_fresh, rtol=1e-4, atol=1e-5)


def test_calibrate_with_validation_writes_the_report_sections(repo_root, tmp_path, capsys):
    folder = _copy_project_data(repo_root, tmp_path)
    priors = (folder / "priors.yaml").read_text(encoding="utf-8")
    priors = priors.replace("posterior_draws: {value: 200", "posterior_draws: {value: 12")
    priors = priors.replace("validation_runs: {value: 200", "validation_runs: {value: 12")
    priors = priors.replace("forward_baseline_runs: {value: 50", "forward_baseline_runs: {value: 2")
    (folder / "priors.yaml").write_text(priors, encoding="utf-8")
    assert cli.main(["calibrate", "--quiet", "--calibration-dir", str(folder)]) == 0
    report = (folder / "report.md").read_text(encoding="utf-8")
    for heading in ("## In plain words", "## Information set", "## Data quality", "## Fitted parameters",
                    "## Fitted vs observed", "## Shocks", "## Macro paths beyond the cutoff",
                    "## The industry target like for like", "## Backcast (in sample)",
                    "## Pseudo out-of-sample forecast: fitted to 2018, forecasting 2019-2021",
                    "## Forward: 2022-2025", "## Caveats"):
        assert heading in report, heading
    assert "| all years |" in report and "trend RMSE" in report
    assert len(pd.read_csv(folder / "fitted_2021_draws.csv")) == 12
    assert "wrote" in capsys.readouterr().out


def test_calibrate_a_different_cutoff_needs_no_code_change(repo_root, tmp_path):
    folder = _copy_project_data(repo_root, tmp_path)
    assert cli.main(["calibrate", "--no-validation", "--quiet", "--cutoff", "2018", "--calibration-dir",
                     str(folder)]) == 0
    fitted = yaml.safe_load((folder / "fitted_2018.yaml").read_text(encoding="utf-8"))
    assert fitted["calibration"]["cutoff"] == 2018
    assert min(fitted["macro"]["national_real_growth"]) == 2019
    observations = pd.read_csv(folder / "fit_observations_2018.csv")
    assert observations["year"].max() <= 2018


def test_calibrate_with_a_bad_priors_file_exits_2_with_one_line_and_writes_nothing(repo_root, tmp_path, capsys):
    folder = _copy_project_data(repo_root, tmp_path)
    text = (folder / "priors.yaml").read_text(encoding="utf-8")
    (folder / "priors.yaml").write_text(text.replace("unit_effect_sd: {value: 0.015", "unit_effect_sd: {value: -1"),
                                        encoding="utf-8")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert cli.main(["calibrate", "--quiet", "--calibration-dir", str(folder)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "priors.yaml: unit_effect_sd: expected a positive number" in err[0]
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_fitted_values_in_the_committed_file_are_finite_and_plausible(repo_root):
    fitted = yaml.safe_load((repo_root / "calibration" / "fitted_2021.yaml").read_text(encoding="utf-8"))
    tfp = np.array([list(v.values()) for v in fitted["production"]["tfp_initial_growth"].values()])
    assert np.isfinite(tfp).all() and (tfp > -0.05).all() and (tfp < 0.10).all()
    ratios = np.array([list(v.values()) for v in fitted["capital"]["capital_output_ratio"].values()])
    assert (ratios > 0.5).all() and (ratios < 6).all()
    assert fitted["calibration"]["provenance"]["parameters_at_bounds"] == []
