"""bp, amp, fbp and famp through wfm.solve: exact marginals, solutions, inference, errors."""
import math

import numpy as np
import pytest

import wfm
from naive_mp import exact_magnetizations
from wfm.algorithms.protocols import (BACK, GO, KEEP, AdaptiveReinforcement, FreeScoping, PseudoReinforcement,
                                      Scoping, StandardReinforcement, resolve)
from wfm.models import Committee, Perceptron
from wfm.problems import storage, teacher_student


@pytest.mark.parametrize("N, P, seed", [(15, 3, 0), (15, 4, 1), (17, 4, 2)])
@pytest.mark.parametrize("algorithm", ["bp", "amp"])
def test_perceptron_marginals_close_to_enumeration(N, P, seed, algorithm):
    problem, model = storage(N, P=P, seed=seed), Perceptron(N)
    m, count = exact_magnetizations(problem, model)
    result = wfm.solve(problem, model, algorithm, seed=0)
    assert np.max(np.abs(m)) > 0.3
    assert np.max(np.abs(result.extra["m"] - m)) < 0.08


@pytest.mark.parametrize("tree", [True, False])
def test_committee_marginals_close_to_enumeration(tree):
    model = Committee(15 if tree else 5, 3, tree=tree)
    problem = storage(model.N, P=2, seed=0)
    m, _ = exact_magnetizations(problem, model)
    result = wfm.solve(problem, model, "bp", seed=0)
    assert np.max(np.abs(m)) > 0.3
    assert np.max(np.abs(result.extra["m"] - m)) < 0.06


def test_edge_bp_and_amp_share_fixed_points():
    problem, model = storage(401, 0.4, seed=3), Perceptron(401)
    bp = wfm.solve(problem, model, "bp", seed=0)
    amp = wfm.solve(problem, model, "amp", seed=0)
    assert bp.history["delta"][-1] < 1e-6 and amp.history["delta"][-1] < 1e-6
    assert np.mean(bp.extra["m"] ** 2) > 0.1
    assert np.max(np.abs(bp.extra["m"] - amp.extra["m"])) < 0.05


PROTOCOLS = [StandardReinforcement(0.02), PseudoReinforcement(0.02), "standard", "pseudo",
             Scoping(3.0, [0.1 * k for k in range(1, 40)] + [math.inf]),
             FreeScoping([(math.inf, 1.0 / (1.0 - 0.02 * k)) for k in range(50)])]


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=repr)
@pytest.mark.parametrize("algorithm", ["fbp", "famp"])
def test_focusing_solves_small_perceptrons(protocol, algorithm):
    problem, model = storage(101, 0.5, seed=11), Perceptron(101)
    # at N ~ 100 AMP needs more damping and iterations per step than its defaults (tuned at N ~ 1000)
    params = {"damping": 0.7, "max_iters": 10} if algorithm == "famp" else {}
    result = wfm.solve(problem, model, algorithm, seed=1, protocol=protocol, **params)
    assert result.solved and result.errors == model.errors(problem, result.w) == 0
    assert result.history["errors"][-1] == 0
    assert len(result.history["gamma"]) == len(result.history["y"]) == len(result.history["delta"])
    assert result.iterations == result.history["iterations"].sum()


@pytest.mark.parametrize("protocol", [StandardReinforcement(0.02), PseudoReinforcement(0.02),
                                      Scoping(3.0, [0.1 * k for k in range(1, 40)] + [math.inf])], ids=repr)
@pytest.mark.parametrize("tree", [True, False])
def test_focusing_bp_solves_small_committees(protocol, tree):
    model = Committee(75 if tree else 45, 3, tree=tree)
    problem = storage(model.N, P=int(0.2 * model.K * model.n), seed=2)
    result = wfm.solve(problem, model, "fbp", seed=0, protocol=protocol)
    assert result.solved and model.errors(problem, result.w) == 0
    assert result.w.shape == model.shape


@pytest.mark.parametrize("protocol", [StandardReinforcement(0.02), PseudoReinforcement(0.02),
                                      Scoping(3.0, [0.1 * k for k in range(1, 40)] + [math.inf])], ids=repr)
