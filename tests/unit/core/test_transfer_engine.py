"""TransferEngine with explicit inputs: built without a model, yearly methods take the year's inputs and return
what the projects did (T1-T7, B9), checked by hand on the two-unit world of conftest.py."""

from __future__ import annotations

import numpy as np
import pytest

from cnyx_sim.core.network import TransportNetwork
from cnyx_sim.core.projects import PROJECT_VARIABLES, TransferEngine, project_totals
from cnyx_sim.mechanisms.incentives import Package

NO_PACKAGE = Package(np.zeros(2), np.zeros(2), np.zeros(2))
EXTERNAL_AT_BASE = np.ones(1)


def engine(tiny, transfer=None, seed=0):
    params = tiny.params(transfer=transfer or tiny.transfer())
    network = TransportNetwork(params.transfer.infrastructure, np.random.default_rng(seed + 1))
    return TransferEngine(params, tiny.geography, tiny.state(), NO_PACKAGE, np.random.default_rng(seed), network)


def test_the_engine_is_built_from_explicit_inputs_and_sees_the_events_its_network_drew(tiny):
    built = engine(tiny, seed=7)
    # one event with probability 0.5: one uniform from the events stream decides it (T10)
    assert built.events_occurred.tolist() == (np.random.default_rng(8).random(1) < 0.5).tolist()
    assert len(built.book) == 0
    np.testing.assert_array_equal(built.park_remaining, [100.0])


def test_capacity_enters_capital_as_the_schedule_rises_and_construction_is_spent_hand_computed(tiny):
    # B = 1 construction year, ramp-up (0.5,): capacity 0 at ages 0-1, 0.5 at age 2, 1 from age 3
    built = engine(tiny)
    row = tiny.add_project(built.book, investment=10.0, year_arrived=2021, host=1, sector=1)
    changes, spending = [], []
    for year, price in ((2022, 1.1), (2023, 1.21), (2024, 1.331)):
        flows = built.before_production(year, tiny.state(), price, EXTERNAL_AT_BASE, NO_PACKAGE)
        changes.append(flows.capital_change[1, 1])
        spending.append(flows.construction_spending.tolist())
        assert flows.capital_change.sum() == flows.capital_change[1, 1]
        assert len(flows.new_rows) == 0 and flows.arrived.sum() == 0 and flows.relocated_in.sum() == 0
    assert changes == pytest.approx([0.0, 5.0, 5.0])
    assert spending == [[0.0, pytest.approx(11.0)], [0.0, 0.0], [0.0, 0.0]]  # I / B at age 1, current prices
    assert built.book.capital[row] == pytest.approx(10.0)
    assert built.book.spending_nominal[row].tolist() == [0.0, pytest.approx(11.0), 0.0, 0.0]


def test_after_production_attributes_the_capital_share_of_the_city_sector_hand_computed(tiny):
    built = engine(tiny)
    row = tiny.add_project(built.book, capital=10.0)
    capital = np.array([[40.0, 10.0], [10.0, 10.0]])
    employment = np.array([[8.0, 1.0], [1.0, 1.0]])
    taxes = np.array([[12.0, 1.0], [1.0, 1.0]])
    out = built.after_production(2022, tiny.va, employment, capital, taxes, 1.2)
    # share = 10 / 40: value added 0.25 x 100 x 1.2, jobs 0.25 x 8, taxes 0.25 x 12
    assert out.va_nominal.tolist() == pytest.approx([30.0, 0.0])
    assert out.jobs.tolist() == pytest.approx([2.0, 0.0])
    assert out.tax_gross.tolist() == pytest.approx([3.0, 0.0])
    assert built.book.va_nominal[row, 1] == pytest.approx(30.0)
    assert built.book.capital[row] == pytest.approx(9.0)  # depreciated at delta = 0.1


def test_the_packages_in_force_are_the_ones_passed_in(tiny):
    # A strong rebate coefficient: every located project goes where the package offers the rebate.
    transfer = tiny.transfer(arrival_rate=np.array([[30.0, 30.0]]), beta_rebate=60.0,
                             parks=tiny.parks(start_year=np.array([2030])))
    hosts = {}
    for unit in (0, 1):
        built = engine(tiny, transfer, seed=3)
        rebate = np.zeros(2)
        rebate[unit] = 0.5
        package = Package(np.zeros(2), rebate, np.zeros(2))
        state = tiny.state()
        flows = built.before_production(2022, state, 1.1, EXTERNAL_AT_BASE, package)
        located = built.book.host[built.book.host >= 0]
        hosts[unit] = set(located.tolist())
        assert flows.arrived[unit] == len(located) > 0
        np.testing.assert_array_equal(package.tax_rebate, rebate)  # inputs are not modified
        np.testing.assert_array_equal(state.va_real, tiny.va)
    assert hosts == {0: {0}, 1: {1}}


def test_arrivals_and_choices_are_reproducible_from_the_stream(tiny):
    transfer = tiny.transfer(arrival_rate=np.array([[20.0, 10.0]]))
    first, again = engine(tiny, transfer, seed=5), engine(tiny, transfer, seed=5)
    for built in (first, again):
        built.before_production(2022, tiny.state(), 1.1, EXTERNAL_AT_BASE, NO_PACKAGE)
    for column in ("sector", "investment", "host", "park"):
        np.testing.assert_array_equal(getattr(first.book, column), getattr(again.book, column))


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
