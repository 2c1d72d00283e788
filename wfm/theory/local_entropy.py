"""The local-entropy curves of the binary perceptron side by side, as one table for a figure."""

import numpy as np
import pandas as pd

from wfm.theory import _curves
from wfm.theory.binary_perceptron import binary_entropy
from wfm.theory.cross_entropy import cross_entropy_minimizer_saddle
from wfm.theory.franz_parisi import franz_parisi_saddle
from wfm.theory.large_deviation import large_deviation_saddle

__all__ = ["local_entropy_curves"]


def local_entropy_curves(alpha, distance, kappa=0.0, gammas=()):
    """The bound ``H(d)`` and the replica local-entropy curves at one load, in long format.

    Parameters
    ----------
    alpha : float
        Load ``P / N``, finite and ``>= 0``.
    distance : array_like of float
        Normalised Hamming distances, in ``(0, 1)``.
    kappa : float, optional
        Margin, finite. Default 0.
    gammas : sequence of float, optional
        Parameters of the cross-entropy loss, one curve of
        :func:`~wfm.theory.cross_entropy_minimizer_entropy` each. Default none.

    Returns
    -------
    pandas.DataFrame
        Columns ``alpha``, ``kappa``, ``curve`` (``"bound"``, ``"franz_parisi"``,
        ``"large_deviation"``, ``"cross_entropy"``), ``gamma`` (NaN but for the cross-entropy
        curves), ``distance``, ``entropy`` (nats per weight, NaN where the saddle point has no
        solution) and ``reason`` (why, empty otherwise); one row per curve and distance.

    Examples
    --------
    >>> table = local_entropy_curves(0.5, [0.02, 0.05], gammas=[2.0])
    >>> sorted(table["curve"].unique())
    ['bound', 'cross_entropy', 'franz_parisi', 'large_deviation']
    """
    alpha, d, kappa, _ = _curves.check_arguments(alpha, distance, kappa)
    gammas = [float(g) for g in np.atleast_1d(np.asarray(gammas, dtype=float))]
    bound = pd.DataFrame({"curve": "bound", "distance": d, "entropy": binary_entropy(d), "reason": ""})
    tables = [bound, franz_parisi_saddle(alpha, d, kappa).assign(curve="franz_parisi"),
              large_deviation_saddle(alpha, d, kappa).assign(curve="large_deviation")]
    tables += [cross_entropy_minimizer_saddle(alpha, d, gamma, kappa)
               .assign(curve="cross_entropy", gamma=gamma) for gamma in gammas]
    columns = ["alpha", "kappa", "curve", "gamma", "distance", "entropy", "reason"]
    table = pd.concat([t.reindex(columns=columns[2:]) for t in tables], ignore_index=True)
    return table.assign(alpha=alpha, kappa=kappa)[columns]
