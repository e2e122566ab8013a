"""A two-unit, two-sector world small enough to check the engines by hand.

Units ``a`` (Sichuan, province take 0.2) and ``b`` (Chongqing, take 0.5); sectors ``industry`` and
``services``; one external origin and migration node, ``east_coast``; one park ``p`` hosted by ``a`` with
partner ``b``. Years 2021-2024. Every rate that would blur a hand calculation is zero unless a test sets it.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from cnyx_sim.core.model import BaseYearData
from cnyx_sim.core.params import (
    CapitalParams,
    FiscalParams,
    IncentiveParams,
    InfrastructureParams,
    LabourParams,
    MacroParams,
    ModelParams,
    ParkParams,
    PopulationParams,
    ProductionParams,
    SharingParams,
    TransferParams,
)
from cnyx_sim.core.projects import ProjectBook
from cnyx_sim.core.state import Geography, Index, RegionState
from cnyx_sim.mechanisms.tax_sharing import AgreementSet

YEARS = np.arange(2021, 2025)
N = len(YEARS)


class TinyWorld:
    geography = Geography(
        cities=Index(("a", "b")), city_names_zh=("甲", "乙"), city_province=np.array([0, 1]),
        provinces=Index(("SC", "CQ")), sectors=Index(("industry", "services")),
        sector_parent=("secondary", "tertiary"), is_industry=np.array([True, False]),
    )
    va = np.array([[100.0, 50.0], [80.0, 40.0]])
    population = np.array([100.0, 80.0])

    def parks(self, **changes) -> ParkParams:
        parks = ParkParams(
            ids=("p",), names_zh=("园",), kinds=("产业共建",), host=np.array([0]), partners=(("b",),),
            partner_origin=np.zeros((1, 1), dtype=bool), partner_unit=np.array([1]), start_year=np.array([2021]),
            land_capacity=np.array([100.0]), target_sectors=np.array([[True, True]]),
        )
        return dataclasses.replace(parks, **changes)

    def incentives(self, **changes) -> IncentiveParams:
        incentives = IncentiveParams(
            adaptive=False, land_discount=np.zeros(2), tax_rebate=np.zeros(2), service_quality=np.zeros(2),
            regime_year=2030, max_land_discount=(0.5, 0.3), max_tax_rebate=(0.5, 0.0),
            authorised_until=np.zeros(2, dtype=int), disguised_share=0.0, adjustment=0.5,
        )
        return dataclasses.replace(incentives, **changes)

    def transfer(self, **changes) -> TransferParams:
        times = np.array([[0.0, 1.0, 5.0], [1.0, 0.0, 5.0], [5.0, 5.0, 0.0]])
        infrastructure = InfrastructureParams(
            nodes=("a", "b", "east_coast"), base_travel_time=times, event_names=("line",),
            event_year=np.array([2023]), event_probability=np.array([0.5]),
            event_pairs=(np.array([[0, 2]]),), event_hours=(np.array([2.0]),),
            external_mass=np.array([0.0, 0.0, 1000.0]), access_decay=0.1,
        )
        transfer = TransferParams(
            origins=("east_coast",), origin_wage_node=np.array([0]), origin_travel_node=np.array([2]),
            arrival_rate=np.zeros((1, 2)), project_investment_share=0.0, crowding_out=0.0,
            transfer_sector=np.array([True, True]), origin_share=np.ones(1), start_probability=1.0,
            realised_share=1.0, max_size=1000.0, productivity=np.ones(1), local_purchase_share=0.0,
            io_coefficients=np.zeros((2, 2)), va_ratio=np.ones(2), wage_push_elasticity=0.0, land_push_elasticity=0.0,
            origin_land_cost_growth=np.zeros(N), mean_size=np.array([1.0, 1.0]), size_log_sd=0.5,
            land_intensity=1.0, located_share=np.array([0.5]), nest_parameter=1.0,
            beta_cluster=0.0, beta_wage=0.0, beta_land=0.0, beta_rebate=0.0, beta_service=0.0, beta_access=0.0,
            beta_origin_time=0.0, beta_park=0.0, beta_partner=0.0, construction_years=1, ramp_up_shares=(0.5,),
            closure_rate=0.0, relocation_rate=0.0, relocation_sensitivity=0.0, referral_probability=0.0,
            government_led_share=np.zeros(1), parks=self.parks(),
            incentives=self.incentives(), infrastructure=infrastructure,
        )
        return dataclasses.replace(transfer, **changes)

    def sharing(self, records=(), **changes) -> SharingParams:
        sharing = SharingParams(
            agreements=AgreementSet.from_records(list(records), 4), external_partners=(),
            agents_use_credited_gdp=False, transfer_rate=0.0, interest_rate=0.0, debt_limit_to_revenue=float("inf"),
            initial_debt_to_revenue=0.0, park_land_share=0.0, park_land_cost=1.0, land_price=0.01, rebate_years=5,
        )
        return dataclasses.replace(sharing, **changes)

    def params(self, transfer: TransferParams | None = None, sharing: SharingParams | None = None) -> ModelParams:
        zeros = np.zeros(N)
        return ModelParams(
            start_year=2021, end_year=2024,
            macro=MacroParams(deflator_growth=np.full(N, 0.1), national_real_growth=zeros),
            production=ProductionParams(
                capital_share=np.array([0.5, 0.5]), tfp_long_run_growth=0.0, tfp_initial_growth=np.zeros(2),
                tfp_convergence_half_life=5.0, tfp_shock_sd=0.0, localisation_elasticity=0.0,
                public_capital_elasticity=0.0),
            capital=CapitalParams(depreciation_rate=0.1, investment_rate=np.array([0.2, 0.2]),
                                  capital_output_ratio=np.array([2.0, 2.0]), return_sensitivity=0.0),
            labour=LabourParams(employment_rate=0.5, relative_labour_intensity=np.ones(2), reallocation_speed=0.0),
            population=PopulationParams(
                natural_growth_rate=zeros, mobile_share=0.0, wage_elasticity=1.0, border_penalty=0.0,
                external_nodes=("east_coast",), external_wage_premium=np.array([1.0]),
                external_real_wage_growth=zeros),
            fiscal=FiscalParams(
                vat_rate_effective=np.array([0.1, 0.1]), profit_share=np.array([0.2, 0.2]), cit_standard_rate=0.25,
                western_cit_rate=0.15, western_cit_last_year=2030, western_cit_qualifying_share=np.zeros(2),
                pit_rate_effective=0.1, property_rate_effective=0.02, local_share=np.array([0.5, 0.4, 0.4, 1.0]),
                province_take=np.array([0.2, 0.5]), public_investment_share_initial=0.2,
                public_investment_share_bounds=(0.1, 0.4), public_investment_adjustment=1.0, growth_target=0.08,
                public_capital_depreciation=0.05),
            transfer=transfer, sharing=sharing,
        )

    def base(self) -> BaseYearData:
        return BaseYearData(self.geography, 2021, self.va.copy(), self.population.copy(), np.array([0.06, 0.05]))

    def state(self, **changes) -> RegionState:
        """A year-end state with the tiny world's value added: employment 50 and 40, half in each sector."""
        employment = np.array([[25.0, 25.0], [20.0, 20.0]])
        state = RegionState(
            year=2021, va_real=self.va.copy(), capital=2.0 * self.va, employment=employment,
            employment_share=employment / employment.sum(axis=1, keepdims=True), tfp_trend=np.ones((2, 2)),
            population=self.population.copy(), public_capital=np.array([10.0, 8.0]), price_index=1.0,
            net_migration=np.zeros(2), tax_gross=np.zeros((2, 4)), tax_city=np.zeros((2, 4)),
            public_investment=np.zeros(2), infrastructure_investment=np.zeros(2), private_investment=np.zeros((2, 2)),
            project_capital=np.zeros((2, 2)), debt=np.zeros(2),
        )
        return dataclasses.replace(state, **changes)

    def project_rows(self, engine, rows) -> None:
        """Make hand-added book rows live in ``engine`` (the engine tracks located, realised projects)."""
        engine._live = np.concatenate([engine._live, np.atleast_1d(np.asarray(rows, dtype=np.int64))])

    def book(self) -> ProjectBook:
        return ProjectBook(("east_coast", "a", "b"), ("a", "b"), ("industry", "services"), ("p",), YEARS)

    @staticmethod
    def add_project(book: ProjectBook, **columns) -> int:
        """Append one project (defaults: industry, from east_coast, in unit a outside parks, arrived 2021)."""
        row = dict(sector=0, origin=0, signed_investment=10.0, investment=10.0, is_realised=True, land=10.0,
                   year_arrived=2021, host=0, park=-1, referral=0, is_government_led=False, relocated_from=-1,
                   full_production_year=2024, closed_year=0, capital=0.0, productivity=1.0,
                   draw_closure=np.inf, draw_relocation=np.inf)
        row.update(columns)
        return int(book.append(**{k: np.array([v]) for k, v in row.items()})[0])


@pytest.fixture
def tiny() -> TinyWorld:
    return TinyWorld()
