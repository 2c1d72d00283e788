"""The study's figures: where their data live, and one drawing function per figure.

Every figure has a sims script that writes ``data/<mode>/<study>.h5`` (``mode`` "quick": small,
committed, minutes on 2 cores; "paper": the sizes of a paper) and a notebook
``notebooks/<NN>_<name>.py`` that reads it and saves ``docs/figures/<name>.png`` (paper data)
or ``docs/figures/quick/<name>.png`` (quick data). The environment variable ``WFM_FIGURES``
(quick | paper) chooses the data; by default a notebook uses the paper file when it exists,
else the quick one. The drawing functions below are shared by the sims scripts (``--plot``)
and the notebooks, so that both draw the same figure.
"""
import os
import pathlib

import numpy as np
import pandas as pd

from wfm import analysis, plots, store

MODES = ("quick", "paper")
ENV = "WFM_FIGURES"
#: Columns that tell models apart (one panel per model in the phase diagrams).
MODEL_COLUMNS = ("model", "weights", "kappa", "K", "tree", "activation", "output", "second_layer",
                 "inputs", "load")


def repository_root(start=None):
    """The folder holding ``sims/reproduce.py``, searched from ``start`` (default: cwd) upwards."""
    here = pathlib.Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "sims" / "reproduce.py").is_file():
            return folder
    raise FileNotFoundError(f"no wfm repository (sims/reproduce.py) in {str(here)!r} or its parents")


def data_path(study, mode=None, root=None):
    """Results file of ``study`` and the mode it belongs to.

    Parameters
    ----------
    study : str
        Name of the sims study, e.g. "phase_diagram".
    mode : {"quick", "paper"}, optional
        Default: the environment variable ``WFM_FIGURES``; if unset, "paper" when
        ``data/paper/<study>.h5`` exists, else "quick".
    root : path, optional
        Repository root (default :func:`repository_root`).

    Returns
    -------
    path : pathlib.Path
    mode : str
    """
    root = pathlib.Path(root) if root is not None else repository_root()
    mode = mode or os.environ.get(ENV) or None
    if mode is None:
        mode = "paper" if (root / "data" / "paper" / f"{study}.h5").is_file() else "quick"
    if mode not in MODES:
        raise ValueError(f"{ENV} (figure mode) must be one of {', '.join(MODES)}, got {mode!r}")
    path = root / "data" / mode / f"{study}.h5"
    if not path.is_file():
        raise FileNotFoundError(f"no {mode} data for {study!r} at {str(path)!r}; run "
                                f"python sims/reproduce.py --preset {mode} --only {study}")
    return path, mode


def figure_path(name, mode, root=None):
    """``docs/figures/<name>.png`` for paper data, ``docs/figures/quick/<name>.png`` for quick."""
    root = pathlib.Path(root) if root is not None else repository_root()
    folder = root / "docs" / "figures" / ("quick" if mode == "quick" else "")
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}.png"


def save(figure, path):
    """Save a figure whole or not at all; returns the path."""
    return plots._save(figure, path)


def _figure(panels=1, width=5.2, height=4.0):
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width * panels, height))
    return figure, [figure.add_subplot(1, panels, i + 1) for i in range(panels)]


def _text(value):
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def model_labels(runs):
    """A short text per run naming its model: the kind, then the model columns that vary
    (missing values, e.g. K of a perceptron, left out), then the weights when they do not vary."""
    present = [c for c in MODEL_COLUMNS if c in runs.columns]
    varying = [c for c in present[1:] if runs[c].nunique(dropna=False) > 1]
    fixed_weights = "weights" in present and "weights" not in varying

    def label(row):
        parts = [_text(row[present[0]])] if present else []
        parts += [f"{c}={_text(row[c])}" for c in varying if pd.notna(row[c])]
        return ", ".join(parts) + (f" ({row['weights']} weights)" if fixed_weights else "")
    return runs.apply(label, axis=1) if len(runs) else pd.Series([], dtype=object)


# --- Figure 1: phase diagrams ----------------------------------------------------------------

def phase_diagrams(runs, level=0.5, capacities=None):
    """Success probability against alpha, one panel per model, one curve per (algorithm, N).

    ``capacities`` (optional) maps a model label (:func:`model_labels`) to a theoretical
    capacity drawn as a vertical line in its panel.

    Returns
    -------
    figure : matplotlib.figure.Figure
    thresholds : pandas.DataFrame
        ``model``, ``algorithm``, ``N``, ``alpha_threshold`` (alpha at success ``level``).
    """
    runs = runs.assign(model_label=model_labels(runs))
    labels = sorted(runs["model_label"].unique())
    figure, axes = _figure(len(labels))
    tables = []
    for ax, label in zip(axes, labels):
        part = runs[runs["model_label"] == label]
        rates = analysis.success_rates(part, by=("algorithm", "N", "alpha"))
        limits = analysis.thresholds(rates, by=("algorithm", "N"), level=level)
        for (algorithm, N), curve in rates.groupby(["algorithm", "N"], sort=True):
            at = limits[(limits["algorithm"] == algorithm) & (limits["N"] == N)]["alpha_threshold"].iloc[0]
            text = f"{algorithm}, N={N}" + ("" if np.isnan(at) else f": {at:.3f}")
            line = ax.errorbar(curve["alpha"], curve["p"],
                               yerr=np.maximum([curve["p"] - curve["lo"], curve["hi"] - curve["p"]], 0.0),
                               marker="o", ms=3, capsize=2, label=text)
            if not np.isnan(at):
                ax.plot([at], [level], marker="x", ms=9, mew=2, color=line[0].get_color())
        ax.axhline(level, color="0.6", lw=0.8, ls="--")
        if capacities and label in capacities:
            ax.axvline(capacities[label], color="k", lw=1.0, ls=":",
                       label=rf"capacity $\alpha_c$ = {capacities[label]:.3f}")
        ax.set_title(label, fontsize="medium")
        ax.set_xlabel(r"$\alpha = P / N$")
        ax.set_ylabel("success probability")
        ax.set_ylim(-0.03, 1.03)
        ax.legend(fontsize="small", title=r"algorithm, N: $\alpha$ at 1/2", title_fontsize="small")
        tables.append(limits.assign(model=label))
    table = pd.concat(tables, ignore_index=True)[["model", "algorithm", "N", "alpha_threshold"]]
    return figure, table


