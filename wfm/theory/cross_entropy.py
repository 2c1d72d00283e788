r"""Local entropy around minimizers of the cross-entropy loss of the binary perceptron (RS).

Same model and conventions as :mod:`wfm.theory.franz_parisi`. The reference ``w*`` now minimizes
the cross-entropy loss ``L(w) = sum_mu f(lambda_mu(w))`` over ``w in {-1, +1}^N``, with

        f(x) = -x / 2 + log(2 cosh(gamma x)) / (2 gamma) = log(1 + exp(-2 gamma x)) / (2 gamma)

(the loss of Baldassi et al., PNAS 117, 161 (2020); binary weights have a fixed norm, so
``gamma`` plays the role of the inverse norm; ``f -> max(0, -x)`` as ``gamma -> inf``; the loss
acts on the stability without margin, ``kappa`` is the margin of the counted solutions). The
reference is a Gibbs measure ``exp(-beta L)`` at ``beta -> inf`` (``1 - q = chi / beta``,
``qhat = beta**2 r``); the constrained replicas are zero-error configurations at overlap ``p``
with it, ``t = p - tau / beta`` with the other reference replicas. Our own RS derivation (the
Franz-Parisi construction of :mod:`wfm.theory.franz_parisi` with this reference), written out
in ``docs/science/local-entropy-theory.md``:

(19) ground state of the loss, ``lambda*(z)`` the proximal point
     ``argmin_lambda [(lambda - z)**2 / (2 chi) + f(lambda)]``, the root in ``[z, z + chi]`` of
     ``lambda = z + chi / (1 + exp(2 gamma lambda))``::

        alpha int Dz (lambda*(z) - z)**2 = 2 / pi,   sqrt(r) = sqrt(2 / pi) / chi,
        e_GS = alpha int Dz [(lambda* - z)**2 / (2 chi) + f(lambda*)] - 1 / (pi chi)

(20) free entropy, ``Y = A z0 + sqrt(q1hat - A**2) z1 + Rhat``, ``< . > = 2 int_0^inf Dz0 int
     Dz1 .``::

        S_CE(p) = extr [ -Rhat p - sqrt(r) A tau - q1hat (1 - q1) / 2 + < log 2 cosh Y >
                         + alpha G_E ]

(21) energetic term::

        G_E = int Dz0 Dz1 log H((kappa - p z0 - (tau / chi) (lambda*(z0) - z0)
                                 - sqrt(q1 - p**2) z1) / sqrt(1 - q1))

(22) saddle point::

        p = < tanh Y >,   q1 = < tanh(Y)**2 >,   sqrt(r) tau = < z0 tanh Y > - A < 1 - tanh(Y)**2 >,
        A = (alpha / sqrt(r)) dG_E/dtau,   q1hat = -2 alpha dG_E/dq1

As ``gamma -> inf`` at ``alpha < 4 / pi``, ``chi -> inf``: the minimizer of the error-counting
loss is degenerate, which is why a finite ``gamma`` is needed. With ``gamma`` of order 1-5 at
``alpha = 0.5`` the curve lies between :func:`~wfm.theory.franz_parisi_entropy` and
:func:`~wfm.theory.large_deviation_entropy`, close to the latter: the minimizers of the
cross-entropy sit in the dense regions.
"""

import functools

import numpy as np
from scipy import optimize, special

from wfm.theory import _continuation, _curves
from wfm.theory._common import (
    _LOG_SQRT_2PI,
    _finite_scalar,
    _g_over_h,
    _gaussian_pieces,
    _hermite,
    _log_2cosh,
    _log_h,
)

__all__ = ["cross_entropy_minimizer_entropy", "cross_entropy_minimizer_saddle"]

_NAMES = ["Rhat", "A", "tau", "q1", "q1hat"]

# Eq. (19) and the z0 integral of Eq. (21): trapezoidal rule (geometric convergence for smooth
# integrands, and uniform resolution of the transition of width sqrt(1 - q1) where the argument
# of log H crosses 0); z1 by Gauss-Hermite; Eq. (20) rotated to one variable along Y, as in
# :mod:`wfm.theory.franz_parisi`, with the weight of z0 > 0 in closed form.
_Z0_STEP, _Z_MAX = 0.04, 10.0
_N_Z1 = 8
_N_ZETA = 64
_BISECTIONS = 64
_TOL = 1e-10
_MAX_STEP = 0.01
_D_START = (0.05, 0.1, 0.02)


def _loss(x, gamma):
    """``f(x) = log(1 + exp(-2 gamma x)) / (2 gamma)`` without overflow."""
    return np.logaddexp(0.0, -2.0 * gamma * x) / (2.0 * gamma)


