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


@njit(cache=True)
def _build(x_lo, step, cells):
    """Hermite coefficients (cells, 4) of log H on the grid x_lo + j step."""
    table = np.empty((cells, 4))
    f0 = logH(x_lo)
    d0 = -GH(x_lo) * step
    for j in range(cells):
        x1 = x_lo + (j + 1) * step
        f1 = logH(x1)
        d1 = -GH(x1) * step
        df = f1 - f0
        table[j, 0] = f0
        table[j, 1] = d0
        table[j, 2] = 3.0 * df - 2.0 * d0 - d1
        table[j, 3] = -2.0 * df + d0 + d1
        f0, d0 = f1, d1
    return table


TABLE = _build(X_LO, STEP, int(round((X_HI - X_LO) / STEP)))


@njit(cache=True, inline="always")
def logH_table(x, table):
    """log H(x) from ``table`` (:data:`TABLE`) inside [X_LO, X_HI), :func:`logH` outside."""
    if x >= X_LO and x < X_HI:
        t = (x - X_LO) * _INV_STEP
        j = min(int(t), table.shape[0] - 1)  # x + 12 may round up to X_HI - X_LO
        s = t - j
        return table[j, 0] + s * (table[j, 1] + s * (table[j, 2] + s * table[j, 3]))
    return logH(x)
