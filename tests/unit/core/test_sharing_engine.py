"""SharingEngine with explicit inputs: built without a model; ``book_arrivals`` and ``year`` take the year's
inputs and return what the fiscal block produced (S1-S8, D1-D5, B1-B9), checked by hand on conftest.py's world.

The project: in park ``p`` (host ``a``, partner ``b``), industry, value added 25 of its city-sector's 100
(share 0.25). Gross taxes of a's industry [VAT, CIT, PIT, property] = [8, 4, 2, 1], so the project's are
[2, 1, 0.5, 0.25]; local shares [0.5, 0.4, 0.4, 1] give [1, 0.4, 0.2, 0.25] and a's province takes 0.2:
city-level [0.8, 0.32, 0.16, 0.2], total 1.48.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from cnyx_sim.core.params import CompetitionParams
from cnyx_sim.core.sharing import SHARING_VARIABLES, SharingEngine
from cnyx_sim.mechanisms.incentives import Package
from cnyx_sim.mechanisms.tax_sharing import KIND_ALL_CROSS_UNIT, KIND_GOVERNMENT_LED, KIND_PARK, KIND_REFERRAL

VA_NOMINAL = np.array([[100.0, 50.0], [80.0, 40.0]])
TAX_CITY = np.array([[5.0, 3.0, 2.0, 1.0], [4.0, 2.0, 1.0, 1.0]])  # collected: 11 and 8
PRIVATE_FAI = np.array([[10.0, 5.0], [8.0, 4.0]])
SHARE = np.array([0.2, 0.25])
PROJECT_CITY_TAXES = 1.48
NO_PACKAGE = Package(np.zeros(2), np.zeros(2), np.zeros(2))


def gross_taxes() -> np.ndarray:
    gross = np.ones((2, 2, 4))
    gross[0, 0] = [8.0, 4.0, 2.0, 1.0]
    return gross


def park_terms(**changes) -> dict:
    terms = dict(kind=KIND_PARK, park=0, partner_unit=1, split=0.5, is_increment_only=False,
                 stat_split=[0.5, 0.5, 0.5])
    terms.update(changes)
    return terms


def engine(tiny, sharing=None, transfer=True, seed=0) -> SharingEngine:
    params = tiny.params(transfer=tiny.transfer() if transfer else None, sharing=sharing)
    return SharingEngine(params, tiny.geography, np.random.default_rng(seed))


def park_project_book(tiny):
    book = tiny.book()
    row = tiny.add_project(book, park=0, host=0, sector=0, land=10.0)
    book.set_yearly("va_nominal", 1, np.array([row]), 25.0)
    book.set_yearly("spending_nominal", 1, np.array([row]), 3.0)
    return book


def arrive(block, book, package=NO_PACKAGE):
    """``book_arrivals`` for the book's one project (what the model does in the year a project arrives)."""
    return block.book_arrivals(book, np.array([0]), package, 1.1)


def year(block, book, debt=np.zeros(2), land_discount_cost=np.zeros(2)):
    return block.year(2022, VA_NOMINAL, gross_taxes(), TAX_CITY, PRIVATE_FAI, SHARE, debt, land_discount_cost, book)


def test_without_a_sharing_section_revenue_passes_through_and_funds_public_investment_at_the_agents_share(tiny):
    out = year(engine(tiny, sharing=None, transfer=False), None, debt=np.array([2.0, 0.0]))
    recorded = out.recorded
    np.testing.assert_allclose(recorded["tax_local_after_sharing"], [11.0, 8.0])
    np.testing.assert_allclose(out.credited_gdp, [150.0, 120.0])
    np.testing.assert_allclose(out.public_investment, [2.2, 2.0])  # s_G x revenue (B4 = F7)
    np.testing.assert_allclose(out.infrastructure_investment, out.public_investment)  # psi = 0
    np.testing.assert_allclose(out.debt, [2.0, 0.0])  # no interest, no incentives: debt unchanged
    np.testing.assert_allclose(recorded["fai_nominal"], [15.0 + 2.2, 12.0 + 2.0])
    assert recorded["sharing_paid"].sum() == recorded["sharing_received"].sum() == 0.0


