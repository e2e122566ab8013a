"""The project book and the industrial-transfer engine that drives it each year (ODD 7.7-7.9).

Projects are rows of a struct-of-arrays book, not one ``mesa.Agent`` each: a run creates a few thousand
projects and every rule applies to all of them at once (vectorised), so rows keep a run's cost linear in the
number of projects with a small constant (``benchmarks/bench_projects.py`` measures both designs). Mesa sees
the book through ``CnyxModel.transfer.book``; city agents decide the incentive packages (T9) and the model
passes the packages in force (T8) to the engine.

:class:`TransferEngine` is built from the parameters, the geography, the base-year state, the base-year
packages and its two random streams; each year ``before_production`` and ``after_production`` take the
year's inputs explicitly and return what the projects produced (:class:`ProjectFlows`,
:class:`ProjectOutput`). The engine's own state is the project book and the parks' free land.

Integration with production (docs/model.md 7.7): a project's capital enters its host's
``capital[city, sector]`` as its capacity share rises (construction is not yet productive), and its value
added, jobs and taxes are its capital share of that city-sector's value added, employment and taxes. Region
GDP stays the sum of city-sector value added; project value added is an attribution. The incumbents'
investment rate (K2) is lowered by the baseline's expected project investment (T12,
``mechanisms.transfer.incumbent_investment_rate``, applied by the model) so that the calibrated investment
rate holds for the total in the baseline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cnyx_sim.core.network import TransportNetwork
from cnyx_sim.core.params import ModelParams
from cnyx_sim.core.state import FloatArray, Geography, RegionState
from cnyx_sim.mechanisms import infrastructure, labour
from cnyx_sim.mechanisms import transfer as rules
from cnyx_sim.mechanisms.incentives import Package

if TYPE_CHECKING:
    from cnyx_sim.core.levers import LeverEngine

NONE = -1
#: Per-unit yearly variables the engine records (recorder ``by_city``); units in ``io.results.UNITS``.
PROJECT_VARIABLES: tuple[str, ...] = (
    "projects_arrived", "projects_relocated_in", "project_investment", "project_va_nominal",
    "project_jobs", "project_tax_gross",
)


@dataclass(frozen=True)
class ProjectFlows:
    """What the projects did in one year before production (T1-T7).

    Attributes
    ----------
    capital_change : [city, sector] change of the productive capital stock, 亿元 (2021 prices): capacity
        added (T7) less the capital of projects that closed or relocated.
    new_rows : book rows appended this year (external arrivals, then relocations; located or not).
    arrived : [city] external arrivals located in the unit, count.
    relocated_in : [city] relocations into the unit, count.
    construction_spending : [city] projects' construction spending (T7), 亿元 current prices.
    """

    capital_change: FloatArray
    new_rows: np.ndarray
    arrived: FloatArray
    relocated_in: FloatArray
    construction_spending: FloatArray


@dataclass(frozen=True)
class ProjectOutput:
    """The live projects' part of their city-sectors in one year (T7 attribution), ``[city]``.

    Attributes
    ----------
    va_nominal : value added, 亿元 current prices. jobs : 万人. tax_gross : gross taxes, 亿元 current prices.
    """

    va_nominal: FloatArray
    jobs: FloatArray
    tax_gross: FloatArray


def project_totals(flows: ProjectFlows, output: ProjectOutput) -> dict[str, FloatArray]:
    """The ``PROJECT_VARIABLES`` of one year, ``[city]`` each, for the recorder."""
    return {
        "projects_arrived": flows.arrived,
        "projects_relocated_in": flows.relocated_in,
        "project_investment": flows.construction_spending,
        "project_va_nominal": output.va_nominal,
        "project_jobs": output.jobs,
        "project_tax_gross": output.tax_gross,
    }


def _take(values: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``values[index]`` where ``index >= 0``, ``NONE`` elsewhere (works when ``values`` is empty)."""
    if len(values) == 0:
        return np.full(len(index), NONE)
    return np.where(index >= 0, values[np.maximum(index, 0)], NONE)


