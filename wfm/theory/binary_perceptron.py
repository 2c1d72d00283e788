r"""Binary perceptron, storage problem: entropy of solutions and capacity (replica symmetric).

Notation as in :mod:`wfm.theory`. Equations cited in the code:

    1989), ``u = (kappa - sqrt(q) z) / sqrt(1 - q)``::

        s = extr_{q, qhat} [ -qhat (1 - q) / 2 + int Dz log(2 cosh(sqrt(qhat) z))
                             + alpha int Dz log H(u) ]

(5) Saddle point of (4) in ``qhat``::

        q = int Dz tanh(sqrt(qhat) z)**2,   i.e.   1 - q = int Dz cosh(sqrt(qhat) z)**-2

(6) Saddle point of (4) in ``q``::

        qhat = alpha / (1 - q) * int Dz (G(u) / H(u))**2

References

References
----------
E. Gardner and B. Derrida, J. Phys. A 21, 271 (1988).
W. Krauth and M. Mezard, J. Phys. France 50, 3057 (1989).
"""

import numpy as np
from scipy import optimize, special

from wfm.theory._common import (
    _LOG_SQRT_2PI,
    _W,
    _Z,
    _finite_scalar,
    _gaussian_average_even,
    _log1p_exp_minus_2y,
    _real_array,
    _sech2,
)
from wfm.theory.spherical import gardner_capacity

# The RS fixed point is bracketed along 1 - q = 1, 1/2, 1/4, ..., 2**-30.
_ONE_MINUS_Q_SCAN = 2.0 ** -np.arange(1, 31)

def binary_entropy(d):
    """Binary entropy in nats, ``H(d) = -d ln d - (1 - d) ln(1 - d)``.

    It is the log-number of binary weight vectors per weight at normalised Hamming distance
    ``d`` from a given one, hence the upper bound on the local entropy.

    Parameters
    ----------
    d : float or array_like of float
        Values in ``[0, 1]``.

    Returns
    -------
    float or ndarray
        ``H(d)`` in ``[0, ln 2]``, shaped like ``d``, with ``H(0) = H(1) = 0``.

    Raises
    ------
    TypeError
        If ``d`` is not real-valued.
    ValueError
        If ``d`` contains NaN or values outside ``[0, 1]``.

    Examples
    --------
    >>> float(binary_entropy(0.5)) == float(np.log(2))
    True
    """
    d = _real_array("d", d)
    if np.any((d < 0.0) | (d > 1.0)):
        raise ValueError(f"d must lie in [0, 1], got {d[()]!r}")
    # special.entr(x) = -x ln x, with entr(0) = 0.
    return (special.entr(d) + special.entr(1.0 - d))[()]


def _u(one_minus_q, kappa):
    """``u = (kappa - sqrt(q) z) / sqrt(1 - q)`` on the quadrature grid, Eq. (4)."""
    return (kappa - np.sqrt(1.0 - one_minus_q) * _Z) / np.sqrt(one_minus_q)


def _conjugate_qhat(one_minus_q, alpha, kappa):
    """``qhat`` from Eq. (6); ``G / H`` as ``exp(log G - log H)`` to stay finite for large ``u``."""
    u = _u(one_minus_q, kappa)
    ratio = np.exp(-0.5 * u * u - _LOG_SQRT_2PI - special.log_ndtr(-u))
    return alpha / one_minus_q * np.sum(_W * ratio**2)


def _rs_free_entropy(one_minus_q, qhat, alpha, kappa):
    """The functional of Eq. (4) at given ``(q, qhat)``."""
    sqrt_qhat = np.sqrt(qhat)
    # log(2 cosh x) = |x| + log(1 + exp(-2|x|)) and int Dz |z| = sqrt(2 / pi).
    log_2cosh = sqrt_qhat * np.sqrt(2.0 / np.pi)
    log_2cosh += _gaussian_average_even(_log1p_exp_minus_2y, sqrt_qhat)
    # log H(u) = log_ndtr(-u), accurate for large u.
    log_h = np.sum(_W * special.log_ndtr(-_u(one_minus_q, kappa)))
    return -0.5 * qhat * one_minus_q + log_2cosh + alpha * log_h


