"""sims/ce_norm_annealing.py: a tiny run writes a complete results file; bad input writes nothing."""
import importlib.util
import json
import pathlib

import h5py
import numpy as np
import pytest

SCRIPT = pathlib.Path(__file__).resolve().parent.parent / "sims" / "ce_norm_annealing.py"


@pytest.fixture(scope="module")
def sim():
    spec = importlib.util.spec_from_file_location("ce_norm_annealing", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TINY = ["--N", "30", "--K", "3", "--alpha", "0.5", "--instances", "2", "--epochs", "40",
        "--samples", "8", "--quiet"]


def test_tiny_run_writes_every_run_and_the_summary(sim, tmp_path):
    out = tmp_path / "ce.h5"
    assert sim.main(TINY + ["--out", str(out)]) == 0
    assert (tmp_path / "ce.png").stat().st_size > 0
    with h5py.File(out, "r") as f:
        assert f.attrs["format"] == "wfm-results" and f.attrs["schema_version"] == 1
        params = json.loads(f.attrs["parameters"])
        assert params["N"] == 30 and params["instances"] == 2
        runs = f["runs"]
        assert len(runs) == 2 * len(sim.METHODS)
        for key in runs:
            run = runs[key]
            assert run["local_energy"].shape == (len(sim.SIZES),)
            epochs = run.attrs["epochs"]
            assert run["history/errors"].shape == (epochs,)
            assert run["history/errors"][-1] == run.attrs["errors"]
        for label in sim.METHODS:
            group = f[f"summary/{label.replace(' ', '_')}"]
            solved = [runs[k]["local_energy"][:] for k in runs
                      if runs[k].attrs["method"] == label and runs[k].attrs["solved"]]
            assert group.attrs["solved"] == len(solved)
            if solved:
                np.testing.assert_allclose(group["mean"][:], np.mean(solved, axis=0))


@pytest.mark.parametrize("bad", [["--N", "0"], ["--alpha", "-1"], ["--K", "4"], ["--seed", "-3"]])
def test_bad_input_exits_2_and_writes_nothing(sim, tmp_path, capsys, bad):
    out = tmp_path / "bad.h5"
    assert sim.main(TINY + bad + ["--out", str(out)]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []
