"""The park development engine on the tiny world, by hand (PD1-PD6): park ``p`` hosted by unit ``a`` (100 亩 at
the start, partner ``b``). With rho 0.5, gamma 0.2 and m 3, a park with 35 亩 free and nothing on order orders
0.5 x 100 - 35 = 15 亩 (below the ceiling min(0.2 x 100, 3 x 100 - 100) = 20); at c_L 0.01 亿元/亩 and P = 2 it
costs 0.3 亿元, paid by the parties on the terms in force in the year."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from cnyx_sim.core.params import ParkDevelopmentParams
from cnyx_sim.core.parks import ParkDevelopmentEngine
from cnyx_sim.mechanisms.tax_sharing import AgreementSet

DEVELOPMENT = ParkDevelopmentParams(is_enabled=True, reserve_share=0.5, max_growth=0.2, max_multiple=3.0,
                                    lag_years=1, land_cost=0.01, funding="sharing_terms")
FREE = np.array([35.0])  # 亩 free after the location choice: the order is 15 亩


def engine(tiny, external_partners=(), transfer="default", **development) -> ParkDevelopmentEngine:
    params = tiny.params(transfer=tiny.transfer() if transfer == "default" else transfer)
    params = dataclasses.replace(params, park_development=dataclasses.replace(DEVELOPMENT, **development))
    return ParkDevelopmentEngine(params, ("a", "b"), tuple(external_partners))


def agreements(**row) -> AgreementSet:
    """One park agreement on park p with partner b, 40 % (the defaults: in force for ever)."""
    return AgreementSet.from_records([dict(park=0, partner_unit=1, split=0.4, **row)], 4)


def test_a_single_park_orders_land_to_restore_its_reserve_and_the_parties_pay_on_the_terms_in_force(tiny):
    parks = engine(tiny)
    year = parks.order(2022, FREE, 2.0, agreements())
    np.testing.assert_allclose(year.recorded["park_development_spending"], [0.01 * 2.0 * 15.0, 0.0])
    np.testing.assert_allclose(year.contribution, [0.6 * 0.3, 0.4 * 0.3])
    np.testing.assert_allclose(year.recorded["park_development_contribution"], [0.18, 0.12])
    np.testing.assert_array_equal(year.recorded["park_development_external"], [0.0, 0.0])
    np.testing.assert_array_equal(year.recorded["park_land_developed"], [100.0, 0.0])  # one entry per unit
    np.testing.assert_allclose(parks.deliver(2023), [15.0])  # (PD6) lag one year
    np.testing.assert_allclose(parks.recorded_developed(), [115.0, 0.0])


def test_land_on_order_counts_against_the_next_order(tiny):
    parks = engine(tiny, lag_years=2)
    first = parks.order(2022, FREE, 1.0, agreements())  # 15 亩 due in 2024
    np.testing.assert_array_equal(parks.deliver(2023), [0.0])
    second = parks.order(2023, FREE, 1.0, agreements())  # 50 - 35 - 15 on order = 0
    assert first.recorded["park_development_spending"][0] == pytest.approx(0.15)
    np.testing.assert_array_equal(second.recorded["park_development_spending"], [0.0, 0.0])
    np.testing.assert_allclose(parks.deliver(2024), [15.0])


def test_a_park_orders_land_from_the_year_it_opens(tiny):
    transfer = tiny.transfer(parks=tiny.parks(start_year=np.array([2022])))
    not_yet = engine(tiny, transfer=transfer).order(2021, FREE, 1.0, agreements())
    opening = engine(tiny, transfer=transfer).order(2022, FREE, 1.0, agreements())
    np.testing.assert_array_equal(not_yet.recorded["park_development_spending"], [0.0, 0.0])
    np.testing.assert_allclose(opening.recorded["park_development_spending"], [0.15, 0.0])


@pytest.mark.parametrize(("year", "partner_pays"), [(2021, False), (2022, True), (2023, True), (2024, True)])
def test_the_partner_pays_only_in_the_years_its_agreement_is_in_force_both_ends_included(tiny, year, partner_pays):
    year_paid = engine(tiny).order(year, FREE, 1.0, agreements(start_year=2022, end_year=2024))
    expected = [0.6 * 0.15, 0.4 * 0.15] if partner_pays else [0.15, 0.0]
    np.testing.assert_allclose(year_paid.contribution, expected)


def test_after_its_agreement_ends_the_host_pays_alone(tiny):
    year_paid = engine(tiny).order(2023, FREE, 1.0, agreements(start_year=2021, end_year=2022))
    np.testing.assert_allclose(year_paid.contribution, [0.15, 0.0])


def test_equal_funding_splits_the_cost_between_the_host_and_each_partner_external_ones_included(tiny):
    # the park's partners are unit b and kunshan, the second of the sharing block's external partners
    transfer = tiny.transfer(parks=tiny.parks(partners=(("b", "kunshan"),)))
    parks = engine(tiny, external_partners=("guangzhou", "kunshan"), transfer=transfer, funding="equal")
    year = parks.order(2022, FREE, 1.0, agreements())
    np.testing.assert_allclose(year.contribution, [0.05, 0.05])
    np.testing.assert_allclose(year.recorded["park_development_external"], [0.05, 0.0])


def test_a_parks_external_partner_unknown_to_the_sharing_block_still_pays_its_part(tiny):
    transfer = tiny.transfer(parks=tiny.parks(partners=(("b", "kunshan"),)))
    parks = engine(tiny, external_partners=(), transfer=transfer, funding="equal")
    assert parks.external == ("kunshan",)  # the parties after the units: external partners only
    year = parks.order(2022, FREE, 1.0, agreements())
    np.testing.assert_allclose(year.contribution, [0.05, 0.05])
    np.testing.assert_allclose(year.recorded["park_development_external"], [0.05, 0.0])


def test_without_the_transfer_block_there_is_no_park_and_nothing_is_ordered_or_delivered(tiny):
    parks = engine(tiny, transfer=None)
    assert not parks.is_active
    assert parks.developed.shape == (0,)
    year = parks.order(2022, None, 1.0, agreements())
    for values in (year.contribution, *year.recorded.values()):
        np.testing.assert_array_equal(values, [0.0, 0.0])
    assert parks.deliver(2023).shape == (0,)
    np.testing.assert_array_equal(parks.recorded_developed(), [0.0, 0.0])
