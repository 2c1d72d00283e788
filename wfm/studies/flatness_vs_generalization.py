"""Figure 6: flatness against generalization: do flatter zero-training-error minima generalize better?

ReLU committees (fully connected, continuous weights, trainable readout by default) learn the
digits task (even against odd 8x8 images, standardised pixels) with an attack set of A extra
training images carrying random labels (Wu, Zhu and E 2017): the larger A, the worse the
zero-training-error minimum generalizes. Several SGD schedules (batch size and learning rate)
give further minima; each attack size and seed index has its own split of the images and its
own random labels. At every minimum reached with zero training errors the sweep measures the
test error and every flatness measure of wfm.measures:

- local energy at a few sigma, with multiplicative noise w_i (1 + sigma z_i) and with additive
  noise per unit w_k + sigma |w_k| / sqrt(n) z_k: the training-error increase, invariant
  under the per-unit rescalings of Dinh et al.;
- top Hessian eigenvalue, log volume (Wu, Zhu and E: -1/2 sum of the logs of the top-k
  eigenvalues; larger is flatter), Hessian trace (Hutchinson), Hessian Frobenius norm
  (finite differences), eps-sharpness (Keskar et al.); all on the CE loss at gamma = 1;
- as a control, the output scale rms(W) rms(v) of the weights (no norm control here: the
  norm is free, and the Hessian measures are not invariant under rescaling).

Printed: the Spearman rank correlation of each measure with the test error (and with the
attack size) over the minima at zero training error, and how many runs did not reach zero
training error (kept in the file, left out of the analysis). The figure has one scatter panel
per measure: the measure against the test error, coloured by attack size.

Examples
--------
python sims/flatness_vs_generalization.py --preset quick --out flat.h5 --plot flat.png
python sims/flatness_vs_generalization.py --preset paper --out flat_paper.h5 --workers 2
python sims/flatness_vs_generalization.py --attack 0 200 --seeds 1 --schedule b50 --out one.h5
"""
import argparse

import numpy as np

from wfm import _options, analysis, plots, problems, store
from wfm.studies import _common
from wfm.sweep import Sweep, script

NAME = "flatness_vs_generalization"
TITLE = "Figure 6: flatness against generalization on the digits task with attack sets"
NOTEBOOK = "notebooks/06_flatness_vs_generalization.ipynb"
SCRIPT = "sims/flatness_vs_generalization.py"
ARGUMENTS = []
KEEP = ["measures/*", "W", "v", "w"]

#: Presets; explicit options override them.
PRESETS = {
    "quick": {"attack": [0, 100, 200, 400], "seeds": 6, "K": 20, "train_size": 400,
              "epochs": 1500, "samples": 200},
    "paper": {"attack": [0, 50, 100, 200, 300, 400, 600], "seeds": 20, "K": 20,
              "train_size": 400, "epochs": 3000, "samples": 1000},
}
#: Training schedules of "sgd" (plain SGD on the CE, norm free): label -> hyperparameters.
SCHEDULES = {
    "b50": {"batch_size": 50, "lr": 0.006, "norm_control": "none", "gamma": 1.0, "relu_leak": 0.0},
    "b20": {"batch_size": 20, "lr": 0.005, "norm_control": "none", "gamma": 1.0, "relu_leak": 0.0},
    "b10": {"batch_size": 10, "lr": 0.005, "norm_control": "none", "gamma": 1.0, "relu_leak": 0.0},
}
#: Noise amplitudes sigma of the local energy.
SIZES = [0.05, 0.1, 0.2]
#: The control column: the output scale rms(W) rms(v) of a ReLU committee (:func:`output_scale`), on
#: which the Hessian measures depend (they are not invariant under rescaling) and the local energy does not.
NORM = "control: rms(W) rms(v)"
#: Scatter markers of the training schedules, in the order of their labels.
MARKERS = "os^Dv<>p"
#: Number of top Hessian eigenvalues in the log volume.
LOG_VOLUME_K = 20


