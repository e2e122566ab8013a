"""The lever engine on the tiny world, by hand (M1-M4, O1/O3, PS1, E1-E2, E5-E6): units ``a`` (Sichuan, real VA
150) and ``b`` (Chongqing, 120), external node ``east_coast`` (mass 1000); travel times a-b 1 h, each unit to the
coast 5 h, a dated line (2023, certain) bringing a-coast to 2 h; decay 0.1 per hour."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from cnyx_sim.core.levers import LeverEngine, border_pairs
from cnyx_sim.core.network import TransportNetwork
from cnyx_sim.core.params import EcologyParams, MarketAccessParams, OpeningParams, PublicServiceParams
from cnyx_sim.mechanisms.population import MigrationSystem

YEARS = 4  # 2021-2024


def market_access(**changes) -> MarketAccessParams:
    return dataclasses.replace(MarketAccessParams(
        is_enabled=True, output_elasticity=0.5, border_cost=0.5, border_cost_removed=np.zeros(YEARS),
        foreign_market_share=np.zeros(2)), **changes)


def opening(**changes) -> OpeningParams:
    """One bonded gateway from 2022 serving unit a: freight cut 0.2, trade elasticity 1.5, zone utility 0.7."""
    return dataclasses.replace(OpeningParams(
        is_enabled=True, trade_elasticity=1.5, bonded_zone_utility=0.7, gateway_names=("port",),
        gateway_year=np.array([2022]), gateway_freight_cut=np.array([0.2]), gateway_is_bonded=np.array([True]),
        gateway_units=np.array([[True, False]])), **changes)


def ecology(**changes) -> EcologyParams:
    """Energy 0.5 and 0.1 per 亿元 (industry, services), intensity falling 10 % a year, CO2 2 t per tce falling 5 %
    a year; one compensation pair, b (downstream) pays a (upstream) 0.12 a year in 2022-2023, target always met."""
    return dataclasses.replace(EcologyParams(
        is_enabled=True, energy_intensity=np.array([0.5, 0.1]), energy_intensity_decline=np.full(YEARS, 0.1),
        co2_per_energy=2.0, co2_intensity_decline=np.full(YEARS, 0.05), chemical_share=np.array([1.0, 0.0]),
        riverside_share=np.array([0.5, 0.0]), siting_rule_year=2022, strip_width=np.full(YEARS, 1.0),
        pair_ids=("ab",), pair_upstream=np.array([0]), pair_downstream=np.array([1]), pair_amount=np.array([0.12]),
        pair_probability=np.array([1.0]), pair_start_year=np.array([2022]), pair_end_year=np.array([2023])),
        **changes)


def engine(tiny, network=True, external_province=None, **levers) -> LeverEngine:
    transfer = tiny.transfer()
    infra = dataclasses.replace(transfer.infrastructure, event_probability=np.array([1.0]))
    params = dataclasses.replace(tiny.params(transfer=dataclasses.replace(transfer, infrastructure=infra)), **levers)
    net = TransportNetwork(infra, np.random.default_rng(0)) if network else None
    return LeverEngine(params, tiny.geography, tiny.state(), net, external_province or {"east_coast": None},
                       np.random.default_rng(1))


def test_border_pairs_mark_units_and_nodes_in_different_known_provinces(tiny):
    nodes = ("a", "b", "east_coast", "chongqing_core")
    pairs = border_pairs(tiny.geography, nodes, {"east_coast": None, "chongqing_core": "CQ"})
    # a is in SC, b and chongqing_core in CQ; east_coast is outside both: no border term
    np.testing.assert_array_equal(pairs, [[0.0, 1.0, 0.0, 1.0], [1.0, 0.0, 0.0, 0.0]])


def test_market_access_index_follows_domestic_access_with_each_units_own_mass(tiny):
    levers = engine(tiny, market_access=market_access())
    # (M1)-(M2) for a: itself (150, 0 h), b (120, 1 h + border 0.5), coast (1000, 5 h, then 2 h from 2023)
    base_a = 150.0 + 120.0 * np.exp(-0.6) + 1000.0 * np.exp(-0.5)
    later_a = 150.0 + 120.0 * np.exp(-0.6) + 1000.0 * np.exp(-0.2)
    np.testing.assert_allclose(levers.market_access_index(2021), [1.0, 1.0])
    np.testing.assert_allclose(levers.market_access_index(2023), [later_a / base_a, 1.0])
    np.testing.assert_allclose(levers.productivity_factor(2023), [(later_a / base_a) ** 0.5, 1.0])


def test_without_a_network_the_index_moves_only_with_foreign_access(tiny):
    levers = engine(tiny, network=False, market_access=market_access(foreign_market_share=np.array([0.5, 0.5])),
                    opening=opening())
    gain = 0.8 ** -1.5  # (O1) for a from 2022
    np.testing.assert_allclose(levers.market_access_index(2021), [1.0, 1.0])
    np.testing.assert_allclose(levers.market_access_index(2022), [1.0 + 0.5 * (gain - 1.0), 1.0])


def test_foreign_access_rises_where_a_gateway_serves_and_only_with_opening_switched_on(tiny):
    np.testing.assert_allclose(engine(tiny, opening=opening()).foreign_access(2022), [0.8 ** -1.5, 1.0])
    np.testing.assert_array_equal(engine(tiny, opening=opening()).foreign_access(2021), [1.0, 1.0])
    np.testing.assert_array_equal(engine(tiny, opening=opening(is_enabled=False)).foreign_access(2022), [1.0, 1.0])
    np.testing.assert_array_equal(engine(tiny).foreign_access(2022), [1.0, 1.0])


def test_gateway_location_utility_adds_export_access_for_all_and_the_bonded_zone_for_projects_from_abroad(tiny):
    is_abroad = np.array([True, False])
    gain = 0.8 ** -1.5
    shift = engine(tiny, market_access=market_access(foreign_market_share=np.array([0.5, 0.5])),
                   opening=opening()).location_utility(2022, is_abroad, 2.0)
    access_a = 2.0 * np.log(0.5 + 0.5 * gain)  # (O3), b unchanged: log(1) = 0
    assert shift.shape == (2, 1, 2)
    np.testing.assert_allclose(shift[:, 0, :], [[access_a + 0.7, 0.0], [access_a, 0.0]])
    # without market access there is no export share: only the bonded zone counts
    alone = engine(tiny, opening=opening()).location_utility(2022, is_abroad, 2.0)
    np.testing.assert_allclose(alone[:, 0, :], [[0.7, 0.0], [0.0, 0.0]])


def test_the_siting_rule_and_the_gateways_shifts_add_up(tiny):
    is_abroad = np.array([True, False])
    both = engine(tiny, ecology=ecology(), opening=opening()).location_utility(2022, is_abroad, 2.0)
    siting = engine(tiny, ecology=ecology()).location_utility(2022, is_abroad, 2.0)
    gateway = engine(tiny, opening=opening()).location_utility(2022, is_abroad, 2.0)
    assert siting.shape == (2, 2, 2) and np.any(siting != 0.0)
    np.testing.assert_allclose(both, siting + gateway)


@pytest.mark.parametrize(("province", "reduced"), [("CQ", True), (None, False)])
def test_portable_services_lower_the_border_only_for_external_nodes_in_sichuan_or_chongqing(tiny, province, reduced):
    ps = PublicServiceParams(is_enabled=True, border_friction_removed=np.full(YEARS, 0.5),
                             region_pull=np.full(YEARS, 0.1))
    levers = engine(tiny, external_province={"east_coast": province}, public_services=ps)
    system = MigrationSystem(unit_constants=np.zeros(2), external_constants=np.zeros(1), external_pools=np.ones(1),
                             border_unit_unit=np.array([[0.0, 1.0], [1.0, 0.0]]),
                             border_external_unit=np.array([[1.0, 1.0]]))
    integrated = levers.migration_system(system, 2022)
    np.testing.assert_allclose(integrated.unit_constants, [0.1, 0.1])
    np.testing.assert_allclose(integrated.border_unit_unit, [[0.0, 0.5], [0.5, 0.0]])
    np.testing.assert_allclose(integrated.border_external_unit, [[0.5, 0.5]] if reduced else [[1.0, 1.0]])


@pytest.mark.parametrize(("year", "amount"), [(2021, 0.0), (2022, 0.12), (2023, 0.12), (2024, 0.0)])
def test_compensation_is_paid_in_every_year_of_the_pair_both_ends_included(tiny, year, amount):
    flows = engine(tiny, ecology=ecology()).compensation(year)
    np.testing.assert_allclose(flows.received, [amount, 0.0])
    np.testing.assert_allclose(flows.paid, [0.0, amount])


def test_recorded_energy_and_co2_follow_value_added_and_the_falling_intensities(tiny):
    levers = engine(tiny, ecology=ecology())
    va = tiny.va  # energy before the decline: a 100 x 0.5 + 50 x 0.1 = 55, b 80 x 0.5 + 40 x 0.1 = 44
    base = levers.recorded(2021, va, None)
    np.testing.assert_allclose(base["energy_use"], [55.0, 44.0])
    np.testing.assert_array_equal(base["eco_compensation_paid"], [0.0, 0.0])
    np.testing.assert_array_equal(base["eco_compensation_received"], [0.0, 0.0])
    year = levers.recorded(2023, va, levers.compensation(2023))
    np.testing.assert_allclose(year["energy_use"], [55.0 * 0.81, 44.0 * 0.81])  # two years of 10 % decline
    np.testing.assert_allclose(year["co2_emissions"], [2.0 * 0.95 ** 2 * 55.0 * 0.81, 2.0 * 0.95 ** 2 * 44.0 * 0.81])
    np.testing.assert_allclose(year["eco_compensation_received"], [0.12, 0.0])
    np.testing.assert_allclose(year["eco_compensation_paid"], [0.0, 0.12])


def test_without_the_ecology_block_energy_and_co2_are_recorded_as_missing(tiny):
    out = engine(tiny).recorded(2022, tiny.va, None)
    for name in ("energy_use", "co2_emissions"):
        assert out[name].dtype == np.float64 and out[name].shape == (2,) and np.all(np.isnan(out[name]))
    np.testing.assert_array_equal(out["market_access_index"], [1.0, 1.0])
