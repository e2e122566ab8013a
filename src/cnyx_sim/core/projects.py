"""The project book and the industrial-transfer engine that drives it each year (ODD 7.7-7.9).

Projects are rows of a struct-of-arrays book, not one ``mesa.Agent`` each: a run creates a few thousand
projects and every rule applies to all of them at once (vectorised), so rows keep a run's cost linear in the
number of projects with a small constant (``benchmarks/bench_projects.py`` measures both designs). Mesa sees
the book through ``CnyxModel.transfer.book``; city agents decide the incentive packages (T9).

Integration with production (docs/model.md 7.7): a project's capital enters its host's
``capital[city, sector]`` as its capacity share rises (construction is not yet productive), and its value
added, jobs and taxes are its capital share of that city-sector's value added, employment and taxes. Region
GDP stays the sum of city-sector value added; project value added is an attribution. The incumbents'
investment rate (K2) is lowered by the baseline's expected project investment (T12) so that the calibrated
investment rate holds for the total in the baseline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from cnyx_sim.core.params import TransferParams
from cnyx_sim.mechanisms import incentives as incentive_rules
from cnyx_sim.mechanisms import infrastructure, labour
from cnyx_sim.mechanisms import transfer as rules

if TYPE_CHECKING:  # pragma: no cover
    from cnyx_sim.core.model import CnyxModel
    from cnyx_sim.core.state import RegionState

NONE = -1
#: Per-unit yearly variables the engine records (recorder ``by_city``); units in ``io.results.UNITS``.
PROJECT_VARIABLES: tuple[str, ...] = (
    "projects_arrived", "projects_relocated_in", "project_investment", "project_va_nominal",
    "project_jobs", "project_tax_gross",
)


def _take(values: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``values[index]`` where ``index >= 0``, ``NONE`` elsewhere (works when ``values`` is empty)."""
    if len(values) == 0:
        return np.full(len(index), NONE)
    return np.where(index >= 0, values[np.maximum(index, 0)], NONE)


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
    """Industrial transfer inside :class:`~cnyx_sim.core.model.CnyxModel`: calibration at construction,
    then ``before_production`` / ``after_production`` each year and ``decide_package`` for city agents."""

    def __init__(self, model: "CnyxModel") -> None:
        p: TransferParams = model.params.transfer
        self.model, self.p = model, p
        geo, params = model.geography, model.params
        self.n_units, self.n_sectors = geo.n_cities, geo.n_sectors
        self.n_external = len(p.origins)
        self.start = params.start_year
        self.schedule = rules.capacity_schedule(p.construction_years, p.ramp_up_shares)
        self.full_production_age = p.construction_years + len(p.ramp_up_shares) + 1
        self.rng = model.streams["transfer"]
        self.book = ProjectBook(p.origins + geo.cities.codes, geo.cities.codes, geo.sectors.codes,
                                p.parks.ids, params.years)
        infra = p.infrastructure
        self.events_occurred = infrastructure.draw_event_occurrence(infra.event_probability, model.streams["events"])
        self.land_discount = p.incentives.land_discount.astype(float).copy()
        self.tax_rebate = p.incentives.tax_rebate.astype(float).copy()
        self.service_quality = p.incentives.service_quality.astype(float).copy()
        self.park_remaining = p.parks.land_capacity.astype(float).copy()

        national = params.macro.national_real_growth
        self.national_index = np.concatenate([[1.0], np.cumprod(1.0 + national[1:])])
        self.origin_land_index = np.concatenate([[1.0], np.cumprod(1.0 + p.origin_land_cost_growth[1:])])
        # origin -> travel-time row: external origins by their node, units by themselves
        travel_row = np.concatenate([p.origin_travel_node, np.arange(self.n_units)])
        self.origin_travel_row = travel_row
        # park bonus [origin (external + units), park]
        is_partner = np.zeros((len(travel_row), len(p.parks.ids)), dtype=bool)
        is_partner[: self.n_external] = p.parks.partner_origin.T
        for k, partners in enumerate(p.parks.partners):
            for code in partners:
                if code in geo.cities.codes:
                    is_partner[self.n_external + geo.cities.position(code), k] = True
        self.park_bonus = p.beta_park + p.beta_partner * is_partner
        self.coefficients = {
            "cluster": p.beta_cluster, "wage": p.beta_wage, "land": p.beta_land, "rebate": p.beta_rebate,
            "service": p.beta_service, "access": p.beta_access, "origin_time": p.beta_origin_time,
        }

        # base-year calibration (T6 outside option, T7 relocation gap, T12 incumbent offset)
        state = model.state
        alpha = params.production.capital_share
        wage = labour.average_wage(state.va_real, state.employment, alpha, 1.0)
        self.base_mean_wage = float((wage * state.employment.sum(axis=1)).sum() / state.employment.sum())
        self.base_mean_access = 1.0
        self.base_mean_access = float(self._market_access(self.start, state).mean())
        utility = self._alternative_utilities(self.start, state)
        self.outside_utility = rules.calibrate_outside_utility(
            utility[: self.n_external], p.nest_parameter, p.located_share[:, None]
        )
        self.base_relocation_gap = rules.relocation_gap(self._unit_utilities(self.start, state)[self.n_external:])
        self.expected_project_rate = np.zeros(self.n_sectors)
        if p.offset_incumbent_investment:
            located = (p.arrival_rate * p.located_share[:, None]).sum(axis=0) * p.mean_size
            region_va = state.va_real.sum(axis=0)
            self.expected_project_rate = np.divide(located, region_va, out=np.zeros_like(located),
                                                   where=region_va > 0)

    # ------------------------------------------------------------------ inputs of the choice (T4-T5, T10-T11)
    def travel_times(self, year: int) -> np.ndarray:
        cache = self.__dict__.setdefault("_travel_times", {})
        if year not in cache:
            cache[year] = self._compute_travel_times(year)
        return cache[year]

    def _compute_travel_times(self, year: int) -> np.ndarray:
        infra = self.p.infrastructure
        return infrastructure.travel_times(infra.base_travel_time, infra.event_year, self.events_occurred,
                                           infra.event_pairs, infra.event_hours, year)

    def _market_access(self, year: int, state: "RegionState") -> np.ndarray:
        infra = self.p.infrastructure
        growth = self.national_index[max(year - 1 - self.start, 0)]
        mass = infra.external_mass * growth
        mass[: self.n_units] = state.va_real.sum(axis=1)
        times = self.travel_times(year)[: self.n_units]
        return infrastructure.market_access(mass, times, infra.access_decay)

    def package(self, year: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(T8) the packages projects face in ``year``."""
        inc = self.p.incentives
        return incentive_rules.effective_package(
            self.land_discount, self.tax_rebate, self.service_quality, year, inc.regime_year,
            inc.max_land_discount, inc.max_tax_rebate, inc.authorised_until, inc.disguised_share,
        )

    def _unit_utilities(self, year: int, state: "RegionState") -> np.ndarray:
        model, p = self.model, self.p
        t_prev = max(year - 1 - self.start, 0)
        growth = self.national_index[t_prev]
        alpha = model.params.production.capital_share
        wage = labour.average_wage(state.va_real, state.employment, alpha, 1.0)
        external_index = float(np.mean(model.external_wage / model.external_wage_base))
        access = self._market_access(year, state)
        discount, rebate, service = self.package(year)
        times = self.travel_times(year)
        rows = self.origin_travel_row
        origin_time = np.where(rows[:, None] >= 0, times[np.maximum(rows, 0)][:, : self.n_units], 0.0)
        return rules.unit_utilities(
            state.va_real.T / growth, wage / (self.base_mean_wage * external_index), discount, rebate, service,
            access / (self.base_mean_access * growth), origin_time, self.coefficients,
        )

    def _alternative_utilities(self, year: int, state: "RegionState", unit_utility=None) -> np.ndarray:
        parks = self.p.parks
        is_open = (parks.start_year <= year)[None, :] & parks.target_sectors.T
        if unit_utility is None:
            unit_utility = self._unit_utilities(year, state)
        return rules.alternative_utilities(unit_utility, parks.host, is_open, self.park_bonus)

    # ------------------------------------------------------------------ yearly step
    def before_production(self, year: int, state: "RegionState", price_index: float) -> np.ndarray:
        """Closures, relocations, arrivals with location choice and capacity additions of ``year``.

        Returns the ``[city, sector]`` change of the capital stock (亿元, 2021 prices) that production uses.
        """
        p, book, rng = self.p, self.book, self.rng
        t = year - self.start
        delta = np.zeros((self.n_units, self.n_sectors))
        unit_utility = self._unit_utilities(year, state)
        utility = self._alternative_utilities(year, state, unit_utility)
        self._arrived = np.zeros(self.n_units)
        self._relocated_in = np.zeros(self.n_units)

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
        wage_index = self._origin_wage_index()
        region_wage = self._region_wage_index(state)
        push = rules.push_factor(wage_index, region_wage, np.full(self.n_external, self.origin_land_index[t]),
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

        if n_new:
            self._locate_and_book(year, utility, origin, sector, size, is_relocation, moved_from)

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
        self._spending = np.bincount(book.host[rows], weights=spending * price_index, minlength=self.n_units)
        return delta

    def _locate_and_book(self, year, utility, origin, sector, size, is_relocation, moved_from) -> None:
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
        self._arrived = np.bincount(host[located & external], minlength=self.n_units).astype(float)
        self._relocated_in = np.bincount(host[located & is_relocation], minlength=self.n_units).astype(float)

    def after_production(
        self, year: int, va_real: np.ndarray, employment: np.ndarray, capital: np.ndarray,
        taxes_by_sector: np.ndarray, price_index: float,
    ) -> dict[str, np.ndarray]:
        """Attribute value added, jobs and taxes to live projects (capital shares); depreciate their capital.

        ``taxes_by_sector`` is ``[city, sector]`` gross taxes, 亿元 current prices. Returns the
        ``PROJECT_VARIABLES`` of ``year`` as ``[city]`` arrays.
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
        book.set_column("capital", rows, book.capital[rows] * (1.0 - self.model.params.capital.depreciation_rate))
        per_unit = lambda values: np.bincount(host, weights=values, minlength=self.n_units)  # noqa: E731
        return {
            "projects_arrived": self._arrived,
            "projects_relocated_in": self._relocated_in,
            "project_investment": self._spending,
            "project_va_nominal": per_unit(va),
            "project_jobs": per_unit(jobs),
            "project_tax_gross": per_unit(tax),
        }

    def incumbent_investment_rate(self, year: int) -> np.ndarray:
        """(T12): ``[sector]`` s_s minus the baseline's expected project investment share, as the pipeline fills.

        Projects arriving from the first simulated year add capital with the capacity schedule, so the
        offset at ``year`` is the expected share times the cumulative capacity reached by then.
        """
        base_rate = self.model.params.capital.investment_rate
        filled = self.schedule[min(max(year - self.start - 1, 0), len(self.schedule) - 1)]
        return np.maximum(base_rate - self.expected_project_rate * filled, 0.0)

    def _origin_wage_index(self) -> np.ndarray:
        model, nodes = self.model, self.p.origin_wage_node
        index = model.external_wage / model.external_wage_base
        return np.where(nodes >= 0, index[np.maximum(nodes, 0)], 1.0)

    def _region_wage_index(self, state: "RegionState") -> float:
        alpha = self.model.params.production.capital_share
        wage = labour.average_wage(state.va_real, state.employment, alpha, 1.0)
        mean = float((wage * state.employment.sum(axis=1)).sum() / state.employment.sum())
        return mean / self.base_mean_wage

    # ------------------------------------------------------------------ city decisions (T9)
    def decide_package(self, city: int, growth: float, next_year: int) -> None:
        """(T9): a city agent adjusts its land discount and rebate for ``next_year`` (adaptive mode only)."""
        inc = self.p.incentives
        if not inc.adaptive:
            return
        max_discount = incentive_rules.regime_bound(next_year, inc.regime_year, inc.max_land_discount)
        max_rebate = incentive_rules.rebate_ceiling(next_year, inc.regime_year, inc.max_tax_rebate,
                                                    inc.authorised_until)[city]
        discount, rebate = incentive_rules.adjust_package(
            self.land_discount[city], self.tax_rebate[city], self.model.params.fiscal.growth_target - growth,
            inc.adjustment, max_discount, max_rebate,
        )
        self.land_discount[city], self.tax_rebate[city] = float(discount), float(rebate)
