"""sims/local_entropy_theory.py (figure 2b) with tiny options: the results file (one record per
load and one for the breakdown load), the tables of wfm.studies.local_entropy_theory and the PNG;
exit code 2 with nothing written on bad input."""
import numpy as np
import pytest

from pipeline_env import ROOT, python
from wfm import store, theory
from wfm.studies import local_entropy_theory

SCRIPT = ROOT / "sims" / "local_entropy_theory.py"


def test_script_writes_the_curves(tmp_path):
    out = tmp_path / "theory.h5"
    result = python(SCRIPT, "--alpha", "0.5", "0.78", "--points", "15", "--out", out, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "dense regions break up above alpha = 0.755" in result.stdout
    assert (tmp_path / "theory.png").read_bytes()[:4] == b"\x89PNG"
    runs = store.load_runs(out)
    assert sorted(runs["quantity"]) == ["dense_region_breakdown", "local_entropy", "local_entropy"]
    assert (runs["status"] == "done").all() and (runs["seconds"] > 0).all()
    data = local_entropy_theory.table(out)
    assert list(data["loads"]["alpha"]) == [0.5, 0.78] and data["runs"] == 3
    assert data["breakdown"] == pytest.approx(0.7553, abs=2e-4)   # docs/science/local-entropy-theory.md
    loads = data["loads"].set_index("alpha")
    assert np.isnan(loads.loc[0.5, "d_fold"]) and 0.01 < loads.loc[0.78, "d_fold"] <= 0.05   # on this coarse grid
    assert loads.loc[0.5, "d_top"] == pytest.approx(0.2527, abs=1e-4)   # the same page
    # the stored curves are wfm.theory's at the stored distances
    curves = data["curves"]
    fp = curves[(curves["alpha"] == 0.5) & (curves["curve"] == "franz_parisi")]
    assert len(fp) == len(local_entropy_theory.distances(15))
    assert np.allclose(fp["entropy"], theory.franz_parisi_entropy(0.5, fp["distance"].to_numpy()), equal_nan=True)
    assert local_entropy_theory.shown(data) == [0.78]              # 0.5 is not one of SHOWN


def test_zero_crossing_interpolates():
    d = np.array([0.01, 0.02, 0.03, 0.04])
    assert local_entropy_theory._zero_crossing(d, np.array([np.nan, -0.1, 0.1, 0.2])) == pytest.approx(0.025)
    assert np.isnan(local_entropy_theory._zero_crossing(d, np.array([0.1, 0.2, 0.3, 0.4])))


@pytest.mark.parametrize("args, match", [
    (["--alpha", "0.9", "--points", "20"], "--alpha must be in (0, 0.833"),
    (["--alpha", "0.5", "--points", "5"], "--points must be >= 10, got 5"),
    (["--alpha", "0.5"], "give --alpha and --points, or a --preset"),
    (["--preset", "quick", "--kappa", "nan"], "--kappa must be finite"),
])
def test_script_refuses_bad_input(tmp_path, args, match):
    result = python(SCRIPT, *args, "--out", tmp_path / "r.h5")
    assert result.returncode == 2 and match in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert list(tmp_path.iterdir()) == []
