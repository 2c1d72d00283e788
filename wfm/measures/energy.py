"""Local energy: the mean training-error increase under random perturbations of the weights.

delta_E(w, d) = E_{w' ~ perturbation of size d}[E_train(w')] - E_train(w) (the local energy
of Baldassi, Pittorino and Zecchina, PNAS 117, 161 (2020)), as a fraction of the training
patterns, with its standard error.
Every perturbed weight vector of a block of samples is a column of one matrix, so the fields
of all patterns under all perturbations come from one BLAS product X @ W'.
"""
from dataclasses import dataclass

import numpy as np

from wfm import _validate as check
from wfm._kernels import codes
from wfm._kernels.committee_errors import committee_errors

NOISES = ("flip", "multiplicative", "additive")

_BLOCK = 2 ** 22  # entries of the (K, P, samples) field array of one product


@dataclass(frozen=True)
class LocalEnergy:
    """Result of :func:`local_energy`; one entry per perturbation size.

    Attributes
    ----------
    sizes : ndarray
        Flip probabilities p (``noise="flip"``) or noise amplitudes sigma.
    train, train_se : ndarray
        Mean increase of the training-error fraction and its standard error (NaN for one
        sample).
    distance : ndarray
        Mean realised distance: the normalised Hamming distance for flips; for continuous
        weights the mean over first-layer units of |w'_k - w_k| / |w_k| (units with w_k = 0
        left out), which is invariant under per-unit rescaling.
    test, test_se : ndarray or None
        Mean increase of the test-error fraction and its standard error; None without a test
        set.
    base_train, base_test : float
        Training (and test, or None) error fractions of the unperturbed weights.
    noise : str
    samples : int
    """

    sizes: np.ndarray
    train: np.ndarray
    train_se: np.ndarray
    distance: np.ndarray
    test: np.ndarray
    test_se: np.ndarray
    base_train: float
    base_test: float
    noise: str
    samples: int

    def to_frame(self):
        """A pandas DataFrame with one row per size (test columns only with a test set)."""
        import pandas as pd

        columns = {"size": self.sizes, "train": self.train, "train_se": self.train_se,
                   "distance": self.distance}
        if self.test is not None:
            columns.update(test=self.test, test_se=self.test_se)
        frame = pd.DataFrame(columns)
        frame.attrs.update(noise=self.noise, samples=self.samples, base_train=self.base_train,
                           base_test=self.base_test)
        return frame


