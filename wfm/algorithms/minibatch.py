"""Mini-batch cross-entropy gradients, norm schedules and norm control for the SGD family.

Shared by ``"sgd"`` (:mod:`wfm.algorithms.sgd`) and its baselines ``"entropy_sgd"`` and
``"rsgd"`` (:mod:`wfm.algorithms.entropic_sgd`).

Loss (the cross-entropy of Baldassi, Pittorino and Zecchina, PNAS 117, 161 (2020)): the mean
over a mini-batch of f_gamma(x_mu), f_gamma(x) = log(1 + exp(-2 gamma x)) / (2 gamma), of the
signed output

- spherical perceptron: x = sigma w.xi / sqrt(N) - kappa r, with r = |w| / sqrt(N); on the
  sphere |w|^2 = N r^2 this is x = r (Delta - kappa), Delta = sigma w.xi / |w| the stability,
  so the norm r multiplies x exactly as gamma does: f_gamma(r z) = r f_{r gamma}(z);
- committee: x = sigma sum_k v_k g(lambda_k), lambda_k = w_k.xi_k / sqrt(n). With per-unit
  norms |w_k|^2 = n r^2 every lambda_k is r times the field of the unit direction, so for ReLU
  units (positively homogeneous) the output is r times the output at r = 1: again the norm
  plays the role of gamma. Sign units use the surrogate g(lambda) = tanh(beta lambda) (as
  :mod:`wfm.losses`); there r multiplies lambda inside the surrogate, i.e. it anneals the
  surrogate's slope beta r, not gamma; use ``anneal="gamma"`` to anneal gamma itself.
  ReLU units take the derivative g'(lambda) = ``relu_leak`` for lambda <= 0 in the gradient
  (a surrogate derivative; the outputs, the loss and the errors use the true ReLU). With the
  true derivative 0 a pattern whose K fields are all negative has output 0, an error, and no
  gradient: a ReLU tree committee (K = 4, N = 316, alpha = 0.8, Gaussian inputs) keeps most
  of the ~1/16 of its patterns that start that way (measured: 8 to 49 errors left after
  2000-10000 epochs at every lr, gamma, batch size and norm schedule tried, those inspected all
  such patterns); with ``relu_leak=0.3`` and the defaults it reaches zero errors in 136-208
  epochs (3 instances). ``relu_leak=0`` is plain SGD.

The gradient is the one of :class:`wfm.losses.Loss` (same conventions, kappa = 0 gives the
same values). The Numba kernels of :mod:`wfm._kernels.sgd` compute it batch by batch from the
compact patterns (BLAS products inside the kernel for fully connected layers, dot products per
unit for trees; their NumPy twin is tests/naive_sgd.py): the batch gradient
(:meth:`CrossEntropy.batch_gradient`, used by the baselines), a whole epoch of
``"sgd"`` (:func:`kernel_epoch`, faster at every size of benchmarks/bench_sgd.py), and the
full-data loss and errors (:meth:`CrossEntropy.evaluate`).

Learning rate (``lr``): the step per pattern. A mini-batch of B patterns moves theta by lr
times the sum of their gradients (lr B times the gradient of the batch mean, the step
:meth:`Settings.batch_step` given to the kernels). The field lambda of a presented pattern then
moves by O(lr) whatever N, n and B (by lr |f'| |xi|^2 / n = lr |f'| for the perceptron), and
an epoch, P = alpha N presentations, moves the direction w / |w| by O(lr alpha / r): the same
lr gives the same training curve in epochs at every N and every batch size (measured with the
defaults, spherical perceptron at alpha = 1.2, Gaussian inputs, 3 instances each: zero errors
after 129-211 epochs at N = 501 and 100-110 at N = 2001).

Norm control (``norm_control``):

- ``"normalize"``: projected SGD. After every step each first-layer unit is rescaled to
  |w_k|^2 = n r^2 (the perceptron: |w|^2 = N r^2), and a trainable readout to |v|^2 = K, with r
  the value of the schedule for the current epoch (``anneal="norm"``), or r = 1 when the
  schedule drives gamma (``anneal="gamma"``, effective gamma = gamma * r(epoch));
- ``"weight_decay"``: no projection, the step adds ``weight_decay * theta`` to the gradient;
- ``"none"``: plain SGD, the norm is free.

Schedules of r(epoch), epoch t = 0, 1, ...: ``"constant"`` (r0), ``"fast"`` (geometric from r0
to r1 over ``fast_epochs`` epochs, then r1), ``"slow"`` (the same over ``slow_epochs``), or an
explicit list (entry t for epoch t, the last one repeated).
"""
import numpy as np

