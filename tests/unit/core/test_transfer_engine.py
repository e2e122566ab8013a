"""TransferEngine with explicit inputs: built without a model, yearly methods take the year's inputs and return
what the projects did (T1-T7, J1-J3, IO1-IO4, B9), checked by hand on the two-unit world of conftest.py."""

from __future__ import annotations

import copy
import dataclasses
import math
import pickle

import numpy as np
import pytest

from cnyx_sim.core.network import TransportNetwork
from cnyx_sim.core.params import RelocationParams
from cnyx_sim.core.projects import PROJECT_VARIABLES, ProjectBook, TransferEngine, project_totals
from cnyx_sim.core.rng import ProjectDraws
from cnyx_sim.core.state import Index
from cnyx_sim.mechanisms.incentives import Package
from cnyx_sim.mechanisms.tax_sharing import KIND_ALL_CROSS_UNIT, AgreementSet
from cnyx_sim.mechanisms.transfer import poisson_quantile

from .conftest import YEARS

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


def test_operating_projects_close_when_their_cumulative_hazard_reaches_their_own_threshold_hand_computed(tiny):
    # closure rate 0.5: cumulative hazard -ln(0.5) = 0.693 after one year, 1.386 after two (T7). Both projects
    # operate (arrived 2015); capital 100/9 depreciates to 10 in 2022 (delta 0.1). The park project's threshold
    # 0.5 is passed in 2022, the other's 1.0 in 2023; a closure writes the capital off and returns park land.
    built = engine(tiny, tiny.transfer(closure_rate=0.5))
    in_park = tiny.add_project(built.book, capital=100.0 / 9.0, year_arrived=2015, park=0, land=10.0,
                               draw_closure=0.5)
    outside = tiny.add_project(built.book, capital=100.0 / 9.0, year_arrived=2015, host=1, sector=1,
                               draw_closure=1.0)
    tiny.project_rows(built, [in_park, outside])
    flows = built.before_production(2022, tiny.state(), 1.0, EXTERNAL_AT_BASE, NO_PACKAGE)
    np.testing.assert_allclose(flows.written_off, [[10.0, 0.0], [0.0, 0.0]])
    np.testing.assert_allclose(flows.project_capital, [[0.0, 0.0], [0.0, 10.0]])
    np.testing.assert_allclose(built.park_remaining, [110.0])
    book = built.book
    assert book.closed_year.tolist() == [2022, 0] and book.capital[in_park] == 0.0
    np.testing.assert_allclose(book.hazard_closure, [math.log(2.0)] * 2)
    flows = built.before_production(2023, tiny.state(), 1.0, EXTERNAL_AT_BASE, NO_PACKAGE)
    np.testing.assert_allclose(flows.written_off, [[0.0, 0.0], [0.0, 9.0]])
    np.testing.assert_allclose(flows.project_capital, 0.0)
    assert book.closed_year.tolist() == [2022, 2023]
    np.testing.assert_allclose(book.hazard_closure, [math.log(2.0), 2.0 * math.log(2.0)])
    np.testing.assert_allclose(built.park_remaining, [110.0])  # the project outside parks returns no park land


def test_a_relocating_project_leaves_its_host_and_re_enters_as_a_unit_origin_project_elsewhere_hand_computed(tiny):
    # relocation rate 0.5 with sensitivity 0: hazard 0.5, increment 0.693 >= the project's threshold 0.5 (T7).
    # The mover (industry in unit a, park p) cannot choose its old host or the host's park (however attractive:
    # beta_park 60), and a move has no outside option: it goes to unit b, with its capital (10 after
    # depreciation) as realised investment and 10 / 2 亩 of land (land intensity 2 亿元 per 亩). Every project
    # is a referral candidate (probability 1), but no other unit than the host is open to the mover: b is credited.
    built = engine(tiny, tiny.transfer(relocation_rate=0.5, beta_park=60.0, land_intensity=2.0,
                                       referral_probability=1.0))
    row = tiny.add_project(built.book, capital=100.0 / 9.0, year_arrived=2015, park=0, land=10.0,
                           draw_relocation=0.5)
    tiny.project_rows(built, row)
    built.book.set_yearly("tax_gross", 0, np.array([row]), 3.0)  # 2021's gross taxes: the pre-move taxes (R5)
    flows = built.before_production(2022, tiny.state(), 1.1, EXTERNAL_AT_BASE, NO_PACKAGE)
    book = built.book
    assert flows.new_rows.tolist() == [1]
    assert flows.relocated_in.tolist() == [0.0, 1.0] and flows.arrived.tolist() == [0.0, 0.0]
    assert flows.signed_value.tolist() == [0.0, 0.0]  # a move signs nothing new
    np.testing.assert_allclose(flows.written_off, [[10.0, 0.0], [0.0, 0.0]])
    np.testing.assert_allclose(built.park_remaining, [110.0])
    assert book.closed_year.tolist() == [2022, 0]
    assert (book.host[1], book.park[1], book.relocated_from[1], book.origin[1]) == (1, -1, 0, 1)  # origin: unit a
    assert (book.sector[1], book.year_arrived[1], book.full_production_year[1]) == (0, 2022, 2025)
    assert book.investment[1] == pytest.approx(10.0) and book.signed_investment[1] == pytest.approx(10.0)
    assert book.is_realised[1] and not book.is_government_led[1] and book.referral[1] == 1
    assert book.pre_move_tax[1] == pytest.approx(3.0)
    assert book.land[1] == pytest.approx(5.0)
    totals = built.relocation_totals(flows.new_rows)
    assert totals["government_led_relocations_out"].tolist() == [0.0, 0.0]
    assert totals["origin_consent"].tolist() == [0.0, 0.0] and totals["referral_weight"].tolist() == [1.0, 1.0]
    # the moved project builds from next year: nothing spent or producing in its arrival year
    np.testing.assert_allclose(flows.project_capital, 0.0)
    np.testing.assert_allclose(flows.spending_real, 0.0)


def relocation_channel(tiny, transfer, **changes):
    params = tiny.params(transfer=transfer)
    rule = RelocationParams(is_enabled=True, government_led_rate=1.0, base_consent=0.5, revenue_weight=0.5,
                            referral_response=0.0)
    params = dataclasses.replace(params, relocation=dataclasses.replace(rule, **changes))
    network = TransportNetwork(params.transfer.infrastructure, np.random.default_rng(1))
    return TransferEngine(params, tiny.geography, tiny.state(), NO_PACKAGE, ProjectDraws(0, 0), network)