def test_a_park_agreement_moves_half_of_the_projects_city_taxes_and_credits_half_its_statistics(tiny):
    block = engine(tiny, sharing=tiny.sharing([park_terms()]))
    book = park_project_book(tiny)
    np.testing.assert_array_equal(arrive(block, book), [0.0, 0.0])  # no land discount offered
    out = year(block, book)
    recorded = out.recorded
    half = 0.5 * PROJECT_CITY_TAXES
    np.testing.assert_allclose(recorded["sharing_paid"], [half, 0.0])
    np.testing.assert_allclose(recorded["sharing_received"], [0.0, half])
    np.testing.assert_allclose(recorded["tax_local_after_sharing"], [11.0 - half, 8.0 + half])
    np.testing.assert_allclose(out.public_investment, SHARE * [11.0 - half, 8.0 + half])
    # statistics: half of the project's value added (25) and of its construction spending (3) move to b
    np.testing.assert_allclose(out.credited_gdp, [150.0 - 12.5, 120.0 + 12.5])
    np.testing.assert_allclose(recorded["industry_va_credited_nominal"], [100.0 - 12.5, 80.0 + 12.5])
    official_fai = np.array([15.0 + 3.0, 12.0]) + out.public_investment
    np.testing.assert_allclose(recorded["fai_nominal"], official_fai)
    np.testing.assert_allclose(recorded["fai_credited_nominal"], official_fai + [-1.5, 1.5])
    ledger = block.record()
    assert ledger.year.tolist() == [2022] * 4 and ledger.to_unit.tolist() == [1] * 4
    assert ledger.amount.sum() == pytest.approx(half)


def test_incentives_cost_the_host_and_are_borrowed_for_hand_computed(tiny):
    block = engine(tiny, sharing=tiny.sharing(land_price=0.01, rebate_years=5))
    book = park_project_book(tiny)
    package = Package(np.array([0.2, 0.0]), np.array([0.3, 0.0]), np.zeros(2))
    land_cost = arrive(block, book, package)
    # land discount: 0.2 x 0.01 亿元/亩 x 1.1 x 10 亩, once, at arrival
    np.testing.assert_allclose(land_cost, [0.022, 0.0])
    out = year(block, book, land_discount_cost=land_cost)
    # rebate: min(0.3, the T8 ceiling 0.5 before the regime year) x the project's city-level taxes
    incentive = 0.3 * PROJECT_CITY_TAXES + 0.022
    np.testing.assert_allclose(out.recorded["incentive_cost"], [incentive, 0.0])
    np.testing.assert_allclose(out.recorded["budget_balance"], [-incentive, 0.0])
    np.testing.assert_allclose(out.debt, [incentive, 0.0])


def test_the_draws_are_enforcement_then_honour_from_the_stream_given(tiny):
    terms = park_terms(enforcement_probability=0.5, stat_honour_probability=0.5)
    for seed in range(6):
        block, book = engine(tiny, sharing=tiny.sharing([terms]), seed=seed), park_project_book(tiny)
        arrive(block, book)
        out = year(block, book)
        enforced, honoured = np.random.default_rng(seed).random(2) < 0.5
        assert (out.recorded["sharing_paid"][0] > 0) == enforced
        assert (out.credited_gdp[0] < 150.0) == honoured


def test_a_book_row_never_passed_to_book_arrivals_is_an_error(tiny):
    with pytest.raises(ValueError, match="book_arrivals"):
        year(engine(tiny, sharing=tiny.sharing()), park_project_book(tiny))


def test_base_year_record_books_nothing_shared_and_the_given_debt(tiny):
    block = engine(tiny, sharing=tiny.sharing(initial_debt_to_revenue=0.5))
    debt = block.initial_debt(TAX_CITY.sum(axis=1))
    np.testing.assert_allclose(debt, [5.5, 4.0])
    record = block.base_year_record(VA_NOMINAL, TAX_CITY, np.array([1.0, 2.0]), debt)
    np.testing.assert_allclose(record["debt"], debt)
    np.testing.assert_allclose(record["gdp_credited_nominal"], [150.0, 120.0])
    assert record["sharing_paid"].sum() == record["incentive_cost"].sum() == 0.0


