"""The scenario contract: pydantic models for YAML scenario files.

Every parameter carries a unit, a description and a source (or the word "assumption") in its field
metadata; docs/model.md's parameter table is generated from here (``cnyx_sim.scenario.docs``).

Value forms
-----------
- *Year path*: a number (constant) or a mapping ``{year: value}``, a step function: each value holds from
  its year until the next key. The first key must be the first simulated year (start + 1); keys after the
  end year are ignored, so a short scenario can extend a long one.
- *Per-sector values*: a number (all sectors) or a mapping ``{sector_code: value}`` that overrides the
  defaults sector by sector.
- *Per-unit values*: a number (all units) or a mapping ``{unit_code: value}`` that overrides the default
  unit by unit (``production.tfp_initial_growth`` and ``fiscal.province_take`` must name every code).
- *Per-origin / per-node / per-tax values*: a mapping that overrides the defaults key by key.

Every number is finite and lies in the range the parameter table shows (plausibility bounds; NaN and
infinities are refused everywhere). Typed fields (``scenario.types``) resolve these forms against the
calibration data during validation; ``scenario.load`` runs the three steps (parse, validate, build).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from cnyx_sim.scenario.schema_channels import Competition, Relocation
from cnyx_sim.scenario.schema_levers import Ecology, MarketAccess, Opening, PublicServices
from cnyx_sim.scenario.schema_parks import ParkDevelopment
from cnyx_sim.scenario.schema_sharing import Budget, Sharing, Statistics
from cnyx_sim.scenario.schema_transfer import Incentives, Infrastructure, Park, Transfer
from cnyx_sim.scenario.types import (
    INDUSTRY,
    Fraction,
    GrowthRate,
    Section,
    YearKey,
    by_sector,
    param,
    per_key,
    per_province,
    per_sector,
    per_unit_sector,
    year_path,
)

__all__ = ["INDUSTRY", "PARAMETER_SECTIONS", "Fraction", "GrowthPath", "Scenario", "Section", "param"]


#: Plausibility bounds of this module's parameters (docs/model.md, parameter table).
MacroGrowth = Annotated[float, Field(ge=-0.2, le=0.3)]  # 1/yr: China's real growth 1978-2021 lay in -0.02..0.15
Inflation = Annotated[float, Field(ge=-0.1, le=0.3)]  # 1/yr
NaturalGrowth = Annotated[float, Field(ge=-0.05, le=0.05)]  # 1/yr: births minus deaths per resident
TfpGrowth = Annotated[float, Field(ge=-0.2, le=0.3)]  # 1/yr
CapitalOutputRatio = Annotated[float, Field(ge=0.1, le=20.0)]  # yr
LabourIntensity = Annotated[float, Field(ge=0.05, le=20.0)]  # relative to the average
WagePremium = Annotated[float, Field(ge=0.1, le=10.0)]  # relative to the region's mean wage

CapitalShare = Annotated[float, Field(ge=0.05, le=0.95)]  # alpha_s: labour's share 1 - alpha stays >= 5 %

#: Typed fields (``scenario.types``), resolved against the calibration during validation.
GrowthPath = year_path(GrowthRate)
MacroGrowthPath = year_path(MacroGrowth)
OptionalMacroGrowthPath = year_path(MacroGrowth, optional=True)
InflationPath = year_path(Inflation, optional=True)
NaturalGrowthPath = year_path(NaturalGrowth)
SectorFractions = per_sector(Fraction)
SectorCapitalShares = per_sector(CapitalShare)
#: Per sector (number or {sector or group: value}), or per unit {unit: per-sector value} naming every unit.
UnitOrSectorCapitalOutput = per_sector(CapitalOutputRatio, by_unit=True)
SectorLabourIntensity = per_sector(LabourIntensity)
#: {unit: rate or {sector group or sector: rate}} naming every unit (groups: agriculture, industry, ...).
UnitSectorTfpGrowth = per_unit_sector(TfpGrowth, optional=True)
ProvinceFractions = per_province(Fraction)
NodeWagePremium = per_key(Literal["chengdu", "chongqing_core", "east_coast"], WagePremium)
TaxFractions = per_key(Literal["vat", "cit", "pit", "property"], Fraction)


class Years(Section):
    start: int = param(2021, unit="year", source="calibration/base_year_2021.csv (base year)",
                       description="Base year; must equal the base-year data year.", ge=1900, le=2200)
    end: int = param(2035, unit="year", source="plan: 2025 and 2035 targets",
                     description="Last simulated year.", ge=1900, le=2200)

    @model_validator(mode="after")
    def _end_after_start(self) -> "Years":
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        if self.end - self.start > 100:
            raise ValueError("at most 100 simulated years")
        return self


class Macro(Section):
    deflator_growth: InflationPath = param(
        None, unit="1/yr", symbol=r"\pi_t",
        source="default None = mean CPI change 2015-2021 of Sichuan and Chongqing (calibration/base_year_2021.csv, "
               "cpi_inflation_mean_2015_2021, CSMAR CRE_Pi01); a forecast from data up to 2021 only",
        description="Growth of the regional GDP deflator (nominal = deflator x real).")
    national_real_growth: MacroGrowthPath = param(
        {2022: 0.055, 2026: 0.045, 2031: 0.04}, unit="1/yr",
        source="assumption (a slowing national trend; reference path for the 2035 growth-pole target)",
        description="National real GDP growth; the comparator of the growth-pole target and the default "
                    "growth of real wages at the cores and the coast.")
    deflator_shock_sd: float = param(
        0.0, unit="1/yr", symbol=r"\sigma_\pi", ge=0.0, le=0.2,
        source="default 0 (no price uncertainty); calibration/fitted_<cutoff>.yaml sets the sd of yearly CPI "
               "change of Sichuan and Chongqing up to the cutoff (cnyx-sim calibrate)",
        description="Standard deviation of the yearly common shock to deflator growth (X1).")


class Production(Section):
    capital_share: SectorCapitalShares = param(
        by_sector(0.30, 0.50, 0.30, 0.45, 0.40), unit="1", symbol=r"\alpha_s",
        source="industry 0.5: Bai, Hsieh & Qian (2006), value [K] unverified: assumption (mechanisms-research.md §3); "
               "services 0.40-0.45 and agriculture/construction 0.30: assumption",
        description="Capital share in Cobb-Douglas value added (P1).")
    tfp_long_run_growth: float = param(
        0.01, unit="1/yr", symbol="g_{LR}", ge=-0.05, le=0.1,
        source="Brandt & Zhu / Zhu (2012): about 0.7-1%/yr after 2008 (mechanisms-research.md §3)",
        description="Trend TFP growth the cities converge to (P4).")
    tfp_initial_growth: UnitSectorTfpGrowth = param(
        None, unit="1/yr", symbol="g_{cs,0}",
        source="calibration/fitted_<cutoff>.yaml: estimated by unit and sector group from the 2015-cutoff record "
               "(cnyx-sim calibrate, docs/model.md 5.6); default None = growth-accounting residual (P6)",
        description="Initial trend TFP growth: {unit: rate} or {unit: {group or sector: rate}} naming every unit; "
                    "groups are agriculture, industry, construction, services.")
    tfp_convergence_half_life: float = param(
        8.0, unit="yr", symbol="h", ge=0.5, le=200.0,
        source="assumption (the 2% rule-of-thumb convergence speed gives ~35 yr; 8 yr reflects the faster "
               "post-2012 slowdown; sensitivity range 4-20)",
        description="Half-life of the gap between initial and long-run TFP growth (P4).")
    tfp_shock_sd: float = param(
        0.01, unit="log points", symbol=r"\sigma", ge=0.0, le=0.5,
        source="assumption (the fitted file sets 0: the data identify unit-level, not sector-level, shocks)",
        description="Standard deviation of the yearly city-sector log TFP shock (P3).")
    common_shock_sd: float = param(
        0.0, unit="log points", symbol=r"\sigma_c", ge=0.0, le=0.5,
        source="calibration/fitted_<cutoff>.yaml: estimated from the fit's growth residuals up to the cutoff "
               "(2020-2021 excluded); default 0",
        description="Standard deviation of the yearly region-wide log TFP shock (P3).")
    unit_shock_sd: float = param(
        0.0, unit="log points", symbol=r"\sigma_u", ge=0.0, le=0.5,
        source="calibration/fitted_<cutoff>.yaml: estimated from the fit's growth residuals up to the cutoff "
               "(2020-2021 excluded); default 0",
        description="Standard deviation of the yearly unit-wide log TFP shock (P3).")
    localisation_elasticity: float = param(
        0.02, unit="1", symbol=r"\gamma_l", ge=0.0, le=0.2,
        source="mechanisms-research.md §3: 0.02 (range 0-0.05), assumption",
        description="Elasticity of TFP to own-sector employment relative to 2021 (P2).")
    public_capital_elasticity: float = param(
        0.08, unit="1", symbol=r"\varepsilon_G", ge=0.0, le=0.5,
        source="Bom & Ligthart (2014): 0.083 short run (mechanisms-research.md §3)",
        description="Elasticity of TFP to public capital per resident relative to 2021 (P2).")


class Capital(Section):
    depreciation_rate: float = param(
        0.096, unit="1/yr", symbol=r"\delta", ge=0.0, le=0.5,
        source="Zhang, Wu & Zhang (2004) provincial capital stock; the 9.6% value is [K] unverified, so: assumption "
               "(mechanisms-research.md §3)",
        description="Depreciation of private capital (K3).")
    investment_rate: SectorFractions = param(
        0.40, unit="1", symbol="s_s",
        source="Bai, Hsieh & Qian (2006): gross investment over 40% of GDP (mechanisms-research.md §3)",
        description="Gross private investment / value added at average return (K2).")
    capital_output_ratio: UnitOrSectorCapitalOutput = param(
        by_sector(1.5, 2.5, 1.0, 2.5, 3.0), unit="yr",
        source="assumption; calibration/fitted_<cutoff>.yaml sets each unit's base-year ratio from the fitted "
               "perpetual-inventory backcast (docs/model.md 5.6)",
        description="Base-year capital stock / value added, per sector or {unit: per sector}; builds the initial "
                    "capital stock.")
    return_sensitivity: float = param(
        1.0, unit="1", symbol=r"\chi", ge=0.0, le=50.0, source="assumption",
        description="Tilt of investment toward above-average returns (K2).")


class Labour(Section):
    employment_rate: float = param(
        0.55, unit="1", symbol="e", ge=0.05, le=1.0,
        source="assumption (close to China's employed/resident ratio around 2021 [K])",
        description="Employment / resident population (L1).")
    relative_labour_intensity: SectorLabourIntensity = param(
        by_sector(3.0, 1.0, 1.2, 0.8, 1.2), unit="1", symbol=r"\lambda_s",
        source="assumption (agriculture employs ~3x more workers per unit of VA than the average [K])",
        description="Workers per unit VA relative to the average, for the base-year allocation only.")
    reallocation_speed: float = param(
        0.05, unit="1/yr", symbol=r"\phi", ge=0.0, le=1.0, source="assumption",
        description="Share of the gap to the efficient sector allocation closed each year (L3).")


class Population(Section):
    natural_growth_rate: NaturalGrowthPath = param(
        {2022: 0.0, 2026: -0.002, 2031: -0.004}, unit="1/yr", symbol="n_t",
        source="assumption (births minus deaths turning negative, as in the national trend [K])",
        description="Natural population growth rate (N1).")
    mobile_share: float = param(
        0.04, unit="1/yr", symbol=r"\mu", ge=0.0, le=0.5,
        source="mechanisms-research.md §6.2 step 3: 3-5% (assumption)",
        description="Share of residents who consider moving each year (N2).")
    wage_elasticity: float = param(
        1.5, unit="1", symbol=r"\kappa", ge=0.0, le=20.0,
        source="Tombe & Zhu (2019); the value 1.5 is [K] unverified, so: assumption (mechanisms-research.md §3)",
        description="Migration response to log real-wage differences (N2)-(N3).")
    border_penalty: float = param(
        0.2, unit="utils", symbol="b", ge=0.0, le=10.0,
        source="Su, Tesfazion & Zhao (2017) border effect; value assumption (mechanisms-research.md §6.4)",
        description="Utility cost of crossing the Sichuan-Chongqing (or any provincial) border (N2)-(N3).")
    external_wage_premium: NodeWagePremium = param(
        {"chengdu": 1.3, "chongqing_core": 1.3, "east_coast": 1.6}, unit="1",
        source="assumption (core and coastal wages above the region's)",
        description="Base-year real wage at each external node relative to the region's mean wage.")
    external_real_wage_growth: OptionalMacroGrowthPath = param(
        None, unit="1/yr", source="default None = macro.national_real_growth (assumption)",
        description="Real wage growth at the external nodes (N3).")


class Fiscal(Section):
    vat_rate_effective: SectorFractions = param(
        by_sector(0.0, 0.11, 0.09, 0.06, 0.06), unit="1", symbol="v_s",
        source="mechanisms-research.md §3 effective intensities: manufacturing 0.10-0.12, services 0.05-0.07 "
               "(assumption); agriculture 0: farm produce sold by producers is VAT-exempt ([K] unverified: assumption)",
        description="VAT collected / value added (F1).")
    profit_share: SectorFractions = param(
        0.25, unit="1", symbol=r"\pi_s", source="mechanisms-research.md §3: profit/VA about 0.25 (assumption)",
        description="Taxable profit / value added (F2).")
    cit_standard_rate: Fraction = param(
        0.25, unit="1", symbol=r"\tau_{std}", source="企业所得税法 statutory rate ([K] unverified: assumption)",
        description="Standard corporate income tax rate (F2).")
    western_cit_rate: Fraction = param(
        0.15, unit="1", symbol=r"\tau_W", source="财政部 税务总局 国家发展改革委公告2020年第23号 [S]",
        description="Western-development CIT rate for encouraged industries (F2).")
    western_cit_last_year: int = param(
        2030, unit="year", ge=1900, le=2200, source="公告2020年第23号: 2021-01-01 to 2030-12-31 [S]",
        description="Last year the western CIT rate applies (lever: extend or end early).")
    western_cit_qualifying_share: SectorFractions = param(
        by_sector(0.0, 0.5, 0.0, 0.3, 0.1), unit="1", symbol="q_s", source="assumption",
        description="Share of a sector's profit earned by firms that qualify for the western rate (F2).")
    pit_rate_effective: Fraction = param(
        0.015, unit="1", symbol="t_{pit}", source="mechanisms-research.md §3: PIT/wage bill 0.01-0.02 (assumption)",
        description="Personal income tax / wage bill (F3).")
    property_rate_effective: Fraction = param(
        0.01, unit="1", symbol="t_{prop}", source="assumption",
        description="Property-type taxes (房产税, 城镇土地使用税, ...) / value added (F4).")
    local_share: TaxFractions = param(
        {"vat": 0.5, "cit": 0.4, "pit": 0.4, "property": 1.0}, unit="1", symbol=r"\lambda_x",
        source="国发〔2016〕26号 (VAT 50:50); 国发〔2001〕37号/〔2003〕26号 (CIT, PIT 60:40); property taxes 100% local ([K] unverified: assumption)",
        description="Local (地方) share of each tax by law (F5).")
    province_take: ProvinceFractions = param(
        {"SC": 0.3, "CQ": 0.3}, unit="1", symbol=r"\rho_p",
        source="assumption (sub-provincial sharing ratios not found; mechanisms-research.md §1.1)",
        description="Share of the local part kept by the province / municipality (F6).")
    public_investment_share_initial: Fraction = param(
        0.35, unit="1", symbol="s_G", source="mechanisms-research.md §6.4 (assumption)",
        description="Base-year share of city revenue spent on public investment (F7).")
    public_investment_share_bounds: tuple[Fraction, Fraction] = param(
        (0.1, 0.6), unit="1", source="assumption", description="Bounds of the city agents' share (F8).")
    public_investment_adjustment: float = param(
        0.5, unit="1 per unit growth gap", symbol=r"\eta", ge=0.0, le=20.0, source="assumption",
        description="Change in the public-investment share per unit shortfall of growth (F8).")
    growth_target: GrowthRate = param(
        0.0894, unit="1/yr", symbol="g^*",
        source="plan §(四): 1.42万亿 (2021) to 2万亿 (2025) = (20000/14200)^(1/4) - 1",
        description="Nominal GDP growth the city agents chase (F8).")
    public_capital_depreciation: float = param(
        0.04, unit="1/yr", symbol=r"\delta_G", ge=0.005, le=0.5,
        source="mechanisms-research.md §3: 0.04 (assumption)",
        description="Depreciation of public capital (F7).")

    @field_validator("public_investment_share_bounds")
    @classmethod
    def _bounds_ordered(cls, bounds: tuple[float, float]) -> tuple[float, float]:
        # A field validator (not a model validator) so the error points at the bounds' own line.
        low, high = bounds
        if low > high:
            raise ValueError(f"lower bound {low} exceeds upper bound {high}")
        return bounds

    @model_validator(mode="after")
    def _initial_share_within_bounds(self) -> "Fiscal":
        low, high = self.public_investment_share_bounds
        if not low <= self.public_investment_share_initial <= high:
            raise ValueError("public_investment_share_initial must lie within public_investment_share_bounds")
        return self


class Targets(Section):
    ledger: Literal["official", "credited"] = param(
        "official", unit="-", source="plan targets are on official statistics; credited = after 统计分算",
        description="GDP ledger the targets are scored on.")
    gdp_2025_nominal: float = param(
        20000.0, unit="亿元 (current prices)", source="plan §(四): 地区生产总值达到2万亿元左右",
        description="2025 regional GDP target.", gt=0.0, le=1e6)
    gdp_2025_tolerance: Fraction = param(
        0.05, unit="1", source="assumption: '左右' read as at most 5% below",
        description="Shortfall still counted as 'about' the target.")
    above_scale_premium: GrowthRate = param(
        0.0, unit="1/yr", symbol=r"\Delta_{gs}",
        source="calibration/fitted_<cutoff>.yaml: mean published 规上 growth minus real GDP growth up to the cutoff, "
               "less the fitted model's industry-minus-GDP growth over the same years (docs/model.md 8); default 0",
        description="Premium of same-sample 规模以上工业 growth over the model's industrial VA growth.")
    industry_growth_2021_2025: GrowthRate = param(
        0.10, unit="1/yr", source="plan §(四): 规模以上工业增加值年均增长10%以上",
        description="Minimum average real growth of industrial value added 2021-2025 (proxy: real VA of the "
                    "six industry sectors).")


class CalibrationSection(Section):
    """What ``cnyx-sim calibrate`` wrote (in calibration/fitted_<cutoff>.yaml, which the baseline extends)."""

    cutoff: int | None = param(
        None, unit="year", ge=1900, le=2200, source="cnyx-sim calibrate --cutoff",
        description="Last year of observations the fitted parameters saw (None: not calibrated).")
    provenance: dict[str, Any] | None = param(
        None, unit="-", source="cnyx-sim calibrate",
        description="Data hashes, optimiser status and package version of the fit (informational).")
    posterior_draws: str | None = param(
        None, unit="path", source="cnyx-sim calibrate", min_length=1, max_length=1000,
        description="CSV of posterior draws of the fitted parameters, relative to the file that names it.")
    parameter_uncertainty: bool = param(
        True, unit="-", source="docs/model.md 5.6",
        description="Each run uses one posterior draw (true) or every run the point estimates (false).")


class DataSection(Section):
    calibration_dir: str | None = param(
        None, unit="path", source="default: the project's calibration/ folder",
        description="Folder with regions.csv, sectors.csv and base_year_2021.csv (relative to the scenario file).",
        min_length=1, max_length=1000)


class Scenario(Section):
    """A scenario file. ``extends`` is resolved before validation (see ``scenario.yaml_io``).

    Sections default to an empty mapping (not an instance), so that a section the file leaves out is
    validated like a written one: its typed fields are resolved against the data.
    """

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$", min_length=1, max_length=80,
                      description="Scenario name; also the default results folder name.")
    description: str = Field("", description="What the scenario represents.", max_length=5000)
    seed: int = Field(20230302, ge=0, le=2**63 - 1, description="Scenario seed; run r uses SeedSequence(seed, (r,)).")
    runs: int = Field(1, ge=1, le=1_000_000, description="Number of stochastic runs.")
    years: Years = Field(default_factory=Years)
    data: DataSection = Field(default_factory=dict)
    macro: Macro = Field(default_factory=dict)
    production: Production = Field(default_factory=dict)
    capital: Capital = Field(default_factory=dict)
    labour: Labour = Field(default_factory=dict)
    population: Population = Field(default_factory=dict)
    fiscal: Fiscal = Field(default_factory=dict)
    targets: Targets = Field(default_factory=dict)
    transfer: Transfer = Field(default_factory=dict)
    parks: list[Park] = Field(default_factory=list, description="Co-built parks and enclaves (plan §十, §十四).",
                              max_length=1000)
    incentives: Incentives = Field(default_factory=dict)
    infrastructure: Infrastructure = Field(default_factory=dict)
    sharing: Sharing = Field(default_factory=dict)
    statistics: Statistics = Field(default_factory=dict)
    budget: Budget = Field(default_factory=dict)
    market_access: MarketAccess = Field(default_factory=dict)
    public_services: PublicServices = Field(default_factory=dict)
    ecology: Ecology = Field(default_factory=dict)
    opening: Opening = Field(default_factory=dict)
    park_development: ParkDevelopment = Field(default_factory=dict)
    relocation: Relocation = Field(default_factory=dict)
    competition: Competition = Field(default_factory=dict)
    calibration: CalibrationSection = Field(default_factory=dict)

#: Sections whose fields are model parameters (documented in docs/model.md's table).
PARAMETER_SECTIONS: dict[str, type[Section]] = {
    "macro": Macro,
    "production": Production,
    "capital": Capital,
    "labour": Labour,
    "population": Population,
    "fiscal": Fiscal,
    "targets": Targets,
    "transfer": Transfer,
    "parks": Park,
    "incentives": Incentives,
    "infrastructure": Infrastructure,
    "sharing": Sharing,
    "statistics": Statistics,
    "budget": Budget,
    "market_access": MarketAccess,
    "public_services": PublicServices,
    "ecology": Ecology,
    "opening": Opening,
    "park_development": ParkDevelopment,
    "relocation": Relocation,
    "competition": Competition,
    "calibration": CalibrationSection,
}
