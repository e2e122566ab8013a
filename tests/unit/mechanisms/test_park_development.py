"""Parks that grow (PD1-PD6): hand-computed orders and contribution shares, the budget outlay, and the
property that contributions add up to the spending."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnyx_sim.mechanisms import budget, park_development


def _orders(free, pipeline, developed, initial, is_open=(True,), rho=0.25, gamma=0.2, m=3.0):
    return park_development.development_orders(np.array(free, float), np.array(pipeline, float),
                                               np.array(developed, float), np.array(initial, float),
                                               np.array(is_open), rho, gamma, m)


def test_a_full_park_orders_its_yearly_maximum_and_a_park_with_free_land_orders_nothing():
    # developed 3000: reserve 750; free 0 -> gap 750 > gamma A = 600 -> 600 ordered
    assert _orders([0.0], [0.0], [3000.0], [3000.0])[0] == pytest.approx(600.0)
    # free 1000 >= reserve 750 -> nothing
    assert _orders([1000.0], [0.0], [3000.0], [3000.0])[0] == 0.0


def test_the_order_restores_the_reserve_counting_land_on_its_way():
    # reserve 750, free 400, on order 200 -> 150
    assert _orders([400.0], [200.0], [3000.0], [3000.0])[0] == pytest.approx(150.0)


def test_a_park_never_grows_beyond_its_planned_area_and_a_closed_park_orders_nothing():
    # planned 3 x 3000 = 9000; developed 8800, on order 100 -> at most 100 more
    assert _orders([0.0], [100.0], [8800.0], [3000.0])[0] == pytest.approx(100.0)
    assert _orders([0.0], [300.0], [8800.0], [3000.0])[0] == 0.0
    assert _orders([0.0], [0.0], [3000.0], [3000.0], is_open=(False,))[0] == 0.0


def _shares(rule, split=(0.5,), in_force=(True,), park=(0,), partner_unit=(1,), partner_external=(-1,),
            host=(0,), partners=((1,),)):
    return park_development.contribution_shares(
        np.array(host), 3, 1, np.array(park), np.array(partner_unit), np.array(partner_external),
        np.array(split, float), np.array(in_force), [list(p) for p in partners], rule)


def test_contribution_shares_follow_the_parks_sharing_terms():
    # 高竹 50:50: host unit 0 pays half, partner unit 1 half
    np.testing.assert_allclose(_shares("sharing_terms")[0], [0.5, 0.5, 0.0, 0.0])
    # two partners (unit 1 and external 0) with the split divided: 0.25 each, host 0.5
    shares = _shares("sharing_terms", split=(0.25, 0.25), in_force=(True, True), park=(0, 0),
                     partner_unit=(1, -1), partner_external=(-1, 0), partners=((1, 3),))
    np.testing.assert_allclose(shares[0], [0.5, 0.25, 0.0, 0.25])


def test_a_park_without_terms_in_force_is_funded_by_its_host_and_the_scenario_may_say_otherwise():
    np.testing.assert_allclose(_shares("sharing_terms", in_force=(False,))[0], [1.0, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(_shares("host_only")[0], [1.0, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(_shares("equal", partners=((1, 3),))[0], [1 / 3, 1 / 3, 0.0, 1 / 3])
    with pytest.raises(ValueError, match="unknown funding rule"):
        _shares("whoever_pays")


def test_contributions_are_the_cost_split_by_the_shares():
    shares = np.array([[0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 0.6, 0.4]])
    paid = park_development.contributions(np.array([2.0, 10.0]), shares)
    np.testing.assert_allclose(paid, [1.0, 1.0, 6.0, 4.0])


def test_the_contribution_is_a_committed_outlay_of_the_budget():
    base = budget.budget_year(np.array([100.0]), np.array([0.3]), np.zeros(1), np.zeros(1), 0.0, 0.03, 1.2, 0.0)
    with_parks = budget.budget_year(np.array([100.0]), np.array([0.3]), np.zeros(1), np.zeros(1), 0.0, 0.03, 1.2,
                                    0.0, park_contribution=np.array([5.0]))
    # within the borrowing limit: public investment unchanged, the contribution is borrowed for
    assert with_parks.public_investment[0] == pytest.approx(base.public_investment[0])
    assert with_parks.balance[0] == pytest.approx(base.balance[0] - 5.0)
    # at the limit (debt 120 = 1.2 x revenue): public investment is cut by the contribution
    at_limit = budget.budget_year(np.array([100.0]), np.array([0.3]), np.zeros(1), np.array([120.0]), 0.0, 0.0, 1.2,
                                  0.0, park_contribution=np.array([5.0]))
    assert at_limit.public_investment[0] == pytest.approx(30.0 - 5.0)


@settings(max_examples=60, deadline=None)
@given(n_parks=st.integers(1, 5), seed=st.integers(0, 2**32 - 1),
       rule=st.sampled_from(park_development.FUNDING_RULES))
def test_contributions_add_up_to_the_spending_on_every_park(n_parks, seed, rule):
    rng = np.random.default_rng(seed)
    n_units, n_external = 4, 2
    host = rng.integers(0, n_units, n_parks)
    n_rows = int(rng.integers(0, 2 * n_parks + 1))
    park = rng.integers(-1, n_parks, n_rows)
    is_unit = rng.random(n_rows) < 0.6
    partner_unit = np.where(is_unit, rng.integers(0, n_units, n_rows), -1)
    partner_external = np.where(is_unit, -1, rng.integers(0, n_external, n_rows))
    split = rng.random(n_rows)
    in_force = rng.random(n_rows) < 0.8
    partners = [list(rng.choice(n_units + n_external, size=int(rng.integers(1, 3)), replace=False)) for _ in
                range(n_parks)]
    shares = park_development.contribution_shares(host, n_units, n_external, park, partner_unit, partner_external,
                                                  split, in_force, partners, rule)
    assert (shares >= -1e-12).all()
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    cost = rng.random(n_parks) * 10
    assert park_development.contributions(cost, shares).sum() == pytest.approx(cost.sum())


def test_a_partner_that_is_unit_zero_pays_its_share():
    # host unit 1, partner unit 0 with split 0.3
    np.testing.assert_allclose(_shares("sharing_terms", split=(0.3,), partner_unit=(0,), host=(1,))[0],
                               [0.3, 0.7, 0.0, 0.0])


def test_a_park_row_without_a_partner_gives_nothing_away():
    np.testing.assert_allclose(_shares("sharing_terms", partner_unit=(-1,), partner_external=(-1,))[0],
                               [1.0, 0.0, 0.0, 0.0])


def test_the_second_external_partner_pays_in_its_own_column():
    # 3 units, 2 external partners: external 1 is column 3 + 1 = 4
    shares = park_development.contribution_shares(np.array([0]), 3, 2, np.array([0]), np.array([-1]), np.array([1]),
                                                  np.array([0.4]), np.array([True]), [[4]], "sharing_terms")
    np.testing.assert_allclose(shares[0], [0.6, 0.0, 0.0, 0.0, 0.4])


def test_overlapping_agreements_of_a_park_with_one_partner_add_up():
    shares = _shares("sharing_terms", split=(0.2, 0.3), in_force=(True, True), park=(0, 0), partner_unit=(1, 1),
                     partner_external=(-1, -1))
    np.testing.assert_allclose(shares[0], [0.5, 0.5, 0.0, 0.0])


def test_shares_above_everything_are_scaled_per_park_not_over_all_parks():
    # park 0: partner 1 with 0.6; park 1: partner 2 with 0.6 -> each park's partners take 0.6 (none above 1;
    # the two parks together would be 1.2, which must not scale either)
    shares = _shares("sharing_terms", split=(0.6, 0.6), in_force=(True, True), park=(0, 1), partner_unit=(1, 2),
                     partner_external=(-1, -1), host=(0, 0), partners=((1,), (2,)))
    np.testing.assert_allclose(shares, [[0.4, 0.6, 0.0, 0.0], [0.4, 0.0, 0.6, 0.0]])
    # one park given away 1.5 in all: scaled to its partners alone (0.9 / 1.5, 0.6 / 1.5), host pays nothing
    over = _shares("sharing_terms", split=(0.9, 0.6), in_force=(True, True), park=(0, 0), partner_unit=(1, 2),
                   partner_external=(-1, -1), partners=((1, 2),))
    np.testing.assert_allclose(over[0], [0.0, 0.6, 0.4, 0.0])
