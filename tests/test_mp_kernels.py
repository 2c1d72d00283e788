"""Message-passing kernels against their NumPy twins (tests/naive_mp.py)."""
import itertools
import math

import numpy as np
import pytest

import naive_mp as naive
from wfm._kernels import gauss, logh_table, tanh_table
from wfm._kernels.amp_committee import amp_committee_step, mixture_ratio
from wfm._kernels.amp_perceptron import amp_step, pattern_pass, workspace
from wfm._kernels.bp_committee import committee_errors, committee_sweep
from wfm._kernels.bp_perceptron import bp_step, bp_sweep
from wfm._kernels.linalg import (LANES, ROWS, axpy, chunk_count, count_errors, count_errors_rows, dot_lanes,
                                 matvec, matvec_rows)
from wfm.models import Committee, Perceptron
from wfm.problems import Problem, storage


def test_logH_matches_log_ndtr_over_the_whole_line():
    x = np.concatenate([np.linspace(-40, 40, 4001), [-1e3, 29.9, 30.0, 30.1, 1e3, 1e6]])
    ours = np.array([gauss.logH(v) for v in x])
    ref = naive.logH(x)
    assert np.all(np.isfinite(ours))
    assert np.allclose(ours, ref, rtol=1e-12, atol=1e-15)


def test_logH_shortcut_where_the_complement_underflows_gives_the_bits_of_the_full_formula():
    # below x = -40 logH returns -0 without the erfc of log1p(-H(-x)): the bits of the full
    # formula, whose H(-x) is 0 from x = -38.6 on
    x = np.concatenate([np.linspace(-60.0, -30.0, 30001), [np.nextafter(-40.0, 0.0), -40.0,
                                                           np.nextafter(-40.0, -50.0), -1e6, -1e300]])
    ours = np.array([gauss.logH(v) for v in x])
    full = np.array([math.log1p(-0.5 * math.erfc(-v / math.sqrt(2.0))) for v in x])
    assert np.array_equal(ours.view(np.int64), full.view(np.int64))
    assert np.all(np.signbit(ours)) and not np.any(ours[x < -38.7]) and np.all(ours[x > -38.0] < 0.0)


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


@pytest.mark.parametrize("threads", [False, True])
@pytest.mark.parametrize("N, alpha", [(41, 0.6), (301, 2.0)])
@pytest.mark.parametrize("gamma, y", [(math.inf, 1.0), (1.0, 3.0), (math.inf, 2.5)])
def test_amp_iteration_matches_twin(gamma, y, N, alpha, threads):
    problem = storage(N, alpha, seed=3)
    rng = np.random.default_rng(1)
    N, P = problem.N, problem.P
    h, g, B = rng.normal(0, 0.5, N), rng.normal(0, 0.3, P), rng.normal(0, 0.5, N)
    expected = naive.amp_iteration(problem.X, problem.y, 0.2, h, g, B, gamma, y, 0.3)
    amp_step(problem.X, problem.y, 0.2, h, g, B, *workspace(N, P), gamma, y, 0.3, 0.0, 1, threads)
    for ours, ref in zip((h, g, B), expected):
        assert np.allclose(ours, ref, rtol=1e-9, atol=1e-12)


def _pm1(rng, P, N, layout):
    """A +-1 int8 matrix (P, N): C-contiguous, Fortran-ordered or a strided view."""
    if layout == "strided":
        return (2 * rng.integers(0, 2, size=(2 * P, 3 * N), dtype=np.int8) - 1)[::2, 1::3]
    X = 2 * rng.integers(0, 2, size=(P, N), dtype=np.int8) - 1
    return np.asfortranarray(X) if layout == "fortran" else X


@pytest.mark.parametrize("layout", ["C", "fortran", "strided"])
def test_int8_products_equal_float64_products_exactly(layout):
    # integer-valued vectors: every partial sum is an exact float64 integer, whatever the order
    rng = np.random.default_rng(11)
    shapes = [(1, 1), (2, 31), (3, LANES), (5, LANES + 1), (300, 97), (700, 1001)] + [
        tuple(rng.integers(1, 400, size=2)) for _ in range(6)]
    for P, N in shapes:
        X = _pm1(rng, P, N, layout)
        Xf = X.astype(np.float64)
        v = rng.integers(-1000, 1000, size=2 * N).astype(np.float64)[::2]  # non-contiguous too
        u = rng.integers(-1000, 1000, size=P).astype(np.float64)
        chunks = chunk_count(P)
        for threads in (False, True):
            out = np.full(P, np.nan)
            matvec(X, v, out, np.zeros((chunks, LANES)), threads)
            assert np.array_equal(out, Xf @ v)
        assert all(dot_lanes(X[mu], v, np.zeros(LANES)) == Xf[mu] @ v for mu in range(P))
        total = np.zeros(N)
        for mu in range(P):
            axpy(total, u[mu], X[mu])
        assert np.array_equal(total, u @ Xf)


