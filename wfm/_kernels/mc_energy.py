"""Flip-count and cross-entropy training energies of binary weights, full and after one flip.

The energies that the authors' Monte Carlo code anneals instead of the error count (Baldassi et
al., PNAS 113, E7655 (2016); their RRRMC.jl, ``GraphPercLinear`` and ``GraphPercXEntr``):

- ``LINEAR``, the flip count. For a perceptron with integer stability s_mu = sigma_mu w.xi_mu
  and integer error threshold theta (error iff s_mu <= theta, :mod:`wfm._kernels.energy`),
  n_mu = 0 if s_mu > theta, else the fewest weight flips that satisfy the pattern,
  floor((theta - s_mu) / 2) + 1 (a flip moves s_mu by 2); (-s_mu - 1) / 2 + 1 at theta = 0 and
  odd N. For a committee with sign units and majority output, the flips that least-action
  learning makes: a unit k disagrees with the label when g(H_k,mu) != sigma_mu (g(h) = +1 for
  h > 0, else -1), its flip count is the fewest flips that make it agree (floor(-sigma H / 2) + 1
  for sigma = +1, ceil(H / 2) for sigma = -1); the output is right when at most (K - 1) // 2 units
  disagree, so n_mu is the sum of the smallest ``wrong - (K - 1) // 2`` flip counts of the
  disagreeing units (0 when that is <= 0). With a parity output, changing the sign of any one
  unit fixes a wrong pattern: n_mu is the smallest over the units of the flips that change
  its sign. The energy is E = (2 / sqrt(n)) sum_mu n_mu (n inputs
  per unit; n = N for the perceptron), RRRMC's normalisation: then beta means the same for
  every energy and the cross-entropy energy below tends to it as gamma grows.
- ``CE``, the cross-entropy of the stability, E = sum_mu f_gamma(x_mu) with
  f_gamma(x) = log(1 + exp(-2 gamma x)) / (2 gamma) (-> max(-x, 0) as gamma -> inf);
  x_mu = (s_mu - theta) / sqrt(N) for the perceptron, x_mu = sigma_mu S_mu / sqrt(K) for a
  committee with output S_mu (the model's output: sum_k v_k g(H_k,mu), prod_k g(H_k,mu) for a
  parity output, where the cross-entropy is an affine function of the error count, or
  sum_k v_k max(H_k,mu, 0) / sqrt(n) with ReLU units).
- ``ERRORS``, the error count, is the kernel of :mod:`wfm._kernels.annealing` itself.

Perceptron (labels folded into the int8 rows of XT, int16 stabilities, as in the annealing
fast path). A flip of w_i changes s_mu by 2 u_mu with u_mu = -w_i sigma_mu xi_mu,i = +-1, so
n_mu changes by -1 when u_mu = +1 and s_mu <= theta, by +1 when u_mu = -1 and s_mu <= theta + 2,
and by 0 otherwise: with the bit sets B = {s <= theta} and A = {s <= theta + 2} kept per replica
(:func:`linear_rebuild`), the change is two population counts of P / 64 words
(:func:`linear_flip_delta`), RRRMC's lists of patterns at Delta = 1 and Delta < 0 written as bit
sets. The cross-entropy change sum_mu T[s_mu + 2 u_mu] - T[s_mu], T the table of f_gamma over
the 2 N + 5 integer stabilities (:func:`ce_tabulate`), is a dot product of the row with the
per-pattern differences kept per replica (:func:`ce_differences`, :func:`ce_flip_delta`): O(P)
per proposal without table lookups; an accepted flip recomputes the differences.

Committees: per-pattern energies kept in an array, the change of a flip on unit k evaluated
pattern by pattern with the new field (O(K P)).
"""
import numpy as np
from numba import njit

from wfm._kernels.codes import ERRORS, LINEAR, PARITY, RELU


@njit(cache=True, nogil=True)
def cross_entropy(x, gamma):
    """f_gamma(x) = log(1 + exp(-2 gamma x)) / (2 gamma), without overflow."""
    z = -2.0 * gamma * x
    if z > 0.0:
        return (z + np.log1p(np.exp(-z))) / (2.0 * gamma)
    return np.log1p(np.exp(z)) / (2.0 * gamma)


@njit(cache=True, nogil=True)
def flip_count(s, threshold):
    """Fewest flips (each moving s by 2) that bring s above ``threshold``: 0 if s > theta."""
    if s > threshold:
        return 0
    return (threshold - s) // 2 + 1


@njit(cache=True, nogil=True)
def linear_total(s, threshold):
    """sum_mu n_mu of the perceptron's stabilities ``s`` (integer flip count)."""
    total = 0
    for mu in range(s.shape[0]):
        total += flip_count(np.int64(s[mu]), threshold)
    return total


@njit(cache=True, nogil=True)
def popcount(x):
    """Number of set bits of the uint64 ``x`` (the SWAR count of Hacker's Delight, 5-1,
    which LLVM compiles to the popcnt instruction, vectorised in loops)."""
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return np.int64((x * np.uint64(0x0101010101010101)) >> np.uint64(56))


