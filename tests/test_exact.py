"""Tests of wfm.exact (enumeration, separability, maximal margin) and the "exact" algorithm."""
import functools

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.stats import chi2

import naive_exact as naive
import wfm
from wfm import exact, problems, theory
from wfm._kernels import enumeration as kernel
from wfm.models import Committee, Perceptron

# Small cases: (N, P, inputs, seed, model). Sizes cover one block (M <= 10) and several
# (M = 11..14), ties (even N or n with +-1 inputs), kappa of both signs, majority and parity,
# tree and fully connected committees.
CASES = {
    "perc-pm1-N7": (7, 4, "pm1", 1, Perceptron(7)),
    "perc-pm1-N11-kappa": (11, 6, "pm1", 2, Perceptron(11, kappa=0.25)),
    "perc-pm1-N12-ties": (12, 5, "pm1", 3, Perceptron(12)),
    "perc-pm1-N12-negkappa": (12, 8, "pm1", 4, Perceptron(12, kappa=-0.3)),
    "perc-pm1-N13-kappa": (13, 3, "pm1", 12, Perceptron(13, kappa=0.5)),
    "perc-pm1-N5-unsat": (5, 14, "pm1", 5, Perceptron(5)),
    "perc-gauss-N9": (9, 5, "gaussian", 6, Perceptron(9)),
    "perc-gauss-N12-kappa": (12, 4, "gaussian", 7, Perceptron(12, kappa=0.4)),
    "perc-gauss-N10-negkappa": (10, 9, "gaussian", 8, Perceptron(10, kappa=-0.5)),
    "tree-maj-pm1-K3n3": (9, 6, "pm1", 9, Committee(9, 3)),
    "tree-maj-pm1-K3n4-ties": (12, 8, "pm1", 10, Committee(12, 3)),
    "tree-par-pm1-K3n4": (12, 6, "pm1", 11, Committee(12, 3, output="parity")),
    "tree-par-gauss-K3n3": (9, 5, "gaussian", 12, Committee(9, 3, output="parity")),
    "tree-maj-gauss-K3n4": (12, 7, "gaussian", 13, Committee(12, 3)),
    "tree-maj-pm1-K5n2": (10, 4, "pm1", 14, Committee(10, 5)),
    "fc-maj-pm1-K3N3": (3, 4, "pm1", 15, Committee(3, 3, tree=False)),
    "fc-maj-gauss-K3N4": (4, 4, "gaussian", 20, Committee(4, 3, tree=False)),
    "fc-par-gauss-K3N4": (4, 5, "gaussian", 16, Committee(4, 3, tree=False, output="parity")),
}


def case(name):
    N, P, inputs, seed, model = CASES[name]
    return problems.storage(N, P=P, inputs=inputs, seed=seed), model


@functools.cache
def naive_errors(name):
    """Training errors of every configuration by model.errors (cached: the slow part)."""
    return naive.errors_of_all(*case(name))


def naive_solutions(name):
    W, errors = naive_errors(name)
    return W[errors == 0]


def test_cases_include_solvable_and_unsolvable_instances():
    counts = [len(naive_solutions(name)) for name in CASES]
    assert sum(c == 0 for c in counts) >= 1
    assert sum(c >= 3 for c in counts) >= 12


@pytest.mark.parametrize("name", CASES)
def test_count_solutions_matches_naive(name):
    assert exact.count_solutions(*case(name)) == len(naive_solutions(name))


@pytest.mark.parametrize("name", CASES)
def test_count_by_distance_matches_naive(name):
    problem, model = case(name)
    rng = np.random.default_rng(0)
    references = [model.init(rng) for _ in range(2)]
    S = naive_solutions(name)
    for reference in references:
        counts = exact.count_by_distance(problem, model, reference)
        np.testing.assert_array_equal(counts, naive.histogram_by_distance(S, reference))
        assert counts.shape == (model.n_params + 1,)
        assert counts.sum() == len(S)
    for solution in S[:3]:
        counts = exact.count_by_distance(problem, model, solution.reshape(model.shape))
        np.testing.assert_array_equal(counts, naive.histogram_by_distance(S, solution))
        assert counts[0] == 1


@pytest.mark.parametrize("name", CASES)
def test_magnetizations_match_naive(name):
    problem, model = case(name)
    count, m = exact.magnetizations(problem, model)
    S = naive_solutions(name)
    assert count == len(S)
    assert m.shape == model.shape
    if len(S):
        np.testing.assert_allclose(m.ravel(), S.mean(axis=0), rtol=0, atol=1e-12)
    else:
        assert np.all(np.isnan(m))


