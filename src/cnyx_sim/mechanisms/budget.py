"""City budgets: revenue after sharing funds public investment and incentives; balance and debt (ODD 7.9).

Extends (F7) of ``mechanisms.fiscal``: the revenue that funds public investment is the city-level revenue
*after* sharing agreements, and incentives (tax rebates, land discounts) are a cost that is borrowed for.
For unit ``c`` in year ``t`` (nominal 亿元):

    (B1)  T_c   = tau_T * R_c                       transfers from upper levels, R_c = revenue after sharing
                                                    (tau_T: assumption; default 0 = transfers left out)
    (B2)  Rev_c = R_c + T_c + E_c                     E_c: net ecological compensation received (E6 of
                                                    ``mechanisms.ecology``; 0 without compensation pairs)
    (B3)  C_c   = (1 - s_G,c) * Rev_c               current spending tracks revenue (assumption)
    (B4)  IG*_c = s_G,c * Rev_c - F_c               planned public investment; s_G from (F8);
          F_c = min(f_I * Inc_c, s_G,c * Rev_c)     the part of the incentives paid out of the investment
                                                    envelope (f_I of C4, ``mechanisms.competition``; 0 without
                                                    incentive competition: incentives are borrowed for)
    (B5)  Int_c = r * D_c,t                         interest on last year's debt
    (B6)  Def*_c = C_c + IG*_c + Inc_c + Int_c - Rev_c = Inc_c - F_c + Int_c      Inc: cost of incentives
    (B7)  IG_c  = max(0, IG*_c - max(0, Def*_c - max(0, l * Rev_c - D_c,t)))
          Public investment, the discretionary item, is cut first so that debt stays within the borrowing
          limit l * Rev_c; incentives and interest are commitments and are paid even if that breaches it.
    (B8)  Bal_c = Rev_c - C_c - IG_c - Inc_c - Int_c;   D_c,t+1 = D_c,t - Bal_c
    (B9)  IG_c = IP_c + IL_c,  IL_c = psi * IG_c (park land development),  IP_c = (1 - psi) * IG_c
          IP_c is added to public capital by (F7): G_c,t+1 = (1 - delta_G) G_c,t + IP_c / P_t.

With no incentives, no debt and tau_T = psi = 0, (B1)-(B9) reduce to (F7) on the after-sharing revenue.
Contributions X_c to developing co-built parks' land (PD4-PD5, ``mechanisms.park_development``) are a
commitment like Inc_c: they enter Def*_c in (B6) and are paid in (B8) (0 when parks do not grow).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnyx_sim.mechanisms import fiscal

FloatArray = np.ndarray


@dataclass(frozen=True)
class BudgetOutcome:
    """One year of every unit's budget, ``[unit]`` nominal 亿元.

    Attributes
    ----------
    revenue : Rev (B2). transfers : T (B1). current_spending : C (B3).
    public_investment : IG (B7). infrastructure_investment : IP (B9). park_land_investment : IL (B9).
    incentive_cost : Inc. interest : Int (B5). balance : Bal (B8), negative = deficit.
    debt : D at the end of the year (B8).
    is_over_limit : [unit] bool, year-end debt above the borrowing limit: inherited (no forced repayment) or
        because commitments exceeded what cutting public investment to zero could save.
    """

    revenue: FloatArray
    transfers: FloatArray
    current_spending: FloatArray
    public_investment: FloatArray
    infrastructure_investment: FloatArray
    park_land_investment: FloatArray
    incentive_cost: FloatArray
    interest: FloatArray
    balance: FloatArray
    debt: FloatArray
    is_over_limit: np.ndarray


def budget_year(
    revenue_after_sharing: FloatArray,
    investment_share: FloatArray,
    incentive_cost: FloatArray,
    debt: FloatArray,
    transfer_rate: float,
    interest_rate: float,
    debt_limit_to_revenue: float,
    park_land_share: float,
    other_transfers: FloatArray | float = 0.0,
    park_contribution: FloatArray | float = 0.0,
    incentive_funding_share: float = 0.0,
) -> BudgetOutcome:
    """Equations (B1)-(B9) for all units.

    Parameters
    ----------
    revenue_after_sharing : [unit] city-level tax revenue after sharing agreements (S8), 亿元.
    investment_share : [unit] s_G, the city agents' public-investment share (F8).
    incentive_cost : [unit] rebates paid and land discounts granted this year, 亿元 (>= 0).
    debt : [unit] debt at the start of the year, 亿元.
    transfer_rate : tau_T, transfers / own revenue.
    interest_rate : r, 1/yr.
    debt_limit_to_revenue : l, borrowing limit as a multiple of revenue.
    park_land_share : psi, share of public investment spent on developing park land.
    other_transfers : [unit] E_c, net transfers between the units outside tax sharing (ecological
        compensation, E6), 亿元; they sum to zero over the region.
    park_contribution : [unit] X_u, the unit's contribution to developing co-built parks' land (PD4-PD5,
        ``mechanisms.park_development``), 亿元 (>= 0): a committed outlay like the incentives, in (B6) and (B8).
    incentive_funding_share : f_I of (B4), the share of the incentive cost paid out of the public-investment
        envelope (with incentive competition, C4); 0 = incentives borrowed for.
    """
    transfers = transfer_rate * revenue_after_sharing                                     # (B1)
    revenue = revenue_after_sharing + transfers + other_transfers                         # (B2)
    current = (1.0 - investment_share) * revenue                                          # (B3)
    envelope = fiscal.public_investment(revenue, investment_share)                        # (F7)
    funded = np.minimum(incentive_funding_share * np.asarray(incentive_cost, dtype=float), np.maximum(envelope, 0.0))
    planned = envelope - funded                                                           # (B4)
    interest = interest_rate * debt                                                       # (B5)
    planned_deficit = incentive_cost - funded + interest + park_contribution  # (B6) (+ PD5), reduced form
    headroom = np.maximum(debt_limit_to_revenue * np.maximum(revenue, 0.0) - debt, 0.0)
    cut = np.maximum(planned_deficit - headroom, 0.0)
    public_investment = np.maximum(planned - cut, 0.0)                                    # (B7)
    balance = revenue - current - public_investment - incentive_cost - interest - park_contribution  # (B8), (PD5)
    debt_next = debt - balance
    limit = debt_limit_to_revenue * np.maximum(revenue, 0.0)
    is_over_limit = debt_next > limit * (1.0 + 1e-12) + 1e-12
    park_land = park_land_share * public_investment                                       # (B9)
    return BudgetOutcome(
        revenue=revenue,
        transfers=transfers,
        current_spending=current,
        public_investment=public_investment,
        infrastructure_investment=public_investment - park_land,
        park_land_investment=park_land,
        incentive_cost=np.asarray(incentive_cost, dtype=float) * np.ones_like(revenue),
        interest=interest,
        balance=balance,
        debt=debt_next,
        is_over_limit=is_over_limit,
    )
