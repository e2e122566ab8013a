"""Fiscal block (ODD 7.6): hand-computed (F1)-(F8) on two cities and two sectors, edge cases and bounds."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from cnyx_sim.core.params import TAXES
from cnyx_sim.mechanisms import fiscal

ALPHA = np.array([0.5, 0.25])


def decimal(low: float, high: float) -> st.SearchStrategy[float]:
    """Floats with at most 6 decimals: no tiny magnitudes whose products underflow (the suite raises on it)."""
    return st.floats(low, high).map(lambda x: round(x, 6))


def test_tax_order_is_vat_cit_pit_property():
    assert TAXES[:4] == ("vat", "cit", "pit", "property")


def test_cit_rate_f2_blends_western_and_standard_rates_while_the_policy_runs():
    q = np.array([0.0, 0.5, 1.0])
    np.testing.assert_allclose(fiscal.cit_rate(2025, 0.25, 0.15, 2030, q), [0.25, 0.20, 0.15], rtol=1e-15)
    np.testing.assert_allclose(fiscal.cit_rate(2030, 0.25, 0.15, 2030, q), [0.25, 0.20, 0.15], rtol=1e-15)


def test_cit_rate_f2_is_standard_after_the_western_policy_ends():
    q = np.array([0.0, 0.5, 1.0])
    np.testing.assert_allclose(fiscal.cit_rate(2031, 0.25, 0.15, 2030, q), [0.25, 0.25, 0.25])


def test_gross_taxes_f1_to_f4_hand_computed():
    va = np.array([[100.0, 200.0], [0.0, 50.0]])
    taxes = fiscal.gross_taxes(
        va, ALPHA, vat_rate=np.array([0.1, 0.06]), profit_share=np.array([0.2, 0.25]),
        cit_rate_by_sector=np.array([0.25, 0.15]), pit_rate=0.02, property_rate=0.01,
    )
    assert taxes.shape == (2, 2, 4)
    # city 0, sector 0: VAT 10, CIT 0.25*0.2*100 = 5, PIT 0.02*0.5*100 = 1, property 1
    np.testing.assert_allclose(taxes[0, 0], [10.0, 5.0, 1.0, 1.0], rtol=1e-14)
    # city 0, sector 1: VAT 12, CIT 0.15*0.25*200 = 7.5, PIT 0.02*0.75*200 = 3, property 2
    np.testing.assert_allclose(taxes[0, 1], [12.0, 7.5, 3.0, 2.0], rtol=1e-14)
    # a sector without value added pays nothing
    np.testing.assert_array_equal(taxes[1, 0], np.zeros(4))
    np.testing.assert_allclose(taxes[1, 1], [3.0, 1.875, 0.75, 0.5], rtol=1e-14)


@given(scale=st.floats(0.1, 10.0))
@settings(max_examples=20, deadline=None)
def test_gross_taxes_are_proportional_to_nominal_value_added(scale):
    va = np.array([[100.0, 200.0], [30.0, 50.0]])
    args = dict(capital_share=ALPHA, vat_rate=np.array([0.1, 0.06]), profit_share=np.array([0.2, 0.25]),
                cit_rate_by_sector=np.array([0.25, 0.15]), pit_rate=0.02, property_rate=0.01)
    np.testing.assert_allclose(fiscal.gross_taxes(scale * va, **args), scale * fiscal.gross_taxes(va, **args),
                               rtol=1e-13)


def test_city_revenue_f5_f6_hand_computed():
    taxes = np.array([[10.0, 5.0, 1.0, 1.0], [20.0, 10.0, 2.0, 2.0]])
    local, city = fiscal.city_revenue(taxes, np.array([0.5, 0.4, 0.4, 1.0]), np.array([0.3, 0.5]))
    np.testing.assert_allclose(local, [[5.0, 2.0, 0.4, 1.0], [10.0, 4.0, 0.8, 2.0]], rtol=1e-14)
    np.testing.assert_allclose(city, [[3.5, 1.4, 0.28, 0.7], [5.0, 2.0, 0.4, 1.0]], rtol=1e-14)


def test_city_part_never_exceeds_local_part_nor_gross_tax():
    taxes = np.array([[10.0, 5.0, 1.0, 1.0]])
    local, city = fiscal.city_revenue(taxes, np.array([0.5, 0.4, 0.4, 1.0]), np.array([0.0]))
    np.testing.assert_allclose(city, local)
    local, city = fiscal.city_revenue(taxes, np.array([0.5, 0.4, 0.4, 1.0]), np.array([1.0]))
    np.testing.assert_array_equal(city, np.zeros((1, 4)))
    assert np.all(local <= taxes)


def test_public_investment_f7_and_public_capital_hand_computed():
    inv = fiscal.public_investment(np.array([40.0, 10.0]), np.array([0.3, 0.5]))
    np.testing.assert_allclose(inv, [12.0, 5.0], rtol=1e-15)
    # G' = (1 - 0.04) * 100 + 12 / 1.2 = 96 + 10
    np.testing.assert_allclose(fiscal.next_public_capital(np.array([100.0]), np.array([12.0]), 1.2, 0.04), [106.0])


def test_public_capital_f7_steady_state_when_investment_replaces_depreciation():
    g = np.array([250.0, 80.0])
    np.testing.assert_allclose(fiscal.next_public_capital(g, 0.04 * g * 1.3, 1.3, 0.04), g, rtol=1e-14)


def test_investment_share_f8_hand_computed_including_both_bounds():
    share = np.array([0.3, 0.3, 0.55, 0.12])
    growth = np.array([0.05, 0.09, 0.0, 0.5])
    out = fiscal.adjust_investment_share(share, 0.09, growth, 0.5, (0.1, 0.6))
    # 0.3 + 0.5*0.04 ; 0.3 ; 0.55 + 0.045 = 0.595 ; 0.12 - 0.205 -> lower bound 0.1
    np.testing.assert_allclose(out, [0.32, 0.3, 0.595, 0.1], rtol=1e-13)
    np.testing.assert_allclose(fiscal.adjust_investment_share(np.array([0.5]), 0.09, np.array([-0.5]), 0.5,
                                                              (0.1, 0.6)), [0.6])


@given(
    share=hnp.arrays(np.float64, 6, elements=decimal(0.0, 1.0)),
    growth=hnp.arrays(np.float64, 6, elements=decimal(-1.0, 1.0)),
    target=decimal(-0.5, 0.5),
    adjustment=decimal(0.0, 20.0),
    low=decimal(0.0, 1.0),
    width=decimal(0.0, 1.0),
)
@settings(max_examples=60, deadline=None)
def test_investment_share_f8_always_stays_within_bounds(share, growth, target, adjustment, low, width):
    high = min(1.0, low + width)
    out = fiscal.adjust_investment_share(share, target, growth, adjustment, (low, high))
    assert np.all(out >= low) and np.all(out <= high)


def test_investment_share_f8_moves_toward_more_investment_when_growth_falls_short():
    share = np.full(3, 0.35)
    out = fiscal.adjust_investment_share(share, 0.09, np.array([0.05, 0.09, 0.12]), 0.5, (0.1, 0.6))
    assert out[0] > 0.35 and out[1] == 0.35 and out[2] < 0.35
