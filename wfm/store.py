"""HDF5 results files (schema version 1): write runs crash-safely, read them as a DataFrame.

Layout of ``results.h5``:

- root attributes: ``format`` ("wfm-results"), ``schema_version`` (1), ``created``, ``sweep``
  and ``command`` (JSON spec and command line of the latest sweep that wrote to the file), the
  provenance of that sweep (:func:`wfm._version.provenance`: ``wfm_version``,
  ``wfm_git_commit``, ``python_version``, ``numpy_version``, ``numba_version``,
  ``scipy_version``, ``h5py_version``; files written before wfm recorded them have
  ``wfm_version`` only) and ``sweeps`` (JSON list of every such sweep with its start time,
  command, spec and provenance);
- ``/runs/<key>``, one group per run: attributes ``task`` (canonical JSON), every flat
  parameter (the columns of :func:`load_runs`), ``status`` ("done" or "failed"), ``message``,
  ``seconds`` and the scalar results; datasets ``w`` (or ``W`` and ``v``), ``history/<name>``,
  ``extra/<name>``, chunked and gzip-compressed.

Crash safety. Only the parent process of a sweep writes, and the file itself is never modified
in place: each completed run is first written to its own small HDF5 file in the journal folder
``results.h5.journal/`` (written under a temporary name, flushed to disk, then renamed, which
is atomic), and runs are merged into the main file by copying it to ``results.h5.tmp<pid>``,
adding the runs to the copy and renaming the copy over the original. A ``kill -9`` at any
moment therefore leaves the main file either as it was or with the new runs, never
half-written; runs still in the journal are read by :func:`load_runs` and merged by the next
writer, which also removes the copy a killed merge left behind. What a crash of the machine
or a full disk can still damage is reported, never fatal to later sweeps: an unreadable journal
entry is moved to ``results.h5.journal/corrupt/`` with a :class:`DamageWarning` (its run runs
again), a run group without its ``status`` (or ``task``) attribute is read with status
``"damaged"`` (and runs again), and a main file that HDF5 cannot open is refused with an
error naming it. No pickle is used: strings, JSON and arrays only.
"""
import datetime
import fcntl
import json
import os
import pathlib
import shutil
import time
import warnings

import h5py
import numpy as np
import pandas as pd

from wfm._version import provenance

FORMAT = "wfm-results"
SCHEMA_VERSION = 1
_RESERVED = ("key", "task", "status", "message")
_FIRST_COLUMNS = ("key", "status", "message", "problem", "model", "algorithm", "N", "alpha", "seed",
                  "errors", "solved", "iterations", "seconds")


#: Status of a run group that lacks one of the attributes every run has (``status``, ``task``).
DAMAGED = "damaged"


class ResultsFileError(ValueError):
    """The file is not a wfm results file, has another schema version, or cannot be opened."""


class DamageWarning(UserWarning):
    """Part of a results file or of its journal is unreadable; the rest is used (see the module
    docstring for what happens to the damaged part)."""


def _open(path):
    """``path`` opened read-only, a file that HDF5 cannot open (truncated, overwritten) being
    a :class:`ResultsFileError` naming it."""
    try:
        return h5py.File(path, "r", locking=False)
    except OSError as error:
        raise ResultsFileError(f"{str(path)!r} is damaged: HDF5 cannot open it ({error})") from None


def _path(path):
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {path!r} of type {type(path).__name__}")
    return pathlib.Path(path)


def journal_of(path):
    """Folder holding the runs not yet merged into the results file ``path``."""
    path = _path(path)
    return path.with_name(path.name + ".journal")


def check_file(path):
    """Raise a clear error unless ``path`` is a wfm results file of schema version 1.

    Raises
    ------
    FileNotFoundError
        No file at ``path``.
    ResultsFileError
        Not HDF5, not written by wfm, or of another schema version.
    """
    path = _path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no results file at {str(path)!r}")
    if not h5py.is_hdf5(path):
        raise ResultsFileError(f"{str(path)!r} is not a wfm results file (not an HDF5 file)")
    with _open(path) as f:
        fmt = f.attrs.get("format")
        version = f.attrs.get("schema_version")
    fmt, version = (v.item() if isinstance(v, np.generic) else v for v in (fmt, version))
    if fmt != FORMAT:
        raise ResultsFileError(f"{str(path)!r} is not a wfm results file (HDF5 without "
                               f"format={FORMAT!r}, found format={fmt!r})")
    if version != SCHEMA_VERSION:
        raise ResultsFileError(f"{str(path)!r} has results schema version {version!r}; this wfm "
                               f"reads version {SCHEMA_VERSION} only")
    return path


