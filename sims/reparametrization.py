"""Reparametrization: which flatness measures survive the rescaling symmetry of ReLU networks?

For a ReLU committee with a trainable second layer, T_a: (w_k, v_k) -> (a_k w_k, v_k / a_k),
a_k > 0, leaves the function unchanged (Dinh, Pascanu, Bengio and Bengio, ICML 2017;
:func:`wfm.reparam.rescale`). The study trains such networks on random storage problems
(Gaussian inputs) to zero training error, applies T_a for uniform factors a and for random
per-unit factors (log-uniform), and evaluates every measure at each rescaled point:

- local energy with multiplicative noise w_i (1 + sigma z_i) and with per-unit additive
  noise w_k + sigma |w_k| / sqrt(n) z_k (both built to be invariant: same noise draw, same
  errors);
- on the cross-entropy training loss, which transforms as H -> D^-1 H D^-1, D = diag(a on
  w_k, 1/a on v_k): the top Hessian eigenvalues (Lanczos), the log-volume of Wu, Zhu and E,
  the Hutchinson trace, the Frobenius norm (Wu-Zhu-E finite-difference estimate, and exact
  from the dense Hessian: the estimate is unreliable when its eps steps cross a ReLU kink)
  and Keskar's eps-sharpness.

Pipeline. Training is a :class:`wfm.sweep.Sweep` run with :func:`wfm.sweep.run` (algorithm
``"lbfgs"``: full-batch L-BFGS on the CE loss; one run per seed; parallel, resumable). The
rescaling is done here after ``run``: for each trained run the weights are read back with
``store.load_array``, rescaled, measured, and each (run, transform) is written as one more run
of the same results file through :class:`wfm.store.Writer`. This was chosen over a pipeline
extension (rescaling inside the worker) because a rescale axis in the task would change the
algorithm seed, hence retrain a different network for every a, and because the study needs the
local energy twice (two noises) where ``Sweep(measures=...)`` allows each measure once. The
file stays self-describing and resumable: a rescaled run's ``task`` attribute holds the key of
its trained run, the factors and the measure arguments; its key hashes them, so running the
same command again skips what is done. Every transform of a trained run uses the same measure
seeds (derived from the trained task and the measure label), so invariant measures see the
same noise draws. The rescaled runs are measured one after the other in this process.

Rescaled runs have the trained run's columns (seeds included) plus ``base_key``, ``transform`` ("a=0.3",
"random0", ...), ``a`` (NaN for random factors), ``errors`` and ``output_change`` (largest
change of the network output, ~1e-15); results ``<label>.<field>`` and datasets
``measures/<label>/<field>`` for the labels of :func:`measure_specs`, ``W``, ``v`` and
``factors``.

Examples
--------
python sims/reparametrization.py --preset quick --out reparam.h5 --plot reparam.png
python sims/reparametrization.py --preset paper --workers 2 --out reparam_paper.h5
"""
import argparse
import inspect
import os
import sys
import time

import numpy as np

from wfm import _options, figures, store
from wfm.sweep import Sweep, script, task_key
from wfm.sweep.grid import derive_seed, measure_seed
from wfm.sweep.worker import build, measure

PRESETS = {
    "quick": {"N": 40, "K": 16, "alpha": 4.0, "seeds": 3, "gamma": 1.0, "gtol": 1e-4, "max_iters": 1000,
              "scales": [0.1, 0.3, 1.0, 3.0, 10.0], "random_draws": 2, "random_range": [0.1, 10.0],
              "energy_sizes": [0.1, 0.2, 0.4], "energy_samples": 500, "top_k": 5, "trace_samples": 40,
              "frobenius_vectors": 20, "frobenius_eps": 1e-5, "sharpness_eps": 1e-3, "sharpness_iters": 50},
    "paper": {"N": 100, "K": 20, "alpha": 5.0, "seeds": 10, "gamma": 1.0, "gtol": 1e-4, "max_iters": 2000,
              "scales": [0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0], "random_draws": 4, "random_range": [0.1, 10.0],
              "energy_sizes": [0.05, 0.1, 0.2, 0.4], "energy_samples": 1000, "top_k": 10, "trace_samples": 100,
              "frobenius_vectors": 50, "frobenius_eps": 1e-5, "sharpness_eps": 1e-3, "sharpness_iters": 100},
}
#: Table rows: quantity -> the dataset (measures/...) or results column it is read from.
QUANTITIES = figures.REPARAM_QUANTITIES
#: Rows that are invariant by construction.
INVARIANT = figures.REPARAM_INVARIANT


def build_parser():
    """The argument parser of the script."""
    parser = script.Parser(prog="reparametrization.py", description=__doc__.split("\n\n")[0],
                           formatter_class=argparse.RawDescriptionHelpFormatter, epilog="""
presets (explicit options override them):
  quick  ReLU committee K = 16, N = 40 (fully connected, trainable readout), P = 4 N Gaussian
         patterns, 3 seeds, a = 0.1 0.3 1 3 10 and 2 random per-unit draws in [0.1, 10];
         about 1 minute on 2 idle cores (measured: 1 min 47 s wall with the 2 cores shared,
         load average 13, 33 s of CPU; the rescaled points are measured serially).
  paper  K = 20, N = 100, P = 5 N, 10 seeds, a = 0.03 ... 30 and 4 random draws, larger
         measure samples: about 15-20 minutes (measured 8 s of CPU per rescaled point,
         110 points, plus about 1 s per training run).""")
    parser.add_argument("--preset", choices=sorted(PRESETS), default="quick", help="default settings (quick)")
    parser.add_argument("--N", type=int, help="inputs")
    parser.add_argument("--K", type=int, help="hidden ReLU units")
    parser.add_argument("--alpha", type=float, help="patterns per input (P = alpha N)")
    parser.add_argument("--seeds", type=int, help="trained networks")
    parser.add_argument("--scales", nargs="+", metavar="A", help="uniform factors a (list, or start:stop:step)")
    parser.add_argument("--random-draws", type=int, help="random per-unit factor vectors per network")
    parser.add_argument("--seed", type=int, default=0, help="sweep seed from which every seed derives (default 0)")
    script.add_run_options(parser, "reparametrization.h5")
    return parser


def settings(args):
    """The study's parameters: the preset with the command-line overrides, validated."""
    params = dict(PRESETS[args.preset])
    for name in ("N", "K", "alpha", "seeds", "random_draws"):
        value = getattr(args, name)
        if value is not None:
            params[name] = value
    if args.scales is not None:
        params["scales"] = _options.numbers("--scales", args.scales)
    for name in ("N", "K", "seeds"):
        if params[name] < 1:
            raise ValueError(f"--{name} must be >= 1, got {params[name]}")
    if params["random_draws"] < 0:
        raise ValueError(f"--random-draws must be >= 0, got {params['random_draws']}")
    if params["alpha"] <= 0:
        raise ValueError(f"--alpha must be > 0, got {params['alpha']:g}")
    if any(a <= 0 for a in params["scales"]):
        raise ValueError(f"--scales must be > 0, got {min(params['scales']):g}")
    if 1.0 not in params["scales"]:
        raise ValueError("--scales must include 1 (the reference of the table)")
    if args.seed < 0:
        raise ValueError(f"--seed must be >= 0, got {args.seed}")
    return params


def training_sweep(params, seed):
    """One L-BFGS run (CE loss) of a ReLU committee with trainable readout per seed index."""
    model = {"model": "committee", "K": params["K"], "tree": False, "activation": "relu",
             "weights": "continuous", "second_layer": "trainable"}
    return Sweep(problem={"kind": "storage", "inputs": "gaussian"}, model=model, algorithm="lbfgs",
                 params={"gamma": params["gamma"], "gtol": params["gtol"], "max_iters": params["max_iters"]},
                 product={"N": [params["N"]], "alpha": [params["alpha"]]}, seeds=params["seeds"], seed=seed)


