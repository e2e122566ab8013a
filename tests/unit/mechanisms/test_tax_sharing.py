"""Tax sharing (S1)-(S8): hand-computed cases of the 高竹 and 京津冀 rules and of each selector."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from cnyx_sim.core.params import TAXES
from cnyx_sim.mechanisms import fiscal
from cnyx_sim.mechanisms.tax_sharing import (
    BASIS_FULL_PRODUCTION,
    KIND_ALL_CROSS_UNIT,
    KIND_GOVERNMENT_LED,
    KIND_REFERRAL,
    ActivityTable,
    AgreementSet,
    aggregate_ledger,
    city_level_taxes,
    enforcement_draws,
    limit_to_whole,
    pad_cumulative,
    share_taxes,
)

N_TAXES = len(TAXES)
ALWAYS = np.array([True])


def run_years(activities, agreements, years, n_units=2, n_external=0, enforced=None):
    """Transfers paid per year (summed over taxes) and the final result, carrying the cap state."""
    cumulative, paid, result = None, [], None
    for year in years:
        result = share_taxes(activities, agreements, year, cumulative,
                             enforced if enforced is not None else np.ones(agreements.n_agreements, dtype=bool),
                             n_units, n_external)
        cumulative = result.cumulative_paid
        paid.append(result.paid.sum())
    return np.array(paid), result


# ---------------------------------------------------------------------------------------- 川渝高竹
def test_gaozhu_rule_splits_only_the_increment_of_park_activities_fifty_fifty():
    # Unit 0 (邻水 side) hosts park 0; unit 1 (渝北 side) is the partner. Taxes: vat, cit, pit, property.
    city = np.array([[10.0, 4.0, 1.0, 2.0],    # firm already in the park: 存量 below
                     [6.0, 2.0, 1.0, 1.0],     # new project in the park (all increment)
                     [20.0, 5.0, 3.0, 2.0],    # outside the park: never shared
                     [7.0, 1.0, 1.0, 1.0]])    # unit 1's own firm: never shared
    base = np.array([[8.0, 4.0, 2.0, 1.0], [0.0] * 4, [0.0] * 4, [0.0] * 4])
    activities = ActivityTable.build(city, host=[0, 0, 0, 1], park=[0, 0, -1, -1], base_city_taxes=base)
    gaozhu = AgreementSet.from_records([dict(park=0, partner_unit=1, split=0.5, is_increment_only=True)], N_TAXES)

    result = share_taxes(activities, gaozhu, 2025, None, ALWAYS, n_units=2, n_external=0)

    # increments: row 0 = [2, 0, 0 (below 存量), 1], row 1 = [6, 2, 1, 1]; half of each goes to unit 1.
    expected_paid = np.array([[4.0, 1.0, 0.5, 1.0], [0.0] * 4])
    np.testing.assert_allclose(result.paid, expected_paid)
    np.testing.assert_allclose(result.received, expected_paid[::-1])
    np.testing.assert_allclose(result.collected.sum(axis=1), [17 + 10 + 30, 10])
    np.testing.assert_allclose(result.after_sharing.sum(axis=1), [57 - 6.5, 10 + 6.5])
    assert len(result.ledger) == 4  # one row per tax: agreement 0, unit 0 -> unit 1
    assert set(result.ledger.from_unit) == {0} and set(result.ledger.to_unit) == {1}


def test_stock_rule_all_shares_the_whole_city_level_revenue():
    activities = ActivityTable.build([[10.0, 0, 0, 0]], park=[0], base_city_taxes=[[8.0, 0, 0, 0]])
    agreements = AgreementSet.from_records([dict(park=0, partner_unit=1, split=0.5, is_increment_only=False)], N_TAXES)
    result = share_taxes(activities, agreements, 2025, None, ALWAYS, 2, 0)
    assert result.paid[0, 0] == pytest.approx(5.0)


# ---------------------------------------------------------------------------------------- 京津冀 92号
def jingjinji(cap=np.inf, is_pre_move=True):
    return AgreementSet.from_records([dict(
        kind=KIND_GOVERNMENT_LED, split=0.5, is_increment_only=False, tax_mask=[True, True, False, False],
        window_basis=BASIS_FULL_PRODUCTION, window_offset=0, window_length=3, window_extension=2,
        cap=cap, is_cap_pre_move=is_pre_move, min_pre_move_tax=0.2)], N_TAXES)


def relocated(pre_move=5.0, government_led=True, gross_annual=0.5):
    # Relocated from unit 1 to unit 0, 达产 in 2025; city-level VAT 2 + CIT 1 a year (PIT not shared).
    return ActivityTable.build([[2.0, 1.0, 1.0, 0.0]], host=[0], origin=[1], full_production_year=[2025],
                               is_government_led=[government_led], pre_move_taxes=[pre_move],
                               pre_move_gross_annual=[gross_annual])


def test_jingjinji_three_years_then_extension_until_the_pre_move_cap():
    paid, result = run_years(relocated(pre_move=5.0), jingjinji(), range(2023, 2032))
    # 2023-24 before 达产; 2025-27 half of 3; 2028 extension pays the 0.5 left under the cap; then nothing.
    np.testing.assert_allclose(paid, [0, 0, 1.5, 1.5, 1.5, 0.5, 0, 0, 0])
    assert result.cumulative_paid[0, 0] == pytest.approx(5.0)


def test_jingjinji_extension_runs_two_years_when_the_cap_is_far():
    paid, _ = run_years(relocated(pre_move=100.0), jingjinji(), range(2025, 2032))
    np.testing.assert_allclose(paid, [1.5] * 5 + [0, 0])


def test_jingjinji_cap_reached_inside_the_window_stops_sharing():
    paid, _ = run_years(relocated(pre_move=2.0), jingjinji(), range(2025, 2030))
    np.testing.assert_allclose(paid, [1.5, 0.5, 0, 0, 0])


def test_jingjinji_cap_splits_the_last_payment_pro_rata_over_taxes():
    _, result = run_years(relocated(pre_move=2.0), jingjinji(), [2025, 2026])
    # the 0.5 paid in 2026 keeps the VAT:CIT proportion 2:1 of the wanted transfers
    np.testing.assert_allclose(result.paid[0], [1.0 / 3.0, 1.0 / 6.0, 0.0, 0.0])


def test_numeric_cap_applies_per_activity():
    paid, _ = run_years(relocated(), jingjinji(cap=1.0, is_pre_move=False), range(2025, 2030))
    np.testing.assert_allclose(paid, [1.0, 0, 0, 0, 0])


def test_market_driven_and_small_relocations_are_not_shared():
    market, _ = run_years(relocated(government_led=False), jingjinji(), [2025])
    small, _ = run_years(relocated(gross_annual=0.1), jingjinji(), [2025])
    assert market.sum() == 0.0
    assert small.sum() == 0.0


def test_enforcement_failure_pays_nothing_but_the_window_keeps_running():
    never = np.array([False])
    activities, agreements = relocated(pre_move=100.0), jingjinji()
    cumulative = None
    for year in (2025, 2026):
        cumulative = share_taxes(activities, agreements, year, cumulative, never, 2, 0).cumulative_paid
    paid, _ = run_years(activities, agreements, range(2027, 2031))
    # the window still ends in 2029 (3 + 2 years from 达产 2025) although nothing was paid in 2025-26
    np.testing.assert_allclose(paid, [1.5, 1.5, 1.5, 0.0])


# ---------------------------------------------------------------------------------------- selectors
def test_referral_rule_credits_the_first_negotiating_unit():
    activities = ActivityTable.build([[4.0, 0, 0, 0], [4.0, 0, 0, 0]], host=[0, 0], referral=[2, 0])
    agreements = AgreementSet.from_records([dict(kind=KIND_REFERRAL, split=0.25)], N_TAXES)
    result = share_taxes(activities, agreements, 2025, None, ALWAYS, 3, 0)
    np.testing.assert_allclose(result.received[:, 0], [0.0, 0.0, 1.0])  # row 1's referral is its own host


def test_all_cross_unit_prefers_the_origin_and_falls_back_to_the_referral():
    activities = ActivityTable.build([[4.0, 0, 0, 0]] * 3, host=[0, 0, 0], origin=[1, -1, -1], referral=[2, 2, -1])
    agreements = AgreementSet.from_records([dict(kind=KIND_ALL_CROSS_UNIT, split=0.5)], N_TAXES)
    result = share_taxes(activities, agreements, 2025, None, ALWAYS, 3, 0)
    np.testing.assert_allclose(result.received[:, 0], [0.0, 2.0, 2.0])


def test_external_partner_outflow_explains_the_regional_difference():
    activities = ActivityTable.build([[4.0, 2.0, 0, 0]], host=[1], park=[3])
    agreements = AgreementSet.from_records([dict(park=3, partner_external=1, split=0.3)], N_TAXES)
    result = share_taxes(activities, agreements, 2025, None, ALWAYS, 2, 2)
    np.testing.assert_allclose(result.external_outflow, [[0, 0, 0, 0], [1.2, 0.6, 0, 0]])
    assert result.after_sharing.sum() + result.external_outflow.sum() == pytest.approx(result.collected.sum())
    assert (result.ledger.to_unit == -1).all() and (result.ledger.to_external == 1).all()


def test_agreement_outside_its_years_or_taxes_pays_nothing():
    activities = ActivityTable.build([[4.0, 2.0, 0, 0]], park=[0])
    agreements = AgreementSet.from_records(
        [dict(park=0, partner_unit=1, start_year=2026), dict(park=0, partner_unit=1, end_year=2024),
         dict(park=0, partner_unit=1, tax_mask=[False, False, True, True])], N_TAXES)
    result = share_taxes(activities, agreements, 2025, None, np.ones(3, dtype=bool), 2, 0)
    assert result.paid.sum() == 0.0 and len(result.ledger) == 0


def test_partner_equal_to_host_pays_nothing():
    activities = ActivityTable.build([[4.0, 0, 0, 0]], host=[1], park=[0])
    agreements = AgreementSet.from_records([dict(park=0, partner_unit=1)], N_TAXES)
    assert share_taxes(activities, agreements, 2025, None, ALWAYS, 2, 0).paid.sum() == 0.0


def test_rules_that_overlap_never_give_away_more_than_the_revenue():
    activities = ActivityTable.build([[10.0, 0, 0, 0]], host=[0], origin=[1], referral=[2])
    agreements = AgreementSet.from_records(
        [dict(kind=KIND_ALL_CROSS_UNIT, split=0.8, is_increment_only=False),
         dict(kind=KIND_REFERRAL, split=0.6, is_increment_only=False)], N_TAXES)
    result = share_taxes(activities, agreements, 2025, None, np.ones(2, dtype=bool), 3, 0)
    assert result.paid[0, 0] == pytest.approx(10.0)
    np.testing.assert_allclose(result.received[:, 0], [0.0, 10 * 0.8 / 1.4, 10 * 0.6 / 1.4])
    assert result.after_sharing[0, 0] == pytest.approx(0.0)


def test_park_terms_take_precedence_over_rules_while_the_park_agreement_applies():
    activities = ActivityTable.build([[10.0, 0, 0, 0]] * 2, host=[0, 0], park=[0, -1], referral=[2, 2])
    agreements = AgreementSet.from_records(
        [dict(park=0, partner_unit=1, split=0.5, start_year=2025),
         dict(kind=KIND_REFERRAL, split=0.2)], N_TAXES)
    before = share_taxes(activities, agreements, 2024, None, np.ones(2, dtype=bool), 3, 0)
    during = share_taxes(activities, agreements, 2025, None, np.ones(2, dtype=bool), 3, 0)
    np.testing.assert_allclose(before.received[:, 0], [0.0, 0.0, 4.0])   # the rule covers both rows
    np.testing.assert_allclose(during.received[:, 0], [0.0, 5.0, 2.0])   # the park row follows the park's terms


def test_no_agreements_leave_revenue_where_it_is_collected():
    activities = ActivityTable.build([[4.0, 1, 1, 1], [2.0, 0, 0, 3]], host=[0, 1], park=[0, 0])
    result = share_taxes(activities, AgreementSet.empty(N_TAXES), 2025, None, np.zeros(0, dtype=bool), 2, 1)
    np.testing.assert_array_equal(result.after_sharing, result.collected)
    assert len(result.ledger) == 0 and result.external_outflow.shape == (1, N_TAXES)


# ---------------------------------------------------------------------------------------- helpers
def test_enforcement_draws_are_shared_by_the_rows_of_one_agreement_and_reproducible():
    group = np.array([0, 0, 1, 1, 2])
    first = enforcement_draws(np.full(5, 0.5), group, np.random.default_rng(7))
    again = enforcement_draws(np.full(5, 0.5), group, np.random.default_rng(7))
    np.testing.assert_array_equal(first, again)
    assert first[0] == first[1] and first[2] == first[3]
    assert enforcement_draws(np.zeros(5), group, np.random.default_rng(1)).sum() == 0
    assert enforcement_draws(np.ones(5), group, np.random.default_rng(1)).all()


def test_enforcement_draws_advance_the_stream_the_same_way_whatever_the_probabilities():
    group = np.array([0, 1])
    rng_a, rng_b = np.random.default_rng(3), np.random.default_rng(3)
    enforcement_draws(np.array([0.0, 0.0]), group, rng_a)
    enforcement_draws(np.array([1.0, 0.3]), group, rng_b)
    assert rng_a.random() == rng_b.random()


def test_pad_cumulative_keeps_old_rows_and_adds_zero_columns():
    grown = pad_cumulative(np.array([[1.0, 2.0]]), 1, 4)
    np.testing.assert_array_equal(grown, [[1.0, 2.0, 0.0, 0.0]])
    with pytest.raises(ValueError, match="does not fit"):
        pad_cumulative(np.zeros((2, 2)), 1, 4)
    state = np.array([[1.0, 2.0]])
    assert pad_cumulative(state, 1, 2) is state  # no new rows: the state itself, not a copy


def test_a_coverage_passed_in_gives_the_same_transfers_as_the_one_computed_inside():
    from cnyx_sim.mechanisms import tax_sharing

    activities = ActivityTable.build([[4.0, 1.0, 0, 0]] * 3, host=[0, 0, 0], origin=[1, -1, -1],
                                     referral=[2, 2, -1])
    agreements = AgreementSet.from_records([dict(kind=KIND_ALL_CROSS_UNIT, split=0.5),
                                            dict(kind=KIND_REFERRAL, split=0.2)], N_TAXES)
    start = np.array([[0.0, 1.0, 0.0], [0.5, 0.0, 0.0]])
    cover = tax_sharing.coverage(activities, agreements, 2025, start)
    inside = share_taxes(activities, agreements, 2025, start, np.ones(2, dtype=bool), 3, 0)
    given = share_taxes(activities, agreements, 2025, start, np.ones(2, dtype=bool), 3, 0, year_coverage=cover)
    np.testing.assert_array_equal(inside.transfers, given.transfers)
    np.testing.assert_array_equal(inside.cumulative_paid, given.cumulative_paid)
    assert inside.transfers.sum() > 0


def test_city_level_taxes_reuse_equations_f5_f6_and_add_up_to_gross():
    gross = np.array([[10.0, 5.0, 2.0, 1.0]])
    local_share = np.array([0.5, 0.4, 0.4, 1.0])
    central, province, city = city_level_taxes(gross, local_share, np.array([0.3]))
    _, expected_city = fiscal.city_revenue(gross, local_share, np.array([0.3]))
    np.testing.assert_allclose(city, expected_city)
    np.testing.assert_allclose(central, [[5.0, 3.0, 1.2, 0.0]])
    np.testing.assert_allclose(central + province + city, gross)


def test_activities_without_park_origin_or_referral_collect_their_hosts_revenue_and_are_never_selected():
    # One row per (unit, sector), as a unit's economy outside the project book would be: no selector picks it.
    taxes = np.arange(2 * 3 * N_TAXES, dtype=float).reshape(2, 3, N_TAXES)
    rows = ActivityTable.build(taxes.reshape(6, N_TAXES), host=np.repeat([0, 1], 3), sector=np.tile([0, 1, 2], 2),
                               full_production_year=np.full(6, 2021), value_added_nominal=np.ones(6),
                               base_city_taxes=taxes.reshape(6, N_TAXES))
    agreements = AgreementSet.from_records([dict(kind=k, split=1.0, is_increment_only=False)
                                            for k in (KIND_GOVERNMENT_LED, KIND_ALL_CROSS_UNIT, KIND_REFERRAL)],
                                           N_TAXES)
    result = share_taxes(rows, agreements, 2025, None, np.ones(3, dtype=bool), 2, 0)
    np.testing.assert_allclose(result.collected, taxes.sum(axis=1))
    assert result.paid.sum() == 0.0


def test_activity_table_rejects_ragged_columns():
    with pytest.raises(ValueError, match="rows"):
        ActivityTable.build([[1.0, 0, 0, 0]], host=[0, 1])


def test_activity_table_take_keeps_the_rows_asked_for_in_that_order():
    table = ActivityTable.build(np.arange(12, dtype=float).reshape(3, N_TAXES), host=[0, 1, 2])
    subset = table.take(np.array([2, 0]))
    assert subset.host.tolist() == [2, 0]
    np.testing.assert_array_equal(subset.city_taxes, table.city_taxes[[2, 0]])


def test_an_empty_activity_table_has_the_column_types_of_a_built_one():
    empty, built = ActivityTable.empty(4), ActivityTable.build(np.ones((1, 4)))
    for name in vars(built):
        assert getattr(empty, name).dtype == getattr(built, name).dtype, name
        assert len(getattr(empty, name)) == 0, name
    assert empty.city_taxes.shape == (0, 4) and empty.base_city_taxes.shape == (0, 4)


def test_build_gives_columns_passed_as_lists_the_tables_types_and_names_unknown_columns():
    table = ActivityTable.build([[1, 2, 3, 4]], full_production_year=[2025.0], is_government_led=[1], host=[1.0],
                                value_added_nominal=[3])
    assert table.city_taxes.dtype == float and table.value_added_nominal.dtype == float
    assert table.full_production_year.dtype == table.host.dtype == ActivityTable.empty(4).host.dtype
    assert table.is_government_led.dtype == bool and table.is_government_led.tolist() == [True]
    assert table.host.tolist() == [1] and table.full_production_year.tolist() == [2025]
    with pytest.raises(TypeError, match=r"unknown ActivityTable columns: \['colour'\]"):
        ActivityTable.build(np.ones((1, 4)), colour=[1])


def test_unit_zero_is_a_unit_like_any_other_as_origin_and_as_referral():
    # Unit 0 (the first in the model's order) as the origin of a relocation and as the first-negotiating unit of
    # activities hosted by unit 2: both are cross-unit, so both rules share with unit 0.
    activities = ActivityTable.build([[4.0, 0, 0, 0]] * 2, host=[2, 2], origin=[0, -1], referral=[-1, 0])
    for kind, expected in ((KIND_ALL_CROSS_UNIT, [4.0, 0.0, 0.0]), (KIND_REFERRAL, [2.0, 0.0, 0.0])):
        agreements = AgreementSet.from_records([dict(kind=kind, split=0.5, is_increment_only=False)], N_TAXES)
        result = share_taxes(activities, agreements, 2025, None, ALWAYS, 3, 0)
        np.testing.assert_allclose(result.received[:, 0], expected, err_msg=str(kind))


def test_a_park_agreement_covers_its_own_park_only():
    activities = ActivityTable.build([[4.0, 0, 0, 0]] * 3, host=[0, 0, 0], park=[0, 1, -1])
    agreements = AgreementSet.from_records([dict(park=0, partner_unit=1, split=0.5, is_increment_only=False)],
                                           N_TAXES)
    result = share_taxes(activities, agreements, 2025, None, ALWAYS, 2, 0)
    np.testing.assert_allclose(result.transfers[0, :, 0], [2.0, 0.0, 0.0])


def test_a_relocation_exactly_at_the_92_hao_floor_is_eligible():
    paid, _ = run_years(relocated(gross_annual=0.2), jingjinji(), [2025])  # floor min_pre_move_tax = 0.2
    np.testing.assert_allclose(paid, [1.5])


def test_unit_zero_is_a_park_partner_like_any_other():
    activities = ActivityTable.build([[4.0, 0, 0, 0]], host=[1], park=[0])
    agreements = AgreementSet.from_records([dict(park=0, partner_unit=0, split=0.5, is_increment_only=False)],
                                           N_TAXES)
    result = share_taxes(activities, agreements, 2025, None, ALWAYS, 2, 0)
    np.testing.assert_allclose(result.received[:, 0], [2.0, 0.0])


def test_an_agreement_applies_from_its_start_year_through_its_end_year_and_its_window_starts_after_the_offset():
    activities = ActivityTable.build([[4.0, 0, 0, 0]], host=[0], park=[0])
    in_force = AgreementSet.from_records([dict(park=0, partner_unit=1, split=0.5, is_increment_only=False,
                                               start_year=2022, end_year=2025)], N_TAXES)
    paid, _ = run_years(activities, in_force, range(2021, 2027))
    np.testing.assert_allclose(paid, [0.0, 2.0, 2.0, 2.0, 2.0, 0.0])
    offset = AgreementSet.from_records([dict(park=0, partner_unit=1, split=0.5, is_increment_only=False,
                                             start_year=2020, window_offset=2, window_length=2)], N_TAXES)
    paid, _ = run_years(activities, offset, range(2020, 2025))
    np.testing.assert_allclose(paid, [0.0, 0.0, 2.0, 2.0, 0.0])  # window 2022-2023


def test_overlapping_claims_on_a_small_amount_are_scaled_to_the_whole():
    # two agreements each want 0.4 of a row whose whole is 0.5: scaled to 0.25 each; a whole <= 0 gives nothing
    amounts = np.array([[[0.4], [0.4]], [[0.4], [0.4]]])  # [agreement, row, item]
    limited = limit_to_whole(amounts, np.array([[0.5], [-1.0]]))
    np.testing.assert_allclose(limited[:, :, 0], [[0.25, 0.0], [0.25, 0.0]])


def test_an_empty_ledger_has_empty_integer_columns():
    ledger = aggregate_ledger(np.zeros((1, 2, 3)), np.array([0, 1]), np.full((1, 2), 1), np.full((1, 2), -1))
    assert len(ledger) == 0
    for name in ("agreement", "item", "from_unit", "to_unit", "to_external"):
        column = getattr(ledger, name)
        assert len(column) == 0 and np.issubdtype(column.dtype, np.integer), name


def test_ledger_rows_are_aggregated_and_sorted_by_agreement_item_payer_and_partner():
    amounts = np.zeros((2, 3, 2))  # [agreement, row, item]
    amounts[1, 0, 0], amounts[1, 1, 0] = 1.0, 2.0  # agreement 1, item 0: rows 0 and 1, both hosted by unit 1
    amounts[0, 2, 1], amounts[0, 0, 0] = 4.0, 8.0
    host = np.array([1, 1, 0])
    to_unit = np.array([[2, 0, 2], [2, 2, 2]])
    to_external = np.full((2, 3), -1)
    ledger = aggregate_ledger(amounts, host, to_unit, to_external)
    rows = list(zip(ledger.agreement, ledger.item, ledger.from_unit, ledger.to_unit, ledger.amount))
    assert rows == [(0, 0, 1, 2, 8.0), (0, 1, 0, 2, 4.0), (1, 0, 1, 2, 3.0)]


def test_enforcement_draws_without_rows_draw_nothing_so_the_stream_is_where_it_was():
    rng = np.random.default_rng(3)
    assert enforcement_draws(np.zeros(0), np.zeros(0, dtype=int), rng).tolist() == []
    assert rng.random() == np.random.default_rng(3).random()  # common random numbers for what follows


def test_the_first_external_partner_is_a_park_partner_like_any_other():
    # a park agreement with 昆山-like partner 0 outside the region (no partner unit): half of 4 leaves the region
    activities = ActivityTable.build([[4.0, 0, 0, 0]], host=[1], park=[0])
    agreements = AgreementSet.from_records([dict(park=0, partner_external=0, split=0.5, is_increment_only=False)],
                                           N_TAXES)
    result = share_taxes(activities, agreements, 2025, None, ALWAYS, 2, 1)
    np.testing.assert_allclose(result.external_outflow[:, 0], [2.0])
    np.testing.assert_allclose(result.paid[:, 0], [0.0, 2.0])


def test_a_park_agreement_whose_cap_is_reached_exactly_gives_way_to_the_general_rule_in_its_extension_years():
    # the relocated project sits in park 0 (host 0, from unit 1). Park agreement: half of VAT 2 + CIT 1 for two
    # years from 达产 (2025), then up to two more while less than its cap of 3 has been paid; 2 x 1.5 = 3 reaches
    # the cap exactly, so from 2027 the park agreement no longer covers the project and the general rule (all
    # cross-unit moves, 20 % of every tax, city level 4) applies: 0.8 a year. Before, the park's terms took precedence.
    activities = ActivityTable.build([[2.0, 1.0, 1.0, 0.0]], host=[0], origin=[1], park=[0],
                                     full_production_year=[2025])
    agreements = AgreementSet.from_records([
        dict(park=0, partner_unit=1, split=0.5, is_increment_only=False, tax_mask=[True, True, False, False],
             window_basis=BASIS_FULL_PRODUCTION, window_length=2, window_extension=2, cap=3.0),
        dict(kind=KIND_ALL_CROSS_UNIT, split=0.2, is_increment_only=False),
    ], N_TAXES)
    paid, _ = run_years(activities, agreements, range(2025, 2029))
    np.testing.assert_allclose(paid, [1.5, 1.5, 0.8, 0.8])


# ---------------------------------------------------------------------------------------- agreement validation
def test_agreement_splits_of_0_and_1_are_valid_and_outside_them_are_refused_by_name():
    for split in (0.0, 1.0):
        assert AgreementSet.from_records([dict(park=0, partner_unit=1, split=split)], N_TAXES).split.tolist() == [split]
    for split in (-0.1, 1.5):
        with pytest.raises(ValueError, match=r"^AgreementSet\.split must lie in \[0, 1\]$"):
            AgreementSet.from_records([dict(park=0, partner_unit=1, split=split)], N_TAXES)


def test_agreement_columns_of_another_length_than_the_ids_are_refused_by_name():
    good = AgreementSet.from_records([dict(park=0, partner_unit=1)], N_TAXES)
    with pytest.raises(ValueError, match=r"^AgreementSet\.split has 2 rows, ids has 1$"):
        dataclasses.replace(good, split=np.array([0.5, 0.5]))


def test_an_unknown_agreement_attribute_is_refused_by_name():
    with pytest.raises(TypeError, match=r"unknown agreement attributes: \['spilt'\]"):
        AgreementSet.from_records([dict(park=0, partner_unit=1, spilt=0.5)], N_TAXES)


def test_agreement_ids_are_kept_or_numbered_and_a_tax_agreement_shares_no_statistics_unless_told():
    agreements = AgreementSet.from_records([dict(id="gaozhu", park=0, partner_unit=1), dict(park=1, partner_unit=0)],
                                           N_TAXES)
    assert agreements.ids == ("gaozhu", "a1")
    assert not agreements.stat_split.any()


def test_an_activity_table_with_one_dimensional_taxes_is_refused_by_name():
    table = ActivityTable.build([[4.0, 0, 0, 0]], host=[0])
    with pytest.raises(ValueError, match=r"^city_taxes and base_city_taxes must both be \[row, tax\]$"):
        dataclasses.replace(table, city_taxes=np.array([4.0]), base_city_taxes=np.array([0.0]))
