"""Figure 7: reparametrization: which flatness measures survive the rescaling symmetry of ReLU networks?

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
import pandas as pd

from wfm import _options, plots, store
from wfm.studies import _common
from wfm.sweep import Sweep, script, task_key
from wfm.sweep.grid import derive_seed, measure_seed
from wfm.sweep.worker import build, measure

NAME = "reparametrization"
TITLE = "Figure 7: which flatness measures change under the rescaling of Dinh et al."
NOTEBOOK = "notebooks/07_reparametrization.ipynb"
SCRIPT = "sims/reparametrization.py"
ARGUMENTS = []
KEEP = ["measures/local_energy_*/train", "measures/hessian_eigenvalues"]
#: Hessian measures expected to change under the rescaling.
HESSIAN = ["hessian_top", "hessian_trace", "hessian_frobenius", "sharpness"]

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
#: Rows of the reparametrization table: quantity -> the dataset (measures/...) or results
#: column it is read from.
QUANTITIES = {
    "local_energy_multiplicative": "measures/local_energy_multiplicative/train",
    "local_energy_additive": "measures/local_energy_additive/train",
    "hessian_top": "measures/hessian_eigenvalues",
    "log_volume": "log_volume",
    "hessian_trace": "hessian_trace.value",
    "hessian_frobenius": "hessian_frobenius_exact",
    "hessian_frobenius_estimate": "hessian_frobenius.value",
    "sharpness": "sharpness",
}
#: Rows that are invariant under the rescaling by construction.
INVARIANT = ("local_energy_multiplicative", "local_energy_additive")




def build_parser():
    """The argument parser of the script."""
    parser = _options.Parser(prog="reparametrization.py",
                             description="Reparametrization: which flatness measures survive the rescaling "
                                         "symmetry of ReLU networks?",
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
    params = _common.with_options(PRESETS[args.preset], args, ("N", "K", "alpha", "seeds", "random_draws"))
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
    data = table(out, [task_key(task) for task in grid.tasks()])
    print(f"{out}: {summary.done} trained ({summary.solved} solved, {summary.skipped} already done), "
          f"{counts['done']} rescaled points measured ({counts['failed']} failed, {counts['skipped']} already done)")
    if np.any(data["errors"] != 0):
        print(f"warning: training left errors {data['errors'].tolist()} (the table includes these networks)",
              file=sys.stderr)
    print("measure relative to a = 1 (geometric mean over networks):")
    print(data["relative"].to_string(float_format=lambda x: f"{x:.4g}"))
    plots.save(draw(data), figure)
    print(f"{figure}: relative measures against a")


def main(argv=None):
    """Run the study; returns the exit code (0, 2 for a usage error, 130 when interrupted)."""
    return script.main(build_parser(), plan, analyse, argv)


def relative(path, keys=None):
    """Measures relative to a = 1, one row per quantity, one column per transform.

    Entry: geometric mean over the trained networks of value(transform) / value(a = 1); for
    the local energies the value is the mean error increase over the size grid, for the
    Hessian spectrum the top eigenvalue, and for the log-volume the volume ratio
    exp(log_volume - log_volume(a = 1)).

    Parameters
    ----------
    path : path
        Results file of this study.
    keys : collection of str, optional
        Keys of the trained runs to use (default: every run that is not a rescaled point).

    Returns
    -------
    table : pandas.DataFrame
        Index :data:`QUANTITIES`, columns the transforms ("a=0.1", ..., "random0", ...).
    errors : numpy.ndarray
        Training errors of the trained runs.
    """
    runs = store.load_runs(path)
    rescaled = "base_key" in runs
    if keys is None:
        keys = runs[runs["base_key"].isna()]["key"] if rescaled else runs["key"]
    keys = set(keys)
    trained = runs[runs["key"].isin(keys)]
    rescaled = runs[runs["base_key"].isin(keys) & (runs["status"] == "done")] if rescaled else runs.iloc[:0]
    labels = list(dict.fromkeys(rescaled.sort_values(["a", "transform"])["transform"]))
    ratios = {q: {label: [] for label in labels} for q in QUANTITIES}
    for base_key, group in rescaled.groupby("base_key"):
        group = group.set_index("transform")
        if "a=1" not in group.index:
            continue
        values = {}
        for label, row in group.iterrows():
            for q, source in QUANTITIES.items():
                if source.startswith("measures/"):
                    array = store.load_array(path, row["key"], source)
                    values[q, label] = float(array[0] if q == "hessian_top" else np.mean(array))
                else:
                    values[q, label] = float(row[source])
        for (q, label), value in values.items():
            reference = values[q, "a=1"]
            ratio = np.exp(value - reference) if q == "log_volume" else value / reference
            ratios[q][label].append(ratio)
    table = pd.DataFrame({label: [np.exp(np.mean(np.log(ratios[q][label]))) if ratios[q][label] else np.nan
                                  for q in QUANTITIES] for label in labels},
                         index=list(QUANTITIES))
    return table, trained["errors"].to_numpy()


def table(path, keys=None):
    """:func:`relative` of the trained runs in ``keys`` (default all) and what the figure names.

    Returns
    -------
    dict
        ``runs`` (trained and rescaled), ``relative`` and ``errors`` (:func:`relative`),
        ``identical`` (trained key -> whether its multiplicative local-energy curves are
        identical at every rescaled point), the trained networks' ``K``, ``N``, ``alpha`` and
        the recorded ``random_range`` of the random factors (None when the file does not record it).
    """
    runs = store.load_runs(path)
    trained_keys = set(runs[runs["base_key"].isna()]["key"] if keys is None else keys)
    runs = runs[runs["key"].isin(trained_keys) | runs["base_key"].isin(trained_keys)]
    ratios, errors = relative(path, trained_keys)
    first = runs[runs["base_key"].isna()].iloc[0]
    spec = [s for s in _common.sweep_specs(path) if isinstance(s, dict) and "rescale" in s]
    curves = store.load_arrays(path, "measures/local_energy_multiplicative/train")
    identical = {base: all(np.array_equal(curves[key], curves[group["key"].iloc[0]]) for key in group["key"])
                 for base, group in runs[runs["base_key"].notna()].groupby("base_key")}
    return {"runs": runs, "relative": ratios, "errors": errors, "identical": identical,
            "K": int(first["K"]), "N": int(first["N"]),
            "alpha": float(first["alpha"]),
            "random_range": spec[0]["rescale"]["params"]["random_range"] if spec else None}


def draw(data):
    """Relative value of each measure against the uniform factor a (log-log, left) and for the
    random per-unit factors (right); ``data`` from :func:`table`."""
    table, K, N, alpha, random_range = (data[name] for name in ("relative", "K", "N", "alpha", "random_range"))
    uniform = [label for label in table.columns if label.startswith("a=")]
    random = [label for label in table.columns if label.startswith("random")]
    a = np.array([float(label[2:]) for label in uniform])
    figure, (left, right) = plots.new_figure(2, width=5.5, height=4.5)
    markers = "osD^v<>p"
    for i, (q, row) in enumerate(table.iterrows()):
        style = {"marker": markers[i % len(markers)], "linestyle": "--" if q in INVARIANT else "-",
                 "label": "volume ratio (log_volume)" if q == "log_volume" else q}
        left.plot(a, row[uniform].to_numpy(dtype=float), **style)
        if random:
            right.plot(np.arange(len(random)), row[random].to_numpy(dtype=float), marker=style["marker"],
                       linestyle="none")
    for ax in (left, right):
        if ax.has_data():
            ax.set_yscale("log")
        ax.axhline(1.0, color="grey", lw=0.8)
        ax.set_ylabel("measure / measure at a = 1")
    if len(uniform):
        left.set_xscale("log")
    left.set_xlabel("uniform factor a: (w_k, v_k) -> (a w_k, v_k / a)")
    right.set_xticks(np.arange(len(random)), random)
    right.set_xlabel("random per-unit factors, log-uniform"
                     + (f" in {list(random_range)}" if random_range is not None else ""))
    left.legend(fontsize=7)
    figure.suptitle(f"ReLU committee K = {K}, N = {N}, P = {alpha:g} N: "
                    "local energies (dashed) are invariant, Hessian measures are not")
    figure.set_layout_engine("tight")
    return figure


def expect(data):
    """Every run done with the network's function unchanged (output change below 1e-10) and no
    training error left; the multiplicative local energy exactly invariant (identical curves at
    every rescaled point of each network, relative value 1); at least one Hessian measure changes
    by more than a factor 1.5 under some rescaling."""
    runs = data["runs"]
    assert (runs["status"] == "done").all(), "some runs failed"
    rescaled = runs[runs["base_key"].notna()]
    assert rescaled["output_change"].max() < 1e-10, f"output changed by {rescaled['output_change'].max():.2g}"
    changed = [key for key, same in data["identical"].items() if not same]
    assert not changed, f"multiplicative local-energy curve changed under rescaling for networks {changed}"
    assert (data["errors"] == 0).all(), f"training errors left: {data['errors'].tolist()}"
    assert (data["relative"].loc["local_energy_multiplicative"] == 1.0).all(), "local energy not invariant"
    hessian = data["relative"].loc[HESSIAN]
    assert np.maximum(hessian, 1 / hessian).to_numpy().max() > 1.5, "no Hessian measure changes by a factor 1.5"


def caption(data):
    """The figure's caption, every number from the data."""
    runs, table = data["runs"], data["relative"]
    trained, rescaled = runs[runs["base_key"].isna()], runs[runs["base_key"].notna()]
    uniform = [label for label in table.columns if label.startswith("a=") and label != "a=1"]
    random = [label for label in table.columns if label.startswith("random")]
    names = {"hessian_top": "top Hessian eigenvalue", "hessian_trace": "Hessian trace",
             "hessian_frobenius": "exact Frobenius norm", "sharpness": "sharpness"}
    invariant = " and ".join(f"{q.split('_')[-1]} {table.loc[q].min():.3g}" + (
        "" if table.loc[q].min() == table.loc[q].max() else f"-{table.loc[q].max():.3g}") for q in INVARIANT)
    factors = ", ".join(label[2:] for label in table.columns if label.startswith("a="))
    hessian = "; ".join(f"{names[q]} " + " / ".join(f"{table.loc[q, label]:.3g}" for label in uniform)
                        for q in HESSIAN)
    top = " and ".join(f"{table.loc['hessian_top', label]:.3g}" for label in random)
    return (f"{len(trained)} ReLU committees (K = {data['K']}, N = {data['N']}, P = {data['alpha']:g} N Gaussian "
            "patterns) trained to zero training error by L-BFGS on the cross-entropy, rescaled by (w_k, v_k) -> "
            f"(a_k w_k, v_k / a_k) (uniform a = {factors} "
            f"and {len(random)} random per-unit draws; largest change of the network output "
            f"{rescaled['output_change'].max():.1e}). Measure at the rescaled point / measure at a = 1 (geometric "
            f"mean over networks): local energies {invariant}; at a = {' / '.join(label[2:] for label in uniform)}: "
            f"{hessian}; random factors, top eigenvalue {top}. {_common.cost(runs)}.")
