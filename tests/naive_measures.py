"""Slow, literal twins of wfm.losses and wfm.measures.local_energy, for comparison tests.

One pattern and one perturbation at a time, through the models' own public methods.
"""
import numpy as np

from wfm._kernels.codes import RELU, SIGN
from wfm.models import Perceptron


def loss_value(problem, model, w, kind, gamma, beta):
    """Mean loss by a loop over patterns, with the hidden fields of ``model.hidden_fields``."""
    total = 0.0
    for mu in range(problem.P):
        xi = problem.X[mu:mu + 1]
        if isinstance(model, Perceptron):
            out = float(np.dot(xi[0].astype(float), w)) / np.sqrt(model.N)
        else:
            _, v = model.split(w)
            lam = model.hidden_fields(xi, w)[0]
            g = np.maximum(lam, 0.0) if model.activation == "relu" else np.tanh(beta * lam)
            out = float(np.dot(v, g))
        x = problem.y[mu] * out - model.kappa
        if kind == "ce":
            total += np.log1p(np.exp(-2 * gamma * x)) / (2 * gamma)
        else:
            total += 0.5 * (out - problem.y[mu]) ** 2
    return total / problem.P


def local_energy(problem, model, w, *, sizes, samples, seed, noise):
    """Mean error increases (train, test), their standard errors and mean distances, per size.

    Draws sample by sample in the documented order: n_params uniforms (flip) or standard
    normals per sample, shared by every size.
    """
    rng = np.random.default_rng(seed)
    theta = model.flatten(w)
    K, n = getattr(model, "K", 1), getattr(model, "n", model.N)
    F = K * n
    draws = [rng.random(F) if noise == "flip" else rng.standard_normal(theta.size)
             for _ in range(samples)]
    e0 = model.errors(problem, w)
    t0 = model.test_error(problem, w) if problem.X_test is not None else None
    train, test, distance = [], [], []
    for size in sizes:
        rows_train, rows_test, rows_d = [], [], []
        for z in draws:
            new = theta.copy()
            if noise == "flip":
                for i in range(F):
                    if z[i] < size:
                        new[i] = -new[i]
                rows_d.append(np.mean(new != theta))
            else:
                if noise == "multiplicative":
                    new = theta * (1 + size * z)
                else:
                    for k in range(K):
                        block = slice(k * n, (k + 1) * n)
                        rms = np.linalg.norm(theta[block]) / np.sqrt(n)
                        new[block] = theta[block] + size * rms * z[block]
                    for j in range(F, theta.size):
                        new[j] = theta[j] + size * abs(theta[j]) * z[j]
                ratios = [np.linalg.norm(new[k * n:(k + 1) * n] - theta[k * n:(k + 1) * n])
                          / np.linalg.norm(theta[k * n:(k + 1) * n])
                          for k in range(K) if np.any(theta[k * n:(k + 1) * n])]
                rows_d.append(np.mean(ratios))
            w_new = model.unflatten(new)
            rows_train.append((model.errors(problem, w_new) - e0) / problem.P)
            if t0 is not None:
                rows_test.append(model.test_error(problem, w_new) - t0)
        train.append(rows_train)
        test.append(rows_test)
        distance.append(np.mean(rows_d))
    train = np.array(train)
    result = {"train": train.mean(axis=1), "train_se": train.std(axis=1, ddof=1) / np.sqrt(samples),
              "distance": np.array(distance)}
    if t0 is not None:
        test = np.array(test)
        result.update(test=test.mean(axis=1), test_se=test.std(axis=1, ddof=1) / np.sqrt(samples))
    return result


def committee_errors(lam, y, V, rule):
    """Twin of wfm._kernels.committee_errors.committee_errors: one (pattern, column) at a time."""
    K, P, S = lam.shape
    errors = np.zeros(S, dtype=np.int64)
    for s in range(S):
        for p in range(P):
            signs = [1.0 if lam[k, p, s] > 0 else -1.0 for k in range(K)]
            if rule == RELU:
                out = sum(V[k, s] * max(lam[k, p, s], 0.0) for k in range(K))
            elif rule == SIGN:
                out = sum(V[k, s] * signs[k] for k in range(K))
            else:
                out = np.prod(signs)
            errors[s] += y[p] * out <= 0
    return errors
