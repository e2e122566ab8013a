"""SharingEngine with explicit inputs: built without a model; ``book_arrivals`` and ``year`` take the year's
inputs and return what the fiscal block produced (S1-S8, D1-D5, B1-B9), checked by hand on conftest.py's world.

The project: in park ``p`` (host ``a``, partner ``b``), industry, value added 25 of its city-sector's 100
(share 0.25). Gross taxes of a's industry [VAT, CIT, PIT, property] = [8, 4, 2, 1], so the project's are
[2, 1, 0.5, 0.25]; local shares [0.5, 0.4, 0.4, 1] give [1, 0.4, 0.2, 0.25] and a's province takes 0.2:
city-level [0.8, 0.32, 0.16, 0.2], total 1.48.
"""

from __future__ import annotations

import numpy as np
import pytest

from cnyx_sim.core.sharing import SharingEngine
from cnyx_sim.mechanisms.incentives import Package
from cnyx_sim.mechanisms.tax_sharing import KIND_PARK

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
