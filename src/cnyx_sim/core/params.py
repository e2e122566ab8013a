"""Typed, frozen model parameters as the core sees them (resolved to arrays; no YAML here).

The scenario layer (``cnyx_sim.scenario``) validates a YAML scenario and turns it into a
:class:`ModelParams`. Per-sector values are vectors in the model's sector order, year-indexed values are
vectors over the simulated years ``start..end`` (position ``year - start``). Units and sources of every
value are documented once, in the scenario schema (``cnyx_sim/scenario/schema.py``), from which the
parameter table in docs/model.md is generated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FloatArray = np.ndarray

#: Tax types of the fiscal block, in array order.
TAXES: tuple[str, ...] = ("vat", "cit", "pit", "property")


@dataclass(frozen=True)
class MacroParams:
    """Exogenous paths. Arrays are ``[year]`` over ``start..end``."""

    deflator_growth: FloatArray
    national_real_growth: FloatArray


@dataclass(frozen=True)
class ProductionParams:
    """Cobb-Douglas production with trend TFP (ODD 7.2, equations P1-P4)."""

    capital_share: FloatArray  # [sector] alpha_s
    tfp_long_run_growth: float  # g_LR, 1/yr
    tfp_initial_growth: FloatArray | None  # [city] g_c0, 1/yr; None = calibrate (P5)
    tfp_convergence_half_life: float  # years
    tfp_shock_sd: float  # sd of log TFP shocks
    localisation_elasticity: float  # gamma_l
    public_capital_elasticity: float  # epsilon_G


@dataclass(frozen=True)
class CapitalParams:
    """Private capital accumulation (ODD 7.3, equations K1-K3)."""

    depreciation_rate: float
    investment_rate: FloatArray  # [sector] s_s, gross investment / value added
    capital_output_ratio: FloatArray  # [sector] initial K/Y
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

    @property
    def years(self) -> np.ndarray:
        return np.arange(self.start_year, self.end_year + 1)

    def at(self, path: FloatArray, year: int) -> float:
        """Value of a ``[year]`` path in ``year``."""
        return float(path[year - self.start_year])
