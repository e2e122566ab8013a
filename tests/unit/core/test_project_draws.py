"""Per-project random numbers (T2-T7): keyed by run, origin and year, row i independent of how many are drawn."""

from __future__ import annotations

import numpy as np

from cnyx_sim.core.rng import PROJECT_UNIFORMS, ProjectDraws
from cnyx_sim.mechanisms.transfer import poisson_quantile


def test_a_projects_numbers_do_not_depend_on_how_many_projects_are_drawn():
    draws = ProjectDraws(7, 3)
    small = draws.block(draws._generator("core", 2025, 1), 2025, 1, 5, 10, 6)
    large = draws.block(draws._generator("core", 2025, 1), 2025, 1, 50, 10, 6)
    for name in PROJECT_UNIFORMS:
        np.testing.assert_array_equal(small[0][name], large[0][name][:5])
    np.testing.assert_array_equal(small[1], large[1][:5])
    np.testing.assert_array_equal(small[2], large[2][:5])


def test_the_unit_shocks_do_not_depend_on_the_number_of_parks():
    draws = ProjectDraws(7, 3)
    with_parks = draws.block(draws._generator("core", 2025, 1), 2025, 1, 20, 10, 6)
    without = draws.block(draws._generator("core", 2025, 1), 2025, 1, 20, 10, 0)
    np.testing.assert_array_equal(with_parks[1], without[1])
    assert without[2].shape == (20, 0)


def test_streams_differ_by_run_origin_and_year_and_repeat_for_the_same_key():
    def first(seed, run, year, origin):
        return ProjectDraws(seed, run).arrivals(year, origin, 50.0, 10, 6, poisson_quantile)[1]["sector"][:3]

    reference = first(7, 0, 2025, 0)
    np.testing.assert_array_equal(reference, first(7, 0, 2025, 0))
    for other in (first(7, 1, 2025, 0), first(7, 0, 2026, 0), first(7, 0, 2025, 1), first(8, 0, 2025, 0)):
        assert not np.array_equal(reference, other)


def test_a_higher_rate_draws_the_same_projects_and_more():
    draws = ProjectDraws(11, 0)
    n_low, low, _, _ = draws.arrivals(2030, 2, 80.0, 10, 6, poisson_quantile)
    n_high, high, _, _ = draws.arrivals(2030, 2, 120.0, 10, 6, poisson_quantile)
    assert n_high >= n_low
    np.testing.assert_array_equal(low["size_radius"], high["size_radius"][:n_low])
    assert all(np.all((u > 0) & (u < 1)) for u in low.values())
