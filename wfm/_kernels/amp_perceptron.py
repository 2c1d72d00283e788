"""AMP (TAP) iteration for the binary perceptron with an optional focusing field.

Generalised AMP (Rangan 2011) for the channel "sigma_mu sum_i x_mu_i w_i > kappa" with
x_mu_i = xi_mu_i / sqrt(N) and Ising weights with prior field F_i (Kabashima 2003; the focusing
field of Baldassi et al., PNAS 2016). One iteration, with m_i = tanh(h_i), v_i = 1 - m_i^2:

    V        = sum_i v_i / N                                 (x_mu_i^2 ~ 1/N)
    omega_mu = sum_i x_mu_i m_i - V g_mu                     (Onsager reaction term)
    z_mu     = (kappa - sigma_mu omega_mu) / sqrt(V)
    g_mu     = sigma_mu GH(z_mu) / sqrt(V),  Gamma_mu = GH(z_mu) (GH(z_mu) - z_mu) / V
    A        = sum_mu Gamma_mu / N
    B_i      = sum_mu x_mu_i g_mu + A m_i
    h_i      = damping h_i + (1 - damping) (B_i + F_i),   F_i = focusing_field(gamma, y, B_i)

g_mu needs only omega_mu, so both pattern products are done in one pass over the patterns
(:func:`pattern_pass`): each row xi_mu is read once from memory, for omega_mu (a dot product)
and, while it is in cache, for its term g_mu xi_mu of B. The pass walks fixed chunks of
patterns, one after the other or in parallel (:mod:`wfm._kernels.linalg`; same bits either
way), on the int8 (or float) patterns as they are stored: no transposed or float copy. Within a
chunk it takes ``linalg.ROWS`` patterns at a time: their dot products together
(``linalg.dot_rows``: m is read once per block), then their g_mu in pattern order, then their
terms of B together (``linalg.axpy_rows``: the partial sum is read and written once per
block); the last patterns of a chunk that do not fill a block go one by one. Every sum keeps
the order of the row-by-row pass (dot products in the lane order of ``linalg.dot_lanes``, the
terms of B and of A added in pattern order), so the blocks change the speed, not the bits.
"""
import math

import numpy as np
from numba import njit, prange

from wfm._kernels.gauss import GH, focusing_field
from wfm._kernels.linalg import LANES, ROWS, axpy, axpy_rows, chunk_bounds, chunk_count, dot_lanes, dot_rows

_V_MIN = 1.0e-12  # floor of the variance: fully polarised weights give V = 0


def workspace(N, P):
    """The work space ``(m, parts, A_parts, acc)`` of :func:`amp_step` for N weights and P patterns."""
    chunks = chunk_count(P)
    return np.zeros(N), np.zeros((chunks, N)), np.zeros(chunks), np.zeros((chunks, LANES))


@njit(cache=True, nogil=True)
def _output(mu, dot, sigma, kappa, V, g, inv_sqrt_n, sqrt_v):
    """g_mu from the dot product xi_mu . m (in place); returns GH (GH - z) of pattern mu."""
    omega = dot * inv_sqrt_n - V * g[mu]
    z = (kappa - sigma[mu] * omega) / sqrt_v
    r = GH(z)
    g[mu] = sigma[mu] * r / sqrt_v
    return r * (r - z)


@njit(cache=True, nogil=True)
def _pass_chunk(X, sigma, kappa, m, V, g, lo, hi, part, acc):
    """Patterns lo..hi-1 of :func:`pattern_pass`, by blocks of ROWS; returns their sum of GH (GH - z)."""
    N = X.shape[1]
    inv_sqrt_n = 1.0 / math.sqrt(N)
    sqrt_v = math.sqrt(V)
    lanes = np.empty((ROWS, LANES))
    part[:] = 0.0
    a = 0.0
    mu = lo
    while mu + ROWS <= hi:
        dots = dot_rows(X, mu, m, lanes)
        for r in range(ROWS):
            a += _output(mu + r, dots[r], sigma, kappa, V, g, inv_sqrt_n, sqrt_v)
        axpy_rows(part, g, X, mu)
        mu += ROWS
    for mu in range(mu, hi):
        row = X[mu]
        a += _output(mu, dot_lanes(row, m, acc), sigma, kappa, V, g, inv_sqrt_n, sqrt_v)
        axpy(part, g[mu], row)
    return a


