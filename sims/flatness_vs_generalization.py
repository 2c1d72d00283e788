"""Flatness against generalization: do flatter zero-training-error minima generalize better?

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
import sys

from wfm import _options, figures, problems
from wfm.sweep import Sweep, script, task_key

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
#: The control column (:func:`wfm.figures.output_scale`).
NORM = figures.FLATNESS_NORM
#: Number of top Hessian eigenvalues in the log volume.
LOG_VOLUME_K = 20


def build_parser():
    """The argument parser of the script."""
    parser = script.Parser(prog="flatness_vs_generalization.py", description=__doc__.split("\n\n")[0],
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
    cfg = dict(PRESETS[args.preset])
    for name in ("seeds", "K", "train_size", "epochs", "samples"):
        value = getattr(args, name)
        if value is not None:
            if value < 1:
                raise ValueError(f"--{name.replace('_', '-')} must be >= 1, got {value}")
            cfg[name] = value
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


def columns():
    """(label, how to read it) of every measure in the analysis, in table order."""
    return figures.flatness_columns(SIZES, LOG_VOLUME_K)


def table(path, labels):
    """Runs of this sweep (task key -> schedule label) with one column per measure."""
    return figures.flatness_table(path, labels, columns())


_at_zero = figures.at_zero
within_groups = figures.within_groups


def correlations(minima):
    """Spearman correlations of every measure (:func:`wfm.figures.flatness_correlations`)."""
    return figures.flatness_correlations(minima, columns())


def plot(minima, rows, path):
    """One scatter panel per measure against the test error, coloured by attack size."""
    return figures.save(figures.flatness_vs_generalization(minima, rows, columns()), path)


def report(runs, rows):
    """The printed summary: run counts, test error per attack size, correlation table."""
    done = runs["status"] == "done"
    zero = _at_zero(runs)
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
    """The sweeps of the validated settings; the analysis reads their schedule labels."""
    grids = sweeps(config(args), args.seed)
    return [grid for _, grid in grids], grids


def analyse(grids, outcome):
    """Correlate each measure with the test error at the minima; draw and print them."""
    labels = {task_key(task): label for label, grid in grids for task in grid.tasks()}
    runs = table(outcome.out, labels)
    minima = runs[_at_zero(runs)]
    rows = correlations(minima)
    plot(minima, rows, outcome.figure)
    print(report(runs, rows))
    print(f"{outcome.figure}: each measure against the test error, coloured by attack size")


def main(argv=None):
    """Run the script; returns the exit code (0, 2 for a usage error, 130 when interrupted)."""
    return script.main(build_parser(), plan, analyse, argv)


if __name__ == "__main__":
    sys.exit(main())
