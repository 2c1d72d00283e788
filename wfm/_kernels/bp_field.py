"""Edge BP at a fixed external field: the sweeps of the BP kernels with F held constant.

The focusing kernels (:func:`wfm._kernels.bp_perceptron.bp_step`,
:func:`wfm._kernels.bp_committee.committee_step`) recompute F from the cavity fields after
every sweep; here F is an external field that stays fixed, e.g. F = gamma * reference for the
local entropy (Huang and Kabashima, PRE 90, 052813 (2014)). Marginals m_i = tanh(H_i + F_i).
"""
import math

import numpy as np
from numba import njit

from wfm._kernels.bp_committee import committee_sweep
from wfm._kernels.bp_perceptron import bp_sweep


@njit(cache=True, nogil=True)
def _change(H, F, m_old):
    """max_i |tanh(H_i + F_i) - m_old_i| over flattened arrays; stores the new m in m_old."""
    delta = 0.0
    for i in range(H.shape[0]):
        m = math.tanh(H[i] + F[i])
        d = abs(m - m_old[i])
        if d > delta:
            delta = d
        m_old[i] = m
    return delta


@njit(cache=True, nogil=True)
def perceptron_fixed_field(X, sigma, kappa, u, H, F, m_old, H_old, mcav, damping, sequential, eps,
                           max_iters):
    """Perceptron BP sweeps at fixed F until max |delta m_i| < eps or max_iters sweeps.

    ``m_old``, ``H_old``, ``mcav`` are float64 (N,) workspaces; u and H are updated in place.

    Returns
    -------
    iterations : int
    delta : float, largest change of a marginal magnetization in the last sweep
    """
    for i in range(H.shape[0]):
        m_old[i] = math.tanh(H[i] + F[i])
    delta = math.inf
    order = np.arange(X.shape[0])
    it = 0
    while it < max_iters:
        it += 1
        bp_sweep(X, sigma, kappa, u, H, F, H_old, mcav, damping, sequential, order)
        delta = _change(H, F, m_old)
        if delta < eps:
            break
    return it, delta


@njit(cache=True, nogil=True)
def committee_fixed_field(X, sigma, tree, u, H, F, m_old, H_old, mcav, M, V, p, q, dist, damping,
                          sequential, eps, max_iters):
    """Committee BP sweeps at fixed F until max |delta m_ki| < eps or max_iters sweeps.

    ``m_old`` (K * n,), ``H_old`` and ``mcav`` (K, n), ``M``, ``V``, ``p``, ``q``, ``dist``
    (K,) are float64 workspaces; u and H are updated in place.

    Returns
    -------
    iterations : int
    delta : float, largest change of a marginal magnetization in the last sweep
    """
    Hf = H.reshape(-1)
    Ff = F.reshape(-1)
    for i in range(Hf.shape[0]):
        m_old[i] = math.tanh(Hf[i] + Ff[i])
    delta = math.inf
    it = 0
    while it < max_iters:
        it += 1
        committee_sweep(X, sigma, tree, u, H, F, H_old, mcav, M, V, p, q, dist, damping, sequential)
        delta = _change(Hf, Ff, m_old)
        if delta < eps:
            break
    return it, delta
