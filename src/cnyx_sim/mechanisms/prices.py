"""Prices: the regional GDP deflator (ODD 7.1).

Nominal and real values are kept apart: every quantity is computed in 2021 prices and converted to
current prices only through the deflator ``P``:

    (X1)  P_t = P_{t-1} * (1 + pi_t),            P_2021 = 1
    (X2)  nominal_t = P_t * real_t

``pi_t`` is an exogenous scenario path (``macro.deflator_growth``).
"""

from __future__ import annotations


def next_price_index(price_index: float, deflator_growth: float) -> float:
    """Equation (X1): the deflator one year on."""
    return price_index * (1.0 + deflator_growth)
