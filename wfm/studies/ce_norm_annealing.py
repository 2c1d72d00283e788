"""Figure 4: CE SGD with norm annealing, flatness of the minima reached by each norm schedule and baseline.

For a fully connected committee machine with continuous weights (sign units, trained through
the surrogate tanh(beta lambda)) learning random +-1 patterns, trains on every instance (paired:
all methods see the same instances)

- "sgd" on the cross-entropy with the per-unit norm r held constant (r0), reduced fast
  (r0 -> r1 geometrically in ``fast_epochs``) or slowly (in ``slow_epochs``); early stopping
  at zero training errors is allowed only after the end of the schedule;
- the control "sgd fast, slow's length": the fast schedule trained for exactly as many epochs
  as the slow one needs at least (slow_epochs + 1, no early stop), which separates the effect of
  the schedule from that of the training time;
- plain weight decay (no norm control) and the baselines "entropy_sgd" and "rsgd" at the
  constant norm r0;

and measures the local energy of every final point with wfm.measures.local_energy
(multiplicative noise w'_i = w_i (1 + sigma z_i), invariant under per-unit rescaling; the same
noise draws for every method and instance). The curves are averaged over the solved runs of
each method (zero training errors), with the standard error across instances. Claim under
test (Baldassi, Pittorino, Zecchina, PNAS 2020): the slow norm reduction gives the flattest
minima (lowest local energy at a given sigma).

The runs go through the sweep pipeline (wfm.sweep): parallel workers, resume after an
interruption (run the same command again), HDF5 results read back with wfm.store.load_runs;
the local-energy curve of a run is its dataset measures/local_energy/train.

Examples
--------
python sims/ce_norm_annealing.py --preset quick --out ce.h5 --plot ce.png
python sims/ce_norm_annealing.py --preset quick --norm 0.5 --norm-final 2 --out ce_up.h5
python sims/ce_norm_annealing.py --preset paper --out ce_paper.h5
"""
import argparse

import numpy as np
import pandas as pd

from wfm import _options, plots, store
from wfm.studies import _common
from wfm.sweep import Sweep, script

NAME = "ce_norm_annealing"
TITLE = "Figure 4: norm annealing of cross-entropy SGD, and the flatness of its minima"
NOTEBOOK = "notebooks/04_ce_norm_annealing.ipynb"
SCRIPT = "sims/ce_norm_annealing.py"
ARGUMENTS = []
KEEP = ["measures/local_energy/sizes", "measures/local_energy/train"]
#: Noise amplitude sigma at which the schedules are compared.
COMPARE = 0.3

#: Presets; every entry can be overridden on the command line.
PRESETS = {
    "quick": {"N": 100, "K": 5, "alpha": 0.4, "instances": 8, "epochs": 3000, "samples": 200},
    "paper": {"N": 300, "K": 5, "alpha": 0.4, "instances": 20, "epochs": 5000, "samples": 1000},
}
#: Training hyperparameters shared by every method (the norm schedule r0 -> r1 for "sgd").
TRAINING = {"lr": 0.03, "batch_size": 10, "gamma": 1.0, "surrogate_beta": 1.0, "norm": 2.0,
            "norm_final": 0.5, "fast_epochs": 10, "slow_epochs": 300}
#: Multiplicative noise amplitudes sigma of the local energy.
SIZES = [0.05, 0.1, 0.2, 0.3, 0.5]


def methods(slow_epochs):
    """Label -> (algorithm, own parameters), in the order of the table and the legend."""
    return {
        "sgd constant": ("sgd", {"schedule": "constant"}),
        "sgd fast": ("sgd", {"schedule": "fast"}),
        "sgd slow": ("sgd", {"schedule": "slow"}),
        "sgd fast, slow's length": ("sgd", {"schedule": "fast", "early_stop": False,
                                            "epochs": slow_epochs + 1}),
        "weight decay": ("sgd", {"norm_control": "weight_decay", "weight_decay": 1e-3}),
        "entropy_sgd": ("entropy_sgd", {"inner_steps": 5, "coupling": 0.03, "coupling_growth": 0.001}),
        "rsgd": ("rsgd", {"replicas": 3, "coupling": 0.01, "coupling_growth": 0.01}),
    }


