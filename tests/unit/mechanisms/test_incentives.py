"""City incentive packages under the competition regime (T8)-(T9)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnyx_sim.mechanisms import incentives as inc

ARGS = dict(regime_year=2025, max_land_discount=(0.6, 0.3), max_tax_rebate=(0.5, 0.0), disguised_share=0.3)


def test_rebates_are_removed_from_the_regime_year_unless_authorised():
    discount, rebate, service = np.array([0.5, 0.5]), np.array([0.4, 0.4]), np.array([0.5, 0.5])
    authorised = np.array([0, 2030])
    d, r, q = inc.effective_package(discount, rebate, service, 2024, authorised_until=authorised, **ARGS)
    assert d.tolist() == [0.5, 0.5] and r.tolist() == [0.4, 0.4] and q.tolist() == [0.5, 0.5]
    d, r, q = inc.effective_package(discount, rebate, service, 2025, authorised_until=authorised, **ARGS)
    assert d.tolist() == [0.3, 0.3]
    assert r.tolist() == [0.0, 0.4]
    assert q == pytest.approx([0.5 + 0.3 * 0.4, 0.5])  # part of the removed rebate survives as perks
    _, r, _ = inc.effective_package(discount, rebate, service, 2031, authorised_until=authorised, **ARGS)
    assert r.tolist() == [0.0, 0.0]  # the programme ended in 2030


def test_adaptive_cities_raise_packages_when_growth_falls_short_within_bounds():
    d, r = inc.adjust_package(np.array([0.2]), np.array([0.2]), np.array([0.04]), 0.5, 0.3, np.array([0.0]))
    assert d == pytest.approx([0.22]) and r.tolist() == [0.0]


# Rounded: conftest makes numpy raise on underflow, and a gap like 5e-324 times a rate underflows.
_rounded = lambda low, high: st.floats(low, high).map(lambda x: round(x, 6))  # noqa: E731


@settings(max_examples=50, deadline=None)
@given(_rounded(0, 1), _rounded(0, 1), _rounded(-1, 1), st.integers(2020, 2035))
def test_packages_always_stay_within_the_regime_bounds(discount, rebate, gap, year):
    ceiling = inc.rebate_ceiling(year, 2025, (0.5, 0.0), np.array([0]))
    max_discount = inc.regime_bound(year, 2025, (0.6, 0.3))
    d, r = inc.adjust_package(np.array([discount]), np.array([rebate]), np.array([gap]), 0.5, max_discount, ceiling)
    assert 0 <= d[0] <= max_discount and 0 <= r[0] <= ceiling[0]


def test_an_authorised_programme_keeps_rebates_through_its_last_year_capped_at_the_pre_regime_ceiling():
    rebate, service = np.array([0.6, 0.3]), np.array([0.95, 0.5])
    authorised = np.array([2026, 2026])
    _, r, q = inc.effective_package(np.zeros(2), rebate, service, 2026, authorised_until=authorised, **ARGS)
    assert r == pytest.approx([0.5, 0.3])  # authorised: the pre-regime cap 0.5 still applies
    assert q == pytest.approx([0.95 + 0.3 * 0.1, 0.5])  # the part cut by the cap survives as perks too
    _, r, q = inc.effective_package(np.zeros(2), rebate, service, 2027, authorised_until=authorised, **ARGS)
    assert r.tolist() == [0.0, 0.0]
    assert q == pytest.approx([1.0, 0.5 + 0.3 * 0.3])  # service quality never exceeds 1
    np.testing.assert_array_equal(inc.rebate_ceiling(2026, 2025, (0.5, 0.0), authorised), [0.5, 0.5])
    np.testing.assert_array_equal(inc.rebate_ceiling(2024, 2025, (0.5, 0.1), np.array([0, 0])), [0.5, 0.5])


def test_adaptive_packages_t9_hand_computed_in_both_directions_and_at_every_bound():
    discount, rebate = np.array([0.2, 0.2]), np.array([0.1, 0.1])
    # shortfall 0.8: 0.2 + 0.5 * 0.8 = 0.6 -> capped at 0.3; rebates 0.5 -> capped per unit at 0.45 and 0.6
    d, r = inc.adjust_package(discount, rebate, np.array([0.8, 0.8]), 0.5, 0.3, np.array([0.45, 0.6]))
    assert d.tolist() == [0.3, 0.3] and r == pytest.approx([0.45, 0.5])
    # growth above target by 0.5: 0.2 - 0.25 -> 0; 0.1 - 0.25 -> 0; a small gap moves both by eta x gap
    d, r = inc.adjust_package(discount, rebate, np.array([-0.5, 0.1]), 0.5, 0.3, np.array([0.45, 0.45]))
    assert d == pytest.approx([0.0, 0.25]) and r == pytest.approx([0.0, 0.15])
