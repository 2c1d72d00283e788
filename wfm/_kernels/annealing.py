"""Single-flip Monte Carlo on y coupled replicas of binary weights: SA, RSA, greedy, rgreedy.

One kernel covers the four searches of :mod:`wfm.algorithms.monte_carlo`. The replicas a = 0..y-1 are
binary weight vectors w^a with flat index f = k n + j (a perceptron is the case K = 1); each
keeps its own incremental state of :mod:`wfm._kernels.energy` (stabilities or fields, training
errors) and of the energy E it minimises: the error count, the flip count or the cross-entropy
(:mod:`wfm._kernels.mc_energy`). The replicas are sampled
from the robust ensemble of Baldassi et al., "Unreasonable effectiveness of learning neural
networks", PNAS 113, E7655 (2016), and "Local entropy as a measure for sampling solutions in
constraint satisfaction problems", J. Stat. Mech. (2016) 023301, with Boltzmann weight

    exp(-beta sum_a E(w^a) + C),

E the training energy and C the coupling term:

- ``NONE``: C = 0 (independent replicas; y = 1 is plain SA);
- ``EXPLICIT``: C = gamma sum_a w^a . c with an explicit binary centre c, itself updated by
  Metropolis flips (a centre flip at f changes C by -2 gamma c_f Sigma_f, with
  Sigma_f = sum_a w^a_f kept per site);
- ``TRACED``: the centre summed out, C = sum_f log(2 cosh(gamma Sigma_f)).

A replica flip at f changes C in O(1) through Sigma_f and E in O(P). Metropolis: a move is
accepted when the log-weight change L = -beta dE + dC is >= 0, otherwise with probability
exp(L). beta = inf is the zero-temperature search: a move that raises the energy is refused,
one that lowers it is accepted, and an energy-neutral move is accepted with probability
min(1, exp(dC)) (the coupling keeps its finite strength gamma); with C = 0 this accepts exactly
the moves that do not raise the energy.

The error count and the flip count are integers n, E = scale n (scale 1 and 2 / sqrt(n)): a
move's Metropolis test uses beta scale dn, tabulated. The cross-entropy change is real; a
change below CE_NEUTRAL (rounding) counts as energy-neutral.

Binary perceptron fast path: labels folded into the transposed patterns (int8) and int16
stabilities; the error-count change of a proposed flip is counted on the band of patterns with
theta - 1 <= s_mu <= theta + 2 only (:func:`band_flip_delta`), kept as a bit set that an accepted
flip rebuilds after it updates the P stabilities; a proposal intersects it with the bit set of
the row's positive entries. Near a solution most proposals are refused, so a move costs
O(P / 64) word operations (no int8 row is read) instead of O(P). The flip-count change is
two such counts on the bit sets {s <= theta} and {s <= theta + 2}
(:func:`wfm._kernels.mc_energy.linear_flip_delta`); the cross-entropy change reads the row
(O(P), :func:`wfm._kernels.mc_energy.ce_flip_delta`).

Randomness: the Mersenne Twister of :mod:`wfm._kernels.mt19937`, seeded at the start of the
kernel, its doubles read from a buffer inside the loop; one uniform draw picks each site
(f = floor(u Nw)) and one more decides each move whose acceptance is strictly between refusal
and certainty (:func:`acceptance`). The stream equals
``numpy.random.RandomState(seed).random_sample()``.
"""
import numpy as np
from numba import njit

from wfm._kernels.codes import (CE, CHECK_ENERGY, CHECK_FIELDS, CHECK_MINIMISED, CHECK_OK, CHECK_SUMS, ERRORS,
                                EXPLICIT, LINEAR, NONE, TRACED)
from wfm._kernels.energy import (committee_energy, committee_fields, committee_flip,
                                 committee_flip_delta, committee_outputs, count_at_most,
                                 perceptron_flip, perceptron_flip_delta, perceptron_stabilities)
from wfm._kernels.mc_energy import (ce_differences, ce_flip, ce_flip_delta, ce_tabulate, ce_total,
                                    committee_energy_delta, committee_pattern_energies, linear_flip,
                                    linear_flip_delta, linear_rebuild, linear_total, popcount)
from wfm._kernels.mt19937 import reserve, seed_state

