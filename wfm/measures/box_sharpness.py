"""Epsilon-sharpness of Keskar, Mudigere, Nocedal, Smelyanskiy and Tang (ICLR 2017)."""
import numpy as np
from scipy.optimize import minimize

from wfm import _validate as check
from wfm.losses import KINDS, Loss


def sharpness(problem, model, w, *, eps=1e-3, loss="ce", gamma=1.0, surrogate_beta=1.0,
              maxiter=100, seed=0):
    """Largest relative loss increase in a box around ``w`` (Keskar et al. 2017, Eq. 4).

    phi(w, eps) = 100 * (max_{delta in C} L(w + delta) - L(w)) / (1 + L(w)), with the box
    C = {delta : |delta_i| <= eps (|w_i| + 1)} in the full parameter space (A = I). The
    maximum is sought by L-BFGS-B with the box as bounds, as in the paper; a local ascent
    gives a lower bound on the true maximum.

    Parameters
    ----------
    problem : wfm.problems.Problem
    model : wfm.models.Perceptron or wfm.models.Committee
        Continuous weights (see :class:`wfm.losses.Loss`).
    w : ndarray or tuple
        Weights in the model's layout.
    eps : float
        Relative size of the box (> 0).
    loss, gamma, surrogate_beta
        The smooth training loss (see :class:`wfm.losses.Loss`).
    maxiter : int
        L-BFGS-B iteration cap (>= 1).
    seed : int
        Breaks ties in the starting corner where the gradient vanishes.

    Returns
    -------
    float
        The sharpness in percent; not invariant under :func:`wfm.reparam.rescale`.

    Notes
    -----
    The ascent starts at the corner of the box that maximises the linearised loss,
    delta_i = sign(dL/dw_i) eps (|w_i| + 1) (a random sign where the gradient is zero); the
    best of w, that corner and the L-BFGS-B end point is reported.
    """
    check.choice("loss", loss, KINDS)
    objective = Loss(problem, model, loss, gamma=gamma, surrogate_beta=surrogate_beta)
    theta = model.flatten(w)
    eps = check.real("eps", eps, minimum=0.0, strict_minimum=True)
    maxiter = check.integer("maxiter", maxiter, minimum=1)
    rng = check.generator(seed)
    base, g = objective.value_and_gradient(theta)
    radius = eps * (np.abs(theta) + 1.0)
    direction = np.sign(g)
    ties = direction == 0
    direction[ties] = rng.choice(np.array([-1.0, 1.0]), size=int(ties.sum()))

    def negative(delta):
        value, grad = objective.value_and_gradient(theta + delta)
        return -value, -grad

    start = direction * radius
    result = minimize(negative, start, jac=True, method="L-BFGS-B",
                      bounds=np.column_stack([-radius, radius]), options={"maxiter": maxiter})
    best = max(base, objective.value(theta + start), -float(result.fun))
    return 100.0 * (best - base) / (1.0 + base)
