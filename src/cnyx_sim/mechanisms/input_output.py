"""Projects' local purchases through input-output coefficients, and the supplier capacity they call for
(ODD 7.7, equations IO1-IO4).

Money in 亿元. ``a[s', s]`` is the direct-requirement coefficient (purchases from sector ``s'`` per unit of
sector ``s``'s gross output; ``calibration/io_coefficients.csv``, sourced cells from the national
input-output table), ``v_s`` the value-added share of gross output, ``ell`` the share of intermediate
purchases bought inside the region (assumption):

    (IO1)  GO_j = VA_j / v_s                                           gross output of project j
    (IO2)  M_hs' = ell * sum_{j in h} a[s', s_j] GO_j                   local purchases of the projects of
                                                                        unit h from supplier sector s'
    (IO3)  M_c's' = sum_h M_hs' w_hc',   w_hc' = Y_c's' exp(-d T_hc') / sum_c'' Y_c''s' exp(-d T_hc'')
           purchases go to supplier sector s' of unit c' in proportion to its size, discounted by travel
           time with the market-access decay d of (T11)
    (IO4)  I^sup_c's' = (K/Y)_c's' v_s' M^cap_c's'
           suppliers build the capacity the purchases need while the project is built: M^cap are the purchases
           that the capacity under construction this year will make at full production (IO1-IO3 on
           VA = spending * theta^(1/alpha) * (Y / K^eff) of its city-sector); the investment is the
           incumbents' own (K6) and raises the suppliers' output as it enters their capital (P1) and draws
           labour into their sectors (L2-L3).
"""

from __future__ import annotations

import numpy as np

FloatArray = np.ndarray


def purchases_by_supplier_sector(value_added: FloatArray, coefficients: FloatArray, va_ratio: FloatArray,
                                 local_share: float) -> FloatArray:
    """(IO1)-(IO2): ``[unit, supplier sector]`` local purchases of the projects whose ``[unit, sector]`` value
    added is ``value_added``."""
    with np.errstate(under="ignore"):  # negligible flows underflow to 0, which they are
        gross_output = np.divide(value_added, va_ratio[None, :], out=np.zeros_like(value_added),
                                 where=va_ratio[None, :] > 0)
        return local_share * gross_output @ coefficients.T


def supplier_weights(supplier_va: FloatArray, travel_time: FloatArray, decay: float) -> FloatArray:
    """(IO3): ``[buyer unit, supplier unit, supplier sector]`` shares of a buyer's purchases (rows sum to 1
    over supplier units where the sector exists anywhere)."""
    with np.errstate(under="ignore"):
        raw = supplier_va[None, :, :] * np.exp(-decay * travel_time)[:, :, None]
        total = raw.sum(axis=1, keepdims=True)
        return np.divide(raw, total, out=np.zeros_like(raw), where=total > 0)


def allocate_purchases(purchases: FloatArray, weights: FloatArray) -> FloatArray:
    """(IO3): ``[supplier unit, supplier sector]`` purchases received, from ``[buyer unit, supplier sector]``."""
    with np.errstate(under="ignore"):
        return np.einsum("hs,hcs->cs", purchases, weights)


def supplier_capacity_investment(received: FloatArray, va_ratio: FloatArray,
                                 capital_output: FloatArray) -> FloatArray:
    """(IO4): ``[unit, sector]`` suppliers' investment for purchases ``received`` at full production."""
    with np.errstate(under="ignore"):
        return capital_output * va_ratio[None, :] * received
