"""The Shapley attribution (cnyx_sim.decomposition.shapley): a hand-worked game, and the axioms that make the
decomposition readable -- efficiency (channels add up to the total, run by run), symmetry (an interaction is
shared equally), null player (a channel that changes nothing gets exactly 0) -- on random value tables."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cnyx_sim.decomposition.shapley import coalition_members, shapley_values, shapley_weights


def test_a_two_channel_game_worked_by_hand():
    # v({}) = 0, v(A) = 1, v(B) = 2, v(AB) = 5: the interaction 5 - 1 - 2 = 2 is shared equally.
    phi = shapley_values(np.array([0.0, 1.0, 2.0, 5.0]))
    assert phi.tolist() == [2.0, 3.0]


def test_a_three_channel_game_worked_by_hand():
    # Only the full coalition has value 6 (a pure three-way interaction): each channel gets 2.
    values = np.zeros(8)
    values[7] = 6.0
    assert shapley_values(values) == pytest.approx([2.0, 2.0, 2.0])


def test_an_additive_game_gives_each_channel_its_own_effect():
    effects = np.array([3.0, -1.5, 0.25])
    values = np.array([sum(effects[i] for i in coalition_members(m, 3)) + 10.0 for m in range(8)])
    assert shapley_values(values) == pytest.approx(effects)


def test_weights_of_the_coalitions_without_a_channel_sum_to_one():
    for k in range(1, 9):
        weights = shapley_weights(k)
        counts = [sum(1 for m in range(1 << (k - 1)) if bin(m).count("1") == s) for s in range(k)]
        assert float(np.dot(weights, counts)) == pytest.approx(1.0)


def test_a_value_table_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError):
        shapley_values(np.zeros(6))
    with pytest.raises(ValueError):
        shapley_values(np.zeros(1))


# Outcomes of a magnitude a model produces (no subnormal numbers: the test suite raises on underflow).
outcomes = st.one_of(st.just(0.0), st.floats(1e-3, 1e6), st.floats(-1e6, -1e-3))
tables = st.integers(1, 6).flatmap(lambda k: arrays(np.float64, (1 << k, 3, 2), elements=outcomes))


@settings(max_examples=60, deadline=None)
@given(tables)
def test_efficiency_channels_add_up_to_variant_minus_base_in_every_cell(values):
    phi = shapley_values(values)
    scale = 1.0 + np.abs(values).max()
    np.testing.assert_allclose(phi.sum(axis=0), values[-1] - values[0], rtol=0, atol=1e-9 * scale)


@settings(max_examples=60, deadline=None)
@given(tables, st.data())
def test_symmetry_swapping_two_channels_swaps_their_values(values, data):
    k = values.shape[0].bit_length() - 1
    if k < 2:
        return
    i, j = data.draw(st.sampled_from([(a, b) for a in range(k) for b in range(a + 1, k)]))

    def swap(mask: int) -> int:
        a, b = mask >> i & 1, mask >> j & 1
        return mask & ~((1 << i) | (1 << j)) | (b << i) | (a << j)

    swapped = values[[swap(m) for m in range(values.shape[0])]]
    phi, phi_swapped = shapley_values(values), shapley_values(swapped)
    scale = 1.0 + np.abs(values).max()
    np.testing.assert_allclose(phi_swapped[i], phi[j], atol=1e-9 * scale)
    np.testing.assert_allclose(phi_swapped[j], phi[i], atol=1e-9 * scale)


@settings(max_examples=60, deadline=None)
@given(tables, st.data())
def test_a_channel_that_changes_nothing_gets_exactly_zero(values, data):
    k = values.shape[0].bit_length() - 1
    null = data.draw(st.integers(0, k - 1))
    bit = 1 << null
    values = values.copy()
    for mask in range(values.shape[0]):
        if mask & bit:
            values[mask] = values[mask & ~bit]
    assert np.all(shapley_values(values)[null] == 0.0)