def test_a_government_led_move_needs_the_origins_consent_and_is_counted_out_and_in_hand_computed(tiny):
    # (R1)-(R3) with no agreement: nothing kept, consent P0 = 0.5, government hazard 1.0 x 0.5 = 0.5; no market
    # hazard, so the whole move is government-led (share 1). Increment -ln(0.5) = 0.693 >= threshold 0.5.
    built = relocation_channel(tiny, tiny.transfer())
    np.testing.assert_allclose(built.unit_consent, [0.5, 0.5])  # the base year's, recorded
    rows = [tiny.add_project(built.book, capital=100.0 / 9.0, year_arrived=2015, host=1, sector=1,
                             draw_relocation=0.5),
            tiny.add_project(built.book, capital=100.0 / 9.0, year_arrived=2015, host=0, draw_relocation=0.6),
            tiny.add_project(built.book, capital=100.0 / 9.0, year_arrived=2015, host=0, draw_relocation=0.8)]
    tiny.project_rows(built, rows)
    flows = built.before_production(2022, tiny.state(), 1.0, EXTERNAL_AT_BASE, NO_PACKAGE)
    book = built.book
    np.testing.assert_allclose(book.hazard_relocation[:3], [math.log(2.0)] * 3)
    # b -> a and a -> b move (thresholds 0.5 and 0.6); the project with threshold 0.8 stays in a
    assert flows.new_rows.tolist() == [3, 4]
    assert book.host[3:].tolist() == [0, 1] and book.relocated_from[3:].tolist() == [1, 0]
    assert book.is_government_led[3:].tolist() == [True, True]
    assert book.origin[3:].tolist() == [1 + 1, 1 + 0]  # a unit origin: after the one external origin
    totals = built.relocation_totals(flows.new_rows)
    assert totals["government_led_relocations_out"].tolist() == [1.0, 1.0]
    assert totals["government_led_relocations_in"].tolist() == [1.0, 1.0]
    assert totals["origin_consent"].tolist() == [0.5, 0.5]
    assert totals["referral_weight"].tolist() == [1.0, 1.0]
    np.testing.assert_allclose(flows.project_capital, [[10.0, 0.0], [0.0, 0.0]])  # the one that stayed


def test_without_consent_there_is_no_government_led_move(tiny):
    built = relocation_channel(tiny, tiny.transfer(), base_consent=0.0)
    row = tiny.add_project(built.book, capital=10.0, year_arrived=2015, draw_relocation=1e-9)
    tiny.project_rows(built, row)
    flows = built.before_production(2022, tiny.state(), 1.0, EXTERNAL_AT_BASE, NO_PACKAGE)
    assert len(flows.new_rows) == 0 and built.book.closed_year.tolist() == [0]
    np.testing.assert_allclose(built.unit_consent, 0.0)


def test_developed_park_land_becomes_free_land(tiny):
    built = engine(tiny)
    built.add_developed_land(np.array([7.5]))
    np.testing.assert_allclose(built.park_remaining, [107.5])


@pytest.mark.parametrize("probability", [0.0, 1.0])
def test_the_referral_unit_is_the_parks_partner_the_host_or_with_the_referral_probability_the_other_unit(
        tiny, probability):
    # two units: the unit a project rated next best is the other one; the park's partner (b) referred every
    # project located in the park; a project that did not locate has no referral unit
    built = engine(tiny, tiny.transfer(arrival_rate=np.array([[30.0, 30.0]]), referral_probability=probability,
                                       beta_park=1.0), seed=4)
    built.before_production(2022, tiny.state(), 1.0, EXTERNAL_AT_BASE, NO_PACKAGE)
    book = built.book
    host, park, referral = book.host, book.park, book.referral
    in_park, in_unit = park >= 0, (host >= 0) & (park < 0)
    assert in_park.any() and in_unit.any() and (host < 0).any()
    assert (referral[in_park] == 1).all() and (referral[host < 0] == -1).all()
    expected = 1 - host[in_unit] if probability == 1.0 else host[in_unit]
    np.testing.assert_array_equal(referral[in_unit], expected)


def test_the_book_grows_beyond_its_capacity_and_keeps_every_row_and_year(tiny):
    book = ProjectBook(("east_coast", "a", "b"), ("a", "b"), ("industry", "services"), ("p",), YEARS, capacity=2)
    for k in range(5):
        row = tiny.add_project(book, investment=float(k), host=k % 2)
        book.set_yearly("va_nominal", 1, np.array([row]), 10.0 * k)
    assert len(book) == 5 and book.project_id.tolist() == [0, 1, 2, 3, 4]
    assert book.investment.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0] and book.host.tolist() == [0, 1, 0, 1, 0]
    assert {name: getattr(book, name).dtype for name in ProjectBook.SCALAR_COLUMNS} == {
        name: np.dtype(kind) for name, kind in ProjectBook.SCALAR_COLUMNS.items()}  # codes stay integers
    assert book.va_nominal.shape == (5, len(YEARS))
    np.testing.assert_array_equal(book.va_nominal[:, 1], [0.0, 10.0, 20.0, 30.0, 40.0])
    np.testing.assert_array_equal(book.va_nominal[:, [0, 2, 3]], 0.0)
    book.set_column("closed_year", np.array([3]), 2024)
    assert book.closed_year.tolist() == [0, 0, 0, 2024, 0]
    with pytest.raises(AttributeError, match="no_such_column"):
        book.no_such_column


def psi_world(tiny, **changes):
    """Industry projects only (phi 0.1), the park closed in the base year, the IO world's purchases."""
    return tiny.transfer(**{**dict(
        project_investment_share=0.1, transfer_sector=np.array([True, False]),
        io_coefficients=np.array([[0.2, 0.0], [0.3, 0.0]]), va_ratio=np.array([0.5, 1.0]), local_purchase_share=0.5,
        parks=tiny.parks(start_year=np.array([2030]))), **changes})


def test_k4_supplier_share_is_the_supplier_investment_the_calibrated_flow_induces_hand_computed(tiny):
    # (T2) flow F = phi s Y = 0.1 x 0.2 x 180 = 3.6 (industry); located share 0.5 over two equal units: each unit
    # hosts realised investment 3.6 / 0.5 x 0.25 = 1.8 at full production, VA 1.8 x Y/K (0.5) = 0.9, gross output
    # 1.8; local purchases 0.5 x 0.2 x 1.8 = 0.18 (industry), 0.27 (services) per unit, received in the region
    # whatever the supplier unit (IO3); suppliers invest K/Y (2) x VA/GO x purchases (IO4): 0.36 and 1.08 in all.
    # psi = induced / (s Y): 0.36 / 36 and 1.08 / 18 (K4)
    built = engine(tiny, psi_world(tiny))
    np.testing.assert_allclose(built.supplier_share, [0.01, 0.06], rtol=1e-12)
    np.testing.assert_allclose(built.target_flow, [3.6, 0.0], rtol=1e-12)