from wfm import _progress, _validate as check

SCHEDULES = ("constant", "fast", "slow")
NORM_CONTROLS = ("normalize", "weight_decay", "none")
ANNEALS = ("norm", "gamma")

_BLOCK = 64  # patterns per block of the full-data evaluation (float64 rows that stay in cache)

#: Hyperparameters common to every algorithm of the SGD family, with their defaults.
COMMON_DEFAULTS = {
    "lr": 0.1, "batch_size": 100, "epochs": 1000, "gamma": 5.0, "surrogate_beta": 1.0, "relu_leak": 0.3,
    "norm_control": "normalize", "weight_decay": 1e-3, "anneal": "norm", "schedule": "constant",
    "norm": 1.0, "norm_final": 0.1, "fast_epochs": 10, "slow_epochs": 200, "early_stop": True,
}


def accepts(model):
    """Reason why ``model`` cannot be trained by gradient descent here, or None."""
    from wfm.losses import continuous_reason

    return continuous_reason(model)


def check_schedule(name, schedule):
    """Check a schedule: one of :data:`SCHEDULES` or a non-empty list of finite numbers > 0."""
    if isinstance(schedule, str):
        return check.choice(name, schedule, SCHEDULES)
    values = np.asarray(schedule) if isinstance(schedule, (list, tuple, np.ndarray)) else np.zeros(0)
    if values.ndim != 1 or values.size == 0 or values.dtype.kind not in "iuf":
        raise ValueError(f"{name} must be one of {', '.join(map(repr, SCHEDULES))} or a non-empty "
                         f"list of numbers, got {schedule!r}")
    values = values.astype(np.float64)
    if not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise ValueError(f"{name} values must be finite and > 0, got {values}")
    return schedule


def norm_schedule(schedule, epochs, norm, norm_final, fast_epochs, slow_epochs):
    """The value r(t) for each epoch t and the epoch at which the schedule reaches its end.

    Parameters
    ----------
    schedule : {"constant", "fast", "slow"} or sequence of float
        Kind of schedule, or the explicit values r(0), r(1), ... (the last one repeated).
    epochs : int
        Number of epochs.
    norm, norm_final : float
        Initial and final values r0, r1 (> 0) of the geometric schedules.
    fast_epochs, slow_epochs : int
        Length T (>= 1) of the geometric decay r(t) = r0 (r1 / r0)^(min(t, T) / T).

    Returns
    -------
    r : ndarray, shape (epochs,)
    end : int
        First epoch at which r has its final value (0 for ``"constant"``).
    """
    epochs = check.integer("epochs", epochs, minimum=1)
    r0 = check.real("norm", norm, minimum=0.0, strict_minimum=True)
    r1 = check.real("norm_final", norm_final, minimum=0.0, strict_minimum=True)
    check_schedule("schedule", schedule)
    if isinstance(schedule, str):
        if schedule == "constant":
            return np.full(epochs, r0), 0
        name = f"{schedule}_epochs"
        T = check.integer(name, fast_epochs if schedule == "fast" else slow_epochs, minimum=1)
        t = np.minimum(np.arange(epochs), T)
        return r0 * (r1 / r0) ** (t / T), T
    values = np.asarray(schedule, dtype=np.float64)
    t = np.minimum(np.arange(epochs), values.size - 1)
    return values[t], values.size - 1


