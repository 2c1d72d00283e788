"""Edge belief propagation for binary sign committee machines (tree or fully connected).

Baldassi, Ingrosso, Lucibello, Saglietti, Zecchina, PNAS 113, E7655 (2016), focusing BP for
the committee machine. Weights w_ki = +-1, hidden units tau_k = sign(sum_i xi_mu_ki w_ki), output
sign(sum_k tau_k), K odd. For pattern mu and unit k the pre-activation is Gaussian with mean
M_k = sum_i xi_ki m_ki->mu and variance V_k = sum_i (1 - m_ki->mu^2), so
p_k = P(tau_k = +1) = H(-M_k / sqrt(V_k)). With S the sum of the other units' outputs
(distribution by exact convolution over the K - 1 other units), C = P(sigma S >= 2) and
D = P(S = 0), the message to w_ki is, for w_ki = s,

    P(pattern satisfied | w_ki = s) = C + D H(-sigma (M_k\\i + xi_ki s) / sqrt(V_k\\i)),

with the exact cavity mean and variance M_k\\i, V_k\\i of unit k; its field is
u = 1/2 log[(c + H(a - d)) / (c + H(a + d))], c = C / D, a = -sigma M_k\\i / sqrt(V_k\\i),
d = sigma xi_ki / sqrt(V_k\\i). Weights carry the focusing field of
:func:`wfm._kernels.gauss.focusing_field`, as for the perceptron.
"""
import math

from numba import njit

from wfm._kernels.gauss import focusing_field, logH, tanh

_V_MIN = 1.0e-12  # floor of a variance: fully polarised units give V = 0
_SQRT2 = math.sqrt(2.0)


@njit(cache=True, nogil=True)
def half_log_ratio_mixture(c, a, d):
    """1/2 log[(c + H(a - d)) / (c + H(a + d))] for c >= 0, without overflow or 0/0."""
    x1 = (a - d) / _SQRT2
    x2 = (a + d) / _SQRT2
    if x1 < 20.0 and x2 < 20.0:
        return 0.5 * math.log((2.0 * c + math.erfc(x1)) / (2.0 * c + math.erfc(x2)))
    l1 = logH(a - d)
    l2 = logH(a + d)
    if c > 0.0:
        lc = math.log(c)
        l1 = max(lc, l1) + math.log1p(math.exp(-abs(lc - l1)))
        l2 = max(lc, l2) + math.log1p(math.exp(-abs(lc - l2)))
    return 0.5 * (l1 - l2)


@njit(cache=True, nogil=True)
def tie_weights(p, q, k, sigma, dist):
    """(C, D) for unit k: C = P(sigma S >= 2), D = P(S = 0), S = sum of the other units' signs.

    p[l] = P(tau_l = +1), q[l] = P(tau_l = -1); dist is a workspace of length K holding the
    distribution of the number of +1 among the other K - 1 units (exact convolution).
    """
    K = p.shape[0]
    dist[:] = 0.0
    dist[0] = 1.0
    count = 0
    for l in range(K):
        if l == k:
            continue
        count += 1
        for j in range(count, 0, -1):
            dist[j] = dist[j] * q[l] + dist[j - 1] * p[l]
        dist[0] = dist[0] * q[l]
    half = (K - 1) // 2
    C = 0.0
    for j in range(K):
        S = 2 * j - (K - 1)
        if sigma * S >= 2:
            C += dist[j]
    return C, dist[half]