def build_parser():
    """The argument parser of the script."""
    parser = _options.Parser(prog="flatness_vs_generalization.py",
                             description="Flatness against generalization: do flatter zero-training-error "
                                         "minima generalize better?",
                           formatter_class=argparse.RawDescriptionHelpFormatter, epilog="""
presets (explicit options override them):
  quick  ReLU committee K=20 with trainable readout, 400 clean training images, attack
         sizes 0 100 200 400, schedules b50 b20 b10, 6 seeds, at most 1500 epochs,
         200 perturbations per sigma: 72 runs, about 4 minutes of CPU in all (3.3 s per
         run); measured 8.5 minutes with 2 workers on a shared machine (load 10),
         about 2 minutes on 2 free cores.
  paper  attack sizes 0 50 100 200 300 400 600, 20 seeds, at most 3000 epochs, 1000
         perturbations: 420 runs of about 7 s of CPU each (measured 13 s per run at
         A = 600): estimated 25-30 minutes on 2 free cores, 1-2 hours on a shared
         machine; use --executor dask on a cluster.
schedules ("sgd", cross-entropy at gamma = 1, no norm control, early stop at zero errors):
  b50  batch 50, lr 0.006;  b20  batch 20, lr 0.005;  b10  batch 10, lr 0.005 (lr per
  pattern); the true ReLU derivative (relu_leak 0).
measures (inside the sweep, at each run's final weights): local_energy (multiplicative and
additive, sigma = 0.05 0.1 0.2), hessian_eigenvalues (k=1), log_volume (k=20), hessian_trace (100
probes), hessian_frobenius (100 directions, eps=1e-3), sharpness (eps=1e-3).""")
    parser.add_argument("--preset", choices=sorted(PRESETS), default="quick", help="default quick")
    parser.add_argument("--attack", nargs="+", metavar="A",
                        help="attack-set sizes (list, or start:stop:step)")
    parser.add_argument("--schedule", action="append", choices=sorted(SCHEDULES),
                        help="training schedule, repeatable (default: all)")
    parser.add_argument("--seeds", type=int, help="instances (splits and attack labels) per attack size")
    parser.add_argument("--K", type=int, help="hidden units")
    parser.add_argument("--second-layer", choices=("trainable", "fixed"), default="trainable",
                        help="readout (default trainable)")
    parser.add_argument("--train-size", type=int, help="clean training images")
    parser.add_argument("--epochs", type=int, help="maximum epochs per run")
    parser.add_argument("--samples", type=int, help="perturbations per sigma of the local energy")
    parser.add_argument("--seed", type=int, default=0,
                        help="sweep seed from which every seed derives (default 0)")
    script.add_run_options(parser, "flatness_vs_generalization.h5")
    return parser


def config(args):
    """The validated settings: preset values overridden by the options."""
    names = ("seeds", "K", "train_size", "epochs", "samples")
    cfg = _common.with_options(PRESETS[args.preset], args, names)
    for name in names:
        if cfg[name] < 1:
            raise ValueError(f"--{name.replace('_', '-')} must be >= 1, got {cfg[name]}")
    if args.attack is not None:
        cfg["attack"] = sorted(set(_options.numbers("--attack", args.attack, kind=int)))
    if min(cfg["attack"]) < 0:
        raise ValueError(f"--attack sizes must be >= 0, got {min(cfg['attack'])}")
    # the largest attack set must fit next to the clean training and test images
    problems.digits(inputs="standardised", train_size=cfg["train_size"], attack=max(cfg["attack"]), seed=0)
    cfg["schedules"] = list(dict.fromkeys(args.schedule or SCHEDULES))
    cfg["second_layer"] = args.second_layer
    return cfg


def measures(cfg):
    """The flatness measures evaluated at every run's final weights."""
    return {
        "local_energy": {"noise": "multiplicative", "sizes": SIZES, "samples": cfg["samples"]},
        "local_energy:additive": {"noise": "additive", "sizes": SIZES, "samples": cfg["samples"]},
        "hessian_eigenvalues": {"k": 1},
        "log_volume": {"k": LOG_VOLUME_K},
        "hessian_trace": {"samples": 100},
        "hessian_frobenius": {"vectors": 100, "eps": 1e-3},
        "sharpness": {"eps": 1e-3},
    }


