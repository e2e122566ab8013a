"""Step 3 of loading: a validated scenario -> the core's :class:`ModelParams`.

Everything here is copying: validation has already resolved every per-sector, per-unit and year-indexed
value to arrays in model order (``scenario.types``) and checked every code and cross-field rule
(``scenario.checks``). A parameter dataclass is filled from the section with the same field names
(:func:`fill`); only what the core needs in another shape (positions, masks, the ``[origin, sector]``
arrival rates, the agreement arrays) is computed, in a few lines each.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np

from cnyx_sim.core.params import (
    CapitalParams,
    CompetitionParams,
    EcologyParams,
    FiscalParams,
    IncentiveParams,
    InfrastructureParams,
    LabourParams,
    MacroParams,
    MarketAccessParams,
    ModelParams,
    OpeningParams,
    ParkDevelopmentParams,
    ParkParams,
    PopulationParams,
    ProductionParams,
    PublicServiceParams,
    RelocationParams,
    SharingParams,
    TransferParams,
)
from cnyx_sim.mechanisms.infrastructure import effective_year
from cnyx_sim.scenario.checks import EXTERNAL_NODES, ORIGINS
from cnyx_sim.scenario.schema_sharing import ParkRef, build_agreement_set
from cnyx_sim.scenario.schema_transfer import EXTERNAL_PARTNERS
from cnyx_sim.scenario.types import RESOLVED_TYPES, rule_of

if TYPE_CHECKING:
    from cnyx_sim.scenario.load import LoadedScenario

__all__ = ["build_params", "fill"]


def _core_value(value: Any) -> Any:
    if isinstance(value, RESOLVED_TYPES):
        return value.array
    if isinstance(value, list):
        return tuple(value)
    return value


def fill(cls: type, section: Any, **computed: Any) -> Any:
    """``cls(...)`` with every field taken from ``computed`` or, by the same name, from ``section`` (resolved
    typed values become arrays, lists tuples). A field found in neither is a programming error."""
    values = {}
    for field in dataclasses.fields(cls):
        if field.name in computed:
            values[field.name] = computed[field.name]
        elif field.name in type(section).model_fields:
            value = getattr(section, field.name)
            if rule_of(type(section), field.name) is not None and not isinstance(value, (*RESOLVED_TYPES,
                                                                                         type(None))):
                raise TypeError(f"{type(section).__name__}.{field.name} was not resolved: validate the scenario "
                                "with its data (scenario.load.validate_document) before building parameters")
            values[field.name] = _core_value(value)
        elif field.default is not dataclasses.MISSING:
            continue
        else:
            raise TypeError(f"{cls.__name__}.{field.name} is neither computed nor a field of {type(section).__name__}")
    return cls(**values)


def build_params(loaded: "LoadedScenario", calibration: Any = None) -> ModelParams:
    """The core's parameters of a validated scenario (``calibration`` defaults to the scenario's own)."""
    s = loaded.scenario
    calibration = calibration if calibration is not None else loaded.calibration
    n_years = s.years.end - s.years.start + 1
    national = s.macro.national_real_growth.array
    deflator = (s.macro.deflator_growth.array if s.macro.deflator_growth is not None
                else np.full(n_years, calibration.default_inflation))
    premium = s.population.external_wage_premium
    wage_growth = s.population.external_real_wage_growth
    return ModelParams(
        start_year=s.years.start,
        end_year=s.years.end,
        macro=fill(MacroParams, s.macro, deflator_growth=deflator, national_real_growth=national),
        production=fill(ProductionParams, s.production),
        capital=fill(CapitalParams, s.capital),
        labour=fill(LabourParams, s.labour),
        population=fill(PopulationParams, s.population, external_nodes=premium.codes,
                        external_wage_premium=premium.array,
                        external_real_wage_growth=national if wage_growth is None else wage_growth.array),
        fiscal=fill(FiscalParams, s.fiscal),
        transfer=build_transfer_params(loaded, calibration),
        sharing=build_sharing_params(loaded, calibration),
        parameter_draws=loaded.parameter_draws,
        infrastructure=(_infrastructure(loaded, tuple(calibration.base.geography.cities.codes) + EXTERNAL_NODES)
                        if loaded.travel_times is not None else None),
        market_access=fill(MarketAccessParams, s.market_access, is_enabled=s.market_access.enabled),
        public_services=fill(PublicServiceParams, s.public_services, is_enabled=s.public_services.enabled),
        ecology=_ecology(s, calibration.base.geography.cities.codes),
        opening=_opening(s, calibration.base.geography.cities.codes),
        park_development=fill(ParkDevelopmentParams, s.park_development, is_enabled=s.park_development.enabled,
                              land_cost=s.budget.park_land_cost),
        relocation=fill(RelocationParams, s.relocation, is_enabled=s.relocation.enabled),
        competition=fill(CompetitionParams, s.competition, is_enabled=s.competition.enabled),
    )


def siting_rule_year(date) -> int:
    """(E3): the first annual step a siting rule binds: the year of its date when it is in force for most of
    that year (dated by 30 June), else the next year. 长江保护法 (2021-03-01) binds the base year 2021, so the
    base-year calibration of location choice (T6) already sees it."""
    return date.year if (date.month, date.day) <= (6, 30) else date.year + 1


def _ecology(s, units) -> EcologyParams:
    """Energy, CO2, siting and compensation pairs (E1-E6); pairs default to the whole horizon."""
    eco, pairs = s.ecology, s.ecology.compensation
    first, never = s.years.start + 1, 10_000
    return fill(
        EcologyParams, eco, is_enabled=eco.enabled, siting_rule_year=siting_rule_year(eco.siting_rule_date),
        pair_ids=tuple(p.id for p in pairs),
        pair_upstream=np.array([units.index(p.upstream) for p in pairs], dtype=int),
        pair_downstream=np.array([units.index(p.downstream) for p in pairs], dtype=int),
        pair_amount=np.array([p.amount for p in pairs], dtype=float),
        pair_probability=np.array([p.target_met_probability for p in pairs], dtype=float),
        pair_start_year=np.array([first if p.start_year is None else p.start_year for p in pairs], dtype=int),
        pair_end_year=np.array([never if p.end_year is None else p.end_year for p in pairs], dtype=int),
    )


def _opening(s, units) -> OpeningParams:
    """Gateways after the base year (O1-O3); those in effect by the base year are part of the base."""
    op = s.opening
    gateways = [g for g in op.gateways if effective_year(g.date) > s.years.start]
    return fill(
        OpeningParams, op, is_enabled=op.enabled,
        gateway_names=tuple(g.name for g in gateways),
        gateway_year=np.array([effective_year(g.date) for g in gateways], dtype=int),
        gateway_freight_cut=np.array([g.freight_cut for g in gateways], dtype=float),
        gateway_is_bonded=np.array([g.kind == "bonded_zone" for g in gateways], dtype=bool),
        gateway_units=np.array([[u in g.units for u in units] for g in gateways], dtype=bool).reshape(
            len(gateways), len(units)),
    )


def build_transfer_params(loaded: "LoadedScenario", calibration: Any) -> TransferParams | None:
    """Industrial transfer (T1-T7, J1-J3, IO1-IO4, K4-K6): ``None`` when ``transfer.enabled`` is false.

    Given arrival rates are spread over the sectors by ``sector_weights`` (default: base-year VA of the transfer
    sectors); ``None`` leaves them to the engine's calibration (T2), which needs the run's investment rate.
    """
    s = loaded.scenario
    if not s.transfer.enabled:
        return None
    tr, geo = s.transfer, calibration.base.geography
    units, sectors = geo.cities.codes, geo.sectors.codes
    transfer_mask = geo.sectors.mask(tr.transfer_sectors)
    arrival_rate = None
    if tr.arrival_rate is not None:
        weights = (tr.sector_weights.array if tr.sector_weights is not None
                   else calibration.base.value_added_nominal.sum(axis=0))
        weights = np.where(transfer_mask, weights, 0.0)
        weights = weights / weights.sum() if weights.sum() > 0 else weights
        rates = np.array([tr.arrival_rate.get(o, 0.0) for o in ORIGINS])
        arrival_rate = rates[:, None] * weights[None, :]
    nodes = tuple(units) + EXTERNAL_NODES
    premium_nodes = s.population.external_wage_premium.codes
    n_sectors = len(sectors)
    io = calibration.io_coefficients if calibration.io_coefficients is not None else np.zeros((n_sectors, n_sectors))
    va_ratio = calibration.va_ratio if calibration.va_ratio is not None else np.ones(n_sectors)
    return fill(
        TransferParams, tr,
        origins=ORIGINS,
        origin_wage_node=np.array([premium_nodes.index(o) if o in premium_nodes else -1 for o in ORIGINS]),
        origin_travel_node=np.array([nodes.index(o) if o in nodes else -1 for o in ORIGINS]),
        arrival_rate=arrival_rate,
        transfer_sector=transfer_mask,
        io_coefficients=io, va_ratio=va_ratio,
        parks=_parks(s, units, sectors, geo),
        incentives=_incentives(s, units),
        infrastructure=_infrastructure(loaded, nodes),
    )


def _parks(s, units, sectors, geo) -> ParkParams:
    n_parks = len(s.parks)
    return ParkParams(
        ids=tuple(p.id for p in s.parks), names_zh=tuple(p.name_zh for p in s.parks),
        kinds=tuple(p.type for p in s.parks),
        host=np.array([units.index(p.host) for p in s.parks], dtype=int),
        partners=tuple(tuple(p.partners) for p in s.parks),
        partner_origin=np.array([[any(EXTERNAL_PARTNERS.get(c) == o for c in p.partners) for o in ORIGINS]
                                 for p in s.parks], dtype=bool).reshape(n_parks, len(ORIGINS)),
        partner_unit=np.array([next((units.index(c) for c in p.partners if c in units), -1) for p in s.parks],
                              dtype=int),
        start_year=np.array([p.start_year for p in s.parks], dtype=int),
        land_capacity=np.array([p.land_capacity for p in s.parks], dtype=float),
        target_sectors=np.array([geo.sectors.mask(p.target_sectors) for p in s.parks],
                                dtype=bool).reshape(n_parks, len(sectors)),
    )


def _incentives(s, units) -> IncentiveParams:
    inc = s.incentives
    authorised = np.zeros(len(units), dtype=int)
    for programme in inc.authorised_programmes:
        for code in programme.units:
            authorised[units.index(code)] = max(authorised[units.index(code)], programme.until_year)
    return fill(IncentiveParams, inc, adaptive=inc.mode == "adaptive", regime_year=effective_year(inc.regime_date),
                authorised_until=authorised)


def _infrastructure(loaded: "LoadedScenario", nodes: tuple[str, ...]) -> InfrastructureParams:
    infra = loaded.scenario.infrastructure
    mass = np.zeros(len(nodes))
    for code, value in infra.external_mass.items():
        mass[nodes.index(code)] = value
    return fill(
        InfrastructureParams, infra,
        nodes=nodes, base_travel_time=loaded.travel_times.hours,
        event_names=tuple(e.name for e in infra.events),
        event_year=np.array([effective_year(e.date) for e in infra.events], dtype=int),
        event_probability=np.array([e.probability for e in infra.events], dtype=float),
        event_pairs=tuple(np.array([(nodes.index(a), nodes.index(b)) for a, b, _ in e.pairs], dtype=int).reshape(-1, 2)
                          for e in infra.events),
        event_hours=tuple(np.array([h for _, _, h in e.pairs], dtype=float) for e in infra.events),
        external_mass=mass,
    )


def build_sharing_params(loaded: "LoadedScenario", calibration: Any) -> SharingParams:
    """Tax sharing, statistics splitting and budgets (S1-S8, D1-D5, B1-B9)."""
    s = loaded.scenario
    units = calibration.base.geography.cities.codes
    externals = tuple(EXTERNAL_PARTNERS)
    parks = [ParkRef(p.id, p.host, tuple(p.partners), p.start_year) for p in s.parks]
    return fill(
        SharingParams, s.budget,
        agreements=build_agreement_set(s.sharing, s.statistics, units, parks, externals, s.years.start + 1),
        external_partners=externals,
        agents_use_credited_gdp=s.statistics.city_agents_ledger == "credited",
    )
