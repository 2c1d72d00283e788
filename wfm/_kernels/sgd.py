"""Mini-batch SGD on the cross-entropy loss, for perceptrons and committees: one epoch, one
batch gradient, and the full-data loss and errors.

The loss, its gradient and the norm control are those of :mod:`wfm.algorithms.minibatch`
(the cross-entropy of Baldassi, Pittorino and Zecchina, PNAS 117, 161 (2020)): per pattern
f_gamma(x), f_gamma(x) = log(1 + exp(-2 gamma x)) / (2 gamma),
x = sigma sum_k v_k g(lambda_k) - kappa |w| / sqrt(N), lambda_k = w_k.xi_k / sqrt(n);
dL/dw_k = (1/B) sum_mu sigma_mu f'(x_mu) v_k g'(lambda_k) xi_k / sqrt(n) (plus the margin term
-kappa f' w / (|w| sqrt(N)) for the perceptron), dL/dv_k = (1/B) sum_mu sigma_mu f'(x_mu) g(lambda_k).
The patterns stay in their compact dtype (int8 +-1 or float) in the (P, N) matrix; each batch
(or evaluation block) is gathered in the order given and converted to float64 in a work array,
so no shuffled copy of the data is made. Fully connected layers (and the perceptron) then use
two BLAS products per batch, as the NumPy twin; a tree one dot product per unit and pattern.
Unit k of a tree reads inputs k n .. (k + 1) n - 1; a fully connected unit reads all of them
(n = N). The perceptron is K = 1 with a linear unit.
"""
import numpy as np
from numba import njit

from wfm._kernels.codes import NORMALIZE, PERCEPTRON, RELU, SIGN, WEIGHT_DECAY
from wfm._kernels.linalg import axpy


@njit(cache=True, nogil=True)
def _ce_value(x, gamma):
    """f_gamma(x) = log(1 + exp(-2 gamma x)) / (2 gamma), evaluated without overflow."""
    z = -2.0 * gamma * x
    if z > 0.0:
        return (z + np.log1p(np.exp(-z))) / (2.0 * gamma)
    return np.log1p(np.exp(z)) / (2.0 * gamma)


@njit(cache=True, nogil=True)
def _ce_slope(x, gamma):
    """f'_gamma(x) = -1 / (1 + exp(2 gamma x)), evaluated without overflow."""
    z = 2.0 * gamma * x
    if z > 0.0:
        e = np.exp(-z)
        return -e / (1.0 + e)
    return -1.0 / (1.0 + np.exp(z))


@njit(cache=True, nogil=True, fastmath={"reassoc"})
def _dot(a, b):
    """a . b for 1-D arrays, reassociated so that LLVM vectorises the reduction.

    Only the order of the additions changes (no other fast-math flag); the kernel tests bound
    the difference from the NumPy twin (relative 1e-10).
    """
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i] * b[i]
    return s


@njit(cache=True, nogil=True)
def _gather(X, index, rows):
    """Patterns ``index`` of X, converted to float64, into rows[:len(index)]."""
    for j in range(index.shape[0]):
        mu = index[j]
        for i in range(X.shape[1]):
            rows[j, i] = X[mu, i]


@njit(cache=True, nogil=True)
def _fields(W, rows, tree, lam):
    """Hidden fields lam[j, k] = w_k.xi_k^j / sqrt(n) of the float64 rows (B, N), into lam[:B].

    Fully connected (and the perceptron): one BLAS product rows W^T; tree: one dot per row and
    unit, unit k reading inputs k n .. (k + 1) n - 1.
    """
    K, n = W.shape
    B = rows.shape[0]
    scale = 1.0 / np.sqrt(n)
    if tree:
        for j in range(B):
            for k in range(K):
                lam[j, k] = _dot(W[k], rows[j, k * n:(k + 1) * n]) * scale
    else:
        lam[:B] = np.dot(rows, W.T) * scale


