"""Shock variances from the fit's residuals (docs/model.md 5.6, equation G4).

    (G4)  r_ut = observed - fitted real growth of unit u in year t (published annual rows only)
          c_t  = mean over units of r_ut            (the year's common component, n_t >= 2 units)
          sigma_u^2 = sum_t sum_u (r_ut - c_t)^2 / sum_t (n_t - 1)
          sigma_c^2 = max(var_t(c_t) - mean_t(sigma_u^2 / n_t), 0)

Derived growth rows are left out (their measurement error would pass for shocks), and so are the pandemic
years (``pandemic_years``): the standard deviations describe ordinary years. The price shock is the sd of
the yearly mean CPI change of Sichuan and Chongqing over the same years.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class ShockEstimate:
    """Estimated standard deviations and how many residuals each rests on."""

    common_sd: float
    unit_sd: float
    deflator_sd: float
    n_years: int
    n_residuals: int
    years: tuple[int, ...]


def estimate_shocks(observations: pd.DataFrame, fitted: np.ndarray, inflation: np.ndarray, start_year: int,
                    pandemic: tuple[int, ...]) -> ShockEstimate:
    """(G4) from the observations of the fit and their fitted values."""
    rows = observations.assign(residual=observations["value"].to_numpy() - fitted)
    annual = rows[(rows["kind"] == "real_growth") & ~rows["derived"] & ~rows["year"].isin(pandemic)]
    within, dof, common, counts = 0.0, 0, [], []
    for _, group in annual.groupby("year"):
        if len(group) < 2:
            continue
        mean = group["residual"].mean()
        within += float(((group["residual"] - mean) ** 2).sum())
        dof += len(group) - 1
        common.append(mean)
        counts.append(len(group))
    unit_var = within / dof if dof else 0.0
    common_var = 0.0
    if len(common) >= 2:
        common_var = max(float(np.var(common, ddof=1)) - float(np.mean([unit_var / n for n in counts])), 0.0)
    years = np.arange(start_year, start_year + len(inflation))
    prices = inflation[~np.isin(years, pandemic) & (inflation != 0.0)]
    deflator_sd = float(np.std(prices, ddof=1)) if len(prices) >= 2 else 0.0
    used = sorted(int(y) for y, g in annual.groupby("year") if len(g) >= 2)
    return ShockEstimate(common_sd=float(np.sqrt(common_var)), unit_sd=float(np.sqrt(unit_var)),
                         deflator_sd=deflator_sd, n_years=len(common), n_residuals=int(sum(counts)),
                         years=tuple(used))
