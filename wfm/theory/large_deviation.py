r"""Local entropy of the densest regions of solutions of the binary perceptron: RS large deviation.

Same model and conventions as :mod:`wfm.theory.franz_parisi`. The centre ``w~`` is now chosen to
maximise the local entropy: ``S_LD(d) = lim_{y -> inf} (1 / (N y)) E ln sum_{w~} exp(y N
S(w~, d))``, the large-deviation ("robust ensemble") measure of Baldassi et al., PRL 115,
128101 (2015) and PNAS 113, E7655 (2016), with an unconstrained centre (arXiv:2304.13871 and
the notes of Malatesta, arXiv:2309.09240, give the computation). The equations below are our
own RS derivation at ``y -> inf``, written out in ``docs/science/local-entropy-theory.md``:
with ``n -> 0`` copies of the whole system (centre plus ``y`` satellites), overlaps ``q1 = q0 +
dq / y`` among satellites of one centre and ``q0`` between copies, ``q1hat = q0hat + dqhat /
y``, and ``p`` between a centre and its satellites, conjugate ``phat``:

(15) free entropy::

        S_LD(p) = extr [ -phat p - q0hat (1 - q0) / 2 - (q0hat dq + q0 dqhat) / 2
                         + G_S + alpha G_E ]

(16) entropic term (the centre is the clipped barycentre of its satellites; the integrand is
     even in z, with a kink at z = 0 where the centre flips)::

        G_S = 2 int_0^inf Dz max_{v >= 0} [ -v**2 / 2 + log 2 cosh(X) ],
        X = sqrt(q0hat) z + sqrt(dqhat) v + phat,   at the maximum v = sqrt(dqhat) tanh X

(17) energetic term (strictly concave in v)::

        G_E = int Dz max_v [ -v**2 / 2 + log H(x) ],
        x = (kappa - sqrt(q0) z - sqrt(dq) v) / sqrt(1 - q0),
        at the maximum v = sqrt(dq / (1 - q0)) G(x) / H(x)

(18) saddle point (envelope theorem on the inner maxima), ``< . >_+ = 2 int_0^inf Dz .``::

        p = < tanh X >_+,   q0 = < tanh(X)**2 >_+,   1 - q0 + dq = < z tanh X >_+ / sqrt(q0hat),
        q0hat = alpha / (1 - q0) int Dz (G(x) / H(x))**2,
        dqhat = q0hat + 2 alpha int Dz (G(x) / H(x)) [z / (2 sqrt(q0 (1 - q0))) - x / (2 (1 - q0))]

``dS_LD/dd = 2 phat``: the curve increases while ``phat > 0``; as ``phat -> 0+`` it reaches its
maximum, the Gardner entropy ``s(alpha)``, Eq. (4). Above a load
:func:`dense_region_breakdown` (0.7553 at ``kappa = 0`` with these RS equations), ``phat``
vanishes at small ``d`` first: the curve stops being monotonic, the dense regions break up.
"""

import functools

import numpy as np
from scipy import optimize

from wfm.theory import _continuation, _curves
from wfm.theory._common import (
    _LOG_SQRT_2PI,
    _finite_scalar,
    _g_over_h,
    _gaussian_pieces,
    _legendre,
    _log_2cosh,
    _log_h,
)
from wfm.theory.binary_perceptron import binary_entropy, krauth_mezard_capacity, rs_saddle_binary_perceptron

__all__ = ["dense_region_breakdown", "large_deviation_entropy", "large_deviation_saddle"]

_NAMES = ["phat", "q0", "q0hat", "dq", "dqhat"]

# Eq. (16): Gauss-Legendre on the half line z in [0, 12] (Gauss-Hermite over the kink at z = 0
# errs by about 1e-3). Eq. (17): Gauss-Legendre on [-12, 12] split at z = kappa / sqrt(q0).
_N_HALF, _Z_HALF = 96, 12.0
_N_SPLIT = 64
_NEWTON_INNER = 60  # Newton steps of the inner maxima, monotone from the chosen side
_TOL = 1e-10
_MAX_STEP = 0.02
_D_START = (0.05, 0.02, 0.1, 0.01)
_ALPHA_START = 0.5


