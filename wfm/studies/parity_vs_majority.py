"""Figure 5: a device without wide flat minima (parity output) beside one with them (majority output).

Binary tree committee machines with K = 3 sign hidden units (fixed +1 readout) learn random
+-1 patterns; the output is the majority (sign of the sum) of the hidden units or their parity
(product). Both machines are solved, on the same instances, by simulated annealing (sa) and by
its local-entropy twin, replicated SA (rsa), each on its registered training energy (sa: the
cross-entropy of the output; rsa: the flip count, the fewest weight flips that fix a pattern), at
equal numbers of moves per weight (sa: S sweeps; rsa: y replicas x S/y sweeps, y = rsa's
registered replica count, 7). At each run's final weights the
local energy (training-error increase when each weight flips with probability p) is measured
inside the sweep; at N <= 25 the exact local entropy S(d) around the solution is counted by
enumeration (wfm.measures.local_entropy_exact), and the "exact" algorithm (a uniformly random
solution) gives typical solutions and, also on a grid of higher loads (--capacity-alpha), the
fraction of instances that have a solution at all: the small-N capacity of each machine.

Loads: both machines run on the same alpha grid, on the same instances. At N = 21 the exact
enumeration gives both capacities (alpha where half the instances have a solution; quick data:
about 0.97 majority, 0.93 parity, equal within the resolution of 10 instances) and the total
entropy log(#solutions)/N, which for the parity machine is as large as for the majority
machine (equal within errors up to alpha = 0.5) or larger (alpha 0.6-0.8): at equal alpha the
parity machine is at a comparable load relative to its capacity and its solution space is not
smaller, so comparing at equal alpha does not handicap it.

Expected (the claim under test: an architecture without wide flat minima takes away the edge of
local-entropy algorithms): on the majority machine rsa finds flatter solutions and reaches
higher alpha than sa; on the parity machine the solutions are sharp whatever the algorithm and
rsa's edge shrinks or vanishes.

Examples
--------
python sims/parity_vs_majority.py --preset quick --out pvm.h5 --plot pvm.png
python sims/parity_vs_majority.py --N 21 201 --alpha 0.3:0.6:0.1 --seeds 20 --sweeps 7000 --out pvm.h5
"""
import argparse

import numpy as np
import pandas as pd

from wfm import _options, algorithms, analysis, plots, store
from wfm.studies import _common
from wfm.sweep import Sweep, script

NAME = "parity_vs_majority"
TITLE = "Figure 5: a device without wide flat minima (parity output) beside one with them"
NOTEBOOK = "notebooks/05_parity_vs_majority.ipynb"
SCRIPT = "sims/parity_vs_majority.py"
ARGUMENTS = []
KEEP = ["measures/*"]
#: Flip probability of the local energy compared across machines.
SIZE = 0.02
#: Default load of the drawn local energy and entropy curves (the grid's nearest alpha is used).
CURVE_ALPHA = 0.4
#: Line style per algorithm and colour per output rule.
PARITY_STYLES = {"sa": "--", "rsa": "-", "exact": ":"}
PARITY_COLORS = {"majority": "C0", "parity": "C3"}

OUTPUTS = ("majority", "parity")
ALGORITHMS = ("sa", "rsa")
K = 3
#: Replicas of rsa: its registered default (sa gets REPLICAS times rsa's sweeps).
REPLICAS = algorithms.get("rsa").defaults["replicas"]
#: Largest N at which the exact local entropy and the exact sampling (2^N configurations) run.
EXACT_MAX = 25
SIZES = [0.0, 0.01, 0.02, 0.05, 0.1]
GAMMAS = [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0]
PRESETS = {
    "quick": {"N": [21, 99], "alpha": "0.2:0.9:0.1", "seeds": 10, "sweeps": 3500, "samples": 200,
              "curve_alpha": 0.4, "capacity_alpha": "0.8:1.2:0.1"},
    "paper": {"N": [21, 399], "alpha": "0.2:0.8:0.05", "seeds": 30, "sweeps": 21000, "samples": 1000,
              "curve_alpha": 0.4, "capacity_alpha": "0.85:1.3:0.05"},
}