def rs_saddle_binary_perceptron(alpha, kappa=0.0):
    """Replica-symmetric saddle point of the binary perceptron's entropy of solutions.

    Solves Eqs. (5)-(6) for the storage problem: ``w in {-1, +1}^N``, ``P = alpha N``
    random patterns with random labels, constraint ``sigma w.xi / sqrt(N) > kappa``.

    Parameters
    ----------
    alpha : float
        Load ``P / N``, finite and ``>= 0``.
    kappa : float, optional
        Margin, finite. Default 0.

    Returns
    -------
    q : float
        Overlap between two typical solutions, in ``[0, 1)``.
    qhat : float
        Its conjugate, ``>= 0``.
    s : float
        RS entropy per weight in nats, Eq. (4), at the saddle point.

    Raises
    ------
    TypeError
        If ``alpha`` or ``kappa`` is not a real scalar.
    ValueError
        If ``alpha`` is negative or not finite, or ``kappa`` is not finite.
    RuntimeError
        If no saddle point with ``1 - q >= 2**-30`` exists. This happens from (just below)
        ``alpha = 2 * gardner_capacity(kappa) / pi`` (``4 / pi`` at ``kappa = 0``) on, where
        the RS fixed point reaches ``q = 1`` (Gardner and Derrida 1988).

    Notes
    -----
    The unknown is ``1 - q``, obtained directly as ``int Dz cosh(sqrt(qhat) z)**-2`` so that
    no precision is lost as ``q -> 1``. The fixed point of the map ``1 - q -> Eq. (5) of
    Eq. (6)`` is bracketed along ``1 - q = 1, 1/2, 1/4, ...`` (the first sign change is
    the solution with the smallest ``q``, the one reached by iterating from ``q = 0``) and
    refined by Brent's method. Averages over functions of ``u`` use the trapezoidal rule
    with step 0.004 (relative error below 1e-11 for ``1 - q >= 1e-5``), those over
    functions of ``sqrt(qhat) z`` Gauss-Legendre on the half line (about 1e-13). The
    entropy is a sum of terms of order ``1 / (1 - q)`` that cancel, so its absolute error,
    about 1e-13 near the capacity (``q = 0.564`` at ``kappa = 0``), grows like
    ``1 / (1 - q)`` as ``q -> 1``.

    In the large-``N`` limit the result is the same for +-1 and for Gaussian patterns.

    Examples
    --------
    >>> q, qhat, s = rs_saddle_binary_perceptron(0.5)
    >>> round(q, 4), round(s, 4)
    (0.3224, 0.3144)
    """
    alpha = _finite_scalar("alpha", alpha)
    kappa = _finite_scalar("kappa", kappa)
    if alpha < 0.0:
        raise ValueError(f"alpha must be >= 0, got {alpha!r}")
    if alpha == 0.0:
        return 0.0, 0.0, float(np.log(2.0))

    def mismatch(one_minus_q):
        # Eq. (5) evaluated at the qhat of Eq. (6), minus the input.
        qhat = _conjugate_qhat(one_minus_q, alpha, kappa)
        return _gaussian_average_even(_sech2, np.sqrt(qhat)) - one_minus_q

    # mismatch(1) < 0 for alpha > 0: q = 0 is never a fixed point.
    upper = 1.0
    for lower in _ONE_MINUS_Q_SCAN:
        if mismatch(lower) > 0.0:
            break
        upper = lower
    else:
        alpha_q_one = 2.0 * gardner_capacity(kappa) / np.pi
        raise RuntimeError(
            f"no replica-symmetric saddle point with 1 - q >= {_ONE_MINUS_Q_SCAN[-1]:.3g} "
            f"for alpha={alpha!r}, kappa={kappa!r}; the RS fixed point reaches q = 1 at "
            f"alpha = 2 * gardner_capacity(kappa) / pi = {alpha_q_one:.6g}"
        )
    one_minus_q = optimize.brentq(
        mismatch, lower, upper, xtol=1e-15 * lower, rtol=4 * np.finfo(float).eps
    )
    qhat = _conjugate_qhat(one_minus_q, alpha, kappa)
    return 1.0 - one_minus_q, float(qhat), float(_rs_free_entropy(one_minus_q, qhat, alpha, kappa))


def rs_entropy_binary_perceptron(alpha, kappa=0.0):
    """Replica-symmetric entropy per weight of the solutions of the binary perceptron.

    ``s(alpha) = (1/N) ln #{w in {-1, +1}^N : sigma^mu w.xi^mu / sqrt(N) > kappa for all
    mu}`` for ``P = alpha N`` random patterns, in the RS approximation, Eq. (4)
    (Gardner and Derrida 1988; Krauth and Mezard 1989). ``s(0) = ln 2``; ``s`` decreases
    with ``alpha`` and vanishes at :func:`krauth_mezard_capacity`, beyond which it is
    negative and the RS prediction is unphysical.

    Parameters
    ----------
    alpha : float
        Load ``P / N``, finite and ``>= 0``.
    kappa : float, optional
        Margin, finite. Default 0.

    Returns
    -------
    float
        The entropy in nats per weight.

    Raises
    ------
    TypeError, ValueError, RuntimeError
        As :func:`rs_saddle_binary_perceptron`, which does the work.

    Examples
    --------
    >>> round(rs_entropy_binary_perceptron(0.5), 4)
    0.3144
    """
    return rs_saddle_binary_perceptron(alpha, kappa)[2]


def krauth_mezard_capacity(kappa=0.0):
    """Capacity of the binary perceptron: the load where the RS entropy vanishes.

    Krauth and Mezard (1989): ``alpha_c(kappa)`` solves
    ``rs_entropy_binary_perceptron(alpha_c, kappa) = 0``; ``alpha_c(0) = 0.8330``.

    Parameters
    ----------
    kappa : float, optional
        Margin, finite. Default 0.

    Returns
    -------
    float
        The capacity, to an absolute accuracy of about 1e-12.

    Raises
    ------
    TypeError
        If ``kappa`` is not a real scalar.
    ValueError
        If ``kappa`` is not finite.
    RuntimeError
        If the RS entropy does not change sign below the load where its fixed point
        reaches ``q = 1``.

    Notes
    -----
    The root is bracketed in ``[0, 0.999 * 2 * gardner_capacity(kappa) / pi]``: the RS
    entropy decreases without bound as ``alpha`` approaches
    ``2 * gardner_capacity(kappa) / pi`` (``4 / pi`` at ``kappa = 0``), where ``q -> 1``,
    and at the upper end it is already negative (checked for ``-3 <= kappa <= 5``).

    Examples
    --------
    >>> round(krauth_mezard_capacity(), 4)
    0.8331
    """
    kappa = _finite_scalar("kappa", kappa)
    alpha_max = 0.999 * 2.0 * gardner_capacity(kappa) / np.pi
    if rs_entropy_binary_perceptron(alpha_max, kappa) >= 0.0:
        raise RuntimeError(
            f"the RS entropy does not vanish below alpha={alpha_max:.6g} for kappa={kappa!r}"
        )
    return optimize.brentq(rs_entropy_binary_perceptron, 0.0, alpha_max, args=(kappa,), xtol=1e-13)