@njit(cache=True, nogil=True)
def linear_rebuild(s, threshold, below, near):
    """Bit sets B = {mu : s_mu <= theta} (``below``) and A = {mu : s_mu <= theta + 2} (``near``).

    Layout of :func:`wfm._kernels.annealing.band_rebuild` (bit mu % 64 of word mu // 64, bits
    past P cleared); full words built by loops of fixed length 64. Returns (|B|, |A|): |B| is
    the number of training errors.
    """
    P = s.shape[0]
    full = P // 64
    n_below = 0
    n_near = 0
    for w in range(full + (1 if full < below.shape[0] else 0)):
        b_word = np.uint64(0)
        a_word = np.uint64(0)
        stop = min(64, P - 64 * w)
        if stop == 64:
            for b in range(64):
                d = np.int64(s[64 * w + b]) - threshold
                b_word |= np.uint64(d <= 0) << np.uint64(b)
                a_word |= np.uint64(d <= 2) << np.uint64(b)
        else:
            for b in range(stop):
                d = np.int64(s[64 * w + b]) - threshold
                b_word |= np.uint64(d <= 0) << np.uint64(b)
                a_word |= np.uint64(d <= 2) << np.uint64(b)
        below[w] = b_word
        near[w] = a_word
        n_below += popcount(b_word)
        n_near += popcount(a_word)
    return n_below, n_near


@njit(cache=True, nogil=True)
def linear_flip_delta(row_bits, below, near, n_below, n_near, change):
    """Change of the perceptron's integer flip count under a flip, O(P / 64).

    ``row_bits`` is the bit set R of the positive entries of the label-folded row,
    ``change`` = -2 w_i: the patterns in R move by +change, the others by -change. With U the
    set moving up (R if change > 0, its complement otherwise), dn = |A minus U| - |B and U|
    (module docstring).
    """
    in_b = 0
    in_a = 0
    for w in range(below.shape[0]):
        in_b += popcount(row_bits[w] & below[w])
        in_a += popcount(row_bits[w] & near[w])
    if change > 0:
        return (n_near - in_a) - in_b
    return in_a - (n_below - in_b)


@njit(cache=True, nogil=True)
def linear_flip(row, s, change, threshold, below, near):
    """Apply s_mu <- s_mu + change row_mu (int16) and rebuild the bit sets; returns (|B|, |A|)."""
    c = np.int16(change)
    for mu in range(s.shape[0]):
        s[mu] = np.int16(s[mu] + c * row[mu])
    return linear_rebuild(s, threshold, below, near)


@njit(cache=True, nogil=True)
def ce_tabulate(gamma, threshold, N, table):
    """``table[s + N + 2]`` = f_gamma((s - theta) / sqrt(N)) for the integers s in [-N - 2, N + 2]."""
    root = np.sqrt(np.float64(N))
    for index in range(table.shape[0]):
        table[index] = cross_entropy((index - N - 2 - threshold) / root, gamma)


@njit(cache=True, nogil=True)
def ce_total(s, table, offset):
    """sum_mu table[s_mu + offset]: the cross-entropy energy of the stabilities ``s``."""
    total = 0.0
    for mu in range(s.shape[0]):
        total += table[np.int64(s[mu]) + offset]
    return total


@njit(cache=True, nogil=True)
def ce_differences(s, table, offset, G):
    """Fill G_mu = T[s_mu + 2] - T[s_mu - 2]; return (M, sum_mu G_mu), M = sum_mu T[s_mu - 2] - T[s_mu].

    A flip moves s_mu by 2 u_mu (u_mu = +-1): the cross-entropy changes by
    sum_mu T[s_mu + 2 u_mu] - T[s_mu] = M + sum_{mu : u_mu = +1} G_mu (:func:`ce_flip_delta`).
    """
    M = 0.0
    total = 0.0
    for mu in range(s.shape[0]):
        index = np.int64(s[mu]) + offset
        G[mu] = table[index + 2] - table[index - 2]
        M += table[index - 2] - table[index]
        total += G[mu]
    return M, total


@njit(cache=True, nogil=True)
def ce_flip_delta(row, G, M, total, change):
    """Cross-entropy change of a flip from the differences of :func:`ce_differences`, O(P).

    The patterns moving up are those with row_mu = sign(change), so with D = sum_mu G_mu row_mu
    the change is M + (total + sign(change) D) / 2: a dot product of contiguous arrays, no
    table lookup per proposal.
    """
    # Eight partial sums: without reassociation (no fastmath) one sum is a chain of dependent
    # additions; eight run 1.5 times faster (3.0 against 1.9 M columns/s at P = 601, measured).
    a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = 0.0
    P = G.shape[0]
    full = P - P % 8
    for b in range(0, full, 8):
        a0 += G[b] * row[b]
        a1 += G[b + 1] * row[b + 1]
        a2 += G[b + 2] * row[b + 2]
        a3 += G[b + 3] * row[b + 3]
        a4 += G[b + 4] * row[b + 4]
        a5 += G[b + 5] * row[b + 5]
        a6 += G[b + 6] * row[b + 6]
        a7 += G[b + 7] * row[b + 7]
    rest = 0.0
    for mu in range(full, P):
        rest += G[mu] * row[mu]
    dot = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + rest
    if change > 0:
        return M + 0.5 * (total + dot)
    return M + 0.5 * (total - dot)


