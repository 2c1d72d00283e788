"""Incremental training energy: the state that single-weight moves update in O(P).

:class:`EnergyState` holds, for one problem, model and weight vector, the per-pattern quantities
from which the energy (number of misclassified training patterns, margin kappa included for
perceptrons) follows, and updates them after one weight move. Searches written with Numba use
the arrays of a state directly with the kernels of :mod:`wfm._kernels.energy`:

Perceptron (``state.kind == "perceptron"``):

- ``XT`` (N, P) int8 +-1 or float32/float64: ``problem.XT``, column i of X as a row; ``y`` (P,)
  int8 labels sigma;
- ``w`` (N,): a private copy of the weights, int8 +-1 (binary) or float64 (spherical);
- ``s`` (P,): raw stabilities s_mu = sigma_mu w.xi_mu, int32 (exact) for +-1 inputs with binary
  weights, float64 otherwise; the model's stability is s_mu / |w|;
- ``norm2``: |w|^2 (float, N for binary weights, tracked through moves otherwise);
- ``threshold``: the current theta = kappa |w|; pattern mu is an error iff s_mu <= theta. For
  integer stabilities theta is the int of ``perceptron_integer_threshold(kappa, N)`` (exact
  agreement with the model at patterns lying on the margin); a float kappa sqrt(norm2)
  otherwise.

  Kernels: ``perceptron_flip_delta(XT, y, s, w, i, threshold)``, ``perceptron_flip(XT, y, s, w, i)``
  (binary); ``perceptron_shift_delta(XT, y, s, w, i, step, norm2, kappa)``,
  ``norm2 = perceptron_shift(XT, y, s, w, i, step, norm2)`` (continuous).

Committee (``state.kind == "committee"``, fixed second layer only):

- ``XT``, ``y`` as above; ``W`` (K, n): private copy of the first-layer weights, int8 or float64;
  weight (k, j) reads input k*n + j (``tree``) or j (fully connected); flat index k*n + j;
- ``H`` (K, P): raw hidden fields H_k,mu = w_k.xi_mu,k without the 1/sqrt(n), int32 for +-1
  inputs with binary weights, float64 otherwise (the model's lambda is H.T / sqrt(n)); note the
  unit-major layout: ``H[k]`` is contiguous;
- ``v`` (K,) float64: the model's fixed readout; ``rule``: ``SIGN``, ``RELU`` or ``PARITY``
  (integer codes of :mod:`wfm._kernels.codes`);
- ``S`` (P,) float64: output before the final sign, sum_k v_k g(H_k,mu) with g = sign or
  max(h, 0) (the model's ReLU output times sqrt(n): same sign), or prod_k sign(H_k,mu);
  pattern mu is an error iff sigma_mu S_mu <= 0.

  Kernels: ``committee_flip_delta(XT, y, H, S, W, v, rule, tree, k, j)``,
  ``committee_flip(XT, H, S, W, v, rule, tree, k, j)`` (binary);
  ``committee_shift_delta(XT, y, H, S, W, v, rule, tree, k, j, step)``,
  ``committee_shift(XT, H, S, W, v, rule, tree, k, j, step)`` (continuous).

A trainable second layer (``Committee(..., second_layer="trainable")``) is not supported: moves
of v change every output at once and are not single-weight O(P) updates.
"""
import numpy as np

from wfm import _validate as check
from wfm._kernels import codes
from wfm._kernels import energy as kernels
from wfm.models import Committee, Perceptron