TABLE_DELTA = 32  # energy changes |dE| <= TABLE_DELTA have memoised acceptance probabilities
CERTAIN = 2.0  # acceptance value of a move accepted without a random draw
REFUSED = -1.0  # acceptance value of a move refused without a random draw
CE_NEUTRAL = 1e-10  # cross-entropy changes |dE| below this are energy-neutral moves
DRAWS_PER_MOVE = 3  # site, Metropolis test of the replica flip, Metropolis test of a centre flip


@njit(cache=True, nogil=True)
def log_cosh(x):
    """log cosh(x) without overflow: |x| + log1p(exp(-2|x|)) - log 2."""
    a = abs(x)
    return a + np.log1p(np.exp(-2.0 * a)) - np.log(2.0)


@njit(cache=True, nogil=True)
def coupling_gain(mode, gamma, value, centre_value, total):
    """Change dC of the coupling term when a replica weight ``value`` at a site flips.

    ``centre_value`` is c_f (EXPLICIT) and ``total`` is Sigma_f = sum_a w^a_f before the flip:
    dC = -2 gamma w c_f (EXPLICIT), log cosh(gamma (Sigma_f - 2 w)) - log cosh(gamma Sigma_f)
    (TRACED), 0 (NONE).
    """
    if mode == EXPLICIT:
        return -2.0 * gamma * value * centre_value
    if mode == TRACED and gamma != 0.0:
        return log_cosh(gamma * (total - 2 * value)) - log_cosh(gamma * total)
    return 0.0


@njit(cache=True, nogil=True)
def acceptance(dE, dC, beta):
    """Metropolis acceptance of a move with energy change dE and coupling change dC (module docstring).

    Returns CERTAIN when the move is accepted without a draw (log-weight change L >= 0, or
    beta = inf and dE < 0), REFUSED when it is refused without one (beta = inf and dE > 0), and
    otherwise exp(L) in [0, 1]: the move is accepted iff a uniform draw u < exp(L).
    """
    if dE != 0 and np.isinf(beta):
        return CERTAIN if dE < 0 else REFUSED
    gain = dC - beta * dE if dE != 0 else dC
    return CERTAIN if gain >= 0.0 else np.exp(gain)


@njit(cache=True, nogil=True)
def coupling_class(mode, replicas, value, centre_value, total):
    """Index of the coupling change dC of a replica flip among the few values it takes.

    dC (:func:`coupling_gain`) depends on (w, c_f) through w c_f = +-1 (EXPLICIT) and on
    (w, Sigma_f) with Sigma_f in [-y, y] (TRACED): 2 (2 y + 1) classes at most, 1 for NONE.
    """
    if mode == EXPLICIT:
        return (value * centre_value + 1) // 2
    if mode == TRACED:
        return 2 * (total + replicas) + (value + 1) // 2
    return 0


@njit(cache=True, nogil=True)
def tabulate_coupling(mode, gamma, replicas, gains, probabilities):
    """Fill ``gains[c]`` with dC of class c (:func:`coupling_class`) for one sweep's gamma.

    ``probabilities`` (classes, 2 TABLE_DELTA + 1) is reset to -1 (not yet computed); it is
    filled lazily by :func:`acceptance_tabulated`. Each entry is computed by the same expression
    as the untabulated :func:`coupling_gain` and :func:`acceptance`, so the tables change no
    result.
    """
    for c in range(gains.shape[0]):
        if mode == EXPLICIT:
            gains[c] = coupling_gain(mode, gamma, 2 * (c % 2) - 1, 1, 0) if c < 2 else 0.0
        elif mode == TRACED:
            total = c // 2 - replicas
            gains[c] = coupling_gain(mode, gamma, 2 * (c % 2) - 1, 0, total)
        else:
            gains[c] = 0.0
    probabilities[:, :] = -1.0


