"""Models: argument checks, outputs against direct formulas, errors, flatten/unflatten."""
import itertools

import numpy as np
import pytest

from wfm import problems
from wfm.models import Committee, Perceptron, from_spec


def direct_committee_output(model, X, W, v):
    """Output of a committee from the definition, one pattern and one unit at a time."""
    X = np.asarray(X, dtype=np.float64)
    out = []
    for x in X:
        lam = []
        for k in range(model.K):
            inputs = x[k * model.n:(k + 1) * model.n] if model.tree else x
            lam.append(np.dot(W[k], inputs) / np.sqrt(model.n))
        lam = np.array(lam)
        if model.activation == "relu":
            out.append(np.dot(v, np.maximum(lam, 0)))
        elif model.output_rule == "parity":
            out.append(np.prod(np.where(lam > 0, 1, -1)))
        else:
            out.append(np.dot(v, np.where(lam > 0, 1, -1)))
    return np.array(out)


def test_perceptron_errors_match_the_definition_with_margin():
    p = problems.storage(25, 1.0, inputs="gaussian", seed=0)
    for kappa in (0.0, 0.3, -0.4):
        model = Perceptron(25, weights="spherical", kappa=kappa)
        w = model.init(1) * 3.7  # errors do not depend on the norm
        stability = p.y * (p.X.astype(np.float64) @ w) / np.linalg.norm(w)
        assert model.errors(p, w) == np.sum(stability <= kappa)


def test_binary_perceptron_init_and_prediction():
    model = Perceptron(21)
    w = model.init(0)
    assert w.dtype == np.int8 and set(np.unique(w)) <= {-1, 1}
    p = problems.storage(21, 3.0, seed=2)
    assert np.array_equal(model.predict(p.X, w), np.sign(p.X.astype(int) @ w).astype(np.int8))
    assert model.errors(p, w) == np.sum(p.y * (p.X.astype(int) @ w) <= 0)


def test_spherical_init_lies_on_the_sphere():
    w = Perceptron(100, weights="spherical").init(4)
    assert np.dot(w, w) == pytest.approx(100)


@pytest.mark.parametrize("tree, activation, weights, second_layer, output, K", [
    (True, "sign", "binary", "fixed", "majority", 3),
    (False, "sign", "binary", "fixed", "majority", 5),
    (True, "sign", "binary", "fixed", "parity", 4),
    (True, "relu", "continuous", "fixed", "majority", 3),
    (False, "relu", "continuous", "trainable", "majority", 4),
    (False, "sign", "continuous", "trainable", "majority", 2),
])
def test_committee_output_matches_the_definition(tree, activation, weights, second_layer, output, K):
    N = 12 * K
    model = Committee(N, K, tree=tree, activation=activation, weights=weights,
                      second_layer=second_layer, output=output)
    p = problems.storage(N, 1.0, inputs="gaussian" if weights == "continuous" else "pm1", seed=1)
    w = model.init(2)
    if model.trainable:
        w = (w[0], np.random.default_rng(0).standard_normal(K))
    W, v = model.split(w)
    expected = direct_committee_output(model, p.X, W, v)
    assert np.allclose(model.output(p.X, w), expected)
    assert model.errors(p, w) == np.sum(p.y * expected <= 0)
    assert np.array_equal(model.unflatten(model.flatten(w))[0] if model.trainable
                          else model.unflatten(model.flatten(w)), W)
    assert model.flatten(w).shape == (model.n_params,)


def test_committee_zero_output_counts_as_error():
    model = Committee(4, 2, tree=True, activation="relu", weights="continuous")
    X = np.array([[1.0, 1.0, 1.0, 1.0]])
    W = -np.ones((2, 2))  # every unit inactive: output exactly zero
    p = problems.Problem(X, np.array([1]))
    assert model.output(X, W)[0] == 0 and model.errors(p, W) == 1
    assert model.predict(X, W)[0] == -1


def test_tree_committee_with_one_unit_is_a_perceptron():
    p = problems.storage(15, 2.0, seed=3)
    w = Perceptron(15).init(5)
    assert Committee(15, 1).errors(p, w[None, :]) == Perceptron(15).errors(p, w)


