"""The Numba SGD kernels against their NumPy twins (tests/naive_sgd.py)."""
import numpy as np
import pytest

import naive_sgd
from test_sgd import MODELS
from wfm._kernels import sgd as kernels
from wfm.algorithms.minibatch import COMMON_DEFAULTS, CrossEntropy, Settings, kernel_epoch
from wfm.problems import storage

INPUTS = ["pm1", "gaussian"]


def _case(name, inputs, seed=3):
    model = MODELS[name]
    problem = storage(model.N, P=23, inputs=inputs, seed=seed)
    ce = CrossEntropy(problem, model, 1.3)
    theta = model.flatten(model.init(seed)) * 1.4
    if getattr(model, "trainable", False):
        theta[-model.K:] = np.random.default_rng(seed).standard_normal(model.K)
    return model, problem, ce, theta


@pytest.mark.parametrize("inputs", INPUTS)
@pytest.mark.parametrize("name", MODELS)
def test_batch_gradient_and_loss_match_numpy(name, inputs):
    _, _, ce, theta = _case(name, inputs)
    index = np.random.default_rng(0).permutation(ce.P)[:9]
    W, v, tree, code, beta = ce.kernel_arguments(theta)
    grad_W, grad_v = np.full(W.shape, np.nan), np.full(ce.K, np.nan)
    loss = kernels.batch_gradient(ce.patterns, ce.y, index, W, v, tree, code, beta, 1.7, ce.kappa,
                                  grad_W, grad_v, np.empty(ce.K), np.empty((12, ce.patterns.shape[1])),
                                  np.empty((12, ce.K)))
    expected_loss, expected = naive_sgd.value_and_gradient(ce, theta, *naive_sgd.gather(ce, index), 1.7)
    assert loss == pytest.approx(expected_loss, rel=1e-12)
    np.testing.assert_allclose(grad_W.ravel(), expected[:ce.F], rtol=1e-10, atol=1e-13)
    if ce.trainable:
        np.testing.assert_allclose(grad_v, expected[ce.F:], rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(ce.batch_gradient(theta, index, 1.7), expected, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("inputs", INPUTS)
@pytest.mark.parametrize("norm_control", ["normalize", "weight_decay", "none"])
@pytest.mark.parametrize("name", MODELS)
def test_kernel_epoch_matches_numpy_epoch(name, norm_control, inputs):
    model, problem, ce, theta = _case(name, inputs)
    settings = Settings(**{**COMMON_DEFAULTS, "lr": 0.7, "batch_size": 5, "epochs": 3,
                           "norm_control": norm_control, "weight_decay": 0.05,
                           "schedule": [1.4, 1.1, 0.8] if norm_control == "normalize" else "constant",
                           "surrogate_beta": 1.3})
    expected = theta.copy()
    epoch = kernel_epoch(ce, theta, settings)
    rng = np.random.default_rng(0)
    for t in range(settings.epochs):
        order = rng.permutation(problem.P)
        epoch(order, settings.unit_norm[t], 1.7)
        naive_sgd.sgd_epoch(ce, expected, settings, order, t, 1.7)
    assert not np.allclose(theta, _case(name, inputs)[3])
    np.testing.assert_allclose(theta, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("inputs", INPUTS)
@pytest.mark.parametrize("name", MODELS)
def test_evaluate_matches_numpy_and_the_model_errors(name, inputs):
    model, problem, ce, theta = _case(name, inputs)
    for seed in range(4):
        theta = _case(name, inputs, seed=seed)[3]
        loss, errors = ce.evaluate(theta, 0.9)
        expected_loss, expected_errors = naive_sgd.evaluate(ce, theta, 0.9)
        assert loss == pytest.approx(expected_loss, rel=1e-12)
        assert errors == expected_errors == model.errors(problem, model.unflatten(theta))
        W, v, tree, code, beta = ce.kernel_arguments(theta)
        blocks = kernels.evaluate(ce.patterns, ce.y, W, v, tree, code, beta, 0.9, ce.kappa,
                                  np.empty(ce.K), np.empty((5, ce.patterns.shape[1])), np.empty((5, ce.K)))
        assert blocks[0] == pytest.approx(loss, rel=1e-12) and blocks[1] == errors  # 5 blocks


def test_evaluate_counts_a_zero_field_as_an_error():
    """sign(0) = -1 (committee) and stability 0 <= kappa = 0 (perceptron) on +-1 patterns."""
    model = MODELS["perceptron"]
    problem = storage(model.N, P=5, seed=0)
    ce = CrossEntropy(problem, model, 1.0)
    theta = np.zeros(model.N)
    theta[:2] = problem.X[0, :2] * np.array([1.0, -1.0])  # w.xi_0 = 0
    errors = ce.evaluate(theta, 1.0)[1]
    assert errors == naive_sgd.evaluate(ce, theta, 1.0)[1] == model.errors(problem, theta)
    assert errors >= 1


@pytest.mark.parametrize("name", [name for name in MODELS if getattr(MODELS[name], "activation", "") == "relu"])
def test_relu_leak_in_the_kernels_matches_numpy(name):
    model, problem, _, theta = _case(name, "gaussian")
    ce = CrossEntropy(problem, model, 1.3, relu_leak=0.3)
    index = np.random.default_rng(0).permutation(ce.P)[:9]
    expected = naive_sgd.gradient(ce, theta, *naive_sgd.gather(ce, index), 1.7)
    assert not np.allclose(expected, naive_sgd.gradient(CrossEntropy(problem, model, 1.3), theta, *naive_sgd.gather(ce, index), 1.7))
    np.testing.assert_allclose(ce.batch_gradient(theta, index, 1.7), expected, rtol=1e-10, atol=1e-13)
    settings = Settings(**{**COMMON_DEFAULTS, "lr": 0.1, "batch_size": 5, "epochs": 2, "relu_leak": 0.3})
    naive = theta.copy()
    epoch = kernel_epoch(ce, theta, settings)
    rng = np.random.default_rng(1)
    for t in range(settings.epochs):
        order = rng.permutation(problem.P)
        epoch(order, settings.unit_norm[t], 1.7)
        naive_sgd.sgd_epoch(ce, naive, settings, order, t, 1.7)
    np.testing.assert_allclose(theta, naive, rtol=1e-10, atol=1e-12)
