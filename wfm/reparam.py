"""Function-preserving reparametrizations (Dinh, Pascanu, Bengio and Bengio, ICML 2017).

Positive per-unit rescalings leave the function computed by the network unchanged but move
the weights, and with them any flatness measure that is not invariant under
them: for a ReLU unit with a trainable readout, (w_k, v_k) -> (a_k w_k, v_k / a_k);
for a sign unit, w_k -> a_k w_k; for the spherical perceptron, w -> a w.
"""
import numbers

import numpy as np

from wfm import _validate as check


def _factors(a, K):
    """Validate ``a`` (a positive number or K positive numbers) and return it with shape (K,)."""
    if isinstance(a, (bool, np.bool_)):
        raise TypeError(f"a must be a positive number or an array of {K} positive numbers, got {a!r}")
    if isinstance(a, numbers.Real):
        a = np.full(K, check.real("a", a))
    else:
        a = np.asarray(a)
        if a.dtype.kind not in "iuf":
            raise TypeError(f"a must hold real numbers, got dtype {a.dtype}")
        if a.shape != (K,):
            raise ValueError(f"a must be a scalar or have shape ({K},) (one factor per unit), got {a.shape}")
        a = a.astype(np.float64)
    if not np.all(np.isfinite(a)) or not np.all(a > 0):
        raise ValueError("a must be finite and > 0 (a negative or zero factor changes the function), "
                         f"got {a}")
    return a


def rescale(model, w, a):
    """Rescale the weights of every hidden unit without changing the function computed.

    Parameters
    ----------
    model : wfm.models.Perceptron or wfm.models.Committee
        A spherical perceptron, a committee of sign units with continuous weights, or a ReLU
        committee with a trainable second layer.
    w : ndarray or tuple
        Weights in the model's layout.
    a : float or array_like of shape (K,)
        Positive factors: one for all units, or one per hidden unit.

    Returns
    -------
    ndarray or tuple
        New weights: spherical perceptron a w; sign committee rows a_k w_k (readout, if
        trainable, unchanged); ReLU committee (a_k w_k, v_k / a_k).

    Raises
    ------
    ValueError
        For binary weights, for a ReLU committee with a fixed readout and a != 1 (the output
        would be multiplied by a), and for non-positive factors.
    """
    from wfm.models import Committee, Perceptron

    if isinstance(model, Perceptron):
        if model.binary:
            raise ValueError(f"rescale needs continuous weights, got {model!r}")
        w = model.check_weights(w)
        return _factors(a, 1)[0] * w
    if not isinstance(model, Committee):
        raise TypeError(f"model must be a wfm Perceptron or Committee, got {type(model).__name__}")
    if model.binary:
        raise ValueError(f"rescale needs continuous weights, got {model!r}")
    a = _factors(a, model.K)
    W, v = model.split(w)
    if model.activation == "relu":
        if not model.trainable:
            if np.any(a != 1.0):
                raise ValueError("a ReLU committee with a fixed readout changes its output under "
                                 f"rescaling: a must be 1, got {a}; use second_layer='trainable'")
            return W.copy()
        return a[:, None] * W, v / a
    W = a[:, None] * W
    return (W, v.copy()) if model.trainable else W
