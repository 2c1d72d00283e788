"""Run a sweep: skip the runs already in the results file, execute the others, record each one.

A task's result depends only on the task (its seeds are derived from it), never on the
executor, the number of workers or the order in which runs complete.
"""
import concurrent.futures
import contextlib
import signal
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from wfm import store
from wfm._progress import bar as progress_bar
from wfm.sweep.executors import STOP_SIGNALS, check_executor, stop, stop_signals_blocked
from wfm.sweep.executors import executor as make_executor
from wfm.sweep.grid import Sweep, task_key
from wfm.sweep.worker import run_task


@dataclass
class Summary:
    """What a call to :func:`run` did.

    Attributes
    ----------
    total : int
        Tasks in the sweep.
    skipped : int
        Tasks already done in the file before this call.
    done, failed, solved : int
        Runs completed by this call: successfully, with an error, and with zero training errors.
    interrupted : bool
        True when a stop signal (Ctrl-C, SIGTERM, SIGHUP) stopped the sweep (every completed
        run is kept).
    signal : int
        The signal that stopped the sweep (``signal.SIGINT`` for Ctrl-C), 0 if none: a
        program stopping in turn exits with code 128 + signal, as the shell reports a process
        the signal killed (130, 143, 129).
    seconds : float
        Wall-clock time of the call.
    failures : collections.Counter
        The message of each failed run of this call -> how many runs failed with it.
    """

    total: int
    skipped: int
    done: int = 0
    failed: int = 0
    solved: int = 0
    interrupted: bool = False
    signal: int = 0
    seconds: float = 0.0
    failures: Counter = field(default_factory=Counter)

    @property
    def remaining(self):
        """Tasks neither done before nor completed by this call."""
        return self.total - self.skipped - self.done - self.failed


def run(sweep, path, *, executor="process", workers=None, scheduler_address=None, progress=None,
        command=None, commit_every=30.0):
    """Run every task of ``sweep`` that is not yet done in the results file ``path``.

    Parameters
    ----------
    sweep : Sweep or list of Sweep
        The grid of runs (several grids run as one sweep; a task in two grids runs once).
    path : str or os.PathLike
        Results file (:mod:`wfm.store`); created if missing, resumed if it exists.
    executor : {"process", "dask"} or concurrent.futures.Executor
        Where the runs execute; an Executor instance is used as is (and not shut down).
    workers : int, optional
        Processes of the local pool (default one per core).
    scheduler_address : str, optional
        Dask scheduler address, for ``executor="dask"``.
    progress : bool, optional
        Show a progress bar with done, solved and failed counts and an ETA (default: when
        stderr is a terminal, or in Jupyter, where it is a widget).
    command : str, optional
        Command line recorded in the file.
    commit_every : float
        Seconds between merges of completed runs from the journal into the main file.

    Returns
    -------
    Summary
        Counts of skipped, done, failed and solved runs. Failed runs (the run raised) are
        recorded with their message and retried by the next call; done runs are skipped.

    Notes
    -----
    Called from the main thread, the sweep handles Ctrl-C (SIGINT), SIGTERM (sent by ``kill``,
    ``timeout``, SLURM, Kubernetes) and SIGHUP (a closed terminal) alike: no new run starts, the
    local workers are killed (their runs are lost), the completed runs are merged into the file,
    the lock is released and the returned summary says which signal stopped the sweep. A signal
    whose handler is not Python's default (set by the caller, or SIGHUP ignored by ``nohup``)
    is left alone.
    """
    sweeps = [sweep] if isinstance(sweep, Sweep) else list(sweep) if isinstance(sweep, (list, tuple)) else None
    if not sweeps or not all(isinstance(s, Sweep) for s in sweeps):
        raise TypeError(f"sweep must be a wfm.sweep.Sweep or a non-empty list of them, got {sweep!r}")
    if not isinstance(executor, concurrent.futures.Executor):
        check_executor(executor, workers=workers, scheduler_address=scheduler_address)
    start = time.perf_counter()
    tasks = list({task_key(task): task for s in sweeps for task in s.tasks()}.values())
    spec = sweeps[0].to_dict() if len(sweeps) == 1 else [s.to_dict() for s in sweeps]
    owned = not isinstance(executor, concurrent.futures.Executor)
    pool_context = make_executor(executor, workers=workers, scheduler_address=scheduler_address) \
        if owned else contextlib.nullcontext(executor)
    with _stop_signals() as stopped, pool_context as pool, \
            store.Writer(path, sweep=spec, command=command, commit_every=commit_every) as writer:
        statuses = writer.statuses()
        todo = [task for task in tasks if statuses.get(task_key(task)) != "done"]
        summary = Summary(total=len(tasks), skipped=len(tasks) - len(todo))
        try:
            _drain(pool, todo, writer, summary, progress, stopped)
        except KeyboardInterrupt:
            summary.interrupted = True
            if owned:
                stop(pool)
    if stopped.signum:  # a signal during the last merge too: the caller is asked to stop
        summary.interrupted = True
    if summary.interrupted:
        summary.signal = stopped.signum or signal.SIGINT
    summary.seconds = time.perf_counter() - start
    return summary


