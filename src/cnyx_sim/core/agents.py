"""Mesa agents. Their numbers live in arrays (``CityPolicies``); the agents own identity and decisions."""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np

from cnyx_sim.core.params import FiscalParams, IncentiveParams
from cnyx_sim.core.state import CityPolicies, FloatArray
from cnyx_sim.mechanisms import fiscal
from cnyx_sim.mechanisms import incentives as incentive_rules


@dataclass(frozen=True)
class CitySignals:
    """What the city agents decide on at the end of a year (ODD+D sensing).

    Attributes
    ----------
    next_year : the year the decisions apply to.
    growth : ``[city]`` nominal GDP growth of the year just booked, on the ledger the officials chase
        (credited or official, ``SharingParams.agents_use_credited_gdp``), 1/yr.
    """

    next_year: int
    growth: FloatArray


class CityAgent(mesa.Agent):
    """A plan unit (city or district) as a Mesa agent: it decides row ``idx`` of the ``CityPolicies`` arrays.

    Decisions (ODD+D): each year the city sets the share of its revenue that goes to public investment,
    chasing its growth target (F8); with adaptive incentives it also moves its package (T9).

    Parameters
    ----------
    model : the Mesa model the agent belongs to (Mesa's registry; the agent reads nothing from it).
    idx, code, name_zh : position in the model's unit order, unit code, Chinese name.
    policies : the arrays the agents decide (shared by all city agents of a model).
    fiscal_params : growth target, adjustment speed and bounds of (F8).
    incentives : the regime and adjustment of (T9); ``None`` when packages are fixed (no industrial transfer,
        or ``incentives.mode`` not adaptive).
    """

    def __init__(
        self, model: mesa.Model, idx: int, code: str, name_zh: str, policies: CityPolicies,
        fiscal_params: FiscalParams, incentives: IncentiveParams | None,
    ) -> None:
        super().__init__(model)
        self.idx, self.code, self.name_zh = idx, code, name_zh
        self.policies = policies
        self.fiscal_params = fiscal_params
        self.incentives = incentives

    @property
    def public_investment_share(self) -> float:
        """The share of revenue this unit spends on public investment this year (F8)."""
        return float(self.policies.public_investment_share[self.idx])

    def decide(self, signals: CitySignals) -> None:
        """(F8): adjust next year's public-investment share to the gap to the growth target; with adaptive
        incentives (T9), the land discount and rebate likewise, within next year's regime bounds (T8)."""
        f, policies, idx = self.fiscal_params, self.policies, self.idx
        growth = signals.growth[idx]
        new_share = fiscal.adjust_investment_share(
            np.array([policies.public_investment_share[idx]]), f.growth_target, np.array([growth]),
            f.public_investment_adjustment, f.public_investment_share_bounds,
        )
        policies.public_investment_share[idx] = new_share[0]
        inc = self.incentives
        if inc is None:
            return
        year = signals.next_year
        max_discount = incentive_rules.regime_bound(year, inc.regime_year, inc.max_land_discount)
        max_rebate = incentive_rules.rebate_ceiling(year, inc.regime_year, inc.max_tax_rebate,
                                                    inc.authorised_until)[idx]
        discount, rebate = incentive_rules.adjust_package(
            policies.land_discount[idx], policies.tax_rebate[idx], f.growth_target - float(growth),
            inc.adjustment, max_discount, max_rebate,
        )
        policies.land_discount[idx], policies.tax_rebate[idx] = float(discount), float(rebate)

    def __repr__(self) -> str:
        return f"CityAgent({self.code}, {self.name_zh})"
