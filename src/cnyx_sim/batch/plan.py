"""The batch plan: every variant (scenario file, or scenario x sweep sample) times runs ``0..N-1``, cut into
chunks of a FIXED size (default :data:`DEFAULT_CHUNK_SIZE`) that does not depend on the number of workers or
the executor, so the part files are byte-identical whatever executes them and a resume redoes whole chunks.

Seeds: run ``r`` of a variant uses ``SeedSequence(variant seed, spawn_key=(r,))`` (``cnyx_sim.core.rng``),
independent of chunking and worker. Variants that share a seed (sweep samples always do; scenario files
that ``extends`` the same baseline usually do) share the random numbers of each run index: common
random numbers, so paired differences by run index come from policy, not noise.

The plan's identity (:meth:`BatchPlan.identity`) -- what ``--resume`` compares -- holds every variant's
content hash, seed and runs, the chunk size, the sweep's hash, and the sha256 of every data file a
variant reads (calibration folder, travel times), so a resume after the data changed is refused.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from cnyx_sim.batch.errors import BatchError
from cnyx_sim.limits import DEFAULT_LIMITS, LIFT_HINT, Limits
from cnyx_sim.pipeline import PreparedScenario

__all__ = ["DEFAULT_CHUNK_SIZE", "BatchPlan", "Chunk", "Variant", "plan_batch"]

DEFAULT_CHUNK_SIZE = 25


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

    @property
    def input_files(self) -> dict[str, str]:
        return self.prepared.loaded.input_files


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
            "variants": [{"name": v.name, "content_hash": v.content_hash, "seed": v.seed, "runs": n,
                          "input_files": v.input_files}
                         for v, n in zip(self.variants, self.runs)],
            "chunk_size": self.chunk_size,
            "sweep_hash": self.sweep_hash,
        }


def _check_size(n_variants: int, runs: int, limits: Limits, sweep) -> None:
    """The batch's size against the limits, before any sample is drawn (a sweep's problem is located in it)."""
    key = ("sweep", "parameters" if sweep is not None and sweep.method == "grid" else "samples")
    if limits.sweep_variants is not None and n_variants > limits.sweep_variants:
        message = (f"the batch would have {n_variants:,} scenario variants; the limit is "
                   f"{limits.sweep_variants:,} ({LIFT_HINT})")
        raise sweep.error(key, message) if sweep is not None else BatchError(message)
    if limits.batch_runs is not None and runs > limits.batch_runs:
        message = f"the batch would have {runs:,} runs (variants x runs); the limit is {limits.batch_runs:,} ({LIFT_HINT})"
        raise sweep.error(key, message) if sweep is not None else BatchError(message)


def plan_batch(scenarios, runs: int | None = None, chunk_size: int = DEFAULT_CHUNK_SIZE,
               sweep=None, seed: int | None = None, *, limits: Limits = DEFAULT_LIMITS) -> BatchPlan:
    """Validate every scenario (and every sweep sample) and cut the runs into chunks.

    ``runs``/``seed`` override each scenario file's own values. Sizes (variants, runs) are checked against
    ``limits`` before any sample is validated. Raises ``ScenarioError`` / ``BatchError`` on bad input.
    """
    from cnyx_sim.batch.design import check_outcomes, load_sweep, make_variant, sweep_size
    from cnyx_sim.pipeline import prepare_scenario
    from cnyx_sim.scenario.yaml_io import resolve_extends

    if chunk_size < 1:
        raise BatchError("chunk size must be at least 1")
    if isinstance(scenarios, (str, os.PathLike)):
        scenarios = [scenarios]
    overrides: dict[str, Any] = {}
    if runs is not None:
        overrides["runs"] = runs
    if seed is not None:
        overrides["seed"] = seed
    if sweep is not None and not hasattr(sweep, "parameters"):
        sweep = load_sweep(sweep, limits=limits)
    bases = [prepare_scenario(path, overrides, limits=limits) for path in scenarios]
    points = 1 if sweep is None else sweep_size(sweep)
    _check_size(len(bases) * points, sum(b.runs for b in bases) * points, limits, sweep)
    variants: list[Variant] = []
    for path, base in zip(scenarios, bases):
        if sweep is None:
            variants.append(Variant(base.name, str(path), base))
            continue
        check_outcomes(sweep, base)
        doc = resolve_extends(path, limits=limits)
        for sample, values in enumerate(sweep.points()):
            loaded, calibration, params = make_variant(doc, base.name, sweep, sample, values, overrides,
                                                       limits=limits)
            prepared = PreparedScenario(loaded, calibration, params)
            variants.append(Variant(prepared.name, str(path), prepared, sample,
                                    {p.key: float(v) for p, v in zip(sweep.parameters, values)}))
    counts = Counter(v.name for v in variants)
    duplicated = sorted(name for name, n in counts.items() if n > 1)
    if duplicated:
        raise BatchError(f"scenario name {duplicated[0]!r} appears more than once in the batch; variants need "
                         f"distinct names")
    return BatchPlan(tuple(variants), tuple(v.prepared.runs for v in variants), chunk_size,
                     None if sweep is None else sweep.content_hash)
