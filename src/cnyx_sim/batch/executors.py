"""Executors: run chunks and yield their outcomes as they finish.

- in process (``--workers 1`` with the process executor): no pool, no pickling.
- ``process`` (``--workers N``): ``concurrent.futures.ProcessPoolExecutor`` with spawned workers (a
  script that calls ``run_batch`` with workers needs the ``if __name__ == "__main__":`` guard); each worker
  receives the variants once through the pool initializer and then only small ``Chunk`` descriptors. At
  most ``4 x workers`` chunks are in flight, so memory stays bounded however many runs the batch has.
- ``dask``: ``distributed``; a ``LocalCluster`` with ``workers`` single-threaded worker processes by
  default, or the scheduler at ``--scheduler tcp://HOST:PORT``. The variants are scattered once
  (broadcast to every worker); results come back as Parquet bytes, so workers need no shared file system.

:func:`open_executor` starts the executor *before* the batch folder is created: a missing extra or an
unreachable scheduler is a :class:`BatchError` (exit 2) that leaves nothing behind. Every executor calls
the same pure :func:`cnyx_sim.batch.worker.run_chunk`, so the bytes are the same.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import TYPE_CHECKING, Any

from cnyx_sim.batch.errors import BatchError
from cnyx_sim.batch.worker import ChunkOutcome, init_worker, run_chunk, run_chunk_in_worker

if TYPE_CHECKING:
    from cnyx_sim.batch.plan import Chunk, Variant

EXECUTORS = ("process", "dask")
IN_FLIGHT_PER_WORKER = 4
START_METHOD = "spawn"
#: Seconds to wait for a Dask scheduler before giving up (exit 2).
DEFAULT_CONNECT_TIMEOUT = 20.0

Runner = Callable[[Sequence["Chunk"]], Iterator[ChunkOutcome]]


def run_in_process(variants: tuple["Variant", ...], chunks: Sequence["Chunk"]) -> Iterator[ChunkOutcome]:
    for chunk in chunks:
        yield run_chunk(variants, chunk)


def run_process_pool(variants: tuple["Variant", ...], chunks: Sequence["Chunk"], workers: int
                     ) -> Iterator[ChunkOutcome]:
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


def _dask_client(workers: int, scheduler: str | None, cluster_kwargs: dict[str, Any] | None,
                 connect_timeout: float):
    """A connected ``distributed.Client`` (and its LocalCluster, if it made one); BatchError otherwise."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise BatchError("--executor dask needs the 'dask' extra: pip install 'cnyx-sim[dask]'") from None
    if scheduler is None:
        options = {"n_workers": workers, "threads_per_worker": 1, "processes": True, "dashboard_address": None}
        options.update(cluster_kwargs or {})
        cluster = LocalCluster(**options)
        return Client(cluster), cluster
    try:
        return Client(scheduler, timeout=connect_timeout), None
    except (OSError, TimeoutError, ValueError) as exc:
        reason = " ".join(str(exc).split())[:80] or type(exc).__name__
        raise BatchError(f"cannot reach the Dask scheduler at {scheduler} within {connect_timeout:g} s ({reason}); "
                         "nothing was written") from None


def _run_dask(client, variants: tuple["Variant", ...], chunks: Sequence["Chunk"], workers: int
              ) -> Iterator[ChunkOutcome]:
    from distributed import as_completed

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


@contextlib.contextmanager
def open_executor(variants: tuple["Variant", ...], executor: str = "process", workers: int = 1,
                  scheduler: str | None = None, cluster_kwargs: dict[str, Any] | None = None,
                  connect_timeout: float = DEFAULT_CONNECT_TIMEOUT) -> Iterator[Runner]:
    """Start the executor and give a function ``chunks -> outcomes`` (in completion order, which may
    differ from plan order; the files do not). Start-up problems raise :class:`BatchError`."""
    if executor not in EXECUTORS:
        raise BatchError(f"unknown executor {executor!r}; expected one of {', '.join(EXECUTORS)}")
    if scheduler is not None and executor != "dask":
        raise BatchError("--scheduler needs --executor dask")
    if executor == "process":
        if workers <= 1:
            yield lambda chunks: run_in_process(variants, chunks)
        else:
            yield lambda chunks: run_process_pool(variants, chunks, workers)
        return
    client, cluster = _dask_client(workers, scheduler, cluster_kwargs, connect_timeout)
    try:
        yield lambda chunks: _run_dask(client, variants, chunks, workers)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

