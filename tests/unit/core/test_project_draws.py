"""Per-project random numbers (T2-T7): keyed by run, origin and year, row i independent of how many are drawn."""

from __future__ import annotations

import warnings

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


def test_a_count_rule_that_returns_a_plain_number_is_accepted():
    def three(uniform, rate):
        return 3  # a fixed count, not an array

    draws = ProjectDraws(9, 1)
    n, u, units, parks = draws.arrivals(2027, 0, 1.0, 4, 2, three)
    assert n == 3 and len(u["sector"]) == 3 and units.shape == (3, 4) and parks.shape == (3, 2)
    counts, u, units, parks = draws.year_arrivals(2027, [1.0, 2.0], 4, 2, three)
    np.testing.assert_array_equal(counts, [3, 3])
    assert units.shape == (6, 4) and parks.shape == (6, 2)


def test_a_year_without_origins_has_no_arrivals_and_integer_counts():
    counts, u, units, parks = ProjectDraws(9, 1).year_arrivals(2027, [], 10, 6, poisson_quantile)
    assert counts.shape == (0,) and counts.dtype == np.int64
    assert units.shape == (0, 10) and parks.shape == (0, 6)
    assert all(len(u[name]) == 0 for name in PROJECT_UNIFORMS)


class _ZeroStream:
    """A generator whose every uniform is exactly 0.0 (possible, with probability 2**-53, for a real one)."""

    def random(self, size=None, out=None):
        if out is not None:
            out[...] = 0.0
            return out
        return 0.0 if size is None else np.zeros(size)


def test_a_uniform_drawn_as_zero_is_moved_into_the_open_interval_so_its_log_stays_finite(monkeypatch):
    monkeypatch.setattr(ProjectDraws, "_generator", lambda self, purpose, year, origin: _ZeroStream())
    tiny = np.finfo(float).tiny
    counts, u, units, parks = ProjectDraws(9, 1).year_arrivals(2027, [1.0, 1.0], 3, 2, lambda uniform, rate: 2)
    np.testing.assert_array_equal(counts, [2, 2])
    for values in (*u.values(), units, parks):
        assert np.all(values == tiny)
    n, u, units, parks = ProjectDraws(9, 1).arrivals(2027, 0, 1.0, 3, 2, lambda uniform, rate: 2)
    for values in (*u.values(), units, parks):
        assert np.all(values == tiny)


def test_drawing_project_numbers_uses_no_deprecated_numpy_call():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a deprecation today is an error in a later numpy
        draws = ProjectDraws(9, 1)
        draws.arrivals(2027, 0, 30.0, 10, 6, poisson_quantile)
        draws.year_arrivals(2027, [30.0, 5.0], 10, 6, poisson_quantile)
        draws.relocations(2027, 4, 10, 6)
