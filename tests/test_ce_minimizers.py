"""sims/ce_minimizers.py (figure 2c) with tiny options: the runs per method, the method labels read
back from the file, the tables of wfm.studies.ce_minimizers and the PNG; exit code 2 with nothing
written on bad input."""
import numpy as np
import pytest

from pipeline_env import ROOT, python
from wfm import store
from wfm.studies import ce_minimizers

SCRIPT = ROOT / "sims" / "ce_minimizers.py"


def test_script_writes_every_method_and_table(tmp_path):
    out = tmp_path / "ce.h5"
    result = python(SCRIPT, "--method", "sa CE gamma=5", "--method", "sa flip count", "--method", "typical (exact)",
                    "--N", "13", "31", "--alpha", "0.3", "0.5", "--seeds", "3", "2", "--workers", "1", "--quiet",
                    "--out", out, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "ce.png").read_bytes()[:4] == b"\x89PNG"
    runs = store.load_runs(out)
    labels = runs.apply(ce_minimizers.method, axis=1)
    counts = sorted(runs.assign(method=labels).groupby(["method", "N", "alpha"]).size().items())
    # exact sampling only at N <= 25, SA on the flip count at N > 25 only up to its largest load
    assert counts == [(("sa CE gamma=5", 13, 0.3), 3), (("sa CE gamma=5", 13, 0.5), 3),
                      (("sa CE gamma=5", 31, 0.3), 2), (("sa CE gamma=5", 31, 0.5), 2),
                      (("sa flip count", 13, 0.3), 3), (("sa flip count", 13, 0.5), 3),
                      (("sa flip count", 31, 0.3), 2),
                      (("typical (exact)", 13, 0.3), 3), (("typical (exact)", 13, 0.5), 3)]
    assert set(store.load_arrays(out, "measures/local_entropy_exact/entropy")) == set(runs[runs["N"] == 13]["key"])
    ce = runs[runs["params.energy"] == "ce"]
    assert len(ce) == 10 and (ce["params.ce_gamma0"] == 5).all() and (ce["params.ce_gamma1"] == 5).all()
    data = ce_minimizers.table(out)
    assert data["loads"] == [0.3, 0.5] and data["runs"] == len(runs)
    at = data["at"]
    solved = runs[runs["solved"]].assign(method=labels)
    for (alpha, N, label, kind), row in at.set_index(["alpha", "N", "method", "kind"]).iterrows():
        assert row["runs"] <= ((solved["alpha"] == alpha) & (solved["N"] == N) & (solved["method"] == label)).sum()
        assert kind == "bp" or N == 13
        assert np.isfinite(row["franz_parisi"]) and np.isfinite(row["large_deviation"])
        assert row["franz_parisi"] < row["large_deviation"] < row["bound"]
    energy = data["energy"]
    assert set(energy["method"]) <= set(labels) and (energy[energy["size"] == 0]["energy"] == 0).all()
    where = ce_minimizers.positions(data)
    assert (where["N"] == 31).all() and (where["kind"] == "bp").all()


@pytest.mark.parametrize("args, match", [
    (["--N", "21", "--alpha", "0.4", "--seeds", "2", "--method", "nope"], "--method must be one of"),
    (["--N", "21", "31", "--alpha", "0.4", "--seeds", "2", "3", "4"], "--seeds must be one number >= 1 or one per N"),
    (["--N", "41", "--alpha", "0.4", "--seeds", "2", "--method", "typical (exact)"], "nothing to run"),
    (["--N", "21", "--alpha", "0", "--seeds", "2"], "--alpha must be > 0"),
    (["--N", "21", "--seeds", "2"], "give --N, --alpha and --seeds, or a --preset"),
])
def test_script_refuses_bad_input(tmp_path, args, match):
    result = python(SCRIPT, *args, "--out", tmp_path / "r.h5")
    assert result.returncode == 2 and match in result.stderr and result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []
