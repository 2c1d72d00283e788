"""Gaussian tail functions and focusing fields in log/field space, for message passing.

H(x) = erfc(x / sqrt(2)) / 2 is the Gaussian tail. The kernels below never form inf - inf or
0 / 0: for large positive x they use the asymptotic (Laplace) expansion
H(x) = G(x) / x * (1 - 1/x^2 + 3/x^4 - 15/x^6 + ...), G the standard normal density
(Abramowitz and Stegun 7.1.23), and for negative x the complement 1 - H(-x) through log1p (relative accuracy where log H ~ 0).
"""
import math

from numba import njit

_SQRT2 = math.sqrt(2.0)
_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_LOG2 = math.log(2.0)
_BIG = 30.0  # above this the asymptotic series is accurate to ~1e-14 (next term 10395/x^12)
# below this H(-x) is 0 in double precision (erfc(z) underflows for z > 27.3, x < -38.6), so
# log H(x) = log1p(-0) = -0: returned without the erfc, the same bits
_UNDERFLOW = -40.0
_FIELD_MAX = 1.0e3  # |field| cap for focusing fields: tanh is exactly +-1 far below it


@njit(cache=True, nogil=True)
def _tail_series(x):
    """1 - 1/x^2 + 3/x^4 - 15/x^6 + 105/x^8 - 945/x^10, the asymptotic factor of x H(x) / G(x)."""
    r = 1.0 / (x * x)
    return 1.0 + r * (-1.0 + r * (3.0 + r * (-15.0 + r * (105.0 - 945.0 * r))))


@njit(cache=True, nogil=True)
def logH(x):
    """log H(x), accurate for every finite x (and -inf..inf limits: 0 and -inf)."""
    if x > _BIG:
        return -0.5 * x * x - math.log(x) - _LOG_SQRT_2PI + math.log(_tail_series(x))
    if x < _UNDERFLOW:
        return -0.0
    if x < 0.0:  # log1p of the complement keeps the relative accuracy where log H ~ -H(-x)
        return math.log1p(-0.5 * math.erfc(-x / _SQRT2))
    return math.log(0.5 * math.erfc(x / _SQRT2))


@njit(cache=True, nogil=True)
def tanh(x):
    """tanh(x) as (1 - e) / (1 + e), e = exp(-2|x|): one exp, absolute error ~1e-16, no overflow."""
    e = math.exp(-2.0 * abs(x))
    t = (1.0 - e) / (1.0 + e)
    return t if x >= 0.0 else -t


@njit(cache=True, nogil=True)
def GH(x):
    """G(x) / H(x) (inverse Mills ratio), finite for every finite x; ~ x for large x."""
    if x > _BIG:
        return x / _tail_series(x)
    return _SQRT_2_OVER_PI * math.exp(-0.5 * x * x) / math.erfc(x / _SQRT2)


@njit(cache=True, nogil=True)
def phi(gamma, x):
    """atanh(tanh(gamma) tanh(x)) for gamma >= 0, written without atanh of a number near 1.

    Uses 2 atanh(tanh(a) tanh(b)) = log cosh(a + b) - log cosh(a - b) and
    |a + b| - |a - b| = 2 sign(b) min(a, |b|) for a >= 0; gamma = inf gives x.
    """
    if gamma == math.inf:
        return x
    ax = abs(x)
    core = min(gamma, ax)
    if x < 0.0:
        core = -core
    corr = 0.5 * (math.log1p(math.exp(-2.0 * abs(gamma + x))) - math.log1p(math.exp(-2.0 * abs(gamma - x))))
    return core + corr


@njit(cache=True, nogil=True)
def focusing_field(gamma, y, h):
    """Field of the focusing message from y - 1 replicas coupled with strength gamma.

    Baldassi et al., PNAS 113, E7655 (2016), focusing BP: with pol = tanh(gamma) and cavity
    field h the message is u = pol tanh((y - 1) atanh(pol tanh h)); its field is
    atanh(u) = phi(gamma, (y - 1) phi(gamma, h)). Capped at +-1e3 (tanh is exactly +-1 there),
    so that y -> inf at gamma = inf gives no inf.
    """
    if y == 1.0:
        return 0.0
    f = phi(gamma, (y - 1.0) * phi(gamma, h))
    if f > _FIELD_MAX:
        return _FIELD_MAX
    if f < -_FIELD_MAX:
        return -_FIELD_MAX
    return f