@functools.lru_cache(maxsize=1)
def _nodes():
    """Gauss-Legendre nodes and weights of ``2 int_0^Z Dz``, Eq. (16)."""
    x, w = _legendre(_N_HALF)
    z = 0.5 * _Z_HALF * (x + 1.0)
    return z, _Z_HALF * w * np.exp(-0.5 * z * z - _LOG_SQRT_2PI)


def _split_nodes(z_split):
    """Gauss-Legendre nodes and weights of ``int Dz`` on ``[-Z, Z]`` split at ``z_split``.

    The integrand of Eq. (17) changes over a width ``sqrt(1 - q0)`` around ``z = kappa /
    sqrt(q0)`` (where the centre's mean field crosses the margin) as ``dq`` grows at small
    ``d``; Gauss-Hermite needs hundreds of nodes there.
    """
    edges = [-_Z_HALF, z_split, _Z_HALF] if abs(z_split) < _Z_HALF else [-_Z_HALF, _Z_HALF]
    return _gaussian_pieces(edges, _N_SPLIT)


def _entropic(phat, q0hat, dqhat):
    """``(p, q0, < z tanh X >_+, G_S)`` of Eqs. (16) and (18).

    The inner maximum ``v = c tanh(a + c v)`` (``a = sqrt(q0hat) z + phat >= 0``, ``c =
    sqrt(dqhat)``) is the unique root on ``[0, c]`` of a convex increasing-at-the-root function,
    reached monotonically by Newton's method from ``v = c``.
    """
    z, w = _nodes()
    a, c = np.sqrt(q0hat) * z + phat, np.sqrt(dqhat)
    v = np.full_like(z, c)
    for _ in range(_NEWTON_INNER):
        th = np.tanh(a + c * v)
        step = (v - c * th) / (1.0 - c * c * (1.0 - th * th))
        v = v - step
        if np.max(np.abs(step)) <= 1e-13 * max(c, 1.0):
            break
    X = a + c * v
    th = np.tanh(X)
    return (np.sum(w * th), np.sum(w * th * th), np.sum(w * z * th),
            np.sum(w * (_log_2cosh(X) - 0.5 * v * v)))


def _energetic(q0, dq, alpha, kappa):
    """``(q0hat, dqhat, G_E)`` of Eqs. (17)-(18).

    The inner maximum ``v = k G(x) / H(x)`` (``k = sqrt(dq / (1 - q0))``) is the root of a
    concave increasing function, reached monotonically by Newton's method from ``v = 0``.
    """
    z, w = _split_nodes(kappa / np.sqrt(q0))
    r = np.sqrt(1.0 - q0)
    k = np.sqrt(dq) / r
    x0 = (kappa - np.sqrt(q0) * z) / r
    v = np.zeros_like(z)
    for _ in range(_NEWTON_INNER):
        x = x0 - k * v
        g = _g_over_h(x)
        step = (v - k * g) / (1.0 + k * k * g * (g - x))
        v = v - step
        if np.max(np.abs(step)) <= 1e-13 * max(np.max(v), 1.0):
            break
    x = x0 - k * v
    log_h = _log_h(x)
    g = _g_over_h(x, log_h)
    q0hat = alpha / (1.0 - q0) * np.sum(w * g * g)
    dG_dq0 = np.sum(w * g * (z / (2.0 * np.sqrt(q0) * r) - x / (2.0 * (1.0 - q0))))
    return q0hat, q0hat + 2.0 * alpha * dG_dq0, np.sum(w * (log_h - 0.5 * v * v))


def _parameters(x, alpha, kappa):
    """``(phat, q0, dq, q0hat, dqhat, G_E)`` from the unknowns ``x = (phat, q0, log dq)``."""
    phat, q0, log_dq = x
    if not (phat > 0.0 and 0.0 < q0 < 1.0 and abs(log_dq) < 700.0):
        return None
    dq = np.exp(log_dq)
    q0hat, dqhat, G_E = _energetic(q0, dq, alpha, kappa)
    if not (q0hat > 0.0 and dqhat >= 0.0):
        return None
    return phat, q0, dq, q0hat, dqhat, G_E


