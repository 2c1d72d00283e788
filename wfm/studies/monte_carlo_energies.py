"""Figure 1e: SA and RSA on the error count and on the flip count, success probability against alpha.

Simulated annealing (``sa``) and its replicated local-entropy twin (``rsa``, the robust
ensemble of Baldassi et al., PNAS 113, E7655 (2016)) on the binary perceptron, each on two
training energies (``docs/science/energies.md``): the error count, a landscape of plateaus,
and the flip count of the authors' Monte Carlo code (RRRMC.jl, ``GraphPercLinear``), per
pattern the fewest weight flips that satisfy it. A fifth curve, ``sa`` on the cross-entropy
(``GraphPercXEntr``, the registered default of ``sa``), can be added with ``--curves``.

Every curve runs with the schedule its energy calls for (:data:`CURVES`): on the error count
the former defaults of wfm (beta 1 -> 10; rsa with y = 3 replicas and gamma 0.1 -> 30), on the
flip count and the cross-entropy the registered defaults measured in
:mod:`wfm.algorithms.monte_carlo` (beta 3 -> 300; rsa with y = 7 and gamma 0.3 -> 30). Every
curve gets the same number of replica moves per weight, ``--moves``: sa ``moves`` sweeps, rsa
``moves / y`` sweeps of its y replicas. The instances are paired: at the same (N, alpha, seed)
every curve sees the same random patterns.

The figure (:func:`wfm.plots.phase_diagram`) shows the success probability (Wilson one-sigma
bars) of each curve, colour for the energy, sa dashed with squares and rsa solid with circles,
and its threshold (alpha at success 1/2) with a horizontal bar: the loads where the curve's
one-sigma band crosses 1/2 (:func:`wfm.analysis.thresholds` with ``intervals=True``).

Expected (Baldassi et al. 2016 anneal the flip count; the error count was wfm's former
energy): on both energies rsa reaches higher loads than sa at equal moves per weight, and
both reach higher loads on the flip count than on the error count, each by more than the
threshold bars.

Examples
--------
.. code-block:: bash

    python sims/monte_carlo_energies.py --preset quick --workers 1 --out mce.h5 --plot mce.png
    python sims/monte_carlo_energies.py --N 201 --seeds 5 --moves 2100 --alpha sa.errors=0.2:0.4:0.1 \\
        --alpha rsa.linear=0.5:0.8:0.1 --out small.h5
"""
import argparse

import numpy as np

from wfm import _options, analysis, plots, theory
from wfm.studies import _common, phase_diagram
from wfm.sweep import Sweep, script

NAME = "monte_carlo_energies"
TITLE = "Figure 1e: SA and RSA on the error count and on the flip count"
NOTEBOOK = "notebooks/11_monte_carlo_energies.ipynb"
SCRIPT = "sims/monte_carlo_energies.py"
ARGUMENTS = []
KEEP = []

#: Success probability of the algorithmic threshold.
LEVEL = phase_diagram.LEVEL
#: The curves: name -> (algorithm, energy, schedule). The schedule is every hyperparameter
#: but the budget: on the error count wfm's former defaults, on the flip count and the
#: cross-entropy the registered defaults of wfm.algorithms.monte_carlo (and the authors' regime).
CURVES = {
    "sa.errors": ("sa", "errors", {"beta0": 1.0, "beta1": 10.0}),
    "rsa.errors": ("rsa", "errors", {"replicas": 3, "beta0": 1.0, "beta1": 10.0, "gamma0": 0.1, "gamma1": 30.0}),
    "sa.linear": ("sa", "linear", {"beta0": 3.0, "beta1": 300.0}),
    "rsa.linear": ("rsa", "linear", {"replicas": 7, "beta0": 3.0, "beta1": 300.0, "gamma0": 0.3, "gamma1": 30.0}),
    "sa.ce": ("sa", "ce", {"beta0": 3.0, "beta1": 300.0, "ce_gamma0": 0.5, "ce_gamma1": 20.0}),
}
#: Names of the energies in the figure and the captions.
ENERGY_NAMES = {"errors": "error count", "linear": "flip count", "ce": "cross-entropy"}
#: Colour of each energy's curves: matplotlib colour and its name in the caption.
ENERGY_COLORS = {"errors": ("C0", "blue"), "linear": ("C1", "orange"), "ce": ("C2", "green")}
#: The pairs the figure compares: on each energy rsa against sa, on each algorithm the flip
#: count against the error count (weaker curve first).
COMPARISONS = (("sa.errors", "rsa.errors"), ("sa.linear", "rsa.linear"),
               ("sa.errors", "sa.linear"), ("rsa.errors", "rsa.linear"))
