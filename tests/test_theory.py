"""Tests for wfm.theory: checked against exact arithmetic and independent quadrature."""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, special

from wfm.theory import (
    binary_entropy,
    cover_probability,
    gardner_capacity,
    krauth_mezard_capacity,
    rs_entropy_binary_perceptron,
    rs_saddle_binary_perceptron,
)


def gaussian_average(f, points=()):
    """int Dz f(z) by adaptive quadrature, split at ``points`` where f changes fast."""
    edges = [-np.inf, *points, np.inf]
    return sum(
        integrate.quad(
            lambda z: np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi) * f(z),
            lo,
            hi,
            epsabs=1e-14,
            epsrel=1e-12,
            limit=500,
        )[0]
        for lo, hi in zip(edges[:-1], edges[1:])
    )


# --- cover_probability ---------------------------------------------------------------


def exact_cover(P, N):
    return Fraction(sum(math.comb(P - 1, k) for k in range(N)), 2 ** (P - 1))


@pytest.mark.parametrize("P, N", [(1, 1), (3, 3), (5, 17), (40, 40)])
def test_cover_is_one_when_points_do_not_exceed_dimension(P, N):
    assert cover_probability(P, N) == 1.0


@pytest.mark.parametrize("N", [1, 2, 7, 50, 1000, 12345])
def test_cover_is_one_half_at_alpha_two(N):
    assert cover_probability(2 * N, N) == pytest.approx(0.5, abs=1e-14)


def test_cover_matches_exact_rational_arithmetic():
    for P in range(1, 200, 7):
        for N in range(1, 200, 11):
            exact = exact_cover(P, N)
            assert cover_probability(P, N) == pytest.approx(float(exact), rel=1e-12), (P, N)


def test_cover_far_tail_for_large_sizes():
    value = cover_probability(5000, 2000)
    assert value == pytest.approx(float(exact_cover(5000, 2000)), rel=1e-12)
    assert 0.0 < value < 1e-40
    assert cover_probability(100_000, 10) == 0.0  # below the smallest double, not NaN


def test_cover_broadcasts_and_accepts_numpy_integers():
    P = np.arange(1, 41)
    values = cover_probability(P, np.int64(10))
    assert values.shape == (40,)
    assert np.all(np.diff(values) <= 0.0)
    assert values[20] == cover_probability(np.int32(21), 10)
    assert cover_probability(np.array([[6], [8]]), np.array([3, 4])).shape == (2, 2)


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 3000), st.integers(1, 3000))
def test_cover_is_a_probability_decreasing_in_P_increasing_in_N(P, N):
    value = cover_probability(P, N)
    assert 0.0 <= value <= 1.0
    assert cover_probability(P + 1, N) <= value <= cover_probability(P, N + 1)


@pytest.mark.parametrize(
    "name, args", [("P", (0, 3)), ("N", (3, 0)), ("P", (-2, 3)), ("N", (3, [1, -1]))]
)
def test_cover_rejects_non_positive_values(name, args):
    with pytest.raises(ValueError, match=f"^{name} must be >= 1"):
        cover_probability(*args)


@pytest.mark.parametrize(
    "name, args", [("P", (3.0, 3)), ("N", (3, 2.5)), ("P", (True, 3)), ("N", (3, "4"))]
)
def test_cover_rejects_non_integers(name, args):
    with pytest.raises(TypeError, match=f"^{name} must be an integer"):
        cover_probability(*args)


# --- gardner_capacity -----------------------------------------------------------------


def test_gardner_capacity_at_zero_margin_is_two():
    assert gardner_capacity(0.0) == pytest.approx(2.0, abs=1e-12)


@pytest.mark.parametrize("kappa", [-2.0, -1.0, -0.5, 0.3, 1.0, 2.0, 3.0])
def test_gardner_capacity_matches_quadrature(kappa):
    def integrand(t):
        return (t + kappa) ** 2 * np.exp(-0.5 * t * t) / np.sqrt(2 * np.pi)

    integral = integrate.quad(integrand, -kappa, np.inf, epsabs=0, epsrel=1e-13)[0]
    assert gardner_capacity(kappa) == pytest.approx(1.0 / integral, rel=1e-11)


