"""The Mesa model: one :class:`~cnyx_sim.core.agents.CityAgent` per plan unit over numpy state arrays.

``CnyxModel.step()`` is the flat, ordered yearly schedule of ODD element 3. Every mechanism reads the
start-of-year snapshot and returns new arrays; the model only wires them together and records.
The model never reads files or prints: base-year data and parameters come in as arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np

from cnyx_sim.core.agents import CityAgent
from cnyx_sim.core.params import TAXES, ModelParams
from cnyx_sim.core.projects import PROJECT_VARIABLES, TransferEngine
from cnyx_sim.core.recorder import Recorder
from cnyx_sim.core.rng import make_streams
from cnyx_sim.core.sharing import SHARING_VARIABLES, SharingEngine
from cnyx_sim.core.state import FloatArray, Geography, RegionState
from cnyx_sim.mechanisms import capital, fiscal, labour, population, prices, production

#: Provinces of the external migration nodes, for the border term of (N2)-(N3). ``None`` = neither.
EXTERNAL_NODE_PROVINCE: dict[str, str | None] = {
    "chengdu": "SC",
    "chongqing_core": "CQ",
    "east_coast": None,
}


@dataclass(frozen=True)
class BaseYearData:
    """Base-year (2021) observations the model starts from (built in ``calibration/``).

    Attributes
    ----------
    geography : Geography
    year : int
    value_added_nominal : [city, sector] 亿元 (= real, since the base year is the price base).
    population : [city] year-end resident population, 万人.
    historical_real_growth : [city] mean published real GDP growth 2015-2021, 1/yr.
    """

    geography: Geography
    year: int
    value_added_nominal: FloatArray
    population: FloatArray
    historical_real_growth: FloatArray


class CnyxModel(mesa.Model):
    """川南渝西 regional model: city agents holding sector arrays, stepped yearly from the base year.

    Parameters
    ----------
    base : BaseYearData
    params : ModelParams
    seed : int
        The scenario seed.
    run : int
        Run index; the random streams are those of ``SeedSequence(seed, spawn_key=(run,))``.
    """

    def __init__(self, base: BaseYearData, params: ModelParams, seed: int = 0, run: int = 0) -> None:
        streams = make_streams(seed, run)
        super().__init__(rng=streams["mesa"])
        if params.start_year != base.year:
            raise ValueError(f"scenario starts in {params.start_year} but the base-year data are for {base.year}")
        # Parameter uncertainty (docs/model.md 5.6): each run uses one posterior draw of the fitted growth
        # parameters, picked by its own stream, so paired variants share the draw of each run.
        self.parameter_draw = -1
        if params.parameter_draws is not None and params.parameter_draws.n_draws > 0:
            self.parameter_draw = int(streams["parameters"].integers(params.parameter_draws.n_draws))
            params = params.with_draw(self.parameter_draw)
        self.base = base
        self.params = params
        self.geography = base.geography
        self.streams = streams
        self.seed_value, self.run_index = seed, run

        geo = self.geography
        self.province_take_by_city = params.fiscal.province_take[geo.city_province]
        self.state = self._initial_state()
        self.base_state = self.state.copy()
        self.investment_share = np.full(geo.n_cities, params.fiscal.public_investment_share_initial)
        self._nominal_gdp_last = self._nominal_gdp(self.state)

        self.cities = [
            CityAgent(self, idx, code, name) for idx, (code, name) in enumerate(zip(geo.cities, geo.city_names_zh))
        ]
        # Industrial transfer (ODD 7.7-7.9): the project book and its calibration; None without a transfer section.
        self.transfer = TransferEngine(self) if params.transfer is not None else None
        self.recorder = Recorder(geo, TAXES, params.years)
        self.recorder.record(self.state, self._labour_income(self.state), self.investment_share)
        if self.transfer is not None:
            self.recorder.add_city_variables(PROJECT_VARIABLES, fill_first_year=0.0)
        # Tax sharing, statistics splitting and budgets (ODD 7.10-7.12); neutral without a sharing section.
        self.sharing = SharingEngine(self, self.state.tax_city.sum(axis=1))
        self._credited_gdp_last = self._nominal_gdp_last.copy()
        self.recorder.add_city_variables(SHARING_VARIABLES)
        base_fai = self._private_investment(self.state, params.start_year + 1).sum(axis=1) + self.state.public_investment
        self.recorder.record_city(params.start_year, self.sharing.base_year_record(
            self.state.va_real * self.state.price_index, self.state.tax_city, base_fai))

    @property
    def sharing_cumulative(self) -> FloatArray | None:
        """``[agreement, activity row]`` amounts paid so far under each agreement (S6 cap state)."""
        return self.sharing.cumulative

    @property
    def debt(self) -> FloatArray:
        """``[unit]`` city debt at the end of the last simulated year, 亿元 (B8)."""
        return self.sharing.debt

    # ------------------------------------------------------------------ initialisation (ODD element 5)
    def _initial_state(self) -> RegionState:
        p, geo, base = self.params, self.geography, self.base
        va = base.value_added_nominal.astype(float).copy()
        alpha = p.production.capital_share
        capital_stock = va * np.broadcast_to(p.capital.capital_output_ratio, va.shape)
        employed = labour.total_employment(base.population, p.labour.employment_rate)
        shares = labour.initial_sector_shares(va, p.labour.relative_labour_intensity)
        employment = shares * employed[:, None]
        self.tfp_base = production.calibrate_tfp_level(va, capital_stock, employment, alpha)
        self.employment_base = employment.copy()

        if p.production.tfp_initial_growth is not None:
            self.tfp_initial_growth = np.broadcast_to(
                np.asarray(p.production.tfp_initial_growth, dtype=float), va.shape).copy()
        else:
            gross_inv = capital.investment(
                va, capital_stock, alpha, p.capital.depreciation_rate, p.capital.investment_rate,
                p.capital.return_sensitivity,
            )
            capital_growth = gross_inv / capital_stock - p.capital.depreciation_rate
            employment_growth = np.full(geo.n_cities, p.at(p.population.natural_growth_rate, p.start_year + 1))
            residual = production.calibrate_tfp_growth(
                base.historical_real_growth, va, capital_growth, employment_growth, alpha
            )
            self.tfp_initial_growth = np.repeat(residual[:, None], geo.n_sectors, axis=1)

        taxes = self._taxes(va, p.start_year, 1.0)
        _, city_part = fiscal.city_revenue(taxes.sum(axis=1), p.fiscal.local_share, self.province_take_by_city)
        public_inv = fiscal.public_investment(city_part.sum(axis=1), p.fiscal.public_investment_share_initial)
        # No data on public capital: start each city in the steady state its base-year public investment
        # sustains (assumption, docs/model.md 5.3), so (P2)'s public-capital term starts at 1 with no drift.
        # Only the infrastructure part (1 - psi) of public investment builds public capital (B9).
        park_land_share = p.sharing.park_land_share if p.sharing is not None else 0.0
        self._infrastructure_investment = (1.0 - park_land_share) * public_inv
        public_capital = self._infrastructure_investment / p.fiscal.public_capital_depreciation

        wage_units = labour.average_wage(va, employment, alpha, 1.0)
        mean_wage = float((wage_units * employed).sum() / employed.sum())
        self.external_wage_base = mean_wage * p.population.external_wage_premium
        self.migration = population.calibrate_migration(
            base.population, wage_units, self.external_wage_base,
            geo.border_matrix, self._external_border(),
            p.population.mobile_share, p.population.wage_elasticity, p.population.border_penalty,
        )
        self.external_wage = self.external_wage_base.copy()
        self.employment_shares = shares
        return RegionState(
            year=p.start_year,
            va_real=va,
            capital=capital_stock,
            employment=employment,
            tfp_trend=self.tfp_base.copy(),
            population=base.population.astype(float).copy(),
            public_capital=public_capital,
            price_index=1.0,
            net_migration=np.zeros(geo.n_cities),
            tax_gross=taxes.sum(axis=1),
            tax_city=city_part,
            public_investment=public_inv,
        )

    def _external_border(self) -> FloatArray:
        geo, nodes = self.geography, self.params.population.external_nodes
        border = np.ones((len(nodes), geo.n_cities))
        for i, node in enumerate(nodes):
            province = EXTERNAL_NODE_PROVINCE.get(node)
            if province is not None and province in geo.provinces.codes:
                border[i] = (geo.city_province != geo.provinces.position(province)).astype(float)
        return border

    # ------------------------------------------------------------------ helpers
    def _taxes(self, va_real: FloatArray, year: int, price_index: float) -> FloatArray:
        f, alpha = self.params.fiscal, self.params.production.capital_share
        rate = fiscal.cit_rate(
            year, f.cit_standard_rate, f.western_cit_rate, f.western_cit_last_year, f.western_cit_qualifying_share
        )
        return fiscal.gross_taxes(
            va_real * price_index, alpha, f.vat_rate_effective, f.profit_share, rate,
            f.pit_rate_effective, f.property_rate_effective,
        )

    def _labour_income(self, state: RegionState) -> FloatArray:
        alpha = self.params.production.capital_share
        return (state.va_real * (1.0 - alpha[None, :])).sum(axis=1) * state.price_index

    def _private_investment(self, state: RegionState, next_year: int) -> FloatArray:
        """``[city, sector]`` incumbents' gross investment made in ``state.year`` (K1), 亿元 current prices:
        what production uses from ``next_year`` (the same call ``step`` makes next year)."""
        p = self.params
        rate = p.capital.investment_rate if self.transfer is None else self.transfer.incumbent_investment_rate(next_year)
        real = capital.investment(state.va_real, state.capital, p.production.capital_share,
                                  p.capital.depreciation_rate, rate, p.capital.return_sensitivity)
        return real * state.price_index

    def _develop_park_land(self, investment_nominal: FloatArray, price_index: float, next_year: int) -> None:
        """(B9): a unit's park-land investment adds 亩 (at ``budget.park_land_cost``) to its parks open next
        year, split equally (assumption); without an open park the land is not tracked (no capacity limit)."""
        parks = self.params.transfer.parks
        is_open = parks.start_year <= next_year
        if not is_open.any() or not np.any(investment_nominal > 0):
            return
        mu = investment_nominal / (self.sharing.p.park_land_cost * price_index)
        n_open = np.bincount(parks.host[is_open], minlength=self.geography.n_cities)
        per_park = np.divide(mu, n_open, out=np.zeros_like(mu), where=n_open > 0)
        self.transfer.park_remaining = self.transfer.park_remaining + np.where(is_open, per_park[parks.host], 0.0)

    @staticmethod
    def _nominal_gdp(state: RegionState) -> FloatArray:
        return state.va_real.sum(axis=1) * state.price_index

    # ------------------------------------------------------------------ schedule (ODD element 3)
    def step(self) -> None:
        """Advance one year: prices, capital stocks, TFP, labour, production, fiscal, population; then decisions."""
        p, s, geo = self.params, self.state, self.geography
        year = s.year + 1
        alpha = p.production.capital_share

        # 1. prices (X1)
        price_shock = p.macro.deflator_shock_sd * self.streams["macro"].standard_normal()
        price_index = prices.next_price_index(s.price_index, p.at(p.macro.deflator_growth, year), price_shock)

        # 2. capital stocks of this year from last year's investment (K1)-(K3), (F7): investment made in
        #    year t-1 is productive in year t, so 2022 output already uses 2021's investment.
        #    With industrial transfer the incumbents invest at the offset rate (T12) and projects add their
        #    capital as their capacity rises, after closures and relocations (T1-T7).
        investment_rate = p.capital.investment_rate if self.transfer is None else (
            self.transfer.incumbent_investment_rate(year))
        gross_inv = capital.investment(
            s.va_real, s.capital, alpha, p.capital.depreciation_rate, investment_rate,
            p.capital.return_sensitivity,
        )
        capital_stock = capital.next_capital(s.capital, gross_inv, p.capital.depreciation_rate)
        if self.transfer is not None:
            n_before = len(self.transfer.book)
            capital_stock = np.maximum(capital_stock + self.transfer.before_production(year, s, price_index), 0.0)
            self.sharing.book_arrivals(year, n_before, price_index)
        # (F7)/(B9): last year's infrastructure investment (public investment less park land) builds public capital
        public_capital = fiscal.next_public_capital(
            s.public_capital, self._infrastructure_investment, s.price_index, p.fiscal.public_capital_depreciation
        )

        # 3. trend TFP (P3)-(P4)
        growth = production.tfp_growth_rate(
            self.tfp_initial_growth, p.production.tfp_long_run_growth, year - p.start_year,
            p.production.tfp_convergence_half_life,
        )
        shocks = production.tfp_shocks(s.tfp_trend.shape, p.production.common_shock_sd, p.production.unit_shock_sd,
                                       p.production.tfp_shock_sd, self.streams["shocks"])
        tfp_trend = production.next_tfp_trend(s.tfp_trend, growth, shocks)

        # 4. labour (L1)-(L3): this year's workforce from last year-end population
        employed = labour.total_employment(s.population, p.labour.employment_rate)
        target = labour.efficient_sector_shares(s.va_real, alpha)
        self.employment_shares = labour.next_sector_shares(self.employment_shares, target, p.labour.reallocation_speed)
        employment = self.employment_shares * employed[:, None]

        # 5. production (P1)-(P2)
        per_capita_public = (public_capital / s.population) / (
            self.base_state.public_capital / self.base_state.population
        )
        tfp = production.total_factor_productivity(
            tfp_trend, employment, self.employment_base, per_capita_public,
            p.production.localisation_elasticity, p.production.public_capital_elasticity,
        )
        va_real = production.value_added(tfp, capital_stock, employment, alpha)

        # 6. fiscal (F1)-(F6): this year's taxes where collected; projects' shares of their city-sector (T7);
        #    sharing (S1)-(S8), statistics splits (D1)-(D5) and budgets (B1)-(B9): public investment from the
        #    after-sharing revenue (productive from next year). City agents decide next year's public
        #    investment share (F8) and packages (T9) after the year is booked.
        taxes_by_sector = self._taxes(va_real, year, price_index)
        taxes = taxes_by_sector.sum(axis=1)
        _, city_part = fiscal.city_revenue(taxes, p.fiscal.local_share, self.province_take_by_city)
        project_totals = None
        if self.transfer is not None:
            project_totals = self.transfer.after_production(
                year, va_real, employment, capital_stock, taxes_by_sector.sum(axis=2), price_index
            )
        booked = RegionState(year=year, va_real=va_real, capital=capital_stock, employment=employment,
                             tfp_trend=tfp_trend, population=s.population, public_capital=public_capital,
                             price_index=price_index, net_migration=s.net_migration, tax_gross=taxes,
                             tax_city=city_part, public_investment=s.public_investment)
        fiscal_year = self.sharing.year(
            year, va_real * price_index, taxes_by_sector, city_part, self._private_investment(booked, year + 1),
            price_index, self.investment_share,
        )
        public_inv = fiscal_year.public_investment
        self._infrastructure_investment = fiscal_year.infrastructure_investment
        if self.transfer is not None:
            self._develop_park_land(fiscal_year.park_land_investment, price_index, year + 1)

        # 7. population (N1)-(N4): migration responds to this year's real wages
        real_wage = labour.average_wage(va_real, employment, alpha, 1.0)
        self.external_wage = self.external_wage * (1.0 + p.at(p.population.external_real_wage_growth, year))
        u2u, u2e, e2u = population.migration_flows(
            s.population, real_wage, self.external_wage, self.migration,
            p.population.mobile_share, p.population.wage_elasticity, p.population.border_penalty,
        )
        migration = population.net_migration(u2u, u2e, e2u)
        population_next = population.next_population(
            s.population, p.at(p.population.natural_growth_rate, year), migration
        )

        self.state = RegionState(
            year=year,
            va_real=va_real,
            capital=capital_stock,
            employment=employment,
            tfp_trend=tfp_trend,
            population=population_next,
            public_capital=public_capital,
            price_index=price_index,
            net_migration=migration,
            tax_gross=taxes,
            tax_city=city_part,
            public_investment=public_inv,
        )
        nominal_gdp = self._nominal_gdp(self.state)
        self.nominal_growth = nominal_gdp / self._nominal_gdp_last - 1.0
        self._nominal_gdp_last = nominal_gdp
        credited_growth = fiscal_year.credited_gdp / self._credited_gdp_last - 1.0
        self._credited_gdp_last = fiscal_year.credited_gdp
        if self.sharing.p.agents_use_credited_gdp:
            # (F8)/(T9) on the credited ledger: officials chase what they are credited with (ODD 7.11)
            self.nominal_growth = credited_growth
        self.recorder.record(self.state, self._labour_income(self.state), self.investment_share)
        self.recorder.record_city(year, fiscal_year.recorded)
        if project_totals is not None:
            self.recorder.record_city(year, project_totals)
        # Agents decide after the year is booked, in random order (the order does not matter for this
        # rule, but decisions that compete, such as incentives, will rely on it).
        self.agents.shuffle_do("decide")
        if year >= p.end_year:
            self.running = False
