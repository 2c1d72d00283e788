"""Slow NumPy twins of the kernels in wfm._kernels.energy (same arguments, results returned).

Delta twins recompute every new field and output from scratch; apply twins return the new
arrays instead of updating in place.
"""
import numpy as np

from wfm._kernels.codes import PARITY, RELU


def perceptron_stabilities(X, y, w):
    """s = sigma * (X @ w), float64 (integer-valued for +-1 data)."""
    return y * (X.astype(np.float64) @ w.astype(np.float64))


def perceptron_integer_threshold(kappa, N):
    """Largest integer t in [-N-1, N] with t / sqrt(N) <= kappa, by trying every one."""
    t = np.arange(-N - 1, N + 1, dtype=np.float64)
    ok = t / np.sqrt(np.float64(N)) <= kappa
    return float(t[ok].max()) if ok.any() else float(-N - 1)


def count_at_most(s, threshold):
    return int(np.count_nonzero(s <= threshold))


def perceptron_flip_delta(XT, y, s, w, i, threshold):
    new_s = s + (-2.0 * w[i]) * y * XT[i].astype(np.float64)
    return count_at_most(new_s, threshold) - count_at_most(s, threshold)


def perceptron_flip(XT, y, s, w, i):
    """Return (new s, new w)."""
    new_w = w.copy()
    new_w[i] = -w[i]
    return s + (-2.0 * w[i]) * y * XT[i].astype(np.float64), new_w


def perceptron_shift_delta(XT, y, s, w, i, step, norm2, kappa):
    new_w = w.astype(np.float64).copy()
    new_w[i] += step
    new_norm2 = norm2 - w[i] ** 2 + new_w[i] ** 2
    new_s = s + step * y * XT[i].astype(np.float64)
    return (count_at_most(new_s, kappa * np.sqrt(new_norm2))
            - count_at_most(s, kappa * np.sqrt(norm2)))


def perceptron_shift(XT, y, s, w, i, step, norm2):
    """Return (new s, new w, new |w|^2)."""
    new_w = w.astype(np.float64).copy()
    new_w[i] += step
    return (s + step * y * XT[i].astype(np.float64), new_w,
            norm2 - w[i] ** 2 + new_w[i] ** 2)


def committee_input(tree, n, k, j):
    return k * n + j if tree else j


def committee_fields(X, W, tree):
    """H (K, P) float64: H[k] = X[:, inputs of unit k] @ W[k]."""
    K, n = W.shape
    X = X.astype(np.float64)
    return np.stack([X[:, k * n:(k + 1) * n] @ W[k] if tree else X @ W[k] for k in range(K)])


def committee_outputs(H, v, rule):
    signs = np.where(H > 0, 1.0, -1.0)
    if rule == PARITY:
        return np.prod(signs, axis=0)
    if rule == RELU:
        return v @ np.maximum(H, 0.0)
    return v @ signs


def committee_energy(y, S):
    return int(np.count_nonzero(y * S <= 0))


def _committee_moved(XT, H, W, v, rule, tree, k, j, change):
    new_H = H.astype(np.float64).copy()
    new_H[k] += change * XT[committee_input(tree, W.shape[1], k, j)].astype(np.float64)
    return new_H, committee_outputs(new_H, v, rule)


def committee_flip_delta(XT, y, H, S, W, v, rule, tree, k, j):
    _, new_S = _committee_moved(XT, H, W, v, rule, tree, k, j, -2.0 * W[k, j])
    return committee_energy(y, new_S) - committee_energy(y, S)


def committee_flip(XT, H, S, W, v, rule, tree, k, j):
    """Return (new H, new S, new W)."""
    new_H, new_S = _committee_moved(XT, H, W, v, rule, tree, k, j, -2.0 * W[k, j])
    new_W = W.copy()
    new_W[k, j] = -W[k, j]
    return new_H, new_S, new_W


def committee_shift_delta(XT, y, H, S, W, v, rule, tree, k, j, step):
    _, new_S = _committee_moved(XT, H, W, v, rule, tree, k, j, step)
    return committee_energy(y, new_S) - committee_energy(y, S)


def committee_shift(XT, H, S, W, v, rule, tree, k, j, step):
    """Return (new H, new S, new W)."""
    new_H, new_S = _committee_moved(XT, H, W, v, rule, tree, k, j, step)
    new_W = W.astype(np.float64).copy()
    new_W[k, j] += step
    return new_H, new_S, new_W
