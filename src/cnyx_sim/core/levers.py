"""The plan's other levers inside the yearly schedule (issue 10): market access in production (ODD 7.13,
M1-M4), public-service integration in migration (7.14, PS1-PS2), ecology (7.15, E1-E6) and opening-up
(7.16, O1-O3).

:class:`LeverEngine` wires the pure mechanisms into ``CnyxModel.step()``: each method takes the year (and the
year's inputs) and returns arrays the model uses in one line of its schedule -- the productivity factor of
production (step 5), the compensation flows of the budgets (step 6), the migration system of the year
(step 7), the recorded variables (step 8) -- and the location-utility shift the industrial-transfer engine
adds to (T4). Its own state: the base-year domestic market access, and the ``ecology`` stream.
"""

from __future__ import annotations

import numpy as np

from cnyx_sim.core.network import TransportNetwork
from cnyx_sim.core.params import ModelParams
from cnyx_sim.core.state import FloatArray, Geography, RegionState
from cnyx_sim.mechanisms import ecology, market_access, opening, public_services
from cnyx_sim.mechanisms.population import MigrationSystem

#: Per-unit yearly variables (recorder ``by_city``); units in ``io.results.UNITS``.
LEVER_VARIABLES: tuple[str, ...] = (
    "market_access_index", "energy_use", "co2_emissions", "eco_compensation_paid", "eco_compensation_received",
)


def border_pairs(geography: Geography, nodes: tuple[str, ...], external_province: dict[str, str | None]) -> FloatArray:
    """(M1)'s ``B``: ``[unit, node]`` 1 where unit and node lie in different known provinces (nodes are the units,
    then external nodes whose province ``external_province`` gives; ``None`` = outside both, no border term)."""
    unit_province = [geography.provinces.codes[i] for i in geography.city_province]
    n_units = geography.n_cities
    node_province = unit_province + [external_province.get(n) for n in nodes[n_units:]]
    return np.array([[float(q is not None and q != p) for q in node_province] for p in unit_province])


