"""Figure 2b: replica local-entropy curves of the binary perceptron as the load grows.

No simulation: the study computes, at several loads alpha, the bound H(d) and the two replica
curves that frame Figure 2 (``wfm.theory``, ``docs/science/local-entropy-theory.md``): the
Franz-Parisi local entropy around typical solutions, Eqs. (11)-(14), and the large-deviation
local entropy of the densest regions, Eqs. (15)-(18), whose slope is ``dS_LD/dd = 2 phat``;
and the load above which the large-deviation curve stops being monotonic,
``wfm.theory.dense_region_breakdown`` (0.7553 at kappa = 0 with these RS equations; 0.77-0.78
published from higher levels of the computation). Each load is one record of the results file
(the curves, and the distances that summarise them), the breakdown load one more, so the
figure, the tests and the docs read the same committed numbers as every other study.

Expected (Huang and Kabashima, PRE 90, 052813 (2014); Baldassi et al., PRL 115, 128101 (2015);
Baldassi, Malatesta, Perugini and Zecchina, arXiv:2304.13871): typical solutions are isolated
at every load (the Franz-Parisi curve is negative below a distance ``d_zero`` that grows with
alpha); the dense regions exist, S_LD(d) close to H(d) at small d, but shrink as alpha grows
(the distance ``d_top`` where S_LD reaches the total entropy s(alpha) decreases), and above the
breakdown load the large-deviation curve is no longer monotonic: ``phat`` reaches 0 at a small
distance, where the curve folds (the solver stops there, and the curve is not drawn below).

Examples
--------
python sims/local_entropy_theory.py --preset quick --out theory.h5 --plot theory.png
python sims/local_entropy_theory.py --alpha 0.5 0.75 0.78 --points 60 --out theory.h5
"""
import argparse
import time

import numpy as np
import pandas as pd

from wfm import _options, plots, store, theory
from wfm.studies import _common
from wfm.sweep import script
from wfm.sweep.grid import task_key

NAME = "local_entropy_theory"
TITLE = "Figure 2b: replica local-entropy curves as the load grows"
NOTEBOOK = "notebooks/09_local_entropy_theory.ipynb"
SCRIPT = "sims/local_entropy_theory.py"
ARGUMENTS = []
KEEP = ["curves/*"]
PRESETS = {
    "quick": {"alpha": [0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.72, 0.74, 0.75, 0.76, 0.77, 0.78, 0.8],
              "points": 75},
    "paper": {"alpha": [round(a, 2) for a in np.arange(0.4, 0.815, 0.01)], "points": 200},
}
#: Loads whose curves are drawn (those of the data; all loads when none of them is there).
SHOWN = (0.4, 0.6, 0.7, 0.75, 0.78)
#: Smallest distance of the curves, and where the geometric grid of small distances ends. Below
#: alpha = 0.4 the Franz-Parisi curve crosses zero below D_MIN (at d < 0.002 for alpha <= 0.3,
#: where its saddle point has 1 - q1 < 0.002 and wfm.theory returns NaN): the presets start at 0.4.
D_MIN, D_SMALL = 0.002, 0.05
#: Largest distance of the curves.
D_MAX = 0.5
#: Slack of the comparisons between curves computed to 1e-10 (quadrature errors are below 1e-8).
SLACK = 1e-8


def build_parser():
    """The argument parser of the script."""
    parser = _options.Parser(prog="local_entropy_theory.py",
                             description="Replica local-entropy curves of the binary perceptron (Franz-Parisi "
                                         "and large deviation) at several loads, and the breakdown load of the "
                                         "dense regions; no simulation.",
                             formatter_class=argparse.RawDescriptionHelpFormatter, epilog="""
presets (explicit options override them):
  quick  14 loads from 0.4 to 0.8, 75 distances per curve: measured 18 s (13 s of computation)
         on 2 cores shared with other jobs (load average 6).
  paper  42 loads from 0.4 to 0.81, 200 distances per curve: estimated 2 minutes.""")
    parser.add_argument("--preset", choices=sorted(PRESETS), help="default grid, see below")
    parser.add_argument("--alpha", nargs="+", metavar="ALPHA", help="loads P / N in (0, capacity) "
                        "(list, comma-separated, or start:stop:step)")
    parser.add_argument("--kappa", type=float, default=0.0, help="margin of the solutions (default 0)")
    parser.add_argument("--points", type=int, help=f"distances per curve, in [{D_MIN:g}, {D_MAX:g}] (>= 10)")
    parser.add_argument("--out", default=f"{NAME}.h5", help=f"results file (default {NAME}.h5)")
    parser.add_argument("--plot", help="figure file (default: --out with .png)")
    return parser


