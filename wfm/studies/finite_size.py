"""Figure 1f: the algorithmic threshold of focusing AMP and focusing BP against the size N.

Four methods (:data:`METHODS`) learn random +-1 patterns with a binary perceptron at loads
alpha near their algorithmic threshold, for several N: focusing AMP (``famp``) with its default
protocol, the adaptive reinforcement of :class:`~wfm.algorithms.protocols.AdaptiveReinforcement`
(standard reinforcement y = 1 / (1 - x), x advancing by dx = 0.01 per focusing step, backing
off to earlier messages with a smaller step when the training errors blow up or freeze);
``famp standard``, with the fixed standard reinforcement (dx = 0.01 throughout, the default
before the adaptive one); focusing BP (``fbp``, Baldassi et al., PNAS 113, E7655 (2016)) with
its defaults (fixed standard reinforcement, a few damped parallel iterations per step); and
``fbp reference``, focusing BP with the reference protocol of the authors' code
(:data:`~wfm.algorithms.message_passing.REFERENCE_FBP`: undamped sequential sweeps over the
patterns in a new random order every sweep, each step iterated to convergence), at N = 1001
only (minutes per failing run). The
instances are paired (every method sees the same problems at the same (N, alpha, seed)). The
algorithmic threshold of each (method, N) is the load at which the success
probability crosses 1/2 (:func:`wfm.analysis.threshold`), with a standard error from a
bootstrap over the instances (:func:`wfm.analysis.bootstrap_thresholds`). The thresholds are
extrapolated to N -> infinity by a least-squares fit linear in N^(-1/2)
(:func:`wfm.analysis.extrapolate`), the uncertainty of the limit propagated from the same
bootstrap (every replicate is fitted).

Why N^(-1/2): it is the generic leading finite-size correction of quantities built from sums
of N random terms, as the pattern stabilities are, and of the two usual choices it gives the
more cautious extrapolation (farther from the largest size, with the larger error). The fit in
1/N is given beside it as a check of the form: four sizes cannot tell the two apart, and the
difference between their limits is a systematic error of the extrapolation.

Expected: every threshold lies below the capacity of the binary perceptron, alpha_c = 0.833
(Krauth and Mezard 1989, :func:`wfm.theory.krauth_mezard_capacity`), and so do the
extrapolations. The algorithmic thresholds the literature quotes for reinforced / focusing BP
at large N, about 0.74-0.75 (Braunstein and Zecchina, PRL 96, 030201 (2006); Baldassi,
Ingrosso, Lucibello, Saglietti and Zecchina, PRL 115, 128101 (2015) and PNAS 113, E7655
(2016)), are reached with slow reinforcement. With the fixed step dx = 0.01, famp's iteration
loses stability near the threshold, and more so the larger N, so that its thresholds and their
extrapolation lie below that range; the adaptive protocol, which slows down only where the
fixed step fails, keeps the threshold at large N, its extrapolation within that range
(:func:`expect` states the measured outcome).

Examples
--------
.. code-block:: bash

    python sims/finite_size.py --preset quick --workers 1 --out fs.h5 --plot fs.png
    python sims/finite_size.py --method famp --method "famp standard" --N 1001 4001 --alpha 0.68:0.80:0.02 \
        --seeds 20 --out fs.h5
"""
import argparse
import json

import numpy as np
import pandas as pd

from wfm import _options, algorithms, analysis, plots, theory
from wfm.algorithms.message_passing import REFERENCE_FBP
from wfm.algorithms.protocols import StandardReinforcement
from wfm.studies import _common
from wfm.sweep import Sweep, script

NAME = "finite_size"
TITLE = "Figure 1f: algorithmic threshold against N"
NOTEBOOK = "notebooks/12_finite_size.ipynb"
SCRIPT = "sims/finite_size.py"
ARGUMENTS = []
#: The figure needs no arrays of the runs.
KEEP = []

