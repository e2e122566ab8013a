"""Resolve the transfer, parks, incentives and infrastructure sections into :class:`TransferParams`,
with data-consistency checks that raise one-line located :class:`ScenarioError`s (unknown unit, sector or
partner codes, park ids, event nodes, travel-time table gaps)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from cnyx_sim.core.params import IncentiveParams, InfrastructureParams, ParkParams, TransferParams
from cnyx_sim.mechanisms.infrastructure import effective_year
from cnyx_sim.scenario.schema_transfer import EXTERNAL_PARTNERS, Incentives

#: External origins in model order; the first three are also travel-time / wage nodes.
ORIGINS: tuple[str, ...] = ("chengdu", "chongqing_core", "east_coast", "abroad")
EXTERNAL_NODES: tuple[str, ...] = ("chengdu", "chongqing_core", "east_coast")
DEFAULT_TRAVEL_TIMES = "travel_times_2021.csv"


def _read_travel_times(path: Path, nodes: tuple[str, ...], error) -> np.ndarray:
    key = ("infrastructure", "travel_times_file")
    if not path.is_file():
        raise error(key, f"travel-time table {path} not found")
    position = {code: i for i, code in enumerate(nodes)}
    times = np.full((len(nodes), len(nodes)), np.nan)
    np.fill_diagonal(times, 0.0)
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            a, b = row.get("from"), row.get("to")
            if a not in position or b not in position:
                continue  # nodes the model does not use (e.g. more external nodes) are ignored
            try:
                hours = float(row["hours"])
            except (TypeError, ValueError, KeyError):
                raise error(key, f"{path.name} line {line}: hours must be a number") from None
            if not hours > 0:
                raise error(key, f"{path.name} line {line}: hours must be positive")
            times[position[a], position[b]] = times[position[b], position[a]] = hours
    missing = np.argwhere(np.isnan(times))
    if len(missing):
        i, j = missing[0]
        raise error(key, f"{path.name} has no travel time for {nodes[i]}-{nodes[j]}")
    return times


def _per_unit(value, default: float, units: tuple[str, ...], key_path: tuple, error) -> np.ndarray:
    if not isinstance(value, dict):
        return np.full(len(units), float(value))
    unknown = [k for k in value if k not in units]
    if unknown:
        raise error(key_path + (unknown[0],), f"unknown region code; expected one of {', '.join(units)}")
    return np.array([float(value.get(u, default)) for u in units])


def build_transfer_params(loaded, calibration, resolver, calibration_directory: Path | None) -> TransferParams | None:
    """The core's :class:`TransferParams` (``None`` when ``transfer.enabled`` is false)."""
    s, error = loaded.scenario, resolver.error
    geo = calibration.base.geography
    units, sectors = geo.cities.codes, geo.sectors.codes
    if not s.transfer.enabled:
        return None
    tr = s.transfer

    # sectors and arrival rates [origin, sector] (T2)
    for i, code in enumerate(tr.transfer_sectors):
        if code not in sectors:
            raise error(("transfer", "transfer_sectors", i), f"unknown sector code; expected one of {', '.join(sectors)}")
    if tr.sector_weights is not None:
        weights_map = dict(tr.sector_weights)
        for code in weights_map:
            if code not in tr.transfer_sectors:
                raise error(("transfer", "sector_weights", code), "sector must be one of transfer.transfer_sectors")
        weights = np.array([weights_map.get(c, 0.0) if c in tr.transfer_sectors else 0.0 for c in sectors])
    else:
        mask = geo.sectors.mask(tr.transfer_sectors)
        weights = np.where(mask, calibration.base.value_added_nominal.sum(axis=0), 0.0)
    if weights.sum() <= 0:
        raise error(("transfer", "sector_weights"), "sector weights must not all be zero")
    weights = weights / weights.sum()
    rates = np.array([tr.arrival_rate.get(o, 0.0) for o in ORIGINS])
    mean_size = resolver.by_sector(tr.mean_size, 3.6, ("transfer", "mean_size"))

    # parks (T5)
    partner_codes = tuple(units) + tuple(EXTERNAL_PARTNERS)
    seen: set[str] = set()
    hosts, partners, partner_origin, partner_unit, starts, capacity, targets = [], [], [], [], [], [], []
    for k, park in enumerate(s.parks):
        base = ("parks", k)
        if park.id in seen:
            raise error(base + ("id",), f"duplicate park id {park.id!r}")
        seen.add(park.id)
        if park.host not in units:
            raise error(base + ("host",), f"unknown region code {park.host!r}; expected one of {', '.join(units)}")
        if not park.partners:
            raise error(base + ("partners",), "a co-built park needs at least one partner")
        for i, code in enumerate(park.partners):
            if code not in partner_codes:
                raise error(base + ("partners", i), f"unknown partner {code!r}; expected one of {', '.join(partner_codes)}")
            if code == park.host:
                raise error(base + ("partners", i), "a park's partner cannot be its host")
        if not s.years.start <= park.start_year <= s.years.end:
            raise error(base + ("start_year",), f"must lie within the simulated years {s.years.start}-{s.years.end}")
        for i, code in enumerate(park.target_sectors):
            if code not in sectors:
                raise error(base + ("target_sectors", i), f"unknown sector code; expected one of {', '.join(sectors)}")
        hosts.append(units.index(park.host))
        partners.append(tuple(park.partners))
        partner_origin.append([any(EXTERNAL_PARTNERS.get(c) == o for c in park.partners) for o in ORIGINS])
        unit_partners = [units.index(c) for c in park.partners if c in units]
        partner_unit.append(unit_partners[0] if unit_partners else -1)
        starts.append(park.start_year)
        capacity.append(park.land_capacity)
        targets.append(geo.sectors.mask(park.target_sectors))
    n_parks = len(s.parks)
    parks = ParkParams(
        ids=tuple(p.id for p in s.parks), names_zh=tuple(p.name_zh for p in s.parks),
        kinds=tuple(p.type for p in s.parks), host=np.array(hosts, dtype=int), partners=tuple(partners),
        partner_origin=np.array(partner_origin, dtype=bool).reshape(n_parks, len(ORIGINS)),
        partner_unit=np.array(partner_unit, dtype=int), start_year=np.array(starts, dtype=int),
        land_capacity=np.array(capacity, dtype=float),
        target_sectors=np.array(targets, dtype=bool).reshape(n_parks, len(sectors)),
    )

    # incentives (T8-T9)
    inc, defaults = s.incentives, Incentives.model_fields
    authorised = np.zeros(len(units), dtype=int)
    for i, programme in enumerate(inc.authorised_programmes):
        for j, code in enumerate(programme.units):
            if code not in units:
                raise error(("incentives", "authorised_programmes", i, "units", j),
                            f"unknown region code; expected one of {', '.join(units)}")
            authorised[units.index(code)] = max(authorised[units.index(code)], programme.until_year)
    incentives = IncentiveParams(
        adaptive=inc.mode == "adaptive",
        land_discount=_per_unit(inc.land_discount, defaults["land_discount"].default, units,
                                ("incentives", "land_discount"), error),
        tax_rebate=_per_unit(inc.tax_rebate, defaults["tax_rebate"].default, units, ("incentives", "tax_rebate"), error),
        service_quality=_per_unit(inc.service_quality, defaults["service_quality"].default, units,
                                  ("incentives", "service_quality"), error),
        regime_year=effective_year(inc.regime_date),
        max_land_discount=tuple(inc.max_land_discount), max_tax_rebate=tuple(inc.max_tax_rebate),
        authorised_until=authorised, disguised_share=inc.disguised_share, adjustment=inc.adjustment,
    )
    if np.any(incentives.land_discount >= 1.0):
        raise error(("incentives", "land_discount"), "a land discount must be below 1")

    # infrastructure (T10-T11)
    infra = s.infrastructure
    nodes = tuple(units) + EXTERNAL_NODES
    if infra.travel_times_file is not None:
        path = (loaded.path.parent / infra.travel_times_file).resolve()
    else:
        path = Path(calibration_directory) / DEFAULT_TRAVEL_TIMES
    base_times = _read_travel_times(path, nodes, error)
    event_pairs, event_hours = [], []
    for e, event in enumerate(infra.events):
        pairs = []
        for i, (a, b, hours) in enumerate(event.pairs):
            for code in (a, b):
                if code not in nodes:
                    raise error(("infrastructure", "events", e, "pairs", i),
                                f"unknown node {code!r}; expected one of {', '.join(nodes)}")
            if a == b:
                raise error(("infrastructure", "events", e, "pairs", i), "a pair needs two different nodes")
            pairs.append((nodes.index(a), nodes.index(b)))
        event_pairs.append(np.array(pairs, dtype=int).reshape(-1, 2))
        event_hours.append(np.array([h for _, _, h in event.pairs], dtype=float))
    mass = np.zeros(len(nodes))
    for code, value in infra.external_mass.items():
        mass[nodes.index(code)] = value
    infrastructure = InfrastructureParams(
        nodes=nodes, base_travel_time=base_times, event_names=tuple(e.name for e in infra.events),
        event_year=np.array([effective_year(e.date) for e in infra.events], dtype=int),
        event_probability=np.array([e.probability for e in infra.events], dtype=float),
        event_pairs=tuple(event_pairs), event_hours=tuple(event_hours), external_mass=mass,
        access_decay=infra.access_decay,
    )

    from cnyx_sim.scenario.schema import Population

    # same node order as PopulationParams.external_nodes (build_params): defaults, then the scenario's
    wage_node_order = tuple({**Population.model_fields["external_wage_premium"].default,
                             **s.population.external_wage_premium})
    return TransferParams(
        origins=ORIGINS,
        origin_wage_node=np.array([wage_node_order.index(o) if o in wage_node_order else -1 for o in ORIGINS]),
        origin_travel_node=np.array([nodes.index(o) if o in nodes else -1 for o in ORIGINS]),
        arrival_rate=rates[:, None] * weights[None, :],
        wage_push_elasticity=tr.wage_push_elasticity, land_push_elasticity=tr.land_push_elasticity,
        origin_land_cost_growth=resolver.year_path(tr.origin_land_cost_growth, ("transfer", "origin_land_cost_growth")),
        mean_size=mean_size, size_log_sd=tr.size_log_sd, land_intensity=tr.land_intensity,
        located_share=np.array([tr.located_share.get(o, 0.5) for o in ORIGINS]),
        nest_parameter=tr.nest_parameter, beta_cluster=tr.beta_cluster, beta_wage=tr.beta_wage,
        beta_land=tr.beta_land, beta_rebate=tr.beta_rebate, beta_service=tr.beta_service,
        beta_access=tr.beta_access, beta_origin_time=tr.beta_origin_time, beta_park=tr.beta_park,
        beta_partner=tr.beta_partner, construction_years=tr.construction_years,
        ramp_up_shares=tuple(tr.ramp_up_shares), closure_rate=tr.closure_rate, relocation_rate=tr.relocation_rate,
        relocation_sensitivity=tr.relocation_sensitivity, referral_probability=tr.referral_probability,
        government_led_share=np.array([tr.government_led_share.get(o, 0.0) for o in ORIGINS]),
        offset_incumbent_investment=tr.offset_incumbent_investment,
        parks=parks, incentives=incentives, infrastructure=infrastructure,
    )
