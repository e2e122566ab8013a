"""Python API for notebooks, scripts and other tools: run a scenario, load a results folder.

>>> import cnyx_sim
>>> out = cnyx_sim.run("baseline", runs=2, write=False)                       # doctest: +SKIP
>>> out["trajectories"].query("region == 'cnyx' and variable == 'gdp_nominal'")  # doctest: +SKIP
>>> out = cnyx_sim.run("baseline", overrides={"production.tfp_long_run_growth": 0.015}, write=False)  # doctest: +SKIP
>>> tables = cnyx_sim.load("results/baseline")                                   # doctest: +SKIP
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from cnyx_sim.io import results as results_io
from cnyx_sim.io.manifest import build_manifest
from cnyx_sim.limits import DEFAULT_LIMITS, Limits
from cnyx_sim.numerics import numerical_guard
from cnyx_sim.pipeline import OUTPUT_FILES, PreparedScenario, tables_from_result
from cnyx_sim.runner import run_one
from cnyx_sim.scenario.load import check_runs_in_memory


@dataclass(eq=False)
class ScenarioOutput(Mapping):
    """Everything a ``run`` produced, readable like :func:`load`'s result.

    A mapping of table name -> DataFrame (``trajectories``, ``targets``, ``projects``, ``sharing``) plus
    ``manifest`` (a dict), so ``out["trajectories"]`` works as it does on a loaded folder; the tables are
    also attributes (``out.trajectories``). ``out.out_dir`` is the folder written (None with ``write=False``).
    """

    prepared: PreparedScenario
    tables: dict[str, pd.DataFrame]
    manifest: dict[str, Any]
    run_seconds: list[float] = field(default_factory=list)
    out_dir: Path | None = None

    # -- the mapping: tables + manifest, like load()
    def __getitem__(self, key: str):
        if key == "manifest":
            return self.manifest
        return self.tables[key]

    def __iter__(self) -> Iterator[str]:
        yield from self.tables
        yield "manifest"

    def __len__(self) -> int:
        return len(self.tables) + 1

    def __getattr__(self, name: str):
        # Only called when normal lookup fails: table names as attributes (projects, sharing, ...).
        tables = self.__dict__.get("tables")
        if tables is not None and name in tables:
            return tables[name]
        raise AttributeError(f"{type(self).__name__!r} has no attribute {name!r}")

    def __repr__(self) -> str:
        shapes = ", ".join(f"{k}: {len(v)} rows" for k, v in self.tables.items())
        return f"<ScenarioOutput {self.prepared.name!r}, {self.prepared.runs} run(s); {shapes}>"

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


def prepare(scenario: str | os.PathLike[str], runs: int | None = None, seed: int | None = None,
            overrides: Mapping[str, Any] | None = None, *, limits: Limits = DEFAULT_LIMITS) -> PreparedScenario:
    """Validate a scenario (file or bundled name) with ``runs``/``seed``/``overrides`` applied.

    Raises :class:`cnyx_sim.scenario.errors.ScenarioError` (one line) for bad input.
    """
    from cnyx_sim.resources import resolve_scenario
    from cnyx_sim.scenario.overrides import load_with_overrides

    merged: dict[str, Any] = dict(overrides or {})
    if runs is not None:
        merged["runs"] = runs
    if seed is not None:
        merged["seed"] = seed
    return PreparedScenario(*load_with_overrides(resolve_scenario(scenario), merged, limits=limits))


def run(
    scenario: str | os.PathLike[str],
    runs: int | None = None,
    seed: int | None = None,
    out: str | Path | None = None,
    write: bool = True,
    overrides: Mapping[str, Any] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> ScenarioOutput:
    """Run a scenario and return its tables (and, if ``write``, write its results folder).

    Parameters
    ----------
    scenario : a scenario file, or the name of a bundled scenario (``"baseline"``; ``cnyx-sim scenarios``).
    runs, seed : override the file's ``runs`` and ``seed``.
    out : the folder to write (default ``results/<scenario name>/`` under the current directory).
    write : False runs in memory only (nothing is written).
    overrides : ``{"dotted.key.path": value}`` set in the scenario before validation, as if edited in the
        file (:mod:`cnyx_sim.scenario.overrides`); a bad value fails like a bad file, naming the override.
    limits : resource limits (``cnyx_sim.limits.Limits.lifted()`` lifts them; docs/validation.md).

    Returns
    -------
    ScenarioOutput : a mapping like :func:`load` (``out["trajectories"]``, ``out["manifest"]``), with the
    tables also as attributes.

    Raises :class:`cnyx_sim.errors.InputError` (e.g. ``ScenarioError``) for bad input (nothing is written then).
    """
    started = time.perf_counter()
    prepared = prepare(scenario, runs, seed, overrides, limits=limits)
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
        # The parameter overrides given in Python (their values are also in resolved_scenario).
        extra={"overrides": _json_safe(overrides)} if overrides else None,
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


def _json_safe(overrides: Mapping[str, Any]) -> dict[str, Any]:
    from cnyx_sim.scenario.overrides import plain

    return {str(k): plain(v) for k, v in overrides.items()}


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
    """Run scenarios (files or bundled names) x runs (x sweep samples) into a batch folder (``batch.engine``).

    ``out`` defaults to ``results/batch``. With ``workers > 1`` (process executor) call it under
    ``if __name__ == "__main__":`` in scripts (workers are spawned). Returns a ``BatchSummary``; read the
    results with :func:`load`. Raises ``ScenarioError`` or ``BatchError`` for bad input (nothing written).
    """
    from cnyx_sim.batch.engine import run_batch as _run_batch
    from cnyx_sim.resources import resolve_scenario, resolve_sweep

    if isinstance(scenarios, (str, os.PathLike)):
        scenarios = [scenarios]
    scenarios = [resolve_scenario(s) for s in scenarios]
    if sweep is not None and isinstance(sweep, (str, os.PathLike)):
        sweep = resolve_sweep(sweep)
    return _run_batch(scenarios, runs=runs, out=out, workers=workers, executor=executor, scheduler=scheduler,
                      resume=resume, force=force, chunk_size=chunk_size, sweep=sweep, seed=seed,
                      progress=progress, cluster_kwargs=cluster_kwargs, limits=limits)


def to_iamc(trajectories: pd.DataFrame, statistic: str | None = None,
            sectors: pd.DataFrame | None = None) -> pd.DataFrame:
    """Trajectories -> IAMC format for pyam: ``model, scenario, run, region, variable, unit, year, value``.

    Runs are kept (``run`` column, pyam ``extra_cols``) unless ``statistic`` is ``"mean"`` or ``"median"``;
    parents in the variable hierarchy are sums of their children and units parse with pint
    (:mod:`cnyx_sim.batch.iamc`).
    """
    from cnyx_sim.batch.iamc import to_iamc as _to_iamc

    return _to_iamc(trajectories, statistic, sectors)


def compare(dirs: str | Path | list[str | Path], baseline: str | None = None, min_pairs: int | None = None):
    """Paired differences and P(target met) of the variants of a batch folder (or two folders), as
    ``cnyx-sim compare`` computes them, without writing anything: ``(table, notes)``.

    ``notes`` holds the warnings (differing seeds or run sets, failed runs, intervals left out below
    ``min_pairs`` pairs; default 20). See :mod:`cnyx_sim.batch.compare`.
    """
    from cnyx_sim.batch.compare import DEFAULT_MIN_PAIRS
    from cnyx_sim.batch.compare import compare as _compare

    paths = [dirs] if isinstance(dirs, (str, os.PathLike)) else list(dirs)
    return _compare(paths, baseline, DEFAULT_MIN_PAIRS if min_pairs is None else min_pairs)


def decompose(variant: str | Path, against: str | Path, runs: int | None = None, out: str | Path | None = None,
              workers: int = 1, seed: int | None = None, variables: list[str] | None = None,
              merge: list[list[str]] | None = None, resume: bool = False, force: bool = False,
              progress: bool = False, limits: Limits = DEFAULT_LIMITS):
    """Exact Shapley decomposition of ``variant`` - ``against`` into channels, as ``cnyx-sim decompose``
    (docs/decompose.md): writes ``out`` (a batch folder with ``channels.csv`` and ``decompose.json``) and
    returns a ``Decomposition`` (``.table`` is channels.csv). With ``workers > 1`` call it under
    ``if __name__ == "__main__":`` in scripts. Raises an ``InputError`` for bad input (nothing written).
    """
    from cnyx_sim.decomposition.engine import decompose as _decompose
    from cnyx_sim.resources import resolve_scenario

    return _decompose(resolve_scenario(variant), resolve_scenario(against), runs=runs, out=out, workers=workers,
                      seed=seed, variables=variables, resume=resume, force=force, progress=progress, merge=merge,
                      limits=limits)