def test_test_error_is_a_fraction():
    p = problems.teacher_student(21, 1.0, test_size=200, seed=0)
    model = Perceptron(21)
    assert model.test_error(p, p.teacher) == 0.0
    assert model.test_error(p, -p.teacher) == 1.0
    with pytest.raises(ValueError, match="no test set"):
        model.test_error(problems.storage(21, 1.0, seed=0), p.teacher)


def test_spec_round_trip_and_equality():
    for model in (Perceptron(11, kappa=0.5), Committee(30, 3, tree=False, activation="relu",
                                                        weights="continuous", second_layer="trainable")):
        assert from_spec(model.spec()) == model
        assert hash(from_spec(model.spec())) == hash(model)
    with pytest.raises(ValueError, match="model must be one of"):
        from_spec({"model": "mlp"})


@pytest.mark.parametrize("build, message", [
    (lambda: Perceptron(0), "N must be >= 1"),
    (lambda: Perceptron(10, weights="ternary"), "weights must be one of"),
    (lambda: Perceptron(10, kappa=float("nan")), "kappa must be a finite"),
    (lambda: Committee(10, 2), "K must be odd"),
    (lambda: Committee(10, 3), "N must be divisible by K"),
    (lambda: Committee(9, 3, activation="relu", output="parity"), "output='parity' needs"),
    (lambda: Committee(9, 3, second_layer="trainable"), "needs weights='continuous'"),
    (lambda: Committee(9, 3, tree="yes"), "tree must be True or False"),
    (lambda: Committee(9, 0), "K must be >= 1"),
])
def test_models_reject_bad_arguments(build, message):
    with pytest.raises((ValueError, TypeError), match=message):
        build()


def test_models_reject_bad_weights_and_mismatched_problems():
    model = Perceptron(5)
    p = problems.storage(5, 1.0, seed=0)
    with pytest.raises(ValueError, match="w must have shape"):
        model.errors(p, np.ones(4))
    with pytest.raises(ValueError, match="only \\+1 and -1"):
        model.errors(p, np.array([1, 0, 1, 1, 1]))
    with pytest.raises(ValueError, match="expects N = 5"):
        model.errors(problems.storage(6, 1.0, seed=0), np.ones(5))
    with pytest.raises(ValueError, match="not identically zero"):
        Perceptron(5, weights="spherical").errors(p, np.zeros(5))
    c = Committee(6, 2, activation="relu", weights="continuous", second_layer="trainable")
    with pytest.raises(TypeError, match="pair"):
        c.errors(problems.storage(6, 1.0, seed=0), np.ones((2, 3)))


def test_every_sign_of_a_small_binary_perceptron_is_enumerated_consistently():
    p = problems.storage(7, 1.0, seed=9)
    model = Perceptron(7)
    errors = [model.errors(p, np.array(w, dtype=np.int8)) for w in itertools.product((-1, 1), repeat=7)]
    # w and -w misclassify complementary sets when N is odd (no zero fields)
    assert all(e + f == p.P for e, f in zip(errors, errors[::-1]))


def test_relu_ties_are_exactly_zero_for_integer_fields():
    # raw fields 4 + 2 - 6 with readout (+1, +1, -1) sum to exactly zero: an error
    model = Committee(8, 3, tree=False, activation="relu", weights="continuous", second_layer="trainable")
    X = np.array([[1.0] * 8])
    W = np.array([[1.0] * 6 + [-1.0] * 2, [1.0] * 5 + [-1.0] * 3, [1.0] * 7 + [-1.0]])
    w = (W, np.array([1.0, 1.0, -1.0]))
    assert model.output(X, w)[0] == 0.0
    assert model.errors(problems.Problem(X, np.array([1])), w) == 1


def test_relu_teacher_is_a_solution_of_its_own_labels():
    teacher = Committee(60, 3, activation="relu", weights="continuous")
    p = problems.teacher_student(60, 3.0, teacher=teacher, test_size=500, seed=0)
    assert teacher.errors(p, p.teacher) == 0 and teacher.test_error(p, p.teacher) == 0.0
    assert p.P == 180 and p.X_test.shape == (500, 60)
