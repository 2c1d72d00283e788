"""The "lbfgs" algorithm: full-batch L-BFGS on wfm.losses.Loss, on instances whose answer is known."""
import numpy as np
import pytest

import wfm
from wfm import exact, problems
from wfm.losses import Loss
from wfm.models import Committee, Perceptron

RELU = Committee(30, 8, tree=False, activation="relu", weights="continuous", second_layer="trainable")


def test_separable_perceptron_is_solved_and_loss_decreases():
    problem = problems.storage(51, 1.0, inputs="gaussian", seed=0)
    assert exact.separable(problem)
    model = Perceptron(51, weights="spherical")
    result = wfm.solve(problem, model, "lbfgs", seed=0)
    assert result.solved and result.extra["converged"]
    loss, errors = result.history["loss"], result.history["errors"]
    assert loss.shape == errors.shape == (result.iterations + 1,)
    assert np.all(np.diff(loss) <= 0) and errors[0] > 0 and errors[-1] == 0
    assert np.dot(result.w, result.w) == pytest.approx(51)
    # the loss of the run is that of the unnormalised optimum, of norm extra["norm"]
    theta = result.w * result.extra["norm"] / np.sqrt(51)
    assert Loss(problem, model, "ce").value(theta) == pytest.approx(result.extra["loss"], rel=1e-9)


def test_non_separable_perceptron_keeps_errors():
    problem = problems.storage(21, 3.0, inputs="gaussian", seed=1)
    assert not exact.separable(problem)
    result = wfm.solve(problem, Perceptron(21, weights="spherical"), "lbfgs", seed=0)
    assert not result.solved and result.history["errors"][-1] == result.errors > 0


def test_mse_perceptron_reaches_the_least_squares_direction():
    """The minimiser of mean (w.xi/sqrt(N) - sigma)^2 / 2 is the least-squares solution."""
    problem = problems.storage(40, 2.0, inputs="gaussian", seed=2)
    result = wfm.solve(problem, Perceptron(40, weights="spherical"), "lbfgs", seed=0, loss="mse")
    w_ls = np.linalg.lstsq(problem.X / np.sqrt(40), problem.y.astype(float), rcond=None)[0]
    assert result.extra["norm"] == pytest.approx(np.linalg.norm(w_ls), rel=1e-6)
    assert result.w / np.sqrt(40) == pytest.approx(w_ls / np.linalg.norm(w_ls), abs=1e-6)


def test_relu_committee_with_trainable_readout_fits_a_low_load():
    problem = problems.storage(30, P=60, inputs="gaussian", seed=3)
    result = wfm.solve(problem, RELU, "lbfgs", seed=4, gtol=1e-4)
    assert result.solved and result.extra["converged"]
    W, v = result.w
    assert W.shape == (8, 30) and v.shape == (8,)
    again = wfm.solve(problem, RELU, "lbfgs", seed=4, gtol=1e-4)
    assert np.array_equal(again.w[0], W) and np.array_equal(again.w[1], v)


def test_stop_when_solved_stops_at_the_first_zero_error_iterate():
    problem = problems.storage(30, P=60, inputs="gaussian", seed=3)
    result = wfm.solve(problem, RELU, "lbfgs", seed=4, stop_when_solved=True)
    errors = result.history["errors"]
    assert result.solved and errors[-1] == 0 and np.all(errors[:-1] > 0)
    assert not result.extra["converged"]
    full = wfm.solve(problem, RELU, "lbfgs", seed=4)
    assert full.iterations > result.iterations
    np.testing.assert_array_equal(full.history["errors"][:errors.size], errors)


def test_sign_committee_trains_through_the_surrogate():
    model = Committee(30, 3, activation="sign", weights="continuous")
    problem = problems.storage(30, 0.5, inputs="gaussian", seed=5)
    result = wfm.solve(problem, model, "lbfgs", seed=0, surrogate_beta=2.0)
    assert result.errors < result.history["errors"][0]


@pytest.mark.parametrize("params, error, match", [
    ({"loss": "hinge"}, ValueError, "loss"),
    ({"max_iters": 0}, ValueError, "max_iters"),
    ({"gtol": -1.0}, ValueError, "gtol"),
    ({"memory": 0}, ValueError, "memory"),
    ({"gamma": 0.0}, ValueError, "gamma"),
    ({"stop_when_solved": 1}, TypeError, "stop_when_solved"),
])
def test_bad_parameters(params, error, match):
    model = Perceptron(11, weights="spherical")
    with pytest.raises(error, match=match):
        wfm.solve(problems.storage(11, 0.5, seed=0), model, "lbfgs", seed=0, **params)


def test_binary_models_are_refused():
    with pytest.raises(ValueError, match="no gradient"):
        wfm.solve(problems.storage(11, 0.5, seed=0), Perceptron(11), "lbfgs", seed=0)