@pytest.mark.parametrize("P, N", [(3, 7), (300, 65), (1100, 301)])
def test_pattern_pass_gives_the_same_bits_for_int8_float_patterns_and_threads(P, N):
    rng = np.random.default_rng(P)
    X = _pm1(rng, P, N, "C")
    sigma = np.where(rng.random(P) < 0.5, 1, -1).astype(np.int8)
    m, g0 = np.tanh(rng.normal(0, 1, N)), rng.normal(0, 0.3, P)
    outputs = []
    for patterns in (X, X.astype(np.float64), X.astype(np.float32)):
        for threads in (False, True):
            _, parts, A_parts, acc = workspace(N, P)
            g = g0.copy()
            pattern_pass(patterns, sigma, 0.1, m, 0.4, g, parts, A_parts, acc, threads)
            outputs.append((g, parts.sum(axis=0), A_parts))
    for other in outputs[1:]:
        for ours, ref in zip(other, outputs[0]):
            assert np.array_equal(ours, ref)


def test_blocked_pattern_pass_and_products_follow_the_row_by_row_order_bit_for_bit():
    # the kernels take linalg.ROWS rows at a time: on odd shapes (P not a multiple of ROWS, P < ROWS,
    # chunks not aligned to blocks, N not a multiple of LANES, N < LANES, blocks not a multiple of
    # UNROLL) and layouts, every bit must be that of the documented row-by-row order (the twin)
    rng = np.random.default_rng(21)
    shapes = [(1, 5), (3, 31), (ROWS, LANES), (5, 33), (7, 4 * LANES), (13, 5 * LANES + 7), (29, 9 * LANES - 1),
              (530, 101), (1031, 45)] + [(int(rng.integers(1, 90)), int(rng.integers(1, 700))) for _ in range(4)]
    for (P, N), layout in zip(shapes, itertools.cycle(["C", "strided", "fortran"])):
        X = _pm1(rng, P, N, layout)
        sigma = np.where(rng.random(P) < 0.5, 1, -1).astype(np.int8)
        m, g0 = np.tanh(rng.normal(0, 1, N)), rng.normal(0, 0.3, P)
        chunks = chunk_count(P)
        gaussian = rng.normal(size=(P, 2 * N))[:, ::2]  # real-valued patterns, not contiguous
        for patterns in (X, X.astype(np.float64), gaussian, gaussian.astype(np.float32)):
            expected = naive.pattern_pass(patterns, sigma, 0.1, m, 0.4, g0, chunks, gauss.GH)
            for threads in (False, True):
                _, parts, A_parts, acc = workspace(N, P)
                g = g0.copy()
                pattern_pass(patterns, sigma, 0.1, m, 0.4, g, parts, A_parts, acc, threads)
                for ours, ref in zip((g, parts, A_parts), expected):
                    assert np.array_equal(ours, ref), (P, N, layout, patterns.dtype, threads)
                out = np.full(P, np.nan)
                matvec(patterns, m, out, np.zeros((chunks, LANES)), threads)
                assert np.array_equal(out, [naive.dot_lanes(row, m) for row in patterns])
            out = np.full(N, np.nan)
            matvec_rows(patterns, g0, out)
            assert np.array_equal(out, naive.matvec_rows(patterns, g0))


@pytest.mark.parametrize("threads", [False, True])
def test_famp_on_int8_and_float64_patterns_follows_the_same_trajectory(threads):
    problem = storage(201, 0.6, seed=8)
    floats = Problem(problem.X.astype(np.float64), problem.y)
    assert floats.X.dtype == np.float64
    N, P = problem.N, problem.P
    runs = []
    for patterns in (problem.X, floats.X):
        h, g, B = np.random.default_rng(0).normal(0, 0.1, N), np.zeros(P), np.zeros(N)
        work, trajectory = workspace(N, P), []
        for k in range(40):
            amp_step(patterns, problem.y, 0.0, h, g, B, *work, math.inf, 1.0 / (1.0 - 0.02 * k), 0.8, 1e-3, 5,
                     threads)
            errors = count_errors_rows(patterns, problem.y, 0.0, h, np.zeros(N), np.zeros(P), work[3], threads)
            trajectory.append((h.copy(), errors))
        runs.append(trajectory)
    assert runs[0][-1][1] < runs[0][0][1]  # the trajectory goes somewhere
    for (h_int8, e_int8), (h_float, e_float) in zip(*runs):
        assert e_int8 == e_float and np.array_equal(h_int8, h_float)


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
            acc = np.zeros((chunk_count(problem.P), LANES))
            for threads in (False, True):
                rows = count_errors_rows(problem.X, problem.y, kappa, h, np.zeros(31), np.zeros(problem.P), acc,
                                         threads)
                assert rows == ours
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
            amp_step(problem.X, problem.y, 0.0, h, g, B, *workspace(N, P), gamma, y, damping, 0.0, 5)
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