def _proximal(z, chi, gamma):
    """``lambda*(z)``, Eq. (19), by bisection on ``[z, z + chi]`` (the root is unique: ``lambda -
    z - chi / (1 + exp(2 gamma lambda))`` increases)."""
    lo, hi = z.copy(), z + chi
    for _ in range(_BISECTIONS):
        mid = 0.5 * (lo + hi)
        above = mid - z - chi * special.expit(-2.0 * gamma * mid) > 0.0
        hi = np.where(above, mid, hi)
        lo = np.where(above, lo, mid)
    return 0.5 * (lo + hi)


@functools.lru_cache(maxsize=1)
def _z0_grid():
    z = np.arange(-_Z_MAX, _Z_MAX + _Z0_STEP / 2, _Z0_STEP)
    return z, _Z0_STEP * np.exp(-0.5 * z * z - _LOG_SQRT_2PI)


@functools.lru_cache(maxsize=16)
def _reference(alpha, gamma, kappa):
    """``chi``, ``r``, ``e_GS``, the training error of the minimizer and ``lambda*(z) - z`` on
    the z0 grid, Eq. (19); None if ``chi`` is not finite (no root below ``1e8``)."""
    z, w = _z0_grid()

    def mismatch(log_chi):
        shift = _proximal(z, np.exp(log_chi), gamma) - z
        return alpha * np.sum(w * shift * shift) - 2.0 / np.pi

    if mismatch(np.log(1e8)) < 0.0:
        return None
    chi = np.exp(optimize.brentq(mismatch, np.log(1e-8), np.log(1e8), xtol=1e-14))
    lam = _proximal(z, chi, gamma)
    shift = lam - z
    energy = alpha * np.sum(w * (shift * shift / (2.0 * chi) + _loss(lam, gamma))) - 1.0 / (np.pi * chi)
    error = np.sum(w * (lam < kappa))
    return chi, 2.0 / (np.pi * chi * chi), energy, error, shift


def _energetic(reference, p, tau, q1, kappa):
    """Eq. (21) and its derivatives in ``tau`` and ``q1`` at fixed ``p``; None if ``q1 >= 1``.

    ``q1 < p**2`` is continued by a zero ``z1`` coefficient; the z1-term of ``dG_E/dq1`` is
    integrated by parts, as in :func:`wfm.theory.franz_parisi._energetic`.
    """
    if not q1 < 1.0:
        return None
    chi, _, _, _, shift = reference
    z0, w0 = _z0_grid()
    z1, w1 = _hermite(_N_Z1)
    r1 = np.sqrt(1.0 - q1)
    c = np.sqrt(max(q1 - p * p, 0.0))
    x = (kappa - p * z0[:, None] - (tau / chi) * shift[:, None] - c * z1) / r1
    w = w0[:, None] * w1
    log_h = _log_h(x)
    g = _g_over_h(x, log_h)
    g_prime = np.sum(w * g * (g - x))
    dG_dtau = np.sum(w * g * shift[:, None]) / (chi * r1)
    dG_dq1 = -np.sum(w * g * x) / (2.0 * (1.0 - q1)) - g_prime / (2.0 * r1 * r1)
    return np.sum(w * log_h), dG_dtau, dG_dq1


def _entropic(Rhat, A, q1hat):
    """``(< tanh Y >, < tanh(Y)**2 >, < z0 tanh Y >, < log 2 cosh Y >)`` of Eqs. (20), (22).

    With ``Y = Rhat + sqrt(q1hat) zeta`` and ``z0 = rho zeta + s eta`` (``rho = A /
    sqrt(q1hat)``, ``s = sqrt(1 - rho**2)``), ``2 E[Theta(z0) | zeta] = 2 Phi(rho zeta / s)`` and
    ``2 E[z0 Theta(z0) | zeta] = 2 [rho zeta Phi(rho zeta / s) + s G(rho zeta / s)]``;
    ``q1hat < A**2`` is continued by ``rho = 1``. The ``zeta`` axis is split at 0, where the
    weights become a step as ``rho -> 1``, and where ``Y = 0``.
    """
    rho = min(A / np.sqrt(q1hat), 1.0)
    s = np.sqrt(max(1.0 - rho * rho, 1e-300))
    c = -Rhat / np.sqrt(q1hat)  # Y = 0; the weights change over a width s / rho around 0
    edges = sorted({-_Z_MAX, 0.0, _Z_MAX, min(max(c, -_Z_MAX), _Z_MAX)})
    zeta, wz = _gaussian_pieces(edges, _N_ZETA)
    u = rho * zeta / s
    weight = 2.0 * special.ndtr(u)
    weight_z0 = 2.0 * (rho * zeta * special.ndtr(u) + s * np.exp(-0.5 * u * u - _LOG_SQRT_2PI))
    Y = Rhat + np.sqrt(q1hat) * zeta
    th = np.tanh(Y)
    return (np.sum(wz * weight * th), np.sum(wz * weight * th * th), np.sum(wz * weight_z0 * th),
            np.sum(wz * weight * _log_2cosh(Y)))