#: The methods compared: label -> (algorithm, hyperparameters beyond its registered defaults).
#: The labels are what :func:`method` reads back from a results file.
METHODS = {"famp": ("famp", {}),
           "famp standard": ("famp", {"protocol": StandardReinforcement(0.01).spec()}),
           "fbp": ("fbp", {}),
           "fbp reference": ("fbp", REFERENCE_FBP)}
#: Grids of the presets: (method, N, alpha grid, instances per alpha). The quick grids are
#: dense around each threshold (alpha = 0.66-0.80) and sized to the run times measured before
#: (famp standard about 0.3 s a run at N = 1001 and 11-40 s at N = 10^4, a failing run using all
#: its steps; the adaptive famp up to 20 times the steps on a failing run; fbp with parallel
#: updates about 9 s at N = 1001 and four times that at N = 2001, so fbp gets N = 1001 only;
#: fbp with its reference protocol, sequential undamped sweeps to convergence, 1.6-2.3 minutes
#: per failing run at N = 1001 and 5-12 at N = 2001 on a 2-worker sweep (a run that fails
#: blows up and runs its later steps to the cap), gets N = 1001 and a grid 0.70-0.76 around
#: its threshold).
PRESETS = {
    "quick": {"grids": [*((name, 1001, "0.66:0.80:0.02", 16) for name in ("famp", "famp standard")),
                        *((name, 2001, "0.66:0.80:0.02", 12) for name in ("famp", "famp standard")),
                        *((name, 4001, "0.68:0.78:0.02", 8) for name in ("famp", "famp standard")),
                        ("famp", 10000, "0.70:0.76:0.02", 8), ("famp standard", 10000, "0.68:0.74:0.02", 8),
                        ("fbp", 1001, "0.70:0.78:0.02", 8), ("fbp reference", 1001, "0.70:0.76:0.02", 8)]},
    "paper": {"grids": [*((name, N, "0.66:0.80:0.01", 50) for name in ("famp", "famp standard")
                          for N in (1001, 2001, 4001, 10000, 30000)),
                        *(("fbp", N, "0.66:0.80:0.01", 50) for N in (1001, 2001, 4001, 10000)),
                        *(("fbp reference", N, "0.66:0.80:0.01", 50) for N in (1001, 2001, 4001, 10000))]},
}
#: Success probability of the algorithmic threshold.
LEVEL = 0.5
#: Bootstrap resamples of the instances, and the seed of their generator.
RESAMPLES = 1000
BOOTSTRAP_SEED = 0
#: Exponent of the finite-size fit threshold(N) = alpha_inf + b N^(-EXPONENT), and of its check.
EXPONENT = 0.5
CHECK_EXPONENT = 1.0
#: Fewest sizes with a threshold for an extrapolation.
MIN_SIZES = 3
#: Tolerance of the expected outcome, in standard errors (bootstrap, combined in quadrature).
TOLERANCE = 2.0
#: Algorithmic thresholds of reinforced / focusing BP at large N quoted in the literature
#: (Braunstein and Zecchina 2006; Baldassi et al. 2015, 2016).
LITERATURE = (0.74, 0.75)


