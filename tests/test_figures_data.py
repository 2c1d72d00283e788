"""The committed quick data (data/quick/*.h5) show each figure's expected qualitative outcome.

The same claims are asserted at the end of the notebooks; here they are checked on the HDF5
numbers directly, so a regenerated data file that breaks them fails the tests.
"""
import numpy as np
import pytest

from pipeline_env import ROOT
from wfm import analysis, figures, store, theory

DATA = ROOT / "data" / "quick"


def test_phase_diagram_thresholds():
    runs = store.load_runs(DATA / "phase_diagram.h5")
    assert (runs["status"] == "done").all()
    limits = analysis.thresholds(analysis.success_rates(runs)).set_index(["algorithm", "N"])["alpha_threshold"]
    names = ("famp", "fbp", "perceptron", "sa", "rsa")
    assert set(limits.index) == {(a, N) for a in names for N in (101, 201)}
    for N in (101, 201):
        for name in ("famp", "fbp"):
            for weaker in ("perceptron", "sa"):
                assert limits[name, N] > limits[weaker, N] + 0.05     # focusing reaches higher loads
        assert limits["rsa", N] >= limits["sa", N]                    # local entropy helps SA
    assert (limits < theory.krauth_mezard_capacity()).all()              # below the capacity 0.833
    assert limits["perceptron", 201] < limits["perceptron", 101]         # the perceptron rule degrades with N


def test_committee_phase_diagram_thresholds():
    runs = store.load_runs(DATA / "phase_diagram_committee.h5")
    assert (runs["status"] == "done").all() and (runs["model"] == "committee").all()
    limits = analysis.thresholds(analysis.success_rates(runs)).set_index(["algorithm", "N"])["alpha_threshold"]
    assert set(limits.index) == {(a, N) for a in ("fbp", "sa", "rsa", "lal", "elal") for N in (99, 201)}
    for N in (99, 201):
        for weaker in ("sa", "rsa") + (("lal", "elal") if N == 201 else ()):
            assert limits["fbp", N] > limits[weaker, N]                # LAL: as high as fBP at N = 99
        assert limits["rsa", N] >= limits["sa", N]
        assert limits["lal", N] > limits["sa", N] and limits["elal", N] > limits["sa", N]


def test_continuous_committee_lal_beyond_ce_sgd():
    runs = store.load_runs(DATA / "phase_diagram_committee_continuous.h5")
    assert (runs["status"] == "done").all() and (runs["weights"] == "continuous").all()
    limits = analysis.thresholds(analysis.success_rates(runs)).set_index(["algorithm", "N"])["alpha_threshold"]
    assert set(limits.index) == {(a, N) for a in ("sgd", "lal") for N in (99, 201)}
    for N in (99, 201):
        assert limits["lal", N] > 2 * limits["sgd", N]


def test_local_entropy_twins_reach_higher_loads():
    runs = store.load_runs(DATA / "greedy_vs_entropic.h5")
    assert (runs["status"] == "done").all()
    limits = analysis.thresholds(analysis.success_rates(runs, by=("model", "algorithm", "alpha")),
                                 by=("model", "algorithm")).set_index(["model", "algorithm"])["alpha_threshold"]
    for model in ("perceptron", "committee"):
        assert limits[model, "rsa"] >= limits[model, "sa"]
        assert limits[model, "rgreedy"] > limits[model, "greedy"] + 0.03


def test_replicated_annealing_reaches_higher_loads_at_N_1001():
    runs = store.load_runs(DATA / "greedy_vs_entropic_N1001.h5")
    assert (runs["status"] == "done").all() and (runs["N"] == 1001).all()
    limits = analysis.thresholds(analysis.success_rates(runs)).set_index("algorithm")["alpha_threshold"]
    assert limits["rsa"] > limits["sa"] + 0.05          # 0.360 against 0.279 at 30000 moves per weight
    assert abs(limits["rgreedy"] - limits["greedy"]) < 0.03   # zero temperature: no gain at this size


