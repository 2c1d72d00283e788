"""AMP (TAP) iteration for binary sign committee machines, with an optional focusing field.

The AMP form of the edge BP of :mod:`wfm._kernels.bp_committee` (Baldassi et al., PNAS 113,
E7655 (2016)), built as generalised AMP (Rangan 2011) unit by unit: with the other units
summarised exactly by C = P(sigma S >= 2) and D = P(S = 0) (S the sum of their outputs), unit k
of pattern mu sees the channel P(satisfied | lambda_k) = C + D Theta(sigma lambda_k). With
x_mu_i = xi_mu_i / sqrt(n), m_ki = tanh(h_ki), one iteration reads

    V_k        = sum_i (1 - m_ki^2) / n
    omega_mu_k = sum_i x_mu_i m_ki - V_k g_mu_k                  (Onsager reaction term)
    p_mu_k     = H(-omega_mu_k / sqrt(V_k)) = P(tau_k = +1)      (C, D from the other units' p)
    z          = -sigma_mu omega_mu_k / sqrt(V_k),  r = G(z) / (C / D + H(z))
    g_mu_k     = sigma_mu r / sqrt(V_k),  Gamma_mu_k = r (r - z) / V_k
    A_k        = sum_mu Gamma_mu_k / n
    B_ki       = sum_mu x_mu_i g_mu_k + A_k m_ki
    h_ki       = damping h_ki + (1 - damping) (B_ki + F_ki),  F_ki = focusing_field(gamma, y, B_ki)

r is the derivative of log(C + D H(z)) in z (for C = 0 it is the perceptron's G/H), so the
update costs 2 K matrix-vector products of size P x n plus O(P K^2) for the output node.
"""
import math

from numba import njit

from wfm._kernels.bp_committee import tie_weights
from wfm._kernels.gauss import GH, focusing_field
from wfm._kernels.linalg import matvec_rows

_V_MIN = 1.0e-12  # floor of a unit's variance: fully polarised weights give V = 0
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


@njit(cache=True, nogil=True)
def mixture_ratio(c, z, Hz):
    """r(z) = G(z) / (c + H(z)) for c >= 0 (c = inf gives 0), given Hz = H(z): -d/dz log(c + H(z))."""
    if c == 0.0:
        return GH(z)
    if c == math.inf:
        return 0.0
    return _INV_SQRT_2PI * math.exp(-0.5 * z * z) / (c + Hz)


@njit(cache=True, nogil=True)
def committee_output(sigma, omega, V, g, Gamma, p, q, dist):
    """Output functions g[k, mu], Gamma[k, mu] from omega[k, mu] and the unit variances V[k].

    ``p``, ``q``, ``dist`` are float64 (K,) workspaces; omega already holds the
    Onsager-corrected means, so the entry values of g and Gamma are not read.
    """
    K, P = omega.shape
    for mu in range(P):
        s = sigma[mu]
        for k in range(K):
            t = omega[k, mu] / math.sqrt(2.0 * V[k])
            p[k] = 0.5 * math.erfc(-t)
            q[k] = 0.5 * math.erfc(t)
        for k in range(K):
            C, D = tie_weights(p, q, k, s, dist)
            sqrt_v = math.sqrt(V[k])
            z = -s * omega[k, mu] / sqrt_v
            if D > 0.0:
                r = mixture_ratio(C / D, z, p[k] if s > 0 else q[k])  # H(z) = P(tau_k = sigma)
            else:
                r = 0.0
            g[k, mu] = s * r / sqrt_v
            Gamma[k, mu] = r * (r - z) / V[k]


@njit(cache=True, nogil=True)
def amp_committee_step(X, XT, sigma, tree, h, g, B, m, omega, Gamma, B_new, V, p, q, dist,
                       gamma, y, damping, eps, max_iters):
    """Iterate committee AMP at fixed (gamma, y) until max |delta m| < eps or max_iters iterations.

    Parameters
    ----------
    X : ndarray (P, N), int8 or float
    XT : ndarray (N, P), the transposed contiguous copy of X
    sigma : ndarray (P,), int8 labels
    tree : bool, unit k reads inputs k n .. (k + 1) n - 1 (tree) or all inputs (fully connected)
    h, g, B : ndarray float64 (K, n), (K, P), (K, n); state updated in place: total fields,
        output functions, pattern fields B_ki (the cavity field seen by the focusing factor)
    m, omega, Gamma, B_new : ndarray float64 (K, n), (K, P), (K, P), (K, n), workspaces
    V, p, q, dist : ndarray float64 (K,), workspaces
    gamma, y : float, focusing parameters (y = 1 switches focusing off)
    damping : float in [0, 1)
    eps : float, convergence threshold on the magnetizations
    max_iters : int

    Returns
    -------
    iterations : int
    delta : float, largest change of a magnetization in the last iteration
    """
    K, n = h.shape
    P = X.shape[0]
    inv_sqrt_n = 1.0 / math.sqrt(n)
    delta = 0.0
    it = 0
    while it < max_iters:
        it += 1
        for k in range(K):
            off = k * n if tree else 0
            v = 0.0
            for i in range(n):
                m[k, i] = math.tanh(h[k, i])
                v += 1.0 - m[k, i] * m[k, i]
            V[k] = max(v / n, _V_MIN)
            if tree:
                matvec_rows(XT[off:off + n], m[k], omega[k])
            else:  # the whole contiguous XT: a layout the compiler vectorises
                matvec_rows(XT, m[k], omega[k])
            for mu in range(P):
                omega[k, mu] = omega[k, mu] * inv_sqrt_n - V[k] * g[k, mu]
        committee_output(sigma, omega, V, g, Gamma, p, q, dist)
        delta = 0.0
        for k in range(K):
            off = k * n if tree else 0
            A = 0.0
            for mu in range(P):
                A += Gamma[k, mu]
            A /= n
            if tree:
                matvec_rows(X[:, off:off + n], g[k], B_new[k])
            else:
                matvec_rows(X, g[k], B_new[k])
            for i in range(n):
                f = focusing_field(gamma, y, B[k, i])
                B[k, i] = B_new[k, i] * inv_sqrt_n + A * m[k, i]
                h[k, i] = damping * h[k, i] + (1.0 - damping) * (B[k, i] + f)
                d = abs(math.tanh(h[k, i]) - m[k, i])
                if d > delta:
                    delta = d
        if delta < eps:
            break
    return it, delta
