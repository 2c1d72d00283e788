"""Edge belief propagation for the binary perceptron, with an optional focusing field.

Messages in field space (Braunstein and Zecchina, PRL 96, 030201 (2006); Baldassi et al.,
PNAS 113, E7655 (2016)). Pattern mu sends to weight i the field

    u_mu_i = 1/2 [log H(a - d) - log H(a + d)],
    a = (kappa sqrt(N) - sigma M_mu\\i) / sqrt(V_mu\\i),   d = sigma xi_mu_i / sqrt(V_mu\\i),

where M_mu\\i = sum_{j != i} xi_mu_j m_j->mu and V_mu\\i = sum_{j != i} (1 - m_j->mu^2) are the
exact cavity mean and variance of the Gaussian (central-limit) pre-activation, and
m_j->mu = tanh(H_j + F_j - u_mu_j) with H_j = sum_mu u_mu_j and F_j the focusing field
phi(gamma, (y - 1) phi(gamma, H_j)) (see :func:`wfm._kernels.gauss.focusing_field`).
log H is read from the cubic Hermite table of :mod:`wfm._kernels.logh_table` (absolute error
below 1e-11, exact formulas outside the table) and the cavity magnetizations m_j->mu from the
tanh table of :mod:`wfm._kernels.tanh_table` (absolute error below 4e-11): three table rows per
edge instead of an exp and two erfc.
"""
import math

import numpy as np
from numba import njit

from wfm._kernels.gauss import focusing_field
from wfm._kernels.linalg import count_errors
from wfm._kernels.logh_table import TABLE as LOGH_TABLE, logH_table
from wfm._kernels.tanh_table import TABLE as TANH_TABLE, tanh_table

_V_MIN = 1.0e-12  # floor of a cavity variance: fully polarised cavities give V = 0


@njit(cache=True, nogil=True)
def bp_sweep(X, sigma, kappa, u, H, F, H_old, mcav, damping, sequential, order):
    """One sweep over the patterns, updating every message u_mu_i (in place) and H = sum_mu u.

    Parameters
    ----------
    X : ndarray (P, N), int8 or float
    sigma : ndarray (P,), int8 labels
    kappa : float, margin (constraint sigma xi.w / sqrt(N) > kappa)
    u : ndarray float64 (P, N), pattern-to-weight fields
    H : ndarray float64 (N,), sum over patterns of u, kept consistent with u
    F : ndarray float64 (N,), focusing fields (read only here)
    H_old, mcav : ndarray float64 (N,), workspaces
    damping : float in [0, 1): u <- damping u + (1 - damping) u_new
    sequential : bool
        True: each pattern sees the messages already updated in this sweep; False (parallel):
        every pattern reads the fields of the previous sweep.
    order : ndarray int64 (P,)
        A permutation of 0..P-1: the patterns are visited as order[0], order[1], ... (the
        authors' code draws a new random permutation every sweep).
    """
    P, N = X.shape
    table = LOGH_TABLE
    tanh_rows = TANH_TABLE
    plus = np.empty(N)
    threshold = kappa * math.sqrt(N)
    H_old[:] = H
    source = H if sequential else H_old
    for k in range(P):
        mu = order[k]
        row = X[mu]
        urow = u[mu]
        s = sigma[mu]
        M = 0.0
        V = 0.0
        for i in range(N):
            m = tanh_table(source[i] + F[i] - urow[i], tanh_rows)
            mcav[i] = m
            M += row[i] * m
            V += 1.0 - m * m
        # arguments a -/+ d of every message first (a loop the compiler vectorises), then the
        # table lookups
        for i in range(N):
            m = mcav[i]
            r = 1.0 / math.sqrt(max(V - (1.0 - m * m), _V_MIN))
            a = (threshold - s * (M - row[i] * m)) * r
            d = s * row[i] * r
            mcav[i] = a - d
            plus[i] = a + d
        for i in range(N):
            new = 0.5 * (logH_table(mcav[i], table) - logH_table(plus[i], table))
            new = damping * urow[i] + (1.0 - damping) * new
            H[i] += new - urow[i]
            urow[i] = new


@njit(cache=True, nogil=True)
def bp_step(X, sigma, kappa, u, H, F, m_old, H_old, mcav, gamma, y, damping, sequential, eps, max_iters,
            orders, XT, w_work, field_work, stop_at_zero):
    """Sweep at fixed (gamma, y) until max |delta m_i| < eps or max_iters sweeps.

    The focusing fields F (updated in place) are recomputed after every sweep from the cavity
    fields H; m_i = tanh(H_i + F_i) are the marginal magnetizations. ``m_old``, ``H_old`` and
    ``mcav`` are float64 (N,) workspaces. ``orders`` is an int64 (S, P) array of permutations:
    sweep t (counted from 0) visits the patterns in the order ``orders[t % S]``. With
    ``stop_at_zero``, the training errors of sign(H + F) are counted after every sweep (``XT``
    the (N, P) transpose of X, ``w_work`` (N,) and ``field_work`` (P,) float64 workspaces) and
    the step ends as soon as there are none.

    Returns
    -------
    iterations : int
    delta : float, largest change of a marginal magnetization in the last sweep
    """
    N = H.shape[0]
    delta = 0.0
    it = 0
    while it < max_iters:
        it += 1
        for i in range(N):
            m_old[i] = math.tanh(H[i] + F[i])
        bp_sweep(X, sigma, kappa, u, H, F, H_old, mcav, damping, sequential, orders[(it - 1) % orders.shape[0]])
        delta = 0.0
        for i in range(N):
            F[i] = focusing_field(gamma, y, H[i])
            d = abs(math.tanh(H[i] + F[i]) - m_old[i])
            if d > delta:
                delta = d
        if delta < eps:
            break
        if stop_at_zero:
            for i in range(N):
                m_old[i] = H[i] + F[i]
            if count_errors(XT, sigma, kappa, m_old, w_work, field_work) == 0:
                break
    return it, delta