def distances(points):
    """The distances of the curves: a geometric grid on [D_MIN, D_SMALL] (a third of the points,
    where the curves change fastest) and a uniform one on [D_SMALL, D_MAX]."""
    small = points // 3
    return np.union1d(np.geomspace(D_MIN, D_SMALL, small), np.linspace(D_SMALL, D_MAX, points - small + 1))


def plan(args):
    """The theory computations of the options (no sweep): one task per load and one for the
    breakdown load, each a dict; and the options. Raises ValueError on bad options."""
    preset = script.preset_or_options(args, PRESETS, "alpha", "points")
    alphas = _options.numbers("--alpha", args.alpha) if args.alpha else preset["alpha"]
    points = args.points if args.points is not None else preset["points"]
    if not np.isfinite(args.kappa):
        raise ValueError(f"--kappa must be finite, got {args.kappa:g}")
    capacity = theory.krauth_mezard_capacity(args.kappa)
    bad = [a for a in alphas if not 0 < a < capacity]
    if bad:
        raise ValueError(f"--alpha must be in (0, {capacity:.4f}) (the capacity at kappa = {args.kappa:g}), "
                         f"got {bad[0]:g}")
    if points < 10:
        raise ValueError(f"--points must be >= 10, got {points}")
    d = [float(x) for x in distances(points)]
    tasks = [{"theory": "local_entropy", "alpha": float(a), "kappa": args.kappa, "distance": d}
             for a in sorted(set(alphas))]
    tasks.append({"theory": "dense_region_breakdown", "kappa": args.kappa})
    return tasks, args


def _zero_crossing(d, S):
    """The distance where S(d) changes sign from negative to positive (linear interpolation
    between grid points), NaN if it does not."""
    live = np.isfinite(S)
    d, S = d[live], S[live]
    up = np.flatnonzero((S[:-1] < 0) & (S[1:] >= 0))
    if not up.size:
        return np.nan
    i = up[0]
    return float(d[i] - S[i] * (d[i + 1] - d[i]) / (S[i + 1] - S[i]))


def compute(task):
    """One record of the results file (the layout of :class:`wfm.store.Writer`) for a task of
    :func:`plan`.

    A load gives the arrays ``curves/distance``, ``curves/franz_parisi``,
    ``curves/large_deviation`` and ``curves/phat`` (the large-deviation conjugate, half the
    slope of its curve; NaN where a curve has no solution) and the scalars ``s`` (the total
    entropy s(alpha)), ``d_typical`` (the distance between two typical solutions, where the
    Franz-Parisi curve reaches s), ``d_top`` (where the large-deviation curve reaches s),
    ``d_zero`` (where the Franz-Parisi curve crosses zero, interpolated on the grid),
    ``d_fold`` (the smallest distance the large-deviation curve reaches when it folds there,
    ``phat -> 0+``; NaN when it does not) and ``phat_end`` (``phat`` at the smallest distance
    the large-deviation curve reaches: large where it rises from 0 like H(d), near 0 at a
    fold). The breakdown task gives
    ``alpha_breakdown``.
    """
    start = time.perf_counter()
    columns = {"problem": "theory", "model": "perceptron", "weights": "binary", "kappa": task["kappa"],
               "quantity": task["theory"]}
    arrays, results = {}, {}
    if task["theory"] == "dense_region_breakdown":
        results["alpha_breakdown"] = float(theory.dense_region_breakdown(task["kappa"]))
    else:
        alpha, d = task["alpha"], np.asarray(task["distance"])
        columns["alpha"] = alpha
        fp = theory.franz_parisi_saddle(alpha, d, task["kappa"])
        ld = theory.large_deviation_saddle(alpha, d, task["kappa"])
        folded = ld["reason"].str.startswith("phat -> 0+ below")
        finite = ld["entropy"].notna()
        arrays = {"curves/distance": d, "curves/franz_parisi": fp["entropy"].to_numpy(float),
                  "curves/large_deviation": ld["entropy"].to_numpy(float), "curves/phat": ld["phat"].to_numpy(float)}
        results = {"s": float(fp["s"].iloc[0]), "d_typical": float((1 - fp["q"].iloc[0]) / 2),
                   "d_top": float(ld["d_top"].iloc[0]),
                   "d_zero": _zero_crossing(d, fp["entropy"].to_numpy(float)),
                   "d_fold": float(d[finite].min()) if folded.any() and finite.any() else np.nan,
                   "phat_end": float(ld["phat"][finite].iloc[0]) if finite.any() else np.nan}
    results["seconds"] = time.perf_counter() - start
    return {"key": task_key(task), "task": task, "status": "done", "message": "", "columns": columns,
            "results": results, "arrays": arrays}


