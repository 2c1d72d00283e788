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
    return plots.save(figure, path)


def sweep_specs(path):
    """The sweep specifications a results file records (root attribute ``sweeps``), oldest first;
    each is what the sims script passed to the store (a list of Sweep specs, or a dict)."""
    import json

    import h5py

    with h5py.File(path, "r", locking=False) as f:
        return [entry["sweep"] for entry in json.loads(f.attrs.get("sweeps", "[]"))]


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
    """A short text per run naming its model: the kind, then the model columns that take more
    than one value (missing values, e.g. K of a perceptron, neither counted nor shown), then the
    weights when they do not vary."""
    present = [c for c in MODEL_COLUMNS if c in runs.columns]
    varying = [c for c in present[1:] if runs[c].nunique() > 1]
    fixed_weights = "weights" in present and "weights" not in varying

    def label(row):
        parts = [_text(row[present[0]])] if present else []
        parts += [f"{c}={_text(row[c])}" for c in varying if pd.notna(row[c])]
        return ", ".join(parts) + (f" ({row['weights']} weights)" if fixed_weights else "")
    return runs.apply(label, axis=1) if len(runs) else pd.Series([], dtype=object)


# --- Figure 1: phase diagrams ----------------------------------------------------------------

def phase_diagrams(runs, level=0.5, capacities=None, titles=None):
    """Success probability against alpha, one panel per model, one curve per (algorithm, N).

    ``capacities`` (optional) maps a model label (:func:`model_labels`) to a theoretical
    capacity drawn as a vertical line in its panel; ``titles`` (optional) maps a model label
    to its panel's title (default: the label).

    Returns
    -------
    figure : matplotlib.figure.Figure
    thresholds : pandas.DataFrame
        ``model``, ``algorithm``, ``N``, ``alpha_threshold`` (alpha at success ``level``).
    """
    runs = runs.assign(model_label=model_labels(runs))
    labels = sorted(runs["model_label"].unique())
    figure, axes = _figure(len(labels), width=7.0)
    tables = []
    # one colour per algorithm, one line style per N (largest N solid)
    colors = {name: f"C{i}" for i, name in enumerate(sorted(runs["algorithm"].unique()))}
    styles = dict(zip(sorted(runs["N"].unique(), reverse=True), ("-", "--", ":", "-.")))
    for ax, label in zip(axes, labels):
        part = runs[runs["model_label"] == label]
        rates = analysis.success_rates(part, by=("algorithm", "N", "alpha"))
        limits = analysis.thresholds(rates, by=("algorithm", "N"), level=level)
        for (algorithm, N), curve in rates.groupby(["algorithm", "N"], sort=True):
            at = limits[(limits["algorithm"] == algorithm) & (limits["N"] == N)]["alpha_threshold"].iloc[0]
            text = f"{algorithm}, N={N}" + ("" if np.isnan(at) else f": {at:.3f}")
            line = ax.errorbar(curve["alpha"], curve["p"],
                               yerr=np.maximum([curve["p"] - curve["lo"], curve["hi"] - curve["p"]], 0.0),
                               marker="o", ms=3, capsize=2, label=text, color=colors[algorithm],
                               ls=styles.get(N, "-"))
            if not np.isnan(at):
                ax.plot([at], [level], marker="x", ms=9, mew=2, color=line[0].get_color())
        ax.axhline(level, color="0.6", lw=0.8, ls="--")
        if capacities and label in capacities:
            ax.axvline(capacities[label], color="k", lw=1.0, ls=":",
                       label=rf"capacity $\alpha_c$ = {capacities[label]:.3f}")
        ax.set_title((titles or {}).get(label, label), fontsize="medium")
        ax.set_xlabel(r"$\alpha = P / N$")
        ax.set_ylabel("success probability")
        ax.set_ylim(-0.03, 1.03)
        ax.legend(fontsize="x-small", title=r"algorithm, N: $\alpha$ at 1/2", title_fontsize="x-small",
                  loc="upper left", bbox_to_anchor=(1.01, 1.0))
        tables.append(limits.assign(model=label))
    figure.tight_layout()
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


# --- Figure 6: flatness against generalization ----------------------------------------------

#: The control column of figure 6: the output scale rms(W) rms(v) of a ReLU committee, on which
#: the Hessian measures depend (they are not invariant under rescaling) and the local energy does not.
FLATNESS_NORM = "control: rms(W) rms(v)"
#: Scatter markers of the training schedules, in the order of their labels.
FLATNESS_MARKERS = "os^Dv<>p"


