"""Typed, frozen model parameters as the core sees them (resolved to arrays; no YAML here).

The scenario layer (``cnyx_sim.scenario``) validates a YAML scenario and turns it into a
:class:`ModelParams`. Per-sector values are vectors in the model's sector order, year-indexed values are
vectors over the simulated years ``start..end`` (position ``year - start``). Units and sources of every
value are documented once, in the scenario schema (``cnyx_sim/scenario/schema.py``), from which the
parameter table in docs/model.md is generated.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

FloatArray = np.ndarray

#: Tax types of the fiscal block, in array order.
TAXES: tuple[str, ...] = ("vat", "cit", "pit", "property")


@dataclass(frozen=True)
class MacroParams:
    """Exogenous paths. Arrays are ``[year]`` over ``start..end``."""

    deflator_growth: FloatArray
    national_real_growth: FloatArray
    deflator_shock_sd: float = 0.0  # sigma_pi, sd of the yearly common shock to deflator growth (X1)


@dataclass(frozen=True)
class ProductionParams:
    """Cobb-Douglas production with trend TFP (ODD 7.2, equations P1-P4)."""

    capital_share: FloatArray  # [sector] alpha_s
    tfp_long_run_growth: float  # g_LR, 1/yr
    tfp_initial_growth: FloatArray | None  # [city, sector] g_cs,0, 1/yr; None = growth-accounting residual (P6)
    tfp_convergence_half_life: float  # years
    tfp_shock_sd: float  # sigma_e, sd of the city-sector log TFP shock (P3)
    localisation_elasticity: float  # gamma_l
    public_capital_elasticity: float  # epsilon_G
    common_shock_sd: float = 0.0  # sigma_c, sd of the region-wide log TFP shock (P3)
    unit_shock_sd: float = 0.0  # sigma_u, sd of the unit-wide log TFP shock (P3)


@dataclass(frozen=True)
class CapitalParams:
    """Private capital accumulation (ODD 7.3, equations K1-K3)."""

    depreciation_rate: float
    investment_rate: FloatArray  # [sector] s_s, gross investment / value added
    capital_output_ratio: FloatArray  # [sector] or [city, sector] base-year K/Y
    return_sensitivity: float  # chi


@dataclass(frozen=True)
class LabourParams:
    """Employment and its allocation across sectors (ODD 7.4, equations L1-L4)."""

    employment_rate: float  # employed / resident population
    relative_labour_intensity: FloatArray  # [sector], for the initial allocation only
    reallocation_speed: float  # phi, share of the gap closed per year


@dataclass(frozen=True)
class PopulationParams:
    """Natural change and migration (ODD 7.5, equations N1-N5)."""

    natural_growth_rate: FloatArray  # [year]
    mobile_share: float  # mu, share of residents who consider moving each year
    wage_elasticity: float  # kappa
    border_penalty: float  # b, utility cost of crossing the Sichuan-Chongqing border
    external_nodes: tuple[str, ...]
    external_wage_premium: FloatArray  # [external] base-year wage relative to the region's mean
    external_real_wage_growth: FloatArray  # [year]


@dataclass(frozen=True)
class FiscalParams:
    """Taxes by type and level, and the city's public investment (ODD 7.6, equations F1-F7)."""

    vat_rate_effective: FloatArray  # [sector] VAT / value added
    profit_share: FloatArray  # [sector] taxable profit / value added
    cit_standard_rate: float
    western_cit_rate: float
    western_cit_last_year: int
    western_cit_qualifying_share: FloatArray  # [sector]
    pit_rate_effective: float  # PIT / wage bill
    property_rate_effective: float  # property-type taxes / value added
    local_share: FloatArray  # [tax] local (地方) share by law
    province_take: FloatArray  # [province] share of the local part kept by the province/municipality
    public_investment_share_initial: float
    public_investment_share_bounds: tuple[float, float]
    public_investment_adjustment: float  # eta, share change per unit growth gap
    growth_target: float  # g*, nominal GDP growth the cities chase, 1/yr
    public_capital_depreciation: float


@dataclass(frozen=True)
class ParkParams:
    """Co-built parks and enclaves (ODD 7.7, equations T5-T6). Arrays are ``[park]`` unless noted."""

    ids: tuple[str, ...]
    names_zh: tuple[str, ...]
    kinds: tuple[str, ...]  # 产业共建 / 产业配套 / 飞地经济 / ...
    host: np.ndarray  # [park] int, position of the host unit
    partners: tuple[tuple[str, ...], ...]  # unit codes or external partners (kunshan, guangzhou)
    partner_origin: np.ndarray  # [park, origin] bool: the park's partner is (in) this origin
    partner_unit: np.ndarray  # [park] int, first partner that is a unit, -1 if none (referral unit)
    start_year: np.ndarray  # [park] int, first year the park takes projects
    land_capacity: np.ndarray  # [park] 亩 of industrial land
    target_sectors: np.ndarray  # [park, sector] bool


