"""Local-entropy baselines of CE SGD: ``"entropy_sgd"`` and replicated SGD ``"rsgd"``.

Both share the loss, the norm control and the schedules of ``"sgd"``
(:mod:`wfm.algorithms.minibatch`; below, eta = lr B is the step on the gradient of a batch
mean f_B, lr the step per pattern), and a coupling gamma_c that grows along the run ("scoping"): gamma_c(t) = coupling * (1 + coupling_growth)^t in epoch t.

``"entropy_sgd"`` (Chaudhari et al., ICLR 2017, Algorithm 1). Each outer step runs an inner
SGLD loop of ``inner_steps`` L mini-batches started at x' = mu = x:
x' <- x' - eta (grad f_B(x') - gamma_c (x - x')) + sqrt(eta) noise z,  z ~ N(0, I),
mu <- (1 - mean_decay) mu + mean_decay x',
then x <- x - outer_lr (x - mu). The gradient of the local entropy is gamma_c (x - mu)
(Chaudhari et al., eq. 7); as in the authors' implementation the factor gamma_c is absorbed in
the outer step, so that ``outer_lr`` in (0, 1] is the fraction of the way from x to mu. With
``norm_control="normalize"`` x' and x are projected to the epoch's norm after every update.
In each epoch the batches of a fresh permutation are consumed L at a time (cycling when fewer
than L remain), so every pattern is seen at least once per epoch. The answer is x.

``"rsgd"`` (replicated SGD; Baldassi et al., PNAS 2020; Pittorino et al., ICLR 2021):
``replicas`` y copies w^a, each with its own mini-batch order, take simultaneous steps
w^a <- w^a - eta (grad f_B(w^a) + gamma_c (w^a - c)), c = (1/y) sum_a w^a the centre
(recomputed after every step).

The elastic terms are integrated exactly over the step (operator splitting): after the
gradient step, x' <- x + (x' - x) exp(-eta gamma_c), and w^a <- c + (w^a - c) exp(-eta gamma_c)
with c the centre of the replicas after their gradient steps (which this contraction leaves
unchanged), followed by the projection when normalising. To first order in eta gamma_c this
is the explicit update above; unlike it, it stays stable when the scoped coupling grows past
1 / eta. The answer is the centre (``answer="centre"``, projected to the epoch's norm when
normalising) or the replica with fewest training errors
(``answer="best"``); early stopping waits for the answer to have zero errors.

``history`` as for ``"sgd"`` (``loss``, ``errors``, ``norm``, ``gamma``, ``schedule``, of
the answer) plus ``coupling`` (gamma_c per epoch) and ``distance`` (entropy_sgd: |x - mu|^2 /
n_params at the last outer step; rsgd: mean_a |w^a - c|^2 / n_params); rsgd also records
``replica_errors`` (fewest training errors among the replicas) and returns
``extra["centre_errors"]`` and ``extra["replica_errors"]`` (per replica) at the end.
"""
import numpy as np

from wfm import _validate as check
from wfm.algorithms import register
from wfm.algorithms.minibatch import (CHECKS, COMMON_DEFAULTS, CrossEntropy, History, Settings, accepts,
                                      batch_bounds, finish, initial_theta, joint, step)

_ENTROPY_DEFAULTS = {**COMMON_DEFAULTS, "inner_steps": 5, "noise": 1e-4, "mean_decay": 0.75,
                     "outer_lr": 1.0, "coupling": 0.01, "coupling_growth": 0.005}
_RSGD_DEFAULTS = {**COMMON_DEFAULTS, "replicas": 3, "coupling": 0.01, "coupling_growth": 0.02,
                  "answer": "centre"}


def _couplings(coupling, coupling_growth, epochs):
    coupling = check.real("coupling", coupling, minimum=0.0)
    growth = check.real("coupling_growth", coupling_growth, minimum=0.0)
    return coupling * (1.0 + growth) ** np.arange(epochs)


def _split(params, names):
    own = {name: params.pop(name) for name in names}
    return Settings(**params), own


def _record(history, ce, theta, settings, t, **more):
    loss, errors = ce.evaluate(theta, settings.gammas[t])
    history.add(loss=loss, errors=errors, norm=ce.unit_norms(theta), gamma=settings.gammas[t],
                schedule=settings.r[t], **more)
    return errors


@register("entropy_sgd", defaults=_ENTROPY_DEFAULTS, accepts=accepts, checks=CHECKS, joint=joint,
          summary="Entropy-SGD (Chaudhari et al. 2017): inner Langevin loop, scoped coupling")
