"""Figure 2c: where the solutions reached by annealing the cross-entropy lie in the landscape.

Claim (Baldassi, Pittorino and Zecchina, PNAS 117, 161 (2020)): minimizers of the cross-entropy
loss of the binary perceptron sit in the rare dense regions of solutions, not among the isolated
typical ones. Simulated annealing (``sa``) on the cross-entropy energy
f_gamma(x) = log(1 + exp(-2 gamma x)) / (2 gamma) of the stabilities x (``energy="ce"``) at a
fixed gamma (``ce_gamma0 = ce_gamma1`` in :data:`CE_GAMMAS`) and with its registered annealed
gamma (0.5 -> 20) solves random storage instances (+-1 patterns) at the loads of
:data:`PRESETS`; around each solution the study measures the local entropy S(d) by BP with an
external field (``wfm.measures.local_entropy``; exactly by enumeration at N <= 25,
``wfm.measures.local_entropy_exact``) and the local energy (``wfm.measures.local_energy``: the
training-error increase when each weight flips with probability p). The same instances are
solved by the flip-count searches (``sa`` and ``rsa`` with ``energy="linear"``, ``rsa`` with its
registered defaults), by fAMP, and, at N <= 25 only, by SA on the error count and by exact
uniform sampling of the solutions (typical solutions). The replica curves of ``wfm.theory`` at
each load frame the picture (``docs/science/local-entropy-theory.md``): the Franz-Parisi local
entropy around typical solutions, the large-deviation local entropy of the densest regions, and
the local entropy around the zero-temperature minimizers of the cross-entropy at the fixed
gammas. Each run stops at its first configuration without training errors, so an SA run on the
cross-entropy returns the first solution its annealing reaches, not a converged minimizer.

Figure 2 (``wfm.studies.local_entropy_curves``) measures the registered searches at
alpha = 0.5; this study complements it at other loads and with the cross-entropy at fixed
gamma, from its own data file.

Examples
--------
python sims/ce_minimizers.py --preset quick --out ce.h5 --plot ce.png
python sims/ce_minimizers.py --method "sa CE gamma=1" --method famp --N 401 --alpha 0.5 --seeds 10 --out ce.h5
"""
import argparse

import numpy as np
import pandas as pd

from wfm import _options, analysis, plots, store, theory
from wfm.studies import _common
from wfm.studies.local_energy_curves import local_energy_table
from wfm.studies.local_entropy_curves import entropy_at, local_entropy_table
from wfm.sweep import Sweep, script
from wfm.theory import binary_entropy

NAME = "ce_minimizers"
TITLE = "Figure 2c: where the solutions of cross-entropy annealing lie"
NOTEBOOK = "notebooks/10_ce_minimizers.ipynb"
SCRIPT = "sims/ce_minimizers.py"
ARGUMENTS = []
KEEP = ["measures/*"]

