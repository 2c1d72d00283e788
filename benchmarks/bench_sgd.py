"""Cost of one epoch of CE SGD against the BLAS products of the same shapes, in the same run.

Run single-threaded:
    NUMBA_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python benchmarks/bench_sgd.py

An epoch of ``"sgd"`` (``wfm.solve(..., epochs=E, early_stop=False)`` divided by E) does, per
mini-batch, the forward product of the hidden fields and the backward product of the
gradient, plus the per-epoch permutation of the patterns and the full-data loss and errors
of the history. The baseline is, for the same batches, only the two float64 products
(fully connected: W X_b^T and C X_b; tree: one matrix-vector product per unit each way;
perceptron: two matrix-vector products). Best and median of several repeats are printed,
and the ratio of the best times (target: within 3x), also as RESULT rows for
benchmarks/run_all.py (benchmarks/_report.py). Times are the process's CPU time
(time.process_time), and the two timings alternate, so that on a machine shared with other
jobs neither side is charged for the time the scheduler gives to other processes.
"""
import argparse
import time

import numpy as np
from _report import result

import wfm
from wfm.models import Committee, Perceptron
from wfm.problems import storage

CASES = [
    ("perceptron N=1000 P=2000 B=100", Perceptron(1000, "spherical"), 1000, 2000, 100),
    ("committee fc K=5 N=500 P=1000 B=100", Committee(500, 5, tree=False, activation="relu",
                                                      weights="continuous"), 500, 1000, 100),
    ("committee fc K=5 N=500 P=1000 B=20", Committee(500, 5, tree=False, activation="sign",
                                                     weights="continuous"), 500, 1000, 20),
    ("committee tree K=5 N=1000 P=2000 B=100", Committee(1000, 5, tree=True, activation="relu",
                                                         weights="continuous"), 1000, 2000, 100),
    ("committee fc K=7 N=100 P=200 B=10 (sim size)", Committee(100, 7, tree=False, activation="sign",
                                                               weights="continuous"), 100, 200, 10),
]


def _products(model, X, B, rng):
    """One epoch of the two products per batch, on float64 data in the layout SGD uses."""
    K = getattr(model, "K", 1)
    tree = getattr(model, "tree", False) and K > 1
    n = X.shape[1] // K if tree else X.shape[1]
    data = (np.ascontiguousarray(X.reshape(X.shape[0], K, n).transpose(1, 0, 2)) if tree
            else np.ascontiguousarray(X, dtype=np.float64))
    W = rng.standard_normal((K, n))
    P = X.shape[0]

    def epoch():
        for start in range(0, P, B):
            if tree:
                Xb = data[:, start:start + B]
                lam = np.matmul(Xb, W[:, :, None])[:, :, 0]
                np.matmul(lam[:, None, :], Xb)
            else:
                Xb = data[start:start + B]
                lam = W @ Xb.T
                lam @ Xb
    return epoch


def _time(functions, repeats):
    """(best, median) CPU time of each function, timed alternately ``repeats`` times."""
    times = [[] for _ in functions]
    for _ in range(repeats):
        for function, out in zip(functions, times):
            start = time.process_time()
            function()
            out.append(time.process_time() - start)
    return [(min(t), float(np.median(t))) for t in times]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=20, help="epochs per timing (default 20)")
    parser.add_argument("--repeats", type=int, default=9, help="timings per case (default 9)")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    wfm.solve(storage(20, 1.0, seed=0), Perceptron(20, "spherical"), "sgd", seed=0, epochs=2)
    print(f"{'case':46} {'epoch best/median (ms)':>24} {'BLAS best/median (ms)':>24} {'ratio':>6}")
    for label, model, N, P, B in CASES:
        problem = storage(N, P=P, seed=1)
        X = problem.X.astype(np.float64)

        def sgd_epochs():
            wfm.solve(problem, model, "sgd", seed=0, epochs=args.epochs, batch_size=B,
                      early_stop=False)
        products = _products(model, X, B, rng)

        def blas_epochs():
            for _ in range(args.epochs):
                products()
        (best, median), (base_best, base_median) = (
            (t_best / args.epochs * 1e3, t_median / args.epochs * 1e3)
            for t_best, t_median in _time([sgd_epochs, blas_epochs], args.repeats))
        print(f"{label:46} {best:11.3f} / {median:10.3f} {base_best:11.3f} / {base_median:10.3f} "
              f"{best / base_best:6.2f}")
        result(f"CE SGD epoch, {label}: time / BLAS products", f"{best / base_best:.2f} "
               f"({best:.3g} vs {base_best:.3g} ms, best of {args.repeats})", "<= 3")


if __name__ == "__main__":
    main()