def build_parser():
    """The argument parser of the script."""
    parser = _options.Parser(prog="parity_vs_majority.py",
                             description="A device without wide flat minima (parity output) beside one with "
                                         "them (majority output).",
                           formatter_class=argparse.RawDescriptionHelpFormatter, epilog=f"""
presets (explicit options override them):
  quick  K = 3, N = 21 99, alpha 0.2:0.9:0.1, 10 seeds, sa 3500 sweeps / rsa 7 x 500 (a
         twentieth of their registered budgets, same ratio: the committee kernels of the
         cross-entropy and flip-count energies make about 0.1-0.2 million moves per second at
         N = 99), 200 perturbations per flip probability, exact sampling at N = 21 also at
         alpha 0.8:1.2:0.1 (exact at alpha 0.8 and 0.9 on the algorithms' grid).
  paper  N = 21 399, alpha 0.2:0.8:0.05, 30 seeds, sa 21000 sweeps / rsa 7 x 3000, 1000
         perturbations: not measured; an unsolved sa run makes 21000 x N moves, at about 0.05
         million moves per second on one core (measured at N = 201) several minutes at
         N = 399: many hours on 2 cores, use --executor dask.
At N <= {EXACT_MAX} every run also gets the exact local entropy, and the "exact" algorithm runs on the
alpha grid and on the capacity grid (quick 0.8:1.2:0.1, paper 0.85:1.3:0.05).""")
    parser.add_argument("--preset", choices=sorted(PRESETS), help="default grid, see below")
    parser.add_argument("--N", nargs="+", metavar="N", help=f"input sizes, multiples of K = {K}")
    parser.add_argument("--alpha", nargs="+", metavar="A", help="loads P / N (list or start:stop:step)")
    parser.add_argument("--seeds", type=int, help="instances per (N, alpha)")
    parser.add_argument("--sweeps", type=int, help=f"sa sweeps, a multiple of {REPLICAS}; rsa gets sweeps / "
                        f"{REPLICAS} with {REPLICAS} replicas (equal moves per weight)")
    parser.add_argument("--sizes", nargs="+", metavar="P", help="flip probabilities of the local energy "
                        "(default: " + " ".join(map(str, SIZES)) + ")")
    parser.add_argument("--samples", type=int, help="perturbations per flip probability and solution")
    parser.add_argument("--capacity-alpha", nargs="+", metavar="A", help=f"further loads of the exact "
                        f"sampling at N <= {EXACT_MAX} (solvable fraction; default: the preset's, else none)")
    parser.add_argument("--curve-alpha", type=float, help="load of the drawn local energy / entropy curves "
                        "(default: 0.4, or the grid's alpha nearest to it)")
    parser.add_argument("--seed", type=int, default=0, help="sweep seed (default 0)")
    script.add_run_options(parser, "parity_vs_majority.h5")
    return parser


