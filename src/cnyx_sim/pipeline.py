"""From a scenario file to output tables: the one place that chains scenario -> runner -> outputs.

``run_tables`` is what every executor calls for one run (in process, process pool, Dask): it returns all
output tables of that run as DataFrames in the output contract. Mechanisms that add tables (projects,
sharing ledger) register them here, so single runs and batches write the same files.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cnyx_sim.checks import check_run
from cnyx_sim.core.params import ModelParams
from cnyx_sim.io import results as results_io
from cnyx_sim.io.calibration import Calibration
from cnyx_sim.limits import DEFAULT_LIMITS, Limits
from cnyx_sim.runner import RunResult, run_one
from cnyx_sim.scenario.load import LoadedScenario, prepare
from cnyx_sim.targets import score_region_series

#: table name -> file name in a run directory (parquet tables are also batch part folders).
OUTPUT_FILES: dict[str, str] = {
    "trajectories": "trajectories.parquet",
    "targets": "targets.csv",
    "projects": "projects.parquet",
    "sharing": "sharing.parquet",
}


@dataclass(frozen=True)
class PreparedScenario:
    """A validated scenario with its calibration data and resolved parameters (picklable)."""

    loaded: LoadedScenario
    calibration: Calibration
    params: ModelParams

    @property
    def name(self) -> str:
        return self.loaded.scenario.name

    @property
    def seed(self) -> int:
        return self.loaded.scenario.seed

    @property
    def runs(self) -> int:
        return self.loaded.scenario.runs


def prepare_scenario(path: str | Path, overrides: dict[str, Any] | None = None, *,
                     limits: Limits = DEFAULT_LIMITS) -> PreparedScenario:
    """Load and validate a scenario file (raises ``ScenarioError`` on bad input)."""
    loaded, calibration, params = prepare(path, overrides, limits=limits)
    return PreparedScenario(loaded, calibration, params)


def tables_from_result(prepared: PreparedScenario, result: RunResult) -> dict[str, pd.DataFrame]:
    """All output tables of a finished run, after checking its accounting identities (``checks``).

    The identities and the targets are computed on the arrays the tables are built from (the tables are a
    tested reshape of them), which keeps the per-run cost of a batch low.
    """
    totals = results_io.unit_level_arrays(result)
    check_run(result, totals)
    region = len(result.geography.cities)  # the region total is the last column of every total array
    series = _RegionSeries(totals, region, result.years)
    targets = score_region_series(series, result.scenario, result.run, prepared.loaded.scenario.targets,
                                  prepared.params.macro.national_real_growth, prepared.params.start_year,
                                  prepared.params.end_year)
    return {
        "trajectories": results_io.trajectories_frame(result, totals=totals),
        "targets": targets,
        "projects": results_io.projects_frame(result),
        "sharing": results_io.sharing_frame(result),
    }


class _RegionSeries(Mapping):
    """``variable -> Series`` of the region totals by year, each Series built when first asked for (the targets
    read a handful of the run's ~50 variables)."""

    def __init__(self, totals: dict[str, np.ndarray], region: int, years: np.ndarray) -> None:
        self._totals, self._region, self._years = totals, region, years
        self._built: dict[str, pd.Series] = {}

    def __getitem__(self, name: str) -> pd.Series:
        if name not in self._built:
            self._built[name] = pd.Series(self._totals[name][:, self._region], index=self._years)
        return self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._totals)

    def __len__(self) -> int:
        return len(self._totals)


def run_tables(prepared: PreparedScenario, run: int) -> dict[str, pd.DataFrame]:
    """Run ``run`` of a prepared scenario and return its output tables."""
    result = run_one(prepared.name, prepared.calibration.base, prepared.params, prepared.seed, run)
    return tables_from_result(prepared, result)
