"""wfm's version from git, and the provenance every results file records."""
import datetime
import re
import subprocess

import pytest

import wfm
from wfm import _version


def test_version_and_commit_of_this_checkout():
    head = subprocess.run(["git", "-C", str(_version.ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
    assert head.returncode == 0, f"the tests run from a git checkout of wfm: {head.stderr.strip()}"
    assert wfm.__version__ == _version.version()
    assert re.fullmatch(r"\d+(\.\d+)*(\.dev\d+\+g[0-9a-f]{4,}(\.d\d{8})?)?", wfm.__version__)
    provenance = _version.provenance()
    assert provenance["wfm_git_commit"].removesuffix("+modified") == head.stdout.strip()
    assert provenance["wfm_version"] == wfm.__version__
    import h5py
    import numba
    import numpy
    import scipy

    assert (provenance["numpy_version"], provenance["numba_version"], provenance["scipy_version"],
            provenance["h5py_version"]) == (numpy.__version__, numba.__version__, scipy.__version__, h5py.__version__)


def test_version_and_commit_without_git(monkeypatch):
    # An installed build or an unpacked source distribution: no git state, so the version is the
    # one setuptools-scm wrote at build time (or the installed metadata's) and the commit is the
    # abbreviated hash recorded then, never "+modified".
    monkeypatch.setattr(_version, "git_state", lambda: None)
    _version.version.cache_clear()
    try:
        found = _version.version()
        provenance = _version.provenance()
    finally:
        _version.version.cache_clear()
    # setuptools-scm's forms, e.g. "0.1.dev195+g0123456" or, without a tag, "1.dev349+unknown.g83dcad7"
    assert re.fullmatch(r"\d+(\.\d+)*(\.dev\d+)?(\+[0-9A-Za-z]+(\.[0-9A-Za-z]+)*)?", found), found
    assert provenance["wfm_version"] == found
    assert re.fullmatch(r"[0-9a-f]*", provenance["wfm_git_commit"])


TODAY = datetime.date.today().strftime("%Y%m%d")
HASH = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize("described, count, expected", [
    ("v1.2.3-0-g0123456", None, ("1.2.3", False)),                                  # on the tag
    ("v1.2.3-0-g0123456-dirty", None, (f"1.2.4.dev0+g0123456.d{TODAY}", True)),
    ("v1.2.3-5-g0123456", None, ("1.2.4.dev5+g0123456", False)),
    ("v0.9-12-g0123456789-dirty", None, (f"0.10.dev12+g0123456789.d{TODAY}", True)),
    ("0123456", "195", ("0.1.dev195+g0123456", False)),                             # no tag yet
    ("0123456-dirty", "195", (f"0.1.dev195+g0123456.d{TODAY}", True)),
])
def test_version_from_git_describe_as_setuptools_scm_gives_it(monkeypatch, described, count, expected):
    """setuptools-scm's default schemes: guess-next-dev and node-and-date."""
    answers = {"describe": described, "rev-parse": HASH, "rev-list": count}
    monkeypatch.setattr(_version, "_git", lambda *args: answers[args[0]])
    _version.git_state.cache_clear()
    try:
        assert _version.git_state() == (expected[0], HASH, expected[1])
    finally:
        _version.git_state.cache_clear()
