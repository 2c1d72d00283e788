"""Flatness measures of a point in weight space.

- :func:`local_energy` (module ``energy``): error increase under random perturbations
  (binary flips, or multiplicative / additive noise for continuous weights);
- Hessian measures of the smooth losses of :mod:`wfm.losses` (module ``curvature``):
  :func:`hessian`, :func:`hessian_eigenvalues`, :func:`log_volume`, :func:`hessian_trace`,
  :func:`hessian_frobenius`;
- :func:`sharpness` (module ``box_sharpness``): Keskar et al. eps-sharpness.

Every measure takes ``(problem, model, w, **arguments)``; :data:`MEASURES` maps their names to
the functions, which is how a sweep (``wfm.sweep.Sweep(measures=...)``) finds them.
"""
from wfm.measures.box_sharpness import sharpness
from wfm.measures.curvature import (Estimate, hessian, hessian_eigenvalues, hessian_frobenius,
                                    hessian_trace, log_volume)
from wfm.measures.energy import NOISES, LocalEnergy, local_energy

#: Measures by name, as a sweep refers to them.
MEASURES = {
    "local_energy": local_energy,
    "hessian_eigenvalues": hessian_eigenvalues,
    "log_volume": log_volume,
    "hessian_trace": hessian_trace,
    "hessian_frobenius": hessian_frobenius,
    "sharpness": sharpness,
}

__all__ = ["MEASURES", "Estimate", "LocalEnergy", "NOISES", "hessian", "hessian_eigenvalues",
           "hessian_frobenius", "hessian_trace", "local_energy", "log_volume", "sharpness"]