@dataclass(frozen=True)
class IncentiveParams:
    """City incentive packages and the competition regime (ODD 7.8, equations T8-T9). ``[city]`` arrays."""

    adaptive: bool
    land_discount: np.ndarray  # d_c, share of the industrial land price waived
    tax_rebate: np.ndarray  # rho_c, share of local taxes rebated to new projects
    service_quality: np.ndarray  # q_c in [0, 1]
    regime_year: int  # first annual step under the fair-competition review
    max_land_discount: tuple[float, float]  # (before, from regime_year)
    max_tax_rebate: tuple[float, float]
    authorised_until: np.ndarray  # [city] int, last year an authorised programme allows rebates (0 = none)
    disguised_share: float  # share of a removed rebate that survives as service perks
    adjustment: float  # eta_I, incentive change per unit growth gap (adaptive mode)


@dataclass(frozen=True)
class InfrastructureParams:
    """Travel times between nodes and dated events (ODD 7.9, equations T10-T11)."""

    nodes: tuple[str, ...]  # the units (in model order) then external nodes
    base_travel_time: np.ndarray  # [node, node] hours, symmetric, zero diagonal
    event_names: tuple[str, ...]
    event_year: np.ndarray  # [event] int, first annual step the event is in effect
    event_probability: np.ndarray  # [event]
    event_pairs: tuple[np.ndarray, ...]  # per event: [pair, 2] int node positions
    event_hours: tuple[np.ndarray, ...]  # per event: [pair] new travel time, hours
    external_mass: np.ndarray  # [node] 亿元 (2021 prices) for external nodes, 0 for units (their VA is used)
    access_decay: float  # 1/hour


@dataclass(frozen=True)
class TransferParams:
    """Industrial transfer: flows, location choice, projects as producers, lifecycle, relocation and investment
    accounting (ODD 7.3, 7.7; equations T1-T7, J1-J3, IO1-IO4, K4-K6)."""

    origins: tuple[str, ...]  # external origins: chengdu, chongqing_core, east_coast, abroad
    origin_wage_node: np.ndarray  # [origin] int, position in population.external_nodes, -1 = no wage push
    origin_travel_node: np.ndarray  # [origin] int, position in infrastructure.nodes, -1 = no travel term
    arrival_rate: np.ndarray | None  # [origin, sector] projects per year at base-year push; None = calibrated (T2)
    project_investment_share: float  # phi: external projects' share of the transfer sectors' private investment
    crowding_out: float  # c in [0, 1], incumbent investment displaced per yuan of project spending (K5)
    transfer_sector: np.ndarray  # [sector] bool, sectors projects belong to
    origin_share: np.ndarray  # [origin] shares of signed project value by origin (calibrated arrivals)
    start_probability: float  # p, probability that a signing is carried out (开工)
    realised_share: float  # kappa, realised / signed investment of a project carried out
    max_size: float  # 亿元 (2021 prices), cap of a signed size
    productivity: np.ndarray  # [origin] theta, TFP relative to the host's incumbents (J1); relocations keep theirs
    local_purchase_share: float  # ell, share of intermediate inputs bought in the region (IO2)
    io_coefficients: np.ndarray  # [supplier sector, buyer sector] direct requirements (IO2)
    va_ratio: np.ndarray  # [sector] value added / gross output (IO1)
    wage_push_elasticity: float  # phi_w
    land_push_elasticity: float  # phi_L
    origin_land_cost_growth: np.ndarray  # [year] growth of origin land cost relative to the region
    mean_size: np.ndarray  # [sector] mean signed project investment, 亿元 (2021 prices)
    size_log_sd: float  # sigma of log size
    land_intensity: float  # 亿元 of investment per 亩
    located_share: np.ndarray  # [origin] base-year probability of locating in the region (calibrates V0)
    nest_parameter: float  # mu in (0, 1]
    beta_cluster: float
    beta_wage: float
    beta_land: float
    beta_rebate: float
    beta_service: float
    beta_access: float
    beta_origin_time: float  # per hour
    beta_park: float
    beta_partner: float
    construction_years: int
    ramp_up_shares: tuple[float, ...]
    closure_rate: float
    relocation_rate: float
    relocation_sensitivity: float
    referral_probability: float
    government_led_share: np.ndarray  # [origin]
    parks: ParkParams
    incentives: IncentiveParams
    infrastructure: InfrastructureParams


@dataclass(frozen=True)
class SharingParams:
    """Tax sharing, statistics splitting and city budgets (ODD 7.10-7.12, equations S1-S8, D1-D5, B1-B9).

    ``ModelParams.sharing = None`` switches the block off; the model then runs it with
    ``core.sharing.neutral_sharing_params`` (no agreements, no debt, no borrowing limit, no park land), so
    (B1)-(B9) reduce to (F7) and credited = official.
    """

    agreements: Any  # mechanisms.tax_sharing.AgreementSet (Any: params must not import mechanisms)
    external_partners: tuple[str, ...]  # partners outside the region (kunshan, guangzhou), ledger order
    agents_use_credited_gdp: bool  # city agents chase credited (True) or official GDP growth in (F8), (T9)
    transfer_rate: float  # tau_T, transfers / own revenue (B1)
    interest_rate: float  # r, 1/yr (B5)
    debt_limit_to_revenue: float  # l (B7)
    initial_debt_to_revenue: float  # base-year debt / base-year city revenue
    park_land_share: float  # psi, share of public investment developing park land (B9)
    park_land_cost: float  # 亿元 (2021 prices) per 亩 of park land developed
    land_price: float  # 亿元 (2021 prices) per 亩 of industrial land, basis of land discounts
    rebate_years: int  # years after arrival a tax rebate is paid


@dataclass(frozen=True)
class RelocationParams:
    """Relocation and consent, referral effort (ODD 7.18, equations R1-R5)."""

    is_enabled: bool  # government-led relocations (R3) and referral weights (R4); false = neither
    government_led_rate: float  # lambda_G, 1/yr per operating project at full consent (R3)
    base_consent: float  # P_0, consent probability with nothing kept (R2)
    revenue_weight: float  # w_T, weight of revenue (vs credited GDP) in what the origin keeps (R1)
    referral_response: float  # kappa_R, referral effort per unit of referral share (R4)


@dataclass(frozen=True)
class CompetitionParams:
    """Incentive competition between neighbouring units and its coordination (ODD 7.19, equations C1-C3)."""

    is_enabled: bool  # city agents set packages by (C1)-(C3); false = (T9) or fixed packages
    reaction: float  # r, response to the neighbours' mean package (C1)
    neighbour_hours: float  # H, base-year travel time within which units are neighbours (C1)
    budget_share: float  # b, highest incentive cost as a share of revenue after sharing (C2)
    coordination: str  # none | cap | common (C3)
    coordination_year: int  # t_K, first annual step of coordination (C3)
    common_land_discount: float  # x_K for the land discount (C3)
    common_tax_rebate: float  # x_K for the rebate (C3)
    incentive_funding_share: float  # f_I, share of the incentive cost paid from public investment (C4, B4)


@dataclass(frozen=True)
class MarketAccessParams:
    """Market access in production (ODD 7.13, equations M1-M4)."""

    is_enabled: bool  # (M4) applied to production; the index (M1)-(M3) is computed either way
    output_elasticity: float  # eta
    border_cost: float  # b_B, log points
    border_cost_removed: FloatArray  # [year] r_t, share of the border cost removed
    foreign_market_share: FloatArray  # [unit] w_c


@dataclass(frozen=True)
class PublicServiceParams:
    """Public-service integration in migration (ODD 7.14, equations PS1-PS2)."""

    is_enabled: bool
    border_friction_removed: FloatArray  # [year] rho_t
    region_pull: FloatArray  # [year] pi_t, utils


@dataclass(frozen=True)
class EcologyParams:
    """Energy, CO2, the siting rule and ecological compensation (ODD 7.15, equations E1-E6). Pair arrays are
    ``[pair]``."""

    is_enabled: bool  # siting (E3-E4) and compensation (E5-E6); (E1)-(E2) are recorded either way
    energy_intensity: FloatArray  # [sector] 万吨标准煤 per 亿元 (2021 prices)
    energy_intensity_decline: FloatArray  # [year]
    co2_per_energy: float  # t CO2 per tce
    co2_intensity_decline: FloatArray  # [year]
    chemical_share: FloatArray  # [sector] chi_s
    riverside_share: FloatArray  # [unit] r_c
    siting_rule_year: int  # first annual step the rule is in force
    strip_width: FloatArray  # [year] x_t, km
    pair_ids: tuple[str, ...]
    pair_upstream: np.ndarray  # int unit positions
    pair_downstream: np.ndarray
    pair_amount: FloatArray  # 亿元 per year (current prices)
    pair_probability: FloatArray  # monthly probability the target is met
    pair_start_year: np.ndarray  # int
    pair_end_year: np.ndarray  # int (open-ended: beyond the horizon)


@dataclass(frozen=True)
class OpeningParams:
    """Ports, corridors and bonded zones (ODD 7.16, equations O1-O3). Gateway arrays are ``[gateway]``."""

    is_enabled: bool
    trade_elasticity: float  # theta
    bonded_zone_utility: float  # b_BZ
    gateway_names: tuple[str, ...]
    gateway_year: np.ndarray  # int, first annual step in effect
    gateway_freight_cut: FloatArray  # kappa
    gateway_is_bonded: np.ndarray  # bool
    gateway_units: np.ndarray  # [gateway, unit] bool


