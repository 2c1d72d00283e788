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
    assert set(limits.index) == {(a, N) for a in ("famp", "fbp", "perceptron") for N in (101, 201)}
    for N in (101, 201):
        for name in ("famp", "fbp"):
            assert limits[name, N] > limits["perceptron", N] + 0.05       # focusing reaches higher loads
    assert (limits < theory.krauth_mezard_capacity()).all()              # below the capacity 0.833
    assert limits["perceptron", 201] < limits["perceptron", 101]         # the perceptron rule degrades with N


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
    others = small.drop("exact")
    se = np.hypot(small.loc["exact", "se"], others["se"])
    assert (small.loc["exact", "energy"] - others["energy"] > 2 * se).all()   # typical: sharpest
    large = at.loc[201]
    for name in ("famp", "fbp"):
        gap = large.loc["perceptron", "energy"] - large.loc[name, "energy"]
        assert gap > 3 * np.hypot(large.loc["perceptron", "se"], large.loc[name, "se"])
    for N, curve in table.groupby(["N", "algorithm"]):
        assert np.all(np.diff(curve.sort_values("size")["energy"]) > 0), N   # rises with size


def test_local_entropy_ordering():
    """Figure 2, at d = 0.02 (each solution's curve interpolated): focusing solutions lie in
    denser regions than typical ones (N = 21, exact counts and BP) and than the perceptron
    rule's (N = 201, BP); mean S <= H(d), strictly for the exact counts."""
    path = DATA / "local_entropy_curves.h5"
    at = figures.local_entropy_at(path, 0.02).set_index(["N", "method", "algorithm"])
    assert (at["runs"] >= 15).all()
    assert (at.xs("exact", level="method")["entropy"] < at.xs("exact", level="method")["bound"]).all()
    assert (at["entropy"] < at["bound"] + 1 / 21).all()
    for N, method, low in [(21, "exact", "exact"), (21, "bp", "exact"), (201, "bp", "perceptron")]:
        for name in ("famp", "fbp"):
            high, base = at.loc[(N, method, name)], at.loc[(N, method, low)]
            assert high["entropy"] - base["entropy"] > 3 * np.hypot(high["se"], base["se"]), (N, method, name)
    table = figures.load_local_entropy(path)
    exact = table[table["method"] == "exact"]
    assert (exact["entropy"] <= exact["bound"] + 1e-12).all()
    for _, curve in table.groupby(["algorithm", "N", "method"]):   # d(gamma) decreases with gamma
        assert np.all(np.diff(curve.sort_values("gamma")["distance"]) < 0)
    # gamma = 0: the total entropy of the instance, near the RS value at N = 201 (0.3144 at alpha = 0.5)
    total = table[(table["N"] == 201) & (table["gamma"] == 0)]
    assert np.all(np.abs(total["entropy"] - theory.rs_entropy_binary_perceptron(0.5)) < 3 * total["se"])
