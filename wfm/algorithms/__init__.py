"""Registry of learning algorithms and the common :func:`solve` entry point.

An algorithm is a function ``run(problem, model, rng, **params) -> dict`` registered under a
name with :func:`register`. :func:`solve` validates the problem and model, seeds the generator,
times the run and wraps what the algorithm returns in a :class:`Result`; the training error of
the returned weights is recomputed by the model itself, never trusted from the algorithm.
"""
import time
from dataclasses import dataclass, field

import numpy as np

from wfm import _progress, _validate as check

_REGISTRY = {}


@dataclass
class Result:
    """Outcome of one run of a learning algorithm.

    Attributes
    ----------
    w : ndarray or tuple
        Final weights, in the model's layout.
    errors : int
        Training errors of ``w``, computed by ``model.errors``.
    solved : bool
        ``errors == 0``.
    iterations : int
        Algorithm-specific count of iterations (sweeps, steps, epochs).
    seconds : float
        Wall-clock time of the run.
    history : dict of ndarray
        Per-step records (algorithm specific, documented with each algorithm).
    params : dict
        The hyperparameters used, defaults included, as JSON-serialisable values (an object
        such as a focusing protocol is recorded by its ``spec()``, which the algorithm accepts back).
    extra : dict
        Other algorithm-specific outputs (for example magnetizations).
    """

    w: object
    errors: int
    solved: bool
    iterations: int
    seconds: float
    history: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Algorithm:
    """A registered algorithm: its runner, defaults and which models it accepts."""

    name: str
    run: object
    defaults: dict
    accepts: object
    summary: str


def register(name, *, defaults, accepts, summary):
    """Decorator registering ``run(problem, model, rng, **params)`` under ``name``.

    Parameters
    ----------
    name : str
        Name used in :func:`solve` and on the command line.
    defaults : dict
        Every hyperparameter with its default; :func:`solve` refuses unknown names. Defaults are
        stored JSON-serialisable (objects by their ``spec()``), so sweeps can record them.
    accepts : callable
        ``accepts(model) -> str or None``: a reason why the model is not supported, or None.
    summary : str
        One line shown by ``wfm info`` and in error messages.
    """
    def decorator(run):
        if name in _REGISTRY:
            raise ValueError(f"algorithm {name!r} is already registered")
        _REGISTRY[name] = Algorithm(name, run, _plain(defaults), accepts, summary)
        return run
    return decorator


def _load_builtin():
    # each module registers its algorithms on import
    from wfm.algorithms import entropic_sgd  # noqa: F401
    from wfm.algorithms import exact  # noqa: F401
    from wfm.algorithms import lbfgs  # noqa: F401
    from wfm.algorithms import least_action  # noqa: F401
    from wfm.algorithms import message_passing  # noqa: F401
    from wfm.algorithms import monte_carlo  # noqa: F401
    from wfm.algorithms import perceptron_rule  # noqa: F401
    from wfm.algorithms import sgd  # noqa: F401


def names():
    """Sorted names of the registered algorithms."""
    _load_builtin()
    return sorted(_REGISTRY)


def get(name):
    """The :class:`Algorithm` registered under ``name``."""
    _load_builtin()
    if name not in _REGISTRY:
        raise ValueError(f"algorithm must be one of {', '.join(map(repr, sorted(_REGISTRY)))}, got {name!r}")
    return _REGISTRY[name]


def solve(problem, model, algorithm, *, seed, progress=None, **params):
    """Train ``model`` on ``problem`` with a registered algorithm.

    Parameters
    ----------
    problem : wfm.problems.Problem
    model : wfm.models.Perceptron or wfm.models.Committee
    algorithm : str
        One of :func:`names`.
    seed : int
        Seed of the algorithm's randomness; the run is a pure function of its arguments.
    progress : bool or callable, optional
        Report the run's progress between kernel calls (focusing steps, sweeps, epochs):
        True shows a progress bar on stderr (a widget in Jupyter); a callable is called with
        a dict per report (:func:`wfm._progress.solving`). Default: no reports.
    **params
        Hyperparameters of the algorithm (see its defaults with ``wfm info``).

    Returns
    -------
    Result
    """
    from wfm.models import _problem_of

    entry = get(algorithm)
    _problem_of(model, problem)
    reason = entry.accepts(model)
    if reason:
        raise ValueError(f"algorithm {algorithm!r} does not support {model!r}: {reason}")
    unknown = sorted(set(params) - set(entry.defaults))
    if unknown:
        allowed = ", ".join(sorted(entry.defaults)) or "none"
        raise ValueError(f"unknown parameter(s) {', '.join(unknown)} for algorithm {algorithm!r}; "
                         f"allowed: {allowed}")
    merged = {**entry.defaults, **params}
    rng = check.generator(seed)
    start = time.perf_counter()
    with _progress.solving(progress, algorithm):
        out = entry.run(problem, model, rng, **merged)
    seconds = time.perf_counter() - start
    errors = model.errors(problem, out["w"])
    history = {key: np.asarray(value) for key, value in out.get("history", {}).items()}
    return Result(w=out["w"], errors=errors, solved=errors == 0,
                  iterations=int(out.get("iterations", 0)), seconds=seconds,
                  history=history, params=_plain(merged), extra=out.get("extra", {}))


def _plain(params):
    """Parameters as JSON-serialisable values: objects with a ``spec()`` are replaced by it."""
    return {key: value.spec() if hasattr(value, "spec") else value for key, value in params.items()}
