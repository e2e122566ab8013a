"""Opening-up: ports, bonded zones and corridors raise export demand and foreign arrivals (ODD 7.16).

A *gateway* is a dated improvement of a unit's link to foreign markets: a port upgrade (泸州港, 宜宾港, the
长江 泸州段 channel), a corridor (西部陆海新通道 西线/中线), or a bonded zone or bonded logistics centre
(综合保税区, 保税物流中心(B型)). Gateways in place by the base year are part of the base (their effect is in
the 2021 data); only those that take effect later move the model. For unit ``c`` in year ``t``:

    (O1)  F_c,t = prod_{k: t_k <= t, c in U_k} (1 - kappa_k)^(-theta)
          foreign access index (base 1): gateway k cuts the trade cost to foreign markets of the units it
          serves, U_k, by the share kappa_k; theta is the trade elasticity; t_k is the first annual step the
          gateway is in effect (a mid-year date acts from the next year, as in T10)
    (O2)  export demand: F_c,t enters the market-access index (M3) with the unit's foreign-market share w_c,
          so it raises productivity through (M4)
    (O3)  V_osc += b_MA * ln((1 - w_c) + w_c F_c,t) + b_BZ * Z_c,t * 1[o = abroad]
          location utility of projects (T4): the foreign part of market access for every origin (with the
          access weight b_MA of T4), and a bonded zone opened after the base year in unit c (Z = 1) for
          projects from abroad; the nested logit's outside option (T6) turns a better region into more
          arrivals, not only into a different split between units
"""

from __future__ import annotations

import numpy as np

FloatArray = np.ndarray


def foreign_access(year: int, gateway_year: np.ndarray, freight_cut: FloatArray, serves: np.ndarray,
                   trade_elasticity: float) -> FloatArray:
    """(O1): ``[unit]`` foreign access index in ``year``.

    Parameters
    ----------
    gateway_year : [gateway] first annual step in effect (gateways of the base year or earlier excluded).
    freight_cut : [gateway] kappa, share of the trade cost cut, < 1.
    serves : [gateway, unit] bool.
    trade_elasticity : theta.
    """
    in_effect = np.asarray(gateway_year) <= year
    log_gain = -trade_elasticity * np.log1p(-np.asarray(freight_cut, dtype=float))
    return np.exp((np.where(in_effect, log_gain, 0.0)[:, None] * np.asarray(serves, dtype=float)).sum(axis=0))


def bonded_zones(year: int, gateway_year: np.ndarray, is_bonded: np.ndarray, serves: np.ndarray) -> FloatArray:
    """Z_c,t of (O3): ``[unit]`` 1 where a bonded zone opened after the base year is in effect, else 0."""
    active = (np.asarray(gateway_year) <= year) & np.asarray(is_bonded, dtype=bool)
    return (np.asarray(serves, dtype=bool) & active[:, None]).any(axis=0).astype(float)


def location_utility(foreign: FloatArray, foreign_share: FloatArray, bonded: FloatArray, access_weight: float,
                     bonded_weight: float, is_abroad: np.ndarray) -> FloatArray:
    """(O3): ``[origin, unit]`` utility shift for projects of each origin (``is_abroad`` ``[origin]`` bool)."""
    w = np.asarray(foreign_share, dtype=float)
    access = access_weight * np.log((1.0 - w) + w * np.asarray(foreign, dtype=float))
    return access[None, :] + bonded_weight * np.outer(np.asarray(is_abroad, dtype=float), bonded)
