"""Executors for sweeps, all behind :class:`concurrent.futures.Executor`.

- ``"process"``: a local process pool with the spawn start method (the OpenMP threading layer
  is not fork-safe), one worker per core by default, one Numba thread per worker. The parent
  alone handles the stop signals (Ctrl-C, SIGTERM, SIGHUP; see :mod:`wfm.sweep.runner`), and
  the workers die with it, ``kill -9`` of the parent included;
- ``"dask"``: a Dask distributed cluster reached at a scheduler address. Start its workers
  with ``NUMBA_NUM_THREADS=1`` and ``--nthreads 1`` (a run is single-threaded; parallelism
  comes from running many at once), with ``wfm`` importable.
"""
import concurrent.futures
import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time

from wfm import _validate as check

KINDS = ("process", "dask")
#: The signals that stop a sweep cleanly (handled by its parent, see :mod:`wfm.sweep.runner`):
#: Ctrl-C, the termination request of ``kill``, ``timeout`` and batch schedulers, and the
#: hang-up of a closed terminal.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


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
        with stop_signals_blocked():  # its queues start multiprocessing's resource tracker
            pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=init_worker, initargs=(os.getpid(),))
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
    local process pool, kill the workers (their runs are lost, never half-recorded; they ignore
    SIGTERM, see :func:`init_worker`)."""
    if isinstance(pool, concurrent.futures.ProcessPoolExecutor):
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.kill()
        for process in processes:
            process.join()
    else:
        pool.shutdown(wait=False)


@contextlib.contextmanager
def stop_signals_blocked():
    """Within the block, the calling thread blocks the :data:`STOP_SIGNALS` (they stay pending
    until the block ends), and so do the processes it starts meanwhile, which inherit the mask.

    Start the pool (and its helper, multiprocessing's resource tracker, which ignores SIGINT
    and SIGTERM but not SIGHUP) and submit to it within this block: a stop signal sent to the
    whole process group cannot then kill a worker before :func:`init_worker` ignores it.
    """
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


#: Seconds between two checks of a worker's watchdog that its parent is still alive.
WATCHDOG_EVERY = 1.0
#: ``prctl`` option asking the kernel to send a signal when the parent dies (linux/prctl.h).
_PR_SET_PDEATHSIG = 1


def init_worker(parent):
    """Initializer of the local pool's worker processes.

    One Numba thread; the stop signals (SIGINT, SIGTERM, SIGHUP) ignored, since the parent
    handles them for the whole sweep (a terminal's Ctrl-C, or a batch scheduler's SIGTERM,
    reaches every process of the group) and then kills the workers; and death with the parent
    ``parent`` (its pid): on Linux the kernel sends SIGKILL when the parent dies
    (``prctl(PR_SET_PDEATHSIG)``), elsewhere too a watchdog thread exits once the parent is gone
    (the worker is re-parented: ``os.getppid()`` changes). Without this, workers of a parent
    killed with ``kill -9`` would run on and hold its output pipes open.
    """
    os.environ["NUMBA_NUM_THREADS"] = "1"
    import numba

    numba.set_num_threads(1)  # numba may already be imported with the parent's thread count
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # see stop_signals_blocked
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)  # the process, libc included
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request above took effect
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="wfm-parent-watchdog", daemon=True).start()


def _watch_parent(parent):
    """Exit the process as soon as its parent ``parent`` is gone."""
    while os.getppid() == parent:
        time.sleep(WATCHDOG_EVERY)
    os._exit(1)
