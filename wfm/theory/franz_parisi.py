r"""Local entropy around typical solutions of the binary perceptron: Franz-Parisi potential, RS.

Storage problem with ``w in {-1, +1}^N`` and ``P = alpha N`` random patterns, constraint
``lambda = w.xi / sqrt(N) >= kappa`` (labels absorbed in the patterns). The reference ``w~`` is
drawn uniformly from the solutions; ``S_FP(d) = lim (1/N) E ln #{solutions w at normalised
Hamming distance d from w~}``, in nats per weight, ``p = 1 - 2 d`` the overlap ``w.w~ / N``.
Huang and Kabashima, PRE 90, 052813 (2014), derived it (their "point-like clusters": ``S_FP < 0``
near ``d = 0``); Baldassi et al., PRL 115, 128101 (2015) and the lecture notes of Malatesta,
arXiv:2309.09240, give the replica computation. The equations below are our own RS derivation
in this package's conventions (distance, not overlap; +-1 or Gaussian patterns, which give the
same N -> inf theory; entropy per weight, not per pattern), written out in
``docs/science/local-entropy-theory.md``.

Replicas: ``n -> 0`` copies ``w~^a`` of the reference (their overlap ``q`` and conjugate ``qhat``
are the Gardner saddle point, Eqs. (4)-(6)), ``s -> 0`` constrained copies ``w^c`` at overlap
``p`` with ``w~^1``, overlap ``t`` with the other ``w~^a`` and ``q1`` among themselves,
conjugates ``phat``, ``that``, ``q1hat``. With ``h = phat - that``:

(11) free entropy::

        S_FP(p) = extr [ -phat p + that t - q1hat (1 - q1) / 2 + G_S + alpha G_E ]

(12) entropic term, ``X = (that / sqrt(qhat)) z0 + sqrt(q1hat - that**2 / qhat) z1 + h``::

        G_S = int Dz0 Dz1 (1 + tanh(sqrt(qhat) z0)) log 2 cosh X

(13) energetic term, ``a0 = (kappa - sqrt(q) z0) / sqrt(1 - q)`` (the reference's own
     stability ``sqrt(q) z0 + sqrt(1 - q) u >= kappa``), ``A = t / sqrt(q)``,
     ``B = (p - t) / sqrt(1 - q)``, ``C**2 = q1 - A**2 - B**2 >= 0``::

        G_E = int Dz0 / H(a0) int_{u > a0} Du int Dz1 log H((kappa - A z0 - B u - C z1) / sqrt(1 - q1))

(14) saddle point, ``< . > = int Dz0 Dz1 (1 + tanh(sqrt(qhat) z0)) .``::

        p = < tanh X >,   t = < tanh(sqrt(qhat) z0) tanh X >,   q1 = < tanh(X)**2 >,
        that = -alpha dG_E/dt,   q1hat = -2 alpha dG_E/dq1      (at fixed p)

At ``p = q`` the constrained copies are one more equilibrium replica: ``t = q1 = q``,
``phat = that = q1hat = qhat`` and ``S_FP = s(alpha)``, Eq. (4), the maximum of the curve.
"""

import functools

import numpy as np

from wfm.theory import _curves
from wfm.theory._common import (
    _LOG_SQRT_2PI,
    _g_over_h,
    _gaussian_pieces,
    _hermite,
    _legendre,
    _log_2cosh,
    _log_h,
)
from wfm.theory.binary_perceptron import rs_saddle_binary_perceptron

__all__ = ["franz_parisi_entropy", "franz_parisi_saddle"]

_NAMES = ["phat", "t", "that", "q1", "q1hat"]

# Quadrature of Eq. (13): Gauss-Hermite in z0 and z1, Gauss-Legendre in u on [a0, a0 + L] (the
# truncated Gaussian of the reference's stability; the nodes cluster at u = a0, where the
# integrand varies fastest as q1 -> 1). Against 96 x 64 x 48 nodes the entropy agrees to 1e-11
# for d >= 0.007 and 1e-8 at d = 0.002 at alpha = 0.5; to 1e-9 at d = 0.02 and 1e-5 at d = 0.005
# at alpha = 0.75. Below 1 - q1 = 2e-3 the features of width sqrt(1 - q1) are not resolved, and
# the point is rejected.
_N_Z0, _N_U, _N_Z1 = 32, 40, 6
_MIN_ONE_MINUS_Q1 = 2e-3
# Eq. (12) is rotated to one Gaussian variable zeta along X (Legendre, split where X = 0) and
# one orthogonal eta (Gauss-Hermite) entering only through tanh(sqrt(qhat) z0).
_N_ZETA, _N_ETA = 64, 32
_ZETA_MAX = 9.0  # Gaussian weight beyond 9 is below 1e-18
_TOL = 1e-10
_MAX_STEP = 0.02


