"""Argument checks shared by the public modules.

Every check raises ``ValueError`` or ``TypeError`` with a message that names the argument,
the value received and what is allowed, so that the CLI can print it as one line.
"""
import numbers
import os

import numpy as np


def integer(name, value, *, minimum=None, maximum=None):
    """Return ``value`` as a Python int, checking its type and range."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} of type {type(value).__name__}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return value


def real(name, value, *, minimum=None, maximum=None, strict_minimum=False, strict_maximum=False,
         allow_inf=False):
    """Return ``value`` as a Python float, checking that it is a finite (or allowed infinite) number in range."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} of type {type(value).__name__}")
    value = float(value)
    if np.isnan(value) or (np.isinf(value) and not allow_inf):
        raise ValueError(f"{name} must be a finite number, got {value}")
    if minimum is not None:
        if strict_minimum and not value > minimum:
            raise ValueError(f"{name} must be > {minimum}, got {value}")
        if not strict_minimum and value < minimum:
            raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None:
        if strict_maximum and not value < maximum:
            raise ValueError(f"{name} must be < {maximum}, got {value}")
        if not strict_maximum and value > maximum:
            raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return value


def flag(name, value):
    """Check that ``value`` is True or False."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be true or false, got {value!r}")
    return bool(value)


def choice(name, value, allowed):
    """Check that ``value`` is one of ``allowed`` (strings)."""
    if value not in allowed:
        options = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be one of {options}, got {value!r}")
    return value


class Integer:
    """Declared check of an integer hyperparameter: ``Integer(minimum=1)(name, value)``."""

    def __init__(self, *, minimum=None, maximum=None):
        self.minimum, self.maximum = minimum, maximum

    def __call__(self, name, value):
        return integer(name, value, minimum=self.minimum, maximum=self.maximum)


class Real:
    """Declared check of a real hyperparameter (finite unless ``allow_inf``), bounds as :func:`real`."""

    def __init__(self, *, minimum=None, maximum=None, strict_minimum=False, strict_maximum=False,
                 allow_inf=False):
        self.bounds = dict(minimum=minimum, maximum=maximum, strict_minimum=strict_minimum,
                           strict_maximum=strict_maximum, allow_inf=allow_inf)

    def __call__(self, name, value):
        return real(name, value, **self.bounds)


class Choice:
    """Declared check of a hyperparameter taking one of a few strings."""

    def __init__(self, *allowed):
        self.allowed = allowed

    def __call__(self, name, value):
        return choice(name, value, self.allowed)


class Flag:
    """Declared check of a true/false hyperparameter."""

    def __call__(self, name, value):
        return flag(name, value)


def available_memory():
    """Bytes of memory available to a new process (MemAvailable of /proc/meminfo on Linux,
    free physical pages elsewhere), or None when the system does not say."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def generator(seed):
    """Return a ``numpy.random.Generator`` from a seed (int, SeedSequence or Generator).

    ``None`` is refused: a run must be a pure function of its parameters and seed.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, np.random.SeedSequence):
        return np.random.default_rng(seed)
    integer("seed", seed, minimum=0)
    return np.random.default_rng(int(seed))


def labels(name, y, P=None):
    """Return +-1 labels as a 1-D int8 array, refusing anything else."""
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of +-1 labels, got shape {y.shape}")
    if P is not None and y.shape[0] != P:
        raise ValueError(f"{name} must have one label per pattern ({P}), got {y.shape[0]}")
    if y.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold numbers +-1, got dtype {y.dtype}")
    if not np.all((y == 1) | (y == -1)):
        bad = y[(y != 1) & (y != -1)][0]
        raise ValueError(f"{name} must contain only +1 and -1, found {bad!r}")
    return y.astype(np.int8)


def patterns(name, X):
    """Return a 2-D pattern matrix: int8 when every entry is +-1, float32/float64 otherwise.

    Refuses NaN or infinite entries, non-numeric dtypes and arrays that are not 2-D.
    """
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (P, N), got shape {X.shape}")
    if X.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold numbers, got dtype {X.dtype}")
    if X.dtype.kind == "f" and not np.all(np.isfinite(X)):
        raise ValueError(f"{name} must be finite, found NaN or inf")
    if X.dtype == np.int8:
        from wfm._kernels.linalg import is_pm1  # Numba, imported on first use (fast import wfm)

        X = np.ascontiguousarray(X)
        if not is_pm1(X):  # one pass, no temporaries: patterns reach 10^10 bytes
            raise ValueError(f"{name} of dtype int8 must contain only +1 and -1")
        return X
    if X.dtype.kind in "iu":
        if np.all((X == 1) | (X == -1)):
            return np.ascontiguousarray(X, dtype=np.int8)
        return np.ascontiguousarray(X, dtype=np.float64)
    if X.dtype not in (np.float32, np.float64):
        X = X.astype(np.float64)
    return np.ascontiguousarray(X)
