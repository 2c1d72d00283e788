"""wfm: wide flat minima in the learning landscapes of perceptrons and committee machines.

The main entry points:

- :mod:`wfm.problems` builds instances (random patterns, teacher-student, digits);
- :mod:`wfm.models` describes the networks (perceptrons, committee machines);
- :func:`wfm.solve` runs a registered algorithm (``wfm.algorithms.names()``);
- :mod:`wfm.exact` and :mod:`wfm.theory` give the exact and analytic answers to check against.
"""
__version__ = "0.1.0"

from wfm.algorithms import Result, solve  # noqa: E402

__all__ = ["Result", "solve", "__version__"]
