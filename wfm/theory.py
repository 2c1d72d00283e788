r"""Reference results of the statistical physics of learning.

Closed forms and replica-symmetric (RS) predictions against which simulations are checked.
Notation: ``P`` patterns in dimension ``N``, load ``alpha = P / N``, margin ``kappa``,
``Dz = exp(-z**2 / 2) dz / sqrt(2 pi)`` the standard Gaussian measure, ``G`` its density and
``H(x) = erfc(x / sqrt(2)) / 2 = int_x^inf Dz`` its tail. Equations cited in the code:

(1) Cover's counting theorem (Cover 1965)::

        C(P, N) = 2**(1 - P) * sum_{k=0}^{N-1} binom(P - 1, k)

(2) Gardner capacity of the spherical perceptron (Gardner 1988)::

        alpha_c(kappa) = 1 / I(kappa),   I(kappa) = int_{-kappa}^inf Dt (t + kappa)**2

(3) Closed form of that integral, ``Phi`` the standard normal cdf::

        I(kappa) = (1 + kappa**2) Phi(kappa) + kappa G(kappa)

(4) RS free entropy of the binary perceptron (Gardner and Derrida 1988; Krauth and Mezard
    1989), ``u = (kappa - sqrt(q) z) / sqrt(1 - q)``::

        s = extr_{q, qhat} [ -qhat (1 - q) / 2 + int Dz log(2 cosh(sqrt(qhat) z))
                             + alpha int Dz log H(u) ]

(5) Saddle point of (4) in ``qhat``::

        q = int Dz tanh(sqrt(qhat) z)**2,   i.e.   1 - q = int Dz cosh(sqrt(qhat) z)**-2

(6) Saddle point of (4) in ``q``::

        qhat = alpha / (1 - q) * int Dz (G(u) / H(u))**2

References
----------
T. M. Cover, IEEE Trans. Electron. Comput. EC-14, 326 (1965).
E. Gardner, J. Phys. A 21, 257 (1988).
E. Gardner and B. Derrida, J. Phys. A 21, 271 (1988).
W. Krauth and M. Mezard, J. Phys. France 50, 3057 (1989).
"""

import numpy as np
from scipy import optimize, special, stats

__all__ = [
    "binary_entropy",
    "cover_probability",
    "gardner_capacity",
    "krauth_mezard_capacity",
    "rs_entropy_binary_perceptron",
    "rs_saddle_binary_perceptron",
    "teacher_student_binary_perceptron",
    "teacher_student_transitions",
]

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)

# Gaussian averages over functions of u, Eq. (4), use the trapezoidal rule on a uniform grid.
# For integrands analytic in a strip it converges geometrically (like Gauss-Hermite), and its
# uniform resolution also captures the features of width sqrt(1 - q) near z = kappa / sqrt(q)
# that appear as q -> 1, where Gauss-Hermite with a few hundred nodes gives spurious fixed
# points.
_STEP = 0.004
_Z_MAX = 12.0  # Gaussian weight beyond |z| = 12 is below exp(-72)
_Z = np.arange(-_Z_MAX, _Z_MAX + _STEP / 2, _STEP)
_W = _STEP * np.exp(-0.5 * _Z**2 - _LOG_SQRT_2PI)

# Averages of even functions of sqrt(qhat) z, which have a kink (log 2 cosh y = |y| + ...) or
# get narrow as qhat grows, use Gauss-Legendre on the half line z >= 0 instead.
_Y_MAX = 40.0  # cosh(y)**-2 and log(1 + exp(-2 y)) beyond y = 40 are below exp(-79)
_LEGENDRE_NODES, _LEGENDRE_WEIGHTS = np.polynomial.legendre.leggauss(300)

# Below kappa = -3 Eq. (3) loses digits to cancellation; Gauss-Laguerre is used instead.
_KAPPA_FAR = -3.0
_LAGUERRE_NODES, _LAGUERRE_WEIGHTS = np.polynomial.laguerre.laggauss(60)

