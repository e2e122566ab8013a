"""The model in its history configuration: stepped from the start year (2015) by the model's own schedule.

The backcast uses :class:`~cnyx_sim.core.model.CnyxModel` itself, so the fit is a fit *by simulation* of
the equations the forecasts use (P1-P4, K1-K3, L1-L3, F1-F8). The history configuration differs from a
scenario in what history fixes or the data cannot inform (docs/model.md 5.6):

- no industrial-transfer block and no sharing agreements: projects of the past are part of the incumbents'
  investment (the fitted investment rate is *total* private investment over value added);
- no migration and zero natural population growth, so employment is constant and the backcast's growth
  rates do not depend on population or value-added *levels* (the start levels of the Chongqing districts
  are imputed and the city levels change vintage in 2019; only growth and shares are compared with data);
- no shocks: the fit explains the record with trends; the residuals become the shock variances;
- the deflator is the observed mean CPI change of Sichuan and Chongqing;
- none of the plan's other levers (market access in production, public services, ecology, opening-up;
  docs/model.md 7.13-7.16): their indices are 1 before 2022 by construction, and the history runs without them.

Forecasts from a fitted backcast (validation) re-base the model at the cutoff: the simulated cutoff state,
the cutoff's TFP growth on its (P4) path and the cutoff's capital-output ratios.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from cnyx_sim.core.model import BaseYearData, CnyxModel
from cnyx_sim.core.params import ModelParams
from cnyx_sim.runner import release_finished_models


@dataclass(frozen=True)
class History:
    """A simulated history: ``va_real [year, city, sector]`` (start-year prices) and ``capital``."""

    years: np.ndarray
    va_real: np.ndarray
    capital: np.ndarray

    def at(self, year: int) -> int:
        return int(year - self.years[0])


def history_params(template: ModelParams, start: int, end: int, deflator: np.ndarray,
                   tfp_start: np.ndarray, investment_rate: np.ndarray, capital_output: np.ndarray,
                   common_shock_sd: float = 0.0, unit_shock_sd: float = 0.0,
                   deflator_shock_sd: float = 0.0, half_life: float | None = None) -> ModelParams:
    """The template's parameters in the history configuration over ``start..end``.

    ``deflator`` is ``[year]`` over ``start..end`` (values beyond its length repeat its last value);
    ``tfp_start`` ``[city, sector]`` is the TFP growth at the start year (P4's ``g_cs,0``). Shocks are off
    unless given (the validation ensembles switch them on).
    """
    n = end - start + 1
    deflator = np.asarray(deflator, dtype=float)
    path = deflator[:n] if len(deflator) >= n else np.concatenate([deflator, np.full(n - len(deflator), deflator[-1])])
    zeros = np.zeros(n)
    return replace(
        template, start_year=start, end_year=end, transfer=None, sharing=None, parameter_draws=None,
        infrastructure=None, market_access=None, public_services=None, ecology=None, opening=None,
        macro=replace(template.macro, deflator_growth=path, national_real_growth=zeros,
                      deflator_shock_sd=deflator_shock_sd),
        production=replace(template.production, tfp_initial_growth=tfp_start, tfp_shock_sd=0.0,
                           common_shock_sd=common_shock_sd, unit_shock_sd=unit_shock_sd,
                           tfp_convergence_half_life=(template.production.tfp_convergence_half_life
                                                      if half_life is None else half_life)),
        capital=replace(template.capital, investment_rate=investment_rate, capital_output_ratio=capital_output),
        population=replace(template.population, natural_growth_rate=zeros, mobile_share=0.0,
                           external_real_wage_growth=zeros),
    )


def simulate(base: BaseYearData, params: ModelParams, seed: int = 0, run: int = 0) -> History:
    """Step the model from ``base`` to ``params.end_year``; returns the recorded real VA and capital."""
    model = CnyxModel(base, params, seed=seed, run=run)
    while model.running:
        model.step()
    recorder = model.recorder
    out = History(years=recorder.years.copy(), va_real=recorder.by_sector["va_real"].copy(),
               capital=recorder.by_sector["capital_stock"].copy())
    release_finished_models()
    return out


def tfp_growth_at(tfp_start: np.ndarray, long_run: float, half_life: float, years: int) -> np.ndarray:
    """(P4): TFP growth ``years`` after the start year, ``[city, sector]``."""
    return long_run + (tfp_start - long_run) * 2.0 ** (-years / half_life)
