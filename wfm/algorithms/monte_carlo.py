"""Single-flip searches on binary weights: energy-only and local-entropy (replicated) twins.

Registered algorithms, for binary perceptrons and binary committees
with a fixed second layer (sign, ReLU or parity output):

- ``"sa"``: simulated annealing on a training energy E, single-flip Metropolis moves with
  incrementally kept stabilities, beta raised geometrically from ``beta0`` to ``beta1`` over
  ``sweeps`` sweeps, stop at zero training errors.
- ``"rsa"``: replicated SA on the robust-ensemble (local-entropy) objective of Baldassi et al.,
  PNAS 113, E7655 (2016): ``replicas`` = y replicas sampled with weight
  exp(-beta sum_a E(w^a) + gamma sum_a w^a . c). ``coupling="explicit"`` keeps a binary centre
  c updated by flips; ``"traced"`` sums it out (weight exp(-beta sum_a E(w^a))
  prod_i 2 cosh(gamma sum_a w^a_i), the authors' ``GraphRobustEnsemble`` of RRRMC.jl). gamma
  rises geometrically from ``gamma0`` to ``gamma1`` (scoping) while beta is annealed from
  ``beta0`` to ``beta1``.
- ``"greedy"`` and ``"rgreedy"``: the zero-temperature versions (beta = inf): a flip that
  raises a replica's energy is refused; ``greedy`` accepts every flip that does not raise E;
  in ``rgreedy`` the energy-neutral flips (and centre flips) keep the Metropolis rule of the
  finite coupling gamma, so the coupling biases the replicas' plateau moves towards the centre
  without freezing them (:mod:`wfm._kernels.annealing`).

The energy E (``energy``, :mod:`wfm._kernels.mc_energy`):

- ``"errors"``: the number of training errors, a landscape of plateaus;
- ``"linear"``: the flip count of the authors' ``GraphPercLinear``, per pattern the fewest weight
  flips that satisfy it (committees with sign units: the least-action choice of units for a
  majority output, the cheapest change of one unit's sign for a parity output; not defined for
  ReLU units), E = (2 / sqrt(n)) sum_mu n_mu (n inputs per unit);
- ``"ce"``: the cross-entropy sum_mu f_gamma(x_mu), f_gamma(x) = log(1 + exp(-2 gamma x)) /
  (2 gamma), of the stability x_mu = (s_mu - theta) / sqrt(N) (perceptron) or of the output
  sigma_mu S_mu / sqrt(K) (committees), the authors' ``GraphPercXEntr`` up to the
  factor 2 gamma; gamma rises geometrically from ``ce_gamma0`` to ``ce_gamma1`` along the run
  (constant when equal). f_gamma -> max(-x, 0) as gamma -> inf: the same scale as the flip
  count, so one beta schedule serves both.

``"linear"`` and ``"ce"`` need integer stabilities (+-1 inputs; perceptron N <= 32000); a run
succeeds, and stops, at zero training errors whatever E is.

A sweep proposes, ``Nw`` times (Nw = number of weights), one flip of a uniformly random site in
each replica in turn (then, with an explicit centre, one centre flip at that site); so a sweep
is ``replicas`` moves per weight and equal numbers of moves per weight mean
``sweeps_sa = replicas * sweeps_rsa``. The registered defaults are such pairs: ``sa`` 70000
sweeps and ``rsa`` 7 x 10000, on the same beta schedule 3 -> 300; ``greedy`` 3000 and
``rgreedy`` 5 x 600. Each algorithm's energy and schedule were measured on the binary
perceptron, N = 1001:

- ``rsa``: flip count, y = 7, gamma 0.3 -> 30, beta 3 -> 300, the regime of the authors
  (a trial of their replicated annealing with y = 7 and about 12000 sweeps solved alpha = 0.7).
  The thresholds of sa and rsa on the flip count and on the error count (y = 3, beta 1 -> 10,
  gamma 0.1 -> 30) at N = 1001, 10 instances per load and 84000 moves per weight, are Figure 1e
  (study ``monte_carlo_energies``; its caption is generated from the committed data).
  The registered defaults solve 5/5 instances at alpha = 0.65 in 1.2 s of CPU per run
  (``benchmarks/bench_monte_carlo.py``).
  With 6000 sweeps it solved 5/5 instances at alpha = 0.65 (1.5 s per run on average), 2/5 at
  0.72; with 12000 sweeps 5/5 at 0.7. On the error count with its former defaults (y = 3,
  beta 1 -> 10, gamma 0.1 -> 30) it solved 0 of 6 at alpha = 0.62. With y = 3 instead of 7
  (flip count, 6000 sweeps): 0/5 at 0.72. Other schedules measured at alpha = 0.65 and 0.72
  (beta 1 -> 100 with gamma 0.1 -> 10 or 0.05 -> 5, beta 0.5 -> 50 with gamma 0.05 -> 5) solve
  as many instances but later in the run; the coupling must grow with beta (gamma about beta / 10):
  gamma 0.01 -> 10 under beta 3 -> 300 leaves the replicas 0.18 apart and unsolved.
- ``sa``: cross-entropy, gamma 0.5 -> 20, on the rsa beta schedule. 3 instances per point: with
  10000 sweeps it solved 3/3 at alpha = 0.55 and 0.65, where the flip count solved 0/3 at 0.55
  (10000 and 70000 sweeps; 10 instances at 84000 sweeps: 8/10 at 0.4, 4/10 at 0.45, 2/10 at
  0.5) and the error count (beta 1 -> 10) ends far from a solution (42 errors left at 0.5,
  30000 sweeps; 10 instances at 84000 sweeps: 4/10 at 0.3, 0/10 at 0.35). A cross-entropy move
  costs O(P) (a dot product) against O(P / 64) for the other energies: about 15 times slower
  per move at N = 1001 (``benchmarks/bench_monte_carlo.py``).
- ``greedy`` and ``rgreedy``: cross-entropy, gamma 0.5 -> 5. A zero-temperature descent stops
  at the first local minimum of E; the smooth cross-entropy has far fewer than the flip count
  or the error count. 3 instances per point: at alpha = 0.3 greedy solved 3/3 on the
  cross-entropy (gamma = 1), 1/3 on the flip count, 0/3 on the error count (rgreedy: flip count
  2/3, error count 0/3); with gamma 0.5 -> 5, greedy solved 3/3 at alpha = 0.5 and 0.6 (gamma = 1:
  2/3 and 0/3), rgreedy with gamma = 1 3/3 at 0.6.

The run stops as soon as a replica has no training error (the answer is that replica) or,
checked after every sweep, the centre has none (the answer is the centre; with ``"traced"``
the centre is the majority sign(sum_a w^a)). An unsolved replicated run returns the centre; an
unsolved SA run returns its last point.

``history`` (one entry per sweep): ``beta``, ``gamma``, ``ce_gamma`` (``energy="ce"`` only),
``energy`` (mean replica energy E), ``best`` (smallest replica E), ``errors`` (mean replica
training errors), ``best_errors`` (smallest), ``centre_errors`` (-1 without a centre), ``distance``
(mean normalised Hamming distance of the replicas to the centre), ``acceptance`` (fraction of
accepted replica moves), ``moves`` (cumulative replica moves per weight).
``extra``: ``answer`` ("replica", "centre" or "none"), ``moves`` (replica moves proposed),
``moves_per_weight``, ``replica_errors`` (final training errors). ``params`` record ``energy``.

With ``check_every`` > 0 the incremental stabilities/fields, errors, energies (flip counts, their
bit sets, cross-entropies) and site sums of every replica are recomputed from scratch every
``check_every`` replica moves; a disagreement raises RuntimeError (a debugging aid used by the
tests; it costs O(N P) per check).

Reproducibility: the initial replicas are ``model.init`` draws from the run's generator, then
one integer from it seeds the kernel's Mersenne Twister (the stream of
``numpy.random.RandomState(seed)``); a run is a pure function of its
parameters and seed, and ``rsa`` with one replica and gamma = 0 follows the trajectory of ``sa``
with the same seed and schedule.
"""
import numpy as np