# The RS fixed point is bracketed along 1 - q = 1, 1/2, 1/4, ..., 2**-30.
_ONE_MINUS_Q_SCAN = 2.0 ** -np.arange(1, 31)


def _integer_array(name, value):
    """Return ``value`` as an integer array with entries >= 1, or raise naming ``name``."""
    array = np.asarray(value)
    if array.dtype.kind not in "iu":
        raise TypeError(
            f"{name} must be an integer or an array of integers, "
            f"got {value!r} of type {type(value).__name__}"
        )
    if np.any(array < 1):
        raise ValueError(f"{name} must be >= 1, got {value!r}")
    return array


def _real_array(name, value):
    """Return ``value`` as a float array without NaN, or raise naming ``name``."""
    array = np.asarray(value)
    if array.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must be a real number or an array of real numbers, "
            f"got {value!r} of type {type(value).__name__}"
        )
    array = array.astype(float)
    if np.any(np.isnan(array)):
        raise ValueError(f"{name} must not be NaN, got {value!r}")
    return array


def _finite_scalar(name, value):
    """Return ``value`` as a finite float, or raise naming ``name``."""
    array = _real_array(name, value)
    if array.ndim != 0:
        raise TypeError(f"{name} must be a scalar, got an array of shape {array.shape}")
    if not np.isfinite(array):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return float(array)


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


def _gaussian_average_even(f, scale):
    """``int Dz f(scale |z|)`` for ``f`` on ``[0, inf)`` decaying like ``exp(-2 y)``.

    Computed as ``2 int_0^b dz G(z) f(scale z)`` by 300-point Gauss-Legendre, with ``b`` where
    either the Gaussian or ``f`` becomes negligible (relative error about 1e-13).
    """
    b = min(_Z_MAX, _Y_MAX / max(scale, 1.0))
    z = 0.5 * b * (_LEGENDRE_NODES + 1.0)
    return b * np.sum(_LEGENDRE_WEIGHTS * np.exp(-0.5 * z * z - _LOG_SQRT_2PI) * f(scale * z))


def _sech2(y):
    return 1.0 / np.cosh(y) ** 2


def _log1p_exp_minus_2y(y):
    return np.log1p(np.exp(-2.0 * y))


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


# ---------------------------------------------------------------------------------------------
# Teacher-student binary perceptron, Bayes-optimal (Gyorgyi 1990; Sompolinsky, Tishby and
# Seung 1990; Barbier, Krzakala, Macris, Miolane and Zdeborova, PNAS 116, 5451 (2019)).
#
# A binary teacher w0 labels P = alpha N patterns, y = sign(w0.x); the student samples the
# posterior (uniform +-1 prior, the teacher's). At the Nishimori point the RS order parameters
# are q = w.w0 / N = w.w' / N and its conjugate qhat, with t = sqrt(q / (1 - q)) and
# Phi = 1 - H the standard normal cdf:
#
# (7) input channel, y0 = qhat w0 + sqrt(qhat) z, m = tanh(y0)::
#
#         q = int Dz tanh(qhat + sqrt(qhat) z)
#
# (8) output channel (sign), g_out = d/domega log Phi(y omega / sqrt(1 - q))::
#
#         qhat = 2 alpha / (1 - q) * int Dxi G(t xi)**2 / Phi(t xi)
#
# (9) free entropy (1/N) E log Z of the posterior normaliser, Z <= 1 the fraction of students
#     consistent with the labels::
#
#         phi = int Dz log cosh(qhat + sqrt(qhat) z) - qhat / 2 - q qhat / 2
#               + 2 alpha int Dxi Phi(t xi) log Phi(t xi)
#
#     so s = phi + log 2 is the entropy of the consistent students; perfect learning
#     (q = 1, one consistent student) has phi = -log 2.
#
# (10) generalization errors for an overlap R with the teacher: eps = arccos(R) / pi. The
#      student sign(m) has R = E[w0 sign(m)] = 1 - 2 H(sqrt(qhat)) by (7); the Gibbs student
#      R = q; the Bayes-optimal estimator eps = arccos(sqrt(q)) / pi.
#
# From q = 0, iterating (7)-(8) (as BP/AMP does from uninformative messages) follows the
# branch of smallest q. It exists up to the spinodal alpha_sp = 1.493; perfect learning is the
# equilibrium above alpha_IT = 1.245 (Gyorgyi's first-order transition), where s of the
# small-q branch crosses zero. Between the two, the small-q branch is metastable.
# ---------------------------------------------------------------------------------------------