@pytest.mark.parametrize("tree", [True, False])
def test_focusing_amp_solves_small_committees(protocol, tree):
    # fully connected: at low load AMP's units stay close to each other (README, "Measured"),
    # so the instance is taken at the load of the benchmark, alpha = P / (K n) = 0.5
    model = Committee(135 if tree else 101, 3, tree=tree)
    problem = storage(model.N, P=int((0.2 if tree else 0.5) * model.K * model.n), seed=2 if tree else 0)
    result = wfm.solve(problem, model, "famp", seed=0, protocol=protocol, init=1.0)
    assert result.solved and model.errors(problem, result.w) == 0
    assert result.w.shape == model.shape and result.extra["m"].shape == model.shape


def test_committee_amp_and_bp_share_fixed_points():
    model = Committee(201, 3, tree=False)
    problem = storage(model.N, P=60, seed=4)
    bp = wfm.solve(problem, model, "bp", seed=0, init=1.0)
    amp = wfm.solve(problem, model, "amp", seed=0, init=1.0)
    assert bp.history["delta"][-1] < 1e-6 and amp.history["delta"][-1] < 1e-6
    overlaps = np.abs(bp.extra["m"] @ amp.extra["m"].T) / model.n
    assert np.mean(bp.extra["m"] ** 2) > 0.03
    assert np.max(np.abs(bp.extra["m"] - amp.extra["m"][np.argmax(overlaps, axis=1)])) < 0.1


def test_history_errors_are_the_models_errors():
    problem, model = storage(101, 0.8, seed=0), Perceptron(101)
    result = wfm.solve(problem, model, "famp", seed=0, protocol=FreeScoping([(math.inf, 1.0)]))
    assert result.history["errors"][-1] == result.errors == model.errors(problem, result.w) > 0


def test_margin_kappa_is_respected():
    model = Perceptron(101, kappa=0.2)
    problem = storage(101, 0.3, seed=5)
    for algorithm in ("fbp", "famp"):
        result = wfm.solve(problem, model, algorithm, seed=0)
        assert result.solved
        assert np.min(model.stabilities(problem, result.w)) > 0.2


def test_teacher_recovered_above_transition_not_below():
    teacher = Perceptron(301)
    above = teacher_student(301, 2.0, teacher=teacher, test_size=500, seed=4)
    below = teacher_student(301, 0.5, teacher=teacher, test_size=500, seed=4)
    for algorithm in ("amp", "bp"):
        hit = wfm.solve(above, teacher, algorithm, seed=0)
        assert hit.extra["overlap"] > 0.98 and hit.extra["test_error"] < 0.02
        miss = wfm.solve(below, teacher, algorithm, seed=0)
        assert miss.extra["overlap"] < 0.9 and miss.extra["test_error"] > 0.05


def test_runs_are_pure_functions_of_seed():
    problem, model = storage(61, 0.5, seed=1), Perceptron(61)
    a = wfm.solve(problem, model, "fbp", seed=3)
    b = wfm.solve(problem, model, "fbp", seed=3)
    assert np.array_equal(a.w, b.w) and np.array_equal(a.extra["m"], b.extra["m"])


@pytest.mark.parametrize("damping", [0.0, 0.99])
def test_extreme_parameters_give_no_nan(damping):
    problem, model = storage(51, 0.6, seed=2), Perceptron(51)
    steps = FreeScoping([(math.inf, 1e300), (0.0, 1e300), (math.inf, 1.0)])
    for algorithm in ("fbp", "famp"):
        result = wfm.solve(problem, model, algorithm, seed=0, protocol=steps, damping=damping, init=1e3)
        assert np.all(np.isfinite(result.extra["m"])) and np.all(np.isfinite(result.history["delta"]))
    committee = Committee(51, 3, tree=False)
    for algorithm in ("fbp", "famp"):
        result = wfm.solve(problem, committee, algorithm, seed=0, protocol=steps, damping=damping, init=1e3)
        assert np.all(np.isfinite(result.extra["m"])) and np.all(np.isfinite(result.history["delta"]))


