"""Local entropy around the solutions each algorithm finds, against the bound H(d) (binary perceptron).

Every algorithm solves the same random storage instances (binary perceptron, +-1 patterns) at
one load alpha; around each solution w~ the local entropy S(d) (log-number of solutions per
weight at normalised Hamming distance d from w~) is measured inside the sweep by BP with an
external field gamma w~ (wfm.measures.local_entropy: one point (d, S) per gamma) and, at
N <= 25, exactly by enumeration at the same gammas (wfm.measures.local_entropy_exact). The
figure shows the mean over solutions per gamma, one curve per algorithm, with the upper bound
H(d) (binary entropy: every configuration at distance d a solution). The "exact" algorithm (a
uniformly random solution; N <= 25) gives typical solutions for contrast. Expected (Baldassi
et al., PRL 115, 128101 (2015); PNAS 2016): the solutions of fBP/fAMP lie in dense regions,
S(d) close to H(d) at small d; typical solutions are isolated, S(d) far below (S < 0 near d = 0
at large N).

Examples
--------
python sims/local_entropy_curves.py --preset quick --out lent.h5 --plot lent.png
python sims/local_entropy_curves.py --algorithm famp --algorithm perceptron --N 401 --alpha 0.6 --seeds 20 --out lent.h5
"""
import argparse
import sys

from wfm import _options, algorithms, figures
from wfm.sweep import Sweep
from wfm.theory import binary_entropy
from wfm.sweep import script

#: Algorithms of the default comparison, in this order, when registered.
DEFAULT = ("famp", "fbp", "perceptron", "rsa", "sa", "exact")
#: Largest N at which the "exact" algorithm and the exact local entropy (enumeration of 2^N
#: configurations) run.
EXACT_MAX = 25
GAMMAS = [0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 3.0, 4.0]
#: BP sweeps per gamma (converged fixed points around the quick preset's solutions take at most
#: 176; a run that found no solution is measured too, and its BP may not converge).
MAX_ITERS = 1000
#: Distance at which the printed table compares the algorithms.
COMPARE = 0.02
PRESETS = {
    "quick": {"N": [21, 201], "seeds": 20},
    "paper": {"N": [25, 1001], "seeds": 100},
}


def build_parser():
    """The argument parser of the script."""
    parser = script.Parser(prog="local_entropy_curves.py", description=__doc__.split("\n\n")[0],
                           formatter_class=argparse.RawDescriptionHelpFormatter, epilog=f"""
presets (explicit options override them):
  quick  alpha = 0.5, N = 21 201 (exact algorithm and exact local entropy at N = 21 only),
         20 seeds (220 runs with sa and rsa): measured 220 s on 2 cores shared with other
         jobs (109 s for the 140 runs without sa and rsa, 111 s for the 80 sa/rsa runs).
  paper  alpha = 0.5, N = 25 1001 (exact at N = 25), 100 seeds (700 runs): estimated 2 hours
         on 2 cores (one run at N = 1001, one core: fAMP 19 s, fBP 33 s, an unsolved
         perceptron-rule run up to 50 s; N = 25 runs 1-2 s).
default algorithms: the registered ones among {', '.join(DEFAULT)}; exact only at N <= {EXACT_MAX}.""")
    parser.add_argument("--preset", choices=sorted(PRESETS), help="default grid, see below")
    parser.add_argument("--algorithm", action="append", metavar="NAME",
                        help=f"algorithm, repeatable; registered: {', '.join(algorithms.names())}")
    parser.add_argument("--N", nargs="+", metavar="N", help="input sizes (list, or comma-separated)")
    parser.add_argument("--alpha", type=float, default=0.5, help="load P / N (default 0.5)")
    parser.add_argument("--seeds", type=int, help="instances per N")
    parser.add_argument("--gammas", nargs="+", metavar="GAMMA", help="couplings to the solution, "
                        "from 0 upwards (default: " + " ".join(map(str, GAMMAS)) + ")")
    parser.add_argument("--seed", type=int, default=0, help="sweep seed (default 0)")
    parser.add_argument("--param", action="append", default=[], metavar="ALGORITHM.NAME=VALUE",
                        help="hyperparameter of one algorithm, repeatable")
    script.add_run_options(parser, "local_entropy_curves.h5")
    return parser


def sweeps(args):
    """Sweeps per algorithm: BP local entropy at every N, plus the exact one at N <= EXACT_MAX."""
    names = script.algorithm_names(args.algorithm, DEFAULT)
    preset = script.preset_or_options(args, PRESETS, "N", "seeds")
    Ns = _options.numbers("--N", args.N, kind=int) if args.N else preset["N"]
    seeds = args.seeds if args.seeds is not None else preset["seeds"]
    if not 0 < args.alpha:
        raise ValueError(f"--alpha must be > 0, got {args.alpha:g}")
    if seeds < 1 or any(N < 1 for N in Ns):
        raise ValueError(f"--seeds and --N must be >= 1, got {seeds} and {Ns}")
    gammas = _options.numbers("--gammas", args.gammas) if args.gammas else GAMMAS
    if any(g < 0 for g in gammas) or list(gammas) != sorted(gammas):
        raise ValueError(f"--gammas must be >= 0 and increasing, got {gammas}")
    params = script.algorithm_params(args.param, names)
    bp = {"local_entropy": {"gammas": list(gammas), "max_iters": MAX_ITERS}}
    both = {**bp, "local_entropy_exact": {"gammas": list(gammas)}}
    out = []
    for name in names:
        for small in (True, False):
            grid = [N for N in Ns if (N <= EXACT_MAX) == small]
            if not grid or (name == "exact" and not small):
                continue
            out.append(Sweep(problem={"kind": "storage", "inputs": "pm1", "alpha": args.alpha},
                             model={"model": "perceptron", "weights": "binary"}, algorithm=name,
                             params=params[name], product={"N": grid}, seeds=seeds, seed=args.seed,
                             measures=both if small else bp))
    if not out:
        raise ValueError(f"nothing to run: exact needs N <= {EXACT_MAX}")
    return out


def plan(args):
    """The sweeps of the options; the analysis reads the options too."""
    return sweeps(args), args


def analyse(args, outcome):
    """Draw the local-entropy curves of this study's runs; print them at d = COMPARE."""
    table = figures.load_local_entropy(outcome.out, outcome.keys)
    figures.save(figures.local_entropy_curves(table, alpha=args.alpha), outcome.figure)
    at = figures.local_entropy_at(outcome.out, COMPARE, outcome.keys)
    print(f"{outcome.figure}: local entropy S(d) against the distance d from the solutions; "
          f"at d = {COMPARE:g} (H(d) = {binary_entropy(COMPARE):.4f}):")
    for row in at.sort_values(["N", "method", "algorithm"]).itertuples():
        print(f"  N={row.N:<5} {row.method:>5} {row.algorithm:>12}: S = {row.entropy:.4f} +- {row.se:.4f} "
              f"({row.runs} solutions)")


def main(argv=None):
    """Run the script; returns the exit code (0, 2 for a usage error, 130 when interrupted)."""
    return script.main(build_parser(), plan, analyse, argv)


if __name__ == "__main__":
    sys.exit(main())
