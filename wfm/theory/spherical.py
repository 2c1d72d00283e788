r"""Spherical perceptron: Cover's counting theorem and Gardner's capacity.

Notation as in :mod:`wfm.theory`. Equations cited in the code:

(1) Cover's counting theorem (Cover 1965)::

        C(P, N) = 2**(1 - P) * sum_{k=0}^{N-1} binom(P - 1, k)

(2) Gardner capacity of the spherical perceptron (Gardner 1988)::

        alpha_c(kappa) = 1 / I(kappa),   I(kappa) = int_{-kappa}^inf Dt (t + kappa)**2

(3) Closed form of that integral, ``Phi`` the standard normal cdf::

        I(kappa) = (1 + kappa**2) Phi(kappa) + kappa G(kappa)

(4) RS free entropy of the binary perceptron (Gardner and Derrida 1988; Krauth and Mezard

References
----------
T. M. Cover, IEEE Trans. Electron. Comput. EC-14, 326 (1965).
E. Gardner, J. Phys. A 21, 257 (1988).
"""

import numpy as np
from scipy import special, stats

from wfm.theory._common import _LOG_SQRT_2PI, _integer_array, _real_array

# Below kappa = -3 Eq. (3) loses digits to cancellation; Gauss-Laguerre is used instead.
_KAPPA_FAR = -3.0
_LAGUERRE_NODES, _LAGUERRE_WEIGHTS = np.polynomial.laguerre.laggauss(60)

def cover_probability(P, N):
    """Probability that ``P`` random dichotomies in dimension ``N`` are linearly separable.

    Cover's counting theorem, Eq. (1): for ``P`` points in general position in ``R^N``
    with independent uniformly random labels, the probability that a homogeneous linear
    separator (a hyperplane through the origin) exists is
    ``2**(1 - P) * sum_{k=0}^{N-1} binom(P - 1, k)``. The result is exact at every finite
    ``N``; for ``N -> inf`` it jumps from 1 to 0 at ``alpha = P / N = 2``.

    Parameters
    ----------
    P : int or array_like of int
        Number of points, ``P >= 1``.
    N : int or array_like of int
        Dimension, ``N >= 1``. Broadcast against ``P``.

    Returns
    -------
    float or ndarray
        Probability in ``[0, 1]``; exactly 1 for ``P <= N``. Probabilities below the
        smallest positive double (about ``1e-308``) are returned as 0.0.

    Raises
    ------
    TypeError
        If ``P`` or ``N`` is not integer-valued (floats and bools are rejected).
    ValueError
        If ``P < 1`` or ``N < 1``.

    Notes
    -----
    The sum is the binomial cdf ``Pr[Bin(P - 1, 1/2) <= N - 1]``, evaluated by
    ``scipy.stats.binom.cdf`` through the regularised incomplete beta function, with a
    relative error below 1e-12 even in the far tail (checked against exact rational
    arithmetic up to ``P = 10**5``). Nothing is summed term by term, so large ``P`` and
    ``N`` cost nothing extra.

    Examples
    --------
    >>> float(cover_probability(6, 3))
    0.5
    """
    P = _integer_array("P", P)
    N = _integer_array("N", N)
    # Eq. (1): 2**(1-P) sum_{k<N} binom(P-1, k) = Pr[Bin(P-1, 1/2) <= N-1].
    return stats.binom.cdf(N - 1, P - 1, 0.5)[()]


def gardner_capacity(kappa):
    """Gardner capacity of the spherical perceptron with margin ``kappa``.

    ``alpha_c(kappa) = 1 / int_{-kappa}^inf Dt (t + kappa)**2``, Eq. (2), the largest load
    ``alpha = P / N`` at which random patterns can be stored with stability
    ``sigma w.xi / sqrt(N) >= kappa`` by a weight vector with ``|w|**2 = N``, as
    ``N -> inf``. ``alpha_c(0) = 2``.

    Parameters
    ----------
    kappa : float or array_like of float
        Margin, finite.

    Returns
    -------
    float or ndarray
        The capacity, shaped like ``kappa``. Values above the largest double
        (``kappa < -37.6`` or so) are returned as ``inf``.

    Raises
    ------
    TypeError
        If ``kappa`` is not real-valued.
    ValueError
        If ``kappa`` contains NaN or infinities.

    Notes
    -----
    For ``kappa >= 0`` the problem is convex and the result is exact. For ``kappa < 0``
    the space of solutions is not convex, replica symmetry is broken, and this RS formula
    is only an upper bound on the true capacity.

    The integral is evaluated in closed form, Eq. (3). For ``kappa < -3``, where Eq. (3)
    cancels catastrophically, it is written as ``G(x) x**-3 int_0^inf du u**2 exp(-u)
    exp(-u**2 / (2 x**2))`` with ``x = -kappa`` and evaluated in log space by 60-point
    Gauss-Laguerre quadrature (relative error around 1e-14).

    Examples
    --------
    >>> float(gardner_capacity(0.0))
    2.0
    """
    kappa = _real_array("kappa", kappa)
    if not np.all(np.isfinite(kappa)):
        raise ValueError(f"kappa must be finite, got {kappa[()]!r}")
    far = kappa < _KAPPA_FAR
    log_integral = np.empty_like(kappa)
    with np.errstate(over="ignore"):  # |kappa| > 1e154: kappa**2 = inf, the limits are right
        k = kappa[~far]
        # Eq. (3).
        density = np.exp(-0.5 * k * k - _LOG_SQRT_2PI)
        log_integral[~far] = np.log((1.0 + k * k) * special.ndtr(k) + k * density)
        # Eq. (2) with t = u / x - kappa: I = G(x) x**-3 int_0^inf du e^-u u**2 e^(-u**2 / 2x**2).
        x = -kappa[far, np.newaxis]
        damping = np.exp(-0.5 * (_LAGUERRE_NODES / x) ** 2)
        laguerre_sum = np.sum(_LAGUERRE_WEIGHTS * _LAGUERRE_NODES**2 * damping, axis=-1)
        x = x[:, 0]
        log_integral[far] = -0.5 * x * x - _LOG_SQRT_2PI - 3.0 * np.log(x) + np.log(laguerre_sum)
        return np.exp(-log_integral)[()]