@functools.lru_cache(maxsize=16)
def _reference(alpha, kappa):
    """Gardner saddle ``(q, qhat, s)`` and the quadrature of Eq. (13), fixed for a given load."""
    q, qhat, s = rs_saddle_binary_perceptron(alpha, kappa)
    z0, w0 = _hermite(_N_Z0)
    a0 = (kappa - np.sqrt(q) * z0) / np.sqrt(1.0 - q)
    lower = np.maximum(a0, -_ZETA_MAX)
    # Above a0 > 0 the truncated Gaussian decays like exp(-a0 (u - a0)): 30 / a0 is far enough.
    upper = np.where(a0 > 0.0, a0 + np.minimum(_ZETA_MAX, 30.0 / np.maximum(a0, 1e-300)), _ZETA_MAX)
    x, w = _legendre(_N_U)
    half = 0.5 * (upper - lower)[:, None]
    u = lower[:, None] + half * (x + 1.0)
    wu = half * w * np.exp(-0.5 * u * u - _LOG_SQRT_2PI - _log_h(a0)[:, None])  # Du / H(a0)
    z1, w1 = _hermite(_N_Z1)
    nodes = (z0[:, None, None], u[:, :, None], z1[None, None, :])
    weights = (w0[:, None] * wu)[:, :, None] * w1[None, None, :]
    return q, qhat, s, nodes, weights


def _energetic(reference, p, t, q1, kappa):
    """Eq. (13) and its derivatives in ``t`` and ``q1`` at fixed ``p``; None if ``q1 >= 1``.

    ``C**2 < 0`` (no Gaussian z1) is continued by ``C = 0``: with the z1-terms integrated by
    parts below, the residual stays continuous with a continuous derivative across ``C = 0``,
    so that Newton's method may cross it; a solution must have ``C**2 >= 0``. The z1-terms of
    the derivatives are integrated by parts, ``int Dz1 z1 f(C z1) = C int Dz1 f'(C z1)``,
    which removes the ``1 / C`` of ``dC/dt`` and ``dC/dq1`` (``C = 0`` at ``p = q``).
    """
    q, _, _, (z0, u, z1), w = reference
    A, B = t / np.sqrt(q), (p - t) / np.sqrt(1.0 - q)
    C2 = q1 - A * A - B * B
    if not q1 < 1.0:
        return None
    C, r1 = np.sqrt(max(C2, 0.0)), np.sqrt(1.0 - q1)
    x = (kappa - A * z0 - B * u - C * z1) / r1
    log_h = _log_h(x)
    g = _g_over_h(x, log_h)
    g_prime = np.sum(w * g * (g - x))  # < d(G/H)/dx >
    G = np.sum(w * log_h)
    dG_dt = np.sum(w * g * (z0 / np.sqrt(q) - u / np.sqrt(1.0 - q))) / r1
    dG_dt += (t / q - (p - t) / (1.0 - q)) * g_prime / r1**2
    dG_dq1 = -np.sum(w * g * x) / (2.0 * (1.0 - q1)) - g_prime / (2.0 * r1**2)
    return G, dG_dt, dG_dq1