def local_energy(problem, model, w, *, sizes, samples, seed, noise=None):
    """Mean error increase under random perturbations of ``w`` of several sizes.

    Parameters
    ----------
    problem : wfm.problems.Problem
    model : wfm.models.Perceptron or wfm.models.Committee
    w : ndarray or tuple
        Weights in the model's layout.
    sizes : array_like of float
        Perturbation sizes (>= 0; flip probabilities must also be <= 1).
    samples : int
        Perturbations per size (>= 1).
    seed : int or numpy.random.Generator
        Seed of the noise.
    noise : {"flip", "multiplicative", "additive"}, optional
        Default "flip" for binary weights and "multiplicative" for continuous ones.

        - "flip" (binary weights): each weight flipped independently with probability p;
        - "multiplicative" (continuous): w'_i = w_i (1 + sigma z_i), z_i ~ N(0, 1), on every
          parameter (readout included), exactly invariant under per-unit rescaling;
        - "additive" (continuous): w'_k = w_k + sigma |w_k| / sqrt(n) z_k for each first-layer
          unit, v'_k = v_k + sigma |v_k| z_k for a trainable readout; also invariant under
          per-unit rescaling.

    Returns
    -------
    LocalEnergy

    Notes
    -----
    Common random numbers: the same draws serve every size (uniforms u compared with p, or
    normals z scaled by sigma), so flipped sets are nested as p grows and the curve is smooth
    in size. Sample s uses the s-th block of ``n_params`` draws of the generator (uniforms
    for flips, standard normals otherwise), whatever the grid, so that the same seed gives
    the same perturbations of a rescaled ``w``. Errors follow the model's conventions
    (``model.errors`` for training, ``model.test_error`` for test patterns).
    """
    from wfm.models import check_problem

    check_problem(model, problem)
    theta = model.flatten(w)
    binary = model.binary
    if noise is None:
        noise = "flip" if binary else "multiplicative"
    check.choice("noise", noise, NOISES)
    if binary != (noise == "flip"):
        allowed = "'flip'" if binary else "'multiplicative' or 'additive'"
        raise ValueError(f"noise={noise!r} is not allowed for {'binary' if binary else 'continuous'} "
                         f"weights of {model!r}; use {allowed}")
    sizes = _sizes(sizes, noise)
    samples = check.integer("samples", samples, minimum=1)
    rng = check.generator(seed)

    train_set = _Patterns(problem.X, problem.y, model, binary, margin=True)
    test_set = None if problem.X_test is None else _Patterns(problem.X_test, problem.y_test, model,
                                                             binary, margin=False)
    sets = [train_set] + ([test_set] if test_set else [])
    base = [s.errors(theta[:, None])[0] for s in sets]
    counts = [np.empty((len(sizes), samples), dtype=np.int64) for _ in sets]
    distance = np.empty((len(sizes), samples))
    units = _Units(model, theta, _dtype(problem.X, binary))
    blocks = -(-samples * getattr(model, "K", 1) * max(s.P for s in sets) // _BLOCK)
    step = -(-samples // blocks)  # equal blocks of columns
    for start in range(0, samples, step):
        stop = min(samples, start + step)
        if noise == "flip":
            draws = rng.random((stop - start, units.F))
        else:
            draws = rng.standard_normal((stop - start, theta.size))
            unit_distance = units.unit_distance(noise, draws)
            buffer = np.empty_like(draws)
        for i, size in enumerate(sizes):
            if noise == "flip":
                flips = draws < size
                Theta = np.where(flips, -units.theta, units.theta)
                distance[i, start:stop] = flips.mean(axis=1)
            else:
                Theta = units.perturb(noise, draws, size, buffer)
                distance[i, start:stop] = size * unit_distance
            for s, c in zip(sets, counts):
                c[i, start:stop] = s.errors(Theta.T)
    (train, train_se), *rest = [_mean_se((c - b) / s.P) for s, c, b in zip(sets, counts, base)]
    test, test_se = rest[0] if rest else (None, None)
    return LocalEnergy(sizes=sizes, train=train, train_se=train_se, distance=distance.mean(axis=1),
                       test=test, test_se=test_se, base_train=base[0] / train_set.P,
                       base_test=base[1] / test_set.P if test_set else None, noise=noise,
                       samples=samples)


def _sizes(sizes, noise):
    sizes = np.atleast_1d(np.asarray(sizes))
    if sizes.ndim != 1 or sizes.size == 0 or sizes.dtype.kind not in "iuf":
        raise ValueError(f"sizes must be a non-empty 1-D array of numbers, got {sizes!r}")
    sizes = sizes.astype(np.float64)
    if not np.all(np.isfinite(sizes)) or np.any(sizes < 0):
        raise ValueError(f"sizes must be finite and >= 0, got {sizes}")
    if noise == "flip" and np.any(sizes > 1):
        raise ValueError(f"sizes are flip probabilities for noise='flip' and must be <= 1, got {sizes}")
    return sizes


def _mean_se(increase):
    """Mean over samples (axis 1) and its standard error (NaN for a single sample)."""
    S = increase.shape[1]
    se = increase.std(axis=1, ddof=1) / np.sqrt(S) if S > 1 else np.full(increase.shape[0], np.nan)
    return increase.mean(axis=1), se


def _dtype(X, binary):
    """float32 for +-1 inputs with +-1 weights (integer fields, exact below 2^24), else float64."""
    return np.float32 if (X.dtype == np.int8 and binary) else np.float64


class _Units:
    """Perturbations of the flat parameters theta, unit by unit."""

    def __init__(self, model, theta, dtype):
        self.theta = theta.astype(dtype)
        self.K, self.n = getattr(model, "K", 1), getattr(model, "n", model.N)
        self.F = self.K * self.n  # first-layer parameters; the rest is a trainable readout
        W = theta[:self.F].reshape(self.K, self.n)
        norms = np.linalg.norm(W, axis=1)
        self.live = norms > 0  # units with w_k = 0 have no relative distance
        if not np.any(self.live):
            raise ValueError("w must have at least one non-zero first-layer unit")
        self.norms = norms
        # additive noise amplitude of each parameter: |w_k| / sqrt(n) per unit, |v_k| for v_k
        self.rms = np.concatenate([np.repeat(norms / np.sqrt(self.n), self.n),
                                   np.abs(theta[self.F:])])

    def perturb(self, noise, draws, size, out):
        """theta + size * amplitude * z for every row z of ``draws``, written to ``out``."""
        scale = size * (self.theta if noise == "multiplicative" else self.rms)
        np.multiply(draws, scale, out=out)
        out += self.theta
        return out

    def unit_distance(self, noise, draws):
        """Per-sample mean over live units of |w'_k - w_k| / |w_k| at size 1, shape (S,)."""
        amplitude = self.theta if noise == "multiplicative" else self.rms  # signs drop out below
        scaled = (draws[:, :self.F] * amplitude[:self.F]).reshape(-1, self.K, self.n)
        moved = np.sqrt(np.einsum("skn,skn->sk", scaled, scaled))
        return (moved[:, self.live] / self.norms[self.live]).mean(axis=1)


class _Patterns:
    """Error counts of a model on one pattern set for many parameter columns at once."""

    def __init__(self, X, y, model, binary, *, margin):
        from wfm.models import Perceptron

        dtype = _dtype(X, binary)
        self.P = X.shape[0]
        self.y = y.astype(dtype)
        self.perceptron = isinstance(model, Perceptron)
        if self.perceptron:
            self.kappa = model.kappa if margin else 0.0
            self.X = self.y[:, None] * np.asarray(X, dtype=dtype)  # rows sigma_mu xi_mu
            return
        self.K, self.n = model.K, model.n
        self.rule = codes.rule(model)
        self.trainable, self.readout = model.trainable, model.readout.astype(dtype)
        X = np.asarray(X, dtype=dtype)
        if model.tree and model.K > 1:
            X = np.ascontiguousarray(X.reshape(self.P, self.K, self.n).transpose(1, 0, 2))
        self.X = X  # (P, N) fully connected, or (K, P, n) for a tree

    def errors(self, Theta):
        """Misclassified patterns for each column of Theta (n_params, S), shape (S,)."""
        Theta = Theta.astype(self.X.dtype, copy=False)
        if self.perceptron:
            stab = self.X @ Theta  # labels are folded into X
            if self.kappa == 0.0:
                return np.count_nonzero(stab <= 0, axis=0)
            # sigma w'.xi / |w'| <= kappa without dividing by the norm
            norms = np.linalg.norm(Theta.astype(np.float64), axis=0)
            return np.count_nonzero(stab <= self.kappa * norms, axis=0)
        K, n = self.K, self.n
        W = Theta[:K * n].reshape(K, n, -1)
        lam = np.matmul(self.X, W)  # (K, P, S); 1/sqrt(n) does not change any sign
        S = lam.shape[2]
        V = Theta[K * n:] if self.trainable else np.broadcast_to(self.readout[:, None], (K, S))
        return committee_errors(lam, self.y, np.ascontiguousarray(V), self.rule)