@njit(cache=True, parallel=True, nogil=True)
def _pattern_pass_threads(X, sigma, kappa, m, V, g, parts, A_parts, acc):
    P = X.shape[0]
    chunks = parts.shape[0]
    for c in prange(chunks):
        lo, hi = chunk_bounds(P, chunks, c)
        A_parts[c] = _pass_chunk(X, sigma, kappa, m, V, g, lo, hi, parts[c], acc[c])


@njit(cache=True, nogil=True)
def pattern_pass(X, sigma, kappa, m, V, g, parts, A_parts, acc, threads):
    """One pass over the patterns: omega_mu, the new g_mu (in place), Gamma and sum_mu g_mu xi_mu.

    Chunk c (``parts.shape[0]`` chunks) leaves sum_{mu in c} g_mu xi_mu (unscaled) in
    ``parts[c]`` and sum_{mu in c} GH (GH - z) in ``A_parts[c]``; ``acc`` (chunks, LANES) is
    work space of the dot products of the patterns that do not fill a block of ``linalg.ROWS``.
    ``threads``: run the chunks in parallel (prange) or one after the other; the results are
    the same bits.
    """
    P = X.shape[0]
    chunks = parts.shape[0]
    if threads:
        _pattern_pass_threads(X, sigma, kappa, m, V, g, parts, A_parts, acc)
    else:
        for c in range(chunks):
            lo, hi = chunk_bounds(P, chunks, c)
            A_parts[c] = _pass_chunk(X, sigma, kappa, m, V, g, lo, hi, parts[c], acc[c])


@njit(cache=True, nogil=True)
def amp_step(X, sigma, kappa, h, g, B, m, parts, A_parts, acc, gamma, y, damping, eps, max_iters,
             threads=False):
    """Iterate AMP at fixed (gamma, y) until max |delta m| < eps or max_iters iterations.

    Parameters
    ----------
    X : ndarray (P, N), int8 or float, any layout (C-contiguous rows are the fast case)
    sigma : ndarray (P,), int8 labels
    kappa : float, margin
    h, g, B : ndarray float64 (N,), (P,), (N,); state updated in place: total fields, output
        functions g_mu, pattern fields B_i (the cavity field seen by the focusing factor).
    m, parts, A_parts, acc : work space from :func:`workspace`: float64 (N,), (C, N), (C,),
        (C, LANES), with C = ``linalg.chunk_count(P)`` chunks (which fixes the summation order)
    gamma, y : float, focusing parameters (y = 1 switches focusing off)
    damping : float in [0, 1)
    eps : float, convergence threshold on the magnetizations
    max_iters : int
    threads : bool, run the pattern pass in parallel over the chunks (one large run alone on
        the machine; the thread count is Numba's); the results do not depend on it

    Returns
    -------
    iterations : int
    delta : float, largest change of a magnetization in the last iteration
    """
    P, N = X.shape
    chunks = parts.shape[0]
    inv_sqrt_n = 1.0 / math.sqrt(N)
    delta = 0.0
    it = 0
    for i in range(N):
        m[i] = math.tanh(h[i])
    while it < max_iters:
        it += 1
        V = 0.0
        for i in range(N):
            V += 1.0 - m[i] * m[i]
        V = max(V / N, _V_MIN)
        pattern_pass(X, sigma, kappa, m, V, g, parts, A_parts, acc, threads)
        A = 0.0
        for c in range(chunks):
            A += A_parts[c]
        A /= V * N
        for c in range(1, chunks):
            axpy(parts[0], 1.0, parts[c])
        sums = parts[0]
        delta = 0.0
        for i in range(N):
            f = focusing_field(gamma, y, B[i])
            B[i] = sums[i] * inv_sqrt_n + A * m[i]
            h[i] = damping * h[i] + (1.0 - damping) * (B[i] + f)
            m_new = math.tanh(h[i])
            d = abs(m_new - m[i])
            m[i] = m_new  # the magnetization of the next iteration
            if d > delta:
                delta = d
        if delta < eps:
            break
    return it, delta
