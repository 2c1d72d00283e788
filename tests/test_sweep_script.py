"""wfm.sweep.script.main, the frame of every sims script: plan, run, analysis, exit codes."""
import h5py
import pytest

from wfm._options import Parser
from wfm.sweep import Sweep, script, task_key

SWEEP = Sweep(problem={"kind": "storage"}, model={"model": "perceptron"}, algorithm="perceptron",
              params={"max_epochs": 300}, product={"N": [21], "alpha": [0.3]}, seeds=2)


def parser():
    """A study's parser: --fail chooses where the study goes wrong."""
    out = Parser(prog="study.py")
    out.add_argument("--fail", choices=("plan", "interrupt", "analyse"))
    script.add_run_options(out, "study.h5")
    return out


def plan(args):
    if args.fail == "plan":
        raise ValueError("--fail plan: a message\non two lines")
    if args.fail == "interrupt":
        raise KeyboardInterrupt
    return [SWEEP], args


def analyse(args, outcome):
    if args.fail == "analyse":
        raise RuntimeError("the analysis failed")
    print(f"analysed {len(outcome.keys)} runs for {outcome.figure.name}")


def test_runs_the_plan_and_hands_the_outcome_to_the_analysis(tmp_path, capsys):
    out = tmp_path / "r.h5"
    argv = ["--out", str(out), "--workers", "1", "--quiet"]
    outcomes = []

    def keep(args, outcome):
        outcomes.append(outcome)
        analyse(args, outcome)

    assert script.main(parser(), plan, keep, argv) == 0
    printed = capsys.readouterr()
    assert printed.out.splitlines()[0].startswith(f"{out}: 2 runs done (2 solved), 0 failed, 0 already done, in ")
    assert printed.out.splitlines()[1:] == ["analysed 2 runs for r.png"] and printed.err == ""
    (outcome,) = outcomes
    assert outcome.out == out and outcome.figure == tmp_path / "r.png"
    assert outcome.keys == {task_key(task) for task in SWEEP.tasks()}
    assert (outcome.summary.done, outcome.summary.solved, outcome.summary.skipped) == (2, 2, 0)
    assert outcome.command == f"study.py --out {out} --workers 1 --quiet"
    with h5py.File(out, "r") as f:
        assert f.attrs["command"] == outcome.command

    assert script.main(parser(), plan, keep, argv) == 0
    assert f"{out}: 0 runs done (0 solved), 0 failed, 2 already done" in capsys.readouterr().out
    assert outcomes[1].summary.skipped == 2

    assert script.main(parser(), plan, analyse, argv + ["--fail", "analyse"]) == 2
    printed = capsys.readouterr()
    assert printed.err == "study.py: error: the analysis failed\n" and "analysed" not in printed.out


@pytest.mark.parametrize("fail, code, message", [
    ("plan", 2, "study.py: error: --fail plan: a message on two lines\n"),
    ("interrupt", 130, "interrupted: run the same command again to resume\n"),
])
def test_a_plan_that_stops_writes_nothing(tmp_path, capsys, fail, code, message):
    argv = ["--fail", fail, "--out", str(tmp_path / "r.h5"), "--workers", "1"]
    assert script.main(parser(), plan, analyse, argv) == code
    assert capsys.readouterr() == ("", message)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("option, value", [("--out", "missing/r.h5"), ("--plot", "r.txt")])
def test_unwritable_outputs_are_refused_before_any_run(tmp_path, capsys, option, value):
    argv = ["--out", str(tmp_path / "r.h5"), option, str(tmp_path / value), "--workers", "1"]
    assert script.main(parser(), plan, analyse, argv) == 2
    printed = capsys.readouterr()
    assert printed.out == "" and printed.err.startswith("study.py: error: ") and printed.err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_preset_or_options_names_every_missing_option():
    import argparse

    presets = {"quick": {"N": [21], "seeds": 3}}
    args = argparse.Namespace(preset=None, N=[21], alpha=None, seeds=None)
    with pytest.raises(ValueError, match="^give --N, --alpha and --seeds, or a --preset$"):
        script.preset_or_options(args, presets, "N", "alpha", "seeds")
    with pytest.raises(ValueError, match="^give --seeds, or a --preset$"):
        script.preset_or_options(args, presets, "seeds")
    assert script.preset_or_options(args, presets, "N") is None           # the command line suffices
    args.preset = "quick"
    assert script.preset_or_options(args, presets, "N", "seeds") == presets["quick"]


def test_algorithm_names_default_dedup_and_errors():
    assert script.algorithm_names(None, ["famp", "not-registered", "sa"]) == ["famp", "sa"]
    assert script.algorithm_names(["sa", "famp", "sa"], ["bp"]) == ["sa", "famp"]
    with pytest.raises(ValueError, match="unknown algorithm|not registered|nope"):
        script.algorithm_names(["nope"], ["bp"])
    with pytest.raises(ValueError, match="^--algorithm must be one of bp, amp, got 'sa'$"):
        script.algorithm_names(["sa"], ["bp", "amp"], allowed=["bp", "amp"])
