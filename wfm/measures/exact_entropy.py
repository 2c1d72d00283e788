"""Exact local entropy around a reference configuration, by exhaustive enumeration (small N).

With c_k the number of solutions at Hamming distance k from the reference w~
(:func:`wfm.exact.count_by_distance`), the local free entropy of :mod:`wfm.measures.entropy` is
exactly

    phi(gamma) = (1/N) log sum_k c_k exp(gamma (N - 2 k)),

the tilted measure sits at the mean distance d(gamma) = <k> / N and S(d) = phi - gamma (1 - 2 d)
is its Legendre transform (Huang and Kabashima, PRE 90, 052813 (2014)). These are the values
that :func:`wfm.measures.local_entropy` approximates by BP, at the same gammas, so the two curves
compare point by point; the raw counts give S(k / N) = (1/N) log c_k at every distance.
"""
from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

from wfm import exact
from wfm.measures.entropy import check_gammas


@dataclass(frozen=True)
class ExactLocalEntropy:
    """Result of :func:`local_entropy_exact`; one entry per gamma, and the distance counts.

    Attributes
    ----------
    gammas : ndarray
        Couplings to the reference, in the order given.
    distance : ndarray
        d(gamma) = <k> / N under the measure c_k exp(-2 gamma k).
    entropy : ndarray
        S(d) = phi - gamma (1 - 2 d), nats per weight.
    phi : ndarray
        Local free entropy per weight.
    counts : ndarray of int64, shape (N + 1,)
        Solutions at each Hamming distance k from the reference.
    solutions : int
        Total number of solutions (sum of ``counts``).
    n_weights : int
        N, the number of weights the entropies are normalised by.
    """

    gammas: np.ndarray
    distance: np.ndarray
    entropy: np.ndarray
    phi: np.ndarray
    counts: np.ndarray
    solutions: int
    n_weights: int


def local_entropy_exact(problem, model, reference, *, gammas):
    """Exact phi(gamma), d(gamma) and S(d) around ``reference``, by enumerating every configuration.

    Parameters
    ----------
    problem : wfm.problems.Problem
    model : wfm.models.Perceptron or wfm.models.Committee
        A model :func:`wfm.exact.count_solutions` supports (binary weights, at most
        :data:`wfm.exact.LIMIT` of them).
    reference : ndarray
        The reference configuration w~ in the model's layout (+-1); need not be a solution.
    gammas : array_like of float
        Couplings to the reference.

    Returns
    -------
    ExactLocalEntropy
        ``distance``, ``entropy`` and ``phi`` are NaN when there is no solution at all.
    """
    gammas = check_gammas(gammas)
    counts = exact.count_by_distance(problem, model, reference)
    N = counts.size - 1
    k = np.flatnonzero(counts)
    phi, distance = np.full(gammas.size, np.nan), np.full(gammas.size, np.nan)
    if k.size:
        log_c = np.log(counts[k].astype(np.float64))
        for g, gamma in enumerate(gammas):
            terms = log_c + gamma * (N - 2.0 * k)
            log_Z = logsumexp(terms)
            phi[g] = log_Z / N
            distance[g] = float(np.dot(np.exp(terms - log_Z), k)) / N
    return ExactLocalEntropy(gammas=gammas, distance=distance, entropy=phi - gammas * (1.0 - 2.0 * distance),
                             phi=phi, counts=counts, solutions=int(counts.sum()), n_weights=N)
