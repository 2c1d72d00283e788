"""Figure 1a: phase diagram of the binary perceptron, and the script of every phase diagram.

Sweeps (algorithm, N, alpha, seed) on random storage problems, writes every run to an HDF5
results file (resumable: run the same command again after an interruption) and draws the
success probability with Wilson one-sigma error bars against alpha, one curve per
(algorithm, N), with the algorithmic threshold (alpha at success 1/2) marked and in the legend.
Instances are paired: every algorithm sees the same problems at the same (N, alpha, seed).

The phase-diagram studies form one family: ``phase_diagram`` (binary perceptron),
``phase_diagram_committee`` (binary tree committee) and ``phase_diagram_committee_continuous``
(continuous tree committee) are the same sweep on different models, run by the same script
(``sims/phase_diagram.py``, this module's :func:`main`) with different ``ARGUMENTS``, and drawn
by the same :func:`table` and :func:`draw`. The committee modules therefore reuse this
module's parser, plan and drawing, and hold only what differs: their arguments, titles,
expected outcome and caption. (``greedy_vs_entropic`` has its own script: equal budgets within
pairs of algorithms; it is drawn by the same :func:`wfm.plots.phase_diagram`.)

Examples
--------
.. code-block:: bash

    python sims/phase_diagram.py --preset quick --out quick.h5 --plot quick.png
    python sims/phase_diagram.py --algorithm perceptron --N 101 201 --alpha 0.3:0.8:0.05 --seeds 20 \\
        --param max_epochs=2000 --out pd.h5
    python sims/phase_diagram.py --preset paper --executor dask --scheduler-address tcp://host:8786 --out paper.h5
"""
import argparse

import numpy as np

from wfm import _options, algorithms, analysis, plots, theory
from wfm.studies import _common
from wfm.sweep import Sweep, script

NAME = "phase_diagram"
TITLE = "Figure 1a: phase diagram of the binary perceptron"
NOTEBOOK = "notebooks/01_phase_diagram.ipynb"
SCRIPT = "sims/phase_diagram.py"
# sa and rsa with their registered defaults: equal moves per weight (sa 70000 sweeps on the
# cross-entropy, rsa 7 replicas x 10000 sweeps on the flip count).
ARGUMENTS = ["--algorithm", "famp", "--algorithm", "fbp", "--algorithm", "perceptron", "--algorithm", "sa",
             "--algorithm", "rsa"]
#: The figure needs no arrays of the runs.
KEEP = []

#: Solvers in order of preference for the presets: the best one registered is used.
BEST = ("famp", "fbp", "perceptron")
#: Alpha grid (quick, paper) per algorithm for the binary perceptron: where success falls to 0.
ALPHAS = {
    "fbp": ("0.5:0.9:0.05", "0.5:0.9:0.01"),
    "famp": ("0.5:0.9:0.05", "0.5:0.9:0.01"),
    "perceptron": ("0.3:0.8:0.05", "0.3:0.8:0.01"),
    "sa": ("0.6:0.9:0.05", "0.5:0.9:0.01"),
    "rsa": ("0.6:0.9:0.05", "0.5:0.9:0.01"),
}
DEFAULT_ALPHAS = ("0.1:0.9:0.1", "0.1:0.9:0.02")
PRESETS = {
    "quick": {"N": [101, 201], "seeds": 20, "alpha_column": 0},
    "paper": {"N": [1001, 2001], "seeds": 100, "alpha_column": 1},
}
MODELS = ("perceptron", "committee")
#: Success probability of the algorithmic threshold.
LEVEL = 0.5


