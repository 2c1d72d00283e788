"""Tabulated log H(x) (H the Gaussian tail) by piecewise cubic Hermite interpolation.

On [X_LO, X_HI) the grid x_j = X_LO + j STEP carries the exact values f_j = log H(x_j) and
slopes f'_j = -G(x_j) / H(x_j); on each cell the cubic matching both (Hermite) is stored as
four polynomial coefficients in s = (x - x_j) / STEP, so one evaluation is one multiply-add
chain on one 32-byte row. The interpolation error is at most STEP^4 max|f''''| / 384 per cell
(de Boor, A Practical Guide to Splines, ch. IV); with STEP = 1/128 and |f''''| < 1 for log H
that is below 1e-11 (tests/test_mp_kernels.py bounds it against scipy's log_ndtr). Outside the
table :func:`wfm._kernels.gauss.logH` is used (its asymptotic series above X_HI = 30).
"""
import numpy as np
from numba import njit

from wfm._kernels.gauss import GH, logH

X_LO = -12.0
X_HI = 30.0
STEP = 1.0 / 128.0
_INV_STEP = 128.0


def hermite_coefficients(f, slope, step):
    """Cubic Hermite coefficients (cells, 4) in s = (x - x_j) / step from node values ``f`` and
    derivatives ``slope`` (d f / d x) on a grid of spacing ``step`` (cells + 1 nodes each)."""
    d = step * np.asarray(slope, dtype=np.float64)
    f = np.asarray(f, dtype=np.float64)
    df = np.diff(f)
    return np.ascontiguousarray(np.stack([f[:-1], d[:-1], 3.0 * df - 2.0 * d[:-1] - d[1:],
                                          -2.0 * df + d[:-1] + d[1:]], axis=1))


def _build(x_lo, step, cells):
    """Hermite coefficients (cells, 4) of log H on the grid x_lo + j step.

    Evaluated once at import with the pure-Python versions of the kernels' own formulas
    (``py_func``), so the table never depends on a stale compiled cache.
    """
    x = x_lo + step * np.arange(cells + 1)
    return hermite_coefficients([logH.py_func(v) for v in x], [-GH.py_func(v) for v in x], step)


TABLE = _build(X_LO, STEP, int(round((X_HI - X_LO) / STEP)))


@njit(cache=True, nogil=True, inline="always")
def logH_table(x, table):
    """log H(x) from ``table`` (:data:`TABLE`) inside [X_LO, X_HI), :func:`logH` outside."""
    if x >= X_LO and x < X_HI:
        t = (x - X_LO) * _INV_STEP
        j = min(int(t), table.shape[0] - 1)  # x + 12 may round up to X_HI - X_LO
        s = t - j
        return table[j, 0] + s * (table[j, 1] + s * (table[j, 2] + s * table[j, 3]))
    return logH(x)
