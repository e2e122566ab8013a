"""TransferEngine with explicit inputs: built without a model, yearly methods take the year's inputs and return
what the projects did (T1-T7, J1-J3, IO1-IO4, B9), checked by hand on the two-unit world of conftest.py."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cnyx_sim.core.network import TransportNetwork
from cnyx_sim.core.projects import PROJECT_VARIABLES, TransferEngine, project_totals
from cnyx_sim.core.rng import ProjectDraws
from cnyx_sim.mechanisms.incentives import Package

NO_PACKAGE = Package(np.zeros(2), np.zeros(2), np.zeros(2))
EXTERNAL_AT_BASE = np.ones(1)
#: (IO3) weights of unit a's purchases: supplier VA x exp(-0.1 x hours), a-b 1 hour; 100:80 and 50:40 alike
TO_A = 100.0 / (100.0 + 80.0 * math.exp(-0.1))


def engine(tiny, transfer=None, seed=0, run=0):
    params = tiny.params(transfer=transfer or tiny.transfer())
    network = TransportNetwork(params.transfer.infrastructure, np.random.default_rng(seed + 1))
    return TransferEngine(params, tiny.geography, tiny.state(), NO_PACKAGE, ProjectDraws(seed, run), network)


def test_the_engine_is_built_from_explicit_inputs_and_sees_the_events_its_network_drew(tiny):
    built = engine(tiny, seed=7)
    # one event with probability 0.5: one uniform from the events stream decides it (T10)
    assert built.events_occurred.tolist() == (np.random.default_rng(8).random(1) < 0.5).tolist()
    assert len(built.book) == 0  # no arrivals: no base-year cohort either
    np.testing.assert_array_equal(built.park_remaining, [100.0])


def test_spending_is_installed_next_year_and_produces_at_its_capacity_share_hand_computed(tiny):
    # B = 1, ramp-up (0.5,): spent at age 1 (2022), installed 2023 at capacity 0.5, full from 2024; delta = 0.1
    built = engine(tiny)
    row = tiny.add_project(built.book, investment=10.0, year_arrived=2021, host=1, sector=1)
    tiny.project_rows(built, row)
    capital, effective, spending = [], [], []
    for year, price in ((2022, 1.1), (2023, 1.21), (2024, 1.331)):
        flows = built.before_production(year, tiny.state(), price, EXTERNAL_AT_BASE, NO_PACKAGE)
        capital.append(flows.project_capital[1, 1])
        effective.append(flows.effective_capital[1, 1])
        spending.append(flows.spending_real[1, 1])
        assert flows.project_capital.sum() == flows.project_capital[1, 1]
        assert len(flows.new_rows) == 0 and flows.arrived.sum() == 0 and flows.relocated_in.sum() == 0
    assert capital == pytest.approx([0.0, 10.0, 9.0])
    assert effective == pytest.approx([0.0, 5.0, 9.0])
    assert spending == pytest.approx([10.0, 0.0, 0.0])
    assert built.book.spending_nominal[row].tolist() == [0.0, pytest.approx(11.0), 0.0, 0.0]


def test_a_more_productive_project_has_more_effective_capital_hand_computed(tiny):
    # theta = 1.1 with alpha = 0.5: effective capital theta^(1/alpha) K = 1.21 K at full capacity (J1)
    built = engine(tiny)
    row = tiny.add_project(built.book, investment=10.0, year_arrived=2019, host=0, sector=0, capital=10.0,
                           productivity=1.1)
    tiny.project_rows(built, row)
    flows = built.before_production(2022, tiny.state(), 1.0, EXTERNAL_AT_BASE, NO_PACKAGE)
    assert flows.project_capital[0, 0] == pytest.approx(9.0)
    assert flows.effective_capital[0, 0] == pytest.approx(1.21 * 9.0)


def test_after_production_attributes_the_effective_capital_share_of_the_city_sector_hand_computed(tiny):
    built = engine(tiny)
    row = tiny.add_project(built.book, capital=100.0 / 9.0, year_arrived=2015)
    tiny.project_rows(built, row)
    built.before_production(2022, tiny.state(), 1.2, EXTERNAL_AT_BASE, NO_PACKAGE)  # effective: 10 after delta
    effective_total = np.array([[40.0, 10.0], [10.0, 10.0]])  # K^eff of J1, the project's 10 included
    employment = np.array([[8.0, 1.0], [1.0, 1.0]])
    taxes = np.array([[12.0, 1.0], [1.0, 1.0]])
    out = built.after_production(2022, tiny.va, employment, effective_total, taxes, 1.2)
    # share = 10 / 40: value added 0.25 x 100 x 1.2, jobs 0.25 x 8, taxes 0.25 x 12 (J2)
    assert out.va_nominal.tolist() == pytest.approx([30.0, 0.0])
    assert out.jobs.tolist() == pytest.approx([2.0, 0.0])
    assert out.tax_gross.tolist() == pytest.approx([3.0, 0.0])
    assert built.book.va_nominal[row, 1] == pytest.approx(30.0)


def io_world(tiny):
    """Industry buys 0.2 of its gross output from industry and 0.3 from services; VA/GO 0.5 and 1; half bought
    in the region."""
    return tiny.transfer(io_coefficients=np.array([[0.2, 0.0], [0.3, 0.0]]), va_ratio=np.array([0.5, 1.0]),
                         local_purchase_share=0.5)


def test_local_purchases_reach_the_suppliers_of_both_units_hand_computed(tiny):
    # project in unit a, industry, value added 30 -> gross output 60 (IO1); local purchases 0.5 x 0.2 x 60 = 6
    # from industry and 0.5 x 0.3 x 60 = 9 from services (IO2); unit a gets TO_A of each, unit b the rest (IO3)
    built = engine(tiny, io_world(tiny))
    row = tiny.add_project(built.book, capital=100.0 / 9.0, year_arrived=2015)
    tiny.project_rows(built, row)
    built.before_production(2022, tiny.state(), 1.2, EXTERNAL_AT_BASE, NO_PACKAGE)
    out = built.after_production(2022, tiny.va, np.ones((2, 2)), np.array([[40.0, 10.0], [10.0, 10.0]]),
                                 np.ones((2, 2)), 1.2)
    assert out.local_purchases.tolist() == pytest.approx([15.0 * TO_A, 15.0 * (1.0 - TO_A)])
    assert TO_A == pytest.approx(100.0 / (100.0 + 72.387), abs=1e-5)  # 80 e^-0.1 = 72.387


def test_suppliers_build_the_capacity_the_projects_purchases_need_hand_computed(tiny):
    # 10 spent in 2022 on industry in unit a; at full production it adds VA 10 x (Y/K = 0.5) = 5, gross output 10,
    # local purchases 1 (industry) and 1.5 (services); suppliers invest K/Y (2) x VA/GO x purchases (IO4)
    built = engine(tiny, io_world(tiny))
    row = tiny.add_project(built.book, investment=10.0, year_arrived=2021, host=0, sector=0)
    tiny.project_rows(built, row)
    flows = built.before_production(2022, tiny.state(), 1.0, EXTERNAL_AT_BASE, NO_PACKAGE)
    expected = np.array([[2 * 0.5 * 1.0 * TO_A, 2 * 1.0 * 1.5 * TO_A],
                         [2 * 0.5 * 1.0 * (1 - TO_A), 2 * 1.0 * 1.5 * (1 - TO_A)]])
    np.testing.assert_allclose(flows.supplier_investment, expected)
    assert flows.external_spending.tolist() == [10.0, 0.0]


def test_the_packages_in_force_are_the_ones_passed_in(tiny):
    # A strong rebate coefficient: every located project goes where the package offers the rebate.
    transfer = tiny.transfer(arrival_rate=np.array([[30.0, 30.0]]), beta_rebate=60.0,
                             parks=tiny.parks(start_year=np.array([2030])))
    hosts = {}
    for unit in (0, 1):
        built = engine(tiny, transfer, seed=3)
        first = len(built.book)
        rebate = np.zeros(2)
        rebate[unit] = 0.5
        package = Package(np.zeros(2), rebate, np.zeros(2))
        state = tiny.state()
        flows = built.before_production(2022, state, 1.1, EXTERNAL_AT_BASE, package)
        host = built.book.host[first:]
        located = host[host >= 0]
        hosts[unit] = set(located.tolist())
        assert flows.arrived[unit] == len(located) > 0
        np.testing.assert_array_equal(package.tax_rebate, rebate)  # inputs are not modified
        np.testing.assert_array_equal(state.va_real, tiny.va)
    assert hosts == {0: {0}, 1: {1}}


def test_arrivals_and_choices_are_reproducible_from_the_run_and_differ_between_runs(tiny):
    transfer = tiny.transfer(arrival_rate=np.array([[20.0, 10.0]]))
    first, again, other = engine(tiny, transfer, seed=5), engine(tiny, transfer, seed=5), engine(tiny, transfer, 5, 1)
    for built in (first, again, other):
        built.before_production(2022, tiny.state(), 1.1, EXTERNAL_AT_BASE, NO_PACKAGE)
    for column in ("sector", "signed_investment", "host", "park"):
        np.testing.assert_array_equal(getattr(first.book, column), getattr(again.book, column))
    assert not np.array_equal(first.book.signed_investment[: 5], other.book.signed_investment[: 5])


def test_a_bigger_park_leaves_the_arriving_projects_identical(tiny):
    # common random numbers: arrivals, sectors and sizes are the projects' own numbers (T2-T3), so a policy
    # that does not touch arrivals changes where they go, never who arrives
    small = tiny.transfer(arrival_rate=np.array([[40.0, 40.0]]), beta_park=3.0, land_intensity=1.0)
    big = tiny.transfer(arrival_rate=np.array([[40.0, 40.0]]), beta_park=3.0, land_intensity=1.0,
                        parks=tiny.parks(land_capacity=np.array([10_000.0])))
    books = []
    for transfer in (small, big):
        built = engine(tiny, transfer, seed=9)
        for year in (2022, 2023):
            built.before_production(year, tiny.state(), 1.0, EXTERNAL_AT_BASE, NO_PACKAGE)
        books.append(built.book)
    for column in ("year_arrived", "origin", "sector", "signed_investment", "is_realised"):
        np.testing.assert_array_equal(getattr(books[0], column), getattr(books[1], column))
    assert (books[1].park >= 0).sum() > (books[0].park >= 0).sum()  # the bigger park takes more of them


def test_park_land_is_split_equally_among_the_hosts_open_parks(tiny):
    parks = tiny.parks(ids=("p", "q", "r"), names_zh=("p", "q", "r"), kinds=("x",) * 3, host=np.array([0, 0, 1]),
                       partners=((), (), ()), partner_origin=np.zeros((3, 1), dtype=bool),
                       partner_unit=np.array([-1, -1, -1]), start_year=np.array([2021, 2022, 2030]),
                       land_capacity=np.array([10.0, 10.0, 10.0]), target_sectors=np.ones((3, 2), dtype=bool))
    built = engine(tiny, tiny.transfer(parks=parks))
    # unit a: 6 亿元 at 2 亿元 per 亩 = 3 亩 over its two open parks; unit b's only park opens in 2030
    built.add_park_land(np.array([6.0, 4.0]), 2.0, 2023)
    np.testing.assert_allclose(built.park_remaining, [11.5, 11.5, 10.0])


def test_project_totals_name_every_recorded_variable(tiny):
    built = engine(tiny)
    flows = built.before_production(2022, tiny.state(), 1.1, EXTERNAL_AT_BASE, NO_PACKAGE)
    out = built.after_production(2022, tiny.va, tiny.state().employment, 2.0 * tiny.va, np.ones((2, 2)), 1.1)
    totals = project_totals(flows, out)
    assert tuple(totals) == PROJECT_VARIABLES
    assert all(values.shape == (2,) for values in totals.values())
