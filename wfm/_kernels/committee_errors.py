"""Training errors of a committee machine for many weight vectors at once.

The hidden fields of every pattern under every weight vector come from one BLAS product;
this kernel reads them once, forms the output of each (pattern, weight vector) pair and
counts the misclassified patterns per weight vector (conventions of :mod:`wfm.models`: output
sign(sum_k v_k g(lambda_k)) or prod_k sign(lambda_k); a zero output is an error).
"""
import numpy as np
from numba import njit

from wfm._kernels.codes import PARITY, RELU, SIGN


@njit(cache=True, nogil=True)
def committee_errors(lam, y, V, rule):
    """Misclassified patterns per column.

    Parameters
    ----------
    lam : ndarray, shape (K, P, S)
        Hidden fields (any positive scale) of P patterns under S weight vectors.
    y : ndarray, shape (P,)
        Labels +-1, same dtype as ``lam``.
    V : ndarray, shape (K, S)
        Readout of each weight vector (unused for PARITY).
    rule : int
        Code of :mod:`wfm._kernels.codes`: RELU: sum_k v_k max(0, lambda_k); SIGN:
        sum_k v_k sign(lambda_k); PARITY: prod_k sign(lambda_k); sign(0) = -1.

    Returns
    -------
    ndarray of int64, shape (S,)
    """
    K, P, S = lam.shape
    errors = np.zeros(S, dtype=np.int64)
    out = np.empty(S, dtype=lam.dtype)
    for p in range(P):
        out[:] = 1.0 if rule == PARITY else 0.0
        for k in range(K):
            for s in range(S):
                field = lam[k, p, s]
                if rule == RELU:
                    if field > 0:
                        out[s] += V[k, s] * field
                elif rule == SIGN:
                    out[s] += V[k, s] if field > 0 else -V[k, s]
                elif field <= 0:
                    out[s] = -out[s]
        for s in range(S):
            if y[p] * out[s] <= 0:
                errors[s] += 1
    return errors
