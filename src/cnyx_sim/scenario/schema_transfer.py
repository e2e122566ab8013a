"""Scenario sections of industrial transfer (issues 3, 9): ``transfer``, ``parks``, ``incentives``,
``infrastructure``. Equations (T1)-(T11), (J1)-(J3), (IO1)-(IO4) and (K4)-(K6) are in the mechanisms
``transfer``, ``project_production``, ``input_output``, ``capital``, ``incentives`` and ``infrastructure``;
docs/model.md 7.3 and 7.7-7.9 explain them.

Parks carry no tax/statistics sharing keys here: the fiscal issue adds a ``sharing`` section that refers
to park ids.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from cnyx_sim.scenario.types import (
    INDUSTRY,
    Fraction,
    OpenFraction,
    Section,
    param,
    per_key,
    per_sector,
    per_unit,
    year_path,
)

ExternalOrigin = Literal["chengdu", "chongqing_core", "east_coast", "abroad"]
ExternalNode = Literal["chengdu", "chongqing_core", "east_coast"]
Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
#: A code written in a list (sector, unit or partner): checked against the data by ``scenario.checks``.
CodeRef = Annotated[str, Field(min_length=1, max_length=60)]
#: Plausibility bounds (docs/model.md parameter table; docs/validation.md explains them).
ArrivalRate = Annotated[float, Field(ge=0.0, le=10_000.0)]  # projects/yr from one origin (baseline 20-80)
SectorWeight = Annotated[float, Field(ge=0.0, le=1e6)]  # relative weights, normalised
ProjectSize = Annotated[float, Field(ge=0.01, le=1000.0)]  # 亿元: the largest single projects are a few 100亿
LandCostGrowth = Annotated[float, Field(ge=-0.2, le=0.3)]  # 1/yr, origin land cost relative to the region
Hours = Annotated[float, Field(ge=0.01, le=100.0)]  # travel time between two nodes
ExternalMass = Annotated[float, Field(ge=0.0, le=2e6)]  # 亿元: at most about China's GDP (1.14e6 亿元 in 2021)
Discount = Annotated[float, Field(ge=0.0, lt=1.0)]  # a land discount of 100% would make land free
#: Dates of the scenario lie in the years a scenario may simulate.
FIRST_DATE, LAST_DATE = dt.date(1900, 1, 1), dt.date(2200, 12, 31)


#: Typed fields (``scenario.types``): resolved against the calibration while the scenario is validated.
OriginShares = per_key(ExternalOrigin, Fraction)
OriginOpenShares = per_key(ExternalOrigin, OpenFraction)
Productivity = Annotated[float, Field(ge=0.5, le=2.0)]  # TFP relative to the host's incumbents
OriginProductivity = per_key(ExternalOrigin, Productivity)
NodeMasses = per_key(ExternalNode, ExternalMass)
SectorWeights = per_sector(SectorWeight, optional=True, missing=0.0)
SectorProjectSizes = per_sector(ProjectSize)
LandCostPath = year_path(LandCostGrowth)
UnitDiscounts = per_unit(Discount)
UnitFractions = per_unit(Fraction)


def _date_in_range(value: dt.date) -> dt.date:
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValueError(f"date {value} is outside {FIRST_DATE.year}-{LAST_DATE.year}")
    return value


#: External partners a park may name (they lie outside the region's totals) and the origin they stand for.
EXTERNAL_PARTNERS: dict[str, str] = {"kunshan": "east_coast", "guangzhou": "east_coast"}
PARK_TYPES = ("产业共建", "产业配套", "功能共建", "资源开发", "飞地经济")

_NO_DATA = "assumption (no data on project flows into the region in the project)"


class Transfer(Section):
    enabled: bool = param(
        True, unit="-", source="issue 3",
        description="Simulate industrial transfer: the project flows and the split of private investment between "
                    "incumbents and projects (K4-K6). false = the growth core alone, all investment at the fitted "
                    "rate (the calibration's history); no_transfer.yaml keeps the split without projects.")
    project_investment_share: float = param(
        0.2, unit="1", symbol=r"\phi", ge=0.0, le=0.9,
        source="range 0.10-0.50 (docs/model.md 7.7): lower bound, 川南 signed 19.6% of 四川行 2017 (1,110亿) "
               "x ~20% realised [evidence.md §2]; upper bound, 到位 国内省外资金 of Sichuan (~9万亿 2012-2021, "
               "川南 ~18-19%, 二产 ~54% [stored pages]) which overstates fixed investment; 0.2: assumption",
        description="Share of external projects in the private investment of the transfer sectors, 2015-2021 (K4): "
                    "the fitted investment rate includes them; calibrates the base-year project flow (T2).")
    crowding_out: Fraction = param(
        0.0, unit="1", symbol="c",
        source="鞠士伟、刘超 2012 (重庆工商大学学报): FDI crowded domestic investment in, or was neutral, in western "
               "China 2005-2010, so 0 (the bound of [0, 1]); batches may sample up to 0.5 (assumption)",
        description="Incumbent investment displaced per yuan of realised external project spending in the unit (K5).")
    arrival_rate: dict[ExternalOrigin, ArrivalRate] | None = param(
        None, unit="projects/yr", symbol=r"\lambda_o",
        source="default None = calibrated so that the base-year expected realised flow is phi s Y (T2); a "
               "mapping overrides it, origins left out get 0 (zeros: no external projects, no_transfer.yaml)",
        description="Projects per year from each origin that consider the region (incl. those that go "
                    "elsewhere), at base-year push (T2).")
    origin_share: OriginShares = param(
        {"chengdu": 0.25, "chongqing_core": 0.25, "east_coast": 0.45, "abroad": 0.05}, unit="1", symbol=r"\pi_o",
        source="Sichuan 到位 省外资金 by source: 东部 ~60-70%, 西部 incl. 重庆 ~28% (2009, 2012 [stored pages]); "
               "FDI small inland (Ang 2018 [evidence.md §2]; Sichuan 2021 FDI 33.6亿美元); 成都 and 重庆主城 are "
               "intra-provincial sources missing from those statistics: the split is an assumption",
        description="Shares of the signed project value by origin, for the calibrated arrival rates (T2).")
    start_probability: OpenFraction = param(
        0.6, unit="1", symbol="p",
        source="开工 rates of signed projects: Chongqing 2021 54%, Sichuan 2014 key projects 67% [evidence.md §2]; "
               "西博会 2012 95% [stored pages]; 0.6 inside the 0.54-0.67 of evidence.md",
        description="Probability that a signed project is carried out (开工) (T3).")
    realised_share: OpenFraction = param(
        0.4, unit="1", symbol=r"\kappa",
        source="p x kappa = 0.24 realised per signed yuan, against 到位 ~20-21% of signed value (Chongqing 2021, "
               "Sichuan 2014) [evidence.md §2] and 55% (西博会 2012) [stored pages]: assumption within that range",
        description="Realised investment of a project carried out, as a share of its signed value (T3).")
    max_size: ProjectSize = param(
        1000.0, unit="亿元 (2021 prices)", source="assumption (the largest single signings are a few 100亿)",
        description="Largest signed project size (T3).")
    productivity: OriginProductivity = param(
        {"chengdu": 1.05, "chongqing_core": 1.05, "east_coast": 1.1, "abroad": 1.15}, unit="1", symbol=r"\theta_o",
        source="range 1.0-1.2: zone firms ~6.5% more productive (Chen, Lu, Timmins & Xiang 2019), zone gains "
               "through entry of productive firms (Lu, Wang & Zhu 2019) [evidence.md §1]; by origin: assumption",
        description="TFP of a project relative to its host's incumbents, by origin (J1); relocations keep theirs.")
    local_purchase_share: Fraction = param(
        0.3, unit="1", symbol=r"\ell", source="assumption (range 0.15-0.5; no published local-sourcing rate for "
                                               "the region)",
        description="Share of projects' intermediate inputs bought from suppliers in the region (IO2).")
    transfer_sectors: list[CodeRef] = param(
        [*INDUSTRY, "producer_services"], unit="sector codes",
        source="plan §三-(十): 承接 industry clusters and 总部/研发 functions (assumption: these sectors)",
        description="Sectors that transferring projects belong to.", min_length=1, max_length=100)
    sector_weights: SectorWeights = param(
        None, unit="1", source="default None = base-year regional VA of transfer_sectors (assumption)",
        description="Sector mix of every origin's arrivals when arrival_rate is given (normalised; sectors left "
                    "out weigh 0).")
    wage_push_elasticity: float = param(
        1.0, unit="1", symbol=r"\phi_w", ge=0.0, le=10.0,
        source="mechanisms-research §6.2 step 4 (Li, Mau & Xu 2023 direction; value assumption)",
        description="Elasticity of arrivals to the origin wage index relative to the national index (T1).")
    land_push_elasticity: float = param(
        0.5, unit="1", symbol=r"\phi_L", ge=0.0, le=10.0,
        source="mechanisms-research §6.2 step 4 (coastal land-price evidence; value assumption)",
        description="Elasticity of arrivals to the origin land-cost index (T1).")
    origin_land_cost_growth: LandCostPath = param(
        0.02, unit="1/yr", symbol=r"g_\Lambda", source="assumption (land costs rising in the cores and coast)",
        description="Growth of industrial land costs at the origins relative to the region (T1).")
    mean_size: SectorProjectSizes = param(
        7.55, unit="亿元 (2021 prices)", symbol="m_s",
        source="四川行 2017: 750 contracts, 5663亿, mean 7.55亿 [evidence.md §2]; same for every sector: assumption",
        description="Mean signed project investment by sector (T3).")
    size_log_sd: float = param(
        1.4, unit="log points", symbol=r"\sigma_I", ge=0.0, le=5.0,
        source="fitted to 四川行 2017: mean 7.55亿 and 69% of value in >=10亿 projects; gives 38% in >=30亿 "
               "(published 36%) [evidence.md §2]",
        description="Standard deviation of log signed size (T3).")
    land_intensity: float = param(
        0.03, unit="亿元 per 亩", source="assumption (300万元/亩, an order of magnitude of industrial-land "
        "investment-intensity floors [K])", description="Investment per 亩 of park land; land need = I / intensity.",
        ge=0.001, le=10.0)
    located_share: OriginOpenShares = param(
        {"chengdu": 0.5, "chongqing_core": 0.5, "east_coast": 0.3, "abroad": 0.2}, unit="1",
        source="assumption (nearer origins locate more often); calibrates the outside option (T6)",
        description="Base-year probability that a project from the origin locates in the region.")
    nest_parameter: float = param(0.7, unit="1", symbol=r"\mu", ge=0.05, le=1.0,
                                  source="mechanisms-research §6.4 nest_mu 0.7 (assumption)",
                                  description="Nest (dissimilarity) parameter of the region nest (T6).")
    beta_cluster: float = param(1.0, unit="1", symbol="b_{cl}", ge=0.0, le=5.0,
                                source="assumption (1 = arrivals proportional to sector size, the Poisson/CLM "
                                       "neutral benchmark, mechanisms-research §2.1)",
                                description="Weight of ln sector value added (agglomeration) (T4).")
    beta_wage: float = param(-1.0, unit="1", symbol="b_w", ge=-10.0, le=0.0,
                             source="assumption (sign: mechanisms-research §6.2 step 5, beta_w < 0)",
                             description="Weight of ln relative wage (T4).")
    beta_land: float = param(0.5, unit="1", symbol="b_L", ge=0.0, le=10.0,
                             source="assumption (land a small cost share: modest effect, mechanisms-research §6.2)",
                             description="Weight of -ln(1 - land discount) (T4).")
    beta_rebate: float = param(1.0, unit="1 per unit rebate", symbol=r"b_\rho", ge=0.0, le=10.0,
                               source="assumption", description="Weight of the tax rebate rate (T4).")
    beta_service: float = param(0.5, unit="1", symbol="b_q", ge=0.0, le=10.0, source="assumption",
                                description="Weight of service quality (T4).")
    beta_access: float = param(0.5, unit="1", symbol="b_{MA}", ge=0.0, le=10.0,
                               source="assumption (sign: mechanisms-research §6.2 step 5, beta_MA > 0)",
                               description="Weight of ln market access (T4).")
    beta_origin_time: float = param(0.3, unit="1/hour", symbol="b_T", ge=0.0, le=10.0, source="assumption",
                                    description="Utility cost per hour of travel from the origin (T4).")
    beta_park: float = param(0.5, unit="1", symbol="b_{park}", ge=0.0, le=10.0,
                             source="assumption (serviced land and joint platform)",
                             description="Utility of locating in a co-built park that targets the sector (T5).")
    beta_partner: float = param(0.5, unit="1", symbol="b_{partner}", ge=0.0, le=10.0, source="assumption",
                                description="Extra utility of a park for projects from its partner (T5).")
    construction_years: int = param(1, unit="yr", symbol="B", ge=1, le=5,
                                    source="mechanisms-research §6.2 step 6: 1-2 years (assumption)",
                                    description="Years of construction after the signing year (T7).")
    ramp_up_shares: list[Fraction] = param(
        [0.3, 0.7], unit="1", symbol="r", source="mechanisms-research §6.2 step 6: 30%, 70%, then 达产 (assumption)",
        description="Capacity shares in the ramp-up years after construction (T7).", max_length=20)
    closure_rate: Fraction = param(0.02, unit="1/yr", symbol="f", source="assumption (research §6.2 suggests ~3%)",
                                   description="Yearly closure hazard of operating projects (T7).")
    relocation_rate: Fraction = param(0.01, unit="1/yr", symbol="h_0", source="assumption (UrbanSim ERM pattern)",
                                      description="Base-year relocation hazard of operating projects (T7).")
    relocation_sensitivity: float = param(1.0, unit="1", symbol=r"\eta_h", ge=0.0, le=10.0, source="assumption",
                                          description="Response of the relocation hazard to the utility gap (T7).")
    referral_probability: Fraction = param(
        0.1, unit="1", source="assumption (项目异地流转 practice, mechanisms-research §1.2(d))",
        description="Probability that another unit negotiated a located project first (首谈地).")
    government_led_share: OriginShares = param(
        {"chengdu": 0.2, "chongqing_core": 0.2, "east_coast": 0.1, "abroad": 0.0}, unit="1",
        source="assumption (京津冀 rule distinguishes government-led relocation, mechanisms-research §1.2(a))",
        description="Share of projects whose move the origin government leads.")

    @model_validator(mode="after")
    def _ramp_increasing(self) -> "Transfer":
        shares = list(self.ramp_up_shares)
        if any(b < a for a, b in zip(shares, shares[1:])):
            raise ValueError("ramp_up_shares must not decrease")
        return self


class Park(Section):
    id: Code = param(..., unit="-", source="scenario", description="Park id (referenced by the sharing section).")
    name_zh: str = param("", unit="-", source="plan §十/§十四", description="Chinese name.", max_length=200)
    type: Literal[PARK_TYPES] = param(
        "产业共建", unit="-", source="成渝 产业合作示范园区 types [S, mechanisms-research §1.5]",
        description="Co-building type.")
    host: CodeRef = param(..., unit="unit code", source="scenario (see the park's comment)",
                      description="Unit whose land the park occupies (official statistics book it there).")
    partners: list[CodeRef] = param(
        ..., unit="unit codes or kunshan/guangzhou", source="plan §十/§十四",
        description="Partner units, or external partners outside the region's totals.", max_length=100)
    start_year: int = param(2023, unit="year", ge=1900, le=2200,
                            source="assumption: the plan's issue year (2023-03-02)",
                            description="First year the park takes projects.")
    land_capacity: float = param(3000.0, unit="亩", source="assumption (no park land data)",
                                 description="Industrial land available to projects.", ge=0.0, le=1e6)
    target_sectors: list[CodeRef] = param(..., unit="sector codes", source="plan §三 clusters by unit (see comment)",
                                          description="Sectors the park admits.", max_length=100)


class Programme(Section):
    name: str = param(..., unit="-", source="scenario", description="Authorised programme (law / State Council).",
                      max_length=200)
    units: list[CodeRef] = param(..., unit="unit codes", source="scenario", description="Units it covers.",
                                 max_length=100)
    until_year: int = param(2030, unit="year", ge=1900, le=2200, source="scenario",
                            description="Last year the programme allows rebates.")


class Incentives(Section):
    mode: Literal["fixed", "adaptive"] = param(
        "fixed", unit="-", source="issue 3", description="Packages fixed by the scenario or set by city agents (T9).")
    land_discount: UnitDiscounts = param(
        0.2, unit="1", symbol="d_c", source="assumption (零地价 to partial discounts, mechanisms-research §1.4)",
        description="Share of the industrial land price waived, per unit or for all.")
    tax_rebate: UnitFractions = param(
        0.2, unit="1", symbol=r"\rho_c", source="assumption (先征后返, mechanisms-research §1.4)",
        description="Share of new projects' local taxes rebated, per unit or for all.")
    service_quality: UnitFractions = param(
        0.5, unit="1", symbol="q_c", source="assumption", description="Service quality index, per unit or for all.")
    regime_date: dt.date = param(
        dt.date(2024, 8, 1), unit="date", source="公平竞争审查条例 in force 2024-08-01 [S, mechanisms-research §1.4]",
        description="Fair-competition review; a mid-year date applies from the next annual step (T8).")
    max_land_discount: tuple[Fraction, Fraction] = param(
        (0.6, 0.3), unit="1", source="mechanisms-research §6.4 (pre 0.6; post value assumption)",
        description="Highest land discount before / under the regime (T8).")
    max_tax_rebate: tuple[Fraction, Fraction] = param(
        (0.5, 0.0), unit="1", source="mechanisms-research §6.4 (post 0: selective rebates banned)",
        description="Highest rebate before / under the regime (T8).")
    disguised_share: Fraction = param(
        0.3, unit="1", source="经济日报 2025-12: disguised forms persist [S]; value mechanisms-research §6.4 [A]",
        description="Share of a removed rebate that survives as service perks (T8).")
    adjustment: float = param(0.5, unit="1 per unit growth gap", symbol=r"\eta_I", ge=0.0, le=20.0,
                              source="assumption (as F8)", description="Adaptive package change per growth gap (T9).")
    authorised_programmes: list[Programme] = param(
        [], unit="-", source="scenario", description="Programmes that keep rebates legal after the regime date.")

    @field_validator("regime_date")
    @classmethod
    def _regime_date_in_range(cls, value: dt.date) -> dt.date:
        return _date_in_range(value)


class InfrastructureEvent(Section):
    name: str = param(..., unit="-", source="mechanisms-research §5", description="Event name.", max_length=200)
    date: dt.date = param(..., unit="date", source="mechanisms-research §5", description="Opening date.")
    pairs: list[tuple[CodeRef, CodeRef, Hours]] = param(
        ..., unit="[node, node, hours]", source="mechanisms-research §5 (see each event's comment)",
        description="New travel times between node pairs.", max_length=1000)
    probability: Fraction = param(1.0, unit="1", source="scenario", description="Probability the event happens on time.")

    @field_validator("date")
    @classmethod
    def _event_date_in_range(cls, value: dt.date) -> dt.date:
        return _date_in_range(value)


def _default_events() -> list[InfrastructureEvent]:
    return [InfrastructureEvent(**event) for event in [
        {"name": "内自泸高铁", "date": dt.date(2021, 6, 28),
         "pairs": [("neijiang", "zigong", 0.4), ("zigong", "luzhou", 0.45)]},
        {"name": "成宜高铁", "date": dt.date(2023, 12, 26),
         "pairs": [("chengdu", "zigong", 0.85), ("chengdu", "yibin", 1.22), ("zigong", "yibin", 0.4)]},
        {"name": "渝昆高铁 重庆西-宜宾东", "date": dt.date(2024, 9, 29),
         "pairs": [("chongqing_core", "luzhou", 0.43), ("chongqing_core", "yibin", 0.8), ("jiangjin", "yongchuan", 0.2)]},
        {"name": "成渝中线高铁", "date": dt.date(2027, 11, 30), "probability": 0.8,
         "pairs": [("chengdu", "chongqing_core", 0.83), ("tongliang", "chongqing_core", 0.3), ("dazu", "chengdu", 0.6)]},
    ]]


class Infrastructure(Section):
    travel_times_file: str | None = param(
        None, unit="path", source="default: calibration/travel_times_2021.csv (basis flagged per cell)",
        description="Base-year travel-time table (relative to the scenario file).", min_length=1, max_length=1000)
    access_decay: float = param(1.0, unit="1/hour", symbol="a", ge=0.01, le=10.0, source="assumption",
                                description="Decay of market access with travel time (T11).")
    external_mass: NodeMasses = param(
        {"chengdu": 19917.0, "chongqing_core": 10000.0, "east_coast": 0.0}, unit="亿元 (2021 prices)",
        source="成都 2021 GDP 1.99万亿 [K]; 重庆主城 core mass: assumption; east coast 0: beyond a day's travel "
               "its weight is negligible (assumption)",
        description="Economic mass of the external nodes in market access (T11), grown at national real growth.")
    events: list[InfrastructureEvent] = param(
        _default_events(), unit="-", source="mechanisms-research §5 and §6.4 (pairs not in the sources: assumption)",
        description="Dated travel-time events (T10).", max_length=1000)