def build_parser():
    """The argument parser of the script."""
    parser = _options.Parser(prog="finite_size.py",
                             description="Finite-size study: the algorithmic threshold of focusing AMP and "
                                         "focusing BP against N, extrapolated to N -> infinity.",
                             formatter_class=argparse.RawDescriptionHelpFormatter, epilog="""
presets (explicit options override them: --method and --N keep those of the preset's
grids, --alpha and --seeds replace their loads and instance counts):
  quick  famp and famp standard at N = 1001 (alpha 0.66:0.80:0.02, 16 instances), 2001
         (the same, 12) and 4001 (0.68:0.78:0.02, 8 instances); at N = 10000 famp at
         0.70:0.76:0.02 and famp standard at 0.68:0.74:0.02 (8 instances); fbp at
         N = 1001 (0.70:0.78:0.02, 8 instances) and fbp reference at N = 1001
         (0.70:0.76:0.02, 8 instances).
  paper  famp and famp standard at N = 1001 2001 4001 10000 30000, fbp and fbp reference
         at N = 1001 2001 4001 10000, alpha 0.66:0.80:0.01, 50 instances (not run; an fbp
         sweep costs O(N P) = O(N^2): fbp at N = 10^4 is some 15 minutes a run, and a
         failing fbp reference run, about 2 minutes at N = 1001, some 3 hours at N = 10^4
         if its cost grows as N^2: an estimated 80 core-days in all); use --executor dask
         on a cluster.
methods: famp = famp with its defaults (adaptive reinforcement); famp standard = famp with
protocol StandardReinforcement(0.01); fbp = fbp with its defaults; fbp reference = fbp with
the reference protocol of docs/performance.md (sequential undamped sweeps, each step to
convergence). --param NAME=VALUE (or ALGORITHM.NAME=VALUE) overrides a method's settings.""")
    parser.add_argument("--preset", choices=sorted(PRESETS), help="default grid, see below")
    parser.add_argument("--method", action="append", metavar="LABEL",
                        help=f"method, repeatable: {', '.join(map(repr, METHODS))} (default all)")
    parser.add_argument("--N", nargs="+", metavar="N", help="input sizes (list, or comma-separated)")
    parser.add_argument("--alpha", nargs="+", metavar="ALPHA", help="loads: list, or start:stop:step (stop included)")
    parser.add_argument("--seeds", type=int, help="instances per (method, N, alpha)")
    parser.add_argument("--seed", type=int, default=0,
                        help="sweep seed from which every run's seeds derive (default 0)")
    parser.add_argument("--param", action="append", default=[], metavar="[ALGORITHM.]NAME=VALUE",
                        help="algorithm hyperparameter, repeatable; prefix with the algorithm name to "
                             "set it for one algorithm only (default: the algorithms' defaults)")
    script.add_run_options(parser, "finite_size.h5")
    return parser


def grids(args):
    """The (method, N, alphas, instances) of the options, validated."""
    for label in args.method or []:
        if label not in METHODS:
            raise ValueError(f"--method must be one of {', '.join(map(repr, METHODS))}, got {label!r}")
    names = list(dict.fromkeys(args.method or METHODS))
    preset = script.preset_or_options(args, PRESETS, "N", "alpha", "seeds")
    Ns = _options.numbers("--N", args.N, kind=int) if args.N else None
    if Ns is not None and min(Ns) < 1:
        raise ValueError(f"--N must be >= 1, got {min(Ns)}")
    alphas = _options.numbers("--alpha", args.alpha) if args.alpha else None
    if alphas is not None and min(alphas) <= 0:
        raise ValueError(f"--alpha must be > 0, got {min(alphas):g}")
    if args.seeds is not None and args.seeds < 1:
        raise ValueError(f"--seeds must be >= 1, got {args.seeds}")
    if preset is None:
        chosen = [(name, N, alphas, args.seeds) for name in names for N in Ns]
    else:
        chosen = [(name, N, alphas or _options.numbers("--alpha", [grid]), args.seeds or seeds)
                  for name, N, grid, seeds in preset["grids"]
                  if name in names and (Ns is None or N in Ns)]
        if not chosen:
            raise ValueError(f"the {args.preset} preset has no grid for --method {', '.join(names)} "
                             f"and --N {' '.join(map(str, Ns or []))}")
    return chosen


def plan(args):
    """One :class:`wfm.sweep.Sweep` per (method, N), paired instances; the analysis needs nothing else."""
    chosen = grids(args)
    names = list(dict.fromkeys(METHODS[label][0] for label, *_ in chosen))
    params = script.algorithm_params(args.param, names, unscoped=True)
    out = []
    for label, N, alphas, seeds in chosen:
        algorithm, settings = METHODS[label]
        out.append(Sweep(problem={"kind": "storage", "inputs": "pm1", "load": "input"},
                         model={"model": "perceptron", "weights": "binary"}, algorithm=algorithm,
                         params={**settings, **params[algorithm]}, product={"N": [N], "alpha": alphas},
                         seeds=seeds, seed=args.seed))
    return out, None


