"""Bayes-optimal RS theory of the binary perceptron teacher-student problem (wfm.theory)."""
import numpy as np
import pytest
from scipy import integrate, special

from wfm import theory


def gauss(f):
    """int Dz f(z) by adaptive quadrature (independent of the grids used by wfm.theory)."""
    return integrate.quad(lambda z: np.exp(-z * z / 2) / np.sqrt(2 * np.pi) * f(z), -np.inf, np.inf,
                          epsabs=1e-12, epsrel=1e-10, limit=200)[0]


def phi(q, qhat, alpha):
    """Eq. (9) by quadrature."""
    t = np.sqrt(q / (1 - q))
    log_in = gauss(lambda z: np.logaddexp(qhat + np.sqrt(qhat) * z, -qhat - np.sqrt(qhat) * z) - np.log(2))
    out = gauss(lambda x: special.ndtr(t * x) * special.log_ndtr(t * x))
    return log_in - qhat / 2 - q * qhat / 2 + 2 * alpha * out


@pytest.mark.parametrize("alpha", [0.3, 1.0, 1.4])
def test_saddle_point_solves_both_equations(alpha):
    r = theory.teacher_student_binary_perceptron(alpha)
    q, qhat = r["q"], r["qhat"]
    t = np.sqrt(q / (1 - q))
    assert gauss(lambda z: np.tanh(qhat + np.sqrt(qhat) * z)) == pytest.approx(q, abs=1e-8)
    ratio = gauss(lambda x: np.exp(-(t * x) ** 2 - np.log(2 * np.pi) - special.log_ndtr(t * x)))
    assert 2 * alpha / (1 - q) * ratio == pytest.approx(qhat, rel=1e-7)
    assert phi(q, qhat, alpha) == pytest.approx(r["free_entropy"], abs=1e-8)
    # stationary point of the free entropy in both order parameters
    h = 1e-5
    assert (phi(q + h, qhat, alpha) - phi(q - h, qhat, alpha)) / (2 * h) == pytest.approx(0, abs=1e-5)
    assert (phi(q, qhat + h, alpha) - phi(q, qhat - h, alpha)) / (2 * h) == pytest.approx(0, abs=1e-5)


def test_small_load_expansion_and_error_ordering():
    alpha = 1e-3
    r = theory.teacher_student_binary_perceptron(alpha)
    assert r["qhat"] == pytest.approx(2 * alpha / np.pi, rel=1e-2)   # Eq. (8) at q = 0
    assert r["q"] == pytest.approx(r["qhat"], rel=1e-2)              # Eq. (7) at small qhat
    assert r["entropy"] == pytest.approx(np.log(2) * (1 - alpha), abs=1e-5)
    for a in (0.2, 0.8, 1.2):
        r = theory.teacher_student_binary_perceptron(a)
        assert r["error_bayes"] < r["error"] < r["error_gibbs"] < 0.5


def test_transitions_match_the_literature():
    alpha_it, alpha_sp = theory.teacher_student_transitions()
    assert alpha_it == pytest.approx(1.245, abs=2e-3)   # Gyorgyi (1990)
    assert alpha_sp == pytest.approx(1.493, abs=2e-3)   # Barbier et al., PNAS 116, 5451 (2019)


def test_branches():
    bp = theory.teacher_student_binary_perceptron(1.3)
    eq = theory.teacher_student_binary_perceptron(1.3, branch="equilibrium")
    assert not bp["perfect"] and bp["entropy"] < 0 and 0.1 < bp["error"] < 0.3
    assert eq["perfect"] and eq["error"] == 0.0 and eq["free_entropy"] == pytest.approx(-np.log(2))
    assert not theory.teacher_student_binary_perceptron(1.2, branch="equilibrium")["perfect"]
    assert theory.teacher_student_binary_perceptron(1.6)["perfect"]
    zero = theory.teacher_student_binary_perceptron(0.0)
    assert zero["error"] == 0.5 and zero["entropy"] == pytest.approx(np.log(2))


@pytest.mark.parametrize("args, error, match", [
    ((-0.1,), ValueError, "alpha must be >= 0"),
    ((np.inf,), ValueError, "alpha must be finite"),
    (("1",), TypeError, "alpha must be a real number"),
    ((1.0, "gibbs"), ValueError, "branch must be 'bp' or 'equilibrium'"),
])
def test_bad_arguments(args, error, match):
    with pytest.raises(error, match=match):
        theory.teacher_student_binary_perceptron(*args)


def test_amp_inference_follows_the_bp_branch():
    """AMP from uninformative messages at N = 400 against the RS curve (finite-size tolerance 0.03,
    measured deviations 0.01-0.015 at N = 200-800 in data/quick/teacher_student.h5)."""
    import wfm
    from wfm import models, problems

    N = 400
    for alpha, tolerance in ((0.5, 0.03), (1.0, 0.03), (2.0, 1e-9)):
        errors = []
        for seed in range(6):
            problem = problems.teacher_student(N, alpha, test_size=10, seed=seed)
            result = wfm.solve(problem, models.Perceptron(N), "amp", seed=seed)
            errors.append(np.arccos(np.clip(result.extra["overlap"], -1, 1)) / np.pi)
        expected = theory.teacher_student_binary_perceptron(alpha)["error"]
        assert np.mean(errors) == pytest.approx(expected, abs=tolerance), alpha
