"""LAL and eLAL: kernel against its NumPy twin, known answers, the uncoupled limit."""
import itertools

import numpy as np
import pytest

import naive_monte_carlo as naive
import wfm
from wfm._kernels import lal as kernels
from wfm.algorithms.least_action import run_elal
from wfm.models import Committee, Perceptron
from wfm.problems import storage, teacher_student


@pytest.mark.parametrize("weights", ["binary", "continuous"])
@pytest.mark.parametrize("tree", [True, False])
@pytest.mark.parametrize("replicas, kick, batches", [(1, 0.0, 100), (3, 0.75, 4), (2, 0.5, 3), (3, 0.0, 5)])
def test_elal_matches_naive_twin(weights, tree, replicas, kick, batches):
    model = Committee(15 if tree else 7, 3, tree=tree, weights=weights)
    problem = storage(model.N, P=3 * model.N, seed=1)  # usually unsolvable: the run goes on
    epochs, eta, init, gamma0, gamma_step = 8, 0.7, 1.5, 0.2, 0.3
    out = run_elal(problem, model, np.random.default_rng(2), replicas=replicas, epochs=epochs, eta=eta,
                   init=init, batches=batches, kick=kick, gamma0=gamma0, gamma_step=gamma_step)
    rng = np.random.default_rng(2)
    h0 = np.asarray(model.init(rng), dtype=np.float64)
    if model.binary:
        h0 *= init
    seed = int(rng.integers(0, 2**31 - 1))
    batch = -(-problem.P // batches)
    gammas = gamma0 + gamma_step * np.arange(epochs)
    h, centre, answer, done = naive.elal(problem, model, np.repeat(h0[None], replicas, axis=0), model.binary,
                                         eta, batch, kick, gammas, seed)
    assert out["iterations"] == done
    expected = {-1: "none", replicas: "centre"}.get(answer, "replica")
    assert out["extra"]["answer"] == expected
    states = h[answer] if expected == "replica" else centre
    reference = np.where(states > 0, 1, -1) if model.binary else states
    np.testing.assert_allclose(out["w"], reference, atol=1e-9)
    errors = [model.errors(problem, np.where(h[a] > 0, 1, -1).astype(np.int8) if model.binary else h[a])
              for a in range(replicas)]
    np.testing.assert_array_equal(out["extra"]["replica_errors"], errors)


def test_lal_choice_takes_the_fewest_wrong_units_of_smallest_field():
    # K = 5, sigma = +1, fields (-3, -1, -2, +4, -5): 1 correct unit, 2 more needed: units 1, 2.
    chosen = np.zeros(5, np.bool_)
    assert kernels.lal_choice(np.array([-3.0, -1.0, -2.0, 4.0, -5.0]), 1, chosen)
    np.testing.assert_array_equal(chosen, [False, True, True, False, False])
    assert not kernels.lal_choice(np.array([1.0, 2.0, -1.0, 4.0, -5.0]), 1, chosen)
    assert not chosen.any()


def test_kick_moves_a_dissenting_binary_replica_towards_the_majority():
    # y = 3 replicas of one weight, X = 0 so LAL never moves: only the kick acts. Replicas 0, 1
    # hold +1 and replica 2 holds -1 (h = -0.2); the kick with gamma y |m| large gives
    # h <- h + lambda (sign(m) - w) = -0.2 + 0.6 * 2 > 0 for the dissenter and no change for
    # the others, so after one epoch all agree and the centre (majority) stays +1.
    X = np.zeros((2, 1), dtype=np.int8)
    labels = np.array([1, -1], dtype=np.int8)
    h = np.array([[[0.5]], [[0.7]], [[-0.2]]])
    hist = [np.zeros(1) for _ in range(5)]
    kernels.replicated_lal(X, labels, h, True, True, 1.0, 1, 0.6, np.array([100.0]), 0, np.zeros((1, 1)),
                           *hist, np.zeros(3, np.int64))
    np.testing.assert_allclose(h[:, 0, 0], [0.5, 0.7, 1.0], atol=1e-12)
    assert hist[3][0] == 0.0  # distance of the replicas to the majority


def _tree_has_binary_solution(problem, model):
    """Exact enumeration for a binary sign tree committee: each unit's 2^n weight vectors give
    a set of output sign vectors on the P patterns; try every combination of one per unit."""
    n, K = model.n, model.K
    W = np.array(list(itertools.product((-1, 1), repeat=n)), dtype=np.float64)
    signs = []
    for k in range(K):
        fields = problem.X[:, k * n:(k + 1) * n].astype(np.float64) @ W.T  # (P, 2^n)
        signs.append(np.unique(np.where(fields > 0, 1, -1).T, axis=0))
    for combination in itertools.product(*signs):
        if np.all(np.sign(np.sum(combination, axis=0)) == problem.y):
            return True
    return False


def test_solves_enumerated_binary_instances():
    # Binary LAL is deterministic given the pattern sequence and can cycle on tiny instances
    # (about one run in five at n = 9); every instance must be solved within three seeds by
    # LAL and at the first seed by eLAL.
    model = Committee(27, 3)
    for seed in range(5):
        problem = storage(27, P=6, seed=seed)
        assert _tree_has_binary_solution(problem, model)
        assert wfm.solve(problem, model, "elal", seed=seed, epochs=300).solved
        assert any(wfm.solve(problem, model, "lal", seed=10 * seed + r, epochs=300).solved for r in range(3))


@pytest.mark.parametrize("algorithm", ["lal", "elal"])
@pytest.mark.parametrize("weights", ["binary", "continuous"])
@pytest.mark.parametrize("tree", [True, False])
def test_solves_planted_teacher_instances(algorithm, weights, tree):
    model = Committee(75 if tree else 25, 3, tree=tree, weights=weights)
    for seed in range(3):
        problem = teacher_student(model.N, P=40, teacher=model, test_size=10, seed=seed)
        result = wfm.solve(problem, model, algorithm, seed=seed, epochs=500)
        assert result.solved, (seed, result.history["energy"][-5:])


@pytest.mark.parametrize("weights", ["binary", "continuous"])
def test_elal_with_one_replica_and_no_coupling_is_lal(weights):
    model = Committee(45, 3, weights=weights)
    problem = storage(45, P=60 if weights == "binary" else 120, seed=3)
    a = wfm.solve(problem, model, "lal", seed=5, epochs=40)
    b = wfm.solve(problem, model, "elal", seed=5, epochs=40, replicas=1, kick=0.0, batches=problem.P,
                  eta=1.0, init=3.0)
    np.testing.assert_array_equal(a.w, b.w)
    np.testing.assert_array_equal(a.history["energy"], b.history["energy"])
    assert a.iterations == b.iterations


@pytest.mark.parametrize("weights", ["binary", "continuous"])
def test_history_and_coupling_pull_replicas_together(weights):
    model = Committee(45, 3, weights=weights)
    problem = storage(45, P=90 if weights == "binary" else 200, seed=0)
    out = wfm.solve(problem, model, "elal", seed=1, epochs=30, gamma0=0.5, gamma_step=0.1)
    assert set(out.history) == {"gamma", "energy", "best", "centre_errors", "distance", "moved", "moves"}
    np.testing.assert_allclose(out.history["gamma"], 0.5 + 0.1 * np.arange(out.iterations))
    free = wfm.solve(problem, model, "elal", seed=1, epochs=30, kick=0.0)
    assert not out.solved and not free.solved
    assert out.history["distance"][-1] < 0.5 * free.history["distance"][-1]


@pytest.mark.parametrize("params, message", [
    ({"kick": -0.5}, "kick must be >= 0"),
    ({"gamma0": 0.0, "gamma_step": 0.0}, "gamma0 and gamma_step are both 0"),
    ({"batches": 0}, "batches must be >= 1"),
    ({"eta": 0.0}, "eta must be > 0"),
    ({"init": -1.0}, "init must be > 0"),
    ({"replicas": 0}, "replicas must be >= 1"),
])
def test_bad_parameters_are_refused(params, message):
    problem = storage(15, P=10, seed=0)
    with pytest.raises(ValueError, match=message):
        wfm.solve(problem, Committee(15, 3), "elal", seed=0, **params)


@pytest.mark.parametrize("model", [Perceptron(15), Committee(16, 4, activation="relu"),
                                   Committee(15, 3, output="parity")])
def test_unsupported_models_are_refused(model):
    with pytest.raises(ValueError, match="does not support"):
        wfm.solve(storage(model.N, P=10, seed=0), model, "lal", seed=0)