PRESETS = {
    "quick": {"N": [1001], "seeds": 10, "moves": 84000,
              "alpha": {"sa.errors": "0.2:0.36:0.04", "rsa.errors": "0.34:0.5:0.04",
                        "sa.linear": "0.34:0.54:0.04", "rsa.linear": "0.62:0.82:0.04"}},
    "paper": {"N": [1001, 2001], "seeds": 20, "moves": 84000,
              "alpha": {"sa.errors": "0.2:0.36:0.02", "rsa.errors": "0.34:0.5:0.02",
                        "sa.linear": "0.34:0.54:0.02", "rsa.linear": "0.62:0.82:0.02",
                        "sa.ce": "0.64:0.84:0.02"}},
}
EPILOG = """
curves (ALGORITHM.ENERGY; each with its own schedule, every one at --moves replica moves per weight):
  sa.errors   sa on the error count, beta 1 -> 10
  rsa.errors  rsa on the error count, y = 3, beta 1 -> 10, gamma 0.1 -> 30
  sa.linear   sa on the flip count, beta 3 -> 300
  rsa.linear  rsa on the flip count, y = 7, beta 3 -> 300, gamma 0.3 -> 30
  sa.ce       sa on the cross-entropy, beta 3 -> 300, cross-entropy gamma 0.5 -> 20
presets (explicit options override them):
  quick  binary perceptron N = 1001, 10 seeds, 84000 moves per weight (sa 84000 sweeps, rsa
         3 x 28000 on the error count and 7 x 12000 on the flip count); alpha grids
         sa.errors 0.2:0.36:0.04, rsa.errors 0.34:0.5:0.04, sa.linear 0.34:0.54:0.04,
         rsa.linear 0.62:0.82:0.04. 220 runs: 1113 s with one worker on the shared 2-core
         machine (load 6-7), 18 min of summed run times (a run that does not solve: 5-7 s).
  paper  N = 1001 2001, 20 seeds, the same grids at step 0.02 and sa.ce on 0.64:0.84:0.02
         (a probe at N = 1001 with 2 instances solved 2/2 at alpha = 0.7 and 1/2 at 0.76).
         At N = 1001 the runs of the quick grid cost 5 s on average on the shared machine and
         cross-entropy runs 50-110 s (its moves are about 15 times dearer than those of the
         other energies); at N = 2001 a run costs about 4 times as much. About 2000 runs,
         many core-hours (most of them in sa.ce): use --executor dask on a cluster."""


def build_parser():
    """The argument parser of the script."""
    parser = _options.Parser(prog="monte_carlo_energies.py",
                             description="SA and RSA on the error count and on the flip count: success "
                                         "probability against alpha at equal moves per weight.",
                             formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EPILOG)
    parser.add_argument("--preset", choices=sorted(PRESETS), help="default grids and budget, see below")
    parser.add_argument("--curves", nargs="+", metavar="CURVE",
                        help=f"curves to run: {', '.join(CURVES)} (default: the preset's, else those given "
                             "with --alpha)")
    parser.add_argument("--alpha", action="append", metavar="CURVE=GRID",
                        help="loads of one curve: a list (0.3,0.4) or start:stop:step (stop included), "
                             "repeatable; overrides the preset's grid of that curve")
    parser.add_argument("--N", nargs="+", metavar="N", help="input sizes (list, or comma-separated)")
    parser.add_argument("--seeds", type=int, help="instances per (N, alpha)")
    parser.add_argument("--seed", type=int, default=0, help="sweep seed from which every run's seeds derive (default 0)")
    parser.add_argument("--moves", type=int, help="budget of every curve: replica moves per weight (a multiple "
                                                  "of the replicas of each rsa curve)")
    script.add_run_options(parser, "monte_carlo_energies.h5")
    return parser


def _grids(args, preset):
    """Curve -> alpha grid, from the preset and the --alpha CURVE=GRID options."""
    given = {}
    for text in args.alpha or ():
        name, sep, grid = text.partition("=")
        name = name.strip()
        if not sep or name not in CURVES:
            raise ValueError(f"--alpha must be CURVE=GRID with CURVE one of {', '.join(CURVES)}, got {text!r}")
        if name in given:
            raise ValueError(f"--alpha sets the grid of {name} twice")
        given[name] = _options.numbers(f"--alpha {name}", [grid])
        if min(given[name]) <= 0:
            raise ValueError(f"--alpha {name} must be > 0, got {min(given[name]):g}")
    for name in args.curves or ():
        if name not in CURVES:
            raise ValueError(f"--curves {name!r} is not one of {', '.join(CURVES)}")
    names = list(dict.fromkeys(args.curves or (preset["alpha"] if preset else given)))
    if not names:
        raise ValueError("give --alpha CURVE=GRID (repeatable) or a --preset")
    grids = {}
    for name in names:
        if name in given:
            grids[name] = given[name]
        elif preset and name in preset["alpha"]:
            grids[name] = _options.numbers(f"--alpha {name}", [preset["alpha"][name]])
        else:
            raise ValueError(f"give the loads of {name} with --alpha {name}=GRID")
    return grids