_POSITIVE = check.Real(minimum=0.0, strict_minimum=True)
#: Checks of the common hyperparameters (and of those of entropy_sgd and rsgd).
CHECKS = {
    "lr": _POSITIVE, "batch_size": check.Integer(minimum=1), "epochs": check.Integer(minimum=1),
    "gamma": _POSITIVE, "surrogate_beta": _POSITIVE, "relu_leak": check.Real(minimum=0.0, maximum=1.0),
    "norm_control": check.Choice(*NORM_CONTROLS),
    "weight_decay": check.Real(minimum=0.0), "anneal": check.Choice(*ANNEALS), "schedule": check_schedule,
    "norm": _POSITIVE, "norm_final": _POSITIVE, "fast_epochs": check.Integer(minimum=1),
    "slow_epochs": check.Integer(minimum=1), "early_stop": check.Flag(),
    "inner_steps": check.Integer(minimum=1), "noise": check.Real(minimum=0.0),
    "mean_decay": check.Real(minimum=0.0, strict_minimum=True, maximum=1.0),
    "outer_lr": check.Real(minimum=0.0, strict_minimum=True, maximum=1.0),
    "coupling": check.Real(minimum=0.0), "coupling_growth": check.Real(minimum=0.0),
    "replicas": check.Integer(minimum=1), "answer": check.Choice("centre", "best"),
}


def joint(params, model):
    """The relations between the common hyperparameters: those checked by :class:`Settings`."""
    Settings(**{name: params[name] for name in COMMON_DEFAULTS})


class Settings:
    """Validated common hyperparameters and the per-epoch values of r and gamma.

    Attributes
    ----------
    r : ndarray, shape (epochs,)
        The scheduled value r(t) of each epoch.
    unit_norm : ndarray, shape (epochs,)
        The per-unit norm r imposed in each epoch (``norm_control="normalize"``).
    gammas : ndarray, shape (epochs,)
        The gamma of the loss in each epoch.
    end : int
        First epoch after which early stopping is allowed (end of the schedule).
    """

    def __init__(self, *, lr, batch_size, epochs, gamma, surrogate_beta, relu_leak, norm_control,
                 weight_decay, anneal, schedule, norm, norm_final, fast_epochs, slow_epochs,
                 early_stop):
        self.lr = check.real("lr", lr, minimum=0.0, strict_minimum=True)
        self.batch_size = check.integer("batch_size", batch_size, minimum=1)
        self.epochs = check.integer("epochs", epochs, minimum=1)
        self.gamma = check.real("gamma", gamma, minimum=0.0, strict_minimum=True)
        self.relu_leak = check.real("relu_leak", relu_leak, minimum=0.0, maximum=1.0)
        self.surrogate_beta = check.real("surrogate_beta", surrogate_beta, minimum=0.0,
                                         strict_minimum=True)
        self.norm_control = check.choice("norm_control", norm_control, NORM_CONTROLS)
        self.weight_decay = check.real("weight_decay", weight_decay, minimum=0.0)
        self.anneal = check.choice("anneal", anneal, ANNEALS)
        if not isinstance(early_stop, (bool, np.bool_)):
            raise TypeError(f"early_stop must be True or False, got {early_stop!r}")
        self.early_stop = bool(early_stop)
        r, self.end = norm_schedule(schedule, self.epochs, norm, norm_final, fast_epochs, slow_epochs)
        self.r = r
        if self.anneal == "norm":
            if self.norm_control != "normalize" and np.any(r != r[0]):
                raise ValueError(f"a varying norm schedule needs norm_control='normalize', got "
                                 f"norm_control={norm_control!r}; use anneal='gamma' to anneal gamma")
            self.unit_norm, self.gammas = r, np.full(self.epochs, self.gamma)
        else:
            self.unit_norm, self.gammas = np.ones(self.epochs), self.gamma * r

    def batch_step(self, P):
        """The step on the gradient of a batch mean: lr times the batch size (at most P)."""
        return self.lr * min(self.batch_size, P)


