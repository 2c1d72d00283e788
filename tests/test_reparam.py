"""wfm.reparam.rescale: the function computed is unchanged, refused cases raise."""
import numpy as np
import pytest

from wfm.losses import Loss
from wfm.models import Committee, Perceptron
from wfm.problems import storage
from wfm.reparam import rescale

N = 30
A = np.array([3.7, 0.21, 11.0])


@pytest.fixture(scope="module")
def problem():
    return storage(N, P=200, inputs="gaussian", seed=2)


@pytest.mark.parametrize("model, a", [
    (Perceptron(N, "spherical"), 5.3),
    (Perceptron(N, "spherical", kappa=0.4), 0.07),
    (Committee(N, 3, activation="relu", weights="continuous", second_layer="trainable"), A),
    (Committee(N, 3, tree=False, activation="relu", weights="continuous", second_layer="trainable"), 2.5),
    (Committee(N, 3, activation="sign", weights="continuous"), A),
    (Committee(N, 3, tree=False, activation="sign", weights="continuous", output="parity"), A),
    (Committee(N, 3, activation="sign", weights="continuous", second_layer="trainable"), A),
    (Committee(N, 3, activation="relu", weights="continuous"), 1.0),
])
def test_function_is_unchanged(problem, model, a):
    w = model.init(0)
    if getattr(model, "trainable", False):
        w = (w[0], np.array([0.8, -1.3, 0.4]))
    w2 = rescale(model, w, a)
    np.testing.assert_array_equal(model.predict(problem.X, w2), model.predict(problem.X, w))
    assert model.errors(problem, w2) == model.errors(problem, w)
    if isinstance(model, Perceptron) or model.activation == "relu":
        # the real output itself is unchanged (perceptron: w.xi / |w|; ReLU: positive homogeneity)
        np.testing.assert_allclose(model.output(problem.X, w2), model.output(problem.X, w),
                                   rtol=1e-12, atol=1e-12)
    assert not np.shares_memory(model.flatten(w2), model.flatten(w))


def test_relu_rescaling_moves_the_weights_as_dinh_et_al():
    model = Committee(N, 3, activation="relu", weights="continuous", second_layer="trainable")
    W, v = model.init(1)
    W2, v2 = rescale(model, (W, v), A)
    np.testing.assert_allclose(W2, A[:, None] * W)
    np.testing.assert_allclose(v2, v / A)


def test_relu_committee_loss_is_invariant(problem):
    model = Committee(N, 3, activation="relu", weights="continuous", second_layer="trainable")
    w = model.init(3)
    loss = Loss(problem, model, gamma=2.0)
    before, after = (loss.value(model.flatten(x)) for x in (w, rescale(model, w, A)))
    assert after == pytest.approx(before, rel=1e-12)


def test_refused_cases():
    relu_fixed = Committee(N, 3, activation="relu", weights="continuous")
    with pytest.raises(ValueError, match="fixed readout changes its output"):
        rescale(relu_fixed, relu_fixed.init(0), 2.0)
    sign = Committee(N, 3, activation="sign", weights="continuous")
    for bad in (0.0, -1.0, [1.0, -2.0, 1.0], np.inf):
        with pytest.raises(ValueError, match="a must be"):
            rescale(sign, sign.init(0), bad)
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        rescale(sign, sign.init(0), [1.0, 2.0])
    with pytest.raises(TypeError, match="a must be a positive number"):
        rescale(sign, sign.init(0), True)
    for binary in (Perceptron(N, "binary"), Committee(N, 3, weights="binary")):
        with pytest.raises(ValueError, match="continuous weights"):
            rescale(binary, binary.init(0), 2.0)
    with pytest.raises(ValueError, match=r"shape \(1,\)"):
        rescale(Perceptron(N, "spherical"), Perceptron(N, "spherical").init(0), [1.0, 2.0])
