"""CE SGD with norm annealing and its baselines: gradients, schedules and known answers."""
import numpy as np
import pytest

import naive_sgd
import wfm
from wfm.algorithms.minibatch import CrossEntropy, norm_schedule
from wfm.losses import Loss
from wfm.models import Committee, Perceptron
from wfm.problems import digits, storage, teacher_student

N = 12
MODELS = {
    "perceptron": Perceptron(N, "spherical"),
    "perceptron-kappa": Perceptron(N, "spherical", kappa=0.3),
    "perceptron-negative-kappa": Perceptron(N, "spherical", kappa=-0.4),
    "relu-tree": Committee(N, 3, tree=True, activation="relu", weights="continuous"),
    "relu-fc-trainable": Committee(N, 4, tree=False, activation="relu", weights="continuous",
                                   second_layer="trainable"),
    "sign-tree-trainable": Committee(N, 3, tree=True, activation="sign", weights="continuous",
                                     second_layer="trainable"),
    "sign-fc": Committee(N, 3, tree=False, activation="sign", weights="continuous"),
}
FAST = {"lr": 0.1, "batch_size": 10, "epochs": 500, "gamma": 1.0}


@pytest.fixture(scope="module")
def small():
    return storage(N, P=30, inputs="gaussian", seed=1)


def _point(model, seed, scale=1.7):
    """A generic point off the unit sphere, with a random trainable readout."""
    rng = np.random.default_rng(seed)
    theta = model.flatten(model.init(seed)) * scale
    if getattr(model, "trainable", False):
        theta[-model.K:] = rng.standard_normal(model.K)
    return theta


def _batch(ce, start, stop):
    return naive_sgd.gather(ce, np.arange(start, stop))


@pytest.mark.parametrize("name", MODELS)
def test_batch_gradient_matches_central_differences(small, name):
    model = MODELS[name]
    ce = CrossEntropy(small, model, 1.3)
    theta = _point(model, 2)
    Xb, yb = _batch(ce, 4, 21)
    h = 1e-6
    fd = np.array([(naive_sgd.value_and_gradient(ce, theta + h * e, Xb, yb, 1.7)[0]
                    - naive_sgd.value_and_gradient(ce, theta - h * e, Xb, yb, 1.7)[0]) / (2 * h)
                   for e in np.eye(theta.size)])
    np.testing.assert_allclose(naive_sgd.value_and_gradient(ce, theta, Xb, yb, 1.7)[1], fd, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", [name for name in MODELS if not MODELS[name].kappa])
def test_batch_loss_equals_wfm_losses(small, name):
    """Without a margin the fused mini-batch CE is exactly wfm.losses.Loss on that batch."""
    model = MODELS[name]
    ce = CrossEntropy(small, model, 1.3)
    loss = Loss(small, model, "ce", gamma=1.7, surrogate_beta=1.3)
    theta = _point(model, 3)
    value, grad = naive_sgd.value_and_gradient(ce, theta, *_batch(ce, 5, 19), 1.7)
    expected_value, expected_grad = loss.value_and_gradient(theta, np.arange(5, 19))
    assert value == pytest.approx(expected_value, rel=1e-12)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-10, atol=1e-14)


def test_margin_enters_as_norm_times_stability_minus_kappa(small):
    """On |w| = r sqrt(N) the perceptron's signed output is x = r (Delta - kappa)."""
    model = MODELS["perceptron-kappa"]
    ce = CrossEntropy(small, model, 1.0)
    r, gamma = 2.5, 1.3
    w = model.init(4) * r
    Delta = model.stabilities(small, w)
    value, _ = naive_sgd.value_and_gradient(ce, w, *naive_sgd.gather(ce, np.arange(ce.P)), gamma)
    x = r * (Delta - model.kappa)
    assert value == pytest.approx(np.mean(np.log1p(np.exp(-2 * gamma * x)) / (2 * gamma)), rel=1e-12)