_U_STEP = 0.01  # trapezoidal rule on analytic integrands of width ~1: converges geometrically
_U = np.arange(-40.0, 40.0 + _U_STEP / 2, _U_STEP)  # integrands below exp(-800) beyond |u| = 40


def _average_t(f, t):
    """``int Dxi f(t xi)``: on the xi grid for t <= 1, on the u = t xi grid otherwise."""
    if t <= 1.0:
        return np.sum(_W * f(t * _Z))
    return np.sum(_U_STEP * np.exp(-0.5 * (_U / t) ** 2 - _LOG_SQRT_2PI) / t * f(_U))


def _ts_ratio(u):
    """G(u)**2 / Phi(u), in log space (Phi(u) underflows for u < -38)."""
    return np.exp(-u * u - 2.0 * _LOG_SQRT_2PI - special.log_ndtr(u))


def _ts_qhat(q, alpha):
    """Eq. (8)."""
    if q <= 0.0:
        return 2.0 * alpha / np.pi
    return 2.0 * alpha / (1.0 - q) * _average_t(_ts_ratio, np.sqrt(q / (1.0 - q)))


def _ts_q(qhat):
    """Eq. (7)."""
    return float(np.sum(_W * np.tanh(qhat + np.sqrt(qhat) * _Z)))


def _log_cosh(x):
    x = np.abs(x)
    return x + np.log1p(np.exp(-2.0 * x)) - np.log(2.0)


def _ts_free_entropy(q, qhat, alpha):
    """Eq. (9)."""
    t = np.sqrt(q / (1.0 - q))
    log_in = np.sum(_W * _log_cosh(qhat + np.sqrt(qhat) * _Z)) - 0.5 * qhat
    out = _average_t(lambda u: special.ndtr(u) * special.log_ndtr(u), t)
    return float(log_in - 0.5 * q * qhat + 2.0 * alpha * out)


# Fixed points of q -> (7)(8)(q) - q: bracketed on a grid of q (uniform below 0.99, then
# q = 1 - 2**-k); where the mismatch has a positive local minimum on the grid, the minimum is
# located exactly so that two roots closer than the grid step (near the spinodal) are found.
_TS_Q_SCAN = np.unique(np.concatenate([np.linspace(0.0, 0.99, 100), 1.0 - 2.0 ** -np.arange(7, 41)]))


def _ts_small_q_branch(alpha):
    """Smallest fixed point q of Eqs. (7)-(8) above 0, or None when only q = 1 is left."""
    def mismatch(q):
        return _ts_q(_ts_qhat(q, alpha)) - q

    grid = _TS_Q_SCAN  # mismatch(0) = (7) at qhat = 2 alpha / pi > 0
    values = [mismatch(grid[0]), mismatch(grid[1])]
    for i in range(1, len(grid)):
        if values[i] <= 0.0:
            return optimize.brentq(mismatch, grid[i - 1], grid[i], xtol=1e-14)
        if i + 1 < len(grid):
            values.append(mismatch(grid[i + 1]))
            if values[i] < min(values[i - 1], values[i + 1]):
                dip = optimize.minimize_scalar(mismatch, bounds=(grid[i - 1], grid[i + 1]),
                                               method="bounded", options={"xatol": 1e-12})
                if dip.fun <= 0.0:
                    return optimize.brentq(mismatch, grid[i - 1], dip.x, xtol=1e-14)
    return None