def test_k4_supplier_share_does_not_depend_on_how_the_calibrated_flow_is_split_into_projects(tiny):
    # the calibrated arrival rate (T2) divides the flow by p kappa m: the realised flow, hence psi, is the same
    built = engine(tiny, psi_world(tiny, start_probability=0.5, realised_share=0.8, mean_size=np.array([2.0, 3.0])))
    np.testing.assert_allclose(built.supplier_share, [0.01, 0.06], rtol=1e-12)


def test_k4_a_more_productive_origin_induces_more_supplier_investment_by_its_premium(tiny):
    # theta = 1.1, alpha = 0.5: full-production VA per yuan x theta^(1/alpha) = 1.21 (J1)
    built = engine(tiny, psi_world(tiny, productivity=np.array([1.1])))
    np.testing.assert_allclose(built.supplier_share, [0.0121, 0.0726], rtol=1e-12)


def test_t2_t3_arrivals_follow_the_national_growth_index_and_each_projects_own_numbers(tiny):
    # rates [3, 2] grow with the national index (T2): 1 in the base year, 1.5 in 2022 and 1.5 x 1.2 in 2023. Each
    # arrival's sector, size and start come from its own uniforms (T3): sector 0 when u < 3/5, size by Box-Muller
    # from (u_radius, u_angle), realised when u_start < p (investment kappa x signed)
    transfer = tiny.transfer(arrival_rate=np.array([[3.0, 2.0]]), start_probability=0.5, realised_share=0.8,
                             mean_size=np.array([2.0, 3.0]), productivity=np.array([1.3]))
    params = tiny.params(transfer=transfer)
    growth = np.array([0.0, 0.5, 0.2, 0.1])
    params = dataclasses.replace(params, macro=dataclasses.replace(params.macro, national_real_growth=growth))
    network = TransportNetwork(params.transfer.infrastructure, np.random.default_rng(1))
    built = TransferEngine(params, tiny.geography, tiny.state(), NO_PACKAGE, ProjectDraws(6, 2), network)
    rows = {2021: built.initial_rows}
    for year in (2022, 2023):
        rows[year] = built.before_production(year, tiny.state(), 1.0, EXTERNAL_AT_BASE, NO_PACKAGE).new_rows
    book, total = built.book, 0
    for year, index in ((2021, 1.0), (2022, 1.5), (2023, 1.8)):
        counts, u, _, _ = ProjectDraws(6, 2).year_arrivals(year, [5.0 * index], 2, 1, poisson_quantile)
        n = int(counts.sum())
        assert len(rows[year]) == n and rows[year].tolist() == list(range(total, total + n))
        total += n
        chosen = rows[year]
        sector = (u["sector"] >= 0.6).astype(int)
        normal = np.sqrt(-2.0 * np.log(u["size_radius"])) * np.cos(2.0 * np.pi * u["size_angle"])
        signed = np.minimum(np.array([2.0, 3.0])[sector] * np.exp(0.5 * normal - 0.125), 1000.0)
        np.testing.assert_array_equal(book.sector[chosen], sector)
        np.testing.assert_allclose(book.signed_investment[chosen], signed, rtol=1e-12)
        np.testing.assert_array_equal(book.is_realised[chosen], u["start"] < 0.5)
        np.testing.assert_allclose(book.investment[chosen], np.where(u["start"] < 0.5, 0.8 * signed, 0.0), rtol=1e-12)
        np.testing.assert_array_equal(book.year_arrived[chosen], year)
        np.testing.assert_allclose(book.productivity[chosen], 1.3)
        # (T7) the project's own Exp(1) thresholds; full production B + R + 1 = 3 years on if it locates and starts
        np.testing.assert_array_equal(book.draw_closure[chosen], -np.log(u["closure"]))
        np.testing.assert_array_equal(book.draw_relocation[chosen], -np.log(u["relocation"]))
        builds = (book.host[chosen] >= 0) & (u["start"] < 0.5)
        assert builds.any() and (~builds).any()
        np.testing.assert_array_equal(book.full_production_year[chosen], np.where(builds, year + 3, 0))
    assert len(rows[2022]) > 0 and len(rows[2023]) > 0


def test_a_years_arrivals_and_moves_are_booked_together_and_counted_apart_hand_computed(tiny):
    # external arrivals and one relocation (from a to b) in 2022: the external rows first, then the move
    transfer = tiny.transfer(arrival_rate=np.array([[6.0, 6.0]]), relocation_rate=0.5)
    built = engine(tiny, transfer, seed=2)
    row = tiny.add_project(built.book, capital=100.0 / 9.0, year_arrived=2015, draw_relocation=0.5)
    tiny.project_rows(built, row)
    first = len(built.book)
    flows = built.before_production(2022, tiny.state(), 1.1, EXTERNAL_AT_BASE, NO_PACKAGE)
    book = built.book
    new = np.arange(first, len(book))
    assert flows.new_rows.tolist() == new.tolist() and len(new) >= 3
    moved = new[-1]
    assert book.relocated_from[moved] == 0 and book.host[moved] == 1 and book.origin[moved] == 1
    external = new[:-1]
    assert (book.relocated_from[external] == -1).all() and (book.origin[external] == 0).all()
    host = book.host[external]
    located = host >= 0
    np.testing.assert_array_equal(flows.arrived, np.bincount(host[located], minlength=2))
    assert flows.relocated_in.tolist() == [0.0, 1.0]
    np.testing.assert_allclose(flows.signed_value, 1.1 * np.bincount(
        host[located], weights=book.signed_investment[external][located], minlength=2), rtol=1e-12)
    # next year the mover builds (B = 1) with its capital; it is not external spending (crowding-out, K5)
    flows = built.before_production(2023, tiny.state(), 1.2, EXTERNAL_AT_BASE, NO_PACKAGE)
    live_external = external[located & book.is_realised[external]]
    by_host = np.bincount(book.host[live_external], weights=book.investment[live_external], minlength=2)
    np.testing.assert_allclose(flows.external_spending, by_host, rtol=1e-12)
    np.testing.assert_allclose(flows.construction_spending, 1.2 * (by_host + [0.0, 10.0]), rtol=1e-12)


def cross_unit_rule(start: int) -> AgreementSet:
    """One all-cross-unit rule from ``start``: split 0.4 enforced surely, GDP statistics split 0.2 honoured surely."""
    base = AgreementSet.empty(4)
    values = {f.name: np.zeros((1, *getattr(base, f.name).shape[1:]), dtype=getattr(base, f.name).dtype)
              for f in dataclasses.fields(AgreementSet) if f.name != "ids"}
    values.update(ids=("rule",), kind=np.array([KIND_ALL_CROSS_UNIT]), partner_unit=np.array([-1]),
                  split=np.array([0.4]), enforcement_probability=np.array([1.0]),
                  stat_honour_probability=np.array([1.0]), start_year=np.array([start]), end_year=np.array([2040]))
    values["stat_split"][0, 0] = 0.2
    return AgreementSet(**values)


