"""Exact answers to check the approximate ones against.

Binary weights, by exhaustive enumeration of all 2^M weight vectors (M <= 30 weights):

- :func:`count_solutions`: the number of solutions (zero training errors);
- :func:`count_by_distance`: solutions by Hamming distance from a reference (exact local
  entropy S(d) = (1/N) log count[d N]);
- :func:`magnetizations`: the marginals m_i = <w_i> of the uniform measure on solutions.

The enumeration walks a Gray code, one weight flip and an O(P) field update per configuration,
in parallel blocks (:mod:`wfm._kernels.enumeration`). Supported models: the binary perceptron
(any kappa) and the binary sign committee machine with a fixed second layer (tree or fully
connected, majority or parity output), with +-1 or real-valued inputs.

Continuous weights, by convex optimisation (scipy):

- :func:`separable`: whether a homogeneous linear separator exists (linear programming);
- :func:`max_margin`: the maximal stability kappa_max of the spherical perceptron.
"""
from collections import namedtuple

import numpy as np
from scipy.optimize import linprog, nnls

from wfm import _validate as check
from wfm import models
from wfm._kernels import codes
from wfm._kernels import enumeration as kernel

LIMIT = 30
"""Largest number of binary weights :func:`count_solutions` and friends enumerate."""

_MIN_LOW_BITS = 10  # weights walked inside one block: at least 2^10 steps per field initialisation
_MAX_HIGH_BITS = 8  # at most 2^8 blocks (work space grows with the number of blocks)

Magnetizations = namedtuple("Magnetizations", ["count", "m"])
Magnetizations.__doc__ = """Exact marginals: the number of solutions ``count`` and the mean ``m`` of w over them."""

MaxMargin = namedtuple("MaxMargin", ["kappa", "w"])
MaxMargin.__doc__ = """Maximal stability ``kappa`` and the weights ``w`` (|w|^2 = N) that reach it."""


def unsupported(model):
    """Why exhaustive enumeration cannot handle ``model``, or None when it can.

    Parameters
    ----------
    model : wfm.models.Perceptron or wfm.models.Committee

    Returns
    -------
    str or None
    """
    if not isinstance(model, (models.Perceptron, models.Committee)):
        return f"model must be a wfm.models.Perceptron or Committee, got {type(model).__name__}"
    if not model.binary:
        return f"enumeration needs binary weights, got weights={model.weights!r}"
    if isinstance(model, models.Committee) and model.activation != "sign":
        return f"enumeration supports sign committees only, got activation={model.activation!r}"
    if model.n_params > LIMIT:
        return (f"enumeration is limited to {LIMIT} binary weights, got N = {model.N} "
                f"({model.n_params} weights)")
    return None


def _setup(problem, model):
    """Validate and translate (problem, model) into the kernels' arrays (see the kernel module)."""
    if not isinstance(model, (models.Perceptron, models.Committee)):
        raise TypeError(f"model must be a wfm.models.Perceptron or Committee, got {type(model).__name__}")
    reason = unsupported(model)
    if reason:
        raise ValueError(reason)
    problem = models.check_problem(model, problem)
    M = model.n_params
    integer_fields = problem.binary_inputs
    XT = problem.XT if integer_fields else np.asarray(problem.XT, dtype=np.float64)
    j = np.arange(M, dtype=np.int64)
    if isinstance(model, models.Perceptron):
        K, rule, col, unit = 1, codes.PERCEPTRON, j, np.zeros(M, dtype=np.int64)
        sqrt_N = np.sqrt(float(model.N))
        XT = XT * problem.y  # the kernel's perceptron fields are the stabilities y w.xi
        if integer_fields:
            # y w.xi is an integer v: v / sqrt(N) > kappa (the model's test, in the same float64
            # arithmetic) iff v >= v_min, i.e. v > v_min - 1.
            v = np.arange(-model.N, model.N + 1)
            above = v[v / sqrt_N > model.kappa]
            thr = int(above[0]) - 1 if above.size else model.N
        else:
            thr = model.kappa * sqrt_N
    else:
        K = model.K
        rule = codes.rule(model)
        col = j if model.tree else j % model.N
        unit = j // model.n
        thr = 0.0
    high = min(_MAX_HIGH_BITS, max(0, M - _MIN_LOW_BITS))
    return dict(XT=XT, y=problem.y, col=col, unit=unit, rule=rule, thr=thr, L=M - high,
                blocks=1 << high, K=K, M=M, integer_fields=integer_fields)


def workspace(setup, P):
    """Per-block work space of the enumeration kernels: fields h, votes and weights.

    Parameters
    ----------
    setup : dict
        The kernels' arrays and sizes, as returned by :func:`enumerate_blocks`.
    P : int
        Number of patterns.

    Returns
    -------
    dict
        ``h`` (blocks, K, P), ``vote`` (blocks, P) and ``w`` (blocks, M) arrays.
    """
    blocks, M = setup["blocks"], setup["M"]
    field_type = np.int32 if setup["integer_fields"] else np.float64
    return dict(h=np.zeros((blocks, setup["K"], P), dtype=field_type),
                vote=np.zeros((blocks, P), dtype=np.int32),
                w=np.ones((blocks, M), dtype=np.int8))


