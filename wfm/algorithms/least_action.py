"""Least-action learning for sign committees: LAL and its entropic replicated twin eLAL.

Registered algorithms, for committees with sign units, majority
output and the fixed readout (K odd, tree or fully connected), binary or continuous weights:

- ``"lal"``: least-action learning (Mitchison and Durbin 1989), online. Patterns are drawn
  uniformly at random; for a misclassified one, only the fewest hidden units needed to fix the
  output are changed, the wrong units of smallest |lambda_k|, each by a perceptron step
  h_k <- h_k + eta sigma xi_k. Continuous weights are h; binary weights are sign(h) of real
  hidden states h (clipped perceptron), initialised to ``init`` times the initial +-1 weights.
- ``"elal"``: entropic LAL, the replicated SGD of Baldassi et al., PNAS 113, E7655 (2016) as
  the authors implemented it (BinaryCommitteeMachineRSGD.jl, the paper's eq. C7): ``replicas``
  = y copies, all starting from the same weights, learn by mini-batch LAL (``batches``
  mini-batches per epoch, batch size ceil(P / batches)); after each mini-batch the replica gets
  the kick h^a <- h^a + ``kick`` (tanh(gamma y m) - w^a), m the mean of the replicas' binary
  weights (continuous weights: h^a <- h^a + min(kick gamma, 1) (m - w^a)); gamma rises linearly,
  gamma = ``gamma0`` + ``gamma_step`` t in epoch t. The centre, sign(m) (the replicas'
  majority; m itself for continuous weights), is the answer. Defaults are the authors'
  published example (y = 7, eta = 2, hidden states +-1, 10 mini-batches per epoch, lambda =
  0.75, gamma 0.05 + 0.001 t), kernel :func:`wfm._kernels.lal.replicated_lal`.

An epoch presents about P patterns to each replica (y P moves), so equal moves mean
``epochs_lal = replicas * epochs_elal``. A run stops when the centre or a replica has no
training error (the answer is then that network) or after ``epochs`` epochs (the answer is the
centre). ``history`` (one entry per epoch): ``gamma``, ``energy`` (mean replica errors),
``best`` (smallest replica errors), ``centre_errors``, ``distance`` (mean over replicas and
units of (1 - cos(w^a_k, w_c,k)) / 2: the Hamming fraction to the majority for binary
weights), ``moved`` (fraction of presentations that changed the weights), ``moves``
(cumulative presentations per pattern, all replicas counted). ``extra``: ``answer``
("replica", "centre" or "none"), ``replica_errors``, ``moves`` (presentations).

Measured (README, "Monte Carlo and least-action learning"): at equal presentations per pattern
eLAL solves clearly more instances than LAL near and above LAL's threshold on the binary tree
committee (K = 3, N = 201) and the fully connected one of the paper (K = 5).

Reproducibility: the initial weights are one ``model.init`` draw from the run's generator
(copied to every replica), then one integer seeds Numba's generator; ``elal`` with one
replica, ``kick = 0`` and ``batches >= P`` (one pattern per mini-batch) follows the trajectory
of ``lal`` with the same ``eta``, ``init`` and seed.
"""
import numpy as np

from wfm import _progress, _validate as check
from wfm._kernels import lal as kernels
from wfm.algorithms import register


def _accepts(model):
    if type(model).__name__ != "Committee":
        return "least-action learning is defined for committee machines"
    if model.activation != "sign" or model.output_rule != "majority" or model.trainable:
        return "only sign committees with a majority output and a fixed readout are supported"
    return None


