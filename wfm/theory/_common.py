"""Shared helpers of :mod:`wfm.theory`: argument checks and Gaussian quadrature rules."""

import functools

import numpy as np
from scipy import special

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



def _log_h(x):
    """``log H(x)``, accurate in both tails (``scipy.special.log_ndtr``)."""
    return special.log_ndtr(-x)


def _g_over_h(x, log_h=None):
    """``G(x) / H(x)``, the inverse Mills ratio, in log space (finite for any real ``x``)."""
    if log_h is None:
        log_h = special.log_ndtr(-x)
    return np.exp(-0.5 * x * x - _LOG_SQRT_2PI - log_h)


def _log_2cosh(x):
    """``log(2 cosh x) = |x| + log(1 + exp(-2 |x|))``, without overflow."""
    x = np.abs(x)
    return x + np.log1p(np.exp(-2.0 * x))


@functools.lru_cache(maxsize=None)
def _hermite(n):
    """Gauss-Hermite nodes and weights for ``int Dz f(z)`` (probabilists' weight), cached."""
    z, w = np.polynomial.hermite_e.hermegauss(n)
    return z, w / np.sqrt(2.0 * np.pi)


@functools.lru_cache(maxsize=None)
def _legendre(n):
    """Gauss-Legendre nodes and weights on ``[-1, 1]``, cached (computing them costs about 1 ms)."""
    return np.polynomial.legendre.leggauss(n)


def _gaussian_pieces(edges, n):
    """Nodes and weights of ``int Dz`` on ``[edges[0], edges[-1]]``: ``n``-point Gauss-Legendre
    on each piece between consecutive ``edges`` (split where the integrand changes fast)."""
    x, w = _legendre(n)
    nodes, weights = [], []
    for a, b in zip(edges[:-1], edges[1:]):
        z = a + 0.5 * (b - a) * (x + 1.0)
        nodes.append(z)
        weights.append(0.5 * (b - a) * w * np.exp(-0.5 * z * z - _LOG_SQRT_2PI))
    return np.concatenate(nodes), np.concatenate(weights)
