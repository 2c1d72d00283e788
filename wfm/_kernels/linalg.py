"""Dense linear algebra on +-1 (int8) or float pattern matrices, vectorisable without fastmath.

Summation orders are fixed by the code, never by the compiler (no reassociation), so a product
gives the same bits for int8 and float patterns holding the same values, for any thread count.

- :func:`dot_lanes` sums ``row[j] v[j]`` in ``acc.shape[0]`` interleaved lanes: lane l holds
  the elements j = l (mod L) of the first ``L * (n // L)`` entries, in order; the lanes are then
  added in order 0, 1, ..., L - 1, and the tail entries last. Independent lanes let the loop
  vectorise without reordering any sum.
- :func:`axpy` adds ``c row`` to ``out`` (element-wise, vectorises as is).
- :func:`chunk_bounds` splits the P patterns into a fixed number of contiguous chunks (a function
  of P only, :func:`chunk_count`); the pattern passes give every chunk its own partial sums and
  add them in chunk order, so their results do not depend on whether the chunks run one after
  the other or in parallel (``threads``: prange over the chunks, for one large run alone on
  the machine; a parallel launch costs 0.1 ms or more even with one thread, so it stays off
  for small problems and inside sweeps).
"""
import math

from numba import njit, prange

LANES = 32  # lanes of dot_lanes: 4 vectors of 8 float64 (AVX-512) or 8 of 4 (AVX2)
CHUNK_ROWS = 256  # at least this many patterns per chunk
MAX_CHUNKS = 8  # chunks of the parallel pattern passes (the most threads they can use)


@njit(cache=True, nogil=True)
def matvec_rows(M, v, out):
    """out = M.T @ v as a sum of scaled rows of M (axpy form: vectorises without fastmath)."""
    out[:] = 0.0
    for r in range(M.shape[0]):
        row = M[r]
        c = v[r]
        for j in range(out.shape[0]):
            out[j] += c * row[j]


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
            acc[lane] += rb[lane] * vb[lane]
    s = 0.0
    for lane in range(L):
        s += acc[lane]
    for j in range(blocks * L, n):
        s += row[j] * v[j]
    return s


@njit(cache=True, nogil=True)
def axpy(out, c, row):
    """out += c * row."""
    for j in range(out.shape[0]):
        out[j] += c * row[j]


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
    for mu in range(lo, hi):
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
    """out = X @ v by rows (:func:`dot_lanes`); ``acc`` (chunks, LANES) is work space.

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
