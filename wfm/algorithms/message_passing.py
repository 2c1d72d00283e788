"""Message passing for binary perceptrons and sign committee machines: BP, AMP and focusing.

Registered algorithms:

- ``"bp"``: plain edge BP (inference); perceptron or binary sign committee (tree or fully
  connected). On a teacher-student problem the uniform +-1 prior is the teacher's prior.
- ``"amp"``: plain AMP (inference), binary perceptron or binary sign committee; O(N + P)
  state (O(K n + K P) for committees).
- ``"fbp"``: focusing BP (Baldassi et al., PNAS 2016) on top of edge BP.
- ``"famp"``: focusing on top of AMP, binary perceptron or binary sign committee.

Every run iterates, for each focusing step (gamma, y) of the protocol, to convergence
(largest change of a weight magnetization < ``eps``) or ``max_iters`` iterations, then tests
w = sign(m) and stops at zero training errors (perceptron ``fbp`` tests sign(m) after every
sweep and stops there, mid-step). An adaptive protocol (``"adaptive"``,
:class:`~wfm.algorithms.protocols.AdaptiveReinforcement`) may send the run back to messages
kept at an earlier step; ``history`` then holds every step run, retried ones included (y is not
monotonic). ``history`` records per step: ``gamma``, ``y``,
``iterations``, ``delta`` (largest magnetization change in the last iteration) and ``errors``
(training errors of sign(m)). For the perceptron, ``bp`` and ``fbp`` take ``order``:
``"fixed"`` visits the patterns as 0, 1, ..., P - 1 in every sweep, ``"random"`` in a new
random permutation per sweep drawn from the run's generator, as the authors' fBP code does
(this matters for sequential sweeps only). ``extra["m"]`` holds the final magnetizations (shape of w);
with a teacher, ``extra["overlap"]`` is the overlap of sign(m) with the teacher, and with a
test set ``extra["test_error"]`` is the generalization error of sign(m).

Perceptron AMP reads the stored patterns (int8 for +-1, float32/float64 otherwise) in one pass
per iteration and holds O(N + P) more (no transposed or float copy: N = 10^5 at alpha = 0.7 is
7 GB of int8 patterns). The pass runs in parallel over all Numba threads when there are more
than one (sweep workers have one) and the patterns hold at least 2^24 entries; the results are
the same bits either way.
"""
import numba
import numpy as np

from wfm import _progress, _validate as check
from wfm._kernels.amp_committee import amp_committee_step
from wfm._kernels.amp_perceptron import amp_step, workspace
from wfm._kernels.bp_committee import committee_errors, committee_step
from wfm._kernels.bp_perceptron import bp_step
from wfm._kernels.linalg import count_errors, count_errors_rows
from wfm.algorithms import register
from wfm.algorithms.protocols import GO, KEEP, AdaptiveReinforcement, FreeScoping, StandardReinforcement, resolve

_INFERENCE_STEP = FreeScoping([(0.0, 1.0)])
_PARALLEL_ENTRIES = 1 << 24  # pattern entries from which AMP's pattern passes use all Numba threads


def _threads(P, N):
    """Whether AMP runs its pattern passes in parallel: more than one Numba thread (sweep workers
    have one) and at least 2^24 pattern entries, where a parallel launch costs little."""
    return numba.get_num_threads() > 1 and P * N >= _PARALLEL_ENTRIES


def _accepts_bp(model):
    if type(model).__name__ == "Perceptron":
        return None if model.binary else "message passing needs binary weights (weights='binary')"
    if type(model).__name__ == "Committee":
        if not model.binary:
            return "message passing needs binary weights (weights='binary')"
        if model.activation != "sign" or model.output_rule != "majority" or model.trainable:
            return "only sign committees with a fixed majority readout are supported"
        return None
    return f"unsupported model type {type(model).__name__}"


def _accepts_amp(model):
    return _accepts_bp(model)


