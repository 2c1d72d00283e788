"""Network models: the perceptron and the two-layer committee machine.

A model is a small frozen description (sizes, weight type, activation). Weights live in plain
arrays next to it:

- perceptron: ``w`` of shape (N,), int8 +-1 for binary weights, float64 for spherical;
- committee: ``W`` of shape (K, n), n = N/K for a tree and N when fully connected; with a
  trainable second layer the weights are the pair ``(W, v)``, v of shape (K,).

Conventions (every module of wfm follows them):

- perceptron stability Delta = sigma w.xi / |w| (= sigma w.xi / sqrt(N) on the sphere
  |w|^2 = N and for every binary w); a pattern is satisfied when Delta > kappa. The inequality
  is strict so that at kappa = 0 a zero field, which has no sign, counts as an error.
- committee hidden field lambda_k = w_k.xi_k / sqrt(n); sign(lambda) = +1 for lambda > 0 and -1
  otherwise; majority output sign(sum_k v_k g(lambda_k)), parity output prod_k sign(lambda_k).
  A zero output counts as an error and is predicted as -1.
"""
import numpy as np

from wfm import _validate as check

_CHUNK = 4096  # rows per float64 block in the matrix products below (fewer for N > 2^12)
_BLOCK_ENTRIES = 1 << 24  # largest float64 block (128 MiB)