def test_teacher_student_follows_rs_theory():
    table = figures.teacher_student_table(store.load_runs(DATA / "teacher_student.h5"))
    largest = table[table["N"] == table["N"].max()].set_index(["algorithm", "alpha"])
    for alpha in (0.25, 0.5, 0.75, 1.0):
        expected = theory.teacher_student_binary_perceptron(alpha)["error"]
        assert largest.loc[("amp", alpha), "error"] == pytest.approx(expected, abs=0.02)
    for alpha in (1.75, 2.0):        # beyond the spinodal 1.493: the teacher is recovered
        assert theory.teacher_student_binary_perceptron(alpha)["perfect"]
        assert (table[table["alpha"] == alpha]["error"] == 0).all()
    # the test error on fresh patterns agrees with arccos(R) / pi within its sampling error
    assert np.abs(table["test_error"] - table["error"]).max() < 0.05


def test_local_energy_ordering():
    table = figures.load_local_energy(DATA / "local_energy_curves.h5")
    assert (table[table["size"] == 0]["energy"] == 0).all()
    at = table[np.isclose(table["size"], 0.05)].set_index(["N", "algorithm"])
    small = at.loc[21]
    others = small.loc[["famp", "fbp", "perceptron"]]
    se = np.hypot(small.loc["exact", "se"], others["se"])
    assert (small.loc["exact", "energy"] - others["energy"] > 2 * se).all()   # typical: sharpest
    large = at.loc[201]
    for name in ("famp", "fbp"):
        gap = large.loc["perceptron", "energy"] - large.loc[name, "energy"]
        assert gap > 3 * np.hypot(large.loc["perceptron", "se"], large.loc[name, "se"])
    gap = large.loc["sa", "energy"] - large.loc["rsa", "energy"]          # RSA: flatter than SA
    assert gap > 2 * np.hypot(large.loc["sa", "se"], large.loc["rsa", "se"])
    for N, curve in table.groupby(["N", "algorithm"]):
        assert np.all(np.diff(curve.sort_values("size")["energy"]) > 0), N   # rises with size


def test_local_entropy_ordering():
    """Figure 2, at d = 0.02 (each solution's curve interpolated): focusing solutions lie in
    denser regions than typical ones (N = 21, exact counts and BP) and than the perceptron
    rule's (N = 201, BP); RSA's than SA's (N = 201, BP); mean S <= H(d), strictly for the exact
    counts."""
    path = DATA / "local_entropy_curves.h5"
    at = figures.local_entropy_at(path, 0.02).set_index(["N", "method", "algorithm"])
    assert (at.drop(["sa", "rsa"], level="algorithm")["runs"] >= 15).all()
    assert (at["runs"] >= 9).all()                                      # SA solves 9 of 20 at N = 201
    assert (at.xs("exact", level="method")["entropy"] < at.xs("exact", level="method")["bound"]).all()
    assert (at["entropy"] < at["bound"] + 1 / 21).all()
    for N, method, low in [(21, "exact", "exact"), (21, "bp", "exact"), (201, "bp", "perceptron")]:
        for name in ("famp", "fbp"):
            high, base = at.loc[(N, method, name)], at.loc[(N, method, low)]
            assert high["entropy"] - base["entropy"] > 3 * np.hypot(high["se"], base["se"]), (N, method, name)
    rsa, sa = at.loc[(201, "bp", "rsa")], at.loc[(201, "bp", "sa")]      # RSA: denser regions than SA
    assert rsa["entropy"] - sa["entropy"] > 2 * np.hypot(rsa["se"], sa["se"])
    table = figures.load_local_entropy(path)
    exact = table[table["method"] == "exact"]
    assert (exact["entropy"] <= exact["bound"] + 1e-12).all()
    for _, curve in table.groupby(["algorithm", "N", "method"]):   # d(gamma) decreases with gamma
        assert np.all(np.diff(curve.sort_values("gamma")["distance"]) < 0)
    # gamma = 0: the total entropy of the instance, near the RS value at N = 201 (0.3144 at alpha = 0.5)
    total = table[(table["N"] == 201) & (table["gamma"] == 0)]
    assert np.all(np.abs(total["entropy"] - theory.rs_entropy_binary_perceptron(0.5)) < 3 * total["se"])


def test_slow_norm_reduction_is_flatter():
    path = DATA / "ce_norm_annealing.h5"
    runs = store.load_runs(path)
    assert (runs["status"] == "done").all()
    runs["method"] = figures.norm_annealing_methods(runs)
    groups = {label: list(group["key"]) for label, group in runs.groupby("method")}
    assert len(groups) == 7 and all(len(keys) == 8 for keys in groups.values())
    summary = figures.norm_annealing_summary(path, groups)
    sizes = store.load_array(path, runs["key"].iloc[0], "measures/local_energy/sizes")
    at = int(np.flatnonzero(np.isclose(sizes, 0.3))[0])
    slow = summary["sgd slow"]
    assert slow["solved"] == 8
    for other in ("sgd constant", "sgd fast"):
        gap = summary[other]["mean"][at] - slow["mean"][at]
        assert gap > 2 * np.hypot(summary[other]["se"][at], slow["se"][at]), other


