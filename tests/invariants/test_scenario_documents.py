"""The issue-12 property: every scenario document -- valid or broken -- either validates and runs to finite,
non-negative stocks, or exits 2 with one located line and writes nothing.

Documents come from ``tests/support/yaml_strategies.py``: real parameter paths of the schema with values
inside or outside their ranges, per-sector maps, year paths with int or string keys, NaN/inf/1e308, YAML 1.1
quirks, anchors and merge keys, unknown keys. Each one runs through the CLI (``cnyx-sim run``) in process,
with a short horizon so that the valid ones run fast.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from yaml_strategies import Codes, scenario_documents, valid_scenario_documents

from cnyx_sim import cli
from cnyx_sim.io.calibration import load_calibration

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.yaml"
_GEO = load_calibration().base.geography
CODES = Codes(tuple(_GEO.sectors.codes), tuple(_GEO.cities.codes), tuple(_GEO.provinces.codes))
#: Stocks that must stay non-negative (budget debt may turn into net assets, so it is not one).
STOCKS = ("population", "employment", "capital_stock", "public_capital", "gdp_real", "gdp_nominal", "va_real",
          "va_nominal", "sector_employment", "price_index")


def run_document(text: str) -> tuple[int, str, Path]:
    """``cnyx-sim run`` on ``text`` in a fresh folder: (exit code, stderr, folder)."""
    folder = Path(tempfile.mkdtemp(prefix="cnyx-prop-"))
    path = folder / "generated.yaml"
    path.write_text(text, encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        import contextlib
        import io

        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = cli.main(["run", str(path), "--out", str(folder / "out")])
    finally:
        os.chdir(cwd)
    return code, err.getvalue(), folder


@pytest.mark.slow
@settings(max_examples=45, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=scenario_documents(str(BASELINE), CODES))
def test_every_document_runs_to_finite_non_negative_stocks_or_exits_2_with_one_located_line(document):
    check_document(*document)


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=valid_scenario_documents(str(BASELINE), CODES))
def test_values_inside_their_ranges_run_the_whole_horizon_without_a_numerical_failure(document):
    # The search that found the bounds on K/Y, public-capital depreciation and the park-land share: any
    # combination of values inside the ranges must run (a refusal may only be a cross-field rule or a limit).
    text, label = document
    code, err, folder = check_document(text, label)
    assert "numerically" not in err, f"{label}: {err}"


def check_document(text: str, label: str) -> tuple[int, str, Path]:
    """Run ``text`` through ``cnyx-sim run`` and check the property; returns (exit code, stderr, folder)."""
    code, err, folder = run_document(text)
    try:
        if code == 0:
            traj = pd.read_parquet(folder / "out" / "trajectories.parquet")
            assert np.isfinite(traj["value"]).all(), f"non-finite output ({label})"
            stocks = traj[traj["variable"].isin(STOCKS)]
            assert (stocks["value"] >= 0).all(), f"negative stock ({label}): " + str(
                stocks[stocks["value"] < 0].head(3).to_dict("records"))
            assert not err.strip() or err.startswith("warning:"), f"{label}: {err}"
        else:
            assert code == 2, f"exit {code} ({label}): {err}\n{text}"
            lines = err.splitlines()
            assert len(lines) == 1 and lines[0].startswith("error: "), f"{label}: {err!r}"
            line = lines[0]
            # located: the generated file, a file it extends (the baseline, the fitted parameters) or a data
            # file that exists, with a line number where the problem has one
            located = re.match(r"error: (\S+?\.(?:yaml|csv))(?::\d+)?: ", line)
            assert located and Path(located.group(1)).is_file(), line
            assert len(line) <= len("error: ") + 200 + len(str(folder)), line
            assert "Traceback" not in err
            assert sorted(p.name for p in folder.iterdir()) == ["generated.yaml"], "something was written"
    finally:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    return code, err, folder
