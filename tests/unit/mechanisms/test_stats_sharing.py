"""Statistics splitting (D1)-(D5): official (在地) versus credited ledgers."""

from __future__ import annotations

import numpy as np
import pytest

from cnyx_sim.core.params import TAXES
from cnyx_sim.mechanisms.stats_sharing import quantities, split_statistics
from cnyx_sim.mechanisms.tax_sharing import (
    BASIS_FULL_PRODUCTION,
    KIND_REFERRAL,
    ActivityTable,
    AgreementSet,
)

N_TAXES = len(TAXES)
IS_INDUSTRY = np.array([False, True])  # sector 0 services, sector 1 industry
ALWAYS = np.array([True])


def park_rows():
    # Row 0: industrial project in park 0 hosted by unit 0. Row 1: services firm in unit 1, no park.
    return ActivityTable.build(np.zeros((2, N_TAXES)), host=[0, 1], park=[0, -1], sector=[1, 0],
                               value_added_nominal=[10.0, 6.0], investment_nominal=[4.0, 1.0])


def test_quantities_are_gdp_industrial_va_and_fai():
    np.testing.assert_allclose(quantities(park_rows(), IS_INDUSTRY), [[10.0, 10.0, 4.0], [6.0, 0.0, 1.0]])


def test_park_split_moves_credit_from_host_to_partner_by_hand():
    agreements = AgreementSet.from_records([dict(park=0, partner_unit=1, stat_split=[0.5, 0.3, 0.2])], N_TAXES)
    result = split_statistics(park_rows(), agreements, 2025, None, ALWAYS, IS_INDUSTRY, 2, 0)
    np.testing.assert_allclose(result.official, [[10.0, 10.0, 4.0], [6.0, 0.0, 1.0]])
    np.testing.assert_allclose(result.credited, [[5.0, 7.0, 3.2], [11.0, 3.0, 1.8]])
    np.testing.assert_allclose(result.credited.sum(axis=0), result.official.sum(axis=0))
    assert len(result.ledger) == 3  # one ledger row per quantity


def test_unhonoured_split_leaves_credited_equal_to_official():
    agreements = AgreementSet.from_records([dict(park=0, partner_unit=1, stat_split=[0.5, 0.5, 0.5])], N_TAXES)
    result = split_statistics(park_rows(), agreements, 2025, None, np.array([False]), IS_INDUSTRY, 2, 0)
    np.testing.assert_array_equal(result.credited, result.official)


def test_external_partner_credit_is_the_regional_difference():
    agreements = AgreementSet.from_records([dict(park=0, partner_external=0, stat_split=[0.3, 0.3, 0.0])], N_TAXES)
    result = split_statistics(park_rows(), agreements, 2025, None, ALWAYS, IS_INDUSTRY, 2, 1)
    np.testing.assert_allclose(result.external_out, [[3.0, 3.0, 0.0]])
    np.testing.assert_allclose(result.credited.sum(axis=0) + result.external_out.sum(axis=0),
                               result.official.sum(axis=0))


def test_referral_credit_goes_to_the_first_negotiating_unit():
    rows = ActivityTable.build(np.zeros((1, N_TAXES)), host=[0], referral=[2], sector=[1], value_added_nominal=[8.0])
    agreements = AgreementSet.from_records([dict(kind=KIND_REFERRAL, stat_split=[0.25, 0.25, 0.25])], N_TAXES)
    result = split_statistics(rows, agreements, 2025, None, ALWAYS, IS_INDUSTRY, 3, 0)
    np.testing.assert_allclose(result.credited[:, 0], [6.0, 0.0, 2.0])


def test_statistics_follow_the_window_of_the_agreement():
    rows = ActivityTable.build(np.zeros((1, N_TAXES)), host=[0], park=[0], full_production_year=[2025],
                               value_added_nominal=[8.0])
    agreements = AgreementSet.from_records([dict(park=0, partner_unit=1, stat_split=[0.5, 0, 0],
                                                 window_basis=BASIS_FULL_PRODUCTION, window_length=2)], N_TAXES)
    credited_to_partner = [split_statistics(rows, agreements, year, None, ALWAYS, IS_INDUSTRY, 2, 0).credited[1, 0]
                           for year in (2024, 2025, 2026, 2027)]
    np.testing.assert_allclose(credited_to_partner, [0.0, 4.0, 4.0, 0.0])


def test_splits_never_credit_away_more_than_the_activity():
    agreements = AgreementSet.from_records([dict(park=0, partner_unit=1, stat_split=[0.9, 0, 0]),
                                            dict(park=0, partner_unit=1, stat_split=[0.6, 0, 0])], N_TAXES)
    result = split_statistics(park_rows(), agreements, 2025, None, np.ones(2, dtype=bool), IS_INDUSTRY, 2, 0)
    assert result.credited[0, 0] == pytest.approx(0.0)
    assert result.credited[1, 0] == pytest.approx(16.0)


def test_explicit_official_totals_are_adjusted_by_the_splits():
    agreements = AgreementSet.from_records([dict(park=0, partner_unit=1, stat_split=[0.5, 0, 0])], N_TAXES)
    official = np.array([[100.0, 50.0, 20.0], [80.0, 10.0, 5.0]])
    result = split_statistics(park_rows(), agreements, 2025, None, ALWAYS, IS_INDUSTRY, 2, 0, official=official)
    np.testing.assert_allclose(result.credited[:, 0], [95.0, 85.0])


def test_extension_years_credit_statistics_only_while_the_tax_cap_is_not_reached():
    rows = ActivityTable.build(np.zeros((1, N_TAXES)), host=[0], park=[0], full_production_year=[2025],
                               value_added_nominal=[8.0], pre_move_taxes=[5.0])
    agreements = AgreementSet.from_records([dict(park=0, partner_unit=1, stat_split=[0.5, 0, 0],
                                                 window_basis=BASIS_FULL_PRODUCTION, window_length=1,
                                                 window_extension=2, is_cap_pre_move=True)], N_TAXES)

    def credited_in_2026(paid_so_far):
        return split_statistics(rows, agreements, 2026, np.array([[paid_so_far]]), ALWAYS, IS_INDUSTRY, 2, 0).credited

    assert credited_in_2026(4.0)[1, 0] == pytest.approx(4.0)   # cap 5 not reached: extension year
    assert credited_in_2026(5.0)[1, 0] == pytest.approx(0.0)   # cap reached: the window is over


def test_splits_of_small_and_negative_quantities_hand_computed():
    # (D3) on an activity worth less than 1 亿元 (VA 0.4, no FAI) and one with negative VA (a loss-making year
    # is not split: max(X, 0)); half of the GDP and industrial VA goes to the partner.
    rows = ActivityTable.build(np.zeros((2, N_TAXES)), host=[0, 0], park=[0, 0], sector=[1, 1],
                               value_added_nominal=[0.4, -1.0], investment_nominal=[0.0, 0.0])
    agreements = AgreementSet.from_records([dict(park=0, partner_unit=1, stat_split=[0.5, 0.5, 0.5])], N_TAXES)
    result = split_statistics(rows, agreements, 2025, None, ALWAYS, IS_INDUSTRY, 2, 0)
    np.testing.assert_allclose(result.split_in, [[0.0, 0.0, 0.0], [0.2, 0.2, 0.0]], atol=1e-15)
    np.testing.assert_allclose(result.credited, [[-0.8, -0.8, 0.0], [0.2, 0.2, 0.0]], atol=1e-15)