def _residual(alpha, kappa, x, d):
    """Eq. (18) as ``F(phat, q0, log dq) = 0`` at ``p = 1 - 2 d``; NaN outside the domain.

    ``phat <= 0`` is outside: the p-equation jumps there (``< tanh X >_+`` tends to a positive
    value as ``phat -> 0+``, and is odd in ``phat``), which is the end of the curve.
    """
    parameters = _parameters(x, alpha, kappa)
    if parameters is None:
        return np.full(3, np.nan)
    phat, q0, dq, q0hat, dqhat, _ = parameters
    m, q0_new, z_tanh, _ = _entropic(phat, q0hat, dqhat)
    dq_new = z_tanh / np.sqrt(q0hat) - 1.0 + q0_new
    return np.array([m - (1.0 - 2.0 * d), q0_new - q0, dq_new * np.exp(-x[2]) - 1.0])


def _evaluate(alpha, kappa, x, d):
    """Eq. (15) at a solution and the order parameters."""
    phat, q0, dq, q0hat, dqhat, G_E = _parameters(x, alpha, kappa)
    *_, G_S = _entropic(phat, q0hat, dqhat)
    p = 1.0 - 2.0 * d
    entropy = -phat * p - 0.5 * q0hat * (1.0 - q0) - 0.5 * (q0hat * dq + q0 * dqhat) + G_S + alpha * G_E
    return float(entropy), dict(phat=phat, q0=q0, q0hat=q0hat, dq=dq, dqhat=dqhat), ""


def _newton_start(alpha, kappa, d):
    """Newton's method at ``d`` from ``q0 = p**2``, ``dq = 2``; the solution ``x`` or None."""
    p = 1.0 - 2.0 * d
    q0, dq = p * p, 2.0
    conjugates = _energetic(q0, dq, alpha, kappa)
    try:  # phat from the p-equation at the guessed conjugates
        phat = optimize.brentq(lambda h: _entropic(h, *conjugates[:2])[0] - p, 1e-9, 40.0)
        x, _, _ = _continuation.newton(functools.partial(_residual, alpha, kappa),
                                       np.array([phat, q0, np.log(dq)]), None, d, _TOL)
    except (ValueError, _continuation.Failure):
        return None
    return x


def _start(alpha, kappa):
    """A solution ``(d, x)`` to continue from, or None.

    Newton's method from ``q0 = p**2``, ``dq = 2`` at the first distance of ``_D_START`` where it
    converges; failing that (small loads, where ``q0hat`` is tiny and ``dq`` huge), the same at
    ``alpha = 0.5``, ``d = 0.05``, continued in ``alpha`` at fixed ``d``.
    """
    for d in _D_START:
        x = _newton_start(alpha, kappa, d)
        if x is not None:
            return d, x
    d = _D_START[0]
    x = _newton_start(_ALPHA_START, kappa, d)
    if x is None:
        return None
    (solution,), _, _ = _continuation.follow(
        lambda x, a: _residual(a, kappa, x, d), x, _ALPHA_START, np.array([alpha]),
        tol=_TOL, max_step=0.05)
    return None if solution is None else (d, solution[0])


def _top(alpha, kappa):
    """Distance of the maximum of the curve, where ``phat -> 0+``.

    There the satellites decouple from the centre and become typical solutions: ``q0 -> q``,
    ``dq -> 0``, ``q0hat -> qhat`` (the Gardner saddle, Eqs. (5)-(6)), so that by Eq. (18)
    ``p_top = < tanh(sqrt(qhat) z) >_+ = int Dz |tanh(sqrt(qhat) z)|``: the overlap of a typical
    solution with the clipped barycentre ``sign(m)`` of the solutions, and ``S_LD = s(alpha)``.
    """
    _, qhat, _ = rs_saddle_binary_perceptron(alpha, kappa)
    z, w = _nodes()
    return 0.5 * (1.0 - np.sum(w * np.tanh(np.sqrt(qhat) * z)))


