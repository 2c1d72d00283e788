"""Quasi-Newton continuation of a saddle point along the distance ``d``, shared by the
local-entropy curves of :mod:`wfm.theory.local_entropy`.

A curve's saddle-point equations at distance ``d`` are written as a residual ``F(x, d) = 0`` in a
few unknowns ``x``. Starting from a known solution at ``d_start``, the targets are visited in
order away from ``d_start``, with intermediate points inserted so that no step exceeds
``max_step``. At each point the solution is predicted by quadratic extrapolation from the last
three solutions and refined by Newton's method with a Jacobian carried along the curve (forward
differences when needed, Broyden's rank-one update after each step). A point is accepted only
if ``max |F| <= tol`` and, once two solutions are known, the solution lies near the prediction
(no jump to another branch); a
failed step is halved a few times, and when it still fails every point further away is left
unsolved, with the reason.
"""

import numpy as np

_MAX_NEWTON = 20
_HALVINGS = 4
_FD_STEP = 1e-7


class Failure(Exception):
    """A point of the curve could not be solved; the message says why."""


def _jacobian(residual, x, r, d):
    """Forward-difference Jacobian of ``residual(., d)`` at ``x`` (``r = residual(x, d)``)."""
    J = np.empty((r.size, x.size))
    for j in range(x.size):
        h = _FD_STEP * max(1.0, abs(x[j]))
        xh = x.copy()
        xh[j] += h
        J[:, j] = (residual(xh, d) - r) / h
    if not np.all(np.isfinite(J)):
        raise Failure("the Jacobian is not finite (the solution is at the edge of its domain)")
    return J


def newton(residual, x, J, d, tol):
    """Solve ``residual(x, d) = 0`` from ``x``; return the solution, its Jacobian, the residual."""
    r = residual(x, d)
    if not np.all(np.isfinite(r)):
        raise Failure("the starting point is outside the domain of the equations")
    fresh = J is None
    if fresh:
        J = _jacobian(residual, x, r, d)
    for _ in range(_MAX_NEWTON):
        if np.max(np.abs(r)) <= tol:
            return x, J, r
        try:
            dx = -np.linalg.solve(J, r)
        except np.linalg.LinAlgError:
            raise Failure("singular Jacobian") from None
        for _ in range(_HALVINGS):  # backtrack until the residual decreases
            r_new = residual(x + dx, d)
            if np.all(np.isfinite(r_new)) and np.max(np.abs(r_new)) < np.max(np.abs(r)):
                break
            dx = 0.5 * dx
        else:
            if fresh:
                raise Failure("Newton's method stalled")
            J, fresh = _jacobian(residual, x, r, d), True  # the carried Jacobian is stale
            continue
        J = J + np.outer(r_new - r - J @ dx, dx) / (dx @ dx)  # Broyden's update
        x, r, fresh = x + dx, r_new, False
    if np.max(np.abs(r)) <= tol:
        return x, J, r
    raise Failure(f"no convergence in {_MAX_NEWTON} Newton steps (max |F| = {np.max(np.abs(r)):.2g})")


def _predict(history, d):
    """Extrapolate the solution to ``d``: the Lagrange polynomial through the (up to) three
    last solutions."""
    x_pred = np.zeros_like(history[-1][1])
    for i, (d_i, x_i) in enumerate(history):
        weight = 1.0
        for j, (d_j, _) in enumerate(history):
            if j != i:
                weight *= (d - d_j) / (d_i - d_j)
        x_pred = x_pred + weight * x_i
    return x_pred


def follow(residual, x_start, d_start, targets, *, tol, max_step):
    """Solve ``residual(x, d) = 0`` at every distance of ``targets`` by continuation.

    Parameters
    ----------
    residual : callable
        ``residual(x, d)``, an array like ``x``; NaN where ``x`` is outside the domain.
    x_start : ndarray
        A solution at ``d_start``.
    d_start : float
        Where the continuation starts.
    targets : ndarray
        Distances, all on the same side of ``d_start`` and sorted away from it.
    tol : float
        Convergence criterion on ``max |residual|``.
    max_step : float
        Largest step in ``d``.

    Returns
    -------
    solutions : list
        ``(x, residual)`` per target, or ``None`` where the point was not solved.
    reasons : list of str
        Empty where solved, otherwise why not.
    last : tuple
        ``(d, x)``, the last solution reached (the edge of the solved part of the curve).
    """
    solutions, reasons = [], []
    history = [(d_start, np.asarray(x_start, float))]
    J = None
    failure = None
    for target in targets:
        if failure is not None:
            solutions.append(None)
            reasons.append(failure)
            continue
        while True:  # walk to the target in steps of at most max_step
            d_prev, x_prev = history[-1]
            d = target if abs(target - d_prev) <= max_step else d_prev + np.sign(target - d_prev) * max_step
            step = d - d_prev
            for _ in range(_HALVINGS + 1):
                x_pred = _predict(history, d)
                try:
                    x, J_new, r = newton(residual, x_pred, J, d, tol)
                    jump = np.max(np.abs(x - x_pred))
                    if len(history) >= 2 and jump > 0.05 + 10.0 * np.max(np.abs(x_pred - x_prev)):
                        raise Failure(f"the solution jumped by {jump:.2g} from its prediction")
                    J = J_new
                    break
                except Failure as error:
                    failure = f"continuation from d = {d_start:.6g} lost at d = {d:.6g}: {error}"
                    J = None
                    step = 0.5 * step
                    d = d_prev + step
            else:
                break
            failure = None
            if d != d_prev:
                history = history[-2:] + [(d, x)]
            if d == target:
                break
        if failure is None:
            solutions.append((x, r))
            reasons.append("")
        else:
            solutions.append(None)
            reasons.append(failure)
    return solutions, reasons, history[-1]
