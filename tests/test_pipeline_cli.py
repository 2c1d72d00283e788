"""phase_diagram.py, wfm show and wfm plot: results, and bad inputs refused with nothing written."""
import os

import h5py
import numpy as np
import pytest

from pipeline_env import PHASE_DIAGRAM, load_script, phase_diagram, wfm_cli
from wfm import cli, store

SMALL = ["--algorithm", "perceptron", "--N", "21,41", "--alpha", "0.2:0.6:0.4", "--seeds", "4",
         "--param", "max_epochs=200"]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pd")
    result = phase_diagram(*SMALL, "--out", folder / "pd.h5", "--plot", folder / "fig.png", "--workers", "2")
    assert result.returncode == 0, result.stderr
    assert "alpha at success 1/2" in result.stdout
    return folder / "pd.h5"


def test_phase_diagram_writes_file_and_figure(results):
    runs = store.load_runs(results)
    assert len(runs) == 2 * 2 * 4 and (runs["status"] == "done").all()
    assert set(runs["N"]) == {21, 41} and set(runs["alpha"]) == {0.2, 0.6}
    assert (runs["params.max_epochs"] == 200).all()
    assert (results.parent / "fig.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with h5py.File(results, "r") as f:
        assert "phase_diagram.py" in f.attrs["command"] and "--seeds 4" in f.attrs["command"]


def test_wfm_show_and_plot(results, tmp_path, capsys):
    assert cli.main(["show", str(results)]) == 0
    out = capsys.readouterr().out
    assert "schema 1" in out and "perceptron" in out and "0.2..0.6" in out
    figure = tmp_path / "solved.png"
    assert cli.main(["plot", str(results), "--x", "alpha", "--y", "solved", "--hue", "algorithm",
                     "--hue", "N", "--out", str(figure)]) == 0
    assert figure.stat().st_size > 0
    assert cli.main(["plot", str(results), "--x", "alpha", "--y", "iterations", "--out", str(figure)]) == 0


def exit_code(main, args):
    """Exit code of a command-line ``main``, whether it returns it or argparse exits."""
    try:
        return main(args)
    except SystemExit as exit:
        return exit.code


@pytest.mark.parametrize("args, match", [
    (["plot", "{file}", "--x", "alfa", "--y", "solved", "--out", "{dir}/f.png"], "column(s) 'alfa' not in the runs"),
    (["plot", "{file}", "--x", "alpha", "--y", "model", "--out", "{dir}/f.png"], "must be numeric or boolean"),
    (["plot", "{file}", "--x", "alpha", "--y", "solved", "--out", "{dir}/f.txt"], "must end with one of"),
    (["plot", "{file}", "--x", "alpha", "--y", "solved", "--out", "{dir}/no/f.png"], "does not exist"),
    (["plot", "{file}", "--x", "alpha", "--out", "{dir}/f.png"], "required: --y"),
    (["show", "{dir}/missing.h5"], "no results file"),
    (["show", "{setup}"], "not a wfm results file"),
])
def test_wfm_cli_errors(results, tmp_path, capsys, args, match):
    setup = os.path.join(os.path.dirname(PHASE_DIAGRAM), "..", "setup.cfg")
    args = [a.format(file=results, dir=tmp_path, setup=setup) for a in args]
    assert exit_code(cli.main, args) == 2
    err = capsys.readouterr().err
    assert match in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args, match", [
    (["--alpha", "-0.5"], "--alpha must be > 0, got -0.5"),
    (["--alpha", "0.5:0.1:0.1"], "--alpha must be numbers or start:stop:step"),
    (["--algorithm", "nope"], "algorithm must be one of"),
    (["--model", "resnet"], "argument --model: invalid choice"),
    (["--model-param", "K=3", "--model", "committee"], "does not support"),
    (["--model-param", "weights=ternary"], "weights must be one of"),
    (["--param", "max_epochs"], "--param must be name=value"),
    (["--param", "eta=1"], "has no parameter 'eta'"),
    (["--param", "fbp.max_epochs=3"], "'fbp' is not one of the chosen algorithms"),
    (["--N", "21.5"], "--N must be integers"),
    (["--seeds", "0"], "seeds must be >= 1"),
    (["--executor", "dask"], "needs scheduler_address"),
    (["--workers", "0"], "workers must be >= 1"),
    (["--out", "{dir}/missing/r.h5"], "does not exist"),
    (["--plot", "{dir}/fig.jpg"], "must end with one of"),
])
def test_phase_diagram_bad_inputs(tmp_path, capsys, args, match):
    script = load_script(PHASE_DIAGRAM)
    base = ["--algorithm", "perceptron", "--N", "21", "--alpha", "0.5", "--seeds", "1", "--out", "{dir}/r.h5"]
    merged = {}
    for option, value in zip(base[::2], base[1::2]):
        merged[option] = [value]
    for i in range(0, len(args), 2):
        merged[args[i]] = merged.get(args[i], []) if args[i] in ("--model-param", "--param") else []
        merged[args[i]] = merged[args[i]] + [args[i + 1]]
    argv = [a.format(dir=tmp_path) for option, values in merged.items() for v in values for a in (option, v)]
    assert exit_code(script.main, argv) == 2
    err = capsys.readouterr().err
    assert match in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_phase_diagram_refuses_foreign_and_protects_existing_results(results, tmp_path, capsys):
    script = load_script(PHASE_DIAGRAM)
    foreign = tmp_path / "other.h5"
    with h5py.File(foreign, "w") as f:
        f["x"] = np.arange(4)
    before = foreign.read_bytes(), results.read_bytes()
    args = ["--algorithm", "perceptron", "--N", "21", "--alpha", "0.5", "--seeds", "1"]
    assert exit_code(script.main, args + ["--out", str(foreign)]) == 2
    assert "not a wfm results file" in capsys.readouterr().err
    assert exit_code(script.main, args + ["--out", str(results), "--alpha", "-1"]) == 2
    assert exit_code(script.main, args + ["--out", str(results), "--param", "max_epochs"]) == 2
    assert (foreign.read_bytes(), results.read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.h5"]


@pytest.mark.parametrize("out", ["{dir}/file.txt/r.h5", "/proc/wfm-results.h5"])
def test_unwritable_output(tmp_path, capsys, out):
    script = load_script(PHASE_DIAGRAM)
    (tmp_path / "file.txt").write_text("x")
    out = out.format(dir=tmp_path)
    code = exit_code(script.main, ["--algorithm", "perceptron", "--N", "21", "--alpha", "0.5", "--seeds", "1",
                                   "--out", out])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert out.rsplit("/", 2)[-2] in err
    assert [p.name for p in tmp_path.iterdir()] == ["file.txt"]


def test_subprocess_error_is_one_line_with_exit_2(tmp_path):
    result = phase_diagram("--algorithm", "perceptron", "--N", "21", "--alpha", "-0.1", "--seeds", "1",
                           "--out", tmp_path / "r.h5")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "--alpha must be > 0" in result.stderr
    result = wfm_cli("show", tmp_path / "r.h5")
    assert result.returncode == 2 and "no results file" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_committee_phase_diagram(tmp_path):
    """A committee sweep: fBP on a tree sign committee, K = 3, load per weight; easy loads solved."""
    out = tmp_path / "committee.h5"
    result = phase_diagram("--model", "committee", "--model-param", "K=3", "--model-param", "tree=true",
                           "--algorithm", "fbp", "--N", "45", "--alpha", "0.1,0.3", "--load", "weight",
                           "--seeds", "3", "--out", out, "--workers", "1", "--quiet")
    assert result.returncode == 0, result.stderr
    runs = store.load_runs(out)
    assert (runs["status"] == "done").all() and set(runs["K"]) == {3} and set(runs["model"]) == {"committee"}
    assert set(runs["P"]) == {round(0.1 * 45), round(0.3 * 45)}
    assert runs.loc[runs["alpha"] == 0.1, "solved"].all()
    W = store.load_array(out, runs["key"][0], "w")
    assert W.shape == (3, 15) and set(np.unique(W)) <= {-1, 1}
