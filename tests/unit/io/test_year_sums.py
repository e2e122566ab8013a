"""The projects table's cumulative columns: summed bit for bit as numpy sums a project's row of years."""

from __future__ import annotations

import numpy as np
import pytest

from cnyx_sim.io.results import _sums_over_years


@pytest.mark.parametrize("n_years", [*range(0, 41), 64, 100, 127, 128, 129, 200])
def test_sums_over_years_are_bit_identical_to_numpys_row_sums_of_the_project_major_copy(n_years):
    rng = np.random.default_rng(n_years)
    values = rng.standard_normal((n_years, 300)) * 10.0 ** rng.integers(-9, 9, (n_years, 300))
    values[:, :5] = -0.0  # signed zeros: numpy's reduction starts from +0
    if n_years:
        values[0, 5] = np.inf
    got = _sums_over_years(values)
    expected = np.ascontiguousarray(values.T).sum(axis=1)
    np.testing.assert_array_equal(got.view(np.uint64), expected.view(np.uint64))


def test_sums_over_years_read_a_year_major_view_without_changing_it():
    storage = np.arange(60, dtype=float).reshape(15, 4)
    before = storage.copy()
    np.testing.assert_array_equal(_sums_over_years(storage[:, :3]), before[:, :3].sum(axis=0))
    np.testing.assert_array_equal(storage, before)