# ------------------------------------------------------------------ mutation round 5: the engine's contracts
# More hand-computed cases on the same world. Unit b's industry: gross taxes [1, 1, 1, 1] on value added 80, so a
# project with value added 20 there (share 0.25) has gross [0.25] x 4, local [0.125, 0.1, 0.1, 0.25] and, b's
# province taking 0.5, city-level [0.0625, 0.05, 0.05, 0.125]: total 0.2875.
B_PROJECT_CITY_TAXES = 0.2875
A_CITY_TAXES_PER_VA = PROJECT_CITY_TAXES / 25.0  # a's industry: 1.48 of city-level taxes per 25 of project VA


def a_book(tiny, *projects: dict, years=(2022,)):
    """A book with one row per ``projects`` mapping: ``va`` and ``spending`` (default 0) in each of ``years``; the
    other keys are book columns (defaults: unit a's industry, outside parks, no referral, arrived 2022)."""
    book = tiny.book()
    for project in projects:
        columns = dict(host=0, sector=0, park=-1, referral=-1, year_arrived=2022)
        columns.update({k: v for k, v in project.items() if k not in ("va", "spending")})
        row = tiny.add_project(book, **columns)
        for y in years:
            book.set_yearly("va_nominal", y - 2021, np.array([row]), project.get("va", 0.0))
            book.set_yearly("spending_nominal", y - 2021, np.array([row]), project.get("spending", 0.0))
    return book


def arrive_all(block, book, package=NO_PACKAGE):
    return block.book_arrivals(book, np.arange(len(book)), package, 1.1)


def run_year(block, book, y=2022, va=VA_NOMINAL, gross=None, land_discount_cost=np.zeros(2), **budget_inputs):
    """``block.year`` on the module's world (no debt), ``va`` and ``gross`` taxes replaceable."""
    return block.year(y, va, gross_taxes() if gross is None else gross, TAX_CITY, PRIVATE_FAI, SHARE, np.zeros(2),
                      land_discount_cost, book, **budget_inputs)


def test_the_year_and_the_base_year_record_every_sharing_variable_under_its_contract_name(tiny):
    block = engine(tiny, sharing=tiny.sharing([park_terms()]))
    book = park_project_book(tiny)
    arrive(block, book)
    assert sorted(year(block, book).recorded) == sorted(SHARING_VARIABLES)
    assert sorted(block.base_year_record(VA_NOMINAL, TAX_CITY, np.ones(2), np.zeros(2))) == sorted(SHARING_VARIABLES)


def test_base_year_record_is_the_collected_revenue_and_official_totals_of_each_unit(tiny):
    block = engine(tiny, sharing=tiny.sharing())
    fai = np.array([1.0, 2.0])
    record = block.base_year_record(VA_NOMINAL, TAX_CITY, fai, np.array([3.0, 4.0]))
    np.testing.assert_allclose(record["tax_local_after_sharing"], [11.0, 8.0])
    np.testing.assert_allclose(record["industry_va_credited_nominal"], [100.0, 80.0])
    np.testing.assert_allclose(record["fai_nominal"], fai)
    np.testing.assert_allclose(record["fai_credited_nominal"], fai)
    for name in ("gdp_credited_to_external", "sharing_paid", "sharing_received", "sharing_to_external",
                 "incentive_cost", "budget_balance"):
        np.testing.assert_array_equal(record[name], [0.0, 0.0], err_msg=name)


def test_the_ledger_names_agreement_tax_payer_and_partner_of_every_transfer_as_integers(tiny):
    block = engine(tiny, sharing=tiny.sharing([park_terms()]))
    book = park_project_book(tiny)
    arrive(block, book)
    out = year(block, book)
    np.testing.assert_allclose(out.recorded["gdp_credited_nominal"], [150.0 - 12.5, 120.0 + 12.5])
    ledger = block.record()
    assert ledger.agreement_ids == ("a0",) and ledger.external_partners == ()
    for name in ("year", "agreement", "tax", "from_unit", "to_unit", "to_external"):
        assert getattr(ledger, name).dtype == np.int64, name
    assert ledger.agreement.tolist() == [0, 0, 0, 0] and ledger.tax.tolist() == [0, 1, 2, 3]
    assert ledger.from_unit.tolist() == [0, 0, 0, 0] and ledger.to_external.tolist() == [-1, -1, -1, -1]
    np.testing.assert_allclose(ledger.amount, 0.5 * np.array([0.8, 0.32, 0.16, 0.2]))


