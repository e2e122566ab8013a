"""Fiscal block: taxes by type and level of government, and the city's public investment (ODD 7.6).

Tax bases are nominal (亿元, current prices). For city ``c``, sector ``s``, price level ``P``:

    (F1)  VAT_cs  = v_s * P * Y_cs                              v_s: effective VAT / VA
    (F2)  CIT_cs  = tau_s,t * pi_s * P * Y_cs                    pi_s: taxable profit / VA
          tau_s,t = q_s * tau_W + (1 - q_s) * tau_std  while t <= last year of the western CIT rate,
                    tau_std afterwards                          q_s: share of profit in encouraged industries
    (F3)  PIT_cs  = t_pit * (1 - alpha_s) * P * Y_cs             t_pit: effective PIT / wage bill
    (F4)  PROP_cs = t_prop * P * Y_cs                            t_prop: property-type taxes (房产税, 土地使用税 ...)
    (F5)  Local_cx = lambda_x * Tax_cx                            lambda: VAT 0.5, CIT 0.4, PIT 0.4, property 1.0
    (F6)  City_cx  = (1 - rho_p(c)) * Local_cx                    rho_p: the province's / municipality's take
    (F7)  IG_c = s_G,c * sum_x City_cx;   G_c,t+1 = (1 - delta_G) * G_c,t + IG_c / P
    (F8)  s_G,c,t+1 = clip(s_G,c,t + eta * (g* - g_c,t), s_min, s_max)     city agent's decision

(F8) is the city agent's rule: a city whose nominal GDP growth ``g_c,t`` falls short of the growth it
chases (``g*``, derived from the plan's 2万亿 target) spends more of its revenue on public investment.
Sharing between cities (项目异地流转财税分成) is applied to the city-level part only (F6), elsewhere.
"""

from __future__ import annotations

import numpy as np

FloatArray = np.ndarray


def cit_rate(
    year: int, standard_rate: float, western_rate: float, western_last_year: int, qualifying_share: FloatArray
) -> FloatArray:
    """The effective CIT rate of (F2), ``[sector]``."""
    if year <= western_last_year:
        return qualifying_share * western_rate + (1.0 - qualifying_share) * standard_rate
    return np.full_like(qualifying_share, standard_rate)


def gross_taxes(
    value_added_nominal: FloatArray,
    capital_share: FloatArray,
    vat_rate: FloatArray,
    profit_share: FloatArray,
    cit_rate_by_sector: FloatArray,
    pit_rate: float,
    property_rate: float,
) -> FloatArray:
    """Equations (F1)-(F4): ``[city, sector, tax]`` in the order of ``core.params.TAXES``."""
    va = value_added_nominal
    vat = vat_rate[None, :] * va
    cit = (cit_rate_by_sector * profit_share)[None, :] * va
    pit = pit_rate * (1.0 - capital_share[None, :]) * va
    prop = property_rate * va
    return np.stack([vat, cit, pit, prop], axis=-1)


def city_revenue(
    taxes_by_city: FloatArray, local_share: FloatArray, province_take_by_city: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Equations (F5)-(F6). ``taxes_by_city`` is ``[city, tax]``; returns (local part, city part)."""
    local = taxes_by_city * local_share[None, :]
    return local, local * (1.0 - province_take_by_city[:, None])


def public_investment(city_revenue_total: FloatArray, investment_share: FloatArray) -> FloatArray:
    """Equation (F7), first part: ``[city]`` nominal public investment."""
    return investment_share * city_revenue_total


def next_public_capital(
    public_capital: FloatArray, investment_nominal: FloatArray, price_index: float, depreciation: float
) -> FloatArray:
    """Equation (F7), second part (real, 亿元 at 2021 prices)."""
    return (1.0 - depreciation) * public_capital + investment_nominal / price_index


def adjust_investment_share(
    share: FloatArray, growth_target: float, growth: FloatArray, adjustment: float, bounds: tuple[float, float]
) -> FloatArray:
    """Equation (F8): the city agents' public-investment decision."""
    return np.clip(share + adjustment * (growth_target - growth), bounds[0], bounds[1])
