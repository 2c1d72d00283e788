"""Shared plumbing of the local-entropy curves: argument checks, continuation plan, result table."""

import numpy as np
import pandas as pd

from wfm.theory import _continuation
from wfm.theory._common import _finite_scalar, _real_array
from wfm.theory.binary_perceptron import binary_entropy


def check_arguments(alpha, distance, kappa):
    """Validated ``(alpha, distance as a 1-d array, kappa, shape of distance)``."""
    alpha = _finite_scalar("alpha", alpha)
    kappa = _finite_scalar("kappa", kappa)
    if alpha < 0.0:
        raise ValueError(f"alpha must be >= 0, got {alpha!r}")
    d = _real_array("distance", distance)
    if np.any((d <= 0.0) | (d >= 1.0)):
        raise ValueError(f"distance must lie in the open interval (0, 1), got {distance!r}")
    return alpha, d.ravel(), kappa, d.shape


def solve_curve(residual, x_start, d_start, d, *, tol, max_step):
    """Continue from ``(d_start, x_start)`` down to the distances below it and up to those above.

    Returns ``(solutions, reasons)`` in the order of ``d`` (see :func:`_continuation.follow`),
    and the last solutions ``(d, x)`` reached going down and going up.
    """
    solutions = [None] * d.size
    reasons = [""] * d.size
    ends = []
    for side in (d < d_start, d >= d_start):
        index = np.flatnonzero(side)
        index = index[np.argsort(np.abs(d[index] - d_start), kind="stable")]
        found, why, last = _continuation.follow(residual, x_start, d_start, d[index], tol=tol,
                                                max_step=max_step)
        ends.append(last)
        for i, s, r in zip(index, found, why):
            solutions[i], reasons[i] = s, r
    return solutions, reasons, ends


def frame(d, names, solutions, reasons, evaluate, constants=None):
    """The table of a curve: one row per distance, the entropy, order parameters and reason.

    ``evaluate(x, d)`` returns the entropy, a dict of order parameters at a solution ``x``, and
    a reason to reject it (empty if none). A point whose entropy exceeds the bound ``H(d)`` (a
    spurious branch) is rejected.
    """
    rows = []
    bound = binary_entropy(d)
    for di, hi, solution, reason in zip(d, bound, solutions, reasons):
        row = dict.fromkeys(names, np.nan)
        row.update(distance=di, entropy=np.nan, residual=np.nan)
        if solution is not None:
            x, r = solution
            entropy, parameters, rejected = evaluate(x, di)
            if rejected:
                reason = rejected
            elif entropy > hi + 1e-9:
                reason = f"spurious solution above the bound H(d) = {hi:.6g} (S = {entropy:.6g})"
            else:
                row.update(parameters, entropy=entropy, residual=float(np.max(np.abs(r))))
        row["reason"] = reason
        rows.append(row)
    table = pd.DataFrame(rows, columns=["distance", "entropy", *names, "residual", "reason"])
    for key, value in (constants or {}).items():
        table[key] = value
    return table


def unsolvable(d, names, reason, constants=None):
    """A table of NaN with one ``reason`` for every distance."""
    return frame(d, names, [None] * d.size, [reason] * d.size, None, constants)


def every_configuration(d, names):
    """The table at ``alpha = 0``, where every configuration is a solution: ``S(d) = H(d)``."""
    table = unsolvable(d, names, "")
    table["entropy"] = binary_entropy(d)
    return table


def values(table, shape):
    """The entropy column shaped like the ``distance`` argument (a float for a scalar)."""
    return table["entropy"].to_numpy().reshape(shape)[()]
