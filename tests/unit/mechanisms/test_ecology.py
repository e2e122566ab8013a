"""Ecology (E1)-(E6): energy and CO2, the siting rule and compensation flows, by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cnyx_sim.mechanisms import ecology


def test_intensity_index_compounds_the_declines_of_the_simulated_years_only():
    declines = np.array([0.5, 0.1, 0.2, 0.3])  # position 0 is the base year: never used
    assert ecology.intensity_index(declines, 0) == 1.0
    assert ecology.intensity_index(declines, 2) == pytest.approx(0.9 * 0.8)


def test_energy_and_co2_follow_value_added_by_sector_hand_computed():
    energy = ecology.energy_use(np.array([[10.0, 20.0], [0.0, 1.0]]), np.array([0.5, 2.0]), 0.9)
    np.testing.assert_allclose(energy, [0.9 * (5 + 40), 0.9 * 2])
    np.testing.assert_allclose(ecology.co2_emissions(energy, 2.0, 0.95), 2.0 * 0.95 * energy)


def test_the_siting_rule_closes_the_riverside_share_of_sites_to_chemical_projects_hand_computed():
    chemical = np.array([0.0, 0.5])  # sector 0 no chemical projects, sector 1 half
    riverside = np.array([0.3, 0.0])  # unit 0 riverside, unit 1 inland
    np.testing.assert_allclose(ecology.open_site_share(chemical, riverside, 1.0, True), [[1, 1], [0.85, 1]])
    # a 4 km strip covers min(1, 1.2) = all of unit 0's sites
    np.testing.assert_allclose(ecology.open_site_share(chemical, riverside, 4.0, True), [[1, 1], [0.5, 1]])
    np.testing.assert_allclose(ecology.open_site_share(chemical, riverside, 1.0, False), 1.0)


def test_the_location_utility_loses_the_log_of_the_closed_share():
    shift = ecology.siting_utility(np.array([[1.0, 0.85], [0.0, 0.5]]))
    assert shift[0, 0] == 0.0 and shift[0, 1] == pytest.approx(math.log(0.85))
    assert shift[1, 0] == -np.inf and shift[1, 1] == pytest.approx(math.log(0.5))


def test_compensation_pays_both_ways_by_the_months_the_target_is_met_hand_computed():
    # one pair: unit 0 upstream, unit 1 downstream, 1.2亿/yr; target met 9 of 12 months
    flows = ecology.compensation_flows(np.array([0]), np.array([1]), np.array([1.2]), np.array([True]),
                                       np.array([9]), n_units=3)
    np.testing.assert_allclose(flows.paid, [0.3, 0.9, 0.0])
    np.testing.assert_allclose(flows.received, [0.9, 0.3, 0.0])
    np.testing.assert_allclose(flows.net, [0.6, -0.6, 0.0])


def test_a_pair_not_in_force_pays_nothing():
    flows = ecology.compensation_flows(np.array([0]), np.array([1]), np.array([1.2]), np.array([False]),
                                       np.array([12]), n_units=2)
    assert flows.paid.sum() == flows.received.sum() == 0.0


def test_months_are_drawn_one_binomial_per_pair_in_pair_order():
    months = ecology.draw_months(np.array([1.0, 0.0, 0.7]), np.random.default_rng(3))
    assert months[0] == 12 and months[1] == 0
    assert months[2] == np.random.default_rng(3).binomial(12, [1.0, 0.0, 0.7])[2]