@dataclass(frozen=True)
class ParkDevelopmentParams:
    """Parks that grow: joint land development of co-built parks (ODD 7.20, equations PD1-PD6)."""

    is_enabled: bool
    reserve_share: float  # rho, free land kept as a share of the developed area
    max_growth: float  # gamma, 1/yr
    max_multiple: float  # m, planned area / initial capacity
    lag_years: int  # L, years from the order to land ready for projects
    land_cost: float  # c_L, 亿元 (2021 prices) per 亩 (the scenario's budget.park_land_cost)
    funding: str  # sharing_terms / host_only / equal (PD3)


@dataclass(frozen=True)
class ParameterDraws:
    """Posterior draws of the fitted growth parameters (docs/model.md 5.6) as deviations from the point values.

    A run with parameter uncertainty picks one draw (row) with its ``parameters`` stream and applies it to
    the point values it runs with (:meth:`ModelParams.with_draw`), so parameters changed after loading (a
    sweep, an override) keep the estimated uncertainty around their new values. ``None`` = not drawn.
    """

    tfp_initial_growth: FloatArray | None  # [draw, city, sector] additive deviation of g_cs,0, 1/yr
    capital_output_ratio: FloatArray | None  # [draw, city, sector] log deviation of base-year K/Y
    investment_rate: FloatArray | None  # [draw] log deviation of s_s (all sectors)
    tfp_convergence_half_life: FloatArray | None = None  # [draw] log deviation of h

    @property
    def n_draws(self) -> int:
        for values in (self.tfp_initial_growth, self.capital_output_ratio, self.investment_rate,
                       self.tfp_convergence_half_life):
            if values is not None:
                return len(values)
        return 0


@dataclass(frozen=True)
class ModelParams:
    """Everything a run needs besides the base-year data and the seed."""

    start_year: int
    end_year: int
    macro: MacroParams
    production: ProductionParams
    capital: CapitalParams
    labour: LabourParams
    population: PopulationParams
    fiscal: FiscalParams
    transfer: TransferParams | None = None  # None = no industrial transfer (issue 2 model)
    sharing: SharingParams | None = None  # None = no sharing agreements and neutral budgets (issue 2 model)
    parameter_draws: ParameterDraws | None = None  # None = point values only (no parameter uncertainty)
    # The plan's other levers (issue 10). None = not modelled (the history configuration, hand-built tests);
    # a loaded scenario always has them, switched by their ``is_enabled`` flags.
    infrastructure: InfrastructureParams | None = None  # travel times and events (T10), for market access
    market_access: MarketAccessParams | None = None
    public_services: PublicServiceParams | None = None
    ecology: EcologyParams | None = None
    opening: OpeningParams | None = None
    park_development: ParkDevelopmentParams | None = None  # None = parks keep their initial land (T6)
    # Behavioural channels of issue 10 items 1-2 (None = off: the history configuration, hand-built tests).
    relocation: RelocationParams | None = None
    competition: CompetitionParams | None = None

    @property
    def years(self) -> np.ndarray:
        return np.arange(self.start_year, self.end_year + 1)

    def at(self, path: FloatArray, year: int) -> float:
        """Value of a ``[year]`` path in ``year``."""
        return float(path[year - self.start_year])

    def with_draw(self, draw: int) -> "ModelParams":
        """These parameters with draw ``draw`` of ``parameter_draws`` applied to the point values (5.6):
        ``g + dev``, ``K/Y * exp(dev)``, ``s * exp(dev)``, ``h * exp(dev)``. TFP growth is drawn only when the
        point values are fitted rates (not the P6 fallback)."""
        draws = self.parameter_draws
        if draws is None:
            return self
        production, capital = self.production, self.capital
        if draws.tfp_initial_growth is not None and production.tfp_initial_growth is not None:
            production = replace(production, tfp_initial_growth=production.tfp_initial_growth
                                 + draws.tfp_initial_growth[draw])
        if draws.tfp_convergence_half_life is not None:
            production = replace(production, tfp_convergence_half_life=production.tfp_convergence_half_life
                                 * float(np.exp(draws.tfp_convergence_half_life[draw])))
        if draws.capital_output_ratio is not None:
            capital = replace(capital, capital_output_ratio=np.asarray(capital.capital_output_ratio, dtype=float)
                              * np.exp(draws.capital_output_ratio[draw]))
        if draws.investment_rate is not None:
            capital = replace(capital, investment_rate=capital.investment_rate
                              * float(np.exp(draws.investment_rate[draw])))
        return replace(self, production=production, capital=capital)