def test_local_energy_tracks_generalization_under_attack():
    path = DATA / "flatness_vs_generalization.h5"
    runs = store.load_runs(path)
    sizes, k = figures.flatness_settings(path)
    columns = figures.flatness_columns(sizes, k)
    table = figures.flatness_table(path, dict(zip(runs["key"], figures.flatness_schedules(runs))), columns)
    minima = table[figures.at_zero(table)]
    assert len(minima) >= 0.9 * len(runs)
    errors = minima.groupby("attack")["test_error"].agg(["mean", "sem"])
    gap = errors["mean"].iloc[-1] - errors.loc[0, "mean"]
    assert gap > 2 * np.hypot(errors["sem"].iloc[-1], errors.loc[0, "sem"])   # attacked: worse
    rows = {row["measure"]: row for row in figures.flatness_correlations(minima, columns)}
    for sigma in sizes:
        row = rows[f"local energy mult. sigma={sigma:g}"]
        assert row["rho_test_error"] > 0 and row["p_test_error"] < 0.01, sigma


def test_rescaling_changes_hessian_measures_not_the_local_energy():
    path = DATA / "reparametrization.h5"
    runs = store.load_runs(path)
    assert (runs["status"] == "done").all()
    rescaled = runs[runs["base_key"].notna()]
    assert rescaled["output_change"].max() < 1e-10                      # same function
    for _, group in rescaled.groupby("base_key"):
        curves = [store.load_array(path, key, "measures/local_energy_multiplicative/train")
                  for key in group["key"]]
        assert all(np.array_equal(curve, curves[0]) for curve in curves)   # exactly invariant
    table, errors = figures.reparametrization_table(path)
    assert (errors == 0).all() and (table.loc["local_energy_multiplicative"] == 1.0).all()
    hessian = table.loc[["hessian_top", "hessian_trace", "hessian_frobenius", "sharpness"]]
    assert np.maximum(hessian, 1 / hessian).to_numpy().max() > 1.5


def test_parity_machine_is_sharp_and_hard():
    """Figure 5: on the same instances the parity machine has at least as many solutions as the
    majority machine and a comparable capacity (N = 21, exact), yet sa and rsa fail on it at lower alpha and its solutions
    are sharper for both algorithms (local energy at N = 99; single-flip neighbours at N = 21)."""
    data = figures.parity_data(DATA / "parity_vs_majority.h5")
    near = data["neighbours"]
    totals = near[near["algorithm"] == "exact"].groupby(["alpha", "output"])["total"].agg(["mean", "sem"]).unstack()
    totals = totals.loc[sorted(data["success"].query("N == 99")["alpha"].unique())]
    gap = totals["mean"]["parity"] - totals["mean"]["majority"]
    assert (gap > -2 * np.hypot(totals["sem"]["parity"], totals["sem"]["majority"])).all()
    summary = figures.parity_summary(data, 0.4)
    capacity = summary["capacity N=21"].groupby("output").first()
    assert abs(capacity["parity"] - capacity["majority"]) < 0.1 and capacity.min() > 0.8
    limits = summary["threshold N=99"].dropna()
    assert len(limits) == 4 and max(limits["parity"]) + 0.1 < min(limits["majority"])
    energy = data["energy"]
    at = energy[(energy["N"] == 99) & np.isclose(energy["size"], 0.02) & (energy["runs"] >= 3)]
    for algorithm in ("sa", "rsa"):
        here = at[at["algorithm"] == algorithm]
        both = here[here["output"] == "parity"].merge(here[here["output"] == "majority"], on="alpha",
                                                      suffixes=("_p", "_m"))
        assert len(both) >= 3
        assert (both["energy_p"] - both["energy_m"] > 3 * np.hypot(both["se_p"], both["se_m"])).all(), algorithm
    for algorithm in ("sa", "rsa", "exact"):
        m, p = summary.loc[("majority", algorithm)], summary.loc[("parity", algorithm)]
        assert m["single flips kept"] - p["single flips kept"] > 2 * np.hypot(m["single se"], p["single se"])