@pytest.mark.parametrize("name", CASES)
def test_walk_visits_each_solution_once_in_reconstructible_states(name):
    """find_solution's walk state at step t equals the configuration rebuilt from (b, t);
    listing every (b, r) gives exactly the naive solutions, each once."""
    problem, model = case(name)
    setup, out = exact.enumerate_blocks(problem, model)
    work = exact.workspace(setup, problem.P)
    args = (setup["XT"], setup["y"], setup["col"], setup["unit"], setup["rule"], setup["thr"], setup["L"])
    walked = np.empty(setup["M"], dtype=np.int8)
    rebuilt = np.empty(setup["M"], dtype=np.int8)
    found = []
    for b in range(setup["blocks"]):
        for r in range(out["count"][b]):
            t = kernel.find_solution(*args, b, r, work["h"][0], work["vote"][0], walked)
            kernel.gray_configuration(b, t, setup["L"], rebuilt)
            np.testing.assert_array_equal(walked, rebuilt)
            found.append(rebuilt.copy())
        assert kernel.find_solution(*args, b, out["count"][b], work["h"][0], work["vote"][0], walked) == -1
    expected = {tuple(s) for s in naive_solutions(name)}
    assert len(found) == len(expected)
    assert {tuple(s) for s in found} == expected


@pytest.mark.parametrize("name", CASES)
def test_minimum_errors_per_block_match_full_recomputation(name):
    problem, model = case(name)
    setup, out = exact.enumerate_blocks(problem, model)
    w = np.empty(setup["M"], dtype=np.int8)
    for b in range(setup["blocks"]):
        kernel.gray_configuration(b, out["tmin"][b], setup["L"], w)
        assert model.errors(problem, w.reshape(model.shape)) == out["emin"][b]
    assert out["emin"].min() == naive_errors(name)[1].min()


@pytest.mark.parametrize("N, P, inputs, kappa", [(19, 7, "pm1", 0.0), (21, 8, "gaussian", 0.2),
                                                 (19, 6, "gaussian", -0.4)])
def test_long_walks_match_direct_products(N, P, inputs, kappa):
    """2^11 to 2^13 steps per block: the incrementally kept fields do not drift."""
    problem = problems.storage(N, P=P, inputs=inputs, seed=N)
    count = exact.count_solutions(problem, Perceptron(N, kappa=kappa))
    assert count == naive.count_solutions_perceptron(problem, kappa)
    assert count > 0


def test_perceptron_threshold_follows_the_model_for_margins_on_the_grid():
    """With +-1 inputs y w.xi / sqrt(N) is on the grid v / 3 (v odd): a stability equal to kappa fails."""
    N = 9
    problem = problems.storage(N, P=4, seed=3)
    for kappa in (1 / 3, 1.0, -1 / 3, -1.0, 3.0):
        model = Perceptron(N, kappa=kappa)
        assert exact.count_solutions(problem, model) == naive.count_solutions(problem, model)


def test_cover_probability_of_separable():
    """Fraction of separable Gaussian instances vs Cover's theorem (exact at finite N)."""
    N, instances = 20, 100
    for P in (20, 30, 40, 50):
        hits = sum(exact.separable(problems.storage(N, P=P, inputs="gaussian",
                                                    seed=np.random.SeedSequence([N, P, i])))
                   for i in range(instances))
        p = theory.cover_probability(P, N)
        assert abs(hits / instances - p) <= 3 * np.sqrt(p * (1 - p) / instances) + 0.02, (P, hits, p)


def _quenched_entropy(N, P, instances, seed):
    """Mean and standard error of (1/N) ln(count) over instances, and the number with no solution."""
    model = Perceptron(N)
    counts = np.array([exact.count_solutions(problems.storage(N, P=P, seed=np.random.SeedSequence([seed, N, P, i])),
                                             model) for i in range(instances)])
    s = np.log(counts[counts > 0]) / N
    return s.mean(), s.std(ddof=1) / np.sqrt(s.size), int(np.sum(counts == 0))


# Measured (400 instances each, N = 15..21, alpha ~ 0.3 and 0.5; 40 each at N = 23, 25): the
# quenched mean of (1/N) ln(count) minus the RS entropy at alpha = P/N lies within
# [-0.0055, +0.0061], always within two standard errors, and no instance at these loads had
# zero solutions except 1-4 in 400 at N <= 19, alpha ~ 0.5. Tolerance: 3 standard errors plus
# 0.01 for the O(1/N) finite-size bias.
@pytest.mark.parametrize("N, P, instances", [(21, 6, 60), (21, 10, 60)])
def test_quenched_entropy_matches_rs_theory(N, P, instances):
    mean, se, unsolved = _quenched_entropy(N, P, instances, seed=1)
    assert unsolved == 0
    assert abs(mean - theory.rs_entropy_binary_perceptron(P / N)) <= 3 * se + 0.01


