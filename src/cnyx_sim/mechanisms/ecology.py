"""Ecology: energy use and CO2 by sector, the Yangtze siting rule for chemical projects, and horizontal
ecological compensation between units (横向生态保护补偿) (ODD 7.15).

For unit ``c``, sector ``s``, year ``t`` (base year t0):

    (E1)  EN_c,t = I_t * sum_s e_s * Y_cs,t               energy use, 万吨标准煤
          e_s: energy intensity, 万吨标准煤 per 亿元 of value added at 2021 prices (= tce per 万元);
          I_t = prod_{k=t0+1..t} (1 - d_k): intensity index (base 1), d_k the yearly intensity decline
    (E2)  CO2_c,t = k * J_t * EN_c,t                      万吨 CO2; k t CO2 per tce in the base year,
          J_t = prod_{k=t0+1..t} (1 - g_k): carbon-per-energy index, g_k its yearly decline
    (E3)  m_cs,t = 1 - chi_s * min(1, r_c * x_t) * 1[t >= t_rule]
          share of unit c's industrial sites open to sector s's new projects: chi_s is the share of the sector's
          projects that are chemical projects (化工项目), r_c the share of c's industrial sites within 1 km of
          the Yangtze or a main tributary, x_t the width of the restricted strip in km (1 = the law); t_rule is
          the year of the rule's date when it is in force for most of that year (by 30 June), else the next
          year, so the law of 2021-03-01 binds the base year and the base-year location choice (T6) sees it
    (E4)  V_osc += ln m_cs,t                               location utility of projects (T4): a logit
          alternative made of many sites loses the excluded ones; m = 0 closes the unit to the sector
    (E5)  for a compensation pair j (upstream u_j, downstream d_j, yearly amount A_j, target probability q_j):
          n_j,t ~ Binomial(12, q_j) months in which the boundary section meets its target and improves;
          the downstream unit pays the upstream one A_j n_j,t / 12 and the upstream unit pays the downstream
          one A_j (12 - n_j,t) / 12 (the two-way 对赌 rule of the 2018 重庆 scheme, 100万元 a month either way)
    (E6)  Paid_c = sum of what c pays, Received_c = sum of what c receives; sum_c Paid_c = sum_c Received_c
          (flows stay inside the region), and the net receipt Received_c - Paid_c enters the city budget (B2)

The siting rule is 长江保护法 (in force 2021-03-01) 第二十六条: no new or expanded chemical parks or chemical
projects within 1 km of the shoreline of the Yangtze's main stem and tributaries. The model has no geography
below the unit, so the rule acts through r_c, the share of a unit's sites in the strip (an assumption per
unit). (E1)-(E2) are accounting: they do not feed back on production.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FloatArray = np.ndarray
MONTHS = 12


def intensity_index(declines: FloatArray, years_since_base: int) -> float:
    """``I_t`` (or ``J_t``) of (E1)-(E2): ``prod (1 - d_k)`` over the first ``years_since_base`` simulated years.

    ``declines`` is the ``[year]`` path over ``start..end`` (position 0 = base year, never used).
    """
    steps = np.asarray(declines, dtype=float)[1: years_since_base + 1]
    return float(np.prod(1.0 - steps))


def energy_use(value_added_real: FloatArray, intensity: FloatArray, index: float) -> FloatArray:
    """(E1): ``[unit]`` energy use, 万吨标准煤, from ``[unit, sector]`` real VA and ``[sector]`` intensities."""
    return index * (np.asarray(value_added_real, dtype=float) * np.asarray(intensity)[None, :]).sum(axis=1)


def co2_emissions(energy: FloatArray, co2_per_energy: float, index: float) -> FloatArray:
    """(E2): ``[unit]`` CO2, 万吨, from (E1) energy use."""
    return co2_per_energy * index * np.asarray(energy, dtype=float)


def open_site_share(chemical_share: FloatArray, riverside_share: FloatArray, strip_width: float,
                    is_in_force: bool) -> FloatArray:
    """(E3): ``[sector, unit]`` share of sites open to new projects of each sector."""
    if not is_in_force:
        return np.ones((len(chemical_share), len(riverside_share)))
    with np.errstate(under="ignore"):  # a vanishing strip closes nothing: underflow to 0 is the right answer
        restricted = np.minimum(1.0, np.asarray(riverside_share, dtype=float) * strip_width)
        return 1.0 - np.asarray(chemical_share, dtype=float)[:, None] * restricted[None, :]


def siting_utility(open_share: FloatArray) -> FloatArray:
    """(E4): ``[sector, unit]`` utility shift ``ln m`` (``-inf`` where no site is open)."""
    with np.errstate(divide="ignore"):
        return np.log(np.maximum(open_share, 0.0))


@dataclass(frozen=True)
class Compensation:
    """One year of (E5)-(E6), ``[unit]`` nominal 亿元 unless stated.

    Attributes
    ----------
    paid, received : what each unit paid and received.
    """

    paid: FloatArray
    received: FloatArray

    @property
    def net(self) -> FloatArray:
        return self.received - self.paid


def draw_months(probability: FloatArray, rng: np.random.Generator) -> np.ndarray:
    """(E5): ``[pair]`` months meeting the target, one Binomial(12, q) per pair (always drawn, in pair order)."""
    return rng.binomial(MONTHS, np.asarray(probability, dtype=float))


def compensation_flows(upstream: np.ndarray, downstream: np.ndarray, amount: FloatArray, is_active: np.ndarray,
                       months: np.ndarray, n_units: int) -> Compensation:
    """(E5)-(E6): gross flows of the active pairs.

    Parameters
    ----------
    upstream, downstream : [pair] unit positions.
    amount : [pair] A_j, 亿元 per year (nominal).
    is_active : [pair] bool, the pair's agreement is in force this year.
    months : [pair] n_j,t from :func:`draw_months`.
    n_units : number of units.
    """
    amount = np.where(is_active, np.asarray(amount, dtype=float), 0.0)
    met = np.asarray(months, dtype=float) / MONTHS
    down_pays = amount * met
    up_pays = amount * (1.0 - met)
    paid = (np.bincount(downstream, weights=down_pays, minlength=n_units)
            + np.bincount(upstream, weights=up_pays, minlength=n_units))
    received = (np.bincount(upstream, weights=down_pays, minlength=n_units)
                + np.bincount(downstream, weights=up_pays, minlength=n_units))
    return Compensation(paid=paid, received=received)
