"""Figure 8: teacher-student generalization error of BP/AMP inference against alpha, with RS theory.

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

import numpy as np
import pandas as pd

from wfm import _options, plots
from wfm.studies import _common
from wfm.sweep import Sweep, script

NAME = "teacher_student"
TITLE = "Figure 8: teacher-student generalization"
NOTEBOOK = "notebooks/08_teacher_student.ipynb"
SCRIPT = "sims/teacher_student.py"
ARGUMENTS = []
KEEP = []
#: Loads well above the spinodal, where BP/AMP must recover the teacher exactly.
RECOVERED = 1.75
PRESETS = {
    "quick": {"N": {"amp": [200, 800], "bp": [200]}, "alpha": "0.25:2.0:0.25", "seeds": 8},
    "paper": {"N": {"amp": [1000, 2000, 4000], "bp": [1000]}, "alpha": "0.1:2.0:0.05", "seeds": 20},
}
INFERENCE = ("amp", "bp")


def build_parser():
    """The argument parser of the script."""
    parser = _options.Parser(prog="teacher_student.py",
                             description="Teacher-student: generalization error of BP/AMP inference against "
                                         "alpha, with RS theory.",
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


def plan(args):
    """The sweeps of the options; the analysis needs nothing else."""
    return sweeps(args), None


def analyse(_, outcome):
    """Draw the generalization error of this study's runs; print it next to the RS theory."""
    data = table(outcome.out, outcome.keys)
    plots.save(draw(data), outcome.figure)
    alpha_it, alpha_sp = data.attrs["transitions"]
    print(f"{outcome.figure}: generalization error against alpha (alpha_IT = {alpha_it:.4f}, "
          f"alpha_sp = {alpha_sp:.4f})")
    for row in data.itertuples(index=False):
        print(f"  {row.algorithm:>4} N={row.N:<6} alpha={row.alpha:<6g} error {row.error:.4f} +- {row.se:.4f}"
              f"   RS theory {row.theory:.4f}")


def main(argv=None):
    """Run the script; returns the exit code (0, 2 for a usage error, 130 when interrupted)."""
    return script.main(build_parser(), plan, analyse, argv)


def points(runs):
    """Generalization error of sign(m) per (algorithm, N, alpha): mean and standard error.

    The error of a run is arccos(R) / pi with R the overlap of sign(m) with the teacher (the
    generalization error for Gaussian inputs, and for +-1 inputs as N grows), which has no
    test-set noise; ``test_error`` is the measured error on the test set.
    """
    done = runs[runs["status"] == "done"].copy()
    done["error"] = np.arccos(np.clip(done["extra.overlap"].astype(float), -1, 1)) / np.pi
    stats = done.groupby(["algorithm", "N", "alpha"], sort=True).agg(
        error=("error", "mean"), sd=("error", "std"), runs=("error", "size"),
        test_error=("test_error", "mean"), overlap=("extra.overlap", "mean")).reset_index()
    stats["se"] = stats.pop("sd").fillna(0.0) / np.sqrt(stats["runs"])
    return stats[["algorithm", "N", "alpha", "error", "se", "test_error", "overlap", "runs"]]


def theory_curve(alphas):
    """RS theory of :func:`wfm.theory.teacher_student_binary_perceptron` on a grid of alpha.

    Returns
    -------
    curve : pandas.DataFrame
        ``alpha``, ``error`` (sign(m) on the branch BP follows), ``error_equilibrium``.
    transitions : tuple
        (alpha_IT, alpha_sp) from :func:`wfm.theory.teacher_student_transitions`.
    """
    from wfm import theory

    alpha_it, alpha_sp = theory.teacher_student_transitions()
    alphas = np.asarray(alphas, dtype=float)
    near = np.linspace(alpha_sp - 0.1, alpha_sp - 1e-4, 6)  # resolve the approach to the spinodal
    alphas = np.unique(np.concatenate([alphas, near[(near > alphas.min()) & (near < alphas.max())]]))
    rows = []
    for alpha in alphas:
        small_q = alpha < alpha_sp
        error = theory.teacher_student_binary_perceptron(alpha)["error"] if small_q else 0.0
        rows.append({"alpha": alpha, "error": error, "error_equilibrium": error if alpha < alpha_it else 0.0})
    return pd.DataFrame(rows), (alpha_it, alpha_sp)


def table(path, keys=None):
    """:func:`points` of the runs in ``path`` (those in ``keys``, default all) with the RS theory
    at each alpha (column ``theory``).

    The table's ``attrs`` hold the theory ``curve`` and ``transitions`` (:func:`theory_curve` on a
    grid up to the largest alpha), the number of ``runs`` and the summed run time ``seconds``.
    """
    runs = _common.load_runs(path, keys)
    found = points(runs)
    alphas = np.unique(np.concatenate([np.linspace(0.02, found["alpha"].max(), 40), found["alpha"]]))
    curve, transitions = theory_curve(alphas)
    out = found.merge(curve.rename(columns={"error": "theory"})[["alpha", "theory"]], on="alpha")
    out.attrs.update(curve=curve, transitions=transitions, runs=len(runs), seconds=float(runs["seconds"].sum()))
    return out


