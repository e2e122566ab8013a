"""``cnyx-sim decompose``: run every coalition of channels x runs through the batch engine and attribute the
variant - base difference to the channels by exact Shapley values, run by run (docs/decompose.md).

The folder ``DIR`` is a batch folder (``batch.json``, ``trajectories/`` parts, ...: the coalitions are its
variants ``coalition_MMMM``, MMMM the bit mask in decimal, bit i set = channel i switched on), so workers,
streaming, failure isolation and ``--resume`` are the batch engine's; ``channels.csv`` and ``decompose.json`` are written (atomically) when
every run is done. Every coalition runs the same run indices with the same seed (common random numbers), so
within one run index the coalitions differ only by their switches.

A run index whose run failed in any coalition is left out of the attribution (its coalitions are
incomplete); the number left out is in ``decompose.json`` and the CLI exits 3, as ``batch`` does.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cnyx_sim.batch.executors import open_executor
from cnyx_sim.batch.plan import DEFAULT_CHUNK_SIZE, BatchPlan, Variant
from cnyx_sim.batch.progress import Progress
from cnyx_sim.batch.store import BatchStore, read_table, write_bytes_atomic
from cnyx_sim.decomposition.coalitions import (NEUTRAL_SECTIONS, Channel, DecomposeError, build_coalition,
                                           check_channel_count, coalition_name, differing_key_paths, group_channels,
                                           merge_channels)
from cnyx_sim.decomposition.shapley import coalition_members, shapley_values
from cnyx_sim.io.results import REGION_TOTAL, SECTOR_TOTAL, UNITS
from cnyx_sim.limits import DEFAULT_LIMITS, LIFT_HINT, Limits

__all__ = ["CHANNELS_CSV", "DECOMPOSE_JSON", "DEFAULT_VARIABLES", "Decomposition", "DecompositionPlan",
           "TOTAL", "attribute", "decompose", "plan_decomposition"]

CHANNELS_CSV = "channels.csv"
DECOMPOSE_JSON = "decompose.json"
FORMAT = "cnyx_sim.decomposition/1"
#: The ``channel`` of the rows holding variant - base.
TOTAL = "total"
#: Region-total variables attributed by default (docs/outputs.md, variable table).
DEFAULT_VARIABLES = ("gdp_nominal", "gdp_real", "population", "tax_local_after_sharing", "fai_nominal",
                     "projects_arrived", "incentive_cost", "gdp_credited_nominal")
#: Variables with sector rows only (no region ``total`` row to attribute).
SECTOR_VARIABLES = ("va_real", "va_nominal", "sector_employment")
CSV_COLUMNS = ["channel", "variable", "year", "mean", "median", "p05", "p95", "unit", "runs"]


@dataclass(frozen=True)
class DecompositionPlan:
    """Everything validated before anything is run or written."""

    variant: str
    base: str
    variant_file: str
    base_file: str
    channels: tuple[Channel, ...]
    runs: int
    seed: int
    variables: tuple[str, ...]
    batch: BatchPlan
    #: scenario file -> its located warnings (dates with no effect inside the simulated years), as ``batch``.
    warnings: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def coalitions(self) -> int:
        return 1 << len(self.channels)


@dataclass
class Decomposition:
    """What :func:`decompose` did: the table of ``channels.csv`` and the facts of ``decompose.json``."""

    plan: DecompositionPlan
    table: pd.DataFrame
    runs_used: tuple[int, ...]
    runs_dropped: tuple[int, ...]
    failures: list[dict[str, Any]]
    out_dir: Path
    seconds: float
    info: dict[str, Any] = field(default_factory=dict)


def _check_variables(variables) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(DEFAULT_VARIABLES if not variables else variables))
    for name in chosen:
        if name not in UNITS:
            raise DecomposeError(f"--variables: unknown variable {name!r}; expected names of docs/outputs.md such as "
                                 f"{', '.join(DEFAULT_VARIABLES[:4])}")
        if name in SECTOR_VARIABLES:
            raise DecomposeError(f"--variables: {name!r} has sector rows only; choose a variable with a region "
                                 "total (e.g. gdp_real instead of va_real)")
    return chosen


def plan_decomposition(variant, base, runs: int | None = None, seed: int | None = None, variables=None,
                       chunk_size: int = DEFAULT_CHUNK_SIZE, merge=None, *,
                       limits: Limits = DEFAULT_LIMITS) -> DecompositionPlan:
    """Validate both scenarios, find the channels on which they differ and validate every coalition.

    ``runs``/``seed`` default to the base file's; ``merge`` lists groups of channel names switched together.
    Raises an :class:`~cnyx_sim.errors.InputError` (one line)
    for bad input: a scenario file, no differing key, too many channels or runs, an invalid coalition.
    """
    from cnyx_sim.pipeline import prepare_scenario
    from cnyx_sim.scenario.yaml_io import resolve_extends

    chosen = _check_variables(variables)
    base_prepared = prepare_scenario(base, limits=limits)
    variant_prepared = prepare_scenario(variant, limits=limits)
    base_doc, variant_doc = resolve_extends(base, limits=limits), resolve_extends(variant, limits=limits)
    runs = base_prepared.runs if runs is None else runs
    seed = base_prepared.seed if seed is None else seed
    paths = differing_key_paths(base_doc.data, variant_doc.data)
    if not paths:
        raise DecomposeError(f"{variant} and {base} differ in no key that can change the simulated economy "
                             f"(differences in {', '.join(NEUTRAL_SECTIONS)} are not switched); nothing to decompose")
    channels = merge_channels(group_channels(paths), merge)
    check_channel_count(channels, limits)
    total_runs = (1 << len(channels)) * runs
    if limits.batch_runs is not None and total_runs > limits.batch_runs:
        raise DecomposeError(f"the decomposition would have {total_runs:,} runs (2^{len(channels)} coalitions x "
                             f"{runs} runs); the limit is {limits.batch_runs:,} ({LIFT_HINT})")
    source = f"{variant} vs {base}"
    variants = tuple(Variant(coalition_name(mask), source,
                             build_coalition(base_doc, variant_doc, channels, mask, runs, seed, limits=limits))
                     for mask in range(1 << len(channels)))
    batch = BatchPlan(variants, (runs,) * len(variants), chunk_size)
    warnings = {str(path): prepared.loaded.warnings for path, prepared in ((variant, variant_prepared),
                                                                          (base, base_prepared))
                if prepared.loaded.warnings}
    return DecompositionPlan(variant_prepared.name, base_prepared.name, str(variant), str(base), tuple(channels),
                             runs, seed, chosen, batch, warnings)


def _value_array(trajectories: pd.DataFrame, plan: DecompositionPlan, runs: list[int]) -> tuple[np.ndarray, list[int]]:
    """values[coalition, run, variable, year] from the region-total rows of the coalitions' trajectories."""
    years = sorted(int(y) for y in trajectories["year"].unique())
    index = pd.MultiIndex.from_product([[coalition_name(m) for m in range(plan.coalitions)], runs,
                                        list(plan.variables), years], names=["scenario", "run", "variable", "year"])
    series = trajectories.set_index(["scenario", "run", "variable", "year"])["value"].reindex(index)
    if series.isna().any():
        missing = series[series.isna()].index[0]
        raise DecomposeError(f"the trajectories have no region-total value for {missing[2]} in {missing[3]} "
                             f"({missing[0]}, run {missing[1]})")
    shape = (plan.coalitions, len(runs), len(plan.variables), len(years))
    return series.to_numpy(dtype=float).reshape(shape), years