def build_parser():
    """The argument parser of the script."""
    parser = _options.Parser(prog="ce_norm_annealing.py",
                             description="CE SGD with norm annealing: flatness of the minima reached by each "
                                         "norm schedule and baseline.",
                           formatter_class=argparse.RawDescriptionHelpFormatter, epilog="""
presets (explicit options override them):
  quick  sign committee K=5 fully connected, N=100, alpha=0.4 (P = alpha N = 40), 8
         instances, 3000 epochs at most, 200 perturbations per sigma (56 runs): measured
         53 s with 2 workers on 2 cores shared with other jobs.
  paper  N=300, alpha=0.4, 20 instances, 5000 epochs at most, 1000 perturbations (140
         runs): about 6 minutes on 2 cores (estimated: 2 of its 20 instances took 34 s).
training (all methods): lr 0.03 per pattern, batch 10, gamma 1, surrogate beta 1, per-unit norm r0 = 2
(--norm); the fast/slow schedules go to r1 = 0.5 (--norm-final) in 10/300 epochs (r1 > r0
makes them increasing schedules); weight decay 1e-3 without norm control; entropy_sgd (5
inner steps, coupling 0.03 growing 0.1% per epoch) and rsgd (3 replicas, coupling 0.01
growing 1% per epoch) at the constant norm r0.""")
    parser.add_argument("--preset", choices=sorted(PRESETS), default="quick", help="default quick")
    parser.add_argument("--N", type=int, help="input dimension")
    parser.add_argument("--K", type=int, help="hidden units (odd)")
    parser.add_argument("--alpha", type=float, help="load P / N")
    parser.add_argument("--instances", type=int, help="random instances (paired across methods)")
    parser.add_argument("--epochs", type=int, help="maximum epochs per run")
    parser.add_argument("--samples", type=int, help="perturbations per sigma for the local energy")
    parser.add_argument("--sizes", nargs="+", metavar="SIGMA",
                        help=f"noise amplitudes: list or start:stop:step (default {' '.join(map(str, SIZES))})")
    parser.add_argument("--norm", type=float, help=f"initial (and constant) per-unit norm r0 (default {TRAINING['norm']})")
    parser.add_argument("--norm-final", type=float, help=f"final norm r1 of the fast and slow schedules "
                                                         f"(default {TRAINING['norm_final']})")
    parser.add_argument("--slow-epochs", type=int, help=f"length of the slow schedule (default {TRAINING['slow_epochs']})")
    parser.add_argument("--seed", type=int, default=0, help="sweep seed of instances, runs and noise (default 0)")
    script.add_run_options(parser, "ce_norm_annealing.h5")
    return parser


def config(args):
    """The validated settings: preset values overridden by the options."""
    cfg = dict(PRESETS[args.preset])
    for key in cfg:
        if getattr(args, key) is not None:
            cfg[key] = getattr(args, key)
    for key in ("N", "K", "instances", "epochs", "samples"):
        if cfg[key] < 1:
            raise ValueError(f"--{key} must be >= 1, got {cfg[key]}")
    if cfg["K"] % 2 == 0:
        raise ValueError(f"--K must be odd for sign units, got {cfg['K']}")
    if not cfg["alpha"] > 0:
        raise ValueError(f"--alpha must be > 0, got {cfg['alpha']}")
    if args.seed < 0:
        raise ValueError(f"--seed must be >= 0, got {args.seed}")
    training = dict(TRAINING)
    for key, value in (("norm", args.norm), ("norm_final", args.norm_final)):
        if value is not None:
            if not value > 0:
                raise ValueError(f"--{key.replace('_', '-')} must be > 0, got {value}")
            training[key] = value
    if args.slow_epochs is not None:
        if args.slow_epochs < 1:
            raise ValueError(f"--slow-epochs must be >= 1, got {args.slow_epochs}")
        training["slow_epochs"] = args.slow_epochs
    sizes = _options.numbers("--sizes", args.sizes) if args.sizes else SIZES
    if any(s < 0 for s in sizes):
        raise ValueError(f"--sizes must be >= 0, got {min(sizes):g}")
    cfg.update(training=training, sizes=sizes, seed=args.seed)
    return cfg


