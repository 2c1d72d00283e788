"""FLOP rate of wfm.measures.local_energy against NumPy's matrix product of the same shape.

local_energy evaluates S perturbations of the weights as the columns of one matrix product
X @ W' (2 P N S flops per size for a perceptron, 2 P N K S for a fully connected committee,
2 P N S for a tree); noise generation and error counting are the overhead. The baseline is
NumPy's own product of the same shapes and dtype, timed in the same run. Target: ratio >= 0.5.

Usage: python benchmarks/bench_measures.py [--samples S] [--repeat R]
"""
import argparse
import time

import numpy as np
from _report import result

from wfm.measures import local_energy
from wfm.models import Committee, Perceptron
from wfm.problems import storage


def best_times(functions, repeat):
    """Smallest wall-clock time of each function over ``repeat`` interleaved rounds.

    Interleaving exposes every function to the same load on a shared machine.
    """
    best = [np.inf] * len(functions)
    for _ in range(repeat):
        for i, function in enumerate(functions):
            start = time.perf_counter()
            function()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def cases(samples):
    """(label, problem, model, weights, baseline product) for each benchmark case."""
    rng = np.random.default_rng(0)
    out = []
    problem = storage(1000, P=2000, seed=1)
    model = Perceptron(1000, "spherical")
    X = problem.X.astype(np.float64)
    B = rng.standard_normal((1000, samples))
    out.append(("spherical perceptron, multiplicative", problem, model, model.init(2), lambda: X @ B))

    model = Perceptron(1000, "binary")
    X32, B32 = problem.X.astype(np.float32), np.sign(B).astype(np.float32)
    out.append(("binary perceptron, flip (float32)", problem, model, model.init(2), lambda: X32 @ B32))

    problem = storage(500, P=1000, seed=3)
    model = Committee(500, 5, tree=False, activation="relu", weights="continuous", second_layer="trainable")
    Xc = problem.X.astype(np.float64)
    Bc = rng.standard_normal((5, 500, samples))
    out.append(("fully connected ReLU committee K=5", problem, model, model.init(4),
                lambda: np.matmul(Xc, Bc)))

    model = Committee(500, 5, tree=True, activation="sign", weights="continuous")
    Xt = np.ascontiguousarray(Xc.reshape(1000, 5, 100).transpose(1, 0, 2))
    Bt = rng.standard_normal((5, 100, samples))
    out.append(("tree sign committee K=5", problem, model, model.init(4), lambda: np.matmul(Xt, Bt)))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1000, help="perturbations per size (default 1000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds, best kept (default 5)")
    args = parser.parse_args()
    print(f"{'case':40s} {'local_energy':>14s} {'numpy matmul':>14s} {'ratio':>6s}")
    for label, problem, model, w, baseline in cases(args.samples):
        K = getattr(model, "K", 1)
        width = model.N if (K == 1 or model.tree) else model.N * K
        flops = 2.0 * problem.P * width * args.samples
        def measure():
            return local_energy(problem, model, w, sizes=[0.1], samples=args.samples, seed=0)

        measure()  # compile the kernels outside the timing
        t_measure, t_matmul = best_times([measure, baseline], args.repeat)
        rate, reference = flops / t_measure / 1e9, flops / t_matmul / 1e9
        print(f"{label:40s} {rate:9.2f} GF/s {reference:9.2f} GF/s {rate / reference:6.2f}")
        result(f"local energy, {label}: FLOP rate / NumPy matmul", f"{rate / reference:.2f} "
               f"({rate:.1f} vs {reference:.1f} GF/s)", ">= 0.5")


if __name__ == "__main__":
    main()