@njit(cache=True, nogil=True)
def committee_sweep(X, sigma, tree, u, H, F, H_old, mcav, M, V, p, q, dist, damping, sequential):
    """One sweep over the patterns, updating every message u[mu, k, i] and H = sum_mu u[mu].

    Parameters
    ----------
    X : ndarray (P, N), int8 or float
    sigma : ndarray (P,), int8 labels
    tree : bool, unit k reads inputs k n .. (k + 1) n - 1 (tree) or all inputs (fully connected)
    u : ndarray float64 (P, K, n), pattern-to-weight fields
    H, F : ndarray float64 (K, n), summed pattern fields (kept consistent with u) and focusing fields
    H_old, mcav : ndarray float64 (K, n), workspaces
    M, V, p, q, dist : ndarray float64 (K,), workspaces
    damping : float in [0, 1)
    sequential : bool, patterns read fields already updated in this sweep (True) or the
        fields of the previous sweep (False, parallel update)
    """
    P = X.shape[0]
    K, n = H.shape
    H_old[:, :] = H
    source = H if sequential else H_old
    for mu in range(P):
        row = X[mu]
        s = sigma[mu]
        for k in range(K):
            off = k * n if tree else 0
            Mk = 0.0
            Vk = 0.0
            for i in range(n):
                m = tanh(source[k, i] + F[k, i] - u[mu, k, i])
                mcav[k, i] = m
                Mk += row[off + i] * m
                Vk += 1.0 - m * m
            M[k] = Mk
            V[k] = Vk
            r = 1.0 / math.sqrt(2.0 * max(Vk, _V_MIN))
            p[k] = 0.5 * math.erfc(-Mk * r)
            q[k] = 0.5 * math.erfc(Mk * r)
        for k in range(K):
            off = k * n if tree else 0
            C, D = tie_weights(p, q, k, s, dist)
            urow = u[mu, k]
            if D > 0.0:
                c = C / D
                for i in range(n):
                    m = mcav[k, i]
                    r = 1.0 / math.sqrt(max(V[k] - (1.0 - m * m), _V_MIN))
                    x = row[off + i]
                    new = half_log_ratio_mixture(c, -s * (M[k] - x * m) * r, s * x * r)
                    new = damping * urow[i] + (1.0 - damping) * new
                    H[k, i] += new - urow[i]
                    urow[i] = new
            else:
                for i in range(n):
                    new = damping * urow[i]
                    H[k, i] += new - urow[i]
                    urow[i] = new


@njit(cache=True, nogil=True)
def committee_step(X, sigma, tree, u, H, F, m_old, H_old, mcav, M, V, p, q, dist,
                   gamma, y, damping, sequential, eps, max_iters):
    """Sweep at fixed (gamma, y) until max |delta m_ki| < eps or max_iters sweeps.

    The focusing fields F are recomputed after every sweep from the cavity fields H; the
    marginals are m_ki = tanh(H_ki + F_ki). ``m_old`` is a (K, n) workspace.

    Returns
    -------
    iterations : int
    delta : float, largest change of a marginal magnetization in the last sweep
    """
    K, n = H.shape
    delta = 0.0
    it = 0
    while it < max_iters:
        it += 1
        for k in range(K):
            for i in range(n):
                m_old[k, i] = math.tanh(H[k, i] + F[k, i])
        committee_sweep(X, sigma, tree, u, H, F, H_old, mcav, M, V, p, q, dist, damping, sequential)
        delta = 0.0
        for k in range(K):
            for i in range(n):
                F[k, i] = focusing_field(gamma, y, H[k, i])
                d = abs(math.tanh(H[k, i] + F[k, i]) - m_old[k, i])
                if d > delta:
                    delta = d
        if delta < eps:
            break
    return it, delta


@njit(cache=True, nogil=True)
def committee_errors(X, sigma, tree, h):
    """Training errors of W = sign(h) (h = 0 gives +1) for the sign majority committee.

    A hidden unit is +1 when its field is > 0 and -1 otherwise (the convention of
    :class:`wfm.models.Committee`); a pattern is an error when sigma sum_k tau_k <= 0.
    """
    P = X.shape[0]
    K, n = h.shape
    errors = 0
    for mu in range(P):
        row = X[mu]
        total = 0
        for k in range(K):
            off = k * n if tree else 0
            lam = 0.0
            for i in range(n):
                if h[k, i] >= 0.0:
                    lam += row[off + i]
                else:
                    lam -= row[off + i]
            total += 1 if lam > 0.0 else -1
        if sigma[mu] * total <= 0:
            errors += 1
    return errors

