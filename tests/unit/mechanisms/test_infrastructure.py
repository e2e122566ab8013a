"""Travel-time events and market access (T10)-(T11)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from cnyx_sim.mechanisms import infrastructure as infra


def test_mid_year_events_take_effect_from_the_next_annual_step():
    assert infra.effective_year(dt.date(2021, 6, 28)) == 2022
    assert infra.effective_year(dt.date(2023, 12, 26)) == 2024
    assert infra.effective_year(dt.date(2024, 1, 1)) == 2024


def _three_nodes():
    base = np.array([[0.0, 2.0, 3.0], [2.0, 0.0, 1.5], [3.0, 1.5, 0.0]])
    return base, np.array([2022, 2025]), (np.array([[0, 1]]), np.array([[2, 0], [1, 2]])), (
        np.array([0.5]), np.array([4.0, 1.0]))


def test_events_shorten_travel_times_symmetrically_from_their_year_only():
    base, years, pairs, hours = _three_nodes()
    occurred = np.array([True, True])
    before = infra.travel_times(base, years, occurred, pairs, hours, 2021)
    assert np.array_equal(before, base)
    t2022 = infra.travel_times(base, years, occurred, pairs, hours, 2022)
    assert t2022[0, 1] == t2022[1, 0] == 0.5
    t2025 = infra.travel_times(base, years, occurred, pairs, hours, 2025)
    assert t2025[0, 2] == 3.0  # an event never slows a link (4 h > 3 h)
    assert t2025[1, 2] == t2025[2, 1] == 1.0
    assert base[0, 1] == 2.0  # the base matrix is not modified


def test_an_event_that_did_not_occur_changes_nothing():
    base, years, pairs, hours = _three_nodes()
    times = infra.travel_times(base, years, np.array([False, False]), pairs, hours, 2030)
    assert np.array_equal(times, base)


def test_event_draws_are_reproducible_and_respect_certain_events():
    p = np.array([1.0, 0.0, 0.5])
    a = infra.draw_event_occurrence(p, np.random.default_rng(3))
    b = infra.draw_event_occurrence(p, np.random.default_rng(3))
    assert np.array_equal(a, b) and a[0] and not a[1]


def test_market_access_hand_computed():
    mass = np.array([100.0, 50.0, 1000.0])
    times = np.array([[0.0, 1.0, 2.0]])
    expected = 100 + 50 * math.exp(-1) + 1000 * math.exp(-2)
    assert infra.market_access(mass, times, 1.0) == pytest.approx([expected])


def test_each_event_gets_its_own_uniform_from_the_events_stream():
    p = np.full(40, 0.5)
    drawn = infra.draw_event_occurrence(p, np.random.default_rng(8))
    np.testing.assert_array_equal(drawn, np.random.default_rng(8).random(40) < 0.5)
    assert 0 < drawn.sum() < 40  # independent events: some happen, some do not


def test_an_event_that_did_not_happen_does_not_hold_back_a_later_one_that_did():
    base, years, pairs, hours = _three_nodes()
    times = infra.travel_times(base, years, np.array([False, True]), pairs, hours, 2025)
    assert times[0, 1] == 2.0  # the 2022 event did not happen
    assert times[1, 2] == times[2, 1] == 1.0  # the 2025 one did