def _conjugates(reference, alpha, kappa, p, tau, q1):
    """``(A, q1hat, G_E)`` from Eq. (22), or None if ``q1 >= 1``."""
    energetic = _energetic(reference, p, tau, q1, kappa)
    if energetic is None:
        return None
    G, dG_dtau, dG_dq1 = energetic
    return alpha / np.sqrt(reference[1]) * dG_dtau, -2.0 * alpha * dG_dq1, G


def _residual(reference, alpha, kappa, x, d):
    """Eq. (22) as ``F(Rhat, tau / chi, q1) = 0`` at ``p = 1 - 2 d``; NaN outside the domain.

    ``tau / chi`` (in ``[0, 1]`` since ``sqrt(r) tau <= < z0 > = sqrt(2 / pi)``) is the unknown
    rather than ``tau``, which grows like ``chi``.
    """
    Rhat, tau, q1 = x[0], x[1] * reference[0], x[2]
    p = 1.0 - 2.0 * d
    conjugates = _conjugates(reference, alpha, kappa, p, tau, q1)
    if conjugates is None or not conjugates[1] > 0.0:
        return np.full(3, np.nan)
    A, q1hat, _ = conjugates
    m, q1_new, z0_tanh, _ = _entropic(Rhat, A, q1hat)
    tau_new = (z0_tanh - A * (1.0 - q1_new)) / np.sqrt(reference[1])
    return np.array([m - p, (tau_new - tau) / reference[0], q1_new - q1])


def _evaluate(reference, alpha, kappa, x, d):
    """Eq. (20) at a solution, the order parameters, and why the solution is rejected if it is."""
    Rhat, tau, q1 = x[0], x[1] * reference[0], x[2]
    p = 1.0 - 2.0 * d
    A, q1hat, G = _conjugates(reference, alpha, kappa, p, tau, q1)
    *_, log_2cosh = _entropic(Rhat, A, q1hat)
    entropy = -Rhat * p - np.sqrt(reference[1]) * A * tau - 0.5 * q1hat * (1.0 - q1) + log_2cosh + alpha * G
    reason = ""
    if q1 < p * p - 1e-9 or q1hat < A * A - 1e-9:
        reason = (f"the solution lies outside the domain of Eqs. (20)-(21): q1 - p**2 = "
                  f"{q1 - p * p:.3g}, q1hat - A**2 = {q1hat - A * A:.3g}")
    return float(entropy), dict(Rhat=Rhat, A=A, tau=tau, q1=q1, q1hat=q1hat), reason


def _start(reference, alpha, kappa):
    """A solution ``(d, x)`` to continue from, or None.

    At the first distance of ``_D_START`` where it converges: Newton's method from ``tau / chi
    = 0.95 p``, ``q1 = p**2 + 0.002`` (the solutions found at alpha = 0.3-0.7, gamma = 0.5-5
    have ``tau / chi`` = 0.84-0.89 and ``q1 - p**2`` about 0.002 at ``d = 0.05``), ``Rhat``
    from the p-equation; failing that, damped fixed-point iteration of Eq. (22) from ``tau =
    0``, ``q1 = (1 + p**2) / 2`` and then Newton's method.
    """
    residual = functools.partial(_residual, reference, alpha, kappa)
    chi = reference[0]

    def solve(d, tau, q1, iterations):
        p = 1.0 - 2.0 * d
        for _ in range(iterations + 1):
            A, q1hat, _ = _conjugates(reference, alpha, kappa, p, tau, q1)
            Rhat = optimize.brentq(lambda h: _entropic(h, A, q1hat)[0] - p, -40.0, 40.0)
            _, q1_new, z0_tanh, _ = _entropic(Rhat, A, q1hat)
            tau_new = (z0_tanh - A * (1.0 - q1_new)) / np.sqrt(reference[1])
            if iterations == 0 or abs(tau_new - tau) / chi + abs(q1_new - q1) < 1e-6:
                break
            tau, q1 = 0.5 * (tau + tau_new), 0.5 * (q1 + q1_new)
        return _continuation.newton(residual, np.array([Rhat, tau / chi, q1]), None, d, _TOL)[0]

    for d in _D_START:
        p = 1.0 - 2.0 * d
        for tau, q1, iterations in ((0.95 * p * chi, p * p + 0.002, 0), (0.0, 0.5 * (1.0 + p * p), 200)):
            try:
                return d, solve(d, tau, q1, iterations)
            except (ValueError, TypeError, ZeroDivisionError, _continuation.Failure):
                continue
    return None


