"""Prices: the regional GDP deflator (ODD 7.1).

Nominal and real values are kept apart: every quantity is computed in 2021 prices and converted to
current prices only through the deflator ``P``:

    (X1)  P_t = P_{t-1} * (1 + pi_t + sigma_pi * nu_t),     P_2021 = 1,   nu_t ~ N(0, 1)
    (X2)  nominal_t = P_t * real_t

``pi_t`` is an exogenous scenario path (``macro.deflator_growth``: the price forecasts published by the
calibration cutoff); ``sigma_pi`` (``macro.deflator_shock_sd``) is the standard deviation of yearly
inflation around it, estimated from the CPI record up to the cutoff (``cnyx-sim calibrate``).
"""

from __future__ import annotations


def next_price_index(price_index: float, deflator_growth: float, shock: float = 0.0) -> float:
    """Equation (X1): the deflator one year on; ``shock`` is ``sigma_pi * nu_t``."""
    return price_index * (1.0 + deflator_growth + shock)