def _entropic(qhat, h, that, q1hat):
    """The averages of Eq. (14) and ``G_S``, Eq. (12), as 1-d integrals over ``zeta``.

    ``X = h + sqrt(q1hat) zeta`` with ``zeta`` standard Gaussian and ``z0 = r zeta +
    sqrt(1 - r**2) eta``, ``r = that / sqrt(qhat q1hat)``; the weight ``1 + tanh(sqrt(qhat) z0)``
    averaged over ``eta`` is smooth in ``zeta``. The ``zeta`` axis is split where ``X = 0``.
    ``q1hat < that**2 / qhat`` (imaginary ``z1`` coefficient) is continued by ``r = 1``; a
    solution must have ``q1hat >= that**2 / qhat``.
    """
    eta, w_eta = _hermite(_N_ETA)
    r = min(that / np.sqrt(qhat * q1hat), 1.0)
    c = -h / np.sqrt(q1hat)
    edges = [-_ZETA_MAX, c, _ZETA_MAX] if abs(c) < _ZETA_MAX else [-_ZETA_MAX, _ZETA_MAX]
    zeta, wz = _gaussian_pieces(edges, _N_ZETA)
    T0 = np.tanh(np.sqrt(qhat) * (r * zeta[:, None] + np.sqrt(max(1.0 - r * r, 0.0)) * eta))
    g1, g2 = T0 @ w_eta, (T0 * T0) @ w_eta
    X = h + np.sqrt(q1hat) * zeta
    tanh_X = np.tanh(X)
    m = wz * (1.0 + g1)
    return (np.sum(m * tanh_X), np.sum(wz * (g1 + g2) * tanh_X), np.sum(m * tanh_X**2),
            np.sum(m * _log_2cosh(X)))


def _conjugates(reference, alpha, kappa, p, t, q1):
    """``(that, q1hat, G_E)`` from Eq. (14), or None if ``q1 >= 1``."""
    energetic = _energetic(reference, p, t, q1, kappa)
    if energetic is None:
        return None
    G, dG_dt, dG_dq1 = energetic
    return -alpha * dG_dt, -2.0 * alpha * dG_dq1, G


def _unknowns(reference, x, d):
    """``(p, h, t, q1)`` from the unknowns ``x = (h, t, C**2)`` of the continuation.

    ``C**2 = q1 - A**2 - B**2`` of Eq. (13) is used instead of ``q1`` because it is 0 at the
    starting point ``p = q`` and must stay ``>= 0``: any step from there keeps ``q1`` feasible.
    """
    h, t, C2 = x
    p = 1.0 - 2.0 * d
    q = reference[0]
    return p, h, t, t * t / q + (p - t) ** 2 / (1.0 - q) + C2


def _residual(reference, alpha, kappa, x, d):
    """Eq. (14) as ``F(h, t, C**2) = 0`` at ``p = 1 - 2 d``; NaN outside the domain."""
    p, h, t, q1 = _unknowns(reference, x, d)
    conjugates = _conjugates(reference, alpha, kappa, p, t, q1)
    if conjugates is None:
        return np.full(3, np.nan)
    that, q1hat, _ = conjugates
    m, t_new, q1_new, _ = _entropic(reference[1], h, that, q1hat)
    return np.array([m - p, t_new - t, q1_new - q1])


def _evaluate(reference, alpha, kappa, x, d):
    """Eq. (11) at a solution, the order parameters, and why the solution is rejected if it is."""
    p, h, t, q1 = _unknowns(reference, x, d)
    that, q1hat, G = _conjugates(reference, alpha, kappa, p, t, q1)
    reason = ""
    if 1.0 - q1 < _MIN_ONE_MINUS_Q1:
        reason = (f"1 - q1 = {1.0 - q1:.2g} < {_MIN_ONE_MINUS_Q1:g}: Eq. (13) is not resolved by "
                  f"the quadrature")
    elif x[2] < -1e-9 or q1hat < that**2 / reference[1] - 1e-9:
        reason = (f"the solution lies outside the domain of Eqs. (12)-(13): C**2 = {x[2]:.3g}, "
                  f"q1hat - that**2 / qhat = {q1hat - that**2 / reference[1]:.3g}")
    *_, log_2cosh = _entropic(reference[1], h, that, q1hat)
    phat = h + that
    entropy = -phat * p + that * t - 0.5 * q1hat * (1.0 - q1) + log_2cosh + alpha * G
    return float(entropy), dict(phat=phat, t=t, that=that, q1=q1, q1hat=q1hat), reason


