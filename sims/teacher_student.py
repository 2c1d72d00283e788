"""Teacher-student: generalization error of BP/AMP inference against alpha, with RS theory.

A binary perceptron teacher labels P = alpha N random +-1 patterns; plain BP or AMP with the
teacher's prior (uniform +-1) computes the marginals m and the student sign(m). The
generalization error arccos(R) / pi (R the overlap of sign(m) with the teacher) is drawn
against alpha, one set of points per (algorithm, N), with the Bayes-optimal replica-symmetric
curve of wfm.theory.teacher_student_binary_perceptron on the branch BP follows from
uninformative messages (it jumps to perfect learning at the spinodal alpha_sp = 1.493; perfect
learning is the equilibrium from alpha_IT = 1.245, Gyorgyi 1990).

Examples
--------
python sims/teacher_student.py --preset quick --out ts.h5 --plot ts.png
python sims/teacher_student.py --algorithm amp --N 1000 4000 --alpha 0.1:2.0:0.1 --seeds 20 --out ts.h5
"""
import argparse
import sys

import numpy as np

from wfm import _options, figures, store
from wfm.sweep import Sweep, script

PRESETS = {
    "quick": {"N": {"amp": [200, 800], "bp": [200]}, "alpha": "0.25:2.0:0.25", "seeds": 8},
    "paper": {"N": {"amp": [1000, 2000, 4000], "bp": [1000]}, "alpha": "0.1:2.0:0.05", "seeds": 20},
}
INFERENCE = ("amp", "bp")


def build_parser():
    """The argument parser of the script."""
    parser = script.Parser(prog="teacher_student.py", description=__doc__.split("\n\n")[0],
                           formatter_class=argparse.RawDescriptionHelpFormatter, epilog="""
presets (explicit options override them):
  quick  amp at N = 200 800 and bp at N = 200, alpha = 0.25:2.0:0.25, 8 seeds (192 runs):
         measured 97 s on 2 cores shared with other jobs (load average 13), 30 s of CPU.
  paper  amp at N = 1000 2000 4000 and bp at N = 1000, alpha = 0.1:2.0:0.05, 20 seeds
         (3120 runs): estimated 4-6 hours on 2 cores (not measured; runs near the spinodal
         use all 1000 iterations, edge BP at N = 1000 costs O(N P) per iteration).""")
    parser.add_argument("--preset", choices=sorted(PRESETS), help="default grid, see below")
    parser.add_argument("--algorithm", action="append", metavar="NAME",
                        help=f"inference algorithm, repeatable: {', '.join(INFERENCE)} (default both)")
    parser.add_argument("--N", nargs="+", metavar="N", help="input sizes (list, or comma-separated)")
    parser.add_argument("--alpha", nargs="+", metavar="ALPHA", help="loads: list, or start:stop:step")
    parser.add_argument("--seeds", type=int, help="instances per (N, alpha)")
    parser.add_argument("--test-size", type=int, default=1000, help="test patterns per instance (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="sweep seed (default 0)")
    parser.add_argument("--param", action="append", default=[], metavar="[ALGORITHM.]NAME=VALUE",
                        help="algorithm hyperparameter, repeatable (e.g. damping=0.5, or amp.damping=0.5 "
                             "for one algorithm only)")
    script.add_run_options(parser, "teacher_student.h5")
    return parser


def sweeps(args):
    """One :class:`wfm.sweep.Sweep` per algorithm."""
    names = script.algorithm_names(args.algorithm, INFERENCE, allowed=INFERENCE)
    preset = script.preset_or_options(args, PRESETS, "N", "alpha", "seeds")
    alphas = _options.numbers("--alpha", args.alpha or [preset["alpha"]])
    if any(a <= 0 for a in alphas):
        raise ValueError(f"--alpha must be > 0, got {min(alphas):g}")
    seeds = args.seeds if args.seeds is not None else preset["seeds"]
    if seeds < 1:
        raise ValueError(f"--seeds must be >= 1, got {seeds}")
    if args.test_size < 1:
        raise ValueError(f"--test-size must be >= 1, got {args.test_size}")
    params = script.algorithm_params(args.param, names, unscoped=True)
    out = []
    for name in names:
        Ns = _options.numbers("--N", args.N, kind=int) if args.N else preset["N"][name]
        out.append(Sweep(problem={"kind": "teacher_student", "inputs": "pm1", "test_size": args.test_size},
                         model={"model": "perceptron", "weights": "binary"}, algorithm=name, params=params[name],
                         product={"N": Ns, "alpha": alphas}, seeds=seeds, seed=args.seed))
    return out


def figure(runs, out):
    """Draw the figure from the runs; returns the point table, theory curve and transitions."""
    table = figures.teacher_student_table(runs)
    alphas = np.unique(np.concatenate([np.linspace(0.02, table["alpha"].max(), 40), table["alpha"]]))
    curve, transitions = figures.teacher_student_theory(alphas)
    figures.save(figures.teacher_student(table, curve, transitions), out)
    return table, curve, transitions


def plan(args):
    """The sweeps of the options; the analysis needs nothing else."""
    return sweeps(args), None


def analyse(_, outcome):
    """Draw the generalization error of this study's runs; print it next to the RS theory."""
    runs = store.load_runs(outcome.out)
    table, curve, (alpha_it, alpha_sp) = figure(runs[runs["key"].isin(outcome.keys)], outcome.figure)
    theory = dict(zip(curve["alpha"], curve["error"]))
    print(f"{outcome.figure}: generalization error against alpha (alpha_IT = {alpha_it:.4f}, "
          f"alpha_sp = {alpha_sp:.4f})")
    for row in table.itertuples(index=False):
        print(f"  {row.algorithm:>4} N={row.N:<6} alpha={row.alpha:<6g} error {row.error:.4f} +- {row.se:.4f}"
              f"   RS theory {theory[row.alpha]:.4f}")


def main(argv=None):
    """Run the script; returns the exit code (0, 2 for a usage error, 130 when interrupted)."""
    return script.main(build_parser(), plan, analyse, argv)


if __name__ == "__main__":
    sys.exit(main())
