"""From a table of runs to success probabilities, error bars and algorithmic thresholds."""
import numpy as np
import pandas as pd

from wfm import _validate as check


def wilson_interval(k, n, z=1.0):
    """Wilson score interval of a binomial proportion k / n.

    Parameters
    ----------
    k, n : int or array_like
        Successes and trials (n >= 1).
    z : float
        Half-width in standard deviations (1.0: a one-sigma error bar; 1.96: 95 %).

    Returns
    -------
    lo, hi : ndarray
        Bounds of the interval, inside [0, 1] (E. B. Wilson, JASA 22, 209 (1927)).
    """
    k, n = np.asarray(k, dtype=np.float64), np.asarray(n, dtype=np.float64)
    if np.any(n < 1) or np.any(k < 0) or np.any(k > n):
        raise ValueError("wilson_interval needs 0 <= k <= n and n >= 1")
    z = check.real("z", z, minimum=0.0, strict_minimum=True)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


def _solved(runs):
    """Boolean mask of the completed runs that solved (failed runs have no ``solved`` value)."""
    if "solved" not in runs.columns:
        return pd.Series(False, index=runs.index)
    return (runs["status"] == "done") & runs["solved"].eq(True)


def require_columns(runs, names):
    """Check that ``runs`` is a DataFrame holding the columns ``names``.

    Parameters
    ----------
    runs : pandas.DataFrame
        A table of runs (:func:`wfm.store.load_runs`) or one derived from it.
    names : list of str

    Raises
    ------
    TypeError
        If ``runs`` is not a DataFrame.
    ValueError
        Naming the missing columns and the ones present.
    """
    if not isinstance(runs, pd.DataFrame):
        raise TypeError(f"runs must be a pandas DataFrame (wfm.store.load_runs), got {type(runs).__name__}")
    missing = [name for name in names if name not in runs.columns]
    if missing:
        raise ValueError(f"column(s) {', '.join(map(repr, missing))} not in the runs; "
                         f"columns: {', '.join(map(str, runs.columns))}")


def success_rates(runs, by=("algorithm", "N", "alpha"), z=1.0):
    """Success probability of the completed runs in each group, with Wilson error bars.

    Parameters
    ----------
    runs : pandas.DataFrame
        Runs as returned by :func:`wfm.store.load_runs`; failed runs are left out (counted in
        the ``failed`` column).
    by : sequence of str
        Columns defining the groups.
    z : float
        Width of the error bars in standard deviations.

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``runs`` (completed), ``solved``, ``failed``,
        ``p`` (solved / runs), ``lo`` and ``hi`` (Wilson interval).
    """
    by = list(by)
    require_columns(runs, by + ["status"])
    if not len(runs):
        return pd.DataFrame(columns=by + ["runs", "solved", "failed", "p", "lo", "hi"])
    frame = runs.assign(_done=runs["status"] == "done", _solved=_solved(runs))
    table = frame.groupby(by, sort=True).agg(runs=("_done", "sum"), solved=("_solved", "sum"),
                                             total=("_done", "size")).reset_index()
    table["failed"] = table.pop("total") - table["runs"]
    table = table[table["runs"] > 0].reset_index(drop=True)
    table["p"] = table["solved"] / table["runs"]
    table["lo"], table["hi"] = wilson_interval(table["solved"], table["runs"], z) if len(table) else ([], [])
    return table


def threshold(alpha, p, level=0.5):
    """Load at which the success probability first falls below ``level``.

    Linear interpolation between the last grid point with p >= level and the next one with
    p < level (grid sorted by alpha). NaN when p never crosses ``level`` on the grid.

    Parameters
    ----------
    alpha, p : array_like
        Loads and success probabilities.
    level : float
        Success probability defining the threshold (1/2: the algorithmic threshold).

    Returns
    -------
    float
    """
    alpha, p = np.asarray(alpha, dtype=np.float64), np.asarray(p, dtype=np.float64)
    if alpha.shape != p.shape or alpha.ndim != 1:
        raise ValueError(f"alpha and p must be 1-D arrays of equal length, got {alpha.shape} and {p.shape}")
    level = check.real("level", level, minimum=0.0, maximum=1.0)
    order = np.argsort(alpha, kind="stable")
    alpha, p = alpha[order], p[order]
    for i in range(len(alpha) - 1):
        if p[i] >= level > p[i + 1]:
            return float(alpha[i] + (p[i] - level) * (alpha[i + 1] - alpha[i]) / (p[i] - p[i + 1]))
    return float("nan")


def thresholds(rates, by=("algorithm", "N"), level=0.5):
    """Threshold of each curve of a :func:`success_rates` table (grouped by ``by``, x = alpha).

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns and ``alpha_threshold``.
    """
    by = list(by)
    require_columns(rates, by + ["alpha", "p"])
    rows = [{**dict(zip(by, key if isinstance(key, tuple) else (key,))),
             "alpha_threshold": threshold(group["alpha"], group["p"], level)}
            for key, group in rates.groupby(by, sort=True)]
    return pd.DataFrame(rows, columns=by + ["alpha_threshold"])


def summary(runs):
    """Overview of a results table: one row per (problem, model, weights, algorithm, N).

    Returns
    -------
    pandas.DataFrame
        ``runs``, ``done``, ``failed``, ``solved`` (fraction of done runs), ``alpha`` range and
        mean ``seconds`` per group.
    """
    keys = [c for c in ("problem", "model", "weights", "K", "algorithm", "N") if c in runs.columns]
    require_columns(runs, ["status"])
    if not len(runs):
        return pd.DataFrame(columns=keys + ["runs", "done", "failed", "solved", "alpha", "seconds"])
    frame = runs.assign(_done=runs["status"] == "done", _solved=_solved(runs))
    rows = []
    for key, group in frame.groupby(keys, sort=True, dropna=False):
        done = int(group["_done"].sum())
        row = dict(zip(keys, key if isinstance(key, tuple) else (key,)))
        row.update(runs=len(group), done=done, failed=len(group) - done,
                   solved=round(group["_solved"].sum() / done, 3) if done else float("nan"))
        if "alpha" in group:
            row["alpha"] = f"{group['alpha'].min():g}..{group['alpha'].max():g} ({group['alpha'].nunique()})"
        row["seconds"] = round(float(group["seconds"].mean()), 4)
        rows.append(row)
    return pd.DataFrame(rows)
