"""Hessian measures of flatness for the smooth losses of continuous-weight models.

All functions take the weights ``w`` in the model's layout and build a
:class:`wfm.losses.Loss` (``loss``, ``gamma``, ``surrogate_beta``) over the training set;
Hessian-vector products are exact (R-operator), so only the stochastic estimators carry a
statistical error, which they report. None of these measures is invariant under the per-unit
rescalings of :func:`wfm.reparam.rescale` (Dinh et al. 2017): H -> D^-1 H D^-1.
"""
from typing import NamedTuple

import numpy as np
from scipy.sparse.linalg import LinearOperator, eigsh

from wfm import _validate as check
from wfm.losses import KINDS, Loss


class Estimate(NamedTuple):
    """A Monte-Carlo estimate and its standard error."""

    value: float
    stderr: float


def _setup(problem, model, w, loss, gamma, surrogate_beta):
    """The loss object and the flat parameters of ``w``."""
    check.choice("loss", loss, KINDS)
    objective = Loss(problem, model, loss, gamma=gamma, surrogate_beta=surrogate_beta)
    return objective, model.flatten(w)


def hessian(problem, model, w, *, loss="ce", gamma=1.0, surrogate_beta=1.0):
    """Dense Hessian of the training loss at ``w`` (small models: n_params^2 floats).

    Parameters
    ----------
    problem : wfm.problems.Problem
    model : wfm.models.Perceptron or wfm.models.Committee
        Continuous weights (see :class:`wfm.losses.Loss`).
    w : ndarray or tuple
        Weights in the model's layout.
    loss : {"ce", "mse"}
    gamma : float
        Cross-entropy inverse temperature.
    surrogate_beta : float
        Slope of the tanh surrogate of sign hidden units.

    Returns
    -------
    ndarray, shape (n_params, n_params)
        Symmetric, in the layout of ``model.flatten``.
    """
    objective, theta = _setup(problem, model, w, loss, gamma, surrogate_beta)
    return objective.hessian(theta)


def hessian_eigenvalues(problem, model, w, k, *, loss="ce", gamma=1.0, surrogate_beta=1.0, seed=0):
    """The k algebraically largest Hessian eigenvalues, by Lanczos (ARPACK) on exact products.

    Parameters
    ----------
    problem, model, w, loss, gamma, surrogate_beta
        As in :func:`hessian`.
    k : int
        Number of eigenvalues, 1 <= k < n_params.
    seed : int
        Seed of the Lanczos starting vector (the result is deterministic).

    Returns
    -------
    ndarray, shape (k,)
        Eigenvalues in decreasing order, converged to machine precision.
    """
    objective, theta = _setup(problem, model, w, loss, gamma, surrogate_beta)
    p = objective.n_params
    k = check.integer("k", k, minimum=1)
    if k >= p:
        raise ValueError(f"k must be < n_params = {p} for Lanczos, got k={k}; for the whole spectrum "
                         "use numpy.linalg.eigvalsh(wfm.measures.hessian(...))")
    v0 = check.generator(seed).standard_normal(p)
    operator = LinearOperator((p, p), matvec=lambda v: objective.hvp(theta, np.ravel(v)),
                              matmat=lambda V: objective.hvp(theta, V), dtype=np.float64)
    values = eigsh(operator, k=k, which="LA", v0=v0, tol=0.0, return_eigenvectors=False)
    return np.sort(values)[::-1]


def log_volume(problem, model, w, k, *, loss="ce", gamma=1.0, surrogate_beta=1.0, seed=0):
    """Log-volume proxy of Wu, Zhu and E (2017): -1/2 sum_i log lambda_i over the top k.

    Only the positive eigenvalues among the k largest enter the sum (a basin is a Gaussian
    of covariance H^-1 in the directions of positive curvature); larger means flatter.

    Parameters
    ----------
    problem, model, w, k, loss, gamma, surrogate_beta, seed
        As in :func:`hessian_eigenvalues`.

    Returns
    -------
    float
    """
    values = hessian_eigenvalues(problem, model, w, k, loss=loss, gamma=gamma,
                                 surrogate_beta=surrogate_beta, seed=seed)
    return float(-0.5 * np.sum(np.log(values[values > 0])))


def hessian_trace(problem, model, w, *, samples, seed, loss="ce", gamma=1.0, surrogate_beta=1.0):
    """Hutchinson estimate of tr H: the mean of z^T H z over Rademacher vectors z.

    Parameters
    ----------
    problem, model, w, loss, gamma, surrogate_beta
        As in :func:`hessian`.
    samples : int
        Number of probe vectors (>= 2).
    seed : int or numpy.random.Generator

    Returns
    -------
    Estimate
        ``(value, stderr)``.
    """
    objective, theta = _setup(problem, model, w, loss, gamma, surrogate_beta)
    samples = check.integer("samples", samples, minimum=2)
    rng = check.generator(seed)
    Z = rng.choice(np.array([-1.0, 1.0]), size=(objective.n_params, samples))
    q = np.einsum("im,im->m", Z, objective.hvp(theta, Z))
    return Estimate(float(q.mean()), float(q.std(ddof=1) / np.sqrt(samples)))


def hessian_frobenius(problem, model, w, *, vectors, eps, seed, loss="ce", gamma=1.0,
                      surrogate_beta=1.0):
    """Wu, Zhu and E (2017) estimate of ||H||_F from gradient differences.

    ||H||_F^2 = E_v ||H v||^2 ~ (1/eps^2) E_v ||grad L(w + eps v) - grad L(w)||^2 with
    v ~ N(0, I); the bias is O(eps). Only gradients are used, as in the paper.

    Parameters
    ----------
    problem, model, w, loss, gamma, surrogate_beta
        As in :func:`hessian`.
    vectors : int
        Number of random directions (>= 2).
    eps : float
        Finite-difference step (> 0).
    seed : int or numpy.random.Generator

    Returns
    -------
    Estimate
        ``(value, stderr)`` of ||H||_F; the error of the mean of the squared norm is carried
        to its square root to first order (delta method).

    Notes
    -----
    For ReLU units the gradient jumps where a hidden field crosses zero: a step eps v that
    crosses a kink adds a term of order (jump / eps)^2, so the estimate is reliable only when
    eps |v| is small against the hidden fields' distance to zero.
    """
    objective, theta = _setup(problem, model, w, loss, gamma, surrogate_beta)
    vectors = check.integer("vectors", vectors, minimum=2)
    eps = check.real("eps", eps, minimum=0.0, strict_minimum=True)
    rng = check.generator(seed)
    g0 = objective.gradient(theta)
    q = np.empty(vectors)
    for j in range(vectors):
        v = rng.standard_normal(objective.n_params)
        q[j] = np.sum((objective.gradient(theta + eps * v) - g0) ** 2) / eps ** 2
    square, square_se = q.mean(), q.std(ddof=1) / np.sqrt(vectors)
    norm = np.sqrt(square)
    return Estimate(float(norm), float(square_se / (2 * norm)) if norm > 0 else 0.0)
