"""Scenario batches: experiment design, chunked parallel runs, resumable part-file output, comparison.

Modules
-------
design     : sweep files (grid, Latin hypercube, Sobol, Saltelli samples) -> scenario variants; Sobol indices.
plan       : the batch plan: variants x runs in fixed-size chunks, and its identity (what a resume compares).
worker     : the work of one chunk (runs -> Parquet bytes), the same in every executor.
engine     : ``run_batch``: orchestration of plan, executor and store.
executors  : in-process, local process pool and Dask distributed executors (same bytes whatever the executor).
store      : the batch folder: Parquet part files per chunk with checksums, ``batch.json`` manifest, resume.
errors     : ``BatchError`` (bad batch input, CLI exit 2).
progress   : progress bar on stderr.
compare    : paired (common-random-number) differences of key outcomes between variants.
iamc       : IAMC long-format export (readable by pyam).

Nothing here is imported by ``import cnyx_sim``; the API and CLI import it on demand.
"""

from __future__ import annotations

from cnyx_sim.batch.errors import BatchError

__all__ = ["BatchError"]
