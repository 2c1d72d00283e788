"""Progress reports: bars shown in terminals and in Jupyter, and the progress of one solve.

Kernels never report (no I/O in kernels). An algorithm reports between kernel calls with
:func:`step` (once per focusing step, epoch, ...); a run that is one long kernel call filling
a history array sweep by sweep is watched from a thread with :func:`watch` (the kernels
release the GIL, so the thread runs meanwhile). Both cost a context-variable lookup and do
nothing else unless the caller of :func:`wfm.solve` asked for progress (:func:`solving`).
"""
import contextlib
import contextvars
import sys
import threading

import numpy as np

_CALLBACK = contextvars.ContextVar("wfm_progress", default=None)
#: Seconds between two reports of :func:`watch`.
WATCH_EVERY = 0.5


def interactive():
    """Whether a progress bar has someone to show it to: stderr is a terminal, or this is a
    Jupyter kernel (where tqdm.auto draws a widget)."""
    if sys.stderr.isatty():
        return True
    shell = sys.modules.get("IPython")
    shell = shell.get_ipython() if shell is not None and hasattr(shell, "get_ipython") else None
    return shell is not None and hasattr(shell, "kernel")


def bar(total, *, desc, unit, enabled=None):
    """A tqdm.auto progress bar on stderr (a widget in Jupyter); ``enabled`` defaults to
    :func:`interactive`."""
    from tqdm.auto import tqdm

    enabled = interactive() if enabled is None else enabled
    return tqdm(total=total, desc=desc, unit=unit, disable=not enabled, dynamic_ncols=True, file=sys.stderr)


class _Bar:
    """The callback of ``progress=True``: one bar, its total and unit set by the first report."""

    def __init__(self, algorithm):
        self.algorithm, self.bar = algorithm, None

    def __call__(self, report):
        if self.bar is None:
            self.bar = bar(report["total"], desc=self.algorithm, unit=report["unit"], enabled=True)
        self.bar.update(report["done"] - self.bar.n)
        postfix = {k: v for k, v in report.items() if k not in ("algorithm", "unit", "done", "total")}
        if postfix:
            self.bar.set_postfix(postfix, refresh=False)

    def close(self):
        if self.bar is not None:
            self.bar.close()


@contextlib.contextmanager
def solving(progress, algorithm):
    """Within the block, :func:`step` and :func:`watch` report to ``progress``.

    Parameters
    ----------
    progress : bool or callable or None
        None or False: no reports. True: a progress bar on stderr (a widget in Jupyter).
        A callable: called with a dict per report: ``algorithm``, ``unit`` ("step", "sweep",
        "epoch", "iteration"), ``done``, ``total`` (None when open-ended) and the algorithm's
        figures of the moment (e.g. ``errors``).
    algorithm : str
        The name reported.
    """
    if progress is None or progress is False:
        yield
        return
    if progress is not True and not callable(progress):
        raise TypeError(f"progress must be True, False, None or a callable, got {progress!r}")
    shown = _Bar(algorithm) if progress is True else None
    callback = shown or progress
    token = _CALLBACK.set(lambda report: callback({"algorithm": algorithm, **report}))
    try:
        yield
    finally:
        _CALLBACK.reset(token)
        if shown is not None:
            shown.close()


def step(done, total, unit, **figures):
    """Report that ``done`` of ``total`` units are done (between kernel calls)."""
    callback = _CALLBACK.get()
    if callback is not None:
        callback({"unit": unit, "done": int(done), "total": total, **figures})


def filled(array):
    """Entries of a NaN-initialised history array written so far (the leading non-NaN ones)."""
    missing = np.flatnonzero(np.isnan(array))
    return int(missing[0]) if missing.size else array.size


@contextlib.contextmanager
def watch(count, total, unit):
    """Within the block (one long kernel call), report ``count()`` of ``total`` every
    :data:`WATCH_EVERY` seconds from a thread, and once more at the end."""
    callback = _CALLBACK.get()
    if callback is None:
        yield
        return
    stop = threading.Event()

    def poll():
        while not stop.wait(WATCH_EVERY):
            callback({"unit": unit, "done": count(), "total": total})

    thread = threading.Thread(target=poll, name="wfm-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        callback({"unit": unit, "done": count(), "total": total})
