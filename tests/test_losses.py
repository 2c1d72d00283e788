"""wfm.losses: values against a per-pattern loop, derivatives against finite differences."""
import numpy as np
import pytest

from naive_measures import loss_value
from wfm.losses import Loss
from wfm.models import Committee, Perceptron
from wfm.problems import Problem, storage

N = 12
MODELS = {
    "perceptron": Perceptron(N, "spherical"),
    "perceptron-kappa": Perceptron(N, "spherical", kappa=0.3),
    "relu-tree-trainable": Committee(N, 3, tree=True, activation="relu", weights="continuous",
                                     second_layer="trainable"),
    "relu-fc-fixed": Committee(N, 4, tree=False, activation="relu", weights="continuous"),
    "sign-tree": Committee(N, 3, tree=True, activation="sign", weights="continuous"),
    "sign-fc-trainable": Committee(N, 3, tree=False, activation="sign", weights="continuous",
                                   second_layer="trainable"),
}
CASES = [(name, kind) for name in MODELS for kind in ("ce", "mse")
         if not (kind == "mse" and MODELS[name].kappa)]


@pytest.fixture(scope="module")
def problem():
    return storage(N, P=30, inputs="gaussian", seed=1)


def _point(model, seed):
    """A generic point: random first layer, and a random readout when trainable."""
    rng = np.random.default_rng(seed)
    theta = model.flatten(model.init(seed))
    if getattr(model, "trainable", False):
        theta[-model.K:] = rng.standard_normal(model.K)
    return theta


def _loss(problem, name, kind):
    return Loss(problem, MODELS[name], kind, gamma=1.7, surrogate_beta=1.3)


@pytest.mark.parametrize("name, kind", CASES)
def test_value_matches_loop_over_patterns(problem, name, kind):
    model = MODELS[name]
    theta = _point(model, 0)
    loss = _loss(problem, name, kind)
    expected = loss_value(problem, model, model.unflatten(theta), kind, 1.7, 1.3)
    assert loss.value(theta) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("name, kind", CASES)
def test_gradient_matches_central_differences(problem, name, kind):
    loss = _loss(problem, name, kind)
    theta = _point(MODELS[name], 1)
    h = 1e-6
    fd = np.array([(loss.value(theta + h * e) - loss.value(theta - h * e)) / (2 * h)
                   for e in np.eye(theta.size)])
    value, grad = loss.value_and_gradient(theta)
    assert value == loss.value(theta)
    np.testing.assert_allclose(grad, fd, rtol=0, atol=1e-7 * np.abs(grad).max())
    np.testing.assert_array_equal(loss.gradient(theta), grad)


