"""Energy kernels against their NumPy twins, incremental state against full recomputation."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numba import njit

import naive_energy as naive
from wfm._kernels import codes
from wfm._kernels import energy as kernels
from wfm.energy import EnergyState
from wfm.models import Committee, Perceptron
from wfm.problems import Problem, storage

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def make_problem(N, P, inputs, seed):
    """+-1 (int8), float32 Gaussian or float64 Gaussian patterns with random labels."""
    if inputs == "pm1":
        return storage(N, P=P, inputs="pm1", seed=seed)
    problem = storage(N, P=P, inputs="gaussian", seed=seed)
    if inputs == "gaussian64":
        problem = Problem(problem.X.astype(np.float64), problem.y)
    return problem


def assert_fields(kernel_value, naive_value):
    """Exact agreement for integer arrays, 1e-9 otherwise."""
    if kernel_value.dtype.kind == "i":
        np.testing.assert_array_equal(kernel_value, naive_value)
    else:
        np.testing.assert_allclose(kernel_value, naive_value, rtol=0, atol=1e-9)


INPUTS = st.sampled_from(["pm1", "gaussian32"])  # float64 patterns: see WALKS
KAPPAS = st.sampled_from([0.0, 0.37, -0.8, 1.5])


# -- perceptron kernels -----------------------------------------------------------------------

@SETTINGS
@given(N=st.integers(5, 40), P=st.integers(1, 60), inputs=INPUTS, binary=st.booleans(),
       kappa=KAPPAS, seed=st.integers(0, 2**16))
def test_perceptron_kernels_match_naive(N, P, inputs, binary, kappa, seed):
    problem = make_problem(N, P, inputs, seed)
    model = Perceptron(N, "binary" if binary else "spherical", kappa)
    rng = np.random.default_rng(seed)
    w = model.init(rng)
    if not binary:
        w *= rng.uniform(0.5, 2.0)  # off the sphere: the threshold must use the actual |w|
    integer = binary and inputs == "pm1"
    s = np.empty(P, np.int32 if integer else np.float64)
    kernels.perceptron_stabilities(problem.X, problem.y, w, s)
    assert_fields(s, naive.perceptron_stabilities(problem.X, problem.y, w))
    norm2 = float(np.dot(w.astype(np.float64), w))
    if integer:
        threshold = kernels.perceptron_integer_threshold(kappa, N)
        assert threshold == naive.perceptron_integer_threshold(kappa, N)
    else:
        threshold = kappa * np.sqrt(norm2)
    assert kernels.count_at_most(s, threshold) == naive.count_at_most(s, threshold)
    XT, y = problem.XT, problem.y
    for i in rng.integers(0, N, size=3):
        if binary:
            dE = kernels.perceptron_flip_delta(XT, y, s, w, i, threshold)
            assert dE == naive.perceptron_flip_delta(XT, y, s, w, i, threshold)
            new_s, new_w = naive.perceptron_flip(XT, y, s, w, i)
            kernels.perceptron_flip(XT, y, s, w, i)
        else:
            step = float(rng.normal())
            dE = kernels.perceptron_shift_delta(XT, y, s, w, i, step, norm2, kappa)
            assert dE == naive.perceptron_shift_delta(XT, y, s, w, i, step, norm2, kappa)
            new_s, new_w, new_norm2 = naive.perceptron_shift(XT, y, s, w, i, step, norm2)
            norm2 = kernels.perceptron_shift(XT, y, s, w, i, step, norm2)
            assert norm2 == pytest.approx(new_norm2, rel=1e-12)
        assert_fields(s, new_s)
        assert_fields(w, new_w)


def test_integer_threshold_matches_naive_on_ties():
    # kappa exactly on a representable stability t / sqrt(N): the rounding cases that a plain
    # float comparison s <= kappa * sqrt(N) can get wrong.
    for N in (1, 2, 3, 5, 7, 31, 101, 1001):
        r = np.sqrt(np.float64(N))
        for t in range(-N - 2, N + 3):
            kappa = t / r
            for k in (kappa, np.nextafter(kappa, -np.inf), np.nextafter(kappa, np.inf)):
                assert kernels.perceptron_integer_threshold(k, N) == naive.perceptron_integer_threshold(k, N)
    for kappa in (-1e300, 1e300, 0.0, -0.0):
        assert kernels.perceptron_integer_threshold(kappa, 11) == naive.perceptron_integer_threshold(kappa, 11)


@pytest.mark.parametrize("N, t", [(15, 1), (19, 3), (22, -6), (23, 5)])
def test_energy_on_the_margin_matches_the_model(N, t):
    # kappa = t / sqrt(N) with fl(kappa * sqrt(N)) != t: a float test s <= kappa sqrt(N) would
    # disagree with the model's s / sqrt(N) <= kappa on the patterns with s = t.
    kappa = t / np.sqrt(N)
    assert (t <= kappa * np.sqrt(N)) != (t / np.sqrt(N) <= kappa)
    problem = storage(N, P=200, seed=4)
    model = Perceptron(N, kappa=kappa)
    state = EnergyState(problem, model, model.init(5))
    assert np.any(state.s == t)
    assert state.energy == model.errors(problem, state.w)
    state.verify()


# -- committee kernels ------------------------------------------------------------------------

RULES = st.sampled_from([("sign", "majority"), ("relu", "majority"), ("sign", "parity")])


@st.composite
def committees(draw):
    K = draw(st.sampled_from([1, 3, 5]))
    tree = draw(st.booleans())
    activation, output = draw(RULES)
    if tree:
        n = draw(st.integers(max(1, -(-5 // K)), 40 // K))
        N = K * n
    else:
        N = draw(st.integers(5, 40))
    weights = draw(st.sampled_from(["binary", "continuous"]))
    return Committee(N, K, tree=tree, activation=activation, weights=weights, output=output)


@SETTINGS
@given(model=committees(), P=st.integers(1, 60), inputs=INPUTS, seed=st.integers(0, 2**16))
def test_committee_kernels_match_naive(model, P, inputs, seed):
    problem = make_problem(model.N, P, inputs, seed)
    rng = np.random.default_rng(seed)
    W = model.init(rng)
    v = np.array(model.readout)
    rule = {"sign": codes.SIGN, "relu": codes.RELU}[model.activation]
    if model.output_rule == "parity":
        rule = codes.PARITY
    integer = model.binary and inputs == "pm1"
    H = np.empty((model.K, P), np.int32 if integer else np.float64)
    S = np.empty(P)
    kernels.committee_fields(problem.X, W, model.tree, H)
    assert_fields(H, naive.committee_fields(problem.X, W, model.tree))
    kernels.committee_outputs(H, v, rule, S)
    assert_fields(S, naive.committee_outputs(H, v, rule))
    model_output = model.output(problem.X, W)  # same sign away from exact ties
    clear = np.abs(model_output) > 1e-9
    np.testing.assert_array_equal((S > 0)[clear], (model_output > 0)[clear])
    assert kernels.committee_energy(problem.y, S) == naive.committee_energy(problem.y, S)
    XT, y = problem.XT, problem.y
    for _ in range(3):
        k, j = int(rng.integers(model.K)), int(rng.integers(model.n))
        assert kernels.committee_input(model.tree, model.n, k, j) == naive.committee_input(model.tree, model.n, k, j)
        if model.binary:
            dE = kernels.committee_flip_delta(XT, y, H, S, W, v, rule, model.tree, k, j)
            assert dE == naive.committee_flip_delta(XT, y, H, S, W, v, rule, model.tree, k, j)
            new_H, new_S, new_W = naive.committee_flip(XT, H, S, W, v, rule, model.tree, k, j)
            kernels.committee_flip(XT, H, S, W, v, rule, model.tree, k, j)
        else:
            step = float(rng.normal())
            dE = kernels.committee_shift_delta(XT, y, H, S, W, v, rule, model.tree, k, j, step)
            assert dE == naive.committee_shift_delta(XT, y, H, S, W, v, rule, model.tree, k, j, step)
            new_H, new_S, new_W = naive.committee_shift(XT, H, S, W, v, rule, model.tree, k, j, step)
            kernels.committee_shift(XT, H, S, W, v, rule, model.tree, k, j, step)
        assert_fields(H, new_H)
        assert_fields(S, new_S)
        assert_fields(W, new_W)


# -- EnergyState: random walks against full recomputation and the model -----------------------

WALKS = [
    (Perceptron(31), "pm1"),
    (Perceptron(31, kappa=0.4), "pm1"),
    (Perceptron(30, kappa=-0.3), "gaussian32"),
    (Perceptron(30, "spherical", kappa=0.5), "pm1"),
    (Perceptron(30, "spherical", kappa=-0.7), "gaussian64"),
    (Committee(30, 3), "pm1"),
    (Committee(24, 3, tree=False, activation="relu"), "pm1"),
    (Committee(25, 5, output="parity"), "gaussian32"),
    (Committee(20, 5, tree=False, activation="relu", weights="continuous"), "gaussian64"),
    (Committee(21, 3, weights="continuous"), "pm1"),
]


def random_move(state, rng):
    size = state.weights.size
    index = int(rng.integers(size))
    if state.kind == "committee" and rng.random() < 0.5:
        index = divmod(index, state.n)
    return index, None if state.binary else float(rng.normal(0, 0.5))


@pytest.mark.parametrize("model, inputs", WALKS, ids=[f"{m!r}-{i}" for m, i in WALKS])
def test_random_walk_matches_recomputation(model, inputs):
    problem = make_problem(model.N, 45, inputs, seed=11)
    rng = np.random.default_rng(12)
    state = EnergyState(problem, model, model.init(rng))
    state.verify()
    energies = set()
    for step in range(2000):
        state.move(*random_move(state, rng))
        energies.add(state.energy)
        if step % 4 == 0:
            state.verify()
    state.verify()
    assert len(energies) > 3  # the walk did visit different energies


@pytest.mark.parametrize("model, inputs", WALKS, ids=[f"{m!r}-{i}" for m, i in WALKS])
def test_delta_predicts_move_and_leaves_state_alone(model, inputs):
    problem = make_problem(model.N, 40, inputs, seed=21)
    rng = np.random.default_rng(22)
    state = EnergyState(problem, model, model.init(rng))
    names = ["s", "w"] if state.kind == "perceptron" else ["H", "S", "W"]
    nonzero = 0
    for _ in range(200):
        index, step = random_move(state, rng)
        before = {name: getattr(state, name).copy() for name in names}
        energy, norm2 = state.energy, state.norm2
        dE = state.delta(index, step)
        for name in names:
            np.testing.assert_array_equal(getattr(state, name), before[name])
        assert (state.energy, state.norm2) == (energy, norm2)
        assert state.move(index, step) == dE
        assert state.energy == energy + dE
        nonzero += dE != 0
    state.verify()
    assert nonzero > 0


def test_verify_tolerates_model_rounding_at_exact_relu_ties():
    # Raw fields (4, 2, 6) with readout (+1, +1, -1): the exact output is 0, an error; the
    # model's float sum 4/r + 2/r - 6/r may round to +-1e-16. The state keeps the exact answer.
    # (With NumPy 2.4 / OpenBLAS the model gives +2.2e-16 for pattern 0 and 0 errors.)
    model = Committee(12, 3, tree=False, activation="relu")
    W = np.ones((3, 12), np.int8)
    W[0, :4], W[1, :5], W[2, :3] = -1, -1, -1
    X = np.ones((2, 12), np.int8)
    X[1, 0] = -1
    problem = Problem(X, np.ones(2, np.int8))
    state = EnergyState(problem, model, W)
    np.testing.assert_array_equal(state.H[:, 0], [4, 2, 6])
    assert state.S[0] == 0
    state.verify()
    assert state.energy == 1 + (state.S[1] <= 0)


@pytest.mark.parametrize("model, inputs", [WALKS[1], WALKS[4], WALKS[6], WALKS[8]])
def test_verify_detects_a_corrupted_state(model, inputs):
    problem = make_problem(model.N, 30, inputs, seed=31)
    state = EnergyState(problem, model, model.init(32))
    fields = state.s if state.kind == "perceptron" else state.H
    fields.flat[0] += 2
    with pytest.raises(RuntimeError, match="differs from its recomputation"):
        state.verify()
    fields.flat[0] -= 2
    state.verify()
    state.energy += 1
    with pytest.raises(RuntimeError, match="energy"):
        state.verify()


def test_verify_compares_with_the_model():
    problem = storage(30, P=40, seed=7)
    for model, other in [(Perceptron(30), Perceptron(30, kappa=0.9)),
                         (Committee(30, 3, activation="relu"), Committee(30, 3, output="parity"))]:
        state = EnergyState(problem, model, model.init(8))
        assert other.errors(problem, state.weights) != state.energy
        state.model = other
        with pytest.raises(RuntimeError, match="model.errors"):
            state.verify()


def test_state_copies_the_weights():
    model = Perceptron(11)
    w = model.init(1)
    state = EnergyState(storage(11, P=20, seed=2), model, w)
    state.move(0)
    assert w[0] == -state.w[0]


# -- kernels called from another njit function ------------------------------------------------

@njit
def greedy_descent(XT, y, s, w, threshold, sweeps):
    # Zero-temperature single-flip descent: accept every flip with dE <= 0.
    E = kernels.count_at_most(s, threshold)
    for _ in range(sweeps):
        for i in range(w.shape[0]):
            dE = kernels.perceptron_flip_delta(XT, y, s, w, i, threshold)
            if dE <= 0:
                kernels.perceptron_flip(XT, y, s, w, i)
                E += dE
    return E


def test_kernels_compose_inside_njit_code():
    model = Perceptron(41, kappa=0.2)
    problem = storage(41, P=30, seed=5)
    state = EnergyState(problem, model, model.init(6))
    start = state.energy
    state.energy = greedy_descent(state.XT, state.y, state.s, state.w, state.threshold, 5)
    state.verify()
    assert state.energy < start


# -- argument checks --------------------------------------------------------------------------

def test_bad_arguments():
    problem = storage(12, P=10, seed=0)
    perceptron, committee = Perceptron(12), Committee(12, 3)
    with pytest.raises(ValueError, match="w must have shape"):
        EnergyState(problem, perceptron, np.ones(11, np.int8))
    with pytest.raises(ValueError, match="W must have shape"):
        EnergyState(problem, committee, np.ones((3, 5), np.int8))
    with pytest.raises(ValueError, match="N = 13"):
        EnergyState(problem, Perceptron(13), np.ones(13, np.int8))
    with pytest.raises(ValueError, match="second_layer='trainable'"):
        trainable = Committee(12, 3, activation="relu", weights="continuous", second_layer="trainable")
        EnergyState(problem, trainable, trainable.init(0))
    with pytest.raises(TypeError, match="model must be"):
        EnergyState(problem, "perceptron", np.ones(12, np.int8))
    with pytest.raises(TypeError, match="problem must be"):
        EnergyState(problem.X, perceptron, np.ones(12, np.int8))
    state = EnergyState(problem, perceptron, np.ones(12, np.int8))
    with pytest.raises(ValueError, match="index must be <= 11, got 12"):
        state.delta(12)
    with pytest.raises(ValueError, match="index must be >= 0"):
        state.move(-1)
    with pytest.raises(TypeError, match="index must be an integer"):
        state.delta(1.5)
    with pytest.raises(ValueError, match="step must be None"):
        state.delta(0, 0.1)
    cstate = EnergyState(problem, committee, committee.init(0))
    with pytest.raises(ValueError, match="index must be <= 11"):
        cstate.delta(12)
    with pytest.raises(ValueError, match="index k must be <= 2, got 3"):
        cstate.delta((3, 0))
    with pytest.raises(ValueError, match="index j must be <= 3, got 4"):
        cstate.move((0, 4))
    with pytest.raises(ValueError, match="pair"):
        cstate.delta((0, 1, 2))
    spherical = Perceptron(12, "spherical")
    sstate = EnergyState(problem, spherical, spherical.init(0))
    with pytest.raises(ValueError, match="step is required"):
        sstate.delta(0)
    with pytest.raises(ValueError, match="step must be a finite number"):
        sstate.move(0, np.inf)
    with pytest.raises(AttributeError, match="perceptrons only"):
        cstate.threshold
