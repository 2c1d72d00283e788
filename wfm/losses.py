"""Smooth training losses of continuous-weight models, as functions of the flat parameters.

A :class:`Loss` evaluates the mean over training patterns (or over a mini-batch of them) of a
per-pattern loss ell(x_mu) of the signed output x_mu = sigma_mu * out_mu, together with its
exact gradient, Hessian-vector products (Pearlmutter's R-operator, derived by hand below) and,
for small models, the dense Hessian. The parameters are the flat vector ``theta`` of
``model.flatten`` (first-layer weights row by row, then the readout when it is trainable).

Outputs (conventions of :mod:`wfm.models`):

- spherical perceptron: out = w.xi / sqrt(N). The norm of w is left free: it multiplies x and
  so plays the role of gamma in the cross-entropy;
- committee: out = sum_k v_k g(lambda_k), lambda_k = w_k.xi_k / sqrt(n), with v the fixed
  readout ``model.readout`` or the trainable second layer. g(lambda) = max(0, lambda) for
  ReLU units; sign units are replaced by the smooth surrogate g(lambda) = tanh(beta lambda),
  which tends to sign(lambda) as beta -> inf. For ReLU committees ``out`` equals
  ``model.output`` exactly.

Per-pattern losses:

- ``"ce"``: f_gamma(x - kappa) with f_gamma(x) = log(1 + exp(-2 gamma x)) / (2 gamma), which
  tends to max(0, -x) as gamma -> inf (Baldassi, Pittorino and Zecchina, PNAS 117, 161
  (2020)); kappa is the perceptron margin (0 for committees);
- ``"mse"``: (out - sigma)^2 / 2 = (x - 1)^2 / 2 since sigma^2 = 1.

Derivatives. With dx/dtheta = sigma dout/dtheta, the Hessian of the mean loss is
(1/B) sum_mu [ell''(x_mu) dout dout^T + sigma_mu ell'(x_mu) d^2 out], where for unit k
dout/dw_k = v_k g'(lambda_k) xi_k / sqrt(n), dout/dv_k = g(lambda_k),
d^2 out/dw_k dw_k = v_k g''(lambda_k) xi_k xi_k^T / n, d^2 out/dw_k dv_k = g'(lambda_k) xi_k / sqrt(n)
and every other second derivative vanishes. ReLU units use g' = 1[lambda > 0], g'' = 0 (the
Hessian exists almost everywhere). The perceptron is the case K = 1, g(lambda) = lambda, v = 1.
"""
import numpy as np
from scipy.special import expit

from wfm import _validate as check

KINDS = ("ce", "mse")

_BLOCK = 2 ** 22  # float64 entries of the (K, B, m) intermediates of one R-operator pass


def continuous_reason(model):
    """Why ``model`` has no smooth loss here (a string), or None when it has one."""
    from wfm.models import Committee, Perceptron

    if isinstance(model, Perceptron):
        return None if model.weights == "spherical" else "binary weights have no gradient"
    if isinstance(model, Committee):
        if model.binary:
            return "binary weights have no gradient"
        if model.output_rule == "parity":
            return "the parity output has no smooth surrogate here"
        return None
    return f"unknown model type {type(model).__name__}"


