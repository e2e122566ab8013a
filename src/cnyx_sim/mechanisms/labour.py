"""Employment, its allocation across sectors, and wages (ODD 7.4).

    (L1)  L_c = e * N_c                                             employment, 万人
    (L2)  theta*_cs = (1 - alpha_s) Y_cs / sum_s (1 - alpha_s) Y_cs    share that equalises the
                                                                    marginal product of labour
    (L3)  theta_cs,t = theta_cs,t-1 + phi * (theta*_cs,t-1 - theta_cs,t-1),   L_cs = theta_cs * L_c
    (L4)  w_c = P * sum_s (1 - alpha_s) Y_cs / L_c                  average nominal wage, 万元 per worker
          wbar = sum_c w_c L_c / sum_c L_c                            the region's employment-weighted mean wage

Initial allocation (base year): ``theta_cs,0 ∝ lambda_s * Y_cs,0`` with relative labour intensities
``lambda_s`` (agriculture employs more people per unit of VA). Because ``theta_0 != theta*``, labour
moves out of low-wage sectors over time: the structural-change source of growth.
"""

from __future__ import annotations

import numpy as np

FloatArray = np.ndarray


def total_employment(population: FloatArray, employment_rate: float) -> FloatArray:
    """Equation (L1), ``[city]``."""
    return employment_rate * population


def initial_sector_shares(value_added_real: FloatArray, relative_labour_intensity: FloatArray) -> FloatArray:
    """Base-year ``[city, sector]`` employment shares, proportional to intensity x VA."""
    weight = value_added_real * relative_labour_intensity[None, :]
    return weight / weight.sum(axis=1, keepdims=True)


def wage_bill(value_added_real: FloatArray, capital_share: FloatArray) -> FloatArray:
    """Labour's share of value added, ``(1 - alpha_s) Y_cs``, ``[city, sector]`` (the numerator of L2 and L4)."""
    return value_added_real * (1.0 - capital_share[None, :])


def efficient_sector_shares(value_added_real: FloatArray, capital_share: FloatArray) -> FloatArray:
    """Equation (L2), ``[city, sector]``."""
    bill = wage_bill(value_added_real, capital_share)
    return bill / bill.sum(axis=1, keepdims=True)


def next_sector_shares(shares: FloatArray, target: FloatArray, speed: float) -> FloatArray:
    """Equation (L3): partial adjustment; rows still sum to one."""
    return shares + speed * (target - shares)


def labour_income(value_added_real: FloatArray, capital_share: FloatArray, price_index: float) -> FloatArray:
    """``[city]`` wage bill at price level ``price_index``, ``P sum_s (1 - alpha_s) Y_cs`` (L4's numerator), 亿元."""
    return wage_bill(value_added_real, capital_share).sum(axis=1) * price_index


def average_wage(
    value_added_real: FloatArray, employment: FloatArray, capital_share: FloatArray, price_index: float
) -> FloatArray:
    """Equation (L4), ``[city]`` nominal 万元 per worker."""
    return labour_income(value_added_real, capital_share, price_index) / employment.sum(axis=1)


def mean_wage(wage: FloatArray, employment: FloatArray) -> float:
    """(L4) the region's mean wage, ``sum_c w_c L_c / sum_c L_c``, weighting each unit's wage by its workers.

    Parameters
    ----------
    wage : [city] average wage, any unit (the result is in that unit).
    employment : [city] or [city, sector] persons employed (summed over sectors for the weights).
    """
    workers = employment if employment.ndim == 1 else employment.sum(axis=1)
    return float((wage * workers).sum() / employment.sum())