class CrossEntropy:
    """Mini-batch CE value and gradient of one model on one problem (flat parameters theta).

    Parameters
    ----------
    problem : wfm.problems.Problem
    model : wfm.models.Perceptron or wfm.models.Committee
        Continuous weights (see :func:`accepts`).
    surrogate_beta : float
        Slope of tanh(beta lambda), the surrogate of sign hidden units.
    relu_leak : float
        Derivative taken for a ReLU unit at lambda <= 0 (0: the true derivative).
    """

    def __init__(self, problem, model, surrogate_beta, relu_leak=0.0):
        from wfm.models import Perceptron

        self.model = model
        self.perceptron = isinstance(model, Perceptron)
        if self.perceptron:
            self.K, self.n, self.stacked = 1, model.N, False
            self.trainable, self.readout = False, np.ones(1)
        else:
            self.K, self.n, self.stacked = model.K, model.n, model.tree and model.K > 1
            self.trainable = model.trainable
            self.readout = np.asarray(model.readout, dtype=np.float64)
        self.kappa = float(model.kappa)
        self.beta = surrogate_beta
        self.leak = relu_leak
        self.F = self.K * self.n
        self.scale = 1.0 / np.sqrt(self.n)
        # The patterns in their compact dtype (int8 +-1, float32 or float64): the kernels gather
        # each batch into a float64 work array, so an epoch reads the compact array only.
        self.patterns = np.ascontiguousarray(problem.X)
        self.y = problem.y.astype(np.float64)
        self.P = problem.P
        self.block = min(self.P, _BLOCK)
        self._work = {}

    def split(self, theta):
        """(W (K, n), v (K,)) views of theta."""
        W = theta[:self.F].reshape(self.K, self.n)
        return W, (theta[self.F:] if self.trainable else self.readout)

    def work(self, rows):
        """Work arrays (g (K,), rows (rows, N), fields (rows, K)) of the kernels, reused."""
        buffers = self._work.get(rows)
        if buffers is None:
            buffers = self._work[rows] = (np.empty(self.K), np.empty((rows, self.patterns.shape[1])),
                                          np.empty((rows, self.K)))
        return buffers

    def kernel_arguments(self, theta):
        """(W, v, tree, activation code, surrogate) for the kernels of :mod:`wfm._kernels.sgd`.

        The surrogate parameter is beta for sign units and the leak for ReLU units.
        W and, for a trainable readout, v are views of theta (the kernels update them in place).
        """
        from wfm._kernels import codes

        W, v = self.split(theta)
        code = codes.rule(self.model)
        surrogate = self.leak if code == codes.RELU else self.beta
        return W, (v if self.trainable else v.copy()), self.stacked, code, surrogate

    def batch_gradient(self, theta, index, gamma):
        """Gradient of the mean CE over the patterns ``index`` (the Numba kernel
        :func:`wfm._kernels.sgd.batch_gradient`)."""
        from wfm._kernels import sgd as kernels

        W, v, tree, code, beta = self.kernel_arguments(theta)
        grad = np.empty_like(theta)
        grad_v = grad[self.F:] if self.trainable else np.empty(self.K)
        kernels.batch_gradient(self.patterns, self.y, index, W, v, tree, code, beta, gamma,
                               self.kappa, grad[:self.F].reshape(self.K, self.n), grad_v,
                               *self.work(index.shape[0]))
        return grad

    def evaluate(self, theta, gamma):
        """(mean CE over all training patterns, training errors with the true activations).

        Errors count the real model: sign units (sign(0) = -1), strict margins.
        """
        from wfm._kernels.sgd import evaluate

        value, errors = evaluate(self.patterns, self.y, *self.kernel_arguments(theta), gamma,
                                 self.kappa, *self.work(self.block))
        return float(value), int(errors)

    def errors(self, theta):
        """Training errors of the real model at theta."""
        return self.evaluate(theta, 1.0)[1]

    def unit_norms(self, theta):
        """Per-unit norms r_k = |w_k| / sqrt(n), shape (K,)."""
        W, _ = self.split(theta)
        return np.linalg.norm(W, axis=1) * self.scale

    def normalize(self, theta, r):
        """Rescale in place: |w_k| = r sqrt(n) for every unit, and |v| = sqrt(K) if trainable."""
        W, v = self.split(theta)
        norms = np.sqrt(np.einsum("kn,kn->k", W, W))
        W *= (r * np.sqrt(self.n) / np.where(norms > 0, norms, 1.0))[:, None]
        if self.trainable:
            norm_v = np.linalg.norm(v)
            if norm_v > 0:
                v *= np.sqrt(self.K) / norm_v
        return theta


