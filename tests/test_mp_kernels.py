"""Message-passing kernels against their NumPy twins (tests/naive_mp.py)."""
import math

import numpy as np
import pytest

import naive_mp as naive
from wfm._kernels import gauss, logh_table, tanh_table
from wfm._kernels.amp_committee import amp_committee_step, mixture_ratio
from wfm._kernels.amp_perceptron import amp_step
from wfm._kernels.bp_committee import committee_errors, committee_sweep
from wfm._kernels.bp_perceptron import bp_step, bp_sweep
from wfm._kernels.linalg import count_errors
from wfm.models import Committee, Perceptron
from wfm.problems import storage


def test_logH_matches_log_ndtr_over_the_whole_line():
    x = np.concatenate([np.linspace(-40, 40, 4001), [-1e3, 29.9, 30.0, 30.1, 1e3, 1e6]])
    ours = np.array([gauss.logH(v) for v in x])
    ref = naive.logH(x)
    assert np.all(np.isfinite(ours))
    assert np.allclose(ours, ref, rtol=1e-12, atol=1e-15)


def test_tabulated_logH_error_is_bounded_over_the_whole_line():
    rng = np.random.default_rng(0)
    x = np.concatenate([np.linspace(-50, 80, 200001), rng.uniform(logh_table.X_LO, logh_table.X_HI, 100000),
                        [logh_table.X_LO, logh_table.X_HI, np.nextafter(logh_table.X_HI, 0.0), -1e4, 1e4]])
    ours = np.array([logh_table.logH_table(v, logh_table.TABLE) for v in x])
    ref = naive.logH(x)
    # Hermite bound STEP^4 max|d^4 log H| / 384 < 1e-11 inside the table; exact formulas outside
    assert np.all(np.abs(ours - ref) < 1e-11 + 1e-14 * np.abs(ref))
    assert np.all(np.abs(ours - ref) <= 1e-6 * np.abs(ref) + 1e-300)
    grid = logh_table.X_LO + logh_table.STEP * np.arange(0, 5376, 7)
    nodes = np.array([logh_table.logH_table(v, logh_table.TABLE) for v in grid])
    assert np.allclose(nodes, naive.logH(grid), rtol=1e-13, atol=1e-300)


def test_tabulated_tanh_error_is_bounded_absolutely_and_in_the_tails():
    rng = np.random.default_rng(1)
    x = np.concatenate([np.linspace(-40, 40, 400001), rng.uniform(-tanh_table.X_HI, tanh_table.X_HI, 100000),
                        [0.0, -0.0, tanh_table.X_HI, -tanh_table.X_HI, np.nextafter(tanh_table.X_HI, 0.0), 1e300,
                         -np.inf, np.inf]])
    ours = np.array([tanh_table.tanh_table(v, tanh_table.TABLE) for v in x])
    ref = np.tanh(x)
    # Hermite bound STEP^4 max|d^4 tanh| / 384 < 4e-11; never outside [-1, 1]; odd
    assert np.all(np.abs(ours - ref) < 4e-11)
    assert np.all(np.abs(ours) <= 1.0)
    assert np.array_equal(np.sign(ours), np.sign(ref))
    # in the tails the error is a small fraction of 1 - tanh^2 (the cavity variance of an edge),
    # up to the rounding of values next to +-1 (2 ulp at 1) that exact tanh makes too
    tail = np.abs(x) > 2.0
    assert np.all(np.abs(ours[tail] - ref[tail]) < 1e-9 * (1.0 - ref[tail] ** 2) + 2.3e-16)
    assert np.isnan(tanh_table.tanh_table(np.nan, tanh_table.TABLE))


def test_GH_is_the_inverse_mills_ratio():
    x = np.linspace(-30, 60, 1801)
    ours = np.array([gauss.GH(v) for v in x])
    ref = np.exp(-0.5 * x ** 2 - 0.5 * np.log(2 * np.pi) - naive.logH(x))
    assert np.allclose(ours, ref, rtol=1e-11)


def test_tanh():
    x = np.linspace(-50, 50, 2001)
    assert np.max(np.abs(np.array([gauss.tanh(v) for v in x]) - np.tanh(x))) < 1e-15


