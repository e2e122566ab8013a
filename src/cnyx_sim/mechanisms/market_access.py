"""Market access in production: access to the cores, the region and foreign markets raises productivity
(ODD 7.13).

Nodes ``n`` are the region's units and the external nodes (``chengdu``, ``chongqing_core``, ``east_coast``);
travel times ``T_t`` in hours come from (T10), so the dated HSR events move them. For unit ``c`` in year ``t``:

    (M1)  tau_cn,t = a * T_t[c, n] + b_B * (1 - r_t) * B_cn
          log trade-cost weight: travel time at the decay ``a`` of (T11), plus the Sichuan-Chongqing border
          (B_cn = 1 when c and n lie on different sides of it; the east coast carries no border term), of
          which the share r_t is removed by market integration (plan §二十四 市场准入异地同标, 打破壁垒)
    (M2)  D_c,t = sum_n M_n,0 * exp(-tau_cn,t)
          domestic market access, 亿元 (2021 prices), with every node's mass fixed at the base year (own
          unit: T = 0, B = 0): only transport and trade costs move it
    (M3)  MA_c,t = (1 - w_c) * D_c,t / D_c,0 + w_c * F_c,t
          market-access index, 1 in the base year; w_c the foreign-market share of the unit's sales and
          F_c,t its foreign access (O1 of ``mechanisms.opening``, 1 without opening-up levers)
    (M4)  A_cs,t = A_cs,t^(P2) * MA_c,t^eta
          productivity of (P1): the output elasticity eta applies to every sector of the unit

Why fixed masses (M2): the literature's elasticities (Lin 2017; Zou, Chen & Xiong 2021; evidence.md §3) are
identified from access changes that new links cause, and the growth of the masses themselves is already in
the fitted TFP path (docs/model.md 5.6). With fixed masses the index is exactly 1 in the base year and in
the history configuration (no travel-time event before 2022), so the fitted path is untouched; after 2021
it moves only when a dated event, a border-cost reduction or a foreign gateway changes access.
"""

from __future__ import annotations

import numpy as np

FloatArray = np.ndarray


def trade_costs(
    times_unit_node: FloatArray,
    decay: float,
    border_cost: float,
    border_removed: float,
    border_pairs: FloatArray,
) -> FloatArray:
    """(M1): ``[unit, node]`` log trade-cost weights.

    Parameters
    ----------
    times_unit_node : [unit, node] hours (T10).
    decay : a, 1/hour.
    border_cost : b_B, log points.
    border_removed : r_t, share of the border cost removed this year.
    border_pairs : [unit, node] 1 where the pair crosses the Sichuan-Chongqing border, else 0.
    """
    return decay * np.asarray(times_unit_node, dtype=float) + border_cost * (1.0 - border_removed) * border_pairs


def domestic_access(mass: FloatArray, costs: FloatArray) -> FloatArray:
    """(M2): ``[unit]`` domestic market access, 亿元 (2021 prices), from ``[node]`` masses and (M1) costs."""
    with np.errstate(under="ignore"):  # a node days away weighs nothing: underflow to 0 is the right answer
        return (np.exp(-costs) * np.asarray(mass, dtype=float)[None, :]).sum(axis=1)


def access_index(domestic: FloatArray, domestic_base: FloatArray, foreign_share: FloatArray,
                 foreign_access: FloatArray) -> FloatArray:
    """(M3): ``[unit]`` market-access index (base year 1).

    ``foreign_share`` w_c and ``foreign_access`` F_c,t are ``[unit]`` (F = 1 without opening-up levers).
    """
    w = np.asarray(foreign_share, dtype=float)
    # written as 1 + changes, so that unchanged access gives exactly 1 (no rounding drift in M4)
    return 1.0 + (1.0 - w) * (domestic / domestic_base - 1.0) + w * (np.asarray(foreign_access, dtype=float) - 1.0)


def productivity_multiplier(index: FloatArray, elasticity: float) -> FloatArray:
    """(M4): ``[unit]`` factor MA^eta on the TFP of every sector of the unit."""
    return np.power(np.maximum(index, 1e-12), elasticity)
