"""Phase diagram: success probability of learning algorithms against the load alpha.

Sweeps (algorithm, N, alpha, seed) on random storage problems, writes every run to an HDF5
results file (resumable: run the same command again after an interruption) and draws the
success probability with Wilson one-sigma error bars against alpha, one curve per
(algorithm, N), with the algorithmic threshold (alpha at success 1/2) marked and in the legend.
Instances are paired: every algorithm sees the same problems at the same (N, alpha, seed).

Examples
--------
python sims/phase_diagram.py --preset quick --out quick.h5 --plot quick.png
python sims/phase_diagram.py --algorithm perceptron --N 101 201 --alpha 0.3:0.8:0.05 --seeds 20 \\
    --param max_epochs=2000 --out pd.h5
python sims/phase_diagram.py --preset paper --executor dask --scheduler-address tcp://host:8786 --out paper.h5
"""
import argparse
import sys

from wfm import _options, algorithms, plots, store
from wfm.sweep import Sweep, script

#: Solvers in order of preference for the presets: the best one registered is used.
BEST = ("famp", "fbp", "perceptron")
#: Alpha grid (quick, paper) per algorithm for the binary perceptron: where success falls to 0.
ALPHAS = {
    "fbp": ("0.5:0.9:0.05", "0.5:0.9:0.01"),
    "famp": ("0.5:0.9:0.05", "0.5:0.9:0.01"),
    "perceptron": ("0.3:0.8:0.05", "0.3:0.8:0.01"),
    "sa": ("0.3:0.7:0.05", "0.3:0.7:0.01"),
    "rsa": ("0.3:0.7:0.05", "0.3:0.7:0.01"),
}
DEFAULT_ALPHAS = ("0.1:0.9:0.1", "0.1:0.9:0.02")
PRESETS = {
    "quick": {"N": [101, 201], "seeds": 20, "alpha_column": 0},
    "paper": {"N": [1001, 2001], "seeds": 100, "alpha_column": 1},
}
MODELS = ("perceptron", "committee")


def build_parser():
    """The argument parser of the script."""
    parser = script.Parser(prog="phase_diagram.py", description=__doc__.split("\n\n")[0] + ".",
                           formatter_class=argparse.RawDescriptionHelpFormatter, epilog="""
presets (explicit options override them):
  quick  best registered solver (famp, else fbp, else perceptron), binary perceptron,
         N = 101 201, its alpha grid (fbp, famp: 0.5:0.9:0.05; perceptron: 0.3:0.8:0.05;
         sa, rsa: 0.3:0.7:0.05; others 0.1:0.9:0.1), 20 seeds;
         under 2 minutes on 2 cores (about 20 s with the perceptron rule).
  paper  same solver and model, N = 1001 2001, alpha step 0.01, 100 seeds: several hours
         on 2 cores (perceptron rule: about 2 hours, most of it in the unsolvable runs that
         use all their epochs); use --executor dask on a cluster.
models:
  --model perceptron (default) with --model-param weights=binary|spherical, kappa=K;
  --model committee with --model-param K=3 tree=true|false activation=sign|relu
  weights=binary|continuous. alpha counts patterns per input (P = alpha N) unless
  --load weight: P = alpha K n (= alpha N K fully connected, as in the reference fBP code).""")
    parser.add_argument("--preset", choices=sorted(PRESETS), help="default grid, see below")
    parser.add_argument("--model", choices=MODELS, default="perceptron", help="network (default perceptron)")
    parser.add_argument("--model-param", action="append", default=[], metavar="NAME=VALUE",
                        help="model argument, repeatable (default weights=binary)")
    parser.add_argument("--inputs", choices=("pm1", "gaussian"), default="pm1", help="pattern entries (default pm1)")
    parser.add_argument("--load", choices=("input", "weight"), default="input",
                        help="alpha per input or per first-layer weight (default input)")
    parser.add_argument("--algorithm", action="append", metavar="NAME",
                        help=f"algorithm, repeatable; registered: {', '.join(algorithms.names())}")
    parser.add_argument("--N", nargs="+", metavar="N", help="input sizes (list, or comma-separated)")
    parser.add_argument("--alpha", nargs="+", metavar="ALPHA", help="loads: list, or start:stop:step (stop included)")
    parser.add_argument("--seeds", type=int, help="instances per (N, alpha)")
    parser.add_argument("--seed", type=int, default=0, help="sweep seed from which every run's seeds derive (default 0)")
    parser.add_argument("--param", action="append", default=[], metavar="[ALGORITHM.]NAME=VALUE",
                        help="algorithm hyperparameter, repeatable; prefix with the algorithm name to "
                             "set it for one algorithm only")
    script.add_run_options(parser, "phase_diagram.h5")
    return parser


def _algorithms(args):
    if args.algorithm:
        for name in args.algorithm:
            algorithms.get(name)
        return list(dict.fromkeys(args.algorithm))
    if args.preset:
        return [next(name for name in BEST if name in algorithms.names())]
    raise ValueError("give --algorithm (repeatable) or a --preset")


def sweeps(args):
    """The list of :class:`wfm.sweep.Sweep` (one per algorithm) described by the options."""
    names = _algorithms(args)
    preset = PRESETS.get(args.preset, {})
    if args.N is None and not preset:
        raise ValueError("give --N or a --preset")
    Ns = _options.numbers("--N", args.N, kind=int) if args.N else preset["N"]
    seeds = args.seeds if args.seeds is not None else preset.get("seeds")
    if seeds is None:
        raise ValueError("give --seeds or a --preset")
    if args.alpha is None and not preset:
        raise ValueError("give --alpha or a --preset")
    alphas = _options.numbers("--alpha", args.alpha) if args.alpha else None
    if alphas is not None and any(a <= 0 for a in alphas):
        raise ValueError(f"--alpha must be > 0, got {min(alphas):g}")
    model = {"model": args.model, "weights": "binary", **_options.assignments("--model-param", args.model_param)}
    params = script.algorithm_params(args.param, names, unscoped=True)
    out = []
    for name in names:
        grid = alphas or _options.numbers(
            "--alpha", [ALPHAS.get(name, DEFAULT_ALPHAS)[preset["alpha_column"]]])
        out.append(Sweep(problem={"kind": "storage", "inputs": args.inputs, "load": args.load},
                         model=model, algorithm=name, params=params[name],
                         product={"N": Ns, "alpha": grid}, seeds=seeds, seed=args.seed))
    return out


def plan(args):
    """The sweeps of the options; the analysis needs nothing else."""
    return sweeps(args), None


def analyse(_, outcome):
    """Draw the success probability of this study's runs; print alpha at success 1/2."""
    runs = store.load_runs(outcome.out)
    _, limits = plots.plot_phase_diagram(runs[runs["key"].isin(outcome.keys)], out=outcome.figure)
    print(f"{outcome.figure}: success probability against alpha")
    for row in limits.itertuples(index=False):
        print(f"  {row.algorithm:>12} N={row.N:<6} alpha at success 1/2: {row.alpha_threshold:.4f}")


def main(argv=None):
    """Run the script; returns the exit code (0, 2 for a usage error, 130 when interrupted)."""
    return script.main(build_parser(), plan, analyse, argv)


if __name__ == "__main__":
    sys.exit(main())