def flatness_columns(sizes, log_volume_k):
    """(label, how to read it) of every measure of figure 6, in table order.

    Parameters
    ----------
    sizes : sequence of float
        Noise amplitudes sigma of the two local energies ("local_energy", multiplicative, and
        "local_energy:additive").
    log_volume_k : int
        Top eigenvalues in the log volume (for the label).
    """
    out = [(f"local energy {kind} sigma={s:g}", ("array", f"measures/{name}/train", i))
           for kind, name in (("mult.", "local_energy"), ("add.", "local_energy:additive"))
           for i, s in enumerate(sizes)]
    out += [("top Hessian eigenvalue", ("array", "measures/hessian_eigenvalues", 0)),
            (f"log volume (k={log_volume_k})", ("column", "log_volume")),
            ("Hessian trace", ("column", "hessian_trace.value")),
            ("Hessian Frobenius norm", ("column", "hessian_frobenius.value")),
            ("sharpness (eps=1e-3, %)", ("column", "sharpness")),
            (FLATNESS_NORM, ("norm", None))]
    return out


def flatness_settings(path):
    """(sizes, log_volume_k) of the measures of a ``sims/flatness_vs_generalization.py`` file,
    read from its first recorded sweep (the arguments of :func:`flatness_columns`)."""
    measures = sweep_specs(path)[0][0]["measures"]
    return list(measures["local_energy"]["sizes"]), int(measures["log_volume"]["k"])


def flatness_schedules(runs):
    """Schedule label of each run of ``sims/flatness_vs_generalization.py``: "b<batch size>"."""
    return runs["params.batch_size"].map(lambda b: f"b{int(b)}")


def flatness_table(path, labels, columns):
    """Runs with their schedule and one column per measure (NaN where missing).

    Parameters
    ----------
    path : path
        Results file.
    labels : dict
        Task key -> schedule label of the runs to use.
    columns : list
        From :func:`flatness_columns`.
    """
    runs = store.load_runs(path)
    runs = runs[runs["key"].isin(labels)].copy()
    runs["schedule"] = runs["key"].map(labels)
    done = (runs["status"] == "done").to_numpy()
    for label, (kind, name, *index) in columns:
        if kind == "column":
            runs[label] = runs[name] if name in runs else np.nan
        elif kind == "norm":
            trainable = runs["second_layer"] == "trainable"
            runs[label] = [output_scale(path, key, fit) if ok else np.nan
                           for key, ok, fit in zip(runs["key"], done, trainable)]
        else:
            runs[label] = [float(store.load_array(path, key, name)[index[0]]) if ok else np.nan
                           for key, ok in zip(runs["key"], done)]
    return runs.reset_index(drop=True)


def output_scale(path, key, trainable):
    """Output scale of a ReLU committee: rms first-layer weight times rms readout weight."""
    if not trainable:
        return float(np.sqrt(np.mean(store.load_array(path, key, "w") ** 2)))
    W, v = (store.load_array(path, key, name) for name in ("W", "v"))
    return float(np.sqrt(np.mean(W ** 2) * np.mean(v ** 2)))


def at_zero(runs):
    """Mask of the runs done with zero training errors."""
    done = runs["status"] == "done"
    return done & (runs["errors"] == 0) if "errors" in runs else done & False


def within_groups(x, y, groups, permutations=2000, seed=0):
    """Spearman correlation within groups, with a permutation p-value.

    The Pearson correlation of the ranks of x and of y taken within each group and centred on
    the group mean, pooled over the groups (groups of one value are left out). The two-sided
    p-value is (hits + 1) / (permutations + 1), hits counting the permutations of y within the
    groups whose |rho| reaches the observed one.

    Returns
    -------
    rho, p : float
        NaN without variation.
    """
    from scipy.stats import rankdata

    rx, ry = [], []
    for g in np.unique(groups):
        mask = groups == g
        if mask.sum() >= 2:
            for ranks, values in ((rx, x[mask]), (ry, y[mask])):
                r = rankdata(values)
                ranks.append(r - r.mean())
    if not rx:
        return np.nan, np.nan
    bounds = np.cumsum([0] + [len(r) for r in rx])
    rx, ry = np.concatenate(rx), np.concatenate(ry)
    scale = np.sqrt(np.sum(rx * rx) * np.sum(ry * ry))
    if scale == 0:
        return np.nan, np.nan
    rho = float(rx @ ry / scale)
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(permutations):
        order = np.concatenate([start + rng.permutation(stop - start)
                                for start, stop in zip(bounds[:-1], bounds[1:])])
        hits += abs(rx @ ry[order]) / scale >= abs(rho) * (1 - 1e-12)
    return rho, float((hits + 1) / (permutations + 1))