def test_agreements_without_any_project_share_nothing_and_leave_an_empty_ledger_of_the_ledgers_types(tiny):
    sharing = tiny.sharing([park_terms()], external_partners=("kunshan",))
    for block, book in ((engine(tiny, sharing=sharing, transfer=False), None),  # no industrial transfer: no book
                        (engine(tiny, sharing=sharing), tiny.book())):           # a book with no project yet
        out = run_year(block, book)
        np.testing.assert_allclose(out.recorded["tax_local_after_sharing"], [11.0, 8.0])
        np.testing.assert_allclose(out.credited_gdp, [150.0, 120.0])
        np.testing.assert_array_equal(out.recorded["incentive_cost"], [0.0, 0.0])
        ledger = block.record()
        assert ledger.agreement_ids == ("a0",) and ledger.external_partners == ("kunshan",)
        for name in ("year", "agreement", "tax", "from_unit", "to_unit", "to_external"):
            column = getattr(ledger, name)
            assert column.shape == (0,) and column.dtype == np.int64, name
        assert ledger.amount.shape == (0,) and ledger.amount.dtype == np.float64


def test_a_park_agreement_with_an_external_partner_books_the_taxes_and_statistics_leaving_the_region(tiny):
    # a's services: gross [1, 1, 1, 1] on 50; the project's 25 (share 0.5) pays gross 0.5 each, local
    # [0.25, 0.2, 0.2, 0.5], city-level x 0.8 = [0.2, 0.16, 0.16, 0.4]: 0.92, half to the partner outside
    sharing = tiny.sharing([park_terms(partner_unit=-1, partner_external=0)], external_partners=("kunshan",))
    block = engine(tiny, sharing=sharing)
    book = a_book(tiny, dict(park=0, sector=1, va=25.0, spending=3.0))
    arrive_all(block, book)
    recorded = run_year(block, book).recorded
    half = 0.46
    assert recorded["sharing_to_external"].shape == (2,)
    np.testing.assert_allclose(recorded["sharing_to_external"], [half, 0.0])
    np.testing.assert_allclose(recorded["sharing_paid"], [half, 0.0])
    np.testing.assert_array_equal(recorded["sharing_received"], [0.0, 0.0])
    np.testing.assert_allclose(recorded["tax_local_after_sharing"], [11.0 - half, 8.0])
    np.testing.assert_allclose(recorded["gdp_credited_nominal"], [150.0 - 12.5, 120.0])
    np.testing.assert_allclose(recorded["gdp_credited_to_external"], [12.5, 0.0])
    np.testing.assert_allclose(recorded["industry_va_credited_nominal"], [100.0, 80.0])  # a services project
    np.testing.assert_allclose(recorded["fai_credited_nominal"], recorded["fai_nominal"] - [1.5, 0.0])
    ledger = block.record()
    assert ledger.to_unit.tolist() == [-1] * 4 and ledger.to_external.tolist() == [0] * 4


def test_a_transfer_to_the_first_unit_is_not_booked_as_leaving_the_region(tiny):
    block = engine(tiny, sharing=tiny.sharing([park_terms(partner_unit=0)]))
    book = a_book(tiny, dict(park=0, host=1, va=20.0))
    arrive_all(block, book)
    recorded = run_year(block, book).recorded
    half = 0.5 * B_PROJECT_CITY_TAXES
    np.testing.assert_allclose(recorded["sharing_paid"], [0.0, half])
    np.testing.assert_allclose(recorded["sharing_received"], [half, 0.0])
    np.testing.assert_array_equal(recorded["sharing_to_external"], [0.0, 0.0])
    np.testing.assert_allclose(recorded["gdp_credited_nominal"], [150.0 + 10.0, 120.0 - 10.0])
    np.testing.assert_array_equal(recorded["gdp_credited_to_external"], [0.0, 0.0])


def test_a_cap_binds_across_years_while_the_book_grows(tiny):
    # cap 1.0 of city-level taxes per project: the first project pays 0.74 in 2022, the rest of its cap (0.26) in
    # 2023 and nothing in 2024; the second, arrived in 2023, pays 0.74 in 2023 and 0.26 in 2024
    block = engine(tiny, sharing=tiny.sharing([park_terms(cap=1.0)]))
    book = a_book(tiny, dict(park=0, va=25.0), years=(2022, 2023, 2024))
    arrive_all(block, book)
    paid = [run_year(block, book, 2022).recorded["sharing_paid"]]
    row = tiny.add_project(book, park=0, host=0, sector=0, referral=-1, year_arrived=2023)
    for y in (2023, 2024):
        book.set_yearly("va_nominal", y - 2021, np.array([row]), 25.0)
    block.book_arrivals(book, np.array([row]), NO_PACKAGE, 1.1)
    paid += [run_year(block, book, y).recorded["sharing_paid"] for y in (2023, 2024)]
    np.testing.assert_allclose(paid, [[0.74, 0.0], [1.0, 0.0], [0.26, 0.0]])
    np.testing.assert_allclose(block.record().amount.sum(), 2.0)