#: Fixed cross-entropy parameters gamma of the SA runs (and of the theory curves).
CE_GAMMAS = (1.0, 5.0)
#: The searches compared: method label -> (algorithm, hyperparameters beyond the registered
#: defaults). The labels are what :func:`method` reads back from a results file.
METHODS = {
    **{f"sa CE gamma={g:g}": ("sa", {"energy": "ce", "ce_gamma0": g, "ce_gamma1": g}) for g in CE_GAMMAS},
    "sa CE gamma 0.5->20": ("sa", {"energy": "ce", "ce_gamma0": 0.5, "ce_gamma1": 20.0}),
    "sa flip count": ("sa", {"energy": "linear"}),
    "rsa flip count": ("rsa", {"energy": "linear"}),
    "famp": ("famp", {}),
    "sa errors": ("sa", {"energy": "errors"}),
    "typical (exact)": ("exact", {}),
}
#: Largest N at which the exact local entropy (enumeration of 2^N configurations) and exact
#: sampling run; SA on the error count runs only there too (with the registered schedule it
#: solves no instance at alpha >= 0.35, N = 1001: ``docs/science/energies.md``).
EXACT_MAX = 25
SMALL_ONLY = ("sa errors", "typical (exact)")
#: Largest load at which SA on the flip count runs at N > EXACT_MAX: it solves 8 of 10
#: instances at alpha = 0.4, N = 1001 and 2 of 10 at 0.5 (``docs/science/energies.md``), and
#: the BP measure around a non-solution costs tens of seconds for no point on the figure.
FLIP_COUNT_SA_MAX_ALPHA = 0.45
#: Local-entropy measures: kind ("bp" or "exact") -> measure name (as in Figure 2).
KINDS = {"bp": "local_entropy", "exact": "local_entropy_exact"}
GAMMAS = [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0]
#: BP sweeps per gamma.
MAX_ITERS = 1000
#: Flip probabilities of the local energy and perturbations per size and solution.
SIZES = [0.0, 0.01, 0.02, 0.05, 0.1]
SAMPLES = 200
#: Distances at which the local entropies are compared (each solution's curve interpolated)
#: and the flip probability at which the local energies are.
DISTANCES = (0.02, 0.05)
COMPARE_SIZE = 0.05
#: Distances of the drawn theory curves.
THEORY_GRID = np.union1d(np.linspace(0.0025, 0.1, 40), np.linspace(0.1, 0.5, 41))
PRESETS = {
    "quick": {"alpha": [0.4, 0.55], "N": [21, 1001], "seeds": [20, 6]},
    "paper": {"alpha": [0.4, 0.5, 0.6], "N": [25, 1001, 2001], "seeds": [50, 20, 20]},
}


def build_parser():
    """The argument parser of the script."""
    parser = _options.Parser(prog="ce_minimizers.py",
                             description="Local entropy and local energy around the solutions of cross-entropy "
                                         "annealing, against flip-count searches, fAMP, typical solutions and "
                                         "replica theory (binary perceptron).",
                             formatter_class=argparse.RawDescriptionHelpFormatter, epilog="""
presets (explicit options override them):
  quick  alpha = 0.4 0.55, N = 21 (20 seeds) and 1001 (6 seeds): 386 runs, measured 46 min
         wall (820 s of CPU) with one worker on 2 cores shared with other jobs (load 6-7);
         an SA run on the cross-entropy at N = 1001 took 40-85 s there.
  paper  alpha = 0.4 0.5 0.6, N = 25 (50 seeds), 1001 and 2001 (20 seeds) (not measured).
methods: """ + "; ".join(f"{label!r} = {algorithm} {params}" for label, (algorithm, params) in METHODS.items())
                             + f"""
'sa errors' and 'typical (exact)' run only at N <= {EXACT_MAX}, 'sa flip count' at N > {EXACT_MAX} only
at alpha <= {FLIP_COUNT_SA_MAX_ALPHA:g}.""")
    parser.add_argument("--preset", choices=sorted(PRESETS), help="default grid, see below")
    parser.add_argument("--method", action="append", metavar="LABEL",
                        help="method, repeatable (default all): " + ", ".join(METHODS))
    parser.add_argument("--N", nargs="+", metavar="N", help="input sizes (list, or comma-separated)")
    parser.add_argument("--alpha", nargs="+", metavar="ALPHA", help="loads P / N")
    parser.add_argument("--seeds", nargs="+", metavar="SEEDS",
                        help="instances: one number, or one per N")
    parser.add_argument("--seed", type=int, default=0, help="sweep seed (default 0)")
    script.add_run_options(parser, "ce_minimizers.h5")
    return parser


