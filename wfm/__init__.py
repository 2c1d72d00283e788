"""wfm: wide flat minima in the learning landscapes of perceptrons and committee machines.

The main entry points:

- :mod:`wfm.problems` builds instances (random patterns, teacher-student, digits);
- :mod:`wfm.models` describes the networks (perceptrons, committee machines);
- :func:`wfm.solve` runs a registered algorithm (``wfm.algorithms.names()``);
- :mod:`wfm.exact` and :mod:`wfm.theory` give the exact and analytic answers to check against;
- :mod:`wfm.measures` measures flatness around a point (local energy, local entropy, Hessian
  measures, sharpness), :mod:`wfm.losses` holds the smooth training losses they use and
  :mod:`wfm.reparam` the function-preserving rescalings that test their invariance;
  :mod:`wfm.energy` keeps the training energy of a weight vector move by move;
- :mod:`wfm.sweep` runs grids of runs on local processes or Dask into an HDF5 file that
  :mod:`wfm.store` reads back as a pandas DataFrame; :mod:`wfm.analysis` and :mod:`wfm.plots`
  turn it into success rates, thresholds and figures; :mod:`wfm.studies` holds one module per
  figure.

``import wfm`` gives every one of them as an attribute (``wfm.theory.gardner_capacity``...),
imported on first use (PEP 562): importing them all up front (Numba kernels, SciPy, pandas,
matplotlib) would make ``import wfm`` several times slower (``python -X importtime -c "import wfm"``).
"""
import importlib

from wfm import _version

__version__ = _version.version()  # from git in a checkout, see wfm._version

from wfm.algorithms import Result, solve  # noqa: E402

#: The submodules ``import wfm`` gives as attributes, imported on first access.
SUBMODULES = ("algorithms", "analysis", "energy", "exact", "losses", "measures", "models",
              "plots", "problems", "reparam", "store", "studies", "sweep", "theory")

__all__ = ["Result", "solve", "__version__"]


def __getattr__(name):
    if name in SUBMODULES:
        return importlib.import_module(f"wfm.{name}")
    raise AttributeError(f"module 'wfm' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(SUBMODULES))