def test_a_referral_agreement_moves_taxes_to_the_unit_that_negotiated_the_project(tiny):
    terms = dict(kind=KIND_REFERRAL, split=0.5, is_increment_only=False, stat_split=[0.5, 0.5, 0.5])
    block = engine(tiny, sharing=tiny.sharing([terms]))
    book = a_book(tiny, dict(host=1, referral=0, va=20.0))
    arrive_all(block, book)
    recorded = run_year(block, book).recorded
    half = 0.5 * B_PROJECT_CITY_TAXES
    np.testing.assert_allclose(recorded["sharing_paid"], [0.0, half])
    np.testing.assert_allclose(recorded["sharing_received"], [half, 0.0])
    np.testing.assert_allclose(recorded["gdp_credited_nominal"], [160.0, 110.0])


def test_a_cross_unit_agreement_pays_a_projects_region_origin_but_not_an_external_one(tiny):
    # book origin codes: 0 = east_coast (external), 1 = a, 2 = b. The project from a in b pays half its taxes to
    # a; the project from the east coast in a pays nobody.
    terms = dict(kind=KIND_ALL_CROSS_UNIT, split=0.5, is_increment_only=False)
    block = engine(tiny, sharing=tiny.sharing([terms]))
    book = a_book(tiny, dict(host=1, origin=1, va=20.0), dict(host=0, origin=0, va=25.0))
    arrive_all(block, book)
    recorded = run_year(block, book).recorded
    half = 0.5 * B_PROJECT_CITY_TAXES
    np.testing.assert_allclose(recorded["sharing_paid"], [0.0, half])
    np.testing.assert_allclose(recorded["sharing_received"], [half, 0.0])


def test_a_park_project_is_shared_by_its_park_agreement_when_rule_agreements_exist_too(tiny):
    rule = dict(kind=KIND_REFERRAL, split=0.5, is_increment_only=False)
    block = engine(tiny, sharing=tiny.sharing([park_terms(), rule]))
    book = a_book(tiny, dict(park=0, va=25.0))
    arrive_all(block, book)
    recorded = run_year(block, book).recorded
    np.testing.assert_allclose(recorded["sharing_paid"], [0.5 * PROJECT_CITY_TAXES, 0.0])
    np.testing.assert_allclose(recorded["sharing_received"], [0.0, 0.5 * PROJECT_CITY_TAXES])


def test_a_project_still_being_built_has_its_investment_split_even_in_a_sector_new_to_its_host(tiny):
    # b has no industry yet (value added 0): the project builds there (spending 0.6, no value added, no taxes)
    va = np.array([[100.0, 50.0], [0.0, 40.0]])
    block = engine(tiny, sharing=tiny.sharing([park_terms(partner_unit=0)]))
    book = a_book(tiny, dict(park=0, host=1, spending=0.6))
    arrive_all(block, book)
    out = run_year(block, book, va=va)
    recorded = out.recorded
    np.testing.assert_allclose(recorded["fai_nominal"], np.array([15.0, 12.0 + 0.6]) + out.public_investment)
    np.testing.assert_allclose(recorded["fai_credited_nominal"], recorded["fai_nominal"] + [0.3, -0.3])
    np.testing.assert_array_equal(recorded["sharing_paid"], [0.0, 0.0])
    np.testing.assert_array_equal(recorded["incentive_cost"], [0.0, 0.0])
    np.testing.assert_allclose(out.credited_gdp, [150.0, 40.0])


