"""The run's transport network (T10): events that happen shorten travel times from their year on."""

from __future__ import annotations

import numpy as np

from cnyx_sim.core.network import TransportNetwork
from cnyx_sim.core.params import InfrastructureParams


def _params(probability: float) -> InfrastructureParams:
    base = np.array([[0.0, 3.0, 5.0], [3.0, 0.0, 4.0], [5.0, 4.0, 0.0]])
    return InfrastructureParams(
        nodes=("a", "b", "c"), base_travel_time=base, event_names=("rail",), event_year=np.array([2023]),
        event_probability=np.array([probability]), event_pairs=(np.array([[0, 2]]),),
        event_hours=(np.array([1.5]),), external_mass=np.zeros(3), access_decay=0.1)


def test_an_event_that_happens_shortens_its_pair_from_its_year_on_hand_computed():
    network = TransportNetwork(_params(1.0), np.random.default_rng(0))
    assert network.events_occurred.tolist() == [True]
    before = network.travel_times(2022)
    np.testing.assert_array_equal(before, _params(1.0).base_travel_time)
    after = network.travel_times(2024)
    assert after[0, 2] == after[2, 0] == 1.5
    assert after[0, 1] == 3.0 and after[1, 2] == 4.0


def test_an_event_that_does_not_happen_leaves_travel_times_unchanged():
    network = TransportNetwork(_params(0.0), np.random.default_rng(0))
    assert network.events_occurred.tolist() == [False]
    np.testing.assert_array_equal(network.travel_times(2030), _params(0.0).base_travel_time)