#: Seconds between checks for a stop signal while the sweep waits for runs to complete.
WAKE_EVERY = 0.2


class _Stop:
    """A signal handler that only records the first signal received (``signum``)."""

    signum = 0

    def __call__(self, signum, frame):
        self.signum = self.signum or signum


@contextlib.contextmanager
def _stop_signals():
    """Within the block, the :data:`STOP_SIGNALS` set the yielded :class:`_Stop`'s ``signum``
    instead of raising KeyboardInterrupt (SIGINT) or ending the process (SIGTERM, SIGHUP)
    wherever the main thread happens to be; the previous handlers come back at exit.

    Raised asynchronously, KeyboardInterrupt can land in a weakref callback or a finalizer
    (an h5py object collected after a write), where Python prints "Exception ignored" and
    drops it: the sweep would go on until the next run completes, however long that takes.
    Only signals with Python's default handler are taken over, and none outside the main
    thread (where the yielded flag is never set).
    """
    stopped = _Stop()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in STOP_SIGNALS:
            handler = signal.getsignal(signum)
            if handler is (signal.default_int_handler if signum == signal.SIGINT else signal.SIG_DFL):
                previous[signum] = handler
                signal.signal(signum, stopped)
    try:
        yield stopped
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _drain(pool, todo, writer, summary, progress, stopped):
    """Submit every task, write each record as it completes, update the progress bar; after a
    stop signal (``stopped.signum`` set), raise KeyboardInterrupt once the runs completed so far
    are written (within :data:`WAKE_EVERY` seconds when none is completing)."""
    if not todo:
        return
    skipped = summary.skipped
    bar = progress_bar(len(todo), desc=f"sweep ({skipped} done before)" if skipped else "sweep", unit="run",
                       enabled=progress)
    with stop_signals_blocked():  # a local pool starts its workers here
        futures = [pool.submit(run_task, task) for task in todo]
    order = {future: index for index, future in enumerate(futures)}
    pending = set(futures)
    try:
        while pending:
            if stopped.signum:
                raise KeyboardInterrupt
            done, pending = concurrent.futures.wait(pending, timeout=WAKE_EVERY,
                                                    return_when=concurrent.futures.FIRST_COMPLETED)
            for future in sorted(done, key=order.get):
                _record(future.result(), writer, summary, bar)
    except BaseException:
        for future in futures:
            future.cancel()
        raise
    finally:
        bar.close()


def _record(record, writer, summary, bar):
    """Write one completed run and count it."""
    writer.write(record)
    if record["status"] == "done":
        summary.done += 1
        summary.solved += bool(record["results"]["solved"])
    else:
        summary.failed += 1
        summary.failures[record["message"]] += 1
    bar.set_postfix(done=summary.done, solved=summary.solved, failed=summary.failed, refresh=False)
    bar.update()
