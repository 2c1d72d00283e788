"""benchmarks/reference_port.py, without the port: the instance file its C++ driver reads."""
import importlib.util
import stat
import sys
import types

import numpy as np

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
