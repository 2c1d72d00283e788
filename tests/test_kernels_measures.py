"""Numba kernels of wfm.measures against their NumPy twins in naive_measures."""
import numpy as np
import pytest

import naive_measures as naive
from wfm._kernels.codes import PARITY, RELU, SIGN
from wfm._kernels.committee_errors import committee_errors


@pytest.mark.parametrize("rule", [RELU, SIGN, PARITY])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_committee_errors_matches_twin(rule, dtype):
    rng = np.random.default_rng(rule)
    K, P, S = 3, 40, 7
    lam = rng.standard_normal((K, P, S)).astype(dtype)
    lam[:, :5] = rng.integers(-1, 2, size=(K, 5, S))  # exact zeros: sign(0) = -1, zero output = error
    y = rng.choice(np.array([-1, 1], dtype=dtype), size=P)
    V = rng.choice(np.array([-1, 1], dtype=dtype), size=(K, S))
    V *= rng.uniform(0.5, 2, size=(K, S)).astype(dtype)
    if rule == RELU:
        V[:, 0] = [1, 1, -1]  # integer ReLU outputs that cancel exactly
    expected = naive.committee_errors(lam, y, V, rule)
    np.testing.assert_array_equal(committee_errors(lam, y, V, rule), expected)
    assert expected.min() < expected.max()
