"""The "perceptron" algorithm: kernels against NumPy twins, solutions, determinism."""
import numpy as np
import pytest

import wfm
from wfm import algorithms, models, problems
from wfm._kernels.perceptron_rule import clipped_epoch, rosenblatt_epoch


def naive_clipped_epoch(X, y, h, order, kappa):
    """NumPy twin of clipped_epoch: returns (h, w, updates)."""
    h = h.copy()
    updates = 0
    for mu in order:
        w = np.where(h > 0, 1, -1)
        if y[mu] * (w @ X[mu]) / np.sqrt(X.shape[1]) <= kappa:
            h += 2 * y[mu] * X[mu]
            updates += 1
    return h, np.where(h > 0, 1, -1), updates


def naive_rosenblatt_epoch(X, y, w, order, kappa):
    """NumPy twin of rosenblatt_epoch: returns (w, updates)."""
    w = w.copy()
    updates = 0
    for mu in order:
        if y[mu] * (w @ X[mu]) / np.linalg.norm(w) <= kappa:
            w += y[mu] * X[mu] / np.sqrt(X.shape[1])
            updates += 1
    return w, updates


@pytest.mark.parametrize("seed", range(4))
def test_clipped_epoch_matches_numpy(seed):
    rng = np.random.default_rng(seed)
    problem = problems.storage(31, 0.8, seed=seed)
    w = models.Perceptron(31).init(rng)
    h = w.astype(np.float64)
    order = rng.permutation(problem.P)
    kappa = 0.1 * seed
    h_ref, w_ref, updates_ref = naive_clipped_epoch(problem.X.astype(float), problem.y.astype(float), h, order, kappa)
    updates = clipped_epoch(problem.X, problem.y.astype(np.float64), h, w, order, kappa)
    assert updates == updates_ref > 0
    np.testing.assert_array_equal(h, h_ref)
    np.testing.assert_array_equal(w, w_ref)


@pytest.mark.parametrize("seed", range(4))
def test_rosenblatt_epoch_matches_numpy(seed):
    rng = np.random.default_rng(seed)
    problem = problems.storage(23, 1.5, inputs="gaussian", seed=seed)
    X = problem.X.astype(np.float64)
    w = models.Perceptron(23, weights="spherical").init(rng)
    order = rng.permutation(problem.P)
    w_ref, updates_ref = naive_rosenblatt_epoch(X, problem.y.astype(float), w, order, -0.2 + 0.2 * seed)
    updates = rosenblatt_epoch(X, problem.y.astype(np.float64), w, order, -0.2 + 0.2 * seed)
    assert updates == updates_ref > 0
    np.testing.assert_allclose(w, w_ref, rtol=1e-12)


def test_registered_and_solves_easy_instances():
    assert "perceptron" in algorithms.names()
    for weights, inputs, alpha in (("binary", "pm1", 0.3), ("spherical", "gaussian", 1.0)):
        problem = problems.storage(101, alpha, inputs=inputs, seed=1)
        model = models.Perceptron(101, weights=weights)
        result = wfm.solve(problem, model, "perceptron", seed=2)
        assert result.solved and result.errors == 0
        assert result.history["updates"][-1] == 0 and len(result.history["updates"]) == result.iterations
        if weights == "spherical":
            assert np.dot(result.w, result.w) == pytest.approx(101)


def test_run_is_a_function_of_the_seed_and_stops_at_max_epochs():
    problem = problems.storage(61, 0.9, seed=3)
    model = models.Perceptron(61)
    first = wfm.solve(problem, model, "perceptron", seed=5, max_epochs=20)
    again = wfm.solve(problem, model, "perceptron", seed=5, max_epochs=20)
    other = wfm.solve(problem, model, "perceptron", seed=6, max_epochs=20)
    assert not first.solved and first.iterations == 20
    np.testing.assert_array_equal(first.w, again.w)
    np.testing.assert_array_equal(first.history["updates"], again.history["updates"])
    assert not np.array_equal(first.history["updates"], other.history["updates"])


def test_refuses_committees_and_bad_max_epochs():
    problem = problems.storage(30, 0.5, seed=0)
    with pytest.raises(ValueError, match="perceptron"):
        wfm.solve(problem, models.Committee(30, 3), "perceptron", seed=0)
    with pytest.raises(ValueError, match="max_epochs must be >= 1"):
        wfm.solve(problems.storage(31, 0.5, seed=0), models.Perceptron(31), "perceptron", seed=0, max_epochs=0)