def _growth_index(growth: FloatArray) -> FloatArray:
    """``[year]`` index (base year = 1) of a ``[year]`` growth path; the base year's own rate is never used."""
    return np.concatenate([[1.0], np.cumprod(1.0 + growth[1:])])


class ProjectBook:
    """One row per project; columns are numpy arrays that grow by doubling.

    Codes: ``origin`` indexes ``origin_codes`` (external origins, then the units), ``host``,
    ``referral`` and ``relocated_from`` index ``unit_codes`` (``-1`` = none; host ``-1`` = the outside
    option won), ``park`` indexes ``park_ids`` (``-1`` = no park), ``sector`` indexes ``sector_codes``.
    Money in 亿元: ``investment`` and ``capital`` at 2021 prices; the yearly ``[project, year]`` arrays
    ``va_nominal``, ``tax_gross`` and ``spending_nominal`` at current prices; ``jobs`` in 万人.
    """

    SCALAR_COLUMNS: dict[str, type] = {
        "sector": np.int16, "origin": np.int16, "investment": float, "land": float, "year_arrived": np.int32,
        "host": np.int16, "park": np.int16, "referral": np.int16, "is_government_led": bool,
        "relocated_from": np.int16, "full_production_year": np.int32, "closed_year": np.int32,
        "capital": float,
    }
    YEARLY_COLUMNS: tuple[str, ...] = ("va_nominal", "jobs", "tax_gross", "spending_nominal")

    def __init__(self, origin_codes, unit_codes, sector_codes, park_ids, years, capacity: int = 1024) -> None:
        self.origin_codes, self.unit_codes = tuple(origin_codes), tuple(unit_codes)
        self.sector_codes, self.park_ids = tuple(sector_codes), tuple(park_ids)
        self.years = np.asarray(years)
        self.n = 0
        self._columns = {name: np.zeros(capacity, dtype=kind) for name, kind in self.SCALAR_COLUMNS.items()}
        self._yearly = {name: np.zeros((capacity, len(self.years))) for name in self.YEARLY_COLUMNS}

    def __len__(self) -> int:
        return self.n

    def __getattr__(self, name: str) -> np.ndarray:
        columns = self.__dict__.get("_columns", {})
        if name in columns:
            return columns[name][: self.n]
        yearly = self.__dict__.get("_yearly", {})
        if name in yearly:
            return yearly[name][: self.n]
        raise AttributeError(name)

    @property
    def project_id(self) -> np.ndarray:
        return np.arange(self.n, dtype=np.int64)

    def _grow(self, needed: int) -> None:
        capacity = len(self._columns["sector"])
        if needed <= capacity:
            return
        while capacity < needed:
            capacity *= 2
        for name, column in self._columns.items():
            grown = np.zeros(capacity, dtype=column.dtype)
            grown[: self.n] = column[: self.n]
            self._columns[name] = grown
        for name, column in self._yearly.items():
            grown = np.zeros((capacity, column.shape[1]))
            grown[: self.n] = column[: self.n]
            self._yearly[name] = grown

    def append(self, **columns: np.ndarray) -> np.ndarray:
        """Append rows (every scalar column given as an array of equal length); returns their row indices."""
        count = len(columns["sector"])
        self._grow(self.n + count)
        rows = np.arange(self.n, self.n + count)
        for name in self.SCALAR_COLUMNS:
            self._columns[name][rows] = columns[name]
        self.n += count
        return rows

    def set_column(self, name: str, rows: np.ndarray, values) -> None:
        self._columns[name][rows] = values

    def set_yearly(self, name: str, year_index: int, rows: np.ndarray, values) -> None:
        self._yearly[name][rows, year_index] = values


