"""Exhaustive enumeration of binary weight vectors along a reflected binary Gray code.

Layout shared by the kernels. The M = K*n binary weights are indexed j = 0..M-1 (row-major in
the committee's (K, n) layout; K = 1 for a perceptron); weight j multiplies the input column
``col[j]`` inside hidden unit ``unit[j]``. ``XT`` is the transposed pattern matrix (N, P), so
that the input column read by one weight is contiguous; ``h`` holds the unit fields (K, P),

    h_{k mu} = sum_{j: unit_j = k} w_j xi_{mu, col_j}.

The M - L high weights are fixed inside a block b (w_j = -1 where bit j - L of b is set, +1
otherwise); the L low weights start at +1 and are walked with the Gray code: step t = 1..2^L-1
flips weight ctz(t) (the number of trailing zero bits of t), which visits every configuration of
the block once and changes one unit field per pattern,

    h_{k mu} <- h_{k mu} - 2 w_j xi_{mu, col_j}        (k = unit_j, w_j before the flip),

an O(P) update. Blocks are independent and run in parallel. Output rules (``rule``, codes of
:mod:`wfm._kernels.codes`):

- ``PERCEPTRON``: the labels are folded into the inputs (``XT`` holds y_mu xi_mu, so h_mu is
  the unnormalised stability y_mu w.xi_mu) and pattern mu is satisfied iff h_mu > thr, with
  thr = kappa sqrt(N) (the wrapper passes an exact integer threshold when the fields are
  integers);
- ``SIGN`` (majority vote): satisfied iff y_mu sum_k sign(h_{k mu}) > 0;
- ``PARITY``: satisfied iff y_mu prod_k sign(h_{k mu}) > 0;

with sign(h) = +1 for h > 0 and -1 otherwise (wfm.models conventions). For the committee rules
``vote[mu]`` keeps the sum (or product) of the unit signs, updated when a sign changes.

The per-step helpers are compiled with ``inline="always"``: as separate calls they cost about
10 ns per step, as much as the whole O(P) update at P ~ 10.
"""
from numba import njit, prange

from wfm._kernels.codes import PARITY, PERCEPTRON


@njit(cache=True, nogil=True)
def block_weights(b, L, w):
    """Set ``w`` to the first configuration of block ``b``: low weights +1, high weights from the bits of b."""
    for j in range(w.size):
        w[j] = -1 if j >= L and (b >> (j - L)) & 1 else 1


@njit(cache=True, nogil=True)
def _init_fields(XT, y, col, unit, rule, thr, w, h, vote):
    """Compute the fields h and votes of configuration w from scratch; return its number of errors."""
    K, P = h.shape
    h[:, :] = 0
    for j in range(w.size):
        k = unit[j]
        c = col[j]
        for mu in range(P):
            h[k, mu] += w[j] * XT[c, mu]
    errors = 0
    for mu in range(P):
        if rule == PERCEPTRON:
            errors += h[0, mu] <= thr
        else:
            vote[mu] = 1 if rule == PARITY else 0
            for k in range(K):
                s = 1 if h[k, mu] > 0 else -1
                if rule == PARITY:
                    vote[mu] *= s
                else:
                    vote[mu] += s
            if y[mu] * vote[mu] <= 0:
                errors += 1
    return errors


@njit(cache=True, nogil=True, inline="always")
def _flip_perceptron(XT, col, thr, j, w, h):
    """Flip w_j and update the stabilities h_mu in O(P); return the new number of errors."""
    h0 = h[0]
    xi = XT[col[j]]
    delta = -2 * w[j]
    w[j] = -w[j]
    errors = 0
    for mu in range(h0.size):
        h0[mu] += delta * xi[mu]
        errors += h0[mu] <= thr
    return errors


@njit(cache=True, nogil=True, inline="always")
def _flip_committee(XT, y, col, unit, rule, j, w, h, vote):
    """Flip w_j, update the fields of its unit and the votes in O(P); return the new number of errors."""
    hk = h[unit[j]]
    xi = XT[col[j]]
    delta = -2 * w[j]
    w[j] = -w[j]
    errors = 0
    for mu in range(hk.size):
        before = hk[mu] > 0
        hk[mu] += delta * xi[mu]
        after = hk[mu] > 0
        if before != after:
            if rule == PARITY:
                vote[mu] = -vote[mu]
            else:
                vote[mu] += 2 if after else -2
        errors += y[mu] * vote[mu] <= 0
    return errors


