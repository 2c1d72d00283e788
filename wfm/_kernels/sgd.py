"""Mini-batch SGD on the cross-entropy loss, for perceptrons and committees: one epoch, one
batch gradient, and the full-data loss and errors.

The loss, its gradient and the norm control are those of :mod:`wfm.algorithms.minibatch`
(SCIENCE.md, "CE loss"): per pattern f_gamma(x), f_gamma(x) = log(1 + exp(-2 gamma x)) / (2 gamma),
x = sigma sum_k v_k g(lambda_k) - kappa |w| / sqrt(N), lambda_k = w_k.xi_k / sqrt(n);
dL/dw_k = (1/B) sum_mu sigma_mu f'(x_mu) v_k g'(lambda_k) xi_k / sqrt(n) (plus the margin term
-kappa f' w / (|w| sqrt(N)) for the perceptron), dL/dv_k = (1/B) sum_mu sigma_mu f'(x_mu) g(lambda_k).
Patterns are read in their own dtype (int8 +-1 or float) straight from the (P, N) matrix in the
order given, so no shuffled copy is made. Unit k of a tree reads inputs k n .. (k + 1) n - 1;
a fully connected unit reads all of them (n = N). The perceptron is K = 1 with a linear unit.
"""
import numpy as np
from numba import njit

LINEAR, RELU, TANH = 0, 1, 2
NONE, NORMALIZE, WEIGHT_DECAY = 0, 1, 2


@njit(cache=True)
def _ce_value(x, gamma):
    """f_gamma(x) = log(1 + exp(-2 gamma x)) / (2 gamma), evaluated without overflow."""
    z = -2.0 * gamma * x
    if z > 0.0:
        return (z + np.log1p(np.exp(-z))) / (2.0 * gamma)
    return np.log1p(np.exp(z)) / (2.0 * gamma)


@njit(cache=True)
def _ce_slope(x, gamma):
    """f'_gamma(x) = -1 / (1 + exp(2 gamma x)), evaluated without overflow."""
    z = 2.0 * gamma * x
    if z > 0.0:
        e = np.exp(-z)
        return -e / (1.0 + e)
    return -1.0 / (1.0 + np.exp(z))


@njit(cache=True, fastmath={"reassoc"})
def _dot(a, b):
    """a . b for 1-D arrays, reassociated so that LLVM vectorises the reduction.

    Only the order of the additions changes (no other fast-math flag); the kernel tests bound
    the difference from the NumPy twin (relative 1e-10).
    """
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i] * b[i]
    return s


@njit(cache=True)
def _axpy(c, x, out):
    """out += c x for 1-D arrays."""
    for i in range(x.shape[0]):
        out[i] += c * x[i]


@njit(cache=True)
def _units(X, mu, W, v, tree, activation, beta, g, g1, xi):
    """Activations g(lambda_k) and slopes g'(lambda_k) of pattern mu into g, g1; returns the
    output sum_k v_k g(lambda_k). TANH is the surrogate tanh(beta lambda) of sign units.

    Pattern mu is converted once to float64 into ``xi`` (shape (N,)), which every unit reads
    (and the backward pass after it)."""
    K, n = W.shape
    for i in range(X.shape[1]):
        xi[i] = X[mu, i]
    scale = 1.0 / np.sqrt(n)
    out = 0.0
    for k in range(K):
        offset = k * n if tree else 0
        lam = _dot(W[k], xi[offset:offset + n]) * scale
        if activation == LINEAR:
            g[k], g1[k] = lam, 1.0
        elif activation == RELU:
            g[k], g1[k] = (lam, 1.0) if lam > 0.0 else (0.0, 0.0)
        else:
            t = np.tanh(beta * lam)
            g[k], g1[k] = t, beta * (1.0 - t * t)
        out += v[k] * g[k]
    return out


