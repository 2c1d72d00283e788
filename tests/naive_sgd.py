"""NumPy twins of wfm._kernels.sgd: an SGD epoch and the full-data loss and errors."""
import numpy as np

from wfm.algorithms.minibatch import batch_bounds, step


def sgd_epoch(ce, theta, settings, order, t, gamma):
    """One epoch of :func:`wfm.algorithms.minibatch.step` on the batches of ``order`` (in place),
    after the projection to the epoch's norm when normalising."""
    if settings.norm_control == "normalize":
        ce.normalize(theta, settings.unit_norm[t])
    for start, stop in batch_bounds(ce.P, settings.batch_size):
        step(ce, theta, ce.gradient(theta, *ce.gather(order[start:stop]), gamma), settings, t)
    return theta


def evaluate(ce, theta, gamma):
    """Mean CE over all training patterns, and the errors of the real model (sign units,
    sign(0) = -1; perceptron stability <= kappa), from the vectorised fields."""
    X, y = ce.gather(np.arange(ce.P))
    W, v = ce.split(theta)
    lam = ce.fields(W, X)
    x = ce._signed(theta, lam, y)[0]
    value = float(np.mean(np.logaddexp(0.0, -2.0 * gamma * x))) / (2.0 * gamma)
    if ce.perceptron:
        stability = y * lam[0] * np.sqrt(ce.n) / np.linalg.norm(W)
        return value, int(np.count_nonzero(stability <= ce.kappa))
    g = np.maximum(lam, 0.0) if ce.activation == "relu" else np.where(lam > 0, 1.0, -1.0)
    return value, int(np.count_nonzero(y * (v @ g) <= 0))