def sweeps(cfg, seed):
    """One :class:`wfm.sweep.Sweep` per schedule, over the attack sizes; (label, Sweep) pairs."""
    model = {"model": "committee", "K": cfg["K"], "tree": False, "activation": "relu",
             "weights": "continuous", "second_layer": cfg["second_layer"]}
    problem = {"kind": "digits", "inputs": "standardised", "train_size": cfg["train_size"]}
    return [(label, Sweep(problem=problem, model=model, algorithm="sgd",
                          params={**SCHEDULES[label], "epochs": cfg["epochs"]},
                          product={"attack": cfg["attack"]}, seeds=cfg["seeds"], seed=seed,
                          measures=measures(cfg)))
            for label in cfg["schedules"]]


def report(data):
    """The printed summary: run counts, test error per attack size, correlation table."""
    runs, rows = data["runs"], data["rows"]
    done = runs["status"] == "done"
    zero = at_zero(runs)
    lines = [f"runs: {len(runs)}; at zero training error: {int(zero.sum())}; "
             f"not at zero training error (excluded): {int((done & ~zero).sum())}; "
             f"failed: {int((~done).sum())}"]
    minima = runs[zero]
    if len(minima):
        lines.append("test error at zero training error, by attack size (mean over minima):")
        for attack, group in minima.groupby("attack"):
            lines.append(f"  attack {attack:>5}: {group['test_error'].mean():.3f}  ({len(group)} minima)")
    lines.append("Spearman rho of each measure with the test error (all minima; within attack sizes) "
                 "and with the attack size:")
    lines.append(f"{'measure':<32} {'rho(test err)':>13} {'p':>9} {'within A':>9} {'p':>7} "
                 f"{'rho(attack)':>12} {'p':>9} {'n':>4}")
    for row in rows:
        lines.append(f"{row['measure']:<32} {row['rho_test_error']:>13.3f} {row['p_test_error']:>9.2g} "
                     f"{row['rho_within']:>9.3f} {row['p_within']:>7.2g} {row['rho_attack']:>12.3f} "
                     f"{row['p_attack']:>9.2g} {row['n']:>4}")
    return "\n".join(lines)


def plan(args):
    """The sweeps of the validated settings; the analysis needs nothing else."""
    return [grid for _, grid in sweeps(config(args), args.seed)], None


def analyse(_, outcome):
    """Correlate each measure with the test error at the minima; draw and print them."""
    data = table(outcome.out, outcome.keys)
    plots.save(draw(data), outcome.figure)
    print(report(data))
    print(f"{outcome.figure}: each measure against the test error, coloured by attack size")


def main(argv=None):
    """Run the script; returns the exit code (0, 2 for a usage error, 130 when interrupted)."""
    return script.main(build_parser(), plan, analyse, argv)


def columns(sizes, log_volume_k):
    """(label, how to read it) of every measure of the figure, in table order.

    Parameters
    ----------
    sizes : sequence of float
        Noise amplitudes sigma of the two local energies ("local_energy", multiplicative, and
        "local_energy:additive").
    log_volume_k : int
        Top eigenvalues in the log volume (for the label).
    """
    out = [(f"local energy {kind} sigma={s:g}", ("array", f"measures/{name}/train", i))
           for kind, name in (("mult.", "local_energy"), ("add.", "local_energy:additive"))
           for i, s in enumerate(sizes)]
    out += [("top Hessian eigenvalue", ("array", "measures/hessian_eigenvalues", 0)),
            (f"log volume (k={log_volume_k})", ("column", "log_volume")),
            ("Hessian trace", ("column", "hessian_trace.value")),
            ("Hessian Frobenius norm", ("column", "hessian_frobenius.value")),
            ("sharpness (eps=1e-3, %)", ("column", "sharpness")),
            (NORM, ("norm", None))]
    return out


def measure_settings(path):
    """(sizes, log_volume_k) of the measures of a results file of this study,
    read from its first recorded sweep (the arguments of :func:`columns`)."""
    first = _common.sweep_specs(path)[0]          # one Sweep's spec, or a list of them
    measures = (first if isinstance(first, dict) else first[0])["measures"]
    return list(measures["local_energy"]["sizes"]), int(measures["log_volume"]["k"])


def schedules(runs):
    """Schedule label of each run : "b<batch size>"."""
    return runs["params.batch_size"].map(lambda b: f"b{int(b)}")