def test_r1_r4_consent_and_referral_weights_follow_the_agreements_in_force_hand_computed(tiny):
    # (R1) kept V = w_T x 0.4 x 1 + (1 - w_T) x 0.2 x 1 = 0.3 (w_T 0.5), for every origin unit; (R2) consent
    # 0.5 + 0.5 x 0.3 = 0.65; (R4) referral share 0.4 x 1, weights 1 + 2.5 x 0.4 = 2. The rule starts in 2023.
    params = tiny.params(transfer=tiny.transfer(), sharing=tiny.sharing())
    params = dataclasses.replace(params, sharing=dataclasses.replace(params.sharing, agreements=cross_unit_rule(2023)),
                                 relocation=RelocationParams(is_enabled=True, government_led_rate=0.0, base_consent=0.5,
                                                             revenue_weight=0.5, referral_response=2.5))
    network = TransportNetwork(params.transfer.infrastructure, np.random.default_rng(1))
    built = TransferEngine(params, tiny.geography, tiny.state(), NO_PACKAGE, ProjectDraws(0, 0), network)
    recorded = {}
    for year in (2022, 2023):
        flows = built.before_production(year, tiny.state(), 1.0, EXTERNAL_AT_BASE, NO_PACKAGE)
        recorded[year] = built.relocation_totals(flows.new_rows)
    assert recorded[2022]["origin_consent"].tolist() == [0.5, 0.5]
    assert recorded[2022]["referral_weight"].tolist() == [1.0, 1.0]
    np.testing.assert_allclose(recorded[2023]["origin_consent"], [0.65, 0.65], rtol=1e-12)
    np.testing.assert_allclose(recorded[2023]["referral_weight"], [2.0, 2.0], rtol=1e-12)


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_external_arrivals_are_government_led_with_their_origins_share(tiny, share):
    built = engine(tiny, tiny.transfer(arrival_rate=np.array([[20.0, 20.0]]), government_led_share=np.array([share])))
    flows = built.before_production(2022, tiny.state(), 1.0, EXTERNAL_AT_BASE, NO_PACKAGE)
    assert len(built.book) > 0
    assert built.book.is_government_led.tolist() == [share == 1.0] * len(built.book)
    totals = built.relocation_totals(flows.new_rows)  # government-led arrivals are not relocations (R3)
    assert totals["government_led_relocations_out"].tolist() == [0.0, 0.0]
    assert totals["government_led_relocations_in"].tolist() == [0.0, 0.0]


def test_park_land_investment_of_any_size_reaches_a_park_that_opens_in_the_year_it_is_for(tiny):
    built = engine(tiny, tiny.transfer(parks=tiny.parks(start_year=np.array([2023]))))
    built.add_park_land(np.array([0.5, 0.0]), 2.0, 2022)  # the park is not open in 2022: not tracked
    np.testing.assert_allclose(built.park_remaining, [100.0])
    built.add_park_land(np.array([0.5, 0.0]), 2.0, 2023)
    np.testing.assert_allclose(built.park_remaining, [100.25])


class GatewayLevers:
    """A lever engine whose location-utility shift (E4, O3) puts origins abroad strongly in unit b."""

    def __init__(self):
        self.seen = []

    def location_utility(self, year, is_abroad, access_weight):
        self.seen.append((year, is_abroad.tolist(), access_weight))
        return is_abroad[:, None, None] * np.array([0.0, 60.0])[None, None, :]


def test_the_levers_shift_the_utility_of_the_origins_they_mark_abroad(tiny):
    # (T4) + the levers' shift: an origin abroad locates in unit b only; the levers see which origins are abroad
    # (external origins by name, units never) and the access coefficient
    levers = GatewayLevers()
    params = tiny.params(transfer=tiny.transfer(origins=("abroad",), arrival_rate=np.array([[20.0, 20.0]]),
                                                beta_access=0.7, parks=tiny.parks(start_year=np.array([2030]))))
    network = TransportNetwork(params.transfer.infrastructure, np.random.default_rng(1))
    built = TransferEngine(params, tiny.geography, tiny.state(), NO_PACKAGE, ProjectDraws(0, 0), network, levers)
    first = len(built.book)
    built.before_production(2022, tiny.state(), 1.0, EXTERNAL_AT_BASE, NO_PACKAGE)
    host = built.book.host[first:]
    assert (host >= 0).sum() > 0 and set(host[host >= 0].tolist()) == {1}
    assert levers.seen[-1] == (2022, [True, False, False], 0.7)


def test_only_projects_at_full_production_can_close(tiny):
    # B = 1 and one ramp-up year: full production from age 3 (T7). Arrived 2019: age 3 in 2022, at risk; arrived
    # 2020: age 2, not at risk until 2023, however low its threshold
    built = engine(tiny, tiny.transfer(closure_rate=0.5))
    rows = [tiny.add_project(built.book, capital=1.0, year_arrived=arrived, draw_closure=0.1)
            for arrived in (2019, 2020)]
    tiny.project_rows(built, rows)
    built.before_production(2022, tiny.state(), 1.0, EXTERNAL_AT_BASE, NO_PACKAGE)
    assert built.book.closed_year.tolist() == [2022, 0]
    built.before_production(2023, tiny.state(), 1.0, EXTERNAL_AT_BASE, NO_PACKAGE)
    assert built.book.closed_year.tolist() == [2022, 2023]


def test_park_partners_external_origins_and_partner_units_get_the_partner_bonus(tiny):
    # the park alone repels (beta_park -30); its partners, the external origin and unit b, get +60 (T5): every
    # located external arrival and the project moving out of b choose the park
    parks = tiny.parks(partner_origin=np.array([[True]]))
    transfer = tiny.transfer(arrival_rate=np.array([[10.0, 10.0]]), beta_park=-30.0, beta_partner=60.0,
                             relocation_rate=0.5, parks=parks)
    built = engine(tiny, transfer, seed=3)
    row = tiny.add_project(built.book, capital=1.0, year_arrived=2015, host=1, draw_relocation=0.5)
    tiny.project_rows(built, row)
    flows = built.before_production(2022, tiny.state(), 1.0, EXTERNAL_AT_BASE, NO_PACKAGE)
    book = built.book
    new = flows.new_rows
    located = new[book.host[new] >= 0]
    assert len(located) > 1 and (book.park[located] == 0).all()
    assert book.relocated_from[new[-1]] == 1 and book.park[new[-1]] == 0


def test_without_partners_a_repelling_park_is_never_chosen(tiny):
    transfer = tiny.transfer(arrival_rate=np.array([[10.0, 10.0]]), beta_park=-30.0, beta_partner=60.0,
                             relocation_rate=0.5, parks=tiny.parks(partners=((),), partner_unit=np.array([-1])))
    built = engine(tiny, transfer, seed=3)
    row = tiny.add_project(built.book, capital=1.0, year_arrived=2015, host=1, draw_relocation=0.5)
    tiny.project_rows(built, row)
    flows = built.before_production(2022, tiny.state(), 1.0, EXTERNAL_AT_BASE, NO_PACKAGE)
    assert (built.book.park[flows.new_rows] == -1).all() and built.book.host[flows.new_rows[-1]] == 0


