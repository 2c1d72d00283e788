"""NumPy twins of wfm._kernels.sgd: the mini-batch CE and its gradient, an SGD epoch, and the
full-data loss and errors.

The functions take a :class:`wfm.algorithms.minibatch.CrossEntropy` ``ce`` for its sizes, layout
and parameters, and compute everything from the vectorised fields: a fully connected layer is one
product W X_b^T forward and one C X_b backward, a tree layer one matrix-vector product per unit.
"""
import numpy as np
from scipy.special import expit

from wfm.algorithms.minibatch import batch_bounds, step


def gather(ce, index):
    """Patterns (float64) and labels of the mini-batch ``index``: patterns (B, N), or (K, B, n)
    with unit k's inputs for a tree."""
    Xb = np.asarray(ce.patterns[index], dtype=np.float64)
    if ce.stacked:
        Xb = np.ascontiguousarray(Xb.reshape(len(index), ce.K, ce.n).transpose(1, 0, 2))
    return Xb, ce.y[index]


def fields(ce, W, Xb):
    """Hidden fields lambda, shape (K, B)."""
    if ce.stacked:
        return np.matmul(Xb, W[:, :, None])[:, :, 0] * ce.scale
    return (W @ Xb.T) * ce.scale


def _back(ce, C, Xb):
    """sum_mu C_k,mu xi_k^mu / sqrt(n), shape (K, n)."""
    if ce.stacked:
        return np.matmul(C[:, None, :], Xb)[:, 0, :] * ce.scale
    return (C @ Xb) * ce.scale


def _activation(ce, lam):
    """(g(lambda), g'(lambda)): identity (perceptron, g' None), ReLU (derivative ``ce.leak`` at
    lambda <= 0), or tanh(beta lambda)."""
    if ce.perceptron:
        return lam, None
    if ce.model.activation == "relu":
        return np.maximum(lam, 0.0), np.where(lam > 0, 1.0, ce.leak)
    t = np.tanh(ce.beta * lam)
    return t, ce.beta * (1.0 - t * t)


def signed(ce, theta, lam, y):
    """Signed output x (margin included) and the activations (g, g')."""
    W, v = ce.split(theta)
    g, g1 = _activation(ce, lam)
    x = y * (v @ g)
    if ce.kappa:
        x -= ce.kappa * np.linalg.norm(W) * ce.scale
    return x, g, g1


def _gradient(ce, theta, Xb, yb, gamma):
    W, v = ce.split(theta)
    lam = fields(ce, W, Xb)
    x, g, g1 = signed(ce, theta, lam, yb)
    B = x.shape[0]
    ell1 = -expit(-2.0 * gamma * x)  # f'_gamma(x)
    delta = yb * ell1 / B  # dL/dout_mu
    C = delta[None, :] if g1 is None else (v[:, None] * g1) * delta
    grad = np.empty_like(theta)
    gW = grad[:ce.F].reshape(ce.K, ce.n)
    gW[:] = _back(ce, C, Xb)
    if ce.kappa:
        # d(-kappa |w| / sqrt(N)) / dw = -kappa w / (|w| sqrt(N))
        gW -= (ell1.sum() / B) * ce.kappa * ce.scale * W / np.linalg.norm(W)
    if ce.trainable:
        grad[ce.F:] = g @ delta
    return x, grad


def value_and_gradient(ce, theta, Xb, yb, gamma):
    """Mean CE over the batch (Xb, yb) at inverse temperature gamma, and its gradient."""
    x, grad = _gradient(ce, theta, Xb, yb, gamma)
    return float(np.mean(np.logaddexp(0.0, -2.0 * gamma * x))) / (2.0 * gamma), grad


def gradient(ce, theta, Xb, yb, gamma):
    """Gradient of the mean CE over the batch (Xb, yb), without the value."""
    return _gradient(ce, theta, Xb, yb, gamma)[1]


def sgd_epoch(ce, theta, settings, order, t, gamma):
    """One epoch of :func:`wfm.algorithms.minibatch.step` on the batches of ``order`` (in place),
    after the projection to the epoch's norm when normalising."""
    if settings.norm_control == "normalize":
        ce.normalize(theta, settings.unit_norm[t])
    for start, stop in batch_bounds(ce.P, settings.batch_size):
        step(ce, theta, gradient(ce, theta, *gather(ce, order[start:stop]), gamma), settings, t)
    return theta


def evaluate(ce, theta, gamma):
    """Mean CE over all training patterns, and the errors of the real model (sign units,
    sign(0) = -1; perceptron stability <= kappa), from the vectorised fields."""
    X, y = gather(ce, np.arange(ce.P))
    W, v = ce.split(theta)
    lam = fields(ce, W, X)
    x = signed(ce, theta, lam, y)[0]
    value = float(np.mean(np.logaddexp(0.0, -2.0 * gamma * x))) / (2.0 * gamma)
    if ce.perceptron:
        stability = y * lam[0] * np.sqrt(ce.n) / np.linalg.norm(W)
        return value, int(np.count_nonzero(stability <= ce.kappa))
    g = np.maximum(lam, 0.0) if ce.model.activation == "relu" else np.where(lam > 0, 1.0, -1.0)
    return value, int(np.count_nonzero(y * (v @ g) <= 0))
