"""Compilation of wfm's Numba kernels: a notice when it happens, and compiling ahead of time.

Numba compiles a kernel for its argument types at the first call in a process, unless its
on-disk cache (``NUMBA_CACHE_DIR``, by default ``__pycache__`` next to the sources) holds it
from an earlier process on this machine with the same sources: then it only loads it. The
first run of wfm after an install or an update therefore spends a while compiling, which
:func:`announce_compilation` makes visible with one line on stderr per process, printed only
when a kernel really compiles (Numba's ``numba:compile`` event, which a cache hit does not
raise). :func:`warmup` compiles ahead of time, e.g. on cluster workers before a sweep
(``wfm warmup``).
"""
import sys
import time

from numba.core import event

#: The line printed on stderr when wfm's kernels first compile in a process.
NOTICE = "wfm: compiling Numba kernels (first run on this machine; later runs load them from the cache)"


def _is_wfm(data):
    """Whether a ``numba:compile`` event compiles one of wfm's kernels."""
    dispatcher = data.get("dispatcher") if isinstance(data, dict) else None
    return getattr(getattr(dispatcher, "py_func", None), "__module__", "").startswith("wfm.")


class _Compilations(event.Listener):
    """Counts the compilations of wfm's kernels; prints :data:`NOTICE` at the first one when
    ``announce`` is set."""

    def __init__(self, announce):
        self.announce, self.count = announce, 0

    def on_start(self, ev):
        if _is_wfm(ev.data):
            if self.count == 0 and self.announce:
                print(NOTICE, file=sys.stderr, flush=True)
            self.count += 1

    def on_end(self, ev):
        pass


_NOTICE = []


def announce_compilation():
    """Print :data:`NOTICE` on stderr when a kernel of wfm compiles for the first time in this
    process (once per process; nothing on cache hits). Idempotent."""
    if not _NOTICE:
        _NOTICE.append(_Compilations(announce=True))
        event.register("numba:compile", _NOTICE[0])


def _models():
    """One small model of each kind the kernels are specialised for."""
    from wfm.models import Committee, Perceptron

    return [Perceptron(21), Perceptron(21, weights="spherical"), Committee(21, 3), Committee(21, 3, tree=False),
            Committee(21, 3, activation="relu", weights="continuous")]


def warmup(names=None, report=None):
    """Compile (or load from the cache) the kernels of the algorithms ``names``.

    Each algorithm solves a small instance (N = 21, P = 9) with its default hyperparameters
    for every kind of model it accepts (binary and spherical perceptrons; tree, fully
    connected and continuous ReLU committees), which compiles the kernels it calls for the
    argument types of a sweep.

    Parameters
    ----------
    names : list of str, optional
        Registered algorithms (default: all of them).
    report : callable, optional
        Called as ``report(name, models, compiled, seconds)`` after each algorithm: the number
        of models it ran on, of kernels it compiled (0: all loaded from the cache), and the time.

    Returns
    -------
    int
        The number of kernels compiled.
    """
    from wfm import algorithms
    from wfm.problems import storage

    names = algorithms.names() if names is None else [algorithms.get(name).name for name in names]
    counter = _Compilations(announce=False)
    total = 0
    with event.install_listener("numba:compile", counter):
        for name in names:
            entry, start, before, ran = algorithms.get(name), time.perf_counter(), counter.count, 0
            for model in _models():
                if entry.accepts(model) is None:
                    algorithms.solve(storage(model.N, P=9, seed=0), model, name, seed=0)
                    ran += 1
            total += counter.count - before
            if report is not None:
                report(name, ran, counter.count - before, time.perf_counter() - start)
    return total