from wfm import _progress, _validate as check
from wfm._kernels import annealing, codes, mc_energy, mt19937
from wfm.algorithms import register
from wfm.energy import EnergyState

_FOLDED_MAX_N = 32000  # int16 stabilities hold |s| + 2 <= N + 2
_MODES = {"explicit": codes.EXPLICIT, "traced": codes.TRACED}
_ENERGIES = {"errors": codes.ERRORS, "linear": codes.LINEAR, "ce": codes.CE}
_CHECK_MESSAGES = {codes.CHECK_FIELDS: "incremental stabilities/fields differ from their recomputation",
                   codes.CHECK_ENERGY: "incremental energy differs from its recomputation",
                   codes.CHECK_SUMS: "site sums over replicas differ from their recomputation",
                   codes.CHECK_MINIMISED:
                   "incremental flip-count / cross-entropy state differs from its recomputation"}


#: Checks of the hyperparameters of sa, rsa, greedy and rgreedy.
CHECKS = {"sweeps": check.Integer(minimum=1), "replicas": check.Integer(minimum=1),
          "check_every": check.Integer(minimum=0), "coupling": check.Choice(*_MODES),
          "beta0": check.Real(minimum=0.0, strict_minimum=True), "beta1": check.Real(minimum=0.0, strict_minimum=True),
          "gamma0": check.Real(minimum=0.0), "gamma1": check.Real(minimum=0.0),
          "energy": check.Choice(*_ENERGIES), "ce_gamma0": check.Real(minimum=0.0, strict_minimum=True),
          "ce_gamma1": check.Real(minimum=0.0, strict_minimum=True)}


