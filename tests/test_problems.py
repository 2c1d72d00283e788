"""Problem ensembles: shapes, dtypes, statistics, reproducibility and argument checks."""
import json

import numpy as np
import pytest

from wfm import problems
from wfm.models import Committee, Perceptron


def test_storage_shapes_dtypes_and_statistics():
    p = problems.storage(201, 0.5, seed=3)
    assert (p.N, p.P) == (201, 100) and p.alpha == pytest.approx(100 / 201)
    assert p.X.dtype == np.int8 and p.y.dtype == np.int8
    assert set(np.unique(p.X)) == {-1, 1} and set(np.unique(p.y)) == {-1, 1}
    # iid fair +-1 entries: mean within 5 standard errors of zero
    assert abs(p.X.mean()) < 5 / np.sqrt(p.X.size)
    assert p.X_test is None and p.y_test is None
    json.dumps(p.description)


def test_storage_gaussian_inputs_and_explicit_P():
    p = problems.storage(50, P=80, inputs="gaussian", seed=0)
    assert p.X.dtype == np.float32 and p.P == 80
    assert abs(p.X.std() - 1) < 0.05


def test_storage_is_a_pure_function_of_the_seed():
    a, b, c = (problems.storage(31, 1.0, seed=s) for s in (7, 7, 8))
    assert np.array_equal(a.X, b.X) and np.array_equal(a.y, b.y)
    assert not np.array_equal(a.X, c.X)


def _unblocked_draw(rng, P, N, inputs):
    """The one-call draw that storage's blocked generator reproduces (same entries, same generator state)."""
    if inputs == "pm1":
        return (2 * rng.integers(0, 2, size=(P, N), dtype=np.int8) - 1).astype(np.int8)
    return rng.standard_normal((P, N), dtype=np.float32)


@pytest.mark.parametrize("inputs", ["pm1", "gaussian"])
@pytest.mark.parametrize("blocks", ["default", "tiny"])
def test_storage_instances_are_those_of_the_one_call_draw(inputs, blocks, monkeypatch):
    # the committed data were made with the one-call draw: same X, y (and state) for the same seed
    if blocks == "tiny":  # many blocks, the last word partly used
        monkeypatch.setattr(problems, "_BLOCK_WORDS", 3)
        monkeypatch.setattr(problems, "_BLOCK_ENTRIES", 5)
    bit_generators = (np.random.PCG64, np.random.MT19937, np.random.Philox, np.random.SFC64)
    for N, P in [(1, 1), (3, 5), (13, 17), (4, 3), (1001, 700), (101, 75)]:
        for seed in range(3):
            p = problems.storage(N, P=P, inputs=inputs, seed=seed)
            rng = np.random.default_rng(seed)
            X = _unblocked_draw(rng, P, N, inputs)
            y = (2 * rng.integers(0, 2, size=P, dtype=np.int8) - 1).astype(np.int8)
            assert p.X.dtype == X.dtype and np.array_equal(p.X, X) and np.array_equal(p.y, y)
            bit_generator = bit_generators[seed]
            ours, ref = np.random.Generator(bit_generator(seed)), np.random.Generator(bit_generator(seed))
            assert np.array_equal(problems._draw_inputs(ours, P, N, inputs), _unblocked_draw(ref, P, N, inputs))
            assert ours.integers(0, 2 ** 62) == ref.integers(0, 2 ** 62)


@pytest.mark.parametrize("bad", [0, 2, -128, 127])
def test_int8_patterns_other_than_pm1_are_refused(bad):
    X = np.ones((5, 7), dtype=np.int8)
    X[3, 6] = bad
    with pytest.raises(ValueError, match="X of dtype int8 must contain only"):
        problems.Problem(X, np.ones(5, dtype=np.int8))
    with pytest.raises(ValueError, match="X of dtype int8"):
        problems.Problem(np.asfortranarray(X), np.ones(5, dtype=np.int8))


def test_problem_arrays_are_read_only_and_XT_is_the_transpose():
    p = problems.storage(11, 2.0, seed=1)
    with pytest.raises(ValueError):
        p.X[0, 0] = 1
    assert p.XT.flags.c_contiguous and np.array_equal(p.XT, p.X.T)


def test_teacher_student_labels_come_from_the_teacher():
    teacher = Committee(45, 3)
    p = problems.teacher_student(45, 2.0, teacher=teacher, test_size=300, seed=5)
    assert np.array_equal(teacher.predict(p.X, p.teacher), p.y)
    assert teacher.errors(p, p.teacher) == 0 and teacher.test_error(p, p.teacher) == 0.0
    assert p.X_test.shape == (300, 45)
    assert p.description["teacher"] == teacher.spec()


def test_teacher_student_default_teacher_is_a_binary_perceptron():
    p = problems.teacher_student(31, P=40, test_size=0, seed=2)
    assert p.teacher.dtype == np.int8 and p.X_test is None
    assert Perceptron(31).errors(p, p.teacher) == 0


def test_digits_binary_task_split_and_attack_set():
    pytest.importorskip("sklearn")
    p = problems.digits(attack=50, test_fraction=0.25, seed=0)
    assert p.N == 64 and p.X.dtype == np.int8
    assert p.attack.sum() == 50 and p.attack[-50:].all()
    assert p.X_test.shape[0] == round(0.25 * 1797)
    assert p.P + p.X_test.shape[0] == 1797
    # clean training labels follow the task: even digits are +1 (roughly half of the data)
    assert 0.4 < np.mean(p.y[~p.attack] == 1) < 0.6
    q = problems.digits(inputs="standardised", positive=[3], negative=[8], train_size=100, seed=1)
    assert q.X.dtype == np.float32 and q.P == 100
    assert np.allclose(q.X.mean(axis=0), 0, atol=1e-5)


