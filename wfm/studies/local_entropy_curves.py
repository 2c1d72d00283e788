"""Figure 2: local entropy around the solutions each algorithm finds, against replica theory.

Every algorithm solves the same random storage instances (binary perceptron, +-1 patterns) at
one load alpha; around each solution w~ the local entropy S(d) (log-number of solutions per
weight at normalised Hamming distance d from w~) is measured inside the sweep by BP with an
external field gamma w~ (wfm.measures.local_entropy: one point (d, S) per gamma) and, at
N <= 25, exactly by enumeration at the same gammas (wfm.measures.local_entropy_exact). The
figure shows the mean over solutions per gamma, one curve per algorithm, with the upper bound
H(d) (binary entropy: every configuration at distance d a solution) and the replica curves of
``wfm.theory`` at the same load (N -> infinity; ``docs/science/local-entropy-theory.md``): the
Franz-Parisi local entropy around typical solutions, the large-deviation local entropy of the
densest regions, and the local entropy around minimizers of the cross-entropy loss at
:data:`THEORY_GAMMAS`. The "exact" algorithm (a uniformly random solution; N <= 25) gives
typical solutions for contrast. Expected (Baldassi et al., PRL 115, 128101 (2015); PNAS 113,
E7655 (2016)): the solutions of fBP/fAMP lie in dense regions, S(d) between the Franz-Parisi and
the large-deviation curves and close to the latter at small d; typical solutions are isolated,
S(d) far below (S < 0 near d = 0 at large N).

Examples
--------
python sims/local_entropy_curves.py --preset quick --out lent.h5 --plot lent.png
python sims/local_entropy_curves.py --algorithm famp --algorithm perceptron --N 401 --alpha 0.6 --seeds 20 --out lent.h5
"""
import argparse

import numpy as np
import pandas as pd

from wfm import _options, algorithms, analysis, plots, store, theory
from wfm.studies import _common
from wfm.sweep import Sweep, script
from wfm.theory import binary_entropy

NAME = "local_entropy_curves"
TITLE = "Figure 2: local entropy around the solutions each algorithm finds"
NOTEBOOK = "notebooks/02_local_entropy.ipynb"
SCRIPT = "sims/local_entropy_curves.py"
ARGUMENTS = []
KEEP = ["measures/*"]

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
#: Cross-entropy parameters gamma of the theory curves around cross-entropy minimizers.
THEORY_GAMMAS = (1.0, 5.0)
#: Distances of the drawn theory curves, denser at small d for the zoomed panels (the compared
#: ones, :data:`DISTANCES`, are added).
THEORY_GRID = np.union1d(np.linspace(0.0025, 0.1, 40), np.linspace(0.1, 0.5, 41))
#: Presets. ``largest`` caps the N of an algorithm of the preset's grid: the clipped perceptron
#: rule (1000 epochs) solved 0 of 2 instances tried at alpha = 0.5, N = 1001, and BP around a non-solution
#: rarely converges, so each such run would cost about 40 s for no point on the figure.
#: ``small_seeds`` is the number of instances at N <= EXACT_MAX, where runs take a second and the
#: BP local entropy fluctuates by about 0.02 nats between instances (20 instances left fBP
#: above the typical solutions by 2.6 standard errors only at N = 21).
PRESETS = {
    "quick": {"N": [21, 201, 1001], "seeds": 20, "small_seeds": 40, "largest": {"perceptron": 201}},
    "paper": {"N": [25, 201, 1001], "seeds": 100, "small_seeds": 100, "largest": {"perceptron": 201}},
}


