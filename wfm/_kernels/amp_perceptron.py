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

Two matrix-vector products per iteration, on the int8 (or float) patterns X and their
transposed copy XT, both read row by row as sums of scaled rows.
"""
import math

from numba import njit

from wfm._kernels.gauss import GH, focusing_field
from wfm._kernels.linalg import matvec_rows

_V_MIN = 1.0e-12  # floor of the variance: fully polarised weights give V = 0


@njit(cache=True, nogil=True)
def amp_step(X, XT, sigma, kappa, h, g, B, m, omega, B_new, gamma, y, damping, eps, max_iters):
    """Iterate AMP at fixed (gamma, y) until max |delta m| < eps or max_iters iterations.

    Parameters
    ----------
    X : ndarray (P, N), int8 or float
    XT : ndarray (N, P), the transposed contiguous copy of X
    sigma : ndarray (P,), int8 labels
    kappa : float, margin
    h, g, B : ndarray float64 (N,), (P,), (N,); state updated in place: total fields, output
        functions g_mu, pattern fields B_i (the cavity field seen by the focusing factor).
    m, omega, B_new : ndarray float64 (N,), (P,), (N,), workspaces
    gamma, y : float, focusing parameters (y = 1 switches focusing off)
    damping : float in [0, 1)
    eps : float, convergence threshold on the magnetizations
    max_iters : int

    Returns
    -------
    iterations : int
    delta : float, largest change of a magnetization in the last iteration
    """
    P, N = X.shape
    inv_sqrt_n = 1.0 / math.sqrt(N)
    delta = 0.0
    it = 0
    while it < max_iters:
        it += 1
        V = 0.0
        for i in range(N):
            m[i] = math.tanh(h[i])
            V += 1.0 - m[i] * m[i]
        V = max(V / N, _V_MIN)
        sqrt_v = math.sqrt(V)
        matvec_rows(XT, m, omega)
        A = 0.0
        for mu in range(P):
            z = (kappa - sigma[mu] * (omega[mu] * inv_sqrt_n - V * g[mu])) / sqrt_v
            r = GH(z)
            g[mu] = sigma[mu] * r / sqrt_v
            A += r * (r - z)
        A /= V * N
        matvec_rows(X, g, B_new)
        delta = 0.0
        for i in range(N):
            f = focusing_field(gamma, y, B[i])
            B[i] = B_new[i] * inv_sqrt_n + A * m[i]
            h[i] = damping * h[i] + (1.0 - damping) * (B[i] + f)
            d = abs(math.tanh(h[i]) - m[i])
            if d > delta:
                delta = d
        if delta < eps:
            break
    return it, delta