@pytest.mark.parametrize("kappa", [-2.9, -3.0, -3.1, -6.0, -20.0])
def test_gardner_capacity_for_very_negative_margin(kappa):
    # With t = s - kappa the integral is G(kappa) int_0^inf s**2 exp(kappa s - s**2 / 2) ds.
    def integrand(s):
        return s * s * np.exp(kappa * s - 0.5 * s * s)

    rest = integrate.quad(integrand, 0, np.inf, epsabs=0, epsrel=1e-13)[0]
    log_integral = -0.5 * kappa**2 - 0.5 * np.log(2 * np.pi) + np.log(rest)
    assert np.log(gardner_capacity(kappa)) == pytest.approx(-log_integral, rel=1e-12)


def test_gardner_capacity_is_decreasing_and_vectorised():
    kappa = np.linspace(-5.0, 5.0, 201)
    alpha = gardner_capacity(kappa)
    assert alpha.shape == kappa.shape
    assert np.all(np.diff(alpha) < 0.0)
    assert gardner_capacity(-50.0) == np.inf
    assert gardner_capacity(1e6) == pytest.approx(1e-12, rel=1e-9)


@pytest.mark.parametrize("kappa", [np.nan, [0.0, np.nan], np.inf])
def test_gardner_capacity_rejects_nan_and_inf(kappa):
    with pytest.raises(ValueError, match="^kappa must"):
        gardner_capacity(kappa)


# --- binary_entropy -------------------------------------------------------------------


def test_binary_entropy_values():
    assert binary_entropy(0.5) == pytest.approx(np.log(2.0), rel=1e-15)
    assert binary_entropy(0.0) == 0.0
    assert binary_entropy(1.0) == 0.0
    assert binary_entropy(0.1) == pytest.approx(-0.1 * np.log(0.1) - 0.9 * np.log(0.9), rel=1e-14)
    np.testing.assert_array_equal(binary_entropy(np.array([0.0, 1.0])), [0.0, 0.0])


@settings(max_examples=100, deadline=None)
@given(st.floats(0.0, 1.0))
def test_binary_entropy_is_symmetric_and_bounded(d):
    value = binary_entropy(d)
    assert 0.0 <= value <= np.log(2.0) + 1e-15
    # e and 1 - e are exactly complementary doubles (Sterbenz), unlike d and 1 - d.
    e = 1.0 - d
    assert binary_entropy(1.0 - e) == pytest.approx(binary_entropy(e), rel=1e-13, abs=1e-300)


@pytest.mark.parametrize("d", [-0.1, 1.0001, np.nan, [0.2, 2.0], np.inf])
def test_binary_entropy_rejects_values_outside_unit_interval(d):
    with pytest.raises(ValueError, match="^d must"):
        binary_entropy(d)


def test_binary_entropy_rejects_non_numbers():
    with pytest.raises(TypeError, match="^d must be a real number"):
        binary_entropy("0.5")


# --- replica-symmetric binary perceptron ----------------------------------------------


def rs_functional(q, qhat, alpha, kappa):
    """Eq. (4) of wfm.theory by adaptive quadrature."""
    sqrt_qhat = np.sqrt(qhat)
    log_2cosh = gaussian_average(
        lambda z: np.logaddexp(sqrt_qhat * z, -sqrt_qhat * z), points=[0.0]
    )
    log_h = gaussian_average(
        lambda z: special.log_ndtr(-(kappa - np.sqrt(q) * z) / np.sqrt(1 - q)),
        points=[kappa / np.sqrt(q)],
    )
    return -0.5 * qhat * (1 - q) + log_2cosh + alpha * log_h


def test_rs_entropy_at_zero_load_is_log_two():
    assert rs_entropy_binary_perceptron(0.0) == pytest.approx(np.log(2.0), rel=1e-15)
    assert rs_saddle_binary_perceptron(0, kappa=1.0) == (0.0, 0.0, pytest.approx(np.log(2.0)))