def _recorded(row, name, like):
    """The value of hyperparameter ``name`` recorded in ``row``, decoded like ``like`` (a spec
    dict or list is stored as JSON text)."""
    value = row.get(f"params.{name}")
    return json.loads(value) if isinstance(like, (dict, list)) and isinstance(value, str) else value


def method(row):
    """The method label of a run (a row of :func:`wfm.store.load_runs`): the label of
    :data:`METHODS` whose settings the run recorded, else the algorithm followed by the
    settings that differ from its registered defaults (``"famp protocol=pseudo"``)."""
    defaults = algorithms.get(row["algorithm"]).defaults
    for label, (algorithm, params) in METHODS.items():
        settings = {**defaults, **params}
        if algorithm == row["algorithm"] and all(_recorded(row, name, value) == value
                                                 for name, value in settings.items()):
            return label
    changed = []
    for name, value in defaults.items():
        recorded = _recorded(row, name, value)
        if recorded != value:
            changed.append(f"{name}={recorded['protocol'] if isinstance(recorded, dict) else recorded}")
    return " ".join([row["algorithm"], ", ".join(changed)])


def analyse(_, outcome):
    """Draw the figure; print each threshold and the extrapolations."""
    data = table(outcome.out, outcome.keys)
    plots.save(draw(data), outcome.figure)
    print(f"{outcome.figure}: algorithmic threshold against N")
    for row in data["thresholds"].itertuples(index=False):
        print(f"  {row.method:>13} N={row.N:<6} alpha at success 1/2: {_common.number(row.alpha_threshold)}"
              f" +- {_common.number(row.se)}")
    for row in data["limits"].itertuples(index=False):
        print(f"  {row.method:>13} N -> infinity (fit in N^-{row.exponent:g}): {row.alpha_inf:.4f} "
              f"+- {row.se:.4f}")


def main(argv=None):
    """Run the script; returns the exit code (0, 2 for a usage error, 130 when interrupted)."""
    return script.main(build_parser(), plan, analyse, argv)


def table(path, keys=None):
    """Success rates, thresholds with bootstrap errors, and their extrapolations, of the runs in ``path``.

    Returns
    -------
    dict
        ``runs`` (:func:`wfm.store.load_runs`, those in ``keys`` if given, with a ``method``
        column, :func:`method`), ``rates`` (:func:`wfm.analysis.success_rates` by method, N,
        alpha), ``thresholds`` (:func:`wfm.analysis.bootstrap_thresholds` by method and N) and
        ``limits``: one row per (method, exponent) with at least :data:`MIN_SIZES` sizes with a
        threshold, :func:`wfm.analysis.extrapolate` with exponents :data:`EXPONENT` and
        :data:`CHECK_EXPONENT` (columns ``method``, ``exponent``, ``alpha_inf``, ``slope``,
        ``se``, ``resamples``, ``sizes``).
    """
    runs = _common.load_runs(path, keys)
    runs["method"] = [method(row) for _, row in runs.iterrows()]
    rates = analysis.success_rates(runs, by=("method", "N", "alpha"))
    thresholds, replicates = analysis.bootstrap_thresholds(runs, by=("method", "N"), level=LEVEL,
                                                           resamples=RESAMPLES, seed=BOOTSTRAP_SEED)
    limits = []
    for name, rows in thresholds.groupby("method", sort=True):
        rows = rows[np.isfinite(rows["alpha_threshold"])]
        if len(rows) >= MIN_SIZES:
            for exponent in (EXPONENT, CHECK_EXPONENT):
                limits.append({"method": name, **analysis.extrapolate(
                    rows["N"], rows["alpha_threshold"], replicates[rows.index], exponent=exponent)})
    columns = ["method", "exponent", "alpha_inf", "slope", "se", "resamples", "sizes"]
    return {"runs": runs, "rates": rates, "thresholds": thresholds,
            "limits": pd.DataFrame(limits, columns=columns)}


