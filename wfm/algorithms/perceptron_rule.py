"""The perceptron rule: Rosenblatt's rule for spherical weights, clipped perceptron for binary.

Registered as ``"perceptron"``. Each epoch visits the training patterns in a fresh random order
drawn from the run's seed and updates the weights on every pattern that is not satisfied
(stability sigma w.xi / |w| <= kappa). The run stops after an epoch without updates (every
pattern satisfied: a solution) or after ``max_epochs`` epochs. Kernels and references are in
:mod:`wfm._kernels.perceptron_rule`.

Parameters
----------
max_epochs : int
    Maximum number of passes over the training set (default 1000).

History
-------
updates : ndarray of int
    Number of updates made in each epoch; the last entry is 0 exactly when the run solved.
"""
import numpy as np

from wfm import _progress, _validate as check
from wfm._kernels.perceptron_rule import clipped_epoch, rosenblatt_epoch
from wfm.algorithms import register
from wfm.models import Perceptron


def _accepts(model):
    if not isinstance(model, Perceptron):
        return "the perceptron rule trains a single perceptron (binary or spherical weights)"
    return None


@register("perceptron", defaults={"max_epochs": 1000}, accepts=_accepts,
          checks={"max_epochs": check.Integer(minimum=1)},
          summary="perceptron rule: Rosenblatt (spherical) or clipped perceptron (binary weights)")
def run(problem, model, rng, *, max_epochs):
    """Train ``model`` on ``problem`` with the perceptron rule; see the module docstring."""
    max_epochs = check.integer("max_epochs", max_epochs, minimum=1)
    X = problem.X if problem.binary_inputs else np.asarray(problem.X, dtype=np.float64)
    y = problem.y.astype(np.float64)
    w = model.init(rng)
    h = w.astype(np.float64)
    updates = np.zeros(max_epochs, dtype=np.int64)
    epochs = 0
    while epochs < max_epochs:
        order = rng.permutation(problem.P)
        if model.binary:
            updates[epochs] = clipped_epoch(X, y, h, w, order, model.kappa)
        else:
            updates[epochs] = rosenblatt_epoch(X, y, w, order, model.kappa)
        epochs += 1
        _progress.step(epochs, max_epochs, "epoch", updates=int(updates[epochs - 1]))
        if updates[epochs - 1] == 0:
            break
    if not model.binary:
        w = w * np.sqrt(model.N) / np.linalg.norm(w)
    return {"w": w, "iterations": epochs, "history": {"updates": updates[:epochs]}}