@njit(cache=True, nogil=True)
def acceptance_tabulated(dE, c, beta, gains, probabilities):
    """:func:`acceptance` with dC = ``gains[c]``, memoised per (class, dE) within a sweep.

    beta and gamma are fixed within a sweep and dE is an integer, so L = dC - beta dE takes few
    values; the entry of (c, dE) stores the value of :func:`acceptance`, computed on first use
    (entries < 0 are not yet computed; REFUSED is never stored, it is returned before the
    table is read). |dE| > TABLE_DELTA is computed directly.
    """
    if dE != 0 and np.isinf(beta):
        return CERTAIN if dE < 0 else REFUSED
    if dE < -TABLE_DELTA or dE > TABLE_DELTA:
        return acceptance(dE, gains[c], beta)
    column = dE + TABLE_DELTA
    p = probabilities[c, column]
    if p < 0.0:
        p = acceptance(dE, gains[c], beta)
        probabilities[c, column] = p
    return p


@njit(cache=True, nogil=True)
def pack_positive(XT, bits):
    """Bit sets of the positive entries of each row: bit mu % 64 of ``bits[i, mu // 64]`` is
    [XT[i, mu] > 0]; the bits past P are 0. ``bits`` is (N, ceil(P / 64)) uint64.

    Full words are built by loops of fixed length 64, which the compiler vectorises."""
    N, P = XT.shape
    full = P // 64
    for i in range(N):
        row = XT[i]
        for w in range(full):
            word = np.uint64(0)
            for b in range(64):
                word |= np.uint64(row[64 * w + b] > 0) << np.uint64(b)
            bits[i, w] = word
        if full < bits.shape[1]:
            word = np.uint64(0)
            for mu in range(64 * full, P):
                word |= np.uint64(row[mu] > 0) << np.uint64(mu - 64 * full)
            bits[i, full] = word


@njit(cache=True, nogil=True)
def band_rebuild(s, threshold, band):
    """Bit set of the patterns whose stability can change error status under one flip.

    With labels folded in, a flip changes s_mu by +-2, so [s_mu <= theta] changes only when
    theta - 1 <= s_mu <= theta + 2. Sets bit mu % 64 of ``band[mu // 64]`` (uint64, ceil(P / 64)
    words) for those patterns and clears the others. Returns (count, errors): the number of
    patterns in the band and the number of them with s_mu <= theta.

    Branch-free: with d_mu = s_mu - (theta - 1) read as unsigned, mu is in the band iff
    d_mu <= 3 and a band error iff d_mu <= 1; the full words are built by loops of fixed length
    64, which the compiler vectorises (about 3 times faster than a variable-length loop at
    P = 601).
    """
    P = s.shape[0]
    low = threshold - 1
    full = P // 64
    count = 0
    errors = 0
    for w in range(full):
        word = np.uint64(0)
        for b in range(64):
            d = np.uint64(np.int64(s[64 * w + b]) - low)
            word |= np.uint64(d <= np.uint64(3)) << np.uint64(b)
            errors += np.int64(d <= np.uint64(1))
        band[w] = word
        count += popcount(word)
    if full < band.shape[0]:
        word = np.uint64(0)
        for mu in range(64 * full, P):
            d = np.uint64(np.int64(s[mu]) - low)
            word |= np.uint64(d <= np.uint64(3)) << np.uint64(mu - 64 * full)
            errors += np.int64(d <= np.uint64(1))
        band[full] = word
        count += popcount(word)
    return count, errors


@njit(cache=True, nogil=True)
def band_flip_delta(row_bits, band, count, errors, change):
    """Energy change of a binary-perceptron flip with labels folded into the patterns, O(P / 64).

    ``row_bits`` is the bit set of the positive entries of sigma_mu xi_mu,i (row i of the
    label-folded transposed patterns, :func:`pack_positive`), ``change`` = -2 w_i, ``band`` the
    bit set of :func:`band_rebuild` for the int16 stabilities s (valid while |s| + 2 fits in
    int16: N <= 32000), ``count`` its number of patterns and ``errors`` its number of patterns
    with s_mu <= theta. The full count dE = sum_mu [s_mu + change row_mu <= theta] - [s_mu <= theta]
    of :func:`wfm._kernels.energy.perceptron_flip_delta` only has terms on the band: a step
    change row_mu = +2 removes an error iff s_mu is theta - 1 or theta, a step -2 adds one iff
    s_mu is theta + 1 or theta + 2.

    With u_mu = [change row_mu > 0] and e_mu = [s_mu <= theta], each band term is
    (1 - u_mu)(1 - e_mu) - u_mu e_mu = 1 - u_mu - e_mu; sum_b e_mu is ``errors`` and
    sum_b u_mu is the number of band patterns with row_mu = +1 (change > 0) or -1 (change < 0),
    the population count of ``row_bits & band``: one AND and one popcount per 64 patterns
    instead of a gather of the band's entries of the int8 row.
    """
    positive = 0
    for w in range(band.shape[0]):
        positive += popcount(row_bits[w] & band[w])
    up = positive if change > 0 else count - positive
    return count - up - errors


