"""Benchmark of the message-passing solvers (single thread unless the environment gives more).

Prints, from one run:
- one edge-BP sweep (perceptron N = 1001, alpha = 0.7) in ns per (pattern x weight) edge, and
  its ratio to one erfc per edge measured in the same process, on the arguments
  (a - d) / sqrt(2) that the sweep's messages see in the same state (target: ratio <= 2);
- one AMP iteration and its ratio to two BLAS float64 matrix-vector products of the same shape
  (target: ratio <= 3); one committee AMP iteration and its ratio to 2 K such products;
- one AMP iteration on the int8 patterns (N = 10^4 and 10^5, alpha = 0.7) against one streaming
  read of the int8 matrix measured in the same process with the same threads (target: within
  2x of two reads; with NUMBA_NUM_THREADS > 1 both run in parallel over the pattern chunks);
- time to solution of famp / fbp on the target instances (solved count, median seconds):
  perceptron N = 1001 alpha = 0.7 (target >= 9/10, median <= 0.5 s), alpha = 0.75 (target: as
  many solved as the C++ port of the authors' fBP, which reference_port.py runs on these
  instances), fully connected committee K = 5, N = 321, 802 patterns (target: solved, median
  <= 1.5 s; C++ port 15.1 s), perceptron N = 10^4 alpha = 0.6 (target <= 120 s);
- the default famp's success rate at N = 10^4, alpha = 0.72 and 0.74 (5 instances each) next to
  famp with the fixed StandardReinforcement(0.01) (target at 0.72: >= 4/5, median <= 2 min);
- famp at N = 10^5, alpha = 0.7 (7 GB of int8 patterns): solved, time to solution, peak
  resident memory (target: <= 10 min, <= 10 GB), and the time storage() takes to draw it.

The last two items take tens of minutes and are skipped by ``--skip-huge`` (run_all.py
--quick passes it); ``--only-huge`` runs them alone (run_all.py --scale passes it, with one
thread per core).

Usage: ``python benchmarks/bench_message_passing.py [--instances 10] [--repeats 5] [--skip-large]
[--skip-huge | --only-huge] [--skip-fbp] [--fbp-instances 10]`` (``--help``).
"""
import argparse
import math
import os
import resource
import time

