"""Progress of one solve (``wfm.solve(..., progress=...)``) and the bars' visibility: reports
between kernel calls, the same results with and without them."""
import sys

import numpy as np
import pytest

import wfm
from wfm import _progress
from wfm.models import Committee, Perceptron
from wfm.problems import storage

CASES = [  # algorithm, model, problem, hyperparameters, unit, total of units (None: open-ended)
    ("famp", Perceptron(101), storage(101, 0.5, seed=1), {}, "step", None),           # adaptive: open-ended
    ("fbp", Committee(45, 3), storage(45, P=20, seed=2), {}, "step", 100),            # StandardReinforcement(0.01)
    ("sa", Perceptron(101), storage(101, 0.4, seed=3), {"sweeps": 4000}, "sweep", 4000),
    ("elal", Committee(45, 3), storage(45, P=30, seed=4), {"epochs": 300}, "epoch", 300),
    ("perceptron", Perceptron(101, weights="spherical"), storage(101, 1.0, seed=5), {}, "epoch", 1000),
    ("sgd", Perceptron(51, weights="spherical"), storage(51, 0.5, seed=6), {"epochs": 30}, "epoch", None),
    ("lbfgs", Perceptron(51, weights="spherical"), storage(51, 0.5, seed=7), {}, "iteration", 1000),
]


@pytest.mark.parametrize("algorithm, model, problem, params, unit, total", CASES, ids=[c[0] for c in CASES])
def test_reports_between_kernel_calls_leave_the_result_unchanged(algorithm, model, problem, params, unit, total):
    reports = []
    quiet = wfm.solve(problem, model, algorithm, seed=3, **params)
    shown = wfm.solve(problem, model, algorithm, seed=3, progress=reports.append, **params)
    np.testing.assert_array_equal(np.asarray(shown.w, dtype=float), np.asarray(quiet.w, dtype=float))
    assert shown.history.keys() == quiet.history.keys()
    for name, values in quiet.history.items():
        np.testing.assert_array_equal(shown.history[name], values)
    assert reports, "no report"
    assert {r["algorithm"] for r in reports} == {algorithm} and {r["unit"] for r in reports} == {unit}
    done = [r["done"] for r in reports]
    assert done == sorted(done) and done[-1] >= 1
    if unit == "step":  # one report per focusing step, errors of sign(m) after it
        assert done == list(range(1, len(quiet.history["errors"]) + 1))
        assert [r["errors"] for r in reports] == list(quiet.history["errors"])
        assert {r["total"] for r in reports} == {total}
    elif unit == "sweep" or algorithm == "elal":  # watched from a thread: the last report is the end
        assert done[-1] == len(quiet.history["energy"]) or done[-1] == quiet.iterations
        assert {r["total"] for r in reports} == {total}
    else:
        assert done == list(range(1, len(done) + 1)) and len(done) == quiet.iterations
        assert {r["total"] for r in reports} == {total}


def test_progress_true_draws_a_bar_on_stderr(capsys):
    wfm.solve(storage(101, 0.5, seed=1), Perceptron(101), "famp", seed=0, progress=True)
    err = capsys.readouterr().err
    assert "famp" in err and "step" in err and "errors=0" in err


def test_no_progress_by_default_and_bad_values_refused(capsys):
    wfm.solve(storage(101, 0.5, seed=1), Perceptron(101), "famp", seed=0)
    assert capsys.readouterr().err == ""
    with pytest.raises(TypeError, match="progress must be True, False, None or a callable, got 'yes'"):
        wfm.solve(storage(101, 0.5, seed=1), Perceptron(101), "famp", seed=0, progress="yes")


def test_bars_show_in_a_terminal_or_a_jupyter_kernel(monkeypatch):
    class Stream:
        def __init__(self, tty):
            self.tty = tty

        def isatty(self):
            return self.tty

    class Shell:
        kernel = object()

    class IPython:
        shell = None

        @classmethod
        def get_ipython(cls):
            return cls.shell

    monkeypatch.setitem(sys.modules, "IPython", IPython)
    monkeypatch.setattr(sys, "stderr", Stream(True))
    assert _progress.interactive()
    monkeypatch.setattr(sys, "stderr", Stream(False))
    assert not _progress.interactive()                   # a pipe, a file, a batch job
    IPython.shell = Shell()
    assert _progress.interactive()                       # a Jupyter kernel: tqdm.auto draws a widget
    IPython.shell = object()
    assert not _progress.interactive()                   # plain IPython in a pipe
