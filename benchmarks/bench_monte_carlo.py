"""Single-flip moves per second of SA and RSA against a memory-bandwidth bound.

The bound is the rate of an njit loop that reads and reduces one random int8 row of the
transposed patterns ``XT`` (P values) per move, measured in the same run on the same array
(same cache behaviour): the cost of a move that reads its whole column. Target: ratio >= 0.5.
The kernel reads less: the energy change of a flip is computed on the band of patterns whose
stability is within 2 of the threshold (the only ones whose error status a flip can change),
kept as a bit set and intersected with the bit set of the column's positive entries (P / 64
words, :func:`wfm._kernels.annealing.band_flip_delta`), and the P int8 entries of a column are
read only when a flip is accepted; so the ratio can exceed 1, most when the column read
dominates (large P). The uniform draws (site, Metropolis test) are loads from a buffer of the
Mersenne Twister stream filled a block at a time (:mod:`wfm._kernels.mt19937`).

Cases: binary perceptron storage problems at alpha = 0.6, N = 1001 and 10001, SA (one replica)
and RSA (3 replicas, traced centre), at a fixed inverse temperature so that the acceptance rate
(printed) is the one of a typical mid-annealing sweep.

Usage: NUMBA_NUM_THREADS=1 python benchmarks/bench_monte_carlo.py [--repeat R] [--moves M]
"""
import argparse
import time

import numpy as np
from _report import result
from numba import njit

from wfm._kernels import annealing, codes
from wfm.algorithms.monte_carlo import run_replicas
from wfm.models import Perceptron
from wfm.problems import storage


@njit(cache=True)
def read_columns(XT, columns):
    """Read and reduce the int8 row XT[i] of every i in ``columns``: the bandwidth baseline."""
    total = 0
    for t in range(columns.shape[0]):
        row = XT[columns[t]]
        acc = 0
        for mu in range(row.shape[0]):
            acc += row[mu]
        total += acc
    return total


def time_search(problem, model, replicas, mode, moves, beta, gamma):
    """Seconds, moves and acceptance of one run of ``moves`` replica moves (about)."""
    sweeps = max(1, moves // (problem.N * replicas))
    betas, gammas = np.full(sweeps, beta), np.full(sweeps, gamma)
    start = time.perf_counter()
    out = run_replicas(problem, model, np.random.default_rng(1), replicas=replicas, mode=mode,
                       betas=betas, gammas=gammas, check_every=0)
    seconds = time.perf_counter() - start
    return seconds, out["extra"]["moves"], float(np.mean(out["history"]["acceptance"]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="interleaved repetitions (default 5)")
    parser.add_argument("--moves", type=int, default=1_000_000, help="moves per timed run (default 1e6)")
    args = parser.parse_args(argv)
    print(f"{'case':32s} {'best Mmoves/s':>14s} {'median':>8s} {'bound Mcol/s':>13s} {'ratio':>6s} {'accept':>7s}")
    for N in (1001, 10001):
        problem, model = storage(N, 0.6, seed=0), Perceptron(N)
        columns = np.random.default_rng(0).integers(0, N, size=args.moves)
        cases = [("SA", 1, codes.NONE, 0.0), ("RSA y=3 traced", 3, codes.TRACED, 0.5)]
        read_columns(problem.XT, columns[:10])
        time_search(problem, model, 1, codes.NONE, 10 * N, 2.0, 0.0)  # compile
        time_search(problem, model, 3, codes.TRACED, 10 * N, 2.0, 0.5)
        rates = {label: [] for label, *_ in cases}
        bound, accept = [], {}
        for _ in range(args.repeat):
            start = time.perf_counter()
            read_columns(problem.XT, columns)
            bound.append(args.moves / (time.perf_counter() - start))
            for label, replicas, mode, gamma in cases:
                seconds, moves, acceptance = time_search(problem, model, replicas, mode, args.moves, 2.0, gamma)
                rates[label].append(moves / seconds)
                accept[label] = acceptance
        for label, *_ in cases:
            best = max(rates[label])
            print(f"{label + f' N={N} P={problem.P}':32s} {best / 1e6:14.2f} {np.median(rates[label]) / 1e6:8.2f} "
                  f"{max(bound) / 1e6:13.2f} {best / max(bound):6.2f} {accept[label]:7.3f}")
            result(f"{label}, binary perceptron N = {N}, P = {problem.P}, beta = 2",
                   f"{best / 1e6:.2f} M moves/s = {best / max(bound):.2f} of the int8 column-read bound "
                   f"({max(bound) / 1e6:.2f} M columns/s)", ">= 0.5 of the bound")


if __name__ == "__main__":
    main()
