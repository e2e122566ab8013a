"""Relocation and consent, referral effort (ODD 7.18, issue 10 item 1).

The origin government decides whether to let a project go. A government-led relocation (the 92号 kind:
the origin's government organises the move of an operating firm to another unit's park) happens only with
its consent, and what the origin keeps under the sharing terms in force makes it willing. Market-led moves
(T7) and the arrivals from the cores (T2) need no consent and are unchanged.

For a region unit ``u`` as origin and year ``t``, over the agreements ``a`` in force that would credit ``u``
for a project it lets go (rules ``government_led_relocation`` and ``all_cross_unit`` whose partner is the
origin, and park agreements naming ``u`` as partner):

    (R1)  V_u(t) = max_a [ w_T * sigma_a * pi_a + (1 - w_T) * phi_a * h_a ]           (0 without agreement)
          sigma_a split of the city-level taxes, pi_a enforcement probability (S4), phi_a the GDP statistics
          split, h_a the probability the split is honoured (D2); w_T the weight of revenue in the origin's
          motives (the rest is credited GDP, the cadre-evaluation motive of mechanisms-research §1.3)
    (R2)  P_u(t) = P_0 + (1 - P_0) * V_u(t)                                            consent probability
    (R3)  h^G_u(t) = lambda_G * P_u(t)                  yearly hazard of a government-led relocation of each
          operating project hosted by ``u``, added to the market hazard (T7); a move is flagged
          government-led when the project's own uniform u_j < h^G / (h^M + h^G)
    (R4)  Referral effort (首谈地): with r_u(t) = max_a sigma_a * pi_a over the rules that credit a referring
          unit (``referral``, ``all_cross_unit``), the weight of ``u`` among the units a referral comes from is
              W_u(t) = 1 + kappa_R * r_u(t)                                         (1 = equal, the T6 hook)
          and referral effort raises the probability that another unit negotiated first (T6) to
              p_ref * mean_u W_u(t)          (capped at 1 by the uniform draw), the referring unit chosen with
          log W_u added to its score: a rule that rewards every unit alike raises how often, not who.
    (R5)  Pre-move taxes of a relocated project (the 92号 eligibility floor and cap): the sum of its gross
          taxes over the ``PRE_MOVE_YEARS`` years before the move, 亿元 current prices.

Without agreements V = r = 0, so every unit consents with P_0 and referral weights are equal: the channel's
size then rests on lambda_G alone, which the scenario states; sharing terms only move it from there.
"""

from __future__ import annotations

import numpy as np

from cnyx_sim.mechanisms.tax_sharing import (
    KIND_ALL_CROSS_UNIT,
    KIND_GOVERNMENT_LED,
    KIND_PARK,
    KIND_REFERRAL,
    STAT_QUANTITIES,
    AgreementSet,
)

FloatArray = np.ndarray

#: Years before a move whose taxes count for the 92号 floor and cap (财预〔2015〕92号: 迁出前三年).
PRE_MOVE_YEARS = 3
_GDP = STAT_QUANTITIES.index("gdp")


def _in_force(agreements: AgreementSet, year: int) -> np.ndarray:
    return (agreements.start_year <= year) & (year <= agreements.end_year)


def kept_value(agreements: AgreementSet, year: int, n_units: int, revenue_weight: float) -> FloatArray:
    """(R1): ``[unit]`` V_u, the expected share an origin unit keeps of a project it lets go, in [0, 1]."""
    a = agreements
    value = np.zeros(n_units)
    if a.n_agreements == 0:
        return value
    credits_origin = np.isin(a.kind, (KIND_GOVERNMENT_LED, KIND_ALL_CROSS_UNIT, KIND_PARK))
    terms = (revenue_weight * a.split * a.enforcement_probability
             + (1.0 - revenue_weight) * a.stat_split[:, _GDP] * a.stat_honour_probability)
    for k in np.flatnonzero(credits_origin & _in_force(a, year)):
        if a.kind[k] == KIND_PARK:
            units = [a.partner_unit[k]] if a.partner_unit[k] >= 0 else []
        else:  # rules: the partner is the origin, whichever unit it is
            units = range(n_units)
        for u in units:
            value[u] = max(value[u], float(terms[k]))
    return np.clip(value, 0.0, 1.0)


def consent_probability(kept: FloatArray, base_consent: float) -> FloatArray:
    """(R2): ``[unit]`` probability that the origin government consents to a government-led move."""
    with np.errstate(under="ignore"):  # a vanishing share kept adds nothing: underflow to 0 is the answer
        return base_consent + (1.0 - base_consent) * np.clip(kept, 0.0, 1.0)


def government_led_hazard(consent: FloatArray, rate: float) -> FloatArray:
    """(R3): ``[unit]`` yearly probability that an operating project of the unit is moved by its government."""
    return np.clip(rate * consent, 0.0, 1.0)


def government_led_share(market_hazard: FloatArray, government_hazard: FloatArray) -> FloatArray:
    """(R3): share of a project's relocation hazard that is government-led (0 where both are 0)."""
    total = market_hazard + government_hazard
    with np.errstate(under="ignore"):  # a vanishing government hazard rounds to a zero share
        return np.divide(government_hazard, total, out=np.zeros_like(total, dtype=float), where=total > 0)


def referral_share(agreements: AgreementSet, year: int, n_units: int) -> FloatArray:
    """(R4): ``[unit]`` r_u, the expected share of a referred project's city-level taxes the referring unit keeps."""
    a = agreements
    share = np.zeros(n_units)
    if a.n_agreements == 0:
        return share
    rules = np.isin(a.kind, (KIND_REFERRAL, KIND_ALL_CROSS_UNIT)) & _in_force(a, year)
    if rules.any():
        share[:] = float(np.max(a.split[rules] * a.enforcement_probability[rules]))
    return share


def referral_weights(share: FloatArray, effort_response: float) -> FloatArray:
    """(R4): ``[unit]`` W_u = 1 + kappa_R r_u (weights of the units a referral comes from)."""
    return 1.0 + effort_response * np.clip(share, 0.0, 1.0)


def pre_move_taxes(tax_gross: FloatArray, year_index: int) -> FloatArray:
    """(R5): ``[project]`` gross taxes of the ``PRE_MOVE_YEARS`` years before ``year_index`` (columns of
    ``tax_gross`` ``[project, year]``; fewer when the run is younger), 亿元 current prices."""
    first = max(0, year_index - PRE_MOVE_YEARS)
    return tax_gross[:, first:year_index].sum(axis=1)