def sweeps(args):
    """One sweep per (method, N, load) of the options; the exact measure at N <= EXACT_MAX."""
    methods = args.method or list(METHODS)
    for label in methods:
        if label not in METHODS:
            raise ValueError(f"--method must be one of {', '.join(map(repr, METHODS))}, got {label!r}")
    methods = list(dict.fromkeys(methods))
    preset = script.preset_or_options(args, PRESETS, "N", "alpha", "seeds")
    Ns = _options.numbers("--N", args.N, kind=int) if args.N else preset["N"]
    alphas = _options.numbers("--alpha", args.alpha) if args.alpha else preset["alpha"]
    seeds = _options.numbers("--seeds", args.seeds, kind=int) if args.seeds else preset["seeds"]
    if any(N < 1 for N in Ns):
        raise ValueError(f"--N must be >= 1, got {Ns}")
    if any(not 0 < alpha for alpha in alphas):
        raise ValueError(f"--alpha must be > 0, got {alphas}")
    if len(seeds) not in (1, len(Ns)) or any(s < 1 for s in seeds):
        raise ValueError(f"--seeds must be one number >= 1 or one per N ({len(Ns)}), got {seeds}")
    seeds = dict(zip(Ns, seeds * len(Ns) if len(seeds) == 1 else seeds))
    bp = {"local_entropy": {"gammas": GAMMAS, "max_iters": MAX_ITERS},
          "local_energy": {"noise": "flip", "sizes": SIZES, "samples": SAMPLES}}
    out = []
    for label in methods:
        algorithm, params = METHODS[label]
        for N in Ns:
            small = N <= EXACT_MAX
            if label in SMALL_ONLY and not small:
                continue
            loads = [a for a in alphas if small or label != "sa flip count" or a <= FLIP_COUNT_SA_MAX_ALPHA]
            if not loads:
                continue
            measures = {**bp, "local_entropy_exact": {"gammas": GAMMAS}} if small else bp
            out.append(Sweep(problem={"kind": "storage", "inputs": "pm1"},
                             model={"model": "perceptron", "weights": "binary"}, algorithm=algorithm,
                             params=params, product={"N": [N], "alpha": loads}, seeds=seeds[N], seed=args.seed,
                             measures=measures))
    if not out:
        raise ValueError(f"nothing to run: {', '.join(SMALL_ONLY)} need N <= {EXACT_MAX}")
    return out


def plan(args):
    """The sweeps of the options; the analysis needs nothing else."""
    return sweeps(args), args


def analyse(args, outcome):
    """Draw the figure of this study's runs; print the local entropy and energy per method."""
    data = table(outcome.out, outcome.keys)
    plots.save(draw(data), outcome.figure)
    print(f"{outcome.figure}: local entropy S(d) and local energy around the solutions of each method")
    at = data["at"]
    for row in at.sort_values(["alpha", "N", "distance", "method", "kind"]).itertuples():
        print(f"  alpha={row.alpha:g} N={row.N:<5} d={row.distance:g} {row.kind:>5} {row.method:>20}: "
              f"S = {row.entropy:.4f} +- {row.se:.4f} ({row.runs} solutions)")


def main(argv=None):
    """Run the script; returns the exit code (0, 2 for a usage error, 130 when interrupted)."""
    return script.main(build_parser(), plan, analyse, argv)


def method(row):
    """The method label of a run (a row of :func:`wfm.store.load_runs`): the algorithm, and for
    ``sa``/``rsa`` the energy (``CE gamma=g`` at a fixed gamma, ``CE gamma g0->g1`` annealed)."""
    algorithm = row["algorithm"]
    if algorithm == "exact":
        return "typical (exact)"
    if algorithm not in ("sa", "rsa"):
        return algorithm
    energy = row["params.energy"]
    if energy == "ce":
        g0, g1 = row["params.ce_gamma0"], row["params.ce_gamma1"]
        return f"{algorithm} CE gamma={g0:g}" if g0 == g1 else f"{algorithm} CE gamma {g0:g}->{g1:g}"
    return f"{algorithm} " + {"linear": "flip count", "errors": "errors"}[energy]


def _interpolated(runs, distance_all, entropy_all, distances):
    """Each solved run's S at each of ``distances`` (:func:`entropy_at`, as in Figure 2),
    averaged per (alpha, N, method): rows alpha, N, method, distance, entropy, se, runs."""
    rows = []
    for (alpha, N, label), group in runs.groupby(["alpha", "N", "method"], sort=True):
        for distance in distances:
            values = []
            for key in group["key"]:
                if key not in entropy_all:
                    continue
                value = entropy_at(distance_all[key], entropy_all[key], distance)
                if value is not None:
                    values.append(value)
            if values:
                rows.append({"alpha": float(alpha), "N": int(N), "method": label, "distance": float(distance),
                             "entropy": float(np.mean(values)), "se": analysis.standard_error(values),
                             "runs": len(values)})
    return pd.DataFrame(rows, columns=["alpha", "N", "method", "distance", "entropy", "se", "runs"])


def table(path, keys=None):
    """What the figure is drawn from, a dict of tables (runs of ``keys``, default all).

    Returns
    -------
    dict
        ``curves``: mean local-entropy curves (:func:`local_entropy_table` per load, ``method``
        for ``algorithm``, with ``alpha``); ``at``: each solution's S interpolated at the
        :data:`DISTANCES`, mean per (alpha, N, method, kind "bp" or "exact"), with ``bound``
        H(d) and the theory (``franz_parisi``, ``large_deviation``, ``cross_entropy <g>``);
        ``energy``: mean local-energy curves (:func:`local_energy_table`, ``method``, ``alpha``);
        ``theory``: :func:`wfm.theory.local_entropy_curves` at every load with the
        cross-entropy curves at :data:`CE_GAMMAS`; ``solved``: solved / runs per (alpha, N,
        method); ``runs``, ``seconds`` (summed run time) and ``loads``.
    """
    runs = _common.load_runs(path, keys)
    runs = runs.assign(method=runs.apply(method, axis=1))
    done = runs[(runs["status"] == "done") & runs["solved"].eq(True)]
    solved = (runs.groupby(["alpha", "N", "method"])["solved"].agg(solved="sum", runs="size").reset_index())
    loads = sorted(runs["alpha"].unique())
    theory_curves = pd.concat([theory.local_entropy_curves(a, np.union1d(THEORY_GRID, DISTANCES), gammas=CE_GAMMAS)
                               for a in loads], ignore_index=True)
    arrays = {(kind, name): store.load_arrays(path, f"measures/{measure}/{name}")
              for kind, measure in KINDS.items() for name in ("gammas", "distance", "entropy")}
    energy_arrays = {name: store.load_arrays(path, f"measures/local_energy/{name}")
                     for name in ("sizes", "train", "distance")}
    at = [_interpolated(done, arrays[kind, "distance"], arrays[kind, "entropy"], DISTANCES).assign(kind=kind)
          for kind in KINDS]
    curves, energies = [], []
    for alpha, part in done.groupby("alpha", sort=True):
        part = part.assign(algorithm=part["method"])
        curves.append(local_entropy_table(part, arrays).rename(columns={"method": "kind", "algorithm": "method"})
                      .assign(alpha=float(alpha)))
        energies.append(local_energy_table(part, energy_arrays).rename(columns={"algorithm": "method"})
                        .assign(alpha=float(alpha)))
    at = pd.concat(at, ignore_index=True)
    at["bound"] = binary_entropy(at["distance"].to_numpy())
    for row in theory_curves[theory_curves["curve"] != "bound"].itertuples():
        if not np.isclose(DISTANCES, row.distance).any():
            continue
        name = row.curve + ("" if np.isnan(row.gamma) else f" {row.gamma:g}")
        hit = np.isclose(at["alpha"], row.alpha) & np.isclose(at["distance"], row.distance)
        at.loc[hit, name] = row.entropy
    return {"curves": pd.concat(curves, ignore_index=True), "at": at,
            "energy": pd.concat(energies, ignore_index=True), "theory": theory_curves, "solved": solved,
            "runs": len(runs), "seconds": float(runs["seconds"].sum()), "loads": loads}


def positions(table):
    """Where each method's BP-measured local entropy lies between the theory curves, at every
    load, the largest N and each of the :data:`DISTANCES`.

    Returns
    -------
    pandas.DataFrame
        The rows of ``table["at"]`` (kind "bp", largest N) with ``tolerance`` (3 standard errors
        plus 1/N for the finite-size correction) and ``position`` ``(S - S_FP) / (S_LD - S_FP)``:
        0 on the Franz-Parisi curve of typical solutions, 1 on the large-deviation curve.
    """
    at = table["at"]
    at = at[(at["kind"] == "bp") & (at["N"] == at["N"].max())].copy()
    at["tolerance"] = 3 * at["se"] + 1 / at["N"]
    at["position"] = (at["entropy"] - at["franz_parisi"]) / (at["large_deviation"] - at["franz_parisi"])
    return at.sort_values(["alpha", "distance", "position"], ascending=[True, True, False]).reset_index(drop=True)


