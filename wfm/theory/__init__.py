r"""Reference results of the statistical physics of learning.

Closed forms and replica predictions against which simulations are checked, one module per
model:

- :mod:`wfm.theory.spherical`: Cover's counting theorem, Gardner's capacity, Eqs. (1)-(3).
- :mod:`wfm.theory.binary_perceptron`: RS entropy of the solutions of the binary perceptron
  and its Krauth-Mezard capacity, Eqs. (4)-(6).
- :mod:`wfm.theory.teacher_student`: Bayes-optimal binary teacher-student, Eqs. (7)-(10).

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
from wfm.theory.spherical import cover_probability, gardner_capacity
from wfm.theory.teacher_student import teacher_student_binary_perceptron, teacher_student_transitions

__all__ = [
    "binary_entropy",
    "cover_probability",
    "gardner_capacity",
    "krauth_mezard_capacity",
    "rs_entropy_binary_perceptron",
    "rs_saddle_binary_perceptron",
    "teacher_student_binary_perceptron",
    "teacher_student_transitions",
]