def limit(data, name, exponent=EXPONENT):
    """The extrapolation of ``name``'s thresholds with ``exponent`` (a row of ``limits``), or None."""
    rows = data["limits"][(data["limits"]["method"] == name) & (data["limits"]["exponent"] == exponent)]
    return None if rows.empty else rows.iloc[0]


def abscissa(N):
    """The abscissa of the thresholds' panel, N^(-EXPONENT): the fit is a straight line in it."""
    return np.asarray(N, dtype=np.float64) ** -EXPONENT


#: Line style, marker and colour of each method (other labels: sparse dots, down triangles, grey).
STYLES = {"famp": ("-", "o", "C0"), "famp standard": (":", "^", "C1"), "fbp": ("--", "s", "C3"),
          "fbp reference": ("-.", "D", "C2")}


def _style(name):
    return STYLES.get(name, ((0, (1, 3)), "v", "0.4"))


def draw(data):
    """Left: success probability against alpha, one curve per (method, N: line style, colour). Right: the thresholds
    against N^(-1/2) with their bootstrap errors, the fits and their limits at N -> infinity, the
    literature's range and the capacity."""
    figure, (left, right) = plots.new_figure(2, width=5.6, height=4.2)
    Ns = sorted(data["rates"]["N"].unique())
    colors = {N: f"C{i}" for i, N in enumerate(Ns)}
    for (name, N), curve in data["rates"].groupby(["method", "N"], sort=True):
        style, marker, _ = _style(name)
        error = np.maximum([curve["p"] - curve["lo"], curve["hi"] - curve["p"]], 0.0)
        left.errorbar(curve["alpha"], curve["p"], yerr=error, color=colors[N], ls=style, marker=marker, ms=3,
                      capsize=2)
    # the legend names the methods by line style and the sizes by colour
    for name in sorted(data["rates"]["method"].unique()):
        style, marker, _ = _style(name)
        left.plot([], [], color="k", ls=style, marker=marker, ms=3, label=name)
    for N in Ns:
        left.plot([], [], color=colors[N], lw=3, label=f"N = {N}")
    left.axhline(LEVEL, color="0.6", lw=0.8, ls="--")
    left.set_xlabel(r"$\alpha = P / N$")
    left.set_ylabel("success probability")
    left.set_ylim(-0.03, 1.03)
    left.legend(fontsize="xx-small", loc="upper right")
    capacity = theory.krauth_mezard_capacity()
    right.axhspan(*LITERATURE, color="0.85", label=f"literature (fBP, large N): {LITERATURE[0]}-{LITERATURE[1]}")
    right.axhline(capacity, color="k", ls=":", lw=1.0, label=rf"capacity $\alpha_c$ = {capacity:.3f}")
    for name, rows in data["thresholds"].groupby("method", sort=True):
        style, marker, color = _style(name)
        right.errorbar(abscissa(rows["N"]), rows["alpha_threshold"], yerr=rows["se"], ls="none", marker=marker,
                       color=color, capsize=3, label=f"{name}: threshold (bootstrap error)")
        grid = np.linspace(0.0, abscissa(min(rows["N"])), 50)
        check = limit(data, name, CHECK_EXPONENT)
        if check is not None:
            right.plot(grid, check["alpha_inf"] + check["slope"] * grid ** (CHECK_EXPONENT / EXPONENT), color=color,
                       ls=":", lw=0.6)
        fit = limit(data, name)
        if fit is not None:
            right.plot(grid, fit["alpha_inf"] + fit["slope"] * grid, color=color, ls=style, lw=1.0)
            right.errorbar([0.0], [fit["alpha_inf"]], yerr=[fit["se"]], marker="*", ms=10, color=color, capsize=3,
                           label=rf"{name}: $N \to \infty$ {fit['alpha_inf']:.3f} $\pm$ {fit['se']:.3f}")
    ticks = [0.0] + [abscissa(N) for N in Ns]
    right.set_xticks(ticks, [r"$\infty$"] + [str(N) for N in Ns], fontsize="x-small")
    right.set_xlim(-0.002, abscissa(Ns[0]) * 1.08)
    lows = [LITERATURE[0], data["thresholds"]["alpha_threshold"].min(),
            (data["limits"]["alpha_inf"] - data["limits"]["se"]).min()]
    right.set_ylim(np.nanmin(lows) - 0.02, capacity + 0.01)
    right.set_xlabel(r"$N$ (axis linear in $N^{-1/2}$; thin dotted: fits in $1/N$)")
    right.set_ylabel(r"algorithmic threshold $\alpha$ (success 1/2)")
    right.legend(fontsize="xx-small", loc="upper left", bbox_to_anchor=(0.0, 0.94))
    figure.tight_layout()
    return figure


