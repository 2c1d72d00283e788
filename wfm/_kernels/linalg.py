"""Dense linear algebra on +-1 (int8) or float pattern matrices, vectorisable without fastmath.

Summation orders are fixed by the code, never by the compiler (no reassociation), so a product
gives the same bits for int8 and float patterns holding the same values, for any thread count.

- :func:`times` is the product ``x v`` of a pattern entry and a float: for the +-1 integer
  (int8) patterns it is the sign selection ``v`` or ``-v``, exact and the same bits as the float
  product by +-1.0, without converting the int8 entry to a float and multiplying.
- :func:`dot_lanes` sums ``row[j] v[j]`` in ``acc.shape[0]`` interleaved lanes: lane l holds
  the elements j = l (mod L) of the first ``L * (n // L)`` entries, in order; the lanes are then
  added in order 0, 1, ..., L - 1, and the tail entries last. Independent lanes let the loop
  vectorise without reordering any sum.
- :func:`dot_rows` gives the dot products of ``ROWS`` consecutive rows with v at once, each in
  the order of :func:`dot_lanes` (L = ``LANES``), hence with the same bits as :func:`dot_lanes`
  row after row; but every v[j] is loaded once per ``ROWS`` rows, the lanes are loaded and
  stored once every ``UNROLL`` blocks of ``LANES`` columns (lanes kept in a work array would
  otherwise cost a store-to-load round trip per block), and the ROWS final sums of the lanes,
  which are sequential chains of additions, run side by side.
- :func:`axpy` adds ``c row`` to ``out`` (element-wise, vectorises as is); :func:`axpy_rows`
  adds ``ROWS`` scaled rows, ``out[j] += c_0 row_0[j]``, then ``c_1 row_1[j]``, ... for each j:
  the same bits as :func:`axpy` row after row, with one load and store of ``out`` per ``ROWS``
  rows.
- :func:`chunk_bounds` splits the P patterns into a fixed number of contiguous chunks (a function
  of P only, :func:`chunk_count`); the pattern passes give every chunk its own partial sums and
  add them in chunk order, so their results do not depend on whether the chunks run one after
  the other or in parallel (``threads``: prange over the chunks, for one large run alone on
  the machine; a parallel launch costs 0.1 ms or more even with one thread, so it stays off
  for small problems and inside sweeps). Within a chunk the rows go by blocks of ``ROWS``
  (:func:`dot_rows`, :func:`axpy_rows`), the last ``(hi - lo) mod ROWS`` one by one.
"""
import math

import numpy as np
from numba import njit, prange, types
from numba.extending import overload

LANES = 32  # lanes of dot_lanes: 4 vectors of 8 float64 (AVX-512) or 8 of 4 (AVX2)
ROWS = 4  # rows of dot_rows / axpy_rows, written out for 4 (with 6 or 8 rows the loops no longer vectorised)
UNROLL = 4  # blocks of LANES columns summed between two loads and stores of the lanes
CHUNK_ROWS = 256  # at least this many patterns per chunk
MAX_CHUNKS = 8  # chunks of the parallel pattern passes (the most threads they can use)


def times(x, v):
    """x v: a pattern entry x (+-1 when an integer) times a float v, exactly as in the kernels."""
    return x * v


@overload(times)
def _times(x, v):
    if isinstance(x, types.Integer):
        return lambda x, v: v if x > 0 else -v  # x = +-1: the product, without int -> float and multiply
    return lambda x, v: x * v


@njit(cache=True, nogil=True)
def dot_lanes(row, v, acc):
    """sum_j row[j] v[j] in ``acc.shape[0]`` lanes (order in the module docstring); ``acc`` is work space."""
    n = row.shape[0]
    L = acc.shape[0]
    blocks = n // L
    acc[:] = 0.0
    for b in range(blocks):
        rb = row[b * L:(b + 1) * L]
        vb = v[b * L:(b + 1) * L]
        for lane in range(L):
            acc[lane] += times(rb[lane], vb[lane])
    s = 0.0
    for lane in range(L):
        s += acc[lane]
    for j in range(blocks * L, n):
        s += times(row[j], v[j])
    return s


@njit(cache=True, nogil=True)
def dot_rows(X, mu, v, lanes):
    """The dot products of rows mu, ..., mu + ROWS - 1 of X with v, each in the order of :func:`dot_lanes`.

    ``lanes`` (ROWS, LANES) is work space (the lanes of row r in ``lanes[r]``). The loop over the
    lanes holds UNROLL consecutive blocks of columns, so a lane is loaded and stored once per
    UNROLL blocks, and v[j] once for the ROWS rows. Returns a tuple of ROWS floats.
    """
    n = v.shape[0]
    blocks = n // LANES
    r0, r1, r2, r3 = X[mu], X[mu + 1], X[mu + 2], X[mu + 3]
    l0, l1, l2, l3 = lanes[0], lanes[1], lanes[2], lanes[3]
    lanes[:] = 0.0
    b = 0
    while b + UNROLL <= blocks:
        for lane in range(LANES):
            s0, s1, s2, s3 = l0[lane], l1[lane], l2[lane], l3[lane]
            for u in range(UNROLL):
                j = (b + u) * LANES + lane
                vj = v[j]
                s0 += times(r0[j], vj)
                s1 += times(r1[j], vj)
                s2 += times(r2[j], vj)
                s3 += times(r3[j], vj)
            l0[lane], l1[lane], l2[lane], l3[lane] = s0, s1, s2, s3
        b += UNROLL
    while b < blocks:
        for lane in range(LANES):
            j = b * LANES + lane
            vj = v[j]
            l0[lane] += times(r0[j], vj)
            l1[lane] += times(r1[j], vj)
            l2[lane] += times(r2[j], vj)
            l3[lane] += times(r3[j], vj)
        b += 1
    s0 = s1 = s2 = s3 = 0.0
    for lane in range(LANES):
        s0 += l0[lane]
        s1 += l1[lane]
        s2 += l2[lane]
        s3 += l3[lane]
    for j in range(blocks * LANES, n):
        vj = v[j]
        s0 += times(r0[j], vj)
        s1 += times(r1[j], vj)
        s2 += times(r2[j], vj)
        s3 += times(r3[j], vj)
    return s0, s1, s2, s3