def _reference(model, reference):
    """``reference`` checked against the model's weight layout, flattened to int8."""
    if reference is None:
        return np.ones(model.n_params, dtype=np.int8)
    reference = np.asarray(reference)
    if reference.shape != model.shape:
        raise ValueError(f"reference must have the weight shape {model.shape} of {model!r}, got {reference.shape}")
    if reference.dtype.kind not in "iuf" or not np.all((reference == 1) | (reference == -1)):
        raise ValueError("reference must contain only +1 and -1")
    return reference.astype(np.int8).ravel()


def enumerate_blocks(problem, model, reference=None):
    """Run the enumeration kernel over every block of weight configurations.

    Parameters
    ----------
    problem : wfm.problems.Problem
    model : wfm.models.Perceptron or wfm.models.Committee
        Binary weights, sign units, at most :data:`LIMIT` weights (see :func:`unsupported`).
    reference : ndarray, optional
        Binary weights (the model's shape) to which the distance histogram is measured;
        all +1 by default.

    Returns
    -------
    setup : dict
        The kernels' arrays (``XT``, ``y``, ``col``, ``unit``, ``rule``, ``thr``) and sizes
        (``L`` low weights walked per block, ``blocks``, ``K``, ``M`` weights,
        ``integer_fields``), see :mod:`wfm._kernels.enumeration`.
    out : dict
        Per-block results: ``count`` of solutions, ``hist`` of their distances to the reference
        (in flips), ``msum`` sum of the solutions' weights, ``emin`` fewest errors and ``tmin``
        the Gray-code step where the block first reaches them.
    """
    setup = _setup(problem, model)
    M, blocks = setup["M"], setup["blocks"]
    reference = _reference(model, reference)
    out = dict(count=np.zeros(blocks, dtype=np.int64), hist=np.zeros((blocks, M + 1), dtype=np.int64),
               msum=np.zeros((blocks, M), dtype=np.int64), emin=np.zeros(blocks, dtype=np.int64),
               tmin=np.zeros(blocks, dtype=np.int64))
    work = workspace(setup, problem.P)
    kernel.enumerate_solutions(setup["XT"], setup["y"], setup["col"], setup["unit"], setup["rule"],
                               setup["thr"], setup["L"], reference, work["h"], work["vote"], work["w"],
                               np.zeros((blocks, M), dtype=np.int64), out["count"], out["hist"],
                               out["msum"], out["emin"], out["tmin"])
    return setup, out


def count_solutions(problem, model):
    """Number of binary weight vectors with zero training errors, by exhaustive enumeration.

    Parameters
    ----------
    problem : wfm.problems.Problem
        Training set (+-1 or real-valued inputs).
    model : wfm.models.Perceptron or wfm.models.Committee
        Binary perceptron (margin kappa included: a pattern counts when
        sigma w.xi / sqrt(N) > kappa) or binary sign committee with a fixed second layer, with
        at most :data:`LIMIT` weights in total.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        For continuous weights, ReLU units, more than :data:`LIMIT` weights, or a problem whose
        N differs from the model's.

    Notes
    -----
    All 2^M configurations are visited along a Gray code (one weight flip and an O(P) field
    update each), in parallel blocks. With real-valued inputs the fields are float64 sums kept
    incrementally; they agree with ``model.errors`` except for patterns within rounding error
    of the threshold.
    """
    _, out = enumerate_blocks(problem, model)
    return int(out["count"].sum())


def count_by_distance(problem, model, reference):
    """Number of solutions at each Hamming distance from ``reference``.

    Parameters
    ----------
    problem, model
        As in :func:`count_solutions`.
    reference : array_like of +-1
        Binary weights in the model's layout (shape (N,) or (K, n)).

    Returns
    -------
    ndarray of int64, shape (M + 1,)
        Entry d counts the solutions that differ from ``reference`` in exactly d of the M
        weights; the exact local entropy is S(d/M) = (1/N) log count[d]. The entries sum to
        :func:`count_solutions`.
    """
    if reference is None:
        raise TypeError("reference must be an array of +-1 weights, got None")
    _, out = enumerate_blocks(problem, model, reference)
    return out["hist"].sum(axis=0)


def magnetizations(problem, model):
    """Exact marginal magnetizations m = <w> over the uniform measure on the solutions.

    Parameters
    ----------
    problem, model
        As in :func:`count_solutions`.

    Returns
    -------
    Magnetizations
        ``(count, m)``: the number of solutions and the float64 mean of the weights over them,
        in the model's weight layout; ``m`` is all NaN when there is no solution.
    """
    _, out = enumerate_blocks(problem, model)
    count = int(out["count"].sum())
    m = np.full(model.n_params, np.nan)
    if count:
        m = out["msum"].sum(axis=0) / count
    return Magnetizations(count, m.reshape(model.shape))


