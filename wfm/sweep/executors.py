"""Executors for sweeps, all behind :class:`concurrent.futures.Executor`.

- ``"process"``: a local process pool with the spawn start method (the OpenMP threading layer
  is not fork-safe), one worker per core by default, one Numba thread per worker;
- ``"dask"``: a Dask distributed cluster reached at a scheduler address. Start its workers
  with ``NUMBA_NUM_THREADS=1`` and ``--nthreads 1`` (a run is single-threaded; parallelism
  comes from running many at once), with ``wfm`` importable.
"""
import concurrent.futures
import contextlib
import multiprocessing
import os

from wfm import _validate as check
from wfm.sweep.worker import init_worker

KINDS = ("process", "dask")


@contextlib.contextmanager
def executor(kind="process", *, workers=None, scheduler_address=None):
    """Context manager yielding a :class:`concurrent.futures.Executor` for a sweep.

    Parameters
    ----------
    kind : {"process", "dask"}
        Local process pool or Dask distributed.
    workers : int, optional
        Number of worker processes of the pool (default: ``os.cpu_count()``); not used with Dask,
        whose workers are those of the cluster.
    scheduler_address : str, optional
        Address of the Dask scheduler, e.g. ``"tcp://127.0.0.1:8786"`` (required for Dask).
    """
    workers = check_executor(kind, workers=workers, scheduler_address=scheduler_address)
    if kind == "process":
        pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=init_worker)
        try:
            yield pool
        except BaseException:
            stop(pool)
            raise
        pool.shutdown(wait=True)
        return
    try:
        import distributed
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("the 'dask' executor needs dask.distributed: pip install 'wfm[dask]'") from error
    try:
        client = distributed.Client(scheduler_address, timeout=10, set_as_default=False)
    except OSError as error:
        raise OSError(f"cannot reach the Dask scheduler at {scheduler_address!r}: {error}") from None
    try:
        pool = client.get_executor(pure=False)
        try:
            yield pool
        finally:
            pool.shutdown(wait=False)
    finally:
        client.close()


def check_executor(kind, *, workers=None, scheduler_address=None):
    """Validate the executor arguments; return the number of local workers (None for Dask)."""
    check.choice("executor", kind, KINDS)
    if kind == "process":
        if scheduler_address is not None:
            raise ValueError("scheduler_address is only used with the 'dask' executor")
        return (os.cpu_count() or 1) if workers is None else check.integer("workers", workers, minimum=1)
    if not isinstance(scheduler_address, str) or not scheduler_address:
        raise ValueError(f"the 'dask' executor needs scheduler_address (e.g. 'tcp://127.0.0.1:8786'), "
                         f"got {scheduler_address!r}")
    if workers is not None:
        raise ValueError("workers is not used with the 'dask' executor (the cluster has its own workers)")
    return None


def stop(pool):
    """Shut ``pool`` down without waiting for running tasks: cancel the queued ones and, for a
    local process pool, terminate the workers (their runs are lost, never half-recorded)."""
    if isinstance(pool, concurrent.futures.ProcessPoolExecutor):
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join()
    else:
        pool.shutdown(wait=False)
