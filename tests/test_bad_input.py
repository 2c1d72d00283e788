"""Bad input is refused before any run starts: one line naming the argument, nothing written.

Command line (a sims script): exit code 2, one line on stderr, no file. API (wfm.solve,
wfm.sweep.Sweep): ValueError or TypeError naming the argument. Failed runs: exit code 1, their
messages with counts, no figure; ``wfm show`` lists them; a damaged results file is named.
"""
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

import wfm
from pipeline_env import PHASE_DIAGRAM, env, load_script
from wfm import _options, cli
from wfm.models import Perceptron
from wfm.problems import storage
from wfm.sweep import Sweep, run, script

#: Options of a valid phase-diagram run, each overridden by the case that repeats it.
BASE = {"--algorithm": ["famp"], "--N": ["21"], "--alpha": ["0.5"], "--seeds": ["1"]}
#: Options that add to the base ones (the others replace them).
ADDED = ("--param", "--model-param")
#: Options given once per value (the others take their values after one flag).
REPEATED = ("--algorithm",) + ADDED


@pytest.mark.parametrize("args, match", [
    # hyperparameter values (the checks each algorithm declares)
    (["--param", "damping=abc"], "algorithm 'famp': damping must be a real number, got 'abc'"),
    (["--param", "damping=-1"], "algorithm 'famp': damping must be >= 0.0, got -1"),
    (["--param", "damping=1"], "algorithm 'famp': damping must be < 1.0, got 1"),
    (["--param", "damping=nan"], "params.damping must be a finite number, got nan"),
    (["--param", "max_iters=1.5"], "algorithm 'famp': max_iters must be an integer, got 1.5"),
    (["--param", "protocol=foo"], "protocol must be one of 'standard', 'adaptive', 'pseudo'"),
    (["--algorithm", "perceptron", "--param", "max_epochs=-5"], "algorithm 'perceptron': max_epochs must be >= 1"),
    (["--algorithm", "rsa", "--param", "gamma0=0"], "algorithm 'rsa': gamma0 must be > 0 when gamma1 > 0"),
    (["--algorithm", "sa", "--param", "coupling=traced"], "has no parameter 'coupling'"),
    (["--algorithm", "fbp", "--model", "committee", "--model-param", "K=3", "--param", "order=random"],
     "order='random' is implemented for the perceptron only"),
    (["--algorithm", "sgd", "--model-param", "weights=spherical", "--param", "schedule=slowest"],
     "algorithm 'sgd': schedule must be one of 'constant', 'fast', 'slow'"),
    (["--algorithm", "sgd", "--model-param", "weights=spherical", "--param", "schedule=fast",
      "--param", "norm_control=none"], "algorithm 'sgd': a varying norm schedule needs norm_control='normalize'"),
    (["--algorithm", "sgd", "--model-param", "weights=spherical", "--param", "relu_leak=2"],
     "algorithm 'sgd': relu_leak must be <= 1.0"),
    (["--algorithm", "elal", "--model", "committee", "--model-param", "K=3", "--param", "gamma0=0",
      "--param", "gamma_step=0"], "algorithm 'elal': gamma0 and gamma_step are both 0"),
    # sizes, checked up front
    (["--N", "1"], "N = 1 and alpha = 0.5 give no pattern"),
    (["--alpha", "0.001"], "N = 21 and alpha = 0.001 give no pattern"),
    (["--N", "10000000"], "GB of memory available"),
    # grid options
    (["--alpha", "nan"], "--alpha must be finite numbers, got 'nan'"),
    (["--alpha", "0.3:inf:0.1"], "--alpha must be finite numbers"),
    (["--N", "21", "21"], "axis 'N' repeats the value 21; give each value once"),
    # models
    (["--model-param", "foo=1"], "unknown argument(s) foo for model 'perceptron'; allowed: N, weights, kappa"),
    (["--model", "committee"], "model 'committee' needs K"),
    (["--model", "committee", "--model-param", "K=3.5"], "K must be an integer"),
])
def test_sims_script_refuses_bad_input_before_any_run(tmp_path, capsys, args, match):
    options = {name: list(values) for name, values in BASE.items()}
    for token in args:
        if token.startswith("--"):
            option = token
            options[option] = options.get(option, []) if option in ADDED else []
        else:
            options[option].append(token)
    argv = [token for option, values in options.items()
            for token in ([t for value in values for t in (option, value)] if option in REPEATED
                          else [option, *values])]
    argv += ["--out", str(tmp_path / "r.h5"), "--quiet", "--workers", "1"]
    main = load_script(PHASE_DIAGRAM).main
    try:
        code = main(argv)
    except SystemExit as exit:
        code = exit.code
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and match in err, err
    assert list(tmp_path.iterdir()) == []


PROBLEM = storage(15, P=9, seed=0)
BINARY = Perceptron(15)