@njit(cache=True, nogil=True)
def _activation(lam, activation, beta):
    """(g(lambda), g'(lambda)): identity (PERCEPTRON), ReLU with the derivative ``beta`` (the
    leak) at lambda <= 0, or tanh(beta lambda) (SIGN units)."""
    if activation == PERCEPTRON:
        return lam, 1.0
    if activation == RELU:
        return (lam, 1.0) if lam > 0.0 else (0.0, beta)
    t = np.tanh(beta * lam)
    return t, beta * (1.0 - t * t)


@njit(cache=True, nogil=True)
def batch_gradient(X, y, index, W, v, tree, activation, beta, gamma, kappa, grad_W, grad_v, g,
                   rows, lam):
    """Mean CE over the patterns ``index`` and its gradient (grad_W (K, n), grad_v (K,)).

    Parameters
    ----------
    X : (P, N) int8 or float array; y : (P,) float64 labels +-1; index : (B,) int64
    W : (K, n) float64 first layer; v : (K,) float64 readout
    tree : bool
    activation : int
        Code of :mod:`wfm._kernels.codes`: PERCEPTRON (linear unit, K = 1), RELU, or SIGN
        (sign units, trained through the surrogate tanh(beta lambda)).
    beta, gamma, kappa : float
        beta: the tanh slope for SIGN units, the derivative at lambda <= 0 for RELU (0: the true
        ReLU); kappa is the perceptron's margin (0 for committees).
    grad_W, grad_v : outputs, overwritten
    g : (K,), rows : (>= B, N), lam : (>= B, K) float64 work arrays

    Returns
    -------
    float
        The mean loss over the batch.

    Notes
    -----
    Forward: the fields by :func:`_fields`; backward: C[j, k] = v_k g'(lambda_k^j) delta_j
    / sqrt(n), delta_j = sigma_j f'(x_j) / B, and dL/dw_k = sum_j C[j, k] xi_k^j (one BLAS
    product C^T rows when fully connected).
    """
    K, n = W.shape
    B = index.shape[0]
    scale = 1.0 / np.sqrt(n)
    batch = rows[:B]
    _gather(X, index, batch)
    _fields(W, batch, tree, lam)
    grad_v[:] = 0.0
    norm_w = np.sqrt(_dot(W[0], W[0])) if kappa != 0.0 else 1.0  # perceptron: K = 1
    slope_sum = 0.0
    loss = 0.0
    for j in range(B):
        mu = index[j]
        out = 0.0
        for k in range(K):
            g[k], slope_k = _activation(lam[j, k], activation, beta)
            out += v[k] * g[k]
            lam[j, k] = v[k] * slope_k
        x = y[mu] * out - kappa * norm_w * scale
        loss += _ce_value(x, gamma)
        slope = _ce_slope(x, gamma)
        slope_sum += slope
        delta = y[mu] * slope / B
        for k in range(K):
            lam[j, k] *= delta * scale
            grad_v[k] += g[k] * delta
    if tree:
        grad_W[:] = 0.0
        for j in range(B):
            for k in range(K):
                if lam[j, k] != 0.0:
                    axpy(grad_W[k], lam[j, k], batch[j, k * n:(k + 1) * n])
    else:
        grad_W[:] = np.dot(lam[:B].T, batch)
    if kappa != 0.0:
        # d(-kappa |w| / sqrt(N)) / dw = -kappa w / (|w| sqrt(N))
        for i in range(n):
            grad_W[0, i] -= (slope_sum / B) * kappa * scale * W[0, i] / norm_w
    return loss / B


@njit(cache=True, nogil=True)
def _project(W, v, trainable, r):
    """|w_k| = r sqrt(n) for every unit and, if trainable, |v| = sqrt(K)."""
    K, n = W.shape
    for k in range(K):
        norm = np.sqrt(_dot(W[k], W[k]))
        if norm > 0.0:
            W[k] *= r * np.sqrt(n) / norm
    if trainable:
        norm = np.sqrt(_dot(v, v))
        if norm > 0.0:
            v *= np.sqrt(K) / norm