def _scoping_joint(params, model):
    """rsa, rgreedy: gamma0 > 0 with a geometric scoping to gamma1 > 0, gamma0 = 0 without."""
    _schedules(1, None, None, params["gamma0"], params["gamma1"], True)


def _accepts(model):
    if not getattr(model, "binary", False):
        return "single-flip Monte Carlo needs binary weights"
    if getattr(model, "trainable", False):
        return "a trainable second layer is not supported (use second_layer='fixed')"
    return None


def geometric_schedule(start, stop, steps):
    """``steps`` values from ``start`` to ``stop`` in geometric progression (constant if equal).

    A zero ``stop`` gives zeros (no coupling); ``start`` must then be 0 as well.
    """
    if stop == 0.0:
        return np.zeros(steps)
    if steps == 1:
        return np.array([float(stop)])
    return start * (stop / start) ** (np.arange(steps) / (steps - 1))


def _schedules(sweeps, beta0, beta1, gamma0, gamma1, zero_temperature):
    sweeps = check.integer("sweeps", sweeps, minimum=1)
    if zero_temperature:
        betas = np.full(sweeps, np.inf)
    else:
        beta0 = check.real("beta0", beta0, strict_minimum=True, minimum=0.0)
        beta1 = check.real("beta1", beta1, strict_minimum=True, minimum=0.0)
        betas = geometric_schedule(beta0, beta1, sweeps)
    gamma1 = check.real("gamma1", gamma1, minimum=0.0)
    gamma0 = check.real("gamma0", gamma0, minimum=0.0)
    if gamma1 > 0.0 and gamma0 <= 0.0:
        raise ValueError(f"gamma0 must be > 0 when gamma1 > 0 (geometric scoping), got gamma0={gamma0}")
    if gamma1 == 0.0 and gamma0 != 0.0:
        raise ValueError(f"gamma0 must be 0 when gamma1 = 0 (no coupling), got gamma0={gamma0}")
    return betas, geometric_schedule(gamma0, gamma1, sweeps)


def _energy_setup(problem, model, energy):
    """(code, scale, folded) of ``energy`` for this problem and model; ValueError if undefined."""
    code = _ENERGIES[check.choice("energy", energy, tuple(_ENERGIES))]
    state = EnergyState(problem, model, model.init(0))
    committee = state.kind == "committee"
    if committee:
        integer = np.issubdtype(state.field_dtype, np.integer)
        rule, n = state.rule, state.n
    else:
        integer = state.s.dtype == np.int32 and problem.N <= _FOLDED_MAX_N
        rule, n = 0, problem.N
    reason = mc_energy.unsupported(code, committee, rule, integer)
    if reason is not None:
        raise ValueError(f"energy={energy!r} {reason}; use energy='errors' for this model")
    scale = 2.0 / np.sqrt(n) if code == codes.LINEAR else 1.0
    return code, scale


