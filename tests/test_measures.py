"""wfm.measures: local energy against a per-perturbation twin, Hessian measures against dense."""
import sys

import numpy as np
import pytest

import naive_measures as naive
from wfm.losses import Loss
from wfm.measures import (hessian, hessian_eigenvalues, hessian_frobenius, hessian_trace,
                          local_energy, log_volume, sharpness)
from wfm.models import Committee, Perceptron
from wfm.problems import storage, teacher_student
from wfm.reparam import rescale

energy_module = sys.modules["wfm.measures.energy"]
A = np.array([3.7, 0.21, 11.0])  # generic per-unit factors (not powers of two)


def _ts(model, P, inputs="pm1", seed=0, test_size=50):
    """A teacher-student problem whose teacher is a model of the same family (a solution)."""
    return teacher_student(model.N, P=P, teacher=model, inputs=inputs, test_size=test_size, seed=seed)


TWIN_CASES = [
    (Perceptron(31, "binary"), "pm1", "flip"),
    (Perceptron(31, "binary", kappa=0.2), "gaussian", "flip"),
    (Perceptron(31, "spherical", kappa=0.3), "pm1", "multiplicative"),
    (Perceptron(31, "spherical"), "gaussian", "additive"),
    (Committee(33, 3, tree=True, activation="sign", weights="binary"), "pm1", "flip"),
    # gaussian inputs: with +-1 inputs the ReLU output can be exactly zero, which
    # model.output (dividing by sqrt(n) before summing) rounds to a tiny non-zero number
    (Committee(33, 4, tree=False, activation="relu", weights="binary"), "gaussian", "flip"),
    (Committee(33, 3, tree=False, activation="sign", weights="binary", output="parity"), "pm1", "flip"),
    (Committee(33, 3, tree=True, activation="relu", weights="continuous", second_layer="trainable"),
     "gaussian", "multiplicative"),
    (Committee(33, 3, tree=True, activation="relu", weights="continuous", second_layer="trainable"),
     "pm1", "additive"),
    (Committee(33, 3, tree=False, activation="sign", weights="continuous"), "gaussian", "multiplicative"),
    (Committee(33, 3, tree=True, activation="sign", weights="continuous", second_layer="trainable"),
     "pm1", "additive"),
]


@pytest.mark.parametrize("model, inputs, noise", TWIN_CASES)
def test_local_energy_matches_one_perturbation_at_a_time(model, inputs, noise):
    problem = teacher_student(model.N, P=40, inputs=inputs, test_size=30, seed=4)
    w = model.init(5)
    sizes = [0.0, 0.1, 0.4]
    fast = local_energy(problem, model, w, sizes=sizes, samples=6, seed=7, noise=noise)
    slow = naive.local_energy(problem, model, w, sizes=sizes, samples=6, seed=7, noise=noise)
    for key in ("train", "train_se", "distance", "test", "test_se"):
        np.testing.assert_allclose(getattr(fast, key), slow[key], rtol=1e-12, atol=1e-15, err_msg=key)
    assert fast.base_train == model.errors(problem, w) / problem.P
    assert fast.base_test == model.test_error(problem, w)


def test_local_energy_does_not_depend_on_the_block_size(monkeypatch):
    model = Committee(33, 3, activation="relu", weights="continuous", second_layer="trainable")
    problem = _ts(model, 60)
    w = problem.teacher
    whole = local_energy(problem, model, w, sizes=[0.05, 0.3], samples=9, seed=1)
    monkeypatch.setattr(energy_module, "_BLOCK", 400)  # two samples per product here
    blocks = local_energy(problem, model, w, sizes=[0.05, 0.3], samples=9, seed=1)
    np.testing.assert_array_equal(whole.train, blocks.train)
    np.testing.assert_array_equal(whole.test, blocks.test)