def teacher_student_binary_perceptron(alpha, branch="bp"):
    """Bayes-optimal RS prediction for the binary perceptron learning a binary teacher.

    Solves the saddle point Eqs. (7)-(8) above (Gyorgyi 1990) and returns the order
    parameters and generalization errors, Eqs. (9)-(10).

    Parameters
    ----------
    alpha : float
        Load ``P / N``, finite and ``>= 0``.
    branch : {"bp", "equilibrium"}
        "bp": the fixed point reached by iterating from q = 0, as BP/AMP does from
        uninformative messages (small-q branch up to the spinodal ``alpha_sp``, perfect
        learning beyond). "equilibrium": the branch of largest free entropy (perfect learning
        from ``alpha_IT`` on).

    Returns
    -------
    dict
        ``q``, ``qhat`` (``inf`` for perfect learning), ``free_entropy`` (Eq. 9),
        ``entropy`` (``free_entropy + log 2``), ``error`` (generalization error of the
        student sign(m)), ``error_gibbs``, ``error_bayes``, ``perfect`` (bool).

    Examples
    --------
    >>> round(teacher_student_binary_perceptron(1.0)["error"], 4)
    0.1609
    """
    alpha = _finite_scalar("alpha", alpha)
    if alpha < 0.0:
        raise ValueError(f"alpha must be >= 0, got {alpha!r}")
    if branch not in ("bp", "equilibrium"):
        raise ValueError(f"branch must be 'bp' or 'equilibrium', got {branch!r}")
    perfect = {"q": 1.0, "qhat": np.inf, "free_entropy": -np.log(2.0), "entropy": 0.0,
               "error": 0.0, "error_gibbs": 0.0, "error_bayes": 0.0, "perfect": True}
    if alpha == 0.0:
        return {"q": 0.0, "qhat": 0.0, "free_entropy": 0.0, "entropy": float(np.log(2.0)),
                "error": 0.5, "error_gibbs": 0.5, "error_bayes": 0.5, "perfect": False}
    q = _ts_small_q_branch(alpha)
    if q is None:
        return perfect
    qhat = _ts_qhat(q, alpha)
    phi = _ts_free_entropy(q, qhat, alpha)
    if branch == "equilibrium" and phi < -np.log(2.0):
        return perfect
    overlap = 1.0 - 2.0 * special.ndtr(-np.sqrt(qhat))
    return {"q": float(q), "qhat": float(qhat), "free_entropy": phi, "entropy": phi + np.log(2.0),
            "error": float(np.arccos(overlap) / np.pi), "error_gibbs": float(np.arccos(q) / np.pi),
            "error_bayes": float(np.arccos(np.sqrt(q)) / np.pi), "perfect": False}


def teacher_student_transitions():
    """Loads of the two transitions of the Bayes-optimal binary perceptron teacher-student.

    Returns
    -------
    alpha_it : float
        First-order (information-theoretic) transition to perfect learning: the entropy of
        the small-q branch vanishes (Gyorgyi 1990: 1.245).
    alpha_sp : float
        Spinodal: the last load at which the small-q branch exists, where BP/AMP from
        uninformative messages jumps to perfect learning (Barbier et al. 2019: 1.493).
    """
    def entropy(alpha):
        return teacher_student_binary_perceptron(alpha)["entropy"]

    lo, hi = 1.0, 2.0  # the small-q branch exists at 1.0 and not at 2.0
    while hi - lo > 1e-5:
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if _ts_small_q_branch(mid) is not None else (lo, mid)
    alpha_sp = lo
    alpha_it = optimize.brentq(entropy, 1.0, alpha_sp, xtol=1e-8)
    return float(alpha_it), float(alpha_sp)