def _common(damping, eps, max_iters, init):
    damping = check.real("damping", damping, minimum=0.0)
    if damping >= 1.0:
        raise ValueError(f"damping must be in [0, 1), got {damping}")
    eps = check.real("eps", eps, minimum=0.0)
    max_iters = check.integer("max_iters", max_iters, minimum=1)
    init = check.real("init", init, minimum=0.0)
    return damping, eps, max_iters, init


#: Checks of the hyperparameters of bp, amp, fbp and famp.
CHECKS = {"damping": check.Real(minimum=0.0, maximum=1.0, strict_maximum=True), "eps": check.Real(minimum=0.0),
          "max_iters": check.Integer(minimum=1), "init": check.Real(minimum=0.0), "sequential": check.Flag(),
          "order": check.Choice("fixed", "random"), "protocol": lambda name, value: resolve(value)}


def _order_joint(params, model):
    """bp, fbp: order='random' only for the perceptron."""
    if model is not None:
        _check_order(params["order"], model)


def _messages_memory(P, weights, params):
    """bp, fbp: the cavity messages u, float64 (P, weights), and with order='random' the
    pattern orders of one focusing step, int64 (max_iters, P)."""
    return 8 * P * weights + (8 * params["max_iters"] * P if params["order"] == "random" else 0)


def _focus_loop(protocol, P, run_step, errors_of, state):
    """Run the protocol's schedule; ``run_step(gamma, y) -> (iterations, delta)``, ``errors_of() -> int``.

    ``state``: the message arrays, copied when the schedule asks to keep them and copied back
    when it asks to go back to them (adaptive protocols; fixed ones never ask).
    """
    history = {key: [] for key in ("gamma", "y", "iterations", "delta", "errors")}
    schedule = protocol.schedule(P)
    kept = {}
    step = schedule.next()
    while step is not None:
        gamma, y = step
        iterations, delta = run_step(gamma, y)
        errors = errors_of()
        for key, value in zip(history, (gamma, y, iterations, delta, errors)):
            history[key].append(value)
        _progress.step(len(history["errors"]), getattr(schedule, "total", None), "step", errors=errors)
        if errors == 0:
            break
        answer = schedule.report(errors)
        if answer != GO:
            action, key = answer
            if action == KEEP:
                kept[key] = [array.copy() for array in state]
            else:
                for saved, array in zip(kept[key], state):
                    np.copyto(array, saved)
        step = schedule.next()
    history = {"gamma": np.array(history["gamma"], dtype=float), "y": np.array(history["y"], dtype=float),
               "iterations": np.array(history["iterations"], dtype=np.int64),
               "delta": np.array(history["delta"], dtype=float),
               "errors": np.array(history["errors"], dtype=np.int64)}
    return history, int(history["iterations"].sum())


def _finish(problem, model, field, history, iterations):
    m = np.tanh(field)
    w = np.where(field >= 0.0, 1, -1).astype(np.int8)
    extra = {"m": m}
    if problem.teacher is not None and np.shape(problem.teacher) == np.shape(w):
        extra["overlap"] = float(np.mean(w * np.asarray(problem.teacher, dtype=np.float64)))
    if problem.X_test is not None:
        extra["test_error"] = model.test_error(problem, w)
    return {"w": w, "iterations": iterations, "history": history, "extra": extra}


def _check_order(order, model):
    if not isinstance(order, str) or order not in ("fixed", "random"):
        raise ValueError(f"order must be 'fixed' or 'random', got {order!r}")
    if order == "random" and type(model).__name__ != "Perceptron":
        raise ValueError("order='random' is implemented for the perceptron only; committees need "
                         "order='fixed'")
    return order


