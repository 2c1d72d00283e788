"""Slow NumPy twins of the exact enumeration (wfm.exact, wfm._kernels.enumeration).

Every binary weight vector is listed (bits of its index) and scored by ``model.errors`` (or, for
larger perceptrons, by a direct NumPy matrix product), independently of the Gray-code walk.
"""
import numpy as np


def configurations(M, start=0, stop=None):
    """Weight vectors number start..stop-1 (default all 2^M) of +-1 weights, shape (., M), int8.

    Vector number i has w_j = -1 iff bit j of i is set.
    """
    index = np.arange(start, 1 << M if stop is None else stop, dtype=np.int64)
    return (1 - 2 * ((index[:, None] >> np.arange(M)) & 1)).astype(np.int8)


def errors_of_all(problem, model):
    """(configurations (2^M, M), training errors of each according to ``model.errors``)."""
    W = configurations(model.n_params)
    errors = np.array([model.errors(problem, w.reshape(model.shape)) for w in W])
    return W, errors


def solutions(problem, model):
    """The solutions (zero training errors) as rows of +-1, shape (count, M)."""
    W, errors = errors_of_all(problem, model)
    return W[errors == 0]


def count_solutions(problem, model):
    """Number of solutions."""
    return len(solutions(problem, model))


def histogram_by_distance(S, reference):
    """Number of rows of ``S`` (count, M) at each Hamming distance 0..M from ``reference``."""
    reference = np.asarray(reference).ravel()
    distances = np.count_nonzero(S != reference, axis=1)
    return np.bincount(distances, minlength=reference.size + 1)


def count_by_distance(problem, model, reference):
    """Number of solutions at each Hamming distance 0..M from ``reference``."""
    return histogram_by_distance(solutions(problem, model), reference)


def magnetizations(problem, model):
    """(count, mean of the solutions in the model's layout; NaN when there is none)."""
    S = solutions(problem, model)
    if len(S) == 0:
        return 0, np.full(model.shape, np.nan)
    return len(S), (S.sum(axis=0) / len(S)).reshape(model.shape)


def count_solutions_perceptron(problem, kappa=0.0, chunk=1 << 16):
    """Solutions of the binary perceptron by blocks of configurations and a matrix product.

    Pattern mu is satisfied iff y_mu w.xi_mu / sqrt(N) > kappa (the stabilities are computed
    from scratch for every configuration, in float64).
    """
    N = problem.N
    G = problem.y[:, None] * np.asarray(problem.X, dtype=np.float64)
    count = 0
    for start in range(0, 1 << N, chunk):
        W = configurations(N, start, min(start + chunk, 1 << N)).astype(np.float64)
        stabilities = W @ G.T / np.sqrt(N)
        count += int(np.count_nonzero(np.all(stabilities > kappa, axis=1)))
    return count
