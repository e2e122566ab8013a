"""City-sector sums of project values (J1-J3 helpers): exact, in project order, float also when empty."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

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