def run_elal(problem, model, rng, *, replicas, epochs, eta, init, batches, kick, gamma0, gamma_step):
    """Validate, set up the hidden states and run :func:`wfm._kernels.lal.replicated_lal`.

    Returns the algorithm dictionary (``w``, ``iterations`` = epochs, ``history``, ``extra``).
    """
    replicas = check.integer("replicas", replicas, minimum=1)
    epochs = check.integer("epochs", epochs, minimum=1)
    eta = check.real("eta", eta, strict_minimum=True, minimum=0.0)
    init = check.real("init", init, strict_minimum=True, minimum=0.0)
    batches = check.integer("batches", batches, minimum=1)
    kick = check.real("kick", kick, minimum=0.0)
    gamma0 = check.real("gamma0", gamma0, minimum=0.0)
    gamma_step = check.real("gamma_step", gamma_step, minimum=0.0)
    _coupling({"kick": kick, "gamma0": gamma0, "gamma_step": gamma_step}, model)
    gammas = gamma0 + gamma_step * np.arange(epochs)
    batch = -(-problem.P // batches)
    h0 = np.asarray(model.init(rng), dtype=np.float64)
    if model.binary:
        h0 = init * h0
    h = np.repeat(h0[None], replicas, axis=0)
    seed = int(rng.integers(0, 2**31 - 1))
    K, n = model.shape
    centre = np.zeros((K, n))
    errors = np.zeros(replicas, dtype=np.int64)
    history = {key: np.zeros(epochs) for key in ("energy", "best", "centre_errors", "distance", "moved")}
    history["energy"][:] = np.nan  # written epoch by epoch: what progress reports count
    with _progress.watch(lambda: _progress.filled(history["energy"]), epochs, "epoch"):
        done, answer = kernels.replicated_lal(problem.X, problem.y, h, model.binary, model.tree, eta, batch,
                                              kick, gammas, seed, centre, history["energy"], history["best"],
                                              history["centre_errors"], history["distance"], history["moved"],
                                              errors)
    history = {key: value[:done] for key, value in history.items()}
    history["centre_errors"] = history["centre_errors"].astype(np.int64)
    history["gamma"] = gammas[:done] if kick > 0.0 else np.zeros(done)
    per_epoch = -(-problem.P // batch) * batch
    history["moves"] = replicas * per_epoch / problem.P * np.arange(1, done + 1, dtype=float)
    if 0 <= answer < replicas:
        states, label = h[answer], "replica"
    else:
        states, label = centre, "centre" if answer == replicas else "none"
    if model.binary:
        w = np.where(states > 0, 1, -1).astype(np.int8)
    else:
        w = states.copy()
    extra = {"answer": label, "replica_errors": errors, "moves": int(done * replicas * per_epoch)}
    return {"w": w, "iterations": done, "history": history, "extra": extra}


_POSITIVE = check.Real(minimum=0.0, strict_minimum=True)


def _coupling(params, model):
    """elal: a kick needs a coupling gamma0 + gamma_step t that is not identically 0."""
    if params["kick"] > 0.0 and params["gamma0"] == 0.0 and params["gamma_step"] == 0.0:
        raise ValueError("gamma0 and gamma_step are both 0: give the coupling a positive gamma, "
                         "or kick=0 for uncoupled replicas")


@register("lal", defaults={"epochs": 3000, "eta": 1.0, "init": 3.0}, accepts=_accepts,
          checks={"epochs": check.Integer(minimum=1), "eta": _POSITIVE, "init": _POSITIVE},
          summary="least-action learning for sign committees (binary or continuous weights)")
def lal(problem, model, rng, *, epochs, eta, init):
    """Online least-action learning for at most ``epochs`` epochs of P random presentations.

    ``eta`` is the perceptron step; ``init`` scales the initial hidden states of binary weights
    (h = init * w0, so a weight flips after about init / (2 eta) steps against it).
    """
    return run_elal(problem, model, rng, replicas=1, epochs=epochs, eta=eta, init=init,
                    batches=problem.P, kick=0.0, gamma0=0.0, gamma_step=0.0)


@register("elal", defaults={"replicas": 7, "epochs": 1000, "eta": 2.0, "init": 1.0, "batches": 10,
                            "kick": 0.75, "gamma0": 0.05, "gamma_step": 0.001},
          accepts=_accepts,
          checks={"replicas": check.Integer(minimum=1), "epochs": check.Integer(minimum=1), "eta": _POSITIVE,
                  "init": _POSITIVE, "batches": check.Integer(minimum=1), "kick": check.Real(minimum=0.0),
                  "gamma0": check.Real(minimum=0.0), "gamma_step": check.Real(minimum=0.0)},
          joint=_coupling,
          summary="entropic least-action learning: replicated mini-batch LAL kicked towards the centre")
def elal(problem, model, rng, *, replicas, epochs, eta, init, batches, kick, gamma0, gamma_step):
    """Entropic LAL: ``replicas`` mini-batch LAL replicas kicked towards their traced-out centre.

    ``kick`` is the elastic step (lambda, the paper's eta'), gamma = ``gamma0`` + ``gamma_step``
    t in epoch t; ``batches`` mini-batches per epoch.
    """
    return run_elal(problem, model, rng, replicas=replicas, epochs=epochs, eta=eta, init=init,
                    batches=batches, kick=kick, gamma0=gamma0, gamma_step=gamma_step)