@njit(cache=True)
def batch_gradient(X, y, index, W, v, tree, activation, beta, gamma, kappa, grad_W, grad_v, g, g1,
                   xi):
    """Mean CE over the patterns ``index`` and its gradient (grad_W (K, n), grad_v (K,)).

    Parameters
    ----------
    X : (P, N) int8 or float array; y : (P,) float64 labels +-1; index : (B,) int64
    W : (K, n) float64 first layer; v : (K,) float64 readout
    tree : bool
    activation : int
        LINEAR (perceptron, K = 1), RELU, or TANH (tanh(beta lambda), the sign surrogate).
    beta, gamma, kappa : float
        kappa is the perceptron's margin (0 for committees).
    grad_W, grad_v : outputs, overwritten; g, g1 : work arrays of shape (K,); xi : (N,)

    Returns
    -------
    float
        The mean loss over the batch.
    """
    K, n = W.shape
    B = index.shape[0]
    scale = 1.0 / np.sqrt(n)
    grad_W[:] = 0.0
    grad_v[:] = 0.0
    norm_w = np.sqrt(_dot(W[0], W[0])) if kappa != 0.0 else 1.0  # perceptron: K = 1
    slope_sum = 0.0
    loss = 0.0
    for j in range(B):
        mu = index[j]
        x = y[mu] * _units(X, mu, W, v, tree, activation, beta, g, g1, xi) - kappa * norm_w * scale
        loss += _ce_value(x, gamma)
        slope = _ce_slope(x, gamma)
        slope_sum += slope
        delta = y[mu] * slope / B
        for k in range(K):
            c = v[k] * g1[k] * delta
            if c != 0.0:
                offset = k * n if tree else 0
                _axpy(c, xi[offset:offset + n], grad_W[k])
            grad_v[k] += g[k] * delta
    for k in range(K):
        for i in range(n):
            grad_W[k, i] *= scale
    if kappa != 0.0:
        # d(-kappa |w| / sqrt(N)) / dw = -kappa w / (|w| sqrt(N))
        for i in range(n):
            grad_W[0, i] -= (slope_sum / B) * kappa * scale * W[0, i] / norm_w
    return loss / B


@njit(cache=True)
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


@njit(cache=True)
def sgd_epoch(X, y, order, batch_size, W, v, trainable, tree, activation, beta, gamma, kappa,
              lr, norm_mode, weight_decay, r, grad_W, grad_v, g, g1, xi):
    """One epoch: the steps on the batches ``order[start:start + batch_size]``, W, v in place.

    Each step is theta <- theta - lr (grad + [weight_decay theta]) (WEIGHT_DECAY adds the
    bracket), followed with NORMALIZE by the projection |w_k| = r sqrt(n), |v| = sqrt(K) (if
    ``trainable``); with NORMALIZE the weights are also projected before the first step, so
    the epoch starts on its own sphere. Other arguments as :func:`batch_gradient`; norm_mode is
    NONE, NORMALIZE or WEIGHT_DECAY; v is updated only if ``trainable``.
    """
    P = order.shape[0]
    K, n = W.shape
    if norm_mode == NORMALIZE:
        _project(W, v, trainable, r)
    for start in range(0, P, batch_size):
        stop = min(P, start + batch_size)
        batch_gradient(X, y, order[start:stop], W, v, tree, activation, beta, gamma, kappa,
                       grad_W, grad_v, g, g1, xi)
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


@njit(cache=True)
def evaluate(X, y, W, v, tree, activation, beta, gamma, kappa, g, g1, xi):
    """Mean CE over all patterns, and the training errors of the real model.

    Errors: for the perceptron (LINEAR) the patterns with stability sigma w.xi / |w| <= kappa;
    for committees those with sigma sum_k v_k g(lambda_k) <= 0, with the true activations
    (ReLU, or sign with sign(0) = -1 for TANH), as :class:`wfm.models.Committee`.
    Work arrays g, g1 of shape (K,) and xi of shape (N,).
    """
    K, n = W.shape
    scale = 1.0 / np.sqrt(n)
    norm_w = np.sqrt(_dot(W[0], W[0]))  # used by the perceptron only: K = 1
    loss = 0.0
    errors = 0
    for mu in range(X.shape[0]):
        out = _units(X, mu, W, v, tree, activation, beta, g, g1, xi)
        x = y[mu] * out - kappa * norm_w * scale
        loss += _ce_value(x, gamma)
        if activation == LINEAR:
            wrong = y[mu] * out / (norm_w * scale) <= kappa
        else:
            real = 0.0
            for k in range(K):
                if activation == RELU:
                    real += v[k] * g[k]
                else:  # tanh(beta lambda) > 0 exactly when lambda > 0 (beta > 0)
                    real += v[k] if g[k] > 0.0 else -v[k]
            wrong = y[mu] * real <= 0.0
        if wrong:
            errors += 1
    return loss / X.shape[0], errors