def _ce_schedule(energy, ce_gamma0, ce_gamma1, sweeps):
    """Cross-entropy gamma per sweep: geometric from ``ce_gamma0`` to ``ce_gamma1`` (checked > 0)."""
    ce_gamma0 = check.real("ce_gamma0", ce_gamma0, minimum=0.0, strict_minimum=True)
    ce_gamma1 = check.real("ce_gamma1", ce_gamma1, minimum=0.0, strict_minimum=True)
    if energy != "ce":
        return np.ones(sweeps)
    return geometric_schedule(ce_gamma0, ce_gamma1, sweeps)


def energy_value(problem, model, w, energy, ce_gamma=1.0):
    """The training energy ``energy`` of the binary weights ``w`` (:mod:`wfm._kernels.mc_energy`).

    Parameters
    ----------
    problem, model
        The training set and a binary model with a fixed second layer.
    w : array
        Weights of the model.
    energy : {"errors", "linear", "ce"}
        ``"errors"``: the number of training errors; ``"linear"``: the flip count
        (2 / sqrt(n)) sum_mu n_mu; ``"ce"``: sum_mu f_gamma(x_mu) at gamma = ``ce_gamma``.
    ce_gamma : float
        gamma of the cross-entropy (> 0).

    Returns
    -------
    float
        The energy minimised by ``sa``, ``rsa``, ``greedy`` and ``rgreedy`` with that ``energy``.
    """
    code, scale = _energy_setup(problem, model, energy)
    ce_gamma = check.real("ce_gamma", ce_gamma, minimum=0.0, strict_minimum=True)
    state = EnergyState(problem, model, w)
    if code == codes.ERRORS:
        return float(state.energy)
    if state.kind == "committee":
        pattern = np.empty(problem.P)
        return float(scale if code == codes.LINEAR else 1.0) * mc_energy.committee_pattern_energies(
            code, state.H, problem.y, state.v, state.rule, ce_gamma, state.n,
            np.empty(state.K, dtype=np.int64), pattern)
    if code == codes.LINEAR:
        return scale * mc_energy.linear_total(state.s, state.threshold)
    table = np.empty(2 * problem.N + 5)
    mc_energy.ce_tabulate(ce_gamma, state.threshold, problem.N, table)
    return float(mc_energy.ce_total(state.s, table, problem.N + 2))