@pytest.mark.parametrize("params, message", [
    ({"damping": 1.0}, "damping"), ({"damping": -0.1}, "damping"), ({"protocol": "sideways"}, "protocol"),
    ({"protocol": [(1.0, -2.0)]}, "y"), ({"protocol": [(-1.0, 2.0)]}, "gamma"), ({"max_iters": 0}, "max_iters"),
    ({"eps": -1.0}, "eps"), ({"learning_rate": 0.1}, "learning_rate")])
def test_bad_parameters_are_refused(params, message):
    problem, model = storage(21, 0.5, seed=0), Perceptron(21)
    with pytest.raises((ValueError, TypeError), match=message):
        wfm.solve(problem, model, "fbp", seed=0, **params)


def test_protocol_objects_and_mismatches():
    with pytest.raises(ValueError, match="y"):
        Scoping(-1.0, [1.0])
    with pytest.raises(ValueError, match="dx"):
        StandardReinforcement(0.0)
    with pytest.raises(TypeError, match="protocol"):
        resolve(3)
    assert list(StandardReinforcement(0.5)) == [(math.inf, 1.0), (math.inf, 2.0)]
    pseudo = list(PseudoReinforcement(0.5))
    assert pseudo[0] == (0.0, 2.0) and pseudo[1][0] == pytest.approx(math.atanh(math.sqrt(0.5)))
    problem = storage(21, 0.5, seed=0)
    with pytest.raises(ValueError, match="sign"):
        wfm.solve(problem, Committee(21, 3, tree=False, activation="relu"), "famp", seed=0)
    with pytest.raises(ValueError, match="binary"):
        wfm.solve(problem, Perceptron(21, weights="spherical"), "fbp", seed=0)
    with pytest.raises(ValueError, match="sign"):
        wfm.solve(problem, Committee(21, 3, tree=False, activation="relu"), "bp", seed=0)


def test_undamped_sequential_fbp_solves_a_small_perceptron():
    problem, model = storage(201, 0.6, seed=5), Perceptron(201)
    result = wfm.solve(problem, model, "fbp", seed=0, sequential=True, damping=0.0, max_iters=100, init=0.3)
    assert result.solved and model.errors(problem, result.w) == 0


@pytest.mark.slow
def test_famp_solves_the_benchmark_committee():
    model = Committee(321, 5, tree=False)
    problem = storage(321, P=802, seed=3000)
    result = wfm.solve(problem, model, "famp", seed=0)
    assert result.solved and model.errors(problem, result.w) == 0


@pytest.mark.slow
def test_famp_solves_N1001_alpha07():
    problem, model = storage(1001, 0.7, seed=0), Perceptron(1001)
    assert wfm.solve(problem, model, "famp", seed=0).solved


def test_random_pattern_order_is_seeded_and_differs_from_the_fixed_order():
    problem, model = storage(101, 0.6, seed=1), Perceptron(101)
    params = {"sequential": True, "damping": 0.0, "max_iters": 100, "init": 0.3}
    a = wfm.solve(problem, model, "fbp", seed=3, order="random", **params)
    b = wfm.solve(problem, model, "fbp", seed=3, order="random", **params)
    fixed = wfm.solve(problem, model, "fbp", seed=3, order="fixed", **params)
    assert a.solved and model.errors(problem, a.w) == 0
    assert np.array_equal(a.extra["m"], b.extra["m"]) and np.array_equal(a.history["iterations"],
                                                                          b.history["iterations"])
    assert not np.array_equal(a.extra["m"], fixed.extra["m"])


def test_bad_pattern_orders_are_refused():
    problem = storage(21, 0.5, seed=0)
    with pytest.raises(ValueError, match="order"):
        wfm.solve(problem, Perceptron(21), "fbp", seed=0, order="backwards")
    with pytest.raises(ValueError, match="order"):
        wfm.solve(problem, Committee(21, 3, tree=False), "fbp", seed=0, order="random")


def _walk(schedule, errors_of_x, steps=None):
    """Drive a schedule with errors given as a function of x; returns [(x, errors, answer)]."""
    trace = []
    step = schedule.next()
    while step is not None:
        if steps is not None:
            steps.append(step)
        x = 1.0 - 1.0 / step[1]
        errors = errors_of_x(x, len(trace))
        answer = schedule.report(errors)
        trace.append((x, errors, answer))
        step = schedule.next()
    return trace