def sweeps(cfg):
    """Label -> :class:`wfm.sweep.Sweep` of that method on the shared instances."""
    model = {"model": "committee", "K": cfg["K"], "tree": False, "activation": "sign",
             "weights": "continuous"}
    energy = {"noise": "multiplicative", "sizes": cfg["sizes"], "samples": cfg["samples"],
              "seed": cfg["seed"]}  # common random numbers: the same draws for every run
    out = {}
    for label, (algorithm, own) in methods(cfg["training"]["slow_epochs"]).items():
        params = {**cfg["training"], "epochs": cfg["epochs"], **own}
        out[label] = Sweep(problem={"kind": "storage", "inputs": "pm1"}, model=model,
                           algorithm=algorithm, params=params,
                           product={"N": [cfg["N"]], "alpha": [cfg["alpha"]]},
                           seeds=cfg["instances"], seed=cfg["seed"],
                           measures={"local_energy": energy})
    return out


def title(cfg):
    """The figure's title: model, load and norm schedule."""
    training = cfg["training"]
    return (f"CE SGD, sign committee K={cfg['K']} N={cfg['N']} alpha={cfg['alpha']:g}, "
            f"r {training['norm']:g} -> {training['norm_final']:g}")


def report(data):
    """The printed table: solved runs, mean epochs, local energy +- SE at every sigma."""
    lines = [f"{'method':24} {'solved':>7} {'epochs':>7}  local energy at sigma = "
             + "  ".join(f"{s:<15g}" for s in data["sizes"])]
    for label, s in data["summary"].items():
        cells = "  ".join(f"{m:.4f} +- {e:.4f}" for m, e in zip(s["mean"], s["se"]))
        lines.append(f"{label:24} {s['solved']:>3}/{s['runs']:<3} {s['epochs']:7.0f}  {cells}")
    return "\n".join(lines)


def plan(args):
    """The sweeps of the validated settings; the analysis needs nothing else."""
    return list(sweeps(config(args)).values()), None


def analyse(_, outcome):
    """Draw the local energy of each method; print the table."""
    data = table(outcome.out, outcome.keys)
    plots.save(draw(data), outcome.figure)
    print(f"{outcome.figure}: local energy against sigma")
    print(report(data))


def main(argv=None):
    """Run the study; returns the exit code (0, 2 for bad input, 130 when interrupted)."""
    return script.main(build_parser(), plan, analyse, argv)


def method_labels(runs):
    """The method label of each run of ``this study``, read from its columns.

    "sgd <schedule>" (constant, fast, slow), "sgd fast, slow's length" (no early stop),
    "weight decay" (SGD without norm control) and the baselines by algorithm name.
    """
    def label(row):
        if row["algorithm"] != "sgd":
            return row["algorithm"]
        if row.get("params.norm_control") == "weight_decay":
            return "weight decay"
        early_stop = row.get("params.early_stop")
        if isinstance(early_stop, (bool, np.bool_)) and not early_stop:
            return "sgd fast, slow's length"
        return f"sgd {row['params.schedule']}"
    return runs.apply(label, axis=1) if len(runs) else pd.Series([], dtype=object)


def summarise(path, groups):
    """Per method: solved runs, mean epochs, and the mean local-energy curve with its SE.

    Parameters
    ----------
    path : path
        Results file of this study.
    groups : dict
        Method label -> run keys, in the order of the table and the legend.

    Returns
    -------
    dict
        Label -> {"runs", "solved", "epochs", "mean", "se"} (curves over the noise sizes,
        averaged over the runs at zero training errors).
    """
    runs = store.load_runs(path)
    summary = {}
    for label, keys in groups.items():
        mine = runs[runs["key"].isin(set(keys))]
        solved = mine[(mine["status"] == "done") & mine["solved"].astype(bool)]
        curves = np.array([store.load_array(path, key, "measures/local_energy/train")
                           for key in solved["key"]]).reshape(len(solved), -1)
        n = len(solved)
        summary[label] = {
            "runs": len(mine), "solved": n,
            "epochs": float(solved["iterations"].mean()) if n else np.nan,
            "mean": curves.mean(axis=0) if n else np.full(curves.shape[1], np.nan),
            "se": curves.std(axis=0, ddof=1) / np.sqrt(n) if n > 1 else np.full(curves.shape[1], np.nan),
        }
    return summary


