"""The algorithm registry and wfm.solve: validation, JSON parameters, recomputed errors."""
import json

import numpy as np
import pytest

import wfm
from wfm import algorithms, problems
from wfm.algorithms import protocols
from wfm.models import Committee, Perceptron


def test_registered_names_include_the_solvers():
    assert {"exact", "bp", "amp", "fbp", "famp", "perceptron"} <= set(algorithms.names())


def test_result_params_are_json_and_round_trip_into_the_algorithm():
    p = problems.storage(41, 0.4, seed=0)
    result = wfm.solve(p, Perceptron(41), "fbp", seed=1, protocol=protocols.PseudoReinforcement(0.05))
    text = json.dumps(result.params)
    again = wfm.solve(p, Perceptron(41), "fbp", seed=1, **json.loads(text))
    assert np.array_equal(result.w, again.w) and result.errors == again.errors


@pytest.mark.parametrize("protocol", [protocols.StandardReinforcement(0.02), protocols.PseudoReinforcement(0.05, x=0.4),
                                      protocols.AdaptiveReinforcement(0.02, patience=0.2, max_steps=300),
                                      protocols.Scoping(3.0, [0.1, 0.5, 1.0]), protocols.FreeScoping([(0.1, 2.0), (1.0, 5.0)])])
def test_protocol_spec_round_trip(protocol):
    rebuilt = protocols.resolve(json.loads(json.dumps(protocol.spec())))
    assert rebuilt.spec() == protocol.spec()
    assert list(rebuilt) == list(protocol)


def test_solve_recomputes_errors_with_the_model():
    p = problems.storage(15, 0.6, seed=2)
    result = wfm.solve(p, Perceptron(15), "exact", seed=0)
    assert result.errors == Perceptron(15).errors(p, result.w)
    assert result.solved == (result.errors == 0) and result.seconds >= 0


@pytest.mark.parametrize("call, error, message", [
    (lambda p: wfm.solve(p, Perceptron(15), "annealing", seed=0), ValueError, "algorithm must be one of"),
    (lambda p: wfm.solve(p, Perceptron(15), "fbp", seed=0, dampin=0.3), ValueError, "unknown parameter"),
    (lambda p: wfm.solve(p, Perceptron(16), "fbp", seed=0), ValueError, "expects N = 16"),
    (lambda p: wfm.solve(p, Perceptron(15, weights="spherical"), "fbp", seed=0), ValueError, "does not support"),
    (lambda p: wfm.solve(p, Committee(15, 3, activation="relu"), "famp", seed=0), ValueError, "does not support"),
    (lambda p: wfm.solve(p, Perceptron(15), "fbp", seed=-1), ValueError, "seed must be >= 0"),
    (lambda p: wfm.solve(p, Perceptron(15), "fbp", seed=0, protocol={"protocol": "slow"}), ValueError,
     "protocol spec must name"),
])
def test_solve_rejects_bad_calls(call, error, message):
    with pytest.raises(error, match=message):
        call(problems.storage(15, 0.5, seed=0))
