"""The work of one chunk, done in a worker (or in process): run its runs, serialise its tables.

:func:`run_chunk` is a pure function of (variants, chunk): every executor calls it, so the Parquet bytes are
the same whatever executes them. A run that fails -- including a numerical failure, reported by
``cnyx_sim.numerics`` as one located line naming the suspect parameter -- is recorded with its error and
skipped; the other runs of the chunk go on.
"""

from __future__ import annotations

import hashlib
import io
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from cnyx_sim.errors import InputError
from cnyx_sim.numerics import numerical_guard
from cnyx_sim.pipeline import run_tables
from cnyx_sim.runner import release_finished_models

if TYPE_CHECKING:
    from cnyx_sim.batch.plan import Chunk, Variant

__all__ = ["ChunkOutcome", "init_worker", "parquet_bytes", "run_chunk", "run_chunk_in_worker"]


@dataclass
class ChunkOutcome:
    """What a worker sends back: Parquet bytes per table, failures, timing (small; no DataFrames)."""

    chunk: "Chunk"
    parts: dict[str, bytes]
    rows: dict[str, int]
    failures: list[tuple[int, str]]
    seconds: float

    @property
    def n_ok(self) -> int:
        return len(self.chunk.runs) - len(self.failures)

    def checksums(self) -> dict[str, str]:
        """sha256 of each part's bytes (recorded in the manifest, verified on resume)."""
        return {table: hashlib.sha256(data).hexdigest() for table, data in self.parts.items()}


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def _describe(exc: BaseException) -> str:
    if isinstance(exc, InputError):  # already one located line (e.g. a numerical failure)
        return str(exc)
    last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f" at {last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno}" if last else ""
    return f"{type(exc).__name__}: {exc}{where}".replace("\n", " ")


def run_chunk(variants: Sequence["Variant"], chunk: "Chunk") -> ChunkOutcome:
    """Run one chunk; a failing run is recorded and skipped, the others go on."""
    started = time.perf_counter()
    variant = variants[chunk.variant]
    frames: dict[str, list[pd.DataFrame]] = {}
    failures: list[tuple[int, str]] = []
    for run in chunk.runs:
        try:
            with numerical_guard(variant.prepared.loaded):
                tables = run_tables(variant.prepared, run)
        except Exception as exc:  # noqa: BLE001 - one failing run must not stop the batch
            failures.append((run, _describe(exc)))
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
_WORKER_VARIANTS: tuple["Variant", ...] | None = None


def init_worker(variants: tuple["Variant", ...]) -> None:
    global _WORKER_VARIANTS
    _WORKER_VARIANTS = variants


def run_chunk_in_worker(chunk: "Chunk") -> ChunkOutcome:
    if _WORKER_VARIANTS is None:  # pragma: no cover - a pool without initializer is a programming error
        raise RuntimeError("worker not initialised with the batch variants")
    return run_chunk(_WORKER_VARIANTS, chunk)