def test_a_small_project_in_an_untaxed_sector_still_has_its_value_added_split(tiny):
    gross = gross_taxes()
    gross[0, 0] = 0.0  # a's industry pays no tax
    block = engine(tiny, sharing=tiny.sharing([park_terms()]))
    book = a_book(tiny, dict(park=0, va=0.5))
    arrive_all(block, book)
    out = run_year(block, book, gross=gross)
    np.testing.assert_allclose(out.credited_gdp, [150.0 - 0.25, 120.0 + 0.25])
    np.testing.assert_array_equal(out.recorded["sharing_paid"], [0.0, 0.0])


def test_a_projects_taxes_are_its_share_of_a_small_city_sector(tiny):
    # a's industry has value added 0.8; the project's 0.4 is half of it: city-level taxes 0.5 x 2.96 x 2 = 2.96
    va = np.array([[0.8, 50.0], [80.0, 40.0]])
    block = engine(tiny, sharing=tiny.sharing([park_terms()]))
    book = a_book(tiny, dict(park=0, va=0.4))
    arrive_all(block, book)
    recorded = run_year(block, book, va=va).recorded
    np.testing.assert_allclose(recorded["sharing_paid"], [0.5 * 2.96, 0.0])


def test_rebates_are_paid_from_the_arrival_year_for_rebate_years_on_each_projects_own_taxes(tiny):
    # two projects in a (value added 10 and 5: city-level taxes 0.592 and 0.296), rebate rate 0.3, one rebate year
    block = engine(tiny, sharing=tiny.sharing(rebate_years=1))
    book = a_book(tiny, dict(va=10.0), dict(va=5.0), years=(2022, 2023))
    arrive_all(block, book, Package(np.zeros(2), np.array([0.3, 0.0]), np.zeros(2)))
    cost = [run_year(block, book, y).recorded["incentive_cost"] for y in (2022, 2023)]
    np.testing.assert_allclose(cost, [[0.3 * 15.0 * A_CITY_TAXES_PER_VA, 0.0], [0.0, 0.0]])


def test_after_the_regime_year_a_rebate_is_capped_by_its_own_hosts_authorisation(tiny):
    # from 2022 a is authorised (ceiling 0.5) and b is not (ceiling 0): only a's project gets its 0.3
    inc = tiny.incentives(regime_year=2022, authorised_until=np.array([2030, 0]))
    params = tiny.params(transfer=tiny.transfer(incentives=inc), sharing=tiny.sharing(rebate_years=5))
    block = SharingEngine(params, tiny.geography, np.random.default_rng(0))
    book = a_book(tiny, dict(host=0, va=10.0), dict(host=1, va=20.0))
    arrive_all(block, book, Package(np.zeros(2), np.array([0.3, 0.3]), np.zeros(2)))
    expected = [0.3 * 10.0 * A_CITY_TAXES_PER_VA, 0.0]
    np.testing.assert_allclose(run_year(block, book).recorded["incentive_cost"], expected)


def test_the_rebate_rates_of_book_arrivals_are_needed_only_when_a_rebate_can_be_due(tiny):
    # without rebate years, or in a year when no project of the book is active, nothing is rebated, so a book whose
    # rows were not passed to book_arrivals is no error (test_a_book_row_never_passed_... is the case where it is)
    out = year(engine(tiny, sharing=tiny.sharing(rebate_years=0)), park_project_book(tiny))
    np.testing.assert_array_equal(out.recorded["incentive_cost"], [0.0, 0.0])
    not_yet_active = a_book(tiny, dict(va=25.0), years=(2023,))
    out = run_year(engine(tiny, sharing=tiny.sharing(rebate_years=5)), not_yet_active, 2022)
    np.testing.assert_array_equal(out.recorded["incentive_cost"], [0.0, 0.0])


def test_without_a_sharing_section_packages_cost_the_budget_nothing_and_there_is_no_debt(tiny):
    block = engine(tiny, sharing=None)
    np.testing.assert_array_equal(block.initial_debt(np.array([11.0, 8.0])), [0.0, 0.0])
    book = a_book(tiny, dict(park=0, va=25.0, spending=3.0))
    package = Package(np.array([0.2, 0.2]), np.array([0.3, 0.3]), np.zeros(2))
    land_cost = arrive_all(block, book, package)
    np.testing.assert_array_equal(land_cost, [0.0, 0.0])
    out = run_year(block, book, land_discount_cost=land_cost)
    np.testing.assert_array_equal(out.recorded["incentive_cost"], [0.0, 0.0])
    np.testing.assert_allclose(out.debt, [0.0, 0.0], atol=1e-12)  # revenue minus its parts, ~1e-16


