"""local_entropy as a sweep measure: recorded in the results file, equal to a direct call, and
close to the exact local entropy (wfm.exact.count_by_distance) around uniformly drawn solutions."""
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from naive_lentropy import exact_local
from wfm import exact, measures, problems, store
from wfm.models import Perceptron
from wfm.sweep import Sweep, run, run_task
from wfm.sweep.grid import problem_seed
from wfm.theory import binary_entropy

GAMMAS = [0.0, 0.5, 1.0, 1.5, 2.0]
FIELDS = ("gammas", "distance", "entropy", "phi", "overlap", "iterations", "delta", "converged", "frozen")


def sweep(seeds=4):
    """The "exact" algorithm returns a uniformly drawn solution: the reference of the measure."""
    return Sweep(problem={"kind": "storage"}, model={"model": "perceptron", "weights": "binary"},
                 algorithm="exact", product={"N": [19], "alpha": [0.3]}, seeds=seeds,
                 measures={"local_entropy": {"gammas": GAMMAS}})


def test_record_holds_every_field_equal_to_a_direct_call():
    task = sweep(seeds=1).tasks()[0]
    record = run_task(task)
    assert record["status"] == "done", record["message"]
    problem = problems.storage(19, P=6, seed=problem_seed(task))
    expected = measures.local_entropy(problem, Perceptron(19), record["arrays"]["w"], gammas=GAMMAS)
    for name in FIELDS:
        np.testing.assert_array_equal(record["arrays"][f"measures/local_entropy/{name}"], getattr(expected, name))
    assert record["results"]["local_entropy.n_weights"] == 19


def test_written_local_entropy_matches_exact_counts(tmp_path):
    """N = 19, alpha = 0.3, 4 instances; measured largest deviations from the exact values over the
    gammas: S .007 .011 .017 .009, phi .002 .020 .017 .013, d .003 .020 .014 .010; total entropy
    (gamma = 0) .002 .010 .005 .004."""
    path = tmp_path / "lentropy.h5"
    grid = sweep()
    summary = run(grid, path, executor=ThreadPoolExecutor(1))
    assert summary.done == 4 and summary.solved == 4
    runs = store.load_runs(path)
    assert set(runs["local_entropy.n_weights"]) == {19}
    model = Perceptron(19)
    for task, key in zip(grid.tasks(), runs.set_index("seed").loc[[0, 1, 2, 3], "key"]):
        read = {name: store.load_array(path, key, f"measures/local_entropy/{name}") for name in FIELDS}
        assert np.all(read["converged"]) and not np.any(read["frozen"])
        np.testing.assert_array_equal(read["gammas"], GAMMAS)
        # S(d) <= H(d), up to the O(1/N) error of the Bethe value (not a bound at N = 19, see test_lentropy)
        assert np.all(read["entropy"] <= binary_entropy(read["distance"]) + 0.1 / 19)
        problem = problems.storage(19, P=int(runs.set_index("key").loc[key, "P"]), seed=problem_seed(task))
        w = store.load_array(path, key, "w")
        phi, d, S = exact_local(exact.count_by_distance(problem, model, w), GAMMAS)
        assert np.max(np.abs(read["distance"] - d)) < 0.04
        assert np.max(np.abs(read["entropy"] - S)) < 0.05
        assert np.max(np.abs(read["phi"] - phi)) < 0.05
        assert read["entropy"][0] == pytest.approx(np.log(exact.count_solutions(problem, model)) / 19, abs=0.03)
