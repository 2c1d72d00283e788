"""The finite-size study (figure 1f): the bootstrap thresholds and the N -> infinity fit on
synthetic data whose answer is known, and sims/finite_size.py with tiny options (the file, the
tables, the PNG; exit code 2 with nothing written on bad input)."""
import json

import numpy as np
import pandas as pd
import pytest

import wfm
from pipeline_env import ROOT, python
from wfm import analysis, store
from wfm.studies import finite_size

SCRIPT = ROOT / "sims" / "finite_size.py"


def synthetic_runs(rng, centre, width=0.01, instances=100, alphas=np.arange(0.70, 0.805, 0.01), N=1001):
    """Runs of one (algorithm, N) whose success probability is the logistic 1 / (1 + e^((alpha - centre) / width))."""
    alpha = np.repeat(np.round(alphas, 10), instances)
    solved = rng.random(alpha.size) < 1.0 / (1.0 + np.exp((alpha - centre) / width))
    return pd.DataFrame({"algorithm": "famp", "N": N, "alpha": alpha, "status": "done", "solved": solved})


def test_bootstrap_error_is_the_spread_of_the_threshold_over_experiments():
    # 200 independent experiments on the same logistic curve: the thresholds scatter around the
    # centre by about the bootstrap standard error of one experiment
    rng = np.random.default_rng(1)
    estimates, errors = [], []
    for _ in range(200):
        table, replicates = analysis.bootstrap_thresholds(synthetic_runs(rng, 0.7512), resamples=100,
                                                          seed=int(rng.integers(1 << 30)))
        estimates.append(table["alpha_threshold"].iloc[0])
        errors.append(table["se"].iloc[0])
        assert replicates.shape == (1, 100) and table["instances"].iloc[0] == 100
    spread = np.std(estimates, ddof=1)
    assert abs(np.mean(estimates) - 0.7512) < 3 * spread / np.sqrt(200) + 0.001     # interpolation bias < 0.001
    assert np.median(errors) == pytest.approx(spread, rel=0.2)


def test_bootstrap_is_a_function_of_the_runs_and_the_seed():
    runs = pd.concat([synthetic_runs(np.random.default_rng(2), 0.74, instances=12, N=N) for N in (1001, 2001)])
    first = analysis.bootstrap_thresholds(runs, resamples=50, seed=3)
    again = analysis.bootstrap_thresholds(runs.sample(frac=1.0, random_state=0), resamples=50, seed=3)
    other = analysis.bootstrap_thresholds(runs, resamples=50, seed=4)
    pd.testing.assert_frame_equal(first[0], again[0])
    assert np.array_equal(first[1], again[1], equal_nan=True) and not np.array_equal(first[1], other[1])
    assert list(first[0]["N"]) == [1001, 2001]


def test_bootstrap_of_a_curve_that_does_not_cross():
    runs = synthetic_runs(np.random.default_rng(3), 0.9, instances=10)          # solved everywhere on the grid
    table, replicates = analysis.bootstrap_thresholds(runs, resamples=20)
    assert np.isnan(table["alpha_threshold"].iloc[0]) and table["crossed"].iloc[0] < 20


@pytest.mark.parametrize("exponent", [0.5, 1.0])
def test_extrapolation_recovers_the_limit_and_propagates_the_errors(exponent):
    N = np.array([1001, 2001, 4001, 10000])
    alpha = 0.75 - 0.6 * N ** -exponent
    sigma = np.array([0.002, 0.003, 0.004, 0.008])
    fit = analysis.extrapolate(N, alpha, exponent=exponent)
    assert fit["alpha_inf"] == pytest.approx(0.75, abs=1e-12) and fit["slope"] == pytest.approx(-0.6, abs=1e-10)
    assert np.isnan(fit["se"]) and fit["sizes"] == 4
    replicates = alpha[:, None] + sigma[:, None] * np.random.default_rng(4).standard_normal((4, 20000))
    replicates[2, :100] = np.nan                                                 # no crossing: left out
    fit = analysis.extrapolate(N, alpha, replicates, exponent=exponent)
    design = np.column_stack([np.ones(4), N ** -exponent])
    expected = np.sqrt(np.sum((np.linalg.pinv(design)[0] * sigma) ** 2))      # least squares error propagation
    assert fit["resamples"] == 19900 and fit["se"] == pytest.approx(expected, rel=0.03)
    assert fit["alpha_inf"] == pytest.approx(0.75, abs=1e-12)


