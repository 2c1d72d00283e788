"""Slow NumPy twins of the message-passing kernels and exact marginals by enumeration."""
import itertools

import numpy as np
from scipy.special import log_ndtr, ndtr


def logH(x):
    """log H(x) = log P(Z > x), Z standard normal."""
    return log_ndtr(-np.asarray(x, dtype=float))


def focusing_field(gamma, y, h):
    """atanh(pol tanh((y - 1) atanh(pol tanh h))), pol = tanh(gamma), by the textbook formula."""
    pol = 1.0 if np.isinf(gamma) else np.tanh(gamma)
    inner = h if np.isinf(gamma) else np.arctanh(pol * np.tanh(h))
    b = (y - 1.0) * inner
    return b if np.isinf(gamma) else np.arctanh(pol * np.tanh(b))


def amp_iteration(X, sigma, kappa, h, g, B, gamma, y, damping):
    """One AMP iteration (see wfm._kernels.amp_perceptron); returns new (h, g, B)."""
    P, N = X.shape
    x = X.astype(float) / np.sqrt(N)
    m = np.tanh(h)
    V = max(np.mean(1 - m ** 2), 1e-12)
    omega = x @ m - V * g
    z = (kappa - sigma * omega) / np.sqrt(V)
    r = np.exp(-0.5 * z ** 2) / np.sqrt(2 * np.pi) / np.exp(logH(z))
    g_new = sigma * r / np.sqrt(V)
    A = np.sum(r * (r - z)) / (V * N)
    f = np.array([focusing_field(gamma, y, b) for b in B])
    B_new = x.T @ g_new + A * m
    h_new = damping * h + (1 - damping) * (B_new + f)
    return h_new, g_new, B_new


def dot_lanes(row, v, lanes=32):
    """sum_j row[j] v[j] in the order documented in wfm._kernels.linalg: lane l sums the entries
    j = l (mod lanes) of the first lanes * (n // lanes) in order, the lanes are added in order,
    then the tail entries."""
    row, v = np.asarray(row, dtype=float), np.asarray(v, dtype=float)
    blocks = row.size // lanes
    acc = np.zeros(lanes)
    for b in range(blocks):
        acc += row[b * lanes:(b + 1) * lanes] * v[b * lanes:(b + 1) * lanes]
    s = 0.0
    for a in acc:
        s += a
    for j in range(blocks * lanes, row.size):
        s += row[j] * v[j]
    return s


def matvec_rows(M, v):
    """M.T @ v as the sum of the scaled rows v[r] M[r], added in row order (wfm._kernels.linalg)."""
    out = np.zeros(M.shape[1])
    for r in range(M.shape[0]):
        out += v[r] * np.asarray(M[r], dtype=float)
    return out