@pytest.mark.parametrize("name", ["perceptron-kappa", "relu-fc-trainable", "sign-fc"])
def test_large_gamma_gradient_is_the_hinge_subgradient(small, name):
    """f_gamma -> max(0, -x): gradient -> -(1/B) sum_{x_mu < 0} dx_mu/dtheta away from the kink."""
    model = MODELS[name]
    ce = CrossEntropy(small, model, 1.3)
    gamma = 1e4

    def signed(theta):
        Xb = naive_sgd.gather(ce, np.arange(ce.P))[0]
        return naive_sgd.signed(ce, theta, naive_sgd.fields(ce, ce.split(theta)[0], Xb), ce.y)[0]

    # away from the kink (a ReLU pattern with every unit off has x = 0): exp(-2 gamma |x|) < 1e-80
    theta = next(t for t in (_point(model, seed) for seed in range(50)) if np.min(np.abs(signed(t))) > 0.01)
    value, grad = naive_sgd.value_and_gradient(ce, theta, *naive_sgd.gather(ce, np.arange(ce.P)), gamma)
    x = signed(theta)
    h = 1e-6
    hinge = np.zeros_like(theta)
    for i, e in enumerate(np.eye(theta.size)):
        hinge[i] = -np.sum(((signed(theta + h * e) - signed(theta - h * e)) / (2 * h))[x < 0]) / ce.P
    np.testing.assert_allclose(grad, hinge, rtol=1e-5, atol=1e-8)
    assert value == pytest.approx(np.mean(np.maximum(0.0, -x)), abs=1e-4)


def test_norm_schedule_shapes():
    r, end = norm_schedule("constant", 5, 2.0, 0.1, 3, 4)
    np.testing.assert_array_equal(r, [2.0] * 5)
    assert end == 0
    r, end = norm_schedule("fast", 6, 2.0, 0.5, 2, 4)
    np.testing.assert_allclose(r, [2.0, 1.0, 0.5, 0.5, 0.5, 0.5])
    assert end == 2
    r, end = norm_schedule("slow", 6, 2.0, 0.5, 2, 4)
    np.testing.assert_allclose(r, 2.0 * 0.25 ** (np.minimum(np.arange(6), 4) / 4))
    assert end == 4
    r, end = norm_schedule([3.0, 2.0, 1.5], 5, 1.0, 1.0, 1, 1)
    np.testing.assert_array_equal(r, [3.0, 2.0, 1.5, 1.5, 1.5])
    assert end == 2


@pytest.mark.parametrize("schedule", ["fast", "slow", [2.0, 1.5, 1.2, 1.0, 0.9]])
def test_norm_history_follows_the_schedule_exactly(schedule):
    problem = storage(60, 1.0, seed=3)
    model = Committee(60, 3, tree=False, activation="sign", weights="continuous")
    result = wfm.solve(problem, model, "sgd", seed=0, epochs=30, schedule=schedule, norm=2.0,
                       norm_final=0.5, fast_epochs=3, slow_epochs=20, early_stop=False, gamma=1.0)
    expected, _ = norm_schedule(schedule, 30, 2.0, 0.5, 3, 20)
    assert result.iterations == 30
    np.testing.assert_allclose(result.history["norm"], np.repeat(expected[:, None], 3, axis=1),
                               rtol=1e-12)
    np.testing.assert_array_equal(result.history["schedule"], expected)
    np.testing.assert_array_equal(result.history["gamma"], np.ones(30))


def test_gamma_annealing_keeps_unit_norms():
    problem = storage(40, 1.0, seed=3)
    model = Perceptron(40, "spherical")
    result = wfm.solve(problem, model, "sgd", seed=0, epochs=12, schedule="fast", anneal="gamma",
                       gamma=2.0, norm=4.0, norm_final=1.0, fast_epochs=4, early_stop=False)
    expected, _ = norm_schedule("fast", 12, 4.0, 1.0, 4, 1)
    np.testing.assert_allclose(result.history["gamma"], 2.0 * expected)
    np.testing.assert_allclose(result.history["norm"], 1.0, rtol=1e-12)


def test_early_stop_waits_for_the_end_of_the_schedule():
    problem = storage(101, 0.3, seed=0)
    model = Perceptron(101, "spherical")
    result = wfm.solve(problem, model, "sgd", seed=0, schedule="slow", norm=1.0, norm_final=0.5,
                       slow_epochs=15, lr=1.0, batch_size=10, epochs=300, gamma=1.0)
    errors = result.history["errors"]
    assert result.solved
    assert np.any(errors[:15] == 0)  # solved during the schedule, yet not stopped there
    assert result.iterations >= 16 and errors[-1] == 0
    assert np.all(errors[15:-1] > 0)  # stopped at the first solved epoch t >= 15
    no_wait = wfm.solve(problem, model, "sgd", seed=0, lr=1.0, batch_size=10, epochs=300, gamma=1.0)
    assert no_wait.iterations == np.argmax(no_wait.history["errors"] == 0) + 1 < 15


