"""sims/reparametrization.py with tiny options: the results file, the figure, resuming, the
invariance of the local energies and the Dinh et al. transformation of the Hessian, read back
from the HDF5 file; command-line errors exit with code 2 and write nothing."""
import json

import h5py
import numpy as np
import pytest

from pipeline_env import ROOT, load_script, python
from wfm import store
from wfm.measures import hessian
from wfm.models import Committee
from wfm.problems import storage

SCRIPT = ROOT / "sims" / "reparametrization.py"
TINY = ["--N", "12", "--K", "6", "--alpha", "2.0", "--seeds", "2", "--scales", "0.3,1,3", "--random-draws", "1",
        "--workers", "2", "--quiet"]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reparam")
    out = folder / "r.h5"
    done = python(SCRIPT, *TINY, "--out", out, "--plot", folder / "r.png", timeout=300)
    assert done.returncode == 0, done.stderr
    assert "2 trained (2 solved" in done.stdout and "8 rescaled points measured (0 failed" in done.stdout
    again = python(SCRIPT, *TINY, "--out", out, "--plot", folder / "r.png", timeout=300)
    assert again.returncode == 0, again.stderr
    assert "2 already done" in again.stdout and "0 rescaled points measured (0 failed, 8 already done)" in again.stdout
    return out, done.stdout


def test_file_figure_and_table(results):
    out, stdout = results
    runs = store.load_runs(out)
    assert len(runs) == 2 + 2 * 4 and (runs["status"] == "done").all()
    trained = runs[runs["base_key"].isna()]
    assert (trained["algorithm"] == "lbfgs").all() and (trained["errors"] == 0).all()
    rescaled = runs[runs["base_key"].notna()]
    assert sorted(rescaled["transform"]) == sorted(["a=0.3", "a=1", "a=3", "random0"] * 2)
    assert (rescaled["errors"] == 0).all() and (rescaled["output_change"] < 1e-12).all()
    with h5py.File(out, "r") as f:
        assert f.attrs["format"] == "wfm-results" and f.attrs["schema_version"] == 1
        sweeps = json.loads(f.attrs["sweeps"])
    assert any(s["sweep"].get("study") == "reparametrization" for s in sweeps if isinstance(s["sweep"], dict))
    assert out.with_suffix(".png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "local_energy_multiplicative" in stdout and "hessian_trace" in stdout


def _by_transform(out):
    runs = store.load_runs(out)
    rescaled = runs[runs["base_key"].notna()]
    return {base: group.set_index("transform") for base, group in rescaled.groupby("base_key")}


def test_local_energy_is_invariant_and_hessian_measures_move(results):
    out, _ = results
    for group in _by_transform(out).values():
        base = group.loc["a=1"]
        for noise in ("multiplicative", "additive"):
            name = f"measures/local_energy_{noise}/train"
            reference = store.load_array(out, base["key"], name)
            assert np.all(reference > 0)
            for label in ("a=0.3", "a=3", "random0"):
                # the same noise draws on the same function: the same error counts
                np.testing.assert_array_equal(store.load_array(out, group.loc[label, "key"], name), reference)
        top = {label: store.load_array(out, group.loc[label, "key"], "measures/hessian_eigenvalues")[0]
               for label in group.index}
        for label in ("a=0.3", "a=3", "random0"):
            row = group.loc[label]
            log_ratios = [np.log(row[column] / base[column])
                          for column in ("hessian_trace.value", "hessian_frobenius_exact")]
            log_ratios += [np.log(top[label] / top["a=1"]), row["log_volume"] - base["log_volume"]]
            # at least one Hessian measure moves by more than a factor 1.5
            assert np.max(np.abs(log_ratios)) > np.log(1.5), (label, log_ratios)


def test_hessian_transforms_as_dinh_et_al_predict(results):
    """H(a) = D^-1 H D^-1, D = diag(a_k on w_k, 1/a_k on v_k): the exact Frobenius norms in the
    file against the dense Hessian at the trained weights."""
    out, _ = results
    model = Committee(12, 6, tree=False, activation="relu", weights="continuous", second_layer="trainable")
    runs = store.load_runs(out).set_index("key")
    for base_key, group in _by_transform(out).items():
        problem = storage(12, P=24, inputs="gaussian", seed=int(runs.loc[base_key, "problem_seed"]))
        w = store.load_array(out, base_key, "W"), store.load_array(out, base_key, "v")
        H = hessian(problem, model, w, gamma=1.0)
        for label, row in group.iterrows():
            a = store.load_array(out, row["key"], "factors")
            d = np.concatenate([np.repeat(a, 12), 1 / a])
            expected = np.linalg.norm(H / np.outer(d, d))
            assert row["hessian_frobenius_exact"] == pytest.approx(expected, rel=1e-6)


def exit_code(main, args):
    try:
        return main(args)
    except SystemExit as exit:
        return exit.code


@pytest.mark.parametrize("args, match", [
    (["--preset", "huge"], "invalid choice"),
    (["--scales", "0,1"], "--scales must be > 0"),
    (["--scales", "2,3"], "--scales must include 1"),
    (["--N", "0"], "--N must be >= 1"),
    (["--alpha", "-1"], "--alpha must be > 0"),
    (["--random-draws", "-1"], "--random-draws must be >= 0"),
    (["--seed", "-1"], "--seed must be >= 0"),
    (["--out", "{dir}/missing/r.h5"], "does not exist"),
    (["--plot", "{dir}/fig.pdf"], "must end with .png"),
    (["--executor", "dask"], "scheduler_address"),
])
def test_bad_inputs_exit_2_and_write_nothing(tmp_path, capsys, args, match):
    script = load_script(SCRIPT)
    argv = ["--out", str(tmp_path / "r.h5")] + [a.format(dir=tmp_path) for a in args]
    assert exit_code(script.main, argv) == 2
    err = capsys.readouterr().err
    assert match in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_help_states_run_times(capsys):
    assert exit_code(load_script(SCRIPT).main, ["--help"]) == 0
    out = capsys.readouterr().out
    assert "--preset" in out and "minute" in out
