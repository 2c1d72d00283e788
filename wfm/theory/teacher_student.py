r"""Teacher-student binary perceptron, Bayes-optimal, replica symmetric.

Notation as in :mod:`wfm.theory`; the equations cited in the code are numbered (7)-(10),
following those of :mod:`wfm.theory.spherical` and :mod:`wfm.theory.binary_perceptron`.
"""

import numpy as np
from scipy import optimize, special

from wfm.theory._common import _LOG_SQRT_2PI, _W, _Z, _finite_scalar

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
    0.2574
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
