"""wfm._kernels.mt19937 against its reference, numpy.random.RandomState(seed).random_sample()."""
import numpy as np
import pytest

from wfm._kernels import mt19937


def _state(seed):
    state = np.empty(mt19937.WORDS, dtype=np.uint32)
    mt19937.seed_state(seed, state)
    return state


@pytest.mark.parametrize("seed", [0, 1, 12345, 2**31 - 2, 2**32 - 1])
def test_blocks_are_the_random_state_stream(seed):
    state = _state(seed)
    np.testing.assert_array_equal(state, np.random.RandomState(seed).get_state()[1])
    blocks = np.empty(3 * mt19937.BLOCK)
    for b in range(3):
        mt19937.fill(state, blocks, b * mt19937.BLOCK)
    np.testing.assert_array_equal(blocks, np.random.RandomState(seed).random_sample(3 * mt19937.BLOCK))


@pytest.mark.parametrize("draws", [1, 3, 7])
def test_reserve_keeps_the_stream_in_order(draws):
    # Steps taking 0 to `draws` doubles, each after reserving `draws`: the doubles read are the
    # stream itself, across several refills that carry unread doubles over.
    expected = np.random.RandomState(99).random_sample(4000 * draws)
    state, buffer = _state(99), np.full(mt19937.BLOCK + draws - 1, np.nan)
    position, end, read = 0, 0, []
    steps = np.random.default_rng(0).integers(0, draws + 1, size=4000)
    for taken in steps:
        position, end = mt19937.reserve(state, buffer, position, end, draws)
        assert end - position >= draws
        read.extend(buffer[position:position + taken])
        position += taken
    np.testing.assert_array_equal(read, expected[:len(read)])
    assert len(read) > 3 * mt19937.BLOCK


def test_reserve_draws_nothing_when_enough_are_left():
    state, buffer = _state(5), np.empty(mt19937.BLOCK + 2)
    position, end = mt19937.reserve(state, buffer, 0, 0, 3)
    words = state.copy()
    assert mt19937.reserve(state, buffer, 10, end, 3) == (10, end)
    np.testing.assert_array_equal(state, words)