def cross_entropy_minimizer_saddle(alpha, distance, gamma, kappa=0.0):
    """Local entropy around minimizers of the cross-entropy loss, with its saddle point.

    Eqs. (19)-(22) above: the log-number of solutions per weight at normalised Hamming distance
    ``d`` from a (zero-temperature, RS) minimizer of the cross-entropy loss with parameter
    ``gamma``.

    Parameters
    ----------
    alpha : float
        Load ``P / N``, finite and ``>= 0``.
    distance : float or array_like of float
        Normalised Hamming distances ``d = (1 - p) / 2``, in ``(0, 1)``.
    gamma : float
        Parameter of the loss, finite and ``> 0``.
    kappa : float, optional
        Margin of the counted solutions, finite. Default 0.

    Returns
    -------
    pandas.DataFrame
        One row per distance (in the order given): ``distance``, ``entropy`` (nats per weight,
        NaN where there is no solution), the order parameters ``Rhat``, ``A``, ``tau``, ``q1``,
        ``q1hat`` of Eq. (22), ``residual``, ``reason`` (empty where solved, otherwise why the
        entropy is NaN), and the reference's ``chi``, ``r``, ``energy`` (``e_GS`` per weight)
        and ``error`` (fraction of patterns with stability below ``kappa``), Eq. (19).

    Raises
    ------
    TypeError
        If ``alpha``, ``gamma`` or ``kappa`` is not a real scalar, or ``distance`` is not real.
    ValueError
        If ``alpha < 0``, ``gamma <= 0``, a parameter is not finite, or a distance lies outside
        ``(0, 1)``.

    Notes
    -----
    A solution is found at ``d = 0.05`` (or 0.1, 0.02) by damped fixed-point iteration and
    Newton's method, then continued down and up in ``d`` (steps of at most 0.01, ``max
    |residual| <= 1e-10``) in the unknowns ``(Rhat, tau / chi, q1)``. If the minimizer violates a
    fraction of the constraints (``error > 0``, e.g. ``gamma = 1`` at ``alpha = 0.5``) the
    entropy goes to ``-inf`` as ``d -> 0`` and the continuation stops there, leaving NaN with
    the reason. Quadrature: trapezoidal rule with step 0.04 in z0, 8 Gauss-Hermite nodes in
    z1, 64 Gauss-Legendre nodes on each of the three pieces of the ``zeta`` axis for Eq. (20).
    """
    alpha, d, kappa, _ = _curves.check_arguments(alpha, distance, kappa)
    gamma = _finite_scalar("gamma", gamma)
    if gamma <= 0.0:
        raise ValueError(f"gamma must be > 0, got {gamma!r}")
    if alpha == 0.0:
        return _curves.every_configuration(d, _NAMES)
    reference = _reference(alpha, gamma, kappa)
    if reference is None:
        return _curves.unsolvable(d, _NAMES, f"no finite chi in Eq. (19) at gamma = {gamma:g}: the "
                                  "minimizer of the loss is degenerate (zero loss reachable)")
    chi, r, energy, error, _ = reference
    constants = dict(chi=chi, r=r, energy=energy, error=error)
    start = _start(reference, alpha, kappa)
    if start is None:
        return _curves.unsolvable(d, _NAMES, f"no solution of Eq. (22) found at d in {_D_START}",
                                  constants)
    solutions, reasons, ((d_last, _), _) = _curves.solve_curve(
        functools.partial(_residual, reference, alpha, kappa), start[1], start[0], d, tol=_TOL,
        max_step=_MAX_STEP)
    if error > 0.0:
        for i in np.flatnonzero((d < d_last) & np.array([s is None for s in solutions])):
            reasons[i] += (f" (the minimizer violates a fraction {error:.2g} of the constraints, "
                           f"so S_CE -> -inf as d -> 0)")
    return _curves.frame(d, _NAMES, solutions, reasons,
                         functools.partial(_evaluate, reference, alpha, kappa), constants)


def cross_entropy_minimizer_entropy(alpha, distance, gamma, kappa=0.0):
    """Local entropy around minimizers of the cross-entropy loss of the binary perceptron.

    ``S_CE(d)`` in nats per weight, Eqs. (19)-(22); see :func:`cross_entropy_minimizer_saddle`
    for the method, the order parameters and the reason of each NaN.

    Parameters
    ----------
    alpha : float
        Load ``P / N``, finite and ``>= 0``.
    distance : float or array_like of float
        Normalised Hamming distances, in ``(0, 1)``.
    gamma : float
        Parameter of the loss, finite and ``> 0``.
    kappa : float, optional
        Margin of the counted solutions, finite. Default 0.

    Returns
    -------
    float or ndarray
        Shaped like ``distance``; NaN where the saddle point has no solution.
    """
    alpha, d, kappa, shape = _curves.check_arguments(alpha, distance, kappa)
    return _curves.values(cross_entropy_minimizer_saddle(alpha, d, gamma, kappa), shape)
