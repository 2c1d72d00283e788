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


def thresholds(rates, by=("algorithm", "N"), level=0.5, intervals=False):
    """Threshold of each curve of a :func:`success_rates` table (grouped by ``by``, x = alpha).

    Parameters
    ----------
    rates : pandas.DataFrame
        A :func:`success_rates` table.
    by : sequence of str
        Columns defining the curves.
    level : float
        Success probability defining the threshold.
    intervals : bool
        Also give the loads ``alpha_lo`` and ``alpha_hi`` at which the lower and upper edges
        (``lo``, ``hi``) of the error bars cross ``level`` (:func:`threshold` of each edge): where
        the curve's band crosses, an interval around the threshold as wide as the error bars
        allow (one-sigma with the default Wilson bars). NaN where an edge does not cross on the
        grid: the lower edge when it starts below ``level``, the upper one when it never
        falls below it.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns and ``alpha_threshold`` (and ``alpha_lo``, ``alpha_hi``).
    """
    by = list(by)
    edges = {"alpha_lo": "lo", "alpha_hi": "hi"} if intervals else {}
    require_columns(rates, by + ["alpha", "p", *edges.values()])
    rows = [{**dict(zip(by, key if isinstance(key, tuple) else (key,))),
             "alpha_threshold": threshold(group["alpha"], group["p"], level),
             **{name: threshold(group["alpha"], group[edge], level) for name, edge in edges.items()}}
            for key, group in rates.groupby(by, sort=True)]
    return pd.DataFrame(rows, columns=by + ["alpha_threshold", *edges])


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


#: Columns that tell models apart (one panel per model in the phase diagrams).
MODEL_COLUMNS = ("model", "weights", "kappa", "K", "tree", "activation", "output", "second_layer",
                 "inputs", "load")


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


def phase_diagram(runs, level=0.5):
    """Success rates and thresholds per model (:func:`model_labels`), algorithm, N and alpha.

    Returns
    -------
    rates : pandas.DataFrame
        :func:`success_rates` by (``model``, ``algorithm``, ``N``, ``alpha``).
    thresholds : pandas.DataFrame
        ``model``, ``algorithm``, ``N``, ``alpha_threshold`` (alpha at success ``level``).
    """
    rates = success_rates(runs.assign(model=model_labels(runs)), by=("model", "algorithm", "N", "alpha"))
    return rates, thresholds(rates, by=("model", "algorithm", "N"), level=level)


def standard_error(values):
    """Standard error of the mean over instances (NaN for fewer than two values)."""
    values = np.asarray(values, dtype=np.float64)
    return float(values.std(ddof=1) / np.sqrt(values.size)) if values.size > 1 else float("nan")


def mean_curves(runs, curves, by, x, y):
    """Mean and standard error over runs of per-run arrays ``curves[x]``, ``curves[y]`` (and the
    abscissa array ``curves["grid"]``), per group of ``by``; one row per (group, grid point).

    Parameters
    ----------
    runs : pandas.DataFrame
        The runs to average (column ``key`` and the ``by`` columns).
    curves : dict
        Name -> {run key -> array} for ``"grid"``, ``x`` and ``y`` (:func:`wfm.store.load_arrays`).
    by : list of str
    x, y : str

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``grid``, mean ``x``, mean ``y``, ``se`` (of y) and ``runs`` (finite
        values at that grid point).
    """
    rows = []
    for group, frame in runs.groupby(by, sort=True):
        group = group if isinstance(group, tuple) else (group,)
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
                             y: float(ys[live, i].mean()), "se": standard_error(ys[live, i]),
                             "runs": int(live.sum())})
    return pd.DataFrame(rows, columns=list(by) + ["grid", x, y, "se", "runs"])


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


