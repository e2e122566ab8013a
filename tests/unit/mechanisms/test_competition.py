"""Incentive competition (C1-C3): hand-computed best responses, budgets, coordination and the fixed point."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnyx_sim.mechanisms import competition


def test_neighbours_are_units_within_the_travel_time_and_not_the_unit_itself():
    times = np.array([[0.0, 0.8, 2.0], [0.8, 0.0, 1.0], [2.0, 1.0, 0.0]])
    np.testing.assert_array_equal(competition.neighbours(times, 1.0),
                                  [[False, True, False], [True, False, True], [False, True, False]])
    isolated = competition.neighbours(times, 0.5)
    packages = np.array([0.1, 0.2, 0.4])
    np.testing.assert_allclose(competition.neighbour_mean(packages, competition.neighbours(times, 1.0)),
                               [0.2, 0.25, 0.2])
    np.testing.assert_allclose(competition.neighbour_mean(packages, isolated), packages)  # no neighbour: own


def test_best_response_by_hand():
    # (1 - 0.87) * 0.2 + 0.87 * 0.3 + 0.5 * 0.01 = 0.026 + 0.261 + 0.005
    assert competition.best_response(0.2, 0.3, 0.87, 0.5, 0.01) == pytest.approx(0.292)


def test_budget_scales_a_package_that_costs_more_than_its_share_of_revenue():
    assert competition.budget_scale(5.0, 100.0, 0.1) == 1.0
    assert competition.budget_scale(20.0, 100.0, 0.1) == pytest.approx(0.5)
    assert competition.budget_scale(0.0, 0.0, 0.1) == 1.0


def test_coordination_caps_or_sets_the_common_package_only_when_in_force():
    assert competition.coordinate(0.35, 0.2, "cap", True, 0.6) == pytest.approx(0.2)
    assert competition.coordinate(0.1, 0.2, "cap", True, 0.6) == pytest.approx(0.1)
    assert competition.coordinate(0.1, 0.2, "common", True, 0.6) == pytest.approx(0.2)
    assert competition.coordinate(0.1, 0.2, "common", True, 0.0) == 0.0  # the regime bound still binds
    assert competition.coordinate(0.35, 0.2, "common", False, 0.6) == pytest.approx(0.35)
    assert competition.coordinate(0.9, 0.2, "none", True, 0.6) == pytest.approx(0.6)
    with pytest.raises(ValueError):
        competition.coordinate(0.1, 0.2, "merge", True, 0.6)


def test_symmetric_neighbours_converge_to_the_fixed_point_reference_plus_amplified_push():
    # x* = x0 + eta * gap / (1 - r) for symmetric units with a common push (C1)
    x, r, x0, push = 0.2, 0.87, 0.2, 0.5 * 0.002
    for _ in range(400):
        x = competition.best_response(x0, x, r, 0.5, 0.002)
    assert x == pytest.approx(x0 + push / (1 - r), rel=1e-6)


@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.floats(0.0, 0.99), st.floats(-0.2, 0.2),
       st.sampled_from(competition.COORDINATION), st.booleans(), st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_the_chosen_package_stays_within_its_bounds(reference, neighbour, reaction, gap, mode, in_force, common,
                                                     upper):
    response = competition.best_response(reference, neighbour, reaction, 0.5, gap)
    package = competition.coordinate(response, common, mode, in_force, upper)
    assert 0.0 <= package <= upper
    if in_force and mode != "none":
        assert package <= common + 1e-12


def test_the_budget_bounds_a_small_package_of_a_unit_with_revenue_below_one():
    # revenue 0.5 亿元, share 0.1: limit 0.05, a package costing 0.1 is halved (C2); a cost below 1 亿元 too
    assert competition.budget_scale(0.1, 0.5, 0.1) == pytest.approx(0.5)
    # revenue 1, share 0.1: limit 0.1, a package costing 0.5 is scaled to 0.2
    assert competition.budget_scale(0.5, 1.0, 0.1) == pytest.approx(0.2)


def test_an_unknown_coordination_is_refused_by_name():
    with pytest.raises(ValueError, match=r"coordination must be one of .*'merge'"):
        competition.coordinate(0.1, 0.2, "merge", True, 0.6)