@njit(cache=True, nogil=True)
def band_flip(row, s, change, threshold, band):
    """Apply s_mu <- s_mu + change row_mu (int16) and rebuild the band (:func:`band_rebuild`).

    Returns the (count, errors) of the new band.
    """
    c = np.int16(change)
    for mu in range(s.shape[0]):
        s[mu] = np.int16(s[mu] + c * row[mu])
    return band_rebuild(s, threshold, band)


@njit(cache=True, nogil=True)
def band_differs(s, threshold, band, count, errors, work):
    """True when (``band``, ``count``, ``errors``) is not the band of ``s`` (``work``: like ``band``)."""
    fresh, fresh_errors = band_rebuild(s, threshold, work)
    if fresh != count or fresh_errors != errors:
        return True
    for w in range(band.shape[0]):
        if band[w] != work[w]:
            return True
    return False


@njit(cache=True, nogil=True)
def replica_energy(X, labels, threshold, W, v, rule, tree, committee, work_s, work_H, work_S):
    """Training energy of one weight array W (K, n) computed from scratch (O(N P))."""
    if committee:
        committee_fields(X, W, tree, work_H)
        committee_outputs(work_H, v, rule, work_S)
        return committee_energy(labels, work_S)
    perceptron_stabilities(X, labels, W[0], work_s)
    return count_at_most(work_s, threshold)


@njit(cache=True, nogil=True)
def majority_centre(W, centre):
    """centre_f = sign(sum_a W[a]_f), ties broken by replica 0 (the TRACED answer)."""
    y, K, n = W.shape
    for k in range(K):
        for j in range(n):
            total = 0
            for a in range(y):
                total += W[a, k, j]
            if total > 0:
                centre[k * n + j] = 1
            elif total < 0:
                centre[k * n + j] = -1
            else:
                centre[k * n + j] = W[0, k, j]


@njit(cache=True, nogil=True)
def centre_stabilities(XT, centre, previous, s, fresh):
    """Keep the label-folded int16 stabilities s_mu = sum_i c_i sigma_mu xi_mu,i of the centre.

    With ``fresh`` they are computed from scratch (O(N P)); otherwise only the sites where
    ``centre`` differs from ``previous`` (the centre when s was last updated) are applied, each
    adding 2 c_i XT[i] (O(P) per changed site). ``previous`` is then set to ``centre``.
    """
    P = s.shape[0]
    if fresh:
        s[:] = 0
    for i in range(centre.shape[0]):
        if fresh or centre[i] != previous[i]:
            step = np.int16(centre[i] if fresh else 2 * centre[i])
            row = XT[i]
            for mu in range(P):
                s[mu] = np.int16(s[mu] + step * row[mu])
            previous[i] = centre[i]


@njit(cache=True, nogil=True)
def mean_distance(W, centre):
    """Mean over replicas of the normalised Hamming distance d(w^a, c) = (1 - w^a.c / Nw) / 2."""
    y, K, n = W.shape
    total = 0.0
    for a in range(y):
        overlap = 0
        for k in range(K):
            for j in range(n):
                overlap += W[a, k, j] * centre[k * n + j]
        total += 0.5 * (1.0 - overlap / (K * n))
    return total / y


@njit(cache=True, nogil=True)
def _fields_differ(kept, fresh):
    scale = 1.0
    for index in range(fresh.size):
        scale = max(scale, abs(fresh.flat[index]))
    for index in range(fresh.size):
        if abs(kept.flat[index] - fresh.flat[index]) > 1e-9 * scale:
            return True
    return False