def _run_bp(problem, model, rng, steps, damping, eps, max_iters, init, sequential, order, stop_at_zero):
    if not isinstance(sequential, (bool, np.bool_)):
        raise TypeError(f"sequential must be True or False, got {sequential!r}")
    order = _check_order(order, model)
    X, sigma = problem.X, problem.y
    P = problem.P
    if type(model).__name__ == "Perceptron":
        N = problem.N
        u = rng.standard_normal((P, N)) * (init / np.sqrt(P))
        H = u.sum(axis=0)
        F = np.zeros(N)
        work = tuple(np.zeros(N) for _ in range(3))
        w_work, field_work = np.zeros(N), np.zeros(P)
        identity = np.arange(P)[None, :]

        def run_step(gamma, y):
            # one pattern order per sweep: the identity, or fresh permutations from the run's rng
            # (the authors' fBP visits the patterns in a new random permutation every sweep)
            orders = identity if order == "fixed" else rng.permuted(np.repeat(identity, max_iters, axis=0),
                                                                   axis=1)
            return bp_step(X, sigma, model.kappa, u, H, F, *work, gamma, y, damping, bool(sequential),
                           eps, max_iters, orders, problem.XT, w_work, field_work, stop_at_zero)

        def errors_of():
            return count_errors(problem.XT, sigma, model.kappa, H + F, w_work, field_work)
    else:
        K, n = model.shape
        u = rng.standard_normal((P, K, n)) * (init / np.sqrt(P))
        H = u.sum(axis=0)
        F = np.zeros((K, n))
        work = tuple(np.zeros((K, n)) for _ in range(3)) + tuple(np.zeros(K) for _ in range(5))

        def run_step(gamma, y):
            return committee_step(X, sigma, model.tree, u, H, F, *work, gamma, y, damping,
                                  bool(sequential), eps, max_iters)

        def errors_of():
            return committee_errors(X, sigma, model.tree, H + F)
    history, iterations = _focus_loop(steps, problem.P, run_step, errors_of, (u, H, F))
    return _finish(problem, model, H + F, history, iterations)


def _run_amp(problem, model, rng, steps, damping, eps, max_iters, init):
    if type(model).__name__ == "Committee":
        return _run_amp_committee(problem, model, rng, steps, damping, eps, max_iters, init)
    N, P = problem.N, problem.P
    h = rng.standard_normal(N) * init
    g, B = np.zeros(P), np.zeros(N)
    # O(N + P) state: the kernels read the stored (int8) patterns, no transposed or float copy
    work = workspace(N, P)
    w_work, field_work = np.zeros(N), np.zeros(P)
    threads = _threads(P, N)

    def run_step(gamma, y):
        return amp_step(problem.X, problem.y, model.kappa, h, g, B, *work, gamma, y, damping, eps, max_iters,
                        threads)

    def errors_of():
        return count_errors_rows(problem.X, problem.y, model.kappa, h, w_work, field_work, work[3], threads)
    history, iterations = _focus_loop(steps, problem.P, run_step, errors_of, (h, g, B))
    return _finish(problem, model, h, history, iterations)


def _run_amp_committee(problem, model, rng, steps, damping, eps, max_iters, init):
    K, n = model.shape
    P = problem.P
    h = rng.standard_normal((K, n)) * init
    g, B = np.zeros((K, P)), np.zeros((K, n))
    work = (np.zeros((K, n)), np.zeros((K, P)), np.zeros((K, P)), np.zeros((K, n))) + tuple(
        np.zeros(K) for _ in range(4))

    def run_step(gamma, y):
        return amp_committee_step(problem.X, problem.XT, problem.y, model.tree, h, g, B, *work, gamma, y,
                                  damping, eps, max_iters)

    def errors_of():
        return committee_errors(problem.X, problem.y, model.tree, h)
    history, iterations = _focus_loop(steps, problem.P, run_step, errors_of, (h, g, B))
    return _finish(problem, model, h, history, iterations)


@register("bp", defaults={"damping": 0.5, "eps": 1e-6, "max_iters": 1000, "init": 0.1, "sequential": False,
                          "order": "fixed"},
          accepts=_accepts_bp,
          checks=CHECKS, joint=_order_joint, memory=_messages_memory,
          summary="belief propagation (inference): marginals m, sign(m), overlap with a teacher")
def bp(problem, model, rng, *, damping, eps, max_iters, init, sequential, order):
    """Plain edge BP to a fixed point; returns the marginal magnetizations in ``extra["m"]``."""
    damping, eps, max_iters, init = _common(damping, eps, max_iters, init)
    return _run_bp(problem, model, rng, _INFERENCE_STEP, damping, eps, max_iters, init, sequential, order,
                   False)


