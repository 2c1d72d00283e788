"""Problem instances: random patterns, teacher-student and the 8x8 digits.

A :class:`Problem` holds the training patterns ``X`` (P, N) and labels ``y`` (P,), an optional
test set, and a JSON-serialisable ``description`` of how it was made, so that the same call
rebuilds it. +-1 patterns are stored as int8; real-valued ones as float32.
"""
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from wfm import _validate as check

INPUTS = ("pm1", "gaussian")
#: How a load alpha counts patterns (:func:`pattern_count`): per input or per first-layer weight.
LOADS = ("input", "weight")


@dataclass(frozen=True, eq=False)
class Problem:
    """A training set (and optional test set) for a binary classification task.

    Parameters
    ----------
    X : ndarray, shape (P, N)
        Training patterns, int8 +-1 or float.
    y : ndarray, shape (P,)
        Training labels, int8 +-1.
    X_test, y_test : ndarray or None
        Test patterns and labels, same conventions.
    description : dict
        JSON-serialisable record of how the problem was built (generator name and arguments).
    teacher : ndarray or tuple or None
        The teacher's weights for a teacher-student problem.
    attack : ndarray of bool or None
        For the digits task, marks the training patterns that belong to the attack set.
    """

    X: np.ndarray
    y: np.ndarray
    X_test: np.ndarray = None
    y_test: np.ndarray = None
    description: dict = field(default_factory=dict)
    teacher: object = None
    attack: np.ndarray = None

    def __post_init__(self):
        X = check.patterns("X", self.X)
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "y", check.labels("y", self.y, X.shape[0]))
        if (self.X_test is None) != (self.y_test is None):
            raise ValueError("X_test and y_test must be given together or both be None")
        if self.X_test is not None:
            X_test = check.patterns("X_test", self.X_test)
            if X_test.shape[1] != X.shape[1]:
                raise ValueError(f"X_test must have N = {X.shape[1]} columns, got {X_test.shape[1]}")
            object.__setattr__(self, "X_test", X_test)
            object.__setattr__(self, "y_test", check.labels("y_test", self.y_test, X_test.shape[0]))
        for array in (self.X, self.y, self.X_test, self.y_test):
            if array is not None:
                array.flags.writeable = False

    @property
    def N(self):
        """Input dimension."""
        return self.X.shape[1]

    @property
    def P(self):
        """Number of training patterns."""
        return self.X.shape[0]

    @property
    def alpha(self):
        """Load P / N (patterns per input)."""
        return self.P / self.N

    @property
    def binary_inputs(self):
        """True when the patterns are +-1 (int8)."""
        return self.X.dtype == np.int8

    @cached_property
    def XT(self):
        """Transposed C-contiguous copy (N, P): column i of ``X`` is the row ``XT[i]``.

        Single-weight moves read one input across all patterns; this layout makes that read
        contiguous.
        """
        XT = np.ascontiguousarray(self.X.T)
        XT.flags.writeable = False
        return XT

    def __repr__(self):
        kind = self.description.get("kind", "custom")
        test = "" if self.X_test is None else f", test={self.X_test.shape[0]}"
        return f"Problem({kind}, N={self.N}, P={self.P}, alpha={self.alpha:.4g}{test})"


def pattern_count(alpha, N, *, load="input", model=None):
    """The number of patterns P of a load alpha: the one alpha -> P rule of wfm.

    P = round(alpha M), to the nearest integer (halves to even, as Python's ``round``), where M
    counts what alpha is a load of:

    - ``load="input"``: M = N, the number of inputs (alpha = P / N, the usual load);
    - ``load="weight"``: M = the number of first-layer weights of ``model``, K n for a committee
      (N for a tree, K N fully connected, as the authors' fBP code counts the patterns of the
      fully connected committee) and N for a perceptron.

    Parameters
    ----------
    alpha : float
        Load, > 0.
    N : int
        Number of inputs.
    load : {"input", "weight"}
    model : wfm.models.Perceptron or wfm.models.Committee, optional
        Needed for ``load="weight"``.

    Returns
    -------
    int
        P >= 1.

    Raises
    ------
    ValueError
        If alpha gives no pattern, or ``load="weight"`` comes without a model.
    """
    N = check.integer("N", N, minimum=1)
    alpha = check.real("alpha", alpha, minimum=0.0, strict_minimum=True)
    check.choice("load", load, LOADS)
    if load == "weight":
        if model is None:
            raise ValueError("load='weight' needs the model whose first-layer weights alpha counts")
        M, counted = (model.K * model.n, "K n") if hasattr(model, "K") else (model.N, "N")
    else:
        M, counted = N, "N"
    P = int(round(alpha * M))
    if P < 1:
        raise ValueError(f"alpha = {alpha} gives no pattern (P = round(alpha {counted}) = round({alpha} * {M}) "
                         "= 0); at least one pattern is needed")
    return P


def _size(N, alpha, P):
    """Resolve exactly one of alpha and P into the number of patterns."""
    N = check.integer("N", N, minimum=1)
    if (alpha is None) == (P is None):
        raise ValueError("give exactly one of alpha and P (got "
                         f"alpha={alpha!r}, P={P!r})")
    if P is None:
        P = pattern_count(alpha, N)
    else:
        P = check.integer("P", P, minimum=1)
    return N, P