def measure_table(path, labels, columns):
    """Runs with their schedule and one column per measure (NaN where missing).

    Parameters
    ----------
    path : path
        Results file.
    labels : dict
        Task key -> schedule label of the runs to use.
    columns : list
        From :func:`columns`.
    """
    runs = store.load_runs(path)
    runs = runs[runs["key"].isin(labels)].copy()
    runs["schedule"] = runs["key"].map(labels)
    done = (runs["status"] == "done").to_numpy()
    for label, (kind, name, *index) in columns:
        if kind == "column":
            runs[label] = runs[name] if name in runs else np.nan
        elif kind == "norm":
            trainable = runs["second_layer"] == "trainable"
            runs[label] = [output_scale(path, key, fit) if ok else np.nan
                           for key, ok, fit in zip(runs["key"], done, trainable)]
        else:
            runs[label] = [float(store.load_array(path, key, name)[index[0]]) if ok else np.nan
                           for key, ok in zip(runs["key"], done)]
    return runs.reset_index(drop=True)


def output_scale(path, key, trainable):
    """Output scale of a ReLU committee: rms first-layer weight times rms readout weight."""
    if not trainable:
        return float(np.sqrt(np.mean(store.load_array(path, key, "w") ** 2)))
    W, v = (store.load_array(path, key, name) for name in ("W", "v"))
    return float(np.sqrt(np.mean(W ** 2) * np.mean(v ** 2)))


def at_zero(runs):
    """Mask of the runs done with zero training errors."""
    done = runs["status"] == "done"
    return done & (runs["errors"] == 0) if "errors" in runs else done & False


def correlations(minima, columns):
    """Per measure: Spearman rho (and p-value) with the test error and with the attack size, and
    the Spearman rho (and permutation p-value) with the test error within attack sizes
    (:func:`wfm.analysis.within_groups`); a list of dicts in the order of ``columns``."""
    import warnings

    from scipy.stats import spearmanr

    rows = []
    attack = minima["attack"].to_numpy(dtype=float)
    test = minima["test_error"].to_numpy(dtype=float) if len(minima) else np.zeros(0)
    for label, _ in columns:
        x = minima[label].to_numpy(dtype=float)
        row = {"measure": label}
        for target, y in (("test_error", test), ("attack", attack)):
            ok = np.isfinite(x) & np.isfinite(y)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # constant input: rho is NaN
                rho, p = spearmanr(x[ok], y[ok]) if ok.sum() >= 3 else (np.nan, np.nan)
            row[f"rho_{target}"], row[f"p_{target}"], row["n"] = float(rho), float(p), int(ok.sum())
        ok = np.isfinite(x) & np.isfinite(test)
        row["rho_within"], row["p_within"] = analysis.within_groups(x[ok], test[ok], attack[ok])
        rows.append(row)
    return rows


def table(path, keys=None):
    """Every run (those in ``keys``, default all) with its schedule and measures, the minima at
    zero training error and the correlations of each measure with the test error.

    Returns
    -------
    dict
        ``runs`` (:func:`measure_table`), ``minima`` (its runs at zero training error),
        ``columns`` (:func:`columns` of the recorded measures), ``sizes`` (their sigma) and
        ``rows`` (:func:`correlations`).
    """
    runs = _common.load_runs(path, keys)
    sizes, k = measure_settings(path)
    measured = columns(sizes, k)
    runs = measure_table(path, dict(zip(runs["key"], schedules(runs))), measured)
    minima = runs[at_zero(runs)]
    return {"runs": runs, "minima": minima, "columns": measured, "sizes": sizes,
            "rows": correlations(minima, measured)}


