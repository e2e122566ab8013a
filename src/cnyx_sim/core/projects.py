"""The project book and the industrial-transfer engine that drives it each year (ODD 7.7-7.9).

Projects are rows of a struct-of-arrays book, not one ``mesa.Agent`` each: a run creates thousands of
projects and every rule applies to all of them at once (vectorised), so rows keep a run's cost linear in the
number of projects with a small constant (``benchmarks/bench_projects.py`` measures both designs). Mesa sees
the book through ``CnyxModel.transfer.book``; city agents decide the incentive packages (T9) and the model
passes the packages in force (T8) to the engine.

:class:`TransferEngine` is built from the parameters, the geography, the base-year state, the base-year
packages, the run's per-project random numbers (:class:`~cnyx_sim.core.rng.ProjectDraws`) and the ``events``
stream; each year ``before_production`` and ``after_production`` take the year's inputs explicitly and return
what the projects did (:class:`ProjectFlows`, :class:`ProjectOutput`). The engine's own state is the project
book and the parks' free land.

Projects are producers (docs/model.md 7.7): each has its installed capital (spending enters it the next year,
like all investment), a productivity relative to its host's incumbents, and its share of its city-sector's
output, labour and taxes by effective capital (J1-J2), so capital, labour and value added are counted once.
Its local purchases (IO1-IO3) go to supplier sectors across the units, whose incumbents build the capacity
they need (IO4). The base-year flow is calibrated to the share ``phi`` of external projects in the fitted
investment rate (T2), and the incumbents' rate excludes it (K4, applied by the model).

Hooks for issue 10: ``consent`` multiplies an origin's arrival intensity (T2; 1 here), ``referral_weights``
weighs the units a referral can come from (T6; equal here), and the packages come in from the city agents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cnyx_sim.core.network import TransportNetwork
from cnyx_sim.core.params import ModelParams
from cnyx_sim.core.rng import ProjectDraws
from cnyx_sim.core.state import FloatArray, Geography, RegionState
from cnyx_sim.mechanisms import infrastructure, input_output, labour
from cnyx_sim.mechanisms import project_production as production
from cnyx_sim.mechanisms import relocation as consent_rules
from cnyx_sim.mechanisms import transfer as rules
from cnyx_sim.mechanisms.incentives import Package

if TYPE_CHECKING:
    from cnyx_sim.core.levers import LeverEngine

NONE = -1
#: Per-unit yearly variables the engine records (recorder ``by_city``); units in ``io.results.UNITS``.
PROJECT_VARIABLES: tuple[str, ...] = (
    "projects_arrived", "projects_relocated_in", "project_investment", "project_va_nominal",
    "project_jobs", "project_tax_gross", "project_signed_value", "project_capital", "project_local_purchases",
    "capital_written_off",
)
#: Per-unit yearly variables of relocation and consent (R1-R5, docs/model.md 7.18); units in ``io.results.UNITS``.
RELOCATION_VARIABLES: tuple[str, ...] = (
    "government_led_relocations_out", "government_led_relocations_in", "origin_consent", "referral_weight",
)


@dataclass(frozen=True)
class ProjectFlows:
    """What the projects did in one year before production (T1-T7, IO4).

    Attributes
    ----------
    project_capital : [city, sector] installed capital of live projects, 亿元 (2021 prices) (J3).
    effective_capital : [city, sector] their effective capital, ramp-up and productivity weighted (J1).
    spending_real : [city, sector] construction spending of the year, 亿元 (2021 prices), installed next year.
    external_spending : [city] the part of it by external projects (crowding-out, K5), 亿元 (2021 prices).
    supplier_investment : [city, sector] suppliers' capacity investment for the capacity under construction
        (IO4), 亿元 (2021 prices), made this year by the incumbents.
    written_off : [city, sector] capital of projects that closed or relocated this year, 亿元 (2021 prices).
    new_rows : book rows appended this year (external arrivals, then relocations; located or not).
    arrived : [city] external arrivals located (signed) in the unit, count.
    relocated_in : [city] relocations into the unit, count.
    signed_value : [city] signed investment of the external arrivals located in the unit, 亿元 current prices.
    construction_spending : [city] projects' construction spending (T7), 亿元 current prices.
    """

    project_capital: FloatArray
    effective_capital: FloatArray
    spending_real: FloatArray
    external_spending: FloatArray
    supplier_investment: FloatArray
    written_off: FloatArray
    new_rows: np.ndarray
    arrived: FloatArray
    relocated_in: FloatArray
    signed_value: FloatArray
    construction_spending: FloatArray


@dataclass(frozen=True)
class ProjectOutput:
    """The live projects' part of their city-sectors in one year (J2) and their local purchases (IO3), ``[city]``.

    Attributes
    ----------
    va_nominal : value added, 亿元 current prices. jobs : 万人. tax_gross : gross taxes, 亿元 current prices.
    local_purchases : purchases of the region's projects from the unit's suppliers, 亿元 current prices.
    """

    va_nominal: FloatArray
    jobs: FloatArray
    tax_gross: FloatArray
    local_purchases: FloatArray


def project_totals(flows: ProjectFlows, output: ProjectOutput) -> dict[str, FloatArray]:
    """The ``PROJECT_VARIABLES`` of one year, ``[city]`` each, for the recorder."""
    return {
        "projects_arrived": flows.arrived,
        "projects_relocated_in": flows.relocated_in,
        "project_investment": flows.construction_spending,
        "project_va_nominal": output.va_nominal,
        "project_jobs": output.jobs,
        "project_tax_gross": output.tax_gross,
        "project_signed_value": flows.signed_value,
        "project_capital": flows.project_capital.sum(axis=1),
        "project_local_purchases": output.local_purchases,
        "capital_written_off": flows.written_off.sum(axis=1),
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
    Money in 亿元: ``signed_investment``, ``investment`` (realised: 0 for a signing never carried out) and
    ``capital`` (installed) at 2021 prices; the yearly ``[project, year]`` arrays ``va_nominal``, ``tax_gross``
    and ``spending_nominal`` at current prices; ``jobs`` in 万人. ``productivity`` is theta (J1); the
    ``hazard_*`` columns are the cumulative hazards and ``draw_*`` the project's own Exp(1) thresholds (T7).
    """

    SCALAR_COLUMNS: dict[str, type] = {
        "sector": np.int16, "origin": np.int16, "signed_investment": float, "investment": float,
        "is_realised": bool, "land": float, "year_arrived": np.int32, "host": np.int16, "park": np.int16,
        "referral": np.int16, "is_government_led": bool, "relocated_from": np.int16,
        "full_production_year": np.int32, "closed_year": np.int32, "capital": float, "productivity": float,
        "hazard_closure": float, "hazard_relocation": float, "draw_closure": float, "draw_relocation": float,
        "pre_move_tax": float,
    }
    YEARLY_COLUMNS: tuple[str, ...] = ("va_nominal", "jobs", "tax_gross", "spending_nominal")

    def __init__(self, origin_codes, unit_codes, sector_codes, park_ids, years, capacity: int = 1024) -> None:
        self.origin_codes, self.unit_codes = tuple(origin_codes), tuple(unit_codes)
        self.sector_codes, self.park_ids = tuple(sector_codes), tuple(park_ids)
        self.years = np.asarray(years)
        self.n = 0
        self._columns = {name: np.zeros(capacity, dtype=kind) for name, kind in self.SCALAR_COLUMNS.items()}
        # year-major storage (a year's column is contiguous: written and read once a year); exposed [project, year]
        self._yearly = {name: np.zeros((len(self.years), capacity)) for name in self.YEARLY_COLUMNS}

    def __len__(self) -> int:
        return self.n

    def __getattr__(self, name: str) -> np.ndarray:
        columns = self.__dict__.get("_columns", {})
        if name in columns:
            return columns[name][: self.n]
        yearly = self.__dict__.get("_yearly", {})
        if name in yearly:
            return yearly[name][:, : self.n].T
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
            grown = np.zeros((column.shape[0], capacity))
            grown[:, : self.n] = column[:, : self.n]
            self._yearly[name] = grown

    def reserve(self, capacity: int) -> None:
        """Grow the arrays to hold ``capacity`` rows now (one allocation instead of repeated doubling)."""
        self._grow(capacity)

    def append(self, **columns: np.ndarray) -> np.ndarray:
        """Append rows (scalar columns as arrays of equal length; columns not given are 0); returns their rows."""
        count = len(columns["sector"])
        self._grow(self.n + count)
        first, end = self.n, self.n + count
        for name, values in columns.items():
            self._columns[name][first:end] = values
        self.n = end
        return np.arange(first, end)

    def set_column(self, name: str, rows: np.ndarray, values) -> None:
        self._columns[name][rows] = values

    def set_yearly(self, name: str, year_index: int, rows: np.ndarray, values) -> None:
        self._yearly[name][year_index, rows] = values


