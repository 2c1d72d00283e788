"""benchmarks/reference_port.py, without the port: the instance file its C++ driver reads, and
the download of the port's source (by pip, by name; sha256 checked)."""
import hashlib
import importlib.util
import io
import pathlib
import stat
import subprocess
import sys
import tarfile
import types

import numpy as np
import pytest

from pipeline_env import ROOT
from wfm.problems import storage

sys.path.insert(0, str(ROOT / "benchmarks"))
spec = importlib.util.spec_from_file_location("reference_port", ROOT / "benchmarks" / "reference_port.py")
reference_port = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reference_port)

#: Stands in for the compiled driver: reads the instance file in the driver's layout (int64 N,
#: int64 P, P x N int8 patterns, P int8 labels) and prints the training errors of w = all ones
#: for K = 1 (or of w = [1, ..., 1, -1] for K > 1), then a time.
FAKE_DRIVER = """#!{python}
import sys
import numpy as np
data = open(sys.argv[1], "rb").read()
N, P = np.frombuffer(data[:16], dtype=np.int64)
X = np.frombuffer(data[16:16 + N * P], dtype=np.int8).reshape(P, N).astype(float)
y = np.frombuffer(data[16 + N * P:], dtype=np.int8)
assert y.size == P
w = np.ones(N) if sys.argv[2] == "1" else np.r_[np.ones(N - 1), -1.0]
print(int(np.sum(np.sign(X @ w) != y)), 0.25)
"""


def test_instance_file_round_trip(tmp_path):
    driver = tmp_path / "driver"
    driver.write_text(FAKE_DRIVER.format(python=sys.executable))
    driver.chmod(driver.stat().st_mode | stat.S_IEXEC)
    random = storage(31, P=40, seed=3)                          # N != P: a transposed layout fails
    for K, w in ((1, np.ones(31)), (3, np.r_[np.ones(30), -1.0])):
        assert np.any(np.sign(random.X @ w) != random.y)
        assert reference_port.run_port(driver, random, K, tmp_path) == (False, 0.25)
        taught = types.SimpleNamespace(N=31, P=40, X=random.X, y=np.sign(random.X @ w).astype(int))
        assert reference_port.run_port(driver, taught, K, tmp_path) == (True, 0.25)


def source_archive():
    """A small stand-in of the port's source archive (one file, src/rfbp.cpp), as bytes."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        data = b"// port\n"
        info = tarfile.TarInfo(f"{reference_port.SOURCE}/src/rfbp.cpp")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


class FakePip:
    """Stands in for ``subprocess.run`` of ``pip download``: records the command and writes
    ``archive`` into the ``-d`` folder (``exit`` 0), or fails (``exit`` 1)."""

    def __init__(self, archive=b"", exit=0):
        self.archive, self.exit, self.commands = archive, exit, []

    def __call__(self, command, **kwargs):
        self.commands.append(command)
        if not self.exit:
            folder = pathlib.Path(command[command.index("-d") + 1])
            (folder / (reference_port.SOURCE + ".tar.gz")).write_bytes(self.archive)
        return subprocess.CompletedProcess(command, self.exit, "", "ERROR: no network" if self.exit else "")


def test_port_downloaded_by_pip_by_name_and_checksum_checked(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    archive = source_archive()
    pip = FakePip(archive)
    monkeypatch.setattr(reference_port.subprocess, "run", pip)
    with pytest.raises(RuntimeError, match="sha256 of the downloaded port is .*, expected " + reference_port.SHA256):
        reference_port.fetch(cache)
    command = pip.commands[0]
    assert command[:4] == [sys.executable, "-m", "pip", "download"]
    assert "ReplicatedFocusingBeliefPropagation==1.0.4" in command and "--no-deps" in command
    assert not any("://" in part for part in command)
    assert list(cache.iterdir()) == []                            # the wrong archive is deleted

    monkeypatch.setattr(reference_port, "SHA256", hashlib.sha256(archive).hexdigest())
    source = reference_port.fetch(cache)
    assert (source / "src" / "rfbp.cpp").read_text() == "// port\n"
    assert reference_port.fetch(cache) == source and len(pip.commands) == 2   # unpacked: no new download


def test_failed_pip_download_names_the_requirement(tmp_path, monkeypatch):
    monkeypatch.setattr(reference_port.subprocess, "run", FakePip(exit=1))
    with pytest.raises(RuntimeError, match="pip download of ReplicatedFocusingBeliefPropagation==1.0.4 "
                                           "failed .exit 1.:\nERROR: no network"):
        reference_port.fetch(tmp_path / "cache")