def draw(data):
    """One scatter panel per measure against the test error, coloured by attack size, marker
    by schedule; ``data`` from :func:`table` (rho in the panel titles)."""
    minima, rows, columns = data["minima"], data["rows"], data["columns"]
    import matplotlib
    from matplotlib import colors, ticker
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    matplotlib.use("Agg", force=False)
    labels = [label for label, _ in columns]
    ncols = 4
    nrows = -(-len(labels) // ncols)
    figure = Figure(figsize=(3.2 * ncols, 2.9 * nrows), layout="constrained")
    axes = figure.subplots(nrows, ncols, squeeze=False).ravel()
    attacks = sorted(minima["attack"].unique()) if len(minima) else [0]
    cmap = matplotlib.colormaps["viridis"]
    norm = colors.BoundaryNorm(np.arange(len(attacks) + 1) - 0.5, cmap.N)
    level = minima["attack"].map({a: i for i, a in enumerate(attacks)}).to_numpy()
    schedules = sorted(minima["schedule"].unique()) if len(minima) else []
    for ax, label, row in zip(axes, labels, rows):
        x = minima[label].to_numpy(dtype=float)
        points = ax.scatter([], [], c=[], cmap=cmap, norm=norm)
        for schedule, marker in zip(schedules, MARKERS):
            mask = (minima["schedule"] == schedule).to_numpy()
            points = ax.scatter(x[mask], minima["test_error"][mask], c=level[mask], cmap=cmap, norm=norm,
                                s=18, marker=marker)
        if np.all(x[np.isfinite(x)] > 0) and np.isfinite(x).sum() > 1 and \
                np.nanmax(x) > 10 * np.nanmin(x):
            ax.set_xscale("log")
            ax.xaxis.set_minor_formatter(ticker.NullFormatter())
        ax.set_xlabel(label, fontsize=8)
        ax.set_ylabel("test error", fontsize=8)
        ax.set_title(f"rho = {row['rho_test_error']:.2f}, within A {row['rho_within']:.2f}", fontsize=9)
        ax.tick_params(labelsize=7)
    for ax in axes[len(labels):]:
        ax.set_visible(False)
    if schedules:
        handles = [Line2D([], [], linestyle="", marker=marker, color="grey", label=schedule)
                   for schedule, marker in zip(schedules, MARKERS)]
        axes[0].legend(handles=handles, title="schedule", fontsize=7, title_fontsize=7)
    bar = figure.colorbar(points, ax=axes.tolist(), ticks=range(len(attacks)), shrink=0.8)
    bar.ax.set_yticklabels([str(a) for a in attacks])
    bar.set_label("attack size")
    return figure


def by_attack(data):
    """Test error of the minima by attack size: mean, standard error and count."""
    return data["minima"].groupby("attack")["test_error"].agg(["mean", "sem", "size"])


def expect(data):
    """At least 90 % of the runs reach zero training error; the attack sets work (the test error
    at the largest attack size exceeds that without attack by two standard errors); the
    multiplicative local energy at every sigma has Spearman rho > 0 with the test error, p < 0.01."""
    runs, minima = data["runs"], data["minima"]
    assert len(minima) >= 0.9 * len(runs), f"only {len(minima)} of {len(runs)} runs at zero training error"
    errors = by_attack(data)
    gap = errors["mean"].iloc[-1] - errors.loc[0, "mean"]
    assert gap > 2 * np.hypot(errors["sem"].iloc[-1], errors.loc[0, "sem"]), f"attack sets do not work:\n{errors}"
    rows = {row["measure"]: row for row in data["rows"]}
    for sigma in data["sizes"]:
        row = rows[f"local energy mult. sigma={sigma:g}"]
        assert row["rho_test_error"] > 0 and row["p_test_error"] < 0.01, \
            f"sigma = {sigma:g}: rho {row['rho_test_error']:.3f}, p {row['p_test_error']:.2g}"


def caption(data):
    """The figure's caption, every number from the data."""
    runs, minima, errors = data["runs"], data["minima"], by_attack(data)
    first = runs.iloc[0]
    seeds = runs.groupby(["schedule", "attack"]).size()
    return (f"Zero-training-error minima of ReLU committees (K = {int(first['K'])}) on even/odd 8x8 digits, "
            f"{int(first['P'] - first['attack'])} clean training images plus an attack set of A random-label "
            f"images, SGD with batch {_common.listing(sorted(int(s[1:]) for s in runs['schedule'].unique()))}, "
            f"{_common.count_range(seeds)} seeds each: {len(minima)} of {len(runs)} runs reach zero training "
            f"error. Test error by A = {' / '.join(str(int(a)) for a in errors.index)}: "
            f"{' / '.join(f'{m:.3f}' for m in errors['mean'])}. Spearman rho with the test error over all minima "
            "(within attack sizes, permutation p): "
            + "; ".join(f"{row['measure']} {row['rho_test_error']:.2f} ({row['rho_within']:.2f}, "
                        f"p = {row['p_within']:.2g})" for row in data["rows"])
            + f". {_common.cost(runs)}.")