def large_deviation_saddle(alpha, distance, kappa=0.0):
    """Local entropy of the densest regions (RS large deviation, ``y -> inf``), with its saddle.

    Eqs. (15)-(18) above: the largest log-number of solutions per weight at normalised Hamming
    distance ``d`` from any centre (Baldassi et al. 2015).

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
        NaN where there is no solution), the order parameters ``phat``, ``q0``, ``q0hat``,
        ``dq``, ``dqhat`` of Eq. (18), ``residual`` (max abs of Eq. (18)), ``reason`` (empty
        where solved, otherwise why the entropy is NaN).

    Raises
    ------
    TypeError
        If ``alpha`` or ``kappa`` is not a real scalar, or ``distance`` is not real.
    ValueError
        If ``alpha < 0``, ``alpha`` or ``kappa`` is not finite, or a distance lies outside
        ``(0, 1)``.

    Notes
    -----
    The solution is found by Newton's method at ``d = 0.05`` from ``q0 = p**2``, ``dq = 2``,
    then continued down and up in ``d`` (quasi-Newton, steps of at most 0.02, ``max
    |residual| <= 1e-10``) in the unknowns ``(phat, q0, log dq)``. The curve ends where
    ``phat -> 0+``, at ``d_top = (1 - int Dz |tanh(sqrt(qhat) z)|) / 2`` (``qhat`` the Gardner
    conjugate; column ``d_top``), its maximum ``S = s(alpha)``. Beyond ``d_top``, and above the
    load :func:`dense_region_breakdown` wherever ``phat`` would change sign, the entropy is NaN
    with the reason; so may be points within about 0.005 of ``d_top``, where ``dq -> 0`` and the
    continuation stalls. Quadrature: 96 Gauss-Legendre nodes on ``z in [0, 12]`` for Eq. (16), 2 x 64
    Gauss-Legendre nodes split at ``z = kappa / sqrt(q0)`` for Eq. (17).
    """
    alpha, d, kappa, _ = _curves.check_arguments(alpha, distance, kappa)
    if alpha == 0.0:
        return _curves.every_configuration(d, _NAMES)
    try:
        top = _top(alpha, kappa)
    except RuntimeError as error:
        return _curves.unsolvable(d, _NAMES, f"no RS saddle point of the solutions: {error}")
    beyond = d >= top
    start = _start(alpha, kappa) if not np.all(beyond) else None
    if start is None:
        solutions, reasons = [None] * d.size, [f"no solution of Eq. (18) found at d in {_D_START}"
                                               f" (alpha = {alpha:g} above the capacity?)"] * d.size
    else:
        inside = np.flatnonzero(~beyond)
        found, why, (down, _) = _curves.solve_curve(
            functools.partial(_residual, alpha, kappa), start[1], start[0], d[inside],
            tol=_TOL, max_step=_MAX_STEP)
        solutions, reasons = [None] * d.size, [""] * d.size
        for i, solution, reason in zip(inside, found, why):
            solutions[i], reasons[i] = solution, reason
        d_last, x_last = down
        lost = np.flatnonzero((d < d_last) & np.array([s is None for s in solutions]))
        if x_last[0] < 0.05:  # the continuation down in d stopped where phat -> 0+: a fold
            for i in lost:
                reasons[i] = (f"phat -> 0+ below d = {d_last:.4g} (phat = {x_last[0]:.2g}): the "
                              f"curve stops being monotonic, alpha = {alpha:g} is above the "
                              f"breakdown load of the dense regions")
        elif lost.size and _parameters(x_last, alpha, kappa)[3] < 1e-6:
            gap = binary_entropy(d_last) - _evaluate(alpha, kappa, x_last, d_last)[0]
            for i in lost:
                reasons[i] = (f"below d = {d_last:.4g} the saddle point runs off to dq -> inf, "
                              f"q0hat -> 0, where S_LD -> H(d) (H - S_LD = {gap:.2g} at "
                              f"d = {d_last:.4g}) faster than any power of d")
    for i in np.flatnonzero(beyond):
        reasons[i] = (f"beyond the maximum of the curve at d = {top:.6g}, where phat -> 0+ and "
                      f"S_LD reaches the entropy of all solutions s(alpha)")
    return _curves.frame(d, _NAMES, solutions, reasons, functools.partial(_evaluate, alpha, kappa),
                         dict(d_top=top))