def build_parser():
    """The argument parser of the script."""
    parser = _options.Parser(prog="local_entropy_curves.py",
                             description="Local entropy around the solutions each algorithm finds, against "
                                         "the bound H(d) (binary perceptron).",
                           formatter_class=argparse.RawDescriptionHelpFormatter, epilog=f"""
presets (explicit options override them):
  quick  alpha = 0.5, N = 21 (40 seeds; the exact algorithm and the exact local entropy there
         only), 201 and 1001 (20 seeds; the perceptron rule at N <= 201 only): 420 runs,
         measured 12 min wall (680 s of CPU) with one worker on 2 cores shared with other jobs
         (load 2-4). Two instances at N = 1001, one core, load 1-3, with process start:
         fAMP 25 s, fBP 27 s, RSA 32 s, SA 51 s, perceptron rule 90 s (neither solved).
  paper  alpha = 0.5, N = 25 (100 seeds; exact there), 201 and 1001 (100 seeds; the perceptron
         rule at N <= 201): 400 runs at N = 1001, estimated 1-2 hours on 2 cores from the
         quick preset's timings (not measured).
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
    largest = {} if args.N else preset.get("largest", {})
    seeds = args.seeds if args.seeds is not None else preset["seeds"]
    small_seeds = args.seeds if args.seeds is not None else preset.get("small_seeds", seeds)
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
            grid = [N for N in Ns if (N <= EXACT_MAX) == small and N <= largest.get(name, N)]
            if not grid or (name == "exact" and not small):
                continue
            out.append(Sweep(problem={"kind": "storage", "inputs": "pm1", "alpha": args.alpha},
                             model={"model": "perceptron", "weights": "binary"}, algorithm=name,
                             params=params[name], product={"N": grid}, seed=args.seed,
                             seeds=small_seeds if small else seeds,
                             measures=both if small else bp))
    if not out:
        raise ValueError(f"nothing to run: exact needs N <= {EXACT_MAX}")
    return out


def plan(args):
    """The sweeps of the options; the analysis reads the options too."""
    return sweeps(args), args


def analyse(args, outcome):
    """Draw the local-entropy curves of this study's runs; print them at d = COMPARE."""
    data = table(outcome.out, outcome.keys)
    plots.save(draw(data, alpha=args.alpha), outcome.figure)
    at = data.attrs["at"][COMPARE]
    print(f"{outcome.figure}: local entropy S(d) against the distance d from the solutions; "
          f"at d = {COMPARE:g} (H(d) = {binary_entropy(COMPARE):.4f}):")
    for row in at.sort_values(["N", "method", "algorithm"]).itertuples():
        print(f"  N={row.N:<5} {row.method:>5} {row.algorithm:>12}: S = {row.entropy:.4f} +- {row.se:.4f} "
              f"({row.runs} solutions)")


def main(argv=None):
    """Run the script; returns the exit code (0, 2 for a usage error, 130 when interrupted)."""
    return script.main(build_parser(), plan, analyse, argv)


#: Local-entropy measures of figure 2: method -> measure name.
LOCAL_ENTROPY_METHODS = {"bp": "local_entropy", "exact": "local_entropy_exact"}


def local_entropy_table(runs, curves, solved_only=True):
    """Mean local-entropy curve over instances, per (algorithm, N, method, gamma).

    Parameters
    ----------
    runs : pandas.DataFrame
        From :func:`wfm.store.load_runs` (one row per run).
    curves : dict
        (method, name) -> {run key -> array} for the methods of :data:`LOCAL_ENTROPY_METHODS`
        and the names "gammas", "distance", "entropy" (``measures/<measure>/<name>``).
    solved_only : bool
        Use only the runs that found a solution.

    Returns
    -------
    pandas.DataFrame
        ``algorithm``, ``N``, ``method`` ("bp" or "exact"), ``gamma``, ``distance`` (mean
        d(gamma) over instances), ``distance_se``, ``entropy`` (mean S), ``se`` (its standard
        error over instances), ``bound`` (binary entropy H of the mean distance) and ``runs``
        (instances whose curve is finite at every gamma: a solution with a BP entry that did
        not converge, NaN, is left out of the whole curve).
    """
    from wfm.theory import binary_entropy

    done = runs[runs["status"] == "done"]
    if solved_only:
        done = done[done["solved"].eq(True)]
    rows = []
    for (algorithm, N), group in done.groupby(["algorithm", "N"], sort=True):
        for method in LOCAL_ENTROPY_METHODS:
            keys = [k for k in group["key"] if k in curves[method, "entropy"]]
            if not keys:
                continue
            gammas = curves[method, "gammas"][keys[0]]
            distance = np.array([curves[method, "distance"][k] for k in keys])
            entropy = np.array([curves[method, "entropy"][k] for k in keys])
            # the same instances at every gamma: a mean over different subsets per gamma need not
            # be a curve (its d(gamma) can rise where a few BP runs did not converge)
            live = np.isfinite(entropy).all(axis=1) & np.isfinite(distance).all(axis=1)
            n = int(live.sum())
            if not n:
                continue
            for i, gamma in enumerate(gammas):
                d, S = distance[live, i], entropy[live, i]
                rows.append({"algorithm": algorithm, "N": int(N), "method": method, "gamma": float(gamma),
                             "distance": float(d.mean()), "distance_se": analysis.standard_error(d),
                             "entropy": float(S.mean()), "se": analysis.standard_error(S),
                             "bound": float(binary_entropy(d.mean())), "runs": n})
    return pd.DataFrame(rows, columns=["algorithm", "N", "method", "gamma", "distance", "distance_se",
                                       "entropy", "se", "bound", "runs"])


def entropy_at(d, S, distance):
    """One solution's local entropy at ``distance``, interpolated linearly along its points
    (d(gamma), S(gamma)) with finite values; None when fewer than two points or when they do
    not reach ``distance``."""
    live = np.isfinite(d) & np.isfinite(S)
    d, S = d[live], S[live]
    if d.size < 2 or not d.min() <= distance <= d.max():
        return None
    order = np.argsort(d)
    return float(np.interp(distance, d[order], S[order]))


def local_entropy_at(path, distance, keys=None):
    """Local entropy of each solution at one distance, interpolated along its own S(d) curve,
    then averaged over instances, per (algorithm, N, method).

    At a fixed gamma the distance d(gamma) differs between solutions; interpolating every
    solution's points (d(gamma), S(gamma)) linearly at the same ``distance`` compares the
    algorithms at equal d. A solution whose curve does not reach ``distance`` (or has fewer
    than two finite points) is left out.

    Parameters
    ----------
    path : path
        Results file of ``sims/local_entropy_curves.py``.
    distance : float
        The distance d at which S is compared.
    keys : iterable of str, optional
        Runs to use (default all); only solved runs are used.

    Returns
    -------
    pandas.DataFrame
        ``algorithm``, ``N``, ``method``, ``distance``, ``entropy`` (mean S(distance)), ``se``,
        ``bound`` (H(distance)), ``runs``.
    """
    from wfm.theory import binary_entropy

    runs = _common.load_runs(path, keys)
    runs = runs[(runs["status"] == "done") & runs["solved"].eq(True)]
    rows = []
    for method, measure in LOCAL_ENTROPY_METHODS.items():
        d_all = store.load_arrays(path, f"measures/{measure}/distance")
        S_all = store.load_arrays(path, f"measures/{measure}/entropy")
        for (algorithm, N), group in runs.groupby(["algorithm", "N"], sort=True):
            values = []
            for key in group["key"]:
                if key not in S_all:
                    continue
                value = entropy_at(d_all[key], S_all[key], distance)
                if value is not None:
                    values.append(value)
            if values:
                values = np.array(values)
                rows.append({"algorithm": algorithm, "N": int(N), "method": method, "distance": float(distance),
                             "entropy": float(values.mean()), "se": analysis.standard_error(values),
                             "bound": float(binary_entropy(distance)), "runs": int(values.size)})
    return pd.DataFrame(rows, columns=["algorithm", "N", "method", "distance", "entropy", "se", "bound", "runs"])


#: Distances at which the table compares the algorithms (each solution's curve interpolated).
DISTANCES = (COMPARE, 0.05)


def table(path, keys=None):
    """:func:`local_entropy_table` of a results file (of the runs in ``keys``, default all).

    The table's ``attrs`` hold the load ``alpha``, ``instances_by_N`` (N -> the most runs of
    one algorithm), ``at`` (distance -> :func:`local_entropy_at`
    for the :data:`DISTANCES`), ``theory`` (:func:`wfm.theory.local_entropy_curves` at the load,
    on :data:`THEORY_GRID` and the :data:`DISTANCES`, with the cross-entropy curves at
    :data:`THEORY_GAMMAS`), the number of ``runs`` and ``instances`` per (algorithm, N), and
    the summed run time ``seconds``.
    """
    runs = _common.load_runs(path, keys)
    curves = {(method, name): store.load_arrays(path, f"measures/{measure}/{name}")
              for method, measure in LOCAL_ENTROPY_METHODS.items() for name in ("gammas", "distance", "entropy")}
    out = local_entropy_table(runs, curves)
    out.attrs.update(_common.summary(runs))
    out.attrs["instances_by_N"] = {int(N): int(n) for N, n in runs.groupby(["algorithm", "N"]).size().groupby("N").max()
                                   .items()}
    out.attrs.update(at={d: local_entropy_at(path, d, keys) for d in DISTANCES},
                     theory=theory.local_entropy_curves(out.attrs["alpha"], np.union1d(THEORY_GRID, DISTANCES),
                                                        gammas=THEORY_GAMMAS))
    return out


def _theory_label(curve, gamma):
    """Legend and caption name of a theory curve."""
    if curve == "cross_entropy":
        return f"cross-entropy minimizers, gamma={gamma:g}"
    return {"franz_parisi": "Franz-Parisi (typical solutions)", "large_deviation": "large deviation (densest)"}[curve]


def theory_at(table, distance):
    """The theory curves of :func:`table` at one of the :data:`DISTANCES`: curve name (with
    ``gamma`` for the cross-entropy curves, e.g. ``"cross_entropy 5"``) -> entropy."""
    curves = table.attrs["theory"]
    here = curves[np.isclose(curves["distance"], distance)]
    return {row.curve + ("" if np.isnan(row.gamma) else f" {row.gamma:g}"): row.entropy for row in here.itertuples()}


def positions(table, N=None):
    """Where each algorithm's BP-measured curve lies between the two theory curves, at one N
    (default the largest) and every distance of :data:`DISTANCES`.

    Returns
    -------
    pandas.DataFrame
        ``distance``, ``algorithm``, ``N``, ``entropy``, ``se``, ``runs``, ``franz_parisi``,
        ``large_deviation`` (the theory at that distance), ``tolerance`` (3 standard errors plus
        1/N for the finite-size correction of the measured entropy) and ``position``
        ``(S - S_FP) / (S_LD - S_FP)``: 0 on the Franz-Parisi curve of typical solutions, 1 on the
        large-deviation curve of the densest regions.
    """
    N = table["N"].max() if N is None else N
    rows = []
    for distance in DISTANCES:
        at = table.attrs["at"][distance]
        at = at[(at["N"] == N) & (at["method"] == "bp")]
        curves = theory_at(table, distance)
        for row in at.itertuples():
            fp, ld = curves["franz_parisi"], curves["large_deviation"]
            rows.append({"distance": distance, "algorithm": row.algorithm, "N": row.N, "entropy": row.entropy,
                         "se": row.se, "runs": row.runs, "franz_parisi": fp, "large_deviation": ld,
                         "tolerance": 3 * row.se + 1 / row.N, "position": (row.entropy - fp) / (ld - fp)})
    return pd.DataFrame(rows, columns=["distance", "algorithm", "N", "entropy", "se", "runs", "franz_parisi",
                                       "large_deviation", "tolerance", "position"])


#: Line styles of the theory curves: curve name -> matplotlib keywords.
THEORY_STYLES = {"franz_parisi": {"color": "0.35", "ls": "-.", "lw": 1.4},
                 "large_deviation": {"color": "k", "ls": ":", "lw": 1.8},
                 "cross_entropy": {"color": "tab:olive", "ls": (0, (6, 2)), "lw": 1.1}}


def draw(table, alpha=None, zoom=0.06):
    """Local entropy S(d) against d, one curve per algorithm (BP solid, exact dashed) with the
    upper bound H(d) and the replica curves of the table's ``theory`` (grey dash-dot
    Franz-Parisi, black dotted large deviation, olive dashed cross-entropy minimizers, the larger
    gamma darker): one column per N, the whole range on top and d <= ``zoom`` below.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`table`.
    alpha : float, optional
        Load, for the titles (default: the table's ``alpha`` attribute).
    zoom : float
        Largest distance of the lower panels.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    from wfm.theory import binary_entropy

    alpha = table.attrs.get("alpha") if alpha is None else alpha
    Ns = sorted(table["N"].unique())
    colors = {name: f"C{i}" for i, name in enumerate(sorted(table["algorithm"].unique()))}
    theory_curves = table.attrs["theory"]
    theory_curves = theory_curves[(theory_curves["curve"] != "bound") & theory_curves["entropy"].notna()]
    figure = Figure(figsize=(5.6 * len(Ns), 9.6))
    for column, N in enumerate(Ns):
        here = table[table["N"] == N]
        for row, limit in enumerate((0.5, zoom)):
            ax = figure.add_subplot(2, len(Ns), row * len(Ns) + column + 1)
            d = np.linspace(0.0, limit, 201)
            ax.plot(d, binary_entropy(d), color="k", lw=1.2, label="bound H(d)")
            lowest = 0.0
            for (curve, gamma), part in theory_curves.groupby(["curve", "gamma"], dropna=False, sort=False):
                part = part[part["distance"] <= limit + 1e-9]
                shade = {} if curve != "cross_entropy" else {"alpha": 0.5 + 0.5 * (gamma == max(THEORY_GAMMAS))}
                ax.plot(part["distance"], part["entropy"], **THEORY_STYLES[curve], **shade,
                        label="theory: " + _theory_label(curve, gamma))
                lowest = min(lowest, part["entropy"].min())
            for (algorithm, method), curve in here.groupby(["algorithm", "method"], sort=True):
                exact = method == "exact"
                name = "typical (exact sampling)" if algorithm == "exact" else algorithm
                ax.errorbar(curve["distance"], curve["entropy"], yerr=curve["se"].fillna(0.0),
                            marker="s" if exact else "o", ms=3, mfc="none" if exact else None, capsize=2,
                            ls="--" if exact else "-", color=colors[algorithm],
                            label=f"{name}, {'exact' if exact else 'BP'} ({curve['runs'].max()})")
            ax.axhline(0.0, color="0.6", lw=0.8)
            ax.set_xlim(0.0, limit)
            ax.set_ylim(min(-0.01, 1.1 * here[here["distance"] <= limit]["entropy"].min(), 1.1 * lowest),
                        1.08 * float(binary_entropy(limit)))
            ax.set_xlabel("distance d from the solution")
            ax.set_ylabel("local entropy S(d) (nats per weight)")
            if row == 0:
                ax.set_title(f"binary perceptron, N={N}" + (f", alpha={alpha:g}" if alpha is not None else ""),
                             fontsize="medium")
                ax.legend(fontsize="xx-small", title="algorithm, method (solutions); theory N = infinity",
                          title_fontsize="xx-small")
    figure.tight_layout()
    return figure


#: The order of the BP local entropies at the largest N, densest first, asserted at every
#: distance of :data:`DISTANCES` by :func:`expect` (every algorithm of a group above every one of
#: the next by three standard errors): focusing BP/AMP, then replicated SA on the flip count,
#: then SA on the cross-entropy (their registered defaults, equal moves per weight).
ORDER = (("famp", "fbp"), ("rsa",), ("sa",))


def expect(table):
    """At d = 0.02 (each solution's curve interpolated), differences of more than three standard
    errors: fAMP and fBP above the typical solutions at small N (exact counts and BP) and above
    the perceptron rule at N >= 101 (BP); every mean S <= H(d) (exact counts strictly, BP up to
    1/N). Along each curve d(gamma) decreases with gamma; at gamma = 0 (the total entropy of the
    instance) at every N >= 101, the RS entropy within three standard errors plus 1/N. Against
    the replica theory, at the largest N and every distance of :data:`DISTANCES`
    (:func:`positions`, tolerance three standard errors plus 1/N): every algorithm's BP curve
    strictly between the Franz-Parisi and the large-deviation curves (by more than the
    tolerance), those of fAMP and fBP closer to the large-deviation curve by more than the
    tolerance, and the algorithms in the :data:`ORDER` of their local entropies."""
    at = table.attrs["at"][COMPARE].set_index(["N", "method", "algorithm"])
    exact = at.xs("exact", level="method")
    assert (exact["entropy"] < exact["bound"]).all(), "an exact local entropy reaches the bound H(d)"
    for (N, method), part in at.groupby(level=["N", "method"]):
        part = part.droplevel(["N", "method"])
        assert (part["entropy"] < part["bound"] + 1 / N).all(), f"N={N}, {method}: S above H(d) + 1/N"
        lows = [low for low in ("exact", "perceptron") if low in part.index and (low == "exact" or N >= 101)]
        for low in lows:
            for name in {"famp", "fbp"} & set(part.index):
                gap = part.loc[name, "entropy"] - part.loc[low, "entropy"]
                assert gap > 3 * np.hypot(part.loc[name, "se"], part.loc[low, "se"]), \
                    f"N={N}, {method}: {name} not above {low} by 3 s.e. (gap {gap:.4f})"
    measured = table[table["method"] == "exact"]
    assert (measured["entropy"] <= measured["bound"] + 1e-12).all(), "an exact mean S above H(mean d)"
    for key, curve in table.groupby(["algorithm", "N", "method"]):
        assert np.all(np.diff(curve.sort_values("gamma")["distance"]) < 0), f"{key}: d does not decrease with gamma"
    largest = table["N"].max()
    rs = theory.rs_entropy_binary_perceptron(table.attrs["alpha"])
    for N in [N for N in sorted(table["N"].unique()) if N >= 101]:
        total = table[(table["N"] == N) & (table["gamma"] == 0) & (table["method"] == "bp")]
        assert np.all(np.abs(total["entropy"] - rs) < 3 * total["se"] + 1 / N), \
            f"N={N}, gamma = 0: total entropy {total['entropy'].tolist()} not within 3 s.e. + 1/N of RS {rs:.4f}"
    where = positions(table)
    assert set(where["distance"]) == set(DISTANCES), f"N={largest}: no BP curve reaches d = {DISTANCES}"
    for row in where.itertuples():
        fp, ld, S, tol = row.franz_parisi, row.large_deviation, row.entropy, row.tolerance
        assert fp + tol < S < ld - tol, (f"N={row.N}, d={row.distance:g}: {row.algorithm} S = {S:.4f} not strictly "
                                         f"between Franz-Parisi {fp:.4f} and large deviation {ld:.4f} (tolerance "
                                         f"{tol:.4f})")
        if row.algorithm in ("famp", "fbp"):
            assert (S - fp) - (ld - S) > tol, (f"N={row.N}, d={row.distance:g}: {row.algorithm} S = {S:.4f} not "
                                               f"closer to large deviation {ld:.4f} than to Franz-Parisi {fp:.4f}")
    assert {"famp", "fbp"} & set(where["algorithm"]), f"N={largest}: no fAMP or fBP curve to place"
    for distance, part in where.groupby("distance"):
        part = part.set_index("algorithm")
        groups = [[name for name in group if name in part.index] for group in ORDER]
        groups = [group for group in groups if group]
        for highs, lows in zip(groups, groups[1:]):
            for high in highs:
                for low in lows:
                    gap = part.loc[high, "entropy"] - part.loc[low, "entropy"]
                    assert gap > 3 * np.hypot(part.loc[high, "se"], part.loc[low, "se"]), \
                        f"N={largest}, d={distance:g}: {high} not above {low} by 3 s.e. (gap {gap:.4f})"


def caption(table):
    """The figure's caption, every number from the data."""
    at = table.attrs["at"][COMPARE]
    parts = []
    for (N, method), part in at.groupby(["N", "method"], sort=True):
        part = part.sort_values("entropy", ascending=False)
        parts.append(f"N = {N} ({'exact' if method == 'exact' else 'BP'}): "
                     + ", ".join(f"{row.algorithm} {row.entropy:.3f} +- {row.se:.3f} ({row.runs})"
                                 for row in part.itertuples()))
    largest = table["N"].max()
    total = table[(table["N"] == largest) & (table["gamma"] == 0) & (table["method"] == "bp")]
    total = total[total["algorithm"] == next(name for name in DEFAULT if name in set(total["algorithm"]))]
    Ns = sorted(table[table["method"] == "exact"]["N"].unique())
    return (f"Local entropy S(d) around the solutions found at alpha = {table.attrs['alpha']:g}, against the bound "
            "H(d) and the replica theory, instances per algorithm: "
            + ", ".join(f"{n} at N = {N}" for N, n in sorted(table.attrs["instances_by_N"].items()))
            + ": BP with an external field (solid) and, "
            f"at N = {_common.listing(Ns)}, exact enumeration at the same couplings (dashed); bottom row: a zoom on "
            f"small d. Each solution's curve interpolated at d = {COMPARE:g} (H = {binary_entropy(COMPARE):.3f}), "
            "mean +- standard error (solutions): " + "; ".join(parts) + ". At gamma = 0 S is the total entropy "
            f"of the instance: {total['entropy'].iloc[0]:.3f} +- {total['se'].iloc[0]:.3f} at N = {largest} "
            f"({total['algorithm'].iloc[0]} runs), RS theory "
            f"{theory.rs_entropy_binary_perceptron(table.attrs['alpha']):.3f}. " + _theory_caption(table)
            + f" {table.attrs['runs']} runs, "
            f"{_common.duration(table.attrs['seconds'])} of computing time (sum of the run times).")


def _theory_caption(table):
    """The part of the caption that places the measured curves between the theory curves."""
    where = positions(table)
    curves = theory_at(table, COMPARE)
    named = [f"{_theory_label(curve, gamma)} {curves[curve + ('' if gamma is None else f' {gamma:g}')]:.3f}"
             for curve, gamma in [("franz_parisi", None), ("large_deviation", None)]
             + [("cross_entropy", gamma) for gamma in THEORY_GAMMAS]]
    places = []
    for distance, part in where.groupby("distance", sort=True):
        part = part.sort_values("position", ascending=False)
        places.append(f"at d = {distance:g} (Franz-Parisi {part['franz_parisi'].iloc[0]:.3f}, large deviation "
                      f"{part['large_deviation'].iloc[0]:.3f}) "
                      + ", ".join(f"{row.algorithm} {row.position:.2f}" for row in part.itertuples()))
    return (f"Replica theory at the same load (N -> infinity, lines), at d = {COMPARE:g}: " + ", ".join(named)
            + f". Position (S - S_FP) / (S_LD - S_FP) of each BP curve at N = {where['N'].max()} between the "
            "typical (0) and the densest (1) solutions: " + "; ".join(places) + ".")
