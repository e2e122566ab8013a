"""Projects as producers in their host city-sector (J1)-(J2), hand-computed; city-sector sums of project values
exact, in project order, float also when empty."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnyx_sim.mechanisms import project_production as jp
from cnyx_sim.mechanisms.project_production import by_city_sector


@given(st.integers(0, 60), st.integers(0, 2**32 - 1))
def test_city_sector_sums_are_bit_identical_to_sequential_addition_in_project_order(n, seed):
    rng = np.random.default_rng(seed)
    city, sector = rng.integers(0, 3, n), rng.integers(0, 4, n)
    values = rng.standard_normal(n) * 10.0 ** rng.integers(-8, 8, n)
    expected = np.zeros((3, 4))
    np.add.at(expected, (city, sector), values)
    got = by_city_sector(values, city, sector, (3, 4))
    assert got.dtype == np.float64 and got.shape == (3, 4)
    np.testing.assert_array_equal(got.view(np.uint64), expected.view(np.uint64))


def test_no_projects_sum_to_a_float_zero_array():
    got = by_city_sector(np.zeros(0), np.zeros(0, dtype=np.int16), np.zeros(0, dtype=np.int16), (2, 5))
    assert got.dtype == np.float64 and not got.any() and got.shape == (2, 5)


def test_no_projects_given_as_empty_lists_sum_to_a_float_zero_array():
    # an empty Python list is a float64 array to numpy: the city and sector positions are still read as integers
    got = by_city_sector([], [], [], (2, 3))
    assert got.dtype == np.float64 and got.shape == (2, 3) and not got.any()


def test_j1_effective_capital_is_capacity_times_productivity_to_one_over_alpha_times_capital():
    effective = jp.effective_capital(np.array([10.0, 10.0]), np.array([1.0, 0.5]), np.array([1.21, 8.0]),
                                     np.array([0.5, 0.25]))
    assert effective.tolist() == pytest.approx([1.21**2 * 10.0, 0.5 * 8.0**4 * 10.0], rel=1e-12)


def test_projects_in_the_same_city_sector_add_up():
    totals = jp.by_city_sector(np.array([1.0, 2.0, 4.0]), np.array([0, 0, 1]), np.array([1, 1, 0]), (2, 2))
    assert totals.tolist() == [[0.0, 3.0], [4.0, 0.0]]


def test_j2_a_projects_share_is_its_effective_capital_over_its_city_sectors_and_zero_where_there_is_none():
    # a city-sector with less than 1 亿元 of effective capital is a city-sector like any other
    shares = jp.producer_shares(np.array([0.1, 0.3, 5.0]), np.array([0, 0, 1]), np.array([1, 1, 0]),
                                np.array([[0.0, 0.5], [0.0, 0.0]]))
    assert shares.tolist() == pytest.approx([0.2, 0.6, 0.0], rel=1e-12)


def test_j2_a_negligible_project_gets_a_negligible_share_without_a_floating_point_error():
    # the tests raise on floating-point errors: 1e-300 of effective capital in 1e10 is a share that underflows
    share = jp.producer_shares(np.array([1e-300]), np.array([0]), np.array([0]), np.array([[1e10]]))
    assert share[0] == pytest.approx(0.0, abs=1e-300)