def check_writable(path):
    """Check, without writing anything, that a sweep can write its results to ``path``.

    An existing file must be a wfm results file; a new one needs an existing, writable folder.
    """
    path = _path(path)
    if path.exists():
        if not path.is_file():
            raise ValueError(f"output {str(path)!r} exists and is not a file")
        check_file(path)
        if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
            raise PermissionError(f"output {str(path)!r} is not writable")
        return path
    folder = path.parent
    if not folder.is_dir():
        raise FileNotFoundError(f"cannot write output {str(path)!r}: folder {str(folder)!r} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(f"cannot write output {str(path)!r}: folder {str(folder)!r} is not writable")
    return path


def _attr(value):
    """An HDF5 attribute value (None is not stored)."""
    if isinstance(value, (bool, np.bool_)):
        return np.bool_(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, sort_keys=True)
    return value


def _write_run(group, record):
    group.attrs["key"] = record["key"]
    group.attrs["task"] = json.dumps(record["task"], sort_keys=True, separators=(",", ":"))
    group.attrs["status"] = record["status"]
    group.attrs["message"] = record["message"]
    for name, value in {**record["columns"], **record["results"]}.items():
        if name in _RESERVED:
            raise ValueError(f"record column {name!r} clashes with a reserved attribute")
        if value is not None:
            group.attrs[name] = _attr(value)
    for name, array in record["arrays"].items():
        array = np.asarray(array)
        if array.dtype.kind not in "biuf":
            raise TypeError(f"array {name!r} must be numeric or boolean, got dtype {array.dtype}")
        if array.ndim and array.size:
            group.create_dataset(name, data=array, chunks=True, compression="gzip", shuffle=True)
        else:
            group.create_dataset(name, data=array)


def _status(group):
    """A run group's status, :data:`DAMAGED` when it lacks ``status`` or ``task``."""
    if "status" not in group.attrs or "task" not in group.attrs:
        return DAMAGED
    status = group.attrs["status"]
    return status.decode() if isinstance(status, bytes) else str(status)


def _read_run(group):
    row = {}
    for name, value in group.attrs.items():
        if name == "task":
            continue
        if isinstance(value, np.generic):
            value = value.item()
        elif isinstance(value, bytes):
            value = value.decode()
        row[name] = value
    if _status(group) == DAMAGED:
        missing = [name for name in ("status", "task") if name not in group.attrs]
        row["status"] = DAMAGED
        row["message"] = f"damaged run group: no attribute {' or '.join(map(repr, missing))}"
    return row


def _fsync(path, directory=False):
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


class Writer:
    """Writes completed runs to a results file; only the parent process of a sweep uses it.

    Opening checks the file (or that a new one can be created), takes an exclusive lock (a
    second sweep on the same file is refused), merges runs left in the journal by an
    interrupted sweep and records this sweep in the root attributes.

    Parameters
    ----------
    path : str or os.PathLike
        The results file; created if missing.
    sweep : dict, optional
        JSON spec of the sweep (recorded in the root attributes).
    command : str, optional
        Command line of the sweep.
    commit_every : float
        Seconds between merges of the journal into the main file (runs are safe in the journal
        as soon as :meth:`write` returns; merging only consolidates them).
    """

    def __init__(self, path, *, sweep=None, command=None, commit_every=30.0):
        self.path = check_writable(path)
        self.journal = journal_of(self.path)
        self.commit_every = float(commit_every)
        self._lock = self._acquire_lock()
        try:
            self._statuses = {}
            self._new_sweep = {"started": _now(), "command": command or "", "sweep": sweep,
                               "provenance": provenance()}
            self._remove_leftovers()
            if not self.path.exists():
                self._create()
            self.journal.mkdir(exist_ok=True)
            with _open(self.path) as f:
                for key, group in f.get("runs", {}).items():
                    self._statuses[key] = _status(group)
            damaged = sorted(key for key, status in self._statuses.items() if status == DAMAGED)
            if damaged:
                warnings.warn(f"{str(self.path)!r}: {len(damaged)} damaged run group(s) (no status), "
                              f"run again: {', '.join(damaged)}", DamageWarning, stacklevel=2)
            for entry in self._journal_entries():
                status = _entry_status(entry)
                if status is None:
                    self._set_aside(entry)
                else:
                    self._statuses[entry.stem] = status
            self._last_commit = -np.inf
            self.commit(force=True)
        except BaseException:
            self._release_lock()
            raise

    def _remove_leftovers(self):
        """Delete what a killed writer left: half-written journal entries and the copy of the
        file an interrupted merge was building (``<file>.tmp<pid>``; no other writer is at work,
        since this one holds the lock)."""
        for leftover in self.path.parent.iterdir():
            if leftover.name.startswith(self.path.name + ".tmp") and leftover.is_file():
                leftover.unlink()
        if self.journal.is_dir():
            for leftover in self.journal.glob("*.tmp"):
                leftover.unlink()

    def _set_aside(self, entry):
        """Move an unreadable journal entry to ``<journal>/corrupt/`` and warn, naming it."""
        corrupt = self.journal / "corrupt"
        corrupt.mkdir(exist_ok=True)
        os.replace(entry, corrupt / entry.name)
        warnings.warn(f"unreadable journal entry {str(entry)!r} moved to {str(corrupt)!r}; "
                      "its run runs again", DamageWarning, stacklevel=3)

    def _acquire_lock(self):
        lock = open(self.path.with_name(self.path.name + ".lock"), "w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise RuntimeError(f"another sweep is writing to {str(self.path)!r}") from None
        return lock

    def _release_lock(self):
        if self._lock is not None:
            pathlib.Path(self._lock.name).unlink(missing_ok=True)
            self._lock.close()
            self._lock = None

    def _create(self):
        tmp = self.path.with_name(self.path.name + f".tmp{os.getpid()}")
        with h5py.File(tmp, "w") as f:
            f.attrs["format"] = FORMAT
            f.attrs["schema_version"] = SCHEMA_VERSION
            f.attrs["created"] = _now()
            f.attrs["sweeps"] = "[]"
            f.create_group("runs")
        _fsync(tmp)
        os.replace(tmp, self.path)
        _fsync(self.path.parent, directory=True)

    def _journal_entries(self):
        return sorted(self.journal.glob("*.h5"))

    def statuses(self):
        """Dict key -> status ("done" or "failed") of every run already recorded."""
        return dict(self._statuses)

    def write(self, record):
        """Record one run (a :func:`wfm.sweep.run_task` record), whole or not at all."""
        key = record["key"]
        tmp = self.journal / f"{key}.h5.tmp"
        try:
            with h5py.File(tmp, "w") as f:
                _write_run(f.create_group("run"), record)
            _fsync(tmp)
            os.replace(tmp, self.journal / f"{key}.h5")
        except BaseException:  # Ctrl-C included: no half-written run is left in the journal
            tmp.unlink(missing_ok=True)
            raise
        self._statuses[key] = record["status"]
        if time.monotonic() - self._last_commit >= self.commit_every:
            self.commit()

    def commit(self, force=False):
        """Merge the journal into the main file: copy, add the runs, rename over the original."""
        entries = self._journal_entries()
        if not entries and not force:
            return
        tmp = self.path.with_name(self.path.name + f".tmp{os.getpid()}")
        shutil.copyfile(self.path, tmp)
        try:
            with h5py.File(tmp, "r+") as f:
                runs = f.require_group("runs")
                for entry in entries:
                    with h5py.File(entry, "r", locking=False) as src:
                        if entry.stem in runs:
                            del runs[entry.stem]
                        f.copy(src["run"], runs, name=entry.stem)
                if self._new_sweep is not None:
                    sweeps = json.loads(f.attrs.get("sweeps", "[]"))
                    sweeps.append(self._new_sweep)
                    f.attrs["sweeps"] = json.dumps(sweeps)
                    f.attrs["sweep"] = json.dumps(self._new_sweep["sweep"])
                    f.attrs["command"] = self._new_sweep["command"]
                    f.attrs.update(self._new_sweep["provenance"])
            _fsync(tmp)
            os.replace(tmp, self.path)
            _fsync(self.path.parent, directory=True)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        self._new_sweep = None
        for entry in entries:
            entry.unlink()
        self._last_commit = time.monotonic()

    def close(self):
        """Merge the journal, remove it and release the lock."""
        if self._lock is None:
            return
        try:
            self.commit()
            if not any(self.journal.glob("*.h5")) and not (self.journal / "corrupt").exists():
                self.journal.rmdir()
        finally:
            self._release_lock()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _entry_status(entry):
    """The status of the run in a journal entry; None when the entry is unreadable (empty,
    garbage, without its run group) or gone (merged meanwhile)."""
    try:
        with h5py.File(entry, "r", locking=False) as f:
            return _status(f["run"])
    except (OSError, KeyError):
        return None


def _runs(path):
    """Yield (key, h5py group) for every run: main file first, then journal entries (newer).
    Unreadable journal entries are skipped with a :class:`DamageWarning` (the next writer sets
    them aside)."""
    path = check_file(path)
    with _open(path) as f:
        for key, group in f.get("runs", {}).items():
            yield key, group
    journal = journal_of(path)
    if journal.is_dir():
        for entry in sorted(journal.glob("*.h5")):
            try:
                src = h5py.File(entry, "r", locking=False)
            except FileNotFoundError:  # merged meanwhile: its run is already in the main file
                continue
            except OSError:
                src = None
            if src is None or "run" not in src:
                if src is not None:
                    src.close()
                warnings.warn(f"unreadable journal entry {str(entry)!r} skipped", DamageWarning, stacklevel=3)
                continue
            with src:
                yield entry.stem, src["run"]


def load_runs(path):
    """One row per run: parameters, seeds, status, message, scalar results, seconds.

    Parameters
    ----------
    path : str or os.PathLike
        A wfm results file (runs still in its journal are included).

    Returns
    -------
    pandas.DataFrame
        Columns: ``key``, ``status``, ``message``, the task columns (``problem``, ``model``,
        ``algorithm``, ``N``, ``alpha``, model arguments, ``params.<name>``, ``seed`` (the
        seed index), ``sweep_seed``, ``problem_seed``, ``algorithm_seed``) and the results
        (``errors``, ``solved``, ``iterations``, ``seconds``, ``P``, ...); NaN where a run has
        no such value (failed runs have no results). Sorted by problem, model, algorithm,
        N, alpha, seed.

    Raises
    ------
    FileNotFoundError, ResultsFileError
        See :func:`check_file`.
    """
    rows = {}
    for key, group in _runs(path):
        rows[key] = _read_run(group)
    frame = pd.DataFrame(list(rows.values()))
    if frame.empty:
        return pd.DataFrame(columns=["key", "status", "message"])
    order = [c for c in ("problem", "model", "algorithm", "N", "alpha", "seed", "key") if c in frame]
    frame = frame.sort_values(order, kind="stable").reset_index(drop=True)
    first = [c for c in _FIRST_COLUMNS if c in frame]
    return frame[first + [c for c in frame.columns if c not in first]]


def load_array(path, key, name):
    """One array of one run, e.g. ``load_array(path, key, "w")`` or ``"history/updates"``.

    Raises
    ------
    KeyError
        No run ``key`` in the file, or no array ``name`` in that run.
    """
    found = None
    for run_key, group in _runs(path):
        if run_key == key:
            if name not in group or not isinstance(group[name], h5py.Dataset):
                arrays = []
                group.visititems(lambda n, obj: arrays.append(n) if isinstance(obj, h5py.Dataset) else None)
                raise KeyError(f"run {key!r} has no array {name!r}; it has: {', '.join(arrays) or 'none'}")
            found = group[name][()]
    if found is None:
        raise KeyError(f"no run with key {key!r} in {str(path)!r}")
    return found


def describe(path):
    """A short text summary: format, versions, creation time, sweeps and run counts."""
    path = check_file(path)
    with _open(path) as f:
        attrs = {name: f.attrs[name] for name in f.attrs}
    runs = load_runs(path)
    sweeps = json.loads(attrs.get("sweeps", "[]"))
    pending = len(list(journal_of(path).glob("*.h5"))) if journal_of(path).is_dir() else 0
    status = runs["status"].value_counts() if len(runs) else {}
    done = runs[runs["status"] == "done"] if len(runs) else runs
    solved = int(done["solved"].fillna(False).astype(bool).sum()) if "solved" in done else 0
    damaged = f", {status.get(DAMAGED, 0)} damaged" if status.get(DAMAGED, 0) else ""
    lines = [f"{path}: {attrs['format']} schema {attrs['schema_version']}, created {attrs.get('created', '?')}",
             _describe_provenance(attrs),
             f"runs: {len(runs)} ({status.get('done', 0)} done, {status.get('failed', 0)} failed{damaged}, "
             f"{solved} solved; {pending} not yet merged from the journal)"]
    if damaged:
        keys = ", ".join(runs.loc[runs["status"] == DAMAGED, "key"])
        lines.append(f"damaged run groups (no status or task attribute; the next sweep runs them again): {keys}")
    for sweep in sweeps:
        lines.append(f"sweep started {sweep['started']}: {sweep['command'] or '(no command line)'}")
    return "\n".join(lines)


def _describe_provenance(attrs):
    """The line of :func:`describe` saying what wrote the file last."""
    line = f"written by wfm {attrs.get('wfm_version', '?')}"
    if attrs.get("wfm_git_commit"):
        line += f" (git commit {attrs['wfm_git_commit']})"
    libraries = [f"{name} {attrs[name + '_version']}" for name in ("python", "numpy", "numba", "scipy", "h5py")
                 if name + "_version" in attrs]
    return line + (", " + ", ".join(libraries) if libraries else " (library versions not recorded)")


def load_arrays(path, name):
    """The array ``name`` of every run that has it, in one pass over the file.

    Returns
    -------
    dict
        Run key -> ndarray (runs without the array are left out).
    """
    out = {}
    for key, group in _runs(path):
        if name in group and isinstance(group[name], h5py.Dataset):
            out[key] = group[name][()]
    return out


def compact(path, out, arrays=()):
    """Copy a results file keeping every run's attributes but only the arrays named in ``arrays``.

    Meant for small reference files kept under version control (the parameters and scalar
    results of every run stay; weights and histories, which dominate the size, go).

    Parameters
    ----------
    path : str or os.PathLike
        A wfm results file whose journal is empty (the sweep has finished).
    out : str or os.PathLike
        The compacted file, written whole or not at all (may be ``path`` itself).
    arrays : sequence of str
        Shell-style patterns of array names to keep, e.g. ``["measures/*"]``.

    Returns
    -------
    pathlib.Path
        ``out``.
    """
    import fnmatch

    path, out = check_file(path), _path(out)
    if journal_of(path).is_dir() and any(journal_of(path).glob("*.h5")):
        raise ValueError(f"{str(path)!r} has runs not yet merged from its journal; "
                         "finish (or resume) the sweep first")
    if isinstance(arrays, str):
        raise TypeError(f"arrays must be a sequence of patterns, got the string {arrays!r}")
    patterns = list(arrays)
    tmp = out.with_name(out.name + f".tmp{os.getpid()}")
    try:
        with _open(path) as src, h5py.File(tmp, "w") as dst:
            dst.attrs.update(dict(src.attrs))
            runs = dst.create_group("runs")
            for key, group in src["runs"].items():
                copy = runs.create_group(key)
                copy.attrs.update(dict(group.attrs))
                names = []
                group.visititems(lambda n, obj: names.append(n) if isinstance(obj, h5py.Dataset) else None)
                for name in names:
                    if any(fnmatch.fnmatchcase(name, p) for p in patterns):
                        copy.create_dataset(name, data=group[name][()])  # small: contiguous
        _fsync(tmp)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out
