"""The Mesa model: one :class:`~cnyx_sim.core.agents.CityAgent` per plan unit over numpy state arrays.

``CnyxModel.step()`` is the flat, ordered yearly schedule of ODD element 3 (docs/model.md §3). Every
mechanism reads the start-of-year state or values computed earlier in the step and returns new arrays; the
engines (industrial transfer, fiscal block) are given their inputs explicitly and return what they produce;
the model only wires them together, builds the year's state once and records it.
The model never reads files or prints: base-year data and parameters come in as arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np

from cnyx_sim.core.agents import CityAgent, CitySignals
from cnyx_sim.core.levers import LEVER_VARIABLES, LeverEngine
from cnyx_sim.core.network import TransportNetwork
from cnyx_sim.core.params import TAXES, ModelParams
from cnyx_sim.core.parks import PARK_VARIABLES, ParkDevelopmentEngine
from cnyx_sim.core.projects import PROJECT_VARIABLES, RELOCATION_VARIABLES, TransferEngine, project_totals
from cnyx_sim.core.recorder import Recorder
from cnyx_sim.core.rng import ProjectDraws, make_streams
from cnyx_sim.core.sharing import SHARING_VARIABLES, SharingEngine
from cnyx_sim.core.state import CityPolicies, FloatArray, Geography, RegionState
from cnyx_sim.mechanisms import capital, fiscal, incentives, labour, population, prices, production
from cnyx_sim.mechanisms import competition as competition_rules
from cnyx_sim.mechanisms.incentives import Package

#: The packages in force in the unit in the year (T8, after the city agents' choice, C1-C3): land discount and tax
#: rebate, shares (docs/model.md 7.19).
PACKAGE_VARIABLES: tuple[str, ...] = ("package_land_discount", "package_tax_rebate")

#: Gross migration flows of the year (N2-N3), per unit, 万人: into the unit (from other units and the external
#: nodes) and out of it (net_migration = migration_in - migration_out), and their parts from and to the external
#: nodes (the region's gross flows with outside, summed over units).
MIGRATION_VARIABLES: tuple[str, ...] = ("migration_in", "migration_out", "migration_in_external",
                                        "migration_out_external")


def gross_migration(u2u: FloatArray, u2e: FloatArray, e2u: FloatArray) -> dict[str, FloatArray]:
    """The ``MIGRATION_VARIABLES`` of one year from the gross flows of (N2)-(N3)."""
    return {"migration_in": u2u.sum(axis=0) + e2u.sum(axis=0), "migration_out": u2u.sum(axis=1) + u2e.sum(axis=1),
            "migration_in_external": e2u.sum(axis=0), "migration_out_external": u2e.sum(axis=1)}


#: Per-unit investment flows recorded every year (docs/model.md 7.3, K4-K6), 亿元 current prices.
INVESTMENT_VARIABLES: tuple[str, ...] = ("incumbent_investment", "supplier_investment", "crowded_out_investment")

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
        self.geography = geo = base.geography
        self.streams = streams
        self.province_take_by_city = params.fiscal.province_take[geo.city_province]
        # Tax sharing, statistics splitting and budgets (ODD 7.10-7.12); neutral without a sharing section.
        self.sharing = SharingEngine(params, geo, streams["sharing"])
        self.policies = self._initial_policies()
        self.state = self._initial_state()
        self.base_state = self.state.copy()

        incentives_rule = params.transfer.incentives if params.transfer is not None else None
        if incentives_rule is not None and not incentives_rule.adaptive:
            incentives_rule = None
        # incentive competition (C1)-(C3): the agents' rule; neighbours from the base-year travel times
        competition = params.competition if params.competition is not None and params.competition.is_enabled \
            and params.transfer is not None else None
        self.competition = competition
        self.cities = [
            CityAgent(self, idx, code, name, self.policies, params.fiscal, incentives_rule,
                      params.transfer.incentives if competition is not None else None, competition)
            for idx, (code, name) in enumerate(zip(geo.cities, geo.city_names_zh))
        ]
        # The transport network (T10: which events happen, drawn once) and the plan's other levers (ODD 7.13-7.16).
        infra = params.infrastructure or (params.transfer.infrastructure if params.transfer is not None else None)
        self.network = TransportNetwork(infra, streams["events"]) if infra is not None else None
        self.neighbours = None
        if competition is not None:
            times = (self.network.travel_times(params.start_year)[: geo.n_cities, : geo.n_cities]
                     if self.network is not None else np.full((geo.n_cities, geo.n_cities), np.inf))
            self.neighbours = competition_rules.neighbours(times, competition.neighbour_hours)
        self._incentive_cost = np.zeros(geo.n_cities)
        self._revenue_after_sharing = np.zeros(geo.n_cities)
        self.levers = LeverEngine(params, geo, self.state, self.network, EXTERNAL_NODE_PROVINCE, streams["ecology"])
        # Industrial transfer (ODD 7.7-7.9): the project book, its calibration and the base-year cohort; None
        # without a transfer section. Incumbents invest at the autonomous rate of (K4).
        self.transfer = None
        self.incumbent_rate = params.capital.investment_rate
        base_projects = None
        if params.transfer is not None:
            package = self._package_in_force(params.start_year)
            self.transfer = TransferEngine(params, geo, self.state, package, ProjectDraws(seed, run), self.network,
                                           self.levers)
            self.incumbent_rate = capital.autonomous_investment_rate(
                params.capital.investment_rate, params.transfer.project_investment_share * params.transfer.transfer_sector,
                self.transfer.supplier_share, params.transfer.crowding_out)
            # the base-year cohort's packages (its land discounts belong to the base year's data: not booked)
            self.sharing.book_arrivals(self.transfer.book, self.transfer.initial_rows, package, 1.0)
            base_projects = self._base_year_projects()
        # Parks that grow (ODD 7.20, PD1-PD6): land on order and delivered; neutral without parks or switched off.
        self.park_land = ParkDevelopmentEngine(params, tuple(geo.cities.codes), self.sharing.p.external_partners)
        # GDP on the ledger the city agents chase, for their growth (F8, T9); official and credited are equal
        # in the base year.
        self._chased_gdp_last = self._nominal_gdp(self.state)

        s = self.state
        self.recorder = Recorder(geo, TAXES, params.years)
        if self.transfer is not None:
            self.recorder.add_city_variables(PROJECT_VARIABLES, fill_first_year=0.0)
            self.recorder.add_city_variables(RELOCATION_VARIABLES, fill_first_year=0.0)
            self.recorder.add_city_variables(PACKAGE_VARIABLES)
            self.recorder.record_city(s.year, self._package_record(package))
            self.recorder.record_city(s.year, self.transfer.relocation_totals(self.transfer.initial_rows))
        self.recorder.add_city_variables(INVESTMENT_VARIABLES)
        self.recorder.add_city_variables(SHARING_VARIABLES)
        self.recorder.add_city_variables(LEVER_VARIABLES + MIGRATION_VARIABLES)
        self.recorder.add_city_variables(PARK_VARIABLES, fill_first_year=0.0)
        self.recorder.record_city(s.year, {"park_land_developed": self.park_land.recorded_developed()})
        base_fai = (s.private_investment * s.price_index).sum(axis=1) + s.public_investment
        zeros = np.zeros(geo.n_cities)
        investment = {"incumbent_investment": (s.private_investment * s.price_index).sum(axis=1),
                      "supplier_investment": zeros, "crowded_out_investment": zeros}
        self._record(self.sharing.base_year_record(s.va_real * s.price_index, s.tax_city, base_fai, s.debt),
                     base_projects, investment)
        self.recorder.record_city(s.year, self.levers.recorded(s.year, s.va_real, None))
        # base-year gross migration: the calibrated flows at base-year wages (balanced by N5)
        u2u, u2e, e2u = population.migration_flows(
            s.population, labour.average_wage(s.va_real, s.employment, params.production.capital_share, 1.0),
            self.external_wage, self.migration, params.population.mobile_share, params.population.wage_elasticity,
            params.population.border_penalty)
        self.recorder.record_city(s.year, gross_migration(u2u, u2e, e2u))

    # ------------------------------------------------------------------ initialisation (ODD element 5)
    def _initial_policies(self) -> CityPolicies:
        p, n = self.params, self.geography.n_cities
        share = np.full(n, p.fiscal.public_investment_share_initial)
        if p.transfer is None:
            return CityPolicies(share, np.zeros(n), np.zeros(n), np.zeros(n))
        inc = p.transfer.incentives
        return CityPolicies(share, inc.land_discount.astype(float).copy(), inc.tax_rebate.astype(float).copy(),
                            inc.service_quality.astype(float).copy())

    def _base_year_projects(self) -> dict[str, FloatArray]:
        """The base-year row of the project variables: the cohort signed in the base year (it builds from the
        next year); nothing produces yet."""
        book, n = self.transfer.book, self.geography.n_cities
        rows = self.transfer.initial_rows
        host = book.host[rows]
        located = host >= 0
        out = {name: np.zeros(n) for name in PROJECT_VARIABLES}
        out["projects_arrived"] = np.bincount(host[located], minlength=n).astype(float)
        out["project_signed_value"] = np.bincount(host[located], weights=book.signed_investment[rows][located],
                                                  minlength=n)
        return out

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
        infrastructure_inv = (1.0 - self.sharing.p.park_land_share) * public_inv
        public_capital = infrastructure_inv / p.fiscal.public_capital_depreciation

        wage_units = labour.average_wage(va, employment, alpha, 1.0)
        self.external_wage_base = labour.mean_wage(wage_units, employed) * p.population.external_wage_premium
        self.migration = population.calibrate_migration(
            base.population, wage_units, self.external_wage_base,
            geo.border_matrix, self._external_border(),
            p.population.mobile_share, p.population.wage_elasticity, p.population.border_penalty,
        )
        self.external_wage = self.external_wage_base.copy()
        return RegionState(
            year=p.start_year,
            va_real=va,
            capital=capital_stock,
            employment=employment,
            employment_share=shares,
            tfp_trend=self.tfp_base.copy(),
            population=base.population.astype(float).copy(),
            public_capital=public_capital,
            price_index=1.0,
            net_migration=np.zeros(geo.n_cities),
            tax_gross=taxes.sum(axis=1),
            tax_city=city_part,
            public_investment=public_inv,
            infrastructure_investment=infrastructure_inv,
            # the base year's investment is the fitted total (it includes the projects building in 2021)
            private_investment=capital.investment(va, capital_stock, alpha, p.capital.depreciation_rate,
                                                  p.capital.investment_rate, p.capital.return_sensitivity),
            project_capital=np.zeros_like(va),
            debt=self.sharing.initial_debt(city_part.sum(axis=1)),
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
        """(F1)-(F4) ``[city, sector, tax]`` on nominal value added, 亿元 current prices."""
        f, alpha = self.params.fiscal, self.params.production.capital_share
        rate = fiscal.cit_rate(
            year, f.cit_standard_rate, f.western_cit_rate, f.western_cit_last_year, f.western_cit_qualifying_share
        )
        return fiscal.gross_taxes(
            va_real * price_index, alpha, f.vat_rate_effective, f.profit_share, rate,
            f.pit_rate_effective, f.property_rate_effective,
        )

    def _package_in_force(self, year: int) -> Package:
        """(T8): the packages projects face in ``year``, from the packages the city agents chose."""
        inc, chosen = self.params.transfer.incentives, self.policies
        return incentives.effective_package(
            chosen.land_discount, chosen.tax_rebate, chosen.service_quality, year, inc.regime_year,
            inc.max_land_discount, inc.max_tax_rebate, inc.authorised_until, inc.disguised_share,
        )

    def _migrate(self, year: int, population_start: FloatArray, va_real: FloatArray,
                 employment: FloatArray) -> tuple[FloatArray, FloatArray]:
        """(N2)-(N4), (N1): ``[city]`` net migration of ``year`` and year-end population. Movers are drawn from
        the start-of-year population; the external nodes' real wages first move along their path (N3). The
        gross in- and outflows of the year are kept in ``self.gross_migration`` for the recorder."""
        p = self.params.population
        real_wage = labour.average_wage(va_real, employment, self.params.production.capital_share, 1.0)
        self.external_wage = self.external_wage * (1.0 + self.params.at(p.external_real_wage_growth, year))
        system = self.levers.migration_system(self.migration, year)  # public-service integration (PS1)-(PS2)
        u2u, u2e, e2u = population.migration_flows(population_start, real_wage, self.external_wage, system,
                                                   p.mobile_share, p.wage_elasticity, p.border_penalty)
        migration = population.net_migration(u2u, u2e, e2u)
        self.gross_migration = gross_migration(u2u, u2e, e2u)
        return migration, population.next_population(population_start, self.params.at(p.natural_growth_rate, year),
                                                     migration)

    @staticmethod
    def _package_record(package: Package) -> dict[str, FloatArray]:
        """The ``PACKAGE_VARIABLES`` of a year from the packages in force (T8)."""
        return {"package_land_discount": np.asarray(package.land_discount, dtype=float).copy(),
                "package_tax_rebate": np.asarray(package.tax_rebate, dtype=float).copy()}

    def _record(self, fiscal_block: dict[str, FloatArray], projects: dict[str, FloatArray] | None,
                investment: dict[str, FloatArray]) -> None:
        """The year's state, with the fiscal block's, the projects' and the investment flows' per-unit variables."""
        s = self.state
        self.recorder.record(s, labour.labour_income(s.va_real, self.params.production.capital_share, s.price_index),
                             self.policies.public_investment_share)
        self.recorder.record_city(s.year, fiscal_block)
        self.recorder.record_city(s.year, investment)
        if projects is not None:
            self.recorder.record_city(s.year, projects)

    def _competition_signals(self) -> dict:
        """What each city agent sees of its rivals for (C1)-(C2): its neighbours' mean package of the year (from
        the packages chosen, a snapshot taken before any agent moves), its incentive cost and revenue."""
        if self.competition is None:
            return {}
        chosen = self.policies
        return {"neighbour_land_discount": competition_rules.neighbour_mean(chosen.land_discount, self.neighbours),
                "neighbour_tax_rebate": competition_rules.neighbour_mean(chosen.tax_rebate, self.neighbours),
                "incentive_cost": self._incentive_cost.copy(), "revenue": self._revenue_after_sharing.copy()}

    @staticmethod
    def _nominal_gdp(state: RegionState) -> FloatArray:
        return state.va_real.sum(axis=1) * state.price_index

    # ------------------------------------------------------------------ schedule (ODD element 3)
    def step(self) -> None:
        """One year, in the order of docs/model.md §3. ``s`` is last year's state; the new one is built once."""
        p, s, geo = self.params, self.state, self.geography
        year = s.year + 1
        alpha = p.production.capital_share
        project_book = self.transfer.book if self.transfer is not None else None

        # 1. prices (X1)
        price_shock = p.macro.deflator_shock_sd * self.streams["macro"].standard_normal()
        price_index = prices.next_price_index(s.price_index, p.at(p.macro.deflator_growth, year), price_shock)

        # 2. capital: last year's investment is productive this year (K3, F7); projects install last year's
        #    spending, close, relocate, arrive, choose a location under this year's packages and build (T1-T7);
        #    their effective capital joins the incumbents' in production (J1); arrivals' packages booked
        incumbent_capital = capital.next_capital(s.capital - s.project_capital, s.private_investment,
                                                 p.capital.depreciation_rate)
        effective_capital, project_capital = incumbent_capital, np.zeros_like(incumbent_capital)
        land_discount_cost = np.zeros(geo.n_cities)
        if self.transfer is not None:
            package = self._package_in_force(year)
            projects = self.transfer.before_production(year, s, price_index,
                                                       self.external_wage / self.external_wage_base, package)
            effective_capital = incumbent_capital + projects.effective_capital
            project_capital = projects.project_capital
            land_discount_cost = self.sharing.book_arrivals(project_book, projects.new_rows, package, price_index)
        public_capital = fiscal.next_public_capital(s.public_capital, s.infrastructure_investment, s.price_index,
                                                    p.fiscal.public_capital_depreciation)

        # 3. trend TFP (P4, P3): region-wide, unit and city-sector shocks, always drawn in that order
        growth = production.tfp_growth_rate(self.tfp_initial_growth, p.production.tfp_long_run_growth,
                                            year - p.start_year, p.production.tfp_convergence_half_life)
        shocks = production.tfp_shocks(s.tfp_trend.shape, p.production.common_shock_sd, p.production.unit_shock_sd,
                                       p.production.tfp_shock_sd, self.streams["shocks"])
        tfp_trend = production.next_tfp_trend(s.tfp_trend, growth, shocks)

        # 4. labour (L1-L3): this year's workforce from last year-end population
        employed = labour.total_employment(s.population, p.labour.employment_rate)
        employment_share = labour.next_sector_shares(
            s.employment_share, labour.efficient_sector_shares(s.va_real, alpha), p.labour.reallocation_speed)
        employment = employment_share * employed[:, None]

        # 5. production (P2, P1 with the effective capital of J1), with market access (M4)
        base = self.base_state
        public_per_capita = (public_capital / s.population) / (base.public_capital / base.population)
        tfp = production.total_factor_productivity(tfp_trend, employment, self.employment_base, public_per_capita,
                                                   p.production.localisation_elasticity,
                                                   p.production.public_capital_elasticity)
        tfp = tfp * self.levers.productivity_factor(year)[:, None]
        va_real = production.value_added(tfp, effective_capital, employment, alpha)

        # 6. fiscal: taxes where collected (F1-F6); projects' shares of their city-sectors and local purchases
        #    (J2, IO1-IO3); investment of the year, productive next year: incumbents at the autonomous rate (K2,
        #    K4) less crowding-out (K5), plus suppliers' capacity (IO4); sharing (S1-S8), statistics splits
        #    (D1-D5) and budgets (B1-B9) at the share the agents set last year; park land developed (B9)
        taxes_by_sector = self._taxes(va_real, year, price_index)
        taxes = taxes_by_sector.sum(axis=1)
        _, tax_city = fiscal.city_revenue(taxes, p.fiscal.local_share, self.province_take_by_city)
        incumbents = capital.investment(va_real, effective_capital, alpha, p.capital.depreciation_rate,
                                        self.incumbent_rate, p.capital.return_sensitivity)
        supplier = crowded = np.zeros_like(incumbents)
        if self.transfer is not None:
            project_output = self.transfer.after_production(year, va_real, employment, effective_capital,
                                                            taxes_by_sector.sum(axis=2), price_index)
            remaining = capital.crowd_out(incumbents, projects.external_spending, p.transfer.crowding_out)
            crowded, incumbents, supplier = incumbents - remaining, remaining, projects.supplier_investment
        private_investment = incumbents + supplier
        compensation = self.levers.compensation(year)  # ecological compensation between units (E5)-(E6)
        # parks that grow (PD1-PD4): co-built parks order land on the free land the location choice left
        park_year = self.park_land.order(year, self.transfer.park_remaining if self.transfer is not None else None,
                                         price_index, self.sharing.agreements)
        fiscal_year = self.sharing.year(year, va_real * price_index, taxes_by_sector, tax_city,
                                        private_investment * price_index, self.policies.public_investment_share,
                                        s.debt, land_discount_cost, project_book, compensation.net,
                                        park_year.contribution)
        if self.transfer is not None:
            self.transfer.add_park_land(fiscal_year.park_land_investment, self.sharing.p.park_land_cost * price_index,
                                        year + 1)
            self.transfer.add_developed_land(self.park_land.deliver(year + 1))  # (PD6)

        # 7. population (N2-N4, N1): migration responds to this year's real wages, here and at the external nodes
        migration, population_next = self._migrate(year, s.population, va_real, employment)

        # 8. book the year
        self.state = RegionState(
            year=year, va_real=va_real, capital=incumbent_capital + project_capital, employment=employment,
            employment_share=employment_share, tfp_trend=tfp_trend, population=population_next,
            public_capital=public_capital, price_index=price_index, net_migration=migration, tax_gross=taxes,
            tax_city=tax_city, public_investment=fiscal_year.public_investment,
            infrastructure_investment=fiscal_year.infrastructure_investment,
            private_investment=private_investment, project_capital=project_capital, debt=fiscal_year.debt,
        )
        investment = {"incumbent_investment": (private_investment * price_index).sum(axis=1),
                      "supplier_investment": (supplier * price_index).sum(axis=1),
                      "crowded_out_investment": (crowded * price_index).sum(axis=1)}
        self._record(fiscal_year.recorded,
                     project_totals(projects, project_output) if self.transfer is not None else None, investment)
        if self.transfer is not None:
            self.recorder.record_city(year, self.transfer.relocation_totals(projects.new_rows))
            self.recorder.record_city(year, self._package_record(package))
        self._incentive_cost = fiscal_year.recorded["incentive_cost"]
        self._revenue_after_sharing = fiscal_year.recorded["tax_local_after_sharing"]
        self.recorder.record_city(year, self.levers.recorded(year, va_real, compensation))
        self.recorder.record_city(year, self.gross_migration)
        self.recorder.record_city(year, park_year.recorded)

        # 9. city agents decide next year's public-investment share (F8) and packages (T9), in random order, on
        #    their growth on the ledger they chase (credited when the officials are credited with splits)
        use_credited = self.sharing.p.agents_use_credited_gdp
        chased_gdp = fiscal_year.credited_gdp if use_credited else self._nominal_gdp(self.state)
        signals = CitySignals(next_year=year + 1, growth=chased_gdp / self._chased_gdp_last - 1.0,
                              **self._competition_signals())
        self._chased_gdp_last = chased_gdp
        self.agents.shuffle_do("decide", signals)
        if year >= p.end_year:
            self.running = False