def flatness_correlations(minima, columns):
    """Per measure: Spearman rho (and p-value) with the test error and with the attack size, and
    the Spearman rho (and permutation p-value) with the test error within attack sizes
    (:func:`within_groups`); a list of dicts in the order of ``columns``."""
    import warnings

    from scipy.stats import spearmanr

    rows = []
    attack = minima["attack"].to_numpy(dtype=float)
    test = minima["test_error"].to_numpy(dtype=float) if len(minima) else np.zeros(0)
    for label, _ in columns:
        x = minima[label].to_numpy(dtype=float)
        row = {"measure": label}
        for target, y in (("test_error", test), ("attack", attack)):
            ok = np.isfinite(x) & np.isfinite(y)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # constant input: rho is NaN
                rho, p = spearmanr(x[ok], y[ok]) if ok.sum() >= 3 else (np.nan, np.nan)
            row[f"rho_{target}"], row[f"p_{target}"], row["n"] = float(rho), float(p), int(ok.sum())
        ok = np.isfinite(x) & np.isfinite(test)
        row["rho_within"], row["p_within"] = within_groups(x[ok], test[ok], attack[ok])
        rows.append(row)
    return rows


def flatness_vs_generalization(minima, rows, columns):
    """One scatter panel per measure against the test error, coloured by attack size, marker
    by schedule; ``rows`` from :func:`flatness_correlations` (rho in the panel titles)."""
    import matplotlib
    from matplotlib import colors, ticker
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    matplotlib.use("Agg", force=False)
    labels = [label for label, _ in columns]
    ncols = 4
    nrows = -(-len(labels) // ncols)
    figure = Figure(figsize=(3.2 * ncols, 2.9 * nrows), layout="constrained")
    axes = figure.subplots(nrows, ncols, squeeze=False).ravel()
    attacks = sorted(minima["attack"].unique()) if len(minima) else [0]
    cmap = matplotlib.colormaps["viridis"]
    norm = colors.BoundaryNorm(np.arange(len(attacks) + 1) - 0.5, cmap.N)
    level = minima["attack"].map({a: i for i, a in enumerate(attacks)}).to_numpy()
    schedules = sorted(minima["schedule"].unique()) if len(minima) else []
    for ax, label, row in zip(axes, labels, rows):
        x = minima[label].to_numpy(dtype=float)
        points = ax.scatter([], [], c=[], cmap=cmap, norm=norm)
        for schedule, marker in zip(schedules, FLATNESS_MARKERS):
            mask = (minima["schedule"] == schedule).to_numpy()
            points = ax.scatter(x[mask], minima["test_error"][mask], c=level[mask], cmap=cmap, norm=norm,
                                s=18, marker=marker)
        if np.all(x[np.isfinite(x)] > 0) and np.isfinite(x).sum() > 1 and \
                np.nanmax(x) > 10 * np.nanmin(x):
            ax.set_xscale("log")
            ax.xaxis.set_minor_formatter(ticker.NullFormatter())
        ax.set_xlabel(label, fontsize=8)
        ax.set_ylabel("test error", fontsize=8)
        ax.set_title(f"rho = {row['rho_test_error']:.2f}, within A {row['rho_within']:.2f}", fontsize=9)
        ax.tick_params(labelsize=7)
    for ax in axes[len(labels):]:
        ax.set_visible(False)
    if schedules:
        handles = [Line2D([], [], linestyle="", marker=marker, color="grey", label=schedule)
                   for schedule, marker in zip(schedules, FLATNESS_MARKERS)]
        axes[0].legend(handles=handles, title="schedule", fontsize=7, title_fontsize=7)
    bar = figure.colorbar(points, ax=axes.tolist(), ticks=range(len(attacks)), shrink=0.8)
    bar.ax.set_yticklabels([str(a) for a in attacks])
    bar.set_label("attack size")
    return figure


# --- Figure 7: reparametrization --------------------------------------------------------------

#: Rows of the reparametrization table: quantity -> the dataset (measures/...) or results
#: column of ``sims/reparametrization.py`` it is read from.
REPARAM_QUANTITIES = {
    "local_energy_multiplicative": "measures/local_energy_multiplicative/train",
    "local_energy_additive": "measures/local_energy_additive/train",
    "hessian_top": "measures/hessian_eigenvalues",
    "log_volume": "log_volume",
    "hessian_trace": "hessian_trace.value",
    "hessian_frobenius": "hessian_frobenius_exact",
    "hessian_frobenius_estimate": "hessian_frobenius.value",
    "sharpness": "sharpness",
}
#: Rows that are invariant under the rescaling by construction.
REPARAM_INVARIANT = ("local_energy_multiplicative", "local_energy_additive")


def reparametrization_table(path, keys=None):
    """Measures relative to a = 1, one row per quantity, one column per transform.

    Entry: geometric mean over the trained networks of value(transform) / value(a = 1); for
    the local energies the value is the mean error increase over the size grid, for the
    Hessian spectrum the top eigenvalue, and for the log-volume the volume ratio
    exp(log_volume - log_volume(a = 1)).

    Parameters
    ----------
    path : path
        Results file of ``sims/reparametrization.py``.
    keys : collection of str, optional
        Keys of the trained runs to use (default: every run that is not a rescaled point).

    Returns
    -------
    table : pandas.DataFrame
        Index :data:`REPARAM_QUANTITIES`, columns the transforms ("a=0.1", ..., "random0", ...).
    errors : numpy.ndarray
        Training errors of the trained runs.
    """
    runs = store.load_runs(path)
    rescaled = "base_key" in runs
    if keys is None:
        keys = runs[runs["base_key"].isna()]["key"] if rescaled else runs["key"]
    keys = set(keys)
    trained = runs[runs["key"].isin(keys)]
    rescaled = runs[runs["base_key"].isin(keys) & (runs["status"] == "done")] if rescaled else runs.iloc[:0]
    labels = list(dict.fromkeys(rescaled.sort_values(["a", "transform"])["transform"]))
    ratios = {q: {label: [] for label in labels} for q in REPARAM_QUANTITIES}
    for base_key, group in rescaled.groupby("base_key"):
        group = group.set_index("transform")
        if "a=1" not in group.index:
            continue
        values = {}
        for label, row in group.iterrows():
            for q, source in REPARAM_QUANTITIES.items():
                if source.startswith("measures/"):
                    array = store.load_array(path, row["key"], source)
                    values[q, label] = float(array[0] if q == "hessian_top" else np.mean(array))
                else:
                    values[q, label] = float(row[source])
        for (q, label), value in values.items():
            reference = values[q, "a=1"]
            ratio = np.exp(value - reference) if q == "log_volume" else value / reference
            ratios[q][label].append(ratio)
    table = pd.DataFrame({label: [np.exp(np.mean(np.log(ratios[q][label]))) if ratios[q][label] else np.nan
                                  for q in REPARAM_QUANTITIES] for label in labels},
                         index=list(REPARAM_QUANTITIES))
    return table, trained["errors"].to_numpy()


def reparametrization(table, K, N, alpha, random_range=None):
    """Relative value of each measure against the uniform factor a (log-log, left) and for the
    random per-unit factors (right); ``table`` from :func:`reparametrization_table`."""
    uniform = [label for label in table.columns if label.startswith("a=")]
    random = [label for label in table.columns if label.startswith("random")]
    a = np.array([float(label[2:]) for label in uniform])
    figure, (left, right) = _figure(2, width=5.5, height=4.5)
    markers = "osD^v<>p"
    for i, (q, row) in enumerate(table.iterrows()):
        style = {"marker": markers[i % len(markers)], "linestyle": "--" if q in REPARAM_INVARIANT else "-",
                 "label": "volume ratio (log_volume)" if q == "log_volume" else q}
        left.plot(a, row[uniform].to_numpy(dtype=float), **style)
        if random:
            right.plot(np.arange(len(random)), row[random].to_numpy(dtype=float), marker=style["marker"],
                       linestyle="none")
    for ax in (left, right):
        if ax.has_data():
            ax.set_yscale("log")
        ax.axhline(1.0, color="grey", lw=0.8)
        ax.set_ylabel("measure / measure at a = 1")
    if len(uniform):
        left.set_xscale("log")
    left.set_xlabel("uniform factor a: (w_k, v_k) -> (a w_k, v_k / a)")
    right.set_xticks(np.arange(len(random)), random)
    right.set_xlabel("random per-unit factors, log-uniform"
                     + (f" in {list(random_range)}" if random_range is not None else ""))
    left.legend(fontsize=7)
    figure.suptitle(f"ReLU committee K = {K}, N = {N}, P = {alpha:g} N: "
                    "local energies (dashed) are invariant, Hessian measures are not")
    figure.set_layout_engine("tight")
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


# --- Figure 2: local entropy around the solutions ----------------------------------------------

#: Local-entropy measures of figure 2: method -> measure name.
LOCAL_ENTROPY_METHODS = {"bp": "local_entropy", "exact": "local_entropy_exact"}


def _standard_error(values):
    """Standard error of the mean over instances (NaN for one value)."""
    return float(values.std(ddof=1) / np.sqrt(values.size)) if values.size > 1 else float("nan")


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
        (instances with a finite value: BP entries that did not converge are NaN and left out).
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
            for i, gamma in enumerate(gammas):
                live = np.isfinite(entropy[:, i]) & np.isfinite(distance[:, i])
                n = int(live.sum())
                if not n:
                    continue
                d, S = distance[live, i], entropy[live, i]
                rows.append({"algorithm": algorithm, "N": int(N), "method": method, "gamma": float(gamma),
                             "distance": float(d.mean()), "distance_se": _standard_error(d),
                             "entropy": float(S.mean()), "se": _standard_error(S),
                             "bound": float(binary_entropy(d.mean())), "runs": n})
    return pd.DataFrame(rows, columns=["algorithm", "N", "method", "gamma", "distance", "distance_se",
                                       "entropy", "se", "bound", "runs"])


def load_local_entropy(path, keys=None):
    """:func:`local_entropy_table` of a results file (of the runs in ``keys``, default all)."""
    runs = store.load_runs(path)
    if keys is not None:
        runs = runs[runs["key"].isin(set(keys))]
    curves = {(method, name): store.load_arrays(path, f"measures/{measure}/{name}")
              for method, measure in LOCAL_ENTROPY_METHODS.items() for name in ("gammas", "distance", "entropy")}
    return local_entropy_table(runs, curves)


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

    runs = store.load_runs(path)
    runs = runs[(runs["status"] == "done") & runs["solved"].eq(True)]
    if keys is not None:
        runs = runs[runs["key"].isin(set(keys))]
    rows = []
    for method, measure in LOCAL_ENTROPY_METHODS.items():
        d_all = store.load_arrays(path, f"measures/{measure}/distance")
        S_all = store.load_arrays(path, f"measures/{measure}/entropy")
        for (algorithm, N), group in runs.groupby(["algorithm", "N"], sort=True):
            values = []
            for key in group["key"]:
                if key not in S_all:
                    continue
                d, S = d_all[key], S_all[key]
                live = np.isfinite(d) & np.isfinite(S)
                d, S = d[live], S[live]
                if d.size >= 2 and d.min() <= distance <= d.max():
                    order = np.argsort(d)
                    values.append(np.interp(distance, d[order], S[order]))
            if values:
                values = np.array(values)
                rows.append({"algorithm": algorithm, "N": int(N), "method": method, "distance": float(distance),
                             "entropy": float(values.mean()), "se": _standard_error(values),
                             "bound": float(binary_entropy(distance)), "runs": int(values.size)})
    return pd.DataFrame(rows, columns=["algorithm", "N", "method", "distance", "entropy", "se", "bound", "runs"])


def local_entropy_curves(table, alpha=None, zoom=0.06):
    """Local entropy S(d) against d, one curve per algorithm (BP solid, exact dashed) with the
    upper bound H(d): one column per N, the whole range on top and d <= ``zoom`` below.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`local_entropy_table`.
    alpha : float, optional
        Load, for the titles.
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

    Ns = sorted(table["N"].unique())
    colors = {name: f"C{i}" for i, name in enumerate(sorted(table["algorithm"].unique()))}
    figure = Figure(figsize=(5.6 * len(Ns), 8.4))
    for column, N in enumerate(Ns):
        here = table[table["N"] == N]
        for row, limit in enumerate((0.5, zoom)):
            ax = figure.add_subplot(2, len(Ns), row * len(Ns) + column + 1)
            d = np.linspace(0.0, limit, 201)
            ax.plot(d, binary_entropy(d), color="k", lw=1.2, label="bound H(d)")
            for (algorithm, method), curve in here.groupby(["algorithm", "method"], sort=True):
                exact = method == "exact"
                name = "typical (exact sampling)" if algorithm == "exact" else algorithm
                ax.errorbar(curve["distance"], curve["entropy"], yerr=curve["se"].fillna(0.0),
                            marker="s" if exact else "o", ms=3, mfc="none" if exact else None, capsize=2,
                            ls="--" if exact else "-", color=colors[algorithm],
                            label=f"{name}, {'exact' if exact else 'BP'} ({curve['runs'].max()})")
            ax.axhline(0.0, color="0.6", lw=0.8)
            ax.set_xlim(0.0, limit)
            ax.set_ylim(min(-0.01, 1.1 * here[here["distance"] <= limit]["entropy"].min()),
                        1.08 * float(binary_entropy(limit)))
            ax.set_xlabel("distance d from the solution")
            ax.set_ylabel("local entropy S(d) (nats per weight)")
            if row == 0:
                ax.set_title(f"binary perceptron, N={N}" + (f", alpha={alpha:g}" if alpha is not None else ""),
                             fontsize="medium")
                ax.legend(fontsize="x-small", title="algorithm, method (solutions)", title_fontsize="x-small")
    figure.tight_layout()
    return figure


# --- Figure 5: a device without wide flat minima (parity vs majority output) -----------------

#: Line style per algorithm and colour per output rule in figure 5.
PARITY_STYLES = {"sa": "--", "rsa": "-", "exact": ":"}
PARITY_COLORS = {"majority": "C0", "parity": "C3"}


def _mean_curves(runs, curves, by, x, y):
    """Mean and standard error over runs of per-run arrays ``curves[x]``, ``curves[y]`` (and the
    abscissa array ``curves["grid"]``), per group of ``by``; one row per (group, grid point)."""
    rows = []
    for group, frame in runs.groupby(by, sort=True):
        keys = [k for k in frame["key"] if k in curves[y]]
        if not keys:
            continue
        grid = curves["grid"][keys[0]]
        xs = np.array([curves[x][k] for k in keys])
        ys = np.array([curves[y][k] for k in keys])
        for i, point in enumerate(grid):
            live = np.isfinite(xs[:, i]) & np.isfinite(ys[:, i])
            if live.any():
                rows.append({**dict(zip(by, group)), "grid": float(point), x: float(xs[live, i].mean()),
                             y: float(ys[live, i].mean()), "se": _standard_error(ys[live, i]),
                             "runs": int(live.sum())})
    return pd.DataFrame(rows, columns=list(by) + ["grid", x, y, "se", "runs"])


def parity_data(path, keys=None):
    """Tables of figure 5 from a results file of ``sims/parity_vs_majority.py``.

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
    runs = store.load_runs(path)
    if keys is not None:
        runs = runs[runs["key"].isin(set(keys))]
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
            "energy": _mean_curves(solved, energy, by, "distance", "train").rename(
                columns={"grid": "size", "train": "energy"}),
            "entropy": _mean_curves(solved, entropy, by, "distance", "entropy").rename(columns={"grid": "gamma"})}


def parity_summary(data, alpha, size=0.02):
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
            row["single flips kept"], row["single se"] = near["single"].mean(), _standard_error(near["single"])
            row["total entropy"] = near["total"].mean()
        rows.append(row)
    return pd.DataFrame(rows).set_index(["output", "algorithm"])


def parity_vs_majority(data, alpha, size=0.02):
    """Figure 5: majority vs parity output of a binary tree committee, sa vs rsa.

    Panels: (a) success probability against alpha at the largest N, with the fraction of
    instances that have a solution at the smallest N (exact enumeration, dotted); (b) local
    energy at flip probability ``size`` against alpha (largest N, solutions only); (c) local
    energy curves at ``alpha`` (largest N); (d) exact local entropy S(d) around the solutions
    at ``alpha`` (smallest N, when measured), with the bound H(d) and typical solutions.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from wfm.theory import binary_entropy

    success, energy, entropy = data["success"], data["energy"], data["entropy"]
    big, small = success["N"].max(), success["N"].min()
    figure, axes = _figure(4, width=4.6, height=4.0)

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