@pytest.mark.slow
@pytest.mark.parametrize("N, P, instances", [(25, 8, 80), (25, 12, 80)])
def test_quenched_entropy_matches_rs_theory_at_larger_N(N, P, instances):
    mean, se, unsolved = _quenched_entropy(N, P, instances, seed=2)
    assert unsolved <= 2
    assert abs(mean - theory.rs_entropy_binary_perceptron(P / N)) <= 3 * se + 0.01


def test_max_margin_small_examples():
    kappa, w = exact.max_margin(problems.Problem(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([1, 1])))
    assert kappa == pytest.approx(1 / np.sqrt(2), rel=1e-9)
    np.testing.assert_allclose(w, [1.0, 1.0], rtol=1e-9)
    kappa, w = exact.max_margin(problems.Problem(np.array([[1, 1], [1, -1]], dtype=np.int8), np.array([1, -1])))
    assert kappa == pytest.approx(1.0, rel=1e-9)
    np.testing.assert_allclose(w, [0.0, np.sqrt(2)], atol=1e-9)


# Measured at N = 200 (100 Gaussian instances per load): the mean kappa_max deviates from the
# inverse Gardner capacity by +0.6% +- 1.2% (alpha = 1.0, kappa = 0.4707) and +0.4% +- 1.9%
# (alpha = 1.5, kappa = 0.1861); one instance fluctuates by 12% and 19% (standard deviation).
# Tolerance: 3 standard errors of the mean plus 2% for the finite-size bias.
@pytest.mark.parametrize("alpha", [1.0, 1.5])
def test_max_margin_matches_gardner_capacity(alpha):
    N, instances = 200, 30
    target = brentq(lambda k: theory.gardner_capacity(k) - alpha, 0.0, 5.0)
    kappas = []
    for i in range(instances):
        problem = problems.storage(N, alpha, inputs="gaussian", seed=np.random.SeedSequence([3, i]))
        kappa, w = exact.max_margin(problem)
        assert np.dot(w, w) == pytest.approx(N)
        assert Perceptron(N, "spherical", kappa=kappa * (1 - 1e-9)).errors(problem, w) == 0
        assert Perceptron(N, "spherical", kappa=kappa * (1 + 1e-9)).errors(problem, w) >= 1
        kappas.append(kappa)
    kappas = np.array(kappas)
    se = kappas.std(ddof=1) / np.sqrt(instances)
    assert abs(kappas.mean() - target) <= 3 * se + 0.02 * target


def test_max_margin_is_not_beaten_by_other_separators():
    problem = problems.storage(30, P=40, inputs="gaussian", seed=4)
    kappa, w = exact.max_margin(problem)
    rng = np.random.default_rng(0)
    G = problem.y[:, None] * np.asarray(problem.X, dtype=np.float64)
    for _ in range(200):
        v = w + 0.1 * rng.standard_normal(problem.N)
        assert np.min(G @ v) / np.linalg.norm(v) < kappa


def test_separable_on_tiny_problems():
    assert exact.separable(problems.Problem(np.array([[1, 1], [1, -1]], dtype=np.int8), np.array([1, -1])))
    assert not exact.separable(problems.Problem(np.array([[1, 1], [1, 1]], dtype=np.int8), np.array([1, -1])))
    # XOR in the plane, homogeneous: not separable.
    X = np.array([[1, 1], [-1, -1], [1, -1], [-1, 1]], dtype=np.int8)
    assert not exact.separable(problems.Problem(X, np.array([1, 1, -1, -1])))


def test_max_margin_refuses_non_separable_problems():
    problem = problems.Problem(np.array([[1, 1], [1, 1]], dtype=np.int8), np.array([1, -1]))
    with pytest.raises(ValueError, match="not linearly separable"):
        exact.max_margin(problem)
    with pytest.raises(ValueError, match="not linearly separable"):
        exact.max_margin(problems.storage(40, P=120, inputs="gaussian", seed=1))