@pytest.fixture(scope="module")
def perceptron_solution():
    model = Perceptron(101, "spherical")
    problem = _ts(model, 200, test_size=300)
    assert model.errors(problem, problem.teacher) == 0
    return problem, model, problem.teacher


def test_local_energy_is_zero_at_size_zero_and_rises(perceptron_solution):
    problem, model, w = perceptron_solution
    sizes = [0.0, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]
    result = local_energy(problem, model, w, sizes=sizes, samples=200, seed=3)
    assert result.base_train == 0.0
    assert result.train[0] == result.train_se[0] == result.distance[0] == result.test[0] == 0.0
    slack = 2 * np.hypot(result.train_se[1:], result.train_se[:-1])
    assert np.all(np.diff(result.train) > -slack)
    assert result.train[1] > 0 and result.train[-1] > 10 * result.train[1]
    np.testing.assert_allclose(result.distance[1:], sizes[1:], rtol=0.05)
    frame = result.to_frame()
    assert list(frame.columns) == ["size", "train", "train_se", "distance", "test", "test_se"]
    assert frame.attrs["noise"] == "multiplicative" and len(frame) == len(sizes)


def test_standard_error_shrinks_like_one_over_sqrt_samples(perceptron_solution):
    problem, model, w = perceptron_solution
    few = local_energy(problem, model, w, sizes=[0.2], samples=400, seed=11)
    many = local_energy(problem, model, w, sizes=[0.2], samples=1600, seed=12)
    assert 1.75 < few.train_se[0] / many.train_se[0] < 2.25
    assert abs(few.train[0] - many.train[0]) < 4 * np.hypot(few.train_se[0], many.train_se[0])


def test_single_sample_has_no_standard_error(perceptron_solution):
    problem, model, w = perceptron_solution
    result = local_energy(problem, model, w, sizes=[0.1], samples=1, seed=0)
    assert np.isnan(result.train_se[0]) and np.isfinite(result.train[0])


@pytest.mark.parametrize("model, a", [
    (Committee(60, 3, activation="relu", weights="continuous", second_layer="trainable"), A),
    (Committee(60, 3, tree=False, activation="sign", weights="continuous"), A),
    (Perceptron(61, "spherical", kappa=0.1), 7.3),
])
@pytest.mark.parametrize("noise", ["multiplicative", "additive"])
def test_continuous_local_energy_is_exactly_invariant_under_rescaling(model, a, noise):
    problem = _ts(model, 120, inputs="gaussian", test_size=200)
    w = problem.teacher
    sizes = [0.0, 0.05, 0.2, 0.8]
    before = local_energy(problem, model, w, sizes=sizes, samples=50, seed=9, noise=noise)
    after = local_energy(problem, model, rescale(model, w, a), sizes=sizes, samples=50, seed=9, noise=noise)
    for key in ("train", "train_se", "test", "test_se"):
        np.testing.assert_array_equal(getattr(after, key), getattr(before, key), err_msg=key)
    np.testing.assert_allclose(after.distance, before.distance, rtol=1e-12)
    assert np.all(before.train[1:] != 0)


def test_flip_distances_are_the_flip_probabilities():
    model = Perceptron(101, "binary")
    problem = _ts(model, 60)
    sizes = np.array([0.01, 0.1, 0.3, 0.5])
    samples = 200
    result = local_energy(problem, model, problem.teacher, sizes=sizes, samples=samples, seed=2)
    assert np.all(np.abs(result.distance - sizes) < 4 * np.sqrt(sizes * (1 - sizes) / (101 * samples)))
    assert result.noise == "flip"