@pytest.mark.parametrize("N, alpha, replicates, match", [
    ([1001, 1001], [0.7, 0.71], None, "two distinct sizes"),
    ([1001, 2001], [0.7, np.nan], None, "finite thresholds"),
    ([1001, 2001], [0.7], None, "equal length"),
    ([1001, 2001], [0.7, 0.71], np.zeros((3, 5)), r"shape \(len\(N\), resamples\)"),
])
def test_extrapolation_refuses_bad_input(N, alpha, replicates, match):
    with pytest.raises(ValueError, match=match):
        analysis.extrapolate(N, alpha, replicates)


def test_script_writes_thresholds_and_extrapolation(tmp_path):
    out = tmp_path / "fs.h5"
    result = python(SCRIPT, "--method", "famp", "--method", "famp standard", "--N", "51", "101", "201",
                    "--alpha", "0.4:1.0:0.2", "--seeds", "3", "--workers", "1", "--quiet", "--out", out, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "fs.png").read_bytes()[:4] == b"\x89PNG"
    runs = store.load_runs(out)
    assert (runs["status"] == "done").all() and len(runs) == 2 * 3 * 4 * 3
    # paired instances: one problem per (N, alpha, seed index), whatever the method
    assert (runs.groupby(["N", "alpha", "seed"])["problem_seed"].nunique() == 1).all()
    data = finite_size.table(out)
    assert sorted(set(data["runs"]["method"])) == ["famp", "famp standard"]
    assert list(data["thresholds"]["N"]) == [51, 101, 201] * 2
    assert list(data["limits"]["method"]) == ["famp"] * 2 + ["famp standard"] * 2
    assert list(data["limits"]["exponent"]) == [finite_size.EXPONENT, finite_size.CHECK_EXPONENT] * 2
    assert "N -> infinity (fit in N^-0.5)" in result.stdout
    caption = finite_size.caption(data)
    assert "famp standard (standard reinforcement, dx = 0.01, damping 0.8, at most 5 parallel iterations " \
        "per step)" in caption
    assert "famp (adaptive reinforcement, back = 0.2, dx = 0.01, max_steps = 2000, min_dx = 0.000625" in caption


def recorded_row(algorithm, **params):
    """A run's row as load_runs gives it: the registered defaults and ``params``, specs as JSON text."""
    settings = {**wfm.algorithms.get(algorithm).defaults, **params}
    return {"algorithm": algorithm,
            **{f"params.{k}": json.dumps(v) if isinstance(v, dict) else v for k, v in settings.items()}}


def test_methods_read_back_their_labels():
    # each method's settings, recorded in a results file, give back its label
    for label, (algorithm, params) in finite_size.METHODS.items():
        assert finite_size.method(recorded_row(algorithm, **params)) == label
    row = recorded_row("famp", protocol={"protocol": "pseudo", "drho": 0.01, "x": 0.5}, damping=0.9)
    assert finite_size.method(row) == "famp protocol=pseudo, damping=0.9"
    assert finite_size.method(recorded_row("fbp", sequential=True)) == "fbp sequential=True"


@pytest.mark.parametrize("args, match", [
    (["--N", "101", "--alpha", "0.7"], "give --N, --alpha and --seeds, or a --preset"),
    (["--method", "sa", "--preset", "quick"], "--method must be one of 'famp', 'famp standard', 'fbp'"),
    (["--preset", "quick", "--alpha", "-0.1"], "--alpha must be > 0"),
    (["--preset", "quick", "--seeds", "0"], "--seeds must be >= 1"),
    (["--preset", "quick", "--method", "fbp", "--N", "4001"], "the quick preset has no grid"),
])
def test_script_refuses_bad_input(tmp_path, args, match):
    result = python(SCRIPT, *args, "--out", tmp_path / "r.h5")
    assert result.returncode == 2 and match in result.stderr and result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []
