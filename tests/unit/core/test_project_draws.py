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


def test_a_rekeyed_generator_gives_the_numbers_of_a_fresh_philox_with_that_key():
    import hashlib

    draws = ProjectDraws(5, 2)
    for purpose, year, origin in (("core", 2024, 0), ("parks", 2024, 0), ("core", 2031, 3), ("core", 2024, -1)):
        got = draws._generator(purpose, year, origin).random(9)  # partly consumed streams must not leak over
        key = repr(("cnyx_sim.projects", 5, 2, ("core", "parks").index(purpose), year, origin))
        digest = hashlib.blake2b(key.encode(), digest_size=16).digest()
        fresh = np.random.Generator(np.random.Philox(key=np.frombuffer(digest, dtype=np.uint64))).random(9)
        np.testing.assert_array_equal(got, fresh)


def test_a_years_stacked_arrivals_are_each_origins_own_arrivals_in_origin_order():
    rates = [40.0, 0.0, 75.0, 3.0]
    counts, u, units, parks = ProjectDraws(9, 1).year_arrivals(2027, rates, 10, 6, poisson_quantile)
    start = 0
    for o, rate in enumerate(rates):
        n, own_u, own_units, own_parks = ProjectDraws(9, 1).arrivals(2027, o, rate, 10, 6, poisson_quantile)
        assert counts[o] == n
        for name in PROJECT_UNIFORMS:
            np.testing.assert_array_equal(u[name][start:start + n], own_u[name])
        np.testing.assert_array_equal(units[start:start + n], own_units)
        np.testing.assert_array_equal(parks[start:start + n], own_parks)
        start += n
    assert start == len(units) == len(parks) and counts[1] == 0