def test_a_region_growing_with_the_nation_keeps_its_pull_on_the_same_projects(tiny):
    # (T4) normalises value added and market access by the national index G and wages by the external wage index;
    # (T1)-(T2) scale the arrivals by G and the origins' push (their wage relative to G). Run A: no growth. Run B:
    # 50 % national growth in 2022, the region's value added, the external mass and the external wages grew
    # alike. In 2023 B draws 1.5 times the rate: the same projects and more (common random numbers), and each
    # common project sees the utilities A's sees, so it makes the same choice.
    transfer = tiny.transfer(arrival_rate=np.array([[10.0, 10.0]]), beta_cluster=1.0, beta_wage=-1.0, beta_access=1.0,
                             wage_push_elasticity=1.0)
    hosts, counts = [], []
    for growth, index in ((0.0, 1.0), (0.5, 1.5)):
        params = tiny.params(transfer=transfer)
        path = np.array([0.0, growth, 0.0, 0.0])
        params = dataclasses.replace(params, macro=dataclasses.replace(params.macro, national_real_growth=path))
        network = TransportNetwork(params.transfer.infrastructure, np.random.default_rng(1))
        built = TransferEngine(params, tiny.geography, tiny.state(), NO_PACKAGE, ProjectDraws(5, 0), network)
        state = tiny.state(va_real=index * tiny.va)
        flows = built.before_production(2023, state, 1.0, np.array([index]), NO_PACKAGE)
        hosts.append(built.book.host[flows.new_rows])
        expected = ProjectDraws(5, 0).year_arrivals(2023, [20.0 * index], 2, 1, poisson_quantile)[0].sum()
        counts.append(len(flows.new_rows))
        assert len(flows.new_rows) == expected
    assert counts[1] > counts[0] > 0
    np.testing.assert_array_equal(hosts[1][: counts[0]], hosts[0])


def test_after_production_books_each_projects_jobs_and_taxes_of_the_year(tiny):
    built = engine(tiny)
    row = tiny.add_project(built.book, capital=100.0 / 9.0, year_arrived=2015)
    tiny.project_rows(built, row)
    built.before_production(2023, tiny.state(), 1.2, EXTERNAL_AT_BASE, NO_PACKAGE)  # effective capital 10
    built.after_production(2023, tiny.va, np.array([[8.0, 1.0], [1.0, 1.0]]), np.array([[40.0, 10.0], [10.0, 10.0]]),
                           np.array([[12.0, 1.0], [1.0, 1.0]]), 1.2)
    assert built.book.jobs[row].tolist() == [0.0, 0.0, pytest.approx(2.0), 0.0]
    assert built.book.tax_gross[row].tolist() == [0.0, 0.0, pytest.approx(3.0), 0.0]


def test_a_book_survives_a_pickle_round_trip_and_a_deep_copy_with_its_rows(tiny):
    book = tiny.book()
    row = tiny.add_project(book, investment=7.0, host=1)
    book.set_yearly("jobs", 2, np.array([row]), 0.5)
    for copied in (pickle.loads(pickle.dumps(book)), copy.deepcopy(book)):
        assert len(copied) == 1 and copied.investment.tolist() == [7.0] and copied.host.tolist() == [1]
        assert copied.jobs.tolist() == [[0.0, 0.0, 0.5, 0.0]]


def no_parks(tiny):
    return tiny.parks(ids=(), names_zh=(), kinds=(), host=np.zeros(0, dtype=int), partners=(),
                      partner_origin=np.zeros((0, 1), dtype=bool), partner_unit=np.zeros(0, dtype=int),
                      start_year=np.zeros(0, dtype=int), land_capacity=np.zeros(0),
                      target_sectors=np.zeros((0, 2), dtype=bool))


def test_without_parks_projects_locate_in_the_units_or_go_elsewhere(tiny):
    built = engine(tiny, tiny.transfer(arrival_rate=np.array([[20.0, 20.0]]), parks=no_parks(tiny),
                                       referral_probability=0.5))
    flows = built.before_production(2022, tiny.state(), 1.0, EXTERNAL_AT_BASE, NO_PACKAGE)
    book, new = built.book, flows.new_rows
    assert len(new) > 0 and (book.park == -1).all() and set(book.host[new].tolist()) == {-1, 0, 1}
    host = book.host[new]
    np.testing.assert_array_equal(flows.arrived, np.bincount(host[host >= 0], minlength=2))
    assert (book.referral[new][host < 0] == -1).all() and set(book.referral[new][host >= 0].tolist()) <= {0, 1}


def test_a_single_arrival_is_booked(tiny):
    # seed 0: no project in the base year at rate 1, exactly one in 2022 (the count is the Poisson quantile of the
    # origin's first uniform, T2)
    assert ProjectDraws(0, 0).year_arrivals(2022, [1.0], 2, 1, poisson_quantile)[0].tolist() == [1]
    built = engine(tiny, tiny.transfer(arrival_rate=np.array([[0.5, 0.5]])), seed=0)
    assert len(built.book) == 0
    flows = built.before_production(2022, tiny.state(), 1.0, EXTERNAL_AT_BASE, NO_PACKAGE)
    assert flows.new_rows.tolist() == [0] and len(built.book) == 1


def test_t6_the_calibration_years_arrivals_locate_at_the_calibrated_share(tiny):
    # the outside option is calibrated so that a share 0.5 of the base year's potential projects locate (T6);
    # a year with the base year's conditions draws thousands of projects with their own Gumbel and stable shocks,
    # and about half of them locate (binomial sd 0.008 at n ~ 4000)
    for nest in (1.0, 0.5):
        built = engine(tiny, tiny.transfer(arrival_rate=np.array([[2000.0, 2000.0]]), nest_parameter=nest,
                                           parks=tiny.parks(land_capacity=np.array([1e9]))), seed=8)
        flows = built.before_production(2022, tiny.state(), 1.0, EXTERNAL_AT_BASE, NO_PACKAGE)
        host = built.book.host[flows.new_rows]
        assert len(host) > 3000
        assert abs((host >= 0).mean() - 0.5) < 0.03, nest