def pattern_pass(X, sigma, kappa, m, V, g, chunks, GH):
    """The AMP pattern pass (wfm._kernels.amp_perceptron.pattern_pass) one pattern after the other,
    in the documented order; GH is passed in (the kernel's) so that the bits can be compared.

    Returns (g, parts, A_parts): the new g_mu, the per-chunk sums of g_mu xi_mu and of GH (GH - z).
    """
    P, N = X.shape
    inv_sqrt_n, sqrt_v = 1.0 / np.sqrt(N), np.sqrt(V)
    g, parts, A_parts = np.array(g, dtype=float), np.zeros((chunks, N)), np.zeros(chunks)
    for c in range(chunks):
        for mu in range(c * P // chunks, (c + 1) * P // chunks):
            row = np.asarray(X[mu], dtype=float)
            omega = dot_lanes(row, m) * inv_sqrt_n - V * g[mu]
            z = (kappa - sigma[mu] * omega) / sqrt_v
            r = GH(z)
            g[mu] = sigma[mu] * r / sqrt_v
            A_parts[c] += r * (r - z)
            parts[c] += g[mu] * row
    return g, parts, A_parts


def _tie_weights(p, k, s):
    """(C, D) = (P(s S >= 2), P(S = 0)) for S the sum of the signs of the units other than k."""
    others = [l for l in range(len(p)) if l != k]
    C = D = 0.0
    for taus in itertools.product((1, -1), repeat=len(others)):
        prob = np.prod([p[l] if t == 1 else 1 - p[l] for l, t in zip(others, taus)])
        if s * sum(taus) >= 2:
            C += prob
        elif sum(taus) == 0:
            D += prob
    return C, D


def amp_committee_iteration(X, sigma, tree, h, g, B, gamma, y, damping):
    """One committee AMP iteration (see wfm._kernels.amp_committee); returns new (h, g, B)."""
    K, n = h.shape
    P = X.shape[0]
    x = [X[:, k * n:(k + 1) * n].astype(float) / np.sqrt(n) if tree else X.astype(float) / np.sqrt(n)
         for k in range(K)]
    m = np.tanh(h)
    V = np.maximum(np.mean(1 - m ** 2, axis=1), 1e-12)
    omega = np.array([x[k] @ m[k] - V[k] * g[k] for k in range(K)])
    g_new, Gamma = np.zeros((K, P)), np.zeros((K, P))
    for mu in range(P):
        p = ndtr(omega[:, mu] / np.sqrt(V))
        for k in range(K):
            C, D = _tie_weights(p, k, sigma[mu])
            z = -sigma[mu] * omega[k, mu] / np.sqrt(V[k])
            Hz = np.exp(logH(z))
            Gz = np.exp(-0.5 * z ** 2) / np.sqrt(2 * np.pi)
            r = Gz / (C / D + Hz) if D > 0 else 0.0
            g_new[k, mu] = sigma[mu] * r / np.sqrt(V[k])
            Gamma[k, mu] = r * (r - z) / V[k]
    f = np.vectorize(lambda b: focusing_field(gamma, y, b))(B)
    B_new = np.array([x[k].T @ g_new[k] + Gamma[k].sum() / n * m[k] for k in range(K)])
    h_new = damping * h + (1 - damping) * (B_new + f)
    return h_new, g_new, B_new


def bp_sweep(X, sigma, kappa, u, F, damping, sequential, order=None):
    """One edge-BP sweep for the perceptron (see wfm._kernels.bp_perceptron); returns new u.

    The patterns are visited in ``order`` (default 0, 1, ..., P - 1).
    """
    P, N = X.shape
    u = u.copy()
    H_old = u.sum(axis=0)
    for mu in (range(P) if order is None else order):
        H = u.sum(axis=0) if sequential else H_old
        m = np.tanh(H + F - u[mu])
        xi = X[mu].astype(float)
        M = xi @ m
        V = np.sum(1 - m ** 2)
        Mc = M - xi * m
        Vc = np.maximum(V - (1 - m ** 2), 1e-12)
        a = (kappa * np.sqrt(N) - sigma[mu] * Mc) / np.sqrt(Vc)
        d = sigma[mu] * xi / np.sqrt(Vc)
        new = 0.5 * (logH(a - d) - logH(a + d))
        u[mu] = damping * u[mu] + (1 - damping) * new
    return u


def committee_sweep(X, sigma, tree, u, F, damping, sequential):
    """One edge-BP sweep for the sign committee (see wfm._kernels.bp_committee); returns new u."""
    P, K, n = u.shape
    u = u.copy()
    H_old = u.sum(axis=0)
    for mu in range(P):
        H = u.sum(axis=0) if sequential else H_old
        xi = np.array([X[mu, k * n:(k + 1) * n] if tree else X[mu] for k in range(K)], dtype=float)
        m = np.tanh(H + F - u[mu])
        M = np.sum(xi * m, axis=1)
        V = np.maximum(np.sum(1 - m ** 2, axis=1), 1e-12)
        p = ndtr(M / np.sqrt(V))
        for k in range(K):
            C, D = _tie_weights(p, k, sigma[mu])
            Mc = M[k] - xi[k] * m[k]
            Vc = np.maximum(V[k] - (1 - m[k] ** 2), 1e-12)
            if D > 0:
                plus = C + D * np.exp(logH(-sigma[mu] * (Mc + xi[k]) / np.sqrt(Vc)))
                minus = C + D * np.exp(logH(-sigma[mu] * (Mc - xi[k]) / np.sqrt(Vc)))
                new = 0.5 * np.log(plus / minus)
            else:
                new = np.zeros(n)
            u[mu, k] = damping * u[mu, k] + (1 - damping) * new
    return u


def exact_magnetizations(problem, model):
    """Magnetizations of the uniform measure over the zero-error weights, by enumeration.

    Vectorised over all 2^(number of weights) configurations (keep it below ~2^16).
    Returns ``(m, count)``: magnetizations in the model's weight shape and number of solutions.
    """
    shape = model.shape
    size = int(np.prod(shape))
    W = 1 - 2 * ((np.arange(2 ** size)[:, None] >> np.arange(size)) & 1)
    X = problem.X.astype(float)
    if len(shape) == 1:
        ok = problem.y * (W @ X.T) / np.sqrt(model.N) > model.kappa
    else:
        K, n = shape
        Wk = W.reshape(-1, K, n)
        total = 0
        for k in range(K):
            Xk = X[:, k * n:(k + 1) * n] if model.tree else X
            total = total + np.where(Wk[:, k] @ Xk.T > 0, 1, -1)
        ok = problem.y * total > 0
    solutions = np.all(ok, axis=1)
    m = W[solutions].mean(axis=0).reshape(shape)
    return m, int(solutions.sum())