def test_digits_attack_images_are_disjoint_from_train_and_test():
    pytest.importorskip("sklearn")
    from sklearn.datasets import load_digits
    images, _ = load_digits(return_X_y=True)
    p = problems.digits(attack=200, inputs="standardised", positive=[0], negative=[1], seed=4)
    n_rows = {tuple(np.round(row, 4)) for row in p.X[~p.attack]} | {tuple(np.round(r, 4)) for r in p.X_test}
    attack_rows = {tuple(np.round(row, 4)) for row in p.X[p.attack]}
    # at most accidental duplicates of identical images in the data set
    assert len(n_rows & attack_rows) <= 2
    assert images.shape == (1797, 64)


@pytest.mark.parametrize("kwargs, message", [
    (dict(N=0, alpha=1.0), "N must be >= 1"),
    (dict(N=-5, alpha=1.0), "N must be >= 1"),
    (dict(N=10, alpha=0.0), "alpha must be > 0"),
    (dict(N=10, alpha=-1.0), "alpha must be > 0"),
    (dict(N=10, alpha=float("nan")), "alpha must be a finite"),
    (dict(N=10), "exactly one of alpha and P"),
    (dict(N=10, alpha=1.0, P=3), "exactly one of alpha and P"),
    (dict(N=10, P=0), "P must be >= 1"),
    (dict(N=10, alpha=1.0, inputs="binary"), "inputs must be one of"),
    (dict(N=10.0, alpha=1.0), "N must be an integer"),
    (dict(N=10, alpha=0.01), "at least one pattern"),
])
def test_storage_rejects_bad_arguments(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        problems.storage(seed=0, **kwargs)


def test_pattern_count_per_input_and_per_weight():
    assert problems.pattern_count(0.5, 201) == 100  # round(100.5): halves to even
    assert problems.pattern_count(0.7, 1001) == 701
    tree, full = Committee(45, 3), Committee(45, 3, tree=False)
    assert problems.pattern_count(0.3, 45, load="weight", model=tree) == 14  # K n = N = 45
    assert problems.pattern_count(0.3, 45, load="weight", model=full) == 40  # K n = K N = 135
    assert problems.pattern_count(0.3, 45, load="weight", model=Perceptron(45)) == 14
    assert problems.pattern_count(0.3, 45, model=full) == 14  # load="input" ignores the model
    assert problems.storage(45, 0.3, seed=0).P == problems.pattern_count(0.3, 45)


@pytest.mark.parametrize("args, kwargs, message", [
    ((0.01, 10), {}, "gives no pattern .*at least one pattern"),
    ((0.01, 10), dict(load="weight", model=Committee(30, 3)), r"round\(alpha K n\) = round\(0.01 \* 30\)"),
    ((0.5, 10), dict(load="weight"), "needs the model"),
    ((0.5, 10), dict(load="pattern"), "load must be one of"),
    ((0.0, 10), {}, "alpha must be > 0"),
])
def test_pattern_count_rejects_bad_arguments(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        problems.pattern_count(*args, **kwargs)


def test_storage_requires_an_explicit_seed():
    with pytest.raises(TypeError):
        problems.storage(10, 1.0)
    with pytest.raises(TypeError, match="seed must be an integer"):
        problems.storage(10, 1.0, seed=None)


def test_problem_rejects_bad_labels_and_patterns():
    X = np.ones((3, 4), dtype=np.int8)
    with pytest.raises(ValueError, match="y must contain only"):
        problems.Problem(X, np.array([1, 0, 1]))
    with pytest.raises(ValueError, match="one label per pattern"):
        problems.Problem(X, np.array([1, 1]))
    with pytest.raises(ValueError, match="X must be finite"):
        problems.Problem(np.array([[np.nan, 1.0]]), np.array([1]))
    with pytest.raises(TypeError, match="X must hold numbers"):
        problems.Problem(np.array([["a", "b"]]), np.array([1]))
    with pytest.raises(ValueError, match="int8 must contain only"):
        problems.Problem(np.zeros((1, 2), dtype=np.int8), np.array([1]))
    with pytest.raises(ValueError, match="X_test must have N = 4"):
        problems.Problem(X, np.ones(3), X_test=np.ones((2, 5)), y_test=np.ones(2))


def test_teacher_student_and_digits_reject_bad_arguments():
    with pytest.raises(ValueError, match="teacher must be a wfm model with N = 20"):
        problems.teacher_student(20, 1.0, teacher=Perceptron(21), seed=0)
    with pytest.raises(ValueError, match="test_size must be >= 0"):
        problems.teacher_student(20, 1.0, test_size=-1, seed=0)
    pytest.importorskip("sklearn")
    with pytest.raises(ValueError, match="must not share a class"):
        problems.digits(positive=[1, 2], negative=[2], seed=0)
    with pytest.raises(ValueError, match="positive must be distinct digit classes"):
        problems.digits(positive=[11], seed=0)
    with pytest.raises(ValueError, match="train_size"):
        problems.digits(attack=1700, seed=0)