class EnergyState:
    """Per-pattern fields and training energy of one weight vector, updated move by move.

    Parameters
    ----------
    problem : wfm.problems.Problem
        The training set.
    model : wfm.models.Perceptron or wfm.models.Committee
        The network; committees must have a fixed second layer.
    w : ndarray
        Weights in the model's layout (copied: the state owns its weights).

    Attributes
    ----------
    energy : int
        Current number of training errors.
    kind : {"perceptron", "committee"}
    binary : bool
        True for binary (flip) weights, False for continuous (step) weights.
    field_dtype : type
        numpy.int32 (exact integer fields: binary weights on +-1 inputs) or numpy.float64, the
        dtype of the stabilities ``s`` or hidden fields ``H``.
    XT, y : ndarray
        The problem's transposed patterns and labels.
    w, s, norm2, kappa, threshold
        Perceptron state (module docstring); ``norm2`` is None for a committee.
    W, H, S, v, rule, tree, K, n
        Committee state (module docstring).

    Indices: an int i for a perceptron; a pair (k, j) or a flat index k*n + j for a committee.
    Binary weights move by a flip (``step`` must be None); continuous weights by
    ``w -> w + step``. The arrays are updated in place, so a Numba loop may work on them
    directly; set ``energy`` afterwards if it tracked the energy itself.

    Examples
    --------
    >>> from wfm.problems import storage
    >>> from wfm.models import Perceptron
    >>> problem, model = storage(101, P=50, seed=0), Perceptron(101)
    >>> state = EnergyState(problem, model, model.init(1))
    >>> dE = state.delta(3)
    >>> state.move(3) == dE
    True
    >>> state.verify()
    """

    def __init__(self, problem, model, w):
        if not isinstance(model, (Perceptron, Committee)):
            raise TypeError(f"model must be a wfm.models.Perceptron or Committee, got {type(model).__name__}")
        if not hasattr(problem, "XT") or not hasattr(problem, "y"):
            raise TypeError(f"problem must be a wfm.problems.Problem, got {type(problem).__name__}")
        if problem.N != model.N:
            raise ValueError(f"problem has N = {problem.N} inputs but the model {model!r} expects N = {model.N}")
        self.problem = problem
        self.model = model
        self.XT = problem.XT
        self.y = problem.y
        self.binary = model.binary
        integer = self.binary and problem.binary_inputs
        self.field_dtype = np.int32 if integer else np.float64
        if isinstance(model, Perceptron):
            self.kind = "perceptron"
            self.kappa = model.kappa
            self.w = np.array(model.check_weights(w), copy=True)
            self.s = np.empty(problem.P, dtype=self.field_dtype)
        else:
            if model.trainable:
                raise ValueError(f"model has second_layer='trainable', which EnergyState does not support "
                                 f"(allowed: second_layer='fixed'); got {model!r}")
            self.kind = "committee"
            self.K, self.n, self.tree = model.K, model.n, model.tree
            self.rule = codes.rule(model)
            self.v = np.array(model.readout, dtype=np.float64)
            self.W = np.array(model.split(w)[0], copy=True)
            self.H = np.empty((model.K, problem.P), dtype=self.field_dtype)
            self.S = np.empty(problem.P, dtype=np.float64)
        self.norm2 = self._fresh_norm2()
        self.energy = self._compute(self.s if self.kind == "perceptron" else self.H,
                                    None if self.kind == "perceptron" else self.S, self.norm2)

    # -- full computation ---------------------------------------------------------------------

    def _fresh_norm2(self):
        """|w|^2 of the current perceptron weights (None for a committee)."""
        if self.kind != "perceptron":
            return None
        return float(np.dot(self.w.astype(np.float64), self.w))

    def _threshold(self, norm2):
        # theta = kappa |w|; the exact integer theta for integer stabilities (|w|^2 = N).
        if self.field_dtype is np.int32:
            return int(kernels.perceptron_integer_threshold(self.kappa, self.problem.N))
        return self.kappa * np.sqrt(max(norm2, 0.0))

    def _compute(self, fields, S, norm2):
        """Fill ``fields`` (and ``S``) from scratch with the current weights; return the energy."""
        X, y = self.problem.X, self.y
        if self.kind == "perceptron":
            kernels.perceptron_stabilities(X, y, self.w, fields)
            return int(kernels.count_at_most(fields, self._threshold(norm2)))
        kernels.committee_fields(X, self.W, self.tree, fields)
        kernels.committee_outputs(fields, self.v, self.rule, S)
        return int(kernels.committee_energy(y, S))

    @property
    def threshold(self):
        """Perceptron error threshold theta = kappa |w|: pattern mu is an error iff s_mu <= theta."""
        if self.kind != "perceptron":
            raise AttributeError("threshold is defined for perceptrons only")
        return self._threshold(self.norm2)

    @property
    def weights(self):
        """The current weights (the state's own array: ``w`` or ``W``)."""
        return self.w if self.kind == "perceptron" else self.W

    # -- moves --------------------------------------------------------------------------------

    def _index(self, index):
        """Validate a weight index; return i (perceptron) or (k, j) (committee)."""
        if self.kind == "perceptron":
            return check.integer("index", index, minimum=0, maximum=self.problem.N - 1)
        if isinstance(index, tuple):
            if len(index) != 2:
                raise ValueError(f"index must be a pair (k, j) or a flat int, got {index!r}")
            k = check.integer("index k", index[0], minimum=0, maximum=self.K - 1)
            j = check.integer("index j", index[1], minimum=0, maximum=self.n - 1)
            return k, j
        flat = check.integer("index", index, minimum=0, maximum=self.K * self.n - 1)
        return divmod(flat, self.n)

    def _step(self, step):
        if self.binary:
            if step is not None:
                raise ValueError(f"step must be None for binary weights (a move is a flip), got {step!r}")
            return None
        if step is None:
            raise ValueError("step is required for continuous weights (the move is w -> w + step)")
        return check.real("step", step)

    def delta(self, index, step=None):
        """Energy change of one move, without changing the state.

        Parameters
        ----------
        index : int or tuple (k, j)
            Weight to move (flat index k*n + j also accepted for committees).
        step : float, optional
            Continuous weights only: the move is w -> w + step. Binary weights flip.

        Returns
        -------
        int
        """
        index, step = self._index(index), self._step(step)
        if self.kind == "perceptron":
            if self.binary:
                dE = kernels.perceptron_flip_delta(self.XT, self.y, self.s, self.w, index, self.threshold)
            else:
                dE = kernels.perceptron_shift_delta(self.XT, self.y, self.s, self.w, index, step,
                                                    self.norm2, self.kappa)
            return int(dE)
        k, j = index
        if self.binary:
            dE = kernels.committee_flip_delta(self.XT, self.y, self.H, self.S, self.W, self.v,
                                              self.rule, self.tree, k, j)
        else:
            dE = kernels.committee_shift_delta(self.XT, self.y, self.H, self.S, self.W, self.v,
                                               self.rule, self.tree, k, j, step)
        return int(dE)

    def move(self, index, step=None):
        """Apply one move, update the arrays and the energy; return the energy change.

        Parameters are those of :meth:`delta`.
        """
        dE = self.delta(index, step)
        index, step = self._index(index), self._step(step)
        if self.kind == "perceptron":
            if self.binary:
                kernels.perceptron_flip(self.XT, self.y, self.s, self.w, index)
            else:
                self.norm2 = float(kernels.perceptron_shift(self.XT, self.y, self.s, self.w, index,
                                                            step, self.norm2))
        else:
            k, j = index
            if self.binary:
                kernels.committee_flip(self.XT, self.H, self.S, self.W, self.v, self.rule, self.tree, k, j)
            else:
                kernels.committee_shift(self.XT, self.H, self.S, self.W, self.v, self.rule, self.tree,
                                        k, j, step)
        self.energy += dE
        return dE

    # -- checks -------------------------------------------------------------------------------

    def verify(self, rtol=1e-9):
        """Recompute everything from scratch and check the incremental state against it.

        Integer fields must agree exactly; float fields, outputs and |w|^2 within
        ``rtol * max(1, max |value|)``. The energy must equal both the recomputed one and
        ``model.errors(problem, w)``; for ReLU committees, patterns on which the model's
        floating-point output is within rounding (1e-9 relative) of an exact tie, which the
        integer sums here resolve exactly as errors, are excepted.

        Raises
        ------
        RuntimeError
            On any disagreement, naming the quantity.
        """
        norm2 = self._fresh_norm2()
        if self.kind == "perceptron":
            fresh, S = np.empty_like(self.s), None
            pairs = [("s", self.s, fresh), ("norm2", np.array([self.norm2]), np.array([norm2]))]
        else:
            fresh, S = np.empty_like(self.H), np.empty_like(self.S)
            pairs = [("H", self.H, fresh), ("S", self.S, S)]
        energy = self._compute(fresh, S, norm2)
        for name, kept, exact in pairs:
            if kept.dtype.kind == "i":
                bad = not np.array_equal(kept, exact)
            else:
                scale = max(1.0, float(np.abs(exact).max()))
                bad = not np.allclose(kept, exact, rtol=0.0, atol=rtol * scale)
            if bad:
                worst = np.abs(kept.astype(np.float64) - exact).max()
                raise RuntimeError(f"incremental {name} differs from its recomputation "
                                   f"(max difference {worst:g})")
        if self.energy != energy:
            raise RuntimeError(f"incremental energy {self.energy} differs from its recomputation {energy}")
        errors = self.model.errors(self.problem, self.weights)
        if self.energy != errors and not (self.kind == "committee" and self._rounding_ties_explain(S)):
            raise RuntimeError(f"energy {self.energy} differs from model.errors = {errors}")

    def _rounding_ties_explain(self, S):
        """True when every pattern the model classifies differently sits on a ReLU tie.

        The model sums ReLU units in floating point after the 1/sqrt(n) scaling, so an exact
        tie (e.g. raw fields 4 + 2 - 6 = 0 with +-1 data) can come out as +-1e-16 there while
        the sum here is exactly 0 (an error). Patterns whose model output lies within rounding
        (1e-9 relative) of 0 are not counted as disagreements.
        """
        output = self.model.output(self.problem.X, self.W)
        differ = (self.y * S <= 0) != (self.y * output <= 0)
        scale = max(1.0, float(np.abs(output).max()))
        return bool(np.all(np.abs(output[differ]) <= 1e-9 * scale))
