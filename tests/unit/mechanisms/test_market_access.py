"""Market access in production (M1)-(M4), by hand on two units and one external node."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cnyx_sim.mechanisms import market_access as ma

TIMES = np.array([[0.0, 1.0, 2.0], [1.0, 0.0, 0.5]])  # [unit, node]: units a, b, then an external core
BORDER = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 1.0]])  # a and b across the line; the core on a's side
MASS = np.array([100.0, 50.0, 400.0])


def test_trade_costs_add_the_part_of_the_border_cost_not_removed_hand_computed():
    costs = ma.trade_costs(TIMES, decay=1.0, border_cost=0.5, border_removed=0.2, border_pairs=BORDER)
    np.testing.assert_allclose(costs, [[0.0, 1.4, 2.0], [1.4, 0.0, 0.9]])


def test_domestic_access_weighs_each_mass_by_its_trade_cost_hand_computed():
    costs = ma.trade_costs(TIMES, 1.0, 0.5, 0.0, BORDER)
    access = ma.domestic_access(MASS, costs)
    assert access[0] == pytest.approx(100 + 50 * math.exp(-1.5) + 400 * math.exp(-2.0))
    assert access[1] == pytest.approx(100 * math.exp(-1.5) + 50 + 400 * math.exp(-1.0))


def test_the_index_is_one_when_costs_are_those_of_the_base_year():
    base = ma.domestic_access(MASS, ma.trade_costs(TIMES, 1.0, 0.5, 0.0, BORDER))
    index = ma.access_index(base, base, np.array([0.05, 0.2]), np.ones(2))
    np.testing.assert_allclose(index, 1.0)
    np.testing.assert_allclose(ma.productivity_multiplier(index, 0.06), 1.0)


def test_the_index_mixes_domestic_and_foreign_access_by_the_foreign_share_hand_computed():
    index = ma.access_index(np.array([120.0]), np.array([100.0]), np.array([0.1]), np.array([1.5]))
    assert index[0] == pytest.approx(0.9 * 1.2 + 0.1 * 1.5)
    assert ma.productivity_multiplier(index, 0.06)[0] == pytest.approx(1.23 ** 0.06)


def test_a_faster_link_raises_the_served_unit_and_leaves_a_bypassed_one_unchanged():
    base = ma.domestic_access(MASS, ma.trade_costs(TIMES, 1.0, 0.0, 0.0, BORDER))
    faster = TIMES.copy()
    faster[0, 2] = 0.5  # a new line from unit a to the core; unit b is bypassed
    after = ma.domestic_access(MASS, ma.trade_costs(faster, 1.0, 0.0, 0.0, BORDER))
    assert after[0] > base[0]
    assert after[1] == base[1]


def test_removing_the_border_cost_raises_access_only_across_the_line():
    full = ma.domestic_access(MASS, ma.trade_costs(TIMES, 1.0, 0.5, 0.0, BORDER))
    removed = ma.domestic_access(MASS, ma.trade_costs(TIMES, 1.0, 0.5, 1.0, BORDER))
    no_border = ma.domestic_access(MASS, ma.trade_costs(TIMES, 1.0, 0.0, 0.0, BORDER))
    np.testing.assert_allclose(removed, no_border)
    assert np.all(removed > full)


def test_a_node_days_away_adds_nothing_to_access_without_a_floating_point_error():
    # exp(-800) underflows to 0 (the tests raise on floating-point errors): the far node simply weighs nothing
    access = ma.domestic_access(np.array([5.0, 1e6]), np.array([[0.0, 800.0]]))
    assert access.tolist() == [5.0]


def test_m4_access_below_the_base_year_lowers_productivity_and_unchanged_access_keeps_it_exactly():
    multiplier = ma.productivity_multiplier(np.array([0.25, 1.0]), 0.5)
    assert multiplier.tolist() == [0.5, 1.0]
