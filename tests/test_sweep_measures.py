"""Sweeps that measure: flatness measures at each run's weights, recorded in the results file."""
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from wfm import measures, problems, solve, store
from wfm.models import Perceptron
from wfm.sweep import Sweep, run, run_task, task_key
from wfm.sweep.grid import measure_seed, problem_seed, algorithm_seed

ENERGY = {"noise": "flip", "sizes": [0.0, 0.05, 0.2], "samples": 40}


def sweep(**extra):
    return Sweep(problem={"kind": "storage"}, model={"model": "perceptron"}, algorithm="perceptron",
                 params={"max_epochs": 300}, product={"N": [41], "alpha": [0.3]}, seeds=2, **extra)


def test_measured_values_equal_a_direct_call():
    task = sweep(measures={"local_energy": ENERGY}).tasks()[0]
    record = run_task(task)
    assert record["status"] == "done", record["message"]
    problem = problems.storage(41, P=12, seed=problem_seed(task))
    model = Perceptron(41)
    result = solve(problem, model, "perceptron", seed=algorithm_seed(task), max_epochs=300)
    expected = measures.local_energy(problem, model, result.w, **ENERGY, seed=measure_seed(task, "local_energy"))
    arrays = record["arrays"]
    np.testing.assert_array_equal(arrays["measures/local_energy/train"], expected.train)
    np.testing.assert_array_equal(arrays["measures/local_energy/distance"], expected.distance)
    assert record["results"]["local_energy.samples"] == 40
    assert record["results"]["local_energy.noise"] == "flip"
    assert arrays["measures/local_energy/train"][0] == 0.0          # size 0 changes nothing
    assert arrays["measures/local_energy/train"][2] > 0.0


def test_measures_are_written_and_read_back(tmp_path):
    path = tmp_path / "m.h5"
    grid = sweep(measures={"local_energy": ENERGY})
    summary = run(grid, path, executor=ThreadPoolExecutor(1))
    assert summary.done == 2
    runs = store.load_runs(path)
    assert set(runs["local_energy.base_train"]) == {0.0}           # solved: no training error
    for key in runs["key"]:
        train = store.load_array(path, key, "measures/local_energy/train")
        assert train.shape == (3,) and train[0] == 0.0


def test_tasks_without_measures_keep_their_keys():
    plain, measured = sweep().tasks(), sweep(measures={"local_energy": ENERGY}).tasks()
    assert "measures" not in plain[0]
    assert {task_key(t) for t in plain}.isdisjoint(task_key(t) for t in measured)
    assert Sweep(**sweep(measures={"local_energy": ENERGY}).to_dict()).tasks() == measured


@pytest.mark.parametrize("spec, message", [
    ({"curvature": {}}, "measure"),
    ({"local_energy": {"size": [0.1]}}, "unknown argument"),
    ({"local_energy": [0.1]}, "must be a dict"),
    ([("local_energy", {})], "must be a dict"),
])
def test_bad_measures_are_refused(spec, message):
    with pytest.raises((TypeError, ValueError), match=message):
        sweep(measures=spec)


def test_a_failing_measure_fails_the_run():
    task = sweep(measures={"local_energy": {"noise": "flip", "sizes": [2.0], "samples": 5}}).tasks()[0]
    record = run_task(task)
    assert record["status"] == "failed" and "sizes" in record["message"]
