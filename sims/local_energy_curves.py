"""Local energy of the solutions each algorithm finds, at equal load (binary perceptron).

Every algorithm solves the same random storage instances (binary perceptron, +-1 patterns) at
one load alpha; at each solution the local energy (mean training-error increase when each
weight is flipped with probability p) is measured with wfm.measures.local_energy inside the
sweep. The figure shows the mean over solutions against the realised fraction of flipped
weights d, one curve per algorithm with standard errors over instances, one panel per N. The
"exact" algorithm (a uniformly random solution, by enumeration; N <= 25) gives typical
solutions for contrast. Expected (Baldassi et al., PNAS 2016): fBP/fAMP find flatter solutions
(lower local energy) than the perceptron rule, and much flatter than typical ones.

Examples
--------
python sims/local_energy_curves.py --preset quick --out le.h5 --plot le.png
python sims/local_energy_curves.py --algorithm famp --algorithm perceptron --N 401 --alpha 0.5 --seeds 20 --out le.h5
"""
import argparse
import sys

from wfm import _options, algorithms, figures
from wfm.sweep import Sweep, script

#: Algorithms of the default comparison, in this order, when registered.
DEFAULT = ("famp", "fbp", "perceptron", "sa", "rsa", "greedy", "rgreedy", "exact")
#: Largest N at which the "exact" algorithm (enumeration of 2^N configurations) runs.
EXACT_MAX = 25
SIZES = [0.0, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15]
PRESETS = {
    "quick": {"N": [21, 201], "seeds": 20, "samples": 200},
    "paper": {"N": [25, 1001], "seeds": 100, "samples": 1000},
}


def build_parser():
    """The argument parser of the script."""
    parser = script.Parser(prog="local_energy_curves.py", description=__doc__.split("\n\n")[0],
                           formatter_class=argparse.RawDescriptionHelpFormatter, epilog=f"""
presets (explicit options override them):
  quick  alpha = 0.5, N = 21 201 (exact at N = 21 only), 20 seeds, 200 perturbations per size
         (300 runs with sa, rsa, greedy, rgreedy): measured 64 s on 2 cores shared with
         other jobs.
  paper  alpha = 0.5, N = 25 1001 (exact at N = 25), 100 seeds, 1000 perturbations per size:
         estimated about 1 hour on 2 cores (not measured).
default algorithms: the registered ones among {', '.join(DEFAULT)}; exact only at N <= {EXACT_MAX}.""")
    parser.add_argument("--preset", choices=sorted(PRESETS), help="default grid, see below")
    parser.add_argument("--algorithm", action="append", metavar="NAME",
                        help=f"algorithm, repeatable; registered: {', '.join(algorithms.names())}")
    parser.add_argument("--N", nargs="+", metavar="N", help="input sizes (list, or comma-separated)")
    parser.add_argument("--alpha", type=float, default=0.5, help="load P / N (default 0.5)")
    parser.add_argument("--seeds", type=int, help="instances per N")
    parser.add_argument("--sizes", nargs="+", metavar="P", help="flip probabilities (default: "
                        + " ".join(map(str, SIZES)) + ")")
    parser.add_argument("--samples", type=int, help="perturbations per size and solution")
    parser.add_argument("--seed", type=int, default=0, help="sweep seed (default 0)")
    parser.add_argument("--param", action="append", default=[], metavar="ALGORITHM.NAME=VALUE",
                        help="hyperparameter of one algorithm, repeatable")
    script.add_run_options(parser, "local_energy_curves.h5")
    return parser


def sweeps(args):
    """One :class:`wfm.sweep.Sweep` per algorithm (exact only at N <= EXACT_MAX)."""
    names = script.algorithm_names(args.algorithm, DEFAULT)
    preset = script.preset_or_options(args, PRESETS, "N", "seeds")
    Ns = _options.numbers("--N", args.N, kind=int) if args.N else preset["N"]
    seeds = args.seeds if args.seeds is not None else preset["seeds"]
    samples = args.samples if args.samples is not None else (preset or PRESETS["quick"])["samples"]
    if not 0 < args.alpha:
        raise ValueError(f"--alpha must be > 0, got {args.alpha:g}")
    if seeds < 1 or samples < 2:
        raise ValueError(f"--seeds must be >= 1 and --samples >= 2, got {seeds} and {samples}")
    sizes = _options.numbers("--sizes", args.sizes) if args.sizes else SIZES
    if any(not 0 <= p <= 1 for p in sizes):
        raise ValueError(f"--sizes are flip probabilities in [0, 1], got {sizes}")
    params = script.algorithm_params(args.param, names)
    measures = {"local_energy": {"noise": "flip", "sizes": sizes, "samples": samples}}
    out = []
    for name in names:
        grid = [N for N in Ns if N <= EXACT_MAX] if name == "exact" else Ns
        if not grid:
            continue
        out.append(Sweep(problem={"kind": "storage", "inputs": "pm1", "alpha": args.alpha},
                         model={"model": "perceptron", "weights": "binary"}, algorithm=name,
                         params=params[name], product={"N": grid}, seeds=seeds, seed=args.seed,
                         measures=measures))
    if not out:
        raise ValueError(f"nothing to run: exact needs N <= {EXACT_MAX}")
    return out


def plan(args):
    """The sweeps of the options; the analysis reads the options too."""
    return sweeps(args), args


def analyse(args, outcome):
    """Draw the local-energy curves of this study's runs; print each at p = 0.05."""
    table = figures.load_local_energy(outcome.out, outcome.keys)
    figures.save(figures.local_energy_curves(table, alpha=args.alpha), outcome.figure)
    print(f"{outcome.figure}: local energy against the fraction of flipped weights")
    for (algorithm, N), curve in table.groupby(["algorithm", "N"], sort=True):
        row = curve.iloc[(curve["size"] - 0.05).abs().argmin()]
        print(f"  {algorithm:>12} N={N:<6} {row['runs']} solutions; at p={row['size']:g}: "
              f"{row['energy']:.4f} +- {row['se']:.4f}")


def main(argv=None):
    """Run the script; returns the exit code (0, 2 for a usage error, 130 when interrupted)."""
    return script.main(build_parser(), plan, analyse, argv)


if __name__ == "__main__":
    sys.exit(main())