def _margins(problem):
    """The rows y_mu xi_mu (P, N) in float64 after checking ``problem``."""
    if not hasattr(problem, "X") or not hasattr(problem, "y"):
        raise TypeError(f"problem must be a wfm.problems.Problem, got {type(problem).__name__}")
    return problem.y[:, None] * np.asarray(problem.X, dtype=np.float64)


def separable(problem):
    """Whether a homogeneous linear separator exists (spherical perceptron at kappa = 0).

    Solves the linear program: maximise t over (w, t) subject to y_mu w.xi_mu >= t for every
    mu, -1 <= w_i <= 1 and t <= 1, with ``scipy.optimize.linprog(method="highs")``. It is always
    feasible (w = 0, t = 0) and bounded, and its optimum is positive iff the data are
    separable. The answer is True only with a certificate: the returned w must give
    y_mu w.xi_mu > 0 for every mu when recomputed in float64.

    (The plain feasibility form, find w with y_mu w.xi_mu >= 1, leaves HiGHS undecided on
    non-separable instances such as N = 200, P = 600.)

    Parameters
    ----------
    problem : wfm.problems.Problem

    Returns
    -------
    bool
    """
    G = _margins(problem)
    N, P = problem.N, problem.P
    objective = np.zeros(N + 1)
    objective[-1] = -1.0
    result = linprog(objective, A_ub=np.hstack([-G, np.ones((P, 1))]), b_ub=np.zeros(P),
                     bounds=[(-1.0, 1.0)] * N + [(None, 1.0)], method="highs")
    if result.status != 0:
        raise RuntimeError(f"separable: linprog failed on {problem!r}: {result.message}")
    return bool(np.min(G @ result.x[:N]) > 0)


def max_margin(problem, *, rtol=1e-7):
    """Maximal stability of the spherical perceptron, kappa_max = max_w min_mu y_mu w.xi_mu / |w|.

    With |w|^2 = N this is the margin kappa of :class:`wfm.models.Perceptron`
    (Delta = sigma w.xi / sqrt(N)): the largest kappa at which the problem has solutions.

    Parameters
    ----------
    problem : wfm.problems.Problem
        A linearly separable problem (see :func:`separable`).
    rtol : float
        Relative tolerance of the optimality certificate (see Notes).

    Returns
    -------
    MaxMargin
        ``(kappa, w)``: kappa_max and the weights reaching it, scaled to |w|^2 = N.

    Raises
    ------
    ValueError
        If the problem is not linearly separable (kappa_max <= 0 is then the optimum of a
        non-convex problem, not computed here).
    RuntimeError
        If the solver does not reach the requested accuracy.

    Notes
    -----
    kappa_max = 1 / |x*| where x* solves the hard-margin problem min |x| subject to
    y_mu x.xi_mu >= 1, a least-distance program. It is solved exactly, through the
    Lawson-Hanson reduction to non-negative least squares (Lawson and Hanson, *Solving Least
    Squares Problems*, ch. 23): with G the (P, N) matrix of rows y_mu xi_mu, minimise
    |E u - f| over u >= 0 for E = [G^T; 1^T] and f = (0, ..., 0, 1) (``scipy.optimize.nnls``);
    then x* = G^T u / (1 - sum u), and a = u / (1 - sum u) are the Lagrange multipliers.
    Certificate: any w gives the lower bound min_mu (G w)_mu / |w| <= kappa_max, and by weak
    duality any a >= 0 gives the upper bound kappa_max <= |G^T a| / sum a; the two must agree
    to ``rtol``. A positive lower bound proves separability; when the solver finds none, the
    linear program of :func:`separable` decides between a non-separable problem and a solver
    failure.
    """
    rtol = check.real("rtol", rtol, minimum=0.0, strict_minimum=True)
    G = _margins(problem)
    E = np.vstack([G.T, np.ones((1, problem.P))])
    f = np.zeros(problem.N + 1)
    f[-1] = 1.0
    try:
        u, _ = nnls(E, f, maxiter=20 * problem.P)
    except RuntimeError:
        u = None
    # sum u = 1 (E u = f) happens exactly when the constraints are infeasible.
    slack = 0.0 if u is None else 1.0 - u.sum()
    x = G.T @ u / slack if slack > 0 else None
    if x is None or not np.min(G @ x) > 0:
        if not separable(problem):
            raise ValueError(f"{problem!r} is not linearly separable: max_margin is defined here for "
                             "separable problems only (use separable() first)")
        raise RuntimeError(f"max_margin: the least-distance solver failed on the separable {problem!r}")
    a = u / slack
    norm = np.linalg.norm(x)
    lower = float(np.min(G @ x) / norm)
    upper = float(np.linalg.norm(G.T @ a) / a.sum())
    if not upper - lower <= rtol * upper:
        raise RuntimeError(f"max_margin: optimality gap {upper - lower:.3g} above rtol * kappa on {problem!r}")
    return MaxMargin(lower, x * np.sqrt(problem.N) / norm)
