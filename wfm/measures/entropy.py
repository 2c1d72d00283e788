"""Local entropy around a reference configuration, by belief propagation with an external field.

S(w~, d) = (1/N) log #{solutions w at normalised Hamming distance d from w~} (Huang and
Kabashima, PRE 90, 052813 (2014); Baldassi, Ingrosso, Lucibello, Saglietti and Zecchina, PRL
115, 128101 (2015)). The Franz-Parisi-like local free entropy

    phi(gamma) = (1/N) log sum_{w solution} exp(gamma w . w~)

is the Bethe free entropy (:mod:`wfm._kernels.bethe`, Eqs. B1-B3) of edge BP on the training
problem with the external field F_i = gamma w~_i on every weight. With the BP marginals m_i,
the mean overlap is q(gamma) = (1/N) sum_i w~_i m_i (= dphi/dgamma) and

    d(gamma) = (1 - q) / 2,      S(d) = phi(gamma) - gamma q = phi(gamma) - gamma (1 - 2 d),

the Legendre transform of phi (the sum over solutions is dominated by distance d(gamma)).
gamma = 0 gives the total entropy of solutions at d = 1/2 (on average); gamma > 0 moves the
measure towards w~. N is the number of weights (K n for a committee).
"""
from dataclasses import dataclass

import numpy as np

from wfm import _validate as check
from wfm._kernels.bethe import committee_pattern_terms, perceptron_pattern_terms, weight_terms
from wfm._kernels.bp_field import committee_fixed_field, perceptron_fixed_field

# Messages this large only arise from the variance floor of the BP kernels once every cavity of a
# pattern is fully polarised: BP has collapsed onto a single configuration (legitimate fixed
# points have |u| of order 1 to 1e3).
_U_FROZEN = 1.0e6


@dataclass(frozen=True)
class LocalEntropy:
    """Result of :func:`local_entropy`; one entry per gamma.

    Attributes
    ----------
    gammas : ndarray
        Coupling to the reference, in the order given.
    distance : ndarray
        d(gamma) = (1 - q) / 2 from the BP marginals; NaN where BP did not converge.
    entropy : ndarray
        S(d) = phi - gamma (1 - 2 d), nats per weight; NaN where BP did not converge.
    phi : ndarray
        Local free entropy per weight (Bethe); NaN where BP did not converge.
    overlap : ndarray
        q(gamma) = (1/N) sum_i w~_i m_i; NaN where BP did not converge.
    iterations : ndarray of int
        BP sweeps spent at each gamma.
    delta : ndarray
        Largest change of a marginal in the last sweep at each gamma.
    converged : ndarray of bool
        delta < eps within max_iters sweeps.
    frozen : ndarray of bool
        BP collapsed onto one configuration w* (see :func:`local_entropy`, Notes).
    n_weights : int
        N, the number of weights the entropies are normalised by.
    """

    gammas: np.ndarray
    distance: np.ndarray
    entropy: np.ndarray
    phi: np.ndarray
    overlap: np.ndarray
    iterations: np.ndarray
    delta: np.ndarray
    converged: np.ndarray
    frozen: np.ndarray
    n_weights: int

    def to_frame(self):
        """A pandas DataFrame with one row per gamma."""
        import pandas as pd

        frame = pd.DataFrame({"gamma": self.gammas, "distance": self.distance, "entropy": self.entropy,
                              "phi": self.phi, "overlap": self.overlap, "iterations": self.iterations,
                              "delta": self.delta, "converged": self.converged,
                              "frozen": self.frozen})
        frame.attrs.update(n_weights=self.n_weights)
        return frame


def _reference(model, reference):
    """Validate the model (binary perceptron or binary sign majority committee) and w~."""
    from wfm.models import Committee, Perceptron

    if isinstance(model, Perceptron):
        if not model.binary:
            raise ValueError(f"local_entropy needs binary weights, got {model!r}")
        return model.check_weights(reference).astype(np.float64)
    if isinstance(model, Committee):
        if not model.binary:
            raise ValueError(f"local_entropy needs binary weights, got {model!r}")
        if model.activation != "sign" or model.output_rule != "majority" or model.trainable:
            raise ValueError("local_entropy supports sign committees with a fixed majority readout, "
                             f"got {model!r}")
        return model.split(reference)[0].astype(np.float64)
    raise TypeError(f"model must be a wfm Perceptron or Committee, got {type(model).__name__}")


def check_gammas(gammas):
    """Return ``gammas`` validated as a non-empty 1-D float64 array of finite couplings.

    Parameters
    ----------
    gammas : float or array_like
        The couplings gamma to the reference at which a local entropy is measured.

    Returns
    -------
    ndarray of float64, shape (G,)
    """
    gammas = np.atleast_1d(np.asarray(gammas))
    if gammas.ndim != 1 or gammas.size == 0 or gammas.dtype.kind not in "iuf":
        raise ValueError(f"gammas must be a non-empty 1-D array of numbers, got {gammas!r}")
    gammas = gammas.astype(np.float64)
    if not np.all(np.isfinite(gammas)):
        raise ValueError(f"gammas must be finite, got {gammas}")
    return gammas