def test_weight_decay_reduces_the_norm():
    problem = storage(60, 0.5, seed=2)
    model = Perceptron(60, "spherical")
    common = dict(seed=0, lr=0.01, batch_size=10, epochs=60, early_stop=False, gamma=1.0)
    decayed = wfm.solve(problem, model, "sgd", norm_control="weight_decay", weight_decay=0.05, **common)
    free = wfm.solve(problem, model, "sgd", norm_control="none", **common)
    norms = decayed.history["norm"][:, 0]
    assert norms[-1] < 0.6 * norms[0]
    assert np.all(np.diff(norms[10:]) < 0)
    assert norms[-1] < free.history["norm"][-1, 0]


@pytest.mark.parametrize("kappa, alpha", [(0.0, 1.0), (-0.5, 1.5), (0.3, 0.5)])
def test_spherical_perceptron_below_capacity_is_solved(kappa, alpha):
    """Storage well below the Gardner capacity (alpha_c(0) = 2, larger for kappa < 0)."""
    problem = storage(101, alpha, seed=2)
    model = Perceptron(101, "spherical", kappa=kappa)
    result = wfm.solve(problem, model, "sgd", seed=0, norm=5.0, **FAST)
    assert result.solved
    assert np.min(model.stabilities(problem, result.w)) > kappa
    assert result.history["errors"][-1] == 0


def test_teacher_student_perceptron_is_solved_and_generalizes():
    problem = teacher_student(101, 1.0, teacher=Perceptron(101, "spherical"), seed=3)
    result = wfm.solve(problem, Perceptron(101, "spherical"), "sgd", seed=7, norm=5.0, **FAST)
    assert result.solved
    assert result.extra["test_error"] < 0.45


@pytest.mark.parametrize("teacher, student", [
    (Committee(60, 3, tree=True, activation="sign", weights="continuous"),
     Committee(60, 3, tree=True, activation="sign", weights="continuous")),
    (Committee(60, 3, tree=False, activation="relu", weights="continuous"),
     Committee(60, 9, tree=False, activation="relu", weights="continuous", second_layer="trainable")),
])
def test_committee_learns_a_planted_teacher(teacher, student):
    problem = teacher_student(60, 1.0, teacher=teacher, seed=4, test_size=500)
    result = wfm.solve(problem, student, "sgd", seed=5, lr=0.03, batch_size=10, epochs=500, gamma=1.0,
                       relu_leak=0.0)
    assert result.solved
    assert result.extra["test_error"] < 0.42


def test_digits_task_reports_test_error():
    problem = digits(seed=0, train_size=200)
    model = Committee(64, 3, tree=False, activation="sign", weights="continuous")
    result = wfm.solve(problem, model, "sgd", seed=0, lr=0.03, batch_size=10, epochs=100, gamma=1.0)
    assert result.extra["test_error"] == pytest.approx(model.test_error(problem, result.w))
    assert result.extra["test_error"] < 0.25
    assert result.history["errors"][-1] < 0.2 * problem.P


@pytest.mark.parametrize("algorithm", ["sgd", "entropy_sgd", "rsgd"])
def test_same_seed_same_run(algorithm):
    problem = storage(40, 1.0, seed=1)
    model = Committee(40, 3, tree=False, activation="sign", weights="continuous")
    runs = [wfm.solve(problem, model, algorithm, seed=seed, epochs=5, early_stop=False)
            for seed in (4, 4, 5)]
    np.testing.assert_array_equal(runs[0].w, runs[1].w)
    np.testing.assert_array_equal(runs[0].history["loss"], runs[1].history["loss"])
    assert not np.array_equal(runs[0].w, runs[2].w)


@pytest.mark.parametrize("algorithm, params", [
    ("entropy_sgd", {"lr": 0.1, "batch_size": 10, "inner_steps": 3, "coupling": 0.03, "gamma": 1.0}),
    ("rsgd", {"lr": 0.1, "batch_size": 10, "replicas": 3, "gamma": 1.0}),
    ("rsgd", {"lr": 0.1, "batch_size": 10, "replicas": 3, "answer": "best", "gamma": 1.0}),
])
def test_baselines_solve_a_separable_instance(algorithm, params):
    problem = storage(101, 1.0, seed=2)
    model = Perceptron(101, "spherical")
    result = wfm.solve(problem, model, algorithm, seed=0, norm=5.0, epochs=500, **params)
    assert result.solved
    assert result.history["coupling"][-1] >= result.history["coupling"][0]


def test_rsgd_replicas_collapse_on_the_centre_as_the_coupling_grows():
    problem = storage(60, 0.5, seed=2)
    model = Committee(60, 3, tree=False, activation="sign", weights="continuous")
    result = wfm.solve(problem, model, "rsgd", seed=0, epochs=100, coupling=0.05, coupling_growth=0.1,
                       lr=0.03, batch_size=10, early_stop=False, gamma=1.0)
    distance = result.history["distance"]
    assert distance[-1] < 1e-6 * distance[:5].max()
    np.testing.assert_array_equal(result.extra["replica_errors"], result.extra["centre_errors"])