@pytest.mark.parametrize("name, kind", CASES)
def test_hvp_matches_gradient_differences_and_dense_hessian(problem, name, kind):
    loss = _loss(problem, name, kind)
    theta = _point(MODELS[name], 2)
    h = 1e-6
    fd = np.column_stack([(loss.gradient(theta + h * e) - loss.gradient(theta - h * e)) / (2 * h)
                          for e in np.eye(theta.size)])
    H = loss.hessian(theta)
    np.testing.assert_allclose(H, fd, rtol=0, atol=1e-7 * np.abs(H).max())
    np.testing.assert_array_equal(H, H.T)
    V = np.random.default_rng(3).standard_normal((theta.size, 5))
    np.testing.assert_allclose(loss.hvp(theta, V), H @ V, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(loss.hvp(theta, V[:, 2]), H @ V[:, 2], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", ["relu-tree-trainable", "sign-fc-trainable"])
def test_batch_is_the_loss_of_the_selected_patterns(problem, name):
    model = MODELS[name]
    theta = _point(model, 4)
    batch = np.array([3, 7, 7, 0, 29])
    sub = Problem(problem.X[batch], problem.y[batch])
    full, part = Loss(problem, model), Loss(sub, model)
    assert full.value(theta, batch) == pytest.approx(part.value(theta), rel=1e-14)
    np.testing.assert_allclose(full.gradient(theta, batch), part.gradient(theta), rtol=1e-12, atol=1e-15)
    v = np.ones(theta.size)
    np.testing.assert_allclose(full.hvp(theta, v, batch), part.hvp(theta, v), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(full.hessian(theta, batch), part.hessian(theta), rtol=1e-12, atol=1e-15)


def test_outputs_follow_the_models(problem):
    relu = MODELS["relu-tree-trainable"]
    theta = _point(relu, 5)
    np.testing.assert_allclose(Loss(problem, relu).output(theta),
                               relu.output(problem.X, relu.unflatten(theta)), rtol=1e-13)
    perceptron = MODELS["perceptron"]
    w = 3.0 * perceptron.init(0)  # the norm is free: out = w.xi / sqrt(N)
    np.testing.assert_allclose(Loss(problem, perceptron).output(w),
                               problem.X.astype(float) @ w / np.sqrt(N), rtol=1e-12)
    sign = MODELS["sign-tree"]
    theta = _point(sign, 6)
    steep = Loss(problem, sign, surrogate_beta=1e6).output(theta)
    np.testing.assert_allclose(steep, sign.output(problem.X, sign.unflatten(theta)), atol=1e-3)


def test_cross_entropy_tends_to_the_hinge_like_limit(problem):
    """f_gamma(x) -> max(0, -x) pointwise; the gap is at most log(2) / (2 gamma)."""
    model = MODELS["perceptron"]
    w = 2.0 * model.init(7)
    x = problem.y * (problem.X.astype(float) @ w) / np.sqrt(N)
    for gamma in (10.0, 1e3, 1e6):
        loss = Loss(problem, model, gamma=gamma)
        per_pattern = np.array([loss.value(w, np.array([mu])) for mu in range(problem.P)])
        gap = per_pattern - np.maximum(0.0, -x)
        assert np.all(gap >= -1e-12) and np.all(gap <= np.log(2) / (2 * gamma) + 1e-12)


def test_cross_entropy_is_finite_for_huge_fields(problem):
    model = MODELS["perceptron"]
    loss = Loss(problem, model, gamma=1e3)
    w = 1e6 * model.init(8)
    x = problem.y * (problem.X.astype(float) @ w) / np.sqrt(N)
    assert loss.value(w) == pytest.approx(np.mean(np.maximum(0.0, -x)), rel=1e-9)
    assert np.all(np.isfinite(loss.gradient(w))) and np.all(np.isfinite(loss.hessian(w)))


@pytest.mark.parametrize("model, match", [
    (Perceptron(N, "binary"), "binary weights"),
    (Committee(N, 3, weights="binary"), "binary weights"),
    (Committee(N, 3, weights="continuous", output="parity"), "parity"),
])
def test_models_without_a_smooth_loss_are_refused(problem, model, match):
    with pytest.raises(ValueError, match=match):
        Loss(problem, model)


def test_bad_arguments(problem):
    model = MODELS["perceptron"]
    with pytest.raises(ValueError, match="kind must be one of"):
        Loss(problem, model, "hinge")
    with pytest.raises(ValueError, match="gamma must be > 0"):
        Loss(problem, model, gamma=0.0)
    with pytest.raises(ValueError, match="surrogate_beta must be > 0"):
        Loss(problem, model, surrogate_beta=-1.0)
    with pytest.raises(ValueError, match="no margin"):
        Loss(problem, MODELS["perceptron-kappa"], "mse")
    with pytest.raises(ValueError, match="N = 13"):
        Loss(problem, Perceptron(13, "spherical"))
    loss = Loss(problem, model)
    with pytest.raises(ValueError, match=r"theta must have shape \(12,\)"):
        loss.value(np.ones(11))
    with pytest.raises(ValueError, match="theta must be finite"):
        loss.value(np.full(N, np.nan))
    with pytest.raises(ValueError, match=r"batch indices must be in \[0, 29\]"):
        loss.value(np.ones(N), batch=np.array([0, 30]))
    with pytest.raises(ValueError, match="batch must be a non-empty 1-D integer"):
        loss.value(np.ones(N), batch=np.array([0.5]))
    with pytest.raises(ValueError, match="vectors must have shape"):
        loss.hvp(np.ones(N), np.ones(N + 1))
