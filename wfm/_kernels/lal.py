"""Least-action learning (LAL) for sign committees and its entropic, replicated version (eLAL).

LAL (Mitchison and Durbin, Biol. Cybern. 60, 345 (1989)): a committee of K sign units (K odd,
majority output, readout fixed to +1) is shown a pattern xi with label sigma; if the output is
wrong, d = (K + 1)/2 - #{units with sign(lambda_k) = sigma} units must change sign, and LAL
changes only those: the d wrong units of smallest |lambda_k|, each by a perceptron step
h_k <- h_k + eta sigma xi_k. Units read inputs k n + j (tree) or j (fully connected).

Weights are kept as real hidden states h (y, K, n), the replica index first. With continuous
weights the network weights are h themselves; with binary weights they are sign(h) (sign(0) =
-1), i.e. the clipped-perceptron construction (Baldassi, Braunstein, Brunel and Zecchina,
PNAS 104, 11079 (2007)): fields are computed with the binary weights, steps act on h, and a
weight flips when its hidden state crosses zero towards the target sigma xi.

eLAL (Baldassi et al., PNAS 113, E7655 (2016), "entropic least action"): y replicas make LAL
moves independently and, after every epoch, are pulled elastically towards their centre
h_c = (1/y) sum_a h^a: h^a <- h^a + gamma (h_c - h^a), with gamma raised along the run. The
centre (h_c, or sign(h_c) for binary weights) is the answer. y = 1 or gamma = 0 is plain LAL.

Randomness: Numba's Mersenne Twister seeded at the start; every presentation draws the pattern
index mu = floor(u P) from one uniform u (the stream of ``numpy.random.RandomState(seed)``).
"""
import numpy as np
from numba import njit


@njit(cache=True)
def unit_weight(h, binary):
    """Network weight of hidden state h: h itself, or sign(h) (sign(0) = -1) when binary."""
    if binary:
        return 1.0 if h > 0 else -1.0
    return h


@njit(cache=True)
def hidden_fields(X, h, binary, tree, mu, lam):
    """Fill ``lam`` (K,) with the raw fields lambda_k = sum_j w_kj xi_mu,input(k,j) (no 1/sqrt(n))."""
    K, n = h.shape
    for k in range(K):
        offset = k * n if tree else 0
        field = 0.0
        for j in range(n):
            field += unit_weight(h[k, j], binary) * X[mu, offset + j]
        lam[k] = field


@njit(cache=True)
def correct_units(lam, sigma):
    """Number of units whose sign (sign(0) = -1) equals the label sigma."""
    count = 0
    for k in range(lam.shape[0]):
        if (1 if lam[k] > 0 else -1) == sigma:
            count += 1
    return count


@njit(cache=True)
def committee_errors(X, labels, h, binary, tree, lam):
    """Training errors of the majority sign committee with hidden states h (K, n)."""
    K = h.shape[0]
    errors = 0
    for mu in range(X.shape[0]):
        hidden_fields(X, h, binary, tree, mu, lam)
        if correct_units(lam, labels[mu]) < (K + 1) // 2:
            errors += 1
    return errors


@njit(cache=True)
def lal_step(X, labels, h, binary, tree, eta, mu, lam, chosen):
    """One LAL presentation of pattern mu to hidden states h (K, n); return True if it moved.

    The d = (K + 1)/2 - (#correct units) wrong units of smallest |lambda_k| (ties: lowest k)
    each get h_k <- h_k + eta sigma xi_k. ``chosen`` (K,) is a boolean work array.
    """
    K, n = h.shape
    sigma = labels[mu]
    hidden_fields(X, h, binary, tree, mu, lam)
    needed = (K + 1) // 2 - correct_units(lam, sigma)
    if needed <= 0:
        return False
    chosen[:] = False
    for _ in range(needed):
        best = -1
        for k in range(K):
            wrong = (1 if lam[k] > 0 else -1) != sigma
            if wrong and not chosen[k] and (best < 0 or abs(lam[k]) < abs(lam[best])):
                best = k
        chosen[best] = True
    for k in range(K):
        if chosen[k]:
            offset = k * n if tree else 0
            for j in range(n):
                h[k, j] += eta * sigma * X[mu, offset + j]
    return True