def _products(X, W):
    """Return X @ W.T in float64, exactly for +-1 data, without a full float copy of X.

    X is (P, N); W is (N,) or (M, N). Blocks of rows are converted to float64 and multiplied
    with BLAS: integer-valued products are exact well beyond any N used here.
    """
    W = np.asarray(W, dtype=np.float64)
    out = np.empty((X.shape[0],) + W.shape[:-1], dtype=np.float64)
    rows = max(1, min(_CHUNK, _BLOCK_ENTRIES // max(1, X.shape[1])))
    for start in range(0, X.shape[0], rows):
        block = np.asarray(X[start:start + rows], dtype=np.float64)
        out[start:start + rows] = block @ W.T
    return out


def _patterns_of(model, X, name="X"):
    X = check.patterns(name, X)
    if X.shape[1] != model.N:
        raise ValueError(f"{name} must have N = {model.N} columns for {model!r}, got {X.shape[1]}")
    return X


def check_problem(model, problem):
    """Return ``problem`` checked to be a training set for ``model``.

    Parameters
    ----------
    model : Perceptron or Committee
    problem : wfm.problems.Problem

    Returns
    -------
    wfm.problems.Problem
        ``problem`` itself.

    Raises
    ------
    TypeError
        If ``problem`` has no patterns ``X`` and labels ``y``.
    ValueError
        If its number of inputs is not the model's N.
    """
    if not hasattr(problem, "X") or not hasattr(problem, "y"):
        raise TypeError(f"problem must be a wfm.problems.Problem, got {type(problem).__name__}")
    if problem.N != model.N:
        raise ValueError(f"problem has N = {problem.N} inputs but the model {model!r} expects N = {model.N}")
    return problem


class _Model:
    """Behaviour shared by the models; subclasses define ``output`` and the weight layout."""

    def predict(self, X, w):
        """Predicted labels (int8 +-1) of the patterns ``X`` (P, N); a zero output gives -1."""
        return np.where(self.output(_patterns_of(self, X), w) > 0, 1, -1).astype(np.int8)

    def stabilities(self, problem, w):
        """Signed outputs sigma * output for the training patterns, shape (P,)."""
        problem = check_problem(self, problem)
        return problem.y * self.output(problem.X, w)

    def errors(self, problem, w):
        """Number of misclassified training patterns (margin kappa included for perceptrons)."""
        return int(np.count_nonzero(self.stabilities(problem, w) <= self.kappa))

    def test_error(self, problem, w):
        """Fraction of misclassified test patterns (zero output counted as an error)."""
        problem = check_problem(self, problem)
        if problem.X_test is None:
            raise ValueError(f"{problem!r} has no test set")
        return float(np.mean(problem.y_test * self.output(problem.X_test, w) <= 0))

    def __eq__(self, other):
        return type(other) is type(self) and other.spec() == self.spec()

    def __hash__(self):
        return hash(tuple(sorted(self.spec().items())))

    def __repr__(self):
        arguments = ", ".join(f"{k}={v!r}" for k, v in self.spec().items() if k != "model")
        return f"{type(self).__name__}({arguments})"


class Perceptron(_Model):
    """Single-layer perceptron with binary (Ising) or spherical weights.

    Parameters
    ----------
    N : int
        Number of inputs (and weights).
    weights : {"binary", "spherical"}
        w in {-1, +1}^N (int8) or w in R^N on the sphere |w|^2 = N.
    kappa : float
        Margin: a pattern is satisfied when sigma w.xi / |w| > kappa.
    """

    def __init__(self, N, weights="binary", kappa=0.0):
        self.N = check.integer("N", N, minimum=1)
        self.weights = check.choice("weights", weights, ("binary", "spherical"))
        self.kappa = check.real("kappa", kappa)
        self.shape = (self.N,)
        self.n_params = self.N

    @property
    def binary(self):
        """True for binary weights."""
        return self.weights == "binary"

    def spec(self):
        """JSON-serialisable description; ``from_spec(model.spec()) == model``."""
        return {"model": "perceptron", "N": self.N, "weights": self.weights, "kappa": self.kappa}

    def init(self, seed):
        """Draw a uniform initial point: random +-1 weights, or a uniform point on the sphere."""
        rng = check.generator(seed)
        if self.binary:
            return (2 * rng.integers(0, 2, size=self.N, dtype=np.int8) - 1).astype(np.int8)
        w = rng.standard_normal(self.N)
        return w * np.sqrt(self.N) / np.linalg.norm(w)

    def check_weights(self, w):
        """Return ``w`` validated: shape (N,), +-1 int8 for binary weights, finite and non-zero otherwise."""
        w = np.asarray(w)
        if w.shape != self.shape:
            raise ValueError(f"w must have shape {self.shape} for {self!r}, got {w.shape}")
        if self.binary:
            if not np.all((w == 1) | (w == -1)):
                raise ValueError("w must contain only +1 and -1 for binary weights")
            return w.astype(np.int8, copy=False)
        w = w.astype(np.float64, copy=False)
        if not np.all(np.isfinite(w)) or not np.any(w):
            raise ValueError("w must be finite and not identically zero")
        return w

    def output(self, X, w):
        """Normalised field w.xi / |w| of each pattern (the stability before the label)."""
        w = self.check_weights(w)
        return _products(X, w) / np.sqrt(np.dot(w.astype(np.float64), w))

    def flatten(self, w):
        """The weights as one 1-D float64 parameter vector."""
        return self.check_weights(w).astype(np.float64).copy()

    def unflatten(self, theta):
        """Inverse of :meth:`flatten` (binary weights are rounded back to int8 +-1)."""
        theta = np.asarray(theta, dtype=np.float64)
        if theta.shape != (self.n_params,):
            raise ValueError(f"theta must have shape ({self.n_params},), got {theta.shape}")
        return self.check_weights(theta.astype(np.int8) if self.binary else theta.copy())


class Committee(_Model):
    """Two-layer committee machine with K hidden units.

    Parameters
    ----------
    N : int
        Number of inputs.
    K : int
        Number of hidden units.
    tree : bool
        Tree architecture (unit k sees only its own n = N/K inputs) or fully connected
        (every unit sees all N inputs).
    activation : {"sign", "relu"}
        Hidden-unit activation g.
    weights : {"binary", "continuous"}
        First-layer weights in {-1, +1} (int8) or real (float64).
    second_layer : {"fixed", "trainable"}
        Fixed readout v (all +1 for sign units; +1 for the first ceil(K/2) units and -1 for the
        others with ReLU) or a trainable real readout, in which case weights are ``(W, v)``.
    output : {"majority", "parity"}
        sign(sum_k v_k g(lambda_k)) or prod_k sign(lambda_k) (sign units only).
    """

    kappa = 0.0

    def __init__(self, N, K, tree=True, activation="sign", weights="binary",
                 second_layer="fixed", output="majority"):
        self.N = check.integer("N", N, minimum=1)
        self.K = check.integer("K", K, minimum=1)
        if not isinstance(tree, (bool, np.bool_)):
            raise TypeError(f"tree must be True or False, got {tree!r}")
        self.tree = bool(tree)
        self.activation = check.choice("activation", activation, ("sign", "relu"))
        self.weights = check.choice("weights", weights, ("binary", "continuous"))
        self.second_layer = check.choice("second_layer", second_layer, ("fixed", "trainable"))
        self.output_rule = check.choice("output", output, ("majority", "parity"))
        if self.tree and self.N % self.K:
            raise ValueError(f"N must be divisible by K for a tree committee, got N={self.N}, K={self.K}")
        if self.output_rule == "parity" and (self.activation != "sign" or self.second_layer != "fixed"):
            raise ValueError("output='parity' needs activation='sign' and second_layer='fixed'")
        if (self.activation == "sign" and self.output_rule == "majority"
                and self.second_layer == "fixed" and self.K % 2 == 0):
            raise ValueError(f"K must be odd for a sign majority vote, got K={self.K}")
        if self.second_layer == "trainable" and self.weights != "continuous":
            raise ValueError("second_layer='trainable' needs weights='continuous'")
        self.n = self.N // self.K if self.tree else self.N
        self.shape = (self.K, self.n)
        self.trainable = self.second_layer == "trainable"
        self.n_params = self.K * self.n + (self.K if self.trainable else 0)
        if self.activation == "sign":
            readout = np.ones(self.K)
        else:
            readout = np.where(np.arange(self.K) < (self.K + 1) // 2, 1.0, -1.0)
        readout.flags.writeable = False
        self.readout = readout

    @property
    def binary(self):
        """True for binary first-layer weights."""
        return self.weights == "binary"

    def spec(self):
        """JSON-serialisable description; ``from_spec(model.spec()) == model``."""
        return {"model": "committee", "N": self.N, "K": self.K, "tree": self.tree,
                "activation": self.activation, "weights": self.weights,
                "second_layer": self.second_layer, "output": self.output_rule}

    def init(self, seed):
        """Draw an initial point: random +-1 weights, or Gaussian rows scaled to |w_k|^2 = n.

        A trainable readout starts at the fixed readout values.
        """
        rng = check.generator(seed)
        if self.binary:
            return (2 * rng.integers(0, 2, size=self.shape, dtype=np.int8) - 1).astype(np.int8)
        W = rng.standard_normal(self.shape)
        W *= np.sqrt(self.n) / np.linalg.norm(W, axis=1, keepdims=True)
        return (W, self.readout.copy()) if self.trainable else W

    def split(self, w):
        """Return ``(W, v)``: validated first-layer weights (K, n) and the readout (K,)."""
        if self.trainable:
            if not isinstance(w, (tuple, list)) or len(w) != 2:
                raise TypeError("w must be a pair (W, v) for a committee with a trainable second layer")
            W, v = np.asarray(w[0]), np.asarray(w[1], dtype=np.float64)
            if v.shape != (self.K,) or not np.all(np.isfinite(v)):
                raise ValueError(f"v must be a finite array of shape ({self.K},), got shape {v.shape}")
        else:
            W, v = np.asarray(w), self.readout
        if W.shape != self.shape:
            raise ValueError(f"W must have shape {self.shape} for {self!r}, got {W.shape}")
        if self.binary:
            if not np.all((W == 1) | (W == -1)):
                raise ValueError("W must contain only +1 and -1 for binary weights")
            W = W.astype(np.int8, copy=False)
        else:
            W = W.astype(np.float64, copy=False)
            if not np.all(np.isfinite(W)):
                raise ValueError("W must be finite")
        return W, v

    def _raw_fields(self, X, W):
        """Hidden fields w_k.xi_k before the 1/sqrt(n) scaling, shape (P, K).

        Integer-valued (hence exact) for binary weights on +-1 inputs.
        """
        if not self.tree:
            return _products(X, W)
        raw = np.empty((X.shape[0], self.K))
        for k in range(self.K):
            raw[:, k] = _products(X[:, k * self.n:(k + 1) * self.n], W[k])
        return raw

    def hidden_fields(self, X, w):
        """Hidden pre-activations lambda_k = w_k.xi_k / sqrt(n), shape (P, K)."""
        W, _ = self.split(w)
        return self._raw_fields(X, W) / np.sqrt(self.n)

    def output(self, X, w):
        """Real-valued output before the final sign, shape (P,).

        The ReLU readout sums the unscaled fields before dividing by sqrt(n), so an output that
        is exactly zero in integer arithmetic (binary weights, +-1 inputs) is computed as 0.
        """
        W, v = self.split(w)
        raw = self._raw_fields(X, W)
        if self.activation == "relu":
            return (np.maximum(raw, 0.0) @ v) / np.sqrt(self.n)
        signs = np.where(raw > 0, 1.0, -1.0)
        if self.output_rule == "parity":
            return np.prod(signs, axis=1)
        return signs @ v

    def flatten(self, w):
        """The weights as one 1-D float64 vector: W row by row, then v if trainable."""
        W, v = self.split(w)
        parts = [W.astype(np.float64).ravel()] + ([v] if self.trainable else [])
        return np.concatenate(parts)

    def unflatten(self, theta):
        """Inverse of :meth:`flatten`."""
        theta = np.asarray(theta, dtype=np.float64)
        if theta.shape != (self.n_params,):
            raise ValueError(f"theta must have shape ({self.n_params},), got {theta.shape}")
        W = theta[:self.K * self.n].reshape(self.shape).copy()
        if self.binary:
            W = W.astype(np.int8)
        w = (W, theta[self.K * self.n:].copy()) if self.trainable else W
        self.split(w)
        return w


def from_spec(spec):
    """Rebuild a model from its :meth:`spec` dictionary."""
    spec = dict(spec)
    kind = spec.pop("model", None)
    builders = {"perceptron": Perceptron, "committee": Committee}
    if kind not in builders:
        raise ValueError(f"model must be one of 'perceptron', 'committee', got {kind!r}")
    return builders[kind](**spec)