@njit(cache=True, nogil=True, inline="always")
def _trailing_zeros(t):
    j = 0
    while not (t >> j) & 1:
        j += 1
    return j


@njit(cache=True, nogil=True, inline="always")
def _record(t, j, errors, w, reference, last, msum, hist, count, distance, best, t_best):
    """Bookkeeping after step t flipped w_j (now w[j]); returns the updated running scalars.

    The weight sums are kept lazily: ``last[j]`` is the number of solutions seen when w_j last
    changed, so its previous value -w_j contributes -w_j * (count - last[j]) now, an O(1) cost.
    """
    msum[j] -= w[j] * (count - last[j])
    last[j] = count
    distance += 1 if w[j] != reference[j] else -1
    if errors < best:
        best = errors
        t_best = t
    if errors == 0:
        count += 1
        hist[distance] += 1
    return count, distance, best, t_best


@njit(cache=True, nogil=True)
def _walk_block(XT, y, col, unit, rule, thr, L, b, reference, h, vote, w, last, hist, msum):
    """Walk block b; accumulate the distance histogram and weight sums of its solutions.

    Returns (number of solutions, minimum number of errors, Gray-code step of the first
    configuration reaching it). The two output rules get separate loops: a rule test inside
    the step makes the perceptron walk about twice slower.
    """
    M = w.size
    block_weights(b, L, w)
    distance = 0
    for j in range(M):
        last[j] = 0
        if w[j] != reference[j]:
            distance += 1
    errors = _init_fields(XT, y, col, unit, rule, thr, w, h, vote)
    best = errors
    t_best = 0
    count = 0
    if errors == 0:
        count = 1
        hist[distance] += 1
    if rule == PERCEPTRON:
        for t in range(1, 1 << L):
            j = _trailing_zeros(t)
            errors = _flip_perceptron(XT, col, thr, j, w, h)
            count, distance, best, t_best = _record(t, j, errors, w, reference, last, msum, hist,
                                                    count, distance, best, t_best)
    else:
        for t in range(1, 1 << L):
            j = _trailing_zeros(t)
            errors = _flip_committee(XT, y, col, unit, rule, j, w, h, vote)
            count, distance, best, t_best = _record(t, j, errors, w, reference, last, msum, hist,
                                                    count, distance, best, t_best)
    for j in range(M):
        msum[j] += w[j] * (count - last[j])
    return count, best, t_best


@njit(cache=True, nogil=True, parallel=True)
def enumerate_solutions(XT, y, col, unit, rule, thr, L, reference, h, vote, w, last,
                        count, hist, msum, emin, tmin):
    """Enumerate all 2^M configurations in 2^(M-L) parallel blocks of 2^L Gray-code steps.

    Per block b (arrays indexed by b first): ``count[b]`` solutions, ``hist[b, d]`` solutions at
    Hamming distance d from ``reference``, ``msum[b, j]`` = sum of w_j over the solutions,
    ``emin[b]`` the minimum number of errors and ``tmin[b]`` the first step reaching it.
    ``h`` (blocks, K, P), ``vote`` (blocks, P), ``w`` and ``last`` (blocks, M) are work space;
    ``hist`` and ``msum`` must be zero on entry.
    """
    for b in prange(count.size):
        count[b], emin[b], tmin[b] = _walk_block(XT, y, col, unit, rule, thr, L, b, reference,
                                                 h[b], vote[b], w[b], last[b], hist[b], msum[b])


@njit(cache=True, nogil=True)
def find_solution(XT, y, col, unit, rule, thr, L, b, r, h, vote, w):
    """Gray-code step of the r-th solution (r = 0, 1, ... in walk order) of block b, or -1."""
    block_weights(b, L, w)
    errors = _init_fields(XT, y, col, unit, rule, thr, w, h, vote)
    seen = 0
    for t in range(1 << L):
        if t and rule == PERCEPTRON:
            errors = _flip_perceptron(XT, col, thr, _trailing_zeros(t), w, h)
        elif t:
            errors = _flip_committee(XT, y, col, unit, rule, _trailing_zeros(t), w, h, vote)
        if errors == 0:
            if seen == r:
                return t
            seen += 1
    return -1


@njit(cache=True, nogil=True)
def gray_configuration(b, t, L, w):
    """Set ``w`` to the configuration at Gray-code step t of block b.

    Low weight j is -1 iff bit j of the Gray code t ^ (t >> 1) is set.
    """
    block_weights(b, L, w)
    g = t ^ (t >> 1)
    for j in range(L):
        if (g >> j) & 1:
            w[j] = -1

