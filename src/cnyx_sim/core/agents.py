"""Mesa agents. Their numbers live in arrays (``CityPolicies``); the agents own identity and decisions."""

from __future__ import annotations

from dataclasses import dataclass, field

import mesa
import numpy as np

from cnyx_sim.core.params import CompetitionParams, FiscalParams, IncentiveParams
from cnyx_sim.core.state import CityPolicies, FloatArray
from cnyx_sim.mechanisms import competition as competition_rules
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
    # incentive competition (C1)-(C2), ``[city]``; empty without it
    neighbour_land_discount: FloatArray = field(default_factory=lambda: np.zeros(0))
    neighbour_tax_rebate: FloatArray = field(default_factory=lambda: np.zeros(0))
    incentive_cost: FloatArray = field(default_factory=lambda: np.zeros(0))
    revenue: FloatArray = field(default_factory=lambda: np.zeros(0))


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
    competition_incentives, competition : with incentive competition (C1)-(C3), the regime and reference
        packages of the incentives section and the competition rule; ``None`` without it. Competition replaces
        (T9): the growth gap enters (C1).
    """

    def __init__(
        self, model: mesa.Model, idx: int, code: str, name_zh: str, policies: CityPolicies,
        fiscal_params: FiscalParams, incentives: IncentiveParams | None,
        competition_incentives: IncentiveParams | None = None, competition: CompetitionParams | None = None,
    ) -> None:
        super().__init__(model)
        self.idx, self.code, self.name_zh = idx, code, name_zh
        self.policies = policies
        self.fiscal_params = fiscal_params
        self.incentives = incentives
        self.competition_incentives, self.competition = competition_incentives, competition

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
        if self.competition is not None:
            self._compete(signals, f.growth_target - float(growth))
            return
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

    def _compete(self, signals: CitySignals, growth_gap: float) -> None:
        """(C1)-(C3): next year's land discount and rebate as best responses to the neighbours' packages of the
        year, scaled to the budget, coordinated and bounded by next year's regime (T8)."""
        c, inc, policies, idx = self.competition, self.competition_incentives, self.policies, self.idx
        year = signals.next_year
        scale = competition_rules.budget_scale(float(signals.incentive_cost[idx]), float(signals.revenue[idx]),
                                               c.budget_share)
        in_force = year >= c.coordination_year
        upper_discount = incentive_rules.regime_bound(year, inc.regime_year, inc.max_land_discount)
        upper_rebate = float(incentive_rules.rebate_ceiling(year, inc.regime_year, inc.max_tax_rebate,
                                                            inc.authorised_until)[idx])
        for name, reference, neighbour, common, upper in (
                ("land_discount", inc.land_discount[idx], signals.neighbour_land_discount[idx],
                 c.common_land_discount, upper_discount),
                ("tax_rebate", inc.tax_rebate[idx], signals.neighbour_tax_rebate[idx], c.common_tax_rebate,
                 upper_rebate)):
            response = competition_rules.best_response(float(reference), float(neighbour), c.reaction,
                                                       inc.adjustment, growth_gap)
            getattr(policies, name)[idx] = competition_rules.coordinate(scale * response, common, c.coordination,
                                                                        in_force, upper)

    def __repr__(self) -> str:
        return f"CityAgent({self.code}, {self.name_zh})"