@njit(cache=True, nogil=True)
def sgd_epoch(X, y, order, batch_size, W, v, trainable, tree, activation, beta, gamma, kappa,
              lr, norm_mode, weight_decay, r, grad_W, grad_v, g, rows, lam):
    """One epoch: the steps on the batches ``order[start:start + batch_size]``, W, v in place.

    Each step is theta <- theta - lr (grad + [weight_decay theta]) with grad the gradient of
    the batch mean (``lr`` here is the batch step, lr_per_pattern * batch_size of
    :meth:`wfm.algorithms.minibatch.Settings.batch_step`; WEIGHT_DECAY adds the
    bracket), followed with NORMALIZE by the projection |w_k| = r sqrt(n), |v| = sqrt(K) (if
    ``trainable``); with NORMALIZE the weights are also projected before the first step, so
    the epoch starts on its own sphere. Other arguments as :func:`batch_gradient` (rows and
    lam with at least ``batch_size`` rows); norm_mode is FREE_NORM, NORMALIZE or WEIGHT_DECAY; v is
    updated only if ``trainable``.
    """
    P = order.shape[0]
    K, n = W.shape
    if norm_mode == NORMALIZE:
        _project(W, v, trainable, r)
    for start in range(0, P, batch_size):
        stop = min(P, start + batch_size)
        batch_gradient(X, y, order[start:stop], W, v, tree, activation, beta, gamma, kappa,
                       grad_W, grad_v, g, rows, lam)
        for k in range(K):
            for i in range(n):
                step = grad_W[k, i]
                if norm_mode == WEIGHT_DECAY:
                    step += weight_decay * W[k, i]
                W[k, i] -= lr * step
            if trainable:
                step = grad_v[k]
                if norm_mode == WEIGHT_DECAY:
                    step += weight_decay * v[k]
                v[k] -= lr * step
        if norm_mode == NORMALIZE:
            _project(W, v, trainable, r)


@njit(cache=True, nogil=True)
def evaluate(X, y, W, v, tree, activation, beta, gamma, kappa, g, rows, lam):
    """Mean CE over all patterns, and the training errors of the real model.

    Errors: for the perceptron (PERCEPTRON) the patterns with stability sigma w.xi / |w| <= kappa;
    for committees those with sigma sum_k v_k g(lambda_k) <= 0, with the true activations
    (ReLU, or sign with sign(0) = -1 for SIGN), as :class:`wfm.models.Committee`.
    The patterns are processed in blocks of ``rows.shape[0]``; work arrays g (K,), rows
    (block, N), lam (block, K).
    """
    K, n = W.shape
    P = X.shape[0]
    scale = 1.0 / np.sqrt(n)
    norm_w = np.sqrt(_dot(W[0], W[0]))  # used by the perceptron only: K = 1
    loss = 0.0
    errors = 0
    block = rows.shape[0]
    for start in range(0, P, block):
        stop = min(P, start + block)
        batch = rows[:stop - start]
        _gather(X, np.arange(start, stop), batch)
        _fields(W, batch, tree, lam)
        for j in range(stop - start):
            mu = start + j
            out = 0.0
            real = 0.0
            for k in range(K):
                g[k] = _activation(lam[j, k], activation, beta)[0]
                out += v[k] * g[k]
                if activation == SIGN:  # tanh(beta lambda) > 0 exactly when lambda > 0 (beta > 0)
                    real += v[k] if g[k] > 0.0 else -v[k]
            x = y[mu] * out - kappa * norm_w * scale
            loss += _ce_value(x, gamma)
            if activation == PERCEPTRON:
                wrong = y[mu] * out / (norm_w * scale) <= kappa
            elif activation == RELU:
                wrong = y[mu] * out <= 0.0
            else:
                wrong = y[mu] * real <= 0.0
            if wrong:
                errors += 1
    return loss / P, errors
