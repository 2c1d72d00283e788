"""SA, RSA, greedy, rgreedy: kernel against its NumPy twin, incremental checks, known answers."""
import itertools

import numpy as np
import pytest

import naive_monte_carlo as naive
import wfm
from wfm._kernels import annealing, codes
from wfm.algorithms.monte_carlo import energy_value, geometric_schedule, run_replicas
from wfm.energy import EnergyState
from wfm.models import Committee, Perceptron
from wfm.problems import Problem, storage, teacher_student

ALGORITHMS = ("sa", "rsa", "greedy", "rgreedy")
ENERGIES = ("errors", "linear", "ce")
QUICK = {"sa": {"sweeps": 3000}, "rsa": {"sweeps": 1000}, "greedy": {"sweeps": 500},
         "rgreedy": {"sweeps": 300}}


def _initial(model, seed, replicas):
    """The replicas run_replicas starts from, and the kernel seed it draws."""
    rng = np.random.default_rng(seed)
    W = np.stack([np.asarray(model.init(rng)) for _ in range(replicas)])
    return W.reshape(replicas, -1, W.shape[-1]), int(rng.integers(0, 2**31 - 1))


CASES = [
    (Perceptron(11), codes.NONE, 1),
    (Perceptron(11, kappa=0.3), codes.EXPLICIT, 3),
    (Perceptron(13), codes.TRACED, 2),
    (Committee(9, 3), codes.EXPLICIT, 3),
    (Committee(5, 3, tree=False), codes.TRACED, 3),
    (Committee(8, 2, activation="relu"), codes.NONE, 2),
    (Committee(9, 3, output="parity"), codes.TRACED, 3),
]


def _defined(model, energy):
    """Whether ``energy`` is defined for ``model`` (the flip count needs sign units)."""
    if energy == "linear" and isinstance(model, Committee):
        return model.activation == "sign"
    return True


def _defined_pairs(models):
    """(model, energy) for every energy defined for each model; the others are refused, which
    test_bad_energies_are_refused checks."""
    return [(model, energy) for model in models for energy in ENERGIES if _defined(model, energy)]


@pytest.mark.parametrize("model, mode, replicas, energy",
                         [(*case, energy) for case in CASES for energy in ENERGIES if _defined(case[0], energy)])
@pytest.mark.parametrize("zero_temperature", [False, True])
def test_anneal_matches_naive_twin(model, mode, replicas, zero_temperature, energy):
    problem = storage(model.N, P=2 * model.N, seed=4)
    sweeps = 6
    betas = np.full(sweeps, np.inf) if zero_temperature else geometric_schedule(0.5, 3.0, sweeps)
    gammas = np.zeros(sweeps) if mode == codes.NONE else geometric_schedule(0.2, 2.0, sweeps)
    ce_gammas = geometric_schedule(0.5, 4.0, sweeps)
    out = run_replicas(problem, model, np.random.default_rng(7), replicas=replicas, mode=mode,
                       betas=betas, gammas=gammas, check_every=0, energy=energy, ce_gammas=ce_gammas)
    W0, seed = _initial(model, 7, replicas)
    W, errors, centre, answer, moves, history = naive.anneal(problem, model, W0, mode, betas, gammas, seed,
                                                            energy, ce_gammas)
    assert out["extra"]["moves"] == moves
    np.testing.assert_array_equal(out["extra"]["replica_errors"], errors)
    for key in ("energy", "best", "errors", "best_errors", "centre_errors", "acceptance", "distance"):
        np.testing.assert_allclose(out["history"][key], history[key], rtol=1e-10, atol=1e-12, err_msg=key)
    expected = {-1: "none", replicas: "centre"}.get(answer, "replica")
    assert out["extra"]["answer"] == expected
    if expected == "replica":
        np.testing.assert_array_equal(np.ravel(out["w"]), W[answer].ravel())
    elif mode != codes.NONE:
        np.testing.assert_array_equal(np.ravel(out["w"]), centre)


@pytest.mark.parametrize("model, energy", _defined_pairs(
    [Perceptron(31), Perceptron(31, kappa=0.2), Committee(33, 3), Committee(12, 3, tree=False, activation="sign"),
     Committee(16, 4, activation="relu"), Committee(15, 3, output="parity")]))