class TransferEngine:
    """Industrial transfer (ODD 7.7-7.9): calibration at construction, then ``before_production`` and
    ``after_production`` each year, and ``add_park_land`` when budgets develop park land (B9).

    Parameters
    ----------
    params : the run's parameters (``params.transfer`` must be set).
    geography : units and sectors.
    base : the base-year state (value added and employment calibrate T6, T7).
    base_package : the packages in force in the base year (T8), which the base-year choice saw.
    rng : the ``transfer`` stream (closures, arrivals, sizes, choices, referral, government-led flags).
    network : the run's transport network (travel times and which events happen, T10).
    levers : the run's ``core.levers.LeverEngine``, whose location-utility shift (siting rule E4, gateways O3)
        is added to (T4); None for none.
    """

    def __init__(
        self, params: ModelParams, geography: Geography, base: RegionState, base_package: Package,
        rng: np.random.Generator, network: TransportNetwork, levers: "LeverEngine | None" = None,
    ) -> None:
        p = params.transfer
        if p is None:
            raise ValueError("TransferEngine needs params.transfer")
        self.p = p
        self.n_units, self.n_sectors = geography.n_cities, geography.n_sectors
        self.n_external = len(p.origins)
        self.start = params.start_year
        self.capital_share = params.production.capital_share
        self.depreciation_rate = params.capital.depreciation_rate
        self.schedule = rules.capacity_schedule(p.construction_years, p.ramp_up_shares)
        self.full_production_age = p.construction_years + len(p.ramp_up_shares) + 1
        self.rng = rng
        self.book = ProjectBook(p.origins + geography.cities.codes, geography.cities.codes,
                                geography.sectors.codes, p.parks.ids, params.years)
        self.network = network
        self.events_occurred = network.events_occurred
        self.levers = levers
        self.is_abroad = np.array([o == "abroad" for o in p.origins] + [False] * self.n_units)
        #: [park] 亩 of free land (T6 capacity); closures return land, budgets add it (B9).
        self.park_remaining = p.parks.land_capacity.astype(float).copy()

        national = params.macro.national_real_growth
        self.national_index = _growth_index(national)
        self.origin_land_index = _growth_index(p.origin_land_cost_growth)
        # origin -> travel-time row: external origins by their node, units by themselves
        self.origin_travel_row = np.concatenate([p.origin_travel_node, np.arange(self.n_units)])
        # park bonus [origin (external + units), park]
        is_partner = np.zeros((len(self.origin_travel_row), len(p.parks.ids)), dtype=bool)
        is_partner[: self.n_external] = p.parks.partner_origin.T
        for k, partners in enumerate(p.parks.partners):
            for code in partners:
                if code in geography.cities.codes:
                    is_partner[self.n_external + geography.cities.position(code), k] = True
        self.park_bonus = p.beta_park + p.beta_partner * is_partner
        self.coefficients = {
            "cluster": p.beta_cluster, "wage": p.beta_wage, "land": p.beta_land, "rebate": p.beta_rebate,
            "service": p.beta_service, "access": p.beta_access, "origin_time": p.beta_origin_time,
        }

        # base-year calibration (T6 outside option, T7 relocation gap); external wages are at their base (1)
        wage = labour.average_wage(base.va_real, base.employment, self.capital_share, 1.0)
        self.base_mean_wage = labour.mean_wage(wage, base.employment)
        self.base_mean_access = float(self._market_access(self.start, base).mean())
        unit_utility = self._unit_utilities(self.start, base, np.ones(len(params.population.external_nodes)),
                                            base_package)
        utility = self._alternative_utilities(self.start, unit_utility)
        self.outside_utility = rules.calibrate_outside_utility(
            utility[: self.n_external], p.nest_parameter, p.located_share[:, None]
        )
        self.base_relocation_gap = rules.relocation_gap(unit_utility[self.n_external:])

    # ------------------------------------------------------------------ inputs of the choice (T4-T5, T10-T11)
    def travel_times(self, year: int) -> np.ndarray:
        """(T10) ``[node, node]`` hours in ``year`` (the run's network)."""
        return self.network.travel_times(year)

    def _national_growth(self, year: int) -> float:
        """G_t of (T4), (T11): the national real growth index up to last year (base year = 1)."""
        return self.national_index[max(year - 1 - self.start, 0)]

    def _market_access(self, year: int, state: RegionState) -> np.ndarray:
        infra = self.p.infrastructure
        mass = infra.external_mass * self._national_growth(year)
        mass[: self.n_units] = state.va_real.sum(axis=1)
        times = self.travel_times(year)[: self.n_units]
        return infrastructure.market_access(mass, times, infra.access_decay)

    def _unit_utilities(
        self, year: int, state: RegionState, external_wage_index: FloatArray, package: Package
    ) -> np.ndarray:
        """(T4) ``[origin, sector, unit]`` from last year's state, the external wages and this year's packages."""
        growth = self._national_growth(year)
        wage = labour.average_wage(state.va_real, state.employment, self.capital_share, 1.0)
        external_index = float(np.mean(external_wage_index))
        access = self._market_access(year, state)
        times = self.travel_times(year)
        rows = self.origin_travel_row
        origin_time = np.where(rows[:, None] >= 0, times[np.maximum(rows, 0)][:, : self.n_units], 0.0)
        utility = rules.unit_utilities(
            state.va_real.T / growth, wage / (self.base_mean_wage * external_index), package.land_discount,
            package.tax_rebate, package.service_quality, access / (self.base_mean_access * growth), origin_time,
            self.coefficients,
        )
        shift = None if self.levers is None else self.levers.location_utility(year, self.is_abroad,
                                                                             self.p.beta_access)  # (E4), (O3)
        return utility if shift is None else utility + shift

    def _alternative_utilities(self, year: int, unit_utility: np.ndarray) -> np.ndarray:
        """(T5) ``[origin, sector, unit + park]``: the units and the parks open to each sector in ``year``."""
        parks = self.p.parks
        is_open = (parks.start_year <= year)[None, :] & parks.target_sectors.T
        return rules.alternative_utilities(unit_utility, parks.host, is_open, self.park_bonus)

    # ------------------------------------------------------------------ yearly step
    def before_production(
        self, year: int, state: RegionState, price_index: float, external_wage_index: FloatArray,
        package: Package,
    ) -> ProjectFlows:
        """Closures, relocations, arrivals with location choice and capacity additions of ``year``.

        Parameters
        ----------
        year : the year being simulated.
        state : last year's state (value added, employment: clusters, wages and market access of T4, T11).
        price_index : this year's deflator (construction spending at current prices).
        external_wage_index : ``[external node]`` real wage at the external nodes relative to the base year
            (the origins' wage push, T1, and the wage term of T4).
        package : the packages in force this year (T8).
        """
        p, book, rng = self.p, self.book, self.rng
        t = year - self.start
        delta = np.zeros((self.n_units, self.n_sectors))
        unit_utility = self._unit_utilities(year, state, external_wage_index, package)
        utility = self._alternative_utilities(year, unit_utility)

        # 1. closures and relocations of operating projects (T7)
        age = year - book.year_arrived
        live = (book.host >= 0) & (book.closed_year == 0) & (age >= self.full_production_age)
        rows = np.flatnonzero(live)
        moving_rows = np.zeros(0, dtype=np.int64)
        if len(rows):
            gap = rules.relocation_gap(unit_utility[self.n_external:])
            host, sector = book.host[rows], book.sector[rows]
            hazard = rules.relocation_hazard(gap[sector, host], self.base_relocation_gap[sector, host],
                                             p.relocation_rate, p.relocation_sensitivity)
            uniforms = rng.random(len(rows))
            closing = uniforms < p.closure_rate
            moving = ~closing & (uniforms < p.closure_rate + hazard * (1.0 - p.closure_rate))
            leaving = rows[closing | moving]
            moving_rows = rows[moving]
            np.add.at(delta, (book.host[leaving], book.sector[leaving]), -book.capital[leaving])
            parked = leaving[book.park[leaving] >= 0]
            np.add.at(self.park_remaining, book.park[parked], book.land[parked])
            book.set_column("closed_year", leaving, year)
            moving_capital = book.capital[moving_rows].copy()
            book.set_column("capital", leaving, 0.0)
        else:
            moving_capital = np.zeros(0)

        # 2. new projects: arrivals from the origins (T1-T3) and relocations (origin = old host)
        nodes = p.origin_wage_node
        origin_wage = np.where(nodes >= 0, external_wage_index[np.maximum(nodes, 0)], 1.0)
        region_wage = labour.average_wage(state.va_real, state.employment, self.capital_share, 1.0)
        region_wage_index = labour.mean_wage(region_wage, state.employment) / self.base_mean_wage
        push = rules.push_factor(origin_wage, region_wage_index, np.full(self.n_external, self.origin_land_index[t]),
                                 p.wage_push_elasticity, p.land_push_elasticity)
        counts = rules.arrival_counts(p.arrival_rate, push, rng)
        origin = np.repeat(np.repeat(np.arange(self.n_external), self.n_sectors), counts.reshape(-1))
        sector = np.repeat(np.tile(np.arange(self.n_sectors), self.n_external), counts.reshape(-1))
        size = rules.draw_sizes(p.mean_size[sector], p.size_log_sd, rng)
        moved_from = book.host[moving_rows].astype(np.int64)
        origin = np.concatenate([origin, self.n_external + moved_from])
        sector = np.concatenate([sector, book.sector[moving_rows]]).astype(np.int64)
        size = np.concatenate([size, moving_capital])
        n_new = len(origin)
        is_relocation = np.arange(n_new) >= n_new - len(moving_rows)
        first_new = len(book)
        arrived = relocated_in = np.zeros(self.n_units)
        if n_new:
            arrived, relocated_in = self._locate_and_book(year, utility, origin, sector, size, is_relocation,
                                                          moved_from)

        # 3. capacity additions of located, live projects (T7): capital enters K as capacity rises
        age = year - book.year_arrived
        live = (book.host >= 0) & (book.closed_year == 0)
        rows = np.flatnonzero(live)
        added = (rules.capacity_share(age[rows], self.schedule)
                 - rules.capacity_share(age[rows] - 1, self.schedule)) * book.investment[rows]
        np.add.at(delta, (book.host[rows], book.sector[rows]), added)
        book.set_column("capital", rows, book.capital[rows] + added)
        spending = rules.construction_spending_share(age[rows], p.construction_years) * book.investment[rows]
        book.set_yearly("spending_nominal", t, rows, spending * price_index)
        return ProjectFlows(
            capital_change=delta, new_rows=np.arange(first_new, len(book)), arrived=arrived,
            relocated_in=relocated_in,
            construction_spending=np.bincount(book.host[rows], weights=spending * price_index,
                                              minlength=self.n_units),
        )

    def _locate_and_book(self, year, utility, origin, sector, size, is_relocation, moved_from):
        """(T6) location choice with park capacity, referral and government-led flags; appends the projects.

        Returns ``[city]`` counts of the external arrivals and of the relocations located in each unit.
        """
        p, book, rng = self.p, self.book, self.rng
        parks = p.parks
        rows_utility = utility[origin, sector].copy()
        outside = np.full(len(origin), -np.inf)
        external = ~is_relocation
        outside[external] = self.outside_utility[origin[external], sector[external]]
        if is_relocation.any():
            relocating = np.flatnonzero(is_relocation)
            old_host = moved_from
            rows_utility[relocating, old_host] = -np.inf
            same_host_park = parks.host[None, :] == old_host[:, None]
            block = rows_utility[relocating, self.n_units:]
            rows_utility[relocating, self.n_units:] = np.where(same_host_park, -np.inf, block)
        land = size / p.land_intensity
        choice, self.park_remaining = rules.locate_with_capacity(
            rows_utility, outside, p.nest_parameter, land, self.park_remaining, self.n_units, rng
        )
        located = choice >= 0
        in_park = choice >= self.n_units
        park = np.where(in_park, choice - self.n_units, NONE)
        host = np.where(in_park, _take(parks.host, park), np.where(located, choice, NONE))

        # referral unit (首谈地): a unit partner of the park brought the project; otherwise, with a small
        # probability, another unit negotiated first (drawn by the project's own unit probabilities)
        referral = np.where(located, host, NONE)
        partner = np.where(in_park, _take(parks.partner_unit, park), NONE)
        referral = np.where(partner >= 0, partner, referral)
        candidates = np.flatnonzero(located & (partner < 0) & (rng.random(len(choice)) < p.referral_probability))
        if len(candidates):
            weights = rows_utility[candidates, : self.n_units].copy()
            weights[np.arange(len(candidates)), host[candidates]] = -np.inf
            probabilities = rules.nested_logit_probabilities(weights, np.full(len(candidates), -np.inf), 1.0)
            referral[candidates] = rules.draw_choices(probabilities[:, :-1], rng)
        government_led = np.zeros(len(choice), dtype=bool)
        government_led[external] = rng.random(int(external.sum())) < p.government_led_share[origin[external]]
        relocated_from = np.full(len(choice), NONE)
        relocated_from[is_relocation] = moved_from

        book.append(
            sector=sector, origin=origin, investment=size, land=land, year_arrived=np.full(len(choice), year),
            host=host, park=park, referral=referral, is_government_led=government_led,
            relocated_from=relocated_from,
            full_production_year=np.where(located, year + self.full_production_age, 0),
            closed_year=np.zeros(len(choice), dtype=np.int32), capital=np.zeros(len(choice)),
        )
        arrived = np.bincount(host[located & external], minlength=self.n_units).astype(float)
        relocated_in = np.bincount(host[located & is_relocation], minlength=self.n_units).astype(float)
        return arrived, relocated_in

    def after_production(
        self, year: int, va_real: np.ndarray, employment: np.ndarray, capital: np.ndarray,
        taxes_by_sector: np.ndarray, price_index: float,
    ) -> ProjectOutput:
        """Attribute value added, jobs and taxes to live projects (capital shares); depreciate their capital.

        ``va_real``, ``employment`` and ``capital`` are this year's ``[city, sector]`` arrays;
        ``taxes_by_sector`` is ``[city, sector]`` gross taxes, 亿元 current prices.
        """
        book, t = self.book, year - self.start
        rows = np.flatnonzero((book.host >= 0) & (book.closed_year == 0) & (book.capital > 0))
        host, sector = book.host[rows], book.sector[rows]
        stock = capital[host, sector]
        share = np.divide(book.capital[rows], stock, out=np.zeros(len(rows)), where=stock > 0)
        va = share * va_real[host, sector] * price_index
        jobs = share * employment[host, sector]
        tax = share * taxes_by_sector[host, sector]
        book.set_yearly("va_nominal", t, rows, va)
        book.set_yearly("jobs", t, rows, jobs)
        book.set_yearly("tax_gross", t, rows, tax)
        book.set_column("capital", rows, book.capital[rows] * (1.0 - self.depreciation_rate))
        per_unit = lambda values: np.bincount(host, weights=values, minlength=self.n_units)  # noqa: E731
        return ProjectOutput(va_nominal=per_unit(va), jobs=per_unit(jobs), tax_gross=per_unit(tax))

    def add_park_land(self, investment_nominal: FloatArray, land_cost_nominal: float, next_year: int) -> None:
        """(B9): a unit's park-land investment adds 亩 (at ``land_cost_nominal`` 亿元 per 亩) to its parks open in
        ``next_year``, split equally (assumption); without an open park the land is not tracked (no limit)."""
        parks = self.p.parks
        is_open = parks.start_year <= next_year
        if not is_open.any() or not np.any(investment_nominal > 0):
            return
        mu = investment_nominal / land_cost_nominal
        n_open = np.bincount(parks.host[is_open], minlength=self.n_units)
        per_park = np.divide(mu, n_open, out=np.zeros_like(mu), where=n_open > 0)
        self.park_remaining = self.park_remaining + np.where(is_open, per_park[parks.host], 0.0)
