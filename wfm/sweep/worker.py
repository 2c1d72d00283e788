"""Run one task in a worker: build the problem and model, solve, return a plain record.

The record holds only JSON-serialisable values and numpy arrays, never the problem or model
objects, so that it crosses process and network boundaries cheaply and the parent writes it to
HDF5 as is. An exception raised by the run is caught and returned as a failed record.
"""
import dataclasses
import inspect
import os
import time

import numpy as np

from wfm import models, problems, solve
from wfm.sweep.grid import algorithm_seed, columns, measure_seed, problem_seed, task_key


def init_worker():
    """Initializer of sweep worker processes: one Numba thread, Ctrl-C left to the parent."""
    import signal

    import numba

    os.environ["NUMBA_NUM_THREADS"] = "1"
    numba.set_num_threads(1)  # numba may already be imported with the parent's thread count
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def build(task):
    """The (problem, model) pair described by a task.

    For ``load="weight"`` the number of patterns is alpha times the number of first-layer
    weights (K n for a committee, N for a perceptron); otherwise alpha times N.
    """
    model = models.from_spec(task["model"])
    spec = dict(task["problem"])
    kind = spec.pop("kind")
    seed = problem_seed(task)
    if kind == "digits":
        return problems.digits(**spec, seed=seed), model
    load = spec.pop("load")
    N, alpha = spec.pop("N"), spec.pop("alpha")
    weights = model.K * model.n if load == "weight" and hasattr(model, "K") else N
    P = int(round(alpha * weights))
    if P < 1:
        raise ValueError(f"alpha = {alpha} gives no pattern (P = round(alpha * {weights}) = 0)")
    if kind == "teacher_student":
        spec["teacher"] = models.from_spec(spec["teacher"])
        return problems.teacher_student(N, P=P, **spec, seed=seed), model
    return problems.storage(N, P=P, **spec, seed=seed), model


def _scalar(value):
    """A Python scalar for numbers, bools and strings; None for anything else."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, str):
        return value
    return None


def _arrays(result):
    arrays = {}
    if isinstance(result.w, (tuple, list)):
        arrays["W"], arrays["v"] = (np.asarray(a) for a in result.w)
    else:
        arrays["w"] = np.asarray(result.w)
    for name, value in result.history.items():
        arrays[f"history/{name}"] = np.asarray(value)
    for name, value in result.extra.items():
        value = np.asarray(value)
        if value.ndim and value.dtype.kind in "biuf":
            arrays[f"extra/{name}"] = value
    return arrays


def _measure_fields(value):
    """(name, value) pairs of a measure's result: '' for a bare number or array."""
    if dataclasses.is_dataclass(value):
        return [(f.name, getattr(value, f.name)) for f in dataclasses.fields(value)]
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return list(zip(value._fields, value))
    return [("", value)]


def measure(task, problem, model, w):
    """Evaluate the task's measures at ``w``; return (scalars, arrays) for the record.

    A scalar field ``f`` of measure ``m`` becomes the result ``m.f`` (``m`` for a bare number),
    an array field the dataset ``measures/m/f`` (``measures/m`` for a bare array); ``m`` may be
    ``name:label`` (measure ``name`` under another label).
    """
    from wfm.measures import MEASURES

    scalars, arrays = {}, {}
    for name, arguments in task.get("measures", {}).items():
        function = MEASURES[name.partition(":")[0]]
        arguments = dict(arguments)
        if "seed" in inspect.signature(function).parameters:
            arguments.setdefault("seed", measure_seed(task, name))
        for field, value in _measure_fields(function(problem, model, w, **arguments)):
            label = f"{name}.{field}" if field else name
            if _scalar(value) is not None:
                scalars[label] = _scalar(value)
            elif isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
                arrays["measures/" + label.replace(".", "/")] = value
    return scalars, arrays


def run_task(task):
    """Run one task; return its record.

    Parameters
    ----------
    task : dict
        A task from :meth:`wfm.sweep.Sweep.tasks`.

    Returns
    -------
    dict
        ``key``, ``task``, ``columns`` (flat parameters and seeds), ``status`` ("done" or
        "failed"), ``message`` (the error of a failed run, else ""), ``results`` (scalars:
        ``errors``, ``solved``, ``iterations``, ``seconds``, ``P``, ``test_error`` when there is
        a test set, ``extra.<name>`` for scalar extras) and ``arrays`` (name -> ndarray: ``w``
        or ``W`` and ``v``, ``history/<name>``, ``extra/<name>``).
    """
    record = {"key": task_key(task), "task": task, "columns": columns(task),
              "status": "done", "message": "", "results": {}, "arrays": {}}
    record["columns"]["problem_seed"] = problem_seed(task)
    record["columns"]["algorithm_seed"] = algorithm_seed(task)
    start = time.perf_counter()
    try:
        problem, model = build(task)
        result = solve(problem, model, task["algorithm"], seed=algorithm_seed(task), **task["params"])
        results = {"errors": int(result.errors), "solved": bool(result.solved),
                   "iterations": int(result.iterations), "seconds": float(result.seconds),
                   "P": int(problem.P)}
        if problem.X_test is not None:
            results["test_error"] = float(model.test_error(problem, result.w))
        for name, value in result.extra.items():
            if _scalar(value) is not None:
                results[f"extra.{name}"] = _scalar(value)
        record["arrays"] = _arrays(result)
        scalars, arrays = measure(task, problem, model, result.w)
        record["results"] = {**results, **scalars}
        record["arrays"].update(arrays)
    except Exception as error:  # a failed run is recorded, the sweep goes on
        record["status"] = "failed"
        record["message"] = f"{type(error).__name__}: {error}"
        record["results"] = {"seconds": time.perf_counter() - start}
    return record