@pytest.mark.parametrize("algorithm, params", [
    ("sa", {}), ("greedy", {}), ("rsa", {"coupling": "explicit"}), ("rsa", {"coupling": "traced"}),
    ("rgreedy", {"coupling": "explicit"}), ("rgreedy", {"coupling": "traced", "replicas": 2})])
def test_incremental_state_equals_recomputation_during_runs(model, algorithm, params, energy):
    problem = storage(model.N, P=3 * model.N, seed=2)  # hard enough to run every sweep
    sweeps = {"sweeps": 4, "energy": energy, "ce_gamma0": 0.5, "ce_gamma1": 5.0}
    result = wfm.solve(problem, model, algorithm, seed=1, check_every=5, **sweeps, **params)
    assert result.history["energy"].shape[0] in (result.iterations, result.iterations - 1)


def test_gaussian_inputs_keep_float_stabilities_exact_enough():
    problem = storage(41, P=60, inputs="gaussian", seed=0)
    wfm.solve(problem, Perceptron(41, kappa=0.1), "rsa", seed=3, sweeps=5, check_every=3, energy="errors")


def test_verify_state_detects_corruption():
    problem, model = storage(21, P=30, seed=0), Perceptron(21)
    state = EnergyState(problem, model, model.init(0))
    W = state.w.reshape(1, 1, -1)
    args = (problem.X, problem.y, state.threshold)
    tail = (np.zeros((1, 1, 1), np.int32), np.zeros((1, 1)), W, np.ones(1), 0, False, False)
    sums = W.reshape(1, -1).astype(np.int64).sum(axis=0)
    work = (np.empty(30, np.int32), np.empty((1, 30), np.int32), np.empty(30))
    energies = np.array([state.energy])
    s = state.s.reshape(1, -1).copy()
    assert annealing.verify_state(*args, s, *tail, energies, sums, *work) == codes.CHECK_OK
    s[0, 3] += 2
    assert annealing.verify_state(*args, s, *tail, energies, sums, *work) == codes.CHECK_FIELDS
    s[0, 3] -= 2
    assert annealing.verify_state(*args, s, *tail, energies + 1, sums, *work) == codes.CHECK_ENERGY
    sums[0] += 2
    assert annealing.verify_state(*args, s, *tail, energies, sums, *work) == codes.CHECK_SUMS


def _has_solution(problem, model):
    """Exact enumeration of the 2^N binary weight vectors (N <= 15)."""
    for bits in itertools.product((-1, 1), repeat=model.N):
        w = np.array(bits, dtype=np.int8)
        if model.errors(problem, w.reshape(model.shape)) == 0:
            return True
    return False


@pytest.mark.parametrize("energy", ENERGIES)
@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_solves_enumerated_small_instances(algorithm, energy):
    model = Perceptron(13)
    for seed in range(3):
        problem = storage(13, P=6, seed=seed)
        assert _has_solution(problem, model)
        result = wfm.solve(problem, model, algorithm, seed=seed, energy=energy, **QUICK[algorithm])
        assert result.solved and result.errors == 0


@pytest.mark.parametrize("energy", ENERGIES)
@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("model", [Perceptron(101), Committee(105, 3)])
def test_solves_planted_teacher_instances(algorithm, model, energy):
    solved = 0
    for seed in range(3):
        problem = teacher_student(model.N, 0.2, test_size=10, seed=seed)
        if isinstance(model, Committee):
            problem = teacher_student(model.N, 0.2, teacher=model, test_size=10, seed=seed)
        solved += wfm.solve(problem, model, algorithm, seed=seed, energy=energy, **QUICK[algorithm]).solved
    assert solved == 3


