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

eLAL is the replicated stochastic gradient descent of Baldassi, Borgs, Chayes, Ingrosso,
Lucibello, Saglietti and Zecchina, PNAS 113, E7655 (2016), as implemented by the authors
(BinaryCommitteeMachineRSGD.jl, ``formula = :simple``, the paper's eq. C7): y replicas learn
by mini-batch LAL (the steps of a mini-batch are summed with the weights held fixed, then
applied); right after each mini-batch update, replica a gets an elastic kick towards the
traced-out centre, built from the mean m = (1/y) sum_b w^b of the replicas' network weights:

    binary weights:      h^a <- h^a + lambda (tanh(gamma y m) - w^a)      (eq. C7)
    continuous weights:  h^a <- h^a + min(lambda gamma, 1) (m - w^a)

with w^a the replica's weights after its mini-batch step (the kick uses m before that step is
counted, as the authors' code does) and gamma raised linearly along the run. The centre's
weights are sign(m) (the replicas' majority) for binary weights and m for continuous ones.
Replicas take their mini-batches in a random order, redrawn for every round of y mini-batches.
y = 1 with lambda = 0 is LAL; a batch of one pattern is online LAL.

Randomness: Numba's Mersenne Twister seeded at the start. A round first shuffles the replica
order (Fisher-Yates, i = y-1 .. 1 swapped with j = floor(u (i + 1)); no draw when y = 1), then
every presentation draws its pattern index mu = floor(u P) (iid, with replacement) from one
uniform u, the stream of ``numpy.random.RandomState(seed)``.
"""
import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def unit_weight(h, binary):
    """Network weight of hidden state h: h itself, or sign(h) (sign(0) = -1) when binary."""
    if binary:
        return 1.0 if h > 0 else -1.0
    return h


@njit(cache=True, nogil=True)
def hidden_fields(X, h, binary, tree, mu, lam):
    """Fill ``lam`` (K,) with the raw fields lambda_k = sum_j w_kj xi_mu,input(k,j) (no 1/sqrt(n))."""
    K, n = h.shape
    for k in range(K):
        offset = k * n if tree else 0
        field = 0.0
        for j in range(n):
            field += unit_weight(h[k, j], binary) * X[mu, offset + j]
        lam[k] = field


@njit(cache=True, nogil=True)
def correct_units(lam, sigma):
    """Number of units whose sign (sign(0) = -1) equals the label sigma."""
    count = 0
    for k in range(lam.shape[0]):
        if (1 if lam[k] > 0 else -1) == sigma:
            count += 1
    return count


@njit(cache=True, nogil=True)
def committee_errors(X, labels, h, binary, tree, lam):
    """Training errors of the majority sign committee with hidden states h (K, n)."""
    K = h.shape[0]
    errors = 0
    for mu in range(X.shape[0]):
        hidden_fields(X, h, binary, tree, mu, lam)
        if correct_units(lam, labels[mu]) < (K + 1) // 2:
            errors += 1
    return errors


@njit(cache=True, nogil=True)
def lal_choice(lam, sigma, chosen):
    """Mark in ``chosen`` (K,) the units LAL changes for fields ``lam`` and label sigma.

    The d = (K + 1)/2 - (#correct units) wrong units of smallest |lambda_k| (ties: lowest k)
    are chosen; return False (nothing chosen) when the output is already right.
    """
    K = lam.shape[0]
    needed = (K + 1) // 2 - correct_units(lam, sigma)
    chosen[:] = False
    if needed <= 0:
        return False
    for _ in range(needed):
        best = -1
        for k in range(K):
            wrong = (1 if lam[k] > 0 else -1) != sigma
            if wrong and not chosen[k] and (best < 0 or abs(lam[k]) < abs(lam[best])):
                best = k
        chosen[best] = True
    return True


@njit(cache=True, nogil=True)
def centre_of(w, centre):
    """centre = (1/y) sum_a w^a (the mean of the replicas' network weights)."""
    y = w.shape[0]
    centre[:] = 0.0
    for a in range(y):
        centre += w[a]
    centre /= y


@njit(cache=True, nogil=True)
def mean_distance(w, centre, binary):
    """Mean over replicas and units of (1 - cos(w^a_k, c_k)) / 2, c = sign(centre) if binary.

    For binary weights this is the Hamming fraction between each replica and the majority.
    """
    y, K, n = w.shape
    total = 0.0
    for a in range(y):
        for k in range(K):
            dot, norm_a, norm_c = 0.0, 0.0, 0.0
            for j in range(n):
                wa, wc = w[a, k, j], unit_weight(centre[k, j], binary)
                dot += wa * wc
                norm_a += wa * wa
                norm_c += wc * wc
            cosine = dot / np.sqrt(norm_a * norm_c) if norm_a > 0 and norm_c > 0 else 0.0
            total += 0.5 * (1.0 - cosine)
    return total / (y * K)


@njit(cache=True, nogil=True)
def replicated_lal(X, labels, h, binary, tree, eta, batch, kick, gammas, seed, centre,
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
        LAL step.
    batch : int
        Presentations per mini-batch (1: online LAL); an epoch is ceil(P / batch) rounds of
        one mini-batch per replica.
    kick : float
        Elastic step lambda (0: uncoupled replicas).
    gammas : ndarray (epochs,)
        Coupling gamma of each epoch.
    seed : int
    centre : ndarray (K, n) float64
        Output: the mean m of the replicas' network weights after the last epoch.
    hist_energy, hist_best, hist_centre, hist_distance, hist_moved : ndarray (epochs,)
        Per epoch: mean replica errors, smallest replica errors, centre errors, mean distance
        of the replicas to the centre, fraction of presentations that moved a replica.
    errors : ndarray (y,) int64
        Output: training errors of each replica after the last completed epoch.

    Returns
    -------
    epochs : int
        Epochs run.
    answer : int
        Replica a with zero errors, y for the centre, -1 when nothing was solved.
    """
    np.random.seed(seed)
    y, K, n = h.shape
    P = X.shape[0]
    w = np.empty_like(h)
    for a in range(y):
        for k in range(K):
            for j in range(n):
                w[a, k, j] = unit_weight(h[a, k, j], binary)
    centre_of(w, centre)
    delta = np.zeros((K, n))
    touched = np.zeros(K, dtype=np.bool_)
    lam = np.zeros(K)
    chosen = np.zeros(K, dtype=np.bool_)
    order = np.arange(y)
    rounds = (P + batch - 1) // batch
    for epoch in range(gammas.shape[0]):
        gamma = gammas[epoch]
        pull = min(kick * gamma, 1.0)
        moved = 0
        for _ in range(rounds):
            for i in range(y - 1, 0, -1):
                j = int(np.random.random() * (i + 1))
                order[i], order[j] = order[j], order[i]
            for t in range(y):
                a = order[t]
                touched[:] = False
                for _ in range(batch):
                    mu = int(np.random.random() * P)
                    sigma = labels[mu]
                    hidden_fields(X, w[a], False, tree, mu, lam)
                    if not lal_choice(lam, sigma, chosen):
                        continue
                    moved += 1
                    for k in range(K):
                        if chosen[k]:
                            touched[k] = True
                            offset = k * n if tree else 0
                            for j in range(n):
                                delta[k, j] += eta * sigma * X[mu, offset + j]
                for k in range(K):
                    if not (touched[k] or kick > 0.0):
                        continue
                    for j in range(n):
                        old = w[a, k, j]
                        state = h[a, k, j] + delta[k, j]
                        delta[k, j] = 0.0
                        if kick > 0.0:
                            now = unit_weight(state, binary)
                            if binary:
                                state += kick * (np.tanh(gamma * y * centre[k, j]) - now)
                            else:
                                state += pull * (centre[k, j] - now)
                        h[a, k, j] = state
                        w[a, k, j] = unit_weight(state, binary)
                        centre[k, j] += (w[a, k, j] - old) / y
        centre_of(w, centre)
        total, best, solved = 0.0, P + 1, -1
        for a in range(y):
            errors[a] = committee_errors(X, labels, w[a], False, tree, lam)
            total += errors[a]
            if errors[a] < best:
                best = errors[a]
            if errors[a] == 0 and solved < 0:
                solved = a
        centre_errors = committee_errors(X, labels, centre, binary, tree, lam)
        hist_energy[epoch] = total / y
        hist_best[epoch] = best
        hist_centre[epoch] = centre_errors
        hist_distance[epoch] = mean_distance(w, centre, binary)
        hist_moved[epoch] = moved / (rounds * batch * y)
        if centre_errors == 0:
            return epoch + 1, y
        if solved >= 0:
            return epoch + 1, solved
    return gammas.shape[0], -1
