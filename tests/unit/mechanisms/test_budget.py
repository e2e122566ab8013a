"""City budgets (B1)-(B9): hand-computed years, the borrowing limit, and the link to (F7)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnyx_sim.mechanisms import fiscal
from cnyx_sim.mechanisms.budget import budget_year


def one(revenue=100.0, share=0.35, incentive=0.0, debt=0.0, transfer=0.0, interest=0.03, limit=1.2, park=0.0):
    return budget_year(np.array([revenue]), np.array([share]), np.array([incentive]), np.array([debt]),
                       transfer, interest, limit, park)


def test_without_incentives_or_debt_the_budget_reduces_to_f7():
    revenue, share = np.array([100.0, 40.0]), np.array([0.35, 0.2])
    out = budget_year(revenue, share, np.zeros(2), np.zeros(2), 0.0, 0.03, 1.2, 0.0)
    np.testing.assert_allclose(out.public_investment, fiscal.public_investment(revenue, share))
    np.testing.assert_allclose(out.infrastructure_investment, out.public_investment)
    np.testing.assert_allclose(out.debt, 0.0)
    np.testing.assert_allclose(out.balance, 0.0)


def test_incentives_are_borrowed_for_within_the_limit():
    out = one(incentive=10.0)
    assert out.public_investment[0] == pytest.approx(35.0)
    assert out.debt[0] == pytest.approx(10.0)
    assert out.balance[0] == pytest.approx(-10.0)


def test_public_investment_is_cut_to_keep_debt_at_the_limit_by_hand():
    # interest 0.03 * 118 = 3.54; deficit 13.54; headroom 120 - 118 = 2; cut 11.54 -> IG = 23.46, debt = 120
    out = one(incentive=10.0, debt=118.0)
    assert out.interest[0] == pytest.approx(3.54)
    assert out.public_investment[0] == pytest.approx(23.46)
    assert out.debt[0] == pytest.approx(120.0)
    assert not out.is_over_limit[0]


def test_commitments_beyond_the_limit_zero_public_investment_and_flag_the_breach():
    out = one(incentive=50.0, debt=120.0)
    assert out.public_investment[0] == 0.0
    assert out.debt[0] == pytest.approx(120.0 + 3.6 + 50.0 - 35.0)
    assert out.is_over_limit[0]


def test_transfers_add_to_revenue_and_park_land_takes_its_share():
    out = one(transfer=0.5, park=0.4)
    assert out.revenue[0] == pytest.approx(150.0)
    assert out.public_investment[0] == pytest.approx(52.5)
    assert out.park_land_investment[0] == pytest.approx(21.0)
    assert out.infrastructure_investment[0] == pytest.approx(31.5)


def money(high):
    # cents of 亿元: realistic magnitudes without subnormal floats (np.seterr raises on underflow)
    return st.integers(0, int(high * 100)).map(lambda cents: cents / 100.0)


def fraction(high=1.0):
    return st.integers(0, 1000).map(lambda k: high * k / 1000.0)


@settings(max_examples=200, deadline=None)
@given(revenue=money(1e4), share=fraction(), incentive=money(1e3), debt=money(2e4),
       interest=fraction(0.2), limit=fraction(5.0))
def test_new_borrowing_beyond_the_limit_happens_only_after_public_investment_is_cut_to_zero(
        revenue, share, incentive, debt, interest, limit):
    out = one(revenue, share, incentive, debt, 0.0, interest, limit)
    assert out.public_investment[0] >= 0.0
    assert out.public_investment[0] <= share * revenue * (1 + 1e-12) + 1e-12
    assert out.debt[0] == pytest.approx(debt - out.balance[0])
    if out.is_over_limit[0] and out.debt[0] > debt * (1 + 1e-12) + 1e-12:
        assert out.public_investment[0] == 0.0
    # budget identity: revenue = spending + balance
    spending = out.current_spending + out.public_investment + out.incentive_cost + out.interest
    assert (out.revenue - spending)[0] == pytest.approx(out.balance[0], abs=1e-9 * max(1.0, revenue + debt))


def test_incentives_paid_from_the_investment_envelope_by_hand():
    # (C4): f_I = 0.5 of an incentive cost of 10 comes out of IG* = 35; the other 5 is borrowed
    out = budget_year(np.array([100.0]), np.array([0.35]), np.array([10.0]), np.array([0.0]), 0.0, 0.03, 1.2, 0.0,
                      incentive_funding_share=0.5)
    assert out.public_investment[0] == pytest.approx(30.0)
    assert out.debt[0] == pytest.approx(5.0)
    assert out.balance[0] == pytest.approx(-5.0)


@given(st.integers(0, 20_000).map(lambda x: x / 100), st.integers(0, 60).map(lambda x: x / 100),
       st.integers(0, 10_000).map(lambda x: x / 100), st.integers(0, 100).map(lambda x: x / 100))
def test_every_yuan_of_revenue_is_spent_or_borrowed_whatever_the_funding_share(revenue, share, incentive, funded):
    out = budget_year(np.array([revenue]), np.array([share]), np.array([incentive]), np.array([0.0]), 0.0, 0.03,
                      1.2, 0.0, incentive_funding_share=funded)
    spending = out.current_spending + out.public_investment + out.incentive_cost + out.interest
    np.testing.assert_allclose(spending - revenue, -out.balance, atol=1e-9)
    assert out.public_investment[0] >= 0.0


def test_a_breach_of_the_borrowing_limit_by_less_than_one_yi_yuan_is_flagged_and_one_at_the_limit_is_not():
    # revenue 100, limit 1.2 -> 120; debt 119.5 at 0 % interest; incentives 35.5 exceed the planned investment 35:
    # investment is cut to 0 and debt ends at 119.5 + 0.5 = 120 (at the limit), or 120.4 with incentives 35.9
    at_limit = one(incentive=35.5, debt=119.5, interest=0.0)
    assert at_limit.public_investment[0] == 0.0 and at_limit.debt[0] == pytest.approx(120.0)
    assert not at_limit.is_over_limit[0]
    over = one(incentive=35.9, debt=119.5, interest=0.0)
    assert over.debt[0] == pytest.approx(120.4) and over.is_over_limit[0]


def test_b1_b2_transfers_are_reported_and_ecological_compensation_adds_to_revenue_by_unit():
    out = budget_year(np.array([10.0, 20.0]), np.array([0.35, 0.35]), 0.0, np.zeros(2), 0.5, 0.0, 1.2, 0.0,
                      other_transfers=np.array([0.5, -0.5]))
    assert out.transfers.tolist() == [5.0, 10.0]  # tau_T x own revenue
    assert out.revenue.tolist() == [15.5, 29.5]
    assert out.incentive_cost.tolist() == [0.0, 0.0]  # a scalar cost is reported per unit


def test_a_unit_with_less_than_one_yi_yuan_of_revenue_has_a_borrowing_limit_below_one_yi_yuan():
    # revenue 0.5, limit 1.2 x 0.5 = 0.6 < debt 0.7: no headroom, so the 0.3 of incentives cut public investment
    # (planned 0.175) to 0; balance 0.5 - 0.325 - 0 - 0.3 = -0.125; debt 0.825 > 0.6 is a breach
    out = one(revenue=0.5, incentive=0.3, debt=0.7, interest=0.0)
    assert out.public_investment[0] == 0.0
    assert out.debt[0] == pytest.approx(0.825, rel=1e-12)
    assert bool(out.is_over_limit[0])
    # debt exactly at a limit below 1 亿元 (0.6) is not a breach
    assert not bool(one(revenue=0.5, debt=0.6, interest=0.0).is_over_limit[0])


def test_c4_at_the_borrowing_limit_only_the_borrowed_part_of_the_incentives_cuts_public_investment():
    # debt 120 = the limit, no interest: f_I = 0.5 of incentives 10 comes out of IG* = 35 (planned 30); the other
    # 5 would be borrowed but there is no headroom, so public investment is cut by 5 to 25; debt stays at 120
    out = budget_year(np.array([100.0]), np.array([0.35]), np.array([10.0]), np.array([120.0]), 0.0, 0.0, 1.2, 0.0,
                      incentive_funding_share=0.5)
    assert out.public_investment[0] == pytest.approx(25.0)
    assert out.balance[0] == pytest.approx(0.0, abs=1e-12)
    assert out.debt[0] == pytest.approx(120.0)


def test_pd5_a_park_contribution_is_borrowed_for_and_at_the_limit_cuts_public_investment():
    # within the limit: balance 100 - 65 - 35 - 4 = -4, public investment unchanged
    free = budget_year(np.array([100.0]), np.array([0.35]), np.zeros(1), np.zeros(1), 0.0, 0.0, 1.2, 0.0,
                       park_contribution=np.array([4.0]))
    assert free.public_investment[0] == pytest.approx(35.0)
    assert free.balance[0] == pytest.approx(-4.0)
    assert free.debt[0] == pytest.approx(4.0)
    # debt 120 at the limit: the contribution 4 cuts public investment from 35 to 31; balance 0
    at_limit = budget_year(np.array([100.0]), np.array([0.35]), np.zeros(1), np.array([120.0]), 0.0, 0.0, 1.2, 0.0,
                           park_contribution=np.array([4.0]))
    assert at_limit.public_investment[0] == pytest.approx(31.0)
    assert at_limit.balance[0] == pytest.approx(0.0, abs=1e-12)