def table(path, keys=None):
    """Per method (:func:`method_labels`, in the order of :func:`methods`): :func:`summarise`.

    Returns
    -------
    dict
        ``runs`` (with a ``method`` column), ``summary`` (:func:`summarise`), ``sizes`` (the
        noise amplitudes sigma) and ``title``.
    """
    runs = _common.load_runs(path, keys)
    runs = runs.assign(method=method_labels(runs))
    order = list(methods(0)) + sorted(set(runs["method"]) - set(methods(0)))
    groups = {label: list(runs[runs["method"] == label]["key"]) for label in order if (runs["method"] == label).any()}
    first = runs.iloc[0]
    cfg = {"K": int(first["K"]), "N": int(first["N"]), "alpha": float(first["alpha"]),
           "training": {"norm": first["params.norm"], "norm_final": first["params.norm_final"]}}
    return {"runs": runs, "summary": summarise(path, groups), "title": title(cfg),
            "sizes": store.load_array(path, first["key"], "measures/local_energy/sizes")}


def draw(data):
    """Local energy against the multiplicative noise sigma, one curve per method (mean +- SE
    over the solved instances); ``data`` from :func:`table`."""
    summary, sizes, title = data["summary"], data["sizes"], data["title"]
    figure, (ax,) = plots.new_figure(1, width=6.4, height=4.4)
    for label, s in summary.items():
        if s["solved"]:
            ax.errorbar(sizes, s["mean"], yerr=s["se"], marker="o", ms=4, capsize=3,
                        label=f"{label} ({s['solved']}/{s['runs']} solved)")
    ax.set_xlabel("multiplicative noise sigma")
    ax.set_ylabel("local energy (training-error increase)")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)
    return figure


def _at(sizes, sigma=COMPARE):
    at = int(np.argmin(np.abs(np.asarray(sizes) - sigma)))
    assert abs(sizes[at] - sigma) < 1e-9, f"no local energy at sigma = {sigma:g}; sizes {list(sizes)}"
    return at


def expect(data):
    """Every run done; the slow norm reduction solves every instance and reaches flatter minima
    (lower local energy at sigma = 0.3) than the constant norm and the fast reduction, by more
    than two standard errors."""
    assert (data["runs"]["status"] == "done").all(), "some runs failed"
    summary, at = data["summary"], _at(data["sizes"])
    slow = summary["sgd slow"]
    assert slow["solved"] == slow["runs"], f"sgd slow solved {slow['solved']} of {slow['runs']}"
    for other in ("sgd constant", "sgd fast"):
        gap = summary[other]["mean"][at] - slow["mean"][at]
        assert gap > 2 * np.hypot(summary[other]["se"][at], slow["se"][at]), \
            f"{other} not sharper than sgd slow by 2 s.e. at sigma = {COMPARE:g} (gap {gap:.4f})"


def caption(data):
    """The figure's caption, every number from the data."""
    runs, summary, at = data["runs"], data["summary"], _at(data["sizes"])
    sgd = runs[runs["method"] == "sgd fast"].iloc[0]
    control = runs[runs["method"] == "sgd fast, slow's length"]["params.epochs"]
    return (f"Local energy (training-error increase under multiplicative noise w_i (1 + sigma z_i)) of the "
            f"zero-error minimisers of cross-entropy SGD, fully connected sign committee K = {int(sgd['K'])}, "
            f"N = {int(sgd['N'])}, alpha = {sgd['alpha']:g}, "
            f"{_common.count_range(runs.groupby('method').size())} paired instances, per-unit norm "
            f"r = {sgd['params.norm']:g} held constant or reduced to {sgd['params.norm_final']:g} fast "
            f"({int(sgd['params.fast_epochs'])} epochs) or slowly ({int(sgd['params.slow_epochs'])} epochs). "
            f"At sigma = {data['sizes'][at]:g}, mean +- s.e. (solved/runs): "
            + ", ".join(f"{label} {s['mean'][at]:.4f} +- {s['se'][at]:.4f} ({s['solved']}/{s['runs']})"
                        for label, s in summary.items())
            + f"; the control \"sgd fast, slow's length\" is the fast schedule trained for "
            f"{_common.count_range(control)} epochs without early stop. {_common.cost(runs)}.")