@njit(cache=True)
def centre_of(h, centre):
    """centre = (1/y) sum_a h^a (the eLAL centre in hidden-state space)."""
    y = h.shape[0]
    centre[:] = 0.0
    for a in range(y):
        centre += h[a]
    centre /= y


@njit(cache=True)
def mean_distance(h, centre, binary):
    """Mean over replicas and units of (1 - cos(w^a_k, w_c,k)) / 2 (the Hamming fraction if binary)."""
    y, K, n = h.shape
    total = 0.0
    for a in range(y):
        for k in range(K):
            dot, norm_a, norm_c = 0.0, 0.0, 0.0
            for j in range(n):
                wa, wc = unit_weight(h[a, k, j], binary), unit_weight(centre[k, j], binary)
                dot += wa * wc
                norm_a += wa * wa
                norm_c += wc * wc
            cosine = dot / np.sqrt(norm_a * norm_c) if norm_a > 0 and norm_c > 0 else 0.0
            total += 0.5 * (1.0 - cosine)
    return total / (y * K)


@njit(cache=True)
def elal(X, labels, h, binary, tree, eta, gammas, seed, centre, lam, chosen,
         hist_energy, hist_best, hist_centre, hist_distance, hist_moved, errors):
    """Run eLAL epochs until the centre or a replica classifies every pattern.

    Parameters
    ----------
    X : ndarray (P, N)
    labels : ndarray (P,) int8
    h : ndarray (y, K, n) float64
        Hidden states of the replicas, updated in place.
    binary, tree : bool
    eta : float
        Perceptron step.
    gammas : ndarray (epochs,)
        Elastic coupling applied at the end of each epoch (0 <= gamma <= 1).
    seed : int
    centre : ndarray (K, n) float64
        Output: the centre (1/y) sum_a h^a.
    lam, chosen : ndarray (K,)
        Work arrays (float64, bool).
    hist_energy, hist_best, hist_centre, hist_distance, hist_moved : ndarray (epochs,)
        Per epoch: mean replica errors, smallest replica errors, centre errors, mean distance
        of the replicas to the centre (after the pull), fraction of presentations that moved.
    errors : ndarray (y,) int64
        Output: training errors of each replica after the last completed epoch.

    Returns
    -------
    epochs : int
        Epochs run.
    answer : int
        Replica a with zero errors, y for the centre, -1 when nothing was solved.

    An epoch presents P random patterns to each replica in turn (y P LAL moves).
    """
    np.random.seed(seed)
    y = h.shape[0]
    P = X.shape[0]
    for epoch in range(gammas.shape[0]):
        moved = 0
        for _ in range(P):
            for a in range(y):
                mu = int(np.random.random() * P)
                if lal_step(X, labels, h[a], binary, tree, eta, mu, lam, chosen):
                    moved += 1
        centre_of(h, centre)
        gamma = gammas[epoch]
        if gamma > 0.0:
            for a in range(y):
                h[a] += gamma * (centre - h[a])
        total, best, solved = 0.0, P + 1, -1
        for a in range(y):
            errors[a] = committee_errors(X, labels, h[a], binary, tree, lam)
            total += errors[a]
            if errors[a] < best:
                best = errors[a]
            if errors[a] == 0 and solved < 0:
                solved = a
        centre_errors = committee_errors(X, labels, centre, binary, tree, lam)
        hist_energy[epoch] = total / y
        hist_best[epoch] = best
        hist_centre[epoch] = centre_errors
        hist_distance[epoch] = mean_distance(h, centre, binary)
        hist_moved[epoch] = moved / (P * y)
        if centre_errors == 0:
            return epoch + 1, y
        if solved >= 0:
            return epoch + 1, solved
    return gammas.shape[0], -1
