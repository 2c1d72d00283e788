"""Bethe free entropy of edge BP (Gaussian / central-limit pattern nodes) at a fixed point.

Factor graph: binary weights w_i = +-1 with external fields F_i (prior exp(F_i w_i)), one
factor per pattern a. With normalised messages nu_{i->a}(w) = (1 + m_{i->a} w) / 2 and
nu_{a->i}(w) = exp(u_{ai} w) / (2 cosh u_{ai}) the Bethe free entropy (Mezard and Montanari,
"Information, Physics, and Computation", Eq. 14.27; Yedidia, Freeman and Weiss 2005) is

    Phi = sum_a log Z_a + sum_i log Z_i - sum_{(i,a)} log Z_{ia},

    Z_i    = sum_w exp(F_i w) prod_a nu_{a->i}(w) = 2 cosh(h_i) / prod_a 2 cosh(u_{ai}),
    Z_{ia} = sum_w nu_{i->a}(w) nu_{a->i}(w)      = (1 + m_{i->a} tanh u_{ai}) / 2,

with h_i = H_i + F_i, H_i = sum_a u_{ai}, and m_{i->a} = tanh(h_i - u_{ai}). Since
cosh u + tanh(h - u) sinh u = cosh h / cosh(h - u), the weight and edge terms combine into

    Phi = sum_a log Z_a + sum_i log 2 cosh h_i + sum_{(i,a)} [log cosh(h_i - u_{ai}) - log cosh h_i]   (B1)

(:func:`weight_terms` computes the last two sums). The pattern term is the probability that
pattern a is satisfied when its inputs are drawn from the cavity marginals, in the
central-limit (Gaussian) approximation of the pre-activations used by the BP kernels:

- perceptron (:func:`perceptron_pattern_terms`): sigma_a sum_i xi_ai w_i / sqrt(N) > kappa with
  the pre-activation Gaussian of mean M_a = sum_i xi_ai m_{i->a} and variance
  V_a = sum_i (1 - m_{i->a}^2):

      log Z_a = log H((kappa sqrt(N) - sigma_a M_a) / sqrt(V_a)),                         (B2)

- sign committee (:func:`committee_pattern_terms`): the same per hidden unit,
  p_k = P(tau_k = +1) = H(-M_ak / sqrt(V_ak)), and the exact majority over the K independent
  units: log Z_a = log P(sigma_a sum_k tau_k > 0) (K odd).                                  (B3)

At a BP fixed point Phi approximates log sum_w prod_a 1[a satisfied] exp(sum_i F_i w_i); with
F = gamma * reference it is N phi(gamma) of the local entropy (Huang and Kabashima, PRE 90,
052813 (2014); Baldassi et al., PRL 115, 128101 (2015)). The Gaussian Z_a agrees with the
exact-in-w_i cavity form used by the message updates to second order in 1/sqrt(V), so
dPhi/dF_i = m_i holds up to corrections that vanish as N grows.
"""
import math

from numba import njit

from wfm._kernels.gauss import logH, tanh

_V_MIN = 1.0e-12  # floor of a variance, as in the BP kernels


@njit(cache=True, nogil=True)
def log2cosh(x):
    """log(2 cosh x) = |x| + log1p(exp(-2|x|)), finite for every finite x."""
    a = abs(x)
    return a + math.log1p(math.exp(-2.0 * a))


@njit(cache=True, nogil=True)
def weight_terms(u, H, F):
    """sum_i log 2cosh(h_i) + sum_{a,i} [log cosh(h_i - u_ai) - log cosh(h_i)], Eq. (B1).

    Parameters
    ----------
    u : ndarray float64 (P, N_w), pattern-to-weight fields (weights flattened)
    H, F : ndarray float64 (N_w,), summed pattern fields and external fields; h = H + F
    """
    P, Nw = u.shape
    total = 0.0
    for i in range(Nw):
        h = H[i] + F[i]
        lc = log2cosh(h)
        total += lc
        edges = 0.0
        for a in range(P):
            edges += log2cosh(h - u[a, i])
        total += edges - P * lc
    return total


@njit(cache=True, nogil=True)
def perceptron_pattern_terms(X, sigma, kappa, u, H, F):
    """sum_a log Z_a of the perceptron, Eq. (B2), with m_{i->a} = tanh(H_i + F_i - u_ai).

    Parameters
    ----------
    X : ndarray (P, N), int8 or float
    sigma : ndarray (P,), int8 labels
    kappa : float
    u : ndarray float64 (P, N)
    H, F : ndarray float64 (N,)
    """
    P, N = X.shape
    threshold = kappa * math.sqrt(N)
    total = 0.0
    for a in range(P):
        row = X[a]
        M = 0.0
        V = 0.0
        for i in range(N):
            m = tanh(H[i] + F[i] - u[a, i])
            M += row[i] * m
            V += 1.0 - m * m
        V = max(V, _V_MIN)
        total += logH((threshold - sigma[a] * M) / math.sqrt(V))
    return total


@njit(cache=True, nogil=True)
def _logaddexp(x, y):
    if x == -math.inf:
        return y
    if y == -math.inf:
        return x
    big = max(x, y)
    return big + math.log1p(math.exp(-abs(x - y)))


@njit(cache=True, nogil=True)
def committee_pattern_terms(X, sigma, tree, u, H, F, logp, logq, logdist):
    """sum_a log Z_a of the sign majority committee, Eq. (B3), in log space.

    Parameters
    ----------
    X : ndarray (P, N), int8 or float
    sigma : ndarray (P,), int8 labels
    tree : bool, unit k reads inputs k n .. (k + 1) n - 1 (tree) or all inputs
    u : ndarray float64 (P, K, n)
    H, F : ndarray float64 (K, n)
    logp, logq : ndarray float64 (K,), workspaces (log P(tau_k = +-1))
    logdist : ndarray float64 (K + 1,), workspace (log distribution of the number of +1 units)
    """
    P = X.shape[0]
    K, n = H.shape
    total = 0.0
    for a in range(P):
        row = X[a]
        for k in range(K):
            off = k * n if tree else 0
            M = 0.0
            V = 0.0
            for i in range(n):
                m = tanh(H[k, i] + F[k, i] - u[a, k, i])
                M += row[off + i] * m
                V += 1.0 - m * m
            z = M / math.sqrt(max(V, _V_MIN))
            logp[k] = logH(-z)
            logq[k] = logH(z)
        logdist[:] = -math.inf
        logdist[0] = 0.0
        for k in range(K):
            for j in range(k + 1, 0, -1):
                logdist[j] = _logaddexp(logdist[j] + logq[k], logdist[j - 1] + logp[k])
            logdist[0] = logdist[0] + logq[k]
        logZ = -math.inf
        for j in range(K + 1):
            if sigma[a] * (2 * j - K) > 0:
                logZ = _logaddexp(logZ, logdist[j])
        total += logZ
    return total
