"""wfm: wide flat minima in the learning landscapes of perceptrons and committee machines.

The main entry points:

- :mod:`wfm.problems` builds instances (random patterns, teacher-student, digits);
- :mod:`wfm.models` describes the networks (perceptrons, committee machines);
- :func:`wfm.solve` runs a registered algorithm (``wfm.algorithms.names()``);
- :mod:`wfm.exact` and :mod:`wfm.theory` give the exact and analytic answers to check against;
- :mod:`wfm.measures` measures flatness around a point (local energy, local entropy, Hessian
  measures, sharpness), :mod:`wfm.losses` holds the smooth training losses they use and
  :mod:`wfm.reparam` the function-preserving rescalings that test their invariance;
- :mod:`wfm.sweep` runs grids of runs on local processes or Dask into an HDF5 file that
  :mod:`wfm.store` reads back as a pandas DataFrame; :mod:`wfm.analysis` and :mod:`wfm.plots`
  turn it into success rates, thresholds and figures.
"""
from wfm import _version  # noqa: E402
__version__ = _version.version()  # from git in a checkout, see wfm._version

from wfm.algorithms import Result, solve  # noqa: E402

__all__ = ["Result", "solve", "__version__"]