def draw(table):
    """Generalization error against alpha: points per (algorithm, N), RS theory curve.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`table`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    curve, (alpha_it, alpha_sp) = table.attrs["curve"], table.attrs["transitions"]
    figure, (ax,) = plots.new_figure(1, width=6.4, height=4.4)
    below = curve[curve["alpha"] < alpha_sp]
    ax.plot(below["alpha"], below["error"], color="k", lw=1.5,
            label="RS theory, sign(m) (BP branch)")
    ax.plot([alpha_sp, curve["alpha"].max()], [0, 0], color="k", lw=1.5)
    ax.axvline(alpha_it, color="0.5", ls="--", lw=0.8, label=rf"$\alpha_{{IT}}$ = {alpha_it:.3f}")
    ax.axvline(alpha_sp, color="0.5", ls=":", lw=0.8, label=rf"$\alpha_{{sp}}$ = {alpha_sp:.3f}")
    markers = dict(zip(sorted(table["algorithm"].unique()), "os^Dv"))
    for (algorithm, N), points in table.groupby(["algorithm", "N"], sort=True):
        ax.errorbar(points["alpha"], points["error"], yerr=points["se"], marker=markers.get(algorithm, "o"),
                    ms=4, mfc="none", capsize=2, ls="none", label=f"{algorithm}, N={N}")
    ax.set_xlabel(r"$\alpha = P / N$")
    ax.set_ylabel(r"generalization error $\arccos(R) / \pi$")
    ax.set_title("binary perceptron, binary teacher", fontsize="medium")
    ax.set_ylim(-0.01, 0.51)
    ax.legend(fontsize="small")
    return figure


def expect(table):
    """Away from the transition (alpha <= 1 or >= 1.75) the points of the largest N follow the
    theory within 0.05, and AMP's within 0.02 at alpha = 0.25, 0.5, 0.75, 1 where measured; well
    above the spinodal (alpha >= 1.75) BP/AMP recover the teacher exactly; the test error on fresh
    patterns agrees with arccos(R) / pi within 0.05."""
    largest = table[table["N"] == table["N"].max()]
    far = largest[(largest["alpha"] <= 1.0) | (largest["alpha"] >= RECOVERED)]
    assert (abs(far["error"] - far["theory"]) < 0.05).all(), f"points away from theory:\n{far}"
    near = largest[(largest["algorithm"] == "amp") & largest["alpha"].isin([0.25, 0.5, 0.75, 1.0])]
    assert (abs(near["error"] - near["theory"]) < 0.02).all(), f"AMP away from theory by 0.02:\n{near}"
    beyond = table[table["alpha"] >= RECOVERED]
    assert (beyond["error"] == 0).all(), f"teacher not recovered beyond alpha_sp:\n{beyond}"
    assert np.abs(table["test_error"] - table["error"]).max() < 0.05, "test error and arccos(R)/pi differ by 0.05"


def caption(table):
    """The figure's caption, every number from the data."""
    alpha_it, alpha_sp = table.attrs["transitions"]
    largest = table[table["N"] == table["N"].max()]
    name = "amp" if "amp" in set(largest["algorithm"]) else largest["algorithm"].iloc[0]
    below = largest[(largest["algorithm"] == name) & (largest["alpha"] < alpha_it)]
    beyond = table[table["alpha"] >= RECOVERED]
    sizes = "; ".join(f"{algorithm} N = {_common.listing(sorted(group['N'].unique()))}"
                      for algorithm, group in table.groupby("algorithm"))
    return (f"Generalization error arccos(R)/pi of sign(m) from BP/AMP inference against alpha (binary teacher, "
            f"{_common.count_range(table['runs'])} instances per point; {sizes}) and the Bayes-optimal "
            "replica-symmetric prediction on the branch BP follows. BP and AMP follow the small-overlap branch up "
            f"to its spinodal alpha_sp = {alpha_sp:.3f} and then recover the teacher; perfect learning is the "
            f"equilibrium from alpha_IT = {alpha_it:.3f}. {name.upper()} at N = {int(largest['N'].iloc[0])} against "
            "theory: " + ", ".join(f"{row.error:.3f} / {row.theory:.3f} (alpha = {row.alpha:g})"
                                   for row in below.itertuples())
            + f"; largest error at alpha >= {RECOVERED:g}: {beyond['error'].max():.3f}. {table.attrs['runs']} runs, "
            f"{_common.duration(table.attrs['seconds'])} of computing time (sum of the run times).")