def test_suppliers_build_for_a_more_productive_project_by_its_premium(tiny):
    # as in the hand-computed supplier test, with theta = 1.1: full-production VA x theta^(1/alpha) = 1.21
    built = engine(tiny, io_world(tiny))
    row = tiny.add_project(built.book, investment=10.0, year_arrived=2021, host=0, sector=0, productivity=1.1)
    tiny.project_rows(built, row)
    flows = built.before_production(2022, tiny.state(), 1.0, EXTERNAL_AT_BASE, NO_PACKAGE)
    expected = 1.21 * np.array([[2 * 0.5 * 1.0 * TO_A, 2 * 1.0 * 1.5 * TO_A],
                                [2 * 0.5 * 1.0 * (1 - TO_A), 2 * 1.0 * 1.5 * (1 - TO_A)]])
    np.testing.assert_allclose(flows.supplier_investment, expected)


def test_a_sector_without_capital_has_no_output_capital_ratio_and_suppliers_still_build_by_hand(tiny):
    # a's services have no value added and no capital (Y/K undefined: 0, no supplier capacity there); b's
    # industry has little (0.4, capital 0.8: Y/K 0.5 all the same). 10 spent on industry in b: full-production VA
    # 10 x 0.5 = 5, gross output 10, local purchases 1 (industry) and 1.5 (services, all from b: a has none);
    # suppliers invest K/Y (2) x VA/GO x purchases (IO4): 1.0 in industry and 3.0 in services, region-wide
    va = np.array([[100.0, 0.0], [0.4, 40.0]])
    state = tiny.state(va_real=va, capital=2.0 * va)
    params = tiny.params(transfer=io_world(tiny))
    network = TransportNetwork(params.transfer.infrastructure, np.random.default_rng(1))
    built = TransferEngine(params, tiny.geography, state, NO_PACKAGE, ProjectDraws(0, 0), network)
    row = tiny.add_project(built.book, investment=10.0, year_arrived=2021, host=1, sector=0)
    tiny.project_rows(built, row)
    flows = built.before_production(2022, state, 1.0, EXTERNAL_AT_BASE, NO_PACKAGE)
    np.testing.assert_allclose(flows.supplier_investment.sum(axis=0), [1.0, 3.0], rtol=1e-12)
    assert flows.supplier_investment[0, 1] == 0.0
    # after production the ratio is this year's Y / K^eff, again 0 where a city-sector has no capital
    effective_total = np.array([[200.0, 0.0], [0.5, 80.0]])
    built.after_production(2022, va, state.employment, effective_total, np.ones((2, 2)), 1.0)
    flows = built.before_production(2023, state, 1.0, EXTERNAL_AT_BASE, NO_PACKAGE)
    assert flows.spending_real.sum() == 0.0  # nothing left to build: the ratio is read by the next spending only
    built.book.set_column("investment", np.array([row]), 0.0)
    late = tiny.add_project(built.book, investment=10.0, year_arrived=2022, host=1, sector=0)
    tiny.project_rows(built, late)
    flows = built.before_production(2023, state, 1.0, EXTERNAL_AT_BASE, NO_PACKAGE)
    # b's industry: Y/K^eff = 0.4 / 0.5 = 0.8: VA 8, gross output 16, purchases 1.6 and 2.4. Services come from b
    # (K/Y 80 / 40 = 2); industry from a (K/Y 2, weight 100 e^-0.1) and b (K/Y 1.25, weight 0.4) (IO3)-(IO4)
    to_a = 100.0 * math.exp(-0.1) / (100.0 * math.exp(-0.1) + 0.4)
    np.testing.assert_allclose(flows.supplier_investment.sum(axis=0),
                               [1.6 * 0.5 * (2.0 * to_a + 1.25 * (1.0 - to_a)), 2.0 * 1.0 * 2.4], rtol=1e-12)
    assert flows.supplier_investment[0, 1] == 0.0


def test_a_project_closes_or_moves_in_the_year_its_cumulative_hazard_equals_its_threshold(tiny):
    # thresholds set exactly at one year's increment -ln(1 - 0.5) (T7: the event happens when H >= threshold)
    at = float(-np.log1p(-0.5))
    built = engine(tiny, tiny.transfer(closure_rate=0.5, relocation_rate=0.5))
    rows = [tiny.add_project(built.book, capital=1.0, year_arrived=2015, draw_closure=at),
            tiny.add_project(built.book, capital=1.0, year_arrived=2015, host=1, draw_relocation=at)]
    tiny.project_rows(built, rows)
    flows = built.before_production(2022, tiny.state(), 1.0, EXTERNAL_AT_BASE, NO_PACKAGE)
    assert built.book.closed_year.tolist()[:2] == [2022, 2022]
    assert flows.relocated_in.tolist() == [1.0, 0.0]


def test_government_led_arrivals_follow_their_own_origins_share(tiny):
    # two external origins (the second abroad) with government-led shares 0 and 1 (R3)
    parks = tiny.parks(partner_origin=np.zeros((1, 2), dtype=bool))
    transfer = tiny.transfer(origins=("east_coast", "abroad"), origin_wage_node=np.array([0, 0]),
                             origin_travel_node=np.array([2, 2]), arrival_rate=np.array([[10.0, 10.0], [10.0, 10.0]]),
                             origin_share=np.array([0.5, 0.5]), located_share=np.array([0.5, 0.5]),
                             productivity=np.ones(2), government_led_share=np.array([0.0, 1.0]), parks=parks)
    built = engine(tiny, transfer)
    built.before_production(2022, tiny.state(), 1.0, EXTERNAL_AT_BASE, NO_PACKAGE)
    book = built.book
    assert (book.origin == 0).any() and (book.origin == 1).any()
    np.testing.assert_array_equal(book.is_government_led, book.origin == 1)


def test_a_park_whose_partner_is_the_first_unit_credits_it_with_the_parks_projects(tiny):
    # the park is hosted by b with partner a (unit 0): a is the referral unit of every project in it (T6)
    parks = tiny.parks(host=np.array([1]), partners=(("a",),), partner_unit=np.array([0]))
    built = engine(tiny, tiny.transfer(arrival_rate=np.array([[30.0, 30.0]]), beta_park=1.0, parks=parks,
                                       referral_probability=1.0), seed=4)
    flows = built.before_production(2022, tiny.state(), 1.0, EXTERNAL_AT_BASE, NO_PACKAGE)
    book, new = built.book, flows.new_rows
    in_park, in_unit = book.park[new] >= 0, (book.host[new] >= 0) & (book.park[new] < 0)
    assert in_park.any() and in_unit.any()
    assert (book.referral[new][in_park] == 0).all() and (book.host[new][in_park] == 1).all()
    np.testing.assert_array_equal(book.referral[new][in_unit], 1 - book.host[new][in_unit])


