"""The committed quick data (data/quick/*.h5) show each figure's expected qualitative outcome.

Each study's ``expect`` (also called at the end of its notebook) asserts the claims on the
numbers of its data file, so a regenerated data file that breaks them fails the tests; the
checks below add what is particular to the quick grid (its sizes and counts).
"""
import pytest

from pipeline_env import ROOT
from wfm import studies, theory

DATA = ROOT / "data" / "quick"


def table(name):
    return studies.get(name).table(DATA / f"{name}.h5")


@pytest.mark.parametrize("name", studies.names())
def test_expected_outcome(name):
    studies.get(name).expect(table(name))


def test_phase_diagram_grid():
    limits = table("phase_diagram")["thresholds"].set_index(["algorithm", "N"])["alpha_threshold"]
    names = ("famp", "fbp", "perceptron", "sa", "rsa")
    assert set(limits.index) == {(a, N) for a in names for N in (101, 201)}
    assert limits["perceptron", 201] < limits["perceptron", 101]         # the perceptron rule degrades with N


def test_committee_phase_diagram_grid():
    limits = table("phase_diagram_committee")["thresholds"].set_index(["algorithm", "N"])["alpha_threshold"]
    assert set(limits.index) == {(a, N) for a in ("fbp", "sa", "rsa", "lal", "elal") for N in (99, 201)}


def test_continuous_committee_grid():
    limits = table("phase_diagram_committee_continuous")["thresholds"].set_index(["algorithm", "N"])
    assert set(limits.index) == {(a, N) for a in ("sgd", "lal") for N in (99, 201)}


def test_local_entropy_twins_on_both_models():
    models = set(table("greedy_vs_entropic")["thresholds"]["model"])
    assert {model.split(",")[0].split(" ")[0] for model in models} == {"perceptron", "committee"}


def test_monte_carlo_energies_grid():
    runs = table("monte_carlo_energies")["runs"]
    assert set(runs["N"]) == {1001}
    assert {"sa.errors", "rsa.errors", "sa.linear", "rsa.linear"} <= set(runs["curve"])
    assert (runs.groupby(["curve", "alpha"]).size() >= 10).all()


def test_teacher_student_theory_beyond_the_spinodal():
    data = table("teacher_student")
    for alpha in (1.75, 2.0):        # beyond the spinodal 1.493: the teacher is recovered
        assert theory.teacher_student_binary_perceptron(alpha)["perfect"]
        assert (data[data["alpha"] == alpha]["error"] == 0).all()
    largest = data[data["N"] == data["N"].max()].set_index(["algorithm", "alpha"])
    for alpha in (0.25, 0.5, 0.75, 1.0):
        expected = theory.teacher_student_binary_perceptron(alpha)["error"]
        assert largest.loc[("amp", alpha), "error"] == pytest.approx(expected, abs=0.02)


def test_local_energy_grid():
    data = table("local_energy_curves")
    assert set(data["N"]) == {21, 201} and {"famp", "fbp", "perceptron", "sa", "rsa", "exact"} <= set(data["algorithm"])


def test_local_entropy_counts():
    data = table("local_entropy_curves")
    at = data.attrs["at"][0.02].set_index(["N", "method", "algorithm"]).sort_index()
    assert (at.drop(["sa", "rsa"], level="algorithm")["runs"] >= 15).all()
    assert (at["runs"] >= 9).all()
    assert (at["entropy"] < at["bound"] + 1 / 21).all()
    for N, method, low in [(21, "exact", "exact"), (21, "bp", "exact"), (201, "bp", "perceptron")]:
        for name in ("famp", "fbp"):
            assert (N, method, name) in at.index and (N, method, low) in at.index
    assert (201, "bp", "rsa") in at.index and (201, "bp", "sa") in at.index
    # the theory comparison of expect() runs at N = 1001, 20 solutions per algorithm
    assert data["N"].max() == 1001
    largest = at.loc[1001, "bp"]
    assert set(largest.index) == {"famp", "fbp", "rsa", "sa"} and (largest["runs"] >= 20).all()
    where = studies.get("local_entropy_curves").positions(data)
    assert set(where["distance"]) == {0.02, 0.05} and len(where) == 8 and (where["runs"] >= 20).all()
    # at N = 201 the total entropy (gamma = 0) is within 3 standard errors of the RS value
    total = data[(data["N"] == 201) & (data["gamma"] == 0) & (data["method"] == "bp")]
    assert (abs(total["entropy"] - theory.rs_entropy_binary_perceptron(0.5)) < 3 * total["se"]).all()


def test_norm_annealing_methods_and_instances():
    data = table("ce_norm_annealing")
    groups = data["runs"].groupby("method").size()
    assert len(groups) == 7 and (groups == 8).all()
    assert data["summary"]["sgd slow"]["solved"] == 8


def test_parity_grid():
    data = table("parity_vs_majority")
    assert data["alpha"] == 0.4 and set(data["success"]["N"]) == {21, 99}
    assert len(data["summary"]["threshold N=99"].dropna()) == 4


def test_reparametrization_networks():
    data = table("reparametrization")
    assert len(data["errors"]) == 3 and len(data["identical"]) == 3


def test_local_entropy_theory_grid():
    data = table("local_entropy_theory")
    alphas = list(data["loads"]["alpha"])
    assert alphas[0] == 0.4 and alphas[-1] == 0.8 and len(alphas) == 14
    assert set(studies.get("local_entropy_theory").SHOWN) <= set(alphas)   # every drawn load computed
    assert (data["loads"]["d_fold"].notna() == (data["loads"]["alpha"] > data["breakdown"])).all()


def test_finite_size_grid():
    data = table("finite_size")
    sizes = data["thresholds"].groupby("method")["N"].apply(sorted).to_dict()
    famp = [1001, 2001, 4001, 10000]
    assert sizes == {"famp": famp, "famp standard": famp, "fbp": [1001], "fbp reference": [1001]}
    assert (data["thresholds"]["instances"] >= 8).all()
    assert (data["rates"]["alpha"].between(0.66, 0.80)).all()
    # N^-1/2 and the 1/N check of each famp protocol
    assert list(data["limits"]["method"]) == ["famp", "famp", "famp standard", "famp standard"]
    # expect() holds fbp with the reference protocol to the literature's range: moved below it, it fails
    moved = {**data, "thresholds": data["thresholds"].copy()}
    moved["thresholds"].loc[moved["thresholds"]["method"] == "fbp reference", "alpha_threshold"] = 0.70
    with pytest.raises(AssertionError, match="fbp reference at N = 1001"):
        studies.get("finite_size").expect(moved)


def test_ce_minimizers_grid():
    data = table("ce_minimizers")
    assert data["loads"] == [0.4, 0.55]
    where = studies.get("ce_minimizers").positions(data)
    assert set(where["N"]) == {1001} and set(where["distance"]) == {0.02, 0.05}
    methods = {"famp", "sa CE gamma=1", "sa CE gamma=5", "sa CE gamma 0.5->20", "rsa flip count"}
    for alpha in (0.4, 0.55):
        here = where[where["alpha"] == alpha]
        assert methods <= set(here["method"]) and (here[here["method"] != "sa flip count"]["runs"] == 6).all()
    assert "sa flip count" in set(where[where["alpha"] == 0.4]["method"])
    small = data["at"][(data["at"]["N"] == 21) & (data["at"]["kind"] == "exact")]
    assert {"typical (exact)", "sa errors"} | methods <= set(small["method"]) and (small["runs"] >= 18).all()
