"""Private capital accumulation (ODD 7.3).

Real values, 亿元 at 2021 prices, for city ``c`` and sector ``s``:

    (K1)  r_cs = alpha_s * Y_cs / K_cs - delta                              net return on capital
    (K2)  I_cs = s_s * Y_cs * exp(chi * (r_cs - rbar)),  rbar = sum(Y r) / sum(Y) over the region
    (K3)  K_cs,t+1 = (1 - delta) * K_cs,t + I_cs,t

(K2) is a gross investment rate ``s_s`` tilted toward city-sectors whose return exceeds the regional
average; ``chi = 0`` gives a fixed saving rate (Solow). Project investment (industrial transfer) is added
to ``I`` by the transfer mechanism, not here.
"""

from __future__ import annotations

import numpy as np

FloatArray = np.ndarray


def net_return(
    value_added_real: FloatArray, capital: FloatArray, capital_share: FloatArray, depreciation: float
) -> FloatArray:
    """Equation (K1), ``[city, sector]``; the gross return is taken as zero where there is no capital
    (so the net return there is ``-delta``)."""
    gross = np.divide(
        capital_share[None, :] * value_added_real,
        capital,
        out=np.zeros_like(value_added_real),
        where=capital > 0,
    )
    return gross - depreciation


def investment(
    value_added_real: FloatArray,
    capital: FloatArray,
    capital_share: FloatArray,
    depreciation: float,
    investment_rate: FloatArray,
    return_sensitivity: float,
) -> FloatArray:
    """Equation (K2): gross private investment, ``[city, sector]``, 亿元 at 2021 prices."""
    returns = net_return(value_added_real, capital, capital_share, depreciation)
    total = value_added_real.sum()
    mean_return = float((value_added_real * returns).sum() / total) if total > 0 else 0.0
    tilt = np.exp(return_sensitivity * (returns - mean_return))
    return investment_rate[None, :] * value_added_real * tilt


def next_capital(capital: FloatArray, gross_investment: FloatArray, depreciation: float) -> FloatArray:
    """Equation (K3)."""
    return (1.0 - depreciation) * capital + gross_investment
