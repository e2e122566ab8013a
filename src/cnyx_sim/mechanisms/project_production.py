"""Projects as producers inside their host's city-sector (ODD 7.7, equations J1-J3).

A project is a producer with its own installed capital ``K_j`` and a productivity ``theta_j`` relative to the
incumbents of its host city-sector (by origin). Incumbents and projects of a city-sector share its TFP
``A_cs`` (P2) and hire at one wage. With Cobb-Douglas producers ``Y_i = theta_i A K_i^alpha L_i^(1 - alpha)``
and labour paid its marginal product, labour goes where ``theta_i^(1/alpha) K_i`` is, and the city-sector
aggregates exactly to one production function of *effective* capital:

    (J1)  e_j = C(a_j) * theta_j^(1/alpha_s) * K_j          effective capital of project j (C: capacity, T7)
          K^eff_cs = K^I_cs + sum_{j in cs} e_j                incumbents' capital K^I counts at theta = 1
          Y_cs = A_cs (K^eff_cs)^alpha_s L_cs^(1 - alpha_s)    (P1 with K^eff)
    (J2)  VA_j = (e_j / K^eff_cs) Y_cs,   L_j = (e_j / K^eff_cs) L_cs,   Tax_j = (e_j / K^eff_cs) Tax_cs
          the project's value added, its labour demand at the city-sector's wage and its taxes; incumbents
          keep the rest, so capital, labour and value added are counted once.
    (J3)  capital_stock_cs = K^I_cs + sum_{j in cs} K_j        (installed capital, ramping or not)

Labour demand enters the unit's labour market through (L2)-(L3): a project raises its sector's marginal
product, so the sector's efficient employment share rises and workers move in; and through the unit's wage
(L4), which draws migrants (N2). ``theta`` by origin is a range from the zone literature (docs/model.md 7.7).
"""

from __future__ import annotations

import numpy as np

FloatArray = np.ndarray


def effective_capital(capital: FloatArray, capacity: FloatArray, productivity: FloatArray,
                      capital_share: FloatArray) -> FloatArray:
    """(J1): ``[project]`` effective capital ``C theta^(1/alpha) K`` (``capital_share`` per project)."""
    return capacity * np.power(productivity, 1.0 / capital_share) * capital


def by_city_sector(values: FloatArray, city: np.ndarray, sector: np.ndarray, shape: tuple[int, int]) -> FloatArray:
    """Sum ``[project]`` values into a ``[city, sector]`` array."""
    # bincount adds each bin's values in project order from 0, as np.add.at on zeros does, at a fraction of
    # the cost (a run calls this ~70 times on thousands of projects); float also when there is no project
    flat = np.asarray(city, dtype=np.int64) * shape[1] + np.asarray(sector, dtype=np.int64)
    return np.bincount(flat, weights=values, minlength=shape[0] * shape[1]).astype(float, copy=False).reshape(shape)


def producer_shares(effective: FloatArray, city: np.ndarray, sector: np.ndarray,
                    effective_total: FloatArray) -> FloatArray:
    """(J2): ``[project]`` share ``e_j / K^eff_cs`` of each project in its city-sector's output and labour."""
    total = effective_total[city, sector]
    with np.errstate(under="ignore"):
        return np.divide(effective, total, out=np.zeros(len(effective)), where=total > 0)