def run_replicas(problem, model, rng, *, replicas, mode, betas, gammas, check_every, energy="errors",
                 ce_gammas=None):
    """Run the replicated single-flip search of :mod:`wfm._kernels.annealing`.

    Parameters
    ----------
    problem, model
        The training set and a binary model with a fixed second layer.
    rng : numpy.random.Generator
        Draws the initial replicas (``model.init``) and the kernel's seed.
    replicas : int
        Number of replicas y.
    mode : int
        ``codes.NONE``, ``EXPLICIT`` or ``TRACED``.
    betas, gammas : ndarray (sweeps,)
        Inverse temperature (inf: zero temperature) and coupling per sweep.
    check_every : int
        Verify the incremental state every that many replica moves (0: never).
    energy : {"errors", "linear", "ce"}
        The energy minimised (module docstring); success is zero training errors.
    ce_gammas : ndarray (sweeps,), optional
        The cross-entropy gamma per sweep (``energy="ce"``).

    Returns
    -------
    dict
        ``w``, ``iterations`` (sweeps), ``history`` and ``extra`` as in the module docstring.
    """
    replicas = check.integer("replicas", replicas, minimum=1)
    check_every = check.integer("check_every", check_every, minimum=0)
    code, scale = _energy_setup(problem, model, energy)
    sweeps = betas.shape[0]
    ce_gammas = np.ones(sweeps) if ce_gammas is None else np.asarray(ce_gammas, dtype=float)
    states = [EnergyState(problem, model, model.init(rng)) for _ in range(replicas)]
    seed = int(rng.integers(0, 2**31 - 1))
    first = states[0]
    P = problem.P
    committee = first.kind == "committee"
    if committee:
        K, n = first.K, first.n
        s = np.zeros((replicas, 1), dtype=first.field_dtype)
        H = np.stack([state.H for state in states])
        S = np.stack([state.S for state in states])
        v, rule, tree, threshold = first.v, first.rule, first.tree, 0
        W = np.stack([state.W for state in states])
    else:
        K, n = 1, problem.N
        s = np.stack([state.s for state in states])
        H = np.zeros((replicas, 1, 1), dtype=first.field_dtype)
        S = np.zeros((replicas, 1))
        v, rule, tree, threshold = np.ones(1), 0, False, first.threshold
        W = np.stack([state.w for state in states]).reshape(replicas, 1, n)
    XT = problem.XT
    folded = not committee and s.dtype == np.int32 and problem.N <= _FOLDED_MAX_N
    if folded:
        # Fast path: labels folded into the int8 rows, int16 stabilities (|s| <= N).
        XT = np.ascontiguousarray(problem.XT * problem.y[None, :])
        s = s.astype(np.int16)
    errors = np.array([state.energy for state in states], dtype=np.int64)
    sums = W.reshape(replicas, K * n).astype(np.int64).sum(axis=0)
    centre = np.empty(K * n, dtype=np.int8)
    annealing.majority_centre(W, centre)
    keys = ("energy", "best", "errors", "best_errors", "centre_errors", "distance", "acceptance")
    history = {key: np.zeros(sweeps) for key in keys}
    work_s = np.empty(P, dtype=s.dtype)
    work_H = np.empty((K, P), dtype=H.dtype)
    work_S = np.empty(P)
    band_rows, words = (replicas, -(-P // 64)) if folded else (1, 1)
    XB = np.zeros((XT.shape[0] if folded else 1, words), dtype=np.uint64)
    if folded:
        annealing.pack_positive(XT, XB)
    band, band_size = np.zeros((band_rows, words), dtype=np.uint64), np.zeros(band_rows, dtype=np.int64)
    patterned = (committee and code != codes.ERRORS) or (folded and code == codes.CE)
    history["energy"][:] = np.nan  # written sweep by sweep: what progress reports count
    with _progress.watch(lambda: _progress.filled(history["energy"]), sweeps, "sweep"):
        done, answer, status, moves = annealing.anneal(
            problem.X, XT, problem.y, threshold, s, H, S, W, v, rule, tree, committee, folded, code, scale,
            errors.copy(), errors, np.zeros(replicas), centre, sums, mode, betas, gammas, ce_gammas, seed,
            np.empty(mt19937.WORDS, dtype=np.uint32), np.empty(mt19937.BLOCK + annealing.DRAWS_PER_MOVE - 1),
            check_every, work_s, work_H, work_S, np.empty((1, K, n), dtype=np.int8),
            np.empty(P if folded else 1, dtype=np.int16), XB, band, band_size, np.zeros(band_rows, dtype=np.int64),
            np.zeros((band_rows, words), dtype=np.uint64), np.zeros(words, dtype=np.uint64),
            np.zeros(words, dtype=np.uint64), np.empty(2 * n + 5 if folded and code == codes.CE else 1),
            np.zeros((replicas, P) if patterned else (1, 1)), np.zeros((replicas, 2)), np.empty(P if patterned else 1),
            np.empty(K, dtype=np.int64), np.empty(2 * (2 * replicas + 1)),
            np.empty((2 * (2 * replicas + 1), 2 * annealing.TABLE_DELTA + 1)),
            *(history[key] for key in keys))
    if status != codes.CHECK_OK:
        raise RuntimeError(f"{_CHECK_MESSAGES[status]} after {moves} moves")
    Nw = K * n
    complete = done if answer == -1 else done - 1  # sweeps whose history was recorded
    history = {key: value[:complete] for key, value in history.items()}
    for key in ("centre_errors", "best_errors"):
        history[key] = history[key].astype(np.int64)
    history["beta"], history["gamma"] = betas[:complete].copy(), gammas[:complete].copy()
    if code == codes.CE:
        history["ce_gamma"] = ce_gammas[:complete].copy()
    history["moves"] = replicas * np.arange(1, complete + 1, dtype=float)
    if answer == replicas or (answer == -1 and mode != codes.NONE):
        if mode == codes.TRACED:
            annealing.majority_centre(W, centre)
        w = centre.reshape(K, n).copy()
        label = "centre" if answer == replicas else "none"
    else:
        a = answer if answer >= 0 else int(np.argmin(errors))
        w = W[a].copy()
        label = "replica" if answer >= 0 else "none"
    if not committee:
        w = w.reshape(n)
    extra = {"answer": label, "moves": int(moves), "moves_per_weight": moves / Nw,
             "replica_errors": errors.copy()}
    return {"w": w, "iterations": done, "history": history, "extra": extra}


def _mode(coupling):
    return _MODES[check.choice("coupling", coupling, tuple(_MODES))]


_SA_ENERGY = {"energy": "ce", "ce_gamma0": 0.5, "ce_gamma1": 20.0}
_RSA_ENERGY = {"energy": "linear", "ce_gamma0": 0.5, "ce_gamma1": 20.0}
_GREEDY_ENERGY = {"energy": "ce", "ce_gamma0": 0.5, "ce_gamma1": 5.0}


@register("sa", defaults={"sweeps": 70000, "beta0": 3.0, "beta1": 300.0, **_SA_ENERGY,
                          "check_every": 0},
          accepts=_accepts, checks=CHECKS,
          summary="simulated annealing on a training energy (binary weights, single flips)")
def sa(problem, model, rng, *, sweeps, beta0, beta1, energy, ce_gamma0, ce_gamma1, check_every):
    """Simulated annealing, beta from ``beta0`` to ``beta1`` (geometric) over ``sweeps`` sweeps."""
    betas, gammas = _schedules(sweeps, beta0, beta1, 0.0, 0.0, False)
    return run_replicas(problem, model, rng, replicas=1, mode=codes.NONE, betas=betas,
                        gammas=gammas, check_every=check_every, energy=energy,
                        ce_gammas=_ce_schedule(energy, ce_gamma0, ce_gamma1, betas.shape[0]))


@register("rsa", defaults={"replicas": 7, "coupling": "traced", "sweeps": 10000, "beta0": 3.0,
                           "beta1": 300.0, "gamma0": 0.3, "gamma1": 30.0, **_RSA_ENERGY,
                           "check_every": 0},
          accepts=_accepts, checks=CHECKS, joint=_scoping_joint,
          summary="replicated simulated annealing on the local-entropy (robust-ensemble) objective")
def rsa(problem, model, rng, *, replicas, coupling, sweeps, beta0, beta1, gamma0, gamma1, energy,
        ce_gamma0, ce_gamma1, check_every):
    """Replicated SA: beta from ``beta0`` to ``beta1`` and gamma from ``gamma0`` to ``gamma1``."""
    mode = _mode(coupling)
    betas, gammas = _schedules(sweeps, beta0, beta1, gamma0, gamma1, False)
    return run_replicas(problem, model, rng, replicas=replicas, mode=mode, betas=betas,
                        gammas=gammas, check_every=check_every, energy=energy,
                        ce_gammas=_ce_schedule(energy, ce_gamma0, ce_gamma1, betas.shape[0]))


@register("greedy", defaults={"sweeps": 3000, **_GREEDY_ENERGY, "check_every": 0}, accepts=_accepts,
          checks=CHECKS, summary="zero-temperature single-flip search on a training energy")
def greedy(problem, model, rng, *, sweeps, energy, ce_gamma0, ce_gamma1, check_every):
    """Accept every flip that does not raise the energy, for at most ``sweeps`` sweeps."""
    betas, gammas = _schedules(sweeps, None, None, 0.0, 0.0, True)
    return run_replicas(problem, model, rng, replicas=1, mode=codes.NONE, betas=betas,
                        gammas=gammas, check_every=check_every, energy=energy,
                        ce_gammas=_ce_schedule(energy, ce_gamma0, ce_gamma1, betas.shape[0]))


@register("rgreedy", defaults={"replicas": 5, "coupling": "traced", "sweeps": 600, "gamma0": 0.01,
                               "gamma1": 3.0, **_GREEDY_ENERGY, "check_every": 0},
          accepts=_accepts, checks=CHECKS, joint=_scoping_joint,
          summary="zero-temperature single-flip search on the local-entropy objective (y replicas)")
def rgreedy(problem, model, rng, *, replicas, coupling, sweeps, gamma0, gamma1, energy, ce_gamma0,
            ce_gamma1, check_every):
    """Zero-temperature replicated search; gamma grows geometrically from ``gamma0`` to ``gamma1``."""
    mode = _mode(coupling)
    betas, gammas = _schedules(sweeps, None, None, gamma0, gamma1, True)
    return run_replicas(problem, model, rng, replicas=replicas, mode=mode, betas=betas,
                        gammas=gammas, check_every=check_every, energy=energy,
                        ce_gammas=_ce_schedule(energy, ce_gamma0, ce_gamma1, betas.shape[0]))
