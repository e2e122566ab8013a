"""Private capital accumulation (ODD 7.3).

Real values, 亿元 at 2021 prices, for city ``c`` and sector ``s``:

    (K1)  r_cs = alpha_s * Y_cs / K_cs - delta                              net return on capital
    (K2)  I_cs = s_s * Y_cs * exp(chi * (r_cs - rbar)),  rbar = sum(Y r) / sum(Y) over the region
    (K3)  K_cs,t+1 = (1 - delta) * K_cs,t + I_cs,t

(K2) is a gross investment rate ``s_s`` tilted toward city-sectors whose return exceeds the regional
average; ``chi = 0`` gives a fixed saving rate (Solow). ``K`` in (K1) is the effective capital of (J1) when
projects produce in the city-sector (its return is the incumbents' return).

With industrial transfer, investment is three flows, each counted once (docs/model.md 7.3, 7.7):

    (K4)  s'_s = s_s * (1 - (1 - c) * phi_s - psi_s)       incumbents' autonomous rate
          s_s is the fitted *total* rate (its history ran without projects, so it includes the projects of
          2015-2021); phi_s = the share of external projects in that total (transfer sectors), psi_s = the
          supplier investment (IO4) they induce, at base-year conditions (computed by the transfer engine)
    (K5)  I^inc_cs = I_cs(s') * max(0, 1 - c * P_c / sum_s I_cs(s'))
          crowding-out: realised external project spending P_c in unit c displaces c per yuan of incumbent
          investment in the unit, pro rata across its sectors (c in [0, 1])
    (K6)  I^total_cs = I^inc_cs + I^sup_cs + sum_{j in cs} spending_j
          incumbents + their supplier capacity (IO4) + projects' construction spending (T7); every flow enters
          the capital stock once (K3 for incumbents, T7 for projects)

At base-year conditions (P = phi s Y, I^sup = psi s Y) K4-K6 give back the fitted total s Y; without projects
(``no_transfer``) investment is lower by (1 - c) P + I^sup.
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


def autonomous_investment_rate(investment_rate: FloatArray, project_share: FloatArray, supplier_share: FloatArray,
                               crowding_out: float) -> FloatArray:
    """Equation (K4): ``[sector]`` the incumbents' rate ``s (1 - (1 - c) phi - psi)``, at least 0."""
    return np.maximum(investment_rate * (1.0 - (1.0 - crowding_out) * project_share - supplier_share), 0.0)


def crowd_out(incumbent_investment: FloatArray, project_spending: FloatArray, crowding_out: float) -> FloatArray:
    """Equation (K5): ``[city, sector]`` incumbents' investment after ``c`` times the ``[city]`` external
    projects' spending is displaced, pro rata across the unit's sectors (never below zero)."""
    unit_total = incumbent_investment.sum(axis=1)
    with np.errstate(under="ignore"):  # a vanishing crowding-out share displaces nothing: underflow to 0 is right
        factor = np.divide(crowding_out * project_spending, unit_total, out=np.zeros_like(unit_total),
                           where=unit_total > 0)
        return incumbent_investment * np.maximum(1.0 - factor, 0.0)[:, None]