def analyse(args, outcome):
    """Draw the figure of the computed file; print the summary distances per load."""
    data = table(outcome.out)
    plots.save(draw(data), outcome.figure)
    print(f"{outcome.figure}: Franz-Parisi and large-deviation local entropy at {len(data['loads'])} loads; "
          f"dense regions break up above alpha = {data['breakdown']:.4f} (kappa = {data['kappa']:g})")
    for row in data["loads"].itertuples():
        print(f"  alpha={row.alpha:<5g} s={row.s:.4f} d_zero={row.d_zero:.4f} d_typical={row.d_typical:.4f} "
              f"d_top={row.d_top:.4f} " + (f"folds at d={row.d_fold:.4f}" if np.isfinite(row.d_fold) else "monotonic"))


def main(argv=None):
    """Run the script; returns the exit code (0, or 2 with one line on stderr for bad options,
    before anything is written)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        tasks, context = plan(args)
        out = store.check_writable(args.out)
        figure = plots.check_output(args.plot or str(out.with_suffix(".png")))
        command = script.command_line(parser.prog, argv)
        start = time.perf_counter()
        records = [compute(task) for task in tasks]
        with store.Writer(out, sweep={"theory": NAME, "tasks": tasks}, command=command) as writer:
            for record in records:
                writer.write(record)
        print(f"{out}: {len(records)} theory computations in {time.perf_counter() - start:.1f} s")
        analyse(context, script.Outcome(out, figure, {record["key"] for record in records}, None, command))
    except script.ERRORS as error:
        return script.fail(parser.prog, error)
    return 0


def table(path, keys=None):
    """The curves and summary distances of a results file of this study.

    Parameters
    ----------
    path : path
        Results file of ``sims/local_entropy_theory.py``.
    keys : iterable of str, optional
        Records to use (default all).

    Returns
    -------
    dict
        ``curves``: long DataFrame ``alpha``, ``distance``, ``curve`` ("bound", "franz_parisi",
        "large_deviation"), ``entropy`` and ``phat`` (large deviation only); ``loads``: one row
        per load (``alpha``, ``s``, ``d_typical``, ``d_top``, ``d_zero``, ``d_fold``,
        ``phat_end``, ``seconds``); ``breakdown`` (the load of
        :func:`wfm.theory.dense_region_breakdown`), ``kappa``, ``runs`` and ``seconds`` (the
        summed computing time).
    """
    runs = _common.load_runs(path, keys)
    loads = runs[runs["quantity"] == "local_entropy"].sort_values("alpha")
    arrays = {name: store.load_arrays(path, f"curves/{name}")
              for name in ("distance", "franz_parisi", "large_deviation", "phat")}
    frames = []
    for row in loads.itertuples():
        d = arrays["distance"][row.key]
        frames.append(pd.DataFrame({"alpha": row.alpha, "distance": d, "curve": "bound",
                                    "entropy": theory.binary_entropy(d), "phat": np.nan}))
        for curve in ("franz_parisi", "large_deviation"):
            frames.append(pd.DataFrame({"alpha": row.alpha, "distance": d, "curve": curve,
                                        "entropy": arrays[curve][row.key],
                                        "phat": arrays["phat"][row.key] if curve == "large_deviation" else np.nan}))
    breakdown = runs[runs["quantity"] == "dense_region_breakdown"]
    return {"curves": pd.concat(frames, ignore_index=True),
            "loads": loads[["alpha", "s", "d_typical", "d_top", "d_zero", "d_fold", "phat_end", "seconds"]]
            .reset_index(drop=True),
            "breakdown": float(breakdown["alpha_breakdown"].iloc[0]), "kappa": float(runs["kappa"].iloc[0]),
            "runs": len(runs), "seconds": float(runs["seconds"].sum())}


def shown(table):
    """The loads whose curves are drawn: those of :data:`SHOWN` in the table, else all."""
    alphas = sorted(table["loads"]["alpha"])
    chosen = [a for a in alphas if any(np.isclose(a, SHOWN))]
    return chosen or alphas


def draw(table):
    """Three panels: (a) H(d), Franz-Parisi (dash-dot) and large-deviation (solid) local entropy
    at the :func:`shown` loads; (b) the slope of the large-deviation curve, ``2 phat``, against
    d (log scale), reaching 0 where the curve folds; (c) the distances that summarise the
    curves against alpha, with the breakdown load and the capacity.

    Returns
    -------
    matplotlib.figure.Figure
    """
    figure, (left, middle, right) = plots.new_figure(3, width=5.2, height=4.4)
    curves = table["curves"]
    alphas = shown(table)
    colors = {a: f"C{i}" for i, a in enumerate(alphas)}
    d = np.linspace(0.0, 0.3, 301)
    left.plot(d, theory.binary_entropy(d), color="k", lw=1.2, label="bound H(d)")
    for alpha in alphas:
        here = curves[np.isclose(curves["alpha"], alpha)]
        fp, ld = here[here["curve"] == "franz_parisi"], here[here["curve"] == "large_deviation"]
        left.plot(fp["distance"], fp["entropy"], color=colors[alpha], ls="-.", lw=1.1)
        left.plot(ld["distance"], ld["entropy"], color=colors[alpha], lw=1.6, label=f"alpha = {alpha:g}")
        middle.plot(ld["distance"], 2 * ld["phat"], color=colors[alpha], lw=1.6, label=f"alpha = {alpha:g}")
        fold = ld[ld["entropy"].notna()].head(1)
        if table["loads"].set_index("alpha")["d_fold"].reindex([alpha]).notna().iloc[0]:
            middle.plot(fold["distance"], 2 * fold["phat"], "x", color=colors[alpha], ms=8)
            left.plot(fold["distance"], fold["entropy"], "x", color=colors[alpha], ms=8)
    left.plot([], [], color="0.4", ls="-.", label="Franz-Parisi (typical)")
    left.plot([], [], color="0.4", label="large deviation (densest)")
    left.axhline(0.0, color="0.6", lw=0.8)
    left.set(xlim=(0, 0.3), ylim=(-0.06, 0.45), xlabel="distance d", ylabel="local entropy S(d) (nats per weight)",
             title="(a) local entropy; x: the curve folds")
    left.legend(fontsize="x-small")
    middle.axhline(0.0, color="0.6", lw=0.8)
    middle.set(xscale="log", xlim=(D_MIN, 0.3), xlabel="distance d", ylabel="slope dS_LD/dd = 2 phat",
               title="(b) slope of the large-deviation curve")
    middle.legend(fontsize="x-small")
    loads = table["loads"]
    for column, style, label in [("d_typical", "o-", "d_typical: two typical solutions"),
                                 ("d_top", "s-", "d_top: maximum of S_LD"),
                                 ("d_zero", "^-", "d_zero: S_FP = 0 (isolation)"),
                                 ("d_fold", "x", "d_fold: S_LD folds")]:
        right.plot(loads["alpha"], loads[column], style, ms=4, label=label)
    right.axvline(table["breakdown"], color="k", ls=":", label=f"breakdown {table['breakdown']:.4f}")
    capacity = theory.krauth_mezard_capacity(table["kappa"])
    right.axvline(capacity, color="0.5", ls="--", label=f"capacity {capacity:.3f}")
    right.set(yscale="log", xlabel="load alpha", ylabel="distance", title="(c) the scales of the curves")
    right.legend(fontsize="x-small")
    figure.tight_layout()
    return figure


def expect(table):
    """At every load: the Franz-Parisi curve negative at the smallest distance and crossing zero
    (typical solutions isolated), both curves at most H(d), the large-deviation curve at least the
    Franz-Parisi one, both reaching the total entropy s(alpha) at their maxima; the zero crossing
    grows and d_top shrinks with alpha (the dense regions shrink). Below the breakdown load the
    large-deviation curve increases with d down to the smallest distance of the grid, steeply there
    (``2 phat > 2``, no fold); above it, it stops at a distance between 0.01 and 0.05 where its
    slope ``2 phat`` has fallen below 0.1 (the fold), and some load of the data is above it."""
    curves = table["curves"].set_index(["alpha", "curve", "distance"])["entropy"].unstack("curve")
    loads = table["loads"]
    breakdown = table["breakdown"]
    assert 0.74 < breakdown < 0.78, f"breakdown load {breakdown:.4f} outside (0.74, 0.78)"
    assert (loads["alpha"] > breakdown).any() and (loads["alpha"] < breakdown).any(), \
        f"loads {loads['alpha'].tolist()} not on both sides of the breakdown {breakdown:.4f}"
    for row in loads.itertuples():
        here = curves.loc[row.alpha]
        fp = here["franz_parisi"].dropna()
        assert fp.iloc[0] < 0, f"alpha={row.alpha:g}: Franz-Parisi S({fp.index[0]:.4f}) = {fp.iloc[0]:.4f} not < 0"
        assert np.isfinite(row.d_zero), f"alpha={row.alpha:g}: the Franz-Parisi curve does not cross zero"
        both = here.dropna()
        assert (both["large_deviation"] >= both["franz_parisi"] - SLACK).all(), \
            f"alpha={row.alpha:g}: large deviation below Franz-Parisi at d = {both.index[0]:.4f}"
        for curve in ("franz_parisi", "large_deviation"):
            assert (here[curve].dropna() <= here["bound"].reindex(here[curve].dropna().index) + SLACK).all(), \
                f"alpha={row.alpha:g}: {curve} above H(d)"
            assert abs(here[curve].max() - row.s) < 1e-3, \
                f"alpha={row.alpha:g}: {curve} maximum {here[curve].max():.5f} is not s(alpha) = {row.s:.5f}"
        ld = here["large_deviation"].dropna()
        if row.alpha < breakdown:
            assert np.isnan(row.d_fold) and np.all(np.diff(ld.to_numpy()) > 0) and row.phat_end > 1, \
                f"alpha={row.alpha:g} below the breakdown {breakdown:.4f}: S_LD not increasing from " \
                f"d = {ld.index[0]:.4f} (fold {row.d_fold}, phat there {row.phat_end:.4f})"
        else:
            assert 0.01 < row.d_fold < 0.05 and row.phat_end < 0.05, \
                f"alpha={row.alpha:g} above the breakdown {breakdown:.4f}: no fold (d_fold {row.d_fold}, " \
                f"phat there {row.phat_end:.4f})"
    assert np.all(np.diff(loads["d_zero"]) > 0), f"d_zero does not grow with alpha: {loads['d_zero'].round(4).tolist()}"
    assert np.all(np.diff(loads["d_top"]) < 0), f"d_top does not shrink with alpha: {loads['d_top'].round(4).tolist()}"


def caption(table):
    """The figure's caption, every number from the data."""
    loads = table["loads"].set_index("alpha")
    alphas = shown(table)
    folded = loads[loads["d_fold"].notna()]
    at = [f"alpha = {a:g}: d_zero {loads.loc[a, 'd_zero']:.4f}, d_top {loads.loc[a, 'd_top']:.3f}"
          + (f", folds at d = {loads.loc[a, 'd_fold']:.3f}" if a in folded.index else "") for a in alphas]
    return (f"Replica local entropy of the binary perceptron (kappa = {table['kappa']:g}, N -> infinity) at "
            f"{len(loads)} loads from {loads.index.min():g} to {loads.index.max():g}: (a) the bound H(d), the "
            f"Franz-Parisi curve around typical solutions (dash-dot) and the large-deviation curve of the densest "
            f"regions (solid) at alpha = {_common.listing(alphas, '{:g}')}; (b) the slope 2 phat of the "
            "large-deviation curve; (c) the distances that summarise the curves against alpha. The Franz-Parisi "
            "curve is negative below d_zero at every load (typical solutions are isolated); the large-deviation "
            "curve reaches the total entropy s(alpha) at d_top, which shrinks as alpha grows: "
            + "; ".join(at) + f". Above the breakdown load {table['breakdown']:.4f} (RS, y -> infinity; 0.77-0.78 "
            f"published from higher levels of the computation) the large-deviation curve folds (phat -> 0 at "
            f"d = {_common.listing(folded['d_fold'], '{:.3f}')} for alpha = {_common.listing(folded.index, '{:g}')}) "
            f"and the dense regions break up. {table['runs']} theory computations, "
            f"{_common.duration(table['seconds'])} of computing time (sum of the run times).")
