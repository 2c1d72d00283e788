"""Registry of learning algorithms and the common :func:`solve` entry point.

An algorithm is a function ``run(problem, model, rng, **params) -> dict`` registered under a
name with :func:`register`, together with the default and the check of every hyperparameter.
:func:`solve` validates the problem, the model and the hyperparameters (:meth:`Algorithm.check`,
which sweeps also run for every task before any run starts), seeds the generator, times the run
and wraps what the algorithm returns in a :class:`Result`; the training error of the returned
weights is recomputed by the model itself, never trusted from the algorithm.
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
    """A registered algorithm: its runner, defaults, hyperparameter checks and which models it accepts."""

    name: str
    run: object
    defaults: dict
    accepts: object
    summary: str
    checks: dict
    joint: object = None
    memory: object = None

    def check(self, params, model=None):
        """Check hyperparameters (names, then each value, then the relations between them).

        Parameters
        ----------
        params : dict
            Hyperparameters to check; the missing ones take their defaults.
        model : wfm.models.Perceptron or wfm.models.Committee, optional
            The model they will train, for checks that depend on it (and its support by the
            algorithm).

        Raises
        ------
        ValueError or TypeError
            One line naming the parameter, the value and what is allowed.
        """
        if model is not None:
            reason = self.accepts(model)
            if reason:
                raise ValueError(f"algorithm {self.name!r} does not support {model!r}: {reason}")
        unknown = sorted(set(params) - set(self.defaults))
        if unknown:
            allowed = ", ".join(sorted(self.defaults)) or "none"
            raise ValueError(f"unknown parameter(s) {', '.join(unknown)} for algorithm {self.name!r}; "
                             f"allowed: {allowed}")
        merged = {**self.defaults, **params}
        try:
            for name, value in merged.items():
                self.checks[name](name, value)
            if self.joint is not None:
                self.joint(merged, model)
        except (ValueError, TypeError) as error:
            raise type(error)(f"algorithm {self.name!r}: {error}") from None

    def working_memory(self, P, weights, params):
        """Bytes of the run's own arrays beyond the patterns (an estimate; 0 when negligible)."""
        return 0 if self.memory is None else self.memory(P, weights, {**self.defaults, **params})


def register(name, *, defaults, accepts, summary, checks, joint=None, memory=None):
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
    checks : dict
        For every hyperparameter of ``defaults`` (at least), its check: a callable
        ``check(name, value)`` raising ValueError or TypeError with a one-line message
        (``wfm._validate.Integer``, ``Real``, ``Choice``, ``Flag``, or a function for structured
        values). A module may pass one table for all its algorithms.
    joint : callable, optional
        ``joint(params, model)`` raising ValueError for relations between hyperparameters, or
        between them and the model (``model`` may be None); ``params`` holds every one.
    memory : callable, optional
        ``memory(P, weights, params) -> bytes``: the working arrays of a run on P patterns and
        ``weights`` first-layer weights, when they are larger than the patterns themselves.
    """
    missing = sorted(set(defaults) - set(checks))
    if missing:
        raise ValueError(f"algorithm {name!r}: no check given for parameter(s) {', '.join(missing)}")

    def decorator(run):
        if name in _REGISTRY:
            raise ValueError(f"algorithm {name!r} is already registered")
        _REGISTRY[name] = Algorithm(name, run, _plain(defaults), accepts, summary,
                                    {key: checks[key] for key in defaults}, joint,
                                    memory)
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
    if not isinstance(name, str) or name not in _REGISTRY:
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
    from wfm.models import Committee, Perceptron, check_problem

    if not isinstance(model, (Perceptron, Committee)):
        raise TypeError(f"model must be a wfm.models.Perceptron or wfm.models.Committee (e.g. "
                        f"wfm.models.Perceptron(N)), got {model!r} of type {type(model).__name__}; "
                        f"call solve(problem, model, algorithm, seed=...)")
    if not isinstance(algorithm, str):
        raise TypeError(f"algorithm must be a name, one of {', '.join(names())}; got {algorithm!r}")
    entry = get(algorithm)
    check_problem(model, problem)
    entry.check(params, model)
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
