"""sims/monte_carlo_energies.py (wfm.studies.monte_carlo_energies): results file, equal budgets,
schedules per energy, threshold intervals, figure, bad inputs refused."""
import numpy as np
import pandas as pd
import pytest

from pipeline_env import ROOT, load_script, python
from wfm import analysis, store
from wfm.studies import monte_carlo_energies as study

SCRIPT = ROOT / "sims" / "monte_carlo_energies.py"
CURVES = ("sa.errors", "rsa.errors", "sa.linear", "rsa.linear")
TINY = ["--N", "45", "--seeds", "2", "--moves", "210", "--quiet", "--workers", "1",
        *[f"--alpha={curve}=0.2,0.6" for curve in CURVES]]


def exit_code(main, args):
    try:
        return main(args)
    except SystemExit as exit:
        return exit.code


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mce")
    result = python(SCRIPT, *TINY, "--out", folder / "mce.h5", timeout=300)
    assert result.returncode == 0, result.stderr
    return folder, result.stdout


def test_every_curve_at_equal_moves_per_weight_with_its_schedule(results):
    folder, stdout = results
    runs = store.load_runs(folder / "mce.h5")
    assert (runs["status"] == "done").all()
    curves = runs["algorithm"] + "." + runs["params.energy"]
    assert curves.value_counts().to_dict() == {curve: 4 for curve in CURVES}     # 2 alphas x 2 seeds
    first = runs.assign(curve=curves).groupby("curve").first()
    assert first.loc["sa.errors", "params.sweeps"] == first.loc["sa.linear", "params.sweeps"] == 210
    assert (first.loc["rsa.errors", ["params.replicas", "params.sweeps"]] == [3, 70]).all()
    assert (first.loc["rsa.linear", ["params.replicas", "params.sweeps"]] == [7, 30]).all()
    assert (first.loc[["sa.errors", "rsa.errors"], "params.beta1"] == 10).all()
    assert (first.loc[["sa.linear", "rsa.linear"], "params.beta1"] == 300).all()
    assert (study.moves_per_weight(runs) == 210).all()
    assert (runs["extra.moves_per_weight"] <= 210 + 1e-9).all()
    # Paired instances: every curve sees the same problem at the same (alpha, seed).
    assert (runs.groupby(["alpha", "seed"])["problem_seed"].nunique() == 1).all()
    # At alpha = 0.2 and N = 45 every curve solves every instance.
    assert runs[runs["alpha"] == 0.2]["solved"].all()
    assert (folder / "mce.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert all(f"{curve} N=45" in stdout for curve in CURVES)


def test_table_caption_and_figure_of_the_results(results):
    folder, _ = results
    data = study.table(folder / "mce.h5")
    assert set(data["thresholds"]["curve"]) == set(CURVES)
    assert {"alpha_lo", "alpha_hi"} <= set(data["thresholds"].columns)
    text = study.caption(data)
    assert "2 paired instances per point, 210 replica moves per weight" in text
    assert "rsa, error count" in text and "3 replicas x 70 sweeps, beta 1 -> 10, gamma 0.1 -> 30" in text
    assert "rsa, flip count" in text and "7 replicas x 30 sweeps, beta 3 -> 300, gamma 0.3 -> 30" in text
    assert "16 runs" in text
    assert len(study.draw(data).axes) == 1


def rates(solved):
    """A success-rate table with one curve per entry of ``solved`` (curve -> solved of 10 at
    alpha = 0.1, 0.2, ...)."""
    rows = [{"model": "perceptron", "curve": curve, "N": 101, "alpha": round(0.1 * (i + 1), 10), "runs": 10,
             "solved": k} for curve, counts in solved.items() for i, k in enumerate(counts)]
    frame = pd.DataFrame(rows)
    frame["p"] = frame["solved"] / frame["runs"]
    frame["lo"], frame["hi"] = analysis.wilson_interval(frame["solved"], frame["runs"])
    return frame


def test_threshold_intervals_are_where_the_wilson_band_crosses_one_half():
    found = analysis.thresholds(rates({"a": (10, 5, 0)}), by=("curve",), intervals=True).iloc[0]
    # Wilson one-sigma bounds: 10/10 -> [0.9091, 1], 5/10 -> [0.3492, 0.6508], 0/10 -> [0, 0.0909];
    # the lower edge crosses 1/2 between 0.1 and 0.2, the upper one between 0.2 and 0.3.
    assert found["alpha_threshold"] == pytest.approx(0.2)
    assert found["alpha_lo"] == pytest.approx(0.1 + 0.1 * (0.909091 - 0.5) / (0.909091 - 0.349244), abs=1e-5)
    assert found["alpha_hi"] == pytest.approx(0.2 + 0.1 * (0.650756 - 0.5) / (0.650756 - 0.090909), abs=1e-5)
    open_ended = analysis.thresholds(rates({"b": (10, 8, 4)}), by=("curve",), intervals=True).iloc[0]
    assert open_ended["alpha_lo"] < open_ended["alpha_threshold"] and np.isnan(open_ended["alpha_hi"])
    assert list(analysis.thresholds(rates({"a": (10, 5, 0)}), by=("curve",)).columns) == ["curve", "alpha_threshold"]


def data_of(solved, sweeps=1):
    """A study table whose curves solve ``solved`` (curve -> counts), sa.errors with ``sweeps``
    sweeps and every other curve with one."""
    frame = rates(solved)
    runs = pd.DataFrame({"curve": list(solved), "status": "done", "N": 101, "params.replicas": 1,
                         "params.sweeps": [sweeps if curve == "sa.errors" else 1 for curve in solved]})
    return {"runs": runs, "rates": frame,
            "thresholds": analysis.thresholds(frame, by=("model", "curve", "N"), intervals=True)}


#: Thresholds 0.15, 0.25, 0.25, 0.35, each interval +-0.005: every comparison separated.
SEPARATED = {"sa.errors": (10, 0, 0, 0), "rsa.errors": (10, 10, 0, 0), "sa.linear": (10, 10, 0, 0),
             "rsa.linear": (10, 10, 10, 0)}


def test_expect_asks_for_separations_beyond_the_intervals():
    study.expect(data_of(SEPARATED))
    # rsa.errors solving 1 of 10 at 0.2: threshold 0.156, its interval from 0.147, below the
    # upper bound 0.155 of sa.errors.
    with pytest.raises(AssertionError, match="N=101: rsa.errors 0.156 .* not above sa.errors 0.150"):
        study.expect(data_of({**SEPARATED, "rsa.errors": (10, 1, 0, 0)}))
    with pytest.raises(AssertionError, match="rsa.linear not crossed .* not above sa.linear"):
        study.expect(data_of({**SEPARATED, "rsa.linear": (10, 10, 10, 10)}))
    with pytest.raises(AssertionError, match="unequal moves per weight"):
        study.expect(data_of(SEPARATED, sweeps=2))


def test_budgets_are_equal_in_moves_per_weight():
    assert study.budget("sa.errors", 420) == {"sweeps": 420} == study.budget("sa.ce", 420)
    assert study.budget("rsa.errors", 420) == {"sweeps": 140}
    assert study.budget("rsa.linear", 420) == {"sweeps": 60}
    with pytest.raises(ValueError, match="--moves = 100 must be a multiple of the 3 replicas of rsa.errors"):
        study.budget("rsa.errors", 100)


@pytest.mark.parametrize("args, match", [
    (["--moves", "100"], "--moves = 100 must be a multiple of the 3 replicas of rsa.errors"),
    (["--seeds", "0"], "--seeds must be >= 1"),
    (["--N", "0"], "--N must be >= 1"),
    (["--alpha", "sa.x=0.3"], "--alpha must be CURVE=GRID with CURVE one of sa.errors"),
    (["--alpha", "sa.errors"], "--alpha must be CURVE=GRID"),
    (["--alpha", "sa.errors=-0.1"], "--alpha sa.errors must be > 0"),
    (["--alpha", "sa.errors=0.3", "--alpha", "sa.errors=0.4"], "sets the grid of sa.errors twice"),
    (["--alpha", "sa.errors=0.3", "--curves", "rsa.linear"], "give the loads of rsa.linear with --alpha"),
    (["--curves", "sa.nope"], "--curves 'sa.nope' is not one of"),
    (["--out", "{dir}/missing/r.h5"], "does not exist"),
    (["--plot", "{dir}/fig.jpg"], "must end with one of"),
])
def test_bad_inputs_exit_2_with_nothing_written(tmp_path, capsys, args, match):
    script = load_script(SCRIPT)
    base = ["--N", "45", "--seeds", "1", "--moves", "210", "--alpha", "rsa.errors=0.3", "--workers", "1",
            "--out", str(tmp_path / "r.h5")]
    assert exit_code(script.main, base + [a.format(dir=tmp_path) for a in args]) == 2
    err = capsys.readouterr().err
    assert match in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_without_preset_the_grids_are_required(tmp_path, capsys):
    script = load_script(SCRIPT)
    assert exit_code(script.main, ["--N", "45", "--seeds", "1", "--moves", "21", "--out", str(tmp_path / "r.h5")]) == 2
    assert "give --alpha CURVE=GRID (repeatable) or a --preset" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_subprocess_usage_error(tmp_path):
    result = python(SCRIPT, "--preset", "quick", "--seeds", "0", "--out", tmp_path / "r.h5")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "--seeds must be >= 1" in result.stderr
    assert list(tmp_path.iterdir()) == []