#: Line styles of the theory curves: curve name -> matplotlib keywords.
THEORY_STYLES = {"franz_parisi": {"color": "0.35", "ls": "-.", "lw": 1.4},
                 "large_deviation": {"color": "k", "ls": ":", "lw": 1.8},
                 "cross_entropy": {"color": "tab:olive", "ls": (0, (6, 2)), "lw": 1.1}}


def _theory_label(curve, gamma):
    """Legend name of a theory curve."""
    if curve == "cross_entropy":
        return f"CE minimizers, gamma={gamma:g}"
    return {"franz_parisi": "Franz-Parisi (typical)", "large_deviation": "large deviation (densest)"}[curve]


def draw(table, zoom=0.1):
    """One row per load: the local entropy S(d) at the largest N (BP, d <= ``zoom``, with H(d)
    and the theory curves), at the smallest N (exact enumeration, dashed, and BP, solid), and
    the local energy at the largest N against the fraction of flipped weights.

    Parameters
    ----------
    table : dict
        From :func:`table`.
    zoom : float
        Largest distance of the local-entropy panels.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    curves, energy, loads = table["curves"], table["energy"], table["loads"]
    labels = [label for label in METHODS if label in set(curves["method"])]
    colors = {label: f"C{i}" for i, label in enumerate(labels)}
    largest, smallest = curves["N"].max(), curves["N"].min()
    theory_curves = table["theory"]
    theory_curves = theory_curves[(theory_curves["curve"] != "bound") & theory_curves["entropy"].notna()
                                  & (theory_curves["distance"] <= zoom + 1e-9)]
    figure = Figure(figsize=(16.5, 5.2 * len(loads)))
    for row, alpha in enumerate(loads):
        for column, N in enumerate((largest, smallest)):
            ax = figure.add_subplot(len(loads), 3, 3 * row + column + 1)
            d = np.linspace(0.0, zoom, 201)
            ax.plot(d, binary_entropy(d), color="k", lw=1.2, label="bound H(d)")
            here = theory_curves[np.isclose(theory_curves["alpha"], alpha)]
            for (curve, gamma), part in here.groupby(["curve", "gamma"], dropna=False, sort=False):
                shade = {} if curve != "cross_entropy" else {"alpha": 0.5 + 0.5 * (gamma == max(CE_GAMMAS))}
                ax.plot(part["distance"], part["entropy"], **THEORY_STYLES[curve], **shade,
                        label="theory: " + _theory_label(curve, gamma))
            measured = curves[np.isclose(curves["alpha"], alpha) & (curves["N"] == N)
                              & (curves["distance"] <= zoom + 1e-9)]
            for (label, kind), curve in measured.groupby(["method", "kind"], sort=False):
                exact = kind == "exact"
                ax.errorbar(curve["distance"], curve["entropy"], yerr=curve["se"].fillna(0.0),
                            marker="s" if exact else "o", ms=3, mfc="none" if exact else None, capsize=2,
                            ls="--" if exact else "-", color=colors[label],
                            label=f"{label}, {'exact' if exact else 'BP'} ({curve['runs'].max()})")
            ax.axhline(0.0, color="0.6", lw=0.8)
            ax.set_xlim(0.0, zoom)
            ax.set_xlabel("distance d from the solution")
            ax.set_ylabel("local entropy S(d) (nats per weight)")
            ax.set_title(f"local entropy, N={N}, alpha={alpha:g}", fontsize="medium")
            ax.legend(fontsize="xx-small", title="method, measure (solutions); theory N = infinity",
                      title_fontsize="xx-small")
        ax = figure.add_subplot(len(loads), 3, 3 * row + 3)
        measured = energy[np.isclose(energy["alpha"], alpha) & (energy["N"] == largest)]
        for label, curve in measured.groupby("method", sort=False):
            ax.errorbar(curve["distance"], curve["energy"], yerr=curve["se"].fillna(0.0), marker="o", ms=3,
                        capsize=2, color=colors[label], label=f"{label} ({curve['runs'].iloc[0]})")
        ax.set_xlabel("fraction of flipped weights d")
        ax.set_ylabel("local energy (training-error increase)")
        ax.set_title(f"local energy, N={largest}, alpha={alpha:g}", fontsize="medium")
        ax.legend(fontsize="x-small")
    figure.tight_layout()
    return figure


def local_energy_at(table, size=COMPARE_SIZE):
    """The local energy of each method at flip probability ``size``, indexed by (alpha, N, method)."""
    energy = table["energy"]
    here = energy[np.isclose(energy["size"], size)]
    return here.set_index(["alpha", "N", "method"]).sort_index()[["distance", "energy", "se", "runs"]]


def caption(table):
    """The figure's caption, every number from the data."""
    where = positions(table)
    solved = table["solved"]
    largest, smallest = int(table["at"]["N"].max()), int(table["at"]["N"].min())
    parts = []
    for (alpha, distance), part in where.groupby(["alpha", "distance"], sort=True):
        parts.append(f"alpha = {alpha:g}, d = {distance:g} (Franz-Parisi {part['franz_parisi'].iloc[0]:.3f}, large "
                     f"deviation {part['large_deviation'].iloc[0]:.3f}): "
                     + ", ".join(f"{row.method} {row.entropy:.3f} +- {row.se:.3f} ({row.position:.2f})"
                                 for row in part.itertuples()))
    small = table["at"]
    small = small[(small["N"] == smallest) & (small["kind"] == "exact") & np.isclose(small["distance"], DISTANCES[0])]
    small_parts = [f"alpha = {alpha:g}: " + ", ".join(f"{row.method} {row.entropy:.3f} +- {row.se:.3f}"
                                                       for row in part.sort_values("entropy", ascending=False)
                                                       .itertuples())
                   for alpha, part in small.groupby("alpha", sort=True)]
    energy = local_energy_at(table).reset_index()
    energy = energy[energy["N"] == largest]
    energy_parts = [f"alpha = {alpha:g}: " + ", ".join(f"{row.method} {row.energy:.3f} +- {row.se:.3f}"
                                                        for row in part.sort_values("energy").itertuples())
                    for alpha, part in energy.groupby("alpha", sort=True)]
    unsolved = solved[solved["solved"] < solved["runs"]]
    return (f"Local entropy S(d) and local energy around the solutions of simulated annealing on the cross-entropy "
            f"(fixed gamma = {_common.listing(CE_GAMMAS, '{:g}')}, and gamma annealed 0.5 -> 20), of the flip-count "
            f"searches and of fAMP, binary perceptron at alpha = {_common.listing(table['loads'], '{:g}')}, against "
            f"the replica curves (N -> infinity, lines). At N = {largest} "
            f"({_common.count_range(where['runs'])} solutions per method), each solution's BP curve interpolated, "
            "mean +- standard error and position (S - S_FP) / (S_LD - S_FP) (0: typical, 1: densest): "
            + "; ".join(parts) + f". At N = {smallest}, exact counts at d = {DISTANCES[0]:g}, typical solutions "
            "from exact sampling: " + "; ".join(small_parts) + f". Local energy at p = {COMPARE_SIZE:g}, N = "
            f"{largest}: " + "; ".join(energy_parts) + ". "
            + ("Runs without a solution (left out): " + ", ".join(
                f"{row.method} at alpha = {row.alpha:g}, N = {row.N}: {row.runs - row.solved} of {row.runs}"
                for row in unsolved.itertuples()) + ". " if len(unsolved) else "Every run found a solution. ")
            + f"{table['runs']} runs, {_common.duration(table['seconds'])} of computing time (sum of the run "
            "times).")