def expect(data):
    """Every success curve crosses 1/2 on its grid, below the Krauth-Mezard capacity, and so do
    the extrapolations. famp with the fixed standard reinforcement loses threshold with N: its
    extrapolation and its threshold at the largest N lie below the literature's range for slow
    reinforcement. The default (adaptive) famp keeps it: above the fixed protocol's threshold at
    the largest N and in the extrapolation, which is within the literature's range. fbp with the
    reference protocol of the authors' code reaches that range at every N it was run at. Each
    by (or within) :data:`TOLERANCE` standard errors (combined in quadrature)."""
    runs = data["runs"]
    assert (runs["status"] == "done").all(), f"{int((runs['status'] != 'done').sum())} runs failed"
    at = data["thresholds"]
    assert at["alpha_threshold"].notna().all(), \
        f"a success curve does not cross 1/2 on its grid: {at[at['alpha_threshold'].isna()].to_dict('records')}"
    capacity = theory.krauth_mezard_capacity()
    assert (at["alpha_threshold"] < capacity).all(), \
        f"a threshold beyond the capacity {capacity:.3f}: {at['alpha_threshold'].max():.4f}"
    fits, largest = {}, {}
    for name in ("famp", "famp standard"):
        fits[name] = limit(data, name)
        assert fits[name] is not None, f"{name} has thresholds at fewer than {MIN_SIZES} sizes: no extrapolation"
        assert fits[name]["alpha_inf"] + TOLERANCE * fits[name]["se"] < capacity, \
            (f"{name} extrapolates to {fits[name]['alpha_inf']:.4f} +- {fits[name]['se']:.4f}, not below the "
             f"capacity {capacity:.3f}")
        largest[name] = at[at["method"] == name].sort_values("N").iloc[-1]
    fixed = "famp standard"
    for what, value, se in (("extrapolates to", fits[fixed]["alpha_inf"], fits[fixed]["se"]),
                            (f"has at N = {largest[fixed]['N']} the threshold", largest[fixed]["alpha_threshold"],
                             largest[fixed]["se"])):
        assert value + TOLERANCE * se < LITERATURE[0], \
            (f"{fixed} {what} {value:.4f} +- {se:.4f}, within {TOLERANCE:g} standard errors of the literature's "
             f"{LITERATURE[0]}-{LITERATURE[1]}: the fixed protocol reaches the large-N threshold")
    value, se = fits["famp"]["alpha_inf"], fits["famp"]["se"]
    assert LITERATURE[0] - TOLERANCE * se <= value <= LITERATURE[1] + TOLERANCE * se, \
        (f"famp extrapolates to {value:.4f} +- {se:.4f}, more than {TOLERANCE:g} standard errors from the "
         f"literature's {LITERATURE[0]}-{LITERATURE[1]}")
    for row in at[at["method"] == "fbp reference"].itertuples():
        assert LITERATURE[0] - TOLERANCE * row.se <= row.alpha_threshold <= LITERATURE[1] + TOLERANCE * row.se, \
            (f"fbp reference at N = {row.N}: threshold {row.alpha_threshold:.4f} +- {row.se:.4f}, more than "
             f"{TOLERANCE:g} standard errors from the literature's {LITERATURE[0]}-{LITERATURE[1]}")
    assert largest["famp"]["N"] == largest[fixed]["N"], "famp and famp standard end at different sizes"
    for what, better, worse in (
            (f"threshold at N = {largest[fixed]['N']}", (largest["famp"]["alpha_threshold"], largest["famp"]["se"]),
             (largest[fixed]["alpha_threshold"], largest[fixed]["se"])),
            ("extrapolation", (fits["famp"]["alpha_inf"], fits["famp"]["se"]),
             (fits[fixed]["alpha_inf"], fits[fixed]["se"]))):
        gap, se = better[0] - worse[0], np.hypot(better[1], worse[1])
        assert gap > TOLERANCE * se, \
            (f"the adaptive famp's {what} {better[0]:.4f} is not above the fixed protocol's {worse[0]:.4f} by "
             f"more than {TOLERANCE:g} standard errors ({se:.4f})")


