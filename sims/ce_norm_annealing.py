"""CE SGD with norm annealing: flatness of the minima reached by each norm schedule and baseline.

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
import sys

from wfm import _options, figures
from wfm.sweep import Sweep, script, task_key

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
    parser = script.Parser(prog="ce_norm_annealing.py", description=__doc__.split("\n\n")[0],
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


def summarise(path, grids):
    """Per method: solved runs, mean epochs, and the mean local-energy curve with its SE
    (:func:`wfm.figures.norm_annealing_summary` of the runs of each grid)."""
    return figures.norm_annealing_summary(path, {label: [task_key(task) for task in grid.tasks()]
                                                 for label, grid in grids.items()})


def title(cfg):
    """The figure's title: model, load and norm schedule."""
    training = cfg["training"]
    return (f"CE SGD, sign committee K={cfg['K']} N={cfg['N']} alpha={cfg['alpha']:g}, "
            f"r {training['norm']:g} -> {training['norm_final']:g}")


def plot(figure, cfg, summary):
    """Local energy against sigma, one curve per method (:func:`wfm.figures.norm_annealing`)."""
    figures.save(figures.norm_annealing(summary, cfg["sizes"], title(cfg)), figure)


def table(cfg, summary):
    """The printed table: solved runs, mean epochs, local energy +- SE at every sigma."""
    lines = [f"{'method':24} {'solved':>7} {'epochs':>7}  local energy at sigma = "
             + "  ".join(f"{s:<15g}" for s in cfg["sizes"])]
    for label, s in summary.items():
        cells = "  ".join(f"{m:.4f} +- {e:.4f}" for m, e in zip(s["mean"], s["se"]))
        lines.append(f"{label:24} {s['solved']:>3}/{s['runs']:<3} {s['epochs']:7.0f}  {cells}")
    return "\n".join(lines)


def plan(args):
    """The sweeps of the validated settings; the analysis reads both."""
    cfg = config(args)
    grids = sweeps(cfg)
    return list(grids.values()), (cfg, grids)


def analyse(context, outcome):
    """Draw the local energy of each method; print the table."""
    cfg, grids = context
    summary = summarise(outcome.out, grids)
    plot(outcome.figure, cfg, summary)
    print(f"{outcome.figure}: local energy against sigma")
    print(table(cfg, summary))


def main(argv=None):
    """Run the study; returns the exit code (0, 2 for bad input, 130 when interrupted)."""
    return script.main(build_parser(), plan, analyse, argv)


if __name__ == "__main__":
    sys.exit(main())