# --- Figure 3: local energy of the solutions -------------------------------------------------

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


def load_local_energy(path, keys=None):
    """:func:`local_energy_table` of a results file (of the runs in ``keys``, default all)."""
    runs = store.load_runs(path)
    if keys is not None:
        runs = runs[runs["key"].isin(set(keys))]
    curves = {name: store.load_arrays(path, f"measures/local_energy/{name}")
              for name in ("sizes", "train", "distance")}
    return local_energy_table(runs, curves)


def local_energy_curves(table, alpha=None):
    """Local energy against the fraction of flipped weights, one curve per (algorithm, N).

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`local_energy_table`.
    alpha : float, optional
        Load, for the title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    Ns = sorted(table["N"].unique())
    colors = {name: f"C{i}" for i, name in enumerate(sorted(table["algorithm"].unique()))}
    figure, axes = _figure(len(Ns))
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


# --- Figure 4: norm annealing of cross-entropy SGD ------------------------------------------

def norm_annealing_methods(runs):
    """The method label of each run of ``sims/ce_norm_annealing.py``, read from its columns.

    "sgd <schedule>" (constant, fast, slow), "sgd fast, slow's length" (no early stop),
    "weight decay" (SGD without norm control) and the baselines by algorithm name.
    """
    def label(row):
        if row["algorithm"] != "sgd":
            return row["algorithm"]
        if row.get("params.norm_control") == "weight_decay":
            return "weight decay"
        early_stop = row.get("params.early_stop")
        if isinstance(early_stop, (bool, np.bool_)) and not early_stop:
            return "sgd fast, slow's length"
        return f"sgd {row['params.schedule']}"
    return runs.apply(label, axis=1) if len(runs) else pd.Series([], dtype=object)


def norm_annealing_summary(path, groups):
    """Per method: solved runs, mean epochs, and the mean local-energy curve with its SE.

    Parameters
    ----------
    path : path
        Results file of ``sims/ce_norm_annealing.py``.
    groups : dict
        Method label -> run keys, in the order of the table and the legend.

    Returns
    -------
    dict
        Label -> {"runs", "solved", "epochs", "mean", "se"} (curves over the noise sizes,
        averaged over the runs at zero training errors).
    """
    runs = store.load_runs(path)
    summary = {}
    for label, keys in groups.items():
        mine = runs[runs["key"].isin(set(keys))]
        solved = mine[(mine["status"] == "done") & mine["solved"].astype(bool)]
        curves = np.array([store.load_array(path, key, "measures/local_energy/train")
                           for key in solved["key"]]).reshape(len(solved), -1)
        n = len(solved)
        summary[label] = {
            "runs": len(mine), "solved": n,
            "epochs": float(solved["iterations"].mean()) if n else np.nan,
            "mean": curves.mean(axis=0) if n else np.full(curves.shape[1], np.nan),
            "se": curves.std(axis=0, ddof=1) / np.sqrt(n) if n > 1 else np.full(curves.shape[1], np.nan),
        }
    return summary


def norm_annealing(summary, sizes, title=""):
    """Local energy against the multiplicative noise sigma, one curve per method (mean +- SE
    over the solved instances); ``summary`` from :func:`norm_annealing_summary`."""
    figure, (ax,) = _figure(1, width=6.4, height=4.4)
    for label, s in summary.items():
        if s["solved"]:
            ax.errorbar(sizes, s["mean"], yerr=s["se"], marker="o", ms=4, capsize=3,
                        label=f"{label} ({s['solved']}/{s['runs']} solved)")
    ax.set_xlabel("multiplicative noise sigma")
    ax.set_ylabel("local energy (training-error increase)")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)
    return figure


# --- Figure 8: teacher-student ---------------------------------------------------------------

def teacher_student_table(runs):
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


def teacher_student_theory(alphas):
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


def teacher_student(table, curve, transitions):
    """Generalization error against alpha: points per (algorithm, N), RS theory curve.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`teacher_student_table`.
    curve, transitions
        From :func:`teacher_student_theory`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    alpha_it, alpha_sp = transitions
    figure, (ax,) = _figure(1, width=6.4, height=4.4)
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
