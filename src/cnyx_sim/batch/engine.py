"""The batch plan and the work of one chunk.

A batch is every variant (scenario file, or scenario x sweep sample) times runs ``0..N-1``. Runs are cut
into chunks of a FIXED size (default :data:`DEFAULT_CHUNK_SIZE`) that does not depend on the number of
workers or the executor, and a chunk's tables are serialised to Parquet in the worker by
:func:`run_chunk`, a pure function of (variant, runs). So the part files are byte-identical whatever
executes them, and resuming redoes whole chunks only.

Seeds: run ``r`` of a variant uses ``SeedSequence(variant seed, spawn_key=(r,))`` (``cnyx_sim.core.rng``),
independent of chunking and worker. Variants that share a seed (sweep samples always do; scenario files
that ``extends`` the same baseline usually do) share the random numbers of each run index: common
random numbers, so paired differences by run index come from policy, not noise.

Testing hook: the environment variable ``CNYX_SIM_FAIL_RUNS`` (read in the worker, never in normal use)
makes listed runs raise, to test failure isolation: ``"3,5"`` fails runs 3 and 5 of every variant,
``"baseline:3"`` run 3 of variant ``baseline`` only.
"""

from __future__ import annotations

import io
import os
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from cnyx_sim.pipeline import PreparedScenario, run_tables
from cnyx_sim.runner import release_finished_models

DEFAULT_CHUNK_SIZE = 25
FAIL_RUNS_ENV = "CNYX_SIM_FAIL_RUNS"


@dataclass(frozen=True)
class Variant:
    """One scenario variant of a batch."""

    name: str
    source: str
    prepared: PreparedScenario
    sample: int | None = None
    values: dict[str, float] = field(default_factory=dict)

    @property
    def seed(self) -> int:
        return self.prepared.seed

    @property
    def content_hash(self) -> str:
        return self.prepared.loaded.content_hash


@dataclass(frozen=True)
class Chunk:
    """Runs ``first..last-1`` of variant ``variant`` (an index into the plan's variants)."""

    variant: int
    first: int
    last: int

    @property
    def key(self) -> str:
        """Part file stem; zero-padded so that name order is variant order, then run order."""
        return f"part-v{self.variant:04d}-r{self.first:07d}"

    @property
    def runs(self) -> range:
        return range(self.first, self.last)


@dataclass(frozen=True)
class BatchPlan:
    variants: tuple[Variant, ...]
    runs: tuple[int, ...]
    chunk_size: int
    sweep_hash: str | None = None

    @property
    def chunks(self) -> list[Chunk]:
        return [Chunk(v, first, min(first + self.chunk_size, n))
                for v, n in enumerate(self.runs) for first in range(0, n, self.chunk_size)]

    @property
    def total_runs(self) -> int:
        return sum(self.runs)

    def identity(self) -> dict[str, Any]:
        """What makes two batches the same batch (compared on ``--resume``)."""
        return {
            "variants": [{"name": v.name, "content_hash": v.content_hash, "seed": v.seed, "runs": n}
                         for v, n in zip(self.variants, self.runs)],
            "chunk_size": self.chunk_size,
            "sweep_hash": self.sweep_hash,
        }


@dataclass
class ChunkOutcome:
    """What a worker sends back: Parquet bytes per table, failures, timing (small; no DataFrames)."""

    chunk: Chunk
    parts: dict[str, bytes]
    rows: dict[str, int]
    failures: list[tuple[int, str]]
    seconds: float

    @property
    def n_ok(self) -> int:
        return len(self.chunk.runs) - len(self.failures)


