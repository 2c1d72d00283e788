"""Single-flip moves per second of SA and RSA for each energy, against two baselines run alongside.

For each energy minimised (``errors``, ``linear`` flip count, ``ce`` cross-entropy;
:mod:`wfm._kernels.mc_energy`), binary perceptron storage problems at alpha = 0.6, N = 1001 and
10001, SA (one replica) and RSA (3 replicas, traced centre) at a fixed inverse temperature (the
acceptance rate, printed, is that of a mid-annealing sweep). Two references, measured in the
same run on the same arrays:

- ``plain``: a plain incremental SA (:func:`plain_sa`): int32 stabilities kept, each proposal
  reads the int8 column of the flipped weight and sums the per-pattern energy changes over
  the P patterns (O(P)), an accepted flip updates the P stabilities. The kernel must beat it
  where it has a better representation (``errors``: the band of near-threshold patterns;
  ``linear``: the two bit sets {s <= theta}, {s <= theta + 2}; ``ce``: the dot product of the
  column with per-pattern differences kept per replica instead of two table lookups per
  pattern; target speed-up > 1).
- ``floor``: the work every proposal of the kernel must do, without anything else: the
  AND-popcount of the column's bit set with the one (``errors``) or two (``linear``) bit sets
  of P / 64 words (:func:`band_floor`), or the dot product of the column with the differences
  (``ce``, :func:`dot_floor`). The kernel's rate is below it (ratio
  <= 1); the ratio is the fraction of the kernel's time spent on the proposals' own work
  (the rest: Metropolis tests, accepted flips, coupling).

Defaults: ``rsa`` with its registered defaults (flip-count energy) on 5 binary perceptron
instances at alpha = 0.65, N = 1001: solved count and CPU seconds per run (target: >= 4 of 5,
<= 30 s per run on one core).

Times are process CPU times (``time.process_time``, one thread): on a shared machine wall
times of long and short runs are slowed by different amounts, CPU times are comparable.

Usage: NUMBA_NUM_THREADS=1 python benchmarks/bench_monte_carlo.py [--repeat R] [--moves M] [--skip-defaults]
"""
import argparse
import time

import numpy as np
from _report import result

import wfm
from numba import njit

from wfm._kernels import annealing, codes, mc_energy
from wfm.algorithms.monte_carlo import run_replicas
from wfm.energy import EnergyState
from wfm.models import Perceptron
from wfm.problems import storage

BETAS = {"errors": 3.0, "linear": 10.0, "ce": 10.0}  # mid-annealing of each energy's schedule
CE_GAMMA = 2.0
TARGET = "> 1x plain"


@njit(cache=True)
def plain_sa(XT, s, w, threshold, energy, table, beta, seed, moves):
    """``moves`` Metropolis proposals of plain incremental SA (module docstring); returns accepted.

    ``XT`` label-folded int8 rows, ``s`` int32 stabilities, ``table`` f_gamma per stability
    (offset N + 2), ``beta`` per unit of the energy's count (errors, flip count) or of E (ce).
    """
    np.random.seed(seed)
    N, P = XT.shape
    offset = N + 2
    accepted = 0
    for _ in range(moves):
        i = np.random.randint(N)
        change = -2 * w[i]
        row = XT[i]
        dE = 0.0
        for mu in range(P):
            old = s[mu]
            new = old + change * row[mu]
            if energy == codes.ERRORS:
                dE += np.int64(new <= threshold) - np.int64(old <= threshold)
            elif energy == codes.LINEAR:
                dE += mc_energy.flip_count(np.int64(new), threshold) - mc_energy.flip_count(np.int64(old), threshold)
            else:
                dE += table[new + offset] - table[old + offset]
        if dE <= 0.0 or np.random.random() < np.exp(-beta * dE):
            for mu in range(P):
                s[mu] += change * row[mu]
            w[i] = -w[i]
            accepted += 1
    return accepted


@njit(cache=True)
def band_floor(XB, sets, columns):
    """AND-popcount of the bit set of each column with each of ``sets`` (rows): the proposals'
    own work in the kernel's bit-set representation."""
    total = 0
    for t in range(columns.shape[0]):
        bits = XB[columns[t]]
        for k in range(sets.shape[0]):
            for word in range(bits.shape[0]):
                total += mc_energy.popcount(bits[word] & sets[k, word])
    return total


@njit(cache=True)
def dot_floor(XT, G, columns):
    """The cross-entropy change of a flip at each column (:func:`wfm._kernels.mc_energy.ce_flip_delta`,
    a dot product with the per-pattern differences G): the proposals' own work for ``ce``."""
    total = 0.0
    for t in range(columns.shape[0]):
        total += mc_energy.ce_flip_delta(XT[columns[t]], G, 0.0, 0.0, 1)
    return total


