"""Training energy of perceptrons and committee machines, full and after one weight move.

Plain ``@njit`` functions on arrays, meant to be called from the inner loops of simulated
annealing, greedy and local-entropy searches. The energy is the number of misclassified
training patterns (conventions of :mod:`wfm.models`).

Perceptron state (P patterns, N inputs):

- ``XT`` (N, P): the patterns transposed, C-contiguous (``Problem.XT``), int8 +-1 or float;
- ``y`` (P,) int8 labels sigma;
- ``w`` (N,): int8 +-1 (binary) or float64 (continuous) weights;
- ``s`` (P,): raw stabilities s_mu = sigma_mu sum_i xi_mu,i w_i, int32 when both the inputs
  and the weights are +-1 (exact), float64 otherwise;
- E = #{mu : s_mu <= theta} with theta = kappa |w|, the model's rule
  sigma w.xi / |w| > kappa written without the division. At kappa = 0, theta = 0 and a zero
  field is an error. For integer stabilities :func:`perceptron_integer_threshold` gives the
  integer theta for which the comparison agrees exactly with the model's floating-point test.

Committee state (K hidden units of n inputs each):

- ``W`` (K, n): int8 +-1 or float64 first-layer weights; unit k reads input
  ``k*n + j`` (tree) or ``j`` (fully connected) through weight ``W[k, j]``;
- ``H`` (K, P): raw hidden fields H_k,mu = sum_j W_kj xi_mu,input(k,j) (no 1/sqrt(n)), int32
  for +-1 inputs with binary weights, float64 otherwise. Unit-major so that a move on unit k
  streams the contiguous rows ``H[k]`` and ``XT[input]``;
- ``v`` (K,) float64 fixed readout; ``rule`` one of ``SIGN``, ``RELU``, ``PARITY``;
- ``S`` (P,) float64 output before the final sign: S_mu = sum_k v_k g(H_k,mu) with
  g(h) = sign(h) (+1 for h > 0, else -1) or g(h) = max(h, 0), or the parity prod_k sign(H_k,mu).
  The ReLU sum is the model's output times sqrt(n), so its sign is the model's sign;
- E = #{mu : sigma_mu S_mu <= 0} (a zero output is an error).
"""
import numpy as np
from numba import njit

from wfm._kernels.codes import PARITY, RELU, SIGN


@njit(cache=True, nogil=True)
def perceptron_stabilities(X, y, w, s):
    """Fill ``s`` with the raw stabilities s_mu = sigma_mu sum_i xi_mu,i w_i.

    Parameters
    ----------
    X : ndarray (P, N), int8 or float
    y : ndarray (P,), int8
    w : ndarray (N,), int8 or float64
    s : ndarray (P,), int32 or float64, output
    """
    P, N = X.shape
    for mu in range(P):
        field = 0
        for i in range(N):
            field += X[mu, i] * w[i]
        s[mu] = y[mu] * field


@njit(cache=True, nogil=True)
def perceptron_integer_threshold(kappa, N):
    """Integer threshold theta for integer stabilities with binary weights, |w| = sqrt(N).

    Returns the largest integer t in [-N-1, N] with fl(t / fl(sqrt(N))) <= kappa, as int64.
    For integer s, ``s <= t`` then holds exactly when the model's floating-point test
    ``s / sqrt(N) <= kappa`` does (float division is monotone in s), so patterns sitting
    exactly on the margin are counted as the model counts them. An integer threshold also
    keeps the comparisons of the delta kernels in integer arithmetic (about 20% faster).
    """
    r = np.sqrt(np.float64(N))
    t = np.floor(kappa * r)
    t = min(max(t, -N - 1.0), np.float64(N))
    while t < N and (t + 1.0) / r <= kappa:
        t += 1.0
    while t >= -N and t / r > kappa:
        t -= 1.0
    return np.int64(t)


@njit(cache=True, nogil=True)
def count_at_most(s, threshold):
    """Number of entries of ``s`` that are <= ``threshold``: the perceptron energy."""
    E = 0
    for mu in range(s.shape[0]):
        if s[mu] <= threshold:
            E += 1
    return E


@njit(cache=True, nogil=True)
def _perceptron_delta(XT, y, s, i, change, old_threshold, new_threshold):
    # s_mu -> s_mu + change * sigma_mu xi_mu,i; count errors s <= theta before and after.
    row = XT[i]
    dE = 0
    for mu in range(s.shape[0]):
        new = s[mu] + change * (y[mu] * row[mu])
        dE += np.int64(new <= new_threshold) - np.int64(s[mu] <= old_threshold)
    return dE


@njit(cache=True, nogil=True)
def _perceptron_apply(XT, y, s, i, change):
    row = XT[i]
    for mu in range(s.shape[0]):
        s[mu] += change * (y[mu] * row[mu])


