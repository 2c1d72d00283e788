"""Sweep throughput: a local process pool with 2 workers against 1 worker (target >= 1.8x).

The same sweep of 40 short runs (clipped perceptron, binary perceptron N = 201 at alpha = 0.9,
where every run uses all its epochs) is executed on a warmed-up pool of 1 and of 2 worker
processes; the ratio of their runs per second is printed. Pool start-up (spawn, imports, Numba
cache load) is excluded: it is paid once per sweep, not per run.

    python benchmarks/bench_sweep.py [--runs 40] [--max-epochs 3000]
"""
import argparse
import os
import pathlib
import tempfile
import time

from wfm.sweep import Sweep, executor, run, run_task


def sweep(runs, max_epochs, seed):
    return Sweep(problem={"kind": "storage"}, model={"model": "perceptron"}, algorithm="perceptron",
                 params={"max_epochs": max_epochs}, product={"N": [201], "alpha": [0.9]}, seeds=runs, seed=seed)


def throughput(workers, runs, max_epochs, folder):
    with executor("process", workers=workers) as pool:
        warm = sweep(workers, max_epochs, seed=999).tasks()
        list(pool.map(run_task, warm))
        start = time.perf_counter()
        summary = run(sweep(runs, max_epochs, seed=workers), folder / f"w{workers}.h5", executor=pool,
                      progress=False)
        seconds = time.perf_counter() - start
    assert summary.done == runs
    return runs / seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--max-epochs", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        one = throughput(1, args.runs, args.max_epochs, pathlib.Path(folder))
        two = throughput(2, args.runs, args.max_epochs, pathlib.Path(folder))
    print(f"1 worker : {one:7.2f} runs/s")
    print(f"2 workers: {two:7.2f} runs/s")
    print(f"ratio 2/1: {two / one:.2f}x (target >= 1.8x; needs 2 idle cores, load average now "
          f"{os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
