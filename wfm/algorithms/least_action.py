"""Least-action learning for sign committees: LAL and its entropic replicated twin eLAL.

Registered algorithms (SCIENCE.md, "Algorithms"), for committees with sign units, majority
output and the fixed readout (K odd, tree or fully connected), binary or continuous weights:

- ``"lal"``: least-action learning (Mitchison and Durbin 1989). Patterns are drawn uniformly at
  random; for a misclassified one, only the fewest hidden units needed to fix the output are
  changed, the wrong units of smallest |lambda_k|, each by a perceptron step
  h_k <- h_k + eta sigma xi_k. Continuous weights are h; binary weights are sign(h) of real
  hidden states h (clipped perceptron), initialised to ``init`` times the initial +-1 weights.
- ``"elal"``: entropic LAL (Baldassi et al., PNAS 113, E7655 (2016)): ``replicas`` = y copies
  make LAL moves; after each epoch every replica is pulled towards the centre
  h_c = (1/y) sum_a h^a by h^a <- h^a + gamma (h_c - h^a), gamma rising geometrically from
  ``gamma0`` to ``gamma1`` (<= 1). The centre (h_c, or sign(h_c) for binary weights) is the
  answer.

An epoch presents P random patterns to each replica (y P moves, P moves per replica), so equal
moves mean ``epochs_lal = replicas * epochs_elal``. A run stops when the centre or a replica
has no training error (the answer is then that network) or after ``epochs`` epochs (the answer
is the centre). ``history`` (one entry per epoch): ``gamma``, ``energy`` (mean replica
errors), ``best`` (smallest replica errors), ``centre_errors``, ``distance`` (mean over
replicas and units of (1 - cos(w^a_k, w_c,k)) / 2: the Hamming fraction for binary weights),
``moved`` (fraction of presentations that changed the weights), ``moves`` (cumulative
presentations per pattern, all replicas counted). ``extra``: ``answer`` ("replica", "centre"
or "none"), ``replica_errors``, ``moves`` (presentations).

Measured (README, "Monte Carlo and least-action learning"): at equal presentations per pattern
eLAL does not reach higher loads than LAL on the tree committee (K = 3, N = 201, binary and
continuous weights); with these defaults it solves fewer instances near LAL's threshold,
while y uncoupled replicas (``gamma0 = gamma1 = 0``: y independent LAL runs of 1/y the
length) solve about as many as LAL.

Reproducibility: the initial replicas are ``model.init`` draws from the run's generator, then
one integer seeds Numba's generator; ``elal`` with one replica and gamma = 0 follows the
trajectory of ``lal`` with the same seed.
"""
import numpy as np

from wfm import _validate as check
from wfm._kernels import lal as kernels
from wfm.algorithms import register
from wfm.algorithms.monte_carlo import geometric_schedule


def _accepts(model):
    if type(model).__name__ != "Committee":
        return "least-action learning is defined for committee machines"
    if model.activation != "sign" or model.output_rule != "majority" or model.trainable:
        return "only sign committees with a majority output and a fixed readout are supported"
    return None


def run_elal(problem, model, rng, *, replicas, epochs, eta, init, gamma0, gamma1):
    """Validate, set up the hidden states and run :func:`wfm._kernels.lal.elal`.

    Returns the algorithm dictionary (``w``, ``iterations`` = epochs, ``history``, ``extra``).
    """
    replicas = check.integer("replicas", replicas, minimum=1)
    epochs = check.integer("epochs", epochs, minimum=1)
    eta = check.real("eta", eta, strict_minimum=True, minimum=0.0)
    init = check.real("init", init, strict_minimum=True, minimum=0.0)
    gamma1 = check.real("gamma1", gamma1, minimum=0.0, maximum=1.0)
    gamma0 = check.real("gamma0", gamma0, minimum=0.0, maximum=1.0)
    if gamma1 > 0.0 and gamma0 <= 0.0:
        raise ValueError(f"gamma0 must be > 0 when gamma1 > 0 (geometric schedule), got gamma0={gamma0}")
    if gamma1 == 0.0 and gamma0 != 0.0:
        raise ValueError(f"gamma0 must be 0 when gamma1 = 0 (no coupling), got gamma0={gamma0}")
    gammas = geometric_schedule(gamma0, gamma1, epochs)
    h = np.stack([np.asarray(model.init(rng), dtype=np.float64) for _ in range(replicas)])
    if model.binary:
        h *= init
    seed = int(rng.integers(0, 2**31 - 1))
    K, n = model.shape
    centre = np.zeros((K, n))
    errors = np.zeros(replicas, dtype=np.int64)
    history = {key: np.zeros(epochs) for key in ("energy", "best", "centre_errors", "distance", "moved")}
    done, answer = kernels.elal(problem.X, problem.y, h, model.binary, model.tree, eta, gammas, seed,
                                centre, np.zeros(K), np.zeros(K, dtype=np.bool_),
                                history["energy"], history["best"], history["centre_errors"],
                                history["distance"], history["moved"], errors)
    history = {key: value[:done] for key, value in history.items()}
    history["centre_errors"] = history["centre_errors"].astype(np.int64)
    history["gamma"] = gammas[:done].copy()
    history["moves"] = replicas * np.arange(1, done + 1, dtype=float)
    if 0 <= answer < replicas:
        states, label = h[answer], "replica"
    else:
        states, label = centre, "centre" if answer == replicas else "none"
    if model.binary:
        w = np.where(states > 0, 1, -1).astype(np.int8)
    else:
        w = states.copy()
    extra = {"answer": label, "replica_errors": errors, "moves": int(done * replicas * problem.P)}
    return {"w": w, "iterations": done, "history": history, "extra": extra}


@register("lal", defaults={"epochs": 3000, "eta": 1.0, "init": 3.0}, accepts=_accepts,
          summary="least-action learning for sign committees (binary or continuous weights)")
def lal(problem, model, rng, *, epochs, eta, init):
    """Least-action learning for at most ``epochs`` epochs of P random presentations.

    ``eta`` is the perceptron step; ``init`` scales the initial hidden states of binary weights
    (h = init * w0, so a weight flips after about init / (2 eta) steps against it).
    """
    return run_elal(problem, model, rng, replicas=1, epochs=epochs, eta=eta, init=init,
                    gamma0=0.0, gamma1=0.0)


@register("elal", defaults={"replicas": 3, "epochs": 1000, "eta": 1.0, "init": 3.0, "gamma0": 1e-3,
                            "gamma1": 0.5},
          accepts=_accepts,
          summary="entropic least-action learning: replicas elastically coupled to their centre")
def elal(problem, model, rng, *, replicas, epochs, eta, init, gamma0, gamma1):
    """Entropic LAL with ``replicas`` replicas and the coupling rising from ``gamma0`` to ``gamma1``."""
    return run_elal(problem, model, rng, replicas=replicas, epochs=epochs, eta=eta, init=init,
                    gamma0=gamma0, gamma1=gamma1)