def test_with_incentive_competition_part_of_the_incentive_cost_comes_out_of_public_investment(tiny):
    competition = CompetitionParams(is_enabled=True, reaction=0.0, neighbour_hours=0.0, budget_share=1.0,
                                    coordination="none", coordination_year=2030, common_land_discount=0.0,
                                    common_tax_rebate=0.0, incentive_funding_share=0.5)
    params = dataclasses.replace(tiny.params(transfer=tiny.transfer(), sharing=tiny.sharing(rebate_years=5)),
                                 competition=competition)
    block = SharingEngine(params, tiny.geography, np.random.default_rng(0))
    book = park_project_book(tiny)
    land_cost = arrive(block, book, Package(np.array([0.2, 0.0]), np.array([0.3, 0.0]), np.zeros(2)))
    out = year(block, book, land_discount_cost=land_cost)
    incentive = 0.3 * PROJECT_CITY_TAXES + 0.022
    # (B4): half the incentive cost is paid from a's envelope 0.2 x 11; the other half is borrowed
    np.testing.assert_allclose(out.public_investment, [2.2 - 0.5 * incentive, 2.0])
    np.testing.assert_allclose(out.debt, [0.5 * incentive, 0.0])


def test_other_transfers_park_land_and_park_contributions_reach_the_budget(tiny):
    # revenue after transfers [11 + 1, 8 - 1]; public investment 0.2 x 12 and 0.25 x 7, a quarter of it on park
    # land; a's contribution 0.5 to park land development is borrowed for
    block = engine(tiny, sharing=tiny.sharing(park_land_share=0.25))
    out = run_year(block, None, other_transfers=np.array([1.0, -1.0]), park_contribution=np.array([0.5, 0.0]))
    np.testing.assert_allclose(out.public_investment, [2.4, 1.75])
    np.testing.assert_allclose(out.park_land_investment, [0.6, 0.4375])
    np.testing.assert_allclose(out.infrastructure_investment, [1.8, 1.3125])
    np.testing.assert_allclose(out.debt, [0.5, 0.0])
    np.testing.assert_allclose(out.recorded["tax_local_after_sharing"], [11.0, 8.0])


def test_a_government_led_relocation_is_shared_up_to_its_pre_move_taxes_if_it_paid_enough_before(tiny):
    # Two projects moved by a's government to b's industry (R5): value added 20 and 10 (gross [0.25] x 4 and
    # [0.125] x 4), pre-move gross taxes 1.0 and 0.6 over 3 years. VAT+CIT is half their gross taxes, so their
    # pre-move 三税 are 0.5 and 0.3, 0.1667 and 0.1 a year: only the first reaches the floor 0.15. Its cap is its
    # pre-move 三税 at this year's city-level share of VAT+CIT, (0.125 + 0.1) x 0.5 / 0.5 = 0.225: 0.1125, less
    # than its city-level taxes 0.2875, so a receives 0.1125.
    terms = dict(kind=KIND_GOVERNMENT_LED, split=1.0, is_increment_only=False, is_cap_pre_move=True,
                 min_pre_move_tax=0.15)
    block = engine(tiny, sharing=tiny.sharing([terms]))
    moved = dict(host=1, origin=1, is_government_led=True)
    book = a_book(tiny, dict(moved, va=20.0, pre_move_tax=1.0), dict(moved, va=10.0, pre_move_tax=0.6))
    arrive_all(block, book)
    recorded = run_year(block, book).recorded
    np.testing.assert_allclose(recorded["sharing_paid"], [0.0, 0.1125])
    np.testing.assert_allclose(recorded["sharing_received"], [0.1125, 0.0])


def test_a_government_led_relocation_still_being_built_has_its_investment_split_to_its_origin(tiny):
    terms = dict(kind=KIND_GOVERNMENT_LED, split=1.0, is_increment_only=False, stat_split=[0.0, 0.0, 0.5])
    block = engine(tiny, sharing=tiny.sharing([terms]))
    book = a_book(tiny, dict(host=1, origin=1, is_government_led=True, spending=2.0, pre_move_tax=1.0))
    arrive_all(block, book)
    recorded = run_year(block, book).recorded
    np.testing.assert_allclose(recorded["fai_credited_nominal"], recorded["fai_nominal"] + [1.0, -1.0])