class LeverEngine:
    """The levers of one run.

    Parameters
    ----------
    params : the run's parameters (levers whose parameters are None are not modelled).
    geography : units, sectors, provinces.
    base : the base-year state (masses of M2, energy of the base year).
    network : the run's transport network (None without travel times: domestic access stays at its base).
    external_province : province code of each external node (``None`` = outside Sichuan and Chongqing).
    rng : the ``ecology`` stream (compensation months, E5, one draw per pair and year).
    """

    def __init__(self, params: ModelParams, geography: Geography, base: RegionState,
                 network: TransportNetwork | None, external_province: dict[str, str | None],
                 rng: np.random.Generator) -> None:
        self.params = params
        self.start = params.start_year
        self.n_units, self.n_sectors = geography.n_cities, geography.n_sectors
        self.network = network
        self.rng = rng
        self.ma = params.market_access
        self.ps = params.public_services
        self.eco = params.ecology
        self.op = params.opening
        self.has_network = network is not None and self.ma is not None
        if self.has_network:
            # (M2): masses fixed at the base year -- units' real VA, external nodes' scenario masses
            infra = network.p
            self.mass = infra.external_mass.astype(float).copy()
            self.mass[: self.n_units] = base.va_real.sum(axis=1)
            self.border = border_pairs(geography, infra.nodes, external_province)
            self.domestic_base = self._domestic(self.start, removed=0.0)  # the 2021 state: no border cost removed
        self.migration_reducible = np.array(
            [float(external_province.get(node) is not None) for node in params.population.external_nodes])
        self._index: dict[int, FloatArray] = {}

    # ------------------------------------------------------------------ market access (M1-M4), opening-up (O1)
    def _domestic(self, year: int, removed: float | None = None) -> FloatArray:
        """(M1)-(M2) ``[unit]`` in ``year``; ``removed`` defaults to the year's share of the border cost removed."""
        infra, ma = self.network.p, self.ma
        if removed is None:
            removed = float(ma.border_cost_removed[year - self.start])
        costs = market_access.trade_costs(self.network.travel_times(year)[: self.n_units], infra.access_decay,
                                          ma.border_cost, removed, self.border)
        return market_access.domestic_access(self.mass, costs)

    def foreign_access(self, year: int) -> FloatArray:
        """(O1) ``[unit]``: 1 without opening-up levers."""
        op = self.op
        if op is None or not op.is_enabled or len(op.gateway_year) == 0:
            return np.ones(self.n_units)
        return opening.foreign_access(year, op.gateway_year, op.gateway_freight_cut, op.gateway_units,
                                      op.trade_elasticity)

    def market_access_index(self, year: int) -> FloatArray:
        """(M3) ``[unit]`` market-access index of ``year`` (1 in the base year)."""
        if year not in self._index:
            if self.ma is None:
                self._index[year] = np.ones(self.n_units)
            else:
                domestic = self._domestic(year) if self.has_network else np.ones(self.n_units)
                base = self.domestic_base if self.has_network else np.ones(self.n_units)
                self._index[year] = market_access.access_index(domestic, base, self.ma.foreign_market_share,
                                                               self.foreign_access(year))
        return self._index[year]

    def productivity_factor(self, year: int) -> FloatArray:
        """(M4) ``[unit]`` factor on every sector's TFP (ones when the channel is off)."""
        if self.ma is None or not self.ma.is_enabled:
            return np.ones(self.n_units)
        return market_access.productivity_multiplier(self.market_access_index(year), self.ma.output_elasticity)

    # ------------------------------------------------------------------ location choice (E3-E4, O3)
    def location_utility(self, year: int, is_abroad: np.ndarray, access_weight: float) -> FloatArray | None:
        """``[origin, sector, unit]`` shift of the location utility (T4) in ``year``: the siting rule (E4) and the
        foreign part of market access and new bonded zones (O3); None when no lever acts.

        ``is_abroad`` is ``[origin]`` bool (the engine's origins: external, then units); ``access_weight`` is
        b_MA of (T4).
        """
        shift = None
        eco, op = self.eco, self.op
        if eco is not None and eco.is_enabled:
            open_share = ecology.open_site_share(eco.chemical_share, eco.riverside_share,
                                                 float(eco.strip_width[year - self.start]),
                                                 year >= eco.siting_rule_year)
            shift = np.broadcast_to(ecology.siting_utility(open_share)[None], (len(is_abroad),) + open_share.shape)
        if op is not None and op.is_enabled and len(op.gateway_year):
            share = self.ma.foreign_market_share if self.ma is not None else np.zeros(self.n_units)
            bonded = opening.bonded_zones(year, op.gateway_year, op.gateway_is_bonded, op.gateway_units)
            gateway = opening.location_utility(self.foreign_access(year), share, bonded, access_weight,
                                               op.bonded_zone_utility, is_abroad)
            shift = gateway[:, None, :] if shift is None else shift + gateway[:, None, :]
        return shift

    # ------------------------------------------------------------------ migration (PS1-PS2)
    def migration_system(self, system: MigrationSystem, year: int) -> MigrationSystem:
        """The calibrated migration system with this year's public-service levers (PS1)-(PS2)."""
        ps = self.ps
        if ps is None or not ps.is_enabled:
            return system
        t = year - self.start
        return public_services.integrated_system(system, self.migration_reducible,
                                                 float(ps.border_friction_removed[t]), float(ps.region_pull[t]))

    # ------------------------------------------------------------------ ecology (E1-E2, E5-E6)
    def compensation(self, year: int) -> ecology.Compensation:
        """(E5)-(E6) of ``year``: months drawn for every pair (always, in pair order), flows of the pairs in force."""
        eco = self.eco
        if eco is None or len(eco.pair_ids) == 0:
            zeros = np.zeros(self.n_units)
            return ecology.Compensation(zeros, zeros.copy())
        months = ecology.draw_months(eco.pair_probability, self.rng)
        active = eco.is_enabled & (eco.pair_start_year <= year) & (eco.pair_end_year >= year)
        return ecology.compensation_flows(eco.pair_upstream, eco.pair_downstream, eco.pair_amount, active, months,
                                          self.n_units)

    def recorded(self, year: int, va_real: FloatArray, flows: ecology.Compensation | None) -> dict[str, FloatArray]:
        """The ``LEVER_VARIABLES`` of ``year`` (``flows`` None in the base year: nothing paid)."""
        zeros = np.zeros(self.n_units)
        out = {"market_access_index": self.market_access_index(year).copy()}
        eco = self.eco
        if eco is not None:
            t = year - self.start
            energy = ecology.energy_use(va_real, eco.energy_intensity,
                                        ecology.intensity_index(eco.energy_intensity_decline, t))
            out["energy_use"] = energy
            out["co2_emissions"] = ecology.co2_emissions(energy, eco.co2_per_energy,
                                                         ecology.intensity_index(eco.co2_intensity_decline, t))
        else:
            out["energy_use"] = out["co2_emissions"] = np.full(self.n_units, np.nan)
        out["eco_compensation_paid"] = zeros if flows is None else flows.paid
        out["eco_compensation_received"] = zeros if flows is None else flows.received
        return out