def settings(args):
    """The checked grid: dict with N, alpha, seeds, sweeps, sizes, samples, curve_alpha."""
    preset = script.preset_or_options(args, PRESETS, "N", "alpha", "seeds")
    fallback = preset or PRESETS["quick"]
    Ns = _options.numbers("--N", args.N, kind=int) if args.N else preset["N"]
    alphas = _options.numbers("--alpha", args.alpha or [preset["alpha"]])
    seeds = args.seeds if args.seeds is not None else preset["seeds"]
    sweeps = args.sweeps if args.sweeps is not None else fallback["sweeps"]
    samples = args.samples if args.samples is not None else fallback["samples"]
    sizes = _options.numbers("--sizes", args.sizes) if args.sizes else SIZES
    if any(N < K or N % K for N in Ns):
        raise ValueError(f"--N must be multiples of K = {K}, got {Ns}")
    if min(alphas) <= 0:
        raise ValueError(f"--alpha must be > 0, got {min(alphas):g}")
    if seeds < 1 or samples < 2:
        raise ValueError(f"--seeds must be >= 1 and --samples >= 2, got {seeds} and {samples}")
    if sweeps < REPLICAS or sweeps % REPLICAS:
        raise ValueError(f"--sweeps must be a positive multiple of the {REPLICAS} replicas of rsa "
                         f"(equal moves per weight), got {sweeps}")
    if any(not 0 <= p <= 1 for p in sizes):
        raise ValueError(f"--sizes are flip probabilities in [0, 1], got {sizes}")
    capacity = _options.numbers("--capacity-alpha", args.capacity_alpha or [preset["capacity_alpha"]]) \
        if args.capacity_alpha or preset else []
    if capacity and min(capacity) <= 0:
        raise ValueError(f"--capacity-alpha must be > 0, got {min(capacity):g}")
    wanted = args.curve_alpha if args.curve_alpha is not None else fallback["curve_alpha"]
    curve_alpha = min(alphas, key=lambda a: abs(a - wanted))
    return {"N": sorted(set(Ns)), "alpha": alphas, "seeds": seeds, "sweeps": sweeps, "sizes": sizes,
            "samples": samples, "curve_alpha": curve_alpha,
            "capacity_alpha": sorted(set(capacity) - set(alphas))}