def _runs_to_fail(variant_name: str) -> set[int]:
    spec = os.environ.get(FAIL_RUNS_ENV, "").strip()
    if not spec:
        return set()
    runs: set[int] = set()
    for item in spec.split(","):
        name, _, run = item.strip().rpartition(":")
        if not name or name == variant_name:
            runs.add(int(run))
    return runs


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def run_chunk(variants: tuple[Variant, ...] | list[Variant], chunk: Chunk) -> ChunkOutcome:
    """Run one chunk; a failing run is recorded and skipped, the others go on."""
    started = time.perf_counter()
    variant = variants[chunk.variant]
    fail = _runs_to_fail(variant.name)
    frames: dict[str, list[pd.DataFrame]] = {}
    failures: list[tuple[int, str]] = []
    for run in chunk.runs:
        try:
            if run in fail:
                raise RuntimeError(f"deliberate failure of run {run} ({FAIL_RUNS_ENV} testing hook)")
            tables = run_tables(variant.prepared, run)
        except Exception as exc:  # noqa: BLE001 - one failing run must not stop the batch
            last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
            where = f" at {last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno}" if last else ""
            failures.append((run, f"{type(exc).__name__}: {exc}{where}".replace("\n", " ")))
            continue
        for name, frame in tables.items():
            frames.setdefault(name, []).append(frame)
    release_finished_models()
    parts, rows = {}, {}
    for name, pieces in frames.items():
        table = pd.concat(pieces, ignore_index=True)
        rows[name] = len(table)
        # Empty tables (e.g. no sharing in a chunk) still get a part: their dtypes are fixed, so every table
        # folder exists and reads as one dataset.
        parts[name] = parquet_bytes(table)
    return ChunkOutcome(chunk, parts, rows, failures, time.perf_counter() - started)


# ------------------------------------------------------------------------------------- worker-side state
# Process-pool workers receive the variants once, through the pool initializer, not with every task.
_WORKER_VARIANTS: tuple[Variant, ...] | None = None


def init_worker(variants: tuple[Variant, ...]) -> None:
    global _WORKER_VARIANTS
    _WORKER_VARIANTS = variants


def run_chunk_in_worker(chunk: Chunk) -> ChunkOutcome:
    if _WORKER_VARIANTS is None:  # pragma: no cover - a pool without initializer is a programming error
        raise RuntimeError("worker not initialised with the batch variants")
    return run_chunk(_WORKER_VARIANTS, chunk)


# ------------------------------------------------------------------------------------------------ planning
def plan_batch(scenarios, runs: int | None = None, chunk_size: int = DEFAULT_CHUNK_SIZE,
               sweep=None, seed: int | None = None) -> BatchPlan:
    """Validate every scenario (and every sweep sample) and cut the runs into chunks.

    ``runs``/``seed`` override each scenario file's own values. Raises ``ScenarioError`` on bad input.
    """
    from cnyx_sim.batch.design import load_sweep, make_variant
    from cnyx_sim.pipeline import prepare_scenario
    from cnyx_sim.scenario.load import prepare
    from cnyx_sim.scenario.yaml_io import resolve_extends

    if chunk_size < 1:
        raise ValueError("chunk size must be at least 1")
    overrides: dict[str, Any] = {}
    if runs is not None:
        overrides["runs"] = runs
    if seed is not None:
        overrides["seed"] = seed
    if sweep is not None and not hasattr(sweep, "parameters"):
        sweep = load_sweep(sweep)
    variants: list[Variant] = []
    for path in scenarios:
        if sweep is None:
            prepared = prepare_scenario(path, overrides)
            variants.append(Variant(prepared.name, str(path), prepared))
            continue
        base_loaded, _, _ = prepare(path, overrides)  # the scenario itself must be valid
        doc = resolve_extends(path)
        for sample, values in enumerate(sweep.points()):
            loaded, calibration, params = make_variant(doc, base_loaded.name, sweep, sample, values, overrides)
            prepared = PreparedScenario(loaded, calibration, params)
            variants.append(Variant(prepared.name, str(path), prepared, sample,
                                    {p.key: float(v) for p, v in zip(sweep.parameters, values)}))
    names = [v.name for v in variants]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        from cnyx_sim.batch.store import BatchError

        raise BatchError(f"scenario name {duplicated[0]!r} appears more than once in the batch; variants need "
                         f"distinct names")
    return BatchPlan(tuple(variants), tuple(v.prepared.runs for v in variants), chunk_size,
                     None if sweep is None else sweep.content_hash)


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

    @property
    def ok(self) -> bool:
        return self.runs_failed == 0