def budget(name, moves):
    """Budget parameters of curve ``name`` at ``moves`` replica moves per weight.

    Parameters
    ----------
    name : str
        One of :data:`CURVES`.
    moves : int
        Replica moves per weight.

    Returns
    -------
    dict
        ``{"sweeps": moves}`` for sa, ``{"sweeps": moves / y}`` for rsa with y replicas (y must
        divide ``moves``).
    """
    algorithm, _, schedule = CURVES[name]
    y = schedule.get("replicas", 1)
    if moves % y:
        raise ValueError(f"--moves = {moves} must be a multiple of the {y} replicas of {name} "
                         "(equal moves per weight)")
    return {"sweeps": moves // y}


def sweeps(args):
    """The list of :class:`wfm.sweep.Sweep` (one per curve) described by the options."""
    preset = PRESETS.get(args.preset)
    grids = _grids(args, preset)
    settings = {}
    for name in ("N", "seeds", "moves"):
        value = getattr(args, name)
        if value is None and not preset:
            raise ValueError(f"give --{name} or a --preset")
        settings[name] = value if value is not None else preset[name]
    Ns = _options.numbers("--N", args.N, kind=int) if args.N else settings["N"]
    if min(Ns) < 1:
        raise ValueError(f"--N must be >= 1, got {min(Ns)}")
    for name in ("seeds", "moves"):
        if settings[name] < 1:
            raise ValueError(f"--{name} must be >= 1, got {settings[name]}")
    out = []
    for name, grid in grids.items():
        algorithm, energy, schedule = CURVES[name]
        out.append(Sweep(problem={"kind": "storage"}, model={"model": "perceptron", "weights": "binary"},
                         algorithm=algorithm,
                         params={**schedule, "energy": energy, **budget(name, settings["moves"])},
                         product={"N": Ns, "alpha": grid}, seeds=settings["seeds"], seed=args.seed))
    return out


def plan(args):
    """The sweeps of the options; the analysis needs nothing else."""
    return sweeps(args), None


def analyse(_, outcome):
    """Draw the success curves; print each curve's threshold and its one-sigma interval."""
    data = table(outcome.out, outcome.keys)
    plots.save(draw(data), outcome.figure)
    print(f"{outcome.figure}: success probability against alpha (alpha at success 1/2 [one-sigma interval])")
    for row in data["thresholds"].itertuples(index=False):
        print(f"  {row.curve:>10} N={row.N:<6} {_interval(row)}")


def main(argv=None):
    """Run the script; returns the exit code (0, 2 for a usage error, 130 when interrupted)."""
    return script.main(build_parser(), plan, analyse, argv)


def _curve(runs):
    """``ALGORITHM.ENERGY`` of every run, from its recorded parameters."""
    return runs["algorithm"] + "." + runs["params.energy"]


def table(path, keys=None):
    """Success rates and thresholds of each curve in ``path`` (the runs in ``keys``, default all).

    Returns
    -------
    dict
        ``runs`` (:func:`wfm.store.load_runs`, with a ``curve`` column), ``rates``
        (:func:`wfm.analysis.success_rates` by model label (:func:`wfm.analysis.model_labels`),
        curve, N and alpha) and ``thresholds``
        (``model``, ``curve``, ``N``, ``alpha_threshold`` and its one-sigma interval
        ``alpha_lo``, ``alpha_hi``).
    """
    runs = _common.load_runs(path, keys)
    runs = runs.assign(curve=_curve(runs))
    rates = analysis.success_rates(runs.assign(model=analysis.model_labels(runs)), by=("model", "curve", "N", "alpha"))
    thresholds = analysis.thresholds(rates, by=("model", "curve", "N"), level=LEVEL, intervals=True)
    return {"runs": runs, "rates": rates, "thresholds": thresholds}


def label(curve):
    """``"rsa, flip count"`` for ``"rsa.linear"``."""
    algorithm, _, energy = curve.partition(".")
    return f"{algorithm}, {ENERGY_NAMES.get(energy, energy)}"


def draw(data):
    """Success probability against alpha: colour for the energy, sa dashed with squares, rsa
    solid with circles (line style for N when there are several), threshold bars at 1/2."""
    labels = {curve: label(curve) for curve in CURVES}
    energies = {text: curve.partition(".")[2] for curve, text in labels.items()}
    single = data["rates"]["N"].nunique() == 1

    def style(text, N):
        energy_only = text.startswith("sa,")
        out = {"color": ENERGY_COLORS[energies[text]][0], "marker": "s" if energy_only else "o"}
        if single:
            out["ls"] = "--" if energy_only else "-"
        return out

    rates = data["rates"].assign(algorithm=data["rates"]["curve"].map(label))
    thresholds = data["thresholds"].assign(algorithm=data["thresholds"]["curve"].map(label))
    return plots.phase_diagram(rates, thresholds, level=LEVEL, capacities=phase_diagram.capacities(data["runs"]),
                               titles={model: "binary perceptron" for model in rates["model"].unique()},
                               style=style)


def _interval(row):
    """``"0.731 [0.722, 0.740]"``: a threshold and its one-sigma interval ("open" where unbounded)."""
    bounds = ", ".join("open" if np.isnan(v) else f"{v:.3f}" for v in (row.alpha_lo, row.alpha_hi))
    return f"{_common.number(row.alpha_threshold)} [{bounds}]"


def limits(data):
    """Thresholds and their intervals indexed by (curve, N)."""
    return data["thresholds"].set_index(["curve", "N"])


def moves_per_weight(runs):
    """Replica moves per weight of every run: sweeps x replicas (1 for sa)."""
    replicas = runs["params.replicas"].fillna(1) if "params.replicas" in runs else 1
    return (runs["params.sweeps"] * replicas).astype(int)


def expect(data):
    """Equal moves per weight for every curve; at every N, rsa above sa on the error count and
    on the flip count, and each algorithm higher on the flip count than on the error count,
    each by more than the threshold intervals (the weaker curve's upper bound below the
    stronger one's lower bound)."""
    runs = data["runs"]
    assert (runs["status"] == "done").all(), "some runs failed"
    budgets = moves_per_weight(runs).groupby(runs["N"]).unique()
    assert all(len(b) == 1 for b in budgets), f"unequal moves per weight: {budgets.to_dict()}"
    at = limits(data)
    for N in sorted(runs["N"].unique()):
        for weaker, stronger in COMPARISONS:
            low, high = at.loc[(weaker, N)], at.loc[(stronger, N)]
            assert high["alpha_lo"] > low["alpha_hi"], \
                (f"N={N}: {stronger} {_interval(high)} not above {weaker} {_interval(low)} "
                 "by more than the one-sigma intervals")


def schedule_text(runs, curve):
    """``"beta 1 -> 10, 3 replicas x 28000 sweeps, gamma 0.1 -> 30"``, read from the recorded parameters."""
    mine = runs[runs["curve"] == curve]
    first = mine.iloc[0]
    parts = [f"beta {first['params.beta0']:g} -> {first['params.beta1']:g}"]
    if first["algorithm"] == "rsa":
        parts.append(f"gamma {first['params.gamma0']:g} -> {first['params.gamma1']:g}")
    if first["params.energy"] == "ce":
        parts.append(f"cross-entropy gamma {first['params.ce_gamma0']:g} -> {first['params.ce_gamma1']:g}")
    return f"{_common.budget(mine, first['algorithm'], energy=False)}, " + ", ".join(parts)


def caption(data):
    """The figure's caption, every number from the data."""
    runs, at = data["runs"], limits(data)
    Ns = sorted(runs["N"].unique())
    per_point = runs.groupby(["curve", "N", "alpha"]).size()
    curves = [curve for curve in CURVES if curve in set(runs["curve"])]
    parts = []
    for curve in curves:
        found = " / ".join(_interval(at.loc[(curve, N)]) for N in Ns if (curve, N) in at.index)
        parts.append(f"{label(curve)} {found} ({schedule_text(runs, curve)})")
    energies = [energy for energy in ENERGY_NAMES if energy in set(runs["params.energy"])]
    colours = _common.listing([f"the {ENERGY_NAMES[e]} ({ENERGY_COLORS[e][1]})" for e in energies])
    return (f"SA (dashed, squares) and RSA (solid, circles) on {colours} of the binary perceptron, "
            f"{_common.line_styles(Ns)}, "
            f"{_common.count_range(per_point)} paired instances per point, "
            f"{_common.count_range(moves_per_weight(runs))} replica moves per weight for every curve; Wilson "
            f"one-sigma error bars. Thresholds (success 1/2) with the loads where the one-sigma band crosses "
            f"1/2 in brackets{' (N = ' + ' / '.join(map(str, Ns)) + ')' if len(Ns) > 1 else ''}: "
            + "; ".join(parts) + f". Dotted: the Krauth-Mezard capacity {theory.krauth_mezard_capacity():.3f}. "
            f"{_common.cost(runs)}.")
