"""Python API for notebooks and scripts: run a scenario file, load a results folder.

>>> import cnyx_sim
>>> out = cnyx_sim.run("scenarios/baseline.yaml", runs=2)      # doctest: +SKIP
>>> out.trajectories.query("region == 'cnyx' and variable == 'gdp_nominal'")   # doctest: +SKIP
>>> tables = cnyx_sim.load("results/baseline")                   # doctest: +SKIP
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from cnyx_sim.io import results as results_io
from cnyx_sim.io.manifest import build_manifest
from cnyx_sim.runner import RunResult, run_one
from cnyx_sim.scenario.load import LoadedScenario, prepare
from cnyx_sim.targets import score_run


@dataclass
class ScenarioOutput:
    """Everything a ``run`` produced: tables in the output contract plus the manifest."""

    loaded: LoadedScenario
    trajectories: pd.DataFrame
    targets: pd.DataFrame
    manifest: dict[str, Any]
    results: list[RunResult]
    out_dir: Path | None = None


def run(
    scenario_path: str | Path,
    runs: int | None = None,
    seed: int | None = None,
    out: str | Path | None = None,
    write: bool = True,
) -> ScenarioOutput:
    """Run a scenario file (``runs``/``seed`` override the file) and, if ``write``, write its folder.

    The default folder is ``results/<scenario name>/`` under the current directory.
    Raises :class:`cnyx_sim.scenario.errors.ScenarioError` for bad input (nothing is written then).
    """
    started = time.perf_counter()
    overrides: dict[str, Any] = {}
    if runs is not None:
        overrides["runs"] = runs
    if seed is not None:
        overrides["seed"] = seed
    loaded, calibration, params = prepare(scenario_path, overrides)
    scenario = loaded.scenario
    loaded_at = time.perf_counter()

    results, trajectory_parts, target_parts = [], [], []
    for r in range(scenario.runs):
        result = run_one(scenario.name, calibration.base, params, scenario.seed, r)
        traj = results_io.trajectories_frame(result)
        results.append(result)
        trajectory_parts.append(traj)
        target_parts.append(score_run(traj, scenario.targets, params.macro.national_real_growth,
                                      params.start_year, params.end_year))
    trajectories = pd.concat(trajectory_parts, ignore_index=True)
    targets = pd.concat(target_parts, ignore_index=True)
    ran_at = time.perf_counter()

    manifest = build_manifest(
        scenario_name=scenario.name,
        scenario_file=str(loaded.path),
        scenario_files=loaded.doc.files,
        resolved=loaded.resolved,
        content_hash=loaded.content_hash,
        seed=scenario.seed,
        runs=list(range(scenario.runs)),
        calibration_dir=calibration.directory,
        timings={"load": loaded_at - started, "simulate": ran_at - loaded_at,
                 "per_run_median": float(pd.Series([r.seconds for r in results]).median())},
    )
    output = ScenarioOutput(loaded, trajectories, targets, manifest, results)
    if write:
        out_dir = Path(out) if out is not None else Path("results") / scenario.name
        written_at = time.perf_counter()
        manifest["timings_seconds"]["write"] = 0.0  # filled below; the manifest is the last file written

        def write_manifest(path: Path) -> None:
            manifest["timings_seconds"]["write"] = time.perf_counter() - written_at
            results_io.write_json(manifest, path)

        results_io.write_run_directory(out_dir, {
            "trajectories.parquet": lambda p: results_io.write_parquet(trajectories, p),
            "targets.csv": lambda p: results_io.write_csv(targets, p),
            "manifest.json": write_manifest,
        })
        output.out_dir = out_dir
    return output


def load(path: str | Path) -> dict[str, Any]:
    """Load a run directory written by ``cnyx-sim run``: DataFrames by file stem plus ``manifest``."""
    return results_io.read_run_directory(path)
