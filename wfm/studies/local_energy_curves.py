"""Figure 3: local energy of the solutions each algorithm finds, at equal load (binary perceptron).

Every algorithm solves the same random storage instances (binary perceptron, +-1 patterns) at
one load alpha; at each solution the local energy (mean training-error increase when each
weight is flipped with probability p) is measured with wfm.measures.local_energy inside the
sweep. The figure shows the mean over solutions against the realised fraction of flipped
weights d, one curve per algorithm with standard errors over instances, one panel per N. The
"exact" algorithm (a uniformly random solution, by enumeration; N <= 25) gives typical
solutions for contrast. Expected (Baldassi et al., PNAS 2016): fBP/fAMP find flatter solutions
(lower local energy) than the perceptron rule, and much flatter than typical ones, and RSA
flatter than SA. SA and RSA are compared as twins on one energy: ``sa`` anneals the flip count,
the energy of ``rsa`` (:data:`wfm.studies._common.TWIN_ENERGY`); the other algorithms run with
their registered defaults (Greedy and RGreedy on the cross-entropy).

Examples
--------
python sims/local_energy_curves.py --preset quick --out le.h5 --plot le.png
python sims/local_energy_curves.py --algorithm famp --algorithm perceptron --N 401 --alpha 0.5 --seeds 20 --out le.h5
"""
import argparse

import numpy as np
import pandas as pd

from wfm import _options, algorithms, plots, store
from wfm.studies import _common
from wfm.sweep import Sweep, script

NAME = "local_energy_curves"
TITLE = "Figure 3: local energy of the solutions each algorithm finds"
NOTEBOOK = "notebooks/03_local_energy_curves.ipynb"
SCRIPT = "sims/local_energy_curves.py"
ARGUMENTS = []
KEEP = ["measures/*"]
#: Flip probability at which the algorithms are compared.
COMPARE = 0.05

#: Algorithms of the default comparison, in this order, when registered.
DEFAULT = ("famp", "fbp", "perceptron", "sa", "rsa", "greedy", "rgreedy", "exact")
#: The Monte Carlo searches, whose budget and energy the caption states.
MONTE_CARLO = ("sa", "rsa", "greedy", "rgreedy")
#: Largest N at which the "exact" algorithm (enumeration of 2^N configurations) runs.
EXACT_MAX = 25
SIZES = [0.0, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15]
PRESETS = {
    "quick": {"N": [21, 201], "seeds": 20, "samples": 200},
    "paper": {"N": [25, 1001], "seeds": 100, "samples": 1000},
}


def build_parser():
    """The argument parser of the script."""
    parser = _options.Parser(prog="local_energy_curves.py",
                             description="Local energy of the solutions each algorithm finds, at equal load "
                                         "(binary perceptron).",
                           formatter_class=argparse.RawDescriptionHelpFormatter, epilog=f"""
presets (explicit options override them):
  quick  alpha = 0.5, N = 21 201 (exact at N = 21 only), 20 seeds, 200 perturbations per size
         (300 runs; sa on the flip count, the energy of its twin rsa; rsa, greedy, rgreedy
         at their registered defaults): 68 s of computing time (sum of the run times).
  paper  alpha = 0.5, N = 25 1001 (exact at N = 25), 100 seeds, 1000 perturbations per size:
         estimated about 1 hour on 2 cores (not measured).
default algorithms: the registered ones among {', '.join(DEFAULT)}; exact only at N <= {EXACT_MAX};
sa anneals the energy of its twin rsa ({_common.TWIN_ENERGY['sa']['energy']}) unless --param sa.energy is given.""")
    parser.add_argument("--preset", choices=sorted(PRESETS), help="default grid, see below")
    parser.add_argument("--algorithm", action="append", metavar="NAME",
                        help=f"algorithm, repeatable; registered: {', '.join(algorithms.names())}")
    parser.add_argument("--N", nargs="+", metavar="N", help="input sizes (list, or comma-separated)")
    parser.add_argument("--alpha", type=float, default=0.5, help="load P / N (default 0.5)")
    parser.add_argument("--seeds", type=int, help="instances per N")
    parser.add_argument("--sizes", nargs="+", metavar="P", help="flip probabilities (default: "
                        + " ".join(map(str, SIZES)) + ")")
    parser.add_argument("--samples", type=int, help="perturbations per size and solution")
    parser.add_argument("--seed", type=int, default=0, help="sweep seed (default 0)")
    parser.add_argument("--param", action="append", default=[], metavar="ALGORITHM.NAME=VALUE",
                        help="hyperparameter of one algorithm, repeatable")
    script.add_run_options(parser, "local_energy_curves.h5")
    return parser