@njit(cache=True, nogil=True)
def ce_flip(row, s, change, threshold):
    """Apply s_mu <- s_mu + change row_mu (int16); returns the number of errors s_mu <= theta."""
    c = np.int16(change)
    errors = 0
    for mu in range(s.shape[0]):
        value = np.int16(s[mu] + c * row[mu])
        s[mu] = value
        errors += np.int64(value <= threshold)
    return errors


@njit(cache=True, nogil=True)
def _agrees(h, sigma):
    # Sign unit g(h) = +1 for h > 0, else -1, equal to the label sigma.
    return (h > 0) == (sigma > 0)


@njit(cache=True, nogil=True)
def _unit_flips(h, sigma):
    # Fewest flips (each moving h by 2) after which g(h) = sigma, for a disagreeing unit.
    if sigma > 0:
        return (-h) // 2 + 1  # h <= 0: need h + 2 m > 0
    return (h + 1) // 2  # h > 0: need h - 2 m <= 0


@njit(cache=True, nogil=True)
def committee_pattern_energy(energy, H, mu, k, h, sigma, v, rule, gamma, n, flips):
    """Per-pattern energy of a committee (module docstring) with unit k's field replaced by h.

    ``H`` (K, P) raw integer fields, ``flips`` a work array (K,) int64. LINEAR returns the
    integer flip count n_mu (as a float), CE returns f_gamma(sigma S / sqrt(K)).
    """
    K = H.shape[0]
    if energy == LINEAR and rule == PARITY:
        parity = 1
        fewest = np.int64(-1)
        for q in range(K):
            field = np.int64(h if q == k else H[q, mu])
            parity *= 1 if field > 0 else -1
            count = (field + 1) // 2 if field > 0 else (-field) // 2 + 1  # flips to change its sign
            if fewest < 0 or count < fewest:
                fewest = count
        return 0.0 if parity == sigma else np.float64(fewest)
    if energy == LINEAR:
        wrong = 0
        for q in range(K):
            field = h if q == k else H[q, mu]
            if not _agrees(field, sigma):
                flips[wrong] = _unit_flips(np.int64(field), sigma)
                wrong += 1
        needed = wrong - (K - 1) // 2
        total = 0
        for _ in range(needed):  # sum of the `needed` smallest counts, by selection
            best = 0
            for q in range(1, wrong):
                if flips[q] < flips[best]:
                    best = q
            total += flips[best]
            wrong -= 1
            flips[best] = flips[wrong]
        return np.float64(total)
    out = 1.0 if rule == PARITY else 0.0
    for q in range(K):
        field = h if q == k else H[q, mu]
        if rule == RELU:
            out += v[q] * (np.float64(field) if field > 0 else 0.0)
        elif rule == PARITY:
            out *= 1.0 if field > 0 else -1.0
        else:
            out += v[q] * (1.0 if field > 0 else -1.0)
    if rule == RELU:
        out /= np.sqrt(np.float64(n))
    return cross_entropy(sigma * out / np.sqrt(np.float64(K)), gamma)


@njit(cache=True, nogil=True)
def committee_pattern_energies(energy, H, labels, v, rule, gamma, n, flips, out):
    """Fill ``out`` (P,) with the per-pattern energies of a committee; return their sum."""
    total = 0.0
    for mu in range(H.shape[1]):
        out[mu] = committee_pattern_energy(energy, H, mu, 0, H[0, mu], labels[mu], v, rule,
                                           gamma, n, flips)
        total += out[mu]
    return total


@njit(cache=True, nogil=True)
def committee_energy_delta(energy, XT, labels, H, W, v, rule, tree, k, j, gamma, pattern, flips):
    """Change of the committee energy under the flip W_kj -> -W_kj, O(K P); state unchanged.

    ``pattern`` (P,) holds the current per-pattern energies
    (:func:`committee_pattern_energies`).
    """
    n = W.shape[1]
    col = k * n + j if tree else j
    change = -2 * W[k, j]
    row = XT[col]
    fields = H[k]
    delta = 0.0
    for mu in range(fields.shape[0]):
        h = fields[mu] + change * row[mu]
        delta += committee_pattern_energy(energy, H, mu, k, h, labels[mu], v, rule, gamma, n,
                                          flips) - pattern[mu]
    return delta


def unsupported(energy, committee, rule, integer_fields):
    """None when ``energy`` is defined for the model, else the reason (a phrase).

    ``integer_fields``: the stabilities or hidden fields are exact integers (binary weights on
    +-1 inputs; for the perceptron also N small enough for the int16 fast path).
    """
    if energy == ERRORS:
        return None
    if not integer_fields and (energy == LINEAR or not committee):
        return "needs +-1 inputs (integer stabilities; perceptron N <= 32000)"
    if energy == LINEAR and committee and rule == RELU:
        return "is defined for sign units (majority or parity output), not ReLU units"
    return None