@pytest.mark.parametrize("gamma", [0.0, 0.3, 2.0, math.inf])
@pytest.mark.parametrize("y", [1.0, 1.5, 4.0])
def test_focusing_field_matches_textbook_formula(gamma, y):
    for h in np.linspace(-3, 3, 13):
        assert gauss.focusing_field(gamma, y, h) == pytest.approx(naive.focusing_field(gamma, y, h),
                                                                 rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("gamma, y", [(math.inf, 1.0), (1.0, 3.0), (math.inf, 2.5)])
def test_amp_iteration_matches_twin(gamma, y):
    problem = storage(41, 0.6, seed=3)
    rng = np.random.default_rng(1)
    N, P = problem.N, problem.P
    h, g, B = rng.normal(0, 0.5, N), rng.normal(0, 0.3, P), rng.normal(0, 0.5, N)
    expected = naive.amp_iteration(problem.X, problem.y, 0.2, h, g, B, gamma, y, 0.3)
    work = (np.zeros(N), np.zeros(P), np.zeros(N))
    amp_step(problem.X, problem.XT, problem.y, 0.2, h, g, B, *work, gamma, y, 0.3, 0.0, 1)
    for ours, ref in zip((h, g, B), expected):
        assert np.allclose(ours, ref, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("tree", [True, False])
@pytest.mark.parametrize("gamma, y", [(math.inf, 1.0), (1.0, 3.0), (math.inf, 2.5)])
def test_amp_committee_iteration_matches_twin(tree, gamma, y):
    model = Committee(45 if tree else 15, 3 if tree else 5, tree=tree)
    problem = storage(model.N, P=20, seed=5)
    rng = np.random.default_rng(3)
    K, n = model.shape
    P = problem.P
    h, g, B = rng.normal(0, 0.5, (K, n)), rng.normal(0, 0.3, (K, P)), rng.normal(0, 0.5, (K, n))
    expected = naive.amp_committee_iteration(problem.X, problem.y, tree, h, g, B, gamma, y, 0.3)
    work = (np.zeros((K, n)), np.zeros((K, P)), np.zeros((K, P)), np.zeros((K, n))) + tuple(
        np.zeros(K) for _ in range(4))
    amp_committee_step(problem.X, problem.XT, problem.y, tree, h, g, B, *work, gamma, y, 0.3, 0.0, 1)
    for ours, ref in zip((h, g, B), expected):
        assert np.allclose(ours, ref, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("c", [0.0, 1e-300, 1e-3, 0.5, 1e3, 1e300, math.inf])
def test_mixture_ratio_is_the_log_derivative(c):
    z = np.linspace(-40, 60, 1001)
    ours = np.array([mixture_ratio(c, v, np.exp(naive.logH(v))) for v in z])
    log_G = -0.5 * z ** 2 - 0.5 * np.log(2 * np.pi)
    ref = np.exp(log_G) / (c + np.exp(naive.logH(z))) if c > 0 else np.exp(log_G - naive.logH(z))
    assert np.all(np.isfinite(ours))
    assert np.allclose(ours, ref, rtol=1e-11, atol=1e-300)


@pytest.mark.parametrize("sequential", [False, True])
def test_bp_sweep_matches_twin(sequential):
    problem = storage(23, 0.5, seed=4)
    rng = np.random.default_rng(2)
    P, N = problem.X.shape
    u = rng.normal(0, 0.2, (P, N))
    F = rng.normal(0, 0.5, N)
    expected = naive.bp_sweep(problem.X, problem.y, 0.1, u, F, 0.25, sequential)
    H = u.sum(axis=0)
    bp_sweep(problem.X, problem.y, 0.1, u, H, F, np.zeros(N), np.zeros(N), 0.25, sequential, np.arange(P))
    assert np.allclose(u, expected, rtol=1e-9, atol=1e-12)
    assert np.allclose(H, u.sum(axis=0), atol=1e-10)


@pytest.mark.parametrize("sequential", [False, True])
def test_bp_sweep_in_a_permuted_order_matches_twin(sequential):
    problem = storage(23, 0.5, seed=4)
    rng = np.random.default_rng(5)
    P, N = problem.X.shape
    u = rng.normal(0, 0.2, (P, N))
    F = rng.normal(0, 0.5, N)
    order = rng.permutation(P)
    expected = naive.bp_sweep(problem.X, problem.y, 0.1, u, F, 0.0, sequential, order)
    H = u.sum(axis=0)
    bp_sweep(problem.X, problem.y, 0.1, u, H, F, np.zeros(N), np.zeros(N), 0.0, sequential, order)
    assert np.allclose(u, expected, rtol=1e-9, atol=1e-12)
    assert np.allclose(H, u.sum(axis=0), atol=1e-10)
    if sequential:  # the order matters for sequential updates: the identity gives other messages
        identity = naive.bp_sweep(problem.X, problem.y, 0.1, u, F, 0.0, sequential)
        assert not np.allclose(identity, expected, rtol=1e-6, atol=1e-9)


def test_bp_step_uses_orders_row_by_row_cyclically():
    problem = storage(19, 0.6, seed=3)
    rng = np.random.default_rng(6)
    P, N = problem.X.shape
    u = rng.normal(0, 0.3, (P, N))
    orders = np.array([rng.permutation(P) for _ in range(2)])
    gamma, y = 1.5, 2.0
    expected, F = u.copy(), np.zeros(N)
    for t in range(3):
        expected = naive.bp_sweep(problem.X, problem.y, 0.0, expected, F, 0.0, True, orders[t % 2])
        F = naive.focusing_field(gamma, y, expected.sum(axis=0))
    H = u.sum(axis=0)
    work = (np.zeros(N), np.zeros(N), np.zeros(N))
    it, _ = bp_step(problem.X, problem.y, 0.0, u, H, np.zeros(N), *work, gamma, y, 0.0, True, 0.0, 3, orders,
                    problem.XT, np.zeros(N), np.zeros(P), False)
    assert it == 3
    assert np.allclose(u, expected, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("tree", [True, False])
@pytest.mark.parametrize("sequential", [False, True])
def test_committee_sweep_matches_twin(tree, sequential):
    K, N = 3, 15
    n = N // K if tree else N
    problem = storage(N, P=7, seed=5)
    rng = np.random.default_rng(3)
    u = rng.normal(0, 0.4, (problem.P, K, n))
    F = rng.normal(0, 0.5, (K, n))
    expected = naive.committee_sweep(problem.X, problem.y, tree, u, F, 0.1, sequential)
    H = u.sum(axis=0)
    work = tuple(np.zeros((K, n)) for _ in range(2)) + tuple(np.zeros(K) for _ in range(5))
    committee_sweep(problem.X, problem.y, tree, u, H, F, *work, 0.1, sequential)
    assert np.allclose(u, expected, rtol=1e-9, atol=1e-12)
    assert np.allclose(H, u.sum(axis=0), atol=1e-10)


def test_error_counts_match_the_models():
    rng = np.random.default_rng(6)
    for seed in range(5):
        problem = storage(31, 0.8, seed=seed)
        h = rng.normal(size=31)
        w = np.where(h >= 0, 1, -1).astype(np.int8)
        for kappa in (0.0, 0.3):
            ours = count_errors(problem.XT, problem.y, kappa, h, np.zeros(31), np.zeros(problem.P))
            assert ours == Perceptron(31, kappa=kappa).errors(problem, w)
        for tree in (True, False):
            model = Committee(30 if tree else 31, 3, tree=tree)
            sub = storage(model.N, 0.8, seed=seed)
            hk = rng.normal(size=model.shape)
            W = np.where(hk >= 0, 1, -1).astype(np.int8)
            assert committee_errors(sub.X, sub.y, tree, hk) == model.errors(sub, W)


def test_kernels_stay_finite_under_extreme_inputs():
    problem = storage(31, 0.7, seed=7)
    P, N = problem.X.shape
    rng = np.random.default_rng(0)
    for damping in (0.0, 0.99):
        for gamma, y in ((math.inf, 1e300), (math.inf, 1.0), (50.0, 1e6), (0.0, 1e300)):
            u = rng.normal(0, 1e30, (P, N))
            H, F = u.sum(axis=0), np.full(N, 1e30)
            bp_sweep(problem.X, problem.y, 0.0, u, H, F, np.zeros(N), np.zeros(N), damping, True, np.arange(P))
            h, g, B = rng.normal(0, 1e30, N), rng.normal(0, 1e30, P), rng.normal(0, 1e30, N)
            amp_step(problem.X, problem.XT, problem.y, 0.0, h, g, B, np.zeros(N), np.zeros(P), np.zeros(N),
                     gamma, y, damping, 0.0, 5)
            uc = rng.normal(0, 1e30, (P, 3, 10))
            Hc, Fc = uc.sum(axis=0), np.full((3, 10), -1e30)
            work = tuple(np.zeros((3, 10)) for _ in range(2)) + tuple(np.zeros(3) for _ in range(5))
            committee_sweep(problem.X[:, :30], problem.y, True, uc, Hc, Fc, *work, damping, False)
            for array in (u, H, h, g, B, uc, Hc):
                assert np.all(np.isfinite(array))
            assert np.isfinite(gauss.focusing_field(gamma, y, 1e300))


def test_bp_step_stops_at_the_first_sweep_without_training_errors():
    problem = storage(41, 0.3, seed=2)
    P, N = problem.X.shape
    rng = np.random.default_rng(1)
    u0 = rng.normal(0, 0.3, (P, N))
    orders = np.arange(P)[None, :]

    def run(stop, max_iters):
        u, H, F = u0.copy(), u0.sum(axis=0), np.zeros(N)
        work = (np.zeros(N), np.zeros(N), np.zeros(N))
        it, _ = bp_step(problem.X, problem.y, 0.0, u, H, F, *work, math.inf, 2.0, 0.0, True, 0.0, max_iters,
                        orders, problem.XT, np.zeros(N), np.zeros(P), stop)
        return it, u, H + F

    it, u, field = run(True, 50)
    assert it < 50
    assert count_errors(problem.XT, problem.y, 0.0, field, np.zeros(N), np.zeros(P)) == 0
    _, u_same, _ = run(False, it)
    assert np.array_equal(u, u_same)
    if it > 1:
        _, _, before = run(False, it - 1)
        assert count_errors(problem.XT, problem.y, 0.0, before, np.zeros(N), np.zeros(P)) > 0
    assert run(False, 50)[0] == 50