def sweeps(args):
    """One :class:`wfm.sweep.Sweep` per algorithm (exact only at N <= EXACT_MAX)."""
    names = script.algorithm_names(args.algorithm, DEFAULT)
    preset = script.preset_or_options(args, PRESETS, "N", "seeds")
    Ns = _options.numbers("--N", args.N, kind=int) if args.N else preset["N"]
    seeds = args.seeds if args.seeds is not None else preset["seeds"]
    samples = args.samples if args.samples is not None else (preset or PRESETS["quick"])["samples"]
    if not 0 < args.alpha:
        raise ValueError(f"--alpha must be > 0, got {args.alpha:g}")
    if seeds < 1 or samples < 2:
        raise ValueError(f"--seeds must be >= 1 and --samples >= 2, got {seeds} and {samples}")
    sizes = _options.numbers("--sizes", args.sizes) if args.sizes else SIZES
    if any(not 0 <= p <= 1 for p in sizes):
        raise ValueError(f"--sizes are flip probabilities in [0, 1], got {sizes}")
    params = script.algorithm_params(args.param, names)
    measures = {"local_energy": {"noise": "flip", "sizes": sizes, "samples": samples}}
    out = []
    for name in names:
        grid = [N for N in Ns if N <= EXACT_MAX] if name == "exact" else Ns
        if not grid:
            continue
        out.append(Sweep(problem={"kind": "storage", "inputs": "pm1", "alpha": args.alpha},
                         model={"model": "perceptron", "weights": "binary"}, algorithm=name,
                         params={**_common.TWIN_ENERGY.get(name, {}), **params[name]}, product={"N": grid}, seeds=seeds, seed=args.seed,
                         measures=measures))
    if not out:
        raise ValueError(f"nothing to run: exact needs N <= {EXACT_MAX}")
    return out


def plan(args):
    """The sweeps of the options; the analysis reads the options too."""
    return sweeps(args), args


def analyse(args, outcome):
    """Draw the local-energy curves of this study's runs; print each at p = COMPARE."""
    data = table(outcome.out, outcome.keys)
    plots.save(draw(data, alpha=args.alpha), outcome.figure)
    print(f"{outcome.figure}: local energy against the fraction of flipped weights")
    for (algorithm, N), curve in data.groupby(["algorithm", "N"], sort=True):
        row = curve.iloc[(curve["size"] - COMPARE).abs().argmin()]
        print(f"  {algorithm:>12} N={N:<6} {row['runs']} solutions; at p={row['size']:g}: "
              f"{row['energy']:.4f} +- {row['se']:.4f}")


def main(argv=None):
    """Run the script; returns the exit code (0, 2 for a usage error, 130 when interrupted)."""
    return script.main(build_parser(), plan, analyse, argv)


def local_energy_table(runs, curves, solved_only=True):
    """Mean local-energy curve over instances, per (algorithm, N).

    Parameters
    ----------
    runs : pandas.DataFrame
        From :func:`wfm.store.load_runs` (one row per run).
    curves : dict
        Name -> {run key -> array} for "sizes", "train" and "distance", as given by
        :func:`wfm.store.load_arrays` with ``measures/local_energy/<name>``.
    solved_only : bool
        Use only the runs that found a solution (local energy of solutions).

    Returns
    -------
    pandas.DataFrame
        ``algorithm``, ``N``, ``size`` (flip probability), ``distance`` (mean realised
        fraction of flipped weights), ``energy`` (mean training-error increase over
        instances), ``se`` (its standard error over instances), ``runs``.
    """
    done = runs[runs["status"] == "done"]
    if solved_only:
        done = done[done["solved"].eq(True)]
    rows = []
    for (algorithm, N), group in done.groupby(["algorithm", "N"], sort=True):
        keys = [k for k in group["key"] if k in curves["train"]]
        if not keys:
            continue
        sizes = curves["sizes"][keys[0]]
        train = np.array([curves["train"][k] for k in keys])
        distance = np.array([curves["distance"][k] for k in keys])
        se = train.std(axis=0, ddof=1) / np.sqrt(len(keys)) if len(keys) > 1 else np.full(len(sizes), np.nan)
        for i, size in enumerate(sizes):
            rows.append({"algorithm": algorithm, "N": int(N), "size": float(size),
                         "distance": float(distance[:, i].mean()), "energy": float(train[:, i].mean()),
                         "se": float(se[i]), "runs": len(keys)})
    return pd.DataFrame(rows, columns=["algorithm", "N", "size", "distance", "energy", "se", "runs"])


def table(path, keys=None):
    """:func:`local_energy_table` of a results file (of the runs in ``keys``, default all).

    The table's ``attrs`` hold the load ``alpha``, the number of ``runs`` and ``instances`` per
    N, the summed run time ``seconds``, the ``budgets`` (budget and energy, as text) of the
    Monte Carlo searches that ran and ``twins`` (:func:`wfm.studies._common.twin_energy`).
    """
    runs = _common.load_runs(path, keys)
    curves = {name: store.load_arrays(path, f"measures/local_energy/{name}")
              for name in ("sizes", "train", "distance")}
    out = local_energy_table(runs, curves)
    out.attrs.update(_common.summary(runs))
    out.attrs["budgets"] = {name: _common.budget(runs, name) for name in MONTE_CARLO
                            if (runs["algorithm"] == name).any()}
    out.attrs["twins"] = _common.twin_energy(runs)
    return out