def settings(runs, name):
    """``"standard reinforcement dx = 0.01, damping 0.8, at most 5 parallel iterations per step"``:
    the recorded settings of ``name``'s runs (all of them when they differ; for sequential
    sweeps, with the pattern order)."""
    mine = runs[runs["method"] == name]
    texts = []
    for spec, damping, iterations, sequential, order in mine.reindex(
            columns=["params.protocol", "params.damping", "params.max_iters", "params.sequential",
                     "params.order"]).drop_duplicates().itertuples(index=False):
        spec = dict(json.loads(spec))
        kind = spec.pop("protocol")
        text = f"{kind} reinforcement" if kind in ("standard", "adaptive") else f"{kind} protocol"
        text += "".join(f", {key} = {value:g}" if isinstance(value, float) else f", {key} = {value}"
                        for key, value in spec.items())
        if sequential is not True:
            updates = "parallel iterations"
        elif order == "random":
            updates = "sequential sweeps (patterns in a new random order every sweep)"
        else:
            updates = "sequential sweeps (patterns in a fixed order)"
        texts.append(f"{text}, damping {damping:g}, at most {int(iterations)} {updates} per step")
    return "; ".join(texts)


def caption(data):
    """The figure's caption, every number from the data."""
    runs, at = data["runs"], data["thresholds"]
    per_point = runs.groupby(["method", "N", "alpha"]).size()
    parts = []
    for name in sorted(at["method"].unique()):
        rows = at[at["method"] == name].sort_values("N")
        values = ", ".join(f"{_common.number(r.alpha_threshold)} +- {_common.number(r.se)} (N = {r.N})"
                           for r in rows.itertuples())
        fit, check = limit(data, name), limit(data, name, CHECK_EXPONENT)
        if fit is not None:
            values += (f"; extrapolated by least squares in N^-{EXPONENT:g} ({fit['sizes']} sizes) to "
                       f"{fit['alpha_inf']:.3f} +- {fit['se']:.3f} at N -> infinity (in 1/N: "
                       f"{check['alpha_inf']:.3f} +- {check['se']:.3f})")
        parts.append(f"{name} ({settings(runs, name)}): {values}")
    return (f"Algorithmic threshold (success probability 1/2) of focusing AMP (its default adaptive protocol, and "
            f"the fixed standard reinforcement) and focusing BP (its defaults, and the reference protocol) on the "
            f"binary perceptron against N. Left: success probability against alpha (Wilson one-sigma error "
            f"bars); right: thresholds against N^-{EXPONENT:g}, with errors from {RESAMPLES} "
            f"bootstrap resamples of the instances, and the fits. {_common.count_range(per_point)} paired "
            f"instances per (method, N, alpha). " + ". ".join(parts)
            + f". The literature's algorithmic threshold of reinforced / focusing BP at large N, reached with "
              f"slow reinforcement, is {LITERATURE[0]}-{LITERATURE[1]} (Braunstein and Zecchina 2006; Baldassi "
              f"et al. 2015, 2016); Krauth-Mezard capacity {theory.krauth_mezard_capacity():.3f}. "
              f"{_common.cost(runs)}.")