class Loss:
    """Mean smooth loss of a continuous-weight model over training patterns.

    Parameters
    ----------
    problem : wfm.problems.Problem
        Training set (attack patterns included, if any).
    model : wfm.models.Perceptron or wfm.models.Committee
        Spherical perceptron or committee with continuous weights (sign or ReLU units, fixed
        or trainable readout, majority output).
    kind : {"ce", "mse"}
        Cross-entropy f_gamma of the signed output, or half the squared error.
    gamma : float
        Inverse temperature of the cross-entropy (> 0); unused by ``"mse"``.
    surrogate_beta : float
        Slope beta of the surrogate tanh(beta lambda) of sign hidden units (> 0); unused
        by other models.

    Notes
    -----
    Every method takes ``theta`` (shape ``(n_params,)``, the layout of ``model.flatten``) and
    an optional ``batch``: an integer index array selecting the patterns to average over
    (repetitions allowed), for mini-batch training. ``batch=None`` uses every pattern.
    """

    def __init__(self, problem, model, kind="ce", *, gamma=1.0, surrogate_beta=1.0):
        from wfm.models import Perceptron, check_problem

        reason = continuous_reason(model)
        if reason:
            raise ValueError(f"model {model!r} has no smooth loss: {reason}")
        check_problem(model, problem)
        self.problem, self.model = problem, model
        self.kind = check.choice("kind", kind, KINDS)
        self.gamma = check.real("gamma", gamma, minimum=0.0, strict_minimum=True)
        self.surrogate_beta = check.real("surrogate_beta", surrogate_beta, minimum=0.0,
                                         strict_minimum=True)
        self.kappa = float(model.kappa)
        if self.kind == "mse" and self.kappa != 0.0:
            raise ValueError(f"kind='mse' has no margin: use kappa=0 in the model, got kappa={self.kappa}")
        self.n_params = model.n_params
        if isinstance(model, Perceptron):
            self._K, self._n, self._stacked = 1, model.N, False
            self._activation, self._trainable = "linear", False
            self._readout = np.ones(1)
        else:
            self._K, self._n, self._stacked = model.K, model.n, model.tree and model.K > 1
            self._activation = "relu" if model.activation == "relu" else "tanh"
            self._trainable = model.trainable
            self._readout = np.asarray(model.readout, dtype=np.float64)
        self._scale = 1.0 / np.sqrt(self._n)
        X = np.asarray(problem.X, dtype=np.float64)
        if self._stacked:
            # (K, P, n): unit k's inputs xi_k as one contiguous matrix per unit
            X = np.ascontiguousarray(X.reshape(problem.P, self._K, self._n).transpose(1, 0, 2))
        self._X = X
        self._y = problem.y.astype(np.float64)

    def __repr__(self):
        extra = f", gamma={self.gamma}" if self.kind == "ce" else ""
        return f"Loss({self.kind!r}, {self.model!r}{extra})"

    # ----------------------------------------------------------------- public evaluations

    def output(self, theta, batch=None):
        """Real output out_mu of the smooth model for the selected patterns, shape (B,)."""
        return self._forward(theta, batch)[2]

    def value(self, theta, batch=None):
        """Mean loss over the selected patterns."""
        x = self._forward(theta, batch)[4]
        return float(np.mean(self._ell(x)))

    def gradient(self, theta, batch=None):
        """Exact gradient of :meth:`value` with respect to ``theta``, shape (n_params,)."""
        return self.value_and_gradient(theta, batch)[1]

    def value_and_gradient(self, theta, batch=None):
        """``(value, gradient)`` from one forward pass."""
        state = self._forward(theta, batch)
        Xs, sigma, _, (g, g1, _), x, v = state
        B = x.shape[0]
        delta = sigma * self._ell1(x) / B  # dL/dout_mu
        C = (v[:, None] * g1) * delta  # (K, B): dL/dlambda_k,mu
        grad_W = self._back(Xs, C[:, :, None])[:, :, 0] * self._scale
        parts = [grad_W.ravel()] + ([g @ delta] if self._trainable else [])
        return float(np.mean(self._ell(x))), np.concatenate(parts)

    def hvp(self, theta, vectors, batch=None):
        """Exact Hessian-vector product(s) H(theta) @ vectors.

        Parameters
        ----------
        theta : ndarray, shape (n_params,)
        vectors : ndarray, shape (n_params,) or (n_params, m)
            One direction, or m directions as columns (evaluated together with BLAS).
        batch : array of int, optional

        Returns
        -------
        ndarray, same shape as ``vectors``
        """
        vectors = np.asarray(vectors, dtype=np.float64)
        if vectors.ndim not in (1, 2) or vectors.shape[0] != self.n_params:
            raise ValueError(f"vectors must have shape ({self.n_params},) or ({self.n_params}, m), "
                             f"got {vectors.shape}")
        if not np.all(np.isfinite(vectors)):
            raise ValueError("vectors must be finite")
        state = self._forward(theta, batch)
        V = vectors.reshape(self.n_params, -1)
        out = np.empty_like(V)
        step = self._block(state)
        for start in range(0, V.shape[1], step):
            out[:, start:start + step] = self._hvp(state, V[:, start:start + step])
        return out.reshape(vectors.shape)

    def hessian(self, theta, batch=None):
        """Dense Hessian, shape (n_params, n_params), symmetrised; for small models only.

        Built from :meth:`hvp` on blocks of unit vectors, so it is exact to rounding.
        """
        state = self._forward(theta, batch)
        p = self.n_params
        step = self._block(state)
        H = np.empty((p, p))
        for start in range(0, p, step):
            stop = min(p, start + step)
            E = np.zeros((p, stop - start))
            E[np.arange(start, stop), np.arange(stop - start)] = 1.0
            H[:, start:stop] = self._hvp(state, E)
        return (H + H.T) / 2

    # ----------------------------------------------------------------------- internals

    def _theta(self, theta):
        theta = np.asarray(theta)
        if theta.dtype.kind not in "iuf":
            raise TypeError(f"theta must hold real numbers, got dtype {theta.dtype}")
        if theta.shape != (self.n_params,):
            raise ValueError(f"theta must have shape ({self.n_params},) for {self.model!r}, "
                             f"got {theta.shape}")
        theta = theta.astype(np.float64, copy=False)
        if not np.all(np.isfinite(theta)):
            raise ValueError("theta must be finite")
        return theta

    def _data(self, batch):
        if batch is None:
            return self._X, self._y
        batch = np.asarray(batch)
        if batch.ndim != 1 or batch.size == 0 or batch.dtype.kind not in "iu":
            raise ValueError(f"batch must be a non-empty 1-D integer index array, got "
                             f"dtype {batch.dtype} and shape {batch.shape}")
        P = self.problem.P
        if batch.min() < 0 or batch.max() >= P:
            raise ValueError(f"batch indices must be in [0, {P - 1}], got values in "
                             f"[{batch.min()}, {batch.max()}]")
        Xs = self._X[:, batch] if self._stacked else self._X[batch]
        return Xs, self._y[batch]

    def _block(self, state):
        """Number of directions per R-operator pass, bounding the (K, B, m) intermediates."""
        return max(1, _BLOCK // (self._K * state[4].shape[0]))

    def _back(self, Xs, C):
        """Sum over patterns of xi_k C_k: (K, B, m) -> (K, n, m)."""
        return np.matmul(np.swapaxes(Xs, -1, -2), C)

    def _forward(self, theta, batch):
        theta = self._theta(theta)
        Xs, sigma = self._data(batch)
        K, n = self._K, self._n
        W = theta[:K * n].reshape(K, n, 1)
        v = theta[K * n:] if self._trainable else self._readout
        lam = np.matmul(Xs, W)[:, :, 0] * self._scale  # (K, B)
        acts = self._act(lam)
        out = v @ acts[0]
        x = sigma * out - self.kappa
        return Xs, sigma, out, acts, x, v

    def _hvp(self, state, V):
        """R-operator: H V for V of shape (n_params, m)."""
        Xs, sigma, _, (g, g1, g2), x, v = state
        K, n = self._K, self._n
        B, m = x.shape[0], V.shape[1]
        U = V[:K * n].reshape(K, n, m)
        rl = np.matmul(Xs, U) * self._scale  # R{lambda}: (K, B, m)
        vg1 = v[:, None] * g1  # (K, B)
        ro = np.einsum("kb,kbm->bm", vg1, rl)  # R{out}: (B, m)
        if self._trainable:
            u = V[K * n:]  # (K, m)
            ro += g.T @ u
        h2 = self._ell2(x) / B  # ell''(x) / B
        d = sigma * self._ell1(x) / B
        C = vg1[:, :, None] * (h2[:, None] * ro)[None]
        if self._activation == "tanh":
            C += ((v[:, None] * g2) * d)[:, :, None] * rl
        if self._trainable:
            C += (g1 * d)[:, :, None] * u[:, None, :]
        parts = [(self._back(Xs, C) * self._scale).reshape(K * n, m)]
        if self._trainable:
            parts.append(g @ (h2[:, None] * ro) + np.einsum("kb,kbm->km", g1 * d, rl))
        return np.concatenate(parts, axis=0)

    def _act(self, lam):
        """g, g', g'' of the hidden units at lam."""
        if self._activation == "linear":
            return lam, np.ones_like(lam), None
        if self._activation == "relu":
            return np.maximum(lam, 0.0), (lam > 0).astype(np.float64), None
        beta = self.surrogate_beta
        t = np.tanh(beta * lam)
        s = 1.0 - t * t
        return t, beta * s, -2.0 * beta * beta * t * s

    def _ell(self, x):
        if self.kind == "mse":
            return 0.5 * (x - 1.0) ** 2
        # f_gamma(x) = log(1 + exp(-2 gamma x)) / (2 gamma), stable for any x
        return np.logaddexp(0.0, -2.0 * self.gamma * x) / (2.0 * self.gamma)

    def _ell1(self, x):
        if self.kind == "mse":
            return x - 1.0
        return -expit(-2.0 * self.gamma * x)

    def _ell2(self, x):
        if self.kind == "mse":
            return np.ones_like(x)
        z = 2.0 * self.gamma * x
        return 2.0 * self.gamma * expit(z) * expit(-z)