def draw(table, alpha=None):
    """Local energy against the fraction of flipped weights, one curve per (algorithm, N).

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`table`.
    alpha : float, optional
        Load, for the title (default: the table's ``alpha`` attribute).

    Returns
    -------
    matplotlib.figure.Figure
    """
    alpha = table.attrs.get("alpha") if alpha is None else alpha
    Ns = sorted(table["N"].unique())
    colors = {name: f"C{i}" for i, name in enumerate(sorted(table["algorithm"].unique()))}
    figure, axes = plots.new_figure(len(Ns))
    for ax, N in zip(axes, Ns):
        for algorithm, curve in table[table["N"] == N].groupby("algorithm", sort=True):
            ax.errorbar(curve["distance"], curve["energy"], yerr=curve["se"].fillna(0.0), marker="o",
                        ms=3, capsize=2, color=colors[algorithm],
                        label=f"{algorithm} ({curve['runs'].iloc[0]} solutions)")
        ax.set_xlabel("fraction of flipped weights d")
        ax.set_ylabel("local energy (training-error increase)")
        ax.set_title(f"binary perceptron, N={N}" + (f", alpha={alpha:g}" if alpha is not None else ""),
                     fontsize="medium")
        ax.legend(fontsize="small")
    return figure


def at(table, size=COMPARE):
    """The rows at flip probability ``size``, indexed by (N, algorithm)."""
    return table[np.isclose(table["size"], size)].set_index(["N", "algorithm"])


def expect(table):
    """Zero local energy at p = 0 and curves rising with p; at p = 0.05, differences of more than
    two (three where stated) standard errors: typical solutions (exact sampling) sharper than
    those of fAMP, fBP and the perceptron rule; at N >= 101 the perceptron rule's sharper than
    fAMP's and fBP's (three), and SA's sharper than RSA's (the twins on one energy, the flip
    count: local entropy selects flatter solutions than annealing the energy alone)."""
    assert (table[table["size"] == 0]["energy"] == 0).all(), "local energy at p = 0 is not 0"
    for key, curve in table.groupby(["N", "algorithm"]):
        assert np.all(np.diff(curve.sort_values("size")["energy"]) > 0), f"{key}: local energy does not rise with p"
    rows = at(table)
    for N in rows.index.get_level_values("N").unique():
        here = rows.loc[N]
        if "exact" in here.index:
            others = here.loc[[name for name in ("famp", "fbp", "perceptron") if name in here.index]]
            se = np.hypot(here.loc["exact", "se"], others["se"])
            assert (here.loc["exact", "energy"] - others["energy"] > 2 * se).all(), \
                f"N={N}: typical solutions not sharper than {list(others.index)} by 2 s.e."
        if N < 101:
            continue
        if "perceptron" in here.index:
            for name in {"famp", "fbp"} & set(here.index):
                gap = here.loc["perceptron", "energy"] - here.loc[name, "energy"]
                assert gap > 3 * np.hypot(here.loc["perceptron", "se"], here.loc[name, "se"]), \
                    f"N={N}: {name} not flatter than the perceptron rule by 3 s.e. (gap {gap:.4f})"
        if {"sa", "rsa"} <= set(here.index):
            gap = here.loc["sa", "energy"] - here.loc["rsa", "energy"]
            assert gap > 2 * np.hypot(here.loc["sa", "se"], here.loc["rsa", "se"]), \
                f"N={N}: rsa not flatter than sa by 2 s.e. (gap {gap:.4f})"


def caption(table):
    """The figure's caption, every number from the data."""
    rows = at(table)
    parts = []
    for N in sorted(rows.index.get_level_values("N").unique(), reverse=True):
        here = rows.loc[N].sort_values("energy")
        parts.append(f"N = {N}: " + ", ".join(f"{name} {row.energy:.3f} +- {row.se:.3f} ({int(row.runs)})"
                                              for name, row in here.iterrows()))
    return (f"Local energy (training-error increase when each weight flips with probability p) of the solutions "
            f"found at alpha = {table.attrs['alpha']:g}, against the fraction of flipped weights, mean and standard "
            f"error over the solved instances of {table.attrs['instances']}. At p = {COMPARE:g}, mean +- s.e. "
            f"(solutions): " + "; ".join(parts) + ". Typical solutions come from exact sampling (algorithm exact)"
            + ("; budgets and energies of the Monte Carlo searches: "
               + ", ".join(f"{name} {text}" for name, text in table.attrs["budgets"].items())
               if table.attrs.get("budgets") else "")
            + (f" ({table.attrs['twins']})" if table.attrs.get("twins") else "") + ". "
            f"{table.attrs['runs']} runs, {_common.duration(table.attrs['seconds'])} of computing time "
            "(sum of the run times).")
