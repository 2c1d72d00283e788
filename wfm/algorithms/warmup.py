"""Compiling the kernels of the registered algorithms ahead of time (``wfm warmup``).

Numba compiles a kernel at its first call in a process unless its on-disk cache holds it
(:mod:`wfm._compile`); running each algorithm once on a small instance, for every kind of
model it accepts, fills that cache, e.g. on cluster workers before a sweep.
"""
import time

from numba.core import event

from wfm._compile import Compilations


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
    counter = Compilations(announce=False)
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
