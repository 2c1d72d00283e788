"""sims/local_entropy_curves.py (figure 2) with tiny options: the file, the exact measure only at
small N, the tables of wfm.studies.local_entropy_curves and the PNG; exit code 2 with nothing written on bad input."""
import numpy as np
import pytest

from pipeline_env import ROOT, python
from wfm import store
from wfm.studies import local_entropy_curves
from wfm.theory import binary_entropy

SCRIPT = ROOT / "sims" / "local_entropy_curves.py"


def test_script_writes_bp_and_exact_curves(tmp_path):
    out = tmp_path / "lent.h5"
    result = python(SCRIPT, "--algorithm", "perceptron", "--algorithm", "exact", "--N", "13", "31",
                    "--alpha", "0.4", "--seeds", "3", "--gammas", "0", "1", "2", "--workers", "1", "--quiet",
                    "--out", out, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "lent.png").read_bytes()[:4] == b"\x89PNG"
    runs = store.load_runs(out)
    assert runs["solved"].all()
    assert sorted(runs.groupby(["algorithm", "N"]).size().items()) == [
        (("exact", 13), 3), (("perceptron", 13), 3), (("perceptron", 31), 3)]   # exact only at N <= 25
    exact_counts = store.load_arrays(out, "measures/local_entropy_exact/counts")
    assert set(exact_counts) == set(runs[runs["N"] == 13]["key"])              # exact measure only at N <= 25
    assert all(c[0] == 1 for c in exact_counts.values())                        # the reference is a solution
    table = local_entropy_curves.table(out)
    assert sorted(table.groupby(["algorithm", "N", "method"]).size().items()) == [
        (("exact", 13, "bp"), 3), (("exact", 13, "exact"), 3), (("perceptron", 13, "bp"), 3),
        (("perceptron", 13, "exact"), 3), (("perceptron", 31, "bp"), 3)]
    exact = table[table["method"] == "exact"].set_index(["gamma", "algorithm"])
    # gamma = 0: the total entropy of the instance, whatever solution the curve starts from
    assert exact.loc[(0.0, "exact"), "entropy"] == pytest.approx(exact.loc[(0.0, "perceptron"), "entropy"], rel=1e-12)
    for key, d in store.load_arrays(out, "measures/local_entropy_exact/distance").items():
        S = store.load_array(out, key, "measures/local_entropy_exact/entropy")
        assert np.all(S <= binary_entropy(d) + 1e-12) and np.all(np.diff(d) < 0)
    at = local_entropy_curves.local_entropy_at(out, 0.1).set_index(["N", "method", "algorithm"])
    assert (at["runs"] == 3).all() and (at["entropy"] < at["bound"] + 1 / 13).all()


@pytest.mark.parametrize("args, match", [
    (["--N", "21", "--seeds", "2", "--gammas", "2", "1"], "--gammas must be >= 0 and increasing"),
    (["--algorithm", "exact", "--N", "41", "--seeds", "2"], "nothing to run"),
    (["--preset", "quick", "--param", "famp.nope=1"], "give ALGORITHM.NAME"),
])
def test_script_refuses_bad_input(tmp_path, args, match):
    result = python(SCRIPT, *args, "--out", tmp_path / "r.h5")
    assert result.returncode == 2 and match in result.stderr and result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []
