"""sims/flatness_vs_generalization.py (wfm.studies.flatness_vs_generalization): file, figure,
table, exclusions, and bad inputs refused."""
from concurrent.futures import ThreadPoolExecutor

import h5py
import numpy as np
import pytest

from pipeline_env import ROOT, python
from wfm import analysis, plots, store
from wfm.studies import flatness_vs_generalization as script
from wfm.sweep import run

SCRIPT = ROOT / "sims" / "flatness_vs_generalization.py"
TINY = ["--attack", "0", "60", "--train-size", "60", "--seeds", "2", "--epochs", "400",
        "--schedule", "b50", "--samples", "20", "--workers", "1", "--quiet"]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("flat")
    result = python(SCRIPT, *TINY, "--out", folder / "flat.h5", "--plot", folder / "fig.png")
    assert result.returncode == 0, result.stderr
    return folder / "flat.h5", result.stdout


def test_file_holds_every_measure_of_every_run(results):
    path, _ = results
    runs = store.load_runs(path)
    assert len(runs) == 4 and (runs["status"] == "done").all()
    assert sorted(runs["attack"]) == [0, 0, 60, 60]
    assert (runs["P"] == 60 + runs["attack"]).all()
    assert (runs["params.batch_size"] == 50).all() and (runs["params.norm_control"] == "none").all()
    for column in ("test_error", "log_volume", "sharpness", "hessian_trace.value",
                   "hessian_frobenius.value"):
        assert np.isfinite(runs[column]).all(), column
    key = runs["key"].iloc[0]
    train = store.load_array(path, key, "measures/local_energy/train")
    assert train.shape == (3,) and np.all(np.isfinite(train))
    additive = store.load_array(path, key, "measures/local_energy:additive/train")
    assert additive.shape == (3,) and np.all(np.isfinite(additive))
    assert store.load_array(path, key, "measures/hessian_eigenvalues").shape == (1,)
    with h5py.File(path, "r") as f:
        assert "flatness_vs_generalization.py" in f.attrs["command"]
    assert (path.parent / "fig.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_printed_table_and_outcome(results):
    path, out = results
    assert "runs: 4; at zero training error: 4; not at zero training error (excluded): 0" in out
    for label, _ in script.table(path)["columns"]:
        assert label in out
    runs = store.load_runs(path)
    assert (runs["errors"] == 0).all()
    # half the training set relabelled at random: every such minimum generalizes worse
    clean = runs[runs["attack"] == 0]["test_error"]
    attacked = runs[runs["attack"] == 60]["test_error"]
    assert attacked.mean() > clean.mean() + 0.03


def test_runs_short_of_zero_errors_are_counted_and_excluded(results, tmp_path):
    path, _ = results
    data = script.table(path)
    runs, columns = data["runs"], data["columns"]
    assert len(runs) == 4 and set(runs["schedule"]) == {"b50"}
    for label, _ in columns:
        assert np.isfinite(runs[label]).all(), label
    assert (runs["local_energy.base_train"] == 0).all()          # zero training error: no base
    runs.loc[0, "errors"] = 3  # as if the first run had stopped short of zero training errors
    minima = runs[script.at_zero(runs)]
    rows = script.correlations(minima, columns)
    assert all(row["n"] == 3 for row in rows)
    assert "at zero training error: 3; not at zero training error (excluded): 1" in script.report(
        {"runs": runs, "rows": rows})
    empty = runs.iloc[:0]
    figure = script.draw({"minima": empty, "rows": script.correlations(empty, columns), "columns": columns})
    assert plots.save(figure, tmp_path / "empty.png").stat().st_size > 0


def test_fixed_readout_runs_and_its_output_scale(tmp_path):
    args = ["--second-layer", "fixed", "--attack", "0", "--train-size", "30", "--seeds", "1",
            "--epochs", "20", "--schedule", "b50", "--samples", "5"]
    grids = script.sweeps(script.config(script.build_parser().parse_args(args)), 0)
    run([grid for _, grid in grids], tmp_path / "f.h5", executor=ThreadPoolExecutor(1), progress=False)
    runs = script.table(tmp_path / "f.h5")["runs"]
    assert runs["second_layer"].iloc[0] == "fixed" and (runs["status"] == "done").all()
    w = store.load_array(tmp_path / "f.h5", runs["key"].iloc[0], "w")
    assert w.shape == (20, 64)
    assert runs[script.NORM].iloc[0] == pytest.approx(np.sqrt(np.mean(w ** 2)))


def test_within_group_rank_correlation():
    groups = np.array([0, 0, 0, 1, 1, 1])
    x = np.array([1.0, 2.0, 3.0, 10.0, 20.0, 30.0])
    # the same order within each group, whatever the offsets between groups
    rho, p = analysis.within_groups(x, np.array([5.0, 6.0, 7.0, 0.0, 1.0, 2.0]), groups)
    assert rho == pytest.approx(1.0)
    # 36 within-group orderings, 2 of them reach |rho| = 1: p close to 2/36
    assert p == pytest.approx(2 / 36, abs=0.02)
    assert analysis.within_groups(x, np.array([7.0, 6.0, 5.0, 2.0, 1.0, 0.0]), groups)[0] == pytest.approx(-1.0)
    assert analysis.within_groups(x, np.array([1.0, 2.0, 3.0, 2.0, 1.0, 0.0]), groups)[0] == pytest.approx(0.0)
    assert np.isnan(analysis.within_groups(x, np.ones(6), groups)).all()


def test_within_group_p_value_is_uniform_without_correlation():
    rng = np.random.default_rng(1)
    groups = np.repeat(np.arange(4), 6)
    p = [analysis.within_groups(rng.random(24), rng.random(24), groups, permutations=200, seed=s)[1]
         for s in range(60)]
    # independent x and y: P(p <= 0.1) = 0.1; 60 draws give at most 15 with probability > 0.999
    assert sum(v <= 0.1 for v in p) <= 15 and 0.3 < np.mean(p) < 0.7


@pytest.mark.parametrize("args, match", [
    (["--attack", "-1"], "--attack sizes must be >= 0, got -1"),
    (["--attack", "1.5"], "--attack must be integers"),
    (["--attack", "900"], "must fit in the"),
    (["--seeds", "0"], "--seeds must be >= 1, got 0"),
    (["--train-size", "0"], "--train-size must be >= 1, got 0"),
    (["--schedule", "adam"], "argument --schedule: invalid choice"),
    (["--preset", "huge"], "argument --preset: invalid choice"),
    (["--out", "{dir}/missing/r.h5"], "does not exist"),
    (["--plot", "{dir}/fig.jpg"], "must end with one of"),
    (["--workers", "0"], "workers must be >= 1"),
])
def test_bad_inputs_exit_2_with_nothing_written(tmp_path, capsys, args, match):
    argv = ["--attack", "0", "--seeds", "1", "--epochs", "1", "--out", str(tmp_path / "r.h5")]
    argv += [a.format(dir=tmp_path) for a in args]
    try:
        code = script.main(argv)
    except SystemExit as exit:
        code = exit.code
    assert code == 2
    err = capsys.readouterr().err
    assert match in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []
