"""Python API for notebooks and scripts: run a scenario file, load a results folder.

>>> import cnyx_sim
>>> out = cnyx_sim.run("scenarios/baseline.yaml", runs=2)      # doctest: +SKIP
>>> out.trajectories.query("region == 'cnyx' and variable == 'gdp_nominal'")   # doctest: +SKIP
>>> tables = cnyx_sim.load("results/baseline")                   # doctest: +SKIP
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from cnyx_sim.io import results as results_io
from cnyx_sim.io.manifest import build_manifest
from cnyx_sim.limits import DEFAULT_LIMITS, Limits
from cnyx_sim.numerics import numerical_guard
from cnyx_sim.pipeline import OUTPUT_FILES, PreparedScenario, prepare_scenario, tables_from_result
from cnyx_sim.runner import run_one
from cnyx_sim.scenario.load import check_runs_in_memory


@dataclass
class ScenarioOutput:
    """Everything a ``run`` produced: tables in the output contract plus the manifest."""

    prepared: PreparedScenario
    tables: dict[str, pd.DataFrame]
    manifest: dict[str, Any]
    run_seconds: list[float] = field(default_factory=list)
    out_dir: Path | None = None

    @property
    def loaded(self):
        return self.prepared.loaded

    @property
    def trajectories(self) -> pd.DataFrame:
        return self.tables["trajectories"]

    @property
    def targets(self) -> pd.DataFrame:
        return self.tables["targets"]


def _writer(name: str, frame: pd.DataFrame):
    if OUTPUT_FILES[name].endswith(".csv"):
        return lambda p: results_io.write_csv(frame, p)
    return lambda p: results_io.write_parquet(frame, p)


def run(
    scenario_path: str | Path,
    runs: int | None = None,
    seed: int | None = None,
    out: str | Path | None = None,
    write: bool = True,
    limits: Limits = DEFAULT_LIMITS,
) -> ScenarioOutput:
    """Run a scenario file (``runs``/``seed`` override the file) and, if ``write``, write its folder.

    The default folder is ``results/<scenario name>/`` under the current directory. Raises
    :class:`cnyx_sim.errors.InputError` (e.g. ``ScenarioError``) for bad input (nothing is written then).
    ``limits``: resource limits (``cnyx_sim.limits.Limits.lifted()`` lifts them).
    """
    started = time.perf_counter()
    overrides: dict[str, Any] = {}
    if runs is not None:
        overrides["runs"] = runs
    if seed is not None:
        overrides["seed"] = seed
    prepared = prepare_scenario(scenario_path, overrides, limits=limits)
    check_runs_in_memory(prepared.loaded, limits)
    loaded_at = time.perf_counter()

    parts: dict[str, list[pd.DataFrame]] = {}
    seconds = []
    for r in range(prepared.runs):
        with numerical_guard(prepared.loaded):
            result = run_one(prepared.name, prepared.calibration.base, prepared.params, prepared.seed, r)
        seconds.append(result.seconds)
        for name, frame in tables_from_result(prepared, result).items():
            parts.setdefault(name, []).append(frame)
    tables = {name: pd.concat(frames, ignore_index=True) for name, frames in parts.items()}
    ran_at = time.perf_counter()

    loaded = prepared.loaded
    manifest = build_manifest(
        scenario_name=prepared.name,
        scenario_file=str(loaded.path),
        scenario_files=loaded.doc.files,
        resolved=loaded.resolved,
        content_hash=loaded.content_hash,
        seed=prepared.seed,
        runs=list(range(prepared.runs)),
        calibration_dir=prepared.calibration.directory,
        timings={"load": loaded_at - started, "simulate_and_tabulate": ran_at - loaded_at,
                 "per_run_median": float(pd.Series(seconds).median())},
    )
    output = ScenarioOutput(prepared, tables, manifest, seconds)
    if write:
        out_dir = Path(out) if out is not None else Path("results") / prepared.name
        writing_started = time.perf_counter()

        def write_manifest(path: Path) -> None:
            # The manifest is written last, so its write timing covers the data files.
            manifest["timings_seconds"]["write"] = time.perf_counter() - writing_started
            results_io.write_json(manifest, path)

        files = {OUTPUT_FILES[name]: _writer(name, frame) for name, frame in tables.items()}
        files["manifest.json"] = write_manifest
        results_io.write_run_directory(out_dir, files)
        output.out_dir = out_dir
    return output


def load(path: str | Path) -> dict[str, Any]:
    """Load a run directory (``cnyx-sim run``) or a batch folder (``cnyx-sim batch``).

    Returns DataFrames in the output contract by table name (``trajectories``, ``targets``, ...) plus
    ``manifest``; a batch folder also gives ``failures`` (scenario, run, error of failed runs).
    """
    from cnyx_sim.batch.store import is_batch_dir, read_batch_directory

    if is_batch_dir(path):
        return read_batch_directory(path)
    return results_io.read_run_directory(path)


def run_batch(
    scenarios: str | Path | list[str | Path],
    runs: int | None = None,
    out: str | Path | None = None,
    workers: int = 1,
    executor: str = "process",
    scheduler: str | None = None,
    resume: bool = False,
    force: bool = False,
    chunk_size: int | None = None,
    sweep: str | Path | None = None,
    seed: int | None = None,
    progress: bool = False,
    cluster_kwargs: dict[str, Any] | None = None,
    limits: Limits = DEFAULT_LIMITS,
):
    """Run scenario files (x sweep samples) x runs into a batch folder; see :mod:`cnyx_sim.batch.engine`.

    ``out`` defaults to ``results/batch``. With ``workers > 1`` (process executor) call it under
    ``if __name__ == "__main__":`` in scripts (workers are spawned). Returns a ``BatchSummary``; read the
    results with :func:`load`. Raises ``ScenarioError`` or ``BatchError`` for bad input (nothing written).
    """
    from cnyx_sim.batch.engine import run_batch as _run_batch

    return _run_batch(scenarios, runs=runs, out=out, workers=workers, executor=executor, scheduler=scheduler,
                      resume=resume, force=force, chunk_size=chunk_size, sweep=sweep, seed=seed,
                      progress=progress, cluster_kwargs=cluster_kwargs, limits=limits)


def to_iamc(trajectories: pd.DataFrame, statistic: str | None = "median") -> pd.DataFrame:
    """Trajectories -> IAMC format (``model, scenario, region, variable, unit, year, value``) for pyam."""
    from cnyx_sim.batch.iamc import to_iamc as _to_iamc

    return _to_iamc(trajectories, statistic)