def attribute(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(Shapley values ``[channel, run, ...]``, total ``[run, ...]`` = variant - base) of a value array
    ``[coalition, run, ...]``."""
    return shapley_values(values), values[-1] - values[0]


def _stats_rows(name: str, draws: np.ndarray, variables, years, runs: int) -> list[dict[str, Any]]:
    """Rows of channels.csv for one channel: draws[run, variable, year] summarised over runs."""
    mean = draws.mean(axis=0)
    median, p05, p95 = (np.percentile(draws, q, axis=0) for q in (50, 5, 95))
    rows = []
    for v, variable in enumerate(variables):
        for y, year in enumerate(years):
            rows.append({"channel": name, "variable": variable, "year": year, "mean": mean[v, y],
                         "median": median[v, y], "p05": p05[v, y], "p95": p95[v, y], "unit": UNITS[variable],
                         "runs": runs})
    return rows


def decompose(variant, base, runs: int | None = None, out=None, workers: int = 1, seed: int | None = None,
              variables=None, resume: bool = False, force: bool = False, progress: bool | str = False,
              merge=None, *, limits: Limits = DEFAULT_LIMITS) -> Decomposition:
    """Decompose ``variant`` - ``base`` into channels; writes ``out`` (a batch folder plus ``channels.csv`` and
    ``decompose.json``). ``progress`` as in :func:`cnyx_sim.batch.engine.run_batch`."""
    from cnyx_sim import __version__
    from cnyx_sim.io.manifest import environment, git_commit

    started = time.perf_counter()
    plan = plan_decomposition(variant, base, runs, seed, variables, merge=merge, limits=limits)
    out_dir = Path(out) if out is not None else Path("results") / f"decompose-{plan.variant}-vs-{plan.base}"
    extra = {"decompose": {"variant": plan.variant_file, "base": plan.base_file}, "git_commit": git_commit(),
             "environment": environment(), "streams_rule": "cnyx_sim.core.rng.make_streams(seed, run)"}
    with open_executor(plan.batch.variants, "process", workers) as execute:
        store = BatchStore.open(out_dir, plan.batch, resume=resume, force=force, extra=extra)
        for name in (CHANNELS_CSV, DECOMPOSE_JSON):  # a previous decomposition's results, replaced below
            (out_dir / name).unlink(missing_ok=True)
        bar = Progress(plan.batch.total_runs, store.runs_done(), enabled=bool(progress), bar=progress is True,
                       label="decompose")
        for outcome in execute(store.pending()):
            store.record(outcome)
            bar.update(len(outcome.chunk.runs), len(outcome.failures))
    manifest = store.finish({"total": time.perf_counter() - started}, {"executor": "process", "workers": workers})
    bar.close(f", {workers} worker(s) -> {out_dir}/")
    failures = sorted(manifest["failures"].values(), key=lambda f: (f["chunk"], f["run"]))
    dropped = sorted({int(f["run"]) for f in failures})
    used = [r for r in range(plan.runs) if r not in dropped]
    if not used:
        return Decomposition(plan, pd.DataFrame(columns=CSV_COLUMNS), (), tuple(dropped), failures, out_dir,
                             time.perf_counter() - started)
    trajectories = read_table(out_dir, "trajectories", columns=["scenario", "run", "region", "sector", "variable",
                                                                 "year", "value"],
                              filters=[("region", "==", REGION_TOTAL), ("sector", "==", SECTOR_TOTAL),
                                       ("variable", "in", list(plan.variables))])
    trajectories = trajectories[trajectories["run"].isin(used)]
    values, years = _value_array(trajectories, plan, used)
    phi, total = attribute(values)
    rows = []
    for i, channel in enumerate(plan.channels):
        rows += _stats_rows(channel.name, phi[i], plan.variables, years, len(used))
    rows += _stats_rows(TOTAL, total, plan.variables, years, len(used))
    table = pd.DataFrame(rows, columns=CSV_COLUMNS)
    info = _info(plan, used, dropped, __version__)
    write_bytes_atomic(out_dir / CHANNELS_CSV, table.to_csv(index=False, float_format="%.17g").encode("utf-8"))
    text = json.dumps(info, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    write_bytes_atomic(out_dir / DECOMPOSE_JSON, text.encode("utf-8"))
    return Decomposition(plan, table, tuple(used), tuple(dropped), failures, out_dir, time.perf_counter() - started,
                         info)


def _info(plan: DecompositionPlan, used: list[int], dropped: list[int], version: str) -> dict[str, Any]:
    k = len(plan.channels)
    return {
        "format": FORMAT,
        "version": version,
        "variant": {"name": plan.variant, "file": os.fspath(plan.variant_file)},
        "base": {"name": plan.base, "file": os.fspath(plan.base_file)},
        "channels": [{"name": c.name, "key_paths": list(c.key_paths)} for c in plan.channels],
        "not_switched": list(NEUTRAL_SECTIONS),
        "runs": plan.runs,
        "seed": plan.seed,
        "runs_used": len(used),
        "runs_dropped": dropped,
        "variables": list(plan.variables),
        "coalitions": [{"name": coalition_name(m), "mask": m,
                        "channels_on": [plan.channels[i].name for i in coalition_members(m, k)],
                        "content_hash": plan.batch.variants[m].content_hash} for m in range(1 << k)],
        "method": "exact Shapley values over the channel switches, run by run with common random numbers "
                  "(docs/decompose.md SH1-SH4); total = variant - base",
    }
