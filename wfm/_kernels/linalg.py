"""Dense linear algebra on +-1 (int8) or float pattern matrices, vectorisable without fastmath."""
import math

from numba import njit


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
def count_errors(XT, sigma, kappa, h, w, field):
    """Training errors of w = sign(h) (h = 0 gives +1): patterns with sigma w.xi / sqrt(N) <= kappa.

    ``w`` (N,) and ``field`` (P,) are float64 workspaces; on return w holds sign(h).
    """
    N = XT.shape[0]
    for i in range(N):
        w[i] = 1.0 if h[i] >= 0.0 else -1.0
    matvec_rows(XT, w, field)
    scale = 1.0 / math.sqrt(N)
    errors = 0
    for mu in range(field.shape[0]):
        if sigma[mu] * field[mu] * scale <= kappa:
            errors += 1
    return errors
