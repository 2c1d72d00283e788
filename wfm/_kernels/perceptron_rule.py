"""One epoch of the online perceptron rule (Rosenblatt 1958) and of the clipped perceptron.

Clipped perceptron (binary weights): hidden real states h, weights w = sign(h); a pattern that
is not satisfied moves the hidden states by h += 2 sigma xi (Baldassi, Braunstein, Brunel and
Zecchina 2007, "Efficient supervised learning in networks with binary synapses", the CP rule
without its stochastic refinement). With +-1 inputs and h started at w, h stays odd and never
vanishes.

Rosenblatt (spherical weights): w += sigma xi / sqrt(N) for a pattern not satisfied; the
stability uses the current norm, sigma w.xi / |w| > kappa.
"""
import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def clipped_epoch(X, y, h, w, order, kappa):
    """Visit the patterns in ``order``; update ``h`` and ``w = sign(h)`` in place.

    Returns the number of updates (patterns found unsatisfied during the epoch).
    """
    N = X.shape[1]
    scale = 1.0 / np.sqrt(N)
    updates = 0
    for mu in order:
        field = 0.0
        for i in range(N):
            field += w[i] * X[mu, i]
        if y[mu] * field * scale <= kappa:
            updates += 1
            for i in range(N):
                h[i] += 2.0 * y[mu] * X[mu, i]
                w[i] = 1 if h[i] > 0 else -1
    return updates


@njit(cache=True, nogil=True)
def rosenblatt_epoch(X, y, w, order, kappa):
    """Visit the patterns in ``order``; update the real weights ``w`` in place.

    Returns the number of updates (patterns found unsatisfied during the epoch).
    """
    N = X.shape[1]
    step = 1.0 / np.sqrt(N)
    updates = 0
    for mu in order:
        field = 0.0
        norm2 = 0.0
        for i in range(N):
            field += w[i] * X[mu, i]
            norm2 += w[i] * w[i]
        if y[mu] * field / np.sqrt(norm2) <= kappa:
            updates += 1
            for i in range(N):
                w[i] += step * y[mu] * X[mu, i]
    return updates