def bootstrap_thresholds(runs, by=("algorithm", "N"), level=0.5, resamples=1000, seed=0):
    """Threshold of each success curve (x = alpha), with its standard error from a bootstrap over instances.

    A bootstrap replicate draws, at every load of a curve, as many instances as were run, with
    replacement, and takes the threshold (:func:`threshold`) of the resampled success curve.
    Drawing n instances with replacement from k solved of n gives a Binomial(n, k / n) count of
    solved ones, which is how the replicates are drawn. Replicates whose curve does not cross
    ``level`` give NaN and are left out of the standard error (``crossed`` counts the others).

    Parameters
    ----------
    runs : pandas.DataFrame
        Runs as returned by :func:`wfm.store.load_runs` (columns ``by``, ``alpha``, ``status``,
        ``solved``); failed runs are left out.
    by : sequence of str
        Columns defining the curves.
    level : float
        Success probability defining the threshold.
    resamples : int
        Bootstrap replicates.
    seed : int
        Seed of the resampling generator (the result is a function of ``runs`` and ``seed``).

    Returns
    -------
    table : pandas.DataFrame
        One row per curve: the ``by`` columns, ``alpha_threshold`` (of the data), ``se`` (standard
        deviation of the replicates' thresholds, NaN with fewer than two), ``crossed``
        (replicates with a threshold), ``instances`` (fewest runs at one load).
    replicates : ndarray, shape (len(table), resamples)
        The replicates' thresholds, row by row of ``table``.
    """
    by = list(by)
    resamples = check.integer("resamples", resamples, minimum=1)
    rng = np.random.default_rng(check.integer("seed", seed, minimum=0))
    rates = success_rates(runs, by=by + ["alpha"])
    rows, replicates = [], []
    for key, curve in rates.groupby(by, sort=True):
        alpha, n = curve["alpha"].to_numpy(), curve["runs"].to_numpy()
        solved = rng.binomial(n[:, None], curve["p"].to_numpy()[:, None], size=(len(n), resamples))
        samples = np.array([threshold(alpha, solved[:, b] / n, level) for b in range(resamples)])
        crossed = np.isfinite(samples)
        rows.append({**dict(zip(by, key if isinstance(key, tuple) else (key,))),
                     "alpha_threshold": threshold(alpha, curve["p"], level),
                     "se": float(samples[crossed].std(ddof=1)) if crossed.sum() > 1 else float("nan"),
                     "crossed": int(crossed.sum()), "instances": int(n.min())})
        replicates.append(samples)
    table = pd.DataFrame(rows, columns=by + ["alpha_threshold", "se", "crossed", "instances"])
    return table, np.array(replicates).reshape(len(rows), resamples)


def extrapolate(N, alpha, replicates=None, exponent=0.5):
    """Limit N -> infinity of thresholds by a least-squares fit alpha(N) = alpha_inf + b N^(-exponent).

    The fit is unweighted (thresholds whose bootstrap error vanishes would otherwise dominate);
    its uncertainty is that of the thresholds propagated by fitting every bootstrap replicate
    the same way (the standard deviation of the replicates' alpha_inf).

    Parameters
    ----------
    N : array_like
        Sizes, at least two distinct.
    alpha : array_like
        Thresholds at those sizes, finite.
    replicates : array_like, shape (len(N), resamples), optional
        Bootstrap replicates of the thresholds (:func:`bootstrap_thresholds`); replicates with a
        NaN at some size are left out.
    exponent : float
        Exponent of the finite-size correction (1/2 or 1, say).

    Returns
    -------
    dict
        ``alpha_inf``, ``slope`` (b), ``se`` (standard error of alpha_inf from the replicates;
        NaN without two complete replicates), ``resamples`` (complete replicates used),
        ``sizes`` and ``exponent``.
    """
    N, alpha = np.asarray(N, dtype=np.float64), np.asarray(alpha, dtype=np.float64)
    if N.ndim != 1 or N.shape != alpha.shape:
        raise ValueError(f"N and alpha must be 1-D arrays of equal length, got {N.shape} and {alpha.shape}")
    if np.unique(N).size < 2 or np.any(N <= 0):
        raise ValueError(f"N must hold at least two distinct sizes > 0, got {N.tolist()}")
    if not np.all(np.isfinite(alpha)):
        raise ValueError(f"alpha must be finite thresholds, got {alpha.tolist()}")
    exponent = check.real("exponent", exponent, minimum=0.0, strict_minimum=True)
    design = np.column_stack([np.ones_like(N), N ** -exponent])
    pseudo = np.linalg.pinv(design)  # least squares: (alpha_inf, b) = pseudo @ alpha
    alpha_inf, slope = pseudo @ alpha
    se, used = float("nan"), 0
    if replicates is not None:
        replicates = np.asarray(replicates, dtype=np.float64)
        if replicates.ndim != 2 or replicates.shape[0] != N.size:
            raise ValueError(f"replicates must have shape (len(N), resamples) = ({N.size}, ...), "
                             f"got {replicates.shape}")
        complete = replicates[:, np.all(np.isfinite(replicates), axis=0)]
        used = complete.shape[1]
        if used > 1:
            se = float((pseudo[0] @ complete).std(ddof=1))
    return {"alpha_inf": float(alpha_inf), "slope": float(slope), "se": se, "resamples": int(used),
            "sizes": int(N.size), "exponent": float(exponent)}