def test_local_energy_bad_arguments():
    binary = Perceptron(31, "binary")
    spherical = Perceptron(31, "spherical")
    problem = storage(31, P=20, seed=0)
    wb, ws = binary.init(0), spherical.init(0)
    with pytest.raises(ValueError, match="sizes must be finite and >= 0"):
        local_energy(problem, binary, wb, sizes=[0.1, -0.1], samples=3, seed=0)
    with pytest.raises(ValueError, match="must be <= 1"):
        local_energy(problem, binary, wb, sizes=[1.5], samples=3, seed=0)
    with pytest.raises(ValueError, match="sizes must be a non-empty"):
        local_energy(problem, binary, wb, sizes=[], samples=3, seed=0)
    with pytest.raises(ValueError, match="samples must be >= 1"):
        local_energy(problem, binary, wb, sizes=[0.1], samples=0, seed=0)
    with pytest.raises(ValueError, match="noise must be one of"):
        local_energy(problem, binary, wb, sizes=[0.1], samples=3, seed=0, noise="gaussian")
    with pytest.raises(ValueError, match="noise='multiplicative' is not allowed for binary"):
        local_energy(problem, binary, wb, sizes=[0.1], samples=3, seed=0, noise="multiplicative")
    with pytest.raises(ValueError, match="noise='flip' is not allowed for continuous"):
        local_energy(problem, spherical, ws, sizes=[0.1], samples=3, seed=0, noise="flip")
    with pytest.raises(ValueError, match="seed must be >= 0"):
        local_energy(problem, spherical, ws, sizes=[0.1], samples=3, seed=-1)
    with pytest.raises(ValueError, match="N = 33"):
        local_energy(problem, Perceptron(33, "spherical"), np.ones(33), sizes=[0.1], samples=3, seed=0)


# ------------------------------------------------------------------------- Hessian measures

HESSIAN_MODELS = {
    "relu": Committee(30, 3, activation="relu", weights="continuous", second_layer="trainable"),
    "sign": Committee(30, 3, tree=False, activation="sign", weights="continuous"),
    "perceptron": Perceptron(30, "spherical"),
}


@pytest.fixture(scope="module")
def hessian_cases():
    cases = {}
    for name, model in HESSIAN_MODELS.items():
        problem = storage(30, P=90, inputs="gaussian", seed=5)
        w = model.init(6)
        if name == "relu":
            w = (w[0], np.array([0.9, -1.1, 0.6]))
        cases[name] = (problem, model, w, hessian(problem, model, w, gamma=2.0))
    return cases


@pytest.mark.parametrize("name", list(HESSIAN_MODELS))
def test_hessian_is_the_loss_hessian(hessian_cases, name):
    problem, model, w, H = hessian_cases[name]
    np.testing.assert_array_equal(H, Loss(problem, model, gamma=2.0).hessian(model.flatten(w)))
    assert H.shape == (model.n_params, model.n_params)


@pytest.mark.parametrize("name", list(HESSIAN_MODELS))
def test_lanczos_top_eigenvalues_match_dense(hessian_cases, name):
    problem, model, w, H = hessian_cases[name]
    dense = np.linalg.eigvalsh(H)[::-1]
    top = hessian_eigenvalues(problem, model, w, 5, gamma=2.0)
    np.testing.assert_allclose(top, dense[:5], rtol=1e-6, atol=1e-6 * abs(dense[0]))
    positive = dense[:5][dense[:5] > 0]
    assert log_volume(problem, model, w, 5, gamma=2.0) == pytest.approx(-0.5 * np.sum(np.log(positive)),
                                                                         rel=1e-6)


@pytest.mark.parametrize("name", list(HESSIAN_MODELS))
def test_hutchinson_trace_within_four_standard_errors(hessian_cases, name):
    problem, model, w, H = hessian_cases[name]
    estimate = hessian_trace(problem, model, w, samples=400, seed=1, gamma=2.0)
    assert 0 < estimate.stderr < 0.2 * abs(np.trace(H))
    assert abs(estimate.value - np.trace(H)) < 4 * estimate.stderr


@pytest.mark.parametrize("name", ["sign", "perceptron"])
def test_frobenius_estimator_within_four_standard_errors(hessian_cases, name):
    problem, model, w, H = hessian_cases[name]
    estimate = hessian_frobenius(problem, model, w, vectors=400, eps=1e-5, seed=2, gamma=2.0)
    exact = np.linalg.norm(H)
    assert 0 < estimate.stderr < 0.1 * exact
    assert abs(estimate.value - exact) < 4 * estimate.stderr