def test_r4_referral_effort_scales_how_often_another_unit_negotiated_first(tiny):
    # (R4) weights 1 + 2.5 x 0.4 = 2 in both units: effort (their mean) 2 doubles the referral probability 0.25;
    # a located project outside parks was referred by the other unit exactly when its referral uniform is < 0.5
    params = tiny.params(transfer=tiny.transfer(arrival_rate=np.array([[40.0, 40.0]]), referral_probability=0.25,
                                                parks=tiny.parks(start_year=np.array([2030]))),
                         sharing=tiny.sharing())
    params = dataclasses.replace(params, sharing=dataclasses.replace(params.sharing, agreements=cross_unit_rule(2021)),
                                 relocation=RelocationParams(is_enabled=True, government_led_rate=0.0, base_consent=0.5,
                                                             revenue_weight=0.5, referral_response=2.5))
    network = TransportNetwork(params.transfer.infrastructure, np.random.default_rng(1))
    built = TransferEngine(params, tiny.geography, tiny.state(), NO_PACKAGE, ProjectDraws(0, 0), network)
    flows = built.before_production(2022, tiny.state(), 1.0, EXTERNAL_AT_BASE, NO_PACKAGE)
    u = ProjectDraws(0, 0).year_arrivals(2022, [80.0], 2, 1, poisson_quantile)[1]["referral"]
    book, new = built.book, flows.new_rows
    located = book.host[new] >= 0
    referred = book.referral[new] != book.host[new]
    assert ((u < 0.5) & located).any() and ((u >= 0.5) & located).any() and ((u < 0.25) != (u < 0.5)).any()
    np.testing.assert_array_equal(referred[located], (u < 0.5)[located])


# ---- round 6: behaviours the fifth mutation run showed no test protected


def test_a_disabled_relocation_channel_leaves_consent_at_zero_and_referral_weights_equal(tiny):
    # the agreement would give consent 0.65 and weights 2 (see the R1-R4 test above) if the channel were on
    params = tiny.params(transfer=tiny.transfer(), sharing=tiny.sharing())
    params = dataclasses.replace(params, sharing=dataclasses.replace(params.sharing, agreements=cross_unit_rule(2021)),
                                 relocation=RelocationParams(is_enabled=False, government_led_rate=1.0,
                                                             base_consent=0.5, revenue_weight=0.5,
                                                             referral_response=2.5))
    network = TransportNetwork(params.transfer.infrastructure, np.random.default_rng(1))
    built = TransferEngine(params, tiny.geography, tiny.state(), NO_PACKAGE, ProjectDraws(0, 0), network)
    flows = built.before_production(2022, tiny.state(), 1.0, EXTERNAL_AT_BASE, NO_PACKAGE)
    totals = built.relocation_totals(flows.new_rows)
    assert totals["origin_consent"].tolist() == [0.0, 0.0]
    assert totals["referral_weight"].tolist() == [1.0, 1.0]


def test_t2_without_scenario_arrival_rates_the_engine_uses_the_calibrated_rates_hand_computed(tiny):
    # F = 0.1 x 0.2 x 180 = 3.6 (industry only); lambda = F / (p kappa m located) = 3.6 / (1 x 1 x 1 x 0.5) = 7.2
    built = engine(tiny, psi_world(tiny, arrival_rate=None))
    np.testing.assert_allclose(built.arrival_rate, [[7.2, 0.0]], rtol=1e-12)
    np.testing.assert_allclose(built._rates(2022, EXTERNAL_AT_BASE), [[7.2, 0.0]], rtol=1e-12)


def with_investment_rate(tiny, transfer, rate):
    params = tiny.params(transfer=transfer)
    return dataclasses.replace(params, capital=dataclasses.replace(params.capital, investment_rate=np.asarray(rate)))


def test_k4_supplier_share_does_not_depend_on_the_level_of_the_investment_rate(tiny):
    # the calibrated flow phi s Y and the fitted investment s Y both scale with s: psi stays [0.01, 0.06] when
    # s Y is below 1 亿元 (0.002 x 180 = 0.36 and 0.002 x 90 = 0.18)
    params = with_investment_rate(tiny, psi_world(tiny), [0.002, 0.002])
    network = TransportNetwork(params.transfer.infrastructure, np.random.default_rng(1))
    built = TransferEngine(params, tiny.geography, tiny.state(), NO_PACKAGE, ProjectDraws(0, 0), network)
    np.testing.assert_allclose(built.supplier_share, [0.01, 0.06], rtol=1e-9)


def test_k4_a_supplier_sector_without_fitted_investment_has_no_supplier_share(tiny):
    # services has s = 0: no fitted investment to take a share of (psi 0, not a division by zero); industry's
    # flow and psi are unchanged (0.36 / 36)
    params = with_investment_rate(tiny, psi_world(tiny), [0.2, 0.0])
    network = TransportNetwork(params.transfer.infrastructure, np.random.default_rng(1))
    built = TransferEngine(params, tiny.geography, tiny.state(), NO_PACKAGE, ProjectDraws(0, 0), network)
    np.testing.assert_allclose(built.supplier_share, [0.01, 0.0], rtol=1e-12)


def test_t11_market_access_counts_each_units_own_value_added_and_the_others_by_distance_hand_computed(tiny):
    # mass: a 150, b 120 (their value added), east_coast 1000 (national index 1); hours a-b 1, to east_coast 5
    built = engine(tiny)
    decay = math.exp(-0.1)
    coast = 1000.0 * math.exp(-0.5)
    np.testing.assert_allclose(built._market_access(2022, tiny.state()),
                               [150.0 + 120.0 * decay + coast, 150.0 * decay + 120.0 + coast], rtol=1e-12)


@pytest.mark.parametrize("wage_node, push", [(-1, 1.25), (0, 2.5)])
def test_t1_an_origin_without_a_wage_node_is_pushed_by_its_land_cost_only_hand_computed(tiny, wage_node, push):
    # (T1) push = (w / G)^1 x L^1 with G = 1, L = 1.25 in 2022 and the external wage index 2: an origin without a
    # wage node has w = 1 (push 1.25), one at the node has w = 2 (push 2.5); the rates are [3, 2] x G x push
    transfer = tiny.transfer(arrival_rate=np.array([[3.0, 2.0]]), origin_wage_node=np.array([wage_node]),
                             wage_push_elasticity=1.0, land_push_elasticity=1.0,
                             origin_land_cost_growth=np.array([0.0, 0.25, 0.0, 0.0]))
    built = engine(tiny, transfer)
    np.testing.assert_allclose(built._rates(2022, np.array([2.0])), [[3.0 * push, 2.0 * push]], rtol=1e-12)


@pytest.mark.parametrize("travel_node", [2, -1])
def test_t4_each_origin_pays_its_own_travel_hours_to_each_unit_hand_computed(tiny, travel_node):
    # only b_T = 0.5: V = -0.5 x hours; east_coast 5 hours from both units (0 without a travel node), unit a as an
    # origin (relocations) 0 hours to itself and 1 to b, unit b the reverse
    built = engine(tiny, tiny.transfer(beta_origin_time=0.5, origin_travel_node=np.array([travel_node])))
    utility = built._unit_utilities(2022, tiny.state(), EXTERNAL_AT_BASE, NO_PACKAGE)
    coast = 5.0 if travel_node >= 0 else 0.0
    hours = np.array([[coast, coast], [0.0, 1.0], [1.0, 0.0]])
    np.testing.assert_allclose(utility, np.broadcast_to(-0.5 * hours[:, None, :], (3, 2, 2)), atol=1e-12)


