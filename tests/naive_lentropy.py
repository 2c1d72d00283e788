"""Slow NumPy twins of the Bethe free-entropy kernels and exact local entropies by enumeration."""
import itertools

import numpy as np
from scipy.special import log_ndtr, logsumexp

import naive_mp

_CHUNK = 2 ** 16  # configurations per block of the enumeration


def weight_terms(u, H, F):
    """sum_i log 2cosh(h_i) + sum_{a,i} [log cosh(h_i - u_ai) - log cosh h_i], h = H + F (Eq. B1)."""
    P = u.shape[0]
    h = (H + F).reshape(-1)
    u = u.reshape(P, -1)
    log2cosh = lambda x: np.logaddexp(x, -x)  # noqa: E731
    return float(np.sum(log2cosh(h)) + np.sum(log2cosh(h[None, :] - u) - log2cosh(h)[None, :]))


def perceptron_pattern_terms(X, sigma, kappa, u, H, F):
    """sum_a log H((kappa sqrt(N) - sigma_a M_a) / sqrt(V_a)) with the cavity marginals (Eq. B2)."""
    N = X.shape[1]
    m = np.tanh(H[None, :] + F[None, :] - u)
    M = np.sum(X * m, axis=1)
    V = np.maximum(np.sum(1 - m ** 2, axis=1), 1e-12)
    return float(np.sum(naive_mp.logH((kappa * np.sqrt(N) - sigma * M) / np.sqrt(V))))


def committee_pattern_terms(X, sigma, tree, u, H, F):
    """sum_a log P(sigma_a sum_k tau_k > 0), tau_k independent, P(tau_k = 1) = H(-M_ak / sqrt(V_ak)) (Eq. B3)."""
    P, K, n = u.shape
    total = 0.0
    for a in range(P):
        xi = np.array([X[a, k * n:(k + 1) * n] if tree else X[a] for k in range(K)], dtype=float)
        m = np.tanh(H + F - u[a])
        z = np.sum(xi * m, axis=1) / np.sqrt(np.maximum(np.sum(1 - m ** 2, axis=1), 1e-12))
        logp, logq = log_ndtr(z), log_ndtr(-z)
        terms = [sum(logp[k] if t == 1 else logq[k] for k, t in enumerate(taus))
                 for taus in itertools.product((1, -1), repeat=K) if sigma[a] * sum(taus) > 0]
        total += logsumexp(terms)
    return float(total)


def _configurations(start, stop, size):
    """Rows of +-1 (int8): bit j of the index i gives w_j = 1 - 2 bit."""
    index = np.arange(start, stop, dtype=np.int64)
    return (1 - 2 * ((index[:, None] >> np.arange(size)) & 1)).astype(np.int8)


def _satisfied(problem, model, W):
    """Boolean (rows,) : every training pattern satisfied by the configuration (model conventions)."""
    X = problem.X.astype(np.float64)
    if type(model).__name__ == "Perceptron":
        stab = problem.y * (W.astype(np.float64) @ X.T) / np.sqrt(model.N)
        return np.all(stab > model.kappa, axis=1)
    K, n = model.shape
    Wk = W.reshape(-1, K, n).astype(np.float64)
    total = 0
    for k in range(K):
        Xk = X[:, k * n:(k + 1) * n] if model.tree else X
        total = total + np.where(Wk[:, k] @ Xk.T > 0, 1, -1)
    return np.all(problem.y * total > 0, axis=1)


def solutions(problem, model):
    """Indices (int64) of every zero-error configuration, enumerating all 2^(K n) of them."""
    size = int(np.prod(model.shape))
    found = []
    for start in range(0, 2 ** size, _CHUNK):
        stop = min(2 ** size, start + _CHUNK)
        found.append(np.arange(start, stop)[_satisfied(problem, model, _configurations(start, stop, size))])
    return np.concatenate(found)


def configuration(index, shape):
    """The +-1 weights (int8, model layout) of one enumeration index."""
    size = int(np.prod(shape))
    return _configurations(index, index + 1, size)[0].reshape(shape)


def distance_counts(indices, reference):
    """counts[k] = number of the configurations ``indices`` at Hamming distance k from ``reference``."""
    ref = np.asarray(reference).reshape(-1)
    size = ref.size
    ref_index = int(np.sum(((1 - ref) // 2).astype(np.int64) << np.arange(size)))
    flips = np.bitwise_xor(indices, ref_index)
    return np.bincount(_popcount(flips), minlength=size + 1)


def _popcount(values):
    """Number of set bits of each non-negative int64."""
    counts = np.zeros(values.shape, dtype=np.int64)
    v = values.copy()
    while np.any(v):
        counts += v & 1
        v >>= 1
    return counts


def exact_local(counts, gammas):
    """Exact (phi, d, S) per weight of the tilted measure from the distance counts.

    phi(gamma) = (1/N) log sum_k counts[k] exp(gamma (N - 2k)); d = <k>/N under the tilted
    measure (= (1 - dphi/dgamma)/2); S = phi - gamma (1 - 2 d).
    """
    N = counts.size - 1
    k = np.arange(N + 1)
    live = counts > 0
    phi, d = [], []
    for gamma in np.atleast_1d(gammas):
        log_terms = np.log(counts[live]) + gamma * (N - 2 * k[live])
        log_Z = logsumexp(log_terms)
        phi.append(log_Z / N)
        d.append(np.sum(np.exp(log_terms - log_Z) * k[live]) / N)
    phi, d = np.array(phi), np.array(d)
    return phi, d, phi - np.atleast_1d(gammas) * (1 - 2 * d)