@pytest.mark.parametrize("call, error, match", [
    (lambda: wfm.solve(PROBLEM, "perceptron", "perceptron", seed=0), TypeError,
     "model must be a wfm.models.Perceptron or wfm.models.Committee"),
    (lambda: wfm.solve(PROBLEM, BINARY, BINARY, seed=0), TypeError, "algorithm must be a name"),
    (lambda: wfm.solve(PROBLEM, BINARY, "famp", seed=0, damping="abc"), TypeError, "algorithm 'famp': damping"),
    (lambda: wfm.solve(PROBLEM, BINARY, "famp", seed=0, damping=float("nan")), ValueError,
     "algorithm 'famp': damping must be a finite number"),
    (lambda: wfm.solve(PROBLEM, BINARY, "fbp", seed=0, max_iters=1.5), TypeError, "max_iters"),
    (lambda: wfm.solve(PROBLEM, BINARY, "fbp", seed=0, protocol="foo"), ValueError, "protocol must be one of"),
    (lambda: wfm.solve(PROBLEM, BINARY, "perceptron", seed=0, max_epochs=-5), ValueError, "max_epochs"),
    (lambda: wfm.solve(PROBLEM, BINARY, "sa", seed=0, sweeps=0), ValueError, "algorithm 'sa': sweeps must be >= 1"),
    (lambda: wfm.solve(PROBLEM, BINARY, "rgreedy", seed=0, gamma0=0.0), ValueError, "gamma0 must be > 0"),
    (lambda: wfm.solve(PROBLEM, BINARY, "bp", seed=0, sequential="yes"), TypeError, "sequential"),
    (lambda: wfm.solve(PROBLEM, Perceptron(15, "spherical"), "lbfgs", seed=0, loss="hinge"), ValueError, "loss"),
    (lambda: wfm.solve(PROBLEM, Perceptron(15, "spherical"), "sgd", seed=0, lr=-1), ValueError, "lr"),
    (lambda: wfm.solve(PROBLEM, Perceptron(15, "spherical"), "rsgd", seed=0, answer="worst"), ValueError,
     "algorithm 'rsgd': answer must be one of 'centre', 'best'"),
    (lambda: Sweep(problem={"kind": "nosuch"}, model={"model": "perceptron"}, algorithm="famp",
                   product={"N": [21], "alpha": [0.5]}), ValueError, "problem kind must be one of 'storage'"),
    (lambda: Sweep(problem={"kind": "storage"}, model={"model": "perceptron"}, algorithm="famp",
                   params={"damping": "abc"}, product={"N": [21], "alpha": [0.5]}), TypeError,
     "algorithm 'famp': damping must be a real number"),
    (lambda: Sweep(problem={"kind": "storage"}, model={"model": "perceptron"}, algorithm="famp",
                   product={"N": [21], "alpha": [0.5, float("inf")]}), ValueError, "alpha must be a finite number"),
    (lambda: Sweep(problem={"kind": "storage"}, model={"model": "perceptron"}, algorithm="famp",
                   product={"N": [10 ** 7], "alpha": [0.5]}), ValueError, "GB of memory available"),
    (lambda: Sweep(problem={"kind": "storage"}, model={"model": "committee", "K": 3, "tree": "yes"},
                   algorithm="famp", product={"N": [21], "alpha": [0.5]}), TypeError, "tree must be True or False"),
    (lambda: Sweep(problem={"kind": "teacher_student", "teacher": {"model": "perceptron", "N": 7}},
                   model={"model": "perceptron"}, algorithm="famp", product={"N": [21], "alpha": [0.5]}),
     ValueError, "the teacher has N = 7 inputs, the problem N = 21"),
    (lambda: Sweep(problem={"kind": "storage", "N": 21, "alpha": 0.5}, model={"model": "committee"},
                   algorithm="famp"), ValueError, "model 'committee' needs K"),
])
def test_api_refuses_bad_input(call, error, match):
    with pytest.raises(error) as raised:
        call()
    assert match in str(raised.value) and "\n" not in str(raised.value)


#: Runs that pass every check and fail when they run: more digits training images than the
#: data set holds (known only once it is loaded).
FAILING = Sweep(problem={"kind": "digits", "train_size": 100000}, model={"model": "perceptron"},
                algorithm="perceptron", seeds=3)


def test_failed_runs_exit_1_with_their_messages_and_no_figure(tmp_path, capsys):
    parser = _options.Parser(prog="study.py")
    script.add_run_options(parser, "study.h5")
    analysed = []
    code = script.main(parser, lambda args: ([FAILING], None), lambda *a: analysed.append(a),
                       ["--out", str(tmp_path / "r.h5"), "--workers", "1", "--quiet"])
    err = capsys.readouterr().err
    assert code == script.FAILED == 1 and not analysed
    assert "3 of 3 runs failed; no figure drawn" in err
    assert "  3 x ValueError: train_size + attack + test images must fit" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.h5"]


def test_wfm_show_lists_failures_and_names_a_damaged_file(tmp_path, capsys):
    path = tmp_path / "r.h5"
    summary = run(FAILING, path, executor=ThreadPoolExecutor(1))
    assert summary.failed == 3 and len(summary.failures) == 1
    assert cli.main(["show", str(path)]) == 0
    out = capsys.readouterr().out
    assert "failed runs (3), by message:" in out and "3 x ValueError: train_size + attack" in out
    damaged = tmp_path / "damaged.h5"
    damaged.write_bytes(path.read_bytes()[:2000])
    assert cli.main(["show", str(damaged)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{str(damaged)!r} is damaged" in err


def test_wfm_show_into_a_closed_pipe_exits_quietly(tmp_path):
    path = tmp_path / "r.h5"
    run(FAILING, path, executor=ThreadPoolExecutor(1))
    process = subprocess.Popen([sys.executable, "-m", "wfm.cli", "show", str(path)], env=env(),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # the reader is gone before wfm writes: head -0
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141 and err == ""

