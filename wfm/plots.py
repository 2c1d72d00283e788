"""Figures from tables of runs: curves of a column against another, and the phase diagram.

Figures are written whole or not at all (saved under a temporary name, then renamed).
"""
import os
import pathlib

import numpy as np

from wfm import analysis

FORMATS = (".png", ".pdf", ".svg")


def check_output(path):
    """Check, without writing, that a figure can be saved at ``path`` (.png, .pdf or .svg)."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"figure path must be a str or os.PathLike, got {path!r}")
    path = pathlib.Path(path)
    if path.suffix.lower() not in FORMATS:
        raise ValueError(f"figure {str(path)!r} must end with one of {', '.join(FORMATS)}")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot write figure {str(path)!r}: folder {str(path.parent)!r} does not exist")
    if not os.access(path.parent, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise PermissionError(f"cannot write figure {str(path)!r}: not writable")
    return path


def save(figure, path):
    """Save ``figure`` at ``path`` whole or not at all (written under a temporary name, then renamed).

    Parameters
    ----------
    figure : matplotlib.figure.Figure
    path : str or os.PathLike
        Ending in .png, .pdf or .svg, in an existing writable folder (:func:`check_output`).

    Returns
    -------
    pathlib.Path
    """
    path = check_output(path)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}{path.suffix}")
    try:
        figure.savefig(tmp, dpi=150, bbox_inches="tight")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def new_figure(panels=1, width=5.2, height=4.0):
    """A figure (not attached to pyplot) with ``panels`` axes side by side; (figure, [axes])."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width * panels, height))
    return figure, [figure.add_subplot(1, panels, i + 1) for i in range(panels)]


def _label(names, key):
    values = key if isinstance(key, tuple) else (key,)
    return ", ".join(f"{n}={v}" if n != "algorithm" else str(v) for n, v in zip(names, values))


def plot_columns(runs, x, y, hue=(), out=None):
    """Mean of column ``y`` against column ``x``, one curve per value of the ``hue`` columns.

    Boolean ``y`` (e.g. ``solved``) is shown as a proportion with Wilson one-sigma error bars;
    numeric ``y`` as a mean with its standard error. Failed runs are left out.

    Parameters
    ----------
    runs : pandas.DataFrame
        From :func:`wfm.store.load_runs`.
    x, y : str
        Column names.
    hue : sequence of str
        Columns whose combinations give separate curves.
    out : str or os.PathLike, optional
        Save the figure there (.png, .pdf, .svg).

    Returns
    -------
    matplotlib.figure.Figure
    """
    hue = [hue] if isinstance(hue, str) else list(hue)
    analysis.require_columns(runs, [x, y] + hue)
    if out is not None:
        check_output(out)
    done = runs[runs["status"] == "done"]
    values = done[y]
    boolean = values.map(lambda v: isinstance(v, (bool, np.bool_))).all()
    if not boolean and not np.issubdtype(np.asarray(values.tolist()).dtype, np.number):
        raise ValueError(f"column {y!r} must be numeric or boolean to be plotted, got {values.dtype}")
    figure, (ax,) = new_figure(width=6.4, height=4.4)
    groups = done.groupby(hue, sort=True) if hue else [((), done)]
    for key, group in groups:
        stats = group.assign(_y=group[y].astype(float)).groupby(x, sort=True)["_y"]
        xs = stats.mean().index.to_numpy()
        mean, count = stats.mean().to_numpy(), stats.count().to_numpy()
        if boolean:
            lo, hi = analysis.wilson_interval(np.round(mean * count), count)
            err = np.maximum([mean - lo, hi - mean], 0.0)
        else:
            err = stats.std(ddof=1).fillna(0.0).to_numpy() / np.sqrt(count)
        ax.errorbar(xs, mean, yerr=err, marker="o", ms=3, capsize=2, label=_label(hue, key) if hue else None)
    ax.set_xlabel(x)
    ax.set_ylabel(f"P({y})" if boolean else y)
    if hue:
        ax.legend(title=", ".join(hue), fontsize="small")
    if out is not None:
        save(figure, out)
    return figure


def phase_diagram(rates, thresholds, level=0.5, capacities=None, titles=None, style=None):
    """Success probability against alpha, one panel per model, one curve per (algorithm, N).

    Error bars are Wilson one-sigma intervals; the threshold of each curve (alpha where the
    success probability crosses ``level``, linearly interpolated) is marked and given in the
    legend. One colour per algorithm, one line style per N (largest N solid). When
    ``thresholds`` has the interval columns ``alpha_lo`` and ``alpha_hi``
    (:func:`wfm.analysis.thresholds` with ``intervals=True``), a bar at ``level`` spans each
    threshold's interval (to the threshold on a side where the interval is open).

    Parameters
    ----------
    rates, thresholds : pandas.DataFrame
        From :func:`wfm.analysis.phase_diagram` (columns ``model``, ``algorithm``, ``N``, ...).
    level : float
        Success probability of the thresholds (the dashed horizontal line).
    capacities : dict, optional
        Model label -> theoretical capacity, drawn as a vertical line in its panel.
    titles : dict, optional
        Model label -> panel title (default: the label).
    style : callable, optional
        ``style(algorithm, N) -> dict`` of matplotlib keywords overriding the defaults.

    Returns
    -------
    matplotlib.figure.Figure
    """
    labels = sorted(rates["model"].unique())
    figure, axes = new_figure(max(len(labels), 1), width=7.0)
    colors = {name: f"C{i}" for i, name in enumerate(sorted(rates["algorithm"].unique()))}
    lines = dict(zip(sorted(rates["N"].unique(), reverse=True), ("-", "--", ":", "-.")))
    limits = thresholds.set_index(["model", "algorithm", "N"])["alpha_threshold"]
    bands = thresholds.set_index(["model", "algorithm", "N"]).reindex(columns=["alpha_lo", "alpha_hi"])
    for ax, label in zip(axes, labels):
        for (algorithm, N), curve in rates[rates["model"] == label].groupby(["algorithm", "N"], sort=True):
            at = limits[label, algorithm, N]
            keywords = {"color": colors[algorithm], "ls": lines.get(N, "-"), "marker": "o",
                        **(style(algorithm, N) if style else {})}
            line = ax.errorbar(curve["alpha"], curve["p"],
                               yerr=np.maximum([curve["p"] - curve["lo"], curve["hi"] - curve["p"]], 0.0),
                               ms=3, capsize=2, label=f"{algorithm}, N={N}" + ("" if np.isnan(at) else f": {at:.3f}"),
                               **keywords)
            if not np.isnan(at):
                ax.plot([at], [level], marker="x", ms=9, mew=2, color=line[0].get_color())
            if not np.isnan(at) and {"alpha_lo", "alpha_hi"} <= set(thresholds.columns):
                band = bands.loc[(label, algorithm, N)]
                ax.hlines(level, *np.where(np.isnan(band), at, band), color=line[0].get_color(), lw=3, alpha=0.6)
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
    figure.tight_layout()
    return figure
