"""Run a sweep: skip the runs already in the results file, execute the others, record each one.

A task's result depends only on the task (its seeds are derived from it), never on the
executor, the number of workers or the order in which runs complete.
"""
import concurrent.futures
import contextlib
import sys
import time
from dataclasses import dataclass

from wfm import store
from wfm.sweep.executors import check_executor, executor as make_executor, stop
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
        True when Ctrl-C stopped the sweep (every completed run is kept).
    seconds : float
        Wall-clock time of the call.
    """

    total: int
    skipped: int
    done: int = 0
    failed: int = 0
    solved: int = 0
    interrupted: bool = False
    seconds: float = 0.0

    @property
    def remaining(self):
        """Tasks neither done before nor completed by this call."""
        return self.total - self.skipped - self.done - self.failed


def _progress(total, skipped, enabled):
    from tqdm.auto import tqdm

    if enabled is None:
        enabled = sys.stderr.isatty()
    return tqdm(total=total, initial=0, unit="run", disable=not enabled, dynamic_ncols=True,
                desc=f"sweep ({skipped} done before)" if skipped else "sweep", file=sys.stderr)


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
        stderr is a terminal).
    command : str, optional
        Command line recorded in the file.
    commit_every : float
        Seconds between merges of completed runs from the journal into the main file.

    Returns
    -------
    Summary
        Counts of skipped, done, failed and solved runs. Failed runs (the run raised) are
        recorded with their message and retried by the next call; done runs are skipped.
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
    with pool_context as pool, \
            store.Writer(path, sweep=spec, command=command, commit_every=commit_every) as writer:
        statuses = writer.statuses()
        todo = [task for task in tasks if statuses.get(task_key(task)) != "done"]
        summary = Summary(total=len(tasks), skipped=len(tasks) - len(todo))
        try:
            _drain(pool, todo, writer, summary, progress)
        except KeyboardInterrupt:
            summary.interrupted = True
            if owned:
                stop(pool)
    summary.seconds = time.perf_counter() - start
    return summary


def _drain(pool, todo, writer, summary, progress):
    """Submit every task, write each record as it completes, update the progress bar."""
    if not todo:
        return
    bar = _progress(len(todo), summary.skipped, progress)
    futures = [pool.submit(run_task, task) for task in todo]
    try:
        for future in concurrent.futures.as_completed(futures):
            record = future.result()
            writer.write(record)
            if record["status"] == "done":
                summary.done += 1
                summary.solved += bool(record["results"]["solved"])
            else:
                summary.failed += 1
            bar.set_postfix(done=summary.done, solved=summary.solved, failed=summary.failed, refresh=False)
            bar.update()
    except BaseException:
        for future in futures:
            future.cancel()
        raise
    finally:
        bar.close()
