"""local_entropy_exact: the binomial case (every configuration a solution: S(d) = H(d)), the
NumPy twin on small random instances, and its use as a sweep measure."""
import numpy as np
import pytest

import naive_lentropy as naive
from wfm import measures, problems
from wfm.models import Committee, Perceptron
from wfm.sweep import Sweep, run_task
from wfm.sweep.grid import problem_seed
from wfm.theory import binary_entropy

GAMMAS = [0.0, 0.5, 1.0, 2.0, 4.0]


def test_every_configuration_a_solution_gives_the_binary_entropy():
    """kappa = -10 < -sqrt(N): all 2^N configurations are solutions, c_k = binom(N, k), so
    phi = log 2cosh(gamma), d = 1 / (1 + exp(2 gamma)) and S = H(d) exactly."""
    problem = problems.storage(11, P=5, seed=0)
    result = measures.local_entropy_exact(problem, Perceptron(11, kappa=-10.0), np.ones(11), gammas=GAMMAS)
    gammas = np.array(GAMMAS)
    assert result.solutions == 2 ** 11 and result.n_weights == 11
    np.testing.assert_allclose(result.phi, np.logaddexp(gammas, -gammas), rtol=1e-12)
    np.testing.assert_allclose(result.distance, 1 / (1 + np.exp(2 * gammas)), rtol=1e-12)
    np.testing.assert_allclose(result.entropy, binary_entropy(result.distance), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("model", [Perceptron(12), Perceptron(11, kappa=0.2), Committee(12, 3)],
                         ids=["perceptron", "kappa", "committee"])
def test_matches_the_naive_enumeration(model, seed):
    problem = problems.storage(model.N, 0.4, seed=seed)
    reference = np.where(np.random.default_rng(seed).random(model.shape) < 0.5, 1, -1).astype(np.int8)
    result = measures.local_entropy_exact(problem, model, reference, gammas=GAMMAS)
    counts = naive.distance_counts(naive.solutions(problem, model), reference)
    np.testing.assert_array_equal(result.counts, counts)
    assert result.solutions == counts.sum()
    if counts.sum() == 0:
        assert np.all(np.isnan(result.entropy))
        return
    phi, d, S = naive.exact_local(counts, GAMMAS)
    np.testing.assert_allclose(result.phi, phi, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(result.distance, d, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(result.entropy, S, rtol=1e-10, atol=1e-12)


def test_around_a_solution_bounded_by_the_binary_entropy_and_zero_at_d_zero():
    problem = problems.storage(15, 0.5, seed=3)
    model = Perceptron(15)
    w = naive.configuration(int(naive.solutions(problem, model)[0]), model.shape)
    result = measures.local_entropy_exact(problem, model, w, gammas=[0.0, 1.0, 3.0, 30.0])
    assert result.counts[0] == 1
    assert np.all(result.entropy <= binary_entropy(result.distance) + 1e-12)
    assert result.entropy[0] == pytest.approx(np.log(result.solutions) / 15, rel=1e-12)
    assert result.distance[-1] < 1e-10 and abs(result.entropy[-1]) < 1e-9   # collapses on w~


def test_rejects_what_enumeration_cannot_do():
    problem = problems.storage(31, 0.3, seed=0)
    with pytest.raises(ValueError, match="limited to 30"):
        measures.local_entropy_exact(problem, Perceptron(31), np.ones(31), gammas=[0.0])
    with pytest.raises(ValueError, match="gammas"):
        measures.local_entropy_exact(problems.storage(9, 0.3, seed=0), Perceptron(9), np.ones(9), gammas=[])


def test_sweep_measure_around_an_exact_sample():
    """The "exact" algorithm draws a uniform solution; the measure's total entropy (gamma = 0)
    is log(count) / N with the count the sampler reports."""
    task = Sweep(problem={"kind": "storage"}, model={"model": "perceptron", "weights": "binary"},
                 algorithm="exact", product={"N": [13], "alpha": [0.4]}, seeds=1,
                 measures={"local_entropy_exact": {"gammas": GAMMAS}}).tasks()[0]
    record = run_task(task)
    assert record["status"] == "done", record["message"]
    arrays, results = record["arrays"], record["results"]
    assert results["local_entropy_exact.solutions"] == results["extra.count"]
    assert results["local_entropy_exact.n_weights"] == 13
    problem = problems.storage(13, P=5, seed=problem_seed(task))
    counts = naive.distance_counts(naive.solutions(problem, Perceptron(13)), arrays["w"])
    np.testing.assert_array_equal(arrays["measures/local_entropy_exact/counts"], counts)
    assert arrays["measures/local_entropy_exact/entropy"][0] == pytest.approx(
        np.log(results["extra.count"]) / 13, rel=1e-12)