@njit(cache=True, nogil=True)
def perceptron_flip_delta(XT, y, s, w, i, threshold):
    """Energy change of the flip w_i -> -w_i (binary weights); the state is not modified.

    s_mu -> s_mu - 2 w_i sigma_mu xi_mu,i, read from the contiguous row ``XT[i]`` (O(P)).
    ``threshold`` is unchanged by a flip (|w| = sqrt(N)): the int64 of
    :func:`perceptron_integer_threshold` for integer ``s``, kappa sqrt(N) for float ``s``.
    Returns an int.
    """
    return _perceptron_delta(XT, y, s, i, -2 * w[i], threshold, threshold)


@njit(cache=True, nogil=True)
def perceptron_flip(XT, y, s, w, i):
    """Apply the flip w_i -> -w_i: update ``s`` in place and ``w[i]``."""
    _perceptron_apply(XT, y, s, i, -2 * w[i])
    w[i] = -w[i]


@njit(cache=True, nogil=True)
def perceptron_shifted_norm2(w, i, step, norm2):
    """|w'|^2 after w_i -> w_i + step: norm2 + step (2 w_i + step)."""
    return norm2 + step * (2.0 * w[i] + step)


@njit(cache=True, nogil=True)
def perceptron_shift_delta(XT, y, s, w, i, step, norm2, kappa):
    """Energy change of the move w_i -> w_i + step (continuous weights); state unchanged.

    s_mu -> s_mu + step sigma_mu xi_mu,i; the threshold kappa |w| moves with the norm:
    before kappa sqrt(norm2), after kappa sqrt(norm2 + step (2 w_i + step)). ``norm2`` is the
    current |w|^2. Returns an int.
    """
    new_norm2 = perceptron_shifted_norm2(w, i, step, norm2)
    old_threshold = kappa * np.sqrt(max(norm2, 0.0))
    new_threshold = kappa * np.sqrt(max(new_norm2, 0.0))
    return _perceptron_delta(XT, y, s, i, step, old_threshold, new_threshold)


@njit(cache=True, nogil=True)
def perceptron_shift(XT, y, s, w, i, step, norm2):
    """Apply w_i -> w_i + step: update ``s`` and ``w[i]`` in place; return the new |w|^2."""
    new_norm2 = perceptron_shifted_norm2(w, i, step, norm2)
    _perceptron_apply(XT, y, s, i, step)
    w[i] += step
    return new_norm2


@njit(cache=True, nogil=True)
def committee_input(tree, n, k, j):
    """Input index read by weight (k, j): k n + j for a tree, j when fully connected."""
    if tree:
        return k * n + j
    return j


@njit(cache=True, nogil=True)
def committee_fields(X, W, tree, H):
    """Fill ``H`` (K, P) with the raw hidden fields H_k,mu = sum_j W_kj xi_mu,input(k,j)."""
    K, n = W.shape
    P = X.shape[0]
    for mu in range(P):
        for k in range(K):
            offset = k * n if tree else 0
            field = 0
            for j in range(n):
                field += X[mu, offset + j] * W[k, j]
            H[k, mu] = field


@njit(cache=True, nogil=True)
def _activation(h, rule):
    # g(h): max(h, 0) for RELU, sign(h) with sign(0) = -1 otherwise.
    if rule == RELU:
        return np.float64(h) if h > 0 else 0.0
    return 1.0 if h > 0 else -1.0


@njit(cache=True, nogil=True)
def _output(H, v, rule, mu, k, h):
    # S_mu from the fields of pattern mu with unit k's field replaced by h.
    K = H.shape[0]
    out = 1.0 if rule == PARITY else 0.0
    for q in range(K):
        field = h if q == k else H[q, mu]
        if rule == PARITY:
            out *= _activation(field, rule)
        else:
            out += v[q] * _activation(field, rule)
    return out


@njit(cache=True, nogil=True)
def committee_outputs(H, v, rule, S):
    """Fill ``S`` (P,) with S_mu = sum_k v_k g(H_k,mu), or prod_k sign(H_k,mu) for PARITY."""
    for mu in range(H.shape[1]):
        S[mu] = _output(H, v, rule, mu, 0, H[0, mu])


@njit(cache=True, nogil=True)
def committee_energy(y, S):
    """Number of patterns with sigma_mu S_mu <= 0 (a zero output is an error)."""
    E = 0
    for mu in range(S.shape[0]):
        if y[mu] * S[mu] <= 0:
            E += 1
    return E