def test_bad_arguments():
    small = problems.storage(9, P=3, seed=0)
    with pytest.raises(ValueError, match=r"limited to 30 binary weights, got N = 31"):
        exact.count_solutions(problems.storage(31, P=3, seed=0), Perceptron(31))
    with pytest.raises(ValueError, match=r"N = 33.*33 weights"):
        exact.count_solutions(problems.storage(33, P=3, seed=0), Committee(33, 3))
    with pytest.raises(ValueError, match=r"N = 11.*33 weights"):
        exact.magnetizations(problems.storage(11, P=3, seed=0), Committee(11, 3, tree=False))
    with pytest.raises(ValueError, match="binary weights"):
        exact.count_solutions(small, Perceptron(9, weights="spherical"))
    with pytest.raises(ValueError, match="binary weights"):
        exact.count_solutions(small, Committee(9, 3, weights="continuous"))
    with pytest.raises(ValueError, match="sign committees"):
        exact.count_solutions(small, Committee(9, 3, activation="relu"))
    with pytest.raises(TypeError, match="Perceptron or Committee"):
        exact.count_solutions(small, "perceptron")
    with pytest.raises(ValueError, match="N = 9"):
        exact.count_solutions(small, Perceptron(7))
    with pytest.raises(TypeError, match="problem"):
        exact.count_solutions(small.X, Perceptron(9))
    with pytest.raises(ValueError, match=r"reference must have the weight shape \(9,\)"):
        exact.count_by_distance(small, Perceptron(9), np.ones(8))
    with pytest.raises(ValueError, match=r"reference must have the weight shape \(3, 3\)"):
        exact.count_by_distance(small, Committee(9, 3), np.ones(9))
    with pytest.raises(ValueError, match=r"\+1 and -1"):
        exact.count_by_distance(small, Perceptron(9), np.r_[np.ones(8), 0])
    with pytest.raises(TypeError, match="reference"):
        exact.count_by_distance(small, Perceptron(9), None)
    with pytest.raises(ValueError, match="rtol"):
        exact.max_margin(small, rtol=0.0)
    with pytest.raises(TypeError, match="problem"):
        exact.separable(small.X)


def test_exact_algorithm_is_registered_with_reasons():
    assert "exact" in wfm.algorithms.names()
    problem = problems.storage(9, P=3, seed=0)
    with pytest.raises(ValueError, match="binary weights"):
        wfm.solve(problem, Perceptron(9, weights="spherical"), "exact", seed=0)
    with pytest.raises(ValueError, match="30"):
        wfm.solve(problems.storage(31, P=3, seed=0), Perceptron(31), "exact", seed=0)
    with pytest.raises(ValueError, match="unknown parameter"):
        wfm.solve(problem, Perceptron(9), "exact", seed=0, steps=3)
    assert exact.unsupported(Perceptron(9)) is None


@pytest.mark.parametrize("name", ["perc-pm1-N7", "perc-gauss-N12-kappa", "tree-par-gauss-K3n3",
                                  "fc-maj-gauss-K3N4"])
def test_exact_algorithm_returns_reproducible_uniform_solutions(name):
    problem, model = case(name)
    S = {tuple(s): i for i, s in enumerate(naive_solutions(name))}
    assert len(S) >= 3
    first = wfm.solve(problem, model, "exact", seed=7)
    again = wfm.solve(problem, model, "exact", seed=7)
    np.testing.assert_array_equal(first.w, again.w)
    assert first.solved and first.w.shape == model.shape
    assert first.extra == {"count": len(S)}
    assert first.iterations > 2 ** model.n_params
    draws = 30 * len(S)
    frequency = np.zeros(len(S))
    for seed in range(draws):
        result = wfm.solve(problem, model, "exact", seed=seed)
        frequency[S[tuple(result.w.ravel())]] += 1
    assert np.all(frequency > 0)
    statistic = np.sum((frequency - draws / len(S)) ** 2 / (draws / len(S)))
    assert chi2.sf(statistic, len(S) - 1) > 1e-4


@pytest.mark.parametrize("name", ["perc-pm1-N5-unsat", "tree-maj-pm1-K3n4-ties"])
def test_exact_algorithm_returns_a_minimum_error_configuration_without_solutions(name):
    problem, model = case(name)
    W, errors = naive_errors(name)
    if errors.min() == 0:
        problem = problems.Problem(np.concatenate([problem.X, problem.X]),
                                   np.concatenate([problem.y, -problem.y]))
        W, errors = naive.errors_of_all(problem, model)
    assert errors.min() > 0
    result = wfm.solve(problem, model, "exact", seed=0)
    assert not result.solved
    assert result.errors == errors.min()
    assert result.extra == {"count": 0}
    assert result.iterations == 2 ** model.n_params
