"""sims/parity_vs_majority.py (figure 5) with tiny options: the file, the exact measures only at
small N, the tables of wfm.studies.parity_vs_majority and the PNG; exit code 2 with nothing written on bad input."""
import numpy as np
import pytest

from pipeline_env import ROOT, python
from wfm import store
from wfm.studies import parity_vs_majority
from wfm.theory import binary_entropy

SCRIPT = ROOT / "sims" / "parity_vs_majority.py"


def test_script_writes_both_machines(tmp_path):
    out = tmp_path / "pvm.h5"
    result = python(SCRIPT, "--N", "15", "33", "--alpha", "0.2", "0.4", "--seeds", "2", "--sweeps", "700",
                    "--samples", "20", "--sizes", "0", "0.05", "--capacity-alpha", "0.4", "1.2", "--workers", "1", "--quiet", "--out", out,
                    timeout=300)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "pvm.png").read_bytes()[:4] == b"\x89PNG"
    runs = store.load_runs(out)
    assert (runs["status"] == "done").all()
    sizes = runs.groupby(["output", "algorithm", "N"]).size()
    assert sorted(sizes.items()) == sorted(
        ((o, a, N), 6 if a == "exact" else 4) for o in ("majority", "parity") for a in ("sa", "rsa", "exact")
        for N in (15, 33) if not (a == "exact" and N == 33))      # exact only at N <= 25, also at alpha 1.2
    assert sorted(runs[runs["algorithm"] == "exact"]["alpha"].unique()) == [0.2, 0.4, 1.2]
    budget = runs.set_index("algorithm")
    assert (budget.loc["sa", "params.sweeps"] == 700).all() and (budget.loc["rsa", "params.sweeps"] == 100).all()
    assert (budget.loc["rsa", "params.replicas"] == 7).all()                       # equal moves per weight
    counts = store.load_arrays(out, "measures/local_entropy_exact/counts")
    assert set(counts) == set(runs[runs["N"] == 15]["key"])
    # the total number of solutions does not depend on the algorithm: one count per instance
    small = runs[runs["N"] == 15].assign(total=lambda r: [counts[k].sum() for k in r["key"]])
    assert (small.groupby(["output", "alpha", "seed"])["total"].nunique() == 1).all()
    for key in runs[(runs["N"] == 15) & runs["solved"]]["key"]:
        assert counts[key][0] == 1                                           # the reference is a solution
        d = store.load_array(out, key, "measures/local_entropy_exact/distance")
        S = store.load_array(out, key, "measures/local_entropy_exact/entropy")
        assert np.all(S <= binary_entropy(d) + 1e-12)
    data = parity_vs_majority.table(out)
    assert (data["energy"][data["energy"]["size"] == 0]["energy"] == 0).all()
    near = data["neighbours"]
    assert ((near["single"] >= 0) & (near["single"] <= 1)).all() and len(near) == runs[runs["N"] == 15]["solved"].sum()
    summary = data["summary"]
    assert data["alpha"] == 0.4 and summary.equals(parity_vs_majority.summary(data, 0.4))
    assert set(summary.index) == {(o, a) for o in ("majority", "parity") for a in ("sa", "rsa", "exact")}


@pytest.mark.parametrize("args, match", [
    (["--N", "20", "--alpha", "0.3", "--seeds", "2"], "multiples of K = 3"),
    (["--N", "21", "--alpha", "0.3"], "give --N, --alpha and --seeds"),
    (["--preset", "quick", "--sweeps", "2"], "--sweeps must be a positive multiple of the 7 replicas"),
    (["--preset", "quick", "--sweeps", "600"], "--sweeps must be a positive multiple of the 7 replicas"),
    (["--preset", "quick", "--sizes", "2"], "flip probabilities in [0, 1]"),
    (["--preset", "quick", "--capacity-alpha", "0"], "--capacity-alpha must be > 0"),
])
def test_script_refuses_bad_input(tmp_path, args, match):
    result = python(SCRIPT, *args, "--out", tmp_path / "r.h5")
    assert result.returncode == 2 and match in result.stderr and result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []
