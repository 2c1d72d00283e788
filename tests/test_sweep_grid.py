"""Sweep grids: expansion, stable keys, paired problem seeds, validation."""
import pytest

from wfm.sweep import Sweep, run_task, task_key
from wfm.sweep.grid import algorithm_seed, columns, problem_seed
from wfm.sweep.worker import build

BASE = dict(problem={"kind": "storage"}, model={"model": "perceptron", "weights": "binary"},
            algorithm="perceptron")


def test_expansion_product_zip_and_seeds():
    sweep = Sweep(**BASE, product={"N": [11, 21], "alpha": [0.2, 0.4, 0.6]},
                  zip={"kappa": [0.0, 0.1], "params.max_epochs": [5, 10]}, seeds=3)
    tasks = sweep.tasks()
    assert len(tasks) == len(sweep) == 2 * 3 * 2 * 3
    assert {(t["model"]["kappa"], t["params"]["max_epochs"]) for t in tasks} == {(0.0, 5), (0.1, 10)}
    assert all(t["problem"]["N"] == t["model"]["N"] for t in tasks)
    assert len({task_key(t) for t in tasks}) == len(tasks)
    assert Sweep(**sweep.to_dict()).tasks() == tasks


def test_keys_do_not_depend_on_grid_order():
    one = Sweep(**BASE, product={"N": [11, 21], "alpha": [0.2, 0.4]}, seeds=2)
    other = Sweep(**BASE, product={"alpha": [0.4, 0.2], "N": [21, 11]}, seeds=2)
    assert sorted(map(task_key, one.tasks())) == sorted(map(task_key, other.tasks()))
    assert len(task_key(one.tasks()[0])) == 16


def test_problem_seed_is_shared_across_models_and_algorithm_seed_is_not():
    a = Sweep(problem={"kind": "storage", "N": 21, "alpha": 0.3}, model={"model": "perceptron"},
              algorithm="perceptron", seeds=2).tasks()
    b = Sweep(problem={"kind": "storage", "N": 21, "alpha": 0.3},
              model={"model": "perceptron", "weights": "spherical"}, algorithm="perceptron",
              params={"max_epochs": 7}, seeds=2).tasks()
    assert [problem_seed(t) for t in a] == [problem_seed(t) for t in b]
    assert problem_seed(a[0]) != problem_seed(a[1])
    assert algorithm_seed(a[0]) != algorithm_seed(b[0])
    (pa, _), (pb, _) = build(a[0]), build(b[0])
    assert (pa.X == pb.X).all() and (pa.y == pb.y).all()


def test_sweep_seed_changes_everything():
    tasks = [Sweep(**BASE, product={"N": [21], "alpha": [0.3]}, seed=s).tasks()[0] for s in (0, 1)]
    assert task_key(tasks[0]) != task_key(tasks[1])
    assert problem_seed(tasks[0]) != problem_seed(tasks[1])


def test_committee_load_per_weight():
    problem = {"kind": "storage", "N": 10, "alpha": 0.5, "inputs": "pm1", "load": "weight"}
    committee = {"model": "committee", "N": 10, "K": 3, "tree": False}
    built, model = build({"problem": problem, "model": committee, "seed": 0, "sweep_seed": 0})
    assert (built.P, model.K * model.n) == (15, 30)
    built, _ = build({"problem": {**problem, "load": "input"}, "model": committee, "seed": 0, "sweep_seed": 0})
    assert built.P == 5


def test_columns_are_flat():
    task = Sweep(**BASE, product={"N": [21], "alpha": [0.3]}).tasks()[0]
    cols = columns(task)
    assert cols["problem"] == "storage" and cols["model"] == "perceptron" and cols["N"] == 21
    assert cols["alpha"] == 0.3 and cols["params.max_epochs"] == 1000 and cols["seed"] == 0


def test_run_task_records_failures_instead_of_raising():
    valid = Sweep(**BASE, product={"N": [5], "alpha": [0.5]}).tasks()[0]
    task = dict(valid, problem={**valid["problem"], "alpha": 0.05})  # no pattern: fails when it runs
    record = run_task(task)
    assert record["status"] == "failed" and "gives no pattern" in record["message"]
    assert record["arrays"] == {} and record["key"] == task_key(task)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(product={"N": [21], "alpha": [-0.5]}), ValueError, "alpha must be > 0.0, got -0.5"),
    (dict(product={"N": [21], "alpha": [0.5], "algorithm": ["nope"]}), ValueError, "algorithm must be one of"),
    (dict(product={"N": [21.5], "alpha": [0.5]}), TypeError, "N must be an integer"),
    (dict(product={"N": [21], "alpha": [0.5], "colour": [1]}), ValueError, "unknown axis 'colour'"),
    (dict(product={"N": [21], "alpha": [0.5]}, params={"eta": 1}), ValueError, "unknown parameter"),
    (dict(product={"N": [21], "alpha": "0.5"}), TypeError, "axis 'alpha' must be a list"),
    (dict(product={"N": [21]}, zip={"alpha": [0.1, 0.2], "kappa": [0.0]}), ValueError, "equal lengths"),
    (dict(product={"N": [21], "alpha": [0.5]}, seeds=0), ValueError, "seeds must be >= 1"),
])
def test_bad_grids_are_refused(kwargs, error, match):
    with pytest.raises(error, match=match):
        Sweep(**BASE, **kwargs)


@pytest.mark.parametrize("model, match", [
    ({"model": "resnet"}, "model must be one of"),
    ({"model": "committee", "K": 3}, "does not support"),
    ({"weights": "binary"}, "model must be a dict with a 'model' kind"),
])
def test_bad_models_are_refused(model, match):
    with pytest.raises((ValueError, TypeError), match=match):
        Sweep(problem={"kind": "storage"}, model=model, algorithm="perceptron",
              product={"N": [21], "alpha": [0.5]})