@njit(cache=True, nogil=True)
def verify_state(X, labels, threshold, s, H, S, W, v, rule, tree, committee, energies, sums,
                 work_s, work_H, work_S):
    """Recompute fields, energies and site sums of every replica; return a CHECK_* code."""
    y, K, n = W.shape
    for a in range(y):
        energy = replica_energy(X, labels, threshold, W[a], v, rule, tree, committee,
                                work_s, work_H, work_S)
        if committee:
            if _fields_differ(H[a], work_H) or _fields_differ(S[a], work_S):
                return CHECK_FIELDS
        elif _fields_differ(s[a], work_s):
            return CHECK_FIELDS
        if energy != energies[a]:
            return CHECK_ENERGY
    for k in range(K):
        for j in range(n):
            total = 0
            for a in range(y):
                total += W[a, k, j]
            if total != sums[k * n + j]:
                return CHECK_SUMS
    return CHECK_OK


@njit(cache=True, nogil=True)
def verify_minimised(energy, threshold, s, H, labels, v, rule, n, committee, counts, values,
                     below, near, n_below, n_near, table, pattern, moments, ce_gamma, flips, work_below,
                     work_near, work_pattern):
    """Recompute the flip-count or cross-entropy state of every replica; return a CHECK_* code.

    Called after :func:`verify_state` has checked the stabilities / fields ``s`` / ``H``
    against their recomputation from the weights, so the energies are recomputed from them:
    integer flip counts and the bit sets B, A (:func:`wfm._kernels.mc_energy.linear_rebuild`)
    must be equal, cross-entropy energies, per-pattern energies and differences equal within
    1e-9 relative.
    """
    for a in range(counts.shape[0]):
        if committee:
            fresh = committee_pattern_energies(energy, H[a], labels, v, rule, ce_gamma, n, flips,
                                               work_pattern)
            if _fields_differ(pattern[a], work_pattern):
                return CHECK_MINIMISED
        elif energy == LINEAR:
            fresh_below, fresh_near = linear_rebuild(s[a], threshold, work_below, work_near)
            if fresh_below != n_below[a] or fresh_near != n_near[a]:
                return CHECK_MINIMISED
            for w in range(work_below.shape[0]):
                if below[a, w] != work_below[w] or near[a, w] != work_near[w]:
                    return CHECK_MINIMISED
            fresh = np.float64(linear_total(s[a], threshold))
        else:
            fresh = ce_total(s[a], table, table.shape[0] // 2)
            M, total = ce_differences(s[a], table, table.shape[0] // 2, work_pattern)
            if _fields_differ(pattern[a], work_pattern) or \
                    abs(M - moments[a, 0]) > 1e-9 * max(1.0, abs(M)) or \
                    abs(total - moments[a, 1]) > 1e-9 * max(1.0, abs(total)):
                return CHECK_MINIMISED
        kept = np.float64(counts[a]) if energy == LINEAR else values[a]
        if abs(kept - fresh) > 1e-9 * max(1.0, abs(fresh)):
            return CHECK_MINIMISED
    return CHECK_OK


@njit(cache=True, nogil=True)
def anneal(X, XT, labels, threshold, s, H, S, W, v, rule, tree, committee, folded, energy, scale,
           energies, errors, values, centre, sums, mode, betas, gammas, ce_gammas, seed, stream_state,
           stream, check_every, work_s, work_H, work_S, centre_buffer, centre_s, XB, band, band_size,
           band_error, below, work_band, work_below, table, pattern, moments, work_pattern, flips, gains,
           probabilities, hist_energy, hist_best, hist_errors, hist_best_errors, hist_centre,
           hist_distance, hist_accept):
    """Run replicated single-flip Metropolis sweeps until a point with no training error appears.

    Parameters
    ----------
    X, XT : ndarray (P, N), (N, P)
        Patterns and their transposed copy; with ``folded`` the rows of XT are
        sigma_mu xi_mu,i (labels folded in, int8) and ``s`` is int16.
    labels : ndarray (P,) int8
    threshold : int or float
        Perceptron error threshold (:mod:`wfm._kernels.energy`); unused for committees.
    s : ndarray (y, P)
        Perceptron stabilities per replica (a dummy (y, 1) array for committees).
    H, S : ndarray (y, K, P), (y, P)
        Committee fields and outputs per replica (dummies for a perceptron).
    W : ndarray (y, K, n) int8
        Replica weights; a perceptron has K = 1, n = N.
    v, rule, tree, committee
        Committee readout, rule code, architecture and the committee flag.
    folded : bool
        Perceptron fast path: label-folded int8 rows and int16 stabilities, the energy
        change computed on bit sets of the patterns near the threshold (:func:`band_flip_delta`,
        :func:`wfm._kernels.mc_energy.linear_flip_delta`); required by LINEAR and CE on a
        perceptron.
    energy : int
        The energy E minimised (:mod:`wfm._kernels.mc_energy`): ERRORS, LINEAR or CE.
    scale : float
        Energy per unit of the integer count of ERRORS (1) and LINEAR (2 / sqrt(n)): the
        Metropolis test of an integer change dn uses beta ``scale`` dn.
    energies : ndarray (y,) int64
        Integer count of each replica (errors, or flip count for LINEAR; the initial error
        counts are given, the flip counts are computed here), updated in place.
    errors : ndarray (y,) int64
        Training errors of each replica (initial values given), updated in place.
    values : ndarray (y,) float64
        CE: the energy of each replica, computed at the start of each sweep (gamma changes)
        and updated in place.
    centre : ndarray (K n,) int8
        Explicit centre (EXPLICIT) or work array for the majority centre.
    sums : ndarray (K n,) int64
        Sigma_f = sum_a w^a_f, updated in place.
    mode : int
        NONE, EXPLICIT or TRACED.
    betas, gammas, ce_gammas : ndarray (sweeps,)
        Inverse temperature (inf for zero temperature), coupling and cross-entropy gamma of
        each sweep.
    seed : int
        Seed of the Mersenne Twister (:func:`wfm._kernels.mt19937.seed_state`).
    stream_state, stream : ndarray (624,) uint32, (BLOCK + DRAWS_PER_MOVE - 1,) float64
        Its state and its buffer of uniform doubles (:func:`wfm._kernels.mt19937.reserve`).
    check_every : int
        When positive, verify the incremental state against recomputation every
        ``check_every`` replica moves (:func:`verify_state`, :func:`verify_minimised`).
    work_s, work_H, work_S, centre_buffer
        Work arrays of shapes (P,), (K, P), (P,) and (1, K, n) int8.
    centre_s : ndarray (P,) int16
        Folded path with a centre: the centre's stabilities (:func:`centre_stabilities`),
        with ``centre_buffer`` holding the centre they belong to; checked against
        recomputation after each sweep when ``check_every`` > 0.
    XB : ndarray (N, ceil(P / 64)) uint64
        Folded path: bit sets of the positive entries of the rows of XT (:func:`pack_positive`).
    band, band_size, band_error, below : ndarray (y, ceil(P / 64)) uint64, (y,), (y,) int64, (y, ceil(P / 64)) uint64
        Folded path, ERRORS: the band bit set of each replica (:func:`band_rebuild`), its number
        of patterns and its number of errors. LINEAR: ``band`` and ``below`` hold the bit sets
        A and B of :func:`wfm._kernels.mc_energy.linear_rebuild`, ``band_size`` |A| and
        ``band_error`` |B|. Built here, kept through accepted flips, checked with the rest.
    work_band, work_below : ndarray (ceil(P / 64),) uint64
    table : ndarray (2 N + 5,) float64
        Folded CE: f_gamma of each integer stability (:func:`wfm._kernels.mc_energy.ce_tabulate`).
    pattern, moments, work_pattern, flips : ndarray (y, P), (y, 2), (P,) float64, (K,) int64
        Committee LINEAR and CE: per-pattern energies of each replica and work arrays. Folded
        CE: ``pattern[a]`` and ``moments[a]`` hold the differences G and (M, sum G) of
        :func:`wfm._kernels.mc_energy.ce_differences`.
    gains, probabilities : ndarray (2 (2 y + 1),), (2 (2 y + 1), 2 TABLE_DELTA + 1) float64
        Per-sweep tables of the coupling changes and acceptance probabilities
        (:func:`tabulate_coupling`, :func:`acceptance_tabulated`).
    hist_energy, hist_best, hist_errors, hist_best_errors, hist_centre, hist_distance, hist_accept : ndarray (sweeps,)
        Filled per completed sweep: mean and smallest replica energy E, mean and smallest
        replica training errors, training errors of the centre (-1 for NONE), mean
        replica-centre distance, acceptance rate of replica moves.

    Returns
    -------
    sweeps : int
        Sweeps run (the last one possibly partial).
    answer : int
        Replica a whose training errors reached 0, y for the centre, -1 when nothing was solved.
    status : int
        CHECK_OK or the code of the first failed check.
    moves : int
        Replica moves proposed.
    """
    seed_state(seed, stream_state)
    position, end = 0, 0  # unread doubles: stream[position:end]
    y, K, n = W.shape
    Nw = K * n
    offset = n + 2  # table index of the stability 0 (folded CE)
    moves = 0
    for a in range(y):
        if folded and energy == ERRORS:
            band_size[a], band_error[a] = band_rebuild(s[a], threshold, band[a])
        elif folded and energy == LINEAR:
            band_error[a], band_size[a] = linear_rebuild(s[a], threshold, below[a], band[a])
            energies[a] = linear_total(s[a], threshold)
        elif committee and energy == LINEAR:
            energies[a] = np.int64(np.round(committee_pattern_energies(
                energy, H[a], labels, v, rule, 1.0, n, flips, pattern[a])))
    for sweep in range(betas.shape[0]):
        beta, gamma, ce_gamma = betas[sweep], gammas[sweep], ce_gammas[sweep]
        beta_count = beta * scale  # Metropolis of the integer counts
        if energy == CE:
            if folded:
                ce_tabulate(ce_gamma, threshold, n, table)
            for a in range(y):
                if folded:
                    values[a] = ce_total(s[a], table, offset)
                    moments[a, 0], moments[a, 1] = ce_differences(s[a], table, offset, pattern[a])
                else:
                    values[a] = committee_pattern_energies(energy, H[a], labels, v, rule, ce_gamma,
                                                           n, flips, pattern[a])
        accepted = 0
        tabulate_coupling(mode, gamma, y, gains, probabilities)
        for _ in range(Nw):
            for a in range(y):
                # A replica move reads at most DRAWS_PER_MOVE doubles of stream[position:end].
                if end - position < DRAWS_PER_MOVE:
                    position, end = reserve(stream_state, stream, position, end, DRAWS_PER_MOVE)
                f = int(stream[position] * Nw)
                position += 1
                if K == 1:
                    k, j = 0, f
                else:
                    k, j = f // n, f % n
                value = W[a, k, j]
                dE = 0  # integer change (ERRORS, LINEAR)
                dV = 0.0  # real change (CE)
                if committee:
                    if energy == ERRORS:
                        dE = committee_flip_delta(XT, labels, H[a], S[a], W[a], v, rule, tree, k, j)
                    else:
                        dV = committee_energy_delta(energy, XT, labels, H[a], W[a], v, rule, tree, k, j,
                                                    ce_gamma, pattern[a], flips)
                        if energy == LINEAR:
                            dE = np.int64(np.round(dV))
                elif folded:
                    if energy == ERRORS:
                        dE = band_flip_delta(XB[j], band[a], band_size[a], band_error[a], -2 * value)
                    elif energy == LINEAR:
                        dE = linear_flip_delta(XB[j], below[a], band[a], band_error[a], band_size[a],
                                               -2 * value)
                    else:
                        dV = ce_flip_delta(XT[j], pattern[a], moments[a, 0], moments[a, 1], -2 * value)
                else:
                    dE = perceptron_flip_delta(XT, labels, s[a], W[a, 0], j, threshold)
                c = coupling_class(mode, y, value, centre[f], sums[f])
                # The draw decision is written out here and for the centre flip below: as a
                # helper returning (take, position), SA ran 12-19 % slower in two of three
                # paired bench_monte_carlo runs (faster in the third; this machine is noisy).
                if energy == CE:
                    # A change within rounding of the P-term sums counts as neutral (exactly
                    # cancelling per-pattern changes of a committee's few output values).
                    q = acceptance(0.0 if abs(dV) < CE_NEUTRAL else dV, gains[c], beta)
                else:
                    q = acceptance_tabulated(dE, c, beta_count, gains, probabilities)
                take = q > 1.0
                if 0.0 <= q <= 1.0:
                    take = stream[position] < q
                    position += 1
                if take:
                    if committee:
                        committee_flip(XT, H[a], S[a], W[a], v, rule, tree, k, j)
                        if energy != ERRORS:
                            committee_pattern_energies(energy, H[a], labels, v, rule, ce_gamma, n,
                                                       flips, pattern[a])
                            errors[a] = committee_energy(labels, S[a])
                    elif folded:
                        if energy == ERRORS:
                            band_size[a], band_error[a] = band_flip(XT[j], s[a], -2 * value, threshold, band[a])
                        elif energy == LINEAR:
                            band_error[a], band_size[a] = linear_flip(XT[j], s[a], -2 * value, threshold,
                                                                      below[a], band[a])
                            errors[a] = band_error[a]
                        else:
                            errors[a] = ce_flip(XT[j], s[a], -2 * value, threshold)
                            moments[a, 0], moments[a, 1] = ce_differences(s[a], table, offset, pattern[a])
                        W[a, 0, j] = -value
                    else:
                        perceptron_flip(XT, labels, s[a], W[a, 0], j)
                    energies[a] += dE
                    values[a] += dV
                    if energy == ERRORS:
                        errors[a] = energies[a]
                    sums[f] -= 2 * value
                    accepted += 1
                moves += 1
                if mode == EXPLICIT:
                    # Centre flip at the same site: dC = -2 gamma c_f Sigma_f, no energy.
                    q = acceptance(0, -2.0 * gamma * centre[f] * sums[f], beta)
                    take = q > 1.0
                    if 0.0 <= q <= 1.0:
                        take = stream[position] < q
                        position += 1
                    if take:
                        centre[f] = -centre[f]
                if check_every > 0 and moves % check_every == 0:
                    status = verify_state(X, labels, threshold, s, H, S, W, v, rule, tree, committee,
                                          errors, sums, work_s, work_H, work_S)
                    if folded and status == CHECK_OK and energy == ERRORS:
                        for b in range(y):
                            if band_differs(s[b], threshold, band[b], band_size[b], band_error[b], work_band):
                                status = CHECK_FIELDS
                    if status == CHECK_OK and energy == ERRORS:
                        for b in range(y):
                            if energies[b] != errors[b]:
                                status = CHECK_ENERGY
                    if status == CHECK_OK and energy != ERRORS:
                        status = verify_minimised(energy, threshold, s, H, labels, v, rule, n, committee,
                                                  energies, values, below, band, band_error, band_size,
                                                  table, pattern, moments, ce_gamma, flips, work_below,
                                                  work_band, work_pattern)
                    if status != CHECK_OK:
                        return sweep + 1, -1, status, moves
                if errors[a] == 0:
                    return sweep + 1, a, CHECK_OK, moves
        total, total_errors = 0.0, 0.0
        best = np.inf
        best_errors = errors[0]
        for a in range(y):
            e = values[a] if energy == CE else energies[a] * scale
            total += e
            best = min(best, e)
            total_errors += errors[a]
            best_errors = min(best_errors, errors[a])
        hist_energy[sweep] = total / y
        hist_best[sweep] = best
        hist_errors[sweep] = total_errors / y
        hist_best_errors[sweep] = best_errors
        hist_accept[sweep] = accepted / (Nw * y)
        hist_centre[sweep] = -1
        hist_distance[sweep] = 0.0
        if mode != NONE:
            if mode == TRACED:
                majority_centre(W, centre)
            hist_distance[sweep] = mean_distance(W, centre)
            if folded:
                # Centre errors from its stabilities, updated at the sites where it changed.
                centre_stabilities(XT, centre, centre_buffer[0, 0], centre_s, sweep == 0)
                centre_errors = count_at_most(centre_s, threshold)
                if check_every > 0:
                    fresh = replica_energy(X, labels, threshold, centre_buffer[0], v, rule, tree,
                                           committee, work_s, work_H, work_S)
                    if fresh != centre_errors or _fields_differ(centre_s, work_s):
                        return sweep + 1, -1, CHECK_FIELDS, moves
            else:
                for f in range(Nw):
                    centre_buffer[0, f // n, f % n] = centre[f]
                centre_errors = replica_energy(X, labels, threshold, centre_buffer[0], v, rule, tree,
                                               committee, work_s, work_H, work_S)
            hist_centre[sweep] = centre_errors
            if centre_errors == 0:
                return sweep + 1, y, CHECK_OK, moves
    return betas.shape[0], -1, CHECK_OK, moves