def initial_theta(ce, model, rng, settings):
    """Initial flat parameters from ``model.init(rng)``, normalised to r(0) when normalising."""
    theta = model.flatten(model.init(rng))
    if settings.norm_control == "normalize":
        ce.normalize(theta, settings.unit_norm[0])
    return theta


def step(ce, theta, grad, settings, t, kick=None, anchor=None, pull=1.0):
    """One SGD update in place, with the norm control of epoch t.

    Optional, in this order after the gradient step and before the projection: an elastic
    contraction towards ``anchor``, theta <- anchor + pull (theta - anchor) (the exact
    solution over the step of an elastic force, pull = exp(-eta gamma_c) with eta the batch
    step), and the addition of ``kick`` (the Langevin noise of Entropy-SGD's inner loop).
    ``grad`` is the gradient of the batch mean; the step is eta = :meth:`Settings.batch_step`.
    """
    if settings.norm_control == "weight_decay":
        grad = grad + settings.weight_decay * theta
    theta -= settings.batch_step(ce.P) * grad
    if anchor is not None:
        theta -= anchor
        theta *= pull
        theta += anchor
    if kick is not None:
        theta += kick
    if settings.norm_control == "normalize":
        ce.normalize(theta, settings.unit_norm[t])
    return theta


def batch_bounds(P, batch_size):
    """(start, stop) of the mini-batches of one epoch; the last one may be shorter."""
    B = min(batch_size, P)
    return [(start, min(P, start + B)) for start in range(0, P, B)]


def kernel_epoch(ce, theta, settings):
    """``epoch(order, r, gamma)``: one SGD epoch on ``theta`` in place, by the Numba kernel.

    With ``norm_control="normalize"`` theta is first projected to the norm r, then each batch
    ``order[start:start + batch_size]`` takes the step of :func:`step` on the gradient of
    the mean CE of the batch (:func:`wfm._kernels.sgd.sgd_epoch`; its NumPy twin is in
    tests/naive_sgd.py).
    """
    from wfm._kernels import codes
    from wfm._kernels import sgd as kernels

    W, v, tree, code, beta = ce.kernel_arguments(theta)
    mode = {"none": codes.FREE_NORM, "normalize": codes.NORMALIZE,
            "weight_decay": codes.WEIGHT_DECAY}[settings.norm_control]
    batch_size = min(settings.batch_size, ce.P)
    work = (np.empty((ce.K, ce.n)), np.empty(ce.K)) + ce.work(batch_size)
    eta = settings.batch_step(ce.P)

    def epoch(order, r, gamma):
        kernels.sgd_epoch(ce.patterns, ce.y, order, batch_size, W, v, ce.trainable, tree, code,
                          beta, gamma, ce.kappa, eta, mode, settings.weight_decay, r, *work)
    return epoch


class History:
    """Per-epoch records: loss, errors, norms (K per epoch), gamma, and extra columns."""

    def __init__(self, *extra):
        self.columns = {key: [] for key in ("loss", "errors", "norm", "gamma") + extra}

    def add(self, **values):
        for key, value in values.items():
            self.columns[key].append(value)
        _progress.step(len(self.columns["loss"]), None, "epoch", errors=int(values["errors"]))

    def arrays(self):
        out = {key: np.asarray(value, dtype=np.int64 if key == "errors" else np.float64)
               for key, value in self.columns.items()}
        return out


def finish(problem, model, ce, theta, history, epochs, extra=None):
    """The dict returned by a runner: weights in the model's layout, history, test error."""
    w = model.unflatten(theta)
    extra = dict(extra or {})
    if problem.X_test is not None:
        extra["test_error"] = model.test_error(problem, w)
    return {"w": w, "iterations": epochs, "history": history.arrays(), "extra": extra}
