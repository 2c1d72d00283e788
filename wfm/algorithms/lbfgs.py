"""Full-batch L-BFGS on a smooth training loss of a continuous-weight model.

Registered as ``"lbfgs"``. Minimises the mean loss :class:`wfm.losses.Loss` (cross-entropy
f_gamma or half squared error) over all training patterns with SciPy's L-BFGS-B (no bounds;
Nocedal and Wright, Numerical Optimization, Alg. 7.5, with a Wolfe line search), from
``model.init`` drawn with the run's generator. The parameters are the flat vector of
``model.flatten`` (first-layer weights, then the readout when it is trainable).

The run stops after ``max_iters`` iterations, when the projected gradient falls below
``gtol`` or the relative loss decrease below ``ftol`` (SciPy's criteria), or, with
``stop_when_solved``, at the first iterate without training errors (``model.errors``, the
true sign/ReLU network, not the smooth surrogate). On separable data the cross-entropy has no
minimiser at finite weights: without ``stop_when_solved`` the norm keeps growing until a
stopping criterion is met, so the final point depends on them (record them with the run).

The spherical perceptron's final weights are rescaled to |w|^2 = N (its output does not
depend on the norm; ``extra["norm"]`` keeps the norm reached by the optimisation).

Parameters
----------
loss : {"ce", "mse"}
    Per-pattern loss (default "ce").
gamma : float
    Inverse temperature of the cross-entropy (default 1.0).
surrogate_beta : float
    Slope of the tanh surrogate of sign hidden units (default 1.0).
max_iters : int
    Largest number of L-BFGS iterations (default 1000).
gtol : float
    Stop when the largest gradient component is below gtol (default 1e-8).
ftol : float
    Stop when the relative loss decrease of an iteration is below ftol (default 1e-12).
memory : int
    Number of correction pairs of the limited-memory Hessian approximation (default 10).
stop_when_solved : bool
    Stop at the first iterate with zero training errors (default False).

History
-------
loss : ndarray of float
    Mean loss at the initial point and after each iteration (length iterations + 1).
errors : ndarray of int
    Training errors at the same points.

Extra
-----
loss : float
    Final mean loss.
norm : float
    Euclidean norm of the final parameter vector (before the perceptron's normalisation).
converged : bool
    SciPy reported success (gtol or ftol reached), as opposed to the iteration cap, a line
    search failure or ``stop_when_solved``.
"""
import numpy as np
from scipy.optimize import minimize

from wfm import _progress, _validate as check
from wfm.algorithms import register
from wfm.losses import KINDS, Loss, continuous_reason
from wfm.models import Perceptron


@register("lbfgs", defaults={"loss": "ce", "gamma": 1.0, "surrogate_beta": 1.0, "max_iters": 1000,
                             "gtol": 1e-8, "ftol": 1e-12, "memory": 10, "stop_when_solved": False},
          accepts=continuous_reason,
          checks={"loss": check.Choice(*KINDS), "gamma": check.Real(minimum=0.0, strict_minimum=True),
                  "surrogate_beta": check.Real(minimum=0.0, strict_minimum=True),
                  "max_iters": check.Integer(minimum=1), "gtol": check.Real(minimum=0.0),
                  "ftol": check.Real(minimum=0.0), "memory": check.Integer(minimum=1),
                  "stop_when_solved": check.Flag()},
          summary="full-batch L-BFGS on the CE or MSE loss (continuous weights)")
def run(problem, model, rng, *, loss, gamma, surrogate_beta, max_iters, gtol, ftol, memory, stop_when_solved):
    """Train ``model`` on ``problem`` by L-BFGS on the smooth loss; see the module docstring."""
    check.choice("loss", loss, KINDS)
    max_iters = check.integer("max_iters", max_iters, minimum=1)
    gtol = check.real("gtol", gtol, minimum=0.0)
    ftol = check.real("ftol", ftol, minimum=0.0)
    memory = check.integer("memory", memory, minimum=1)
    if not isinstance(stop_when_solved, (bool, np.bool_)):
        raise TypeError(f"stop_when_solved must be True or False, got {stop_when_solved!r}")
    objective = Loss(problem, model, loss, gamma=gamma, surrogate_beta=surrogate_beta)
    theta = model.flatten(model.init(rng))
    losses = [objective.value(theta)]
    errors = [model.errors(problem, model.unflatten(theta))]

    def record(intermediate_result):
        losses.append(float(intermediate_result.fun))
        errors.append(model.errors(problem, model.unflatten(intermediate_result.x)))
        _progress.step(len(losses) - 1, max_iters, "iteration", errors=errors[-1])
        if stop_when_solved and errors[-1] == 0:
            raise StopIteration

    if stop_when_solved and errors[0] == 0:
        result_x, converged = theta, False
    else:
        result = minimize(objective.value_and_gradient, theta, jac=True, method="L-BFGS-B", callback=record,
                          options={"maxiter": max_iters, "gtol": gtol, "ftol": ftol, "maxcor": memory})
        result_x, converged = result.x, bool(result.success)
    norm = float(np.linalg.norm(result_x))
    w = model.unflatten(result_x)
    if isinstance(model, Perceptron):
        w = w * np.sqrt(model.N) / np.linalg.norm(w)
    return {"w": w, "iterations": len(losses) - 1,
            "history": {"loss": np.array(losses), "errors": np.array(errors, dtype=np.int64)},
            "extra": {"loss": losses[-1], "norm": norm, "converged": converged}}