def franz_parisi_saddle(alpha, distance, kappa=0.0):
    """Franz-Parisi local entropy around typical solutions, with its saddle point.

    Replica-symmetric Franz-Parisi potential of the binary perceptron, Eqs. (11)-(14) above
    (Huang and Kabashima 2014): the log-number of solutions per weight at normalised Hamming
    distance ``d`` from a solution drawn uniformly at random.

    Parameters
    ----------
    alpha : float
        Load ``P / N``, finite and ``>= 0``.
    distance : float or array_like of float
        Normalised Hamming distances ``d = (1 - p) / 2``, in ``(0, 1)``.
    kappa : float, optional
        Margin, finite. Default 0.

    Returns
    -------
    pandas.DataFrame
        One row per distance (in the order given): ``distance``, ``entropy`` (nats per weight,
        NaN where there is no solution), the order parameters ``phat``, ``t``, ``that``,
        ``q1``, ``q1hat`` of Eq. (14), ``residual`` (max abs of Eq. (14) at the returned
        point), ``reason`` (empty where solved, otherwise why the entropy is NaN), and the
        reference's Gardner saddle ``q``, ``qhat``, ``s``.

    Raises
    ------
    TypeError
        If ``alpha`` or ``kappa`` is not a real scalar, or ``distance`` is not real.
    ValueError
        If ``alpha < 0``, ``alpha`` or ``kappa`` is not finite, or a distance lies outside
        ``(0, 1)``.

    Notes
    -----
    The curve is continued from its maximum at the typical distance ``d = (1 - q) / 2``, where
    the solution is known in closed form (``S = s(alpha)``), down to the smallest and up to
    the largest distance asked for, by quasi-Newton continuation in the unknowns
    ``(phat - that, t, q1 - A**2 - B**2)`` with steps of at most 0.02 and ``max |residual| <= 1e-10``.
    Points where the continuation fails are NaN with the reason, and so is every point beyond
    them. The quadrature (32 x 40 x 6 nodes for Eq. (13)) is accurate to about 1e-11 in the
    entropy for ``d >= 0.007`` and 1e-8 at ``d = 0.002`` at ``alpha = 0.5``, 1e-5 at ``d =
    0.005`` at ``alpha = 0.75``; points with ``1 - q1 < 2e-3`` (``d`` of order 0.001 at
    ``alpha = 0.5``, 0.003 at ``alpha = 0.75``, where the RS saddle point jumps to ``q1 -> 1``)
    are NaN with the reason.
    """
    alpha, d, kappa, _ = _curves.check_arguments(alpha, distance, kappa)
    if alpha == 0.0:
        return _curves.every_configuration(d, _NAMES).assign(q=0.0, qhat=0.0, s=np.log(2.0))
    try:
        reference = _reference(alpha, kappa)
    except RuntimeError as error:
        return _curves.unsolvable(d, _NAMES, f"no RS saddle point of the reference: {error}")
    q, qhat, s = reference[:3]
    constants = dict(q=q, qhat=qhat, s=s)
    if s < 0.0:
        return _curves.unsolvable(d, _NAMES, f"alpha = {alpha:g} is above the capacity: the RS "
                                  f"entropy of the solutions is negative, s = {s:.6g}", constants)
    solutions, reasons, _ = _curves.solve_curve(
        functools.partial(_residual, reference, alpha, kappa), np.array([0.0, q, 0.0]),
        0.5 * (1.0 - q), d, tol=_TOL, max_step=_MAX_STEP)
    return _curves.frame(d, _NAMES, solutions, reasons,
                         functools.partial(_evaluate, reference, alpha, kappa), constants)


def franz_parisi_entropy(alpha, distance, kappa=0.0):
    """Franz-Parisi local entropy around typical solutions of the binary perceptron.

    ``S_FP(d)`` in nats per weight, Eqs. (11)-(14); see :func:`franz_parisi_saddle` for the
    method, the order parameters and the reason of each NaN.

    Parameters
    ----------
    alpha : float
        Load ``P / N``, finite and ``>= 0``.
    distance : float or array_like of float
        Normalised Hamming distances, in ``(0, 1)``.
    kappa : float, optional
        Margin, finite. Default 0.

    Returns
    -------
    float or ndarray
        Shaped like ``distance``; NaN where the saddle point has no solution.

    Examples
    --------
    >>> round(float(franz_parisi_entropy(0.5, 0.05)), 5)
    0.08653
    """
    alpha, d, kappa, shape = _curves.check_arguments(alpha, distance, kappa)
    return _curves.values(franz_parisi_saddle(alpha, d, kappa), shape)
