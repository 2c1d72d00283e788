"""wfm's version, from git, and the provenance every results file records.

In a git checkout (the sources on ``PYTHONPATH``, or an editable install) the version is read
from ``git describe`` at import, in the format setuptools-scm gives a build from the same
commit (its default schemes): ``X.Y.Z`` on a release tag ``vX.Y.Z``,
``X.Y.(Z+1).devD+gHASH`` D commits after it, ``0.1.devD+gHASH`` before the first tag, and
``.dYYYYMMDD`` appended to the local part when tracked files are modified. Elsewhere (an
installed wheel or sdist) it is the version setuptools-scm wrote at build time.
"""
import datetime
import functools
import pathlib
import re
import subprocess

#: The folder holding the ``wfm`` package (a git checkout's root when run from the sources).
ROOT = pathlib.Path(__file__).resolve().parent.parent
#: When neither git nor a build tells the version.
UNKNOWN = "0+unknown"


def _git(*args):
    """Output of ``git -C ROOT *args``; None when git is missing or fails."""
    try:
        done = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


@functools.cache
def git_state():
    """(version, commit, modified) from git, or None outside a git checkout of wfm.

    ``commit`` is the full hash of HEAD, ``modified`` whether tracked files differ from it.
    """
    if not (ROOT / ".git").exists():  # a folder, or a file in a worktree
        return None
    described = _git("describe", "--tags", "--long", "--dirty", "--always", "--match", "v[0-9]*")
    commit = _git("rev-parse", "HEAD")
    if described is None or commit is None:
        return None
    modified = described.endswith("-dirty")
    tagged = re.fullmatch(r"v(\d+(?:\.\d+)*)-(\d+)-g([0-9a-f]+)(?:-dirty)?", described)
    if tagged:
        release, distance, node = tagged[1], int(tagged[2]), tagged[3]
        if distance == 0 and not modified:
            return release, commit, False
        parts = release.split(".")
        base = ".".join(parts[:-1] + [str(int(parts[-1]) + 1)])
    else:
        base, distance, node = "0.1", int(_git("rev-list", "--count", "HEAD") or 0), described.removesuffix("-dirty")
    local = f"g{node}" + (datetime.date.today().strftime(".d%Y%m%d") if modified else "")
    return f"{base}.dev{distance}+{local}", commit, modified


@functools.cache
def version():
    """wfm's version: from git in a checkout, else as built (setuptools-scm), else :data:`UNKNOWN`."""
    state = git_state()
    if state is not None:
        return state[0]
    try:
        from wfm._scm_version import version as built
        return built
    except ImportError:
        pass
    from importlib import metadata

    try:
        return metadata.version("wfm")
    except metadata.PackageNotFoundError:
        return UNKNOWN


def provenance():
    """What produced a result: wfm's version and git commit, and the versions of Python and
    of the libraries that compute and store it.

    Returns
    -------
    dict
        ``wfm_version``, ``wfm_git_commit`` (full hash, with ``+modified`` when tracked files
        differ from it; in an installed build the abbreviated hash it was built from, or ""), ``python_version``, ``numpy_version``,
        ``numba_version``, ``scipy_version``, ``h5py_version``: all strings.
    """
    import platform

    import h5py
    import numba
    import numpy
    import scipy

    state = git_state()
    if state is not None:
        commit = state[1] + ("+modified" if state[2] else "")
    else:  # an installed build: the abbreviated commit setuptools-scm recorded, if any
        try:
            from wfm._scm_version import commit_id
        except ImportError:
            commit_id = None
        commit = (commit_id or "").removeprefix("g")
    return {"wfm_version": version(), "wfm_git_commit": commit, "python_version": platform.python_version(),
            "numpy_version": numpy.__version__, "numba_version": numba.__version__,
            "scipy_version": scipy.__version__, "h5py_version": h5py.__version__}
