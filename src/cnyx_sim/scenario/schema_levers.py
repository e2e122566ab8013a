"""Scenario sections of the plan's other levers (issue 10): ``market_access``, ``public_services``, ``ecology``
and ``opening``. Equations: ``cnyx_sim.mechanisms.market_access`` (M1-M4), ``.public_services`` (PS1-PS2),
``.ecology`` (E1-E6) and ``.opening`` (O1-O3); docs/model.md 7.13-7.16.

Each section has an ``enabled`` switch (the channel's YAML switch; ``cnyx_sim.channels`` maps the channel to
the section's key paths). Defaults are neutral where the value depends on the region (no riverside sites, no
compensation pairs, no gateways, no pull): ``scenarios/baseline.yaml`` writes the region's values with their
sources, and the variant scenarios the levers.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, field_validator

from cnyx_sim.scenario.schema_transfer import _date_in_range
from cnyx_sim.scenario.types import Fraction, Section, by_sector, param, per_sector, per_unit, year_path

Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
CodeRef = Annotated[str, Field(min_length=1, max_length=60)]
#: Plausibility bounds (docs/model.md parameter table).
Utils = Annotated[float, Field(ge=0.0, le=0.5)]  # a destination constant shift; 0.5 utils = +65 % inflow
StripWidth = Annotated[float, Field(ge=0.0, le=20.0)]  # km of shoreline strip
IntensityDecline = Annotated[float, Field(ge=-0.2, le=0.3)]  # 1/yr
EnergyIntensity = Annotated[float, Field(ge=0.0, le=50.0)]  # tce per 万元 (China's 2020 mean about 0.5)
FreightCut = Annotated[float, Field(ge=0.0, le=0.9)]  # share of a trade cost: 1 would be free trade
CompensationAmount = Annotated[float, Field(ge=0.0, le=100.0)]  # 亿元 per year and pair

#: A year path of shares (0-1), of utils, of strip widths, of intensity declines.
FractionPath = year_path(Fraction)
UtilsPath = year_path(Utils)
StripWidthPath = year_path(StripWidth)
DeclinePath = year_path(IntensityDecline)
SectorEnergyIntensity = per_sector(EnergyIntensity)
SectorFractionsZero = per_sector(Fraction, missing=0.0)
#: Per unit, units a mapping leaves out take 0 (the default names no unit).
UnitFractionsZero = per_unit(Fraction, missing=0.0)
UnitFractions = per_unit(Fraction)

_NATIONAL_MEAN = ("China used 4.98 billion t of standard coal equivalent in 2020 (NBS via thecoalhub.com) for about "
                  "101.6万亿元 of GDP [K]: 0.49 tce per 万元 on average")


class MarketAccess(Section):
    enabled: bool = param(
        True, unit="-", source="issue 10 item 4",
        description="Market access raises productivity (M4); false leaves production as in (P1)-(P2) (the index "
                    "is still computed and recorded).")
    output_elasticity: float = param(
        0.06, unit="1", symbol=r"\eta_{MA}", ge=0.0, le=0.5,
        source="Zou, Chen & Xiong (2021): real-income elasticity to market access 0.12 (evidence.md §3), times "
               "(1 - alpha) = 0.5 for industry because (K2) adds the capital that follows a TFP gain (long run "
               "1/(1 - alpha)); range 0.05 (output elasticity 0.1 x 0.5) to 0.12 (the published figure read as "
               "pure TFP)",
        description="Elasticity of productivity to the market-access index (M4).")
    border_cost: float = param(
        0.5, unit="log points", symbol="b_B", ge=0.0, le=5.0,
        source="Li, Huang & Xia (2022, Applied Economics): the Southwest's internal trade 'border' cuts trade by "
               "40-47% (1992-2017): -ln(1 - 0.4) = 0.51; its use for the Sichuan-Chongqing line is an "
               "assumption (range 0.2-0.65)",
        description="Trade-cost weight of crossing the Sichuan-Chongqing line in market access (M1).")
    border_cost_removed: FractionPath = param(
        0.0, unit="1", symbol="r_t",
        source="plan §二十四 (市场准入异地同标, 打破壁垒); the size is a scenario assumption: Li, Huang & Xia (2022) "
               "find such borders arise from fundamentals more than administrative barriers, so integration "
               "removes a small share (range 0-0.3)",
        description="Share of the border cost removed by market integration (M1); 0 = the 2021 state.")
    foreign_market_share: UnitFractions = param(
        0.05, unit="1", symbol="w_c",
        source="assumption: exports / GDP of Sichuan and Chongqing in 2021 were about 0.1 and 0.18 [K], most of it "
               "from Chengdu and central Chongqing; the region's units about 0.05 (range 0.02-0.1)",
        description="Share of a unit's sales that go to foreign markets, the weight of foreign access in (M3).")


class PublicServices(Section):
    enabled: bool = param(
        True, unit="-", source="issue 10 item 5",
        description="Apply the public-service levers to migration (PS1)-(PS2); false keeps (N2)-(N3) as calibrated.")
    border_friction_removed: FractionPath = param(
        0.0, unit="1", symbol=r"\rho_t",
        source="plan §二十二 (社会保险关系无障碍转移接续, 医保关系转移接续, 住房公积金互认互贷) and §二十五 (基本公共服务制度衔接); "
               "size: Su, Tesfazion & Zhao (2017) trace the provincial border effect to culture, institutional "
               "barriers and dialect, so portable services remove at most the institutional part (assumption: at "
               "most about 1/3)",
        description="Share of the Sichuan-Chongqing migration border penalty removed (PS1); 0 = the 2021 state.")
    region_pull: UtilsPath = param(
        0.0, unit="utils", symbol=r"\pi_t",
        source="An & Yan (2024): hukou reform raised a city's migrants by 1.5% (DiD, CFPS; evidence.md §8), "
               "ln(1.015) = 0.015 utils; scenario value (evidence.md §8: lever sizes of a few per cent)",
        description="Utility added to every unit of the region as a migration destination (PS2).")


class CompensationPair(Section):
    id: Code = param(..., unit="-", source="scenario", description="Pair id.")
    river: str = param("", unit="-", source="scenario", description="River and boundary section.", max_length=200)
    upstream: CodeRef = param(..., unit="unit code", source="scenario", description="Upstream (protecting) unit.")
    downstream: CodeRef = param(..., unit="unit code", source="scenario", description="Downstream (benefiting) unit.")
    amount: CompensationAmount = param(
        0.12, unit="亿元/yr (current prices)",
        source="重庆 2018 流域横向生态补偿 scheme: 100万元 a month, downstream to upstream when the boundary section "
               "meets its target and improves, upstream to downstream otherwise (Xinhua 2020-07-14)",
        description="Yearly amount at stake (E5).")
    target_met_probability: Fraction = param(
        0.7, unit="1", source="assumption (永川 received 878.3万元 of a possible 1200万元 from 江津 in 2019, "
                             "Xinhua 2020-07-14)",
        description="Probability that the boundary section meets its target in a month (E5).")
    start_year: int | None = param(None, unit="year", ge=1900, le=2200,
                                   source="scenario (default: the first simulated year)",
                                   description="First year the pair's agreement is in force.")
    end_year: int | None = param(None, unit="year", ge=1900, le=2200, source="scenario (default: open-ended)",
                                 description="Last year the pair's agreement is in force.")


class Ecology(Section):
    enabled: bool = param(
        True, unit="-", source="issue 10 item 6",
        description="Apply the siting rule (E3)-(E4) and compensation (E5)-(E6); energy and CO2 (E1)-(E2) are "
                    "recorded either way.")
    energy_intensity: SectorEnergyIntensity = param(
        by_sector(0.12, 0.15, 0.13, 0.15, 0.10) | {"food_beverage": 0.25, "electronics": 0.10,
                                                    "materials_chemicals": 2.5, "energy_resources": 2.0},
        unit="万吨标准煤 per 亿元 (2021 prices) = tce per 万元", symbol="e_s",
        source=_NATIONAL_MEAN + "; sector multiples of that mean from the national energy balance's shares "
               "(industry about 2/3 of energy use for 1/3 of GDP; chemicals, building materials, metals and power "
               "several times the industry mean) [K]: assumption",
        description="Energy use per unit of real value added in the base year (E1).")
    energy_intensity_decline: DeclinePath = param(
        0.029, unit="1/yr", symbol="d_t",
        source="the 14th Five-Year Plan's target of -13.5% energy intensity 2021-2025 [K]: (1 - 0.135)^(1/5); "
               "assumption that it holds to 2035",
        description="Yearly decline of every sector's energy intensity (E1).")
    co2_per_energy: float = param(
        2.0, unit="t CO2 per tce", symbol="k", ge=0.0, le=3.5,
        source="about 10 Gt of energy CO2 over 4.98 Gtce in 2020 [K] (coal alone 2.66): assumption",
        description="CO2 per unit of energy in the base year (E2).")
    co2_intensity_decline: DeclinePath = param(
        0.011, unit="1/yr", symbol="g_t",
        source="the 14th Five-Year Plan's -18% CO2 intensity target over its -13.5% energy target [K]: "
               "(0.82 / 0.865)^(1/5); assumption that it holds to 2035",
        description="Yearly decline of CO2 per unit of energy (E2).")
    chemical_share: SectorFractionsZero = param(
        {"materials_chemicals": 0.5}, unit="1", symbol=r"\chi_s",
        source="assumption: the materials_chemicals sector mixes chemicals (盐化, 氟化工, 锂电材料) with other "
               "materials; half its projects are chemical projects",
        description="Share of a sector's new projects that are chemical projects (化工项目), sectors left out 0 (E3).")
    riverside_share: UnitFractionsZero = param(
        0.0, unit="1", symbol="r_c",
        source="assumption per unit (no site data; scenarios/baseline.yaml gives the values and their basis)",
        description="Share of a unit's industrial sites within 1 km of the Yangtze or a main tributary (E3).")
    siting_rule_date: dt.date = param(
        dt.date(2021, 3, 1), unit="date",
        source="长江保护法 第二十六条, in force 2021-03-01: no new or expanded chemical parks or projects within 1 km "
               "of the shoreline of the Yangtze's main stem and tributaries",
        description="Date the siting rule takes effect: it binds from that year when dated by 30 June, else from the "
                    "next year (E3).")
    strip_width: StripWidthPath = param(
        1.0, unit="km", symbol="x_t", source="长江保护法 第二十六条: 1 km",
        description="Width of the restricted shoreline strip; a unit's restricted share is min(1, r_c x_t) (E3).")
    compensation: list[CompensationPair] = param(
        [], unit="-", source="plan §十八 (跨区域横向生态保护补偿机制); pairs in scenarios/baseline.yaml",
        description="Upstream-downstream compensation pairs (E5)-(E6).", max_length=1000)

    @field_validator("siting_rule_date")
    @classmethod
    def _rule_date_in_range(cls, value: dt.date) -> dt.date:
        return _date_in_range(value)


class Gateway(Section):
    name: str = param(..., unit="-", source="scenario", description="Gateway name.", max_length=200)
    kind: Literal["port", "corridor", "bonded_zone"] = param(
        ..., unit="-", source="plan §十一, §十七", description="Port, corridor, or bonded zone / bonded logistics centre.")
    date: dt.date = param(..., unit="date", source="scenario",
                          description="Date it takes effect (a mid-year date from the next annual step).")
    units: list[CodeRef] = param(..., unit="unit codes", source="scenario", description="Units it serves.",
                                 min_length=1, max_length=100)
    freight_cut: FreightCut = param(
        0.0, unit="1", symbol=r"\kappa_k", source="scenario (see each gateway's comment)",
        description="Share of the trade cost to foreign markets it cuts for the units served (O1).")

    @field_validator("date")
    @classmethod
    def _gateway_date_in_range(cls, value: dt.date) -> dt.date:
        return _date_in_range(value)


class Opening(Section):
    enabled: bool = param(True, unit="-", source="issue 10 item 7",
                          description="Apply the gateways (O1)-(O3); false leaves foreign access at its base.")
    trade_elasticity: float = param(
        4.0, unit="1", symbol=r"\theta", ge=1.0, le=12.0,
        source="Tombe & Zhu (2019) use about 4, Eaton & Kortum about 8 (mechanisms-research.md §3, [K]): assumption",
        description="Trade elasticity: foreign access rises by (1 - kappa)^(-theta) (O1).")
    bonded_zone_utility: float = param(
        0.5, unit="1", symbol="b_{BZ}", ge=0.0, le=10.0,
        source="assumption (as b_park: serviced platform and customs regime); zone effects are largest near "
               "seaports (Chen, Lu, Timmins & Xiang 2019, evidence.md §1)",
        description="Location utility of a new bonded zone for projects from abroad (O3).")
    gateways: list[Gateway] = param(
        [], unit="-", source="plan §十一, §十七 (scenarios/open_corridors.yaml)",
        description="Dated gateways after the base year (O1)-(O3).", max_length=1000)