def test_rs_entropy_decreases_with_load():
    entropies = [rs_entropy_binary_perceptron(alpha) for alpha in np.linspace(0.0, 1.2, 13)]
    assert np.all(np.diff(entropies) < 0.0)


@pytest.mark.parametrize(
    "alpha, kappa", [(0.5, 0.0), (0.833, 0.0), (1.2, 0.0), (0.3, 1.0), (2.0, -0.5)]
)
def test_rs_saddle_solves_both_equations(alpha, kappa):
    q, qhat, s = rs_saddle_binary_perceptron(alpha, kappa)
    assert 0.0 < q < 1.0
    # Eq. (5): q = int Dz tanh^2(sqrt(qhat) z).
    tanh_squared = gaussian_average(lambda z: np.tanh(np.sqrt(qhat) * z) ** 2, points=[0.0])
    assert tanh_squared == pytest.approx(q, rel=1e-10)

    # Eq. (6): qhat = alpha / (1 - q) int Dz (G(u) / H(u))^2.
    def ratio_squared(z):
        u = (kappa - np.sqrt(q) * z) / np.sqrt(1 - q)
        return np.exp(-u * u - np.log(2 * np.pi) - 2 * special.log_ndtr(-u))

    expected_qhat = alpha / (1 - q) * gaussian_average(ratio_squared, points=[kappa / np.sqrt(q)])
    assert qhat == pytest.approx(expected_qhat, rel=1e-10)
    assert s == pytest.approx(rs_functional(q, qhat, alpha, kappa), abs=1e-11)


@pytest.mark.parametrize("alpha, kappa", [(0.5, 0.0), (0.4, 0.5)])
def test_rs_saddle_is_stationary_point_of_free_entropy(alpha, kappa):
    q, qhat, _ = rs_saddle_binary_perceptron(alpha, kappa)
    h = 1e-4
    d_q = rs_functional(q + h, qhat, alpha, kappa) - rs_functional(q - h, qhat, alpha, kappa)
    d_qhat = rs_functional(q, qhat + h, alpha, kappa) - rs_functional(q, qhat - h, alpha, kappa)
    assert abs(d_q) / (2 * h) < 1e-7
    assert abs(d_qhat) / (2 * h) < 1e-7


def test_rs_entropy_reference_values():
    assert rs_entropy_binary_perceptron(0.5) == pytest.approx(0.3143900669, abs=1e-9)
    assert rs_entropy_binary_perceptron(0.7) == pytest.approx(0.1353996687, abs=1e-9)


def test_krauth_mezard_capacity():
    alpha_c = krauth_mezard_capacity(0.0)
    assert alpha_c == pytest.approx(0.833, abs=0.002)
    assert abs(rs_entropy_binary_perceptron(alpha_c)) < 1e-6
    assert krauth_mezard_capacity(0.5) < alpha_c < krauth_mezard_capacity(-0.5)


def test_rs_saddle_near_q_one_and_beyond():
    # The RS fixed point reaches q = 1 at alpha = 2 alpha_G(kappa) / pi = 4 / pi.
    q, _, s = rs_saddle_binary_perceptron(0.999 * 4 / np.pi)
    assert 0.99 < q < 1.0
    assert s < -1.5
    with pytest.raises(RuntimeError, match="no replica-symmetric saddle point"):
        rs_saddle_binary_perceptron(1.01 * 4 / np.pi)


@pytest.mark.parametrize("alpha", [-0.1, np.inf, np.nan])
def test_rs_rejects_bad_alpha(alpha):
    with pytest.raises(ValueError, match="^alpha must"):
        rs_entropy_binary_perceptron(alpha)


def test_rs_rejects_bad_kappa_and_arrays():
    with pytest.raises(ValueError, match="^kappa must"):
        krauth_mezard_capacity(np.nan)
    with pytest.raises(TypeError, match="^alpha must be a scalar"):
        rs_saddle_binary_perceptron([0.5, 0.6])
    with pytest.raises(TypeError, match="^kappa must be a real number"):
        rs_entropy_binary_perceptron(0.5, kappa="0")
