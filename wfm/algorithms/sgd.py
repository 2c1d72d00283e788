"""Mini-batch SGD on the cross-entropy loss with norm (or gamma) annealing: ``"sgd"``.

Baldassi, Pittorino and Zecchina, PNAS 117, 161 (2020), "Shaping the learning landscape in
neural networks around wide flat minima": for continuous weights the norm of the weights
multiplies the signed output, hence plays the role of gamma in f_gamma; reducing it slowly
along learning drives SGD on the CE loss towards wide flat minima. Loss, norm control and
schedules are described in :mod:`wfm.algorithms.minibatch`.

Each epoch t (one call of the Numba kernel :func:`wfm._kernels.sgd.sgd_epoch`): with
``norm_control="normalize"`` the projection to the norm r(t), then a fresh permutation of
the training patterns from the run's generator, mini-batches of ``batch_size`` consecutive
patterns of it, one step per batch theta <- theta - lr B (grad + [weight_decay theta]), grad
the gradient of the batch mean (lr is the step per pattern), followed by the projection to the
norm r(t) when ``norm_control="normalize"``. After the epoch the full training loss and errors
are recorded; with ``early_stop`` the run ends at the first epoch t >= end of the schedule with
zero training errors.

``history`` (one entry per epoch): ``loss`` (mean CE over all training patterns at the
epoch's gamma), ``errors`` (training errors of the real model), ``norm`` (per-unit norms
r_k = |w_k| / sqrt(n), shape (epochs, K)), ``gamma`` (the epoch's gamma), ``schedule`` (the
scheduled r(t)). ``extra["test_error"]`` is reported when the problem has a test set.
"""
from wfm.algorithms import register
from wfm.algorithms.minibatch import (CHECKS, COMMON_DEFAULTS, CrossEntropy, History, Settings, accepts,
                                      finish, initial_theta, joint, kernel_epoch)


@register("sgd", defaults=dict(COMMON_DEFAULTS), accepts=accepts, checks=CHECKS, joint=joint,
          summary="mini-batch SGD on the cross-entropy with a norm/gamma schedule or weight decay")
def sgd(problem, model, rng, **params):
    """Run mini-batch CE SGD; see the module docstring."""
    settings = Settings(**params)
    ce = CrossEntropy(problem, model, settings.surrogate_beta, settings.relu_leak)
    theta = initial_theta(ce, model, rng, settings)
    epoch = kernel_epoch(ce, theta, settings)
    history = History("schedule")
    epochs = 0
    for t in range(settings.epochs):
        gamma = settings.gammas[t]
        epoch(rng.permutation(ce.P), settings.unit_norm[t], gamma)
        loss, errors = ce.evaluate(theta, gamma)
        history.add(loss=loss, errors=errors, norm=ce.unit_norms(theta), gamma=gamma,
                    schedule=settings.r[t])
        epochs = t + 1
        if settings.early_stop and errors == 0 and t >= settings.end:
            break
    return finish(problem, model, ce, theta, history, epochs)
