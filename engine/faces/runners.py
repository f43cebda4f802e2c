"""Where a batch's chunks run: a pool of local worker processes, or a Dask cluster; in order, with a
bounded number of chunks in flight."""

from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Iterable, Iterator, List, Tuple

from engine.errors import YibaoError
from engine.faces.chunk import ChunkResult, process_chunk, worker_init, worker_prepare
from engine.faces.interrupt import stops_held


def chunks(records: Iterable[Tuple[int, Any]], size: int) -> Iterator[List[Tuple[int, Any]]]:
    chunk: List[Tuple[int, Any]] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class LocalRunner:
    """Chunks on a pool of worker processes (or in this process when workers == 1), in order,
    bounded in flight.

    A :class:`~concurrent.futures.ProcessPoolExecutor`: a worker that dies breaks the pool (every
    pending chunk fails at once) instead of being replaced behind the parent's back, and stopping
    it never waits on a queue lock a dead worker held — both of which made ``multiprocessing.Pool``
    hang on a SIGTERM sent to the whole process group. Workers ignore SIGINT and SIGTERM: the
    parent stops them (it finishes the chunks they hold, then they exit).
    """

    def __init__(self, rulebook_id: str, workers: int):
        self.rulebook_id = rulebook_id
        self.pool = None
        self.workers = workers

    @property
    def parallel(self) -> bool:
        return self.workers > 1

    def _start(self) -> None:
        # The pool starts with the first chunk, not before: a ledger rejected while its header is
        # read never forks workers.
        context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
        self.pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=worker_init,
                                        initargs=(self.rulebook_id,))

    @property
    def in_flight(self) -> int:
        return max(2, self.workers * 3)

    def submit(self, args: tuple):
        if not self.parallel:
            return process_chunk(*args)
        if self.pool is None:
            self._start()
        with stops_held():  # workers are forked on demand here: a signal during a fork would be swallowed
            return self.pool.submit(process_chunk, *args)

    def result(self, handle) -> ChunkResult:
        if not self.parallel:
            return handle
        try:
            return handle.result()
        except BrokenProcessPool:
            raise YibaoError("a worker process died (out of memory, or killed); no output was written") from None

    def close(self, ok: bool) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=not ok)


class DaskRunner:
    """Chunks (whole persons) as Dask futures on a distributed cluster; results gathered in order."""

    def __init__(self, rulebook_id: str, address: str, workers: int):
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise YibaoError("--dask needs the dask extra: pip install 'yibao-rules[dask]'") from None
        self.cluster = None
        if address == "local":
            self.cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                                        dashboard_address=None)
            self.client = Client(self.cluster)
        else:
            try:
                self.client = Client(address, timeout="15s")
            except (OSError, TimeoutError, ValueError) as error:
                raise YibaoError(f"cannot reach the Dask scheduler at '{address}': {error}") from None
        self.rulebook_id = rulebook_id
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})) or workers)
        # Compile the rulebook once on every worker before the first chunk (and fail early if a worker can't).
        self.client.run(worker_prepare, rulebook_id, os.getpid())

    @property
    def in_flight(self) -> int:
        return max(2, self.workers * 3)

    def submit(self, args: tuple):
        return self.client.submit(process_chunk, *args, pure=False)

    def result(self, handle) -> ChunkResult:
        return handle.result()

    def close(self, ok: bool) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