class _SectorUniformAtOne(ProjectDraws):
    """The run's draws with every arrival's sector uniform at 1.0, the last cumulative weight."""

    def year_arrivals(self, *args, **kwargs):
        counts, u, units, parks = super().year_arrivals(*args, **kwargs)
        u["sector"][:] = 1.0
        return counts, u, units, parks


def test_t3_a_sector_uniform_at_the_last_cumulative_weight_draws_the_last_sector(tiny):
    # the sector is the number of cumulative weights <= u, capped at the last sector: with many sectors the
    # last cumulative weight can round below 1 and a uniform above it must still draw the last sector
    params = tiny.params(transfer=tiny.transfer(arrival_rate=np.array([[3.0, 2.0]])))
    network = TransportNetwork(params.transfer.infrastructure, np.random.default_rng(1))
    built = TransferEngine(params, tiny.geography, tiny.state(), NO_PACKAGE, _SectorUniformAtOne(0, 0), network)
    assert len(built.book) > 0
    assert built.book.sector.tolist() == [1] * len(built.book)


def three_unit_world(tiny, **transfer_changes):
    """The tiny world with a third unit c (Chongqing, value added 60 and 30) one hour from a and b, 5 from the
    coast; returns (engine, state, package)."""
    geography = dataclasses.replace(tiny.geography, cities=Index(("a", "b", "c")),
                                    city_names_zh=("甲", "乙", "丙"), city_province=np.array([0, 1, 1]))
    va = np.array([[100.0, 50.0], [80.0, 40.0], [60.0, 30.0]])
    employment = va / 4.0
    state = dataclasses.replace(
        tiny.state(), va_real=va, capital=2.0 * va, employment=employment,
        employment_share=employment / employment.sum(axis=1, keepdims=True), tfp_trend=np.ones((3, 2)),
        population=np.array([100.0, 80.0, 60.0]), public_capital=np.array([10.0, 8.0, 6.0]), net_migration=np.zeros(3),
        tax_gross=np.zeros((3, 4)), tax_city=np.zeros((3, 4)), public_investment=np.zeros(3),
        infrastructure_investment=np.zeros(3), private_investment=np.zeros((3, 2)), project_capital=np.zeros((3, 2)),
        debt=np.zeros(3))
    times = np.array([[0.0, 1.0, 1.0, 5.0], [1.0, 0.0, 1.0, 5.0], [1.0, 1.0, 0.0, 5.0], [5.0, 5.0, 5.0, 0.0]])
    base = tiny.transfer()
    infrastructure = dataclasses.replace(base.infrastructure, nodes=("a", "b", "c", "east_coast"),
                                         base_travel_time=times, event_pairs=(np.array([[0, 3]]),),
                                         external_mass=np.array([0.0, 0.0, 0.0, 1000.0]))
    transfer = tiny.transfer(**{**dict(infrastructure=infrastructure, origin_travel_node=np.array([3])),
                                **transfer_changes})
    params = tiny.params(transfer=transfer)
    package = Package(np.zeros(3), np.zeros(3), np.zeros(3))
    network = TransportNetwork(params.transfer.infrastructure, np.random.default_rng(1))
    built = TransferEngine(params, geography, state, package, ProjectDraws(4, 0), network)
    return built, state, package


def test_b9_park_land_of_three_units_reaches_each_hosts_open_parks(tiny):
    # a: 6 亿元 at 2 亿元 per 亩 = 3 亩 over its two parks; b: 2 亩 to its one park; c has no park (not tracked)
    parks = tiny.parks(ids=("p", "q", "r"), names_zh=("p", "q", "r"), kinds=("x",) * 3, host=np.array([0, 0, 1]),
                       partners=((), (), ()), partner_origin=np.zeros((3, 1), dtype=bool),
                       partner_unit=np.array([-1, -1, -1]), start_year=np.array([2021, 2021, 2021]),
                       land_capacity=np.array([10.0, 10.0, 10.0]), target_sectors=np.ones((3, 2), dtype=bool))
    built, _, _ = three_unit_world(tiny, parks=parks)
    built.add_park_land(np.array([6.0, 4.0, 2.0]), 2.0, 2023)
    np.testing.assert_allclose(built.park_remaining, [11.5, 11.5, 12.0])


def test_t6_of_three_units_a_park_partnered_with_the_first_unit_keeps_it_as_the_referral_unit(tiny):
    # the park is hosted by c with partner a (unit 0): with referral probability 1 the projects outside parks are
    # referred by another unit, those in the park always by a
    parks = tiny.parks(host=np.array([2]), partners=(("a",),), partner_unit=np.array([0]))
    built, state, package = three_unit_world(tiny, arrival_rate=np.array([[30.0, 30.0]]), beta_park=1.0,
                                             parks=parks, referral_probability=1.0)
    flows = built.before_production(2022, state, 1.0, EXTERNAL_AT_BASE, package)
    book, new = built.book, flows.new_rows
    in_park = book.park[new] >= 0
    assert in_park.sum() >= 5
    assert (book.referral[new][in_park] == 0).all() and (book.host[new][in_park] == 2).all()


def test_t6_the_referral_unit_is_the_next_best_unit_by_the_projects_own_shocks_and_the_referral_weights(tiny):
    # equal utilities in the three units, the park closed: a referred project was negotiated first by the unit
    # other than its host with the highest g_j + ln w_j, g_j its own Gumbel shock of unit j (T6, R4)
    built, state, package = three_unit_world(tiny, arrival_rate=np.array([[30.0, 30.0]]), referral_probability=1.0,
                                             parks=tiny.parks(start_year=np.array([2030])))
    weights = np.array([1.0, 4.0, 0.25])
    built.referral_weights = weights  # the (R4) hook; without relocation params nothing resets it
    flows = built.before_production(2022, state, 1.0, EXTERNAL_AT_BASE, package)
    _, _, units, _ = ProjectDraws(4, 0).year_arrivals(2022, [60.0], 3, 1, poisson_quantile)
    book, new = built.book, flows.new_rows
    located = book.host[new] >= 0
    assert located.sum() >= 20
    score = -np.log(-np.log(units)) + np.log(weights)[None, :]
    score[np.arange(len(new)), np.maximum(book.host[new], 0)] = -np.inf
    np.testing.assert_array_equal(book.referral[new][located], np.argmax(score, axis=1)[located])
    assert len(set(book.referral[new][located].tolist())) == 3