@pytest.mark.parametrize("params, message", [
    ({"schedule": "slowest"}, "schedule"),
    ({"schedule": [1.0, -1.0]}, "schedule"),
    ({"schedule": "fast", "norm_control": "weight_decay"}, "norm_control"),
    ({"lr": 0.0}, "lr"),
    ({"batch_size": 0}, "batch_size"),
    ({"norm_final": 0.0, "schedule": "fast"}, "norm_final"),
    ({"early_stop": 1}, "early_stop"),
])
def test_bad_parameters_are_refused(params, message):
    problem = storage(20, 1.0, seed=0)
    with pytest.raises((ValueError, TypeError), match=message):
        wfm.solve(problem, Perceptron(20, "spherical"), "sgd", seed=0, **params)


def test_binary_weights_are_refused():
    with pytest.raises(ValueError, match="binary weights"):
        wfm.solve(storage(21, 1.0, seed=0), Perceptron(21), "sgd", seed=0)


def test_lr_is_the_step_per_pattern():
    """One batch of all P patterns moves theta by lr times the sum of their gradients."""
    problem = storage(30, P=20, inputs="gaussian", seed=4)
    model = Perceptron(30, "spherical")
    result = wfm.solve(problem, model, "sgd", seed=2, lr=0.05, batch_size=20, epochs=1, norm_control="none",
                       early_stop=False)
    ce = CrossEntropy(problem, model, 1.0)
    theta = model.flatten(model.init(np.random.default_rng(2)))
    gradient = naive_sgd.gradient(ce, theta, *naive_sgd.gather(ce, np.arange(20)), wfm.algorithms.get("sgd").defaults["gamma"])
    np.testing.assert_allclose(result.w, theta - 0.05 * 20 * gradient, rtol=1e-12)


@pytest.mark.parametrize("algorithm", ["sgd", "entropy_sgd", "rsgd"])
def test_defaults_separate_the_spherical_perceptron(algorithm):
    """Gaussian patterns at alpha = 1.2 (below the capacity 2), N = 501: the perceptron rule
    separates them in tens of epochs; the defaults do in a few hundred."""
    problem = storage(501, 1.2, inputs="gaussian", seed=0)
    result = wfm.solve(problem, Perceptron(501, "spherical"), algorithm, seed=0)
    assert result.solved and result.iterations < 500


@pytest.mark.parametrize("algorithm", ["sgd", "entropy_sgd", "rsgd"])
def test_defaults_solve_the_relu_tree_committee(algorithm):
    """ReLU tree committee K = 4, N = 316, alpha = 0.8: zero training errors with the defaults."""
    problem = storage(316, 0.8, inputs="gaussian", seed=0)
    model = Committee(316, 4, tree=True, activation="relu", weights="continuous")
    result = wfm.solve(problem, model, algorithm, seed=0)
    assert result.solved and result.iterations < 1000


def test_relu_leak_gives_dead_patterns_a_gradient():
    """A pattern whose ReLU fields are all negative has output 0 (an error) and, with the true
    derivative, no gradient; relu_leak gives it one (and changes nothing else)."""
    model = Committee(12, 3, tree=True, activation="relu", weights="continuous")
    problem = storage(12, P=40, inputs="gaussian", seed=5)
    theta = model.flatten(model.init(1))
    plain, leaky = CrossEntropy(problem, model, 1.0), CrossEntropy(problem, model, 1.0, relu_leak=0.3)
    X, y = naive_sgd.gather(plain, np.arange(40))
    lam = naive_sgd.fields(plain, plain.split(theta)[0], X)
    dead = np.flatnonzero(np.all(lam <= 0, axis=0))
    alive = np.flatnonzero(np.all(lam > 0, axis=0))
    assert len(dead) and len(alive)
    np.testing.assert_array_equal(naive_sgd.gradient(plain, theta, *naive_sgd.gather(plain, dead), 1.0), 0.0)
    assert np.linalg.norm(naive_sgd.gradient(leaky, theta, *naive_sgd.gather(leaky, dead), 1.0)) > 0
    np.testing.assert_array_equal(naive_sgd.gradient(leaky, theta, *naive_sgd.gather(leaky, alive), 1.0),
                                  naive_sgd.gradient(plain, theta, *naive_sgd.gather(plain, alive), 1.0))
    assert leaky.evaluate(theta, 1.0) == plain.evaluate(theta, 1.0)