def measure_specs(params):
    """Measures of every point: label -> (name in wfm.measures.MEASURES, arguments)."""
    gamma = params["gamma"]
    energy = {"sizes": params["energy_sizes"], "samples": params["energy_samples"]}
    return {
        "local_energy_multiplicative": ("local_energy", {**energy, "noise": "multiplicative"}),
        "local_energy_additive": ("local_energy", {**energy, "noise": "additive"}),
        "hessian_eigenvalues": ("hessian_eigenvalues", {"k": params["top_k"], "gamma": gamma}),
        "log_volume": ("log_volume", {"k": params["top_k"], "gamma": gamma}),
        "hessian_trace": ("hessian_trace", {"samples": params["trace_samples"], "gamma": gamma}),
        "hessian_frobenius": ("hessian_frobenius", {"vectors": params["frobenius_vectors"],
                                                    "eps": params["frobenius_eps"], "gamma": gamma}),
        "sharpness": ("sharpness", {"eps": params["sharpness_eps"], "maxiter": params["sharpness_iters"],
                                    "gamma": gamma}),
    }


def transforms(params, base_key, K):
    """(label, a, factors): the uniform factors, then random per-unit log-uniform factors."""
    out = [(f"a={a:g}", float(a), np.full(K, float(a))) for a in params["scales"]]
    low, high = np.log(params["random_range"])
    for j in range(params["random_draws"]):
        rng = np.random.default_rng(derive_seed("rescale", base_key, j))
        out.append((f"random{j}", float("nan"), np.exp(rng.uniform(low, high, K))))
    return out


def evaluate(task, problem, model, w, specs):
    """Every measure of ``specs`` at ``w``, with seeds derived from the trained ``task``.

    Returns (scalars, arrays) named as a sweep names them, with the label in place of the
    measure name; ``hessian_frobenius_exact`` is the norm of the dense Hessian.
    """
    from wfm.measures import MEASURES, hessian

    scalars, arrays = {}, {}
    for label, (name, arguments) in specs.items():
        arguments = dict(arguments)
        if "seed" in inspect.signature(MEASURES[name]).parameters:
            arguments["seed"] = measure_seed({**task, "measures": {label: arguments}}, label)
        found, data = measure({**task, "measures": {name: arguments}}, problem, model, w)
        scalars.update({label + key[len(name):]: value for key, value in found.items()})
        arrays.update({f"measures/{label}" + key[len(f"measures/{name}"):]: value for key, value in data.items()})
    dense = hessian(problem, model, w, gamma=specs["hessian_trace"][1]["gamma"])
    scalars["hessian_frobenius_exact"] = float(np.linalg.norm(dense))
    return scalars, arrays


def rescaled_record(record_task, base_task, problem, model, w):
    """The run record (as :func:`wfm.sweep.run_task` makes them) of one rescaled point."""
    from wfm.reparam import rescale
    from wfm.sweep.grid import algorithm_seed, columns, problem_seed

    start = time.perf_counter()
    record = {"key": task_key(record_task), "task": record_task, "status": "done", "message": "",
              "columns": {**columns(base_task), "problem_seed": problem_seed(base_task),
                          "algorithm_seed": algorithm_seed(base_task), "base_key": record_task["rescale_of"],
                          "transform": record_task["transform"], "a": record_task["a"]},
              "results": {}, "arrays": {}}
    try:
        factors = np.array(record_task["factors"])
        w_a = rescale(model, w, factors)
        scalars, arrays = evaluate(base_task, problem, model, w_a, record_task["measures"])
        change = np.max(np.abs(model.output(problem.X, w_a) - model.output(problem.X, w)))
        record["results"] = {"errors": int(model.errors(problem, w_a)), "output_change": float(change),
                             **scalars, "seconds": time.perf_counter() - start}
        record["arrays"] = {"W": w_a[0], "v": w_a[1], "factors": factors, **arrays}
    except Exception as error:  # recorded as failed, retried by the next run of the command
        record["status"] = "failed"
        record["message"] = f"{type(error).__name__}: {error}"
        record["results"] = {"seconds": time.perf_counter() - start}
    return record