@register("amp", defaults={"damping": 0.5, "eps": 1e-6, "max_iters": 1000, "init": 0.1},
          accepts=_accepts_amp,
          checks=CHECKS,
          summary="AMP/TAP for binary perceptrons and sign committees (inference): marginals, overlap")
def amp(problem, model, rng, *, damping, eps, max_iters, init):
    """Plain AMP to a fixed point; returns the marginal magnetizations in ``extra["m"]``."""
    damping, eps, max_iters, init = _common(damping, eps, max_iters, init)
    return _run_amp(problem, model, rng, _INFERENCE_STEP, damping, eps, max_iters, init)


#: The reference protocol of ``fbp``: the defaults of the authors' Julia code
#: (BinaryCommitteeMachineFBP.jl): undamped sequential sweeps over the patterns in a new random
#: order every sweep, every focusing step iterated to convergence (largest magnetization change
#: below 1e-3), initial fields of standard deviation 0.3; but at most 100 sweeps per step (Julia:
#: 1000), which bounds the cost of a failing run. On the four instances of Figure 1f at
#: N = 1001, alpha = 0.72-0.74, that a fixed pattern order failed, the larger cap solved no
#: more: random order solved 2 with the cap of 100 and 1 with 1000, the fixed order 0 with
#: either (each run followed until it solved or its errors blew up).
#: The focusing fields are updated once per sweep (the Julia code visits them in the random
#: sequence with the patterns). Slower than the parallel defaults, and the more robust near the
#: perceptron's algorithmic threshold (docs/performance.md).
REFERENCE_FBP = {"sequential": True, "order": "random", "damping": 0.0, "max_iters": 100, "eps": 1e-3, "init": 0.3}


@register("fbp", defaults={"protocol": StandardReinforcement(0.01), "damping": 0.5, "eps": 1e-3,
                           "max_iters": 5, "init": 3.0, "sequential": False, "order": "fixed"},
          accepts=_accepts_bp,
          checks=CHECKS, joint=_order_joint, memory=_messages_memory,
          summary="focusing BP (Baldassi et al. 2016) for binary perceptrons and sign committees")
def fbp(problem, model, rng, *, protocol, damping, eps, max_iters, init, sequential, order):
    """Focusing edge BP along ``protocol`` (a Protocol, "standard", "pseudo" or (gamma, y) pairs)."""
    steps = resolve(protocol)
    damping, eps, max_iters, init = _common(damping, eps, max_iters, init)
    return _run_bp(problem, model, rng, steps, damping, eps, max_iters, init, sequential, order, True)


# famp damping 0.8: with 0.5 the reinforced AMP iteration oscillates at low load (alpha <= 0.5,
# N = 1001: 0/10 instances solved while 10/10 at alpha = 0.6); 0.8 solves 10/10 at every
# alpha <= 0.7 for N = 101, 201, 1001 (seeds 0-9).
# famp protocol AdaptiveReinforcement(0.01): it takes the steps of StandardReinforcement(0.01)
# until the errors blow up or freeze, and solves more instances near the threshold at every size
# measured (Figure 1f, docs/studies/finite_size.md; the success rates at N = 10^4 in
# docs/performance.md); the fixed protocol stays available as "standard".
@register("famp", defaults={"protocol": AdaptiveReinforcement(0.01), "damping": 0.8, "eps": 1e-3,
                            "max_iters": 5, "init": 0.1},
          accepts=_accepts_amp,
          checks=CHECKS,
          summary="focusing AMP for binary perceptrons and sign committees: the fast path to solutions")
def famp(problem, model, rng, *, protocol, damping, eps, max_iters, init):
    """Focusing AMP along ``protocol`` (a Protocol, "adaptive", "standard", "pseudo" or (gamma, y) pairs)."""
    steps = resolve(protocol)
    damping, eps, max_iters, init = _common(damping, eps, max_iters, init)
    return _run_amp(problem, model, rng, steps, damping, eps, max_iters, init)