_BLOCK_WORDS = 1 << 22  # 32-bit words per block of drawn +-1 patterns (16 MiB)
_BLOCK_ENTRIES = 1 << 22  # entries per block of drawn Gaussian patterns


def _draw_inputs(rng, P, N, inputs):
    """A (P, N) matrix of iid +-1 (int8) or standard Gaussian (float32) entries, drawn in blocks.

    The entries are those of ``2 * rng.integers(0, 2, size=(P, N), dtype=np.int8) - 1`` and of
    ``rng.standard_normal((P, N), dtype=np.float32)``, and the generator is left in the same
    state, so instances do not depend on the block size; only the matrix itself is held in
    memory. For int8, numpy's ``integers`` in [0, 2) takes one byte per entry from the bit
    generator's 32-bit words (least significant byte first; Lemire's bounded method,
    value = byte >> 7 with no rejection) and drops the unused bytes of the last word: the same
    bytes are read here from blocks of raw 32-bit words and mapped with one vectorised
    shift, 40 times faster than the byte-by-byte draw.
    """
    if inputs == "pm1":
        X = np.empty((P, N), dtype=np.int8)
        flat = X.reshape(-1)
        words = -(-(P * N) // 4)
        for start in range(0, words, _BLOCK_WORDS):
            raw = rng.integers(0, 2 ** 32, size=min(_BLOCK_WORDS, words - start), dtype=np.uint32)
            entries = raw.astype("<u4", copy=False).view(np.int8)[:flat.size - 4 * start]
            block = flat[4 * start:4 * start + entries.size]
            np.right_shift(entries, 7, out=block)  # -1 where the byte's top bit is set, else 0
            block *= -2
            block -= 1  # top bit set: +1, clear: -1
        return X
    X = np.empty((P, N), dtype=np.float32)
    rows = max(1, _BLOCK_ENTRIES // N)
    for start in range(0, P, rows):
        block = X[start:start + rows]
        rng.standard_normal(block.shape, dtype=np.float32, out=block)
    return X


def storage(N, alpha=None, *, P=None, inputs="pm1", seed):
    """Random patterns with random labels (the storage problem).

    Parameters
    ----------
    N : int
        Input dimension.
    alpha : float, optional
        Load; the number of patterns is ``round(alpha * N)`` (:func:`pattern_count`). Give
        exactly one of alpha and P.
    P : int, optional
        Number of patterns.
    inputs : {"pm1", "gaussian"}
        iid +-1 inputs (int8) or iid standard Gaussian inputs (float32).
    seed : int or numpy.random.Generator
        Seed of the instance.

    Returns
    -------
    Problem
    """
    N, P = _size(N, alpha, P)
    check.choice("inputs", inputs, INPUTS)
    rng = check.generator(seed)
    X = _draw_inputs(rng, P, N, inputs)
    y = (2 * rng.integers(0, 2, size=P, dtype=np.int8) - 1).astype(np.int8)
    description = {"kind": "storage", "N": N, "P": P, "inputs": inputs,
                   "seed": seed if isinstance(seed, int) else None}
    return Problem(X, y, description=description)


def teacher_student(N, alpha=None, *, P=None, teacher=None, test_size=1000, inputs="pm1", seed):
    """Labels produced by a random teacher network; a fresh test set measures generalization.

    Parameters
    ----------
    N : int
        Input dimension.
    alpha, P
        Load or number of training patterns (exactly one).
    teacher : model, optional
        A :mod:`wfm.models` model of input dimension N; default a binary perceptron.
        Its weights are drawn with ``teacher.init`` and kept as ``problem.teacher``. Inputs on
        which the teacher's output is exactly zero are redrawn, so the teacher is a solution.
    test_size : int
        Number of fresh test patterns (0 for none).
    inputs : {"pm1", "gaussian"}
        Input distribution.
    seed : int or numpy.random.Generator

    Returns
    -------
    Problem
    """
    from wfm.models import Perceptron

    N, P = _size(N, alpha, P)
    check.choice("inputs", inputs, INPUTS)
    test_size = check.integer("test_size", test_size, minimum=0)
    if teacher is None:
        teacher = Perceptron(N, weights="binary")
    if not hasattr(teacher, "predict") or getattr(teacher, "N", None) != N:
        raise ValueError(f"teacher must be a wfm model with N = {N}, got {teacher!r}")
    rng = check.generator(seed)
    w_teacher = teacher.init(rng)
    X, y = _labelled_by(teacher, w_teacher, rng, P, N, inputs)
    X_test = y_test = None
    if test_size:
        X_test, y_test = _labelled_by(teacher, w_teacher, rng, test_size, N, inputs)
    description = {"kind": "teacher_student", "N": N, "P": P, "inputs": inputs,
                   "test_size": test_size, "teacher": teacher.spec(),
                   "seed": seed if isinstance(seed, int) else None}
    return Problem(X, y, X_test, y_test, description=description, teacher=w_teacher)


def _labelled_by(teacher, w_teacher, rng, count, N, inputs):
    """Draw ``count`` patterns labelled by the teacher, redrawing those it leaves unlabelled.

    A pattern on which the teacher's output is exactly zero (possible for ReLU committees and
    for ties) has no label; it is replaced by a fresh draw, so the teacher is always a solution.
    """
    X = np.empty((0, N), dtype=np.int8 if inputs == "pm1" else np.float32)
    y = np.empty(0, dtype=np.int8)
    for _ in range(1000):
        batch = _draw_inputs(rng, count - len(y), N, inputs)
        out = teacher.output(batch, w_teacher)
        keep = out != 0
        X = np.concatenate([X, batch[keep]])
        y = np.concatenate([y, np.where(out[keep] > 0, 1, -1).astype(np.int8)])
        if len(y) == count:
            return X, y
    raise ValueError(f"teacher {teacher!r} gives a zero output on almost every input; it labels nothing")


def digits(*, positive=(0, 2, 4, 6, 8), negative=None, inputs="pm1", test_fraction=0.3,
           train_size=None, attack=0, seed):
    """scikit-learn's bundled 8x8 handwritten digits as a binary task (N = 64).

    Parameters
    ----------
    positive : sequence of int
        Digit classes labelled +1 (default: the even digits).
    negative : sequence of int, optional
        Digit classes labelled -1 (default: every other class). Images of classes in neither
        list are dropped.
    inputs : {"pm1", "standardised"}
        "pm1": pixel intensity (0..16) above 8 gives +1, otherwise -1 (int8).
        "standardised": each pixel shifted and scaled to zero mean, unit variance on the
        training images (float32); constant pixels are left at zero.
    test_fraction : float
        Fraction of the images held out as the test set.
    train_size : int, optional
        Number of clean training images (default: all the images not used for test or attack).
    attack : int
        Size of the attack set (Wu, Zhu and E 2017): extra training images, disjoint from the
        train and test images, given random labels. ``problem.attack`` marks them.
    seed : int or numpy.random.Generator
        Seed of the split and of the attack labels.

    Returns
    -------
    Problem
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("wfm.problems.digits needs scikit-learn: pip install 'wfm[data]'") from error
    positive = _classes("positive", positive)
    negative = tuple(c for c in range(10) if c not in positive) if negative is None \
        else _classes("negative", negative)
    if set(positive) & set(negative):
        raise ValueError(f"positive {positive} and negative {negative} must not share a class")
    check.choice("inputs", inputs, ("pm1", "standardised"))
    test_fraction = check.real("test_fraction", test_fraction, minimum=0.0, maximum=0.9)
    attack = check.integer("attack", attack, minimum=0)
    rng = check.generator(seed)

    images, classes = load_digits(return_X_y=True)
    keep = np.isin(classes, positive + negative)
    images, labels = images[keep], np.where(np.isin(classes[keep], positive), 1, -1).astype(np.int8)
    order = rng.permutation(len(labels))
    n_test = int(round(test_fraction * len(labels)))
    available = len(labels) - n_test - attack
    if train_size is None:
        train_size = available
    train_size = check.integer("train_size", train_size, minimum=1)
    if train_size > available:
        raise ValueError(f"train_size + attack + test images must fit in the {len(labels)} images: "
                         f"train_size={train_size}, attack={attack}, test={n_test}")
    test_idx = order[:n_test]
    attack_idx = order[n_test:n_test + attack]
    train_idx = order[n_test + attack:n_test + attack + train_size]
    attack_labels = (2 * rng.integers(0, 2, size=attack) - 1).astype(np.int8)

    X_train = np.concatenate([images[train_idx], images[attack_idx]])
    y_train = np.concatenate([labels[train_idx], attack_labels])
    X_test, y_test = images[test_idx], labels[test_idx]
    if inputs == "pm1":
        convert = lambda a: np.where(a > 8, 1, -1).astype(np.int8)  # noqa: E731
    else:
        mean = images[train_idx].mean(axis=0)
        std = images[train_idx].std(axis=0)
        std[std == 0] = 1.0
        convert = lambda a: ((a - mean) / std).astype(np.float32)  # noqa: E731
    is_attack = np.zeros(len(y_train), dtype=bool)
    is_attack[train_size:] = True
    is_attack.flags.writeable = False
    description = {"kind": "digits", "positive": list(positive), "negative": list(negative),
                   "inputs": inputs, "test_fraction": test_fraction, "train_size": train_size,
                   "attack": attack, "seed": seed if isinstance(seed, int) else None}
    return Problem(convert(X_train), y_train, convert(X_test) if n_test else None,
                   y_test if n_test else None, description=description, attack=is_attack)


def _classes(name, classes):
    try:
        classes = tuple(int(c) for c in classes)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a sequence of digit classes 0-9, got {classes!r}") from None
    if not classes or any(c < 0 or c > 9 for c in classes) or len(set(classes)) != len(classes):
        raise ValueError(f"{name} must be distinct digit classes 0-9, got {classes!r}")
    return classes