def sweeps(grid, seed=0):
    """The :class:`wfm.sweep.Sweep` objects: (output, algorithm) at every N; exact only at small N,
    where it also runs on the capacity grid."""
    budget = {"sa": {"sweeps": grid["sweeps"]},
              "rsa": {"sweeps": grid["sweeps"] // REPLICAS, "replicas": REPLICAS}}
    energy = {"local_energy": {"noise": "flip", "sizes": grid["sizes"], "samples": grid["samples"]}}
    exact = {**energy, "local_entropy_exact": {"gammas": GAMMAS}}
    small = [N for N in grid["N"] if N <= EXACT_MAX]
    large = [N for N in grid["N"] if N > EXACT_MAX]
    out = []
    for output in OUTPUTS:
        model = {"model": "committee", "K": K, "tree": True, "weights": "binary", "output": output}
        for name in ALGORITHMS + ("exact",):
            for Ns, measures in ((small, exact), ([] if name == "exact" else large, energy)):
                if Ns:
                    out.append(Sweep(problem={"kind": "storage", "inputs": "pm1"}, model=model,
                                     algorithm=name, params=budget.get(name, {}),
                                     product={"N": Ns, "alpha": grid["alpha"]}, seeds=grid["seeds"],
                                     seed=seed, measures=measures))
        if small and grid["capacity_alpha"]:
            out.append(Sweep(problem={"kind": "storage", "inputs": "pm1"}, model=model, algorithm="exact",
                             product={"N": small, "alpha": grid["capacity_alpha"]}, seeds=grid["seeds"],
                             seed=seed, measures=exact))
    return out


def plan(args):
    """The sweeps of the validated settings; the analysis reads the settings too."""
    grid = settings(args)
    return sweeps(grid, args.seed), grid


def analyse(grid, outcome):
    """Draw the comparison of this study's runs; print the summary table."""
    data = table(outcome.out, outcome.keys, alpha=grid["curve_alpha"])
    plots.save(draw(data), outcome.figure)
    print(f"{outcome.figure}: success rates, local energy and exact local entropy, majority vs parity output")
    print(data["summary"].to_string())


def main(argv=None):
    """Run the script; returns the exit code (0, 2 for a usage error, 130 when interrupted)."""
    return script.main(build_parser(), plan, analyse, argv)


def tables(path, keys=None):
    """The tables of the figure from a results file of this study.

    Returns
    -------
    dict
        ``success``: :func:`wfm.analysis.success_rates` by (output, algorithm, N, alpha);
        ``energy``: mean local energy of the solutions by (output, algorithm, N, alpha) and flip
        probability ``size`` (columns ``distance``, ``energy``, ``se``, ``runs``);
        ``entropy``: mean exact local entropy of the solutions (N <= 25) by (output, algorithm,
        N, alpha) and coupling ``gamma`` (columns ``distance``, ``entropy``, ``se``, ``runs``);
        at gamma = 0 the entropy is the instance's total entropy log(#solutions) / N;
        ``neighbours``: per solved run with exact counts, ``output``, ``algorithm``, ``N``,
        ``alpha``, ``single`` (fraction of the single-weight flips that keep zero training
        error, counts[1] / N) and ``total`` (log(#solutions) / N).
    """
    runs = _common.load_runs(path, keys)
    by = ["output", "algorithm", "N", "alpha"]
    solved = runs[(runs["status"] == "done") & runs["solved"].eq(True)]
    energy = {name: store.load_arrays(path, f"measures/local_energy/{name}") for name in ("train", "distance")}
    energy["grid"] = store.load_arrays(path, "measures/local_energy/sizes")
    entropy = {name: store.load_arrays(path, f"measures/local_entropy_exact/{name}")
               for name in ("distance", "entropy")}
    entropy["grid"] = store.load_arrays(path, "measures/local_entropy_exact/gammas")
    counts = store.load_arrays(path, "measures/local_entropy_exact/counts")
    neighbours = pd.DataFrame(
        [{**dict(zip(by, row[1:])), "single": counts[row[0]][1] / (counts[row[0]].size - 1),
          "total": np.log(counts[row[0]].sum()) / (counts[row[0]].size - 1)}
         for row in solved[["key"] + by].itertuples(index=False) if row[0] in counts],
        columns=by + ["single", "total"])
    return {"success": analysis.success_rates(runs, by=by), "neighbours": neighbours,
            "energy": analysis.mean_curves(solved, energy, by, "distance", "train").rename(
                columns={"grid": "size", "train": "energy"}),
            "entropy": analysis.mean_curves(solved, entropy, by, "distance", "entropy").rename(columns={"grid": "gamma"})}


def summary(data, alpha, size=SIZE):
    """Per (output, algorithm): the machine's capacity at the smallest N (alpha where half the
    instances have a solution, from the "exact" runs), the threshold (success 1/2) at the largest
    N, the local energy at flip probability ``size`` at ``alpha`` (largest N) and, at the
    smallest N, the solved fraction at ``alpha``, the fraction of single flips that keep a
    solution and the total entropy log(#solutions) / N (means and standard errors over the
    solved runs)."""
    success, energy = data["success"], data["energy"]
    big = success["N"].max()
    limits = analysis.thresholds(success[success["N"] == big], by=("output", "algorithm"))
    limits = limits.set_index(["output", "algorithm"])["alpha_threshold"]
    low = success["N"].min()
    capacity = analysis.thresholds(success[(success["N"] == low) & (success["algorithm"] == "exact")], by=("output",))
    capacity = capacity.set_index("output")["alpha_threshold"]
    rows = []
    for (output, algorithm), group in success.groupby(["output", "algorithm"], sort=True):
        row = {"output": output, "algorithm": algorithm}
        if output in capacity.index:
            row[f"capacity N={low}"] = capacity[output]
        if (output, algorithm) in limits.index:
            row[f"threshold N={big}"] = limits[output, algorithm]
        at = energy[(energy["output"] == output) & (energy["algorithm"] == algorithm)
                    & (energy["N"] == big) & np.isclose(energy["alpha"], alpha)]
        at = at.iloc[(at["size"] - size).abs().argsort()[:1]] if len(at) else at
        if len(at):
            row[f"energy p={at['size'].iloc[0]:g}"] = at["energy"].iloc[0]
            row["energy se"] = at["se"].iloc[0]
        small = success[(success["output"] == output) & (success["algorithm"] == algorithm)
                        & (success["N"] == success["N"].min()) & np.isclose(success["alpha"], alpha)]
        if len(small):
            row[f"solved N={small['N'].iloc[0]}"] = small["p"].iloc[0]
        near = data["neighbours"]
        near = near[(near["output"] == output) & (near["algorithm"] == algorithm) & np.isclose(near["alpha"], alpha)]
        if len(near):
            row["single flips kept"], row["single se"] = near["single"].mean(), analysis.standard_error(near["single"])
            row["total entropy"] = near["total"].mean()
        rows.append(row)
    return pd.DataFrame(rows).set_index(["output", "algorithm"])


def table(path, keys=None, alpha=CURVE_ALPHA):
    """:func:`tables` of the runs in ``path`` (those in ``keys``, default all), with ``runs``,
    ``alpha`` (the algorithms' grid load nearest to ``alpha``, where the curves are drawn) and
    ``summary`` (:func:`summary` at that load)."""
    runs = _common.load_runs(path, keys)
    out = tables(path, keys)
    grid = runs[runs["algorithm"] != "exact"]["alpha"].unique()
    out["alpha"] = float(min(grid, key=lambda a: abs(a - alpha)))
    out["summary"] = summary(out, out["alpha"])
    out["runs"] = runs
    return out


def draw(data, alpha=None, size=SIZE):
    """Majority vs parity output of a binary tree committee, sa vs rsa; ``data`` from :func:`table`.

    Panels: (a) success probability against alpha at the largest N, with the fraction of
    instances that have a solution at the smallest N (exact enumeration, dotted); (b) local
    energy at flip probability ``size`` against alpha (largest N, solutions only); (c) local
    energy curves at ``alpha`` (default: the table's; largest N); (d) exact local entropy S(d) around the solutions
    at ``alpha`` (smallest N, when measured), with the bound H(d) and typical solutions.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from wfm.theory import binary_entropy

    alpha = data["alpha"] if alpha is None else alpha
    success, energy, entropy = data["success"], data["energy"], data["entropy"]
    big, small = success["N"].max(), success["N"].min()
    figure, axes = plots.new_figure(4, width=4.6, height=4.0)

    def style(output, algorithm):
        return {"color": PARITY_COLORS.get(output, "k"), "ls": PARITY_STYLES.get(algorithm, "-.")}

    ax = axes[0]
    for (output, algorithm, N), curve in success.groupby(["output", "algorithm", "N"], sort=True):
        if N == big and algorithm != "exact":
            ax.errorbar(curve["alpha"], curve["p"], yerr=[(curve["p"] - curve["lo"]).clip(lower=0.0),
                                                      (curve["hi"] - curve["p"]).clip(lower=0.0)],
                        marker="o", ms=3, capsize=2, label=f"{output}, {algorithm}", **style(output, algorithm))
        elif algorithm == "exact" and N == small:
            ax.plot(curve["alpha"], curve["p"], marker=".", label=f"{output}, solvable (N={N})",
                    **style(output, algorithm))
    ax.set_xlabel("alpha = P / N")
    ax.set_ylabel("success probability")
    ax.set_title(f"(a) K=3 tree committee, N={big}", fontsize="medium")
    ax.set_ylim(-0.04, 1.5)
    ax.legend(fontsize="x-small", loc="upper center", ncol=2)

    ax = axes[1]
    here = energy[energy["N"] == big]
    if len(here):
        chosen = here["size"].unique()[np.abs(here["size"].unique() - size).argmin()]
        for (output, algorithm), curve in here[here["size"] == chosen].groupby(["output", "algorithm"], sort=True):
            ax.errorbar(curve["alpha"], curve["energy"], yerr=curve["se"].fillna(0.0), marker="o", ms=3,
                        capsize=2, label=f"{output}, {algorithm}", **style(output, algorithm))
        ax.set_title(f"(b) local energy at p={chosen:g}, N={big}", fontsize="medium")
    ax.set_xlabel("alpha = P / N")
    ax.set_ylabel("local energy of the solutions")
    ax.legend(fontsize="x-small")

    ax = axes[2]
    here = energy[(energy["N"] == big) & np.isclose(energy["alpha"], alpha)]
    for (output, algorithm), curve in here.groupby(["output", "algorithm"], sort=True):
        ax.errorbar(curve["distance"], curve["energy"], yerr=curve["se"].fillna(0.0), marker="o", ms=3,
                    capsize=2, label=f"{output}, {algorithm} ({curve['runs'].min()})", **style(output, algorithm))
    ax.set_xlabel("fraction of flipped weights d")
    ax.set_ylabel("local energy (training-error increase)")
    ax.set_title(f"(c) local energy, N={big}, alpha={alpha:g}", fontsize="medium")
    ax.legend(fontsize="x-small", title="(solutions)", title_fontsize="x-small")

    ax = axes[3]
    here = entropy[np.isclose(entropy["alpha"], alpha)]
    d = np.linspace(0.0, 0.5, 201)
    ax.plot(d, binary_entropy(d), color="k", lw=1.0, label="bound H(d)")
    for (output, algorithm, N), curve in here.groupby(["output", "algorithm", "N"], sort=True):
        name = "typical" if algorithm == "exact" else algorithm
        ax.errorbar(curve["distance"], curve["entropy"], yerr=curve["se"].fillna(0.0), marker="s", ms=3,
                    capsize=2, label=f"{output}, {name} ({curve['runs'].min()})", **style(output, algorithm))
    ax.axhline(0.0, color="0.6", lw=0.8)
    ax.set_xlim(0.0, 0.5)
    ax.set_xlabel("distance d from the solution")
    ax.set_ylabel("exact local entropy S(d) (nats per weight)")
    ax.set_title(f"(d) exact local entropy, N={small}, alpha={alpha:g}", fontsize="medium")
    ax.legend(fontsize="x-small", title="(solutions)", title_fontsize="x-small")
    figure.tight_layout()
    return figure


def totals(data):
    """Total entropy log(#solutions) / N of the exact runs, mean and s.e. by (alpha, output), on
    the alpha grid of the algorithms at the largest N."""
    near, success = data["neighbours"], data["success"]
    grid = sorted(success[success["N"] == success["N"].max()]["alpha"].unique())
    entropy = near[near["algorithm"] == "exact"].groupby(["alpha", "output"])["total"].agg(["mean", "sem"]).unstack()
    return entropy.loc[grid]


def expect(data):
    """On the same instances the parity machine has at least as many solutions as the majority
    machine (total entropy within two standard errors or above, smallest N, exact) and a
    capacity within 0.1 of it (both above 0.8), yet sa and rsa fail on it at lower alpha (every
    parity threshold 0.1 below every majority one, largest N), and its solutions are sharper for
    both algorithms: local energy at p = 0.02 above the majority machine's by three standard
    errors at every alpha (at least three) where both have three solutions (largest N), and
    fewer single-weight flips keep zero error (two standard errors; sa, rsa and typical
    solutions, smallest N). On the majority machine rsa succeeds more often than sa at equal
    moves per weight, by more than the Wilson one-sigma error bars at some alpha (largest N)."""
    total = totals(data)
    gap = total["mean"]["parity"] - total["mean"]["majority"]
    assert (gap > -2 * np.hypot(total["sem"]["parity"], total["sem"]["majority"])).all(), \
        f"parity machine with fewer solutions:\n{total}"
    table, small, big = data["summary"], data["success"]["N"].min(), data["success"]["N"].max()
    capacity = table[f"capacity N={small}"].groupby("output").first()
    assert abs(capacity["parity"] - capacity["majority"]) < 0.1 and capacity.min() > 0.8, \
        f"capacities {capacity.to_dict()}"
    limits = table[f"threshold N={big}"].dropna()
    assert max(limits["parity"]) + 0.1 < min(limits["majority"]), f"thresholds {limits.to_dict()}"
    energy = data["energy"]
    at = energy[(energy["N"] == big) & np.isclose(energy["size"], SIZE) & (energy["runs"] >= 3)]
    for algorithm in ("sa", "rsa"):
        here = at[at["algorithm"] == algorithm]
        both = here[here["output"] == "parity"].merge(here[here["output"] == "majority"], on="alpha",
                                                      suffixes=("_p", "_m"))
        assert len(both) >= 3, f"{algorithm}: fewer than 3 loads with solutions of both machines"
        assert (both["energy_p"] - both["energy_m"] > 3 * np.hypot(both["se_p"], both["se_m"])).all(), \
            f"{algorithm}: parity solutions not sharper by 3 s.e.:\n{both}"
    for algorithm in ("sa", "rsa", "exact"):
        m, p = table.loc[("majority", algorithm)], table.loc[("parity", algorithm)]
        assert m["single flips kept"] - p["single flips kept"] > 2 * np.hypot(m["single se"], p["single se"]), \
            f"{algorithm}: parity solutions keep as many single flips"
    success = data["success"]
    majority = success[(success["N"] == big) & (success["output"] == "majority")]
    assert _common.above_error_bars(majority, "rsa", "sa"), \
        f"N={big}: rsa not above sa by more than the error bars on the majority machine at any alpha"


def caption(data):
    """The figure's caption, every number from the data."""
    runs, table, alpha = data["runs"], data["summary"], data["alpha"]
    small, big = data["success"]["N"].min(), data["success"]["N"].max()
    capacity = table[f"capacity N={small}"].groupby("output").first()
    total = totals(data).loc[alpha]
    energy = [column for column in table.columns if column.startswith("energy p=")][0]
    per_point = runs[runs["algorithm"] != "exact"].groupby(["output", "algorithm", "N", "alpha"]).size()
    exact_alphas = sorted(runs[runs["algorithm"] == "exact"]["alpha"].unique())

    def by(column, form="{:.3f}"):
        return "; ".join(f"{output} " + " / ".join(form.format(table.loc[(output, name), column])
                                                   for name in ("sa", "rsa"))
                         for output in OUTPUTS)

    return (f"Binary tree committees, K = {int(runs['K'].iloc[0])}, majority or parity output, on the same random "
            f"instances ({_common.count_range(per_point)} per point), solved by SA ({_common.budget(runs, 'sa')}) "
            f"and replicated SA ({_common.budget(runs, 'rsa')}, equal moves per weight). At N = {small} exact "
            f"enumeration (up to alpha = {max(exact_alphas):g}) gives the capacities (alpha where half the "
            f"instances have a solution): majority {capacity['majority']:.2f}, parity {capacity['parity']:.2f}; "
            f"total entropy log(#solutions)/N at alpha = {alpha:g}: majority {total['mean']['majority']:.3f} +- "
            f"{total['sem']['majority']:.3f}, parity {total['mean']['parity']:.3f} +- "
            f"{total['sem']['parity']:.3f}. Alpha where half the runs succeed at N = {big}, sa / rsa: "
            f"{by(f'threshold N={big}')}. Local energy at flip probability {energy.split('=')[1]}, alpha = "
            f"{alpha:g}, N = {big}: {by(energy)}. Fraction of single-weight flips that keep zero error at "
            f"N = {small}, alpha = {alpha:g}, sa / rsa / typical: "
            + "; ".join(f"{output} " + " / ".join(f"{table.loc[(output, name), 'single flips kept']:.2f}"
                                                  for name in ("sa", "rsa", "exact")) for output in OUTPUTS)
            + f". {_common.cost(runs)}.")
