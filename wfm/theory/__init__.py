r"""Reference results of the statistical physics of learning.

Closed forms and replica predictions against which simulations are checked, one module per
model:

- :mod:`wfm.theory.spherical`: Cover's counting theorem, Gardner's capacity, Eqs. (1)-(3).
- :mod:`wfm.theory.binary_perceptron`: RS entropy of the solutions of the binary perceptron
  and its Krauth-Mezard capacity, Eqs. (4)-(6).
- :mod:`wfm.theory.teacher_student`: Bayes-optimal binary teacher-student, Eqs. (7)-(10).
- Local entropy of the binary perceptron (log-number of solutions at distance ``d`` from a
  reference, ``docs/science/local-entropy-theory.md``): :mod:`wfm.theory.franz_parisi` around
  typical solutions, Eqs. (11)-(14); :mod:`wfm.theory.large_deviation` around the densest
  regions, Eqs. (15)-(18); :mod:`wfm.theory.cross_entropy` around minimizers of the
  cross-entropy loss, Eqs. (19)-(22); :mod:`wfm.theory.local_entropy` all of them in one table.

Notation: ``P`` patterns in dimension ``N``, load ``alpha = P / N``, margin ``kappa``,
``Dz = exp(-z**2 / 2) dz / sqrt(2 pi)`` the standard Gaussian measure, ``G`` its density and
``H(x) = erfc(x / sqrt(2)) / 2 = int_x^inf Dz`` its tail. Entropies are in nats per weight.
"""

from wfm.theory.binary_perceptron import (
    binary_entropy,
    krauth_mezard_capacity,
    rs_entropy_binary_perceptron,
    rs_saddle_binary_perceptron,
)
from wfm.theory.cross_entropy import cross_entropy_minimizer_entropy, cross_entropy_minimizer_saddle
from wfm.theory.franz_parisi import franz_parisi_entropy, franz_parisi_saddle
from wfm.theory.large_deviation import (
    dense_region_breakdown,
    large_deviation_entropy,
    large_deviation_saddle,
)
from wfm.theory.local_entropy import local_entropy_curves
from wfm.theory.spherical import cover_probability, gardner_capacity
from wfm.theory.teacher_student import teacher_student_binary_perceptron, teacher_student_transitions

__all__ = [
    "binary_entropy",
    "cover_probability",
    "cross_entropy_minimizer_entropy",
    "cross_entropy_minimizer_saddle",
    "dense_region_breakdown",
    "franz_parisi_entropy",
    "franz_parisi_saddle",
    "gardner_capacity",
    "krauth_mezard_capacity",
    "large_deviation_entropy",
    "large_deviation_saddle",
    "local_entropy_curves",
    "rs_entropy_binary_perceptron",
    "rs_saddle_binary_perceptron",
    "teacher_student_binary_perceptron",
    "teacher_student_transitions",
]