def test_adaptive_schedule_is_the_standard_protocol_while_errors_decrease():
    protocol = AdaptiveReinforcement(0.02)
    steps = []
    trace = _walk(protocol.schedule(100), lambda x, k: 1000 - k, steps)
    assert steps == list(StandardReinforcement(0.02))
    assert list(protocol) == list(StandardReinforcement(0.02))
    kept = [answer for _, _, answer in trace if answer != GO]
    # the messages are kept once per KEEP_EVERY in x, and never restored
    assert [a[0] for a in kept] == [KEEP] * 20 and [a[1] for a in kept] == list(range(20))


def test_adaptive_schedule_backs_off_when_told_the_errors_blew_up():
    protocol = AdaptiveReinforcement(0.01, tolerance=1.0, slack=0.02, back=0.5)
    schedule = protocol.schedule(100)
    errors = {}
    answers = []
    for k in range(61):  # x = 0 .. 0.6, errors falling to 10
        gamma, y = schedule.next()
        x = 1.0 - 1.0 / y
        assert x == pytest.approx(0.01 * k)
        errors[k] = 100 - k * 1.5
        answers.append(schedule.report(int(errors[k])))
    gamma, y = schedule.next()
    assert 1.0 - 1.0 / y == pytest.approx(0.61)
    answer = schedule.report(25)  # 25 > 2 * 10 + 2: blown up
    assert answer[0] == BACK
    back_key = answer[1]
    assert (KEEP, back_key) in answers
    # back to the kept messages at x <= 0.5 * 0.6 = 0.3 (keys are multiples of 0.05), dx / 4
    gamma, y = schedule.next()
    assert 1.0 - 1.0 / y == pytest.approx(0.3 + 0.0025)
    assert back_key == 6
    # a fluctuation within the bound goes on
    assert schedule.report(60) in (GO, (KEEP, 6))
    gamma, y = schedule.next()
    assert 1.0 - 1.0 / y == pytest.approx(0.3 + 0.005)


def test_adaptive_schedule_backs_off_when_the_errors_stop_decreasing_and_then_presses_on():
    protocol = AdaptiveReinforcement(0.01, patience=0.1, min_dx=0.01 / 4, back=0.2)
    trace = _walk(protocol.schedule(100), lambda x, k: max(5, 100 - 2 * k))
    backs = [(x, answer) for x, _, answer in trace if answer != GO and answer[0] == BACK]
    # frozen at 5 errors from x = 0.48 on: the same errors over 0.1 in x are a failure; one
    # back-off to the messages kept at x = 0.05 <= 0.2 * 0.48 with dx / 4 = min_dx, then the run
    # presses on to the end of the x range
    assert len(backs) == 1 and backs[0][0] == pytest.approx(0.58) and backs[0][1] == (BACK, 1)
    assert trace[-1][0] == pytest.approx(0.9975) and len(trace) == 59 + 379


def test_adaptive_schedule_respects_its_step_budget_and_round_trips_its_spec():
    protocol = AdaptiveReinforcement(0.05, max_steps=7)
    trace = _walk(protocol.schedule(100), lambda x, k: 10 if k % 2 else 100)  # blows up every other step
    assert len(trace) == 7
    assert resolve(protocol.spec()).spec() == protocol.spec()
    assert resolve("adaptive").spec() == AdaptiveReinforcement().spec()
    with pytest.raises(ValueError, match="patience"):
        AdaptiveReinforcement(patience=0.0)
    with pytest.raises(ValueError, match="min_dx"):
        AdaptiveReinforcement(0.01, min_dx=0.1)


def test_adaptive_protocol_solves_instances_the_fast_protocol_fails():
    problem, model = storage(1001, 0.75, seed=2008), Perceptron(1001)
    fast = wfm.solve(problem, model, "famp", seed=2008, protocol=StandardReinforcement(0.01))
    adaptive = wfm.solve(problem, model, "famp", seed=2008, protocol=AdaptiveReinforcement(0.01))
    assert not fast.solved and fast.history["errors"].max() > 10 * fast.history["errors"].min()
    assert adaptive.solved and model.errors(problem, adaptive.w) == 0
    # the adaptive run went back at least once: x does not grow monotonically
    assert np.any(np.diff(adaptive.history["y"]) < 0)
