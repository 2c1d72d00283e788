"""What several studies share: the recorded sweeps of a file and the pieces of their captions."""
import json

import h5py
import numpy as np

from wfm import store

#: Line style names of the N of a phase diagram, largest N first (as :func:`wfm.plots.phase_diagram`).
LINE_STYLES = ("solid", "dashed", "dotted", "dash-dotted")


def sweep_specs(path):
    """The sweep specifications a results file records (root attribute ``sweeps``), oldest first;
    each is what the study passed to the store (a list of Sweep specs, or a dict)."""
    with h5py.File(path, "r", locking=False) as f:
        return [entry["sweep"] for entry in json.loads(f.attrs.get("sweeps", "[]"))]


def load_runs(path, keys=None):
    """The runs of a results file (:func:`wfm.store.load_runs`), only those in ``keys`` if given."""
    runs = store.load_runs(path)
    if keys is not None:
        runs = runs[runs["key"].isin(set(keys))]
    return runs


def with_options(preset, args, names):
    """A copy of the ``preset`` dict with the values of the options ``names`` that were given
    (attributes of ``args`` that are not None)."""
    out = dict(preset)
    for name in names:
        value = getattr(args, name)
        if value is not None:
            out[name] = value
    return out


def summary(runs):
    """The attributes of a table of runs at one load: ``alpha``, the number of ``runs``, the
    summed run time ``seconds`` and ``instances`` (the most runs of one (algorithm, N))."""
    return dict(alpha=float(runs["alpha"].iloc[0]), runs=len(runs), seconds=float(runs["seconds"].sum()),
                instances=int(runs.groupby(["algorithm", "N"]).size().max()))


def listing(values, form="{}"):
    """``"a"``, ``"a and b"``, ``"a, b and c"`` of the formatted ``values``."""
    texts = [form.format(v) for v in values]
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]


def number(value, digits=3):
    """A threshold or mean for a caption: ``digits`` decimals, "not crossed" for NaN."""
    return "not crossed" if value is None or np.isnan(value) else f"{value:.{digits}f}"


def count_range(counts):
    """``"20"`` when every count is 20, ``"8-10"`` otherwise."""
    counts = sorted({int(c) for c in counts})
    return str(counts[0]) if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"


def duration(seconds):
    """Seconds as ``"93 s"``, ``"12 min"`` or ``"3.1 h"``."""
    if seconds < 600:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min" if seconds < 3 * 3600 else f"{seconds / 3600:.1f} h"


def cost(runs):
    """``"720 runs, 93 s of computing time"``: the number of runs and the sum of their recorded times."""
    return f"{len(runs)} runs, {duration(float(runs['seconds'].sum()))} of computing time (sum of the run times)"


def above_error_bars(rates, better, worse):
    """The loads at which algorithm ``better`` succeeds more often than ``worse`` by more than
    their error bars: ``better``'s lower bar above ``worse``'s upper bar.

    Parameters
    ----------
    rates : pandas.DataFrame
        Success rates of one curve per algorithm (:func:`wfm.analysis.success_rates`: columns
        ``algorithm``, ``alpha``, ``lo``, ``hi``), e.g. one N of one model.
    better, worse : str
        Algorithm names.

    Returns
    -------
    list of float
        The loads alpha, ascending.
    """
    bounds = rates.pivot_table(index="alpha", columns="algorithm", values=["lo", "hi"])
    if better not in bounds["lo"] or worse not in bounds["hi"]:
        return []
    return sorted(float(a) for a in bounds.index[bounds["lo"][better] > bounds["hi"][worse]])


def line_styles(Ns):
    """``"N = 101 (dashed) and 201 (solid)"`` for the line styles of :func:`wfm.plots.phase_diagram`."""
    Ns = sorted(int(N) for N in Ns)
    if len(Ns) == 1:
        return f"N = {Ns[0]}"
    styles = dict(zip(reversed(Ns), LINE_STYLES))
    return "N = " + listing([f"{N} ({styles.get(N, 'solid')})" for N in Ns])


#: Names of the training energies of the Monte Carlo searches (their ``energy`` parameter).
ENERGIES = {"errors": "error count", "linear": "flip count", "ce": "cross-entropy"}

#: Parameters given to the energy-only member of a twin comparison (an energy-only search
#: against its local-entropy twin) so that both minimise the same energy: ``sa`` anneals the
#: flip count, the energy of its twin ``rsa`` (as the reference code RRRMC.jl anneals SA and
#: replicated SA on the same ``GraphPercLinear`` energy), with the beta schedule it shares with
#: ``rsa`` (3 -> 300); ``greedy``/``rgreedy`` are already twins on the cross-entropy. SA on the
#: cross-entropy, its registered default, reaches loads as high as RSA's on the flip count: that
#: is the default-settings comparison of Figure 1a, not a twin comparison.
TWIN_ENERGY = {"sa": {"energy": "linear"}}


def twin_energy(runs, energy_only="sa", twin="rsa"):
    """``"sa on the flip count, the energy of its twin rsa"`` when the runs of both algorithms
    record one and the same energy; ``""`` otherwise."""
    found = [set(runs.loc[runs["algorithm"] == name, "params.energy"].dropna()) if "params.energy" in runs
             else set() for name in (energy_only, twin)]
    if len(found[0]) != 1 or found[0] != found[1]:
        return ""
    energy = found[0].pop()
    return f"{energy_only} on the {ENERGIES.get(energy, energy)}, the energy of its twin {twin}"


def budget(runs, algorithm, energy=True):
    """The budget of an algorithm's runs as recorded: ``"6000 sweeps"``, ``"3 replicas x 2000 sweeps"``,
    and (``energy``) the energy minimised when the runs record one: ``"70000 sweeps on the
    cross-entropy"``."""
    mine = runs[runs["algorithm"] == algorithm]
    for unit in ("sweeps", "epochs", "max_epochs", "max_iters"):
        column = f"params.{unit}"
        if column in mine and mine[column].notna().all() and len(mine):
            amount = count_range(mine[column])
            text = f"at most {amount} {unit[4:]}" if unit.startswith("max_") else f"{amount} {unit}"
            replicas = mine["params.replicas"] if "params.replicas" in mine else None
            if replicas is not None and replicas.notna().all():
                text = f"{count_range(replicas)} replicas x {text}"
            energies = mine["params.energy"].dropna().unique() if energy and "params.energy" in mine else []
            if len(energies):
                text += " on the " + " / ".join(ENERGIES.get(energy, energy) for energy in sorted(energies))
            return text
    return "default budget"