#: The order of the local entropies at the largest N, densest first, asserted at every load and
#: distance by :func:`expect` (each above the next by three standard errors): the smaller the
#: cross-entropy's gamma when SA reaches its first solution, the denser the region it lands in.
DENSITY_ORDER = ("famp", "sa CE gamma=1", "sa CE gamma 0.5->20", "sa CE gamma=5")


#: The method whose solutions lie on the Franz-Parisi curve of typical solutions at the largest
#: N (within the tolerance of :func:`positions`), asserted by :func:`expect`.
TYPICAL_LIKE = "sa flip count"


def _gaps(rows, order, value, label):
    """Assert ``rows[value]`` (indexed by method) decreases along ``order`` by three standard errors."""
    present = [name for name in order if name in rows.index]
    for high, low in zip(present, present[1:]):
        gap = rows.loc[high, value] - rows.loc[low, value]
        assert gap > 3 * np.hypot(rows.loc[high, "se"], rows.loc[low, "se"]), \
            f"{label}: {high} not above {low} by 3 s.e. ({value} gap {gap:.4f})"


def expect(table):
    """The outcome, asserted. At the largest N, every load and distance of :data:`DISTANCES`
    (:func:`positions`, tolerance three standard errors plus 1/N): every method's BP local
    entropy between the Franz-Parisi and the large-deviation curves within the tolerance; the
    cross-entropy solutions above the Franz-Parisi curve (not typical) and below the
    large-deviation curve and, at a fixed gamma, below the theory curve of the minimizers at that
    gamma, by more than the tolerance (the first solution an annealing reaches is not the
    minimizer of the loss); the :data:`DENSITY_ORDER` of the local entropies, and the local
    energy at p = :data:`COMPARE_SIZE` of the cross-entropy solutions in the reverse order
    (denser is flatter); the :data:`TYPICAL_LIKE` solutions on the Franz-Parisi curve within
    the tolerance. At the smallest N
    (exact counts): every mean S below H(d), and fAMP's solutions above the typical ones by three
    standard errors at every load and distance."""
    at = table["at"]
    assert (at[at["kind"] == "exact"]["entropy"] < at[at["kind"] == "exact"]["bound"]).all(), \
        "an exact local entropy reaches the bound H(d)"
    where = positions(table)
    largest = int(where["N"].max())
    assert len(where) and set(where["distance"]) == set(DISTANCES), f"N={largest}: no BP curve reaches {DISTANCES}"
    assert set(DENSITY_ORDER) <= set(where["method"]), f"N={largest}: a method of {DENSITY_ORDER} has no solution"
    for row in where.to_dict("records"):
        fp, ld, S, tol = row["franz_parisi"], row["large_deviation"], row["entropy"], row["tolerance"]
        name = f"alpha={row['alpha']:g}, N={row['N']}, d={row['distance']:g}: {row['method']} S = {S:.4f}"
        assert fp - tol < S < ld + tol, f"{name} not between Franz-Parisi {fp:.4f} and large deviation {ld:.4f}"
        if row["method"] == TYPICAL_LIKE:
            assert abs(S - fp) < tol, f"{name} not on the Franz-Parisi curve {fp:.4f} (tolerance {tol:.4f})"
        if " CE " not in row["method"]:
            continue
        assert fp + tol < S < ld - tol, (f"{name} not strictly between Franz-Parisi {fp:.4f} and large deviation "
                                         f"{ld:.4f} (tolerance {tol:.4f})")
        params = METHODS[row["method"]][1]
        if params["ce_gamma0"] == params["ce_gamma1"]:
            ce = row[f"cross_entropy {params['ce_gamma0']:g}"]
            assert S < ce - tol, (f"{name} not below the cross-entropy minimizers' {ce:.4f} at gamma = "
                                  f"{params['ce_gamma0']:g}")
    for (alpha, distance), part in where.groupby(["alpha", "distance"]):
        _gaps(part.set_index("method"), DENSITY_ORDER, "entropy", f"alpha={alpha:g}, N={largest}, d={distance:g}")
    energy = local_energy_at(table)
    for alpha in table["loads"]:
        rows = energy.loc[(alpha, largest)].assign(minus=lambda frame: -frame["energy"])
        _gaps(rows, DENSITY_ORDER[1:], "minus", f"alpha={alpha:g}, N={largest}, local energy at "
                                                f"p={COMPARE_SIZE:g} (minus)")
    small = at[(at["kind"] == "exact") & (at["N"] == at["N"].min())]
    for (alpha, distance), part in small.groupby(["alpha", "distance"]):
        _gaps(part.set_index("method"), ("famp", "typical (exact)"), "entropy",
              f"alpha={alpha:g}, N={part['N'].iloc[0]}, d={distance:g}, exact")