os.environ.setdefault("NUMBA_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import numba  # noqa: E402
from numba import njit, prange  # noqa: E402
from _report import result as report  # noqa: E402

import wfm  # noqa: E402
from wfm._kernels.amp_perceptron import amp_step, workspace  # noqa: E402
from wfm._kernels.amp_committee import amp_committee_step  # noqa: E402
from wfm._kernels.bp_perceptron import bp_step, bp_sweep  # noqa: E402
from wfm._kernels.linalg import chunk_bounds, chunk_count  # noqa: E402
from wfm.algorithms.message_passing import REFERENCE_FBP  # noqa: E402
from wfm.algorithms.protocols import StandardReinforcement  # noqa: E402
from wfm.models import Committee, Perceptron  # noqa: E402
from wfm.problems import storage  # noqa: E402


@njit(cache=True)
def _erfc_per_edge(args):
    """One erfc per (pattern, weight) edge: the baseline of the edge-BP sweep."""
    s = 0.0
    for mu in range(args.shape[0]):
        row = args[mu]
        for i in range(args.shape[1]):
            s += math.erfc(row[i])
    return s


def _message_arguments(X, sigma, u, H, F):
    """(a - d) / sqrt(2) of every edge (see wfm._kernels.bp_perceptron), kappa = 0."""
    m = np.tanh(H + F - u)
    Xf = X.astype(np.float64)
    M = np.sum(Xf * m, axis=1, keepdims=True)
    V = np.sum(1.0 - m ** 2, axis=1, keepdims=True)
    r = 1.0 / np.sqrt(np.maximum(V - (1.0 - m ** 2), 1e-12))
    a = -sigma[:, None] * (M - Xf * m) * r
    d = sigma[:, None] * Xf * r
    return np.ascontiguousarray((a - d) / math.sqrt(2.0))


def _best(*fns, repeats):
    """Best time of each function over ``repeats`` rounds, the functions interleaved in every
    round (the machine's load drifts between rounds, not within one)."""
    times = [[] for _ in fns]
    for _ in range(repeats):
        for fn, record in zip(fns, times):
            start = time.perf_counter()
            fn()
            record.append(time.perf_counter() - start)
    return [min(record) for record in times]


def sweep_cost(repeats):
    problem = storage(1001, 0.7, seed=0)
    P, N = problem.X.shape
    rng = np.random.default_rng(0)
    u = rng.normal(0.0, 3.0 / math.sqrt(P), (P, N))
    H, F, w1, w2, w3 = u.sum(axis=0), np.zeros(N), np.zeros(N), np.zeros(N), np.zeros(N)
    # the state of fbp after 20 focusing steps (y = 1 / (1 - 0.2)): the arguments it meets
    for step in range(20):
        bp_step(problem.X, problem.y, 0.0, u, H, F, w1, w2, w3, math.inf, 1.0 / (1.0 - 0.01 * step), 0.5,
                False, 1e-3, 5, np.arange(P)[None, :], problem.XT, np.zeros(N), np.zeros(P), False)
    args = _message_arguments(problem.X, problem.y, u, H, F)
    _erfc_per_edge(args)
    state = (u.copy(), H.copy())
    t_sweep, t_erfc = _best(lambda: bp_sweep(problem.X, problem.y, 0.0, state[0], state[1], F, w1, w2, 0.5, False,
                                               np.arange(P)),
                            lambda: _erfc_per_edge(args), repeats=repeats)
    edges = P * N
    print(f"edge-BP sweep, perceptron N={N} P={P}: {t_sweep / edges * 1e9:.1f} ns/edge; "
          f"erfc {t_erfc / edges * 1e9:.1f} ns/edge; ratio {t_sweep / t_erfc:.2f} (target <= 2)")
    report(f"edge-BP sweep, binary perceptron N = {N}, P = {P}",
           f"{t_sweep / edges * 1e9:.1f} ns per edge = {t_sweep / t_erfc:.2f}x one erfc per edge", "<= 2x")


def amp_cost(N, alpha, repeats):
    problem = storage(N, alpha, seed=0)
    P = problem.P
    rng = np.random.default_rng(0)
    h, g, B = rng.normal(0.0, 0.3, N), np.zeros(P), np.zeros(N)
    work = workspace(N, P)
    step = lambda: amp_step(problem.X, problem.y, 0.0, h, g, B, *work,  # noqa: E731
                            math.inf, 1.0, 0.5, 0.0, 10, False)
    step()
    Xf = problem.X.astype(np.float64)
    m, r = rng.normal(size=N), rng.normal(size=P)
    t_amp, t_blas = (t / 10 for t in _best(step, lambda: [(Xf @ m, r @ Xf) for _ in range(10)], repeats=repeats))
    print(f"AMP iteration, N={N} P={P}: {t_amp * 1e6:.0f} us; two BLAS float64 gemv "
          f"{t_blas * 1e6:.0f} us; ratio {t_amp / t_blas:.2f} (target <= 3)")
    report(f"AMP iteration, binary perceptron N = {N}, P = {P}",
           f"{t_amp * 1e6:.0f} us = {t_amp / t_blas:.2f}x two BLAS float64 gemv", "<= 3x")


@njit(cache=True)
def _read_rows(X, lo, hi):
    total = 0
    for mu in range(lo, hi):
        row = X[mu]
        for j in range(row.shape[0]):
            total += row[j]
    return total


@njit(cache=True, parallel=True)
def _read_chunks(X, chunks):
    total = 0
    for c in prange(chunks):
        lo, hi = chunk_bounds(X.shape[0], chunks, c)
        total += _read_rows(X, lo, hi)
    return total


def stream_read(X, threads):
    """Sum of the int8 patterns: one streaming read of the matrix, in the pattern chunks of the AMP
    kernels, in parallel when ``threads`` (the lower bound of any pass over the patterns)."""
    chunks = chunk_count(X.shape[0])
    return _read_chunks(X, chunks) if threads else _read_rows(X, 0, X.shape[0])


def amp_stream_cost(problem, repeats, threads):
    """AMP iteration against two streaming reads of the int8 patterns, same threads, same process."""
    N, P = problem.N, problem.P
    rng = np.random.default_rng(0)
    h, g, B = rng.normal(0.0, 0.3, N), np.zeros(P), np.zeros(N)
    work = workspace(N, P)
    iterations = 3 if N * P > 10 ** 9 else 10
    step = lambda: amp_step(problem.X, problem.y, 0.0, h, g, B, *work,  # noqa: E731
                            math.inf, 1.0, 0.5, 0.0, iterations, threads)
    step()
    stream_read(problem.X, threads)
    t_amp, t_read = _best(step, lambda: stream_read(problem.X, threads), repeats=repeats)
    t_amp /= iterations
    gigabytes = problem.X.nbytes / 1e9
    label = f"{numba.get_num_threads() if threads else 1} thread(s)"
    print(f"AMP iteration, N={N} P={P} int8 ({gigabytes:.2f} GB), {label}: {t_amp * 1e3:.1f} ms; one streaming "
          f"read {t_read * 1e3:.1f} ms ({gigabytes / t_read:.1f} GB/s); ratio to two reads "
          f"{t_amp / (2 * t_read):.2f} (target <= 2)", flush=True)
    report(f"AMP iteration, binary perceptron N = {N}, P = {P}, int8 patterns, {label}",
           f"{t_amp * 1e3:.1f} ms = {t_amp / (2 * t_read):.2f}x two streaming reads of the patterns "
           f"({gigabytes / t_read:.1f} GB/s)", "<= 2x")


def famp_huge(problem, seed):
    """famp (defaults) on one N = 10^5 instance: solved, time to solution, peak resident memory."""
    threads = numba.get_num_threads()
    result = wfm.solve(problem, Perceptron(problem.N), "famp", seed=seed)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # kB on Linux
    print(f"famp N={problem.N} alpha={problem.alpha:.2f} ({threads} thread(s)): solved {result.solved}, "
          f"{result.errors} errors, {result.seconds:.0f} s, {result.iterations} iterations, peak RSS "
          f"{peak:.1f} GB (patterns {problem.X.nbytes / 1e9:.1f} GB)", flush=True)
    report(f"famp, binary perceptron N = {problem.N}, alpha = {problem.alpha:.2f}, {threads} thread(s)",
           f"{'solved' if result.solved else f'not solved ({result.errors} errors)'} in {result.seconds:.0f} s, "
           f"peak RSS {peak:.1f} GB", "solved, <= 600 s, <= 10 GB")


def amp_committee_cost(N, K, P, repeats):
    problem = storage(N, P=P, seed=0)
    rng = np.random.default_rng(0)
    h, g, B = rng.normal(0.0, 0.3, (K, N)), np.zeros((K, P)), np.zeros((K, N))
    work = (np.zeros((K, N)), np.zeros((K, P)), np.zeros((K, P)), np.zeros((K, N))) + tuple(
        np.zeros(K) for _ in range(4))
    step = lambda: amp_committee_step(problem.X, problem.XT, problem.y, False, h, g, B, *work,  # noqa: E731
                                      math.inf, 1.0, 0.5, 0.0, 10)
    step()
    Xf = problem.X.astype(np.float64)
    m, r = rng.normal(size=N), rng.normal(size=P)
    t_amp, t_blas = (t / 10 for t in _best(step, lambda: [(Xf @ m, r @ Xf) for _ in range(10 * K)],
                                           repeats=repeats))
    print(f"committee AMP iteration, fully connected K={K} N={N} P={P}: {t_amp * 1e6:.0f} us; "
          f"2K BLAS float64 gemv {t_blas * 1e6:.0f} us; ratio {t_amp / t_blas:.2f}")
    report(f"committee AMP iteration, fully connected K = {K}, N = {N}, P = {P}",
           f"{t_amp * 1e6:.0f} us = {t_amp / t_blas:.2f}x 2K BLAS float64 gemv")


def success_rates(N, alpha, seeds):
    """Default famp against famp with the fixed StandardReinforcement(0.01), on the same instances."""
    for label, params in (("default", {}), ("StandardReinforcement(0.01)", {"protocol": StandardReinforcement(0.01)})):
        solved, times = 0, []
        for seed in seeds:
            result = wfm.solve(storage(N, alpha, seed=seed), Perceptron(N), "famp", seed=seed, **params)
            solved += result.solved
            times.append(result.seconds)
            print(f"  famp {label}, N={N} alpha={alpha} seed {seed}: solved {result.solved} ({result.errors} errors), "
                  f"{result.seconds:.1f} s", flush=True)
        target = ">= 4/5, median <= 120 s" if label == "default" and alpha == 0.72 else ""
        report(f"famp ({label} protocol), binary perceptron N = {N}, alpha = {alpha}",
               f"{solved}/{len(seeds)} solved, median {np.median(times):.0f} s", target)


def time_to_solution(label, make, model, algorithm, seeds, target="", goal="", **params):
    solved, times = 0, []
    for seed in seeds:
        problem = make(seed)
        result = wfm.solve(problem, model, algorithm, seed=seed, **params)
        solved += result.solved
        times.append(result.seconds)
    settings = "".join(f" {k}={v}" for k, v in params.items())
    print(f"{label}, {algorithm}{settings}: solved {solved}/{len(seeds)}, median {np.median(times):.2f} s, "
          f"best {np.min(times):.2f} s, max {np.max(times):.2f} s{target}", flush=True)
    protocol = " (reference protocol: sequential in random order, undamped)" if params else ""
    report(f"{algorithm}{protocol}, {label}", f"{solved}/{len(seeds)} solved, median {np.median(times):.2f} s", goal)


def large_n(repeats, threads):
    """The default famp's success rates at N = 10^4 next to the fixed protocol's, then the
    N = 10^5 instance: its generation, the AMP iteration on it, and famp on it."""
    for alpha, base in ((0.72, 5000), (0.74, 6000)):
        success_rates(10000, alpha, range(base, base + 5))
    start = time.perf_counter()
    huge = storage(100000, 0.7, seed=7000)
    print(f"storage(N=100000, alpha=0.7): {time.perf_counter() - start:.1f} s", flush=True)
    report("storage, N = 10^5, alpha = 0.7, int8 patterns (7 GB)", f"{time.perf_counter() - start:.1f} s")
    amp_stream_cost(huge, max(1, repeats // 2), threads)
    famp_huge(huge, 7000)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=10, help="instances per target (default 10)")
    parser.add_argument("--repeats", type=int, default=5, help="timing repeats, best kept (default 5)")
    parser.add_argument("--skip-large", action="store_true", help="skip the N = 10^4 instance")
    parser.add_argument("--skip-fbp", action="store_true", help="skip the edge-BP time to solution")
    huge = parser.add_mutually_exclusive_group()
    huge.add_argument("--skip-huge", action="store_true",
                      help="skip the N = 10^5 instance (7 GB of patterns) and the success rates at N = 10^4 "
                           "(tens of minutes)")
    huge.add_argument("--only-huge", action="store_true",
                      help="run only the N = 10^5 instance and the success rates at N = 10^4")
    parser.add_argument("--fbp-instances", type=int, default=10,
                        help="instances of the alpha = 0.75 edge-fBP target (default 10; 0 skips it: "
                             "its failures take minutes each)")
    args = parser.parse_args()
    seeds = list(range(args.instances))
    if args.only_huge:
        wfm.solve(storage(31, 0.3, seed=0), Perceptron(31), "famp", seed=0)  # compile before timing
        large_n(args.repeats, numba.get_num_threads() > 1)
        return

    sweep_cost(args.repeats)
    amp_cost(1001, 0.7, args.repeats)
    amp_cost(10000, 0.6, max(1, args.repeats // 2))
    amp_committee_cost(321, 5, 802, args.repeats)
    threads = numba.get_num_threads() > 1
    amp_stream_cost(storage(10000, 0.7, seed=0), args.repeats, threads)
    # compile everything once before timing runs
    wfm.solve(storage(31, 0.3, seed=0), Perceptron(31), "famp", seed=0)
    wfm.solve(storage(31, 0.3, seed=0), Perceptron(31), "fbp", seed=0)
    wfm.solve(storage(15, P=4, seed=0), Committee(15, 3, tree=False), "fbp", seed=0)
    wfm.solve(storage(15, P=4, seed=0), Committee(15, 3, tree=False), "famp", seed=0)

    committee = (lambda s: storage(321, P=802, seed=3000 + s), Committee(321, 5, tree=False))
    time_to_solution("committee fully connected K=5 N=321 P=802", *committee, "famp", seeds,
                     " (target: solved, median <= 1.5 s; C++ port 15.1 s)",
                     "solved, median <= 1.5 s (C++ fBP port: 15.1 s)")
    time_to_solution("perceptron N=1001 alpha=0.7", lambda s: storage(1001, 0.7, seed=1000 + s),
                     Perceptron(1001), "famp", seeds, " (target >= 9/10, median <= 0.5 s)",
                     ">= 9/10, median <= 0.5 s (C++ fBP port: 5.7 s)")
    time_to_solution("perceptron N=1001 alpha=0.75", lambda s: storage(1001, 0.75, seed=2000 + s),
                     Perceptron(1001), "famp", seeds, " (target: as many solved as the C++ port; reference_port.py)",
                     "as many solved as the C++ fBP port (reference_port.py)")
    if not args.skip_large:
        time_to_solution("perceptron N=10000 alpha=0.6", lambda s: storage(10000, 0.6, seed=4000 + s),
                         Perceptron(10000), "famp", seeds[:1], " (target <= 120 s)", "solved, <= 120 s")
    if not args.skip_huge:
        large_n(args.repeats, threads)
    if not args.skip_fbp:
        time_to_solution("perceptron N=1001 alpha=0.7", lambda s: storage(1001, 0.7, seed=1000 + s),
                         Perceptron(1001), "fbp", seeds[:3], " (C++ port 5.7 s)", "(C++ fBP port: 5.7 s)",
                         **REFERENCE_FBP)
        if args.fbp_instances:
            time_to_solution("perceptron N=1001 alpha=0.75", lambda s: storage(1001, 0.75, seed=2000 + s),
                             Perceptron(1001), "fbp", seeds[:args.fbp_instances],
                             " (target: as many solved as the C++ port; reference_port.py)",
                             "as many solved as the C++ fBP port (reference_port.py)",
                             **REFERENCE_FBP)
        time_to_solution("committee fully connected K=5 N=321 P=802", *committee, "fbp", seeds[:3],
                         " (target: solved, median <= 1.5 s)", "solved, median <= 1.5 s")


if __name__ == "__main__":
    main()