@njit(cache=True, nogil=True)
def _new_output(H, S, v, rule, mu, k, old, new):
    # Output after unit k's field goes from old to new. SIGN: replace v_k sign(old) by
    # v_k sign(new), exact (integer-valued sums); PARITY: flip S when the sign flips;
    # RELU: re-sum the K units so that S stays the same function of H as in
    # committee_outputs (no rounding drift, an all-silent layer gives exactly 0).
    if rule == SIGN:
        return S[mu] + v[k] * (_activation(new, rule) - _activation(old, rule))
    if rule == PARITY:
        return S[mu] if (new > 0) == (old > 0) else -S[mu]
    return _output(H, v, rule, mu, k, new)


@njit(cache=True, nogil=True)
def _committee_delta(XT, y, H, S, v, rule, k, col, change):
    # H_k,mu -> H_k,mu + change * xi_mu,col; count errors sigma S <= 0 before and after.
    row = XT[col]
    fields = H[k]
    dE = 0
    if rule == SIGN:
        # The SIGN case of _new_output written inline: a call per pattern that passes arrays
        # is not inlined and costs tens of times the arithmetic.
        vk = v[k]
        for mu in range(S.shape[0]):
            old = fields[mu]
            new = old + change * row[mu]
            out = S[mu] + vk * (_activation(new, rule) - _activation(old, rule))
            dE += np.int64(y[mu] * out <= 0) - np.int64(y[mu] * S[mu] <= 0)
        return dE
    if rule == PARITY:  # inline too: the output flips sign when unit k's sign flips
        for mu in range(S.shape[0]):
            old = fields[mu]
            new = old + change * row[mu]
            out = S[mu] if (new > 0) == (old > 0) else -S[mu]
            dE += np.int64(y[mu] * out <= 0) - np.int64(y[mu] * S[mu] <= 0)
        return dE
    for mu in range(S.shape[0]):
        old = fields[mu]
        new = old + change * row[mu]
        out = _new_output(H, S, v, rule, mu, k, old, new)
        dE += np.int64(y[mu] * out <= 0) - np.int64(y[mu] * S[mu] <= 0)
    return dE


@njit(cache=True, nogil=True)
def _committee_apply(XT, H, S, v, rule, k, col, change):
    row = XT[col]
    fields = H[k]
    if rule == SIGN:  # inline, as in _committee_delta
        vk = v[k]
        for mu in range(S.shape[0]):
            old = fields[mu]
            new = old + change * row[mu]
            S[mu] = S[mu] + vk * (_activation(new, rule) - _activation(old, rule))
            fields[mu] = new
        return
    if rule == PARITY:  # inline, as in _committee_delta
        for mu in range(S.shape[0]):
            old = fields[mu]
            new = old + change * row[mu]
            if (new > 0) != (old > 0):
                S[mu] = -S[mu]
            fields[mu] = new
        return
    for mu in range(S.shape[0]):
        old = fields[mu]
        new = old + change * row[mu]
        S[mu] = _new_output(H, S, v, rule, mu, k, old, new)
        fields[mu] = new


@njit(cache=True, nogil=True)
def committee_flip_delta(XT, y, H, S, W, v, rule, tree, k, j):
    """Energy change of the flip W_kj -> -W_kj (binary weights); the state is not modified.

    H_k,mu -> H_k,mu - 2 W_kj xi_mu,input(k,j); each output is updated in O(1) (O(K) for RELU).
    Returns an int.
    """
    col = committee_input(tree, W.shape[1], k, j)
    return _committee_delta(XT, y, H, S, v, rule, k, col, -2 * W[k, j])


@njit(cache=True, nogil=True)
def committee_flip(XT, H, S, W, v, rule, tree, k, j):
    """Apply the flip W_kj -> -W_kj: update ``H[k]``, ``S`` and ``W[k, j]`` in place."""
    col = committee_input(tree, W.shape[1], k, j)
    _committee_apply(XT, H, S, v, rule, k, col, -2 * W[k, j])
    W[k, j] = -W[k, j]


@njit(cache=True, nogil=True)
def committee_shift_delta(XT, y, H, S, W, v, rule, tree, k, j, step):
    """Energy change of W_kj -> W_kj + step (continuous weights); state unchanged.

    H_k,mu -> H_k,mu + step xi_mu,input(k,j). Returns an int.
    """
    col = committee_input(tree, W.shape[1], k, j)
    return _committee_delta(XT, y, H, S, v, rule, k, col, step)


@njit(cache=True, nogil=True)
def committee_shift(XT, H, S, W, v, rule, tree, k, j, step):
    """Apply W_kj -> W_kj + step: update ``H[k]``, ``S`` and ``W[k, j]`` in place."""
    col = committee_input(tree, W.shape[1], k, j)
    _committee_apply(XT, H, S, v, rule, k, col, step)
    W[k, j] += step
