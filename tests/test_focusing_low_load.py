"""Focusing solvers at low load, where solutions are plentiful: every instance must be solved.

Regression test: with damping 0.5 the reinforced AMP iteration oscillated at alpha <= 0.5 and
failed most instances there while solving harder ones at alpha = 0.6.
"""
import pytest

import wfm
from wfm import problems
from wfm.models import Perceptron


@pytest.mark.parametrize("algorithm", ["famp", "fbp"])
@pytest.mark.parametrize("alpha", [0.3, 0.5])
def test_focusing_solves_every_easy_instance_with_default_parameters(algorithm, alpha):
    N = 201
    solved = [wfm.solve(problems.storage(N, alpha, seed=s), Perceptron(N), algorithm, seed=s).solved
              for s in range(8)]
    assert all(solved), f"{algorithm} at alpha={alpha}: solved {solved}"