def local_entropy(problem, model, reference, *, gammas, damping=0.5, eps=1e-9, max_iters=5000,
                  sequential=False):
    """Local free entropy phi(gamma), distance d(gamma) and local entropy S(d) around ``reference``.

    Parameters
    ----------
    problem : wfm.problems.Problem
    model : wfm.models.Perceptron or wfm.models.Committee
        Binary perceptron (any kappa) or binary sign committee (tree or fully connected) with the
        fixed majority readout.
    reference : ndarray
        The reference configuration w~ in the model's layout (+-1); need not be a solution.
    gammas : array_like of float
        Couplings to the reference, processed in the order given; each BP fixed point starts from
        the previous one, so give them sorted from 0 upwards for a smooth continuation.
    damping : float in [0, 1)
        Message damping u <- damping u + (1 - damping) u_new.
    eps : float
        Convergence threshold on the largest change of a marginal magnetization per sweep.
    max_iters : int
        Largest number of sweeps per gamma.
    sequential : bool
        Sequential (True) or parallel (False) message updates, as in ``wfm.solve(..., "bp")``.

    Returns
    -------
    LocalEntropy

    Notes
    -----
    BP starts from zero messages at the first gamma. The Bethe free entropy is exact only as
    N -> inf (replica-symmetric, Gaussian pattern nodes); at N ~ 20 expect deviations of
    order 1/N from exact enumeration. At gamma = 0, phi is BP's estimate of the total entropy
    of solutions, which approaches :func:`wfm.theory.rs_entropy_binary_perceptron` for the
    binary perceptron at large N. Entries where BP did not converge are NaN (see
    ``converged`` and ``delta``).

    Around an isolated solution BP can collapse onto a single configuration w* (every
    marginal +-1, messages diverging; ``frozen``). The measure is then concentrated on w*: if
    w* is a solution, phi = gamma (1 - 2 d*), d* = d(w*, w~), and S = 0 (for w* = w~, the
    isolated point d = 0 that the Legendre transform jumps to; Huang and Kabashima 2014);
    otherwise the entry is NaN. Only the concave envelope of S(d) is reached by varying gamma.
    """
    from wfm.models import Perceptron, check_problem

    ref = _reference(model, reference)
    check_problem(model, problem)
    gammas = check_gammas(gammas)
    damping = check.real("damping", damping, minimum=0.0)
    if damping >= 1.0:
        raise ValueError(f"damping must be in [0, 1), got {damping}")
    eps = check.real("eps", eps, minimum=0.0, strict_minimum=True)
    max_iters = check.integer("max_iters", max_iters, minimum=1)
    if not isinstance(sequential, (bool, np.bool_)):
        raise TypeError(f"sequential must be True or False, got {sequential!r}")
    sequential = bool(sequential)

    X, sigma, P = problem.X, problem.y, problem.P
    perceptron = isinstance(model, Perceptron)
    shape = ref.shape
    Nw = ref.size
    u = np.zeros((P,) + shape)
    H = np.zeros(shape)
    F = np.zeros(shape)
    if perceptron:
        work = (np.zeros(Nw), np.zeros(Nw), np.zeros(Nw))
    else:
        K = shape[0]
        work = (np.zeros(Nw), np.zeros(shape), np.zeros(shape)) + tuple(np.zeros(K) for _ in range(5))
        pattern_work = (np.zeros(K), np.zeros(K), np.zeros(K + 1))

    count = gammas.size
    phi, overlap = np.full(count, np.nan), np.full(count, np.nan)
    iterations, delta = np.zeros(count, dtype=np.int64), np.zeros(count)
    frozen = np.zeros(count, dtype=bool)
    ref_flat = ref.reshape(Nw)
    for g, gamma in enumerate(gammas):
        np.multiply(ref, gamma, out=F)
        if perceptron:
            iterations[g], delta[g] = perceptron_fixed_field(X, sigma, model.kappa, u, H, F, *work, damping,
                                                             sequential, eps, max_iters)
        else:
            iterations[g], delta[g] = committee_fixed_field(X, sigma, model.tree, u, H, F, *work, damping,
                                                            sequential, eps, max_iters)
        if not delta[g] < eps:
            continue
        h = (H + F).reshape(Nw)
        if np.max(np.abs(u)) > _U_FROZEN:
            frozen[g] = True
            w_star = np.where(h > 0, 1, -1).astype(np.int8)
            if np.all(np.abs(np.tanh(h)) == 1.0) and model.errors(problem, w_star.reshape(shape)) == 0:
                overlap[g] = float(np.dot(ref_flat, w_star)) / Nw
                phi[g] = gamma * overlap[g]
            continue
        if perceptron:
            pattern = perceptron_pattern_terms(X, sigma, model.kappa, u, H, F)
        else:
            pattern = committee_pattern_terms(X, sigma, model.tree, u, H, F, *pattern_work)
        phi[g] = (pattern + weight_terms(u.reshape(P, Nw), H.reshape(Nw), F.reshape(Nw))) / Nw
        overlap[g] = float(np.dot(ref_flat, np.tanh(h))) / Nw
    converged = delta < eps
    distance = (1.0 - overlap) / 2.0
    entropy = phi - gammas * overlap
    return LocalEntropy(gammas=gammas, distance=distance, entropy=entropy, phi=phi, overlap=overlap,
                        iterations=iterations, delta=delta, converged=converged, frozen=frozen,
                        n_weights=Nw)