def time_search(problem, model, energy, replicas, mode, moves, beta, gamma):
    """Seconds, moves and acceptance of one run of about ``moves`` replica moves."""
    sweeps = max(1, moves // (problem.N * replicas))
    betas, gammas = np.full(sweeps, beta), np.full(sweeps, gamma)
    start = time.process_time()
    out = run_replicas(problem, model, np.random.default_rng(1), replicas=replicas, mode=mode,
                       betas=betas, gammas=gammas, check_every=0, energy=energy,
                       ce_gammas=np.full(sweeps, CE_GAMMA))
    seconds = time.process_time() - start
    return seconds, out["extra"]["moves"], float(np.mean(out["history"]["acceptance"]))


def references(problem, model, energy, beta, moves):
    """Closures timing the plain SA and the floor of ``energy`` on ``problem`` (moves per second)."""
    N = problem.N
    state = EnergyState(problem, model, model.init(0))
    XT = np.ascontiguousarray(problem.XT * problem.y[None, :])
    code = {"errors": codes.ERRORS, "linear": codes.LINEAR, "ce": codes.CE}[energy]
    table = np.empty(2 * N + 5)
    mc_energy.ce_tabulate(CE_GAMMA, state.threshold, N, table)
    scale = 2.0 / np.sqrt(N) if energy == "linear" else 1.0
    words = -(-problem.P // 64)
    XB = np.empty((N, words), dtype=np.uint64)
    annealing.pack_positive(XT, XB)
    sets = np.empty((1 if energy == "errors" else 2, words), dtype=np.uint64)
    s16 = state.s.astype(np.int16)
    G = np.empty(problem.P)
    mc_energy.ce_differences(s16, table, N + 2, G)
    if energy == "errors":
        annealing.band_rebuild(s16, state.threshold, sets[0])
    else:
        mc_energy.linear_rebuild(s16, state.threshold, sets[0], sets[1])
    columns = np.random.default_rng(0).integers(0, N, size=5 * moves)
    plain_moves = max(1000, moves // 5)

    def plain():
        s, w = state.s.copy(), state.w.copy()
        start = time.process_time()
        plain_sa(XT, s, w, state.threshold, code, table, beta * scale, 3, plain_moves)
        return plain_moves / (time.process_time() - start)

    def floor():
        start = time.process_time()
        if energy == "ce":
            dot_floor(XT, G, columns)
        else:
            band_floor(XB, sets, columns)
        return columns.shape[0] / (time.process_time() - start)

    plain_sa(XT, state.s.copy(), state.w.copy(), state.threshold, code, table, beta * scale, 3, 10)  # compile
    band_floor(XB, sets, columns[:10])
    dot_floor(XT, G, columns[:10])
    return plain, floor


def defaults_check(N=1001, alpha=0.65, instances=5):
    """Run ``rsa`` with its registered defaults on ``instances`` instances; print and report."""
    model = Perceptron(N)
    wfm.solve(storage(51, 0.3, seed=0), Perceptron(51), "rsa", seed=0, sweeps=2)  # compile
    solved, seconds = 0, []
    for seed in range(instances):
        problem = storage(N, alpha, seed=seed)
        start = time.process_time()
        out = wfm.solve(problem, model, "rsa", seed=seed)
        seconds.append(time.process_time() - start)
        solved += out.solved
        print(f"rsa defaults N={N} alpha={alpha} seed={seed}: solved={out.solved} errors={out.errors} "
              f"sweeps={out.iterations} {seconds[-1]:.2f} s", flush=True)
    energy = wfm.algorithms.get("rsa").defaults["energy"]
    result(f"rsa registered defaults (energy {energy}), binary perceptron N = {N}, alpha = {alpha}, "
           f"{instances} instances", f"solved {solved}/{instances}, CPU s per run mean {np.mean(seconds):.2f} "
           f"max {max(seconds):.2f}", f">= 4/{instances}, <= 30 s per run")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="interleaved repetitions (default 3)")
    parser.add_argument("--moves", type=int, default=1_000_000, help="moves per timed run (default 1e6)")
    parser.add_argument("--skip-defaults", action="store_true", help="skip the rsa defaults check")
    args = parser.parse_args(argv)
    if not args.skip_defaults:
        defaults_check()
    print(f"{'case':38s} {'best Mmoves/s':>13s} {'median':>7s} {'plain':>7s} {'x plain':>8s} "
          f"{'floor':>7s} {'of floor':>8s} {'accept':>7s}")
    for N in (1001, 10001):
        problem, model = storage(N, 0.6, seed=0), Perceptron(N)
        for energy in ("errors", "linear", "ce"):
            beta = BETAS[energy]
            cases = [("SA", 1, codes.NONE, 0.0), ("RSA y=3 traced", 3, codes.TRACED, 0.5)]
            plain, floor = references(problem, model, energy, beta, args.moves)
            for _, replicas, mode, gamma in cases:  # compile
                time_search(problem, model, energy, replicas, mode, 10 * N, beta, gamma)
            rates = {label: [] for label, *_ in cases}
            plain_rates, floor_rates, accept = [], [], {}
            for _ in range(args.repeat):
                plain_rates.append(plain())
                floor_rates.append(floor())
                for label, replicas, mode, gamma in cases:
                    seconds, moves, acceptance = time_search(problem, model, energy, replicas, mode,
                                                             args.moves, beta, gamma)
                    rates[label].append(moves / seconds)
                    accept[label] = acceptance
            base, top = max(plain_rates), max(floor_rates)
            for label, *_ in cases:
                best = max(rates[label])
                name = f"{label} {energy} N={N} P={problem.P}"
                print(f"{name:38s} {best / 1e6:13.2f} {np.median(rates[label]) / 1e6:7.2f} {base / 1e6:7.2f} "
                      f"{best / base:8.2f} {top / 1e6:7.2f} {best / top:8.2f} {accept[label]:7.3f}", flush=True)
                result(f"{label}, energy {energy}, binary perceptron N = {N}, P = {problem.P}, beta = {beta:g}",
                       f"{best / 1e6:.2f} M moves/s = {best / base:.2f}x plain incremental SA "
                       f"({base / 1e6:.2f} M moves/s), {best / top:.2f} of the proposal floor "
                       f"({top / 1e6:.2f} M/s), acceptance {accept[label]:.3f}", TARGET)


if __name__ == "__main__":
    main()