def test_hessian_transforms_as_dinh_et_al_while_local_energy_does_not(hessian_cases):
    problem, model, w, H = hessian_cases["relu"]
    w2 = rescale(model, w, A)
    H2 = hessian(problem, model, w2, gamma=2.0)
    d = np.concatenate([np.repeat(A, model.n), 1.0 / A])  # D = diag(a_k I, 1 / a_k)
    np.testing.assert_allclose(H2, H / np.outer(d, d), rtol=1e-9, atol=1e-12 * np.abs(H2).max())
    top, top2 = (hessian_eigenvalues(problem, model, x, 1, gamma=2.0)[0] for x in (w, w2))
    assert top2 > 2 * top
    trace, trace2 = np.trace(H), np.trace(H2)
    assert trace2 > 2 * trace
    assert sharpness(problem, model, w2, gamma=2.0) != pytest.approx(sharpness(problem, model, w, gamma=2.0),
                                                                      rel=0.1)
    before = local_energy(problem, model, w, sizes=[0.1, 0.5], samples=30, seed=4)
    after = local_energy(problem, model, w2, sizes=[0.1, 0.5], samples=30, seed=4)
    np.testing.assert_array_equal(after.train, before.train)


@pytest.mark.parametrize("name", list(HESSIAN_MODELS))
def test_sharpness_is_a_maximum_over_the_box(hessian_cases, name):
    problem, model, w, _ = hessian_cases[name]
    loss = Loss(problem, model, gamma=2.0)
    theta = model.flatten(w)
    base, grad = loss.value_and_gradient(theta)
    radius = 1e-3 * (np.abs(theta) + 1)
    value = sharpness(problem, model, w, eps=1e-3, gamma=2.0)
    rng = np.random.default_rng(0)
    for _ in range(20):
        corner = radius * rng.choice([-1.0, 1.0], size=theta.size)
        assert 100 * (loss.value(theta + corner) - base) / (1 + base) <= value
    # tiny box: the loss is linear and the maximum is sum_i |g_i| r_i
    tiny = sharpness(problem, model, w, eps=1e-8, gamma=2.0)
    linear = 100 * np.sum(np.abs(grad) * 1e-8 * (np.abs(theta) + 1)) / (1 + base)
    assert tiny == pytest.approx(linear, rel=1e-4)
    assert sharpness(problem, model, w, eps=1e-2, gamma=2.0) > value > 0


def test_hessian_measures_bad_arguments(hessian_cases):
    problem, model, w, _ = hessian_cases["sign"]
    p = model.n_params
    with pytest.raises(ValueError, match=f"k must be < n_params = {p}"):
        hessian_eigenvalues(problem, model, w, p)
    with pytest.raises(ValueError, match="k must be >= 1"):
        log_volume(problem, model, w, 0)
    with pytest.raises(ValueError, match="samples must be >= 2"):
        hessian_trace(problem, model, w, samples=1, seed=0)
    with pytest.raises(ValueError, match="vectors must be >= 2"):
        hessian_frobenius(problem, model, w, vectors=1, eps=1e-4, seed=0)
    with pytest.raises(ValueError, match="eps must be > 0"):
        hessian_frobenius(problem, model, w, vectors=5, eps=0.0, seed=0)
    with pytest.raises(ValueError, match="eps must be > 0"):
        sharpness(problem, model, w, eps=-1e-3)
    with pytest.raises(ValueError, match="loss must be one of"):
        hessian(problem, model, w, loss="hinge")
    binary = Perceptron(30, "binary")
    with pytest.raises(ValueError, match="binary weights have no gradient"):
        hessian_trace(problem, binary, binary.init(0), samples=4, seed=0)