def entropy_sgd(problem, model, rng, **params):
    """Run Entropy-SGD on the CE loss; see the module docstring."""
    settings, own = _split(params, ("inner_steps", "noise", "mean_decay", "outer_lr", "coupling",
                                    "coupling_growth"))
    L = check.integer("inner_steps", own["inner_steps"], minimum=1)
    noise = check.real("noise", own["noise"], minimum=0.0)
    decay = check.real("mean_decay", own["mean_decay"], minimum=0.0, strict_minimum=True, maximum=1.0)
    outer_lr = check.real("outer_lr", own["outer_lr"], minimum=0.0, strict_minimum=True, maximum=1.0)
    couplings = _couplings(own["coupling"], own["coupling_growth"], settings.epochs)
    ce = CrossEntropy(problem, model, settings.surrogate_beta, settings.relu_leak)
    x = initial_theta(ce, model, rng, settings)
    bounds = batch_bounds(ce.P, settings.batch_size)
    outer = -(-len(bounds) // L)
    eta = settings.batch_step(ce.P)
    kick_scale = np.sqrt(eta) * noise
    normalize = settings.norm_control == "normalize"
    history = History("schedule", "coupling", "distance")
    epochs = 0
    for t in range(settings.epochs):
        gamma, gamma_c = settings.gammas[t], couplings[t]
        pull = np.exp(-eta * gamma_c)
        if normalize:
            ce.normalize(x, settings.unit_norm[t])
        order = rng.permutation(ce.P)
        for s in range(outer):
            xp, mu = x.copy(), x.copy()
            for b in range(L):
                start, stop = bounds[(s * L + b) % len(bounds)]
                grad = ce.batch_gradient(xp, order[start:stop], gamma)
                kick = kick_scale * rng.standard_normal(x.size) if noise else None
                step(ce, xp, grad, settings, t, kick, anchor=x, pull=pull)
                mu *= 1.0 - decay
                mu += decay * xp
            x -= outer_lr * (x - mu)
            if normalize:
                ce.normalize(x, settings.unit_norm[t])
        errors = _record(history, ce, x, settings, t, coupling=gamma_c,
                         distance=float(np.mean((x - mu) ** 2)))
        epochs = t + 1
        if settings.early_stop and errors == 0 and t >= settings.end:
            break
    return finish(problem, model, ce, x, history, epochs)


@register("rsgd", defaults=_RSGD_DEFAULTS, accepts=accepts, checks=CHECKS, joint=joint,
          summary="replicated SGD: y replicas elastically coupled to their centre, scoped coupling")
def rsgd(problem, model, rng, **params):
    """Run replicated SGD on the CE loss; see the module docstring."""
    settings, own = _split(params, ("replicas", "coupling", "coupling_growth", "answer"))
    y_rep = check.integer("replicas", own["replicas"], minimum=1)
    answer = check.choice("answer", own["answer"], ("centre", "best"))
    couplings = _couplings(own["coupling"], own["coupling_growth"], settings.epochs)
    ce = CrossEntropy(problem, model, settings.surrogate_beta, settings.relu_leak)
    W = np.stack([initial_theta(ce, model, rng, settings) for _ in range(y_rep)])
    bounds = batch_bounds(ce.P, settings.batch_size)
    normalize = settings.norm_control == "normalize"
    history = History("schedule", "coupling", "distance", "replica_errors")
    epochs, best = 0, W[0]
    for t in range(settings.epochs):
        gamma, gamma_c = settings.gammas[t], couplings[t]
        if normalize:
            for w in W:
                ce.normalize(w, settings.unit_norm[t])
        orders = [rng.permutation(ce.P) for _ in range(y_rep)]
        pull = np.exp(-settings.batch_step(ce.P) * gamma_c)
        for start, stop in bounds:
            for w, order in zip(W, orders):
                step(ce, w, ce.batch_gradient(w, order[start:stop], gamma), settings, t)
            centre = W.mean(axis=0)
            W -= centre
            W *= pull
            W += centre
            if normalize:
                for w in W:
                    ce.normalize(w, settings.unit_norm[t])
        centre = W.mean(axis=0)
        replica_errors = np.array([ce.errors(w) for w in W])
        if answer == "centre":
            best = ce.normalize(centre.copy(), settings.unit_norm[t]) if normalize else centre
        else:
            best = W[int(np.argmin(replica_errors))].copy()
        errors = _record(history, ce, best, settings, t, coupling=gamma_c,
                         distance=float(np.mean((W - centre) ** 2)),
                         replica_errors=float(replica_errors.min()))
        epochs = t + 1
        if settings.early_stop and errors == 0 and t >= settings.end:
            break
    centre_errors = ce.errors(ce.normalize(W.mean(axis=0), 1.0) if normalize else W.mean(axis=0))
    return finish(problem, model, ce, best, history, epochs,
                  extra={"centre_errors": centre_errors,
                         "replica_errors": np.array([ce.errors(w) for w in W])})
