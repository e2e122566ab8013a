"""Executors: run chunks and yield their outcomes as they finish.

- ``inprocess`` (``--workers 1`` with the process executor): no pool, no pickling.
- ``process`` (``--workers N``): ``concurrent.futures.ProcessPoolExecutor`` with spawned workers (a
  script that calls ``run_batch`` with workers needs the ``if __name__ == "__main__":`` guard); each worker receives the
  variants once through the pool initializer and then only small ``Chunk`` descriptors. At most
  ``4 x workers`` chunks are in flight, so memory stays bounded however many runs the batch has.
- ``dask``: ``distributed``; a ``LocalCluster`` with ``workers`` single-threaded worker processes by
  default, or the scheduler at ``--scheduler tcp://HOST:PORT``. The variants are scattered once
  (broadcast to every worker); results come back as Parquet bytes, so workers need no shared file system.

Every executor calls the same pure :func:`cnyx_sim.batch.engine.run_chunk`, so the bytes are the same.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

from cnyx_sim.batch.engine import Chunk, ChunkOutcome, Variant, init_worker, run_chunk, run_chunk_in_worker

EXECUTORS = ("process", "dask")
IN_FLIGHT_PER_WORKER = 4
START_METHOD = "spawn"


def run_in_process(variants: tuple[Variant, ...], chunks: Sequence[Chunk]) -> Iterator[ChunkOutcome]:
    for chunk in chunks:
        yield run_chunk(variants, chunk)


def run_process_pool(variants: tuple[Variant, ...], chunks: Sequence[Chunk], workers: int) -> Iterator[ChunkOutcome]:
    pending = list(reversed(chunks))
    # An explicit spawn context: the same behaviour on every OS and Python version, safe whatever threads the
    # parent has, and independent of the global start method (``import mesa.batchrunner`` forces it).
    context = multiprocessing.get_context(START_METHOD)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=init_worker,
                             initargs=(variants,)) as pool:
        in_flight = set()
        while pending or in_flight:
            while pending and len(in_flight) < IN_FLIGHT_PER_WORKER * workers:
                in_flight.add(pool.submit(run_chunk_in_worker, pending.pop()))
            done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()


def run_dask(variants: tuple[Variant, ...], chunks: Sequence[Chunk], workers: int, scheduler: str | None = None,
             cluster_kwargs: dict[str, Any] | None = None) -> Iterator[ChunkOutcome]:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:  # pragma: no cover - depends on the installed extras
        raise RuntimeError("--executor dask needs the 'dask' extra: pip install 'cnyx-sim[dask]'") from None

    cluster = None
    if scheduler is None:
        options = {"n_workers": workers, "threads_per_worker": 1, "processes": True, "dashboard_address": None}
        options.update(cluster_kwargs or {})
        cluster = LocalCluster(**options)
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        shared = client.scatter(list(variants), broadcast=True)
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or workers)
        pending = list(reversed(chunks))
        futures = as_completed()

        def submit() -> None:
            chunk = pending.pop()
            futures.add(client.submit(run_chunk, shared, chunk, pure=False, key=f"cnyx-{chunk.key}-{id(futures)}"))

        for _ in range(min(len(pending), IN_FLIGHT_PER_WORKER * n_workers)):
            submit()
        for future in futures:
            outcome = future.result()
            future.release()
            yield outcome
            if pending:
                submit()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def execute(variants: tuple[Variant, ...], chunks: Sequence[Chunk], executor: str = "process", workers: int = 1,
            scheduler: str | None = None, cluster_kwargs: dict[str, Any] | None = None) -> Iterator[ChunkOutcome]:
    """Outcomes of ``chunks`` in completion order (which may differ from plan order; the files do not)."""
    if executor == "dask":
        return run_dask(variants, chunks, workers, scheduler, cluster_kwargs)
    if executor != "process":
        raise ValueError(f"unknown executor {executor!r}; expected one of {', '.join(EXECUTORS)}")
    if workers <= 1:
        return run_in_process(variants, chunks)
    return run_process_pool(variants, chunks, workers)