@pytest.mark.parametrize("energy", ENERGIES)
@pytest.mark.parametrize("coupling", ["explicit", "traced"])
@pytest.mark.parametrize("model", [Perceptron(61), Committee(63, 3)])
def test_rsa_with_one_replica_and_no_coupling_follows_sa(coupling, model, energy):
    # Same trajectory: same energies along the run, same final replica; a solved run returns
    # that replica in both cases (an unsolved replicated run returns its centre instead).
    problem = storage(model.N, 0.5, seed=5)
    for energy_only, replicated, schedule in [
            ("sa", "rsa", {"sweeps": 300, "beta0": 1.0, "beta1": 8.0}),
            ("greedy", "rgreedy", {"sweeps": 50})]:
        schedule = {**schedule, "energy": energy, "ce_gamma0": 0.5, "ce_gamma1": 4.0}
        a = wfm.solve(problem, model, energy_only, seed=11, **schedule)
        b = wfm.solve(problem, model, replicated, seed=11, replicas=1, coupling=coupling, gamma0=0.0,
                      gamma1=0.0, **schedule)
        assert a.params["energy"] == b.params["energy"] == energy
        np.testing.assert_array_equal(a.history["energy"], b.history["energy"])
        np.testing.assert_array_equal(a.history["errors"], b.history["errors"])
        np.testing.assert_array_equal(a.history["acceptance"], b.history["acceptance"])
        np.testing.assert_array_equal(a.extra["replica_errors"], b.extra["replica_errors"])
        assert a.extra["moves"] == b.extra["moves"]
        if energy == "errors":
            assert a.solved == (energy_only == "sa")  # both branches below are exercised
        if a.solved:
            assert b.solved and b.extra["answer"] == "replica"
            np.testing.assert_array_equal(a.w, b.w)


def test_uncoupled_replicas_sample_like_independent_sa():
    # gamma = 0: each of y replicas is an SA chain; the mean final energy of 3 replicas over
    # 8 instances must match that of single SA runs on the same instances within noise.
    model = Perceptron(101)
    schedule = {"sweeps": 30, "beta0": 1.0, "beta1": 1.0}
    single, replicated = [], []
    for seed in range(8):
        problem = storage(101, 0.6, seed=seed)
        for r in range(3):
            single.append(wfm.solve(problem, model, "sa", seed=100 * seed + r, **schedule).errors)
        out = wfm.solve(problem, model, "rsa", seed=seed, replicas=3, gamma0=0.0, gamma1=0.0, **schedule)
        replicated.extend(out.extra["replica_errors"])
    spread = np.std(single) * np.sqrt(2.0 / len(single))
    assert abs(np.mean(single) - np.mean(replicated)) < 4 * spread


def test_same_seed_same_run_and_history_fields():
    problem, model = storage(61, 0.4, seed=0), Perceptron(61)
    a = wfm.solve(problem, model, "rsa", seed=3, sweeps=50)
    b = wfm.solve(problem, model, "rsa", seed=3, sweeps=50)
    np.testing.assert_array_equal(a.w, b.w)
    assert set(a.history) == {"beta", "gamma", "energy", "best", "errors", "best_errors",
                              "centre_errors", "distance", "acceptance", "moves"}
    assert np.all(np.diff(a.history["gamma"]) > 0) and np.all(np.diff(a.history["beta"]) > 0)
    assert np.all((a.history["distance"] >= 0) & (a.history["distance"] <= 0.5))


def test_coupling_collapses_replicas_onto_the_centre():
    problem, model = storage(101, 0.3, seed=1), Perceptron(101)
    out = wfm.solve(problem, model, "rsa", seed=0, sweeps=200, beta0=0.2, beta1=0.2, gamma0=5.0,
                    gamma1=5.0, coupling="explicit")
    assert out.history["distance"][-1] < 0.05


@pytest.mark.parametrize("params, message", [
    ({"coupling": "soft"}, "coupling must be one of"),
    ({"gamma0": 0.0, "gamma1": 1.0}, "gamma0 must be > 0"),
    ({"gamma0": 0.5, "gamma1": 0.0}, "gamma0 must be 0"),
    ({"beta0": 0.0}, "beta0 must be > 0"),
    ({"replicas": 0}, "replicas must be >= 1"),
    ({"sweeps": 0}, "sweeps must be >= 1"),
    ({"check_every": -1}, "check_every must be >= 0"),
])
def test_bad_parameters_are_refused(params, message):
    problem = storage(21, 0.3, seed=0)
    with pytest.raises(ValueError, match=message):
        wfm.solve(problem, Perceptron(21), "rsa", seed=0, **params)


