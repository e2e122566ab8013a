"""Orchestration of a batch: plan it, start the executor, open the folder, run the pending chunks, record
them, write the sweep's sensitivity table and finish the manifest.

The plan (variants x runs in fixed chunks, common random numbers) is :mod:`cnyx_sim.batch.plan`; the work of
one chunk is :mod:`cnyx_sim.batch.worker`; executors are :mod:`cnyx_sim.batch.executors`; the folder is
:mod:`cnyx_sim.batch.store`. Dependencies point one way: engine -> {plan, executors, store, progress};
executors -> worker; nothing imports the engine back.

Order matters for "nothing left behind": every input is validated (plan) and the executor is started
(a Dask scheduler reached) before the batch folder is created.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from cnyx_sim.batch.design import load_sweep, sensitivity_table, write_salib_problem
from cnyx_sim.batch.executors import DEFAULT_CONNECT_TIMEOUT, open_executor
from cnyx_sim.batch.plan import DEFAULT_CHUNK_SIZE, BatchPlan, plan_batch
from cnyx_sim.batch.progress import Progress
from cnyx_sim.batch.store import MANIFEST, SAMPLES, BatchError, BatchStore, is_batch_dir, read_manifest, \
    write_bytes_atomic
from cnyx_sim.io.manifest import environment, git_commit
from cnyx_sim.limits import DEFAULT_LIMITS, Limits

__all__ = ["BatchSummary", "run_batch"]


@dataclass
class BatchSummary:
    """What ``run_batch`` did."""

    out_dir: Any
    runs_total: int
    runs_done_before: int
    runs_ran: int
    runs_failed: int
    failures: list[dict[str, Any]]
    seconds: float
    manifest: dict[str, Any]
    warnings: dict[str, tuple[str, ...]] = field(default_factory=dict)  # scenario file -> located warnings

    @property
    def ok(self) -> bool:
        return self.runs_failed == 0


def _chunk_size(out_dir: Path, chunk_size: int | None, resume: bool) -> int:
    if chunk_size is not None:
        return chunk_size
    # On resume keep the folder's chunk size, so the same parts are completed.
    if resume and is_batch_dir(out_dir):
        size = read_manifest(out_dir).get("identity", {}).get("chunk_size", DEFAULT_CHUNK_SIZE)
        if isinstance(size, int) and not isinstance(size, bool) and size >= 1:
            return size
    return DEFAULT_CHUNK_SIZE


def run_batch(scenarios, runs: int | None = None, out=None, workers: int = 1, executor: str = "process",
              scheduler: str | None = None, resume: bool = False, force: bool = False,
              chunk_size: int | None = None, sweep=None, seed: int | None = None, progress: bool | str = False,
              cluster_kwargs: dict[str, Any] | None = None, *, limits: Limits = DEFAULT_LIMITS,
              connect_timeout: float = DEFAULT_CONNECT_TIMEOUT) -> BatchSummary:
    """Run every scenario (x sweep sample) x run into the batch folder ``out`` (see ``cnyx_sim.batch.store``).

    ``progress``: True = bar on a terminal plus the final line on stderr, ``"final"`` = the final line only,
    False = silent. Raises ``ScenarioError`` / ``BatchError`` for bad input before anything is written.
    """
    started = time.perf_counter()
    if isinstance(scenarios, (str, os.PathLike)):
        scenarios = [scenarios]
    if not scenarios:
        raise BatchError("no scenario given")
    out_dir = Path(out) if out is not None else Path("results") / "batch"
    chunk_size = _chunk_size(out_dir, chunk_size, resume)
    if sweep is not None and not hasattr(sweep, "parameters"):
        sweep = load_sweep(sweep, limits=limits)
    plan = plan_batch(scenarios, runs, chunk_size, sweep, seed, limits=limits)
    planned = time.perf_counter()
    extra = {
        "scenario_files": [str(s) for s in scenarios],
        "git_commit": git_commit(),
        "environment": environment(),
        "streams_rule": "cnyx_sim.core.rng.make_streams(seed, run)",
    }
    with open_executor(plan.variants, executor, workers, scheduler, cluster_kwargs, connect_timeout) as execute:
        store = BatchStore.open(out_dir, plan, resume=resume, force=force, extra=extra)
        if any(v.sample is not None for v in plan.variants):
            _write_samples(out_dir / SAMPLES, plan)
        if sweep is not None:  # issue 11: SALib's problem and the design's row order (batch/design.py)
            write_salib_problem(out_dir, sweep)
        pending = store.pending()
        bar = Progress(plan.total_runs, store.runs_done(), enabled=bool(progress), bar=progress is True)
        for outcome in execute(pending):
            store.record(outcome)
            bar.update(len(outcome.chunk.runs), len(outcome.failures))
    if sweep is not None and sweep.outcomes:
        tables = []
        for source in dict.fromkeys(v.source for v in plan.variants):
            names = [v.name for v in plan.variants if v.source == source]
            tables.append(sensitivity_table(out_dir, sweep, names).assign(scenario_file=source))
        text = pd.concat(tables, ignore_index=True).to_csv(index=False)
        write_bytes_atomic(out_dir / "sensitivity.csv", text.encode("utf-8"))
    finished = time.perf_counter()
    timings = {"plan": planned - started, "run": finished - planned, "total": finished - started}
    manifest = store.finish(timings, {"executor": executor, "workers": workers, "scheduler": scheduler})
    note = f", {workers} worker(s) ({executor}) -> {out_dir}/"
    if len({v.seed for v in plan.variants}) > 1:
        note += "; note: variants have different seeds, so runs are not common-random-number pairs"
    bar.close(note)
    failures = sorted(manifest["failures"].values(), key=lambda f: (f["chunk"], f["run"]))
    assert (out_dir / MANIFEST).is_file()
    warnings = {}
    for variant in plan.variants:
        warnings.setdefault(variant.source, variant.prepared.loaded.warnings)
    return BatchSummary(out_dir, plan.total_runs, bar.done_before, bar.done_now, len(failures), failures,
                        finished - started, manifest, {k: v for k, v in warnings.items() if v})


def _write_samples(path: Path, plan: BatchPlan) -> None:
    rows = [{"scenario": v.name, "source": v.source, "sample": v.sample, **v.values} for v in plan.variants]
    text = pd.DataFrame(rows).to_csv(index=False, float_format="%.17g")
    write_bytes_atomic(path, text.encode("utf-8"))
