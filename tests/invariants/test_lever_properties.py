"""Invariants of the plan's other levers over random inputs (hypothesis): compensation flows are conserved and
never negative; open site shares stay in [0, 1] and fall with a wider strip; market access is 1 when nothing
changes and never falls when a travel time shortens; foreign access never falls as gateways open."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cnyx_sim.mechanisms import ecology, market_access, opening

seeds = st.integers(0, 2**32 - 1)


@settings(max_examples=200, deadline=None)
@given(seed=seeds, n_units=st.integers(2, 12), n_pairs=st.integers(0, 20))
def test_compensation_is_conserved_and_non_negative(seed, n_units, n_pairs):
    rng = np.random.default_rng(seed)
    up = rng.integers(0, n_units, n_pairs)
    down = (up + rng.integers(1, n_units, n_pairs)) % n_units  # never the upstream unit
    amount = rng.uniform(0, 5, n_pairs)
    months = ecology.draw_months(rng.random(n_pairs), rng)
    flows = ecology.compensation_flows(up, down, amount, rng.random(n_pairs) < 0.7, months, n_units)
    assert np.all(flows.paid >= 0) and np.all(flows.received >= 0)
    assert flows.paid.sum() == np.float64(flows.received.sum()) or np.isclose(flows.paid.sum(), flows.received.sum(),
                                                                               rtol=1e-12, atol=1e-12)
    assert abs(flows.net.sum()) <= 1e-9 * max(1.0, amount.sum())
    assert np.all((months >= 0) & (months <= 12))


@settings(max_examples=200, deadline=None)
@given(seed=seeds, width=st.floats(0.0, 20.0), wider=st.floats(0.0, 5.0))
def test_open_site_shares_stay_in_the_unit_interval_and_fall_with_a_wider_strip(seed, width, wider):
    rng = np.random.default_rng(seed)
    chemical, riverside = rng.random(4), rng.random(6)
    narrow = ecology.open_site_share(chemical, riverside, width, True)
    wide = ecology.open_site_share(chemical, riverside, width + wider, True)
    assert np.all((narrow >= 0) & (narrow <= 1)) and np.all(wide <= narrow)


@settings(max_examples=200, deadline=None)
@given(seed=seeds, n_units=st.integers(1, 8), n_external=st.integers(0, 3), decay=st.floats(0.01, 10.0),
       border=st.floats(0.0, 5.0), removed=st.floats(0.0, 1.0))
def test_market_access_is_one_without_change_and_rises_when_a_link_shortens(seed, n_units, n_external, decay, border,
                                                                               removed):
    rng = np.random.default_rng(seed)
    n_nodes = n_units + n_external
    times = rng.uniform(0.1, 5.0, (n_units, n_nodes))
    times[np.arange(n_units), np.arange(n_units)] = 0.0
    pairs = (rng.random((n_units, n_nodes)) < 0.5).astype(float)
    pairs[np.arange(n_units), np.arange(n_units)] = 0.0
    mass = rng.uniform(1.0, 1e4, n_nodes)
    share = rng.random(n_units) * 0.3
    base = market_access.domestic_access(mass, market_access.trade_costs(times, decay, border, removed, pairs))
    np.testing.assert_array_equal(market_access.access_index(base, base, share, np.ones(n_units)), 1.0)
    faster = times * np.where(rng.random(times.shape) < 0.3, 0.5, 1.0)
    after = market_access.domestic_access(mass, market_access.trade_costs(faster, decay, border, removed, pairs))
    index = market_access.access_index(after, base, share, np.ones(n_units))
    assert np.all(index >= 1.0 - 1e-12)


@settings(max_examples=200, deadline=None)
@given(seed=seeds, n_gateways=st.integers(0, 6), theta=st.floats(1.0, 12.0), year=st.integers(2021, 2035))
def test_foreign_access_is_at_least_one_and_never_falls_as_years_pass(seed, n_gateways, theta, year):
    rng = np.random.default_rng(seed)
    years = rng.integers(2022, 2036, n_gateways)
    cuts = rng.uniform(0.0, 0.9, n_gateways)
    serves = rng.random((n_gateways, 5)) < 0.5
    now = opening.foreign_access(year, years, cuts, serves, theta)
    later = opening.foreign_access(year + 1, years, cuts, serves, theta)
    assert np.all(now >= 1.0) and np.all(later >= now)
