"""Production: Cobb-Douglas value added with trend TFP (ODD 7.2).

For city ``c`` and sector ``s`` in year ``t`` (real values, 亿元 at 2021 prices; employment in 万人):

    (P1)  Y_cs = A_cs * K_cs^alpha_s * L_cs^(1 - alpha_s)
    (P2)  A_cs = Atrend_cs * (L_cs / L_cs,0)^gamma_l * ((G_c/N_c) / (G_c,0/N_c,0))^epsilon_G
    (P3)  ln Atrend_cs,t = ln Atrend_cs,t-1 + g_cs,t + sigma_c * eps_t + sigma_u * eta_c,t + sigma * e_cs,t
          eps_t, eta_c,t, e_cs,t ~ N(0, 1) independent: a region-wide shock, a unit-wide shock and a
          city-sector shock, all permanent (random-walk) shocks to the TFP level
    (P4)  g_cs,t = g_LR + (g_cs,0 - g_LR) * 2^(-(t - t0) / h)

(P2) scales the localisation (own-sector employment) and public-capital externalities relative to the
base year, so that the calibration in (P5)-(P6) reproduces the 2021 data exactly.
(P4) lets the TFP growth of each city and sector start from its calibrated recent pace and converge to
the long-run rate ``g_LR`` with half-life ``h`` years. The initial rates ``g_cs,0`` and the shock
standard deviations are estimated from the 2015-cutoff record by ``cnyx-sim calibrate`` (docs/model.md
5.6, ``cnyx_sim.calibrate``) by unit and sector group (agriculture, industry, construction, services).

Calibration (base year t0):

    (P5)  Atrend_cs,0 = Y_cs,0 / (K_cs,0^alpha_s * L_cs,0^(1 - alpha_s))
    (P6)  g_c,0 = gbar_c - sum_s omega_cs * (alpha_s * gK_cs + (1 - alpha_s) * gL_c)

(P6) is the fallback when no fitted rates are given: ``gbar_c`` is the city's mean published real GDP
growth 2015-2021, ``omega_cs`` its sector VA shares, ``gK_cs`` the base-year capital growth implied by
(K1)-(K3) and ``gL_c`` the base-year employment growth (the natural growth rate): a growth-accounting
(Solow) residual of an assumed capital path, the same for every sector of a unit.
"""

from __future__ import annotations

import numpy as np

FloatArray = np.ndarray


def value_added(
    tfp: FloatArray, capital: FloatArray, employment: FloatArray, capital_share: FloatArray
) -> FloatArray:
    """Equation (P1). All arrays ``[city, sector]`` except ``capital_share`` ``[sector]``."""
    alpha = capital_share[None, :]
    return tfp * np.power(capital, alpha) * np.power(employment, 1.0 - alpha)


def total_factor_productivity(
    tfp_trend: FloatArray,
    employment: FloatArray,
    employment_base: FloatArray,
    public_capital_per_capita_index: FloatArray,
    localisation_elasticity: float,
    public_capital_elasticity: float,
) -> FloatArray:
    """Equation (P2). ``public_capital_per_capita_index`` is ``[city]``, base year = 1."""
    with np.errstate(divide="ignore", invalid="ignore"):
        own_scale = np.where(employment_base > 0, employment / employment_base, 1.0)
    localisation = np.power(np.maximum(own_scale, 1e-12), localisation_elasticity)
    public = np.power(np.maximum(public_capital_per_capita_index, 1e-12), public_capital_elasticity)
    return tfp_trend * localisation * public[:, None]


def tfp_growth_rate(
    initial_growth: FloatArray, long_run_growth: float, years_since_base: int, half_life: float
) -> FloatArray:
    """Equation (P4): ``[city, sector]`` trend TFP growth in the given year (shape of ``initial_growth``)."""
    decay = 2.0 ** (-years_since_base / half_life)
    return long_run_growth + (initial_growth - long_run_growth) * decay


def tfp_shocks(
    shape: tuple[int, int], common_sd: float, unit_sd: float, sector_sd: float, rng: np.random.Generator
) -> FloatArray:
    """Equation (P3)'s shock term ``[city, sector]``: region-wide + unit-wide + city-sector log shocks.

    Always draws ``1 + n_city + n_city * n_sector`` standard normals from ``rng``, in that order, so a
    zero standard deviation never shifts the draws of the other terms (common random numbers).
    """
    n_city, n_sector = shape
    common = rng.standard_normal()
    unit = rng.standard_normal(n_city)
    cell = rng.standard_normal(shape)
    return common_sd * common + unit_sd * unit[:, None] + sector_sd * cell


def next_tfp_trend(tfp_trend: FloatArray, growth: FloatArray, shocks: FloatArray) -> FloatArray:
    """Equation (P3): trend TFP one year on, ``[city, sector]``."""
    return tfp_trend * np.exp(growth + shocks)


def calibrate_tfp_level(
    value_added_real: FloatArray, capital: FloatArray, employment: FloatArray, capital_share: FloatArray
) -> FloatArray:
    """Equation (P5): the TFP level that reproduces base-year value added exactly."""
    alpha = capital_share[None, :]
    denominator = np.power(capital, alpha) * np.power(employment, 1.0 - alpha)
    return np.divide(
        value_added_real, denominator, out=np.zeros_like(value_added_real), where=denominator > 0
    )


def calibrate_tfp_growth(
    historical_growth: FloatArray,
    value_added_real: FloatArray,
    capital_growth: FloatArray,
    employment_growth: FloatArray,
    capital_share: FloatArray,
) -> FloatArray:
    """Equation (P6): ``[city]`` initial TFP growth as the growth-accounting residual (fallback).

    Parameters
    ----------
    historical_growth : [city] mean published real GDP growth, 1/yr.
    value_added_real : [city, sector] base-year VA (weights omega).
    capital_growth : [city, sector] base-year capital growth gK, 1/yr.
    employment_growth : [city] base-year employment growth gL, 1/yr.
    capital_share : [sector] alpha.
    """
    weights = value_added_real / value_added_real.sum(axis=1, keepdims=True)
    alpha = capital_share[None, :]
    input_growth = alpha * capital_growth + (1.0 - alpha) * employment_growth[:, None]
    return historical_growth - (weights * input_growth).sum(axis=1)
