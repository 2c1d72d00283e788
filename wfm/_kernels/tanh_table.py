"""Tabulated tanh(x) by piecewise cubic Hermite interpolation, for the edge-BP cavity magnetizations.

On [0, X_HI) the grid x_j = j STEP carries tanh(x_j) and its slope 1 - tanh(x_j)^2 (the same
cubic Hermite cells as :mod:`wfm._kernels.logh_table`); negative x use tanh(-x) = -tanh(x), and
|x| >= X_HI = 20 gives +-1 (1 - tanh(20) < 1e-17, below the float64 spacing at 1). The
interpolation error is at most STEP^4 max|tanh''''| / 384 < 4e-11 with STEP = 1/128; as every
derivative of tanh decays like 1 - tanh^2, the error also stays a small relative error of
1 - tanh^2 in the tails (tests/test_mp_kernels.py bounds both). One evaluation is one
multiply-add chain on one 32-byte row instead of an exp: the edge-BP sweep needs one per edge.
"""
import math

import numpy as np
from numba import njit

from wfm._kernels.logh_table import hermite_coefficients

X_HI = 20.0
STEP = 1.0 / 128.0
_INV_STEP = 128.0


def _build(step, cells):
    """Hermite coefficients (cells, 4) of tanh on the grid j step, j = 0 .. cells."""
    x = step * np.arange(cells + 1)
    f = np.array([math.tanh(v) for v in x])
    return hermite_coefficients(f, 1.0 - f * f, step)


TABLE = _build(STEP, int(round(X_HI / STEP)))


@njit(cache=True, nogil=True, inline="always")
def tanh_table(x, table):
    """tanh(x) from ``table`` (:data:`TABLE`); +-1 for |x| >= X_HI, NaN for NaN."""
    ax = abs(x)
    if ax < X_HI:
        t = ax * _INV_STEP
        j = min(int(t), table.shape[0] - 1)  # ax * 128 may round up to X_HI * 128
        s = t - j
        v = table[j, 0] + s * (table[j, 1] + s * (table[j, 2] + s * table[j, 3]))
    elif ax >= X_HI:
        v = 1.0
    else:
        return x
    return v if x >= 0.0 else -v