def large_deviation_entropy(alpha, distance, kappa=0.0):
    """Local entropy of the densest regions of solutions of the binary perceptron.

    ``S_LD(d)`` in nats per weight, Eqs. (15)-(18); see :func:`large_deviation_saddle` for the
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
    >>> round(float(large_deviation_entropy(0.5, 0.05)), 5)
    0.16477
    """
    alpha, d, kappa, shape = _curves.check_arguments(alpha, distance, kappa)
    return _curves.values(large_deviation_saddle(alpha, d, kappa), shape)


def _monotonic(alpha, kappa, top):
    """Whether ``phat(d) > 0`` on ``(0, top)``: the curve, continued from ``d = 0.05`` down to
    ``d = 0.002`` on a geometric grid of 40 points, never reaches ``phat = 0``, and the parabola
    through the grid minimum of ``phat`` and its neighbours stays positive."""
    start = _start(alpha, kappa)
    if start is None:
        return False
    d = np.geomspace(0.002, min(start[0], 0.9 * top), 40)[::-1]
    solutions, _, _ = _continuation.follow(functools.partial(_residual, alpha, kappa), start[1],
                                           start[0], d, tol=_TOL, max_step=_MAX_STEP)
    if any(solution is None for solution in solutions):
        return False
    phat = np.array([solution[0][0] for solution in solutions])
    i = int(np.clip(np.argmin(phat), 1, phat.size - 2))
    a, b, c = np.polyfit(d[i - 1:i + 2], phat[i - 1:i + 2], 2)
    vertex = c - b * b / (4.0 * a) if a > 0.0 else phat[i]
    return min(vertex, phat.min()) > 0.0


def dense_region_breakdown(kappa=0.0, xtol=1e-4):
    """Load above which the large-deviation local entropy stops being monotonic in ``d``.

    Below it, ``S_LD(d)`` of :func:`large_deviation_entropy` increases from 0 to its maximum
    ``s(alpha)`` (``dS_LD/dd = 2 phat > 0``): the densest regions are dense at every scale.
    Above it, ``phat`` vanishes at a small distance (about 0.02 at ``kappa = 0``) first, the
    curve folds, and the dense regions break up (Baldassi et al., arXiv:2304.13871).

    Parameters
    ----------
    kappa : float, optional
        Margin, finite. Default 0.
    xtol : float, optional
        Absolute tolerance on the load, ``> 0``. Default 1e-4.

    Returns
    -------
    float
        The load ``alpha_U`` (0.7553 at ``kappa = 0``), or NaN if the curve is monotonic up to
        the capacity :func:`wfm.theory.krauth_mezard_capacity`.

    Raises
    ------
    TypeError
        If ``kappa`` or ``xtol`` is not a real scalar.
    ValueError
        If ``kappa`` is not finite or ``xtol <= 0``.

    Notes
    -----
    Bisection on ``alpha`` between half the capacity and the capacity, on whether ``phat(d) >
    0`` along the curve for ``0.002 <= d <= 0.05``; each step solves the curve at 40 points.
    With these RS ``y -> inf`` equations the load is 0.7553; published estimates from
    higher levels of replica-symmetry breaking / lifted random duality theory are 0.77-0.78
    (Stojnic, arXiv:2506.19276 and arXiv:2511.01037).
    """
    kappa = _finite_scalar("kappa", kappa)
    xtol = _finite_scalar("xtol", xtol)
    if xtol <= 0.0:
        raise ValueError(f"xtol must be > 0, got {xtol!r}")
    hi = krauth_mezard_capacity(kappa)
    lo = 0.5 * hi
    if not _monotonic(lo, kappa, _top(lo, kappa)):
        raise RuntimeError(f"the large-deviation curve is not monotonic at alpha = {lo:g}, half "
                           f"the capacity, for kappa = {kappa!r}")
    if _monotonic(hi, kappa, _top(hi, kappa)):
        return np.nan
    while hi - lo > xtol:
        mid = 0.5 * (lo + hi)
        if _monotonic(mid, kappa, _top(mid, kappa)):
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)
