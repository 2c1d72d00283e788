"""sims/greedy_vs_entropic.py (wfm.studies.greedy_vs_entropic): results file, figure, equal
budgets, bad inputs refused."""
import json

import h5py
import pytest

from pipeline_env import ROOT, load_script, python
import wfm
from wfm import store
from wfm.studies import greedy_vs_entropic

SCRIPT = ROOT / "sims" / "greedy_vs_entropic.py"
TINY = ["--N", "45", "--alpha", "0.2", "0.6", "--seeds", "2", "--replicas", "3", "--moves", "300",
        "--greedy-moves", "60", "--presentations", "60", "--quiet"]


def exit_code(main, args):
    try:
        return main(args)
    except SystemExit as exit:
        return exit.code


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gve")
    result = python(SCRIPT, *TINY, "--pairs", "sa/rsa", "lal/elal", "--local-energy", "0.02", "0.1",
                    "--out", folder / "gve.h5",
                    "--plot", folder / "gve.png", "--workers", "2", timeout=300)
    assert result.returncode == 0, result.stderr
    return folder, result.stdout


def test_writes_runs_with_equal_budgets_and_a_figure(results):
    folder, stdout = results
    runs = store.load_runs(folder / "gve.h5")
    assert (runs["status"] == "done").all()
    counts = runs.groupby(["model", "algorithm"]).size().to_dict()
    # sa/rsa on both models, lal/elal on the committee only; 2 alphas x 2 seeds each.
    assert counts == {("committee", "sa"): 4, ("committee", "rsa"): 4, ("committee", "lal"): 4,
                      ("committee", "elal"): 4, ("perceptron", "sa"): 4, ("perceptron", "rsa"): 4}
    assert (runs.loc[runs["algorithm"] == "sa", "params.sweeps"] == 300).all()
    assert (runs.loc[runs["algorithm"] == "rsa", "params.sweeps"] == 100).all()
    assert (runs.loc[runs["algorithm"] == "lal", "params.epochs"] == 60).all()
    assert (runs.loc[runs["algorithm"] == "elal", "params.epochs"] == 20).all()
    assert (runs.loc[runs["algorithm"].isin(["rsa", "elal"]), "params.replicas"] == 3).all()
    # Twins share their energy: sa anneals the flip count of rsa.
    assert set(runs.loc[runs["algorithm"].isin(["sa", "rsa"]), "params.energy"]) == {"linear"}
    # Paired instances: every algorithm of a model sees the same problems.
    for _, group in runs.groupby(["model", "alpha", "seed"]):
        assert group["problem_seed"].nunique() == 1
    # Moves per weight actually made never exceed the common budget.
    flips = runs[runs["algorithm"].isin(["sa", "rsa"])]
    assert (flips["extra.moves_per_weight"] <= 300 + 1e-9).all()
    assert (folder / "gve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "perceptron" in stdout and "lal/elal" in stdout and "sa/rsa" in stdout
    with h5py.File(folder / "gve.h5", "r") as f:
        assert "greedy_vs_entropic.py" in f.attrs["command"]
    # At alpha = 0.2 and N = 45 every perceptron run finds a solution.
    easy = runs[(runs["model"] == "perceptron") & (runs["alpha"] == 0.2)]
    assert easy["solved"].all()


def test_twins_share_their_energy_unless_a_param_sets_it():
    parser = greedy_vs_entropic.build_parser()
    args = ["--preset", "quick", "--model", "perceptron", "--pairs", "sa/rsa", "greedy/rgreedy"]
    energy = {s.algorithm: s.params["energy"] for s in greedy_vs_entropic.sweeps(parser.parse_args(args))
              if "energy" in s.params}
    assert energy == {"sa": "linear"}  # rsa, greedy, rgreedy: their registered energies
    assert wfm.algorithms.get("rsa").defaults["energy"] == "linear"
    assert {wfm.algorithms.get(name).defaults["energy"] for name in ("greedy", "rgreedy")} == {"ce"}
    chosen = greedy_vs_entropic.sweeps(parser.parse_args(args + ["--param", "sa.energy=ce"]))
    assert [s.params["energy"] for s in chosen if s.algorithm == "sa"] == ["ce"]


def test_budgets_are_equal_in_moves_per_weight():
    script = greedy_vs_entropic
    budget = script.budgets(5, {"moves": 1000, "greedy_moves": 50, "presentations": 100})
    assert budget["sa"] == {"sweeps": 1000} and budget["rsa"] == {"sweeps": 200, "replicas": 5}
    assert budget["greedy"] == {"sweeps": 50} and budget["rgreedy"] == {"sweeps": 10, "replicas": 5}
    assert budget["lal"] == {"epochs": 100} and budget["elal"] == {"epochs": 20, "replicas": 5}
    defaults = script.budgets(None, {"moves": 1050, "greedy_moves": 1050, "presentations": 1050})
    for energy, twin in (("sa", "rsa"), ("greedy", "rgreedy"), ("lal", "elal")):
        y = wfm.algorithms.get(twin).defaults["replicas"]
        assert defaults[twin]["replicas"] == y
        assert y * next(iter(defaults[twin].values())) == next(iter(defaults[energy].values())) == 1050


def test_history_of_a_stored_run(results):
    folder, _ = results
    runs = store.load_runs(folder / "gve.h5")
    key = runs[runs["algorithm"] == "rsa"]["key"].iloc[0]
    for name in ("energy", "gamma", "distance", "moves"):
        assert store.load_array(folder / "gve.h5", key, f"history/{name}").ndim == 1
    sizes = store.load_array(folder / "gve.h5", key, "measures/local_energy/sizes")
    assert list(sizes) == [0.02, 0.1]


def test_local_energy_of_solved_runs(results):
    folder, stdout = results
    runs = store.load_runs(folder / "gve.h5")
    table = greedy_vs_entropic.flatness(folder / "gve.h5", runs)
    solved = runs[runs["solved"].eq(True)].groupby(["model", "algorithm", "alpha"]).size()
    counts = table[table["size"] == 0.02].set_index(["model", "algorithm", "alpha"])["count"]
    assert counts.to_dict() == solved.to_dict()
    assert ((table["mean"] >= 0) & (table["mean"] <= 1)).all()
    # Flipping 10 % of the weights costs more training errors on average than flipping 2 %.
    wide = table.pivot_table(index=["model", "algorithm", "alpha"], columns="size", values="mean")
    assert (wide[0.1] >= wide[0.02]).all()
    assert "local energy of the solved runs" in stdout and "p=0.02" in stdout
    with h5py.File(folder / "gve.h5", "r") as f:
        sweeps = json.loads(f.attrs["sweep"])
    assert {s["algorithm"] for s in sweeps} == {"sa", "rsa", "lal", "elal"}


@pytest.mark.parametrize("args, match", [
    (["--moves", "301"], "must be a multiple of the 3 replicas of rsa"),
    (["--replicas", "0"], "--replicas must be >= 1"),
    (["--pairs", "sa/lal"], "--pairs 'sa/lal' is not one of"),
    (["--model", "perceptron", "--pairs", "lal/elal"], "applies to the perceptron"),
    (["--param", "rsa.sweeps=3"], "the budget and the replicas are set by"),
    (["--param", "gamma1=3"], "prefix the name with an algorithm"),
    (["--model", "perceptron", "--param", "lal.eta=3"], "'lal' is not one of the chosen algorithms"),
    (["--param", "rsa.eta=3"], "has no parameter 'eta'"),
    (["--alpha", "-0.1"], "--alpha must be > 0"),
    (["--local-energy", "0"], "--local-energy flip probabilities must be in (0, 1]"),
    (["--N", "44"], "N must be divisible by K for a tree committee, got N=44, K=3"),
    (["--out", "{dir}/missing/r.h5"], "does not exist"),
    (["--plot", "{dir}/fig.jpg"], "must end with one of"),
])
def test_bad_inputs_exit_2_with_nothing_written(tmp_path, capsys, args, match):
    script = load_script(SCRIPT)
    base = ["--N", "45", "--alpha", "0.3", "--seeds", "1", "--replicas", "3", "--moves", "30",
            "--greedy-moves", "30", "--presentations", "30", "--out", str(tmp_path / "r.h5")]
    argv = base + [a.format(dir=tmp_path) for a in args]
    assert exit_code(script.main, argv) == 2
    err = capsys.readouterr().err
    assert match in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_subprocess_usage_error(tmp_path):
    result = python(SCRIPT, "--preset", "quick", "--seeds", "0", "--out", tmp_path / "r.h5")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "--seeds must be >= 1" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_entropic_greedy_solves_more_than_greedy(tmp_path):
    # Binary perceptron N = 101 at alpha = 0.35, 1500 moves per weight, 12 paired instances, on
    # the error count: greedy solves 8, 9, 9 and rgreedy 10, 12, 12 for sweep seeds 0, 1, 2
    # (seed 1 here; the runs' seeds derive from their parameters, energy included).
    result = python(SCRIPT, "--model", "perceptron", "--pairs", "greedy/rgreedy", "--N", "101",
                    "--alpha", "0.35", "--seeds", "12", "--moves", "42", "--greedy-moves", "1500",
                    "--presentations", "70", "--param", "greedy.energy=errors", "--param",
                    "rgreedy.energy=errors", "--seed", "1", "--out", tmp_path / "g.h5", "--workers", "2", "--quiet",
                    timeout=300)
    assert result.returncode == 0, result.stderr
    solved = store.load_runs(tmp_path / "g.h5").groupby("algorithm")["solved"].sum()
    assert solved["rgreedy"] >= solved["greedy"] + 3, solved.to_dict()