def rescale_runs(path, grid, params, *, progress, command):
    """Rescale and measure every trained run of ``grid`` in ``path``; returns (done, failed, skipped)."""
    from tqdm.auto import tqdm

    specs = {label: [name, arguments] for label, (name, arguments) in measure_specs(params).items()}
    runs = store.load_runs(path).set_index("key")
    todo = []
    for task in grid.tasks():
        key = task_key(task)
        if key not in runs.index or runs.loc[key, "status"] != "done":
            continue
        K = task["model"]["K"]
        for label, a, factors in transforms(params, key, K):
            todo.append((task, {"rescale_of": key, "transform": label, "a": None if np.isnan(a) else a,
                                "factors": factors.tolist(), "measures": specs}))
    counts = {"done": 0, "failed": 0, "skipped": 0}
    spec = {"study": "reparametrization", "rescale": {"params": params, "measures": specs}}
    with store.Writer(path, sweep=spec, command=command) as writer:
        statuses = writer.statuses()
        pending = [(task, rt) for task, rt in todo if statuses.get(task_key(rt)) != "done"]
        counts["skipped"] = len(todo) - len(pending)
        built = {}
        bar = tqdm(total=len(pending), unit="point", desc="rescale and measure", file=sys.stderr,
                   disable=not (sys.stderr.isatty() if progress is None else progress), dynamic_ncols=True)
        for task, record_task in pending:
            key = record_task["rescale_of"]
            if key not in built:
                problem, model = build(task)
                built = {key: (problem, model, (store.load_array(path, key, "W"), store.load_array(path, key, "v")))}
            problem, model, w = built[key]
            record = rescaled_record(record_task, task, problem, model, w)
            writer.write(record)
            counts[record["status"]] += 1
            bar.update()
        bar.close()
    return counts


def relative_table(path, grid):
    """Measures relative to a = 1 of the networks of ``grid`` and their training errors
    (:func:`wfm.figures.reparametrization_table`)."""
    return figures.reparametrization_table(path, [task_key(task) for task in grid.tasks()])


def plot(table, params, figure):
    """Relative value against the uniform factor a (log-log) and for the random factors."""
    figures.save(figures.reparametrization(table, params["K"], params["N"], params["alpha"],
                                           params["random_range"]), figure)


def plan(args):
    """The training sweep of the validated settings; the analysis reads both and the options."""
    params = settings(args)
    if args.plot is not None and os.path.splitext(args.plot)[1].lower() != ".png":
        raise ValueError(f"figure {args.plot!r} must end with .png")
    grid = training_sweep(params, args.seed)
    return [grid], (args, params, grid)


def analyse(context, outcome):
    """Rescale and measure the trained networks; print and draw the measures relative to a = 1."""
    args, params, grid = context
    out, figure, summary = outcome.out, outcome.figure, outcome.summary
    counts = rescale_runs(out, grid, params, progress=False if args.quiet else None, command=outcome.command)
    table, errors = relative_table(out, grid)
    print(f"{out}: {summary.done} trained ({summary.solved} solved, {summary.skipped} already done), "
          f"{counts['done']} rescaled points measured ({counts['failed']} failed, {counts['skipped']} already done)")
    if np.any(errors != 0):
        print(f"warning: training left errors {errors.tolist()} (the table includes these networks)", file=sys.stderr)
    print("measure relative to a = 1 (geometric mean over networks):")
    print(table.to_string(float_format=lambda x: f"{x:.4g}"))
    plot(table, params, figure)
    print(f"{figure}: relative measures against a")


def main(argv=None):
    """Run the study; returns the exit code (0, 2 for a usage error, 130 when interrupted)."""
    return script.main(build_parser(), plan, analyse, argv)


if __name__ == "__main__":
    sys.exit(main())