def run_batch(scenarios, runs: int | None = None, out=None, workers: int = 1, executor: str = "process",
              scheduler: str | None = None, resume: bool = False, force: bool = False,
              chunk_size: int | None = None, sweep=None, seed: int | None = None, progress: bool | str = False,
              cluster_kwargs: dict[str, Any] | None = None) -> BatchSummary:
    """Run every scenario (x sweep sample) x run into the batch folder ``out`` (see ``cnyx_sim.batch.store``).

    ``progress``: True = bar on a terminal plus the final line on stderr, ``"final"`` = the final line only,
    False = silent. Raises ``ScenarioError`` / ``BatchError`` for bad input before anything is written.
    """
    from pathlib import Path

    from cnyx_sim.batch.executors import execute
    from cnyx_sim.batch.progress import Progress
    from cnyx_sim.batch.store import MANIFEST, SAMPLES, BatchStore, is_batch_dir, read_manifest
    from cnyx_sim.io.manifest import environment, git_commit

    started = time.perf_counter()
    if isinstance(scenarios, (str, os.PathLike)):
        scenarios = [scenarios]
    if not scenarios:
        raise ValueError("no scenario given")
    out_dir = Path(out) if out is not None else Path("results") / "batch"
    if chunk_size is None:
        # On resume keep the folder's chunk size, so the same parts are completed.
        chunk_size = DEFAULT_CHUNK_SIZE
        if resume and is_batch_dir(out_dir):
            chunk_size = int(read_manifest(out_dir).get("identity", {}).get("chunk_size", DEFAULT_CHUNK_SIZE))
    if sweep is not None and not hasattr(sweep, "parameters"):
        from cnyx_sim.batch.design import load_sweep

        sweep = load_sweep(sweep)
    plan = plan_batch(scenarios, runs, chunk_size, sweep, seed)
    planned = time.perf_counter()
    extra = {
        "scenario_files": [str(s) for s in scenarios],
        "git_commit": git_commit(),
        "environment": environment(),
        "streams_rule": "cnyx_sim.core.rng.make_streams(seed, run)",
    }
    store = BatchStore.open(out_dir, plan, resume=resume, force=force, extra=extra)
    if any(v.sample is not None for v in plan.variants):
        _write_samples(out_dir / SAMPLES, plan)
    if sweep is not None:  # issue 11: SALib's problem and the design's row order (batch/design.py)
        from cnyx_sim.batch.design import write_salib_problem; write_salib_problem(out_dir, sweep)  # noqa: E702
    seeds = {v.seed for v in plan.variants}
    pending = store.pending()
    bar = Progress(plan.total_runs, store.runs_done(), enabled=bool(progress), bar=progress is True)
    for outcome in execute(plan.variants, pending, executor, workers, scheduler, cluster_kwargs):
        store.record(outcome)
        bar.update(len(outcome.chunk.runs), len(outcome.failures))
    if sweep is not None and sweep.outcomes:
        from cnyx_sim.batch.design import sensitivity_table
        from cnyx_sim.batch.store import write_bytes_atomic

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
    if len(seeds) > 1:
        note += "; note: variants have different seeds, so runs are not common-random-number pairs"
    bar.close(note)
    failures = sorted(manifest["failures"].values(), key=lambda f: (f["chunk"], f["run"]))
    assert (out_dir / MANIFEST).is_file()
    return BatchSummary(out_dir, plan.total_runs, bar.done_before, bar.done_now, len(failures), failures,
                        finished - started, manifest)


def _write_samples(path, plan: BatchPlan) -> None:
    from cnyx_sim.batch.store import write_bytes_atomic

    rows = [{"scenario": v.name, "source": v.source, "sample": v.sample, **v.values} for v in plan.variants]
    text = pd.DataFrame(rows).to_csv(index=False, float_format="%.17g")
    write_bytes_atomic(path, text.encode("utf-8"))