@dataclass(frozen=True)
class _NewProjects:
    """The potential projects of one year before location (T2-T3), with their own random numbers."""

    origin: np.ndarray
    sector: np.ndarray
    signed: FloatArray
    investment: FloatArray
    is_realised: np.ndarray
    productivity: FloatArray
    moved_from: np.ndarray  # [project] old host of a relocation, -1 for external arrivals
    government_share: FloatArray  # [project] relocations: government-led share of the move's hazard (R3); else 0
    pre_move_tax: FloatArray  # [project] relocations: gross taxes of the years before the move (R5); else 0
    uniforms: dict
    unit_gumbel: FloatArray
    park_gumbel: FloatArray

    @property
    def is_relocation(self) -> np.ndarray:
        return self.moved_from >= 0


class TransferEngine:
    """Industrial transfer (ODD 7.7-7.9): calibration at construction, then ``before_production`` and
    ``after_production`` each year, and ``add_park_land`` when budgets develop park land (B9).

    Parameters
    ----------
    params : the run's parameters (``params.transfer`` must be set).
    geography : units and sectors.
    base : the base-year state (value added and employment calibrate T6, T7, the flow of T2 and psi of K4).
    base_package : the packages in force in the base year (T8), which the base-year choice saw.
    draws : the run's per-project random numbers (T2-T7).
    network : the run's transport network (travel times and which events happen, T10).
    levers : the run's ``core.levers.LeverEngine``, whose location-utility shift (siting rule E4, gateways O3)
        is added to (T4); None for none.

    Attributes set at construction: ``arrival_rate`` ``[origin, sector]`` (T2), ``supplier_share`` psi
    ``[sector]`` (K4), and the base-year cohort (projects signed in the base year, building from the first
    simulated year) in the book, rows ``initial_rows``.
    """

    def __init__(
        self, params: ModelParams, geography: Geography, base: RegionState, base_package: Package,
        draws: ProjectDraws, network: TransportNetwork, levers: "LeverEngine | None" = None,
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
        self.draws = draws
        self.book = ProjectBook(p.origins + geography.cities.codes, geography.cities.codes,
                                geography.sectors.codes, p.parks.ids, params.years)
        self.network = network
        self.events_occurred = network.events_occurred
        self.levers = levers
        self.is_abroad = np.array([o == "abroad" for o in p.origins] + [False] * self.n_units)
        #: [park] 亩 of free land (T6 capacity); closures return land, budgets add it (B9).
        self.park_remaining = p.parks.land_capacity.astype(float).copy()
        #: [origin] consent of the origin to let projects go (T2); issue 10's hook, 1 here.
        self.consent = np.ones(self.n_external)
        #: [unit] weights of the units a referral can come from (T6); set each year by (R4), equal without it.
        self.referral_weights = np.ones(self.n_units)
        # relocation and consent (R1)-(R5): the agreements in force decide what an origin unit keeps
        self.relocation = params.relocation if params.relocation is not None and params.relocation.is_enabled \
            else None
        self.agreements = params.sharing.agreements if params.sharing is not None else None
        #: [unit] consent probability of the origin units (R2), 0 without the channel; recorded.
        self.unit_consent = np.zeros(self.n_units)
        self._government_hazard = np.zeros(self.n_units)

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
        #: [city, sector] value added per unit of effective capital, last year (IO4); base year: K = K^eff.
        self._output_capital = np.divide(base.va_real, base.capital, out=np.zeros_like(base.va_real),
                                         where=base.capital > 0)
        self._rows_effective: tuple[np.ndarray, FloatArray] = (np.zeros(0, dtype=np.int64), np.zeros(0))

        # the base-year flow (T2) and the supplier investment it induces (K4's psi)
        region_va = base.va_real.sum(axis=0)
        rate = params.capital.investment_rate
        self.target_flow = p.project_investment_share * rate * region_va * p.transfer_sector
        calibrated = rules.calibrated_arrival_rates(self.target_flow, p.origin_share, p.located_share,
                                                    p.start_probability, p.realised_share, p.mean_size)
        self.arrival_rate = p.arrival_rate if p.arrival_rate is not None else calibrated
        # psi belongs to the history's split of investment (K4), so it comes from the calibrated flow whatever
        # arrival rates the scenario gives (no_transfer keeps the baseline's incumbents)
        self.supplier_share = self._expected_supplier_share(utility, base, rate, calibrated)
        # book capacity for the expected arrivals (no regrowth in a typical run) and the live rows (T7)
        base_wages = np.ones(len(params.population.external_nodes))
        expected = sum(float(self._rates(year, base_wages).sum()) for year in params.years)
        self.book.reserve(int(1.2 * expected) + 256)
        self._live = np.zeros(0, dtype=np.int64)
        self._update_consent(self.start)  # (R1)-(R4) of the base year (recorded; no relocation yet)
        # the base-year cohort: signed in the base year under its packages, building from the next year
        self.initial_rows = self._arrive(self.start, utility, base, base_wages, [])[0]

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

    # ------------------------------------------------------------------ calibration (T2, K4)
    def _expected_supplier_share(self, utility: FloatArray, base: RegionState, rate: FloatArray,
                                 arrival_rate: FloatArray) -> FloatArray:
        """psi of (K4): ``[sector]`` supplier investment (IO4) the calibrated base-year flow induces, as a share of
        the fitted investment ``s Y`` of the supplier sector (0 where a sector has none).

        Expected realised investment by host and sector at base-year choice probabilities (T6), times the
        productivity and output-capital ratio of the host (J1), through (IO1)-(IO4) at base-year conditions.
        """
        p = self.p
        probabilities = rules.nested_logit_probabilities(utility[: self.n_external], self.outside_utility,
                                                         p.nest_parameter)[..., :-1]          # [o, s, unit + park]
        by_unit = probabilities[..., : self.n_units].copy()
        if len(p.parks.ids):
            np.add.at(np.moveaxis(by_unit, 2, 0), p.parks.host, np.moveaxis(probabilities[..., self.n_units:], 2, 0))
        realised = arrival_rate * p.start_probability * p.realised_share * p.mean_size[None, :]        # [o, s]
        premium = np.power(p.productivity[:, None], 1.0 / self.capital_share[None, :])                # [o, s]
        value_added = np.einsum("os,osh->hs", realised * premium, by_unit) * self._output_capital      # [h, s]
        induced = self._supplier_investment(value_added, base.va_real, self.start)
        fitted = rate * base.va_real.sum(axis=0)
        return np.divide(induced.sum(axis=0), fitted, out=np.zeros_like(fitted), where=fitted > 0)

    def _supplier_investment(self, value_added_full: FloatArray, supplier_va: FloatArray, year: int) -> FloatArray:
        """(IO1)-(IO4): ``[city, sector]`` suppliers' investment for capacity whose full-production value added
        by host and sector is ``value_added_full`` (real)."""
        p = self.p
        purchases = input_output.purchases_by_supplier_sector(value_added_full, p.io_coefficients, p.va_ratio,
                                                              p.local_purchase_share)
        received = input_output.allocate_purchases(purchases, self._supplier_weights(supplier_va, year))
        capital_output = np.divide(1.0, self._output_capital, out=np.zeros_like(self._output_capital),
                                   where=self._output_capital > 0)
        return input_output.supplier_capacity_investment(received, p.va_ratio, capital_output)

    def _supplier_weights(self, supplier_va: FloatArray, year: int) -> FloatArray:
        """(IO3) ``[buyer unit, supplier unit, sector]``."""
        times = self.travel_times(year)[: self.n_units, : self.n_units]
        return input_output.supplier_weights(supplier_va, times, self.p.infrastructure.access_decay)

    # ------------------------------------------------------------------ relocation and consent (R1)-(R4)
    def _update_consent(self, year: int) -> None:
        """(R1)-(R4) of ``year``: the origin units' consent, the government-led hazard and the referral weights
        from the agreements in force; nothing without the channel (hazard 0, equal weights)."""
        r = self.relocation
        if r is None:
            return
        if self.agreements is None:
            kept = referral = np.zeros(self.n_units)
        else:
            kept = consent_rules.kept_value(self.agreements, year, self.n_units, r.revenue_weight)
            referral = consent_rules.referral_share(self.agreements, year, self.n_units)
        self.unit_consent = consent_rules.consent_probability(kept, r.base_consent)
        self._government_hazard = consent_rules.government_led_hazard(self.unit_consent, r.government_led_rate)
        self.referral_weights = consent_rules.referral_weights(referral, r.referral_response)

    def relocation_totals(self, rows: np.ndarray) -> dict[str, FloatArray]:
        """The ``RELOCATION_VARIABLES`` of the book rows appended this year (``[city]`` each)."""
        book, n = self.book, self.n_units
        located = book.host[rows] >= 0
        moved = rows[located & (book.relocated_from[rows] >= 0) & book.is_government_led[rows]]
        return {
            "government_led_relocations_out": np.bincount(book.relocated_from[moved], minlength=n).astype(float),
            "government_led_relocations_in": np.bincount(book.host[moved], minlength=n).astype(float),
            "origin_consent": self.unit_consent.copy(),
            "referral_weight": np.asarray(self.referral_weights, dtype=float).copy(),
        }

    # ------------------------------------------------------------------ yearly step
    def _rates(self, year: int, external_wage_index: FloatArray) -> FloatArray:
        """(T1)-(T2): ``[origin, sector]`` arrival intensities of ``year``, from exogenous paths only."""
        p, t = self.p, year - self.start
        nodes = p.origin_wage_node
        origin_wage = np.where(nodes >= 0, external_wage_index[np.maximum(nodes, 0)], 1.0)
        growth = self.national_index[t]
        push = rules.push_factor(origin_wage, growth, np.full(self.n_external, self.origin_land_index[t]),
                                 p.wage_push_elasticity, p.land_push_elasticity)
        return self.arrival_rate * (growth * push * self.consent)[:, None]

    def _potential_external(self, year: int, rates: FloatArray) -> list[_NewProjects]:
        """(T2)-(T3): each origin's arrivals of ``year`` with their own numbers (``ProjectDraws``)."""
        p = self.p
        totals = [float(rates[o].sum()) for o in range(self.n_external)]
        counts, u, units, parks = self.draws.year_arrivals(year, totals, self.n_units, len(p.parks.ids),
                                                           rules.poisson_quantile)
        n = int(counts.sum())
        if n == 0:
            return []
        # one pass over all origins' rows (each origin's rows are its own numbers, in origin order)
        origin = np.repeat(np.arange(self.n_external), counts)
        weights = np.zeros(rates.shape)
        for o in np.flatnonzero(counts):
            weights[o] = np.cumsum(rates[o]) / totals[o]
        # the sector is the number of cumulative weights <= the uniform (searchsorted "right" on each row)
        sector = np.minimum((weights[origin] <= u["sector"][:, None]).sum(axis=1), self.n_sectors - 1)
        normal = np.sqrt(-2.0 * np.log(u["size_radius"])) * np.cos(2.0 * np.pi * u["size_angle"])
        signed = rules.signed_sizes(normal, p.mean_size[sector], p.size_log_sd, p.max_size)
        realised = u["start"] < p.start_probability
        # the unit and park shocks of the year as one array, transformed in place (views of it for each)
        shocks = np.concatenate([units, parks], axis=1)
        rules.gumbel(shocks, out=shocks)
        return [_NewProjects(
            origin=origin, sector=sector, signed=signed,
            investment=np.where(realised, p.realised_share * signed, 0.0), is_realised=realised,
            productivity=p.productivity[origin], moved_from=np.full(n, NONE), government_share=np.zeros(n),
            pre_move_tax=np.zeros(n), uniforms=u,
            unit_gumbel=shocks[:, : self.n_units], park_gumbel=shocks[:, self.n_units:])]

    def _potential_relocations(self, year: int, moving_rows: np.ndarray, moving_capital: FloatArray,
                               government_share: FloatArray) -> list:
        """(T7): relocating projects re-enter with origin = old host, investment = their capital, realised; with
        the government-led share of their hazard (R3) and their pre-move taxes (R5)."""
        book, n = self.book, len(moving_rows)
        if n == 0:
            return []
        u, units, parks = self.draws.relocations(year, n, self.n_units, len(self.p.parks.ids))
        host = book.host[moving_rows].astype(np.int64)
        return [_NewProjects(
            origin=self.n_external + host, sector=book.sector[moving_rows].astype(np.int64), signed=moving_capital,
            investment=moving_capital, is_realised=np.ones(n, dtype=bool),
            productivity=book.productivity[moving_rows].copy(), moved_from=host, government_share=government_share,
            pre_move_tax=consent_rules.pre_move_taxes(book.tax_gross[moving_rows], year - self.start), uniforms=u,
            unit_gumbel=rules.gumbel(units), park_gumbel=rules.gumbel(parks))]

    def _arrive(self, year: int, utility: FloatArray, state: RegionState, external_wage_index: FloatArray,
                relocations: list) -> tuple[np.ndarray, FloatArray, FloatArray, FloatArray]:
        """Draw, locate and book the projects of ``year``; returns (new rows, ``[city]`` external arrivals located,
        relocations in, signed value located at 2021 prices)."""
        groups = self._potential_external(year, self._rates(year, external_wage_index)) + relocations
        first = len(self.book)
        zeros = np.zeros(self.n_units)
        if not groups:
            return np.arange(first, first), zeros, zeros, zeros
        new = groups[0] if len(groups) == 1 else _NewProjects(**{
            name: (np.concatenate([getattr(g, name) for g in groups]) if name != "uniforms"
                   else {k: np.concatenate([g.uniforms[k] for g in groups]) for k in groups[0].uniforms})
            for name in _NewProjects.__dataclass_fields__})
        self._locate_and_book(year, utility, new)
        book = self.book
        rows = np.arange(first, len(book))
        host, relocated_from = book.host[first:], book.relocated_from[first:]
        self._live = np.concatenate([self._live, rows[(host >= 0) & book.is_realised[first:]]])
        external = (relocated_from < 0) & (host >= 0)
        relocated = (relocated_from >= 0) & (host >= 0)
        arrived = np.bincount(host[external], minlength=self.n_units).astype(float)
        relocated_in = np.bincount(host[relocated], minlength=self.n_units).astype(float)
        signed = np.bincount(host[external], weights=book.signed_investment[first:][external], minlength=self.n_units)
        return rows, arrived, relocated_in, signed

    def before_production(
        self, year: int, state: RegionState, price_index: float, external_wage_index: FloatArray,
        package: Package,
    ) -> ProjectFlows:
        """Installation, closures and relocations, arrivals with location choice, construction spending and the
        suppliers' capacity investment of ``year``; the projects' capital for production.

        Parameters
        ----------
        year : the year being simulated.
        state : last year's state (value added, employment: clusters, wages, market access and suppliers).
        price_index : this year's deflator (construction spending at current prices).
        external_wage_index : ``[external node]`` real wage at the external nodes relative to the base year
            (the origins' wage push, T1, and the wage term of T4).
        package : the packages in force this year (T8).
        """
        p, book = self.p, self.book
        t = year - self.start
        shape = (self.n_units, self.n_sectors)
        unit_utility = self._unit_utilities(year, state, external_wage_index, package)
        utility = self._alternative_utilities(year, unit_utility)
        self._update_consent(year)

        # 1. last year's construction spending is installed; installed capital depreciates (K3 for projects)
        rows = self._live
        age = year - book.year_arrived[rows]
        installed = rules.construction_spending_share(age - 1, p.construction_years) * book.investment[rows]
        book.set_column("capital", rows, (1.0 - self.depreciation_rate) * book.capital[rows] + installed)

        # 2. closures and relocations of operating projects (T7), by cumulative hazards and own thresholds
        operating_at = np.flatnonzero(age >= self.full_production_age)  # positions in rows
        operating = rows[operating_at]
        written_off = np.zeros(shape)
        moving_rows, moving_capital, government_share = np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0)
        if len(operating):
            gap = rules.relocation_gap(unit_utility[self.n_external:])
            host, sector = book.host[operating], book.sector[operating]
            hazard = rules.relocation_hazard(gap[sector, host], self.base_relocation_gap[sector, host],
                                             p.relocation_rate, p.relocation_sensitivity)
            government = self._government_hazard[host]                                      # (R3)
            closure = book.hazard_closure[operating] + rules.hazard_increment(np.array(p.closure_rate))
            relocation = book.hazard_relocation[operating] + rules.hazard_increment(
                np.minimum(hazard + government, 1.0))
            book.set_column("hazard_closure", operating, closure)
            book.set_column("hazard_relocation", operating, relocation)
            closing = closure >= book.draw_closure[operating]
            moving = ~closing & (relocation >= book.draw_relocation[operating])
            leaving = operating[closing | moving]
            moving_rows = operating[moving]
            moving_capital = book.capital[moving_rows].copy()
            government_share = consent_rules.government_led_share(hazard[moving], government[moving])
            np.add.at(written_off, (book.host[leaving], book.sector[leaving]), book.capital[leaving])
            parked = leaving[book.park[leaving] >= 0]
            np.add.at(self.park_remaining, book.park[parked], book.land[parked])
            book.set_column("closed_year", leaving, year)
            book.set_column("capital", leaving, 0.0)
            keep = np.ones(len(rows), dtype=bool)
            keep[operating_at[closing | moving]] = False
            self._live = rows[keep]  # = setdiff1d(rows, leaving): rows stay in book order

        # 3. new projects: external arrivals (T1-T3) and relocations (origin = old host) choose a location (T6)
        new_rows, arrived, relocated_in, signed = self._arrive(
            year, utility, state, external_wage_index, self._potential_relocations(year, moving_rows, moving_capital, government_share))

        # 4. construction spending of the year (T7) and the suppliers' capacity for it (IO4)
        rows = self._live
        age = year - book.year_arrived[rows]
        host, sector = book.host[rows].astype(np.int64), book.sector[rows].astype(np.int64)
        spending = rules.construction_spending_share(age, p.construction_years) * book.investment[rows]
        book.set_yearly("spending_nominal", t, rows, spending * price_index)
        spending_real = production.by_city_sector(spending, host, sector, shape)
        is_external = book.origin[rows] < self.n_external
        external_spending = np.bincount(host[is_external], weights=spending[is_external], minlength=self.n_units)
        premium = np.power(book.productivity[rows], 1.0 / self.capital_share[sector])
        full_va = production.by_city_sector(spending * premium, host, sector, shape) * self._output_capital
        supplier = self._supplier_investment(full_va, state.va_real, year)

        # 5. the projects' capital in production (J1): installed capital at its capacity share
        effective = production.effective_capital(book.capital[rows], rules.capacity_share(age, self.schedule),
                                                 book.productivity[rows], self.capital_share[sector])
        self._rows_effective = (rows, effective)
        return ProjectFlows(
            project_capital=production.by_city_sector(book.capital[rows], host, sector, shape),
            effective_capital=production.by_city_sector(effective, host, sector, shape),
            spending_real=spending_real, external_spending=external_spending, supplier_investment=supplier,
            written_off=written_off, new_rows=new_rows, arrived=arrived, relocated_in=relocated_in,
            signed_value=signed * price_index,
            construction_spending=np.bincount(host, weights=spending * price_index, minlength=self.n_units),
        )

    def _locate_and_book(self, year: int, utility: FloatArray, new: _NewProjects) -> None:
        """(T6) location choice with park capacity by the projects' own taste shocks, referral and
        government-led flags; appends the projects to the book."""
        p, book = self.p, self.book
        parks = p.parks
        u = new.uniforms
        origin, sector = new.origin, new.sector
        rows_utility = utility[origin, sector]  # a new array (fancy indexing copies)
        is_relocation = new.is_relocation
        external = ~is_relocation
        outside = np.full(len(origin), -np.inf)
        outside[external] = (self.outside_utility[origin[external], sector[external]]
                             + rules.gumbel(u["outside"][external]))
        if is_relocation.any():
            relocating = np.flatnonzero(is_relocation)
            old_host = new.moved_from[relocating]
            rows_utility[relocating, old_host] = -np.inf
            same_host_park = parks.host[None, :] == old_host[:, None]
            block = rows_utility[relocating, self.n_units:]
            rows_utility[relocating, self.n_units:] = np.where(same_host_park, -np.inf, block)
        log_stable = rules.log_positive_stable(u["stable_angle"], u["stable_exp"], p.nest_parameter)
        shocks = rules.taste_shocks(np.concatenate([new.unit_gumbel, new.park_gumbel], axis=1), log_stable,
                                    p.nest_parameter)
        land = new.investment / p.land_intensity
        choice, self.park_remaining = rules.choose_with_capacity(
            rows_utility, shocks, outside, land, self.park_remaining, self.n_units, u["priority"])
        located = choice >= 0
        in_park = choice >= self.n_units
        park = np.where(in_park, choice - self.n_units, NONE)
        host = np.where(in_park, _take(parks.host, park), np.where(located, choice, NONE))

        # referral unit (首谈地): a unit partner of the park brought the project; otherwise, with a small
        # probability, the unit it rated next best (its own shocks) negotiated first
        referral = np.where(located, host, NONE)
        partner = np.where(in_park, _take(parks.partner_unit, park), NONE)
        referral = np.where(partner >= 0, partner, referral)
        # (R4): referral effort scales how often another unit negotiated first, and weighs which unit it was
        effort = float(np.mean(self.referral_weights))
        candidates = np.flatnonzero(located & (partner < 0) & (u["referral"] < p.referral_probability * effort))
        if len(candidates):
            score = (rows_utility[candidates, : self.n_units] + shocks[candidates, : self.n_units]
                     + np.log(self.referral_weights)[None, :])
            score[np.arange(len(candidates)), host[candidates]] = -np.inf
            best = np.argmax(score, axis=1)
            referral[candidates] = np.where(np.isfinite(score[np.arange(len(candidates)), best]), best,
                                            host[candidates])
        share = np.where(external, p.government_led_share[np.minimum(origin, self.n_external - 1)],
                         new.government_share)                                               # (R3) for moves
        government_led = u["government_led"] < share
        n = len(choice)
        book.append(
            sector=sector, origin=origin, signed_investment=new.signed, investment=new.investment,
            is_realised=new.is_realised, land=land, year_arrived=np.full(n, year), host=host, park=park,
            referral=referral, is_government_led=government_led, relocated_from=new.moved_from,
            full_production_year=np.where(located & new.is_realised, year + self.full_production_age, 0),
            closed_year=np.zeros(n, dtype=np.int32), capital=np.zeros(n), productivity=new.productivity,
            draw_closure=-np.log(u["closure"]), draw_relocation=-np.log(u["relocation"]),
            pre_move_tax=new.pre_move_tax,
        )

    def after_production(
        self, year: int, va_real: np.ndarray, employment: np.ndarray, effective_total: np.ndarray,
        taxes_by_sector: np.ndarray, price_index: float,
    ) -> ProjectOutput:
        """(J2) value added, jobs and taxes of live projects by effective capital; (IO1)-(IO3) their local
        purchases by supplier unit.

        ``va_real``, ``employment`` and ``effective_total`` (K^eff of J1, incumbents included) are this year's
        ``[city, sector]`` arrays; ``taxes_by_sector`` is ``[city, sector]`` gross taxes, 亿元 current prices.
        """
        book, t, p = self.book, year - self.start, self.p
        rows, effective = self._rows_effective
        host, sector = book.host[rows].astype(np.int64), book.sector[rows].astype(np.int64)
        share = production.producer_shares(effective, host, sector, effective_total)
        va = share * va_real[host, sector] * price_index
        jobs = share * employment[host, sector]
        tax = share * taxes_by_sector[host, sector]
        book.set_yearly("va_nominal", t, rows, va)
        book.set_yearly("jobs", t, rows, jobs)
        book.set_yearly("tax_gross", t, rows, tax)
        self._output_capital = np.divide(va_real, effective_total, out=np.zeros_like(va_real),
                                         where=effective_total > 0)
        shape = (self.n_units, self.n_sectors)
        purchases = input_output.purchases_by_supplier_sector(
            production.by_city_sector(va, host, sector, shape), p.io_coefficients, p.va_ratio, p.local_purchase_share)
        received = input_output.allocate_purchases(purchases, self._supplier_weights(va_real, year))
        per_unit = lambda values: np.bincount(host, weights=values, minlength=self.n_units)  # noqa: E731
        return ProjectOutput(va_nominal=per_unit(va), jobs=per_unit(jobs), tax_gross=per_unit(tax),
                             local_purchases=received.sum(axis=1))

    def add_developed_land(self, land: FloatArray) -> None:
        """(PD6): ``[park]`` 亩 that joint development delivers become free land of the parks."""
        self.park_remaining = self.park_remaining + land

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