def test_unsupported_models_are_refused():
    problem = storage(21, 0.3, seed=0)
    with pytest.raises(ValueError, match="binary weights"):
        wfm.solve(problem, Perceptron(21, "spherical"), "sa", seed=0)
    with pytest.raises(ValueError, match="binary weights"):
        wfm.solve(Problem(problem.X[:, :20], problem.y), Committee(20, 2, activation="relu",
                  weights="continuous", second_layer="trainable"), "sa", seed=0)


def test_popcount_and_bit_sets_equal_their_numpy_twins():
    rng = np.random.default_rng(4)
    words = rng.integers(0, 2**64 - 1, size=200, dtype=np.uint64, endpoint=True)
    for x in list(words) + [np.uint64(0), np.uint64(2**64 - 1), np.uint64(2**63)]:
        assert annealing.popcount(x) == bin(int(x)).count("1")
    for P in (1, 63, 64, 65, 200):
        XT = rng.choice(np.array([-1, 1], dtype=np.int8), size=(7, P))
        bits = np.full((7, -(-P // 64)), 12345, dtype=np.uint64)
        annealing.pack_positive(XT, bits)
        np.testing.assert_array_equal(bits, naive.bit_set(XT > 0))
        s = rng.integers(-6, 7, size=P).astype(np.int16)
        for threshold in (-2, 0, 1):
            band = np.full(-(-P // 64), 999, dtype=np.uint64)
            count, errors = annealing.band_rebuild(s, threshold, band)
            expected_band, expected_count, expected_errors = naive.band(s, threshold)
            np.testing.assert_array_equal(band, expected_band)
            assert (count, errors) == (expected_count, expected_errors)


@pytest.mark.parametrize("kappa", [0.0, 0.4, -0.6])
def test_band_delta_equals_full_delta_along_flips(kappa):
    # The folded fast path (label-folded int8 rows and their bit sets, int16 stabilities, bit
    # set of the band of near-threshold patterns) against the energy kernel's full O(P) count
    # and update.
    from wfm._kernels import energy
    problem, model = storage(301, P=200, seed=9), Perceptron(301, kappa=kappa)
    state = EnergyState(problem, model, model.init(3))
    yXT = np.ascontiguousarray(problem.XT * problem.y[None, :])
    XB = np.empty((301, 4), dtype=np.uint64)
    annealing.pack_positive(yXT, XB)
    s16 = state.s.astype(np.int16)
    band, work = np.empty(4, dtype=np.uint64), np.empty(4, dtype=np.uint64)
    t = state.threshold
    count, errors = annealing.band_rebuild(s16, t, band)
    rng = np.random.default_rng(1)
    for i in rng.integers(0, 301, size=60):
        for j in rng.integers(0, 301, size=5):  # proposals, not applied
            assert annealing.band_flip_delta(XB[j], band, count, errors, -2 * state.w[j]) == \
                energy.perceptron_flip_delta(state.XT, state.y, state.s, state.w, j, t)
        count, errors = annealing.band_flip(yXT[i], s16, -2 * state.w[i], t, band)
        energy.perceptron_flip(state.XT, state.y, state.s, state.w, i)
        np.testing.assert_array_equal(s16, state.s)
        assert not annealing.band_differs(s16, t, band, count, errors, work)
    assert 0 < count < 200
    assert annealing.band_differs(s16, t, band, count, errors + 1, work)
    assert annealing.band_differs(s16, t, band, count + 1, errors, work)
    band[0] ^= np.uint64(1)
    assert annealing.band_differs(s16, t, band, count, errors, work)


@pytest.mark.parametrize("mode, replicas, gamma", [(codes.NONE, 1, 0.0), (codes.EXPLICIT, 3, 0.7),
                                                   (codes.TRACED, 3, 0.5), (codes.TRACED, 2, 4.0)])
@pytest.mark.parametrize("beta", [0.3, 2.0, np.inf])
def test_tabulated_metropolis_equals_direct_test(mode, replicas, gamma, beta):
    # Same acceptance value (hence the same decision and the same draws) as the untabulated
    # test, inside and beyond the memoised range of dE, on first use and on reuse of an entry.
    classes = 2 * (2 * replicas + 1)
    gains = np.empty(classes)
    probabilities = np.empty((classes, 2 * annealing.TABLE_DELTA + 1))
    annealing.tabulate_coupling(mode, gamma, replicas, gains, probabilities)
    sites = [(value, centre, total) for value in (-1, 1) for centre in (-1, 1)
             for total in range(-replicas, replicas + 1)]
    for dE in range(-annealing.TABLE_DELTA - 3, annealing.TABLE_DELTA + 4):
        for value, centre, total in sites * 2:
            dC = annealing.coupling_gain(mode, gamma, value, centre, total)
            c = annealing.coupling_class(mode, replicas, value, centre, total)
            assert gains[c] == dC
            assert annealing.acceptance_tabulated(dE, c, beta, gains, probabilities) == \
                annealing.acceptance(dE, dC, beta)


@pytest.mark.parametrize("beta", [0.5, 3.0, np.inf])
def test_acceptance_is_the_metropolis_rule(beta):
    # Certain when L = dC - beta dE >= 0 (or dE < 0 at zero temperature), refused without a
    # draw when dE > 0 at zero temperature, else exp(L) (the probability of u < exp(L)).
    for dE in range(-3, 4):
        for dC in (-1.3, -0.2, 0.0, 0.4):
            q = annealing.acceptance(dE, dC, beta)
            if np.isinf(beta) and dE != 0:
                assert q == (annealing.CERTAIN if dE < 0 else annealing.REFUSED)
                continue
            gain = dC - beta * dE if dE != 0 else dC
            assert q == (annealing.CERTAIN if gain >= 0 else pytest.approx(np.exp(gain), rel=1e-15))


def test_centre_stabilities_follow_the_changed_sites():
    problem = storage(41, P=50, seed=5)
    yXT = np.ascontiguousarray(problem.XT * problem.y[None, :])
    rng = np.random.default_rng(2)
    centre = rng.choice(np.array([-1, 1], dtype=np.int8), size=41)
    previous, s = np.empty(41, dtype=np.int8), np.empty(50, dtype=np.int16)
    annealing.centre_stabilities(yXT, centre, previous, s, True)
    for changes in (0, 1, 5, 41):
        centre[rng.choice(41, size=changes, replace=False)] *= -1
        annealing.centre_stabilities(yXT, centre, previous, s, False)
        np.testing.assert_array_equal(previous, centre)
        np.testing.assert_array_equal(s, problem.y * (problem.X.astype(np.int64) @ centre))


@pytest.mark.parametrize("model, energy", _defined_pairs(
    [Perceptron(31), Perceptron(31, kappa=0.3), Perceptron(30, kappa=-0.2), Committee(33, 3),
     Committee(11, 3, tree=False), Committee(25, 5), Committee(16, 4, activation="relu"),
     Committee(15, 3, output="parity"), Committee(12, 3, tree=False, output="parity")]))
def test_energy_values_equal_their_numpy_definitions(model, energy):
    rng = np.random.default_rng(5)
    for seed in range(4):
        problem = storage(model.N, P=50, seed=seed)
        w = model.init(rng)
        for gamma in (0.3, 1.0, 7.0):
            expected = naive.training_energy(problem, model, np.asarray(w), energy, gamma)
            assert energy_value(problem, model, w, energy, ce_gamma=gamma) == pytest.approx(expected, rel=1e-12)
        if energy == "errors":
            assert expected == model.errors(problem, w)
    # The flip count is zero exactly on the solutions, the cross-entropy tends to
    # sum_mu max(-x_mu, 0) as gamma grows.
    if energy == "ce" and isinstance(model, Perceptron):
        sigma_s = problem.y * (problem.X.astype(np.int64) @ np.asarray(w))
        theta = naive.integer_threshold(model.kappa, model.N)
        limit = np.maximum(-(sigma_s - theta) / np.sqrt(model.N), 0.0).sum()
        assert energy_value(problem, model, w, "ce", ce_gamma=1e4) == pytest.approx(limit, abs=P_LOG2 / 1e4)


P_LOG2 = 50 * np.log(2.0) / 2  # bound on P f_gamma(0) gamma = P log(2) / 2


@pytest.mark.parametrize("kappa", [0.0, 0.4, -0.6])
def test_flip_count_and_cross_entropy_deltas_equal_full_recomputation_along_flips(kappa):
    from wfm._kernels import energy, mc_energy
    N, P = 301, 200
    problem, model = storage(N, P=P, seed=9), Perceptron(N, kappa=kappa)
    state = EnergyState(problem, model, model.init(3))
    yXT = np.ascontiguousarray(problem.XT * problem.y[None, :])
    XB = np.empty((N, 4), dtype=np.uint64)
    annealing.pack_positive(yXT, XB)
    s16 = state.s.astype(np.int16)
    below, near = np.empty(4, dtype=np.uint64), np.empty(4, dtype=np.uint64)
    t = state.threshold
    n_below, n_near = mc_energy.linear_rebuild(s16, t, below, near)
    table = np.empty(2 * N + 5)
    mc_energy.ce_tabulate(1.7, t, N, table)
    rng = np.random.default_rng(1)
    for i in rng.integers(0, N, size=60):
        for j in rng.integers(0, N, size=5):  # proposals, not applied
            change = -2 * state.w[j]
            after = state.s + change * yXT[j]
            assert mc_energy.linear_flip_delta(XB[j], below, near, n_below, n_near, change) == \
                mc_energy.linear_total(after, t) - mc_energy.linear_total(state.s, t)
            G = np.empty(P)
            M, total = mc_energy.ce_differences(s16, table, N + 2, G)
            assert mc_energy.ce_flip_delta(yXT[j], G, M, total, change) == pytest.approx(
                mc_energy.ce_total(after, table, N + 2) - mc_energy.ce_total(state.s, table, N + 2),
                rel=1e-9, abs=1e-9)
        n_below, n_near = mc_energy.linear_flip(yXT[i], s16, -2 * state.w[i], t, below, near)
        energy.perceptron_flip(state.XT, state.y, state.s, state.w, i)
        np.testing.assert_array_equal(s16, state.s)
        np.testing.assert_array_equal(below, naive.bit_set(state.s <= t))
        np.testing.assert_array_equal(near, naive.bit_set(state.s <= t + 2))
        assert (n_below, n_near) == (np.sum(state.s <= t), np.sum(state.s <= t + 2))


def test_flip_count_rsa_with_its_defaults_solves_alpha_0_6_at_N_401():
    model = Perceptron(401)
    for seed in range(3):
        result = wfm.solve(storage(401, 0.6, seed=seed), model, "rsa", seed=seed)
        assert result.params["energy"] == "linear"
        assert result.solved and result.errors == 0


@pytest.mark.slow
def test_flip_count_rsa_with_its_defaults_solves_alpha_0_65_at_N_1001():
    solved = sum(wfm.solve(storage(1001, 0.65, seed=seed), Perceptron(1001), "rsa", seed=seed).solved
                 for seed in range(5))
    assert solved >= 4


@pytest.mark.parametrize("model, params, message", [
    (Perceptron(21), {"energy": "hinge"}, "energy must be one of 'errors', 'linear', 'ce', got 'hinge'"),
    (Perceptron(21), {"energy": "ce", "ce_gamma0": -1.0}, "ce_gamma0 must be > 0"),
    (Perceptron(21), {"energy": "ce", "ce_gamma1": 0.0}, "ce_gamma1 must be > 0"),
    (Committee(20, 4, activation="relu"), {"energy": "linear"},
     "energy='linear' is defined for sign units"),
])
def test_bad_energies_are_refused(model, params, message):
    problem = storage(model.N, 0.3, seed=0)
    for algorithm in ALGORITHMS:
        with pytest.raises(ValueError, match=message):
            wfm.solve(problem, model, algorithm, seed=0, **params)


def test_energies_on_gaussian_inputs_are_refused():
    problem = storage(41, P=60, inputs="gaussian", seed=0)
    for energy in ("linear", "ce"):
        with pytest.raises(ValueError, match=f"energy='{energy}' needs \\+-1 inputs"):
            wfm.solve(problem, Perceptron(41), "sa", seed=0, energy=energy)