@njit(cache=True, nogil=True)
def axpy(out, c, row):
    """out += c * row."""
    for j in range(out.shape[0]):
        out[j] += times(row[j], c)


@njit(cache=True, nogil=True)
def axpy_rows(out, c, X, mu):
    """out += c[mu + r] X[mu + r] for r = 0, ..., ROWS - 1, in that order for each entry of out."""
    r0, r1, r2, r3 = X[mu], X[mu + 1], X[mu + 2], X[mu + 3]
    c0, c1, c2, c3 = c[mu], c[mu + 1], c[mu + 2], c[mu + 3]
    for j in range(out.shape[0]):
        o = out[j]
        o += times(r0[j], c0)
        o += times(r1[j], c1)
        o += times(r2[j], c2)
        o += times(r3[j], c3)
        out[j] = o


@njit(cache=True, nogil=True)
def matvec_rows(M, v, out):
    """out = M.T @ v as a sum of scaled rows of M, in row order (axpy form: vectorises without
    fastmath), by blocks of ROWS rows (:func:`axpy_rows`) and the last rows one by one."""
    out[:] = 0.0
    rows = M.shape[0]
    r = 0
    while r + ROWS <= rows:
        axpy_rows(out, v, M, r)
        r += ROWS
    for r in range(r, rows):
        axpy(out, v[r], M[r])


@njit(cache=True, nogil=True)
def chunk_count(P):
    """Number of pattern chunks of the parallel passes: P // CHUNK_ROWS, between 1 and MAX_CHUNKS."""
    return max(1, min(MAX_CHUNKS, P // CHUNK_ROWS))


@njit(cache=True, nogil=True)
def chunk_bounds(P, chunks, c):
    """First and one-past-last pattern of chunk c out of ``chunks``."""
    return c * P // chunks, (c + 1) * P // chunks


@njit(cache=True, nogil=True)
def _matvec_chunk(X, v, out, lo, hi, acc):
    lanes = np.empty((ROWS, LANES))
    mu = lo
    while mu + ROWS <= hi:
        out[mu], out[mu + 1], out[mu + 2], out[mu + 3] = dot_rows(X, mu, v, lanes)
        mu += ROWS
    for mu in range(mu, hi):
        out[mu] = dot_lanes(X[mu], v, acc)


@njit(cache=True, parallel=True, nogil=True)
def _matvec_threads(X, v, out, acc):
    P = X.shape[0]
    chunks = acc.shape[0]
    for c in prange(chunks):
        lo, hi = chunk_bounds(P, chunks, c)
        _matvec_chunk(X, v, out, lo, hi, acc[c])


@njit(cache=True, nogil=True)
def matvec(X, v, out, acc, threads):
    """out = X @ v by rows in the order of :func:`dot_lanes` (blocks of ROWS rows by :func:`dot_rows`).

    ``acc`` (chunks, LANES) is work space of the rows of a chunk that do not fill a block.

    ``threads``: the chunks of patterns in parallel (prange) or one after the other (same bits).
    """
    if threads:
        _matvec_threads(X, v, out, acc)
    else:
        P = X.shape[0]
        for c in range(acc.shape[0]):
            lo, hi = chunk_bounds(P, acc.shape[0], c)
            _matvec_chunk(X, v, out, lo, hi, acc[c])


@njit(cache=True, nogil=True)
def _signs(h, w):
    """w = sign(h), h = 0 giving +1."""
    for i in range(h.shape[0]):
        w[i] = 1.0 if h[i] >= 0.0 else -1.0


@njit(cache=True, nogil=True)
def _violated(sigma, field, scale, kappa):
    """Number of patterns with sigma field scale <= kappa."""
    errors = 0
    for mu in range(field.shape[0]):
        if sigma[mu] * field[mu] * scale <= kappa:
            errors += 1
    return errors


@njit(cache=True, nogil=True)
def count_errors(XT, sigma, kappa, h, w, field):
    """Training errors of w = sign(h) (h = 0 gives +1): patterns with sigma w.xi / sqrt(N) <= kappa.

    ``w`` (N,) and ``field`` (P,) are float64 workspaces; on return w holds sign(h).
    """
    _signs(h, w)
    matvec_rows(XT, w, field)
    return _violated(sigma, field, 1.0 / math.sqrt(XT.shape[0]), kappa)


@njit(cache=True, nogil=True)
def count_errors_rows(X, sigma, kappa, h, w, field, acc, threads):
    """:func:`count_errors` from the patterns X (P, N) by rows (:func:`matvec`; no transposed copy).

    ``w`` (N,), ``field`` (P,) and ``acc`` (chunks, LANES) are workspaces.
    """
    _signs(h, w)
    matvec(X, w, field, acc, threads)
    return _violated(sigma, field, 1.0 / math.sqrt(X.shape[1]), kappa)


@njit(cache=True, nogil=True)
def is_pm1(X):
    """True when every entry of the integer matrix X (P, N) is +1 or -1 (one read, no temporaries)."""
    P = X.shape[0]
    bad = 0
    for mu in range(P):
        row = X[mu]
        count = 0
        for j in range(row.shape[0]):
            count += (row[j] != 1) & (row[j] != -1)
        bad += count
    return bad == 0