def build_parser():
    """The argument parser of the script."""
    parser = _options.Parser(prog="phase_diagram.py",
                             description="Phase diagram: success probability of learning algorithms against the "
                                         "load alpha.",
                             formatter_class=argparse.RawDescriptionHelpFormatter, epilog="""
presets (explicit options override them):
  quick  best registered solver (famp, else fbp, else perceptron), binary perceptron,
         N = 101 201, its alpha grid (fbp, famp: 0.5:0.9:0.05; perceptron: 0.3:0.8:0.05;
         sa, rsa: 0.6:0.9:0.05; others 0.1:0.9:0.1), 20 seeds;
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
    data = table(outcome.out, outcome.keys)
    plots.save(draw(data), outcome.figure)
    print(f"{outcome.figure}: success probability against alpha")
    for row in data["thresholds"].itertuples(index=False):
        print(f"  {row.algorithm:>12} N={row.N:<6} alpha at success 1/2: {row.alpha_threshold:.4f}")


def main(argv=None):
    """Run the script; returns the exit code (0, 2 for a usage error, 130 when interrupted)."""
    return script.main(build_parser(), plan, analyse, argv)


def table(path, keys=None):
    """Success rates and thresholds of the runs in ``path`` (those in ``keys``, default all).

    Returns
    -------
    dict
        ``runs`` (:func:`wfm.store.load_runs`), ``rates`` and ``thresholds``
        (:func:`wfm.analysis.phase_diagram`: one model label per panel).
    """
    runs = _common.load_runs(path, keys)
    rates, thresholds = analysis.phase_diagram(runs, level=LEVEL)
    return {"runs": runs, "rates": rates, "thresholds": thresholds}


def capacities(runs):
    """Model label -> Krauth-Mezard capacity for the binary perceptrons at zero margin."""
    labels = analysis.model_labels(runs)
    binary = (runs["model"] == "perceptron") & (runs["weights"] == "binary")
    if "kappa" in runs:
        binary &= runs["kappa"] == 0
    return {label: theory.krauth_mezard_capacity() for label in labels[binary].unique()}


def draw(data, titles=None, style=None):
    """The phase diagram (:func:`wfm.plots.phase_diagram`), with the Krauth-Mezard capacity in the
    panels of binary perceptrons."""
    return plots.phase_diagram(data["rates"], data["thresholds"], level=LEVEL, capacities=capacities(data["runs"]),
                               titles=titles, style=style)


def limits(data):
    """Thresholds as a Series indexed by (algorithm, N), of a one-model table."""
    return data["thresholds"].set_index(["algorithm", "N"])["alpha_threshold"]


def expect(data):
    """What the registered defaults give on the binary perceptron (what a user gets).

    - Focusing BP / AMP reach higher loads than the clipped perceptron rule (by 0.05) at every N.
    - SA on the cross-entropy, its registered energy, is at least as strong as fBP / fAMP and as
      RSA on the flip count: its threshold is at least theirs at every N, and it is more often
      successful than fBP and fAMP by more than the Wilson one-sigma error bars at some alpha.
      The cross-entropy keeps rewarding stabilities above the margin, the flip count does not;
      the twin comparison of SA and RSA on one energy is Figure 1c (``greedy_vs_entropic``).
    - Every threshold at N >= 201 below the Krauth-Mezard capacity 0.833. At N = 101 instances
      above the capacity still have solutions (the capacity is a large-N limit) and SA finds
      them: a run counts as solved when the model counts zero training errors on its final
      weights (:func:`wfm.algorithms.solve`), whatever energy the algorithm minimised.
    - Every algorithm's threshold falls (or stays) with N, the perceptron rule's strictly.
    """
    runs = data["runs"]
    assert (runs["status"] == "done").all(), "some runs failed"
    at = limits(data)
    Ns = sorted(data["thresholds"]["N"].unique())
    for N in Ns:
        rates = data["rates"][data["rates"]["N"] == N]
        for name in ("famp", "fbp"):
            if (name, N) in at and ("perceptron", N) in at:
                assert at[name, N] > at["perceptron", N] + 0.05, \
                    f"N={N}: {name} threshold {at[name, N]:.3f} not above perceptron {at['perceptron', N]:.3f} + 0.05"
            if (name, N) in at and ("sa", N) in at:
                assert at["sa", N] >= at[name, N], f"N={N}: sa {at['sa', N]:.3f} below {name} {at[name, N]:.3f}"
                assert _common.above_error_bars(rates, "sa", name), \
                    f"N={N}: sa not above {name} by more than the error bars at any alpha"
        if ("rsa", N) in at and ("sa", N) in at:
            assert at["sa", N] >= at["rsa", N], f"N={N}: sa {at['sa', N]:.3f} below rsa {at['rsa', N]:.3f}"
    capacity = theory.krauth_mezard_capacity()
    large = at[at.index.get_level_values("N") >= 201].dropna()
    assert (large < capacity).all(), f"a threshold at N >= 201 beyond the capacity {capacity:.3f}: {large.to_dict()}"
    if len(Ns) > 1:
        for name in data["thresholds"]["algorithm"].unique():
            if (name, Ns[0]) in at and (name, Ns[-1]) in at:
                assert at[name, Ns[-1]] <= at[name, Ns[0]], \
                    f"{name}: threshold rises with N: {at[name].to_dict()}"
        if ("perceptron", Ns[0]) in at:
            assert at["perceptron", Ns[-1]] < at["perceptron", Ns[0]], \
                f"the perceptron rule does not degrade with N: {at['perceptron'].to_dict()}"


def thresholds_text(data, names=None):
    """``"famp 0.762 / 0.740, fbp ..."``: each algorithm's thresholds over N (ascending)."""
    at = limits(data)
    Ns = sorted(data["thresholds"]["N"].unique())
    names = names or sorted(data["thresholds"]["algorithm"].unique())
    return ", ".join(f"{name} " + " / ".join(_common.number(at.get((name, N), np.nan)) for N in Ns)
                     for name in names)


def grid_text(runs):
    """``"N = 101 (dashed) and 201 (solid), 20 paired instances per point"``."""
    per_point = runs.groupby(["algorithm", "N", "alpha"]).size()
    return f"{_common.line_styles(runs['N'].unique())}, {_common.count_range(per_point)} paired instances per point"


def caption(data):
    """The figure's caption, every number from the data."""
    runs = data["runs"]
    Ns = " / ".join(str(N) for N in sorted(runs["N"].unique()))
    budgets = [f"{name} {_common.budget(runs, name)}" for name in ("sa", "rsa") if (runs["algorithm"] == name).any()]
    return (f"Success probability against alpha = P/N, binary perceptron, {grid_text(runs)}, Wilson "
            f"one-sigma error bars. Algorithmic thresholds (success 1/2), N = {Ns}: {thresholds_text(data)}"
            + (f" ({', '.join(budgets)}, equal moves per weight)" if budgets else "")
            + f"; Krauth-Mezard capacity {theory.krauth_mezard_capacity():.3f}. {_common.cost(runs)}.")
